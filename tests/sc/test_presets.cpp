// SPDX-License-Identifier: BSD-3-Clause
// The C++ presets (smmu::Params::mmu600/mmu700/gem5_default) and the files smmu-sim loads (configs/presets/*.yaml,
// resolved like a scenario's smmu: block) are the same configuration, field for field.
#include <gtest/gtest.h>

#include <smmu/sc/params.h>

#include "config/scenario.h"
#include "smmu_params.h"

int sc_main(int, char **) { return 0; }   // libsystemc needs the symbol; tests run from main()

namespace {

void expect_cache(const smmu_cache_config_t &a, const smmu_cache_config_t &b, const std::string &what)
{
    EXPECT_EQ(a.entries, b.entries) << what;
    if (!a.entries && !b.entries) return;   // an absent structure has no geometry
    EXPECT_EQ(a.ways, b.ways) << what;
    EXPECT_EQ(a.policy, b.policy) << what;
    EXPECT_EQ(a.latency, b.latency) << what;
}

TEST(Presets, YamlFilesAreTheCxxPresets)
{
    struct Case { const char *name; smmu::Params want; };
    const Case cases[] = {{"mmu700", smmu::Params::mmu700()}, {"mmu600", smmu::Params::mmu600()},
                          {"gem5_default", smmu::Params::gem5_default()}};
    for (const Case &c : cases) {
        std::map<std::string, std::string> v;
        std::vector<simcfg::Error> errs;
        ASSERT_TRUE(simcfg::resolve_preset(c.name, &v, &errs)) << c.name << ": " << errs[0].str();
        smmu::Params got;
        std::string err;
        ASSERT_TRUE(smmusim::make_params(v, &got, &err)) << c.name << ": " << err;
        const smmu_config_t &a = got.core, &b = c.want.core;
        const std::string n = c.name;
#define F(f) EXPECT_EQ(a.f, b.f) << n << " " #f
        F(arch_minor); F(s1p); F(s2p); F(ttf_aarch32); F(cohacc); F(btm); F(httu); F(hyp); F(ats); F(pri); F(asid16);
        F(vmid16); F(msi); F(sev); F(atos); F(vatos); F(vmw); F(cd2l); F(st_2lvl); F(ttendian); F(stall_model); F(term_model);
        F(sidsize); F(ssidsize); F(cmdqs); F(eventqs); F(priqs); F(attr_types_ovr); F(attr_perms_ovr); F(xnx); F(ril);
        F(bbml); F(fwb); F(oas_bits); F(gran4k); F(gran16k); F(gran64k); F(vax); F(stall_max); F(iidr); F(seed);
        F(walk_cache_unified); F(link_tbu_to_tcu); F(link_tcu_to_tbu); F(walk_step_cycles); F(cfg_fetch_cycles);
        F(cmd_cycles); F(tlbi_cycles);
#undef F
        expect_cache(a.utlb, b.utlb, n + " utlb");
        expect_cache(a.main_tlb, b.main_tlb, n + " main_tlb");
        expect_cache(a.tcu_tlb, b.tcu_tlb, n + " tcu_tlb");
        expect_cache(a.cfg_cache, b.cfg_cache, n + " cfg_cache");
        for (int l = 0; l < 4; l++) {
            if (b.walk_cache_unified && l) continue;   // the unified cache is walk_cache_s1[0]; the rest is unused
            expect_cache(a.walk_cache_s1[l], b.walk_cache_s1[l], n + " walk_cache_s1[" + std::to_string(l) + "]");
            if (!b.walk_cache_unified) expect_cache(a.walk_cache_s2[l], b.walk_cache_s2[l], n + " walk_cache_s2[" + std::to_string(l) + "]");
        }
        EXPECT_EQ(got.clock_period, c.want.clock_period) << n;
        EXPECT_EQ(got.num_ports, c.want.num_ports) << n;
        EXPECT_EQ(got.tbu_slots, c.want.tbu_slots) << n;
        EXPECT_EQ(got.tcu_slots, c.want.tcu_slots) << n;
        EXPECT_EQ(got.walk_slots, c.want.walk_slots) << n;
        EXPECT_EQ(got.reg_access_cycles, c.want.reg_access_cycles) << n;
        EXPECT_EQ(got.cmd_fetch_cycles, c.want.cmd_fetch_cycles) << n;
        EXPECT_EQ(got.abort_response, c.want.abort_response) << n;
        EXPECT_EQ(got.atc_inv_timeout, c.want.atc_inv_timeout) << n;
    }
}

} // namespace

int main(int argc, char **argv)
{
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
