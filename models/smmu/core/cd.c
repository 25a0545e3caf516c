/* SPDX-License-Identifier: BSD-3-Clause */
/* Context descriptor tables (IHI 0070 5.2 S1Fmt, 5.3 L1CD) and CD decode/validity (5.4, 5.4.2 CdIllegal). */
#include "internal.h"

#define ADDR_55_6   0x00FFFFFFFFFFFFC0ull
#define ADDR_55_12  0x00FFFFFFFFFFF000ull
#define ADDR_51_4   0x000FFFFFFFFFFFF0ull

unsigned smmu_tg0_log2(uint8_t tg0) { return tg0 == 0 ? 12 : tg0 == 1 ? 16 : tg0 == 2 ? 14 : 0; }
unsigned smmu_tg1_log2(uint8_t tg1) { return tg1 == 2 ? 12 : tg1 == 3 ? 16 : tg1 == 1 ? 14 : 0; }

static uint64_t low_mask(unsigned bits) { return bits >= 64 ? ~0ull : (1ull << bits) - 1; }
static bool beyond(uint64_t addr, unsigned bits) { return bits < 64 && (addr >> bits) != 0; }

/* CDTxSZInvalid (5.4.2) for VMSAv8-64 without STT, DS or D128: 16..39, or 12..39 with 52-bit VAs and 64KB. */
static bool txsz_invalid(const struct smmu_core *s, unsigned txsz, unsigned g)
{
    unsigned min = (s->cfg.vax && g == 16) ? 12 : 16;
    return txsz < min || txsz > 39;
}

/* CD.TTBx range check (CDTTBxValidRange): within eff_IPS, and 48 bits for 4KB/16KB without DS. */
static bool ttb_out_of_range(uint64_t ttb, unsigned ipa_bits, bool aa64, unsigned g)
{
    if (aa64 && g != 16 && ipa_bits > 48) ipa_bits = 48;
    return beyond(ttb, ipa_bits);
}

int smmu_cd_decode(const struct smmu_core *s, const smmu_ste_t *ste, const uint64_t raw[8], smmu_cd_t *cd)
{
    const smmu_config_t *c = &s->cfg;
    uint64_t q0 = raw[0], q1 = raw[1], q2 = raw[2];
    memset(cd, 0, sizeof *cd);
    cd->valid = smmu_bits(q0, 31, 31);
    if (!cd->valid) return EVT_C_BAD_CD;                         /* V == 0 */
    /* StreamWorld (5.2 STRW): stage-1-only with STRW=EL2 is EL2, or EL2-E2H when SMMU_CR2.E2H is set. */
    bool el2 = ste->strw == STE_STRW_EL2 && !ste->s2_enabled;
    bool e2h = el2 && (s->cr2 & 1);
    bool el2_only = el2 && !e2h;                                  /* any-EL2: one VA range, no ASID, no EPDx */

    cd->s = smmu_bits(q0, 44, 44);
    cd->r = smmu_bits(q0, 45, 45);
    cd->a = smmu_bits(q0, 46, 46);
    if (ste->s1stalld && cd->s) return EVT_C_BAD_CD;             /* stalls disabled by STE.S1STALLD */
    if (c->term_model && !cd->a) return EVT_C_BAD_CD;            /* RAZ/WI termination not supported: A must be 1 */
    if (c->stall_model == 1 && cd->s) return EVT_C_BAD_CD;       /* stall model not supported */
    if (c->stall_model == 2 && !cd->s) return EVT_C_BAD_CD;      /* stall model forced */

    cd->aa64 = smmu_bits(q0, 41, 41);
    cd->epd0 = !el2_only && smmu_bits(q0, 14, 14);                /* EPDx effective 0 for any-EL2 */
    cd->epd1 = el2_only || smmu_bits(q0, 30, 30);                 /* any-EL2: TTB1 unreachable */
    cd->endi = smmu_bits(q0, 15, 15);
    if (!(cd->epd0 && cd->epd1)) {
        if (c->ttendian == 2 && cd->endi) return EVT_C_BAD_CD;   /* big-endian tables not implemented */
        if (c->ttendian == 3 && !cd->endi) return EVT_C_BAD_CD;  /* little-endian tables not implemented */
    }
    /* VMSAv8-32 LPAE needs IDR0.TTF[0] and is not allowed for EL2-E2H (or EL3). */
    if (!cd->aa64 && (!c->ttf_aarch32 || e2h)) return EVT_C_BAD_CD;
    /* A 64-bit stage 1 over a VMSAv8-32 stage 2 is not supported. */
    if (cd->aa64 && ste->s2_enabled && !ste->s2aa64) return EVT_C_BAD_CD;

    cd->ha = smmu_bits(q0, 43, 43);
    cd->hd = smmu_bits(q0, 42, 42);
    if (cd->aa64) {
        if ((cd->ha || cd->hd) && c->httu == 0) return EVT_C_BAD_CD;   /* HTTU not supported */
        if (cd->hd && c->httu == 1) return EVT_C_BAD_CD;               /* dirty-state update not supported */
        if (!cd->ha) cd->hd = false;                                     /* {HD,HA} = 0b10 behaves as 0b00 */
    } else {
        cd->ha = cd->hd = false;                                         /* IGNORED for VMSAv8-32 LPAE */
    }

    cd->asid = (uint16_t)smmu_bits(q0, 63, 48);
    if (el2_only) cd->asid = 0;                                   /* ASID IGNORED for any-EL2 */
    else if (!c->asid16 && (cd->asid >> 8)) return EVT_C_BAD_CD; /* ASID[15:8] with 8-bit ASIDs */

    cd->t0sz = (uint8_t)smmu_bits(q0, 5, 0);
    cd->tg0 = (uint8_t)smmu_bits(q0, 7, 6);
    cd->ir0 = (uint8_t)smmu_bits(q0, 9, 8);
    cd->or0 = (uint8_t)smmu_bits(q0, 11, 10);
    cd->sh0 = (uint8_t)smmu_bits(q0, 13, 12);
    if (!el2_only) {                                              /* TTB1 fields are RES0 for any-EL2 */
        cd->t1sz = (uint8_t)smmu_bits(q0, 21, 16);
        cd->tg1 = (uint8_t)smmu_bits(q0, 23, 22);
        cd->ir1 = (uint8_t)smmu_bits(q0, 25, 24);
        cd->or1 = (uint8_t)smmu_bits(q0, 27, 26);
        cd->sh1 = (uint8_t)smmu_bits(q0, 29, 28);
        cd->tbi1 = smmu_bits(q0, 39, 39);
        cd->nscfg1 = smmu_bits(q2, 0, 0);
        cd->had1 = smmu_bits(q2, 1, 1);
        cd->ttb1 = q2 & ADDR_51_4;
    }
    if (cd->sh0 == 1) cd->sh0 = 0;                                /* Reserved, behaves as Non-shareable */
    if (cd->sh1 == 1) cd->sh1 = 0;
    cd->ttb0 = q1 & ADDR_51_4;
    cd->nscfg0 = smmu_bits(q1, 0, 0);
    cd->had0 = smmu_bits(q1, 1, 1);
    cd->e0pd0 = false;                                            /* RES0: IDR3.E0PD == 0 */
    cd->e0pd1 = false;

    unsigned ipa_bits;
    if (cd->aa64) {
        ipa_bits = smmu_eff_ps_bits(s, (unsigned)smmu_bits(q0, 34, 32));   /* eff_IPS = MIN(IPS, OAS) */
        static const uint8_t enc[] = { [32] = 0, [36] = 1, [40] = 2, [42] = 3, [44] = 4, [48] = 5, [52] = 6 };
        cd->ips = enc[ipa_bits];
    } else {
        ipa_bits = 40;                                            /* VMSAv8-32 LPAE: 40-bit output */
        cd->ips = 2;
        cd->t0sz &= 7;                                            /* 3-bit TxSZ, every value valid */
        cd->t1sz &= 7;
        cd->tg0 = 0;                                              /* TGx IGNORED: 4KB */
        cd->tg1 = el2_only ? 0 : 2;
    }
    if (!cd->epd0) {
        unsigned g = smmu_tg0_log2(cd->tg0);
        if (cd->aa64 && (!g || !smmu_granule_supported(s, g))) return EVT_C_BAD_CD;  /* reserved/unsupported TG0 */
        /* TxSZ out of range: ILLEGAL from v3.1; v3.0 may also treat it as ILLEGAL (the model does). */
        if (cd->aa64 && txsz_invalid(s, cd->t0sz, g)) return EVT_C_BAD_CD;
        if (ttb_out_of_range(cd->ttb0, ipa_bits, cd->aa64, g)) return EVT_C_BAD_CD;  /* TTB0 beyond eff_IPS */
    }
    if (!cd->epd1) {
        unsigned g = smmu_tg1_log2(cd->tg1);
        if (cd->aa64 && (!g || !smmu_granule_supported(s, g))) return EVT_C_BAD_CD;  /* reserved/unsupported TG1 */
        if (cd->aa64 && txsz_invalid(s, cd->t1sz, g)) return EVT_C_BAD_CD;
        if (ttb_out_of_range(cd->ttb1, ipa_bits, cd->aa64, g)) return EVT_C_BAD_CD;  /* TTB1 beyond eff_IPS */
    }

    cd->affd = smmu_bits(q0, 35, 35);
    cd->wxn = smmu_bits(q0, 36, 36);
    cd->uwxn = !cd->aa64 && !el2_only && smmu_bits(q0, 37, 37); /* IGNORED for VMSAv8-64 */
    cd->tbi0 = smmu_bits(q0, 38, 38);
    cd->pan = !el2_only && smmu_bits(q0, 40, 40);
    cd->aset = smmu_bits(q0, 47, 47);
    cd->mair = raw[3];
    cd->amair = (uint32_t)raw[4];
    return 0;
}

static int cd_fail(smmu_event_t *ev, int id, uint64_t fetch_addr)
{
    ev->id = (uint8_t)id;
    ev->fetch_addr = fetch_addr;
    return id;
}

/* C_BAD_SUBSTREAMID records the index of the CD being fetched: the transaction's SubstreamID, or 0 for
 * traffic without one that S1DSS=0b10 sent to CD 0 (7.3.9). */
static int bad_substream(smmu_event_t *ev, uint32_t ssid)
{
    ev->ssid = ssid;
    return cd_fail(ev, EVT_C_BAD_SUBSTREAMID, 0);
}

/* Read `len` bytes of a CD-table structure at `addr` (an IPA when stage 2 translates, 5.4.1). */
static int cd_read(struct smmu_core *s, const smmu_ste_t *ste, uint64_t addr, void *buf, size_t len,
                   smmu_event_t *ev, smmu_cost_t *cost)
{
    uint64_t pa = addr;
    if (ste->s2_enabled) {
        int rc = smmu_s2_fetch_addr(s, ste, addr, &pa, ev, cost);
        if (rc) return rc;                                         /* stage-2 fault, CLASS=CD, passed up unchanged */
    }
    if (smmu_mem_read(s, pa, buf, len, cost)) return cd_fail(ev, EVT_F_CD_FETCH, pa);
    return 0;
}

static int cd_fetch(struct smmu_core *s, const smmu_ste_t *ste, uint32_t ssid, smmu_l1desc_t *l1d, smmu_cd_t *cd,
                    smmu_event_t *ev, smmu_cost_t *cost)
{
    memset(cd, 0, sizeof *cd);
    if (!ste->s1_enabled) return cd_fail(ev, EVT_C_BAD_CD, 0);     /* no CD is reachable without stage 1 */
    unsigned cdmax = ste->s1cdmax;
    if (ssid >> cdmax) return bad_substream(ev, ssid);   /* SubstreamID >= 2^S1CDMax */
    uint64_t base = ste->s1contextptr & ADDR_55_6;
    uint64_t addr;
    uint32_t l1_index;
    if (!smmu_cd_l1_index(ste, ssid, &l1_index)) {
        base &= ~low_mask(cdmax + 6);                             /* linear table aligned to its size */
        addr = base + 64ull * ssid;
    } else {
        unsigned split = ste->s1fmt == 1 ? 6 : 10;                /* 4KB leaves of 64 CDs, 64KB of 1024 */
        uint64_t l1;
        if (l1d && l1d->present) {
            l1 = l1d->desc;
        } else {
            unsigned l1_bits = cdmax > split ? cdmax - split + 3 : 3; /* L1 table aligned to its size, at least 64B */
            base &= ~low_mask(l1_bits > 6 ? l1_bits : 6);
            uint8_t buf[8];
            int rc = cd_read(s, ste, base + 8ull * l1_index, buf, sizeof buf, ev, cost);
            if (rc) return rc;
            l1 = smmu_le64(buf);
        }
        if (!(l1 & 1)) return bad_substream(ev, ssid);  /* L1CD.V == 0 (5.3.1) */
        uint64_t l2 = l1 & ADDR_55_12;
        if (split == 10) l2 &= ~0xFFFFull;                        /* 64KB leaves: L2Ptr[15:12] RES0, taken as 0 */
        /* L2Ptr beyond the IAS/OAS: C_BAD_SUBSTREAMID (3.4.3 (3), and the permitted choice (4a) when nested). */
        if (beyond(l2, ste->s2_enabled ? smmu_ias_bits(s) : s->cfg.oas_bits)) return bad_substream(ev, ssid);
        if (l1d) { l1d->present = true; l1d->desc = l1; }
        addr = l2 + 64ull * (ssid & (uint32_t)low_mask(split));
    }
    uint8_t buf[64];
    int rc = cd_read(s, ste, addr, buf, sizeof buf, ev, cost);
    if (rc) return rc;
    uint64_t raw[8];
    for (int i = 0; i < 8; i++) raw[i] = smmu_le64(buf + 8 * i);
    rc = smmu_cd_decode(s, ste, raw, cd);
    if (rc) return cd_fail(ev, rc, 0);
    return 0;
}

bool smmu_cd_l1_index(const smmu_ste_t *ste, uint32_t ssid, uint32_t *index)
{
    if (ste->s1cdmax == 0 || ste->s1fmt == 0) return false;
    *index = ssid >> (ste->s1fmt == 1 ? 6 : 10);
    return true;
}

int smmu_cd_fetch_l1(struct smmu_core *s, const smmu_ste_t *ste, uint32_t sid, uint32_t ssid, smmu_l1desc_t *l1,
                     smmu_cd_t *cd, smmu_event_t *ev, smmu_cost_t *cost)
{
    memset(ev, 0, sizeof *ev);
    int rc = cd_fetch(s, ste, ssid, l1, cd, ev, cost);
    ev->sid = sid;                                                 /* also on a stage-2 fault's record */
    return rc;
}

int smmu_cd_fetch(struct smmu_core *s, const smmu_ste_t *ste, uint32_t sid, uint32_t ssid,
                  smmu_cd_t *cd, smmu_event_t *ev, smmu_cost_t *cost)
{
    return smmu_cd_fetch_l1(s, ste, sid, ssid, NULL, cd, ev, cost);
}
