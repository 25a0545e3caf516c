/* SPDX-License-Identifier: BSD-3-Clause */
// Reader of the io-pgtable-arm test vectors in ../shared/vectors/pgtable (format: README.md there).
#pragma once

#include <dirent.h>
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "harness.h"

namespace vec {

struct Query {
    uint64_t iova;
    std::string acc;
    std::string kind; uint64_t val;
    std::string cond, alt_kind; uint64_t alt_val;
};

struct VecFile {
    std::string name, kind;
    std::map<std::string, uint64_t> s1tcr, s2vtcr;
    uint64_t s1mair = 0, s1ttbr = 0, s2vttbr = 0, s1oas = 0, s2oas = 0, s2ias = 0;
    bool hd_quirk = false;
    uint64_t cd_ipa = 0, cd_pa = 0;
    bool has_cd = false;
    std::vector<std::pair<uint64_t, uint64_t>> mem;
    std::vector<std::pair<uint64_t, std::vector<uint8_t>>> pages;
    std::vector<Query> qs;
    size_t end_count = 0;
};

inline uint64_t num(const std::string &s) { return std::stoull(s, nullptr, 0); }

inline std::map<std::string, uint64_t> kv(std::istringstream &in) {
    std::map<std::string, uint64_t> m;
    std::string t;
    while (in >> t) {
        auto eq = t.find('=');
        if (eq != std::string::npos) m[t.substr(0, eq)] = num(t.substr(eq + 1));
    }
    return m;
}

inline bool load(const std::string &path, VecFile &v) {
    std::string cmd = "gzip -dc '" + path + "'";
    FILE *p = popen(cmd.c_str(), "r");
    if (!p) return false;
    std::string line;
    std::vector<char> buf(1 << 16);
    bool header = false;
    while (fgets(buf.data(), (int)buf.size(), p)) {
        line += buf.data();
        if (line.empty() || line.back() != '\n') continue;
        line.pop_back();
        std::istringstream in(line);
        std::string key, a, b;
        in >> key;
        if (key == "smmu-pgtable-vectors") header = true;
        else if (key == "name") in >> v.name;
        else if (key == "kind") in >> v.kind;
        else if (key == "s1.tcr") v.s1tcr = kv(in);
        else if (key == "s2.vtcr") v.s2vtcr = kv(in);
        else if (key == "s1.mair") { in >> a; v.s1mair = num(a); }
        else if (key == "s1.ttbr") { in >> a; v.s1ttbr = num(a); }
        else if (key == "s2.vttbr") { in >> a; v.s2vttbr = num(a); }
        else if (key == "s1.oas") { in >> a; v.s1oas = num(a); }
        else if (key == "s2.oas") { in >> a; v.s2oas = num(a); }
        else if (key == "s2.ias") { in >> a; v.s2ias = num(a); }
        else if (key == "s1.quirks") { in >> a; v.hd_quirk = a.find("hd") != std::string::npos; }
        else if (key == "cd") { in >> a >> b; v.cd_ipa = num(a); v.cd_pa = num(b); v.has_cd = true; }
        else if (key == "mem") { in >> a >> b; v.mem.push_back({num(a), num(b)}); }
        else if (key == "page") {
            in >> a >> b;
            std::vector<uint8_t> bytes(b.size() / 2);
            for (size_t i = 0; i < bytes.size(); i++) bytes[i] = (uint8_t)std::stoul(b.substr(2 * i, 2), nullptr, 16);
            v.pages.push_back({num(a), std::move(bytes)});
        } else if (key == "q") {
            Query q{};
            in >> a >> q.acc >> q.kind >> b;
            q.iova = num(a);
            q.val = b == "-" ? 0 : num(b);
            if (in >> q.cond) { in >> q.alt_kind >> b; q.alt_val = b == "-" ? 0 : num(b); }
            v.qs.push_back(q);
        } else if (key == "end") { in >> a; v.end_count = num(a); }
        line.clear();
    }
    pclose(p);
    return header;
}

inline std::vector<std::string> files(const std::string &prefix) {
    std::vector<std::string> out;
    std::string dir = th::shared_dir();
    if (dir.empty()) return out;
    dir += "/vectors/pgtable";
    if (DIR *d = opendir(dir.c_str())) {
        while (dirent *e = readdir(d)) {
            std::string n = e->d_name;
            if (n.rfind(prefix, 0) == 0 && n.size() > 7 && n.substr(n.size() - 7) == ".vec.gz") out.push_back(dir + "/" + n);
        }
        closedir(d);
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace vec
