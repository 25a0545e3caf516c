/* SPDX-License-Identifier: BSD-3-Clause */
// Test support for the SystemC module: sparse memory target, address router, a register driver that programs
// the SMMU like Linux, STE/CD/page-table encoders, and a runner that gives every simulation its own process.
#pragma once

#ifndef SC_INCLUDE_DYNAMIC_PROCESSES
#define SC_INCLUDE_DYNAMIC_PROCESSES
#endif
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <smmu/sc/smmuv3.h>

namespace sct {

using sc_core::sc_time;
using sc_core::SC_NS;
using sc_core::SC_ZERO_TIME;

// ---- Memory map of the test platforms.
constexpr uint64_t kStrtab = 0x80000000, kCmdq = 0x80100000, kEvtq = 0x80200000, kCd = 0x80300000;
constexpr uint64_t kTables = 0x81000000, kSyncMsi = 0x80400000;
constexpr uint64_t kTableRegion = 0x80000000, kTableRegionSize = 0x10000000;
constexpr unsigned kStrtabLog2 = 6, kCmdqLog2 = 8, kEvtqLog2 = 7;

// Any SystemC warning, error or fatal fails the test; info messages are silenced.
inline int &sc_problems() { static int n = 0; return n; }
inline void report_handler(const sc_core::sc_report &r, const sc_core::sc_actions &a)
{
    if (r.get_severity() == sc_core::SC_INFO) return;
    sc_problems()++;
    std::fprintf(stderr, "SystemC %s: %s: %s\n", r.get_severity() == sc_core::SC_WARNING ? "warning" : "error",
                 r.get_msg_type(), r.get_msg());
    sc_core::sc_report_handler::default_handler(r, a);
}

// Runs `body` (which builds a platform and calls sc_start) in a child process: SystemC allows one
// elaboration per process. The child's gtest failures and SystemC reports become its exit status.
inline void run_sim(const std::function<void()> &body)
{
    std::fflush(stdout);
    std::fflush(stderr);
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        sc_core::sc_report_handler::set_handler(report_handler);
        int rc = 0;
        try {
            body();
        } catch (const std::exception &e) {
            std::fprintf(stderr, "exception: %s\n", e.what());
            rc = 3;
        }
        if (::testing::Test::HasFailure()) rc = 1;
        if (sc_problems()) rc = 2;
        std::fflush(stdout);
        std::fflush(stderr);
        _exit(rc);
    }
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status)) << "simulation died with signal " << (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    EXPECT_EQ(WEXITSTATUS(status), 0) << "1: assertion failed, 2: SystemC warning/error, 3: exception";
}

// ---- A sparse little-endian memory with a fixed access latency (annotated, LT style). With a non-zero
// `occupancy` it also has one port that serves accesses first come first served (in call order), each holding
// it that long before its latency starts, like a DRAM bus model that keeps a single busy-until time.
struct SparseMem : sc_core::sc_module {
    tlm_utils::simple_target_socket<SparseMem> socket;
    sc_time read_latency, write_latency;
    sc_time occupancy = SC_ZERO_TIME, busy_until = SC_ZERO_TIME;
    std::unordered_map<uint64_t, std::array<uint8_t, 4096>> pages;
    uint64_t reads = 0, writes = 0;

    SparseMem(sc_core::sc_module_name n, sc_time rl = SC_ZERO_TIME, sc_time wl = SC_ZERO_TIME)
        : sc_module(n), socket("socket"), read_latency(rl), write_latency(wl)
    {
        socket.register_b_transport(this, &SparseMem::b_transport);
        socket.register_transport_dbg(this, &SparseMem::transport_dbg);
    }
    uint8_t *byte(uint64_t a) {
        auto &p = pages[a >> 12];
        return &p[a & 0xFFF];
    }
    void read(uint64_t a, void *d, size_t n) { for (size_t i = 0; i < n; i++) static_cast<uint8_t *>(d)[i] = *byte(a + i); }
    void write(uint64_t a, const void *d, size_t n) { for (size_t i = 0; i < n; i++) *byte(a + i) = static_cast<const uint8_t *>(d)[i]; }
    uint64_t r64(uint64_t a) { uint64_t v; read(a, &v, 8); return v; }
    uint32_t r32(uint64_t a) { uint32_t v; read(a, &v, 4); return v; }
    void w64(uint64_t a, uint64_t v) { write(a, &v, 8); }
    void w32(uint64_t a, uint32_t v) { write(a, &v, 4); }

    unsigned transport_dbg(tlm::tlm_generic_payload &gp) {
        if (gp.is_read()) read(gp.get_address(), gp.get_data_ptr(), gp.get_data_length());
        else if (gp.is_write()) {
            const unsigned char *be = gp.get_byte_enable_ptr();
            const unsigned be_len = gp.get_byte_enable_length();
            for (unsigned i = 0; i < gp.get_data_length(); i++)
                if (!be || !be_len || be[i % be_len] == TLM_BYTE_ENABLED) *byte(gp.get_address() + i) = gp.get_data_ptr()[i];
        }
        gp.set_response_status(tlm::TLM_OK_RESPONSE);
        return gp.get_data_length();
    }
    void b_transport(tlm::tlm_generic_payload &gp, sc_time &delay) {
        transport_dbg(gp);
        if (occupancy > SC_ZERO_TIME) {
            const sc_time now = sc_core::sc_time_stamp(), arrive = now + delay;
            const sc_time start = arrive > busy_until ? arrive : busy_until;
            busy_until = start + occupancy;
            delay = busy_until - now;
        }
        if (gp.is_read()) { reads++; delay += read_latency; }
        if (gp.is_write()) { writes++; delay += write_latency; }
    }
};

// ---- Address router: regions [base, base+size) to output sockets, optionally rebased to 0.
struct Router : sc_core::sc_module {
    tlm_utils::simple_target_socket<Router> in;
    std::vector<std::unique_ptr<tlm_utils::simple_initiator_socket_tagged<Router>>> out;
    struct Region { uint64_t base, size; bool rebase; };
    std::vector<Region> regions;
    std::vector<uint64_t> hits;                // b_transport calls per output

    Router(sc_core::sc_module_name n, const std::vector<Region> &r) : sc_module(n), in("in"), regions(r)
    {
        in.register_b_transport(this, &Router::b_transport);
        in.register_transport_dbg(this, &Router::transport_dbg);
        in.register_get_direct_mem_ptr(this, &Router::get_dmi);
        hits.assign(r.size(), 0);
        for (size_t i = 0; i < r.size(); i++) {
            out.emplace_back(new tlm_utils::simple_initiator_socket_tagged<Router>(sc_core::sc_gen_unique_name("out")));
            out.back()->register_invalidate_direct_mem_ptr(this, &Router::invalidate, (int)i);
        }
    }
    int decode(tlm::tlm_generic_payload &gp, uint64_t &orig) {
        orig = gp.get_address();
        for (size_t i = 0; i < regions.size(); i++)
            if (orig >= regions[i].base && orig - regions[i].base < regions[i].size) {
                if (regions[i].rebase) gp.set_address(orig - regions[i].base);
                return (int)i;
            }
        return -1;
    }
    void b_transport(tlm::tlm_generic_payload &gp, sc_time &d) {
        uint64_t a;
        int i = decode(gp, a);
        if (i < 0) { gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE); return; }
        hits[i]++;
        (*out[i])->b_transport(gp, d);
        gp.set_address(a);
    }
    unsigned transport_dbg(tlm::tlm_generic_payload &gp) {
        uint64_t a;
        int i = decode(gp, a);
        if (i < 0) return 0;
        unsigned n = (*out[i])->transport_dbg(gp);
        gp.set_address(a);
        return n;
    }
    bool get_dmi(tlm::tlm_generic_payload &gp, tlm::tlm_dmi &dmi) {
        uint64_t a;
        int i = decode(gp, a);
        if (i < 0) return false;
        bool ok = (*out[i])->get_direct_mem_ptr(gp, dmi);
        gp.set_address(a);
        if (regions[i].rebase) {
            dmi.set_start_address(dmi.get_start_address() + regions[i].base);
            dmi.set_end_address(dmi.get_end_address() + regions[i].base);
        }
        return ok;
    }
    void invalidate(int i, sc_dt::uint64 s, sc_dt::uint64 e) {
        uint64_t off = regions[i].rebase ? regions[i].base : 0;
        in->invalidate_direct_mem_ptr(s + off, e + off);
    }
};

// ---- Encoders (IHI 0070 5.2 STE, 5.4 CD, 4 commands; VMSAv8-64 4K-granule descriptors).
using Q8 = std::array<uint64_t, 8>;
inline Q8 ste_abort() { return {1, 0, 0, 0, 0, 0, 0, 0}; }
inline Q8 ste_bypass() { return {1 | 4u << 1, 0, 0, 0, 0, 0, 0, 0}; }
// Stage 1 with a single CD at `cd` (S1Fmt linear, S1CDMax 0); S1DSS=0, S1CIR/S1COR WBRA, S1CSH ISH (Linux).
inline Q8 ste_s1(uint64_t cd) {
    return {1 | 5u << 1 | (cd & 0x000FFFFFFFFFFFC0ull), 1ull << 2 | 1ull << 4 | 3ull << 6, 0, 0, 0, 0, 0, 0};
}
inline Q8 cd_s1(uint64_t ttb0, uint16_t asid, uint64_t mair = 0xFF) {
    uint64_t q0 = 16 | 0ull << 6 | 1ull << 8 | 1ull << 10 | 3ull << 12 | 1ull << 30 | 1ull << 31 | 5ull << 32 |
                  1ull << 41 | 1ull << 45 | 1ull << 46 | (uint64_t)asid << 48;
    return {q0, ttb0 & 0x000FFFFFFFFFFFF0ull, 0, mair, 0, 0, 0, 0};
}
namespace cmd {
inline std::array<uint64_t, 2> cfgi_all() { return {0x04, 31}; }
inline std::array<uint64_t, 2> cfgi_ste(uint32_t sid) { return {0x03 | (uint64_t)sid << 32, 1}; }
inline std::array<uint64_t, 2> tlbi_nsnh_all() { return {0x30, 0}; }
inline std::array<uint64_t, 2> tlbi_nh_va(uint16_t asid, uint64_t va) { return {0x12 | (uint64_t)asid << 48, (va & ~0xFFFull) | 1}; }
inline std::array<uint64_t, 2> sync_sev() { return {0x46 | 2ull << 12 | 3ull << 22 | 0xFull << 24, 0}; }
inline std::array<uint64_t, 2> sync_msi(uint64_t addr, uint32_t data) {
    return {0x46 | 1ull << 12 | 3ull << 22 | 0xFull << 24 | (uint64_t)data << 32, addr & 0x000FFFFFFFFFFFFCull};
}
} // namespace cmd

// 4-level, 4K-granule stage-1 tables (T0SZ=16) allocated from `next` in a SparseMem.
struct PageTables {
    SparseMem &mem;
    uint64_t root, next;
    PageTables(SparseMem &m, uint64_t base) : mem(m), root(base), next(base + 0x1000) {}
    // A page (leaf_level 3) or a block (1 or 2); `attrs` are the descriptor's low bits: AF, AP=01 (EL0 RW), AttrIndx 0.
    void map(uint64_t va, uint64_t pa, uint64_t attrs = 0x441, int leaf_level = 3) {
        uint64_t table = root;
        for (int level = 0; level < leaf_level; level++) {
            uint64_t idx = (va >> (39 - 9 * level)) & 0x1FF;
            uint64_t d = mem.r64(table + 8 * idx);
            if (!(d & 1)) {
                d = next | 3;
                next += 0x1000;
                mem.w64(table + 8 * idx, d);
            }
            table = d & 0x0000FFFFFFFFF000ull;
        }
        const unsigned shift = 39 - 9 * leaf_level;
        const uint64_t oa = pa & 0x0000FFFFFFFFF000ull & ~((1ull << shift) - 1);
        mem.w64(table + 8 * ((va >> shift) & 0x1FF), oa | attrs | (leaf_level == 3 ? 2 : 0));   // page: bits[1:0] = 11
    }
};

// ---- The driver: register accesses through reg_socket, structures written straight into table memory.
struct Driver : sc_core::sc_module {
    tlm_utils::simple_initiator_socket<Driver> regs;
    SparseMem &mem;
    uint32_t prod = 0;
    std::function<void(Driver &)> setup;       // runs at start_of_simulation, in zero time
    std::function<void(Driver &)> program;     // runs in an SC_THREAD (may wait)

    Driver(sc_core::sc_module_name n, SparseMem &m) : sc_module(n), regs("regs"), mem(m)
    {
        SC_HAS_PROCESS(Driver);
        SC_THREAD(run);
    }
    void start_of_simulation() override { if (setup) setup(*this); }
    void run() { if (program) program(*this); }

    uint64_t access(bool write, uint64_t off, uint64_t v, unsigned len) {
        tlm::tlm_generic_payload gp;
        sc_time d = SC_ZERO_TIME;
        gp.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
        gp.set_address(off);
        gp.set_data_ptr(reinterpret_cast<unsigned char *>(&v));
        gp.set_data_length(len);
        gp.set_streaming_width(len);
        gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        regs->b_transport(gp, d);
        EXPECT_EQ(gp.get_response_status(), tlm::TLM_OK_RESPONSE) << "register 0x" << std::hex << off;
        return len == 4 ? (v & 0xFFFFFFFFu) : v;
    }
    uint32_t r32(uint64_t off) { return (uint32_t)access(false, off, 0, 4); }
    void w32(uint64_t off, uint32_t v) { access(true, off, v, 4); }
    void w64(uint64_t off, uint64_t v) { access(true, off, v, 8); }
    void cr0(uint32_t v) { w32(0x20, v); EXPECT_EQ(r32(0x24), v) << "CR0ACK"; }

    void write_ste(uint32_t sid, const Q8 &s) { for (int i = 0; i < 8; i++) mem.w64(kStrtab + 64ull * sid + 8 * i, s[i]); }
    void write_cd(uint64_t pa, const Q8 &c) { for (int i = 0; i < 8; i++) mem.w64(pa + 8 * i, c[i]); }

    // Writes commands at PROD and publishes them (no waiting).
    void publish(const std::vector<std::array<uint64_t, 2>> &cmds) {
        for (const auto &c : cmds) {
            uint64_t slot = kCmdq + 16ull * (prod & ((1u << kCmdqLog2) - 1));
            mem.w64(slot, c[0]);
            mem.w64(slot + 8, c[1]);
            prod = (prod + 1) & ((2u << kCmdqLog2) - 1);
        }
        w32(0x98, prod);
    }
    // Publishes and polls CMDQ_CONS in simulated time until it reaches PROD (call from a thread).
    sc_time submit(const std::vector<std::array<uint64_t, 2>> &cmds, sc_time poll = sc_time(10, SC_NS)) {
        sc_time t0 = sc_core::sc_time_stamp();
        publish(cmds);
        for (int i = 0; i < 100000 && (r32(0x9C) & 0x00FFFFFFu) != prod; i++) sc_core::wait(poll);
        EXPECT_EQ(r32(0x9C) & 0x00FFFFFFu, prod) << "CMDQ_CONS";
        return sc_core::sc_time_stamp() - t0;
    }

    // Linux reset sequence (linux-driver-sequence.md 2.2) with a linear stream table of 2^kStrtabLog2 abort STEs;
    // the commands are published and complete in simulated time.
    void bringup() {
        for (uint32_t sid = 0; sid < (1u << kStrtabLog2); sid++) write_ste(sid, ste_abort());
        cr0(0);
        w32(0x28, 0xD75);                                     // CR1: table/queue ISH WB
        w32(0x2C, 0x6);                                       // CR2: PTM | RECINVSID
        w64(0x80, kStrtab | 1ull << 62);                      // STRTAB_BASE, RA
        w32(0x88, kStrtabLog2);                               // STRTAB_BASE_CFG: linear
        w64(0x90, kCmdq | 1ull << 62 | kCmdqLog2);            // CMDQ_BASE
        w32(0x98, 0);
        w32(0x9C, 0);
        cr0(0x8);                                             // CMDQEN
        publish({cmd::cfgi_all(), cmd::sync_sev(), cmd::tlbi_nsnh_all(), cmd::sync_sev()});
        w64(0xA0, kEvtq | 1ull << 62 | kEvtqLog2);            // EVENTQ_BASE
        w32(0x100A8, 0);
        w32(0x100AC, 0);
        cr0(0xC);                                             // + EVTQEN
        w32(0x50, 0);
        EXPECT_EQ(r32(0x54), 0u);
        w32(0x50, 0x5);                                       // IRQ_CTRL: EVTQ | GERROR
        EXPECT_EQ(r32(0x54), 0x5u);
        cr0(0xD);                                             // + SMMUEN
    }
    // Event records between the driver's CONS and the SMMU's PROD.
    std::vector<std::array<uint64_t, 4>> pop_events() {
        std::vector<std::array<uint64_t, 4>> v;
        uint32_t p = r32(0x100A8), c = r32(0x100AC);
        const uint32_t mask = (2u << kEvtqLog2) - 1;
        while ((c & mask) != (p & mask)) {
            std::array<uint64_t, 4> r;
            for (int i = 0; i < 4; i++) r[i] = mem.r64(kEvtq + 32ull * (c & ((1u << kEvtqLog2) - 1)) + 8 * i);
            v.push_back(r);
            c = (c + 1) & mask;
        }
        w32(0x100AC, c);
        return v;
    }
};

} // namespace sct
