/* Minimal consumer of the installed C core (smmuv3::core / pkg-config smmuv3-core): creates an SMMU and reads
 * its ID registers (IHI 0070 6.3.1 SMMU_IDR0, 6.3.7 SMMU_AIDR). Replaceable by the real examples. */
#include <stdio.h>
#include <string.h>

#include <smmu/smmu.h>

static unsigned char mem[4096];

static int mem_read(void *ctx, uint64_t pa, void *dst, size_t len)
{
    (void)ctx;
    if (pa > sizeof mem || len > sizeof mem - pa) return 1;
    memcpy(dst, mem + pa, len);
    return 0;
}

static int mem_write(void *ctx, uint64_t pa, const void *src, size_t len)
{
    (void)ctx;
    if (pa > sizeof mem || len > sizeof mem - pa) return 1;
    memcpy(mem + pa, src, len);
    return 0;
}

int main(void)
{
    smmu_config_t cfg;
    smmu_config_default(&cfg);
    cfg.s1p = true;
    cfg.s2p = false;
    cfg.hyp = cfg.vmw = false;   /* IDR0.HYP and VMW need stage 2 */
    smmu_host_t host = { NULL, mem_read, mem_write, NULL };
    char err[256];
    smmu_t *smmu = smmu_create(&cfg, &host, err, sizeof err);
    if (!smmu) { fprintf(stderr, "smmu_create: %s\n", err); return 1; }
    uint32_t idr0 = (uint32_t)smmu_reg_read(smmu, 0x0, 4);
    uint32_t aidr = (uint32_t)smmu_reg_read(smmu, 0x1C, 4);
    smmu_destroy(smmu);
    int s1p = (idr0 >> 1) & 1, s2p = idr0 & 1;
    printf("IDR0=0x%08x S1P=%d S2P=%d AIDR=0x%x\n", idr0, s1p, s2p, aidr);
    /* IDR0.S1P (bit 1) and S2P (bit 0) advertise what the config asked; AIDR.ArchMinorRev its minor revision. */
    if (s1p != 1 || s2p != 0 || (aidr & 0xF) != cfg.arch_minor) { fprintf(stderr, "unexpected ID registers\n"); return 1; }
    return 0;
}
