// smmu-sim-check: validate a scenario (with --set overrides) as smmu-sim would, and print its resolved devices, its
// fully resolved configuration (--resolved, what report.json records) or the key reference (--keys).
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "config/scenario.h"
#include "config/schema.h"

int main(int argc, char **argv)
{
    std::vector<std::string> sets;
    std::string file;
    bool resolved = false;
    const char *usage = "usage: %s scenario.yaml [--set key=value]... [--resolved] | --keys\n";
    for (int i = 1; i < argc; i++) {
        if (!std::strcmp(argv[i], "--keys")) { std::fputs(simcfg::schema_markdown().c_str(), stdout); return 0; }
        if (!std::strcmp(argv[i], "--set") && i + 1 < argc) { sets.push_back(argv[++i]); continue; }
        if (!std::strncmp(argv[i], "--set=", 6)) { sets.push_back(argv[i] + 6); continue; }
        if (!std::strcmp(argv[i], "--resolved")) { resolved = true; continue; }
        if (argv[i][0] == '-') { std::fprintf(stderr, usage, argv[0]); return 2; }
        file = argv[i];
    }
    if (file.empty()) { std::fprintf(stderr, usage, argv[0]); return 2; }
    simcfg::Scenario s;
    std::vector<simcfg::Error> errors;
    if (!simcfg::load_scenario(file, sets, &s, &errors)) {
        for (const auto &e : errors) std::fprintf(stderr, "%s\n", e.str().c_str());
        return 1;
    }
    for (const auto &w : s.warnings) std::fprintf(stderr, "%s\n", w.c_str());
    if (resolved) { std::printf("%s\n", s.resolved.c_str()); return 0; }
    std::printf("%s: ok (%zu devices)\n", s.name.c_str(), s.devices.size());
    for (const auto &d : s.devices)
        std::printf("  %-12s sid 0x%x domain %s granule %s mappings %zu pattern %s\n", d.name.c_str(), d.sid,
                    d.domain.c_str(), d.granule.c_str(), d.mappings.size(), d.traffic.pattern.c_str());
    return 0;
}
