/* SPDX-License-Identifier: BSD-3-Clause */
/* Output queues: Event queue records (IHI 0070 7.2-7.4) and the PRI queue (8), with overflow and interrupts. */
#include "internal.h"

#define FETCH_ADDR_MASK 0x000FFFFFFFFFFFF8ull   /* FetchAddr[51:3] (bits [55:52] RES0: OAS <= 52) */
#define IPA_MASK        0x000FFFFFFFFFF000ull   /* IPA[51:12] */
#define PRIQ_LAST       (1ull << 62)             /* PRI request L bit, qword 0 */
#define PRIQ_CFG2_LO    SMMU_PRIQ_IRQ_CFG2_LO

/* qword 0: EventID, SSV[11], SubstreamID[31:12], StreamID[63:32]. */
static uint64_t qword0(const smmu_event_t *ev, bool ssid, bool ssv)
{
    uint64_t q = ev->id | (uint64_t)ev->sid << 32;
    if (ssid) q |= (uint64_t)(ev->ssid & 0xFFFFF) << 12;
    if (ssv && ev->ssv) q |= 1ull << 11;
    return q;
}

/* qword 1 access attributes: PnU[33], InD[34], RnW[35]. */
static uint64_t access_bits(const smmu_event_t *ev)
{
    return (uint64_t)ev->pnu << 33 | (uint64_t)ev->ind << 34 | (uint64_t)ev->rnw << 35;
}

/* Translation-related fault fields: STAG[15:0], Stall[31], access, S2[39], CLASS[41:40], and TTRnW[44] which only
 * F_PERMISSION with CLASS == TT defines (RES0 in the other records, UNKNOWN otherwise: the model writes 0) (7.3). */
static uint64_t fault_bits(const smmu_event_t *ev)
{
    uint64_t q = access_bits(ev) | (uint64_t)ev->s2 << 39 | (uint64_t)(ev->cls & 3) << 40;
    if (ev->id == EVT_F_PERMISSION && ev->cls == EVT_CLASS_TT) q |= (uint64_t)ev->ttrnw << 44;
    if (ev->stall) q |= 1ull << 31 | ev->stag;
    return q;
}

void smmu_evtq_encode(const smmu_event_t *ev, uint64_t rec[4])
{
    rec[0] = rec[1] = rec[2] = rec[3] = 0;
    switch (ev->id) {
    case EVT_F_UUT:
        rec[0] = qword0(ev, true, true);
        rec[1] = access_bits(ev) | (uint64_t)(ev->reason & 0xFFFF) << 16;
        rec[2] = ev->input_addr;
        break;
    case EVT_C_BAD_STREAMID:
    case EVT_C_BAD_STE:
    case EVT_C_BAD_CD:
        rec[0] = qword0(ev, true, true);
        break;
    case EVT_F_STE_FETCH:
    case EVT_F_CD_FETCH:
    case EVT_F_VMS_FETCH:
        rec[0] = qword0(ev, true, true);
        rec[3] = ev->fetch_addr & FETCH_ADDR_MASK;
        break;
    case EVT_F_BAD_ATS_TREQ:
        rec[0] = qword0(ev, true, true);
        rec[2] = ev->input_addr;
        break;
    case EVT_F_STREAM_DISABLED:          /* StreamID only */
        rec[0] = qword0(ev, false, false);
        break;
    case EVT_F_TRANSL_FORBIDDEN:         /* StreamID, RnW and InputAddr */
        rec[0] = qword0(ev, false, false);
        rec[1] = (uint64_t)ev->rnw << 35;
        rec[2] = ev->input_addr;
        break;
    case EVT_C_BAD_SUBSTREAMID:          /* SubstreamID always valid: no SSV */
        rec[0] = qword0(ev, true, false);
        break;
    case EVT_F_WALK_EABT:
        rec[0] = qword0(ev, true, true);
        rec[1] = access_bits(ev) | (uint64_t)ev->s2 << 39 | (uint64_t)(ev->cls & 3) << 40;
        rec[2] = ev->input_addr;
        rec[3] = ev->fetch_addr & FETCH_ADDR_MASK;
        break;
    case EVT_F_TRANSLATION:
    case EVT_F_ADDR_SIZE:
    case EVT_F_ACCESS:
    case EVT_F_PERMISSION:
        rec[0] = qword0(ev, true, true);
        rec[1] = fault_bits(ev);
        rec[2] = ev->input_addr;
        if (ev->s2) rec[3] = ev->ipa & IPA_MASK;                /* IPA is UNKNOWN (0) for stage 1 faults */
        break;
    case EVT_F_TLB_CONFLICT:
        rec[0] = qword0(ev, true, true);
        rec[1] = access_bits(ev) | (uint64_t)ev->s2 << 39;
        rec[2] = ev->input_addr;
        if (ev->s2) rec[3] = ev->ipa & IPA_MASK;
        break;
    case EVT_F_CFG_CONFLICT:
        rec[0] = qword0(ev, true, true);
        rec[1] = ev->reason;
        break;
    case EVT_E_PAGE_REQUEST:
        rec[0] = qword0(ev, true, true);
        rec[2] = ev->input_addr & ~0xFFFull;
        break;
    default:                             /* IMPLEMENTATION DEFINED events: the common fields */
        rec[0] = qword0(ev, true, true);
        rec[2] = ev->input_addr;
        break;
    }
}

typedef struct qgeom { uint32_t n, mask; } qgeom_t;

static qgeom_t geom(const smmu_queue_t *q, unsigned max_log2)
{
    unsigned l = smmu_queue_log2size(q->base, max_log2);
    qgeom_t g = { 1u << l, (2u << l) - 1 };
    return g;
}

/* 3.5.1: full when the indexes match with different wraps; inconsistent indexes are treated as full. */
static bool q_full(const smmu_queue_t *q, qgeom_t g)
{
    uint32_t p = q->prod & g.mask, c = q->cons & g.mask;
    uint32_t pi = p & (g.n - 1), ci = c & (g.n - 1);
    bool same_wrap = (p & g.n) == (c & g.n);
    return same_wrap ? pi < ci : pi >= ci;
}

static bool q_empty(const smmu_queue_t *q, qgeom_t g) { return ((q->prod ^ q->cons) & g.mask) == 0; }

/* 7.4: toggle OVFLG only if no overflow is already present (PROD.OVFLG != CONS.OVACKFLG). */
static void q_overflow(smmu_queue_t *q)
{
    if (!((q->prod ^ q->cons) & Q_OVFLG)) q->prod ^= Q_OVFLG;
}

static void q_advance(smmu_queue_t *q, qgeom_t g)
{
    q->prod = (q->prod & ~g.mask) | ((q->prod + 1) & g.mask);
}

/* Base address aligned to the queue size (6.3.29). */
static uint64_t q_slot(const smmu_queue_t *q, qgeom_t g, unsigned entry_bytes)
{
    uint64_t base = smmu_queue_addr(q->base) & ~((uint64_t)g.n * entry_bytes - 1);
    return base + (uint64_t)(q->prod & (g.n - 1)) * entry_bytes;
}

bool smmu_evtq_full(const struct smmu_core *s) { return q_full(&s->evtq, geom(&s->evtq, s->cfg.eventqs)); }

/* Stall records (ev->stall) are never discarded for an unwritable queue (7.2.1): false is returned without
 * overflow, and stall.c records it again once the queue is writable. */
bool smmu_evtq_record(struct smmu_core *s, const smmu_event_t *ev)
{
    smmu_queue_t *q = &s->evtq;
    qgeom_t g = geom(q, s->cfg.eventqs);
    if (!(s->cr0ack & CR0_EVTQEN) || smmu_gerror_active(s, GERROR_EVTQ_ABT_ERR)) {
        if (!ev->stall) s->gstats.events_lost++;   /* not writable: discarded without overflow */
        return false;
    }
    if (q_full(q, g)) {
        if (!ev->stall) {
            q_overflow(q);
            s->gstats.events_lost++;
        }
        return false;
    }
    uint64_t rec[4];
    uint8_t raw[32];
    smmu_evtq_encode(ev, rec);
    for (int i = 0; i < 4; i++) smmu_put_le64(raw + 8 * i, rec[i]);
    if (smmu_mem_write(s, q_slot(q, g, 32), raw, sizeof raw, NULL)) {
        s->gstats.events_lost++;            /* synchronous abort: PROD does not move (7.2.2) */
        smmu_gerror_raise(s, GERROR_EVTQ_ABT_ERR);
        return false;
    }
    bool was_empty = q_empty(q, g);
    q_advance(q, g);
    s->gstats.events_recorded++;
    /* 3.18.2: the Event queue interrupt fires when the queue goes from empty to non-empty. */
    if (was_empty && (s->irq_ctrlack & IRQ_CTRL_EVTQ_IRQEN)) smmu_irq_signal(s, SMMU_IRQ_EVTQ);
    return true;
}

/* 8.1, 8.2: written only while PRIQEN is effectively 1 (SMMUEN too) and PRIQ_ABT_ERR is inactive; a full queue
 * or an active overflow (PROD.OVFLG != CONS.OVACKFLG) discards the record, an active overflow inhibits writes. */
smmu_priq_outcome_t smmu_priq_record(struct smmu_core *s, const uint64_t rec[2])
{
    smmu_queue_t *q = &s->priq;
    qgeom_t g = geom(q, s->cfg.priqs);
    bool lo = (s->priq_irq.attr & PRIQ_CFG2_LO) != 0;   /* LO applies to wired and MSI interrupts */
    bool irqen = (s->irq_ctrlack & IRQ_CTRL_PRIQ_IRQEN) != 0;
    if (!s->cfg.pri || !smmu_enabled(s) || !(s->cr0ack & CR0_PRIQEN) || smmu_gerror_active(s, GERROR_PRIQ_ABT_ERR))
        return PRIQ_REC_OFF;
    if (((q->prod ^ q->cons) & Q_OVFLG) || q_full(q, g)) {
        q_overflow(q);
        if (lo && (rec[0] & PRIQ_LAST) && irqen) smmu_irq_signal(s, SMMU_IRQ_PRIQ);   /* LO: overflow still signals */
        return PRIQ_REC_OVERFLOW;
    }
    uint8_t raw[16];
    smmu_put_le64(raw, rec[0]);
    smmu_put_le64(raw + 8, rec[1]);
    if (smmu_mem_write(s, q_slot(q, g, 16), raw, sizeof raw, NULL)) {
        smmu_gerror_raise(s, GERROR_PRIQ_ABT_ERR);       /* synchronous abort: PROD does not move (8.2, 7.2.2) */
        return PRIQ_REC_ABORT;
    }
    bool was_empty = q_empty(q, g);
    q_advance(q, g);
    if (irqen && (lo ? (rec[0] & PRIQ_LAST) != 0 : was_empty)) smmu_irq_signal(s, SMMU_IRQ_PRIQ);
    return PRIQ_REC_WRITTEN;
}
