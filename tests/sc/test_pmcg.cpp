// SPDX-License-Identifier: BSD-3-Clause
// PMCG 0 of the SystemC module: its frame through pmcg_socket (page 0 and page 1, access checks, debug reads),
// the clock-cycle event following simulated time, and the irq_pmcg edge of a counter overflow (IHI 0070 ch. 10).
#include "module_util.h"

using namespace sct;
using namespace smt;
using sc_core::sc_time;
using sc_core::SC_NS;

int sc_main(int, char **) { return 0; }   // libsystemc needs the symbol; tests run from main()

namespace {

constexpr uint64_t P1 = 0x10000, EVCNTR = 0x000, EVTYPER = 0x400, SMR = 0xA00, CNTENSET0 = 0xC00,
                   INTENSET0 = 0xC40, OVSSET0 = 0xCC0, CFGR = 0xE00, CR = 0xE04, CEID0 = 0xE20, IRQ_CTRL = 0xE50;

// A register master on pmcg_socket.
struct PmcgMaster : sc_core::sc_module {
    tlm_utils::simple_initiator_socket<PmcgMaster> sock{"sock"};
    explicit PmcgMaster(sc_core::sc_module_name n) : sc_module(n) {}
    tlm::tlm_response_status access(bool write, uint64_t off, uint64_t &v, unsigned len, sc_time *delay = nullptr) {
        tlm::tlm_generic_payload gp;
        sc_time d = sc_core::SC_ZERO_TIME;
        gp.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
        gp.set_address(off);
        gp.set_data_ptr(reinterpret_cast<unsigned char *>(&v));
        gp.set_data_length(len);
        gp.set_streaming_width(len);
        gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        sock->b_transport(gp, d);
        if (delay) *delay = d;
        return gp.get_response_status();
    }
    uint64_t r(uint64_t off, unsigned len = 4) {
        uint64_t v = 0;
        EXPECT_EQ(access(false, off, v, len), tlm::TLM_OK_RESPONSE) << std::hex << off;
        return v;
    }
    void w(uint64_t off, uint64_t v, unsigned len = 4) {
        EXPECT_EQ(access(true, off, v, len), tlm::TLM_OK_RESPONSE) << std::hex << off;
    }
};

struct PmcgPlatform : Platform {
    PmcgMaster pm{"pm"};
    sc_core::sc_signal<bool> irq_pmcg{"irq_pmcg_sig"};
    explicit PmcgPlatform(const smmu::Params &p) : Platform(p) {
        pm.sock(smmu.pmcg_socket);
        smmu.irq_pmcg(irq_pmcg);
    }
};

TEST(SmmuScPmcg, FrameAccessThroughPmcgSocket)
{
    run_sim([] {
        PmcgPlatform pl(timing_params());
        pl.drv.program = [&](Driver &) {
            EXPECT_EQ(pl.pm.r(CFGR), 0x00D01F03u) << "four 32-bit counters, global filter, capture, page 1";
            EXPECT_EQ(pl.pm.r(CEID0, 8), 0xFFu) << "events 0-7: the default advertises ATS";
            pl.pm.w(SMR, 0x42);
            EXPECT_EQ(pl.pm.r(SMR), 0x42u);
            pl.pm.w(P1 + EVCNTR + 4, 0x1234);
            EXPECT_EQ(pl.pm.r(P1 + EVCNTR + 4), 0x1234u);
            EXPECT_EQ(pl.pm.r(EVCNTR + 4), 0u) << "page 0's counter location is RES0";
            struct Case { uint64_t off; unsigned len; tlm::tlm_response_status want; };
            const Case cases[] = {
                {CFGR, 4, tlm::TLM_OK_RESPONSE},          {CNTENSET0, 8, tlm::TLM_OK_RESPONSE},
                {CFGR, 2, tlm::TLM_BURST_ERROR_RESPONSE},  {CFGR + 2, 4, tlm::TLM_ADDRESS_ERROR_RESPONSE},
                {CFGR + 4, 8, tlm::TLM_ADDRESS_ERROR_RESPONSE}, {0x20000, 4, tlm::TLM_ADDRESS_ERROR_RESPONSE},
            };
            for (const Case &c : cases) {
                uint64_t v = 0;
                sc_time d;
                EXPECT_EQ(pl.pm.access(false, c.off, v, c.len, &d), c.want) << std::hex << c.off << " " << c.len;
                if (c.want == tlm::TLM_OK_RESPONSE) { EXPECT_EQ(d, sc_time(1, SC_NS)) << "reg_access_cycles"; }
            }
            uint64_t v = 0;
            tlm::tlm_generic_payload gp;
            gp.set_command(tlm::TLM_READ_COMMAND);
            gp.set_address(CFGR);
            gp.set_data_ptr(reinterpret_cast<unsigned char *>(&v));
            gp.set_data_length(4);
            gp.set_streaming_width(4);
            EXPECT_EQ(pl.pm.sock->transport_dbg(gp), 4u);
            EXPECT_EQ(v, 0x00D01F03u);
            EXPECT_EQ(pl.smmu.stats().reg_reads + pl.smmu.stats().reg_writes, 0u) << "the SMMU frame was not touched";
        };
        sc_core::sc_start();
    });
}

TEST(SmmuScPmcg, CycleEventFollowsSimulatedTime)
{
    run_sim([] {
        PmcgPlatform pl(timing_params());                     // 1 ns clock
        pl.drv.program = [&](Driver &) {
            sc_core::wait(sc_time(500, SC_NS));
            pl.pm.w(EVTYPER, 0);
            pl.pm.w(CNTENSET0, 1, 8);
            pl.pm.w(CR, 1);                                     // at 501 ns (the access's own cycle)
            sc_core::wait(sc_time(1000, SC_NS));
            EXPECT_EQ(pl.pm.r(P1 + EVCNTR), 1000u) << "1000 cycles of 1 ns from the CR.E write to this read";
            sc_core::wait(sc_time(250, SC_NS));
            pl.pm.w(CR, 0);
            sc_core::wait(sc_time(1000, SC_NS));
            EXPECT_EQ(pl.pm.r(P1 + EVCNTR), 1250u) << "CR.E == 0 stops the count";
        };
        sc_core::sc_start();
    });
}

TEST(SmmuScPmcg, CounterOverflowPulsesIrqPmcg)
{
    run_sim([] {
        PmcgPlatform pl(timing_params());
        unsigned rises = 0;
        sc_core::sc_spawn_options opt;
        opt.spawn_method();
        opt.set_sensitivity(&pl.irq_pmcg.posedge_event());
        opt.dont_initialize();
        sc_core::sc_spawn([&] { rises++; }, "irq_pmcg_counter", &opt);
        pl.drv.setup = [](Driver &d) { d.bringup(); d.write_ste(0, ste_bypass()); };
        pl.drv.program = [&](Driver &) {
            sc_core::wait(sc_time(1, sc_core::SC_US));
            pl.pm.w(EVTYPER, 1 | 1u << 29);                     // transactions, StreamID filter: all
            pl.pm.w(SMR, 0xFFFFFFFF);
            pl.pm.w(CNTENSET0, 1, 8);
            pl.pm.w(INTENSET0, 1, 8);
            pl.pm.w(IRQ_CTRL, 1);
            pl.pm.w(P1 + EVCNTR, 0xFFFFFFFE);
            pl.pm.w(CR, 1);
            EXPECT_EQ(pl.init.access(0, false, kData).status, tlm::TLM_OK_RESPONSE);
            sc_core::wait(sc_time(10, SC_NS));
            EXPECT_EQ(rises, 0u);
            EXPECT_EQ(pl.init.access(0, false, kData + 4).status, tlm::TLM_OK_RESPONSE);
            sc_core::wait(sc_time(10, SC_NS));
            EXPECT_EQ(rises, 1u) << "the second transaction wrapped the counter";
            EXPECT_FALSE(pl.irq_pmcg.read()) << "an edge: the line drops again";
            EXPECT_EQ(pl.pm.r(P1 + OVSSET0, 8), 1u);
            EXPECT_EQ(pl.pm.r(P1 + EVCNTR), 0u);
        };
        sc_core::sc_start();
    });
}

} // namespace

int main(int argc, char **argv)
{
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
