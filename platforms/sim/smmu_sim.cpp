// SPDX-License-Identifier: BSD-3-Clause
// smmu-sim: builds the example SoC from a scenario, lets the driver model program the SMMU, replays the traffic
// and reports latency, TLB behaviour, invalidation cost and events.
#include "report/cli.h"
#include "report/gnuplot.h"
#include "report/out_file.h"
#include <algorithm>
#include <cerrno>
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

#include "ats_device.h"
#include "config/scenario.h"
#include "config/values.h"
#include "driver/driver.h"
#include "driver/streaming.h"
#include "patterns.h"
#include "report/ats_plots.h"
#include "report/run_plots.h"
#include "report/timeline_plot.h"
#include "smmu_params.h"
#include "soc.h"
#include "timeline.h"

using namespace sc_core;
using namespace smmusim;
using simcfg::json_str;

namespace {

volatile std::sig_atomic_t g_interrupted = 0;
uint64_t g_bin_ps = 1;          // throughput time-series bin
uint64_t g_completed = 0, g_limit = 0;   // run.transactions (0 = none)
std::string g_input_error;      // a malformed trace line met during the run
std::string g_driver_error;     // the driver model could not set the platform up (probe, attach, map)

// The driver model failed: said at once, ends the run; the report records it and the exit status is 1.
void driver_failed(const std::string &msg)
{
    std::fprintf(stderr, "driver: %s\n", msg.c_str());
    if (g_driver_error.empty()) g_driver_error = "driver: " + msg;
    sc_stop();
}
std::vector<std::string> g_warnings;   // e.g. an empty trace: on stderr and in report.json

// Completed transactions of a device, or of one StreamID of its trace.
struct Tally {
    // End-to-end latency: exact count, mean and max; every sample up to kLatSamples, then a uniform
    // reservoir of them (percentiles and the CDF stay representative while memory stays bounded on long runs).
    static constexpr size_t kLatSamples = 1 << 21;
    std::vector<double> lat_ns;
    uint64_t lat_n = 0, lat_rng = 0x9E3779B97F4A7C15ull;
    double lat_sum = 0, lat_max = 0;
    uint64_t issued = 0, ok = 0, errors = 0, bytes = 0;
    uint64_t first_ps = ~0ull, last_ps = 0;
    void add(double ns, uint64_t issue_ps, uint64_t end_ps, bool good, uint32_t size) {
        issued++;
        (good ? ok : errors)++;
        if (good) bytes += size;
        first_ps = std::min(first_ps, issue_ps);
        last_ps = std::max(last_ps, end_ps);
        lat_n++;
        lat_sum += ns;
        lat_max = std::max(lat_max, ns);
        if (lat_ns.size() < kLatSamples) { lat_ns.push_back(ns); return; }
        lat_rng ^= lat_rng << 13; lat_rng ^= lat_rng >> 7; lat_rng ^= lat_rng << 17;
        uint64_t j = lat_rng % lat_n;
        if (j < kLatSamples) lat_ns[j] = ns;
    }
};

struct DevRun : simtl::DeviceSlot {                  // dev, dom, pasid_dom, unplugged: what the timeline changes
    const simcfg::Device *cfg = nullptr;
    std::unique_ptr<traffic::Pattern> pattern;
    bool trace_sids = false;                          // traffic.trace_sid: trace (each record's StreamID)
    Tally all;
    std::map<uint32_t, Tally> by_sid;                 // with trace_sids: per StreamID seen
    uint64_t remaps = 0, remap_seq = 0;
    std::unique_ptr<StreamingBuffers> bufs;           // dynamic: the buffers the driver remaps
    sc_event bufs_changed;
    std::vector<uint64_t> bytes_per_bin;               // completed bytes per g_bin_ps of simulated time
    std::unique_ptr<simreport::OutFile> csv;
    std::unique_ptr<AtsDevice> ats;                    // ats.enabled: the device's ATC and PCIe requests
    uint64_t unmaps = 0;                              // dynamic: unmaps of its buffers, and their time (TLBI, ATC_INV,
    double unmap_ns_sum = 0, unmap_ns_max = 0;         // each CMD_SYNC) on the CPU
};

// The ATS endpoints behind one SMMU port, by StreamID: invalidations and responses for a StreamID no ATS device
// uses are completed at once (nothing of it is cached).
struct PortAts : smmu::AtsEndpoint {
    smmu::Smmuv3 &smmu;
    std::map<uint32_t, AtsDevice *> by_sid;
    explicit PortAts(smmu::Smmuv3 &s) : smmu(s) {}
    void atc_invalidate(const smmu_atc_inv_t &inv) override {
        auto it = by_sid.find(inv.sid);
        if (it != by_sid.end()) it->second->atc_invalidate(inv);
        else smmu.atc_inv_complete(inv.tag);
    }
    void pri_response(const smmu_pri_resp_t &r) override {
        auto it = by_sid.find(r.sid);
        if (it != by_sid.end()) it->second->pri_response(r);
    }
};

// One CSV row: issue_ps,latency_ps,addr,op,size,status,sid,served. std::to_chars prints digits as std::ostream
// does (hex in lower case, no leading zeros) without its per-field cost, which was a quarter of a run. `served`
// names each kind of translation the transaction had (smmu::Served), with a count when more than one: walk,
// utlb*3+walk.
void write_csv_line(simreport::OutFile &csv, uint64_t issue_ps, uint64_t latency_ps, const traffic::Txn &t, bool good,
                    const smmu::ServedExtension &served, const AtsDevice::Access *acc)
{
    char line[256];                                   // at most 20+1+20+3+16+3+10+7+11+7*(6+11+1) characters
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
    text(good ? ",ok,0x" : ",error,0x");
    hex(t.sid);
    text(",");
    bool any = false;
    for (unsigned k = 0; k < smmu::kServedKinds; k++) {
        if (!served.served[k]) continue;
        if (any) text("+");
        text(smmu::served_name((smmu::Served)k));
        if (served.served[k] > 1) { text("*"); dec(served.served[k]); }
        any = true;
    }
    // An ATS device's access: its ATC hit, or the Translation Requests and Page Requests it took.
    auto token = [&](const char *name, unsigned n) {
        if (!n) return;
        if (any) text("+");
        text(name);
        if (n > 1) { text("*"); dec(n); }
        any = true;
    };
    if (acc) {
        token("atc", acc->atc_hit);
        token("ats", acc->tr);
        token("pri", acc->pr);
    }
    text("\n");
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
    struct Slot { tlm::tlm_generic_payload gp; std::vector<uint8_t> data; smmu::StreamIdExtension ext; smmu::ServedExtension served;
                  smmu::PcieExtension pcie; };
    std::vector<std::unique_ptr<Slot>> slots;
    Master(sc_module_name n, DevRun &r, unsigned w) : sc_module(n), socket("socket"), run(r), workers(w) {
        SC_HAS_PROCESS(Master);
        for (unsigned i = 0; i < workers; i++) {
            slots.emplace_back(new Slot);
            sc_spawn(sc_bind(&Master::worker, this, i), sc_gen_unique_name("worker"));
        }
    }
    ~Master() override {
        for (auto &s : slots) { s->gp.clear_extension(&s->ext); s->gp.clear_extension(&s->served); s->gp.clear_extension(&s->pcie); }
    }
    void remap() {
        // Streaming DMA: take one buffer of the first mapping back once the device has finished with it, unmap
        // it and map it again at a new PA; the device does not start on it in between (as Linux's DMA API).
        const simcfg::Device &d = *run.cfg;
        if (!run.bufs || !run.bufs->count() || run.unplugged) return;
        const size_t i = (size_t)(run.remap_seq++ % run.bufs->count());
        const uint64_t iova = run.bufs->iova(i);
        run.bufs->take(i);
        while (!run.bufs->idle(i)) wait(run.bufs_changed);
        const simcfg::Mapping &m = d.mappings[0];
        drv_lock->lock();
        const sc_time t0 = sc_time_stamp();
        drv->unmap(run.dom, iova, d.dyn_buffer_size);
        const double ns = (sc_time_stamp() - t0).to_seconds() * 1e9;
        run.unmaps++;
        run.unmap_ns_sum += ns;
        run.unmap_ns_max = std::max(run.unmap_ns_max, ns);
        uint64_t pa = dma_alloc->alloc(d.dyn_buffer_size, d.dyn_buffer_size);
        drv->map(run.dom, iova, pa, d.dyn_buffer_size, m.page_size > d.dyn_buffer_size ? 4096 : m.page_size, PROT_READ | PROT_WRITE);
        drv_lock->unlock();
        run.bufs->give(i);
        run.bufs_changed.notify(SC_ZERO_TIME);
        run.remaps++;
    }
    void worker(unsigned slot) {
        const uint64_t ps_ticks = sc_time(1, SC_PS).value();   // time-resolution ticks in a picosecond
        wait(*ready);
        std::vector<uint8_t> &data = slots[slot]->data;
        tlm::tlm_generic_payload &gp = slots[slot]->gp;
        smmu::StreamIdExtension &ext = slots[slot]->ext;
        smmu::ServedExtension &served = slots[slot]->served;
        smmu::PcieExtension &pcie = slots[slot]->pcie;
        for (;;) {
            traffic::Txn t;
            if (g_interrupted || run.unplugged) return;   // an unplugged device issues nothing more
            if (!run.pattern->next(t)) {
                // Bad input found mid-run (a trace line) ends the run like bad input before it.
                // Said first, before the partial summary.
                if (!run.pattern->error().empty() && g_input_error.empty()) {
                    g_input_error = run.pattern->error();
                    std::fprintf(stderr, "%s\n", g_input_error.c_str());
                    sc_stop();
                }   // an empty trace was a warning before the run (the pre-check reads every trace)
                return;
            }
            const sc_time when = sc_time::from_value(t.time_ps * ps_ticks);
            if (when >= stop) return;
            if (when > sc_time_stamp()) wait(when - sc_time_stamp());
            if (run.bufs)
                while (!run.bufs->may_start(t.addr, t.size)) wait(run.bufs_changed);   // the driver has the buffer
            if (sc_time_stamp() >= stop) return;
            if (run.bufs) run.bufs->start(t.addr, t.size);
            data.assign(t.size, 0);
            ext = smmu::StreamIdExtension(t.sid, t.ssid, t.ssv);
            sc_time issue = sc_time_stamp(), delay = SC_ZERO_TIME;
            AtsDevice::Access acc;
            if (run.ats && !run.ats->resolve(*socket.operator->(), t.sid, t.ssid, t.ssv, t.addr, t.write, acc)) {
                // Refused (UR/CA, or no access the OS would grant): the access is an error, nothing moves.
                if (run.bufs) { run.bufs->finish(t.addr, t.size); run.bufs_changed.notify(SC_ZERO_TIME); }
                double ns = (sc_time_stamp() - issue).to_seconds() * 1e9;
                uint64_t ps = (uint64_t)(issue.to_seconds() * 1e12), end_ps = (uint64_t)(sc_time_stamp().to_seconds() * 1e12);
                run.all.add(ns, ps, end_ps, false, t.size);
                served.clear();
                if (run.csv) write_csv_line(*run.csv, ps, (uint64_t)(ns * 1000), t, false, served, &acc);
                if (g_limit && ++g_completed >= g_limit) { sc_stop(); return; }
                continue;
            }
            gp.set_command(t.write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
            gp.set_address(run.ats ? acc.addr : t.addr);
            pcie.kind = acc.translated ? smmu::PcieExtension::Kind::Translated : smmu::PcieExtension::Kind::Untranslated;
            gp.set_data_ptr(data.data());
            gp.set_data_length(t.size);
            gp.set_streaming_width(t.size);
            gp.set_byte_enable_ptr(nullptr);
            gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
            gp.set_extension(&ext);
            gp.set_extension(&served);
            if (run.ats) gp.set_extension(&pcie);
            socket->b_transport(gp, delay);
            wait(delay);
            gp.clear_extension(&ext);
            gp.clear_extension(&served);
            if (run.ats) gp.clear_extension(&pcie);
            if (run.bufs) { run.bufs->finish(t.addr, t.size); run.bufs_changed.notify(SC_ZERO_TIME); }
            double ns = (sc_time_stamp() - issue).to_seconds() * 1e9;
            uint64_t ps = (uint64_t)(issue.to_seconds() * 1e12), end_ps = (uint64_t)(sc_time_stamp().to_seconds() * 1e12);
            bool good = gp.get_response_status() == tlm::TLM_OK_RESPONSE;
            run.all.add(ns, ps, end_ps, good, t.size);
            if (run.trace_sids) run.by_sid[t.sid].add(ns, ps, end_ps, good, t.size);
            if (good) {
                size_t bin = (size_t)(sc_time_stamp().value() / ps_ticks / g_bin_ps);
                if (bin >= run.bytes_per_bin.size()) run.bytes_per_bin.resize(bin + 1, 0);
                run.bytes_per_bin[bin] += t.size;
            }
            if (run.csv) write_csv_line(*run.csv, ps, (uint64_t)(ns * 1000), t, good, served, run.ats ? &acc : nullptr);
            if (g_limit && ++g_completed >= g_limit) { sc_stop(); return; }
            if (run.cfg->dynamic && run.all.issued % run.cfg->dyn_remap_every == 0) remap();
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

unsigned log2u(uint64_t x) { unsigned r = 0; while (x >>= 1) r++; return r; }

std::string fmt_time(double ps)
{
    char b[32];
    if (ps >= 1e9) std::snprintf(b, sizeof b, "%.3f ms", ps / 1e9);
    else if (ps >= 1e6) std::snprintf(b, sizeof b, "%.2f us", ps / 1e6);
    else std::snprintf(b, sizeof b, "%.1f ns", ps / 1e3);
    return b;
}

const char kUsage[] =
    "usage: %s scenario.yaml [--set key=value]... [--out DIR] [--plots] [--quiet]\n"
    "  --set k=v   override any scenario key (docs/config-keys.md)\n"
    "  --out DIR   where report.json, CSVs and plots go (default .)\n"
    "  --plots     same as --set report.plots=true (gnuplot PNGs in DIR/plots)\n"
    "  --quiet     do not print decoded events\n"
    "  -h, --help  this text\n"
    "Sweeps over many runs: smmu-sweep (docs/scenarios.md).\n";

std::string hex(uint32_t v)
{
    char b[16];
    std::snprintf(b, sizeof b, "0x%x", v);
    return b;
}

} // namespace

// The summary is the output: SystemC prints its banner before sc_main, so this is set at static initialisation.
[[maybe_unused]] const int g_no_banner = setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);

int sc_main(int argc, char **argv)
{
    // SystemC's own notes ("Simulation stopped by user.") are not the user's business; warnings and errors still show.
    sc_report_handler::set_actions("/OSCI/SystemC", SC_INFO, SC_DO_NOTHING);
    simcli::Usage u{argv[0], kUsage};
    std::vector<std::string> sets;
    std::string file, outdir = ".";
    bool quiet = false;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        if (a == "-h" || a == "--help") return u.help();
        if (a == "--set" || a == "--out") {
            if (i + 1 >= argc) return u.needs_value(a);
            if (a == "--set") sets.push_back(argv[++i]);
            else outdir = argv[++i];
        } else if (a.rfind("--set=", 0) == 0) sets.push_back(a.substr(6));
        else if (a.rfind("--out=", 0) == 0) outdir = a.substr(6);
        else if (a == "--quiet") quiet = true;
        else if (a == "--plots") sets.push_back("report.plots=true");
        else if (a.size() > 1 && a[0] == '-') return u.unknown(a);
        else if (!file.empty()) return u.bad("unexpected argument '" + a + "' (the scenario is " + file + ")");
        else file = a;
    }
    if (file.empty()) return u.bad("no scenario file given");
    if (outdir.empty()) return u.bad("--out: empty directory name");
    simcfg::Scenario sc;
    std::vector<simcfg::Error> errs;
    if (!simcfg::load_scenario(file, sets, &sc, &errs)) {
        for (auto &e : errs) std::fprintf(stderr, "%s\n", e.str().c_str());
        return 1;
    }
    smmu::Params params;
    std::string perr;
    if (!make_params(sc.smmu, &params, &perr)) { std::fprintf(stderr, "%s: %s\n", file.c_str(), perr.c_str()); return 1; }
    for (auto &w : sc.warnings) {
        g_warnings.push_back(w);
        std::fprintf(stderr, "warning: %s\n", w.c_str());
    }
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
    sc_signal<bool> evtq_irq("evtq_irq"), priq_irq("priq_irq");
    smmu.irq_evtq.bind(evtq_irq);
    smmu.irq_priq.bind(priq_irq);
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
    std::vector<std::unique_ptr<PortAts>> port_ats(ports);
    for (size_t i = 0; i < sc.devices.size(); i++) {
        auto r = std::make_unique<DevRun>();
        r->cfg = &sc.devices[i];
        runs.push_back(std::move(r));
    }
    std::map<std::string, uint64_t> events_by_name;
    uint64_t stall_events = 0;
    // Outside the thread: a thread still waiting when the run stops is never unwound.
    std::map<std::string, int> dom_of;
    int storm_dom = -1;
    uint64_t storm_pgsize = 4096, storm_remaps = 0;
    std::vector<simtl::DeviceSlot *> slots;
    for (auto &rp : runs) slots.push_back(rp.get());
    simtl::Runner timeline(sc, drv, smmu, dma, guests, slots);
    timeline.on_error = driver_failed;

    // Software: probe, attach, map; then service the event queue on its interrupt.
    sc_spawn([&] {
        drv_lock.lock();
        if (!drv.probe()) { driver_failed(drv.error()); return; }
        for (auto &rp : runs) {
            DevRun &r = *rp;
            const simcfg::Device &d = *r.cfg;
            DeviceDesc desc{d.name, d.sid, d.pasids ? log2u(d.pasids) + 1 : 0, d.stall};
            desc.ats = d.ats;
            r.dev = drv.add_device(desc);
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
            if (r.dom < 0 || !drv.attach(r.dev, r.dom)) { driver_failed(d.name + ": " + drv.error()); return; }
            timeline.set_initial((size_t)(&rp - &runs[0]), d.domain);
            r.pasid_dom.assign(d.pasids + 1, r.dom);
            for (uint32_t p = 1; p <= d.pasids; p++) {
                r.pasid_dom[p] = drv.domain_alloc(DomainType::S1, g);
                drv.attach_pasid(r.dev, r.pasid_dom[p], p);
            }
            uint64_t guest_pa = 0x100000;
            for (const simcfg::Mapping &m : d.mappings) {
                if (d.pri) break;                              // demand paging: mapped page by page on Page Requests
                if ((t == DomainType::Bypass || t == DomainType::Blocked) && m.pasid == 0) continue;   // PASID tables are stage 1 whatever the RID domain
                unsigned prot = (m.read ? +PROT_READ : 0u) | (m.write ? +PROT_WRITE : 0u) | (m.exec ? 0u : +PROT_NOEXEC) |
                                (m.priv ? +PROT_PRIV : 0u) | PROT_CACHE;
                uint64_t pa = m.pa;
                if (!m.has_pa) {
                    if (t == DomainType::Nested) { guest_pa = (guest_pa + m.page_size - 1) & ~(m.page_size - 1); pa = guest_pa; guest_pa += m.size; }
                    else pa = dma.alloc(m.size, m.page_size);
                }
                int rc = drv.map(r.pasid_dom[m.pasid], m.iova, pa, m.size, m.page_size, prot);
                if (rc) {
                    char at[64];
                    std::snprintf(at, sizeof at, ": map 0x%llx: error %d", (unsigned long long)m.iova, rc);
                    driver_failed(d.name + at);
                    return;
                }
            }
        }
        if (sc.storm_interval_ps) {
            // driver.storm: buffers of its own in a device's domain or in a stage-1 domain attached to no stream.
            storm_dom = sc.storm_device.empty() ? drv.domain_alloc(DomainType::S1, 12) : dom_of[sc.storm_device];
            const simcfg::Device *sd = nullptr;
            for (const simcfg::Device &d : sc.devices) if (d.name == sc.storm_device) sd = &d;
            storm_pgsize = sd && sd->granule == "64K" ? 65536 : sd && sd->granule == "16K" ? 16384 : 4096;
            for (uint32_t b = 0; b < sc.storm_buffers && storm_dom >= 0; b++)
                drv.map(storm_dom, sc.storm_iova + b * sc.storm_buffer_size, dma.alloc(sc.storm_buffer_size, storm_pgsize),
                        sc.storm_buffer_size, storm_pgsize, PROT_READ | PROT_WRITE);
        }
        drv.on_stall = [&](const Event &e) {
            stall_events++;
            for (auto &rp : runs)
                if (rp->cfg->sid == e.sid && rp->cfg->fault_handler == "map")
                    return drv.map(rp->pasid_dom[e.ssv ? e.ssid : 0], e.iova & ~0xFFFull, dma.alloc(4096, 4096), 4096, 4096,
                                   PROT_READ | PROT_WRITE) == 0;
            return false;
        };
        // PRI (chapter 8): a page inside one of the device's mappings (of the request's PASID) is mapped after the
        // fault-service time, one granule page; one outside every mapping is an InvalidRequest.
        drv.on_page_request = [&](const PageRequest &pr) -> unsigned {
            for (auto &rp : runs) {
                const simcfg::Device &d = *rp->cfg;
                if (d.sid != pr.sid || !d.pri) continue;
                const uint32_t pasid = pr.ssv ? pr.ssid : 0;
                for (const simcfg::Mapping &m : d.mappings) {
                    if (m.pasid != pasid || pr.addr < m.iova || pr.addr - m.iova >= m.size) continue;
                    if ((pr.write && !m.write) || (!pr.write && !m.read)) return PRI_RESP_INVALID;
                    wait(sc_time(d.pri_service_ps, SC_PS));
                    const uint64_t pg = m.page_size, va = pr.addr & ~(pg - 1);
                    unsigned prot = (m.read ? +PROT_READ : 0u) | (m.write ? +PROT_WRITE : 0u) | (m.exec ? 0u : +PROT_NOEXEC) |
                                    (m.priv ? +PROT_PRIV : 0u) | PROT_CACHE;
                    const int rc = drv.map(rp->pasid_dom[m.pasid], va, dma.alloc(pg, pg), pg, pg, prot);
                    return rc == 0 || rc == -EEXIST ? PRI_RESP_SUCCESS : PRI_RESP_FAILURE;
                }
                return PRI_RESP_INVALID;
            }
            return PRI_RESP_FAILURE;                           // PRI is not enabled for this stream
        };
        drv_lock.unlock();
        ready.notify(SC_ZERO_TIME);
        while (sc_time_stamp() < stop + sc_time(1, SC_US) && !g_interrupted) {
            wait(sc_time(1, SC_US), evtq_irq.posedge_event() | priq_irq.posedge_event());
            drv_lock.lock();
            drv.drain_priq();
            for (const Event &e : drv.drain_events()) {
                events_by_name[event_spec_name(e.id)]++;
                if (!quiet && events_by_name[event_spec_name(e.id)] <= 3)
                    std::fputs(format_event(e, drv.client_name(e.sid)).c_str(), stderr);
            }
            drv_lock.unlock();
        }
        if (!opt.strict) drv.flush_lazy();
    }, "software");

    if (!sc.timeline.empty())
        sc_spawn([&] { wait(ready); timeline.run(drv_lock, stop); }, "timeline");
    if (sc.storm_interval_ps)
        sc_spawn([&] {
            // The CPU's map/unmap churn: every interval one buffer is unmapped (invalidated per driver.invalidation)
            // and mapped again at a new PA, whatever the devices are doing.
            wait(ready);
            sc_time next = sc_time_stamp();
            for (uint64_t k = 0; storm_dom >= 0 && !g_interrupted; k++) {
                next += sc_time(sc.storm_interval_ps, SC_PS);      // start to start; a slow pair delays the next
                if (next > sc_time_stamp()) wait(next - sc_time_stamp());
                if (sc_time_stamp() >= stop) break;
                const uint64_t iova = sc.storm_iova + (k % sc.storm_buffers) * sc.storm_buffer_size;
                drv_lock.lock();
                drv.unmap(storm_dom, iova, sc.storm_buffer_size);
                drv.map(storm_dom, iova, dma.alloc(sc.storm_buffer_size, storm_pgsize), sc.storm_buffer_size, storm_pgsize,
                        PROT_READ | PROT_WRITE);
                drv_lock.unlock();
                storm_remaps++;
            }
        }, "storm");

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
        pc.trace_sid = r.trace_sids = t.pattern == "trace" && t.trace_sid == "trace";
        if (d.dynamic && !d.mappings.empty())
            r.bufs = std::make_unique<StreamingBuffers>(d.mappings[0].iova, std::min<uint64_t>(d.mappings[0].size,
                                                        (uint64_t)d.dyn_buffers * d.dyn_buffer_size), d.dyn_buffer_size);
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
            r.csv = std::make_unique<simreport::OutFile>(dir + "/" + d.name + ".csv");
            if (!r.csv->ok()) { std::fprintf(stderr, "cannot write %s\n", r.csv->error().c_str()); return 1; }
            r.csv->write("issue_ps,latency_ps,addr,op,size,status,sid,served\n");
        }
        if (d.ats) {
            traffic::AtcConfig ac;
            ac.entries = d.atc_entries;
            traffic::parse_atc_policy(d.atc_policy, &ac.policy);   // the loader accepted only these names
            ac.seed = t.seed + 1;
            r.ats = std::make_unique<AtsDevice>(sc_gen_unique_name(("pcie_" + d.name).c_str()), smmu, ac,
                                                sc_time((double)d.atc_inv_latency_ps, SC_PS), d.pri);
            if (!port_ats[d.port]) {
                port_ats[d.port] = std::make_unique<PortAts>(smmu);
                smmu.bind_ats_endpoint(d.port, port_ats[d.port].get());
            }
            port_ats[d.port]->by_sid[d.sid] = r.ats.get();
        }
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
            for (auto &rp : runs) txns += rp->all.issued;
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
       << ",\n  \"interrupted\": " << (g_interrupted ? "true" : "false");
    const std::string &run_error = !g_input_error.empty() ? g_input_error : g_driver_error;
    js << ",\n  \"error\": " << (run_error.empty() ? "null" : json_str(run_error)) << ",\n  \"warnings\": [";
    for (size_t w = 0; w < g_warnings.size(); w++) js << (w ? ", " : "") << json_str(g_warnings[w]);
    js << "],\n  \"preset_files\": [";
    for (size_t i = 0; i < sc.preset_files.size(); i++) js << (i ? ", " : "") << json_str(sc.preset_files[i]);
    // The fully resolved configuration: as a scenario file it reproduces this run (smmu-sim-check --resolved).
    js << "],\n  \"config\": " << sc.resolved << ",\n  \"devices\": [";
    uint64_t all_txns = 0;
    for (auto &rp : runs) all_txns += rp->all.issued;
    if (sc.report_summary) {
        std::printf("\n%s: %s of traffic simulated in %.2f s, %llu transactions%s\n", sc.name.c_str(),
                    fmt_time(std::min(sc_time_stamp(), stop).to_seconds() * 1e12).c_str(), wall_s,
                    (unsigned long long)all_txns,
                    !g_input_error.empty() ? " (STOPPED by bad input: partial results)"
                    : !g_driver_error.empty() ? " (STOPPED by a driver error: partial results)"
                    : g_interrupted ? " (INTERRUPTED: partial results)" : "");
        std::printf("%-10s %8s %9s %7s %9s %9s %9s %9s %6s %6s %6s %7s %6s %6s %8s\n", "device", "sid", "txns", "errors", "mean_ns",
                    "p99_ns", "smmu_ns", "xlat", "utlb%", "mtlb%", "tcu%", "shared%", "walk%", "other%", "GB/s");
    }
    std::set<uint32_t> device_sids;
    for (const simcfg::Device &d : sc.devices) device_sids.insert(d.sid);
    // One summary row (none without a name) and its report.json fields: transactions `t` of the StreamID(s) `sid`,
    // whose translations the SMMU counted in `ts`. The translation kinds partition `translations` (smmu::Served).
    auto figures = [&](const std::string &name, const std::string &sid, Tally &t, const smmu::TrafficStats &ts) {
        using smmu::Served;
        std::sort(t.lat_ns.begin(), t.lat_ns.end());   // once: the percentiles and the CDF plot read it sorted
        const double mean = t.lat_n ? t.lat_sum / (double)t.lat_n : 0, p99 = percentile(t.lat_ns, 99), p50 = percentile(t.lat_ns, 50);
        const double span = t.last_ps > t.first_ps ? (t.last_ps - t.first_ps) * 1e-12 : 0;
        const double gbps = span > 0 ? t.bytes / span / 1e9 : 0;
        const double other = ts.rate(Served::Bypass) + ts.rate(Served::Failed);
        if (sc.report_summary && !name.empty())
            std::printf("%-10s %8s %9llu %7llu %9.1f %9.1f %9.1f %9llu %6.1f %6.1f %6.1f %7.1f %6.1f %6.1f %8.2f\n", name.c_str(), sid.c_str(),
                        (unsigned long long)t.issued, (unsigned long long)t.errors, mean, p99, ts.latency.mean() * period_ns,
                        (unsigned long long)ts.translations, 100 * ts.rate(Served::MicroTlb), 100 * ts.rate(Served::MainTlb),
                        100 * ts.rate(Served::TcuTlb), 100 * ts.rate(Served::SharedWalk), 100 * ts.rate(Served::Walk), 100 * other, gbps);
        std::ostringstream f;
        f << "\"transactions\": " << t.issued << ", \"errors\": " << t.errors << ", \"bytes\": " << t.bytes
          << ", \"mean_latency_ns\": " << mean << ", \"p50_latency_ns\": " << p50 << ", \"p99_latency_ns\": " << p99
          << ", \"max_latency_ns\": " << t.lat_max << ", \"mean_translation_ns\": " << ts.latency.mean() * period_ns
          << ", \"translations\": " << ts.translations << ", \"utlb_hits\": " << ts.utlb_hits << ", \"main_tlb_hits\": " << ts.main_tlb_hits
          << ", \"tcu_tlb_hits\": " << ts.tcu_tlb_hits << ", \"shared_walks\": " << ts.shared_walks << ", \"walks\": " << ts.walks
          << ", \"bypassed\": " << ts.bypassed << ", \"failed\": " << ts.failed()
          << ", \"utlb_hit_rate\": " << ts.utlb_hit_rate() << ", \"main_tlb_hit_rate\": " << ts.main_tlb_hit_rate()
          << ", \"tcu_tlb_hit_rate\": " << ts.tcu_tlb_hit_rate() << ", \"tlb_hit_rate\": " << ts.tlb_hit_rate()
          << ", \"shared_walk_rate\": " << ts.rate(Served::SharedWalk) << ", \"walk_rate\": " << ts.rate(Served::Walk)
          << ", \"bypass_rate\": " << ts.rate(Served::Bypass) << ", \"failed_rate\": " << ts.rate(Served::Failed)
          << ", \"throughput_gbps\": " << gbps << ", \"smmu_lookups\": " << ts.translations + ts.ats_requests;
        return f.str();
    };
    auto stream_of = [&](uint32_t sid) {
        auto it = st.streams.find(sid);
        return it != st.streams.end() ? it->second : smmu::TrafficStats();
    };
    // An ATS device's figures (docs/reading-the-report.md); null for a device without ATS.
    std::vector<std::string> ats_lines;               // summary lines, printed after the table
    std::vector<simreport::AtsResult> ats_rows;       // the ATS plots' data, every device
    bool any_ats = false;
    auto ats_json = [&](DevRun &r, const smmu::TrafficStats &ts) -> std::string {
        if (!r.ats) return "null";
        const traffic::AtcStats &a = r.ats->atc().stats();
        const AtsDeviceStats &s = r.ats->stats();
        std::vector<double> svc = s.pri_service_ns;
        std::sort(svc.begin(), svc.end());
        double svc_mean = 0;
        for (double v : svc) svc_mean += v;
        svc_mean = svc.empty() ? 0 : svc_mean / (double)svc.size();
        const double tr_ns = ts.ats_latency.mean() * period_ns;
        const uint64_t pri_refused = s.pri_invalid + s.pri_failure + s.pri_lost;
        std::ostringstream f;
        f << "{\"atc_entries\": " << r.ats->atc().config().entries << ", \"atc_policy\": \"" << traffic::atc_policy_name(r.ats->atc().config().policy)
          << "\", \"atc_lookups\": " << a.lookups << ", \"atc_hits\": " << a.hits << ", \"atc_hit_rate\": " << a.hit_rate()
          << ", \"atc_fills\": " << a.fills << ", \"atc_evictions\": " << a.evictions
          << ", \"smmu_lookups_saved\": " << a.hits << ", \"translation_requests\": " << ts.ats_requests
          << ", \"translation_request_mean_ns\": " << tr_ns << ", \"translation_requests_refused\": " << ts.ats_refused
          << ", \"translation_requests_no_access\": " << ts.ats_no_access << ", \"stale_completions\": " << s.stale_completions
          << ", \"translated_transactions\": " << ts.ats_translated << ", \"translated_aborted\": " << ts.ats_translated_aborted
          << ", \"untranslated_transactions\": " << s.untranslated << ", \"refused_accesses\": " << s.refused
          << ", \"atc_invalidations\": " << s.invalidations << ", \"atc_entries_invalidated\": " << a.entries_invalidated
          << ", \"page_requests\": " << s.page_requests << ", \"pri_success\": " << s.pri_success << ", \"pri_refused\": " << pri_refused
          << ", \"page_request_service_mean_ns\": " << svc_mean << ", \"page_request_service_p99_ns\": " << percentile(svc, 99)
          << ", \"page_request_service_max_ns\": " << (svc.empty() ? 0.0 : svc.back()) << "}";
        char line[512];
        std::snprintf(line, sizeof line, "ats %s: ATC %u entries %s, hit rate %.1f%% (%llu of %llu lookups); SMMU lookups %llu, saved %llu; "
                      "%llu translation requests (mean %.1f ns); %llu ATC invalidations received",
                      r.cfg->name.c_str(), r.ats->atc().config().entries, traffic::atc_policy_name(r.ats->atc().config().policy),
                      100 * a.hit_rate(), (unsigned long long)a.hits, (unsigned long long)a.lookups,
                      (unsigned long long)(ts.translations + ts.ats_requests), (unsigned long long)a.hits,
                      (unsigned long long)ts.ats_requests, tr_ns, (unsigned long long)s.invalidations);
        ats_lines.push_back(line);
        if (r.cfg->pri) {
            std::snprintf(line, sizeof line, "pri %s: %llu page requests, service mean %.1f ns, p99 %.1f ns, max %.1f ns; %llu refused",
                          r.cfg->name.c_str(), (unsigned long long)s.page_requests, svc_mean, percentile(svc, 99),
                          svc.empty() ? 0.0 : svc.back(), (unsigned long long)pri_refused);
            ats_lines.push_back(line);
        }
        return f.str();
    };
    bool first = true;
    uint64_t total_errors = 0;
    std::vector<simreport::StreamResult> series;
    std::vector<std::string> sid_warnings;         // printed after the summary
    for (auto &rp : runs) {
        DevRun &r = *rp;
        // With trace StreamIDs the device row sums the streams its trace used, and a row per StreamID follows.
        smmu::TrafficStats ts;
        if (r.trace_sids) for (auto &kv : r.by_sid) ts.merge(stream_of(kv.first));
        else ts = stream_of(r.cfg->sid);
        // The series stops where issuing stopped (the drain after it is not throughput).
        uint64_t shown = std::max<uint64_t>(1, (std::min(sc_time_stamp(), stop).value() / sc_time(1, SC_PS).value() + g_bin_ps - 1) / g_bin_ps);
        if (r.bytes_per_bin.size() > shown) r.bytes_per_bin.resize(shown);
        total_errors += r.all.errors;
        js << (first ? "\n" : ",\n") << "    {\"name\": \"" << r.cfg->name << "\", \"sid\": "
           << (r.trace_sids ? std::string("null") : std::to_string(r.cfg->sid)) << ", \"sid_from\": \""
           << (r.trace_sids ? "trace" : "device") << "\", " << figures(r.cfg->name, r.trace_sids ? "trace" : hex(r.cfg->sid), r.all, ts)
           << ", \"remaps\": " << r.remaps << ", \"unmaps\": " << r.unmaps << ", \"unmap_mean_ns\": "
           << (r.unmaps ? r.unmap_ns_sum / (double)r.unmaps : 0.0) << ", \"unmap_max_ns\": " << r.unmap_ns_max
           << ", \"ats\": " << ats_json(r, ts) << ", \"streams\": [";
        {
            simreport::AtsResult row;
            row.name = r.cfg->name;
            row.ats = r.ats != nullptr;
            any_ats |= row.ats;
            row.accesses = (double)r.all.issued;
            row.smmu_lookups = (double)(ts.translations + ts.ats_requests);
            row.atc_hit_rate = r.ats ? r.ats->atc().stats().hit_rate() : 0.0;
            row.unmap_mean_ns = r.unmaps ? r.unmap_ns_sum / (double)r.unmaps : 0.0;
            if (r.ats) row.pri_service_ns = r.ats->stats().pri_service_ns;
            ats_rows.push_back(std::move(row));
        }
        if (r.trace_sids) {
            bool f1 = true;
            for (auto &kv : r.by_sid) {
                js << (f1 ? "" : ", ") << "{\"sid\": " << kv.first << ", " << figures("  " + r.cfg->name, hex(kv.first), kv.second, stream_of(kv.first)) << "}";
                f1 = false;
                if (!device_sids.count(kv.first))
                    sid_warnings.push_back("warning: device " + r.cfg->name + ": its trace used StreamID " + hex(kv.first) +
                                           ", which is no device's in this scenario (traffic.trace_sid: device replays the "
                                           "trace with the device's)");
            }
        } else {
            js << "{\"sid\": " << r.cfg->sid << ", " << figures("", "", r.all, ts) << "}";
        }
        js << "], \"throughput_series_gbps\": [";
        for (size_t b = 0; b < r.bytes_per_bin.size(); b++) js << (b ? ", " : "") << (double)r.bytes_per_bin[b] / (g_bin_ps * 1e-12) / 1e9;
        js << "]}";
        first = false;
        using smmu::Served;
        series.push_back({r.cfg->name, std::move(r.all.lat_ns), ts.rate(Served::MicroTlb), ts.rate(Served::MainTlb),
                          ts.rate(Served::TcuTlb), ts.rate(Served::SharedWalk), ts.rate(Served::Walk),
                          ts.rate(Served::Bypass) + ts.rate(Served::Failed), std::move(r.bytes_per_bin)});
    }
    const DriverCounters &dc = drv.counters();
    js << "\n  ],\n  \"series_bin_ns\": " << g_bin_ps / 1000.0;
    js << ",\n  \"driver\": {\"commands\": " << dc.commands << ", \"syncs\": " << dc.syncs << ", \"tlbi\": " << dc.tlbi
       << ", \"cfgi\": " << dc.cfgi << ", \"polls\": " << dc.polls << ", \"maps\": " << dc.maps << ", \"unmaps\": " << dc.unmaps
       << ", \"lazy_flushes\": " << dc.lazy_flushes << ", \"events\": " << dc.events << ", \"resumes\": " << dc.resumes
       << ", \"cmd_sync_mean_ns\": " << st.cmd_sync_latency.mean() * period_ns << ", \"atc_inv\": " << dc.atc_inv
       << ", \"page_requests\": " << dc.page_requests << ", \"pri_responses\": " << dc.pri_responses
       << ", \"priq_overflows\": " << dc.priq_overflows << "}";
    js << ",\n  \"atc_inv\": {\"sent\": " << st.atc_inv_sent << ", \"completed\": " << st.atc_inv_completed << ", \"timeouts\": "
       << st.atc_inv_timeouts << ", \"unrouted\": " << st.atc_inv_unrouted << ", \"mean_latency_ns\": "
       << st.atc_inv_latency.mean() * period_ns << ", \"p99_latency_ns\": " << (double)st.atc_inv_latency.percentile(99) * period_ns
       << ", \"max_latency_ns\": " << (double)st.atc_inv_latency.max() * period_ns << "}";
    if (sc.storm_interval_ps) js << ",\n  \"storm\": {\"remaps\": " << storm_remaps << "}";
    timeline.finish(std::min(sc_time_stamp(), stop));
    js << ",\n  \"timeline\": " << timeline.json();
    js << ",\n  \"events\": {";
    first = true;
    for (auto &kv : events_by_name) { js << (first ? "" : ", ") << "\"" << kv.first << "\": " << kv.second; first = false; }
    js << "},\n  \"memory\": {\"accesses\": " << dram.accesses << ", \"bytes\": " << dram.bytes << ", \"mean_queue_ns\": "
       << (dram.accesses ? dram.queued_ps / dram.accesses / 1000 : 0) << "},\n  \"smmu\": " << smmu.stats_json() << "\n}\n";
    // Every file is checked up to its close; one that failed is named as an error, never as written.
    std::vector<std::string> wrote, write_failed;   // write_failed: "path: reason"
    if (!sc.report_json.empty()) {
        std::string path = sc.report_json[0] == '/' ? sc.report_json : outdir + "/" + sc.report_json, err;
        if (simreport::write_file(path, js.str(), &err)) wrote.push_back(path);
        else write_failed.push_back(err);
    }
    for (auto &rp : runs)
        if (rp->csv) {
            if (rp->csv->close()) wrote.push_back(rp->csv->path());
            else write_failed.push_back(rp->csv->error());
        }
    std::string plot_note;
    std::vector<std::pair<std::string, std::vector<uint64_t>>> tl_series;
    std::vector<simreport::ActionMark> tl_marks;
    for (auto &sr : series) tl_series.push_back({sr.name, sr.bytes_per_bin});
    for (const simtl::Row &r : timeline.rows())
        tl_marks.push_back({r.start_ps / 1e6, (r.end_ps - r.start_ps) / 1e6, r.action->action + " " + r.action->device});
    if (sc.report_plots) {
        std::string dir = outdir + "/plots", msg;
        size_t before = simreport::written_files().size(), failed = simreport::write_errors().size();
        if (!simreport::make_dirs(dir)) write_failed.push_back(dir + "/: " + std::strerror(errno));
        // The timeline plot reads a copy of the bins: write_run_plots merges them in place.
        else if (!(sc.timeline.empty() || simreport::write_timeline_plot(dir, sc.name, g_bin_ps, tl_series, tl_marks, &msg)) |
                 !simreport::write_run_plots(dir, sc.name, g_bin_ps, series, &msg) |
                 (any_ats && !simreport::write_ats_plots(dir, sc.name, ats_rows, &msg))) {
            if (simreport::write_errors().size() == failed) plot_note = msg;
            else write_failed.insert(write_failed.end(), simreport::write_errors().begin() + failed, simreport::write_errors().end());
        }
        // The PNGs when gnuplot made them; else the data and scripts.
        std::vector<std::string> plots(simreport::written_files().begin() + before, simreport::written_files().end()), png;
        for (auto &f : plots) if (f.size() > 4 && f.compare(f.size() - 4, 4, ".png") == 0) png.push_back(f);
        wrote.insert(wrote.end(), (png.empty() ? plots : png).begin(), (png.empty() ? plots : png).end());
    }
    if (sc.report_summary) {
        std::printf("(mean/p99: issue to response; smmu: mean translation time in the SMMU; xlat: translations, one per page a\n"
                    " transaction touches plus stall retries, each exactly one of: utlb/mtlb/tcu: a hit in the micro-TLB, main\n"
                    " TLB, TCU TLB; shared: waited for a walk already in flight for its page; walk: a table walk of its own;\n"
                    " other: bypass, or failed (aborted, RAZ/WI, stalled); the six add up to 100%%; GB/s: completed bytes)\n");
        std::printf("driver: %llu commands, %llu CMD_SYNC (mean %.1f ns), %llu TLBI, %llu unmaps, %llu lazy flushes\n",
                    (unsigned long long)dc.commands, (unsigned long long)dc.syncs, st.cmd_sync_latency.mean() * period_ns,
                    (unsigned long long)dc.tlbi, (unsigned long long)dc.unmaps, (unsigned long long)dc.lazy_flushes);
        if (sc.storm_interval_ps) std::printf("storm: %llu unmap+map pairs\n", (unsigned long long)storm_remaps);
        timeline.print_summary();
        for (const std::string &l : ats_lines) std::printf("%s\n", l.c_str());
        if (st.atc_inv_sent || st.atc_inv_unrouted)
            std::printf("atc_inv: %llu sent to devices, %llu completed (mean %.1f ns, max %.1f ns), %llu timed out\n",
                        (unsigned long long)st.atc_inv_sent, (unsigned long long)st.atc_inv_completed,
                        st.atc_inv_latency.mean() * period_ns, (double)st.atc_inv_latency.max() * period_ns,
                        (unsigned long long)st.atc_inv_timeouts);
        if (events_by_name.empty()) std::printf("events: none\n");
        for (auto &kv : events_by_name) std::printf("event %s: %llu\n", kv.first.c_str(), (unsigned long long)kv.second);
        for (auto &w : wrote) std::printf("wrote %s\n", w.c_str());
    }
    std::string out_err;
    if (!simcli::flush_stdout(&out_err)) write_failed.push_back(out_err);
    for (const std::string &w : sid_warnings) std::fprintf(stderr, "%s\n", w.c_str());
    if (!plot_note.empty()) std::fprintf(stderr, "note: plots not rendered: %s\n", plot_note.c_str());
    for (auto &e : write_failed) std::fprintf(stderr, "cannot write %s\n", e.c_str());
    if (!g_input_error.empty() || !g_driver_error.empty() || !write_failed.empty()) return 1;
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
