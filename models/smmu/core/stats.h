/* SPDX-License-Identifier: BSD-3-Clause */
/* Per-stream statistics. */
#ifndef SMMU_CORE_STATS_H
#define SMMU_CORE_STATS_H

#include "internal.h"

int  smmu_sstats_create(struct smmu_core *s, char *err, size_t errlen);
void smmu_sstats_destroy(struct smmu_core *s);
/* Counters of `sid`, created on first use; NULL only if memory runs out. */
smmu_stream_stats_t *smmu_sstats_get(struct smmu_core *s, uint32_t sid);

#endif
