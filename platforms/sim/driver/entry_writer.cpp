// SPDX-License-Identifier: BSD-3-Clause
#include "entry_writer.h"

#include <smmu/regs.h>

namespace smmusim {

namespace {
constexpr uint64_t STE0_V = SMMU_STE0_V, STE0_CFG = SMMU_STE0_CONFIG_MASK, STE0_S1FMT = SMMU_STE0_S1FMT_MASK,
    STE0_S1CTXPTR = SMMU_STE0_S1CONTEXTPTR_MASK, STE0_S1CDMAX = SMMU_STE0_S1CDMAX_MASK;
constexpr uint64_t STE1_S1DSS = SMMU_STE1_S1DSS_MASK, STE1_S1CIR = SMMU_STE1_S1CIR_MASK, STE1_S1COR = SMMU_STE1_S1COR_MASK,
    STE1_S1CSH = SMMU_STE1_S1CSH_MASK, STE1_MEV = SMMU_STE1_MEV, STE1_S2FWB = SMMU_STE1_S2FWB,
    STE1_S1STALLD = SMMU_STE1_S1STALLD, STE1_EATS = SMMU_STE1_EATS_MASK, STE1_STRW = SMMU_STE1_STRW_MASK,
    STE1_SHCFG = SMMU_STE1_SHCFG_MASK;
constexpr uint64_t STE2_S2VMID = SMMU_STE2_S2VMID_MASK, STE2_VTCR = SMMU_STE2_VTCR_MASK, STE2_S2AA64 = SMMU_STE2_S2AA64,
    STE2_S2ENDI = SMMU_STE2_S2ENDI, STE2_S2PTW = SMMU_STE2_S2PTW, STE2_S2S = SMMU_STE2_S2S, STE2_S2R = SMMU_STE2_S2R;
constexpr uint64_t STE3_S2TTB = SMMU_STE3_S2TTB_MASK;
constexpr uint64_t CD0_V = SMMU_CD0_V, CD0_EPD0 = SMMU_CD0_EPD0, CD0_TCR0 = SMMU_CD0_T0SZ_MASK | SMMU_CD0_TG0_MASK |
    SMMU_CD0_IR0_MASK | SMMU_CD0_OR0_MASK | SMMU_CD0_SH0_MASK;
constexpr uint64_t CD1_TTB0 = SMMU_CD1_TTB0_MASK;
}

Entry ste_used_bits(const Entry &e)
{
    Entry u{};
    u[0] = STE0_V;
    if (!(e[0] & STE0_V)) return u;
    u[0] |= STE0_CFG;
    unsigned cfg = (unsigned)SMMU_FIELD_GET(e[0], SMMU_STE0_CONFIG);
    if (cfg & 1) {
        u[0] |= STE0_S1FMT | STE0_S1CTXPTR | STE0_S1CDMAX;
        u[1] |= STE1_S1DSS | STE1_S1CIR | STE1_S1COR | STE1_S1CSH | STE1_S1STALLD | STE1_STRW | STE1_EATS | STE1_MEV;
        u[2] |= STE2_S2VMID;
        if (SMMU_FIELD_GET(e[1], SMMU_STE1_S1DSS) == SMMU_STE_S1DSS_BYPASS) u[1] |= STE1_SHCFG;   // S1DSS = bypass uses SHCFG (13.5)
    }
    if (cfg & 2) {
        u[1] |= STE1_S2FWB | STE1_EATS | STE1_SHCFG | STE1_MEV;
        u[2] |= STE2_S2VMID | STE2_VTCR | STE2_S2AA64 | STE2_S2ENDI | STE2_S2PTW | STE2_S2S | STE2_S2R;
        u[3] |= STE3_S2TTB;
    }
    if (cfg == SMMU_STE_CONFIG_BYPASS) u[1] |= STE1_SHCFG;
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
