// SPDX-License-Identifier: BSD-3-Clause
// Scenario loading: YAML parse, --set overrides, schema validation with file:line errors, then typed values.
#include "scenario.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sys/stat.h>

#include <yaml-cpp/yaml.h>

#include "core_config.h"
#include "driver/events.h"
#include "preset.h"
#include "schema.h"
#include "timeline.h"
#include "trace.h"
#include "values.h"

namespace simcfg {

namespace {

struct Ctx {
    std::string file;
    std::map<std::string, int> set_origin;   // dotted path -> --set position (1-based)
    std::vector<Error> *errors;

    // Where node n (key `path`) came from: the --set argument that wrote it, else its line in this file.
    Origin where(const YAML::Node &n, const std::string &path, int rank) const {
        for (std::string p = path;;) {
            auto it = set_origin.find(p);
            if (it != set_origin.end()) return {"--set", it->second, path, 1000};
            size_t dot = p.find_last_of(".[");
            if (dot == std::string::npos) break;
            p = p.substr(0, dot);
        }
        return {file, n.Mark().line >= 0 ? n.Mark().line + 1 : 0, path, rank};
    }
    void error(const Origin &o, const std::string &msg) {
        for (const Error &e : *errors) if (e.file == o.file && e.line == o.line && e.key == o.key && e.message == msg) return;
        errors->push_back({o.file, o.line, o.key, msg, ""});
    }
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
    if (k.levels && n.IsSequence()) {
        if (n.size() != k.levels)
            return c.error(n, path, "a list gives one map per level: " + std::to_string(k.levels) + " maps, got " + std::to_string(n.size()));
        Key each = k;
        each.levels = 0;
        for (size_t i = 0; i < n.size(); i++) validate_map(c, n[i], each, path + "[" + std::to_string(i) + "]");
        return;
    }
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
        if (!parse_uint(v, &u))
            return bad(k.max > k.min ? "an unsigned integer in [" + std::to_string((uint64_t)k.min) + ", " + std::to_string((uint64_t)k.max) + "]"
                                     : std::string("an unsigned integer"));
        if (k.max > k.min && (u < k.min || (double)u > k.max))
            return c.error(n, path, v + " is out of range [" + std::to_string((uint64_t)k.min) + ", " + std::to_string((uint64_t)k.max) + "]");
        if (k.pow2 && !pow2(u)) return c.error(n, path, v + " is not a power of two");
        break;
    case Type::Float: if (!parse_float(v, &d)) return bad("a number"); break;
    case Type::Bool: if (!parse_bool(v, &b)) return bad("true or false"); break;
    case Type::Size:
        if (!parse_size(v, &u)) return bad("a size (e.g. 4K, 2M, 0x1000)");
        if (k.max > k.min && (u < k.min || (double)u > k.max))
            return c.error(n, path, v + " is out of range [" + std::to_string((uint64_t)k.min) + ", " +
                                    (k.max >= 1.8e19 ? std::string("2^64 - 1") : std::to_string((uint64_t)k.max)) + "]");
        break;
    case Type::Duration: if (!parse_duration(v, &u)) return bad("a duration with a unit (ps, ns, us, ms, s)"); break;
    case Type::Rate: if (!parse_rate(v, &d)) return bad("a rate in bytes per second (e.g. 12.8GB/s)"); break;
    case Type::Frequency:
        if (!parse_frequency(v, &d)) return bad("a frequency (e.g. 1GHz)");
        if (k.max > 0 && d > k.max) return c.error(n, path, v + " is out of range (0Hz, 1THz]: the period must be at least 1 ps");
        break;
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
        if (ck->levels && !index.empty() && !last) {
            // One level of a per-level cache: the map form becomes a list of that map for every level first.
            uint64_t lv = 0;
            if (!parse_uint(index, &lv) || lv >= ck->levels) {
                e.message = "level '" + index + "': 0.." + std::to_string(ck->levels - 1); c.errors->push_back(e); return;
            }
            YAML::Node node = cur[part];
            if (!node.IsSequence()) {
                YAML::Node seq(YAML::NodeType::Sequence);
                for (unsigned l = 0; l < ck->levels; l++) seq.push_back(node.IsMap() ? YAML::Clone(node) : YAML::Node(YAML::NodeType::Map));
                cur[part] = seq;
            }
            done += "[" + std::to_string(lv) + "]";
            YAML::Node el = cur[part][(size_t)lv];
            cur.reset(el);
            k = ck;
            continue;
        }
        if (ck->levels && !last && pi + 2 == parts.size() && cur[part].IsSequence()) {
            // A per-level cache given as a list: the key is set in every level.
            if (!ck->child(parts.back())) { e.message = "unknown key; valid keys: " + ck->child_names(); c.errors->push_back(e); return; }
            for (size_t l = 0; l < cur[part].size(); l++) {
                cur[part][l][parts.back()] = value;
                c.set_origin[done + "[" + std::to_string(l) + "]." + parts.back()] = pos;
            }
            c.set_origin[done + "." + parts.back()] = pos;
            return;
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

const Key &smmu_key() { return smmu_schema(); }

std::string at_line(const Origin &o) { return o.file + ":" + std::to_string(o.line); }

// Every leaf key of the smmu block (without "smmu." and "preset"); per-level caches as name[0..3].
void smmu_leaves(const Key &k, const std::string &flat, std::vector<std::string> &out)
{
    for (const Key &c : k.children) {
        if (flat.empty() && c.name == "preset") continue;
        std::string f = flat.empty() ? c.name : flat + "." + c.name;
        if (c.type != Type::Map) { out.push_back(f); continue; }
        if (!c.levels) { smmu_leaves(c, f, out); continue; }
        for (unsigned l = 0; l < c.levels; l++) smmu_leaves(c, f + "[" + std::to_string(l) + "]", out);
    }
}

// One smmu block (a scenario's or a preset's, validated) on top of s.smmu; a per-level cache given as one map
// sets every level.
void apply_smmu(Ctx &c, const YAML::Node &n, const Key &k, const std::string &flat, const std::string &path, int rank, Scenario &s)
{
    if (!n.IsDefined() || n.IsNull()) return;
    if (k.type == Type::Map) {
        if (n.IsSequence()) {
            Key each = k;
            each.levels = 0;
            for (size_t i = 0; i < n.size(); i++)
                apply_smmu(c, n[i], each, flat + "[" + std::to_string(i) + "]", path + "[" + std::to_string(i) + "]", rank, s);
            return;
        }
        if (!n.IsMap()) return;
        for (auto it = n.begin(); it != n.end(); ++it) {
            std::string name = it->first.Scalar();
            const Key *ck = k.child(name);
            if (!ck || (flat.empty() && name == "preset")) continue;
            std::string f = flat.empty() ? name : flat + "." + name, p = path + "." + name;
            if (ck->levels && it->second.IsMap()) {
                Key each = *ck;
                each.levels = 0;
                for (unsigned l = 0; l < ck->levels; l++) apply_smmu(c, it->second, each, f + "[" + std::to_string(l) + "]", p, rank, s);
            } else {
                apply_smmu(c, it->second, *ck, f, p, rank, s);
            }
        }
        return;
    }
    if (!n.IsScalar()) return;
    s.smmu[flat] = n.Scalar();
    s.smmu_origin[flat] = c.where(n, path, rank);
}

// A preset file, after the presets it builds on: its own `preset:`, else the default preset.
bool load_preset(Ctx &c, const std::string &name, const Origin &named_at, Scenario &s, std::vector<std::string> &stack)
{
    std::string err;
    std::string f = find_preset(name, named_at.file == "--set" ? s.file : named_at.file, &err);
    if (f.empty()) { c.error(named_at, err); return false; }
    for (const std::string &o : stack)
        if (o == f) {
            std::string chain;
            for (const std::string &x : stack) chain += x + " -> ";
            c.error(named_at, "presets build on each other in a cycle: " + chain + f);
            return false;
        }
    YAML::Node root;
    try {
        std::ifstream in(f);
        if (!in) { c.error(named_at, "cannot read preset '" + f + "': " + std::strerror(errno)); return false; }
        root = YAML::Load(in);
    } catch (const YAML::Exception &e) {
        c.errors->push_back({f, e.mark.line + 1, "(document)", "malformed YAML: " + e.msg, ""});
        return false;
    }
    if (root.IsNull()) root = YAML::Node(YAML::NodeType::Map);
    Ctx pc{f, {}, c.errors};
    size_t before = c.errors->size();
    validate_map(pc, root, smmu_key(), "smmu");
    if (c.errors->size() != before) return false;
    stack.push_back(f);
    std::string ignored;
    const std::string base = find_preset(default_preset(), "", &ignored);   // the root of every chain
    if (root["preset"]) {
        if (!load_preset(pc, root["preset"].Scalar(), pc.where(root["preset"], "smmu.preset", 0), s, stack)) return false;
    } else if (f != base) {
        if (!load_preset(pc, default_preset(), Origin{f, 0, "smmu.preset", 0}, s, stack)) return false;
    }
    stack.pop_back();
    s.preset_files.push_back(f);
    apply_smmu(pc, root, smmu_key(), "", "smmu", (int)s.preset_files.size(), s);
    return true;
}

// Cache geometry as the core requires it; the key set last (e.g. entries changed over a preset's ways) is named.
void check_cache(Ctx &c, const Scenario &s, const std::string &k)
{
    uint64_t e = 0, w = 0;
    parse_uint(s.smmu.at(k + ".entries"), &e);
    parse_uint(s.smmu.at(k + ".ways"), &w);
    uint64_t ways = w ? w : e;
    if (!e || (ways <= e && e % ways == 0 && pow2(e / ways))) return;
    const Origin &oe = s.smmu_origin.at(k + ".entries"), &ow = s.smmu_origin.at(k + ".ways");
    bool blame_ways = ow.rank > oe.rank;
    const Origin &o = blame_ways ? ow : oe, &other = blame_ways ? oe : ow;
    size_t lv = k.find('[');
    std::string msg = (lv == std::string::npos ? "" : "level " + k.substr(lv + 1, 1) + ": ") + std::to_string(e) + " entries in " + std::to_string(w) +
                      " ways: entries must be a multiple of ways with a power-of-two number of sets";
    if (other.file != o.file || other.rank != o.rank)
        msg += " (" + std::string(blame_ways ? "entries " + std::to_string(e) : "ways " + std::to_string(w)) + " from " + at_line(other) + ")";
    c.error(o, msg);
}

// The smmu block resolved: preset chain, the scenario's keys, --set; then everything the core would refuse.
bool resolve_smmu(Ctx &c, const YAML::Node &root, Scenario &s)
{
    size_t before = c.errors->size();
    YAML::Node smmu = sub(root, "smmu");
    YAML::Node pn = sub(smmu, "preset");
    s.preset = str(pn, default_preset());
    Origin at = pn ? c.where(pn, "smmu.preset", 100) : Origin{c.file, smmu ? smmu.Mark().line + 1 : 0, "smmu.preset", 100};
    std::vector<std::string> stack;
    if (!load_preset(c, s.preset, at, s, stack)) return false;
    apply_smmu(c, smmu, smmu_key(), "", "smmu", 100, s);
    std::vector<std::string> leaves;
    smmu_leaves(smmu_key(), "", leaves);
    for (const std::string &k : leaves)
        if (!s.smmu.count(k)) c.error(Origin{s.preset_files.back(), 0, "smmu." + k, 0}, "no value: the preset does not set it");
    if (c.errors->size() != before) return false;
    // A preset value that exists only with a feature the scenario turned off follows it, unless the scenario or
    // --set gives it too (then the core's rule is an error against that key).
    auto on = [&](const char *k) { bool b = false; parse_bool(s.smmu.at(k), &b); return b; };
    auto follow = [&](const char *k, const char *v, const char *because) {
        if (s.smmu_origin.at(k).rank >= 100 || s.smmu.at(k) == v) return;
        s.smmu[k] = v;
        s.smmu_origin[k] = s.smmu_origin.at(because);
    };
    if (s.smmu.at("arch.stall_model") == "1") follow("arch.stall_max", "0", "arch.stall_model");
    if (!on("arch.s1p")) follow("arch.hyp", "false", "arch.s1p");
    if (!on("arch.s2p")) { follow("arch.hyp", "false", "arch.s2p"); follow("arch.vmw", "false", "arch.s2p"); }
    bool unified = false;
    parse_bool(s.smmu.at("tcu.walk_cache_unified"), &unified);
    for (const char *k : {"tbu.utlb", "tbu.main_tlb", "tcu.tlb", "tcu.cfg_cache"}) check_cache(c, s, k);
    if (unified) check_cache(c, s, "tcu.walk_cache");
    else
        for (int l = 0; l < 4; l++)
            for (const char *st : {"tcu.walk_cache_s1", "tcu.walk_cache_s2"}) check_cache(c, s, st + std::string("[") + std::to_string(l) + "]");
    if (c.errors->size() != before) return false;
    // Whatever else smmu_create refuses is refused here, against the key the core's message names.
    smmu_config_t cfg;
    std::string key;
    if (!core_config(s.smmu, &cfg, &key)) {
        c.error(s.smmu_origin.at(key), "'" + s.smmu.at(key) + "' does not fit the SMMU's field");
        return false;
    }
    std::string msg = core_check(cfg);
    if (msg.empty()) return true;
    key = core_field_key(msg);
    if (unified && key == "tcu.walk_cache_s1[0].entries") key = "tcu.walk_cache.entries";
    c.error(s.smmu_origin.count(key) ? s.smmu_origin.at(key) : at, "the SMMU model refuses this configuration: " + msg);
    return false;
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

std::string size_text(uint64_t v)
{
    const char *u[] = {"", "K", "M", "G", "T"};
    int i = 0;
    while (i < 4 && v && !(v & 1023)) { v >>= 10; i++; }
    return std::to_string(v) + u[i];
}

// memory.size holds the page tables and queues, the DMA buffers the driver allocates and the guests' RAM.
void check_memory(Ctx &c, const YAML::Node &n, const Scenario &s)
{
    MemoryMap mm = memory_map(s);
    uint64_t dma = 0;
    for (const Device &d : s.devices)
        for (const Mapping &m : d.mappings) {
            if ((d.domain == "bypass" || d.domain == "blocked") && m.pasid == 0) continue;
            if (!m.has_pa && d.domain != "nested") dma += m.size + m.page_size;   // each buffer aligned to its page size
        }
    uint64_t need = dma ? mm.dma_base + dma : mm.tables_base + mm.tables_size;
    need = ((need + (1ull << 30) - 1) & ~((1ull << 30) - 1)) + mm.guest_size;
    const Origin o = n ? c.where(n, "memory.size", 100) : Origin{c.file, 0, "memory.size", 100};
    if (s.mem_size < need) {
        std::string msg = size_text(s.mem_size) + " does not hold the platform's memory: page tables and queues (1G at 1G)";
        if (dma) msg += ", " + size_text(dma) + " of DMA buffers from 4G";
        if (mm.guest_size) msg += ", " + size_text(mm.guest_size) + " of guest RAM (1G per nested device and per VM)";
        c.error(o, msg + "; at least " + size_text(need));
    }
}

// What the driver needs of the SMMU for this device; a run would otherwise fail to attach it or map its buffers.
void check_device_vs_smmu(Ctx &c, const YAML::Node &dn, const std::string &p, const Device &d, const Scenario &s)
{
    auto flag = [&](const char *k) { bool b = false; parse_bool(s.smmu.at(k), &b); return b; };
    auto num = [&](const char *k) { uint64_t v = 0; parse_uint(s.smmu.at(k), &v); return v; };
    auto from = [&](const char *k) { return "smmu." + std::string(k) + " = " + s.smmu.at(k) + " from " + at_line(s.smmu_origin.at(k)); };
    YAML::Node dom = has(dn, "domain") ? sub(dn, "domain") : dn;
    bool s1 = d.domain == "s1" || d.domain == "nested" || d.pasids, s2 = d.domain == "s2" || d.domain == "nested";
    if (s1 && !flag("arch.s1p")) c.error(dom, p + ".domain", "domain " + d.domain + (d.pasids ? " with PASIDs" : "") + " needs stage 1 (" + from("arch.s1p") + ")");
    if (s2 && !flag("arch.s2p")) c.error(dom, p + ".domain", "domain " + d.domain + " needs stage 2 (" + from("arch.s2p") + ")");
    const char *gran = d.granule == "64K" ? "arch.gran64k" : d.granule == "16K" ? "arch.gran16k" : "arch.gran4k";
    if (d.domain != "bypass" && d.domain != "blocked" && !flag(gran))
        c.error(has(dn, "granule") ? sub(dn, "granule") : dn, p + ".granule", "the " + d.granule + " granule is not supported (" + from(gran) + ")");
    if (d.pasids && d.pasids >= (1ull << num("arch.ssidsize")))
        c.error(sub(dn, "pasids"), p + ".pasids", std::to_string(d.pasids) + " PASIDs need SubstreamIDs up to " + std::to_string(d.pasids) +
                ", beyond " + from("arch.ssidsize") + " bits");
    if (d.stall && num("arch.stall_model") == 1)
        c.error(sub(dn, "stall"), p + ".stall", "the SMMU cannot stall (" + from("arch.stall_model") + ": terminate only)");
}

// A device's ats: and pri: blocks, and what they need of the SMMU and of the device.
void check_pcie(Ctx &c, const YAML::Node &dn, const std::string &p, Device &d, const Scenario &s)
{
    auto flag = [&](const char *k) { bool b = false; parse_bool(s.smmu.at(k), &b); return b; };
    auto from = [&](const char *k) { return "smmu." + std::string(k) + " = " + s.smmu.at(k) + " from " + at_line(s.smmu_origin.at(k)); };
    YAML::Node an = sub(dn, "ats"), pn = sub(dn, "pri");
    d.ats = bool_of(sub(an, "enabled"), false);
    d.atc_entries = (uint32_t)uint_of(sub(an, "atc_entries"), 64);
    d.atc_policy = str(sub(an, "atc_policy"), "lru");
    d.atc_inv_latency_ps = dur_of(sub(an, "inv_latency"), 1000000);
    d.pri = bool_of(sub(pn, "enabled"), false);
    d.pri_service_ps = dur_of(sub(pn, "service_time"), 2000000);
    if (d.ats && !flag("arch.ats")) c.error(sub(an, "enabled"), p + ".ats.enabled", "the SMMU does not advertise ATS (" + from("arch.ats") + ")");
    if (d.ats && (d.domain == "bypass" || d.domain == "blocked") && !d.pasids)
        c.error(sub(an, "enabled"), p + ".ats.enabled", "a " + d.domain + " domain translates nothing for an ATC to cache (the driver enables ATS on translating domains only)");
    if (!d.pri) return;
    if (!d.ats) c.error(sub(pn, "enabled"), p + ".pri.enabled", "page requests come from ATS Translation Requests: set ats.enabled too");
    else if (!flag("arch.pri")) c.error(sub(pn, "enabled"), p + ".pri.enabled", "the SMMU does not advertise PRI (" + from("arch.pri") + ")");
    if (d.mappings.empty()) c.error(sub(pn, "enabled"), p + ".pri.enabled", "demand paging needs a mapping (the region its pages are faulted into)");
    if (d.dynamic) c.error(sub(pn, "enabled"), p + ".pri.enabled", "demand paging and dynamic remapping cannot be combined (both own the first mapping)");
    for (const Mapping &m : d.mappings)
        if (m.page_size != 4096 && m.page_size != 16384 && m.page_size != 65536) {
            c.error(sub(pn, "enabled"), p + ".pri.enabled", "demand paging maps one granule page per request; the mappings must use the granule's page size");
            break;
        }
}

// The driver's own requirements of the SMMU (Linux arm-smmu-v3 probe), and output addresses reaching the memory.
void check_smmu_for_driver(Ctx &c, const YAML::Node &root, const Scenario &s)
{
    auto num = [&](const char *k) { uint64_t v = 0; parse_uint(s.smmu.at(k), &v); return v; };
    if (num("arch.ttendian") == 3) c.error(s.smmu_origin.at("arch.ttendian"), "the driver needs little-endian tables (3 is big-endian only)");
    if (num("arch.cmdqs") <= 6)
        c.error(s.smmu_origin.at("arch.cmdqs"), "the driver needs a command queue of more than 64 entries (cmdqs 7 or more)");
    // Each stage-1 table takes an ASID, each stage-2 table a VMID (ASID/VMID 0 stay unused, as in Linux).
    uint64_t asids = 0, vmids = 0;
    for (const Device &d : s.devices) {
        if (d.share_domain.empty()) {
            asids += d.domain == "s1" || d.domain == "nested";
            vmids += d.domain == "s2" || d.domain == "nested";
        }
        asids += d.pasids;
    }
    bool b16 = false;
    for (auto [key, n] : {std::pair<const char *, uint64_t>{"arch.asid16", asids}, {"arch.vmid16", vmids}}) {
        parse_bool(s.smmu.at(key), &b16);
        if (n >= (b16 ? 1ull << 16 : 1ull << 8))
            c.error(s.smmu_origin.at(key), std::to_string(n) + " stage-" + (key[5] == 'a' ? "1 tables need as many ASIDs" : "2 tables need as many VMIDs") +
                    "; " + (b16 ? "16" : "8") + "-bit IDs give " + std::to_string((b16 ? 1ull << 16 : 1ull << 8) - 1));
    }
    uint64_t oas = num("arch.oas_bits");
    if (oas < 64 && s.mem_size > (1ull << oas)) {
        const Origin &oo = s.smmu_origin.at("arch.oas_bits");
        YAML::Node ms = sub(sub(root, "memory"), "size");
        Origin mo = ms ? c.where(ms, "memory.size", 100) : Origin{c.file, 0, "memory.size", 0};
        c.error(oo.rank >= mo.rank ? oo : mo, "memory.size " + size_text(s.mem_size) + " is beyond the " + std::to_string(oas) +
                "-bit output address size (smmu.arch.oas_bits from " + at_line(oo) + "): the SMMU cannot reach all of it");
    }
}

// A trace file exists, is a file, and every line parses: the run would stop at the first bad line.
void check_trace(Ctx &c, const YAML::Node &n, const std::string &key, const std::string &file, uint64_t count, Scenario &s,
                 const std::string &device)
{
    struct stat st;
    if (stat(file.c_str(), &st) != 0) { c.error(n, key, "cannot read '" + file + "': " + std::strerror(errno)); return; }
    if (S_ISDIR(st.st_mode)) { c.error(n, key, "'" + file + "' is a directory, not a trace file"); return; }
    // A sweep checks the same trace for every point: read each version of a file once.
    struct Seen { long long mtime, size; std::string error; uint64_t records; };
    static std::map<std::string, Seen> seen;
    auto it = seen.find(file);
    if (it == seen.end() || it->second.mtime != (long long)st.st_mtime || it->second.size != (long long)st.st_size) {
        traffic::TraceReader r(file);
        traffic::Txn t;
        while (r.next(t)) {}
        it = seen.insert_or_assign(file, Seen{(long long)st.st_mtime, (long long)st.st_size, r.error(), r.records()}).first;
    }
    // A run limited by traffic.count reads only that many records: a bad line after them is never met.
    if (!it->second.error.empty() && (!count || it->second.records < count)) c.errors->push_back({file, 0, key, "", it->second.error});
    else if (it->second.records == 0) s.warnings.push_back(device + ": " + file + ": no records (the trace is empty)");
}

void build(Ctx &c, const YAML::Node &root, Scenario &s)
{
    s.name = str(sub(root, "name"), "");
    s.description = str(sub(root, "description"), "");
    s.seed = uint_of(sub(root, "seed"), 1);
    s.run_duration_ps = dur_of(sub(sub(root, "run"), "duration"), s.run_duration_ps);
    if (s.run_duration_ps == 0) c.error(sub(sub(root, "run"), "duration"), "run.duration", "must be greater than 0");
    s.run_transactions = uint_of(sub(sub(root, "run"), "transactions"), 0);
    bool smmu_ok = resolve_smmu(c, root, s);
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
    // An event name that no event has would make expect.events fail after the run, whatever happened.
    std::set<std::string> events;
    for (unsigned id = 1; id < 256; id++) events.insert(smmusim::event_spec_name((uint8_t)id));
    events.erase("UNKNOWN");
    for (const std::string &e : s.expect_events)
        if (!events.count(e)) {
            std::string all;
            for (const std::string &n : events) all += (all.empty() ? "" : ", ") + n;
            c.error(sub(sub(root, "expect"), "events"), "expect.events", "'" + e + "' is not an event name; valid: " + all);
        }
    s.expect_no_faults = bool_of(sub(sub(root, "expect"), "no_faults"), false);

    YAML::Node memsize = sub(sub(root, "memory"), "size");
    if (has(root, "memory") && !memsize) memsize = sub(root, "memory");
    std::string dir = s.file.find('/') == std::string::npos ? "." : s.file.substr(0, s.file.find_last_of('/'));
    YAML::Node devs = sub(root, "devices");
    std::set<std::string> names;
    std::map<uint32_t, size_t> sids;   // StreamID -> device index
    if (!smmu_ok) return;   // the devices are checked against the SMMU's resolved configuration
    uint64_t sidsize = 32, ports = 1;
    parse_uint(s.smmu.at("arch.sidsize"), &sidsize);
    parse_uint(s.smmu.at("ports"), &ports);
    const Origin &ports_at = s.smmu_origin.at("ports");
    // Mappings by translation table (the domain's owner and PASID), to find overlaps.
    struct Placed { uint64_t lo, hi; std::string key; };
    std::map<std::pair<std::string, uint32_t>, std::vector<Placed>> tables;
    std::map<std::string, std::string> owner;   // device -> the device whose domain it uses
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
        if (d.sid >> kDriverSidBits)
            c.error(has(dn, "sid") ? sub(dn, "sid") : sub(dn, "bdf"), p + (has(dn, "sid") ? ".sid" : ".bdf"),
                    "StreamID " + std::to_string(d.sid) + " is beyond the driver's stream table (" + std::to_string(kDriverSidBits) + " StreamID bits)");
        // One STE per StreamID: a second device on it is the same group (an alias, e.g. behind a PCIe-to-PCI bridge)
        // and must share the first one's domain; else it would take over the first one's stream.
        const bool alias = sids.count(d.sid) && has(dn, "share_domain") && str(sub(dn, "share_domain"), "") == s.devices[sids[d.sid]].name;
        if (alias && has(dn, "pasids"))
            c.error(sub(dn, "pasids"), p + ".pasids", "a device sharing its StreamID with devices[" + std::to_string(sids[d.sid]) +
                    "] shares its CD table: give the PASIDs to that device");
        if (!alias && !sids.emplace(d.sid, i).second) {
            char b[160];
            std::snprintf(b, sizeof b, "StreamID 0x%x is already devices[%zu]'s; one device per StreamID unless it is that device's group (share_domain: it)",
                          d.sid, sids[d.sid]);
            c.error(has(dn, "sid") ? sub(dn, "sid") : sub(dn, "bdf"), p + (has(dn, "sid") ? ".sid" : ".bdf"), b);
        }
        d.domain = str(sub(dn, "domain"), "s1");
        d.granule = str(sub(dn, "granule"), "4K");
        d.share_domain = str(sub(dn, "share_domain"), "");
        if (!d.share_domain.empty()) {
            bool found = false;
            for (const Device &o : s.devices) found |= o.name == d.share_domain;
            if (!found) c.error(sub(dn, "share_domain"), p + ".share_domain", "no earlier device named '" + d.share_domain + "'");
        }
        if (!d.share_domain.empty())
            for (const Device &o : s.devices)
                if (o.name == d.share_domain && ((has(dn, "domain") && o.domain != d.domain) || (has(dn, "granule") && o.granule != d.granule)))
                    c.error(has(dn, "domain") && o.domain != d.domain ? sub(dn, "domain") : sub(dn, "granule"),
                            p + (has(dn, "domain") && o.domain != d.domain ? ".domain" : ".granule"),
                            "share_domain uses " + o.name + "'s domain (" + o.domain + ", " + o.granule + " granule); this one differs");
        d.pasids = (uint32_t)uint_of(sub(dn, "pasids"), 0);
        d.stall = bool_of(sub(dn, "stall"), false);
        d.fault_handler = str(sub(dn, "fault_handler"), "terminate");
        check_device_vs_smmu(c, dn, p, d, s);
        d.port = (uint32_t)uint_of(sub(dn, "port"), 0);
        if (d.port >= ports)
            c.error(sub(dn, "port"), p + ".port", "port " + std::to_string(d.port) + " is beyond the SMMU's " + std::to_string(ports) +
                    " port" + (ports == 1 ? "" : "s") + " (0.." + std::to_string(ports - 1) + "; smmu.ports from " + at_line(ports_at) + ")");
        owner[d.name] = d.share_domain.empty() || !owner.count(d.share_domain) ? d.name : owner[d.share_domain];
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
            const MemoryMap mm;
            if (m.has_pa && m.pa + m.size < m.pa)
                c.error(sub(mn, "pa"), mp + ".pa", "pa + size is beyond 64 bits");
            else if (m.has_pa && d.domain == "nested") {
                if (m.pa + m.size > (1ull << 30))   // a nested device's pa is an IPA in its VM's guest RAM
                    c.error(sub(mn, "pa"), mp + ".pa", "[pa, pa + size) is beyond the VM's 1G of guest RAM (pa is an IPA here)");
            } else if (m.has_pa && m.pa + m.size > s.mem_size)
                c.error(sub(mn, "pa"), mp + ".pa", "[pa, pa + size) is beyond memory.size " + size_text(s.mem_size));
            else if (m.has_pa && m.pa < mm.tables_base + mm.tables_size && mm.tables_base < m.pa + m.size)
                c.error(sub(mn, "pa"), mp + ".pa", "[pa, pa + size) overlaps the page tables and queues at [1G, 2G): DMA there would overwrite them");
            if (m.size && m.iova + m.size > m.iova && (m.pasid || (d.domain != "bypass" && d.domain != "blocked"))) {
                auto &placed = tables[{m.pasid ? d.name : owner[d.name], m.pasid}];
                for (const Placed &o : placed)
                    if (m.iova < o.hi && o.lo < m.iova + m.size) {
                        std::snprintf(buf, sizeof buf, "mapping [0x%llx, 0x%llx) overlaps [0x%llx, 0x%llx) of ",
                                      (unsigned long long)m.iova, (unsigned long long)(m.iova + m.size), (unsigned long long)o.lo,
                                      (unsigned long long)o.hi);
                        c.error(sub(mn, "iova"), mp + ".iova", buf + o.key + " in the same translation table");
                        break;
                    }
                placed.push_back({m.iova, m.iova + m.size, mp});
            }
            d.mappings.push_back(m);
        }
        YAML::Node dy = sub(dn, "dynamic");
        d.dynamic = bool_of(sub(dy, "enabled"), false);
        d.dyn_buffer_size = size_of(sub(dy, "buffer_size"), 4096);
        d.dyn_buffers = (uint32_t)uint_of(sub(dy, "buffers"), 64);
        d.dyn_remap_every = (uint32_t)uint_of(sub(dy, "remap_every"), 16);
        if (d.dynamic && (d.dyn_buffer_size % gran))
            c.error(sub(dy, "buffer_size"), p + ".dynamic.buffer_size", "must be a multiple of the " + d.granule + " granule");
        else if (d.dynamic && d.mappings.empty())
            c.error(sub(dy, "enabled"), p + ".dynamic.enabled", "remapping needs a mapping (buffers are unmapped and mapped again in the first)");
        else if (d.dynamic && d.dyn_buffer_size > d.mappings[0].size)
            c.error(sub(dy, "buffer_size"), p + ".dynamic.buffer_size", "larger than the first mapping, whose buffers are remapped");

        check_pcie(c, dn, p, d, s);

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
                check_trace(c, sub(tn, "file"), tp + ".file", t.file, t.count, s, d.name);
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
    build_timeline(root, c.file, s, [&](const YAML::Node &n, const std::string &p, const std::string &m) { c.error(n, p, m); });
    check_memory(c, memsize, s);
    check_smmu_for_driver(c, root, s);
}

std::string json_scalar(const Key &k, const std::string &v)
{
    bool b;
    uint64_t u;
    double d;
    if (k.type == Type::Bool && parse_bool(v, &b)) return b ? "true" : "false";
    if (k.type == Type::UInt && parse_uint(v, &u)) return std::to_string(u);
    if (k.type == Type::Float && parse_float(v, &d) && v.find_first_not_of("0123456789.eE+-") == std::string::npos && v[0] != '.' && v[0] != '+')
        return v;
    return json_str(v);
}

void json_smmu(const Scenario &s, const Key &k, const std::string &flat, const std::string &ind, std::string &out)
{
    out += "{";
    bool first = true;
    for (const Key &c : k.children) {
        if (flat.empty() && c.name == "preset") continue;
        std::string f = flat.empty() ? c.name : flat + "." + c.name;
        out += std::string(first ? "\n" : ",\n") + ind + "  " + json_str(c.name) + ": ";
        first = false;
        if (c.type != Type::Map) { out += json_scalar(c, s.smmu.at(f)); continue; }
        if (!c.levels) { json_smmu(s, c, f, ind + "  ", out); continue; }
        out += "[";
        for (unsigned l = 0; l < c.levels; l++) {
            if (l) out += ", ";
            std::string lv = f + "[" + std::to_string(l) + "]";
            out += "{";
            for (size_t j = 0; j < c.children.size(); j++)
                out += (j ? ", " : "") + json_str(c.children[j].name) + ": " + json_scalar(c.children[j], s.smmu.at(lv + "." + c.children[j].name));
            out += "}";
        }
        out += "]";
    }
    out += "\n" + ind + "}";
}

// Every key of the scenario with its value (given or default) in schema order; the smmu block fully resolved, trace
// files by their resolved path. Keys without a default that were not given stay absent (the run derives them).
void json_node(const YAML::Node &n, const Key &k, const Scenario &s, const Device *dev, const std::string &ind, std::string &out)
{
    out += "{";
    bool first = true;
    auto item = [&](const std::string &name) { out += std::string(first ? "\n" : ",\n") + ind + "  " + json_str(name) + ": "; first = false; };
    for (const Key &c : k.children) {
        YAML::Node v = sub(n, c.name.c_str());
        if (&k == &scenario_schema() && c.name == "smmu") { item(c.name); json_smmu(s, c, "", ind + "  ", out); continue; }
        if (c.type == Type::Map) { item(c.name); json_node(v, c, s, dev, ind + "  ", out); continue; }
        if (c.type == Type::List) {
            if (!v.IsSequence()) continue;
            item(c.name);
            out += "[";
            for (size_t i = 0; i < v.size(); i++) {
                out += std::string(i ? "," : "") + "\n" + ind + "    ";
                const Device *d = c.name == "devices" && i < s.devices.size() ? &s.devices[i] : dev;
                json_node(v[i], c, s, d, ind + "    ", out);
            }
            out += "\n" + ind + "  ]";
            continue;
        }
        std::string val = v.IsScalar() ? v.Scalar() : c.def;
        if (dev && c.name == "file" && k.name == "traffic" && !dev->traffic.file.empty()) {
            char *real = realpath(dev->traffic.file.c_str(), nullptr);
            val = real ? real : dev->traffic.file;
            std::free(real);
        }
        if (!v.IsScalar() && c.def.empty() && val.empty()) continue;
        item(c.name);
        out += json_scalar(c, val);
    }
    out += "\n" + ind + "}";
}

std::string resolved_json(const YAML::Node &root, const Scenario &s)
{
    std::string out;
    json_node(root, scenario_schema(), s, nullptr, "", out);
    return out;
}

} // namespace

MemoryMap memory_map(const Scenario &s)
{
    MemoryMap mm;
    mm.size = s.mem_size;
    unsigned nested = 0;
    for (const Device &d : s.devices) nested += d.domain == "nested" && d.share_domain.empty();
    nested += timeline_guests(s);
    mm.guest_size = (uint64_t)nested << 30;
    uint64_t top = s.mem_size & ~((1ull << 30) - 1);
    mm.guest_base = top >= mm.guest_size ? top - mm.guest_size : 0;
    mm.dma_size = mm.guest_base > mm.dma_base ? mm.guest_base - mm.dma_base : 0;
    return mm;
}

bool resolve_preset(const std::string &name, std::map<std::string, std::string> *out, std::vector<Error> *errors)
{
    Ctx c{"", {}, errors};
    Scenario s;
    std::vector<std::string> stack;
    if (!load_preset(c, name, Origin{"", 0, "smmu.preset", 0}, s, stack)) return false;
    *out = s.smmu;
    return true;
}

unsigned domain_ias(const Scenario &s, const Device &d)
{
    if (d.domain == "s2") {
        auto it = s.smmu.find("arch.oas_bits");
        uint64_t v = 48;
        if (it != s.smmu.end()) parse_uint(it->second, &v);
        return (unsigned)v;
    }
    if (d.domain == "bypass") {
        return 64;
    }
    // Like Linux, the stage-1 input size is VA_BITS capped at 48 bits unless IDR5.VAX advertises 52.
    auto vax = s.smmu.find("arch.vax");
    return std::min(s.va_bits, vax != s.smmu.end() && vax->second == "1" ? 52u : 48u);
}

bool load_scenario(const std::string &file, const std::vector<std::string> &sets, Scenario *out, std::vector<Error> *errors)
{
    Ctx c{file, {}, errors};
    size_t before = errors->size();
    YAML::Node root;
    try {
        std::ifstream in(file);
        if (!in) {
            errors->push_back({file, 0, "(file)", std::string("cannot read: ") + std::strerror(errno), ""});
            return false;
        }
        root = YAML::Load(in);
    } catch (const YAML::Exception &e) {
        errors->push_back({file, e.mark.line + 1, "(document)", "malformed YAML: " + e.msg, ""});
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
    s.resolved = resolved_json(root, s);
    *out = s;
    return true;
}

} // namespace simcfg
