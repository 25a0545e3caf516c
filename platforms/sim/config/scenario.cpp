// Scenario loading: YAML parse, --set overrides, schema validation with file:line errors, then typed values.
#include "scenario.h"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <set>

#include <yaml-cpp/yaml.h>

#include "schema.h"
#include "values.h"

namespace simcfg {

namespace {

struct Ctx {
    std::string file;
    std::map<std::string, int> set_origin;   // dotted path -> --set position (1-based)
    std::vector<Error> *errors;

    void error(const YAML::Node &n, const std::string &path, const std::string &msg) {
        Error e;
        e.key = path;
        e.message = msg;
        // A value from --set has no position in the file: name the --set argument instead.
        for (std::string p = path;;) {
            auto it = set_origin.find(p);
            if (it != set_origin.end()) { e.file = "--set"; e.line = it->second; errors->push_back(e); return; }
            size_t dot = p.find_last_of(".[");
            if (dot == std::string::npos) break;
            p = p.substr(0, dot);
        }
        e.file = file;
        e.line = n.Mark().line >= 0 ? n.Mark().line + 1 : 0;
        errors->push_back(e);
    }
};

std::string kind_of(const YAML::Node &n)
{
    if (n.IsMap()) return "a map";
    if (n.IsSequence()) return "a list";
    if (n.IsNull()) return "nothing";
    return "'" + n.Scalar() + "'";
}

bool pow2(uint64_t v) { return v && !(v & (v - 1)); }

void validate(Ctx &c, const YAML::Node &n, const Key &k, const std::string &path);

void validate_map(Ctx &c, const YAML::Node &n, const Key &k, const std::string &path)
{
    if (n.IsNull()) return;
    if (!n.IsMap()) { c.error(n, path.empty() ? "(document)" : path, "expected a map, got " + kind_of(n)); return; }
    for (auto it = n.begin(); it != n.end(); ++it) {
        std::string name = it->first.IsScalar() ? it->first.Scalar() : "?";
        std::string p = path.empty() ? name : path + "." + name;
        const Key *ck = k.child(name);
        if (!ck) { c.error(it->first, p, "unknown key; valid keys: " + k.child_names()); continue; }
        validate(c, it->second, *ck, p);
    }
    for (const Key &ck : k.children)
        if (ck.required && !n[ck.name]) c.error(n, path.empty() ? ck.name : path + "." + ck.name, "required key is missing");
}

void validate(Ctx &c, const YAML::Node &n, const Key &k, const std::string &path)
{
    if (k.type == Type::Map) return validate_map(c, n, k, path);
    if (k.type == Type::List) {
        if (!n.IsSequence()) { c.error(n, path, "expected a list, got " + kind_of(n)); return; }
        for (size_t i = 0; i < n.size(); i++) validate_map(c, n[i], k, path + "[" + std::to_string(i) + "]");
        return;
    }
    if (!n.IsScalar()) { c.error(n, path, std::string("expected a ") + type_name(k.type) + ", got " + kind_of(n)); return; }
    const std::string &v = n.Scalar();
    uint64_t u;
    double d;
    bool b;
    auto bad = [&](const std::string &what) { c.error(n, path, "expected " + what + ", got '" + v + "'"); };
    switch (k.type) {
    case Type::UInt:
        if (!parse_uint(v, &u)) return bad("an unsigned integer");
        if (k.max > k.min && (u < k.min || (double)u > k.max))
            return c.error(n, path, v + " is out of range [" + std::to_string((uint64_t)k.min) + ", " + std::to_string((uint64_t)k.max) + "]");
        if (k.pow2 && !pow2(u)) return c.error(n, path, v + " is not a power of two");
        break;
    case Type::Float: if (!parse_float(v, &d)) return bad("a number"); break;
    case Type::Bool: if (!parse_bool(v, &b)) return bad("true or false"); break;
    case Type::Size: if (!parse_size(v, &u)) return bad("a size (e.g. 4K, 2M, 0x1000)"); break;
    case Type::Duration: if (!parse_duration(v, &u)) return bad("a duration with a unit (ps, ns, us, ms, s)"); break;
    case Type::Rate: if (!parse_rate(v, &d)) return bad("a rate in bytes per second (e.g. 12.8GB/s)"); break;
    case Type::Frequency: if (!parse_frequency(v, &d)) return bad("a frequency (e.g. 1GHz)"); break;
    case Type::Enum: {
        for (const std::string &ch : k.choices) if (ch == v) return;
        std::string all;
        for (const std::string &ch : k.choices) all += (all.empty() ? "" : ", ") + ch;
        return c.error(n, path, "'" + v + "' is not one of: " + all);
    }
    case Type::Bdf: {
        unsigned bus, dev, fn;
        char tail;
        if (std::sscanf(v.c_str(), "%x:%x.%x%c", &bus, &dev, &fn, &tail) != 3 &&
            std::sscanf(v.c_str(), "%*x:%x:%x.%x%c", &bus, &dev, &fn, &tail) != 3)
            return bad("a PCI address bb:dd.f");
        if (bus > 0xFF || dev > 0x1F || fn > 7) return c.error(n, path, "'" + v + "': bus <= ff, device <= 1f, function <= 7");
        break;
    }
    default: break;
    }
}

// --set a.b[2].c=value / a.b[name].c=value into the tree, checked against the schema.
void apply_set(Ctx &c, YAML::Node root, const std::string &arg, int pos)
{
    size_t eq = arg.find('=');
    Error e;
    e.file = "--set";
    e.line = pos;
    if (eq == std::string::npos || eq == 0) {
        e.key = arg;
        e.message = "expected key=value";
        c.errors->push_back(e);
        return;
    }
    std::string path = arg.substr(0, eq), value = arg.substr(eq + 1);
    e.key = path;
    const Key *k = &scenario_schema();
    YAML::Node cur = root;
    std::string done;
    size_t i = 0;
    std::vector<std::string> parts;
    for (size_t s = 0; s <= path.size(); s++) {
        if (s == path.size() || path[s] == '.') { parts.push_back(path.substr(i, s - i)); i = s + 1; }
    }
    for (size_t pi = 0; pi < parts.size(); pi++) {
        std::string part = parts[pi], index;
        size_t br = part.find('[');
        if (br != std::string::npos && part.back() == ']') { index = part.substr(br + 1, part.size() - br - 2); part = part.substr(0, br); }
        const Key *ck = k->child(part);
        if (!ck) { e.message = "unknown key; valid keys: " + k->child_names(); c.errors->push_back(e); return; }
        done += (done.empty() ? "" : ".") + part;
        bool last = pi + 1 == parts.size();
        if (ck->type == Type::List) {
            if (index.empty() || last) { e.message = "name one element, e.g. " + part + "[0].key"; c.errors->push_back(e); return; }
            YAML::Node list = cur[part];
            YAML::Node el;
            uint64_t idx = 0;
            bool found = false;
            if (parse_uint(index, &idx)) {
                found = list.IsSequence() && idx < list.size();
            } else if (list.IsSequence()) {
                for (size_t j = 0; j < list.size() && !found; j++)
                    if (list[j].IsMap() && list[j]["name"] && list[j]["name"].Scalar() == index) { idx = j; found = true; }
            }
            if (found) el.reset(list[idx]);
            if (!found) { e.message = "no element '" + index + "' in " + part; c.errors->push_back(e); return; }
            done += "[" + std::to_string(idx) + "]";
            cur.reset(el);
            k = ck;
            continue;
        }
        if (!index.empty()) { e.message = "'" + part + "' is not a list"; c.errors->push_back(e); return; }
        if (last) {
            if (ck->type == Type::Map) { e.message = "is a map; set one of its keys: " + ck->child_names(); c.errors->push_back(e); return; }
            cur[part] = value;
            c.set_origin[done] = pos;
            return;
        }
        if (ck->type != Type::Map) { e.message = "'" + part + "' has no sub-keys"; c.errors->push_back(e); return; }
        if (!cur[part] || !cur[part].IsMap()) cur[part] = YAML::Node(YAML::NodeType::Map);
        cur.reset(cur[part]);
        k = ck;
    }
}

// A child of a map, or a null node when absent (never chains into an invalid node).
YAML::Node sub(const YAML::Node &n, const char *k)
{
    if (!n.IsDefined() || !n.IsMap()) return YAML::Node();
    const YAML::Node &cn = n;
    YAML::Node v = cn[k];
    return v.IsDefined() ? v : YAML::Node();
}
bool has(const YAML::Node &n, const char *k) { return n.IsDefined() && n.IsMap() && static_cast<const YAML::Node &>(n)[k].IsDefined(); }

// Typed reads of validated nodes.
std::string str(const YAML::Node &n, const std::string &def) { return n && n.IsScalar() ? n.Scalar() : def; }
uint64_t uint_of(const YAML::Node &n, uint64_t def) { uint64_t v; return n && n.IsScalar() && parse_uint(n.Scalar(), &v) ? v : def; }
uint64_t size_of(const YAML::Node &n, uint64_t def) { uint64_t v; return n && n.IsScalar() && parse_size(n.Scalar(), &v) ? v : def; }
uint64_t dur_of(const YAML::Node &n, uint64_t def) { uint64_t v; return n && n.IsScalar() && parse_duration(n.Scalar(), &v) ? v : def; }
double float_of(const YAML::Node &n, double def) { double v; return n && n.IsScalar() && parse_float(n.Scalar(), &v) ? v : def; }
double rate_of(const YAML::Node &n, double def) { double v; return n && n.IsScalar() && parse_rate(n.Scalar(), &v) ? v : def; }
bool bool_of(const YAML::Node &n, bool def) { bool v; return n && n.IsScalar() && parse_bool(n.Scalar(), &v) ? v : def; }

void flatten(const YAML::Node &n, const std::string &prefix, std::map<std::string, std::string> &out)
{
    if (!n.IsMap()) { if (n.IsScalar()) out[prefix] = n.Scalar(); return; }
    for (auto it = n.begin(); it != n.end(); ++it)
        flatten(it->second, prefix.empty() ? it->first.Scalar() : prefix + "." + it->first.Scalar(), out);
}

void check_caches(Ctx &c, const YAML::Node &n, const std::string &path)
{
    if (!n || !n.IsMap()) return;
    if (n["entries"] || n["ways"]) {
        uint64_t entries = uint_of(n["entries"], 0), ways = uint_of(n["ways"], 0);
        if (n["ways"] && ways && !pow2(ways))
            c.error(n["ways"], path + ".ways", std::to_string(ways) + " is not a power of two");
        else if (n["entries"] && n["ways"] && entries && ways && (entries % ways || !pow2(entries / ways)))
            c.error(n["entries"], path + ".entries", std::to_string(entries) + " entries in " + std::to_string(ways) +
                    " ways: entries must be a multiple of ways with a power-of-two number of sets");
        return;
    }
    for (auto it = n.begin(); it != n.end(); ++it)
        if (it->second.IsMap()) check_caches(c, it->second, path + "." + it->first.Scalar());
}

bool parse_prot(const std::string &s, Mapping &m)
{
    m.read = m.write = m.exec = m.priv = false;
    if (s.empty()) return false;
    for (char ch : s) {
        if (ch == 'r') m.read = true;
        else if (ch == 'w') m.write = true;
        else if (ch == 'x') m.exec = true;
        else if (ch == 'p') m.priv = true;
        else return false;
    }
    return m.read || m.write;
}

void build(Ctx &c, const YAML::Node &root, Scenario &s)
{
    s.name = str(sub(root, "name"), "");
    s.description = str(sub(root, "description"), "");
    s.seed = uint_of(sub(root, "seed"), 1);
    s.run_duration_ps = dur_of(sub(sub(root, "run"), "duration"), s.run_duration_ps);
    s.run_transactions = uint_of(sub(sub(root, "run"), "transactions"), 0);
    YAML::Node smmu = sub(root, "smmu");
    s.preset = str(sub(smmu, "preset"), "mmu-700");
    if (smmu && smmu.IsMap()) {
        flatten(smmu, "", s.smmu);
        s.smmu.erase("preset");
        check_caches(c, smmu, "smmu");
    }
    s.ic_latency_ps = dur_of(sub(sub(root, "interconnect"), "latency"), s.ic_latency_ps);
    s.mem_latency_ps = dur_of(sub(sub(root, "memory"), "latency"), s.mem_latency_ps);
    s.mem_bandwidth = rate_of(sub(sub(root, "memory"), "bandwidth"), s.mem_bandwidth);
    s.mem_size = size_of(sub(sub(root, "memory"), "size"), s.mem_size);
    YAML::Node drv = sub(root, "driver");
    s.sync = str(sub(drv, "sync"), "auto");
    s.invalidation = str(sub(drv, "invalidation"), "strict");
    s.lazy_batch = (uint32_t)uint_of(sub(drv, "lazy_batch"), 256);
    s.cmdq_entries = (uint32_t)uint_of(sub(drv, "cmdq_entries"), 256);
    s.evtq_entries = (uint32_t)uint_of(sub(drv, "evtq_entries"), 128);
    s.va_bits = (uint32_t)uint_of(sub(drv, "va_bits"), 48);
    if (drv && has(drv, "va_bits") && (s.va_bits < 32 || s.va_bits > 52))
        c.error(sub(drv, "va_bits"), "driver.va_bits", std::to_string(s.va_bits) + " is out of range [32, 52]");
    YAML::Node storm = sub(drv, "storm");
    s.storm_interval_ps = dur_of(sub(storm, "interval"), 0);
    if (has(storm, "interval") && !s.storm_interval_ps) c.error(sub(storm, "interval"), "driver.storm.interval", "must be greater than 0");
    s.storm_buffer_size = size_of(sub(storm, "buffer_size"), 4096);
    s.storm_buffers = (uint32_t)uint_of(sub(storm, "buffers"), 64);
    s.storm_device = str(sub(storm, "device"), "");
    s.storm_iova = size_of(sub(storm, "iova"), 0x4000000000ull);
    YAML::Node rep = sub(root, "report");
    s.report_summary = bool_of(sub(rep, "summary"), true);
    s.report_json = str(sub(rep, "json"), "report.json");
    s.report_csv_dir = str(sub(rep, "csv_dir"), "");
    s.report_plots = bool_of(sub(rep, "plots"), false);
    s.report_progress = bool_of(sub(rep, "progress"), true);
    std::string ev = str(sub(sub(root, "expect"), "events"), "");
    for (size_t i = 0; i < ev.size();) {
        size_t j = ev.find(',', i);
        if (j == std::string::npos) j = ev.size();
        std::string name = ev.substr(i, j - i);
        while (!name.empty() && name.front() == ' ') name.erase(0, 1);
        while (!name.empty() && name.back() == ' ') name.pop_back();
        if (!name.empty()) s.expect_events.push_back(name);
        i = j + 1;
    }
    s.expect_no_faults = bool_of(sub(sub(root, "expect"), "no_faults"), false);

    std::string dir = s.file.find('/') == std::string::npos ? "." : s.file.substr(0, s.file.find_last_of('/'));
    YAML::Node devs = sub(root, "devices");
    std::set<std::string> names;
    std::set<uint32_t> sids;
    unsigned sidsize = (unsigned)uint_of(sub(sub(smmu, "arch"), "sidsize"), 32);
    for (size_t i = 0; devs && devs.IsSequence() && i < devs.size(); i++) {
        YAML::Node dn = devs[i];
        if (!dn.IsMap()) continue;
        std::string p = "devices[" + std::to_string(i) + "]";
        Device d;
        d.name = str(sub(dn, "name"), "");
        if (!d.name.empty() && !names.insert(d.name).second) c.error(sub(dn, "name"), p + ".name", "duplicate device name '" + d.name + "'");
        if (has(dn, "bdf") && has(dn, "sid")) c.error(sub(dn, "sid"), p + ".sid", "give either bdf or sid, not both");
        else if (!has(dn, "bdf") && !has(dn, "sid")) c.error(dn, p + ".bdf", "a device needs a bdf (PCI) or a sid (platform device)");
        if (has(dn, "bdf")) {
            d.has_bdf = true;
            d.bdf = str(sub(dn, "bdf"), "");
            unsigned bus = 0, dv = 0, fn = 0;
            char tail;
            if (std::sscanf(d.bdf.c_str(), "%x:%x.%x%c", &bus, &dv, &fn, &tail) != 3)
                std::sscanf(d.bdf.c_str(), "%*x:%x:%x.%x", &bus, &dv, &fn);
            d.sid = bus << 8 | dv << 3 | fn;
        } else {
            d.sid = (uint32_t)uint_of(sub(dn, "sid"), 0);
        }
        if (sidsize < 32 && (d.sid >> sidsize))
            c.error(has(dn, "sid") ? sub(dn, "sid") : sub(dn, "bdf"), p + (has(dn, "sid") ? ".sid" : ".bdf"),
                    "StreamID " + std::to_string(d.sid) + " does not fit smmu.arch.sidsize = " + std::to_string(sidsize) + " bits");
        d.domain = str(sub(dn, "domain"), "s1");
        d.granule = str(sub(dn, "granule"), "4K");
        d.share_domain = str(sub(dn, "share_domain"), "");
        if (!d.share_domain.empty()) {
            bool found = false;
            for (const Device &o : s.devices) found |= o.name == d.share_domain;
            if (!found) c.error(sub(dn, "share_domain"), p + ".share_domain", "no earlier device named '" + d.share_domain + "'");
        }
        d.pasids = (uint32_t)uint_of(sub(dn, "pasids"), 0);
        d.stall = bool_of(sub(dn, "stall"), false);
        d.fault_handler = str(sub(dn, "fault_handler"), "terminate");
        d.port = (uint32_t)uint_of(sub(dn, "port"), 0);
        if (d.pasids && d.domain != "s1" && d.domain != "bypass" && d.domain != "blocked")
            c.error(sub(dn, "pasids"), p + ".pasids", "PASIDs need an s1, bypass or blocked RID domain");

        uint64_t gran = d.granule == "64K" ? 65536 : d.granule == "16K" ? 16384 : 4096;
        std::vector<uint64_t> sizes = gran == 4096 ? std::vector<uint64_t>{4096, 2ull << 20, 1ull << 30}
                                    : gran == 16384 ? std::vector<uint64_t>{16384, 32ull << 20}
                                    : std::vector<uint64_t>{65536, 512ull << 20};
        unsigned ias = domain_ias(s, d);
        YAML::Node maps = sub(dn, "mappings");
        for (size_t j = 0; maps && maps.IsSequence() && j < maps.size(); j++) {
            YAML::Node mn = maps[j];
            if (!mn.IsMap()) continue;
            std::string mp = p + ".mappings[" + std::to_string(j) + "]";
            Mapping m;
            m.iova = size_of(sub(mn, "iova"), 0);
            m.size = size_of(sub(mn, "size"), 0);
            m.page_size = size_of(sub(mn, "page_size"), 4096);
            m.has_pa = has(mn, "pa");
            m.pa = size_of(sub(mn, "pa"), 0);
            m.pasid = (uint32_t)uint_of(sub(mn, "pasid"), 0);
            if (has(mn, "prot") && !parse_prot(str(sub(mn, "prot"), ""), m))
                c.error(sub(mn, "prot"), mp + ".prot", "'" + str(sub(mn, "prot"), "") + "': use r, w, x, p (at least r or w)");
            bool size_ok = false;
            for (uint64_t z : sizes) size_ok |= z == m.page_size;
            std::string valid;
            for (uint64_t z : sizes) valid += (valid.empty() ? "" : ", ") + (z >= (1ull << 30) ? std::to_string(z >> 30) + "G" : z >= (1ull << 20) ? std::to_string(z >> 20) + "M" : std::to_string(z >> 10) + "K");
            char buf[160];
            if (!size_ok) {
                c.error(sub(mn, "page_size"), mp + ".page_size", "not a page size of the " + d.granule + " granule; valid: " + valid);
            } else if (m.size == 0) {
                c.error(sub(mn, "size"), mp + ".size", "must be greater than 0");
            } else if ((m.iova | m.size | (m.has_pa ? m.pa : 0)) & (m.page_size - 1)) {
                const char *what = (m.iova & (m.page_size - 1)) ? "iova" : (m.size & (m.page_size - 1)) ? "size" : "pa";
                std::snprintf(buf, sizeof buf, "%s is not aligned to page_size 0x%llx", what, (unsigned long long)m.page_size);
                c.error(mn[what], mp + "." + what, buf);
            } else if (m.iova + m.size < m.iova || (ias < 64 && (m.iova + m.size - 1) >> ias)) {
                std::snprintf(buf, sizeof buf, "mapping [0x%llx, 0x%llx) is outside the %u-bit input address size",
                              (unsigned long long)m.iova, (unsigned long long)(m.iova + m.size), ias);
                c.error(sub(mn, "iova"), mp + ".iova", buf);
            }
            if (m.pasid > d.pasids) c.error(sub(mn, "pasid"), mp + ".pasid", "PASID " + std::to_string(m.pasid) + " beyond the device's " + std::to_string(d.pasids) + " PASIDs");
            d.mappings.push_back(m);
        }
        YAML::Node dy = sub(dn, "dynamic");
        d.dynamic = bool_of(sub(dy, "enabled"), false);
        d.dyn_buffer_size = size_of(sub(dy, "buffer_size"), 4096);
        d.dyn_buffers = (uint32_t)uint_of(sub(dy, "buffers"), 64);
        d.dyn_remap_every = (uint32_t)uint_of(sub(dy, "remap_every"), 16);
        if (d.dynamic && (d.dyn_buffer_size % gran))
            c.error(sub(dy, "buffer_size"), p + ".dynamic.buffer_size", "must be a multiple of the " + d.granule + " granule");

        YAML::Node tn = sub(dn, "traffic");
        Traffic &t = d.traffic;
        std::string tp = p + ".traffic";
        t.pattern = str(sub(tn, "pattern"), "sequential");
        t.size = size_of(sub(tn, "size"), 64);
        if (has(tn, "size") && t.size == 0) c.error(sub(tn, "size"), tp + ".size", "must be greater than 0");
        t.read_ratio = float_of(sub(tn, "read_ratio"), 1.0);
        if (t.read_ratio < 0 || t.read_ratio > 1) c.error(sub(tn, "read_ratio"), tp + ".read_ratio", "must be between 0 and 1");
        if (has(tn, "rate") && has(tn, "interarrival")) c.error(sub(tn, "interarrival"), tp + ".interarrival", "give either rate or interarrival, not both");
        t.rate = rate_of(sub(tn, "rate"), 0);
        t.interarrival_ps = dur_of(sub(tn, "interarrival"), 0);
        t.outstanding = (uint32_t)uint_of(sub(tn, "outstanding"), 8);
        t.count = uint_of(sub(tn, "count"), 0);
        t.duration_ps = dur_of(sub(tn, "duration"), 0);
        t.start_ps = dur_of(sub(tn, "start"), 0);
        t.has_base = has(tn, "base");
        t.base = size_of(sub(tn, "base"), 0);
        t.has_footprint = has(tn, "footprint");
        t.footprint = size_of(sub(tn, "footprint"), 0);
        t.stride = size_of(sub(tn, "stride"), 4096);
        t.zipf_s = float_of(sub(tn, "zipf_s"), 1.0);
        if (t.zipf_s <= 0) c.error(sub(tn, "zipf_s"), tp + ".zipf_s", "must be greater than 0");
        t.zipf_pages = uint_of(sub(tn, "zipf_pages"), 0);
        t.ring_entries = (uint32_t)uint_of(sub(tn, "ring_entries"), 256);
        t.descriptor_size = size_of(sub(tn, "descriptor_size"), 16);
        t.buffer_size = size_of(sub(tn, "buffer_size"), 2048);
        t.buffer_base = size_of(sub(tn, "buffer_base"), 0);
        t.pasid = (uint32_t)uint_of(sub(tn, "pasid"), 0);
        if (t.pasid > d.pasids) c.error(sub(tn, "pasid"), tp + ".pasid", "PASID " + std::to_string(t.pasid) + " beyond the device's " + std::to_string(d.pasids) + " PASIDs");
        t.seed = uint_of(sub(tn, "seed"), s.seed + i);
        t.file = str(sub(tn, "file"), "");
        t.trace_sid = str(sub(tn, "trace_sid"), "device");
        if (t.pattern == "trace") {
            if (t.file.empty()) c.error(tn, tp + ".file", "the trace pattern needs a file");
            else {
                if (t.file[0] != '/') t.file = dir + "/" + t.file;
                std::ifstream f(t.file);
                if (!f) c.error(sub(tn, "file"), tp + ".file", "cannot read '" + t.file + "': " + std::strerror(errno));
            }
        }
        s.devices.push_back(d);
    }
    if (s.storm_interval_ps) {
        // The storm's buffers: whole pages of its domain, clear of the device's own mappings.
        const Device *sd = nullptr;
        for (const Device &d : s.devices) if (d.name == s.storm_device) sd = &d;
        const uint64_t gran = !sd || sd->granule == "4K" ? 4096 : sd->granule == "16K" ? 16384 : 65536;
        const uint64_t lo = s.storm_iova, hi = lo + (uint64_t)s.storm_buffers * s.storm_buffer_size;
        if (!s.storm_device.empty() && !sd)
            c.error(sub(storm, "device"), "driver.storm.device", "no device named '" + s.storm_device + "'");
        else if (sd && (sd->domain == "bypass" || sd->domain == "blocked"))
            c.error(sub(storm, "device"), "driver.storm.device", "device '" + sd->name + "' has a " + sd->domain + " domain: nothing to map");
        if (!s.storm_buffer_size || s.storm_buffer_size % gran)
            c.error(sub(storm, "buffer_size"), "driver.storm.buffer_size", "must be a non-zero multiple of the " + std::to_string(gran / 1024) + "K granule");
        else if (lo % gran)
            c.error(sub(storm, "iova"), "driver.storm.iova", "must be aligned to the " + std::to_string(gran / 1024) + "K granule");
        else if (sd)
            for (const Mapping &m : sd->mappings)
                if (lo < m.iova + m.size && m.iova < hi)
                    c.error(sub(storm, "iova"), "driver.storm.iova", "the storm's buffers overlap a mapping of device '" + sd->name + "'");
        const unsigned ias = sd ? domain_ias(s, *sd) : s.va_bits;
        if (ias < 64 && hi > (1ull << ias))
            c.error(sub(storm, "iova"), "driver.storm.iova", "the storm's buffers end beyond the domain's " + std::to_string(ias) + "-bit input address size");
    }
}

} // namespace

unsigned domain_ias(const Scenario &s, const Device &d)
{
    if (d.domain == "s2") {
        auto it = s.smmu.find("arch.oas_bits");
        return it != s.smmu.end() ? (unsigned)std::stoul(it->second) : 48;
    }
    if (d.domain == "bypass") {
        return 64;
    }
    return s.va_bits;
}

bool load_scenario(const std::string &file, const std::vector<std::string> &sets, Scenario *out, std::vector<Error> *errors)
{
    Ctx c{file, {}, errors};
    size_t before = errors->size();
    YAML::Node root;
    try {
        std::ifstream in(file);
        if (!in) {
            errors->push_back({file, 0, "(file)", std::string("cannot read: ") + std::strerror(errno)});
            return false;
        }
        root = YAML::Load(in);
    } catch (const YAML::Exception &e) {
        errors->push_back({file, e.mark.line + 1, "(document)", "malformed YAML: " + e.msg});
        return false;
    }
    if (root.IsNull()) root = YAML::Node(YAML::NodeType::Map);
    if (!root.IsMap()) {
        c.error(root, "(document)", "expected a map at the top level, got " + kind_of(root));
        return false;
    }
    for (size_t i = 0; i < sets.size(); i++) apply_set(c, root, sets[i], (int)i + 1);
    validate_map(c, root, scenario_schema(), "");
    if (errors->size() != before) return false;
    Scenario s;
    s.file = file;
    build(c, root, s);
    if (errors->size() != before) return false;
    *out = s;
    return true;
}

} // namespace simcfg
