/* SPDX-License-Identifier: BSD-3-Clause */
// PCIe ATS and PRI on the module's upstream sockets (IHI 0070 3.9, chapter 8): the PCIe Address Type of a DMA
// transaction, ATS Translation Requests and PRI Page Requests travel forward as PcieExtension; ATS Invalidate
// Requests (CMD_ATC_INV) and PRG Responses (CMD_PRI_RESP) come back through the AtsEndpoint bound to the port.
#pragma once

#include <cstdint>

#include <tlm>

#include <smmu/sc/stats.h>

namespace smmu {

// Attached by a PCIe endpoint to a transaction on dma_in. Without it a transaction is Untranslated.
//  Translated:         DMA with an address from the endpoint's ATC (checked per STE.EATS and SMMU_CR0.ATSCHK).
//  TranslationRequest: no data moves; the payload's address is the untranslated address, its StreamIdExtension
//                      names the stream; the SMMU answers in `completion` with TLM_OK_RESPONSE and the delay of
//                      the translation (what a miss costs, as the core reports it).
//  PageRequest:        no data moves; the payload's address is the page; `pri` says where it went.
class SMMU_API PcieExtension : public tlm::tlm_extension<PcieExtension> {
public:
    enum class Kind : uint8_t { Untranslated, Translated, TranslationRequest, PageRequest };
    Kind kind = Kind::Untranslated;
    bool no_write = false;                 // TranslationRequest: NW, read-only access asked for
    uint16_t prgi = 0;                     // PageRequest: Page Request Group Index (9 bits)
    bool last = true, read = true, write = false;   // PageRequest: L, R, W (X and Priv from StreamIdExtension)

    smmu_ats_result_t completion{};        // TranslationRequest: the ATS Completion (set by the SMMU)
    smmu_pri_status_t pri = SMMU_PRI_QUEUED;   // PageRequest: queued, overflowed or PRI disabled (set by the SMMU)

    tlm::tlm_extension_base *clone() const override { return new PcieExtension(*this); }
    void copy_from(const tlm::tlm_extension_base &ext) override { *this = static_cast<const PcieExtension &>(ext); }
};

// The endpoint side of a port: what the SMMU sends downstream-to-device. The module calls these from one of its
// processes at the simulated time the command takes effect; they must not wait(). Every invalidation is answered,
// later or at once, with Smmuv3::atc_inv_complete(inv.tag) (the Invalidation Completion message); one left
// unanswered past Params::atc_inv_timeout fails the CMD_SYNC waiting for it (CERROR_ATC_INV_SYNC, 4.7.3).
class SMMU_API AtsEndpoint {
public:
    virtual ~AtsEndpoint() = default;
    virtual void atc_invalidate(const smmu_atc_inv_t &inv) = 0;
    virtual void pri_response(const smmu_pri_resp_t &resp) = 0;
};

} // namespace smmu
