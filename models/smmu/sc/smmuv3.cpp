// SPDX-License-Identifier: BSD-3-Clause
// The SMMUv3 SystemC module: upstream transport (LT and AT), translation timing, downstream forwarding.
#include <smmu/sc/smmuv3.h>

#include <algorithm>
#include <cstring>

#include "ats_state.h"
#include "core_lock.h"
#include "timeline.h"

using sc_core::sc_time;
using sc_core::SC_ZERO_TIME;

namespace smmu {

struct Smmuv3::AtTxn {
    tlm::tlm_generic_payload *gp;
    bool done = false;
    sc_core::sc_event ended;
};

struct Smmuv3::AtWorker {
    int port = 0;
    tlm::tlm_generic_payload *gp = nullptr;
    sc_time when;
    sc_core::sc_event start;
};

Smmuv3::Smmuv3(sc_core::sc_module_name name, const Params &params)
    : sc_module(name), reg_socket("reg_socket"), dma_in("dma_in"), dma_out("dma_out"),
      irq_evtq("irq_evtq"), irq_priq("irq_priq"), irq_cmd_sync("irq_cmd_sync"), irq_gerror("irq_gerror"),
      pmcg_socket("pmcg_socket"), irq_pmcg("irq_pmcg"), params_(params)
{
    params_.core.num_ports = params_.num_ports;
    params_.core.cmdq_stepped = true;
    simc_ = sc_core::sc_get_curr_simcontext();
    period_ = params_.clock_period.value();
    tbu_lookup_ = (uint64_t)(params_.core.utlb.entries ? params_.core.utlb.latency : 0) +
                  (params_.core.main_tlb.entries ? params_.core.main_tlb.latency : 0);
    ats_.reset(new AtsState);
    ats_->endpoints.assign(params_.num_ports, nullptr);
    smmu_host_t host{this, &Smmuv3::host_mem_read, &Smmuv3::host_mem_write, &Smmuv3::host_irq, &Smmuv3::host_atc_inv,
                     &Smmuv3::host_pri_resp};
    char err[256];
    core_ = smmu_create(&params_.core, &host, err, sizeof err);
    if (!core_) {
        SC_REPORT_ERROR("smmuv3/config", (std::string(this->name()) + ": invalid configuration: " + err).c_str());
        return;
    }
    for (unsigned p = 0; p < params_.num_ports; p++) {
        tbu_slots_.emplace_back(new Smmuv3Timeline(params_.tbu_slots));
        resp_free_.emplace_back(new sc_core::sc_event);
    }
    resp_busy_.assign(params_.num_ports, false);
    tcu_slots_.reset(new Smmuv3Timeline(params_.tcu_slots));
    walk_slots_.reset(new Smmuv3Timeline(params_.walk_slots));
    stats_.ports.resize(params_.num_ports);
    dmi_iova_.resize(params_.num_ports);

    reg_socket.register_b_transport(this, &Smmuv3::reg_b_transport);
    reg_socket.register_transport_dbg(this, &Smmuv3::reg_transport_dbg);
    pmcg_socket.register_b_transport(this, &Smmuv3::pmcg_b_transport);
    pmcg_socket.register_transport_dbg(this, &Smmuv3::pmcg_transport_dbg);
    dma_in.register_b_transport(this, &Smmuv3::b_transport);
    dma_in.register_nb_transport_fw(this, &Smmuv3::nb_transport_fw);
    dma_in.register_transport_dbg(this, &Smmuv3::transport_dbg);
    dma_in.register_get_direct_mem_ptr(this, &Smmuv3::get_direct_mem_ptr);
    dma_out.register_invalidate_direct_mem_ptr(this, &Smmuv3::invalidate_direct_mem_ptr);

    SC_HAS_PROCESS(Smmuv3);
    SC_THREAD(cmdq_thread);
    SC_THREAD(ats_thread);
    SC_METHOD(irq_method);
    sensitive << irq_update_;                           // also runs once at start: levels raised before it
}

Smmuv3::~Smmuv3() { smmu_destroy(core_); }

void Smmuv3::before_end_of_elaboration()
{
    sc_core::sc_out<bool> *outs[SMMU_IRQ_COUNT] = {&irq_evtq, &irq_priq, &irq_cmd_sync, &irq_gerror, &irq_pmcg};
    for (int i = 0; i < SMMU_IRQ_COUNT; i++)
        if (outs[i]->bind_count() == 0) outs[i]->bind(irq_dummy_[i]);
}

void Smmuv3::end_of_elaboration()
{
    if ((unsigned)dma_in.size() > params_.num_ports)
        SC_REPORT_ERROR("smmuv3/binding",
                        (std::string(name()) + ": dma_in has more bindings than Params::num_ports (one TBU per port)").c_str());
}

uint64_t Smmuv3::cycles_of(const sc_time &t) const { return cycles_of(t.value()); }

TrafficStats &Smmuv3::stream_stats(uint32_t sid)
{
    if (!last_stream_ || last_sid_ != sid) {
        last_stream_ = &stats_.streams[sid];
        last_sid_ = sid;
    }
    return *last_stream_;
}

// ---- Upstream: LT, AT, debug, DMI.

void Smmuv3::b_transport(int port, tlm::tlm_generic_payload &gp, sc_time &delay)
{
    transact((unsigned)port, gp, delay);
}

tlm::tlm_sync_enum Smmuv3::nb_transport_fw(int port, tlm::tlm_generic_payload &gp, tlm::tlm_phase &ph, sc_time &t)
{
    if (ph == tlm::BEGIN_REQ) {
        if (gp.has_mm()) gp.acquire();
        // An idle worker takes it (woken in this evaluation phase, as a new process would run); else one more.
        const bool fresh = at_idle_.empty();
        if (fresh) at_workers_.emplace_back(new AtWorker);
        AtWorker *w = fresh ? at_workers_.back().get() : at_idle_.back();
        if (!fresh) at_idle_.pop_back();
        w->port = port;
        w->gp = &gp;
        w->when = t;
        if (fresh) sc_core::sc_spawn([this, w] { at_worker(w); });
        else w->start.notify();
        ph = tlm::END_REQ;     // accepted at once; contention is modelled by the slot timelines
        return tlm::TLM_UPDATED;
    }
    if (ph == tlm::END_RESP) {
        for (auto it = at_waiting_.begin(); it != at_waiting_.end(); ++it)
            if ((*it)->gp == &gp) {
                (*it)->done = true;
                (*it)->ended.notify(t);
                at_waiting_.erase(it);
                return tlm::TLM_COMPLETED;
            }
        SC_REPORT_ERROR("smmuv3/protocol", (std::string(name()) + ": END_RESP for a transaction without an outstanding BEGIN_RESP").c_str());
        return tlm::TLM_COMPLETED;
    }
    SC_REPORT_ERROR("smmuv3/protocol",
                    (std::string(name()) + ": nb_transport_fw: illegal phase (only BEGIN_REQ and END_RESP are sent forward)").c_str());
    return tlm::TLM_COMPLETED;
}

void Smmuv3::at_worker(AtWorker *w)
{
    for (;;) {
        at_process(w->port, w->gp, w->when);
        w->gp = nullptr;
        at_idle_.push_back(w);
        wait(w->start);
    }
}

void Smmuv3::at_process(int port, tlm::tlm_generic_payload *gp, sc_time t)
{
    sc_time delay = t;
    transact((unsigned)port, *gp, delay);
    wait(delay);
    while (resp_busy_[port]) wait(*resp_free_[port]);   // one BEGIN_RESP outstanding per socket (response exclusion)
    resp_busy_[port] = true;
    AtTxn txn;
    txn.gp = gp;
    tlm::tlm_phase ph = tlm::BEGIN_RESP;
    sc_time d = SC_ZERO_TIME;
    tlm::tlm_sync_enum st = dma_in[port]->nb_transport_bw(*gp, ph, d);
    if (st == tlm::TLM_ACCEPTED || (st == tlm::TLM_UPDATED && ph == tlm::BEGIN_RESP)) {
        at_waiting_.push_back(&txn);
        while (!txn.done) wait(txn.ended);
    } else if (d > SC_ZERO_TIME) {
        wait(d);
    }
    resp_busy_[port] = false;
    resp_free_[port]->notify(SC_ZERO_TIME);
    if (gp->has_mm()) gp->release();
}

static smmu_txn_t txn_of(const tlm::tlm_generic_payload &gp, unsigned port, uint32_t default_sid)
{
    smmu_txn_t txn{};
    StreamIdExtension *ext = nullptr;
    gp.get_extension(ext);
    txn.sid = ext ? ext->sid : default_sid;
    if (ext) {
        txn.ssid = ext->ssid;
        txn.ssv = ext->ssv;
        txn.priv = ext->priv;
        txn.instr = ext->instr;
    }
    txn.addr = gp.get_address();
    txn.write = gp.is_write();
    txn.port = port;
    return txn;
}

// Each page's part of the transaction is translated on its own and forwarded with its own output address, so no
// byte goes out with another page's translation. The parts are looked up together (same arrival) and forwarded in
// address order; the transaction completes when its last part does. A part that aborts gives the transaction an
// error response; parts already forwarded stay performed (as for a burst split at a page boundary).
void Smmuv3::transact(unsigned port, tlm::tlm_generic_payload &gp, sc_time &delay)
{
    if (!core_ || port >= params_.num_ports) {
        gp.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
        return;
    }
    smmu_txn_t txn = txn_of(gp, port, params_.port_sid(port));
    PcieExtension *pcie = nullptr;
    gp.get_extension(pcie);
    if (pcie && pcie->kind != PcieExtension::Kind::Untranslated) {
        ats_->port_of_sid[txn.sid] = port;                 // where this StreamID's invalidations and responses go
        if (pcie->kind != PcieExtension::Kind::Translated) return pcie_request(port, gp, *pcie, txn, delay);
        txn.at = SMMU_AT_TRANSLATED;
    }
    const uint64_t addr = gp.get_address();
    unsigned char *const data = gp.get_data_ptr();
    const unsigned len = gp.get_data_length(), sw = gp.get_streaming_width();
    unsigned char *const be = gp.get_byte_enable_ptr();
    const unsigned be_len = gp.get_byte_enable_length();
    const bool streaming = sw && sw < len;
    const uint64_t span = streaming ? sw : len;            // bytes of address space the transaction covers

    ServedExtension *info = nullptr;
    gp.get_extension(info);
    if (info) info->clear();
    TrafficStats &ss = stream_stats(txn.sid);
    for (TrafficStats *s : {&ss, static_cast<TrafficStats *>(&stats_.ports[port])}) {
        s->transactions++;
        (txn.write ? s->writes : s->reads)++;
        s->bytes += len;
    }
    // A streaming burst repeats its window; one that straddles a 4 KiB boundary cannot be split into parts.
    if (streaming && (addr & 0xFFFull) + span > 0x1000) {
        gp.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
        return;
    }

    const tick arrival = now_ticks() + delay.value();
    tick end = arrival;
    sc_time d;                                             // the last part's downstream delay
    tlm::tlm_response_status status = tlm::TLM_OK_RESPONSE;
    bool dmi_hint = false;                                 // the target offered DMI for a one-part transaction
    std::vector<unsigned char> part_be;
    uint64_t off = 0;
    do {
        txn.addr = addr + off;
        smmu_result_t res;
        const tick ready = translate_settled(port, txn, arrival, res, ss, info);
        const unsigned log2 = res.page_log2 >= 12 && res.page_log2 < 64 ? res.page_log2 : 12;
        const uint64_t in_page = (1ull << log2) - (txn.addr & ((1ull << log2) - 1));
        const uint64_t chunk = std::min<uint64_t>(span - off, in_page);
        const bool whole = off == 0 && chunk == span;
        const tick now = now_ticks();
        d = ready > now ? sc_time::from_value(ready - now) : SC_ZERO_TIME;
        if (res.status == SMMU_OK) {
            gp.set_address(res.pa);
            if (!whole) {
                gp.set_data_ptr(data + off);
                gp.set_data_length((unsigned)chunk);
                gp.set_streaming_width((unsigned)chunk);
                if (be && be_len && off % be_len) {           // rotate the pattern so byte 0 of the part keeps its enable
                    part_be.resize(be_len);
                    for (unsigned k = 0; k < be_len; k++) part_be[k] = be[(off + k) % be_len];
                    gp.set_byte_enable_ptr(part_be.data());
                }
            }
            gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
            gp.set_dmi_allowed(false);
            dma_out->b_transport(gp, d);
            dmi_hint = whole && gp.is_dmi_allowed();
            if (!gp.is_response_ok() && status == tlm::TLM_OK_RESPONSE) status = gp.get_response_status();
            gp.set_address(addr);
            if (!whole) {
                gp.set_data_ptr(data);
                gp.set_data_length(len);
                gp.set_streaming_width(sw);
                gp.set_byte_enable_ptr(be);
            }
        } else if (res.status == SMMU_RAZWI) {
            if (gp.is_read() && data) std::memset(data + off, 0, (size_t)(streaming ? len : chunk));
        } else if (status == tlm::TLM_OK_RESPONSE) {
            status = params_.abort_response;
        }
        const tick fin = now_ticks() + d.value();
        if (fin > end) end = fin;
        off += chunk;
    } while (off < span);
    gp.set_response_status(status);
    gp.set_dmi_allowed(params_.dmi && dmi_hint && status == tlm::TLM_OK_RESPONSE);   // a hint: the request decides
    const tick now = now_ticks();
    const tick left = end > now ? end - now : 0;
    delay = left == d.value() ? d : sc_time::from_value(left);   // one part ending last: its delay as it came back
}

Smmuv3::tick Smmuv3::translate_settled(unsigned port, const smmu_txn_t &txn, tick arrival, smmu_result_t &res,
                                       TrafficStats &ss, ServedExtension *info)
{
    for (;;) {
        const tick now = now_ticks();
        Served served;
        const tick ready = translate_timed(port, txn, arrival > now ? arrival : now, res, ss, served);
        if (info && txn.at != SMMU_AT_TRANSLATED) info->served[(unsigned)served]++;   // no translation: not a kind
        if (res.status != SMMU_STALL) return ready;
        stalled_[txn.sid]++;
        if (ready > now_ticks()) wait(sc_time::from_value(ready - now_ticks()));   // stalls wait in simulated time
        smmu_stall_state_t st;
        for (;;) {
            {
                CoreLock lock(*this);
                st = smmu_stall_query(core_, txn.sid, res.stag);
                if (st != SMMU_STALL_PENDING) smmu_stall_release(core_, txn.sid, res.stag);
            }
            if (st != SMMU_STALL_PENDING) break;
            wait(stall_settled_);
        }
        auto it = stalled_.find(txn.sid);
        if (--it->second == 0) stalled_.erase(it);
        if (st != SMMU_STALL_RETRY) {                      // CMD_STALL_TERM, CMD_RESUME with Abort, or gone
            res.status = SMMU_ABORT;
            return now_ticks();
        }
        arrival = now_ticks();
    }
}

void Smmuv3::choose_tcu_slots()
{
    TcuPick &p = tcu_pick_;
    p.chosen = true;
    tcu_slots_->release(p.now);
    walk_slots_->release(p.now);
    p.ci = tcu_slots_->pick(p.s_tbu + cyc_ticks(tbu_lookup_ + params_.core.link_tbu_to_tcu), p.s_tcu);
    p.wi = walk_slots_->pick(p.s_tcu, p.s_walk);
    mem_cursor_ = sc_time::from_value(p.s_walk);
}

// The kind of one translation. A translation that shares a walk in flight completes with it: the core may report
// a TLB hit (its walk filled the TLB at once), but in time the entry is not there yet.
static Served served_of(const smmu_result_t &res, bool shared)
{
    if (res.status != SMMU_OK) return Served::Failed;
    if (res.bypass) return Served::Bypass;
    if (shared) return Served::SharedWalk;
    switch (res.source) {
    case SMMU_SRC_UTLB: return Served::MicroTlb;
    case SMMU_SRC_MAIN_TLB: return Served::MainTlb;
    case SMMU_SRC_TCU_TLB: return Served::TcuTlb;
    default: return Served::Walk;      // SMMU_SRC_WALK: the only other source of a translated output
    }
}

// Timing of one translation. A request takes the TBU slot that frees first at its arrival; a TLB hit completes
// there. A miss crosses DTI to a TCU slot; a walk (configuration or table) also takes a walk slot, and the walk's
// memory accesses are issued when it starts, so their time downstream, queueing included, is counted once.
Smmuv3::tick Smmuv3::translate_timed(unsigned port, const smmu_txn_t &txn, tick arrival, smmu_result_t &res,
                                     TrafficStats &ss, Served &served)
{
    CoreLock lock(*this);
    const tick now = now_ticks();
    const smmu_config_t &c = params_.core;
    Smmuv3Timeline &tbu = *tbu_slots_[port];
    tbu.release(now);

    const uint64_t tbu_lookup = tbu_lookup_;
    tick s_tbu;
    const unsigned ti = tbu.pick(arrival, s_tbu);
    tcu_pick_ = TcuPick{true, false, now, s_tbu, 0, 0, 0, 0};
    mem_time_ = SC_ZERO_TIME;
    smmu_translate(core_, &txn, &res);
    const tick mem = mem_time_.value();
    PortStats &ps = stats_.ports[port];
    if (txn.at == SMMU_AT_TRANSLATED) {
        // Translated by the endpoint's ATC: only the EATS/ATSCHK checks (3.9.1), at the cost the core reports.
        if (tcu_pick_.chosen) {
            tcu_slots_->hold(tcu_pick_.ci, tcu_pick_.s_tcu, tcu_pick_.s_tcu + cyc_ticks(res.cycles) + mem);
        }
        tcu_pick_.armed = false;
        const tick done = s_tbu + cyc_ticks(res.cycles) + mem;
        tbu.hold(ti, s_tbu, done);
        for (TrafficStats *s : {&ss, static_cast<TrafficStats *>(&ps)}) {
            s->ats_translated++;
            if (res.status != SMMU_OK) s->ats_translated_aborted++;
            if (res.event) s->faults_by_event[res.event]++;
        }
        served = res.status == SMMU_OK ? Served::Bypass : Served::Failed;
        ps.slots_peak = tbu.peak;
        return done;
    }

    const uint64_t C = res.cycles;
    const bool walked = res.source == SMMU_SRC_WALK || res.mem_reads > 0;
    const bool to_tcu = walked || res.source == SMMU_SRC_TCU_TLB || (res.source == SMMU_SRC_NONE && C > tbu_lookup);
    if (to_tcu && !tcu_pick_.chosen) choose_tcu_slots();
    tcu_pick_.armed = false;
    const unsigned page_log2 = res.page_log2 ? res.page_log2 : 12;
    const uint64_t page = page_log2 < 64 ? txn.addr >> page_log2 : 0;

    // A miss to a page whose walk is still in flight shares that walk (completes with it).
    const Inflight *shared = nullptr;
    if (res.status == SMMU_OK)
        for (const auto &f : inflight_)
            if (f.sid == txn.sid && f.ssv == txn.ssv && f.ssid == txn.ssid && f.page == page && f.done > arrival) {
                shared = &f;
                break;
            }

    tick done;
    if (shared) {
        done = std::max(shared->done, s_tbu + cyc_ticks(std::min<uint64_t>(C, tbu_lookup)));
    } else if (!to_tcu) {
        done = s_tbu + cyc_ticks(C) + mem;
    } else {
        const TcuPick &p = tcu_pick_;
        const uint64_t rest = C - std::min<uint64_t>(C, tbu_lookup + c.link_tbu_to_tcu);
        const uint64_t back = std::min<uint64_t>(rest, c.link_tcu_to_tbu);
        const tick tcu_end = (walked ? p.s_walk : p.s_tcu) + cyc_ticks(rest - back) + mem;
        if (walked) walk_slots_->hold(p.wi, p.s_walk, tcu_end);
        tcu_slots_->hold(p.ci, p.s_tcu, tcu_end);
        done = tcu_end + cyc_ticks(back);
    }
    tbu.hold(ti, s_tbu, done);

    // Remember in-flight walks; forget those that completed before the present.
    if (!inflight_.empty())
        inflight_.erase(std::remove_if(inflight_.begin(), inflight_.end(), [&](const Inflight &f) { return f.done <= now; }),
                        inflight_.end());
    if (walked && res.status == SMMU_OK && !shared)
        inflight_.push_back({txn.sid, txn.ssid, txn.ssv, page, done});

    const uint64_t lat = cycles_of(done - arrival);
    served = served_of(res, shared);
    for (TrafficStats *s : {&ss, static_cast<TrafficStats *>(&ps)}) {
        s->add(served, res);
        s->latency.add(lat);
    }
    ps.slots_peak = tbu.peak;
    stats_.tcu_slots_peak = tcu_slots_->peak;
    stats_.walk_slots_peak = walk_slots_->peak;
    return done;
}

unsigned Smmuv3::transport_dbg(int port, tlm::tlm_generic_payload &gp)
{
    if (!core_ || core_busy_ || (unsigned)port >= params_.num_ports) return 0;   // debug access cannot wait
    smmu_txn_t txn = txn_of(gp, (unsigned)port, params_.port_sid((unsigned)port));
    PcieExtension *pcie = nullptr;
    gp.get_extension(pcie);
    if (pcie && pcie->kind != PcieExtension::Kind::Untranslated) {
        if (pcie->kind != PcieExtension::Kind::Translated) return 0;   // a request moves no data
        txn.at = SMMU_AT_TRANSLATED;
    }
    smmu_result_t res{};
    mem_debug_ = true;
    smmu_translate_debug(core_, &txn, &res);
    mem_debug_ = false;
    if (res.status == SMMU_OK) {
        const sc_dt::uint64 in = gp.get_address();
        gp.set_address(res.pa);
        unsigned n = dma_out->transport_dbg(gp);
        gp.set_address(in);
        return n;
    }
    if (res.status == SMMU_RAZWI) {
        if (gp.is_read() && gp.get_data_ptr()) std::memset(gp.get_data_ptr(), 0, gp.get_data_length());
        return gp.get_data_length();
    }
    return 0;
}

// DMI extends a TLB entry into the initiator. It is granted only for a translation the TLBs hold (the walk that
// made it did its Access-flag and dirty-state updates, and a writable-clean page is still read-only there) or a
// bypass, never for a stream with a transaction stalled, and never while a process is inside the core (this call
// cannot wait). The region is the translated page (or block) in IOVA space, cut to what the target granted.
bool Smmuv3::get_direct_mem_ptr(int port, tlm::tlm_generic_payload &gp, tlm::tlm_dmi &dmi)
{
    using addr_t = sc_dt::uint64;
    const addr_t iova = gp.get_address();
    dmi.set_granted_access(tlm::tlm_dmi::DMI_ACCESS_NONE);
    if (!params_.dmi || !core_ || (unsigned)port >= params_.num_ports) {
        dmi.set_start_address(0);                           // DMI is off: refused everywhere
        dmi.set_end_address(~(addr_t)0);
        return false;
    }
    // Refused for this address only: a page may be mapped later without any invalidation.
    dmi.set_start_address(iova);
    dmi.set_end_address(iova);
    auto refuse = [this] { stats_.dmi_refusals++; return false; };
    if (core_busy_) return refuse();
    PcieExtension *pcie = nullptr;
    gp.get_extension(pcie);
    if (pcie && pcie->kind != PcieExtension::Kind::Untranslated) return refuse();   // DMI stands for a TLB entry, not an ATC's
    smmu_txn_t txn = txn_of(gp, (unsigned)port, params_.port_sid((unsigned)port));
    if (stalled_.count(txn.sid)) return refuse();
    smmu_result_t res{};
    mem_debug_ = true;
    smmu_translate_debug(core_, &txn, &res);
    mem_debug_ = false;
    if (res.status != SMMU_OK || (!res.bypass && res.source == SMMU_SRC_WALK)) return refuse();

    // The translated region in PA space: the page or block, or for a bypass everything below the OAS.
    const unsigned oas = params_.core.oas_bits;
    addr_t pa_lo, pa_hi;
    if (res.bypass) {
        pa_lo = 0;
        pa_hi = oas < 64 ? (((addr_t)1 << oas) - 1) : ~(addr_t)0;
    } else {
        const addr_t mask = res.page_log2 >= 64 ? ~(addr_t)0 : (((addr_t)1 << res.page_log2) - 1);
        pa_lo = res.pa & ~mask;
        pa_hi = pa_lo | mask;
    }
    const addr_t iova_lo = iova - (res.pa - pa_lo);         // the IOVA that translates to pa_lo

    tlm::tlm_dmi ds;
    gp.set_address(res.pa);
    const bool ok = dma_out->get_direct_mem_ptr(gp, ds);
    gp.set_address(iova);
    if (!ok || !ds.get_dmi_ptr() || ds.get_start_address() > res.pa || ds.get_end_address() < res.pa) return refuse();
    const bool r = res.read_ok && ds.is_read_allowed(), w = res.write_ok && ds.is_write_allowed();
    if (!r && !w) return refuse();
    const addr_t lo = std::max(pa_lo, ds.get_start_address()), hi = std::min(pa_hi, ds.get_end_address());
    dmi.set_dmi_ptr(ds.get_dmi_ptr() + (lo - ds.get_start_address()));
    dmi.set_start_address(iova_lo + (lo - pa_lo));
    dmi.set_end_address(iova_lo + (hi - pa_lo));
    dmi.set_granted_access(r && w ? tlm::tlm_dmi::DMI_ACCESS_READ_WRITE
                                  : r ? tlm::tlm_dmi::DMI_ACCESS_READ : tlm::tlm_dmi::DMI_ACCESS_WRITE);
    // An access through the pointer costs what the target says plus a TLB hit (the translation it stands for).
    const sc_time hit = cyc(params_.core.utlb.entries ? params_.core.utlb.latency : params_.core.main_tlb.latency);
    dmi.set_read_latency(ds.get_read_latency() + hit);
    dmi.set_write_latency(ds.get_write_latency() + hit);
    dmi_iova_[(unsigned)port].add(dmi.get_start_address(), dmi.get_end_address());
    dmi_pa_.add(lo, hi);
    stats_.dmi_grants++;
    return true;
}

// Commands that cannot change a translation: prefetches, ATC invalidation (the device's cache, not the SMMU's),
// PRI responses, stall resolution and CMD_SYNC. Every other one, unknown opcodes included, revokes DMI.
bool Smmuv3::dmi_revoked_by(unsigned op)
{
    switch (op) {
    case 0x01: case 0x02: case 0x40: case 0x41: case 0x44: case 0x45: case 0x46: return false;
    default: return true;
    }
}

void Smmuv3::dmi_revoke()
{
    if (dmi_pa_.empty()) return;
    dmi_pa_ = DmiSpan();
    stats_.dmi_invalidations++;
    for (unsigned p = 0; p < dmi_iova_.size(); p++) {
        const DmiSpan s = dmi_iova_[p];
        dmi_iova_[p] = DmiSpan();                           // cleared first: the initiator may ask again at once
        if (!s.empty() && (int)p < (int)dma_in.size()) dma_in[(int)p]->invalidate_direct_mem_ptr(s.lo, s.hi);
    }
}

// A target revoking DMI over PAs that any grant reaches revokes every grant.
void Smmuv3::invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end)
{
    if (!dmi_pa_.empty() && start <= dmi_pa_.hi && end >= dmi_pa_.lo) dmi_revoke();
}

// ---- Downstream memory for the core (tables, queues, MSIs).

int Smmuv3::host_mem_read(void *ctx, uint64_t pa, void *dst, size_t len)
{
    return static_cast<Smmuv3 *>(ctx)->mem_access(false, pa, dst, len);
}

int Smmuv3::host_mem_write(void *ctx, uint64_t pa, const void *src, size_t len)
{
    return static_cast<Smmuv3 *>(ctx)->mem_access(true, pa, const_cast<void *>(src), len);
}

int Smmuv3::mem_access(bool write, uint64_t pa, void *data, size_t len)
{
    tlm::tlm_generic_payload &gp = mem_gp_;
    gp.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    gp.set_address(pa);
    gp.set_data_ptr(static_cast<unsigned char *>(data));
    gp.set_data_length((unsigned)len);
    gp.set_streaming_width((unsigned)len);
    gp.set_byte_enable_ptr(nullptr);
    gp.set_byte_enable_length(0);
    gp.set_dmi_allowed(false);
    gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    if (mem_debug_) {
        if (write) return -1;                            // a debug translation has no side effects
        return dma_out->transport_dbg(gp) == len ? 0 : -1;
    }
    if (tcu_pick_.armed && !tcu_pick_.chosen) choose_tcu_slots();   // the walk starts here
    const sc_time now = sc_core::sc_time_stamp();
    const sc_time issue = mem_cursor_ > now ? mem_cursor_ : now;
    sc_time d = issue - now;
    dma_out->b_transport(gp, d);
    mem_cursor_ = sc_core::sc_time_stamp() + d;          // the next access starts when this one completes
    mem_time_ += mem_cursor_ - issue;
    return gp.is_response_ok() ? 0 : -1;
}

void Smmuv3::host_irq(void *ctx, smmu_irq_t line, bool level)
{
    Smmuv3 *m = static_cast<Smmuv3 *>(ctx);
    if ((unsigned)line >= SMMU_IRQ_COUNT) return;
    if (level && !m->irq_level_[line]) {
        if (line < 4) m->stats_.irq_edges[line]++;     // the statistics count the SMMU's own four lines
        m->irq_pulse_[line] = true;
    }
    m->irq_level_[line] = level;
    if (sc_core::sc_is_running()) m->irq_update_.notify(SC_ZERO_TIME);
}

void Smmuv3::irq_method()
{
    sc_core::sc_out<bool> *outs[SMMU_IRQ_COUNT] = {&irq_evtq, &irq_priq, &irq_cmd_sync, &irq_gerror, &irq_pmcg};
    bool again = false;
    for (int i = 0; i < SMMU_IRQ_COUNT; i++) {
        // A level raised and dropped within one evaluation still shows as a one-cycle pulse.
        const bool v = irq_level_[i] || irq_pulse_[i];
        if (irq_pulse_[i] && !irq_level_[i]) again = true;
        irq_pulse_[i] = false;
        if (outs[i]->read() != v) outs[i]->write(v);
    }
    if (again) irq_update_.notify(params_.clock_period);
}

} // namespace smmu
