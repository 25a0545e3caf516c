/* SPDX-License-Identifier: BSD-3-Clause */
/* PCIe ATS (IHI 0070 3.9.1, 13.6, 13.7): Translation Requests and the checks of Translated transactions. */
#include "internal.h"

uint8_t smmu_ats_eats(const struct smmu_core *s, const smmu_ste_t *ste)
{
    if (!s->cfg.ats || (!ste->s1_enabled && !ste->s2_enabled)) return 0;   /* Config 0b100: effective 0b00 (5.2) */
    if (ste->eats == SMMU_STE_EATS_S1CHK && !(s->cr0ack & CR0_ATSCHK)) return 0;   /* Split-stage needs ATSCHK (5.2) */
    return ste->eats;
}

uint8_t smmu_ats_treq_refusal(const struct smmu_core *s, const smmu_ste_t *ste)
{
    return smmu_ats_eats(s, ste) ? 0 : EVT_F_BAD_ATS_TREQ;                 /* UR with F_BAD_ATS_TREQ (3.9.1.2) */
}

uint8_t smmu_ats_translated_refusal(const struct smmu_core *s, const smmu_ste_t *ste)
{
    return smmu_ats_eats(s, ste) ? 0 : EVT_F_TRANSL_FORBIDDEN;             /* abort with F_TRANSL_FORBIDDEN (3.9.1.3) */
}

bool smmu_ats_records_cfg_error(const struct smmu_core *s, uint8_t id, bool treq)
{
    if (!(s->cr2 & SMMU_CR2_REC_CFG_ATS)) return false;                   /* only the base set (6.3.12) */
    /* A Translation Request's C_BAD_STREAMID also needs RECINVSID; a Translated transaction's does not (3.9.1). */
    return !treq || id != EVT_C_BAD_STREAMID || (s->cr2 & SMMU_CR2_RECINVSID);
}

void smmu_ats_perms(uint8_t instcfg, bool *read_ok, bool *exec_ok)
{
    bool r = *read_ok, x = *exec_ok;
    switch (instcfg) {
    case 3:  *read_ok = x; *exec_ok = x; break;        /* Instruction: every read is a fetch, XO grants R and Exe */
    case 2:  *exec_ok = r; break;                      /* Data: Exe wherever R */
    default: *exec_ok = r && x; break;                 /* use incoming: Exe implies R, XO grants nothing */
    }
}

/* Smallest Translation Unit: the smallest granule IDR5 advertises (3.9.1). */
static uint8_t stu_log2(const struct smmu_core *s)
{
    return s->cfg.gran4k ? 12 : s->cfg.gran16k ? 14 : 16;
}

static bool translation_related(uint8_t id)
{
    return id == EVT_F_TRANSLATION || id == EVT_F_ADDR_SIZE || id == EVT_F_ACCESS || id == EVT_F_PERMISSION;
}

smmu_ats_status_t smmu_ats_translate(smmu_t *s, const smmu_txn_t *req, smmu_ats_result_t *res)
{
    memset(res, 0, sizeof *res);
    if (!s->cfg.ats) return res->status = SMMU_ATS_UR;            /* no ATS interface: the Root Complex refuses it */
    s->gstats.ats_translations++;
    smmu_txn_t t = *req;
    t.at = SMMU_AT_UNTRANSLATED;
    if (!t.ssv) { t.ssid = 0; t.priv = false; t.instr = false; } /* no PASID: Priv and Exe are 0 (13.7.1) */
    bool exe = t.instr;
    t.instr = false;                                              /* Exe asks for a permission; Read is implied */
    if (!smmu_enabled(s)) {                                       /* SMMUEN == 0: UR and F_BAD_ATS_TREQ (3.9.1.2) */
        smmu_event_t ev;
        memset(&ev, 0, sizeof ev);
        ev.id = EVT_F_BAD_ATS_TREQ;
        ev.sid = t.sid;
        ev.ssid = t.ssid;
        ev.ssv = t.ssv;
        ev.pnu = t.priv;
        ev.ind = exe;
        ev.rnw = !t.write;
        ev.input_addr = t.addr;
        res->event = ev.id;
        res->recorded = smmu_evtq_record(s, &ev);
        res->mem_writes = res->recorded;
        res->cycles = s->cfg.link_tbu_to_tcu + s->cfg.link_tcu_to_tbu;
        return res->status = SMMU_ATS_UR;
    }
    smmu_result_t r;
    smmu_xlate(s, &t, &r, SMMU_XLATE_ATS);
    res->cycles = r.cycles;
    res->mem_reads = r.mem_reads;
    res->mem_writes = r.mem_writes;
    res->event = r.event;
    res->recorded = r.recorded;
    res->priv = t.priv;                                           /* as requested, whatever STE.PRIVCFG (13.7.1) */
    if (r.status == SMMU_OK) {
        uint64_t mask = r.page_log2 >= 64 ? ~0ull : (1ull << r.page_log2) - 1;
        res->addr = r.pa & ~mask;
        res->size_log2 = r.page_log2;
        res->read = r.read_ok;
        res->write = r.write_ok;
        res->exec = exe && r.exec_ok;
        /* Global stays 0: it must be 0 for a PASID request and has no meaning without a PASID (3.9.1). */
        if (!res->read && !res->write) { res->exec = false; res->addr = 0; res->size_log2 = stu_log2(s); }
        return res->status = SMMU_ATS_SUCCESS;
    }
    if (r.event == 0 || r.event == EVT_F_BAD_ATS_TREQ) return res->status = SMMU_ATS_UR;   /* Config 0b000, EATS 0b00 */
    if (translation_related(r.event)) {                           /* Success with R == W == 0, nothing recorded */
        res->size_log2 = stu_log2(s);
        return res->status = SMMU_ATS_SUCCESS;
    }
    return res->status = SMMU_ATS_CA;                             /* configuration errors, F_WALK_EABT (3.9.1.2) */
}
