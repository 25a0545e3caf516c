/* SPDX-License-Identifier: BSD-3-Clause */
// A PCIe endpoint's Address Translation Cache (PCIe ATS; IHI 0070 3.9): the ATS Completions a device keeps, looked
// up by (StreamID, PASID, address) and dropped by ATS Invalidate Requests. Independent of SystemC.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "txn.h"

namespace traffic {

enum class AtcPolicy { Lru, Fifo, Random };
bool parse_atc_policy(const std::string &name, AtcPolicy *out);   // "lru" "fifo" "random"
const char *atc_policy_name(AtcPolicy p);

struct AtcConfig {
    uint32_t entries = 64;            // fully associative (endpoint ATCs are small); at least 1
    AtcPolicy policy = AtcPolicy::Lru;
    uint64_t seed = 1;                // Random policy
};

// One ATS Completion: the region [base, base + 2^size_log2) of (sid, pasid when ssv) translates to pa.
struct AtcEntry {
    uint32_t sid = 0, ssid = 0;
    bool ssv = false, global = false;
    uint64_t base = 0, pa = 0;
    uint8_t size_log2 = 12;
    bool read = false, write = false, exec = false, priv = false;
    uint64_t filled = 0, used = 0;    // replacement order
};

struct AtcStats {
    uint64_t lookups = 0, hits = 0, misses = 0, fills = 0, evictions = 0;
    uint64_t invalidations = 0, entries_invalidated = 0;   // Invalidate Requests received; entries they dropped
    double hit_rate() const { return lookups ? (double)hits / (double)lookups : 0.0; }
};

class Atc {
public:
    explicit Atc(const AtcConfig &c);
    // The entry for an access of (sid, pasid when ssv) to addr that the entry permits (write needs W, read R), or
    // nullptr: a miss, and the device sends a Translation Request.
    const AtcEntry *lookup(uint32_t sid, uint32_t ssid, bool ssv, uint64_t addr, bool write);
    void fill(const AtcEntry &e);
    // ATS Invalidate Request: without PASID every entry of sid overlapping the range goes, whatever its PASID (there
    // is no way to name only the PASID-less ones); with PASID those of that PASID, and with Global also the Global
    // entries of every PASID. Returns the entries dropped.
    unsigned invalidate(uint32_t sid, uint32_t ssid, bool ssv, bool global, uint64_t addr, uint8_t size_log2);
    const AtcStats &stats() const { return st_; }
    size_t size() const { return live_.size(); }
    const AtcConfig &config() const { return cfg_; }

private:
    AtcConfig cfg_;
    std::vector<AtcEntry> live_;
    AtcStats st_;
    uint64_t clock_ = 0;
    Rng rng_;
};

} // namespace traffic
