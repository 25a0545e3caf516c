/* SPDX-License-Identifier: BSD-3-Clause */
// Parameters of the SystemC SMMUv3 module: the C core's configuration plus the SystemC-side timing knobs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>

extern "C" {
#include <smmu/smmu.h>
}

namespace smmu {

// Lookup latencies, link (DTI) latencies and per-step walk costs live in `core` (smmu_config_t) because the
// core charges them; the fields here model what the core cannot see: clocking, concurrency and queueing.
struct SMMU_API Params {
    smmu_config_t core;                    // architecture, caches, lookup/link/walk-step cycles

    sc_core::sc_time clock_period;         // SMMU clock
    unsigned num_ports = 1;                // upstream ports (TBUs); copied into core.num_ports
    std::vector<uint32_t> default_sid;     // per port: StreamID of a transaction without StreamIdExtension

    unsigned tbu_slots = 16;               // per TBU: outstanding translations
    unsigned tcu_slots = 32;               // TCU: translations in progress (misses from all TBUs)
    unsigned walk_slots = 8;               // TCU: concurrent table/configuration walks
    unsigned reg_access_cycles = 1;        // programming-interface access
    unsigned cmd_fetch_cycles = 0;         // extra per command on top of the core's cmd_cycles
    // An ATC invalidation its endpoint has not completed this long after delivery fails (the CMD_SYNC waiting for
    // it ends in CERROR_ATC_INV_SYNC, IHI 0070 3.9.1.4); zero: wait for ever.
    sc_core::sc_time atc_inv_timeout;

    // Response status of a terminated (aborted) transaction.
    tlm::tlm_response_status abort_response = tlm::TLM_ADDRESS_ERROR_RESPONSE;

    // Grant DMI upstream for translated pages (docs/architecture.md, "DMI"). Accesses through a DMI pointer
    // bypass the timing model and the statistics, so it is off except in the functional-speed preset.
    bool dmi = false;

    Params();                              // == mmu700()
    static Params mmu600();
    static Params mmu700();
    static Params gem5_default();
    static Params functional_speed();      // mmu700() with DMI on: for virtual platforms that want speed, not timing

    uint32_t port_sid(unsigned port) const { return port < default_sid.size() ? default_sid[port] : port; }
};

} // namespace smmu
