// SPDX-License-Identifier: BSD-3-Clause
#include "schema.h"

#include <algorithm>
#include <map>

#include "preset.h"
#include "scenario.h"

namespace simcfg {

const Key *Key::child(const std::string &n) const
{
    for (const Key &k : children) if (k.name == n) return &k;
    return nullptr;
}

std::string Key::child_names() const
{
    std::string s;
    for (const Key &k : children) s += (s.empty() ? "" : ", ") + k.name;
    return s;
}

const char *type_name(Type t)
{
    switch (t) {
    case Type::Map: return "map"; case Type::List: return "list"; case Type::UInt: return "unsigned integer";
    case Type::Float: return "number"; case Type::Bool: return "boolean"; case Type::String: return "string";
    case Type::Enum: return "one of"; case Type::Size: return "size (e.g. 4K, 2M, 0x1000)";
    case Type::Duration: return "duration (e.g. 10ns, 2us)"; case Type::Rate: return "rate (e.g. 12.8GB/s)";
    case Type::Frequency: return "frequency (e.g. 1GHz)"; case Type::Bdf: return "PCI BDF (bb:dd.f)";
    }
    return "?";
}

namespace {

Key K(const char *n, Type t, const char *doc, const char *def = "") { Key k; k.name = n; k.type = t; k.doc = doc; k.def = def; return k; }
Key E(const char *n, std::vector<std::string> c, const char *doc, const char *def) { Key k = K(n, Type::Enum, doc, def); k.choices = std::move(c); return k; }
Key U(const char *n, const char *doc, const char *def, double min, double max, bool pow2 = false)
{
    Key k = K(n, Type::UInt, doc, def); k.min = min; k.max = max; k.pow2 = pow2; return k;
}
// A size with a range (the field it lands in, or where zero means nothing).
Key Z(const char *n, const char *doc, const char *def, double min, double max)
{
    Key k = K(n, Type::Size, doc, def); k.min = min; k.max = max; return k;
}
Key M(const char *n, const char *doc, std::vector<Key> c) { Key k = K(n, Type::Map, doc); k.children = std::move(c); return k; }
Key L(const char *n, const char *doc, std::vector<Key> c) { Key k = K(n, Type::List, doc); k.children = std::move(c); return k; }
Key R(Key k) { k.required = true; return k; }

Key cache(const char *n, const char *doc)
{
    return M(n, doc, {
        U("entries", "entries; 0 removes the structure", "", 0, 1 << 24),
        U("ways", "associativity; 0 or = entries is fully associative; entries a multiple of ways, entries/ways a power of two", "", 0, 1 << 24),
        E("policy", {"lru", "plru", "fifo", "random", "lfu", "2q", "clock", "rrip"}, "replacement policy", ""),
        U("latency", "lookup cost in SMMU cycles", "", 0, 1000000),
    });
}

// A walk cache: one map for every level, or a list of four maps (levels 0..3).
Key levels(Key k) { k.levels = 4; k.doc += "; one map for every level or a list of 4 (levels 0..3)"; return k; }

// The SMMU's keys. A preset file (configs/presets/*.yaml) holds the same keys, so a block can be pasted between
// the two; the defaults shown by the docs are the built-in presets' values.
Key smmu_key()
{
    return M("smmu", "the SMMU: a preset and overrides of its keys", {
        K("preset", Type::String, "built-in preset (mmu700, mmu600, gem5_default) or a preset file, relative to the file naming it", "mmu700"),
        [] { Key k = K("clock", Type::Frequency, "SMMU clock, at most 1THz (the 1 ps time resolution)", ""); k.max = 1e12; return k; }(),
        U("ports", "upstream ports (TBUs)", "", 1, 64),
        U("seed", "seed of the random replacement policy", "", 0, 1.8e19),
        U("reg_access_cycles", "cost of one register access", "", 0, 1e6),
        E("abort_response", {"address_error", "generic_error", "command_error", "burst_error", "byte_enable_error"},
          "TLM response status of an aborted (terminated) transaction", ""),
        [] { Key k = K("atc_inv_timeout", Type::Duration, "an ATC invalidation its device has not completed by then fails the CMD_SYNC waiting for it (CERROR_ATC_INV_SYNC); 0 waits for ever", ""); return k; }(),
        M("arch", "what the ID registers advertise", {
            U("arch_minor", "AIDR.ArchMinorRev: 0 SMMUv3.0, 1 v3.1, 2 v3.2", "", 0, 2),
            K("s1p", Type::Bool, "IDR0.S1P stage 1", ""), K("s2p", Type::Bool, "IDR0.S2P stage 2", ""),
            K("ttf_aarch32", Type::Bool, "IDR0.TTF: AArch32 LPAE tables too", ""),
            K("coherent", Type::Bool, "IDR0.COHACC", ""), K("btm", Type::Bool, "IDR0.BTM broadcast TLB maintenance", ""),
            U("httu", "IDR0.HTTU: 0 none, 1 access flag, 2 access+dirty", "", 0, 2),
            K("hyp", Type::Bool, "IDR0.HYP", ""), K("ats", Type::Bool, "IDR0.ATS", ""), K("pri", Type::Bool, "IDR0.PRI", ""),
            K("asid16", Type::Bool, "IDR0.ASID16", ""), K("vmid16", Type::Bool, "IDR0.VMID16", ""),
            K("msi", Type::Bool, "IDR0.MSI (CMD_SYNC MSI polling)", ""), K("sev", Type::Bool, "IDR0.SEV (CMD_SYNC SEV)", ""),
            K("atos", Type::Bool, "IDR0.ATOS", ""), K("vmw", Type::Bool, "IDR0.VMW VMID wildcards", ""),
            K("cd2l", Type::Bool, "IDR0.CD2L 2-level CD tables", ""), K("st_2lvl", Type::Bool, "IDR0.ST_LEVEL 2-level stream table", ""),
            U("ttendian", "IDR0.TTENDIAN: 0 mixed, 2 little, 3 big", "", 0, 3),
            U("stall_model", "IDR0.STALL_MODEL: 0 stall+terminate, 1 terminate, 2 stall", "", 0, 2),
            K("term_model", Type::Bool, "IDR0.TERM_MODEL", ""),
            U("sidsize", "IDR1.SIDSIZE StreamID bits", "", 0, 32), U("ssidsize", "IDR1.SSIDSIZE SubstreamID bits", "", 0, 20),
            U("cmdqs", "IDR1.CMDQS log2 command queue entries", "", 0, 19),
            U("eventqs", "IDR1.EVENTQS log2 event queue entries", "", 0, 19),
            U("priqs", "IDR1.PRIQS log2 PRI queue entries", "", 0, 19),
            K("attr_types_ovr", Type::Bool, "IDR1.ATTR_TYPES_OVR", ""), K("attr_perms_ovr", Type::Bool, "IDR1.ATTR_PERMS_OVR", ""),
            K("xnx", Type::Bool, "IDR3.XNX", ""), K("ril", Type::Bool, "IDR3.RIL range invalidation", ""),
            U("bbml", "IDR3.BBML", "", 0, 2), K("fwb", Type::Bool, "IDR3.FWB", ""),
            E("oas_bits", {"32", "36", "40", "42", "44", "48", "52"}, "IDR5.OAS output address size", ""),
            K("gran4k", Type::Bool, "IDR5.GRAN4K", ""), K("gran16k", Type::Bool, "IDR5.GRAN16K", ""),
            K("gran64k", Type::Bool, "IDR5.GRAN64K", ""),
            U("vax", "IDR5.VAX: 0 48-bit VA, 1 52-bit VA", "", 0, 1),
            U("stall_max", "IDR5.STALL_MAX stalled transactions held at once", "", 0, 65535),
            U("iidr", "SMMU_IIDR", "", 0, 4294967295.0),
        }),
        M("tbu", "per upstream port", {
            cache("utlb", "micro-TLB"), cache("main_tlb", "main TLB"),
            U("slots", "outstanding translations", "", 1, 65536),
        }),
        M("tcu", "the table walker", {
            cache("tlb", "shared TCU TLB"), cache("cfg_cache", "configuration cache"),
            K("walk_cache_unified", Type::Bool, "one walk cache (walk_cache) for all levels and stages (MMU-700)", ""),
            cache("walk_cache", "the unified walk cache (walk_cache_unified: true)"),
            levels(cache("walk_cache_s1", "stage-1 walk cache (walk_cache_unified: false)")),
            levels(cache("walk_cache_s2", "stage-2 walk cache (walk_cache_unified: false)")),
            U("slots", "translations in progress", "", 1, 65536), U("walk_slots", "concurrent walks", "", 1, 65536),
            U("walk_step_cycles", "cost of one descriptor fetch", "", 0, 1e6),
            U("cfg_fetch_cycles", "cost of one STE/CD fetch", "", 0, 1e6),
            U("cmd_cycles", "cost of one command", "", 0, 1e6), U("tlbi_cycles", "extra cost per invalidation", "", 0, 1e6),
            U("cmd_fetch_cycles", "extra cost of fetching one command", "", 0, 1e6),
        }),
        M("link", "TBU-TCU (DTI) latency", {
            U("tbu_to_tcu", "request, cycles", "", 0, 1e6), U("tcu_to_tbu", "response, cycles", "", 0, 1e6),
        }),
    });
}

Key build()
{
    Key traffic = M("traffic", "the DMA this device issues", {
        E("pattern", {"sequential", "strided", "random", "zipf", "ring", "trace"}, "address pattern", "sequential"),
        Z("size", "bytes per transaction", "64", 1, 4294967295.0),
        K("read_ratio", Type::Float, "fraction of reads (0..1)", "1.0"),
        K("rate", Type::Rate, "offered load; exclusive with interarrival", ""),
        K("interarrival", Type::Duration, "time between issues; exclusive with rate", ""),
        U("outstanding", "most transactions in flight", "8", 1, 65536),
        U("count", "transactions to issue (0 = until run.duration)", "0", 0, 1e18),
        K("duration", Type::Duration, "stop issuing after this long", ""),
        K("start", Type::Duration, "first issue time", "0ns"),
        K("base", Type::Size, "lowest IOVA (default: the first mapping)", ""),
        Z("footprint", "bytes of IOVA space covered (default: all mappings)", "", 1, 18446744073709551615.0),
        Z("stride", "strided: distance between transactions", "4K", 1, 18446744073709551615.0),
        K("zipf_s", Type::Float, "zipf: skew exponent (> 0)", "1.0"),
        U("zipf_pages", "zipf: pages ranked by popularity (default footprint/4K)", "0", 0, 1e12),
        U("ring_entries", "ring: descriptors in the ring", "256", 1, 1 << 20),
        Z("descriptor_size", "ring: bytes per descriptor read", "16", 1, 4294967295.0),
        Z("buffer_size", "ring: bytes of packet buffer written per descriptor", "2K", 1, 4294967295.0),
        K("buffer_base", Type::Size, "ring: first packet buffer (default: after the descriptors, 2M aligned)", ""),
        K("file", Type::String, "trace: trace file (docs/trace-format.md), relative to the scenario file", ""),
        E("trace_sid", {"device", "trace"}, "trace: StreamID of each record: the device's (the trace's sid field is not used) or the trace's own (a summary row per StreamID seen)", "device"),
        U("pasid", "SubstreamID of every transaction (0 = none)", "0", 0, (1 << 20) - 1),
        U("seed", "random seed (default: run.seed + device index)", "", 0, 1.8e19),
    });
    Key mapping = L("mappings", "DMA regions the driver maps before the run", {
        R(K("iova", Type::Size, "input address (IOVA / IPA)")),
        R(Z("size", "bytes", "", 1, 18446744073709551615.0)),
        K("page_size", Type::Size, "4K/2M/1G (4K granule), 16K/32M, 64K/512M", "4K"),
        K("pa", Type::Size, "output address (default: allocated)", ""),
        K("prot", Type::String, "r, w, rw, optionally x and/or p (privileged)", "rw"),
        U("pasid", "the PASID's table (0 = the RID domain)", "0", 0, (1 << 20) - 1),
    });
    Key dynamic = M("dynamic", "streaming DMA: buffers mapped and unmapped during the run (NIC style)", {
        K("enabled", Type::Bool, "map/unmap while running", "false"),
        Z("buffer_size", "bytes mapped per buffer", "4K", 1, 18446744073709551615.0),
        U("buffers", "buffers the remaps cycle through, from the start of the first mapping", "64", 1, 1 << 20),
        U("remap_every", "transactions between an unmap+map", "16", 1, 1 << 30),
    });
    Key ats = M("ats", "PCIe ATS: the device caches translations in its own ATC (docs/scenarios.md)", {
        K("enabled", Type::Bool, "the driver sets STE.EATS; the device sends Translation Requests on ATC misses and translated DMA on hits", "false"),
        U("atc_entries", "entries of the device's ATC (fully associative)", "64", 1, 1 << 20),
        E("atc_policy", {"lru", "fifo", "random"}, "replacement policy of the ATC", "lru"),
        K("inv_latency", Type::Duration, "time the device takes to complete an ATS invalidation", "1us"),
    });
    Key pri = M("pri", "PCIe PRI demand paging: the mappings are not mapped before the run; a Translation Request that finds no access raises a Page Request, the driver maps the page (or refuses one outside every mapping) and answers with CMD_PRI_RESP", {
        K("enabled", Type::Bool, "demand paging through PRI (needs ats.enabled)", "false"),
        K("service_time", Type::Duration, "CPU time the driver spends servicing one page request (fault handling, page allocation)", "2us"),
    });
    Key device = L("devices", "DMA masters and their SMMU attachment", {
        R(K("name", Type::String, "unique device name")),
        K("bdf", Type::Bdf, "PCI bus:device.function; the StreamID is the requester ID", ""),
        U("sid", "platform StreamID (instead of bdf)", "", 0, 4294967295.0),
        E("domain", {"bypass", "s1", "s2", "nested", "blocked"}, "translation domain type", "s1"),
        E("granule", {"4K", "16K", "64K"}, "translation granule", "4K"),
        K("share_domain", Type::String, "use the domain of this (earlier) device", ""),
        U("pasids", "SVA: number of PASIDs (SubstreamIDs 1..N, each its own stage-1 table)", "0", 0, 1 << 20),
        K("stall", Type::Bool, "faults stall (CD.S / STE.S2S) instead of terminating", "false"),
        E("fault_handler", {"map", "terminate"}, "stall faults: map the page and retry, or terminate", "terminate"),
        U("port", "SMMU upstream port (TBU)", "0", 0, 63),
        mapping, dynamic, ats, pri, traffic,
    });

    return M("", "scenario", {
        R(K("name", Type::String, "scenario name")),
        K("description", Type::String, "what it shows", ""),
        U("seed", "base random seed", "1", 0, 1.8e19),
        M("run", "when the run ends", {
            K("duration", Type::Duration, "simulated time limit", "1ms"),
            U("transactions", "stop after this many transactions in total (0 = no limit)", "0", 0, 1e18),
        }),
        smmu_key(),
        M("interconnect", "between masters, SMMU and memory", {
            K("latency", Type::Duration, "one-way latency", "10ns"),
        }),
        M("memory", "the DRAM model", {
            K("latency", Type::Duration, "access latency", "80ns"),
            K("bandwidth", Type::Rate, "peak bandwidth; requests queue beyond it", "25.6GB/s"),
            Z("size", "bytes of simulated physical memory (PAs 0 to size)", "16G", 1, 18446744073709551615.0),
        }),
        M("driver", "how the software programs the SMMU", {
            E("sync", {"auto", "poll", "msi"}, "CMD_SYNC completion: auto (Linux), poll CONS (CS=SEV), MSI to its own slot", "auto"),
            E("invalidation", {"strict", "lazy"}, "strict: TLBI+SYNC per unmap; lazy: flush-all per batch", "strict"),
            U("lazy_batch", "unmaps per lazy flush", "256", 1, 1 << 20),
            U("cmdq_entries", "command queue entries asked for; like Linux, the driver uses at most 2^smmu.arch.cmdqs", "256", 2, 1 << 19, true),
            U("evtq_entries", "event queue entries asked for; like Linux, the driver uses at most 2^smmu.arch.eventqs", "128", 2, 1 << 19, true),
            U("va_bits", "CPU VA_BITS (stage-1 input size)", "48", 32, 52),
            M("storm", "CPU-side map/unmap churn of buffers of its own, tied to no device's traffic", {
                K("interval", Type::Duration, "from one unmap+map pair's start to the next (not given: no storm)", ""),
                K("buffer_size", Type::Size, "bytes per buffer (a multiple of the domain's granule)", "4K"),
                U("buffers", "buffers cycled through", "64", 1, 1 << 20),
                K("device", Type::String, "map into this device's domain (default: a stage-1 domain of its own, attached to no stream)", ""),
                K("iova", Type::Size, "IOVA of the first buffer", "0x4000000000"),
            }),
        }),
        L("devices", device.doc.c_str(), device.children),
        L("vms", "VMs the timeline assigns devices to (docs/scenarios.md, Timeline)", {
            R(K("name", Type::String, "unique VM name; its 1 GiB of guest RAM is mapped by a stage-2 domain of its own")),
            E("granule", {"4K", "16K", "64K"}, "granule of the VM's stage 2 (its devices' stage 1 uses each device's granule)", "4K"),
        }),
        L("timeline", "timed actions during the run, in time order (docs/scenarios.md, Timeline)", {
            R(K("at", Type::Duration, "when the action starts (simulated time, before run.duration, not before the previous action)")),
            R(E("action", {"attach", "detach", "assign", "unplug", "pasid_alloc", "pasid_free", "map", "unmap"},
                "what the driver does to the device and every device sharing its StreamID", "")),
            R(K("device", Type::String, "the device acted on")),
            K("domain", Type::String, "attach: bypass, s1, s2, nested, blocked or vm:NAME", ""),
            K("vm", Type::String, "assign: the VM (blocked domain first, then the VM's nested domain)", ""),
            U("pasid", "pasid_alloc/pasid_free: the PASID; map/unmap: the PASID's table (not given: the RID domain)", "", 0, (1 << 20) - 1),
            K("iova", Type::Size, "map/unmap: first input address", ""),
            Z("size", "map/unmap: bytes", "", 1, 18446744073709551615.0),
            K("page_size", Type::Size, "map: page size (4K/2M/1G, 16K/32M, 64K/512M; not given: 4K)", ""),
            K("prot", Type::String, "map: r, w or rw (not given: rw)", ""),
        }),
        M("report", "what is written", {
            K("summary", Type::Bool, "summary table on stdout", "true"),
            K("json", Type::String, "report.json path", "report.json"),
            K("csv_dir", Type::String, "per-stream CSV directory (empty = none)", ""),
            K("plots", Type::Bool, "render plots with gnuplot", "false"),
            K("progress", Type::Bool, "progress on a terminal", "true"),
        }),
        M("expect", "checks on the outcome (ctest)", {
            K("events", Type::String, "comma-separated event names that must be reported", ""),
            K("no_faults", Type::Bool, "no transaction may fault", "false"),
        }),
    });
}

// The built-in presets' resolved values, the default preset first.
const std::vector<std::pair<std::string, std::map<std::string, std::string>>> &presets()
{
    static std::vector<std::pair<std::string, std::map<std::string, std::string>>> all;
    if (!all.empty()) return all;
    std::vector<std::string> names = builtin_presets();
    std::stable_partition(names.begin(), names.end(), [](const std::string &n) { return n == default_preset(); });
    for (const std::string &n : names) {
        std::map<std::string, std::string> v;
        std::vector<Error> errs;
        if (resolve_preset(n, &v, &errs)) all.emplace_back(n, v);
    }
    return all;
}

// A preset's value of an smmu key; per-level caches as "l0/l1/l2/l3" when the levels differ.
std::string preset_value(const std::map<std::string, std::string> &v, const std::string &flat)
{
    auto it = v.find(flat);
    if (it != v.end()) return it->second;
    size_t dot = flat.find_last_of('.');
    std::string out;
    bool same = true;
    for (int l = 0; l < 4; l++) {
        auto lv = v.find(flat.substr(0, dot) + "[" + std::to_string(l) + "]" + flat.substr(dot));
        if (lv == v.end()) return "";
        if (l && lv->second != out.substr(out.rfind('/') + 1)) same = false;
        out += (l ? "/" : "") + lv->second;
    }
    return same ? out.substr(out.rfind('/') + 1) : out;
}

// The default column of an smmu key: the default preset's value, then the other presets' where they differ.
std::string preset_default(const std::string &flat)
{
    const auto &all = presets();
    if (all.empty()) return "-";
    std::string base = preset_value(all[0].second, flat), out = "`" + base + "` (" + all[0].first;
    for (size_t i = 1; i < all.size(); i++) {
        std::string v = preset_value(all[i].second, flat);
        if (v != base) out += "; " + all[i].first + " `" + v + "`";
    }
    return out + ")";
}

void markdown(const Key &k, const std::string &prefix, std::string &out)
{
    for (const Key &c : k.children) {
        std::string path = prefix.empty() ? c.name : prefix + "." + c.name;
        if (c.type == Type::Map) { markdown(c, path, out); continue; }
        std::string type = type_name(c.type);
        if (c.type == Type::Enum) { type += " "; for (size_t i = 0; i < c.choices.size(); i++) type += (i ? "/" : "") + c.choices[i]; }
        if (c.type == Type::List) type = "list of maps";
        std::string def = c.required ? "required" : c.def.empty() ? "-" : "`" + c.def + "`";
        if (path.rfind("smmu.", 0) == 0 && path != "smmu.preset") def = preset_default(path.substr(5));
        out += "| `" + path + "` | " + type + " | " + def +
               " | " + c.doc + " |\n";
        if (c.type == Type::List) markdown(c, path + "[]", out);
    }
}

} // namespace

const Key &scenario_schema()
{
    static const Key k = build();
    return k;
}

const Key &smmu_schema() { return *scenario_schema().child("smmu"); }

std::string schema_markdown()
{
    std::string out = "| key | type | default | meaning |\n|---|---|---|---|\n";
    markdown(scenario_schema(), "", out);
    return out;
}

} // namespace simcfg
