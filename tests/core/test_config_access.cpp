// SPDX-License-Identifier: BSD-3-Clause
// The config accessor API (smmu_config_new/get/set/field_name): every field of smmu_config_t by its name, values
// that do not fit refused rather than truncated, unknown names refused.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include <smmu/smmu.h>

namespace {

// One row per field: its name and how C code reads it, so the name is proven to reach that member.
struct Field {
    const char *name;
    uint64_t max;
    std::function<uint64_t(const smmu_config_t &)> get;
    size_t off, size;
};

#define AT(m) offsetof(smmu_config_t, m), sizeof(smmu_config_t::m)
#define B(m) {#m, 1, [](const smmu_config_t &c) -> uint64_t { return c.m; }, AT(m)}
#define U(m, mx) {#m, mx, [](const smmu_config_t &c) -> uint64_t { return c.m; }, AT(m)}
#define CACHE(s, m)                                                                                                 \
    {s ".entries", UINT32_MAX, [](const smmu_config_t &c) -> uint64_t { return c.m.entries; }, AT(m.entries)},       \
    {s ".ways", UINT32_MAX, [](const smmu_config_t &c) -> uint64_t { return c.m.ways; }, AT(m.ways)},               \
    {s ".policy", SMMU_REPL_RRIP, [](const smmu_config_t &c) -> uint64_t { return c.m.policy; }, AT(m.policy)},     \
    {s ".latency", UINT32_MAX, [](const smmu_config_t &c) -> uint64_t { return c.m.latency; }, AT(m.latency)}

const std::vector<Field> &fields()
{
    static const std::vector<Field> f = {
        U(arch_minor, 255), B(s1p), B(s2p), B(ttf_aarch32), B(cohacc), B(btm), U(httu, 255), B(hyp), B(ats),
        B(pri), B(asid16), B(vmid16), B(msi), B(sev), B(atos), B(vatos), B(vmw), B(cd2l), B(st_2lvl), U(ttendian, 255),
        U(stall_model, 255), B(term_model), U(sidsize, 255), U(ssidsize, 255), U(cmdqs, 255), U(eventqs, 255),
        U(priqs, 255), B(attr_types_ovr), B(attr_perms_ovr), B(xnx), B(ril), U(bbml, 255), B(fwb),
        U(oas_bits, 255), B(gran4k), B(gran16k), B(gran64k), U(vax, 255), U(stall_max, 65535),
        U(iidr, UINT32_MAX), U(pmcg_counters, 255), U(pmcg_counter_bits, 255), B(pmcg_sid_filter_global),
        B(pmcg_capture), B(pmcg_msi), B(pmcg_reloc_ctrs), B(cmdq_stepped), U(seed, UINT64_MAX), U(num_ports, UINT32_MAX),
        CACHE("utlb", utlb), CACHE("main_tlb", main_tlb), CACHE("tcu_tlb", tcu_tlb), CACHE("cfg_cache", cfg_cache),
        B(walk_cache_unified),
        CACHE("walk_cache_s1[0]", walk_cache_s1[0]), CACHE("walk_cache_s1[1]", walk_cache_s1[1]),
        CACHE("walk_cache_s1[2]", walk_cache_s1[2]), CACHE("walk_cache_s1[3]", walk_cache_s1[3]),
        CACHE("walk_cache_s2[0]", walk_cache_s2[0]), CACHE("walk_cache_s2[1]", walk_cache_s2[1]),
        CACHE("walk_cache_s2[2]", walk_cache_s2[2]), CACHE("walk_cache_s2[3]", walk_cache_s2[3]),
        U(link_tbu_to_tcu, UINT32_MAX), U(link_tcu_to_tbu, UINT32_MAX), U(walk_step_cycles, UINT32_MAX),
        U(cfg_fetch_cycles, UINT32_MAX), U(cmd_cycles, UINT32_MAX), U(tlbi_cycles, UINT32_MAX),
    };
    return f;
}

struct Cfg {
    smmu_config_t *p = smmu_config_new();
    ~Cfg() { smmu_config_free(p); }
};

// The table reaches every member: laid end to end, its fields leave no hole a member could sit in (a gap is
// only the padding before a field's alignment, and the tail only the struct's), so a member added to
// struct smmu_config without a name here (and in config_access.c) fails.
TEST(ConfigAccess, TheNamesCoverEveryMemberOfTheStruct)
{
    std::vector<const Field *> byoff;
    for (const Field &f : fields()) byoff.push_back(&f);
    std::sort(byoff.begin(), byoff.end(), [](const Field *a, const Field *b) { return a->off < b->off; });
    size_t end = 0;
    for (const Field *f : byoff) {
        ASSERT_GE(f->off, end) << f->name << " overlaps the field before it";
        EXPECT_LT(f->off - end, f->size) << "a hole of " << (f->off - end) << " bytes before " << f->name;
        end = f->off + f->size;
    }
    EXPECT_LT(sizeof(smmu_config_t) - end, alignof(smmu_config_t)) << "bytes after the last named field";
}

TEST(ConfigAccess, NewIsTheDefaultConfig)
{
    Cfg c;
    ASSERT_NE(c.p, nullptr);
    smmu_config_t d;
    smmu_config_default(&d);
    for (const Field &f : fields()) {
        uint64_t v = ~0ull;
        ASSERT_EQ(smmu_config_get(c.p, f.name, &v), 0) << f.name;
        EXPECT_EQ(v, f.get(d)) << f.name;
    }
    char err[200];
    EXPECT_TRUE(smmu_config_check(c.p, err, sizeof err)) << err;
}

TEST(ConfigAccess, FieldNamesAreExactlyTheTable)
{
    std::set<std::string> listed, want;
    unsigned i = 0;
    for (const char *n; (n = smmu_config_field_name(i)) != nullptr; i++) EXPECT_TRUE(listed.insert(n).second) << n;
    for (const Field &f : fields()) want.insert(f.name);
    EXPECT_EQ(listed, want);
    EXPECT_EQ(i, fields().size());
    EXPECT_EQ(smmu_config_field_name(i), nullptr);
    EXPECT_EQ(smmu_config_field_name(~0u), nullptr);
}

// Each field takes 0, a mid value and its largest value, read back both by name and through the member, and no
// other field changes; one past the largest is refused and leaves the field as it was.
TEST(ConfigAccess, EveryFieldRoundTripsAndRefusesWhatDoesNotFit)
{
    for (const Field &f : fields()) {
        uint64_t max = 0;
        ASSERT_EQ(smmu_config_field_max(f.name, &max), 0) << f.name;
        EXPECT_EQ(max, f.max) << f.name;
        for (uint64_t v : {uint64_t{0}, f.max / 2 + (f.max > 1), f.max}) {
            Cfg c;
            smmu_config_t before;
            std::memcpy(&before, c.p, sizeof before);
            ASSERT_EQ(smmu_config_set(c.p, f.name, v), 0) << f.name << "=" << v;
            uint64_t got = ~v;
            ASSERT_EQ(smmu_config_get(c.p, f.name, &got), 0) << f.name;
            EXPECT_EQ(got, v) << f.name;
            EXPECT_EQ(f.get(*c.p), v) << f.name;
            for (const Field &o : fields()) {
                if (&o != &f) { EXPECT_EQ(o.get(*c.p), o.get(before)) << f.name << " changed " << o.name; }
            }
        }
        if (f.max != UINT64_MAX) {
            Cfg c;
            uint64_t old = f.get(*c.p);
            for (uint64_t bad : {f.max + 1, f.max + 256, uint64_t{UINT64_MAX}}) {
                EXPECT_EQ(smmu_config_set(c.p, f.name, bad), SMMU_CONFIG_ERANGE) << f.name << "=" << bad;
                EXPECT_EQ(f.get(*c.p), old) << f.name << " was changed by a refused value";
            }
        }
    }
}

TEST(ConfigAccess, UnknownNamesAreRefused)
{
    Cfg c;
    uint64_t v = 7;
    for (const char *bad : {"", "main_tlb", "main_tlb.entrie", "MAIN_TLB.entries", "walk_cache_s1[4].entries",
                            "walk_cache_s1.entries", "walk_cache_s1[0]", "s1p ", "entries", "max_ports"}) {
        EXPECT_EQ(smmu_config_set(c.p, bad, 1), SMMU_CONFIG_EUNKNOWN) << bad;
        EXPECT_EQ(smmu_config_get(c.p, bad, &v), SMMU_CONFIG_EUNKNOWN) << bad;
        EXPECT_EQ(smmu_config_field_max(bad, &v), SMMU_CONFIG_EUNKNOWN) << bad;
    }
    EXPECT_EQ(v, 7u);
    EXPECT_EQ(smmu_config_set(c.p, nullptr, 1), SMMU_CONFIG_EUNKNOWN);
    EXPECT_EQ(smmu_config_get(c.p, nullptr, &v), SMMU_CONFIG_EUNKNOWN);
    EXPECT_EQ(smmu_config_set(nullptr, "s1p", 1), SMMU_CONFIG_EUNKNOWN);
    EXPECT_EQ(smmu_config_get(c.p, "s1p", nullptr), SMMU_CONFIG_EUNKNOWN);
}

// A config built by name is the config smmu_create uses and checks: a TCU TLB removed by name is absent, SIDSIZE
// shows in IDR1, and a value that fits the field but not the architecture is refused by smmu_create.
TEST(ConfigAccess, CreateUsesTheNamedValues)
{
    Cfg c;
    ASSERT_EQ(smmu_config_set(c.p, "tcu_tlb.entries", 0), 0);
    ASSERT_EQ(smmu_config_set(c.p, "tcu_tlb.ways", 0), 0);
    ASSERT_EQ(smmu_config_set(c.p, "sidsize", 33), 0);      // fits the field; smmu_create's check refuses it
    smmu_host_t host{};
    host.mem_read = [](void *, uint64_t, void *, size_t) { return -1; };
    host.mem_write = [](void *, uint64_t, const void *, size_t) { return -1; };
    char err[200] = "";
    EXPECT_EQ(smmu_create(c.p, &host, err, sizeof err), nullptr);
    EXPECT_NE(std::string(err).find("sidsize"), std::string::npos) << err;
    ASSERT_EQ(smmu_config_set(c.p, "sidsize", 16), 0);
    smmu_t *s = smmu_create(c.p, &host, err, sizeof err);
    ASSERT_NE(s, nullptr) << err;
    smmu_cache_stats_t st;
    EXPECT_FALSE(smmu_cache_stats(s, SMMU_STRUCT_TCU_TLB, 0, -1, &st));
    EXPECT_TRUE(smmu_cache_stats(s, SMMU_STRUCT_MAIN_TLB, 0, -1, &st));
    EXPECT_EQ(smmu_reg_read(s, 0x004, 4) & 0x3Fu, 16u);    // SMMU_IDR1.SIDSIZE
    smmu_destroy(s);
}

}  // namespace
