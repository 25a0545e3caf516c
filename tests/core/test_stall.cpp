// SPDX-License-Identifier: BSD-3-Clause
// Stalled transactions when the Event queue cannot take their record or STALL_MAX is reached, and their
// termination by SMMUEN (IHI 0070 3.12.2, 7.2.1, 7.4, 4.7.3, 6.3.9.6, IDR5.STALL_MAX).
#include "e2e_util.h"

namespace {

constexpr uint32_t kSid = 6;
constexpr uint32_t kCr0All = 0xD, kCr0NoEvtq = 0x9;

struct Stall : e2e::Rig {
    e2e::Tables tables{mem};
    uint64_t ttb = 0;

    // A stage-1 stream whose CD stalls on faults (CD.S = 1); nothing is mapped.
    void stall_stream() {
        ttb = tables.alloc();
        stu::Cd cd = stu::linux_cd(ttb, kSid);
        cd.s(true);
        write_cd(th::kCdBase, cd.q);
        install(kSid, stu::linux_s1(th::kCdBase).q);
    }
    void resume(uint16_t stag, bool retry, bool abort = true) {
        submit({{th::cmd::RESUME | (uint64_t)retry << 12 | (uint64_t)abort << 13 | (uint64_t)kSid << 32, stag}});
        sync();
    }
    uint32_t prod() { return r32(0x100A8); }
    smmu_global_stats_t gstats() { smmu_global_stats_t g; smmu_global_stats(smmu, &g); return g; }
};

// 7.2.1 / 7.4: a stall fault meeting an unwritable Event queue stays stalled, records nothing and loses
// nothing (no overflow); its record, Stall = 1 with the STAG the host holds, appears once the queue is writable.
TEST_F(Stall, UnwritableQueueDefersTheRecordInsteadOfAborting) {
    struct Case {
        const char *name;
        void (*block)(Stall &);     // make the queue unwritable
        void (*unblock)(Stall &);   // make it writable again
    };
    const Case cases[] = {
        {"full",
         [](Stall &t) {
             for (uint64_t va : {0x10000u, 0x11000u}) ASSERT_TRUE(t.xlate(kSid, va).recorded);   // 2 of 2 entries
         },
         [](Stall &t) { ASSERT_EQ(t.pop_events().size(), 2u); }},            // EVENTQ_CONS write
        {"EVENTQEN=0", [](Stall &t) { t.set_cr0(kCr0NoEvtq); }, [](Stall &t) { t.set_cr0(kCr0All); }},
        {"EVENTQ_ABT_ERR active", [](Stall &t) { smmu_gerror_raise(t.smmu, GERROR_EVTQ_ABT_ERR); },
         [](Stall &t) { t.w32(0x064, t.r32(0x060)); }},                      // GERRORN acknowledges
    };
    for (const auto &c : cases) {
        Stall t;
        t.evtq_log2 = 1;
        t.bringup();
        t.stall_stream();
        c.block(t);
        const uint32_t prod = t.prod();
        const uint64_t lost = t.gstats().events_lost;
        auto r = t.xlate(kSid, 0x7000, true);
        EXPECT_EQ(r.status, SMMU_STALL) << c.name << ": never an abort";
        EXPECT_FALSE(r.recorded) << c.name;
        EXPECT_EQ(r.event, 0x10u) << c.name << ": F_TRANSLATION";
        EXPECT_EQ(smmu_stall_query(t.smmu, kSid, r.stag), SMMU_STALL_PENDING) << c.name;
        EXPECT_EQ(t.prod(), prod) << c.name << ": nothing written, no OVFLG";
        EXPECT_EQ(t.gstats().events_lost, lost) << c.name << ": a stall record is not lost";
        c.unblock(t);
        auto ev = t.pop_events();
        ASSERT_EQ(ev.size(), 1u) << c.name;
        e2e::Rec e{ev[0]};
        EXPECT_EQ(e.id(), 0x10u) << c.name;
        EXPECT_TRUE(e.stall()) << c.name;
        EXPECT_EQ(e.stag(), r.stag) << c.name;
        EXPECT_EQ(e.input(), 0x7000u) << c.name;
        EXPECT_FALSE(e.rnw()) << c.name;
        EXPECT_EQ(t.prod() & 0x80000000u, 0u) << c.name << ": no overflow";
        EXPECT_EQ(smmu_stall_query(t.smmu, kSid, r.stag), SMMU_STALL_PENDING) << c.name;
        t.tables.map(t.ttb, 0x7000, 0x6000'0000, e2e::kPageS1);
        t.resume(r.stag, true);
        EXPECT_EQ(smmu_stall_query(t.smmu, kSid, r.stag), SMMU_STALL_RETRY) << c.name;
        smmu_stall_release(t.smmu, kSid, r.stag);
        EXPECT_EQ(t.xlate(kSid, 0x7000, true).status, SMMU_OK) << c.name;
    }
}

// STALL_MODEL = 0b10 has no terminate path: a full queue still stalls.
TEST_F(Stall, ForcedStallModelNeverTerminates) {
    cfg.stall_model = 2;
    evtq_log2 = 0;                                   // one entry
    bringup();
    stall_stream();
    auto a = xlate(kSid, 0x1000);
    auto b = xlate(kSid, 0x2000);
    EXPECT_EQ(a.status, SMMU_STALL);
    EXPECT_TRUE(a.recorded);
    EXPECT_EQ(b.status, SMMU_STALL);
    EXPECT_FALSE(b.recorded);
    auto ev = pop_events();                          // frees the entry: b's record follows
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(e2e::Rec{ev[0]}.stag(), a.stag);
    ev = pop_events();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(e2e::Rec{ev[0]}.stag(), b.stag);
}

// IDR5.STALL_MAX bounds the stall records awaiting CMD_RESUME/CMD_STALL_TERM; a further stall is held without
// a record (back-pressure) and comes back as RETRY when a slot frees, to be translated as a new transaction.
TEST_F(Stall, StallMaxHoldsFurtherTransactionsWithoutARecord) {
    cfg.stall_max = 2;
    bringup();
    stall_stream();
    auto a = xlate(kSid, 0x1000), b = xlate(kSid, 0x2000), c = xlate(kSid, 0x3000);
    ASSERT_EQ(a.status, SMMU_STALL);
    ASSERT_EQ(b.status, SMMU_STALL);
    ASSERT_EQ(c.status, SMMU_STALL) << "not an abort";
    EXPECT_TRUE(a.recorded);
    EXPECT_TRUE(b.recorded);
    EXPECT_FALSE(c.recorded);
    EXPECT_NE(c.stag, a.stag);
    EXPECT_NE(c.stag, b.stag);
    EXPECT_EQ(pop_events().size(), 2u) << "at most STALL_MAX stall records outstanding";
    EXPECT_EQ(smmu_stall_query(smmu, kSid, c.stag), SMMU_STALL_PENDING);
    resume(a.stag, false);                           // terminate a: its slot frees
    EXPECT_EQ(smmu_stall_query(smmu, kSid, a.stag), SMMU_STALL_ABORTED);
    EXPECT_EQ(smmu_stall_query(smmu, kSid, c.stag), SMMU_STALL_RETRY) << "admitted: translate again";
    EXPECT_TRUE(pop_events().empty()) << "the held transaction never recorded its first fault";
    smmu_stall_release(smmu, kSid, a.stag);
    smmu_stall_release(smmu, kSid, c.stag);
    auto c2 = xlate(kSid, 0x3000);                   // the retry faults again and now takes the slot
    EXPECT_EQ(c2.status, SMMU_STALL);
    EXPECT_TRUE(c2.recorded);
    auto ev = pop_events();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(e2e::Rec{ev[0]}.input(), 0x3000u);
    EXPECT_EQ(e2e::Rec{ev[0]}.stag(), c2.stag);
}

// 6.3.9.6: SMMUEN 1 -> 0 terminates every stalled transaction at once, without a command, and frees its slot; a
// transaction held for a slot is new and takes the GBPA path; a deferred record is never written.
TEST_F(Stall, SmmuenOffTerminatesEveryStallAtOnce) {
    cfg.stall_max = 2;
    evtq_log2 = 0;
    bringup();
    stall_stream();
    auto a = xlate(kSid, 0x1000);                    // recorded
    auto b = xlate(kSid, 0x2000);                    // queue full: deferred record
    auto c = xlate(kSid, 0x3000);                    // STALL_MAX reached: held
    ASSERT_TRUE(a.recorded);
    ASSERT_EQ(b.status, SMMU_STALL);
    ASSERT_FALSE(b.recorded);
    ASSERT_EQ(c.status, SMMU_STALL);
    set_cr0(kCr0All & ~1u);
    EXPECT_EQ(smmu_stall_query(smmu, kSid, a.stag), SMMU_STALL_ABORTED);
    EXPECT_EQ(smmu_stall_query(smmu, kSid, b.stag), SMMU_STALL_ABORTED);
    EXPECT_EQ(smmu_stall_query(smmu, kSid, c.stag), SMMU_STALL_RETRY);
    for (auto *r : {&a, &b, &c}) smmu_stall_release(smmu, kSid, r->stag);
    auto ev = pop_events();
    ASSERT_EQ(ev.size(), 1u) << "only a's record; b's died with its transaction";
    EXPECT_EQ(e2e::Rec{ev[0]}.stag(), a.stag);
    EXPECT_TRUE(pop_events().empty());
    set_cr0(kCr0All);
    auto d = xlate(kSid, 0x4000), e = xlate(kSid, 0x5000);   // both STALL_MAX slots are free again
    EXPECT_TRUE(d.recorded);
    EXPECT_EQ(e.status, SMMU_STALL);
    EXPECT_NE(smmu_stall_query(smmu, kSid, e.stag), SMMU_STALL_RETRY);
    EXPECT_EQ(pop_events().size(), 1u);
    EXPECT_EQ(pop_events().size(), 1u) << "e's record follows once the entry is consumed: it held a slot";
}

// 4.7.3: a deferred record of a stall whose translation was invalidated (TLBI/CFGI + CMD_SYNC) is not written;
// the transaction is retried when the queue is next writable. CMD_STALL_TERM drops a deferred record.
TEST_F(Stall, DeferredRecordAfterInvalidationOrStallTerm) {
    bringup();
    stall_stream();
    set_cr0(kCr0NoEvtq);
    auto a = xlate(kSid, 0x1000);
    ASSERT_EQ(a.status, SMMU_STALL);
    ASSERT_FALSE(a.recorded);
    submit({e2e::tlbi_nh_va(0, kSid, 0x1000)});
    sync();
    set_cr0(kCr0All);
    EXPECT_TRUE(pop_events().empty()) << "the stale record is not written";
    EXPECT_EQ(smmu_stall_query(smmu, kSid, a.stag), SMMU_STALL_RETRY);
    smmu_stall_release(smmu, kSid, a.stag);

    set_cr0(kCr0NoEvtq);
    auto b = xlate(kSid, 0x2000);
    ASSERT_FALSE(b.recorded);
    submit({{th::cmd::STALL_TERM | (uint64_t)kSid << 32, 0}});
    sync();
    EXPECT_EQ(smmu_stall_query(smmu, kSid, b.stag), SMMU_STALL_ABORTED);
    set_cr0(kCr0All);
    EXPECT_TRUE(pop_events().empty()) << "a terminated stall records nothing later";
    resume(b.stag, true);                            // no such recorded stall: a no-op
    EXPECT_EQ(smmu_stall_query(smmu, kSid, b.stag), SMMU_STALL_ABORTED);
}

} // namespace
