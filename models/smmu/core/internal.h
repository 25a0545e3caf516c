/* SPDX-License-Identifier: BSD-3-Clause */
/* The core's state and the interfaces between its modules. Private to smmu_core. */
#ifndef SMMU_CORE_INTERNAL_H
#define SMMU_CORE_INTERNAL_H

#include <smmu/smmu.h>
#include "types.h"
#include "regs.h"
#include "ste.h"

struct smmu_cfgcache;   /* cfgcache.c */
struct smmu_tlbs;       /* tlb.c: micro/main TLBs per TBU, TCU TLB, walk caches */
struct smmu_stalls;     /* stall.c */
struct smmu_sstats;     /* stats.c */

/* An *_IRQ_CFG0/1/2 triple (MSI address, data, attributes). */
typedef struct smmu_irq_cfg {
    uint64_t addr;      /* CFG0, ADDR[51:2] */
    uint32_t data;      /* CFG1 */
    uint32_t attr;      /* CFG2: MemAttr[3:0], SH[5:4] */
} smmu_irq_cfg_t;

/* A circular queue: the raw BASE register and the raw PROD/CONS registers (index, wrap, flags). */
typedef struct smmu_queue {
    uint64_t base;
    uint32_t prod;
    uint32_t cons;
} smmu_queue_t;

/* ATC Invalidate Requests sent to endpoints and not yet completed (4.5.1): what a CMD_SYNC waits for (4.7.3). */
typedef struct smmu_atc_state {
    uint32_t  next_tag;
    uint32_t *out;                        /* tags of the outstanding invalidations */
    uint32_t  n_out, cap;
    bool      failed;                     /* one completed with !ok since the last CMD_SYNC (CERROR_ATC_INV_SYNC) */
    bool      sync_held;                  /* consumption stopped at a CMD_SYNC (CONS on it) until they complete */
    bool      busy;                       /* the queue is being consumed: a completion must not re-enter it */
} smmu_atc_state_t;

struct smmu_core {
    smmu_config_t cfg;
    smmu_host_t   host;

    uint32_t idr[6], iidr, aidr;          /* computed once from cfg */

    uint32_t cr0, cr0ack, cr1, cr2;
    uint32_t gbpa;
    uint32_t irq_ctrl, irq_ctrlack;
    uint32_t gerror, gerrorn;
    smmu_irq_cfg_t gerror_irq, evtq_irq, priq_irq;
    uint64_t strtab_base;
    uint32_t strtab_base_cfg;
    smmu_queue_t cmdq, evtq, priq;

    bool     sev_pending;                 /* a CMD_SYNC CS=SEV fired since the host last looked (tests) */
    uint64_t sev_count;

    uint64_t cfg_gen;                     /* bumped by every CFGI_* and configuration register change:
                                             invalidates the TBUs' StreamID context caches (xlate.c) */
    struct smmu_tbuctx   *tbuctx;
    struct smmu_cfgcache *cfgc;
    struct smmu_tlbs     *tlbs;
    struct smmu_stalls   *stalls;
    struct smmu_sstats   *sstats;
    smmu_global_stats_t   gstats;
    smmu_atc_state_t      atc;
    uint64_t rng;
};

/* ---- Memory (host callbacks with cost accounting; never NULL-safe-less: a NULL callback aborts). */
int  smmu_mem_read(struct smmu_core *s, uint64_t pa, void *dst, size_t len, smmu_cost_t *cost);
int  smmu_mem_write(struct smmu_core *s, uint64_t pa, const void *src, size_t len, smmu_cost_t *cost);

/* ---- regs.c / irq.c */
void smmu_regs_reset(struct smmu_core *s);
void smmu_idregs_build(struct smmu_core *s);
static inline bool smmu_enabled(const struct smmu_core *s) { return (s->cr0ack & CR0_SMMUEN) != 0; }
/* Raise global errors: toggles each bit of `bits` that is not already active, then signals GERROR. */
void smmu_gerror_raise(struct smmu_core *s, uint32_t bits);
static inline bool smmu_gerror_active(const struct smmu_core *s, uint32_t bit) { return ((s->gerror ^ s->gerrorn) & bit) != 0; }
/* Signal an interrupt source by MSI (if IDR0.MSI and its CFG0 address is non-zero) or by its wired line. */
void smmu_irq_signal(struct smmu_core *s, smmu_irq_t line);
/* One 32-bit MSI write; returns 0 or non-zero on an abort. */
int  smmu_msi_write(struct smmu_core *s, uint64_t addr, uint32_t data);
/* Effective log2 size of a queue from its BASE register, capped by the IDR1 maximum. */
unsigned smmu_queue_log2size(uint64_t base, unsigned max_log2);
static inline uint64_t smmu_queue_addr(uint64_t base) { return base & 0x000FFFFFFFFFFFE0ull; } /* ADDR[51:5] */

/* ---- cmdq.c */
void smmu_cmdq_prod_written(struct smmu_core *s);     /* CMDQ_PROD written, or the queue was re-enabled/un-halted */

/* ---- evtq.c */
void smmu_evtq_encode(const smmu_event_t *ev, uint64_t rec[4]);
/* Write an event record. Returns true if it was written to the queue (false: disabled, overflow, abort). */
bool smmu_evtq_record(struct smmu_core *s, const smmu_event_t *ev);
bool smmu_evtq_full(const struct smmu_core *s);      /* 7.4: PROD.WR == CONS.RD with different wraps */
/* One 16-byte PRI queue record (8): what became of it. */
typedef enum smmu_priq_outcome { PRIQ_REC_WRITTEN, PRIQ_REC_OVERFLOW, PRIQ_REC_OFF, PRIQ_REC_ABORT } smmu_priq_outcome_t;
smmu_priq_outcome_t smmu_priq_record(struct smmu_core *s, const uint64_t rec[2]);

/* ---- pri.c: CMD_PRI_RESP (4.5.2), already validated, delivered to the endpoint through host->pri_resp. */
void smmu_pri_resp_cmd(struct smmu_core *s, uint64_t q0, uint64_t q1);

/* ---- cfgcache.c: configuration cache over strtab.c / cd.c */
int  smmu_cfgcache_create(struct smmu_core *s, char *err, size_t errlen);
void smmu_cfgcache_destroy(struct smmu_core *s);
/* The STE of `sid` (cached, else fetched and cached). 0 or EventID with *ev filled. With fill=false nothing is cached. */
int  smmu_cfg_ste(struct smmu_core *s, uint32_t sid, const smmu_ste_t **ste, smmu_event_t *ev, smmu_cost_t *cost, bool fill);
int  smmu_cfg_cd(struct smmu_core *s, const smmu_ste_t *ste, uint32_t sid, uint32_t ssid,
                 const smmu_cd_t **cd, smmu_event_t *ev, smmu_cost_t *cost, bool fill);
void smmu_cfgi_ste(struct smmu_core *s, uint32_t sid, bool leaf);
void smmu_cfgi_ste_range(struct smmu_core *s, uint32_t sid, unsigned range);   /* range 31 = all */
void smmu_cfgi_cd(struct smmu_core *s, uint32_t sid, uint32_t ssid, bool leaf);
void smmu_cfgi_cd_all(struct smmu_core *s, uint32_t sid);
void smmu_cfgi_all(struct smmu_core *s);
/* Counters of the configuration cache (SMMU_STRUCT_CFG_CACHE of smmu_cache_stats()). */
void smmu_cfgcache_stats(const struct smmu_core *s, smmu_cache_stats_t *out);

/* ---- xlate.c: the TBUs' StreamID -> translation-context caches. */
int  smmu_tbuctx_create(struct smmu_core *s, char *err, size_t errlen);
void smmu_tbuctx_destroy(struct smmu_core *s);
/* Configuration seen by the TBUs changed (CFGI_*, CR0, CR2, STRTAB_BASE*, GBPA). */
static inline void smmu_config_changed(struct smmu_core *s) { s->cfg_gen++; }

/* ---- xlate.c: one translation. TRAFFIC is smmu_translate(), DEBUG smmu_translate_debug(); ATS serves a
 * Translation Request (3.9), ATOS a GATOS/VATOS request (9.1): they fill the caches but record no event. */
typedef enum smmu_xlate_mode { SMMU_XLATE_TRAFFIC, SMMU_XLATE_DEBUG, SMMU_XLATE_ATS, SMMU_XLATE_ATOS } smmu_xlate_mode_t;
smmu_status_t smmu_xlate(struct smmu_core *s, const smmu_txn_t *txn, smmu_result_t *r, smmu_xlate_mode_t mode);

/* ---- ats.c: PCIe ATS (3.9.1). The effective STE.EATS (0 when ATS is off, for Config 0b100, and for Split-stage
 * without CR0.ATSCHK); the refusal of a Translation Request (F_BAD_ATS_TREQ) or of a Translated transaction under
 * ATSCHK (F_TRANSL_FORBIDDEN), 0 if allowed; whether a configuration error of either is recorded (REC_CFG_ATS);
 * the Completion's R and Exe-grantable bits from the region's read/execute permissions and STE.INSTCFG (13.7.1). */
uint8_t smmu_ats_eats(const struct smmu_core *s, const smmu_ste_t *ste);
uint8_t smmu_ats_treq_refusal(const struct smmu_core *s, const smmu_ste_t *ste);
uint8_t smmu_ats_translated_refusal(const struct smmu_core *s, const smmu_ste_t *ste);
bool    smmu_ats_records_cfg_error(const struct smmu_core *s, uint8_t event_id, bool treq);
void    smmu_ats_perms(uint8_t instcfg, bool *read_ok, bool *exec_ok);

/* ---- atc_inv.c: CMD_ATC_INV (4.5.1) sent to the endpoint through host->atc_inv; the CMD_SYNC gate (4.7.3):
 * 0 = complete it, 1 = hold (CONS stays on it), or CERROR_ATC_INV_SYNC. */
void smmu_atc_inv_send(struct smmu_core *s, uint64_t q0, uint64_t q1);
int  smmu_atc_sync_gate(struct smmu_core *s);
void smmu_atc_destroy(struct smmu_core *s);

/* ---- xlate.c: stage-2 translation of a configuration-structure fetch address (nested CD fetch). */
int  smmu_s2_fetch_addr(struct smmu_core *s, const smmu_ste_t *ste, uint64_t ipa, uint64_t *pa,
                        smmu_event_t *ev, smmu_cost_t *cost);

#endif
