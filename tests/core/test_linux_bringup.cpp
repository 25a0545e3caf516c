// SPDX-License-Identifier: BSD-3-Clause
// The Linux arm-smmu-v3 probe and reset sequence, register by register, then bypass and abort streams.
#include "harness.h"

namespace {

constexpr uint32_t IDR0 = 0x0, IDR1 = 0x4, IDR3 = 0xC, IDR5 = 0x14, IIDR = 0x18, CR0 = 0x20, CR0ACK = 0x24,
                   CR1 = 0x28, CR2 = 0x2C, GBPA = 0x44, IRQ_CTRL = 0x50, IRQ_CTRLACK = 0x54, GERROR = 0x60,
                   GERRORN = 0x64, GERROR_IRQ_CFG0 = 0x68, STRTAB_BASE = 0x80, STRTAB_BASE_CFG = 0x88,
                   CMDQ_BASE = 0x90, CMDQ_PROD = 0x98, CMDQ_CONS = 0x9C, EVENTQ_BASE = 0xA0,
                   EVENTQ_IRQ_CFG0 = 0xB0, EVENTQ_PROD = 0x100A8, EVENTQ_CONS = 0x100AC;

// A driver that follows arm_smmu_device_probe / arm_smmu_device_reset, with a 2-level stream table
// (SPLIT = 8, L2 tables allocated per master and filled with abort STEs) as Linux builds it.
struct LinuxBringup : th::Smmu {
    static constexpr uint64_t kL1 = 0x30000000, kL2 = 0x31000000;
    unsigned sid_bits = 0, cmdq_shift = 0;
    bool msi = false, sev = false, two_level = false;
    uint64_t next_l2 = kL2;

    void poll_ack(uint32_t reg, uint32_t ack, uint32_t val) {
        w32(reg, val);
        // Linux polls for up to 1 s; the model completes at once, so one read must see it.
        EXPECT_EQ(r32(ack), val) << std::hex << "ack of 0x" << reg;
    }

    void probe() {
        uint32_t idr0 = r32(IDR0), idr1 = r32(IDR1), idr3 = r32(IDR3), idr5 = r32(IDR5);
        (void)r32(IIDR);
        two_level = ((idr0 >> 27) & 3) == 1;
        msi = (idr0 >> 13) & 1;
        sev = (idr0 >> 14) & 1;
        EXPECT_TRUE(idr0 & 3) << "S1P or S2P";
        EXPECT_EQ((idr0 >> 2) & 3, 2u) << "TTF = AArch64";
        EXPECT_EQ((idr0 >> 21) & 3, 2u) << "TTENDIAN little-endian";
        EXPECT_EQ(idr1 & (7u << 28), 0u) << "no TABLES/QUEUES_PRESET or REL";
        cmdq_shift = std::min(8u, (idr1 >> 21) & 0x1F);
        EXPECT_GT(cmdq_shift, 6u);
        sid_bits = idr1 & 0x3F;
        EXPECT_GE(sid_bits, 16u);
        EXPECT_TRUE((idr3 >> 10) & 1) << "RIL";
        EXPECT_EQ(idr5 & 7, 5u) << "OAS 48";
        EXPECT_EQ(idr5 & 0x70, 0x70u) << "4K, 16K and 64K granules";
    }

    // L2 table for `sid` as arm_smmu_init_l2_strtab does: 256 abort STEs, then L1 = Span 9 | L2Ptr.
    void ensure_l2(uint32_t sid) {
        uint64_t l1 = kL1 + (sid >> 8) * 8;
        if (mem.r64(l1)) return;
        for (unsigned i = 0; i < 256; i++) for (int q = 0; q < 8; q++) mem.w64(next_l2 + i * 64 + q * 8, q == 0 ? 1 : 0);
        mem.w64(l1, next_l2 | 9);
        next_l2 += 256 * 64;
    }
    uint64_t ste_addr(uint32_t sid) { return (mem.r64(kL1 + (sid >> 8) * 8) & 0x000FFFFFFFFFFFC0ull) + (sid & 0xFF) * 64; }

    void reset() {
        EXPECT_EQ(r32(CR0), 0u);
        poll_ack(CR0, CR0ACK, 0);
        w32(CR1, 0xD75);
        w32(CR2, 0x6);
        // 2-level: L1 of 2^(sid_bits-8) entries, LOG2SIZE = sid_bits, SPLIT = 8, FMT = 1.
        w64(STRTAB_BASE, kL1 | 1ull << 62);
        w32(STRTAB_BASE_CFG, 1u << 16 | 8u << 6 | sid_bits);
        EXPECT_EQ(r32(STRTAB_BASE_CFG), 1u << 16 | 8u << 6 | sid_bits);
        cmdq_log2 = cmdq_shift;
        w64(CMDQ_BASE, 1ull << 62 | th::kCmdq | cmdq_log2);
        w32(CMDQ_PROD, 0);
        w32(CMDQ_CONS, 0);
        cmd_prod = 0;
        poll_ack(CR0, CR0ACK, 0x8);
        sync_sev({th::cmd::cfgi_all()});
        sync_sev({th::cmd::TLBI_EL2_ALL, 0});
        sync_sev({th::cmd::tlbi_nsnh_all()});
        w64(EVENTQ_BASE, 1ull << 62 | th::kEvtq | evtq_log2);
        w32(EVENTQ_PROD, 0);
        w32(EVENTQ_CONS, 0);
        evt_cons = 0;
        poll_ack(CR0, CR0ACK, 0xC);
        poll_ack(IRQ_CTRL, IRQ_CTRLACK, 0);
        w64(GERROR_IRQ_CFG0, 0);
        w64(EVENTQ_IRQ_CFG0, 0);
        poll_ack(IRQ_CTRL, IRQ_CTRLACK, 0x5);
        poll_ack(CR0, CR0ACK, 0xD);
    }

    // arm_smmu_cmdq_issue_cmd_with_sync without MSI polling: CMD_SYNC CS=SEV, then poll CONS.
    void sync_sev(std::array<uint64_t, 2> c) {
        uint32_t cons = submit({c, th::cmd::sync(2)});
        EXPECT_EQ(cons & 0x7F000000u, 0u) << "CMDQ_CONS.ERR after opcode 0x" << std::hex << (c[0] & 0xFF);
        EXPECT_EQ(cons & ((2u << cmdq_log2) - 1), cmd_prod);
        EXPECT_EQ(r32(GERROR) ^ r32(GERRORN), 0u);
    }

    void install_ste(uint32_t sid, const th::Qwords8 &ste) {
        ensure_l2(sid);
        uint64_t a = ste_addr(sid);
        // Breaking update: V=0 first, then qwords 1..7, then qword 0, each followed by CFGI_STE + SYNC.
        mem.w64(a, 0);
        sync_sev(th::cmd::cfgi_ste(sid));
        for (int q = 1; q < 8; q++) mem.w64(a + q * 8, ste[q]);
        sync_sev(th::cmd::cfgi_ste(sid));
        mem.w64(a, ste[0]);
        sync_sev(th::cmd::cfgi_ste(sid));
    }
};

TEST_F(LinuxBringup, ProbeResetThenBypassAndAbortStreams) {
    create();
    probe();
    EXPECT_TRUE(two_level);
    ensure_l2(0x10);
    ensure_l2(0x2345);
    reset();
    EXPECT_EQ(r32(CMDQ_CONS) & 0x7F000000u, 0u);

    // Freshly allocated L2 entries abort silently (Config = abort, no event).
    auto r = xlate(0x10, 0x1000);
    EXPECT_EQ(r.status, SMMU_ABORT);
    EXPECT_TRUE(pop_events().empty());

    install_ste(0x10, th::ste::bypass());
    for (uint64_t addr : {0x0ull, 0x1234ull, 0x8000'0000ull, 0xFFFF'FFFF'FFFFull}) {
        r = xlate(0x10, addr, true);
        EXPECT_EQ(r.status, SMMU_OK);
        EXPECT_EQ(r.pa, addr);
        EXPECT_TRUE(r.bypass);
    }
    // Beyond the 48-bit OAS a bypass stream aborts with a stage-1 F_ADDR_SIZE (3.4).
    r = xlate(0x10, 1ull << 48);
    EXPECT_EQ(r.status, SMMU_ABORT);
    auto ev = pop_events();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(th::evt::id(ev[0]), 0x11u);
    EXPECT_EQ(th::evt::sid(ev[0]), 0x10u);
    EXPECT_EQ(ev[0][2], 1ull << 48);

    install_ste(0x2345, th::ste::abort_ste());
    r = xlate(0x2345, 0x1000);
    EXPECT_EQ(r.status, SMMU_ABORT);
    EXPECT_TRUE(pop_events().empty());

    // A SID whose L1 descriptor is invalid (Span 0) is C_BAD_STREAMID, recorded because CR2.RECINVSID = 1.
    r = xlate(0x4000, 0x1000, false);
    EXPECT_EQ(r.status, SMMU_ABORT);
    ev = pop_events();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(th::evt::id(ev[0]), 0x02u);
    EXPECT_EQ(th::evt::sid(ev[0]), 0x4000u);
}

TEST_F(LinuxBringup, StaleSteUntilCfgiSte) {
    create();
    probe();
    ensure_l2(0x20);
    reset();
    install_ste(0x20, th::ste::bypass());
    EXPECT_EQ(xlate(0x20, 0x5000).status, SMMU_OK);
    // The driver rewrites the STE to abort but forgets CFGI_STE: the cached bypass STE stays in use.
    mem.w64(ste_addr(0x20), th::ste::abort_ste()[0]);
    EXPECT_EQ(xlate(0x20, 0x5000).status, SMMU_OK);
    sync_sev(th::cmd::cfgi_ste(0x20));
    EXPECT_EQ(xlate(0x20, 0x5000).status, SMMU_ABORT);
}

TEST_F(LinuxBringup, InvalidSteIsBadSte) {
    create();
    probe();
    ensure_l2(0x30);
    reset();
    mem.w64(ste_addr(0x30), 0);   // V = 0
    sync_sev(th::cmd::cfgi_ste(0x30));
    auto r = xlate(0x30, 0x7000, true, 0, false, true);
    EXPECT_EQ(r.status, SMMU_ABORT);
    EXPECT_EQ(r.event, 0x04);
    auto ev = pop_events();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(th::evt::id(ev[0]), 0x04u);
    EXPECT_EQ(th::evt::sid(ev[0]), 0x30u);
}

TEST_F(LinuxBringup, SubstreamOnBypassStreamIsBadSubstreamId) {
    create();
    probe();
    ensure_l2(0x40);
    reset();
    install_ste(0x40, th::ste::bypass());
    auto r = xlate(0x40, 0x1000, false, 5, true);
    EXPECT_EQ(r.status, SMMU_ABORT);
    auto ev = pop_events();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(th::evt::id(ev[0]), 0x08u);
    EXPECT_EQ(th::evt::ssid(ev[0]), 5u);
}

TEST_F(LinuxBringup, GlobalBypassFollowsGbpaWhileDisabled) {
    create();
    // GBPA changes take effect through the UPDATE handshake (6.3.14).
    w32(GBPA, 1u << 31);   // UPDATE, ABORT = 0
    EXPECT_EQ(r32(GBPA) & (1u << 31), 0u);
    auto r = xlate(7, 0x1234'5000);
    EXPECT_EQ(r.status, SMMU_OK);
    EXPECT_EQ(r.pa, 0x1234'5000u);
    r = xlate(7, 1ull << 48);          // beyond the OAS: abort, no event
    EXPECT_EQ(r.status, SMMU_ABORT);
    w32(GBPA, 1u << 31 | 1u << 20);    // UPDATE | ABORT
    r = xlate(7, 0x1000);
    EXPECT_EQ(r.status, SMMU_ABORT);
    EXPECT_FALSE(r.recorded);
}

TEST_F(LinuxBringup, MsiPolledCmdSync) {
    create();
    probe();
    ASSERT_TRUE(msi);
    reset();
    // With MSIPOLL Linux points the CMD_SYNC's MSI at its own queue slot and spins until the word is 0.
    uint32_t idx = cmd_prod & ((1u << cmdq_log2) - 1);
    uint64_t slot = th::kCmdq + idx * 16;
    uint32_t cons = submit({th::cmd::sync(1, slot, 0)});
    EXPECT_EQ(cons & ((2u << cmdq_log2) - 1), cmd_prod);
    EXPECT_EQ(mem.r32(slot), 0u);
}

} // namespace
