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
            }
        } else if (k == "set") {
            if (!v.IsMap()) { err(v, k, "expected a map of key: value"); continue; }
            for (auto g = v.begin(); g != v.end(); ++g) {
                YAML::Node key = g->first, val = g->second;
                fixed.push_back(key.Scalar() + "=" + val.Scalar());
            }
        } else if (k == "metrics") {
            if (!v.IsSequence()) { err(v, k, "expected a list"); continue; }
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
                if (e.file == "--set") { e.file = file; e.line = 0; e.message = "grid point " + std::to_string(p) + ": " + e.message; }
                errors->push_back(e);
            }
            return false;
        }
        s.points.push_back(sets);
    }
    *out = s;
    return true;
}

std::vector<size_t> shard(size_t points, unsigned i, unsigned n)
{
    std::vector<size_t> out;
    if (n == 0 || i >= n) return out;
    for (size_t p = i; p < points; p += n) out.push_back(p);
    return out;
}

} // namespace simcfg
