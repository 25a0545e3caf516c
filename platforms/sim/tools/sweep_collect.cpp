// SPDX-License-Identifier: BSD-3-Clause
#include "sweep_collect.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "report/cli.h"
#include "report/gnuplot.h"
#include "report/out_file.h"

using nlohmann::json;

namespace sweep {

// The last keys.size() --set arguments of the point.
std::vector<std::string> grid_values(const simcfg::Sweep &s, size_t p)
{
    std::vector<std::string> v;
    const auto &sets = s.points[p];
    for (size_t i = sets.size() - s.keys.size(); i < sets.size(); i++) v.push_back(sets[i].substr(sets[i].find('=') + 1));
    return v;
}

namespace {

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

Counts count(const std::string &out, const std::vector<size_t> &points, const std::vector<std::string> &configs)
{
    Counts c;
    for (size_t p : points) {
        switch (point_state(point_dir(out, p), configs[p]).state) {
        case State::Done: c.done++; break;
        case State::Running: c.running++; break;
        case State::Failed: case State::Interrupted: c.failed++; break;
        case State::Missing: c.missing++; break;
        }
    }
    return c;
}

int collect(const std::string &out, const std::string &stem, const simcfg::Sweep &s, const std::vector<size_t> &points,
            const std::vector<std::string> &configs)
{
    std::vector<Row> rows;
    std::vector<std::string> problems;
    for (size_t p : points) {
        std::string dir = point_dir(out, p);
        PointState ps = point_state(dir, configs[p]);
        if (ps.state != State::Done && ps.state != State::Failed) {
            std::string why = ps.state == State::Running ? "running (" + ps.by + "), log " + dir + "/log.txt"
                            : ps.state == State::Interrupted ? "interrupted: started but no completion marker, log " + dir + "/log.txt"
                                                             : "missing: not run with this configuration (" + dir + ")";
            problems.push_back("point " + std::to_string(p) + ": " + why);
            continue;
        }
        Row r{p, grid_values(s, p), ps.status, {}};
        std::ifstream in(dir + "/report.json");
        json rep = in ? json::parse(in, nullptr, false) : json();
        if (rep.is_discarded() || !rep.is_object()) {
            if (r.status == 0 || r.status == 3) r.status = -1;
        } else for (const std::string &m : s.metrics) r.m.push_back(metric(rep, m));
        if (r.status != 0 && r.status != 3)
            problems.push_back("point " + std::to_string(p) + ": failed (" + (r.status < 0 ? std::string("no readable report.json")
                               : "exit " + std::to_string(r.status)) + ", " + ps.by + "), log " + dir + "/log.txt");
        rows.push_back(r);
    }
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
    if (!problems.empty()) {
        std::fprintf(stderr, "%zu of %zu points not done:\n", problems.size(), points.size());
        for (const std::string &m : problems) std::fprintf(stderr, "  %s\n", m.c_str());
    }
    return problems.empty() && written ? 0 : 1;
}

} // namespace sweep
