/* SPDX-License-Identifier: BSD-3-Clause */
/* The translation pipeline (IHI 0070 3.3, chapter 15): global bypass, configuration lookup, TLBs, walks,
 * fault handling and cycle accounting. */
#include <stdlib.h>

#include "attrs.h"
#include "internal.h"
#include "stall.h"
#include "stats.h"
#include "tlb.h"
#include "walk.h"

/* Each TBU keeps a small direct-mapped cache of StreamID/SubstreamID -> translation context (the TLB tags),
 * so a TLB hit needs no TCU configuration lookup; any configuration change (cfg_gen) empties it. */
#define TBUCTX_ENTRIES 64

typedef struct tbu_ctx {
    uint64_t gen;               /* s->cfg_gen when filled; 0 = empty */
    uint32_t sid, ssid;
    bool     ssv;
    bool     bypass;            /* the stream passes untranslated (STE bypass, or S1DSS bypass without stage 2) */
    bool     tbi0, tbi1;        /* stage 1 top-byte-ignore of TTB0/TTB1 */
    bool     s2fwb;             /* STE.S2FWB */
    uint8_t  privcfg, instcfg;  /* STE.PRIVCFG/INSTCFG (0 use incoming, 0b10/0b11 replace) */
    uint8_t  eats;              /* STE.EATS as decoded (Translated transactions under ATSCHK) */
    smmu_attr_t attr;           /* input attributes after the STE overrides (for bypass: the output's) */
    smmu_tlb_key_t key;         /* tags; key.ia is set per lookup */
} tbu_ctx_t;

struct smmu_tbuctx {
    tbu_ctx_t *e;               /* num_ports * TBUCTX_ENTRIES */
};

int smmu_tbuctx_create(struct smmu_core *s, char *err, size_t errlen)
{
    (void)err; (void)errlen;
    s->tbuctx = calloc(1, sizeof *s->tbuctx);
    if (!s->tbuctx) return -1;
    s->tbuctx->e = calloc((size_t)s->cfg.num_ports * TBUCTX_ENTRIES, sizeof(tbu_ctx_t));
    return s->tbuctx->e ? 0 : -1;
}

void smmu_tbuctx_destroy(struct smmu_core *s)
{
    if (!s->tbuctx) return;
    free(s->tbuctx->e);
    free(s->tbuctx);
    s->tbuctx = NULL;
}

static tbu_ctx_t *tbuctx_slot(smmu_t *s, const smmu_txn_t *t)
{
    uint32_t h = (t->sid * 0x9E3779B1u) ^ (t->ssv ? t->ssid * 0x85EBCA77u + 1 : 0);
    return &s->tbuctx->e[(size_t)t->port * TBUCTX_ENTRIES + ((h >> 7) & (TBUCTX_ENTRIES - 1))];
}

static bool tbuctx_match(const smmu_t *s, const tbu_ctx_t *c, const smmu_txn_t *t)
{
    return c->gen == s->cfg_gen && c->sid == t->sid && c->ssv == t->ssv && (!t->ssv || c->ssid == t->ssid);
}

typedef struct xlate {
    smmu_t *s;
    const smmu_txn_t *t;        /* the transaction with InD/PnU as the permission checks see them */
    smmu_result_t *r;
    bool debug;                 /* smmu_translate_debug: no fill, no event, no statistics */
    smmu_xlate_mode_t mode;
    bool ats_ipa;               /* Split-stage ATS: the Completion carries the stage-1 output IPA (13.6.3) */
    uint8_t instcfg;            /* STE.INSTCFG, for the ATS Completion's R and Exe (13.7.1) */
    smmu_attr_t in_attr;        /* input attributes after the STE overrides (13.4) */
    bool fwb;                   /* STE.S2FWB */
    smmu_cost_t cost;
} xlate_t;

/* PnU and InD after STE.PRIVCFG/INSTCFG (0 use incoming, 0b10/0b11 replace); writes stay Data (13.1.2, 5.2). */
static void perm_overrides(smmu_txn_t *t, uint8_t privcfg, uint8_t instcfg)
{
    if (privcfg & 2) t->priv = privcfg & 1;
    if ((instcfg & 2) && !t->write) t->instr = instcfg & 1;
}

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
    if (!x->debug && x->mode != SMMU_XLATE_ATS) {              /* ATS requests: ats_translations (ats.c) */
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
    bool ats = x->mode == SMMU_XLATE_ATS, translated = x->t->at == SMMU_AT_TRANSLATED;
    /* C_BAD_STREAMID is recorded only when CR2.RECINVSID is set (7.3.3); ATS per CR2.REC_CFG_ATS (3.9.1). */
    if (ats || translated ? smmu_ats_records_cfg_error(x->s, ev->id, ats)
                          : ev->id != EVT_C_BAD_STREAMID || (x->s->cr2 & 2u)) record(x, ev);
    return done(x, SMMU_ABORT);
}

static smmu_status_t output_bypass(xlate_t *x, uint64_t pa, smmu_attr_t attr)
{
    smmu_result_t *r = x->r;
    r->pa = pa;
    r->bypass = true;
    r->page_log2 = 12;
    r->read_ok = r->write_ok = r->exec_ok = true;
    r->memattr = attr.mair;
    r->sh = attr.sh;
    return done(x, SMMU_OK);
}

/* SMMUEN == 0: the incoming attributes with the SMMU_GBPA overrides; MTCFG, ALLOCCFG and SHCFG are fixed as
 * "use incoming" without IDR1.ATTR_TYPES_OVR (6.3.14, 13.2). */
static smmu_attr_t gbpa_attr(const smmu_t *s)
{
    uint32_t g = s->gbpa;
    if (!s->cfg.attr_types_ovr) return smmu_attr_consistent(SMMU_ATTR_DEFAULT);
    return smmu_attr_override(SMMU_ATTR_DEFAULT, (g >> 4) & 1, g & 0xF, (g >> 8) & 0xF, (g >> 12) & 3);
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
    if (x->mode != SMMU_XLATE_ATS) record(x, &ev);                 /* ATS: Success with R == W == 0 (3.9.1.2) */
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
    if (x->mode == SMMU_XLATE_ATS) {           /* no stall; translation faults answer R == W == 0 unrecorded (3.9.1.2) */
        if (!translation_related && smmu_ats_records_cfg_error(s, ev->id, true)) record(x, ev);
        return done(x, SMMU_ABORT);
    }
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
        /* 7.2.1, 7.4: a stall stays a stall when its record cannot be written yet or STALL_MAX is reached. */
        uint16_t stag;
        if (smmu_stall_fault(s, ev, &stag, &x->r->recorded)) {
            if (x->r->recorded) x->cost.writes++;
            x->r->stag = stag;
            return done(x, SMMU_STALL);
        }
        ev->stall = false;                     /* all 65536 STAGs held by the host: cannot happen in a real system */
        record(x, ev);
        return done(x, SMMU_ABORT);
    }
    if (rec) record(x, ev);
    return done(x, abort ? SMMU_ABORT : SMMU_RAZWI);
}

static bool perm_ok(uint8_t perm, const smmu_txn_t *t)
{
    /* An instruction fetch (always a read: writes are Data, 13.1.2) needs execute permission only. */
    uint8_t need = t->instr ? (t->priv ? SMMU_PERM_XP : SMMU_PERM_XU)
                 : t->write ? (t->priv ? SMMU_PERM_WP : SMMU_PERM_WU) : (t->priv ? SMMU_PERM_RP : SMMU_PERM_RU);
    return (perm & need) != 0;
}

/* The address as the TLB sees it: with TBI the top byte is ignored (taken as a sign extension of bit 55). */
static uint64_t tlb_va(uint64_t va, bool tbi0, bool tbi1)
{
    bool upper = (va >> 55) & 1;
    if (upper ? !tbi1 : !tbi0) return va;
    return upper ? (va | 0xFF00000000000000ull) : (va & 0x00FFFFFFFFFFFFFFull);
}

static smmu_status_t output_entry(xlate_t *x, const smmu_tlb_entry_t *e, uint64_t ia, smmu_source_t src)
{
    smmu_result_t *r = x->r;
    const smmu_txn_t *t = x->t;
    /* Split-stage ATS answers the IPA: the input itself for a stage-2-only entry (S1DSS bypass, 13.6.5). */
    r->pa = !x->ats_ipa ? smmu_tlb_out(e, ia) : e->kind == SMMU_TLB_S2 ? ia : e->ipa + (ia - e->ia);
    r->source = src;
    r->page_log2 = e->size_log2;
    uint8_t p = e->perm;
    r->read_ok = t->priv ? (p & SMMU_PERM_RP) : (p & SMMU_PERM_RU);
    r->write_ok = t->priv ? (p & SMMU_PERM_WP) : (p & SMMU_PERM_WU);
    r->exec_ok = t->priv ? (p & SMMU_PERM_XP) : (p & SMMU_PERM_XU);
    if (x->mode == SMMU_XLATE_ATS) smmu_ats_perms(x->instcfg, &r->read_ok, &r->exec_ok);
    /* Stage-2-only entries hold the stage-2 MemAttr, combined here with the stream's input attributes;
     * the others hold the stage-1 (or combined nested) attributes, with which the input's hints combine. */
    smmu_attr_t a = { e->memattr, e->sh };
    if (e->kind == SMMU_TLB_S2) a = smmu_attr_stage2(x->in_attr, e->memattr, e->sh, x->fwb);
    else if (x->in_attr.mair != SMMU_ATTR_DEFAULT.mair) a = smmu_attr_stage1(x->in_attr, a);  /* default hints: no change */
    r->memattr = a.mair;
    r->sh = a.sh;
    return done(x, SMMU_OK);
}

static unsigned access_flags(const smmu_txn_t *t)
{
    return (t->write ? SMMU_ACC_W : 0u) | (t->instr ? SMMU_ACC_X : 0u) | (t->priv ? SMMU_ACC_PRIV : 0u);
}

static void event_from_fault(const smmu_txn_t *t, const smmu_walk_fault_t *f, smmu_event_t *ev)
{
    event_for_txn(t, f->id, ev);
    ev->s2 = f->s2;
    ev->cls = f->cls;
    ev->ttrnw = f->ttrnw;
    ev->ipa = f->ipa;
    ev->fetch_addr = f->fetch_addr;
}

static const smmu_walk_cache_ops_t wc_ops = { smmu_wc_lookup, smmu_wc_fill };

/* Stage-2 translation of an address the TCU itself fetches (a stage-1 table or a CD) for a nested stream. */
typedef struct s2_fetch {
    smmu_t *s;
    const smmu_ste_t *ste;
    const smmu_stage_cfg_t *c2;
    smmu_wc_ctx_t *wc;
    smmu_cost_t *cost;
    uint8_t sw;
    bool debug;
    uint8_t cls;
    uint32_t walks;
} s2_fetch_t;

static int s2_fetch(void *ctx, uint64_t ipa, bool write, uint64_t *pa, smmu_walk_fault_t *f)
{
    s2_fetch_t *sf = ctx;
    smmu_t *s = sf->s;
    smmu_tlb_key_t key = { .sw = sf->sw, .kind = SMMU_TLB_S2, .vmid = sf->ste->s2vmid, .ia = ipa };
    const smmu_tlb_entry_t *e = smmu_tlb_lookup_tcu(s, &key, sf->cost, sf->debug);
    uint8_t need = write ? SMMU_PERM_WP : SMMU_PERM_RP;
    if (e && (e->perm & need) == need) {
        if (!(sf->ste->s2ptw && smmu_attr_s2_device(e->memattr, sf->ste->s2fwb))) { *pa = smmu_tlb_out(e, ipa); return 0; }
    }
    smmu_walk_env_t env = { .smmu = s, .wc = sf->wc ? &wc_ops : NULL, .wc_ctx = sf->wc, .no_update = sf->debug };
    smmu_walk_out_t o;
    memset(&o, 0, sizeof o);
    int rc = smmu_walk(&env, sf->c2, ipa, SMMU_ACC_PRIV | (write ? SMMU_ACC_W : 0u), &o);
    sf->walks++;
    sf->cost->reads += o.cost.reads;
    sf->cost->writes += o.cost.writes;
    sf->cost->cycles += o.cost.cycles;
    if (!rc && sf->ste->s2ptw && smmu_attr_s2_device(o.attr, sf->ste->s2fwb)) {
        /* STE.S2PTW: a stage-1 table walk that stage 2 maps as Device is a stage-2 permission fault (5.2). */
        memset(&o.fault, 0, sizeof o.fault);
        o.fault.id = EVT_F_PERMISSION;
        rc = EVT_F_PERMISSION;
    }
    if (rc) {
        *f = o.fault;
        f->id = (uint8_t)rc;
        f->s2 = true;
        f->cls = sf->cls;
        f->ipa = ipa;
        f->ttrnw = !write;
        return rc;
    }
    *pa = o.oa;
    if (!sf->debug) {
        smmu_tlb_entry_t ne;
        memset(&ne, 0, sizeof ne);
        ne.sw = sf->sw;
        ne.kind = SMMU_TLB_S2;
        ne.vmid = sf->ste->s2vmid;
        ne.size_log2 = o.size_log2;
        ne.level = o.level;
        ne.granule_log2 = sf->c2->granule;
        ne.perm = o.perm;
        ne.memattr = o.attr;                  /* stage-2 entries keep MemAttr[3:0] (combined on use) */
        ne.sh = o.sh;
        uint64_t mask = (o.size_log2 >= 64) ? ~0ull : ((1ull << o.size_log2) - 1);
        ne.ia = ipa & ~mask;
        ne.oa = o.oa & ~mask;
        smmu_tlb_fill_tcu(s, &ne);
    }
    return 0;
}

/* One stage's walk, its cost added to the translation's; out->fault.id holds the EventID on a fault. */
static int run_walk(xlate_t *x, const smmu_walk_env_t *env, const smmu_stage_cfg_t *cfg, uint64_t ia, unsigned acc,
                    smmu_walk_out_t *out)
{
    int rc = smmu_walk(env, cfg, ia, acc, out);
    x->cost.reads += out->cost.reads;
    x->cost.writes += out->cost.writes;
    x->cost.cycles += out->cost.cycles;
    if (rc) out->fault.id = (uint8_t)rc;
    return rc;
}

/* Walks and descriptor reads of one translation, faulting or not (they cost memory traffic either way). */
static void count_walks(xlate_t *x, uint32_t walks, uint32_t reads_before)
{
    if (x->debug) return;
    smmu_stream_stats_t *ss = smmu_sstats_get(x->s, x->t->sid);
    if (ss) {
        ss->walks += walks;
        ss->walk_reads += x->cost.reads - reads_before;
    }
    x->s->gstats.walks += walks;
    x->s->gstats.walk_reads += x->cost.reads - reads_before;
}

/* Walk stage 1 and/or stage 2 for a TLB miss, check the access, fill the TLBs. */
static smmu_status_t walk_and_fill(xlate_t *x, const smmu_ste_t *ste, const smmu_cd_t *cd, smmu_tlb_key_t *key)
{
    smmu_t *s = x->s;
    const smmu_txn_t *t = x->t;
    smmu_stage_cfg_t c1, c2;
    smmu_walk_out_t o1, o2;
    smmu_walk_fault_t f;
    smmu_event_t ev;
    memset(&o1, 0, sizeof o1);
    memset(&o2, 0, sizeof o2);
    memset(&f, 0, sizeof f);
    uint64_t va = t->addr, ipa = t->addr;
    unsigned acc = access_flags(t);
    if (ste->s2_enabled) smmu_s2_cfg(s, ste, &c2);
    if (cd && smmu_s1_cfg(s, ste, cd, va, &c1, &f)) {
        event_from_fault(t, &f, &ev);
        return translation_fault(x, ste, cd, &ev);
    }
    smmu_wc_ctx_t wc;
    smmu_wc_bind(s, &wc, key->sw, key->vmid, key->asid, cd ? c1.granule : 12, ste->s2_enabled ? c2.granule : 12,
                 &x->cost, x->debug);
    s2_fetch_t sf = { .s = s, .ste = ste, .c2 = &c2, .wc = &wc, .cost = &x->cost, .sw = key->sw,
                      .debug = x->debug, .cls = EVT_CLASS_TT };
    uint32_t walks = 0, reads_before = x->cost.reads;
    smmu_walk_env_t env = { .smmu = s, .wc = &wc_ops, .wc_ctx = &wc, .no_update = x->debug,
                            .report_perms = x->mode == SMMU_XLATE_ATS };
    if (cd) {
        if (ste->s2_enabled) { env.s2_table = s2_fetch; env.s2_ctx = &sf; }
        int rc = run_walk(x, &env, &c1, va, acc, &o1);
        walks++;
        if (rc) {
            count_walks(x, walks + sf.walks, reads_before);
            event_from_fault(t, &o1.fault, &ev);
            return translation_fault(x, ste, cd, &ev);
        }
        ipa = o1.oa;
        /* ATS: a stage-1 result granting nothing at this privilege is not translated at stage 2 (3.9.1.2). */
        uint8_t any = t->priv ? SMMU_PERM_RP | SMMU_PERM_WP | SMMU_PERM_XP : SMMU_PERM_RU | SMMU_PERM_WU | SMMU_PERM_XU;
        if (x->mode == SMMU_XLATE_ATS && !(o1.perm & any)) {
            count_walks(x, walks + sf.walks, reads_before);
            o1.fault.id = EVT_F_PERMISSION;
            event_from_fault(t, &o1.fault, &ev);
            return translation_fault(x, ste, cd, &ev);
        }
    }
    if (ste->s2_enabled) {
        env.s2_table = NULL;
        int rc = run_walk(x, &env, &c2, ipa, acc, &o2);
        walks++;
        if (rc) {
            o2.fault.s2 = true;               /* a fault on the final IPA: CLASS = IN (7.3.13) */
            o2.fault.cls = EVT_CLASS_IN;
            o2.fault.ipa = ipa;
            count_walks(x, walks + sf.walks, reads_before);
            event_from_fault(t, &o2.fault, &ev);
            return translation_fault(x, ste, cd, &ev);
        }
    }
    count_walks(x, walks + sf.walks, reads_before);

    smmu_tlb_entry_t e;
    memset(&e, 0, sizeof e);
    e.sw = key->sw;
    e.kind = key->kind;
    e.aset = key->aset;
    e.vmid = key->vmid;
    e.asid = key->asid;
    if (cd && ste->s2_enabled) {
        e.size_log2 = o1.size_log2 < o2.size_log2 ? o1.size_log2 : o2.size_log2;
        e.perm = o1.perm & o2.perm;
        e.global = !o1.ng;
        e.level = o1.level;
        e.granule_log2 = c1.granule;
        e.s2_level = o2.level;
        e.s2_granule_log2 = c2.granule;
        e.s1_size_log2 = o1.size_log2;     /* a stage-1 TLBI must find every piece of a split stage-1 block */
        smmu_attr_t a = smmu_attr_stage2((smmu_attr_t){ smmu_attr_s1_norm(o1.attr), o1.sh }, o2.attr, o2.sh, ste->s2fwb);
        e.memattr = a.mair;                   /* S2FWB is cacheable in the TLB (13.1.6) */
        e.sh = a.sh;
    } else if (cd) {
        e.size_log2 = o1.size_log2;
        e.perm = o1.perm;
        e.global = !o1.ng;
        e.level = o1.level;
        e.granule_log2 = c1.granule;
        smmu_attr_t a = smmu_attr_consistent((smmu_attr_t){ smmu_attr_s1_norm(o1.attr), o1.sh });
        e.memattr = a.mair;
        e.sh = a.sh;
    } else {
        e.size_log2 = o2.size_log2;
        e.perm = o2.perm;
        e.level = o2.level;
        e.granule_log2 = c2.granule;
        e.memattr = o2.attr;
        e.sh = o2.sh;
    }
    uint64_t out = ste->s2_enabled ? o2.oa : o1.oa;
    uint64_t mask = e.size_log2 >= 64 ? ~0ull : ((1ull << e.size_log2) - 1);
    uint64_t tva = key->ia;
    e.ia = tva & ~mask;
    e.oa = out & ~mask;
    e.ipa = ipa & ~mask;
    if (!x->debug && x->mode == SMMU_XLATE_ATS) smmu_tlb_fill_tcu(s, &e);   /* ATS uses the TCU's caches only */
    else if (!x->debug) smmu_tlb_fill(s, t->port, &e);
    x->r->source = SMMU_SRC_WALK;
    return output_entry(x, &e, tva, SMMU_SRC_WALK);
}

/* A TBU stream context for the stream of `t` under `ste`. */
static void ctx_fill(tbu_ctx_t *c, const smmu_t *s, const smmu_txn_t *t, const smmu_ste_t *ste, smmu_attr_t attr,
                     bool bypass)
{
    *c = (tbu_ctx_t){ .gen = s->cfg_gen, .sid = t->sid, .ssid = t->ssid, .ssv = t->ssv, .bypass = bypass,
                      .s2fwb = ste->s2fwb, .privcfg = ste->privcfg, .instcfg = ste->instcfg, .eats = ste->eats,
                      .attr = attr };
}

/* F_BAD_ATS_TREQ (a Translation Request, answered UR) and F_TRANSL_FORBIDDEN: always recorded (3.9.1). */
static smmu_status_t ats_refusal(xlate_t *x, uint8_t id)
{
    smmu_event_t ev;
    event_for_txn(x->t, id, &ev);
    x->r->event = id;
    record(x, &ev);
    return done(x, SMMU_ABORT);
}

/* A Translated transaction allowed to bypass: the address is a PA, checked against the OAS only (3.9.1.1;
 * above it: abort with no event, the first of the two permitted behaviours). Fixed input attributes (13.6.2). */
static smmu_status_t translated_pass(xlate_t *x, uint32_t cycles)
{
    x->cost.cycles += cycles;
    if (beyond(x->t->addr, x->s->cfg.oas_bits)) return done(x, SMMU_ABORT);
    return output_bypass(x, x->t->addr, SMMU_ATTR_DEFAULT);
}

smmu_status_t smmu_xlate(smmu_t *s, const smmu_txn_t *txn, smmu_result_t *r, smmu_xlate_mode_t mode)
{
    const bool debug = mode == SMMU_XLATE_DEBUG;
    /* Incoming writes are Data whatever the client says, before any permission check (13.1.2). */
    smmu_txn_t in = *txn;
    in.instr = in.instr && !in.write;
    const bool ats = mode == SMMU_XLATE_ATS;
    if (ats) in.at = SMMU_AT_UNTRANSLATED;
    const bool translated = in.at == SMMU_AT_TRANSLATED;
    /* IDR3.PASIDTT == 0: a Translated transaction is Data, Unprivileged, without a SubstreamID (3.9.1.3). */
    if (translated) { in.ssv = false; in.ssid = 0; in.priv = false; in.instr = false; }
    smmu_txn_t *t = &in;
    xlate_t x = { .s = s, .t = t, .r = r, .debug = debug, .mode = mode, .in_attr = SMMU_ATTR_DEFAULT };
    memset(r, 0, sizeof *r);
    if (translated && (!smmu_enabled(s) || !s->cfg.ats))
        return ats_refusal(&x, EVT_F_TRANSL_FORBIDDEN);          /* SMMUEN == 0, or no ATS at all (3.9.1.3, 5.2) */
    if (!smmu_enabled(s)) {
        /* SMMUEN == 0: GBPA decides; an input beyond the OAS aborts without an event (3.4). */
        if ((s->gbpa & GBPA_ABORT) || beyond(t->addr, s->cfg.oas_bits)) return done(&x, SMMU_ABORT);
        return output_bypass(&x, t->addr, gbpa_attr(s));
    }
    if (t->port >= s->cfg.num_ports) return done(&x, SMMU_ABORT);
    if (translated && !(s->cr0ack & CR0_ATSCHK)) return translated_pass(&x, 0);   /* ATSCHK == 0: no lookup */

    /* TBU: a known stream context goes straight to the TLBs (ATS Translation Requests are the TCU's). */
    tbu_ctx_t *c = tbuctx_slot(s, t);
    smmu_tlb_key_t key;
    bool probed = false;
    const bool known = !ats && tbuctx_match(s, c, t);
    if (known && translated) {
        if (c->eats == SMMU_STE_EATS_TRANS) return translated_pass(&x, s->cfg.utlb.latency);   /* Full ATS */
    } else if (known) {
        perm_overrides(t, c->privcfg, c->instcfg);
        if (c->bypass) {
            x.cost.cycles += s->cfg.utlb.latency;
            if (beyond(t->addr, s->cfg.oas_bits)) return s1_bypass_addr_size(&x);
            return output_bypass(&x, t->addr, c->attr);
        }
        x.in_attr = c->attr;
        x.fwb = c->s2fwb;
        key = c->key;
        key.ia = tlb_va(t->addr, c->tbi0, c->tbi1);
        smmu_source_t where;
        const smmu_tlb_entry_t *e = smmu_tlb_lookup(s, t->port, &key, &where, &x.cost, debug);
        if (e && perm_ok(e->perm, t)) {
            /* The TCU TLB is across the DTI link: a hit there costs the request/response round trip. */
            if (where == SMMU_SRC_TCU_TLB) x.cost.cycles += s->cfg.link_tbu_to_tcu + s->cfg.link_tcu_to_tbu;
            return output_entry(&x, e, key.ia, where);
        }
        probed = true;
    }

    /* TCU: configuration, then the TLB (if not probed yet), then walks. */
    smmu_event_t ev;
    memset(&ev, 0, sizeof ev);
    const smmu_ste_t *ste;
    x.cost.cycles += s->cfg.link_tbu_to_tcu + s->cfg.link_tcu_to_tbu;
    int rc = smmu_cfg_ste(s, t->sid, &ste, &ev, &x.cost, !debug);
    if (rc) {
        ev.id = (uint8_t)rc;
        return config_error(&x, &ev);
    }
    if (ste->config == STE_CFG_ABORT) return done(&x, SMMU_ABORT);       /* Config 0b0xx: abort, no event (5.2) */
    if (ats || translated) {
        uint8_t refusal = ats ? smmu_ats_treq_refusal(s, ste) : smmu_ats_translated_refusal(s, ste);
        if (refusal) return ats_refusal(&x, refusal);
        if (translated && ste->eats == SMMU_STE_EATS_TRANS) return translated_pass(&x, 0);
        x.ats_ipa = ats && smmu_ats_eats(s, ste) == SMMU_STE_EATS_S1CHK;
        x.instcfg = ste->instcfg;
    }   /* a Translated transaction under Split-stage ATS goes on as a stage-2-only translation (13.6.3) */
    /* The STE overrides apply to what stage 1 or stage 2 checks and to the event records (13.3, 13.4, 7.3). */
    perm_overrides(t, ste->privcfg, ste->instcfg);
    x.in_attr = smmu_attr_override(SMMU_ATTR_DEFAULT, ste->mtcfg, ste->memattr, ste->alloccfg, ste->shcfg);
    x.fwb = ste->s2fwb;
    if (t->ssv && !ste->s1_enabled) {
        /* A SubstreamID on a stream whose stage 1 is disabled (Config 0b1x0), whether or not stage 2 translates (7.3.9). */
        event_for_txn(t, EVT_C_BAD_SUBSTREAMID, &ev);
        return config_error(&x, &ev);
    }
    if (!ste->s1_enabled && !ste->s2_enabled) {
        if (!debug) ctx_fill(c, s, t, ste, x.in_attr, true);
        if (beyond(t->addr, s->cfg.oas_bits)) return s1_bypass_addr_size(&x);
        return output_bypass(&x, t->addr, x.in_attr);
    }

    const smmu_cd_t *cd = NULL;
    if (ste->s1_enabled && !translated) {
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
    if (!cd && !ste->s2_enabled) {                /* S1DSS bypass with stage 2 disabled */
        if (!debug) ctx_fill(c, s, t, ste, x.in_attr, true);
        return output_bypass(&x, t->addr, x.in_attr);
    }

    memset(&key, 0, sizeof key);
    key.sw = smmu_tlb_sw(s, ste);
    key.kind = cd ? (ste->s2_enabled ? SMMU_TLB_NESTED : SMMU_TLB_S1) : SMMU_TLB_S2;
    /* Stage-1-only entries carry STE.S2VMID when stage 2 is implemented (3.17). */
    key.vmid = (ste->s2_enabled || s->cfg.s2p) ? ste->s2vmid : 0;
    key.asid = cd ? cd->asid : 0;
    key.aset = cd ? cd->aset : false;
    bool tbi0 = cd && cd->tbi0, tbi1 = cd && cd->tbi1;
    key.ia = tlb_va(t->addr, tbi0, tbi1);
    if (!debug && !translated) {                  /* a stage-2 view of the stream: not its context */
        ctx_fill(c, s, t, ste, x.in_attr, false);
        c->tbi0 = tbi0;
        c->tbi1 = tbi1;
        c->key = key;
    }
    if (!probed && ats) {
        /* A hit serves the request unless write is wanted and the entry lacks it (HTTU may make it dirty). */
        const smmu_tlb_entry_t *e = smmu_tlb_lookup_tcu(s, &key, &x.cost, debug);
        if (e && (!t->write || (e->perm & (t->priv ? SMMU_PERM_WP : SMMU_PERM_WU))))
            return output_entry(&x, e, key.ia, SMMU_SRC_TCU_TLB);
    } else if (!probed) {
        smmu_source_t where;
        const smmu_tlb_entry_t *e = smmu_tlb_lookup(s, t->port, &key, &where, &x.cost, debug);
        if (e && perm_ok(e->perm, t)) return output_entry(&x, e, key.ia, where);
    }
    return walk_and_fill(&x, ste, cd, &key);
}

smmu_status_t smmu_translate(smmu_t *s, const smmu_txn_t *t, smmu_result_t *r) { return smmu_xlate(s, t, r, SMMU_XLATE_TRAFFIC); }
smmu_status_t smmu_translate_debug(smmu_t *s, const smmu_txn_t *t, smmu_result_t *r) { return smmu_xlate(s, t, r, SMMU_XLATE_DEBUG); }

int smmu_s2_fetch_addr(struct smmu_core *s, const smmu_ste_t *ste, uint64_t ipa, uint64_t *pa, smmu_event_t *ev,
                       smmu_cost_t *cost)
{
    if (!ste->s2_enabled) { *pa = ipa; return 0; }
    smmu_cost_t local = {0, 0, 0};
    if (!cost) cost = &local;
    smmu_stage_cfg_t c2;
    smmu_s2_cfg(s, ste, &c2);
    smmu_wc_ctx_t wc;
    uint8_t sw = smmu_tlb_sw(s, ste);
    smmu_wc_bind(s, &wc, sw, ste->s2vmid, 0, 12, c2.granule, cost, false);
    s2_fetch_t sf = { .s = s, .ste = ste, .c2 = &c2, .wc = &wc, .cost = cost, .sw = sw, .cls = EVT_CLASS_CD };
    smmu_walk_fault_t f;
    memset(&f, 0, sizeof f);
    int rc = s2_fetch(&sf, ipa, false, pa, &f);
    if (rc) {
        memset(ev, 0, sizeof *ev);
        ev->id = (uint8_t)rc;
        ev->s2 = true;
        ev->cls = EVT_CLASS_CD;
        ev->ipa = ipa;
        ev->fetch_addr = f.fetch_addr;
        ev->ttrnw = true;
    }
    return rc;
}
