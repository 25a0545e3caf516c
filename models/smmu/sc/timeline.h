// A pool of identical resources (translation or walk slots), each tracked as its reserved busy intervals in
// simulated time, so that requests made at out-of-order local times (temporal decoupling) see the gaps.
#pragma once

#include <vector>

#include <systemc>

namespace smmu {

struct Smmuv3Timeline {
    struct Busy { sc_core::sc_time from, until; };
    std::vector<std::vector<Busy>> slots;      // per slot: disjoint intervals sorted by `from`
    unsigned peak = 0;

    explicit Smmuv3Timeline(unsigned n) : slots(n ? n : 1) {}

    // Earliest time >= t at which slot i is not busy.
    sc_core::sc_time free_from(unsigned i, sc_core::sc_time t) const {
        for (const Busy &b : slots[i]) {
            if (b.from > t) break;
            if (b.until > t) t = b.until;
        }
        return t;
    }
    // The slot free earliest at or after t (lowest index on a tie) and when.
    unsigned pick(const sc_core::sc_time &t, sc_core::sc_time &start) const {
        unsigned best = 0;
        start = free_from(0, t);
        for (unsigned i = 1; i < slots.size() && start > t; i++) {
            const sc_core::sc_time s = free_from(i, t);
            if (s < start) { start = s; best = i; }
        }
        return best;
    }
    // Reserve slot i over [from, until); records how many slots are busy at `from`.
    void hold(unsigned i, const sc_core::sc_time &from, const sc_core::sc_time &until) {
        if (!(until > from)) return;
        std::vector<Busy> &v = slots[i];
        auto it = v.begin();
        while (it != v.end() && it->from < from) ++it;
        v.insert(it, Busy{from, until});
        unsigned busy = 0;
        for (const auto &s : slots)
            for (const Busy &b : s)
                if (b.from <= from && b.until > from) { busy++; break; }
        if (busy > peak) peak = busy;
    }
    // Drops intervals that ended at or before `now`: no request can arrive earlier than the present.
    void release(const sc_core::sc_time &now) {
        for (auto &v : slots) {
            size_t k = 0;
            while (k < v.size() && v[k].until <= now) k++;
            if (k) v.erase(v.begin(), v.begin() + (std::ptrdiff_t)k);
        }
    }
};

} // namespace smmu
