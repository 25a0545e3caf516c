// SPDX-License-Identifier: BSD-3-Clause
// TLBs (micro, main, TCU), walk caches and the exact scope of every TLBI command (IHI 0070 3.17, 4.4).
#include "harness.h"

#include <map>
#include <set>
#include <string>

extern "C" {
#include "tlb.h"
}

namespace {

constexpr uint64_t K4 = 12, M2 = 21, K64 = 16, G1 = 30;

smmu_tlb_entry_t mk(uint8_t sw, uint8_t kind, uint16_t vmid, uint16_t asid, bool global, uint64_t ia,
                    unsigned size_log2, unsigned level, unsigned granule, uint64_t oa) {
    smmu_tlb_entry_t e;
    memset(&e, 0, sizeof e);
    e.sw = sw;
    e.kind = kind;
    e.vmid = vmid;
    e.asid = asid;
    e.global = global;
    e.ia = ia;
    e.size_log2 = (uint8_t)size_log2;
    e.level = (uint8_t)level;
    e.granule_log2 = (uint8_t)granule;
    e.oa = oa;
    e.perm = SMMU_PERM_RP | SMMU_PERM_WP;
    return e;
}

smmu_tlb_key_t key_of(const smmu_tlb_entry_t &e, uint64_t ia) {
    smmu_tlb_key_t k{};
    k.sw = e.sw;
    k.kind = e.kind;
    k.vmid = e.vmid;
    k.asid = e.asid;
    k.aset = e.aset;
    k.ia = ia;
    return k;
}

struct Tlb : th::Smmu {
    void SetUp() override {
        cfg.num_ports = 2;
        cfg.utlb = {16, 16, SMMU_REPL_LRU, 1};
        cfg.main_tlb = {256, 16, SMMU_REPL_LRU, 3};
        cfg.tcu_tlb = {256, 16, SMMU_REPL_LRU, 5};
        for (int l = 0; l < 4; l++) {
            cfg.walk_cache_s1[l] = {16, 4, SMMU_REPL_LRU, 2};
            cfg.walk_cache_s2[l] = {16, 4, SMMU_REPL_LRU, 2};
        }
    }
    struct smmu_tlbs *t() { return smmu->tlbs; }
    // Copies of `e` (same tags, base and size) in every TLB structure.
    unsigned copies(const smmu_tlb_entry_t &e) {
        unsigned n = 0;
        auto scan = [&](smmu_cache_t *c) {
            if (!c) return;
            for (smmu_cache_iter_t it = {}; smmu_cache_next(c, &it);) {
                auto *x = static_cast<const smmu_tlb_entry_t *>(it.entry);
                bool no_asid = e.kind == SMMU_TLB_S2 || e.sw == SMMU_SW_EL2;   // stored as global, ASID 0
                n += x->sw == e.sw && x->kind == e.kind && x->vmid == e.vmid && x->ia == e.ia &&
                     x->size_log2 == e.size_log2 &&
                     (no_asid || (x->global == e.global && (e.global || x->asid == e.asid)));
            }
        };
        for (unsigned p = 0; p < t()->nports; p++) { scan(t()->utlb[p].c); scan(t()->main[p].c); }
        scan(t()->tcu.c);
        return n;
    }
    smmu_wc_ctx_t ctx(uint8_t sw, uint16_t vmid, uint16_t asid, unsigned g = 12, smmu_cost_t *cost = nullptr,
                      bool peek = false) {
        smmu_wc_ctx_t c;
        smmu_wc_bind(smmu, &c, sw, vmid, asid, g, g, cost, peek);
        return c;
    }
    // A table descriptor read at level `dl` for `ia` (the entry resumes the walk at dl + 1).
    static smmu_wc_entry_t wce(unsigned dl, uint64_t table, unsigned g = 12) {
        smmu_wc_entry_t e{};
        e.level = (uint8_t)(dl + 1);
        e.ia_shift = (uint8_t)(g + (3 - dl) * (g - 3));
        e.table = table;
        return e;
    }
    unsigned wc_lines(unsigned stage, uint8_t sw, uint16_t vmid, uint16_t asid, unsigned dl, uint64_t ia) {
        unsigned n = 0;
        for (int st = 0; st < 2; st++)
            for (int l = 0; l < 4; l++) {
                smmu_cache_t *c = t()->wc[st][l];
                if (!c) continue;
                for (smmu_cache_iter_t it = {}; smmu_cache_next(c, &it);) {
                    auto *x = static_cast<const smmu_wc_line_t *>(it.entry);
                    n += x->stage == stage && x->sw == sw && x->vmid == vmid && (stage == 2 || x->asid == asid) &&
                         x->e.level == dl + 1 && x->prefix == ia >> x->e.ia_shift;
                }
            }
        return n;
    }
};

TEST_F(Tlb, FillLookupPromoteAndLatency) {
    create();
    auto e = mk(SMMU_SW_NSEL1, SMMU_TLB_S1, 1, 7, false, 0x12345000, K4, 3, 12, 0x880000000);
    smmu_tlb_fill(smmu, 0, &e);
    EXPECT_EQ(copies(e), 3u);   // port 0 micro + main, TCU

    struct Step { unsigned port; uint64_t ia; smmu_source_t where; uint32_t cycles; } steps[] = {
        {0, 0x12345678, SMMU_SRC_UTLB, 1},
        {1, 0x12345000, SMMU_SRC_TCU_TLB, 1 + 3 + 5},   // port 1 misses its TBU, hits the TCU, is promoted
        {1, 0x12345FFF, SMMU_SRC_UTLB, 1},
        {0, 0x12346000, SMMU_SRC_NONE, 1 + 3 + 5},
    };
    for (auto &s : steps) {
        smmu_source_t where = SMMU_SRC_WALK;
        smmu_cost_t cost{};
        auto k = key_of(e, s.ia);
        const smmu_tlb_entry_t *hit = smmu_tlb_lookup(smmu, s.port, &k, &where, &cost, false);
        EXPECT_EQ(where, s.where) << std::hex << s.ia;
        EXPECT_EQ(cost.cycles, s.cycles) << std::hex << s.ia;
        if (s.where != SMMU_SRC_NONE) {
            ASSERT_NE(hit, nullptr);
            EXPECT_EQ(smmu_tlb_out(hit, s.ia), 0x880000000 + (s.ia & 0xFFF));
        } else {
            EXPECT_EQ(hit, nullptr);
        }
    }
    EXPECT_EQ(copies(e), 5u);   // plus port 1 micro + main

    // Push e out of port 0's 16-entry micro-TLB: the next lookup hits the main TLB and refills the micro-TLB.
    for (uint64_t i = 1; i <= 16; i++) {
        auto o = mk(SMMU_SW_NSEL1, SMMU_TLB_S1, 1, 7, false, 0x12345000 + (i << 12), K4, 3, 12, 0);
        smmu_tlb_fill(smmu, 0, &o);
    }
    smmu_source_t where;
    smmu_cost_t cost{};
    auto k = key_of(e, 0x12345000);
    ASSERT_NE(smmu_tlb_lookup(smmu, 0, &k, &where, &cost, false), nullptr);
    EXPECT_EQ(where, SMMU_SRC_MAIN_TLB);
    EXPECT_EQ(cost.cycles, 4u);
    cost = {};
    ASSERT_NE(smmu_tlb_lookup(smmu, 0, &k, &where, &cost, false), nullptr);
    EXPECT_EQ(where, SMMU_SRC_UTLB);
    EXPECT_EQ(cost.cycles, 1u);
}

TEST_F(Tlb, PeekChangesNothing) {
    create();
    auto e = mk(SMMU_SW_NSEL1, SMMU_TLB_S1, 1, 7, false, 0x5000, K4, 3, 12, 0x9000);
    smmu_tlb_fill(smmu, 0, &e);
    smmu_cache_stats_t before[3], after[3];
    smmu_struct_id_t ids[3] = {SMMU_STRUCT_UTLB, SMMU_STRUCT_MAIN_TLB, SMMU_STRUCT_TCU_TLB};
    for (int i = 0; i < 3; i++) ASSERT_TRUE(smmu_cache_stats(smmu, ids[i], -1, -1, &before[i]));
    smmu_source_t where;
    smmu_cost_t cost{};
    auto k = key_of(e, 0x5000);
    EXPECT_NE(smmu_tlb_lookup(smmu, 1, &k, &where, &cost, true), nullptr);
    EXPECT_EQ(where, SMMU_SRC_TCU_TLB);
    k.ia = 0x6000;
    EXPECT_EQ(smmu_tlb_lookup(smmu, 0, &k, &where, &cost, true), nullptr);
    for (int i = 0; i < 3; i++) {
        ASSERT_TRUE(smmu_cache_stats(smmu, ids[i], -1, -1, &after[i]));
        EXPECT_EQ(memcmp(&before[i], &after[i], sizeof after[i]), 0) << i;
    }
    EXPECT_EQ(copies(e), 3u);   // no promotion into port 1
}

// Block and contiguous entries in a set-associative TLB cover their whole span at any lookup address.
TEST_F(Tlb, BlocksCoverTheirWholeRange) {
    cfg.utlb.entries = 0;        // main TLB only
    cfg.tcu_tlb.entries = 0;
    create();
    struct { uint64_t ia; unsigned size; uint64_t oa; } maps[] = {
        {0x40000000, M2, 0x80000000}, {0xC0000000, G1, 0x100000000}, {0x50000000, K64, 0x60000000},
        {0x40200000, K4, 0x7000},
    };
    for (auto &m : maps) {
        auto e = mk(SMMU_SW_NSEL1, SMMU_TLB_S1, 0, 1, false, m.ia, m.size, 2, 12, m.oa);
        smmu_tlb_fill(smmu, 0, &e);
    }
    struct { uint64_t ia; bool hit; uint64_t pa; } probes[] = {
        {0x40000000, true, 0x80000000}, {0x401FFFFF, true, 0x801FFFFF}, {0x40123456, true, 0x80123456},
        {0x40200123, true, 0x7123}, {0x40201000, false, 0}, {0x3FFFFFFF, false, 0},
        {0xC0000000, true, 0x100000000}, {0xFFFFFFFF, true, 0x13FFFFFFF}, {0xDEAD0000, true, 0x11EAD0000},
        {0x5000F000, true, 0x6000F000}, {0x50010000, false, 0},
    };
    for (auto &p : probes) {
        smmu_tlb_key_t k{};
        k.sw = SMMU_SW_NSEL1;
        k.kind = SMMU_TLB_S1;
        k.asid = 1;
        k.ia = p.ia;
        smmu_source_t where;
        smmu_cost_t cost{};
        const smmu_tlb_entry_t *e = smmu_tlb_lookup(smmu, 0, &k, &where, &cost, false);
        EXPECT_EQ(e != nullptr, p.hit) << std::hex << p.ia;
        if (e && p.hit) {
            EXPECT_EQ(smmu_tlb_out(e, p.ia), p.pa) << std::hex << p.ia;
            EXPECT_EQ(where, SMMU_SRC_MAIN_TLB);
        }
        EXPECT_EQ(cost.cycles, 3u);
    }
    smmu_cache_stats_t st;
    ASSERT_TRUE(smmu_cache_stats(smmu, SMMU_STRUCT_MAIN_TLB, 0, -1, &st));
    EXPECT_EQ(st.lookups, 11u);
    EXPECT_EQ(st.hits, 8u);
    EXPECT_EQ(st.misses, 3u);
    EXPECT_EQ(st.fills, 4u);
}

TEST_F(Tlb, TagIsolation) {
    create();
    auto ng = mk(SMMU_SW_NSEL1, SMMU_TLB_S1, 1, 5, false, 0x10000000, K4, 3, 12, 0xA000);
    auto gl = mk(SMMU_SW_NSEL1, SMMU_TLB_S1, 1, 0, true, 0x20000000, K4, 3, 12, 0xB000);
    auto el2 = mk(SMMU_SW_EL2, SMMU_TLB_S1, 0, 0, false, 0x30000000, K4, 3, 12, 0xC000);
    auto s2 = mk(SMMU_SW_NSEL1, SMMU_TLB_S2, 1, 0, false, 0x10000000, K4, 3, 12, 0xD000);
    for (auto *e : {&ng, &gl, &el2, &s2}) smmu_tlb_fill(smmu, 0, e);
    struct { uint8_t sw, kind; uint16_t vmid, asid; bool aset; uint64_t ia; uint64_t pa; } probes[] = {
        {SMMU_SW_NSEL1, SMMU_TLB_S1, 1, 5, false, 0x10000000, 0xA000},
        {SMMU_SW_NSEL1, SMMU_TLB_S1, 1, 6, false, 0x10000000, 0},        // other ASID
        {SMMU_SW_NSEL1, SMMU_TLB_S1, 2, 5, false, 0x10000000, 0},        // other VMID
        {SMMU_SW_EL2_E2H, SMMU_TLB_S1, 1, 5, false, 0x10000000, 0},      // other StreamWorld
        {SMMU_SW_NSEL1, SMMU_TLB_NESTED, 1, 5, false, 0x10000000, 0},    // other stage kind
        {SMMU_SW_NSEL1, SMMU_TLB_S1, 1, 99, false, 0x20000000, 0xB000},  // global: any ASID
        {SMMU_SW_NSEL1, SMMU_TLB_S1, 1, 99, true, 0x20000000, 0},        // ... but not another ASET
        {SMMU_SW_NSEL1, SMMU_TLB_S1, 3, 99, false, 0x20000000, 0},       // ... nor another VMID
        {SMMU_SW_EL2, SMMU_TLB_S1, 0, 42, false, 0x30000000, 0xC000},    // EL2: no ASID tag
        {SMMU_SW_EL2, SMMU_TLB_S1, 9, 0, false, 0x30000000, 0xC000},     // EL2: no VMID tag
        {SMMU_SW_NSEL1, SMMU_TLB_S1, 0, 0, false, 0x30000000, 0},
        {SMMU_SW_NSEL1, SMMU_TLB_S2, 1, 77, false, 0x10000000, 0xD000},  // stage 2: no ASID
        {SMMU_SW_NSEL1, SMMU_TLB_S2, 2, 0, false, 0x10000000, 0},
    };
    for (auto &p : probes) {
        smmu_tlb_key_t k{p.sw, p.kind, p.aset, p.vmid, p.asid, p.ia};
        smmu_source_t where;
        const smmu_tlb_entry_t *e = smmu_tlb_lookup(smmu, 0, &k, &where, nullptr, true);
        EXPECT_EQ(e ? smmu_tlb_out(e, p.ia) : 0, p.pa)
            << "sw " << int(p.sw) << " kind " << int(p.kind) << " vmid " << p.vmid << " asid " << p.asid;
    }
}

TEST_F(Tlb, WalkCacheDeepestMatch) {
    create();
    smmu_cost_t cost{};
    auto c = ctx(SMMU_SW_NSEL1, 1, 1, 12, &cost);
    smmu_wc_fill(&c, 1, 0x10000000, &(const smmu_wc_entry_t &)wce(0, 0xA000));
    smmu_wc_fill(&c, 1, 0x10000000, &(const smmu_wc_entry_t &)wce(1, 0xB000));
    smmu_wc_fill(&c, 1, 0x10000000, &(const smmu_wc_entry_t &)wce(2, 0xC000));
    struct { uint64_t ia; bool hit; unsigned level; uint64_t table; } probes[] = {
        {0x10000000, true, 3, 0xC000}, {0x101FF000, true, 3, 0xC000}, {0x10200000, true, 2, 0xB000},
        {0x3FFFF000, true, 2, 0xB000}, {0x40000000, true, 1, 0xA000}, {0x7FFFFFF000, true, 1, 0xA000},
        {0x8000000000, false, 0, 0},
    };
    for (auto &p : probes) {
        smmu_wc_entry_t out{};
        cost = {};
        EXPECT_EQ(smmu_wc_lookup(&c, 1, p.ia, &out), p.hit) << std::hex << p.ia;
        EXPECT_EQ(cost.cycles, 2u);
        if (p.hit) {
            EXPECT_EQ(out.level, p.level) << std::hex << p.ia;
            EXPECT_EQ(out.table, p.table) << std::hex << p.ia;
        }
    }
    smmu_wc_entry_t out;
    auto other_asid = ctx(SMMU_SW_NSEL1, 1, 2);
    auto other_vmid = ctx(SMMU_SW_NSEL1, 2, 1);
    auto other_granule = ctx(SMMU_SW_NSEL1, 1, 1, 16);
    EXPECT_FALSE(smmu_wc_lookup(&other_asid, 1, 0x10000000, &out));
    EXPECT_FALSE(smmu_wc_lookup(&other_vmid, 1, 0x10000000, &out));
    EXPECT_FALSE(smmu_wc_lookup(&other_granule, 1, 0x10000000, &out));
    EXPECT_FALSE(smmu_wc_lookup(&c, 2, 0x10000000, &out));   // stage 2 is a separate cache
    // Per level: level-2 descriptors hit for 2 probes, level-1 for 2 (after a level-2 miss each), level-0 for 2.
    smmu_cache_stats_t st;
    ASSERT_TRUE(smmu_cache_stats(smmu, SMMU_STRUCT_WALK_S1, -1, 2, &st));
    EXPECT_EQ(st.hits, 2u);
    EXPECT_EQ(st.fills, 1u);
    ASSERT_TRUE(smmu_cache_stats(smmu, SMMU_STRUCT_WALK_S1, -1, 1, &st));
    EXPECT_EQ(st.hits, 2u);
    ASSERT_TRUE(smmu_cache_stats(smmu, SMMU_STRUCT_WALK_S1, -1, 0, &st));
    EXPECT_EQ(st.hits, 2u);
    EXPECT_EQ(st.misses, 4u);    // 0x8000000000 and the three other-tag probes reach level 0 and miss
    ASSERT_TRUE(smmu_cache_stats(smmu, SMMU_STRUCT_WALK_S1, -1, -1, &st));
    EXPECT_EQ(st.hits, 6u);
    EXPECT_EQ(st.fills, 3u);
}

TEST_F(Tlb, UnifiedWalkCache) {
    cfg.walk_cache_unified = true;
    create();
    auto c = ctx(SMMU_SW_NSEL1, 1, 1);
    smmu_wc_fill(&c, 1, 0x10000000, &(const smmu_wc_entry_t &)wce(1, 0xB000));
    smmu_wc_fill(&c, 2, 0x10000000, &(const smmu_wc_entry_t &)wce(2, 0xE000));
    smmu_wc_entry_t out{};
    ASSERT_TRUE(smmu_wc_lookup(&c, 1, 0x10000000, &out));
    EXPECT_EQ(out.table, 0xB000u);
    ASSERT_TRUE(smmu_wc_lookup(&c, 2, 0x10000000, &out));
    EXPECT_EQ(out.table, 0xE000u);
    EXPECT_FALSE(smmu_wc_lookup(&c, 2, 0x10200000, &out));
    smmu_cache_stats_t st;
    ASSERT_TRUE(smmu_cache_stats(smmu, SMMU_STRUCT_WALK_S1, -1, -1, &st));
    EXPECT_EQ(st.lookups, 3u);
    EXPECT_EQ(st.hits, 2u);
    EXPECT_EQ(st.fills, 2u);
    EXPECT_FALSE(smmu_cache_stats(smmu, SMMU_STRUCT_WALK_S2, -1, -1, &st));
    smmu_tlbi_t op{};
    op.opcode = 0x2A;   // S2_IPA Leaf=0: the stage-2 line only
    op.vmid = 1;
    op.addr = 0x10000000;
    EXPECT_EQ(smmu_tlb_invalidate(smmu, &op), 1u);
    EXPECT_FALSE(smmu_wc_lookup(&c, 2, 0x10000000, &out));
    EXPECT_TRUE(smmu_wc_lookup(&c, 1, 0x10000000, &out));
}

// ---- Invalidation: a fixed population, one command, exactly the covered entries go.
struct Pop {
    std::map<std::string, smmu_tlb_entry_t> tlb;
    struct Wc { unsigned stage; uint8_t sw; uint16_t vmid, asid; unsigned dl; uint64_t ia; };
    std::map<std::string, Wc> wc;
};

Pop population() {
    Pop p;
    const uint8_t NS = SMMU_SW_NSEL1, EL2 = SMMU_SW_EL2, E2H = SMMU_SW_EL2_E2H;
    const uint8_t S1 = SMMU_TLB_S1, S2 = SMMU_TLB_S2, N = SMMU_TLB_NESTED;
    p.tlb["a"] = mk(NS, S1, 1, 1, false, 0x10000000, K4, 3, 12, 0x1000);    // VMID 1 ASID 1 page
    p.tlb["b"] = mk(NS, S1, 1, 2, false, 0x10000000, K4, 3, 12, 0x2000);    // ASID 2
    p.tlb["c"] = mk(NS, S1, 1, 0, true, 0x10001000, K4, 3, 12, 0x3000);     // global, next page
    p.tlb["d"] = mk(NS, S1, 2, 1, false, 0x10000000, K4, 3, 12, 0x4000);    // VMID 2
    p.tlb["e"] = mk(NS, S1, 1, 1, false, 0x20000000, M2, 2, 12, 0x200000);  // 2MB block, level 2
    p.tlb["f"] = mk(NS, N, 1, 1, false, 0x30000000, K4, 3, 12, 0x5000);     // nested combined
    p.tlb["f"].ipa = 0x10000000;
    p.tlb["f"].s2_level = 3;
    p.tlb["f"].s2_granule_log2 = 12;
    p.tlb["g"] = mk(NS, S2, 1, 0, false, 0x10000000, K4, 3, 12, 0x6000);    // stage 2 VMID 1
    p.tlb["h"] = mk(NS, S2, 2, 0, false, 0x10000000, K4, 3, 12, 0x7000);    // stage 2 VMID 2
    p.tlb["i"] = mk(NS, S2, 1, 0, false, 0x20000000, M2, 2, 12, 0x400000);  // stage 2 block
    p.tlb["j"] = mk(EL2, S1, 0, 0, false, 0x10000000, K4, 3, 12, 0x8000);   // EL2
    p.tlb["k"] = mk(E2H, S1, 0, 1, false, 0x10000000, K4, 3, 12, 0x9000);   // EL2-E2H ASID 1
    p.tlb["l"] = mk(E2H, S1, 0, 0, true, 0x10001000, K4, 3, 12, 0xA000);    // EL2-E2H global
    p.tlb["n"] = mk(NS, N, 1, 1, false, 0x60100000, K4, 2, 12, 0xB000);    // nested piece of a 2MB stage-1 block
    p.tlb["n"].s1_size_log2 = M2;
    p.tlb["n"].s2_level = 3;
    p.tlb["m"] = mk(NS, S1, 1, 1, false, 0x40000000, K64, 3, 16, 0x10000);  // 64K granule page
    p.wc["W1"] = {1, NS, 1, 1, 1, 0x10000000};    // stage 1, level-1 table descriptor (1GB span)
    p.wc["W2"] = {1, NS, 1, 1, 2, 0x10000000};    // stage 1, level-2 table descriptor (2MB span)
    p.wc["W3"] = {1, NS, 1, 2, 2, 0x10000000};    // ASID 2
    p.wc["W4"] = {2, NS, 1, 0, 2, 0x10000000};    // stage 2 VMID 1
    p.wc["W5"] = {2, NS, 2, 0, 2, 0x10000000};    // stage 2 VMID 2
    p.wc["W6"] = {1, EL2, 0, 0, 2, 0x10000000};   // EL2
    return p;
}

struct TlbiCase {
    const char *what;
    smmu_tlbi_t op;
    uint32_t cr2;                        // SMMU_CR2 (E2H)
    std::set<std::string> gone;
};

smmu_tlbi_t op(uint8_t opc, uint16_t vmid = 0, uint16_t asid = 0, uint64_t addr = 0, bool leaf = false,
               uint8_t tg = 0, uint8_t ttl = 0, uint8_t scale = 0, uint8_t num = 0) {
    smmu_tlbi_t t{};
    t.opcode = opc;
    t.vmid = vmid;
    t.asid = asid;
    t.addr = addr;
    t.leaf = leaf;
    t.tg = tg;
    t.ttl = ttl;
    t.scale = scale;
    t.num = num;
    return t;
}

const TlbiCase kTlbiCases[] = {
    {"NH_ALL vmid1", op(0x10, 1), 0, {"a", "b", "c", "e", "f", "m", "n", "W1", "W2", "W3"}},
    {"NH_ALL vmid3", op(0x10, 3), 0, {}},
    {"NH_ASID vmid1 asid1", op(0x11, 1, 1), 0, {"a", "e", "f", "m", "n", "W1", "W2"}},
    {"NH_ASID vmid2 asid2", op(0x11, 2, 2), 0, {}},
    {"NH_VA asid1 page a", op(0x12, 1, 1, 0x10000000), 0, {"a", "W1", "W2"}},
    {"NH_VA asid1 offset in page a", op(0x12, 1, 1, 0x10000000), 0, {"a", "W1", "W2"}},
    {"NH_VA asid1 global page c", op(0x12, 1, 1, 0x10001000), 0, {"c", "W1", "W2"}},
    {"NH_VA asid1 leaf", op(0x12, 1, 1, 0x10000000, true), 0, {"a"}},
    {"NH_VA inside 2MB block", op(0x12, 1, 1, 0x20123000, true), 0, {"e"}},
    {"NH_VA asid2 other VA", op(0x12, 1, 2, 0x50000000), 0, {}},
    {"NH_VA range 2 pages", op(0x12, 1, 1, 0x10000000, true, 1, 0, 0, 1), 0, {"a", "c"}},
    {"NH_VA range TTL3 skips L2 block", op(0x12, 1, 1, 0x20100000, true, 1, 3, 0, 1), 0, {}},
    {"NH_VA range TTL2 partial block", op(0x12, 1, 1, 0x20100000, true, 1, 2, 0, 0), 0, {"e"}},
    {"NH_VA range no TTL partial block", op(0x12, 1, 1, 0x201FF000, true, 1, 0, 0, 1), 0, {"e"}},
    {"NH_VA range 64K granule", op(0x12, 1, 1, 0x40000000, true, 3, 0, 0, 1), 0, {"m"}},
    {"NH_VA range 4K granule misses 64K", op(0x12, 1, 1, 0x40000000, true, 1, 0, 4, 0), 0, {}},
    {"NH_VA range TTL2 leaf=0 tables above L2", op(0x12, 1, 1, 0x10000000, false, 1, 2, 0, 0), 0, {"W1"}},
    {"NH_VA range TTL3 leaf=0", op(0x12, 1, 1, 0x10000000, false, 1, 3, 0, 0), 0, {"a", "W1", "W2"}},
    {"NH_VA range scale covers 1GB", op(0x12, 1, 1, 0x0, true, 1, 0, 18, 0), 0, {"a", "c", "e", "f"}},
    {"NH_VAA", op(0x13, 1, 0, 0x10000000), 0, {"a", "b", "W1", "W2", "W3"}},
    {"NH_VAA leaf", op(0x13, 1, 0, 0x10000000, true), 0, {"a", "b"}},
    {"NH_VAA nested VA", op(0x13, 1, 0, 0x30000000, true), 0, {"f"}},
    {"NH_VA other page of a splintered block", op(0x12, 1, 1, 0x60000000, true), 0, {"n"}},
    {"NH_VA range TTL3 misses a level-2 block piece", op(0x12, 1, 1, 0x60000000, true, 1, 3, 0, 0), 0, {}},
    {"NH_VA past the splintered block", op(0x12, 1, 1, 0x60200000, true), 0, {}},
    {"EL3_ALL", op(0x18), 0, {}},
    {"EL3_VA", op(0x1A, 0, 0, 0x10000000), 0, {}},
    {"EL2_ALL", op(0x20), 0, {"j", "k", "l", "W6"}},
    {"EL2_ASID asid1", op(0x21, 0, 1), 0, {"k"}},
    {"EL2_VA E2H=0", op(0x22, 0, 1, 0x10000000), 0, {"j", "W6"}},
    {"EL2_VA E2H=1 asid1", op(0x22, 0, 1, 0x10000000), 1, {"k"}},
    {"EL2_VA E2H=1 global", op(0x22, 0, 5, 0x10001000), 1, {"l"}},
    {"EL2_VAA E2H=0 leaf", op(0x23, 0, 0, 0x10000000, true), 0, {"j"}},
    {"EL2_VAA E2H=1", op(0x23, 0, 0, 0x10000000), 1, {"k"}},
    {"S12_VMALL vmid1", op(0x28, 1), 0, {"a", "b", "c", "e", "f", "g", "i", "m", "n", "W1", "W2", "W3", "W4"}},
    {"S12_VMALL vmid2", op(0x28, 2), 0, {"d", "h", "W5"}},
    {"S2_IPA vmid1", op(0x2A, 1, 0, 0x10000000), 0, {"g", "W4"}},
    {"S2_IPA vmid1 leaf", op(0x2A, 1, 0, 0x10000000, true), 0, {"g"}},
    {"S2_IPA in block", op(0x2A, 1, 0, 0x20080000, true), 0, {"i"}},
    {"S2_IPA range TTL2", op(0x2A, 1, 0, 0x20000000, true, 1, 2, 0, 0), 0, {"i"}},
    {"S2_IPA range TTL3", op(0x2A, 1, 0, 0x20000000, true, 1, 3, 0, 0), 0, {}},
    {"S2_IPA vmid3", op(0x2A, 3, 0, 0x10000000), 0, {}},
    {"NSNH_ALL", op(0x30), 0,
     {"a", "b", "c", "d", "e", "f", "g", "h", "i", "m", "n", "W1", "W2", "W3", "W4", "W5"}},
};

TEST_F(Tlb, EveryCommandInvalidatesExactlyItsScope) {
    create();
    for (const TlbiCase &tc : kTlbiCases) {
        smmu_tlb_invalidate_all(smmu);
        Pop p = population();
        for (auto &[n, e] : p.tlb) smmu_tlb_fill(smmu, 0, &e);
        for (auto &[n, w] : p.wc) {
            auto c = ctx(w.sw, w.vmid, w.asid);
            smmu_wc_entry_t e = wce(w.dl, 0x100000 + w.dl * 0x1000);
            smmu_wc_fill(&c, w.stage, w.ia, &e);
        }
        for (auto &[n, e] : p.tlb) ASSERT_EQ(copies(e), 3u) << tc.what << ": " << n << " before";
        for (auto &[n, w] : p.wc) ASSERT_EQ(wc_lines(w.stage, w.sw, w.vmid, w.asid, w.dl, w.ia), 1u) << n;
        smmu->cr2 = tc.cr2;
        uint64_t want = 0;
        for (auto &g : tc.gone) want += p.tlb.count(g) ? 3 : 1;
        EXPECT_EQ(smmu_tlb_invalidate(smmu, &tc.op), want) << tc.what;
        for (auto &[n, e] : p.tlb)
            EXPECT_EQ(copies(e), tc.gone.count(n) ? 0u : 3u) << tc.what << ": entry " << n;
        for (auto &[n, w] : p.wc)
            EXPECT_EQ(wc_lines(w.stage, w.sw, w.vmid, w.asid, w.dl, w.ia), tc.gone.count(n) ? 0u : 1u)
                << tc.what << ": walk-cache line " << n;
    }
}

TEST_F(Tlb, VmidWildcard) {
    create();
    struct { unsigned vmw; uint16_t vmid; std::set<uint16_t> gone; } cases[] = {
        {0, 4, {4}}, {1, 4, {4, 5}}, {2, 5, {4, 5, 6, 7}}, {3, 0, {0, 1, 2, 3, 4, 5, 6, 7}}, {7, 4, {4}},
    };
    for (auto &c : cases) {
        smmu_tlb_invalidate_all(smmu);
        for (uint16_t v = 0; v < 10; v++) {
            auto e = mk(SMMU_SW_NSEL1, SMMU_TLB_S2, v, 0, false, 0x10000000, K4, 3, 12, 0);
            smmu_tlb_fill(smmu, 0, &e);
        }
        smmu->cr0 = c.vmw << CR0_VMW_SHIFT;
        auto o = op(0x28, c.vmid);
        EXPECT_EQ(smmu_tlb_invalidate(smmu, &o), 3 * c.gone.size()) << "VMW " << c.vmw;
        for (uint16_t v = 0; v < 10; v++) {
            auto e = mk(SMMU_SW_NSEL1, SMMU_TLB_S2, v, 0, false, 0x10000000, K4, 3, 12, 0);
            EXPECT_EQ(copies(e), c.gone.count(v) ? 0u : 3u) << "VMW " << c.vmw << " vmid " << v;
        }
    }
    smmu->cr0 = 0;
}

TEST_F(Tlb, StatsPerStructurePortAndLevel) {
    cfg.tcu_tlb.entries = 0;
    create();
    auto e = mk(SMMU_SW_NSEL1, SMMU_TLB_S1, 1, 1, false, 0x1000, K4, 3, 12, 0);
    smmu_tlb_fill(smmu, 0, &e);
    smmu_tlb_fill(smmu, 1, &e);
    auto k = key_of(e, 0x1000);
    smmu_source_t where;
    smmu_tlb_lookup(smmu, 0, &k, &where, nullptr, false);
    k.ia = 0x2000;
    smmu_tlb_lookup(smmu, 1, &k, &where, nullptr, false);
    auto inv = op(0x10, 1);
    EXPECT_EQ(smmu_tlb_invalidate(smmu, &inv), 4u);
    smmu_cache_stats_t st;
    ASSERT_TRUE(smmu_cache_stats(smmu, SMMU_STRUCT_UTLB, 0, -1, &st));
    EXPECT_EQ(st.lookups, 1u);
    EXPECT_EQ(st.hits, 1u);
    EXPECT_EQ(st.fills, 1u);
    EXPECT_EQ(st.invalidations, 1u);
    ASSERT_TRUE(smmu_cache_stats(smmu, SMMU_STRUCT_UTLB, 1, -1, &st));
    EXPECT_EQ(st.misses, 1u);
    ASSERT_TRUE(smmu_cache_stats(smmu, SMMU_STRUCT_UTLB, -1, -1, &st));
    EXPECT_EQ(st.lookups, 2u);
    EXPECT_EQ(st.fills, 2u);
    EXPECT_EQ(st.invalidations, 2u);
    ASSERT_TRUE(smmu_cache_stats(smmu, SMMU_STRUCT_MAIN_TLB, -1, -1, &st));
    EXPECT_EQ(st.lookups, 1u);    // only port 1 reached its main TLB
    EXPECT_EQ(st.misses, 1u);
    EXPECT_EQ(st.invalidations, 2u);
    EXPECT_FALSE(smmu_cache_stats(smmu, SMMU_STRUCT_TCU_TLB, -1, -1, &st));
    EXPECT_FALSE(smmu_cache_stats(smmu, SMMU_STRUCT_UTLB, 2, -1, &st));
    EXPECT_FALSE(smmu_cache_stats(smmu, SMMU_STRUCT_WALK_S1, -1, 4, &st));
    EXPECT_TRUE(smmu_cache_stats(smmu, SMMU_STRUCT_WALK_S2, -1, 3, &st));
    EXPECT_EQ(smmu_tlb_structures(smmu), 2u * 2u + 8u);
}

// End to end: TLBI commands through the command queue reach the TLBs with their fields decoded.
TEST_F(Tlb, CommandsThroughTheQueue) {
    bringup();
    Pop p = population();
    struct { const char *what; std::array<uint64_t, 2> cmd; std::set<std::string> gone; } cases[] = {
        {"NH_VA asid1 leaf", {0x12 | 1ull << 32 | 1ull << 48, 0x10000000 | 1}, {"a"}},
        {"NH_VA range TTL2", {0x12 | 1ull << 32 | 1ull << 48, 0x20100000 | 1 | 2u << 8 | 1u << 10}, {"e"}},
        {"NH_ASID", {0x11 | 1ull << 32 | 2ull << 48, 0}, {"b"}},
        {"S2_IPA", {0x2A | 2ull << 32, 0x10000000 | 1}, {"h"}},
        {"S12_VMALL", {0x28 | 2ull << 32, 0}, {"d", "h"}},
        {"EL2_ALL", {0x20, 0}, {"j", "k", "l"}},
    };
    for (auto &c : cases) {
        smmu_tlb_invalidate_all(smmu);
        for (auto &[n, e] : p.tlb) smmu_tlb_fill(smmu, 0, &e);
        submit({c.cmd});
        sync();
        EXPECT_EQ(r32(0x60) & 0x7F000000u, 0u) << c.what;   // CMDQ_CONS.ERR
        for (auto &[n, e] : p.tlb) EXPECT_EQ(copies(e), c.gone.count(n) ? 0u : 3u) << c.what << ": " << n;
    }
}

// 4.4.1.1: with IDR5.DS == 0, a 16K TLBI with TTL == 0b01 and NUM or SCALE non-zero is a legal range invalidation
// whose TTL acts as 0b00 (leaves at any level); TG still limits it to 16K-granule entries.
TEST_F(Tlb, SixteenKTtlOneRangeIsLegalAndHintsNoLevel) {
    bringup();
    const auto page = mk(SMMU_SW_NSEL1, SMMU_TLB_S1, 1, 1, false, 0x40004000, 14, 3, 14, 0x80004000);
    const auto block = mk(SMMU_SW_NSEL1, SMMU_TLB_S1, 1, 1, false, 0x42000000, 25, 2, 14, 0x82000000);
    const auto other = mk(SMMU_SW_NSEL1, SMMU_TLB_S1, 1, 1, false, 0x40008000, 12, 3, 12, 0x80008000);
    struct { const char *what; unsigned num, scale; } cases[] = {
        {"SCALE 12", 0, 12},          // 4096 x 16K from 0x40004000 covers the page and the 32M block
        {"NUM 31 SCALE 7", 31, 7},    // 32 x 128 x 16K: the same 64M
    };
    for (auto &c : cases) {
        smmu_tlb_invalidate_all(smmu);
        for (auto *e : {&page, &block, &other}) smmu_tlb_fill(smmu, 0, e);
        submit({{0x12 | 1ull << 32 | 1ull << 48 | (uint64_t)c.num << 12 | (uint64_t)c.scale << 20,
                 0x40004000 | 1 | 1u << 8 | 2u << 10}});              // Leaf, TTL 0b01, TG 16K
        sync();
        EXPECT_EQ(r32(0x9C) & 0x7F000000u, 0u) << c.what << ": CMDQ_CONS.ERR";
        EXPECT_EQ(r32(0x60), 0u) << c.what << ": no GERROR.CMDQ_ERR";
        EXPECT_EQ(copies(page), 0u) << c.what << ": level-3 page";
        EXPECT_EQ(copies(block), 0u) << c.what << ": level-2 block";
        EXPECT_EQ(copies(other), 3u) << c.what << ": a 4K-granule entry is outside TG";
    }
}

}  // namespace
