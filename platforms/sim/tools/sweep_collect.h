/* SPDX-License-Identifier: BSD-3-Clause */
// Collecting a sweep: one CSV row per finished point (the grid values, smmu-sim's exit status, the metrics from
// its report.json), the plots, and the list of points that did not finish with their logs.
#pragma once

#include <string>
#include <vector>

#include "config/sweep.h"
#include "sweep_points.h"

namespace sweep {

// The value each grid key takes at point p.
std::vector<std::string> grid_values(const simcfg::Sweep &s, size_t p);

struct Counts { size_t done = 0, running = 0, failed = 0, missing = 0; };
// Failed counts the Interrupted points too (started, not finished, nobody running them).
Counts count(const std::string &out, const std::vector<size_t> &points, const std::vector<std::string> &configs);

// Writes OUT/STEM.csv (a row per point of `points` that finished: done or failed) and OUT/STEM.{dat,png}; names
// every point that is not done on stderr with its log. 0 when all of `points` are done and every file was
// written, else 1. `configs[p]` is point p's resolved configuration (what marks its directory as current).
int collect(const std::string &out, const std::string &stem, const simcfg::Sweep &s, const std::vector<size_t> &points,
            const std::vector<std::string> &configs);

} // namespace sweep
