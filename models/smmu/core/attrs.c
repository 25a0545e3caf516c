/* SPDX-License-Identifier: BSD-3-Clause */
/* Attribute transformation (IHI 0070 chapter 13; Arm ARM D8.6 for the stage-2 combine and MAIR encodings). */
#include "attrs.h"

enum { NC = 0, WT = 1, WB = 2 };           /* cacheability of one level, weakest first */
enum { SH_NSH = 0, SH_OSH = 2, SH_ISH = 3 };

/* One level (inner or outer) of a Normal type: cacheability and its allocation/transient hints. */
typedef struct level {
    uint8_t cache;
    bool ra, wa, tr;
} level_t;

static bool is_device(uint8_t mair) { return (mair >> 4) == 0; }

/* A MAIR nibble (Arm ARM MAIR_ELx oooo/iiii): 0b00RW WT transient, 0b0100 NC, 0b01RW WB transient,
 * 0b10RW WT, 0b11RW WB; RW != 0 for the transient forms. */
static level_t level_of(unsigned n)
{
    if (n == 4) return (level_t){ NC, false, false, false };
    return (level_t){ (uint8_t)((n & 4) ? WB : WT), (n & 2) != 0, (n & 1) != 0, (n & 8) == 0 };
}

/* The nibble of a level, consistent as 13.1.7 asks: NC has no hints; no-allocate is non-transient. */
static unsigned nibble_of(level_t l)
{
    if (l.cache == NC) return 4;
    unsigned rw = (l.ra ? 2u : 0u) | (l.wa ? 1u : 0u);
    bool transient = l.tr && rw;
    return (transient ? 0u : 8u) | (l.cache == WB ? 4u : 0u) | rw;
}

static uint8_t normal(level_t outer, level_t inner) { return (uint8_t)(nibble_of(outer) << 4 | nibble_of(inner)); }

/* Stage-2 style MemAttr cacheability field (0b01 NC, 0b10 WT, 0b11 WB) as a level with default hints (13.1.3). */
static level_t level_of_field(unsigned f)
{
    return (level_t){ (uint8_t)(f == 1 ? NC : f == 2 ? WT : WB), true, true, false };
}

uint8_t smmu_attr_from_memattr(unsigned m)
{
    m &= 0xF;
    if ((m >> 2) == 0) return (uint8_t)((m & 3) << 2);       /* Device-nGnRnE/nGnRE/nGRE/GRE */
    /* Reserved 0b0100, 0b1000, 0b1100 (no MTE_PERM): Device-nGnRnE, as STE.MemAttr defines them (5.2). */
    if ((m & 3) == 0) return 0x00;
    return normal(level_of_field(m >> 2), level_of_field(m & 3));
}

uint8_t smmu_attr_s1_norm(uint8_t mair)
{
    if (is_device(mair)) return mair & 0x0C;                  /* dd; the XS=0 forms (0b0000dd01) are the same type */
    /* 0x40/0xA0 (FEAT_XS) and 0xF0 (Tagged, FEAT_MTE2) use the outer type for both levels; the other
     * 0bxxxx0000 values are UNPREDICTABLE and are read the same way. */
    if ((mair & 0xF) == 0) mair |= mair >> 4;
    return normal(level_of(mair >> 4), level_of(mair & 0xF));
}

static uint8_t sh_norm(unsigned sh) { return sh == 1 ? SH_NSH : (uint8_t)sh; }   /* 0b01 Reserved: NSH */

smmu_attr_t smmu_attr_consistent(smmu_attr_t a)
{
    a.sh = sh_norm(a.sh);
    if (is_device(a.mair) || a.mair == 0x44) a.sh = SH_OSH;
    return a;
}

smmu_attr_t smmu_attr_override(smmu_attr_t in, bool mtcfg, unsigned memattr, unsigned alloccfg, unsigned shcfg)
{
    smmu_attr_t a = in;
    if (mtcfg) a.mair = smmu_attr_from_memattr(memattr);   /* a cacheable override of an NC input: RA-WA-nTR (13.1.4) */
    if ((alloccfg & 8) && !is_device(a.mair)) {
        /* 0b1RWT replaces the hints of both cacheable levels; NC and Device have none. MTCFG = 0 may or may not
         * let ALLOCCFG act (CONSTRAINED UNPREDICTABLE, 5.2): the model applies it. */
        level_t o = level_of(a.mair >> 4), i = level_of(a.mair & 0xF);
        bool ra = alloccfg & 4, wa = alloccfg & 2, tr = alloccfg & 1;
        if (o.cache != NC) { o.ra = ra; o.wa = wa; o.tr = tr; }
        if (i.cache != NC) { i.ra = ra; i.wa = wa; i.tr = tr; }
        a.mair = normal(o, i);
    }
    if (shcfg != 1) a.sh = (uint8_t)shcfg;                    /* 0b01: use incoming */
    return smmu_attr_consistent(a);
}

/* Allocation/transient hints combine to the stronger value: no-allocate and transient win (13.1.5). */
static level_t hints_combine(level_t a, level_t b)
{
    a.ra = a.ra && b.ra;
    a.wa = a.wa && b.wa;
    a.tr = a.tr || b.tr;
    return a;
}

smmu_attr_t smmu_attr_stage1(smmu_attr_t in, smmu_attr_t s1)
{
    smmu_attr_t a = { smmu_attr_s1_norm(s1.mair), s1.sh };
    if (!is_device(in.mair) && !is_device(a.mair)) {
        level_t io = level_of(in.mair >> 4), ii = level_of(in.mair & 0xF);
        level_t o = level_of(a.mair >> 4), i = level_of(a.mair & 0xF);
        if (io.cache != NC && o.cache != NC) o = hints_combine(o, io);
        if (ii.cache != NC && i.cache != NC) i = hints_combine(i, ii);
        a.mair = normal(o, i);
    }
    return smmu_attr_consistent(a);
}

/* Shareability combine for Normal results: OSH over ISH over NSH (Arm ARM Table D8-103). */
static uint8_t sh_combine(unsigned a, unsigned b)
{
    static const uint8_t rank[4] = { 0, 0, 2, 1 };
    a = sh_norm(a);
    b = sh_norm(b);
    return rank[a] >= rank[b] ? (uint8_t)a : (uint8_t)b;
}

/* Device types combine to the stronger: nGnRnE (dd 0) over nGnRE over nGRE over GRE (Table D8-97). */
static uint8_t device_combine(uint8_t a, uint8_t b)
{
    if (!is_device(a)) return b;
    if (!is_device(b)) return a;
    return a < b ? a : b;
}

static level_t cache_combine(level_t in, level_t s2) { if (s2.cache < in.cache) in.cache = s2.cache; return in; }

smmu_attr_t smmu_attr_stage2(smmu_attr_t in, unsigned m, unsigned s2sh, bool fwb)
{
    smmu_attr_t a = { in.mair, sh_combine(in.sh, s2sh) };
    m &= 0xF;
    if (!fwb) {
        /* Device wins, the stronger Device type wins, and each level takes the weaker cacheability
         * (Arm ARM D8.6.5.1, D8.6.5.2); stage 2 has no hints, so the input's pass through (13.4.3). */
        uint8_t s2 = smmu_attr_from_memattr(m);
        if (is_device(in.mair) || is_device(s2)) {
            a.mair = device_combine(in.mair, s2);
        } else {
            level_t o = cache_combine(level_of(in.mair >> 4), level_of(s2 >> 4));
            level_t i = cache_combine(level_of(in.mair & 0xF), level_of(s2 & 0xF));
            a.mair = normal(o, i);
        }
        return smmu_attr_consistent(a);
    }
    /* STE.S2FWB (Arm ARM D8.6.6, Table D8-101; MemAttr[3] RES0 without FEAT_MTE_PERM). */
    if (!(m & 4)) {
        a.mair = device_combine(in.mair, (uint8_t)((m & 3) << 2));   /* MemAttr[2] = 0: Device<MemAttr[1:0]> */
        return smmu_attr_consistent(a);
    }
    switch (m & 3) {
    case 0:                                  /* Reserved: behaves as 0b01 */
    case 1:                                  /* Non-cacheable unless stage 1 is Device */
        if (!is_device(in.mair)) a.mair = 0x44;
        break;
    case 2: {                                /* Write-Back: stage-1 hints where it was cacheable, else RA-WA-nTR */
        level_t o = level_of(is_device(in.mair) ? 0xF : in.mair >> 4);
        level_t i = level_of(is_device(in.mair) ? 0xF : in.mair & 0xF);
        if (o.cache == NC) o = level_of(0xF);
        if (i.cache == NC) i = level_of(0xF);
        o.cache = i.cache = WB;
        a.mair = normal(o, i);
        break;
    }
    default:                                 /* 0b11: the stage-1 (input) attribute */
        break;
    }
    return smmu_attr_consistent(a);
}
