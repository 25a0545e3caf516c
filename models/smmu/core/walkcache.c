/* SPDX-License-Identifier: BSD-3-Clause */
/* Walk caches in the TCU: table descriptors by StreamWorld, VMID, ASID, stage, level and IA prefix. */
#include "tlb.h"

/* Bytes-log2 of the region one descriptor at level `dl` covers with a granule of 2^g bytes (g - 3 bits a level). */
static unsigned level_shift(unsigned g, int dl) { return g + (unsigned)(3 - dl) * (g - 3); }

static smmu_cache_t *wc_of(const struct smmu_tlbs *t, unsigned stage, int dl)
{
    if (t->unified) return t->wc[0][0];
    return t->wc[stage - 1][dl < 0 ? 0 : dl];    /* a level -1 descriptor (52-bit 4K/16K) shares level 0's cache */
}

void smmu_wc_bind(struct smmu_core *s, smmu_wc_ctx_t *ctx, uint8_t sw, uint16_t vmid, uint16_t asid,
                  unsigned s1_granule_log2, unsigned s2_granule_log2, smmu_cost_t *cost, bool peek)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->s = s;
    ctx->sw = sw;
    ctx->vmid = sw == SMMU_SW_NSEL1 ? vmid : 0;
    ctx->asid = sw == SMMU_SW_EL2 ? 0 : asid;
    ctx->granule_log2[0] = (uint8_t)s1_granule_log2;
    ctx->granule_log2[1] = (uint8_t)s2_granule_log2;
    ctx->cost = cost;
    ctx->peek = peek;
}

static bool tags_match(const smmu_wc_line_t *l, const smmu_wc_ctx_t *c, unsigned stage, unsigned g)
{
    if (l->stage != stage || l->sw != c->sw || l->granule_log2 != g || l->vmid != c->vmid) return false;
    return stage == 2 || l->asid == c->asid;
}

/* Set of a line: the IA prefix mixed with its VMID/ASID tags, so streams walking the same IOVAs spread out. */
static uint32_t wc_set(const smmu_cache_t *c, uint64_t prefix, uint16_t vmid, uint16_t asid, unsigned stage)
{
    uint64_t h = (uint64_t)vmid * 0x9E3779B97F4A7C15ull ^ (stage == 1 ? ((uint64_t)asid + 1) * 0xC2B2AE3D27D4EB4Full : 0);
    return smmu_cache_set_of(c, prefix ^ (h >> 40));
}

static int good_granule(unsigned g) { return g == 12 || g == 14 || g == 16; }

bool smmu_wc_lookup(void *vctx, unsigned stage, uint64_t ia, smmu_wc_entry_t *out)
{
    smmu_wc_ctx_t *ctx = vctx;
    const struct smmu_tlbs *t = ctx->s->tlbs;
    if (stage != 1 && stage != 2) return false;
    unsigned g = ctx->granule_log2[stage - 1];
    uint32_t latency = 0;
    bool hit = false;
    for (int dl = 2; dl >= -1 && !hit; dl--) {            /* deepest first: the longest walk skipped */
        smmu_cache_t *c = wc_of(t, stage, dl);
        if (!c) continue;
        if (c->cfg.latency > latency) latency = c->cfg.latency;
        if (!good_granule(g)) continue;
        unsigned shift = level_shift(g, dl);
        if (shift >= 64) continue;
        uint64_t prefix = ia >> shift;
        uint32_t set = wc_set(c, prefix, ctx->vmid, ctx->asid, stage);
        for (uint32_t w = 0; w < c->ways; w++) {
            const smmu_wc_line_t *l = smmu_cache_entry(c, set, w);
            if (l->hdr.valid && l->e.level == dl + 1 && l->e.ia_shift == shift && l->prefix == prefix &&
                tags_match(l, ctx, stage, g)) {
                *out = l->e;
                hit = true;
                if (!ctx->peek) smmu_cache_touch(c, set, w);
                break;
            }
        }
        if (!hit && !ctx->peek && !t->unified && dl >= 0) smmu_cache_miss(c);   /* one lookup per level cache */
    }
    if (!hit && !ctx->peek && t->unified && t->wc[0][0] && good_granule(g)) smmu_cache_miss(t->wc[0][0]);
    if (ctx->cost) ctx->cost->cycles += latency;         /* the levels are looked up in parallel */
    return hit;
}

void smmu_wc_fill(void *vctx, unsigned stage, uint64_t ia, const smmu_wc_entry_t *e)
{
    smmu_wc_ctx_t *ctx = vctx;
    if (ctx->peek || (stage != 1 && stage != 2) || e->level > 3 || e->ia_shift >= 64) return;
    int dl = (int)e->level - 1;
    smmu_cache_t *c = wc_of(ctx->s->tlbs, stage, dl);
    if (!c) return;
    smmu_wc_line_t line;
    memset(&line, 0, sizeof line);
    line.sw = ctx->sw;
    line.stage = (uint8_t)stage;
    line.granule_log2 = ctx->granule_log2[stage - 1];
    line.vmid = ctx->vmid;
    line.asid = stage == 1 ? ctx->asid : 0;
    line.prefix = ia >> e->ia_shift;
    line.e = *e;
    uint32_t set = wc_set(c, line.prefix, line.vmid, line.asid, stage);
    uint32_t way = c->ways;
    for (uint32_t w = 0; w < c->ways && way == c->ways; w++) {
        const smmu_wc_line_t *l = smmu_cache_entry(c, set, w);
        if (l->hdr.valid && l->e.level == e->level && l->e.ia_shift == e->ia_shift && l->prefix == line.prefix &&
            tags_match(l, ctx, stage, line.granule_log2))
            way = w;                                       /* refill in place */
    }
    if (way == c->ways) way = smmu_cache_victim(c, set);
    *(smmu_wc_line_t *)smmu_cache_entry(c, set, way) = line;
    smmu_cache_filled(c, set, way);
}
