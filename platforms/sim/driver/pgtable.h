/* SPDX-License-Identifier: BSD-3-Clause */
// VMSAv8-64 page tables in the io-pgtable-arm (ARM_64_LPAE_S1 / ARM_64_LPAE_S2) layout, built in simulated memory.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "hw.h"

namespace smmusim {

enum class Stage { S1, S2 };

// The IOMMU_* protection flags of the Linux IOMMU API.
enum Prot : unsigned {
    PROT_READ = 1, PROT_WRITE = 2, PROT_CACHE = 4, PROT_NOEXEC = 8, PROT_MMIO = 16, PROT_PRIV = 32,
};

struct PgtableConfig {
    Stage stage = Stage::S1;
    unsigned granule_log2 = 12;   // 12, 14 or 16
    unsigned ias = 48, oas = 48;
    bool coherent = true;         // walks are cacheable + inner shareable
    bool quirk_hd = false;        // IO_PGTABLE_QUIRK_ARM_HD: writable pages get DBM
};

// Pages unmapped since the last flush, in contiguous runs of one page size (iommu_iotlb_gather).
struct TlbGather {
    struct Range { uint64_t start, size, pgsize; };
    std::vector<Range> ranges;
    void add_page(uint64_t iova, uint64_t size);
    bool empty() const { return ranges.empty(); }
};

class IoPgtable {
public:
    IoPgtable(const PgtableConfig &cfg, PhysMemory &mem, PhysAllocator &alloc);
    ~IoPgtable();
    IoPgtable(const IoPgtable &) = delete;
    IoPgtable &operator=(const IoPgtable &) = delete;

    bool ok() const { return pgd_ != 0; }
    const PgtableConfig &config() const { return cfg_; }
    uint64_t pgsize_bitmap() const { return pgsizes_; }
    int start_level() const { return start_level_; }

    // 0, or -EEXIST (already mapped), -EINVAL (bad size/alignment/range), -ENOMEM.
    int map(uint64_t iova, uint64_t pa, uint64_t pgsize, uint64_t count, unsigned prot);
    // Bytes unmapped; unmapped pages are added to `gather` (may be null).
    uint64_t unmap(uint64_t iova, uint64_t pgsize, uint64_t count, TlbGather *gather);
    // Map/unmap a region choosing the largest page size that fits each step (iommu_pgsize()), up to max_pgsize.
    int map_region(uint64_t iova, uint64_t pa, uint64_t size, unsigned prot, uint64_t max_pgsize = ~0ull);
    uint64_t unmap_region(uint64_t iova, uint64_t size, TlbGather *gather);

    // Walk the tables in memory: output address, leaf descriptor and its level.
    bool iova_to_phys(uint64_t iova, uint64_t *pa, uint64_t *desc = nullptr, int *level = nullptr);
    // The same walk over other tables of this geometry (e.g. tables another implementation built).
    bool walk(PhysMemory &mem, uint64_t ttbr, uint64_t iova, uint64_t *pa, uint64_t *desc = nullptr, int *level = nullptr) const;

    // Called when a table is removed (io_pgtable_tlb_flush_walk): iova, size, granule.
    std::function<void(uint64_t, uint64_t, uint64_t)> on_flush_walk;

    // Register values (io_pgtable_cfg.arm_lpae_s1_cfg / arm_lpae_s2_cfg).
    uint64_t ttbr() const { return pgd_; }
    struct Tcr { unsigned t0sz, tg, irgn, orgn, sh, ips, sl0; };
    Tcr tcr() const;                  // sl0 only for stage 2 (VTCR)
    uint64_t mair() const;            // stage 1
    uint32_t vtcr_ste() const;        // STE.VTCR [50:32] as a 19-bit value
    static unsigned tg_encoding(unsigned granule_log2);   // CD.TG0 / STE.S2TG: 0 4K, 1 64K, 2 16K
    static unsigned ps_encoding(unsigned bits);           // IPS/PS: 32->0 ... 52->6

    uint64_t block_size(int lvl) const { return 1ull << level_shift(lvl); }
    size_t tables() const { return tables_; }
    uint64_t prot_to_pte(unsigned prot) const;

private:
    unsigned level_shift(int lvl) const { return cfg_.granule_log2 + (3 - lvl) * bpl_; }
    unsigned level_bits(int lvl) const { return lvl == start_level_ ? pgd_bits_ : bpl_; }
    uint64_t level_idx(uint64_t iova, int lvl) const { return (iova >> level_shift(lvl)) & ((1ull << level_bits(lvl)) - 1); }
    uint64_t table_bytes(int lvl) const { return 8ull << level_bits(lvl); }
    bool leaf(uint64_t pte, int lvl) const { return lvl == 3 ? (pte & 3) == 3 : (pte & 3) == 1; }
    uint64_t pte_addr(uint64_t pte) const;
    uint64_t paddr_to_pte(uint64_t pa) const;
    // Page (level 3) or block descriptor for `pa` with the attribute bits `prot`.
    uint64_t leaf_pte(uint64_t pa, uint64_t prot, int lvl) const;
    uint64_t alloc_table(int lvl);
    void free_table(int lvl, uint64_t table);
    // *leaf_table / *leaf_lvl: the table the descriptor went into, and its level.
    int map_one(uint64_t iova, uint64_t pa, uint64_t size, uint64_t pte_prot, int lvl, uint64_t table,
                uint64_t *leaf_table, int *leaf_lvl);
    uint64_t unmap_at(uint64_t iova, uint64_t size, uint64_t count, int lvl, uint64_t table, TlbGather *g);
    uint64_t split_blk_unmap(uint64_t iova, uint64_t size, uint64_t blk, int lvl, uint64_t ptep, uint64_t count, TlbGather *g);
    void flush_walk(uint64_t iova, uint64_t size) { if (on_flush_walk) on_flush_walk(iova, size, 1ull << cfg_.granule_log2); }

    PgtableConfig cfg_;
    PhysMemory &mem_;
    PhysAllocator &alloc_;
    unsigned bpl_ = 9, pgd_bits_ = 9;
    int start_level_ = 0;
    uint64_t pgsizes_ = 0, pgd_ = 0;
    size_t tables_ = 0;
};

} // namespace smmusim
