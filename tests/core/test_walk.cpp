// SPDX-License-Identifier: BSD-3-Clause
// White-box tests of the one-stage walker (walk.h): regimes, descriptors, faults, permissions, HTTU, walk-cache hooks.
#include "walk_util.h"

#include <algorithm>
#include <map>

namespace {

constexpr uint64_t AF = 1ull << 10, NG = 1ull << 11, DBM = 1ull << 51, CONT = 1ull << 52;
constexpr uint64_t PXN = 1ull << 53, UXN = 1ull << 54;
constexpr uint64_t SH_ISH = 3ull << 8;
uint64_t ap(unsigned v) { return (uint64_t)v << 6; }              // AP[2:1] / S2AP[1:0]
uint64_t aptable(unsigned v) { return (uint64_t)v << 61; }
constexpr uint64_t UXNTABLE = 1ull << 60, PXNTABLE = 1ull << 59;
constexpr uint8_t RP = SMMU_PERM_RP, WP = SMMU_PERM_WP, XP = SMMU_PERM_XP, RU = SMMU_PERM_RU, WU = SMMU_PERM_WU,
                  XU = SMMU_PERM_XU;

// Builds translation tables for one regime in a wt::Core's memory.
struct Tables {
    wt::Core &c;
    smmu_stage_cfg_t cfg;
    uint64_t next;
    Tables(wt::Core &core, const smmu_stage_cfg_t &k, uint64_t pool = 0x40000000) : c(core), cfg(k), next(pool) {
        unsigned top = cfg.ias - smmu_level_shift(cfg.granule, cfg.start_level);
        cfg.ttb = alloc(8ull << top);
    }
    uint64_t alloc(uint64_t size) {
        size = std::max<uint64_t>(size, 64);
        next = (next + size - 1) & ~(size - 1);
        uint64_t a = next;
        next += size;
        return a;
    }
    uint64_t entry(unsigned level, uint64_t table, uint64_t ia) const {
        unsigned shift = smmu_level_shift(cfg.granule, level);
        unsigned nbits = level == cfg.start_level ? cfg.ias - shift : cfg.granule - 3u;
        uint64_t mask = cfg.ias >= 64 ? ~0ull : (1ull << cfg.ias) - 1;
        return table + (((ia & mask) >> shift) & ((1ull << nbits) - 1)) * 8;
    }
    uint64_t table_of(uint64_t d) const { return d & 0x0000FFFFFFFFFFFFull & ~((1ull << cfg.granule) - 1); }
    // Address of the descriptor for ia at `level`, creating tables above it (table descriptors get extra bits).
    uint64_t slot(uint64_t ia, unsigned level, uint64_t table_bits = 0) {
        uint64_t t = cfg.ttb;
        for (unsigned l = cfg.start_level; l < level; l++) {
            uint64_t a = entry(l, t, ia);
            uint64_t d = c.mem.r64(a);
            if (!(d & 1)) d = alloc(1ull << cfg.granule) | 3;
            d |= table_bits;
            c.mem.w64(a, d);
            t = table_of(d);
        }
        return entry(level, t, ia);
    }
    uint64_t map(uint64_t ia, unsigned level, uint64_t oa, uint64_t attrs, uint64_t table_bits = 0) {
        uint64_t a = slot(ia, level, table_bits);
        c.mem.w64(a, oa | attrs | 1 | (level == 3 ? 2 : 0));
        return a;
    }
};

smmu_ste_t s1_ste(uint8_t strw = STE_STRW_NSEL1) {
    smmu_ste_t s{};
    s.valid = true;
    s.config = STE_CFG_S1;
    s.s1_enabled = true;
    s.strw = strw;
    return s;
}

// A CD for a TTB0 region of 64 - t0sz bits with granule TG0 (0 4K, 1 64K, 2 16K).
smmu_cd_t cd0(uint8_t t0sz, uint8_t tg0, uint8_t ips = 5) {
    smmu_cd_t cd{};
    cd.valid = cd.aa64 = true;
    cd.t0sz = t0sz;
    cd.tg0 = tg0;
    cd.t1sz = t0sz;
    cd.tg1 = tg0 == 0 ? 2 : tg0 == 1 ? 3 : 1;
    cd.ips = ips;
    cd.epd1 = true;
    cd.mair = 0x0000000000FF4404ull;   // Attr0 Device-nGnRE, Attr1 NC, Attr2 WB
    return cd;
}

struct Fixture : ::testing::Test {
    wt::Core core;
    smmu_walk_env_t env{};
    void make(uint8_t oas = 48, bool xnx = true) {
        core.cfg.oas_bits = oas;
        core.cfg.xnx = xnx;
        ASSERT_TRUE(core.create());
        env.smmu = core.smmu;
    }
    smmu_stage_cfg_t s1(const smmu_cd_t &cd, uint64_t va = 0, const smmu_ste_t &ste = s1_ste()) {
        smmu_stage_cfg_t k;
        smmu_walk_fault_t f;
        EXPECT_EQ(smmu_s1_cfg(core.smmu, &ste, &cd, va, &k, &f), 0);
        return k;
    }
    smmu_stage_cfg_t s2(uint8_t t0sz, uint8_t sl0, uint8_t tg, uint8_t ps = 5) {
        smmu_ste_t ste{};
        ste.valid = true;
        ste.config = STE_CFG_S2;
        ste.s2_enabled = ste.s2aa64 = true;
        ste.s2t0sz = t0sz;
        ste.s2sl0 = sl0;
        ste.s2tg = tg;
        ste.s2ps = ps;
        smmu_stage_cfg_t k;
        EXPECT_EQ(smmu_s2_cfg(core.smmu, &ste, &k), 0);
        return k;
    }
    int walk(const smmu_stage_cfg_t &k, uint64_t ia, unsigned acc, smmu_walk_out_t &o) {
        return smmu_walk(&env, &k, ia, acc, &o);
    }
};

// ---- Geometry: every granule x start level x stage, a page at level 3.
struct GeoCase { int stage; uint8_t tg; uint8_t t0sz; uint8_t sl0; uint8_t granule, start, concat; };

TEST_F(Fixture, EveryGranuleAndStartLevelWalksToAPage) {
    make(52);
    const GeoCase cases[] = {
        // stage 1: start level follows from TxSZ and the granule
        {1, 0, 16, 0, 12, 0, 1}, {1, 0, 25, 0, 12, 1, 1}, {1, 0, 34, 0, 12, 2, 1}, {1, 0, 39, 0, 12, 2, 1},
        {1, 2, 16, 0, 14, 0, 1}, {1, 2, 17, 0, 14, 1, 1}, {1, 2, 28, 0, 14, 2, 1}, {1, 2, 39, 0, 14, 3, 1},
        {1, 1, 16, 0, 16, 1, 1}, {1, 1, 22, 0, 16, 2, 1}, {1, 1, 35, 0, 16, 3, 1}, {1, 1, 39, 0, 16, 3, 1},
        // stage 2: start level from S2SL0 per granule, with concatenated start tables
        {2, 0, 16, 2, 12, 0, 1}, {2, 0, 24, 1, 12, 1, 2}, {2, 0, 25, 1, 12, 1, 1}, {2, 0, 30, 0, 12, 2, 16},
        {2, 0, 34, 0, 12, 2, 1}, {2, 0, 32, 1, 12, 1, 1} /* 4 entries at L1 */,
        {2, 2, 16, 3, 14, 0, 1}, {2, 2, 17, 2, 14, 1, 1}, {2, 2, 24, 1, 14, 2, 16}, {2, 2, 28, 1, 14, 2, 1},
        {2, 2, 32, 1, 14, 2, 1}, {2, 2, 39, 0, 14, 3, 1}, {2, 2, 36, 0, 14, 3, 8},
        {2, 1, 12, 2, 16, 1, 1}, {2, 1, 16, 2, 16, 1, 1}, {2, 1, 18, 1, 16, 2, 16}, {2, 1, 20, 1, 16, 2, 4}, {2, 1, 22, 1, 16, 2, 1},
        {2, 1, 35, 0, 16, 3, 1}, {2, 1, 32, 0, 16, 3, 8},
    };
    for (const auto &gc : cases) {
        SCOPED_TRACE(testing::Message() << "stage " << gc.stage << " tg " << +gc.tg << " t0sz " << +gc.t0sz << " sl0 " << +gc.sl0);
        core.mem.clear();
        smmu_stage_cfg_t k = gc.stage == 1 ? s1(cd0(gc.t0sz, gc.tg, 6)) : s2(gc.t0sz, gc.sl0, gc.tg, 6);
        EXPECT_EQ(k.granule, gc.granule);
        EXPECT_EQ(k.ias, 64 - gc.t0sz);
        EXPECT_EQ(k.start_level, gc.start);
        EXPECT_EQ(k.concat, gc.concat);
        Tables t(core, k);
        // The highest page of the input range exercises the top index bits (and the last concatenated table).
        uint64_t ia = ((1ull << k.ias) - 1) & ~0xFFFull & ~((1ull << k.granule) - 1);
        uint64_t oa = 0x0000123456780000ull & ~((1ull << k.granule) - 1);
        uint64_t leaf = gc.stage == 1 ? AF | SH_ISH : AF | SH_ISH | ap(3) | (0xFull << 2);
        uint64_t daddr = t.map(ia, 3, oa, leaf);
        smmu_walk_out_t o;
        ASSERT_EQ(walk(t.cfg, ia | 0x5A8, SMMU_ACC_PRIV, o), 0) << "fault " << +o.fault.id << " level " << +o.fault.level;
        EXPECT_EQ(o.oa, oa | 0x5A8);
        EXPECT_EQ(o.level, 3);
        EXPECT_EQ(o.size_log2, gc.granule);
        EXPECT_EQ(o.desc_addr, daddr);
        EXPECT_EQ(o.cost.reads, 4u - gc.start);
        EXPECT_EQ(o.cost.writes, 0u);
        EXPECT_EQ(o.sh, 3);
        EXPECT_EQ(o.attr, gc.stage == 1 ? 0x04 : 0xF);
        // Just above the input range: stage 1 (TTB0) and stage 2 fault with F_TRANSLATION, CLASS IN.
        if (k.ias < 64) {
            ASSERT_EQ(walk(t.cfg, 1ull << k.ias, 0, o), EVT_F_TRANSLATION);
            EXPECT_EQ(o.fault.cls, EVT_CLASS_IN);
            EXPECT_EQ(o.fault.s2, gc.stage == 2);
            EXPECT_EQ(o.fault.ipa, gc.stage == 2 ? 1ull << k.ias : 0ull);
            EXPECT_EQ(o.cost.reads, 0u);
        }
    }
}

// ---- TTB0/TTB1 selection, TBI, EPDx and the input-range check.
TEST_F(Fixture, TtbSelectionTbiEpdAndRangeCheck) {
    make();
    struct Case { uint64_t va; bool tbi0, tbi1, epd0, epd1; int rc; bool ttb1; };
    const Case cases[] = {
        {0x0000007FFFFFF000ull, false, false, false, false, 0, false},
        {0xFFFFFF8000000000ull, false, false, false, false, 0, true},
        {0x0000008000000000ull, false, false, false, false, EVT_F_TRANSLATION, false},   // beyond T0SZ
        {0xFFFFFF7FFFFFF000ull, false, false, false, false, EVT_F_TRANSLATION, true},    // below T1SZ
        {0x5A00001234567000ull, false, false, false, false, EVT_F_TRANSLATION, false},   // tag without TBI0
        {0x5A00001234567000ull, true, false, false, false, 0, false},                    // TBI0 ignores it
        {0x5AFFFFFF80000000ull, false, true, false, false, 0, true},                     // TBI1 ignores the top byte
        {0x5AFFFFFF80000000ull, true, false, false, false, EVT_F_TRANSLATION, true},     // but TBI0 does not apply to TTB1
        {0x0000001234567000ull, false, false, true, false, EVT_F_TRANSLATION, false},    // EPD0
        {0xFFFFFF8000000000ull, false, false, false, true, EVT_F_TRANSLATION, true},     // EPD1
        {0x0000001234567000ull, false, false, false, true, 0, false},
    };
    for (const auto &c : cases) {
        SCOPED_TRACE(testing::Message() << std::hex << c.va << " tbi " << c.tbi0 << c.tbi1 << " epd " << c.epd0 << c.epd1);
        smmu_cd_t cd = cd0(25, 0);
        cd.t1sz = 25;
        cd.tg1 = 2;
        cd.ttb0 = 0x1000;
        cd.ttb1 = 0x2000;
        cd.tbi0 = c.tbi0; cd.tbi1 = c.tbi1; cd.epd0 = c.epd0; cd.epd1 = c.epd1;
        smmu_ste_t ste = s1_ste();
        smmu_stage_cfg_t k;
        smmu_walk_fault_t f;
        ASSERT_EQ(smmu_s1_cfg(core.smmu, &ste, &cd, c.va, &k, &f), c.rc);
        EXPECT_EQ(k.ttb1, c.ttb1);
        EXPECT_EQ(k.ttb, c.ttb1 ? 0x2000u : 0x1000u);
        if (c.rc) {
            EXPECT_EQ(f.id, EVT_F_TRANSLATION);
            EXPECT_EQ(f.cls, EVT_CLASS_IN);
            EXPECT_FALSE(f.s2);
        }
    }
    // A translation through TTB1 reaches the TTB1 tables.
    smmu_cd_t cd = cd0(25, 0);
    cd.epd1 = false;
    cd.tg1 = 2;
    cd.t1sz = 25;
    cd.tbi1 = true;
    smmu_stage_cfg_t k = s1(cd, 0xFFFFFF8000000000ull);
    Tables t(core, k);
    t.map(0xFFFFFFC000200000ull, 2, 0x80000000, AF | ap(1));
    smmu_walk_out_t o;
    ASSERT_EQ(walk(t.cfg, 0x33FFFFC000212345ull, 0, o), 0);
    EXPECT_EQ(o.oa, 0x80012345u);
    EXPECT_EQ(o.size_log2, 21);
    EXPECT_EQ(o.perm, RP | WP | RU | WU | XU);
    // The same VA with the TTB0 regime is out of range.
    k.ttb1 = false;
    EXPECT_EQ(walk(k, 0xFFFFFFC000212345ull, 0, o), EVT_F_TRANSLATION);
}

// ---- Leaves at each level: blocks, reserved encodings, contiguous ranges.
struct LeafCase { uint8_t tg; uint8_t t0sz; unsigned level; bool page_type; uint64_t extra; uint8_t oas; int rc; unsigned size; };

TEST_F(Fixture, BlocksReservedEncodingsAndContiguousRanges) {
    const LeafCase cases[] = {
        {0, 16, 1, false, 0, 48, 0, 30}, {0, 16, 2, false, 0, 48, 0, 21}, {0, 16, 3, true, 0, 48, 0, 12},
        {0, 16, 0, false, 0, 48, EVT_F_TRANSLATION, 0},   // 4K: no level-0 block
        {0, 16, 3, false, 0, 48, EVT_F_TRANSLATION, 0},   // level-3 descriptor type 0b01 is reserved
        {2, 16, 2, false, 0, 48, 0, 25}, {2, 16, 3, true, 0, 48, 0, 14},
        {2, 16, 1, false, 0, 48, EVT_F_TRANSLATION, 0},   // 16K: no level-1 block without LPA2
        {1, 16, 2, false, 0, 48, 0, 29}, {1, 16, 3, true, 0, 48, 0, 16},
        {1, 12, 1, false, 0, 52, 0, 42},                  // 64K: 4TB level-1 block with 52-bit PAs
        {1, 16, 1, false, 0, 48, EVT_F_TRANSLATION, 0},   // ... but not without
        // Contiguous hint: the size reported is the whole range
        {0, 16, 3, true, CONT, 48, 0, 16}, {0, 16, 2, false, CONT, 48, 0, 25}, {0, 16, 1, false, CONT, 48, 0, 34},
        {2, 16, 3, true, CONT, 48, 0, 21}, {2, 16, 2, false, CONT, 48, 0, 30},
        {1, 16, 3, true, CONT, 48, 0, 21}, {1, 16, 2, false, CONT, 48, 0, 34},
    };
    for (const auto &c : cases) {
        SCOPED_TRACE(testing::Message() << "tg " << +c.tg << " level " << c.level << " cont " << (c.extra != 0));
        wt::Core fresh;
        fresh.cfg.oas_bits = c.oas;
        fresh.cfg.vax = c.t0sz < 16;
        ASSERT_TRUE(fresh.create());
        smmu_walk_env_t e{};
        e.smmu = fresh.smmu;
        smmu_cd_t cd = cd0(c.t0sz, c.tg, c.oas == 52 ? 6 : 5);
        smmu_stage_cfg_t k;
        smmu_walk_fault_t f;
        smmu_ste_t ste = s1_ste();
        ASSERT_EQ(smmu_s1_cfg(fresh.smmu, &ste, &cd, 0, &k, &f), 0);
        Tables t(fresh, k);
        unsigned shift = smmu_level_shift(k.granule, c.level);
        uint64_t ia = 5ull << shift;
        uint64_t oa = (c.oas == 52 ? 0x000A000000000000ull : 0x0000900000000000ull) & ~((1ull << shift) - 1);
        uint64_t enc = oa & 0x0000FFFFFFFFFFFFull;
        if (k.lpa) enc |= ((oa >> 48) & 0xF) << 12;           // OA[51:48] in bits [15:12]
        uint64_t a = t.slot(ia, c.level);
        fresh.mem.w64(a, enc | AF | c.extra | 1 | (c.page_type ? 2 : 0));
        smmu_walk_out_t o;
        uint64_t off = (1ull << shift) - 8;
        ASSERT_EQ(smmu_walk(&e, &t.cfg, ia + off, SMMU_ACC_PRIV, &o), c.rc);
        if (c.rc) {
            EXPECT_EQ(o.fault.level, c.level);
            EXPECT_EQ(o.fault.cls, EVT_CLASS_IN);
            continue;
        }
        EXPECT_EQ(o.oa, oa + off);
        EXPECT_EQ(o.level, c.level);
        EXPECT_EQ(o.size_log2, c.size);
    }
}

// ---- Address size faults for table and output addresses beyond IPS / S2PS.
TEST_F(Fixture, AddressSizeFaults) {
    make();
    smmu_stage_cfg_t k = s1(cd0(25, 0, 2));   // IPS 40 bits
    EXPECT_EQ(k.oas, 40);
    Tables t(core, k);
    // Output address bit 40 set in a page descriptor.
    t.map(0x1000, 3, 1ull << 40, AF);
    smmu_walk_out_t o;
    ASSERT_EQ(walk(t.cfg, 0x1000, 0, o), EVT_F_ADDR_SIZE);
    EXPECT_EQ(o.fault.level, 3);
    EXPECT_EQ(o.fault.cls, EVT_CLASS_IN);
    EXPECT_FALSE(o.fault.s2);
    // A next-level table address beyond 40 bits faults at the level of the table descriptor.
    core.mem.w64(t.entry(1, t.cfg.ttb, 0x40000000), (1ull << 44) | 3);
    ASSERT_EQ(walk(t.cfg, 0x40000000, 0, o), EVT_F_ADDR_SIZE);
    EXPECT_EQ(o.fault.level, 1);
    EXPECT_EQ(o.cost.reads, 1u);
    // IPS above the SMMU OAS is capped (CD.IPS 52 on a 48-bit SMMU behaves as 48).
    EXPECT_EQ(s1(cd0(25, 0, 6)).oas, 48);
    // Stage 2: S2PS 36 bits, a block at 1<<36: F_ADDR_SIZE with S2 and the IPA.
    smmu_stage_cfg_t k2 = s2(25, 1, 0, 1);
    EXPECT_EQ(k2.oas, 36);
    Tables t2(core, k2, 0x50000000);
    t2.map(0x40000000, 1, 1ull << 36, AF | ap(3));
    ASSERT_EQ(walk(t2.cfg, 0x40001234, 0, o), EVT_F_ADDR_SIZE);
    EXPECT_TRUE(o.fault.s2);
    EXPECT_EQ(o.fault.ipa, 0x40001234u);
    EXPECT_EQ(o.fault.level, 1);
}

// ---- 52-bit output addresses with the 64K granule.
TEST_F(Fixture, FiftyTwoBitOutputWith64K) {
    make(52);
    smmu_stage_cfg_t k = s1(cd0(16, 1, 6));
    EXPECT_TRUE(k.lpa);
    EXPECT_EQ(k.oas, 52);
    Tables t(core, k);
    // A level-2 table placed above 4 PB: its address needs bits [15:12] of the table descriptor.
    uint64_t table_pa = 0x000B000000000000ull | 0x30000;
    uint64_t l1 = t.entry(1, t.cfg.ttb, 0x20000000);
    core.mem.w64(l1, (table_pa & 0x0000FFFFFFFF0000ull) | (((table_pa >> 48) & 0xF) << 12) | 3);
    uint64_t page = 0x000F123456780000ull & ~0xFFFFull;
    uint64_t l2 = table_pa + (((0x20000000ull >> 29) & 0x1FFF) * 8);
    uint64_t l3tab = 0x70000;
    core.mem.w64(l2, l3tab | 3);
    core.mem.w64(l3tab + ((0x20000000ull >> 16) & 0x1FFF) * 8,
                 (page & 0x0000FFFFFFFF0000ull) | (((page >> 48) & 0xF) << 12) | AF | 3);
    smmu_walk_out_t o;
    ASSERT_EQ(walk(t.cfg, 0x2000ABCD, SMMU_ACC_PRIV, o), 0) << +o.fault.id;
    EXPECT_EQ(o.oa, page | 0xABCD);
    // The same tables with IPS 48: the table address is beyond the output size.
    smmu_stage_cfg_t k48 = t.cfg;
    k48.oas = 48;
    ASSERT_EQ(walk(k48, 0x2000ABCD, 0, o), EVT_F_ADDR_SIZE);
    EXPECT_EQ(o.fault.level, 1);
}

// ---- Translation faults at every level and walk aborts.
TEST_F(Fixture, InvalidDescriptorsAndWalkAborts) {
    make();
    smmu_stage_cfg_t k = s1(cd0(16, 0));
    Tables t(core, k);
    uint64_t ia = 0x0000123456789000ull;
    for (unsigned level = 0; level <= 3; level++) {
        SCOPED_TRACE(level);
        core.mem.clear();
        uint64_t a = t.slot(ia, level);
        core.mem.w64(a, 0x0000000080000000ull | 2);   // valid bit clear
        smmu_walk_out_t o;
        ASSERT_EQ(walk(t.cfg, ia, 0, o), EVT_F_TRANSLATION);
        EXPECT_EQ(o.fault.level, level);
        EXPECT_EQ(o.cost.reads, level + 1);
        EXPECT_FALSE(o.fault.s2);
        EXPECT_EQ(o.fault.cls, EVT_CLASS_IN);
    }
    // An abort on the level-2 table read: F_WALK_EABT, CLASS TT, FetchAddr = that descriptor.
    core.mem.clear();
    t.map(ia, 3, 0x80000000, AF);
    uint64_t l2 = t.slot(ia, 2);
    core.mem.abort_range(l2 & ~0xFFFull, 0x1000);
    smmu_walk_out_t o;
    ASSERT_EQ(walk(t.cfg, ia, 0, o), EVT_F_WALK_EABT);
    EXPECT_EQ(o.fault.fetch_addr, l2);
    EXPECT_EQ(o.fault.cls, EVT_CLASS_TT);
    EXPECT_FALSE(o.fault.s2);
    EXPECT_EQ(o.fault.level, 2);
    // Stage 2 abort: S2 = 1, the IPA, FetchAddr.
    smmu_stage_cfg_t k2 = s2(24, 1, 0);
    Tables t2(core, k2, 0x60000000);
    t2.map(0x1000, 3, 0x2000, AF | ap(3));
    uint64_t s2l1 = t2.slot(0x1000, 1);
    core.mem.abort_range(s2l1, 8);
    ASSERT_EQ(walk(t2.cfg, 0x1234, 0, o), EVT_F_WALK_EABT);
    EXPECT_TRUE(o.fault.s2);
    EXPECT_EQ(o.fault.ipa, 0x1234u);
    EXPECT_EQ(o.fault.fetch_addr, s2l1);
    // A regime no configuration produces (all zero) is refused without reading memory.
    smmu_stage_cfg_t bad{};
    ASSERT_EQ(walk(bad, 0x1000, 0, o), EVT_F_TRANSLATION);
    EXPECT_EQ(o.cost.reads, 0u);
}

// ---- Access flag: F_ACCESS, AFFD, HA.
TEST_F(Fixture, AccessFlag) {
    make();
    smmu_cd_t cd = cd0(25, 0);
    smmu_stage_cfg_t k = s1(cd);
    Tables t(core, k);
    uint64_t a = t.map(0x200000, 3, 0x90000000, ap(0));   // AF = 0
    smmu_walk_out_t o;
    ASSERT_EQ(walk(t.cfg, 0x200010, SMMU_ACC_PRIV, o), EVT_F_ACCESS);
    EXPECT_EQ(o.fault.level, 3);
    EXPECT_EQ(o.fault.cls, EVT_CLASS_IN);
    // Access flag faults win over permission faults (write to read-only, AF = 0).
    core.mem.w64(a, 0x90000000 | ap(2) | 3);
    ASSERT_EQ(walk(t.cfg, 0x200010, SMMU_ACC_W | SMMU_ACC_PRIV, o), EVT_F_ACCESS);
    // AFFD: no fault, the descriptor is left alone.
    smmu_stage_cfg_t kd = t.cfg;
    kd.affd = true;
    ASSERT_EQ(walk(kd, 0x200010, SMMU_ACC_PRIV, o), 0);
    EXPECT_EQ(core.mem.r64(a) & AF, 0u);
    EXPECT_EQ(o.cost.writes, 0u);
    // HA: AF set in memory by one read-modify-write; a debug walk (no_update) reports it without writing.
    smmu_stage_cfg_t kh = t.cfg;
    kh.ha = true;
    env.no_update = true;
    ASSERT_EQ(walk(kh, 0x200010, SMMU_ACC_PRIV, o), 0);
    EXPECT_TRUE(o.updated);
    EXPECT_EQ(core.mem.r64(a) & AF, 0u);
    env.no_update = false;
    ASSERT_EQ(walk(kh, 0x200010, SMMU_ACC_PRIV, o), 0);
    EXPECT_TRUE(o.updated);
    EXPECT_EQ(core.mem.r64(a), 0x90000000 | ap(2) | AF | 3);
    EXPECT_EQ(o.desc, core.mem.r64(a));
    EXPECT_EQ(o.cost.reads, 3u + 1u);     // walk + the atomic re-read
    EXPECT_EQ(o.cost.writes, 1u);
    // A faulting access makes no update (write to a read-only page with AF = 0 under HA).
    core.mem.w64(a, 0x90000000 | ap(2) | 3);
    ASSERT_EQ(walk(kh, 0x200010, SMMU_ACC_W | SMMU_ACC_PRIV, o), EVT_F_PERMISSION);
    EXPECT_EQ(core.mem.r64(a) & AF, 0u);
    EXPECT_EQ(o.cost.writes, 0u);
    // An abort on the HTTU write is F_WALK_EABT with the descriptor address.
    core.mem.abort_range(a, 8, false, true);
    ASSERT_EQ(walk(kh, 0x200010, SMMU_ACC_PRIV, o), EVT_F_WALK_EABT);
    EXPECT_EQ(o.fault.fetch_addr, a);
    EXPECT_EQ(o.fault.cls, EVT_CLASS_TT);
}

// ---- Stage-1 permissions: every AP/XN/PXN/UXN/APTable/WXN/UWXN/PAN case, exact bits, and each access.
struct PermCase { const char *what; uint64_t leaf; uint64_t table; bool had, wxn, uwxn, pan; uint8_t strw; uint8_t perm; };

TEST_F(Fixture, Stage1Permissions) {
    make();
    const PermCase cases[] = {
        {"AP=00", ap(0), 0, false, false, false, false, 0, RP | WP | XP | XU},
        {"AP=01 EL0 RW: never privileged-executable", ap(1), 0, false, false, false, false, 0, RP | WP | RU | WU | XU},
        {"AP=10", ap(2), 0, false, false, false, false, 0, RP | XP | XU},
        {"AP=11", ap(3), 0, false, false, false, false, 0, RP | RU | XP | XU},
        {"PXN", ap(0) | PXN, 0, false, false, false, false, 0, RP | WP | XU},
        {"UXN", ap(0) | UXN, 0, false, false, false, false, 0, RP | WP | XP},
        {"UXN|PXN", ap(3) | UXN | PXN, 0, false, false, false, false, 0, RP | RU},
        {"APTable=01 removes EL0", ap(1), aptable(1), false, false, false, false, 0, RP | WP | XP | XU},
        {"APTable=10 removes writes", ap(1), aptable(2), false, false, false, false, 0, RP | RU | XP | XU},
        {"APTable=11", ap(1), aptable(3), false, false, false, false, 0, RP | XP | XU},
        {"UXNTable", ap(0), UXNTABLE, false, false, false, false, 0, RP | WP | XP},
        {"PXNTable", ap(0), PXNTABLE, false, false, false, false, 0, RP | WP | XU},
        {"HAD ignores table limits", ap(1), aptable(3) | UXNTABLE | PXNTABLE, true, false, false, false, 0, RP | WP | RU | WU | XU},
        {"WXN: writable is not executable", ap(0), 0, false, true, false, false, 0, RP | WP},
        {"WXN on read-only", ap(3), 0, false, true, false, false, 0, RP | RU | XP | XU},
        {"UWXN", ap(1), 0, false, false, true, false, 0, RP | WP | RU | WU | XU},
        {"PAN on EL0-readable", ap(3), 0, false, false, false, true, 0, RU | XP | XU},
        {"PAN on EL0-writable", ap(1), 0, false, false, false, true, 0, RU | WU | XU},
        {"PAN leaves privileged pages", ap(0), 0, false, false, false, true, 0, RP | WP | XP | XU},
        // One-EL regime (STRW = EL2 without E2H): AP[1] RES1, XN at bit 54, PXN ignored.
        {"EL2 AP=00", ap(0), 0, false, false, false, false, STE_STRW_EL2, RP | WP | XP | RU | WU | XU},
        {"EL2 AP=01", ap(1) | PXN, 0, false, false, false, false, STE_STRW_EL2, RP | WP | XP | RU | WU | XU},
        {"EL2 AP=10", ap(2), 0, false, false, false, false, STE_STRW_EL2, RP | XP | RU | XU},
        {"EL2 XN", ap(0) | UXN, 0, false, false, false, false, STE_STRW_EL2, RP | WP | RU | WU},
        {"EL2 WXN", ap(0), 0, false, true, false, false, STE_STRW_EL2, RP | WP | RU | WU},
    };
    for (const auto &c : cases) {
        SCOPED_TRACE(c.what);
        core.mem.clear();
        smmu_cd_t cd = cd0(25, 0);
        cd.had0 = c.had; cd.wxn = c.wxn; cd.uwxn = c.uwxn; cd.pan = c.pan;
        smmu_ste_t ste = s1_ste(c.strw);
        smmu_stage_cfg_t k = s1(cd, 0, ste);
        EXPECT_EQ(k.two_el, c.strw == 0);
        Tables t(core, k);
        t.map(0x3000, 3, 0x77000, AF | c.leaf, c.table);
        smmu_walk_out_t o;
        ASSERT_EQ(walk(t.cfg, 0x3000, SMMU_ACC_PRIV, o) == 0, (c.perm & RP) != 0);
        const struct { unsigned acc; uint8_t bit; } accs[] = {
            {SMMU_ACC_PRIV, RP}, {SMMU_ACC_PRIV | SMMU_ACC_W, WP}, {SMMU_ACC_PRIV | SMMU_ACC_X, XP},
            {0, RU}, {SMMU_ACC_W, WU}, {SMMU_ACC_X, XU}};
        for (const auto &a : accs) {
            int rc = walk(t.cfg, 0x3ABC, a.acc, o);
            if (c.perm & a.bit) {
                EXPECT_EQ(rc, 0) << "access " << a.acc;
                EXPECT_EQ(o.perm, c.perm);
                EXPECT_EQ(o.oa, 0x77ABCu);
            } else {
                EXPECT_EQ(rc, EVT_F_PERMISSION) << "access " << a.acc;
                EXPECT_EQ(o.fault.level, 3);
                EXPECT_EQ(o.fault.cls, EVT_CLASS_IN);
                EXPECT_FALSE(o.fault.s2);
            }
        }
    }
}

// ---- Stage-2 permissions: S2AP x XN[1:0], with and without IDR3.XNX.
TEST_F(Fixture, Stage2Permissions) {
    for (bool xnx : {false, true}) {
        wt::Core c2;
        c2.cfg.xnx = xnx;
        ASSERT_TRUE(c2.create());
        smmu_walk_env_t e{};
        e.smmu = c2.smmu;
        smmu_ste_t ste{};
        ste.s2t0sz = 25; ste.s2sl0 = 1; ste.s2tg = 0; ste.s2ps = 5;
        smmu_stage_cfg_t k;
        smmu_s2_cfg(c2.smmu, &ste, &k);
        Tables t(c2, k);
        for (unsigned s2ap = 0; s2ap < 4; s2ap++) {
            for (unsigned xn = 0; xn < 4; xn++) {
                SCOPED_TRACE(testing::Message() << "xnx " << xnx << " s2ap " << s2ap << " xn " << xn);
                t.map(0x5000, 3, 0x9000, AF | ap(s2ap) | ((uint64_t)xn << 53));
                uint8_t want = 0;
                if (s2ap & 1) want |= RP | RU;
                if (s2ap & 2) want |= WP | WU;
                bool xp = xnx ? (xn == 0 || xn == 3) : !(xn & 2);
                bool xu = xnx ? (xn == 0 || xn == 1) : !(xn & 2);
                if (xp) want |= XP;
                if (xu) want |= XU;
                const struct { unsigned acc; uint8_t bit; } accs[] = {
                    {SMMU_ACC_PRIV, RP}, {SMMU_ACC_PRIV | SMMU_ACC_W, WP}, {SMMU_ACC_PRIV | SMMU_ACC_X, XP},
                    {0, RU}, {SMMU_ACC_W, WU}, {SMMU_ACC_X, XU}};
                for (const auto &a : accs) {
                    smmu_walk_out_t o;
                    int rc = smmu_walk(&e, &t.cfg, 0x5123, a.acc, &o);
                    if (want & a.bit) {
                        ASSERT_EQ(rc, 0) << a.acc;
                        EXPECT_EQ(o.perm, want);
                    } else {
                        ASSERT_EQ(rc, EVT_F_PERMISSION) << a.acc;
                        EXPECT_TRUE(o.fault.s2);
                        EXPECT_EQ(o.fault.ipa, 0x5123u);
                    }
                }
            }
        }
    }
}

// ---- Dirty state: DBM with HD at both stages.
TEST_F(Fixture, HardwareDirtyState) {
    make();
    smmu_cd_t cd = cd0(25, 0);
    cd.ha = cd.hd = true;
    smmu_stage_cfg_t k = s1(cd);
    EXPECT_TRUE(k.ha && k.hd);
    Tables t(core, k);
    uint64_t clean = 0x88000 | ap(3) | DBM | AF | 3;          // EL0 read-only, DBM: writable-clean
    uint64_t a = t.map(0x7000, 3, 0x88000, ap(3) | DBM | AF);
    smmu_walk_out_t o;
    // A read leaves it clean and reports no write permission yet (a later write must walk again).
    ASSERT_EQ(walk(t.cfg, 0x7000, 0, o), 0);
    EXPECT_TRUE(o.wclean);
    EXPECT_EQ(o.perm, RP | RU | XU);        // writable-clean counts as EL0-writable: no privileged execute
    EXPECT_EQ(core.mem.r64(a), clean);
    // Privileged execute of an EL0-writable-clean page is a permission fault.
    EXPECT_EQ(walk(t.cfg, 0x7000, SMMU_ACC_X | SMMU_ACC_PRIV, o), EVT_F_PERMISSION);
    // A write clears AP[2] in memory, without a fault.
    ASSERT_EQ(walk(t.cfg, 0x7008, SMMU_ACC_W, o), 0);
    EXPECT_TRUE(o.updated);
    EXPECT_FALSE(o.wclean);
    EXPECT_EQ(core.mem.r64(a), clean & ~ap(2));
    EXPECT_EQ(o.perm, RP | WP | RU | WU | XU);
    EXPECT_EQ(o.cost.writes, 1u);
    // Without HD the same write is a permission fault and memory is unchanged.
    core.mem.w64(a, clean);
    smmu_stage_cfg_t knd = t.cfg;
    knd.hd = false;
    ASSERT_EQ(walk(knd, 0x7008, SMMU_ACC_W, o), EVT_F_PERMISSION);
    EXPECT_EQ(core.mem.r64(a), clean);
    // APTable[1] makes the page read-only whatever DBM says: no dirty update, a fault.
    core.mem.clear();
    Tables t3(core, k, 0x48000000);
    uint64_t a3 = t3.map(0x7000, 3, 0x88000, ap(3) | DBM | AF, aptable(2));
    ASSERT_EQ(walk(t3.cfg, 0x7000, SMMU_ACC_W, o), EVT_F_PERMISSION);
    EXPECT_EQ(core.mem.r64(a3) & ap(2), ap(2));

    // Stage 2: S2HA/S2HD set AF and S2AP[1].
    smmu_ste_t ste{};
    ste.s2t0sz = 25; ste.s2sl0 = 1; ste.s2tg = 0; ste.s2ps = 5; ste.s2ha = ste.s2hd = true;
    smmu_stage_cfg_t k2;
    smmu_s2_cfg(core.smmu, &ste, &k2);
    EXPECT_TRUE(k2.ha && k2.hd);
    Tables t2(core, k2, 0x50000000);
    uint64_t d2 = t2.map(0x9000, 3, 0xA000, ap(1) | DBM);     // read-only, AF = 0, DBM
    ASSERT_EQ(smmu_walk(&env, &t2.cfg, 0x9000, SMMU_ACC_W, &o), 0);
    EXPECT_EQ(core.mem.r64(d2), 0xA000 | ap(3) | DBM | AF | 3);
    EXPECT_EQ(o.cost.writes, 1u);
}

// ---- Walk-cache hooks: fills on every table descriptor, a hit resumes lower and saves reads.
struct FakeWc {
    std::map<unsigned, smmu_wc_entry_t> by_level;   // filled entries by the level they point to
    unsigned lookups = 0, fills = 0;
    unsigned use_level = 0;                           // serve the entry for this level on lookup (0: miss)
    static bool lookup(void *ctx, unsigned stage, uint64_t, smmu_wc_entry_t *e) {
        auto *w = static_cast<FakeWc *>(ctx);
        w->lookups++;
        if (stage != 1 || !w->use_level || !w->by_level.count(w->use_level)) return false;
        *e = w->by_level[w->use_level];
        return true;
    }
    static void fill(void *ctx, unsigned, uint64_t, const smmu_wc_entry_t *e) {
        auto *w = static_cast<FakeWc *>(ctx);
        w->fills++;
        w->by_level[e->level] = *e;
    }
};

TEST_F(Fixture, WalkCacheHooks) {
    make();
    smmu_stage_cfg_t k = s1(cd0(16, 0));
    Tables t(core, k);
    t.map(0x0000123456789000ull, 3, 0x55000, AF | ap(1), aptable(2) | UXNTABLE);
    smmu_walk_cache_ops_t ops{FakeWc::lookup, FakeWc::fill};
    FakeWc wc;
    env.wc = &ops;
    env.wc_ctx = &wc;
    smmu_walk_out_t o;
    ASSERT_EQ(walk(t.cfg, 0x0000123456789000ull, 0, o), 0);
    EXPECT_EQ(o.cost.reads, 4u);
    EXPECT_EQ(wc.lookups, 1u);
    ASSERT_EQ(wc.fills, 3u);
    uint64_t l1 = t.table_of(core.mem.r64(t.entry(0, t.cfg.ttb, 0x0000123456789000ull)));
    EXPECT_EQ(wc.by_level[1].table, l1);
    EXPECT_EQ(wc.by_level[1].ia_shift, 39);
    EXPECT_EQ(wc.by_level[2].ia_shift, 30);
    EXPECT_EQ(wc.by_level[3].ia_shift, 21);
    EXPECT_EQ(wc.by_level[3].limits, 2 | 4);           // APTable[1] and UXNTable accumulated
    for (unsigned lvl : {1u, 2u, 3u}) {
        wc.use_level = lvl;
        ASSERT_EQ(walk(t.cfg, 0x0000123456789ABCull, 0, o), 0);
        EXPECT_EQ(o.cost.reads, 4u - lvl) << lvl;
        EXPECT_EQ(o.oa, 0x55ABCu);
        EXPECT_EQ(o.perm, RP | RU | XP);              // the cached limits still apply
    }
    // An entry that would not move the walk down (level <= start) is ignored.
    wc.by_level[0] = {0, 48, t.cfg.ttb, 0};
    wc.use_level = 0;
    ASSERT_EQ(walk(t.cfg, 0x0000123456789000ull, 0, o), 0);
    EXPECT_EQ(o.cost.reads, 4u);
}

// ---- Nested: stage-1 table addresses go through the s2_table callback; its faults come back as they are.
TEST_F(Fixture, NestedTableAddressesThroughStage2) {
    make();
    smmu_stage_cfg_t k2 = s2(24, 1, 0);
    Tables t2(core, k2, 0x60000000);
    smmu_stage_cfg_t k1 = s1(cd0(25, 0));
    Tables t1(core, k1, 0x10000000);            // stage-1 tables live at IPAs 0x1000xxxx ...
    uint64_t ia = 0x12345000;
    t1.map(ia, 3, 0xABC000, AF);
    // ... which stage 2 maps to PA = IPA + 0x70000000 (copy the tables there).
    for (uint64_t ipa = 0x10000000; ipa < t1.next; ipa += 0x1000) {
        t2.map(ipa, 3, ipa + 0x70000000, AF | ap(3));
        std::array<uint8_t, 4096> page;
        core.mem.read(ipa, page.data(), 4096);
        core.mem.write(ipa + 0x70000000, page.data(), 4096);
    }
    wt::S2Tables tables{core.smmu, t2.cfg};
    env.s2_table = wt::S2Tables::cb;
    env.s2_ctx = &tables;
    smmu_walk_out_t o;
    ASSERT_EQ(walk(t1.cfg, ia + 0x10, SMMU_ACC_PRIV, o), 0);
    EXPECT_EQ(o.oa, 0xABC010u);
    EXPECT_EQ(o.desc_addr, t1.slot(ia, 3) + 0x70000000);
    EXPECT_EQ(o.cost.reads, 3u);
    EXPECT_EQ(tables.reads, 3u * 3u);
    // Unmap the stage-2 page holding the level-2 table: a stage-2 fault, CLASS TT, IPA = descriptor IPA.
    uint64_t l2ipa = t1.slot(ia, 2);
    core.mem.w64(t2.slot(l2ipa, 3), 0);
    ASSERT_EQ(walk(t1.cfg, ia, 0, o), EVT_F_TRANSLATION);
    EXPECT_TRUE(o.fault.s2);
    EXPECT_EQ(o.fault.cls, EVT_CLASS_TT);
    EXPECT_EQ(o.fault.ipa, l2ipa);
    EXPECT_TRUE(o.fault.ttrnw);
    // HA at stage 1 with a read-only stage-2 mapping of the leaf table: the AF write faults (TTRnW = 0).
    core.mem.w64(t2.slot(l2ipa, 3), ((l2ipa & ~0xFFFull) + 0x70000000) | AF | ap(3) | 3);
    uint64_t leaf_ipa = t1.slot(ia, 3);
    core.mem.w64(leaf_ipa + 0x70000000, 0xABC000 | 3);        // AF = 0
    core.mem.w64(t2.slot(leaf_ipa, 3), ((leaf_ipa & ~0xFFFull) + 0x70000000) | AF | ap(1) | 3);
    smmu_stage_cfg_t kh = t1.cfg;
    kh.ha = true;
    ASSERT_EQ(walk(kh, ia, SMMU_ACC_PRIV, o), EVT_F_PERMISSION);
    EXPECT_TRUE(o.fault.s2);
    EXPECT_EQ(o.fault.cls, EVT_CLASS_TT);
    EXPECT_EQ(o.fault.ipa, leaf_ipa);
    EXPECT_FALSE(o.fault.ttrnw);
}

// ---- Attributes, nG, big-endian tables, E0PD.
TEST_F(Fixture, AttributesEndiannessAndE0pd) {
    make();
    smmu_cd_t cd = cd0(25, 0);
    smmu_stage_cfg_t k = s1(cd);
    Tables t(core, k);
    t.map(0x4000, 3, 0x99000, AF | NG | (2ull << 2) | (2ull << 8) | ap(1));
    smmu_walk_out_t o;
    ASSERT_EQ(walk(t.cfg, 0x4000, 0, o), 0);
    EXPECT_EQ(o.attr, 0xFF);     // AttrIndx 2 -> MAIR byte 2
    EXPECT_EQ(o.sh, 2);
    EXPECT_TRUE(o.ng);
    // E0PD0: unprivileged accesses fault as F_TRANSLATION before any read.
    smmu_stage_cfg_t ke = t.cfg;
    ke.e0pd = true;
    ASSERT_EQ(walk(ke, 0x4000, 0, o), EVT_F_TRANSLATION);
    EXPECT_EQ(o.cost.reads, 0u);
    EXPECT_EQ(walk(ke, 0x4000, SMMU_ACC_PRIV, o), 0);
    // Big-endian descriptors (CD.ENDI): byte-swap every table in place.
    for (auto &pg : core.mem.pages)
        for (size_t i = 0; i < 4096; i += 8) std::reverse(pg.second.begin() + i, pg.second.begin() + i + 8);
    smmu_stage_cfg_t kb = t.cfg;
    kb.big_endian = true;
    ASSERT_EQ(walk(kb, 0x4321, 0, o), 0);
    EXPECT_EQ(o.oa, 0x99321u);
    EXPECT_EQ(walk(t.cfg, 0x4321, 0, o), EVT_F_TRANSLATION);   // read little-endian the same bytes are invalid
}

} // namespace

// ---- Malformed input: random regimes over memory full of random descriptors always end in a defined outcome.
namespace fuzz {
uint64_t mix(uint64_t x) {
    x ^= x >> 33; x *= 0xff51afd7ed558ccdull; x ^= x >> 33; x *= 0xc4ceb9fe1a85ec53ull; x ^= x >> 33;
    return x;
}
int rd(void *, uint64_t pa, void *dst, size_t len) {
    if (mix(pa >> 12) % 29 == 0) return -1;                  // some pages abort
    auto *b = static_cast<uint8_t *>(dst);
    for (size_t i = 0; i < len; i++) b[i] = (uint8_t)(mix((pa + i) >> 3) >> (8 * ((pa + i) & 7)));
    return 0;
}
int wr(void *, uint64_t, const void *, size_t) { return 0; }
} // namespace fuzz

TEST(WalkFuzz, RandomRegimesAndDescriptorsNeverCrash) {
    smmu_config_t cfg;
    smmu_config_default(&cfg);
    cfg.oas_bits = 52;
    cfg.vax = 1;
    smmu_host_t host{nullptr, fuzz::rd, fuzz::wr, nullptr, nullptr, nullptr};
    char err[128];
    smmu_t *s = smmu_create(&cfg, &host, err, sizeof err);
    ASSERT_NE(s, nullptr) << err;
    smmu_walk_env_t env{};
    env.smmu = s;
    std::map<int, unsigned> outcomes;
    for (uint64_t i = 0; i < 20000; i++) {
        uint64_t r = fuzz::mix(i * 7919 + 1), r2 = fuzz::mix(r), va = fuzz::mix(r2);
        smmu_stage_cfg_t k;
        smmu_walk_fault_t f;
        int rc;
        if (r & 1) {
            smmu_cd_t cd{};
            cd.t0sz = (uint8_t)(r >> 8 & 63); cd.t1sz = (uint8_t)(r >> 14 & 63);
            cd.tg0 = (uint8_t)(r >> 20 & 3); cd.tg1 = (uint8_t)(r >> 22 & 3); cd.ips = (uint8_t)(r >> 24 & 7);
            cd.tbi0 = r >> 27 & 1; cd.tbi1 = r >> 28 & 1; cd.ha = r >> 29 & 1; cd.hd = r >> 30 & 1;
            cd.affd = r >> 31 & 1; cd.endi = r >> 32 & 1; cd.wxn = r >> 33 & 1; cd.pan = r >> 34 & 1;
            cd.ttb0 = r2 & 0x000FFFFFFFFFFFF0ull; cd.ttb1 = fuzz::mix(r2) & 0x000FFFFFFFFFFFF0ull;
            smmu_ste_t ste{};
            ste.strw = (uint8_t)(r >> 36 & 3);
            if (r & 2) va &= 0x0000FFFFFFFFFFFFull;
            rc = smmu_s1_cfg(s, &ste, &cd, va, &k, &f);
            if (rc) { outcomes[rc]++; continue; }
        } else {
            smmu_ste_t ste{};
            ste.s2t0sz = (uint8_t)(r >> 8 & 63); ste.s2sl0 = (uint8_t)(r >> 14 & 3); ste.s2tg = (uint8_t)(r >> 16 & 3);
            ste.s2ps = (uint8_t)(r >> 18 & 7); ste.s2ha = r >> 21 & 1; ste.s2hd = r >> 22 & 1; ste.s2affd = r >> 23 & 1;
            ste.s2endi = r >> 24 & 1; ste.s2ttb = r2 & 0x000FFFFFFFFFFFF0ull;
            ASSERT_EQ(smmu_s2_cfg(s, &ste, &k), 0);
            ASSERT_GE(k.concat, 1);
            ASSERT_LE(k.concat, 16);
            if (r & 2) va &= (1ull << k.ias) - 1;
        }
        smmu_walk_out_t o;
        rc = smmu_walk(&env, &k, va, (unsigned)(r >> 40) & 7, &o);
        ASSERT_TRUE(rc == 0 || rc == EVT_F_TRANSLATION || rc == EVT_F_ADDR_SIZE || rc == EVT_F_ACCESS ||
                    rc == EVT_F_PERMISSION || rc == EVT_F_WALK_EABT) << rc;
        ASSERT_LE(o.cost.reads, 5u + 4u);   // at most one read per level plus HTTU re-reads
        if (rc) { ASSERT_EQ(o.fault.id, rc); }
        else { ASSERT_EQ(o.oa >> k.oas, 0u); }
        outcomes[rc]++;
    }
    smmu_destroy(s);
    EXPECT_GT(outcomes[0], 0u);
    EXPECT_GT(outcomes[EVT_F_WALK_EABT], 0u);
    EXPECT_GT(outcomes[EVT_F_ADDR_SIZE], 0u);
    EXPECT_GT(outcomes[EVT_F_PERMISSION], 0u);
}
