// SPDX-License-Identifier: BSD-3-Clause
// PCIe ATS in the core: Translation Requests per STE.EATS (Full and Split-stage), their Completions, refusals and
// events per SMMU_CR2.REC_CFG_ATS, and Translated transactions per EATS and SMMU_CR0.ATSCHK
// (IHI 0070 3.9.1, 5.2 EATS, 6.3.1 IDR0, 6.3.9 CR0.ATSCHK, 6.3.12 CR2.REC_CFG_ATS, 7.3.6, 7.3.8, 13.6, 13.7).
#include "e2e_util.h"

namespace {

constexpr uint32_t kSid = 3;
constexpr uint64_t kVa = 0x7000, kIpa = 0x4000'0000, kPa = 0x6000'0000;
constexpr uint32_t kCr0On = SMMU_CR0_SMMUEN | SMMU_CR0_CMDQEN | SMMU_CR0_EVENTQEN;
constexpr unsigned kEvtBadAtsTreq = 0x05, kEvtTranslForbidden = 0x07, kEvtBadSte = 0x04, kEvtBadStreamid = 0x02,
                   kEvtBadSubstreamid = 0x08, kEvtStreamDisabled = 0x06, kEvtTranslation = 0x10, kEvtAddrSize = 0x11;

// A stage-1 4KB page (Arm ARM D8.3): AP[2:1] (0 EL1 RW, 1 RW, 2 EL1 RO, 3 RO), PXN, UXN, AF, ISH, AttrIndx 1, nG.
uint64_t s1page(unsigned ap, bool pxn = false, bool uxn = false) {
    return 0x403 | 3u << 8 | (uint64_t)ap << 6 | 1u << 11 | 1u << 2 | (uint64_t)pxn << 53 | (uint64_t)uxn << 54;
}

struct Ats : e2e::Rig {
    e2e::Tables s1{mem};
    e2e::Tables s2{mem};
    uint64_t ttb = 0, s2ttb = 0;

    Ats() { s2.next = 0x3000'0000; }

    // SMMUEN off, CR2 written, back on with ATSCHK as asked (CR2 is read-only while SMMUEN, 6.3.12).
    void ctrl(bool atschk, uint32_t cr2 = SMMU_CR2_RECINVSID) {
        set_cr0(SMMU_CR0_CMDQEN | SMMU_CR0_EVENTQEN);
        w32(SMMU_CR2, cr2);
        EXPECT_EQ(r32(SMMU_CR2), cr2);
        set_cr0(kCr0On | (atschk ? SMMU_CR0_ATSCHK : 0));
    }
    // Stage 1 through one CD (or two, SubstreamIDs 0 and 1, when substreams): kVa -> kIpa with `page`.
    stu::Ste stage1(uint64_t page = e2e::kPageS1, bool substreams = false, stu::Cd *cd_out = nullptr) {
        if (!ttb) ttb = s1.alloc();
        s1.map(ttb, kVa, kIpa, page);
        stu::Cd cd = stu::linux_cd(ttb, 1);
        if (cd_out) cd = *cd_out;
        write_cd(th::kCdBase, cd.q);
        if (substreams) write_cd(th::kCdBase + 64, cd.q);
        return stu::linux_s1(th::kCdBase, substreams ? 1 : 0);
    }
    // Stage 2 identity over the CD and stage-1 tables, kIpa -> kPa.
    void stage2_tables(uint64_t page = e2e::kPageS2) {
        if (!s2ttb) s2ttb = s2.alloc();
        s2.map(s2ttb, th::kCdBase, th::kCdBase, e2e::kPageS2);
        for (uint64_t t = th::kTables; t < s1.next; t += 0x1000) s2.map(s2ttb, t, t, e2e::kPageS2);
        s2.map(s2ttb, kIpa, kPa, page);
    }
    stu::Ste nested(uint64_t s1p = e2e::kPageS1, uint64_t s2p = e2e::kPageS2, bool substreams = false) {
        stu::Ste n = stage1(s1p, substreams);
        stage2_tables(s2p);
        stu::Ste s2ste = stu::linux_s2(s2ttb, 1);
        for (int w : {2, 3}) n.q[w] = s2ste.q[w];
        return n.config(7);
    }
    stu::Ste stage2only(uint64_t s2p = e2e::kPageS2) {
        stage2_tables(s2p);
        return stu::linux_s2(s2ttb, 1);
    }
    smmu_ats_result_t ats(uint32_t sid, uint64_t addr, bool write, uint32_t ssid = 0, bool ssv = false,
                          bool priv = false, bool exe = false) {
        smmu_txn_t q{};
        q.sid = sid; q.addr = addr; q.write = write; q.ssid = ssid; q.ssv = ssv; q.priv = priv; q.instr = exe;
        smmu_ats_result_t r;
        const smmu_ats_status_t st = smmu_ats_translate(smmu, &q, &r);
        EXPECT_EQ(st, r.status);
        return r;
    }
    smmu_result_t translated(uint32_t sid, uint64_t addr, bool write = false, uint32_t ssid = 0, bool ssv = false) {
        smmu_txn_t q{};
        q.sid = sid; q.addr = addr; q.write = write; q.ssid = ssid; q.ssv = ssv; q.at = SMMU_AT_TRANSLATED;
        smmu_result_t r;
        smmu_translate(smmu, &q, &r);
        return r;
    }
    smmu_global_stats_t gstats() { smmu_global_stats_t g; smmu_global_stats(smmu, &g); return g; }
};

const char *name(smmu_ats_status_t s) { return s == SMMU_ATS_SUCCESS ? "Success" : s == SMMU_ATS_UR ? "UR" : "CA"; }

// 6.3.1, 6.3.9, 6.3.12: the default SMMU advertises ATS (with Split-stage and the extended event set);
// CR0.ATSCHK and CR2.REC_CFG_ATS take their values. Without ATS they are RES0 and CMD_ATC_INV is ILLEGAL.
TEST(AtsRegs, DefaultAdvertisesAts) {
    Ats t;
    t.bringup();
    const uint32_t idr0 = t.r32(SMMU_IDR0);
    EXPECT_TRUE(idr0 & SMMU_IDR0_ATS);
    EXPECT_FALSE(idr0 & SMMU_IDR0_NS1ATS) << "Split-stage ATS supported";
    EXPECT_TRUE(idr0 & SMMU_IDR0_ATSRECERR);
    t.ctrl(true, SMMU_CR2_REC_CFG_ATS | SMMU_CR2_RECINVSID);
    EXPECT_EQ(t.r32(SMMU_CR0) & SMMU_CR0_ATSCHK, SMMU_CR0_ATSCHK);
    EXPECT_EQ(t.r32(SMMU_CR0ACK) & SMMU_CR0_ATSCHK, SMMU_CR0_ATSCHK);

    Ats n;
    n.cfg.ats = n.cfg.pri = false;
    n.bringup();
    EXPECT_FALSE(n.r32(SMMU_IDR0) & (SMMU_IDR0_ATS | SMMU_IDR0_ATSRECERR));
    n.set_cr0(SMMU_CR0_CMDQEN | SMMU_CR0_EVENTQEN);
    n.w32(SMMU_CR2, SMMU_CR2_REC_CFG_ATS);
    EXPECT_EQ(n.r32(SMMU_CR2), 0u);
    n.set_cr0(kCr0On);
    smmu_txn_t q{};
    smmu_ats_result_t r;
    EXPECT_EQ(smmu_ats_translate(n.smmu, &q, &r), SMMU_ATS_UR) << "no ATS interface";
    EXPECT_FALSE(r.recorded);
}

// 5.2 EATS / SteIllegal: Split-stage needs Config 0b111 and S2S == 0; Full ATS is ILLEGAL with S2S when stage 2
// translates; EATS is IGNORED for Config 0b100 and without IDR0.ATS; 0b11 without DPT behaves as 0b00.
TEST(AtsSte, EatsValidity) {
    struct Case {
        const char *name;
        bool ats;
        int shape;      // 1 stage 1, 2 stage 2, 3 nested, 4 bypass
        unsigned eats;
        bool s2s;
        bool bad;
    };
    const Case cases[] = {
        {"S1 EATS=01", true, 1, 1, false, false},
        {"S1 EATS=10", true, 1, 2, false, true},
        {"S2 EATS=10", true, 2, 2, false, true},
        {"nested EATS=10", true, 3, 2, false, false},
        {"nested EATS=10 S2S", true, 3, 2, true, true},
        {"S2 EATS=01 S2S", true, 2, 1, true, true},
        {"nested EATS=01 S2S", true, 3, 1, true, true},
        {"S1 EATS=01 S2S (stage 2 bypassed, v3.2)", true, 1, 1, true, false},
        {"S1 EATS=11", true, 1, 3, false, false},
        {"bypass EATS=10 IGNORED", true, 4, 2, false, false},
        {"no ATS: S1 EATS=10 IGNORED", false, 1, 2, false, false},
    };
    for (const auto &c : cases) {
        Ats t;
        t.cfg.ats = c.ats;
        if (!c.ats) t.cfg.pri = false;   // IDR0.PRI needs IDR0.ATS
        t.bringup();
        stu::Ste s = c.shape == 1 ? t.stage1() : c.shape == 2 ? t.stage2only() : c.shape == 3 ? t.nested()
                                                                : stu::Ste().v().config(4);
        s.eats(c.eats).s2s(c.s2s);
        t.install(kSid, s.q);
        auto r = t.xlate(kSid, c.shape == 2 ? kIpa : kVa);
        if (c.bad) {
            EXPECT_EQ(r.status, SMMU_ABORT) << c.name;
            EXPECT_EQ(r.event, kEvtBadSte) << c.name;
        } else {
            EXPECT_EQ(r.status, SMMU_OK) << c.name;
            EXPECT_EQ(r.event, 0u) << c.name;
        }
    }
}

// 3.9.1.2: which Translation Requests are refused (UR, F_BAD_ATS_TREQ recorded whatever REC_CFG_ATS; silently
// for Config 0b000) and which succeed, per STE.Config, effective EATS and ATSCHK.
TEST(AtsTreq, AllowedOrRefusedPerEats) {
    struct Case {
        const char *name;
        int shape;           // 0 abort STE, 1 stage 1, 3 nested, 4 bypass
        unsigned eats;
        bool atschk, smmuen;
        smmu_ats_status_t status;
        unsigned event;      // recorded
        uint64_t addr;       // Success: the translated address
    };
    const Case cases[] = {
        {"S1 EATS=00", 1, 0, true, true, SMMU_ATS_UR, kEvtBadAtsTreq, 0},
        {"S1 EATS=01", 1, 1, false, true, SMMU_ATS_SUCCESS, 0, kIpa},
        {"S1 EATS=11 (no DPT: 0b00)", 1, 3, true, true, SMMU_ATS_UR, kEvtBadAtsTreq, 0},
        {"nested EATS=01: the PA", 3, 1, false, true, SMMU_ATS_SUCCESS, 0, kPa},
        {"nested EATS=10 ATSCHK=1: the IPA", 3, 2, true, true, SMMU_ATS_SUCCESS, 0, kIpa},
        {"nested EATS=10 ATSCHK=0: 0b00", 3, 2, false, true, SMMU_ATS_UR, kEvtBadAtsTreq, 0},
        {"Config 0b000", 0, 1, true, true, SMMU_ATS_UR, 0, 0},
        {"Config 0b100", 4, 1, true, true, SMMU_ATS_UR, kEvtBadAtsTreq, 0},
        {"SMMUEN=0", 1, 1, false, false, SMMU_ATS_UR, kEvtBadAtsTreq, 0},
    };
    for (const auto &c : cases) {
        Ats t;
        t.bringup();
        stu::Ste s = c.shape == 1 ? t.stage1() : c.shape == 3 ? t.nested() : c.shape == 4 ? stu::Ste().v().config(4)
                                                                 : stu::Ste().v().config(0);
        t.install(kSid, s.eats(c.eats).q);
        t.ctrl(c.atschk);
        if (!c.smmuen) t.set_cr0(SMMU_CR0_CMDQEN | SMMU_CR0_EVENTQEN);
        const uint64_t before = t.gstats().translations;
        auto r = t.ats(kSid, kVa, true);
        EXPECT_EQ(r.status, c.status) << c.name << ": " << name(r.status);
        EXPECT_EQ(r.recorded, c.event != 0) << c.name;
        auto ev = t.pop_events();
        ASSERT_EQ(ev.size(), c.event ? 1u : 0u) << c.name;
        if (c.event) {
            EXPECT_EQ(r.event, c.event) << c.name;
            EXPECT_EQ(th::evt::id(ev[0]), c.event) << c.name;
            EXPECT_EQ(th::evt::sid(ev[0]), kSid) << c.name;
            EXPECT_EQ(ev[0][2], kVa) << c.name << ": InputAddr";
        }
        if (c.status == SMMU_ATS_SUCCESS) {
            EXPECT_EQ(r.addr, c.addr) << c.name;
            EXPECT_EQ(r.size_log2, 12u) << c.name;
            EXPECT_TRUE(r.read && r.write) << c.name;
            EXPECT_FALSE(r.untranslated || r.global) << c.name;
            EXPECT_GT(r.cycles, 0u) << c.name;
        }
        EXPECT_EQ(t.gstats().ats_translations, 1u) << c.name;
        EXPECT_EQ(t.gstats().translations, before) << c.name << ": not counted as traffic";
    }
}

// 13.6.4 / 13.6.5: a request without a PASID that skips stage 1 (S1DSS bypass): identity R = W = 1 when stage 2
// is off; stage-2-only (Full ATS: the PA) or the identity IPA (Split-stage) when it translates.
TEST(AtsTreq, SkippingStage1) {
    {
        Ats t;
        t.bringup();
        t.install(kSid, t.stage1(e2e::kPageS1, true).s1dss(1).eats(1).q);
        auto r = t.ats(kSid, 0x1234'5000, true);
        EXPECT_EQ(r.status, SMMU_ATS_SUCCESS);
        EXPECT_EQ(r.addr, 0x1234'5000u);
        EXPECT_TRUE(r.read && r.write);
        EXPECT_FALSE(r.exec || r.priv);
    }
    for (unsigned eats : {1u, 2u}) {
        Ats t;
        t.bringup();
        t.install(kSid, t.nested(e2e::kPageS1, e2e::kPageS2, true).s1dss(1).eats(eats).q);
        t.ctrl(true);
        auto r = t.ats(kSid, kIpa + 0x123, false);
        EXPECT_EQ(r.status, SMMU_ATS_SUCCESS) << eats;
        EXPECT_EQ(r.addr, eats == 1 ? kPa : kIpa) << eats;
        EXPECT_EQ(r.size_log2, 12u) << eats;
        EXPECT_TRUE(r.read && r.write) << eats;
    }
}

// 13.7, 13.7.1: the permissions a Completion grants, for the effective privilege (PRIVCFG) and with INSTCFG;
// Priv is the request's; Exe only when asked and implies R; an XO page gives nothing unless INSTCFG = Instruction.
TEST(AtsTreq, CompletionPermissions) {
    struct Case {
        const char *name;
        uint64_t page;
        unsigned privcfg, instcfg;
        bool nw, exe, priv;
        bool r, w, x;
    };
    const Case cases[] = {
        {"RW page, NW=1", s1page(1), 0, 0, true, false, false, true, true, false},
        {"RW page, NW=0 Exe", s1page(1), 0, 0, false, true, false, true, true, true},
        {"RO page, NW=0", s1page(3), 0, 0, false, false, false, true, false, false},
        {"RW UXN, Exe", s1page(1, false, true), 0, 0, false, true, false, true, true, false},
        {"EL1-only page, unprivileged", s1page(0, true, true), 0, 0, false, false, false, false, false, false},
        {"EL1-only page, Priv", s1page(0, false, true), 0, 0, false, true, true, true, true, true},
        {"EL1-only page, PRIVCFG=Privileged", s1page(0, true, true), 3, 0, false, false, false, true, true, false},
        {"EL1-only page, Priv, PRIVCFG=Unprivileged", s1page(0, true, true), 2, 0, false, false, true, false, false,
         false},
        {"EL0 XO page, Exe", s1page(0, true, false), 0, 0, true, true, false, false, false, false},
        {"EL0 XO page, Exe, INSTCFG=Instruction", s1page(0, true, false), 0, 3, true, true, false, true, false, true},
        {"EL0 XO page, Exe, INSTCFG=Data", s1page(0, true, false), 0, 2, true, true, false, false, false, false},
        {"RW UXN, Exe, INSTCFG=Data", s1page(1, false, true), 0, 2, false, true, false, true, true, true},
    };
    for (const auto &c : cases) {
        Ats t;
        t.bringup();
        t.install(kSid, t.stage1(c.page, true).privcfg(c.privcfg).instcfg(c.instcfg).eats(1).q);
        auto r = t.ats(kSid, kVa + 0x10, !c.nw, 1, true, c.priv, c.exe);
        EXPECT_EQ(r.status, SMMU_ATS_SUCCESS) << c.name;
        EXPECT_EQ(r.read, c.r) << c.name;
        EXPECT_EQ(r.write, c.w) << c.name;
        EXPECT_EQ(r.exec, c.x) << c.name;
        EXPECT_EQ(r.priv, c.priv) << c.name << ": as requested";
        EXPECT_FALSE(r.global) << c.name << ": a PASID request";
        EXPECT_EQ(r.addr, c.r || c.w ? kIpa : 0) << c.name;
        EXPECT_EQ(r.size_log2, 12u) << c.name;
        EXPECT_FALSE(r.recorded) << c.name;
        EXPECT_TRUE(t.pop_events().empty()) << c.name;
    }
    // Without a PASID, Priv and Exe are not requested (13.7.1): the EL1-only page gives nothing.
    Ats t;
    t.bringup();
    t.install(kSid, t.stage1(s1page(0, false, false)).eats(1).q);
    auto r = t.ats(kSid, kVa, false, 0, false, true, true);
    EXPECT_EQ(r.status, SMMU_ATS_SUCCESS);
    EXPECT_FALSE(r.read || r.write || r.exec || r.priv);
}

// 3.9.1.2: translation-related faults at either stage answer Success with R = W = 0 and an STU-sized region, no
// event recorded and no stall (CD.S, CD.A = 0 RAZ/WI, STE.S2R); a stage-1 result with no access is not walked
// at stage 2.
TEST(AtsTreq, TranslationFaultsAreSuccessWithNoAccess) {
    struct Case {
        const char *name;
        int kind;            // 0 unmapped S1 (CD.S), 1 CD.A=0 unmapped, 2 S2 unmapped output, 3 S1 no access,
                             // 4 AF = 0 without HA, 5 S1DSS bypass beyond the IAS
        unsigned event;      // the fault found (not recorded)
    };
    const Case cases[] = {
        {"stage 1 unmapped, CD.S=1", 0, kEvtTranslation},
        {"stage 1 unmapped, CD.A=0", 1, kEvtTranslation},
        {"stage 2 unmapped output IPA", 2, kEvtTranslation},
        {"stage 1 no access: stage 2 not walked", 3, 0x13},
        {"Access flag fault", 4, 0x12},
        {"stage 1 skipped, address beyond the IAS", 5, kEvtAddrSize},
    };
    for (const auto &c : cases) {
        Ats t;
        t.bringup();
        stu::Ste s;
        if (c.kind <= 1) {
            s = t.stage1();
            stu::Cd cd = stu::linux_cd(t.ttb, 1);
            if (c.kind == 0) cd.s(true); else cd.a(false);
            t.write_cd(th::kCdBase, cd.q);
        } else if (c.kind == 4) {
            s = t.stage1(e2e::kPageS1 & ~(1ull << 10));
        } else if (c.kind == 5) {
            s = t.stage1(e2e::kPageS1, true).s1dss(1);
        } else if (c.kind == 2) {
            s = t.nested(e2e::kPageS1, 0);                                    // stage-2 leaf invalid
        } else {
            s = t.nested(s1page(0, true, true));
            t.mem.abort_range(t.s2.slot(t.s2ttb, kIpa) & ~0xFFFull, 0x1000);  // walking stage 2 for kIpa aborts
        }
        t.install(kSid, s.eats(1).q);
        auto r = t.ats(kSid, c.kind == 0 || c.kind == 1 ? 0x9000 : c.kind == 5 ? 1ull << 50 : kVa, true);
        EXPECT_EQ(r.status, SMMU_ATS_SUCCESS) << c.name;
        EXPECT_FALSE(r.read || r.write || r.exec) << c.name;
        EXPECT_EQ(r.size_log2, 12u) << c.name << ": STU";
        EXPECT_EQ(r.event, c.event) << c.name;
        EXPECT_FALSE(r.recorded) << c.name;
        EXPECT_TRUE(t.pop_events().empty()) << c.name;
    }
}

// 3.9.1.2: configuration errors answer CA; the event is recorded only with CR2.REC_CFG_ATS (and C_BAD_STREAMID
// only with RECINVSID as well).
TEST(AtsTreq, ConfigurationErrorsAreCompleterAbort) {
    struct Case {
        const char *name;
        int kind;            // 0 invalid STE, 1 SID beyond the table, 2 PASID on stage 2, 3 S1DSS terminate,
                             // 4 table walk external abort, 5 CD fetch external abort
        unsigned event;
        uint32_t cr2;
        bool recorded;
    };
    const uint32_t ext = SMMU_CR2_REC_CFG_ATS | SMMU_CR2_RECINVSID;
    const Case cases[] = {
        {"C_BAD_STE, base set", 0, kEvtBadSte, SMMU_CR2_RECINVSID, false},
        {"C_BAD_STE, REC_CFG_ATS", 0, kEvtBadSte, ext, true},
        {"C_BAD_STREAMID, REC_CFG_ATS", 1, kEvtBadStreamid, ext, true},
        {"C_BAD_STREAMID, REC_CFG_ATS without RECINVSID", 1, kEvtBadStreamid, SMMU_CR2_REC_CFG_ATS, false},
        {"C_BAD_STREAMID, RECINVSID only", 1, kEvtBadStreamid, SMMU_CR2_RECINVSID, false},
        {"C_BAD_SUBSTREAMID, REC_CFG_ATS", 2, kEvtBadSubstreamid, ext, true},
        {"F_STREAM_DISABLED, base set", 3, kEvtStreamDisabled, 0, false},
        {"F_STREAM_DISABLED, REC_CFG_ATS", 3, kEvtStreamDisabled, ext, true},
        {"F_WALK_EABT, base set", 4, 0x0B, SMMU_CR2_RECINVSID, false},
        {"F_WALK_EABT, REC_CFG_ATS", 4, 0x0B, ext, true},
        {"F_CD_FETCH, REC_CFG_ATS", 5, 0x09, ext, true},
    };
    for (const auto &c : cases) {
        Ats t;
        t.bringup();
        uint32_t sid = kSid;
        bool ssv = false;
        if (c.kind == 0) t.install(kSid, th::ste::invalid());
        if (c.kind == 1) sid = 1u << t.strtab_log2;
        if (c.kind == 2) { t.install(kSid, t.stage2only().eats(1).q); ssv = true; }
        if (c.kind == 3) t.install(kSid, t.stage1(e2e::kPageS1, true).s1dss(0).eats(1).q);
        if (c.kind >= 4) {
            t.install(kSid, t.stage1().eats(1).q);
            t.mem.abort_range(c.kind == 4 ? t.s1.slot(t.ttb, kVa) & ~0xFFFull : th::kCdBase, 0x1000);
        }
        t.ctrl(false, c.cr2);
        auto r = t.ats(sid, kVa, false, 1, ssv);
        EXPECT_EQ(r.status, SMMU_ATS_CA) << c.name << ": " << name(r.status);
        EXPECT_EQ(r.event, c.event) << c.name;
        EXPECT_EQ(r.recorded, c.recorded) << c.name;
        auto ev = t.pop_events();
        ASSERT_EQ(ev.size(), c.recorded ? 1u : 0u) << c.name;
        if (c.recorded) {
            EXPECT_EQ(th::evt::id(ev[0]), c.event) << c.name;
            EXPECT_EQ(th::evt::sid(ev[0]), sid) << c.name;
        }
    }
}

// 3.9.1 / 13.7: HTTU on a Translation Request: NW = 0 makes a writable-clean page dirty and grants W; NW = 1
// does not mark it dirty and grants no W.
TEST(AtsTreq, HttuDirtyOnlyWithWriteIntent) {
    for (bool nw : {true, false}) {
        Ats t;
        t.bringup();
        const uint64_t clean = (s1page(3) | 1ull << 51) & ~(1ull << 10);   // RO + DBM (writable-clean), AF = 0
        t.ttb = t.s1.alloc();
        stu::Cd cd = stu::linux_cd(t.ttb, 1).ha(true).hd(true);
        t.install(kSid, t.stage1(clean, false, &cd).eats(1).q);
        auto r = t.ats(kSid, kVa, !nw);
        EXPECT_EQ(r.status, SMMU_ATS_SUCCESS) << nw;
        EXPECT_TRUE(r.read) << nw;
        EXPECT_EQ(r.write, !nw) << nw;
        const uint64_t d = t.mem.r64(t.s1.slot(t.ttb, kVa));
        EXPECT_TRUE(d & 1u << 10) << nw << ": AF set";
        EXPECT_EQ((d >> 7) & 1, nw ? 1u : 0u) << nw << ": AP[2] cleared (dirty) only with NW = 0";
    }
    // A Completion granting nothing (an EL1-only page, unprivileged request) leaves AF alone.
    Ats t;
    t.bringup();
    t.ttb = t.s1.alloc();
    stu::Cd cd = stu::linux_cd(t.ttb, 1).ha(true).hd(true);
    t.install(kSid, t.stage1(s1page(0, true, true) & ~(1ull << 10), false, &cd).eats(1).q);
    auto r = t.ats(kSid, kVa, true);
    EXPECT_EQ(r.status, SMMU_ATS_SUCCESS);
    EXPECT_FALSE(r.read || r.write);
    EXPECT_FALSE(t.mem.r64(t.s1.slot(t.ttb, kVa)) & 1u << 10) << "AF still 0";
}

// A Translation Request costs what a TBU miss costs beyond the TBU's own lookups (DTI round trip, configuration
// and walk in the TCU); it fills and hits the TCU's caches, never a TBU's TLBs.
TEST(AtsTreq, UsesTheTcuCaches) {
    Ats t, u;                                          // u: the same SMMU and stream, for a traffic miss
    for (Ats *x : {&t, &u}) {
        x->cfg.tcu_tlb = {64, 4, SMMU_REPL_LRU, 4};
        x->bringup();
        x->install(kSid, x->stage1().eats(1).q);
    }
    auto a = t.ats(kSid, kVa, true);
    smmu_cache_stats_t utlb, tcu;
    ASSERT_TRUE(smmu_cache_stats(t.smmu, SMMU_STRUCT_UTLB, -1, -1, &utlb));
    EXPECT_EQ(utlb.lookups, 0u) << "no TBU lookup";
    auto m = u.xlate(kSid, kVa, true);
    ASSERT_EQ(m.status, SMMU_OK);
    EXPECT_EQ(a.cycles + t.cfg.utlb.latency + t.cfg.main_tlb.latency, m.cycles);
    EXPECT_EQ(a.mem_reads, m.mem_reads);
    auto b = t.ats(kSid, kVa + 0x80, true);            // TCU TLB hit
    EXPECT_EQ(b.addr, kIpa);
    EXPECT_LT(b.cycles, a.cycles);
    EXPECT_EQ(b.mem_reads, 0u);
    ASSERT_TRUE(smmu_cache_stats(t.smmu, SMMU_STRUCT_TCU_TLB, -1, -1, &tcu));
    EXPECT_GE(tcu.hits, 1u);
    EXPECT_EQ(t.gstats().ats_translations, 2u);
}

// 3.9.1.3: Translated transactions. ATSCHK = 0: they bypass with no lookup; ATSCHK = 1: checked against the
// effective EATS (F_TRANSL_FORBIDDEN), Full ATS bypasses, Split-stage is translated at stage 2 (its faults
// recorded as for any transaction); SMMUEN = 0 always forbids them.
TEST(AtsTranslated, CheckedPerEatsAndAtschk) {
    struct Case {
        const char *name;
        int shape;           // 0 abort, 1 stage 1, 3 nested, 4 bypass
        unsigned eats;
        bool atschk, smmuen;
        uint64_t addr;
        smmu_status_t status;
        uint64_t pa;
        unsigned event;
        bool recorded;
    };
    const Case cases[] = {
        {"ATSCHK=0, EATS=00: bypass", 1, 0, false, true, 0x8000'1234, SMMU_OK, 0x8000'1234, 0, false},
        {"ATSCHK=0, abort STE: bypass", 0, 0, false, true, 0x8000'1234, SMMU_OK, 0x8000'1234, 0, false},
        {"ATSCHK=0, beyond the OAS: abort", 1, 1, false, true, 1ull << 48, SMMU_ABORT, 0, 0, false},
        {"SMMUEN=0", 1, 1, false, false, 0x1000, SMMU_ABORT, 0, kEvtTranslForbidden, true},
        {"ATSCHK=1, EATS=00", 1, 0, true, true, 0x1000, SMMU_ABORT, 0, kEvtTranslForbidden, true},
        {"ATSCHK=1, EATS=11 (0b00)", 1, 3, true, true, 0x1000, SMMU_ABORT, 0, kEvtTranslForbidden, true},
        {"ATSCHK=1, EATS=01", 1, 1, true, true, 0x8000'1234, SMMU_OK, 0x8000'1234, 0, false},
        {"ATSCHK=1, Config 0b000", 0, 1, true, true, 0x1000, SMMU_ABORT, 0, 0, false},
        {"ATSCHK=1, Config 0b100", 4, 1, true, true, 0x1000, SMMU_ABORT, 0, kEvtTranslForbidden, true},
        {"ATSCHK=1, Split-stage: stage 2", 3, 2, true, true, kIpa + 0x44, SMMU_OK, kPa + 0x44, 0, false},
        {"ATSCHK=1, Split-stage, IPA unmapped", 3, 2, true, true, kIpa + 0x200000, SMMU_ABORT, 0, kEvtTranslation,
         true},
        {"ATSCHK=1, Split-stage, IPA beyond the IAS", 3, 2, true, true, 1ull << 50, SMMU_ABORT, 0, kEvtAddrSize, true},
    };
    for (const auto &c : cases) {
        Ats t;
        t.bringup();
        stu::Ste s = c.shape == 1 ? t.stage1() : c.shape == 3 ? t.nested() : c.shape == 4 ? stu::Ste().v().config(4)
                                                                 : stu::Ste().v().config(0);
        t.install(kSid, s.eats(c.eats).q);
        t.ctrl(c.atschk);
        if (!c.smmuen) t.set_cr0(SMMU_CR0_CMDQEN | SMMU_CR0_EVENTQEN);
        auto r = t.translated(kSid, c.addr, true, 5, true);    // a PASID is ignored (IDR3.PASIDTT == 0)
        EXPECT_EQ(r.status, c.status) << c.name;
        if (c.status == SMMU_OK) { EXPECT_EQ(r.pa, c.pa) << c.name; }
        EXPECT_EQ(r.event, c.event) << c.name;
        EXPECT_EQ(r.recorded, c.recorded) << c.name;
        auto ev = t.pop_events();
        ASSERT_EQ(ev.size(), c.recorded ? 1u : 0u) << c.name;
        if (c.recorded) {
            e2e::Rec e{ev[0]};
            EXPECT_EQ(e.id(), c.event) << c.name;
            EXPECT_EQ(e.sid(), kSid) << c.name;
            EXPECT_EQ(e.input(), c.addr) << c.name;
            EXPECT_FALSE(e.rnw()) << c.name << ": a write";
            EXPECT_FALSE(th::evt::ssv(ev[0])) << c.name;
            if (c.event == kEvtTranslation) {
                EXPECT_TRUE(e.s2()) << c.name;
                EXPECT_EQ(e.ipa(), c.addr & ~0xFFFull) << c.name;
            }
        }
    }
}

// 3.9.1.3: with ATSCHK = 1 a configuration error of a Translated transaction aborts it; the event is recorded
// only with REC_CFG_ATS, and C_BAD_STREAMID does not depend on RECINVSID.
TEST(AtsTranslated, ConfigurationErrorsPerRecCfgAts) {
    struct Case {
        const char *name;
        bool bad_sid;
        uint32_t cr2;
        unsigned event;
        bool recorded;
    };
    const Case cases[] = {
        {"C_BAD_STE, base set", false, SMMU_CR2_RECINVSID, kEvtBadSte, false},
        {"C_BAD_STE, REC_CFG_ATS", false, SMMU_CR2_REC_CFG_ATS, kEvtBadSte, true},
        {"C_BAD_STREAMID, REC_CFG_ATS without RECINVSID", true, SMMU_CR2_REC_CFG_ATS, kEvtBadStreamid, true},
        {"C_BAD_STREAMID, RECINVSID only", true, SMMU_CR2_RECINVSID, kEvtBadStreamid, false},
    };
    for (const auto &c : cases) {
        Ats t;
        t.bringup();
        t.install(kSid, th::ste::invalid());
        t.ctrl(true, c.cr2);
        const uint32_t sid = c.bad_sid ? 1u << t.strtab_log2 : kSid;
        auto r = t.translated(sid, 0x1000);
        EXPECT_EQ(r.status, SMMU_ABORT) << c.name;
        EXPECT_EQ(r.event, c.event) << c.name;
        EXPECT_EQ(r.recorded, c.recorded) << c.name;
        EXPECT_EQ(t.pop_events().size(), c.recorded ? 1u : 0u) << c.name;
    }
}

// 13.7: under Split-stage ATS, STE.INSTCFG/PRIVCFG apply to a Translated transaction before its stage-2 checks
// (a Data, Unprivileged transaction without them).
TEST(AtsTranslated, SplitStageOverridesReachStage2) {
    struct Case {
        const char *name;
        unsigned instcfg;
        smmu_status_t status;
        unsigned event;
    };
    const Case cases[] = {
        {"Data: stage-2 XN does not matter", 0, SMMU_OK, 0},
        {"INSTCFG = Instruction: stage-2 XN faults", 3, SMMU_ABORT, 0x13},
    };
    for (const auto &c : cases) {
        Ats t;
        t.bringup();
        t.install(kSid, t.nested(e2e::kPageS1, e2e::kPageS2 | 2ull << 53).instcfg(c.instcfg).eats(2).q);  // XN = 0b10
        t.ctrl(true);
        auto r = t.translated(kSid, kIpa + 0x10);
        EXPECT_EQ(r.status, c.status) << c.name;
        EXPECT_EQ(r.event, c.event) << c.name;
        if (c.event) {
            auto ev = t.pop_events();
            ASSERT_EQ(ev.size(), 1u) << c.name;
            e2e::Rec e{ev[0]};
            EXPECT_TRUE(e.s2() && e.ind() && e.rnw()) << c.name;
        }
    }
}

// A Full-ATS stream's context in the TBU passes later Translated transactions without a TCU round trip.
TEST(AtsTranslated, FullAtsPassesFromTheTbuContext) {
    Ats t;
    t.bringup();
    t.install(kSid, t.stage1().eats(1).q);
    t.ctrl(true);
    auto first = t.translated(kSid, 0x9000);
    ASSERT_EQ(first.status, SMMU_OK);
    EXPECT_GE(first.cycles, t.cfg.link_tbu_to_tcu + t.cfg.link_tcu_to_tbu) << "configuration from the TCU";
    ASSERT_EQ(t.ats(kSid, kVa, false).status, SMMU_ATS_SUCCESS);   // the stream's context is now known
    auto later = t.translated(kSid, 0x9000);
    EXPECT_EQ(later.status, SMMU_OK);
    EXPECT_EQ(later.pa, 0x9000u);
    EXPECT_EQ(later.cycles, t.cfg.utlb.latency);
}

} // namespace
