// SPDX-License-Identifier: BSD-3-Clause
// smmu-sweep: runs the points of a sweep spec as parallel smmu-sim processes (skipping those a previous run
// finished), collects their report.json into one CSV (a row per point: the grid values, the status and the
// metrics) and plots it; or submits the sweep to Slurm as a job array, reports its progress, collects it.
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config/sweep.h"
#include "report/cli.h"
#include "report/gnuplot.h"
#include "report/out_file.h"
#include "sweep_collect.h"
#include "sweep_points.h"
#include "sweep_slurm.h"

namespace {

volatile std::sig_atomic_t g_interrupted = 0;

const char kUsage[] =
    "usage: %s sweep.yaml --out DIR [--jobs N] [--shard i/N] [--sim PATH] [--set key=value]... [--no-collect]\n"
    "         [--slurm [--shards N] [--partition P] [--time T] [--max-parallel K] [--dry-run]] [--status | --collect]\n"
    "  --out DIR    where the points' runs, the CSV and the plot go (a point already done there is not run again)\n"
    "  --jobs N     at most N smmu-sim processes at once (1 .. 1024; default: the number of CPUs; with --slurm: per\n"
    "               array task, and its --cpus-per-task, default 1)\n"
    "  --shard i/N  run only points i-1, i-1+N, i-1+2N, ... (1 <= i <= N <= 1000000), e.g. one shard per machine\n"
    "  --sim PATH   the smmu-sim binary (default: next to this program)\n"
    "  --no-collect run the points only, no CSV or plot (what each Slurm array task does; exit 1 if a point failed)\n"
    "  --set k=v    an extra override applied to every point\n"
    "  --slurm      submit the sweep with sbatch as a job array, task i running --shard i/N into DIR; prints the job id\n"
    "  --shards N   array tasks (1 .. the number of points; default: one per point, at most 1000)\n"
    "  --partition P, --time T   the array's Slurm partition and time limit per task (e.g. 30, 2:00:00, 1-0)\n"
    "  --max-parallel K          at most K array tasks at once (the array's %%K; 1 .. 1000000)\n"
    "  --dry-run    print the batch script instead of submitting it\n"
    "  --status     count the points done, running, failed (or interrupted) and missing in DIR\n"
    "  --collect    merge every finished point into DIR/sweep.csv and the plots; list the points not done (exit 1)\n"
    "  -h, --help   this text\n";

constexpr unsigned kMaxJobs = 1024, kMaxShards = 1000000, kMaxArray = 1000;

std::string self_path(const char *argv0)
{
    char self[4096];
    ssize_t k = readlink("/proc/self/exe", self, sizeof self - 1);
    return k > 0 ? std::string(self, (size_t)k) : std::string(argv0);
}

// An absolute path for `p` (which need not exist).
std::string absolute(const std::string &p)
{
    char buf[4096];
    if (realpath(p.c_str(), buf)) return buf;
    if (!p.empty() && p[0] == '/') return p;
    return getcwd(buf, sizeof buf) ? std::string(buf) + "/" + p : p;
}

std::string label(const simcfg::Sweep &s, size_t p)
{
    std::string l;
    auto g = sweep::grid_values(s, p);
    for (size_t i = 0; i < g.size(); i++) l += (i ? ", " : "") + s.keys[i] + "=" + g[i];
    return l;
}

} // namespace

int main(int argc, char **argv)
{
    simcli::Usage u{argv[0], kUsage};
    std::string file, out, sim, partition, time_limit;
    bool have_out = false, slurm = false, dry_run = false, collect = false, status = false, jobs_given = false, shard_given = false;
    bool have_partition = false, have_time = false, no_collect = false;
    std::vector<std::string> extra;
    unsigned jobs = (unsigned)std::clamp(sysconf(_SC_NPROCESSORS_ONLN), 1L, (long)kMaxJobs), si = 1, sn = 1, max_parallel = 0, tasks = 0;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i], v, err;
        if (a == "-h" || a == "--help") return u.help();
        bool takes = a == "--out" || a == "--sim" || a == "--set" || a == "--jobs" || a == "-j" || a == "--shard" || a == "--partition" ||
                     a == "--time" || a == "--max-parallel" || a == "--shards";
        if (takes) {
            if (i + 1 >= argc) return u.needs_value(a);
            v = argv[++i];
        }
        uint64_t n = 0, k = 0;
        if (a == "--out") { out = v; have_out = true; }
        else if (a == "--sim") sim = v;
        else if (a == "--set") extra.push_back(v);
        else if (a == "--slurm") slurm = true;
        else if (a == "--dry-run") dry_run = true;
        else if (a == "--collect") collect = true;
        else if (a == "--no-collect") no_collect = true;
        else if (a == "--status") status = true;
        else if (a == "--partition") {
            std::string why = sweep::check_partition(v);
            if (!why.empty()) return u.bad("--partition: " + why);
            partition = v;
            have_partition = true;
        } else if (a == "--time") {
            std::string why = sweep::check_time(v);
            if (!why.empty()) return u.bad("--time: " + why);
            time_limit = v;
            have_time = true;
        } else if (a == "--jobs" || a == "-j" || a == "--max-parallel" || a == "--shards") {
            uint64_t hi = a == "--max-parallel" ? kMaxShards : a == "--shards" ? kMaxShards : kMaxJobs;
            if (!simcli::parse_uint(a, v, 1, hi, &n, &err)) return u.bad(err);
            if (a == "--max-parallel") max_parallel = (unsigned)n;
            else if (a == "--shards") tasks = (unsigned)n;
            else { jobs = (unsigned)n; jobs_given = true; }
        } else if (a == "--shard") {
            size_t slash = v.find('/');
            std::string i_s = v.substr(0, slash), n_s = slash == std::string::npos ? "" : v.substr(slash + 1);
            if (!simcli::parse_uint("--shard N", n_s, 1, kMaxShards, &n, &err) || !simcli::parse_uint("--shard i", i_s, 1, n, &k, &err)) {
                std::fprintf(stderr, "%s: --shard: expected i/N with 1 <= i <= N <= %u, got '%s' (%s)\n", argv[0], kMaxShards, v.c_str(), err.c_str());
                return 2;
            }
            si = (unsigned)k;
            sn = (unsigned)n;
            shard_given = true;
        } else if (a.size() > 1 && a[0] == '-') return u.unknown(a);
        else if (!file.empty()) return u.bad("unexpected argument '" + a + "' (the sweep is " + file + ")");
        else file = a;
    }
    if (file.empty()) return u.bad("no sweep file given");
    if (!have_out) return u.bad("--out DIR is required");
    if (out.empty()) return u.bad("--out: empty directory name");
    if ((int)slurm + (int)collect + (int)status + (int)no_collect > 1) return u.bad("--slurm, --collect, --no-collect and --status exclude each other");
    if (!slurm) {
        const char *only = have_partition ? "--partition" : have_time ? "--time" : max_parallel ? "--max-parallel" : tasks ? "--shards" : dry_run ? "--dry-run" : nullptr;
        if (only) return u.bad(std::string(only) + " goes with --slurm");
    }
    if (shard_given && (slurm || collect || status))
        return u.bad(std::string("--shard runs part of the sweep here; ") + (slurm ? "--slurm makes one shard per array task itself" : "--collect and --status cover every point"));
    if (slurm) {
        std::string why = sweep::check_script_path(absolute(out));
        if (!why.empty()) return u.bad("--out: " + why);
    }
    bool runs = !collect && !status;
    if (sim.empty()) {
        std::string me = self_path(argv[0]);
        sim = me.substr(0, me.find_last_of('/') + 1) + "smmu-sim";
    }
    if (runs && access(sim.c_str(), X_OK) != 0) { std::fprintf(stderr, "smmu-sim not found at %s (use --sim PATH)\n", sim.c_str()); return 2; }

    simcfg::Sweep s;
    std::vector<simcfg::Error> errs;
    if (!simcfg::load_sweep(file, &s, &errs)) {
        for (auto &e : errs) std::fprintf(stderr, "%s\n", e.str().c_str());
        return 1;
    }
    // Each point's resolved configuration, as smmu-sim will run it (the extra --set values checked here, before any run).
    std::vector<std::string> configs(s.points.size());
    for (size_t p = 0; p < s.points.size(); p++) {
        std::vector<std::string> sets = s.points[p];
        sets.insert(sets.end(), extra.begin(), extra.end());
        sets.push_back("report.json=report.json");
        simcfg::Scenario sc;
        std::vector<simcfg::Error> pe;
        if (!simcfg::load_scenario(s.scenario, sets, &sc, &pe)) {
            for (simcfg::Error &e : pe) {
                size_t at = e.line > 0 ? (size_t)e.line - 1 : 0;
                if (e.file == "--set" && at >= s.points[p].size() && at - s.points[p].size() < extra.size()) {
                    e.line = (int)(at - s.points[p].size() + 1);   // the N-th --set of this command line
                    e.message = "point " + std::to_string(p) + ": " + e.message;
                }
                std::fprintf(stderr, "%s\n", e.str().c_str());
            }
            return 1;
        }
        configs[p] = sc.resolved + "\n";
    }
    std::vector<size_t> all = simcfg::shard(s.points.size(), 0, 1);

    if (status) {
        sweep::Counts c = sweep::count(out, all, configs);
        std::printf("%s: %zu points in %s: %zu done, %zu running, %zu failed, %zu missing\n", file.c_str(), all.size(), out.c_str(),
                    c.done, c.running, c.failed, c.missing);
        std::string err;
        if (!simcli::flush_stdout(&err)) { std::fprintf(stderr, "cannot write %s\n", err.c_str()); return 1; }
        return 0;
    }
    if (collect) {
        if (!simreport::make_dirs(out)) { std::fprintf(stderr, "cannot create %s: %s\n", out.c_str(), std::strerror(errno)); return 1; }
        return sweep::collect(out, "sweep", s, all, configs);
    }
    if (slurm) {
        if (tasks > s.points.size())
            return u.bad("--shards: " + std::to_string(tasks) + " array tasks for " + std::to_string(s.points.size()) + " points (at most one per point)");
        sweep::SlurmJob j;
        j.self = self_path(argv[0]);
        j.spec = absolute(file);
        j.sim = absolute(sim);
        j.sets = extra;
        j.tasks = tasks ? tasks : (unsigned)std::min<size_t>(s.points.size(), kMaxArray);
        j.jobs = jobs_given ? jobs : 1;
        j.max_parallel = max_parallel;
        j.partition = partition;
        j.time = time_limit;
        j.points = s.points.size();
        if (dry_run) {
            j.out = absolute(out);
            std::printf("%s", sweep::batch_script(j).c_str());
            std::string err;
            if (!simcli::flush_stdout(&err)) { std::fprintf(stderr, "cannot write %s\n", err.c_str()); return 1; }
            return 0;
        }
        if (!simreport::make_dirs(out + "/slurm")) { std::fprintf(stderr, "cannot create %s/slurm: %s\n", out.c_str(), std::strerror(errno)); return 1; }
        j.out = absolute(out);
        std::string script = j.out + "/slurm/sweep.sbatch", err, id;
        if (!simreport::write_file(script, sweep::batch_script(j), &err)) { std::fprintf(stderr, "cannot write %s\n", err.c_str()); return 1; }
        sweep::Counts c = sweep::count(out, all, configs);
        if (!sweep::submit(script, &id, &err)) { std::fprintf(stderr, "%s\n", err.c_str()); return 1; }
        std::printf("submitted job array %s: %zu points (%zu already done) in %u tasks of %u job(s) each, script %s\n", id.c_str(),
                    s.points.size(), c.done, j.tasks, j.jobs, script.c_str());
        std::printf("%s\n", id.c_str());
        if (!simcli::flush_stdout(&err)) { std::fprintf(stderr, "cannot write %s\n", err.c_str()); return 1; }
        return 0;
    }

    if (!simreport::make_dirs(out)) { std::fprintf(stderr, "cannot create %s: %s\n", out.c_str(), std::strerror(errno)); return 1; }
    std::vector<size_t> todo = simcfg::shard(s.points.size(), si - 1, sn);
    std::printf("%s: %zu points (%zu in shard %u/%u), %u at once\n", file.c_str(), s.points.size(), todo.size(), si, sn, jobs);
    std::fflush(stdout);

    struct sigaction sa {};
    sa.sa_handler = [](int) { g_interrupted = 1; };
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);

    std::map<pid_t, size_t> running;
    std::map<size_t, std::chrono::steady_clock::time_point> started;
    size_t next = 0, done = 0, finished = 0, skipped = 0, setup_failed = 0, failed = 0;
    while ((next < todo.size() && !g_interrupted) || !running.empty()) {
        while (next < todo.size() && running.size() < jobs && !g_interrupted) {
            size_t p = todo[next++];
            std::string dir = sweep::point_dir(out, p), werr;
            sweep::PointState ps = sweep::point_state(dir, configs[p]);
            if (ps.state == sweep::State::Done || ps.state == sweep::State::Running) {
                std::printf("point %zu (%s): %s, skipped (%s)\n", p, label(s, p).c_str(),
                            ps.state == sweep::State::Done ? "done earlier" : "running", ps.by.c_str());
                skipped++;
                continue;
            }
            std::vector<std::string> args = {sim, s.scenario, "--quiet", "--out", dir};
            for (const auto &x : s.points[p]) { args.push_back("--set"); args.push_back(x); }
            for (const auto &x : extra) { args.push_back("--set"); args.push_back(x); }
            args.push_back("--set"); args.push_back("report.json=report.json");
            std::string cmd;
            for (auto &a : args) cmd += (cmd.empty() ? "" : " ") + sweep::shell_quote(a);
            // The marker goes last: the claim, configuration and command come before smmu-sim starts.
            if (!simreport::make_dirs(dir)) werr = dir + ": " + std::strerror(errno);
            if (!werr.empty() || !sweep::reset(dir, &werr) || !sweep::claim(dir, &werr) || !simreport::write_file(dir + "/config.json", configs[p], &werr) ||
                !simreport::write_file(dir + "/command.txt", cmd + "\n", &werr)) {
                std::fprintf(stderr, "cannot write %s\n", werr.c_str());
                sweep::release(dir);
                setup_failed++;
                continue;
            }
            if (g_interrupted) { sweep::release(dir); break; }   // a signal while the point was being set up
            pid_t pid = fork();
            if (pid < 0) { std::perror("fork"); sweep::release(dir); setup_failed++; continue; }
            if (pid == 0) {
                int fd = open((dir + "/log.txt").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0666);
                if (fd < 0) { dprintf(2, "cannot write %s/log.txt: %s\n", dir.c_str(), std::strerror(errno)); _exit(126); }
                dup2(fd, 1); dup2(fd, 2); close(fd);
                std::vector<char *> av;
                for (auto &a : args) av.push_back(const_cast<char *>(a.c_str()));
                av.push_back(nullptr);
                execv(sim.c_str(), av.data());
                dprintf(2, "cannot run %s: %s\n", sim.c_str(), std::strerror(errno));
                _exit(127);
            }
            running[pid] = p;
            started[p] = std::chrono::steady_clock::now();
        }
        if (running.empty()) continue;
        int st;
        pid_t pid = waitpid(-1, &st, 0);
        if (pid < 0) {
            if (errno == EINTR) continue;
            break;
        }
        auto it = running.find(pid);
        if (it == running.end()) continue;
        size_t p = it->second;
        running.erase(it);
        done++;
        double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started[p]).count();
        std::string dir = sweep::point_dir(out, p), werr, what;
        // smmu-sim's 130 (it was interrupted, its report is partial) or a signal: no marker, a rerun redoes the point.
        if (!WIFEXITED(st) || WEXITSTATUS(st) == 130) {
            sweep::release(dir);
            what = "interrupted (" + (WIFEXITED(st) ? "exit 130" : "signal " + std::to_string(WTERMSIG(st))) + "), no completion marker";
        } else {
            int code = WEXITSTATUS(st);
            if (!sweep::mark_done(dir, code, secs, &werr)) {
                std::fprintf(stderr, "cannot write %s\n", werr.c_str());
                setup_failed++;
            } else finished++;
            failed += code != 0 && code != 3;
            what = code == 0 ? "ok" : "exit " + std::to_string(code) + ", see " + dir + "/log.txt";
        }
        std::printf("[%zu/%zu] point %zu (%s): %s in %.1f s\n", done + skipped, todo.size(), p, label(s, p).c_str(), what.c_str(), secs);
        std::fflush(stdout);
    }
    std::string stem = sn > 1 ? "sweep-shard-" + std::to_string(si) + "-of-" + std::to_string(sn) : "sweep";
    int rc = no_collect ? failed != 0 : sweep::collect(out, stem, s, todo, configs);
    if (g_interrupted) {
        std::fprintf(stderr, "interrupted: %zu of the %zu points to run finished; rerun the same command to run the others\n", finished,
                     todo.size() - skipped);
        return 130;
    }
    return rc || setup_failed ? 1 : 0;
}
