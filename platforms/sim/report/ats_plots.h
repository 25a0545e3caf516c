/* SPDX-License-Identifier: BSD-3-Clause */
// The PCIe ATS/PRI plots of one smmu-sim run: what ATS saves and costs per device, and the page-request service
// latency of demand-paged devices.
#pragma once

#include <string>
#include <vector>

namespace simreport {

struct AtsResult {
    std::string name;
    bool ats = false;                       // ats.enabled
    double accesses = 0;                    // the device's transactions
    double smmu_lookups = 0;                // SMMU translations + Translation Requests for it
    double atc_hit_rate = 0;                // 0..1 (0 without ATS)
    double unmap_mean_ns = 0;               // dynamic: mean unmap time (0: none)
    std::vector<double> pri_service_ns;     // per Page Request: sent to its PRG response
};

// Writes dir/ats.dat and renders ats.png (SMMU lookups per 100 accesses, ATC hit %, mean unmap time per device);
// with page requests also pri_service_cdf.dat / .png. False with *msg when a file could not be written or a PNG
// made (as write_run_plots).
bool write_ats_plots(const std::string &dir, const std::string &title, std::vector<AtsResult> &devices, std::string *msg);

} // namespace simreport
