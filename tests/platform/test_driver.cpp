// SPDX-License-Identifier: BSD-3-Clause
// The driver model's register, command-queue and structure sequences, checked against a register-level fake.
#include <gtest/gtest.h>

#include "driver/driver.h"
#include "fake_smmu.h"

using namespace smmusim;

namespace {

struct DriverFake : ::testing::Test {
    SparseMemory mem;
    PhysAllocator alloc{0x80000000ull, 0x40000000ull};
    fake::Smmu hw{mem};
    DriverOptions opt;
    std::unique_ptr<SmmuDriver> drv;
    void start() {
        drv = std::make_unique<SmmuDriver>(hw, mem, alloc, opt);
        ASSERT_TRUE(drv->probe()) << drv->error();
    }
};

TEST_F(DriverFake, BringUpFollowsTheLinuxRegisterSequenceOnQemuDefaults)
{
    start();
    const Features &f = drv->features();
    EXPECT_TRUE(f.two_lvl_strtab);
    EXPECT_TRUE(f.range_inv);
    EXPECT_TRUE(f.bbml2);
    EXPECT_FALSE(f.msi);
    EXPECT_FALSE(f.stalls);   // STALL_MODEL = 1
    EXPECT_EQ(f.oas, 44u);
    EXPECT_EQ(f.ias, 44u);
    EXPECT_EQ(f.sid_bits, 16u);
    EXPECT_EQ(f.pgsize_bitmap, 0x40201000ull | 0x2004000ull | 0x20010000ull);

    std::vector<std::tuple<char, unsigned, uint64_t>> got;
    for (auto &a : hw.log) got.emplace_back(a.kind, a.size, a.off);
    std::vector<std::tuple<char, unsigned, uint64_t>> want = {
        {'R', 4, 0x0}, {'R', 4, 0x4}, {'R', 4, 0xC}, {'R', 4, 0x14}, {'R', 4, 0x18},
        {'R', 4, 0x20}, {'W', 4, 0x20}, {'R', 4, 0x24}, {'W', 4, 0x28}, {'W', 4, 0x2C},
        {'W', 8, 0x80}, {'W', 4, 0x88}, {'W', 8, 0x90}, {'W', 4, 0x98}, {'W', 4, 0x9C},
        {'W', 4, 0x20}, {'R', 4, 0x24},
        {'W', 4, 0x98}, {'R', 4, 0x9C},            // CFGI_ALL + SYNC
        {'W', 4, 0x98}, {'R', 4, 0x9C},            // TLBI_NSNH_ALL + SYNC
        {'W', 8, 0xA0}, {'W', 4, 0x100A8}, {'W', 4, 0x100AC}, {'W', 4, 0x20}, {'R', 4, 0x24},
        {'W', 4, 0x50}, {'R', 4, 0x54}, {'W', 8, 0x68}, {'W', 8, 0xB0}, {'W', 4, 0x50}, {'R', 4, 0x54},
        {'W', 4, 0x20}, {'R', 4, 0x24},
    };
    EXPECT_EQ(got, want);
    auto val = [&](size_t i) { return hw.log.at(i).val; };
    EXPECT_EQ(val(6), 0u);
    EXPECT_EQ(val(8), 0xD75u);
    EXPECT_EQ(val(9), 0x6u);
    EXPECT_EQ(val(10), (drv->strtab_base() & 0x000FFFFFFFFFFFC0ull) | 1ull << 62);
    EXPECT_EQ(val(11), 0x10210u);
    EXPECT_EQ(val(12), 1ull << 62 | drv->cmdq_base() | 8);
    EXPECT_EQ(val(15), 0x8u);
    EXPECT_EQ(val(17), 2u);
    EXPECT_EQ(val(19), 4u);
    EXPECT_EQ(val(21), 1ull << 62 | drv->evtq_base() | 7);
    EXPECT_EQ(val(24), 0xCu);
    EXPECT_EQ(val(30), 0x5u);
    EXPECT_EQ(val(32), 0xDu);
    // CFGI_ALL is opcode 0x04 with Range 31; CMD_SYNC uses CS=SEV without MSI.
    ASSERT_EQ(hw.cmds.size(), 4u);
    EXPECT_EQ(hw.cmds[0], (Cmd{0x04, 31}));
    EXPECT_EQ(hw.cmds[1], (Cmd{0x0FC02046, 0}));
    EXPECT_EQ(hw.cmds[2], (Cmd{0x30, 0}));
    EXPECT_EQ(hw.cmds[3], (Cmd{0x0FC02046, 0}));
}

TEST_F(DriverFake, HypAddsTlbiEl2AllAndMsiPollingSyncsToTheirOwnSlot)
{
    hw.idr0 |= 1u << 9 | 1u << 13;   // HYP, MSI (COHACC is set)
    start();
    EXPECT_EQ(drv->sync_cs(), 1u);
    ASSERT_EQ(hw.cmds.size(), 6u);
    EXPECT_EQ(fake::opcodes(hw.cmds), (std::vector<uint8_t>{0x04, 0x46, 0x20, 0x46, 0x30, 0x46}));
    EXPECT_EQ(hw.cmds[1][0], 0x0FC01046u);
    EXPECT_EQ(hw.cmds[1][1], drv->cmdq_base() + 16);   // MSIAddress = the SYNC's own slot
    EXPECT_EQ(hw.cmds[5][1], drv->cmdq_base() + 5 * 16);
    EXPECT_EQ(mem.r32(drv->cmdq_base() + 16), 0u);    // the MSI cleared the word the driver polled
}

TEST_F(DriverFake, SyncModePollOverridesMsi)
{
    hw.idr0 |= 1u << 13;
    opt.sync = DriverOptions::Sync::Poll;
    start();
    EXPECT_EQ(drv->sync_cs(), 2u);
    EXPECT_EQ(hw.cmds[1][0], 0x0FC02046u);
}

TEST_F(DriverFake, ProbeRejectsWhatLinuxRejects)
{
    struct Case { uint32_t idr0, idr1; const char *msg; };
    const Case cases[] = {
        {0x0D44101A & ~3u, 0x02730010, "no translation support!"},
        {(0x0D44101A & ~0xCu) | 0x4, 0x02730010, "AArch64 table format not supported!"},
        {0x0D44101A, 0x02730010 | 1u << 30, "embedded implementation not supported"},
        {0x0D44101A, (0x02730010 & ~(0x1Fu << 21)) | 6u << 21, "command queue size <= 64 entries not supported"},
        {0x0D44101A | 3u << 21, 0x02730010, "no little-endian table support (IDR0.TTENDIAN)"},
    };
    for (const Case &c : cases) {
        SparseMemory m;
        PhysAllocator a{0x80000000ull, 0x10000000ull};
        fake::Smmu h{m};
        h.idr0 = c.idr0;
        h.idr1 = c.idr1;
        SmmuDriver d(h, m, a);
        EXPECT_FALSE(d.probe());
        EXPECT_EQ(d.error(), c.msg);
    }
}

TEST_F(DriverFake, Mmu700ErrataDropNesting)
{
    hw.iidr = 0x4870043B;
    start();
    EXPECT_FALSE(drv->features().nesting);
}

TEST_F(DriverFake, LinearStreamTableForSmallSidSpace)
{
    hw.idr1 = (hw.idr1 & ~0x3Fu) | 6;
    start();
    EXPECT_EQ(hw.strtab_cfg, 6u);
    for (uint32_t sid = 0; sid < 64; sid++) EXPECT_EQ(mem.r64(drv->strtab_base() + 64 * sid), 1u);   // abort STEs
    EXPECT_EQ(drv->ste_addr(5), drv->strtab_base() + 5 * 64);
    EXPECT_EQ(drv->ste_addr(64), 0u);
}

TEST(Bdf, RequesterIdFromBusDeviceFunction)
{
    EXPECT_EQ(SmmuDriver::parse_bdf("00:1f.3"), 0xFB);
    EXPECT_EQ(SmmuDriver::parse_bdf("0000:03:00.0"), 0x300);
    EXPECT_EQ(SmmuDriver::parse_bdf("ff:1f.7"), 0xFFFF);
    EXPECT_EQ(SmmuDriver::parse_bdf("00:20.0"), -1);
    EXPECT_EQ(SmmuDriver::parse_bdf("00:1f.8"), -1);
    EXPECT_EQ(SmmuDriver::parse_bdf("garbage"), -1);
}

TEST_F(DriverFake, FreshS1AttachIsTwoCdSyncsAndTwoSteSyncs)
{
    start();
    hw.take_cmds();
    int dev = drv->add_device({"nic", 0x0100, 0, false});
    int dom = drv->domain_alloc(DomainType::S1);
    ASSERT_GE(dom, 0);
    ASSERT_TRUE(drv->attach(dev, dom)) << drv->error();
    auto c = hw.take_cmds();
    EXPECT_EQ(fake::opcodes(c), (std::vector<uint8_t>{0x05, 0x46, 0x05, 0x46, 0x03, 0x46, 0x03, 0x46, 0x01}));
    EXPECT_EQ(c[0], (Cmd{0x05 | 0x0100ull << 32, 1}));
    EXPECT_EQ(c[4], (Cmd{0x03 | 0x0100ull << 32, 1}));
    EXPECT_EQ(c[8], (Cmd{0x01 | 0x0100ull << 32, 0}));
    EXPECT_EQ(drv->counters().hitless, 2u);

    // The STE: 2-level stream table, L1 descriptor SPAN=9, cdtable STE with S1DSS=SSID0.
    uint64_t l1 = mem.r64(drv->strtab_base() + 8 * 1);
    EXPECT_EQ(l1 & 0x1F, 9u);
    uint64_t ste = drv->ste_addr(0x100);
    EXPECT_EQ(ste, (l1 & 0x000FFFFFFFFFFFC0ull));
    uint64_t cd = drv->cd_addr(dev, 0);
    EXPECT_EQ(mem.r64(ste), 1 | 5u << 1 | cd);
    EXPECT_EQ(mem.r64(ste + 8), 2u | 1u << 2 | 1u << 4 | 3u << 6);
    // The CD (linux-driver-sequence.md 2.4 example, with this SMMU's 44-bit IAS): ASID 1, T0SZ 16, 4K, WBWA/ISH.
    EXPECT_EQ(mem.r64(cd), 0x0001E204C0003510ull);
    EXPECT_EQ(mem.r64(cd + 8), drv->domain_pgtable(dom)->ttbr());
    EXPECT_EQ(mem.r64(cd + 24), 0xFFFFFFFFF404FF44ull);
}

TEST_F(DriverFake, S1ToS2IsABreakingUpdate)
{
    hw.idr0 |= 1;   // S2P
    start();
    int dev = drv->add_device({"gpu", 0x0200, 0, false});
    int s1 = drv->domain_alloc(DomainType::S1), s2 = drv->domain_alloc(DomainType::S2);
    ASSERT_TRUE(drv->attach(dev, s1));
    hw.take_cmds();
    uint64_t breaking = drv->counters().breaking;
    ASSERT_TRUE(drv->attach(dev, s2)) << drv->error();
    EXPECT_EQ(drv->counters().breaking, breaking + 1);
    auto c = hw.take_cmds();
    // V=0 + sync, qwords 1-7 + sync, qword 0 + sync, prefetch; then the stale CD 0 is cleared hitlessly
    // (V first, then the now-unused rest).
    EXPECT_EQ(fake::opcodes(c), (std::vector<uint8_t>{0x03, 0x46, 0x03, 0x46, 0x03, 0x46, 0x01, 0x05, 0x46, 0x05, 0x46}));
    uint64_t ste = drv->ste_addr(0x200);
    IoPgtable *p = drv->domain_pgtable(s2);
    EXPECT_EQ(mem.r64(ste), 1u | 6u << 1);
    EXPECT_EQ(mem.r64(ste + 8), 0u);   // QEMU: no ATTR_TYPES_OVR
    EXPECT_EQ(mem.r64(ste + 16), (uint64_t)drv->domain_vmid(s2) | (uint64_t)p->vtcr_ste() << 32 | 1ull << 51 | 1ull << 54 | 1ull << 58);
    EXPECT_EQ(mem.r64(ste + 24), p->ttbr());
    // ias = oas = 44 with a 4K granule: T0SZ 20, a 32-entry level-0 table (too big to concatenate), SL0 = 2
    IoPgtable::Tcr t = p->tcr();
    EXPECT_EQ(t.t0sz, 20u);
    EXPECT_EQ(p->start_level(), 0);
    EXPECT_EQ(t.sl0, 2u);
    EXPECT_EQ(t.ips, 4u);
}

TEST_F(DriverFake, BypassSteAndGroupsShareOneSte)
{
    start();
    int a = drv->add_device({"fn0", 0x0300, 0, false});
    int b = drv->add_device({"alias", 0x0300, 0, false});
    int c = drv->add_device({"other", 0x0308, 0, false});
    EXPECT_EQ(drv->group_of(a), a);
    EXPECT_EQ(drv->group_of(b), a);
    EXPECT_EQ(drv->group_of(c), c);
    int byp = drv->domain_alloc(DomainType::Bypass);
    ASSERT_TRUE(drv->attach(b, byp));
    EXPECT_EQ(mem.r64(drv->ste_addr(0x300)), 1u | 4u << 1);
    EXPECT_EQ(drv->client_name(0x300), "fn0");
    EXPECT_EQ(drv->client_name(0x999), "(unassigned sid)");
}

struct Unmap { bool ril; uint64_t map_pgsize, unmap_size; std::vector<Cmd> want; };

TEST_F(DriverFake, StrictUnmapInvalidatesLikeArmSmmuTlbInvRange)
{
    const uint64_t asid = 1, iova = 0x40000000;
    const Cmd S = {0x0FC02046, 0};
    const Unmap cases[] = {
        // one 4K page: TG=1 (4K), TTL=3, NUM=0, SCALE=0
        {true, 0x1000, 0x1000, {{0x12 | asid << 48, iova | 1 | 3u << 8 | 1u << 10}, S}},
        // 512 4K pages unmapped as one 2M step: the level-3 table goes (non-leaf walk flush, TTL=0, SCALE=9),
        // then the leaf range at 2M granularity (TTL=2)
        {true, 0x1000, 0x200000, {{0x12 | 9u << 20 | asid << 48, iova | 1u << 10}, S,
                                  {0x12 | 9u << 20 | asid << 48, iova | 1 | 2u << 8 | 1u << 10}, S}},
        // a 2M block: TTL=2, 512 pages of the 4K minimum size
        {true, 0x200000, 0x200000, {{0x12 | 9u << 20 | asid << 48, iova | 1 | 2u << 8 | 1u << 10}, S}},
        // 3 pages: NUM=2 SCALE=0
        {true, 0x1000, 0x3000, {{0x12 | 2u << 12 | asid << 48, iova | 1 | 3u << 8 | 1u << 10}, S}},
        // 33 pages: 1 + 32 -> SCALE=0 NUM=0, then SCALE=5 NUM=0
        {true, 0x1000, 0x21000, {{0x12 | asid << 48, iova | 1 | 3u << 8 | 1u << 10},
                                 {0x12 | 5u << 20 | asid << 48, (iova + 0x1000) | 1 | 3u << 8 | 1u << 10}, S}},
        // no RIL: one command per page
        {false, 0x1000, 0x2000, {{0x12 | asid << 48, iova | 1}, {0x12 | asid << 48, (iova + 0x1000) | 1}, S}},
    };
    for (const Unmap &u : cases) {
        SparseMemory m;
        PhysAllocator a{0x80000000ull, 0x10000000ull};
        fake::Smmu h{m};
        if (!u.ril) h.idr3 &= ~(1u << 10);
        SmmuDriver d(h, m, a);
        ASSERT_TRUE(d.probe());
        int dom = d.domain_alloc(DomainType::S1);
        ASSERT_EQ(d.map(dom, iova, 0x100000000ull, u.unmap_size, u.map_pgsize, PROT_READ | PROT_WRITE), 0);
        h.take_cmds();
        EXPECT_EQ(d.unmap(dom, iova, u.unmap_size), u.unmap_size);
        EXPECT_EQ(h.take_cmds(), u.want) << u.unmap_size;
    }
}

TEST_F(DriverFake, S2UnmapUsesS2IpaWithVmid)
{
    hw.idr0 |= 1;
    start();
    int dom = drv->domain_alloc(DomainType::S2);
    ASSERT_EQ(drv->map(dom, 0x80000000, 0x90000000, 0x1000, 0x1000, PROT_READ), 0);
    hw.take_cmds();
    drv->unmap(dom, 0x80000000, 0x1000);
    auto c = hw.take_cmds();
    ASSERT_EQ(c.size(), 2u);
    EXPECT_EQ(c[0], (Cmd{0x2A | (uint64_t)drv->domain_vmid(dom) << 32, 0x80000000ull | 1 | 3u << 8 | 1u << 10}));
}

TEST_F(DriverFake, LazyUnmapFlushesTheAsidOncePerBatch)
{
    opt.strict = false;
    opt.lazy_batch = 4;
    start();
    int dom = drv->domain_alloc(DomainType::S1);
    for (int i = 0; i < 10; i++) ASSERT_EQ(drv->map(dom, 0x1000ull * i, 0x200000ull + 0x1000ull * i, 0x1000, 0x1000, PROT_READ), 0);
    hw.take_cmds();
    for (int i = 0; i < 10; i++) drv->unmap(dom, 0x1000ull * i, 0x1000);
    auto c = hw.take_cmds();
    EXPECT_EQ(fake::opcodes(c), (std::vector<uint8_t>{0x11, 0x46, 0x11, 0x46}));
    EXPECT_EQ(c[0], (Cmd{0x11 | 1ull << 48, 0}));
    drv->flush_lazy();
    EXPECT_EQ(fake::opcodes(hw.take_cmds()), (std::vector<uint8_t>{0x11, 0x46}));
    EXPECT_EQ(drv->counters().lazy_flushes, 3u);
}

TEST_F(DriverFake, SvaPasidsWriteSeveralCdsAndS1dssBypass)
{
    hw.idr1 |= 8u << 6;   // SSIDSIZE 8
    start();
    int dev = drv->add_device({"accel", 0x0400, 4, false});
    int byp = drv->domain_alloc(DomainType::Bypass);
    ASSERT_TRUE(drv->attach(dev, byp));
    int p1 = drv->domain_alloc(DomainType::S1), p2 = drv->domain_alloc(DomainType::S1);
    ASSERT_TRUE(drv->attach_pasid(dev, p1, 1)) << drv->error();
    ASSERT_TRUE(drv->attach_pasid(dev, p2, 7)) << drv->error();
    EXPECT_FALSE(drv->attach_pasid(dev, p2, 16));   // beyond 4 SSID bits
    uint64_t ste = drv->ste_addr(0x400);
    EXPECT_EQ(mem.r64(ste) & 0xF, 1u | 5u << 1);
    EXPECT_EQ(mem.r64(ste) >> 59, 4u);             // S1CDMAX
    EXPECT_EQ(mem.r64(ste + 8) & 3, 1u);           // S1DSS = bypass
    EXPECT_EQ(mem.r64(drv->cd_addr(dev, 1)) >> 48, drv->domain_asid(p1));
    EXPECT_EQ(mem.r64(drv->cd_addr(dev, 7)) >> 48, drv->domain_asid(p2));
    EXPECT_EQ(mem.r64(drv->cd_addr(dev, 0)), 0u);
    ASSERT_TRUE(drv->detach_pasid(dev, 7));
    EXPECT_EQ(mem.r64(drv->cd_addr(dev, 7)) & (1ull << 31), 0u);
}

TEST_F(DriverFake, TwoLevelCdTableForManyPasids)
{
    hw.idr0 |= 1u << 19;   // CD2L
    hw.idr1 = (hw.idr1 & ~(0x1Fu << 6)) | 16u << 6;
    start();
    int dev = drv->add_device({"sva", 0x0500, 16, false});
    int d1 = drv->domain_alloc(DomainType::S1), d2 = drv->domain_alloc(DomainType::S1);
    ASSERT_TRUE(drv->attach(dev, d1));
    hw.take_cmds();
    ASSERT_TRUE(drv->attach_pasid(dev, d2, 5000));
    auto c = hw.take_cmds();
    // A new leaf table: L1 descriptor then CFGI_CD(Leaf=0) + SYNC before the CD itself.
    ASSERT_GE(c.size(), 2u);
    EXPECT_EQ(c[0], (Cmd{0x05 | 5000ull << 12 | 0x500ull << 32, 0}));
    uint64_t ste0 = mem.r64(drv->ste_addr(0x500));
    EXPECT_EQ((ste0 >> 4) & 3, 2u);   // S1FMT = 2-level, 64K leaves
    EXPECT_EQ(ste0 >> 59, 16u);
    uint64_t l1 = mem.r64((ste0 & 0x000FFFFFFFFFFFC0ull) + 8 * (5000 / 1024));
    EXPECT_EQ(l1 & 1, 1u);
    EXPECT_EQ(drv->cd_addr(dev, 5000), (l1 & 0x000FFFFFFFFFF000ull) + 64 * (5000 % 1024));
}

TEST_F(DriverFake, EventsAreDrainedDecodedAndPrintedLikeLinux)
{
    start();
    drv->add_device({"nvme", 0x0600, 0, false});
    hw.post_event({0x10 | 1ull << 11 | 5ull << 12 | 0x600ull << 32, 1ull << 35 | 1ull << 40 | 0x42, 0xDEAD000, 0x1234000});
    hw.post_event({0x09 | 0x700ull << 32, 0, 0, 0x8000048});
    auto ev = drv->drain_events();
    ASSERT_EQ(ev.size(), 2u);
    EXPECT_EQ(hw.evtq_cons, 2u);
    EXPECT_EQ(ev[0].id, 0x10);
    EXPECT_EQ(ev[0].ssid, 5u);
    EXPECT_TRUE(ev[0].rnw);
    EXPECT_EQ(format_event(ev[0], drv->client_name(ev[0].sid)),
              "event 0x10 received:\n\t0x0000060000005810\n\t0x0000010800000042\n\t0x000000000dead000\n\t0x0000000001234000\n"
              "event: F_TRANSLATION client: nvme sid: 0x600 ssid: 0x5 iova: 0xdead000 ipa: 0x1234000\n"
              "unpriv data read s1 \"Stage 1 translation table fetch\" stag: 0x42\n");
    std::string cd = format_event(ev[1], drv->client_name(ev[1].sid));
    EXPECT_EQ(cd.substr(cd.find("event: ")),
              "event: F_CD_FETCH client: (unassigned sid) sid: 0x700 ssid: 0 fetch_addr: 0x8000048\n");
    EXPECT_STREQ(event_linux_name(0x0B), "UNKNOWN");
    EXPECT_STREQ(event_spec_name(0x0B), "F_WALK_EABT");
}

TEST_F(DriverFake, EventQueueOverflowIsAcknowledged)
{
    start();
    hw.post_event({0x10, 0, 0, 0});
    hw.evtq_prod |= 1u << 31;
    drv->drain_events();
    EXPECT_EQ(drv->counters().evtq_overflows, 1u);
    EXPECT_EQ(hw.evtq_cons, 1u | 1u << 31);
}

TEST_F(DriverFake, StallEventsAreResumedWithoutSync)
{
    start();
    drv->on_stall = [](const Event &e) { return e.stag == 7; };
    hw.take_cmds();
    hw.post_event({0x10 | 0x10ull << 32, 1ull << 31 | 7, 0x1000, 0});
    hw.post_event({0x10 | 0x10ull << 32, 1ull << 31 | 8, 0x2000, 0});
    drv->drain_events();
    auto c = hw.take_cmds();
    ASSERT_EQ(c.size(), 2u);
    EXPECT_EQ(c[0], (Cmd{0x44 | 1u << 12 | 0x10ull << 32, 7}));   // retry
    EXPECT_EQ(c[1], (Cmd{0x44 | 1u << 13 | 0x10ull << 32, 8}));   // terminate with abort
}

TEST_F(DriverFake, IllegalCommandIsReplacedBySyncAndTheQueueResumes)
{
    start();
    hw.illegal.insert(0x12);
    int dom = drv->domain_alloc(DomainType::S1);
    ASSERT_EQ(drv->map(dom, 0, 0x100000, 0x1000, 0x1000, PROT_READ), 0);
    hw.take_cmds();
    drv->unmap(dom, 0, 0x1000);
    EXPECT_EQ(drv->counters().cmdq_errors, 1u);
    EXPECT_EQ(hw.gerrorn, hw.gerror);
    EXPECT_EQ(fake::opcodes(hw.take_cmds()), (std::vector<uint8_t>{0x46, 0x46}));
}

TEST_F(DriverFake, CommandQueueWrapsWhenFull)
{
    opt.cmdq_log2 = 7;   // 128 entries
    hw.idr3 &= ~(1u << 10);
    start();
    int dom = drv->domain_alloc(DomainType::S1);
    ASSERT_EQ(drv->map(dom, 0, 0x100000, 0x200000, 0x1000, PROT_READ), 0);
    hw.take_cmds();
    drv->unmap(dom, 0, 0x200000);   // 512 TLBI_NH_VA + SYNC through a 128-entry queue
    auto c = hw.take_cmds();
    // The level-3 table is freed: 512 non-leaf TLBIs + SYNC, then the 2M leaf TLBI + SYNC (as Linux without RIL).
    ASSERT_EQ(c.size(), 515u);
    EXPECT_EQ(c[511][1], 0x1FF000ull);
    EXPECT_EQ((uint8_t)c[512][0], 0x46);
    EXPECT_EQ(c[513][1], 1u);
    EXPECT_EQ(hw.cmdq_cons & 0xFF, (4u + 515u) % 256);   // 4 commands at bring-up
}

} // namespace
