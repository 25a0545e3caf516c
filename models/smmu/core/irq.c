/* SPDX-License-Identifier: BSD-3-Clause */
/* Global errors and interrupt delivery: GERROR/GERRORN toggling, wired pulses and MSIs (IHI 0070 3.18, 7.5). */
#include "internal.h"

/* Service Failure Mode (12.3) is never entered by the model on its own: it has no RAS errors to report.
 * SFM_ERR is still a valid GERROR bit that smmu_gerror_raise() can activate. */

int smmu_msi_write(struct smmu_core *s, uint64_t addr, uint32_t data)
{
    uint8_t b[4] = { (uint8_t)data, (uint8_t)(data >> 8), (uint8_t)(data >> 16), (uint8_t)(data >> 24) };
    return smmu_mem_write(s, addr & ~3ull, b, sizeof b, NULL);
}

static void wired_pulse(struct smmu_core *s, smmu_irq_t line)
{
    if (!s->host.irq) return;                  /* no wired outputs connected */
    s->host.irq(s->host.ctx, line, true);
    s->host.irq(s->host.ctx, line, false);
}

/* 3.18.2: an enabled source pulses its wired output and, when MSIs are supported and its ADDR is non-zero,
 * also sends its MSI (MMU-700 implements both). The caller checks the IRQ_CTRL enable. */
void smmu_irq_signal(struct smmu_core *s, smmu_irq_t line)
{
    const smmu_irq_cfg_t *c = NULL;
    uint32_t abt = 0;
    switch (line) {
    case SMMU_IRQ_EVTQ:   c = &s->evtq_irq;   abt = GERROR_MSI_EVTQ_ABT_ERR;   break;
    case SMMU_IRQ_PRIQ:   c = &s->priq_irq;   abt = GERROR_MSI_PRIQ_ABT_ERR;   break;
    case SMMU_IRQ_GERROR: c = &s->gerror_irq; abt = GERROR_MSI_GERROR_ABT_ERR; break;
    case SMMU_IRQ_CMD_SYNC: break;             /* the CMD_SYNC MSI is described by the command itself */
    case SMMU_IRQ_PMCG: break;                 /* the PMCG sends its own MSI (10.5) */
    }
    wired_pulse(s, line);
    if (c && s->cfg.msi && c->addr && smmu_msi_write(s, c->addr, c->data))
        smmu_gerror_raise(s, abt);             /* 3.18.1: an aborted MSI is reported in GERROR */
}

void smmu_gerror_raise(struct smmu_core *s, uint32_t bits)
{
    uint32_t fresh = bits & GERROR_MASK & ~(s->gerror ^ s->gerrorn);   /* 6.3.19: never toggle an active error */
    if (!s->cfg.msi) fresh &= ~(GERROR_MSI_CMDQ_ABT_ERR | GERROR_MSI_EVTQ_ABT_ERR | GERROR_MSI_PRIQ_ABT_ERR |
                                GERROR_MSI_GERROR_ABT_ERR);
    if (!s->cfg.pri) fresh &= ~(GERROR_PRIQ_ABT_ERR | GERROR_MSI_PRIQ_ABT_ERR);
    if (!fresh) return;
    s->gerror ^= fresh;
    /* 7.5.1: MSI_GERROR_ABT_ERR alone triggers no GERROR interrupt (another MSI to that address may abort again). */
    if ((fresh & ~GERROR_MSI_GERROR_ABT_ERR) && (s->irq_ctrlack & IRQ_CTRL_GERROR_IRQEN))
        smmu_irq_signal(s, SMMU_IRQ_GERROR);
}
