/* SPDX-License-Identifier: BSD-3-Clause */
/* Stream table walk (IHI 0070 6.3.24/6.3.25, 5.1) and STE decode/validity (5.2, 5.2.2 SteIllegal). */
#include "internal.h"

#define ADDR_55_6   0x00FFFFFFFFFFFFC0ull
#define ADDR_51_4   0x000FFFFFFFFFFFF0ull

static uint64_t low_mask(unsigned bits) { return bits >= 64 ? ~0ull : (1ull << bits) - 1; }

/* Bits of an encoded PS/IPS value, after the reserved encodings (5.2 S2PS, 5.4 IPS). */
unsigned smmu_ps_bits(const struct smmu_core *s, unsigned ps)
{
    static const uint8_t bits[] = { 32, 36, 40, 42, 44, 48, 52, 52 };
    if (s->cfg.arch_minor == 0 && ps > 5) ps = 5;      /* v3.0: 0b110/0b111 behave as 0b101 */
    return bits[ps & 7];                                /* v3.1-3.3: 0b111 behaves as 0b110 */
}

static unsigned ps_encode(unsigned bits)
{
    switch (bits) {
    case 32: return 0; case 36: return 1; case 40: return 2; case 42: return 3;
    case 44: return 4; case 48: return 5; default: return 6;
    }
}

/* Effective PS/IPS bits capped to the OAS (5.2 S2PS eff_S2PS, 5.4 IPS eff_IPS). */
unsigned smmu_eff_ps_bits(const struct smmu_core *s, unsigned ps)
{
    unsigned b = smmu_ps_bits(s, ps);
    return b < s->cfg.oas_bits ? b : s->cfg.oas_bits;
}

/* IAS: MAX(40, OAS) when AArch32 tables are supported, else OAS (3.4). */
unsigned smmu_ias_bits(const struct smmu_core *s)
{
    return s->cfg.ttf_aarch32 && s->cfg.oas_bits < 40 ? 40 : s->cfg.oas_bits;
}

bool smmu_granule_supported(const struct smmu_core *s, unsigned log2)
{
    return (log2 == 12 && s->cfg.gran4k) || (log2 == 14 && s->cfg.gran16k) || (log2 == 16 && s->cfg.gran64k);
}

/* Stage-2 start level from SL0 and the granule (Arm ARM AArch64.S2StartLevel, AArch32 VTCR.SL0); -1 if reserved. */
static int s2_start_level(const struct smmu_core *s, bool aa64, unsigned sl0, unsigned g)
{
    unsigned pamax = s->cfg.oas_bits;
    if (!aa64) return sl0 == 0 ? 2 : sl0 == 1 ? 1 : -1;
    switch (g) {
    case 12: return sl0 == 0 ? 2 : sl0 == 1 ? 1 : (sl0 == 2 && pamax >= 44) ? 0 : -1;  /* SL0=3 needs FEAT_TTST */
    case 14: return sl0 == 0 ? 3 : sl0 == 1 ? 2 : (sl0 == 2 && pamax >= 42) ? 1 : -1;  /* SL0=3 needs DS=1 */
    default: return sl0 == 0 ? 3 : sl0 == 1 ? 2 : (sl0 == 2 && pamax >= 44) ? 1 : -1;
    }
}

/* Arm ARM AArch64.S2InconsistentSL: the input size must be resolvable from the start level, with
 * at most 16 concatenated tables there (5.2.1: an inconsistency makes the STE ILLEGAL). */
static bool s2_walk_inconsistent(const struct smmu_core *s, bool aa64, unsigned sl0, unsigned g, int iasize)
{
    int level = s2_start_level(s, aa64, sl0, g);
    if (level < 0) return true;
    int stride = (int)g - 3;
    int min = (3 - level) * stride + (int)g + 1;
    int max = min + (stride - 1) + 4;
    return iasize < min || iasize > max;
}

/* STES2T0SZInvalid (5.2.2), for VMSAv8-64 without STT, DS or D128. */
static bool s2t0sz_invalid(const struct smmu_core *s, unsigned t0sz, unsigned g)
{
    int ias = (int)smmu_ias_bits(s);
    int min = s->cfg.arch_minor == 0 ? 64 - ias : (g == 16 ? 12 : 16);
    if (64 - ias > min) min = 64 - ias;
    return (int)t0sz < min || t0sz > 39;
}

static bool addr_beyond(uint64_t addr, unsigned bits) { return bits < 64 && (addr >> bits) != 0; }

int smmu_ste_decode(const struct smmu_core *s, const uint64_t raw[8], smmu_ste_t *e)
{
    const smmu_config_t *c = &s->cfg;
    uint64_t q0 = raw[0], q1 = raw[1], q2 = raw[2], q3 = raw[3];
    memset(e, 0, sizeof *e);
    e->valid = q0 & 1;
    if (!e->valid) return EVT_C_BAD_STE;                       /* V == 0 (5.2) */
    unsigned config = (unsigned)smmu_bits(q0, 3, 1);
    e->cont = (uint8_t)smmu_bits(q1, 16, 13);
    e->mev = smmu_bits(q1, 19, 19);
    e->dre = smmu_bits(q1, 12, 12);
    e->dcp = smmu_bits(q1, 17, 17);
    e->ppar = c->pri && c->ssidsize && smmu_bits(q1, 18, 18); /* RES0 without PRI or substreams */
    if (c->attr_types_ovr) {                                   /* else RES0: incoming type, hints, shareability */
        e->mtcfg = smmu_bits(q1, 36, 36);
        e->memattr = (uint8_t)smmu_bits(q1, 35, 32);
        if (e->memattr && !(e->memattr & 3)) e->memattr = 0;   /* 0b0100/0b1000/0b1100 behave as Device-nGnRnE */
        e->alloccfg = (uint8_t)smmu_bits(q1, 40, 37);
        e->shcfg = (uint8_t)smmu_bits(q1, 45, 44);
    } else {
        e->shcfg = 1;
    }
    e->nscfg = (uint8_t)smmu_bits(q1, 47, 46);                 /* IGNORED for a Non-secure STE; kept for reporting */
    if (c->attr_perms_ovr) {                                   /* else RES0: incoming PRIV/INST */
        e->privcfg = (uint8_t)smmu_bits(q1, 49, 48);
        e->instcfg = (uint8_t)smmu_bits(q1, 51, 50);
        if (e->privcfg == 1) e->privcfg = 0;                   /* Reserved, behaves as 0b00 */
        if (e->instcfg == 1) e->instcfg = 0;
    }
    if (!(config & 4)) { e->config = STE_CFG_ABORT; return 0; } /* 0b0xx: abort, reserved values behave as 0b000 */
    e->config = (uint8_t)config;
    e->s1_enabled = config & 1;
    e->s2_enabled = (config & 2) != 0;

    if (e->s1_enabled && !c->s1p) return EVT_C_BAD_STE;         /* Config 0b1x1 without S1P */
    if (e->s2_enabled && !c->s2p) return EVT_C_BAD_STE;         /* Config 0b11x without S2P */

    uint8_t s2s = (uint8_t)smmu_bits(q2, 57, 57);
    /* EATS is IGNORED without ATS or for Config 0b100 (effective 0b00). */
    if (c->ats && config != STE_CFG_BYPASS) {
        unsigned eats = (unsigned)smmu_bits(q1, 29, 28);
        if (eats == 2 && (config != STE_CFG_NESTED || s2s)) return EVT_C_BAD_STE;  /* split-stage needs 0b111, S2S=0 */
        if (eats == 1 && s2s && (e->s2_enabled || c->arch_minor == 0)) return EVT_C_BAD_STE; /* full ATS with S2S */
        e->eats = eats == 3 ? 0 : (uint8_t)eats;               /* 0b11 without IDR3.DPT behaves as 0b00 */
    }

    /* STRW is unused without S1P or HYP, with stage 2 enabled, or for bypass (IgnoreSTESTRW). */
    bool strw_unused = !c->s1p || !c->hyp || e->s2_enabled || config == STE_CFG_BYPASS;
    unsigned strw = (unsigned)smmu_bits(q1, 31, 30);
    if (!strw_unused) {
        if (strw & 1) return EVT_C_BAD_STE;                     /* STRW 0bx1 reserved for Non-secure */
        e->strw = (uint8_t)strw;
    }
    /* S2VMID: ILLEGAL high byte with 8-bit VMIDs unless IGNORED (IgnoreSTES2VMID). */
    bool vmid_ignored = !c->s2p || config == STE_CFG_BYPASS || e->strw != STE_STRW_NSEL1;
    e->s2vmid = (uint16_t)smmu_bits(q2, 15, 0);
    if (!vmid_ignored && !c->vmid16 && (e->s2vmid >> 8)) return EVT_C_BAD_STE;
    if (vmid_ignored) e->s2vmid = 0;

    if (e->s1_enabled) {
        e->s1stalld = smmu_bits(q1, 27, 27);
        if (e->s1stalld && c->stall_model != 0) return EVT_C_BAD_STE;   /* S1STALLD needs a configurable stall model */
        unsigned cdmax = (unsigned)smmu_bits(q0, 63, 59);
        if (c->ssidsize == 0) cdmax = 0;                        /* S1CDMax IGNORED without substreams */
        if (cdmax > c->ssidsize) return EVT_C_BAD_STE;          /* allowable range 0..SSIDSIZE */
        e->s1cdmax = (uint8_t)cdmax;
        unsigned fmt = (unsigned)smmu_bits(q0, 5, 4);
        if (fmt == 3 || cdmax == 0) fmt = 0;                    /* 0b11 behaves as 0b00; IGNORED for one CD */
        if (fmt && !c->cd2l) return EVT_C_BAD_STE;              /* 2-level CD table without IDR0.CD2L */
        e->s1fmt = (uint8_t)fmt;
        e->s1contextptr = q0 & ADDR_55_6;
        /* S1ContextPtr beyond the IAS (nested) or OAS (3.4.3: C_BAD_STE in v3.1+, one permitted choice in v3.0). */
        if (addr_beyond(e->s1contextptr, e->s2_enabled ? smmu_ias_bits(s) : c->oas_bits)) return EVT_C_BAD_STE;
        e->s1dss = (uint8_t)smmu_bits(q1, 1, 0);
        if (e->s1dss == 3) e->s1dss = STE_S1DSS_TERMINATE;      /* 0b11 behaves as 0b00 */
        e->s1cir = (uint8_t)smmu_bits(q1, 3, 2);
        e->s1cor = (uint8_t)smmu_bits(q1, 5, 4);
        e->s1csh = (uint8_t)smmu_bits(q1, 7, 6);
        if (e->s1csh == 1) e->s1csh = 0;                        /* Reserved, behaves as Non-shareable */
    }

    if (e->s2_enabled) {
        e->s2aa64 = smmu_bits(q2, 51, 51);
        e->s2s = s2s;
        e->s2r = smmu_bits(q2, 58, 58);
        if (s2s && c->stall_model == 1) return EVT_C_BAD_STE;   /* stalls not supported */
        if (!s2s && c->stall_model == 2) return EVT_C_BAD_STE;  /* stalls forced */
        if (!e->s2aa64 && !c->ttf_aarch32) return EVT_C_BAD_STE; /* VMSAv8-32 LPAE not supported (IDR0.TTF) */
        e->s2fwb = c->fwb && c->arch_minor >= 2 && smmu_bits(q1, 25, 25);
        if (e->s2fwb && !e->s2aa64) return EVT_C_BAD_STE;       /* S2FWB with VMSAv8-32 LPAE */
        e->s2ha = smmu_bits(q2, 56, 56);
        e->s2hd = smmu_bits(q2, 55, 55);
        if ((e->s2ha || e->s2hd) && (!e->s2aa64 || c->httu == 0)) return EVT_C_BAD_STE; /* HTTU not available */
        if (e->s2hd && c->httu == 1) return EVT_C_BAD_STE;     /* dirty-state update not supported */
        if (!e->s2ha) e->s2hd = false;                           /* {S2HA,S2HD} = 0b01 behaves as 0b00 */
        e->s2endi = smmu_bits(q2, 52, 52);
        if (c->ttendian == 2 && e->s2endi) return EVT_C_BAD_STE;   /* big-endian tables not implemented */
        if (c->ttendian == 3 && !e->s2endi) return EVT_C_BAD_STE;  /* little-endian tables not implemented */
        e->s2t0sz = (uint8_t)smmu_bits(q2, 37, 32);
        e->s2sl0 = (uint8_t)smmu_bits(q2, 39, 38);
        e->s2ir0 = (uint8_t)smmu_bits(q2, 41, 40);
        e->s2or0 = (uint8_t)smmu_bits(q2, 43, 42);
        e->s2sh0 = (uint8_t)smmu_bits(q2, 45, 44);
        if (e->s2sh0 == 1) e->s2sh0 = 0;                        /* Reserved, behaves as Non-shareable */
        e->s2affd = smmu_bits(q2, 53, 53);
        e->s2ptw = smmu_bits(q2, 54, 54);
        e->s2ttb = q3 & ADDR_51_4;
        unsigned pa_bits;
        int iasize;
        if (e->s2aa64) {
            e->s2tg = (uint8_t)smmu_bits(q2, 47, 46);
            unsigned g = smmu_tg0_log2(e->s2tg);
            if (!g || !smmu_granule_supported(s, g)) return EVT_C_BAD_STE;   /* reserved or unsupported S2TG */
            pa_bits = smmu_eff_ps_bits(s, (unsigned)smmu_bits(q2, 50, 48));
            e->s2ps = (uint8_t)ps_encode(pa_bits);              /* eff_S2PS = MIN(S2PS, OAS) */
            if (addr_beyond(e->s2ttb, pa_bits)) return EVT_C_BAD_STE;        /* S2TTB outside eff_S2PS */
            if (g != 16 && addr_beyond(e->s2ttb, 48)) return EVT_C_BAD_STE; /* 48-bit limit without DS */
            /* S2T0SZ out of range: ILLEGAL from v3.1, the same permitted choice for v3.0. */
            if (s2t0sz_invalid(s, e->s2t0sz, g)) return EVT_C_BAD_STE;
            iasize = 64 - e->s2t0sz;
            if (s2_walk_inconsistent(s, true, e->s2sl0, g, iasize)) return EVT_C_BAD_STE;  /* S2SL0 vs S2T0SZ/S2TG */
        } else {
            e->s2tg = 0;                                         /* VMSAv8-32 LPAE: 4KB, 40-bit output */
            e->s2t0sz &= 0xF;                                    /* 4-bit signed T0SZ, -8..7 */
            e->s2ps = 2;
            pa_bits = 40;
            if (addr_beyond(e->s2ttb, pa_bits)) return EVT_C_BAD_STE;
            iasize = 32 - ((int)(e->s2t0sz ^ 8) - 8);
            if (s2_walk_inconsistent(s, false, e->s2sl0, 12, iasize)) return EVT_C_BAD_STE;
        }
    }
    return 0;
}

/* Effective LOG2SIZE for range checks and indexing: MIN(LOG2SIZE, SIDSIZE) (6.3.25). */
static unsigned eff_log2size(const struct smmu_core *s)
{
    unsigned l = s->strtab_base_cfg & 0x3F;
    return l < s->cfg.sidsize ? l : s->cfg.sidsize;
}

static int ste_fail(smmu_event_t *ev, int id, uint64_t fetch_addr)
{
    ev->id = (uint8_t)id;
    ev->fetch_addr = fetch_addr;
    return id;
}

/* Locate the STE of `sid`: its PA, or an EventID (C_BAD_STREAMID, F_STE_FETCH on the L1STD). */
static unsigned strtab_split(const struct smmu_core *s)
{
    unsigned split = (s->strtab_base_cfg >> 6) & 0x1F;
    return split == 6 || split == 8 || split == 10 ? split : 6;  /* reserved SPLIT values behave as 6 */
}

bool smmu_strtab_l1_index(const struct smmu_core *s, uint32_t sid, uint32_t *index, unsigned *split)
{
    if (!s->cfg.st_2lvl || ((s->strtab_base_cfg >> 16) & 3) != 1) return false;  /* reserved FMT behaves as linear */
    *split = strtab_split(s);
    *index = sid >> *split;
    return true;
}

/* Locate the STE of `sid`: its PA, or an EventID (C_BAD_STREAMID, F_STE_FETCH on the L1STD). */
static int ste_locate(struct smmu_core *s, uint32_t sid, smmu_l1desc_t *l1d, uint64_t *pa, smmu_event_t *ev,
                      smmu_cost_t *cost)
{
    unsigned log2size = s->strtab_base_cfg & 0x3F;
    unsigned eff = eff_log2size(s);
    if (eff < 32 && (sid >> eff) != 0) return ste_fail(ev, EVT_C_BAD_STREAMID, 0);   /* SID >= 2^LOG2SIZE */
    /* ADDR bits above the OAS are RES0; the model truncates (3.4.3 (5)). */
    uint64_t base = s->strtab_base & ADDR_55_6 & low_mask(s->cfg.oas_bits);
    uint32_t l1_index;
    unsigned split;
    if (!smmu_strtab_l1_index(s, sid, &l1_index, &split)) {
        base &= ~low_mask(log2size + 6);                      /* ADDR[LOG2SIZE+5:0] = 0, literal LOG2SIZE */
        *pa = base + 64ull * sid;
        return 0;
    }
    uint64_t l1;
    if (l1d && l1d->present) {
        l1 = l1d->desc;
    } else {
        int l1_bits = (int)log2size - (int)split + 3;         /* ADDR[MAX(5, LOG2SIZE-SPLIT-1+3):0] = 0 */
        base &= ~low_mask(l1_bits > 6 ? (unsigned)l1_bits : 6);
        uint64_t l1_addr = base + 8ull * l1_index;
        uint8_t buf[8];
        if (smmu_mem_read(s, l1_addr, buf, 8, cost)) return ste_fail(ev, EVT_F_STE_FETCH, l1_addr);
        l1 = smmu_le64(buf);
    }
    unsigned span = (unsigned)(l1 & 0x1F);
    /* Span 0, reserved Span (12-31, behaves as 0) or Span beyond SPLIT+1: every SID is invalid (5.1.1). */
    if (span == 0 || span > 11 || span > split + 1) return ste_fail(ev, EVT_C_BAD_STREAMID, 0);
    if (l1d) { l1d->present = true; l1d->desc = l1; }
    uint32_t idx = sid & (uint32_t)low_mask(split);
    if (idx >> (span - 1)) return ste_fail(ev, EVT_C_BAD_STREAMID, 0);   /* beyond the 2^(Span-1) STEs */
    uint64_t l2 = l1 & ADDR_55_6 & low_mask(s->cfg.oas_bits);
    l2 &= ~low_mask(span + 5);                                /* L2Ptr[5+(Span-1):0] treated as 0 */
    *pa = l2 + 64ull * idx;
    return 0;
}

int smmu_ste_fetch_l1(struct smmu_core *s, uint32_t sid, smmu_l1desc_t *l1, smmu_ste_t *ste, smmu_event_t *ev,
                      smmu_cost_t *cost)
{
    memset(ev, 0, sizeof *ev);
    ev->sid = sid;
    memset(ste, 0, sizeof *ste);
    uint64_t pa;
    int rc = ste_locate(s, sid, l1, &pa, ev, cost);
    if (rc) return rc;
    uint8_t buf[64];
    if (smmu_mem_read(s, pa, buf, sizeof buf, cost)) return ste_fail(ev, EVT_F_STE_FETCH, pa);
    uint64_t raw[8];
    for (int i = 0; i < 8; i++) raw[i] = smmu_le64(buf + 8 * i);
    rc = smmu_ste_decode(s, raw, ste);
    if (rc) return ste_fail(ev, rc, 0);
    return 0;
}

int smmu_ste_fetch(struct smmu_core *s, uint32_t sid, smmu_ste_t *ste, smmu_event_t *ev, smmu_cost_t *cost)
{
    return smmu_ste_fetch_l1(s, sid, NULL, ste, ev, cost);
}
