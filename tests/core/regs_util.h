/* SPDX-License-Identifier: BSD-3-Clause */
// Helpers shared by the register, command-queue, event-queue and GERROR tests.
#pragma once

#include "harness.h"

extern "C" {
#include "internal.h"
}

namespace regs_util {

enum : uint32_t {
    CR0 = SMMU_CR0, CR0ACK = SMMU_CR0ACK, GBPA = SMMU_GBPA, IRQ_CTRL = SMMU_IRQ_CTRL, IRQ_CTRLACK = SMMU_IRQ_CTRLACK,
    GERROR = SMMU_GERROR, GERRORN = SMMU_GERRORN, GERROR_IRQ_CFG0 = SMMU_GERROR_IRQ_CFG0,
    GERROR_IRQ_CFG1 = SMMU_GERROR_IRQ_CFG1, GERROR_IRQ_CFG2 = SMMU_GERROR_IRQ_CFG2,
    CMDQ_BASE = SMMU_CMDQ_BASE, CMDQ_PROD = SMMU_CMDQ_PROD, CMDQ_CONS = SMMU_CMDQ_CONS,
    EVENTQ_BASE = SMMU_EVENTQ_BASE, EVENTQ_IRQ_CFG0 = SMMU_EVENTQ_IRQ_CFG0, EVENTQ_IRQ_CFG1 = SMMU_EVENTQ_IRQ_CFG1,
    EVENTQ_IRQ_CFG2 = SMMU_EVENTQ_IRQ_CFG2, PRIQ_BASE = SMMU_PRIQ_BASE, PRIQ_IRQ_CFG0 = SMMU_PRIQ_IRQ_CFG0,
    PRIQ_IRQ_CFG1 = SMMU_PRIQ_IRQ_CFG1, PRIQ_IRQ_CFG2 = SMMU_PRIQ_IRQ_CFG2,
    EVENTQ_PROD = SMMU_EVENTQ_PROD, EVENTQ_CONS = SMMU_EVENTQ_CONS, PRIQ_PROD = SMMU_PRIQ_PROD, PRIQ_CONS = SMMU_PRIQ_CONS,
};

constexpr uint32_t kErrShift = SMMU_CMDQ_CONS_ERR_SHIFT;
constexpr uint32_t kErrMask = SMMU_CMDQ_CONS_ERR_MASK;

// GERROR bits that are active (GERROR != GERRORN).
inline uint32_t active(th::Smmu &t) { return t.r32(GERROR) ^ t.r32(GERRORN); }

// Acknowledge every active global error, as a driver does after handling them.
inline void ack_all(th::Smmu &t) { t.w32(GERRORN, t.r32(GERROR)); }

// Only the command queue enabled: CMDQ_BASE at th::kCmdq with t.cmdq_log2 entries.
inline void cmdq_only(th::Smmu &t) {
    t.w64(CMDQ_BASE, th::kCmdq | t.cmdq_log2);
    t.w32(CMDQ_PROD, 0);
    t.w32(CMDQ_CONS, 0);
    t.cmd_prod = 0;
    t.w32(CR0, SMMU_CR0_CMDQEN);
}

// Writes a 32-bit value as the MSI log holds it.
inline bool logged_u32(const th::Memory &m, uint64_t pa, uint32_t data) {
    for (const auto &w : m.write_log) {
        if (w.pa == pa && w.data.size() == 4) {
            uint32_t v;
            std::memcpy(&v, w.data.data(), 4);
            if (v == data) return true;
        }
    }
    return false;
}

inline size_t writes_to(const th::Memory &m, uint64_t pa) {
    size_t n = 0;
    for (const auto &w : m.write_log) n += w.pa == pa;
    return n;
}

} // namespace regs_util
