/* SPDX-License-Identifier: BSD-3-Clause */
/* The regime of each translation stage from the CD (stage 1) and the STE (stage 2): IHI 0070 5.2, 5.4, 3.4. */
#include "walk.h"

#define CR2_E2H (1u << 0)

/* CD.IPS / STE.S2PS encodings; a value above the SMMU OAS behaves as the OAS (5.4 IPS, 5.2 S2PS). */
static uint8_t eff_ps(const struct smmu_core *s, uint8_t ps)
{
    static const uint8_t bits[8] = {32, 36, 40, 42, 44, 48, 52, 52};
    uint8_t b = bits[ps & 7];
    if (s->cfg.arch_minor == 0 && b > 48) b = 48;   /* v3.0: 0b110/0b111 behave as 0b101 */
    return b < s->cfg.oas_bits ? b : s->cfg.oas_bits;
}

static unsigned clamp(unsigned v, unsigned lo, unsigned hi) { return v < lo ? lo : v > hi ? hi : v; }

/* Levels needed to resolve ias bits: the start level of a stage-1 walk (Arm ARM D8.2). */
static uint8_t s1_start_level(unsigned granule, unsigned ias)
{
    unsigned stride = granule - 3;
    unsigned levels = (ias - granule + stride - 1) / stride;
    return (uint8_t)(levels > 4 ? 0 : 4 - levels);
}

int smmu_s1_cfg(const struct smmu_core *s, const smmu_ste_t *ste, const smmu_cd_t *cd, uint64_t va,
                smmu_stage_cfg_t *out, smmu_walk_fault_t *f)
{
    memset(out, 0, sizeof *out);
    memset(f, 0, sizeof *f);
    out->stage = 1;
    out->concat = 1;
    /* EL1&0 and EL2&0 (STRW=EL2 with CR2.E2H) have two privilege levels; EL2 and EL3 one (Arm ARM D8.4). */
    out->two_el = ste->strw == STE_STRW_NSEL1 || (ste->strw == STE_STRW_EL2 && (s->cr2 & CR2_E2H));
    bool sel1 = out->two_el && ((va >> 55) & 1);            /* one-EL regimes only have TTB0 */
    bool tbi = sel1 ? cd->tbi1 : cd->tbi0;
    unsigned granule = sel1 ? smmu_tg1_log2(cd->tg1) : smmu_tg0_log2(cd->tg0);
    if (!granule) granule = 12;                              /* reserved TGx is C_BAD_CD at decode */
    unsigned txsz = sel1 ? cd->t1sz : cd->t0sz;
    /* Out-of-range TxSZ is ILLEGAL from v3.1; v3.0 may use the nearest limit, as done here (IDR3.STT = 0). */
    unsigned min = (s->cfg.vax && granule == 16) ? 12 : 16;
    txsz = clamp(txsz, min, 39);
    out->granule = (uint8_t)granule;
    out->ias = (uint8_t)(64 - txsz);
    out->start_level = s1_start_level(granule, out->ias);
    out->ttb1 = sel1;
    out->tbi = tbi;
    out->ttb = sel1 ? cd->ttb1 : cd->ttb0;
    out->oas = eff_ps(s, cd->ips);
    out->lpa = granule == 16 && s->cfg.oas_bits == 52;
    out->ha = cd->ha && s->cfg.httu >= 1;
    out->hd = out->ha && cd->hd && s->cfg.httu >= 2;         /* {HD,HA} = 0b10 behaves as disabled */
    out->affd = cd->affd;
    out->had = sel1 ? cd->had1 : cd->had0;
    out->big_endian = cd->endi;
    out->wxn = cd->wxn;
    out->uwxn = out->two_el && cd->uwxn;
    out->pan = out->two_el && cd->pan;
    out->e0pd = out->two_el && (sel1 ? cd->e0pd1 : cd->e0pd0);
    out->mair = cd->mair;

    /* Input-range check: the bits above the input size (below the top byte with TBI) must all equal
     * the TTB select bit (Arm ARM D8.2); a failure, or a walk through a disabled TTBx, is F_TRANSLATION. */
    unsigned top = tbi ? 56 : 64;
    uint64_t upper = top > out->ias ? smmu_bits(va, top - 1, out->ias) : 0;
    uint64_t want = sel1 ? smmu_bits(~0ull, top - 1 - out->ias, 0) : 0;
    bool epd = sel1 ? cd->epd1 : cd->epd0;
    if (upper != want || epd) {
        f->id = EVT_F_TRANSLATION;
        f->cls = EVT_CLASS_IN;
        f->level = out->start_level;
        return EVT_F_TRANSLATION;
    }
    return 0;
}

/* Start level from S2SL0 per granule (VTCR_EL2.SL0, Arm ARM D24): 4K counts down from 2, 16K/64K from 3. */
static int s2_start_level(unsigned granule, unsigned sl0)
{
    if (granule == 12) return sl0 <= 2 ? 2 - (int)sl0 : -1;          /* SL0 = 3 needs FEAT_TTST */
    if (granule == 14) return 3 - (int)sl0;
    return sl0 <= 2 ? 3 - (int)sl0 : -1;
}

int smmu_s2_cfg(const struct smmu_core *s, const smmu_ste_t *ste, smmu_stage_cfg_t *out)
{
    memset(out, 0, sizeof *out);
    out->stage = 2;
    unsigned granule = smmu_tg0_log2(ste->s2tg);
    if (!granule) granule = 12;                              /* reserved S2TG is C_BAD_STE at decode */
    unsigned ias_max = s->cfg.oas_bits;                      /* IAS = OAS: AArch64 tables only */
    if (ias_max > 48 && granule != 16) ias_max = 48;         /* 52-bit IPA needs 64K (no S2DS) */
    unsigned min = 64 - ias_max;
    unsigned t0sz = clamp(ste->s2t0sz, min, 39);
    unsigned ias = 64 - t0sz;
    unsigned stride = granule - 3;

    /* An S2SL0 inconsistent with S2T0SZ is ILLEGAL (C_BAD_STE); keep the walk defined anyway by moving
     * the start level until the start table resolves between 1 and stride+4 bits (at most 16 tables). */
    int level = s2_start_level(granule, ste->s2sl0);
    if (level < 0) level = s1_start_level(granule, ias);
    while (level < 3 && ias <= smmu_level_shift(granule, (unsigned)level)) level++;
    while (level > 0 && ias > smmu_level_shift(granule, (unsigned)level) + stride + 4) level--;
    unsigned top_bits = ias - smmu_level_shift(granule, (unsigned)level);
    if (top_bits > stride + 4) {                              /* level 0 cannot hold it: shrink the input */
        top_bits = stride + 4;
        ias = smmu_level_shift(granule, 0) + top_bits;
    }
    out->granule = (uint8_t)granule;
    out->ias = (uint8_t)ias;
    out->start_level = (uint8_t)level;
    out->concat = (uint8_t)(top_bits > stride ? 1u << (top_bits - stride) : 1u);
    out->oas = eff_ps(s, ste->s2ps);
    out->lpa = granule == 16 && s->cfg.oas_bits == 52;
    out->ttb = ste->s2ttb;
    out->ha = ste->s2ha && s->cfg.httu >= 1;
    out->hd = out->ha && ste->s2hd && s->cfg.httu >= 2;      /* {S2HA,S2HD} = 0b01 behaves as disabled */
    out->affd = ste->s2affd;
    out->big_endian = ste->s2endi;
    out->xnx = s->cfg.xnx;
    out->s2ptw = ste->s2ptw;
    return 0;
}
