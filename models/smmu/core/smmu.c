/* SPDX-License-Identifier: BSD-3-Clause */
/* Lifecycle of an SMMU instance: default configuration, validation, creation and host memory access. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"
#include "tlb.h"
#include "stall.h"
#include "stats.h"

static void cache_cfg(smmu_cache_config_t *c, uint32_t entries, uint32_t ways, smmu_repl_t policy, uint32_t latency)
{
    c->entries = entries;
    c->ways = ways;
    c->policy = policy;
    c->latency = latency;
}

void smmu_config_default(smmu_config_t *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->arch_minor = 2;
    cfg->s1p = cfg->s2p = true;
    cfg->cohacc = true;
    cfg->btm = false;
    cfg->httu = 2;
    cfg->hyp = true;
    cfg->ats = true;              /* IDR0.ATS, with Split-stage ATS (IDR0.NS1ATS = 0); IDR0.PRI needs it */
    cfg->pri = true;              /* IDR0.PRI: the PRI queue (chapter 8) */
    cfg->asid16 = cfg->vmid16 = true;
    cfg->msi = cfg->sev = true;
    cfg->vmw = true;
    cfg->cd2l = cfg->st_2lvl = true;
    cfg->ttendian = 2;
    cfg->stall_model = 0;
    cfg->sidsize = 16;
    cfg->ssidsize = 20;
    cfg->cmdqs = 19;
    cfg->eventqs = 19;
    cfg->priqs = 19;
    cfg->attr_types_ovr = true;
    cfg->attr_perms_ovr = true;
    cfg->xnx = true;
    cfg->ril = true;
    cfg->bbml = 2;
    cfg->fwb = true;              /* IDR3.FWB is 1 in SMMUv3.2 */
    cfg->oas_bits = 48;
    cfg->gran4k = cfg->gran16k = cfg->gran64k = true;
    cfg->vax = 0;
    cfg->stall_max = 64;
    cfg->iidr = 0x4870043Bu;   /* ProductID 0x487 (MMU-700), r0p0, implementer Arm 0x43B */
    cfg->seed = 1;
    /* MMU-700-like microarchitecture; see configs/ for the sourced presets. */
    cfg->num_ports = 1;
    cache_cfg(&cfg->utlb, 32, 32, SMMU_REPL_LRU, 1);
    cache_cfg(&cfg->main_tlb, 2048, 4, SMMU_REPL_PLRU, 3);
    cache_cfg(&cfg->tcu_tlb, 0, 0, SMMU_REPL_LRU, 4);
    cache_cfg(&cfg->cfg_cache, 256, 4, SMMU_REPL_PLRU, 3);
    cfg->walk_cache_unified = false;
    for (int l = 0; l < 4; l++) {
        cache_cfg(&cfg->walk_cache_s1[l], 256, 4, SMMU_REPL_PLRU, 3);
        cache_cfg(&cfg->walk_cache_s2[l], 256, 4, SMMU_REPL_PLRU, 3);
    }
    cfg->link_tbu_to_tcu = 8;
    cfg->link_tcu_to_tbu = 8;
    cfg->walk_step_cycles = 4;
    cfg->cfg_fetch_cycles = 4;
    cfg->cmd_cycles = 2;
    cfg->tlbi_cycles = 4;
}

static bool fail(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return false;
}

static bool pow2(uint32_t v) { return v && !(v & (v - 1)); }

static bool check_cache(const smmu_cache_config_t *c, const char *name, char *err, size_t errlen)
{
    if (c->entries == 0) return true;
    uint32_t ways = c->ways ? c->ways : c->entries;
    if (ways > c->entries || c->entries % ways)
        return fail(err, errlen, "%s: entries (%u) must be a multiple of ways (%u)", name, c->entries, ways);
    if (!pow2(c->entries / ways))
        return fail(err, errlen, "%s: the number of sets (entries/ways = %u) must be a power of two", name, c->entries / ways);
    if ((unsigned)c->policy > SMMU_REPL_RRIP)
        return fail(err, errlen, "%s: unknown replacement policy %d", name, (int)c->policy);
    return true;
}

static bool check_config(const smmu_config_t *c, char *err, size_t errlen)
{
    if (c->arch_minor > 2) return fail(err, errlen, "arch_minor %u: the model implements SMMUv3.0 to v3.2", c->arch_minor);
    if (!c->s1p && !c->s2p) return fail(err, errlen, "at least one of s1p and s2p must be set (IDR0.S1P/S2P)");
    if (c->httu > 2) return fail(err, errlen, "httu %u: must be 0, 1 or 2", c->httu);
    if (c->ttendian == 1 || c->ttendian > 3) return fail(err, errlen, "ttendian %u: must be 0, 2 or 3", c->ttendian);
    if (c->stall_model > 2) return fail(err, errlen, "stall_model %u: must be 0, 1 or 2", c->stall_model);
    if (c->sidsize > 32) return fail(err, errlen, "sidsize %u: at most 32", c->sidsize);
    if (c->ssidsize > 20) return fail(err, errlen, "ssidsize %u: at most 20", c->ssidsize);
    if (c->cmdqs > 19 || c->eventqs > 19 || c->priqs > 19)
        return fail(err, errlen, "queue sizes (cmdqs/eventqs/priqs) are at most 19");
    if (c->bbml > 2) return fail(err, errlen, "bbml %u: must be 0, 1 or 2", c->bbml);
    switch (c->oas_bits) {
    case 32: case 36: case 40: case 42: case 44: case 48: case 52: break;
    default: return fail(err, errlen, "oas_bits %u: must be 32, 36, 40, 42, 44, 48 or 52", c->oas_bits);
    }
    if (c->oas_bits == 52 && !c->gran64k)
        return fail(err, errlen, "oas_bits 52 needs the 64K granule");
    if (!c->gran4k && !c->gran16k && !c->gran64k) return fail(err, errlen, "no translation granule enabled");
    if (c->vax > 1) return fail(err, errlen, "vax %u: must be 0 or 1", c->vax);
    /* What the ID registers would advertise must be what the model implements and what IHI 0070 6.3 allows. */
    if (c->ttf_aarch32)
        return fail(err, errlen, "ttf_aarch32: IDR0.TTF would advertise VMSAv8-32 LPAE tables, which the model does not walk");
    if (c->atos)
        return fail(err, errlen, "atos: IDR0.ATOS would advertise the SMMU_GATOS_* registers, which the model does not implement");
    if (c->pri && !c->ats) return fail(err, errlen, "pri: IDR0.PRI needs ats (PRI is RES0 when IDR0.ATS == 0)");
    if (c->hyp && !(c->s1p && c->s2p)) return fail(err, errlen, "hyp: IDR0.HYP needs both s1p and s2p (RES0 otherwise)");
    if (c->vmw && !c->s2p) return fail(err, errlen, "vmw: IDR0.VMW needs s2p (RES0 when IDR0.S2P == 0)");
    if (c->sidsize >= 7 && !c->st_2lvl)
        return fail(err, errlen, "sidsize %u: SIDSIZE >= 7 needs st_2lvl (IDR1.SIDSIZE >= 7 requires IDR0.ST_LEVEL != 0b00)", c->sidsize);
    if (c->arch_minor == 0 && c->oas_bits == 52)
        return fail(err, errlen, "oas_bits 52: IDR5.OAS 52 bits is reserved in SMMUv3.0 (arch_minor 0)");
    if (c->arch_minor == 0 && c->vax)
        return fail(err, errlen, "vax %u: IDR5.VAX is RES0 in SMMUv3.0 (arch_minor 0)", c->vax);
    if (c->fwb != (c->arch_minor >= 2))
        return fail(err, errlen, "fwb %d: IDR3.FWB is 1 in SMMUv3.2 and later and absent before (arch_minor %u)", (int)c->fwb, c->arch_minor);
    if (c->stall_model == 1 && c->stall_max)
        return fail(err, errlen, "stall_max %u: must be 0 with the terminate-only stall_model 1 (IDR5.STALL_MAX is RES0)", c->stall_max);
    if (c->stall_model != 1 && !c->stall_max)
        return fail(err, errlen, "stall_max 0: stall_model %u supports stalls, so at least one must be possible", c->stall_model);
    if (c->num_ports < 1 || c->num_ports > SMMU_MAX_PORTS)
        return fail(err, errlen, "num_ports %u: must be 1..%u", c->num_ports, SMMU_MAX_PORTS);
    if (!check_cache(&c->utlb, "utlb", err, errlen) || !check_cache(&c->main_tlb, "main_tlb", err, errlen) ||
        !check_cache(&c->tcu_tlb, "tcu_tlb", err, errlen) || !check_cache(&c->cfg_cache, "cfg_cache", err, errlen))
        return false;
    for (int l = 0; l < 4; l++) {
        char name[32];
        snprintf(name, sizeof name, "walk_cache_s1[%d]", l);
        if (!check_cache(&c->walk_cache_s1[l], name, err, errlen)) return false;
        snprintf(name, sizeof name, "walk_cache_s2[%d]", l);
        if (!check_cache(&c->walk_cache_s2[l], name, err, errlen)) return false;
    }
    return true;
}

bool smmu_config_check(const smmu_config_t *cfg, char *err, size_t errlen)
{
    if (err && errlen) err[0] = 0;
    if (!cfg) return fail(err, errlen, "no configuration");
    return check_config(cfg, err, errlen);
}

smmu_t *smmu_create(const smmu_config_t *cfg, const smmu_host_t *host, char *err, size_t errlen)
{
    if (err && errlen) err[0] = 0;
    if (!cfg || !host || !host->mem_read || !host->mem_write) {
        fail(err, errlen, "smmu_create needs a configuration and a host with mem_read and mem_write");
        return NULL;
    }
    if (!check_config(cfg, err, errlen)) return NULL;
    smmu_t *s = calloc(1, sizeof *s);
    if (!s) { fail(err, errlen, "out of memory"); return NULL; }
    s->cfg = *cfg;
    s->host = *host;
    s->rng = cfg->seed ? cfg->seed : 0x9E3779B97F4A7C15ull;
    smmu_idregs_build(s);
    smmu_regs_reset(s);
    s->cfg_gen = 1;
    if (smmu_tbuctx_create(s, err, errlen) || smmu_cfgcache_create(s, err, errlen) || smmu_tlbs_create(s, err, errlen) ||
        smmu_stalls_create(s, err, errlen) || smmu_sstats_create(s, err, errlen)) {
        smmu_destroy(s);
        return NULL;
    }
    return s;
}

void smmu_destroy(smmu_t *s)
{
    if (!s) return;
    smmu_sstats_destroy(s);
    smmu_atc_destroy(s);
    smmu_stalls_destroy(s);
    smmu_tlbs_destroy(s);
    smmu_cfgcache_destroy(s);
    smmu_tbuctx_destroy(s);
    free(s);
}

int smmu_mem_read(smmu_t *s, uint64_t pa, void *dst, size_t len, smmu_cost_t *cost)
{
    if (cost) cost->reads++;
    int rc = s->host.mem_read(s->host.ctx, pa, dst, len);
    if (rc) memset(dst, 0, len);
    return rc;
}

int smmu_mem_write(smmu_t *s, uint64_t pa, const void *src, size_t len, smmu_cost_t *cost)
{
    if (cost) cost->writes++;
    return s->host.mem_write(s->host.ctx, pa, src, len);
}
