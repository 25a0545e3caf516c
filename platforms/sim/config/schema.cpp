#include "schema.h"

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
Key M(const char *n, const char *doc, std::vector<Key> c) { Key k = K(n, Type::Map, doc); k.children = std::move(c); return k; }
Key L(const char *n, const char *doc, std::vector<Key> c) { Key k = K(n, Type::List, doc); k.children = std::move(c); return k; }
Key R(Key k) { k.required = true; return k; }

Key cache(const char *n, const char *doc)
{
    return M(n, doc, {
        U("entries", "entries; 0 removes the structure", "", 0, 1 << 24),
        U("ways", "associativity; 0 or = entries is fully associative; entries/ways must be a power of two", "", 0, 1 << 24),
        E("policy", {"lru", "plru", "fifo", "random", "lfu", "2q", "clock", "rrip"}, "replacement policy", ""),
        U("latency", "lookup cost in SMMU cycles", "", 0, 1000000),
    });
}

Key build()
{
    Key traffic = M("traffic", "the DMA this device issues", {
        E("pattern", {"sequential", "strided", "random", "zipf", "ring", "trace"}, "address pattern", "sequential"),
        K("size", Type::Size, "bytes per transaction", "64"),
        K("read_ratio", Type::Float, "fraction of reads (0..1)", "1.0"),
        K("rate", Type::Rate, "offered load; exclusive with interarrival", ""),
        K("interarrival", Type::Duration, "time between issues; exclusive with rate", ""),
        U("outstanding", "most transactions in flight", "8", 1, 65536),
        U("count", "transactions to issue (0 = until run.duration)", "0", 0, 1e18),
        K("duration", Type::Duration, "stop issuing after this long", ""),
        K("start", Type::Duration, "first issue time", "0ns"),
        K("base", Type::Size, "lowest IOVA (default: the first mapping)", ""),
        K("footprint", Type::Size, "bytes of IOVA space covered (default: all mappings)", ""),
        K("stride", Type::Size, "strided: distance between transactions", "4K"),
        K("zipf_s", Type::Float, "zipf: skew exponent (> 0)", "1.0"),
        U("zipf_pages", "zipf: pages ranked by popularity (default footprint/4K)", "0", 0, 1e12),
        U("ring_entries", "ring: descriptors in the ring", "256", 1, 1 << 20),
        K("descriptor_size", Type::Size, "ring: bytes per descriptor read", "16"),
        K("buffer_size", Type::Size, "ring: bytes of packet buffer written per descriptor", "2K"),
        K("buffer_base", Type::Size, "ring: first packet buffer (default: after the descriptors, 2M aligned)", ""),
        K("file", Type::String, "trace: trace file (docs/trace-format.md), relative to the scenario file", ""),
        E("trace_sid", {"device", "trace"}, "trace: StreamID of each record: the device's (the trace's sid field is not used) or the trace's own (a summary row per StreamID seen)", "device"),
        U("pasid", "SubstreamID of every transaction (0 = none)", "0", 0, (1 << 20) - 1),
        U("seed", "random seed (default: run.seed + device index)", "", 0, 1.8e19),
    });
    Key mapping = L("mappings", "DMA regions the driver maps before the run", {
        R(K("iova", Type::Size, "input address (IOVA / IPA)")),
        R(K("size", Type::Size, "bytes")),
        K("page_size", Type::Size, "4K/2M/1G (4K granule), 16K/32M, 64K/512M", "4K"),
        K("pa", Type::Size, "output address (default: allocated)", ""),
        K("prot", Type::String, "r, w, rw, optionally x and/or p (privileged)", "rw"),
        U("pasid", "the PASID's table (0 = the RID domain)", "0", 0, (1 << 20) - 1),
    });
    Key dynamic = M("dynamic", "streaming DMA: buffers mapped and unmapped during the run (NIC style)", {
        K("enabled", Type::Bool, "map/unmap while running", "false"),
        K("buffer_size", Type::Size, "bytes mapped per buffer", "4K"),
        U("buffers", "buffers the remaps cycle through, from the start of the first mapping", "64", 1, 1 << 20),
        U("remap_every", "transactions between an unmap+map", "16", 1, 1 << 30),
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
        mapping, dynamic, traffic,
    });

    return M("", "scenario", {
        R(K("name", Type::String, "scenario name")),
        K("description", Type::String, "what it shows", ""),
        U("seed", "base random seed", "1", 0, 1.8e19),
        M("run", "when the run ends", {
            K("duration", Type::Duration, "simulated time limit", "1ms"),
            U("transactions", "stop after this many transactions in total (0 = no limit)", "0", 0, 1e18),
        }),
        M("smmu", "the SMMU: a preset and overrides of its keys", {
            E("preset", {"mmu-600", "mmu-700", "gem5-default"}, "parameter set (configs/presets)", "mmu-700"),
            K("clock", Type::Frequency, "SMMU clock", ""),
            U("ports", "upstream ports (TBUs)", "", 1, 64),
            M("arch", "what the ID registers advertise", {
                K("s1p", Type::Bool, "stage 1", ""), K("s2p", Type::Bool, "stage 2", ""),
                E("oas_bits", {"32", "36", "40", "42", "44", "48", "52"}, "output address size", ""),
                U("sidsize", "StreamID bits", "", 0, 32), U("ssidsize", "SubstreamID bits", "", 0, 20),
                K("ril", Type::Bool, "range invalidation", ""), K("msi", Type::Bool, "MSIs (CMD_SYNC MSI polling)", ""),
                K("sev", Type::Bool, "CMD_SYNC SEV", ""), U("stall_model", "0 stall+terminate, 1 terminate, 2 stall", "", 0, 2),
                U("stall_max", "IDR5.STALL_MAX: stalls held at once (0 with stall_model 1)", "", 0, 65535),
                K("hyp", Type::Bool, "IDR0.HYP: EL2 stage-1 contexts (needs s1p and s2p)", ""),
                K("vmw", Type::Bool, "IDR0.VMW: VMID wildcards (needs s2p)", ""),
                U("httu", "0 none, 1 access flag, 2 access+dirty", "", 0, 2),
                K("cd2l", Type::Bool, "2-level CD tables", ""), K("st_2lvl", Type::Bool, "2-level stream table", ""),
                K("btm", Type::Bool, "broadcast TLB maintenance", ""), K("coherent", Type::Bool, "IDR0.COHACC", ""),
            }),
            M("tbu", "per upstream port", {
                cache("utlb", "micro-TLB"), cache("main_tlb", "main TLB"),
                U("slots", "outstanding translations", "", 1, 65536),
            }),
            M("tcu", "the table walker", {
                cache("tlb", "shared TCU TLB"), cache("cfg_cache", "configuration cache"),
                K("walk_cache_unified", Type::Bool, "one walk cache for all levels and stages (MMU-700)", ""),
                cache("walk_cache_s1", "stage-1 walk cache, each level"), cache("walk_cache_s2", "stage-2 walk cache, each level"),
                U("slots", "translations in progress", "", 1, 65536), U("walk_slots", "concurrent walks", "", 1, 65536),
                U("walk_step_cycles", "cost of one descriptor fetch", "", 0, 1e6),
                U("cfg_fetch_cycles", "cost of one STE/CD fetch", "", 0, 1e6),
                U("cmd_cycles", "cost of one command", "", 0, 1e6), U("tlbi_cycles", "extra cost per invalidation", "", 0, 1e6),
            }),
            M("link", "TBU-TCU (DTI) latency", {
                U("tbu_to_tcu", "request, cycles", "", 0, 1e6), U("tcu_to_tbu", "response, cycles", "", 0, 1e6),
            }),
        }),
        M("interconnect", "between masters, SMMU and memory", {
            K("latency", Type::Duration, "one-way latency", "10ns"),
        }),
        M("memory", "the DRAM model", {
            K("latency", Type::Duration, "access latency", "80ns"),
            K("bandwidth", Type::Rate, "peak bandwidth; requests queue beyond it", "25.6GB/s"),
            K("size", Type::Size, "bytes of simulated physical memory", "16G"),
        }),
        M("driver", "how the software programs the SMMU", {
            E("sync", {"auto", "poll", "msi"}, "CMD_SYNC completion: auto (Linux), poll CONS (CS=SEV), MSI to its own slot", "auto"),
            E("invalidation", {"strict", "lazy"}, "strict: TLBI+SYNC per unmap; lazy: flush-all per batch", "strict"),
            U("lazy_batch", "unmaps per lazy flush", "256", 1, 1 << 20),
            U("cmdq_entries", "command queue entries", "256", 2, 1 << 19, true),
            U("evtq_entries", "event queue entries", "128", 2, 1 << 19, true),
            K("va_bits", Type::UInt, "CPU VA_BITS (stage-1 input size)", "48"),
            M("storm", "CPU-side map/unmap churn of buffers of its own, tied to no device's traffic", {
                K("interval", Type::Duration, "from one unmap+map pair's start to the next (not given: no storm)", ""),
                K("buffer_size", Type::Size, "bytes per buffer (a multiple of the domain's granule)", "4K"),
                U("buffers", "buffers cycled through", "64", 1, 1 << 20),
                K("device", Type::String, "map into this device's domain (default: a stage-1 domain of its own, attached to no stream)", ""),
                K("iova", Type::Size, "IOVA of the first buffer", "0x4000000000"),
            }),
        }),
        L("devices", device.doc.c_str(), device.children),
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

void markdown(const Key &k, const std::string &prefix, std::string &out)
{
    for (const Key &c : k.children) {
        std::string path = prefix.empty() ? c.name : prefix + "." + c.name;
        if (c.type == Type::Map) { markdown(c, path, out); continue; }
        std::string type = type_name(c.type);
        if (c.type == Type::Enum) { type += " "; for (size_t i = 0; i < c.choices.size(); i++) type += (i ? "/" : "") + c.choices[i]; }
        if (c.type == Type::List) type = "list of maps";
        out += "| `" + path + "` | " + type + " | " + (c.required ? "required" : c.def.empty() ? "-" : "`" + c.def + "`") +
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

std::string schema_markdown()
{
    std::string out = "| key | type | default | meaning |\n|---|---|---|---|\n";
    markdown(scenario_schema(), "", out);
    return out;
}

} // namespace simcfg
