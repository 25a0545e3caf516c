/* TBU and TCU translation caches: micro-TLB and main TLB per TBU, TCU TLB, walk caches; TLB invalidation. */
#ifndef SMMU_CORE_TLB_H
#define SMMU_CORE_TLB_H

#include "internal.h"

/* A decoded TLBI_* command (IHI 0070 4.4); fields the opcode does not have are 0. */
typedef struct smmu_tlbi {
    uint8_t  opcode;
    uint16_t vmid, asid;
    uint64_t addr;        /* VA (NH/EL2) or IPA (S2_IPA), Address[63:12] as given */
    bool     leaf;
    uint8_t  ttl, tg;     /* TTL[1:0], TG[1:0] (0 = no range/TTL hint) */
    uint8_t  scale, num;  /* range form: (NUM+1) << SCALE granules when TG != 0 */
} smmu_tlbi_t;

int  smmu_tlbs_create(struct smmu_core *s, char *err, size_t errlen);
void smmu_tlbs_destroy(struct smmu_core *s);
/* Apply one invalidation to every TLB and walk cache. Returns the number of entries invalidated. */
uint64_t smmu_tlb_invalidate(struct smmu_core *s, const smmu_tlbi_t *op);

#endif
