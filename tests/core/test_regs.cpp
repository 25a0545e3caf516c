// SPDX-License-Identifier: BSD-3-Clause
// The register file: reset values, access rules, guarded registers, handshakes and ID registers (IHI 0070 6.2, 6.3).
#include <functional>

#include "regs_util.h"

using namespace regs_util;

namespace {

using Regs = th::Smmu;

struct RegValue { uint32_t off; uint32_t value; };

TEST_F(Regs, ResetValues) {
    create();
    const RegValue table[] = {
        {0x000, 0x08CF769Bu},   // IDR0 of the default configuration (ATS, ATSRECERR, PRI; NS1ATS = 0)
        {0x004, 0x0E739D10u},   // IDR1: SIDSIZE 16, SSIDSIZE 20, PRIQS/EVENTQS/CMDQS 19, ATTR_*_OVR
        {0x008, 0}, {0x010, 0},
        {0x00C, 0x00001514u},   // IDR3: HAD, XNX, FWB, RIL, BBML 2
        {0x014, 0x00400075u},   // IDR5: OAS 48, 4K/16K/64K, STALL_MAX 64
        {0x018, 0x4870043Bu},   // IIDR: MMU-700 r0p0
        {0x01C, 0x00000002u},   // AIDR: SMMUv3.2
        {0x020, 0}, {0x024, 0}, {0x028, 0}, {0x02C, 0}, {0x040, 0},
        {0x044, 0x00100000u},   // GBPA: ABORT
        {0x048, 0}, {0x050, 0}, {0x054, 0}, {0x060, 0}, {0x064, 0},
        {0x068, 0}, {0x06C, 0}, {0x070, 0}, {0x074, 0}, {0x080, 0}, {0x084, 0}, {0x088, 0},
        {0x090, 0}, {0x094, 0}, {0x098, 0}, {0x09C, 0}, {0x0A0, 0}, {0x0A4, 0},
        {0x0B0, 0}, {0x0B8, 0}, {0x0BC, 0}, {0x0C0, 0}, {0x0D0, 0}, {0x0D8, 0}, {0x0DC, 0},
        {0x100A8, 0}, {0x100AC, 0}, {0x100C8, 0}, {0x100CC, 0},
        // CoreSight ID block (MMU-700 part 0x487, JEP106 Arm 0x43B)
        {0xFD0, 0x04}, {0xFD4, 0}, {0xFD8, 0}, {0xFDC, 0},
        {0xFE0, 0x87}, {0xFE4, 0xB4}, {0xFE8, 0x0B}, {0xFEC, 0x00},
        {0xFF0, 0x0D}, {0xFF4, 0xF0}, {0xFF8, 0x05}, {0xFFC, 0xB1},
    };
    for (const auto &e : table) EXPECT_EQ(r32(e.off), e.value) << std::hex << "offset 0x" << e.off;
}

TEST_F(Regs, ReadOnlyRegistersIgnoreWrites) {
    create();
    const uint32_t ro[] = {0x000, 0x004, 0x008, 0x00C, 0x010, 0x014, 0x018, 0x01C, 0x024, 0x040, 0x054, 0x060,
                           0xFD0, 0xFE0, 0xFE4, 0xFE8, 0xFEC, 0xFF0, 0xFFC};
    for (uint32_t off : ro) {
        uint32_t before = r32(off);
        w32(off, ~before);
        EXPECT_EQ(r32(off), before) << std::hex << "offset 0x" << off;
    }
}

// Writing all-ones shows which bits exist; the rest are RES0.
TEST_F(Regs, Res0BitsReadAsZero) {
    create();
    w32(0x020, ~0u);
    EXPECT_EQ(r32(0x020), 0x000001DFu);      // CR0: SMMUEN, PRIQEN, EVENTQEN, CMDQEN, ATSCHK, VMW
    EXPECT_EQ(r32(0x024), 0x000001DFu);
    w32(0x020, 0);
    const RegValue table[] = {
        {0x028, 0x00000FFFu},   // CR1
        {0x02C, 0x0000000Bu},   // CR2: E2H (HYP), RECINVSID, REC_CFG_ATS (ATSRECERR); PTM needs BTM
        {0x044, 0x001F3F1Fu},   // GBPA with Update: ABORT, INSTCFG, PRIVCFG, SHCFG, ALLOCCFG, MTCFG, MemAttr
        {0x070, 0xFFFFFFFFu},   // GERROR_IRQ_CFG1
        {0x074, 0x0000003Fu},   // GERROR_IRQ_CFG2: SH, MemAttr
        {0x0BC, 0x0000003Fu},   // EVENTQ_IRQ_CFG2
        {0x088, 0x000307FFu},   // STRTAB_BASE_CFG: FMT, SPLIT, LOG2SIZE
        {0x098, 0x000FFFFFu},   // CMDQ_PROD: WR with CMDQS 19
        {0x100AC, 0x800FFFFFu}, // EVENTQ_CONS: OVACKFLG, RD
        {0x100A8, 0x80000001u}, // EVENTQ_PROD while EVENTQEN == 0: OVFLG, WR_WRAP of LOG2SIZE 0 (bits above RAZ)
        {0x050, 0x00000007u},   // IRQ_CTRL: GERROR, PRIQ, EVENTQ
        {0x064, 0x000001FDu},   // GERRORN: every bit, PRI ones included
    };
    for (const auto &e : table) {
        w32(e.off, ~0u);
        EXPECT_EQ(r32(e.off), e.value) << std::hex << "offset 0x" << e.off;
    }
    w32(0x050, 0);
    w32(0x064, 0);
    w32(0x09C, ~0u);   // CMDQ_CONS with the queue disabled: ERR and RD are writable, RD above LOG2SIZE 0 RAZ
    EXPECT_EQ(r32(0x09C), 0x7F000001u);
    w64(0x080, ~0ull);
    EXPECT_EQ(r64(0x080), 0x4000FFFFFFFFFFC0ull);   // STRTAB_BASE: RA, ADDR[47:6] with a 48-bit OAS
    w64(0x090, ~0ull);
    EXPECT_EQ(r64(0x090), 0x4000FFFFFFFFFFFFull);   // CMDQ_BASE: RA, ADDR[47:5], LOG2SIZE
    w64(0x0A0, ~0ull);
    EXPECT_EQ(r64(0x0A0), 0x4000FFFFFFFFFFFFull);
    w64(0x068, ~0ull);
    EXPECT_EQ(r64(0x068), 0x0000FFFFFFFFFFFCull);   // GERROR_IRQ_CFG0.ADDR[47:2]
}

TEST_F(Regs, Cr0AckAndIrqCtrlAckFollowAtOnce) {
    create();
    for (uint32_t v : {0x1u, 0x4u, 0x8u, 0xDu, 0x0u, 0x1C0u}) {
        w32(0x020, v);
        EXPECT_EQ(r32(0x024), v);
    }
    for (uint32_t v : {0x1u, 0x4u, 0x5u, 0x0u}) {
        w32(0x050, v);
        EXPECT_EQ(r32(0x054), v);
    }
}

TEST_F(Regs, GbpaUpdateHandshake) {
    create();
    w32(0x044, 0x00003000u);                  // no Update: IGNORED in v3.2
    EXPECT_EQ(r32(0x044), 0x00100000u);
    w32(0x044, 0x80003012u);                  // Update with SHCFG=3, MTCFG, MemAttr=2, ABORT=0
    EXPECT_EQ(r32(0x044), 0x00003012u);       // Update completes at once and reads 0
    w32(0x044, 0x80100000u);
    EXPECT_EQ(r32(0x044), 0x00100000u);
}

TEST_F(Regs, GbpaOverridesFollowAttrOvrSupport) {
    cfg.attr_types_ovr = false;
    cfg.attr_perms_ovr = false;
    create();
    w32(0x044, 0xFFFFFFFFu);
    EXPECT_EQ(r32(0x044), 0x00100000u);       // only ABORT remains
}

// Guarded registers ignore writes while their enable is set (v3.2 rules of 6.3).
TEST_F(Regs, GuardedRegistersIgnoreWritesWhileEnabled) {
    create();
    struct Case { uint32_t off; unsigned size; uint32_t enable_reg, enable; uint64_t v; };
    const Case cases[] = {
        {0x080, 8, 0x020, 0x1, 0x12340000},  // STRTAB_BASE / SMMUEN
        {0x088, 4, 0x020, 0x1, 0x8},         // STRTAB_BASE_CFG / SMMUEN
        {0x02C, 4, 0x020, 0x1, 0x2},         // CR2 / SMMUEN
        {0x090, 8, 0x020, 0x8, 0x11000007},  // CMDQ_BASE / CMDQEN
        {0x09C, 4, 0x020, 0x8, 0x01000001},  // CMDQ_CONS / CMDQEN (ERR, RD_WRAP of LOG2SIZE 0)
        {0x0A0, 8, 0x020, 0x4, 0x12000007},  // EVENTQ_BASE / EVENTQEN
        {0x100A8, 4, 0x020, 0x4, 0x80000001},  // EVENTQ_PROD / EVENTQEN (OVFLG, WR_WRAP of LOG2SIZE 0)
        {0x068, 8, 0x050, 0x1, 0x50000000},  // GERROR_IRQ_CFG0 / GERROR_IRQEN
        {0x070, 4, 0x050, 0x1, 0x1234},
        {0x074, 4, 0x050, 0x1, 0x11},
        {0x0B0, 8, 0x050, 0x4, 0x50000040},  // EVENTQ_IRQ_CFG0 / EVENTQ_IRQEN
        {0x0B8, 4, 0x050, 0x4, 0x4321},
        {0x0BC, 4, 0x050, 0x4, 0x31},
    };
    for (const auto &c : cases) {
        smmu_reg_write(smmu, c.enable_reg, c.enable, 4);
        smmu_reg_write(smmu, c.off, c.v, c.size);
        EXPECT_EQ(smmu_reg_read(smmu, c.off, c.size), 0u) << std::hex << "written while enabled: 0x" << c.off;
        smmu_reg_write(smmu, c.enable_reg, 0, 4);
        smmu_reg_write(smmu, c.off, c.v, c.size);
        EXPECT_EQ(smmu_reg_read(smmu, c.off, c.size), c.v) << std::hex << "written while disabled: 0x" << c.off;
        smmu_reg_write(smmu, c.off, 0, c.size);
    }
    // EVENTQ_CONS belongs to software and stays writable.
    w32(0x020, 0x4);
    w32(0x100AC, 0x80000003u);
    EXPECT_EQ(r32(0x100AC), 0x80000003u);
}

TEST_F(Regs, Cr1FieldsGuardedSeparately) {
    create();
    w32(0x028, 0xD75);
    w32(0x020, 0x1);                          // SMMUEN: TABLE_* frozen, QUEUE_* still writable
    w32(0x028, 0x03F);
    EXPECT_EQ(r32(0x028), 0xD7Fu);
    w32(0x020, 0x8);                          // CMDQEN only: QUEUE_* frozen
    w32(0x028, 0xFC0);
    EXPECT_EQ(r32(0x028), 0xFFFu);
}

TEST_F(Regs, SixtyFourBitRegistersAsTwoHalves) {
    create();
    for (uint32_t off : {0x080u, 0x090u, 0x0A0u, 0x068u, 0x0B0u}) {
        w64(off, 0x0000123456789AC0ull);
        EXPECT_EQ(r32(off), 0x56789AC0u);
        EXPECT_EQ(r32(off + 4), 0x00001234u);
        w32(off + 4, 0x00004321u);            // high half only
        EXPECT_EQ(r64(off), 0x0000432156789AC0ull);
        w32(off, 0x11111100u);                // low half only
        EXPECT_EQ(r64(off), 0x0000432111111100ull);
        w64(off, 0);
    }
}

TEST_F(Regs, SixtyFourBitAccessToTwoThirtyTwoBitRegisters) {
    create();
    w64(0x090, th::kCmdq | 4);                // LOG2SIZE 4: CONS index 5 is in range
    w64(0x098, 0x0000000500000003ull);        // CMDQ_PROD then CMDQ_CONS (queue disabled)
    EXPECT_EQ(r32(0x098), 3u);
    EXPECT_EQ(r32(0x09C), 5u);
    w32(0x020, 0x4);
    EXPECT_EQ(r64(0x020), 0x0000000400000004ull);   // CR0 | CR0ACK << 32
    EXPECT_EQ(r64(0x100A8), 0u);
}

TEST_F(Regs, IllegalAccessesAreRazWi) {
    create();
    w32(0x028, 0xD75);
    EXPECT_EQ(smmu_reg_read(smmu, 0x02A, 4), 0u);     // misaligned
    EXPECT_EQ(smmu_reg_read(smmu, 0x028, 2), 0u);     // unsupported size
    EXPECT_EQ(smmu_reg_read(smmu, 0x084, 8), 0u);     // misaligned 64-bit
    smmu_reg_write(smmu, 0x028, 0x1, 2);
    smmu_reg_write(smmu, 0x02A, 0x1, 4);
    smmu_reg_write(smmu, 0x028, 0x1, 1);
    EXPECT_EQ(r32(0x028), 0xD75u);
    EXPECT_EQ(smmu_reg_read(smmu, 0x20000, 4), 0u);   // outside the two pages
}

TEST_F(Regs, UnknownAndReservedOffsetsAreRazWi) {
    create();
    w32(0x100AC, 0x5);                        // EVENTQ_CONS in page 1
    const uint32_t razwi[] = {0x030, 0x034, 0x048, 0x0A8, 0x0AC, 0x0C8, 0x0CC, 0x100, 0x108, 0x110, 0x118,
                              0x190, 0x200, 0x0E00, 0x1000, 0x4000, 0x8000, 0x8020, 0x10000, 0x10020, 0x10098,
                              0x1FFFC};
    for (uint32_t off : razwi) {
        w32(off, 0xFFFFFFFFu);
        EXPECT_EQ(r32(off), 0u) << std::hex << "offset 0x" << off;
    }
    EXPECT_EQ(r32(0x100AC), 0x5u) << "page-0 0xAC is not an alias of EVENTQ_CONS";
    EXPECT_EQ(r32(0x028), 0u);
}

TEST_F(Regs, PriqRegistersExistOnlyWithPri) {
    cfg.pri = false;
    create();
    for (uint32_t off : {0x0C0u, 0x0D0u, 0x0D8u, 0x0DCu, 0x100C8u, 0x100CCu}) {
        w32(off, 0x3u);
        EXPECT_EQ(r32(off), 0u) << std::hex << "offset 0x" << off;
    }
}

TEST_F(Regs, PriqRegistersWithPri) {
    cfg.pri = cfg.ats = true;
    create();
    EXPECT_EQ(r32(0x000) & (1u << 16), 1u << 16);
    EXPECT_EQ((r32(0x004) >> 11) & 0x1F, 19u);
    w64(0x0C0, th::kPriq | 4);
    EXPECT_EQ(r64(0x0C0), th::kPriq | 4);
    w32(0x100C8, 0x80000003u);
    EXPECT_EQ(r32(0x100C8), 0x80000003u);
    w32(0x100CC, 0x2u);
    EXPECT_EQ(r32(0x100CC), 0x2u);
    w32(0x0DC, 0xFFFFFFFFu);
    EXPECT_EQ(r32(0x0DC), 0x8000003Fu);       // LO, SH, MemAttr
    w32(0x020, 0x2);                          // PRIQEN guards PRIQ_BASE and PRIQ_PROD
    EXPECT_EQ(r32(0x024), 0x2u);
    w64(0x0C0, 0);
    w32(0x100C8, 0);
    EXPECT_EQ(r64(0x0C0), th::kPriq | 4);
    EXPECT_EQ(r32(0x100C8), 0x80000003u);
    w32(0x050, 0x7);
    EXPECT_EQ(r32(0x054), 0x7u);
    w32(0x064, 0xFFFFFFFFu);
    EXPECT_EQ(r32(0x064), 0x1FDu);
}

TEST_F(Regs, IrqCfgRegistersAbsentWithoutMsi) {
    cfg.msi = false;
    create();
    EXPECT_EQ(r32(0x000) & (1u << 13), 0u);
    for (uint32_t off : {0x068u, 0x06Cu, 0x070u, 0x074u, 0x0B0u, 0x0B8u, 0x0BCu}) {
        w32(off, 0xFFFFFFFCu);
        EXPECT_EQ(r32(off), 0u) << std::hex << "offset 0x" << off;
    }
    w32(0x064, 0xFFFFFFFFu);
    EXPECT_EQ(r32(0x064), 0x10Du);            // CMDQ_ERR, EVTQ_ABT_ERR, PRIQ_ABT_ERR, SFM_ERR
}

// Each configuration switch shows up in its ID register field.
TEST_F(Regs, IdRegistersFollowConfiguration) {
    struct Case { const char *name; std::function<void(smmu_config_t &)> set; uint32_t off, mask, value; };
    const Case cases[] = {
        {"s2p off", [](smmu_config_t &c) { c.s2p = false; c.hyp = c.vmw = false; }, 0x000, 0x1, 0x0},
        {"s1p off", [](smmu_config_t &c) { c.s1p = false; c.hyp = false; }, 0x000, 0x2, 0x0},
        {"ttf aarch64 only", nullptr, 0x000, 0xC, 0x8},
        {"cohacc off", [](smmu_config_t &c) { c.cohacc = false; }, 0x000, 0x10, 0x0},
        {"btm", [](smmu_config_t &c) { c.btm = true; }, 0x000, 0x20, 0x20},
        {"httu 1", [](smmu_config_t &c) { c.httu = 1; }, 0x000, 0xC0, 0x40},
        {"hyp off", [](smmu_config_t &c) { c.hyp = false; }, 0x000, 0x200, 0x0},
        {"ats", [](smmu_config_t &c) { c.ats = true; }, 0x000, 0x400, 0x400},
        {"asid8", [](smmu_config_t &c) { c.asid16 = false; }, 0x000, 0x1000, 0x0},
        {"msi off", [](smmu_config_t &c) { c.msi = false; }, 0x000, 0x2000, 0x0},
        {"sev off", [](smmu_config_t &c) { c.sev = false; }, 0x000, 0x4000, 0x0},
        {"no atos", nullptr, 0x000, 0x8000, 0x0},
        {"pri", [](smmu_config_t &c) { c.pri = c.ats = true; }, 0x000, 0x10000, 0x10000},
        {"vmw off", [](smmu_config_t &c) { c.vmw = false; }, 0x000, 0x20000, 0x0},
        {"vmid8", [](smmu_config_t &c) { c.vmid16 = false; }, 0x000, 0x40000, 0x0},
        {"cd2l off", [](smmu_config_t &c) { c.cd2l = false; }, 0x000, 0x80000, 0x0},
        {"mixed endian", [](smmu_config_t &c) { c.ttendian = 0; }, 0x000, 0x600000, 0x0},
        {"stall model 2", [](smmu_config_t &c) { c.stall_model = 2; }, 0x000, 0x3000000, 0x2000000},
        {"term model", [](smmu_config_t &c) { c.term_model = true; }, 0x000, 0x4000000, 0x4000000},
        {"linear st", [](smmu_config_t &c) { c.st_2lvl = false; c.sidsize = 6; }, 0x000, 0x18000000, 0x0},
        {"sidsize 8", [](smmu_config_t &c) { c.sidsize = 8; }, 0x004, 0x3F, 8},
        {"ssidsize 0", [](smmu_config_t &c) { c.ssidsize = 0; }, 0x004, 0x7C0, 0},
        {"eventqs 7", [](smmu_config_t &c) { c.eventqs = 7; }, 0x004, 0x1F0000, 7u << 16},
        {"cmdqs 8", [](smmu_config_t &c) { c.cmdqs = 8; }, 0x004, 0x3E00000, 8u << 21},
        {"fwb with v3.2", nullptr, 0x00C, 0x100, 0x100},
        {"no fwb before v3.2", [](smmu_config_t &c) { c.arch_minor = 1; c.fwb = false; }, 0x00C, 0x100, 0x0},
        {"had with s1p", nullptr, 0x00C, 0x4, 0x4},
        {"had with s1p on v3.0", [](smmu_config_t &c) { c.arch_minor = 0; c.fwb = false; }, 0x00C, 0x4, 0x4},
        {"no had without s1p", [](smmu_config_t &c) { c.s1p = false; c.hyp = false; }, 0x00C, 0x4, 0x0},
        {"ril off", [](smmu_config_t &c) { c.ril = false; }, 0x00C, 0x400, 0x0},
        {"bbml 1", [](smmu_config_t &c) { c.bbml = 1; }, 0x00C, 0x1800, 0x800},
        {"oas 32", [](smmu_config_t &c) { c.oas_bits = 32; }, 0x014, 0x7, 0},
        {"oas 40", [](smmu_config_t &c) { c.oas_bits = 40; }, 0x014, 0x7, 2},
        {"oas 52", [](smmu_config_t &c) { c.oas_bits = 52; }, 0x014, 0x7, 6},
        {"no 16K", [](smmu_config_t &c) { c.gran16k = false; }, 0x014, 0x70, 0x50},
        {"vax 52", [](smmu_config_t &c) { c.vax = 1; }, 0x014, 0xC00, 0x400},
        {"stall_max 5", [](smmu_config_t &c) { c.stall_max = 5; }, 0x014, 0xFFFF0000, 5u << 16},
        {"v3.0", [](smmu_config_t &c) { c.arch_minor = 0; c.fwb = false; }, 0x01C, 0xFF, 0},
        {"v3.1", [](smmu_config_t &c) { c.arch_minor = 1; c.fwb = false; }, 0x01C, 0xFF, 1},
        {"mmu-600 iidr", [](smmu_config_t &c) { c.iidr = 0x4832143Bu; }, 0x018, ~0u, 0x4832143Bu},
        {"pidr0 from iidr", [](smmu_config_t &c) { c.iidr = 0x4832143Bu; }, 0xFE0, ~0u, 0x83},
        {"pidr2 revision", [](smmu_config_t &c) { c.iidr = 0x4832143Bu; }, 0xFE8, ~0u, 0x2B},
        {"pidr3 revand", [](smmu_config_t &c) { c.iidr = 0x4832143Bu; }, 0xFEC, ~0u, 0x10},
    };
    for (const auto &c : cases) {
        smmu_config_default(&cfg);
        if (c.set) c.set(cfg);
        create();
        ASSERT_NE(smmu, nullptr) << c.name;
        EXPECT_EQ(r32(c.off) & c.mask, c.value) << c.name;
        smmu_destroy(smmu);
        smmu = nullptr;
    }
}

} // namespace

// 6.3.1 IDR0.MSI: PRIQ_IRQ_CFG2.LO exists with PRI whether or not MSIs do; SH/MemAttr only with MSIs.
TEST_F(Regs, PriqIrqCfg2LoWithoutMsi) {
    struct Case { bool msi; uint32_t readback; };
    for (const Case c : {Case{false, 0x80000000u}, Case{true, 0x8000003Fu}}) {
        smmu_config_default(&cfg);
        cfg.pri = cfg.ats = true;
        cfg.msi = c.msi;
        create();
        w32(0x0DC, 0xFFFFFFFFu);
        EXPECT_EQ(r32(0x0DC), c.readback) << "msi " << c.msi;
        w32(0x050, 0x2);                                // PRIQ_IRQEN guards CFG2
        w32(0x0DC, 0);
        EXPECT_EQ(r32(0x0DC), c.readback) << "msi " << c.msi << ": guarded by PRIQ_IRQEN";
        smmu_destroy(smmu);
        smmu = nullptr;
    }
}

// 6.3.28, 6.3.95, 6.3.97: bits of CMDQ_CONS, EVENTQ_PROD and PRIQ_PROD above the index and wrap of the current
// LOG2SIZE read as zero; ERR and OVFLG keep their places.
TEST_F(Regs, SmmuWrittenIndexesReadZeroAboveTheWrapBit) {
    cfg.pri = cfg.ats = true;
    create();
    struct Case { const char *name; uint32_t base, reg, written, readback; };
    const Case cases[] = {
        {"CMDQ_CONS", 0x090, 0x09C, 0x7F0FFFFFu, 0x7F00001Fu},    // ERR[30:24] kept, RD+WRAP in [4:0]
        {"EVENTQ_PROD", 0x0A0, 0x100A8, 0xFFFFFFFFu, 0x8000001Fu},  // OVFLG kept
        {"PRIQ_PROD", 0x0C0, 0x100C8, 0xFFFFFFFFu, 0x8000001Fu},
    };
    for (const auto &c : cases) {
        w64(c.base, 0x40000000ull | 4);                  // LOG2SIZE 4
        w32(c.reg, c.written);
        EXPECT_EQ(r32(c.reg), c.readback) << c.name;
        w64(c.base, 0x40000000ull | 19);                 // the stored bits come back with a larger queue
        EXPECT_EQ(r32(c.reg), c.written & (c.reg == 0x09C ? 0x7F0FFFFFu : 0x800FFFFFu)) << c.name;
    }
}
