// SPDX-License-Identifier: BSD-3-Clause
// Cache engine: geometry, the eight replacement policies against hand-computed victims, statistics.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

extern "C" {
#include "cache.h"
}

namespace {

struct Ent {
    smmu_cache_hdr_t hdr;
    uint64_t key;
};

// A client of the engine keyed by an integer; the set is key & set_mask.
struct Sim {
    smmu_cache_t *c = nullptr;
    std::vector<uint64_t> evicted;
    Sim(uint32_t entries, uint32_t ways, smmu_repl_t p, uint64_t seed = 1) {
        smmu_cache_config_t cfg{entries, ways, p, 1};
        char err[128] = "";
        c = smmu_cache_create(&cfg, sizeof(Ent), seed, err, sizeof err);
        EXPECT_NE(c, nullptr) << err;
    }
    ~Sim() { smmu_cache_destroy(c); }
    int find(uint64_t key) {
        uint32_t set = smmu_cache_set_of(c, key);
        for (uint32_t w = 0; w < c->ways; w++) {
            auto *e = static_cast<Ent *>(smmu_cache_entry(c, set, w));
            if (e->hdr.valid && e->key == key) return (int)w;
        }
        return -1;
    }
    // Returns true on a hit.
    bool access(uint64_t key) {
        uint32_t set = smmu_cache_set_of(c, key);
        int w = find(key);
        if (w >= 0) { smmu_cache_touch(c, set, (uint32_t)w); return true; }
        smmu_cache_miss(c);
        uint32_t v = smmu_cache_victim(c, set);
        auto *e = static_cast<Ent *>(smmu_cache_entry(c, set, v));
        if (e->hdr.valid) evicted.push_back(e->key);
        e->key = key;
        smmu_cache_filled(c, set, v);
        return false;
    }
    unsigned misses(const std::vector<uint64_t> &keys) {
        unsigned m = 0;
        for (uint64_t k : keys) m += !access(k);
        return m;
    }
};

const smmu_repl_t kAll[] = {SMMU_REPL_LRU, SMMU_REPL_PLRU, SMMU_REPL_FIFO, SMMU_REPL_RANDOM,
                            SMMU_REPL_LFU, SMMU_REPL_2Q, SMMU_REPL_CLOCK, SMMU_REPL_RRIP};
const char *name(smmu_repl_t p) {
    static const char *n[] = {"LRU", "PLRU", "FIFO", "RANDOM", "LFU", "2Q", "CLOCK", "RRIP"};
    return n[p];
}

TEST(CacheGeometry, FullyAndSetAssociative) {
    struct { uint32_t entries, ways, sets, eff_ways; } cases[] = {
        {32, 0, 1, 32}, {32, 32, 1, 32}, {2048, 4, 512, 4}, {16, 4, 4, 4}, {6, 3, 2, 3}, {3, 3, 1, 3},
    };
    for (auto &t : cases) {
        Sim s(t.entries, t.ways, SMMU_REPL_LRU);
        ASSERT_NE(s.c, nullptr);
        EXPECT_EQ(s.c->sets, t.sets) << t.entries << "/" << t.ways;
        EXPECT_EQ(s.c->ways, t.eff_ways);
        EXPECT_EQ(s.c->set_mask, t.sets - 1);
    }
}

TEST(CacheGeometry, AbsentAndBad) {
    char err[128] = "";
    smmu_cache_config_t none{0, 0, SMMU_REPL_LRU, 1};
    EXPECT_EQ(smmu_cache_create(&none, sizeof(Ent), 1, err, sizeof err), nullptr);
    EXPECT_STREQ(err, "");
    smmu_cache_config_t bad[] = {{12, 4, SMMU_REPL_LRU, 1}, {10, 4, SMMU_REPL_LRU, 1}, {4, 8, SMMU_REPL_LRU, 1},
                                 {4, 4, (smmu_repl_t)9, 1}};
    for (auto &b : bad) {
        err[0] = 0;
        EXPECT_EQ(smmu_cache_create(&b, sizeof(Ent), 1, err, sizeof err), nullptr);
        EXPECT_NE(std::string(err), "");
    }
}

TEST(CacheGeometry, SetIndexSeparatesSets) {
    Sim s(16, 4, SMMU_REPL_LRU);   // 4 sets of 4: keys with the same low two bits share a set
    for (uint64_t k = 0; k < 16; k++) EXPECT_FALSE(s.access(k));
    for (uint64_t k = 0; k < 16; k++) EXPECT_TRUE(s.access(k));
    EXPECT_FALSE(s.access(16));            // set 0 is full: evicts its LRU (key 0)
    ASSERT_EQ(s.evicted.size(), 1u);
    EXPECT_EQ(s.evicted[0], 0u);
    EXPECT_TRUE(s.access(1));              // other sets untouched
    EXPECT_TRUE(s.access(2));
    EXPECT_TRUE(s.access(3));
}

// Fill keys 10..13 into ways 0..3 of a 4-way set, apply hits, then two misses (14, 15).
struct VictimCase {
    const char *what;
    std::vector<uint64_t> hits;
    std::map<smmu_repl_t, std::vector<uint64_t>> victims;   // keys evicted by the misses 14 then 15
};

TEST(CachePolicy, HandComputedVictims) {
    const VictimCase cases[] = {
        {"13,13,10,12,11", {13, 13, 10, 12, 11},
         {{SMMU_REPL_LRU, {13, 10}}, {SMMU_REPL_PLRU, {13, 10}}, {SMMU_REPL_FIFO, {10, 11}},
          {SMMU_REPL_LFU, {10, 14}}, {SMMU_REPL_2Q, {13, 14}}, {SMMU_REPL_CLOCK, {10, 11}},
          {SMMU_REPL_RRIP, {10, 11}}}},
        {"10,11", {10, 11},
         {{SMMU_REPL_LRU, {12, 13}}, {SMMU_REPL_PLRU, {12, 10}}, {SMMU_REPL_FIFO, {10, 11}},
          {SMMU_REPL_LFU, {12, 13}}, {SMMU_REPL_2Q, {12, 13}}, {SMMU_REPL_CLOCK, {12, 13}},
          {SMMU_REPL_RRIP, {12, 13}}}},
    };
    for (auto &vc : cases)
        for (auto &[pol, want] : vc.victims) {
            Sim s(4, 4, pol);
            for (uint64_t k = 10; k < 14; k++) ASSERT_FALSE(s.access(k));
            for (uint64_t k : vc.hits) ASSERT_TRUE(s.access(k));
            EXPECT_FALSE(s.access(14));
            EXPECT_FALSE(s.access(15));
            EXPECT_EQ(s.evicted, want) << name(pol) << " after hits " << vc.what;
        }
}

TEST(CachePolicy, PlruNonPowerOfTwoWays) {
    // 3 ways use a 4-leaf tree whose fourth leaf is never chosen.
    Sim s(3, 3, SMMU_REPL_PLRU);
    for (uint64_t k = 0; k < 3; k++) s.access(k);
    std::vector<uint32_t> ways;
    for (uint64_t k = 3; k < 7; k++) {
        uint32_t v = smmu_cache_victim(s.c, 0);
        ways.push_back(v);
        static_cast<Ent *>(smmu_cache_entry(s.c, 0, v))->key = k;
        smmu_cache_filled(s.c, 0, v);
    }
    EXPECT_EQ(ways, (std::vector<uint32_t>{0, 2, 1, 2}));
}

TEST(CachePolicy, RandomIsDeterministicPerSeed) {
    auto run = [](uint64_t seed) {
        Sim s(8, 8, SMMU_REPL_RANDOM, seed);
        for (uint64_t k = 0; k < 200; k++) s.access(k);
        return s.evicted;
    };
    auto a = run(7), b = run(7), c = run(8);
    ASSERT_EQ(a.size(), 192u);
    EXPECT_EQ(a, b);
    EXPECT_NE(a, c);
}

TEST(CachePolicy, WorkingSetThatFitsHitsAfterWarmup) {
    for (smmu_repl_t p : kAll) {
        Sim fa(8, 0, p);
        std::vector<uint64_t> ws{1, 2, 3, 4, 5, 6, 7, 8};
        EXPECT_EQ(fa.misses(ws), 8u) << name(p);
        for (int r = 0; r < 5; r++) EXPECT_EQ(fa.misses(ws), 0u) << name(p);
        Sim sa(64, 4, p);                // 16 sets x 4 ways, 64 keys spread over all sets
        std::vector<uint64_t> all;
        for (uint64_t k = 0; k < 64; k++) all.push_back(k * 3 + 1000);   // 3 is odd: a permutation of the sets
        EXPECT_EQ(sa.misses(all), 64u) << name(p);
        EXPECT_EQ(sa.misses(all), 0u) << name(p);
    }
}

TEST(CachePolicy, CyclicOverflowThrashesLruAndFifo) {
    for (smmu_repl_t p : {SMMU_REPL_LRU, SMMU_REPL_FIFO}) {
        Sim s(4, 4, p);
        std::vector<uint64_t> cyc{0, 1, 2, 3, 4};
        for (int r = 0; r < 4; r++) EXPECT_EQ(s.misses(cyc), 5u) << name(p) << " round " << r;
    }
}

TEST(CachePolicy, ScanResistance) {
    // Hot keys 1 and 2 referenced twice, then a scan of four new keys, then the hot keys again.
    std::map<smmu_repl_t, bool> keeps_hot{{SMMU_REPL_LRU, false}, {SMMU_REPL_FIFO, false}, {SMMU_REPL_PLRU, false},
                                          {SMMU_REPL_LFU, true},  {SMMU_REPL_2Q, true},    {SMMU_REPL_CLOCK, true},
                                          {SMMU_REPL_RRIP, true}};
    for (auto &[p, keeps] : keeps_hot) {
        Sim s(4, 4, p);
        s.misses({1, 2, 1, 2, 100, 101, 102, 103});
        bool h1 = s.access(1), h2 = s.access(2);
        EXPECT_EQ(h1 && h2, keeps) << name(p);
        EXPECT_EQ(!h1 && !h2, !keeps) << name(p);
    }
}

TEST(CacheStats, CountsEveryOperation) {
    Sim s(4, 2, SMMU_REPL_LRU);          // 2 sets x 2 ways
    s.misses({0, 2, 0, 4, 1});           // set 0: 0, 2, hit 0, 4 evicts 2; set 1: 1
    EXPECT_EQ(s.c->stats.lookups, 5u);
    EXPECT_EQ(s.c->stats.hits, 1u);
    EXPECT_EQ(s.c->stats.misses, 4u);
    EXPECT_EQ(s.c->stats.fills, 4u);
    EXPECT_EQ(s.c->stats.evictions, 1u);
    EXPECT_EQ(s.evicted, (std::vector<uint64_t>{2}));
    EXPECT_EQ(smmu_cache_occupancy(s.c), 3u);
    int w = s.find(4);
    ASSERT_GE(w, 0);
    smmu_cache_invalidate(s.c, 0, (uint32_t)w);
    smmu_cache_invalidate(s.c, 0, (uint32_t)w);   // already invalid: not counted
    EXPECT_EQ(s.c->stats.invalidations, 1u);
    EXPECT_EQ(s.find(4), -1);
    unsigned n = 0;
    for (smmu_cache_iter_t it = {}; smmu_cache_next(s.c, &it);) n++;
    EXPECT_EQ(n, 2u);
    EXPECT_EQ(smmu_cache_invalidate_all(s.c), 2u);
    EXPECT_EQ(s.c->stats.invalidations, 3u);
    EXPECT_EQ(smmu_cache_occupancy(s.c), 0u);
    EXPECT_FALSE(s.access(0));           // refill after invalidation uses a free way: no eviction
    EXPECT_EQ(s.c->stats.evictions, 1u);
}

}  // namespace
