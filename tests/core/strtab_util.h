/* SPDX-License-Identifier: BSD-3-Clause */
// STE and CD encoders (IHI 0070 5.2, 5.4) and white-box access to the core's stream-table state.
#pragma once

#include "harness.h"

extern "C" {
#include "internal.h"
}

namespace stu {

// Set bits [hi:lo] of a 512-bit structure given as eight little-endian qwords (hi, lo: absolute bit numbers).
inline void put(th::Qwords8 &q, unsigned hi, unsigned lo, uint64_t v) {
    unsigned w = lo / 64, l = lo % 64, width = hi - lo + 1;
    uint64_t m = width >= 64 ? ~0ull : ((1ull << width) - 1);
    q[w] = (q[w] & ~(m << l)) | ((v & m) << l);
}

// Stream Table Entry builder; field names follow 5.2, encodings from <smmu/regs.h>; f() sets any field by its
// absolute STE bit numbers.
#define STU_FIELD(W, F, x) set(W, F##_MASK, SMMU_FIELD_PREP(F, x))
#define STU_BIT(W, B, x) set(W, B, (x) ? (B) : 0)
struct Ste {
    th::Qwords8 q{};
    Ste &f(unsigned hi, unsigned lo, uint64_t v) { put(q, hi, lo, v); return *this; }
    Ste &set(unsigned w, uint64_t mask, uint64_t v) { q[w] = (q[w] & ~mask) | (v & mask); return *this; }
    Ste &v(bool b = true) { return STU_BIT(0, SMMU_STE0_V, b); }
    Ste &config(unsigned c) { return STU_FIELD(0, SMMU_STE0_CONFIG, c); }
    Ste &s1fmt(unsigned x) { return STU_FIELD(0, SMMU_STE0_S1FMT, x); }
    Ste &ctxptr(uint64_t pa) { return set(0, SMMU_STE0_S1CONTEXTPTR_MASK, pa); }
    Ste &cdmax(unsigned x) { return STU_FIELD(0, SMMU_STE0_S1CDMAX, x); }
    Ste &s1dss(unsigned x) { return STU_FIELD(1, SMMU_STE1_S1DSS, x); }
    Ste &s1cir(unsigned x) { return STU_FIELD(1, SMMU_STE1_S1CIR, x); }
    Ste &s1cor(unsigned x) { return STU_FIELD(1, SMMU_STE1_S1COR, x); }
    Ste &s1csh(unsigned x) { return STU_FIELD(1, SMMU_STE1_S1CSH, x); }
    Ste &cont(unsigned x) { return STU_FIELD(1, SMMU_STE1_CONT, x); }
    Ste &s2fwb(bool b) { return STU_BIT(1, SMMU_STE1_S2FWB, b); }
    Ste &s1stalld(bool b) { return STU_BIT(1, SMMU_STE1_S1STALLD, b); }
    Ste &eats(unsigned x) { return STU_FIELD(1, SMMU_STE1_EATS, x); }
    Ste &strw(unsigned x) { return STU_FIELD(1, SMMU_STE1_STRW, x); }
    Ste &memattr(unsigned x) { return STU_FIELD(1, SMMU_STE1_MEMATTR, x); }
    Ste &mtcfg(bool b) { return STU_BIT(1, SMMU_STE1_MTCFG, b); }
    Ste &alloccfg(unsigned x) { return STU_FIELD(1, SMMU_STE1_ALLOCCFG, x); }
    Ste &shcfg(unsigned x) { return STU_FIELD(1, SMMU_STE1_SHCFG, x); }
    Ste &privcfg(unsigned x) { return STU_FIELD(1, SMMU_STE1_PRIVCFG, x); }
    Ste &instcfg(unsigned x) { return STU_FIELD(1, SMMU_STE1_INSTCFG, x); }
    Ste &vmid(unsigned x) { return STU_FIELD(2, SMMU_STE2_S2VMID, x); }
    Ste &s2t0sz(unsigned x) { return STU_FIELD(2, SMMU_STE2_S2T0SZ, x); }
    Ste &s2sl0(unsigned x) { return STU_FIELD(2, SMMU_STE2_S2SL0, x); }
    Ste &s2ir0(unsigned x) { return STU_FIELD(2, SMMU_STE2_S2IR0, x); }
    Ste &s2or0(unsigned x) { return STU_FIELD(2, SMMU_STE2_S2OR0, x); }
    Ste &s2sh0(unsigned x) { return STU_FIELD(2, SMMU_STE2_S2SH0, x); }
    Ste &s2tg(unsigned x) { return STU_FIELD(2, SMMU_STE2_S2TG, x); }
    Ste &s2ps(unsigned x) { return STU_FIELD(2, SMMU_STE2_S2PS, x); }
    Ste &s2aa64(bool b) { return STU_BIT(2, SMMU_STE2_S2AA64, b); }
    Ste &s2endi(bool b) { return STU_BIT(2, SMMU_STE2_S2ENDI, b); }
    Ste &s2affd(bool b) { return STU_BIT(2, SMMU_STE2_S2AFFD, b); }
    Ste &s2ptw(bool b) { return STU_BIT(2, SMMU_STE2_S2PTW, b); }
    Ste &s2hd(bool b) { return STU_BIT(2, SMMU_STE2_S2HD, b); }
    Ste &s2ha(bool b) { return STU_BIT(2, SMMU_STE2_S2HA, b); }
    Ste &s2s(bool b) { return STU_BIT(2, SMMU_STE2_S2S, b); }
    Ste &s2r(bool b) { return STU_BIT(2, SMMU_STE2_S2R, b); }
    Ste &s2ttb(uint64_t pa) { return set(3, SMMU_STE3_S2TTB_MASK, pa); }
};

// What Linux writes: stage 1 through one CD (or a table), WBRA/ISH CD fetches, SHCFG incoming.
inline Ste linux_s1(uint64_t cdptr, unsigned cdmax = 0, unsigned fmt = 0) {
    return Ste().v().config(5).s1fmt(fmt).ctxptr(cdptr).cdmax(cdmax).s1dss(cdmax ? 2 : 0)
        .s1cir(1).s1cor(1).s1csh(3).shcfg(1);
}
// Stage 2 only: 48-bit IPA, 4KB granule, start level 0, 48-bit PA, WBRAWA/ISH walks, faults recorded.
inline Ste linux_s2(uint64_t ttb, unsigned vmid = 1) {
    return Ste().v().config(6).shcfg(1).vmid(vmid).s2t0sz(16).s2sl0(2).s2ir0(1).s2or0(1).s2sh0(3)
        .s2tg(0).s2ps(5).s2aa64(true).s2r(true).s2ttb(ttb);
}

// Context Descriptor builder (5.4), encodings from <smmu/regs.h>.
struct Cd {
    th::Qwords8 q{};
    Cd &f(unsigned hi, unsigned lo, uint64_t v) { put(q, hi, lo, v); return *this; }
    Cd &set(unsigned w, uint64_t mask, uint64_t v) { q[w] = (q[w] & ~mask) | (v & mask); return *this; }
    Cd &t0sz(unsigned x) { return STU_FIELD(0, SMMU_CD0_T0SZ, x); }
    Cd &tg0(unsigned x) { return STU_FIELD(0, SMMU_CD0_TG0, x); }
    Cd &ir0(unsigned x) { return STU_FIELD(0, SMMU_CD0_IR0, x); }
    Cd &or0(unsigned x) { return STU_FIELD(0, SMMU_CD0_OR0, x); }
    Cd &sh0(unsigned x) { return STU_FIELD(0, SMMU_CD0_SH0, x); }
    Cd &epd0(bool b) { return STU_BIT(0, SMMU_CD0_EPD0, b); }
    Cd &endi(bool b) { return STU_BIT(0, SMMU_CD0_ENDI, b); }
    Cd &t1sz(unsigned x) { return STU_FIELD(0, SMMU_CD0_T1SZ, x); }
    Cd &tg1(unsigned x) { return STU_FIELD(0, SMMU_CD0_TG1, x); }
    Cd &epd1(bool b) { return STU_BIT(0, SMMU_CD0_EPD1, b); }
    Cd &v(bool b = true) { return STU_BIT(0, SMMU_CD0_V, b); }
    Cd &ips(unsigned x) { return STU_FIELD(0, SMMU_CD0_IPS, x); }
    Cd &affd(bool b) { return STU_BIT(0, SMMU_CD0_AFFD, b); }
    Cd &tbi0(bool b) { return STU_BIT(0, SMMU_CD0_TBI0, b); }
    Cd &aa64(bool b) { return STU_BIT(0, SMMU_CD0_AA64, b); }
    Cd &hd(bool b) { return STU_BIT(0, SMMU_CD0_HD, b); }
    Cd &ha(bool b) { return STU_BIT(0, SMMU_CD0_HA, b); }
    Cd &s(bool b) { return STU_BIT(0, SMMU_CD0_S, b); }
    Cd &r(bool b) { return STU_BIT(0, SMMU_CD0_R, b); }
    Cd &a(bool b) { return STU_BIT(0, SMMU_CD0_A, b); }
    Cd &aset(bool b) { return STU_BIT(0, SMMU_CD0_ASET, b); }
    Cd &asid(unsigned x) { return STU_FIELD(0, SMMU_CD0_ASID, x); }
    Cd &ttb0(uint64_t pa) { return set(1, SMMU_CD1_TTB0_MASK, pa); }
    Cd &ttb1(uint64_t pa) { return set(2, SMMU_CD2_TTB1_MASK, pa); }
    Cd &mair(uint64_t m) { q[3] = m; return *this; }
};
#undef STU_FIELD
#undef STU_BIT

// The CD Linux builds for a DMA domain: ASID 1, T0SZ 16, 4KB, WBWA/ISH walks, EPD1, IPS 44, R/A/ASET, MAIR 0xF404FF44.
inline Cd linux_cd(uint64_t ttb0, unsigned asid = 1) {
    Cd c;
    c.q[0] = 0x0000E204C0003510ull | (uint64_t)asid << 48;
    c.ttb0(ttb0).mair(0xF404FF44ull);
    return c;
}

// Point the SMMU at a stream table and enable it, bypassing the (separately owned) register file.
inline void set_strtab(smmu_t *s, uint64_t base, unsigned log2size, bool two_level = false, unsigned split = 8) {
    s->strtab_base = base;
    s->strtab_base_cfg = log2size | split << 6 | (two_level ? 1u : 0u) << 16;
    s->cr0ack |= CR0_SMMUEN;
}

} // namespace stu
