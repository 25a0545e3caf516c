// SystemC end to end: an initiator -> Smmuv3 (TLB-hit path) -> router -> memory, against the same platform with
// the SMMU replaced by a module that forwards without translating. LT, LT with temporal decoupling, and AT.
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

enum class Mode { LT, LT_TD, AT };
const char *mode_name(Mode m) { return m == Mode::LT ? "LT" : m == Mode::LT_TD ? "LT, temporal decoupling" : "AT"; }

// Flat data memory: memcpy and a fixed latency.
struct DataMem : sc_core::sc_module {
    tlm_utils::simple_target_socket<DataMem> socket;
    std::vector<uint8_t> bytes;
    explicit DataMem(sc_core::sc_module_name n) : sc_module(n), socket("socket"), bytes(kDataSize)
    {
        socket.register_b_transport(this, &DataMem::b_transport);
    }
    void b_transport(tlm::tlm_generic_payload &gp, sc_time &delay) {
        uint64_t a = gp.get_address();
        unsigned len = gp.get_data_length();
        if (a >= kDataSize || len > kDataSize - a) { gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE); return; }
        if (gp.is_read()) std::memcpy(gp.get_data_ptr(), &bytes[a], len);
        else std::memcpy(&bytes[a], gp.get_data_ptr(), len);
        delay += sc_time(10, SC_NS);
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
    }
    void b_transport(tlm::tlm_generic_payload &gp, sc_time &delay) { out->b_transport(gp, delay); }
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

    Initiator(sc_core::sc_module_name nm, Mode m, uint64_t b, uint64_t count)
        : sc_module(nm), sock("sock"), mode(m), base(b), n(count)
    {
        SC_HAS_PROCESS(Initiator);
        SC_THREAD(run);
        sock.register_nb_transport_bw(this, &Initiator::nb_bw);
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

struct Result { double ns_per_txn; uint64_t errors; uint64_t utlb_hits; };

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
        smmu::Params p;
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
    Result r{init.done ? init.wall * 1e9 / (double)init.done : -1, init.errors, 0};
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
    Result r{-1, 0, 0};
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
    const Mode modes[] = {Mode::LT, Mode::LT_TD, Mode::AT};
    for (Mode m : modes) {
        uint64_t n = m == Mode::LT_TD ? 2000000 : 400000;
        if (only && !std::strstr(mode_name(m), only)) continue;
        if (quick) n /= 200;
        if (count) n = count;
        // Interleaved runs, best of each side: on a shared machine noise only ever adds time.
        const int reps = quick ? 1 : 5;
        Result base{-1, 0, 0}, smmu{-1, 0, 0};
        for (int r = 0; r < reps; r++) {
            const Result b = run_forked(false, m, n), s = run_forked(true, m, n);
            if (b.ns_per_txn <= 0 || s.ns_per_txn <= 0 || b.errors || s.errors) { base = b; smmu = s; break; }
            if (base.ns_per_txn <= 0 || b.ns_per_txn < base.ns_per_txn) base = b;
            if (smmu.ns_per_txn <= 0 || s.ns_per_txn < smmu.ns_per_txn) smmu = s;
        }
        std::string name = std::string("SystemC ") + mode_name(m) + ", TLB hit";
        if (base.ns_per_txn <= 0 || smmu.ns_per_txn <= 0 || base.errors || smmu.errors) {
            std::printf("  !! %s: run failed (base %.1f ns, %llu errors; smmu %.1f ns, %llu errors)\n", name.c_str(),
                        base.ns_per_txn, (unsigned long long)base.errors, smmu.ns_per_txn,
                        (unsigned long long)smmu.errors);
            continue;
        }
        char note[128];
        std::snprintf(note, sizeof note, "best of %d interleaved runs each; micro-TLB hits %.1f%% of transactions",
                      reps, 100.0 * (double)smmu.utlb_hits / (double)n);
        bench_figure(name.c_str(), smmu.ns_per_txn, "ns/txn", "pass-through", base.ns_per_txn, note);
        bench_figure((name + ", rate").c_str(), 1e3 / smmu.ns_per_txn, "Mtxn/s", nullptr, 0,
                     m == Mode::AT ? nullptr : "target >= 5");
    }
    bench_json();
    return 0;
}
