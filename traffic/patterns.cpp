// SPDX-License-Identifier: BSD-3-Clause
// The generator patterns. Issue times: start + k * gap, gap = size / rate or the inter-arrival time.
#include "patterns.h"

#include <cmath>

namespace traffic {

ZipfSampler::ZipfSampler(uint64_t n, double s) : n_(n), s_(s)
{
    hx1_ = H(1.5) - 1.0;
    hn_ = H((double)n + 0.5);
    shift_ = 2.0 - Hinv(H(2.5) - h(2.0));
}

double ZipfSampler::h(double x) const { return std::exp(-s_ * std::log(x)); }

// H(x) = integral of h: (x^(1-s) - 1) / (1 - s), log(x) in the limit s -> 1.
double ZipfSampler::H(double x) const
{
    double lx = std::log(x), t = (1.0 - s_) * lx;
    return std::fabs(t) > 1e-8 ? std::expm1(t) / (1.0 - s_) : lx * (1.0 + t / 2.0);
}

double ZipfSampler::Hinv(double x) const
{
    double t = x * (1.0 - s_);
    if (t < -1.0) t = -1.0;   // numerical guard at the far tail
    return std::exp(std::fabs(t) > 1e-8 ? std::log1p(t) / (1.0 - s_) : x * (1.0 - t / 2.0));
}

uint64_t ZipfSampler::sample(Rng &rng)
{
    if (n_ <= 1) return 1;
    for (;;) {
        double u = hn_ + rng.uniform() * (hx1_ - hn_);
        double x = Hinv(u);
        double k = std::floor(x + 0.5);
        if (k < 1) k = 1;
        if (k > (double)n_) k = (double)n_;
        if (k - x <= shift_ || u >= H(k + 0.5) - h(k)) return (uint64_t)k;
    }
}

namespace {

class Base : public Pattern {
public:
    explicit Base(const PatternConfig &c) : c_(c), rng_(c.seed)
    {
        if (c.interarrival_ps) gap_ = (double)c.interarrival_ps;
        else if (c.rate > 0) gap_ = c.size * 1e12 / c.rate;
    }
    bool next(Txn &t) override
    {
        if (c_.count && k_ >= c_.count) return false;
        uint64_t when = c_.start_ps + (uint64_t)std::llround(gap_ * (double)k_);
        if (c_.duration_ps && when >= c_.start_ps + c_.duration_ps) return false;
        t = Txn{};
        t.time_ps = when;
        t.sid = c_.sid; t.ssid = c_.ssid; t.ssv = c_.ssv;
        t.size = c_.size;
        t.write = c_.read_ratio < 1.0 && rng_.uniform() >= c_.read_ratio;
        if (!address(t)) return false;
        k_++;
        return true;
    }
protected:
    virtual bool address(Txn &t) = 0;
    uint64_t slots() const { return c_.footprint / c_.size ? c_.footprint / c_.size : 1; }
    PatternConfig c_;
    Rng rng_;
    double gap_ = 0;
    uint64_t k_ = 0;
};

class Sequential : public Base {
public:
    using Base::Base;
    bool address(Txn &t) override { t.addr = c_.base + (k_ % slots()) * c_.size; return true; }
};

class Strided : public Base {
public:
    using Base::Base;
    bool address(Txn &t) override
    {
        uint64_t n = c_.footprint / c_.stride ? c_.footprint / c_.stride : 1;
        t.addr = c_.base + (k_ % n) * c_.stride;
        return true;
    }
};

class Random : public Base {
public:
    using Base::Base;
    bool address(Txn &t) override { t.addr = c_.base + rng_.below(slots()) * c_.size; return true; }
};

// Zipf over pages: rank r maps to a page through a fixed odd-multiplier permutation, so hot pages are scattered.
class Zipf : public Base {
public:
    explicit Zipf(const PatternConfig &c) : Base(c), pages_(c.zipf_pages ? c.zipf_pages : std::max<uint64_t>(c.footprint / 4096, 1)),
                                             z_(pages_, c.zipf_s) {}
    bool address(Txn &t) override
    {
        uint64_t rank = z_.sample(rng_) - 1;
        uint64_t page = (rank * 0x9E3779B97F4A7C15ull) % pages_;
        uint64_t page_bytes = c_.footprint / pages_;
        uint64_t in_page = page_bytes / c_.size ? rng_.below(page_bytes / c_.size) * c_.size : 0;
        t.addr = c_.base + page * page_bytes + in_page;
        return true;
    }
    uint64_t pages_;
    ZipfSampler z_;
};

// A NIC receive ring: per descriptor, one descriptor read, then the packet buffer written in `size` pieces.
class Ring : public Base {
public:
    explicit Ring(const PatternConfig &c) : Base(c)
    {
        buf_base_ = c.buffer_base ? c.buffer_base
                                  : (c.base + (uint64_t)c.ring_entries * c.descriptor_size + 0x1FFFFF) & ~0x1FFFFFull;
    }
    bool address(Txn &t) override
    {
        uint32_t per = (c_.buffer_size + c_.size - 1) / c_.size;   // buffer writes per descriptor
        uint64_t desc = k_ / (per + 1), step = k_ % (per + 1);
        uint64_t slot = desc % c_.ring_entries;
        if (step == 0) {
            t.addr = c_.base + slot * c_.descriptor_size;
            t.size = c_.descriptor_size;
            t.write = false;
        } else {
            uint64_t nbuf = c_.footprint / c_.buffer_size ? c_.footprint / c_.buffer_size : 1;
            uint64_t off = (step - 1) * c_.size;
            t.addr = buf_base_ + (desc % nbuf) * c_.buffer_size + off;
            t.size = (uint32_t)std::min<uint64_t>(c_.size, c_.buffer_size - off);
            t.write = true;
        }
        return true;
    }
    uint64_t buf_base_;
};

class Replay : public Pattern {
public:
    explicit Replay(const PatternConfig &c) : c_(c), r_(c.trace_file) {}
    bool next(Txn &t) override
    {
        if (c_.count && n_ >= c_.count) return false;
        if (!r_.next(t)) return false;
        if (!c_.trace_sid) t.sid = c_.sid;      // the device's StreamID; the SubstreamID stays the record's
        t.time_ps += c_.start_ps;
        if (c_.duration_ps && t.time_ps >= c_.start_ps + c_.duration_ps) return false;
        n_++;
        return true;
    }
    std::string error() const override { return r_.error(); }
    std::string warning() const override { return r_.warning(); }
    PatternConfig c_;
    TraceReader r_;
    uint64_t n_ = 0;
};

} // namespace

std::unique_ptr<Pattern> make_pattern(const PatternConfig &c, std::string *err)
{
    auto bad = [&](const std::string &m) { if (err) *err = m; return nullptr; };
    if (c.pattern == "trace") {
        auto p = std::make_unique<Replay>(c);
        if (!p->r_.ok()) return bad(p->r_.error());
        return p;
    }
    if (!c.size) return bad("size must be greater than 0");
    if (c.read_ratio < 0 || c.read_ratio > 1) return bad("read_ratio must be between 0 and 1");
    if (c.pattern == "sequential") return std::make_unique<Sequential>(c);
    if (c.pattern == "strided") {
        if (!c.stride) return bad("stride must be greater than 0");
        return std::make_unique<Strided>(c);
    }
    if (c.pattern == "random") return std::make_unique<Random>(c);
    if (c.pattern == "zipf") {
        if (!(c.zipf_s > 0)) return bad("zipf_s must be greater than 0");
        return std::make_unique<Zipf>(c);
    }
    if (c.pattern == "ring") {
        if (!c.ring_entries || !c.descriptor_size || !c.buffer_size) return bad("ring_entries, descriptor_size and buffer_size must be > 0");
        return std::make_unique<Ring>(c);
    }
    return bad("unknown pattern '" + c.pattern + "'");
}

} // namespace traffic
