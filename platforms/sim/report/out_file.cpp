// SPDX-License-Identifier: BSD-3-Clause
#include "out_file.h"

#include <cerrno>
#include <cstring>

namespace simreport {

namespace {
std::vector<std::string> g_errors, g_written;
}

const std::vector<std::string> &write_errors() { return g_errors; }
const std::vector<std::string> &written_files() { return g_written; }
void note_written(const std::string &path) { g_written.push_back(path); }

OutFile::~OutFile()
{
    if (f_ && f_ != stdout) std::fclose(f_);
}

bool OutFile::open(const std::string &path)
{
    path_ = path;
    err_.clear();
    if (path.empty()) { err_ = "'': empty file name"; g_errors.push_back(err_); return false; }
    f_ = path == "-" ? stdout : std::fopen(path.c_str(), "w");
    if (!f_) fail(errno);
    return f_ != nullptr;
}

void OutFile::fail(int e)
{
    if (!err_.empty()) return;
    // A short write without errno (never expected from stdio) still is a failure.
    err_ = (path_ == "-" ? std::string("<stdout>") : path_) + ": " + (e ? std::strerror(e) : "short write");
    g_errors.push_back(err_);
}

bool OutFile::close()
{
    if (!f_) return ok();
    errno = 0;
    if (std::fflush(f_) != 0 || std::ferror(f_)) fail(errno);
    if (f_ != stdout && std::fclose(f_) != 0) fail(errno);
    if (ok() && f_ != stdout) g_written.push_back(path_);
    f_ = nullptr;
    return ok();
}

OutFile::int_type OutFile::overflow(int_type c)
{
    if (c == traits_type::eof()) return traits_type::not_eof(c);
    char ch = traits_type::to_char_type(c);
    write(&ch, 1);
    return ok() ? c : traits_type::eof();
}

std::streamsize OutFile::xsputn(const char *s, std::streamsize n)
{
    write(s, (size_t)n);
    return ok() ? n : 0;
}

bool write_file(const std::string &path, const std::string &data, std::string *err)
{
    OutFile f(path);
    f.write(data);
    bool ok = f.close();
    if (!ok && err) *err = f.error();
    return ok;
}

} // namespace simreport
