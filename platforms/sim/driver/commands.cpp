// Address-based TLB invalidation (IHI 0070 4.4.1): one command per granule, or range commands when IDR3.RIL.
#include "commands.h"

namespace smmusim {

static unsigned log2u(uint64_t v) { unsigned r = 0; while (v >>= 1) r++; return r; }
static unsigned ffs64(uint64_t v) { unsigned r = 0; while (!(v & 1)) { v >>= 1; r++; } return r; }

static Cmd tlbi_cmd(const TlbiTarget &t, uint64_t addr, unsigned num, unsigned scale, unsigned tg, unsigned ttl)
{
    uint64_t q0 = t.opcode | (uint64_t)(num & 31) << 12 | (uint64_t)(scale & 63) << 20 | (uint64_t)t.vmid << 32;
    if (t.opcode != op::TLBI_S2_IPA) q0 |= (uint64_t)t.asid << 48;
    uint64_t mask = t.opcode == op::TLBI_S2_IPA ? 0x000FFFFFFFFFF000ull : 0xFFFFFFFFFFFFF000ull;
    uint64_t q1 = (t.leaf ? 1ull : 0) | (uint64_t)(ttl & 3) << 8 | (uint64_t)(tg & 3) << 10 | (addr & mask);
    return {q0, q1};
}

std::vector<Cmd> tlbi_range(const TlbiTarget &t, uint64_t iova, uint64_t size, uint64_t granule, bool ril,
                            unsigned min_pgsize_log2)
{
    std::vector<Cmd> out;
    if (!size) return out;
    uint64_t end = iova + size;
    if (!ril) {
        for (uint64_t a = iova; a < end && a >= iova; a += granule) out.push_back(tlbi_cmd(t, a, 0, 0, 0, 0));
        return out;
    }
    unsigned tg = min_pgsize_log2;
    uint64_t num_pages = size >> tg;
    unsigned tg_field = (tg - 10) / 2, ttl = 0;
    if (t.leaf) ttl = 4 - ((log2u(granule) - 3) / (tg - 3));
    else if ((num_pages & 31) == 1) num_pages++;   // avoid SCALE = NUM = 0, which means "all"
    uint64_t a = iova;
    while (num_pages) {
        unsigned scale = ffs64(num_pages);
        uint64_t num = (num_pages >> scale) & 31;
        out.push_back(tlbi_cmd(t, a, (unsigned)num - 1, scale, tg_field, ttl));
        a += num << (scale + tg);
        num_pages -= num << scale;
    }
    return out;
}

} // namespace smmusim
