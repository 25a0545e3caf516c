/* SPDX-License-Identifier: BSD-3-Clause */
/* Performance Monitor Counter Group 0 (IHI 0070 chapter 10): counters, StreamID filters, overflow with its
 * interrupt and MSI, capture, and the register frame (page 0, and page 1 when CFGR.RELOC_CTRS). No Secure
 * state, no MPAM, no PARTID/PMG filtering: SCR, ROOTCR, GMPAM and MPAMIDR are RES0, as in an Arm MMU-700
 * PMCG without the Secure programming interface. */
#include "internal.h"

#define PAGE1             0x10000u
#define EVCNTR            0x000u
#define EVTYPER           0x400u
#define SVR               0x600u
#define SMR               0xA00u
#define CNTENSET0         0xC00u
#define CNTENCLR0         0xC20u
#define INTENSET0         0xC40u
#define INTENCLR0         0xC60u
#define OVSCLR0           0xC80u
#define OVSSET0           0xCC0u
#define CAPR              0xD88u
#define CFGR              0xE00u
#define CR                0xE04u
#define IIDR              0xE08u
#define CEID0             0xE20u
#define CEID1             0xE28u
#define IRQ_CTRL          0xE50u
#define IRQ_CTRLACK       0xE54u
#define IRQ_CFG0          0xE58u
#define IRQ_CFG1          0xE60u
#define IRQ_CFG2          0xE64u
#define IRQ_STATUS        0xE68u
#define AIDR              0xE70u

#define EVTYPER_EVENT     0xFFFFu          /* EVENT[15:0], all 16 bits implemented */
#define EVTYPER_SPAN      (1u << 29)       /* FILTER_SID_SPAN */
#define EVTYPER_OVFCAP    (1u << 31)
#define MSI_ADDR_MASK     0x00FFFFFFFFFFFFFCull   /* IRQ_CFG0.ADDR[55:2] */

typedef enum {
    R_NONE, R_EVCNTR, R_EVTYPER, R_SVR, R_SMR, R_CNTENSET, R_CNTENCLR, R_INTENSET, R_INTENCLR, R_OVSCLR,
    R_OVSSET, R_CAPR, R_CFGR, R_CR, R_IIDR, R_CEID0, R_IRQ_CTRL, R_IRQ_CTRLACK, R_IRQ_CFG0, R_IRQ_CFG1,
    R_IRQ_CFG2, R_IRQ_STATUS, R_AIDR, R_ID
} reg_t;

/* The register an offset falls in: which one, counter index, its offset and width in bytes. */
typedef struct { reg_t r; unsigned n; uint64_t base; unsigned width; } reg_at_t;

static unsigned nctr(const struct smmu_core *s) { return s->cfg.pmcg_counters; }
static uint64_t present(const struct smmu_core *s)
{
    return nctr(s) >= 64 ? ~0ull : (1ull << nctr(s)) - 1;
}
static uint64_t cnt_mask(const struct smmu_core *s)
{
    return s->cfg.pmcg_counter_bits >= 64 ? ~0ull : (1ull << s->cfg.pmcg_counter_bits) - 1;
}
/* EVCNTRn and SVRn sit on a 4-byte stride for counters of 32 bits or fewer, else 8 (10.5.1). */
static unsigned stride(const struct smmu_core *s) { return s->cfg.pmcg_counter_bits > 32 ? 8 : 4; }
/* SMMU_PMCG_SMRn.STREAMID implements the SMMU's StreamID size (10.4.1). */
static uint32_t sid_mask(const struct smmu_core *s)
{
    return s->cfg.sidsize >= 32 ? ~0u : (1u << s->cfg.sidsize) - 1;
}
/* CEID0: the mandatory events 0-5, and 6-7 with ATS (10.3). */
static uint64_t ceid0(const struct smmu_core *s) { return s->cfg.ats ? 0xFFull : 0x3Full; }

static uint32_t cfgr(const struct smmu_core *s)
{
    return (uint32_t)s->cfg.pmcg_sid_filter_global << 23 | (uint32_t)s->cfg.pmcg_capture << 22 |
           (uint32_t)s->cfg.pmcg_msi << 21 | (uint32_t)s->cfg.pmcg_reloc_ctrs << 20 |
           (uint32_t)(s->cfg.pmcg_counter_bits - 1) << 8 | (uint32_t)(nctr(s) - 1);
}

/* The SID filter of counter n: its own, or counter 0's when CFGR.SID_FILTER_TYPE == 1 (10.4). */
static unsigned filter_of(const struct smmu_core *s, unsigned n) { return s->cfg.pmcg_sid_filter_global ? 0 : n; }

static uint32_t evtyper_mask(const struct smmu_core *s, unsigned n)
{
    uint32_t m = EVTYPER_EVENT;
    if (filter_of(s, n) == n) m |= EVTYPER_SPAN;
    if (s->cfg.pmcg_capture) m |= EVTYPER_OVFCAP;
    return m;
}

/* 10.4: ExactSID when FILTER_SID_SPAN == 0; otherwise STREAMID[Y-1] == 0 with ones below ignores bits [Y-1:0],
 * and all ones in the implemented bits matches every StreamID (no Secure state: all are Non-secure). */
static bool sid_match(const struct smmu_core *s, unsigned n, uint32_t sid)
{
    unsigned f = filter_of(s, n);
    uint32_t smr = s->pmcg.smr[f];
    if (!(s->pmcg.evtyper[f] & EVTYPER_SPAN)) return sid == smr;
    if (smr == sid_mask(s)) return true;
    uint32_t ignored = smr ^ (smr + 1);    /* the lowest zero bit and every bit below it */
    return ((sid ^ smr) & ~ignored) == 0;
}

/* Events some enabled counter counts (CNTEN[n] && CR.E, 10.5.2.5); unsupported event numbers count nothing. */
static void update_live(struct smmu_core *s)
{
    smmu_pmcg_t *p = &s->pmcg;
    p->live = 0;
    if (!(p->cr & 1)) return;
    uint64_t on = p->cnten & present(s);
    for (unsigned n = 0; n < nctr(s); n++) {
        unsigned ev = p->evtyper[n] & EVTYPER_EVENT;
        if (((on >> n) & 1) && ev < 64 && ((ceid0(s) >> ev) & 1)) p->live |= 1u << ev;
    }
}

static void capture(struct smmu_core *s)
{
    for (unsigned n = 0; n < nctr(s); n++) s->pmcg.svr[n] = s->pmcg.cnt[n];
}

/* 10.2.1: overflow sets OVS, captures with OVFCAP (post-overflow values) and, with INTEN and IRQEN, pulses the
 * wired interrupt and sends the MSI when CFGR.MSI and IRQ_CFG0.ADDR != 0; an aborted MSI sets IRQ_STATUS.IRQ_ABT. */
static void overflow(struct smmu_core *s, uint64_t which)
{
    smmu_pmcg_t *p = &s->pmcg;
    p->ovs |= which;
    if (s->cfg.pmcg_capture)
        for (unsigned n = 0; n < nctr(s); n++)
            if (((which >> n) & 1) && (p->evtyper[n] & EVTYPER_OVFCAP)) { capture(s); break; }
    if (!(which & p->inten) || !(p->irq_ctrl & 1)) return;
    smmu_irq_signal(s, SMMU_IRQ_PMCG);
    if (s->cfg.pmcg_msi && p->irq_addr && smmu_msi_write(s, p->irq_addr, p->irq_data)) p->irq_status |= 1;
}

void smmu_pmcg_count(struct smmu_core *s, unsigned event, uint32_t sid, uint64_t n)
{
    smmu_pmcg_t *p = &s->pmcg;
    const uint64_t m = cnt_mask(s), on = p->cnten & present(s);
    uint64_t wrapped = 0;
    for (unsigned i = 0; i < nctr(s); i++) {
        if (!((on >> i) & 1) || (p->evtyper[i] & EVTYPER_EVENT) != event) continue;
        if (event != PMCG_EV_CYCLES && !sid_match(s, i, sid)) continue;   /* only event 0 is not filterable */
        if (n > m - p->cnt[i]) wrapped |= 1ull << i;                       /* a carry out of bit SIZE */
        p->cnt[i] = (p->cnt[i] + n) & m;
    }
    if (wrapped) overflow(s, wrapped);
}

void smmu_pmcg_advance(smmu_t *s, uint64_t cycles)
{
    if (s) smmu_pmcg_event(s, PMCG_EV_CYCLES, 0, cycles);
}

/* CoreSight identification (10.5.2.29): PIDRs from IIDR as for the SMMU frame, CIDR1 class 0x9, PMDEVARCH
 * ARCHITECT 0x23B PRESENT ARCHID 0x2A56, PMDEVTYPE 0x56 (performance monitor associated with an SMMU). */
static uint32_t id_reg(const struct smmu_core *s, uint64_t off)
{
    uint32_t iidr = s->cfg.iidr, part = iidr >> 20, variant = (iidr >> 16) & 0xF, rev = (iidr >> 12) & 0xF;
    uint32_t jep_id = iidr & 0x7F, jep_cont = (iidr >> 8) & 0xF;
    switch (off) {
    case 0xFBC: return 0x23Bu << 21 | 1u << 20 | 0x2A56u;
    case 0xFCC: return 0x56;
    case 0xFD0: return jep_cont;
    case 0xFE0: return part & 0xFF;
    case 0xFE4: return (part >> 8 & 0xF) | (jep_id & 0xF) << 4;
    case 0xFE8: return (jep_id >> 4 & 0x7) | 1u << 3 | variant << 4;
    case 0xFEC: return rev << 4;
    case 0xFF0: return 0x0D;
    case 0xFF4: return 0x90;
    case 0xFF8: return 0x05;
    case 0xFFC: return 0xB1;
    default:    return 0;
    }
}

static reg_at_t decode(const struct smmu_core *s, uint64_t off)
{
    reg_at_t none = { R_NONE, 0, off, 4 };
    if (!nctr(s) || off >= 2 * PAGE1) return none;
    unsigned page = off >= PAGE1, po = (unsigned)(off & 0xFFFF);
    unsigned ctr_page = s->cfg.pmcg_reloc_ctrs ? 1 : 0;   /* RELOC_CTRS: these are RES0 on page 0 (10.5.1) */
    unsigned st = stride(s), base1 = page ? PAGE1 : 0;
    if (page == ctr_page) {
        if (po < 0x200 && po / st < nctr(s)) return (reg_at_t){ R_EVCNTR, po / st, base1 + po / st * st, st };
        if (po >= SVR && po < 0x800 && (po - SVR) / st < nctr(s) && s->cfg.pmcg_capture)
            return (reg_at_t){ R_SVR, (po - SVR) / st, base1 + SVR + (po - SVR) / st * st, st };
        if (po >= OVSCLR0 && po < OVSCLR0 + 8) return (reg_at_t){ R_OVSCLR, 0, base1 + OVSCLR0, 8 };
        if (po >= OVSSET0 && po < OVSSET0 + 8) return (reg_at_t){ R_OVSSET, 0, base1 + OVSSET0, 8 };
        if (po == CAPR && s->cfg.pmcg_capture) return (reg_at_t){ R_CAPR, 0, base1 + CAPR, 4 };
    }
    if (page) return none;
    if (po >= EVTYPER && po < EVTYPER + 4 * nctr(s)) return (reg_at_t){ R_EVTYPER, (po - EVTYPER) / 4, po & ~3u, 4 };
    if (po >= SMR && po < SMR + 4 * nctr(s)) {
        unsigned n = (po - SMR) / 4;
        return filter_of(s, n) == n ? (reg_at_t){ R_SMR, n, po & ~3u, 4 } : none;   /* SMRx, x >= 1: RES0 when global */
    }
    if (po >= 0xFB0) return (reg_at_t){ R_ID, 0, po & ~3u, 4 };
    switch (po & ~7u) {
    case CNTENSET0: return (reg_at_t){ R_CNTENSET, 0, CNTENSET0, 8 };
    case CNTENCLR0: return (reg_at_t){ R_CNTENCLR, 0, CNTENCLR0, 8 };
    case INTENSET0: return (reg_at_t){ R_INTENSET, 0, INTENSET0, 8 };
    case INTENCLR0: return (reg_at_t){ R_INTENCLR, 0, INTENCLR0, 8 };
    case CEID0:     return (reg_at_t){ R_CEID0, 0, CEID0, 8 };
    case IRQ_CFG0:  return s->cfg.pmcg_msi ? (reg_at_t){ R_IRQ_CFG0, 0, IRQ_CFG0, 8 } : none;
    default: break;
    }
    switch (po) {
    case CFGR:        return (reg_at_t){ R_CFGR, 0, po, 4 };
    case CR:          return (reg_at_t){ R_CR, 0, po, 4 };
    case IIDR:        return (reg_at_t){ R_IIDR, 0, po, 4 };
    case IRQ_CTRL:    return (reg_at_t){ R_IRQ_CTRL, 0, po, 4 };
    case IRQ_CTRLACK: return (reg_at_t){ R_IRQ_CTRLACK, 0, po, 4 };
    case IRQ_CFG1:    return s->cfg.pmcg_msi ? (reg_at_t){ R_IRQ_CFG1, 0, po, 4 } : none;
    case IRQ_CFG2:    return s->cfg.pmcg_msi ? (reg_at_t){ R_IRQ_CFG2, 0, po, 4 } : none;
    case IRQ_STATUS:  return s->cfg.pmcg_msi && s->cfg.arch_minor >= 1 ? (reg_at_t){ R_IRQ_STATUS, 0, po, 4 } : none;
    case AIDR:        return (reg_at_t){ R_AIDR, 0, po, 4 };
    default:          return none;   /* SCR, ROOTCR, GMPAM, MPAMIDR, CEID1 (no event 64-127): RES0 */
    }
}

static uint64_t reg_value(const struct smmu_core *s, const reg_at_t *r)
{
    const smmu_pmcg_t *p = &s->pmcg;
    switch (r->r) {
    case R_EVCNTR:      return p->cnt[r->n];
    case R_SVR:         return p->svr[r->n];
    case R_EVTYPER:     return p->evtyper[r->n];
    case R_SMR:         return p->smr[r->n];
    case R_CNTENSET: case R_CNTENCLR: return p->cnten;
    case R_INTENSET: case R_INTENCLR: return p->inten;
    case R_OVSCLR: case R_OVSSET:     return p->ovs;
    case R_CFGR:        return cfgr(s);
    case R_CR:          return p->cr;
    case R_IIDR:        return s->cfg.iidr;
    case R_CEID0:       return ceid0(s);
    case R_IRQ_CTRL: case R_IRQ_CTRLACK: return p->irq_ctrl;   /* every Update completes at once */
    case R_IRQ_CFG0:    return p->irq_addr;
    case R_IRQ_CFG1:    return p->irq_data;
    case R_IRQ_CFG2:    return p->irq_attr;
    case R_IRQ_STATUS:  return p->irq_status;
    case R_AIDR:        return s->cfg.arch_minor & 0xFu;
    case R_ID:          return id_reg(s, r->base);
    case R_CAPR: case R_NONE: break;    /* CAPR reads as zero */
    }
    return 0;
}

/* A write of `v` to the bytes `m` selects of register r (a 32-bit access to half of a 64-bit register). */
static void reg_write(struct smmu_core *s, const reg_at_t *r, uint64_t v, uint64_t m)
{
    smmu_pmcg_t *p = &s->pmcg;
    uint64_t set = v & m;
    switch (r->r) {
    case R_EVCNTR:   p->cnt[r->n] = ((p->cnt[r->n] & ~m) | set) & cnt_mask(s); break;
    case R_EVTYPER:  p->evtyper[r->n] = (uint32_t)v & evtyper_mask(s, r->n); update_live(s); break;
    case R_SMR:      p->smr[r->n] = (uint32_t)v & sid_mask(s); break;
    case R_CNTENSET: p->cnten |= set & present(s); update_live(s); break;
    case R_CNTENCLR: p->cnten &= ~set; update_live(s); break;
    case R_INTENSET: p->inten |= set & present(s); break;
    case R_INTENCLR: p->inten &= ~set; break;
    case R_OVSCLR:   p->ovs &= ~set; break;
    /* Setting OVS by software has no interrupt or capture side effect (IMPLEMENTATION SPECIFIC, 10.5.2.10). */
    case R_OVSSET:   p->ovs |= set & present(s); break;
    case R_CAPR:     if (v & 1) capture(s); break;
    case R_CR:       p->cr = (uint32_t)v & 1; update_live(s); break;
    case R_IRQ_CTRL:
        if ((v & 1) && !(p->irq_ctrl & 1)) p->irq_status = 0;   /* IRQEN 0 -> 1 clears IRQ_ABT (10.5.2.24) */
        p->irq_ctrl = (uint32_t)v & 1;
        break;
    /* IRQ_CFG0..2 are Guarded by IRQEN: writes while it is 1 are ignored, as for the SMMU's own (6.3.x, v3.2). */
    case R_IRQ_CFG0:
        if (!(p->irq_ctrl & 1)) {
            uint64_t oas = s->cfg.oas_bits >= 64 ? ~0ull : (1ull << s->cfg.oas_bits) - 1;
            p->irq_addr = ((p->irq_addr & ~m) | set) & MSI_ADDR_MASK & oas;
        }
        break;
    case R_IRQ_CFG1: if (!(p->irq_ctrl & 1)) p->irq_data = (uint32_t)v; break;
    case R_IRQ_CFG2: if (!(p->irq_ctrl & 1)) p->irq_attr = (uint32_t)v & 0x3Fu; break;   /* SH[5:4], MemAttr[3:0] */
    default: break;                  /* read-only and RES0 locations ignore writes */
    }
}

static uint32_t read32(const struct smmu_core *s, uint64_t off)
{
    reg_at_t r = decode(s, off);
    return (uint32_t)(reg_value(s, &r) >> ((off - r.base) * 8));
}

static void write32(struct smmu_core *s, uint64_t off, uint32_t v)
{
    reg_at_t r = decode(s, off);
    unsigned sh = (unsigned)(off - r.base) * 8;
    reg_write(s, &r, (uint64_t)v << sh, 0xFFFFFFFFull << sh);
}

/* Aligned 32-bit accesses anywhere, 64-bit accesses to 64-bit registers; a 64-bit access elsewhere acts as two
 * 32-bit accesses, low first (10.5, 6.2); misaligned and other sizes are RAZ/WI. */
static bool access_ok(uint64_t off, unsigned size) { return (size == 4 || size == 8) && off % size == 0; }

uint64_t smmu_pmcg_reg_read(smmu_t *s, uint64_t off, unsigned size)
{
    if (!s || !access_ok(off, size)) return 0;
    if (size == 4) return read32(s, off);
    reg_at_t r = decode(s, off);
    if (r.width == 8 && r.base == off) return reg_value(s, &r);
    return (uint64_t)read32(s, off) | (uint64_t)read32(s, off + 4) << 32;
}

void smmu_pmcg_reg_write(smmu_t *s, uint64_t off, uint64_t v, unsigned size)
{
    if (!s || !access_ok(off, size)) return;
    if (size == 4) { write32(s, off, (uint32_t)v); return; }
    reg_at_t r = decode(s, off);
    if (r.width == 8 && r.base == off) { reg_write(s, &r, v, ~0ull); return; }
    write32(s, off, (uint32_t)v);
    write32(s, off + 4, (uint32_t)(v >> 32));
}
