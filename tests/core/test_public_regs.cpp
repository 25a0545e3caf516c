// SPDX-License-Identifier: BSD-3-Clause
// <smmu/regs.h>: the public encodings equal the core's own names for them, the builders give the spec's layouts
// (IHI 0070 4, 5.1-5.4, 7.3), and the core accepts and translates through what they build.
#include "e2e_util.h"

namespace {

// The core's short names are the public encodings (a constant redefined in the core would fail here).
static_assert(CR0_SMMUEN == SMMU_CR0_SMMUEN && CR0_EVTQEN == SMMU_CR0_EVENTQEN && CR0_CMDQEN == SMMU_CR0_CMDQEN &&
              CR0_PRIQEN == SMMU_CR0_PRIQEN && CR0_ATSCHK == SMMU_CR0_ATSCHK && CR0_VMW_SHIFT == SMMU_CR0_VMW_SHIFT, "CR0");
static_assert(GBPA_ABORT == SMMU_GBPA_ABORT && GBPA_UPDATE == SMMU_GBPA_UPDATE, "GBPA");
static_assert(IRQ_CTRL_GERROR_IRQEN == SMMU_IRQ_CTRL_GERROR_IRQEN && IRQ_CTRL_EVTQ_IRQEN == SMMU_IRQ_CTRL_EVENTQ_IRQEN &&
              IRQ_CTRL_PRIQ_IRQEN == SMMU_IRQ_CTRL_PRIQ_IRQEN, "IRQ_CTRL");
static_assert(GERROR_CMDQ_ERR == SMMU_GERROR_CMDQ_ERR && GERROR_EVTQ_ABT_ERR == SMMU_GERROR_EVENTQ_ABT_ERR &&
              GERROR_SFM_ERR == SMMU_GERROR_SFM_ERR && GERROR_MSI_GERROR_ABT_ERR == SMMU_GERROR_MSI_GERROR_ABT_ERR &&
              (GERROR_MASK & ~0x1FFu) == 0, "GERROR");
static_assert(CMDQ_CONS_ERR_MASK == SMMU_CMDQ_CONS_ERR_MASK && CERROR_ILL == SMMU_CERROR_ILL &&
              CERROR_ABT == SMMU_CERROR_ABT && CERROR_ATC_INV_SYNC == SMMU_CERROR_ATC_INV_SYNC, "CMDQ_CONS.ERR");
static_assert(STE_CFG_ABORT == SMMU_STE_CONFIG_ABORT && STE_CFG_BYPASS == SMMU_STE_CONFIG_BYPASS &&
              STE_CFG_S1 == SMMU_STE_CONFIG_S1 && STE_CFG_S2 == SMMU_STE_CONFIG_S2 &&
              STE_CFG_NESTED == SMMU_STE_CONFIG_NESTED && STE_STRW_EL2 == SMMU_STE_STRW_EL2, "STE.Config");
static_assert(EVT_F_TRANSLATION == SMMU_EVT_F_TRANSLATION && EVT_C_BAD_STE == SMMU_EVT_C_BAD_STE &&
              EVT_F_VMS_FETCH == SMMU_EVT_F_VMS_FETCH && EVT_CLASS_IN == SMMU_EVT_CLASS_IN, "EventIDs");
static_assert(SMMU_EVENTQ_PROD == SMMU_PAGE1 + 0xA8 && SMMU_PRIQ_CONS == SMMU_PAGE1 + 0xCC, "page 1");

th::Qwords8 q8(const uint64_t e[8]) { th::Qwords8 q; for (int i = 0; i < 8; i++) q[i] = e[i]; return q; }

using C2 = std::array<uint64_t, 2>;
template <class F, class... A> C2 build(F f, A... a) { C2 c; f(c.data(), a...); return c; }

struct CmdCase { const char *name; C2 got; C2 want; bool core_accepts; };

TEST(PublicRegs, CommandBuildersGiveTheSpecLayout)
{
    // Expected words assembled by hand from chapter 4's field positions.
    const CmdCase cases[] = {
        {"PREFETCH_CONFIG", build(smmu_cmd_prefetch_config, 0x55u), {0x0000005500000001ull, 0}, true},
        {"CFGI_STE", build(smmu_cmd_cfgi_ste, 0x1234u, true), {0x0000123400000003ull, 1}, true},
        {"CFGI_STE_RANGE", build(smmu_cmd_cfgi_ste_range, 0x100u, 8u), {0x0000010000000004ull, 8}, true},
        {"CFGI_ALL", build(smmu_cmd_cfgi_all), {0x04, 31}, true},
        {"CFGI_CD", build(smmu_cmd_cfgi_cd, 5u, 0xABCDEu, false), {0x00000005ABCDE005ull, 0}, true},
        {"CFGI_CD_ALL", build(smmu_cmd_cfgi_cd_all, 3u), {0x0000000300000006ull, 0}, true},
        {"TLBI_NH_ALL", build(smmu_cmd_tlbi_nh_all, (uint16_t)4), {0x0000000400000010ull, 0}, true},
        {"TLBI_NH_ASID", build(smmu_cmd_tlbi_nh_asid, (uint16_t)2, (uint16_t)0x1234), {0x1234000200000011ull, 0}, true},
        {"TLBI_NH_VA", build(smmu_cmd_tlbi_nh_va, (uint16_t)3, (uint16_t)0x42, 0xFFFF000012345678ull, true),
         {0x0042000300000012ull, 0xFFFF000012345001ull}, true},
        {"TLBI_NH_VAA", build(smmu_cmd_tlbi_nh_vaa, (uint16_t)1, 0x1000ull, false), {0x0000000100000013ull, 0x1000}, true},
        {"TLBI_EL2_ALL", build(smmu_cmd_tlbi_el2_all), {0x20, 0}, true},
        {"TLBI_EL2_ASID", build(smmu_cmd_tlbi_el2_asid, (uint16_t)5), {0x0005000000000021ull, 0}, true},
        {"TLBI_EL2_VA", build(smmu_cmd_tlbi_el2_va, (uint16_t)5, 0x2000ull, true), {0x0005000000000022ull, 0x2001}, true},
        {"TLBI_S12_VMALL", build(smmu_cmd_tlbi_s12_vmall, (uint16_t)0xBEEF), {0x0000BEEF00000028ull, 0}, true},
        {"TLBI_S2_IPA", build(smmu_cmd_tlbi_s2_ipa, (uint16_t)7, 0xFFF0123456789ABCull, false),
         {0x000000070000002Aull, 0x0000123456789000ull}, true},
        {"TLBI_NSNH_ALL", build(smmu_cmd_tlbi_nsnh_all), {0x30, 0}, true},
        {"SYNC SEV (Linux)", build(smmu_cmd_sync, (unsigned)SMMU_CMD_SYNC_CS_SEV, 0ull, 0u), {0x0FC02046ull, 0}, true},
        {"SYNC IRQ + MSI", build(smmu_cmd_sync, (unsigned)SMMU_CMD_SYNC_CS_IRQ, 0x0123456789ABCDEFull, 0xCAFEF00Du),
         {0xCAFEF00D0FC01046ull, 0x0023456789ABCDECull}, false},
        {"RESUME retry", build(smmu_cmd_resume, 9u, (uint16_t)0x77, true, false), {0x0000000900001044ull, 0x77}, false},
        {"RESUME abort", build(smmu_cmd_resume, 9u, (uint16_t)0x77, false, true), {0x0000000900002044ull, 0x77}, false},
        {"STALL_TERM", build(smmu_cmd_stall_term, 9u), {0x0000000900000045ull, 0}, false},
    };
    e2e::Rig rig;
    rig.create();
    rig.bringup();
    for (const CmdCase &c : cases) {
        EXPECT_EQ(c.got[0], c.want[0]) << c.name << " word 0";
        EXPECT_EQ(c.got[1], c.want[1]) << c.name << " word 1";
        if (!c.core_accepts) continue;
        uint32_t cons = rig.submit({c.got});
        EXPECT_EQ(SMMU_FIELD_GET(cons, SMMU_CMDQ_CONS_ERR), SMMU_CERROR_NONE) << c.name << " consumed without error";
        EXPECT_EQ(cons & ((2u << rig.cmdq_log2) - 1), rig.cmd_prod) << c.name;
    }
}

TEST(PublicRegs, StructureBuildersMatchTheLinuxEncodings)
{
    uint64_t e[8];
    smmu_ste_s1(e, 0x14000000, 0);
    EXPECT_EQ(q8(e), stu::linux_s1(0x14000000).q);
    smmu_ste_s1(e, 0x14000000, 4);
    EXPECT_EQ(q8(e), stu::linux_s1(0x14000000, 4).q) << "S1CDMax > 0: S1DSS = SSID0";
    smmu_ste_s2(e, 7, 0x21000000, smmu_ste_vtcr_4k(48, 2, SMMU_PS_48BIT));
    EXPECT_EQ(q8(e), stu::linux_s2(0x21000000, 7).s2ptw(true).q);
    smmu_cd_s1_4k(e, 1, 0x20000000, 48, SMMU_PS_44BIT, 0xF404FF44);
    EXPECT_EQ(e[0], 0x0001E204C0003510ull) << "Linux's stage-1 CD word 0";
    EXPECT_EQ(q8(e), stu::linux_cd(0x20000000).q);
    smmu_ste_abort(e);
    EXPECT_EQ(q8(e), th::ste::abort_ste());
    smmu_ste_bypass(e);
    EXPECT_EQ(e[0], 9u);
    EXPECT_EQ(SMMU_FIELD_GET(e[1], SMMU_STE1_SHCFG), SMMU_SHCFG_INCOMING);
    smmu_ste_nested(e, 0x14000000, 0, 3, 0x21000000, smmu_ste_vtcr_4k(48, 2, SMMU_PS_48BIT));
    EXPECT_EQ(SMMU_FIELD_GET(e[0], SMMU_STE0_CONFIG), SMMU_STE_CONFIG_NESTED);
    EXPECT_EQ(e[0] & SMMU_STE0_S1CONTEXTPTR_MASK, 0x14000000u);
    EXPECT_EQ(SMMU_FIELD_GET(e[2], SMMU_STE2_S2VMID), 3u);
    EXPECT_EQ(e[3], 0x21000000u);
    EXPECT_EQ(smmu_l1std(0x12345000, 9), 0x12345009u);
    EXPECT_EQ(smmu_l1cd(0xABC000), 0xABC001u);
}

// Each STE builder, installed in the core: the translation it stands for, or the abort.
TEST(PublicRegs, CoreTranslatesThroughBuiltEntries)
{
    e2e::Rig rig;
    rig.create();
    rig.bringup();
    e2e::Tables t(rig.mem);
    const uint64_t vtcr = smmu_ste_vtcr_4k(48, 2, SMMU_PS_48BIT);
    uint64_t e[8];
    auto install = [&](uint32_t sid) { rig.install(sid, q8(e)); };

    smmu_ste_bypass(e);
    install(1);
    smmu_ste_abort(e);
    install(2);

    // Stage 1: IOVA 0x40000000 -> PA 0x30000000.
    uint64_t ttb1 = t.alloc();
    t.map(ttb1, 0x40000000, 0x30000000, e2e::kPageS1);
    smmu_cd_s1_4k(e, 1, ttb1, 48, SMMU_PS_48BIT, 0xF404FF44);
    rig.write_cd(th::kCdBase, q8(e));
    smmu_ste_s1(e, th::kCdBase, 0);
    install(3);

    // Stage 2: IPA 0x40000000 -> PA 0x31000000, VMID 2.
    uint64_t ttb2 = t.alloc();
    t.map(ttb2, 0x40000000, 0x31000000, e2e::kPageS2);
    smmu_ste_s2(e, 2, ttb2, vtcr);
    install(4);

    // Nested: stage 1 IOVA 0x50000000 -> IPA 0x60000000, stage 2 IPA 0x60000000 -> PA 0x32000000; the CD and the
    // stage-1 tables are reached through stage 2 at IPA == PA.
    uint64_t ttb1n = t.alloc();
    t.map(ttb1n, 0x50000000, 0x60000000, e2e::kPageS1);
    const uint64_t s1_end = t.next, cd_n = th::kCdBase + 0x1000;
    smmu_cd_s1_4k(e, 5, ttb1n, 48, SMMU_PS_48BIT, 0xF404FF44);
    rig.write_cd(cd_n, q8(e));
    uint64_t ttb2n = t.alloc();
    for (uint64_t pa = ttb1n; pa < s1_end; pa += 0x1000) t.map(ttb2n, pa, pa, e2e::kPageS2);
    t.map(ttb2n, cd_n, cd_n, e2e::kPageS2);
    t.map(ttb2n, 0x60000000, 0x32000000, e2e::kPageS2);
    smmu_ste_nested(e, cd_n, 0, 3, ttb2n, vtcr);
    install(5);

    struct Case { uint32_t sid; uint64_t iova; smmu_status_t st; uint64_t pa; };
    const Case cases[] = {
        {1, 0x12345678, SMMU_OK, 0x12345678},
        {2, 0x12345678, SMMU_ABORT, 0},
        {3, 0x40000ABC, SMMU_OK, 0x30000ABC},
        {4, 0x40000ABC, SMMU_OK, 0x31000ABC},
        {5, 0x50000ABC, SMMU_OK, 0x32000ABC},
    };
    for (const Case &c : cases) {
        smmu_result_t r = rig.xlate(c.sid, c.iova, true);
        EXPECT_EQ(r.status, c.st) << "sid " << c.sid << " event 0x" << std::hex << (unsigned)r.event;
        if (c.st == SMMU_OK) {
            EXPECT_EQ(r.pa, c.pa) << "sid " << c.sid;
        }
    }
    EXPECT_TRUE(rig.pop_events().empty()) << "no STE or CD the builders made is malformed";

    // Unmapped stage-1 page: F_TRANSLATION with the transaction's fields, read with the public record fields.
    smmu_result_t r = rig.xlate(3, 0x40001010, false);
    EXPECT_EQ(r.status, SMMU_ABORT);
    auto ev = rig.pop_events();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(SMMU_FIELD_GET(ev[0][0], SMMU_EVT0_EVENTID), SMMU_EVT_F_TRANSLATION);
    EXPECT_EQ(SMMU_FIELD_GET(ev[0][0], SMMU_EVT0_STREAMID), 3u);
    EXPECT_TRUE(ev[0][1] & SMMU_EVT1_RNW);
    EXPECT_FALSE(ev[0][1] & SMMU_EVT1_S2);
    EXPECT_EQ(SMMU_FIELD_GET(ev[0][1], SMMU_EVT1_CLASS), SMMU_EVT_CLASS_IN);
    EXPECT_EQ(ev[0][2], 0x40001010u);
}

} // namespace
