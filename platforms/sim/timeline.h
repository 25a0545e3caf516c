/* SPDX-License-Identifier: BSD-3-Clause */
// smmu-sim's timeline: the scenario's timed actions (attach, detach, assign, unplug, PASIDs, map/unmap) performed
// by the driver model while the traffic runs, each measured: commands and CMD_SYNCs, duration, the DMA of the
// group that faulted / was blocked / stalled during it and after it, and the cache entries it invalidated.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <smmu/sc/smmuv3.h>

#include "config/scenario.h"
#include "driver/driver.h"

namespace simtl {

// What smmu-sim's traffic of one device reads and the timeline changes.
struct DeviceSlot {
    int dev = -1, dom = -1;             // driver device and the domain its traffic's IOVAs are in
    std::vector<int> pasid_dom;         // index = PASID (-1 = not allocated)
    bool unplugged = false;             // the device issues nothing more
};

// The DMA of one stream in a time window, from the SMMU's per-StreamID counters: translations (one per page a
// transaction touches, plus stall retries) that failed with an event (faulted), without one (blocked: STE abort,
// S1DSS terminate, GBPA), or stalled; and the bytes of the transactions that arrived in it, failed ones included.
struct Window {
    uint64_t translations = 0, faulted = 0, blocked = 0, stalled = 0, bytes = 0;
    double ns = 0;
};

struct Row {
    const simcfg::Action *action = nullptr;
    uint64_t start_ps = 0, end_ps = 0;
    std::vector<size_t> group;          // scenario device indexes acted on (its StreamID's devices)
    smmusim::DriverCounters cost;       // the driver's counters during the action
    uint64_t tlb_invalidated = 0, cfg_invalidated = 0;   // entries: TLBs and walk caches; configuration cache
    std::map<size_t, Window> during, after;              // per group device; after: until the next action or the end
    std::string error;
};

class Runner {
public:
    Runner(const simcfg::Scenario &s, smmusim::SmmuDriver &drv, smmu::Smmuv3 &smmu, smmusim::PhysAllocator &dma,
           smmusim::PhysAllocator &guests, std::vector<DeviceSlot *> slots);
    // Registers the domains the setup made (device i's initial domain, of kind `kind`).
    void set_initial(size_t dev, const std::string &kind);
    // Performs the actions at their times (a SystemC thread body); `lock` serialises the driver model.
    void run(sc_core::sc_mutex &lock, sc_core::sc_time stop);
    // Closes the last `after` window at `end`.
    void finish(sc_core::sc_time end);
    const std::vector<Row> &rows() const { return rows_; }
    std::string json() const;           // the report.json "timeline" array
    void print_summary() const;         // summary lines on stdout
    std::function<void(const std::string &)> on_error;   // an action the driver model could not perform

private:
    struct Vm { int s2 = -1; uint64_t ram = 0, next_ipa = 0x100000; std::map<size_t, int> nested; };
    struct Snap { std::map<size_t, smmu::TrafficStats> s; uint64_t ps = 0; };
    bool perform(const simcfg::Action &a, Row &r);
    int domain_for(size_t dev, const std::string &kind, std::string *err);
    bool map_mappings(size_t dev, int dom, bool guest, Vm *vm, uint32_t pasid, std::string *err);
    Vm *vm(const std::string &name, const std::string &granule, std::string *err);
    Snap snap() const;
    static Window diff(const smmu::TrafficStats &a, const smmu::TrafficStats &b, uint64_t ps);
    std::vector<size_t> group_of(size_t dev) const;
    uint64_t invalidations(bool cfg) const;

    const simcfg::Scenario &s_;
    smmusim::SmmuDriver &drv_;
    smmu::Smmuv3 &smmu_;
    smmusim::PhysAllocator &dma_, &guests_;
    std::vector<DeviceSlot *> slots_;
    std::vector<std::map<std::string, int>> doms_;      // per device: its domain of each kind
    std::map<std::string, Vm> vms_;
    std::vector<Row> rows_;
    Snap last_end_;
};

} // namespace simtl
