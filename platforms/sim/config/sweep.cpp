// SPDX-License-Identifier: BSD-3-Clause
#include "sweep.h"

#include <cerrno>
#include <cstring>
#include <fstream>

#include <yaml-cpp/yaml.h>

namespace simcfg {

bool load_sweep(const std::string &file, Sweep *out, std::vector<Error> *errors)
{
    size_t before = errors->size();
    auto err = [&](const YAML::Node &n, const std::string &key, const std::string &msg) {
        errors->push_back({file, n.Mark().line >= 0 ? n.Mark().line + 1 : 0, key, msg});
    };
    YAML::Node root;
    try {
        std::ifstream in(file);
        if (!in) { errors->push_back({file, 0, "(file)", std::string("cannot read: ") + std::strerror(errno)}); return false; }
        root = YAML::Load(in);
    } catch (const YAML::Exception &e) {
        errors->push_back({file, e.mark.line + 1, "(document)", "malformed YAML: " + e.msg});
        return false;
    }
    if (!root.IsMap()) { err(root, "(document)", "expected a map"); return false; }
    Sweep s;
    s.file = file;
    std::vector<std::string> fixed;
    std::vector<std::vector<std::string>> values;
    std::vector<int> fixed_lines, grid_lines;   // the line of each `set` and grid key: where a bad point's value is
    int metrics_line = 0;
    for (auto it = root.begin(); it != root.end(); ++it) {
        YAML::Node keynode = it->first;
        std::string k = keynode.Scalar();
        YAML::Node v = it->second;
        if (k == "scenario") {
            if (!v.IsScalar()) { err(v, k, "expected a file name"); continue; }
            s.scenario = v.Scalar();
            if (s.scenario[0] != '/' && file.find('/') != std::string::npos) s.scenario = file.substr(0, file.find_last_of('/') + 1) + s.scenario;
        } else if (k == "grid") {
            if (!v.IsMap()) { err(v, k, "expected a map of key: [values]"); continue; }
            for (auto g = v.begin(); g != v.end(); ++g) {
                std::string gk = g->first.Scalar();
                YAML::Node list = g->second;
                if (!list.IsSequence() || list.size() == 0) { err(list, "grid." + gk, "expected a non-empty list of values"); continue; }
                std::vector<std::string> vals;
                for (size_t i = 0; i < list.size(); i++) {
                    YAML::Node x = list[i];
                    if (!x.IsScalar()) { err(x, "grid." + gk, "values must be scalars"); continue; }
                    vals.push_back(x.Scalar());
                }
                s.keys.push_back(gk);
                values.push_back(vals);
                grid_lines.push_back(g->first.Mark().line + 1);
            }
        } else if (k == "set") {
            if (!v.IsMap()) { err(v, k, "expected a map of key: value"); continue; }
            for (auto g = v.begin(); g != v.end(); ++g) {
                YAML::Node key = g->first, val = g->second;
                fixed.push_back(key.Scalar() + "=" + val.Scalar());
                fixed_lines.push_back(key.Mark().line + 1);
            }
        } else if (k == "metrics") {
            if (!v.IsSequence()) { err(v, k, "expected a list"); continue; }
            metrics_line = v.Mark().line + 1;
            for (size_t i = 0; i < v.size(); i++) s.metrics.push_back(v[i].Scalar());
        } else {
            err(keynode, k, "unknown key; valid keys: scenario, grid, set, metrics");
        }
    }
    if (s.scenario.empty() && errors->size() == before) err(root, "scenario", "required key is missing");
    if (s.keys.empty() && errors->size() == before) err(root, "grid", "required key is missing");
    if (errors->size() != before) return false;
    size_t total = 1;
    for (auto &v : values) total *= v.size();
    for (size_t p = 0; p < total; p++) {
        std::vector<std::string> sets = fixed;
        size_t r = p;
        std::vector<std::string> grid(values.size());
        for (size_t i = values.size(); i-- > 0;) { grid[i] = s.keys[i] + "=" + values[i][r % values[i].size()]; r /= values[i].size(); }
        sets.insert(sets.end(), grid.begin(), grid.end());
        Scenario sc;
        std::vector<Error> pe;
        if (!load_scenario(s.scenario, sets, &sc, &pe)) {
            for (Error &e : pe) {
                if (e.file == "--set") {
                    // --set N is the N-th of the point's arguments: the fixed `set` entries, then the grid keys.
                    size_t i = (size_t)(e.line > 0 ? e.line - 1 : 0);
                    bool grid = i >= fixed.size();
                    e.file = file;
                    e.line = grid ? (i - fixed.size() < grid_lines.size() ? grid_lines[i - fixed.size()] : 0)
                                  : fixed_lines[i];
                    if (grid) e.message = "grid point " + std::to_string(p) + ": " + e.message;
                }
                errors->push_back(e);
            }
            return false;
        }
        if (p == 0) {
            std::vector<std::string> names;
            for (const Device &d : sc.devices) names.push_back(d.name);
            for (const std::string &m : s.metrics) {
                std::string msg = check_metric(m, names);
                if (!msg.empty()) errors->push_back({file, metrics_line, "metrics", msg});
            }
            if (errors->size() != before) return false;
        }
        s.points.push_back(sets);
    }
    if (s.metrics.empty()) s.metrics = default_metrics();
    *out = s;
    return true;
}

const std::vector<std::string> &device_metrics()
{
    static const std::vector<std::string> m = {
        "transactions", "errors", "bytes", "mean_latency_ns", "p50_latency_ns", "p99_latency_ns", "max_latency_ns",
        "mean_translation_ns", "translations", "utlb_hit_rate", "main_tlb_hit_rate", "tcu_tlb_hit_rate", "tlb_hit_rate",
        "walks", "throughput_gbps", "remaps", "utlb_hits", "main_tlb_hits", "tcu_tlb_hits", "shared_walks", "bypassed", "failed",
        "shared_walk_rate", "walk_rate", "bypass_rate", "failed_rate"};
    return m;
}

std::vector<std::string> default_metrics()
{
    return {"transactions", "errors", "mean_latency_ns", "p99_latency_ns", "mean_translation_ns", "tlb_hit_rate", "walks",
            "throughput_gbps"};
}

std::string check_metric(const std::string &m, const std::vector<std::string> &device_names)
{
    auto is_dev = [](const std::string &x) {
        for (const std::string &d : device_metrics()) if (d == x) return true;
        return false;
    };
    if (is_dev(m) || m == "simulated_ns" || m == "wall_s") return "";
    size_t dot = m.find('.');
    if (dot != std::string::npos) {
        std::string head = m.substr(0, dot), tail = m.substr(dot + 1);
        static const std::vector<std::string> driver = {"commands", "syncs", "tlbi", "cfgi", "polls", "maps", "unmaps",
                                                        "lazy_flushes", "events", "resumes", "cmd_sync_mean_ns"};
        static const std::vector<std::string> memory = {"accesses", "bytes", "mean_queue_ns"};
        if (head == "events" && !tail.empty()) return "";
        if (head == "driver" || head == "memory") {
            for (const std::string &x : head == "driver" ? driver : memory) if (x == tail) return "";
            std::string all;
            for (const std::string &x : head == "driver" ? driver : memory) all += (all.empty() ? "" : ", ") + x;
            return "unknown metric '" + m + "'; " + head + " has: " + all;
        }
        for (const std::string &d : device_names)
            if (d == head) return is_dev(tail) ? "" : "unknown metric '" + m + "'; per device: " + [] {
                std::string all;
                for (const std::string &x : device_metrics()) all += (all.empty() ? "" : ", ") + x;
                return all;
            }();
    }
    std::string all;
    for (const std::string &x : device_metrics()) all += (all.empty() ? "" : ", ") + x;
    return "unknown metric '" + m + "'; valid: " + all + ", <device>.<metric>, driver.<counter>, events.<EVENT>, "
           "memory.<field>, simulated_ns, wall_s";
}

std::vector<size_t> shard(size_t points, unsigned i, unsigned n)
{
    std::vector<size_t> out;
    if (n == 0 || i >= n) return out;
    for (size_t p = i; p < points; p += n) out.push_back(p);
    return out;
}

} // namespace simcfg
