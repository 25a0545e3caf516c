// SPDX-License-Identifier: BSD-3-Clause
// Streaming DMA buffer ownership: the driver unmaps a buffer only once the device has finished with it, and the
// device waits for a buffer the driver has taken back.
#include <gtest/gtest.h>

#include "driver/streaming.h"

using smmusim::StreamingBuffers;

namespace {

TEST(StreamingBuffers, TransactionsCountOnEveryBufferTheyTouch)
{
    StreamingBuffers b(0x10000, 0x4000, 0x1000);        // four 4K buffers
    ASSERT_EQ(b.count(), 4u);
    EXPECT_EQ(b.iova(2), 0x12000u);
    struct { uint64_t addr, len; uint32_t want[4]; } cases[] = {
        {0x10000, 64, {1, 0, 0, 0}},
        {0x10FC0, 128, {1, 1, 0, 0}},                    // straddles buffers 0 and 1
        {0x11000, 0x3000, {0, 1, 1, 1}},
        {0x0F000, 0x2000, {1, 0, 0, 0}},                 // starts below the region
        {0x13FFF, 0x100, {0, 0, 0, 1}},                  // runs past its end
        {0x14000, 64, {0, 0, 0, 0}},                     // outside
        {0x8000, 64, {0, 0, 0, 0}},
    };
    for (const auto &c : cases) {
        b.start(c.addr, c.len);
        for (size_t i = 0; i < 4; i++) EXPECT_EQ(b.in_flight(i), c.want[i]) << std::hex << c.addr << " buffer " << i;
        b.finish(c.addr, c.len);
        for (size_t i = 0; i < 4; i++) EXPECT_TRUE(b.idle(i));
    }
}

TEST(StreamingBuffers, ATakenBufferBlocksNewTransactionsUntilGivenBack)
{
    StreamingBuffers b(0x10000, 0x4000, 0x1000);
    b.start(0x11000, 64);
    b.take(1);
    EXPECT_FALSE(b.idle(1)) << "the driver waits: a transaction is in flight on it";
    EXPECT_FALSE(b.may_start(0x11800, 64));
    EXPECT_FALSE(b.may_start(0x10FC0, 128)) << "touches buffer 1";
    EXPECT_TRUE(b.may_start(0x10000, 64));
    EXPECT_TRUE(b.may_start(0x20000, 64)) << "outside the buffers";
    b.finish(0x11000, 64);
    EXPECT_TRUE(b.idle(1));
    b.take(1);                                           // a second remap of the same buffer
    b.give(1);
    EXPECT_FALSE(b.may_start(0x11000, 64)) << "still taken by the other remap";
    b.give(1);
    EXPECT_TRUE(b.may_start(0x11000, 64));
}

TEST(StreamingBuffers, APartialLastBufferIsNone)
{
    StreamingBuffers b(0x10000, 0x2800, 0x1000);
    EXPECT_EQ(b.count(), 2u);
    StreamingBuffers none(0x10000, 0x800, 0x1000);
    EXPECT_EQ(none.count(), 0u);
    EXPECT_TRUE(none.may_start(0x10000, 64));
}

} // namespace
