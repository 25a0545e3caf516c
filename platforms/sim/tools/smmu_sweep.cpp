// SPDX-License-Identifier: BSD-3-Clause
// smmu-sweep: runs the points of a sweep spec as parallel smmu-sim processes, collects their report.json into
// one CSV (a row per point: the grid values and the metrics) and plots it.
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <map>
#include <sstream>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "config/sweep.h"
#include "report/cli.h"
#include "report/gnuplot.h"
#include "report/out_file.h"

using nlohmann::json;

namespace {

volatile std::sig_atomic_t g_interrupted = 0;

const char kUsage[] =
    "usage: %s sweep.yaml --out DIR [--jobs N] [--shard i/N] [--sim PATH] [--set key=value]...\n"
    "  --out DIR    where the points' runs, the CSV and the plot go\n"
    "  --jobs N     at most N smmu-sim processes at once (1 .. 1024; default: the number of CPUs)\n"
    "  --shard i/N  run only points i-1, i-1+N, i-1+2N, ... (1 <= i <= N <= 1000000), e.g. one shard per machine\n"
    "  --sim PATH   the smmu-sim binary (default: next to this program)\n"
    "  --set k=v    an extra override applied to every point\n"
    "  -h, --help   this text\n";

constexpr unsigned kMaxJobs = 1024, kMaxShards = 1000000;

std::string point_dir(const std::string &out, size_t p)
{
    char b[32];
    std::snprintf(b, sizeof b, "/point-%04zu", p);
    return out + b;
}

// The value each grid key takes at a point (the last keys.size() --set arguments of the point).
std::vector<std::string> grid_values(const simcfg::Sweep &s, size_t p)
{
    std::vector<std::string> v;
    const auto &sets = s.points[p];
    for (size_t i = sets.size() - s.keys.size(); i < sets.size(); i++) v.push_back(sets[i].substr(sets[i].find('=') + 1));
    return v;
}

double num(const json &j)
{
    return j.is_number() ? j.get<double>() : 0.0;
}

// A metric of one report: per-device metrics aggregate (sums; means weighted by transactions or translations;
// tails take the worst device).
double metric(const json &r, const std::string &m)
{
    const std::vector<std::string> &dm = simcfg::device_metrics();
    if (m == "simulated_ns" || m == "wall_s") return num(r.value(m, json()));
    size_t dot = m.find('.');
    const json &devs = r["devices"];
    if (dot != std::string::npos) {
        std::string head = m.substr(0, dot), tail = m.substr(dot + 1);
        if (head == "driver" || head == "events" || head == "memory")
            return r.contains(head) && r[head].contains(tail) ? num(r[head][tail]) : 0.0;
        for (const json &d : devs)
            if (d.value("name", "") == head) return num(d.value(tail, json()));
        return 0.0;
    }
    if (std::find(dm.begin(), dm.end(), m) == dm.end()) return 0.0;
    bool by_txn = m == "mean_latency_ns" || m == "p50_latency_ns";
    bool by_xlate = m == "mean_translation_ns" || (m.size() > 5 && m.compare(m.size() - 5, 5, "_rate") == 0);   // shares of translations
    bool worst = m == "p99_latency_ns" || m == "max_latency_ns";
    double acc = 0, w = 0;
    for (const json &d : devs) {
        double v = num(d.value(m, json()));
        if (worst) acc = std::max(acc, v);
        else if (by_txn || by_xlate) {
            double k = num(d.value(by_txn ? "transactions" : "translations", json()));
            acc += v * k;
            w += k;
        } else acc += v;
    }
    return (by_txn || by_xlate) ? (w > 0 ? acc / w : 0.0) : acc;
}

std::string csv_field(const std::string &s)
{
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string r = "\"";
    for (char c : s) r += c == '"' ? std::string("\"\"") : std::string(1, c);
    return r + "\"";
}

std::string fmt(double v)
{
    char b[32];
    std::snprintf(b, sizeof b, "%.6g", v);
    return b;
}

struct Row { size_t point; std::vector<std::string> grid; int status; std::vector<double> m; };

// sweep.dat / sweep.png: x = the first grid key's values, a line per combination of the other keys, a panel per metric.
// False (said on stderr) when a file could not be written; a missing gnuplot is only a note.
bool plot(const std::string &out, const std::string &stem, const simcfg::Sweep &s, const std::vector<Row> &rows)
{
    std::vector<std::string> xs;   // first key's values, in grid order
    for (size_t p = 0; p < s.points.size(); p++) {
        std::string x = grid_values(s, p)[0];
        if (std::find(xs.begin(), xs.end(), x) == xs.end()) xs.push_back(x);
    }
    std::map<std::string, std::vector<const Row *>> lines;   // "k2=v2 k3=v3" -> rows
    std::vector<std::string> order;
    for (const Row &r : rows) {
        if (r.status != 0 && r.status != 3) continue;   // 3: an expect check failed, the numbers are still valid
        std::string label;
        for (size_t i = 1; i < s.keys.size(); i++) label += (label.empty() ? "" : " ") + s.keys[i] + "=" + r.grid[i];
        if (!lines.count(label)) order.push_back(label);
        lines[label].push_back(&r);
    }
    if (order.empty()) return true;
    simreport::OutFile dat_file(out + "/" + stem + ".dat");
    std::ostream &dat = dat_file.stream();
    dat << "# x_index " << s.keys[0];
    for (auto &m : s.metrics) dat << ' ' << m;
    dat << "\n";
    for (const std::string &l : order) {
        dat << "# " << (l.empty() ? "all" : l) << "\n";
        for (const Row *r : lines[l]) {
            dat << (std::find(xs.begin(), xs.end(), r->grid[0]) - xs.begin()) << ' ' << simreport::quote(r->grid[0]);
            for (double v : r->m) dat << ' ' << fmt(v);
            dat << "\n";
        }
        dat << "\n\n";
    }
    if (!dat_file.close()) { std::fprintf(stderr, "cannot write %s\n", dat_file.error().c_str()); return false; }
    size_t n = s.metrics.size(), cols = n > 1 ? 2 : 1, rws = (n + cols - 1) / cols;
    std::ostringstream gp;
    gp << "set multiplot layout " << rws << "," << cols << " title " << simreport::quote("sweep " + s.file) << "\n"
       << "set grid\nset key top left font ',8' opaque box\nset xlabel " << simreport::quote(s.keys[0]) << "\nset offsets 0.2, 0.2, 0, 0\n";
    for (size_t i = 0; i < n; i++) {
        gp << "set title " << simreport::quote(s.metrics[i]) << "\nplot ";
        for (size_t b = 0; b < order.size(); b++)
            gp << (b ? ", " : "") << "'" << stem << ".dat' index " << b << " using 1:" << i + 3 << ":xtic(2) with linespoints lw 2 title "
               << simreport::quote(order[b].empty() ? s.metrics[i] : order[b]);
        gp << "\n";
    }
    gp << "unset multiplot\n";
    std::string msg;
    // Taller for many metrics.
    std::string script = "set terminal " + (simreport::png_terminal().empty() ? std::string("png") : simreport::png_terminal()) +
                         " size 1200," + std::to_string(std::max<size_t>(500, 360 * rws)) + " noenhanced\n" + gp.str();
    size_t failed = simreport::write_errors().size();
    if (simreport::render(out, stem, script, &msg)) std::printf("wrote %s/%s.png\n", out.c_str(), stem.c_str());
    else if (simreport::write_errors().size() != failed) { std::fprintf(stderr, "cannot write %s\n", msg.c_str()); return false; }
    else std::fprintf(stderr, "note: sweep plot not rendered: %s\n", msg.c_str());
    return true;
}

} // namespace

int main(int argc, char **argv)
{
    simcli::Usage u{argv[0], kUsage};
    std::string file, out, sim;
    bool have_out = false;
    std::vector<std::string> extra;
    unsigned jobs = (unsigned)std::clamp(sysconf(_SC_NPROCESSORS_ONLN), 1L, (long)kMaxJobs), si = 1, sn = 1;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i], v, err;
        if (a == "-h" || a == "--help") return u.help();
        bool takes = a == "--out" || a == "--sim" || a == "--set" || a == "--jobs" || a == "-j" || a == "--shard";
        if (takes) {
            if (i + 1 >= argc) return u.needs_value(a);
            v = argv[++i];
        }
        uint64_t n = 0, k = 0;
        if (a == "--out") { out = v; have_out = true; }
        else if (a == "--sim") sim = v;
        else if (a == "--set") extra.push_back(v);
        else if (a == "--jobs" || a == "-j") {
            if (!simcli::parse_uint(a, v, 1, kMaxJobs, &n, &err)) { std::fprintf(stderr, "%s: %s\n", argv[0], err.c_str()); return 2; }
            jobs = (unsigned)n;
        } else if (a == "--shard") {
            size_t slash = v.find('/');
            std::string i_s = v.substr(0, slash), n_s = slash == std::string::npos ? "" : v.substr(slash + 1);
            if (!simcli::parse_uint("--shard N", n_s, 1, kMaxShards, &n, &err) || !simcli::parse_uint("--shard i", i_s, 1, n, &k, &err)) {
                std::fprintf(stderr, "%s: --shard: expected i/N with 1 <= i <= N <= %u, got '%s' (%s)\n", argv[0], kMaxShards, v.c_str(), err.c_str());
                return 2;
            }
            si = (unsigned)k;
            sn = (unsigned)n;
        } else if (a.size() > 1 && a[0] == '-') return u.unknown(a);
        else if (!file.empty()) return u.bad("unexpected argument '" + a + "' (the sweep is " + file + ")");
        else file = a;
    }
    if (file.empty()) return u.bad("no sweep file given");
    if (!have_out) return u.bad("--out DIR is required");
    if (out.empty()) return u.bad("--out: empty directory name");
    if (sim.empty()) {
        char self[4096];
        ssize_t k = readlink("/proc/self/exe", self, sizeof self - 1);
        std::string me = k > 0 ? std::string(self, (size_t)k) : std::string(argv[0]);
        sim = me.substr(0, me.find_last_of('/') + 1) + "smmu-sim";
    }
    if (access(sim.c_str(), X_OK) != 0) { std::fprintf(stderr, "smmu-sim not found at %s (use --sim PATH)\n", sim.c_str()); return 2; }

    simcfg::Sweep s;
    std::vector<simcfg::Error> errs;
    if (!simcfg::load_sweep(file, &s, &errs)) {
        for (auto &e : errs) std::fprintf(stderr, "%s\n", e.str().c_str());
        return 1;
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
    std::map<size_t, int> status;
    std::map<size_t, std::chrono::steady_clock::time_point> started;
    size_t next = 0, done = 0;
    while ((next < todo.size() && !g_interrupted) || !running.empty()) {
        while (next < todo.size() && running.size() < jobs && !g_interrupted) {
            size_t p = todo[next++];
            std::string dir = point_dir(out, p);
            if (!simreport::make_dirs(dir)) { std::fprintf(stderr, "cannot create %s\n", dir.c_str()); status[p] = 1; continue; }
            std::vector<std::string> args = {sim, s.scenario, "--quiet", "--out", dir};
            for (const auto &x : s.points[p]) { args.push_back("--set"); args.push_back(x); }
            for (const auto &x : extra) { args.push_back("--set"); args.push_back(x); }
            args.push_back("--set"); args.push_back("report.json=report.json");
            std::string cmd, werr;
            for (auto &a : args) cmd += a + " ";
            if (!simreport::write_file(dir + "/command.txt", cmd + "\n", &werr)) {
                std::fprintf(stderr, "cannot write %s\n", werr.c_str());
                status[p] = 1;
                continue;
            }
            pid_t pid = fork();
            if (pid < 0) { std::perror("fork"); status[p] = 1; continue; }
            if (pid == 0) {
                int fd = open((dir + "/log.txt").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0666);
                if (fd < 0) { dprintf(2, "cannot write %s/log.txt: %s\n", dir.c_str(), std::strerror(errno)); _exit(126); }
                dup2(fd, 1); dup2(fd, 2); close(fd);
                std::vector<char *> av;
                for (auto &a : args) av.push_back(const_cast<char *>(a.c_str()));
                av.push_back(nullptr);
                execv(sim.c_str(), av.data());
                _exit(127);
            }
            running[pid] = p;
            started[p] = std::chrono::steady_clock::now();
        }
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
        status[p] = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        done++;
        double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started[p]).count();
        std::string label;
        auto g = grid_values(s, p);
        for (size_t i = 0; i < g.size(); i++) label += (i ? ", " : "") + s.keys[i] + "=" + g[i];
        std::printf("[%zu/%zu] point %zu (%s): %s in %.1f s\n", done, todo.size(), p, label.c_str(),
                    status[p] == 0 ? "ok" : ("exit " + std::to_string(status[p]) + ", see " + point_dir(out, p) + "/log.txt").c_str(), secs);
        std::fflush(stdout);
    }

    // Collect.
    std::vector<Row> rows;
    for (size_t p : todo) {
        if (!status.count(p)) continue;
        Row r{p, grid_values(s, p), status[p], {}};
        std::ifstream in(point_dir(out, p) + "/report.json");
        json rep = in ? json::parse(in, nullptr, false) : json();
        if (rep.is_discarded() || !rep.is_object()) { if (r.status == 0) r.status = -1; }
        else for (const std::string &m : s.metrics) r.m.push_back(metric(rep, m));
        rows.push_back(r);
    }
    std::string stem = sn > 1 ? "sweep-shard-" + std::to_string(si) + "-of-" + std::to_string(sn) : "sweep";
    simreport::OutFile csv_file(out + "/" + stem + ".csv");
    std::ostream &csv = csv_file.stream();
    csv << "point";
    for (auto &k : s.keys) csv << ',' << csv_field(k);
    csv << ",status";
    for (auto &m : s.metrics) csv << ',' << csv_field(m);
    csv << "\n";
    for (const Row &r : rows) {
        csv << r.point;
        for (auto &g : r.grid) csv << ',' << csv_field(g);
        csv << ',' << r.status;
        for (size_t i = 0; i < s.metrics.size(); i++) csv << ',' << (i < r.m.size() ? fmt(r.m[i]) : "");
        csv << "\n";
    }
    bool written = csv_file.close();
    if (written) std::printf("wrote %s/%s.csv (%zu rows)\n", out.c_str(), stem.c_str(), rows.size());
    else std::fprintf(stderr, "cannot write %s\n", csv_file.error().c_str());
    written = plot(out, stem, s, rows) && written;
    std::string out_err;
    if (!simcli::flush_stdout(&out_err)) { std::fprintf(stderr, "cannot write %s\n", out_err.c_str()); written = false; }
    size_t failed = 0;
    for (const Row &r : rows) failed += r.status != 0 && r.status != 3;
    if (g_interrupted) { std::fprintf(stderr, "interrupted: %zu of %zu points collected\n", rows.size(), todo.size()); return 130; }
    return failed || !written ? 1 : 0;
}
