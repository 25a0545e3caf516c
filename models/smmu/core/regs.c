/* SPDX-License-Identifier: BSD-3-Clause */
/* The SMMUv3 programming interface: ID registers, reset values and MMIO accesses to pages 0 and 1 (IHI 0070 6.2, 6.3). */
#include "internal.h"
#include "stall.h"

/* Fields of the 64-bit base registers (6.3.24, 6.3.26, 6.3.29, 6.3.33). */
#define BASE_RA           (1ull << 62)
#define STRTAB_ADDR_MASK  0x00FFFFFFFFFFFFC0ull   /* ADDR[55:6] */
#define QUEUE_ADDR_MASK   0x00FFFFFFFFFFFFE0ull   /* ADDR[55:5] */
#define QUEUE_LOG2_MASK   0x1Full
#define MSI_ADDR_MASK     0x00FFFFFFFFFFFFFCull   /* *_IRQ_CFG0.ADDR[55:2] */
#define PRIQ_CFG2_LO      (1u << 31)
#define CFG2_MASK         0x3Fu                   /* SH[5:4], MemAttr[3:0] */
#define PROD_WR_MASK      0xFFFFFu                /* WR/RD[19:0] */

/* CR1 fields (6.3.11): TABLE_* are guarded by SMMUEN, QUEUE_* by every queue enable. */
#define CR1_TABLE_MASK 0xFC0u
#define CR1_QUEUE_MASK 0x03Fu

static uint64_t oas_mask(const struct smmu_core *s)
{
    return s->cfg.oas_bits >= 64 ? ~0ull : (1ull << s->cfg.oas_bits) - 1;
}

static unsigned oas_encoding(unsigned bits)
{
    switch (bits) {
    case 32: return 0;
    case 36: return 1;
    case 40: return 2;
    case 42: return 3;
    case 44: return 4;
    case 48: return 5;
    default: return 6;   /* 52 */
    }
}

void smmu_idregs_build(struct smmu_core *s)
{
    const smmu_config_t *c = &s->cfg;
    s->idr[0] = (uint32_t)c->s2p << 0 | (uint32_t)c->s1p << 1 | (c->ttf_aarch32 ? 3u : 2u) << 2 |
                (uint32_t)c->cohacc << 4 | (uint32_t)c->btm << 5 | (uint32_t)(c->httu & 3) << 6 |
                (uint32_t)c->hyp << 9 | (uint32_t)c->ats << 10 | (uint32_t)c->asid16 << 12 |
                (uint32_t)c->msi << 13 | (uint32_t)c->sev << 14 | (uint32_t)c->atos << 15 |
                (uint32_t)c->pri << 16 | (uint32_t)c->vmw << 17 | (uint32_t)c->vmid16 << 18 |
                (uint32_t)c->cd2l << 19 | (uint32_t)(c->ttendian & 3) << 21 |
                (uint32_t)(c->stall_model & 3) << 24 | (uint32_t)c->term_model << 26 |
                (c->st_2lvl ? 1u : 0u) << 27 |
                (uint32_t)c->ats << 23;             /* ATSRECERR: CR2.REC_CFG_ATS is implemented with ATS; NS1ATS = 0 */
    s->idr[1] = (uint32_t)(c->sidsize & 0x3F) | (uint32_t)(c->ssidsize & 0x1F) << 6 |
                (c->pri ? (uint32_t)(c->priqs & 0x1F) << 11 : 0) | (uint32_t)(c->eventqs & 0x1F) << 16 |
                (uint32_t)(c->cmdqs & 0x1F) << 21 | (uint32_t)c->attr_perms_ovr << 26 |
                (uint32_t)c->attr_types_ovr << 27;
    s->idr[2] = 0;                                   /* no VATOS page */
    /* HAD: the walker honours CD.HAD0/1 whenever stage 1 exists (mandatory from v3.1 with S1P; RES0 without). */
    s->idr[3] = (uint32_t)c->s1p << 2 | (uint32_t)c->xnx << 4 | (uint32_t)c->fwb << 8 | (uint32_t)c->ril << 10 |
                (uint32_t)(c->bbml & 3) << 11;
    s->idr[4] = 0;                                   /* IMPLEMENTATION DEFINED: nothing to report */
    s->idr[5] = oas_encoding(c->oas_bits) | (uint32_t)c->gran4k << 4 | (uint32_t)c->gran16k << 5 |
                (uint32_t)c->gran64k << 6 | (uint32_t)(c->vax & 3) << 10 | (uint32_t)c->stall_max << 16;
    s->iidr = c->iidr;
    s->aidr = c->arch_minor & 0xFu;                  /* ArchMajorRev 0 = SMMUv3 */
}

void smmu_regs_reset(struct smmu_core *s)
{
    s->cr0 = s->cr0ack = s->cr1 = s->cr2 = 0;
    s->gbpa = GBPA_ABORT;          /* IMPLEMENTATION DEFINED (6.3.14): default-deny reset, other fields 0 */
    s->irq_ctrl = s->irq_ctrlack = 0;
    s->gerror = s->gerrorn = 0;
    memset(&s->gerror_irq, 0, sizeof s->gerror_irq);   /* UNKNOWN at reset: the model uses 0 */
    memset(&s->evtq_irq, 0, sizeof s->evtq_irq);
    memset(&s->priq_irq, 0, sizeof s->priq_irq);
    s->strtab_base = 0;
    s->strtab_base_cfg = 0;
    memset(&s->cmdq, 0, sizeof s->cmdq);
    memset(&s->evtq, 0, sizeof s->evtq);
    memset(&s->priq, 0, sizeof s->priq);
    s->sev_pending = false;
    s->sev_count = 0;
}

unsigned smmu_queue_log2size(uint64_t base, unsigned max_log2)
{
    unsigned l = (unsigned)(base & QUEUE_LOG2_MASK);
    return l > max_log2 ? max_log2 : l;
}

/* CoreSight identification block at 0xFD0-0xFFC, derived from IIDR like an Arm MMU-700
 * (assumption: PIDR part number = IIDR.ProductID, PIDR2.REVISION = IIDR.Variant, PIDR3.REVAND = IIDR.Revision). */
static uint32_t id_block(const struct smmu_core *s, uint64_t off)
{
    uint32_t part = s->iidr >> 20, variant = (s->iidr >> 16) & 0xF, rev = (s->iidr >> 12) & 0xF;
    uint32_t jep_id = s->iidr & 0x7F, jep_cont = (s->iidr >> 8) & 0xF;
    switch (off) {
    case 0xFD0: return jep_cont;                                   /* PIDR4: SIZE 0, DES_2 */
    case 0xFE0: return part & 0xFF;                                /* PIDR0 */
    case 0xFE4: return (part >> 8 & 0xF) | (jep_id & 0xF) << 4;    /* PIDR1 */
    case 0xFE8: return (jep_id >> 4 & 0x7) | 1u << 3 | variant << 4; /* PIDR2: JEDEC = 1 */
    case 0xFEC: return rev << 4;                                   /* PIDR3: CMOD 0, REVAND */
    case 0xFF0: return 0x0D;                                       /* CIDR0..3: component class 0xF */
    case 0xFF4: return 0xF0;
    case 0xFF8: return 0x05;
    case 0xFFC: return 0xB1;
    default: return 0;                                             /* PIDR5..7 */
    }
}

static bool is_reg64(uint64_t off)
{
    switch (off) {
    case SMMU_GERROR_IRQ_CFG0: case SMMU_STRTAB_BASE: case SMMU_CMDQ_BASE: case SMMU_EVENTQ_BASE:
    case SMMU_EVENTQ_IRQ_CFG0: case SMMU_PRIQ_BASE: case SMMU_PRIQ_IRQ_CFG0:
        return true;
    default:
        return false;
    }
}

/* GERROR bits that exist for this configuration (6.3.19). */
static uint32_t gerror_mask(const struct smmu_core *s)
{
    uint32_t m = GERROR_CMDQ_ERR | GERROR_EVTQ_ABT_ERR | GERROR_SFM_ERR;
    if (s->cfg.pri) m |= GERROR_PRIQ_ABT_ERR;
    if (s->cfg.msi) m |= GERROR_MSI_CMDQ_ABT_ERR | GERROR_MSI_EVTQ_ABT_ERR | GERROR_MSI_GERROR_ABT_ERR;
    if (s->cfg.msi && s->cfg.pri) m |= GERROR_MSI_PRIQ_ABT_ERR;
    return m;
}

static uint32_t cr0_mask(const struct smmu_core *s)
{
    uint32_t m = CR0_SMMUEN | CR0_EVTQEN | CR0_CMDQEN;
    if (s->cfg.pri) m |= CR0_PRIQEN;
    if (s->cfg.ats) m |= CR0_ATSCHK;
    if (s->cfg.vmw) m |= 7u << CR0_VMW_SHIFT;
    return m;
}

static uint32_t irq_ctrl_mask(const struct smmu_core *s)
{
    return IRQ_CTRL_GERROR_IRQEN | IRQ_CTRL_EVTQ_IRQEN | (s->cfg.pri ? IRQ_CTRL_PRIQ_IRQEN : 0);
}

static uint32_t gbpa_mask(const struct smmu_core *s)
{
    uint32_t m = GBPA_ABORT;
    if (s->cfg.attr_perms_ovr) m |= 0xFu << 16;                 /* INSTCFG, PRIVCFG */
    if (s->cfg.attr_types_ovr) m |= 3u << 12 | 0xFu << 8 | 0x1Fu; /* SHCFG, ALLOCCFG, MTCFG, MemAttr */
    return m;
}

static uint32_t wr_mask(unsigned max_log2) { return (2u << max_log2) - 1; }
static uint32_t q_mask(const smmu_queue_t *q, unsigned max_log2) { return wr_mask(smmu_queue_log2size(q->base, max_log2)); }

/* The MSI configuration of an interrupt source, NULL when its registers do not exist. */
static smmu_irq_cfg_t *irq_cfg_of(struct smmu_core *s, uint64_t off, uint32_t *irqen)
{
    /* PRIQ_IRQ_CFG2.LO exists with PRI whether or not MSIs do (6.3.1 IDR0.MSI); its MSI fields need IDR0.MSI. */
    if (off == SMMU_PRIQ_IRQ_CFG2 && s->cfg.pri) { *irqen = IRQ_CTRL_PRIQ_IRQEN; return &s->priq_irq; }
    if (!s->cfg.msi) return NULL;
    if (off >= SMMU_GERROR_IRQ_CFG0 && off <= SMMU_GERROR_IRQ_CFG2) { *irqen = IRQ_CTRL_GERROR_IRQEN; return &s->gerror_irq; }
    if (off >= SMMU_EVENTQ_IRQ_CFG0 && off <= SMMU_EVENTQ_IRQ_CFG2) { *irqen = IRQ_CTRL_EVTQ_IRQEN; return &s->evtq_irq; }
    if (off >= SMMU_PRIQ_IRQ_CFG0 && off <= SMMU_PRIQ_IRQ_CFG2 && s->cfg.pri) { *irqen = IRQ_CTRL_PRIQ_IRQEN; return &s->priq_irq; }
    return NULL;
}

static uint64_t read64(struct smmu_core *s, uint64_t off)
{
    uint32_t en;
    switch (off) {
    case SMMU_STRTAB_BASE: return s->strtab_base;
    case SMMU_CMDQ_BASE:   return s->cmdq.base;
    case SMMU_EVENTQ_BASE: return s->evtq.base;
    case SMMU_PRIQ_BASE:   return s->cfg.pri ? s->priq.base : 0;
    case SMMU_GERROR_IRQ_CFG0: case SMMU_EVENTQ_IRQ_CFG0: case SMMU_PRIQ_IRQ_CFG0: {
        smmu_irq_cfg_t *c = irq_cfg_of(s, off, &en);
        return c ? c->addr : 0;
    }
    default: return 0;
    }
}

static uint32_t read32(struct smmu_core *s, uint64_t off)
{
    uint32_t en;
    if (off >= 0xFD0 && off <= 0xFFC) return id_block(s, off);
    switch (off) {
    case SMMU_IDR0: case SMMU_IDR1: case SMMU_IDR2: case SMMU_IDR3: case SMMU_IDR4: case SMMU_IDR5:
        return s->idr[off / 4];
    case SMMU_IIDR:        return s->iidr;
    case SMMU_AIDR:        return s->aidr;
    case SMMU_CR0:         return s->cr0;
    case SMMU_CR0ACK:      return s->cr0ack;
    case SMMU_CR1:         return s->cr1;
    case SMMU_CR2:         return s->cr2;
    case SMMU_GBPA:        return s->gbpa;   /* Update reads 0: every update completes at once */
    case SMMU_IRQ_CTRL:    return s->irq_ctrl;
    case SMMU_IRQ_CTRLACK: return s->irq_ctrlack;
    case SMMU_GERROR:      return s->gerror;
    case SMMU_GERRORN:     return s->gerrorn;
    case SMMU_GERROR_IRQ_CFG1: case SMMU_EVENTQ_IRQ_CFG1: case SMMU_PRIQ_IRQ_CFG1: {
        smmu_irq_cfg_t *c = irq_cfg_of(s, off, &en);
        return c ? c->data : 0;
    }
    case SMMU_GERROR_IRQ_CFG2: case SMMU_EVENTQ_IRQ_CFG2: case SMMU_PRIQ_IRQ_CFG2: {
        smmu_irq_cfg_t *c = irq_cfg_of(s, off, &en);
        return c ? c->attr : 0;
    }
    case SMMU_STRTAB_BASE_CFG: return s->strtab_base_cfg;
    /* The SMMU-written indexes: bits above the index and wrap of the current LOG2SIZE are RAZ (6.3.28, 6.3.95, 6.3.97). */
    case SMMU_CMDQ_PROD:   return s->cmdq.prod;
    case SMMU_CMDQ_CONS:   return s->cmdq.cons & (CMDQ_CONS_ERR_MASK | q_mask(&s->cmdq, s->cfg.cmdqs));
    case SMMU_EVENTQ_PROD: return s->evtq.prod & (Q_OVFLG | q_mask(&s->evtq, s->cfg.eventqs));
    case SMMU_EVENTQ_CONS: return s->evtq.cons;
    case SMMU_PRIQ_PROD:   return s->cfg.pri ? s->priq.prod & (Q_OVFLG | q_mask(&s->priq, s->cfg.priqs)) : 0;
    case SMMU_PRIQ_CONS:   return s->cfg.pri ? s->priq.cons : 0;
    default:
        return 0;   /* RES0 / RAZ: STATUSR, AGBPA, GATOS_*, page-0 aliases of page-1 registers, unknown offsets */
    }
}

static void write64(struct smmu_core *s, uint64_t off, uint64_t v)
{
    uint32_t en;
    switch (off) {
    case SMMU_STRTAB_BASE:   /* Guarded by SMMUEN: v3.2 ignores the write (6.3.24) */
        if (!(s->cr0ack & CR0_SMMUEN)) s->strtab_base = v & (BASE_RA | (STRTAB_ADDR_MASK & oas_mask(s)));
        break;
    case SMMU_CMDQ_BASE:
        if (!(s->cr0ack & CR0_CMDQEN)) s->cmdq.base = v & (BASE_RA | (QUEUE_ADDR_MASK & oas_mask(s)) | QUEUE_LOG2_MASK);
        break;
    case SMMU_EVENTQ_BASE:
        if (!(s->cr0ack & CR0_EVTQEN)) s->evtq.base = v & (BASE_RA | (QUEUE_ADDR_MASK & oas_mask(s)) | QUEUE_LOG2_MASK);
        break;
    case SMMU_PRIQ_BASE:
        if (s->cfg.pri && !(s->cr0ack & CR0_PRIQEN))
            s->priq.base = v & (BASE_RA | (QUEUE_ADDR_MASK & oas_mask(s)) | QUEUE_LOG2_MASK);
        break;
    case SMMU_GERROR_IRQ_CFG0: case SMMU_EVENTQ_IRQ_CFG0: case SMMU_PRIQ_IRQ_CFG0: {
        smmu_irq_cfg_t *c = irq_cfg_of(s, off, &en);
        if (c && !(s->irq_ctrlack & en)) c->addr = v & MSI_ADDR_MASK & oas_mask(s);   /* v3.2: ignored while IRQEN */
        break;
    }
    default:
        break;
    }
}

static void write_cr0(struct smmu_core *s, uint32_t v)
{
    uint32_t old = s->cr0ack;
    s->cr0 = s->cr0ack = v & cr0_mask(s);        /* every Update completes before the write returns */
    if ((old ^ s->cr0ack) & CR0_SMMUEN) smmu_config_changed(s);   /* the TBUs' stream contexts start afresh */
    if ((old & CR0_SMMUEN) && !(s->cr0ack & CR0_SMMUEN)) smmu_stalls_smmuen_off(s);
    if (!(old & CR0_EVTQEN) && (s->cr0ack & CR0_EVTQEN)) smmu_stalls_drain(s);
    if (!(old & CR0_CMDQEN) && (s->cr0ack & CR0_CMDQEN)) smmu_cmdq_prod_written(s);
}

static void write_gerrorn(struct smmu_core *s, uint32_t v)
{
    bool cmdq_err = smmu_gerror_active(s, GERROR_CMDQ_ERR), evtq_abt = smmu_gerror_active(s, GERROR_EVTQ_ABT_ERR);
    s->gerrorn = v & gerror_mask(s);
    if (evtq_abt && !smmu_gerror_active(s, GERROR_EVTQ_ABT_ERR)) smmu_stalls_drain(s);   /* the queue is writable again */
    if (cmdq_err && !smmu_gerror_active(s, GERROR_CMDQ_ERR)) {
        s->cmdq.cons &= ~CMDQ_CONS_ERR_MASK;      /* ERR is UNKNOWN once acknowledged: report CERROR_NONE */
        smmu_cmdq_prod_written(s);                /* 7.1: acknowledging CMDQ_ERR restarts consumption at CONS */
    }
}

static void write32(struct smmu_core *s, uint64_t off, uint32_t v)
{
    uint32_t en;
    switch (off) {
    case SMMU_CR0:
        write_cr0(s, v);
        break;
    case SMMU_CR1: {
        uint32_t keep = 0;
        if (s->cr0ack & CR0_SMMUEN) keep |= CR1_TABLE_MASK;
        if (s->cr0ack & (CR0_CMDQEN | CR0_EVTQEN | CR0_PRIQEN)) keep |= CR1_QUEUE_MASK;
        s->cr1 = (s->cr1 & keep) | (v & (CR1_TABLE_MASK | CR1_QUEUE_MASK) & ~keep);
        break;
    }
    case SMMU_CR2:           /* read-only while SMMUEN (6.3.12, v3.2) */
        if (!(s->cr0ack & CR0_SMMUEN))
            s->cr2 = v & ((s->cfg.hyp ? 1u : 0u) | 2u | (s->cfg.btm ? 4u : 0u) |   /* E2H, RECINVSID, PTM */
                          (s->cfg.ats ? SMMU_CR2_REC_CFG_ATS : 0u));
        break;
    case SMMU_GBPA:          /* 6.3.14.1: only a write with Update = 1 takes effect in v3.2 */
        if (v & GBPA_UPDATE) s->gbpa = v & gbpa_mask(s);
        break;
    case SMMU_IRQ_CTRL:
        s->irq_ctrl = s->irq_ctrlack = v & irq_ctrl_mask(s);
        break;
    case SMMU_GERRORN:
        write_gerrorn(s, v);
        break;
    case SMMU_GERROR_IRQ_CFG1: case SMMU_EVENTQ_IRQ_CFG1: case SMMU_PRIQ_IRQ_CFG1: {
        smmu_irq_cfg_t *c = irq_cfg_of(s, off, &en);
        if (c && !(s->irq_ctrlack & en)) c->data = v;
        break;
    }
    case SMMU_GERROR_IRQ_CFG2: case SMMU_EVENTQ_IRQ_CFG2: case SMMU_PRIQ_IRQ_CFG2: {
        smmu_irq_cfg_t *c = irq_cfg_of(s, off, &en);
        if (c && !(s->irq_ctrlack & en)) c->attr = v & ((s->cfg.msi ? CFG2_MASK : 0) | (c == &s->priq_irq ? PRIQ_CFG2_LO : 0));
        break;
    }
    case SMMU_STRTAB_BASE_CFG:
        if (!(s->cr0ack & CR0_SMMUEN))
            s->strtab_base_cfg = v & (0x3Fu | (s->cfg.st_2lvl ? (0x1Fu << 6 | 3u << 16) : 0));
        break;
    case SMMU_CMDQ_PROD:
        s->cmdq.prod = v & wr_mask(s->cfg.cmdqs);
        smmu_cmdq_prod_written(s);
        break;
    case SMMU_CMDQ_CONS:     /* Guarded by CMDQEN */
        if (!(s->cr0ack & CR0_CMDQEN)) s->cmdq.cons = v & (CMDQ_CONS_ERR_MASK | wr_mask(s->cfg.cmdqs));
        break;
    case SMMU_EVENTQ_PROD:   /* Guarded by EVENTQEN */
        if (!(s->cr0ack & CR0_EVTQEN)) s->evtq.prod = v & (Q_OVFLG | wr_mask(s->cfg.eventqs));
        break;
    case SMMU_EVENTQ_CONS:
        s->evtq.cons = v & (Q_OVFLG | wr_mask(s->cfg.eventqs));
        smmu_stalls_drain(s);                    /* room for deferred stall records (7.4) */
        break;
    case SMMU_PRIQ_PROD:
        if (s->cfg.pri && !(s->cr0ack & CR0_PRIQEN)) s->priq.prod = v & (Q_OVFLG | wr_mask(s->cfg.priqs));
        break;
    case SMMU_PRIQ_CONS:
        if (s->cfg.pri) s->priq.cons = v & (Q_OVFLG | wr_mask(s->cfg.priqs));
        break;
    default:
        break;   /* RO and RES0 locations ignore writes */
    }
}

/* 6.2: 32-bit accesses to 32-bit registers and to either half of 64-bit registers, 64-bit accesses to
 * 64-bit registers; a 64-bit access to two 32-bit registers acts as two 32-bit accesses (low first);
 * misaligned or other-sized accesses are RAZ/WI. */
static bool access_ok(uint64_t off, unsigned size)
{
    return (size == 4 || size == 8) && off % size == 0 && off < SMMU_FRAME_SIZE;
}

uint64_t smmu_reg_read(smmu_t *s, uint64_t off, unsigned size)
{
    if (!s || !access_ok(off, size)) return 0;
    if (size == 8)
        return is_reg64(off) ? read64(s, off) : (uint64_t)read32(s, off) | (uint64_t)read32(s, off + 4) << 32;
    if (is_reg64(off & ~7ull)) return (uint32_t)(read64(s, off & ~7ull) >> ((off & 4) * 8));
    return read32(s, off);
}

void smmu_reg_write(smmu_t *s, uint64_t off, uint64_t v, unsigned size)
{
    if (!s || !access_ok(off, size)) return;
    if (size == 8) {
        if (is_reg64(off)) {
            write64(s, off, v);
        } else {
            write32(s, off, (uint32_t)v);
            write32(s, off + 4, (uint32_t)(v >> 32));
        }
        return;
    }
    uint64_t r = off & ~7ull;
    if (is_reg64(r)) {
        uint64_t cur = read64(s, r);
        uint64_t merged = (off & 4) ? (cur & 0xFFFFFFFFull) | (uint64_t)(uint32_t)v << 32
                                    : (cur & ~0xFFFFFFFFull) | (uint32_t)v;
        write64(s, r, merged);
        return;
    }
    write32(s, off, (uint32_t)v);
}
