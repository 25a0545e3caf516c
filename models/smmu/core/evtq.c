/* STUB: owned by the event-queue helper. */
#include "internal.h"

void smmu_evtq_encode(const smmu_event_t *ev, uint64_t rec[4]) { (void)ev; rec[0] = rec[1] = rec[2] = rec[3] = 0; }
bool smmu_evtq_record(struct smmu_core *s, const smmu_event_t *ev) { (void)s; (void)ev; return false; }
bool smmu_priq_record(struct smmu_core *s, const uint64_t rec[2]) { (void)s; (void)rec; return false; }
