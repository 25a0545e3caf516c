// SPDX-License-Identifier: BSD-3-Clause
// Context descriptor tables (linear, 2-level) and CD decode/validity (IHI 0070 5.2 S1Fmt, 5.3, 5.4).
#include <functional>

#include "strtab_util.h"

using stu::Cd;
using stu::Ste;

namespace {

const uint64_t kCd = th::kCdBase, kTtb = th::kTables;

struct CdTest : th::Smmu {
    smmu_ste_t ste{};
    void use_ste(const Ste &s) { ASSERT_EQ(smmu_ste_decode(smmu, s.q.data(), &ste), 0); }
    struct Fetch { int rc; smmu_cd_t cd; smmu_event_t ev; smmu_cost_t cost; };
    Fetch fetch(uint32_t ssid, uint32_t sid = 7) {
        Fetch f{};
        f.rc = smmu_cd_fetch(smmu, &ste, sid, ssid, &f.cd, &f.ev, &f.cost);
        return f;
    }
    void put(uint64_t pa, const Cd &c) { write_cd(pa, c.q); }
};

TEST_F(CdTest, LinuxCdDecodesToItsFields) {
    create();
    use_ste(stu::linux_s1(kCd));
    Cd c = stu::linux_cd(0x20345000, 1);
    ASSERT_EQ(c.q[0], 0x0001E204C0003510ull);
    put(kCd, c);
    auto f = fetch(0);
    ASSERT_EQ(f.rc, 0);
    const smmu_cd_t &d = f.cd;
    EXPECT_TRUE(d.valid);
    EXPECT_EQ(d.t0sz, 16);
    EXPECT_EQ(d.tg0, 0);
    EXPECT_EQ(d.ir0, 1);
    EXPECT_EQ(d.or0, 1);
    EXPECT_EQ(d.sh0, 3);
    EXPECT_FALSE(d.epd0);
    EXPECT_TRUE(d.epd1);
    EXPECT_FALSE(d.endi);
    EXPECT_EQ(d.ips, 4);
    EXPECT_TRUE(d.aa64);
    EXPECT_FALSE(d.s);
    EXPECT_TRUE(d.r);
    EXPECT_TRUE(d.a);
    EXPECT_TRUE(d.aset);
    EXPECT_FALSE(d.ha || d.hd);
    EXPECT_EQ(d.asid, 1);
    EXPECT_EQ(d.ttb0, 0x20345000u);
    EXPECT_EQ(d.mair, 0xF404FF44u);
    EXPECT_EQ(f.cost.reads, 1u);
}

TEST_F(CdTest, LinearTableIndexedBySubstreamId) {
    create();
    use_ste(stu::linux_s1(kCd, 4));
    for (uint32_t ssid = 0; ssid < 16; ssid++) put(kCd + 64 * ssid, stu::linux_cd(kTtb, 0x100 + ssid));
    for (uint32_t ssid = 0; ssid < 16; ssid++) {
        auto f = fetch(ssid);
        ASSERT_EQ(f.rc, 0) << ssid;
        EXPECT_EQ(f.cd.asid, 0x100 + ssid);
    }
    auto f = fetch(16);
    EXPECT_EQ(f.rc, EVT_C_BAD_SUBSTREAMID);
    EXPECT_EQ(f.ev.id, EVT_C_BAD_SUBSTREAMID);
    EXPECT_EQ(f.ev.sid, 7u);
    EXPECT_EQ(f.cost.reads, 0u);
}

TEST_F(CdTest, SubstreamBoundsFollowS1CdMax) {
    create();
    struct Case { unsigned cdmax; uint32_t ssid; int rc; };
    const Case cases[] = {
        {0, 0, 0}, {0, 1, EVT_C_BAD_SUBSTREAMID},             // one CD: only index 0
        {1, 1, 0}, {1, 2, EVT_C_BAD_SUBSTREAMID},
        {20, 0xFFFFF, 0}, {20, 0x100000, EVT_C_BAD_SUBSTREAMID},
    };
    for (const auto &c : cases) {
        mem.clear();
        use_ste(stu::linux_s1(kCd, c.cdmax));
        put(kCd + 64ull * c.ssid, stu::linux_cd(kTtb, 3));
        EXPECT_EQ(fetch(c.ssid).rc, c.rc) << "cdmax " << c.cdmax << " ssid " << c.ssid;
    }
}

TEST_F(CdTest, LinearTableBaseIsAlignedToItsSize) {
    create();
    // S1CDMax 3: 8 CDs = 512 bytes; S1ContextPtr[8:6] are RES0 and treated as zero.
    use_ste(stu::linux_s1(kCd + 0x1C0, 3));
    put(kCd + 64 * 5, stu::linux_cd(kTtb, 0x55));
    auto f = fetch(5);
    ASSERT_EQ(f.rc, 0);
    EXPECT_EQ(f.cd.asid, 0x55);
}

TEST_F(CdTest, TwoLevelTables) {
    create();
    struct Case { unsigned fmt, cdmax; uint32_t ssid; uint64_t l1_index, l2_index; };
    const Case cases[] = {
        {1, 10, 0x3AB, 0x3AB >> 6, 0x3AB & 63},          // 4KB leaves of 64 CDs
        {1, 20, 0xFFFFF, 0xFFFFF >> 6, 63},
        {1, 5, 31, 0, 31},                               // S1CDMax <= 6: only L1 index 0
        {2, 12, 0xABC, 0xABC >> 10, 0xABC & 1023},       // 64KB leaves of 1024 CDs
        {2, 10, 1023, 0, 1023},
    };
    const uint64_t l2 = 0x40000000;
    for (const auto &c : cases) {
        mem.clear();
        use_ste(stu::linux_s1(kCd, c.cdmax, c.fmt));
        mem.w64(kCd + 8 * c.l1_index, l2 | 1);
        put(l2 + 64 * c.l2_index, stu::linux_cd(kTtb, 0x77));
        auto f = fetch(c.ssid);
        ASSERT_EQ(f.rc, 0) << "fmt " << c.fmt << " ssid " << c.ssid;
        EXPECT_EQ(f.cd.asid, 0x77);
        EXPECT_EQ(f.cost.reads, 2u);
    }
}

TEST_F(CdTest, TwoLevelDescriptorRules) {
    cfg.oas_bits = 40;
    create();
    const uint64_t l2 = 0x40000000;
    struct Case { const char *name; unsigned fmt; uint64_t l1cd; uint64_t cd_at; int rc; };
    const Case cases[] = {
        {"L1CD.V = 0", 1, l2, l2 + 64 * 5, EVT_C_BAD_SUBSTREAMID},
        {"L1CD valid", 1, l2 | 1, l2 + 64 * 5, 0},
        {"L2Ptr[11:0] taken as zero", 1, l2 | 0xFC1, l2 + 64 * 5, 0},
        {"64KB leaf: L2Ptr[15:12] taken as zero", 2, l2 | 0xF000 | 1, l2 + 64 * 5, 0},
        {"L2Ptr beyond the OAS", 1, (1ull << 40) | 1, (1ull << 40) + 64 * 5, EVT_C_BAD_SUBSTREAMID},
    };
    for (const auto &c : cases) {
        mem.clear();
        use_ste(stu::linux_s1(kCd, 12, c.fmt));
        mem.w64(kCd, c.l1cd);
        put(c.cd_at, stu::linux_cd(kTtb, 9));
        auto f = fetch(5);
        EXPECT_EQ(f.rc, c.rc) << c.name;
        EXPECT_EQ(f.ev.id, c.rc) << c.name;
    }
}

TEST_F(CdTest, FetchAbortReportsThePhysicalAddress) {
    create();
    const uint64_t l2 = 0x40000000;
    use_ste(stu::linux_s1(kCd, 10, 1));
    mem.w64(kCd + 8 * 2, l2 | 1);
    put(l2 + 64 * 3, stu::linux_cd(kTtb));

    mem.abort_range(kCd + 8 * 2, 8);
    auto f = fetch(2 << 6 | 3);
    EXPECT_EQ(f.rc, EVT_F_CD_FETCH);
    EXPECT_EQ(f.ev.id, EVT_F_CD_FETCH);
    EXPECT_EQ(f.ev.fetch_addr, kCd + 8 * 2);

    mem.aborts.clear();
    mem.abort_range(l2 + 64 * 3 + 8, 8);
    f = fetch(2 << 6 | 3);
    EXPECT_EQ(f.rc, EVT_F_CD_FETCH);
    EXPECT_EQ(f.ev.fetch_addr, l2 + 64 * 3);
    EXPECT_EQ(f.ev.sid, 7u);

    mem.aborts.clear();
    f = fetch(2 << 6 | 3);
    EXPECT_EQ(f.rc, 0);
}

// Nested: the CD table address is an IPA. Stage 2 here: 40-bit IPA, 4KB, start level 1 (two concatenated
// tables at kS2), IPA 1GB block 0 -> PA 0x40000000, every other IPA unmapped.
const uint64_t kS2 = 0x30000000, kGb = 0x40000000;

struct NestedCd : CdTest {
    void SetUp() override {
        create();
        stu::set_strtab(smmu, th::kStrtab, 8);
        const uint64_t block = kGb | 1 | 0xFull << 2 | 3ull << 6 | 3ull << 8 | 1ull << 10;  // S2AP RW, WB, ISH, AF
        mem.w64(kS2, block);
    }
    Ste nested(unsigned cdmax = 0, unsigned fmt = 0) {
        return stu::linux_s2(kS2).s2t0sz(24).s2sl0(1).s2ps(2).config(7).ctxptr(kCd).cdmax(cdmax).s1fmt(fmt);
    }
};

TEST_F(NestedCd, CdAddressIsTranslatedByStage2) {
    use_ste(nested());
    put(kGb + kCd, stu::linux_cd(kTtb, 0x66));
    put(kCd, stu::linux_cd(kTtb, 0x11));                          // what an untranslated fetch would read
    auto f = fetch(0);
    ASSERT_EQ(f.rc, 0);
    EXPECT_EQ(f.cd.asid, 0x66);
}

TEST_F(NestedCd, L1CdAndL2PtrAreIpas) {
    use_ste(nested(8, 1));
    mem.w64(kGb + kCd + 8 * 2, 0x15000000 | 1);                   // L1CD at IPA kCd + 16, L2Ptr IPA 0x15000000
    put(kGb + 0x15000000 + 64 * 9, stu::linux_cd(kTtb, 0x99));
    auto f = fetch(2 << 6 | 9);
    ASSERT_EQ(f.rc, 0);
    EXPECT_EQ(f.cd.asid, 0x99);
}

TEST_F(NestedCd, Stage2FaultOnTheFetchIsPassedUp) {
    use_ste(stu::linux_s2(kS2).s2t0sz(24).s2sl0(1).s2ps(2).config(7).ctxptr(kGb + 0x1000));   // IPA 1GB: unmapped
    auto f = fetch(0, 11);
    EXPECT_EQ(f.rc, EVT_F_TRANSLATION);
    EXPECT_EQ(f.ev.id, EVT_F_TRANSLATION);
    EXPECT_TRUE(f.ev.s2);
    EXPECT_EQ(f.ev.cls, EVT_CLASS_CD);
    EXPECT_EQ(f.ev.ipa, kGb + 0x1000);
    EXPECT_EQ(f.ev.sid, 11u);
}

TEST_F(CdTest, InvalidCdIsBadCd) {
    create();
    use_ste(stu::linux_s1(kCd));
    put(kCd, stu::linux_cd(kTtb).v(false));
    auto f = fetch(0);
    EXPECT_EQ(f.rc, EVT_C_BAD_CD);
    EXPECT_EQ(f.ev.id, EVT_C_BAD_CD);
}

// ---- CD validity (5.4, 5.4.2): SMMU configuration, the STE that locates the CD, SMMU_CR2, the CD.
struct CdCase {
    const char *name;
    std::function<void(smmu_config_t &)> cfg;
    Ste ste;
    uint32_t cr2;
    Cd cd;
    int rc;
};

void no_cfg(smmu_config_t &) {}

Cd lcd() { return stu::linux_cd(kTtb); }

std::vector<CdCase> cd_cases() {
    const Ste s1 = stu::linux_s1(kCd);
    const Ste el2 = stu::linux_s1(kCd).strw(2);
    return {
        {"linux", no_cfg, s1, 0, lcd(), 0},
        {"V=0", no_cfg, s1, 0, lcd().v(false), EVT_C_BAD_CD},
        {"S=1 with STE.S1STALLD", no_cfg, stu::linux_s1(kCd).s1stalld(true), 0, lcd().s(true), EVT_C_BAD_CD},
        {"S=1 stall model 0", no_cfg, s1, 0, lcd().s(true), 0},
        {"S=1 with terminate-only", [](smmu_config_t &c) { c.stall_model = 1; c.stall_max = 0; }, s1, 0, lcd().s(true), EVT_C_BAD_CD},
        {"S=0 with stall forced", [](smmu_config_t &c) { c.stall_model = 2; }, s1, 0, lcd(), EVT_C_BAD_CD},
        {"S=1 with stall forced", [](smmu_config_t &c) { c.stall_model = 2; }, s1, 0, lcd().s(true), 0},
        {"A=0 with TERM_MODEL", [](smmu_config_t &c) { c.term_model = true; }, s1, 0, lcd().a(false), EVT_C_BAD_CD},
        {"A=0 without TERM_MODEL", no_cfg, s1, 0, lcd().a(false), 0},
        {"ENDI=1 with LE only", no_cfg, s1, 0, lcd().endi(true), EVT_C_BAD_CD},
        {"ENDI=0 with BE only", [](smmu_config_t &c) { c.ttendian = 3; }, s1, 0, lcd(), EVT_C_BAD_CD},
        {"ENDI=1 mixed", [](smmu_config_t &c) { c.ttendian = 0; }, s1, 0, lcd().endi(true), 0},
        {"ENDI ignored with both EPD", no_cfg, s1, 0, lcd().endi(true).epd0(true), 0},
        {"AA64=0 without AArch32", no_cfg, s1, 0, lcd().aa64(false).t0sz(0), EVT_C_BAD_CD},
        {"AA64=1 over a VMSAv8-64 stage 2", no_cfg, stu::linux_s2(kTtb).config(7).ctxptr(kCd), 0, lcd(), 0},
        {"HA+HD with HTTU", no_cfg, s1, 0, lcd().ha(true).hd(true), 0},
        {"HA without HTTU", [](smmu_config_t &c) { c.httu = 0; }, s1, 0, lcd().ha(true), EVT_C_BAD_CD},
        {"HD with HTTU=AF", [](smmu_config_t &c) { c.httu = 1; }, s1, 0, lcd().ha(true).hd(true), EVT_C_BAD_CD},
        {"ASID 0x100 with 16-bit ASIDs", no_cfg, s1, 0, lcd().asid(0x100), 0},
        {"ASID 0x100 with 8-bit ASIDs", [](smmu_config_t &c) { c.asid16 = false; }, s1, 0, lcd().asid(0x100), EVT_C_BAD_CD},
        {"ASID ignored for EL2", [](smmu_config_t &c) { c.asid16 = false; }, el2, 0, lcd().asid(0x100), 0},
        {"ASID checked for EL2-E2H", [](smmu_config_t &c) { c.asid16 = false; }, el2, 1, lcd().asid(0x100), EVT_C_BAD_CD},
        {"T0SZ 16 (min)", no_cfg, s1, 0, lcd().t0sz(16), 0},
        {"T0SZ 15", no_cfg, s1, 0, lcd().t0sz(15), EVT_C_BAD_CD},
        {"T0SZ 39 (max)", no_cfg, s1, 0, lcd().t0sz(39), 0},
        {"T0SZ 40", no_cfg, s1, 0, lcd().t0sz(40), EVT_C_BAD_CD},
        {"T0SZ 12 with 52-bit VA and 64K", [](smmu_config_t &c) { c.vax = 1; }, s1, 0, lcd().t0sz(12).tg0(1), 0},
        {"T0SZ 12 with 52-bit VA and 4K", [](smmu_config_t &c) { c.vax = 1; }, s1, 0, lcd().t0sz(12), EVT_C_BAD_CD},
        {"T0SZ 12 with 48-bit VA and 64K", no_cfg, s1, 0, lcd().t0sz(12).tg0(1), EVT_C_BAD_CD},
        {"T0SZ ignored with EPD0", no_cfg, s1, 0, lcd().t0sz(0).epd0(true).epd1(false).tg1(2).t1sz(16), 0},
        {"EPD0 forced 0 for EL2", no_cfg, el2, 0, lcd().t0sz(0).epd0(true), EVT_C_BAD_CD},
        {"TG0 reserved", no_cfg, s1, 0, lcd().tg0(3), EVT_C_BAD_CD},
        {"TG0 16K unsupported", [](smmu_config_t &c) { c.gran16k = false; }, s1, 0, lcd().tg0(2), EVT_C_BAD_CD},
        {"TG1 reserved with EPD1=0", no_cfg, s1, 0, lcd().epd1(false).tg1(0).t1sz(16), EVT_C_BAD_CD},
        {"TG1 4K with EPD1=0", no_cfg, s1, 0, lcd().epd1(false).tg1(2).t1sz(16), 0},
        {"T1SZ 40 with EPD1=0", no_cfg, s1, 0, lcd().epd1(false).tg1(2).t1sz(40), EVT_C_BAD_CD},
        {"TTB1 fields RES0 for EL2", no_cfg, el2, 0, lcd().epd1(false).tg1(0).t1sz(63).ttb1(1ull << 50), 0},
        {"TTB0 beyond IPS", no_cfg, s1, 0, lcd().ips(0).ttb0(1ull << 32), EVT_C_BAD_CD},
        {"TTB0 at the IPS top", no_cfg, s1, 0, lcd().ips(0).ttb0((1ull << 32) - 4096), 0},
        {"IPS capped to OAS", [](smmu_config_t &c) { c.oas_bits = 40; }, s1, 0, lcd().ips(5).ttb0(1ull << 40), EVT_C_BAD_CD},
        {"TTB0 beyond 48 bits with 4K", [](smmu_config_t &c) { c.oas_bits = 52; }, s1, 0, lcd().ips(6).ttb0(1ull << 48), EVT_C_BAD_CD},
        {"TTB0 beyond 48 bits with 64K", [](smmu_config_t &c) { c.oas_bits = 52; }, s1, 0, lcd().ips(6).tg0(1).ttb0(1ull << 48), 0},
        {"TTB0 ignored with EPD0", no_cfg, s1, 0, lcd().ips(0).ttb0(1ull << 40).epd0(true).epd1(false).tg1(2).t1sz(16), 0},
        {"TTB1 beyond IPS", no_cfg, s1, 0, lcd().epd1(false).tg1(2).t1sz(16).ttb1(1ull << 44), EVT_C_BAD_CD},
    };
}

TEST(CdDecode, IllegalAndLegalEncodings) {
    for (const auto &c : cd_cases()) {
        th::Memory mem;
        smmu_config_t cfg;
        smmu_config_default(&cfg);
        c.cfg(cfg);
        smmu_host_t h = mem.host();
        char err[128];
        smmu_t *s = smmu_create(&cfg, &h, err, sizeof err);
        ASSERT_NE(s, nullptr) << c.name << ": " << err;
        s->cr2 = c.cr2;
        smmu_ste_t ste;
        ASSERT_EQ(smmu_ste_decode(s, c.ste.q.data(), &ste), 0) << c.name;
        smmu_cd_t cd;
        EXPECT_EQ(smmu_cd_decode(s, &ste, c.cd.q.data(), &cd), c.rc) << c.name;
        smmu_destroy(s);
    }
}

TEST(CdDecode, EffectiveValues) {
    th::Memory mem;
    smmu_config_t cfg;
    smmu_config_default(&cfg);
    cfg.oas_bits = 40;
    smmu_host_t h = mem.host();
    smmu_t *s = smmu_create(&cfg, &h, nullptr, 0);
    ASSERT_NE(s, nullptr);
    smmu_ste_t ste;
    ASSERT_EQ(smmu_ste_decode(s, stu::linux_s1(kCd).q.data(), &ste), 0);
    smmu_cd_t cd;
    // IPS 48 capped to the 40-bit OAS; HD without HA behaves as neither; SH0 0b01 as Non-shareable.
    ASSERT_EQ(smmu_cd_decode(s, &ste, lcd().ips(5).hd(true).sh0(1).q.data(), &cd), 0);
    EXPECT_EQ(cd.ips, 2);
    EXPECT_FALSE(cd.hd);
    EXPECT_FALSE(cd.ha);
    EXPECT_EQ(cd.sh0, 0);
    // StreamWorld EL2: EPD0 has no effect, TTB1 is unreachable and the ASID is ignored.
    ASSERT_EQ(smmu_ste_decode(s, stu::linux_s1(kCd).strw(2).q.data(), &ste), 0);
    ASSERT_EQ(smmu_cd_decode(s, &ste, lcd().epd1(false).tg1(2).t1sz(16).asid(0x42).q.data(), &cd), 0);
    EXPECT_FALSE(cd.epd0);
    EXPECT_TRUE(cd.epd1);
    EXPECT_EQ(cd.asid, 0);
    EXPECT_EQ(cd.ttb1, 0u);
    smmu_destroy(s);
}

} // namespace
