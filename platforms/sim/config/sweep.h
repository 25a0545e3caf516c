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

} // namespace simcfg
