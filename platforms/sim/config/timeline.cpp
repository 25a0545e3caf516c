// SPDX-License-Identifier: BSD-3-Clause
#include "timeline.h"

#include <map>
#include <set>

#include "values.h"

namespace simcfg {

namespace {

YAML::Node child(const YAML::Node &n, const char *k)
{
    if (!n.IsDefined() || !n.IsMap()) return YAML::Node();
    const YAML::Node &cn = n;
    YAML::Node v = cn[k];
    return v.IsDefined() ? v : YAML::Node();
}
std::string text(const YAML::Node &n) { return n && n.IsScalar() ? n.Scalar() : ""; }
bool given(const YAML::Node &n) { return n.IsDefined() && !n.IsNull(); }

bool flag(const Scenario &s, const char *k)
{
    auto it = s.smmu.find(k);
    bool b = false;
    return it != s.smmu.end() && parse_bool(it->second, &b) && b;
}

// The page sizes of a granule (the block sizes io-pgtable maps with it).
std::set<uint64_t> page_sizes(const std::string &granule)
{
    if (granule == "64K") return {64ull << 10, 512ull << 20};
    if (granule == "16K") return {16ull << 10, 32ull << 20};
    return {4ull << 10, 2ull << 20, 1ull << 30};
}

// What the actions before this one left of a group (devices sharing a StreamID).
struct GroupState {
    std::string domain;                    // bypass s1 s2 nested blocked vm:NAME
    std::string unplugged_at;              // the action that unplugged it ("timeline[3]"), empty while present
    std::set<uint32_t> pasids;             // allocated PASIDs
    std::string granule;
};

// Which optional keys each action takes (the others are refused: a key that does nothing is a mistake).
const std::map<std::string, std::set<std::string>> kKeys = {
    {"attach", {"domain"}}, {"detach", {}}, {"assign", {"vm"}}, {"unplug", {}},
    {"pasid_alloc", {"pasid"}}, {"pasid_free", {"pasid"}},
    {"map", {"pasid", "iova", "size", "page_size", "prot"}}, {"unmap", {"pasid", "iova", "size"}},
};

} // namespace

unsigned timeline_guests(const Scenario &s)
{
    std::set<std::string> own;
    for (const Action &a : s.timeline)
        if (a.action == "attach" && a.domain == "nested")
            for (const Device &d : s.devices)
                if (d.name == a.device && !(d.domain == "nested" && d.share_domain.empty())) own.insert(d.name);
    return (unsigned)(s.vms.size() + own.size());
}

void build_timeline(const YAML::Node &root, const std::string &file, Scenario &s, const NodeError &error)
{
    YAML::Node vms = child(root, "vms");
    std::set<std::string> vm_names;
    for (size_t i = 0; vms.IsSequence() && i < vms.size(); i++) {
        Vm v;
        v.name = text(child(vms[i], "name"));
        v.granule = text(child(vms[i], "granule"));
        if (v.granule.empty()) v.granule = "4K";
        std::string p = "vms[" + std::to_string(i) + "]";
        if (!vm_names.insert(v.name).second) error(child(vms[i], "name"), p + ".name", "duplicate VM name '" + v.name + "'");
        const char *gk = v.granule == "64K" ? "arch.gran64k" : v.granule == "16K" ? "arch.gran16k" : "arch.gran4k";
        if (!flag(s, gk)) error(child(vms[i], "granule"), p + ".granule", "the " + v.granule + " granule is not supported (smmu." + gk + ")");
        if (!flag(s, "arch.s1p") || !flag(s, "arch.s2p"))
            error(vms[i], p, "a VM needs stage 1 and stage 2 (smmu.arch.s1p and smmu.arch.s2p) for its nested domains");
        s.vms.push_back(v);
    }

    std::map<uint32_t, GroupState> groups;
    for (const Device &d : s.devices) {
        GroupState &g = groups[d.sid];
        if (!g.domain.empty()) continue;   // the first device of a StreamID sets its STE
        g.domain = d.domain;
        g.granule = d.granule;
        for (uint32_t p = 1; p <= d.pasids; p++) g.pasids.insert(p);
    }
    YAML::Node tl = child(root, "timeline");
    uint64_t prev = 0;
    std::string prev_at;
    for (size_t i = 0; tl.IsSequence() && i < tl.size(); i++) {
        const YAML::Node &e = tl[i];
        const std::string p = "timeline[" + std::to_string(i) + "]";
        Action a;
        a.where = file + ":" + std::to_string(e.Mark().line + 1);
        YAML::Node at = child(e, "at");
        parse_duration(text(at), &a.at_ps);
        a.action = text(child(e, "action"));
        a.device = text(child(e, "device"));
        a.domain = text(child(e, "domain"));
        a.vm = text(child(e, "vm"));
        uint64_t v = 0;
        if (parse_uint(text(child(e, "pasid")), &v)) a.pasid = (uint32_t)v;
        parse_size(text(child(e, "iova")), &a.iova);
        parse_size(text(child(e, "size")), &a.size);
        if (given(child(e, "page_size"))) parse_size(text(child(e, "page_size")), &a.page_size);
        bool bad = false;
        auto err = [&](const YAML::Node &n, const std::string &key, const std::string &msg) {
            error(given(n) ? n : e, key.empty() ? p : p + "." + key, msg);
            bad = true;
        };

        if (a.at_ps >= s.run_duration_ps)
            err(at, "at", text(at) + " is at or after the end of the run (run.duration " + std::to_string(s.run_duration_ps / 1000000) + "us)");
        else if (i && a.at_ps < prev)
            err(at, "at", text(at) + " is before the previous action's at (" + prev_at + "): actions are listed in time order");
        prev = std::max(prev, a.at_ps);
        prev_at = text(at);

        auto keys = kKeys.find(a.action);
        if (keys == kKeys.end()) continue;   // the schema refused the action already
        for (auto it = e.begin(); it != e.end(); ++it) {
            std::string k = it->first.IsScalar() ? it->first.Scalar() : "";
            if (k == "at" || k == "action" || k == "device") continue;
            if (!keys->second.count(k)) err(it->first, k, "not used by action '" + a.action + "'");
        }
        const Device *dev = nullptr;
        std::string names;
        for (const Device &d : s.devices) {
            if (d.name == a.device) dev = &d;
            names += (names.empty() ? "" : ", ") + d.name;
        }
        if (!dev) { err(child(e, "device"), "device", "no device named '" + a.device + "'; devices: " + names); continue; }
        GroupState &g = groups[dev->sid];
        if (!g.unplugged_at.empty()) {
            err(child(e, "device"), "device", "device '" + a.device + "' was unplugged by " + g.unplugged_at);
            continue;
        }
        auto needs = [&](bool s1, bool s2, const YAML::Node &n, const std::string &key, const std::string &what) {
            if (s1 && !flag(s, "arch.s1p")) err(n, key, what + " needs stage 1 (smmu.arch.s1p)");
            if (s2 && !flag(s, "arch.s2p")) err(n, key, what + " needs stage 2 (smmu.arch.s2p)");
        };
        // Streaming remaps allocate host PAs: in a VM they would have to be the guest's IPAs.
        const bool to_guest = (a.action == "assign") || (a.action == "attach" && (a.domain == "nested" || a.domain.rfind("vm:", 0) == 0));
        if (to_guest && dev->dynamic)
            err(child(e, "device"), "device", "device '" + a.device + "' remaps its buffers (dynamic.enabled): it cannot move into a VM");
        const bool translating = g.domain == "s1" || g.domain == "s2" || g.domain == "nested" || g.domain.rfind("vm:", 0) == 0;
        if (a.action == "attach") {
            YAML::Node dn = child(e, "domain");
            static const std::set<std::string> kinds = {"bypass", "s1", "s2", "nested", "blocked"};
            if (a.domain.empty()) err(e, "domain", "attach needs a domain: bypass, s1, s2, nested, blocked or vm:NAME");
            else if (a.domain.rfind("vm:", 0) == 0) {
                if (!vm_names.count(a.domain.substr(3)))
                    err(dn, "domain", "no VM named '" + a.domain.substr(3) + "' (vms:)");
            } else if (!kinds.count(a.domain)) {
                err(dn, "domain", "'" + a.domain + "' is not one of: bypass, s1, s2, nested, blocked, vm:NAME");
            } else {
                needs(a.domain == "s1" || a.domain == "nested", a.domain == "s2" || a.domain == "nested", dn, "domain",
                      "domain " + a.domain);
                const char *gk = g.granule == "64K" ? "arch.gran64k" : g.granule == "16K" ? "arch.gran16k" : "arch.gran4k";
                if (a.domain != "bypass" && a.domain != "blocked" && !flag(s, gk))
                    err(dn, "domain", "the device's " + g.granule + " granule is not supported (smmu." + gk + ")");
            }
            if ((a.domain == "s2" || a.domain == "nested" || a.domain.rfind("vm:", 0) == 0) && g.pasids.size())
                err(dn, "domain", "the device has PASIDs allocated (" + std::to_string(g.pasids.size()) +
                                  "): they need a stage-1 or bypass/blocked RID domain; pasid_free them first");
            if (!bad) g.domain = a.domain;
        } else if (a.action == "detach") {
            g.domain = "blocked";
        } else if (a.action == "assign") {
            YAML::Node vn = child(e, "vm");
            if (a.vm.empty()) err(e, "vm", "assign needs a vm (one of vms:)");
            else if (!vm_names.count(a.vm)) err(vn, "vm", "no VM named '" + a.vm + "' (vms:)");
            if (g.pasids.size())
                err(vn, "vm", "the device has PASIDs allocated (" + std::to_string(g.pasids.size()) + "): pasid_free them first");
            if (!bad) g.domain = "vm:" + a.vm;
        } else if (a.action == "unplug") {
            g.unplugged_at = p + " (at " + text(at) + ")";
        } else if (a.action == "pasid_alloc" || a.action == "pasid_free") {
            YAML::Node pn = child(e, "pasid");
            if (!given(pn) || a.pasid == 0) err(pn, "pasid", a.action + " needs a pasid in [1, " + std::to_string(dev->pasids) + "]");
            else if (a.pasid > dev->pasids)
                err(pn, "pasid", "PASID " + std::to_string(a.pasid) + " beyond the device's " + std::to_string(dev->pasids) + " PASIDs (devices[].pasids)");
            else if (a.action == "pasid_free" && !g.pasids.count(a.pasid))
                err(pn, "pasid", "PASID " + std::to_string(a.pasid) + " is not allocated at this time");
            else if (a.action == "pasid_alloc" && g.pasids.count(a.pasid))
                err(pn, "pasid", "PASID " + std::to_string(a.pasid) + " is already allocated");
            else if (a.action == "pasid_alloc" && (g.domain == "s2" || g.domain == "nested" || g.domain.rfind("vm:", 0) == 0))
                err(pn, "pasid", "the device's RID domain is " + g.domain + " at this time: PASIDs need a stage-1 or bypass/blocked one");
            if (!bad) {
                if (a.action == "pasid_free") g.pasids.erase(a.pasid);
                else g.pasids.insert(a.pasid);
            }
        } else {   // map, unmap
            YAML::Node pn = child(e, "pasid"), in = child(e, "iova"), zn = child(e, "size");
            if (!given(in)) err(e, "iova", a.action + " needs an iova");
            if (!given(zn)) err(e, "size", a.action + " needs a size");
            if (a.pasid) {
                if (!g.pasids.count(a.pasid)) err(pn, "pasid", "PASID " + std::to_string(a.pasid) + " is not allocated at this time");
            } else if (!translating) {
                err(child(e, "device"), "device", "the device's domain is " + g.domain + " at this time: no table to " + a.action + " in");
            }
            uint64_t pg = a.action == "map" ? a.page_size : 4096;
            if (a.action == "map" && !page_sizes(g.granule).count(pg))
                err(child(e, "page_size"), "page_size", "not a page size of the device's " + g.granule + " granule");
            else if (given(in) && given(zn) && ((a.iova | a.size) & (((g.granule == "64K" ? 65536u : g.granule == "16K" ? 16384u : 4096u) - 1) | (pg - 1))))
                err(in, "iova", "iova and size must be aligned to the page size");
            if (a.action == "map") {
                std::string prot = given(child(e, "prot")) ? text(child(e, "prot")) : "rw";
                a.read = prot.find('r') != std::string::npos;
                a.write = prot.find('w') != std::string::npos;
                if (prot.empty() || prot.find_first_not_of("rw") != std::string::npos)
                    err(child(e, "prot"), "prot", "'" + prot + "': r, w or rw");
            }
        }
        s.timeline.push_back(a);
    }
}

} // namespace simcfg
