/* Stalled transactions (IHI 0070 3.12.2): STAGs held until CMD_RESUME / CMD_STALL_TERM settle them. */
#include <stdlib.h>

#include "stall.h"

typedef struct smmu_stall {
    bool     used;
    uint8_t  state;        /* smmu_stall_state_t */
    uint32_t sid;
    uint16_t stag;
} smmu_stall_t;

struct smmu_stalls {
    uint32_t cap;
    uint16_t next_stag;
    smmu_stall_t *e;
};

int smmu_stalls_create(struct smmu_core *s, char *err, size_t errlen)
{
    (void)err; (void)errlen;
    struct smmu_stalls *t = calloc(1, sizeof *t);
    if (!t) return -1;
    /* IDR5.STALL_MAX bounds the number of stalls held at once; at least one slot. */
    t->cap = s->cfg.stall_max ? s->cfg.stall_max : 1;
    t->e = calloc(t->cap, sizeof *t->e);
    if (!t->e) { free(t); return -1; }
    s->stalls = t;
    return 0;
}

void smmu_stalls_destroy(struct smmu_core *s)
{
    if (!s->stalls) return;
    free(s->stalls->e);
    free(s->stalls);
    s->stalls = NULL;
}

static smmu_stall_t *find(struct smmu_stalls *t, uint32_t sid, uint16_t stag)
{
    for (uint32_t i = 0; i < t->cap; i++)
        if (t->e[i].used && t->e[i].sid == sid && t->e[i].stag == stag) return &t->e[i];
    return NULL;
}

static bool stag_in_use(struct smmu_stalls *t, uint16_t stag)
{
    for (uint32_t i = 0; i < t->cap; i++)
        if (t->e[i].used && t->e[i].stag == stag) return true;
    return false;
}

bool smmu_stall_hold(struct smmu_core *s, uint32_t sid, uint16_t *stag)
{
    struct smmu_stalls *t = s->stalls;
    smmu_stall_t *slot = NULL;
    for (uint32_t i = 0; i < t->cap && !slot; i++)
        if (!t->e[i].used) slot = &t->e[i];
    if (!slot) return false;
    /* A STAG is not reused until its stall is acknowledged (3.12.2). */
    while (stag_in_use(t, t->next_stag)) t->next_stag++;
    slot->used = true;
    slot->state = SMMU_STALL_PENDING;
    slot->sid = sid;
    slot->stag = t->next_stag++;
    *stag = slot->stag;
    return true;
}

bool smmu_stall_resume(struct smmu_core *s, uint32_t sid, uint16_t stag, bool retry, bool ab)
{
    smmu_stall_t *e = find(s->stalls, sid, stag);
    /* A STAG that matches no stall of this StreamID makes CMD_RESUME a no-op (4.7.1). */
    if (!e || e->state != SMMU_STALL_PENDING) return false;
    if (retry) e->state = SMMU_STALL_RETRY;
    else e->state = (ab || s->cfg.term_model) ? SMMU_STALL_ABORTED : SMMU_STALL_RAZWI;
    return true;
}

unsigned smmu_stall_term(struct smmu_core *s, uint32_t sid)
{
    unsigned n = 0;
    struct smmu_stalls *t = s->stalls;
    for (uint32_t i = 0; i < t->cap; i++) {
        if (t->e[i].used && t->e[i].sid == sid && t->e[i].state == SMMU_STALL_PENDING) {
            t->e[i].state = SMMU_STALL_ABORTED;   /* as CMD_RESUME(Terminate, Abort) (4.7.2) */
            n++;
        }
    }
    return n;
}

smmu_stall_state_t smmu_stall_query(smmu_t *s, uint32_t sid, uint16_t stag)
{
    smmu_stall_t *e = find(s->stalls, sid, stag);
    if (!e) return SMMU_STALL_NONE;
    /* Clearing SMMUEN terminates every stalled transaction (3.12.2). */
    if (e->state == SMMU_STALL_PENDING && !smmu_enabled(s)) e->state = SMMU_STALL_ABORTED;
    return (smmu_stall_state_t)e->state;
}

void smmu_stall_release(smmu_t *s, uint32_t sid, uint16_t stag)
{
    smmu_stall_t *e = find(s->stalls, sid, stag);
    if (e && e->state != SMMU_STALL_PENDING) e->used = false;
}
