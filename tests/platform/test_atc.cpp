// SPDX-License-Identifier: BSD-3-Clause
// The endpoint ATC of the traffic model: lookups by (StreamID, PASID, address, access), replacement, and ATS
// Invalidate Requests as CMD_ATC_INV delivers them (IHI 0070 4.5.1: address aligned to 2^(12 + Size)).
#include <gtest/gtest.h>

#include "atc.h"

using namespace traffic;

namespace {

AtcEntry entry(uint32_t sid, uint64_t base, uint8_t log2 = 12, uint32_t ssid = 0, bool ssv = false, bool global = false,
               bool write = true)
{
    AtcEntry e;
    e.sid = sid; e.ssid = ssid; e.ssv = ssv; e.global = global;
    e.base = base; e.size_log2 = log2; e.pa = 0x80000000ull + base;
    e.read = true; e.write = write;
    return e;
}

TEST(Atc, LookupMatchesStreamPasidRegionAndPermission)
{
    Atc atc(AtcConfig{8, AtcPolicy::Lru, 1});
    atc.fill(entry(0x100, 0x10000));                      // 4K, no PASID, RW
    atc.fill(entry(0x100, 0x200000, 21, 5, true));        // 2M, PASID 5
    atc.fill(entry(0x100, 0x30000, 12, 0, false, false, false));   // read-only
    struct Case { uint32_t sid, ssid; bool ssv; uint64_t addr; bool write, hit; uint64_t pa; } cases[] = {
        {0x100, 0, false, 0x10ff8, false, true, 0x80010000},
        {0x100, 0, false, 0x11000, false, false, 0},        // next page
        {0x101, 0, false, 0x10000, false, false, 0},        // other StreamID
        {0x100, 5, true, 0x3ff000, true, true, 0x80200000}, // inside the 2M region
        {0x100, 6, true, 0x200000, false, false, 0},        // other PASID
        {0x100, 0, false, 0x200000, false, false, 0},       // the PASID entry is not a PASID-less one
        {0x100, 0, false, 0x30000, false, true, 0x80030000},
        {0x100, 0, false, 0x30000, true, false, 0},         // write to a read-only completion: a miss (ask again)
    };
    for (const Case &c : cases) {
        const AtcEntry *e = atc.lookup(c.sid, c.ssid, c.ssv, c.addr, c.write);
        EXPECT_EQ(e != nullptr, c.hit) << std::hex << c.addr;
        if (e && c.hit) { EXPECT_EQ(e->pa, c.pa); }
    }
    EXPECT_EQ(atc.stats().lookups, 8u);
    EXPECT_EQ(atc.stats().hits, 3u);
    EXPECT_EQ(atc.stats().misses, 5u);
    EXPECT_DOUBLE_EQ(atc.stats().hit_rate(), 3.0 / 8.0);
}

TEST(Atc, ReplacementPolicies)
{
    // Fill A B C (3 entries), touch A, fill D: LRU evicts B, FIFO evicts A.
    struct Case { AtcPolicy p; uint64_t gone; } cases[] = {{AtcPolicy::Lru, 0x2000}, {AtcPolicy::Fifo, 0x1000}};
    for (const Case &c : cases) {
        Atc atc(AtcConfig{3, c.p, 1});
        for (uint64_t a : {0x1000, 0x2000, 0x3000}) atc.fill(entry(1, a));
        ASSERT_TRUE(atc.lookup(1, 0, false, 0x1000, false));
        atc.fill(entry(1, 0x4000));
        EXPECT_EQ(atc.size(), 3u);
        EXPECT_EQ(atc.stats().evictions, 1u);
        for (uint64_t a : {0x1000, 0x2000, 0x3000, 0x4000})
            EXPECT_EQ(atc.lookup(1, 0, false, a, false) != nullptr, a != c.gone) << atc_policy_name(c.p) << " " << std::hex << a;
    }
    Atc rnd(AtcConfig{2, AtcPolicy::Random, 7});
    for (uint64_t a = 0x1000; a <= 0x8000; a += 0x1000) rnd.fill(entry(1, a));
    EXPECT_EQ(rnd.size(), 2u);
    EXPECT_EQ(rnd.stats().evictions, 6u);
    AtcPolicy p;
    EXPECT_TRUE(parse_atc_policy("fifo", &p));
    EXPECT_EQ(p, AtcPolicy::Fifo);
    EXPECT_FALSE(parse_atc_policy("plru", &p));
}

TEST(Atc, InvalidateRequestsAsCmdAtcInvDeliversThem)
{
    struct Case {
        const char *what;
        uint32_t sid, ssid; bool ssv, global; uint64_t addr; uint8_t log2;
        unsigned dropped;
    } cases[] = {
        {"two pages, no PASID: also the PASID entries of the range", 0x10, 0, false, false, 0x200000, 13, 2},
        {"PASID 3 over 2M: only PASID 3", 0x10, 3, true, false, 0x200000, 21, 1},
        {"PASID 4 with Global: PASID 4's and the Global entries", 0x10, 4, true, true, 0x200000, 21, 2},
        {"another StreamID", 0x11, 0, false, false, 0, 52, 0},
        {"everything of the stream (Size 52 - 12)", 0x10, 0, false, false, 0, 52, 4},
        {"a range beside every entry", 0x10, 0, false, false, 0x400000, 21, 0},
    };
    for (const Case &c : cases) {
        Atc atc(AtcConfig{16, AtcPolicy::Lru, 1});
        atc.fill(entry(0x10, 0x200000));                          // no PASID
        atc.fill(entry(0x10, 0x201000, 12, 3, true));             // PASID 3
        atc.fill(entry(0x10, 0x202000, 12, 4, true));             // PASID 4
        atc.fill(entry(0x10, 0x203000, 12, 5, true, true));       // PASID 5, Global
        EXPECT_EQ(atc.invalidate(c.sid, c.ssid, c.ssv, c.global, c.addr, c.log2), c.dropped) << c.what;
        EXPECT_EQ(atc.size(), 4u - c.dropped) << c.what;
        EXPECT_EQ(atc.stats().invalidations, 1u);
        EXPECT_EQ(atc.stats().entries_invalidated, c.dropped);
    }
}

TEST(Atc, RefillOfTheSameRegionReplacesIt)
{
    Atc atc(AtcConfig{4, AtcPolicy::Lru, 1});
    atc.fill(entry(1, 0x5000, 12, 0, false, false, false));
    EXPECT_FALSE(atc.lookup(1, 0, false, 0x5000, true));
    atc.fill(entry(1, 0x5000));                               // the new completion grants W
    EXPECT_EQ(atc.size(), 1u);
    EXPECT_TRUE(atc.lookup(1, 0, false, 0x5000, true));
}

} // namespace
