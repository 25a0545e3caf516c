/* SPDX-License-Identifier: BSD-3-Clause */
// One DMA transaction as the traffic generators and traces describe it.
#pragma once

#include <cstdint>

namespace traffic {

struct Txn {
    uint64_t time_ps = 0;     // issue time
    uint32_t sid = 0;         // StreamID
    uint32_t ssid = 0;        // SubstreamID (PASID), valid when ssv
    bool ssv = false;
    bool write = false;
    uint64_t addr = 0;        // input (IOVA / IPA) address
    uint32_t size = 0;        // bytes
    bool operator==(const Txn &o) const {
        return time_ps == o.time_ps && sid == o.sid && ssid == o.ssid && ssv == o.ssv && write == o.write &&
               addr == o.addr && size == o.size;
    }
};

// xoshiro256** seeded by splitmix64: the same sequence on every platform.
class Rng {
public:
    explicit Rng(uint64_t seed = 1);
    uint64_t next();
    double uniform();                       // [0, 1)
    uint64_t below(uint64_t n);             // [0, n), n > 0
private:
    uint64_t s_[4];
};

} // namespace traffic
