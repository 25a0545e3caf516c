/* SPDX-License-Identifier: BSD-3-Clause */
/* Attribute transformation (IHI 0070 chapter 13): input defaults, overrides, stage 1, stage-2 combine. */
#ifndef SMMU_CORE_ATTRS_H
#define SMMU_CORE_ATTRS_H

#include "types.h"

/* Memory attributes of a transaction: a MAIR-style byte (Device 0b0000dd00, Normal outer[7:4] inner[3:0] with
 * their RA/WA/TR hints) and the shareability (0 NSH, 2 OSH, 3 ISH). */
typedef struct smmu_attr {
    uint8_t mair;
    uint8_t sh;
} smmu_attr_t;

/* Input attributes when the interconnect supplies none (13.1.3): Normal iWB-oWB RA-WA-nTR, Non-shareable. */
#define SMMU_ATTR_DEFAULT ((smmu_attr_t){ 0xFF, 0 })

/* MAIR byte of a STE/GBPA MemAttr or a stage-2 MemAttr[3:0] (S2FWB = 0 encoding), RA-WA-nTR on cacheable levels. */
uint8_t smmu_attr_from_memattr(unsigned memattr);
/* A stage-1 MAIR[AttrIndx] byte in the canonical form the other functions take. */
uint8_t smmu_attr_s1_norm(uint8_t mair);
/* replace_attrs(): MTCFG/MemAttr, ALLOCCFG and SHCFG (STE or GBPA encodings) applied to `in` (13.1.4). */
smmu_attr_t smmu_attr_override(smmu_attr_t in, bool mtcfg, unsigned memattr, unsigned alloccfg, unsigned shcfg);
/* Stage 1 replaces MT and SH; the input's RA/WA/TR combine with stage 1's where the input is cacheable (13.4.2). */
smmu_attr_t smmu_attr_stage1(smmu_attr_t in, smmu_attr_t s1);
/* Stage 2 combines its MemAttr[3:0] and SH with `in` (Arm ARM D8.6.5, D8.6.7; D8.6.6 with STE.S2FWB). */
smmu_attr_t smmu_attr_stage2(smmu_attr_t in, unsigned s2memattr, unsigned s2sh, bool fwb);
/* ensure_consistent_attrs() (13.1.7): any-Device and Normal iNC-oNC are Outer Shareable. */
smmu_attr_t smmu_attr_consistent(smmu_attr_t a);
/* A stage-2 MemAttr[3:0] that makes the access Device (S2PTW). */
static inline bool smmu_attr_s2_device(unsigned m, bool fwb) { return fwb ? !(m & 4) : (m >> 2) == 0; }

#endif
