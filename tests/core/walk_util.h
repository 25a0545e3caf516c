/* SPDX-License-Identifier: BSD-3-Clause */
// Helpers for the walker tests: an SMMU over a th::Memory, and a stage-2 callback for nested stage-1 walks.
#pragma once

#include "harness.h"

extern "C" {
#include "walk.h"
}

namespace wt {

// An SMMU instance (for its configuration and memory callbacks) over a sparse memory.
struct Core {
    th::Memory mem;
    smmu_config_t cfg;
    smmu_t *smmu = nullptr;
    std::vector<std::pair<uint64_t, uint64_t>> readable;   // if non-empty, reads elsewhere abort
    smmu_host_t host{};

    Core() { smmu_config_default(&cfg); }
    ~Core() { if (smmu) smmu_destroy(smmu); }
    Core(const Core &) = delete;
    Core &operator=(const Core &) = delete;

    // Create (after adjusting cfg); returns false with a gtest failure on error.
    bool create() {
        mem.windows = readable;
        host = mem.host();
        char err[256] = "";
        smmu = smmu_create(&cfg, &host, err, sizeof err);
        EXPECT_NE(smmu, nullptr) << err;
        return smmu != nullptr;
    }
};

// Nested stage 1: the stage-2 regime that translates stage-1 table addresses (CLASS = TT).
struct S2Tables {
    smmu_t *smmu;
    smmu_stage_cfg_t s2;
    uint32_t reads = 0;
    static int cb(void *ctx, uint64_t ipa, bool write, uint64_t *pa, smmu_walk_fault_t *f) {
        auto *t = static_cast<S2Tables *>(ctx);
        smmu_walk_env_t env{};
        env.smmu = t->smmu;
        smmu_walk_out_t o;
        int rc = smmu_walk(&env, &t->s2, ipa, write ? SMMU_ACC_W : 0u, &o);
        t->reads += o.cost.reads;
        if (rc) {
            *f = o.fault;
            f->cls = EVT_CLASS_TT;
            f->ttrnw = !write;
            return rc;
        }
        *pa = o.oa;
        return 0;
    }
};

} // namespace wt
