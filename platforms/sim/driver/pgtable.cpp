// SPDX-License-Identifier: BSD-3-Clause
// io-pgtable-arm: the table layout, descriptor bits and map/unmap semantics of Linux's ARM LPAE page-table code.
#include "pgtable.h"

#include <cerrno>

namespace smmusim {

namespace {
constexpr uint64_t PTE_TYPE_BLOCK = 1, PTE_TYPE_TABLE = 3, PTE_TYPE_PAGE = 3;
constexpr uint64_t PTE_NG = 1ull << 11, PTE_AF = 1ull << 10;
constexpr uint64_t PTE_SH_OS = 2ull << 8, PTE_SH_IS = 3ull << 8;
constexpr uint64_t PTE_AP_UNPRIV = 1ull << 6, PTE_AP_RDONLY = 1ull << 7;
constexpr uint64_t PTE_HAP_READ = 1ull << 6, PTE_HAP_WRITE = 1ull << 7;
constexpr uint64_t PTE_DBM = 1ull << 51;
constexpr uint64_t PTE_XN = 3ull << 53;                 // S1 UXN|PXN, S2 XN[1:0] = 0b11
constexpr uint64_t PTE_ADDR_MASK = 0x0000FFFFFFFFF000ull; // [47:12]; PA[51:48] sit in [15:12] for 52-bit
constexpr uint64_t PTE_ATTR_MASK = (0x3FFull << 2) | (0xFFFull << 52);
constexpr unsigned MAIR_IDX_CACHE = 1, MAIR_IDX_DEV = 2;
constexpr uint64_t S2_MEMATTR_DEV = 0x1ull << 2, S2_MEMATTR_OIWB = 0xFull << 2, S2_MEMATTR_NC = 0x5ull << 2;
constexpr unsigned S2_MAX_CONCAT_PAGES = 16;
}

void TlbGather::add_page(uint64_t iova, uint64_t size)
{
    if (!ranges.empty()) {
        Range &r = ranges.back();
        if (r.pgsize == size && r.start + r.size == iova) { r.size += size; return; }
    }
    ranges.push_back({iova, size, size});
}

unsigned IoPgtable::tg_encoding(unsigned g) { return g == 12 ? 0 : g == 16 ? 1 : 2; }

unsigned IoPgtable::ps_encoding(unsigned bits)
{
    switch (bits) {
    case 32: return 0; case 36: return 1; case 40: return 2; case 42: return 3;
    case 44: return 4; case 48: return 5; default: return 6;
    }
}

IoPgtable::IoPgtable(const PgtableConfig &cfg, PhysMemory &mem, PhysAllocator &alloc) : cfg_(cfg), mem_(mem), alloc_(alloc)
{
    unsigned g = cfg.granule_log2;
    if ((g != 12 && g != 14 && g != 16) || cfg.ias <= g || cfg.ias > 52 || cfg.oas < 32 || cfg.oas > 52) return;
    bpl_ = g - 3;
    unsigned va_bits = cfg.ias - g;
    unsigned levels = (va_bits + bpl_ - 1) / bpl_;
    start_level_ = 4 - (int)levels;
    pgd_bits_ = va_bits - bpl_ * (levels - 1);
    // Stage 2 concatenates up to 16 tables at level 1 rather than walk a tiny level-0 table.
    if (cfg.stage == Stage::S2 && start_level_ == 0 && (1u << pgd_bits_) <= S2_MAX_CONCAT_PAGES) {
        pgd_bits_ += bpl_;
        start_level_ = 1;
    }
    if (g == 12) pgsizes_ = (1ull << 12) | (1ull << 21) | (1ull << 30);
    else if (g == 14) pgsizes_ = (1ull << 14) | (1ull << 25);
    else pgsizes_ = (1ull << 16) | (1ull << 29) | (cfg.oas > 48 ? 1ull << 42 : 0);
    // Blocks above the start level cannot be mapped.
    for (int l = 0; l < start_level_; l++) pgsizes_ &= ~block_size(l);
    pgd_ = alloc_table(start_level_);
}

IoPgtable::~IoPgtable()
{
    if (pgd_) free_table(start_level_, pgd_);
}

uint64_t IoPgtable::alloc_table(int lvl)
{
    uint64_t bytes = std::max<uint64_t>(table_bytes(lvl), 4096);
    uint64_t pa = alloc_.alloc(bytes, bytes);
    if (!pa) return 0;
    std::vector<uint8_t> zero(table_bytes(lvl), 0);
    mem_.write(pa, zero.data(), zero.size());
    tables_++;
    return pa;
}

void IoPgtable::free_table(int lvl, uint64_t table)
{
    if (lvl < 3) {
        for (uint64_t i = 0; i < (1ull << level_bits(lvl)); i++) {
            uint64_t pte = mem_.r64(table + 8 * i);
            if (pte && !leaf(pte, lvl)) free_table(lvl + 1, pte_addr(pte));
        }
    }
    alloc_.release(table, std::max<uint64_t>(table_bytes(lvl), 4096));
    tables_--;
}

uint64_t IoPgtable::paddr_to_pte(uint64_t pa) const { return (pa | (pa >> (48 - 12))) & PTE_ADDR_MASK; }

uint64_t IoPgtable::pte_addr(uint64_t pte) const
{
    uint64_t pa = pte & PTE_ADDR_MASK;
    if (cfg_.granule_log2 == 16) {           // only the 64K granule encodes PA[51:48] in [15:12]
        pa &= ~0xF000ull;
        pa |= (pte & 0xF000ull) << (48 - 12);
    }
    return pa;
}

uint64_t IoPgtable::prot_to_pte(unsigned prot) const
{
    uint64_t pte;
    if (cfg_.stage == Stage::S1) {
        pte = PTE_NG;
        if (!(prot & PROT_WRITE) && (prot & PROT_READ)) pte |= PTE_AP_RDONLY;
        else if (cfg_.quirk_hd) pte |= PTE_DBM;
        if (!(prot & PROT_PRIV)) pte |= PTE_AP_UNPRIV;
        if (prot & PROT_MMIO) pte |= (uint64_t)MAIR_IDX_DEV << 2;
        else if (prot & PROT_CACHE) pte |= (uint64_t)MAIR_IDX_CACHE << 2;
    } else {
        pte = 0;
        if (prot & PROT_READ) pte |= PTE_HAP_READ;
        if (prot & PROT_WRITE) pte |= PTE_HAP_WRITE;
        if (prot & PROT_MMIO) pte |= S2_MEMATTR_DEV;
        else if (prot & PROT_CACHE) pte |= S2_MEMATTR_OIWB;
        else pte |= S2_MEMATTR_NC;
    }
    pte |= (prot & PROT_CACHE) ? PTE_SH_IS : PTE_SH_OS;
    if (prot & PROT_NOEXEC) pte |= PTE_XN;
    return pte | PTE_AF;
}

uint64_t IoPgtable::leaf_pte(uint64_t pa, uint64_t prot, int lvl) const
{
    return prot | paddr_to_pte(pa) | (lvl == 3 ? PTE_TYPE_PAGE : PTE_TYPE_BLOCK);
}

int IoPgtable::map(uint64_t iova, uint64_t pa, uint64_t pgsize, uint64_t count, unsigned prot)
{
    if (!ok() || !pgsize || (pgsize & pgsizes_) != pgsize || (pgsize & (pgsize - 1)) || !count) return -EINVAL;
    if ((iova | pa) & (pgsize - 1)) return -EINVAL;
    // Linux skips mappings that grant neither read nor write.
    if (!(prot & (PROT_READ | PROT_WRITE))) return 0;
    uint64_t pte_prot = prot_to_pte(prot);
    // Pages that share the previous page's table go straight into it when their slot is empty: the walk from
    // the root would find the same table and write the same descriptor (a 1 GiB map is 262,144 walks otherwise).
    uint64_t leaf = 0, leaf_base = 0, leaf_span = 0;
    int leaf_lvl = 0;
    for (uint64_t i = 0; i < count; i++) {
        uint64_t va = iova + i * pgsize, out = pa + i * pgsize;
        if ((cfg_.ias < 64 && (va >> cfg_.ias)) || (out >> cfg_.oas)) return -ERANGE;
        if (leaf && va - leaf_base < leaf_span) {
            uint64_t ptep = leaf + 8 * level_idx(va, leaf_lvl);
            if (!mem_.r64(ptep)) {
                mem_.w64(ptep, leaf_pte(out, pte_prot, leaf_lvl));
                continue;
            }
        }
        int r = map_one(va, out, pgsize, pte_prot, start_level_, pgd_, &leaf, &leaf_lvl);
        if (r) return r;
        unsigned span_log2 = level_shift(leaf_lvl) + level_bits(leaf_lvl);
        leaf_span = span_log2 < 64 ? 1ull << span_log2 : ~0ull;
        leaf_base = span_log2 < 64 ? va & ~(leaf_span - 1) : 0;
    }
    return 0;
}

int IoPgtable::map_one(uint64_t iova, uint64_t pa, uint64_t size, uint64_t pte_prot, int lvl, uint64_t table,
                       uint64_t *leaf_table, int *leaf_lvl)
{
    uint64_t ptep = table + 8 * level_idx(iova, lvl);
    if (size == block_size(lvl)) {
        *leaf_table = table;
        *leaf_lvl = lvl;
        uint64_t old = mem_.r64(ptep);
        if (old && leaf(old, lvl)) return -EEXIST;
        if (old) {
            // A block replaces a table: the table is unmapped and freed first, with a walk flush.
            mem_.w64(ptep, 0);
            flush_walk(iova, size);
            free_table(lvl + 1, pte_addr(old));
        }
        mem_.w64(ptep, leaf_pte(pa, pte_prot, lvl));
        return 0;
    }
    if (lvl >= 3) return -EINVAL;
    uint64_t pte = mem_.r64(ptep);
    if (!pte) {
        uint64_t t = alloc_table(lvl + 1);
        if (!t) return -ENOMEM;
        pte = paddr_to_pte(t) | PTE_TYPE_TABLE;
        mem_.w64(ptep, pte);
    } else if (leaf(pte, lvl)) {
        return -EEXIST;   // a block is already there: the caller must unmap first
    }
    return map_one(iova, pa, size, pte_prot, lvl + 1, pte_addr(pte), leaf_table, leaf_lvl);
}

uint64_t IoPgtable::unmap(uint64_t iova, uint64_t pgsize, uint64_t count, TlbGather *g)
{
    if (!ok() || !pgsize || (pgsize & pgsizes_) != pgsize || !count) return 0;
    if (cfg_.ias < 64 && (iova >> cfg_.ias)) return 0;
    return unmap_at(iova, pgsize, count, start_level_, pgd_, g);
}

uint64_t IoPgtable::unmap_at(uint64_t iova, uint64_t size, uint64_t count, int lvl, uint64_t table, TlbGather *g)
{
    if (lvl > 3) return 0;
    uint64_t idx = level_idx(iova, lvl);
    uint64_t ptep = table + 8 * idx;
    uint64_t pte = mem_.r64(ptep);
    if (!pte) return 0;
    if (size == block_size(lvl)) {
        uint64_t max = (1ull << level_bits(lvl)) - idx, n = std::min(count, max), i;
        for (i = 0; i < n; i++) {
            uint64_t p = mem_.r64(ptep + 8 * i);
            if (!p) break;
            if (!leaf(p, lvl)) {
                mem_.w64(ptep + 8 * i, 0);
                flush_walk(iova + i * size, size);
                free_table(lvl + 1, pte_addr(p));
            }
        }
        for (uint64_t j = 0; j < i; j++) mem_.w64(ptep + 8 * j, 0);
        if (g) for (uint64_t j = 0; j < i; j++) g->add_page(iova + j * size, size);
        return i * size;
    }
    if (leaf(pte, lvl)) return split_blk_unmap(iova, size, pte, lvl + 1, ptep, count, g);
    return unmap_at(iova, size, count, lvl + 1, pte_addr(pte), g);
}

uint64_t IoPgtable::split_blk_unmap(uint64_t iova, uint64_t size, uint64_t blk, int lvl, uint64_t ptep, uint64_t count,
                                    TlbGather *g)
{
    if (lvl > 3) return 0;
    uint64_t split = block_size(lvl), entries = 1ull << bpl_;
    uint64_t t = alloc_table(lvl);
    if (!t) return 0;
    uint64_t start = entries, n = 0;
    if (size == split) {
        start = level_idx(iova, lvl);
        n = std::min(count, entries - start);
    }
    uint64_t pa = pte_addr(blk), prot = blk & PTE_ATTR_MASK;
    for (uint64_t i = 0; i < entries; i++, pa += split) {
        if (i >= start && i < start + n) continue;
        mem_.w64(t + 8 * i, leaf_pte(pa, prot, lvl));
    }
    mem_.w64(ptep, paddr_to_pte(t) | PTE_TYPE_TABLE);
    if (n) {
        if (g) for (uint64_t i = 0; i < n; i++) g->add_page(iova + i * size, size);
        return n * size;
    }
    return unmap_at(iova, size, count, lvl, t, g);
}

static uint64_t pick_pgsize(uint64_t bitmap, uint64_t iova, uint64_t pa, uint64_t size, uint64_t max)
{
    uint64_t best = 0;
    for (int b = 0; b < 64; b++) {
        uint64_t s = 1ull << b;
        if (!(bitmap & s) || s > max || s > size || ((iova | pa) & (s - 1))) continue;
        best = s;
    }
    return best;
}

int IoPgtable::map_region(uint64_t iova, uint64_t pa, uint64_t size, unsigned prot, uint64_t max_pgsize)
{
    while (size) {
        uint64_t s = pick_pgsize(pgsizes_, iova, pa, size, max_pgsize);
        if (!s) return -EINVAL;
        int r = map(iova, pa, s, 1, prot);
        if (r) return r;
        iova += s; pa += s; size -= s;
    }
    return 0;
}

uint64_t IoPgtable::unmap_region(uint64_t iova, uint64_t size, TlbGather *g)
{
    uint64_t done = 0;
    while (done < size) {
        uint64_t s = pick_pgsize(pgsizes_, iova + done, 0, size - done, ~0ull);
        if (!s) break;
        uint64_t n = unmap(iova + done, s, 1, g);
        if (!n) break;
        done += n;
    }
    return done;
}

bool IoPgtable::iova_to_phys(uint64_t iova, uint64_t *pa, uint64_t *desc, int *level)
{
    return ok() && walk(mem_, pgd_, iova, pa, desc, level);
}

bool IoPgtable::walk(PhysMemory &mem, uint64_t ttbr, uint64_t iova, uint64_t *pa, uint64_t *desc, int *level) const
{
    if (cfg_.ias < 64 && (iova >> cfg_.ias)) return false;
    uint64_t table = ttbr;
    for (int lvl = start_level_; lvl <= 3; lvl++) {
        uint64_t pte = mem.r64(table + 8 * level_idx(iova, lvl));
        if (!(pte & 1)) return false;
        if (leaf(pte, lvl)) {
            uint64_t mask = block_size(lvl) - 1;
            *pa = (pte_addr(pte) & ~mask) | (iova & mask);
            if (desc) *desc = pte;
            if (level) *level = lvl;
            return true;
        }
        if (lvl == 3) return false;
        table = pte_addr(pte);
    }
    return false;
}

IoPgtable::Tcr IoPgtable::tcr() const
{
    Tcr t{};
    t.t0sz = 64 - cfg_.ias;
    t.tg = tg_encoding(cfg_.granule_log2);
    t.irgn = t.orgn = cfg_.coherent ? 1 : 0;   // WBWA or NC
    t.sh = cfg_.coherent ? 3 : 2;              // ISH or OSH
    t.ips = ps_encoding(cfg_.oas);
    // SL0 counts from level 2 for the 4K granule and from level 3 for 16K/64K.
    int sl = start_level_ + (cfg_.granule_log2 == 12 ? 1 : 0);
    t.sl0 = (unsigned)(~sl & 3);
    return t;
}

uint64_t IoPgtable::mair() const
{
    // NC 0x44 (idx 0), WBRWA 0xFF (1), Device-nGnRE 0x04 (2), inner-NC outer-WB 0xF4 (3). Linux computes the
    // value in int arithmetic, so it arrives sign-extended; the upper attributes are unused.
    return 0xFFFFFFFFF404FF44ull;
}

uint32_t IoPgtable::vtcr_ste() const
{
    Tcr t = tcr();
    return t.t0sz | t.sl0 << 6 | t.irgn << 8 | t.orgn << 10 | t.sh << 12 | t.tg << 14 | t.ips << 16;
}

} // namespace smmusim
