/* STUB: owned by the TLB helper. */
#include "tlb.h"

int smmu_tlbs_create(struct smmu_core *s, char *err, size_t errlen) { (void)s; (void)err; (void)errlen; return 0; }
void smmu_tlbs_destroy(struct smmu_core *s) { (void)s; }
uint64_t smmu_tlb_invalidate(struct smmu_core *s, const smmu_tlbi_t *op) { (void)s; (void)op; return 0; }
bool smmu_cache_stats(const smmu_t *s, smmu_struct_id_t which, int port, int level, smmu_cache_stats_t *out) { (void)s; (void)which; (void)port; (void)level; (void)out; return false; }
