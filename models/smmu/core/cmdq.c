/* STUB: owned by the command-queue helper. */
#include "internal.h"

void smmu_cmdq_prod_written(struct smmu_core *s) { (void)s; }
bool smmu_cmdq_step(smmu_t *s, uint32_t *cycles) { (void)s; (void)cycles; return false; }
bool smmu_cmdq_pending(const smmu_t *s) { (void)s; return false; }
