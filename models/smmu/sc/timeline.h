// A pool of identical resources (translation or walk slots) tracked as the simulated time each becomes free.
#pragma once

#include <vector>

#include <systemc>

namespace smmu {

struct Smmuv3Timeline {
    std::vector<sc_core::sc_time> free_at;
    unsigned peak = 0;

    explicit Smmuv3Timeline(unsigned n) : free_at(n ? n : 1, sc_core::SC_ZERO_TIME) {}

    // The slot that frees earliest; a request at local time t starts at max(t, its free time).
    unsigned pick() const {
        unsigned best = 0;
        for (unsigned i = 1; i < free_at.size(); i++)
            if (free_at[i] < free_at[best]) best = i;
        return best;
    }
    sc_core::sc_time start(unsigned i, const sc_core::sc_time &t) const { return free_at[i] > t ? free_at[i] : t; }
    // Occupy slot i until `until`; records how many slots are busy at `from`.
    void hold(unsigned i, const sc_core::sc_time &from, const sc_core::sc_time &until) {
        free_at[i] = until;
        unsigned busy = 0;
        for (const auto &f : free_at)
            if (f > from) busy++;
        if (busy > peak) peak = busy;
    }
};

} // namespace smmu
