/* SPDX-License-Identifier: BSD-3-Clause */
// A register-level stand-in for an SMMU, for testing the driver model's sequences without the C core:
// enables are acknowledged, commands are consumed on a CMDQ_PROD write and logged, CMD_SYNC CS=IRQ writes its MSI.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "driver/driver.h"

namespace fake {

struct Access { char kind; unsigned size; uint64_t off, val; };   // kind 'R' or 'W'

class Smmu : public smmusim::RegisterPort {
public:
    // QEMU's defaults (linux-driver-sequence.md 2.7).
    uint32_t idr0 = 0x0D44101A, idr1 = 0x02730010, idr3 = 0x1404, idr5 = 0x74, iidr = 0;
    smmusim::PhysMemory &mem;
    std::vector<Access> log;
    std::vector<smmusim::Cmd> cmds;          // every command consumed, in order
    std::set<uint8_t> illegal;               // opcodes answered with CERROR_ILL
    uint32_t cr0 = 0, irq_ctrl = 0, gerror = 0, gerrorn = 0, cmdq_prod = 0, cmdq_cons = 0, evtq_prod = 0, evtq_cons = 0;
    uint64_t cmdq_base = 0, evtq_base = 0, strtab_base = 0;
    uint32_t strtab_cfg = 0;

    explicit Smmu(smmusim::PhysMemory &m) : mem(m) {}
    unsigned cmdq_log2() const { return (unsigned)(cmdq_base & 0x1F); }
    uint64_t cmdq_addr() const { return cmdq_base & 0x000FFFFFFFFFFFE0ull; }

    uint32_t reg(uint64_t off) {
        switch (off) {
        case 0x0: return idr0; case 0x4: return idr1; case 0xC: return idr3; case 0x14: return idr5;
        case 0x18: return iidr; case 0x20: case 0x24: return cr0; case 0x50: case 0x54: return irq_ctrl;
        case 0x60: return gerror; case 0x64: return gerrorn; case 0x98: return cmdq_prod; case 0x9C: return cmdq_cons;
        case 0x88: return strtab_cfg; case 0x100A8: return evtq_prod; case 0x100AC: return evtq_cons;
        default: return 0;
        }
    }
    uint32_t read32(uint64_t off) override { uint32_t v = reg(off); log.push_back({'R', 4, off, v}); return v; }
    uint64_t read64(uint64_t off) override { log.push_back({'R', 8, off, 0}); return 0; }
    void write64(uint64_t off, uint64_t v) override {
        log.push_back({'W', 8, off, v});
        if (off == 0x90) cmdq_base = v;
        if (off == 0xA0) evtq_base = v;
        if (off == 0x80) strtab_base = v;
    }
    void write32(uint64_t off, uint32_t v) override {
        log.push_back({'W', 4, off, v});
        switch (off) {
        case 0x20: cr0 = v; break;
        case 0x50: irq_ctrl = v; break;
        case 0x88: strtab_cfg = v; break;
        case 0x64: gerrorn = v; consume(); break;
        case 0x98: cmdq_prod = v; consume(); break;
        case 0x9C: cmdq_cons = v; break;
        case 0x100A8: evtq_prod = v; break;
        case 0x100AC: evtq_cons = v; break;
        }
    }
    void consume() {
        if (!(cr0 & 8) || ((gerror ^ gerrorn) & 1)) return;
        uint32_t mask = (1u << cmdq_log2()) - 1, mask2 = (2u << cmdq_log2()) - 1;
        while ((cmdq_cons & mask2) != (cmdq_prod & mask2)) {
            uint64_t slot = cmdq_addr() + 16ull * (cmdq_cons & mask);
            smmusim::Cmd c{mem.r64(slot), mem.r64(slot + 8)};
            if (illegal.count((uint8_t)c[0])) {
                cmdq_cons = (cmdq_cons & mask2) | 1u << 24;   // CERROR_ILL
                gerror ^= 1;
                return;
            }
            cmds.push_back(c);
            if ((uint8_t)c[0] == 0x46 && ((c[0] >> 12) & 3) == 1) mem.w32(c[1] & 0x000FFFFFFFFFFFFCull, (uint32_t)(c[0] >> 32));
            cmdq_cons = ((cmdq_cons & mask2) + 1) & mask2;
        }
    }
    // Append an event record as the SMMU would.
    void post_event(const std::array<uint64_t, 4> &r) {
        unsigned l2 = (unsigned)(evtq_base & 0x1F);
        uint32_t mask = (1u << l2) - 1, mask2 = (2u << l2) - 1;
        uint64_t slot = (evtq_base & 0x000FFFFFFFFFFFE0ull) + 32ull * (evtq_prod & mask);
        for (int i = 0; i < 4; i++) mem.w64(slot + 8 * i, r[i]);
        evtq_prod = (evtq_prod & 0x80000000u) | (((evtq_prod & mask2) + 1) & mask2);
    }
    std::vector<smmusim::Cmd> take_cmds() { auto c = cmds; cmds.clear(); return c; }
};

inline std::vector<uint8_t> opcodes(const std::vector<smmusim::Cmd> &c) {
    std::vector<uint8_t> o;
    for (auto &x : c) o.push_back((uint8_t)x[0]);
    return o;
}

} // namespace fake
