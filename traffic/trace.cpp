// SPDX-License-Identifier: BSD-3-Clause
// Streaming reader and writer of the line-oriented trace format, and converters into it.
#include "trace.h"

#include <cctype>
#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <vector>

namespace traffic {

namespace {

bool num(const std::string &s, uint64_t *v)
{
    if (s.empty() || s[0] == '-' || s[0] == '+') return false;
    errno = 0;
    char *end;
    unsigned long long x = std::strtoull(s.c_str(), &end, 0);
    if (errno || *end) return false;
    *v = x;
    return true;
}

bool time_of(const std::string &s, uint64_t *ps)
{
    if (num(s, ps)) return true;
    size_t i = 0;
    while (i < s.size() && (std::isdigit((unsigned char)s[i]) || s[i] == '.')) i++;
    if (!i) return false;
    std::string digits = s.substr(0, i);
    char *end;
    double n = std::strtod(digits.c_str(), &end);
    if (*end) return false;
    std::string u = s.substr(i);
    double mul = u == "ps" ? 1 : u == "ns" ? 1e3 : u == "us" ? 1e6 : u == "ms" ? 1e9 : u == "s" ? 1e12 : -1;
    if (mul < 0 || n * mul >= 1.8e19) return false;
    *ps = (uint64_t)std::llround(n * mul);
    return true;
}

std::vector<std::string> split_ws(const std::string &l)
{
    std::vector<std::string> f;
    std::istringstream in(l);
    std::string x;
    while (in >> x) f.push_back(x);
    return f;
}

} // namespace

TraceReader::TraceReader(const std::string &file) : own_(new std::ifstream(file)), in_(own_.get()), name_(file)
{
    if (!*own_) err_ = file + ":0: field 'file': cannot read: " + std::strerror(errno);
}

TraceReader::TraceReader(std::istream &in, const std::string &name) : in_(&in), name_(name) {}

bool TraceReader::fail(const std::string &field, const std::string &msg)
{
    err_ = name_ + ":" + std::to_string(line_) + ": field '" + field + "': " + msg;
    return false;
}

bool TraceReader::next(Txn &t)
{
    if (!err_.empty()) return false;
    while (std::getline(*in_, buf_)) {
        line_++;
        size_t hash = buf_.find('#');
        if (hash != std::string::npos) buf_.resize(hash);
        std::vector<std::string> f = split_ws(buf_);
        if (f.empty()) continue;
        static const char *names[] = {"time", "sid", "ssid", "op", "addr", "size"};
        if (f.size() < 6) return fail(names[f.size()], "missing (a record is: time sid ssid op addr size)");
        if (f.size() > 6) return fail("size", "unexpected text after the size: '" + f[6] + "'");
        Txn x;
        uint64_t v;
        if (!time_of(f[0], &x.time_ps)) return fail("time", "'" + f[0] + "' is not a time (picoseconds, or a number with ps/ns/us/ms/s)");
        if (x.time_ps < last_time_) return fail("time", "goes backwards (" + f[0] + " after " + std::to_string(last_time_) + " ps)");
        if (!num(f[1], &v) || v > 0xFFFFFFFFull) return fail("sid", "'" + f[1] + "' is not a 32-bit StreamID");
        x.sid = (uint32_t)v;
        if (f[2] != "-") {
            if (!num(f[2], &v) || v > 0xFFFFF) return fail("ssid", "'" + f[2] + "' is not '-' or a 20-bit SubstreamID");
            x.ssid = (uint32_t)v;
            x.ssv = true;
        }
        if (f[3] == "R" || f[3] == "r") x.write = false;
        else if (f[3] == "W" || f[3] == "w") x.write = true;
        else return fail("op", "'" + f[3] + "' is not R or W");
        if (!num(f[4], &x.addr)) return fail("addr", "'" + f[4] + "' is not an address");
        if (!num(f[5], &v) || v == 0 || v > 0xFFFFFFFFull) return fail("size", "'" + f[5] + "' is not a size in bytes (1 .. 2^32-1)");
        x.size = (uint32_t)v;
        last_time_ = x.time_ps;
        records_++;
        t = x;
        return true;
    }
    if (in_->bad()) return fail("file", "read error");
    if (!records_ && warn_.empty()) warn_ = name_ + ": no records (the trace is empty)";
    return false;
}

void write_trace_header(std::ostream &out) { out << "# smmu-trace 1: time_ps sid ssid op addr size\n"; }

void write_trace_record(std::ostream &out, const Txn &t)
{
    char b[128];
    char ssid[16] = "-";
    if (t.ssv) std::snprintf(ssid, sizeof ssid, "0x%x", t.ssid);
    std::snprintf(b, sizeof b, "%" PRIu64 " 0x%x %s %c 0x%" PRIx64 " %u\n", t.time_ps, t.sid, ssid, t.write ? 'W' : 'R', t.addr, t.size);
    out << b;
}

static bool conv_fail(std::string *err, const std::string &name, uint64_t line, const std::string &field, const std::string &msg)
{
    if (err) *err = name + ":" + std::to_string(line) + ": field '" + field + "': " + msg;
    return false;
}

bool convert_dramsys_stl(std::istream &in, std::ostream &out, const std::string &name, const ConvertOptions &o, std::string *err)
{
    write_trace_header(out);
    std::string l;
    uint64_t line = 0, last = 0;
    while (std::getline(in, l)) {
        line++;
        size_t hash = l.find('#');
        if (hash != std::string::npos) l.resize(hash);
        size_t colon = l.find(':');
        std::vector<std::string> f = split_ws(colon == std::string::npos ? l : l.substr(colon + 1));
        if (colon == std::string::npos) {
            if (f.empty()) continue;
            return conv_fail(err, name, line, "time", "expected '<cycle>:' at the start of the line");
        }
        std::string ts = split_ws(l.substr(0, colon)).empty() ? "" : split_ws(l.substr(0, colon))[0];
        bool rel = !ts.empty() && ts[0] == '+';
        uint64_t cyc;
        if (!num(rel ? ts.substr(1) : ts, &cyc)) return conv_fail(err, name, line, "time", "'" + ts + "' is not a cycle number");
        Txn t;
        uint64_t base = rel ? last : 0;
        if (o.clock_ps && cyc > (UINT64_MAX - base) / o.clock_ps)
            return conv_fail(err, name, line, "time", "'" + ts + "' cycles of " + std::to_string(o.clock_ps) + " ps overflow 64-bit picoseconds");
        t.time_ps = base + cyc * o.clock_ps;
        if (t.time_ps < last) return conv_fail(err, name, line, "time", "goes backwards");
        if (f.size() < 2) return conv_fail(err, name, line, f.empty() ? "command" : "address", "missing");
        if (f[0] == "read" || f[0] == "READ") t.write = false;
        else if (f[0] == "write" || f[0] == "WRITE") t.write = true;
        else return conv_fail(err, name, line, "command", "'" + f[0] + "' is not read or write");
        std::string a = f[1];
        if (a.rfind("0x", 0) != 0 && a.rfind("0X", 0) != 0) a = "0x" + a;
        if (!num(a, &t.addr)) return conv_fail(err, name, line, "address", "'" + f[1] + "' is not a hex address");
        t.size = o.default_size;
        if (f.size() >= 3 && f[2].rfind("0x", 0) != 0) {
            uint64_t len;
            if (!num(f[2], &len) || !len || len > 0xFFFFFFFFull) return conv_fail(err, name, line, "length", "'" + f[2] + "' is not a length");
            t.size = (uint32_t)len;
        }
        t.sid = o.sid; t.ssid = o.ssid; t.ssv = o.ssv;
        last = t.time_ps;
        write_trace_record(out, t);
        if (!out) return conv_fail(err, name, line, "output", "write failed");
    }
    if (in.bad()) return conv_fail(err, name, line, "file", "read error");
    return true;
}

bool convert_gem5_text(std::istream &in, std::ostream &out, const std::string &name, const ConvertOptions &o, std::string *err)
{
    write_trace_header(out);
    std::string l;
    uint64_t line = 0, last = 0;
    while (std::getline(in, l)) {
        line++;
        if (l.empty() || l[0] == '#') continue;
        std::vector<std::string> f;
        std::stringstream ss(l);
        std::string x;
        while (std::getline(ss, x, ',')) {
            while (!x.empty() && std::isspace((unsigned char)x.back())) x.pop_back();
            while (!x.empty() && std::isspace((unsigned char)x.front())) x.erase(0, 1);
            f.push_back(x);
        }
        static const char *names[] = {"cmd", "addr", "size", "flags", "tick"};
        if (f.size() < 5) return conv_fail(err, name, line, names[f.size()], "missing (expected cmd,addr,size,flags,tick)");
        Txn t;
        if (f[0] == "r" || f[0] == "R") t.write = false;
        else if (f[0] == "w" || f[0] == "W") t.write = true;
        else return conv_fail(err, name, line, "cmd", "'" + f[0] + "' is not r or w");
        uint64_t v;
        if (!num(f[1], &t.addr)) return conv_fail(err, name, line, "addr", "'" + f[1] + "' is not an address");
        if (!num(f[2], &v) || !v || v > 0xFFFFFFFFull) return conv_fail(err, name, line, "size", "'" + f[2] + "' is not a size");
        t.size = (uint32_t)v;
        if (!num(f[4], &t.time_ps)) return conv_fail(err, name, line, "tick", "'" + f[4] + "' is not a tick");
        if (t.time_ps < last) return conv_fail(err, name, line, "tick", "goes backwards");
        t.sid = o.sid; t.ssid = o.ssid; t.ssv = o.ssv;
        last = t.time_ps;
        write_trace_record(out, t);
        if (!out) return conv_fail(err, name, line, "output", "write failed");
    }
    if (in.bad()) return conv_fail(err, name, line, "file", "read error");
    return true;
}

} // namespace traffic
