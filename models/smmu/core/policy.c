/* SPDX-License-Identifier: BSD-3-Clause */
/* Replacement policies of the cache engine: what a hit and a fill record, and which valid way a miss evicts. */
#include "cache.h"

void smmu_policy_hit(smmu_cache_t *c, uint32_t set, uint32_t way);
void smmu_policy_fill(smmu_cache_t *c, uint32_t set, uint32_t way);
uint32_t smmu_policy_victim(smmu_cache_t *c, uint32_t set);

static smmu_way_meta_t *meta(smmu_cache_t *c, uint32_t set) { return &c->meta[(size_t)set * c->ways]; }

/* Tree PLRU: node n (heap order, root 1) points to the half holding the victim (0 left, 1 right).
 * Ways that are not a power of two use the next power of two; leaves past the last way are never chosen. */
static void plru_access(smmu_cache_t *c, uint32_t set, uint32_t way)
{
    uint8_t *t = &c->plru[(size_t)set * c->ways_p2];
    uint32_t node = 1, lo = 0, width = c->ways_p2;
    while (width > 1) {
        width >>= 1;
        bool right = way >= lo + width;
        t[node] = right ? 0 : 1;            /* point away from the way just used */
        node = node * 2 + (right ? 1 : 0);
        if (right) lo += width;
    }
}

static uint32_t plru_victim(smmu_cache_t *c, uint32_t set)
{
    const uint8_t *t = &c->plru[(size_t)set * c->ways_p2];
    uint32_t node = 1, lo = 0, width = c->ways_p2;
    while (width > 1) {
        width >>= 1;
        bool right = t[node] && lo + width < c->ways;
        node = node * 2 + (right ? 1 : 0);
        if (right) lo += width;
    }
    return lo;
}

static uint64_t xorshift(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

static uint32_t oldest(const smmu_way_meta_t *m, uint32_t ways, int state)   /* state -1: any */
{
    uint32_t v = ways;
    for (uint32_t w = 0; w < ways; w++)
        if ((state < 0 || m[w].state == state) && (v == ways || m[w].stamp < m[v].stamp)) v = w;
    return v;
}

void smmu_policy_hit(smmu_cache_t *c, uint32_t set, uint32_t way)
{
    smmu_way_meta_t *m = &meta(c, set)[way];
    switch (c->cfg.policy) {
    case SMMU_REPL_LRU: m->stamp = c->tick; break;
    case SMMU_REPL_PLRU: plru_access(c, set, way); break;
    case SMMU_REPL_FIFO: case SMMU_REPL_RANDOM: break;
    case SMMU_REPL_LFU: if (m->count < UINT32_MAX) m->count++; m->stamp = c->tick; break;
    case SMMU_REPL_2Q: m->state = 1; m->stamp = c->tick; break;   /* re-reference promotes A1in -> Am */
    case SMMU_REPL_CLOCK: m->state = 1; break;
    case SMMU_REPL_RRIP: m->state = 0; break;                     /* SRRIP hit priority: near-immediate */
    }
}

void smmu_policy_fill(smmu_cache_t *c, uint32_t set, uint32_t way)
{
    smmu_way_meta_t *m = &meta(c, set)[way];
    m->stamp = c->tick;
    switch (c->cfg.policy) {
    case SMMU_REPL_PLRU: plru_access(c, set, way); break;
    case SMMU_REPL_LFU: m->count = 1; break;
    case SMMU_REPL_2Q: m->state = 0; break;          /* new entries enter the probationary FIFO A1in */
    case SMMU_REPL_CLOCK: m->state = 0; break;       /* insertion is not a reference: a hit earns the second chance */
    case SMMU_REPL_RRIP: m->state = 2; break;        /* SRRIP: insert with a long re-reference prediction */
    default: break;
    }
}

uint32_t smmu_policy_victim(smmu_cache_t *c, uint32_t set)
{
    smmu_way_meta_t *m = meta(c, set);
    uint32_t ways = c->ways;
    switch (c->cfg.policy) {
    case SMMU_REPL_LRU: case SMMU_REPL_FIFO: {     /* stamps are unique: the smallest is the one */
        uint32_t v = 0;
        uint64_t s = m[0].stamp;
        for (uint32_t w = 1; w < ways; w++)
            if (m[w].stamp < s) { s = m[w].stamp; v = w; }
        return v;
    }
    case SMMU_REPL_PLRU:
        return plru_victim(c, set);
    case SMMU_REPL_RANDOM:
        return (uint32_t)(xorshift(&c->rng) % ways);
    case SMMU_REPL_LFU: {          /* fewest references; ties go to the least recently used */
        uint32_t v = 0;
        for (uint32_t w = 1; w < ways; w++)
            if (m[w].count < m[v].count || (m[w].count == m[v].count && m[w].stamp < m[v].stamp)) v = w;
        return v;
    }
    case SMMU_REPL_2Q: {           /* A1in holds at most max(1, ways/4) entries before it gives up its oldest */
        uint32_t in = 0, kin = ways / 4 ? ways / 4 : 1;
        for (uint32_t w = 0; w < ways; w++) in += m[w].state == 0;
        if (in >= kin || in == ways) return oldest(m, ways, 0);
        return oldest(m, ways, 1);
    }
    case SMMU_REPL_CLOCK: {
        uint32_t *hand = &c->hand[set];
        for (;;) {
            uint32_t w = *hand;
            *hand = (w + 1) % ways;
            if (!m[w].state) return w;
            m[w].state = 0;
        }
    }
    case SMMU_REPL_RRIP:
        for (;;) {
            for (uint32_t w = 0; w < ways; w++)
                if (m[w].state >= 3) return w;
            for (uint32_t w = 0; w < ways; w++) m[w].state++;
        }
    }
    return 0;
}
