/* SPDX-License-Identifier: BSD-3-Clause */
// Test harness for the C core: a sparse flat memory host and a driver-style fixture.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

#include <gtest/gtest.h>

extern "C" {
#include <smmu/regs.h>
#include <smmu/smmu.h>
}

namespace th {

// Sparse byte-addressable memory with abort windows, an access log and interrupt counters.
struct Memory {
    std::unordered_map<uint64_t, std::array<uint8_t, 4096>> pages;
    struct Range { uint64_t base, size; bool reads, writes; };
    std::vector<Range> aborts;                // accesses overlapping these fail
    uint64_t reads = 0, writes = 0;
    struct Irq { smmu_irq_t line; bool level; };
    std::vector<Irq> irqs;
    unsigned irq_edges[SMMU_IRQ_COUNT] = {};     // rising edges per smmu_irq_t
    struct Write { uint64_t pa; std::vector<uint8_t> data; };
    std::vector<Write> write_log;             // every write the SMMU made
    bool log_writes = true;
    // When non-empty, a read (and, with windows_for_writes, a write) that is not inside one of these
    // (base, size) windows fails: the SMMU may touch only what the test names.
    std::vector<std::pair<uint64_t, uint64_t>> windows;
    bool windows_for_writes = false;

    smmu_host_t host();
    void abort_range(uint64_t base, uint64_t size, bool reads = true, bool writes = true) {
        aborts.push_back({base, size, reads, writes});
    }
    bool aborted(uint64_t pa, size_t len, bool write) const;
    void read(uint64_t pa, void *dst, size_t len) const;
    void write(uint64_t pa, const void *src, size_t len);
    uint64_t r64(uint64_t pa) const { uint64_t v; read(pa, &v, 8); return v; }
    uint32_t r32(uint64_t pa) const { uint32_t v; read(pa, &v, 4); return v; }
    void w64(uint64_t pa, uint64_t v) { write(pa, &v, 8); }
    void w32(uint64_t pa, uint32_t v) { write(pa, &v, 4); }
    void fill(uint64_t pa, uint8_t byte, size_t len);
    void clear() { pages.clear(); }
};

// A 64-byte structure (STE or CD) as eight little-endian qwords.
using Qwords8 = std::array<uint64_t, 8>;

// Default memory layout used by the fixture's bring-up.
constexpr uint64_t kStrtab = 0x10000000;
constexpr uint64_t kCmdq   = 0x11000000;
constexpr uint64_t kEvtq   = 0x12000000;
constexpr uint64_t kPriq   = 0x13000000;
constexpr uint64_t kCdBase = 0x14000000;
constexpr uint64_t kTables = 0x20000000;

struct Smmu : ::testing::Test {
    Memory mem;
    smmu_config_t cfg;
    smmu_t *smmu = nullptr;
    unsigned cmdq_log2 = 8, evtq_log2 = 7, strtab_log2 = 8;
    uint32_t cmd_prod = 0;        // driver's shadow CMDQ_PROD
    uint32_t evt_cons = 0;        // driver's shadow EVENTQ_CONS

    Smmu() { smmu_config_default(&cfg); }
    ~Smmu() override { if (smmu) smmu_destroy(smmu); }

    // Create the SMMU from `cfg` (call after adjusting cfg); fails the test on error.
    void create();
    uint32_t r32(uint64_t off) { return (uint32_t)smmu_reg_read(smmu, off, 4); }
    uint64_t r64(uint64_t off) { return smmu_reg_read(smmu, off, 8); }
    void w32(uint64_t off, uint32_t v) { smmu_reg_write(smmu, off, v, 4); }
    void w64(uint64_t off, uint64_t v) { smmu_reg_write(smmu, off, v, 8); }
    // Write CR0 and check CR0ACK follows, as the Linux driver polls it.
    void set_cr0(uint32_t v);

    // Linux-style bring-up: linear stream table of 2^strtab_log2 abort STEs at kStrtab, command and
    // event queues, CFGI_ALL + SYNC, TLBI_NSNH_ALL + SYNC, EVTQEN, IRQ_CTRL, SMMUEN.
    void bringup(bool enable_smmu = true);

    // Command queue: write commands at PROD and publish them. Returns CMDQ_CONS afterwards.
    uint32_t submit(const std::vector<std::array<uint64_t, 2>> &cmds);
    uint32_t submit_one(uint64_t q0, uint64_t q1 = 0) { return submit({{q0, q1}}); }
    // Appends CMD_SYNC (CS=NONE) and checks CONS has passed it.
    void sync();

    // Stream table (linear, at kStrtab) writes.
    void write_ste(uint32_t sid, const Qwords8 &ste);
    void write_cd(uint64_t pa, const Qwords8 &cd) { for (int i = 0; i < 8; i++) mem.w64(pa + 8 * i, cd[i]); }

    // Event queue: records waiting between the driver's CONS and the SMMU's PROD, consumed in order.
    std::vector<std::array<uint64_t, 4>> pop_events();

    // One transaction.
    smmu_result_t xlate(uint32_t sid, uint64_t addr, bool write = false, uint32_t ssid = 0, bool ssv = false,
                        bool priv = false, bool instr = false, uint32_t port = 0);
};

// Command encoders (IHI 0070 chapter 4): the builders of <smmu/regs.h> returning two qwords.
namespace cmd {
constexpr uint8_t PREFETCH_CONFIG = SMMU_CMD_PREFETCH_CONFIG, PREFETCH_ADDR = SMMU_CMD_PREFETCH_ADDR,
    CFGI_STE = SMMU_CMD_CFGI_STE, CFGI_STE_RANGE = SMMU_CMD_CFGI_STE_RANGE, CFGI_CD = SMMU_CMD_CFGI_CD,
    CFGI_CD_ALL = SMMU_CMD_CFGI_CD_ALL, TLBI_NH_ALL = SMMU_CMD_TLBI_NH_ALL, TLBI_NH_ASID = SMMU_CMD_TLBI_NH_ASID,
    TLBI_NH_VA = SMMU_CMD_TLBI_NH_VA, TLBI_NH_VAA = SMMU_CMD_TLBI_NH_VAA, TLBI_EL3_ALL = SMMU_CMD_TLBI_EL3_ALL,
    TLBI_EL3_VA = SMMU_CMD_TLBI_EL3_VA, TLBI_EL2_ALL = SMMU_CMD_TLBI_EL2_ALL, TLBI_EL2_ASID = SMMU_CMD_TLBI_EL2_ASID,
    TLBI_EL2_VA = SMMU_CMD_TLBI_EL2_VA, TLBI_EL2_VAA = SMMU_CMD_TLBI_EL2_VAA, TLBI_S12_VMALL = SMMU_CMD_TLBI_S12_VMALL,
    TLBI_S2_IPA = SMMU_CMD_TLBI_S2_IPA, TLBI_NSNH_ALL = SMMU_CMD_TLBI_NSNH_ALL, ATC_INV = SMMU_CMD_ATC_INV,
    PRI_RESP = SMMU_CMD_PRI_RESP, RESUME = SMMU_CMD_RESUME, STALL_TERM = SMMU_CMD_STALL_TERM, SYNC = SMMU_CMD_SYNC;
inline std::array<uint64_t, 2> cfgi_ste(uint32_t sid, bool leaf = true) {
    std::array<uint64_t, 2> c;
    smmu_cmd_cfgi_ste(c.data(), sid, leaf);
    return c;
}
inline std::array<uint64_t, 2> cfgi_all() { std::array<uint64_t, 2> c; smmu_cmd_cfgi_all(c.data()); return c; }
inline std::array<uint64_t, 2> cfgi_cd(uint32_t sid, uint32_t ssid, bool leaf = true) {
    std::array<uint64_t, 2> c;
    smmu_cmd_cfgi_cd(c.data(), sid, ssid, leaf);
    return c;
}
inline std::array<uint64_t, 2> tlbi_nsnh_all() { std::array<uint64_t, 2> c; smmu_cmd_tlbi_nsnh_all(c.data()); return c; }
// CS: 0 none, 1 IRQ, 2 SEV.
inline std::array<uint64_t, 2> sync(unsigned cs = 0, uint64_t msi_addr = 0, uint32_t msi_data = 0) {
    std::array<uint64_t, 2> c;
    smmu_cmd_sync(c.data(), cs, msi_addr, msi_data);
    return c;
}
} // namespace cmd

// STE encoders.
namespace ste {
inline Qwords8 abort_ste() { Qwords8 q; smmu_ste_abort(q.data()); return q; }
inline Qwords8 bypass() { return {SMMU_STE0_V | SMMU_FIELD_PREP(SMMU_STE0_CONFIG, SMMU_STE_CONFIG_BYPASS), 0, 0, 0, 0, 0, 0, 0}; }
inline Qwords8 invalid() { return {0, 0, 0, 0, 0, 0, 0, 0}; }
} // namespace ste

// Event record field accessors (IHI 0070 7.3).
namespace evt {
inline unsigned id(const std::array<uint64_t, 4> &r) { return (unsigned)SMMU_FIELD_GET(r[0], SMMU_EVT0_EVENTID); }
inline uint32_t sid(const std::array<uint64_t, 4> &r) { return (uint32_t)SMMU_FIELD_GET(r[0], SMMU_EVT0_STREAMID); }
inline uint32_t ssid(const std::array<uint64_t, 4> &r) { return (uint32_t)SMMU_FIELD_GET(r[0], SMMU_EVT0_SUBSTREAMID); }
inline bool ssv(const std::array<uint64_t, 4> &r) { return r[0] & SMMU_EVT0_SSV; }
} // namespace evt

std::string shared_dir();   // ../shared beside the repository, "" if absent

} // namespace th
