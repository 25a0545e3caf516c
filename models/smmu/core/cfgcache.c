/* STUB: owned by the stream-table helper. */
#include "internal.h"

int smmu_cfgcache_create(struct smmu_core *s, char *err, size_t errlen) { (void)s; (void)err; (void)errlen; return 0; }
void smmu_cfgcache_destroy(struct smmu_core *s) { (void)s; }
int smmu_cfg_ste(struct smmu_core *s, uint32_t sid, const smmu_ste_t **ste, smmu_event_t *ev, smmu_cost_t *cost, bool fill) { (void)s; (void)sid; (void)ste; (void)ev; (void)cost; (void)fill; return EVT_C_BAD_STREAMID; }
int smmu_cfg_cd(struct smmu_core *s, const smmu_ste_t *ste, uint32_t sid, uint32_t ssid, const smmu_cd_t **cd, smmu_event_t *ev, smmu_cost_t *cost, bool fill) { (void)s; (void)ste; (void)sid; (void)ssid; (void)cd; (void)ev; (void)cost; (void)fill; return EVT_C_BAD_CD; }
void smmu_cfgi_ste(struct smmu_core *s, uint32_t sid, bool leaf) { (void)s; (void)sid; (void)leaf; }
void smmu_cfgi_ste_range(struct smmu_core *s, uint32_t sid, unsigned range) { (void)s; (void)sid; (void)range; }
void smmu_cfgi_cd(struct smmu_core *s, uint32_t sid, uint32_t ssid, bool leaf) { (void)s; (void)sid; (void)ssid; (void)leaf; }
void smmu_cfgi_cd_all(struct smmu_core *s, uint32_t sid) { (void)s; (void)sid; }
void smmu_cfgi_all(struct smmu_core *s) { (void)s; }
