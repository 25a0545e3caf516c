/* STUB: owned by the stream-table helper. */
#include "internal.h"

int smmu_cd_decode(const struct smmu_core *s, const smmu_ste_t *ste, const uint64_t raw[8], smmu_cd_t *cd) { (void)s; (void)ste; (void)raw; (void)cd; return EVT_C_BAD_CD; }
int smmu_cd_fetch(struct smmu_core *s, const smmu_ste_t *ste, uint32_t sid, uint32_t ssid, smmu_cd_t *cd, smmu_event_t *ev, smmu_cost_t *cost) { (void)s; (void)ste; (void)sid; (void)ssid; (void)cd; (void)ev; (void)cost; return EVT_C_BAD_CD; }
