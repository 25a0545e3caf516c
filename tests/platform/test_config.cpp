// SPDX-License-Identifier: BSD-3-Clause
// Scenario loading: every bad-input case gets `file:line: key 'x.y': message` and the check tool exits non-zero.
#include <gtest/gtest.h>


#include <cstdio>
#include <dirent.h>
#include <fstream>
#include <sys/wait.h>
#include <unistd.h>

#include "cli_util.h"
#include "config/scenario.h"
#include "config/schema.h"
#include "config/values.h"

using namespace simcfg;

namespace {

using clitest::tmpdir;
using clitest::write;

const char *kGood = R"(name: t
devices:
  - name: nic
    bdf: "03:00.0"
    mappings:
      - {iova: 0x10000000, size: 2M, page_size: 4K}
    traffic: {pattern: random, size: 64, rate: 1GB/s}
)";

std::vector<std::string> errors_of(const std::string &file, const std::vector<std::string> &sets = {})
{
    Scenario s;
    std::vector<Error> errs;
    bool ok = load_scenario(file, sets, &s, &errs);
    std::vector<std::string> out;
    for (auto &e : errs) out.push_back(e.str());
    EXPECT_EQ(ok, out.empty());
    return out;
}

struct Bad { const char *name, *yaml; std::string want; };

TEST(ConfigErrors, EachBadInputNamesFileLineAndKey)
{
    const std::string top = "name, description, seed, run, smmu, interconnect, memory, driver, devices, vms, timeline, report, expect";
    const Bad cases[] = {
        {"unknown-top", "name: t\nnmae: x\n", ":2: key 'nmae': unknown key; valid keys: " + top},
        {"unknown-nested", "name: t\ndevices:\n  - name: a\n    sid: 1\n    trafic: {pattern: random}\n",
         ":5: key 'devices[0].trafic': unknown key; valid keys: name, bdf, sid, domain, granule, share_domain, pasids, "
         "stall, fault_handler, port, mappings, dynamic, ats, pri, traffic"},
        {"duration-type", "name: t\nrun:\n  duration: 10\n",
         ":3: key 'run.duration': expected a duration with a unit (ps, ns, us, ms, s), got '10'"},
        {"uint-type", "name: t\nseed: -3\n", ":2: key 'seed': expected an unsigned integer in [0, 18000000000000000000], got '-3'"},
        {"map-type", "name: t\nrun: 5\n", ":2: key 'run': expected a map, got '5'"},
        {"list-type", "name: t\ndevices: {name: a}\n", ":2: key 'devices': expected a list, got a map"},
        {"enum", "name: t\ndriver: {invalidation: sometimes}\n",
         ":2: key 'driver.invalidation': 'sometimes' is not one of: strict, lazy"},
        {"not-a-multiple", "name: t\nsmmu:\n  tbu:\n    main_tlb: {entries: 96, ways: 5}\n",
         ":4: key 'smmu.tbu.main_tlb.entries': 96 entries in 5 ways: entries must be a multiple of ways with a power-of-two number of sets"},
        {"sets-pow2", "name: t\nsmmu:\n  tbu:\n    main_tlb:\n      entries: 96\n      ways: 4\n",
         ":5: key 'smmu.tbu.main_tlb.entries': 96 entries in 4 ways: entries must be a multiple of ways with a power-of-two number of sets"},
        {"queue-pow2", "name: t\ndriver: {cmdq_entries: 100}\n", ":2: key 'driver.cmdq_entries': 100 is not a power of two"},
        {"range", "name: t\nsmmu: {ports: 65}\n", ":2: key 'smmu.ports': 65 is out of range [1, 64]"},
        {"outside-ias", "name: t\ndevices:\n  - name: a\n    sid: 1\n    mappings:\n      - {iova: 0xFFFFC0000000, size: 2G}\n",
         ":6: key 'devices[0].mappings[0].iova': mapping [0xffffc0000000, 0x1000040000000) is outside the 48-bit input address size"},
        {"outside-s2", "name: t\nsmmu: {arch: {oas_bits: 40}}\ndevices:\n  - name: a\n    sid: 1\n    domain: s2\n    mappings:\n"
                       "      - {iova: 0xFFFF000000, size: 32M, page_size: 2M}\n",
         ":8: key 'devices[0].mappings[0].iova': mapping [0xffff000000, 0x10001000000) is outside the 40-bit input address size"},
        {"page-size", "name: t\ndevices:\n  - name: a\n    sid: 1\n    granule: 64K\n    mappings:\n      - {iova: 0, size: 2M, page_size: 2M}\n",
         ":7: key 'devices[0].mappings[0].page_size': not a page size of the 64K granule; valid: 64K, 512M"},
        {"unaligned", "name: t\ndevices:\n  - name: a\n    sid: 1\n    mappings:\n      - {iova: 0x1000, size: 2M, page_size: 2M}\n",
         ":6: key 'devices[0].mappings[0].iova': iova is not aligned to page_size 0x200000"},
        {"required", "devices: []\n", ":1: key 'name': required key is missing"},
        {"required-list", "name: t\ndevices:\n  - sid: 1\n", ":3: key 'devices[0].name': required key is missing"},
        {"bdf-and-sid", "name: t\ndevices:\n  - name: a\n    bdf: \"00:01.0\"\n    sid: 3\n",
         ":5: key 'devices[0].sid': give either bdf or sid, not both"},
        {"no-id", "name: t\ndevices:\n  - name: a\n", ":3: key 'devices[0].bdf': a device needs a bdf (PCI) or a sid (platform device)"},
        {"bad-bdf", "name: t\ndevices:\n  - name: a\n    bdf: \"00:20.0\"\n",
         ":4: key 'devices[0].bdf': '00:20.0': bus <= ff, device <= 1f, function <= 7"},
        {"dup-name", "name: t\ndevices:\n  - {name: a, sid: 1}\n  - {name: a, sid: 2}\n",
         ":4: key 'devices[1].name': duplicate device name 'a'"},
        {"rate-and-gap", "name: t\ndevices:\n  - name: a\n    sid: 1\n    traffic: {rate: 1GB/s, interarrival: 10ns}\n",
         ":5: key 'devices[0].traffic.interarrival': give either rate or interarrival, not both"},
        {"rate-bits", "name: t\ndevices:\n  - name: a\n    sid: 1\n    traffic: {rate: 10Gb/s}\n",
         ":5: key 'devices[0].traffic.rate': expected a rate in bytes per second (e.g. 12.8GB/s), got '10Gb/s'"},
        {"read-ratio", "name: t\ndevices:\n  - name: a\n    sid: 1\n    traffic: {read_ratio: 1.5}\n",
         ":5: key 'devices[0].traffic.read_ratio': must be between 0 and 1"},
        {"trace-missing", "name: t\ndevices:\n  - name: a\n    sid: 1\n    traffic:\n      pattern: trace\n      file: nope.trace\n",
         ":7: key 'devices[0].traffic.file': cannot read '" + tmpdir() + "/nope.trace': No such file or directory"},
        {"sid-size", "name: t\nsmmu: {arch: {sidsize: 8}}\ndevices:\n  - {name: a, sid: 256}\n",
         ":4: key 'devices[0].sid': StreamID 256 does not fit smmu.arch.sidsize = 8 bits"},
        {"malformed", "name: t\ndevices: [\n", ":3: key '(document)': malformed YAML: end of sequence flow not found"},
    };
    for (const Bad &b : cases) {
        std::string f = write(std::string(b.name) + ".yaml", b.yaml);
        auto errs = errors_of(f);
        ASSERT_EQ(errs.size(), 1u) << b.name << (errs.empty() ? "" : ": " + errs[0] + (errs.size() > 1 ? " | " + errs[1] : ""));
        EXPECT_EQ(errs[0], f + b.want) << b.name;
    }
}

TEST(ConfigErrors, UnreadableFile)
{
    auto errs = errors_of(tmpdir() + "/absent.yaml");
    ASSERT_EQ(errs.size(), 1u);
    EXPECT_EQ(errs[0], tmpdir() + "/absent.yaml:0: key '(file)': cannot read: No such file or directory");
}

TEST(ConfigErrors, AllErrorsAreReportedAtOnce)
{
    std::string f = write("many.yaml", "name: t\nfoo: 1\nrun: {duration: 5}\ndriver: {sync: never}\n");
    auto errs = errors_of(f);
    ASSERT_EQ(errs.size(), 3u);
    EXPECT_EQ(errs[0].substr(f.size()), ":2: key 'foo': unknown key; valid keys: name, description, seed, run, smmu, "
                                        "interconnect, memory, driver, devices, vms, timeline, report, expect");
    EXPECT_EQ(errs[2].substr(f.size()), ":4: key 'driver.sync': 'never' is not one of: auto, poll, msi");
}

TEST(ConfigSet, OverridesAnyKey)
{
    std::string f = write("good.yaml", kGood);
    Scenario s;
    std::vector<Error> errs;
    ASSERT_TRUE(load_scenario(f, {"smmu.tbu.main_tlb.entries=512", "driver.invalidation=lazy", "devices[nic].traffic.rate=2GB/s",
                                  "devices[0].mappings[0].page_size=2M", "run.duration=5us"}, &s, &errs))
        << (errs.empty() ? "" : errs[0].str());
    EXPECT_EQ(s.smmu.at("tbu.main_tlb.entries"), "512");
    EXPECT_EQ(s.invalidation, "lazy");
    EXPECT_DOUBLE_EQ(s.devices[0].traffic.rate, 2e9);
    EXPECT_EQ(s.devices[0].mappings[0].page_size, 2u << 20);
    EXPECT_EQ(s.run_duration_ps, 5000000u);
    EXPECT_EQ(s.devices[0].sid, 0x300u);
}

TEST(ConfigSet, BadOverridesNameTheArgument)
{
    std::string f = write("good.yaml", kGood);
    struct Case { std::vector<std::string> sets; std::string want; };
    const Case cases[] = {
        {{"run.duration=1us", "smmu.tbu.main_tlb.entires=5"},
         "--set:2: key 'smmu.tbu.main_tlb.entires': unknown key; valid keys: entries, ways, policy, latency"},
        {{"smmu.tbu.main_tlb.entries=lots"},
         "--set:1: key 'smmu.tbu.main_tlb.entries': expected an unsigned integer in [0, 16777216], got 'lots'"},
        {{"smmu.tbu.main_tlb.ways=6"}, "--set:1: key 'smmu.tbu.main_tlb.ways': 2048 entries in 6 ways: entries must be a multiple of "
                                        "ways with a power-of-two number of sets (entries 2048 from " + std::string(SMMU_SOURCE_DIR) +
                                        "/configs/presets/mmu700.yaml:52)"},
        {{"devices[eth9].traffic.rate=1GB/s"}, "--set:1: key 'devices[eth9].traffic.rate': no element 'eth9' in devices"},
        {{"smmu.tbu=4"}, "--set:1: key 'smmu.tbu': is a map; set one of its keys: utlb, main_tlb, slots"},
        {{"driver.invalidation"}, "--set:1: key 'driver.invalidation': expected key=value"},
        {{"devices[0].mappings[0].iova=0xFFFFFFFF0000"},
         "--set:1: key 'devices[0].mappings[0].iova': mapping [0xffffffff0000, 0x10000001f0000) is outside the 48-bit input address size"},
    };
    for (const Case &c : cases) {
        auto errs = errors_of(f, c.sets);
        ASSERT_EQ(errs.size(), 1u) << c.want;
        EXPECT_EQ(errs[0], c.want);
    }
}

TEST(ConfigValues, Syntax)
{
    uint64_t v;
    EXPECT_TRUE(parse_size("4K", &v)); EXPECT_EQ(v, 4096u);
    EXPECT_TRUE(parse_size("2MiB", &v)); EXPECT_EQ(v, 2u << 20);
    EXPECT_TRUE(parse_size("0x1000", &v)); EXPECT_EQ(v, 0x1000u);
    EXPECT_TRUE(parse_size("1.5K", &v)); EXPECT_EQ(v, 1536u);
    EXPECT_FALSE(parse_size("4X", &v));
    EXPECT_FALSE(parse_size("-4K", &v));
    EXPECT_TRUE(parse_duration("10ns", &v)); EXPECT_EQ(v, 10000u);
    EXPECT_TRUE(parse_duration("1.5us", &v)); EXPECT_EQ(v, 1500000u);
    EXPECT_FALSE(parse_duration("10", &v));
    double d;
    EXPECT_TRUE(parse_rate("12.8GB/s", &d)); EXPECT_DOUBLE_EQ(d, 12.8e9);
    EXPECT_TRUE(parse_rate("500MB/s", &d)); EXPECT_DOUBLE_EQ(d, 5e8);
    EXPECT_FALSE(parse_rate("1Gb/s", &d));
    EXPECT_TRUE(parse_frequency("1.2GHz", &d)); EXPECT_DOUBLE_EQ(d, 1.2e9);
}

int run_check(const std::vector<std::string> &args, std::string *err)
{
    std::string cmd = SMMU_SIM_CHECK;
    for (auto &a : args) cmd += " '" + a + "'";
    cmd += " 2>&1 >/dev/null";
    FILE *p = popen(cmd.c_str(), "r");
    char buf[4096];
    err->clear();
    while (size_t n = fread(buf, 1, sizeof buf, p)) err->append(buf, n);
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

TEST(CheckTool, ExitCodes)
{
    std::string err;
    EXPECT_EQ(run_check({write("good.yaml", kGood)}, &err), 0) << err;
    std::string bad = write("bad-tool.yaml", "name: t\nrun: {duration: 3}\n");
    EXPECT_EQ(run_check({bad}, &err), 1);
    EXPECT_EQ(err, bad + ":2: key 'run.duration': expected a duration with a unit (ps, ns, us, ms, s), got '3'\n");
    EXPECT_EQ(run_check({write("good.yaml", kGood), "--set", "driver.sync=maybe"}, &err), 1);
    EXPECT_EQ(err, "--set:1: key 'driver.sync': 'maybe' is not one of: auto, poll, msi\n");
    EXPECT_EQ(run_check({"--bogus"}, &err), 2);
}

TEST(CheckTool, ShippedScenariosAreValid)
{
    std::string dir = std::string(SMMU_SOURCE_DIR) + "/configs/scenarios";
    DIR *d = opendir(dir.c_str());
    ASSERT_NE(d, nullptr);
    unsigned n = 0;
    while (dirent *e = readdir(d)) {
        std::string f = e->d_name;
        if (f.size() < 5 || f.substr(f.size() - 5) != ".yaml") continue;
        std::string err;
        EXPECT_EQ(run_check({dir + "/" + f}, &err), 0) << f << ": " << err;
        n++;
    }
    closedir(d);
    EXPECT_GE(n, 8u);
}

TEST(Schema, DocumentsEveryKey)
{
    std::string md = schema_markdown();
    EXPECT_NE(md.find("| `smmu.tbu.main_tlb.entries` | unsigned integer |"), std::string::npos);
    EXPECT_NE(md.find("| `devices[].traffic.zipf_s` | number | `1.0` |"), std::string::npos);
    EXPECT_NE(md.find("| `driver.invalidation` | one of strict/lazy | `strict` |"), std::string::npos);
}

// docs/config-keys.md is generated from the schema (smmu-sim-check --keys); it must not drift from it.
TEST(Schema, GeneratedKeyDocMatchesTheSchema)
{
    std::ifstream f(std::string(SMMU_SOURCE_DIR) + "/docs/config-keys.md");
    ASSERT_TRUE(f.good());
    std::string doc((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    size_t table = doc.find("| key | type | default | meaning |");
    ASSERT_NE(table, std::string::npos);
    EXPECT_EQ(doc.substr(table), schema_markdown())
        << "regenerate the table: build/platforms/sim/smmu-sim-check --keys, paste it over docs/config-keys.md's table";
}

} // namespace

#include "config/sweep.h"

namespace {

TEST(Sweep, GridExpandsIntoValidatedPoints)
{
    Sweep s;
    std::vector<Error> errs;
    ASSERT_TRUE(load_sweep(std::string(SMMU_SOURCE_DIR) + "/configs/sweeps/tlb-size.yaml", &s, &errs))
        << (errs.empty() ? "" : errs[0].str());
    ASSERT_EQ(s.points.size(), 8u);
    EXPECT_EQ(s.points[0], (std::vector<std::string>{"run.duration=200us", "smmu.tbu.main_tlb.entries=128", "smmu.preset=mmu600"}));
    EXPECT_EQ(s.points[7], (std::vector<std::string>{"run.duration=200us", "smmu.tbu.main_tlb.entries=8192", "smmu.preset=mmu700"}));
    EXPECT_EQ(s.metrics, (std::vector<std::string>{"tlb_hit_rate", "mean_translation_ns", "p99_latency_ns", "throughput_gbps"}));
    EXPECT_EQ(shard(8, 1, 3), (std::vector<size_t>{1, 4, 7}));
    EXPECT_EQ(shard(8, 3, 3), (std::vector<size_t>{}));
    Sweep n;
    ASSERT_TRUE(load_sweep(std::string(SMMU_SOURCE_DIR) + "/configs/sweeps/nic-page-size.yaml", &n, &errs));
    EXPECT_EQ(n.points.size(), 6u);
}

TEST(Sweep, BadGridKeysAndValuesAreReported)
{
    std::string scen = std::string(SMMU_SOURCE_DIR) + "/configs/scenarios/gpu-copy.yaml";
    std::string f = write("bad-sweep.yaml", "scenario: " + scen + "\ngrid:\n  smmu.tbu.main_tlb.ways: [4, 6]\n");
    Sweep s;
    std::vector<Error> errs;
    EXPECT_FALSE(load_sweep(f, &s, &errs));
    ASSERT_EQ(errs.size(), 1u);
    EXPECT_EQ(errs[0].str(), f + ":3: key 'smmu.tbu.main_tlb.ways': grid point 1: 2048 entries in 6 ways: entries must be a multiple "
                             "of ways with a power-of-two number of sets (entries 2048 from " + std::string(SMMU_SOURCE_DIR) +
                             "/configs/presets/mmu700.yaml:52)");
    errs.clear();
    f = write("bad-sweep2.yaml", "scenario: x.yaml\ngird: {a: [1]}\n");
    EXPECT_FALSE(load_sweep(f, &s, &errs));
    ASSERT_EQ(errs.size(), 1u);
    EXPECT_EQ(errs[0].str(), f + ":2: key 'gird': unknown key; valid keys: scenario, grid, set, metrics");
}

} // namespace
