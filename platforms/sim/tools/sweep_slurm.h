/* SPDX-License-Identifier: BSD-3-Clause */
// Submitting a sweep to Slurm as a job array: task i of N runs `smmu-sweep SPEC --shard i/N` into the same output
// directory (on a filesystem the nodes share); the points' markers make a resubmission redo only what is not done.
#pragma once

#include <string>
#include <vector>

namespace sweep {

struct SlurmJob {
    std::string self, spec, out, sim;   // absolute paths: this program, the sweep file, the output directory, smmu-sim
    std::vector<std::string> sets;      // the extra --set arguments
    unsigned tasks = 1;                 // array tasks = shards
    unsigned jobs = 1;                  // smmu-sim processes per task (= CPUs per task)
    unsigned max_parallel = 0;          // the array's %K throttle; 0: none
    std::string partition, time;        // "" when not given
    size_t points = 0;
};

// "" when `t` is a Slurm time limit (M, M:S, H:M:S, D-H, D-H:M, D-H:M:S, or UNLIMITED / INFINITE; 0 is no limit,
// as sbatch takes it), else why not.
std::string check_time(const std::string &t);
// "" when `p` is a partition name or a comma-separated list of them, else why not.
std::string check_partition(const std::string &p);
// "" when `path` can stand in an #SBATCH line and a %-pattern (no whitespace, quotes or '%'), else why not.
std::string check_script_path(const std::string &path);
std::string shell_quote(const std::string &s);
// The batch script (a /bin/sh script with #SBATCH lines).
std::string batch_script(const SlurmJob &j);
// Runs `sbatch --parsable SCRIPT`: true and *job_id, else false and *err (sbatch's message or why it did not run).
bool submit(const std::string &script, std::string *job_id, std::string *err);

} // namespace sweep
