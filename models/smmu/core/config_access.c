/* SPDX-License-Identifier: BSD-3-Clause */
/* Access to smmu_config_t fields by name, for hosts that cannot see the struct's layout (Python ctypes). */
#include <stdlib.h>
#include <string.h>

#include <smmu/smmu.h>

typedef enum { K_BOOL, K_U8, K_U16, K_U32, K_U64, K_REPL } kind_t;

typedef struct {
    const char *name;
    size_t off;
    kind_t kind;
} field_t;

#define F(name, kind) {#name, offsetof(struct smmu_config, name), kind}
#define CACHE(s, m)                                                                                \
    {s ".entries", offsetof(struct smmu_config, m.entries), K_U32},                                \
    {s ".ways", offsetof(struct smmu_config, m.ways), K_U32},                                      \
    {s ".policy", offsetof(struct smmu_config, m.policy), K_REPL},                                 \
    {s ".latency", offsetof(struct smmu_config, m.latency), K_U32}

/* Every field of struct smmu_config, in declaration order; a cache's fields are "<cache>.<member>" and a
 * walk-cache level's "walk_cache_s1[<level>].<member>" (the spelling of the scenario keys). */
static const field_t fields[] = {
    F(arch_minor, K_U8), F(s1p, K_BOOL), F(s2p, K_BOOL), F(ttf_aarch32, K_BOOL), F(cohacc, K_BOOL),
    F(btm, K_BOOL), F(httu, K_U8), F(hyp, K_BOOL), F(ats, K_BOOL), F(pri, K_BOOL), F(asid16, K_BOOL),
    F(vmid16, K_BOOL), F(msi, K_BOOL), F(sev, K_BOOL), F(atos, K_BOOL), F(vatos, K_BOOL), F(vmw, K_BOOL),
    F(cd2l, K_BOOL), F(st_2lvl, K_BOOL), F(ttendian, K_U8), F(stall_model, K_U8), F(term_model, K_BOOL), F(sidsize, K_U8),
    F(ssidsize, K_U8), F(cmdqs, K_U8), F(eventqs, K_U8), F(priqs, K_U8), F(attr_types_ovr, K_BOOL),
    F(attr_perms_ovr, K_BOOL), F(xnx, K_BOOL), F(ril, K_BOOL), F(bbml, K_U8), F(fwb, K_BOOL),
    F(oas_bits, K_U8), F(gran4k, K_BOOL), F(gran16k, K_BOOL), F(gran64k, K_BOOL), F(vax, K_U8),
    F(stall_max, K_U16), F(iidr, K_U32),
    F(pmcg_counters, K_U8), F(pmcg_counter_bits, K_U8), F(pmcg_sid_filter_global, K_BOOL), F(pmcg_capture, K_BOOL),
    F(pmcg_msi, K_BOOL), F(pmcg_reloc_ctrs, K_BOOL),
    F(cmdq_stepped, K_BOOL), F(seed, K_U64),
    F(num_ports, K_U32),
    CACHE("utlb", utlb), CACHE("main_tlb", main_tlb), CACHE("tcu_tlb", tcu_tlb), CACHE("cfg_cache", cfg_cache),
    F(walk_cache_unified, K_BOOL),
    CACHE("walk_cache_s1[0]", walk_cache_s1[0]), CACHE("walk_cache_s1[1]", walk_cache_s1[1]),
    CACHE("walk_cache_s1[2]", walk_cache_s1[2]), CACHE("walk_cache_s1[3]", walk_cache_s1[3]),
    CACHE("walk_cache_s2[0]", walk_cache_s2[0]), CACHE("walk_cache_s2[1]", walk_cache_s2[1]),
    CACHE("walk_cache_s2[2]", walk_cache_s2[2]), CACHE("walk_cache_s2[3]", walk_cache_s2[3]),
    F(link_tbu_to_tcu, K_U32), F(link_tcu_to_tbu, K_U32), F(walk_step_cycles, K_U32),
    F(cfg_fetch_cycles, K_U32), F(cmd_cycles, K_U32), F(tlbi_cycles, K_U32),
};
#define NFIELDS (sizeof fields / sizeof fields[0])

static const field_t *find(const char *name)
{
    if (!name) return NULL;
    for (size_t i = 0; i < NFIELDS; i++)
        if (strcmp(fields[i].name, name) == 0) return &fields[i];
    return NULL;
}

static uint64_t kind_max(kind_t k)
{
    switch (k) {
    case K_BOOL: return 1;
    case K_U8:   return UINT8_MAX;
    case K_U16:  return UINT16_MAX;
    case K_U32:  return UINT32_MAX;
    case K_REPL: return SMMU_REPL_RRIP;
    case K_U64:  break;
    }
    return UINT64_MAX;
}

smmu_config_t *smmu_config_new(void)
{
    smmu_config_t *cfg = malloc(sizeof *cfg);
    if (cfg) smmu_config_default(cfg);
    return cfg;
}

void smmu_config_free(smmu_config_t *cfg)
{
    free(cfg);
}

const char *smmu_config_field_name(unsigned i)
{
    return i < NFIELDS ? fields[i].name : NULL;
}

int smmu_config_field_max(const char *name, uint64_t *max)
{
    const field_t *f = find(name);
    if (!f) return SMMU_CONFIG_EUNKNOWN;
    if (max) *max = kind_max(f->kind);
    return 0;
}

int smmu_config_set(smmu_config_t *cfg, const char *name, uint64_t value)
{
    const field_t *f = find(name);
    if (!f || !cfg) return SMMU_CONFIG_EUNKNOWN;
    if (value > kind_max(f->kind)) return SMMU_CONFIG_ERANGE;   /* never truncated into the field */
    char *p = (char *)cfg + f->off;
    switch (f->kind) {
    case K_BOOL: { bool v = value != 0; memcpy(p, &v, sizeof v); break; }
    case K_U8:   { uint8_t v = (uint8_t)value; memcpy(p, &v, sizeof v); break; }
    case K_U16:  { uint16_t v = (uint16_t)value; memcpy(p, &v, sizeof v); break; }
    case K_U32:  { uint32_t v = (uint32_t)value; memcpy(p, &v, sizeof v); break; }
    case K_U64:  memcpy(p, &value, sizeof value); break;
    case K_REPL: { smmu_repl_t v = (smmu_repl_t)value; memcpy(p, &v, sizeof v); break; }
    }
    return 0;
}

int smmu_config_get(const smmu_config_t *cfg, const char *name, uint64_t *value)
{
    const field_t *f = find(name);
    if (!f || !cfg || !value) return SMMU_CONFIG_EUNKNOWN;
    const char *p = (const char *)cfg + f->off;
    switch (f->kind) {
    case K_BOOL: { bool v; memcpy(&v, p, sizeof v); *value = v; break; }
    case K_U8:   { uint8_t v; memcpy(&v, p, sizeof v); *value = v; break; }
    case K_U16:  { uint16_t v; memcpy(&v, p, sizeof v); *value = v; break; }
    case K_U32:  { uint32_t v; memcpy(&v, p, sizeof v); *value = v; break; }
    case K_U64:  memcpy(value, p, sizeof *value); break;
    case K_REPL: { smmu_repl_t v; memcpy(&v, p, sizeof v); *value = (uint64_t)v; break; }
    }
    return 0;
}
