/* SPDX-License-Identifier: BSD-3-Clause */
/* Per-stream and global statistics. Streams are kept in an open-addressed table that grows on new StreamIDs only. */
#include <stdlib.h>

#include "stats.h"

struct smmu_sstats {
    uint32_t cap, used;
    uint32_t *sids;
    bool *present;
    smmu_stream_stats_t *st;
    uint32_t last_sid;          /* the previous lookup, valid until the table grows: streams come in runs */
    smmu_stream_stats_t *last;
};

int smmu_sstats_create(struct smmu_core *s, char *err, size_t errlen)
{
    (void)err; (void)errlen;
    s->sstats = calloc(1, sizeof *s->sstats);
    return s->sstats ? 0 : -1;
}

void smmu_sstats_destroy(struct smmu_core *s)
{
    if (!s->sstats) return;
    free(s->sstats->sids);
    free(s->sstats->present);
    free(s->sstats->st);
    free(s->sstats);
    s->sstats = NULL;
}

static uint32_t slot_of(uint32_t sid, uint32_t cap) { return (uint32_t)((sid * 0x9E3779B1u) & (cap - 1)); }

static int grow(struct smmu_sstats *t)
{
    uint32_t ncap = t->cap ? t->cap * 2 : 64;
    uint32_t *sids = calloc(ncap, sizeof *sids);
    bool *present = calloc(ncap, sizeof *present);
    smmu_stream_stats_t *st = calloc(ncap, sizeof *st);
    if (!sids || !present || !st) { free(sids); free(present); free(st); return -1; }
    for (uint32_t i = 0; i < t->cap; i++) {
        if (!t->present[i]) continue;
        uint32_t j = slot_of(t->sids[i], ncap);
        while (present[j]) j = (j + 1) & (ncap - 1);
        present[j] = true; sids[j] = t->sids[i]; st[j] = t->st[i];
    }
    free(t->sids); free(t->present); free(t->st);
    t->sids = sids; t->present = present; t->st = st; t->cap = ncap;
    t->last = NULL;
    return 0;
}

static smmu_stream_stats_t *find(const struct smmu_sstats *t, uint32_t sid)
{
    if (!t->cap) return NULL;
    for (uint32_t j = slot_of(sid, t->cap); t->present[j]; j = (j + 1) & (t->cap - 1))
        if (t->sids[j] == sid) return &t->st[j];
    return NULL;
}

smmu_stream_stats_t *smmu_sstats_get(struct smmu_core *s, uint32_t sid)
{
    struct smmu_sstats *t = s->sstats;
    if (t->last && t->last_sid == sid) return t->last;
    smmu_stream_stats_t *p = find(t, sid);
    if (!p) {
        if ((t->used + 1) * 4 > t->cap * 3 && grow(t)) return NULL;
        uint32_t j = slot_of(sid, t->cap);
        while (t->present[j]) j = (j + 1) & (t->cap - 1);
        t->present[j] = true; t->sids[j] = sid; t->used++;
        memset(&t->st[j], 0, sizeof t->st[j]);
        p = &t->st[j];
    }
    t->last_sid = sid;
    t->last = p;
    return p;
}

bool smmu_stream_stats(const smmu_t *s, uint32_t sid, smmu_stream_stats_t *out)
{
    const smmu_stream_stats_t *p = find(s->sstats, sid);
    if (!p) { memset(out, 0, sizeof *out); return false; }
    *out = *p;
    return true;
}

void smmu_global_stats(const smmu_t *s, smmu_global_stats_t *out) { *out = s->gstats; }
