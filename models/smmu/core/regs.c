/* STUB: owned by the registers helper; replaced by the real register file. */
#include "internal.h"

void smmu_idregs_build(struct smmu_core *s) { (void)s; }
void smmu_regs_reset(struct smmu_core *s) { (void)s; }
uint64_t smmu_reg_read(smmu_t *s, uint64_t off, unsigned size) { (void)s; (void)off; (void)size; return 0; }
void smmu_reg_write(smmu_t *s, uint64_t off, uint64_t v, unsigned size) { (void)s; (void)off; (void)v; (void)size; }
void smmu_gerror_raise(struct smmu_core *s, uint32_t bits) { s->gerror ^= bits; }
void smmu_irq_signal(struct smmu_core *s, smmu_irq_t line) { (void)s; (void)line; }
int smmu_msi_write(struct smmu_core *s, uint64_t addr, uint32_t data) { (void)s; (void)addr; (void)data; return 0; }
unsigned smmu_queue_log2size(uint64_t base, unsigned max_log2) { unsigned l = base & 0x1F; return l > max_log2 ? max_log2 : l; }
