// SPDX-License-Identifier: BSD-3-Clause
// Smmuv3Timeline against a plain list of every reservation: same free times, picks and peak for random
// reservations made at out-of-order times (as temporal decoupling makes them), with releases in between.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "../../models/smmu/sc/timeline.h"

int sc_main(int, char **) { return 0; }   // libsystemc needs the symbol; tests run from main()

using sc_core::sc_time;
using sc_core::SC_NS;

namespace {

struct Reference {
    struct Busy { uint64_t from, until; unsigned slot; };
    std::vector<Busy> all;
    unsigned peak = 0;
    unsigned n;
    explicit Reference(unsigned slots) : n(slots) {}
    uint64_t free_from(unsigned i, uint64_t t) const {
        for (bool moved = true; moved;) {
            moved = false;
            for (const Busy &b : all)
                if (b.slot == i && b.from <= t && b.until > t) { t = b.until; moved = true; }
        }
        return t;
    }
    void hold(unsigned i, uint64_t from, uint64_t until) {
        if (until <= from) return;
        all.push_back({from, until, i});
        unsigned busy = 0;
        for (unsigned s = 0; s < n; s++) {
            bool b = false;
            for (const Busy &x : all) b |= x.slot == s && x.from <= from && x.until > from;
            busy += b;
        }
        if (busy > peak) peak = busy;
    }
};

using tick = smmu::Smmuv3Timeline::tick;
tick ns(uint64_t v) { return sc_time((double)v, SC_NS).value(); }

TEST(SmmuScTimeline, MatchesAReferenceListOfReservations)
{
    for (unsigned slots : {1u, 3u, 8u}) {
        std::mt19937_64 rng(slots);
        smmu::Smmuv3Timeline tl(slots);
        Reference ref(slots);
        uint64_t now = 0;
        for (int step = 0; step < 4000; step++) {
            if (rng() % 16 == 0) {
                now += rng() % 20;
                tl.release(ns(now));
            }
            const uint64_t t = now + rng() % 60;
            tick start;
            const unsigned i = tl.pick(ns(t), start);
            uint64_t best = ref.free_from(0, t);
            unsigned bi = 0;
            for (unsigned s = 1; s < slots; s++) {
                const uint64_t f = ref.free_from(s, t);
                if (f < best) { best = f; bi = s; }
            }
            ASSERT_EQ(i, bi) << "slots " << slots << " step " << step;
            ASSERT_EQ(start, ns(best)) << "slots " << slots << " step " << step;
            for (unsigned s = 0; s < slots; s++) ASSERT_EQ(tl.free_from(s, ns(t)), ns(ref.free_from(s, t)));
            // Reservations may overrun a later one (a short gap): the union still has to be right.
            const uint64_t from = rng() % 4 ? best : t + rng() % 30, until = from + rng() % 25;
            const unsigned slot = rng() % 4 ? i : (unsigned)(rng() % slots);
            tl.hold(slot, ns(from), ns(until));
            ref.hold(slot, from, until);
            ASSERT_EQ(tl.peak, ref.peak) << "slots " << slots << " step " << step;
        }
    }
}

TEST(SmmuScTimeline, InOrderReservationsStayFewAndAreReleased)
{
    smmu::Smmuv3Timeline tl(2);
    for (uint64_t k = 0; k < 1000; k++) tl.hold(0, ns(10 * k), ns(10 * k + 10));   // back to back: one interval
    EXPECT_EQ(tl.slots[0].v.size() - tl.slots[0].head, 1u);
    tick start;
    EXPECT_EQ(tl.pick(ns(5), start), 1u);
    EXPECT_EQ(start, ns(5));
    EXPECT_EQ(tl.free_from(0, ns(5)), ns(10000));
    tl.release(ns(10000));
    EXPECT_EQ(tl.slots[0].v.size(), 0u);
    EXPECT_EQ(tl.free_from(0, ns(0)), ns(0));
    EXPECT_EQ(tl.peak, 1u);
}

} // namespace

int main(int argc, char **argv)
{
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
