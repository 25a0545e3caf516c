/* The translation pipeline (IHI 0070 3.3, chapter 15): global bypass, configuration lookup, TLBs, walks,
 * fault handling and cycle accounting. */
#include <stdlib.h>

#include "internal.h"
#include "stall.h"
#include "stats.h"

typedef struct xlate {
    smmu_t *s;
    const smmu_txn_t *t;
    smmu_result_t *r;
    bool debug;                 /* smmu_translate_debug: no fill, no event, no statistics */
    smmu_cost_t cost;
} xlate_t;

static void event_for_txn(const smmu_txn_t *t, uint8_t id, smmu_event_t *ev)
{
    memset(ev, 0, sizeof *ev);
    ev->id = id;
    ev->sid = t->sid;
    ev->ssid = t->ssv ? t->ssid : 0;
    ev->ssv = t->ssv;
    ev->pnu = t->priv;
    ev->ind = t->instr;
    ev->rnw = !t->write;
    ev->input_addr = t->addr;
}

/* Adds the transaction's own fields to an event that a lower layer filled (id, fetch address, ...). */
static void complete_event(const smmu_txn_t *t, smmu_event_t *ev)
{
    smmu_event_t full;
    event_for_txn(t, ev->id, &full);
    full.fetch_addr = ev->fetch_addr;
    full.ipa = ev->ipa;
    full.s2 = ev->s2;
    full.cls = ev->cls;
    full.ttrnw = ev->ttrnw;
    full.reason = ev->reason;
    /* C_BAD_SUBSTREAMID reports the SubstreamID without an SSV qualifier (7.3.9). */
    if (ev->id == EVT_C_BAD_SUBSTREAMID) full.ssid = ev->ssid;
    *ev = full;
}

static void record(xlate_t *x, const smmu_event_t *ev)
{
    if (x->debug) return;
    x->r->recorded = smmu_evtq_record(x->s, ev);
    if (x->r->recorded) x->cost.writes++;
}

static smmu_status_t done(xlate_t *x, smmu_status_t st)
{
    x->r->status = st;
    x->r->cycles = x->cost.cycles;
    x->r->mem_reads = x->cost.reads;
    x->r->mem_writes = x->cost.writes;
    if (!x->debug) {
        smmu_t *s = x->s;
        s->gstats.translations++;
        smmu_stream_stats_t *ss = smmu_sstats_get(s, x->t->sid);
        if (ss) {
            ss->translations++;
            ss->cycles += x->cost.cycles;
            if (x->r->event) ss->faults++;
            if (st == SMMU_STALL) ss->stalls++;
        }
    }
    return st;
}

/* Configuration errors and non-translation faults: always an abort, the event always recorded (5.5). */
static smmu_status_t config_error(xlate_t *x, smmu_event_t *ev)
{
    complete_event(x->t, ev);
    x->r->event = ev->id;
    /* C_BAD_STREAMID is recorded only when CR2.RECINVSID is set (7.3.3). */
    if (ev->id != EVT_C_BAD_STREAMID || (x->s->cr2 & 2u)) record(x, ev);
    return done(x, SMMU_ABORT);
}

static smmu_status_t output_bypass(xlate_t *x, uint64_t pa)
{
    smmu_result_t *r = x->r;
    r->pa = pa;
    r->bypass = true;
    r->page_log2 = 12;
    r->read_ok = r->write_ok = r->exec_ok = true;
    r->memattr = 0xFF;
    r->sh = 3;
    return done(x, SMMU_OK);
}

static unsigned ias_bits(const smmu_t *s)
{
    unsigned ias = s->cfg.oas_bits;
    if (s->cfg.ttf_aarch32 && ias < 40) ias = 40;   /* IAS = MAX(TTF[0] ? 40 : 0, TTF[1] ? OAS : 0) (3.4) */
    return ias;
}

static bool beyond(uint64_t addr, unsigned bits) { return bits < 64 && (addr >> bits) != 0; }

/* A stage-1 F_ADDR_SIZE for an input beyond the IAS/OAS when stage 1 does not translate (3.4): always an abort. */
static smmu_status_t s1_bypass_addr_size(xlate_t *x)
{
    smmu_event_t ev;
    event_for_txn(x->t, EVT_F_ADDR_SIZE, &ev);
    ev.cls = EVT_CLASS_IN;
    x->r->event = ev.id;
    record(x, &ev);
    return done(x, SMMU_ABORT);
}

/* Translation-related faults (F_TRANSLATION, F_ADDR_SIZE, F_ACCESS, F_PERMISSION) follow CD.{A,R,S} at
 * stage 1 and STE.{S2R,S2S} at stage 2 (3.12, 5.5). `ev` carries the fault fields from the walk. */
static smmu_status_t translation_fault(xlate_t *x, const smmu_ste_t *ste, const smmu_cd_t *cd, smmu_event_t *ev)
{
    smmu_t *s = x->s;
    complete_event(x->t, ev);
    x->r->event = ev->id;
    bool translation_related = ev->id == EVT_F_TRANSLATION || ev->id == EVT_F_ADDR_SIZE ||
                               ev->id == EVT_F_ACCESS || ev->id == EVT_F_PERMISSION;
    if (!translation_related) {                /* F_WALK_EABT and others always abort and record */
        record(x, ev);
        return done(x, SMMU_ABORT);
    }
    bool stall, rec, abort;
    if (ev->s2) {
        stall = ste->s2s;
        rec = ste->s2r;
        abort = true;                          /* stage 2 terminates with an implied A == 1 (5.5) */
    } else if (cd) {
        stall = cd->s && !ste->s1stalld;
        rec = cd->r;
        abort = cd->a || s->cfg.term_model;
    } else {                                   /* stage-1 fault without a CD: the bypass address check */
        stall = false;
        rec = true;
        abort = true;
    }
    if (stall && s->cfg.stall_model != 1) {
        if (x->debug) return done(x, SMMU_STALL);
        uint16_t stag;
        /* When no STALL_MAX slot or Event queue entry is free, the stall is terminated instead, as an
         * implementation may treat a stalling configuration as terminating (3.12); this avoids a livelock. */
        if (smmu_stall_hold(s, x->t->sid, &stag)) {
            ev->stall = true;
            ev->stag = stag;
            record(x, ev);
            if (x->r->recorded) {
                x->r->stag = stag;
                return done(x, SMMU_STALL);
            }
            smmu_stall_resume(s, x->t->sid, stag, false, true);
            smmu_stall_release(s, x->t->sid, stag);
            return done(x, SMMU_ABORT);
        }
        ev->stall = false;
        record(x, ev);
        return done(x, SMMU_ABORT);
    }
    if (rec) record(x, ev);
    return done(x, abort ? SMMU_ABORT : SMMU_RAZWI);
}

/* Stage 1 and/or stage 2 translation of a stream whose configuration is known (filled in by translation). */
static smmu_status_t translate_stages(xlate_t *x, const smmu_ste_t *ste, const smmu_cd_t *cd)
{
    (void)ste; (void)cd;
    return done(x, SMMU_ABORT);
}

static smmu_status_t translate(smmu_t *s, const smmu_txn_t *t, smmu_result_t *r, bool debug)
{
    xlate_t x = { .s = s, .t = t, .r = r, .debug = debug };
    memset(r, 0, sizeof *r);
    if (!smmu_enabled(s)) {
        /* SMMUEN == 0: GBPA decides; an input beyond the OAS aborts without an event (3.4). */
        if ((s->gbpa & GBPA_ABORT) || beyond(t->addr, s->cfg.oas_bits)) return done(&x, SMMU_ABORT);
        return output_bypass(&x, t->addr);
    }
    if (t->port >= s->cfg.num_ports) return done(&x, SMMU_ABORT);

    smmu_event_t ev;
    memset(&ev, 0, sizeof ev);
    const smmu_ste_t *ste;
    x.cost.cycles += s->cfg.link_tbu_to_tcu + s->cfg.link_tcu_to_tbu;
    int rc = smmu_cfg_ste(s, t->sid, &ste, &ev, &x.cost, !debug);
    if (rc) {
        ev.id = (uint8_t)rc;
        return config_error(&x, &ev);
    }
    if (!ste->s1_enabled && !ste->s2_enabled) {
        if (ste->config != STE_CFG_BYPASS) return done(&x, SMMU_ABORT);   /* Config 0b0xx: abort, no event (5.2) */
        if (t->ssv) {
            event_for_txn(t, EVT_C_BAD_SUBSTREAMID, &ev);  /* a SubstreamID without stage 1 (7.3.9) */
            return config_error(&x, &ev);
        }
        if (beyond(t->addr, s->cfg.oas_bits)) return s1_bypass_addr_size(&x);
        return output_bypass(&x, t->addr);
    }

    const smmu_cd_t *cd = NULL;
    if (ste->s1_enabled) {
        bool substreams = ste->s1cdmax != 0 && s->cfg.ssidsize != 0;
        uint32_t ssid = 0;
        bool use_cd = true;
        if (t->ssv) {
            /* A SubstreamID needs substreams enabled and within S1CDMax (7.3.9). */
            if (!substreams || (ste->s1cdmax < 32 && t->ssid >= (1u << ste->s1cdmax))) {
                event_for_txn(t, EVT_C_BAD_SUBSTREAMID, &ev);
                return config_error(&x, &ev);
            }
            if (t->ssid == 0 && ste->s1dss == STE_S1DSS_SSID0) {
                event_for_txn(t, EVT_F_STREAM_DISABLED, &ev);   /* CD 0 is reserved for non-substream traffic (7.3.7) */
                return config_error(&x, &ev);
            }
            ssid = t->ssid;
        } else if (substreams) {
            switch (ste->s1dss) {
            case STE_S1DSS_BYPASS: use_cd = false; break;
            case STE_S1DSS_SSID0: ssid = 0; break;
            default:                                            /* terminate, and the reserved 0b11 (5.2) */
                event_for_txn(t, EVT_F_STREAM_DISABLED, &ev);
                return config_error(&x, &ev);
            }
        }
        if (use_cd) {
            rc = smmu_cfg_cd(s, ste, t->sid, ssid, &cd, &ev, &x.cost, !debug);
            if (rc) {
                ev.id = (uint8_t)rc;
                if (ev.s2) return translation_fault(&x, ste, NULL, &ev);   /* stage-2 fault on the CD fetch */
                return config_error(&x, &ev);
            }
        }
    }
    if (!cd && beyond(t->addr, ias_bits(s))) return s1_bypass_addr_size(&x);
    return translate_stages(&x, ste, cd);
}

smmu_status_t smmu_translate(smmu_t *s, const smmu_txn_t *t, smmu_result_t *r) { return translate(s, t, r, false); }
smmu_status_t smmu_translate_debug(smmu_t *s, const smmu_txn_t *t, smmu_result_t *r) { return translate(s, t, r, true); }

int smmu_s2_fetch_addr(struct smmu_core *s, const smmu_ste_t *ste, uint64_t ipa, uint64_t *pa, smmu_event_t *ev,
                       smmu_cost_t *cost)
{
    (void)s; (void)ste; (void)ev; (void)cost;
    *pa = ipa;
    return 0;
}

struct smmu_tbuctx { int unused; };
int smmu_tbuctx_create(struct smmu_core *s, char *err, size_t errlen)
{
    (void)err; (void)errlen;
    s->tbuctx = calloc(1, sizeof *s->tbuctx);
    return s->tbuctx ? 0 : -1;
}
void smmu_tbuctx_destroy(struct smmu_core *s) { free(s->tbuctx); s->tbuctx = NULL; }
