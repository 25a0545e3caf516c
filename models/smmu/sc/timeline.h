/* SPDX-License-Identifier: BSD-3-Clause */
// A pool of identical resources (translation or walk slots), each tracked as its reserved busy intervals in
// simulated time, so that requests made at out-of-order local times (temporal decoupling) see the gaps.
// Times are ticks, sc_time::value() (integer multiples of the time resolution); each slot keeps the union of its
// reservations as disjoint, non-touching intervals sorted by start, so the in-order case is O(1).
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include <systemc>

namespace smmu {

struct Smmuv3Timeline {
    using tick = sc_core::sc_time::value_type;
    struct Busy { tick from, until; };
    struct Slot {
        std::vector<Busy> v;      // live intervals are v[head..]; the ones before were released
        size_t head = 0;
        tick end = 0;             // free from here on (until of the last interval, 0 when none)

        bool covers(tick t) const {
            if (t >= end || head == v.size()) return false;
            auto it = std::partition_point(v.begin() + (std::ptrdiff_t)head, v.end(),
                                           [t](const Busy &b) { return b.until <= t; });
            return it != v.end() && it->from <= t;
        }
        tick free_from(tick t) const {
            if (t >= end) return t;
            auto it = std::partition_point(v.begin() + (std::ptrdiff_t)head, v.end(),
                                           [t](const Busy &b) { return b.until <= t; });
            return it != v.end() && it->from <= t ? it->until : t;   // intervals never touch: one is enough
        }
        void add(tick from, tick until) {
            if (head == v.size() || from > end) {
                v.push_back(Busy{from, until});
            } else if (from == end || (from > v.back().from && until >= end)) {
                v.back().until = std::max(v.back().until, until);
                if (from < v.back().from) v.back().from = from;
            } else {
                // Merge with every interval it overlaps or touches.
                auto b = v.begin() + (std::ptrdiff_t)head;
                auto lo = std::partition_point(b, v.end(), [from](const Busy &x) { return x.until < from; });
                auto hi = std::partition_point(lo, v.end(), [until](const Busy &x) { return x.from <= until; });
                if (lo == hi) {
                    v.insert(lo, Busy{from, until});
                } else {
                    lo->from = std::min(lo->from, from);
                    lo->until = std::max((hi - 1)->until, until);
                    v.erase(lo + 1, hi);
                }
            }
            end = v.back().until;
        }
        void release(tick now) {
            while (head < v.size() && v[head].until <= now) head++;
            if (head == v.size()) {
                v.clear();
                head = 0;
                end = 0;
            } else if (head * 2 >= v.size()) {              // compact now and then: amortised O(1)
                v.erase(v.begin(), v.begin() + (std::ptrdiff_t)head);
                head = 0;
            }
        }
    };
    std::vector<Slot> slots;
    unsigned peak = 0;
    size_t reserved = 0;          // slots holding intervals; none means everything is free
    tick released_at = 0;
    tick first_until = ~tick(0);  // no live interval ends before this: release() has nothing to drop earlier

    explicit Smmuv3Timeline(unsigned n) : slots(n ? n : 1) {}

    // Earliest time >= t at which slot i is not busy.
    tick free_from(unsigned i, tick t) const { return slots[i].free_from(t); }
    // The slot free earliest at or after t (lowest index on a tie) and when.
    unsigned pick(tick at, tick &start) const {
        tick s = slots[0].free_from(at);
        unsigned best = 0;
        for (unsigned i = 1; i < slots.size() && s > at; i++) {
            const tick f = slots[i].free_from(at);
            if (f < s) { s = f; best = i; }
        }
        start = s;
        return best;
    }
    // Reserve slot i over [from, until); records how many slots are busy at `from`.
    void hold(unsigned i, tick f, tick until) {
        if (!(until > f)) return;
        if (slots[i].head == slots[i].v.size()) reserved++;
        slots[i].add(f, until);
        first_until = std::min(first_until, until);         // merging only lengthens intervals: still a bound
        if (reserved <= peak) return;                       // cannot exceed the peak: fewer slots hold anything
        unsigned busy = 0;
        for (const Slot &s : slots) busy += s.covers(f);
        if (busy > peak) peak = busy;
    }
    // Drops intervals that ended at or before `now`: no request can arrive earlier than the present.
    void release(tick n) {
        if (!reserved || n == released_at || n < first_until) return;
        released_at = n;
        first_until = ~tick(0);
        size_t left = reserved;                              // reserved slots not yet visited
        for (Slot &s : slots) {
            if (!left) break;
            if (s.head == s.v.size()) continue;
            left--;
            if (s.v[s.head].until <= n) s.release(n);
            if (s.head == s.v.size()) reserved--;
            else first_until = std::min(first_until, s.v[s.head].until);
        }
    }
};

} // namespace smmu
