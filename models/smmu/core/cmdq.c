/* SPDX-License-Identifier: BSD-3-Clause */
/* The Command queue: consumption, decoding and validation of every SMMUv3.2 command, and dispatch (IHI 0070 ch. 4, 7.1). */
#include "internal.h"
#include "stall.h"
#include "tlb.h"

enum {
    CMD_PREFETCH_CONFIG = 0x01, CMD_PREFETCH_ADDR = 0x02, CMD_CFGI_STE = 0x03, CMD_CFGI_STE_RANGE = 0x04,
    CMD_CFGI_CD = 0x05, CMD_CFGI_CD_ALL = 0x06,
    CMD_TLBI_NH_ALL = 0x10, CMD_TLBI_NH_ASID = 0x11, CMD_TLBI_NH_VA = 0x12, CMD_TLBI_NH_VAA = 0x13,
    CMD_TLBI_EL3_ALL = 0x18, CMD_TLBI_EL3_VA = 0x1A,
    CMD_TLBI_EL2_ALL = 0x20, CMD_TLBI_EL2_ASID = 0x21, CMD_TLBI_EL2_VA = 0x22, CMD_TLBI_EL2_VAA = 0x23,
    CMD_TLBI_S12_VMALL = 0x28, CMD_TLBI_S2_IPA = 0x2A, CMD_TLBI_NSNH_ALL = 0x30,
    CMD_ATC_INV = 0x40, CMD_PRI_RESP = 0x41, CMD_RESUME = 0x44, CMD_STALL_TERM = 0x45, CMD_SYNC = 0x46
};

/* CMD_SYNC CS values (4.7.3). */
enum { SIG_NONE = 0, SIG_IRQ = 1, SIG_SEV = 2 };

#define CMD_SSEC        (1ull << 10)
#define CMD_SSV         (1ull << 11)
#define ATC_INV_SIZE_ALL 52

/* What a decoded command asks of the queue once it is consumed. */
typedef struct cmd_outcome {
    int      error;        /* CERROR_* (0: valid) */
    uint32_t cycles;
    bool     sync;
    unsigned cs;
    uint64_t msi_addr;
    uint32_t msi_data;
} cmd_outcome_t;

static uint32_t sid_of(uint64_t q0) { return (uint32_t)(q0 >> 32); }
static uint32_t ssid_of(uint64_t q0) { return (uint32_t)smmu_bits(q0, 31, 12); }

/* Structures a TLB invalidation has to scan: per-TBU micro and main TLBs, the TCU TLB and the walk caches. */
static uint32_t tlb_structures(const struct smmu_core *s)
{
    const smmu_config_t *c = &s->cfg;
    uint32_t n = c->num_ports * ((c->utlb.entries ? 1u : 0u) + (c->main_tlb.entries ? 1u : 0u));
    n += c->tcu_tlb.entries ? 1u : 0u;
    if (c->walk_cache_unified) return n + (c->walk_cache_s1[0].entries ? 1u : 0u);
    for (int l = 0; l < 4; l++)
        n += (c->walk_cache_s1[l].entries ? 1u : 0u) + (c->walk_cache_s2[l].entries ? 1u : 0u);
    return n;
}

/* 4.4.1.1: NUM/SCALE/TG/TTL of address-based TLBIs. Returns false for an ILLEGAL encoding. */
static bool decode_range(const struct smmu_core *s, uint64_t q0, uint64_t q1, smmu_tlbi_t *t)
{
    t->num = (uint8_t)smmu_bits(q0, 16, 12);
    t->scale = (uint8_t)smmu_bits(q0, 24, 20);     /* IDR5.DS == 0: 5-bit SCALE, bit 25 ignored */
    t->ttl = (uint8_t)smmu_bits(q1, 9, 8);
    t->tg = (uint8_t)smmu_bits(q1, 11, 10);
    t->leaf = (q1 & 1) != 0;
    if (!s->cfg.ril) return !(t->num || t->scale || t->ttl || t->tg);   /* RES0 fields detected as malformed */
    if (t->tg == 0) return !(t->num || t->scale || t->ttl);             /* RES0 when TG == 0 */
    if (t->tg == 2 && t->ttl == 1) t->ttl = 0;                         /* IDR5.DS == 0: 16K TTL 0b01 is treated as 0b00 */
    return t->num || t->scale || t->ttl;                               /* NUM == SCALE == TTL == 0 is Reserved: CERROR_ILL */
}

/* Best-effort configuration prefetch (4.2): errors are never reported. */
static void prefetch_config(struct smmu_core *s, uint64_t q0)
{
    if (!smmu_enabled(s)) return;                 /* consumed without effect while SMMUEN == 0 */
    const smmu_ste_t *ste = NULL;
    smmu_event_t ev;
    smmu_cost_t cost = {0, 0, 0};
    if (smmu_cfg_ste(s, sid_of(q0), &ste, &ev, &cost, true) || !ste) return;
    if (ste->valid && ste->s1_enabled) {
        const smmu_cd_t *cd = NULL;
        uint32_t ssid = (q0 & CMD_SSV) && s->cfg.ssidsize && ste->s1cdmax ? ssid_of(q0) : 0;
        (void)smmu_cfg_cd(s, ste, sid_of(q0), ssid, &cd, &ev, &cost, true);
    }
}

static void tlbi(struct smmu_core *s, const smmu_tlbi_t *t, cmd_outcome_t *o)
{
    smmu_tlb_invalidate(s, t);
    smmu_stalls_invalidated(s);
    o->cycles += s->cfg.tlbi_cycles * tlb_structures(s);
}

/* Decode, validate and perform one command (everything but the CMD_SYNC completion signal). */
static void execute(struct smmu_core *s, uint64_t q0, uint64_t q1, cmd_outcome_t *o)
{
    const smmu_config_t *c = &s->cfg;
    uint8_t op = (uint8_t)q0;
    smmu_tlbi_t t;
    memset(&t, 0, sizeof t);
    t.opcode = op;
    t.vmid = (uint16_t)smmu_bits(q0, 47, 32);
    t.asid = (uint16_t)smmu_bits(q0, 63, 48);
    o->cycles = c->cmd_cycles;

    switch (op) {
    case CMD_PREFETCH_CONFIG:
    case CMD_PREFETCH_ADDR:
    case CMD_CFGI_STE:
    case CMD_CFGI_STE_RANGE:
    case CMD_CFGI_CD:
    case CMD_CFGI_CD_ALL:
    case CMD_RESUME:
    case CMD_STALL_TERM:
        if (q0 & CMD_SSEC) { o->error = CERROR_ILL; return; }   /* 4.1.6: SSec = 1 on the Non-secure queue */
        break;
    default:
        break;
    }

    switch (op) {
    case CMD_PREFETCH_CONFIG:
    case CMD_PREFETCH_ADDR:          /* no TLB prefetch: only the configuration is fetched */
        prefetch_config(s, q0);
        o->cycles += c->cfg_fetch_cycles;
        return;
    case CMD_CFGI_STE:
        smmu_cfgi_ste(s, sid_of(q0), (q1 & 1) != 0);
        smmu_stalls_invalidated(s);
        o->cycles += c->tlbi_cycles;
        return;
    case CMD_CFGI_STE_RANGE:
        if ((q1 & 0x1F) == 31) smmu_cfgi_all(s);               /* CMD_CFGI_ALL */
        else smmu_cfgi_ste_range(s, sid_of(q0), (unsigned)(q1 & 0x1F));
        smmu_stalls_invalidated(s);
        o->cycles += c->tlbi_cycles;
        return;
    case CMD_CFGI_CD:
    case CMD_CFGI_CD_ALL:
        if (!c->s1p) { o->error = CERROR_ILL; return; }
        if (op == CMD_CFGI_CD) smmu_cfgi_cd(s, sid_of(q0), ssid_of(q0), (q1 & 1) != 0);
        else smmu_cfgi_cd_all(s, sid_of(q0));
        smmu_stalls_invalidated(s);
        o->cycles += c->tlbi_cycles;
        return;
    case CMD_TLBI_NH_ALL:
    case CMD_TLBI_NH_ASID:
    case CMD_TLBI_NH_VA:
    case CMD_TLBI_NH_VAA:
        if (!c->s1p) { o->error = CERROR_ILL; return; }         /* 4.4.2: stage 1 commands on a stage 2-only SMMU */
        if (op == CMD_TLBI_NH_ALL) t.asid = 0;
        if (op == CMD_TLBI_NH_VA || op == CMD_TLBI_NH_VAA) {
            if (!decode_range(s, q0, q1, &t)) { o->error = CERROR_ILL; return; }
            t.addr = q1 & ~0xFFFull;
            if (op == CMD_TLBI_NH_VAA) t.asid = 0;
        }
        tlbi(s, &t, o);
        return;
    case CMD_TLBI_EL3_ALL:
    case CMD_TLBI_EL3_VA:
        o->error = CERROR_ILL;                                  /* valid only on the Secure Command queue */
        return;
    case CMD_TLBI_EL2_ALL:
    case CMD_TLBI_EL2_ASID:
    case CMD_TLBI_EL2_VA:
    case CMD_TLBI_EL2_VAA:
        if (!c->hyp || !c->s1p) { o->error = CERROR_ILL; return; }
        t.vmid = 0;
        if (op == CMD_TLBI_EL2_ALL || op == CMD_TLBI_EL2_VAA) t.asid = 0;
        if (op == CMD_TLBI_EL2_VA || op == CMD_TLBI_EL2_VAA) {
            if (!decode_range(s, q0, q1, &t)) { o->error = CERROR_ILL; return; }
            t.addr = q1 & ~0xFFFull;
        }
        tlbi(s, &t, o);
        return;
    case CMD_TLBI_S12_VMALL:
    case CMD_TLBI_S2_IPA:
        if (!c->s2p) { o->error = CERROR_ILL; return; }
        t.asid = 0;
        if (op == CMD_TLBI_S2_IPA) {
            if (!decode_range(s, q0, q1, &t)) { o->error = CERROR_ILL; return; }
            t.addr = q1 & 0x000FFFFFFFFFF000ull;                /* IPA[51:12] */
        }
        tlbi(s, &t, o);
        return;
    case CMD_TLBI_NSNH_ALL:
        t.vmid = t.asid = 0;
        tlbi(s, &t, o);
        return;
    case CMD_ATC_INV:
        if (!c->ats || (q1 & 0x3F) > ATC_INV_SIZE_ALL) { o->error = CERROR_ILL; return; }   /* Size > 52 may be ILLEGAL */
        if (smmu_enabled(s)) smmu_atc_inv_send(s, q0, q1);      /* IGNORED while SMMUEN == 0 (4.5.1) */
        return;
    case CMD_PRI_RESP:
        if (!c->pri || smmu_bits(q1, 13, 12) == 3) { o->error = CERROR_ILL; return; }   /* Resp 0b11 is ILLEGAL */
        smmu_pri_resp_cmd(s, q0, q1);
        return;
    case CMD_RESUME:
        if (c->stall_model == 1) { o->error = CERROR_ILL; return; }
        smmu_stall_resume(s, sid_of(q0), (uint16_t)q1, (q0 >> 12 & 1) != 0, (q0 >> 13 & 1) != 0);   /* Ac[12], Ab[13] */
        return;
    case CMD_STALL_TERM:
        if (c->stall_model == 1) { o->error = CERROR_ILL; return; }
        smmu_stall_term(s, sid_of(q0));
        return;
    case CMD_SYNC:
        o->cs = (unsigned)smmu_bits(q0, 13, 12);
        if (o->cs == 3) { o->error = CERROR_ILL; return; }
        o->sync = true;
        o->msi_data = (uint32_t)(q0 >> 32);
        o->msi_addr = q1 & 0x00FFFFFFFFFFFFFCull;               /* MSIAddress[55:2] */
        return;
    default:
        o->error = CERROR_ILL;       /* Reserved, IMPLEMENTATION DEFINED, Secure-only or unimplemented (MPAM, DPT) opcodes */
        return;
    }
}

static void sev(struct smmu_core *s)
{
    if (!s->cfg.sev) return;
    s->sev_pending = true;
    s->sev_count++;
}

/* 4.7.3: completion is signalled after CONS has passed the CMD_SYNC. */
static void sync_complete(struct smmu_core *s, const cmd_outcome_t *o)
{
    s->gstats.cmd_syncs++;
    if (o->cs == SIG_SEV) {
        sev(s);
    } else if (o->cs == SIG_IRQ) {
        uint64_t oas = s->cfg.oas_bits >= 64 ? ~0ull : (1ull << s->cfg.oas_bits) - 1;
        if (s->cfg.msi && o->msi_addr && smmu_msi_write(s, o->msi_addr & oas, o->msi_data))
            smmu_gerror_raise(s, GERROR_MSI_CMDQ_ABT_ERR);
        smmu_irq_signal(s, SMMU_IRQ_CMD_SYNC);                  /* the wired output fires regardless of MSIAddress */
    }
}

static unsigned cmdq_log2(const struct smmu_core *s) { return smmu_queue_log2size(s->cmdq.base, s->cfg.cmdqs); }

bool smmu_cmdq_pending(const smmu_t *s)
{
    if (!(s->cr0ack & CR0_CMDQEN) || smmu_gerror_active(s, GERROR_CMDQ_ERR)) return false;
    uint32_t mask = (2u << cmdq_log2(s)) - 1;
    return (s->cmdq.prod & mask) != (s->cmdq.cons & mask);
}

static void cmdq_error(struct smmu_core *s, int code)
{
    s->cmdq.cons = (s->cmdq.cons & ~CMDQ_CONS_ERR_MASK) | (uint32_t)code << CMDQ_CONS_ERR_SHIFT;
    smmu_gerror_raise(s, GERROR_CMDQ_ERR);      /* ERR is visible before the global error (7.1) */
}

/* Consume the command at CONS. Returns false when it could not be consumed (error raised). */
static bool consume_one(struct smmu_core *s, uint32_t *cycles)
{
    unsigned log2 = cmdq_log2(s);
    uint32_t n = 1u << log2, mask = 2 * n - 1;
    uint32_t rd = s->cmdq.cons & mask;
    bool was_full = (rd ^ (s->cmdq.prod & mask)) == n;
    uint64_t base = smmu_queue_addr(s->cmdq.base) & ~((16ull << log2) - 1);   /* aligned to the queue size */
    uint8_t raw[16];
    cmd_outcome_t o;
    memset(&o, 0, sizeof o);

    if (smmu_mem_read(s, base + (uint64_t)(rd & (n - 1)) * 16, raw, sizeof raw, NULL)) {
        *cycles = s->cfg.cmd_cycles;
        cmdq_error(s, CERROR_ABT);
        return false;
    }
    uint64_t q0 = smmu_le64(raw), q1 = smmu_le64(raw + 8);
    execute(s, q0, q1, &o);
    *cycles = o.cycles;
    /* 4.7.3: a CMD_SYNC is not consumed before every earlier CMD_ATC_INV has completed. */
    s->atc.sync_held = false;
    if (!o.error && o.sync) {
        int gate = smmu_atc_sync_gate(s);
        if (gate == 1) return false;                          /* held: CONS stays on the CMD_SYNC */
        o.error = gate;
    }
    if (o.error) {
        cmdq_error(s, o.error);
        return false;
    }
    s->cmdq.cons = (s->cmdq.cons & ~(CMDQ_CONS_ERR_MASK | mask)) | ((rd + 1) & mask);
    s->gstats.commands++;
    s->gstats.commands_by_opcode[(uint8_t)q0]++;
    if (o.sync) sync_complete(s, &o);
    if (was_full) sev(s);                       /* 4.1.2: WFE wake-up when a full queue becomes non-full */
    return true;
}

void smmu_cmdq_prod_written(struct smmu_core *s)
{
    /* Stepped: the host consumes with smmu_cmdq_step(); busy: a host callback re-entered, the running loop goes on. */
    if (s->cfg.cmdq_stepped || s->atc.busy) return;
    uint32_t cycles;
    s->atc.busy = true;
    while (smmu_cmdq_pending(s) && consume_one(s, &cycles)) {}
    s->atc.busy = false;
}

bool smmu_cmdq_step(smmu_t *s, uint32_t *cycles)
{
    uint32_t c = 0;
    bool done = false;
    if (!s->atc.busy) {
        s->atc.busy = true;
        done = smmu_cmdq_pending(s) && consume_one(s, &c);
        s->atc.busy = false;
    }
    if (cycles) *cycles = c;
    return done;
}

bool smmu_cmdq_waiting(const smmu_t *s)
{
    return s->atc.sync_held && s->atc.n_out != 0 && smmu_cmdq_pending(s);
}
