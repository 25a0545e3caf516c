// SPDX-License-Identifier: BSD-3-Clause
// Regression tests from the libFuzzer targets' reproducers (tests/fuzz, docs/robustness.md).
#include "harness.h"

namespace {

using th::Smmu;

struct FuzzRegress : Smmu {};

// fuzz_queues crash-3603fd25 / fuzz_core crash-95950310: CMDQ_CONS and EVENTQ_PROD read back bits above the
// wrap flag of the configured queue size. 6.3.28, 6.3.95: if QS < 19, bits [19:QS+1] are RAZ.
struct PtrCase { uint64_t base_reg, ptr_reg, base; uint32_t written, read; };

TEST_F(FuzzRegress, SmmuOwnedQueuePointersReadZeroAboveTheWrapFlag) {
    create();
    const PtrCase cases[] = {
        {0x90, 0x9C, th::kCmdq | 3, 0x00000012u, 0x00000002u},       // CMDQ_CONS, QS 3: RD[2:0], wrap bit 3
        {0x90, 0x9C, th::kCmdq | 3, 0x020FFFFFu, 0x0200000Fu},       // ERR kept (6.3.28 permits it), RD masked
        {0x90, 0x9C, th::kCmdq | 0, 0x00000003u, 0x00000001u},       // QS 0: only the wrap bit
        {0xA0, 0x100A8, th::kEvtq | 5, 0x800000BDu, 0x8000003Du},    // EVENTQ_PROD, QS 5: OVFLG kept
        {0xA0, 0x100A8, th::kEvtq | 19, 0x000FFFFFu, 0x000FFFFFu},   // QS 19: nothing to clear
    };
    for (const auto &c : cases) {
        w64(c.base_reg, c.base);
        w32(c.ptr_reg, c.written);
        EXPECT_EQ(r32(c.ptr_reg), c.read) << std::hex << "reg 0x" << c.ptr_reg << " written 0x" << c.written;
    }
}

// The index the SMMU consumes from still follows the truncated pointer: CONS 0x12 with QS 3 consumes slot 2.
TEST_F(FuzzRegress, TruncatedConsStillConsumesTheRightSlot) {
    cmdq_log2 = 3;
    bringup(false);
    set_cr0(0);
    w32(0x98, 0x12);   // PROD = CONS with stray high bits: empty queue
    w32(0x9C, 0x12);
    set_cr0(0x8);
    mem.w64(th::kCmdq + 2 * 16, th::cmd::sync()[0]);
    mem.w64(th::kCmdq + 2 * 16 + 8, 0);
    w32(0x98, 0x3);
    EXPECT_EQ(r32(0x9C), 0x3u);
    EXPECT_EQ(r32(0x60) & 1, 0u) << "no CMDQ_ERR";
}

} // namespace
