/* SPDX-License-Identifier: BSD-3-Clause */
// The PCIe side of a DMA master with ATS (IHI 0070 3.9) and PRI (chapter 8): its ATC (traffic/atc.h), the
// Translation Requests it sends on ATC misses, the Page Requests it raises when a completion grants no access and
// demand paging is on, and the ATS invalidations and PRG responses the SMMU sends back to it.
#pragma once

#ifndef SC_INCLUDE_DYNAMIC_PROCESSES
#define SC_INCLUDE_DYNAMIC_PROCESSES
#endif
#include <deque>
#include <map>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>

#include <smmu/sc/smmuv3.h>

#include "atc.h"

namespace smmusim {

struct AtsDeviceStats {
    uint64_t translation_requests = 0;     // Translation Requests sent (ATC misses, PRI retries)
    uint64_t translated = 0;               // transactions sent with AT = Translated
    uint64_t untranslated = 0;             // transactions sent untranslated (a completion with U set)
    uint64_t refused = 0;                  // transactions dropped: UR/CA, or no access after PRI (an error)
    uint64_t stale_completions = 0;        // completions an invalidation overtook: discarded, asked again
    uint64_t page_requests = 0;            // Page Requests sent (one page, Last = 1, each its own group)
    uint64_t pri_success = 0, pri_invalid = 0, pri_failure = 0, pri_lost = 0;   // responses; lost: none came
    std::vector<double> pri_service_ns;    // per Page Request: sent to its PRG Response
    uint64_t invalidations = 0;            // ATS Invalidate Requests received (each completed after inv_latency)
};

class AtsDevice : public sc_core::sc_module, public smmu::AtsEndpoint {
public:
    // One access of a transaction as the DMA engine sends it.
    struct Access {
        uint64_t addr = 0;                 // the address to put on the bus
        bool translated = false;           // AT = Translated (addr is a PA), else untranslated
        unsigned tr = 0, pr = 0;           // Translation Requests and Page Requests it sent (waiting for another
                                           // access's Page Request for the same page is not one)
        bool atc_hit = false;
    };

    AtsDevice(sc_core::sc_module_name n, smmu::Smmuv3 &smmu, const traffic::AtcConfig &atc, sc_core::sc_time inv_latency,
              bool pri);
    // Resolves a DMA access of (sid, pasid when ssv) to addr through the ATC, asking the SMMU over `socket` on a
    // miss (waits). False: the access cannot be made (refused: count it as an error).
    bool resolve(tlm::tlm_fw_transport_if<> &socket, uint32_t sid, uint32_t ssid, bool ssv, uint64_t addr, bool write,
                 Access &out);

    void atc_invalidate(const smmu_atc_inv_t &inv) override;
    void pri_response(const smmu_pri_resp_t &resp) override;

    const traffic::Atc &atc() const { return atc_; }
    const AtsDeviceStats &stats() const { return st_; }

    static constexpr unsigned kPriRetries = 4;                 // Page Requests per access before it is refused
    sc_core::sc_time pri_timeout = sc_core::sc_time(1, sc_core::SC_MS);   // no PRG Response by then: refused

private:
    bool send_message(tlm::tlm_fw_transport_if<> &socket, uint32_t sid, uint32_t ssid, bool ssv, uint64_t addr,
                      smmu::PcieExtension &pext);
    bool translation_request(tlm::tlm_fw_transport_if<> &socket, uint32_t sid, uint32_t ssid, bool ssv, uint64_t addr,
                             bool write, smmu_ats_result_t &res);
    int page_request(tlm::tlm_fw_transport_if<> &socket, uint32_t sid, uint32_t ssid, bool ssv, uint64_t addr, bool write,
                     bool *sent);
    void ack_thread();

    smmu::Smmuv3 &smmu_;
    traffic::Atc atc_;
    sc_core::sc_time inv_latency_;
    bool pri_;
    AtsDeviceStats st_;
    uint64_t epoch_ = 0;                                       // invalidations received so far
    std::deque<std::pair<sc_core::sc_time, uint32_t>> acks_;   // completions due, in time order
    sc_core::sc_event ack_kick_;
    struct Pending { int resp = -1; sc_core::sc_time sent; };
    std::map<uint16_t, Pending> prgs_;                         // outstanding groups by PRG index
    std::map<uint64_t, uint16_t> page_prg_;                    // (stream, page) -> the group asking for it
    sc_core::sc_event pri_event_;
    uint16_t next_prgi_ = 0;
};

} // namespace smmusim
