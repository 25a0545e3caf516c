/* SPDX-License-Identifier: BSD-3-Clause */
/* PCIe PRI: Page Requests into the PRI queue, the SMMU's automatic PRG Responses, and CMD_PRI_RESP
 * delivered to the endpoint (IHI 0070 chapter 8, 4.5.2). */
#include "internal.h"

#define PRGI_MASK 0x1FFu
#define SSID_MASK 0xFFFFFu

static void respond(struct smmu_core *s, uint32_t sid, uint32_t ssid, bool ssv, uint16_t prgi, smmu_pri_resp_code_t code)
{
    if (!s->host.pri_resp) return;             /* no endpoint connected: the response goes nowhere */
    smmu_pri_resp_t r = { .sid = sid, .ssid = ssv ? ssid : 0, .ssv = ssv, .prgi = prgi & PRGI_MASK, .resp = code };
    s->host.pri_resp(s->host.ctx, &r);
}

/* 8.1: the automatic response to a discarded Last == 1 PPR while the queue overflows. Without a PASID it is
 * Success; with one, IDR3.PPS == 0 (this model) makes the SMMU check STE.PPAR, and an STE that cannot be
 * checked gives Failure without a PASID, recording the event only when CR2.REC_CFG_ATS (and RECINVSID) say so. */
static void overflow_response(struct smmu_core *s, uint32_t sid, uint32_t ssid, bool ssv, uint16_t prgi)
{
    if (!ssv) { respond(s, sid, 0, false, prgi, SMMU_PRI_SUCCESS); return; }
    const smmu_ste_t *ste = NULL;
    smmu_event_t ev;
    smmu_cost_t cost = {0, 0, 0};
    memset(&ev, 0, sizeof ev);
    int rc = smmu_cfg_ste(s, sid, &ste, &ev, &cost, true);
    if (!rc && ste && ste->valid) {
        respond(s, sid, ssid, ste->ppar, prgi, SMMU_PRI_SUCCESS);
        return;
    }
    bool rec = (s->cr2 & SMMU_CR2_REC_CFG_ATS) != 0;
    if (rc == EVT_C_BAD_STREAMID) rec = rec && (s->cr2 & SMMU_CR2_RECINVSID);
    if (rc && rec) {
        ev.id = (uint8_t)rc;
        ev.sid = sid;
        ev.ssid = ssid;
        ev.ssv = true;
        (void)smmu_evtq_record(s, &ev);
    }
    respond(s, sid, 0, false, prgi, SMMU_PRI_FAILURE);
}

smmu_pri_status_t smmu_pri_page_request(smmu_t *s, const smmu_pri_req_t *req)
{
    if (!s || !req) return SMMU_PRI_DISABLED;
    /* SSV is 0 without substreams; without a PASID the X and Priv bits are 0 (8). */
    bool ssv = req->ssv && s->cfg.ssidsize != 0;
    uint32_t ssid = ssv ? req->ssid & SSID_MASK : 0;
    bool exec = ssv && req->exec, priv = ssv && req->priv;
    uint16_t prgi = req->prgi & PRGI_MASK;
    /* A Stop Marker is LWR == 0b100 with a PASID; never answered (8.2). Without a PASID it is a PPR. */
    bool stop = ssv && req->last && !req->write && !req->read;
    uint64_t rec[2];
    rec[0] = (uint64_t)req->sid | SMMU_FIELD_PREP(SMMU_PRIQ0_SSID, ssid) | (priv ? SMMU_PRIQ0_PRIV : 0) |
             (exec ? SMMU_PRIQ0_EXEC : 0) | (req->read ? SMMU_PRIQ0_READ : 0) | (req->write ? SMMU_PRIQ0_WRITE : 0) |
             (req->last ? SMMU_PRIQ0_LAST : 0) | (ssv ? SMMU_PRIQ0_SSV : 0);
    rec[1] = (req->addr & SMMU_PRIQ1_ADDR_MASK) | prgi;
    /* The SMMU checks nothing of the STE for a PPR (not EATS, not ATSCHK, 8.2): software validates the stream. */
    switch (smmu_priq_record(s, rec)) {
    case PRIQ_REC_WRITTEN:
        return SMMU_PRI_QUEUED;
    case PRIQ_REC_OVERFLOW:
        if (req->last && !stop) overflow_response(s, req->sid, ssid, ssv, prgi);   /* Last == 0: silently ignored */
        return SMMU_PRI_OVERFLOW;
    case PRIQ_REC_OFF:
    case PRIQ_REC_ABORT:
    default:
        /* PRIQEN effectively 0, PRIQ_ABT_ERR active, or a synchronous abort writing the record (8.2): every
         * PPR, Last or not, is answered with Response Failure and no PASID. */
        if (!stop) respond(s, req->sid, 0, false, prgi, SMMU_PRI_FAILURE);
        return SMMU_PRI_DISABLED;
    }
}

void smmu_pri_resp_cmd(struct smmu_core *s, uint64_t q0, uint64_t q1)
{
    if (!smmu_enabled(s)) return;              /* IGNORED while SMMUEN == 0 (4.5.2) */
    uint32_t sid = (uint32_t)(q0 >> 32), ssid = (uint32_t)smmu_bits(q0, 31, 12);
    /* Without PASIDs SSV = 1 is CONSTRAINED UNPREDICTABLE: the model answers as though SSV == 0 (4.5.2). */
    bool ssv = (q0 & SMMU_CMD0_SSV) && s->cfg.ssidsize != 0;
    uint16_t prgi = (uint16_t)(q1 & PRGI_MASK);
    smmu_pri_resp_code_t code;
    switch (smmu_bits(q1, 13, 12)) {
    case SMMU_PRI_RESP_SUCCESS: code = SMMU_PRI_SUCCESS; break;
    case SMMU_PRI_RESP_INVALID: code = SMMU_PRI_INVALID; break;
    default:           code = SMMU_PRI_FAILURE; break;   /* 0b00; 0b11 is ILLEGAL (cmdq.c) */
    }
    respond(s, sid, ssid, ssv, prgi, code);
}
