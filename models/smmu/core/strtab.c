/* STUB: owned by the stream-table helper. */
#include "internal.h"

unsigned smmu_tg0_log2(uint8_t tg0) { return tg0 == 0 ? 12 : tg0 == 1 ? 16 : tg0 == 2 ? 14 : 0; }
unsigned smmu_tg1_log2(uint8_t tg1) { return tg1 == 2 ? 12 : tg1 == 3 ? 16 : tg1 == 1 ? 14 : 0; }
int smmu_ste_decode(const struct smmu_core *s, const uint64_t raw[8], smmu_ste_t *ste) { (void)s; (void)raw; (void)ste; return EVT_C_BAD_STE; }
int smmu_ste_fetch(struct smmu_core *s, uint32_t sid, smmu_ste_t *ste, smmu_event_t *ev, smmu_cost_t *cost) { (void)s; (void)sid; (void)ste; (void)ev; (void)cost; return EVT_C_BAD_STREAMID; }
