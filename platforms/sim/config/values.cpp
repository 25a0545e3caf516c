// SPDX-License-Identifier: BSD-3-Clause
#include "values.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace simcfg {

static std::string lower(std::string s) { for (char &c : s) c = (char)std::tolower((unsigned char)c); return s; }

bool parse_uint(const std::string &s, uint64_t *out)
{
    if (s.empty() || s[0] == '-' || s[0] == '+' || std::isspace((unsigned char)s[0])) return false;
    errno = 0;
    char *end = nullptr;
    unsigned long long v = std::strtoull(s.c_str(), &end, 0);
    if (errno || *end || end == s.c_str()) return false;
    *out = v;
    return true;
}

bool parse_float(const std::string &s, double *out)
{
    if (s.empty() || std::isspace((unsigned char)s[0])) return false;
    char *end = nullptr;
    double v = std::strtod(s.c_str(), &end);
    if (*end || end == s.c_str() || !std::isfinite(v)) return false;
    *out = v;
    return true;
}

// A number followed by a unit: returns the number and the unit text.
static bool split_unit(const std::string &s, double *num, std::string *unit)
{
    size_t i = 0;
    while (i < s.size() && (std::isdigit((unsigned char)s[i]) || s[i] == '.')) i++;
    if (i == 0) return false;
    if (!parse_float(s.substr(0, i), num)) return false;
    size_t j = i;
    while (j < s.size() && s[j] == ' ') j++;
    *unit = s.substr(j);
    return true;
}

bool parse_size(const std::string &s, uint64_t *out)
{
    if (parse_uint(s, out)) return true;
    double n;
    std::string u;
    if (!split_unit(s, &n, &u)) return false;
    u = lower(u);
    if (u.size() > 1 && u.back() == 'b') u.pop_back();
    if (u.size() > 1 && u.back() == 'i') u.pop_back();
    unsigned shift;
    if (u.empty()) shift = 0;
    else if (u == "k") shift = 10;
    else if (u == "m") shift = 20;
    else if (u == "g") shift = 30;
    else if (u == "t") shift = 40;
    else return false;
    double v = n * std::ldexp(1.0, (int)shift);
    if (v != std::floor(v) || v >= 18446744073709551615.0) return false;
    *out = (uint64_t)v;
    return true;
}

bool parse_duration(const std::string &s, uint64_t *ps)
{
    double n;
    std::string u;
    if (!split_unit(s, &n, &u)) return false;
    u = lower(u);
    double mul;
    if (u == "ps") mul = 1;
    else if (u == "ns") mul = 1e3;
    else if (u == "us") mul = 1e6;
    else if (u == "ms") mul = 1e9;
    else if (u == "s") mul = 1e12;
    else return false;
    double v = n * mul;
    if (v >= 1.8e19) return false;
    *ps = (uint64_t)std::llround(v);
    return true;
}

bool parse_rate(const std::string &s, double *bps)
{
    double n;
    std::string u;
    if (!split_unit(s, &n, &u)) return false;
    std::string l = lower(u);
    if (l.size() >= 2 && l.substr(l.size() - 2) == "/s") l.resize(l.size() - 2);
    else return false;
    if (l.empty() || l.back() != 'b' || u[u.size() - 3] != 'B') return false;   // bytes, not bits
    l.pop_back();
    double mul;
    if (l.empty()) mul = 1;
    else if (l == "k") mul = 1e3;
    else if (l == "m") mul = 1e6;
    else if (l == "g") mul = 1e9;
    else if (l == "t") mul = 1e12;
    else return false;
    *bps = n * mul;
    return *bps > 0;
}

bool parse_frequency(const std::string &s, double *hz)
{
    double n;
    std::string u;
    if (!split_unit(s, &n, &u)) return false;
    u = lower(u);
    double mul;
    if (u == "hz") mul = 1;
    else if (u == "khz") mul = 1e3;
    else if (u == "mhz") mul = 1e6;
    else if (u == "ghz") mul = 1e9;
    else return false;
    *hz = n * mul;
    return *hz > 0;
}

bool parse_bool(const std::string &s, bool *out)
{
    std::string l = lower(s);
    if (l == "true" || l == "yes" || l == "on") { *out = true; return true; }
    if (l == "false" || l == "no" || l == "off") { *out = false; return true; }
    return false;
}

std::string json_str(const std::string &s)
{
    std::string o = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') { o += '\\'; o += c; }
        else if ((unsigned char)c < 0x20) { char b[8]; std::snprintf(b, sizeof b, "\\u%04x", c); o += b; }
        else o += c;
    }
    return o + "\"";
}

} // namespace simcfg
