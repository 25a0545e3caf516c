// SPDX-License-Identifier: BSD-3-Clause
// The translation pipeline end to end through the embedding API: stage 1, stage 2, nested, faults and
// their A/R/S handling, stalls, TLB behaviour, invalidation, debug translations, HTTU and TBI.
#include "e2e_util.h"

namespace {

constexpr uint64_t PAGE_S1_RW = e2e::kPageS1;
constexpr uint64_t PAGE_S1_RO = PAGE_S1_RW | 1u << 7;                             // AP[2] = read-only
constexpr uint64_t PAGE_S2_RW = e2e::kPageS2;

struct Xlate : e2e::Rig {
    e2e::Tables tables{mem};

    uint64_t alloc() { return tables.alloc(); }
    void map(uint64_t ttb, uint64_t va, uint64_t pa, uint64_t bits) { tables.map(ttb, va, pa, bits); }
    uint64_t pte_addr(uint64_t ttb, uint64_t va) { return tables.slot(ttb, va); }

    uint64_t cd_at(uint32_t sid) { return th::kCdBase + sid * 64ull; }
    // Stage-1 stream with the Linux CD (ASID = sid) and a fresh table; returns the TTB.
    uint64_t s1_stream(uint32_t sid, stu::Cd cd = stu::Cd()) {
        uint64_t ttb = alloc();
        if (cd.q[0] == 0) cd = stu::linux_cd(ttb, sid);
        else cd.ttb0(ttb);
        write_cd(cd_at(sid), cd.q);
        install(sid, stu::linux_s1(cd_at(sid)).q);
        return ttb;
    }
    void tlbi_va(uint16_t asid, uint64_t va, bool leaf = true) {
        submit({{th::cmd::TLBI_NH_VA | (uint64_t)asid << 48, (va & ~0xFFFull) | (leaf ? 1 : 0)}});
        sync();
    }
};

using e2e::Rec;

TEST_F(Xlate, Stage1TranslatesAndThenHitsTheMicroTlb) {
    bringup();
    uint64_t ttb = s1_stream(1);
    map(ttb, 0x7F0000'1000, 0x8000'5000, PAGE_S1_RW);
    auto r = xlate(1, 0x7F0000'1234, true);
    ASSERT_EQ(r.status, SMMU_OK);
    EXPECT_EQ(r.pa, 0x8000'5234u);
    EXPECT_EQ(r.source, SMMU_SRC_WALK);
    EXPECT_EQ(r.page_log2, 12);
    EXPECT_GE(r.mem_reads, 4u) << "a cold walk reads four descriptors (plus STE and CD)";
    auto h = xlate(1, 0x7F0000'1FF8, false);
    ASSERT_EQ(h.status, SMMU_OK);
    EXPECT_EQ(h.pa, 0x8000'5FF8u);
    EXPECT_EQ(h.source, SMMU_SRC_UTLB);
    EXPECT_EQ(h.mem_reads, 0u);
    EXPECT_LT(h.cycles, r.cycles);
    EXPECT_EQ(h.cycles, cfg.utlb.latency);
    EXPECT_TRUE(pop_events().empty());
}

TEST_F(Xlate, BlockEntryCoversItsWholeBlock) {
    bringup();
    uint64_t ttb = s1_stream(2);
    mem.w64(tables.slot(ttb, 0x4000'0000, 2), 0x1'0020'0000ull | (PAGE_S1_RW & ~2ull));   // a 2 MB block at level 2
    auto r = xlate(2, 0x4000'0000 + 0x1F'F000);
    ASSERT_EQ(r.status, SMMU_OK);
    EXPECT_EQ(r.pa, 0x1'0020'0000ull + 0x1F'F000);
    EXPECT_EQ(r.page_log2, 21);
    auto h = xlate(2, 0x4000'0000 + 0x12'3450);
    EXPECT_EQ(h.status, SMMU_OK);
    EXPECT_EQ(h.pa, 0x1'0020'0000ull + 0x12'3450);
    EXPECT_NE(h.source, SMMU_SRC_WALK);
}

// A/R/S handling of a stage-1 permission fault (5.5): table of CD flag combinations.
TEST_F(Xlate, Stage1FaultFollowsCdARS) {
    struct Case { bool a, r; smmu_status_t st; bool recorded; };
    const Case cases[] = {
        {true, true, SMMU_ABORT, true}, {true, false, SMMU_ABORT, false},
        {false, true, SMMU_RAZWI, true}, {false, false, SMMU_RAZWI, false},
    };
    bringup();
    uint32_t sid = 10;
    for (const auto &c : cases) {
        uint64_t ttb = alloc();
        stu::Cd cd = stu::linux_cd(ttb, sid);
        cd.a(c.a).r(c.r);
        write_cd(cd_at(sid), cd.q);
        install(sid, stu::linux_s1(cd_at(sid)).q);
        map(ttb, 0x10'0000, 0x20'0000, PAGE_S1_RO);
        auto r = xlate(sid, 0x10'0010, true, 0, false, true);
        EXPECT_EQ(r.status, c.st) << "A=" << c.a << " R=" << c.r;
        EXPECT_EQ(r.event, 0x13);
        auto ev = pop_events();
        ASSERT_EQ(ev.size(), c.recorded ? 1u : 0u);
        if (c.recorded) {
            Rec e{ev[0]};
            EXPECT_EQ(e.id(), 0x13u);
            EXPECT_EQ(th::evt::sid(e.r), sid);
            EXPECT_EQ(e.input(), 0x10'0010u);
            EXPECT_FALSE(e.rnw());
            EXPECT_TRUE(e.pnu());
            EXPECT_FALSE(e.s2());
            EXPECT_FALSE(e.stall());
        }
        // A read of the same page is allowed.
        EXPECT_EQ(xlate(sid, 0x10'0010).status, SMMU_OK);
        sid++;
    }
}

TEST_F(Xlate, UnmappedAddressIsTranslationFault) {
    bringup();
    s1_stream(3);
    auto r = xlate(3, 0x5555'0000, false, 0, false, false, true);
    EXPECT_EQ(r.status, SMMU_ABORT);
    auto ev = pop_events();
    ASSERT_EQ(ev.size(), 1u);
    Rec e{ev[0]};
    EXPECT_EQ(e.id(), 0x10u);
    EXPECT_EQ(e.input(), 0x5555'0000u);
    EXPECT_TRUE(e.rnw());
    EXPECT_TRUE(e.ind());
    EXPECT_FALSE(e.s2());
}

TEST_F(Xlate, Stage2OnlyTranslatesAndFaultsWithIpa) {
    bringup();
    uint64_t s2ttb = alloc();
    install(4, stu::linux_s2(s2ttb, 7).q);
    map(s2ttb, 0x4000'0000, 0x9000'0000, PAGE_S2_RW);
    auto r = xlate(4, 0x4000'0ABC, true);
    ASSERT_EQ(r.status, SMMU_OK);
    EXPECT_EQ(r.pa, 0x9000'0ABCu);
    r = xlate(4, 0x4000'1000);
    EXPECT_EQ(r.status, SMMU_ABORT);
    auto ev = pop_events();
    ASSERT_EQ(ev.size(), 1u);
    Rec e{ev[0]};
    EXPECT_EQ(e.id(), 0x10u);
    EXPECT_TRUE(e.s2());
    EXPECT_EQ(e.cls(), 2u) << "CLASS = IN";
    EXPECT_EQ(e.ipa(), 0x4000'1000u);
}

// Nested: stage-1 tables and the CD live at IPAs that stage 2 maps with an offset.
TEST_F(Xlate, NestedTranslatesThroughBothStagesAndReportsTableFetchFaults) {
    bringup();
    constexpr uint64_t K = 0x1000'0000;              // PA = IPA + K for tables and CD
    uint64_t s2ttb = alloc();
    uint64_t s1ttb_pa = alloc(), cd_pa = alloc();
    uint64_t s1ttb_ipa = s1ttb_pa - K, cd_ipa = cd_pa - K;
    map(s2ttb, cd_ipa, cd_pa, PAGE_S2_RW);
    map(s2ttb, s1ttb_ipa, s1ttb_pa, PAGE_S2_RW);
    // Stage-1 tables below the root are allocated at PAs and mapped into IPA space as they appear.
    uint64_t va = 0x12'3456'7000, out_ipa = 0x5000'0000, out_pa = 0xA000'0000;
    uint64_t table_pa = s1ttb_pa;
    for (unsigned level = 0; level < 3; level++) {
        uint64_t next_pa = alloc();
        map(s2ttb, next_pa - K, next_pa, PAGE_S2_RW);
        mem.w64(table_pa + ((va >> (39 - 9 * level)) & 0x1FF) * 8, (next_pa - K) | 3);
        table_pa = next_pa;
    }
    mem.w64(table_pa + ((va >> 12) & 0x1FF) * 8, out_ipa | PAGE_S1_RW);
    map(s2ttb, out_ipa, out_pa, PAGE_S2_RW);
    stu::Cd cd = stu::linux_cd(s1ttb_ipa, 9);
    write_cd(cd_pa, cd.q);
    stu::Ste ste = stu::linux_s2(s2ttb, 3);
    ste.config(7).ctxptr(cd_ipa).s1cir(1).s1cor(1).s1csh(3);
    install(5, ste.q);
    auto r = xlate(5, va + 0x10);
    ASSERT_EQ(r.status, SMMU_OK) << "event 0x" << std::hex << (int)r.event;
    EXPECT_EQ(r.pa, out_pa + 0x10);

    // Unmap the stage-2 page holding the level-3 stage-1 table: the next walk faults at stage 2, CLASS = TT.
    uint64_t l3_ipa = table_pa - K;
    mem.w64(pte_addr(s2ttb, l3_ipa), 0);
    submit({{th::cmd::TLBI_S12_VMALL | 3ull << 32, 0}});
    sync();
    r = xlate(5, va + 0x20);
    EXPECT_EQ(r.status, SMMU_ABORT);
    auto ev = pop_events();
    ASSERT_EQ(ev.size(), 1u);
    Rec e{ev[0]};
    EXPECT_EQ(e.id(), 0x10u);
    EXPECT_TRUE(e.s2());
    EXPECT_EQ(e.cls(), 1u) << "CLASS = TT";
    EXPECT_EQ(e.ipa(), l3_ipa);
    EXPECT_EQ(e.input(), va + 0x20);
}

TEST_F(Xlate, StallThenResumeRetryOrTerminate) {
    bringup();
    uint64_t ttb = alloc();
    stu::Cd cd = stu::linux_cd(ttb, 6);
    cd.s(true);
    write_cd(cd_at(6), cd.q);
    install(6, stu::linux_s1(cd_at(6)).q);
    auto r = xlate(6, 0x7000);
    ASSERT_EQ(r.status, SMMU_STALL);
    auto ev = pop_events();
    ASSERT_EQ(ev.size(), 1u);
    Rec e{ev[0]};
    EXPECT_TRUE(e.stall());
    EXPECT_EQ(e.stag(), r.stag);
    EXPECT_EQ(smmu_stall_query(smmu, 6, r.stag), SMMU_STALL_PENDING);
    // Software maps the page and resumes with retry: the retried transaction translates.
    map(ttb, 0x7000, 0x6000'0000, PAGE_S1_RW);
    submit({{th::cmd::RESUME | 1u << 12 | 6ull << 32, r.stag}});
    sync();
    EXPECT_EQ(smmu_stall_query(smmu, 6, r.stag), SMMU_STALL_RETRY);
    smmu_stall_release(smmu, 6, r.stag);
    auto rr = xlate(6, 0x7000);
    EXPECT_EQ(rr.status, SMMU_OK);
    EXPECT_EQ(rr.pa, 0x6000'0000u);

    // A second stall terminated with Abort = 1, and a third by CMD_STALL_TERM.
    auto s2 = xlate(6, 0x9000);
    ASSERT_EQ(s2.status, SMMU_STALL);
    submit({{th::cmd::RESUME | 0u << 12 | 1u << 13 | 6ull << 32, s2.stag}});
    sync();
    EXPECT_EQ(smmu_stall_query(smmu, 6, s2.stag), SMMU_STALL_ABORTED);
    auto s3 = xlate(6, 0xA000);
    ASSERT_EQ(s3.status, SMMU_STALL);
    submit({{th::cmd::STALL_TERM | 6ull << 32, 0}});
    sync();
    EXPECT_EQ(smmu_stall_query(smmu, 6, s3.stag), SMMU_STALL_ABORTED);
    // A RESUME naming another StreamID leaves a stall alone (4.7.1).
    auto s4 = xlate(6, 0xB000);
    ASSERT_EQ(s4.status, SMMU_STALL);
    submit({{th::cmd::RESUME | 1u << 12 | 7ull << 32, s4.stag}});
    sync();
    EXPECT_EQ(smmu_stall_query(smmu, 6, s4.stag), SMMU_STALL_PENDING);
}

TEST_F(Xlate, StaleTlbEntryUntilTlbiNhVa) {
    bringup();
    uint64_t ttb = s1_stream(8);
    map(ttb, 0x3000, 0x7000'3000, PAGE_S1_RW);
    map(ttb, 0x4000, 0x7000'4000, PAGE_S1_RW);
    ASSERT_EQ(xlate(8, 0x3000).status, SMMU_OK);
    ASSERT_EQ(xlate(8, 0x4000).status, SMMU_OK);
    mem.w64(pte_addr(ttb, 0x3000), 0);               // unmap without invalidation
    mem.w64(pte_addr(ttb, 0x4000), 0);
    EXPECT_EQ(xlate(8, 0x3000).status, SMMU_OK) << "the TLB still holds the old translation";
    tlbi_va(8, 0x3000);
    EXPECT_EQ(xlate(8, 0x3000).status, SMMU_ABORT);
    EXPECT_EQ(xlate(8, 0x4000).status, SMMU_OK) << "a TLBI of another page leaves this one";
    tlbi_va(7, 0x4000);
    EXPECT_EQ(xlate(8, 0x4000).status, SMMU_OK) << "another ASID's TLBI leaves this one";
    tlbi_va(8, 0x4000);
    EXPECT_EQ(xlate(8, 0x4000).status, SMMU_ABORT);
}

TEST_F(Xlate, DebugTranslationLeavesNoTrace) {
    bringup();
    uint64_t ttb = s1_stream(9);
    map(ttb, 0x8000, 0x4444'8000, PAGE_S1_RW);
    smmu_txn_t t{};
    t.sid = 9;
    t.addr = 0x8010;
    smmu_result_t r;
    smmu_global_stats_t g0, g1;
    smmu_global_stats(smmu, &g0);
    ASSERT_EQ(smmu_translate_debug(smmu, &t, &r), SMMU_OK);
    EXPECT_EQ(r.pa, 0x4444'8010u);
    t.addr = 0x9000;                                  // unmapped: no event either
    EXPECT_EQ(smmu_translate_debug(smmu, &t, &r), SMMU_ABORT);
    smmu_global_stats(smmu, &g1);
    EXPECT_EQ(g1.translations, g0.translations);
    EXPECT_TRUE(pop_events().empty());
    auto real = xlate(9, 0x8010);
    EXPECT_EQ(real.source, SMMU_SRC_WALK) << "the debug translation filled nothing";
}

TEST_F(Xlate, HttuSetsAccessFlagAndDirtyState) {
    bringup();
    uint64_t ttb = alloc();
    stu::Cd cd = stu::linux_cd(ttb, 11);
    cd.ha(true).hd(true);
    write_cd(cd_at(11), cd.q);
    install(11, stu::linux_s1(cd_at(11)).q);
    uint64_t dbm = 1ull << 51;
    map(ttb, 0x1000, 0x3000'1000, PAGE_S1_RO & ~(1ull << 10));   // AF = 0, read-only
    map(ttb, 0x2000, 0x3000'2000, PAGE_S1_RO | dbm);             // writable-clean
    ASSERT_EQ(xlate(11, 0x1000).status, SMMU_OK);
    EXPECT_TRUE(mem.r64(pte_addr(ttb, 0x1000)) & (1u << 10)) << "AF set by HTTU";
    ASSERT_EQ(xlate(11, 0x2000).status, SMMU_OK);
    EXPECT_TRUE(mem.r64(pte_addr(ttb, 0x2000)) & (1u << 7)) << "a read leaves the page clean";
    ASSERT_EQ(xlate(11, 0x2000, true).status, SMMU_OK);
    EXPECT_FALSE(mem.r64(pte_addr(ttb, 0x2000)) & (1u << 7)) << "a write marks it dirty (AP[2] cleared)";
    EXPECT_TRUE(pop_events().empty());
}

TEST_F(Xlate, TopByteIgnoredWithTbi) {
    bringup();
    uint64_t ttb = alloc();
    stu::Cd cd = stu::linux_cd(ttb, 12);
    cd.tbi0(true);
    write_cd(cd_at(12), cd.q);
    install(12, stu::linux_s1(cd_at(12)).q);
    map(ttb, 0x5000, 0x2222'5000, PAGE_S1_RW);
    auto r = xlate(12, 0xAB00'0000'0000'5008ull);
    ASSERT_EQ(r.status, SMMU_OK);
    EXPECT_EQ(r.pa, 0x2222'5008u);
    auto h = xlate(12, 0x1200'0000'0000'5010ull);
    EXPECT_EQ(h.status, SMMU_OK);
    EXPECT_EQ(h.pa, 0x2222'5010u);
}

} // namespace
