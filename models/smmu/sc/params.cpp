// SPDX-License-Identifier: BSD-3-Clause
// Parameter presets. Sources: gem5 src/dev/arm/SMMUv3.py (SMMUv3, SMMUv3DeviceInterface), the Arm CoreLink
// MMU-600/MMU-700 TRMs for identification and architecture revision; other values are marked "assumption".
#include <smmu/sc/params.h>

namespace smmu {

namespace {
void cache(smmu_cache_config_t &c, uint32_t entries, uint32_t ways, smmu_repl_t policy, uint32_t latency)
{
    c.entries = entries;
    c.ways = ways;
    c.policy = policy;
    c.latency = latency;
}
void apply_mmu600(Params &p);

void apply_mmu700(Params &p)
{
    apply_mmu600(p);                                        // then everything below overrides it
    smmu_config_default(&p.core);                           // core defaults are MMU-700 shaped
    p.core.arch_minor = 2;                                  // MMU-700 implements SMMUv3.2 (TRM)
    p.core.iidr = 0x4870043Bu;                              // ProductID 0x487, implementer Arm 0x43B (TRM; Linux errata table)
    p.core.btm = false;                                     // Linux drops BTM on MMU-700 (erratum workaround)
    cache(p.core.utlb, 32, 32, SMMU_REPL_LRU, 1);           // assumption: 32-entry fully associative micro TLB, 1 cycle
    cache(p.core.main_tlb, 2048, 4, SMMU_REPL_PLRU, 3);     // assumption: 2048-entry 4-way main TLB, 3 cycles
    cache(p.core.tcu_tlb, 0, 0, SMMU_REPL_LRU, 4);          // assumption: no separate TCU TLB (walk cache covers it)
    cache(p.core.cfg_cache, 256, 4, SMMU_REPL_PLRU, 3);     // assumption: 256-entry 4-way configuration cache
    p.core.walk_cache_unified = true;                       // MMU-700: one walk cache for all stages and levels (TRM)
    cache(p.core.walk_cache_s1[0], 2048, 4, SMMU_REPL_PLRU, 3);   // assumption: 2048-entry 4-way unified walk cache
    for (int l = 1; l < 4; l++) cache(p.core.walk_cache_s1[l], 0, 0, SMMU_REPL_PLRU, 0);
    for (int l = 0; l < 4; l++) cache(p.core.walk_cache_s2[l], 0, 0, SMMU_REPL_PLRU, 0);
    p.core.link_tbu_to_tcu = 8;                             // assumption: DTI request, same as gem5 ifc_smmu_lat
    p.core.link_tcu_to_tbu = 8;                             // assumption: DTI response, same as gem5 smmu_ifc_lat
    p.core.walk_step_cycles = 4;                            // assumption: descriptor decode per level
    p.core.cfg_fetch_cycles = 4;                            // assumption: STE/CD decode
    p.core.cmd_cycles = 2;                                  // assumption
    p.core.tlbi_cycles = 4;                                 // assumption
    p.clock_period = sc_core::sc_time(1, sc_core::SC_NS);   // assumption: 1 GHz
    p.tbu_slots = 32;                                       // assumption: per-TBU outstanding translations
    p.tcu_slots = 64;                                       // assumption: TCU translation slots
    p.walk_slots = 16;                                      // assumption: concurrent walks
}

void apply_mmu600(Params &p)
{
    smmu_config_default(&p.core);
    p.core.arch_minor = 1;                                  // MMU-600 implements SMMUv3.1 (TRM)
    p.core.iidr = 0x4830043Bu;                              // ProductID 0x483, implementer Arm 0x43B (TRM; Linux errata table)
    p.core.ril = false;                                     // range invalidation is SMMUv3.2 (IHI 0070 IDR3.RIL)
    p.core.bbml = 0;                                        // BBML is SMMUv3.2
    p.core.fwb = false;                                     // S2FWB is SMMUv3.2 (IHI 0070 IDR3.FWB)
    cache(p.core.utlb, 32, 32, SMMU_REPL_LRU, 1);           // assumption: 32-entry fully associative micro TLB
    cache(p.core.main_tlb, 2048, 4, SMMU_REPL_PLRU, 3);     // assumption: 2048-entry 4-way main TLB
    cache(p.core.tcu_tlb, 0, 0, SMMU_REPL_LRU, 4);          // assumption: no TCU TLB
    cache(p.core.cfg_cache, 64, 4, SMMU_REPL_PLRU, 3);      // assumption: 64-entry 4-way configuration cache
    p.core.walk_cache_unified = false;                      // MMU-600: per-stage walk caches (TRM)
    for (int l = 0; l < 4; l++) {
        cache(p.core.walk_cache_s1[l], 256, 4, SMMU_REPL_PLRU, 3);   // assumption
        cache(p.core.walk_cache_s2[l], 128, 4, SMMU_REPL_PLRU, 3);   // assumption
    }
    p.core.link_tbu_to_tcu = 8;                             // assumption
    p.core.link_tcu_to_tbu = 8;                             // assumption
    p.core.walk_step_cycles = 4;                            // assumption
    p.core.cfg_fetch_cycles = 4;                            // assumption
    p.core.cmd_cycles = 2;                                  // assumption
    p.core.tlbi_cycles = 4;                                 // assumption
    p.clock_period = sc_core::sc_time(1, sc_core::SC_NS);   // assumption: 1 GHz
    p.num_ports = 1;
    p.tbu_slots = 16;                                       // assumption
    p.tcu_slots = 32;                                       // assumption
    p.walk_slots = 8;                                       // assumption
    p.atc_inv_timeout = sc_core::sc_time(100, sc_core::SC_US);   // assumption: PCIe allows 60 s; runs are far shorter
}

void apply_gem5(Params &p)
{
    apply_mmu600(p);
    smmu_config_default(&p.core);
    p.core.arch_minor = 0;                                  // gem5 smmu_aidr = 0 (SMMUv3.0)
    p.core.iidr = 0;                                        // gem5 smmu_iidr = 0
    p.core.stall_model = 1;                                 // gem5 IDR0.STALL_MODEL = 1 (terminate only)
    p.core.stall_max = 0;                                   // gem5 IDR5.STALL_MAX = 0 (RES0 when terminate only)
    p.core.fwb = false;                                     // gem5 IDR3 = 0 (FWB is SMMUv3.2)
    p.core.msi = false;                                     // gem5 IDR0.MSI = 0
    p.core.sev = false;                                     // gem5 IDR0.SEV = 0
    p.core.hyp = false;                                     // gem5 IDR0.HYP = 0
    p.core.ats = p.core.pri = false;                        // gem5 IDR0.ATS = IDR0.PRI = 0
    p.core.atos = false;                                    // gem5 IDR0.ATOS = 0
    p.core.httu = 0;                                        // gem5 IDR0.HTTU = 0
    p.core.ril = false;                                     // gem5 IDR3 = 0
    p.core.bbml = 0;                                        // gem5 IDR3 = 0
    p.core.gran16k = false;                                 // gem5 IDR5 = 0x55: GRAN4K, GRAN64K, OAS 48
    p.core.oas_bits = 48;                                   // gem5 IDR5.OAS = 5
    p.core.cmdqs = 7;                                       // gem5 IDR1.CMDQS = 7
    cache(p.core.utlb, 32, 32, SMMU_REPL_RANDOM, 1);        // gem5 utlb_entries 32, assoc 0 (full), 'rr', utlb_lat 1
    cache(p.core.main_tlb, 2048, 4, SMMU_REPL_RANDOM, 3);   // gem5 tlb_entries 2048, tlb_assoc 4, tlb_lat 3
    cache(p.core.tcu_tlb, 0, 0, SMMU_REPL_RANDOM, 3);       // gem5 SMMUv3.tlb_enable = False
    cache(p.core.cfg_cache, 64, 4, SMMU_REPL_RANDOM, 3);    // gem5 cfg_entries 64, cfg_assoc 4, cfg_lat 3
    p.core.walk_cache_unified = false;                      // gem5 per stage and level walk caches
    // gem5 walk_S1L0..3 = 4, 28, 348, 4 and walk_S2L0..3 = 4, 28, 92, 4 entries, walk_lat 4; the sizes that do
    // not give power-of-two sets at 4 ways are made fully associative (the core requires power-of-two sets).
    cache(p.core.walk_cache_s1[0], 4, 4, SMMU_REPL_RANDOM, 4);
    cache(p.core.walk_cache_s1[1], 28, 28, SMMU_REPL_RANDOM, 4);
    cache(p.core.walk_cache_s1[2], 348, 348, SMMU_REPL_RANDOM, 4);
    cache(p.core.walk_cache_s1[3], 4, 4, SMMU_REPL_RANDOM, 4);
    cache(p.core.walk_cache_s2[0], 4, 4, SMMU_REPL_RANDOM, 4);
    cache(p.core.walk_cache_s2[1], 28, 28, SMMU_REPL_RANDOM, 4);
    cache(p.core.walk_cache_s2[2], 92, 92, SMMU_REPL_RANDOM, 4);
    cache(p.core.walk_cache_s2[3], 4, 4, SMMU_REPL_RANDOM, 4);
    p.core.link_tbu_to_tcu = 8;                             // gem5 ifc_smmu_lat 8
    p.core.link_tcu_to_tbu = 8;                             // gem5 smmu_ifc_lat 8
    p.core.walk_step_cycles = 0;                            // assumption: gem5 charges memory time only per walk step
    p.core.cfg_fetch_cycles = 0;                            // assumption: likewise for STE/CD fetches
    p.core.cmd_cycles = 1;                                  // assumption
    p.core.tlbi_cycles = 1;                                 // assumption
    p.clock_period = sc_core::sc_time(1, sc_core::SC_NS);   // assumption: gem5 ClockedObject on a 1 GHz domain
    p.tbu_slots = 16;                                       // gem5 SMMUv3DeviceInterface.xlate_slots 16
    p.tcu_slots = 64;                                       // gem5 SMMUv3.xlate_slots 64
    p.walk_slots = 16;                                      // gem5 SMMUv3.ptw_slots 16
}
} // namespace

Params::Params() { apply_mmu700(*this); }
Params Params::mmu700() { return Params(); }
Params Params::mmu600() { Params p; apply_mmu600(p); return p; }
Params Params::gem5_default() { Params p; apply_gem5(p); return p; }
Params Params::functional_speed() { Params p; p.dmi = true; return p; }

} // namespace smmu
