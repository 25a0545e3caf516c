/* SPDX-License-Identifier: BSD-3-Clause */
/* ATS Invalidation (IHI 0070 4.5.1, 3.9.1.4): CMD_ATC_INV sent to the endpoint, its completion, and the
 * CMD_SYNC that waits for it (4.7.3, CERROR_ATC_INV_SYNC 7.1). */
#include <stdlib.h>

#include "internal.h"

#define ATC_INV_GLOBAL (1ull << 9)
#define ATC_INV_SSV    (1ull << 11)

static bool track(smmu_atc_state_t *a, uint32_t tag)
{
    if (a->n_out == a->cap) {
        uint32_t cap = a->cap ? 2 * a->cap : 16;
        if (cap < a->cap) return false;
        uint32_t *p = realloc(a->out, (size_t)cap * sizeof *p);
        if (!p) return false;
        a->out = p;
        a->cap = cap;
    }
    a->out[a->n_out++] = tag;
    return true;
}

void smmu_atc_inv_send(struct smmu_core *s, uint64_t q0, uint64_t q1)
{
    unsigned size = (unsigned)(q1 & 0x3F);                        /* <= 52: larger sizes are CERROR_ILL (cmdq.c) */
    smmu_atc_inv_t inv;
    memset(&inv, 0, sizeof inv);
    inv.sid = (uint32_t)(q0 >> 32);
    /* SSV without substreams behaves as SSV == 0 (one of the two CONSTRAINED UNPREDICTABLE choices, 4.5.1). */
    inv.ssv = (q0 & ATC_INV_SSV) && s->cfg.ssidsize;
    inv.ssid = inv.ssv ? (uint32_t)smmu_bits(q0, 31, 12) : 0;
    inv.global = inv.ssv && (q0 & ATC_INV_GLOBAL);                /* Global is IGNORED when SSV == 0 */
    inv.size_log2 = (uint8_t)(12 + size);
    inv.addr = inv.size_log2 >= 64 ? 0 : (q1 & ~((1ull << inv.size_log2) - 1));   /* Address[11+Size:0] taken as 0 */
    inv.tag = s->atc.next_tag++;
    s->gstats.atc_invalidations++;
    if (!s->host.atc_inv) return;                                 /* no endpoint ATC: complete at once */
    /* A completion that cannot be tracked cannot be waited for: the next CMD_SYNC reports it as failed. */
    if (!track(&s->atc, inv.tag)) s->atc.failed = true;
    s->host.atc_inv(s->host.ctx, &inv);
}

int smmu_atc_sync_gate(struct smmu_core *s)
{
    smmu_atc_state_t *a = &s->atc;
    a->sync_held = a->n_out != 0;
    if (a->sync_held) return 1;
    if (!a->failed) return 0;
    a->failed = false;                                            /* the failed set is reported once (4.7.3) */
    return CERROR_ATC_INV_SYNC;
}

void smmu_atc_inv_complete(smmu_t *s, uint32_t tag, bool ok)
{
    smmu_atc_state_t *a = &s->atc;
    uint32_t i = 0;
    while (i < a->n_out && a->out[i] != tag) i++;
    if (i == a->n_out) return;                                    /* unknown or already completed: no effect */
    a->out[i] = a->out[--a->n_out];
    if (!ok) {
        a->failed = true;
        s->gstats.atc_inv_failures++;
    }
    /* The held CMD_SYNC completes (or fails) now; stepped hosts consume it with their next smmu_cmdq_step(). */
    if (a->n_out == 0 && a->sync_held && !s->cfg.cmdq_stepped) smmu_cmdq_prod_written(s);
}

void smmu_atc_destroy(struct smmu_core *s)
{
    free(s->atc.out);
    s->atc.out = NULL;
    s->atc.n_out = s->atc.cap = 0;
}
