/* SPDX-License-Identifier: BSD-3-Clause */
// Streaming DMA as Linux does it (dma_map_single / dma_unmap_single): the driver takes a buffer back and unmaps
// it only once the device has finished with it, and the device does not start on a buffer the driver has taken
// back until it is mapped again. The SoC waits on these answers; nothing here knows about time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace smmusim {

class StreamingBuffers {
public:
    // `size` bytes from `base` in buffers of `buffer_size` (a partial last buffer is not one).
    StreamingBuffers(uint64_t base, uint64_t size, uint64_t buffer_size);
    size_t count() const { return inflight_.size(); }
    uint64_t iova(size_t i) const { return base_ + i * bsz_; }
    // A transaction over [addr, addr + len) may start: no buffer it touches has been taken back.
    bool may_start(uint64_t addr, uint64_t len) const;
    void start(uint64_t addr, uint64_t len);    // in flight on every buffer it touches
    void finish(uint64_t addr, uint64_t len);
    void take(size_t i) { taken_[i]++; }         // the driver takes buffer i back (nested takes count)
    bool idle(size_t i) const { return inflight_[i] == 0; }
    void give(size_t i) { taken_[i]--; }         // mapped again: the device may use it
    uint32_t in_flight(size_t i) const { return inflight_[i]; }

private:
    bool range(uint64_t addr, uint64_t len, size_t *first, size_t *last) const;
    uint64_t base_, bsz_;
    std::vector<uint32_t> inflight_, taken_;
};

} // namespace smmusim
