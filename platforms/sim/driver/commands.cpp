// SPDX-License-Identifier: BSD-3-Clause
// Address-based TLB invalidation (IHI 0070 4.4.1): one command per granule, or range commands when IDR3.RIL.
#include "commands.h"

namespace smmusim {

static unsigned log2u(uint64_t v) { unsigned r = 0; while (v >>= 1) r++; return r; }
static unsigned ffs64(uint64_t v) { unsigned r = 0; while (!(v & 1)) { v >>= 1; r++; } return r; }

static Cmd tlbi_cmd(const TlbiTarget &t, uint64_t addr, unsigned num, unsigned scale, unsigned tg, unsigned ttl)
{
    uint64_t q0 = SMMU_FIELD_PREP(SMMU_CMD0_OPCODE, t.opcode) | SMMU_FIELD_PREP(SMMU_CMD0_NUM, num) |
                  SMMU_FIELD_PREP(SMMU_CMD0_SCALE, scale) | SMMU_FIELD_PREP(SMMU_CMD0_VMID, t.vmid);
    if (t.opcode != op::TLBI_S2_IPA) q0 |= SMMU_FIELD_PREP(SMMU_CMD0_ASID, t.asid);
    uint64_t mask = t.opcode == op::TLBI_S2_IPA ? SMMU_CMD1_IPA_MASK : SMMU_CMD1_ADDR_MASK;
    uint64_t q1 = (t.leaf ? SMMU_CMD1_LEAF : 0) | SMMU_FIELD_PREP(SMMU_CMD1_TTL, ttl) | SMMU_FIELD_PREP(SMMU_CMD1_TG, tg) |
                  (addr & mask);
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
