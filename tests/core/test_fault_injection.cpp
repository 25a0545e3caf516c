// SPDX-License-Identifier: BSD-3-Clause
// Fault injection in the host memory callbacks: every single table, STE, CD, queue and MSI access of a
// nested (stage 1 + stage 2) translation through a 2-level stream table and a 2-level CD table is made to
// fail in turn, and the architected outcome is checked (IHI 0070 7.3.4 F_STE_FETCH, 7.3.10 F_CD_FETCH,
// 7.3.12 F_WALK_EABT with S2/CLASS, 7.1 CERROR_ABT, 7.2 EVTQ_ABT_ERR, 6.3.17 MSI abort bits), with nothing
// else disturbed: one record, no GERROR, and the same translation succeeds once the fault is gone.
#include <map>
#include <set>

#include "e2e_util.h"
#include "walk_util.h"

namespace {

constexpr uint64_t kL1Strtab = th::kStrtab + 0x100000;   // STRTAB_BASE: 2-level, SPLIT 8
constexpr uint64_t kL2Strtab = th::kStrtab + 0x200000;   // STEs of SIDs 0x100..0x1FF
constexpr uint64_t kL1Cd = th::kCdBase;                   // L1CD table (IPA == PA)
constexpr uint64_t kLeafCd = th::kCdBase + 0x1000;        // CDs of SSIDs 0x40..0x7F
constexpr uint64_t kS1Tables = th::kTables;               // stage-1 tables (IPA == PA)
constexpr uint64_t kS2Tables = th::kTables + 0x4000000;   // stage-2 tables (PA)
constexpr uint64_t kVa = 0x40001000, kIpa = 0x50000000, kPa = 0x60000000;
constexpr uint32_t kSid = 0x105, kSsid = 0x43;

enum class Kind { L1STD, STE, L1CD, CD, S1, S2 };

Kind kind_of(uint64_t pa) {
    if (pa >= kL1Strtab && pa < kL1Strtab + 0x1000) return Kind::L1STD;
    if (pa >= kL2Strtab && pa < kL2Strtab + 0x10000) return Kind::STE;
    if (pa >= kL1Cd && pa < kL1Cd + 0x1000) return Kind::L1CD;
    if (pa >= kLeafCd && pa < kLeafCd + 0x1000) return Kind::CD;
    if (pa >= kS2Tables) return Kind::S2;
    return Kind::S1;
}

struct FaultRig : th::Smmu {
    struct Access { uint64_t pa; size_t len; bool write; };
    std::vector<Access> log;
    bool logging = false;
    uint64_t fail_pa = ~0ull;   // the next read of exactly this address fails (once)
    bool fail_write_len32 = false, fail_msi = false;
    uint64_t msi_fail_pa = ~0ull;

    void TestBody() override {}

    static int rd(void *ctx, uint64_t pa, void *dst, size_t len) {
        auto *r = static_cast<FaultRig *>(ctx);
        if (r->logging) r->log.push_back({pa, len, false});
        if (pa == r->fail_pa) { r->fail_pa = ~0ull; return -1; }
        if (r->mem.aborted(pa, len, false)) return -1;
        r->mem.read(pa, dst, len);
        return 0;
    }
    static int wr(void *ctx, uint64_t pa, const void *src, size_t len) {
        auto *r = static_cast<FaultRig *>(ctx);
        if (r->logging) r->log.push_back({pa, len, true});
        if (r->mem.aborted(pa, len, true)) return -1;
        r->mem.write(pa, src, len);
        return 0;
    }
    static void irq(void *ctx, smmu_irq_t line, bool level) {
        auto *r = static_cast<FaultRig *>(ctx);
        if (level && (unsigned)line < 4) r->mem.irq_edges[line]++;
    }

    bool httu_af = false;   // stage-1 leaf with AF 0 and CD.HA 1: the SMMU updates the descriptor

    void make() {
        smmu_host_t h{this, rd, wr, irq, nullptr, nullptr};
        char err[256] = "";
        smmu = smmu_create(&cfg, &h, err, sizeof err);
        ASSERT_NE(smmu, nullptr) << err;
        bringup(false);
        // 2-level stream table: L1 descriptor 1 (SIDs 0x100-0x1FF), Span 9 (256 STEs).
        w64(0x80, kL1Strtab);
        w32(0x88, 1u << 16 | 8u << 6 | 16u);
        mem.w64(kL1Strtab + 8, kL2Strtab | 9);
        e2e::Tables s1(mem), s2(mem);
        s2.next = kS2Tables;
        uint64_t s1ttb = s1.alloc(), s2ttb = s2.alloc();
        s1.map(s1ttb, kVa, kIpa, httu_af ? e2e::kPageS1 & ~0x400ull : e2e::kPageS1);
        // Stage 2: identity for the CD and stage-1 table pages, kIpa -> kPa for the data.
        for (uint64_t p = kL1Cd; p <= kLeafCd; p += 0x1000) s2.map(s2ttb, p, p, e2e::kPageS2);
        for (uint64_t p = kS1Tables; p < s1.next; p += 0x1000) s2.map(s2ttb, p, p, e2e::kPageS2);
        s2.map(s2ttb, kIpa, kPa, e2e::kPageS2);
        // STE: nested, CDs in a 2-level table with 4KB leaves (S1Fmt 1), 256 SSIDs.
        stu::Ste ste = stu::linux_s2(s2ttb, 7);
        ste.config(7).s1fmt(1).ctxptr(kL1Cd).cdmax(8).s1dss(0).s1cir(1).s1cor(1).s1csh(3);
        for (int i = 0; i < 8; i++) mem.w64(kL2Strtab + (kSid & 0xFF) * 64ull + 8 * i, ste.q[i]);
        mem.w64(kL1Cd + (kSsid >> 6) * 8, kLeafCd | 1);       // L1CD: V, L2Ptr
        write_cd(kLeafCd + (kSsid & 0x3F) * 64ull, stu::linux_cd(s1ttb, 9).ha(httu_af).q);
        submit({th::cmd::cfgi_all(), th::cmd::tlbi_nsnh_all()});
        sync();
        set_cr0(0xD);
    }
    void invalidate_all() {
        submit({th::cmd::cfgi_all(), th::cmd::tlbi_nsnh_all()});
        sync();
    }
    smmu_result_t go(bool write = false) { return xlate(kSid, kVa + 0x24, write, kSsid, true); }
};

struct FaultInjection : ::testing::Test {};

// Every distinct memory read of a cold nested translation, failed in turn.
TEST_F(FaultInjection, EveryTranslationReadFailsWithTheArchitectedEvent) {
    FaultRig r;
    r.make();
    ASSERT_FALSE(HasFatalFailure());
    r.logging = true;
    smmu_result_t golden = r.go();
    r.logging = false;
    ASSERT_EQ(golden.status, SMMU_OK);
    ASSERT_EQ(golden.pa, kPa + 0x24);
    std::vector<FaultRig::Access> reads;
    std::map<uint64_t, bool> seen;
    for (const auto &a : r.log)
        if (!a.write && !seen[a.pa]) { seen[a.pa] = true; reads.push_back(a); }
    std::map<Kind, int> kinds;
    for (const auto &a : reads) kinds[kind_of(a.pa)]++;
    ASSERT_EQ(kinds[Kind::L1STD], 1);
    ASSERT_EQ(kinds[Kind::STE], 1);
    ASSERT_EQ(kinds[Kind::L1CD], 1);
    ASSERT_EQ(kinds[Kind::CD], 1);
    ASSERT_EQ(kinds[Kind::S1], 4);
    ASSERT_GE(kinds[Kind::S2], 4);
    r.pop_events();
    std::set<unsigned> s2_classes;
    for (size_t i = 0; i < reads.size(); i++) {
        const uint64_t pa = reads[i].pa;
        const Kind k = kind_of(pa);
        // A stage-2 descriptor serves the next non-stage-2 read: a CD (CLASS CD), a stage-1 descriptor (TT),
        // or, after the last stage-1 descriptor, the output IPA (IN).
        unsigned cls = 2;
        for (size_t j = i + 1; j < r.log.size(); j++) {
            Kind n = kind_of(r.log[j].pa);
            if (r.log[j].write || n == Kind::S2) continue;
            cls = (n == Kind::L1CD || n == Kind::CD) ? 0 : 1;
            break;
        }
        if (k == Kind::S2) {   // classify by the first occurrence in the full log
            for (size_t j = 0; j < r.log.size(); j++)
                if (r.log[j].pa == pa) {
                    cls = 2;
                    for (size_t m = j + 1; m < r.log.size(); m++) {
                        Kind n = kind_of(r.log[m].pa);
                        if (r.log[m].write || n == Kind::S2) continue;
                        cls = (n == Kind::L1CD || n == Kind::CD) ? 0 : 1;
                        break;
                    }
                    break;
                }
        }
        SCOPED_TRACE(testing::Message() << "read " << i << " at 0x" << std::hex << pa << " kind " << (int)k);
        r.invalidate_all();
        r.fail_pa = pa;
        uint32_t gerror = r.r32(0x60);
        smmu_result_t res = r.go();
        EXPECT_EQ(res.status, SMMU_ABORT);
        EXPECT_TRUE(res.recorded);
        auto ev = r.pop_events();
        ASSERT_EQ(ev.size(), 1u);
        e2e::Rec rec{ev[0]};
        EXPECT_EQ(rec.sid(), kSid);
        EXPECT_EQ(r.r32(0x60), gerror) << "no global error";
        switch (k) {
        case Kind::L1STD: case Kind::STE:   // 7.3.4: FetchAddr is the STE or L1STD address
            EXPECT_EQ(rec.id(), 0x03u);
            EXPECT_EQ(ev[0][3], pa);
            break;
        case Kind::L1CD: case Kind::CD:      // 7.3.10: FetchAddr is the PA of the CD or L1CD fetch
            EXPECT_EQ(rec.id(), 0x09u);
            EXPECT_EQ(ev[0][3], pa);
            EXPECT_EQ(th::evt::ssid(ev[0]), kSsid);
            EXPECT_TRUE(th::evt::ssv(ev[0]));
            break;
        case Kind::S1:                       // 7.3.12: stage-1 descriptor: S2 0, CLASS TT
            EXPECT_EQ(rec.id(), 0x0Bu);
            EXPECT_FALSE(rec.s2());
            EXPECT_EQ(rec.cls(), 1u);
            EXPECT_EQ(rec.input(), kVa + 0x24);
            EXPECT_EQ(ev[0][3], pa);
            break;
        case Kind::S2:                       // 7.3.12: stage-2 descriptor: S2 1, CLASS of what it translated
            s2_classes.insert(cls);
            EXPECT_EQ(rec.id(), 0x0Bu);
            EXPECT_TRUE(rec.s2());
            EXPECT_EQ(rec.cls(), cls);
            EXPECT_EQ(rec.input(), kVa + 0x24);
            EXPECT_EQ(ev[0][3], pa);
            break;
        }
        // Nothing cached from the failed walk: the same translation succeeds without any invalidation.
        smmu_result_t again = r.go();
        EXPECT_EQ(again.status, SMMU_OK);
        EXPECT_EQ(again.pa, kPa + 0x24);
        EXPECT_TRUE(r.pop_events().empty());
        EXPECT_EQ(r.r32(0x9C) & 0x7F000000u, 0u);
    }
    EXPECT_EQ(s2_classes, (std::set<unsigned>{0, 1, 2})) << "stage-2 aborts for a CD, a stage-1 table and the output";
    EXPECT_GE(reads.size(), 12u);
}

// An HTTU Access-flag update that aborts is an F_WALK_EABT too (7.3.12 "fetching (or updating)"): stage 1,
// CLASS TT, FetchAddr the descriptor; the descriptor keeps AF 0 and the retry succeeds once writes work.
TEST_F(FaultInjection, HttuUpdateAbortIsWalkEabt) {
    FaultRig r;
    r.httu_af = true;
    r.make();
    ASSERT_FALSE(HasFatalFailure());
    r.mem.abort_range(kS1Tables, 0x100000, false, true);
    smmu_result_t res = r.go();
    EXPECT_EQ(res.status, SMMU_ABORT);
    auto ev = r.pop_events();
    ASSERT_EQ(ev.size(), 1u);
    e2e::Rec rec{ev[0]};
    EXPECT_EQ(rec.id(), 0x0Bu);
    EXPECT_FALSE(rec.s2());
    EXPECT_EQ(rec.cls(), 1u);
    uint64_t leaf = ev[0][3];
    EXPECT_EQ(kind_of(leaf), Kind::S1);
    EXPECT_EQ(r.mem.r64(leaf) & 0x400, 0u);
    EXPECT_EQ(r.r32(0x60) ^ r.r32(0x64), 0u);
    r.mem.aborts.clear();
    res = r.go();
    EXPECT_EQ(res.status, SMMU_OK);
    EXPECT_EQ(res.pa, kPa + 0x24);
    EXPECT_EQ(r.mem.r64(leaf) & 0x400, 0x400u) << "AF set by HTTU";
}

// A command fetch that aborts: CMDQ_CONS.ERR = CERROR_ABT, RD at the command, GERROR.CMDQ_ERR (7.1); after
// GERRORN acknowledges it, consumption restarts at the same command.
TEST_F(FaultInjection, CommandFetchAbortIsCerrorAbt) {
    FaultRig r;
    r.make();
    ASSERT_FALSE(HasFatalFailure());
    uint32_t n = 1u << r.cmdq_log2, slot = r.cmd_prod & (n - 1);
    r.mem.abort_range(th::kCmdq + slot * 16, 16, true, false);
    uint32_t cons = r.submit({th::cmd::sync()});
    EXPECT_EQ(cons, 2u << 24 | (r.cmd_prod - 1));
    uint32_t gerror = r.r32(0x60);
    EXPECT_EQ((gerror ^ r.r32(0x64)) & 0x1FDu, 1u) << "CMDQ_ERR only";
    r.mem.aborts.clear();
    r.w32(0x64, gerror);
    EXPECT_EQ(r.r32(0x9C) & 0x00FFFFFFu, r.cmd_prod);
    EXPECT_EQ(r.go().status, SMMU_OK) << "translation unaffected";
}

// An event record write that aborts: GERROR.EVTQ_ABT_ERR, PROD does not move, later events are discarded
// until acknowledged (7.2); then recording resumes.
TEST_F(FaultInjection, EventWriteAbortIsEvtqAbtErr) {
    FaultRig r;
    r.make();
    ASSERT_FALSE(HasFatalFailure());
    uint32_t prod = r.r32(0x100A8);
    r.mem.abort_range(th::kEvtq, 32u << r.evtq_log2, false, true);
    smmu_result_t res = r.xlate(3, 0x1000);   // abort STE: no record; invalid SID range -> C_BAD_STREAMID
    (void)res;
    res = r.xlate(0xFFFF, 0x1000);
    EXPECT_EQ(res.status, SMMU_ABORT);
    EXPECT_FALSE(res.recorded);
    EXPECT_EQ(r.r32(0x100A8), prod);
    uint32_t gerror = r.r32(0x60);
    EXPECT_EQ((gerror ^ r.r32(0x64)) & 0x1FDu, 1u << 2) << "EVTQ_ABT_ERR only";
    r.mem.aborts.clear();
    res = r.xlate(0xFFFF, 0x1000);
    EXPECT_FALSE(res.recorded) << "discarded while EVTQ_ABT_ERR is active";
    r.w32(0x64, gerror);
    res = r.xlate(0xFFFF, 0x1000);
    EXPECT_TRUE(res.recorded);
    auto ev = r.pop_events();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(th::evt::id(ev[0]), 0x02u);
    EXPECT_EQ(r.go().status, SMMU_OK);
}

// MSI writes that abort set their GERROR.MSI_*_ABT_ERR bit (6.3.17) and nothing else.
struct MsiCase { const char *name; uint32_t gerror_bit; };

TEST_F(FaultInjection, MsiWriteAbortsSetTheirGerrorBit) {
    const uint64_t kMsiCmd = 0x70000000, kMsiEvt = 0x70001000, kMsiGerr = 0x70002000;
    const MsiCase cases[] = {{"CMD_SYNC", 1u << 4}, {"EVENTQ", 1u << 5}, {"GERROR", 1u << 7}};
    for (const auto &c : cases) {
        SCOPED_TRACE(c.name);
        FaultRig r;
        r.make();
        ASSERT_FALSE(HasFatalFailure());
        r.w32(0x50, 0);
        r.w64(0xB0, kMsiEvt);    // EVENTQ_IRQ_CFG0
        r.w64(0x68, kMsiGerr);   // GERROR_IRQ_CFG0
        r.w32(0x50, 0x5);
        r.mem.abort_range(c.gerror_bit == 1u << 4 ? kMsiCmd : c.gerror_bit == 1u << 5 ? kMsiEvt : kMsiGerr, 4, false, true);
        uint32_t g0 = r.r32(0x60);
        if (c.gerror_bit == 1u << 4) {
            uint32_t cons = r.submit({th::cmd::sync(1, kMsiCmd, 0x1234)});   // CS = SIG_IRQ with an MSI
            EXPECT_EQ(cons & 0x7F000000u, 0u) << "the CMD_SYNC completes";
            EXPECT_EQ(cons & 0xFFFFFu, r.cmd_prod);
        } else if (c.gerror_bit == 1u << 5) {
            EXPECT_TRUE(r.xlate(0xFFFF, 0).recorded);   // an event: queue goes non-empty, MSI aborts
            EXPECT_EQ(r.pop_events().size(), 1u);
        } else {
            r.mem.abort_range(th::kCmdq, 16u << r.cmdq_log2, true, false);   // CMDQ_ERR raises the GERROR MSI
            r.submit({th::cmd::sync()});
            r.mem.aborts.erase(r.mem.aborts.end() - 1);
        }
        uint32_t active = (r.r32(0x60) ^ r.r32(0x64)) & 0x1FDu;
        uint32_t expect = c.gerror_bit | (c.gerror_bit == 1u << 7 ? 1u : 0u);   // the GERROR case also has CMDQ_ERR
        EXPECT_EQ(active, expect) << std::hex << "GERROR 0x" << r.r32(0x60) << " was 0x" << g0;
    }
}

} // namespace
