// SPDX-License-Identifier: BSD-3-Clause
#include "ats_device.h"

using sc_core::sc_time;
using sc_core::SC_ZERO_TIME;

namespace smmusim {

AtsDevice::AtsDevice(sc_core::sc_module_name n, smmu::Smmuv3 &smmu, const traffic::AtcConfig &atc, sc_time inv_latency,
                     bool pri)
    : sc_module(n), smmu_(smmu), atc_(atc), inv_latency_(inv_latency), pri_(pri)
{
    SC_HAS_PROCESS(AtsDevice);
    SC_THREAD(ack_thread);
}

// The endpoint drops what the request names, lets the transactions already translated through it complete
// (inv_latency), then sends the Invalidation Completion.
void AtsDevice::atc_invalidate(const smmu_atc_inv_t &inv)
{
    atc_.invalidate(inv.sid, inv.ssid, inv.ssv, inv.global, inv.addr, inv.size_log2);
    epoch_++;
    st_.invalidations++;
    acks_.emplace_back(sc_core::sc_time_stamp() + inv_latency_, inv.tag);
    ack_kick_.notify(SC_ZERO_TIME);
}

void AtsDevice::ack_thread()
{
    for (;;) {
        while (acks_.empty()) wait(ack_kick_);
        const sc_time due = acks_.front().first;
        if (due > sc_core::sc_time_stamp()) { wait(due - sc_core::sc_time_stamp()); continue; }
        const uint32_t tag = acks_.front().second;
        acks_.pop_front();
        smmu_.atc_inv_complete(tag);
    }
}

void AtsDevice::pri_response(const smmu_pri_resp_t &resp)
{
    auto it = prgs_.find(resp.prgi);
    if (it == prgs_.end()) return;                 // a group this device did not send (or gave up on)
    it->second.resp = (int)resp.resp;
    pri_event_.notify(SC_ZERO_TIME);
}

// A data-less PCIe message upstream (Translation Request, Page Request) for the page of `addr`; waits out the
// module's annotated delay. Returns the TLM response's success.
bool AtsDevice::send_message(tlm::tlm_fw_transport_if<> &socket, uint32_t sid, uint32_t ssid, bool ssv, uint64_t addr,
                             smmu::PcieExtension &pext)
{
    tlm::tlm_generic_payload gp;
    smmu::StreamIdExtension sext(sid, ssid, ssv);
    gp.set_command(tlm::TLM_READ_COMMAND);
    gp.set_address(addr & ~0xFFFull);
    gp.set_data_ptr(nullptr);
    gp.set_data_length(0);
    gp.set_streaming_width(0);
    gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    gp.set_extension(&sext);
    gp.set_extension(&pext);
    sc_time d = SC_ZERO_TIME;
    socket.b_transport(gp, d);
    gp.clear_extension(&sext);
    gp.clear_extension(&pext);
    wait(d);
    return gp.is_response_ok();
}

bool AtsDevice::translation_request(tlm::tlm_fw_transport_if<> &socket, uint32_t sid, uint32_t ssid, bool ssv,
                                    uint64_t addr, bool write, smmu_ats_result_t &res)
{
    smmu::PcieExtension pext;
    pext.kind = smmu::PcieExtension::Kind::TranslationRequest;
    pext.no_write = !write;
    st_.translation_requests++;
    const bool ok = send_message(socket, sid, ssid, ssv, addr, pext);
    res = pext.completion;
    return ok;
}

// One page, one group (Last = 1). Returns the PRG Response code, or -1 when none came; *sent: this access sent
// it (else it waited for the one another access sent for the same page).
int AtsDevice::page_request(tlm::tlm_fw_transport_if<> &socket, uint32_t sid, uint32_t ssid, bool ssv, uint64_t addr,
                            bool write, bool *sent)
{
    *sent = false;
    const uint64_t key = ((uint64_t)sid << 32 ^ (uint64_t)(ssv ? ssid + 1 : 0) << 52) ^ (addr >> 12);
    auto busy = page_prg_.find(key);
    if (busy != page_prg_.end()) {                 // another access already asked for this page: wait for its answer
        const uint16_t g = busy->second;
        const sc_time until = sc_core::sc_time_stamp() + pri_timeout;
        while (prgs_.count(g) && prgs_[g].resp < 0 && sc_core::sc_time_stamp() < until)
            wait(until - sc_core::sc_time_stamp(), pri_event_);
        return prgs_.count(g) ? prgs_[g].resp : (int)SMMU_PRI_SUCCESS;   // settled and forgotten: ask again
    }
    uint16_t g = next_prgi_;
    for (unsigned i = 0; i < 512 && prgs_.count(g); i++) g = (uint16_t)((g + 1) & 0x1FF);
    if (prgs_.count(g)) return -1;                 // 512 groups outstanding: none free
    next_prgi_ = (uint16_t)((g + 1) & 0x1FF);
    prgs_[g] = Pending{-1, sc_core::sc_time_stamp()};
    page_prg_[key] = g;
    *sent = true;

    smmu::PcieExtension pext;
    pext.kind = smmu::PcieExtension::Kind::PageRequest;
    pext.prgi = g;
    pext.last = true;
    pext.read = true;
    pext.write = write;
    st_.page_requests++;
    const sc_time t_sent = sc_core::sc_time_stamp();
    send_message(socket, sid, ssid, ssv, addr, pext);
    const sc_time until = t_sent + pri_timeout;
    while (prgs_[g].resp < 0 && sc_core::sc_time_stamp() < until) wait(until - sc_core::sc_time_stamp(), pri_event_);
    const int resp = prgs_[g].resp;
    prgs_.erase(g);
    page_prg_.erase(key);
    pri_event_.notify(SC_ZERO_TIME);               // accesses waiting on this page look again
    if (resp < 0) { st_.pri_lost++; return -1; }
    st_.pri_service_ns.push_back((sc_core::sc_time_stamp() - t_sent).to_seconds() * 1e9);
    (resp == SMMU_PRI_SUCCESS ? st_.pri_success : resp == SMMU_PRI_INVALID ? st_.pri_invalid : st_.pri_failure)++;
    return resp;
}

bool AtsDevice::resolve(tlm::tlm_fw_transport_if<> &socket, uint32_t sid, uint32_t ssid, bool ssv, uint64_t addr,
                        bool write, Access &out)
{
    out = Access{};
    if (const traffic::AtcEntry *e = atc_.lookup(sid, ssid, ssv, addr, write)) {
        out.addr = e->pa + (addr - (e->size_log2 >= 64 ? 0 : e->base & ~((1ull << e->size_log2) - 1)));
        out.translated = true;
        out.atc_hit = true;
        st_.translated++;
        return true;
    }
    for (unsigned attempt = 0;; attempt++) {
        const uint64_t epoch = epoch_;
        smmu_ats_result_t r{};
        out.tr++;
        if (!translation_request(socket, sid, ssid, ssv, addr, write, r) || r.status != SMMU_ATS_SUCCESS) {
            st_.refused++;
            return false;
        }
        if (epoch != epoch_) {                      // an invalidation arrived while it was in flight: it may be stale
            st_.stale_completions++;
            if (attempt < 2 * kPriRetries) continue;
            st_.refused++;
            return false;
        }
        if (r.untranslated) {                       // U: this region is used untranslated
            out.addr = addr;
            st_.untranslated++;
            return true;
        }
        const bool ok = write ? r.write : r.read;
        if (ok) {
            traffic::AtcEntry e;
            e.sid = sid; e.ssid = ssid; e.ssv = ssv; e.global = r.global;
            e.size_log2 = r.size_log2 < 12 ? 12 : r.size_log2;
            e.base = addr & ~((e.size_log2 >= 64 ? 0 : 1ull << e.size_log2) - 1);
            e.pa = r.addr & ~((e.size_log2 >= 64 ? 0 : 1ull << e.size_log2) - 1);
            e.read = r.read; e.write = r.write; e.exec = r.exec; e.priv = r.priv;
            atc_.fill(e);
            out.addr = e.pa + (addr - e.base);
            out.translated = true;
            st_.translated++;
            return true;
        }
        // No access: with demand paging ask the OS for the page (chapter 8), then translate again.
        if (!pri_ || attempt >= kPriRetries) { st_.refused++; return false; }
        bool sent = false;
        const int resp = page_request(socket, sid, ssid, ssv, addr, write, &sent);
        out.pr += sent;
        if (resp != (int)SMMU_PRI_SUCCESS) { st_.refused++; return false; }
    }
}

} // namespace smmusim
