// SPDX-License-Identifier: BSD-3-Clause
// The Command queue: decode and validation of every command, errors and recovery, wrap, CMD_SYNC signals, stepping.
#include <functional>

#include "regs_util.h"

using namespace regs_util;

namespace {

using Cmd = std::array<uint64_t, 2>;
using Cfg = std::function<void(smmu_config_t &)>;

struct CmdCase {
    const char *name;
    Cfg set;            // configuration change (may be null)
    Cmd cmd;
};

struct Cmdq : th::Smmu {
    void start(const Cfg &set) {
        smmu_config_default(&cfg);
        if (set) set(cfg);
        create();
        cmdq_only(*this);
    }
    void stop() { smmu_destroy(smmu); smmu = nullptr; mem.clear(); mem.write_log.clear(); }
    uint32_t cons() { return r32(CMDQ_CONS); }
    uint32_t rd() { return cons() & ((2u << cmdq_log2) - 1); }
    uint32_t err() { return (cons() & kErrMask) >> kErrShift; }
};

constexpr uint64_t SID = 0x1234ull << 32;

Cmd tlbi_va(uint8_t op, unsigned tg, unsigned ttl, unsigned num, unsigned scale) {
    return {op | (uint64_t)num << 12 | (uint64_t)scale << 20 | 5ull << 32 | 7ull << 48,
            0x12345000ull | (uint64_t)tg << 10 | (uint64_t)ttl << 8 | 1};
}

const CmdCase kValid[] = {
    {"PREFETCH_CONFIG", nullptr, {0x01 | SID, 0}},
    {"PREFETCH_CONFIG ssv", nullptr, {0x01 | SID | 1ull << 11 | 0x55ull << 12, 0}},
    {"PREFETCH_ADDR", nullptr, {0x02 | SID, 0x40000000ull | 3}},
    {"CFGI_STE", nullptr, {0x03 | SID, 1}},
    {"CFGI_STE leaf=0", nullptr, {0x03 | SID, 0}},
    {"CFGI_STE_RANGE", nullptr, {0x04 | SID, 5}},
    {"CFGI_ALL", nullptr, {0x04, 31}},
    {"CFGI_CD", nullptr, {0x05 | SID | 0xABCDEull << 12, 1}},
    {"CFGI_CD_ALL", nullptr, {0x06 | SID, 0}},
    {"TLBI_NH_ALL", nullptr, {0x10 | 5ull << 32, 0}},
    {"TLBI_NH_ASID", nullptr, {0x11 | 5ull << 32 | 7ull << 48, 0}},
    {"TLBI_NH_VA", nullptr, tlbi_va(0x12, 0, 0, 0, 0)},
    {"TLBI_NH_VA range 4K", nullptr, tlbi_va(0x12, 1, 3, 3, 1)},
    {"TLBI_NH_VA ttl only", nullptr, tlbi_va(0x12, 3, 2, 0, 0)},
    {"TLBI_NH_VAA", nullptr, tlbi_va(0x13, 0, 0, 0, 0)},
    {"TLBI_NH_VAA range 16K", nullptr, tlbi_va(0x13, 2, 0, 31, 20)},
    {"TLBI_EL2_ALL", nullptr, {0x20, 0}},
    {"TLBI_EL2_ASID", nullptr, {0x21 | 7ull << 48, 0}},
    {"TLBI_EL2_VA", nullptr, tlbi_va(0x22, 0, 0, 0, 0)},
    {"TLBI_EL2_VAA", nullptr, tlbi_va(0x23, 1, 1, 0, 0)},
    {"TLBI_S12_VMALL", nullptr, {0x28 | 5ull << 32, 0}},
    {"TLBI_S2_IPA", nullptr, tlbi_va(0x2A, 0, 0, 0, 0)},
    {"TLBI_S2_IPA range", nullptr, tlbi_va(0x2A, 3, 0, 1, 0)},
    // 4.4.1.1: with IDR5.DS == 0, 16K TTL 0b01 is treated as 0b00, so a real range (NUM or SCALE) stays legal.
    {"TLBI_S2_IPA 16K TTL 1 NUM", nullptr, tlbi_va(0x2A, 2, 1, 1, 0)},
    {"TLBI_NH_VA 16K TTL 1 SCALE", nullptr, tlbi_va(0x12, 2, 1, 0, 3)},
    {"TLBI_EL2_VAA 16K TTL 1 NUM SCALE", nullptr, tlbi_va(0x23, 2, 1, 31, 31)},
    {"TLBI_NSNH_ALL", nullptr, {0x30, 0}},
    {"ATC_INV", [](smmu_config_t &c) { c.ats = true; }, {0x40 | SID | 1ull << 11 | 3ull << 12, 0x10000ull | 52}},
    {"PRI_RESP", [](smmu_config_t &c) { c.pri = c.ats = true; }, {0x41 | SID, 2ull << 12 | 0x1FF}},
    {"RESUME retry", nullptr, {0x44 | SID | 1ull << 12, 0x17}},
    {"RESUME abort", nullptr, {0x44 | SID | 2ull << 12, 0x17}},
    {"STALL_TERM", nullptr, {0x45 | SID, 0}},
    {"SYNC none", nullptr, th::cmd::sync(0)},
    {"SYNC irq", nullptr, th::cmd::sync(1)},
    {"SYNC sev", nullptr, th::cmd::sync(2)},
    {"TLBI_NH_VA without RIL", [](smmu_config_t &c) { c.ril = false; }, tlbi_va(0x12, 0, 0, 0, 0)},
};

TEST_F(Cmdq, EveryValidCommandIsConsumed) {
    for (const auto &c : kValid) {
        start(c.set);
        uint32_t before = rd();
        submit({c.cmd});
        EXPECT_EQ(rd(), (before + 1) & ((2u << cmdq_log2) - 1)) << c.name;
        EXPECT_EQ(err(), 0u) << c.name;
        EXPECT_EQ(active(*this), 0u) << c.name;
        smmu_global_stats_t st;
        smmu_global_stats(smmu, &st);
        EXPECT_EQ(st.commands, 1u) << c.name;
        EXPECT_EQ(st.commands_by_opcode[c.cmd[0] & 0xFF], 1u) << c.name;
        EXPECT_EQ(st.cmd_syncs, (c.cmd[0] & 0xFF) == 0x46 ? 1u : 0u) << c.name;
        stop();
    }
}

const CmdCase kIllegal[] = {
    {"opcode 0x00", nullptr, {0x00, 0}},
    {"CFGI_VMS_PIDM without MPAM", nullptr, {0x07, 0}},
    {"opcode 0x08", nullptr, {0x08, 0}},
    {"opcode 0x14", nullptr, {0x14, 0}},
    {"opcode 0x19", nullptr, {0x19, 0}},
    {"opcode 0x2B", nullptr, {0x2B, 0}},
    {"opcode 0x42", nullptr, {0x42, 0}},
    {"TLBI_S_EL2_ALL on the NS queue", nullptr, {0x50, 0}},
    {"TLBI_SNH_ALL on the NS queue", nullptr, {0x60, 0}},
    {"DPTI_ALL without DPT", nullptr, {0x70, 0}},
    {"IMPLEMENTATION DEFINED 0x80", nullptr, {0x80, 0}},
    {"opcode 0xFF", nullptr, {0xFF, 0}},
    {"PREFETCH_CONFIG SSec", nullptr, {0x01 | SID | 1ull << 10, 0}},
    {"PREFETCH_ADDR SSec", nullptr, {0x02 | SID | 1ull << 10, 0}},
    {"CFGI_STE SSec", nullptr, {0x03 | SID | 1ull << 10, 1}},
    {"CFGI_ALL SSec", nullptr, {0x04 | 1ull << 10, 31}},
    {"CFGI_CD SSec", nullptr, {0x05 | SID | 1ull << 10, 1}},
    {"CFGI_CD_ALL SSec", nullptr, {0x06 | SID | 1ull << 10, 0}},
    {"RESUME SSec", nullptr, {0x44 | SID | 1ull << 10, 0}},
    {"STALL_TERM SSec", nullptr, {0x45 | SID | 1ull << 10, 0}},
    {"TLBI_EL3_ALL", nullptr, {0x18, 0}},
    {"TLBI_EL3_VA", nullptr, {0x1A, 0x1000}},
    {"CFGI_CD without S1P", [](smmu_config_t &c) { c.s1p = false; c.hyp = false; }, {0x05 | SID, 1}},
    {"CFGI_CD_ALL without S1P", [](smmu_config_t &c) { c.s1p = false; c.hyp = false; }, {0x06 | SID, 0}},
    {"TLBI_NH_ALL without S1P", [](smmu_config_t &c) { c.s1p = false; c.hyp = false; }, {0x10, 0}},
    {"TLBI_NH_ASID without S1P", [](smmu_config_t &c) { c.s1p = false; c.hyp = false; }, {0x11, 0}},
    {"TLBI_NH_VA without S1P", [](smmu_config_t &c) { c.s1p = false; c.hyp = false; }, tlbi_va(0x12, 0, 0, 0, 0)},
    {"TLBI_NH_VAA without S1P", [](smmu_config_t &c) { c.s1p = false; c.hyp = false; }, tlbi_va(0x13, 0, 0, 0, 0)},
    {"TLBI_EL2_ALL without HYP", [](smmu_config_t &c) { c.hyp = false; }, {0x20, 0}},
    {"TLBI_EL2_ASID without HYP", [](smmu_config_t &c) { c.hyp = false; }, {0x21, 0}},
    {"TLBI_EL2_VA without HYP", [](smmu_config_t &c) { c.hyp = false; }, tlbi_va(0x22, 0, 0, 0, 0)},
    {"TLBI_EL2_VAA without HYP", [](smmu_config_t &c) { c.hyp = false; }, tlbi_va(0x23, 0, 0, 0, 0)},
    {"TLBI_S12_VMALL without S2P", [](smmu_config_t &c) { c.s2p = false; c.hyp = c.vmw = false; }, {0x28, 0}},
    {"TLBI_S2_IPA without S2P", [](smmu_config_t &c) { c.s2p = false; c.hyp = c.vmw = false; }, tlbi_va(0x2A, 0, 0, 0, 0)},
    {"ATC_INV without ATS", [](smmu_config_t &c) { c.ats = c.pri = false; }, {0x40 | SID, 52}},
    {"ATC_INV Size 53", [](smmu_config_t &c) { c.ats = true; }, {0x40 | SID, 53}},
    {"PRI_RESP without PRI", [](smmu_config_t &c) { c.pri = false; }, {0x41 | SID, 2ull << 12}},
    {"PRI_RESP Resp 3", [](smmu_config_t &c) { c.pri = c.ats = true; }, {0x41 | SID, 3ull << 12}},
    {"RESUME without stall model", [](smmu_config_t &c) { c.stall_model = 1; c.stall_max = 0; }, {0x44 | SID | 1ull << 12, 1}},
    {"STALL_TERM without stall model", [](smmu_config_t &c) { c.stall_model = 1; c.stall_max = 0; }, {0x45 | SID, 0}},
    {"SYNC CS 3", nullptr, th::cmd::sync(3)},
    {"range TG without RIL", [](smmu_config_t &c) { c.ril = false; }, tlbi_va(0x12, 1, 0, 1, 0)},
    {"TTL without RIL", [](smmu_config_t &c) { c.ril = false; }, tlbi_va(0x13, 0, 1, 0, 0)},
    {"NUM with TG 0", nullptr, tlbi_va(0x12, 0, 0, 4, 0)},
    {"SCALE with TG 0", nullptr, tlbi_va(0x2A, 0, 0, 0, 2)},
    {"TTL with TG 0", nullptr, tlbi_va(0x22, 0, 2, 0, 0)},
    {"TG set, NUM=SCALE=TTL=0", nullptr, tlbi_va(0x12, 1, 0, 0, 0)},
    {"16K TTL 1 without DS, NUM=SCALE=0", nullptr, tlbi_va(0x2A, 2, 1, 0, 0)},
    {"16K TTL 1 without DS, NUM=SCALE=0 (VA)", nullptr, tlbi_va(0x12, 2, 1, 0, 0)},
};

TEST_F(Cmdq, EveryIllegalEncodingStopsTheQueue) {
    for (const auto &c : kIllegal) {
        start(c.set);
        submit({th::cmd::tlbi_nsnh_all(), c.cmd, th::cmd::sync()});
        EXPECT_EQ(rd(), 1u) << c.name << ": CONS stays at the bad command";
        EXPECT_EQ(err(), 1u) << c.name << ": CERROR_ILL";
        EXPECT_EQ(r32(GERROR), 1u) << c.name;
        EXPECT_EQ(active(*this), 1u) << c.name << ": CMDQ_ERR active";
        smmu_global_stats_t st;
        smmu_global_stats(smmu, &st);
        EXPECT_EQ(st.commands, 1u) << c.name;
        EXPECT_EQ(st.cmd_syncs, 0u) << c.name;
        EXPECT_FALSE(smmu_cmdq_pending(smmu)) << c.name;
        stop();
    }
}

TEST_F(Cmdq, ResumesAfterGerrornAcknowledge) {
    start(nullptr);
    submit({{0x00, 0}, th::cmd::cfgi_all(), th::cmd::sync()});
    ASSERT_EQ(rd(), 0u);
    ASSERT_EQ(err(), 1u);
    // More commands can be queued while halted; none is consumed.
    submit({th::cmd::sync()});
    EXPECT_EQ(rd(), 0u);
    // The driver replaces the bad command with a CMD_SYNC and acknowledges CMDQ_ERR.
    mem.w64(th::kCmdq, th::cmd::sync()[0]);
    mem.w64(th::kCmdq + 8, th::cmd::sync()[1]);
    w32(GERRORN, r32(GERROR));
    EXPECT_EQ(active(*this), 0u);
    EXPECT_EQ(rd(), 4u);
    EXPECT_EQ(err(), 0u);
    // A second error toggles GERROR.CMDQ_ERR back to 0, again different from GERRORN.
    submit({{0x09, 0}});
    EXPECT_EQ(rd(), 4u);
    EXPECT_EQ(r32(GERROR), 0u);
    EXPECT_EQ(r32(GERRORN), 1u);
    EXPECT_EQ(active(*this), 1u);
}

TEST_F(Cmdq, AckWhileDisabledResumesOnEnable) {
    start(nullptr);
    submit({{0x00, 0}, th::cmd::sync()});
    w32(CR0, 0);
    mem.w64(th::kCmdq, th::cmd::tlbi_nsnh_all()[0]);
    ack_all(*this);
    EXPECT_EQ(rd(), 0u);
    w32(CR0, 0x8);                              // enabling with PROD != CONS starts consumption
    EXPECT_EQ(rd(), 2u);
}

TEST_F(Cmdq, FetchAbortIsCerrorAbt) {
    start(nullptr);
    mem.abort_range(th::kCmdq + 2 * 16, 16, true, false);
    submit({th::cmd::sync(), th::cmd::sync(), th::cmd::sync(), th::cmd::sync()});
    EXPECT_EQ(rd(), 2u);
    EXPECT_EQ(err(), 2u);
    EXPECT_EQ(active(*this), 1u);
    mem.aborts.clear();
    ack_all(*this);
    EXPECT_EQ(rd(), 4u);
    EXPECT_EQ(err(), 0u);
}

TEST_F(Cmdq, WrapBitOverManyCommands) {
    cmdq_log2 = 3;                              // 8 entries
    start(nullptr);
    for (unsigned i = 1; i <= 40; i++) {
        submit({th::cmd::cfgi_ste(i), th::cmd::sync()});
        EXPECT_EQ(cons(), (2 * i) & 0xF) << "after " << i << " batches";
    }
    smmu_global_stats_t st;
    smmu_global_stats(smmu, &st);
    EXPECT_EQ(st.commands, 80u);
    EXPECT_EQ(st.cmd_syncs, 40u);
    EXPECT_EQ(st.commands_by_opcode[0x03], 40u);
    // A full queue of 8 (PROD = CONS with the wrap bit flipped) is consumed entirely.
    std::vector<Cmd> eight(8, th::cmd::sync());
    submit(eight);
    EXPECT_EQ(cons(), (80u + 8) & 0xF);
}

TEST_F(Cmdq, QueueBaseIsAlignedToItsSize) {
    start(nullptr);
    w32(CR0, 0);
    w64(CMDQ_BASE, (th::kCmdq + 0x20) | 2);   // 4 entries = 64 bytes: ADDR[5] is ignored
    w32(CMDQ_PROD, 0);
    w32(CMDQ_CONS, 0);
    w32(CR0, 0x8);
    mem.w64(th::kCmdq + 0x20, 0);              // would be illegal if the unaligned base were used
    mem.w64(th::kCmdq, th::cmd::sync()[0]);
    mem.w64(th::kCmdq + 8, th::cmd::sync()[1]);
    w32(CMDQ_PROD, 1);
    EXPECT_EQ(r32(CMDQ_CONS), 1u);
}

TEST_F(Cmdq, Log2SizeCappedByCmdqs) {
    cfg.cmdqs = 2;
    create();
    cmdq_log2 = 2;
    w64(CMDQ_BASE, th::kCmdq | 10);            // asks for 1024 entries: 4 are used
    w32(CMDQ_PROD, 0);
    w32(CMDQ_CONS, 0);
    w32(CR0, 0x8);
    cmd_prod = 0;
    for (int i = 0; i < 6; i++) submit({th::cmd::sync()});
    EXPECT_EQ(r32(CMDQ_CONS), 6u & 7u);
}

TEST_F(Cmdq, SyncIrqByMsi) {
    start(nullptr);
    const uint64_t msi = 0x40001000;
    submit({th::cmd::sync(1, msi, 0xCAFE0001u)});
    EXPECT_TRUE(logged_u32(mem, msi, 0xCAFE0001u));
    EXPECT_EQ(mem.r32(msi), 0xCAFE0001u);
    EXPECT_EQ(mem.irq_edges[SMMU_IRQ_CMD_SYNC], 1u) << "the wired output fires regardless of MSIAddress";
    EXPECT_EQ(active(*this), 0u);
}

TEST_F(Cmdq, SyncIrqWired) {
    start(nullptr);
    submit({th::cmd::sync(1, 0, 0x1234)});
    EXPECT_EQ(mem.irq_edges[SMMU_IRQ_CMD_SYNC], 1u);
    EXPECT_TRUE(mem.write_log.empty());
    submit({th::cmd::sync(0), th::cmd::sync(2)});
    EXPECT_EQ(mem.irq_edges[SMMU_IRQ_CMD_SYNC], 1u);
    // A pulse: high then low.
    ASSERT_EQ(mem.irqs.size(), 2u);
    EXPECT_TRUE(mem.irqs[0].level);
    EXPECT_FALSE(mem.irqs[1].level);
}

TEST_F(Cmdq, SyncMsiIgnoredWithoutMsiSupport) {
    start([](smmu_config_t &c) { c.msi = false; });
    submit({th::cmd::sync(1, 0x40001000, 7)});
    EXPECT_TRUE(mem.write_log.empty());
    EXPECT_EQ(mem.irq_edges[SMMU_IRQ_CMD_SYNC], 1u);
}

TEST_F(Cmdq, SyncSevIsObservable) {
    start(nullptr);
    submit({th::cmd::sync(2)});
    EXPECT_TRUE(smmu->sev_pending);
    EXPECT_EQ(smmu->sev_count, 1u);
    EXPECT_EQ(mem.irq_edges[SMMU_IRQ_CMD_SYNC], 0u);
    submit({th::cmd::sync(0)});
    EXPECT_EQ(smmu->sev_count, 1u);
    stop();
    start([](smmu_config_t &c) { c.sev = false; });
    submit({th::cmd::sync(2)});
    EXPECT_EQ(smmu->sev_count, 0u);            // SIG_SEV is SIG_NONE without IDR0.SEV
}

TEST_F(Cmdq, SevWhenAFullQueueBecomesNonFull) {
    cmdq_log2 = 2;
    start(nullptr);
    std::vector<Cmd> four(4, th::cmd::sync(0));
    submit(four);
    EXPECT_EQ(cons(), 4u);
    EXPECT_EQ(smmu->sev_count, 1u);
}

TEST_F(Cmdq, DisabledQueueConsumesNothing) {
    start(nullptr);
    w32(CR0, 0);
    submit({th::cmd::sync()});
    EXPECT_EQ(rd(), 0u);
    EXPECT_FALSE(smmu_cmdq_pending(smmu));
    uint32_t cycles = 99;
    EXPECT_FALSE(smmu_cmdq_step(smmu, &cycles));
}

TEST_F(Cmdq, SteppedModeConsumesOneAtATime) {
    start([](smmu_config_t &c) { c.cmdq_stepped = true; });
    submit({th::cmd::sync(), th::cmd::tlbi_nsnh_all(), th::cmd::cfgi_all(), {0x00, 0}});
    EXPECT_EQ(rd(), 0u) << "a PROD write consumes nothing";
    EXPECT_TRUE(smmu_cmdq_pending(smmu));
    uint32_t cycles = 0;
    ASSERT_TRUE(smmu_cmdq_step(smmu, &cycles));
    EXPECT_EQ(cycles, cfg.cmd_cycles);
    EXPECT_EQ(rd(), 1u);
    ASSERT_TRUE(smmu_cmdq_step(smmu, &cycles));
    // TLBI: one scan of each TLB structure: micro TLB, main TLB, 4+4 walk-cache levels.
    EXPECT_EQ(cycles, cfg.cmd_cycles + cfg.tlbi_cycles * 10);
    ASSERT_TRUE(smmu_cmdq_step(smmu, &cycles));
    EXPECT_EQ(cycles, cfg.cmd_cycles + cfg.tlbi_cycles);
    EXPECT_EQ(rd(), 3u);
    EXPECT_FALSE(smmu_cmdq_step(smmu, &cycles)) << "the illegal command is not consumed";
    EXPECT_EQ(err(), 1u);
    EXPECT_FALSE(smmu_cmdq_pending(smmu));
    mem.w64(th::kCmdq + 3 * 16, th::cmd::sync()[0]);
    ack_all(*this);
    EXPECT_EQ(rd(), 3u) << "stepped mode: the ack does not consume";
    EXPECT_TRUE(smmu_cmdq_step(smmu, &cycles));
    EXPECT_EQ(rd(), 4u);
    EXPECT_FALSE(smmu_cmdq_pending(smmu));
    EXPECT_FALSE(smmu_cmdq_step(smmu, &cycles));
}

} // namespace
