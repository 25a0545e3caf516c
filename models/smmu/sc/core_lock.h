/* SPDX-License-Identifier: BSD-3-Clause */
// Serialises calls into the C core: a downstream access made from inside the core may wait().
#pragma once

#include <smmu/sc/smmuv3.h>

namespace smmu {

struct Smmuv3::CoreLock {
    Smmuv3 &m;
    explicit CoreLock(Smmuv3 &mod) : m(mod) {
        while (m.core_busy_) {
            m.core_waiters_++;
            sc_core::wait(m.core_free_);
            m.core_waiters_--;
        }
        m.core_busy_ = true;
    }
    ~CoreLock() {
        m.core_busy_ = false;
        if (m.core_waiters_ && sc_core::sc_is_running()) m.core_free_.notify(sc_core::SC_ZERO_TIME);   // no idle deltas
    }
};

} // namespace smmu
