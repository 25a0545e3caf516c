/* Configuration cache of decoded STEs (keyed by StreamID) and CDs (StreamID, SubstreamID), and the
 * CMD_CFGI_* invalidations (IHI 0070 3.21.3, 4.3), on the set-associative engine of cache.h (every policy).
 * Only valid, legal structures are cached: 3.21.3 permits caching invalid ones too, but a failed fetch
 * (F_STE_FETCH, F_CD_FETCH, stage-2 fault) must never be, and an invalid STE/CD costs a re-fetch per use.
 * L1STD/L1CD descriptors are not cached separately, so Leaf has no extra scope. */
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"
#include "cache.h"
#include "stats.h"

typedef struct cfg_entry {
    smmu_cache_hdr_t hdr;
    bool     is_cd;
    uint32_t sid, ssid;
    union { smmu_ste_t ste; smmu_cd_t cd; } u;
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

static uint32_t set_of(const smmu_cache_t *c, bool is_cd, uint32_t sid, uint32_t ssid)
{
    uint32_t h = sid * 0x9E3779B1u ^ (is_cd ? (ssid + 1) * 0x85EBCA77u : 0);
    h ^= h >> 16;
    return smmu_cache_set_of(c, h);
}

/* Find an entry; with `count` (not a debug lookup) the lookup is counted and a hit updates the policy. */
static cfg_entry_t *lookup(smmu_cache_t *c, bool is_cd, uint32_t sid, uint32_t ssid, bool count)
{
    uint32_t set = set_of(c, is_cd, sid, ssid);
    for (uint32_t w = 0; w < c->ways; w++) {
        cfg_entry_t *e = smmu_cache_entry(c, set, w);
        if (e->hdr.valid && e->is_cd == is_cd && e->sid == sid && (!is_cd || e->ssid == ssid)) {
            if (count) smmu_cache_touch(c, set, w);
            return e;
        }
    }
    if (count) smmu_cache_miss(c);
    return NULL;
}

static void insert(smmu_cache_t *c, bool is_cd, uint32_t sid, uint32_t ssid, const void *cfg)
{
    uint32_t set = set_of(c, is_cd, sid, ssid);
    uint32_t way = smmu_cache_victim(c, set);
    cfg_entry_t *e = smmu_cache_entry(c, set, way);
    e->is_cd = is_cd;
    e->sid = sid;
    e->ssid = is_cd ? ssid : 0;
    if (is_cd) e->u.cd = *(const smmu_cd_t *)cfg;
    else e->u.ste = *(const smmu_ste_t *)cfg;
    smmu_cache_filled(c, set, way);
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
    if (cc->c) {
        cost->cycles += s->cfg.cfg_cache.latency;
        const cfg_entry_t *e = lookup(cc->c, false, sid, 0, fill);
        if (e) {
            cc->ste_out = e->u.ste;
            *ste = &cc->ste_out;
            return 0;
        }
    }
    count_fetch(s, sid, cost, fill);
    int rc = smmu_ste_fetch(s, sid, &cc->ste_out, ev, cost);
    if (rc) return rc;
    /* No configuration is cached while SMMUEN == 0 (3.21.3). */
    if (cc->c && fill && smmu_enabled(s)) insert(cc->c, false, sid, 0, &cc->ste_out);
    *ste = &cc->ste_out;
    return 0;
}

int smmu_cfg_cd(struct smmu_core *s, const smmu_ste_t *ste, uint32_t sid, uint32_t ssid,
                const smmu_cd_t **cd, smmu_event_t *ev, smmu_cost_t *cost, bool fill)
{
    struct smmu_cfgcache *cc = s->cfgc;
    if (cc->c) {
        cost->cycles += s->cfg.cfg_cache.latency;
        const cfg_entry_t *e = lookup(cc->c, true, sid, ssid, fill);
        if (e) {
            cc->cd_out = e->u.cd;
            *cd = &cc->cd_out;
            return 0;
        }
    }
    count_fetch(s, sid, cost, fill);
    int rc = smmu_cd_fetch(s, ste, sid, ssid, &cc->cd_out, ev, cost);
    if (rc) return rc;
    if (cc->c && fill && smmu_enabled(s)) insert(cc->c, true, sid, ssid, &cc->cd_out);
    *cd = &cc->cd_out;
    return 0;
}

/* Drop STEs and CDs of StreamIDs in [lo, hi]; CDs only when `cds_only`. The TBUs' contexts follow (cfg_gen). */
static void drop_sids(struct smmu_core *s, uint64_t lo, uint64_t hi, bool cds_only)
{
    smmu_config_changed(s);
    smmu_cache_t *c = s->cfgc->c;
    for (smmu_cache_iter_t it = {0}; smmu_cache_next(c, &it);) {
        const cfg_entry_t *e = it.entry;
        if (e->sid >= lo && e->sid <= hi && (e->is_cd || !cds_only)) smmu_cache_invalidate(c, it.set, it.way);
    }
}

/* CMD_CFGI_STE: the STE and every CD (and L1CD) cached through that StreamID (4.3.1). */
void smmu_cfgi_ste(struct smmu_core *s, uint32_t sid, bool leaf)
{
    (void)leaf;                                              /* no L1STD is cached */
    drop_sids(s, sid, sid, false);
}

/* CMD_CFGI_STE_RANGE: 2^(Range+1) StreamIDs aligned to that size; Range 31 is CMD_CFGI_ALL (4.3.2, 4.3.6). */
void smmu_cfgi_ste_range(struct smmu_core *s, uint32_t sid, unsigned range)
{
    if (range >= 31) { smmu_cfgi_all(s); return; }
    uint64_t size = 1ull << (range + 1);
    uint64_t lo = sid & ~(size - 1);
    drop_sids(s, lo, lo + size - 1, false);
}

/* CMD_CFGI_CD: the CD fetched from index `ssid` of the CD table located through `sid` (4.3.3). */
void smmu_cfgi_cd(struct smmu_core *s, uint32_t sid, uint32_t ssid, bool leaf)
{
    (void)leaf;                                              /* no L1CD is cached */
    smmu_config_changed(s);
    smmu_cache_t *c = s->cfgc->c;
    if (!c) return;
    uint32_t set = set_of(c, true, sid, ssid);
    for (uint32_t w = 0; w < c->ways; w++) {
        const cfg_entry_t *e = smmu_cache_entry(c, set, w);
        if (e->hdr.valid && e->is_cd && e->sid == sid && e->ssid == ssid) smmu_cache_invalidate(c, set, w);
    }
}

/* CMD_CFGI_CD_ALL: every CD cached through `sid` (4.3.4). */
void smmu_cfgi_cd_all(struct smmu_core *s, uint32_t sid)
{
    drop_sids(s, sid, sid, true);
}

void smmu_cfgi_all(struct smmu_core *s)
{
    smmu_config_changed(s);
    if (s->cfgc->c) smmu_cache_invalidate_all(s->cfgc->c);
}
