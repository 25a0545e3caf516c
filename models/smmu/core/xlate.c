/* STUB: the translation pipeline (mine). */
#include "internal.h"

smmu_status_t smmu_translate(smmu_t *s, const smmu_txn_t *t, smmu_result_t *r) { (void)s; (void)t; memset(r, 0, sizeof *r); r->status = SMMU_ABORT; return r->status; }
smmu_status_t smmu_translate_debug(smmu_t *s, const smmu_txn_t *t, smmu_result_t *r) { return smmu_translate(s, t, r); }
int smmu_s2_fetch_addr(struct smmu_core *s, const smmu_ste_t *ste, uint64_t ipa, uint64_t *pa, smmu_event_t *ev, smmu_cost_t *cost) { (void)s; (void)ste; (void)ev; (void)cost; *pa = ipa; return 0; }
