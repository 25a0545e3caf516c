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

// Stream Table Entry builder; field names follow 5.2, positions are absolute STE bit numbers.
struct Ste {
    th::Qwords8 q{};
    Ste &f(unsigned hi, unsigned lo, uint64_t v) { put(q, hi, lo, v); return *this; }
    Ste &v(bool b = true) { return f(0, 0, b); }
    Ste &config(unsigned c) { return f(3, 1, c); }
    Ste &s1fmt(unsigned x) { return f(5, 4, x); }
    Ste &ctxptr(uint64_t pa) { q[0] = (q[0] & 0xFF0000000000003Full) | (pa & 0x00FFFFFFFFFFFFC0ull); return *this; }
    Ste &cdmax(unsigned x) { return f(63, 59, x); }
    Ste &s1dss(unsigned x) { return f(65, 64, x); }
    Ste &s1cir(unsigned x) { return f(67, 66, x); }
    Ste &s1cor(unsigned x) { return f(69, 68, x); }
    Ste &s1csh(unsigned x) { return f(71, 70, x); }
    Ste &cont(unsigned x) { return f(80, 77, x); }
    Ste &s2fwb(bool b) { return f(89, 89, b); }
    Ste &s1stalld(bool b) { return f(91, 91, b); }
    Ste &eats(unsigned x) { return f(93, 92, x); }
    Ste &strw(unsigned x) { return f(95, 94, x); }
    Ste &memattr(unsigned x) { return f(99, 96, x); }
    Ste &mtcfg(bool b) { return f(100, 100, b); }
    Ste &alloccfg(unsigned x) { return f(104, 101, x); }
    Ste &shcfg(unsigned x) { return f(109, 108, x); }
    Ste &privcfg(unsigned x) { return f(113, 112, x); }
    Ste &instcfg(unsigned x) { return f(115, 114, x); }
    Ste &vmid(unsigned x) { return f(143, 128, x); }
    Ste &s2t0sz(unsigned x) { return f(165, 160, x); }
    Ste &s2sl0(unsigned x) { return f(167, 166, x); }
    Ste &s2ir0(unsigned x) { return f(169, 168, x); }
    Ste &s2or0(unsigned x) { return f(171, 170, x); }
    Ste &s2sh0(unsigned x) { return f(173, 172, x); }
    Ste &s2tg(unsigned x) { return f(175, 174, x); }
    Ste &s2ps(unsigned x) { return f(178, 176, x); }
    Ste &s2aa64(bool b) { return f(179, 179, b); }
    Ste &s2endi(bool b) { return f(180, 180, b); }
    Ste &s2affd(bool b) { return f(181, 181, b); }
    Ste &s2ptw(bool b) { return f(182, 182, b); }
    Ste &s2hd(bool b) { return f(183, 183, b); }
    Ste &s2ha(bool b) { return f(184, 184, b); }
    Ste &s2s(bool b) { return f(185, 185, b); }
    Ste &s2r(bool b) { return f(186, 186, b); }
    Ste &s2ttb(uint64_t pa) { q[3] = (q[3] & ~0x00FFFFFFFFFFFFF0ull) | (pa & 0x00FFFFFFFFFFFFF0ull); return *this; }
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

// Context Descriptor builder (5.4).
struct Cd {
    th::Qwords8 q{};
    Cd &f(unsigned hi, unsigned lo, uint64_t v) { put(q, hi, lo, v); return *this; }
    Cd &t0sz(unsigned x) { return f(5, 0, x); }
    Cd &tg0(unsigned x) { return f(7, 6, x); }
    Cd &ir0(unsigned x) { return f(9, 8, x); }
    Cd &or0(unsigned x) { return f(11, 10, x); }
    Cd &sh0(unsigned x) { return f(13, 12, x); }
    Cd &epd0(bool b) { return f(14, 14, b); }
    Cd &endi(bool b) { return f(15, 15, b); }
    Cd &t1sz(unsigned x) { return f(21, 16, x); }
    Cd &tg1(unsigned x) { return f(23, 22, x); }
    Cd &epd1(bool b) { return f(30, 30, b); }
    Cd &v(bool b = true) { return f(31, 31, b); }
    Cd &ips(unsigned x) { return f(34, 32, x); }
    Cd &affd(bool b) { return f(35, 35, b); }
    Cd &tbi0(bool b) { return f(38, 38, b); }
    Cd &aa64(bool b) { return f(41, 41, b); }
    Cd &hd(bool b) { return f(42, 42, b); }
    Cd &ha(bool b) { return f(43, 43, b); }
    Cd &s(bool b) { return f(44, 44, b); }
    Cd &r(bool b) { return f(45, 45, b); }
    Cd &a(bool b) { return f(46, 46, b); }
    Cd &aset(bool b) { return f(47, 47, b); }
    Cd &asid(unsigned x) { return f(63, 48, x); }
    Cd &ttb0(uint64_t pa) { q[1] = (q[1] & ~0x00FFFFFFFFFFFFF0ull) | (pa & 0x00FFFFFFFFFFFFF0ull); return *this; }
    Cd &ttb1(uint64_t pa) { q[2] = (q[2] & ~0x00FFFFFFFFFFFFF0ull) | (pa & 0x00FFFFFFFFFFFFF0ull); return *this; }
    Cd &mair(uint64_t m) { q[3] = m; return *this; }
};

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
