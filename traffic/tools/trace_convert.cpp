// SPDX-License-Identifier: BSD-3-Clause
// smmu-trace-convert: DRAMSys .stl or gem5 packet-trace text dumps into the smmu trace format (streaming).
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <sys/stat.h>

#include "report/cli.h"
#include "report/out_file.h"
#include "trace.h"

static const char kUsage[] =
    "usage: %s --from dramsys|gem5 [--sid N] [--ssid N] [--clock-ps N] [--size N] IN OUT\n"
    "  IN, OUT       the source trace and the smmu trace to write ('-': standard input / output)\n"
    "  --from F      source format: dramsys (.stl) or gem5 (packet trace decoded to text)\n"
    "  --sid N       StreamID of every record (0 .. 0xffffffff; default 0)\n"
    "  --ssid N      SubstreamID of every record (0 .. 0xfffff; default none)\n"
    "  --clock-ps N  dramsys: picoseconds per clock cycle (1 .. 1000000000000; default 1000)\n"
    "  --size N      dramsys: bytes of a line without a length (1 .. 0xffffffff; default 64)\n"
    "  -h, --help    this text\n";

int main(int argc, char **argv)
{
    simcli::Usage u{argv[0], kUsage};
    traffic::ConvertOptions o;
    std::string from, in, out;
    int positional = 0;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i], err;
        uint64_t v = 0;
        if (a == "-h" || a == "--help") return u.help();
        bool numeric = a == "--sid" || a == "--ssid" || a == "--clock-ps" || a == "--size";
        if (numeric || a == "--from") {
            if (i + 1 >= argc) return u.needs_value(a);
            std::string s = argv[++i];
            if (a == "--from") { from = s; continue; }
            bool good = a == "--sid"        ? simcli::parse_uint(a, s, 0, 0xFFFFFFFFull, &v, &err)
                      : a == "--ssid"       ? simcli::parse_uint(a, s, 0, 0xFFFFF, &v, &err)
                      : a == "--clock-ps"   ? simcli::parse_uint(a, s, 1, 1000000000000ull, &v, &err)
                                            : simcli::parse_uint(a, s, 1, 0xFFFFFFFFull, &v, &err);
            if (!good) { std::fprintf(stderr, "%s: %s\n", argv[0], err.c_str()); return 2; }
            if (a == "--sid") o.sid = (uint32_t)v;
            else if (a == "--ssid") { o.ssid = (uint32_t)v; o.ssv = true; }
            else if (a == "--clock-ps") o.clock_ps = v;
            else o.default_size = (uint32_t)v;
        } else if (a.size() > 1 && a[0] == '-') return u.unknown(a);
        else if (positional == 0) { in = a; positional++; }
        else if (positional == 1) { out = a; positional++; }
        else return u.bad("unexpected argument '" + a + "' (IN and OUT are already given)");
    }
    if (from != "dramsys" && from != "gem5")
        return from.empty() ? u.bad("--from is required") : u.bad("--from: '" + from + "' is not dramsys or gem5");
    if (positional < 2) return u.bad(positional ? "OUT is missing" : "IN and OUT are missing");
    if (in.empty()) { std::fprintf(stderr, "%s: IN: empty file name\n", argv[0]); return 1; }
    if (out.empty()) { std::fprintf(stderr, "%s: OUT: empty file name\n", argv[0]); return 1; }
    std::ifstream file;
    if (in != "-") {
        file.open(in);
        if (!file) { std::fprintf(stderr, "%s:0: field 'file': cannot read: %s\n", in.c_str(), std::strerror(errno)); return 1; }
    }
    std::istream &is = in == "-" ? std::cin : file;
    const std::string name = in == "-" ? "<stdin>" : in;
    simreport::OutFile os(out);
    if (!os.ok()) { std::fprintf(stderr, "%s: cannot write %s\n", argv[0], os.error().c_str()); return 1; }
    std::string err;
    bool ok = from == "dramsys" ? traffic::convert_dramsys_stl(is, os.stream(), name, o, &err)
                                : traffic::convert_gem5_text(is, os.stream(), name, o, &err);
    bool written = os.close();
    if (ok && written) return 0;
    // No partial output stays behind to be mistaken for a whole trace (only a regular file: never /dev/full).
    struct stat st;
    if (out != "-" && stat(out.c_str(), &st) == 0 && S_ISREG(st.st_mode)) std::remove(out.c_str());
    if (!written) std::fprintf(stderr, "%s: cannot write %s\n", argv[0], os.error().c_str());
    else std::fprintf(stderr, "%s\n", err.c_str());
    return 1;
}
