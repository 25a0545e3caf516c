// SPDX-License-Identifier: BSD-3-Clause
// ATS Invalidation: CMD_ATC_INV delivered to the endpoint through host->atc_inv, and CMD_SYNC waiting for the
// completions, CERROR_ATC_INV_SYNC on a failed one (IHI 0070 4.5.1, 4.7.3, 3.9.1.4, 7.1).
#include "e2e_util.h"

namespace {

constexpr uint64_t kMsi = 0x1F000000;          // CMD_SYNC MSI target
constexpr uint32_t kMsiData = 0xC0DE;

// CMD_ATC_INV (4.5.1): Global [9], SSV [11], SubstreamID [31:12], StreamID [63:32]; Size [5:0], Address [63:12].
std::array<uint64_t, 2> atc_inv(uint32_t sid, uint32_t ssid, bool ssv, bool global, uint64_t addr, unsigned size) {
    return {th::cmd::ATC_INV | (uint64_t)global << 9 | (uint64_t)ssv << 11 | (uint64_t)ssid << 12 | (uint64_t)sid << 32,
            (addr & ~0xFFFull) | size};
}

struct AtcHost;
AtcHost *g_host;   // the fixture whose endpoint receives the invalidations

struct AtcHost : e2e::Rig {
    std::vector<smmu_atc_inv_t> sent;
    bool ack_inline = false, ack_ok = true;    // complete each invalidation inside the callback
    bool connect = true;                        // host->atc_inv set (else NULL: no endpoint ATC)

    static void on_atc_inv(void *, const smmu_atc_inv_t *inv) {
        g_host->sent.push_back(*inv);
        if (g_host->ack_inline) smmu_atc_inv_complete(g_host->smmu, inv->tag, g_host->ack_ok);
    }
    void up() {
        g_host = this;
        smmu_host_t h = mem.host();
        if (connect) h.atc_inv = on_atc_inv;
        char err[256];
        smmu = smmu_create(&cfg, &h, err, sizeof err);
        ASSERT_NE(smmu, nullptr) << err;
        bringup();
    }
    uint32_t cons() { return r32(SMMU_CMDQ_CONS); }
    uint32_t idx(uint32_t v) { return v & ((2u << cmdq_log2) - 1); }
    bool msi_written() {
        for (const auto &w : mem.write_log)
            if (w.pa == kMsi) return true;
        return false;
    }
    bool cmdq_err_active() { return (r32(SMMU_GERROR) ^ r32(SMMU_GERRORN)) & SMMU_GERROR_CMDQ_ERR; }
    smmu_global_stats_t gstats() { smmu_global_stats_t g; smmu_global_stats(smmu, &g); return g; }
};

// 4.5.1: the fields the endpoint receives: Address aligned to its span, Global only with SSV, SSV only with
// substreams (the model takes the "as though SSV == 0" choice), Size 52 = all.
TEST(AtcInv, DeliveredFieldsFollowTheCommand) {
    struct Case {
        const char *name;
        unsigned ssidsize;
        std::array<uint64_t, 2> cmd;
        uint32_t sid, ssid;
        bool ssv, global;
        uint64_t addr;
        unsigned size_log2;
    };
    const Case cases[] = {
        {"one page, no PASID", 20, atc_inv(5, 0, false, false, 0x12345000, 0), 5, 0, false, false, 0x12345000, 12},
        {"Global without SSV is IGNORED", 20, atc_inv(5, 0, false, true, 0x1000, 0), 5, 0, false, false, 0x1000, 12},
        {"PASID + Global", 20, atc_inv(7, 0x9ABC, true, true, 0x40000, 2), 7, 0x9ABC, true, true, 0x40000, 14},
        {"span aligned: Address[11+Size:0] = 0", 20, atc_inv(1, 3, true, false, 0x12345000, 4), 1, 3, true, false,
         0x12340000, 16},
        {"Size 52: everything", 20, atc_inv(2, 0, false, false, 0xFFFF000, 52), 2, 0, false, false, 0, 64},
        {"SSV without substreams behaves as SSV = 0", 0, atc_inv(3, 9, true, true, 0x2000, 1), 3, 0, false, false,
         0x2000, 13},
        {"StreamID 0xFFFF", 20, atc_inv(0xFFFF, 0xFFFFF, true, false, 0xFFFFFFFFFFFFF000ull, 0), 0xFFFF, 0xFFFFF, true,
         false, 0xFFFFFFFFFFFFF000ull, 12},
    };
    for (const auto &c : cases) {
        AtcHost t;
        t.cfg.ssidsize = c.ssidsize;
        t.ack_inline = true;
        t.up();
        t.submit({c.cmd});
        t.sync();
        ASSERT_EQ(t.sent.size(), 1u) << c.name;
        const auto &s = t.sent[0];
        EXPECT_EQ(s.sid, c.sid) << c.name;
        EXPECT_EQ(s.ssid, c.ssid) << c.name;
        EXPECT_EQ(s.ssv, c.ssv) << c.name;
        EXPECT_EQ(s.global, c.global) << c.name;
        EXPECT_EQ(s.addr, c.addr) << c.name;
        EXPECT_EQ(s.size_log2, c.size_log2) << c.name;
        EXPECT_EQ(t.gstats().atc_invalidations, 1u) << c.name;
        EXPECT_EQ(t.gstats().commands_by_opcode[th::cmd::ATC_INV], 1u) << c.name;
    }
}

// 4.5.1: IGNORED while SMMUEN == 0; with no endpoint callback every invalidation completes at once.
TEST(AtcInv, IgnoredWithoutSmmuenAndImmediateWithoutEndpoint) {
    {
        AtcHost t;
        t.up();
        t.set_cr0(SMMU_CR0_CMDQEN | SMMU_CR0_EVENTQEN);           // SMMUEN = 0
        t.submit({atc_inv(1, 0, false, false, 0x1000, 0)});
        t.sync();                                                 // not held: nothing was sent
        EXPECT_TRUE(t.sent.empty());
        EXPECT_EQ(t.gstats().atc_invalidations, 0u);
        EXPECT_EQ(t.gstats().commands_by_opcode[th::cmd::ATC_INV], 1u) << "consumed all the same";
    }
    {
        AtcHost t;
        t.connect = false;
        t.up();
        t.submit({atc_inv(1, 0, false, false, 0x1000, 0)});
        t.sync();
        EXPECT_FALSE(smmu_cmdq_waiting(t.smmu));
        EXPECT_EQ(t.gstats().atc_invalidations, 1u);
    }
    {   // Size > 52 stays CERROR_ILL and sends nothing
        AtcHost t;
        t.up();
        uint32_t cons = t.submit({atc_inv(1, 0, false, false, 0x1000, 53)});
        EXPECT_EQ(cons & SMMU_CMDQ_CONS_ERR_MASK, (uint32_t)SMMU_CERROR_ILL << SMMU_CMDQ_CONS_ERR_SHIFT);
        EXPECT_TRUE(t.sent.empty());
    }
}

// 4.7.3: the CMD_SYNC is not consumed (CONS stays on it, no MSI, no interrupt, later commands wait) until every
// earlier CMD_ATC_INV has completed; the completion resumes consumption from inside smmu_atc_inv_complete().
TEST(AtcInv, SyncWaitsForEveryCompletion) {
    AtcHost t;
    t.up();
    const unsigned edges = t.mem.irq_edges[SMMU_IRQ_CMD_SYNC];
    const uint32_t start = t.idx(t.cons());
    t.submit({atc_inv(1, 0, false, false, 0x1000, 0), atc_inv(2, 5, true, false, 0x8000, 3),
              th::cmd::sync(1, kMsi, kMsiData), th::cmd::cfgi_all()});
    ASSERT_EQ(t.sent.size(), 2u);
    EXPECT_EQ(t.idx(t.cons()), t.idx(start + 2)) << "CONS on the CMD_SYNC";
    EXPECT_TRUE(smmu_cmdq_waiting(t.smmu));
    EXPECT_TRUE(smmu_cmdq_pending(t.smmu));
    EXPECT_FALSE(t.msi_written());
    EXPECT_EQ(t.mem.irq_edges[SMMU_IRQ_CMD_SYNC], edges);

    smmu_atc_inv_complete(t.smmu, t.sent[1].tag, true);          // out of order
    smmu_atc_inv_complete(t.smmu, t.sent[1].tag, true);          // a repeated completion changes nothing
    smmu_atc_inv_complete(t.smmu, 0xDEADBEEF, false);            // nor does an unknown tag
    EXPECT_EQ(t.idx(t.cons()), t.idx(start + 2)) << "one still outstanding";
    EXPECT_TRUE(smmu_cmdq_waiting(t.smmu));
    EXPECT_FALSE(t.msi_written());

    smmu_atc_inv_complete(t.smmu, t.sent[0].tag, true);
    EXPECT_EQ(t.idx(t.cons()), t.idx(start + 4)) << "the CMD_SYNC and the command after it consumed";
    EXPECT_EQ(t.cons() & SMMU_CMDQ_CONS_ERR_MASK, 0u);
    EXPECT_FALSE(smmu_cmdq_waiting(t.smmu));
    EXPECT_TRUE(t.msi_written());
    EXPECT_EQ(t.mem.r32(kMsi), kMsiData);
    EXPECT_EQ(t.mem.irq_edges[SMMU_IRQ_CMD_SYNC], edges + 1);
    EXPECT_EQ(t.gstats().atc_inv_failures, 0u);
}

// A completion inside the callback: the CMD_SYNC completes in the same CMDQ_PROD write.
TEST(AtcInv, CompletionInsideTheCallback) {
    AtcHost t;
    t.ack_inline = true;
    t.up();
    t.submit({atc_inv(1, 0, false, false, 0x1000, 0)});
    t.sync();
    EXPECT_FALSE(smmu_cmdq_waiting(t.smmu));
}

// 3.9.1.4, 4.7.3, 7.1: a failed completion ends the waiting CMD_SYNC with CERROR_ATC_INV_SYNC: CONS stays on it,
// GERROR.CMDQ_ERR, no completion signal; after GERRORN the re-fetched CMD_SYNC completes.
TEST(AtcInv, FailedCompletionIsCerrorAtcInvSync) {
    for (bool inline_ack : {false, true}) {
        AtcHost t;
        t.ack_inline = inline_ack;
        t.ack_ok = false;
        t.up();
        const unsigned edges = t.mem.irq_edges[SMMU_IRQ_CMD_SYNC];
        const uint32_t start = t.idx(t.cons());
        t.submit({atc_inv(1, 0, false, false, 0x1000, 0), atc_inv(1, 0, false, false, 0x2000, 0),
                  th::cmd::sync(1, kMsi, kMsiData)});
        if (!inline_ack) {
            ASSERT_EQ(t.sent.size(), 2u);
            smmu_atc_inv_complete(t.smmu, t.sent[0].tag, false);
            EXPECT_FALSE(t.cmdq_err_active()) << "the CMD_SYNC still waits for the other one";
            EXPECT_TRUE(smmu_cmdq_waiting(t.smmu));
            smmu_atc_inv_complete(t.smmu, t.sent[1].tag, true);
        }
        const uint32_t cons = t.cons();
        EXPECT_EQ(cons & SMMU_CMDQ_CONS_ERR_MASK, (uint32_t)SMMU_CERROR_ATC_INV_SYNC << SMMU_CMDQ_CONS_ERR_SHIFT)
            << inline_ack;
        EXPECT_EQ(t.idx(cons), t.idx(start + 2)) << inline_ack << ": CONS on the CMD_SYNC";
        EXPECT_TRUE(t.cmdq_err_active()) << inline_ack;
        EXPECT_FALSE(t.msi_written()) << inline_ack;
        EXPECT_EQ(t.mem.irq_edges[SMMU_IRQ_CMD_SYNC], edges) << inline_ack;
        EXPECT_FALSE(smmu_cmdq_waiting(t.smmu)) << inline_ack;
        EXPECT_EQ(t.gstats().atc_inv_failures, inline_ack ? 2u : 1u) << inline_ack;

        t.w32(SMMU_GERRORN, t.r32(SMMU_GERROR));                 // acknowledge: consumption restarts at CONS
        EXPECT_EQ(t.idx(t.cons()), t.idx(start + 3)) << inline_ack;
        EXPECT_EQ(t.cons() & SMMU_CMDQ_CONS_ERR_MASK, 0u) << inline_ack;
        EXPECT_TRUE(t.msi_written()) << inline_ack;
        EXPECT_EQ(t.mem.irq_edges[SMMU_IRQ_CMD_SYNC], edges + 1) << inline_ack;
    }
}

// Stepped queue: smmu_cmdq_step() returns false on the waiting CMD_SYNC (smmu_cmdq_waiting() is true meanwhile);
// after the completion the next step consumes it.
TEST(AtcInv, SteppedQueueWaitsAtTheSync) {
    AtcHost t;
    t.cfg.cmdq_stepped = true;
    t.up();
    auto drain = [&] { uint32_t c; while (smmu_cmdq_step(t.smmu, &c)) {} };
    drain();                                  // bring-up commands
    const uint32_t start = t.idx(t.cons());
    t.submit({atc_inv(4, 0, false, false, 0x3000, 0), th::cmd::sync(1, kMsi, kMsiData)});
    uint32_t cycles = 0;
    EXPECT_TRUE(smmu_cmdq_step(t.smmu, &cycles)) << "CMD_ATC_INV consumed";
    ASSERT_EQ(t.sent.size(), 1u);
    EXPECT_FALSE(smmu_cmdq_step(t.smmu, &cycles)) << "CMD_SYNC held";
    EXPECT_TRUE(smmu_cmdq_waiting(t.smmu));
    EXPECT_FALSE(smmu_cmdq_step(t.smmu, &cycles));
    EXPECT_EQ(t.idx(t.cons()), t.idx(start + 1));
    smmu_atc_inv_complete(t.smmu, t.sent[0].tag, true);
    EXPECT_FALSE(smmu_cmdq_waiting(t.smmu));
    EXPECT_EQ(t.idx(t.cons()), t.idx(start + 1)) << "stepped: the host consumes it";
    EXPECT_FALSE(t.msi_written());
    EXPECT_TRUE(smmu_cmdq_step(t.smmu, &cycles)) << "CMD_SYNC consumed";
    EXPECT_EQ(t.idx(t.cons()), t.idx(start + 2));
    EXPECT_TRUE(t.msi_written());

    // A failure: the step on the CMD_SYNC raises CERROR_ATC_INV_SYNC.
    t.submit({atc_inv(4, 0, false, false, 0x3000, 0), th::cmd::sync()});
    EXPECT_TRUE(smmu_cmdq_step(t.smmu, &cycles));
    ASSERT_EQ(t.sent.size(), 2u);
    smmu_atc_inv_complete(t.smmu, t.sent[1].tag, false);
    EXPECT_FALSE(smmu_cmdq_step(t.smmu, &cycles));
    EXPECT_EQ(t.cons() & SMMU_CMDQ_CONS_ERR_MASK, (uint32_t)SMMU_CERROR_ATC_INV_SYNC << SMMU_CMDQ_CONS_ERR_SHIFT);
    EXPECT_TRUE(t.cmdq_err_active());
    EXPECT_EQ(t.idx(t.cons()), t.idx(start + 3));
}

} // namespace
