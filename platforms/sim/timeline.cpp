// SPDX-License-Identifier: BSD-3-Clause
#include "timeline.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "config/values.h"
#include "driver/hw.h"

using namespace sc_core;
using namespace smmusim;

namespace simtl {

using simcfg::json_str;

namespace {

unsigned granule_log2(const std::string &g) { return g == "64K" ? 16 : g == "16K" ? 14 : 12; }

DriverCounters minus(const DriverCounters &a, const DriverCounters &b)
{
    DriverCounters d;
    d.reg_reads = a.reg_reads - b.reg_reads; d.reg_writes = a.reg_writes - b.reg_writes; d.polls = a.polls - b.polls;
    d.commands = a.commands - b.commands; d.syncs = a.syncs - b.syncs; d.cfgi = a.cfgi - b.cfgi; d.tlbi = a.tlbi - b.tlbi;
    d.ste_writes = a.ste_writes - b.ste_writes; d.cd_writes = a.cd_writes - b.cd_writes; d.hitless = a.hitless - b.hitless;
    d.breaking = a.breaking - b.breaking; d.maps = a.maps - b.maps; d.unmaps = a.unmaps - b.unmaps;
    return d;
}

uint64_t ps_now() { return (uint64_t)(sc_time_stamp().value() / sc_time(1, SC_PS).value()); }

std::string hex(uint64_t v) { char b[24]; std::snprintf(b, sizeof b, "0x%llx", (unsigned long long)v); return b; }

} // namespace

Runner::Runner(const simcfg::Scenario &s, SmmuDriver &drv, smmu::Smmuv3 &smmu, PhysAllocator &dma, PhysAllocator &guests,
               std::vector<DeviceSlot *> slots)
    : s_(s), drv_(drv), smmu_(smmu), dma_(dma), guests_(guests), slots_(std::move(slots)), doms_(slots_.size()) {}

void Runner::set_initial(size_t dev, const std::string &kind)
{
    if (slots_[dev]->dom >= 0) doms_[dev][kind] = slots_[dev]->dom;
}

std::vector<size_t> Runner::group_of(size_t dev) const
{
    std::vector<size_t> g;
    for (size_t i = 0; i < s_.devices.size(); i++)
        if (s_.devices[i].sid == s_.devices[dev].sid) g.push_back(i);
    return g;
}

Runner::Vm *Runner::vm(const std::string &name, const std::string &granule, std::string *err)
{
    auto it = vms_.find(name);
    if (it != vms_.end()) return &it->second;
    // As smmu-sim's nested devices: 1 GiB of guest RAM at IPA 0, mapped by stage 2 with 2M blocks.
    Vm v;
    v.s2 = drv_.domain_alloc(DomainType::S2, granule_log2(granule));
    v.ram = guests_.alloc(1ull << 30, 1ull << 30);
    uint64_t block = granule == "64K" ? 512ull << 20 : granule == "16K" ? 32ull << 20 : 2ull << 20;
    if (v.s2 < 0 || !v.ram || drv_.map(v.s2, 0, v.ram, 1ull << 30, block, PROT_READ | PROT_WRITE | PROT_CACHE)) {
        *err = "VM " + name + ": " + (v.s2 < 0 ? drv_.error() : !v.ram ? std::string("no guest RAM left") : "stage-2 map failed");
        return nullptr;
    }
    return &(vms_[name] = v);
}

bool Runner::map_mappings(size_t dev, int dom, bool guest, Vm *v, uint32_t pasid, std::string *err)
{
    for (const simcfg::Mapping &m : s_.devices[dev].mappings) {
        if (m.pasid != pasid) continue;
        unsigned prot = (m.read ? +PROT_READ : 0u) | (m.write ? +PROT_WRITE : 0u) | (m.exec ? 0u : +PROT_NOEXEC) |
                        (m.priv ? +PROT_PRIV : 0u) | PROT_CACHE;
        uint64_t pa = m.pa;
        if (!m.has_pa && guest) {
            v->next_ipa = (v->next_ipa + m.page_size - 1) & ~(m.page_size - 1);
            pa = v->next_ipa;
            v->next_ipa += m.size;
            if (v->next_ipa > (512ull << 20)) { *err = "the VM's guest RAM for buffers (512M) is full"; return false; }
        } else if (!m.has_pa) {
            pa = dma_.alloc(m.size, m.page_size);
            if (!pa) { *err = "out of DMA memory (memory.size)"; return false; }
        }
        int rc = drv_.map(dom, m.iova, pa, m.size, m.page_size, prot);
        if (rc) { *err = "map " + hex(m.iova) + ": error " + std::to_string(rc); return false; }
    }
    return true;
}

int Runner::domain_for(size_t dev, const std::string &kind, std::string *err)
{
    auto it = doms_[dev].find(kind);
    if (it != doms_[dev].end()) return it->second;
    const simcfg::Device &d = s_.devices[dev];
    const unsigned g = granule_log2(d.granule);
    int dom = -1;
    Vm *v = nullptr;
    if (kind == "bypass") dom = drv_.domain_alloc(DomainType::Bypass);
    else if (kind == "blocked") dom = drv_.domain_alloc(DomainType::Blocked);
    else if (kind == "s1") dom = drv_.domain_alloc(DomainType::S1, g);
    else if (kind == "s2") dom = drv_.domain_alloc(DomainType::S2, g);
    else {
        // A nested domain: the guest's stage 1 on the VM's stage 2; its tables and CDs in a 64M slice of the
        // guest RAM's top half per device.
        if (kind == "nested") {
            v = vm("(" + d.name + ")", d.granule, err);   // `attach nested`: a VM of the device's own
        } else {
            const std::string name = kind.substr(3);
            std::string gran = "4K";
            for (const simcfg::Vm &x : s_.vms) if (x.name == name) gran = x.granule;
            v = vm(name, gran, err);
        }
        if (!v) return -1;
        if (v->nested.size() >= 8) { *err = "a VM holds the tables of at most 8 devices"; return -1; }
        uint64_t slice = 512ull << 20 | (uint64_t)v->nested.size() << 26;
        dom = drv_.domain_alloc(DomainType::Nested, g, v->s2, slice, 64ull << 20);
        if (dom >= 0) v->nested[dev] = dom;
    }
    if (dom < 0) { *err = drv_.error(); return -1; }
    if (kind != "bypass" && kind != "blocked")
        for (size_t m : group_of(dev))
            if (!map_mappings(m, dom, v != nullptr, v, 0, err)) return -1;
    for (size_t m : group_of(dev)) doms_[m][kind] = dom;
    return dom;
}

Runner::Snap Runner::snap() const
{
    Snap s;
    s.ps = ps_now();
    const smmu::Stats &st = smmu_.stats();
    for (size_t i = 0; i < s_.devices.size(); i++) {
        auto it = st.streams.find(s_.devices[i].sid);
        s.s[i] = it != st.streams.end() ? it->second : smmu::TrafficStats();
    }
    return s;
}

Window Runner::diff(const smmu::TrafficStats &a, const smmu::TrafficStats &b, uint64_t ps)
{
    Window w;
    uint64_t ev_a = 0, ev_b = 0;
    for (auto &kv : a.faults_by_event) ev_a += kv.second;
    for (auto &kv : b.faults_by_event) ev_b += kv.second;
    w.translations = b.translations - a.translations;
    w.stalled = b.stalls - a.stalls;
    uint64_t events = ev_b - ev_a, failed = (b.aborted + b.razwi) - (a.aborted + a.razwi);
    // A stall records its event too; a stall's retry that fails again is a fault of its own.
    w.faulted = std::min(failed, events > w.stalled ? events - w.stalled : 0);
    w.blocked = failed - w.faulted;
    w.bytes = b.bytes - a.bytes;
    w.ns = (double)ps / 1000.0;
    return w;
}

uint64_t Runner::invalidations(bool cfg) const
{
    smmu_t *core = smmu_.core();
    uint64_t n = 0;
    smmu_cache_stats_t c;
    if (cfg) return smmu_cache_stats(core, SMMU_STRUCT_CFG_CACHE, -1, -1, &c) ? c.invalidations : 0;
    for (smmu_struct_id_t w : {SMMU_STRUCT_UTLB, SMMU_STRUCT_MAIN_TLB, SMMU_STRUCT_TCU_TLB, SMMU_STRUCT_WALK_S1, SMMU_STRUCT_WALK_S2})
        if (smmu_cache_stats(core, w, -1, -1, &c)) n += c.invalidations;
    return n;
}

bool Runner::perform(const simcfg::Action &a, Row &r)
{
    size_t dev = 0;
    while (dev < s_.devices.size() && s_.devices[dev].name != a.device) dev++;
    if (dev == s_.devices.size()) { r.error = "no device " + a.device; return false; }
    r.group = group_of(dev);
    const int ddev = slots_[dev]->dev;
    std::string err;
    auto set_dom = [&](int dom) { for (size_t m : r.group) { slots_[m]->dom = dom; if (!slots_[m]->pasid_dom.empty()) slots_[m]->pasid_dom[0] = dom; } };
    auto failed = [&](const std::string &what) { r.error = what.empty() ? drv_.error() : what; return false; };
    if (a.action == "attach") {
        int dom = domain_for(dev, a.domain, &err);
        if (dom < 0 || !drv_.attach(ddev, dom)) return failed(err);
        set_dom(a.domain == "blocked" ? -1 : dom);
    } else if (a.action == "detach") {
        if (!drv_.detach(ddev)) return failed("");
        set_dom(-1);
    } else if (a.action == "assign") {
        int dom = domain_for(dev, "vm:" + a.vm, &err);
        if (dom < 0 || !drv_.assign(ddev, dom)) return failed(err);
        set_dom(dom);
    } else if (a.action == "unplug") {
        for (size_t m : r.group) slots_[m]->unplugged = true;   // the device is gone: it issues nothing more
        if (!drv_.unplug(ddev)) return failed("");
        set_dom(-1);
    } else if (a.action == "pasid_alloc") {
        // A new process binds: an SVA domain of its own (a fresh ASID) with the PASID's mappings.
        int dom = drv_.domain_alloc(DomainType::S1, granule_log2(s_.devices[dev].granule));
        if (dom < 0) return failed("");
        for (size_t m : r.group)
            if (!map_mappings(m, dom, false, nullptr, a.pasid, &err)) return failed(err);
        if (!drv_.attach_pasid(ddev, dom, a.pasid)) return failed("");
        for (size_t m : r.group)
            if (a.pasid < slots_[m]->pasid_dom.size()) slots_[m]->pasid_dom[a.pasid] = dom;
    } else if (a.action == "pasid_free") {
        if (!drv_.free_pasid(ddev, a.pasid)) return failed("");
        for (size_t m : r.group)
            if (a.pasid < slots_[m]->pasid_dom.size()) slots_[m]->pasid_dom[a.pasid] = -1;
    } else {   // map, unmap: in the device's current domain (or its PASID's)
        const DeviceSlot &sl = *slots_[dev];
        int dom = a.pasid ? (a.pasid < sl.pasid_dom.size() ? sl.pasid_dom[a.pasid] : -1) : sl.dom;
        if (dom < 0) return failed("no domain to " + a.action + " in");
        if (a.action == "unmap") {
            if (!drv_.unmap(dom, a.iova, a.size)) r.error = "nothing was mapped at " + hex(a.iova);   // Linux WARNs; the run goes on
            return true;
        }
        uint64_t pa = 0;
        Vm *owner = nullptr;
        for (auto &kv : vms_) for (auto &n : kv.second.nested) if (n.second == dom) owner = &kv.second;
        if (owner) {
            owner->next_ipa = (owner->next_ipa + a.page_size - 1) & ~(a.page_size - 1);
            pa = owner->next_ipa;
            owner->next_ipa += a.size;
        } else {
            pa = dma_.alloc(a.size, a.page_size);
        }
        unsigned prot = (a.read ? +PROT_READ : 0u) | (a.write ? +PROT_WRITE : 0u) | PROT_NOEXEC | PROT_CACHE;
        int rc = drv_.map(dom, a.iova, pa, a.size, a.page_size, prot);
        if (rc) return failed("map " + hex(a.iova) + ": error " + std::to_string(rc));
    }
    return true;
}

void Runner::run(sc_mutex &lock, sc_time stop)
{
    const uint64_t tick = sc_time(1, SC_PS).value();
    last_end_ = snap();
    for (const simcfg::Action &a : s_.timeline) {
        sc_time when = sc_time::from_value(a.at_ps * tick);
        if (when > sc_time_stamp()) wait(when - sc_time_stamp());
        if (sc_time_stamp() >= stop) break;
        lock.lock();
        Row r;
        r.action = &a;
        Snap before = snap();
        if (!rows_.empty())
            for (auto &kv : rows_.back().during)
                rows_.back().after[kv.first] = diff(last_end_.s.at(kv.first), before.s.at(kv.first), before.ps - last_end_.ps);
        const DriverCounters c0 = drv_.counters();
        const uint64_t tlb0 = invalidations(false), cfg0 = invalidations(true);
        r.start_ps = before.ps;
        bool ok = perform(a, r);
        r.end_ps = ps_now();
        r.cost = minus(drv_.counters(), c0);
        r.tlb_invalidated = invalidations(false) - tlb0;
        r.cfg_invalidated = invalidations(true) - cfg0;
        last_end_ = snap();
        for (size_t m : r.group) r.during[m] = diff(before.s.at(m), last_end_.s.at(m), r.end_ps - r.start_ps);
        rows_.push_back(r);
        lock.unlock();
        if (!ok && on_error) { on_error(a.where + ": " + a.action + " " + a.device + ": " + r.error); return; }
    }
}

void Runner::finish(sc_time end)
{
    if (rows_.empty() || !rows_.back().after.empty()) return;
    Snap now = snap();
    uint64_t end_ps = (uint64_t)(end.value() / sc_time(1, SC_PS).value());
    for (auto &kv : rows_.back().during)
        rows_.back().after[kv.first] = diff(last_end_.s.at(kv.first), now.s.at(kv.first),
                                            end_ps > last_end_.ps ? end_ps - last_end_.ps : 0);
}

namespace {

std::string target(const simcfg::Action &a)
{
    if (a.action == "attach") return " " + a.domain;
    if (a.action == "assign") return " vm:" + a.vm;
    if (a.action == "pasid_alloc" || a.action == "pasid_free") return " " + std::to_string(a.pasid);
    if (a.action == "map" || a.action == "unmap")
        return " " + hex(a.iova) + "+" + hex(a.size) + (a.pasid ? " pasid " + std::to_string(a.pasid) : "");
    return "";
}

double gbps(const Window &w) { return w.ns > 0 ? (double)w.bytes / w.ns : 0; }

} // namespace

std::string Runner::json() const
{
    std::ostringstream o;
    o << "[";
    for (size_t i = 0; i < rows_.size(); i++) {
        const Row &r = rows_[i];
        const simcfg::Action &a = *r.action;
        o << (i ? ",\n" : "\n") << "    {\"at_ns\": " << a.at_ps / 1000.0 << ", \"action\": " << json_str(a.action)
          << ", \"device\": " << json_str(a.device) << ", \"target\": " << json_str(target(a).empty() ? "" : target(a).substr(1))
          << ", \"where\": " << json_str(a.where) << ", \"group\": [";
        for (size_t k = 0; k < r.group.size(); k++) o << (k ? ", " : "") << json_str(s_.devices[r.group[k]].name);
        o << "], \"start_ns\": " << r.start_ps / 1000.0 << ", \"duration_ns\": " << (r.end_ps - r.start_ps) / 1000.0
          << ", \"commands\": " << r.cost.commands << ", \"cmd_syncs\": " << r.cost.syncs << ", \"cfgi\": " << r.cost.cfgi
          << ", \"tlbi\": " << r.cost.tlbi << ", \"ste_writes\": " << r.cost.ste_writes << ", \"cd_writes\": " << r.cost.cd_writes
          << ", \"hitless_updates\": " << r.cost.hitless << ", \"breaking_updates\": " << r.cost.breaking
          << ", \"register_writes\": " << r.cost.reg_writes << ", \"tlb_entries_invalidated\": " << r.tlb_invalidated
          << ", \"config_cache_entries_invalidated\": " << r.cfg_invalidated;
        for (const char *part : {"during", "after"}) {
            const std::map<size_t, Window> &ws = part[0] == 'd' ? r.during : r.after;
            o << ", \"" << part << "\": {";
            bool first = true;
            for (auto &kv : ws) {
                const Window &w = kv.second;
                o << (first ? "" : ", ") << json_str(s_.devices[kv.first].name) << ": {\"duration_ns\": " << w.ns
                  << ", \"translations\": " << w.translations << ", \"faulted\": " << w.faulted << ", \"blocked\": " << w.blocked
                  << ", \"stalled\": " << w.stalled << ", \"bytes\": " << w.bytes << ", \"throughput_gbps\": " << gbps(w) << "}";
                first = false;
            }
            o << "}";
        }
        o << ", \"error\": " << (r.error.empty() ? "null" : json_str(r.error)) << "}";
    }
    o << (rows_.empty() ? "]" : "\n  ]");
    return o.str();
}

void Runner::print_summary() const
{
    if (rows_.empty()) return;
    std::printf("timeline: %zu actions (during: while the action ran; after: until the next action or the end; "
                "faulted/blocked/stalled: translations that failed with an event, without one, stalled)\n", rows_.size());
    for (const Row &r : rows_) {
        const simcfg::Action &a = *r.action;
        std::printf("  %10.2f us %s %s%s: %.2f us, %llu commands (%llu CMD_SYNC, %llu CFGI, %llu TLBI), %llu STE + %llu CD writes "
                    "(%llu hitless, %llu breaking), invalidated %llu TLB/walk-cache + %llu config-cache entries%s%s\n",
                    r.start_ps / 1e6, a.action.c_str(), a.device.c_str(), target(a).c_str(), (r.end_ps - r.start_ps) / 1e6,
                    (unsigned long long)r.cost.commands, (unsigned long long)r.cost.syncs, (unsigned long long)r.cost.cfgi,
                    (unsigned long long)r.cost.tlbi, (unsigned long long)r.cost.ste_writes, (unsigned long long)r.cost.cd_writes,
                    (unsigned long long)r.cost.hitless, (unsigned long long)r.cost.breaking, (unsigned long long)r.tlb_invalidated,
                    (unsigned long long)r.cfg_invalidated, r.error.empty() ? "" : ": ", r.error.c_str());
        for (auto &kv : r.during) {
            const Window &d = kv.second;
            auto af = r.after.find(kv.first);
            std::printf("               %-10s during: %llu faulted, %llu blocked, %llu stalled", s_.devices[kv.first].name.c_str(),
                        (unsigned long long)d.faulted, (unsigned long long)d.blocked, (unsigned long long)d.stalled);
            if (af != r.after.end())
                std::printf("; after (%.2f us): %llu faulted, %llu blocked, %llu stalled, %.2f GB/s received", af->second.ns / 1000,
                            (unsigned long long)af->second.faulted, (unsigned long long)af->second.blocked,
                            (unsigned long long)af->second.stalled, gbps(af->second));
            std::printf("\n");
        }
    }
}

} // namespace simtl
