/* SPDX-License-Identifier: BSD-3-Clause */
// The trace format (docs/trace-format.md): one transaction per line, read streaming.
#pragma once

#include <fstream>
#include <istream>
#include <memory>
#include <ostream>
#include <string>

#include "txn.h"

namespace traffic {

class TraceReader {
public:
    explicit TraceReader(const std::string &file);               // opens the file
    TraceReader(std::istream &in, const std::string &name);      // reads a stream it does not own
    bool ok() const { return err_.empty(); }
    // The next record; false at the end or on an error (then error() is "file:line: field 'x': message").
    bool next(Txn &t);
    const std::string &error() const { return err_; }
    // Set at the end of a trace without a single record: "file: no records (the trace is empty)".
    const std::string &warning() const { return warn_; }
    uint64_t line() const { return line_; }
    uint64_t records() const { return records_; }
private:
    bool fail(const std::string &field, const std::string &msg);
    std::unique_ptr<std::ifstream> own_;
    std::istream *in_;
    std::string name_, err_, warn_, buf_;
    uint64_t line_ = 0, records_ = 0, last_time_ = 0;
};

void write_trace_header(std::ostream &out);
void write_trace_record(std::ostream &out, const Txn &t);

// Converters from public formats, line by line. Options fill what the source format lacks.
struct ConvertOptions {
    uint32_t sid = 0, ssid = 0;
    bool ssv = false;
    uint32_t default_size = 64;         // DRAMSys lines without a length
    uint64_t clock_ps = 1000;           // DRAMSys: picoseconds per clock cycle
};
// DRAMSys .stl: "<cycle>: read|write <hex address> [<length>] [<data>]" (also "<+cycle>" relative times).
bool convert_dramsys_stl(std::istream &in, std::ostream &out, const std::string &name, const ConvertOptions &o, std::string *err);
// gem5 packet trace dumped to text by util/decode_packet_trace.py: "<r|w>,<addr>,<size>,<flags>,<tick>[,<pc>]".
bool convert_gem5_text(std::istream &in, std::ostream &out, const std::string &name, const ConvertOptions &o, std::string *err);

} // namespace traffic
