// SPDX-License-Identifier: BSD-3-Clause
#include "datadir.h"

#include <climits>
#include <sys/stat.h>
#include <unistd.h>

namespace simcfg {

static bool is_dir(const std::string &p)
{
    struct stat st;
    return stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

static std::string exe_dir()
{
    char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) return "";
    std::string p(buf, (size_t)n);
    return p.substr(0, p.rfind('/'));
}

std::string configs_dir()
{
    // The installed layout first: a prefix may itself lie inside the build tree.
    const std::string exe = exe_dir();
    if (!exe.empty() && is_dir(exe + "/" SMMU_BINDIR_TO_DATADIR "/configs"))
        return exe + "/" SMMU_BINDIR_TO_DATADIR "/configs";
    const std::string build = SMMU_BUILD_DIR;
    if (!exe.empty() && (exe == build || exe.compare(0, build.size() + 1, build + "/") == 0))
        return SMMU_SOURCE_DIR "/configs";
    return SMMU_INSTALL_DATADIR "/configs";
}

} // namespace simcfg
