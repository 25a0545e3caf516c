/* SPDX-License-Identifier: BSD-3-Clause */
/* Address Translation Operations: the GATOS registers and the VATOS page, a request's checks and its PAR
 * (IHI 0070 chapter 9, 6.3.37-6.3.44, 6.3.99-6.3.102). The lookup itself is smmu_xlate(SMMU_XLATE_ATOS). */
#include "internal.h"

#define ADDR_RES0 0x3Full                          /* ATOS_ADDR bits [5:0] */

static bool in_vatos_page(uint64_t off) { return off >= SMMU_VATOS_CTRL && off <= SMMU_VATOS_PAR + 7; }

bool smmu_atos_reg(const struct smmu_core *s, uint64_t off)
{
    if (!s->cfg.atos) return false;                 /* the GATOS registers are Reserved without IDR0.ATOS */
    if (off >= SMMU_GATOS_CTRL && off < SMMU_GATOS_PAR + 8) return true;
    if (!s->cfg.vatos) return false;
    return (off >= SMMU_VATOS_SEL && off < SMMU_VATOS_SEL + 4) || in_vatos_page(off);
}

bool smmu_atos_reg64(uint64_t off)
{
    switch (off) {
    case SMMU_GATOS_SID: case SMMU_GATOS_ADDR: case SMMU_GATOS_PAR:
    case SMMU_VATOS_SID: case SMMU_VATOS_ADDR: case SMMU_VATOS_PAR:
        return true;
    default:
        return false;
    }
}

void smmu_atos_reset(struct smmu_core *s)
{
    memset(&s->gatos, 0, sizeof s->gatos);          /* SID, ADDR and PAR are UNKNOWN at reset: the model uses 0 */
    memset(&s->vatos, 0, sizeof s->vatos);
    s->vatos_sel = 0;
}

/* The group an offset belongs to and the register within it (0 CTRL, 8 SID, 0x10 ADDR, 0x18 PAR). */
static smmu_atos_regs_t *group(struct smmu_core *s, uint64_t off, unsigned *reg)
{
    if (in_vatos_page(off)) { *reg = (unsigned)(off - SMMU_VATOS_CTRL); return &s->vatos; }
    *reg = (unsigned)(off - SMMU_GATOS_CTRL);
    return &s->gatos;
}

uint64_t smmu_atos_read(struct smmu_core *s, uint64_t off)
{
    if (off == SMMU_VATOS_SEL) return s->vatos_sel;
    unsigned reg;
    smmu_atos_regs_t *g = group(s, off, &reg);
    switch (reg) {
    case 0x00: return g->ctrl;
    case 0x08: return g->sid;
    case 0x10: return g->addr;
    case 0x18: return g->par;
    default:   return 0;                            /* 0x104, 0x10C...: RES0 */
    }
}

/* 9.1.3, 9.1.5 priority 1: INV_REQ is decided from the request alone, before any structure is read. */
static bool invalid_request(const struct smmu_core *s, unsigned type, bool ssv, bool vatos)
{
    switch (type) {
    case SMMU_ATOS_TYPE_S1:  return !s->cfg.s1p;
    case SMMU_ATOS_TYPE_S2:  return vatos || !s->cfg.s2p || ssv;    /* no stage 1: a SubstreamID is invalid */
    case SMMU_ATOS_TYPE_S12: return vatos || !s->cfg.s1p || !s->cfg.s2p;
    default:                 return true;                           /* TYPE 0b00 is Reserved */
    }
}

int smmu_atos_ste_check(const struct smmu_core *s, const smmu_ste_t *ste)
{
    const smmu_atos_req_t *q = &s->atos_req;
    /* 9.1.6: a VATOS request needs an STE whose translations carry a VMID (a translating NS-EL1 stream; S2VMID is
     * IGNORED otherwise and decodes as 0 here) equal to VATOS_SEL.VMID, else C_BAD_STE. */
    if (q->vatos) {
        bool tagged = (ste->s1_enabled || ste->s2_enabled) && ste->strw == STE_STRW_NSEL1 && s->cfg.s2p;
        if (!tagged || ste->s2vmid != q->vmid) return EVT_C_BAD_STE;
    }
    /* INV_STAGE: the requested stages must be configured to translate (an S1DSS bypass still counts as stage 1). */
    if ((q->type & SMMU_ATOS_TYPE_S1) && !ste->s1_enabled) return SMMU_ATOS_INV_STAGE;
    if ((q->type & SMMU_ATOS_TYPE_S2) && !ste->s2_enabled) return SMMU_ATOS_INV_STAGE;
    return 0;
}

static uint64_t fault_par(unsigned code, unsigned reason, uint64_t faddr)
{
    return (faddr & SMMU_ATOS_PAR_FADDR_MASK) | SMMU_FIELD_PREP(SMMU_ATOS_PAR_FAULTCODE, code) |
           SMMU_FIELD_PREP(SMMU_ATOS_PAR_REASON, reason) | SMMU_ATOS_PAR_FAULT;
}

static bool translation_related(unsigned id)
{
    return id == EVT_F_TRANSLATION || id == EVT_F_ADDR_SIZE || id == EVT_F_ACCESS || id == EVT_F_PERMISSION;
}

/* FAULTCODE, REASON and FADDR of a failed request per the table of 9.1.4. */
static uint64_t fault_result(const smmu_atos_req_t *q)
{
    unsigned code = q->faultcode ? q->faultcode : SMMU_ATOS_INTERNAL_ERR;
    const smmu_event_t *ev = &q->ev;
    if (code == SMMU_ATOS_INV_STAGE || code == SMMU_ATOS_INTERNAL_ERR) return fault_par(code, SMMU_ATOS_REASON_S1, 0);
    unsigned s2_reason = ev->cls == EVT_CLASS_CD ? SMMU_ATOS_REASON_S2_CD
                       : ev->cls == EVT_CLASS_TT ? SMMU_ATOS_REASON_S2_TT : SMMU_ATOS_REASON_S2_IN;
    switch (q->type) {
    case SMMU_ATOS_TYPE_S1:
        /* A stage-2 fault of a nested stream's CD fetch or stage-1 walk is reported as a synthetic F_CD_FETCH or
         * F_WALK_EABT: the IPA is not this interface's business. */
        if (ev->s2) code = ev->cls == EVT_CLASS_CD ? EVT_F_CD_FETCH : EVT_F_WALK_EABT;
        return fault_par(code, SMMU_ATOS_REASON_S1, 0);
    case SMMU_ATOS_TYPE_S2:
        /* Everything is IN but an Address Size fault of the input beyond the IAS, which is a stage-1 one. */
        if (code == EVT_F_ADDR_SIZE && !ev->s2) return fault_par(code, SMMU_ATOS_REASON_S1, 0);
        return fault_par(code, SMMU_ATOS_REASON_S2_IN, 0);
    default:
        if (translation_related(code) && ev->s2) return fault_par(code, s2_reason, ev->ipa);
        if (code == EVT_F_WALK_EABT && ev->s2) return fault_par(code, s2_reason, 0);
        return fault_par(code, SMMU_ATOS_REASON_S1, 0);
    }
}

/* ADDR, with the translation size encoded by its lowest set bit above bit 11 when Size == 1 (6.3.40). */
static uint64_t success_result(const smmu_result_t *r)
{
    unsigned lg = r->page_log2 < 12 ? 12 : r->page_log2;
    uint64_t addr = (lg >= 56 ? 0 : r->pa & ~((1ull << lg) - 1)) & SMMU_ATOS_PAR_ADDR_MASK;
    uint64_t size = 0;
    if (lg > 12 && lg <= 56) {
        addr |= 1ull << (lg - 1);
        size = SMMU_ATOS_PAR_SIZE;
    }
    return SMMU_FIELD_PREP(SMMU_ATOS_PAR_ATTR, r->memattr) | addr | size | SMMU_FIELD_PREP(SMMU_ATOS_PAR_SH, r->sh);
}

/* RUN completes within the write that sets it: PAR holds the result and RUN reads 0 by the next access (the core
 * has no notion of time; MMU-700 also clears RUN once PAR is written, after its TCU lookup). */
static void run(struct smmu_core *s, smmu_atos_regs_t *g, bool vatos)
{
    smmu_atos_req_t *q = &s->atos_req;
    memset(q, 0, sizeof *q);
    q->type = (uint8_t)SMMU_FIELD_GET(g->addr, SMMU_ATOS_ADDR_TYPE);
    q->httui = (g->addr & SMMU_ATOS_ADDR_HTTUI) != 0;
    q->vatos = vatos;
    q->vmid = (uint16_t)s->vatos_sel;
    bool ssv = (g->sid & SMMU_ATOS_SID_SSID_VALID) != 0;
    if (invalid_request(s, q->type, ssv, vatos)) {
        g->par = fault_par(SMMU_ATOS_INV_REQ, SMMU_ATOS_REASON_S1, 0);
        return;
    }
    /* RnW, InD and PnU come from ATOS_ADDR; STE.INSTCFG/PRIVCFG do not apply (9.1.3). InD is IGNORED for writes. */
    smmu_txn_t t;
    memset(&t, 0, sizeof t);
    t.sid = (uint32_t)SMMU_FIELD_GET(g->sid, SMMU_ATOS_SID_STREAMID);
    t.ssid = (uint32_t)SMMU_FIELD_GET(g->sid, SMMU_ATOS_SID_SSID);
    t.ssv = ssv;
    t.addr = g->addr & SMMU_ATOS_ADDR_ADDR_MASK;
    t.write = !(g->addr & SMMU_ATOS_ADDR_RNW);
    t.instr = !t.write && (g->addr & SMMU_ATOS_ADDR_IND);
    t.priv = (g->addr & SMMU_ATOS_ADDR_PNU) != 0;
    smmu_result_t r;
    q->active = true;
    smmu_xlate(s, &t, &r, SMMU_XLATE_ATOS);
    q->active = false;
    g->par = r.status == SMMU_OK ? success_result(&r) : fault_result(q);
}

static uint64_t sid_mask(const struct smmu_core *s)
{
    uint64_t m = s->cfg.sidsize >= 32 ? 0xFFFFFFFFull : (1ull << s->cfg.sidsize) - 1;    /* bits above SIDSIZE: RES0 */
    if (s->cfg.ssidsize) m |= ((1ull << s->cfg.ssidsize) - 1) << 32 | SMMU_ATOS_SID_SSID_VALID;
    return m;
}

void smmu_atos_write(struct smmu_core *s, uint64_t off, uint64_t v)
{
    if (off == SMMU_VATOS_SEL) {
        if (!s->vatos.ctrl) s->vatos_sel = (uint32_t)v & (s->cfg.vmid16 ? 0xFFFFu : 0xFFu);
        return;
    }
    unsigned reg;
    smmu_atos_regs_t *g = group(s, off, &reg);
    if (g->ctrl & SMMU_ATOS_CTRL_RUN) return;       /* v3.2: the group's writes are IGNORED while RUN == 1 */
    switch (reg) {
    case 0x00:
        /* RUN is Guarded by SMMUEN: setting it while SMMUEN == 0 is IGNORED (v3.2; a permitted choice before). */
        if ((v & SMMU_ATOS_CTRL_RUN) && smmu_enabled(s)) run(s, g, g == &s->vatos);
        break;
    case 0x08: g->sid = v & sid_mask(s); break;
    case 0x10: g->addr = v & ~ADDR_RES0; break;
    default:   break;                               /* PAR is read-only */
    }
}
