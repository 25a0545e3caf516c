/* SPDX-License-Identifier: BSD-3-Clause */
/* Generic set-associative cache engine: geometry, replacement state and counters; the client owns the entries. */
#ifndef SMMU_CORE_CACHE_H
#define SMMU_CORE_CACHE_H

#include <stddef.h>
#include <smmu/smmu.h>
#include "types.h"

/* Every client entry struct starts with this header. */
typedef struct smmu_cache_hdr {
    bool valid;
} smmu_cache_hdr_t;

/* Replacement state of one way; each policy uses the fields it needs. */
typedef struct smmu_way_meta {
    uint64_t stamp;    /* LRU/LFU/2Q: last use; FIFO: fill time */
    uint32_t count;    /* LFU: references since fill */
    uint8_t  state;    /* RRIP: RRPV; Clock: reference bit; 2Q: 1 = protected (Am) */
    bool     live;     /* counted in live[set] (the client may overwrite hdr.valid before smmu_cache_filled) */
} smmu_way_meta_t;

typedef struct smmu_cache {
    smmu_cache_config_t cfg;
    uint32_t sets, ways, set_mask;
    size_t   esize;
    uint8_t *entries;          /* sets * ways * esize */
    smmu_way_meta_t *meta;     /* sets * ways */
    uint8_t *plru;             /* PLRU: per set, tree nodes 1..ways_p2-1 (one byte each) */
    uint32_t *hand;            /* Clock: per-set hand */
    uint32_t ways_p2;          /* ways rounded up to a power of two (PLRU tree width) */
    uint32_t *live;            /* per set: valid ways, so a full set needs no search for an invalid way */
    uint64_t tick;
    uint64_t rng;
    uint64_t gen;              /* bumped whenever an entry becomes valid or invalid: lookups memoised at an
                                  older generation are void */
    smmu_cache_stats_t stats;
} smmu_cache_t;

/* Allocate a cache of `cfg` geometry holding entries of `esize` bytes (a struct starting with smmu_cache_hdr_t).
 * cfg->entries == 0 gives NULL with *err unset (absent structure); NULL with a message on a bad geometry or no memory. */
smmu_cache_t *smmu_cache_create(const smmu_cache_config_t *cfg, size_t esize, uint64_t seed, char *err, size_t errlen);
void smmu_cache_destroy(smmu_cache_t *c);

static inline uint32_t smmu_cache_set_of(const smmu_cache_t *c, uint64_t index) { return (uint32_t)(index & c->set_mask); }

static inline void *smmu_cache_entry(const smmu_cache_t *c, uint32_t set, uint32_t way)
{
    return c->entries + ((size_t)set * c->ways + way) * c->esize;
}

static inline bool smmu_cache_valid(const smmu_cache_t *c, uint32_t set, uint32_t way)
{
    return ((const smmu_cache_hdr_t *)smmu_cache_entry(c, set, way))->valid;
}

/* A lookup hit (set, way): counts a lookup and a hit and updates the replacement state. */
void smmu_cache_touch(smmu_cache_t *c, uint32_t set, uint32_t way);
/* A lookup that missed: counts a lookup and a miss. */
static inline void smmu_cache_miss(smmu_cache_t *c) { c->stats.lookups++; c->stats.misses++; }
/* The way to fill in `set`: the lowest invalid way, else the policy's victim (counted as an eviction).
 * The victim's old contents stay readable until the client overwrites them. */
uint32_t smmu_cache_victim(smmu_cache_t *c, uint32_t set);
/* The client has written (set, way): marks it valid, counts a fill, sets the insertion state. */
void smmu_cache_filled(smmu_cache_t *c, uint32_t set, uint32_t way);
/* Drop (set, way) if valid; counts an invalidation. */
void smmu_cache_invalidate(smmu_cache_t *c, uint32_t set, uint32_t way);
/* Drop every entry (counted as invalidations). Returns how many were valid. */
uint64_t smmu_cache_invalidate_all(smmu_cache_t *c);
/* Number of valid entries. */
uint64_t smmu_cache_occupancy(const smmu_cache_t *c);

/* Iterate every valid entry: for (smmu_cache_iter_t it = {0}; smmu_cache_next(c, &it);) use it.entry. */
typedef struct smmu_cache_iter {
    uint32_t set, way;
    void *entry;
    size_t pos;
} smmu_cache_iter_t;

static inline bool smmu_cache_next(const smmu_cache_t *c, smmu_cache_iter_t *it)
{
    size_t total = c ? (size_t)c->sets * c->ways : 0;
    while (it->pos < total) {
        size_t p = it->pos++;
        smmu_cache_hdr_t *h = (smmu_cache_hdr_t *)(c->entries + p * c->esize);
        if (h->valid) {
            it->set = (uint32_t)(p / c->ways);
            it->way = (uint32_t)(p % c->ways);
            it->entry = h;
            return true;
        }
    }
    return false;
}

#endif
