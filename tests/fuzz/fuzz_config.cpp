// SPDX-License-Identifier: BSD-3-Clause
// Fuzz target 3a: the scenario loader (YAML parse, --set overrides, schema validation). Input: the YAML text,
// then after a NUL byte one --set argument per line. Invariants: no crash or hang; false comes with at least
// one error, each naming the file (or --set), a line inside it (or the --set position) and a message;
// true comes with none, and a second load of the same input gives the same outcome.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>
#include <vector>

#include "config/scenario.h"

#define CHECK(c, ...) do { if (!(c)) { std::fprintf(stderr, "invariant failed: %s: ", #c); std::fprintf(stderr, __VA_ARGS__); std::fputc('\n', stderr); std::abort(); } } while (0)

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 1 << 15) return 0;
    std::string in(reinterpret_cast<const char *>(data), size);
    size_t nul = in.find('\0');
    std::string yaml = in.substr(0, nul);
    std::vector<std::string> sets;
    if (nul != std::string::npos) {
        std::string rest = in.substr(nul + 1);
        for (size_t p = 0; p <= rest.size() && sets.size() < 8;) {
            size_t e = rest.find('\n', p);
            if (e == std::string::npos) e = rest.size();
            if (e > p) sets.push_back(rest.substr(p, e - p));
            p = e + 1;
        }
    }
    static std::string path = "/tmp/fuzz_config." + std::to_string(getpid()) + ".yaml";
    FILE *f = std::fopen(path.c_str(), "wb");
    CHECK(f, "cannot write %s", path.c_str());
    CHECK(std::fwrite(yaml.data(), 1, yaml.size(), f) == yaml.size() && std::fclose(f) == 0, "write %s", path.c_str());
    uint64_t lines = 1;
    for (char c : yaml) lines += c == '\n';
    bool ok[2];
    size_t nerr[2];
    for (int round = 0; round < 2; round++) {
        simcfg::Scenario s;
        std::vector<simcfg::Error> errors;
        ok[round] = simcfg::load_scenario(path, sets, &s, &errors);
        nerr[round] = errors.size();
        if (ok[round]) CHECK(errors.empty(), "true with %zu errors: %s", errors.size(), errors[0].str().c_str());
        else CHECK(!errors.empty(), "false without an error");
        for (const auto &e : errors) {
            CHECK(!e.message.empty(), "error without a message: %s", e.str().c_str());
            if (e.file == path) CHECK(e.line >= 0 && (uint64_t)e.line <= lines + 1, "line %d of %llu: %s", e.line, (unsigned long long)lines, e.str().c_str());
            else CHECK(e.file == "--set" && e.line >= 1 && (size_t)e.line <= sets.size(), "%s", e.str().c_str());
        }
    }
    CHECK(ok[0] == ok[1] && nerr[0] == nerr[1], "two loads of the same input differ");
    return 0;
}
