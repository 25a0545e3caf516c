// SPDX-License-Identifier: BSD-3-Clause
// Address Translation Operations (IHI 0070 chapter 9): the GATOS registers and the VATOS page, results (PA and
// attributes) and every fault class in SMMU_GATOS_PAR, the TYPE variants, and that a request fills the caches
// but records no event, never stalls and is not counted as traffic.
#include "e2e_util.h"

namespace {

constexpr uint64_t PAGE_S1_RW = e2e::kPageS1;                                   // AttrIndx 1: MAIR 0xFF, ISH
constexpr uint64_t PAGE_S1_RO = PAGE_S1_RW | 1u << 7;
constexpr uint64_t PAGE_S2_RW = e2e::kPageS2;
constexpr uint64_t AF = 1u << 10;
constexpr unsigned S1 = SMMU_ATOS_TYPE_S1, S2 = SMMU_ATOS_TYPE_S2, S12 = SMMU_ATOS_TYPE_S12;
constexpr uint64_t READ = SMMU_ATOS_ADDR_RNW, PRIV = SMMU_ATOS_ADDR_PNU, INSTR = SMMU_ATOS_ADDR_IND,
                   HTTUI = SMMU_ATOS_ADDR_HTTUI;

struct Par {
    uint64_t v;
    bool fault() const { return v & SMMU_ATOS_PAR_FAULT; }
    unsigned code() const { return (unsigned)SMMU_FIELD_GET(v, SMMU_ATOS_PAR_FAULTCODE); }
    unsigned reason() const { return (unsigned)SMMU_FIELD_GET(v, SMMU_ATOS_PAR_REASON); }
    uint64_t faddr() const { return v & SMMU_ATOS_PAR_FADDR_MASK; }
    uint64_t addr() const { return v & SMMU_ATOS_PAR_ADDR_MASK; }
    unsigned attr() const { return (unsigned)SMMU_FIELD_GET(v, SMMU_ATOS_PAR_ATTR); }
    unsigned sh() const { return (unsigned)SMMU_FIELD_GET(v, SMMU_ATOS_PAR_SH); }
    bool size() const { return v & SMMU_ATOS_PAR_SIZE; }
};

struct Atos : e2e::Rig {
    e2e::Tables tables{mem};
    static constexpr uint64_t K = 0x1000'0000;       // nested: PA = IPA + K for the CD and the stage-1 tables

    uint64_t cd_at(uint32_t sid) { return th::kCdBase + sid * 64ull; }
    uint64_t s1_stream(uint32_t sid, stu::Cd cd = stu::Cd(), stu::Ste ste = stu::Ste()) {
        uint64_t ttb = tables.alloc();
        if (cd.q[0] == 0) cd = stu::linux_cd(ttb, sid);
        else cd.ttb0(ttb);
        write_cd(cd_at(sid), cd.q);
        if (ste.q[0] == 0) ste = stu::linux_s1(cd_at(sid));
        install(sid, ste.q);
        return ttb;
    }
    // One request through the group at `base` (GATOS_CTRL or VATOS_CTRL): SID, ADDR, RUN; RUN reads 0 at once.
    Par run(uint64_t base, uint32_t sid, uint64_t addr, unsigned type, uint64_t flags = READ, uint32_t ssid = 0,
            bool ssv = false) {
        w64(base + 8, sid | (uint64_t)ssid << 32 | (ssv ? SMMU_ATOS_SID_SSID_VALID : 0));
        w64(base + 0x10, (addr & ~0xFFFull) | SMMU_FIELD_PREP(SMMU_ATOS_ADDR_TYPE, type) | flags);
        w32(base, SMMU_ATOS_CTRL_RUN);
        EXPECT_EQ(r32(base), 0u) << "RUN completes within the write";
        return Par{r64(base + 0x18)};
    }
    Par atos(uint32_t sid, uint64_t addr, unsigned type, uint64_t flags = READ, uint32_t ssid = 0, bool ssv = false) {
        return run(SMMU_GATOS_CTRL, sid, addr, type, flags, ssid, ssv);
    }

    // A nested stream (as in test_xlate): va -> out_ipa -> out_pa; CD and stage-1 tables at IPA = PA - K.
    struct Nested { uint64_t s2ttb, cd_ipa, va, out_ipa, out_pa, l3_ipa; };
    Nested nested(uint32_t sid, uint16_t vmid, bool s2ha = false) {
        Nested n{};
        n.s2ttb = tables.alloc();
        uint64_t s1ttb_pa = tables.alloc(), cd_pa = tables.alloc();
        n.cd_ipa = cd_pa - K;
        tables.map(n.s2ttb, n.cd_ipa, cd_pa, PAGE_S2_RW);
        tables.map(n.s2ttb, s1ttb_pa - K, s1ttb_pa, PAGE_S2_RW);
        n.va = 0x12'3456'7000;
        n.out_ipa = 0x5000'0000;
        n.out_pa = 0xA000'0000;
        uint64_t table_pa = s1ttb_pa;
        for (unsigned level = 0; level < 3; level++) {
            uint64_t next_pa = tables.alloc();
            tables.map(n.s2ttb, next_pa - K, next_pa, PAGE_S2_RW);
            mem.w64(table_pa + ((n.va >> (39 - 9 * level)) & 0x1FF) * 8, (next_pa - K) | 3);
            table_pa = next_pa;
        }
        n.l3_ipa = table_pa - K;
        mem.w64(table_pa + ((n.va >> 12) & 0x1FF) * 8, n.out_ipa | PAGE_S1_RW);
        tables.map(n.s2ttb, n.out_ipa, n.out_pa, PAGE_S2_RW);
        write_cd(cd_pa, stu::linux_cd(s1ttb_pa - K, sid).q);
        stu::Ste ste = stu::linux_s2(n.s2ttb, vmid);
        ste.config(7).ctxptr(n.cd_ipa).s1cir(1).s1cor(1).s1csh(3).s2ha(s2ha);
        install(sid, ste.q);
        return n;
    }
    void unmap_s2(uint64_t s2ttb, uint64_t ipa, uint16_t vmid) {
        mem.w64(tables.slot(s2ttb, ipa), 0);
        submit({e2e::tlbi_s12_vmall(vmid)});
        sync();
    }
};

TEST_F(Atos, DefaultAdvertisesGatosWithoutVatos) {
    create();
    EXPECT_TRUE(r32(SMMU_IDR0) & SMMU_IDR0_ATOS);
    EXPECT_FALSE(r32(SMMU_IDR0) & SMMU_IDR0_VATOS);
    EXPECT_EQ(r32(SMMU_IDR2), 0u);
    // SID: StreamID above SIDSIZE (16) and ADDR[5:0] are RES0; PAR is read-only; no VATOS page or VATOS_SEL.
    w64(SMMU_GATOS_SID, ~0ull);
    EXPECT_EQ(r64(SMMU_GATOS_SID), 0xFFFFull | 0xFFFFFull << 32 | SMMU_ATOS_SID_SSID_VALID);
    w64(SMMU_GATOS_ADDR, ~0ull);
    EXPECT_EQ(r64(SMMU_GATOS_ADDR), ~0x3Full);
    w32(SMMU_GATOS_ADDR + 4, 0x1234);                 // 32-bit half of a 64-bit register
    EXPECT_EQ(r64(SMMU_GATOS_ADDR), 0x1234ull << 32 | 0xFFFFFFC0ull);
    w64(SMMU_GATOS_PAR, ~0ull);
    EXPECT_EQ(r64(SMMU_GATOS_PAR), 0u);
    w32(SMMU_VATOS_SEL, 5);
    EXPECT_EQ(r32(SMMU_VATOS_SEL), 0u);
    EXPECT_EQ(smmu_reg_read(smmu, SMMU_VATOS_SID, 8), 0u);
    // RUN is Guarded by SMMUEN: ignored while SMMUEN == 0, PAR untouched.
    w32(SMMU_GATOS_CTRL, SMMU_ATOS_CTRL_RUN);
    EXPECT_EQ(r32(SMMU_GATOS_CTRL), 0u);
    EXPECT_EQ(r64(SMMU_GATOS_PAR), 0u);
}

TEST_F(Atos, RegistersAbsentWithoutAtos) {
    cfg.atos = false;
    create();
    EXPECT_FALSE(r32(SMMU_IDR0) & SMMU_IDR0_ATOS);
    for (uint32_t off : {SMMU_GATOS_SID, SMMU_GATOS_ADDR}) {
        w64(off, ~0ull);
        EXPECT_EQ(r64(off), 0u) << std::hex << off;
    }
}

TEST_F(Atos, Stage1ResultAddressAndAttributes) {
    bringup();
    // STE overrides (MemAttr Device, PRIVCFG unprivileged) do not apply to ATOS (9.1.3, 9.1.4).
    stu::Ste ste = stu::linux_s1(cd_at(1));
    ste.mtcfg(true).memattr(0x1).privcfg(2);
    uint64_t ttb = s1_stream(1, stu::Cd(), ste);
    tables.map(ttb, 0x7F0000'1000, 0x8000'5000, PAGE_S1_RW & ~(1u << 6));   // EL1 only (AP[1] = 0)
    mem.w64(tables.slot(ttb, 0x4000'0000, 2), 0x1'0020'0000ull | (PAGE_S1_RW & ~2ull));   // a 2 MB block
    Par p = atos(1, 0x7F0000'1234, S1, READ | PRIV);
    ASSERT_FALSE(p.fault()) << std::hex << p.v;
    EXPECT_EQ(p.addr(), 0x8000'5000u);
    EXPECT_FALSE(p.size());
    EXPECT_EQ(p.attr(), 0xFFu);                       // MAIR[1] of the CD: Normal WB RA-WA
    EXPECT_EQ(p.sh(), 3u);                            // ISH
    EXPECT_EQ(p.v, 0xFFull << 56 | 0x8000'5000ull | 3u << 8);
    // PnU comes from ATOS_ADDR, not STE.PRIVCFG: PnU = 0 on the EL1-only page is a permission fault.
    Par u = atos(1, 0x7F0000'1234, S1, READ);
    EXPECT_TRUE(u.fault());
    EXPECT_EQ(u.code(), SMMU_EVT_F_PERMISSION);
    // A 2 MB block: Size = 1 and the lowest set ADDR bit (20) gives 2^21.
    Par b = atos(1, 0x4000'0000 + 0x12'3000, S1);
    ASSERT_FALSE(b.fault());
    EXPECT_TRUE(b.size());
    EXPECT_EQ(b.addr(), 0x1'0020'0000ull | 1ull << 20);
    EXPECT_TRUE(pop_events().empty());
}

TEST_F(Atos, FaultClassesOfAStage1Stream) {
    struct Case {
        const char *name;
        void (*setup)(Atos &, uint64_t ttb);
        uint32_t sid;
        uint64_t va, flags;
        uint32_t ssid;
        bool ssv;
        unsigned type, code;
    };
    const Case cases[] = {
        {"unmapped: F_TRANSLATION", nullptr, 2, 0x5555'0000, READ, 0, false, S1, SMMU_EVT_F_TRANSLATION},
        {"write to read-only: F_PERMISSION", nullptr, 2, 0x2000, 0, 0, false, S1, SMMU_EVT_F_PERMISSION},
        {"execute of a UXN page: F_PERMISSION", nullptr, 2, 0x3000, READ | INSTR, 0, false, S1, SMMU_EVT_F_PERMISSION},
        {"AF = 0 without HA: F_ACCESS", nullptr, 2, 0x4000, READ, 0, false, S1, SMMU_EVT_F_ACCESS},
        {"output beyond IPS 44: F_ADDR_SIZE", nullptr, 2, 0x5000, READ, 0, false, S1, SMMU_EVT_F_ADDR_SIZE},
        {"table read aborts: F_WALK_EABT", [](Atos &t, uint64_t ttb) { t.mem.abort_range(ttb, 0x1000, true, false); },
         2, 0x1000, READ, 0, false, S1, SMMU_EVT_F_WALK_EABT},
        {"StreamID beyond the table: C_BAD_STREAMID", nullptr, 0x1000, 0x1000, READ, 0, false, S1, SMMU_EVT_C_BAD_STREAMID},
        {"STE read aborts: F_STE_FETCH", [](Atos &t, uint64_t) { t.mem.abort_range(th::kStrtab + 64 * 2, 64, true, false); },
         2, 0x1000, READ, 0, false, S1, SMMU_EVT_F_STE_FETCH},
        {"invalid STE: C_BAD_STE", [](Atos &t, uint64_t) { t.install(2, th::ste::invalid()); },
         2, 0x1000, READ, 0, false, S1, SMMU_EVT_C_BAD_STE},
        {"invalid CD: C_BAD_CD", [](Atos &t, uint64_t) { t.write_cd(t.cd_at(2), th::Qwords8{}); },
         2, 0x1000, READ, 0, false, S1, SMMU_EVT_C_BAD_CD},
        {"CD read aborts: F_CD_FETCH", [](Atos &t, uint64_t) { t.mem.abort_range(t.cd_at(2), 64, true, false); },
         2, 0x1000, READ, 0, false, S1, SMMU_EVT_F_CD_FETCH},
        {"SubstreamID without substreams: C_BAD_SUBSTREAMID", nullptr, 2, 0x1000, READ, 3, true, S1, SMMU_EVT_C_BAD_SUBSTREAMID},
        {"no SubstreamID, S1DSS terminate: F_STREAM_DISABLED",
         [](Atos &t, uint64_t) { t.install(2, stu::linux_s1(t.cd_at(2), 4).s1dss(SMMU_STE_S1DSS_TERMINATE).q); },
         2, 0x1000, READ, 0, false, S1, SMMU_EVT_F_STREAM_DISABLED},
        {"stage 2 of a stage-1 stream: INV_STAGE", nullptr, 2, 0x1000, READ, 0, false, S2, SMMU_ATOS_INV_STAGE},
        {"both stages of a stage-1 stream: INV_STAGE", nullptr, 2, 0x1000, READ, 0, false, S12, SMMU_ATOS_INV_STAGE},
        {"bypass STE: INV_STAGE", [](Atos &t, uint64_t) { t.install(2, th::ste::bypass()); },
         2, 0x1000, READ, 0, false, S1, SMMU_ATOS_INV_STAGE},
        {"abort STE: INV_STAGE", [](Atos &t, uint64_t) { t.install(2, th::ste::abort_ste()); },
         2, 0x1000, READ, 0, false, S1, SMMU_ATOS_INV_STAGE},
        {"TYPE 0: INV_REQ before the STE", [](Atos &t, uint64_t) { t.install(2, th::ste::invalid()); },
         2, 0x1000, READ, 0, false, 0, SMMU_ATOS_INV_REQ},
        {"stage 2 with a SubstreamID: INV_REQ", nullptr, 2, 0x1000, READ, 1, true, S2, SMMU_ATOS_INV_REQ},
    };
    for (const Case &c : cases) {
        mem = th::Memory();
        tables.next = th::kTables;
        if (smmu) smmu_destroy(smmu);
        smmu = nullptr;
        bringup();
        // CD.A = 0, R = 0, S = 1: traffic would stall or be RAZ/WI unrecorded; ATOS ignores them (9).
        stu::Cd cd = stu::linux_cd(0, 2);
        cd.a(false).r(false).s(true);
        uint64_t ttb = s1_stream(2, cd);
        tables.map(ttb, 0x1000, 0x8000'1000, PAGE_S1_RW);
        tables.map(ttb, 0x2000, 0x8000'2000, PAGE_S1_RO);
        tables.map(ttb, 0x3000, 0x8000'3000, PAGE_S1_RW | 1ull << 54);     // UXN
        tables.map(ttb, 0x4000, 0x8000'4000, PAGE_S1_RW & ~AF);
        tables.map(ttb, 0x5000, 1ull << 44, PAGE_S1_RW);
        if (c.setup) c.setup(*this, ttb);
        smmu_global_stats_t g0, g1;
        smmu_global_stats(smmu, &g0);
        Par p = atos(c.sid, c.va, c.type, c.flags, c.ssid, c.ssv);
        EXPECT_TRUE(p.fault()) << c.name;
        EXPECT_EQ(p.code(), c.code) << c.name;
        EXPECT_EQ(p.reason(), SMMU_ATOS_REASON_S1) << c.name;
        EXPECT_EQ(p.faddr(), 0u) << c.name;
        EXPECT_TRUE(pop_events().empty()) << c.name << ": ATOS records no event";
        smmu_global_stats(smmu, &g1);
        EXPECT_EQ(g1.translations, g0.translations) << c.name;
        EXPECT_EQ(g1.events_recorded, g0.events_recorded) << c.name;
        smmu_stall_state_t st = smmu_stall_query(smmu, 2, 0);
        EXPECT_EQ(st, SMMU_STALL_NONE) << c.name << ": ATOS never stalls";
    }
}

TEST_F(Atos, TypeVariantsOfANestedStream) {
    bringup();
    Nested n = nested(5, 3);
    Par p = atos(5, n.va, S12);
    ASSERT_FALSE(p.fault()) << std::hex << p.v;
    EXPECT_EQ(p.addr(), n.out_pa);
    EXPECT_EQ(p.attr(), 0xFFu);                       // stage 1 WB combined with stage 2 WB
    p = atos(5, n.va, S1);
    ASSERT_FALSE(p.fault()) << std::hex << p.v;
    EXPECT_EQ(p.addr(), n.out_ipa) << "stage 1 only: the IPA";
    EXPECT_EQ(p.attr(), 0xFFu);
    p = atos(5, n.out_ipa, S2);
    ASSERT_FALSE(p.fault()) << std::hex << p.v;
    EXPECT_EQ(p.addr(), n.out_pa) << "stage 2 only: IPA to PA";
    EXPECT_EQ(p.attr(), 0xFFu);                       // stage-2 MemAttr WB with RA = WA = 1
    EXPECT_EQ(p.sh(), 3u);
    // Stage-2 faults: on the final IPA (IN), on a stage-1 table (TT), on the CD fetch (CD).
    p = atos(5, n.out_ipa + 0x1000, S2);
    EXPECT_EQ(p.code(), SMMU_EVT_F_TRANSLATION);
    EXPECT_EQ(p.reason(), SMMU_ATOS_REASON_S2_IN);
    EXPECT_EQ(p.faddr(), 0u);
    p = atos(5, 1ull << 48, S2);                      // beyond the IAS: the stage-1 Address Size fault of 3.4
    EXPECT_EQ(p.code(), SMMU_EVT_F_ADDR_SIZE);
    EXPECT_EQ(p.reason(), SMMU_ATOS_REASON_S1);
    unmap_s2(n.s2ttb, n.out_ipa, 3);
    p = atos(5, n.va, S12);
    EXPECT_EQ(p.code(), SMMU_EVT_F_TRANSLATION);
    EXPECT_EQ(p.reason(), SMMU_ATOS_REASON_S2_IN);
    EXPECT_EQ(p.faddr(), n.out_ipa);
    p = atos(5, n.va, S1);
    ASSERT_FALSE(p.fault()) << "stage 1 does not translate the IPA further";
    EXPECT_EQ(p.addr(), n.out_ipa);
    unmap_s2(n.s2ttb, n.l3_ipa, 3);
    p = atos(5, n.va, S12);
    EXPECT_EQ(p.code(), SMMU_EVT_F_TRANSLATION);
    EXPECT_EQ(p.reason(), SMMU_ATOS_REASON_S2_TT);
    EXPECT_EQ(p.faddr(), n.l3_ipa);
    p = atos(5, n.va, S1);
    EXPECT_EQ(p.code(), SMMU_EVT_F_WALK_EABT) << "synthetic: a stage-2 fault on a stage-1 table walk";
    EXPECT_EQ(p.reason(), SMMU_ATOS_REASON_S1);
    EXPECT_EQ(p.faddr(), 0u);
    unmap_s2(n.s2ttb, n.cd_ipa, 3);
    submit({th::cmd::cfgi_cd(5, 0)});
    sync();
    p = atos(5, n.va, S12);
    EXPECT_EQ(p.code(), SMMU_EVT_F_TRANSLATION);
    EXPECT_EQ(p.reason(), SMMU_ATOS_REASON_S2_CD);
    EXPECT_EQ(p.faddr(), n.cd_ipa);
    p = atos(5, n.va, S1);
    EXPECT_EQ(p.code(), SMMU_EVT_F_CD_FETCH) << "synthetic: a stage-2 fault on the CD fetch";
    EXPECT_EQ(p.reason(), SMMU_ATOS_REASON_S1);
    EXPECT_TRUE(pop_events().empty());
}

// A SubstreamID selects its CD; without one, S1DSS = bypass returns the input address for a stage-1 request and
// lets stage 2 translate it for a stage 1 and 2 request (9.1.3).
TEST_F(Atos, SubstreamsAndS1dssBypass) {
    bringup();
    uint64_t cdtab = th::kCdBase + 0x10000, ttb = tables.alloc(), s2ttb = tables.alloc();
    write_cd(cdtab + 64 * 3, stu::linux_cd(ttb, 3).q);
    tables.map(ttb, 0x1000, 0x8000'3000, PAGE_S1_RW);
    install(7, stu::linux_s1(cdtab, 2).s1dss(SMMU_STE_S1DSS_BYPASS).q);
    Par p = atos(7, 0x1000, S1, READ, 3, true);
    ASSERT_FALSE(p.fault()) << std::hex << p.v;
    EXPECT_EQ(p.addr(), 0x8000'3000u);
    p = atos(7, 0x1234'5000, S1);
    ASSERT_FALSE(p.fault()) << "S1DSS bypass is not INV_STAGE";
    EXPECT_EQ(p.addr(), 0x1234'5000u);
    EXPECT_EQ(atos(7, 0x1000, S1, READ, 4, true).code(), SMMU_EVT_C_BAD_SUBSTREAMID);   // beyond S1CDMax
    stu::Ste nested = stu::linux_s2(s2ttb, 9);
    nested.config(7).ctxptr(cdtab).cdmax(2).s1dss(SMMU_STE_S1DSS_BYPASS).s1cir(1).s1cor(1).s1csh(3);
    tables.map(s2ttb, 0x1234'5000, 0x9999'5000, PAGE_S2_RW);
    install(8, nested.q);
    p = atos(8, 0x1234'5000, S12);
    ASSERT_FALSE(p.fault()) << std::hex << p.v;
    EXPECT_EQ(p.addr(), 0x9999'5000u);
    p = atos(8, 0x1234'5000, S1);
    ASSERT_FALSE(p.fault());
    EXPECT_EQ(p.addr(), 0x1234'5000u);
}

TEST_F(Atos, Stage2OnlyStream) {
    bringup();
    uint64_t s2ttb = tables.alloc();
    install(4, stu::linux_s2(s2ttb, 7).q);
    tables.map(s2ttb, 0x4000'0000, 0x9000'0000, PAGE_S2_RW & ~(1u << 7));   // S2AP read-only
    Par p = atos(4, 0x4000'0ABC, S2);
    ASSERT_FALSE(p.fault());
    EXPECT_EQ(p.addr(), 0x9000'0000u);
    p = atos(4, 0x4000'0000, S2, 0);                  // write
    EXPECT_EQ(p.code(), SMMU_EVT_F_PERMISSION);
    EXPECT_EQ(p.reason(), SMMU_ATOS_REASON_S2_IN);
    p = atos(4, 0x4000'0000, S1);
    EXPECT_EQ(p.code(), SMMU_ATOS_INV_STAGE);
    p = atos(4, 0x4000'0000, S12);
    EXPECT_EQ(p.code(), SMMU_ATOS_INV_STAGE);
}

TEST_F(Atos, StageAvailabilityDecidesInvReq) {
    cfg.s2p = false;
    cfg.hyp = cfg.vmw = false;
    bringup();
    uint64_t ttb = s1_stream(1);
    tables.map(ttb, 0x1000, 0x8000'1000, PAGE_S1_RW);
    EXPECT_FALSE(atos(1, 0x1000, S1).fault());
    EXPECT_EQ(atos(1, 0x1000, S2).code(), SMMU_ATOS_INV_REQ);
    EXPECT_EQ(atos(1, 0x1000, S12).code(), SMMU_ATOS_INV_REQ);
}

TEST_F(Atos, FillsTheCachesButLeavesEventsAndTrafficStatisticsAlone) {
    bringup();
    uint64_t ttb = s1_stream(6);
    tables.map(ttb, 0x6000, 0x4444'6000, PAGE_S1_RW);
    smmu_global_stats_t g0, g1;
    smmu_global_stats(smmu, &g0);
    smmu_cache_stats_t c0, c1;
    ASSERT_TRUE(smmu_cache_stats(smmu, SMMU_STRUCT_MAIN_TLB, 0, -1, &c0));
    ASSERT_FALSE(atos(6, 0x6000, S1).fault());
    EXPECT_EQ(atos(6, 0x7000, S1).code(), SMMU_EVT_F_TRANSLATION);
    smmu_global_stats(smmu, &g1);
    EXPECT_EQ(g1.translations, g0.translations);
    EXPECT_EQ(g1.walks, g0.walks);
    EXPECT_EQ(g1.walk_reads, g0.walk_reads);
    EXPECT_EQ(g1.events_recorded, g0.events_recorded);
    EXPECT_EQ(g1.events_lost, g0.events_lost);
    smmu_stream_stats_t ss{};
    if (smmu_stream_stats(smmu, 6, &ss)) { EXPECT_EQ(ss.translations, 0u); }
    EXPECT_TRUE(pop_events().empty());
    ASSERT_TRUE(smmu_cache_stats(smmu, SMMU_STRUCT_MAIN_TLB, 0, -1, &c1));
    EXPECT_GT(c1.fills, c0.fills) << "ATOS filled the TLB";
    auto r = xlate(6, 0x6010);
    ASSERT_EQ(r.status, SMMU_OK);
    EXPECT_EQ(r.pa, 0x4444'6010u);
    EXPECT_NE(r.source, SMMU_SRC_WALK) << "traffic hits what ATOS filled";
    EXPECT_EQ(r.mem_reads, 0u);
}

TEST_F(Atos, HttuiInhibitsAccessFlagUpdates) {
    bringup();
    stu::Cd cd = stu::linux_cd(0, 11);
    cd.ha(true);
    uint64_t ttb = s1_stream(11, cd);
    tables.map(ttb, 0x1000, 0x3000'1000, PAGE_S1_RW & ~AF);
    Par p = atos(11, 0x1000, S1, READ | HTTUI);
    ASSERT_FALSE(p.fault()) << "AF = 0 behaves as AF = 1";
    EXPECT_FALSE(mem.r64(tables.slot(ttb, 0x1000)) & AF) << "HTTUI: the descriptor is not written";
    EXPECT_EQ(xlate(11, 0x1010).source, SMMU_SRC_WALK) << "nor is the TLB filled";
    tables.map(ttb, 0x2000, 0x3000'2000, PAGE_S1_RW & ~AF);
    ASSERT_FALSE(atos(11, 0x2000, S1).fault());
    EXPECT_TRUE(mem.r64(tables.slot(ttb, 0x2000)) & AF) << "HTTUI = 0: HTTU as for traffic";
}

// HTTUI covers the stage-2 tables behind a nested CD fetch as well (9).
TEST_F(Atos, HttuiCoversTheNestedCdFetch) {
    bringup();
    Nested n = nested(5, 3, true);
    uint64_t cd_s2 = tables.slot(n.s2ttb, n.cd_ipa);
    mem.w64(cd_s2, mem.r64(cd_s2) & ~AF);
    ASSERT_FALSE(atos(5, n.va, S12, READ | HTTUI).fault());
    EXPECT_FALSE(mem.r64(cd_s2) & AF);
    submit({th::cmd::cfgi_cd(5, 0)});
    sync();
    ASSERT_FALSE(atos(5, n.va, S12).fault());
    EXPECT_TRUE(mem.r64(cd_s2) & AF);
}

TEST_F(Atos, VatosPageIsStage1OnlyAndLimitedToItsVmid) {
    cfg.vatos = true;
    bringup();
    EXPECT_TRUE(r32(SMMU_IDR0) & SMMU_IDR0_VATOS);
    EXPECT_EQ(r32(SMMU_IDR2), 0u) << "BA_VATOS 0: the page at 0x20000";
    w32(SMMU_VATOS_SEL, 0xFFFFFFFFu);
    EXPECT_EQ(r32(SMMU_VATOS_SEL), 0xFFFFu);
    w32(SMMU_VATOS_SEL, 5);
    stu::Ste ste = stu::linux_s1(cd_at(1));
    ste.vmid(5);
    uint64_t ttb = s1_stream(1, stu::Cd(), ste);
    tables.map(ttb, 0x1000, 0x8000'1000, PAGE_S1_RW);
    Par p = run(SMMU_VATOS_CTRL, 1, 0x1000, S1);
    ASSERT_FALSE(p.fault()) << std::hex << p.v;
    EXPECT_EQ(p.addr(), 0x8000'1000u);
    EXPECT_EQ(r64(SMMU_GATOS_PAR), 0u) << "the groups are independent";
    EXPECT_EQ(run(SMMU_VATOS_CTRL, 1, 0x1000, S2).code(), SMMU_ATOS_INV_REQ);
    EXPECT_EQ(run(SMMU_VATOS_CTRL, 1, 0x1000, S12).code(), SMMU_ATOS_INV_REQ);
    // Another VMID, an untagged (bypass or EL2) STE: C_BAD_STE; a stage-2-only STE of the VM: INV_STAGE.
    w32(SMMU_VATOS_SEL, 6);
    EXPECT_EQ(run(SMMU_VATOS_CTRL, 1, 0x1000, S1).code(), SMMU_EVT_C_BAD_STE);
    EXPECT_FALSE(atos(1, 0x1000, S1).fault()) << "GATOS is not limited by VATOS_SEL";
    install(2, th::ste::bypass());
    EXPECT_EQ(run(SMMU_VATOS_CTRL, 2, 0x1000, S1).code(), SMMU_EVT_C_BAD_STE);
    stu::Ste el2 = stu::linux_s1(cd_at(3));
    el2.strw(SMMU_STE_STRW_EL2).vmid(6);
    s1_stream(3, stu::Cd(), el2);
    EXPECT_EQ(run(SMMU_VATOS_CTRL, 3, 0x1000, S1).code(), SMMU_EVT_C_BAD_STE);
    install(4, stu::linux_s2(tables.alloc(), 6).q);
    EXPECT_EQ(run(SMMU_VATOS_CTRL, 4, 0x1000, S1).code(), SMMU_ATOS_INV_STAGE);
    EXPECT_TRUE(pop_events().empty());
}

} // namespace
