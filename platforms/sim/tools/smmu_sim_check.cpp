// SPDX-License-Identifier: BSD-3-Clause
// smmu-sim-check: validate a scenario (with --set overrides) as smmu-sim would, and print its resolved devices, its
// fully resolved configuration (--resolved, what report.json records), the key reference (--keys) or where the
// shipped configs/ (presets, scenarios, sweeps) are (--configs-dir).
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "config/scenario.h"
#include "config/schema.h"
#include "datadir.h"
#include "report/cli.h"

static const char kUsage[] =
    "usage: %s scenario.yaml [--set key=value]... [--resolved] | --keys | --configs-dir\n"
    "  --set k=v      override any scenario key, as smmu-sim does\n"
    "  --resolved     print the fully resolved configuration (JSON, what report.json records as `config`)\n"
    "  --keys         print the key reference (Markdown) and exit\n"
    "  --configs-dir  print where the shipped configs/ (presets, scenarios, sweeps) are and exit\n"
    "  -h, --help     this text\n";

int main(int argc, char **argv)
{
    simcli::Usage u{argv[0], kUsage};
    std::vector<std::string> sets;
    std::string file;
    bool resolved = false;
    for (int i = 1; i < argc; i++) {
        if (!std::strcmp(argv[i], "-h") || !std::strcmp(argv[i], "--help")) return u.help();
        if (!std::strcmp(argv[i], "--keys")) {
            // Often redirected into the docs: a full disk is an error, not a truncated reference.
            std::string err;
            if (std::fputs(simcfg::schema_markdown().c_str(), stdout) == EOF) err = std::string("<stdout>: ") + std::strerror(errno);
            if (!err.empty() || !simcli::flush_stdout(&err)) { std::fprintf(stderr, "%s: cannot write %s\n", argv[0], err.c_str()); return 1; }
            return 0;
        }
        if (!std::strcmp(argv[i], "--configs-dir")) {
            std::printf("%s\n", simcfg::configs_dir().c_str());
            std::string err;
            if (!simcli::flush_stdout(&err)) { std::fprintf(stderr, "%s: cannot write %s\n", argv[0], err.c_str()); return 1; }
            return 0;
        }
        if (!std::strcmp(argv[i], "--set")) {
            if (i + 1 >= argc) return u.needs_value(argv[i]);
            sets.push_back(argv[++i]);
            continue;
        }
        if (!std::strncmp(argv[i], "--set=", 6)) { sets.push_back(argv[i] + 6); continue; }
        if (!std::strcmp(argv[i], "--resolved")) { resolved = true; continue; }
        if (argv[i][0] == '-' && argv[i][1]) return u.unknown(argv[i]);
        if (!file.empty()) return u.bad(std::string("unexpected argument '") + argv[i] + "' (the scenario is " + file + ")");
        file = argv[i];
    }
    if (file.empty()) return u.bad("no scenario file given");
    simcfg::Scenario s;
    std::vector<simcfg::Error> errors;
    if (!simcfg::load_scenario(file, sets, &s, &errors)) {
        for (const auto &e : errors) std::fprintf(stderr, "%s\n", e.str().c_str());
        return 1;
    }
    for (const auto &w : s.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
    if (resolved) std::printf("%s\n", s.resolved.c_str());
    else std::printf("%s: ok (%zu devices)\n", s.name.c_str(), s.devices.size());
    for (const auto &d : resolved ? std::vector<simcfg::Device>() : s.devices)
        std::printf("  %-12s sid 0x%x domain %s granule %s mappings %zu pattern %s\n", d.name.c_str(), d.sid,
                    d.domain.c_str(), d.granule.c_str(), d.mappings.size(), d.traffic.pattern.c_str());
    std::string err;
    if (!simcli::flush_stdout(&err)) { std::fprintf(stderr, "%s: cannot write %s\n", argv[0], err.c_str()); return 1; }
    return 0;
}
