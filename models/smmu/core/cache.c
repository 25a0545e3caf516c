/* SPDX-License-Identifier: BSD-3-Clause */
/* Cache engine bookkeeping: allocation, fill/evict/invalidate accounting. Victim choice is in policy.c. */
#include <stdio.h>
#include <stdlib.h>

#include "cache.h"

void smmu_policy_hit(smmu_cache_t *c, uint32_t set, uint32_t way);
void smmu_policy_fill(smmu_cache_t *c, uint32_t set, uint32_t way);
uint32_t smmu_policy_victim(smmu_cache_t *c, uint32_t set);

smmu_cache_t *smmu_cache_create(const smmu_cache_config_t *cfg, size_t esize, uint64_t seed, char *err, size_t errlen)
{
    if (cfg->entries == 0) return NULL;
    uint32_t ways = cfg->ways ? cfg->ways : cfg->entries;
    uint32_t sets = ways && ways <= cfg->entries && cfg->entries % ways == 0 ? cfg->entries / ways : 0;
    if (!sets || (sets & (sets - 1)) || esize < sizeof(smmu_cache_hdr_t) || (unsigned)cfg->policy > SMMU_REPL_RRIP) {
        if (err && errlen) snprintf(err, errlen, "cache: bad geometry (%u entries, %u ways, policy %d)",
                                    cfg->entries, cfg->ways, (int)cfg->policy);
        return NULL;
    }
    smmu_cache_t *c = calloc(1, sizeof *c);
    if (!c) goto oom;
    c->cfg = *cfg;
    c->cfg.ways = ways;
    c->sets = sets;
    c->ways = ways;
    c->set_mask = sets - 1;
    c->esize = esize;
    c->ways_p2 = 1;
    while (c->ways_p2 < ways) c->ways_p2 <<= 1;
    c->rng = seed ? seed : 0x9E3779B97F4A7C15ull;
    c->gen = 1;
    c->entries = calloc((size_t)sets * ways, esize);
    c->meta = calloc((size_t)sets * ways, sizeof *c->meta);
    c->plru = calloc((size_t)sets * c->ways_p2, 1);
    c->hand = calloc(sets, sizeof *c->hand);
    c->live = calloc(sets, sizeof *c->live);
    if (!c->entries || !c->meta || !c->plru || !c->hand || !c->live) goto oom;
    return c;
oom:
    smmu_cache_destroy(c);
    if (err && errlen) snprintf(err, errlen, "cache: out of memory");
    return NULL;
}

void smmu_cache_destroy(smmu_cache_t *c)
{
    if (!c) return;
    free(c->entries);
    free(c->meta);
    free(c->plru);
    free(c->hand);
    free(c->live);
    free(c);
}

void smmu_cache_touch(smmu_cache_t *c, uint32_t set, uint32_t way)
{
    c->stats.lookups++;
    c->stats.hits++;
    c->tick++;
    smmu_policy_hit(c, set, way);
}

uint32_t smmu_cache_victim(smmu_cache_t *c, uint32_t set)
{
    for (uint32_t w = 0; c->live[set] < c->ways && w < c->ways; w++)
        if (!smmu_cache_valid(c, set, w)) return w;
    c->stats.evictions++;
    return smmu_policy_victim(c, set);
}

void smmu_cache_filled(smmu_cache_t *c, uint32_t set, uint32_t way)
{
    ((smmu_cache_hdr_t *)smmu_cache_entry(c, set, way))->valid = true;
    c->gen++;
    c->stats.fills++;
    c->tick++;
    smmu_way_meta_t *m = &c->meta[(size_t)set * c->ways + way];
    m->stamp = 0;
    m->count = 0;
    m->state = 0;
    if (!m->live) {
        m->live = true;
        c->live[set]++;
    }
    smmu_policy_fill(c, set, way);
}

void smmu_cache_invalidate(smmu_cache_t *c, uint32_t set, uint32_t way)
{
    smmu_cache_hdr_t *h = smmu_cache_entry(c, set, way);
    if (!h->valid) return;
    h->valid = false;
    c->gen++;
    c->stats.invalidations++;
    smmu_way_meta_t *m = &c->meta[(size_t)set * c->ways + way];
    if (m->live) {
        m->live = false;
        c->live[set]--;
    }
}

uint64_t smmu_cache_invalidate_all(smmu_cache_t *c)
{
    uint64_t n = 0;
    for (smmu_cache_iter_t it = {0}; smmu_cache_next(c, &it);) {
        smmu_cache_invalidate(c, it.set, it.way);
        n++;
    }
    return n;
}

uint64_t smmu_cache_occupancy(const smmu_cache_t *c)
{
    uint64_t n = 0;
    for (smmu_cache_iter_t it = {0}; smmu_cache_next(c, &it);) n++;
    return n;
}
