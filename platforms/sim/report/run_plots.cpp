// SPDX-License-Identifier: BSD-3-Clause
#include "run_plots.h"

#include <algorithm>
#include <cstdio>

#include "gnuplot.h"
#include "out_file.h"

namespace simreport {

std::vector<std::pair<double, double>> cdf_points(std::vector<double> &lat, size_t max_points)
{
    std::vector<std::pair<double, double>> out;
    if (lat.empty() || max_points < 2) return out;
    if (!std::is_sorted(lat.begin(), lat.end())) std::sort(lat.begin(), lat.end());
    size_t n = lat.size(), step = std::max<size_t>(1, n / max_points);
    for (size_t i = 0; i < n; i += step) {
        // The fraction at a value counts every sample equal to it.
        size_t j = (size_t)(std::upper_bound(lat.begin(), lat.end(), lat[i]) - lat.begin());
        out.push_back({lat[i], (double)j / (double)n});
    }
    if (out.back().second < 1.0) out.push_back({lat[n - 1], 1.0});
    return out;
}

bool write_run_plots(const std::string &dir, const std::string &title, uint64_t bin_ps, std::vector<StreamResult> &streams,
                     std::string *msg)
{
    OutFile cdf_file(dir + "/latency_cdf.dat"), tlb_file(dir + "/tlb_hit_rates.dat"), tp_file(dir + "/throughput.dat");
    for (OutFile *f : {&cdf_file, &tlb_file, &tp_file})
        if (!f->ok()) { *msg = f->error(); return false; }
    std::ostream &cdf = cdf_file.stream(), &tlb = tlb_file.stream(), &tp = tp_file.stream();

    // latency_cdf.dat: one gnuplot data block per stream (separated by two blank lines).
    std::string cdf_plot, tp_plot;
    size_t block = 0;
    for (StreamResult &s : streams) {
        auto pts = cdf_points(s.lat_ns, 1000);
        if (pts.empty()) continue;
        cdf << "# " << s.name << ": latency_ns fraction\n";
        for (auto &p : pts) cdf << p.first << ' ' << p.second << '\n';
        cdf << "\n\n";
        cdf_plot += std::string(cdf_plot.empty() ? "plot " : ", ") + "'latency_cdf.dat' index " + std::to_string(block++) +
                    " using 1:2 with steps lw 2 title " + quote(s.name);
    }

    tlb << "# stream utlb main_tlb tcu_tlb shared_walk walk other (% of translations; they add up to 100)\n";
    for (const StreamResult &s : streams)
        tlb << quote(s.name) << ' ' << 100 * s.utlb << ' ' << 100 * s.main_tlb << ' ' << 100 * s.tcu_tlb << ' ' << 100 * s.shared
            << ' ' << 100 * s.walk << ' ' << 100 * s.other << '\n';

    // throughput.dat: time_us, then GB/s per stream. Bins are merged until the sparsest stream averages 20
    // transactions per bin (at most 20 fine bins per point), so slow streams do not plot as noise.
    size_t fine = 0, least = ~(size_t)0;
    for (const StreamResult &s : streams) {
        fine = std::max(fine, s.bytes_per_bin.size());
        if (!s.lat_ns.empty()) least = std::min(least, s.lat_ns.size());
    }
    uint64_t k = 1;
    while (k < 20 && fine / k > 10 && least != ~(size_t)0 && least * k < 20 * fine) k++;
    bin_ps *= k;
    size_t bins = (fine + k - 1) / k;
    for (StreamResult &s : streams) {
        std::vector<uint64_t> merged(bins, 0);
        for (size_t b = 0; b < s.bytes_per_bin.size(); b++) merged[b / k] += s.bytes_per_bin[b];
        s.bytes_per_bin = merged;
    }
    tp << "# time_us";
    for (const StreamResult &s : streams) tp << ' ' << s.name;
    tp << (streams.size() > 1 ? " all\n" : "\n");
    double bin_s = (double)bin_ps * 1e-12;
    for (size_t b = 0; b < bins; b++) {
        tp << (double)(b + 1) * bin_s * 1e6;
        double all = 0;
        for (const StreamResult &s : streams) {
            double g = b < s.bytes_per_bin.size() ? (double)s.bytes_per_bin[b] / bin_s / 1e9 : 0.0;
            all += g;
            tp << ' ' << g;
        }
        if (streams.size() > 1) tp << ' ' << all;
        tp << '\n';
    }
    for (size_t i = 0; i < streams.size(); i++)
        tp_plot += std::string(i ? ", " : "plot ") + "'throughput.dat' using 1:" + std::to_string(i + 2) + " with lines lw 2 title " +
                   quote(streams[i].name);
    if (streams.size() > 1)
        tp_plot += ", 'throughput.dat' using 1:" + std::to_string(streams.size() + 2) + " with lines lw 2 dt 2 lc rgb 'black' title 'all streams'";
    for (OutFile *f : {&cdf_file, &tlb_file, &tp_file})
        if (!f->close()) { *msg = f->error(); return false; }

    std::string t = quote(title);
    bool ok = true;
    std::string m;
    if (!cdf_plot.empty()) {
        ok &= render(dir, "latency_cdf",
                     "set title " + quote(title + ": end-to-end latency CDF per stream") + "\nset xlabel 'latency (ns, log scale)'\n"
                     "set ylabel 'fraction of transactions <= latency'\nset logscale x\nset grid\nset key right bottom\n"
                     "set yrange [0:1.02]\n" + cdf_plot + "\n", &m);
    }
    if (ok && !streams.empty()) {
        ok &= render(dir, "tlb_hit_rates",
                     "set title " + quote(title + ": how translations were served") + "\nset ylabel '% of translations'\n"
                     "set yrange [0:105]\nset style data histograms\nset style histogram rowstacked\n"
                     "set style fill solid 0.8 border -1\nset boxwidth 0.6\nset grid ytics\nset key outside right\n"
                     "plot 'tlb_hit_rates.dat' using 2:xtic(1) title 'micro-TLB hit', '' using 3 title 'main TLB hit', "
                     "'' using 4 title 'TCU TLB hit', '' using 5 title 'shared walk', '' using 6 title 'walk', "
                     "'' using 7 title 'bypass or failed'\n", &m);
    }
    if (ok && bins) {
        ok &= render(dir, "throughput",
                     "set title " + quote(title + ": throughput over time (" + std::to_string(bin_ps / 1000) + " ns bins)") +
                     "\nset xlabel 'simulated time (us)'\nset ylabel 'GB/s completed'\nset grid\nset key top right\n"
                     "set yrange [0:*]\n" + tp_plot + "\n", &m);
    }
    if (!ok) *msg = m;
    return ok;
}

} // namespace simreport
