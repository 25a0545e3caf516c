// SPDX-License-Identifier: BSD-3-Clause
// Address-scoped TLBI on a set-associative TLB visits only the sets its range maps to (tlbi.c): it must remove
// exactly what a sweep of every entry removes. Differential: the same fills and TLBIs on a set-associative main
// TLB and on a fully associative one (always swept in full), compared entry by entry after every command.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <set>
#include <tuple>

extern "C" {
#include "tlb.h"
}

namespace {

int no_read(void *, uint64_t, void *, size_t) { return -1; }
int no_write(void *, uint64_t, const void *, size_t) { return -1; }

smmu_t *make(uint32_t ways)
{
    smmu_config_t cfg;
    smmu_config_default(&cfg);
    cfg.num_ports = 1;
    cfg.utlb.entries = cfg.utlb.ways = 0;
    cfg.tcu_tlb.entries = cfg.tcu_tlb.ways = 0;
    cfg.main_tlb = {4096, ways, SMMU_REPL_LRU, 3};
    smmu_host_t host{nullptr, no_read, no_write, nullptr, nullptr, nullptr};
    char err[256];
    smmu_t *s = smmu_create(&cfg, &host, err, sizeof err);
    EXPECT_NE(s, nullptr) << err;
    return s;
}

using Tag = std::tuple<int, int, int, int, bool, uint64_t, int, int>;

std::set<Tag> contents(smmu_t *s)
{
    std::set<Tag> out;
    smmu_cache_t *c = s->tlbs->main[0].c;
    for (smmu_cache_iter_t it = {}; smmu_cache_next(c, &it);) {
        auto *e = static_cast<const smmu_tlb_entry_t *>(it.entry);
        out.insert(Tag{e->sw, e->kind, e->vmid, e->asid, e->global, e->ia, e->size_log2, e->s1_size_log2});
    }
    return out;
}

struct Case { const char *name; bool nested; };

class TlbiIndexed : public ::testing::TestWithParam<Case> {};

TEST_P(TlbiIndexed, RemovesWhatAFullSweepRemoves)
{
    smmu_t *sa = make(16), *fa = make(0);   // 256 sets x 16 ways; one set of 4096 ways
    ASSERT_TRUE(sa && fa);
    std::mt19937_64 rng(GetParam().nested ? 7 : 3);
    auto pick = [&](uint64_t n) { return rng() % n; };
    const uint64_t base = 0x0000004000000000ull;
    const unsigned sizes[] = {12, 14, 16, 21, 25, 30};
    for (int round = 0; round < 40; round++) {
        for (int i = 0; i < 40; i++) {        // ~1600 fills over the run, well under 16 per set on average
            smmu_tlb_entry_t e;
            std::memset(&e, 0, sizeof e);
            unsigned k = (unsigned)pick(10);
            e.sw = k < 7 ? SMMU_SW_NSEL1 : k < 9 ? SMMU_SW_EL2 : SMMU_SW_EL2_E2H;
            e.kind = e.sw != SMMU_SW_NSEL1 ? SMMU_TLB_S1 : k < 4 ? SMMU_TLB_S1 : k < 6 ? SMMU_TLB_S2
                   : GetParam().nested ? SMMU_TLB_NESTED : SMMU_TLB_S1;
            e.vmid = (uint16_t)(1 + pick(3));
            e.asid = (uint16_t)(1 + pick(4));
            e.global = pick(5) == 0;
            e.size_log2 = (uint8_t)sizes[pick(6)];
            e.granule_log2 = e.size_log2 == 14 ? 14 : e.size_log2 == 16 || e.size_log2 == 25 ? 16 : 12;
            e.level = 3;
            if (e.kind == SMMU_TLB_NESTED && pick(2)) e.s1_size_log2 = 21;
            e.ia = (base + pick(1u << 26)) & ~((1ull << e.size_log2) - 1);
            e.perm = SMMU_PERM_RP;
            smmu_tlb_fill(sa, 0, &e);
            smmu_tlb_fill(fa, 0, &e);
        }
        ASSERT_EQ(contents(sa), contents(fa)) << "fills diverged (a full set evicted): round " << round;
        static const uint8_t ops[] = {0x12, 0x13, 0x22, 0x23, 0x2A};
        for (int i = 0; i < 6; i++) {
            smmu_tlbi_t op;
            std::memset(&op, 0, sizeof op);
            op.opcode = ops[pick(5)];
            op.vmid = (uint16_t)(1 + pick(3));
            op.asid = (uint16_t)(1 + pick(4));
            op.addr = base + pick(1u << 26);
            op.leaf = true;
            if (pick(2)) {                        // range form: (NUM+1) << SCALE granules
                op.tg = (uint8_t)(1 + pick(3));
                op.num = (uint8_t)pick(32);
                op.scale = (uint8_t)pick(4);
                op.ttl = (uint8_t)pick(4);
            }
            uint64_t n_sa = smmu_tlb_invalidate(sa, &op), n_fa = smmu_tlb_invalidate(fa, &op);
            EXPECT_EQ(n_sa, n_fa) << "opcode 0x" << std::hex << (int)op.opcode << " addr 0x" << op.addr;
            ASSERT_EQ(contents(sa), contents(fa)) << "opcode 0x" << std::hex << (int)op.opcode << " addr 0x"
                                                  << op.addr << " tg " << (int)op.tg << " num " << (int)op.num;
        }
    }
    EXPECT_GT(contents(sa).size(), 100u) << "the TLBs still hold entries to invalidate";
    smmu_destroy(sa);
    smmu_destroy(fa);
}

INSTANTIATE_TEST_SUITE_P(Tlbi, TlbiIndexed, ::testing::Values(Case{"plain", false}, Case{"nested", true}),
                         [](const ::testing::TestParamInfo<Case> &i) { return std::string(i.param.name); });

} // namespace
