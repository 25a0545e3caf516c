/* SPDX-License-Identifier: BSD-3-Clause */
/* TLBs of the TBUs (micro-TLB, main TLB) and the TCU TLB (IHI 0070 3.17 tagging); cache statistics. */
#include <stdio.h>
#include <stdlib.h>

#include "tlb.h"

static int make_tlb(smmu_tlb_t *t, const smmu_cache_config_t *cfg, uint64_t seed, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    if (!cfg->entries) return 0;
    t->c = smmu_cache_create(cfg, sizeof(smmu_tlb_entry_t), seed, err, errlen);
    if (!t->c) return -1;
    size_t n = (size_t)t->c->sets * t->c->ways;
    t->tag_ia = calloc(n, sizeof *t->tag_ia);
    t->tag_sz = calloc(n, sizeof *t->tag_sz);
    t->tag_asid = calloc(n, sizeof *t->tag_asid);
    t->memo = calloc(SMMU_TLB_MEMO, sizeof *t->memo);
    if (t->c->sets == 1) {
        uint32_t slots = 64;
        while (slots < 4 * t->c->ways) slots <<= 1;
        t->filter = calloc(slots, sizeof *t->filter);
        t->filter_mask = slots - 1;
        if (!t->filter) goto oom;
    }
    if (t->tag_ia && t->tag_sz && t->tag_asid && t->memo) return 0;
oom:
    if (err && errlen) snprintf(err, errlen, "tlb: out of memory");
    return -1;
}

static void free_tlb(smmu_tlb_t *t)
{
    smmu_cache_destroy(t->c);
    free(t->tag_ia);
    free(t->tag_sz);
    free(t->tag_asid);
    free(t->memo);
    free(t->filter);
}

int smmu_tlbs_create(struct smmu_core *s, char *err, size_t errlen)
{
    struct smmu_tlbs *t = calloc(1, sizeof *t);
    if (!t) {
        if (err && errlen) snprintf(err, errlen, "tlb: out of memory");
        return -1;
    }
    s->tlbs = t;
    const smmu_config_t *c = &s->cfg;
    uint64_t seed = c->seed;
    t->nports = c->num_ports;
    for (unsigned p = 0; p < t->nports; p++) {
        smmu_cache_config_t u = c->utlb;
        u.ways = 0;                                   /* the micro-TLB is fully associative */
        if (make_tlb(&t->utlb[p], &u, seed + 2 * p + 1, err, errlen) ||
            make_tlb(&t->main[p], &c->main_tlb, seed + 2 * p + 2, err, errlen))
            return -1;
    }
    if (make_tlb(&t->tcu, &c->tcu_tlb, seed + 1000, err, errlen)) return -1;
    t->unified = c->walk_cache_unified;
    for (int st = 0; st < 2; st++)
        for (int l = 0; l < 4; l++) {
            const smmu_cache_config_t *wc = st ? &c->walk_cache_s2[l] : &c->walk_cache_s1[l];
            if (t->unified && (st || l)) continue;
            if (!wc->entries) continue;
            t->wc[st][l] = smmu_cache_create(wc, sizeof(smmu_wc_line_t), seed + 2000 + 4 * st + l, err, errlen);
            if (!t->wc[st][l]) return -1;
        }
    return 0;
}

void smmu_tlbs_destroy(struct smmu_core *s)
{
    struct smmu_tlbs *t = s->tlbs;
    if (!t) return;
    for (unsigned p = 0; p < SMMU_MAX_PORTS; p++) {
        free_tlb(&t->utlb[p]);
        free_tlb(&t->main[p]);
    }
    free_tlb(&t->tcu);
    for (int st = 0; st < 2; st++)
        for (int l = 0; l < 4; l++) smmu_cache_destroy(t->wc[st][l]);
    free(t);
    s->tlbs = NULL;
}

uint8_t smmu_tlb_sw(const struct smmu_core *s, const smmu_ste_t *ste)
{
    if (ste->strw == STE_STRW_EL2) return (s->cr2 & 1u) ? SMMU_SW_EL2_E2H : SMMU_SW_EL2;   /* SMMU_CR2.E2H */
    return SMMU_SW_NSEL1;
}

/* 3.17: VMID tags NS-EL1 only; EL2 (no E2H) has no ASIDs; a global entry matches any ASID of its ASET. */
static inline bool tags_match(const smmu_tlb_entry_t *e, const smmu_tlb_key_t *k)
{
    if (e->sw != k->sw || e->kind != k->kind) return false;
    if (k->sw == SMMU_SW_NSEL1 && e->vmid != k->vmid) return false;
    if (k->kind == SMMU_TLB_S2 || k->sw == SMMU_SW_EL2) return true;
    return e->global ? e->aset == k->aset : e->asid == k->asid;
}

static inline bool covers(const smmu_tlb_entry_t *e, uint64_t ia)
{
    return e->size_log2 >= 64 || ((ia ^ e->ia) >> e->size_log2) == 0;
}

/* The filter is indexed like a TLB with filter_mask + 1 sets. */
static inline uint32_t filter_slot(const smmu_tlb_t *t, uint64_t ia, unsigned sz, uint16_t vmid, bool global,
                                   uint16_t asid)
{
    return (uint32_t)(smmu_tlb_tag_hash(ia, sz, vmid, global, asid) & t->filter_mask);
}

/* An entry as inserted (normalised tags) enters or leaves the filter. */
static void filter_count(smmu_tlb_t *t, const smmu_tlb_entry_t *e, int delta)
{
    if (!t->filter) return;
    t->filter[filter_slot(t, e->ia, e->size_log2, e->vmid, e->global, e->asid)] += (uint16_t)delta;
}

/* False only when no valid entry can match the key. */
static bool filter_may_hit(const smmu_tlb_t *t, const smmu_tlb_key_t *k)
{
    if (!t->filter) return true;
    uint16_t vmid = k->sw == SMMU_SW_NSEL1 ? k->vmid : 0;
    bool asids = !(k->kind == SMMU_TLB_S2 || k->sw == SMMU_SW_EL2);
    for (uint64_t sizes = t->size_mask; sizes; sizes &= sizes - 1) {
        unsigned sz = (unsigned)__builtin_ctzll(sizes);
        if (asids && t->filter[filter_slot(t, k->ia, sz, vmid, false, k->asid)]) return true;
        if ((!asids || t->nglobal) && t->filter[filter_slot(t, k->ia, sz, vmid, true, 0)]) return true;
    }
    return false;
}

/* The compact tags reject most ways without touching the entry; a candidate is checked in full. */
static int find_in_set(const smmu_tlb_t *t, uint32_t set, const smmu_tlb_key_t *k)
{
    const smmu_cache_t *c = t->c;
    size_t base = (size_t)set * c->ways;
    const uint64_t *ia = t->tag_ia + base;
    const uint8_t *sz = t->tag_sz + base;
    const uint32_t *asid = t->tag_asid + base;
    for (uint32_t w = 0; w < c->ways; w++) {
        if ((k->ia ^ ia[w]) >> sz[w]) continue;
        if (asid[w] != UINT32_MAX && asid[w] != k->asid) continue;   /* non-global entries of other ASIDs */
        const smmu_tlb_entry_t *e = smmu_cache_entry(c, set, w);
        if (e->hdr.valid && covers(e, k->ia) && tags_match(e, k)) return (int)w;
    }
    return -1;
}

static int find(smmu_tlb_t *t, const smmu_tlb_key_t *k, uint32_t *set_out)
{
    smmu_cache_t *c = t->c;
    uint64_t sizes = c->sets == 1 ? 1 : t->size_mask;
    uint16_t vmid = k->sw == SMMU_SW_NSEL1 ? k->vmid : 0;
    bool asids = !(k->kind == SMMU_TLB_S2 || k->sw == SMMU_SW_EL2);
    while (sizes) {
        unsigned sz = (unsigned)__builtin_ctzll(sizes);
        sizes &= sizes - 1;
        int w;
        uint32_t set;
        if (asids) {
            set = smmu_tlb_set_index(c, k->ia, sz, vmid, false, k->asid);
            if ((w = find_in_set(t, set, k)) >= 0) { *set_out = set; return w; }
        }
        if (!asids || t->nglobal) {
            set = smmu_tlb_set_index(c, k->ia, sz, vmid, true, 0);
            if ((w = find_in_set(t, set, k)) >= 0) { *set_out = set; return w; }
        }
    }
    return -1;
}

static const smmu_tlb_entry_t *probe(smmu_tlb_t *t, const smmu_tlb_key_t *k, smmu_cost_t *cost, bool peek)
{
    if (!t->c) return NULL;
    if (cost) cost->cycles += t->c->cfg.latency;
    const uint64_t page = k->ia >> 12;
    const uint64_t tags = (uint64_t)k->sw | (uint64_t)k->kind << 8 | (uint64_t)k->aset << 16 |
                          (uint64_t)k->vmid << 24 | (uint64_t)k->asid << 40;
    smmu_tlb_memo_t *m = &t->memo[(page ^ (tags >> 24) * 0x9E3779B1u) & (SMMU_TLB_MEMO - 1)];
    uint32_t set = 0;
    int w;
    if (m->gen == t->c->gen && m->page == page && m->tags == tags) {
        set = m->set;
        w = (int)m->way;
    } else {
        w = filter_may_hit(t, k) ? find(t, k, &set) : -1;
        if (w >= 0 && ((const smmu_tlb_entry_t *)smmu_cache_entry(t->c, set, (uint32_t)w))->size_log2 >= 12)
            *m = (smmu_tlb_memo_t){ .gen = t->c->gen, .page = page, .tags = tags, .set = set, .way = (uint32_t)w };
    }
    if (w < 0) {
        if (!peek) smmu_cache_miss(t->c);
        return NULL;
    }
    if (!peek) smmu_cache_touch(t->c, set, (uint32_t)w);
    return smmu_cache_entry(t->c, set, (uint32_t)w);
}

void smmu_tlb_forget(smmu_tlb_t *t, uint32_t set, uint32_t way)
{
    smmu_tlb_entry_t *e = smmu_cache_entry(t->c, set, way);
    if (!e->hdr.valid) return;
    unsigned sz = e->size_log2 & 63;
    if (t->size_count[sz] && --t->size_count[sz] == 0) t->size_mask &= ~(1ull << sz);
    if (e->global && t->nglobal) t->nglobal--;
    if (e->kind == SMMU_TLB_NESTED && t->nnested) t->nnested--;
    filter_count(t, e, -1);
    smmu_cache_invalidate(t->c, set, way);
}

static bool same_entry(const smmu_tlb_entry_t *a, const smmu_tlb_entry_t *b)
{
    return a->sw == b->sw && a->kind == b->kind && a->global == b->global && a->aset == b->aset &&
           a->vmid == b->vmid && a->asid == b->asid && a->size_log2 == b->size_log2 && a->ia == b->ia;
}

/* absent: the caller has just missed on this entry's tags and address here, so no same-entry scan is needed. */
static void insert(smmu_tlb_t *t, const smmu_tlb_entry_t *src, bool absent)
{
    smmu_cache_t *c = t->c;
    if (!c) return;
    smmu_tlb_entry_t e = *src;
    e.size_log2 = e.size_log2 > 63 ? 63 : e.size_log2;
    e.ia &= ~((1ull << e.size_log2) - 1);
    if (e.sw != SMMU_SW_NSEL1) e.vmid = 0;
    if (e.sw == SMMU_SW_EL2 || e.kind == SMMU_TLB_S2) { e.global = true; e.asid = 0; e.aset = false; }
    if (e.global) e.asid = 0;
    e.hdr.valid = false;
    uint32_t set = smmu_tlb_set_index(c, e.ia, e.size_log2, e.vmid, e.global, e.asid);
    uint32_t way = c->ways;
    const uint64_t *tia = t->tag_ia + (size_t)set * c->ways;
    const uint8_t *tsz = t->tag_sz + (size_t)set * c->ways;
    for (uint32_t w = 0; !absent && w < c->ways && way == c->ways; w++) {
        if (tia[w] != e.ia || tsz[w] != e.size_log2) continue;
        const smmu_tlb_entry_t *o = smmu_cache_entry(c, set, w);
        if (o->hdr.valid && same_entry(o, &e)) way = w;       /* refill in place: one entry per translation */
    }
    bool fresh = way == c->ways;
    if (fresh) {
        way = smmu_cache_victim(c, set);
        smmu_tlb_entry_t *old = smmu_cache_entry(c, set, way);
        if (old->hdr.valid) {
            unsigned osz = old->size_log2;
            if (t->size_count[osz] && --t->size_count[osz] == 0) t->size_mask &= ~(1ull << osz);
            if (old->global && t->nglobal) t->nglobal--;
            if (old->kind == SMMU_TLB_NESTED && t->nnested) t->nnested--;
            filter_count(t, old, -1);
        }
        if (t->size_count[e.size_log2]++ == 0) t->size_mask |= 1ull << e.size_log2;
        if (e.global) t->nglobal++;
        if (e.kind == SMMU_TLB_NESTED) t->nnested++;
        filter_count(t, &e, +1);
    }
    *(smmu_tlb_entry_t *)smmu_cache_entry(c, set, way) = e;
    t->tag_ia[(size_t)set * c->ways + way] = e.ia;
    t->tag_sz[(size_t)set * c->ways + way] = e.size_log2;
    t->tag_asid[(size_t)set * c->ways + way] = e.global ? UINT32_MAX : e.asid;
    smmu_cache_filled(c, set, way);
}

const smmu_tlb_entry_t *smmu_tlb_lookup(struct smmu_core *s, unsigned port, const smmu_tlb_key_t *key,
                                        smmu_source_t *where, smmu_cost_t *cost, bool peek)
{
    struct smmu_tlbs *t = s->tlbs;
    smmu_source_t src = SMMU_SRC_NONE;
    const smmu_tlb_entry_t *e = NULL;
    if (port < t->nports) {
        if ((e = probe(&t->utlb[port], key, cost, peek))) src = SMMU_SRC_UTLB;
        else if ((e = probe(&t->main[port], key, cost, peek))) src = SMMU_SRC_MAIN_TLB;
    }
    if (!e && (e = probe(&t->tcu, key, cost, peek))) src = SMMU_SRC_TCU_TLB;
    if (where) *where = src;
    if (!e || peek || src == SMMU_SRC_UTLB || port >= t->nports) return e;
    smmu_tlb_entry_t copy = *e;                             /* promote into the levels above the hit */
    if (src == SMMU_SRC_TCU_TLB) insert(&t->main[port], &copy, true);
    insert(&t->utlb[port], &copy, true);
    return e;
}

void smmu_tlb_fill(struct smmu_core *s, unsigned port, const smmu_tlb_entry_t *e)
{
    struct smmu_tlbs *t = s->tlbs;
    if (port < t->nports) {
        insert(&t->utlb[port], e, false);
        insert(&t->main[port], e, false);
    }
    insert(&t->tcu, e, false);
}

const smmu_tlb_entry_t *smmu_tlb_lookup_tcu(struct smmu_core *s, const smmu_tlb_key_t *key, smmu_cost_t *cost, bool peek)
{
    return probe(&s->tlbs->tcu, key, cost, peek);
}

void smmu_tlb_fill_tcu(struct smmu_core *s, const smmu_tlb_entry_t *e) { insert(&s->tlbs->tcu, e, false); }

unsigned smmu_tlb_structures(const struct smmu_core *s)
{
    const struct smmu_tlbs *t = s->tlbs;
    unsigned n = t->tcu.c != NULL;
    for (unsigned p = 0; p < t->nports; p++) n += (t->utlb[p].c != NULL) + (t->main[p].c != NULL);
    for (int st = 0; st < 2; st++)
        for (int l = 0; l < 4; l++) n += t->wc[st][l] != NULL;
    return n;
}

uint64_t smmu_tlb_invalidate_all(struct smmu_core *s)
{
    struct smmu_tlbs *t = s->tlbs;
    uint64_t n = 0;
    for (unsigned p = 0; p <= t->nports; p++)
        for (int k = 0; k < 2; k++) {
            smmu_tlb_t *tl = p == t->nports ? (k ? NULL : &t->tcu) : (k ? &t->main[p] : &t->utlb[p]);
            if (!tl || !tl->c) continue;
            n += smmu_cache_invalidate_all(tl->c);
            tl->size_mask = 0;
            tl->nglobal = 0;
            tl->nnested = 0;
            memset(tl->size_count, 0, sizeof tl->size_count);
            if (tl->filter) memset(tl->filter, 0, ((size_t)tl->filter_mask + 1) * sizeof *tl->filter);
        }
    for (int st = 0; st < 2; st++)
        for (int l = 0; l < 4; l++)
            if (t->wc[st][l]) n += smmu_cache_invalidate_all(t->wc[st][l]);
    return n;
}

static void add(smmu_cache_stats_t *o, const smmu_cache_t *c)
{
    o->lookups += c->stats.lookups;
    o->hits += c->stats.hits;
    o->misses += c->stats.misses;
    o->fills += c->stats.fills;
    o->evictions += c->stats.evictions;
    o->invalidations += c->stats.invalidations;
}

#if defined(__GNUC__)
/* Fallback until the configuration cache provides its own counters. */
__attribute__((weak)) void smmu_cfgcache_stats(const struct smmu_core *s, smmu_cache_stats_t *out)
{
    (void)s;
    memset(out, 0, sizeof *out);
}
#endif

bool smmu_cache_stats(const smmu_t *s, smmu_struct_id_t which, int port, int level, smmu_cache_stats_t *out)
{
    const struct smmu_tlbs *t = s->tlbs;
    smmu_cache_stats_t r;
    memset(&r, 0, sizeof r);
    bool any = false;
    switch (which) {
    case SMMU_STRUCT_UTLB: case SMMU_STRUCT_MAIN_TLB:
        if (port >= (int)t->nports) return false;
        for (unsigned p = 0; p < t->nports; p++) {
            if (port >= 0 && (unsigned)port != p) continue;
            const smmu_cache_t *c = which == SMMU_STRUCT_UTLB ? t->utlb[p].c : t->main[p].c;
            if (c) { add(&r, c); any = true; }
        }
        break;
    case SMMU_STRUCT_TCU_TLB:
        if (t->tcu.c) { add(&r, t->tcu.c); any = true; }
        break;
    case SMMU_STRUCT_CFG_CACHE:
        if (!s->cfg.cfg_cache.entries) return false;
        smmu_cfgcache_stats(s, &r);
        any = true;
        break;
    case SMMU_STRUCT_WALK_S1: case SMMU_STRUCT_WALK_S2: {
        int st = which == SMMU_STRUCT_WALK_S2;
        if (level > 3) return false;
        if (t->unified) {                                 /* one structure, reported as the stage-1 walk cache */
            if (st || level > 0 || !t->wc[0][0]) return false;
            add(&r, t->wc[0][0]);
            any = true;
            break;
        }
        for (int l = 0; l < 4; l++) {
            if (level >= 0 && level != l) continue;
            if (t->wc[st][l]) { add(&r, t->wc[st][l]); any = true; }
        }
        break;
    }
    default:
        return false;
    }
    if (any && out) *out = r;
    return any;
}
