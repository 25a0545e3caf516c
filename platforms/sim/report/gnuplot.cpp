// SPDX-License-Identifier: BSD-3-Clause
#include "gnuplot.h"

#include <sys/stat.h>
#include <cerrno>
#include <cstdio>
#include <sys/wait.h>

#include "out_file.h"

namespace simreport {

namespace {

std::string probe()
{
    // `set terminal` with no argument lists every terminal this build has.
    FILE *p = popen("gnuplot -e 'set terminal' 2>&1 </dev/null", "r");
    if (!p) return "";
    std::string out;
    char buf[4096];
    while (size_t k = fread(buf, 1, sizeof buf, p)) out.append(buf, k);
    int st = pclose(p);
    if (!WIFEXITED(st) || WEXITSTATUS(st) == 127) return "";
    if (out.find("pngcairo") != std::string::npos) return "pngcairo";
    if (out.find(" png ") != std::string::npos || out.find("\tpng ") != std::string::npos) return "png";
    return "";
}

std::string shell_quote(const std::string &s)
{
    std::string r = "'";
    for (char c : s) r += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return r + "'";
}

} // namespace

const std::string &png_terminal()
{
    static const std::string t = probe();
    return t;
}

std::string quote(const std::string &s)
{
    std::string r = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') r += '\\';
        r += c;
    }
    return r + "\"";
}

bool render(const std::string &dir, const std::string &name, const std::string &script, std::string *msg)
{
    std::string gp = dir + "/" + name + ".gp";
    std::string text = "set terminal " + (png_terminal().empty() ? std::string("png") : png_terminal()) + " size 1000,600 noenhanced\n" +
                       "set output " + quote(name + ".png") + "\n" + script;
    if (!write_file(gp, text, msg)) return false;
    if (png_terminal().empty()) {
        *msg = "gnuplot with a PNG terminal not found (Debian: apt-get install gnuplot-nox); data and " + gp + " written";
        return false;
    }
    std::string cmd = "cd " + shell_quote(dir) + " && gnuplot " + shell_quote(name + ".gp") + " 2>&1";
    FILE *p = popen(cmd.c_str(), "r");
    if (!p) { *msg = "cannot run gnuplot"; return false; }
    std::string out;
    char buf[1024];
    while (size_t k = fread(buf, 1, sizeof buf, p)) out.append(buf, k);
    int st = pclose(p);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) { *msg = "gnuplot failed on " + gp + ": " + out; return false; }
    note_written(dir + "/" + name + ".png");
    return true;
}


bool make_dirs(const std::string &path)
{
    for (size_t i = 1; i <= path.size(); i++)
        if (i == path.size() || path[i] == '/') {
            std::string d = path.substr(0, i);
            if (mkdir(d.c_str(), 0777) != 0 && errno != EEXIST) return false;
        }
    // An existing file of that name is not a directory to write into.
    struct stat st;
    if (stat(path.c_str(), &st) != 0) return false;
    if (!S_ISDIR(st.st_mode)) { errno = ENOTDIR; return false; }
    return true;
}

} // namespace simreport
