// SPDX-License-Identifier: BSD-3-Clause
// The fully associative micro-TLB answers lookups through a memo (page, tags -> way, voided by any fill or
// invalidation) and a counting filter (a zero proves a miss). Differential: after random fills, evictions and
// invalidations, every lookup must give exactly the way a plain scan in way order gives (IHI 0070 3.17 tags).
#include "harness.h"

#include <random>
#include <tuple>

extern "C" {
#include "tlb.h"
}

namespace {

// 3.17: the StreamWorld and stage kind always; the VMID for NS-EL1; the ASID for stage-1 regimes with ASIDs,
// where a global entry matches any ASID of its ASET.
bool matches(const smmu_tlb_entry_t *e, const smmu_tlb_key_t &k)
{
    if (!e->hdr.valid) return false;
    if (e->size_log2 < 64 && ((k.ia ^ e->ia) >> e->size_log2) != 0) return false;
    if (e->sw != k.sw || e->kind != k.kind) return false;
    if (k.sw == SMMU_SW_NSEL1 && e->vmid != k.vmid) return false;
    if (k.kind == SMMU_TLB_S2 || k.sw == SMMU_SW_EL2) return true;
    return e->global ? e->aset == k.aset : e->asid == k.asid;
}

const smmu_tlb_entry_t *scan(smmu_t *s, const smmu_tlb_key_t &k)
{
    const smmu_cache_t *c = s->tlbs->utlb[0].c;
    for (uint32_t w = 0; w < c->ways; w++) {
        auto *e = static_cast<const smmu_tlb_entry_t *>(smmu_cache_entry(c, 0, w));
        if (matches(e, k)) return e;
    }
    return nullptr;
}

struct Case { const char *name; uint32_t entries; uint64_t seed; };

class TlbLookup : public th::Smmu, public ::testing::WithParamInterface<Case> {};

TEST_P(TlbLookup, MemoAndFilterGiveTheWayAScanGives)
{
    cfg.utlb = {GetParam().entries, GetParam().entries, SMMU_REPL_LRU, 1};   // the micro-TLB alone
    cfg.main_tlb.entries = cfg.main_tlb.ways = 0;
    cfg.tcu_tlb.entries = cfg.tcu_tlb.ways = 0;
    create();
    smmu_t *s = smmu;
    std::mt19937_64 rng(GetParam().seed);
    auto pick = [&](uint64_t n) { return rng() % n; };
    const uint64_t base = 0x0000004000000000ull;
    const unsigned sizes[] = {12, 14, 16, 21, 30};
    const uint8_t sws[] = {SMMU_SW_NSEL1, SMMU_SW_EL2, SMMU_SW_EL2_E2H};
    auto random_key = [&] {
        smmu_tlb_key_t k{};
        k.sw = sws[pick(3)];
        k.kind = (uint8_t)(pick(4) == 0 ? SMMU_TLB_S2 : SMMU_TLB_S1);
        k.vmid = (uint16_t)pick(3);
        k.asid = (uint16_t)pick(4);
        k.aset = pick(4) == 0;
        k.ia = base + pick(64) * 0x1000 + pick(0x1000);   // 64 pages: the filter and memo see collisions
        return k;
    };
    uint64_t hits = 0, misses = 0;
    for (int step = 0; step < 20000; step++) {
        const uint64_t op = pick(100);
        if (op < 30) {                                      // fill (evicts the LRU way once full)
            const smmu_tlb_key_t k = random_key();
            smmu_tlb_entry_t e{};
            std::tie(e.sw, e.kind, e.vmid, e.asid, e.aset) = std::tie(k.sw, k.kind, k.vmid, k.asid, k.aset);
            e.global = pick(5) == 0;
            e.size_log2 = (uint8_t)sizes[pick(pick(3) == 0 ? 5 : 2)];
            e.ia = k.ia & ~((1ull << e.size_log2) - 1);
            e.oa = 0x80000000ull + pick(1 << 20) * 0x1000;
            e.perm = SMMU_PERM_RU | SMMU_PERM_WU;
            smmu_tlb_fill(s, 0, &e);
        } else if (op < 36) {                               // invalidate one way
            smmu_tlb_forget(&s->tlbs->utlb[0], 0, (uint32_t)pick(GetParam().entries));
        } else if (op == 36) {
            smmu_tlb_invalidate_all(s);
        } else {                                            // look up (twice: the second may come from the memo)
            const smmu_tlb_key_t k = random_key();
            for (int twice = 0; twice < 2; twice++) {
                const smmu_tlb_entry_t *want = scan(s, k);
                smmu_source_t where;
                smmu_cost_t cost{};
                const smmu_tlb_entry_t *got = smmu_tlb_lookup(s, 0, &k, &where, &cost, twice == 1);
                ASSERT_EQ(got, want) << "step " << step << " ia " << std::hex << k.ia << " sw " << (int)k.sw
                                     << " kind " << (int)k.kind << " vmid " << k.vmid << " asid " << k.asid;
                ASSERT_EQ(where, want ? SMMU_SRC_UTLB : SMMU_SRC_NONE);
                (want ? hits : misses)++;
            }
        }
    }
    EXPECT_GT(hits, 1000u);     // both outcomes well exercised
    EXPECT_GT(misses, 1000u);
}

INSTANTIATE_TEST_SUITE_P(Geometries, TlbLookup,
                         ::testing::Values(Case{"utlb8", 8, 1}, Case{"utlb32", 32, 2}, Case{"utlb128", 128, 3}),
                         [](const testing::TestParamInfo<Case> &i) { return std::string(i.param.name); });

} // namespace
