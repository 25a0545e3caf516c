/* STUB: stalls arrive with translation. */
#include "stall.h"

int smmu_stalls_create(struct smmu_core *s, char *err, size_t errlen) { (void)s; (void)err; (void)errlen; return 0; }
void smmu_stalls_destroy(struct smmu_core *s) { (void)s; }
bool smmu_stall_resume(struct smmu_core *s, uint32_t sid, uint16_t stag, bool retry, bool ab) { (void)s; (void)sid; (void)stag; (void)retry; (void)ab; return false; }
unsigned smmu_stall_term(struct smmu_core *s, uint32_t sid) { (void)s; (void)sid; return 0; }
smmu_stall_state_t smmu_stall_query(smmu_t *s, uint32_t sid, uint16_t stag) { (void)s; (void)sid; (void)stag; return SMMU_STALL_NONE; }
void smmu_stall_release(smmu_t *s, uint32_t sid, uint16_t stag) { (void)s; (void)sid; (void)stag; }
