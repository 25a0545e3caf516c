/* SPDX-License-Identifier: BSD-3-Clause */
// SystemC TLM-2.0 module around the SMMUv3 C core: register frame, upstream DMA ports (one TBU each),
// one downstream initiator for translated DMA, walks, queues and MSIs, and a cycle-approximate timing model.
#pragma once

#ifndef SC_INCLUDE_DYNAMIC_PROCESSES
#define SC_INCLUDE_DYNAMIC_PROCESSES
#endif
#include <algorithm>
#include <deque>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_target_socket.h>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <smmu/sc/params.h>
#include <smmu/sc/pcie.h>
#include <smmu/sc/stats.h>
#include <smmu/sc/stream_id.h>

namespace smmu {

struct Smmuv3Timeline;

// Aborted (terminated) transactions complete with Params::abort_response (default TLM_ADDRESS_ERROR_RESPONSE);
// RAZ/WI completes with TLM_OK_RESPONSE, zeroed read data and the write dropped. With Params::dmi, DMI is granted
// upstream for a translated page the TLBs hold (or a bypassed region) where the downstream target grants it, and
// revoked on any command, CR0/GBPA write or downstream invalidation that could change it (docs/architecture.md).
// SystemC reports use message types under "smmuv3/"; the module prints nothing.
class SMMU_API Smmuv3 : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<Smmuv3> reg_socket;                   // 128 KiB register frame
    tlm_utils::multi_passthrough_target_socket<Smmuv3> dma_in;            // binding index = port = TBU
    tlm_utils::simple_initiator_socket<Smmuv3> dma_out;                   // everything sent downstream
    sc_core::sc_out<bool> irq_evtq, irq_priq, irq_cmd_sync, irq_gerror;   // may be left unbound
    // PMCG 0 (IHI 0070 chapter 10): its frame, page 0 + page 1 at +64 KiB (128 KiB), and its overflow interrupt.
    // Its clock-cycle counter follows simulated time, brought up to date at each pmcg_socket access.
    tlm_utils::simple_target_socket_optional<Smmuv3> pmcg_socket;                  // may be left unbound
    sc_core::sc_out<bool> irq_pmcg;                                       // may be left unbound

    Smmuv3(sc_core::sc_module_name name, const Params &params);
    ~Smmuv3() override;

    // PCIe ATS/PRI (smmu/sc/pcie.h): the endpoint behind a port receives the ATC invalidations and PRG responses
    // for the StreamIDs that port has sent PCIe requests for (or its Params::default_sid).
    void bind_ats_endpoint(unsigned port, AtsEndpoint *ep);
    // The endpoint's Invalidation Completion for smmu_atc_inv_t::tag; callable from any process, never waits.
    void atc_inv_complete(uint32_t tag);

    const Params &params() const { return params_; }
    smmu_t *core() { return core_; }                // for white-box inspection; not needed to use the module

    // Statistics (module-side and the core's cache counters).
    const Stats &stats() const { return stats_; }
    void dump_stats_json(std::ostream &os) const;
    std::string stats_json() const;

private:
    struct Inflight { uint32_t sid, ssid; bool ssv; uint64_t page; sc_core::sc_time::value_type done; };
    struct AtTxn;
    struct AtWorker;              // a reusable AT process: runs one transaction at a time, then waits for the next
    struct CoreLock;              // the core is not re-entrant: a downstream access may wait() inside it
    struct AtsState;              // ATC invalidations and PRG responses on their way to endpoints

    // Upstream.
    void b_transport(int port, tlm::tlm_generic_payload &gp, sc_core::sc_time &delay);
    tlm::tlm_sync_enum nb_transport_fw(int port, tlm::tlm_generic_payload &gp, tlm::tlm_phase &ph, sc_core::sc_time &t);
    unsigned transport_dbg(int port, tlm::tlm_generic_payload &gp);
    bool get_direct_mem_ptr(int port, tlm::tlm_generic_payload &gp, tlm::tlm_dmi &dmi);
    void at_process(int port, tlm::tlm_generic_payload *gp, sc_core::sc_time t);
    void at_worker(AtWorker *w);

    // Shared by the LT and AT paths: translate each page's part (waiting out stalls), forward it, restore the
    // payload. `delay` is the local time offset.
    void transact(unsigned port, tlm::tlm_generic_payload &gp, sc_core::sc_time &delay);
    // Times below are absolute, in time-resolution ticks (sc_time::value()).
    using tick = sc_core::sc_time::value_type;
    tick now_ticks() const { return simc_->time_stamp().value(); }
    tick cyc_ticks(uint64_t n) const { return period_ * n; }
    // Translates txn arriving at `arrival` until it is no longer stalled; returns when its output is ready.
    // `ss` is the stream's statistics; `info`, when the initiator attached one, gets each attempt's kind.
    tick translate_settled(unsigned port, const smmu_txn_t &txn, tick arrival, smmu_result_t &res, TrafficStats &ss,
                           ServedExtension *info);
    // One translation attempt; returns when its output is ready (excluding the data access) and its kind.
    tick translate_timed(unsigned port, const smmu_txn_t &txn, tick arrival, smmu_result_t &res, TrafficStats &ss,
                         Served &served);
    // The TCU and walk slots of the translation in progress, chosen at its first memory access (a walk starts
    // there) or, with none, once its result shows it crossed DTI; a TBU hit never pays for the choice.
    struct TcuPick {
        bool armed = false, chosen = false;
        tick now = 0, s_tbu = 0, s_tcu = 0, s_walk = 0;
        unsigned ci = 0, wi = 0;
    };
    void choose_tcu_slots();

    // PCIe: Translation Requests and Page Requests (no data moves), and the process that delivers invalidations
    // and responses to endpoints, collects completions and applies the invalidation timeout.
    void pcie_request(unsigned port, tlm::tlm_generic_payload &gp, PcieExtension &ext, smmu_txn_t txn,
                      sc_core::sc_time &delay);
    tick ats_timed(unsigned port, const smmu_txn_t &txn, tick arrival, smmu_ats_result_t &res);
    AtsEndpoint *endpoint_of(uint32_t sid) const;
    void ats_thread();
    static void host_atc_inv(void *ctx, const smmu_atc_inv_t *inv);
    static void host_pri_resp(void *ctx, const smmu_pri_resp_t *resp);
    std::unique_ptr<AtsState> ats_;

    // Register frame.
    void reg_b_transport(tlm::tlm_generic_payload &gp, sc_core::sc_time &delay);
    unsigned reg_transport_dbg(tlm::tlm_generic_payload &gp);
    bool reg_access(tlm::tlm_generic_payload &gp, const sc_core::sc_time *mem_at = nullptr, bool pmcg = false);
    void pmcg_b_transport(tlm::tlm_generic_payload &gp, sc_core::sc_time &delay);
    unsigned pmcg_transport_dbg(tlm::tlm_generic_payload &gp);
    tick pmcg_clock_ = 0;                     // the time up to which the PMCG's cycle event has been counted

    // DMI handed out upstream: per port the IOVA range spanning its grants, and the PA range spanning all of them.
    struct DmiSpan {
        sc_dt::uint64 lo = ~(sc_dt::uint64)0, hi = 0;
        bool empty() const { return lo > hi; }
        void add(sc_dt::uint64 a, sc_dt::uint64 b) { lo = std::min(lo, a); hi = std::max(hi, b); }
    };
    std::vector<DmiSpan> dmi_iova_;
    DmiSpan dmi_pa_;
    std::map<uint32_t, unsigned> stalled_;    // StreamID -> transactions stalled now (no DMI for that stream)
    void dmi_revoke();                        // invalidates every region handed out, on every port
    static bool dmi_revoked_by(unsigned opcode);

    // Downstream.
    void invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end);
    static int host_mem_read(void *ctx, uint64_t pa, void *dst, size_t len);
    static int host_mem_write(void *ctx, uint64_t pa, const void *src, size_t len);
    static void host_irq(void *ctx, smmu_irq_t line, bool level);
    int mem_access(bool write, uint64_t pa, void *data, size_t len);

    // Command queue consumer.
    void cmdq_thread();
    void irq_method();
    void before_end_of_elaboration() override;
    void end_of_elaboration() override;

    uint64_t cycles_of(const sc_core::sc_time &t) const;
    uint64_t cycles_of(tick t) const { return period_ ? (t + period_ / 2) / period_ : 0; }   // rounded to nearest
    sc_core::sc_time cyc(uint64_t n) const { return sc_core::sc_time::from_value(period_ * n); }

    Params params_;
    smmu_t *core_ = nullptr;
    sc_core::sc_simcontext *simc_ = nullptr;
    uint64_t period_ = 0;                     // clock period in ticks
    uint64_t tbu_lookup_ = 0;                 // cycles of the TBU's TLB lookups (micro-TLB, main TLB)
    TcuPick tcu_pick_;

    // Downstream accesses the core makes are issued, one after another, from the absolute time mem_cursor_
    // (never before the present); mem_time_ sums each access's issue-to-completion time.
    tlm::tlm_generic_payload mem_gp_;
    sc_core::sc_time mem_cursor_, mem_time_;
    bool mem_debug_ = false;

    std::vector<std::unique_ptr<Smmuv3Timeline>> tbu_slots_;
    std::unique_ptr<Smmuv3Timeline> tcu_slots_, walk_slots_;
    std::vector<Inflight> inflight_;

    bool core_busy_ = false;
    unsigned core_waiters_ = 0;               // processes waiting for core_free_
    sc_core::sc_event core_free_;
    sc_core::sc_event cmdq_kick_, stall_settled_, irq_update_;
    std::deque<std::pair<uint32_t, sc_core::sc_time>> prod_writes_;   // CMDQ_PROD values and when written
    bool irq_level_[SMMU_IRQ_COUNT] = {};
    bool irq_pulse_[SMMU_IRQ_COUNT] = {};
    sc_core::sc_signal<bool> irq_dummy_[SMMU_IRQ_COUNT];

    std::vector<bool> resp_busy_;             // AT: a BEGIN_RESP is outstanding on this port
    std::vector<std::unique_ptr<sc_core::sc_event>> resp_free_;
    std::vector<AtTxn *> at_waiting_;         // AT transactions waiting for END_RESP
    std::vector<std::unique_ptr<AtWorker>> at_workers_;   // grows to the peak number of concurrent AT transactions
    std::vector<AtWorker *> at_idle_;

    TrafficStats &stream_stats(uint32_t sid);
    uint32_t last_sid_ = 0;                   // the stream whose statistics were used last (map nodes are stable)
    TrafficStats *last_stream_ = nullptr;

    Stats stats_;
};

} // namespace smmu
