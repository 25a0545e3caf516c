// SPDX-License-Identifier: BSD-3-Clause
// Every shipped scenario runs (short) through smmu-sim and shows its key outcome.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <dirent.h>
#include <fcntl.h>
#include <fstream>
#include <poll.h>
#include <map>
#include <set>
#include <sstream>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

namespace {

const std::string kSim = SMMU_SIM;
const std::string kScen = std::string(SMMU_SOURCE_DIR) + "/configs/scenarios/";

struct SimRun { int rc = -1; std::string out; nlohmann::json report; };

std::string g_last_out;   // --out of the last run

// Removes the runs' output directories when the tests end.
struct TempDirs {
    std::vector<std::string> dirs;
    ~TempDirs() { for (auto &d : dirs) if (d.rfind("/tmp/smmu-sim-", 0) == 0) (void)!std::system(("rm -rf '" + d + "'").c_str()); }
} g_tmp;

std::string make_tmp()
{
    char dir[] = "/tmp/smmu-sim-XXXXXX";
    std::string d = mkdtemp(dir);
    g_tmp.dirs.push_back(d);
    return d;
}

SimRun sim(const std::string &scenario, const std::vector<std::string> &sets, const std::string &duration = "30us")
{
    std::string out = make_tmp();
    g_last_out = out;
    std::string cmd = kSim + " " + kScen + scenario + " --quiet --out " + out + " --set run.duration=" + duration;
    for (auto &s : sets) cmd += " --set '" + s + "'";
    cmd += " 2>&1";
    SimRun r;
    FILE *p = popen(cmd.c_str(), "r");
    char buf[4096];
    while (size_t k = fread(buf, 1, sizeof buf, p)) r.out.append(buf, k);
    int st = pclose(p);
    r.rc = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    std::ifstream js(out + "/report.json");
    if (js) r.report = nlohmann::json::parse(js, nullptr, false);

    return r;
}

bool have_sim()
{
    struct stat st;
    return stat(kSim.c_str(), &st) == 0;
}

#define NEED_SIM() if (!have_sim()) GTEST_SKIP() << "smmu-sim not built (no SystemC module)"

TEST(Scenarios, NicRing2MBeats4K)
{
    NEED_SIM();
    SimRun a = sim("nic-rx-4k.yaml", {}), b = sim("nic-rx-2m.yaml", {});
    ASSERT_EQ(a.rc, 0) << a.out;
    ASSERT_EQ(b.rc, 0) << b.out;
    auto &d4 = a.report["devices"][0], &d2 = b.report["devices"][0];
    EXPECT_GT(d2["utlb_hit_rate"].get<double>(), d4["utlb_hit_rate"].get<double>());
    EXPECT_LT(d2["mean_translation_ns"].get<double>(), d4["mean_translation_ns"].get<double>());
    EXPECT_LT(d2["walks"].get<uint64_t>(), d4["walks"].get<uint64_t>());
}

TEST(Scenarios, StrictInvalidationCostsMoreThanLazy)
{
    NEED_SIM();
    SimRun s = sim("invalidation-storm.yaml", {}), l = sim("invalidation-storm.yaml", {"driver.invalidation=lazy", "driver.lazy_batch=16"});
    ASSERT_EQ(s.rc, 0) << s.out;
    ASSERT_EQ(l.rc, 0) << l.out;
    EXPECT_GT(s.report["driver"]["unmaps"].get<uint64_t>(), 50u);
    EXPECT_GT(s.report["driver"]["tlbi"].get<uint64_t>(), 4 * l.report["driver"]["tlbi"].get<uint64_t>());
    EXPECT_GT(s.report["driver"]["syncs"].get<uint64_t>(), 2 * l.report["driver"]["syncs"].get<uint64_t>());
    EXPECT_GT(l.report["driver"]["lazy_flushes"].get<uint64_t>(), 0u);
}

TEST(Scenarios, StallAndFaultEvents)
{
    NEED_SIM();
    SimRun r = sim("stall-fault.yaml", {});
    ASSERT_EQ(r.rc, 0) << r.out;   // expect.events: F_TRANSLATION
    auto &dev = r.report["devices"];
    EXPECT_EQ(dev[0]["name"], "accel");
    EXPECT_EQ(dev[0]["errors"].get<uint64_t>(), 0u);      // stalls resolved by the handler
    EXPECT_GT(dev[1]["errors"].get<uint64_t>(), 0u);      // reads past the mapping terminate
    EXPECT_GT(r.report["driver"]["resumes"].get<uint64_t>(), 0u);
    EXPECT_GT(r.report["events"]["F_TRANSLATION"].get<uint64_t>(), 0u);
}

TEST(Scenarios, FaultFreeScenariosStayFaultFree)
{
    NEED_SIM();
    for (const char *f : {"gpu-copy.yaml", "nvme-random-4k.yaml", "nested-vm.yaml", "nic-rx-4k.yaml"}) {
        SimRun r = sim(f, {});
        EXPECT_EQ(r.rc, 0) << f << "\n" << r.out;   // expect.no_faults
        EXPECT_GT(r.report["devices"][0]["transactions"].get<uint64_t>(), 0u) << f;
    }
}

TEST(Scenarios, TenantsRunAndReportEachStream)
{
    NEED_SIM();
    SimRun r = sim("tenants-thrash.yaml", {});
    ASSERT_EQ(r.rc, 0) << r.out;
    ASSERT_EQ(r.report["devices"].size(), 4u);
    for (auto &d : r.report["devices"]) EXPECT_GT(d["transactions"].get<uint64_t>(), 0u);
}

double num(const nlohmann::json &j, const char *k)
{
    return j.contains(k) && j[k].is_number() ? j[k].get<double>() : -1.0;
}

TEST(Scenarios, GpuCopyStreamsAtDramBandwidthThroughFewWalks)
{
    NEED_SIM();
    SimRun r = sim("gpu-copy.yaml", {});
    ASSERT_EQ(r.rc, 0) << r.out;
    auto &g = r.report["devices"][0];
    // Offered 32 GB/s of copy against a 25.6 GB/s DRAM: the copy is memory-bound, not translation-bound.
    EXPECT_GT(num(g, "throughput_gbps"), 0.8 * 25.6);
    EXPECT_LT(num(g, "throughput_gbps"), 25.6 * 1.01);
    // Translations served without a walk of their own: TLB hits, and misses that share a walk in flight.
    EXPECT_GT(num(g, "tlb_hit_rate") + num(g, "shared_walk_rate"), 0.99);
    EXPECT_LE(num(g, "walks"), 4.0);   // one per 2M block touched
}

TEST(Scenarios, NvmeRandom4KMissesTheTlbAndLargePagesFixIt)
{
    NEED_SIM();
    SimRun k4 = sim("nvme-random-4k.yaml", {}), g1 = sim("nvme-random-4k.yaml", {"devices[nvme0].mappings[0].page_size=1G"});
    ASSERT_EQ(k4.rc, 0) << k4.out;
    ASSERT_EQ(g1.rc, 0) << g1.out;
    auto &a = k4.report["devices"][0], &b = g1.report["devices"][0];
    ASSERT_GT(num(a, "transactions"), 20.0);
    EXPECT_LT(num(a, "tlb_hit_rate"), 0.1);                               // 1 GiB of 4K pages, random: every read walks
    EXPECT_GE(num(a, "walks"), 0.9 * num(a, "translations"));
    EXPECT_GT(num(b, "tlb_hit_rate"), 0.9);                               // one 1G block
    EXPECT_LT(num(b, "mean_translation_ns"), num(a, "mean_translation_ns"));
}

TEST(Scenarios, TenantsThrashASmallMainTlb)
{
    NEED_SIM();
    // The full 200us: tenants need time to build reuse. A main TLB 64x larger must hit clearly more.
    SimRun s = sim("tenants-thrash.yaml", {}, "200us"), b = sim("tenants-thrash.yaml", {"smmu.tbu.main_tlb.entries=8192"}, "200us");
    ASSERT_EQ(s.rc, 0) << s.out;
    ASSERT_EQ(b.rc, 0) << b.out;
    ASSERT_EQ(s.report["devices"].size(), 4u);
    double hs = 0, hb = 0;
    for (size_t i = 0; i < 4; i++) {
        auto &d = s.report["devices"][i];
        EXPECT_GT(num(d, "transactions"), 0.0);
        EXPECT_LT(num(d, "tlb_hit_rate"), 0.5) << d["name"];
        hs += num(d, "tlb_hit_rate") / 4;
        hb += num(b.report["devices"][i], "tlb_hit_rate") / 4;
    }
    EXPECT_GT(hb, hs + 0.05);
}

TEST(Scenarios, NestedTranslationWalksBothStages)
{
    NEED_SIM();
    SimRun n = sim("nested-vm.yaml", {}), s1 = sim("nested-vm.yaml", {"devices[vm-nic].domain=s1"});
    ASSERT_EQ(n.rc, 0) << n.out;   // expect.no_faults: the guest's tables and buffers all sit in its stage-2 RAM
    ASSERT_EQ(s1.rc, 0) << s1.out;
    auto &dn = n.report["devices"][0], &ds = s1.report["devices"][0];
    EXPECT_GT(num(dn, "transactions"), 0.0);
    EXPECT_EQ(num(dn, "errors"), 0.0);
    // A nested walk also walks stage 2 for every stage-1 table address: more memory reads, slower translation.
    const std::string sid = std::to_string(0x600);
    double rn = n.report["smmu"]["streams"][sid]["mem_reads_per_walk"].get<double>();
    double rs = s1.report["smmu"]["streams"][sid]["mem_reads_per_walk"].get<double>();
    EXPECT_GT(rn, rs + 1.0);
    EXPECT_GT(num(dn, "mean_translation_ns"), num(ds, "mean_translation_ns"));
}

bool have_gnuplot() { return std::system("gnuplot --version >/dev/null 2>&1") == 0; }

bool is_png(const std::string &path)
{
    std::ifstream f(path, std::ios::binary);
    char sig[8] = {};
    f.read(sig, 8);
    return f && std::string(sig, 8) == "\x89PNG\r\n\x1a\n";
}

TEST(Scenarios, DefaultScenarioReportsFaultsCsvAndPlots)
{
    NEED_SIM();
    SimRun r = sim("default.yaml", {}, "50us");
    ASSERT_EQ(r.rc, 0) << r.out;   // expect.events: F_TRANSLATION
    auto &d = r.report["devices"];
    ASSERT_EQ(d.size(), 4u);
    std::vector<std::string> names;
    for (auto &x : d) names.push_back(x["name"]);
    EXPECT_EQ(names, (std::vector<std::string>{"nic0", "gpu", "nvme0", "dma"}));
    // dma reads 20K sequentially through a 16K mapping, twice: the last 4 of every 20 reads fault.
    EXPECT_EQ(num(d[3], "transactions"), 40.0);
    EXPECT_EQ(num(d[3], "errors"), 8.0);
    EXPECT_EQ(r.report["events"]["F_TRANSLATION"].get<int>(), 8);
    EXPECT_EQ(r.report["events"].size(), 1u);
    for (int i = 0; i < 3; i++) EXPECT_EQ(num(d[i], "errors"), 0.0) << names[i];
    EXPECT_GT(num(d[1], "tlb_hit_rate"), num(d[2], "tlb_hit_rate"));   // 2M streaming beats random 4K
    EXPECT_GT(r.report["devices"][0]["throughput_series_gbps"].size(), 10u);
    EXPECT_EQ(r.report["interrupted"], false);

    std::ifstream csv(g_last_out + "/csv/dma.csv");
    std::string header, line;
    ASSERT_TRUE(std::getline(csv, header));
    EXPECT_EQ(header, "issue_ps,latency_ps,addr,op,size,status,sid,served");
    int lines = 0, errors = 0;
    while (std::getline(csv, line)) { lines++; errors += line.find(",error") != std::string::npos; }
    EXPECT_EQ(lines, 40);
    EXPECT_EQ(errors, 8);

    for (const char *f : {"latency_cdf.dat", "tlb_hit_rates.dat", "throughput.dat", "latency_cdf.gp"})
        EXPECT_TRUE(std::ifstream(g_last_out + "/plots/" + f).good()) << f;
    std::ifstream tlb(g_last_out + "/plots/tlb_hit_rates.dat");
    std::getline(tlb, line);
    ASSERT_TRUE(std::getline(tlb, line));
    EXPECT_EQ(line.rfind("\"nic0\" ", 0), 0u) << line;
    if (!have_gnuplot()) GTEST_SKIP() << "gnuplot not installed: PNGs not checked";
    for (const char *f : {"latency_cdf.png", "tlb_hit_rates.png", "throughput.png"})
        EXPECT_TRUE(is_png(g_last_out + "/plots/" + f)) << f;
}

TEST(Scenarios, WithoutGnuplotThePlotDataIsStillWritten)
{
    NEED_SIM();
    std::string out = make_tmp();
    // An empty PATH: the shell finds no gnuplot.
    std::string cmd = "env PATH=/nonexistent " + kSim + " " + kScen + "nvme-random-4k.yaml --quiet --plots --out " + out +
                      " --set run.duration=10us 2>&1";
    FILE *p = popen(cmd.c_str(), "r");
    std::string text;
    char buf[4096];
    while (size_t k = fread(buf, 1, sizeof buf, p)) text.append(buf, k);
    int st = pclose(p);
    EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << text;
    EXPECT_NE(text.find("note: plots not rendered: gnuplot with a PNG terminal not found (Debian: apt-get install gnuplot-nox)"),
              std::string::npos) << text;
    for (const char *f : {"latency_cdf.dat", "tlb_hit_rates.dat", "throughput.dat", "latency_cdf.gp"})
        EXPECT_TRUE(std::ifstream(out + "/plots/" + f).good()) << f;
    EXPECT_FALSE(std::ifstream(out + "/plots/latency_cdf.png").good());
}

// A trace replayed through the SoC: every record becomes one transaction; a malformed line is bad input.
TEST(Scenarios, TraceReplayRunsEveryRecordAndRejectsBadLines)
{
    NEED_SIM();
    std::string dir = make_tmp();
    std::ofstream(dir + "/dev.yaml") << "name: replay\nrun: {duration: 20us}\ndevices:\n  - name: acc\n    sid: 0x40\n"
                                        "    mappings: [{iova: 0x10000000, size: 1M, page_size: 4K}]\n"
                                        "    traffic: {pattern: trace, file: dev.trace, outstanding: 1}\n";
    std::ofstream(dir + "/dev.trace") << "# smmu-trace 1\n0 0x40 - R 0x10000000 64\n1us 0x40 - W 0x10001000 128\n"
                                         "2us 0x40 - R 0x10002000 4096\n3us 0x40 - X 0x10003000 64\n";
    auto run = [&](const std::string &extra, std::string *text) {
        std::string cmd = kSim + " " + dir + "/dev.yaml --quiet --out " + dir + " " + extra + " 2>&1";
        FILE *p = popen(cmd.c_str(), "r");
        char buf[4096];
        while (size_t k = fread(buf, 1, sizeof buf, p)) text->append(buf, k);
        int st = pclose(p);
        return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    };
    std::string text;
    // Stop before the bad line: three good records, three transactions.
    EXPECT_EQ(run("--set devices[acc].traffic.count=3", &text), 0) << text;
    std::ifstream js(dir + "/report.json");
    nlohmann::json rep = nlohmann::json::parse(js, nullptr, false);
    ASSERT_TRUE(rep.is_object()) << text;
    EXPECT_EQ(num(rep["devices"][0], "transactions"), 3.0);
    EXPECT_EQ(num(rep["devices"][0], "bytes"), 64.0 + 128 + 4096);
    EXPECT_EQ(num(rep["devices"][0], "errors"), 0.0);
    text.clear();
    EXPECT_EQ(run("", &text), 1) << text;
    EXPECT_NE(text.find("dev.trace:5: field 'op': 'X' is not R or W"), std::string::npos) << text;
}

// Runs smmu-sim on a scenario file written by a test (into `dir`, with its report there).
SimRun sim_file(const std::string &dir, const std::string &yaml, const std::vector<std::string> &sets = {})
{
    std::ofstream(dir + "/s.yaml") << yaml;
    std::string cmd = kSim + " " + dir + "/s.yaml --quiet --out " + dir;
    for (auto &s : sets) cmd += " --set '" + s + "'";
    SimRun r;
    FILE *p = popen((cmd + " 2>&1").c_str(), "r");
    char buf[4096];
    while (size_t k = fread(buf, 1, sizeof buf, p)) r.out.append(buf, k);
    int st = pclose(p);
    r.rc = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    std::ifstream js(dir + "/report.json");
    if (js) r.report = nlohmann::json::parse(js, nullptr, false);
    return r;
}

const char *const kKinds[] = {"utlb_hits", "main_tlb_hits", "tcu_tlb_hits", "shared_walks", "walks", "bypassed", "failed"};

// Every translation is exactly one kind: the kinds add up to the translations, for a device, each of its
// streams and the module's own per-stream counters.
void expect_kinds_add_up(const nlohmann::json &j, const std::string &what)
{
    double sum = 0;
    for (const char *k : kKinds) { ASSERT_TRUE(j.contains(k)) << what << ": " << k; sum += j[k].get<double>(); }
    EXPECT_EQ(sum, num(j, "translations")) << what;
}

// A 64K-page streaming device with many transactions in flight: misses to a page whose walk is in flight wait
// for it. They are shared walks, not micro-TLB hits, in the summary, report.json, the CSV and the plot data.
TEST(Scenarios, SharedWalksAreTheirOwnKindEverywhere)
{
    NEED_SIM();
    std::string dir = make_tmp();
    SimRun r = sim_file(dir, "name: stream64k\nrun: {duration: 20us}\nreport: {csv_dir: csv, plots: true}\n"
                             "devices:\n  - name: dma\n    sid: 0x20\n    granule: 64K\n"
                             "    mappings: [{iova: 0x10000000, size: 64M, page_size: 64K}]\n"
                             "    traffic: {pattern: sequential, size: 4K, outstanding: 16}\n",
                        {"report.progress=false"});
    ASSERT_EQ(r.rc, 0) << r.out;
    const auto &d = r.report["devices"][0];
    expect_kinds_add_up(d, "device");
    ASSERT_EQ(d["streams"].size(), 1u);
    expect_kinds_add_up(d["streams"][0], "device stream");
    expect_kinds_add_up(r.report["smmu"]["streams"][std::to_string(0x20)], "module stream");
    const double xl = num(d, "translations");
    ASSERT_GT(xl, 100.0);
    EXPECT_GT(num(d, "shared_walks"), 0.0);
    EXPECT_NEAR(num(d, "utlb_hit_rate"), num(d, "utlb_hits") / xl, 1e-6);   // JSON numbers: 6 significant digits
    EXPECT_NEAR(num(d, "shared_walk_rate"), num(d, "shared_walks") / xl, 1e-6);
    EXPECT_NEAR(num(d, "tlb_hit_rate"), (num(d, "utlb_hits") + num(d, "main_tlb_hits") + num(d, "tcu_tlb_hits")) / xl, 1e-6);
    EXPECT_EQ(d["sid_from"], "device");

    // The summary: xlat and the six kinds' shares, which add up to 100.
    EXPECT_NE(r.out.find("    xlat  utlb%  mtlb%   tcu% shared%  walk% other%     GB/s"), std::string::npos) << r.out;
    std::istringstream text(r.out);
    std::string line;
    bool row = false;
    while (std::getline(text, line)) {
        if (line.rfind("dma ", 0) != 0) continue;
        std::istringstream f(line);
        std::string name, sid;
        double txns, errors, mean, p99, smmu, xlat, pct[6], sum = 0;
        f >> name >> sid >> txns >> errors >> mean >> p99 >> smmu >> xlat;
        for (double &p : pct) { f >> p; sum += p; }
        ASSERT_TRUE(f) << line;
        EXPECT_EQ(sid, "0x20");
        EXPECT_EQ(xlat, xl);
        EXPECT_NEAR(pct[3], 100 * num(d, "shared_walk_rate"), 0.05) << line;
        EXPECT_NEAR(pct[0], 100 * num(d, "utlb_hit_rate"), 0.05) << line;
        EXPECT_NEAR(sum, 100.0, 0.35) << line;
        row = true;
    }
    EXPECT_TRUE(row) << r.out;

    // The CSV: each transaction's kinds; over all rows they count the device's translations.
    std::ifstream csv(dir + "/csv/dma.csv");
    ASSERT_TRUE(std::getline(csv, line));
    EXPECT_EQ(line, "issue_ps,latency_ps,addr,op,size,status,sid,served");
    std::map<std::string, double> kinds;
    while (std::getline(csv, line)) {
        std::string served = line.substr(line.rfind(',') + 1);
        EXPECT_NE(line.find(",0x20,"), std::string::npos) << line;
        for (size_t i = 0; i < served.size();) {
            size_t j = served.find('+', i);
            if (j == std::string::npos) j = served.size();
            std::string k = served.substr(i, j - i);
            double n = 1;
            if (k.find('*') != std::string::npos) { n = std::stod(k.substr(k.find('*') + 1)); k = k.substr(0, k.find('*')); }
            kinds[k] += n;
            i = j + 1;
        }
    }
    EXPECT_EQ(kinds["shared"], num(d, "shared_walks"));
    EXPECT_EQ(kinds["utlb"], num(d, "utlb_hits"));
    EXPECT_EQ(kinds["walk"], num(d, "walks"));
    double all = 0;
    for (auto &kv : kinds) all += kv.second;
    EXPECT_EQ(all, xl);

    // The plot data: the six shares per stream, adding up to 100.
    std::ifstream tlb(dir + "/plots/tlb_hit_rates.dat");
    std::getline(tlb, line);
    EXPECT_EQ(line, "# stream utlb main_tlb tcu_tlb shared_walk walk other (% of translations; they add up to 100)");
    ASSERT_TRUE(std::getline(tlb, line));
    std::istringstream f(line);
    std::string name;
    double pct[6], sum = 0;
    f >> name;
    for (double &p : pct) { f >> p; sum += p; }
    ASSERT_TRUE(f) << line;
    EXPECT_NEAR(pct[3], 100 * num(d, "shared_walk_rate"), 1e-3);
    EXPECT_NEAR(sum, 100.0, 1e-3);          // six figures each to 6 significant digits
}

// Streaming DMA: the driver unmaps a buffer only once the device has finished with it, so remapping never
// faults, however many transactions are in flight.
TEST(Scenarios, DynamicRemapNeverUnmapsABufferInFlight)
{
    NEED_SIM();
    for (unsigned outstanding : {1u, 4u, 16u}) {
        std::string dir = make_tmp();
        SimRun r = sim_file(dir, "name: remap\nrun: {duration: 20us}\nexpect: {no_faults: true}\n"
                                 "devices:\n  - name: nic0\n    sid: 0x10\n"
                                 "    mappings: [{iova: 0x10000000, size: 64K, page_size: 4K}]\n"
                                 "    dynamic: {enabled: true, buffer_size: 4K, remap_every: 3}\n"
                                 "    traffic: {pattern: sequential, size: 1K, rate: 40GB/s, outstanding: " +
                                     std::to_string(outstanding) + "}\n",
                            {"report.progress=false"});
        EXPECT_EQ(r.rc, 0) << outstanding << "\n" << r.out;
        ASSERT_TRUE(r.report.is_object()) << r.out;
        const auto &d = r.report["devices"][0];
        EXPECT_GT(num(d, "transactions"), 40.0) << outstanding;
        EXPECT_EQ(num(d, "errors"), 0.0) << outstanding;
        EXPECT_EQ(r.report["events"].size(), 0u) << outstanding << ": " << r.report["events"].dump();
        EXPECT_GE(num(d, "remaps"), num(d, "transactions") / 3 - 1) << outstanding;
        EXPECT_EQ(num(r.report["driver"], "unmaps"), num(d, "remaps")) << outstanding;
    }
}

// driver.storm: the CPU maps and unmaps buffers of its own, tied to no device's traffic; each unmap is
// invalidated (strict: a TLBI per unmap), in a domain of its own or in a device's domain.
TEST(Scenarios, MapUnmapStormRunsAndInvalidates)
{
    NEED_SIM();
    const std::string yaml = "name: storm\nrun: {duration: 20us}\nexpect: {no_faults: true}\n"
                             "driver: {invalidation: strict, storm: {interval: 200ns, buffers: 8}}\n"
                             "devices:\n  - name: nic0\n    sid: 0x10\n"
                             "    mappings: [{iova: 0x10000000, size: 1M, page_size: 4K}]\n"
                             "    traffic: {pattern: sequential, size: 256, rate: 4GB/s, outstanding: 4}\n";
    for (std::string dev : {"", "nic0"}) {
        std::string dir = make_tmp();
        SimRun r = sim_file(dir, yaml, {"report.progress=false", "driver.storm.device=" + dev});
        ASSERT_EQ(r.rc, 0) << dev << "\n" << r.out;
        const double storm = num(r.report["storm"], "remaps");
        // One pair every 200 ns from the end of setup (about 7 us) to 20 us.
        EXPECT_GE(storm, 50.0) << dev;
        EXPECT_LE(storm, 100.0) << dev;
        EXPECT_EQ(num(r.report["driver"], "unmaps"), storm) << dev;
        EXPECT_GE(num(r.report["driver"], "tlbi"), storm) << dev;
        EXPECT_GT(num(r.report["devices"][0], "transactions"), 100.0) << dev;
        EXPECT_NE(r.out.find("storm: " + std::to_string((int)storm) + " unmap+map pairs"), std::string::npos) << r.out;
    }
    std::string dir = make_tmp();
    SimRun bad = sim_file(dir, yaml, {"driver.storm.device=nic9"});
    EXPECT_EQ(bad.rc, 1);
    EXPECT_NE(bad.out.find("key 'driver.storm.device': no device named 'nic9'"), std::string::npos) << bad.out;
    bad = sim_file(dir, yaml, {"driver.storm.device=nic0", "driver.storm.iova=0x10010000"});
    EXPECT_EQ(bad.rc, 1);
    EXPECT_NE(bad.out.find("key 'driver.storm.iova': the storm's buffers overlap a mapping of device 'nic0'"), std::string::npos)
        << bad.out;
}

// traffic.trace_sid: a trace's StreamIDs are the device's (default), or the trace's own with a row per StreamID;
// never another StreamID than the row shows.
TEST(Scenarios, TraceStreamIdsAreTheDevicesOrTheTracesAndTheRowsSaySo)
{
    NEED_SIM();
    std::string dir = make_tmp();
    std::ofstream(dir + "/t.trace") << "# smmu-trace 1\n0 0x40 - R 0x10000000 64\n100ns 0x77 - R 0x10001000 64\n"
                                       "200ns 0x40 - W 0x10002000 64\n300ns 0x77 - R 0x10003000 64\n400ns 0x77 - R 0x10004000 64\n";
    const std::string yaml = "name: sids\nrun: {duration: 10us}\ndevices:\n  - name: acc\n    sid: 0x40\n"
                             "    mappings: [{iova: 0x10000000, size: 1M, page_size: 4K}]\n"
                             "    traffic: {pattern: trace, file: t.trace, outstanding: 1}\n";
    // device (the default): every record is the device's, whatever its sid field says.
    SimRun r = sim_file(dir, yaml, {"report.progress=false"});
    ASSERT_EQ(r.rc, 0) << r.out;
    auto d = r.report["devices"][0];
    EXPECT_EQ(d["sid_from"], "device");
    EXPECT_EQ(num(d, "sid"), 0x40);
    EXPECT_EQ(num(d, "transactions"), 5.0);
    EXPECT_EQ(num(d, "errors"), 0.0);
    EXPECT_EQ(num(d, "translations"), 5.0);
    ASSERT_EQ(d["streams"].size(), 1u);
    EXPECT_EQ(num(d["streams"][0], "sid"), 0x40);
    EXPECT_FALSE(r.report["smmu"]["streams"].contains(std::to_string(0x77)));
    EXPECT_EQ(r.out.find("warning:"), std::string::npos) << r.out;

    // trace: each record's own StreamID; 0x77 has no STE (no device has it), so its records fail, in its own row.
    r = sim_file(dir, yaml, {"report.progress=false", "devices[acc].traffic.trace_sid=trace"});
    ASSERT_EQ(r.rc, 0) << r.out;
    d = r.report["devices"][0];
    EXPECT_EQ(d["sid_from"], "trace");
    EXPECT_TRUE(d["sid"].is_null());
    EXPECT_EQ(num(d, "transactions"), 5.0);
    EXPECT_EQ(num(d, "errors"), 3.0);
    EXPECT_EQ(num(d, "translations"), 5.0);
    EXPECT_EQ(num(d, "failed"), 3.0);
    expect_kinds_add_up(d, "trace device");
    ASSERT_EQ(d["streams"].size(), 2u);
    EXPECT_EQ(num(d["streams"][0], "sid"), 0x40);
    EXPECT_EQ(num(d["streams"][0], "transactions"), 2.0);
    EXPECT_EQ(num(d["streams"][0], "errors"), 0.0);
    EXPECT_EQ(num(d["streams"][1], "sid"), 0x77);
    EXPECT_EQ(num(d["streams"][1], "transactions"), 3.0);
    EXPECT_EQ(num(d["streams"][1], "errors"), 3.0);
    EXPECT_EQ(num(d["streams"][1], "failed"), 3.0);
    EXPECT_NE(r.out.find("\nacc           trace         5       3 "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\n  acc          0x40         2       0 "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\n  acc          0x77         3       3 "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("warning: device acc: its trace used StreamID 0x77, which is no device's in this scenario"),
              std::string::npos) << r.out;

    SimRun bad = sim_file(dir, yaml, {"devices[acc].traffic.trace_sid=both"});
    EXPECT_EQ(bad.rc, 1);
    EXPECT_NE(bad.out.find("key 'devices[0].traffic.trace_sid'"), std::string::npos) << bad.out;
}

TEST(Scenarios, RunTransactionsStopsTheRun)
{
    NEED_SIM();
    SimRun r = sim("gpu-copy.yaml", {"run.transactions=500"}, "1ms");
    ASSERT_EQ(r.rc, 0) << r.out;
    EXPECT_EQ(num(r.report["devices"][0], "transactions"), 500.0);
    EXPECT_LT(num(r.report, "simulated_ns"), 1e6);
}

// Runs smmu-sim on a pseudo-terminal, interrupts it once progress shows, and returns what the terminal got.
TEST(Scenarios, TerminalShowsProgressAndCtrlCGivesAPartialReport)
{
    NEED_SIM();
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    ASSERT_GE(m, 0);
    ASSERT_EQ(grantpt(m), 0);
    ASSERT_EQ(unlockpt(m), 0);
    std::string slave = ptsname(m);
    std::string out = make_tmp();
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        setsid();
        int s = open(slave.c_str(), O_RDWR);
        dup2(s, 1);
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 2);
        std::string scen = kScen + "gpu-copy.yaml";
        execl(kSim.c_str(), kSim.c_str(), scen.c_str(), "--out", out.c_str(), "--set", "run.duration=1s", (char *)nullptr);
        _exit(127);
    }
    std::string text;
    bool sent = false;
    auto t0 = std::chrono::steady_clock::now();
    for (;;) {
        pollfd p{m, POLLIN, 0};
        if (poll(&p, 1, 200) > 0) {
            char buf[4096];
            ssize_t k = read(m, buf, sizeof buf);
            if (k <= 0) break;   // EIO once the child has exited
            text.append(buf, (size_t)k);
        }
        double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (!sent && (text.find("simulated (") != std::string::npos || el > 20)) { kill(pid, SIGINT); sent = true; }
        if (el > 60) { kill(pid, SIGKILL); break; }
        int st;
        if (sent && waitpid(pid, &st, WNOHANG) == pid) {
            while (poll(&p, 1, 100) > 0) {
                char buf[4096];
                ssize_t k = read(m, buf, sizeof buf);
                if (k <= 0) break;
                text.append(buf, (size_t)k);
            }
            EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 130) << st;
            pid = -1;
            break;
        }
    }
    close(m);
    if (pid > 0) waitpid(pid, nullptr, 0);
    // One updating line: carriage return + erase line, then the progress fields.
    EXPECT_NE(text.find("\r\033[K[gpu-copy] "), std::string::npos) << text;
    EXPECT_NE(text.find(" transactions "), std::string::npos) << text;
    EXPECT_NE(text.find("INTERRUPTED: partial results"), std::string::npos) << text;
    std::ifstream js(out + "/report.json");
    nlohmann::json rep = nlohmann::json::parse(js, nullptr, false);
    ASSERT_TRUE(rep.is_object());
    EXPECT_EQ(rep["interrupted"], true);
    EXPECT_LT(num(rep, "simulated_ns"), 1e9);
    EXPECT_GT(num(rep["devices"][0], "transactions"), 0.0);
}

// Every shipped scenario has an outcome check above.
TEST(Scenarios, LinuxBlockTraceReplaysWithoutFaults)
{
    NEED_SIM();
    // The DMA a Debian guest made through the core on QEMU (configs/traces): every record translated.
    SimRun r = sim("linux-block.yaml", {}, "200ms");
    ASSERT_EQ(r.rc, 0) << r.out;
    ASSERT_EQ(r.report["devices"].size(), 2u) << r.out;
    for (auto &d : r.report["devices"]) {
        EXPECT_EQ(d["transactions"].get<uint64_t>(), 3000u) << d["name"];
        EXPECT_EQ(d["errors"].get<uint64_t>(), 0u) << d["name"];
        EXPECT_EQ(d["failed"].get<uint64_t>(), 0u) << d["name"];
        EXPECT_GE(d["translations"].get<uint64_t>(), 3000u) << d["name"];
    }
    EXPECT_TRUE(r.report["events"].empty()) << r.report["events"];
}

TEST(Scenarios, EveryShippedScenarioIsChecked)
{
    const std::set<std::string> checked = {"default.yaml", "nic-rx-4k.yaml", "nic-rx-2m.yaml", "gpu-copy.yaml",
                                           "nvme-random-4k.yaml", "tenants-thrash.yaml", "invalidation-storm.yaml",
                                           "nested-vm.yaml", "stall-fault.yaml", "linux-block.yaml", "gpu-ats.yaml",
                                           "sva-pri.yaml", "nic-to-vm.yaml", "sva-processes.yaml"};   // the last two: test_timeline.cpp
    DIR *d = opendir(kScen.c_str());
    ASSERT_NE(d, nullptr);
    while (dirent *e = readdir(d)) {
        std::string f = e->d_name;
        if (f.size() > 5 && f.substr(f.size() - 5) == ".yaml") { EXPECT_TRUE(checked.count(f)) << f << " has no outcome test"; }
    }
    closedir(d);
}

TEST(Scenarios, BadInputExitsNonZero)
{
    NEED_SIM();
    SimRun r = sim("nic-rx-4k.yaml", {"smmu.tbu.main_tlb.ways=3"});
    EXPECT_EQ(r.rc, 1);
    EXPECT_NE(r.out.find("--set:2: key 'smmu.tbu.main_tlb.ways': 2048 entries in 3 ways: entries must be a multiple of ways with a "
                         "power-of-two number of sets (entries 2048 from "), std::string::npos) << r.out;
}

// smmu_create's rules reach the user as an error before the run, not as a SystemC report; a preset value that
// exists only with a feature the scenario turns off follows it (stall_model 1 drops the preset's STALL_MAX).
TEST(Scenarios, SmmuConfigurationRulesBeforeTheRun)
{
    NEED_SIM();
    struct Case { std::vector<std::string> sets; int rc; const char *msg; };
    const Case cases[] = {
        {{"smmu.arch.stall_model=1"}, 0, nullptr},
        {{"smmu.arch.s2p=false"}, 0, nullptr},
        {{"smmu.arch.stall_model=1", "smmu.arch.stall_max=3"}, 1,
         "--set:3: key 'smmu.arch.stall_max': the SMMU model refuses this configuration: stall_max 3: must be 0 with the "
         "terminate-only stall_model 1 (IDR5.STALL_MAX is RES0)"},
        {{"smmu.arch.s2p=false", "smmu.arch.vmw=true"}, 1,
         "key 'smmu.arch.vmw': the SMMU model refuses this configuration: vmw: IDR0.VMW needs s2p (RES0 when IDR0.S2P == 0)"},
        {{"smmu.arch.st_2lvl=false"}, 1,
         "key 'smmu.arch.sidsize': the SMMU model refuses this configuration: sidsize 16: SIDSIZE >= 7 needs st_2lvl "
         "(IDR1.SIDSIZE >= 7 requires IDR0.ST_LEVEL != 0b00)"},
    };
    for (const auto &c : cases) {
        SimRun r = sim("nic-rx-4k.yaml", c.sets, "1us");
        EXPECT_EQ(r.rc, c.rc) << c.sets[0] << "\n" << r.out;
        if (c.msg) {
            EXPECT_NE(r.out.find(c.msg), std::string::npos) << r.out;
            EXPECT_EQ(r.out.find("In file:"), std::string::npos) << "no SystemC report: " << r.out;
        }
    }
}

// PCIe ATS (IHI 0070 3.9): the same GPU traffic with and without an ATC. The ATC answers most accesses, so the
// SMMU does far fewer lookups; each unmap of the ATS device adds CMD_ATC_INV and a CMD_SYNC that waits for the
// device's completion (ats.inv_latency 1 us).
TEST(Scenarios, GpuAtsLowersSmmuLookupsAndAddsInvalidationCost)
{
    NEED_SIM();
    SimRun r = sim("gpu-ats.yaml", {}, "60us");
    ASSERT_EQ(r.rc, 0) << r.out;
    const auto &a = r.report["devices"][0], &n = r.report["devices"][1];
    ASSERT_EQ(a["name"], "gpu_ats");
    ASSERT_TRUE(n["ats"].is_null());
    const auto &ats = a["ats"];
    EXPECT_EQ(num(ats, "atc_lookups"), num(a, "transactions"));
    EXPECT_GT(num(ats, "atc_hit_rate"), 0.5);
    EXPECT_EQ(num(ats, "smmu_lookups_saved"), num(ats, "atc_hits"));
    EXPECT_EQ(num(ats, "translation_requests"), num(ats, "atc_lookups") - num(ats, "atc_hits") + num(ats, "stale_completions"));
    EXPECT_EQ(num(a, "smmu_lookups"), num(a, "translations") + num(ats, "translation_requests"));
    EXPECT_EQ(num(a, "translations"), 0.0) << "every access went out translated";
    EXPECT_EQ(num(ats, "translated_transactions"), num(a, "transactions"));
    EXPECT_EQ(num(n, "smmu_lookups"), num(n, "translations"));
    const double per_txn_ats = num(a, "smmu_lookups") / num(a, "transactions"), per_txn = num(n, "smmu_lookups") / num(n, "transactions");
    EXPECT_LT(per_txn_ats, 0.5 * per_txn) << per_txn_ats << " vs " << per_txn;
    // The invalidation cost: one CMD_ATC_INV per unmap of the ATS device, each completed by it after 1 us, and
    // its unmaps take that much longer than the other device's.
    EXPECT_GT(num(a, "unmaps"), 5.0);
    EXPECT_EQ(num(r.report["driver"], "atc_inv"), num(a, "unmaps"));
    EXPECT_EQ(num(ats, "atc_invalidations"), num(a, "unmaps"));
    EXPECT_EQ(num(r.report["atc_inv"], "completed"), num(a, "unmaps"));
    EXPECT_EQ(num(r.report["atc_inv"], "timeouts"), 0.0);
    EXPECT_GE(num(r.report["atc_inv"], "mean_latency_ns"), 1000.0);
    EXPECT_GT(num(a, "unmap_mean_ns"), num(n, "unmap_mean_ns") + 1000.0);
    EXPECT_NE(r.out.find("ats gpu_ats: ATC 256 entries lru, hit rate "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("atc_inv: "), std::string::npos) << r.out;
}

// PCIe PRI (chapter 8): the demand-paged SVA device's first touch of each page raises a Page Request the driver
// services (2 us), then translates again; the same device with its pages mapped up front raises none.
TEST(Scenarios, SvaPriDemandFaultsCostPageRequestServiceLatency)
{
    NEED_SIM();
    SimRun r = sim("sva-pri.yaml", {"report.csv_dir=csv"}, "60us");
    ASSERT_EQ(r.rc, 0) << r.out;
    const auto &p = r.report["devices"][0], &m = r.report["devices"][1];
    ASSERT_EQ(p["name"], "sva_pri");
    const auto &pa = p["ats"], &ma = m["ats"];
    EXPECT_GT(num(pa, "page_requests"), 5.0);
    EXPECT_EQ(num(pa, "pri_success"), num(pa, "page_requests"));
    EXPECT_EQ(num(pa, "pri_refused"), 0.0);
    EXPECT_GE(num(pa, "translation_requests_no_access"), num(pa, "page_requests"));
    EXPECT_EQ(num(ma, "page_requests"), 0.0);
    EXPECT_EQ(num(ma, "translation_requests_no_access"), 0.0);
    EXPECT_GE(num(pa, "page_request_service_mean_ns"), 2000.0) << "at least the driver's service time";
    EXPECT_GE(num(pa, "page_request_service_max_ns"), num(pa, "page_request_service_p99_ns"));
    EXPECT_EQ(num(r.report["driver"], "page_requests"), num(pa, "page_requests"));
    EXPECT_EQ(num(r.report["driver"], "pri_responses"), num(pa, "page_requests"));
    EXPECT_EQ(num(r.report["smmu"]["pri"], "queued"), num(pa, "page_requests"));
    EXPECT_GT(num(p, "max_latency_ns"), num(m, "max_latency_ns") + 2000.0);
    EXPECT_GT(num(p, "mean_latency_ns"), num(m, "mean_latency_ns"));
    EXPECT_NE(r.out.find("pri sva_pri: "), std::string::npos) << r.out;
    // The CSV names what each access took: a page's first access "ats*2+pri", an ATC hit "atc".
    std::ifstream csv(g_last_out + "/csv/sva_pri.csv");
    std::string line, all;
    while (std::getline(csv, line)) all += line + "\n";
    EXPECT_NE(all.find(",ok,0xa00,ats*2+pri\n"), std::string::npos);
    EXPECT_NE(all.find(",ok,0xa00,atc\n"), std::string::npos);
}

} // namespace
