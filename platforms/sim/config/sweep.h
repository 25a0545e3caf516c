/* SPDX-License-Identifier: BSD-3-Clause */
// Sweep specs (configs/sweeps/*.yaml): a grid over any scenario keys, expanded into runs, optionally sharded.
#pragma once

#include <string>
#include <vector>

#include "scenario.h"

namespace simcfg {

struct Sweep {
    std::string file, scenario;                    // scenario resolved against the sweep file's directory
    std::vector<std::string> keys;                 // grid keys in file order
    std::vector<std::vector<std::string>> points;  // each point: the --set arguments (fixed `set` first)
    std::vector<std::string> metrics;
};

// Expands the grid (last key varies fastest) and validates every point against the scenario.
bool load_sweep(const std::string &file, Sweep *out, std::vector<Error> *errors);
// Points of shard i of n (0 <= i < n): every n-th point starting at i.
std::vector<size_t> shard(size_t points, unsigned i, unsigned n);

// Metrics a sweep can collect from each point's report.json: a per-device metric aggregated over the devices
// (or "<device>.<metric>" for one device), "driver.<counter>", "events.<EVENT_NAME>", "memory.<field>",
// "simulated_ns" or "wall_s".
const std::vector<std::string> &device_metrics();
// "" when `m` names a metric for a scenario with these devices, else the message.
std::string check_metric(const std::string &m, const std::vector<std::string> &device_names);
// The metrics collected when a sweep lists none.
std::vector<std::string> default_metrics();

} // namespace simcfg
