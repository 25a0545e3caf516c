// SPDX-License-Identifier: BSD-3-Clause
// PCIe ATS and PRI as Linux's arm-smmu-v3 drives them (IHI 0070 3.9, 4.5, chapter 8): the PRI queue and its
// service, CMD_ATC_INV after every unmap's TLB invalidation, CMD_PRI_RESP per page request group.
#include <algorithm>
#include <vector>

#include "driver.h"
#include "driver_internal.h"
#include "driver_state.h"

namespace smmusim {

namespace {
// CMD_ATC_INV (4.5.1) and CMD_PRI_RESP (4.5.2) fields, PRI queue entry fields (chapter 8), as Linux encodes them.
constexpr uint64_t kCmdSsv = 1ull << 11;
constexpr unsigned kSsidShift = 12, kSidShift = 32, kAtcSizeAll = 52;
constexpr uint64_t kPriqSsv = 1ull << 63, kPriqLast = 1ull << 62, kPriqW = 1ull << 61, kPriqR = 1ull << 60,
                   kPriqX = 1ull << 59, kPriqPriv = 1ull << 58;

Cmd atc_inv(uint32_t sid, uint32_t ssid, bool ssv, uint64_t addr, unsigned size)
{
    Cmd c{};
    c[0] = SMMU_CMD_ATC_INV | (ssv ? kCmdSsv | (uint64_t)(ssid & 0xFFFFF) << kSsidShift : 0) | (uint64_t)sid << kSidShift;
    c[1] = (size & 0x3F) | (addr & ~0xFFFull);              // Global stays 0: Linux never sets it
    return c;
}

Cmd pri_resp(uint32_t sid, uint32_t ssid, bool ssv, uint16_t prgi, unsigned resp)
{
    Cmd c{};
    c[0] = SMMU_CMD_PRI_RESP | (ssv ? kCmdSsv | (uint64_t)(ssid & 0xFFFFF) << kSsidShift : 0) | (uint64_t)sid << kSidShift;
    c[1] = (prgi & 0x1FFu) | (uint64_t)(resp & 3) << 12;
    return c;
}

// arm_smmu_atc_inv_to_cmd: the smallest naturally aligned span of pages covering [iova, iova + size).
void atc_span(uint64_t iova, uint64_t size, uint64_t *addr, unsigned *log2)
{
    if (!size) { *addr = 0; *log2 = kAtcSizeAll; return; }
    const uint64_t first = iova >> 12, last = (iova + size - 1) >> 12;
    unsigned span = 0;
    for (uint64_t x = first ^ last; x; x >>= 1) span++;
    *addr = (first & ~((1ull << span) - 1)) << 12;
    *log2 = span;
}
} // namespace

bool SmmuDriver::priq_alloc()
{
    priq_log2_ = std::min(f_.priq_shift, 8u);               // Linux's PRIQ is 2^8 entries at most here
    const uint64_t bytes = (uint64_t)SMMU_PRIQ_ENT_BYTES << priq_log2_;
    priq_ = alloc_.alloc(bytes, std::max<uint64_t>(bytes, 4096));
    if (!priq_) return fail("out of memory for the PRI queue");
    std::vector<uint8_t> zero(bytes, 0);
    mem_.write(priq_, zero.data(), bytes);
    return true;
}

bool SmmuDriver::ats_pri_enable(uint32_t &cr0)
{
    using namespace reg;
    if (priq_) {
        wr64(SMMU_PRIQ_BASE, SMMU_PRIQ_BASE_WA | (priq_ & SMMU_Q_BASE_ADDR_MASK) | priq_log2_);
        wr(SMMU_PRIQ_PROD, 0);
        wr(SMMU_PRIQ_CONS, 0);
        wr64(SMMU_PRIQ_IRQ_CFG0, 0);
        priq_cons_ = 0;
        cr0 |= SMMU_CR0_PRIQEN;
        if (!write_reg_sync(CR0, cr0, CR0ACK)) return false;
    }
    if (f_.ats) {                                           // Linux: translated traffic is checked against STE.EATS
        cr0 |= SMMU_CR0_ATSCHK;
        if (!write_reg_sync(CR0, cr0, CR0ACK)) return false;
    }
    return true;
}

// arm_smmu_atc_inv_domain: every ATS-enabled device attached to the domain, on its RID without PASID (which also
// drops its PASID entries of the range, 4.5.1) or on the PASID the domain serves, then one CMD_SYNC.
void SmmuDriver::atc_inv_domain(int dom, uint64_t iova, uint64_t size)
{
    if (!f_.ats) return;
    uint64_t addr;
    unsigned log2;
    atc_span(iova, size, &addr, &log2);
    std::vector<Cmd> cmds;
    for (size_t i = 0; i < devices_.size(); i++) {
        const Device &d = *devices_[i];
        if (d.leader != (int)i || !d.desc.ats) continue;
        if (d.rid_domain == dom) cmds.push_back(atc_inv(d.desc.sid, 0, false, addr, log2));
        for (const auto &p : d.pasids)
            if (p.first && p.second == dom) cmds.push_back(atc_inv(d.desc.sid, p.first, true, addr, log2));
    }
    if (cmds.empty()) return;
    cnt_.atc_inv += cmds.size();
    issue(cmds);
}

// arm_smmu_atc_inv_master: every ATC entry of the device's RID (ssv = false, which also drops its PASIDs' entries)
// or of one PASID, after an STE or CD change took the old translations away; then a CMD_SYNC.
bool SmmuDriver::atc_inv_master(const Device &d, uint32_t ssid, bool ssv)
{
    if (!f_.ats || !d.desc.ats) return true;
    cnt_.atc_inv++;
    return issue({atc_inv(d.desc.sid, ssid, ssv, 0, kAtcSizeAll)});
}

std::vector<PageRequest> SmmuDriver::drain_priq()
{
    std::vector<PageRequest> out;
    if (!priq_) return out;
    const uint32_t mask = (1u << priq_log2_) - 1, mask2 = (2u << priq_log2_) - 1;
    std::vector<Cmd> resps;
    for (;;) {
        const uint32_t prod = rd(SMMU_PRIQ_PROD);
        bool drained = false;
        while ((priq_cons_ & mask2) != (prod & mask2)) {
            const uint64_t slot = priq_ + (uint64_t)SMMU_PRIQ_ENT_BYTES * (priq_cons_ & mask);
            const uint64_t w0 = mem_.r64(slot), w1 = mem_.r64(slot + 8);
            priq_cons_ = (priq_cons_ & SMMU_PRIQ_CONS_OVACKFLG) | (((priq_cons_ & mask2) + 1) & mask2);
            wr(SMMU_PRIQ_CONS, priq_cons_);
            PageRequest r;
            r.sid = (uint32_t)w0;
            r.ssv = w0 & kPriqSsv;
            r.ssid = r.ssv ? (uint32_t)(w0 >> 32) & 0xFFFFF : 0;
            r.priv = w0 & kPriqPriv;
            r.exec = w0 & kPriqX;
            r.read = w0 & kPriqR;
            r.write = w0 & kPriqW;
            r.last = w0 & kPriqLast;
            r.prgi = (uint16_t)(w1 & 0x1FF);
            r.addr = w1 & ~0xFFFull;
            out.push_back(r);
            cnt_.page_requests++;
            const unsigned mine = std::min(on_page_request ? on_page_request(r) : +PRI_RESP_FAILURE, +PRI_RESP_SUCCESS);
            const uint64_t key = (uint64_t)r.sid << 16 | r.prgi;
            auto it = prg_resp_.find(key);
            // The group's answer is its worst request's: ResponseFailure (0) over InvalidRequest (1) over Success (2).
            const unsigned group = it == prg_resp_.end() ? mine : std::min(it->second, mine);
            if (r.last) {
                if (it != prg_resp_.end()) prg_resp_.erase(it);
                resps.push_back(pri_resp(r.sid, r.ssid, r.ssv, r.prgi, group));
                cnt_.pri_responses++;
            } else {
                prg_resp_[key] = group;
            }
            drained = true;
        }
        if ((prod & SMMU_PRIQ_PROD_OVFLG) != (priq_cons_ & SMMU_PRIQ_CONS_OVACKFLG)) {   // "PRIQ overflow detected"
            cnt_.priq_overflows++;
            priq_cons_ = (priq_cons_ & ~SMMU_PRIQ_CONS_OVACKFLG) | (prod & SMMU_PRIQ_PROD_OVFLG);
            wr(SMMU_PRIQ_CONS, priq_cons_);
        }
        if (!drained) break;
    }
    if (!resps.empty()) issue(resps, false);               // no CMD_SYNC: a response needs no completion (4.7)
    return out;
}

} // namespace smmusim
