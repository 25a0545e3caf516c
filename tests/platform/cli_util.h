/* SPDX-License-Identifier: BSD-3-Clause */
// Running a tool under test through the shell and capturing what it said on stdout and stderr, and its exit code.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace clitest {

struct Cmd {
    int rc = -1;            // exit status; 128 + signal when killed
    std::string out, err;
};

// `cmd` is a /bin/sh command line (redirections and pipes allowed).
inline Cmd run(const std::string &cmd)
{
    char errf[] = "/tmp/smmu-cli-err-XXXXXX";
    int fd = mkstemp(errf);
    if (fd >= 0) close(fd);
    Cmd r;
    FILE *p = popen(("{ " + cmd + "; } 2>" + errf).c_str(), "r");
    if (!p) return r;
    char buf[4096];
    while (size_t k = fread(buf, 1, sizeof buf, p)) r.out.append(buf, k);
    int st = pclose(p);
    r.rc = WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : -1;
    std::ifstream e(errf);
    std::stringstream ss;
    ss << e.rdbuf();
    r.err = ss.str();
    std::remove(errf);
    return r;
}

inline std::string read_file(const std::string &path)
{
    std::ifstream f(path, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

inline bool exists(const std::string &path) { return access(path.c_str(), F_OK) == 0; }

// A fresh directory under /tmp, removed when the test program ends.
inline std::string temp_dir()
{
    struct Dirs {
        std::vector<std::string> v;
        ~Dirs() { for (auto &d : v) if (d.rfind("/tmp/smmu-cli-", 0) == 0) (void)!std::system(("rm -rf '" + d + "'").c_str()); }
    };
    static Dirs dirs;
    char t[] = "/tmp/smmu-cli-XXXXXX";
    dirs.v.push_back(mkdtemp(t));
    return dirs.v.back();
}

// The test program's scratch directory (one temp_dir) and a file written into it; returns the file's path.
inline std::string tmpdir()
{
    static const std::string d = temp_dir();
    return d;
}

inline std::string write(const std::string &name, const std::string &text)
{
    std::string p = tmpdir() + "/" + name;
    std::ofstream(p) << text;
    return p;
}

} // namespace clitest
