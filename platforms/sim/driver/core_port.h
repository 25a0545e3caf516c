/* SPDX-License-Identifier: BSD-3-Clause */
// Wiring the driver model straight to the C core: registers through smmu_reg_read/write, memory shared.
#pragma once

extern "C" {
#include <smmu/smmu.h>
}

#include "hw.h"

namespace smmusim {

class CorePort : public RegisterPort {
public:
    explicit CorePort(smmu_t *s = nullptr) : smmu(s) {}
    smmu_t *smmu;
    uint32_t read32(uint64_t off) override { return (uint32_t)smmu_reg_read(smmu, off, 4); }
    uint64_t read64(uint64_t off) override { return smmu_reg_read(smmu, off, 8); }
    void write32(uint64_t off, uint32_t v) override { smmu_reg_write(smmu, off, v, 4); }
    void write64(uint64_t off, uint64_t v) override { smmu_reg_write(smmu, off, v, 8); }
    // A stepped command queue advances while the driver waits.
    void relax() override { uint32_t c; smmu_cmdq_step(smmu, &c); }
};

// An smmu_host_t whose memory is `mem`; irq edges are counted.
struct CoreHost {
    PhysMemory *mem;
    unsigned irq_edges[SMMU_IRQ_COUNT] = {};
    bool level[SMMU_IRQ_COUNT] = {};
    smmu_host_t host() {
        smmu_host_t h{};
        h.ctx = this;
        h.mem_read = [](void *c, uint64_t pa, void *dst, size_t len) { return static_cast<CoreHost *>(c)->mem->read(pa, dst, len) ? 0 : -1; };
        h.mem_write = [](void *c, uint64_t pa, const void *src, size_t len) { return static_cast<CoreHost *>(c)->mem->write(pa, src, len) ? 0 : -1; };
        h.irq = [](void *c, smmu_irq_t line, bool lvl) {
            auto *self = static_cast<CoreHost *>(c);
            if (lvl && !self->level[line]) self->irq_edges[line]++;
            self->level[line] = lvl;
        };
        return h;
    }
};

} // namespace smmusim
