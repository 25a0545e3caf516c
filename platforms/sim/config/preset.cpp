// SPDX-License-Identifier: BSD-3-Clause
#include "preset.h"

#include <algorithm>
#include <dirent.h>
#include <sys/stat.h>

#include "datadir.h"

namespace simcfg {

namespace {
bool is_file(const std::string &p)
{
    struct stat st;
    return stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}
}

std::string builtin_preset_dir() { return configs_dir() + "/presets"; }

std::vector<std::string> builtin_presets()
{
    std::vector<std::string> out;
    if (DIR *d = opendir(builtin_preset_dir().c_str())) {
        while (dirent *e = readdir(d)) {
            std::string f = e->d_name;
            if (f.size() > 5 && f.compare(f.size() - 5, 5, ".yaml") == 0) out.push_back(f.substr(0, f.size() - 5));
        }
        closedir(d);
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::string find_preset(const std::string &name, const std::string &referring_file, std::string *err)
{
    bool path = name.find('/') != std::string::npos || (name.size() > 5 && name.compare(name.size() - 5, 5, ".yaml") == 0);
    if (path) {
        std::string f = name;
        if (f[0] != '/') {
            size_t slash = referring_file.find_last_of('/');
            f = (slash == std::string::npos ? std::string(".") : referring_file.substr(0, slash)) + "/" + f;
        }
        struct stat st;
        if (stat(f.c_str(), &st) != 0) { *err = "no preset file '" + f + "'"; return ""; }
        if (!S_ISREG(st.st_mode)) { *err = "preset '" + f + "' is not a file"; return ""; }
        return f;
    }
    // Built-in names; the hyphenated spellings of earlier releases (mmu-700, gem5-default) are aliases.
    std::string underscored = name, joined;
    std::replace(underscored.begin(), underscored.end(), '-', '_');
    for (char ch : name) if (ch != '-') joined += ch;
    for (const std::string &n : {name, joined, underscored})
        if (!n.empty() && n.find('.') == std::string::npos && is_file(builtin_preset_dir() + "/" + n + ".yaml"))
            return builtin_preset_dir() + "/" + n + ".yaml";
    std::string all;
    for (const std::string &n : builtin_presets()) all += (all.empty() ? "" : ", ") + n;
    *err = "'" + name + "' is not a built-in preset (" + (all.empty() ? "none in " + builtin_preset_dir() : all) +
           ") or a preset file (a path ending in .yaml)";
    return "";
}

} // namespace simcfg
