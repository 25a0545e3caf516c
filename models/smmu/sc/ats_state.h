/* SPDX-License-Identifier: BSD-3-Clause */
// What the module holds for PCIe ATS/PRI: the endpoints, the StreamIDs each port has used, and the invalidations
// and responses between the command queue and the endpoints.
#pragma once

#include <deque>
#include <map>
#include <vector>

#include <smmu/sc/smmuv3.h>

namespace smmu {

struct Smmuv3::AtsState {
    std::vector<AtsEndpoint *> endpoints;            // by port
    std::map<uint32_t, unsigned> port_of_sid;        // StreamID -> the port its PCIe requests came on
    struct Outstanding { tick sent = 0, deadline = 0; };
    std::deque<smmu_atc_inv_t> to_send;              // from CMD_ATC_INV, not yet delivered
    std::map<uint32_t, Outstanding> outstanding;     // tag -> delivered, not completed
    std::deque<uint32_t> completions;                // tags the endpoints completed, not yet passed to the core
    std::deque<smmu_pri_resp_t> responses;           // from CMD_PRI_RESP, not yet delivered
    sc_core::sc_event wake;
};

} // namespace smmu
