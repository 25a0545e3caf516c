// smmu-trace-convert: DRAMSys .stl or gem5 packet-trace text dumps into the smmu trace format (streaming).
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>

#include "trace.h"

static int usage(const char *argv0)
{
    std::fprintf(stderr, "usage: %s --from dramsys|gem5 [--sid N] [--ssid N] [--clock-ps N] [--size N] in out\n", argv0);
    return 2;
}

int main(int argc, char **argv)
{
    traffic::ConvertOptions o;
    std::string from, in, out;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        auto val = [&](void) -> const char * { return i + 1 < argc ? argv[++i] : nullptr; };
        const char *v;
        if (a == "--from" && (v = val())) from = v;
        else if (a == "--sid" && (v = val())) o.sid = (uint32_t)std::strtoul(v, nullptr, 0);
        else if (a == "--ssid" && (v = val())) { o.ssid = (uint32_t)std::strtoul(v, nullptr, 0); o.ssv = true; }
        else if (a == "--clock-ps" && (v = val())) o.clock_ps = std::strtoull(v, nullptr, 0);
        else if (a == "--size" && (v = val())) o.default_size = (uint32_t)std::strtoul(v, nullptr, 0);
        else if (a[0] == '-' && a.size() > 1) return usage(argv[0]);
        else if (in.empty()) in = a;
        else if (out.empty()) out = a;
        else return usage(argv[0]);
    }
    if ((from != "dramsys" && from != "gem5") || in.empty() || out.empty()) return usage(argv[0]);
    std::ifstream is(in);
    if (!is) { std::fprintf(stderr, "%s:0: field 'file': cannot read: %s\n", in.c_str(), std::strerror(errno)); return 1; }
    std::ofstream os(out);
    if (!os) { std::fprintf(stderr, "%s: cannot write: %s\n", out.c_str(), std::strerror(errno)); return 1; }
    std::string err;
    bool ok = from == "dramsys" ? traffic::convert_dramsys_stl(is, os, in, o, &err) : traffic::convert_gem5_text(is, os, in, o, &err);
    if (!ok) { std::fprintf(stderr, "%s\n", err.c_str()); return 1; }
    return 0;
}
