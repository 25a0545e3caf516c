// SPDX-License-Identifier: BSD-3-Clause
// Buffer ownership between the driver and the device for streaming DMA (see streaming.h).
#include "streaming.h"

#include <algorithm>

namespace smmusim {

StreamingBuffers::StreamingBuffers(uint64_t base, uint64_t size, uint64_t buffer_size)
    : base_(base), bsz_(buffer_size ? buffer_size : 1)
{
    const size_t n = (size_t)(size / bsz_);
    inflight_.assign(n, 0);
    taken_.assign(n, 0);
}

bool StreamingBuffers::range(uint64_t addr, uint64_t len, size_t *first, size_t *last) const
{
    const uint64_t end = base_ + count() * bsz_;
    if (!len || addr >= end || addr + len <= base_ || addr + len < addr) return false;
    const uint64_t lo = std::max(addr, base_), hi = std::min(addr + len, end) - 1;
    *first = (size_t)((lo - base_) / bsz_);
    *last = (size_t)((hi - base_) / bsz_);
    return true;
}

bool StreamingBuffers::may_start(uint64_t addr, uint64_t len) const
{
    size_t a, b;
    if (!range(addr, len, &a, &b)) return true;
    for (size_t i = a; i <= b; i++)
        if (taken_[i]) return false;
    return true;
}

void StreamingBuffers::start(uint64_t addr, uint64_t len)
{
    size_t a, b;
    if (range(addr, len, &a, &b))
        for (size_t i = a; i <= b; i++) inflight_[i]++;
}

void StreamingBuffers::finish(uint64_t addr, uint64_t len)
{
    size_t a, b;
    if (range(addr, len, &a, &b))
        for (size_t i = a; i <= b; i++) inflight_[i]--;
}

} // namespace smmusim
