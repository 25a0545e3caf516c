#include "entry_writer.h"

namespace smmusim {

namespace {
constexpr uint64_t STE0_V = 1, STE0_CFG = 7ull << 1, STE0_S1FMT = 3ull << 4, STE0_S1CTXPTR = 0x000FFFFFFFFFFFC0ull,
    STE0_S1CDMAX = 0x1Full << 59;
constexpr uint64_t STE1_S1DSS = 3, STE1_S1CIR = 3ull << 2, STE1_S1COR = 3ull << 4, STE1_S1CSH = 3ull << 6,
    STE1_MEV = 1ull << 19, STE1_S2FWB = 1ull << 25, STE1_S1STALLD = 1ull << 27, STE1_EATS = 3ull << 28,
    STE1_STRW = 3ull << 30, STE1_SHCFG = 3ull << 44;
constexpr uint64_t STE2_S2VMID = 0xFFFF, STE2_VTCR = 0x7FFFFull << 32, STE2_S2AA64 = 1ull << 51,
    STE2_S2ENDI = 1ull << 52, STE2_S2PTW = 1ull << 54, STE2_S2S = 1ull << 57, STE2_S2R = 1ull << 58;
constexpr uint64_t STE3_S2TTB = 0x000FFFFFFFFFFFF0ull;
constexpr uint64_t CD0_V = 1ull << 31, CD0_EPD0 = 1ull << 14, CD0_TCR0 = 0x3Full | 3ull << 6 | 3ull << 8 | 3ull << 10 | 3ull << 12;
constexpr uint64_t CD1_TTB0 = 0x000FFFFFFFFFFFF0ull;
}

Entry ste_used_bits(const Entry &e)
{
    Entry u{};
    u[0] = STE0_V;
    if (!(e[0] & STE0_V)) return u;
    u[0] |= STE0_CFG;
    unsigned cfg = (unsigned)(e[0] >> 1) & 7;
    if (cfg & 1) {
        u[0] |= STE0_S1FMT | STE0_S1CTXPTR | STE0_S1CDMAX;
        u[1] |= STE1_S1DSS | STE1_S1CIR | STE1_S1COR | STE1_S1CSH | STE1_S1STALLD | STE1_STRW | STE1_EATS | STE1_MEV;
        u[2] |= STE2_S2VMID;
        if ((e[1] & STE1_S1DSS) == 1) u[1] |= STE1_SHCFG;   // S1DSS = bypass uses SHCFG (13.5)
    }
    if (cfg & 2) {
        u[1] |= STE1_S2FWB | STE1_EATS | STE1_SHCFG | STE1_MEV;
        u[2] |= STE2_S2VMID | STE2_VTCR | STE2_S2AA64 | STE2_S2ENDI | STE2_S2PTW | STE2_S2S | STE2_S2R;
        u[3] |= STE3_S2TTB;
    }
    if (cfg == 4) u[1] |= STE1_SHCFG;
    return u;
}

Entry cd_used_bits(const Entry &e)
{
    Entry u{};
    u[0] = CD0_V;
    if (!(e[0] & CD0_V)) return u;
    u.fill(~0ull);
    if (e[0] & CD0_EPD0) {   // EPD0: the TTB0 walk fields are IGNORED
        u[0] &= ~CD0_TCR0;
        u[1] &= ~CD1_TTB0;
    }
    return u;
}

EntryUpdate write_entry(PhysMemory &mem, uint64_t pa, const Entry &target, Entry (*used)(const Entry &),
                        const std::function<void()> &sync)
{
    Entry cur;
    for (int i = 0; i < 8; i++) cur[i] = mem.r64(pa + 8 * i);
    EntryUpdate res;
    auto set = [&](const Entry &t, int start, int len) {
        bool changed = false;
        for (int i = start; i < start + len; i++) {
            if (cur[i] != t[i]) { cur[i] = t[i]; mem.w64(pa + 8 * i, t[i]); changed = true; }
        }
        if (changed) { sync(); res.syncs++; }
    };
    Entry cur_used = used(cur), tgt_used = used(target), unused_update;
    unsigned diff = 0;
    for (int i = 0; i < 8; i++) {
        unused_update[i] = (cur[i] & cur_used[i]) | (target[i] & ~cur_used[i]);
        if ((unused_update[i] & tgt_used[i]) != target[i]) diff |= 1u << i;
    }
    if (diff && !(diff & (diff - 1))) {
        int critical = __builtin_ctz(diff);
        unused_update[critical] = cur[critical];
        res.kind = UpdateKind::Hitless;
        set(unused_update, 0, 8);
        set(target, critical, 1);
        set(target, 0, 8);
    } else if (diff) {
        res.kind = UpdateKind::Breaking;
        unused_update[0] = 0;
        set(unused_update, 0, 1);
        set(target, 1, 7);
        set(target, 0, 1);
    } else {
        set(target, 0, 8);
    }
    return res;
}

} // namespace smmusim
