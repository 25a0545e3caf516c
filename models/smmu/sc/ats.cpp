// SPDX-License-Identifier: BSD-3-Clause
// PCIe ATS and PRI at the module's edges (IHI 0070 3.9, 4.5, 4.7, chapter 8): Translation Requests and Page
// Requests from upstream, ATC invalidations and PRG responses to the endpoints, the invalidation timeout.
#include <smmu/sc/smmuv3.h>

#include <algorithm>
#include <limits>

#include "ats_state.h"
#include "core_lock.h"
#include "timeline.h"

using sc_core::sc_time;
using sc_core::SC_ZERO_TIME;

namespace smmu {

void Smmuv3::bind_ats_endpoint(unsigned port, AtsEndpoint *ep)
{
    if (port >= params_.num_ports) {
        SC_REPORT_ERROR("smmuv3/binding", (std::string(name()) + ": bind_ats_endpoint: no such port").c_str());
        return;
    }
    ats_->endpoints[port] = ep;
}

void Smmuv3::atc_inv_complete(uint32_t tag)
{
    ats_->completions.push_back(tag);
    if (sc_core::sc_is_running()) ats_->wake.notify(SC_ZERO_TIME);
}

// The endpoint of the port the StreamID's PCIe requests came on, else of the port whose default StreamID it is.
AtsEndpoint *Smmuv3::endpoint_of(uint32_t sid) const
{
    auto it = ats_->port_of_sid.find(sid);
    if (it != ats_->port_of_sid.end()) return ats_->endpoints[it->second];
    for (unsigned p = 0; p < params_.num_ports; p++)
        if (params_.port_sid(p) == sid && ats_->endpoints[p]) return ats_->endpoints[p];
    return nullptr;
}

// Called by the core while it consumes CMD_ATC_INV / CMD_PRI_RESP (the core lock is held): queued for ats_thread.
void Smmuv3::host_atc_inv(void *ctx, const smmu_atc_inv_t *inv)
{
    Smmuv3 *m = static_cast<Smmuv3 *>(ctx);
    m->ats_->to_send.push_back(*inv);
    if (sc_core::sc_is_running()) m->ats_->wake.notify(SC_ZERO_TIME);
}

void Smmuv3::host_pri_resp(void *ctx, const smmu_pri_resp_t *resp)
{
    Smmuv3 *m = static_cast<Smmuv3 *>(ctx);
    m->ats_->responses.push_back(*resp);
    if (sc_core::sc_is_running()) m->ats_->wake.notify(SC_ZERO_TIME);
}

void Smmuv3::ats_thread()
{
    if (!core_) return;
    AtsState &a = *ats_;
    constexpr tick kNever = std::numeric_limits<tick>::max();
    auto complete = [this](uint32_t tag, bool ok) {
        CoreLock lock(*this);
        mem_cursor_ = sc_core::sc_time_stamp();           // a CMD_SYNC completing now may write its MSI
        smmu_atc_inv_complete(core_, tag, ok);
        cmdq_kick_.notify(SC_ZERO_TIME);                  // the queue may have been held at a CMD_SYNC
    };
    for (;;) {
        while (!a.to_send.empty()) {
            const smmu_atc_inv_t inv = a.to_send.front();
            a.to_send.pop_front();
            AtsEndpoint *ep = endpoint_of(inv.sid);
            if (!ep) {                                    // no endpoint has used this StreamID: nothing is cached
                stats_.atc_inv_unrouted++;
                complete(inv.tag, true);
                continue;
            }
            const tick now = now_ticks();
            const tick to = params_.atc_inv_timeout.value();
            a.outstanding[inv.tag] = {now, to ? now + to : kNever};
            stats_.atc_inv_sent++;
            ep->atc_invalidate(inv);
        }
        while (!a.responses.empty()) {
            const smmu_pri_resp_t r = a.responses.front();
            a.responses.pop_front();
            if (AtsEndpoint *ep = endpoint_of(r.sid)) {
                stats_.pri_responses++;
                ep->pri_response(r);
            } else {
                stats_.pri_resp_unrouted++;
            }
        }
        while (!a.completions.empty()) {
            const uint32_t tag = a.completions.front();
            a.completions.pop_front();
            auto it = a.outstanding.find(tag);
            if (it == a.outstanding.end()) {              // after its timeout, or never sent: the SMMU ignores it
                stats_.atc_inv_late++;
                continue;
            }
            stats_.atc_inv_latency.add(cycles_of(now_ticks() - it->second.sent));
            stats_.atc_inv_completed++;
            a.outstanding.erase(it);
            complete(tag, true);
        }
        std::vector<uint32_t> expired;
        tick next = kNever;
        const tick now = now_ticks();
        for (const auto &o : a.outstanding) {
            if (o.second.deadline <= now) expired.push_back(o.first);
            else next = std::min(next, o.second.deadline);
        }
        for (uint32_t tag : expired) {
            a.outstanding.erase(tag);
            stats_.atc_inv_timeouts++;
            complete(tag, false);
        }
        if (!expired.empty() || !a.to_send.empty() || !a.responses.empty() || !a.completions.empty()) continue;
        if (next == kNever) wait(a.wake);
        else wait(sc_time::from_value(next - now_ticks()), a.wake);
    }
}

// Timing of a Translation Request: served by the TCU as a miss is (DTI both ways, a TCU slot, a walk slot when it
// reads memory), with the cycles the core reports.
Smmuv3::tick Smmuv3::ats_timed(unsigned port, const smmu_txn_t &txn, tick arrival, smmu_ats_result_t &res)
{
    CoreLock lock(*this);
    const tick now = now_ticks();
    const smmu_config_t &c = params_.core;
    Smmuv3Timeline &tbu = *tbu_slots_[port];
    tbu.release(now);
    tick s_tbu;
    const unsigned ti = tbu.pick(arrival, s_tbu);
    tcu_pick_ = TcuPick{true, false, now, s_tbu, 0, 0, 0, 0};
    mem_time_ = SC_ZERO_TIME;
    res = smmu_ats_result_t{};
    smmu_ats_translate(core_, &txn, &res);
    const tick mem = mem_time_.value();
    if (!tcu_pick_.chosen) choose_tcu_slots();
    tcu_pick_.armed = false;
    const TcuPick &p = tcu_pick_;
    const uint64_t C = res.cycles;
    const bool walked = res.mem_reads > 0;
    const uint64_t rest = C - std::min<uint64_t>(C, tbu_lookup_ + c.link_tbu_to_tcu);
    const uint64_t back = std::min<uint64_t>(rest, c.link_tcu_to_tbu);
    const tick tcu_end = (walked ? p.s_walk : p.s_tcu) + cyc_ticks(rest - back) + mem;
    if (walked) walk_slots_->hold(p.wi, p.s_walk, tcu_end);
    tcu_slots_->hold(p.ci, p.s_tcu, tcu_end);
    const tick done = tcu_end + cyc_ticks(back);
    tbu.hold(ti, s_tbu, done);
    stats_.ports[port].slots_peak = tbu.peak;
    stats_.tcu_slots_peak = tcu_slots_->peak;
    stats_.walk_slots_peak = walk_slots_->peak;
    return done;
}

void Smmuv3::pcie_request(unsigned port, tlm::tlm_generic_payload &gp, PcieExtension &ext, smmu_txn_t txn, sc_time &delay)
{
    const tick arrival = now_ticks() + delay.value();
    TrafficStats &ss = stream_stats(txn.sid);
    TrafficStats *both[2] = {&ss, &stats_.ports[port]};
    if (ext.kind == PcieExtension::Kind::TranslationRequest) {
        txn.write = !ext.no_write;
        const tick done = ats_timed(port, txn, arrival, ext.completion);
        const smmu_ats_result_t &r = ext.completion;
        for (TrafficStats *s : both) {
            s->ats_requests++;
            if (r.status != SMMU_ATS_SUCCESS) s->ats_refused++;
            else if (!r.read && !r.write) s->ats_no_access++;
            s->ats_latency.add(cycles_of(done - arrival));
        }
        const tick now = now_ticks();
        delay = done > now ? sc_time::from_value(done - now) : SC_ZERO_TIME;
    } else {
        smmu_pri_req_t r{};
        r.sid = txn.sid;
        r.ssid = txn.ssid;
        r.ssv = txn.ssv;
        r.addr = gp.get_address() & ~0xFFFull;
        r.prgi = ext.prgi & 0x1FF;
        r.last = ext.last;
        r.read = ext.read;
        r.write = ext.write;
        r.exec = txn.ssv && txn.instr;                    // X and Priv only with a PASID (chapter 8)
        r.priv = txn.ssv && txn.priv;
        {
            CoreLock lock(*this);
            const sc_time at = sc_time::from_value(std::max(arrival, now_ticks()));
            mem_cursor_ = at;                             // the PRI queue write and its MSI start on arrival
            ext.pri = smmu_pri_page_request(core_, &r);
        }
        for (TrafficStats *s : both) s->page_requests++;
        (ext.pri == SMMU_PRI_QUEUED ? stats_.pri_queued : ext.pri == SMMU_PRI_OVERFLOW ? stats_.pri_overflows
                                                                                       : stats_.pri_disabled)++;
        const sc_time stamp = sc_core::sc_time_stamp();
        if (mem_cursor_ > stamp + delay) delay = mem_cursor_ - stamp;
    }
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

} // namespace smmu
