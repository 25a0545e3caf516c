// SPDX-License-Identifier: BSD-3-Clause
// TBU/TCU cache hierarchy through the public API: micro-TLB and main TLB hits, replacement on a cyclic
// working set, walk caches (split and unified) shortening walks, the TCU TLB, invalidation counters and
// per-stream statistics, all with exact counts derived from the geometry.
#include "e2e_util.h"

namespace {

using e2e::kPageS1;
using e2e::kPageS2;

struct Cache : e2e::Rig {
    e2e::Tables tabs{mem};
    uint64_t ttb1 = 0;

    // Stage-1 stream `sid` (ASID 1) with its CD at kCdBase + 64 * sid.
    void s1_stream(uint32_t sid) {
        ttb1 = tabs.alloc();
        write_cd(th::kCdBase + 64 * sid, stu::linux_cd(ttb1, 1).q);
        install(sid, stu::linux_s1(th::kCdBase + 64 * sid).q);
    }
    smmu_cache_stats_t stats(smmu_struct_id_t w, int port = -1, int level = -1) {
        smmu_cache_stats_t s{};
        EXPECT_TRUE(smmu_cache_stats(smmu, w, port, level, &s)) << "structure " << w << " level " << level;
        return s;
    }
    smmu_stream_stats_t sstats(uint32_t sid) {
        smmu_stream_stats_t s{};
        EXPECT_TRUE(smmu_stream_stats(smmu, sid, &s));
        return s;
    }
};

void expect_stats(const smmu_cache_stats_t &s, uint64_t lookups, uint64_t hits, uint64_t misses, uint64_t fills,
                  uint64_t evictions, uint64_t inval, const char *what) {
    EXPECT_EQ(s.lookups, lookups) << what;
    EXPECT_EQ(s.hits, hits) << what;
    EXPECT_EQ(s.misses, misses) << what;
    EXPECT_EQ(s.fills, fills) << what;
    EXPECT_EQ(s.evictions, evictions) << what;
    EXPECT_EQ(s.invalidations, inval) << what;
}

constexpr uint64_t VA = 0x40'0000'0000ull, PA = 0x8'0000'0000ull;

TEST(CacheBehaviour, FittingWorkingSetHitsTheMicroTlbAfterWarmUp) {
    Cache c;
    ASSERT_TRUE(c.create_restricted());
    c.bringup();
    c.s1_stream(1);
    for (uint64_t i = 0; i < 16; i++) c.tabs.map(c.ttb1, VA + i * 0x1000, PA + i * 0x1000, kPageS1);
    for (uint64_t i = 0; i < 16; i++) {
        auto r = c.xlate(1, VA + i * 0x1000);
        ASSERT_EQ(r.status, SMMU_OK);
        EXPECT_EQ(r.source, SMMU_SRC_WALK);
    }
    for (int round = 0; round < 10; round++)
        for (uint64_t i = 0; i < 16; i++) {
            auto r = c.xlate(1, VA + i * 0x1000 + 0x44, round & 1);
            ASSERT_EQ(r.status, SMMU_OK);
            EXPECT_EQ(r.pa, PA + i * 0x1000 + 0x44);
            EXPECT_EQ(r.source, SMMU_SRC_UTLB);
            EXPECT_EQ(r.mem_reads, 0u);
            EXPECT_EQ(r.cycles, c.cfg.utlb.latency);
        }
    expect_stats(c.stats(SMMU_STRUCT_UTLB, 0), 176, 160, 16, 16, 0, 0, "micro-TLB");
    expect_stats(c.stats(SMMU_STRUCT_MAIN_TLB, 0), 16, 0, 16, 16, 0, 0, "main TLB: probed on micro-TLB misses only");
    // One cold walk misses the level 0..2 walk caches and fills them; the other 15 resume at level 3.
    expect_stats(c.stats(SMMU_STRUCT_WALK_S1), 18, 15, 3, 3, 0, 0, "stage-1 walk caches");
    expect_stats(c.stats(SMMU_STRUCT_WALK_S1, -1, 2), 16, 15, 1, 1, 0, 0, "level-2 walk cache");
    expect_stats(c.stats(SMMU_STRUCT_WALK_S2), 0, 0, 0, 0, 0, 0, "stage-2 walk caches unused");
    EXPECT_FALSE(smmu_cache_stats(c.smmu, SMMU_STRUCT_TCU_TLB, -1, -1, nullptr)) << "no TCU TLB by default";
    auto ss = c.sstats(1);
    EXPECT_EQ(ss.translations, 176u);
    EXPECT_EQ(ss.walks, 16u);
    EXPECT_EQ(ss.walk_reads, 4u + 15u);
    EXPECT_EQ(ss.faults, 0u);
    EXPECT_EQ(ss.cfg_fetches, 2u) << "the STE and the CD, once";
}

// A fully associative main TLB (no micro-TLB) of 8 entries: 8 pages touched 3 times each, then a cycle over
// 9 pages. LRU and FIFO evict exactly the page needed next (no hit after the first round); LFU keeps the
// seven frequently used pages and thrashes one way.
TEST(CacheBehaviour, MainTlbReplacementOnACyclicWorkingSet) {
    struct Case { smmu_repl_t policy; const char *name; uint64_t hits_phase2; };
    constexpr uint64_t R = 6;
    const Case cases[] = {
        {SMMU_REPL_LRU, "LRU", 8},
        {SMMU_REPL_FIFO, "FIFO", 8},
        {SMMU_REPL_LFU, "LFU", 8 + 7 * (R - 1)},
    };
    for (const auto &k : cases) {
        Cache c;
        c.cfg.utlb.entries = 0;
        c.cfg.main_tlb = {8, 8, k.policy, 3};
        ASSERT_TRUE(c.create_restricted());
        c.bringup();
        c.s1_stream(1);
        for (uint64_t i = 0; i < 9; i++) c.tabs.map(c.ttb1, VA + i * 0x1000, PA + i * 0x1000, kPageS1);
        for (int t = 0; t < 3; t++)
            for (uint64_t i = 0; i < 8; i++) ASSERT_EQ(c.xlate(1, VA + i * 0x1000).status, SMMU_OK);
        expect_stats(c.stats(SMMU_STRUCT_MAIN_TLB, 0), 24, 16, 8, 8, 0, 0, k.name);
        uint64_t hits = 0;
        for (uint64_t round = 0; round < R; round++)
            for (uint64_t i = 0; i < 9; i++) {
                auto r = c.xlate(1, VA + i * 0x1000 + 8);
                ASSERT_EQ(r.status, SMMU_OK);
                EXPECT_EQ(r.pa, PA + i * 0x1000 + 8);
                hits += r.source == SMMU_SRC_MAIN_TLB;
            }
        EXPECT_EQ(hits, k.hits_phase2) << k.name;
        uint64_t misses = 9 * R - k.hits_phase2;
        expect_stats(c.stats(SMMU_STRUCT_MAIN_TLB, 0), 24 + 9 * R, 16 + k.hits_phase2, 8 + misses, 8 + misses, misses,
                     0, k.name);
        EXPECT_FALSE(smmu_cache_stats(c.smmu, SMMU_STRUCT_UTLB, 0, -1, nullptr)) << "micro-TLB removed";
    }
}

// Descriptor reads of walks for pages sharing less and less of their table path: with walk caches the walk
// resumes below the deepest cached table descriptor; without them every walk reads all four levels.
TEST(CacheBehaviour, WalkCachesShortenWalks) {
    struct Case { const char *name; bool unified; bool none; unsigned reads[4]; };
    const Case cases[] = {
        {"split per level", false, false, {4, 1, 2, 3}},
        {"unified", true, false, {4, 1, 2, 3}},
        {"none", false, true, {4, 4, 4, 4}},
    };
    // Same level-3 table, same level-2 table, same level-1 table.
    const uint64_t pages[4] = {VA, VA + 0x1000, VA + 0x20'0000, VA + 0x4000'0000};
    for (const auto &k : cases) {
        Cache c;
        c.cfg.walk_cache_unified = k.unified;
        if (k.unified) c.cfg.walk_cache_s1[0] = {64, 0, SMMU_REPL_LRU, 3};
        if (k.none)
            for (int l = 0; l < 4; l++) c.cfg.walk_cache_s1[l].entries = c.cfg.walk_cache_s2[l].entries = 0;
        ASSERT_TRUE(c.create_restricted());
        c.bringup();
        c.s1_stream(1);
        c.tabs.map(c.ttb1, 0x7F00'0000'0000ull, PA, kPageS1);   // warms the configuration only (other level-0 entry)
        for (int i = 0; i < 4; i++) c.tabs.map(c.ttb1, pages[i], PA + 0x1000 * (i + 1), kPageS1);
        ASSERT_EQ(c.xlate(1, 0x7F00'0000'0000ull).status, SMMU_OK);
        for (int i = 0; i < 4; i++) {
            auto r = c.xlate(1, pages[i] + 0x10);
            ASSERT_EQ(r.status, SMMU_OK) << k.name;
            EXPECT_EQ(r.pa, PA + 0x1000 * (i + 1) + 0x10);
            EXPECT_EQ(r.source, SMMU_SRC_WALK);
            EXPECT_EQ(r.mem_reads, k.reads[i]) << k.name << " page " << i;
        }
        auto ss = c.sstats(1);
        EXPECT_EQ(ss.walks, 5u);
        EXPECT_EQ(ss.walk_reads, 4u + k.reads[0] + k.reads[1] + k.reads[2] + k.reads[3]) << k.name;
        if (k.none) {
            EXPECT_FALSE(smmu_cache_stats(c.smmu, SMMU_STRUCT_WALK_S1, -1, -1, nullptr));
        } else if (k.unified) {
            // One structure, reported as the stage-1 walk cache level 0: 3 fills per cold walk of a new
            // level-0 entry, then fills for the new level-2 / level-1 descriptors of pages 2 and 3.
            expect_stats(c.stats(SMMU_STRUCT_WALK_S1, -1, 0), 5, 3, 2, 3 + 3 + 0 + 1 + 2, 0, 0, "unified");
            EXPECT_FALSE(smmu_cache_stats(c.smmu, SMMU_STRUCT_WALK_S2, -1, -1, nullptr));
            EXPECT_FALSE(smmu_cache_stats(c.smmu, SMMU_STRUCT_WALK_S1, -1, 1, nullptr));
        } else {
            // Level L holds descriptors read at level L: page 1 hits level 2, page 2 level 1, page 3 level 0.
            for (int l = 0; l < 3; l++) EXPECT_EQ(c.stats(SMMU_STRUCT_WALK_S1, -1, l).hits, 1u) << "level " << l;
            EXPECT_EQ(c.stats(SMMU_STRUCT_WALK_S1, -1, 3).lookups, 0u);
        }
    }
}

// The TCU TLB serves a translation one TBU walked to another TBU, at the cost of the DTI round trip.
TEST(CacheBehaviour, TcuTlbIsSharedBetweenTbus) {
    for (bool tcu : {true, false}) {
        Cache c;
        c.cfg.num_ports = 2;
        if (tcu) c.cfg.tcu_tlb = {64, 0, SMMU_REPL_LRU, 4};
        ASSERT_TRUE(c.create_restricted());
        c.bringup();
        c.s1_stream(1);
        c.tabs.map(c.ttb1, VA, PA, kPageS1);
        c.tabs.map(c.ttb1, VA + 0x1000, PA + 0x1000, kPageS1);
        auto w1 = c.xlate(1, VA + 0x1000, false, 0, false, false, false, 1);   // port 1 learns the stream
        ASSERT_EQ(w1.status, SMMU_OK);
        auto r0 = c.xlate(1, VA, false, 0, false, false, false, 0);
        ASSERT_EQ(r0.status, SMMU_OK);
        EXPECT_EQ(r0.source, SMMU_SRC_WALK);
        auto r1 = c.xlate(1, VA + 8, false, 0, false, false, false, 1);
        ASSERT_EQ(r1.status, SMMU_OK);
        EXPECT_EQ(r1.pa, PA + 8);
        auto r2 = c.xlate(1, VA + 16, false, 0, false, false, false, 1);
        EXPECT_EQ(r2.source, SMMU_SRC_UTLB);
        if (tcu) {
            EXPECT_EQ(r1.source, SMMU_SRC_TCU_TLB);
            EXPECT_EQ(r1.mem_reads, 0u);
            EXPECT_EQ(r1.cycles, c.cfg.utlb.latency + c.cfg.main_tlb.latency + c.cfg.tcu_tlb.latency +
                                 c.cfg.link_tbu_to_tcu + c.cfg.link_tcu_to_tbu);
            expect_stats(c.stats(SMMU_STRUCT_TCU_TLB), 3, 1, 2, 2, 0, 0, "TCU TLB");
        } else {
            EXPECT_EQ(r1.source, SMMU_SRC_WALK);
            EXPECT_EQ(r1.mem_reads, 1u) << "the walk cache is in the TCU, shared too";
        }
        // Port 1 filled its micro-TLB and main TLB from the TCU TLB hit (or its own walk).
        expect_stats(c.stats(SMMU_STRUCT_UTLB, 1), 3, 1, 2, 2, 0, 0, "port 1 micro-TLB");
        expect_stats(c.stats(SMMU_STRUCT_MAIN_TLB, 1), 2, 0, 2, 2, 0, 0, "port 1 main TLB");
        expect_stats(c.stats(SMMU_STRUCT_UTLB, 0), 1, 0, 1, 1, 0, 0, "port 0 micro-TLB");
        expect_stats(c.stats(SMMU_STRUCT_UTLB, -1), 4, 1, 3, 3, 0, 0, "both micro-TLBs");
    }
}

// TLBI_NH_VA removes one page from every level; TLBI_NH_ASID the rest and the ASID's walk-cache entries.
TEST(CacheBehaviour, InvalidationCountsPerStructure) {
    Cache c;
    c.cfg.tcu_tlb = {64, 0, SMMU_REPL_LRU, 4};
    ASSERT_TRUE(c.create_restricted());
    c.bringup();
    c.s1_stream(1);
    for (uint64_t i = 0; i < 8; i++) c.tabs.map(c.ttb1, VA + i * 0x1000, PA + i * 0x1000, kPageS1);
    for (uint64_t i = 0; i < 8; i++) ASSERT_EQ(c.xlate(1, VA + i * 0x1000).status, SMMU_OK);
    c.submit({e2e::tlbi_nh_va(0, 1, VA + 0x3000, true)});
    c.sync();
    EXPECT_EQ(c.stats(SMMU_STRUCT_UTLB, 0).invalidations, 1u);
    EXPECT_EQ(c.stats(SMMU_STRUCT_MAIN_TLB, 0).invalidations, 1u);
    EXPECT_EQ(c.stats(SMMU_STRUCT_TCU_TLB).invalidations, 1u);
    EXPECT_EQ(c.stats(SMMU_STRUCT_WALK_S1).invalidations, 0u) << "Leaf = 1 keeps the walk caches";
    auto r = c.xlate(1, VA + 0x3000);
    EXPECT_EQ(r.source, SMMU_SRC_WALK);
    EXPECT_EQ(r.mem_reads, 1u) << "the walk resumes from the walk cache";
    c.submit({e2e::tlbi_nh_asid(0, 1)});
    c.sync();
    EXPECT_EQ(c.stats(SMMU_STRUCT_UTLB, 0).invalidations, 1u + 8);
    EXPECT_EQ(c.stats(SMMU_STRUCT_MAIN_TLB, 0).invalidations, 1u + 8);
    EXPECT_EQ(c.stats(SMMU_STRUCT_TCU_TLB).invalidations, 1u + 8);
    EXPECT_EQ(c.stats(SMMU_STRUCT_WALK_S1).invalidations, 3u);
    r = c.xlate(1, VA);
    EXPECT_EQ(r.source, SMMU_SRC_WALK);
    EXPECT_EQ(r.mem_reads, 4u);
}

// Per-stream counters: translations, faults, walks and walk reads of a stage-1 and a stage-2 stream.
TEST(CacheBehaviour, PerStreamStatisticsAreExact) {
    Cache c;
    ASSERT_TRUE(c.create_restricted());
    c.bringup();
    c.s1_stream(1);
    uint64_t s2ttb = c.tabs.alloc();
    c.install(2, stu::linux_s2(s2ttb, 3).q);
    for (uint64_t i = 0; i < 4; i++) {
        c.tabs.map(c.ttb1, VA + i * 0x1000, PA + i * 0x1000, kPageS1);
        c.tabs.map(s2ttb, VA + i * 0x1000, PA + i * 0x1000, kPageS2);
    }
    for (int t = 0; t < 3; t++)
        for (uint64_t i = 0; i < 4; i++) {
            ASSERT_EQ(c.xlate(1, VA + i * 0x1000).status, SMMU_OK);
            ASSERT_EQ(c.xlate(2, VA + i * 0x1000).status, SMMU_OK);
        }
    EXPECT_EQ(c.xlate(1, VA + 0x10000).status, SMMU_ABORT);   // unmapped page of a mapped level-3 table
    EXPECT_EQ(c.xlate(2, VA + 0x10000).status, SMMU_ABORT);
    EXPECT_EQ(c.pop_events().size(), 2u);
    auto a = c.sstats(1), b = c.sstats(2);
    EXPECT_EQ(a.translations, 13u);
    EXPECT_EQ(b.translations, 13u);
    EXPECT_EQ(a.faults, 1u);
    EXPECT_EQ(b.faults, 1u);
    // Four successful walks (one cold, three resuming at level 3) and the faulting walk, which also
    // resumes at level 3 and reads the invalid descriptor: its memory traffic counts too.
    EXPECT_EQ(a.walks, 5u);
    EXPECT_EQ(b.walks, 5u);
    EXPECT_EQ(a.walk_reads, 4u + 3u + 1u);
    EXPECT_EQ(b.walk_reads, 4u + 3u + 1u);
    EXPECT_EQ(a.cfg_fetches, 2u);
    EXPECT_EQ(b.cfg_fetches, 1u);
    smmu_stream_stats_t none;
    EXPECT_FALSE(smmu_stream_stats(c.smmu, 77, &none)) << "a stream never translated has no counters";
    smmu_global_stats_t g;
    smmu_global_stats(c.smmu, &g);
    EXPECT_EQ(g.translations, 26u);
    EXPECT_EQ(g.walks, 10u);
    EXPECT_EQ(g.walk_reads, 16u);
}

} // namespace
