/* SPDX-License-Identifier: BSD-3-Clause */
/* Stalled transactions (IHI 0070 3.12.2, 7.2.1): STAGs, their stall records and their resolution by
 * CMD_RESUME / CMD_STALL_TERM / SMMUEN. A stall never turns into an abort because its record cannot be written. */
#include <stdlib.h>

#include "stall.h"

/* What a pending stall holds. */
enum {
    HOLD_NONE,          /* settled (RETRY/ABORTED/RAZWI), kept until the host releases it */
    HOLD_RECORDED,      /* stalled, its record committed to the Event queue: one STALL_MAX slot */
    HOLD_UNRECORDED,    /* stalled, its record waits for the queue to become writable (7.2.1): one slot */
    HOLD_WAITING        /* no STALL_MAX slot was free: not accepted yet (back-pressure, 3.12.2.3) */
};

#define MAX_ENTRIES 65536u   /* one per 16-bit STAG */

typedef struct smmu_stall {
    bool     used;
    bool     stale;        /* unrecorded, and its translation may have been invalidated since (4.7.3) */
    uint8_t  state;        /* smmu_stall_state_t */
    uint8_t  hold;
    uint16_t stag;
    uint32_t sid;
    uint64_t seq;          /* arrival order: records and wake-ups keep it */
    smmu_event_t ev;       /* the stall record while HOLD_UNRECORDED */
} smmu_stall_t;

struct smmu_stalls {
    uint32_t max;          /* IDR5.STALL_MAX */
    uint32_t held;         /* HOLD_RECORDED + HOLD_UNRECORDED */
    uint32_t unrecorded, waiting;
    uint32_t cap;
    uint16_t next_stag;
    uint64_t seq;
    smmu_stall_t *e;
};

int smmu_stalls_create(struct smmu_core *s, char *err, size_t errlen)
{
    (void)err; (void)errlen;
    struct smmu_stalls *t = calloc(1, sizeof *t);
    if (!t) return -1;
    t->max = s->cfg.stall_max;
    t->cap = t->max + 16 < MAX_ENTRIES ? t->max + 16 : MAX_ENTRIES;
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

static smmu_stall_t *new_entry(struct smmu_stalls *t)
{
    for (uint32_t i = 0; i < t->cap; i++)
        if (!t->e[i].used) return &t->e[i];
    if (t->cap >= MAX_ENTRIES) return NULL;
    uint32_t cap = t->cap * 2 < MAX_ENTRIES ? t->cap * 2 : MAX_ENTRIES;
    smmu_stall_t *e = realloc(t->e, cap * sizeof *e);
    if (!e) return NULL;
    memset(e + t->cap, 0, (cap - t->cap) * sizeof *e);
    t->e = e;
    smmu_stall_t *slot = &t->e[t->cap];
    t->cap = cap;
    return slot;
}

/* The oldest entry in `hold` state, or NULL. */
static smmu_stall_t *oldest(struct smmu_stalls *t, uint8_t hold)
{
    smmu_stall_t *o = NULL;
    for (uint32_t i = 0; i < t->cap; i++)
        if (t->e[i].used && t->e[i].hold == hold && (!o || t->e[i].seq < o->seq)) o = &t->e[i];
    return o;
}

/* A stall leaves its STALL_MAX slot (or its wait for one) with its final state. */
static void settle(struct smmu_stalls *t, smmu_stall_t *e, uint8_t state)
{
    if (e->hold == HOLD_RECORDED || e->hold == HOLD_UNRECORDED) t->held--;
    if (e->hold == HOLD_UNRECORDED) t->unrecorded--;
    if (e->hold == HOLD_WAITING) t->waiting--;
    e->hold = HOLD_NONE;
    e->state = state;
}

/* Freed slots let back-pressured transactions in: each comes back as RETRY, translated as if it just arrived. */
static void admit_waiting(struct smmu_stalls *t)
{
    uint32_t room = t->max > t->held ? t->max - t->held : 0;
    for (; room && t->waiting; room--) settle(t, oldest(t, HOLD_WAITING), SMMU_STALL_RETRY);
}

static bool evtq_writable(const struct smmu_core *s)
{
    return (s->cr0ack & CR0_EVTQEN) && !smmu_gerror_active(s, GERROR_EVTQ_ABT_ERR) && !smmu_evtq_full(s);
}

bool smmu_stall_fault(struct smmu_core *s, smmu_event_t *ev, uint16_t *stag, bool *recorded)
{
    struct smmu_stalls *t = s->stalls;
    *recorded = false;
    smmu_stall_t *e = new_entry(t);
    if (!e) return false;
    /* A STAG is not reused while the host still holds a stall that carries it (3.12.2). */
    while (stag_in_use(t, t->next_stag)) t->next_stag++;
    memset(e, 0, sizeof *e);
    e->used = true;
    e->state = SMMU_STALL_PENDING;
    e->sid = ev->sid;
    e->stag = t->next_stag++;
    e->seq = t->seq++;
    *stag = e->stag;
    if (t->held >= t->max) {                  /* STALL_MAX reached: the port does not accept it yet */
        e->hold = HOLD_WAITING;
        t->waiting++;
        return true;
    }
    t->held++;
    ev->stall = true;
    ev->stag = e->stag;
    if (evtq_writable(s)) {
        e->hold = HOLD_RECORDED;              /* a write that aborts loses the record, not the stall (7.2.2) */
        *recorded = smmu_evtq_record(s, ev);
        return true;
    }
    e->hold = HOLD_UNRECORDED;
    e->ev = *ev;
    t->unrecorded++;
    return true;
}

void smmu_stalls_drain(struct smmu_core *s)
{
    struct smmu_stalls *t = s->stalls;
    while (t->unrecorded && evtq_writable(s)) {
        smmu_stall_t *e = oldest(t, HOLD_UNRECORDED);
        if (e->stale) {                       /* 4.7.3: retried when the queue is next writable, not recorded */
            settle(t, e, SMMU_STALL_RETRY);
            continue;
        }
        t->unrecorded--;
        e->hold = HOLD_RECORDED;
        smmu_evtq_record(s, &e->ev);
    }
    admit_waiting(t);
}

void smmu_stalls_invalidated(struct smmu_core *s)
{
    struct smmu_stalls *t = s->stalls;
    if (!t->unrecorded) return;
    for (uint32_t i = 0; i < t->cap; i++)
        if (t->e[i].used && t->e[i].hold == HOLD_UNRECORDED) t->e[i].stale = true;
}

bool smmu_stall_resume(struct smmu_core *s, uint32_t sid, uint16_t stag, bool retry, bool ab)
{
    struct smmu_stalls *t = s->stalls;
    smmu_stall_t *e = find(t, sid, stag);
    /* A STAG that matches no recorded stall of this StreamID makes CMD_RESUME a no-op (4.7.1). */
    if (!e || e->state != SMMU_STALL_PENDING || e->hold != HOLD_RECORDED) return false;
    settle(t, e, retry ? SMMU_STALL_RETRY : (ab || s->cfg.term_model) ? SMMU_STALL_ABORTED : SMMU_STALL_RAZWI);
    admit_waiting(t);
    return true;
}

unsigned smmu_stall_term(struct smmu_core *s, uint32_t sid)
{
    struct smmu_stalls *t = s->stalls;
    unsigned n = 0;
    for (uint32_t i = 0; i < t->cap; i++) {
        smmu_stall_t *e = &t->e[i];
        /* As CMD_RESUME(Terminate, Abort) (4.7.2); a record not yet written is never written. */
        if (e->used && e->sid == sid && (e->hold == HOLD_RECORDED || e->hold == HOLD_UNRECORDED)) {
            settle(t, e, SMMU_STALL_ABORTED);
            n++;
        }
    }
    admit_waiting(t);
    return n;
}

void smmu_stalls_smmuen_off(struct smmu_core *s)
{
    struct smmu_stalls *t = s->stalls;
    for (uint32_t i = 0; i < t->cap; i++) {
        smmu_stall_t *e = &t->e[i];
        if (!e->used || e->hold == HOLD_NONE) continue;
        /* 6.3.9.6: stalled transactions terminate with abort and free their slot; a transaction not yet
         * accepted is a new transaction, which now takes the GBPA path. */
        settle(t, e, e->hold == HOLD_WAITING ? SMMU_STALL_RETRY : SMMU_STALL_ABORTED);
    }
}

smmu_stall_state_t smmu_stall_query(smmu_t *s, uint32_t sid, uint16_t stag)
{
    smmu_stall_t *e = find(s->stalls, sid, stag);
    return e ? (smmu_stall_state_t)e->state : SMMU_STALL_NONE;
}

void smmu_stall_release(smmu_t *s, uint32_t sid, uint16_t stag)
{
    smmu_stall_t *e = find(s->stalls, sid, stag);
    if (e && e->state != SMMU_STALL_PENDING) e->used = false;
}
