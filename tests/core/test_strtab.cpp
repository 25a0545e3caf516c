// SPDX-License-Identifier: BSD-3-Clause
// Stream table walk (linear, 2-level) and STE decode/validity (IHI 0070 5.1, 5.2, 6.3.24/25).
#include <functional>

#include "strtab_util.h"

using stu::Ste;

namespace {

struct Fetch {
    int rc;
    smmu_ste_t ste;
    smmu_event_t ev;
    smmu_cost_t cost;
};

struct Strtab : th::Smmu {
    Fetch fetch(uint32_t sid) {
        Fetch f{};
        f.rc = smmu_ste_fetch(smmu, sid, &f.ste, &f.ev, &f.cost);
        return f;
    }
    void put_ste(uint64_t pa, const Ste &s) { write_cd(pa, s.q); }
    Ste marker(unsigned vmid) { return Ste().v().config(6).vmid(vmid).s2t0sz(25).s2sl0(1).s2aa64(true).s2ps(2); }
};

TEST_F(Strtab, LinearLookupReadsStteAtBasePlus64TimesSid) {
    create();
    stu::set_strtab(smmu, th::kStrtab, 8);
    for (uint32_t sid : {0u, 1u, 77u, 255u}) put_ste(th::kStrtab + 64ull * sid, marker(sid + 1));
    for (uint32_t sid : {0u, 1u, 77u, 255u}) {
        Fetch f = fetch(sid);
        ASSERT_EQ(f.rc, 0) << sid;
        EXPECT_EQ(f.ste.s2vmid, sid + 1);
        EXPECT_EQ(f.ste.config, STE_CFG_S2);
        EXPECT_EQ(f.cost.reads, 1u);
    }
}

TEST_F(Strtab, LinearBaseIsAlignedToTheTableSize) {
    create();
    // LOG2SIZE 8: a 16 KiB table, so ADDR[13:0] are ignored.
    stu::set_strtab(smmu, th::kStrtab + 0x2A40, 8);
    put_ste(th::kStrtab + 64 * 3, marker(0x33));
    Fetch f = fetch(3);
    ASSERT_EQ(f.rc, 0);
    EXPECT_EQ(f.ste.s2vmid, 0x33);
}

TEST_F(Strtab, StreamIdBeyondTheTableIsBadStreamId) {
    struct Case { unsigned sidsize, log2size; uint32_t sid; int rc; };
    const Case cases[] = {
        {16, 8, 255, 0}, {16, 8, 256, EVT_C_BAD_STREAMID}, {16, 8, 0xFFFFFFFF, EVT_C_BAD_STREAMID},
        {6, 8, 63, 0}, {6, 8, 64, EVT_C_BAD_STREAMID},              // effective LOG2SIZE = MIN(LOG2SIZE, SIDSIZE)
        {16, 0, 0, 0}, {16, 0, 1, EVT_C_BAD_STREAMID},
        {32, 32, 0xFFFFFFFF, 0},
    };
    for (const auto &c : cases) {
        cfg.sidsize = (uint8_t)c.sidsize;
        if (smmu) smmu_destroy(smmu);
        smmu = nullptr;
        create();
        stu::set_strtab(smmu, 0, c.log2size);
        mem.clear();
        put_ste(64ull * c.sid, marker(5));
        Fetch f = fetch(c.sid);
        EXPECT_EQ(f.rc, c.rc) << "sidsize " << c.sidsize << " log2size " << c.log2size << " sid " << c.sid;
        if (c.rc) {
            EXPECT_EQ(f.ev.id, c.rc);
            EXPECT_EQ(f.ev.sid, c.sid);
            EXPECT_EQ(f.cost.reads, 0u);
        }
    }
}

TEST_F(Strtab, TwoLevelLookupForEverySplit) {
    // SPLIT 6/8/10 and a reserved SPLIT (7, 31) that behaves as 6.
    struct Case { unsigned split, eff; };
    const Case cases[] = {{6, 6}, {8, 8}, {10, 10}, {7, 6}, {31, 6}};
    for (const auto &c : cases) {
        if (smmu) smmu_destroy(smmu);
        smmu = nullptr;
        mem.clear();
        create();
        stu::set_strtab(smmu, th::kStrtab, 16, true, c.split);
        const uint32_t l1idx = 3, l2idx = (1u << c.eff) - 1;
        const uint32_t sid = l1idx << c.eff | l2idx;
        const uint64_t l2 = 0x30000000;
        mem.w64(th::kStrtab + 8 * l1idx, l2 | (c.eff + 1));      // Span = SPLIT+1: 2^SPLIT STEs
        put_ste(l2 + 64ull * l2idx, marker(c.split));
        Fetch f = fetch(sid);
        ASSERT_EQ(f.rc, 0) << "split " << c.split;
        EXPECT_EQ(f.ste.s2vmid, c.split);
        EXPECT_EQ(f.cost.reads, 2u);                              // L1STD, then STE
    }
}

TEST_F(Strtab, TwoLevelSpanRules) {
    create();
    const uint64_t l2 = 0x30000000;
    struct Case { unsigned span; uint32_t l2idx; int rc; };
    const Case cases[] = {
        {0, 0, EVT_C_BAD_STREAMID},            // L2Ptr invalid
        {1, 0, 0}, {1, 1, EVT_C_BAD_STREAMID}, // one STE
        {3, 3, 0}, {3, 4, EVT_C_BAD_STREAMID}, // four STEs
        {9, 255, 0},                           // SPLIT+1
        {10, 0, EVT_C_BAD_STREAMID},           // beyond SPLIT+1
        {11, 0, EVT_C_BAD_STREAMID},
        {12, 0, EVT_C_BAD_STREAMID},           // reserved, behaves as 0
        {31, 0, EVT_C_BAD_STREAMID},
    };
    for (const auto &c : cases) {
        mem.clear();
        stu::set_strtab(smmu, th::kStrtab, 16, true, 8);
        mem.w64(th::kStrtab + 8 * 2, l2 | c.span);
        put_ste(l2 + 64ull * c.l2idx, marker(9));
        Fetch f = fetch(2u << 8 | c.l2idx);
        EXPECT_EQ(f.rc, c.rc) << "span " << c.span << " idx " << c.l2idx;
        if (!c.rc) { EXPECT_EQ(f.ste.s2vmid, 9); }
    }
}

TEST_F(Strtab, L2PtrIsAlignedToTheSpan) {
    create();
    stu::set_strtab(smmu, th::kStrtab, 16, true, 8);
    // Span 4: 8 STEs = 512 bytes, so L2Ptr[8:0] are treated as 0.
    mem.w64(th::kStrtab + 8, 0x30000000 | 0x1C0 | 4);
    put_ste(0x30000000 + 64 * 5, marker(0x55));
    Fetch f = fetch(1u << 8 | 5);
    ASSERT_EQ(f.rc, 0);
    EXPECT_EQ(f.ste.s2vmid, 0x55);
}

TEST_F(Strtab, TwoLevelL1TableIsAlignedToItsSize) {
    create();
    // LOG2SIZE 12, SPLIT 8: 16 L1STDs = 128 bytes, so ADDR[6:0] are ignored (ADDR[6] would otherwise count).
    stu::set_strtab(smmu, th::kStrtab + 0x40, 12, true, 8);
    mem.w64(th::kStrtab + 8 * 1, 0x30000000 | 9);
    put_ste(0x30000000 + 64 * 7, marker(0x77));
    Fetch f = fetch(1u << 8 | 7);
    ASSERT_EQ(f.rc, 0);
    EXPECT_EQ(f.ste.s2vmid, 0x77);
}

TEST_F(Strtab, FetchAbortsReportTheAddressThatAborted) {
    create();
    const uint64_t l2 = 0x30000000;
    stu::set_strtab(smmu, th::kStrtab, 16, true, 8);
    mem.w64(th::kStrtab + 8 * 4, l2 | 9);
    put_ste(l2 + 64 * 17, marker(1));

    mem.abort_range(th::kStrtab + 8 * 4, 8);
    Fetch f = fetch(4u << 8 | 17);
    EXPECT_EQ(f.rc, EVT_F_STE_FETCH);
    EXPECT_EQ(f.ev.id, EVT_F_STE_FETCH);
    EXPECT_EQ(f.ev.sid, 4u << 8 | 17);
    EXPECT_EQ(f.ev.fetch_addr, th::kStrtab + 8 * 4);

    mem.aborts.clear();
    mem.abort_range(l2 + 64 * 17 + 40, 8);                       // any part of the STE
    f = fetch(4u << 8 | 17);
    EXPECT_EQ(f.rc, EVT_F_STE_FETCH);
    EXPECT_EQ(f.ev.fetch_addr, l2 + 64 * 17);

    mem.aborts.clear();
    stu::set_strtab(smmu, th::kStrtab, 8);
    mem.abort_range(th::kStrtab + 64 * 200, 64);
    f = fetch(200);
    EXPECT_EQ(f.rc, EVT_F_STE_FETCH);
    EXPECT_EQ(f.ev.fetch_addr, th::kStrtab + 64 * 200);
}

TEST_F(Strtab, InvalidSteIsBadSte) {
    create();
    stu::set_strtab(smmu, th::kStrtab, 8);
    put_ste(th::kStrtab + 64 * 9, Ste().config(4));              // V = 0
    Fetch f = fetch(9);
    EXPECT_EQ(f.rc, EVT_C_BAD_STE);
    EXPECT_EQ(f.ev.id, EVT_C_BAD_STE);
    EXPECT_EQ(f.ev.sid, 9u);
}

// ---- STE validity (5.2, 5.2.2): each case is a configuration of the SMMU and an STE encoding.
struct SteCase {
    const char *name;
    std::function<void(smmu_config_t &)> cfg;
    Ste ste;
    int rc;
};

void no_cfg(smmu_config_t &) {}

const uint64_t kCd = 0x14000000, kTtb = 0x20000000;

std::vector<SteCase> ste_cases() {
    return {
        {"abort", no_cfg, Ste().v().config(0), 0},
        {"config 1..3 behave as abort", no_cfg, Ste().v().config(3), 0},
        {"bypass", no_cfg, Ste().v().config(4), 0},
        {"linux s1", no_cfg, stu::linux_s1(kCd), 0},
        {"linux s2", no_cfg, stu::linux_s2(kTtb), 0},
        {"V=0", no_cfg, stu::linux_s2(kTtb).v(false), EVT_C_BAD_STE},
        {"S1 without S1P", [](smmu_config_t &c) { c.s1p = false; c.hyp = false; }, stu::linux_s1(kCd), EVT_C_BAD_STE},
        {"S2 without S2P", [](smmu_config_t &c) { c.s2p = false; c.hyp = c.vmw = false; }, stu::linux_s2(kTtb), EVT_C_BAD_STE},
        {"nested without S2P", [](smmu_config_t &c) { c.s2p = false; c.hyp = c.vmw = false; }, stu::linux_s1(kCd).config(7), EVT_C_BAD_STE},
        {"bypass without S1P", [](smmu_config_t &c) { c.s1p = false; c.hyp = false; }, Ste().v().config(4), 0},
        {"S1CDMax = SSIDSIZE", [](smmu_config_t &c) { c.ssidsize = 8; }, stu::linux_s1(kCd, 8), 0},
        {"S1CDMax > SSIDSIZE", [](smmu_config_t &c) { c.ssidsize = 8; }, stu::linux_s1(kCd, 9), EVT_C_BAD_STE},
        {"S1CDMax ignored without substreams", [](smmu_config_t &c) { c.ssidsize = 0; }, stu::linux_s1(kCd, 20), 0},
        {"S1Fmt 2-level without CD2L", [](smmu_config_t &c) { c.cd2l = false; }, stu::linux_s1(kCd, 10, 1), EVT_C_BAD_STE},
        {"S1Fmt 3 without CD2L behaves as linear", [](smmu_config_t &c) { c.cd2l = false; }, stu::linux_s1(kCd, 10, 3), 0},
        {"S1Fmt ignored for one CD", [](smmu_config_t &c) { c.cd2l = false; }, stu::linux_s1(kCd, 0, 2), 0},
        {"S1ContextPtr beyond OAS", [](smmu_config_t &c) { c.oas_bits = 40; }, stu::linux_s1(1ull << 40), EVT_C_BAD_STE},
        {"S1ContextPtr at OAS top", [](smmu_config_t &c) { c.oas_bits = 40; }, stu::linux_s1((1ull << 40) - 64), 0},
        {"S1ContextPtr IPA beyond IAS", [](smmu_config_t &c) { c.oas_bits = 36; },
         stu::linux_s1(1ull << 39).config(7).vmid(1).s2t0sz(28).s2sl0(1).s2aa64(true).s2ps(1).s2ttb(kTtb), EVT_C_BAD_STE},
        {"S1STALLD with stall model 0", no_cfg, stu::linux_s1(kCd).s1stalld(true), 0},
        {"S1STALLD with terminate-only", [](smmu_config_t &c) { c.stall_model = 1; c.stall_max = 0; }, stu::linux_s1(kCd).s1stalld(true), EVT_C_BAD_STE},
        {"S1STALLD with stall forced", [](smmu_config_t &c) { c.stall_model = 2; }, stu::linux_s1(kCd).s1stalld(true), EVT_C_BAD_STE},
        {"S1STALLD ignored for stage 2 only", [](smmu_config_t &c) { c.stall_model = 1; c.stall_max = 0; }, stu::linux_s2(kTtb).s1stalld(true), 0},
        {"STRW EL2 with HYP", no_cfg, stu::linux_s1(kCd).strw(2), 0},
        {"STRW EL2 without HYP is RES0", [](smmu_config_t &c) { c.hyp = false; }, stu::linux_s1(kCd).strw(2), 0},
        {"STRW 0b01 reserved", no_cfg, stu::linux_s1(kCd).strw(1), EVT_C_BAD_STE},
        {"STRW 0b11 reserved", no_cfg, stu::linux_s1(kCd).strw(3), EVT_C_BAD_STE},
        {"STRW ignored with stage 2", no_cfg, stu::linux_s2(kTtb).strw(3), 0},
        {"STRW ignored for bypass", no_cfg, Ste().v().config(4).strw(1), 0},
        {"EATS full ATS", [](smmu_config_t &c) { c.ats = true; }, stu::linux_s2(kTtb).eats(1), 0},
        {"EATS full ATS with S2S", [](smmu_config_t &c) { c.ats = true; }, stu::linux_s2(kTtb).eats(1).s2s(true), EVT_C_BAD_STE},
        {"EATS split-stage needs nested", [](smmu_config_t &c) { c.ats = true; }, stu::linux_s2(kTtb).eats(2), EVT_C_BAD_STE},
        {"EATS split-stage nested", [](smmu_config_t &c) { c.ats = true; }, stu::linux_s2(kTtb).config(7).ctxptr(kCd).eats(2), 0},
        {"EATS split-stage with S2S", [](smmu_config_t &c) { c.ats = true; },
         stu::linux_s2(kTtb).config(7).ctxptr(kCd).eats(2).s2s(true), EVT_C_BAD_STE},
        {"EATS ignored without ATS", [](smmu_config_t &c) { c.ats = c.pri = false; }, stu::linux_s2(kTtb).eats(2).s2s(true), 0},
        {"EATS ignored for bypass", [](smmu_config_t &c) { c.ats = true; }, Ste().v().config(4).eats(2), 0},
        {"S2VMID 16-bit", no_cfg, stu::linux_s2(kTtb, 0x1234), 0},
        {"S2VMID high byte with 8-bit VMIDs", [](smmu_config_t &c) { c.vmid16 = false; }, stu::linux_s2(kTtb, 0x100), EVT_C_BAD_STE},
        {"S2VMID high byte, S1-only NS-EL1", [](smmu_config_t &c) { c.vmid16 = false; }, stu::linux_s1(kCd).vmid(0x100), EVT_C_BAD_STE},
        {"S2VMID ignored for EL2", [](smmu_config_t &c) { c.vmid16 = false; }, stu::linux_s1(kCd).strw(2).vmid(0x100), 0},
        {"S2VMID ignored for bypass", [](smmu_config_t &c) { c.vmid16 = false; }, Ste().v().config(4).vmid(0xFF00), 0},
        {"S2S with terminate-only", [](smmu_config_t &c) { c.stall_model = 1; c.stall_max = 0; }, stu::linux_s2(kTtb).s2s(true), EVT_C_BAD_STE},
        {"S2S=0 with stall forced", [](smmu_config_t &c) { c.stall_model = 2; }, stu::linux_s2(kTtb), EVT_C_BAD_STE},
        {"S2S=1 with stall forced", [](smmu_config_t &c) { c.stall_model = 2; }, stu::linux_s2(kTtb).s2s(true), 0},
        {"S2AA64=0 without AArch32", no_cfg, stu::linux_s2(kTtb).s2aa64(false).s2t0sz(0).s2sl0(1), EVT_C_BAD_STE},
        {"S2FWB RES0 without IDR3.FWB (v3.1)", [](smmu_config_t &c) { c.arch_minor = 1; c.fwb = false; },
         stu::linux_s2(kTtb).s2fwb(true), 0},
        {"S2HA with HTTU", no_cfg, stu::linux_s2(kTtb).s2ha(true).s2hd(true), 0},
        {"S2HA without HTTU", [](smmu_config_t &c) { c.httu = 0; }, stu::linux_s2(kTtb).s2ha(true), EVT_C_BAD_STE},
        {"S2HD without HTTU", [](smmu_config_t &c) { c.httu = 0; }, stu::linux_s2(kTtb).s2hd(true), EVT_C_BAD_STE},
        {"S2HD with HTTU=AF only", [](smmu_config_t &c) { c.httu = 1; }, stu::linux_s2(kTtb).s2ha(true).s2hd(true), EVT_C_BAD_STE},
        {"S2HA with HTTU=AF only", [](smmu_config_t &c) { c.httu = 1; }, stu::linux_s2(kTtb).s2ha(true), 0},
        {"S2ENDI big with LE only", no_cfg, stu::linux_s2(kTtb).s2endi(true), EVT_C_BAD_STE},
        {"S2ENDI little with BE only", [](smmu_config_t &c) { c.ttendian = 3; }, stu::linux_s2(kTtb), EVT_C_BAD_STE},
        {"S2ENDI big with mixed", [](smmu_config_t &c) { c.ttendian = 0; }, stu::linux_s2(kTtb).s2endi(true), 0},
        {"S2ENDI ignored for stage 1 only", no_cfg, stu::linux_s1(kCd).s2endi(true), 0},
        {"S2TG reserved", no_cfg, stu::linux_s2(kTtb).s2tg(3), EVT_C_BAD_STE},
        {"S2TG 16K unsupported", [](smmu_config_t &c) { c.gran16k = false; }, stu::linux_s2(kTtb).s2tg(2).s2t0sz(24).s2sl0(1), EVT_C_BAD_STE},
        {"S2TG 64K unsupported", [](smmu_config_t &c) { c.gran64k = false; }, stu::linux_s2(kTtb).s2tg(1).s2t0sz(22).s2sl0(1), EVT_C_BAD_STE},
        {"S2TG 64K, 42-bit IPA from level 2", no_cfg, stu::linux_s2(kTtb).s2tg(1).s2t0sz(22).s2sl0(1), 0},
        {"S2T0SZ 39 (max)", no_cfg, stu::linux_s2(kTtb).s2t0sz(39).s2sl0(0), 0},
        {"S2T0SZ 40 > max", no_cfg, stu::linux_s2(kTtb).s2t0sz(40).s2sl0(0), EVT_C_BAD_STE},
        {"S2T0SZ 15 < 16 (4K)", [](smmu_config_t &c) { c.oas_bits = 52; }, stu::linux_s2(kTtb).s2t0sz(15).s2sl0(2), EVT_C_BAD_STE},
        {"S2T0SZ 12 with 64K and 52-bit PA", [](smmu_config_t &c) { c.oas_bits = 52; },
         stu::linux_s2(kTtb).s2tg(1).s2t0sz(12).s2sl0(2).s2ps(6), 0},
        {"S2T0SZ below 64-IAS", [](smmu_config_t &c) { c.oas_bits = 40; }, stu::linux_s2(kTtb).s2t0sz(23).s2sl0(1).s2ps(2), EVT_C_BAD_STE},
        {"S2T0SZ = 64-IAS", [](smmu_config_t &c) { c.oas_bits = 40; }, stu::linux_s2(kTtb).s2t0sz(24).s2sl0(1).s2ps(2), 0},
        {"4K SL0=0 (level 2) for a 48-bit IPA", no_cfg, stu::linux_s2(kTtb).s2sl0(0), EVT_C_BAD_STE},
        {"4K SL0=1 (level 1), 48-bit IPA needs 2 concat >16", no_cfg, stu::linux_s2(kTtb).s2sl0(1), EVT_C_BAD_STE},
        {"4K SL0=1, 40-bit IPA: 2 concatenated tables", no_cfg, stu::linux_s2(kTtb).s2t0sz(24).s2sl0(1), 0},
        {"4K SL0=1, 43-bit IPA: 16 concatenated tables", no_cfg, stu::linux_s2(kTtb).s2t0sz(21).s2sl0(1), 0},
        {"4K SL0=1, 44-bit IPA: 32 tables", no_cfg, stu::linux_s2(kTtb).s2t0sz(20).s2sl0(1), EVT_C_BAD_STE},
        {"4K SL0=0, 30-bit IPA", no_cfg, stu::linux_s2(kTtb).s2t0sz(34).s2sl0(0), 0},
        {"4K SL0=2 (level 0) for a 39-bit IPA", no_cfg, stu::linux_s2(kTtb).s2t0sz(25).s2sl0(2), EVT_C_BAD_STE},
        {"4K SL0=2 needs PAMax >= 44", [](smmu_config_t &c) { c.oas_bits = 42; }, stu::linux_s2(kTtb).s2t0sz(22).s2sl0(2).s2ps(3), EVT_C_BAD_STE},
        {"4K SL0=3 without TTST", no_cfg, stu::linux_s2(kTtb).s2t0sz(39).s2sl0(3), EVT_C_BAD_STE},
        {"16K SL0=3 without DS", no_cfg, stu::linux_s2(kTtb).s2tg(2).s2t0sz(16).s2sl0(3), EVT_C_BAD_STE},
        {"16K SL0=2 (level 1), 47-bit IPA", no_cfg, stu::linux_s2(kTtb).s2tg(2).s2t0sz(17).s2sl0(2), 0},
        {"64K SL0=3 reserved", no_cfg, stu::linux_s2(kTtb).s2tg(1).s2t0sz(22).s2sl0(3), EVT_C_BAD_STE},
        {"S2TTB beyond eff S2PS", no_cfg, stu::linux_s2(1ull << 40).s2ps(2).s2t0sz(24).s2sl0(1), EVT_C_BAD_STE},
        {"S2TTB within eff S2PS", no_cfg, stu::linux_s2((1ull << 40) - 4096).s2ps(2).s2t0sz(24).s2sl0(1), 0},
        {"S2PS capped to OAS", [](smmu_config_t &c) { c.oas_bits = 40; }, stu::linux_s2(1ull << 40).s2ps(5).s2t0sz(24).s2sl0(1), EVT_C_BAD_STE},
        {"S2TTB beyond 48 bits with 4K", [](smmu_config_t &c) { c.oas_bits = 52; }, stu::linux_s2(1ull << 48).s2ps(6), EVT_C_BAD_STE},
        {"S2TTB beyond 48 bits with 64K", [](smmu_config_t &c) { c.oas_bits = 52; },
         stu::linux_s2(1ull << 48).s2ps(6).s2tg(1).s2t0sz(12).s2sl0(2), 0},
        {"S2 fields ignored for stage 1 only", no_cfg, stu::linux_s1(kCd).s2tg(3).s2t0sz(63).s2sl0(3).s2ttb(1ull << 50), 0},
    };
}

TEST(SteDecode, IllegalAndLegalEncodings) {
    for (const auto &c : ste_cases()) {
        th::Memory mem;
        smmu_config_t cfg;
        smmu_config_default(&cfg);
        c.cfg(cfg);
        smmu_host_t h = mem.host();
        char err[128];
        smmu_t *s = smmu_create(&cfg, &h, err, sizeof err);
        ASSERT_NE(s, nullptr) << c.name << ": " << err;
        smmu_ste_t ste;
        EXPECT_EQ(smmu_ste_decode(s, c.ste.q.data(), &ste), c.rc) << c.name;
        smmu_destroy(s);
    }
}

TEST_F(Strtab, LinuxStage1SteDecodes) {
    create();
    smmu_ste_t e;
    ASSERT_EQ(smmu_ste_decode(smmu, stu::linux_s1(0x14000040, 8, 2).s1stalld(true).q.data(), &e), 0);
    EXPECT_TRUE(e.valid);
    EXPECT_EQ(e.config, STE_CFG_S1);
    EXPECT_TRUE(e.s1_enabled);
    EXPECT_FALSE(e.s2_enabled);
    EXPECT_EQ(e.s1fmt, 2);
    EXPECT_EQ(e.s1contextptr, 0x14000040u);
    EXPECT_EQ(e.s1cdmax, 8);
    EXPECT_EQ(e.s1dss, STE_S1DSS_SSID0);
    EXPECT_EQ(e.s1cir, 1);
    EXPECT_EQ(e.s1cor, 1);
    EXPECT_EQ(e.s1csh, 3);
    EXPECT_TRUE(e.s1stalld);
    EXPECT_EQ(e.shcfg, 1);
    EXPECT_EQ(e.strw, STE_STRW_NSEL1);
    EXPECT_EQ(e.s2vmid, 0);
}

TEST_F(Strtab, LinuxStage2SteDecodes) {
    create();
    smmu_ste_t e;
    ASSERT_EQ(smmu_ste_decode(smmu, stu::linux_s2(0x20001000, 0x4321).s2ha(true).s2affd(true).q.data(), &e), 0);
    EXPECT_EQ(e.config, STE_CFG_S2);
    EXPECT_FALSE(e.s1_enabled);
    EXPECT_TRUE(e.s2_enabled);
    EXPECT_EQ(e.s2vmid, 0x4321);
    EXPECT_EQ(e.s2t0sz, 16);
    EXPECT_EQ(e.s2sl0, 2);
    EXPECT_EQ(e.s2ir0, 1);
    EXPECT_EQ(e.s2or0, 1);
    EXPECT_EQ(e.s2sh0, 3);
    EXPECT_EQ(e.s2tg, 0);
    EXPECT_EQ(e.s2ps, 5);
    EXPECT_TRUE(e.s2aa64);
    EXPECT_TRUE(e.s2r);
    EXPECT_FALSE(e.s2s);
    EXPECT_TRUE(e.s2ha);
    EXPECT_FALSE(e.s2hd);
    EXPECT_TRUE(e.s2affd);
    EXPECT_EQ(e.s2ttb, 0x20001000u);
}

TEST_F(Strtab, EffectiveValuesOfReservedAndCappedFields) {
    cfg.oas_bits = 44;
    create();
    smmu_ste_t e;
    // S2PS 52 bits capped to the 44-bit OAS; S2HD without S2HA behaves as both 0; S2SH0 0b01 as NSH.
    ASSERT_EQ(smmu_ste_decode(smmu, stu::linux_s2(kTtb).s2ps(6).s2hd(true).s2sh0(1).s2t0sz(20).s2sl0(2).q.data(), &e), 0);
    EXPECT_EQ(e.s2ps, 4);
    EXPECT_FALSE(e.s2hd);
    EXPECT_EQ(e.s2sh0, 0);
    // Config 0b010 behaves as abort; S1DSS 0b11 as terminate; MemAttr 0b1000 as Device-nGnRnE.
    ASSERT_EQ(smmu_ste_decode(smmu, Ste().v().config(2).q.data(), &e), 0);
    EXPECT_EQ(e.config, STE_CFG_ABORT);
    EXPECT_FALSE(e.s1_enabled || e.s2_enabled);
    ASSERT_EQ(smmu_ste_decode(smmu, stu::linux_s1(kCd, 4).s1dss(3).q.data(), &e), 0);
    EXPECT_EQ(e.s1dss, STE_S1DSS_TERMINATE);
    ASSERT_EQ(smmu_ste_decode(smmu, Ste().v().config(4).mtcfg(true).memattr(8).alloccfg(0xE).shcfg(3).privcfg(1).instcfg(3).q.data(), &e), 0);
    EXPECT_TRUE(e.mtcfg);
    EXPECT_EQ(e.memattr, 0);
    EXPECT_EQ(e.alloccfg, 0xE);
    EXPECT_EQ(e.shcfg, 3);
    EXPECT_EQ(e.privcfg, 0);
    EXPECT_EQ(e.instcfg, 3);
    ASSERT_EQ(smmu_ste_decode(smmu, Ste().v().config(4).mtcfg(true).memattr(0xF).q.data(), &e), 0);
    EXPECT_EQ(e.memattr, 0xF);
}

TEST(SteDecodeOverrides, AttributeOverridesAreRes0WithoutIdr1Support) {
    th::Memory mem;
    smmu_config_t cfg;
    smmu_config_default(&cfg);
    cfg.attr_types_ovr = false;
    cfg.attr_perms_ovr = false;
    smmu_host_t h = mem.host();
    smmu_t *s = smmu_create(&cfg, &h, nullptr, 0);
    ASSERT_NE(s, nullptr);
    smmu_ste_t e;
    ASSERT_EQ(smmu_ste_decode(s, Ste().v().config(4).mtcfg(true).memattr(0xF).alloccfg(0xE).shcfg(3)
                                  .privcfg(3).instcfg(3).q.data(), &e), 0);
    EXPECT_FALSE(e.mtcfg);
    EXPECT_EQ(e.memattr, 0);
    EXPECT_EQ(e.alloccfg, 0);
    EXPECT_EQ(e.shcfg, 1);                                        // incoming shareability
    EXPECT_EQ(e.privcfg, 0);
    EXPECT_EQ(e.instcfg, 0);
    smmu_destroy(s);
}

} // namespace
