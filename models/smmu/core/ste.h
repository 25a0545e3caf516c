/* SPDX-License-Identifier: BSD-3-Clause */
/* Decoded Stream Table Entries and Context Descriptors (IHI 0070 5.2, 5.4) and their fetch. */
#ifndef SMMU_CORE_STE_H
#define SMMU_CORE_STE_H

#include "types.h"

struct smmu_core;

/* STE.Config values (5.2). */
enum { STE_CFG_ABORT = SMMU_STE_CONFIG_ABORT, STE_CFG_BYPASS = SMMU_STE_CONFIG_BYPASS, STE_CFG_S1 = SMMU_STE_CONFIG_S1,
       STE_CFG_S2 = SMMU_STE_CONFIG_S2, STE_CFG_NESTED = SMMU_STE_CONFIG_NESTED };
/* STE.S1DSS */
enum { STE_S1DSS_TERMINATE = SMMU_STE_S1DSS_TERMINATE, STE_S1DSS_BYPASS = SMMU_STE_S1DSS_BYPASS,
       STE_S1DSS_SSID0 = SMMU_STE_S1DSS_SSID0 };
/* STE.STRW */
enum { STE_STRW_NSEL1 = SMMU_STE_STRW_NSEL1, STE_STRW_EL2 = SMMU_STE_STRW_EL2, STE_STRW_EL3 = SMMU_STE_STRW_EL3 };

/* A validated STE; field names follow the spec. Only fields the model acts on or reports are kept. */
typedef struct smmu_ste {
    bool     valid;          /* V */
    uint8_t  config;         /* Config[2:0] */
    bool     s1_enabled;     /* Config[0] == 1 (stage 1 translates) */
    bool     s2_enabled;     /* Config[1] == 1 (stage 2 translates) */
    uint8_t  s1fmt;          /* 0 linear, 1 2-level 4K L2, 2 2-level 64K L2 */
    uint64_t s1contextptr;   /* PA (or IPA when stage 2 is enabled) of the CD table */
    uint8_t  s1cdmax;        /* log2 of the number of CDs; 0 = one CD, no SubstreamIDs */
    uint8_t  s1dss;
    uint8_t  s1cir, s1cor, s1csh;
    bool     dre, dcp, ppar, mev, s1stalld, s2fwb;
    uint8_t  cont;
    uint8_t  eats;
    uint8_t  strw;
    uint8_t  memattr;
    bool     mtcfg;
    uint8_t  alloccfg, shcfg, nscfg, privcfg, instcfg;
    uint16_t s2vmid;
    uint8_t  s2t0sz, s2sl0, s2ir0, s2or0, s2sh0, s2tg, s2ps;   /* S2TG raw: 0 4K, 1 64K, 2 16K */
    bool     s2aa64, s2endi, s2affd, s2ptw, s2hd, s2ha, s2s, s2r;
    uint64_t s2ttb;
} smmu_ste_t;

/* A validated CD. */
typedef struct smmu_cd {
    bool     valid;
    uint8_t  t0sz, tg0, ir0, or0, sh0;     /* TG0 raw: 0 4K, 1 64K, 2 16K */
    bool     epd0, endi;
    uint8_t  t1sz, tg1, ir1, or1, sh1;     /* TG1 raw: 1 16K, 2 4K, 3 64K */
    bool     epd1;
    uint8_t  ips;
    bool     affd, wxn, uwxn, tbi0, tbi1, pan, aa64, hd, ha, s, r, a, aset;
    uint16_t asid;
    bool     nscfg0, had0, e0pd0, nscfg1, had1, e0pd1;
    uint64_t ttb0, ttb1;
    uint64_t mair;
    uint32_t amair;
} smmu_cd_t;

/* Granule in bytes-log2 from the raw TG0 / S2TG (0 4K, 1 64K, 2 16K) and TG1 (1 16K, 2 4K, 3 64K) encodings; 0 if reserved. */
unsigned smmu_tg0_log2(uint8_t tg0);
unsigned smmu_tg1_log2(uint8_t tg1);

/* Address-size helpers shared by the STE/CD checks (strtab.c): bits of a PS/IPS encoding after its reserved
 * values, the same capped to the OAS, the IAS (3.4), and whether a granule (log2 bytes) is in IDR5. */
unsigned smmu_ps_bits(const struct smmu_core *smmu, unsigned ps);
unsigned smmu_eff_ps_bits(const struct smmu_core *smmu, unsigned ps);
unsigned smmu_ias_bits(const struct smmu_core *smmu);
bool     smmu_granule_supported(const struct smmu_core *smmu, unsigned log2);

/* Decode and check a raw 64-byte STE against the SMMU's features. Returns 0 or EVT_C_BAD_STE. */
int smmu_ste_decode(const struct smmu_core *smmu, const uint64_t raw[8], smmu_ste_t *ste);

/* Locate (linear / 2-level) and read the STE of `sid`, then decode it. Returns 0, or the EventID
 * (C_BAD_STREAMID, F_STE_FETCH, C_BAD_STE) with *ev filled except the transaction fields. */
int smmu_ste_fetch(struct smmu_core *smmu, uint32_t sid, smmu_ste_t *ste, smmu_event_t *ev, smmu_cost_t *cost);

/* A level-1 descriptor (L1STD or L1CD) that the configuration cache holds: `present` with its raw value. */
typedef struct smmu_l1desc {
    bool     present;
    uint64_t desc;
} smmu_l1desc_t;

/* 2-level stream table: the L1STD index covering `sid` and the effective SPLIT. False for a linear table. */
bool smmu_strtab_l1_index(const struct smmu_core *smmu, uint32_t sid, uint32_t *index, unsigned *split);
/* smmu_ste_fetch with an L1STD the caller may supply (l1->present: no L1 read); on return l1 holds the L1STD
 * read when it was valid (a cacheable descriptor). l1 may be NULL. */
int smmu_ste_fetch_l1(struct smmu_core *smmu, uint32_t sid, smmu_l1desc_t *l1, smmu_ste_t *ste,
                      smmu_event_t *ev, smmu_cost_t *cost);

/* Decode and check a raw 64-byte CD for the stream's STE. Returns 0 or EVT_C_BAD_CD. */
int smmu_cd_decode(const struct smmu_core *smmu, const smmu_ste_t *ste, const uint64_t raw[8], smmu_cd_t *cd);

/* Locate (linear / 2-level, stage-2 translated when nested) and read the CD of (sid, ssid); returns 0 or
 * C_BAD_SUBSTREAMID / F_CD_FETCH / C_BAD_CD (or a stage-2 fault on the fetch) with *ev filled. */
int smmu_cd_fetch(struct smmu_core *smmu, const smmu_ste_t *ste, uint32_t sid, uint32_t ssid,
                  smmu_cd_t *cd, smmu_event_t *ev, smmu_cost_t *cost);
/* 2-level CD table of the stream: the L1CD index covering `ssid`. False for a single CD or a linear table. */
bool smmu_cd_l1_index(const smmu_ste_t *ste, uint32_t ssid, uint32_t *index);
/* smmu_cd_fetch with an L1CD the caller may supply, as for smmu_ste_fetch_l1 (valid L1CDs only). */
int smmu_cd_fetch_l1(struct smmu_core *smmu, const smmu_ste_t *ste, uint32_t sid, uint32_t ssid, smmu_l1desc_t *l1,
                     smmu_cd_t *cd, smmu_event_t *ev, smmu_cost_t *cost);

#endif
