/* SPDX-License-Identifier: BSD-3-Clause */
// Checked file output: every open, write, flush and close failure is kept and named with its file.
#pragma once

#include <cerrno>
#include <cstdio>
#include <ostream>
#include <streambuf>
#include <string>
#include <vector>

namespace simreport {

// A file written through stdio ("-" is stdout). The first failure sticks: error() is "path: reason".
// Also a std::ostream (stream()) for writers that take one.
class OutFile : private std::streambuf {
public:
    OutFile() : os_(this) {}
    explicit OutFile(const std::string &path) : OutFile() { open(path); }
    ~OutFile() override;
    OutFile(const OutFile &) = delete;
    OutFile &operator=(const OutFile &) = delete;
    bool open(const std::string &path);
    bool is_open() const { return f_ != nullptr; }
    void write(const char *p, size_t n)
    {
        if (f_ && std::fwrite(p, 1, n, f_) != n) fail(errno);
    }
    void write(const std::string &s) { write(s.data(), s.size()); }
    std::ostream &stream() { return os_; }
    // Flushes and closes (stdout is flushed, not closed); false if anything since open() failed.
    bool close();
    bool ok() const { return err_.empty(); }
    const std::string &error() const { return err_; }
    const std::string &path() const { return path_; }
private:
    int_type overflow(int_type c) override;
    std::streamsize xsputn(const char *s, std::streamsize n) override;
    void fail(int e);
    std::FILE *f_ = nullptr;
    std::string path_, err_;
    std::ostream os_;
};

// Writes `data` to `path` in one go; false with *err = "path: reason".
bool write_file(const std::string &path, const std::string &data, std::string *err);

// Every write through OutFile or write_file that failed in this process ("path: reason"), in order.
const std::vector<std::string> &write_errors();
// Every file this process wrote whole (closed without an error), in order; also those a helper program
// wrote and reported with note_written().
const std::vector<std::string> &written_files();
void note_written(const std::string &path);

} // namespace simreport
