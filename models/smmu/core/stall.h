/* Stalled transactions (IHI 0070 3.12.2): STAG allocation and their resolution by CMD_RESUME / CMD_STALL_TERM. */
#ifndef SMMU_CORE_STALL_H
#define SMMU_CORE_STALL_H

#include "internal.h"

int  smmu_stalls_create(struct smmu_core *s, char *err, size_t errlen);
void smmu_stalls_destroy(struct smmu_core *s);
/* CMD_RESUME (4.7.1): retry, or terminate with abort (ab) or RAZ/WI (!ab; abort when IDR0.TERM_MODEL).
 * Returns false if no stall of `sid` has that STAG (the command is then a no-op). */
bool smmu_stall_resume(struct smmu_core *s, uint32_t sid, uint16_t stag, bool retry, bool ab);
/* Hold a new stalled transaction of `sid`; returns false when every STALL_MAX slot is in use. */
bool smmu_stall_hold(struct smmu_core *s, uint32_t sid, uint16_t *stag);
/* CMD_STALL_TERM: terminate every pending stall of `sid`. Returns how many. */
unsigned smmu_stall_term(struct smmu_core *s, uint32_t sid);

#endif
