// SPDX-License-Identifier: BSD-3-Clause
// Configuration cache: staleness until CMD_CFGI_*, replacement, costs and counters (IHI 0070 3.21.3, 4.3).
#include "strtab_util.h"

using stu::Cd;
using stu::Ste;

namespace {

const uint64_t kCd = th::kCdBase, kTtb = th::kTables;

struct CfgCache : th::Smmu {
    struct Res { int rc; uint16_t vmid; uint16_t asid; smmu_event_t ev; smmu_cost_t cost; };

    void make(uint32_t entries, uint32_t ways, smmu_repl_t policy = SMMU_REPL_LRU) {
        cfg.cfg_cache.entries = entries;
        cfg.cfg_cache.ways = ways;
        cfg.cfg_cache.policy = policy;
        cfg.cfg_cache.latency = 3;
        cfg.cfg_fetch_cycles = 4;
        create();
        stu::set_strtab(smmu, th::kStrtab, 8);
    }
    // A stage-1 STE whose S2VMID identifies the version written; CDs in a 16-entry table per SID.
    void put_ste(uint32_t sid, unsigned version) {
        write_ste(sid, stu::linux_s1(cd_table(sid), 4).vmid(version).q);
    }
    static uint64_t cd_table(uint32_t sid) { return kCd + 0x1000ull * sid; }
    void put_cd(uint32_t sid, uint32_t ssid, unsigned asid) { write_cd(cd_table(sid) + 64 * ssid, stu::linux_cd(kTtb, asid).q); }

    Res ste(uint32_t sid, bool fill = true) {
        Res r{};
        const smmu_ste_t *p = nullptr;
        r.rc = smmu_cfg_ste(smmu, sid, &p, &r.ev, &r.cost, fill);
        if (!r.rc) r.vmid = p->s2vmid;
        return r;
    }
    Res cd(uint32_t sid, uint32_t ssid, bool fill = true) {
        Res r{};
        const smmu_ste_t *p = nullptr;
        r.rc = smmu_cfg_ste(smmu, sid, &p, &r.ev, &r.cost, fill);
        if (r.rc) return r;
        const smmu_ste_t copy = *p;
        const smmu_cd_t *d = nullptr;
        r.cost = smmu_cost_t{};                                   // the CD's own cost
        r.rc = smmu_cfg_cd(smmu, &copy, sid, ssid, &d, &r.ev, &r.cost, fill);
        if (!r.rc) r.asid = d->asid;
        return r;
    }
    smmu_cache_stats_t stats() {
        smmu_cache_stats_t st;
        smmu_cfgcache_stats(smmu, &st);
        return st;
    }
};

TEST_F(CfgCache, HitCostsTheLookupLatencyMissAddsTheFetch) {
    make(64, 4);
    put_ste(3, 1);
    Res miss = ste(3);
    ASSERT_EQ(miss.rc, 0);
    EXPECT_EQ(miss.cost.cycles, 3u + 4u);
    EXPECT_EQ(miss.cost.reads, 1u);
    Res hit = ste(3);
    EXPECT_EQ(hit.cost.cycles, 3u);
    EXPECT_EQ(hit.cost.reads, 0u);
    smmu_stream_stats_t ss;
    ASSERT_TRUE(smmu_stream_stats(smmu, 3, &ss));
    EXPECT_EQ(ss.cfg_fetches, 1u);
}

TEST_F(CfgCache, RewrittenSteStaysStaleUntilCfgiSte) {
    make(64, 4);
    put_ste(3, 1);
    put_ste(4, 1);
    EXPECT_EQ(ste(3).vmid, 1);
    EXPECT_EQ(ste(4).vmid, 1);
    put_ste(3, 2);
    put_ste(4, 2);
    Res r = ste(3);
    EXPECT_EQ(r.vmid, 1) << "a driver that skips CMD_CFGI_STE keeps seeing the old STE";
    EXPECT_EQ(r.cost.reads, 0u);
    smmu_cfgi_ste(smmu, 3, true);
    EXPECT_EQ(ste(3).vmid, 2);
    EXPECT_EQ(ste(4).vmid, 1) << "CFGI_STE(3) leaves StreamID 4 alone";
}

TEST_F(CfgCache, CfgiSteAlsoInvalidatesTheCdsOfThatStream) {
    make(64, 4);
    for (uint32_t sid : {3u, 4u}) { put_ste(sid, 1); put_cd(sid, 2, 0x10); }
    EXPECT_EQ(cd(3, 2).asid, 0x10);
    EXPECT_EQ(cd(4, 2).asid, 0x10);
    put_cd(3, 2, 0x20);
    put_cd(4, 2, 0x20);
    EXPECT_EQ(cd(3, 2).asid, 0x10);
    smmu_cfgi_ste(smmu, 3, true);                                 // 4.3.1: also every CD cached through SID 3
    EXPECT_EQ(cd(3, 2).asid, 0x20);
    EXPECT_EQ(cd(4, 2).asid, 0x10);
}

TEST_F(CfgCache, CfgiCdAndCfgiCdAll) {
    make(64, 4);
    put_ste(5, 1);
    for (uint32_t ssid : {0u, 1u, 2u}) put_cd(5, ssid, 0x10 + ssid);
    for (uint32_t ssid : {0u, 1u, 2u}) EXPECT_EQ(cd(5, ssid).asid, 0x10 + ssid);
    for (uint32_t ssid : {0u, 1u, 2u}) put_cd(5, ssid, 0x20 + ssid);
    put_ste(5, 2);

    smmu_cfgi_cd(smmu, 5, 1, true);
    EXPECT_EQ(cd(5, 0).asid, 0x10);
    EXPECT_EQ(cd(5, 1).asid, 0x21);
    EXPECT_EQ(cd(5, 2).asid, 0x12);
    EXPECT_EQ(ste(5).vmid, 1) << "CFGI_CD does not touch the STE";

    smmu_cfgi_cd_all(smmu, 5);
    EXPECT_EQ(cd(5, 0).asid, 0x20);
    EXPECT_EQ(cd(5, 2).asid, 0x22);
    EXPECT_EQ(ste(5).vmid, 1) << "CFGI_CD_ALL does not touch the STE";
}

TEST_F(CfgCache, CdsAreCachedPerStreamId) {
    make(64, 4);
    // Two streams share one CD: each caches its own copy, and CFGI_CD is needed per StreamID (4.3.3).
    write_ste(1, stu::linux_s1(kCd).vmid(1).q);
    write_ste(2, stu::linux_s1(kCd).vmid(1).q);
    write_cd(kCd, stu::linux_cd(kTtb, 7).q);
    EXPECT_EQ(cd(1, 0).asid, 7);
    EXPECT_EQ(cd(2, 0).asid, 7);
    write_cd(kCd, stu::linux_cd(kTtb, 8).q);
    smmu_cfgi_cd(smmu, 1, 0, true);
    EXPECT_EQ(cd(1, 0).asid, 8);
    EXPECT_EQ(cd(2, 0).asid, 7);
}

TEST_F(CfgCache, CfgiSteRangeCoversAnAlignedPowerOfTwo) {
    struct Case { uint32_t sid; unsigned range; uint32_t lo, hi; };
    const Case cases[] = {
        {5, 0, 4, 5},        // 2 StreamIDs
        {5, 1, 4, 7},        // 4
        {9, 2, 8, 15},       // 8, bottom Range+1 bits of SID ignored
        {37, 4, 32, 63},     // 32
        {200, 7, 0, 255},    // 256
        {0, 31, 0, 255},     // CFGI_ALL
    };
    make(1024, 16);
    for (const auto &c : cases) {
        smmu_cfgi_all(smmu);
        for (uint32_t sid = 0; sid < 256; sid++) put_ste(sid, 1);
        for (uint32_t sid = 0; sid < 256; sid++) ASSERT_EQ(ste(sid).vmid, 1);
        for (uint32_t sid = 0; sid < 256; sid++) put_ste(sid, 2);
        smmu_cfgi_ste_range(smmu, c.sid, c.range);
        for (uint32_t sid = 0; sid < 256; sid++)
            EXPECT_EQ(ste(sid).vmid, sid >= c.lo && sid <= c.hi ? 2 : 1) << "sid " << c.sid << " range " << c.range << " at " << sid;
    }
}

TEST_F(CfgCache, CfgiAllDropsEverything) {
    make(64, 4);
    for (uint32_t sid = 0; sid < 8; sid++) { put_ste(sid, 1); put_cd(sid, 1, 1); ASSERT_EQ(cd(sid, 1).asid, 1); }
    for (uint32_t sid = 0; sid < 8; sid++) { put_ste(sid, 2); put_cd(sid, 1, 2); }
    smmu_cfgi_all(smmu);
    for (uint32_t sid = 0; sid < 8; sid++) {
        EXPECT_EQ(ste(sid).vmid, 2);
        EXPECT_EQ(cd(sid, 1).asid, 2);
    }
    EXPECT_EQ(stats().invalidations, 16u);
}

TEST_F(CfgCache, LruReplacementWhenTheWorkingSetExceedsTheCache) {
    make(4, 4, SMMU_REPL_LRU);                                     // one set of four ways
    for (uint32_t sid = 0; sid < 5; sid++) put_ste(sid, 1);
    for (uint32_t sid = 0; sid < 4; sid++) ste(sid);
    ste(0);                                                       // StreamID 1 is now least recently used
    ste(4);                                                       // evicts StreamID 1
    EXPECT_EQ(ste(0).cost.reads, 0u);
    EXPECT_EQ(ste(2).cost.reads, 0u);
    EXPECT_EQ(ste(4).cost.reads, 0u);
    EXPECT_EQ(ste(1).cost.reads, 1u);
    smmu_cache_stats_t st = stats();
    EXPECT_EQ(st.lookups, 10u);
    EXPECT_EQ(st.hits, 4u);
    EXPECT_EQ(st.misses, 6u);
    EXPECT_EQ(st.fills, 6u);
    EXPECT_EQ(st.evictions, 2u);
    EXPECT_EQ(st.invalidations, 0u);
}

TEST_F(CfgCache, EveryPolicyHoldsItsCapacityAndEvictsBeyondIt) {
    const smmu_repl_t policies[] = {SMMU_REPL_LRU, SMMU_REPL_PLRU, SMMU_REPL_FIFO, SMMU_REPL_RANDOM,
                                    SMMU_REPL_LFU, SMMU_REPL_2Q, SMMU_REPL_CLOCK, SMMU_REPL_RRIP};
    for (smmu_repl_t p : policies) {
        if (smmu) smmu_destroy(smmu);
        smmu = nullptr;
        make(8, 8, p);
        for (uint32_t sid = 0; sid < 16; sid++) put_ste(sid, 1);
        for (uint32_t sid = 0; sid < 8; sid++) ste(sid);
        for (uint32_t sid = 0; sid < 8; sid++) EXPECT_EQ(ste(sid).cost.reads, 0u) << "policy " << p;
        for (uint32_t sid = 8; sid < 16; sid++) ste(sid);
        smmu_cache_stats_t st = stats();
        EXPECT_EQ(st.fills, 16u) << "policy " << p;
        EXPECT_EQ(st.evictions, 8u) << "policy " << p;
        EXPECT_EQ(st.hits, 8u) << "policy " << p;
    }
}

TEST_F(CfgCache, NoEntriesMeansEveryLookupFetches) {
    make(0, 0);
    put_ste(3, 1);
    put_cd(3, 0, 5);
    for (int i = 0; i < 3; i++) {
        Res r = ste(3);
        EXPECT_EQ(r.vmid, 1);
        EXPECT_EQ(r.cost.reads, 1u);
        EXPECT_EQ(r.cost.cycles, 4u);                            // no lookup latency, one fetch
    }
    put_ste(3, 2);
    EXPECT_EQ(ste(3).vmid, 2) << "nothing to be stale";
    EXPECT_EQ(cd(3, 0).cost.reads, 1u);
    smmu_cache_stats_t st = stats();
    EXPECT_EQ(st.lookups, 0u);
    EXPECT_EQ(st.fills, 0u);
    smmu_stream_stats_t ss;
    ASSERT_TRUE(smmu_stream_stats(smmu, 3, &ss));
    EXPECT_EQ(ss.cfg_fetches, 6u);                                // five STE fetches and one CD fetch
}

TEST_F(CfgCache, DebugLookupsLeaveNoTrace) {
    make(4, 4, SMMU_REPL_LRU);
    for (uint32_t sid = 0; sid < 5; sid++) put_ste(sid, 1);
    Res r = ste(0, false);                                        // miss: fetched, not inserted
    EXPECT_EQ(r.rc, 0);
    EXPECT_EQ(r.cost.reads, 1u);
    EXPECT_EQ(ste(0, false).cost.reads, 1u);
    smmu_cache_stats_t st = stats();
    EXPECT_EQ(st.lookups, 0u);
    EXPECT_EQ(st.fills, 0u);

    for (uint32_t sid = 0; sid < 4; sid++) ste(sid);              // StreamID 0 is least recently used
    EXPECT_EQ(ste(0, false).cost.reads, 0u);                      // a debug hit does not refresh it
    ste(4);                                                       // so it is the victim
    EXPECT_EQ(ste(1).cost.reads, 0u);
    EXPECT_EQ(ste(0).cost.reads, 1u);
    smmu_stream_stats_t ss;
    ASSERT_TRUE(smmu_stream_stats(smmu, 0, &ss));
    EXPECT_EQ(ss.cfg_fetches, 2u) << "debug fetches are not counted";
}

TEST_F(CfgCache, FailedOrInvalidFetchesAreNotCached) {
    make(64, 4);
    put_ste(6, 1);
    mem.abort_range(th::kStrtab + 64 * 6, 64);
    Res r = ste(6);
    EXPECT_EQ(r.rc, EVT_F_STE_FETCH);
    EXPECT_EQ(r.ev.fetch_addr, th::kStrtab + 64 * 6);
    mem.aborts.clear();
    EXPECT_EQ(ste(6).rc, 0) << "a failed fetch is retried without CFGI (3.21.3)";

    write_ste(7, th::ste::invalid());
    EXPECT_EQ(ste(7).rc, EVT_C_BAD_STE);
    put_ste(7, 3);
    EXPECT_EQ(ste(7).vmid, 3) << "invalid STEs are not cached (model choice)";

    put_ste(8, 1);
    write_cd(cd_table(8), stu::linux_cd(kTtb, 1).v(false).q);
    EXPECT_EQ(cd(8, 0).rc, EVT_C_BAD_CD);
    put_cd(8, 0, 4);
    EXPECT_EQ(cd(8, 0).asid, 4);

    mem.abort_range(cd_table(8) + 64, 64);
    r = cd(8, 1);
    EXPECT_EQ(r.rc, EVT_F_CD_FETCH);
    EXPECT_EQ(r.ev.fetch_addr, cd_table(8) + 64);
    mem.aborts.clear();
    put_cd(8, 1, 9);
    EXPECT_EQ(cd(8, 1).asid, 9);
    EXPECT_EQ(stats().fills, 5u);                                 // STEs 6, 7, 8 and CDs (8,0), (8,1)
}

TEST_F(CfgCache, L1stdIsCachedAndNeedsNonLeafCfgiSte) {
    make(64, 4);
    stu::set_strtab(smmu, th::kStrtab, 16, true, 8);
    const uint64_t l2a = 0x30000000, l2b = 0x31000000;
    mem.w64(th::kStrtab + 8 * 1, l2a | 9);                         // StreamIDs 0x100-0x1FF
    for (uint32_t i : {5u, 6u, 7u}) {
        write_cd(l2a + 64 * i, stu::linux_s1(kCd).vmid(0xA0 + i).q);
        write_cd(l2b + 64 * i, stu::linux_s1(kCd).vmid(0xB0 + i).q);
    }
    Res r = ste(0x105);
    EXPECT_EQ(r.vmid, 0xA5);
    EXPECT_EQ(r.cost.reads, 2u);
    r = ste(0x106);
    EXPECT_EQ(r.vmid, 0xA6);
    EXPECT_EQ(r.cost.reads, 1u) << "L1STD from the cache";

    mem.w64(th::kStrtab + 8 * 1, l2b | 9);                         // move the level-2 table
    smmu_cfgi_ste(smmu, 0x106, true);
    EXPECT_EQ(ste(0x106).vmid, 0xA6) << "Leaf=1 keeps the cached L1STD";
    smmu_cfgi_ste(smmu, 0x106, false);
    r = ste(0x106);
    EXPECT_EQ(r.vmid, 0xB6) << "Leaf=0 drops the L1STD (4.3.1)";
    EXPECT_EQ(r.cost.reads, 2u);
    EXPECT_EQ(ste(0x105).vmid, 0xA5) << "the STE of 0x105 itself is still cached";

    mem.w64(th::kStrtab + 8 * 1, l2a | 9);
    smmu_cfgi_ste_range(smmu, 0x1F0, 3);                           // 0x1F0-0x1FF: overlaps the L1STD's span
    smmu_cfgi_ste(smmu, 0x107, true);
    EXPECT_EQ(ste(0x107).vmid, 0xA7);
}

TEST_F(CfgCache, InvalidL1stdIsNotCached) {
    make(64, 4);
    stu::set_strtab(smmu, th::kStrtab, 16, true, 8);
    const uint64_t l2 = 0x30000000;
    write_cd(l2 + 64 * 3, stu::linux_s1(kCd).vmid(7).q);
    mem.w64(th::kStrtab + 8 * 2, l2 | 0);                          // Span 0
    EXPECT_EQ(ste(0x203).rc, EVT_C_BAD_STREAMID);
    mem.w64(th::kStrtab + 8 * 2, l2 | 3);
    EXPECT_EQ(ste(0x203).vmid, 7);
    EXPECT_EQ(stats().fills, 2u);                                  // the L1STD and the STE
}

TEST_F(CfgCache, L1cdIsCachedAndNeedsNonLeafCfgiCd) {
    make(64, 4);
    const uint64_t l2a = 0x40000000, l2b = 0x41000000;
    write_ste(9, stu::linux_s1(kCd, 10, 1).vmid(1).q);
    mem.w64(kCd + 8 * 1, l2a | 1);                                 // SubstreamIDs 64-127
    for (uint32_t i : {5u, 6u, 7u}) {
        write_cd(l2a + 64 * i, stu::linux_cd(kTtb, 0xA0 + i).q);
        write_cd(l2b + 64 * i, stu::linux_cd(kTtb, 0xB0 + i).q);
    }
    Res r = cd(9, 64 + 5);
    EXPECT_EQ(r.asid, 0xA5);
    EXPECT_EQ(r.cost.reads, 2u);
    r = cd(9, 64 + 6);
    EXPECT_EQ(r.asid, 0xA6);
    EXPECT_EQ(r.cost.reads, 1u) << "L1CD from the cache";

    mem.w64(kCd + 8 * 1, l2b | 1);
    smmu_cfgi_cd(smmu, 9, 64 + 6, true);
    EXPECT_EQ(cd(9, 64 + 6).asid, 0xA6) << "Leaf=1 keeps the cached L1CD";
    smmu_cfgi_cd(smmu, 9, 64 + 6, false);
    EXPECT_EQ(cd(9, 64 + 6).asid, 0xB6) << "Leaf=0 drops the L1CD (4.3.3)";
    EXPECT_EQ(cd(9, 64 + 5).asid, 0xA5);

    mem.w64(kCd + 8 * 1, l2a | 1);
    smmu_cfgi_cd_all(smmu, 9);
    EXPECT_EQ(cd(9, 64 + 7).asid, 0xA7);
    EXPECT_EQ(cd(9, 64 + 5).asid, 0xA5);

    mem.w64(kCd + 8 * 1, 0);                                      // L1CD.V = 0
    smmu_cfgi_ste(smmu, 9, true);                                 // also drops the L1CDs of the stream
    EXPECT_EQ(cd(9, 64 + 5).rc, EVT_C_BAD_SUBSTREAMID);
    mem.w64(kCd + 8 * 1, l2b | 1);
    EXPECT_EQ(cd(9, 64 + 5).asid, 0xB5) << "an invalid L1CD is not cached";
}

TEST_F(CfgCache, NothingIsCachedWhileSmmuDisabled) {
    make(64, 4);
    smmu->cr0ack &= ~CR0_SMMUEN;
    put_ste(2, 1);
    EXPECT_EQ(ste(2).cost.reads, 1u);
    EXPECT_EQ(ste(2).cost.reads, 1u);
    EXPECT_EQ(stats().fills, 0u);
}

TEST_F(CfgCache, CfgiCommandsBumpTheConfigurationGeneration) {
    make(64, 4);
    uint64_t g = smmu->cfg_gen;
    smmu_cfgi_ste(smmu, 1, true);
    smmu_cfgi_ste_range(smmu, 1, 3);
    smmu_cfgi_cd(smmu, 1, 0, true);
    smmu_cfgi_cd_all(smmu, 1);
    smmu_cfgi_all(smmu);
    EXPECT_EQ(smmu->cfg_gen, g + 5);
}

} // namespace
