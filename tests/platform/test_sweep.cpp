// SPDX-License-Identifier: BSD-3-Clause
// smmu-sweep: a 2x2 grid of short smmu-sim runs in parallel, collected into one CSV and plot; shards; bad input.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

const std::string kSim = SMMU_SIM, kSweep = SMMU_SWEEP;
const std::string kScen = std::string(SMMU_SOURCE_DIR) + "/configs/scenarios/";

bool exists(const std::string &p)
{
    struct stat st;
    return stat(p.c_str(), &st) == 0;
}

struct TempDir {
    std::string path;
    ~TempDir() { if (path.rfind("/tmp/smmu-sweep-", 0) == 0) (void)!std::system(("rm -rf '" + path + "'").c_str()); }
} g_tmp;

std::string tmpdir()
{
    if (g_tmp.path.empty()) {
        char t[] = "/tmp/smmu-sweep-XXXXXX";
        g_tmp.path = mkdtemp(t);
    }
    return g_tmp.path;
}

struct Result { int rc; std::string out; };

Result run(const std::string &args)
{
    Result r{-1, ""};
    FILE *p = popen((kSweep + " " + args + " 2>&1").c_str(), "r");
    char buf[4096];
    while (size_t k = fread(buf, 1, sizeof buf, p)) r.out.append(buf, k);
    int st = pclose(p);
    r.rc = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
}

std::vector<std::vector<std::string>> read_csv(const std::string &path)
{
    std::vector<std::vector<std::string>> rows;
    std::ifstream f(path);
    std::string line;
    while (std::getline(f, line)) {
        std::vector<std::string> cells;
        std::stringstream ss(line);
        std::string c;
        while (std::getline(ss, c, ',')) cells.push_back(c);
        rows.push_back(cells);
    }
    return rows;
}

// 2 page sizes x 2 queue depths of the NIC ring, 20us each.
std::string tiny_sweep()
{
    std::string f = tmpdir() + "/tiny.yaml";
    std::ofstream(f) << "scenario: " << kScen << "nic-rx-4k.yaml\n"
                     << "grid:\n  devices[nic0].mappings[1].page_size: [4K, 2M]\n  devices[nic0].traffic.outstanding: [4, 16]\n"
                     << "set:\n  run.duration: 20us\n"
                     << "metrics: [tlb_hit_rate, walks, nic0.transactions, driver.syncs]\n";
    return f;
}

#define NEED_TOOLS() if (!exists(kSim) || !exists(kSweep)) GTEST_SKIP() << "smmu-sim / smmu-sweep not built"

TEST(Sweep, GridRunsInParallelIntoOneCsv)
{
    NEED_TOOLS();
    std::string out = tmpdir() + "/all";
    Result r = run(tiny_sweep() + " --jobs 2 --out " + out);
    ASSERT_EQ(r.rc, 0) << r.out;
    EXPECT_NE(r.out.find("4 points (4 in shard 1/1), 2 at once"), std::string::npos) << r.out;
    auto rows = read_csv(out + "/sweep.csv");
    ASSERT_EQ(rows.size(), 5u);
    EXPECT_EQ(rows[0], (std::vector<std::string>{"point", "devices[nic0].mappings[1].page_size", "devices[nic0].traffic.outstanding",
                                                 "status", "tlb_hit_rate", "walks", "nic0.transactions", "driver.syncs"}));
    const char *grid[4][2] = {{"4K", "4"}, {"4K", "16"}, {"2M", "4"}, {"2M", "16"}};
    for (size_t i = 0; i < 4; i++) {
        auto &row = rows[i + 1];
        ASSERT_EQ(row.size(), 8u);
        EXPECT_EQ(row[0], std::to_string(i));
        EXPECT_EQ(row[1], grid[i][0]);
        EXPECT_EQ(row[2], grid[i][1]);
        EXPECT_EQ(row[3], "0");
        EXPECT_GT(std::stod(row[6]), 100.0);
        EXPECT_GT(std::stod(row[7]), 0.0);
        EXPECT_TRUE(exists(out + "/point-000" + std::to_string(i) + "/report.json"));
    }
    // 2M blocks: higher hit rate and fewer walks than 4K pages at the same queue depth.
    for (size_t d = 0; d < 2; d++) {
        EXPECT_GT(std::stod(rows[3 + d][4]), std::stod(rows[1 + d][4]));
        EXPECT_LT(std::stod(rows[3 + d][5]), std::stod(rows[1 + d][5]));
    }
    std::ifstream dat(out + "/sweep.dat");
    EXPECT_TRUE(dat.good());
    if (std::system("gnuplot --version >/dev/null 2>&1") != 0) GTEST_SKIP() << "gnuplot not installed: PNG not checked";
    std::ifstream png(out + "/sweep.png", std::ios::binary);
    char sig[4] = {};
    png.read(sig, 4);
    EXPECT_EQ(std::string(sig + 1, 3), "PNG");
}

TEST(Sweep, ShardRunsEveryNthPoint)
{
    NEED_TOOLS();
    std::string out = tmpdir() + "/shard";
    Result r = run(tiny_sweep() + " --jobs 1 --shard 2/2 --out " + out);
    ASSERT_EQ(r.rc, 0) << r.out;
    auto rows = read_csv(out + "/sweep-shard-2-of-2.csv");
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[1][0], "1");
    EXPECT_EQ(rows[2][0], "3");
    EXPECT_EQ(rows[2][1], "2M");
    EXPECT_FALSE(exists(out + "/point-0000"));
    EXPECT_FALSE(exists(out + "/point-0002"));
}

// The translation kinds are sweep metrics; a rate over several devices is weighted by their translations.
TEST(Sweep, TranslationKindsAreMetricsWeightedByTranslations)
{
    NEED_TOOLS();
    std::string f = tmpdir() + "/kinds.yaml", out = tmpdir() + "/kinds";
    std::ofstream(f) << "scenario: " << kScen << "default.yaml\ngrid:\n  run.duration: [20us]\n"
                     << "set:\n  report.plots: false\nmetrics: [translations, shared_walks, shared_walk_rate, walk_rate]\n";
    Result r = run(f + " --jobs 1 --out " + out);
    ASSERT_EQ(r.rc, 0) << r.out;
    auto rows = read_csv(out + "/sweep.csv");
    ASSERT_EQ(rows.size(), 2u);
    ASSERT_EQ(rows[1].size(), 7u);
    const double xl = std::stod(rows[1][3]), shared = std::stod(rows[1][4]);
    ASSERT_GT(xl, 0.0);
    EXPECT_GT(shared, 0.0);
    EXPECT_NEAR(std::stod(rows[1][5]), shared / xl, 1e-4);
    EXPECT_GT(std::stod(rows[1][6]), 0.0);
}

TEST(Sweep, BadInputIsRefused)
{
    NEED_TOOLS();
    EXPECT_EQ(run(tiny_sweep() + " --shard 3/2 --out " + tmpdir() + "/x").rc, 2);
    EXPECT_EQ(run(tiny_sweep() + " --shard 0/2 --out " + tmpdir() + "/x").rc, 2);
    EXPECT_EQ(run(tiny_sweep()).rc, 2);   // no --out
    std::string f = tmpdir() + "/badmetric.yaml";
    std::ofstream(f) << "scenario: " << kScen << "nic-rx-4k.yaml\ngrid:\n  driver.invalidation: [strict, lazy]\nmetrics: [tlb_hitrate]\n";
    Result r = run(f + " --out " + tmpdir() + "/y");
    EXPECT_EQ(r.rc, 1);
    EXPECT_NE(r.out.find(f + ":4: key 'metrics': unknown metric 'tlb_hitrate'; valid: transactions, errors,"), std::string::npos) << r.out;
    f = tmpdir() + "/baddriver.yaml";
    std::ofstream(f) << "scenario: " << kScen << "nic-rx-4k.yaml\ngrid:\n  driver.invalidation: [strict, lazy]\nmetrics: [driver.flushes]\n";
    r = run(f + " --out " + tmpdir() + "/y");
    EXPECT_EQ(r.rc, 1);
    EXPECT_NE(r.out.find("unknown metric 'driver.flushes'; driver has: commands, syncs, tlbi,"), std::string::npos) << r.out;
}

} // namespace
