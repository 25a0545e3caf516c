// SPDX-License-Identifier: BSD-3-Clause
#include "harness.h"

using Smoke = th::Smmu;

TEST_F(Smoke, CreatesWithDefaultConfig) {
    create();
    ASSERT_NE(smmu, nullptr);
}

// smmu_create refuses a configuration whose ID registers would advertise what the model does not implement or
// what IHI 0070 6.3 forbids, and names the field and the reason.
TEST(CreateRejects, UnimplementedOrForbiddenFeatures) {
    struct Case { const char *name; void (*set)(smmu_config_t &); const char *msg; };
    const Case cases[] = {
        {"AArch32 tables", [](smmu_config_t &c) { c.ttf_aarch32 = true; },
         "ttf_aarch32: IDR0.TTF would advertise VMSAv8-32 LPAE tables, which the model does not walk"},
        {"ATOS", [](smmu_config_t &c) { c.atos = true; },
         "atos: IDR0.ATOS would advertise the SMMU_GATOS_* registers, which the model does not implement"},
        {"PRI without ATS", [](smmu_config_t &c) { c.pri = true; c.ats = false; }, "pri: IDR0.PRI needs ats (PRI is RES0 when IDR0.ATS == 0)"},
        {"HYP without S2P", [](smmu_config_t &c) { c.s2p = false; c.vmw = false; },
         "hyp: IDR0.HYP needs both s1p and s2p (RES0 otherwise)"},
        {"HYP without S1P", [](smmu_config_t &c) { c.s1p = false; }, "hyp: IDR0.HYP needs both s1p and s2p (RES0 otherwise)"},
        {"VMW without S2P", [](smmu_config_t &c) { c.s2p = false; c.hyp = false; },
         "vmw: IDR0.VMW needs s2p (RES0 when IDR0.S2P == 0)"},
        {"SIDSIZE 7 linear only", [](smmu_config_t &c) { c.st_2lvl = false; c.sidsize = 7; },
         "sidsize 7: SIDSIZE >= 7 needs st_2lvl (IDR1.SIDSIZE >= 7 requires IDR0.ST_LEVEL != 0b00)"},
        {"52-bit OAS on v3.0", [](smmu_config_t &c) { c.arch_minor = 0; c.fwb = false; c.oas_bits = 52; },
         "oas_bits 52: IDR5.OAS 52 bits is reserved in SMMUv3.0 (arch_minor 0)"},
        {"52-bit VA on v3.0", [](smmu_config_t &c) { c.arch_minor = 0; c.fwb = false; c.vax = 1; },
         "vax 1: IDR5.VAX is RES0 in SMMUv3.0 (arch_minor 0)"},
        {"no FWB on v3.2", [](smmu_config_t &c) { c.fwb = false; },
         "fwb 0: IDR3.FWB is 1 in SMMUv3.2 and later and absent before (arch_minor 2)"},
        {"FWB on v3.1", [](smmu_config_t &c) { c.arch_minor = 1; },
         "fwb 1: IDR3.FWB is 1 in SMMUv3.2 and later and absent before (arch_minor 1)"},
        {"STALL_MAX with terminate only", [](smmu_config_t &c) { c.stall_model = 1; c.stall_max = 4; },
         "stall_max 4: must be 0 with the terminate-only stall_model 1 (IDR5.STALL_MAX is RES0)"},
        {"no STALL_MAX with stalls", [](smmu_config_t &c) { c.stall_max = 0; },
         "stall_max 0: stall_model 0 supports stalls, so at least one must be possible"},
        {"no STALL_MAX with stall forced", [](smmu_config_t &c) { c.stall_model = 2; c.stall_max = 0; },
         "stall_max 0: stall_model 2 supports stalls, so at least one must be possible"},
    };
    th::Memory mem;
    smmu_host_t h = mem.host();
    for (const auto &c : cases) {
        smmu_config_t cfg;
        smmu_config_default(&cfg);
        c.set(cfg);
        char err[256] = "";
        smmu_t *s = smmu_create(&cfg, &h, err, sizeof err);
        EXPECT_EQ(s, nullptr) << c.name;
        if (s) smmu_destroy(s);
        EXPECT_STREQ(err, c.msg) << c.name;
    }
}

// The boundary cases of those rules still create.
TEST(CreateAccepts, LegalNeighbours) {
    const std::pair<const char *, void (*)(smmu_config_t &)> cases[] = {
        {"default", [](smmu_config_t &) {}},
        {"PRI with ATS", [](smmu_config_t &c) { c.pri = c.ats = true; }},
        {"stage 2 only", [](smmu_config_t &c) { c.s1p = false; c.hyp = false; }},
        {"stage 1 only", [](smmu_config_t &c) { c.s2p = false; c.hyp = c.vmw = false; }},
        {"SIDSIZE 6 linear only", [](smmu_config_t &c) { c.st_2lvl = false; c.sidsize = 6; }},
        {"v3.1 52-bit OAS and VA", [](smmu_config_t &c) { c.arch_minor = 1; c.fwb = false; c.oas_bits = 52; c.vax = 1; }},
        {"terminate only", [](smmu_config_t &c) { c.stall_model = 1; c.stall_max = 0; }},
        {"v3.0", [](smmu_config_t &c) { c.arch_minor = 0; c.fwb = false; }},
    };
    th::Memory mem;
    smmu_host_t h = mem.host();
    for (const auto &c : cases) {
        smmu_config_t cfg;
        smmu_config_default(&cfg);
        c.second(cfg);
        char err[256] = "";
        smmu_t *s = smmu_create(&cfg, &h, err, sizeof err);
        EXPECT_NE(s, nullptr) << c.first << ": " << err;
        smmu_destroy(s);
    }
}
