// SPDX-License-Identifier: BSD-3-Clause
// The SystemC module under a hostile guest while traffic runs: the guest floods the command queue with
// illegal commands (CERROR_ILL each time, recovered the Linux way: the slot is replaced by CMD_SYNC and
// CMDQ_ERR acknowledged, 7.1) and a second device floods the event queue with faults it never consumes
// (overflow, 7.4). The well-behaved device's traffic must all complete with the right data, and every
// count must be exact.
#include "module_util.h"

using namespace sct;
using namespace smt;
using sc_core::sc_time;
using sc_core::SC_NS;

int sc_main(int, char **) { return 0; }

TEST(SmmuScFlood, CommandErrorsAndAnEventStormDoNotDisturbTraffic)
{
    run_sim([] {
        smmu::Params p = timing_params();
        p.num_ports = 2;
        Platform pl(p);
        const unsigned kPages = 32, kTraffic = 2000, kFaults = 1000, kBadCommands = 100;
        pl.drv.setup = [&](Driver &d) {
            setup_s1(d, pl.pt, kPages);
            d.write_ste(5, Q8{0, 0, 0, 0, 0, 0, 0, 0});   // V=0: C_BAD_STE for every access
        };
        unsigned ok = 0, bad_data = 0, faulted = 0, done = 0;
        sc_core::sc_event finished;
        auto traffic = [&] {
            smmu::StreamIdExtension ext(0);
            for (unsigned i = 0; i < kTraffic; i++) {
                uint64_t off = 0x1000ull * (i % kPages) + 4 * (i % 1024);
                uint32_t v = 0x5A000000u | i;
                auto w = pl.init.access(0, true, 0x10000 + off, v, &ext);
                auto r = pl.init.access(0, false, 0x10000 + off, 0, &ext);
                ok += w.status == tlm::TLM_OK_RESPONSE && r.status == tlm::TLM_OK_RESPONSE;
                bad_data += r.data != v;
            }
            if (++done == 2) finished.notify();
        };
        auto storm = [&] {
            smmu::StreamIdExtension ext(5);
            for (unsigned i = 0; i < kFaults; i++)
                faulted += pl.init.access(1, false, kData + 64 * i, 0, &ext).status == tlm::TLM_ADDRESS_ERROR_RESPONSE;
            if (++done == 2) finished.notify();
        };
        unsigned cerror_ill = 0, acks = 0;
        pl.drv.program = [&](Driver &d) {
            sc_core::wait(sc_time(1, sc_core::SC_US));
            sc_core::sc_spawn(traffic);
            sc_core::sc_spawn(storm);
            for (unsigned k = 0; k < kBadCommands; k++) {
                uint32_t slot_idx = d.prod & ((1u << kCmdqLog2) - 1);
                d.publish({{0xFF, 0}});                                        // no such opcode: CERROR_ILL
                uint32_t g = 0;
                for (int i = 0; i < 10000 && !(((g = d.r32(0x60)) ^ d.r32(0x64)) & 1); i++) sc_core::wait(sc_time(10, SC_NS));
                uint32_t cons = d.r32(0x9C);
                cerror_ill += (cons >> 24 & 0x7F) == 1 && (cons & 0xFFFFF) == slot_idx;
                pl.tables.w64(kCmdq + 16ull * slot_idx, cmd::sync_sev()[0]);  // Linux: replace it with CMD_SYNC
                pl.tables.w64(kCmdq + 16ull * slot_idx + 8, 0);
                d.w32(0x64, g);                                                 // acknowledge CMDQ_ERR
                acks++;
                d.submit({cmd::tlbi_nh_va(1, 0x10000 + 0x1000ull * (k % kPages))}, sc_time(10, SC_NS));
            }
            d.submit({cmd::sync_sev()});
            if (done < 2) sc_core::wait(finished);
            EXPECT_EQ(ok, kTraffic);
            EXPECT_EQ(bad_data, 0u);
            EXPECT_EQ(faulted, kFaults);
            EXPECT_EQ(cerror_ill, kBadCommands) << "each illegal command: CMDQ_CONS.ERR = CERROR_ILL at its slot";
            EXPECT_EQ(acks, kBadCommands);
            EXPECT_EQ((d.r32(0x60) ^ d.r32(0x64)) & 0x1FDu, 0u) << "no global error left active";
            EXPECT_EQ(d.r32(0x9C), d.prod) << "the queue drained";
            smmu_global_stats_t g;
            smmu_global_stats(pl.smmu.core(), &g);
            const uint64_t n = 1u << kEvtqLog2;
            EXPECT_EQ(g.events_recorded, n) << "the event queue filled exactly";
            EXPECT_EQ(g.events_lost, kFaults - n);
            EXPECT_EQ(d.r32(0x100A8), 0x80000000u | n) << "full with OVFLG toggled once";
            auto ev = d.pop_events();
            ASSERT_EQ(ev.size(), n);
            for (const auto &e : ev) EXPECT_EQ(e[0], 0x04u | 5ull << 32);
            smmu_stream_stats_t s0;
            ASSERT_TRUE(smmu_stream_stats(pl.smmu.core(), 0, &s0));
            EXPECT_EQ(s0.faults, 0u);
        };
        sc_core::sc_start();
        EXPECT_EQ(done, 2u);
    });
}

int main(int argc, char **argv)
{
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
