// SPDX-License-Identifier: BSD-3-Clause
#include "timeline_plot.h"

#include <algorithm>

#include "gnuplot.h"
#include "out_file.h"

namespace simreport {

bool write_timeline_plot(const std::string &dir, const std::string &title, uint64_t bin_ps,
                         const std::vector<std::pair<std::string, std::vector<uint64_t>>> &series,
                         const std::vector<ActionMark> &marks, std::string *msg)
{
    OutFile tp_file(dir + "/timeline.dat"), act_file(dir + "/timeline_actions.dat");
    for (OutFile *f : {&tp_file, &act_file})
        if (!f->ok()) { *msg = f->error(); return false; }
    std::ostream &tp = tp_file.stream(), &act = act_file.stream();
    size_t bins = 0;
    for (auto &s : series) bins = std::max(bins, s.second.size());
    const double bin_s = (double)bin_ps * 1e-12;
    tp << "# time_us (end of the bin), then GB/s completed per device:";
    for (auto &s : series) tp << ' ' << s.first;
    tp << '\n';
    for (size_t b = 0; b < bins; b++) {
        tp << (double)(b + 1) * bin_s * 1e6;
        for (auto &s : series) tp << ' ' << (b < s.second.size() ? (double)s.second[b] / bin_s / 1e9 : 0.0);
        tp << '\n';
    }
    act << "# start_us duration_us action\n";
    std::string arrows;
    for (size_t i = 0; i < marks.size(); i++) {
        const ActionMark &m = marks[i];
        act << m.at_us << ' ' << m.duration_us << ' ' << quote(m.label) << '\n';
        arrows += "set arrow from " + std::to_string(m.at_us) + ", graph 0 to " + std::to_string(m.at_us) +
                  ", graph 1 nohead dt 2 lc rgb 'gray40'\nset label " + std::to_string(i + 1) + " " + quote(m.label) +
                  " at " + std::to_string(m.at_us) + ", graph " + std::to_string(0.95 - 0.07 * (double)(i % 6)) +
                  " left offset 0.5,0 font ',8'\n";
    }
    for (OutFile *f : {&tp_file, &act_file})
        if (!f->close()) { *msg = f->error(); return false; }
    if (!bins || series.empty()) return true;
    std::string plot;
    for (size_t i = 0; i < series.size(); i++)
        plot += std::string(i ? ", " : "plot ") + "'timeline.dat' using 1:" + std::to_string(i + 2) + " with steps lw 2 title " +
                quote(series[i].first);
    return render(dir, "timeline",
                  "set title " + quote(title + ": throughput per device and the timeline's actions (" +
                                       std::to_string(bin_ps / 1000) + " ns bins)") +
                  "\nset xlabel 'simulated time (us)'\nset ylabel 'GB/s completed'\nset grid\nset key outside right\n"
                  "set yrange [0:*]\n" + arrows + plot + "\n", msg);
}

} // namespace simreport
