// SPDX-License-Identifier: BSD-3-Clause
// Everything smmu-sim would refuse is refused by smmu-sim-check, smmu-sim and smmu-sweep before anything runs, as
// `file:line: key` and the reason, never as a SystemC report; presets are loaded from configs/presets with the keys of
// a scenario's smmu: block; report.json's config reproduces the run's resolved configuration.
#include <gtest/gtest.h>


#include <dirent.h>
#include <fstream>
#include <set>
#include <sstream>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config/core_config.h"
#include "config/preset.h"
#include "cli_util.h"
#include "config/scenario.h"

using namespace simcfg;

namespace {

const std::string kSrc = SMMU_SOURCE_DIR;
const std::string kCheck = SMMU_SIM_CHECK, kSim = SMMU_SIM, kSweep = SMMU_SWEEP;

using clitest::tmpdir;
using clitest::write;

// The 1-based line of a preset file that holds `needle` (the messages name where a value came from).
std::string line_of(const std::string &file, const std::string &needle)
{
    std::ifstream in(file);
    std::string l;
    for (int n = 1; std::getline(in, l); n++)
        if (l.find(needle) != std::string::npos) return std::to_string(n);
    return "?";
}

std::string slurp(const std::string &p)
{
    std::ifstream f(p);
    return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

bool exists(const std::string &p) { struct stat st; return stat(p.c_str(), &st) == 0; }

struct Outcome { int rc = -1; std::string out, err; };

Outcome run(const std::string &tool, const std::vector<std::string> &args)
{
    std::string cmd = "cd " + tmpdir() + " && SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 " + tool;
    for (const std::string &a : args) cmd += " '" + a + "'";
    cmd += " >" + tmpdir() + "/out.txt 2>" + tmpdir() + "/err.txt";
    int st = std::system(cmd.c_str());
    return {WIFEXITED(st) ? WEXITSTATUS(st) : -1, slurp(tmpdir() + "/out.txt"), slurp(tmpdir() + "/err.txt")};
}

const char *kBase = R"(name: v
run: {duration: 20us}
report: {summary: true, json: report.json}
devices:
  - name: a
    sid: 1
    mappings:
      - {iova: 0x10000000, size: 2M}
    traffic: {pattern: sequential, size: 64}
)";

struct Bad { const char *name; std::string yaml; std::vector<std::string> sets; std::string want; };

// Each bad input: the exact `file:line: key '...': reason` text from every tool, exit 1, nothing simulated.
TEST(Validation, EveryToolRefusesBadInputBeforeTheRun)
{
    const std::string presets = kSrc + "/configs/presets/";
    const std::string gem5 = presets + "gem5_default.yaml";
    std::string base = write("base.yaml", kBase);
    write("bad.trace", "0 1 - R 0x10000000 64\n10 zz - R 0x10000000 64\n");
    mkdir((tmpdir() + "/tracedir").c_str(), 0755);
    const Bad cases[] = {
        {"port-beyond", "", {"devices[0].port=3"},
         "--set:1: key 'devices[0].port': port 3 is beyond the SMMU's 1 port (0..0; smmu.ports from " + presets + "mmu700.yaml:6)"},
        {"port-beyond-ports", "", {"smmu.ports=2", "devices[0].port=2"},
         "--set:2: key 'devices[0].port': port 2 is beyond the SMMU's 2 ports (0..1; smmu.ports from --set:1)"},
        {"entries-over-preset-ways", "", {"smmu.tbu.main_tlb.entries=100"},
         "--set:1: key 'smmu.tbu.main_tlb.entries': 100 entries in 4 ways: entries must be a multiple of ways with a power-of-two "
         "number of sets (ways 4 from " + presets + "mmu700.yaml:52)"},
        {"sets-not-pow2", "", {"smmu.tcu.cfg_cache.entries=96", "smmu.tcu.cfg_cache.ways=4"},
         "--set:1: key 'smmu.tcu.cfg_cache.entries': 96 entries in 4 ways: entries must be a multiple of ways with a power-of-two "
         "number of sets"},
        {"walk-level-ways", "", {"smmu.preset=gem5_default", "smmu.tcu.walk_cache_s1.ways=4"},
         "--set:2: key 'smmu.tcu.walk_cache_s1.ways': level 1: 28 entries in 4 ways: entries must be a multiple of ways with a "
         "power-of-two number of sets (entries 28 from " + gem5 + ":" + line_of(gem5, "{entries: 28") + ")"},
        {"walk-level-set", "", {"smmu.preset=gem5_default", "smmu.tcu.walk_cache_s1[2].entries=256"},
         "--set:2: key 'smmu.tcu.walk_cache_s1[2].entries': level 2: 256 entries in 348 ways: entries must be a multiple of ways with a "
         "power-of-two number of sets (ways 348 from " + gem5 + ":" + line_of(gem5, "{entries: 348") + ")"},
        {"walk-level-range", "", {"smmu.tcu.walk_cache_s1[4].entries=256"}, "--set:1: key 'smmu.tcu.walk_cache_s1[4].entries': level '4': 0..3"},
        {"core-no-stage", "", {"smmu.arch.s1p=false", "smmu.arch.s2p=false"},
         "--set:1: key 'smmu.arch.s1p': the SMMU model refuses this configuration: at least one of s1p and s2p must be set"},
        {"core-oas52", "", {"smmu.arch.oas_bits=52", "smmu.arch.gran64k=false"},
         "--set:1: key 'smmu.arch.oas_bits': the SMMU model refuses this configuration: oas_bits 52 needs the 64K granule"},
        {"memory-size", "", {"memory.size=1G"},
         "--set:1: key 'memory.size': 1G does not hold the platform's memory: page tables and queues (1G at 1G), 2052K of DMA buffers "
         "from 4G; at least 5G"},
        {"size-wraps", "", {"devices[0].traffic.size=0x100001000"},
         "--set:1: key 'devices[0].traffic.size': 0x100001000 is out of range [1, 4294967295]"},
        {"size-4g", "", {"devices[0].traffic.size=4G"}, "--set:1: key 'devices[0].traffic.size': 4G is out of range [1, 4294967295]"},
        {"stride-zero", "", {"devices[0].traffic.stride=0"}, "--set:1: key 'devices[0].traffic.stride': 0 is out of range [1, 2^64 - 1]"},
        {"descriptor-zero", "", {"devices[0].traffic.descriptor_size=0"},
         "--set:1: key 'devices[0].traffic.descriptor_size': 0 is out of range [1, 4294967295]"},
        {"sid-33-bits", "", {"devices[0].sid=0x1ffffffff"}, "--set:1: key 'devices[0].sid': 0x1ffffffff is out of range [0, 4294967295]"},
        {"sid-negative", "", {"devices[0].sid=-5"},
         "--set:1: key 'devices[0].sid': expected an unsigned integer in [0, 4294967295], got '-5'"},
        {"sid-beyond-sidsize", "", {"devices[0].sid=0x10000"},
         "--set:1: key 'devices[0].sid': StreamID 65536 does not fit smmu.arch.sidsize = 16 bits"},
        {"clock-beyond-resolution", "", {"smmu.clock=1000000000GHz"},
         "--set:1: key 'smmu.clock': 1000000000GHz is out of range (0Hz, 1THz]: the period must be at least 1 ps"},
        {"duration-zero", "", {"run.duration=0ns"}, "--set:1: key 'run.duration': must be greater than 0"},
        {"footprint-zero", "", {"devices[0].traffic.footprint=0"},
         "--set:1: key 'devices[0].traffic.footprint': 0 is out of range [1, 2^64 - 1]"},
        {"no-stage-1", "", {"smmu.arch.s1p=false"},
         ":5: key 'devices[0].domain': domain s1 needs stage 1 (smmu.arch.s1p = false from --set:1)"},
        {"no-stage-2", "", {"smmu.arch.s2p=false", "devices[0].domain=s2"},
         "--set:2: key 'devices[0].domain': domain s2 needs stage 2 (smmu.arch.s2p = false from --set:1)"},
        {"granule", "", {"smmu.preset=gem5_default", "devices[0].granule=16K", "devices[0].mappings[0].page_size=16K"},
         "--set:2: key 'devices[0].granule': the 16K granule is not supported (smmu.arch.gran16k = false from " + gem5 + ":" +
         line_of(gem5, "gran16k:") + ")"},
        {"pasids-beyond-ssidsize", "", {"smmu.arch.ssidsize=2", "devices[0].pasids=4"},
         "--set:2: key 'devices[0].pasids': 4 PASIDs need SubstreamIDs up to 4, beyond smmu.arch.ssidsize = 2 from --set:1 bits"},
        {"stall-terminate-only", "", {"smmu.arch.stall_model=1", "devices[0].stall=true"},
         "--set:2: key 'devices[0].stall': the SMMU cannot stall (smmu.arch.stall_model = 1 from --set:1: terminate only)"},
        {"small-cmdq", "", {"smmu.arch.cmdqs=6"},
         "--set:1: key 'smmu.arch.cmdqs': the driver needs a command queue of more than 64 entries (cmdqs 7 or more)"},
        {"oas-below-memory", "", {"smmu.arch.oas_bits=32"},
         "--set:1: key 'smmu.arch.oas_bits': memory.size 16G is beyond the 32-bit output address size (smmu.arch.oas_bits from --set:1): "
         "the SMMU cannot reach all of it"},
        {"va-bits-wraps", "", {"driver.va_bits=4294967344"}, "--set:1: key 'driver.va_bits': 4294967344 is out of range [32, 52]"},
        {"overlap", "name: v\ndevices:\n  - name: a\n    sid: 1\n    mappings:\n      - {iova: 0x10000000, size: 2M}\n"
                    "      - {iova: 0x10100000, size: 2M}\n", {},
         ":7: key 'devices[0].mappings[1].iova': mapping [0x10100000, 0x10300000) overlaps [0x10000000, 0x10200000) of "
         "devices[0].mappings[0] in the same translation table"},
        {"overlap-shared-domain", "name: v\ndevices:\n  - name: a\n    sid: 1\n    mappings:\n      - {iova: 0x10000000, size: 2M}\n"
                                  "  - name: b\n    sid: 2\n    share_domain: a\n    mappings:\n      - {iova: 0x10000000, size: 4K}\n", {},
         ":11: key 'devices[1].mappings[0].iova': mapping [0x10000000, 0x10001000) overlaps [0x10000000, 0x10200000) of "
         "devices[0].mappings[0] in the same translation table"},
        {"duplicate-sid", "name: v\ndevices:\n  - {name: a, sid: 1}\n  - {name: b, bdf: \"00:00.1\"}\n", {},
         ":4: key 'devices[1].bdf': StreamID 0x1 is already devices[0]'s; one device per StreamID unless it is that device's group (share_domain: it)"},
        {"expect-unknown-event", "", {"expect.events=F_TRANSLATON"}, "--set:1: key 'expect.events': 'F_TRANSLATON' is not an event name; valid: "},
        {"dynamic-no-mapping", "name: v\ndevices:\n  - name: a\n    sid: 1\n    dynamic: {enabled: true}\n", {},
         ":5: key 'devices[0].dynamic.enabled': remapping needs a mapping (buffers are unmapped and mapped again in the first)"},
        {"dynamic-buffer-too-big", "", {"devices[0].dynamic.enabled=true", "devices[0].dynamic.buffer_size=4M"},
         "--set:2: key 'devices[0].dynamic.buffer_size': larger than the first mapping, whose buffers are remapped"},
        {"share-domain-differs", "name: v\ndevices:\n  - {name: a, sid: 1}\n  - {name: b, sid: 2, share_domain: a, domain: s2}\n", {},
         ":4: key 'devices[1].domain': share_domain uses a's domain (s1, 4K granule); this one differs"},
        {"out-of-asids", "", {"smmu.arch.asid16=false", "devices[0].pasids=255"},
         "--set:1: key 'smmu.arch.asid16': 256 stage-1 tables need as many ASIDs; 8-bit IDs give 255"},
        {"sid-beyond-driver-table", "", {"smmu.arch.sidsize=24", "devices[0].sid=0x10000"},
         "--set:2: key 'devices[0].sid': StreamID 65536 is beyond the driver's stream table (16 StreamID bits)"},
        {"va-bits-beyond-vax", "", {"driver.va_bits=52", "devices[0].mappings[0].iova=0x8000000000000"},
         "--set:2: key 'devices[0].mappings[0].iova': mapping [0x8000000000000, 0x8000000200000) is outside the 48-bit input address size"},
        {"pa-on-tables", "", {"devices[0].mappings[0].pa=0x40000000"},
         "--set:1: key 'devices[0].mappings[0].pa': [pa, pa + size) overlaps the page tables and queues at [1G, 2G): DMA there would "
         "overwrite them"},
        {"pa-beyond-memory", "", {"devices[0].mappings[0].pa=16G"},
         "--set:1: key 'devices[0].mappings[0].pa': [pa, pa + size) is beyond memory.size 16G"},
        {"trace-missing", "", {"devices[0].traffic.pattern=trace", "devices[0].traffic.file=nope.trace"},
         "--set:2: key 'devices[0].traffic.file': cannot read '" + tmpdir() + "/nope.trace': No such file or directory"},
        {"trace-directory", "", {"devices[0].traffic.pattern=trace", "devices[0].traffic.file=tracedir"},
         "--set:2: key 'devices[0].traffic.file': '" + tmpdir() + "/tracedir' is a directory, not a trace file"},
        {"trace-bad-line", "", {"devices[0].traffic.pattern=trace", "devices[0].traffic.file=bad.trace"},
         tmpdir() + "/bad.trace:2: field 'sid': 'zz' is not a 32-bit StreamID"},
        {"preset-unknown", "", {"smmu.preset=mmu900"},
         "--set:1: key 'smmu.preset': 'mmu900' is not a built-in preset (gem5_default, mmu600, mmu700) or a preset file (a path "
         "ending in .yaml)"},
        {"preset-file-missing", "", {"smmu.preset=mine.yaml"}, "--set:1: key 'smmu.preset': no preset file '" + tmpdir() + "/mine.yaml'"},
        {"ats-not-advertised", "", {"smmu.arch.ats=false", "smmu.arch.pri=false", "devices[0].ats.enabled=true"},
         "--set:3: key 'devices[0].ats.enabled': the SMMU does not advertise ATS (smmu.arch.ats = false from --set:1)"},
        {"ats-on-bypass", "", {"smmu.arch.ats=true", "devices[0].domain=bypass", "devices[0].ats.enabled=true"},
         "--set:3: key 'devices[0].ats.enabled': a bypass domain translates nothing for an ATC to cache (the driver enables ATS "
         "on translating domains only)"},
        {"pri-without-ats", "", {"smmu.arch.ats=true", "smmu.arch.pri=true", "devices[0].pri.enabled=true"},
         "--set:3: key 'devices[0].pri.enabled': page requests come from ATS Translation Requests: set ats.enabled too"},
        {"pri-not-advertised", "", {"smmu.arch.ats=true", "smmu.arch.pri=false", "devices[0].ats.enabled=true", "devices[0].pri.enabled=true"},
         "--set:4: key 'devices[0].pri.enabled': the SMMU does not advertise PRI (smmu.arch.pri = false from --set:2)"},
        {"pri-block-pages", "", {"smmu.arch.ats=true", "smmu.arch.pri=true", "devices[0].ats.enabled=true", "devices[0].pri.enabled=true",
                                 "devices[0].mappings[0].page_size=2M"},
         "--set:4: key 'devices[0].pri.enabled': demand paging maps one granule page per request; the mappings must use the "
         "granule's page size"},
        {"atc-inv-timeout", "", {"smmu.atc_inv_timeout=soon"},
         "--set:1: key 'smmu.atc_inv_timeout': expected a duration with a unit (ps, ns, us, ms, s), got 'soon'"},
        {"atc-policy", "", {"devices[0].ats.atc_policy=plru"}, "--set:1: key 'devices[0].ats.atc_policy': 'plru' is not one of: lru, fifo, random"},
    };
    for (const Bad &b : cases) {
        std::string f = b.yaml.empty() ? base : write(std::string(b.name) + ".yaml", b.yaml);
        std::string want = b.want[0] == ':' ? f + b.want : b.want;
        std::vector<std::string> args{f};
        for (const std::string &s : b.sets) { args.push_back("--set"); args.push_back(s); }
        Outcome c = run(kCheck, args);
        EXPECT_EQ(c.rc, 1) << b.name;
        EXPECT_EQ(c.err.substr(0, want.size()), want) << b.name;   // the first message (a level each for walk caches)
        if (!exists(kSim)) continue;
        args.push_back("--out");
        args.push_back(tmpdir() + "/sim-" + b.name);
        Outcome s = run(kSim, args);
        EXPECT_EQ(s.rc, 1) << b.name;
        EXPECT_NE(s.err.find(want), std::string::npos) << b.name << ": " << s.err;
        EXPECT_EQ(s.err.find("In file:"), std::string::npos) << b.name << ": " << s.err;
        EXPECT_EQ(s.err.find("Error: ("), std::string::npos) << b.name << ": " << s.err;
        EXPECT_EQ(s.out, "") << b.name;
        EXPECT_FALSE(exists(tmpdir() + "/sim-" + b.name + "/report.json")) << b.name;
        if (!exists(kSweep)) continue;
        // The sweep's pre-check: the same value as a grid point after a good one; no point runs.
        std::string sw = "scenario: " + f + "\ngrid:\n  seed: [1, 2]\n" + (b.sets.empty() ? "" : "set:\n");
        for (const std::string &s : b.sets) {
            size_t eq = s.find('=');
            sw += "  " + s.substr(0, eq) + ": \"" + s.substr(eq + 1) + "\"\n";
        }
        std::string swf = write(std::string("sweep-") + b.name + ".yaml", sw);
        Outcome w = run(kSweep, {swf, "--out", tmpdir() + "/sweep-" + b.name});
        EXPECT_EQ(w.rc, 1) << b.name << ": " << w.out << w.err;
        std::string reason = want.substr(want.find("': ") + 3);
        EXPECT_NE((w.out + w.err).find(reason), std::string::npos) << b.name << ": " << w.out << w.err;
        EXPECT_FALSE(exists(tmpdir() + "/sweep-" + b.name + "/point-0000")) << b.name;
    }
}

// A run limited by traffic.count never meets a bad line after its records: the check accepts it as smmu-sim does.
TEST(Validation, ABadTraceLineBeyondTrafficCountIsNeverMet)
{
    std::string base = write("base.yaml", kBase);
    write("bad.trace", "0 1 - R 0x10000000 64\n10 zz - R 0x10000000 64\n");
    Outcome c = run(kCheck, {base, "--set", "devices[0].traffic.pattern=trace", "--set", "devices[0].traffic.file=bad.trace", "--set",
                             "devices[0].traffic.count=1"});
    EXPECT_EQ(c.rc, 0) << c.err;
    c = run(kCheck, {base, "--set", "devices[0].traffic.pattern=trace", "--set", "devices[0].traffic.file=bad.trace", "--set",
                     "devices[0].traffic.count=2"});
    EXPECT_EQ(c.rc, 1);
    EXPECT_EQ(c.err, tmpdir() + "/bad.trace:2: field 'sid': 'zz' is not a 32-bit StreamID\n");
}

TEST(Validation, AnEmptyTraceIsAWarning)
{
    std::string base = write("base.yaml", kBase);
    write("empty.trace", "");
    Outcome c = run(kCheck, {base, "--set", "devices[0].traffic.pattern=trace", "--set", "devices[0].traffic.file=empty.trace"});
    EXPECT_EQ(c.rc, 0);
    EXPECT_EQ(c.err, "warning: a: " + tmpdir() + "/empty.trace: no records (the trace is empty)\n");
}

// A port no device uses is held by an idle initiator: no SystemC binding error (E109) for a sparse port list.
TEST(Validation, UnusedPortsNeedNoDevice)
{
    if (!exists(kSim)) GTEST_SKIP() << "smmu-sim not built";
    std::string base = write("base.yaml", kBase);
    Outcome s = run(kSim, {base, "--set", "smmu.ports=4", "--set", "devices[0].port=2", "--out", tmpdir() + "/ports"});
    EXPECT_EQ(s.rc, 0) << s.err;
    EXPECT_EQ(s.err.find("Error"), std::string::npos) << s.err;
}

std::map<std::string, std::string> preset_values(const std::string &name)
{
    std::map<std::string, std::string> v;
    std::vector<Error> errs;
    EXPECT_TRUE(resolve_preset(name, &v, &errs)) << name << ": " << (errs.empty() ? "" : errs[0].str());
    return v;
}

std::set<std::string> keys_of(const std::map<std::string, std::string> &m)
{
    std::set<std::string> k;
    for (auto &kv : m) k.insert(kv.first);
    return k;
}

TEST(Presets, EachBuiltInPresetLoadsEveryKeyAndTheCoreAcceptsIt)
{
    std::vector<std::string> names = builtin_presets();
    EXPECT_EQ(names, (std::vector<std::string>{"gem5_default", "mmu600", "mmu700"}));
    std::set<std::string> want = keys_of(preset_values("mmu700"));
    EXPECT_GT(want.size(), 90u);
    for (const std::string &n : names) {
        auto v = preset_values(n);
        EXPECT_EQ(keys_of(v), want) << n;
        smmu_config_t cfg;
        std::string bad;
        ASSERT_TRUE(core_config(v, &cfg, &bad)) << n << ": " << bad;
        EXPECT_EQ(core_check(cfg), "") << n;
    }
    // What the files say reaches the core: MMU-600 is v3.1 with per-stage walk caches, gem5 has per-level ones.
    smmu_config_t c;
    std::string bad;
    ASSERT_TRUE(core_config(preset_values("mmu600"), &c, &bad));
    EXPECT_EQ(c.arch_minor, 1);
    EXPECT_EQ(c.iidr, 0x4830043Bu);
    EXPECT_FALSE(c.walk_cache_unified);
    EXPECT_EQ(c.walk_cache_s2[3].entries, 128u);
    ASSERT_TRUE(core_config(preset_values("gem5_default"), &c, &bad));
    EXPECT_EQ(c.walk_cache_s1[2].entries, 348u);
    EXPECT_EQ(c.walk_cache_s2[2].ways, 92u);
    EXPECT_EQ(c.stall_model, 1);
    EXPECT_EQ(c.main_tlb.policy, SMMU_REPL_RANDOM);
    ASSERT_TRUE(core_config(preset_values("mmu700"), &c, &bad));
    EXPECT_TRUE(c.walk_cache_unified);
    EXPECT_EQ(c.walk_cache_s1[0].entries, 2048u);
    EXPECT_EQ(c.walk_cache_s2[0].entries, 0u);
}

// A preset file pasted under a scenario's smmu: resolves to the same values (the keys are the same).
TEST(Presets, APresetPastedIntoASmmuBlockGivesThePresetsValues)
{
    for (const std::string &n : builtin_presets()) {
        std::istringstream in(slurp(builtin_preset_dir() + "/" + n + ".yaml"));
        std::string text = "name: pasted\nsmmu:\n", line;
        while (std::getline(in, line)) text += "  " + line + "\n";
        std::string f = write("pasted-" + n + ".yaml", text);
        Scenario s;
        std::vector<Error> errs;
        ASSERT_TRUE(load_scenario(f, {}, &s, &errs)) << n << ": " << errs[0].str();
        EXPECT_EQ(s.smmu, preset_values(n)) << n;
    }
}

// A scenario's smmu: block saved as a file is a preset; named relative to the scenario, it gives the same values.
TEST(Presets, ASmmuBlockSavedAsAFileIsAPreset)
{
    const std::string block = "preset: mmu600\ntbu:\n  main_tlb: {entries: 512, ways: 8}\ntcu:\n  walk_cache_s1: {entries: 64}\n";
    std::string inline_f = write("inline.yaml", "name: i\nsmmu:\n  preset: mmu600\n  tbu:\n    main_tlb: {entries: 512, ways: 8}\n"
                                                "  tcu:\n    walk_cache_s1: {entries: 64}\n");
    mkdir((tmpdir() + "/presets").c_str(), 0755);
    mkdir((tmpdir() + "/scen").c_str(), 0755);
    write("presets/mine.yaml", block);
    std::string named = write("scen/named.yaml", "name: n\nsmmu:\n  preset: ../presets/mine.yaml\n");
    Scenario a, b;
    std::vector<Error> errs;
    ASSERT_TRUE(load_scenario(inline_f, {}, &a, &errs)) << errs[0].str();
    ASSERT_TRUE(load_scenario(named, {}, &b, &errs)) << errs[0].str();
    EXPECT_EQ(a.smmu, b.smmu);
    EXPECT_EQ(b.smmu.at("tbu.main_tlb.entries"), "512");
    EXPECT_EQ(b.smmu.at("tcu.walk_cache_s1[3].entries"), "64");
    EXPECT_EQ(b.smmu.at("tcu.walk_cache_s2[0].entries"), "128");   // from mmu600
    // One level set with --set; the other levels keep the block's map.
    ASSERT_TRUE(load_scenario(named, {"smmu.tcu.walk_cache_s1[2].entries=1024"}, &b, &errs)) << errs[0].str();
    EXPECT_EQ(b.smmu.at("tcu.walk_cache_s1[2].entries"), "1024");
    EXPECT_EQ(b.smmu.at("tcu.walk_cache_s1[1].entries"), "64");
    EXPECT_EQ(b.preset_files, (std::vector<std::string>{kSrc + "/configs/presets/mmu700.yaml", kSrc + "/configs/presets/mmu600.yaml",
                                                        tmpdir() + "/scen/../presets/mine.yaml"}));
    // The preset's ways left over when the scenario changes only entries: the scenario's line is named.
    std::string left = write("scen/left.yaml", "name: l\nsmmu:\n  preset: ../presets/mine.yaml\n  tbu:\n    main_tlb: {entries: 24}\n");
    errs.clear();
    EXPECT_FALSE(load_scenario(left, {}, &a, &errs));
    ASSERT_EQ(errs.size(), 1u);
    EXPECT_EQ(errs[0].str(), left + ":5: key 'smmu.tbu.main_tlb.entries': 24 entries in 8 ways: entries must be a multiple of ways "
                                    "with a power-of-two number of sets (ways 8 from " + tmpdir() + "/scen/../presets/mine.yaml:3)");
}

// The spellings of earlier scenarios (mmu-700, gem5-default) name the same built-in presets.
TEST(Presets, HyphenatedNamesAreAliases)
{
    std::string f = write("alias.yaml", "name: a\n");
    for (auto [alias, name] : {std::pair<const char *, const char *>{"mmu-700", "mmu700"}, {"mmu-600", "mmu600"}, {"gem5-default", "gem5_default"}}) {
        Scenario s;
        std::vector<Error> errs;
        ASSERT_TRUE(load_scenario(f, {std::string("smmu.preset=") + alias}, &s, &errs)) << alias;
        EXPECT_EQ(s.smmu, preset_values(name)) << alias;
        EXPECT_EQ(s.preset_files.back(), kSrc + "/configs/presets/" + name + ".yaml");
    }
}

TEST(Presets, BadPresetFilesNameTheirOwnFileLineAndKey)
{
    struct Case { const char *preset; std::string want; };
    write("p-typo.yaml", "tbu:\n  utlb: {entires: 4}\n");
    write("p-range.yaml", "arch:\n  sidsize: 40\n");
    write("p-cycle-a.yaml", "preset: p-cycle-b.yaml\n");
    write("p-cycle-b.yaml", "preset: p-cycle-a.yaml\n");
    const Case cases[] = {
        {"p-typo.yaml", tmpdir() + "/p-typo.yaml:2: key 'smmu.tbu.utlb.entires': unknown key; valid keys: entries, ways, policy, latency"},
        {"p-range.yaml", tmpdir() + "/p-range.yaml:2: key 'smmu.arch.sidsize': 40 is out of range [0, 32]"},
        {"p-cycle-a.yaml", tmpdir() + "/p-cycle-b.yaml:1: key 'smmu.preset': presets build on each other in a cycle: " + tmpdir() +
                               "/p-cycle-a.yaml -> " + tmpdir() + "/p-cycle-b.yaml -> " + tmpdir() + "/p-cycle-a.yaml"},
    };
    for (const Case &c : cases) {
        std::string f = write("uses-preset.yaml", std::string("name: u\nsmmu: {preset: ") + c.preset + "}\n");
        Scenario s;
        std::vector<Error> errs;
        EXPECT_FALSE(load_scenario(f, {}, &s, &errs));
        ASSERT_EQ(errs.size(), 1u) << c.preset;
        EXPECT_EQ(errs[0].str(), c.want);
    }
}

// report.json's config, saved as a scenario, resolves to the same configuration (every key, smmu fully resolved).
TEST(ResolvedConfig, FeedingTheRecordedConfigBackGivesTheSameConfig)
{
    std::string dir = kSrc + "/configs/scenarios";
    DIR *d = opendir(dir.c_str());
    ASSERT_NE(d, nullptr);
    unsigned n = 0;
    while (dirent *e = readdir(d)) {
        std::string f = e->d_name;
        if (f.size() < 5 || f.substr(f.size() - 5) != ".yaml") continue;
        Scenario a, b;
        std::vector<Error> errs;
        ASSERT_TRUE(load_scenario(dir + "/" + f, {"smmu.tbu.main_tlb.entries=512", "smmu.preset=gem5_default"}, &a, &errs))
            << f << ": " << errs[0].str();
        std::string again = write("again-" + f + ".json", a.resolved);
        ASSERT_TRUE(load_scenario(again, {}, &b, &errs)) << f << ": " << errs[0].str();
        EXPECT_EQ(b.resolved, a.resolved) << f;
        EXPECT_EQ(b.smmu, a.smmu) << f;
        EXPECT_EQ(b.devices.size(), a.devices.size()) << f;
        EXPECT_EQ(a.smmu.at("tbu.main_tlb.entries"), "512");
        EXPECT_EQ(a.smmu.at("tcu.walk_cache_s1[2].entries"), "348");
        n++;
    }
    closedir(d);
    EXPECT_GE(n, 8u);
}

TEST(ResolvedConfig, ReportJsonRecordsTheResolvedConfig)
{
    if (!exists(kSim)) GTEST_SKIP() << "smmu-sim not built";
    std::string base = write("base.yaml", kBase);
    Outcome c = run(kCheck, {base, "--set", "smmu.preset=mmu600", "--resolved"});
    ASSERT_EQ(c.rc, 0) << c.err;
    Outcome s = run(kSim, {base, "--set", "smmu.preset=mmu600", "--out", tmpdir() + "/resolved"});
    ASSERT_EQ(s.rc, 0) << s.err;
    std::string rep = slurp(tmpdir() + "/resolved/report.json");
    EXPECT_NE(rep.find("\"config\": " + c.out.substr(0, c.out.size() - 1) + ",\n"), std::string::npos) << rep.substr(0, 2000);
    EXPECT_NE(rep.find("\"preset_files\": [\"" + kSrc + "/configs/presets/mmu700.yaml\", \"" + kSrc + "/configs/presets/mmu600.yaml\"]"),
              std::string::npos);
}

} // namespace
