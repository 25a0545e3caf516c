/* SPDX-License-Identifier: BSD-3-Clause */
// A slow, obviously-correct reference translator for the differential test (test_oracle.cpp), written from
// the SMMUv3 translation flow (IHI 0070 3.3, 5.2, 5.4, 7.3, 13) and the VMSAv8-64 walk (Arm ARM D8): no
// caches, no timing, every structure read from memory on every call. Scope (what test_oracle generates):
// linear or 2-level stream table; STE V/Config abort, bypass, S1, S2, nested; linear or 2-level (S1Fmt 1)
// CD tables with S1CDMax and S1DSS; AArch64 4KB granule tables, hierarchical table permissions, blocks at
// levels 1 and 2; Access-flag HTTU (no dirty state); no stall, no PRIVCFG/INSTCFG/MTCFG overrides,
// EPD1 = 1, TBI off, S2FWB off.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "harness.h"

namespace oracle {

struct Out {
    smmu_status_t status = SMMU_ABORT;
    uint64_t pa = 0;
    bool r = false, w = false, x = false;
    uint8_t memattr = 0, sh = 0;
    bool event = false;
    std::array<uint64_t, 4> rec{};
};

inline uint64_t bits(uint64_t v, unsigned hi, unsigned lo) { return (v >> lo) & ((hi - lo == 63) ? ~0ull : ((1ull << (hi - lo + 1)) - 1)); }

struct Fault {
    unsigned id = 0;      // 0: none
    bool s2 = false;
    unsigned cls = 2;     // 0 CD, 1 TT, 2 IN
    uint64_t ipa = 0;
    bool ttrnw = false;
};

// Access permission summary of one stage: read/write/execute for the privileged and unprivileged levels.
struct Perm { bool rp, wp, xp, ru, wu, xu; };

struct Walk {
    uint64_t oa = 0;
    unsigned size_log2 = 12;
    Perm perm{};
    uint8_t attr = 0;      // S1: AttrIndx; S2: MemAttr[3:0]
    bool af_update = false;   // the leaf had AF 0 and HA set: the SMMU must have set AF (3.13)
    uint64_t leaf_ipa = 0;    // the leaf descriptor's address (an IPA when nested)
    unsigned sh = 0;
};

class Ref {
public:
    const th::Memory &mem;
    uint64_t strtab;
    unsigned strtab_log2;
    unsigned oas = 48;
    bool two_level = false;   // STRTAB_BASE_CFG.FMT 2-level, with SPLIT
    unsigned split = 0;
    Ref(const th::Memory &m, uint64_t st, unsigned lg, bool two = false, unsigned sp = 0)
        : mem(m), strtab(st), strtab_log2(lg), two_level(two), split(sp) {}

    // Leaf descriptors (PAs) the last translate() found with AF 0 under HA/S2HA: after a successful
    // translation by the model they must read AF 1.
    const std::vector<uint64_t> &af_leaves() const { return af_leaves_; }

    Out translate(const smmu_txn_t &t) const {
        af_leaves_.clear();
        Out o;
        uint64_t q0 = 0;
        auto rec0 = [&](unsigned id, bool with_ssid) {
            q0 = id | (uint64_t)t.sid << 32;
            if (with_ssid && t.ssv) q0 |= (uint64_t)(t.ssid & 0xFFFFF) << 12 | (id == 0x08 ? 0 : 1ull << 11);
            o.event = true;
            o.rec = {q0, 0, 0, 0};
            o.status = SMMU_ABORT;
            return o;
        };
        if (t.sid >= (1u << strtab_log2)) return rec0(0x02, true);                  // C_BAD_STREAMID
        uint64_t ste_pa = strtab + t.sid * 64ull;
        if (two_level) {   // 3.3.2: L1STD Span 0 (or a SID beyond 2^(Span-1)) is C_BAD_STREAMID
            uint64_t l1 = mem.r64(strtab + (t.sid >> split) * 8ull);
            unsigned span = bits(l1, 4, 0);
            uint32_t lo = t.sid & ((1u << split) - 1);
            if (span == 0 || lo >= (1u << (span - 1))) return rec0(0x02, true);
            ste_pa = (l1 & 0x000FFFFFFFFFFFC0ull) + lo * 64ull;
        }
        uint64_t ste[8];
        for (int i = 0; i < 8; i++) ste[i] = mem.r64(ste_pa + 8 * i);
        if (!(ste[0] & 1)) return rec0(0x04, true);                                // C_BAD_STE
        unsigned config = bits(ste[0], 3, 1);
        if (config == 0) { o.status = SMMU_ABORT; return o; }                     // abort, no event (5.2)
        bool s1 = config & 1, s2 = config & 2;
        if (!s1 && t.ssv) return rec0(0x08, true);   // 7.3.9: a SubstreamID without stage 1 (Config 0b1x0)
        in_attr_ = 0xFF; in_sh_ = 0;                                               // 13.1.3 defaults, SHCFG incoming
        ste_ = ste;
        Fault asz;   // 3.4, 7.3.14: stage 1 not translating and the input beyond IAS (= OAS here): always recorded
        asz.id = 0x11;
        if (config == 4) return t.addr >> oas ? fault(o, t, q0_of(t), asz, true) : out_bypass(t.addr);
        // Substream handling (5.2 S1CDMax, S1DSS; 3.9).
        uint64_t cdaddr = 0;
        unsigned cdmax = bits(ste[0], 63, 59);
        bool s1_active = s1;
        if (s1) {
            uint32_t ssid = 0;
            if (t.ssv) {
                if (cdmax == 0 || t.ssid >= (1u << cdmax)) return rec0(0x08, true);   // C_BAD_SUBSTREAMID
                if (t.ssid == 0 && bits(ste[1], 1, 0) == 2) return rec0(0x06, false);  // 5.2 S1DSS 0b10: SSID 0 reserved
                ssid = t.ssid;
            } else if (cdmax != 0) {
                unsigned s1dss = bits(ste[1], 1, 0);
                if (s1dss == 0 || s1dss == 3) return rec0(0x06, false);           // F_STREAM_DISABLED (5.2)
                if (s1dss == 1) s1_active = false;
            }
            cdaddr = (ste[0] & 0x000FFFFFFFFFFFC0ull) + ssid * 64ull;
            // S1Fmt 1: L1CD[ssid >> 6], 4KB leaves of 64 CDs; IGNORED with S1CDMax 0 (one CD) (5.2)
            if (s1_active && cdmax != 0 && bits(ste[0], 5, 4) == 1) {
                uint64_t l1addr = (ste[0] & 0x000FFFFFFFFFFFC0ull) + (ssid >> 6) * 8ull, l1pa = l1addr;
                if (s2) {
                    Fault f;
                    Walk wc;
                    if (!walk_s2(l1addr, false, false, &wc, &f, 0)) return fault(o, t, q0_of(t), f);
                    l1pa = wc.oa;
                }
                uint64_t l1 = mem.r64(l1pa);
                if (!(l1 & 1)) return rec0(0x08, true);                           // 7.3.9: L1CD.V == 0
                cdaddr = (l1 & 0x000FFFFFFFFFF000ull) + (ssid & 63) * 64ull;
            }
        }
        if (!s1_active && t.addr >> oas) return fault(o, t, q0_of(t), asz, true);
        uint64_t ia = t.addr, ipa = t.addr;
        Walk w1;
        bool have_s1 = false;
        uint64_t cd[8];   // cd_ points here until the translation ends (fault records and MAIR read it)
        if (s1_active) {
            uint64_t cdpa = cdaddr;
            if (s2) {   // the CD address is an IPA (CLASS CD)
                Fault f;
                Walk wc;
                if (!walk_s2(cdaddr, false, false, &wc, &f, 0)) return fault(o, t, q0_of(t), f);
                cdpa = wc.oa;
            }
            for (int i = 0; i < 8; i++) cd[i] = mem.r64(cdpa + 8 * i);
            if (!bits(cd[0], 31, 31)) return rec0(0x0A, true);                    // C_BAD_CD
            cd_ = cd;
            Fault f;
            if (!walk_s1(t, ia, s2, &w1, &f)) return fault(o, t, q0_of(t), f);
            ipa = w1.oa;
            have_s1 = true;
        }
        Perm p = have_s1 ? w1.perm : Perm{true, true, true, true, true, true};
        uint8_t mair = have_s1 ? mair_of(w1.attr) : in_attr_;
        unsigned sh = have_s1 ? w1.sh : in_sh_;
        if (have_s1 && !perm_ok(w1.perm, t)) { Fault f; f.id = 0x13; return fault(o, t, q0_of(t), f); }
        if (have_s1 && w1.af_update && s2) {   // the AF update is a stage-2 write to the descriptor (TTRnW 0)
            Walk wu;
            Fault f;
            if (!walk_s2(w1.leaf_ipa, true, false, &wu, &f, 1, nullptr, true)) return fault(o, t, q0_of(t), f);
        }
        uint64_t pa = ipa;
        if (s2) {
            Walk w2;
            Fault f;
            if (!walk_s2(ipa, t.write, t.instr, &w2, &f, 2, &t)) return fault(o, t, q0_of(t), f);
            pa = w2.oa;
            p = {p.rp && w2.perm.rp, p.wp && w2.perm.wp, p.xp && w2.perm.xp, p.ru && w2.perm.ru, p.wu && w2.perm.wu, p.xu && w2.perm.xu};
            combine_s2(&mair, &sh, w2.attr, w2.sh);
        }
        o.status = SMMU_OK;
        o.pa = pa;
        o.r = t.priv ? p.rp : p.ru;
        o.w = t.priv ? p.wp : p.wu;
        o.x = t.priv ? p.xp : p.xu;
        o.memattr = mair;
        o.sh = (mair >> 4) == 0 || mair == 0x44 ? 2 : sh;
        return o;
    }

private:
    mutable const uint64_t *ste_ = nullptr, *cd_ = nullptr;
    mutable std::vector<uint64_t> af_leaves_;
    mutable uint8_t in_attr_ = 0xFF;
    mutable unsigned in_sh_ = 0;

    Out out_bypass(uint64_t a) const {
        Out o;
        o.status = SMMU_OK; o.pa = a; o.r = o.w = o.x = true; o.memattr = in_attr_; o.sh = in_sh_;
        return o;
    }
    static uint64_t q0_of(const smmu_txn_t &t) {
        uint64_t q = (uint64_t)t.sid << 32;
        if (t.ssv) q |= (uint64_t)(t.ssid & 0xFFFFF) << 12 | 1ull << 11;
        return q;
    }
    // A translation-related fault: recorded if the stage's R bit is set (CD.R / STE.S2R), else silent abort.
    Out fault(Out &o, const smmu_txn_t &t, uint64_t q0, const Fault &f, bool always = false) const {
        o.status = SMMU_ABORT;
        bool record = always || (f.s2 ? bits(ste_[2], 58, 58) : bits(cd_[0], 45, 45));
        if (!record) return o;
        o.event = true;
        o.rec[0] = q0 | f.id;
        o.rec[1] = (uint64_t)t.priv << 33 | (uint64_t)(t.instr && !t.write) << 34 | (uint64_t)!t.write << 35 |
                   (uint64_t)f.s2 << 39 | (uint64_t)f.cls << 40 | (uint64_t)(f.ttrnw && f.cls == 1 && f.id == 0x13) << 44;
        o.rec[2] = t.addr;
        o.rec[3] = f.s2 ? f.ipa & 0x000FFFFFFFFFF000ull : 0;
        return o;
    }
    static bool perm_ok(const Perm &p, const smmu_txn_t &t) {
        if (t.instr && !t.write) return t.priv ? p.xp : p.xu;
        if (t.write) return t.priv ? p.wp : p.wu;
        return t.priv ? p.rp : p.ru;
    }
    uint8_t mair_of(unsigned idx) const { return (uint8_t)(cd_[3] >> (8 * idx)); }

    // Stage 1 (D8.2, D8.4): TTB0 only, 4KB granule, start level from T0SZ; table addresses are IPAs when
    // stage 2 is enabled (CLASS TT).
    bool walk_s1(const smmu_txn_t &, uint64_t va, bool nested, Walk *w, Fault *f) const {
        const uint64_t *cd = cd_;
        unsigned t0sz = bits(cd[0], 5, 0), ips_f = bits(cd[0], 34, 32);
        static const unsigned ps[] = {32, 36, 40, 42, 44, 48, 52, 52};
        unsigned ips = ps[ips_f] < oas ? ps[ips_f] : oas;
        f->s2 = false; f->cls = 2;
        if (va >> (64 - t0sz)) { f->id = 0x10; return false; }                  // outside TTB0 (EPD1)
        unsigned level = 4 - (64 - t0sz - 12 + 8) / 9;
        uint64_t table = cd[1] & 0x000FFFFFFFFFFFF0ull & ~0xFFFull;
        bool apt0 = false, apt1 = false, uxnt = false, pxnt = false;
        for (;; level++) {
            unsigned shift = 39 - 9 * (level);
            uint64_t daddr = table + ((va >> shift) & 0x1FF) * 8, dpa = daddr;
            if (nested) {
                Walk wt;
                if (!walk_s2(daddr, false, false, &wt, f, 1)) return false;
                dpa = wt.oa;
            }
            uint64_t d = mem.r64(dpa);
            f->s2 = false; f->cls = 2;
            if (!(d & 1) || (level == 3 && !(d & 2)) || (level == 0 && !(d & 2))) { f->id = 0x10; return false; }
            uint64_t oa = d & 0x0000FFFFFFFFF000ull;
            if (level < 3 && (d & 2)) {   // table
                if (oa >> ips) { f->id = 0x11; return false; }
                apt0 |= (d >> 61) & 1; apt1 |= (d >> 62) & 1; uxnt |= (d >> 60) & 1; pxnt |= (d >> 59) & 1;
                table = oa;
                continue;
            }
            unsigned size_log2 = shift;
            oa &= ~((1ull << size_log2) - 1);
            if (oa >> ips) { f->id = 0x11; return false; }
            w->af_update = !(d & 0x400) && bits(cd[0], 43, 43);                   // CD.HA: HTTU sets AF
            if (!(d & 0x400) && !w->af_update) { f->id = 0x12; return false; }     // AF fault without HA
            if (w->af_update) af_leaves_.push_back(dpa);
            w->leaf_ipa = daddr;
            bool ap1 = (d >> 6) & 1, ap2 = (d >> 7) & 1;
            bool ro = ap2 || apt1, el0 = ap1 && !apt0;
            bool wu = el0 && !ro;
            w->perm.rp = true; w->perm.wp = !ro;
            w->perm.ru = el0; w->perm.wu = wu;
            w->perm.xu = !((d >> 54) & 1) && !uxnt;                             // EL0 execute-only is possible
            w->perm.xp = !((d >> 53) & 1) && !pxnt && !wu;                     // EL0-writable: never PXN-free
            w->oa = oa | (va & ((1ull << size_log2) - 1));
            w->size_log2 = size_log2;
            w->attr = bits(d, 4, 2);
            w->sh = bits(d, 9, 8);
            return true;
        }
    }

    // Stage 2 (D8.2): 4KB granule, S2T0SZ/S2SL0, output limited by S2PS. cls: 0 CD, 1 TT, 2 IN.
    bool walk_s2(uint64_t ipa, bool write, bool instr, Walk *w, Fault *f, unsigned cls, const smmu_txn_t *t = nullptr,
                 bool desc_write = false) const {
        const uint64_t *ste = ste_;
        unsigned t0sz = bits(ste[2], 37, 32), sl0 = bits(ste[2], 39, 38), ps_f = bits(ste[2], 50, 48);
        static const unsigned ps[] = {32, 36, 40, 42, 44, 48, 52, 52};
        unsigned pas = ps[ps_f] < oas ? ps[ps_f] : oas;
        f->s2 = true; f->cls = cls; f->ipa = ipa; f->ttrnw = cls == 1;
        if (ipa >> (64 - t0sz)) { f->id = 0x10; return false; }
        unsigned level = 2 - sl0;
        uint64_t table = ste[3] & 0x000FFFFFFFFFFFF0ull & ~0xFFFull;
        for (;; level++) {
            unsigned shift = 39 - 9 * level;
            uint64_t d = mem.r64(table + ((ipa >> shift) & 0x1FF) * 8);
            if (!(d & 1) || (level == 3 && !(d & 2)) || (level == 0 && !(d & 2))) { f->id = 0x10; return false; }
            uint64_t oa = d & 0x0000FFFFFFFFF000ull;
            if (level < 3 && (d & 2)) {
                if (oa >> pas) { f->id = 0x11; return false; }
                table = oa;
                continue;
            }
            oa &= ~((1ull << shift) - 1);
            if (oa >> pas) { f->id = 0x11; return false; }
            bool s2ha = bits(ste[2], 56, 56);
            if (!(d & 0x400) && !s2ha) { f->id = 0x12; return false; }
            if (!(d & 0x400)) af_leaves_.push_back(table + ((ipa >> shift) & 0x1FF) * 8);
            bool rd = (d >> 6) & 1, wr = (d >> 7) & 1;
            unsigned xn = bits(d, 54, 53);   // XNX: 0 both, 1 EL1 no, 2 none, 3 EL0 no
            bool xp = xn == 0 || xn == 3, xu = xn == 0 || xn == 1;
            w->perm = {rd, wr, xp, rd, wr, xu};
            bool ok;
            if (desc_write) { ok = wr; f->ttrnw = false; }           // an HTTU update of a stage-1 descriptor
            else if (cls != 2) ok = rd;                              // table walks and CD fetches: reads
            else if (instr && !write) ok = t->priv ? xp : xu;
            else ok = write ? wr : rd;
            if (!ok) { f->id = 0x13; return false; }
            w->oa = oa | (ipa & ((1ull << shift) - 1));
            w->size_log2 = shift;
            w->attr = bits(d, 5, 2);
            w->sh = bits(d, 9, 8);
            return true;
        }
    }

    // Arm ARM D8.6.5 (S2FWB off): the more restrictive of the two types; the stage-1 hints are kept.
    static void combine_s2(uint8_t *mair, unsigned *sh, unsigned m2, unsigned sh2) {
        bool dev1 = (*mair >> 4) == 0, dev2 = (m2 >> 2) == 0;
        if (dev1 || dev2) {
            unsigned t1 = dev1 ? (*mair >> 2) & 3 : 3, t2 = dev2 ? m2 & 3 : 3;
            *mair = (uint8_t)((t1 < t2 ? t1 : t2) << 2);
            *sh = 2;
            return;
        }
        auto lvl = [](unsigned nib, unsigned f2) -> unsigned {   // nibble of stage 1 limited by stage-2 field
            unsigned c1 = nib == 4 ? 0 : (nib & 4) ? 2 : 1, c2 = f2 == 1 ? 0 : f2 == 2 ? 1 : 2;
            unsigned c = c1 < c2 ? c1 : c2;
            if (c == 0) return 4;
            return (c == 2 ? 0xC : 0x8) | (nib == 4 ? 3 : nib & 3);
        };
        *mair = (uint8_t)(lvl(*mair >> 4, m2 >> 2) << 4 | lvl(*mair & 0xF, m2 & 3));
        unsigned a = *sh == 1 ? 0 : *sh, b = sh2 == 1 ? 0 : sh2;
        *sh = (a == 2 || b == 2) ? 2 : (a == 3 || b == 3) ? 3 : 0;
    }
};

} // namespace oracle
