// SPDX-License-Identifier: BSD-3-Clause
// Event and PRI queues: record encodings, wrap, overflow, discards, write aborts and interrupts (IHI 0070 7.2-7.4, 8).
#include "regs_util.h"

using namespace regs_util;

namespace {

using Rec = std::array<uint64_t, 4>;

smmu_event_t full_event(uint8_t id) {
    smmu_event_t e{};
    e.id = id;
    e.sid = 0x12345678;
    e.ssid = 0xABCDE;
    e.ssv = true;
    e.stag = 0x1234;
    e.stall = true;
    e.pnu = e.ind = e.rnw = true;
    e.s2 = true;
    e.cls = EVT_CLASS_IN;
    e.ttrnw = true;
    e.input_addr = 0xFEDCBA9876543210ull;
    e.ipa = 0x0000123456789ABCull;
    e.fetch_addr = 0x0000876543210FFFull;
    e.reason = 0x5A5A;
    return e;
}

constexpr uint64_t kQ0 = 0x12345678ull << 32 | 0xABCDEull << 12 | 1ull << 11;
constexpr uint64_t kAccess = 1ull << 33 | 1ull << 34 | 1ull << 35;
constexpr uint64_t kInput = 0xFEDCBA9876543210ull;
constexpr uint64_t kIpa = 0x0000123456789000ull;
constexpr uint64_t kFetch = 0x0000876543210FF8ull;
constexpr uint64_t kFault = 0x1234 | 1ull << 31 | kAccess | 1ull << 39 | 2ull << 40;   // TTRnW = 0: CLASS is IN

struct EncCase { uint8_t id; Rec rec; };

const EncCase kEncodings[] = {
    {EVT_F_UUT, {kQ0 | 0x01, kAccess | 0x5A5Aull << 16, kInput, 0}},
    {EVT_C_BAD_STREAMID, {kQ0 | 0x02, 0, 0, 0}},
    {EVT_F_STE_FETCH, {kQ0 | 0x03, 0, 0, kFetch}},
    {EVT_C_BAD_STE, {kQ0 | 0x04, 0, 0, 0}},
    {EVT_F_BAD_ATS_TREQ, {kQ0 | 0x05, 0, kInput, 0}},
    {EVT_F_STREAM_DISABLED, {0x12345678ull << 32 | 0x06, 0, 0, 0}},
    {EVT_F_TRANSL_FORBIDDEN, {0x12345678ull << 32 | 0x07, 1ull << 35, kInput, 0}},
    {EVT_C_BAD_SUBSTREAMID, {0x12345678ull << 32 | 0xABCDEull << 12 | 0x08, 0, 0, 0}},
    {EVT_F_CD_FETCH, {kQ0 | 0x09, 0, 0, kFetch}},
    {EVT_C_BAD_CD, {kQ0 | 0x0A, 0, 0, 0}},
    {EVT_F_WALK_EABT, {kQ0 | 0x0B, kAccess | 1ull << 39 | 2ull << 40, kInput, kFetch}},
    {EVT_F_TRANSLATION, {kQ0 | 0x10, kFault, kInput, kIpa}},
    {EVT_F_ADDR_SIZE, {kQ0 | 0x11, kFault, kInput, kIpa}},
    {EVT_F_ACCESS, {kQ0 | 0x12, kFault, kInput, kIpa}},
    {EVT_F_PERMISSION, {kQ0 | 0x13, kFault, kInput, kIpa}},
    {EVT_F_TLB_CONFLICT, {kQ0 | 0x20, kAccess | 1ull << 39, kInput, kIpa}},
    {EVT_F_CFG_CONFLICT, {kQ0 | 0x21, 0x5A5A, 0, 0}},
    {EVT_E_PAGE_REQUEST, {kQ0 | 0x24, 0, 0xFEDCBA9876543000ull, 0}},
    {EVT_F_VMS_FETCH, {kQ0 | 0x25, 0, 0, kFetch}},
};

TEST(EventEncoding, EveryEventId) {
    for (const auto &c : kEncodings) {
        smmu_event_t e = full_event(c.id);
        uint64_t rec[4] = {~0ull, ~0ull, ~0ull, ~0ull};
        smmu_evtq_encode(&e, rec);
        for (int q = 0; q < 4; q++)
            EXPECT_EQ(rec[q], c.rec[q]) << std::hex << "EventID 0x" << unsigned(c.id) << " qword " << q;
    }
}

TEST(EventEncoding, StageOneTerminatedFault) {
    smmu_event_t e = full_event(EVT_F_PERMISSION);
    e.stall = false;
    e.s2 = false;
    e.ssv = false;
    e.cls = EVT_CLASS_TT;
    e.ttrnw = false;
    uint64_t rec[4];
    smmu_evtq_encode(&e, rec);
    EXPECT_EQ(rec[0], 0x12345678ull << 32 | 0xABCDEull << 12 | 0x13);   // SSV = 0
    EXPECT_EQ(rec[1], kAccess | 1ull << 40);                            // no STAG/Stall, S2 = 0, CLASS = TT
    EXPECT_EQ(rec[2], kInput);
    EXPECT_EQ(rec[3], 0u);                                              // IPA UNKNOWN for stage 1: 0
}

// 7.3.13-16: TTRnW[44] exists only in F_PERMISSION with CLASS == TT; elsewhere it is RES0 / UNKNOWN (0).
TEST(EventEncoding, TtrnwOnlyForStageTwoPermissionOfATableWalk) {
    struct { uint8_t id; uint8_t cls; bool ttrnw; bool bit44; } cases[] = {
        {EVT_F_PERMISSION, EVT_CLASS_TT, true, true},   {EVT_F_PERMISSION, EVT_CLASS_TT, false, false},
        {EVT_F_PERMISSION, EVT_CLASS_IN, true, false},  {EVT_F_PERMISSION, EVT_CLASS_CD, true, false},
        {EVT_F_TRANSLATION, EVT_CLASS_TT, true, false}, {EVT_F_ADDR_SIZE, EVT_CLASS_TT, true, false},
        {EVT_F_ACCESS, EVT_CLASS_TT, true, false},      {EVT_F_WALK_EABT, EVT_CLASS_TT, true, false},
    };
    for (const auto &c : cases) {
        smmu_event_t e = full_event(c.id);
        e.cls = c.cls;
        e.ttrnw = c.ttrnw;
        uint64_t rec[4];
        smmu_evtq_encode(&e, rec);
        EXPECT_EQ((rec[1] >> 44) & 1, c.bit44 ? 1u : 0u) << std::hex << "EventID 0x" << unsigned(c.id) << " CLASS " << unsigned(c.cls);
        EXPECT_EQ((rec[1] >> 40) & 3, c.cls) << "CLASS still recorded";
    }
}

struct Evtq : th::Smmu {
    Rec slot(unsigned i) {
        Rec r;
        for (int q = 0; q < 4; q++) r[q] = mem.r64(th::kEvtq + i * 32 + q * 8);
        return r;
    }
    bool record(uint8_t id = EVT_C_BAD_STE, uint32_t sid = 1, bool stall = false) {
        smmu_event_t e{};
        e.id = id;
        e.sid = sid;
        e.stall = stall;
        return smmu_evtq_record(smmu, &e);
    }
    smmu_global_stats_t stats() { smmu_global_stats_t s; smmu_global_stats(smmu, &s); return s; }
};

TEST_F(Evtq, RecordWrittenAtProdThenProdAdvances) {
    bringup();
    smmu_event_t e = full_event(EVT_F_TRANSLATION);
    ASSERT_TRUE(smmu_evtq_record(smmu, &e));
    uint64_t want[4];
    smmu_evtq_encode(&e, want);
    EXPECT_EQ(slot(0), (Rec{want[0], want[1], want[2], want[3]}));
    EXPECT_EQ(r32(EVENTQ_PROD), 1u);
    EXPECT_EQ(stats().events_recorded, 1u);
    auto ev = pop_events();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(th::evt::id(ev[0]), 0x10u);
    EXPECT_EQ(th::evt::sid(ev[0]), 0x12345678u);
}

TEST_F(Evtq, WrapBit) {
    evtq_log2 = 2;
    bringup();
    for (unsigned i = 0; i < 20; i++) {
        ASSERT_TRUE(record(EVT_C_BAD_STE, i));
        EXPECT_EQ(r32(EVENTQ_PROD), (i + 1) & 7u) << i;
        auto ev = pop_events();
        ASSERT_EQ(ev.size(), 1u);
        EXPECT_EQ(th::evt::sid(ev[0]), i);
    }
}

TEST_F(Evtq, OverflowTogglesOnceUntilAcknowledged) {
    evtq_log2 = 2;
    bringup();
    for (uint32_t i = 0; i < 4; i++) ASSERT_TRUE(record(EVT_C_BAD_STE, i));
    EXPECT_EQ(r32(EVENTQ_PROD), 4u);              // full: index 0, wrap 1
    EXPECT_FALSE(record(EVT_C_BAD_STE, 9));
    EXPECT_EQ(r32(EVENTQ_PROD), 0x80000004u);     // OVFLG toggled
    EXPECT_FALSE(record(EVT_C_BAD_STE, 10));
    EXPECT_EQ(r32(EVENTQ_PROD), 0x80000004u) << "one toggle per overflow condition";
    EXPECT_EQ(stats().events_lost, 2u);
    // Stall records are not discarded and do not overflow.
    EXPECT_FALSE(record(EVT_F_TRANSLATION, 11, true));
    EXPECT_EQ(stats().events_lost, 2u);
    // Software consumes and acknowledges with OVACKFLG = OVFLG.
    auto ev = pop_events();
    ASSERT_EQ(ev.size(), 4u);
    EXPECT_EQ(th::evt::sid(ev[3]), 3u);
    EXPECT_EQ(r32(EVENTQ_CONS), 0x80000004u);
    for (uint32_t i = 0; i < 4; i++) ASSERT_TRUE(record(EVT_C_BAD_STE, i));
    EXPECT_FALSE(record());
    EXPECT_EQ(r32(EVENTQ_PROD), 0x00000000u) << "second overflow toggles OVFLG back";
}

TEST_F(Evtq, UnacknowledgedOverflowStillRecords) {
    evtq_log2 = 1;
    bringup();
    ASSERT_TRUE(record());
    ASSERT_TRUE(record());
    EXPECT_FALSE(record());
    EXPECT_EQ(r32(EVENTQ_PROD), 0x80000002u);
    w32(EVENTQ_CONS, 2);                          // consumed without acknowledging the overflow
    EXPECT_TRUE(record());
    EXPECT_EQ(r32(EVENTQ_PROD), 0x80000003u);
}

TEST_F(Evtq, DisabledQueueDiscards) {
    bringup();
    w32(CR0, 0x9);    // EVENTQEN off, SMMUEN and CMDQEN on
    size_t writes = mem.write_log.size();
    EXPECT_FALSE(record());
    EXPECT_EQ(mem.write_log.size(), writes);
    EXPECT_EQ(r32(EVENTQ_PROD), 0u);
    EXPECT_EQ(stats().events_lost, 1u);
    EXPECT_EQ(stats().events_recorded, 0u);
    EXPECT_EQ(mem.irq_edges[SMMU_IRQ_EVTQ], 0u);
}

TEST_F(Evtq, WriteAbortRaisesEvtqAbtErr) {
    bringup();
    mem.abort_range(th::kEvtq, 32, false, true);
    EXPECT_FALSE(record());
    EXPECT_EQ(r32(EVENTQ_PROD), 0u) << "synchronous abort: PROD does not move";
    EXPECT_EQ(active(*this), GERROR_EVTQ_ABT_ERR);
    EXPECT_EQ(mem.irq_edges[SMMU_IRQ_GERROR], 1u);
    mem.aborts.clear();
    EXPECT_FALSE(record()) << "not writable while EVENTQ_ABT_ERR is active";
    ack_all(*this);
    EXPECT_TRUE(record());
    EXPECT_EQ(r32(EVENTQ_PROD), 1u);
    EXPECT_EQ(stats().events_lost, 2u);
}

TEST_F(Evtq, WiredInterruptWhenQueueBecomesNonEmpty) {
    bringup();
    ASSERT_TRUE(record());
    EXPECT_EQ(mem.irq_edges[SMMU_IRQ_EVTQ], 1u);
    ASSERT_TRUE(record());
    EXPECT_EQ(mem.irq_edges[SMMU_IRQ_EVTQ], 1u) << "already non-empty";
    pop_events();
    ASSERT_TRUE(record());
    EXPECT_EQ(mem.irq_edges[SMMU_IRQ_EVTQ], 2u);
    pop_events();
    w32(IRQ_CTRL, 0x1);                           // EVENTQ_IRQEN off
    ASSERT_TRUE(record());
    EXPECT_EQ(mem.irq_edges[SMMU_IRQ_EVTQ], 2u);
}

TEST_F(Evtq, MsiInterrupt) {
    bringup();
    w32(IRQ_CTRL, 0);
    w64(EVENTQ_IRQ_CFG0, 0x50000040);
    w32(EVENTQ_IRQ_CFG1, 0xDEAD0001u);
    w32(EVENTQ_IRQ_CFG2, 0x1);
    w32(IRQ_CTRL, 0x5);
    ASSERT_TRUE(record());
    EXPECT_TRUE(logged_u32(mem, 0x50000040, 0xDEAD0001u));
    EXPECT_EQ(writes_to(mem, 0x50000040), 1u);
    ASSERT_TRUE(record());
    EXPECT_EQ(writes_to(mem, 0x50000040), 1u);
    // An aborted MSI raises MSI_EVTQ_ABT_ERR; the record itself is in the queue.
    pop_events();
    mem.abort_range(0x50000040, 4, false, true);
    ASSERT_TRUE(record());
    EXPECT_EQ(active(*this), GERROR_MSI_EVTQ_ABT_ERR);
    EXPECT_EQ(r32(EVENTQ_PROD), 3u);
}

struct Priq : Evtq {
    void setup(unsigned log2, uint32_t cfg2 = 0) {
        cfg.pri = cfg.ats = true;
        bringup();
        w32(CR0, 0xD);
        w64(PRIQ_BASE, th::kPriq | log2);
        w32(PRIQ_PROD, 0);
        w32(PRIQ_CONS, 0);
        w32(PRIQ_IRQ_CFG2, cfg2);
        w32(CR0, 0xF);
        w32(IRQ_CTRL, 0x7);
    }
    bool req(uint32_t sid, bool last) {
        uint64_t r[2] = {sid | (last ? 1ull << 62 : 0), 0x7000ull | 5};
        return smmu_priq_record(smmu, r) == PRIQ_REC_WRITTEN;
    }
};

TEST_F(Priq, RecordsOverflowAndInterrupts) {
    setup(1);
    EXPECT_TRUE(req(1, false));
    EXPECT_EQ(mem.r64(th::kPriq), 1u);
    EXPECT_EQ(mem.r64(th::kPriq + 8), 0x7005u);
    EXPECT_EQ(mem.irq_edges[SMMU_IRQ_PRIQ], 1u);
    EXPECT_TRUE(req(2, true));
    EXPECT_EQ(mem.r64(th::kPriq + 16), 2u | 1ull << 62);
    EXPECT_EQ(r32(PRIQ_PROD), 2u);
    EXPECT_EQ(mem.irq_edges[SMMU_IRQ_PRIQ], 1u);
    EXPECT_FALSE(req(3, false));
    EXPECT_EQ(r32(PRIQ_PROD), 0x80000002u);
    EXPECT_FALSE(req(4, false));
    EXPECT_EQ(r32(PRIQ_PROD), 0x80000002u);
    w32(PRIQ_CONS, 0x80000002u);
    EXPECT_TRUE(req(5, false));
    EXPECT_EQ(r32(PRIQ_PROD), 0x80000003u);
    EXPECT_EQ(mem.irq_edges[SMMU_IRQ_PRIQ], 2u);
}

TEST_F(Priq, LastOnlyInterrupts) {
    setup(1, 1u << 31);
    EXPECT_TRUE(req(1, false));
    EXPECT_EQ(mem.irq_edges[SMMU_IRQ_PRIQ], 0u);
    EXPECT_TRUE(req(2, true));
    EXPECT_EQ(mem.irq_edges[SMMU_IRQ_PRIQ], 1u);
    EXPECT_FALSE(req(3, true));                   // discarded by overflow: LO still signals
    EXPECT_EQ(mem.irq_edges[SMMU_IRQ_PRIQ], 2u);
}

TEST_F(Priq, WriteAbortAndDisabledQueue) {
    setup(2);
    mem.abort_range(th::kPriq, 16, false, true);
    EXPECT_FALSE(req(1, false));
    EXPECT_EQ(active(*this), GERROR_PRIQ_ABT_ERR);
    EXPECT_EQ(r32(PRIQ_PROD), 0u);
    mem.aborts.clear();
    EXPECT_FALSE(req(1, false));
    ack_all(*this);
    EXPECT_TRUE(req(1, false));
    w32(CR0, 0xD);
    EXPECT_FALSE(req(2, false));
    EXPECT_EQ(r32(PRIQ_PROD), 1u);
}

} // namespace
