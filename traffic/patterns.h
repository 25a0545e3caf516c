/* SPDX-License-Identifier: BSD-3-Clause */
// Address/time patterns of a DMA master: sequential, strided, uniform random, Zipf-skewed random, NIC-like ring,
// and trace replay. Independent of SystemC: a pattern yields transactions with their issue times.
#pragma once

#include <memory>
#include <string>

#include "trace.h"
#include "txn.h"

namespace traffic {

struct PatternConfig {
    std::string pattern = "sequential";   // sequential strided random zipf ring trace
    uint32_t size = 64;                   // bytes per transaction
    double read_ratio = 1.0;
    double rate = 0;                      // bytes/s (0: use interarrival_ps)
    uint64_t interarrival_ps = 0;         // 0 with rate 0: back to back (limited by outstanding)
    uint32_t outstanding = 8;             // not used by the pattern itself; the master enforces it
    uint64_t count = 0;                   // 0 = unlimited
    uint64_t duration_ps = 0;             // 0 = unlimited; stop issuing at start + duration
    uint64_t start_ps = 0;
    uint64_t base = 0, footprint = 1 << 20;
    uint64_t stride = 4096;
    double zipf_s = 1.0;
    uint64_t zipf_pages = 0;              // 0 = footprint / 4K
    uint32_t ring_entries = 256;
    uint32_t descriptor_size = 16, buffer_size = 2048;
    uint64_t buffer_base = 0;             // ring: packet buffers (0 = right after the descriptor ring, 2M aligned)
    std::string trace_file;
    bool trace_sid = false;               // trace: keep each record's StreamID; false: every record gets `sid`
    uint32_t sid = 0, ssid = 0;
    bool ssv = false;
    uint64_t seed = 1;
};

class Pattern {
public:
    virtual ~Pattern() = default;
    // The next transaction; false when the pattern is exhausted (count, duration, end of trace or error).
    virtual bool next(Txn &t) = 0;
    virtual std::string error() const { return ""; }
    // Not an error, but worth telling the user (an empty trace).
    virtual std::string warning() const { return ""; }
};

// nullptr + *err for an impossible configuration.
std::unique_ptr<Pattern> make_pattern(const PatternConfig &c, std::string *err);

// Zipf(s) over ranks 1..n by rejection-inversion (no table, O(1) per sample).
class ZipfSampler {
public:
    ZipfSampler(uint64_t n, double s);
    uint64_t sample(Rng &rng);            // 1..n
private:
    double h(double x) const;
    double H(double x) const;
    double Hinv(double x) const;
    uint64_t n_;
    double s_, hx1_, hn_, shift_;
};

} // namespace traffic
