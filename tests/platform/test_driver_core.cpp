// SPDX-License-Identifier: BSD-3-Clause
// The driver model against the real C core: bring-up through smmu_reg_read/write, tables and queues in shared
// memory, then DMA translated by smmu_translate.
#include <gtest/gtest.h>

#include "core_driver_fixture.h"
#include "driver/core_port.h"
#include "driver/driver.h"

using namespace smmusim;

namespace {

using CoreDriver = CoreDriverFixture<>;

TEST_F(CoreDriver, BringUpEnablesTheSmmu)
{
    cfg.ats = cfg.pri = false;
    start();
    EXPECT_EQ(smmu_reg_read(smmu, 0x24, 4), 0xDu);          // CR0ACK: SMMUEN | EVTQEN | CMDQEN
    EXPECT_EQ(smmu_reg_read(smmu, 0x54, 4), 0x5u);          // IRQ_CTRLACK
    EXPECT_EQ(smmu_reg_read(smmu, 0x9C, 4) & 0x7F000000u, 0u);   // no command error
    EXPECT_EQ(drv->counters().timeouts, 0u);
    const Features &f = drv->features();
    EXPECT_TRUE(f.s1 && f.s2 && f.two_lvl_strtab && f.range_inv && f.msi);
    EXPECT_EQ(drv->sync_cs(), 1u);   // MSI polling: coherent + MSI
    EXPECT_EQ(f.oas, cfg.oas_bits);
}

TEST_F(CoreDriver, BringUpWithSevPollingAndSteppedQueue)
{
    cfg.msi = false;
    cfg.cmdq_stepped = true;
    cfg.ats = cfg.pri = false;
    start();
    EXPECT_EQ(drv->sync_cs(), 2u);
    EXPECT_EQ(smmu_reg_read(smmu, 0x24, 4), 0xDu);
    EXPECT_GT(drv->counters().polls, 0u);
}

// With IDR0.ATS and IDR0.PRI Linux also enables the PRI queue and its interrupt, and ATS checking (CR0.ATSCHK).
TEST_F(CoreDriver, BringUpWithAtsAndPriEnablesThePriQueueAndAtsCheck)
{
    cfg.ats = cfg.pri = true;
    start();
    EXPECT_EQ(smmu_reg_read(smmu, 0x24, 4), 0x1Fu);         // + PRIQEN | ATSCHK
    EXPECT_EQ(smmu_reg_read(smmu, 0x54, 4), 0x7u);          // + PRIQ_IRQEN
    EXPECT_EQ(smmu_reg_read(smmu, 0xC0, 8) & 0x000FFFFFFFFFFFE0ull, drv->priq_base());
    EXPECT_EQ(smmu_reg_read(smmu, 0x9C, 4) & 0x7F000000u, 0u);
}

TEST_F(CoreDriver, UnattachedStreamAborts)
{
    start();
    EXPECT_NE(xlate(0x42, 0x1000).status, SMMU_OK);
}

TEST_F(CoreDriver, BypassS1AndS2Domains)
{
    start();
    int byp = drv->add_device({"legacy", 0x10, 0, false});
    int nic = drv->add_device({"nic", 0x100, 0, false});
    int vf = drv->add_device({"vf", 0x208, 0, false});
    ASSERT_TRUE(drv->attach(byp, drv->domain_alloc(DomainType::Bypass)));
    int s1 = drv->domain_alloc(DomainType::S1), s2 = drv->domain_alloc(DomainType::S2);
    ASSERT_TRUE(drv->attach(nic, s1)) << drv->error();
    ASSERT_TRUE(drv->attach(vf, s2)) << drv->error();
    ASSERT_EQ(drv->map(s1, 0x10000000, 0xC0000000, 0x200000, 0x200000, PROT_READ | PROT_WRITE | PROT_CACHE), 0);
    ASSERT_EQ(drv->map(s2, 0x40000000, 0xD0000000, 0x2000, 0x1000, PROT_READ), 0);

    smmu_result_t r = xlate(0x10, 0x1234);
    EXPECT_EQ(r.status, SMMU_OK);
    EXPECT_EQ(r.pa, 0x1234u);
    r = xlate(0x100, 0x10123456, true);
    EXPECT_EQ(r.status, SMMU_OK);
    EXPECT_EQ(r.pa, 0xC0123456u);
    EXPECT_EQ(r.page_log2, 21);
    r = xlate(0x208, 0x40001008);
    EXPECT_EQ(r.status, SMMU_OK);
    EXPECT_EQ(r.pa, 0xD0001008u);
    r = xlate(0x208, 0x40001008, true);   // read-only at stage 2
    EXPECT_NE(r.status, SMMU_OK);
    auto ev = drv->drain_events();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].id, evt::F_PERMISSION);
    EXPECT_EQ(ev[0].sid, 0x208u);
    EXPECT_TRUE(ev[0].s2);
    EXPECT_EQ(ev[0].iova, 0x40001008u);
}

TEST_F(CoreDriver, StrictUnmapTakesEffectAtOnce)
{
    start();
    int dev = drv->add_device({"nic", 0x100, 0, false});
    int s1 = drv->domain_alloc(DomainType::S1);
    ASSERT_TRUE(drv->attach(dev, s1));
    ASSERT_EQ(drv->map(s1, 0x10000000, 0xC0000000, 0x1000, 0x1000, PROT_READ), 0);
    ASSERT_EQ(xlate(0x100, 0x10000010).status, SMMU_OK);   // now cached
    drv->unmap(s1, 0x10000000, 0x1000);
    smmu_result_t r = xlate(0x100, 0x10000010);
    EXPECT_NE(r.status, SMMU_OK);
    auto ev = drv->drain_events();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].id, evt::F_TRANSLATION);
    EXPECT_EQ(ev[0].iova, 0x10000010u);
}

TEST_F(CoreDriver, LazyUnmapLeavesTheStaleEntryUntilTheFlush)
{
    opt.strict = false;
    start();
    int dev = drv->add_device({"nic", 0x100, 0, false});
    int s1 = drv->domain_alloc(DomainType::S1);
    ASSERT_TRUE(drv->attach(dev, s1));
    ASSERT_EQ(drv->map(s1, 0x10000000, 0xC0000000, 0x1000, 0x1000, PROT_READ), 0);
    ASSERT_EQ(xlate(0x100, 0x10000010).status, SMMU_OK);
    drv->unmap(s1, 0x10000000, 0x1000);
    EXPECT_EQ(xlate(0x100, 0x10000010).status, SMMU_OK);   // the TLB still holds it: lazy invalidation
    drv->flush_lazy();
    EXPECT_NE(xlate(0x100, 0x10000010).status, SMMU_OK);
}

TEST_F(CoreDriver, SvaPasidsSelectTheirOwnTables)
{
    start();
    int dev = drv->add_device({"accel", 0x300, 8, false});
    int rid = drv->domain_alloc(DomainType::S1), p = drv->domain_alloc(DomainType::S1);
    ASSERT_TRUE(drv->attach(dev, rid));
    ASSERT_TRUE(drv->attach_pasid(dev, p, 3)) << drv->error();
    ASSERT_EQ(drv->map(rid, 0x1000, 0xA0000000, 0x1000, 0x1000, PROT_READ), 0);
    ASSERT_EQ(drv->map(p, 0x1000, 0xB0000000, 0x1000, 0x1000, PROT_READ), 0);
    EXPECT_EQ(xlate(0x300, 0x1004).pa, 0xA0000004u);
    smmu_result_t r = xlate(0x300, 0x1004, false, 3, true);
    EXPECT_EQ(r.status, SMMU_OK);
    EXPECT_EQ(r.pa, 0xB0000004u);
}

TEST_F(CoreDriver, NestedDeviceTranslatesThroughBothStages)
{
    start();
    int dev = drv->add_device({"vm-nic", 0x400, 0, false});
    int s2 = drv->domain_alloc(DomainType::S2);
    // Guest RAM: IPA 0x0..16M at PA 0x90000000.
    ASSERT_EQ(drv->map(s2, 0, 0x90000000, 0x1000000, 0x200000, PROT_READ | PROT_WRITE | PROT_CACHE), 0);
    int nest = drv->domain_alloc(DomainType::Nested, 12, s2, 0x800000, 0x800000);
    ASSERT_GE(nest, 0) << drv->error();
    ASSERT_TRUE(drv->attach(dev, nest)) << drv->error();
    ASSERT_EQ(drv->map(nest, 0x7000000000ull, 0x123000, 0x1000, 0x1000, PROT_READ | PROT_WRITE), 0);
    smmu_result_t r = xlate(0x400, 0x7000000040ull, true);
    EXPECT_EQ(r.status, SMMU_OK);
    EXPECT_EQ(r.pa, 0x90123040u);
    EXPECT_EQ(drv->drain_events().size(), 0u);
}

TEST_F(CoreDriver, StalledFaultIsResumedAfterTheHandlerMaps)
{
    start();
    int dev = drv->add_device({"stall-dev", 0x500, 0, true});
    int s1 = drv->domain_alloc(DomainType::S1);
    ASSERT_TRUE(drv->attach(dev, s1));
    smmu_result_t r = xlate(0x500, 0x20000000);
    ASSERT_EQ(r.status, SMMU_STALL);
    drv->on_stall = [&](const Event &e) {
        return drv->map(s1, e.iova & ~0xFFFull, 0xE0000000, 0x1000, 0x1000, PROT_READ) == 0;
    };
    auto ev = drv->drain_events();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_TRUE(ev[0].stall);
    EXPECT_EQ(ev[0].stag, r.stag);
    EXPECT_EQ(smmu_stall_query(smmu, 0x500, r.stag), SMMU_STALL_RETRY);
    EXPECT_EQ(xlate(0x500, 0x20000000).pa, 0xE0000000u);
}

} // namespace
