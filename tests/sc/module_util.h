/* SPDX-License-Identifier: BSD-3-Clause */
// Test platform for the SystemC module: an initiator with N LT ports, an AT (4-phase) initiator, the SMMU
// between them and a router to table memory and data memory, and round-number timing parameters.
#pragma once

#include "sc_util.h"

#include <map>

#include <tlm_utils/simple_initiator_socket.h>

namespace smt {

using namespace sct;
using sc_core::sc_time;
using sc_core::SC_NS;


inline constexpr uint64_t kData = 0x40000000, kDataSize = 0x10000000;
inline const sc_time kMemLat(50, SC_NS);

// Initiator with N ports into dma_in; each transaction is a b_transport with a caller-given delay.
struct Initiator : sc_core::sc_module {
    std::vector<std::unique_ptr<tlm_utils::simple_initiator_socket_tagged<Initiator>>> ports;
    std::vector<std::pair<uint64_t, uint64_t>> invalidations;
    Initiator(sc_core::sc_module_name n, unsigned nports) : sc_module(n) {
        for (unsigned i = 0; i < nports; i++) {
            ports.emplace_back(new tlm_utils::simple_initiator_socket_tagged<Initiator>(sc_core::sc_gen_unique_name("p")));
            ports.back()->register_invalidate_direct_mem_ptr(this, &Initiator::inval, (int)i);
            ports.back()->register_nb_transport_bw(this, &Initiator::nb_bw, (int)i);
        }
    }
    std::map<tlm::tlm_generic_payload *, sc_core::sc_event *> at_pending;
    tlm::tlm_sync_enum nb_bw(int, tlm::tlm_generic_payload &gp, tlm::tlm_phase &ph, sc_time &t) {
        EXPECT_EQ(ph, tlm::BEGIN_RESP);
        auto it = at_pending.find(&gp);
        EXPECT_NE(it, at_pending.end());
        if (it == at_pending.end()) return tlm::TLM_COMPLETED;
        it->second->notify(t);
        at_pending.erase(it);
        return tlm::TLM_COMPLETED;                 // END_RESP implied
    }
    std::vector<int> inval_ports;              // the port of each entry of `invalidations`
    void inval(int p, sc_dt::uint64 s, sc_dt::uint64 e) { invalidations.emplace_back(s, e); inval_ports.push_back(p); }
    struct Result { tlm::tlm_response_status status; sc_time latency; uint32_t data; };
    // A 4-byte read or write of `data` at `addr`, with the StreamID extension when given.
    static void prepare(tlm::tlm_generic_payload &gp, bool write, uint64_t addr, uint32_t &data,
                        smmu::StreamIdExtension *ext) {
        gp.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
        gp.set_address(addr);
        gp.set_data_ptr(reinterpret_cast<unsigned char *>(&data));
        gp.set_data_length(4);
        gp.set_streaming_width(4);
        gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        if (ext) gp.set_extension(ext);
    }
    Result access(unsigned port, bool write, uint64_t addr, uint32_t data = 0, smmu::StreamIdExtension *ext = nullptr,
                  sc_time delay = sc_core::SC_ZERO_TIME, bool sync = true) {
        tlm::tlm_generic_payload gp;
        prepare(gp, write, addr, data, ext);
        sc_time d = delay;
        (*ports[port])->b_transport(gp, d);
        if (ext) gp.clear_extension(ext);
        EXPECT_EQ(gp.get_address(), addr) << "the initiator's address is restored";
        Result r{gp.get_response_status(), d - delay, data};
        if (sync) sc_core::wait(d);            // an LT initiator without temporal decoupling
        return r;
    }
    // The AT base protocol: BEGIN_REQ, then waits for BEGIN_RESP and completes it; latency is request to response.
    Result access_at(unsigned port, bool write, uint64_t addr, uint32_t data = 0, smmu::StreamIdExtension *ext = nullptr) {
        tlm::tlm_generic_payload gp;
        prepare(gp, write, addr, data, ext);
        sc_core::sc_event done;
        at_pending[&gp] = &done;
        const sc_time t0 = sc_core::sc_time_stamp();
        tlm::tlm_phase ph = tlm::BEGIN_REQ;
        sc_time t = sc_core::SC_ZERO_TIME;
        const tlm::tlm_sync_enum st = (*ports[port])->nb_transport_fw(gp, ph, t);
        EXPECT_EQ(st, tlm::TLM_UPDATED);
        EXPECT_EQ(ph, tlm::END_REQ);
        sc_core::wait(done);
        if (ext) gp.clear_extension(ext);
        EXPECT_EQ(gp.get_address(), addr) << "the initiator's address is restored";
        return Result{gp.get_response_status(), sc_core::sc_time_stamp() - t0, data};
    }
};

// SMMU between an initiator and a router to table memory (50 ns reads) and data memory (no latency).
struct Platform {
    SparseMem tables{"tables", kMemLat, kMemLat};
    SparseMem data{"data"};
    Router router{"router", {{kTableRegion, kTableRegionSize, false}, {kData, kDataSize, false}}};
    smmu::Smmuv3 smmu;
    Driver drv{"drv", tables};
    Initiator init;
    sc_core::sc_signal<bool> irq_evtq{"irq_evtq_sig"}, irq_cmd_sync{"irq_cmd_sync_sig"};
    PageTables pt{tables, kTables};

    explicit Platform(const smmu::Params &p) : smmu("smmu", p), init("init", p.num_ports) {
        for (unsigned i = 0; i < p.num_ports; i++) (*init.ports[i])(smmu.dma_in);
        smmu.dma_out(router.in);
        (*router.out[0])(tables.socket);
        (*router.out[1])(data.socket);
        drv.regs(smmu.reg_socket);
        smmu.irq_evtq(irq_evtq);
        smmu.irq_cmd_sync(irq_cmd_sync);
    }
};

// Timing parameters with round numbers: 1 ns clock, uTLB 1, main TLB 3, DTI 8 + 8, STE/CD decode 4,
// walk step 4, no configuration-cache or walk-cache lookup cost, no TCU TLB.
inline smmu::Params timing_params()
{
    smmu::Params p = smmu::Params::mmu700();
    p.clock_period = sc_time(1, SC_NS);
    p.num_ports = 1;
    p.core.utlb = {2, 2, SMMU_REPL_LRU, 1};
    p.core.main_tlb = {64, 4, SMMU_REPL_LRU, 3};
    p.core.tcu_tlb = {0, 0, SMMU_REPL_LRU, 0};
    p.core.cfg_cache = {64, 4, SMMU_REPL_LRU, 0};
    p.core.walk_cache_unified = false;
    for (int l = 0; l < 4; l++) {
        p.core.walk_cache_s1[l] = {0, 0, SMMU_REPL_LRU, 0};
        p.core.walk_cache_s2[l] = {0, 0, SMMU_REPL_LRU, 0};
    }
    p.core.link_tbu_to_tcu = 8;
    p.core.link_tcu_to_tbu = 8;
    p.core.cfg_fetch_cycles = 4;
    p.core.walk_step_cycles = 4;
    p.core.cmd_cycles = 2;
    p.tbu_slots = 16;
    p.tcu_slots = 16;
    p.walk_slots = 2;
    return p;
}

// Hand-computed latencies for timing_params() (cycles of 1 ns, plus 50 ns per table read).
inline const sc_time kUtlbHit(1, SC_NS);                                  // uTLB
inline const sc_time kMainTlbHit(1 + 3, SC_NS);                           // uTLB miss + main TLB
inline const sc_time kColdWalk = sc_time(1 + 3 + 8 + 2 * 4 + 4 * 4 + 8, SC_NS) + 6 * kMemLat;   // STE, CD, 4 levels
inline const sc_time kWarmWalk = sc_time(1 + 3 + 8 + 4 * 4 + 8, SC_NS) + 4 * kMemLat;           // configuration cached
inline const sc_time kWalkWork = sc_time(4 * 4, SC_NS) + 4 * kMemLat;     // time a walk holds its walk slot

// Stage-1 stream 0 with ASID 1, pages 0x10000+n*0x1000 -> kData + n*0x1000.
inline void setup_s1(Driver &d, PageTables &pt, unsigned pages)
{
    d.bringup();
    for (unsigned n = 0; n < pages; n++) pt.map(0x10000 + 0x1000ull * n, kData + 0x1000ull * n);
    d.write_cd(kCd, cd_s1(kTables, 1));
    d.write_ste(0, ste_s1(kCd));
}

// setup_s1 with CD.S set: faults of stream 0 stall (5.4).
inline void setup_s1_stalling(Driver &d, PageTables &pt, unsigned pages)
{
    setup_s1(d, pt, pages);
    Q8 cd = cd_s1(kTables, 1);
    cd[0] |= 1ull << 44;
    d.write_cd(kCd, cd);
}

} // namespace smt
