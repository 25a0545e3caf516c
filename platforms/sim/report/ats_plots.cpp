// SPDX-License-Identifier: BSD-3-Clause
#include "ats_plots.h"

#include "gnuplot.h"
#include "out_file.h"
#include "run_plots.h"

namespace simreport {

bool write_ats_plots(const std::string &dir, const std::string &title, std::vector<AtsResult> &devices, std::string *msg)
{
    OutFile dat(dir + "/ats.dat");
    if (!dat.ok()) { *msg = dat.error(); return false; }
    std::ostream &o = dat.stream();
    o << "# device smmu_lookups_per_100_accesses atc_hit_pct unmap_mean_ns\n";
    for (const AtsResult &d : devices)
        o << quote(d.name) << ' ' << (d.accesses > 0 ? 100 * d.smmu_lookups / d.accesses : 0.0) << ' ' << 100 * d.atc_hit_rate
          << ' ' << d.unmap_mean_ns << '\n';
    std::string cdf_plot;
    OutFile cdf;
    bool any_pri = false;
    for (const AtsResult &d : devices) any_pri |= !d.pri_service_ns.empty();
    if (any_pri) {
        if (!cdf.open(dir + "/pri_service_cdf.dat") || !cdf.ok()) { *msg = cdf.error(); return false; }
        size_t block = 0;
        for (AtsResult &d : devices) {
            auto pts = cdf_points(d.pri_service_ns, 1000);
            if (pts.empty()) continue;
            cdf.stream() << "# " << d.name << ": service_ns fraction\n";
            for (auto &p : pts) cdf.stream() << p.first << ' ' << p.second << '\n';
            cdf.stream() << "\n\n";
            cdf_plot += std::string(cdf_plot.empty() ? "plot " : ", ") + "'pri_service_cdf.dat' index " + std::to_string(block++) +
                        " using 1:2 with steps lw 2 title " + quote(d.name);
        }
        if (!cdf.close()) { *msg = cdf.error(); return false; }
    }
    if (!dat.close()) { *msg = dat.error(); return false; }
    bool ok = render(dir, "ats",
                     "set multiplot layout 1,2 title " + quote(title + ": what ATS saves and costs") + "\n"
                     "set style data histograms\nset style histogram clustered gap 1\nset style fill solid 0.8 border -1\n"
                     "set grid ytics\nset yrange [0:*]\nset offsets 0, 0, graph 0.1, 0\nset key below\nset xtics rotate by -30\n"
                     "set title 'SMMU lookups and ATC hits'\nset ylabel 'per 100 accesses / %'\n"
                     "plot 'ats.dat' using 2:xtic(1) title 'SMMU lookups per 100 accesses', '' using 3 title 'ATC hit %'\n"
                     "set title 'invalidation cost'\nset ylabel 'ns'\n"
                     "plot 'ats.dat' using 4:xtic(1) title 'mean unmap time (TLB and ATC invalidation included)'\n"
                     "unset multiplot\n", msg);
    if (ok && !cdf_plot.empty())
        ok = render(dir, "pri_service_cdf",
                    "set title " + quote(title + ": page request service latency (Page Request to PRG response)") +
                    "\nset xlabel 'service latency (ns)'\nset ylabel 'fraction of page requests <= latency'\nset grid\n"
                    "set key right bottom\nset yrange [0:1.02]\n" + cdf_plot + "\n", msg);
    return ok;
}

} // namespace simreport
