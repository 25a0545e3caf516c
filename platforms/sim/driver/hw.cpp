// SPDX-License-Identifier: BSD-3-Clause
#include "hw.h"

#include <algorithm>
#include <iterator>

namespace smmusim {

uint8_t *SparseMemory::find(uint64_t page)
{
    Recent &r = recent_[(page >> 12) % kRecent];
    if (r.bytes && r.page == page) return r.bytes;
    auto it = pages_.find(page);
    if (it == pages_.end()) return nullptr;
    r = {page, it->second.get()};
    return r.bytes;
}

bool SparseMemory::read(uint64_t pa, void *dst, size_t len)
{
    if (!inside(pa, len)) return false;
    reads++;
    auto *out = static_cast<uint8_t *>(dst);
    while (len) {
        uint64_t page = pa & ~0xFFFull, off = pa & 0xFFF;
        size_t n = std::min<size_t>(len, 4096 - off);
        const uint8_t *p = find(page);
        if (!p) std::memset(out, 0, n);
        else std::memcpy(out, p + off, n);
        out += n; pa += n; len -= n;
    }
    return true;
}

bool SparseMemory::write(uint64_t pa, const void *src, size_t len)
{
    if (!inside(pa, len)) return false;
    writes++;
    auto *in = static_cast<const uint8_t *>(src);
    while (len) {
        uint64_t page = pa & ~0xFFFull, off = pa & 0xFFF;
        size_t n = std::min<size_t>(len, 4096 - off);
        uint8_t *p = find(page);
        if (!p) {
            auto &fresh = pages_[page];
            fresh.reset(new uint8_t[4096]);
            std::memset(fresh.get(), 0, 4096);
            p = fresh.get();
            recent_[(page >> 12) % kRecent] = {page, p};
        }
        std::memcpy(p + off, in, n);
        in += n; pa += n; len -= n;
    }
    return true;
}

uint64_t PhysAllocator::alloc(uint64_t size, uint64_t align)
{
    if (!size) size = 1;
    if (!align) align = 1;
    for (auto it = free_.begin(); it != free_.end(); ++it) {
        uint64_t base = it->first, len = it->second;
        uint64_t start = (base + align - 1) & ~(align - 1);
        if (start < base || start - base > len || len - (start - base) < size) continue;
        free_.erase(it);
        if (start > base) free_[base] = start - base;
        uint64_t tail = len - (start - base) - size;
        if (tail) free_[start + size] = tail;
        in_use_ += size;
        return start;
    }
    return 0;
}

void PhysAllocator::release(uint64_t pa, uint64_t size)
{
    in_use_ -= size;
    auto it = free_.emplace(pa, size).first;
    auto next = std::next(it);
    if (next != free_.end() && pa + size == next->first) { it->second += next->second; free_.erase(next); }
    if (it != free_.begin()) {
        auto prev = std::prev(it);
        if (prev->first + prev->second == it->first) { prev->second += it->second; free_.erase(it); }
    }
}

} // namespace smmusim
