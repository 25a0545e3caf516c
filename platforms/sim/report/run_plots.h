/* SPDX-License-Identifier: BSD-3-Clause */
// The plots of one smmu-sim run: latency CDF per stream, TLB hit rates, throughput over time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace simreport {

struct StreamResult {
    std::string name;
    std::vector<double> lat_ns;             // end-to-end latency of every completed transaction
    // How the stream's translations were served (fractions 0..1 that add up to 1, smmu::Served): a hit at each
    // TLB level, a walk in flight shared, a walk of its own, and the rest (bypass or failed).
    double utlb = 0, main_tlb = 0, tcu_tlb = 0, shared = 0, walk = 0, other = 0;
    std::vector<uint64_t> bytes_per_bin;    // bytes completed in each time bin
};

// Points of the empirical CDF of `lat` (sorted in place): at most `max_points` (latency, fraction <= it).
std::vector<std::pair<double, double>> cdf_points(std::vector<double> &lat, size_t max_points);

// Writes dir/latency_cdf.dat, tlb_hit_rates.dat, throughput.dat (always) and renders the three PNGs with
// gnuplot. False with *msg when a PNG could not be made; a file that could not be written is also in
// write_errors() (out_file.h).
bool write_run_plots(const std::string &dir, const std::string &title, uint64_t bin_ps, std::vector<StreamResult> &streams,
                     std::string *msg);

} // namespace simreport
