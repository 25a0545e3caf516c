/* SPDX-License-Identifier: BSD-3-Clause */
// The two ways the driver model touches the hardware: an SMMU register frame and physical memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <unordered_map>

namespace smmusim {

// Register frame of one SMMU (page 0 at 0, page 1 at 0x10000).
class RegisterPort {
public:
    virtual ~RegisterPort() = default;
    virtual uint32_t read32(uint64_t off) = 0;
    virtual uint64_t read64(uint64_t off) = 0;
    virtual void write32(uint64_t off, uint32_t v) = 0;
    virtual void write64(uint64_t off, uint64_t v) = 0;
    // Called between two polls of a register or memory word; a timed platform lets time pass here.
    virtual void relax() {}
};

// Physical memory as the CPU sees it; false = external abort.
class PhysMemory {
public:
    virtual ~PhysMemory() = default;
    virtual bool read(uint64_t pa, void *dst, size_t len) = 0;
    virtual bool write(uint64_t pa, const void *src, size_t len) = 0;
    uint64_t r64(uint64_t pa) { uint8_t b[8] = {}; read(pa, b, 8); return le64(b); }
    uint32_t r32(uint64_t pa) { uint8_t b[4] = {}; read(pa, b, 4); return (uint32_t)le64_n(b, 4); }
    void w64(uint64_t pa, uint64_t v) { uint8_t b[8]; for (int i = 0; i < 8; i++) b[i] = (uint8_t)(v >> (8 * i)); write(pa, b, 8); }
    void w32(uint64_t pa, uint32_t v) { uint8_t b[4]; for (int i = 0; i < 4; i++) b[i] = (uint8_t)(v >> (8 * i)); write(pa, b, 4); }
    static uint64_t le64(const uint8_t *b) { return le64_n(b, 8); }
    static uint64_t le64_n(const uint8_t *b, int n) { uint64_t v = 0; for (int i = n - 1; i >= 0; i--) v = v << 8 | b[i]; return v; }
};

// Sparse memory in 4 KiB pages; unwritten memory reads as zero. Optional window [lo, hi) outside which accesses abort.
class SparseMemory : public PhysMemory {
public:
    bool read(uint64_t pa, void *dst, size_t len) override;
    bool write(uint64_t pa, const void *src, size_t len) override;
    void set_window(uint64_t lo, uint64_t hi) { lo_ = lo; hi_ = hi; }
    size_t pages() const { return pages_.size(); }
    uint64_t reads = 0, writes = 0;
private:
    bool inside(uint64_t pa, size_t len) const { return pa >= lo_ && len <= hi_ - lo_ && pa - lo_ <= hi_ - lo_ - len; }
    uint8_t *find(uint64_t page);                   // the page's bytes, nullptr if never written
    std::unordered_map<uint64_t, std::unique_ptr<uint8_t[]>> pages_;
    // Pages found lately, by page number (pages never move or go): the walker's and the page-table builder's
    // accesses to a few table pages, and runs of data accesses, skip the hash lookup.
    static constexpr unsigned kRecent = 16;
    struct Recent { uint64_t page = 0; uint8_t *bytes = nullptr; } recent_[kRecent];
    uint64_t lo_ = 0, hi_ = ~0ull;
};

// Allocator of simulated physical memory (the kernel's page allocator for tables and queues).
// First fit over a free list; blocks are naturally aligned to `align`.
class PhysAllocator {
public:
    PhysAllocator(uint64_t base, uint64_t size) { free_[base] = size; }
    uint64_t alloc(uint64_t size, uint64_t align);   // 0 when exhausted
    void release(uint64_t pa, uint64_t size);
    uint64_t in_use() const { return in_use_; }
private:
    std::map<uint64_t, uint64_t> free_;             // base -> size
    uint64_t in_use_ = 0;
};

} // namespace smmusim
