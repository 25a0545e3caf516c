/* SPDX-License-Identifier: BSD-3-Clause */
// A sweep point's directory and its life cycle: the resolved configuration (config.json), the exact command
// (command.txt), the log (log.txt) and smmu-sim's outputs; a claim (`running`) while a process runs it; the
// completion marker (`done`), written last. A rerun skips a point whose marker is there and whose configuration
// is unchanged, and redoes every other one.
#pragma once

#include <string>

namespace sweep {

enum class State {
    Done,          // marker present, smmu-sim exited 0 (or 3: an expect check failed, the numbers are valid)
    Failed,        // marker present, smmu-sim exited otherwise or was killed
    Running,       // claimed by a live process (this host), or by a process on another host
    Interrupted,   // started (command.txt written) but neither finished nor running: killed mid-run
    Missing,       // never started, or started with another configuration (the spec changed since)
};

struct PointState {
    State state = State::Missing;
    int status = -1;     // smmu-sim's exit status (128 + signal when killed) for Done and Failed
    std::string by;      // who ran (marker) or runs (claim) it: "host H pid P job J"
};

const char *state_name(State s);
std::string point_dir(const std::string &out, size_t point);
// `config` is the point's resolved configuration as this run would write it.
PointState point_state(const std::string &dir, const std::string &config);
// "job J_T" under a Slurm array task, "job J" under another Slurm job, else "local".
std::string job_label();
// Claims the point for this process. False with *err ("path: reason") when the claim cannot be written.
bool claim(const std::string &dir, std::string *err);
// Writes the completion marker (atomically: a temporary file renamed), then drops the claim.
bool mark_done(const std::string &dir, int status, double wall_s, std::string *err);
// Drops the claim without a marker (the run was interrupted); the point stays Interrupted.
void release(const std::string &dir);
// Removes what an earlier, unfinished or outdated run of the point left (marker, report) before a rerun.
bool reset(const std::string &dir, std::string *err);

} // namespace sweep
