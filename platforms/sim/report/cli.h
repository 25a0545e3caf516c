/* SPDX-License-Identifier: BSD-3-Clause */
// Command-line conventions shared by the tools: --help on stdout (exit 0), unknown options named (exit 2),
// numeric options checked whole and against their range (never wrapped).
#pragma once

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace simcli {

// `text` is the usage with one %s for the program name.
struct Usage {
    const char *prog;
    const char *text;
    int help() const { std::printf(text, prog); return 0; }
    // A command-line mistake: the message, then the usage, on stderr; exit status 2.
    int bad(const std::string &msg) const
    {
        std::fprintf(stderr, "%s: %s\n", prog, msg.c_str());
        std::fprintf(stderr, text, prog);
        return 2;
    }
    int unknown(const std::string &opt) const { return bad("unknown option '" + opt + "'"); }
    int needs_value(const std::string &opt) const { return bad("option '" + opt + "' needs a value"); }
};

inline std::string range_text(uint64_t lo, uint64_t hi)
{
    char b[64];
    // Field-width limits (all ones) read best in hex, others in decimal.
    if (hi >= 0x10000 && (hi & (hi + 1)) == 0) std::snprintf(b, sizeof b, "%" PRIu64 " .. 0x%" PRIx64, lo, hi);
    else std::snprintf(b, sizeof b, "%" PRIu64 " .. %" PRIu64, lo, hi);
    return b;
}

// An unsigned integer (decimal, 0x hex or 0 octal) making up all of `s`, within lo..hi. Else "" and *err is
// "<opt>: '<s>' is not an integer in lo .. hi".
inline bool parse_uint(const std::string &opt, const std::string &s, uint64_t lo, uint64_t hi, uint64_t *v, std::string *err)
{
    bool good = !s.empty() && s[0] >= '0' && s[0] <= '9';
    unsigned long long x = 0;
    if (good) {
        errno = 0;
        char *end;
        x = std::strtoull(s.c_str(), &end, 0);
        good = errno == 0 && *end == 0 && x >= lo && x <= hi;
    }
    if (!good) { *err = opt + ": '" + s + "' is not an integer in " + range_text(lo, hi); return false; }
    *v = x;
    return true;
}

// Flushes stdout: false with *err = "<stdout>: reason" when what was printed did not all get out (stdout
// redirected to a full disk).
inline bool flush_stdout(std::string *err)
{
    errno = 0;
    if (std::fflush(stdout) == 0 && !std::ferror(stdout)) return true;
    *err = std::string("<stdout>: ") + (errno ? std::strerror(errno) : "write error");
    return false;
}

} // namespace simcli
