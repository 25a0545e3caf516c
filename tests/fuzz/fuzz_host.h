/* SPDX-License-Identifier: BSD-3-Clause */
// Host for the core fuzz targets: sparse memory (unwritten bytes read as a seed-derived pattern or zero),
// per-call access counters, and the invariants every target checks after each operation.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unordered_map>

extern "C" {
#include <smmu/smmu.h>
}

#define FUZZ_CHECK(cond, ...)                                                          \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            std::fprintf(stderr, "invariant failed: %s (%s:%d): ", #cond, __FILE__, __LINE__); \
            std::fprintf(stderr, __VA_ARGS__);                                         \
            std::fputc('\n', stderr);                                                  \
            std::abort();                                                              \
        }                                                                              \
    } while (0)

namespace fz {

constexpr uint64_t kStrtab = 0x10000000, kCmdq = 0x11000000, kEvtq = 0x12000000, kCdBase = 0x14000000,
                   kTables = 0x20000000, kMsi = 0x30000000;

struct Host {
    std::unordered_map<uint64_t, std::array<uint8_t, 4096>> pages;
    uint64_t pattern_seed = 0;     // 0: unwritten memory reads as zero
    uint64_t fail_reads_at = 0;    // 1-based index of a read to fail (0: none)
    uint64_t reads = 0, writes = 0;          // callbacks since the last reset()
    uint64_t total_reads = 0, total_writes = 0;
    // Queue windows the SMMU may touch with 16-byte reads (commands) and 32-byte writes (event records).
    uint64_t cmdq_lo = 0, cmdq_hi = 0, evtq_lo = 0, evtq_hi = 0;
    bool check_windows = false;
    uint32_t oas_bits = 48;
    uint64_t events_seen = 0;
    unsigned last_event_id = 0;
    uint32_t last_event_sid = 0;

    void reset() { reads = writes = 0; }

    uint8_t background(uint64_t pa) const {
        if (!pattern_seed) return 0;
        uint64_t x = (pa >> 3) * 0x9E3779B97F4A7C15ull ^ pattern_seed;
        x ^= x >> 29; x *= 0xBF58476D1CE4E5B9ull; x ^= x >> 32;
        return (uint8_t)(x >> ((pa & 7) * 8));
    }
    void read(uint64_t pa, void *dst, size_t len) const {
        auto *d = static_cast<uint8_t *>(dst);
        for (size_t i = 0; i < len; i++) {
            uint64_t a = pa + i;
            auto it = pages.find(a & ~0xFFFull);
            d[i] = it == pages.end() ? background(a) : it->second[a & 0xFFF];
        }
    }
    void write(uint64_t pa, const void *src, size_t len) {
        const auto *s = static_cast<const uint8_t *>(src);
        for (size_t i = 0; i < len; i++) {
            uint64_t a = pa + i;
            auto it = pages.find(a & ~0xFFFull);
            if (it == pages.end()) {
                it = pages.emplace(a & ~0xFFFull, std::array<uint8_t, 4096>{}).first;
                for (unsigned j = 0; j < 4096; j++) it->second[j] = background((a & ~0xFFFull) + j);
            }
            it->second[a & 0xFFF] = s[i];
        }
    }
    void w64(uint64_t pa, uint64_t v) { write(pa, &v, 8); }
    uint64_t r64(uint64_t pa) const { uint64_t v; read(pa, &v, 8); return v; }

    smmu_host_t host();
};

// IHI 0070 7.3: the event IDs an SMMUv3.2 can record, and the bits each record may set (the rest is RES0).
inline bool event_well_formed(const uint64_t r[4], uint32_t oas_bits, char *why, size_t n) {
    unsigned id = r[0] & 0xFF;
    uint64_t m0 = 0xFFFFFFFFFFFFF8FFull;          // [10:8] RES0
    uint64_t m1 = 0, m2 = 0, m3 = 0;
    const uint64_t access = 7ull << 33, oas_mask = oas_bits >= 64 ? ~0ull : (1ull << oas_bits) - 1;
    switch (id) {
    case 0x01: m1 = access | 0xFFFFull << 16; m2 = ~0ull; break;                         // F_UUT
    case 0x02: case 0x04: case 0x0A: case 0x21: break;                                  // C_BAD_*, F_CFG_CONFLICT
    case 0x03: case 0x09: case 0x25: m3 = oas_mask & ~7ull; break;                      // F_*_FETCH
    case 0x05: m1 = ~0ull; m2 = ~0ull; break;                                           // F_BAD_ATS_TREQ
    case 0x06: m0 = 0xFFFFFFFF000000FFull; break;                                       // F_STREAM_DISABLED
    case 0x07: m0 = 0xFFFFFFFF000000FFull; m1 = 1ull << 35; m2 = ~0ull; break;          // F_TRANSL_FORBIDDEN
    case 0x08: m0 = 0xFFFFFFFFFFFFF0FFull; break;                                       // C_BAD_SUBSTREAMID: no SSV
    case 0x0B: m1 = access | 1ull << 39 | 3ull << 40; m2 = ~0ull; m3 = oas_mask & ~7ull; break;   // F_WALK_EABT
    case 0x10: case 0x11: case 0x12: case 0x13:                                         // translation faults
        m1 = 0xFFFFull | 1ull << 31 | access | 1ull << 39 | 3ull << 40 | 1ull << 44;
        m2 = ~0ull; m3 = oas_mask & ~0xFFFull; break;
    case 0x20: m1 = ~0ull; m2 = ~0ull; m3 = ~0ull; break;                               // F_TLB_CONFLICT
    case 0x24: m1 = ~0ull; m2 = ~0ull; m3 = ~0ull; break;                               // E_PAGE_REQUEST
    default: std::snprintf(why, n, "EventID 0x%02x is not an SMMUv3 event", id); return false;
    }
    const uint64_t m[4] = {m0, m1, m2, m3};
    for (int q = 0; q < 4; q++)
        if (r[q] & ~m[q]) {
            std::snprintf(why, n, "EventID 0x%02x qword %d = 0x%016llx sets RES0 bits 0x%016llx", id, q,
                          (unsigned long long)r[q], (unsigned long long)(r[q] & ~m[q]));
            return false;
        }
    bool fault = id == 0x0B || (id >= 0x10 && id <= 0x13);
    if (fault && !((r[1] >> 35) & 1) && ((r[1] >> 34) & 1)) {   // 7.3.12-16: InD == 0 when RnW == 0
        std::snprintf(why, n, "EventID 0x%02x: InD set for a write", id); return false;
    }
    if (((r[1] >> 40) & 3) == 3) { std::snprintf(why, n, "EventID 0x%02x CLASS 3 is reserved", id); return false; }
    return true;
}

inline int read_cb(void *ctx, uint64_t pa, void *dst, size_t len) {
    auto *h = static_cast<Host *>(ctx);
    h->reads++; h->total_reads++;
    if (h->check_windows && len == 16)
        FUZZ_CHECK(pa >= h->cmdq_lo && pa + 16 <= h->cmdq_hi, "command read at 0x%llx outside the queue [0x%llx, 0x%llx)",
                   (unsigned long long)pa, (unsigned long long)h->cmdq_lo, (unsigned long long)h->cmdq_hi);
    if (h->fail_reads_at && h->total_reads == h->fail_reads_at) return -1;
    h->read(pa, dst, len);
    return 0;
}

inline int write_cb(void *ctx, uint64_t pa, const void *src, size_t len) {
    auto *h = static_cast<Host *>(ctx);
    h->writes++; h->total_writes++;
    if (len == 32) {
        if (h->check_windows)
            FUZZ_CHECK(pa >= h->evtq_lo && pa + 32 <= h->evtq_hi, "event write at 0x%llx outside the queue [0x%llx, 0x%llx)",
                       (unsigned long long)pa, (unsigned long long)h->evtq_lo, (unsigned long long)h->evtq_hi);
        uint64_t r[4];
        std::memcpy(r, src, 32);
        char why[160];
        FUZZ_CHECK(event_well_formed(r, h->oas_bits, why, sizeof why), "%s", why);
        h->events_seen++;
        h->last_event_id = r[0] & 0xFF;
        h->last_event_sid = (uint32_t)(r[0] >> 32);
    }
    h->write(pa, src, len);
    return 0;
}

inline void irq_cb(void *, smmu_irq_t line, bool) { FUZZ_CHECK((unsigned)line < SMMU_IRQ_COUNT, "irq line %u", (unsigned)line); }

inline smmu_host_t Host::host() {
    smmu_host_t h{};
    h.ctx = this; h.mem_read = read_cb; h.mem_write = write_cb; h.irq = irq_cb;
    return h;
}

// Register offsets (IHI 0070 6.2).
enum : uint64_t {
    IDR0 = 0x0, IDR1 = 0x4, IDR5 = 0x14, CR0 = 0x20, CR0ACK = 0x24, CR1 = 0x28, CR2 = 0x2C, GBPA = 0x44,
    IRQ_CTRL = 0x50, IRQ_CTRLACK = 0x54, GERROR = 0x60, GERRORN = 0x64, GERROR_IRQ_CFG0 = 0x68,
    STRTAB_BASE = 0x80, STRTAB_BASE_CFG = 0x88, CMDQ_BASE = 0x90, CMDQ_PROD = 0x98, CMDQ_CONS = 0x9C,
    EVENTQ_BASE = 0xA0, EVENTQ_IRQ_CFG0 = 0xB0, EVENTQ_PROD = 0x100A8, EVENTQ_CONS = 0x100AC,
};

// The queue windows as the SMMU sees them now (base aligned to the size, LOG2SIZE capped by IDR1).
inline void update_windows(Host &h, smmu_t *s) {
    uint32_t idr1 = (uint32_t)smmu_reg_read(s, IDR1, 4);
    unsigned cmdqs = (idr1 >> 21) & 0x1F, evtqs = (idr1 >> 16) & 0x1F;
    uint64_t cb = smmu_reg_read(s, CMDQ_BASE, 8), eb = smmu_reg_read(s, EVENTQ_BASE, 8);
    unsigned cl = (unsigned)(cb & 0x1F), el = (unsigned)(eb & 0x1F);
    if (cl > cmdqs) cl = cmdqs;
    if (el > evtqs) el = evtqs;
    h.cmdq_lo = cb & 0x000FFFFFFFFFFFE0ull & ~((16ull << cl) - 1);
    h.cmdq_hi = h.cmdq_lo + (16ull << cl);
    h.evtq_lo = eb & 0x000FFFFFFFFFFFE0ull & ~((32ull << el) - 1);
    h.evtq_hi = h.evtq_lo + (32ull << el);
}

// Register-level invariants: the ID registers never change, the pointers the SMMU owns stay inside
// their field (RD/WR and the wrap bit), GERROR only sets architected bits.
struct RegCheck {
    uint32_t idr[6];
    void snapshot(smmu_t *s) { for (int i = 0; i < 6; i++) idr[i] = (uint32_t)smmu_reg_read(s, 4 * i, 4); }
    mutable uint32_t cmdq_err_was_active = 0;   // GERROR.CMDQ_ERR at the last check
    void check(smmu_t *s) const {
        for (int i = 0; i < 6; i++)
            FUZZ_CHECK((uint32_t)smmu_reg_read(s, 4 * i, 4) == idr[i], "IDR%d changed", i);
        // 6.3.28/6.3.31: QS = min(BASE.LOG2SIZE, IDR1 max); bits [19:QS+1] of RD/WR are RAZ.
        uint32_t idr1 = idr[1];
        unsigned cqs = std::min<unsigned>((idr1 >> 21) & 0x1F, (unsigned)(smmu_reg_read(s, CMDQ_BASE, 8) & 0x1F));
        unsigned eqs = std::min<unsigned>((idr1 >> 16) & 0x1F, (unsigned)(smmu_reg_read(s, EVENTQ_BASE, 8) & 0x1F));
        uint32_t cons = (uint32_t)smmu_reg_read(s, CMDQ_CONS, 4), eprod = (uint32_t)smmu_reg_read(s, EVENTQ_PROD, 4);
        uint32_t gerr = (uint32_t)(smmu_reg_read(s, GERROR, 4) ^ smmu_reg_read(s, GERRORN, 4));
        FUZZ_CHECK((cons & 0x00FFFFFFu) < (2u << cqs), "CMDQ_CONS 0x%08x beyond the queue (QS %u)", cons, cqs);
        FUZZ_CHECK((cons & 0x80000000u) == 0, "CMDQ_CONS bit 31 is RES0: 0x%08x", cons);
        // ERR is UNKNOWN while CMDQ_ERR is not active and may take what software writes with CMDQEN == 0:
        // check it when the SMMU raises CMDQ_ERR.
        // (GERROR.CMDQ_ERR toggles then; software can also make it look active through GERRORN).
        uint32_t g_now = (uint32_t)smmu_reg_read(s, GERROR, 4) & 1;
        if ((gerr & 1) && g_now != cmdq_err_was_active)
            FUZZ_CHECK(((cons >> 24) & 0x7F) <= 3, "CMDQ_CONS.ERR 0x%x is not a CERROR code", (cons >> 24) & 0x7F);
        cmdq_err_was_active = g_now;
        FUZZ_CHECK((eprod & 0x7FFFFFFFu) < (2u << eqs), "EVENTQ_PROD 0x%08x beyond the queue (QS %u)", eprod, eqs);
        uint32_t gerror = (uint32_t)smmu_reg_read(s, GERROR, 4);
        FUZZ_CHECK((gerror & ~0x1FDu) == 0, "GERROR 0x%08x sets a reserved bit", gerror);
    }
};

} // namespace fz
