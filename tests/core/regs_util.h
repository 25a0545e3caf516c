// Helpers shared by the register, command-queue, event-queue and GERROR tests.
#pragma once

#include "harness.h"

extern "C" {
#include "internal.h"
}

namespace regs_util {

enum : uint32_t {
    CR0 = 0x20, CR0ACK = 0x24, GBPA = 0x44, IRQ_CTRL = 0x50, IRQ_CTRLACK = 0x54, GERROR = 0x60, GERRORN = 0x64,
    GERROR_IRQ_CFG0 = 0x68, GERROR_IRQ_CFG1 = 0x70, GERROR_IRQ_CFG2 = 0x74,
    CMDQ_BASE = 0x90, CMDQ_PROD = 0x98, CMDQ_CONS = 0x9C,
    EVENTQ_BASE = 0xA0, EVENTQ_IRQ_CFG0 = 0xB0, EVENTQ_IRQ_CFG1 = 0xB8, EVENTQ_IRQ_CFG2 = 0xBC,
    PRIQ_BASE = 0xC0, PRIQ_IRQ_CFG0 = 0xD0, PRIQ_IRQ_CFG1 = 0xD8, PRIQ_IRQ_CFG2 = 0xDC,
    EVENTQ_PROD = 0x100A8, EVENTQ_CONS = 0x100AC, PRIQ_PROD = 0x100C8, PRIQ_CONS = 0x100CC,
};

constexpr uint32_t kErrShift = 24;
constexpr uint32_t kErrMask = 0x7Fu << kErrShift;

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
    t.w32(CR0, 0x8);
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
