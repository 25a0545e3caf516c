// SPDX-License-Identifier: BSD-3-Clause
// The driver model's ATS and PRI sequences (IHI 0070 3.9, 4.5, chapter 8), checked against the register-level
// fake: STE.EATS per device, CR0.PRIQEN/ATSCHK, CMD_ATC_INV + CMD_SYNC after every unmap's TLBI, the PRI queue
// drained and every page request group answered with CMD_PRI_RESP.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>

#include "driver/driver.h"
#include "fake_smmu.h"

using namespace smmusim;

namespace {

constexpr uint32_t kIdr0Ats = 1u << 10, kIdr0Pri = 1u << 16;
constexpr uint64_t kPriqBase = 0xC0, kPriqProd = 0x100C8, kPriqCons = 0x100CC;
const Cmd kSync = {0x0FC02046, 0};   // CS=SEV, MSH=ISH, MSIATTR=OIWB, as the driver issues it on QEMU defaults

// The fake with IDR0.ATS/PRI and a PRI queue the test fills.
struct PriFake : fake::Smmu {
    uint64_t priq_base = 0;
    uint32_t priq_prod = 0, priq_cons = 0;
    explicit PriFake(PhysMemory &m) : fake::Smmu(m) { idr0 |= kIdr0Ats | kIdr0Pri; idr1 |= 8u << 11; }   // PRIQS 8
    uint32_t read32(uint64_t off) override {
        if (off == kPriqProd) return priq_prod;
        if (off == kPriqCons) return priq_cons;
        return fake::Smmu::read32(off);
    }
    void write32(uint64_t off, uint32_t v) override {
        if (off == kPriqProd) priq_prod = v;
        if (off == kPriqCons) priq_cons = v;
        fake::Smmu::write32(off, v);
    }
    void write64(uint64_t off, uint64_t v) override {
        if (off == kPriqBase) priq_base = v;
        fake::Smmu::write64(off, v);
    }
    // One PRI queue entry as the SMMU writes it (chapter 8).
    void post(uint32_t sid, bool ssv, uint32_t ssid, uint64_t page, uint16_t prgi, bool last, bool r, bool w) {
        const unsigned l2 = (unsigned)(priq_base & 0x1F);
        const uint32_t mask = (1u << l2) - 1, mask2 = (2u << l2) - 1;
        const uint64_t slot = (priq_base & 0x000FFFFFFFFFFFE0ull) + 16ull * (priq_prod & mask);
        mem.w64(slot, sid | (uint64_t)ssid << 32 | (ssv ? 1ull << 63 : 0) | (last ? 1ull << 62 : 0) |
                          (w ? 1ull << 61 : 0) | (r ? 1ull << 60 : 0));
        mem.w64(slot + 8, page | prgi);
        priq_prod = (priq_prod & 0x80000000u) | (((priq_prod & mask2) + 1) & mask2);
    }
};

struct DriverAts : ::testing::Test {
    SparseMemory mem;
    PhysAllocator alloc{0x80000000ull, 0x40000000ull};
    PriFake hw{mem};
    std::unique_ptr<SmmuDriver> drv;
    void start() {
        drv = std::make_unique<SmmuDriver>(hw, mem, alloc);
        ASSERT_TRUE(drv->probe()) << drv->error();
    }
};

TEST_F(DriverAts, BringUpEnablesThePriQueueAtsCheckAndThePriInterrupt)
{
    start();
    EXPECT_TRUE(drv->features().ats);
    EXPECT_TRUE(drv->features().pri);
    EXPECT_EQ(hw.priq_base, 1ull << 62 | drv->priq_base() | 8);   // WA, 2^8 entries
    EXPECT_NE(drv->priq_base(), 0u);
    EXPECT_EQ(hw.cr0 & 0x1F, 0x1Fu);                               // SMMUEN, PRIQEN, EVENTQEN, CMDQEN, ATSCHK
    EXPECT_EQ(hw.irq_ctrl, 7u);                                    // GERROR, PRIQ, EVENTQ

    SparseMemory m2;
    PhysAllocator a2{0x80000000ull, 0x10000000ull};
    fake::Smmu plain{m2};                                          // QEMU defaults: no ATS, no PRI
    SmmuDriver d2(plain, m2, a2);
    ASSERT_TRUE(d2.probe());
    EXPECT_EQ(d2.priq_base(), 0u);
    EXPECT_EQ(plain.cr0 & 0x12, 0u);
    EXPECT_EQ(plain.irq_ctrl, 5u);
}

TEST_F(DriverAts, SteEatsIsFullAtsOnlyForAtsDevicesInTranslatingDomains)
{
    hw.idr0 |= 1;                         // S2P
    start();
    struct Case { const char *name; uint32_t sid; bool ats; DomainType t; uint64_t eats; } cases[] = {
        {"ats s1", 0x100, true, DomainType::S1, 1},
        {"ats s2", 0x108, true, DomainType::S2, 1},
        {"no ats s1", 0x110, false, DomainType::S1, 0},
        {"ats bypass", 0x118, true, DomainType::Bypass, 0},
    };
    for (const Case &c : cases) {
        DeviceDesc dd{c.name, c.sid, 0, false};
        dd.ats = c.ats;
        int dev = drv->add_device(dd);
        ASSERT_TRUE(drv->attach(dev, drv->domain_alloc(c.t))) << c.name;
        EXPECT_EQ((mem.r64(drv->ste_addr(c.sid) + 8) >> 28) & 3, c.eats) << c.name;
    }
}

TEST_F(DriverAts, UnmapInvalidatesTheAtcAfterTheTlb)
{
    start();
    DeviceDesc gpu{"gpu", 0x200, 4, false};
    gpu.ats = true;
    const int dev = drv->add_device(gpu);
    const int plain = drv->add_device({"nic", 0x300, 0, false});
    const int dom = drv->domain_alloc(DomainType::S1);
    ASSERT_TRUE(drv->attach(dev, dom));
    ASSERT_TRUE(drv->attach(plain, dom));
    const uint64_t asid = drv->domain_asid(dom);
    struct Case { uint64_t iova, size; uint64_t addr; unsigned log2; } cases[] = {
        {0x12000, 0x1000, 0x12000, 0},      // one page: Size 0
        {0x12000, 0x2000, 0x12000, 1},      // two aligned pages
        {0x13000, 0x2000, 0x10000, 3},      // pages 0x13, 0x14: the aligned span of 8 pages covering both
    };
    for (const Case &c : cases) {
        ASSERT_EQ(drv->map(dom, c.iova, 0x100000000ull, c.size, 4096, PROT_READ | PROT_WRITE), 0);
        hw.take_cmds();
        EXPECT_EQ(drv->unmap(dom, c.iova, c.size), c.size);
        const std::vector<Cmd> got = hw.take_cmds();
        ASSERT_GE(got.size(), 4u);
        EXPECT_EQ((uint8_t)got[0][0], 0x12) << "TLBI_NH_VA first";
        EXPECT_EQ(got[0][0] >> 48, asid);
        // The TLBI's CMD_SYNC, then one CMD_ATC_INV for the ATS device only (no PASID), then its CMD_SYNC.
        const std::vector<Cmd> tail(got.end() - 3, got.end());
        const std::vector<Cmd> want = {kSync, {0x40 | 0x200ull << 32, c.addr | c.log2}, kSync};
        EXPECT_EQ(tail, want) << std::hex << c.iova;
    }
    EXPECT_EQ(drv->counters().atc_inv, 3u);
}

TEST_F(DriverAts, SvaDomainIsInvalidatedOnItsPasidAndLazyFlushInvalidatesEverything)
{
    hw.idr1 |= 8u << 6;                   // SSIDSIZE 8
    DriverOptions o;
    o.strict = false;
    o.lazy_batch = 2;
    drv = std::make_unique<SmmuDriver>(hw, mem, alloc, o);
    ASSERT_TRUE(drv->probe());
    DeviceDesc acc{"accel", 0x400, 4, false};
    acc.ats = true;
    const int dev = drv->add_device(acc);
    ASSERT_TRUE(drv->attach(dev, drv->domain_alloc(DomainType::Bypass)));
    const int sva = drv->domain_alloc(DomainType::S1);
    ASSERT_TRUE(drv->attach_pasid(dev, sva, 3));
    ASSERT_EQ(drv->map(sva, 0x40000, 0x100000000ull, 0x2000, 4096, PROT_READ | PROT_WRITE), 0);
    hw.take_cmds();
    drv->unmap(sva, 0x40000, 0x1000);
    EXPECT_TRUE(hw.take_cmds().empty());   // lazy: queued
    drv->unmap(sva, 0x41000, 0x1000);      // the batch is full: flush
    const std::vector<Cmd> got = hw.take_cmds();
    ASSERT_EQ(got.size(), 4u);
    EXPECT_EQ((uint8_t)got[0][0], 0x11);   // TLBI_NH_ASID
    EXPECT_EQ(got[1], kSync);
    // SSV, SSID 3, everything (Size 52)
    EXPECT_EQ(got[2], (Cmd{0x40 | 1ull << 11 | 3ull << 12 | 0x400ull << 32, 52}));
    EXPECT_EQ(got[3], kSync);
}

TEST_F(DriverAts, PageRequestGroupsAreAnsweredWithTheirWorstResponse)
{
    start();
    std::vector<PageRequest> seen;
    drv->on_page_request = [&](const PageRequest &r) {
        seen.push_back(r);
        return r.addr == 0xBAD000 ? +PRI_RESP_INVALID : +PRI_RESP_SUCCESS;
    };
    hw.post(0x500, true, 9, 0x10000, 5, false, true, false);   // group 5: fine
    hw.post(0x500, false, 0, 0x20000, 6, true, true, true);    // group 6, alone: fine
    hw.post(0x500, true, 9, 0xBAD000, 5, true, true, false);   // group 5's last: refused, so the group is
    hw.take_cmds();
    const std::vector<PageRequest> got = drv->drain_priq();
    ASSERT_EQ(got.size(), 3u);
    EXPECT_EQ(seen.size(), 3u);
    EXPECT_EQ(got[0].sid, 0x500u);
    EXPECT_TRUE(got[0].ssv);
    EXPECT_EQ(got[0].ssid, 9u);
    EXPECT_EQ(got[0].addr, 0x10000u);
    EXPECT_EQ(got[0].prgi, 5u);
    EXPECT_FALSE(got[0].last);
    EXPECT_TRUE(got[1].write);
    EXPECT_TRUE(got[2].last);
    // CMD_PRI_RESP: group 6 Success (0b10), group 5 InvalidRequest (0b01); no CMD_SYNC after them.
    const std::vector<Cmd> want = {{0x41 | 0x500ull << 32, 6 | 2u << 12},
                                   {0x41 | 1ull << 11 | 9ull << 12 | 0x500ull << 32, 5 | 1u << 12}};
    EXPECT_EQ(hw.take_cmds(), want);
    EXPECT_EQ(hw.priq_cons, 3u);
    EXPECT_EQ(drv->counters().page_requests, 3u);
    EXPECT_EQ(drv->counters().pri_responses, 2u);

    drv->on_page_request = nullptr;                          // nobody to service it: ResponseFailure
    hw.post(0x501, false, 0, 0x30000, 1, true, true, false);
    drv->drain_priq();
    EXPECT_EQ(hw.take_cmds(), (std::vector<Cmd>{{0x41 | 0x501ull << 32, 1}}));
}

TEST_F(DriverAts, PriQueueOverflowIsAcknowledged)
{
    start();
    hw.post(0x600, false, 0, 0x1000, 1, true, true, false);
    hw.priq_prod ^= 0x80000000u;                               // OVFLG toggled: requests were lost
    drv->on_page_request = [](const PageRequest &) { return +PRI_RESP_SUCCESS; };
    EXPECT_EQ(drv->drain_priq().size(), 1u);
    EXPECT_EQ(hw.priq_cons, 0x80000001u);                      // OVACKFLG follows OVFLG
    EXPECT_EQ(drv->counters().priq_overflows, 1u);
}

} // namespace

// A domain change or a PASID's removal takes translations away from an ATS device: after the STE/CD change the
// driver invalidates the whole ATC of that RID or PASID (Size 52, arm_smmu_attach_commit / remove_dev_pasid).
TEST_F(DriverAts, DomainChangeAndPasidFreeInvalidateTheWholeAtc)
{
    hw.idr1 |= 8u << 6;                   // SSIDSIZE 8
    start();
    DeviceDesc acc{"accel", 0x500, 4, false};
    acc.ats = true;
    const int dev = drv->add_device(acc);
    const int plain = drv->add_device({"nic", 0x600, 4, false});
    const int s1 = drv->domain_alloc(DomainType::S1), other = drv->domain_alloc(DomainType::S1);
    const int sva = drv->domain_alloc(DomainType::S1);
    hw.take_cmds();
    ASSERT_TRUE(drv->attach(dev, s1));
    ASSERT_TRUE(drv->attach(plain, s1));
    for (const Cmd &c : hw.take_cmds()) EXPECT_NE((uint8_t)c[0], 0x40) << "first attach: the ATC is empty";

    const Cmd rid_all = {0x40 | 0x500ull << 32, 52}, pasid3_all = {0x40 | 1ull << 11 | 3ull << 12 | 0x500ull << 32, 52};
    struct Case { const char *name; std::function<bool()> act; Cmd want; } cases[] = {
        {"attach to another S1 domain", [&] { return drv->attach(dev, other); }, rid_all},
        {"detach (blocked)", [&] { return drv->detach(dev); }, rid_all},
        {"PASID 3 freed", [&] { return drv->attach_pasid(dev, sva, 3) && (hw.take_cmds(), drv->free_pasid(dev, 3)); },
         pasid3_all},
    };
    for (const Case &c : cases) {
        hw.take_cmds();
        const uint64_t before = drv->counters().atc_inv;
        ASSERT_TRUE(c.act()) << c.name;
        const std::vector<Cmd> got = hw.take_cmds();
        auto at = std::find(got.begin(), got.end(), c.want);
        ASSERT_NE(at, got.end()) << c.name;
        ASSERT_NE(at + 1, got.end()) << c.name;
        EXPECT_EQ(at[1], kSync) << c.name << ": its own CMD_SYNC";
        EXPECT_EQ(drv->counters().atc_inv, before + 1) << c.name;
        // After the STE or CD change that it follows.
        bool cfgi_before = false;
        for (auto it = got.begin(); it != at; ++it) cfgi_before |= (uint8_t)(*it)[0] == 0x03 || (uint8_t)(*it)[0] == 0x05;
        EXPECT_TRUE(cfgi_before) << c.name;
    }
    hw.take_cmds();
    ASSERT_TRUE(drv->attach(plain, other));
    for (const Cmd &c : hw.take_cmds()) EXPECT_NE((uint8_t)c[0], 0x40) << "a device without ATS gets none";
}
