// SPDX-License-Identifier: BSD-3-Clause
// The driver model on the real C core: a core with the default configuration (tests change `cfg` and `opt`
// before start()), its registers reached through `Port` (a CorePort), tables and queues in `mem`.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "driver/core_port.h"
#include "driver/driver.h"

namespace smmusim {

template <class Port = CorePort>
struct CoreDriverFixture : ::testing::Test {
    SparseMemory mem;
    PhysAllocator alloc{0x80000000ull, 0x40000000ull};
    CoreHost host{&mem};
    smmu_config_t cfg;
    smmu_t *smmu = nullptr;
    Port port;
    DriverOptions opt;
    std::unique_ptr<SmmuDriver> drv;

    CoreDriverFixture() { smmu_config_default(&cfg); }
    ~CoreDriverFixture() override { drv.reset(); if (smmu) smmu_destroy(smmu); }
    void start() {
        char err[256] = "";
        smmu_host_t h = host.host();
        smmu = smmu_create(&cfg, &h, err, sizeof err);
        ASSERT_NE(smmu, nullptr) << err;
        port.smmu = smmu;
        drv = std::make_unique<SmmuDriver>(port, mem, alloc, opt);
        ASSERT_TRUE(drv->probe()) << drv->error();
    }
    smmu_result_t xlate(uint32_t sid, uint64_t addr, bool write = false, uint32_t ssid = 0, bool ssv = false) {
        smmu_txn_t t{};
        t.sid = sid; t.ssid = ssid; t.ssv = ssv; t.addr = addr; t.write = write;
        smmu_result_t r{};
        smmu_translate(smmu, &t, &r);
        return r;
    }
};

} // namespace smmusim
