// SPDX-License-Identifier: BSD-3-Clause
// Attribute transformation (IHI 0070 chapter 13) through the embedding API: STE.PRIVCFG/INSTCFG and
// write-is-Data ahead of the permission checks (walk and TLB hit) and in the event records; output memory
// type and shareability for global bypass (GBPA), STE bypass, stage 1, stage 2 and nested (Arm ARM D8.6).
// The transaction carries no memory attributes: "use incoming" takes the 13.1.3 defaults, Normal
// iWB-oWB RA-WA-nTR (0xFF), Non-shareable.
#include "e2e_util.h"

namespace {

constexpr uint64_t AP2 = 1ull << 7, PXN = 1ull << 53, UXN = 1ull << 54;
constexpr uint64_t PAGE_EL0_RW_UXN = e2e::kPageS1 | UXN;              // EL0 and EL1 RW; nobody executes (EL0-writable)
constexpr uint64_t PAGE_RO_UXN = e2e::kPageS1 | AP2 | UXN;           // read-only; EL1 may execute, EL0 not
constexpr uint64_t PAGE_RO_XN = e2e::kPageS1 | AP2 | UXN | PXN;      // read-only, never executable

// A stage-1 leaf: AF, nG, EL0 RW, SH and AttrIndx given.
constexpr uint64_t s1_page(unsigned attrindx, unsigned sh) { return 0x403 | 1u << 6 | 1u << 11 | sh << 8 | attrindx << 2; }
// A stage-2 leaf: AF, S2AP RW, SH and MemAttr[3:0] given (XN[1:0] = xn).
constexpr uint64_t s2_page(unsigned memattr, unsigned sh, unsigned xn = 0) {
    return 0x403 | 3u << 6 | (uint64_t)sh << 8 | (uint64_t)memattr << 2 | (uint64_t)xn << 53;
}

enum { NSH = 0, OSH = 2, ISH = 3 };

struct Attrs : e2e::Rig {
    e2e::Tables tables{mem};
    uint64_t cd_at(uint32_t sid) { return th::kCdBase + sid * 64ull; }
    // Stage-1 stream through the Linux CD with `mair`, STE adjusted by `tweak`; returns the TTB.
    template <class F> uint64_t s1_stream(uint32_t sid, F tweak, uint64_t mair = 0xF404FF44ull) {
        uint64_t ttb = tables.alloc();
        write_cd(cd_at(sid), stu::linux_cd(ttb, sid).mair(mair).q);
        stu::Ste ste = stu::linux_s1(cd_at(sid));
        tweak(ste);
        install(sid, ste.q);
        return ttb;
    }
};

// ---- Items: STE.PRIVCFG / STE.INSTCFG and incoming writes as Data.

struct PermCase {
    const char *name;
    unsigned privcfg, instcfg;
    uint64_t page;
    bool write, priv, instr;        // the incoming transaction
    unsigned event;                 // 0: translates
    bool pnu, ind;                  // the record's PnU/InD (post-override) when event != 0
};

const PermCase kPermCases[] = {
    {"incoming: EL1 instruction fetch", 0, 0, PAGE_RO_UXN, false, true, true, 0, false, false},
    {"incoming: EL0 instruction fetch of a UXN page", 0, 0, PAGE_RO_UXN, false, false, true, 0x13, false, true},
    {"PRIVCFG reserved 0b01 uses incoming", 1, 0, PAGE_RO_UXN, false, false, true, 0x13, false, true},
    {"PRIVCFG=Unprivileged: EL1 fetch checked as EL0", 2, 0, PAGE_RO_UXN, false, true, true, 0x13, false, true},
    {"PRIVCFG=Privileged: EL0 fetch checked as EL1", 3, 0, PAGE_RO_UXN, false, false, true, 0, false, false},
    {"INSTCFG=Instruction: data read checked as a fetch", 0, 3, PAGE_RO_UXN, false, false, false, 0x13, false, true},
    {"INSTCFG=Data: fetch checked as a data read", 0, 2, PAGE_RO_UXN, false, false, true, 0, false, false},
    {"INSTCFG reserved 0b01 uses incoming", 0, 1, PAGE_RO_UXN, false, false, true, 0x13, false, true},
    {"INSTCFG=Instruction does not touch writes", 0, 3, PAGE_EL0_RW_UXN, true, false, false, 0, false, false},
    {"write marked Instruction is Data", 0, 0, PAGE_EL0_RW_UXN, true, false, true, 0, false, false},
    {"write marked Instruction to a read-only page: InD=0", 0, 0, PAGE_RO_XN, true, true, true, 0x13, true, false},
    {"INSTCFG=Instruction write to a read-only page: InD=0", 0, 3, PAGE_RO_XN, true, false, false, 0x13, false, false},
    {"both overrides in the record", 2, 3, PAGE_RO_XN, false, true, false, 0x13, false, true},
};

void check_perm(Attrs &t, const PermCase &c, uint32_t sid, uint64_t va, bool warm) {
    std::string name = std::string(c.name) + (warm ? " (TLB hit path)" : " (walk path)");
    if (warm) {
        // Fill the TLBs with the first access the stream's overrides allow (reads, then writes).
        bool filled = false;
        for (int k = 0; k < 4 && !filled; k++) {
            filled = t.xlate(sid, va, k >= 2, 0, false, k & 1).status == SMMU_OK;
            t.pop_events();
        }
        if (!filled) return;                     // nothing can reach this page: there is no hit path
    }
    auto r = t.xlate(sid, va, c.write, 0, false, c.priv, c.instr);
    EXPECT_EQ(r.event, c.event) << name;
    auto ev = t.pop_events();
    if (!c.event) {
        EXPECT_EQ(r.status, SMMU_OK) << name;
        EXPECT_TRUE(ev.empty()) << name;
        if (warm) { EXPECT_EQ(r.source, SMMU_SRC_UTLB) << name; }
        return;
    }
    EXPECT_EQ(r.status, SMMU_ABORT) << name;
    ASSERT_EQ(ev.size(), 1u) << name;
    e2e::Rec e{ev[0]};
    EXPECT_EQ(e.id(), c.event) << name;
    EXPECT_EQ(e.sid(), sid) << name;
    EXPECT_EQ(e.pnu(), c.pnu) << name;
    EXPECT_EQ(e.ind(), c.ind) << name;
    EXPECT_EQ(e.rnw(), !c.write) << name;
    EXPECT_EQ(e.input(), va) << name;
}

TEST_F(Attrs, Stage1PermissionChecksUseTheStreamOverrides) {
    bringup();
    uint32_t sid = 1;
    for (const auto &c : kPermCases) {
        uint64_t ttb = s1_stream(sid, [&](stu::Ste &s) { s.privcfg(c.privcfg).instcfg(c.instcfg); });
        // The CD faults are recorded and abort: linux_cd has R = A = 1.
        tables.map(ttb, 0x10000, 0x8000'0000, c.page);
        tables.map(ttb, 0x20000, 0x8000'1000, c.page);
        check_perm(*this, c, sid, 0x10000, false);
        check_perm(*this, c, sid, 0x20000, true);
        sid++;
    }
}

// Stage 2 checks PnU (IDR3.XNX) and InD after the overrides too; XN[1:0] = 0b11: EL1 may execute, EL0 not.
TEST_F(Attrs, Stage2PermissionChecksUseTheStreamOverrides) {
    bringup();
    struct Case { const char *name; unsigned privcfg, instcfg; bool write, priv, instr; unsigned event; bool pnu, ind; };
    const Case cases[] = {
        {"incoming EL1 fetch", 0, 0, false, true, true, 0, false, false},
        {"PRIVCFG=Unprivileged EL1 fetch", 2, 0, false, true, true, 0x13, false, true},
        {"PRIVCFG=Privileged EL0 fetch", 3, 0, false, false, true, 0, false, false},
        {"INSTCFG=Instruction EL0 read", 0, 3, false, false, false, 0x13, false, true},
        {"EL0 write marked Instruction", 0, 0, true, false, true, 0, false, false},
    };
    uint32_t sid = 30;
    for (const auto &c : cases) {
        uint64_t s2ttb = tables.alloc();
        tables.map(s2ttb, 0x4000'0000, 0x9000'0000, s2_page(0xF, ISH, 3));
        install(sid, stu::linux_s2(s2ttb, (uint16_t)sid).privcfg(c.privcfg).instcfg(c.instcfg).q);
        for (int pass = 0; pass < 2; pass++) {
            auto r = xlate(sid, 0x4000'0040, c.write, 0, false, c.priv, c.instr);
            EXPECT_EQ(r.event, c.event) << c.name << " pass " << pass;
            auto ev = pop_events();
            ASSERT_EQ(ev.size(), c.event ? 1u : 0u) << c.name;
            if (c.event) {
                e2e::Rec e{ev[0]};
                EXPECT_TRUE(e.s2()) << c.name;
                EXPECT_EQ(e.pnu(), c.pnu) << c.name;
                EXPECT_EQ(e.ind(), c.ind) << c.name;
            } else {
                EXPECT_EQ(r.pa, 0x9000'0040u) << c.name;
            }
        }
        sid++;
    }
}

// Records made while stage 1 bypasses (F_ADDR_SIZE beyond the OAS) carry the overridden PnU/InD as well,
// from the TCU and from the TBU's bypass context alike.
TEST_F(Attrs, BypassAddressSizeRecordCarriesOverriddenAttributes) {
    bringup();
    struct Case { unsigned privcfg, instcfg; bool write, priv, instr; bool pnu, ind; };
    const Case cases[] = {
        {3, 3, false, false, false, true, true},
        {2, 2, false, true, true, false, false},
        {3, 3, true, false, true, true, false},
        {0, 0, true, true, true, true, false},
    };
    uint32_t sid = 50;
    for (const auto &c : cases) {
        install(sid, stu::Ste().v().config(4).privcfg(c.privcfg).instcfg(c.instcfg).q);
        ASSERT_EQ(xlate(sid, 0x1000).status, SMMU_OK);            // leaves a bypass context in the TBU
        for (uint64_t addr : {1ull << 48, 1ull << 50}) {
            auto r = xlate(sid, addr, c.write, 0, false, c.priv, c.instr);
            EXPECT_EQ(r.status, SMMU_ABORT);
            auto ev = pop_events();
            ASSERT_EQ(ev.size(), 1u);
            e2e::Rec e{ev[0]};
            EXPECT_EQ(e.id(), 0x11u);
            EXPECT_EQ(e.pnu(), c.pnu) << "PRIVCFG " << c.privcfg;
            EXPECT_EQ(e.ind(), c.ind) << "INSTCFG " << c.instcfg << " write " << c.write;
            EXPECT_EQ(e.rnw(), !c.write);
        }
        sid++;
    }
}

// ---- Output memory attributes.

// STE/GBPA override encodings: MTCFG, MemAttr, ALLOCCFG, SHCFG -> memory type and shareability (13.1.4, 13.1.7).
struct OvrCase { const char *name; bool mtcfg; unsigned memattr, alloccfg, shcfg; uint8_t mair, sh; };
const OvrCase kOverrides[] = {
    {"all incoming", false, 0, 0, 1, 0xFF, NSH},
    {"SHCFG=ISH", false, 0, 0, 3, 0xFF, ISH},
    {"SHCFG=OSH", false, 0, 0, 2, 0xFF, OSH},
    {"SHCFG=NSH", false, 0, 0, 0, 0xFF, NSH},
    {"MemAttr Normal NC: always OSH", true, 0x5, 0, 3, 0x44, OSH},
    {"MemAttr Device-nGnRE: always OSH", true, 0x1, 0, 0, 0x04, OSH},
    {"MemAttr Device-GRE", true, 0x3, 0, 1, 0x0C, OSH},
    {"MemAttr reserved 0b1000: Device-nGnRnE", true, 0x8, 0, 3, 0x00, OSH},
    {"MemAttr iWT-oWB", true, 0xE, 0, 3, 0xFB, ISH},
    {"MemAttr iWB-oNC", true, 0x7, 0, 2, 0x4F, OSH},
    {"ALLOCCFG no-allocate", true, 0xF, 0x8, 3, 0xCC, ISH},
    {"ALLOCCFG RA-WA transient", true, 0xF, 0xF, 3, 0x77, ISH},
    {"ALLOCCFG no-allocate transient is non-transient", true, 0xF, 0x9, 3, 0xCC, ISH},
    {"ALLOCCFG on NC does nothing", true, 0x5, 0xA, 3, 0x44, OSH},
    {"ALLOCCFG only on the cacheable level", true, 0x7, 0xC, 3, 0x4E, ISH},
    {"ALLOCCFG 0b0xxx uses incoming", true, 0xF, 0x7, 3, 0xFF, ISH},
    {"ALLOCCFG with MTCFG=0 (model applies it)", false, 0, 0xC, 3, 0xEE, ISH},
};

TEST_F(Attrs, GlobalBypassUsesGbpa) {
    bringup(false);
    for (const auto &c : kOverrides) {
        w32(0x44, 1u << 31 | (c.shcfg & 3) << 12 | (c.alloccfg & 0xF) << 8 | (c.mtcfg ? 1u : 0u) << 4 | (c.memattr & 0xF));
        for (bool write : {false, true}) {
            auto r = xlate(3, 0x1234'5000, write);
            ASSERT_EQ(r.status, SMMU_OK) << c.name;
            EXPECT_TRUE(r.bypass);
            EXPECT_EQ(r.pa, 0x1234'5000u);
            EXPECT_EQ(r.memattr, c.mair) << c.name;
            EXPECT_EQ(r.sh, c.sh) << c.name;
        }
    }
}

TEST_F(Attrs, GlobalBypassWithoutTypeOverridesUsesIncoming) {
    cfg.attr_types_ovr = false;
    bringup(false);
    w32(0x44, 1u << 31 | 3u << 12 | 0x8u << 8 | 1u << 4 | 0x1);
    auto r = xlate(3, 0x1000);
    ASSERT_EQ(r.status, SMMU_OK);
    EXPECT_EQ(r.memattr, 0xFF);
    EXPECT_EQ(r.sh, NSH);
}

// Without IDR1.ATTR_TYPES_OVR / ATTR_PERMS_OVR the STE override fields are RES0: incoming type, SH, PnU, InD.
TEST_F(Attrs, SteOverridesNeedIdr1Support) {
    cfg.attr_types_ovr = false;
    cfg.attr_perms_ovr = false;
    bringup();
    install(7, stu::Ste().v().config(4).mtcfg(true).memattr(0x5).alloccfg(0x8).shcfg(3).privcfg(3).instcfg(3).q);
    auto r = xlate(7, 0x1000);
    ASSERT_EQ(r.status, SMMU_OK);
    EXPECT_EQ(r.memattr, 0xFF);
    EXPECT_EQ(r.sh, NSH);
    r = xlate(7, 1ull << 49, false, 0, false, false, false);
    EXPECT_EQ(r.event, 0x11);
    auto ev = pop_events();
    ASSERT_EQ(ev.size(), 1u);
    e2e::Rec e{ev[0]};
    EXPECT_FALSE(e.pnu());
    EXPECT_FALSE(e.ind());
}

TEST_F(Attrs, SteBypassUsesSteOverrides) {
    bringup();
    uint32_t sid = 60;
    for (const auto &c : kOverrides) {
        install(sid, stu::Ste().v().config(4).mtcfg(c.mtcfg).memattr(c.memattr).alloccfg(c.alloccfg).shcfg(c.shcfg).q);
        for (int pass = 0; pass < 2; pass++) {              // TCU, then the TBU's bypass context
            auto r = xlate(sid, 0x5000'0000);
            ASSERT_EQ(r.status, SMMU_OK) << c.name;
            EXPECT_TRUE(r.bypass);
            EXPECT_EQ(r.memattr, c.mair) << c.name << " pass " << pass;
            EXPECT_EQ(r.sh, c.sh) << c.name << " pass " << pass;
        }
        sid++;
    }
}

// Stage 1 only: MAIR[AttrIndx] and the descriptor's SH; the input hints combine where the input is cacheable.
TEST_F(Attrs, Stage1TakesMairAndCombinesInputHints) {
    bringup();
    // MAIR: 0 WB RW-alloc, 1 NC, 2 Device-nGnRE, 3 iNC-oWB, 4 WT RA, 5 0xF0 (Tagged WB), 6 WB transient RW.
    const uint64_t mair = 0xFFull | 0x44ull << 8 | 0x04ull << 16 | 0xF4ull << 24 | 0xAAull << 32 | 0xF0ull << 40 |
                          0x77ull << 48;
    struct Case { const char *name; unsigned alloccfg; bool mtcfg; unsigned memattr; unsigned idx, sh; uint8_t mair, osh; };
    const Case cases[] = {
        {"WB ISH", 0, false, 0, 0, ISH, 0xFF, ISH},
        {"WB NSH", 0, false, 0, 0, NSH, 0xFF, NSH},
        {"NC is OSH", 0, false, 0, 1, ISH, 0x44, OSH},
        {"Device is OSH", 0, false, 0, 2, NSH, 0x04, OSH},
        {"iNC-oWB keeps SH", 0, false, 0, 3, ISH, 0xF4, ISH},
        {"WT RA", 0, false, 0, 4, OSH, 0xAA, OSH},
        {"Tagged WB", 0, false, 0, 5, ISH, 0xFF, ISH},
        {"input no-allocate pulls WB down", 0x8, false, 0, 0, ISH, 0xCC, ISH},
        {"input transient makes WB transient", 0xF, false, 0, 0, ISH, 0x77, ISH},
        {"input NC: stage-1 hints as they are", 0x8, true, 0x5, 6, ISH, 0x77, ISH},
        {"input Device type replaced by stage 1", 0, true, 0x0, 0, ISH, 0xFF, ISH},
    };
    uint32_t sid = 90;
    for (const auto &c : cases) {
        uint64_t ttb = s1_stream(sid, [&](stu::Ste &s) { s.alloccfg(c.alloccfg).mtcfg(c.mtcfg).memattr(c.memattr); }, mair);
        tables.map(ttb, 0x3000, 0x7000'3000, s1_page(c.idx, c.sh));
        for (int pass = 0; pass < 2; pass++) {              // walk, then a micro-TLB hit
            auto r = xlate(sid, 0x3010);
            ASSERT_EQ(r.status, SMMU_OK) << c.name;
            EXPECT_EQ(r.source, pass ? SMMU_SRC_UTLB : SMMU_SRC_WALK);
            EXPECT_EQ(r.memattr, c.mair) << c.name << " pass " << pass;
            EXPECT_EQ(r.sh, c.osh) << c.name << " pass " << pass;
        }
        sid++;
    }
}

// Stage 2 only: the input (with the STE overrides) combines with stage 2 (13.5: Combine(STE.{MemAttr,MTCFG},
// S2 MemAttr)); two streams sharing a VMID and a TLB entry each get their own combination.
TEST_F(Attrs, Stage2OnlyCombinesTheStreamInputWithStage2) {
    bringup();
    struct Case { const char *name; bool mtcfg; unsigned memattr, shcfg; unsigned s2attr, s2sh; uint8_t mair, sh; };
    const Case cases[] = {
        {"WB + WB ISH", false, 0, 1, 0xF, ISH, 0xFF, ISH},
        {"WB NSH + WB NSH", false, 0, 1, 0xF, NSH, 0xFF, NSH},
        {"SHCFG OSH + WB ISH", false, 0, 2, 0xF, ISH, 0xFF, OSH},
        {"WB + NC", false, 0, 1, 0x5, ISH, 0x44, OSH},
        {"WB + WT", false, 0, 1, 0xA, ISH, 0xBB, ISH},
        {"WB + oWT-iWB", false, 0, 1, 0xB, ISH, 0xBF, ISH},
        {"WB + Device-nGRE", false, 0, 1, 0x2, ISH, 0x08, OSH},
        {"NC + WB", true, 0x5, 1, 0xF, ISH, 0x44, OSH},
        {"WT + WB keeps WT", true, 0xA, 3, 0xF, NSH, 0xBB, ISH},
        {"Device-GRE + Device-nGnRE", true, 0x3, 1, 0x1, ISH, 0x04, OSH},
        {"Device-nGnRnE + WB", true, 0x0, 1, 0xF, ISH, 0x00, OSH},
    };
    uint32_t sid = 120;
    for (const auto &c : cases) {
        uint64_t s2ttb = tables.alloc();
        tables.map(s2ttb, 0x4000'0000, 0x9000'0000, s2_page(c.s2attr, c.s2sh));
        install(sid, stu::linux_s2(s2ttb, (uint16_t)sid).mtcfg(c.mtcfg).memattr(c.memattr).shcfg(c.shcfg).q);
        for (int pass = 0; pass < 2; pass++) {
            auto r = xlate(sid, 0x4000'0100);
            ASSERT_EQ(r.status, SMMU_OK) << c.name;
            EXPECT_EQ(r.pa, 0x9000'0100u);
            EXPECT_EQ(r.memattr, c.mair) << c.name << " pass " << pass;
            EXPECT_EQ(r.sh, c.sh) << c.name << " pass " << pass;
        }
        sid++;
    }
    // Same VMID, same stage-2 tables: one stream NC by MTCFG, one using the incoming type.
    uint64_t s2ttb = tables.alloc();
    tables.map(s2ttb, 0x4000'0000, 0x9000'0000, s2_page(0xF, ISH));
    install(200, stu::linux_s2(s2ttb, 77).q);
    install(201, stu::linux_s2(s2ttb, 77).mtcfg(true).memattr(0x5).q);
    auto a = xlate(200, 0x4000'0000);
    auto b = xlate(201, 0x4000'0000);
    ASSERT_EQ(a.status, SMMU_OK);
    ASSERT_EQ(b.status, SMMU_OK);
    EXPECT_EQ(b.source, SMMU_SRC_UTLB) << "the second stream hits the entry the first one filled";
    EXPECT_EQ(a.memattr, 0xFF);
    EXPECT_EQ(b.memattr, 0x44);
    EXPECT_EQ(b.sh, OSH);
}

// Nested: stage 1 then stage 2 (Arm ARM D8.6.5, D8.6.7.1; S2FWB D8.6.6). The CD and stage-1 tables sit in the
// first GB of IPA space, identity-mapped by a stage-2 WB block; the output IPA page takes the case's MemAttr.
struct Nested : Attrs {
    static constexpr uint64_t kVa = 0x6000, kIpa = 0x4000'6000, kPa = 0x9000'6000;
    // MAIR: 0 WB, 1 NC, 2 Device-nGnRE, 3 Device-nGRE, 4 WT RA-WA, 5 WB no-allocate.
    static constexpr uint64_t kMair = 0xFFull | 0x44ull << 8 | 0x04ull << 16 | 0x08ull << 24 | 0xBBull << 32 | 0xCCull << 40;
    void stream(uint32_t sid, unsigned s1idx, unsigned s1sh, unsigned s2attr, unsigned s2sh, bool fwb) {
        uint64_t s2ttb = tables.alloc();
        mem.w64(tables.slot(s2ttb, 0, 1), 0x401 | 3u << 6 | 3u << 8 | 0xFu << 2);   // FWB: 0b111, stage-1 type
        uint64_t s1ttb = tables.alloc();
        tables.map(s1ttb, kVa, kIpa, s1_page(s1idx, s1sh));
        tables.map(s2ttb, kIpa, kPa, s2_page(s2attr, s2sh));
        write_cd(cd_at(sid), stu::linux_cd(s1ttb, sid).mair(kMair).q);
        stu::Ste ste = stu::linux_s2(s2ttb, (uint16_t)sid);
        ste.config(7).ctxptr(cd_at(sid)).s1cir(1).s1cor(1).s1csh(3).s2fwb(fwb);
        install(sid, ste.q);
    }
};

struct NestedCase { const char *name; unsigned s1idx, s1sh, s2attr, s2sh; uint8_t mair, sh; };

void run_nested(Nested &t, const NestedCase *cases, size_t n, bool fwb, uint32_t sid) {
    for (size_t k = 0; k < n; k++, sid++) {
        const auto &c = cases[k];
        t.stream(sid, c.s1idx, c.s1sh, c.s2attr, c.s2sh, fwb);
        for (int pass = 0; pass < 2; pass++) {
            auto r = t.xlate(sid, Nested::kVa + 8);
            ASSERT_EQ(r.status, SMMU_OK) << c.name << " event " << (int)r.event;
            EXPECT_EQ(r.pa, Nested::kPa + 8);
            EXPECT_EQ(r.memattr, c.mair) << c.name << " pass " << pass;
            EXPECT_EQ(r.sh, c.sh) << c.name << " pass " << pass;
        }
    }
}

TEST_F(Nested, StagesCombine) {
    bringup();
    const NestedCase cases[] = {
        {"WB + WB", 0, ISH, 0xF, ISH, 0xFF, ISH},
        {"WB + NC downgrades", 0, ISH, 0x5, ISH, 0x44, OSH},
        {"WB + WT downgrades, hints kept", 0, ISH, 0xA, ISH, 0xBB, ISH},
        {"WB + oWT-iWB", 0, ISH, 0xB, ISH, 0xBF, ISH},
        {"WB + oNC-iWB", 0, ISH, 0x7, NSH, 0x4F, ISH},
        {"WB no-allocate + WT", 5, ISH, 0xA, ISH, 0x88, ISH},
        {"WT + WB stays WT", 4, ISH, 0xF, ISH, 0xBB, ISH},
        {"NC + WB stays NC", 1, ISH, 0xF, ISH, 0x44, OSH},
        {"Device + WB: Device", 2, ISH, 0xF, ISH, 0x04, OSH},
        {"WB + Device-nGRE: Device", 0, ISH, 0x2, ISH, 0x08, OSH},
        {"Device-nGRE + Device-nGnRE: the stronger", 3, ISH, 0x1, ISH, 0x04, OSH},
        {"Device-nGnRE + Device-GRE: the stronger", 2, ISH, 0x3, ISH, 0x04, OSH},
        {"NSH + OSH", 0, NSH, 0xF, OSH, 0xFF, OSH},
        {"ISH + NSH", 0, ISH, 0xF, NSH, 0xFF, ISH},
        {"OSH + ISH", 0, OSH, 0xF, ISH, 0xFF, OSH},
        {"NSH + NSH", 0, NSH, 0xF, NSH, 0xFF, NSH},
    };
    run_nested(*this, cases, std::size(cases), false, 210);
}

// STE.S2FWB without IDR3.FWB is RES0: the stage-2 MemAttr keeps its FWB=0 meaning.
// IDR3.FWB is 1 from SMMUv3.2 (smmu_create enforces it), so an SMMU without FWB is a v3.1 one.
struct NestedNoFwb : Nested {
    NestedNoFwb() { cfg.fwb = false; cfg.arch_minor = 1; }
};

TEST_F(NestedNoFwb, S2fwbIgnoredWithoutIdr3Fwb) {
    bringup();
    const NestedCase cases[] = {
        {"0b0110 is iWT-oNC", 1, ISH, 0x6, ISH, 0x44, OSH},
        {"0b0110 with WB stage 1", 0, ISH, 0x6, ISH, 0x4B, ISH},
    };
    run_nested(*this, cases, std::size(cases), true, 230);
}

struct NestedFwb : Nested {
    NestedFwb() { cfg.fwb = true; }
};

TEST_F(NestedFwb, StageTwoForcesOrPassesTheType) {
    bringup();
    const NestedCase cases[] = {
        {"0b110 forces WB over NC", 1, ISH, 0x6, ISH, 0xFF, ISH},
        {"0b110 forces WB over Device", 2, ISH, 0x6, OSH, 0xFF, OSH},
        {"0b110 keeps stage-1 hints", 5, ISH, 0x6, ISH, 0xCC, ISH},
        {"0b111 uses stage 1 (WT)", 4, ISH, 0x7, ISH, 0xBB, ISH},
        {"0b111 uses stage 1 (Device)", 2, ISH, 0x7, ISH, 0x04, OSH},
        {"0b101 makes WB NC", 0, ISH, 0x5, ISH, 0x44, OSH},
        {"0b101 keeps Device", 3, ISH, 0x5, ISH, 0x08, OSH},
        {"0b001 is Device-nGnRE", 0, ISH, 0x1, ISH, 0x04, OSH},
        {"0b011 combines with a stronger stage-1 Device", 2, ISH, 0x3, ISH, 0x04, OSH},
    };
    run_nested(*this, cases, std::size(cases), true, 235);
}

} // namespace
