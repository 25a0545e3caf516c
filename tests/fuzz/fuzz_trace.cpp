// SPDX-License-Identifier: BSD-3-Clause
// Fuzz target 3b: the trace reader and the DRAMSys/gem5 converters. Invariants: no crash; a reader stops at
// the first error with "name:line: field '...': ..." naming a line it read; every record read back through
// write_trace_record reads the same; a converter that succeeds produces a trace the reader accepts whole.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>

#include "trace.h"

#define CHECK(c, ...) do { if (!(c)) { std::fprintf(stderr, "invariant failed: %s: ", #c); std::fprintf(stderr, __VA_ARGS__); std::fputc('\n', stderr); std::abort(); } } while (0)

using namespace traffic;

static uint64_t lines_of(const std::string &s) {
    uint64_t n = 0;
    for (char c : s) n += c == '\n';
    return n + (!s.empty() && s.back() != '\n');
}

// Reads a whole trace; returns the number of records, checks the error format.
static uint64_t read_all(const std::string &text, bool must_succeed) {
    std::istringstream in(text);
    TraceReader r(in, "t.trace");
    Txn t;
    uint64_t n = 0;
    while (r.next(t)) {
        n++;
        std::ostringstream o;
        write_trace_record(o, t);
        std::istringstream back(o.str());
        TraceReader rb(back, "rt");
        Txn u;
        CHECK(rb.next(u) && u == t, "record %llu does not survive a write/read round trip: %s", (unsigned long long)n, o.str().c_str());
    }
    CHECK(n == r.records(), "records() %llu, read %llu", (unsigned long long)r.records(), (unsigned long long)n);
    CHECK(r.line() <= lines_of(text), "line %llu of %llu", (unsigned long long)r.line(), (unsigned long long)lines_of(text));
    if (!r.ok()) {
        CHECK(!must_succeed, "converter output rejected: %s\n---\n%s", r.error().c_str(), text.c_str());
        std::string pre = "t.trace:" + std::to_string(r.line()) + ": field '";
        CHECK(r.error().compare(0, pre.size(), pre) == 0, "error '%s'", r.error().c_str());
    }
    return n;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 1 << 16) return 0;
    FuzzedDataProvider fdp(data, size);
    int which = fdp.ConsumeIntegralInRange<int>(0, 2);
    ConvertOptions o;
    o.sid = fdp.ConsumeIntegral<uint32_t>();
    o.ssv = fdp.ConsumeBool();
    o.ssid = fdp.ConsumeIntegralInRange<uint32_t>(0, 0xFFFFF);
    o.default_size = fdp.ConsumeIntegralInRange<uint32_t>(1, 4096);
    o.clock_ps = fdp.ConsumeIntegralInRange<uint64_t>(1, 1000000);
    std::string text = fdp.ConsumeRemainingBytesAsString();
    if (which == 0) { read_all(text, false); return 0; }
    std::istringstream in(text);
    std::ostringstream out;
    std::string err;
    bool ok = which == 1 ? convert_dramsys_stl(in, out, "in", o, &err) : convert_gem5_text(in, out, "in", o, &err);
    if (ok) read_all(out.str(), true);
    else CHECK(err.compare(0, 3, "in:") == 0, "converter error '%s'", err.c_str());
    return 0;
}
