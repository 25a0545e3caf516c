// SPDX-License-Identifier: BSD-3-Clause
// smmu-sweep: a 2x2 grid of short smmu-sim runs in parallel, collected into one CSV and plot; shards; resumable
// points (markers, --status, --collect); the Slurm batch script (--slurm --dry-run); bad input. The job array on a
// real Slurm is slurm_sweep_test.sh (label slurm).
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

// A shell command line; stdout and stderr together.
Result run_sh(const std::string &cmd)
{
    Result r{-1, ""};
    FILE *p = popen((cmd + " 2>&1").c_str(), "r");
    char buf[4096];
    while (size_t k = fread(buf, 1, sizeof buf, p)) r.out.append(buf, k);
    int st = pclose(p);
    r.rc = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
}

Result run(const std::string &args) { return run_sh(kSweep + " " + args); }

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

std::string slurp(const std::string &path)
{
    std::ifstream f(path);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

bool contains(const std::string &hay, const std::string &needle) { return hay.find(needle) != std::string::npos; }

// Each point keeps its configuration, command, log and a marker; a rerun runs only what has no good marker.
TEST(Sweep, RerunSkipsDonePointsAndRedoesTheOthers)
{
    NEED_TOOLS();
    std::string out = tmpdir() + "/resume", p0 = out + "/point-0000";
    Result r = run(tiny_sweep() + " --jobs 2 --out " + out);
    ASSERT_EQ(r.rc, 0) << r.out;
    EXPECT_TRUE(contains(slurp(p0 + "/config.json"), "\"duration\"")) << slurp(p0 + "/config.json");
    EXPECT_TRUE(contains(slurp(p0 + "/command.txt"), "'--out' '" + p0 + "' '--set' 'run.duration=20us'")) << slurp(p0 + "/command.txt");
    EXPECT_TRUE(exists(p0 + "/log.txt"));
    EXPECT_EQ(slurp(p0 + "/done").rfind("status 0\nhost ", 0), 0u) << slurp(p0 + "/done");
    EXPECT_TRUE(contains(slurp(p0 + "/done"), "\njob local\n"));
    EXPECT_FALSE(exists(p0 + "/running"));
    const std::string marker0 = slurp(p0 + "/done");

    // Point 1 interrupted (no marker), point 2 never run, point 3 finished with smmu-sim's exit 1.
    ASSERT_EQ(std::remove((out + "/point-0001/done").c_str()), 0);
    ASSERT_EQ(std::system(("rm -rf " + out + "/point-0002").c_str()), 0);
    std::ofstream(out + "/point-0003/done") << "status 1\nhost h\npid 1\njob 7_4\n";
    r = run(tiny_sweep() + " --out " + out + " --status");
    EXPECT_EQ(r.rc, 0) << r.out;
    EXPECT_TRUE(contains(r.out, ": 4 points in " + out + ": 1 done, 0 running, 2 failed, 1 missing")) << r.out;
    r = run(tiny_sweep() + " --out " + out + " --collect");
    EXPECT_EQ(r.rc, 1) << r.out;
    EXPECT_TRUE(contains(r.out, "wrote " + out + "/sweep.csv (2 rows)")) << r.out;
    EXPECT_TRUE(contains(r.out, "3 of 4 points not done:")) << r.out;
    EXPECT_TRUE(contains(r.out, "point 1: interrupted: started but no completion marker, log " + out + "/point-0001/log.txt")) << r.out;
    EXPECT_TRUE(contains(r.out, "point 2: missing: not run with this configuration (" + out + "/point-0002)")) << r.out;
    EXPECT_TRUE(contains(r.out, "point 3: failed (exit 1, host h pid 1 job 7_4), log " + out + "/point-0003/log.txt")) << r.out;
    auto rows = read_csv(out + "/sweep.csv");
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[2][0], "3");
    EXPECT_EQ(rows[2][3], "1");

    r = run(tiny_sweep() + " --jobs 2 --out " + out);
    ASSERT_EQ(r.rc, 0) << r.out;
    EXPECT_TRUE(contains(r.out, "point 0 (devices[nic0].mappings[1].page_size=4K, devices[nic0].traffic.outstanding=4): done earlier, skipped"))
        << r.out;
    for (const char *p : {"point 1 (", "point 2 (", "point 3 ("}) EXPECT_TRUE(contains(r.out, std::string("] ") + p)) << p << r.out;
    EXPECT_FALSE(contains(r.out, "] point 0 (")) << r.out;
    EXPECT_EQ(slurp(p0 + "/done"), marker0);
    r = run(tiny_sweep() + " --out " + out + " --status");
    EXPECT_TRUE(contains(r.out, "4 done, 0 running, 0 failed, 0 missing")) << r.out;
    EXPECT_EQ(run(tiny_sweep() + " --out " + out + " --collect").rc, 0);

    // Another configuration for every point (an extra --set): nothing done counts, every point runs again.
    r = run(tiny_sweep() + " --out " + out + " --set seed=7 --status");
    EXPECT_TRUE(contains(r.out, "0 done, 0 running, 0 failed, 4 missing")) << r.out;
}

// A point claimed by a live process is left to it; a claim whose process is gone is an interrupted point, run again.
TEST(Sweep, ClaimedPointRunsOnceAndADeadClaimIsRedone)
{
    NEED_TOOLS();
    std::string out = tmpdir() + "/claims", p0 = out + "/point-0000";
    ASSERT_EQ(run(tiny_sweep() + " --jobs 1 --shard 1/4 --out " + out).rc, 0);
    char host[256] = {};
    ASSERT_EQ(gethostname(host, sizeof host - 1), 0);
    ASSERT_EQ(std::remove((p0 + "/done").c_str()), 0);
    std::ofstream(p0 + "/running") << "host " << host << "\npid " << getpid() << "\njob local\n";
    Result r = run(tiny_sweep() + " --out " + out + " --status");
    EXPECT_TRUE(contains(r.out, ": 4 points in " + out + ": 0 done, 1 running, 0 failed, 3 missing")) << r.out;
    r = run(tiny_sweep() + " --jobs 1 --shard 1/4 --out " + out);
    EXPECT_EQ(r.rc, 1) << r.out;   // the point is not done yet
    EXPECT_TRUE(contains(r.out, "): running, skipped (host " + std::string(host) + " pid " + std::to_string(getpid()) + " job local)")) << r.out;
    EXPECT_TRUE(contains(r.out, "point 0: running (host ")) << r.out;
    // Another host without a Slurm job cannot be probed: its claim stands.
    std::ofstream(p0 + "/running") << "host elsewhere.example\npid 1\njob local\n";
    EXPECT_TRUE(contains(run(tiny_sweep() + " --out " + out + " --status").out, "0 done, 1 running, 0 failed, 3 missing"));
    pid_t gone = fork();
    if (gone == 0) _exit(0);
    ASSERT_GT(gone, 0);
    waitpid(gone, nullptr, 0);
    std::ofstream(p0 + "/running") << "host " << host << "\npid " << gone << "\njob 12_1\n";
    EXPECT_TRUE(contains(run(tiny_sweep() + " --out " + out + " --status").out, "0 done, 0 running, 1 failed, 3 missing"));
    r = run(tiny_sweep() + " --jobs 1 --shard 1/4 --out " + out);
    EXPECT_EQ(r.rc, 0) << r.out;
    EXPECT_TRUE(contains(r.out, "[1/1] point 0 (")) << r.out;
    EXPECT_FALSE(exists(p0 + "/running"));
    EXPECT_TRUE(contains(slurp(p0 + "/done"), "\njob local\n"));
}

// What each Slurm array task runs: points only, no CSV or plot; exit 1 when one of them failed.
TEST(Sweep, NoCollectRunsPointsOnly)
{
    NEED_TOOLS();
    std::string out = tmpdir() + "/nocollect", bad = tmpdir() + "/nocollect-bad";
    Result r = run(tiny_sweep() + " --jobs 2 --shard 2/2 --no-collect --out " + out);
    EXPECT_EQ(r.rc, 0) << r.out;
    EXPECT_TRUE(exists(out + "/point-0001/done") && exists(out + "/point-0003/done"));
    EXPECT_FALSE(exists(out + "/sweep-shard-2-of-2.csv") || exists(out + "/sweep.csv") || contains(r.out, "wrote ")) << r.out;
    r = run(tiny_sweep() + " --jobs 2 --shard 2/2 --no-collect --sim /bin/false --out " + bad);
    EXPECT_EQ(r.rc, 1) << r.out;
    EXPECT_TRUE(contains(r.out, "point 1 (devices[nic0].mappings[1].page_size=4K, devices[nic0].traffic.outstanding=16): exit 1, see " + bad +
                                    "/point-0001/log.txt")) << r.out;
    EXPECT_EQ(slurp(bad + "/point-0001/done").rfind("status 1\n", 0), 0u);
    r = run(tiny_sweep() + " --out " + bad + " --status");
    EXPECT_TRUE(contains(r.out, "0 done, 0 running, 2 failed, 2 missing")) << r.out;
}

// A marker that cannot be replaced is a named write failure and a non-zero exit, not a silently stale point.
TEST(Sweep, UnwritablePointIsReported)
{
    NEED_TOOLS();
    std::string out = tmpdir() + "/unwritable";
    ASSERT_EQ(std::system(("mkdir -p " + out + "/point-0000/done/x").c_str()), 0);
    std::ofstream(out + "/point-0000/command.txt") << "x\n";
    Result r = run(tiny_sweep() + " --jobs 1 --shard 1/4 --out " + out);
    EXPECT_EQ(r.rc, 1) << r.out;
    EXPECT_TRUE(contains(r.out, "cannot write " + out + "/point-0000/done: ")) << r.out;
    ASSERT_EQ(std::system(("mkdir -p " + out + "/sweep.csv").c_str()), 0);
    r = run(tiny_sweep() + " --out " + out + " --collect");
    EXPECT_EQ(r.rc, 1) << r.out;
    EXPECT_TRUE(contains(r.out, "cannot write " + out + "/sweep.csv: ")) << r.out;
}

TEST(Sweep, SlurmDryRunPrintsTheJobArrayScript)
{
    NEED_TOOLS();
    std::string out = tmpdir() + "/slurm-dry";
    Result r = run(tiny_sweep() + " --out " + out + " --slurm --dry-run --shards 2 --max-parallel 1 --time 1-2:30 --partition debug,long --jobs 2");
    ASSERT_EQ(r.rc, 0) << r.out;
    for (const std::string &line : {std::string("#!/bin/sh\n"), std::string("\n#SBATCH --array=1-2%1\n"), std::string("\n#SBATCH --cpus-per-task=2\n"),
                                    std::string("\n#SBATCH --time=1-2:30\n"), std::string("\n#SBATCH --partition=debug,long\n"),
                                    "\n#SBATCH --output=" + out + "/slurm/task-%A_%a.log\n",
                                    "\nexec '" + kSweep + "' '" + tiny_sweep() + "' --out '" + out + "' --sim '" + kSim +
                                        "' --jobs 2 --no-collect --shard \"$SLURM_ARRAY_TASK_ID/2\"\n"})
        EXPECT_TRUE(contains(r.out, line)) << line << "\n---\n" << r.out;
    EXPECT_FALSE(exists(out)) << "--dry-run wrote " << out;
    // Defaults: one task per point, no throttle, one smmu-sim per task, no partition or time limit.
    r = run(tiny_sweep() + " --out " + out + " --slurm --dry-run");
    ASSERT_EQ(r.rc, 0) << r.out;
    EXPECT_TRUE(contains(r.out, "\n#SBATCH --array=1-4\n#SBATCH --ntasks=1\n#SBATCH --cpus-per-task=1\n")) << r.out;
    EXPECT_FALSE(contains(r.out, "--partition") || contains(r.out, "--time")) << r.out;
    // No sbatch on PATH: the script is written, the submission fails with the reason.
    r = run_sh("env PATH=/nonexistent " + kSweep + " " + tiny_sweep() + " --out " + out + " --slurm");
    EXPECT_EQ(r.rc, 1) << r.out;
    EXPECT_TRUE(contains(r.out, "cannot run sbatch: No such file or directory")) << r.out;
    EXPECT_TRUE(exists(out + "/slurm/sweep.sbatch"));
}

TEST(Sweep, BadSlurmAndModeOptionsAreRefusedBeforeAnythingRuns)
{
    NEED_TOOLS();
    struct Case { std::string args, message; int rc; } cases[] = {
        {"--slurm --max-parallel 0", "--max-parallel: '0' is not an integer in 1 .. 1000000", 2},
        {"--slurm --shards x", "--shards: 'x' is not an integer in 1 .. 1000000", 2},
        {"--slurm --shards 5", "--shards: 5 array tasks for 4 points (at most one per point)", 2},
        {"--slurm --time 1:2:3:4", "--time: '1:2:3:4' is not a Slurm time limit (minutes, M:S, H:M:S, D-H, D-H:M, D-H:M:S or UNLIMITED)", 2},
        {"--slurm --time 1-", "--time: '1-' is not a Slurm time limit", 2},
        {"--slurm --time 2h", "--time: '2h' is not a Slurm time limit", 2},
        {"--slurm --time", "option '--time' needs a value", 2},
        {"--slurm --partition 'a;b'", "--partition: 'a;b': a partition name has letters, digits, '_', '-' and '.' only", 2},
        {"--slurm --partition ''", "--partition: empty partition name", 2},
        {"--partition debug", "--partition goes with --slurm", 2},
        {"--max-parallel 2", "--max-parallel goes with --slurm", 2},
        {"--dry-run", "--dry-run goes with --slurm", 2},
        {"--slurm --shard 1/2", "--shard runs part of the sweep here; --slurm makes one shard per array task itself", 2},
        {"--collect --shard 1/2", "--shard runs part of the sweep here; --collect and --status cover every point", 2},
        {"--status --collect", "--slurm, --collect, --no-collect and --status exclude each other", 2},
        {"--slurm --no-collect", "--slurm, --collect, --no-collect and --status exclude each other", 2},
        {"--set smmu.tbu.utlb.entries=3", "--set:1: key 'smmu.tbu.utlb.entries': point 0: 3 entries in", 1},
        {"--set seed=1 --set bogus.key=1 --status", "--set:2: key 'bogus.key': point 0: unknown key", 1},
    };
    for (const Case &c : cases) {
        std::string out = tmpdir() + "/refused";
        Result r = run(tiny_sweep() + " --out " + out + " " + c.args);
        EXPECT_EQ(r.rc, c.rc) << c.args << "\n" << r.out;
        EXPECT_TRUE(contains(r.out, c.message)) << c.args << "\n" << r.out;
        EXPECT_FALSE(exists(out)) << c.args;
    }
    Result r = run(tiny_sweep() + " --slurm --out '" + tmpdir() + "/a b'");
    EXPECT_EQ(r.rc, 2);
    EXPECT_TRUE(contains(r.out, "has whitespace, a quote, '\\' or '%', which an #SBATCH line cannot carry")) << r.out;
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
