/* SPDX-License-Identifier: BSD-3-Clause */
// The timeline plot of one smmu-sim run: per-device throughput over time with the timeline's actions marked.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace simreport {

struct ActionMark {
    double at_us = 0, duration_us = 0;
    std::string label;                  // "assign nic vm:guest0"
};

// Writes dir/timeline.dat (time_us, GB/s per device), dir/timeline_actions.dat and renders timeline.png with a
// vertical line per action. `series`: device name and bytes completed per `bin_ps` bin. False with *msg when the
// PNG could not be made (or a file not written, also in write_errors()).
bool write_timeline_plot(const std::string &dir, const std::string &title, uint64_t bin_ps,
                         const std::vector<std::pair<std::string, std::vector<uint64_t>>> &series,
                         const std::vector<ActionMark> &marks, std::string *msg);

} // namespace simreport
