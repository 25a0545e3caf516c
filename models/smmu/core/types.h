/* SPDX-License-Identifier: BSD-3-Clause */
/* Small value types shared by the core's modules. */
#ifndef SMMU_CORE_TYPES_H
#define SMMU_CORE_TYPES_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <smmu/regs.h>

/* Cost of one operation: cycles plus memory traffic it caused. */
typedef struct smmu_cost {
    uint32_t cycles;
    uint32_t reads;
    uint32_t writes;
} smmu_cost_t;

/* EventIDs (IHI 0070 7.3), from <smmu/regs.h>. */
enum smmu_event_id {
    EVT_F_UUT = SMMU_EVT_F_UUT, EVT_C_BAD_STREAMID = SMMU_EVT_C_BAD_STREAMID, EVT_F_STE_FETCH = SMMU_EVT_F_STE_FETCH,
    EVT_C_BAD_STE = SMMU_EVT_C_BAD_STE, EVT_F_BAD_ATS_TREQ = SMMU_EVT_F_BAD_ATS_TREQ,
    EVT_F_STREAM_DISABLED = SMMU_EVT_F_STREAM_DISABLED, EVT_F_TRANSL_FORBIDDEN = SMMU_EVT_F_TRANSL_FORBIDDEN,
    EVT_C_BAD_SUBSTREAMID = SMMU_EVT_C_BAD_SUBSTREAMID, EVT_F_CD_FETCH = SMMU_EVT_F_CD_FETCH,
    EVT_C_BAD_CD = SMMU_EVT_C_BAD_CD, EVT_F_WALK_EABT = SMMU_EVT_F_WALK_EABT,
    EVT_F_TRANSLATION = SMMU_EVT_F_TRANSLATION, EVT_F_ADDR_SIZE = SMMU_EVT_F_ADDR_SIZE,
    EVT_F_ACCESS = SMMU_EVT_F_ACCESS, EVT_F_PERMISSION = SMMU_EVT_F_PERMISSION,
    EVT_F_TLB_CONFLICT = SMMU_EVT_F_TLB_CONFLICT, EVT_F_CFG_CONFLICT = SMMU_EVT_F_CFG_CONFLICT,
    EVT_E_PAGE_REQUEST = SMMU_EVT_E_PAGE_REQUEST, EVT_F_VMS_FETCH = SMMU_EVT_F_VMS_FETCH
};

/* Event record CLASS field. */
enum smmu_event_class { EVT_CLASS_CD = SMMU_EVT_CLASS_CD, EVT_CLASS_TT = SMMU_EVT_CLASS_TT, EVT_CLASS_IN = SMMU_EVT_CLASS_IN };

/* Everything an event record can carry; smmu_evtq_encode() places the fields the EventID defines. */
typedef struct smmu_event {
    uint8_t  id;
    uint32_t sid;
    uint32_t ssid;
    bool     ssv;
    uint16_t stag;
    bool     stall;
    bool     pnu, ind, rnw;
    bool     s2;
    uint8_t  cls;
    bool     ttrnw;          /* TTRnW: the faulting table access was a read (HTTU update faults) */
    uint64_t input_addr;
    uint64_t ipa;            /* translation-class faults at stage 2 */
    uint64_t fetch_addr;     /* F_STE_FETCH, F_CD_FETCH, F_WALK_EABT, F_VMS_FETCH */
    uint32_t reason;         /* IMPLEMENTATION DEFINED reason code for C_BAD_* (kept 0 like MMU-700) */
} smmu_event_t;

/* Permission bits of a translation, by privilege (IHI 0070 uses PnU and InD). */
enum {
    SMMU_PERM_RP = 1u << 0, SMMU_PERM_WP = 1u << 1, SMMU_PERM_XP = 1u << 2,
    SMMU_PERM_RU = 1u << 3, SMMU_PERM_WU = 1u << 4, SMMU_PERM_XU = 1u << 5
};

/* A walk-cache entry: a table descriptor that lets a walk resume below the start level. */
typedef struct smmu_wc_entry {
    uint8_t  level;        /* level of the table `table` points to (the walk resumes there) */
    uint8_t  ia_shift;     /* the entry matches every input address with the same bits at and above ia_shift */
    uint64_t table;        /* output address of that table (an IPA for stage-1 tables of a nested stream) */
    uint8_t  limits;       /* accumulated hierarchical limits: bit0 APTable[0], bit1 APTable[1], bit2 UXNTable/XNTable,
                              bit3 PXNTable, bit4 NSTable */
} smmu_wc_entry_t;

static inline uint64_t smmu_le64(const void *p)
{
    const uint8_t *b = (const uint8_t *)p;
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = (v << 8) | b[i];
    return v;
}

static inline void smmu_put_le64(void *p, uint64_t v)
{
    uint8_t *b = (uint8_t *)p;
    for (int i = 0; i < 8; i++) { b[i] = (uint8_t)v; v >>= 8; }
}

static inline uint64_t smmu_bits(uint64_t v, unsigned hi, unsigned lo)
{
    return (v >> lo) & (hi - lo >= 63 ? ~0ull : ((1ull << (hi - lo + 1)) - 1));
}

#endif
