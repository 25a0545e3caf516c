/* SPDX-License-Identifier: BSD-3-Clause */
// Scalar value syntax of the scenario files: sizes (4K, 2MiB, 0x1000), durations (10ns), rates (12.8GB/s), frequencies.
#pragma once

#include <cstdint>
#include <string>

namespace simcfg {

bool parse_uint(const std::string &s, uint64_t *out);        // decimal or 0x hex
bool parse_size(const std::string &s, uint64_t *out);        // bytes; K/M/G/T binary suffixes, optional "B"/"iB"
bool parse_duration(const std::string &s, uint64_t *ps);     // a number and a unit: ps ns us ms s
bool parse_rate(const std::string &s, double *bytes_per_s);  // a number, optional k/M/G/T (decimal), "B/s"
bool parse_frequency(const std::string &s, double *hz);      // Hz kHz MHz GHz
bool parse_bool(const std::string &s, bool *out);            // true/false/yes/no/on/off
bool parse_float(const std::string &s, double *out);

std::string json_str(const std::string &s);                 // a JSON string literal: quoted, \" \\ and control characters escaped

} // namespace simcfg
