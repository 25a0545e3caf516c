/* SPDX-License-Identifier: BSD-3-Clause */
// A scenario file (configs/scenarios/*.yaml) loaded, validated against the schema and typed.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace simcfg {

struct Error {
    std::string file;   // the YAML file, or "--set"
    int line = 0;       // 1-based; for --set the argument's position
    std::string key;    // dotted path, list elements as name[i]
    std::string message;
    Error() = default;
    Error(std::string f, int l, std::string k, std::string m, std::string t = "")
        : file(std::move(f)), line(l), key(std::move(k)), message(std::move(m)), text(std::move(t)) {}
    std::string text;   // when set, the whole message as another reader wrote it (a trace line's "file:line: field ...")
    std::string str() const { return !text.empty() ? text : file + ":" + std::to_string(line) + ": key '" + key + "': " + message; }
};

// Where a resolved value came from.
struct Origin {
    std::string file;   // preset or scenario file, or "--set"
    int line = 0;
    std::string key;    // as written there ("smmu.tcu.walk_cache_s1.entries" for every level)
    int rank = 0;       // later layers rank higher: presets by chain position, then the scenario, then --set
};

struct Mapping {
    uint64_t iova = 0, size = 0, page_size = 4096, pa = 0;
    bool has_pa = false;
    bool read = true, write = true, exec = false, priv = false;
    uint32_t pasid = 0;
};

struct Traffic {
    std::string pattern = "sequential";
    uint64_t size = 64;
    double read_ratio = 1.0;
    double rate = 0;            // bytes/s, 0 = use interarrival
    uint64_t interarrival_ps = 0;
    uint32_t outstanding = 8;
    uint64_t count = 0, duration_ps = 0, start_ps = 0;
    uint64_t base = 0, footprint = 0;
    bool has_base = false, has_footprint = false;
    uint64_t stride = 4096;
    double zipf_s = 1.0;
    uint64_t zipf_pages = 0;
    uint32_t ring_entries = 256;
    uint64_t descriptor_size = 16, buffer_size = 2048, buffer_base = 0;
    std::string file;           // resolved against the scenario's directory
    std::string trace_sid = "device";   // trace: StreamID from the device or from each record
    uint32_t pasid = 0;
    uint64_t seed = 0;
};

struct Device {
    std::string name;
    bool has_bdf = false;
    std::string bdf;
    uint32_t sid = 0;           // from bdf (requester ID) or sid
    std::string domain = "s1", granule = "4K", share_domain, fault_handler = "terminate";
    uint32_t pasids = 0, port = 0;
    bool stall = false;
    std::vector<Mapping> mappings;
    bool dynamic = false;
    uint64_t dyn_buffer_size = 4096;
    uint32_t dyn_buffers = 64, dyn_remap_every = 16;
    bool ats = false, pri = false;              // ats.enabled, pri.enabled
    uint32_t atc_entries = 64;
    std::string atc_policy = "lru";
    uint64_t atc_inv_latency_ps = 1000000, pri_service_ps = 2000000;
    Traffic traffic;
};

// A VM of the timeline (`vms:`): 1 GiB of guest RAM behind a stage-2 domain of its own; devices assigned to it
// get a nested domain (the guest's stage 1) on that stage 2.
struct Vm {
    std::string name, granule = "4K";
};

// One timed action of `timeline:` (docs/scenarios.md, "Timeline").
struct Action {
    uint64_t at_ps = 0;
    std::string action;          // attach detach assign unplug pasid_alloc pasid_free map unmap
    std::string device;
    std::string domain;          // attach: bypass s1 s2 nested blocked vm:NAME
    std::string vm;              // assign
    uint32_t pasid = 0;          // pasid_alloc/pasid_free; map/unmap: the PASID's table (0 = the RID domain)
    uint64_t iova = 0, size = 0, page_size = 4096;
    bool read = true, write = true;
    std::string where;           // "file:line" of the element
};

struct Scenario {
    std::string file, name, description;
    uint64_t seed = 1;
    uint64_t run_duration_ps = 1000000000, run_transactions = 0;
    std::string preset = "mmu700";
    // Every smmu.* key resolved (the preset chain, then the scenario's block, then --set), dotted without "smmu.";
    // walk-cache levels as tcu.walk_cache_s1[0].entries .. [3].
    std::map<std::string, std::string> smmu;
    std::map<std::string, Origin> smmu_origin;
    std::vector<std::string> preset_files;     // the preset chain, base first
    uint64_t ic_latency_ps = 10000, mem_latency_ps = 80000, mem_size = 16ull << 30;
    double mem_bandwidth = 25.6e9;
    std::string sync = "auto", invalidation = "strict";
    uint32_t lazy_batch = 256, cmdq_entries = 256, evtq_entries = 128, va_bits = 48;
    uint64_t storm_interval_ps = 0, storm_buffer_size = 4096, storm_iova = 0x4000000000ull;   // driver.storm (0: none)
    uint32_t storm_buffers = 64;
    std::string storm_device;
    std::vector<Device> devices;
    std::vector<Vm> vms;
    std::vector<Action> timeline;               // in time order
    bool report_summary = true, report_plots = false, report_progress = true;
    std::string report_json = "report.json", report_csv_dir;
    std::vector<std::string> expect_events;
    bool expect_no_faults = false;
    std::vector<std::string> warnings;          // "file:line: ..." (an empty trace)
    std::string resolved;                       // every key's resolved value as a JSON scenario (resolved_json)
};

// StreamID bits of the stream table smmu-sim's driver builds (DriverOptions::max_sid_bits).
constexpr unsigned kDriverSidBits = 16;

// Physical memory map of the platform, from memory.size and the devices (nested devices get 1G of guest RAM).
struct MemoryMap {
    uint64_t size = 0;                          // memory.size: PAs [0, size)
    uint64_t tables_base = 1ull << 30, tables_size = 1ull << 30;   // page tables, STEs, CDs, queues
    uint64_t dma_base = 4ull << 30, dma_size = 0;                  // DMA buffers the driver allocates
    uint64_t guest_base = 0, guest_size = 0;                       // guest RAM of nested devices, 1G each
};
MemoryMap memory_map(const Scenario &s);

// Loads `file`, applies `sets` ("a.b.c=value", list elements as devices[0] or by name devices[nic]),
// validates. Returns false with every error found.
bool load_scenario(const std::string &file, const std::vector<std::string> &sets, Scenario *out, std::vector<Error> *errors);

// The values of a preset (built-in name or file) resolved like a scenario's `smmu:` block.
bool resolve_preset(const std::string &name, std::map<std::string, std::string> *out, std::vector<Error> *errors);

// Input address bits of a device's domain (stage 1: va_bits, stage 2: the SMMU's OAS).
unsigned domain_ias(const Scenario &s, const Device &d);

} // namespace simcfg
