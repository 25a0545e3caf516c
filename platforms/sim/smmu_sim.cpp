// smmu-sim: builds the example SoC from a scenario, lets the driver model program the SMMU, replays the traffic
// and reports latency, TLB behaviour, invalidation cost and events.
#include "report/gnuplot.h"
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

#include <smmu/sc/smmuv3.h>

#include "config/scenario.h"
#include "driver/driver.h"
#include "patterns.h"
#include "report/run_plots.h"
#include "smmu_params.h"
#include "soc.h"

using namespace sc_core;
using namespace smmusim;

namespace {

volatile std::sig_atomic_t g_interrupted = 0;
uint64_t g_bin_ps = 1;          // throughput time-series bin
uint64_t g_completed = 0, g_limit = 0;   // run.transactions (0 = none)
std::string g_input_error;      // a malformed trace line met during the run

struct DevRun {
    const simcfg::Device *cfg = nullptr;
    int dev = -1, dom = -1;
    std::vector<int> pasid_dom;                       // index = PASID
    std::unique_ptr<traffic::Pattern> pattern;
    // End-to-end latency: exact count, mean and max; every sample up to kLatSamples, then a uniform
    // reservoir of them (percentiles and the CDF stay representative while memory stays bounded on long runs).
    static constexpr size_t kLatSamples = 1 << 21;
    std::vector<double> lat_ns;
    uint64_t lat_n = 0, lat_rng = 0x9E3779B97F4A7C15ull;
    double lat_sum = 0, lat_max = 0;
    void add_latency(double ns) {
        lat_n++;
        lat_sum += ns;
        lat_max = std::max(lat_max, ns);
        if (lat_ns.size() < kLatSamples) { lat_ns.push_back(ns); return; }
        lat_rng ^= lat_rng << 13; lat_rng ^= lat_rng >> 7; lat_rng ^= lat_rng << 17;
        uint64_t j = lat_rng % lat_n;
        if (j < kLatSamples) lat_ns[j] = ns;
    }
    uint64_t issued = 0, ok = 0, errors = 0, bytes = 0, remaps = 0;
    uint64_t first_ps = ~0ull, last_ps = 0;
    std::vector<uint64_t> bytes_per_bin;               // completed bytes per g_bin_ps of simulated time
    std::ofstream csv;
};

// One CSV row: issue_ps,latency_ps,addr,op,size,status. std::to_chars prints digits as std::ostream does (hex in
// lower case, no leading zeros) without its per-field cost, which was a quarter of a run.
void write_csv_line(std::ofstream &csv, uint64_t issue_ps, uint64_t latency_ps, const traffic::Txn &t, bool good)
{
    char line[128];                                   // at most 20 + 1 + 20 + 3 + 16 + 3 + 10 + 7 characters
    char *p = line;
    auto dec = [&p](uint64_t v) { p = std::to_chars(p, p + 24, v).ptr; };
    auto hex = [&p](uint64_t v) { p = std::to_chars(p, p + 24, v, 16).ptr; };
    auto text = [&p](const char *s) { while (*s) *p++ = *s++; };
    dec(issue_ps);
    text(",");
    dec(latency_ps);
    text(",0x");
    hex(t.addr);
    text(t.write ? ",W," : ",R,");
    dec(t.size);
    text(good ? ",ok\n" : ",error\n");
    csv.write(line, p - line);
}

// An upstream port no device uses: SystemC refuses an unbound socket, so an initiator that never issues holds it.
struct IdlePort : sc_module {
    tlm_utils::simple_initiator_socket<IdlePort> socket;
    explicit IdlePort(sc_module_name n) : sc_module(n), socket("socket") {}
};

struct Master : sc_module {
    tlm_utils::simple_initiator_socket<Master> socket;
    DevRun &run;
    SmmuDriver *drv = nullptr;
    sc_mutex *drv_lock = nullptr;
    sc_event *ready = nullptr;
    PhysAllocator *dma_alloc = nullptr;
    sc_time stop;
    unsigned workers;
    // Per worker, owned here: a worker still waiting in the SMMU when the run ends is never unwound.
    struct Slot { tlm::tlm_generic_payload gp; std::vector<uint8_t> data; smmu::StreamIdExtension ext; };
    std::vector<std::unique_ptr<Slot>> slots;
    Master(sc_module_name n, DevRun &r, unsigned w) : sc_module(n), socket("socket"), run(r), workers(w) {
        SC_HAS_PROCESS(Master);
        for (unsigned i = 0; i < workers; i++) {
            slots.emplace_back(new Slot);
            sc_spawn(sc_bind(&Master::worker, this, i), sc_gen_unique_name("worker"));
        }
    }
    ~Master() override { for (auto &s : slots) s->gp.clear_extension(&s->ext); }
    void remap() {
        // Streaming DMA: unmap one buffer of the first mapping and map it again at a new PA.
        const simcfg::Device &d = *run.cfg;
        if (d.mappings.empty()) return;
        const simcfg::Mapping &m = d.mappings[0];
        uint64_t n = std::max<uint64_t>(m.size / d.dyn_buffer_size, 1);
        uint64_t iova = m.iova + (run.remaps % n) * d.dyn_buffer_size;
        drv_lock->lock();
        drv->unmap(run.dom, iova, d.dyn_buffer_size);
        uint64_t pa = dma_alloc->alloc(d.dyn_buffer_size, d.dyn_buffer_size);
        drv->map(run.dom, iova, pa, d.dyn_buffer_size, m.page_size > d.dyn_buffer_size ? 4096 : m.page_size, PROT_READ | PROT_WRITE);
        drv_lock->unlock();
        run.remaps++;
    }
    void worker(unsigned slot) {
        const uint64_t ps_ticks = sc_time(1, SC_PS).value();   // time-resolution ticks in a picosecond
        wait(*ready);
        std::vector<uint8_t> &data = slots[slot]->data;
        tlm::tlm_generic_payload &gp = slots[slot]->gp;
        smmu::StreamIdExtension &ext = slots[slot]->ext;
        for (;;) {
            traffic::Txn t;
            if (g_interrupted) return;
            if (!run.pattern->next(t)) {
                // Bad input found mid-run (a trace line) ends the run like bad input before it.
                if (!run.pattern->error().empty() && g_input_error.empty()) { g_input_error = run.pattern->error(); sc_stop(); }
                return;
            }
            const sc_time when = sc_time::from_value(t.time_ps * ps_ticks);
            if (when >= stop) return;
            if (when > sc_time_stamp()) wait(when - sc_time_stamp());
            if (sc_time_stamp() >= stop) return;
            data.assign(t.size, 0);
            ext = smmu::StreamIdExtension(t.sid, t.ssid, t.ssv);
            gp.set_command(t.write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
            gp.set_address(t.addr);
            gp.set_data_ptr(data.data());
            gp.set_data_length(t.size);
            gp.set_streaming_width(t.size);
            gp.set_byte_enable_ptr(nullptr);
            gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
            gp.set_extension(&ext);
            sc_time issue = sc_time_stamp(), delay = SC_ZERO_TIME;
            socket->b_transport(gp, delay);
            wait(delay);
            gp.clear_extension(&ext);
            double ns = (sc_time_stamp() - issue).to_seconds() * 1e9;
            run.issued++;
            run.add_latency(ns);
            uint64_t ps = (uint64_t)(issue.to_seconds() * 1e12);
            run.first_ps = std::min(run.first_ps, ps);
            run.last_ps = std::max(run.last_ps, (uint64_t)(sc_time_stamp().to_seconds() * 1e12));
            bool good = gp.get_response_status() == tlm::TLM_OK_RESPONSE;
            if (good) {
                run.ok++;
                run.bytes += t.size;
                size_t bin = (size_t)(sc_time_stamp().value() / ps_ticks / g_bin_ps);
                if (bin >= run.bytes_per_bin.size()) run.bytes_per_bin.resize(bin + 1, 0);
                run.bytes_per_bin[bin] += t.size;
            } else run.errors++;
            if (run.csv.is_open()) write_csv_line(run.csv, ps, (uint64_t)(ns * 1000), t, good);
            if (g_limit && ++g_completed >= g_limit) { sc_stop(); return; }
            if (run.cfg->dynamic && run.issued % run.cfg->dyn_remap_every == 0) remap();
        }
    }
};

// Nearest-rank percentile of samples sorted in ascending order.
double percentile(const std::vector<double> &v, double p)
{
    if (v.empty()) return 0;
    size_t i = (size_t)std::ceil(p / 100.0 * v.size());
    return v[i ? i - 1 : 0];
}

// Translations the module counted for a stream (one per page touched, when the module reports it; else per transaction).
template <class T> auto translations_of(const T &t, int) -> decltype((uint64_t)t.translations) { return t.translations; }
template <class T> uint64_t translations_of(const T &t, long) { return t.transactions; }

unsigned log2u(uint64_t x) { unsigned r = 0; while (x >>= 1) r++; return r; }

std::string fmt_time(double ps)
{
    char b[32];
    if (ps >= 1e9) std::snprintf(b, sizeof b, "%.3f ms", ps / 1e9);
    else if (ps >= 1e6) std::snprintf(b, sizeof b, "%.2f us", ps / 1e6);
    else std::snprintf(b, sizeof b, "%.1f ns", ps / 1e3);
    return b;
}

int usage(const char *a)
{
    std::fprintf(stderr,
                 "usage: %s scenario.yaml [--set key=value]... [--out DIR] [--plots] [--quiet]\n"
                 "  --set k=v  override any scenario key (docs/config-keys.md)\n"
                 "  --out DIR  where report.json, CSVs and plots go (default .)\n"
                 "  --plots    same as --set report.plots=true (gnuplot PNGs in DIR/plots)\n"
                 "  --quiet    do not print decoded events\n"
                 "Sweeps over many runs: smmu-sweep (docs/scenarios.md).\n", a);
    return 2;
}

} // namespace

int sc_main(int argc, char **argv)
{
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);   // the summary is the output
    std::vector<std::string> sets;
    std::string file, outdir = ".";
    bool quiet = false;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        if (a == "--set" && i + 1 < argc) sets.push_back(argv[++i]);
        else if (a.rfind("--set=", 0) == 0) sets.push_back(a.substr(6));
        else if (a == "--out" && i + 1 < argc) outdir = argv[++i];
        else if (a == "--quiet") quiet = true;
        else if (a == "--plots") sets.push_back("report.plots=true");
        else if (a[0] == '-') return usage(argv[0]);
        else file = a;
    }
    if (file.empty()) return usage(argv[0]);
    simcfg::Scenario sc;
    std::vector<simcfg::Error> errs;
    if (!simcfg::load_scenario(file, sets, &sc, &errs)) {
        for (auto &e : errs) std::fprintf(stderr, "%s\n", e.str().c_str());
        return 1;
    }
    smmu::Params params;
    std::string perr;
    if (!make_params(sc.smmu, &params, &perr)) { std::fprintf(stderr, "%s: %s\n", file.c_str(), perr.c_str()); return 1; }
    for (auto &w : sc.warnings) std::fprintf(stderr, "%s\n", w.c_str());
    const unsigned ports = params.num_ports;   // the loader refused a device port beyond it
    // The first Ctrl-C ends the run with a partial report; a second one kills the process.
    struct sigaction sa {};
    sa.sa_handler = [](int) { g_interrupted = 1; };
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    if (!simreport::make_dirs(outdir)) { std::fprintf(stderr, "cannot create %s: %s\n", outdir.c_str(), std::strerror(errno)); return 1; }
    g_limit = sc.run_transactions;
    g_bin_ps = std::max<uint64_t>(sc.run_duration_ps / 100, 1000);

    // Physical memory map (simcfg::memory_map): page tables/queues at 1G, DMA buffers from 4G, guest RAM of nested
    // devices at the top of memory.size.
    const simcfg::MemoryMap mm = simcfg::memory_map(sc);
    SparseMemory mem;
    mem.set_window(0, mm.size);
    PhysAllocator tables(mm.tables_base, mm.tables_size), dma(mm.dma_base, mm.dma_size), guests(mm.guest_base, mm.guest_size);
    sc_time ic(sc.ic_latency_ps, SC_PS);
    smmu::Smmuv3 smmu("smmu", params);
    Dram dram("dram", mem, sc_time(sc.mem_latency_ps, SC_PS), sc.mem_bandwidth);
    Link down("ic_down", ic);
    smmu.dma_out.bind(down.in);
    down.out.bind(dram.socket);
    RegBus cpu("cpu");
    cpu.socket.bind(smmu.reg_socket);
    sc_signal<bool> evtq_irq("evtq_irq");
    smmu.irq_evtq.bind(evtq_irq);
    std::vector<std::unique_ptr<Link>> up;
    std::vector<std::unique_ptr<IdlePort>> idle;
    for (unsigned p = 0; p < ports; p++) {
        up.emplace_back(new Link(sc_gen_unique_name("ic_up"), ic));
        up.back()->out.bind(smmu.dma_in);
        bool used = false;
        for (auto &d : sc.devices) used |= d.port == p;
        if (!used) { idle.emplace_back(new IdlePort(sc_gen_unique_name("idle"))); idle.back()->socket.bind(up.back()->in); }
    }

    DriverOptions opt;
    opt.strict = sc.invalidation == "strict";
    opt.lazy_batch = sc.lazy_batch;
    opt.sync = sc.sync == "poll" ? DriverOptions::Sync::Poll : sc.sync == "msi" ? DriverOptions::Sync::Msi : DriverOptions::Sync::Auto;
    opt.cmdq_log2 = log2u(sc.cmdq_entries);
    opt.evtq_log2 = log2u(sc.evtq_entries);
    opt.va_bits = sc.va_bits;
    opt.max_sid_bits = simcfg::kDriverSidBits;   // the loader refused StreamIDs beyond it
    SmmuDriver drv(cpu, mem, tables, opt);
    sc_mutex drv_lock;
    sc_event ready;
    sc_time stop(sc.run_duration_ps, SC_PS);

    std::vector<std::unique_ptr<DevRun>> runs;
    std::vector<std::unique_ptr<Master>> masters;
    for (size_t i = 0; i < sc.devices.size(); i++) {
        auto r = std::make_unique<DevRun>();
        r->cfg = &sc.devices[i];
        runs.push_back(std::move(r));
    }
    std::map<std::string, uint64_t> events_by_name;
    uint64_t stall_events = 0;
    // Outside the thread: a thread still waiting when the run stops is never unwound.
    std::map<std::string, int> dom_of;

    // Software: probe, attach, map; then service the event queue on its interrupt.
    sc_spawn([&] {
        drv_lock.lock();
        if (!drv.probe()) { std::fprintf(stderr, "driver: %s\n", drv.error().c_str()); sc_stop(); return; }
        for (auto &rp : runs) {
            DevRun &r = *rp;
            const simcfg::Device &d = *r.cfg;
            r.dev = drv.add_device({d.name, d.sid, d.pasids ? log2u(d.pasids) + 1 : 0, d.stall});
            unsigned g = d.granule == "64K" ? 16 : d.granule == "16K" ? 14 : 12;
            DomainType t = d.domain == "bypass" ? DomainType::Bypass : d.domain == "s2" ? DomainType::S2
                         : d.domain == "nested" ? DomainType::Nested : d.domain == "blocked" ? DomainType::Blocked : DomainType::S1;
            if (!d.share_domain.empty()) r.dom = dom_of[d.share_domain];
            else if (t == DomainType::Nested) {
                // The VM: 1 GiB of guest RAM at IPA 0 mapped by stage 2 with 2M blocks; its tables and CDs in the top half.
                int s2 = drv.domain_alloc(DomainType::S2, g);
                uint64_t ram = guests.alloc(1ull << 30, 1ull << 30);
                drv.map(s2, 0, ram, 1ull << 30, 2ull << 20, PROT_READ | PROT_WRITE | PROT_CACHE);
                r.dom = drv.domain_alloc(DomainType::Nested, g, s2, 512ull << 20, 512ull << 20);
            } else r.dom = drv.domain_alloc(t, g);
            dom_of[d.name] = r.dom;
            if (r.dom < 0 || !drv.attach(r.dev, r.dom)) { std::fprintf(stderr, "driver: %s: %s\n", d.name.c_str(), drv.error().c_str()); sc_stop(); return; }
            r.pasid_dom.assign(d.pasids + 1, r.dom);
            for (uint32_t p = 1; p <= d.pasids; p++) {
                r.pasid_dom[p] = drv.domain_alloc(DomainType::S1, g);
                drv.attach_pasid(r.dev, r.pasid_dom[p], p);
            }
            uint64_t guest_pa = 0x100000;
            for (const simcfg::Mapping &m : d.mappings) {
                if (t == DomainType::Bypass || t == DomainType::Blocked) break;
                unsigned prot = (m.read ? +PROT_READ : 0u) | (m.write ? +PROT_WRITE : 0u) | (m.exec ? 0u : +PROT_NOEXEC) |
                                (m.priv ? +PROT_PRIV : 0u) | PROT_CACHE;
                uint64_t pa = m.pa;
                if (!m.has_pa) {
                    if (t == DomainType::Nested) { guest_pa = (guest_pa + m.page_size - 1) & ~(m.page_size - 1); pa = guest_pa; guest_pa += m.size; }
                    else pa = dma.alloc(m.size, m.page_size);
                }
                int rc = drv.map(r.pasid_dom[m.pasid], m.iova, pa, m.size, m.page_size, prot);
                if (rc) std::fprintf(stderr, "driver: %s: map 0x%llx: error %d\n", d.name.c_str(), (unsigned long long)m.iova, rc);
            }
        }
        drv.on_stall = [&](const Event &e) {
            stall_events++;
            for (auto &rp : runs)
                if (rp->cfg->sid == e.sid && rp->cfg->fault_handler == "map")
                    return drv.map(rp->pasid_dom[e.ssv ? e.ssid : 0], e.iova & ~0xFFFull, dma.alloc(4096, 4096), 4096, 4096,
                                   PROT_READ | PROT_WRITE) == 0;
            return false;
        };
        drv_lock.unlock();
        ready.notify(SC_ZERO_TIME);
        while (sc_time_stamp() < stop + sc_time(1, SC_US) && !g_interrupted) {
            wait(sc_time(1, SC_US), evtq_irq.posedge_event());
            drv_lock.lock();
            for (const Event &e : drv.drain_events()) {
                events_by_name[event_spec_name(e.id)]++;
                if (!quiet && events_by_name[event_spec_name(e.id)] <= 3)
                    std::fputs(format_event(e, drv.client_name(e.sid)).c_str(), stderr);
            }
            drv_lock.unlock();
        }
        if (!opt.strict) drv.flush_lazy();
    }, "software");

    for (size_t i = 0; i < runs.size(); i++) {
        DevRun &r = *runs[i];
        const simcfg::Device &d = *r.cfg;
        traffic::PatternConfig pc;
        const simcfg::Traffic &t = d.traffic;
        pc.pattern = t.pattern; pc.size = (uint32_t)t.size; pc.read_ratio = t.read_ratio; pc.rate = t.rate;
        pc.interarrival_ps = t.interarrival_ps; pc.outstanding = t.outstanding; pc.count = t.count;
        pc.duration_ps = t.duration_ps; pc.start_ps = t.start_ps; pc.stride = t.stride; pc.zipf_s = t.zipf_s;
        pc.zipf_pages = t.zipf_pages; pc.ring_entries = t.ring_entries; pc.descriptor_size = (uint32_t)t.descriptor_size;
        pc.buffer_size = (uint32_t)t.buffer_size; pc.buffer_base = t.buffer_base; pc.trace_file = t.file; pc.seed = t.seed;
        pc.sid = d.sid; pc.ssid = t.pasid; pc.ssv = t.pasid != 0;
        uint64_t lo = ~0ull, hi = 0;
        for (auto &m : d.mappings) if (m.pasid == t.pasid) { lo = std::min(lo, m.iova); hi = std::max(hi, m.iova + m.size); }
        pc.base = t.has_base ? t.base : (lo == ~0ull ? 0 : lo);
        pc.footprint = t.has_footprint ? t.footprint : (hi > pc.base ? hi - pc.base : 1 << 20);
        std::string err;
        r.pattern = traffic::make_pattern(pc, &err);
        if (!r.pattern) { std::fprintf(stderr, "%s: device %s: %s\n", file.c_str(), d.name.c_str(), err.c_str()); return 1; }
        if (!sc.report_csv_dir.empty()) {
            std::string dir = sc.report_csv_dir[0] == '/' ? sc.report_csv_dir : outdir + "/" + sc.report_csv_dir;
            if (!simreport::make_dirs(dir)) { std::fprintf(stderr, "cannot create %s: %s\n", dir.c_str(), std::strerror(errno)); return 1; }
            r.csv.open(dir + "/" + d.name + ".csv");
        }
        if (r.csv.is_open()) r.csv << "issue_ps,latency_ps,addr,op,size,status\n";
        auto m = std::make_unique<Master>(sc_gen_unique_name(("dma_" + d.name).c_str()), r, t.outstanding);
        m->drv = &drv; m->drv_lock = &drv_lock; m->ready = &ready; m->dma_alloc = &dma; m->stop = stop;
        m->socket.bind(up[d.port]->in);
        masters.push_back(std::move(m));
    }

    // Monitor: turns Ctrl-C into a clean stop, and on a terminal shows progress on one updating line.
    bool progress = sc.report_progress && !quiet && isatty(STDOUT_FILENO);
    auto wall0 = std::chrono::steady_clock::now();
    sc_time end = stop + sc_time(50, SC_US);
    sc_spawn([&] {
        sc_time step = std::max(stop / 2000.0, sc_time(100, SC_NS));
        auto last = wall0;
        uint64_t last_txns = 0;
        while (sc_time_stamp() < end) {
            wait(step);
            if (g_interrupted) { sc_stop(); return; }
            if (!progress) continue;
            auto now = std::chrono::steady_clock::now();
            double dt = std::chrono::duration<double>(now - last).count();
            if (dt < 0.25) continue;
            uint64_t txns = 0;
            for (auto &rp : runs) txns += rp->issued;
            double done = std::min(1.0, sc_time_stamp() / stop);
            double el = std::chrono::duration<double>(now - wall0).count();
            std::printf("\r\033[K[%s] %s / %s simulated (%3.0f%%)  %llu transactions  %.0f txn/s  ETA %.0f s  (Ctrl-C: stop and report)",
                        sc.name.c_str(), fmt_time(sc_time_stamp().to_seconds() * 1e12).c_str(), fmt_time(stop.to_seconds() * 1e12).c_str(),
                        100 * done, (unsigned long long)txns, (double)(txns - last_txns) / dt, done > 0 ? el / done - el : 0.0);
            std::fflush(stdout);
            last = now;
            last_txns = txns;
        }
    }, "monitor");

    sc_start(end);
    double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
    if (progress) { std::printf("\r\033[K"); std::fflush(stdout); }
    if (g_interrupted) std::fprintf(stderr, "interrupted at %s simulated: partial report\n", fmt_time(sc_time_stamp().to_seconds() * 1e12).c_str());

    // Reports.
    const smmu::Stats &st = smmu.stats();
    double period_ns = params.clock_period.to_seconds() * 1e9;
    double sim_ns = sc_time_stamp().to_seconds() * 1e9;
    std::ostringstream js;
    js << "{\n  \"scenario\": \"" << sc.name << "\",\n  \"simulated_ns\": " << sim_ns << ",\n  \"wall_s\": " << wall_s
       << ",\n  \"interrupted\": " << (g_interrupted ? "true" : "false") << ",\n  \"preset_files\": [";
    for (size_t i = 0; i < sc.preset_files.size(); i++) js << (i ? ", " : "") << "\"" << sc.preset_files[i] << "\"";
    // The fully resolved configuration: as a scenario file it reproduces this run (smmu-sim-check --resolved).
    js << "],\n  \"config\": " << sc.resolved << ",\n  \"devices\": [";
    uint64_t all_txns = 0;
    for (auto &rp : runs) all_txns += rp->issued;
    if (sc.report_summary) {
        std::printf("\n%s: %s of traffic simulated in %.2f s, %llu transactions%s\n", sc.name.c_str(),
                    fmt_time(std::min(sc_time_stamp(), stop).to_seconds() * 1e12).c_str(), wall_s,
                    (unsigned long long)all_txns, g_interrupted ? " (INTERRUPTED: partial results)" : "");
        std::printf("%-10s %6s %9s %7s %9s %9s %9s %6s %6s %6s %6s %7s %8s\n", "device", "sid", "txns", "errors", "mean_ns", "p99_ns",
                    "smmu_ns", "utlb%", "mtlb%", "tcu%", "tlb%", "walks", "GB/s");
    }
    bool first = true;
    uint64_t total_errors = 0;
    std::vector<simreport::StreamResult> series;
    for (auto &rp : runs) {
        DevRun &r = *rp;
        smmu::TrafficStats ts;
        auto it = st.streams.find(r.cfg->sid);
        if (it != st.streams.end()) ts = it->second;
        double mean = 0;
        mean = r.lat_n ? r.lat_sum / (double)r.lat_n : 0;
        std::sort(r.lat_ns.begin(), r.lat_ns.end());   // once: the percentiles and the CDF plot read it sorted
        double p99 = percentile(r.lat_ns, 99), p50 = percentile(r.lat_ns, 50);
        double span = r.last_ps > r.first_ps ? (r.last_ps - r.first_ps) * 1e-12 : 0;
        double gbps = span > 0 ? r.bytes / span / 1e9 : 0;
        uint64_t xl = translations_of(ts, 0);
        // The series stops where issuing stopped (the drain after it is not throughput).
        uint64_t shown = std::max<uint64_t>(1, (std::min(sc_time_stamp(), stop).value() / sc_time(1, SC_PS).value() + g_bin_ps - 1) / g_bin_ps);
        if (r.bytes_per_bin.size() > shown) r.bytes_per_bin.resize(shown);
        double tcu = xl ? (double)ts.tcu_tlb_hits / xl : 0;
        double any = xl ? (double)(ts.utlb_hits + ts.main_tlb_hits + ts.tcu_tlb_hits) / xl : 0;
        total_errors += r.errors;
        if (sc.report_summary)
            std::printf("%-10s %6x %9llu %7llu %9.1f %9.1f %9.1f %6.1f %6.1f %6.1f %6.1f %7llu %8.2f\n", r.cfg->name.c_str(), r.cfg->sid,
                        (unsigned long long)r.issued, (unsigned long long)r.errors, mean, p99, ts.latency.mean() * period_ns,
                        100 * ts.utlb_hit_rate(), 100 * ts.main_tlb_hit_rate(), 100 * tcu, 100 * any, (unsigned long long)ts.walks, gbps);
        js << (first ? "\n" : ",\n") << "    {\"name\": \"" << r.cfg->name << "\", \"sid\": " << r.cfg->sid << ", \"transactions\": " << r.issued
           << ", \"errors\": " << r.errors << ", \"bytes\": " << r.bytes << ", \"mean_latency_ns\": " << mean << ", \"p50_latency_ns\": " << p50
           << ", \"p99_latency_ns\": " << p99 << ", \"max_latency_ns\": " << r.lat_max
           << ", \"mean_translation_ns\": " << ts.latency.mean() * period_ns
           << ", \"translations\": " << xl << ", \"utlb_hit_rate\": " << ts.utlb_hit_rate()
           << ", \"main_tlb_hit_rate\": " << ts.main_tlb_hit_rate() << ", \"tcu_tlb_hit_rate\": " << tcu << ", \"tlb_hit_rate\": " << any
           << ", \"walks\": " << ts.walks << ", \"throughput_gbps\": " << gbps << ", \"remaps\": " << r.remaps << ", \"throughput_series_gbps\": [";
        for (size_t b = 0; b < r.bytes_per_bin.size(); b++) js << (b ? ", " : "") << (double)r.bytes_per_bin[b] / (g_bin_ps * 1e-12) / 1e9;
        js << "]}";
        first = false;
        series.push_back({r.cfg->name, std::move(r.lat_ns), ts.utlb_hit_rate(), ts.main_tlb_hit_rate(), tcu, std::move(r.bytes_per_bin)});
    }
    const DriverCounters &dc = drv.counters();
    js << "\n  ],\n  \"series_bin_ns\": " << g_bin_ps / 1000.0;
    js << ",\n  \"driver\": {\"commands\": " << dc.commands << ", \"syncs\": " << dc.syncs << ", \"tlbi\": " << dc.tlbi
       << ", \"cfgi\": " << dc.cfgi << ", \"polls\": " << dc.polls << ", \"maps\": " << dc.maps << ", \"unmaps\": " << dc.unmaps
       << ", \"lazy_flushes\": " << dc.lazy_flushes << ", \"events\": " << dc.events << ", \"resumes\": " << dc.resumes
       << ", \"cmd_sync_mean_ns\": " << st.cmd_sync_latency.mean() * period_ns << "},\n  \"events\": {";
    first = true;
    for (auto &kv : events_by_name) { js << (first ? "" : ", ") << "\"" << kv.first << "\": " << kv.second; first = false; }
    js << "},\n  \"memory\": {\"accesses\": " << dram.accesses << ", \"bytes\": " << dram.bytes << ", \"mean_queue_ns\": "
       << (dram.accesses ? dram.queued_ps / dram.accesses / 1000 : 0) << "},\n  \"smmu\": " << smmu.stats_json() << "\n}\n";
    std::vector<std::string> wrote;
    if (!sc.report_json.empty()) {
        std::string path = sc.report_json[0] == '/' ? sc.report_json : outdir + "/" + sc.report_json;
        std::ofstream(path) << js.str();
        wrote.push_back(path);
    }
    if (!sc.report_csv_dir.empty()) wrote.push_back((sc.report_csv_dir[0] == '/' ? sc.report_csv_dir : outdir + "/" + sc.report_csv_dir) + "/<device>.csv");
    std::string plot_note;
    if (sc.report_plots) {
        std::string dir = outdir + "/plots", msg;
        if (!simreport::make_dirs(dir)) plot_note = "cannot create " + dir;
        else if (simreport::write_run_plots(dir, sc.name, g_bin_ps, series, &msg))
            wrote.push_back(dir + "/{latency_cdf,tlb_hit_rates,throughput}.png");
        else { plot_note = msg; wrote.push_back(dir + "/*.dat"); }
    }
    if (sc.report_summary) {
        std::printf("(mean/p99: issue to response; smmu: mean translation time in the SMMU; utlb/mtlb/tcu: share of translations\n"
                    " hitting the micro-TLB, main TLB, TCU TLB; tlb: any of them; walks: table walks; GB/s: completed bytes)\n");
        std::printf("driver: %llu commands, %llu CMD_SYNC (mean %.1f ns), %llu TLBI, %llu unmaps, %llu lazy flushes\n",
                    (unsigned long long)dc.commands, (unsigned long long)dc.syncs, st.cmd_sync_latency.mean() * period_ns,
                    (unsigned long long)dc.tlbi, (unsigned long long)dc.unmaps, (unsigned long long)dc.lazy_flushes);
        if (events_by_name.empty()) std::printf("events: none\n");
        for (auto &kv : events_by_name) std::printf("event %s: %llu\n", kv.first.c_str(), (unsigned long long)kv.second);
        for (auto &w : wrote) std::printf("wrote %s\n", w.c_str());
    }
    if (!plot_note.empty()) std::fprintf(stderr, "note: plots not rendered: %s\n", plot_note.c_str());
    if (!g_input_error.empty()) { std::fprintf(stderr, "%s\n", g_input_error.c_str()); return 1; }
    if (g_interrupted) return 130;

    int rc = 0;
    if (sc.expect_no_faults && (total_errors || !events_by_name.empty())) {
        std::fprintf(stderr, "expect.no_faults: %llu transactions failed, %zu event kinds reported\n", (unsigned long long)total_errors,
                     events_by_name.size());
        rc = 3;
    }
    for (auto &e : sc.expect_events)
        if (!events_by_name.count(e)) { std::fprintf(stderr, "expect.events: no %s reported\n", e.c_str()); rc = 3; }
    return rc;
}
