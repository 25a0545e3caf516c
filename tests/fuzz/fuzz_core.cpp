// SPDX-License-Identifier: BSD-3-Clause
// Fuzz target 1: random configuration, register writes and memory contents (stream tables, CDs, page
// tables, commands), then translations and command processing. Invariants: no crash or sanitizer report,
// bounded memory accesses per translation and per register write, well-formed event records written only
// inside the event queue, commands read only inside the command queue, register reads still answering.
#include <fuzzer/FuzzedDataProvider.h>

#include "fuzz_host.h"

using namespace fz;

namespace {

// At most: 2-level STE fetch, 2-level CD fetch through stage 2, a nested 5x5 walk with HTTU updates, the
// event record and its MSI. A self-referencing table must not exceed it.
constexpr uint64_t kMaxAccessesPerTranslate = 160;
// Per command consumed: the command, a PREFETCH's configuration fetch, an event or a CMD_SYNC MSI.
constexpr uint64_t kMaxAccessesPerCommand = 64;

const uint64_t kRegs32[] = {CR0, CR1, CR2, GBPA, IRQ_CTRL, GERRORN, STRTAB_BASE_CFG, CMDQ_PROD, CMDQ_CONS,
                            EVENTQ_PROD, EVENTQ_CONS, 0x100C8, 0x100CC, 0xBC, 0x74, 0xDC};
const uint64_t kRegs64[] = {STRTAB_BASE, CMDQ_BASE, EVENTQ_BASE, 0xC0, GERROR_IRQ_CFG0, EVENTQ_IRQ_CFG0, 0xD0};
const uint8_t kOpcodes[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x10, 0x11, 0x12, 0x13, 0x18, 0x1A, 0x20, 0x21,
                            0x22, 0x23, 0x28, 0x2A, 0x30, 0x40, 0x41, 0x44, 0x45, 0x46};

struct Ctx {
    Host h;
    smmu_t *s = nullptr;
    smmu_config_t cfg;
    RegCheck rc;
    uint32_t cmd_prod = 0;
    unsigned cmdq_log2 = 6, evtq_log2 = 5;

    uint64_t limit_for_reg_write() const { return (2ull << cfg.cmdqs) * kMaxAccessesPerCommand + 64; }

    void w32(uint64_t off, uint32_t v) {
        h.reset();
        smmu_reg_write(s, off, v, 4);
        FUZZ_CHECK(h.reads + h.writes <= limit_for_reg_write(), "register write 0x%llx made %llu accesses",
                   (unsigned long long)off, (unsigned long long)(h.reads + h.writes));
        update_windows(h, s);
    }
    void w64(uint64_t off, uint64_t v) {
        h.reset();
        smmu_reg_write(s, off, v, 8);
        FUZZ_CHECK(h.reads + h.writes <= limit_for_reg_write(), "register write 0x%llx made %llu accesses",
                   (unsigned long long)off, (unsigned long long)(h.reads + h.writes));
        update_windows(h, s);
    }
    void push_cmd(uint64_t q0, uint64_t q1) {
        uint32_t n = 1u << cmdq_log2;
        uint64_t slot = kCmdq + (cmd_prod & (n - 1)) * 16ull;
        h.w64(slot, q0);
        h.w64(slot + 8, q1);
        cmd_prod = (cmd_prod + 1) & (2 * n - 1);
        w32(CMDQ_PROD, cmd_prod);
    }
};

void translate(Ctx &c, FuzzedDataProvider &fdp, bool debug) {
    smmu_txn_t t{};
    t.sid = fdp.ConsumeIntegralInRange<uint32_t>(0, 40);
    if (fdp.ConsumeBool()) t.sid = fdp.ConsumeIntegral<uint32_t>();
    t.ssv = fdp.ConsumeBool();
    t.ssid = fdp.ConsumeIntegralInRange<uint32_t>(0, 8);
    if (fdp.ConsumeBool()) t.ssid = fdp.ConsumeIntegral<uint32_t>();
    t.addr = fdp.ConsumeIntegral<uint64_t>();
    if (fdp.ConsumeBool()) t.addr = 0x40000000 + (t.addr & 0xFFFF);
    else if (fdp.ConsumeBool()) t.addr &= 0xFFFFFFF000ull;
    t.write = fdp.ConsumeBool(); t.instr = fdp.ConsumeBool(); t.priv = fdp.ConsumeBool();
    t.port = fdp.ConsumeIntegralInRange<uint32_t>(0, c.cfg.num_ports);   // num_ports itself is out of range
    if (fdp.ConsumeBool()) t.at = SMMU_AT_TRANSLATED;                    // PCIe ATS Translated (3.9.1.3)
    smmu_result_t r;
    std::memset(&r, 0xA5, sizeof r);
    uint64_t events_before = c.h.events_seen;
    c.h.reset();
    smmu_status_t st = debug ? smmu_translate_debug(c.s, &t, &r) : smmu_translate(c.s, &t, &r);
    FUZZ_CHECK(c.h.reads + c.h.writes <= kMaxAccessesPerTranslate, "translate made %llu reads %llu writes",
               (unsigned long long)c.h.reads, (unsigned long long)c.h.writes);
    FUZZ_CHECK(st == r.status && st <= SMMU_STALL, "status %d/%d", (int)st, (int)r.status);
    FUZZ_CHECK(r.mem_reads <= c.h.reads && r.mem_writes <= c.h.writes, "result counts %u/%u > host %llu/%llu",
               r.mem_reads, r.mem_writes, (unsigned long long)c.h.reads, (unsigned long long)c.h.writes);
    FUZZ_CHECK(r.source <= SMMU_SRC_WALK, "source %d", (int)r.source);
    if (debug) {
        FUZZ_CHECK(c.h.writes == 0, "translate_debug wrote memory %llu times", (unsigned long long)c.h.writes);
        FUZZ_CHECK(!r.recorded, "translate_debug recorded an event");
    }
    if (st == SMMU_OK) {
        FUZZ_CHECK(r.event == 0 && !r.recorded, "OK with event 0x%x", r.event);
        FUZZ_CHECK(r.page_log2 >= 12 && r.page_log2 <= 52, "page_log2 %u", r.page_log2);
        FUZZ_CHECK(r.bypass || (r.pa >> c.cfg.oas_bits) == 0, "pa 0x%llx beyond OAS", (unsigned long long)r.pa);
        FUZZ_CHECK(r.sh != 1, "reserved shareability");
    }
    if (!debug && st == SMMU_OK) {
        // A cached answer equals the walked one: the same transaction again (now a TLB hit, descriptors
        // possibly updated by HTTU) gives the same output, permissions and attributes.
        FUZZ_CHECK(c.h.events_seen == events_before, "a successful translation recorded an event");
        smmu_result_t r2;
        std::memset(&r2, 0x5A, sizeof r2);
        uint64_t ev0 = c.h.events_seen;
        smmu_status_t st2 = smmu_translate(c.s, &t, &r2);
        FUZZ_CHECK(st2 == SMMU_OK && r2.pa == r.pa && r2.read_ok == r.read_ok && r2.write_ok == r.write_ok &&
                   r2.exec_ok == r.exec_ok && r2.memattr == r.memattr && r2.sh == r.sh && r2.bypass == r.bypass,
                   "repeat of sid %u addr 0x%llx: status %d pa 0x%llx rwx %d%d%d attr 0x%x/%u, first pa 0x%llx rwx %d%d%d attr 0x%x/%u",
                   t.sid, (unsigned long long)t.addr, (int)st2, (unsigned long long)r2.pa, r2.read_ok, r2.write_ok, r2.exec_ok,
                   r2.memattr, r2.sh, (unsigned long long)r.pa, r.read_ok, r.write_ok, r.exec_ok, r.memattr, r.sh);
        FUZZ_CHECK(c.h.events_seen == ev0, "a repeated successful translation recorded an event");
        smmu_result_t rd;
        smmu_status_t std_ = smmu_translate_debug(c.s, &t, &rd);
        FUZZ_CHECK(std_ == SMMU_OK && rd.pa == r.pa && rd.memattr == r.memattr && rd.sh == r.sh,
                   "translate_debug after success: status %d pa 0x%llx attr 0x%x/%u, translate pa 0x%llx attr 0x%x/%u",
                   (int)std_, (unsigned long long)rd.pa, rd.memattr, rd.sh, (unsigned long long)r.pa, r.memattr, r.sh);
        events_before = c.h.events_seen;
    }
    if (r.recorded) {
        FUZZ_CHECK(c.h.events_seen == events_before + 1, "recorded but %llu records written",
                   (unsigned long long)(c.h.events_seen - events_before));
        FUZZ_CHECK(c.h.last_event_id == r.event, "record ID 0x%x, result event 0x%x", c.h.last_event_id, r.event);
        FUZZ_CHECK(c.h.last_event_sid == t.sid, "record SID 0x%x, txn SID 0x%x", c.h.last_event_sid, t.sid);
    } else {
        FUZZ_CHECK(c.h.events_seen == events_before, "not recorded but a record was written");
    }
}

// Valid Linux-style structures, so that mutations start from translations that work (5.2, 5.4, D8).
struct Builder {
    Host &h;
    uint64_t next = kTables + 0x100000;
    uint64_t alloc() { uint64_t t = next; next += 0x1000; return t; }
    void map(uint64_t ttb, uint64_t ia, uint64_t pa, uint64_t bits) {
        uint64_t table = ttb;
        for (unsigned level = 0; level < 3; level++) {
            uint64_t at = table + ((ia >> (39 - 9 * level)) & 0x1FF) * 8, d = h.r64(at);
            if ((d & 3) != 3 || (d & 0x0000FFFFFFFFF000ull) < kTables + 0x100000) { d = alloc() | 3; h.w64(at, d); }
            table = d & 0x0000FFFFFFFFF000ull;
        }
        h.w64(table + ((ia >> 12) & 0x1FF) * 8, pa | bits);
    }
};
constexpr uint64_t kPageS1 = 0x403 | 3u << 8 | 1u << 6 | 1u << 11 | 1u << 2;
constexpr uint64_t kPageS2 = 0x403 | 3u << 8 | 3u << 6 | 0xFu << 2;

// Config 5 (S1), 6 (S2) or 7 (nested) for `sid`, CD at kCdBase + sid * 64 (identity through stage 2),
// 16 pages from VA 0x40000000 mapped to 0x50000000 (stage 1) and 0x50000000 -> 0x60000000 (stage 2).
// STEs live at kStrtab (linear) or in the L2 array of L1STD 0 (2-level, SPLIT 6, Span 7: SIDs 0-63).
uint64_t g_ste_base = kStrtab;

void install(Builder &b, uint32_t sid, unsigned config, bool ha, bool hd) {
    Host &h = b.h;
    uint64_t s1ttb = b.alloc(), s2ttb = b.alloc(), cd = kCdBase + (sid & 15) * 64ull;
    for (uint64_t i = 0; i < 16; i++) {
        b.map(s1ttb, 0x40000000 + i * 0x1000, 0x50000000 + i * 0x1000, kPageS1 & ~(ha ? 0x400ull : 0));
        b.map(s2ttb, 0x50000000 + i * 0x1000, 0x60000000 + i * 0x1000, kPageS2);
    }
    for (uint64_t p = kTables + 0x100000; p < b.next + 0x8000; p += 0x1000) b.map(s2ttb, p, p, kPageS2);
    b.map(s2ttb, kCdBase, kCdBase, kPageS2);
    uint64_t q[8] = {};
    q[0] = 1 | (uint64_t)config << 1 | (cd & 0x000FFFFFFFFFFFC0ull);
    q[1] = 1ull << 2 | 1ull << 4 | 3ull << 6 | 1ull << 44;          // S1CIR/S1COR WBRA, S1CSH ISH, SHCFG incoming
    q[2] = 1ull << 0 | 16ull << 32 | 2ull << 38 | 1ull << 40 | 1ull << 42 | 3ull << 44 | 5ull << 48 |
           1ull << 51 | 1ull << 58;                                  // VMID 1, S2T0SZ 16, SL0 2, 4K, PS 48, AA64, S2R
    q[3] = s2ttb;
    for (int i = 0; i < 8; i++) h.w64(g_ste_base + (uint64_t)sid * 64 + 8 * i, q[i]);
    uint64_t c[8] = {};
    c[0] = 0x0000E204C0003510ull | 1ull << 48 | (uint64_t)ha << 43 | (uint64_t)hd << 42;
    c[1] = s1ttb;
    c[3] = 0xF404FF44ull;
    for (int i = 0; i < 8; i++) h.w64(cd + 8 * i, c[i]);
}

uint64_t table_ptr(FuzzedDataProvider &fdp) {
    switch (fdp.ConsumeIntegralInRange<int>(0, 3)) {
    case 0: return kTables + fdp.ConsumeIntegralInRange<uint64_t>(0, 15) * 0x1000;
    case 1: return kCdBase + fdp.ConsumeIntegralInRange<uint64_t>(0, 15) * 0x40;
    case 2: return kStrtab + fdp.ConsumeIntegralInRange<uint64_t>(0, 63) * 0x40;
    default: return fdp.ConsumeIntegral<uint64_t>();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    FuzzedDataProvider fdp(data, size);
    Ctx c;
    smmu_config_default(&c.cfg);
    c.cfg.cmdqs = fdp.ConsumeIntegralInRange<uint8_t>(2, 8);
    c.cfg.eventqs = fdp.ConsumeIntegralInRange<uint8_t>(1, 7);
    c.cfg.st_2lvl = fdp.ConsumeBool();
    c.cfg.cd2l = fdp.ConsumeBool();
    c.cfg.httu = fdp.ConsumeIntegralInRange<uint8_t>(0, 2);
    c.cfg.cmdq_stepped = fdp.ConsumeBool();
    c.cfg.ttf_aarch32 = fdp.ConsumeBool();
    c.cfg.s2p = fdp.ConsumeBool();
    c.cfg.vax = fdp.ConsumeIntegralInRange<uint8_t>(0, 1);
    c.cfg.sidsize = fdp.ConsumeIntegralInRange<uint8_t>(4, 32);
    c.cfg.ssidsize = fdp.ConsumeIntegralInRange<uint8_t>(0, 20);
    const uint8_t oas[] = {32, 36, 40, 42, 44, 48, 52};
    c.cfg.oas_bits = fdp.PickValueInArray(oas);
    c.cfg.num_ports = fdp.ConsumeIntegralInRange<uint32_t>(1, 4);
    c.h.oas_bits = c.cfg.oas_bits;
    if (fdp.ConsumeBool()) c.h.pattern_seed = fdp.ConsumeIntegral<uint64_t>() | 1;
    char err[256];
    smmu_host_t host = c.h.host();
    c.s = smmu_create(&c.cfg, &host, err, sizeof err);
    if (!c.s) return 0;   // a rejected configuration is an answer too
    c.rc.snapshot(c.s);
    c.cmdq_log2 = std::min<unsigned>(6, c.cfg.cmdqs);
    c.evtq_log2 = std::min<unsigned>(5, c.cfg.eventqs);

    // Linux-style bring-up so that the fuzzer starts from a running SMMU.
    c.w32(CR1, 0xD75);
    c.w32(CR2, 0x6);
    c.w64(STRTAB_BASE, kStrtab);
    g_ste_base = kStrtab;
    if (c.cfg.st_2lvl && fdp.ConsumeBool()) {
        c.w32(STRTAB_BASE_CFG, 1u << 16 | 6u << 6 | 10u);
        g_ste_base = kStrtab + 0x10000;
        c.h.w64(kStrtab, g_ste_base | 7);
    } else {
        c.w32(STRTAB_BASE_CFG, 6u);
    }
    c.w64(CMDQ_BASE, kCmdq | c.cmdq_log2);
    c.w64(EVENTQ_BASE, kEvtq | c.evtq_log2);
    c.w64(EVENTQ_IRQ_CFG0, kMsi);
    c.w64(GERROR_IRQ_CFG0, kMsi + 0x100);
    c.w32(CR0, 0xC);
    c.w32(IRQ_CTRL, 0x5);
    c.w32(CR0, 0xD);
    c.h.check_windows = true;
    c.rc.check(c.s);

    Builder b{c.h};
    int ops = 0;
    while (fdp.remaining_bytes() && ops++ < 200) {
        switch (fdp.ConsumeIntegralInRange<int>(0, 15)) {
        case 15: {  // an ATS Translation Request (3.9.1.2)
            smmu_txn_t t{};
            t.sid = fdp.ConsumeIntegralInRange<uint32_t>(0, 40);
            t.ssv = fdp.ConsumeBool();
            t.ssid = fdp.ConsumeIntegralInRange<uint32_t>(0, 8);
            t.addr = fdp.ConsumeBool() ? 0x40000000 + fdp.ConsumeIntegral<uint16_t>() : fdp.ConsumeIntegral<uint64_t>();
            t.write = fdp.ConsumeBool(); t.instr = fdp.ConsumeBool(); t.priv = fdp.ConsumeBool();
            smmu_ats_result_t a;
            std::memset(&a, 0xA5, sizeof a);
            c.h.reset();
            smmu_ats_status_t st = smmu_ats_translate(c.s, &t, &a);
            FUZZ_CHECK(st == a.status && st <= SMMU_ATS_CA, "ATS status %d/%d", (int)st, (int)a.status);
            FUZZ_CHECK(c.h.reads + c.h.writes <= kMaxAccessesPerTranslate, "ATS made %llu accesses",
                       (unsigned long long)(c.h.reads + c.h.writes));
            if (st == SMMU_ATS_SUCCESS) {
                FUZZ_CHECK(a.size_log2 >= 12 && a.size_log2 <= 64, "ATS size_log2 %u", a.size_log2);
                FUZZ_CHECK(!a.exec || a.read, "ATS Exe without R");
                FUZZ_CHECK(a.read || a.write || a.addr == 0, "ATS R=W=0 with an address");
                FUZZ_CHECK(!a.global && !a.untranslated, "ATS Global/U set");
            }
            break;
        }
        case 14: {
            const unsigned configs[] = {5, 6, 7};
            install(b, fdp.ConsumeIntegralInRange<uint32_t>(0, 40), fdp.PickValueInArray(configs), fdp.ConsumeBool(),
                    fdp.ConsumeBool());
            break;
        }
        case 0: c.w32(fdp.PickValueInArray(kRegs32), fdp.ConsumeIntegral<uint32_t>()); break;
        case 1: c.w64(fdp.PickValueInArray(kRegs64), fdp.ConsumeIntegral<uint64_t>()); break;
        case 2: {   // any offset of the 128 KiB frame, either size
            uint64_t off = fdp.ConsumeIntegralInRange<uint64_t>(0, 0x1FFFF) & ~3ull;
            if (fdp.ConsumeBool()) c.w32(off, fdp.ConsumeIntegral<uint32_t>());
            else c.w64(off & ~7ull, fdp.ConsumeIntegral<uint64_t>());
            (void)smmu_reg_read(c.s, off, 4);
            (void)smmu_reg_read(c.s, off & ~7ull, 8);
            break;
        }
        case 3: {   // an STE: valid, a Config and pointers into the table regions
            uint32_t sid = fdp.ConsumeIntegralInRange<uint32_t>(0, 63);
            uint64_t q[8];
            for (auto &x : q) x = fdp.ConsumeIntegral<uint64_t>();
            q[0] = (q[0] & ~0x000FFFFFFFFFFFC0ull) | (table_ptr(fdp) & 0x000FFFFFFFFFFFC0ull);
            if (fdp.ConsumeBool()) q[0] |= 1;
            q[3] = (q[3] & ~0x000FFFFFFFFFFFF0ull) | (table_ptr(fdp) & 0x000FFFFFFFFFFFF0ull);
            for (int i = 0; i < 8; i++) c.h.w64(g_ste_base + sid * 64ull + 8 * i, q[i]);
            break;
        }
        case 4: {   // a CD
            uint64_t pa = kCdBase + fdp.ConsumeIntegralInRange<uint64_t>(0, 15) * 0x40;
            uint64_t q[8];
            for (auto &x : q) x = fdp.ConsumeIntegral<uint64_t>();
            q[1] = (q[1] & ~0x000FFFFFFFFFFFF0ull) | (table_ptr(fdp) & 0x000FFFFFFFFFFFF0ull);
            if (fdp.ConsumeBool()) q[0] |= 1ull << 31;   // V
            for (int i = 0; i < 8; i++) c.h.w64(pa + 8 * i, q[i]);
            break;
        }
        case 5: {   // a table/page descriptor pointing into the table region (loops included)
            uint64_t pa = kTables + fdp.ConsumeIntegralInRange<uint64_t>(0, 15) * 0x1000 +
                          fdp.ConsumeIntegralInRange<uint64_t>(0, 511) * 8;
            uint64_t d = fdp.ConsumeIntegral<uint64_t>();
            if (fdp.ConsumeBool()) d = (d & ~0x0000FFFFFFFFF000ull) | (table_ptr(fdp) & 0x0000FFFFFFFFF000ull);
            c.h.w64(pa, d);
            break;
        }
        case 6: {   // raw memory anywhere in the structure regions
            const uint64_t bases[] = {kStrtab, kCmdq, kEvtq, kCdBase, kTables};
            c.h.w64(fdp.PickValueInArray(bases) + fdp.ConsumeIntegralInRange<uint64_t>(0, 0xFFFF) * 8,
                    fdp.ConsumeIntegral<uint64_t>());
            break;
        }
        case 7: {   // a command with a real opcode and random fields
            uint64_t q0 = fdp.ConsumeIntegral<uint64_t>() & ~0xFFull, q1 = fdp.ConsumeIntegral<uint64_t>();
            q0 |= fdp.ConsumeBool() ? fdp.PickValueInArray(kOpcodes) : fdp.ConsumeIntegral<uint8_t>();
            if ((q0 & 0xFF) == 0x46 && fdp.ConsumeBool()) q1 = kMsi + 0x200;
            c.push_cmd(q0, q1);
            break;
        }
        case 8: case 9: translate(c, fdp, false); break;
        case 10: translate(c, fdp, true); break;
        case 11: {
            uint32_t cyc;
            c.h.reset();
            smmu_cmdq_step(c.s, &cyc);
            FUZZ_CHECK(c.h.reads + c.h.writes <= kMaxAccessesPerCommand, "one command made %llu accesses",
                       (unsigned long long)(c.h.reads + c.h.writes));
            (void)smmu_cmdq_pending(c.s);
            break;
        }
        case 12: {  // the driver consumes every event
            uint32_t prod = (uint32_t)smmu_reg_read(c.s, EVENTQ_PROD, 4);
            c.w32(EVENTQ_CONS, prod);
            break;
        }
        case 13: {
            uint32_t sid = fdp.ConsumeIntegralInRange<uint32_t>(0, 63);
            uint16_t stag = fdp.ConsumeIntegral<uint16_t>();
            smmu_stall_state_t st = smmu_stall_query(c.s, sid, stag);
            FUZZ_CHECK(st <= SMMU_STALL_RAZWI, "stall state %d", (int)st);
            if (fdp.ConsumeBool()) smmu_stall_release(c.s, sid, stag);
            break;
        }
        }
        c.rc.check(c.s);
    }
    smmu_global_stats_t g;
    smmu_global_stats(c.s, &g);
    FUZZ_CHECK(g.events_recorded == c.h.events_seen, "stats say %llu events recorded, %llu written",
               (unsigned long long)g.events_recorded, (unsigned long long)c.h.events_seen);
    smmu_destroy(c.s);
    return 0;
}
