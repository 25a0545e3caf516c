// SPDX-License-Identifier: BSD-3-Clause
// SystemC end to end: an initiator -> Smmuv3 (TLB-hit path) -> router -> memory, against the same platform with
// the SMMU replaced by a module that forwards without translating. LT, LT with temporal decoupling, AT, and LT with
// DMI (Params::functional_speed; the baseline forwards DMI requests and invalidations).
// SystemC allows one elaboration per process, so every run is a forked child that reports its time on a pipe.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "sc_util.h"

#include <tlm_utils/tlm_quantumkeeper.h>

extern "C" {
#include "bench_util.h"
}

int sc_main(int, char **) { return 0; }   // libsystemc needs the symbol; the benchmarks run from main()

namespace {

using namespace sct;
using sc_core::sc_time;
using sc_core::SC_NS;
using sc_core::SC_US;

constexpr uint64_t kIova = 0x40000000, kDataSize = 1u << 20;
constexpr unsigned kPages = 16;            // working set: inside the 32-entry micro-TLB

enum class Mode { LT, LT_TD, AT, LT_DMI };
const char *mode_name(Mode m)
{
    switch (m) {
    case Mode::LT: return "LT";
    case Mode::LT_TD: return "LT, temporal decoupling";
    case Mode::AT: return "AT";
    default: return "LT with DMI, 1 us quantum";
    }
}

// Flat data memory: memcpy and a fixed latency; grants DMI over all of itself.
struct DataMem : sc_core::sc_module {
    tlm_utils::simple_target_socket<DataMem> socket;
    std::vector<uint8_t> bytes;
    explicit DataMem(sc_core::sc_module_name n) : sc_module(n), socket("socket"), bytes(kDataSize)
    {
        socket.register_b_transport(this, &DataMem::b_transport);
        socket.register_get_direct_mem_ptr(this, &DataMem::get_dmi);
    }
    bool get_dmi(tlm::tlm_generic_payload &, tlm::tlm_dmi &d) {
        d.allow_read_write();
        d.set_start_address(0);
        d.set_end_address(kDataSize - 1);
        d.set_dmi_ptr(bytes.data());
        d.set_read_latency(sc_time(10, SC_NS));
        d.set_write_latency(sc_time(10, SC_NS));
        return true;
    }
    void b_transport(tlm::tlm_generic_payload &gp, sc_time &delay) {
        uint64_t a = gp.get_address();
        unsigned len = gp.get_data_length();
        if (a >= kDataSize || len > kDataSize - a) { gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE); return; }
        if (gp.is_read()) std::memcpy(gp.get_data_ptr(), &bytes[a], len);
        else std::memcpy(&bytes[a], gp.get_data_ptr(), len);
        delay += sc_time(10, SC_NS);
        gp.set_dmi_allowed(true);
        gp.set_response_status(tlm::TLM_OK_RESPONSE);
    }
};

// The baseline in place of the SMMU: forwards every transaction unchanged (AT arrives through the socket's
// nb-to-b adapter, as a minimal AT target would).
struct PassThrough : sc_core::sc_module {
    tlm_utils::simple_target_socket<PassThrough> in;
    tlm_utils::simple_initiator_socket<PassThrough> out;
    explicit PassThrough(sc_core::sc_module_name n) : sc_module(n), in("in"), out("out")
    {
        in.register_b_transport(this, &PassThrough::b_transport);
        in.register_get_direct_mem_ptr(this, &PassThrough::get_dmi);
        out.register_invalidate_direct_mem_ptr(this, &PassThrough::invalidate);
    }
    void b_transport(tlm::tlm_generic_payload &gp, sc_time &delay) { out->b_transport(gp, delay); }
    bool get_dmi(tlm::tlm_generic_payload &gp, tlm::tlm_dmi &d) { return out->get_direct_mem_ptr(gp, d); }
    void invalidate(sc_dt::uint64 s, sc_dt::uint64 e) { in->invalidate_direct_mem_ptr(s, e); }
};

struct NoMm : tlm::tlm_mm_interface {
    void free(tlm::tlm_generic_payload *) override {}   // one payload, reused
};

// Issues `n` 64-byte transactions round-robin over the working set, alternating reads and writes.
struct Initiator : sc_core::sc_module {
    tlm_utils::simple_initiator_socket<Initiator> sock;
    Mode mode;
    uint64_t base, n, done = 0, errors = 0;
    double wall = 0;
    sc_core::sc_event resp_ev;
    bool resp = false;
    NoMm mm;

    // DMI regions by 4 KiB page (direct-mapped, so a lookup costs the same for one region or one per page).
    static constexpr unsigned kDmiSlots = 64;
    tlm::tlm_dmi dmi[kDmiSlots];
    uint64_t dmi_accesses = 0;

    Initiator(sc_core::sc_module_name nm, Mode m, uint64_t b, uint64_t count)
        : sc_module(nm), sock("sock"), mode(m), base(b), n(count)
    {
        SC_HAS_PROCESS(Initiator);
        SC_THREAD(run);
        sock.register_nb_transport_bw(this, &Initiator::nb_bw);
        sock.register_invalidate_direct_mem_ptr(this, &Initiator::invalidate);
        for (auto &d : dmi) d.init();
    }
    void invalidate(sc_dt::uint64, sc_dt::uint64) { for (auto &d : dmi) d.init(); }
    void keep_dmi(const tlm::tlm_dmi &d) {
        const uint64_t first = d.get_start_address() >> 12, last = d.get_end_address() >> 12;
        for (uint64_t p = first; p <= last && p - first < kDmiSlots; p++) dmi[p % kDmiSlots] = d;
    }
    // One access through a DMI region, if one covers it with the access needed.
    bool dmi_access(tlm::tlm_generic_payload &gp, sc_time &delay) {
        const uint64_t a = gp.get_address();
        const unsigned len = gp.get_data_length();
        const tlm::tlm_dmi &d = dmi[(a >> 12) % kDmiSlots];
        const bool w = gp.is_write();
        if (a < d.get_start_address() || a + len - 1 > d.get_end_address() ||
            !(w ? d.is_write_allowed() : d.is_read_allowed()))
            return false;
        unsigned char *p = d.get_dmi_ptr() + (a - d.get_start_address());
        if (w) std::memcpy(p, gp.get_data_ptr(), len);
        else std::memcpy(gp.get_data_ptr(), p, len);
        delay += w ? d.get_write_latency() : d.get_read_latency();
        gp.set_response_status(tlm::TLM_OK_RESPONSE);
        dmi_accesses++;
        return true;
    }
    tlm::tlm_sync_enum nb_bw(tlm::tlm_generic_payload &, tlm::tlm_phase &ph, sc_time &t) {
        if (ph == tlm::BEGIN_RESP) {
            resp = true;
            resp_ev.notify(t);
            ph = tlm::END_RESP;
            return tlm::TLM_COMPLETED;
        }
        return tlm::TLM_ACCEPTED;
    }
    void at_one(tlm::tlm_generic_payload &gp) {
        tlm::tlm_phase ph = tlm::BEGIN_REQ;
        sc_time t = sc_core::SC_ZERO_TIME;
        resp = false;
        tlm::tlm_sync_enum st = sock->nb_transport_fw(gp, ph, t);
        if (st == tlm::TLM_COMPLETED) { wait(t); return; }
        if (st == tlm::TLM_UPDATED && ph == tlm::BEGIN_RESP) {
            wait(t);
            ph = tlm::END_RESP;
            t = sc_core::SC_ZERO_TIME;
            sock->nb_transport_fw(gp, ph, t);
            return;
        }
        while (!resp) wait(resp_ev);
    }
    void run() {
        wait(sc_time(1, SC_US));                     // after the driver's bring-up
        uint8_t data[64] = {};
        tlm::tlm_generic_payload gp;
        gp.set_mm(&mm);
        smmu::StreamIdExtension ext(1);
        gp.set_extension(&ext);
        gp.set_data_ptr(data);
        gp.set_data_length(64);
        gp.set_streaming_width(64);
        tlm_utils::tlm_quantumkeeper qk;
        qk.reset();
        auto t0 = std::chrono::steady_clock::now();
        for (uint64_t i = 0; i < n; i++) {
            gp.set_command(i & 1 ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
            gp.set_address(base + (i % kPages) * 0x1000 + (i / kPages % 64) * 64);
            gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
            if (mode == Mode::AT) {
                at_one(gp);
            } else if (mode == Mode::LT_DMI) {
                sc_time d = qk.get_local_time();
                if (!dmi_access(gp, d)) {
                    gp.set_dmi_allowed(false);
                    sock->b_transport(gp, d);
                    tlm::tlm_dmi got;
                    if (gp.is_response_ok() && gp.is_dmi_allowed() && sock->get_direct_mem_ptr(gp, got)) keep_dmi(got);
                }
                qk.set(d);
                if (qk.need_sync()) qk.sync();
            } else if (mode == Mode::LT_TD) {
                sc_time d = qk.get_local_time();
                sock->b_transport(gp, d);
                qk.set(d);
                if (qk.need_sync()) qk.sync();
            } else {
                sc_time d = sc_core::SC_ZERO_TIME;
                sock->b_transport(gp, d);
                wait(d);
            }
            errors += gp.get_response_status() != tlm::TLM_OK_RESPONSE;
        }
        wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        done = n;
        gp.clear_extension(&ext);
        sc_core::sc_stop();
    }
};

struct Result { double ns_per_txn; uint64_t errors; uint64_t utlb_hits; uint64_t dmi_accesses; };

Result run_platform(bool with_smmu, Mode mode, uint64_t n)
{
    sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
    tlm::tlm_global_quantum::instance().set(sc_time(1, SC_US));
    SparseMem tables("tables", sc_time(20, SC_NS), sc_time(20, SC_NS));
    DataMem data("data");
    Router router("router", {{0x0, 0x10000000, true}, {kTableRegion, kTableRegionSize, false}});
    Initiator init("init", mode, with_smmu ? kIova : 0x0, n);
    (*router.out[0])(data.socket);
    (*router.out[1])(tables.socket);
    std::unique_ptr<PassThrough> pass;
    std::unique_ptr<smmu::Smmuv3> smmu;
    std::unique_ptr<Driver> drv;
    std::unique_ptr<PageTables> pt;
    if (with_smmu) {
        smmu::Params p = mode == Mode::LT_DMI ? smmu::Params::functional_speed() : smmu::Params();
        p.num_ports = 1;
        smmu.reset(new smmu::Smmuv3("smmu", p));
        init.sock(smmu->dma_in);
        smmu->dma_out(router.in);
        drv.reset(new Driver("drv", tables));
        pt.reset(new PageTables(tables, kTables));
        drv->regs(smmu->reg_socket);
        drv->setup = [&](Driver &d) {
            d.bringup();
            for (unsigned pg = 0; pg < kPages; pg++) pt->map(kIova + pg * 0x1000ull, pg * 0x1000ull);
            d.write_cd(kCd, cd_s1(kTables, 1));
            d.write_ste(1, ste_s1(kCd));
        };
    } else {
        pass.reset(new PassThrough("pass"));
        init.sock(pass->in);
        pass->out(router.in);
    }
    sc_core::sc_start();
    Result r{init.done ? init.wall * 1e9 / (double)init.done : -1, init.errors, 0, init.dmi_accesses};
    if (smmu) {
        smmu_cache_stats_t st;
        if (smmu_cache_stats(smmu->core(), SMMU_STRUCT_UTLB, -1, -1, &st)) r.utlb_hits = st.hits;
    }
    return r;
}

// Runs one platform in a child process; ns_per_txn -1 on failure.
Result run_forked(bool with_smmu, Mode mode, uint64_t n)
{
    int fd[2];
    Result r{-1, 0, 0, 0};
    if (pipe(fd)) return r;
    std::fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(fd[0]);
        Result c = run_platform(with_smmu, mode, n);
        if (sc_problems()) c.ns_per_txn = -1;
        ssize_t w = write(fd[1], &c, sizeof c);
        _exit(w == (ssize_t)sizeof c ? 0 : 1);
    }
    close(fd[1]);
    if (read(fd[0], &r, sizeof r) != (ssize_t)sizeof r) r.ns_per_txn = -1;
    close(fd[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    return r;
}

} // namespace

int main(int argc, char **argv)
{
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
    bool quick = false;
    const char *only = nullptr;   // --only WORD: the modes whose name contains WORD (for profiling)
    uint64_t count = 0;           // --count N: transactions per run (profiles subtract two counts to drop start-up)
    for (int i = 1; i < argc; i++) {
        if (std::strcmp(argv[i], "--quick") == 0) quick = true;
        else if (std::strcmp(argv[i], "--only") == 0 && i + 1 < argc) only = argv[++i];
        else if (std::strcmp(argv[i], "--count") == 0 && i + 1 < argc) count = std::strtoull(argv[++i], nullptr, 0);
    }
    std::printf("SystemC end to end (initiator -> Smmuv3 TLB-hit path -> router -> memory; baseline: the SMMU "
                "replaced by a forwarding module, same run)\n");
    const Mode modes[] = {Mode::LT, Mode::LT_TD, Mode::AT, Mode::LT_DMI};
    for (Mode m : modes) {
        uint64_t n = m == Mode::LT_DMI ? 10000000 : m == Mode::LT_TD ? 2000000 : 400000;
        if (only && !std::strstr(mode_name(m), only)) continue;
        if (quick) n /= 200;
        if (count) n = count;
        // Interleaved runs, best of each side: on a shared machine noise only ever adds time.
        const int reps = quick ? 1 : 5;
        Result base{-1, 0, 0, 0}, smmu{-1, 0, 0, 0};
        for (int r = 0; r < reps; r++) {
            const Result b = run_forked(false, m, n), s = run_forked(true, m, n);
            if (b.ns_per_txn <= 0 || s.ns_per_txn <= 0 || b.errors || s.errors) { base = b; smmu = s; break; }
            if (base.ns_per_txn <= 0 || b.ns_per_txn < base.ns_per_txn) base = b;
            if (smmu.ns_per_txn <= 0 || s.ns_per_txn < smmu.ns_per_txn) smmu = s;
        }
        const bool dmi = m == Mode::LT_DMI;
        std::string name = std::string("SystemC ") + mode_name(m) + (dmi ? "" : ", TLB hit");
        if (base.ns_per_txn <= 0 || smmu.ns_per_txn <= 0 || base.errors || smmu.errors) {
            std::printf("  !! %s: run failed (base %.1f ns, %llu errors; smmu %.1f ns, %llu errors)\n", name.c_str(),
                        base.ns_per_txn, (unsigned long long)base.errors, smmu.ns_per_txn,
                        (unsigned long long)smmu.errors);
            continue;
        }
        char note[128];
        if (dmi)   // every access but the first to each page goes through a pointer, on both sides
            std::snprintf(note, sizeof note, "best of %d interleaved runs each; %.4f%% of transactions via DMI; target x<=1.5",
                          reps, 100.0 * (double)smmu.dmi_accesses / (double)n);
        else
            std::snprintf(note, sizeof note, "best of %d interleaved runs each; micro-TLB hits %.1f%% of transactions",
                          reps, 100.0 * (double)smmu.utlb_hits / (double)n);
        bench_figure(name.c_str(), smmu.ns_per_txn, "ns/txn", dmi ? "pass-through with DMI" : "pass-through",
                     base.ns_per_txn, note);
        bench_figure((name + ", rate").c_str(), 1e3 / smmu.ns_per_txn, "Mtxn/s", nullptr, 0,
                     m == Mode::AT || dmi ? nullptr : "target >= 5");
    }
    bench_json();
    return 0;
}
