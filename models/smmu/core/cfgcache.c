/* SPDX-License-Identifier: BSD-3-Clause */
/* Configuration cache of decoded STEs (keyed by StreamID), CDs (StreamID, SubstreamID) and level-1 table
 * descriptors (L1STD by StreamID span, L1CD by StreamID and SubstreamID span; MMU-600 caches them), and
 * the CMD_CFGI_* invalidations (IHI 0070 3.21.3, 4.3, 5.1.1, 5.3.1), on the set-associative engine of cache.h.
 * Only valid, legal structures (and valid L1 descriptors) are cached: 3.21.3 permits caching invalid ones
 * too, but a failed fetch (F_STE_FETCH, F_CD_FETCH, stage-2 fault) must never be, and an invalid STE/CD
 * costs a re-fetch per use. */
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"
#include "cache.h"
#include "stats.h"

enum { K_STE, K_CD, K_L1STD, K_L1CD };

typedef struct cfg_entry {
    smmu_cache_hdr_t hdr;
    uint8_t  kind;
    uint32_t sid;                   /* STE, CD, L1CD: the StreamID; L1STD: the first StreamID it covers */
    uint32_t ssid;                  /* CD: the CD table index; L1CD: the first index it covers */
    uint32_t last;                  /* L1STD: last StreamID covered; L1CD: last index covered */
    union { smmu_ste_t ste; smmu_cd_t cd; uint64_t l1; } u;
} cfg_entry_t;

struct smmu_cfgcache {
    smmu_cache_t *c;                /* NULL: no cache, every lookup fetches */
    smmu_ste_t ste_out;             /* what smmu_cfg_ste/smmu_cfg_cd hand out: a copy, so a later fill */
    smmu_cd_t  cd_out;              /* cannot change a structure the caller still holds */
};

int smmu_cfgcache_create(struct smmu_core *s, char *err, size_t errlen)
{
    struct smmu_cfgcache *cc = calloc(1, sizeof *cc);
    if (!cc) { if (err && errlen) snprintf(err, errlen, "out of memory"); return -1; }
    s->cfgc = cc;
    if (s->cfg.cfg_cache.entries) {
        cc->c = smmu_cache_create(&s->cfg.cfg_cache, sizeof(cfg_entry_t), s->cfg.seed, err, errlen);
        if (!cc->c) return -1;
    }
    return 0;
}

void smmu_cfgcache_destroy(struct smmu_core *s)
{
    if (!s->cfgc) return;
    smmu_cache_destroy(s->cfgc->c);
    free(s->cfgc);
    s->cfgc = NULL;
}

void smmu_cfgcache_stats(const struct smmu_core *s, smmu_cache_stats_t *out)
{
    if (s->cfgc->c) *out = s->cfgc->c->stats;
    else memset(out, 0, sizeof *out);
}

static uint32_t set_of(const smmu_cache_t *c, unsigned kind, uint32_t sid, uint32_t ssid)
{
    uint32_t h = sid * 0x9E3779B1u ^ (kind == K_CD || kind == K_L1CD ? (ssid + 1) * 0x85EBCA77u : 0) ^ kind * 0xC2B2AE35u;
    h ^= h >> 16;
    return smmu_cache_set_of(c, h);
}

/* Find an entry; with `count` (not a debug lookup) the lookup is counted and a hit updates the policy. */
static cfg_entry_t *lookup(smmu_cache_t *c, unsigned kind, uint32_t sid, uint32_t ssid, bool count)
{
    uint32_t set = set_of(c, kind, sid, ssid);
    for (uint32_t w = 0; w < c->ways; w++) {
        cfg_entry_t *e = smmu_cache_entry(c, set, w);
        if (e->hdr.valid && e->kind == kind && e->sid == sid && e->ssid == ssid) {
            if (count) smmu_cache_touch(c, set, w);
            return e;
        }
    }
    if (count) smmu_cache_miss(c);
    return NULL;
}

static cfg_entry_t *insert(smmu_cache_t *c, unsigned kind, uint32_t sid, uint32_t ssid, uint32_t last)
{
    uint32_t set = set_of(c, kind, sid, ssid);
    uint32_t way = smmu_cache_victim(c, set);
    cfg_entry_t *e = smmu_cache_entry(c, set, way);
    e->kind = (uint8_t)kind;
    e->sid = sid;
    e->ssid = ssid;
    e->last = last;
    smmu_cache_filled(c, set, way);
    return e;
}

static void count_fetch(struct smmu_core *s, uint32_t sid, smmu_cost_t *cost, bool fill)
{
    cost->cycles += s->cfg.cfg_fetch_cycles;
    if (!fill) return;
    smmu_stream_stats_t *ss = smmu_sstats_get(s, sid);
    if (ss) ss->cfg_fetches++;
}

int smmu_cfg_ste(struct smmu_core *s, uint32_t sid, const smmu_ste_t **ste, smmu_event_t *ev, smmu_cost_t *cost, bool fill)
{
    struct smmu_cfgcache *cc = s->cfgc;
    smmu_cache_t *c = cc->c;
    if (c) {
        cost->cycles += s->cfg.cfg_cache.latency;
        const cfg_entry_t *e = lookup(c, K_STE, sid, 0, fill);
        if (e) {
            cc->ste_out = e->u.ste;
            *ste = &cc->ste_out;
            return 0;
        }
    }
    /* No configuration is cached while SMMUEN == 0 (3.21.3). */
    bool insert_ok = c && fill && smmu_enabled(s);
    smmu_l1desc_t l1 = { false, 0 };
    uint32_t l1_index = 0, first = 0;
    unsigned split = 0;
    bool two_level = c && smmu_strtab_l1_index(s, sid, &l1_index, &split);
    if (two_level) {                                   /* the L1STD lookup rides on the same cache access */
        first = l1_index << split;
        const cfg_entry_t *e = lookup(c, K_L1STD, first, 0, fill);
        if (e) l1 = (smmu_l1desc_t){ true, e->u.l1 };
    }
    bool l1_cached = l1.present;
    count_fetch(s, sid, cost, fill);
    int rc = smmu_ste_fetch_l1(s, sid, &l1, &cc->ste_out, ev, cost);
    if (two_level && insert_ok && l1.present && !l1_cached)
        insert(c, K_L1STD, first, 0, first + ((1u << split) - 1))->u.l1 = l1.desc;
    if (rc) return rc;
    if (insert_ok) insert(c, K_STE, sid, 0, 0)->u.ste = cc->ste_out;
    *ste = &cc->ste_out;
    return 0;
}

int smmu_cfg_cd(struct smmu_core *s, const smmu_ste_t *ste, uint32_t sid, uint32_t ssid,
                const smmu_cd_t **cd, smmu_event_t *ev, smmu_cost_t *cost, bool fill)
{
    struct smmu_cfgcache *cc = s->cfgc;
    smmu_cache_t *c = cc->c;
    if (c) {
        cost->cycles += s->cfg.cfg_cache.latency;
        const cfg_entry_t *e = lookup(c, K_CD, sid, ssid, fill);
        if (e) {
            cc->cd_out = e->u.cd;
            *cd = &cc->cd_out;
            return 0;
        }
    }
    bool insert_ok = c && fill && smmu_enabled(s);
    smmu_l1desc_t l1 = { false, 0 };
    uint32_t l1_index = 0, first = 0;
    unsigned split = ste->s1fmt == 1 ? 6 : 10;
    bool two_level = c && smmu_cd_l1_index(ste, ssid, &l1_index);
    if (two_level) {
        first = l1_index << split;
        const cfg_entry_t *e = lookup(c, K_L1CD, sid, first, fill);
        if (e) l1 = (smmu_l1desc_t){ true, e->u.l1 };
    }
    bool l1_cached = l1.present;
    count_fetch(s, sid, cost, fill);
    int rc = smmu_cd_fetch_l1(s, ste, sid, ssid, &l1, &cc->cd_out, ev, cost);
    if (two_level && insert_ok && l1.present && !l1_cached)
        insert(c, K_L1CD, sid, first, first + ((1u << split) - 1))->u.l1 = l1.desc;
    if (rc) return rc;
    if (insert_ok) insert(c, K_CD, sid, ssid, 0)->u.cd = cc->cd_out;
    *cd = &cc->cd_out;
    return 0;
}

/* Drop what is cached for StreamIDs [lo, hi]: STEs (unless cds_only), CDs and L1CDs, and with `l1std` the
 * L1STDs covering any of them. The TBUs' contexts follow (cfg_gen). */
static void drop_sids(struct smmu_core *s, uint64_t lo, uint64_t hi, bool cds_only, bool l1std)
{
    smmu_config_changed(s);
    smmu_cache_t *c = s->cfgc->c;
    for (uint32_t set = 0; c && set < c->sets; set++)
        for (uint32_t w = 0; w < c->ways && c->live[set]; w++) {   /* empty sets are skipped */
            const cfg_entry_t *e = smmu_cache_entry(c, set, w);
            if (!e->hdr.valid) continue;
            bool hit;
            switch (e->kind) {
            case K_STE:   hit = !cds_only && e->sid >= lo && e->sid <= hi; break;
            case K_L1STD: hit = l1std && e->sid <= hi && e->last >= lo; break;
            default:      hit = e->sid >= lo && e->sid <= hi; break;
            }
            if (hit) smmu_cache_invalidate(c, set, w);
        }
}

/* CMD_CFGI_STE: the STE, every CD and L1CD cached through that StreamID, and with Leaf=0 the L1STD (4.3.1). */
void smmu_cfgi_ste(struct smmu_core *s, uint32_t sid, bool leaf)
{
    drop_sids(s, sid, sid, false, !leaf);
}

/* CMD_CFGI_STE_RANGE: 2^(Range+1) StreamIDs aligned to that size, their CDs and L1STDs; Range 31 is
 * CMD_CFGI_ALL (4.3.2, 4.3.6). */
void smmu_cfgi_ste_range(struct smmu_core *s, uint32_t sid, unsigned range)
{
    if (range >= 31) { smmu_cfgi_all(s); return; }
    uint64_t size = 1ull << (range + 1);
    uint64_t lo = sid & ~(size - 1);
    drop_sids(s, lo, lo + size - 1, false, true);
}

/* CMD_CFGI_CD: the CD fetched from index `ssid` of the table located through `sid`, with Leaf=0 also the
 * L1CD covering it (4.3.3). */
void smmu_cfgi_cd(struct smmu_core *s, uint32_t sid, uint32_t ssid, bool leaf)
{
    smmu_config_changed(s);
    smmu_cache_t *c = s->cfgc->c;
    for (smmu_cache_iter_t it = {0}; smmu_cache_next(c, &it);) {
        const cfg_entry_t *e = it.entry;
        if (e->sid != sid) continue;
        if ((e->kind == K_CD && e->ssid == ssid) || (!leaf && e->kind == K_L1CD && e->ssid <= ssid && e->last >= ssid))
            smmu_cache_invalidate(c, it.set, it.way);
    }
}

/* CMD_CFGI_CD_ALL: every CD and L1CD cached through `sid` (4.3.4). */
void smmu_cfgi_cd_all(struct smmu_core *s, uint32_t sid)
{
    drop_sids(s, sid, sid, true, false);
}

void smmu_cfgi_all(struct smmu_core *s)
{
    smmu_config_changed(s);
    if (s->cfgc->c) smmu_cache_invalidate_all(s->cfgc->c);
}
