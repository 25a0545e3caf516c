// SPDX-License-Identifier: BSD-3-Clause
#include "sweep_points.h"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

#include "report/out_file.h"

namespace sweep {

namespace {

bool read_all(const std::string &path, std::string *s)
{
    std::ifstream f(path, std::ios::binary);
    if (!f) return false;
    std::stringstream ss;
    ss << f.rdbuf();
    *s = ss.str();
    return true;
}

std::string host_name()
{
    char h[256] = {};
    if (gethostname(h, sizeof h - 1) != 0) return "unknown";
    return h;
}

// The value after "key " on its own line of a marker or claim.
std::string field(const std::string &text, const std::string &key)
{
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(key + " ", 0) == 0) return line.substr(key.size() + 1);
    return "";
}

std::string who(const std::string &text)
{
    return "host " + field(text, "host") + " pid " + field(text, "pid") + " job " + field(text, "job");
}

// Whether Slurm job J (or array task J_T) still runs, by squeue; true when squeue cannot tell (not installed, no
// controller), so a claim is never dropped on a guess. Answers are kept: a status or rerun asks once per job.
bool slurm_job_alive(const std::string &job)
{
    static std::map<std::string, bool> known;
    auto it = known.find(job);
    if (it != known.end()) return it->second;
    bool ok = !job.empty();
    for (char c : job) ok = ok && ((c >= '0' && c <= '9') || c == '_');
    bool alive = true;
    if (ok) {
        std::string cmd = "squeue -h -j " + job + " -o %T 2>&1", text;
        if (FILE *p = popen(cmd.c_str(), "r")) {
            char buf[256];
            while (size_t k = std::fread(buf, 1, sizeof buf, p)) text.append(buf, k);
            int st = pclose(p);
            // Gone from the queue: nothing listed, or "Invalid job id specified"; any other failure cannot tell.
            if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
                alive = text.find("RUNNING") != std::string::npos || text.find("COMPLETING") != std::string::npos ||
                        text.find("SUSPENDED") != std::string::npos;
            else if (text.find("Invalid job id") != std::string::npos) alive = false;
        }
    }
    known[job] = alive;
    return alive;
}

bool remove_if_there(const std::string &path, std::string *err)
{
    if (std::remove(path.c_str()) == 0 || errno == ENOENT) return true;
    *err = path + ": " + std::strerror(errno);
    return false;
}

} // namespace

const char *state_name(State s)
{
    switch (s) {
    case State::Done: return "done";
    case State::Failed: return "failed";
    case State::Running: return "running";
    case State::Interrupted: return "interrupted";
    case State::Missing: break;
    }
    return "missing";
}

std::string point_dir(const std::string &out, size_t point)
{
    char b[32];
    std::snprintf(b, sizeof b, "/point-%04zu", point);
    return out + b;
}

PointState point_state(const std::string &dir, const std::string &config)
{
    PointState ps;
    std::string cmd, cfg, marker, claim_text;
    if (!read_all(dir + "/command.txt", &cmd)) return ps;
    if (!read_all(dir + "/config.json", &cfg) || cfg != config) return ps;   // another spec's point: redo it
    if (read_all(dir + "/done", &marker)) {
        char *end;
        std::string st = field(marker, "status");
        long v = std::strtol(st.c_str(), &end, 10);
        if (!st.empty() && *end == 0) {
            ps.status = (int)v;
            ps.state = v == 0 || v == 3 ? State::Done : State::Failed;
            ps.by = who(marker);
            return ps;
        }
    }
    ps.state = State::Interrupted;
    if (read_all(dir + "/running", &claim_text)) {
        ps.by = who(claim_text);
        long pid = std::strtol(field(claim_text, "pid").c_str(), nullptr, 10);
        std::string job = field(claim_text, "job");
        // Another host's process cannot be probed from here: its Slurm job can; a claim without one is trusted.
        bool alive = field(claim_text, "host") == host_name() ? pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM)
                     : job == "local"                       ? true
                                                            : slurm_job_alive(job);
        if (alive) ps.state = State::Running;
    }
    return ps;
}

std::string job_label()
{
    const char *aj = std::getenv("SLURM_ARRAY_JOB_ID"), *at = std::getenv("SLURM_ARRAY_TASK_ID"), *j = std::getenv("SLURM_JOB_ID");
    if (aj && at) return std::string("job ") + aj + "_" + at;
    if (j) return std::string("job ") + j;
    return "local";
}

static std::string identity()
{
    std::string job = job_label();
    return "host " + host_name() + "\npid " + std::to_string(getpid()) + "\njob " + (job == "local" ? job : job.substr(4)) + "\n";
}

bool claim(const std::string &dir, std::string *err)
{
    return simreport::write_file(dir + "/running", identity(), err);
}

bool mark_done(const std::string &dir, int status, double wall_s, std::string *err)
{
    char w[32];
    std::snprintf(w, sizeof w, "%.3f", wall_s);
    std::string tmp = dir + "/done.tmp";
    if (!simreport::write_file(tmp, "status " + std::to_string(status) + "\n" + identity() + "wall_s " + w + "\n", err)) return false;
    if (std::rename(tmp.c_str(), (dir + "/done").c_str()) != 0) { *err = dir + "/done: " + std::strerror(errno); return false; }
    release(dir);
    return true;
}

void release(const std::string &dir)
{
    std::remove((dir + "/running").c_str());
}

bool reset(const std::string &dir, std::string *err)
{
    return remove_if_there(dir + "/done", err) && remove_if_there(dir + "/done.tmp", err) && remove_if_there(dir + "/report.json", err);
}

} // namespace sweep
