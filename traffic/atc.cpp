// SPDX-License-Identifier: BSD-3-Clause
#include "atc.h"

#include <algorithm>

namespace traffic {

bool parse_atc_policy(const std::string &name, AtcPolicy *out)
{
    if (name == "lru") *out = AtcPolicy::Lru;
    else if (name == "fifo") *out = AtcPolicy::Fifo;
    else if (name == "random") *out = AtcPolicy::Random;
    else return false;
    return true;
}

const char *atc_policy_name(AtcPolicy p)
{
    return p == AtcPolicy::Lru ? "lru" : p == AtcPolicy::Fifo ? "fifo" : "random";
}

Atc::Atc(const AtcConfig &c) : cfg_(c), rng_(c.seed)
{
    if (cfg_.entries == 0) cfg_.entries = 1;
    live_.reserve(cfg_.entries);
}

static bool covers(const AtcEntry &e, uint64_t addr)
{
    return e.size_log2 >= 64 || (addr >> e.size_log2) == (e.base >> e.size_log2);
}

const AtcEntry *Atc::lookup(uint32_t sid, uint32_t ssid, bool ssv, uint64_t addr, bool write)
{
    st_.lookups++;
    for (AtcEntry &e : live_)
        if (e.sid == sid && e.ssv == ssv && (!ssv || e.ssid == ssid) && covers(e, addr) && (write ? e.write : e.read)) {
            e.used = ++clock_;
            st_.hits++;
            return &e;
        }
    st_.misses++;
    return nullptr;
}

void Atc::fill(const AtcEntry &in)
{
    AtcEntry e = in;
    e.filled = e.used = ++clock_;
    // A newer completion for the same region replaces the old one (its permissions may have changed).
    for (AtcEntry &o : live_)
        if (o.sid == e.sid && o.ssv == e.ssv && (!e.ssv || o.ssid == e.ssid) && covers(o, e.base)) { o = e; st_.fills++; return; }
    st_.fills++;
    if (live_.size() < cfg_.entries) { live_.push_back(e); return; }
    size_t victim = 0;
    if (cfg_.policy == AtcPolicy::Random) {
        victim = (size_t)rng_.below(live_.size());
    } else {
        for (size_t i = 1; i < live_.size(); i++) {
            uint64_t a = cfg_.policy == AtcPolicy::Lru ? live_[i].used : live_[i].filled;
            uint64_t b = cfg_.policy == AtcPolicy::Lru ? live_[victim].used : live_[victim].filled;
            if (a < b) victim = i;
        }
    }
    st_.evictions++;
    live_[victim] = e;
}

unsigned Atc::invalidate(uint32_t sid, uint32_t ssid, bool ssv, bool global, uint64_t addr, uint8_t size_log2)
{
    st_.invalidations++;
    const uint64_t lo = size_log2 >= 64 ? 0 : addr & ~((1ull << size_log2) - 1);
    const uint64_t hi = size_log2 >= 64 ? ~0ull : lo + ((1ull << size_log2) - 1);
    auto hit = [&](const AtcEntry &e) {
        if (e.sid != sid) return false;
        if (ssv && !((e.ssv && e.ssid == ssid) || (global && e.global))) return false;
        const uint64_t elo = e.size_log2 >= 64 ? 0 : e.base & ~((1ull << e.size_log2) - 1);
        const uint64_t ehi = e.size_log2 >= 64 ? ~0ull : elo + ((1ull << e.size_log2) - 1);
        return elo <= hi && lo <= ehi;
    };
    const size_t before = live_.size();
    live_.erase(std::remove_if(live_.begin(), live_.end(), hit), live_.end());
    const unsigned n = (unsigned)(before - live_.size());
    st_.entries_invalidated += n;
    return n;
}

} // namespace traffic
