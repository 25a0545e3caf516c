// SPDX-License-Identifier: BSD-3-Clause
// Global errors: GERROR/GERRORN toggling and acknowledgement, the GERROR interrupt and MSI aborts (IHI 0070 7.5, 6.3.19).
#include "regs_util.h"

using namespace regs_util;

namespace {

struct Gerror : th::Smmu {
    static constexpr uint64_t kMsi = 0x60000000;
    void gerror_msi(uint64_t addr, uint32_t data) {
        w32(IRQ_CTRL, 0);
        w64(GERROR_IRQ_CFG0, addr);
        w32(GERROR_IRQ_CFG1, data);
        w32(GERROR_IRQ_CFG2, 0x1);
        w32(IRQ_CTRL, 0x5);
    }
};

// Each bit raised directly toggles GERROR once; a second raise while active changes nothing; GERRORN acks.
TEST_F(Gerror, EveryBitTogglesAndAcknowledges) {
    cfg.pri = cfg.ats = true;
    create();
    const uint32_t bits[] = {GERROR_CMDQ_ERR, GERROR_EVTQ_ABT_ERR, GERROR_PRIQ_ABT_ERR, GERROR_MSI_CMDQ_ABT_ERR,
                             GERROR_MSI_EVTQ_ABT_ERR, GERROR_MSI_PRIQ_ABT_ERR, GERROR_MSI_GERROR_ABT_ERR,
                             GERROR_SFM_ERR};
    for (uint32_t b : bits) {
        uint32_t g = r32(GERROR);
        smmu_gerror_raise(smmu, b);
        EXPECT_EQ(r32(GERROR), g ^ b) << std::hex << b;
        EXPECT_EQ(active(*this), b);
        smmu_gerror_raise(smmu, b);
        EXPECT_EQ(r32(GERROR), g ^ b) << "no toggle while active";
        w32(GERRORN, r32(GERROR));
        EXPECT_EQ(active(*this), 0u);
        smmu_gerror_raise(smmu, b);               // a new occurrence toggles back
        EXPECT_EQ(r32(GERROR), g) << std::hex << b;
        ack_all(*this);
    }
    EXPECT_EQ(r32(GERROR), 0u);
    smmu_gerror_raise(smmu, 1u << 1 | 1u << 9 | 1u << 20);   // reserved bits never activate
    EXPECT_EQ(r32(GERROR), 0u);
}

TEST_F(Gerror, MsiAndPriBitsAbsentWithoutTheFeature) {
    cfg.msi = false;
    cfg.pri = false;
    create();
    smmu_gerror_raise(smmu, 0x1FF);
    EXPECT_EQ(r32(GERROR), GERROR_CMDQ_ERR | GERROR_EVTQ_ABT_ERR | GERROR_SFM_ERR);
}

TEST_F(Gerror, CmdqErrFromAnIllegalCommand) {
    bringup();
    submit({{0x00, 0}});
    EXPECT_EQ(r32(GERROR), GERROR_CMDQ_ERR);
    EXPECT_EQ(r32(GERRORN), 0u);
    EXPECT_EQ(mem.irq_edges[SMMU_IRQ_GERROR], 1u);
    mem.w64(th::kCmdq + (cmd_prod - 1) * 16, th::cmd::sync()[0]);
    ack_all(*this);
    EXPECT_EQ(r32(GERRORN), GERROR_CMDQ_ERR);
    EXPECT_EQ(r32(CMDQ_CONS) & ((2u << cmdq_log2) - 1), cmd_prod);
}

TEST_F(Gerror, InterruptOnlyWhenEnabledAndNewlyActive) {
    bringup();
    w32(IRQ_CTRL, 0x4);                           // GERROR_IRQEN off
    smmu_gerror_raise(smmu, GERROR_SFM_ERR);
    EXPECT_EQ(mem.irq_edges[SMMU_IRQ_GERROR], 0u);
    ack_all(*this);
    w32(IRQ_CTRL, 0x5);
    smmu_gerror_raise(smmu, GERROR_SFM_ERR);
    EXPECT_EQ(mem.irq_edges[SMMU_IRQ_GERROR], 1u);
    smmu_gerror_raise(smmu, GERROR_SFM_ERR);      // already active
    EXPECT_EQ(mem.irq_edges[SMMU_IRQ_GERROR], 1u);
    smmu_gerror_raise(smmu, GERROR_SFM_ERR | GERROR_EVTQ_ABT_ERR);
    EXPECT_EQ(mem.irq_edges[SMMU_IRQ_GERROR], 2u);
    EXPECT_TRUE(mem.write_log.empty()) << "no MSI with CFG0.ADDR == 0";
}

TEST_F(Gerror, MsiDelivery) {
    bringup();
    gerror_msi(kMsi, 0xBEEF);
    smmu_gerror_raise(smmu, GERROR_EVTQ_ABT_ERR);
    EXPECT_TRUE(logged_u32(mem, kMsi, 0xBEEF));
    EXPECT_EQ(mem.r32(kMsi), 0xBEEFu);
    EXPECT_EQ(mem.irq_edges[SMMU_IRQ_GERROR], 1u);
}

// 7.5.1: an aborted GERROR MSI activates MSI_GERROR_ABT_ERR, which itself triggers no GERROR interrupt or MSI.
TEST_F(Gerror, GerrorMsiAbortRaisesMsiGerrorAbtErrWithoutAnotherInterrupt) {
    bringup();
    gerror_msi(kMsi, 0xBEEF);
    mem.abort_range(kMsi, 4, false, true);
    smmu_gerror_raise(smmu, GERROR_SFM_ERR);
    EXPECT_EQ(active(*this), GERROR_SFM_ERR | GERROR_MSI_GERROR_ABT_ERR);
    EXPECT_EQ(mem.irq_edges[SMMU_IRQ_GERROR], 1u) << "SFM_ERR only: MSI_GERROR_ABT_ERR raises no interrupt";
    EXPECT_EQ(writes_to(mem, kMsi), 0u);
    w32(GERRORN, r32(GERRORN) ^ GERROR_SFM_ERR);          // acknowledge SFM_ERR, leave the MSI abort active
    smmu_gerror_raise(smmu, GERROR_MSI_GERROR_ABT_ERR);   // already active: nothing
    EXPECT_EQ(mem.irq_edges[SMMU_IRQ_GERROR], 1u);
    ack_all(*this);
    smmu_gerror_raise(smmu, GERROR_MSI_GERROR_ABT_ERR);   // newly active on its own: still no interrupt
    EXPECT_EQ(active(*this), GERROR_MSI_GERROR_ABT_ERR);
    EXPECT_EQ(mem.irq_edges[SMMU_IRQ_GERROR], 1u);
    ack_all(*this);
    mem.aborts.clear();
    smmu_gerror_raise(smmu, GERROR_EVTQ_ABT_ERR);         // a real error still signals, by wire and MSI
    EXPECT_EQ(mem.irq_edges[SMMU_IRQ_GERROR], 2u);
    EXPECT_EQ(writes_to(mem, kMsi), 1u);
    EXPECT_EQ(active(*this), GERROR_EVTQ_ABT_ERR);
}

TEST_F(Gerror, CmdSyncMsiAbort) {
    bringup();
    mem.abort_range(0x40000000, 0x1000, false, true);
    uint32_t cons = submit({th::cmd::sync(1, 0x40000010, 1)});
    EXPECT_EQ(cons & ((2u << cmdq_log2) - 1), cmd_prod) << "the CMD_SYNC is consumed";
    EXPECT_EQ(active(*this), GERROR_MSI_CMDQ_ABT_ERR);
    EXPECT_EQ(mem.irq_edges[SMMU_IRQ_GERROR], 1u);
    EXPECT_EQ((cons & kErrMask), 0u);
}

TEST_F(Gerror, EventQueueMsiAbort) {
    bringup();
    w32(IRQ_CTRL, 0x1);
    w64(EVENTQ_IRQ_CFG0, 0x40000100);
    w32(IRQ_CTRL, 0x5);
    mem.abort_range(0x40000100, 4, false, true);
    smmu_event_t e{};
    e.id = EVT_C_BAD_STE;
    ASSERT_TRUE(smmu_evtq_record(smmu, &e));
    EXPECT_EQ(active(*this), GERROR_MSI_EVTQ_ABT_ERR);
}

TEST_F(Gerror, PriQueueMsiAbort) {
    cfg.pri = cfg.ats = true;
    bringup();
    w64(PRIQ_BASE, th::kPriq | 3);
    w64(PRIQ_IRQ_CFG0, 0x40000200);
    w32(CR0, 0xF);
    w32(IRQ_CTRL, 0x7);
    mem.abort_range(0x40000200, 4, false, true);
    uint64_t r[2] = {1, 0};
    ASSERT_EQ(smmu_priq_record(smmu, r), PRIQ_REC_WRITTEN);
    EXPECT_EQ(active(*this), GERROR_MSI_PRIQ_ABT_ERR);
}

TEST_F(Gerror, GerrornStoresOnlyImplementedBits) {
    create();
    w32(GERRORN, 0xFFFFFFFFu);
    EXPECT_EQ(r32(GERRORN), 0x1FDu);                // the default has MSIs and PRI: every bit of 6.3.19
    EXPECT_EQ(r32(GERROR), 0u);
}

} // namespace
