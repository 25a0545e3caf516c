// SPDX-License-Identifier: BSD-3-Clause
// Load tests with exact counts: an event-queue overflow under a fault storm (7.4), a command queue filled to
// the brim and wrapped many times (3.5), and a long run of translations with invalidations interleaved.
// SMMU_LOAD_TRANSLATIONS (environment) scales the last one (docs/robustness.md: 10^7).
#include <cstdlib>
#include <random>

#include "e2e_util.h"

namespace {

struct Load : th::Smmu {};

// 7.4: the records that fit are all written, in order; the rest are dropped; OVFLG toggles once per
// overflow episode and again only after software acknowledges it through CONS.OVACKFLG.
TEST_F(Load, EventQueueOverflowUnderAFaultStorm) {
    evtq_log2 = 4;
    bringup();
    const uint32_t n = 1u << evtq_log2;
    auto storm = [&](uint32_t first_sid, unsigned count, unsigned room = 1u << 4) {
        unsigned recorded = 0;
        for (unsigned k = 0; k < count; k++) {
            smmu_result_t r = xlate(first_sid + k, 0x1000);   // beyond the 2^8-entry stream table: C_BAD_STREAMID
            EXPECT_EQ(r.status, SMMU_ABORT);
            EXPECT_EQ(r.event, 0x02);
            recorded += r.recorded;
            EXPECT_EQ(r.recorded, k < room) << "transaction " << k;
        }
        return recorded;
    };
    EXPECT_EQ(storm(0x1000, 1000), n);
    EXPECT_EQ(r32(0x100A8), 0x80000000u | n) << "full (index 0, wrap 1) with OVFLG toggled";
    smmu_global_stats_t g;
    smmu_global_stats(smmu, &g);
    EXPECT_EQ(g.events_recorded, n);
    EXPECT_EQ(g.events_lost, 1000 - n);
    auto ev = pop_events();   // CONS := PROD, OVACKFLG := OVFLG
    ASSERT_EQ(ev.size(), n);
    for (uint32_t k = 0; k < n; k++) {
        EXPECT_EQ(th::evt::id(ev[k]), 0x02u);
        EXPECT_EQ(th::evt::sid(ev[k]), 0x1000 + k) << "record " << k << " kept in order";
    }
    EXPECT_EQ(r32(0x100AC), 0x80000000u | n);
    // A second storm: n more fit; the overflow was acknowledged, so OVFLG toggles back.
    EXPECT_EQ(storm(0x2000, n + 4), n);
    EXPECT_EQ(r32(0x100A8), 0x00000000u) << "index 0, wrap 0, OVFLG toggled again";
    ev = pop_events();
    ASSERT_EQ(ev.size(), n);
    for (uint32_t k = 0; k < n; k++) EXPECT_EQ(th::evt::sid(ev[k]), 0x2000 + k);
    // Without an acknowledgement, a third overflow does not toggle OVFLG a second time.
    EXPECT_EQ(storm(0x3000, n + 1), n);
    uint32_t prod = r32(0x100A8);
    EXPECT_EQ(prod & 0x80000000u, 0x80000000u);
    w32(0x100AC, (r32(0x100AC) & 0x7FFFFFFFu));   // software does not acknowledge
    EXPECT_EQ(storm(0x4000, 3, 0), 0u);
    EXPECT_EQ(r32(0x100A8), prod) << "still full, OVFLG unchanged";
    smmu_global_stats(smmu, &g);
    EXPECT_EQ(g.events_recorded, 3 * n);
    EXPECT_EQ(g.events_lost, (1000 - n) + 4 + 1 + 3);
}

struct CmdqCase { bool stepped; unsigned log2; unsigned rounds; };

// 3.5: a queue of 2^log2 entries holds 2^log2 commands (full: same index, other wrap). Filled to the brim
// and drained, round after round, the consumer must wrap exactly and consume every command once.
TEST_F(Load, CommandQueueFilledToTheBrimWrapsExactly) {
    const CmdqCase cases[] = {{true, 3, 1000}, {false, 3, 1000}, {true, 0, 300}, {false, 5, 200}};
    for (const auto &c : cases) {
        SCOPED_TRACE(testing::Message() << "stepped " << c.stepped << " log2 " << c.log2);
        e2e::Rig s;
        s.cmdq_log2 = c.log2;
        s.cfg.cmdq_stepped = c.stepped;
        s.create();
        if (c.stepped) {   // bring-up by hand: the stepped queue needs smmu_cmdq_step
            s.w64(0x90, th::kCmdq | c.log2);
            s.w32(0x98, 0);
            s.w32(0x9C, 0);
            s.w32(0x20, 0x8);
        } else {
            s.bringup(false);
        }
        smmu_global_stats_t g0;
        smmu_global_stats(s.smmu, &g0);
        const uint32_t n = 1u << c.log2, mask = 2 * n - 1;
        uint32_t prod = s.r32(0x98) & mask;
        uint64_t syncs = 0, cfgis = 0, tlbis = 0;
        for (unsigned round = 0; round < c.rounds; round++) {
            for (uint32_t k = 0; k < n; k++) {
                uint32_t idx = prod & (n - 1);
                std::array<uint64_t, 2> cmd = k == n - 1 ? th::cmd::sync() : (k & 1) ? th::cmd::cfgi_ste(k) : th::cmd::tlbi_nsnh_all();
                (k == n - 1 ? syncs : (k & 1) ? cfgis : tlbis)++;
                s.mem.w64(th::kCmdq + idx * 16, cmd[0]);
                s.mem.w64(th::kCmdq + idx * 16 + 8, cmd[1]);
                prod = (prod + 1) & mask;
            }
            uint32_t cons_before = s.r32(0x9C) & mask;
            EXPECT_EQ(prod, cons_before ^ n) << "full: same index, other wrap";
            s.w32(0x98, prod);
            if (c.stepped) {
                EXPECT_TRUE(smmu_cmdq_pending(s.smmu));
                EXPECT_EQ(s.r32(0x9C) & mask, cons_before) << "nothing consumed before a step";
                uint32_t cycles, steps = 0;
                while (smmu_cmdq_step(s.smmu, &cycles)) steps++;
                EXPECT_EQ(steps, n);
            }
            EXPECT_EQ(s.r32(0x9C), prod) << "round " << round;
            EXPECT_FALSE(smmu_cmdq_pending(s.smmu));
            if (HasFailure()) break;
        }
        smmu_global_stats_t g;
        smmu_global_stats(s.smmu, &g);
        EXPECT_EQ(g.commands - g0.commands, (uint64_t)n * c.rounds);
        EXPECT_EQ(g.cmd_syncs - g0.cmd_syncs, syncs);
        EXPECT_EQ(g.commands_by_opcode[th::cmd::CFGI_STE] - g0.commands_by_opcode[th::cmd::CFGI_STE], cfgis);
        EXPECT_EQ(g.commands_by_opcode[th::cmd::TLBI_NSNH_ALL] - g0.commands_by_opcode[th::cmd::TLBI_NSNH_ALL], tlbis);
        EXPECT_EQ((s.r32(0x60) ^ s.r32(0x64)) & 0x1FDu, 0u) << "no global error";
    }
}

// Translations with remaps and the invalidations they need interleaved: every output address is the one
// the shadow mapping gives, and the counters are exact.
TEST_F(Load, TranslationsWithInterleavedInvalidationsStayExact) {
    const char *env = std::getenv("SMMU_LOAD_TRANSLATIONS");
    const uint64_t total = env ? std::strtoull(env, nullptr, 0) : 300000;
    bringup();
    e2e::Tables tabs(mem);
    uint64_t ttb = tabs.alloc();
    const unsigned kPages = 256;
    std::vector<uint64_t> shadow(kPages);
    std::mt19937_64 rng(42);
    for (unsigned p = 0; p < kPages; p++) {
        shadow[p] = 0x80000000ull + (rng() % 4096) * 0x1000;
        tabs.map(ttb, 0x10000000 + p * 0x1000ull, shadow[p], e2e::kPageS1);
    }
    write_cd(th::kCdBase, stu::linux_cd(ttb, 5).q);
    write_ste(1, stu::linux_s1(th::kCdBase).q);
    submit({th::cmd::cfgi_ste(1)});
    sync();
    uint64_t remaps = 0, bad = 0;
    for (uint64_t i = 0; i < total; i++) {
        if (rng() % 64 == 0) {   // remap one page, then the invalidation it needs (random form)
            unsigned p = rng() % kPages;
            shadow[p] = 0x80000000ull + (rng() % 4096) * 0x1000;
            tabs.map(ttb, 0x10000000 + p * 0x1000ull, shadow[p], e2e::kPageS1);
            switch (rng() % 3) {
            case 0: submit({e2e::tlbi_nh_va(0, 5, 0x10000000 + p * 0x1000ull, true)}); break;
            case 1: submit({e2e::tlbi_nh_asid(0, 5)}); break;
            default: submit({th::cmd::tlbi_nsnh_all()}); break;
            }
            sync();
            remaps++;
        }
        unsigned p = rng() % kPages;
        uint64_t off = rng() & 0xFFF;
        smmu_result_t r = xlate(1, 0x10000000 + p * 0x1000ull + off, rng() & 1);
        if (r.status != SMMU_OK || r.pa != shadow[p] + off) {
            if (++bad <= 5) ADD_FAILURE() << "translation " << i << " page " << p << " pa 0x" << std::hex << r.pa;
        }
    }
    EXPECT_EQ(bad, 0u);
    smmu_global_stats_t g;
    smmu_global_stats(smmu, &g);
    smmu_stream_stats_t st;
    ASSERT_TRUE(smmu_stream_stats(smmu, 1, &st));
    EXPECT_EQ(st.translations, total);
    EXPECT_EQ(st.faults, 0u);
    EXPECT_EQ(g.translations, total);
    EXPECT_EQ(g.events_recorded, 0u);
    EXPECT_TRUE(pop_events().empty());
    EXPECT_GT(remaps, total / 100);
    RecordProperty("remaps", (int)remaps);
}

} // namespace
