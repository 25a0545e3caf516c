// SPDX-License-Identifier: BSD-3-Clause
// Every tool's command line: --help on stdout with exit 0, unknown options named with exit 2, numeric options
// checked against their range, every file write checked (a full disk, a path under a regular file, a short
// write), the converter's '-' streams and no partial output, and smmu-sim's run-time trace errors.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli_util.h"

using clitest::Cmd;
using clitest::exists;
using clitest::run;

namespace {

const std::string kSim = SMMU_SIM, kSweep = SMMU_SWEEP, kScen = std::string(SMMU_SOURCE_DIR) + "/configs/scenarios/";
#ifdef SMMU_SIM_CHECK
const std::string kCheck = SMMU_SIM_CHECK;
#else
const std::string kCheck = "/nonexistent/smmu-sim-check";
#endif
#ifdef SMMU_TRACE_CONVERT
const std::string kConvert = SMMU_TRACE_CONVERT;
#else
const std::string kConvert = "/nonexistent/smmu-trace-convert";
#endif

#define NEED(tool) if (!exists(tool)) GTEST_SKIP() << tool << " not built"

bool contains(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

// A short write: the shell limits the size of any file the tool writes to `blocks` 512-byte blocks and ignores
// SIGXFSZ, so write() fails with EFBIG once a file reaches it.
std::string limited(const std::string &cmd, int blocks) { return "trap '' XFSZ; ulimit -f " + std::to_string(blocks) + "; " + cmd; }

TEST(Cli, HelpGoesToStdoutAndExitsZero)
{
    for (const std::string &tool : {kSim, kSweep, kCheck, kConvert}) {
        if (!exists(tool)) continue;
        for (const char *opt : {"--help", "-h"}) {
            Cmd r = run(tool + " " + opt);
            EXPECT_EQ(r.rc, 0) << tool << " " << opt << "\n" << r.err;
            EXPECT_EQ(r.out.rfind("usage: " + tool + " ", 0), 0u) << tool << " " << opt << "\n" << r.out;
            EXPECT_TRUE(contains(r.out, "-h, --help")) << r.out;
            EXPECT_EQ(r.err, "") << tool << " " << opt;
        }
    }
}

TEST(Cli, UnknownOptionIsNamedWithUsageOnStderr)
{
    struct Case { std::string tool, args; };
    const Case cases[] = {
        {kSim, kScen + "nic-rx-4k.yaml --foo"},
        {kSweep, "sweep.yaml --out /tmp/x --foo"},
        {kCheck, kScen + "nic-rx-4k.yaml --foo"},
        {kConvert, "--from dramsys --foo in out"},
    };
    for (const Case &c : cases) {
        if (!exists(c.tool)) continue;
        Cmd r = run(c.tool + " " + c.args);
        EXPECT_EQ(r.rc, 2) << c.tool;
        EXPECT_EQ(r.err.rfind(c.tool + ": unknown option '--foo'\nusage: " + c.tool + " ", 0), 0u) << r.err;
        EXPECT_EQ(r.out, "") << c.tool;
    }
}

// Numbers never wrap: each value out of its option's range, negative or with trailing text is refused, naming
// the option and the range, before anything is written.
TEST(Cli, NumericOptionsAreCheckedAgainstTheirRange)
{
    NEED(kConvert);
    std::string dir = clitest::temp_dir();
    std::ofstream(dir + "/in.stl") << "0: read 0x1000 64\n";
    struct Case { std::string tool, args, err; };
    const std::string conv = "--from dramsys " + dir + "/in.stl " + dir + "/out.trace ";
    const Case cases[] = {
        {kConvert, conv + "--sid 0x1ffffffff", "--sid: '0x1ffffffff' is not an integer in 0 .. 0xffffffff"},
        {kConvert, conv + "--sid -5", "--sid: '-5' is not an integer in 0 .. 0xffffffff"},
        {kConvert, conv + "--sid 12abc", "--sid: '12abc' is not an integer in 0 .. 0xffffffff"},
        {kConvert, conv + "--sid ''", "--sid: '' is not an integer in 0 .. 0xffffffff"},
        {kConvert, conv + "--ssid 0x100000", "--ssid: '0x100000' is not an integer in 0 .. 0xfffff"},
        {kConvert, conv + "--clock-ps 0", "--clock-ps: '0' is not an integer in 1 .. 1000000000000"},
        {kConvert, conv + "--clock-ps 1ns", "--clock-ps: '1ns' is not an integer in 1 .. 1000000000000"},
        {kConvert, conv + "--size 0", "--size: '0' is not an integer in 1 .. 0xffffffff"},
        {kConvert, conv + "--size 0x100000000", "--size: '0x100000000' is not an integer in 1 .. 0xffffffff"},
        {kConvert, conv + "--size 4K", "--size: '4K' is not an integer in 1 .. 0xffffffff"},
        {kConvert, conv + "--sid", "option '--sid' needs a value"},
        {kSweep, "s.yaml --out " + dir + "/sw --jobs 0", "--jobs: '0' is not an integer in 1 .. 1024"},
        {kSweep, "s.yaml --out " + dir + "/sw --jobs 4294967297", "--jobs: '4294967297' is not an integer in 1 .. 1024"},
        {kSweep, "s.yaml --out " + dir + "/sw --jobs -1", "--jobs: '-1' is not an integer in 1 .. 1024"},
        {kSweep, "s.yaml --out " + dir + "/sw -j 2x", "-j: '2x' is not an integer in 1 .. 1024"},
        {kSweep, "s.yaml --out " + dir + "/sw --shard 3/2", "--shard: expected i/N with 1 <= i <= N <= 1000000, got '3/2'"},
        {kSweep, "s.yaml --out " + dir + "/sw --shard 0/2", "--shard: expected i/N with 1 <= i <= N <= 1000000, got '0/2'"},
        {kSweep, "s.yaml --out " + dir + "/sw --shard 1/2x", "--shard: expected i/N with 1 <= i <= N <= 1000000, got '1/2x'"},
        {kSweep, "s.yaml --out " + dir + "/sw --shard 1/4294967297", "--shard: expected i/N with 1 <= i <= N <= 1000000, got '1/4294967297'"},
        {kSweep, "s.yaml --out " + dir + "/sw --shard 2", "--shard: expected i/N with 1 <= i <= N <= 1000000, got '2'"},
    };
    for (const Case &c : cases) {
        if (!exists(c.tool)) continue;
        Cmd r = run(c.tool + " " + c.args);
        EXPECT_EQ(r.rc, 2) << c.args;
        EXPECT_EQ(r.err.rfind(c.tool + ": " + c.err, 0), 0u) << c.args << "\n" << r.err;
        EXPECT_FALSE(exists(dir + "/out.trace")) << c.args;
        EXPECT_FALSE(exists(dir + "/sw")) << c.args;
    }
}

TEST(Cli, ConverterStreamsThroughDashAndLeavesNoPartialOutput)
{
    NEED(kConvert);
    std::string dir = clitest::temp_dir();
    const std::string stl = "0: read 0x1000 64\n+10: write 2000 128\n", expect =
        "# smmu-trace 1: time_ps sid ssid op addr size\n0 0x40 0x3 R 0x1000 64\n10000 0x40 0x3 W 0x2000 128\n";
    std::ofstream(dir + "/in.stl") << stl;
    const std::string opts = kConvert + " --from dramsys --sid 0x40 --ssid 3 ";
    // '-' both ways, and '-' for one side with a file for the other: the same trace.
    Cmd r = run("printf '" + std::string("0: read 0x1000 64\\n+10: write 2000 128\\n") + "' | " + opts + "- -");
    EXPECT_EQ(r.rc, 0) << r.err;
    EXPECT_EQ(r.out, expect);
    r = run(opts + "- " + dir + "/a.trace < " + dir + "/in.stl");
    EXPECT_EQ(r.rc, 0) << r.err;
    EXPECT_EQ(clitest::read_file(dir + "/a.trace"), expect);
    r = run(opts + dir + "/in.stl -");
    EXPECT_EQ(r.out, expect);
    // The gem5 reader through stdin too.
    r = run("printf 'r,4096,64,0,1000\\n' | " + kConvert + " --from gem5 - -");
    EXPECT_EQ(r.out, "# smmu-trace 1: time_ps sid ssid op addr size\n1000 0x0 - R 0x1000 64\n");

    // Failed writes name the file, exit 1 and leave nothing behind; a bad line after good ones leaves no half trace.
    std::ofstream(dir + "/bad.stl") << "0: read 0x1000 64\n5: fetch 0x2000\n";
    std::string big;
    for (int i = 0; i < 2000; i++) big += std::to_string(i) + ": read 0x" + std::to_string(1000 + i) + "000 64\n";
    std::ofstream(dir + "/big.stl") << big;
    struct Case { std::string cmd, err, left; };
    const Case cases[] = {
        {opts + dir + "/in.stl /dev/full", "cannot write /dev/full: No space left on device", ""},
        {opts + dir + "/in.stl - > /dev/full", "cannot write <stdout>: No space left on device", ""},
        {opts + dir + "/in.stl /etc/passwd/x", "cannot write /etc/passwd/x: Not a directory", ""},
        {opts + dir + "/in.stl ''", "OUT: empty file name", ""},
        {opts + dir + "/bad.stl " + dir + "/bad.trace", dir + "/bad.stl:2: field 'command': 'fetch' is not read or write", dir + "/bad.trace"},
        {limited(opts + dir + "/big.stl " + dir + "/big.trace", 8), "cannot write " + dir + "/big.trace: File too large", dir + "/big.trace"},
        {opts + dir + "/missing.stl " + dir + "/m.trace", dir + "/missing.stl:0: field 'file': cannot read: No such file or directory", dir + "/m.trace"},
    };
    for (const Case &c : cases) {
        r = run(c.cmd);
        EXPECT_EQ(r.rc, 1) << c.cmd;
        EXPECT_TRUE(contains(r.err, c.err)) << c.cmd << "\n" << r.err;
        if (!c.left.empty()) { EXPECT_FALSE(exists(c.left)) << c.cmd; }
    }
    struct stat st;
    ASSERT_EQ(stat("/dev/full", &st), 0);   // never removed as "partial output"
    EXPECT_TRUE(S_ISCHR(st.st_mode));
}

// smmu-sim: a file that could not be written is named on stderr, is not listed as written, and the exit is 1;
// the files that were written are listed one by one.
TEST(Cli, SimChecksEveryWrite)
{
    NEED(kSim);
    std::string dir = clitest::temp_dir();
    const std::string base = kSim + " " + kScen + "nic-rx-4k.yaml --quiet --set run.duration=20us ";
    struct Case { std::string cmd; int rc; std::string err, not_wrote; };
    const Case cases[] = {
        {base + "--out " + dir + "/a --set report.json=/dev/full", 1, "cannot write /dev/full: No space left on device\n", "wrote /dev/full"},
        {base + "--out /etc/passwd/x", 1, "cannot create /etc/passwd/x: Not a directory\n", "wrote"},
        {base + "--out /etc/passwd", 1, "cannot create /etc/passwd: Not a directory\n", "wrote"},
        {base + "--out " + dir + "/b --set report.csv_dir=/dev/full", 1, "cannot create /dev/full: Not a directory\n", "wrote"},
        {base + "--out ''", 2, "--out: empty directory name\n", "wrote"},
        {base + "--out", 2, "option '--out' needs a value\n", "wrote"},
        // 16 KiB: report.json fits, the CSV of ~3000 rows does not.
        {limited(base + "--out " + dir + "/c --set report.csv_dir=csv", 32), 1, "cannot write " + dir + "/c/csv/nic0.csv: File too large\n",
         "wrote " + dir + "/c/csv/nic0.csv"},
        {limited(base + "--out " + dir + "/d --plots --set report.json=", 4), 1, "cannot write " + dir + "/d/plots/latency_cdf.dat: File too large\n",
         "wrote " + dir + "/d/plots"},
    };
    for (const Case &c : cases) {
        Cmd r = run(c.cmd);
        EXPECT_EQ(r.rc, c.rc) << c.cmd << "\n" << r.err;
        EXPECT_TRUE(contains(r.err, c.err)) << c.cmd << "\n" << r.err;
        EXPECT_FALSE(contains(r.out, c.not_wrote)) << c.cmd << "\n" << r.out;
    }
    // A plot script that cannot be written is an error too (not the "gnuplot missing" note).
    ASSERT_EQ(std::system(("mkdir -p " + dir + "/f/plots/latency_cdf.gp").c_str()), 0);
    Cmd g = run(base + "--out " + dir + "/f --plots");
    EXPECT_EQ(g.rc, 1) << g.err;
    EXPECT_TRUE(contains(g.err, "cannot write " + dir + "/f/plots/latency_cdf.gp: Is a directory\n")) << g.err;
    EXPECT_FALSE(contains(g.err, "note: plots not rendered")) << g.err;
    EXPECT_TRUE(contains(g.out, "wrote " + dir + "/f/plots/latency_cdf.dat\n")) << g.out;
    EXPECT_FALSE(contains(g.out, "wrote " + dir + "/f/plots/latency_cdf.gp")) << g.out;
    // A regular file where the plots directory goes.
    ASSERT_EQ(std::system(("mkdir -p " + dir + "/h").c_str()), 0);
    std::ofstream(dir + "/h/plots") << "x";
    g = run(base + "--out " + dir + "/h --plots");
    EXPECT_EQ(g.rc, 1) << g.err;
    EXPECT_TRUE(contains(g.err, "cannot write " + dir + "/h/plots/: Not a directory\n")) << g.err;
    EXPECT_FALSE(contains(g.out, "wrote " + dir + "/h/plots")) << g.out;
    // Success lists the real files: the report and each device's CSV.
    Cmd r = run(base + "--out " + dir + "/e --set report.csv_dir=csv");
    EXPECT_EQ(r.rc, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "\nwrote " + dir + "/e/report.json\nwrote " + dir + "/e/csv/nic0.csv\n")) << r.out;
    EXPECT_FALSE(contains(r.out, "<device>")) << r.out;
    // StreamIDs in hex with their prefix.
    EXPECT_TRUE(contains(r.out, "\nnic0          0x300 ")) << r.out;
}

// Output redirected to a full disk is an error too, not a silently lost summary or key reference.
TEST(Cli, StdoutToAFullDiskFails)
{
    struct Case { std::string tool, cmd, err; };
    const Case cases[] = {
        {kCheck, kCheck + " --keys > /dev/full", kCheck + ": cannot write <stdout>: No space left on device\n"},
        {kCheck, kCheck + " " + kScen + "nic-rx-4k.yaml > /dev/full", kCheck + ": cannot write <stdout>: No space left on device\n"},
        {kSim, kSim + " " + kScen + "nic-rx-4k.yaml --quiet --set report.json= --set run.duration=5us > /dev/full",
         "cannot write <stdout>: No space left on device\n"},
    };
    for (const Case &c : cases) {
        if (!exists(c.tool)) continue;
        Cmd r = run(c.cmd);
        EXPECT_EQ(r.rc, 1) << c.cmd;
        EXPECT_EQ(r.err, c.err) << c.cmd;
    }
}

TEST(Cli, SweepChecksEveryWrite)
{
    NEED(kSim);
    NEED(kSweep);
    std::string dir = clitest::temp_dir();
    std::ofstream(dir + "/s.yaml") << "scenario: " << kScen << "nic-rx-4k.yaml\ngrid:\n  devices[nic0].traffic.outstanding: [4, 16]\n"
                                   << "set:\n  run.duration: 5us\nmetrics: [walks]\n";
    Cmd r = run(kSweep + " " + dir + "/s.yaml --out ''");
    EXPECT_EQ(r.rc, 2);
    EXPECT_TRUE(contains(r.err, "--out: empty directory name")) << r.err;
    r = run(kSweep + " " + dir + "/s.yaml --out /etc/passwd/x");
    EXPECT_EQ(r.rc, 1);
    EXPECT_TRUE(contains(r.err, "cannot create /etc/passwd/x: Not a directory")) << r.err;
    // Directories where point 0's command.txt and the CSV go: both writes fail, by name; point 1 still runs.
    // (Short writes are the same checked writer, see SimChecksEveryWrite.)
    ASSERT_EQ(std::system(("mkdir -p " + dir + "/o/sweep.csv " + dir + "/o/sweep.gp " + dir + "/o/point-0000/command.txt").c_str()), 0);
    r = run(kSweep + " " + dir + "/s.yaml --jobs 1 --out " + dir + "/o");
    EXPECT_EQ(r.rc, 1);
    EXPECT_TRUE(contains(r.err, "cannot write " + dir + "/o/point-0000/command.txt: Is a directory\n")) << r.err;
    EXPECT_TRUE(contains(r.err, "cannot write " + dir + "/o/sweep.csv: Is a directory\n")) << r.err;
    EXPECT_TRUE(contains(r.err, "cannot write " + dir + "/o/sweep.gp: Is a directory\n")) << r.err;
    EXPECT_TRUE(contains(r.out, "point 1 (devices[nic0].traffic.outstanding=16): ok")) << r.out;
    EXPECT_FALSE(contains(r.out, "wrote " + dir + "/o/sweep.csv")) << r.out;
}

// A malformed trace line is refused before the run (the pre-check reads every trace): its message comes first,
// nothing about SystemC stopping, no summary, no report, exit 1. An empty trace is a warning, on stderr and in the
// report.
TEST(Cli, SimTraceErrorsAndWarnings)
{
    NEED(kSim);
    std::string dir = clitest::temp_dir();
    std::ofstream(dir + "/dev.yaml") << "name: replay\nrun: {duration: 20us}\ndevices:\n  - name: acc\n    sid: 0x40\n"
                                        "    mappings: [{iova: 0x10000000, size: 1M, page_size: 4K}]\n"
                                        "    traffic: {pattern: trace, file: dev.trace, outstanding: 1}\n";
    std::ofstream(dir + "/dev.trace") << "0 0x40 - R 0x10000000 64\n1us 0x40 - W 0x10001000 128\n3us 0x40 - R 0x10003000 0x1g\n";
    std::ofstream(dir + "/empty.trace") << "# smmu-trace 1: nothing recorded\n";
    const std::string msg = dir + "/dev.trace:3: field 'size': '0x1g' is not a size in bytes (1 .. 2^32-1)";
    Cmd r = run(kSim + " " + dir + "/dev.yaml --out " + dir + "/o");
    EXPECT_EQ(r.rc, 1);
    EXPECT_EQ(r.err.rfind(msg, 0), 0u) << r.err;
    EXPECT_FALSE(contains(r.err + r.out, "stopped by user")) << r.err << r.out;
    EXPECT_FALSE(contains(r.out, "replay: ")) << r.out;
    EXPECT_FALSE(clitest::exists(dir + "/o/report.json"));
    nlohmann::json rep;

    r = run(kSim + " " + dir + "/dev.yaml --out " + dir + "/p --set devices[acc].traffic.file=empty.trace");
    EXPECT_EQ(r.rc, 0) << r.err;
    const std::string warn = "acc: " + dir + "/empty.trace: no records (the trace is empty)";
    EXPECT_EQ(r.err, "warning: " + warn + "\n");
    rep = nlohmann::json::parse(clitest::read_file(dir + "/p/report.json"), nullptr, false);
    ASSERT_TRUE(rep.is_object());
    EXPECT_TRUE(rep["error"].is_null());
    EXPECT_EQ(rep["warnings"], nlohmann::json::array({warn}));
}

} // namespace
