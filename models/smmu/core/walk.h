/* SPDX-License-Identifier: BSD-3-Clause */
/* One stage of a VMSAv8-64 translation table walk (IHI 0070 3.4, 5.4, 15; Arm ARM D8) with HTTU and walk-cache hooks. */
#ifndef SMMU_CORE_WALK_H
#define SMMU_CORE_WALK_H

#include "internal.h"

/* The regime of one translation stage, decoded from a CD (stage 1) or an STE (stage 2). */
typedef struct smmu_stage_cfg {
    uint8_t  stage;        /* 1 or 2 */
    uint8_t  granule;      /* log2 of the granule: 12, 14 or 16 */
    uint8_t  ias;          /* input address bits (64 - TxSZ) */
    uint8_t  start_level;  /* 0..3 */
    uint8_t  concat;       /* stage 2: concatenated start-level tables (1..16); stage 1: 1 */
    uint8_t  oas;          /* effective output size in bits: MIN(CD.IPS or STE.S2PS, SMMU OAS) */
    bool     lpa;          /* 64K granule descriptors carry OA[51:48] in bits [15:12] (OAS 52) */
    uint64_t ttb;          /* TTB0/TTB1 or S2TTB */
    bool     ttb1;         /* stage 1: the address selected TTB1 (upper bits all ones) */
    bool     tbi;          /* stage 1: top byte ignored for the selected TTBx */
    bool     two_el;       /* stage 1: EL0 + a privileged level (AP[1], UXN/PXN meaningful) */
    bool     ha, hd;       /* hardware Access flag / dirty state update (CD.HA/HD, STE.S2HA/S2HD) */
    bool     affd;         /* AF == 0 never faults (CD.AFFD, STE.S2AFFD) when !ha */
    bool     had;          /* stage 1: hierarchical attributes disabled (CD.HADx) */
    bool     big_endian;   /* CD.ENDI / STE.S2ENDI */
    bool     wxn, uwxn, pan, e0pd;   /* stage 1 CD controls */
    bool     xnx;          /* stage 2: XN[1:0] distinguishes EL1/EL0 (IDR3.XNX) */
    bool     s2ptw;        /* stage 2: STE.S2PTW (checked by the caller on stage-1 table fetches) */
    uint64_t mair;         /* stage 1: CD.MAIR */
} smmu_stage_cfg_t;

/* Access flags of smmu_walk(). */
#define SMMU_ACC_W    (1u << 0)   /* write (else read) */
#define SMMU_ACC_X    (1u << 1)   /* instruction fetch (InD) */
#define SMMU_ACC_PRIV (1u << 2)   /* privileged (PnU) */

/* A fault of one stage, turned into an event record by xlate. */
typedef struct smmu_walk_fault {
    uint8_t  id;           /* EVT_F_TRANSLATION, F_ADDR_SIZE, F_ACCESS, F_PERMISSION, F_WALK_EABT; 0 none */
    bool     s2;           /* the fault is at stage 2 */
    uint8_t  cls;          /* EVT_CLASS_IN / TT / CD (stage-2 faults: set by whoever knows what was translated) */
    uint8_t  level;        /* lookup level where it happened */
    bool     ttrnw;        /* CLASS == TT: the faulting table access was a read (1) or an HTTU write (0) */
    uint64_t ipa;          /* stage-2 faults: the IPA being translated */
    uint64_t fetch_addr;   /* F_WALK_EABT: PA of the descriptor access that aborted */
} smmu_walk_fault_t;

/* Walk-cache hooks; ctx carries the tags (ASID/VMID, TTB0/1) the caller binds. lookup returns the
 * deepest matching table entry; fill is offered every table descriptor the walk reads. */
typedef struct smmu_walk_cache_ops {
    bool (*lookup)(void *ctx, unsigned stage, uint64_t ia, smmu_wc_entry_t *e);
    void (*fill)(void *ctx, unsigned stage, uint64_t ia, const smmu_wc_entry_t *e);
} smmu_walk_cache_ops_t;

typedef struct smmu_walk_env {
    struct smmu_core *smmu;
    const smmu_walk_cache_ops_t *wc;   /* NULL: no walk cache */
    void *wc_ctx;
    /* Nested stage 1: translate the IPA of a stage-1 descriptor to a PA (write: an HTTU update).
     * Returns 0 or an EventID with *f filled (S2 = 1, CLASS = TT). NULL: tables are at PAs. */
    int (*s2_table)(void *ctx, uint64_t ipa, bool write, uint64_t *pa, smmu_walk_fault_t *f);
    void *s2_ctx;
    bool no_update;        /* debug translation: HTTU updates are assumed, not written */
    bool report_perms;     /* ATS Translation Request: permissions are reported in out->perm, never faulted (13.7) */
} smmu_walk_env_t;

typedef struct smmu_walk_out {
    uint64_t oa;           /* output address of ia, offset included */
    uint8_t  size_log2;    /* block/page size, or the contiguous range it belongs to */
    uint8_t  level;        /* level of the leaf descriptor */
    uint8_t  perm;         /* SMMU_PERM_* for both privileges, after hierarchical limits and CD controls */
    bool     wclean;       /* writable-clean (DBM, HD): perm lacks W until a write makes it dirty */
    uint8_t  attr;         /* stage 1: MAIR byte of AttrIndx; stage 2: MemAttr[3:0] */
    uint8_t  sh;           /* SH[1:0] */
    bool     ng;           /* stage 1 nG */
    uint64_t desc_addr;    /* PA of the leaf descriptor */
    uint64_t desc;         /* its value (after any HTTU update) */
    bool     updated;      /* HTTU wrote (or, with no_update, would write) the descriptor */
    smmu_cost_t cost;      /* descriptor reads/writes of this stage (not those of s2_table) */
    smmu_walk_fault_t fault;
} smmu_walk_out_t;

/* Stage-1 regime of `va` from the CD: TTB0/TTB1 selection, TBI, EPDx, input-range check.
 * Returns 0, or EVT_F_TRANSLATION (S2 = 0, CLASS = IN) with *f filled. */
int smmu_s1_cfg(const struct smmu_core *s, const smmu_ste_t *ste, const smmu_cd_t *cd, uint64_t va,
                smmu_stage_cfg_t *out, smmu_walk_fault_t *f);

/* Stage-2 regime from the STE (S2T0SZ, S2SL0, S2TG, S2PS, ...). Returns 0 (never fails on bad input:
 * an inconsistent STE is C_BAD_STE at decode; here it is clamped to something walkable). */
int smmu_s2_cfg(const struct smmu_core *s, const smmu_ste_t *ste, smmu_stage_cfg_t *out);

/* One stage's walk of `ia` for an access of SMMU_ACC_* flags. Returns 0, or the EventID with
 * out->fault filled. Allocation free. */
int smmu_walk(const smmu_walk_env_t *env, const smmu_stage_cfg_t *cfg, uint64_t ia, unsigned access,
              smmu_walk_out_t *out);

/* Size in bits of the input covered by one entry of a table at `level` (12 + 9*(3-level) for 4K). */
static inline unsigned smmu_level_shift(unsigned granule, unsigned level)
{
    return granule + (3 - level) * (granule - 3);
}

#endif
