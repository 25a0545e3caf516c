/* SPDX-License-Identifier: BSD-3-Clause */
// StreamID / SubstreamID and access attributes carried by an upstream transaction (IHI 0070 3.2, 3.25).
#pragma once

#include <cstdint>

#include <tlm>

#include <smmu/sc/stats.h>

namespace smmu {

class SMMU_API StreamIdExtension : public tlm::tlm_extension<StreamIdExtension> {
public:
    uint32_t sid = 0;
    uint32_t ssid = 0;
    bool ssv = false;          // SubstreamID valid
    bool priv = false;         // PnU
    bool instr = false;        // InD

    StreamIdExtension() = default;
    StreamIdExtension(uint32_t sid_, uint32_t ssid_ = 0, bool ssv_ = false, bool priv_ = false, bool instr_ = false)
        : sid(sid_), ssid(ssid_), ssv(ssv_), priv(priv_), instr(instr_) {}

    tlm::tlm_extension_base *clone() const override { return new StreamIdExtension(*this); }
    void copy_from(const tlm::tlm_extension_base &ext) override {
        *this = static_cast<const StreamIdExtension &>(ext);
    }
};

// Optional, attached by an initiator that wants to know how the SMMU served its transaction: the module sets
// `served[k]` to the number of the transaction's translations of Served kind k (one per page it touches, plus
// stall retries). Without it nothing is reported.
class SMMU_API ServedExtension : public tlm::tlm_extension<ServedExtension> {
public:
    uint32_t served[kServedKinds] = {};
    void clear() { for (uint32_t &n : served) n = 0; }
    tlm::tlm_extension_base *clone() const override { return new ServedExtension(*this); }
    void copy_from(const tlm::tlm_extension_base &ext) override { *this = static_cast<const ServedExtension &>(ext); }
};

} // namespace smmu
