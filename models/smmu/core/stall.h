/* SPDX-License-Identifier: BSD-3-Clause */
/* Stalled transactions (IHI 0070 3.12.2, 7.2.1): STAG allocation, deferred stall records and their resolution
 * by CMD_RESUME / CMD_STALL_TERM / SMMUEN. */
#ifndef SMMU_CORE_STALL_H
#define SMMU_CORE_STALL_H

#include "internal.h"

int  smmu_stalls_create(struct smmu_core *s, char *err, size_t errlen);
void smmu_stalls_destroy(struct smmu_core *s);
/* A stall-configured fault: hold the transaction under a new STAG (*stag). With a STALL_MAX slot free its record
 * (ev, completed with Stall/STAG) is written now if the Event queue is writable (*recorded) or when it next is;
 * without one the transaction waits unrecorded and comes back as RETRY once a slot frees. False only when every
 * STAG is taken. */
bool smmu_stall_fault(struct smmu_core *s, smmu_event_t *ev, uint16_t *stag, bool *recorded);
/* The Event queue may have become writable (EVENTQ_CONS, EVENTQEN, EVENTQ_ABT_ERR acknowledged): write the
 * deferred stall records, oldest first. */
void smmu_stalls_drain(struct smmu_core *s);
/* A TLBI or CFGI was consumed: a deferred stall record may describe stale translations (4.7.3). */
void smmu_stalls_invalidated(struct smmu_core *s);
/* CMD_RESUME (4.7.1): retry, or terminate with abort (ab) or RAZ/WI (!ab; abort when IDR0.TERM_MODEL).
 * Returns false if no recorded stall of `sid` has that STAG (the command is then a no-op). */
bool smmu_stall_resume(struct smmu_core *s, uint32_t sid, uint16_t stag, bool retry, bool ab);
/* CMD_STALL_TERM: terminate every stall of `sid`. Returns how many. */
unsigned smmu_stall_term(struct smmu_core *s, uint32_t sid);
/* SMMUEN 1 -> 0 (6.3.9.6): every stall terminates with abort at once and frees its STALL_MAX slot. */
void smmu_stalls_smmuen_off(struct smmu_core *s);

#endif
