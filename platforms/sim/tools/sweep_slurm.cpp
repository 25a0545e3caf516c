// SPDX-License-Identifier: BSD-3-Clause
#include "sweep_slurm.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace sweep {

namespace {

bool digits(const std::string &s)
{
    if (s.empty() || s.size() > 9) return false;
    for (char c : s) if (c < '0' || c > '9') return false;
    return true;
}

// Splits on `sep`, keeping empty parts.
std::vector<std::string> split(const std::string &s, char sep)
{
    std::vector<std::string> v;
    size_t b = 0;
    for (size_t i = 0; i <= s.size(); i++)
        if (i == s.size() || s[i] == sep) { v.push_back(s.substr(b, i - b)); b = i + 1; }
    return v;
}

} // namespace

std::string check_time(const std::string &t)
{
    const std::string why = "'" + t + "' is not a Slurm time limit (minutes, M:S, H:M:S, D-H, D-H:M, D-H:M:S or UNLIMITED)";
    if (t == "UNLIMITED" || t == "INFINITE" || t == "unlimited" || t == "infinite") return "";
    size_t dash = t.find('-');
    if (dash != std::string::npos && !digits(t.substr(0, dash))) return why;
    std::vector<std::string> hms = split(dash == std::string::npos ? t : t.substr(dash + 1), ':');
    if (hms.size() > 3) return why;
    for (auto &x : hms) if (!digits(x)) return why;
    return "";
}

std::string check_partition(const std::string &p)
{
    if (p.empty()) return "empty partition name";
    for (const std::string &x : split(p, ',')) {
        if (x.empty()) return "'" + p + "': empty partition name in the list";
        for (char c : x)
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.'))
                return "'" + p + "': a partition name has letters, digits, '_', '-' and '.' only";
    }
    return "";
}

std::string check_script_path(const std::string &path)
{
    for (char c : path)
        if (c == ' ' || c == '\t' || c == '\n' || c == '\'' || c == '"' || c == '%' || c == '\\')
            return "'" + path + "' has whitespace, a quote, '\\' or '%', which an #SBATCH line cannot carry";
    return "";
}

std::string shell_quote(const std::string &s)
{
    std::string r = "'";
    for (char c : s) r += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return r + "'";
}

std::string batch_script(const SlurmJob &j)
{
    std::string s = "#!/bin/sh\n";
    s += "# " + j.spec + ": " + std::to_string(j.points) + " points in " + std::to_string(j.tasks) +
         " array tasks; task i runs shard i/" + std::to_string(j.tasks) + " into " + j.out + " (written by smmu-sweep --slurm)\n";
    s += "#SBATCH --job-name=smmu-sweep\n";
    s += "#SBATCH --array=1-" + std::to_string(j.tasks) + (j.max_parallel ? "%" + std::to_string(j.max_parallel) : "") + "\n";
    s += "#SBATCH --ntasks=1\n";
    s += "#SBATCH --cpus-per-task=" + std::to_string(j.jobs) + "\n";
    s += "#SBATCH --output=" + j.out + "/slurm/task-%A_%a.log\n";
    if (!j.partition.empty()) s += "#SBATCH --partition=" + j.partition + "\n";
    if (!j.time.empty()) s += "#SBATCH --time=" + j.time + "\n";
    s += "exec " + shell_quote(j.self) + " " + shell_quote(j.spec) + " --out " + shell_quote(j.out) + " --sim " + shell_quote(j.sim) +
         " --jobs " + std::to_string(j.jobs) + " --no-collect";
    for (const std::string &x : j.sets) s += " --set " + shell_quote(x);
    s += " --shard \"$SLURM_ARRAY_TASK_ID/" + std::to_string(j.tasks) + "\"\n";
    return s;
}

bool submit(const std::string &script, std::string *job_id, std::string *err)
{
    int out[2];
    if (pipe(out) != 0) { *err = std::string("pipe: ") + std::strerror(errno); return false; }
    pid_t pid = fork();
    if (pid < 0) { *err = std::string("fork: ") + std::strerror(errno); close(out[0]); close(out[1]); return false; }
    if (pid == 0) {
        dup2(out[1], 1);
        dup2(out[1], 2);
        close(out[0]);
        close(out[1]);
        execlp("sbatch", "sbatch", "--parsable", script.c_str(), (char *)nullptr);
        dprintf(2, "cannot run sbatch: %s (is Slurm installed and on PATH?)\n", std::strerror(errno));
        _exit(127);
    }
    close(out[1]);
    std::string text;
    char buf[4096];
    ssize_t k;
    while ((k = read(out[0], buf, sizeof buf)) > 0 || (k < 0 && errno == EINTR))
        if (k > 0) text.append(buf, (size_t)k);
    close(out[0]);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    // --parsable prints "jobid" or "jobid;cluster".
    std::string id = text.substr(0, text.find(';'));
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || !digits(id)) {
        *err = "sbatch " + script + " failed" + (WIFEXITED(st) ? " (exit " + std::to_string(WEXITSTATUS(st)) + ")" : "") + ": " + text;
        return false;
    }
    *job_id = id;
    return true;
}

} // namespace sweep
