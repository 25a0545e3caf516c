/* SPDX-License-Identifier: BSD-3-Clause */
/* Embedding API of the SMMUv3 (IHI 0070) C core. The only public header of smmu_core. */
#ifndef SMMU_SMMU_H
#define SMMU_SMMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <smmu/export.h>

#ifdef __cplusplus
extern "C" {
#endif
SMMU_API_BEGIN

typedef struct smmu_core smmu_t;             /* the tag is not `smmu`: C++ code uses namespace smmu */
typedef struct smmu_config smmu_config_t;

/* SMMU_IRQ_PMCG: the PMCG's overflow interrupt (10.5), wired when its MSI is not used. */
typedef enum smmu_irq { SMMU_IRQ_EVTQ, SMMU_IRQ_PRIQ, SMMU_IRQ_CMD_SYNC, SMMU_IRQ_GERROR, SMMU_IRQ_PMCG } smmu_irq_t;
#define SMMU_IRQ_COUNT 5

/* CMD_ATC_INV as delivered to the PCIe endpoint (4.5.1): invalidate the ATC entries of (sid, ssid when ssv) that
 * overlap [addr, addr + 2^size_log2); global also hits entries with the Global bit of any PASID. The host acks
 * each one, later or inside the callback, with smmu_atc_inv_complete(tag). */
typedef struct smmu_atc_inv {
    uint32_t sid, ssid; bool ssv, global;
    uint64_t addr;                    /* aligned to 2^size_log2 */
    uint8_t  size_log2;               /* 12 + CMD_ATC_INV.Size */
    uint32_t tag;                     /* names this invalidation to smmu_atc_inv_complete() */
} smmu_atc_inv_t;

/* CMD_PRI_RESP as delivered to the endpoint (4.7.1): the response to page request group `prgi` of (sid, ssid). */
typedef enum smmu_pri_resp_code { SMMU_PRI_SUCCESS = 0, SMMU_PRI_INVALID = 1, SMMU_PRI_FAILURE = 2 } smmu_pri_resp_code_t;
typedef struct smmu_pri_resp {
    uint32_t sid, ssid; bool ssv;
    uint16_t prgi;                    /* Page Request Group Index, 9 bits */
    smmu_pri_resp_code_t resp;
} smmu_pri_resp_t;

typedef struct smmu_host {
    void *ctx;
    int  (*mem_read)(void *ctx, uint64_t pa, void *dst, size_t len);        /* 0 = ok, else external abort */
    int  (*mem_write)(void *ctx, uint64_t pa, const void *src, size_t len);
    void (*irq)(void *ctx, smmu_irq_t line, bool level);                    /* wired interrupts; may be NULL */
    void (*atc_inv)(void *ctx, const smmu_atc_inv_t *inv);                  /* may be NULL: no endpoint ATC, acked at once */
    void (*pri_resp)(void *ctx, const smmu_pri_resp_t *resp);               /* may be NULL: the response is dropped */
} smmu_host_t;

/* Replacement policies for every cache-like structure. */
typedef enum smmu_repl {
    SMMU_REPL_LRU, SMMU_REPL_PLRU, SMMU_REPL_FIFO, SMMU_REPL_RANDOM,
    SMMU_REPL_LFU, SMMU_REPL_2Q, SMMU_REPL_CLOCK, SMMU_REPL_RRIP
} smmu_repl_t;

/* Geometry and cost of one cache structure. entries == 0 removes the structure;
 * ways == entries (or 0) makes it fully associative; entries must be a multiple of ways
 * and entries/ways a power of two. */
typedef struct smmu_cache_config {
    uint32_t entries;
    uint32_t ways;
    smmu_repl_t policy;
    uint32_t latency;      /* lookup cost in SMMU cycles, charged hit or miss */
} smmu_cache_config_t;

#define SMMU_MAX_PORTS 64

struct smmu_config {
    /* --- Architecture: what the ID registers advertise (SMMU_IDR0..5, IIDR, AIDR). --- */
    uint8_t  arch_minor;      /* AIDR.ArchMinorRev: 0 = v3.0, 1 = v3.1, 2 = v3.2 (default 2) */
    bool     s1p;             /* IDR0.S1P: stage 1 supported */
    bool     s2p;             /* IDR0.S2P: stage 2 supported */
    bool     ttf_aarch32;     /* IDR0.TTF: also AArch32 LPAE tables (TTF=3); default AArch64 only (TTF=2) */
    bool     cohacc;          /* IDR0.COHACC: coherent table/queue accesses */
    bool     btm;             /* IDR0.BTM: broadcast TLB maintenance */
    uint8_t  httu;            /* IDR0.HTTU: 0 none, 1 Access flag, 2 Access flag and dirty state */
    bool     hyp;             /* IDR0.HYP: EL2 StreamWorld (STE.STRW=EL2) */
    bool     ats;             /* IDR0.ATS */
    bool     pri;             /* IDR0.PRI */
    bool     asid16;          /* IDR0.ASID16: 16-bit ASIDs, else 8 */
    bool     vmid16;          /* IDR0.VMID16: 16-bit VMIDs, else 8 */
    bool     msi;             /* IDR0.MSI: MSI interrupts */
    bool     sev;             /* IDR0.SEV: CMD_SYNC can send a WFE wake-up event */
    bool     atos;            /* IDR0.ATOS: the GATOS registers (9.1) */
    bool     vmw;             /* IDR0.VMW: VMID wildcard matching for TLBI */
    bool     cd2l;            /* IDR0.CD2L: 2-level CD tables */
    bool     st_2lvl;         /* IDR0.ST_LEVEL: 2-level stream table */
    uint8_t  ttendian;        /* IDR0.TTENDIAN: 0 mixed, 2 little-endian only, 3 big-endian only */
    uint8_t  stall_model;     /* IDR0.STALL_MODEL: 0 stall+terminate, 1 terminate only, 2 stall forced */
    bool     term_model;      /* IDR0.TERM_MODEL: 1 = terminated transactions always abort (no RAZ/WI) */
    uint8_t  sidsize;         /* IDR1.SIDSIZE: StreamID bits (0..32) */
    uint8_t  ssidsize;        /* IDR1.SSIDSIZE: SubstreamID bits (0..20) */
    uint8_t  cmdqs;           /* IDR1.CMDQS: max log2 command queue entries (<= 19) */
    uint8_t  eventqs;         /* IDR1.EVENTQS: max log2 event queue entries (<= 19) */
    uint8_t  priqs;           /* IDR1.PRIQS: max log2 PRI queue entries (<= 19) */
    bool     attr_types_ovr;  /* IDR1.ATTR_TYPES_OVR */
    bool     attr_perms_ovr;  /* IDR1.ATTR_PERMS_OVR */
    bool     xnx;             /* IDR3.XNX: stage-2 XN[1:0] privileged/unprivileged execute-never */
    bool     ril;             /* IDR3.RIL: range invalidation (TLBI with TG/SCALE/NUM) */
    uint8_t  bbml;            /* IDR3.BBML: 0..2 */
    bool     fwb;             /* IDR3.FWB */
    uint8_t  oas_bits;        /* IDR5.OAS as bits: 32, 36, 40, 42, 44, 48 or 52 */
    bool     gran4k, gran16k, gran64k;  /* IDR5.GRAN4K/16K/64K */
    uint8_t  vax;             /* IDR5.VAX: 0 = 48-bit VA, 1 = 52-bit VA */
    uint16_t stall_max;       /* IDR5.STALL_MAX: most stalled transactions held at once */
    uint32_t iidr;            /* SMMU_IIDR: default Arm (0x43B) MMU-700 (ProductID 0x487) r0p0 */

    /* --- PMCG 0 (chapter 10), shaped like the MMU-700 TCU PMCG: what SMMU_PMCG_CFGR advertises. --- */
    uint8_t  pmcg_counters;       /* CFGR.NCTR + 1: 1..64; 0 = no PMCG (its frame is RAZ/WI) */
    uint8_t  pmcg_counter_bits;   /* CFGR.SIZE + 1: 32, 36, 40, 44, 48 or 64 */
    bool     pmcg_sid_filter_global;  /* CFGR.SID_FILTER_TYPE: SMR0 and EVTYPER0's filter apply to every counter */
    bool     pmcg_capture;        /* CFGR.CAPTURE: SMMU_PMCG_CAPR and the SVRn shadow registers */
    bool     pmcg_msi;            /* CFGR.MSI: SMMU_PMCG_IRQ_CFG0..2 and IRQ_STATUS */
    bool     pmcg_reloc_ctrs;     /* CFGR.RELOC_CTRS: counters, OVS and CAPR on page 1 */

    /* --- Model behaviour. --- */
    bool     cmdq_stepped;    /* false: a CMDQ_PROD write consumes every command at once;
                                 true: the host calls smmu_cmdq_step() to consume one at a time */
    uint64_t seed;            /* seed of the random replacement policy */

    /* --- Microarchitecture (MMU-600/700 shaped): structures, sizes, latencies. --- */
    uint32_t num_ports;       /* upstream ports, one TBU each (1..SMMU_MAX_PORTS) */
    smmu_cache_config_t utlb;       /* per TBU: micro-TLB (fully associative) */
    smmu_cache_config_t main_tlb;   /* per TBU: main TLB (set associative) */
    smmu_cache_config_t tcu_tlb;    /* in the TCU: optional shared TLB (entries 0 = absent) */
    smmu_cache_config_t cfg_cache;  /* in the TCU: configuration cache (decoded STEs and CDs) */
    bool     walk_cache_unified;    /* MMU-700 style: one walk cache for all stages/levels (walk_cache_s1[0]) */
    smmu_cache_config_t walk_cache_s1[4];   /* per level 0..3 for stage-1 table descriptors */
    smmu_cache_config_t walk_cache_s2[4];   /* per level 0..3 for stage-2 table descriptors */
    uint32_t link_tbu_to_tcu;       /* DTI request latency, cycles */
    uint32_t link_tcu_to_tbu;       /* DTI response latency, cycles */
    uint32_t walk_step_cycles;      /* TCU cost of one descriptor fetch and decode (memory time excluded) */
    uint32_t cfg_fetch_cycles;      /* TCU cost of one STE/CD fetch and decode (memory time excluded) */
    uint32_t cmd_cycles;            /* cost of consuming one command */
    uint32_t tlbi_cycles;           /* extra cost of an invalidation command per structure scanned */
};

void     smmu_config_default(smmu_config_t *cfg);

/* Config fields by name, for hosts that cannot see struct smmu_config (Python ctypes): the C member name, a
 * cache's members as "main_tlb.entries", a walk-cache level's as "walk_cache_s1[2].ways". A value that does not
 * fit the field is refused, never truncated; a bool takes 0 or 1, a policy a smmu_repl_t. */
#define SMMU_CONFIG_EUNKNOWN (-1)       /* no field of that name (or a NULL argument) */
#define SMMU_CONFIG_ERANGE   (-2)       /* the value does not fit the field */
smmu_config_t *smmu_config_new(void);                                  /* heap copy of smmu_config_default(); NULL if out of memory */
void        smmu_config_free(smmu_config_t *cfg);
const char *smmu_config_field_name(unsigned i);                        /* the i-th field's name, NULL past the last */
int         smmu_config_field_max(const char *name, uint64_t *max);    /* largest value the field holds; 0 or an error */
int         smmu_config_set(smmu_config_t *cfg, const char *name, uint64_t value);   /* 0 or SMMU_CONFIG_E* */
int         smmu_config_get(const smmu_config_t *cfg, const char *name, uint64_t *value);
smmu_t  *smmu_create(const smmu_config_t *cfg, const smmu_host_t *host, char *err, size_t errlen); /* NULL + message on a bad config */
bool     smmu_config_check(const smmu_config_t *cfg, char *err, size_t errlen);   /* what smmu_create checks: false + "field: reason" */
void     smmu_destroy(smmu_t *smmu);
uint64_t smmu_reg_read(smmu_t *smmu, uint64_t offset, unsigned size);      /* offset in the 128 KiB frame (page 0 + page 1); size 4 or 8 */
void     smmu_reg_write(smmu_t *smmu, uint64_t offset, uint64_t value, unsigned size);

/* PCIe Address Type of a transaction (PCIe AT field): untranslated, or translated by the endpoint's ATC
 * (checked per STE.EATS and SMMU_CR0.ATSCHK, 3.9.1). Translation requests go through smmu_ats_translate(). */
typedef enum smmu_at { SMMU_AT_UNTRANSLATED = 0, SMMU_AT_TRANSLATED = 2 } smmu_at_t;

/* The interconnect supplies no memory attributes: "use incoming" takes the IHI 0070 13.1.3 defaults,
 * Normal iWB-oWB RA-WA-nTR, Non-shareable. */
typedef struct smmu_txn {
    uint32_t sid, ssid; bool ssv;
    uint64_t addr;
    bool write, instr, priv;          /* RnW = !write, InD (a write is Data, 13.1.2), PnU; STE.PRIVCFG/INSTCFG override */
    uint32_t port;                    /* upstream port / TBU index */
    smmu_at_t at;                     /* zero-initialised: untranslated */
} smmu_txn_t;

/* SMMU_STALL: the transaction is held under `stag` until smmu_stall_query() settles it; never an abort because
 * the Event queue is full/disabled (its record, `recorded` == false, is written when the queue is next writable)
 * or STALL_MAX is reached (held unrecorded, back-pressure, it settles as RETRY once a slot frees). */
typedef enum smmu_status { SMMU_OK, SMMU_ABORT, SMMU_RAZWI, SMMU_STALL } smmu_status_t;

/* Which structure produced the translation. */
typedef enum smmu_source {
    SMMU_SRC_NONE,        /* no translation (bypass, abort, fault) */
    SMMU_SRC_UTLB, SMMU_SRC_MAIN_TLB, SMMU_SRC_TCU_TLB, SMMU_SRC_WALK
} smmu_source_t;

typedef struct smmu_result {
    smmu_status_t status;
    uint64_t pa;                      /* output address when SMMU_OK */
    uint32_t cycles;                  /* modelled SMMU-internal latency in SMMU clock cycles */
    uint16_t stag;                    /* when SMMU_STALL */
    uint8_t  event;                   /* EventID of the fault or configuration error, 0 if none */
    bool     recorded;                /* an event record was written to the event queue */
    bool     bypass;                  /* the output is the input (STE bypass, S1DSS bypass or GBPA) */
    smmu_source_t source;
    uint32_t mem_reads;               /* memory reads this translation made (config + walk) */
    uint32_t mem_writes;              /* memory writes (HTTU updates, event records) */
    uint8_t  page_log2;               /* log2 of the translated region's size (DMI, statistics) */
    bool     read_ok, write_ok, exec_ok; /* permissions of that region for this stream/privilege */
    uint8_t  memattr;                 /* output memory type and hints (chapter 13), MAIR encoding: Device 0b0000dd00,
                                         Normal outer[7:4] inner[3:0] (0x44 NC, 0xFF WB RA-WA, 0x00 Device-nGnRnE) */
    uint8_t  sh;                      /* output shareability: 0 NSH, 2 OSH, 3 ISH (any-Device and iNC-oNC: OSH) */
} smmu_result_t;

smmu_status_t smmu_translate(smmu_t *smmu, const smmu_txn_t *txn, smmu_result_t *res);

/* Translate with no side effects: no cache fill, no event, no statistics, no HTTU write. */
smmu_status_t smmu_translate_debug(smmu_t *smmu, const smmu_txn_t *txn, smmu_result_t *res);

/* ATS Translation Request (3.9): `req` names the StreamID, SubstreamID, address and R/W/X/priv asked for (its `at`
 * is ignored). SUCCESS carries the ATS Completion: the translated address of the region's base, the region size,
 * and the permissions granted (R = W = 0 is a translation fault the endpoint may resolve through PRI). UR and CA
 * are the refusals of 3.9.1.2 / 3.9.1.3; `event` is what was recorded, per SMMU_CR2.REC_CFG_ATS. */
typedef enum smmu_ats_status { SMMU_ATS_SUCCESS, SMMU_ATS_UR, SMMU_ATS_CA } smmu_ats_status_t;
typedef struct smmu_ats_result {
    smmu_ats_status_t status;
    uint64_t addr;                    /* translated address of the region base (SUCCESS) */
    uint8_t  size_log2;               /* log2 of the region the completion covers */
    bool     read, write, exec, priv, global;  /* ATS completion R, W, Exe, Priv, Global */
    bool     untranslated;            /* U: the endpoint must use untranslated requests for this region */
    uint32_t cycles;                  /* modelled latency, as a miss of smmu_translate() */
    uint8_t  event;                   /* EventID recorded or suppressed, 0 if none */
    bool     recorded;
    uint32_t mem_reads, mem_writes;
} smmu_ats_result_t;
smmu_ats_status_t smmu_ats_translate(smmu_t *smmu, const smmu_txn_t *req, smmu_ats_result_t *res);

/* The endpoint completed (ok) or failed to complete (!ok, e.g. the host's completion timeout) the ATC
 * invalidation `tag`. A CMD_SYNC waits for every CMD_ATC_INV before it; a failed one ends it with
 * CERROR_ATC_INV_SYNC (4.7.3). Consumption resumes from inside this call. */
void smmu_atc_inv_complete(smmu_t *smmu, uint32_t tag, bool ok);
bool smmu_cmdq_waiting(const smmu_t *smmu);   /* the queue is held at a CMD_SYNC waiting for ATC completions */

/* PCIe Page Request (chapter 8): written to the PRI queue when IDR0.PRI and SMMU_CR0.PRIQEN allow. */
typedef struct smmu_pri_req {
    uint32_t sid, ssid; bool ssv;
    uint64_t addr;                    /* page address, bits [63:12] */
    uint16_t prgi;                    /* Page Request Group Index, 9 bits */
    bool     last, read, write, exec, priv;
} smmu_pri_req_t;
typedef enum smmu_pri_status {
    SMMU_PRI_QUEUED,                  /* recorded in the PRI queue */
    SMMU_PRI_OVERFLOW,                /* discarded, PRIQ_PROD.OVFLG toggled (8.3); the SMMU answers a last request itself */
    SMMU_PRI_DISABLED                 /* no PRI, PRIQEN = 0 or PRIQ_ABT_ERR: the SMMU answers per 8.x */
} smmu_pri_status_t;
smmu_pri_status_t smmu_pri_page_request(smmu_t *smmu, const smmu_pri_req_t *req);

/* Performance Monitor Counter Group 0 (chapter 10): its register frame, page 0 + page 1 (offset 0x10000 and
 * up, used when SMMU_PMCG_CFGR.RELOC_CTRS). Overflow signals SMMU_IRQ_PMCG or its MSI. */
uint64_t smmu_pmcg_reg_read(smmu_t *smmu, uint64_t offset, unsigned size);
void     smmu_pmcg_reg_write(smmu_t *smmu, uint64_t offset, uint64_t value, unsigned size);
/* The core has no clock: the host advances the PMCG's clock-cycle event (event 0) by `cycles` SMMU cycles,
 * before each PMCG register access at the latest; an overflow it causes signals at once. */
void     smmu_pmcg_advance(smmu_t *smmu, uint64_t cycles);

/* Stepped command queue: consumes one command; returns true and its cost in *cycles if one was
 * consumed, false if the queue is empty, disabled or halted on an error. */
bool     smmu_cmdq_step(smmu_t *smmu, uint32_t *cycles);
bool     smmu_cmdq_pending(const smmu_t *smmu);   /* a command is waiting to be consumed */

/* Stalled transactions (CD.S / STE.S2S): what became of a STAG. */
typedef enum smmu_stall_state {
    SMMU_STALL_NONE,        /* no such stalled transaction */
    SMMU_STALL_PENDING,     /* waiting for CMD_RESUME / CMD_STALL_TERM, for room for its record or for a STALL_MAX slot */
    SMMU_STALL_RETRY,       /* resumed with retry, or admitted after back-pressure: translate again */
    SMMU_STALL_ABORTED,     /* terminated (CMD_RESUME/CMD_STALL_TERM, or SMMUEN 1->0 at once): the transaction aborts */
    SMMU_STALL_RAZWI        /* terminated by CMD_RESUME with Abort=0: reads as zero, writes ignored */
} smmu_stall_state_t;
smmu_stall_state_t smmu_stall_query(smmu_t *smmu, uint32_t sid, uint16_t stag);
/* Forget a settled stall (after the host has acted on RETRY/ABORTED). */
void smmu_stall_release(smmu_t *smmu, uint32_t sid, uint16_t stag);

/* Statistics. */
typedef struct smmu_cache_stats {
    uint64_t lookups, hits, misses, fills, evictions, invalidations;
} smmu_cache_stats_t;

typedef enum smmu_struct_id {
    SMMU_STRUCT_UTLB, SMMU_STRUCT_MAIN_TLB, SMMU_STRUCT_TCU_TLB, SMMU_STRUCT_CFG_CACHE,
    SMMU_STRUCT_WALK_S1, SMMU_STRUCT_WALK_S2
} smmu_struct_id_t;

/* Counters of one structure: port selects the TBU for the micro/main TLB, level selects the walk-cache
 * level (-1 sums all levels or ports). Returns false for an absent structure. */
bool smmu_cache_stats(const smmu_t *smmu, smmu_struct_id_t which, int port, int level, smmu_cache_stats_t *out);

typedef struct smmu_stream_stats {
    uint64_t translations, faults, walks, walk_reads, cfg_fetches, stalls, cycles;
} smmu_stream_stats_t;
/* Per-StreamID counters (recorded for streams translated since creation). */
bool smmu_stream_stats(const smmu_t *smmu, uint32_t sid, smmu_stream_stats_t *out);

typedef struct smmu_global_stats {
    uint64_t translations, events_recorded, events_lost, commands, cmd_syncs, walks, walk_reads;
    uint64_t commands_by_opcode[256];
} smmu_global_stats_t;
void smmu_global_stats(const smmu_t *smmu, smmu_global_stats_t *out);

SMMU_API_END
#ifdef __cplusplus
}
#endif
#endif
