// SPDX-License-Identifier: BSD-3-Clause
// Traffic patterns (exact sequences, statistics with fixed seeds), the streaming trace reader and the converters.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <streambuf>
#include <unistd.h>

#include "patterns.h"
#include "trace.h"

using namespace traffic;

namespace {

std::vector<Txn> take(Pattern &p, size_t n)
{
    std::vector<Txn> v;
    Txn t;
    while (v.size() < n && p.next(t)) v.push_back(t);
    return v;
}

std::unique_ptr<Pattern> make(const PatternConfig &c)
{
    std::string err;
    auto p = make_pattern(c, &err);
    EXPECT_TRUE(p) << err;
    return p;
}

TEST(Patterns, SequentialAddressesAndRateTiming)
{
    PatternConfig c;
    c.pattern = "sequential";
    c.size = 64;
    c.rate = 1e9;             // 64 B at 1 GB/s: one every 64 ns
    c.base = 0x1000;
    c.footprint = 256;
    c.start_ps = 5000;
    c.sid = 7; c.ssid = 3; c.ssv = true;
    auto p = make(c);
    auto v = take(*p, 6);
    ASSERT_EQ(v.size(), 6u);
    const uint64_t addr[] = {0x1000, 0x1040, 0x1080, 0x10C0, 0x1000, 0x1040};
    for (size_t i = 0; i < 6; i++) {
        EXPECT_EQ(v[i].addr, addr[i]);
        EXPECT_EQ(v[i].time_ps, 5000 + 64000 * i);
        EXPECT_EQ(v[i].sid, 7u);
        EXPECT_EQ(v[i].ssid, 3u);
        EXPECT_TRUE(v[i].ssv);
        EXPECT_FALSE(v[i].write);
        EXPECT_EQ(v[i].size, 64u);
    }
}

TEST(Patterns, StridedWrapsWithinTheFootprint)
{
    PatternConfig c;
    c.pattern = "strided";
    c.stride = 0x3000;
    c.footprint = 0x9000;
    c.interarrival_ps = 10;
    auto v = take(*make(c), 4);
    EXPECT_EQ(v[1].addr, 0x3000u);
    EXPECT_EQ(v[2].addr, 0x6000u);
    EXPECT_EQ(v[3].addr, 0x0u);
    EXPECT_EQ(v[3].time_ps, 30u);
}

TEST(Patterns, CountAndDurationStopTheStream)
{
    PatternConfig c;
    c.count = 10;
    c.interarrival_ps = 100;
    EXPECT_EQ(take(*make(c), 1000).size(), 10u);
    c.count = 0;
    c.duration_ps = 1000;
    c.start_ps = 50;
    auto v = take(*make(c), 1000);
    EXPECT_EQ(v.size(), 10u);   // 50, 150, ..., 950
    EXPECT_EQ(v.back().time_ps, 950u);
}

TEST(Patterns, UniformRandomIsUniformAlignedAndSeeded)
{
    PatternConfig c;
    c.pattern = "random";
    c.size = 4096;
    c.base = 0x40000000;
    c.footprint = 64 << 20;   // 16384 slots
    c.seed = 42;
    c.read_ratio = 0.7;
    auto v = take(*make(c), 160000);
    ASSERT_EQ(v.size(), 160000u);
    std::vector<double> bucket(16, 0);
    size_t writes = 0;
    for (auto &t : v) {
        ASSERT_GE(t.addr, c.base);
        ASSERT_LT(t.addr, c.base + c.footprint);
        ASSERT_EQ(t.addr % 4096, 0u);
        bucket[(t.addr - c.base) / (4 << 20)]++;
        writes += t.write;
    }
    double chi2 = 0, e = 10000;
    for (double b : bucket) chi2 += (b - e) * (b - e) / e;
    EXPECT_LT(chi2, 37.7);    // 15 degrees of freedom, p = 0.001
    EXPECT_NEAR((double)writes / v.size(), 0.3, 0.005);
    auto again = take(*make(c), 1000);
    EXPECT_TRUE(std::equal(again.begin(), again.end(), v.begin()));
    c.seed = 43;
    auto other = take(*make(c), 1000);
    EXPECT_FALSE(std::equal(other.begin(), other.end(), v.begin()));
}

TEST(Patterns, ZipfFollowsItsLaw)
{
    const double H1000 = 7.485470860550345;   // harmonic number H_1000
    Rng rng(7);
    ZipfSampler z(1000, 1.0);
    std::map<uint64_t, uint64_t> n;
    const int N = 400000;
    for (int i = 0; i < N; i++) {
        uint64_t k = z.sample(rng);
        ASSERT_GE(k, 1u);
        ASSERT_LE(k, 1000u);
        n[k]++;
    }
    EXPECT_NEAR((double)n[1] / N, 1 / H1000, 0.004);
    EXPECT_NEAR((double)n[2] / N, 0.5 / H1000, 0.003);
    EXPECT_NEAR((double)n[10] / N, 0.1 / H1000, 0.0015);
    // s = 2: P(1) = 1 / zeta_1000(2) = 0.6082
    ZipfSampler z2(1000, 2.0);
    uint64_t ones = 0;
    for (int i = 0; i < N; i++) ones += z2.sample(rng) == 1;
    EXPECT_NEAR((double)ones / N, 0.6082, 0.004);
}

TEST(Patterns, ZipfPatternConcentratesOnFewPages)
{
    PatternConfig c;
    c.pattern = "zipf";
    c.footprint = 64 << 20;   // 16384 pages
    c.zipf_s = 1.2;
    c.seed = 3;
    auto v = take(*make(c), 50000);
    std::map<uint64_t, uint64_t> pages;
    for (auto &t : v) pages[t.addr >> 12]++;
    std::vector<uint64_t> counts;
    for (auto &kv : pages) counts.push_back(kv.second);
    std::sort(counts.rbegin(), counts.rend());
    uint64_t top = 0;
    for (size_t i = 0; i < 16 && i < counts.size(); i++) top += counts[i];
    EXPECT_GT((double)top / v.size(), 0.5);   // 16 of 16384 pages take most of the traffic
}

TEST(Patterns, RingReadsADescriptorThenWritesTheBuffer)
{
    PatternConfig c;
    c.pattern = "ring";
    c.size = 1024;
    c.base = 0x10000000;
    c.buffer_base = 0x20000000;
    c.footprint = 8192;       // 4 buffers of 2K
    c.ring_entries = 3;
    c.descriptor_size = 16;
    c.buffer_size = 2048;
    auto v = take(*make(c), 12);
    struct E { uint64_t addr; uint32_t size; bool write; };
    const E want[] = {
        {0x10000000, 16, false}, {0x20000000, 1024, true}, {0x20000400, 1024, true},
        {0x10000010, 16, false}, {0x20000800, 1024, true}, {0x20000C00, 1024, true},
        {0x10000020, 16, false}, {0x20001000, 1024, true}, {0x20001400, 1024, true},
        {0x10000000, 16, false}, {0x20001800, 1024, true}, {0x20001C00, 1024, true},
    };
    for (size_t i = 0; i < 12; i++) {
        EXPECT_EQ(v[i].addr, want[i].addr) << i;
        EXPECT_EQ(v[i].size, want[i].size) << i;
        EXPECT_EQ(v[i].write, want[i].write) << i;
    }
}

TEST(Patterns, ImpossibleConfigurations)
{
    struct Case { const char *pattern; uint32_t size; double zipf; const char *err; };
    const Case cases[] = {
        {"spiral", 64, 1, "unknown pattern 'spiral'"},
        {"random", 0, 1, "size must be greater than 0"},
        {"zipf", 64, 0, "zipf_s must be greater than 0"},
    };
    for (const Case &k : cases) {
        PatternConfig c;
        c.pattern = k.pattern; c.size = k.size; c.zipf_s = k.zipf;
        std::string err;
        EXPECT_EQ(make_pattern(c, &err), nullptr);
        EXPECT_EQ(err, k.err);
    }
}

// traffic.trace_sid: a replayed record keeps its own StreamID only when asked; else it is the device's. The
// SubstreamID, op, address and size are the record's either way; the start time is added.
TEST(Pattern, TraceReplayTakesTheDevicesOrTheRecordsStreamId)
{
    char path[] = "/tmp/smmu-replay-XXXXXX";
    int fd = mkstemp(path);
    ASSERT_GE(fd, 0);
    close(fd);
    std::ofstream(path) << "0 0x40 - R 0x1000 64\n5ns 0x77 0x3 W 0x2000 128\n";
    for (bool keep : {false, true}) {
        PatternConfig c;
        c.pattern = "trace";
        c.trace_file = path;
        c.sid = 0x500;
        c.start_ps = 1000;
        c.trace_sid = keep;
        std::string err;
        auto p = make_pattern(c, &err);
        ASSERT_NE(p, nullptr) << err;
        Txn t;
        ASSERT_TRUE(p->next(t));
        EXPECT_EQ(t, (Txn{1000, keep ? 0x40u : 0x500u, 0, false, false, 0x1000, 64})) << keep;
        ASSERT_TRUE(p->next(t));
        EXPECT_EQ(t, (Txn{6000, keep ? 0x77u : 0x500u, 3, true, true, 0x2000, 128})) << keep;
        EXPECT_FALSE(p->next(t));
    }
    std::remove(path);
}

TEST(Trace, ReadsRecordsCommentsAndUnits)
{
    std::istringstream in("# smmu-trace 1\n\n100 0x10 - R 0x1000 64\n2ns 16 0x5 W 4096 4096  # a comment\n  3us 0x10 0 r 0x0 1\n");
    TraceReader r(in, "t.trace");
    Txn t;
    ASSERT_TRUE(r.next(t));
    EXPECT_EQ(t, (Txn{100, 0x10, 0, false, false, 0x1000, 64}));
    ASSERT_TRUE(r.next(t));
    EXPECT_EQ(t, (Txn{2000, 16, 5, true, true, 4096, 4096}));
    ASSERT_TRUE(r.next(t));
    EXPECT_EQ(t, (Txn{3000000, 0x10, 0, true, false, 0, 1}));
    EXPECT_FALSE(r.next(t));
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(r.records(), 3u);
}

TEST(Trace, MalformedLinesNameFileLineAndField)
{
    struct Case { const char *text, *err; };
    const Case cases[] = {
        {"x 1 - R 0 64\n", "t.trace:1: field 'time': 'x' is not a time (picoseconds, or a number with ps/ns/us/ms/s)"},
        {"# c\n10 1 - R 0x0\n", "t.trace:2: field 'size': missing (a record is: time sid ssid op addr size)"},
        {"10 1\n", "t.trace:1: field 'ssid': missing (a record is: time sid ssid op addr size)"},
        {"10 0x100000000 - R 0 64\n", "t.trace:1: field 'sid': '0x100000000' is not a 32-bit StreamID"},
        {"10 1 0x100000 R 0 64\n", "t.trace:1: field 'ssid': '0x100000' is not '-' or a 20-bit SubstreamID"},
        {"10 1 - X 0 64\n", "t.trace:1: field 'op': 'X' is not R or W"},
        {"10 1 - R 0xZZ 64\n", "t.trace:1: field 'addr': '0xZZ' is not an address"},
        {"10 1 - R 0 0\n", "t.trace:1: field 'size': '0' is not a size in bytes (1 .. 2^32-1)"},
        {"10 1 - R 0 64 extra\n", "t.trace:1: field 'size': unexpected text after the size: 'extra'"},
        {"10 1 - R 0 64\n5 1 - R 0 64\n", "t.trace:2: field 'time': goes backwards (5 after 10 ps)"},
        {"10 1 - R 0 64\n10 1 - W 0 -1\n", "t.trace:2: field 'size': '-1' is not a size in bytes (1 .. 2^32-1)"},
    };
    for (const Case &k : cases) {
        std::istringstream in(k.text);
        TraceReader r(in, "t.trace");
        Txn t;
        while (r.next(t)) {}
        EXPECT_EQ(r.error(), k.err);
    }
    TraceReader missing("/nonexistent/x.trace");
    EXPECT_EQ(missing.error(), "/nonexistent/x.trace:0: field 'file': cannot read: No such file or directory");
}

// An endless trace made on the fly: the reader must work through it without ever holding it whole.
class EndlessTrace : public std::streambuf {
public:
    uint64_t produced = 0;
protected:
    int_type underflow() override
    {
        line_ = std::to_string(produced * 10) + " 0x1 - R 0x" + std::to_string(produced % 1000) + "000 64\n";
        produced++;
        setg(&line_[0], &line_[0], &line_[0] + line_.size());
        return traits_type::to_int_type(line_[0]);
    }
private:
    std::string line_;
};

TEST(Trace, ReadsStreaming)
{
    EndlessTrace src;
    std::istream in(&src);
    TraceReader r(in, "endless");
    Txn t;
    for (int i = 0; i < 1000000; i++) ASSERT_TRUE(r.next(t)) << r.error();
    EXPECT_EQ(t.time_ps, 9999990u);
    EXPECT_LE(src.produced, 1000001u);   // it pulled only what it consumed
}

TEST(Trace, WriterRoundTrips)
{
    std::ostringstream out;
    write_trace_header(out);
    Txn a{123, 0x42, 9, true, true, 0xFFFF0000, 256}, b{456, 1, 0, false, false, 0x10, 8};
    write_trace_record(out, a);
    write_trace_record(out, b);
    EXPECT_EQ(out.str(), "# smmu-trace 1: time_ps sid ssid op addr size\n123 0x42 0x9 W 0xffff0000 256\n456 0x1 - R 0x10 8\n");
    std::istringstream in(out.str());
    TraceReader r(in, "rt");
    Txn t;
    ASSERT_TRUE(r.next(t)); EXPECT_EQ(t, a);
    ASSERT_TRUE(r.next(t)); EXPECT_EQ(t, b);
}

TEST(Convert, DramsysStl)
{
    std::istringstream in("# comment\n31:\tread\t0x400140\n33:\twrite\t0x400180\t0x00112233\n40:\tread\t400200\t128\n+5:\twrite\t0x0\n");
    std::ostringstream out;
    ConvertOptions o;
    o.sid = 0x20;
    o.clock_ps = 1250;   // 800 MHz
    std::string err;
    ASSERT_TRUE(convert_dramsys_stl(in, out, "in.stl", o, &err)) << err;
    EXPECT_EQ(out.str(), "# smmu-trace 1: time_ps sid ssid op addr size\n"
                         "38750 0x20 - R 0x400140 64\n41250 0x20 - W 0x400180 64\n50000 0x20 - R 0x400200 128\n"
                         "56250 0x20 - W 0x0 64\n");
    std::istringstream bad("10:\tread\t0x0\n12:\tfetch\t0x40\n");
    std::ostringstream o2;
    EXPECT_FALSE(convert_dramsys_stl(bad, o2, "in.stl", o, &err));
    EXPECT_EQ(err, "in.stl:2: field 'command': 'fetch' is not read or write");
}

// An empty trace is not an error but a warning; a record does not set it.
TEST(Trace, EmptyTraceIsAWarning)
{
    std::istringstream empty("# smmu-trace 1\n\n# nothing\n"), one("5 0x1 - R 0x0 64\n");
    TraceReader e(empty, "e.trace"), o(one, "o.trace");
    Txn t;
    EXPECT_FALSE(e.next(t));
    EXPECT_TRUE(e.ok());
    EXPECT_EQ(e.warning(), "e.trace: no records (the trace is empty)");
    EXPECT_TRUE(o.next(t));
    EXPECT_FALSE(o.next(t));
    EXPECT_EQ(o.warning(), "");
}

// Cycle times that do not fit 64-bit picoseconds are refused, never wrapped.
TEST(Convert, DramsysTimeOverflowIsAnError)
{
    ConvertOptions o;
    o.clock_ps = 1000;
    std::string err;
    std::istringstream in("18446744073709551: read 0x0\n18446744073709552: read 0x0\n");
    std::ostringstream out;
    EXPECT_FALSE(convert_dramsys_stl(in, out, "t.stl", o, &err));
    EXPECT_EQ(err, "t.stl:2: field 'time': '18446744073709552' cycles of 1000 ps overflow 64-bit picoseconds");
    std::istringstream rel("0: read 0x0\n18446744073709551: read 0x0\n+1: read 0x0\n");
    EXPECT_FALSE(convert_dramsys_stl(rel, out, "t.stl", o, &err));
    EXPECT_EQ(err, "t.stl:3: field 'time': '+1' cycles of 1000 ps overflow 64-bit picoseconds");
}

TEST(Convert, Gem5PacketTraceText)
{
    std::istringstream in("r,4096,64,0,1000\nw,8192,32,2,1500,4198400\n");
    std::ostringstream out;
    ConvertOptions o;
    o.sid = 3; o.ssid = 1; o.ssv = true;
    std::string err;
    ASSERT_TRUE(convert_gem5_text(in, out, "p.txt", o, &err)) << err;
    EXPECT_EQ(out.str(), "# smmu-trace 1: time_ps sid ssid op addr size\n1000 0x3 0x1 R 0x1000 64\n1500 0x3 0x1 W 0x2000 32\n");
    std::istringstream bad("r,4096,64\n");
    EXPECT_FALSE(convert_gem5_text(bad, out, "p.txt", o, &err));
    EXPECT_EQ(err, "p.txt:1: field 'flags': missing (expected cmd,addr,size,flags,tick)");
}

} // namespace
