// SPDX-License-Identifier: BSD-3-Clause
// Devices changing domains over time (docs/scenarios.md, Timeline): the driver model's command sequences against
// Linux's order, what DMA sees at every step, the scenario timeline's validation, and the two shipped scenarios.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <functional>
#include <set>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "config/scenario.h"
#include "core_driver_fixture.h"
#include "driver/core_port.h"
#include "driver/driver.h"
#include "fake_smmu.h"

using namespace smmusim;

namespace {

constexpr uint8_t PREFETCH = 0x01, CFGI_STE = 0x03, CFGI_CD = 0x05, TLBI_NH_ASID = 0x11, TLBI_S12_VMALL = 0x28, SYNC = 0x46;

struct Fake : ::testing::Test {
    SparseMemory mem;
    PhysAllocator alloc{0x80000000ull, 0x40000000ull};
    fake::Smmu hw{mem};
    std::unique_ptr<SmmuDriver> drv;
    void start() {
        hw.idr0 |= 1;        // S2P: QEMU with nesting
        hw.idr1 |= 8u << 6;  // SSIDSIZE 8
        drv = std::make_unique<SmmuDriver>(hw, mem, alloc, DriverOptions{});
        ASSERT_TRUE(drv->probe()) << drv->error();
    }
    // A VM: 16M of guest RAM at PA 0xA0000000 behind stage 2, its guest's tables in the top 8M.
    int nested() {
        int s2 = drv->domain_alloc(DomainType::S2);
        EXPECT_EQ(drv->map(s2, 0, 0xA0000000, 0x1000000, 0x200000, PROT_READ | PROT_WRITE | PROT_CACHE), 0);
        return drv->domain_alloc(DomainType::Nested, 12, s2, 0x800000, 0x800000);
    }
};

// Each action from a given attachment: the commands the driver issues, in Linux arm-smmu-v3's order, and the STE
// it leaves. STE updates go through the entry writer (hitless when one qword's used bits change, else V=0 first),
// each step CFGI_STE + CMD_SYNC and then CMD_PREFETCH_CONFIG; the SSID 0 CD is cleared after the STE stops using it
// (arm_smmu_attach_dev_ste); a freed domain's ASID/VMID is flushed (free_io_pgtable_ops -> tlb_flush_all).
struct ActionCase {
    const char *name;
    const char *from;                  // s1, s1+pasid, blocked+pasid, s2
    std::function<bool(SmmuDriver &, int dev, int vm)> act;
    std::vector<uint8_t> want;
    uint64_t ste0;                     // STE qword 0 afterwards (0: a nested STE, checked by Config)
};

TEST_F(Fake, EachActionIssuesLinuxsCommandSequence)
{
    const std::vector<ActionCase> cases = {
        {"detach s1: abort STE hitless, then the CD cleared", "s1", [](SmmuDriver &d, int dev, int) { return d.detach(dev); },
         {CFGI_STE, SYNC, CFGI_STE, SYNC, PREFETCH, CFGI_CD, SYNC, CFGI_CD, SYNC}, 1},
        {"assign s1 -> vm: blocked first, then the guest CD and the nested STE", "s1",
         [](SmmuDriver &d, int dev, int vm) { return d.assign(dev, vm); },
         {CFGI_STE, SYNC, CFGI_STE, SYNC, PREFETCH, CFGI_CD, SYNC, CFGI_CD, SYNC,
          CFGI_CD, SYNC, CFGI_CD, SYNC, CFGI_STE, SYNC, CFGI_STE, SYNC, PREFETCH}, 0},
        {"pasid_free: CD cleared, then the SVA domain's ASID flushed", "s1+pasid",
         [](SmmuDriver &d, int dev, int) { return d.free_pasid(dev, 1); },
         {CFGI_CD, SYNC, CFGI_CD, SYNC, TLBI_NH_ASID, SYNC}, 0x0},
        {"pasid_free of the last PASID under a blocked RID: the STE drops its CD table", "blocked+pasid",
         [](SmmuDriver &d, int dev, int) { return d.free_pasid(dev, 1); },
         {CFGI_CD, SYNC, CFGI_CD, SYNC, TLBI_NH_ASID, SYNC, CFGI_STE, SYNC, CFGI_STE, SYNC, PREFETCH}, 1},
        {"unplug s1 with a PASID: PASID freed, abort STE, CD 0 cleared, default domain flushed", "s1+pasid",
         [](SmmuDriver &d, int dev, int) { return d.unplug(dev); },
         {CFGI_CD, SYNC, CFGI_CD, SYNC, TLBI_NH_ASID, SYNC, CFGI_STE, SYNC, CFGI_STE, SYNC, PREFETCH, CFGI_CD, SYNC,
          CFGI_CD, SYNC, TLBI_NH_ASID, SYNC}, 1},
        {"unplug s2: abort STE hitless, the VMID flushed", "s2", [](SmmuDriver &d, int dev, int) { return d.unplug(dev); },
         {CFGI_STE, SYNC, CFGI_STE, SYNC, PREFETCH, TLBI_S12_VMALL, SYNC}, 1},
    };
    for (const ActionCase &c : cases) {
        SCOPED_TRACE(c.name);
        hw.cmds.clear();
        start();
        int dev = drv->add_device({"nic", 0x0100, 4, false});
        std::string from = c.from;
        int rid = drv->domain_alloc(from == "s2" ? DomainType::S2 : from.rfind("blocked", 0) == 0 ? DomainType::Blocked : DomainType::S1);
        ASSERT_TRUE(drv->attach(dev, rid)) << drv->error();
        int sva = -1;
        if (from.find("+pasid") != std::string::npos) {
            sva = drv->domain_alloc(DomainType::S1);
            ASSERT_TRUE(drv->attach_pasid(dev, sva, 1)) << drv->error();
        }
        int vm = nested();
        ASSERT_GE(vm, 0) << drv->error();
        hw.take_cmds();
        ASSERT_TRUE(c.act(*drv, dev, vm)) << drv->error();
        std::vector<Cmd> got = hw.take_cmds();
        EXPECT_EQ(fake::opcodes(got), c.want);
        for (const Cmd &k : got) {
            if ((uint8_t)k[0] == CFGI_STE || (uint8_t)k[0] == PREFETCH) { EXPECT_EQ(k[0] >> 32, 0x100u); }   // StreamID
            if ((uint8_t)k[0] == TLBI_NH_ASID && sva >= 0 && from == "blocked+pasid") { EXPECT_EQ(k[0] >> 48, drv->domain_asid(sva)); }
            if ((uint8_t)k[0] == TLBI_S12_VMALL) { EXPECT_EQ((k[0] >> 32) & 0xFFFF, drv->domain_vmid(rid)); }
        }
        uint64_t ste0 = mem.r64(drv->ste_addr(0x100));
        if (c.ste0) { EXPECT_EQ(ste0, c.ste0); }
        else if (std::string(c.name).rfind("assign", 0) == 0) EXPECT_EQ((ste0 >> 1) & 7, 7u);   // Config = nested
        else EXPECT_EQ((ste0 >> 1) & 7, 5u);   // still a CD-table STE (stage 1)
        drv.reset();
    }
}

TEST_F(Fake, PasidFreeClearsThatPasidsCdAndFlushesItsAsid)
{
    start();
    int dev = drv->add_device({"acc", 0x0500, 4, false});
    int rid = drv->domain_alloc(DomainType::S1), p2 = drv->domain_alloc(DomainType::S1);
    ASSERT_TRUE(drv->attach(dev, rid));
    ASSERT_TRUE(drv->attach_pasid(dev, p2, 2));
    uint64_t cd = drv->cd_addr(dev, 2);
    ASSERT_NE(mem.r64(cd) & (1ull << 31), 0u);   // CD.V
    hw.take_cmds();
    ASSERT_TRUE(drv->free_pasid(dev, 2)) << drv->error();
    auto c = hw.take_cmds();
    ASSERT_EQ(c.size(), 6u);
    EXPECT_EQ(c[0], (Cmd{CFGI_CD | 0x0500ull << 32 | 2ull << 12, 1}));   // CFGI_CD SID 0x500 SSID 2 Leaf
    EXPECT_EQ(c[4], (Cmd{TLBI_NH_ASID | (uint64_t)drv->domain_asid(p2) << 48, 0}));
    for (int i = 0; i < 8; i++) EXPECT_EQ(mem.r64(cd + 8 * i), 0u) << "CD qword " << i;
    EXPECT_FALSE(drv->free_pasid(dev, 2));   // not attached any more
}

TEST_F(Fake, AGroupMovesAsOne)
{
    start();
    int a = drv->add_device({"fn0", 0x0300, 0, false});
    int b = drv->add_device({"alias", 0x0300, 0, false});
    int other = drv->add_device({"other", 0x0308, 0, false});
    EXPECT_EQ(drv->group_devices(b), (std::vector<int>{a, b}));
    int s1 = drv->domain_alloc(DomainType::S1), s1b = drv->domain_alloc(DomainType::S1);
    ASSERT_TRUE(drv->attach(a, s1));
    ASSERT_TRUE(drv->attach(other, s1b));
    int vm = nested();
    hw.take_cmds();
    ASSERT_TRUE(drv->assign(b, vm)) << drv->error();
    EXPECT_EQ(drv->rid_domain(a), vm);
    EXPECT_EQ(drv->rid_domain(b), vm);
    EXPECT_EQ(drv->rid_domain(other), s1b);
    for (const Cmd &k : hw.take_cmds())
        if ((uint8_t)k[0] == CFGI_STE || (uint8_t)k[0] == CFGI_CD) { EXPECT_EQ(k[0] >> 32, 0x300u); }   // one StreamID: one STE
    ASSERT_TRUE(drv->unplug(a));
    EXPECT_TRUE(drv->unplugged(b));
    EXPECT_FALSE(drv->unplugged(other));
    EXPECT_FALSE(drv->attach(b, s1));   // gone with its group
    EXPECT_EQ(mem.r64(drv->ste_addr(0x300)), 1u);
    EXPECT_EQ(mem.r64(drv->ste_addr(0x308)) >> 1 & 7, 5u);
}

// What the SMMU could see at every command-queue publication: the STE's first four qwords. Assigning a device from
// the host's stage 1 to a VM never makes the STE invalid or half-written: Config goes abort -> nested, and the
// nested STE's stage-2 and CD-pointer qwords are in place before qword 0 switches Config (the critical qword last).
struct SteWatch : fake::Smmu {
    using fake::Smmu::Smmu;
    uint64_t ste = 0;
    std::vector<std::array<uint64_t, 4>> seen;
    void write32(uint64_t off, uint32_t v) override {
        fake::Smmu::write32(off, v);
        if (off == 0x98 && ste) seen.push_back({mem.r64(ste), mem.r64(ste + 8), mem.r64(ste + 16), mem.r64(ste + 24)});
    }
};

TEST(FakeSteOrder, AssignNeverExposesATornSte)
{
    SparseMemory mem;
    PhysAllocator alloc{0x80000000ull, 0x40000000ull};
    SteWatch hw{mem};
    hw.idr0 |= 1;
    SmmuDriver drv(hw, mem, alloc, DriverOptions{});
    ASSERT_TRUE(drv.probe()) << drv.error();
    int dev = drv.add_device({"nic", 0x0100, 0, false});
    int host = drv.domain_alloc(DomainType::S1);
    ASSERT_TRUE(drv.attach(dev, host));
    int s2 = drv.domain_alloc(DomainType::S2);
    ASSERT_EQ(drv.map(s2, 0, 0xA0000000, 0x1000000, 0x200000, PROT_READ | PROT_WRITE | PROT_CACHE), 0);
    int vm = drv.domain_alloc(DomainType::Nested, 12, s2, 0x800000, 0x800000);
    hw.ste = drv.ste_addr(0x100);
    uint64_t breaking = drv.counters().breaking;
    ASSERT_TRUE(drv.assign(dev, vm)) << drv.error();
    EXPECT_EQ(drv.counters().breaking, breaking);
    ASSERT_FALSE(hw.seen.empty());
    std::vector<unsigned> configs;
    for (auto &q : hw.seen) {
        EXPECT_EQ(q[0] & 1, 1u) << "STE.V went to 0";
        unsigned cfg = (unsigned)(q[0] >> 1 & 7);
        if (configs.empty() || configs.back() != cfg) configs.push_back(cfg);
        if (cfg == 7) {   // nested: S2VMID, S2TTB and the guest CD pointer are all there
            EXPECT_EQ(q[2] & 0xFFFF, drv.domain_vmid(s2));
            EXPECT_EQ(q[3], drv.domain_pgtable(s2)->ttbr());
            EXPECT_NE(q[0] & 0x000FFFFFFFFFFFC0ull, 0u);
        }
    }
    // The first publication already sees the abort STE (qword 0 is S1 -> abort's critical qword); the nested
    // STE's qwords 1-3 are written while Config is still abort (unused there), qword 0 last.
    EXPECT_EQ(configs, (std::vector<unsigned>{0, 7}));
}

// The real core: a DMA probe after every command-queue publication, i.e. after every step of an update.
struct ProbePort : CorePort {
    std::function<void()> probe;
    void write32(uint64_t off, uint32_t v) override {
        CorePort::write32(off, v);
        if (off == 0x98 && probe) probe();
    }
};

using Core = CoreDriverFixture<ProbePort>;

struct Probe { uint64_t n = 0, ok = 0, blocked = 0; std::vector<uint8_t> events; std::set<uint64_t> pas; };

// Hitless updates: whatever step the SMMU sees, the DMA translates to the old or the new output.
TEST_F(Core, TrafficDuringAHitlessUpdateNeverFaults)
{
    struct Case { const char *name; std::function<bool(SmmuDriver &, int dev, int other)> act; uint32_t ssid; std::set<uint64_t> pas; };
    const std::vector<Case> cases = {
        {"s1 -> bypass", [](SmmuDriver &d, int dev, int) { return d.attach(dev, d.domain_alloc(DomainType::Bypass)); }, 0,
         {0xC0000040ull, 0x10000040ull}},
        {"pasid_alloc beside SSID 0", [](SmmuDriver &d, int dev, int o) { return d.attach_pasid(dev, o, 2); }, 0, {0xC0000040ull}},
        {"pasid_free beside PASID 1", [](SmmuDriver &d, int dev, int) { return d.free_pasid(dev, 3); }, 1, {0xD0000040ull}},
    };
    for (const Case &c : cases) {
        SCOPED_TRACE(c.name);
        start();
        int dev = drv->add_device({"nic", 0x100, 4, false});
        int s1 = drv->domain_alloc(DomainType::S1), p1 = drv->domain_alloc(DomainType::S1), p3 = drv->domain_alloc(DomainType::S1);
        int other = drv->domain_alloc(DomainType::S1);
        ASSERT_TRUE(drv->attach(dev, s1));
        ASSERT_TRUE(drv->attach_pasid(dev, p1, 1));
        ASSERT_TRUE(drv->attach_pasid(dev, p3, 3));
        ASSERT_EQ(drv->map(s1, 0x10000000, 0xC0000000, 0x1000, 0x1000, PROT_READ | PROT_WRITE), 0);
        ASSERT_EQ(drv->map(p1, 0x10000000, 0xD0000000, 0x1000, 0x1000, PROT_READ | PROT_WRITE), 0);
        ASSERT_EQ(xlate(0x100, 0x10000040, false, c.ssid, c.ssid != 0).status, SMMU_OK);   // warm: the caches hold the old entry
        Probe p;
        port.probe = [&] {
            smmu_result_t r = xlate(0x100, 0x10000040, false, c.ssid, c.ssid != 0);
            p.n++;
            if (r.status == SMMU_OK) { p.ok++; p.pas.insert(r.pa); }
            if (r.event) p.events.push_back(r.event);
        };
        const uint64_t breaking = drv->counters().breaking, hitless = drv->counters().hitless;
        ASSERT_TRUE(c.act(*drv, dev, other)) << drv->error();
        port.probe = nullptr;
        EXPECT_EQ(drv->counters().breaking, breaking);
        EXPECT_GT(drv->counters().hitless, hitless);
        EXPECT_GE(p.n, 2u);   // every step of the update
        EXPECT_EQ(p.ok, p.n);
        EXPECT_TRUE(p.events.empty());
        for (uint64_t pa : p.pas) EXPECT_TRUE(c.pas.count(pa)) << std::hex << pa;
        EXPECT_TRUE(drv->drain_events().empty());
        drv.reset();
        smmu_destroy(smmu);
        smmu = nullptr;
    }
}

// A breaking update (S1 -> S2: Config and the stage-2 qwords change) goes through V=0: DMA in that window gets
// C_BAD_STE (an STE with V == 0 is invalid, IHI 0070 5.2, 7.3.4), and translates again afterwards.
TEST_F(Core, TrafficDuringABreakingUpdateSeesTheInvalidSte)
{
    start();
    int dev = drv->add_device({"gpu", 0x200, 0, false});
    int s1 = drv->domain_alloc(DomainType::S1), s2 = drv->domain_alloc(DomainType::S2);
    ASSERT_TRUE(drv->attach(dev, s1));
    ASSERT_EQ(drv->map(s1, 0x10000000, 0xC0000000, 0x1000, 0x1000, PROT_READ), 0);
    ASSERT_EQ(drv->map(s2, 0x10000000, 0xC8000000, 0x1000, 0x1000, PROT_READ), 0);
    Probe p;
    port.probe = [&] {
        smmu_result_t r = xlate(0x200, 0x10000040);
        p.n++;
        if (r.status == SMMU_OK) p.pas.insert(r.pa);
        if (r.event) p.events.push_back(r.event);
    };
    ASSERT_TRUE(drv->attach(dev, s2));
    port.probe = nullptr;
    EXPECT_EQ(p.events.front(), evt::C_BAD_STE);
    EXPECT_EQ(xlate(0x200, 0x10000040).pa, 0xC8000040u);
    auto ev = drv->drain_events();
    ASSERT_FALSE(ev.empty());
    EXPECT_EQ(ev[0].id, evt::C_BAD_STE);
    EXPECT_EQ(ev[0].sid, 0x200u);
}

// After unplug the STE is Linux's abort STE (V=1, Config=0b000): IHI 0070 5.2 "Report abort to device, no event
// recorded"; the CD the device used is cleared and the domain's TLB entries are gone.
TEST_F(Core, TrafficToAnUnpluggedDeviceAbortsWithoutAnEvent)
{
    start();
    int dev = drv->add_device({"vf", 0x208, 0, false});
    int s1 = drv->domain_alloc(DomainType::S1);
    ASSERT_TRUE(drv->attach(dev, s1));
    ASSERT_EQ(drv->map(s1, 0x10000000, 0xC0000000, 0x1000, 0x1000, PROT_READ), 0);
    ASSERT_EQ(xlate(0x208, 0x10000040).status, SMMU_OK);
    uint64_t cd = drv->cd_addr(dev, 0);
    smmu_global_stats_t g0, g1;
    smmu_global_stats(smmu, &g0);
    ASSERT_TRUE(drv->unplug(dev)) << drv->error();
    smmu_global_stats(smmu, &g1);
    EXPECT_EQ(g1.commands_by_opcode[TLBI_NH_ASID] - g0.commands_by_opcode[TLBI_NH_ASID], 1u);
    EXPECT_EQ(g1.commands_by_opcode[CFGI_STE] - g0.commands_by_opcode[CFGI_STE], 2u);
    EXPECT_EQ(mem.r64(drv->ste_addr(0x208)), 1u);
    EXPECT_EQ(mem.r64(cd), 0u);
    smmu_result_t r = xlate(0x208, 0x10000040);
    EXPECT_EQ(r.status, SMMU_ABORT);
    EXPECT_EQ(r.event, 0u);
    EXPECT_FALSE(r.recorded);
    EXPECT_TRUE(drv->drain_events().empty());
    EXPECT_FALSE(drv->unplug(dev));
    EXPECT_EQ(drv->error(), "device vf was unplugged");
}

// The VFIO path under the real core: the device's DMA goes from the host's stage 1 through the blocked window to
// the guest's stage 1 nested in the VM's stage 2, and back to the host's table (kept while the guest's was in use).
TEST_F(Core, AssignToAVmAndBack)
{
    start();
    int dev = drv->add_device({"nic", 0x300, 0, false});
    int host = drv->domain_alloc(DomainType::S1);
    ASSERT_TRUE(drv->attach(dev, host));
    ASSERT_EQ(drv->map(host, 0x10000000, 0xC0000000, 0x1000, 0x1000, PROT_READ), 0);
    int s2 = drv->domain_alloc(DomainType::S2);
    ASSERT_EQ(drv->map(s2, 0, 0x90000000, 0x1000000, 0x200000, PROT_READ | PROT_WRITE | PROT_CACHE), 0);
    int vm = drv->domain_alloc(DomainType::Nested, 12, s2, 0x800000, 0x800000);
    ASSERT_EQ(drv->map(vm, 0x10000000, 0x123000, 0x1000, 0x1000, PROT_READ), 0);
    Probe p;
    port.probe = [&] {
        smmu_result_t r = xlate(0x300, 0x10000040);
        p.n++;
        if (r.status == SMMU_OK) p.pas.insert(r.pa);
        else if (!r.event) p.blocked++;
        if (r.event) p.events.push_back(r.event);
    };
    ASSERT_TRUE(drv->assign(dev, vm)) << drv->error();
    port.probe = nullptr;
    EXPECT_TRUE(p.events.empty());                 // the window is blocked (abort STE), never faulting
    EXPECT_GT(p.blocked, 0u);
    for (uint64_t pa : p.pas) EXPECT_TRUE(pa == 0xC0000040u || pa == 0x90123040u) << std::hex << pa;
    EXPECT_EQ(xlate(0x300, 0x10000040).pa, 0x90123040u);
    ASSERT_TRUE(drv->attach(dev, host)) << drv->error();
    EXPECT_EQ(xlate(0x300, 0x10000040).pa, 0xC0000040u);
    EXPECT_TRUE(drv->drain_events().empty());
}

// ---- the scenario's timeline: validation before the run ----

std::string g_dir;

std::string write(const std::string &yaml)
{
    if (g_dir.empty()) { char d[] = "/tmp/smmu-tl-XXXXXX"; g_dir = mkdtemp(d); }
    std::string f = g_dir + "/s.yaml";
    std::ofstream(f) << yaml;
    return f;
}

const char kBase[] =
    "name: t\n"                                             // 1
    "run: {duration: 100us}\n"                              // 2
    "devices:\n"                                            // 3
    "  - name: nic\n"                                       // 4
    "    bdf: \"03:00.0\"\n"                                // 5
    "    pasids: 2\n"                                       // 6
    "    mappings: [{iova: 0x10000000, size: 1M}]\n"        // 7
    "vms:\n"                                                // 8
    "  - name: g0\n"                                        // 9
    "timeline:\n";                                          // 10

struct Bad { const char *timeline; const char *want; };

TEST(TimelineConfig, BadActionsAreRefusedWithFileLineAndKey)
{
    const std::vector<Bad> cases = {
        {"  - {at: 10us, action: attach, device: nix, domain: s1}\n",
         ":11: key 'timeline[0].device': no device named 'nix'; devices: nic"},
        {"  - {at: 10us, action: assign, device: nic, vm: g1}\n", ":11: key 'timeline[0].vm': no VM named 'g1' (vms:)"},
        {"  - {at: 10us, action: attach, device: nic, domain: vm:g9}\n", ":11: key 'timeline[0].domain': no VM named 'g9' (vms:)"},
        {"  - {at: 10us, action: attach, device: nic, domain: s3}\n",
         ":11: key 'timeline[0].domain': 's3' is not one of: bypass, s1, s2, nested, blocked, vm:NAME"},
        {"  - {at: 20us, action: detach, device: nic}\n  - {at: 10us, action: detach, device: nic}\n",
         ":12: key 'timeline[1].at': 10us is before the previous action's at (20us): actions are listed in time order"},
        {"  - {at: 100us, action: detach, device: nic}\n",
         ":11: key 'timeline[0].at': 100us is at or after the end of the run (run.duration 100us)"},
        {"  - {at: 10us, action: teleport, device: nic}\n",
         ":11: key 'timeline[0].action': 'teleport' is not one of: attach, detach, assign, unplug, pasid_alloc, pasid_free, map, unmap"},
        {"  - {at: 10us, action: unplug, device: nic}\n  - {at: 20us, action: detach, device: nic}\n",
         ":12: key 'timeline[1].device': device 'nic' was unplugged by timeline[0] (at 10us)"},
        {"  - {at: 10us, action: pasid_free, device: nic, pasid: 1}\n  - {at: 20us, action: pasid_free, device: nic, pasid: 1}\n",
         ":12: key 'timeline[1].pasid': PASID 1 is not allocated at this time"},
        {"  - {at: 10us, action: pasid_alloc, device: nic, pasid: 3}\n",
         ":11: key 'timeline[0].pasid': PASID 3 beyond the device's 2 PASIDs (devices[].pasids)"},
        {"  - {at: 10us, action: detach, device: nic, vm: g0}\n", ":11: key 'timeline[0].vm': not used by action 'detach'"},
        {"  - {at: 10us, action: detach, device: nic}\n  - {at: 20us, action: map, device: nic, iova: 0x20000000, size: 4K}\n",
         ":12: key 'timeline[1].device': the device's domain is blocked at this time: no table to map in"},
        {"  - {at: 10us, action: assign, device: nic, vm: g0}\n",
         ":11: key 'timeline[0].vm': the device has PASIDs allocated (2): pasid_free them first"},
        {"  - {at: 10us, action: map, device: nic, iova: 0x20000800, size: 4K}\n",
         ":11: key 'timeline[0].iova': iova and size must be aligned to the page size"},
        {"  - {at: 10us, device: nic}\n", ":11: key 'timeline[0].action': required key is missing"},
        {"  - {at: 10us, action: pasid_free, device: nic, pasid: 1}\n  - {at: 10us, action: pasid_free, device: nic, pasid: 2}\n"
         "  - {at: 20us, action: attach, device: nic, domain: s2}\n  - {at: 30us, action: pasid_alloc, device: nic, pasid: 1}\n",
         ":14: key 'timeline[3].pasid': the device's RID domain is s2 at this time: PASIDs need a stage-1 or bypass/blocked one"},
    };
    for (const Bad &c : cases) {
        SCOPED_TRACE(c.timeline);
        std::string f = write(std::string(kBase) + c.timeline);
        simcfg::Scenario s;
        std::vector<simcfg::Error> errs;
        EXPECT_FALSE(simcfg::load_scenario(f, {}, &s, &errs));
        ASSERT_FALSE(errs.empty());
        std::string all;
        for (auto &e : errs) all += e.str() + "\n";
        EXPECT_NE(all.find(f + c.want), std::string::npos) << all;
    }
}

TEST(TimelineConfig, AStreamingDeviceCannotMoveIntoAVm)
{
    std::string f = write("name: t\nrun: {duration: 100us}\ndevices:\n  - name: nic\n    sid: 1\n"
                          "    mappings: [{iova: 0x10000000, size: 1M}]\n    dynamic: {enabled: true}\n"
                          "vms: [{name: g0}]\ntimeline:\n  - {at: 10us, action: attach, device: nic, domain: vm:g0}\n");
    simcfg::Scenario s;
    std::vector<simcfg::Error> errs;
    EXPECT_FALSE(simcfg::load_scenario(f, {}, &s, &errs));
    ASSERT_EQ(errs.size(), 1u);
    EXPECT_EQ(errs[0].str(), f + ":10: key 'timeline[0].device': device 'nic' remaps its buffers (dynamic.enabled): it cannot move into a VM");
}

TEST(TimelineConfig, AValidTimelineIsTyped)
{
    std::string f = write(std::string(kBase) +
                          "  - {at: 10us, action: pasid_free, device: nic, pasid: 1}\n"
                          "  - {at: 10us, action: pasid_free, device: nic, pasid: 2}\n"
                          "  - {at: 20us, action: assign, device: nic, vm: g0}\n"
                          "  - {at: 30us, action: map, device: nic, iova: 0x40000000, size: 2M, page_size: 2M, prot: r}\n"
                          "  - {at: 40us, action: unplug, device: nic}\n");
    simcfg::Scenario s;
    std::vector<simcfg::Error> errs;
    ASSERT_TRUE(simcfg::load_scenario(f, {}, &s, &errs)) << (errs.empty() ? "" : errs[0].str());
    ASSERT_EQ(s.timeline.size(), 5u);
    EXPECT_EQ(s.timeline[2].at_ps, 20000000u);
    EXPECT_EQ(s.timeline[2].vm, "g0");
    EXPECT_EQ(s.timeline[3].page_size, 2u << 20);
    EXPECT_TRUE(s.timeline[3].read);
    EXPECT_FALSE(s.timeline[3].write);
    EXPECT_EQ(s.timeline[4].where, f + ":15");
    ASSERT_EQ(s.vms.size(), 1u);
    // The VM's guest RAM: 1G below the top of memory.size.
    EXPECT_EQ(simcfg::memory_map(s).guest_size, 1ull << 30);
}

// ---- smmu-sim runs ----

struct SimRun { int rc = -1; std::string out; nlohmann::json report; };

SimRun sim(const std::string &args, const std::string &outdir)
{
    SimRun r;
    FILE *p = popen((std::string(SMMU_SIM) + " " + args + " --quiet --out " + outdir + " 2>&1").c_str(), "r");
    char buf[4096];
    while (size_t k = fread(buf, 1, sizeof buf, p)) r.out.append(buf, k);
    int st = pclose(p);
    r.rc = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    std::ifstream js(outdir + "/report.json");
    if (js) r.report = nlohmann::json::parse(js, nullptr, false);
    return r;
}

bool have_sim() { struct stat st; return stat(SMMU_SIM, &st) == 0; }
const std::string kScen = std::string(SMMU_SOURCE_DIR) + "/configs/scenarios/";

TEST(TimelineSim, BadTimelineExitsBeforeTheRun)
{
    if (!have_sim()) GTEST_SKIP() << "smmu-sim not built";
    std::string f = write(std::string(kBase) + "  - {at: 10us, action: attach, device: nix, domain: s1}\n");
    std::string out = g_dir + "/bad";
    SimRun r = sim(f, out);
    EXPECT_EQ(r.rc, 1);
    EXPECT_NE(r.out.find(f + ":11: key 'timeline[0].device': no device named 'nix'"), std::string::npos) << r.out;
    struct stat st;
    EXPECT_NE(stat((out + "/report.json").c_str(), &st), 0);   // nothing ran
}

// Two functions behind a bridge share a StreamID (a group): assigning one moves both; both keep running in the VM.
TEST(TimelineSim, AGroupMovesAsOne)
{
    if (!have_sim()) GTEST_SKIP() << "smmu-sim not built";
    std::string f = write(
        "name: group\nrun: {duration: 60us}\n"
        "devices:\n"
        "  - name: fn0\n    sid: 0x40\n    mappings: [{iova: 0x10000000, size: 1M}]\n"
        "    traffic: {pattern: sequential, size: 64, rate: 1GB/s, footprint: 1M}\n"
        "  - name: fn1\n    sid: 0x40\n    share_domain: fn0\n    mappings: [{iova: 0x20000000, size: 1M}]\n"
        "    traffic: {pattern: sequential, size: 64, rate: 1GB/s, footprint: 1M}\n"
        "  - name: other\n    sid: 0x41\n    mappings: [{iova: 0x10000000, size: 1M}]\n"
        "    traffic: {pattern: sequential, size: 64, rate: 1GB/s, footprint: 1M}\n"
        "vms: [{name: g}]\n"
        "timeline:\n  - {at: 20us, action: assign, device: fn1, vm: g}\n");
    SimRun r = sim(f, g_dir + "/group");
    ASSERT_EQ(r.rc, 0) << r.out;
    const auto &row = r.report["timeline"][0];
    EXPECT_EQ(row["group"], nlohmann::json::array({"fn0", "fn1"}));
    EXPECT_EQ(row["ste_writes"], 2);   // one STE for the group: S1 -> abort, abort -> nested
    for (const char *d : {"fn0", "fn1"}) {
        SCOPED_TRACE(d);
        EXPECT_EQ(row["after"][d]["faulted"], 0);
        EXPECT_EQ(row["after"][d]["blocked"], 0);
        EXPECT_GT(row["after"][d]["translations"].get<uint64_t>(), 100u);
    }
    EXPECT_FALSE(row["during"].contains("other"));
    for (const auto &d : r.report["devices"])
        if (d["name"] == "other") { EXPECT_EQ(d["errors"], 0); }
    EXPECT_TRUE(r.report["events"].empty());
}

// The shipped NIC-to-VM move: a bounded window of blocked (never faulted) DMA, then the VF runs at its offered
// rate through nested translation; after the unplug it issues nothing.
TEST(TimelineSim, NicMovedToAVmUnderTraffic)
{
    if (!have_sim()) GTEST_SKIP() << "smmu-sim not built";
    SimRun r = sim(kScen + "nic-to-vm.yaml --plots", g_dir + "/nic");
    ASSERT_EQ(r.rc, 0) << r.out;
    // The plot data: per-device throughput per bin, and the actions to mark.
    std::ifstream acts(g_dir + "/nic/plots/timeline_actions.dat"), tp(g_dir + "/nic/plots/timeline.dat");
    std::string line;
    std::vector<std::string> marks;
    while (std::getline(acts, line)) marks.push_back(line);
    ASSERT_EQ(marks.size(), 3u);
    EXPECT_EQ(marks[0], "# start_us duration_us action");
    EXPECT_EQ(marks[1].rfind("150 ", 0), 0u) << marks[1];
    EXPECT_NE(marks[1].find(" \"assign nic\""), std::string::npos) << marks[1];
    EXPECT_EQ(marks[2].rfind("300 ", 0), 0u) << marks[2];
    EXPECT_NE(marks[2].find(" \"unplug nic\""), std::string::npos) << marks[2];
    size_t rows = 0;
    std::getline(tp, line);
    EXPECT_EQ(line, "# time_us (end of the bin), then GB/s completed per device: nic");
    while (std::getline(tp, line)) rows++;
    EXPECT_GT(rows, 50u);
    const auto &tl = r.report["timeline"];
    ASSERT_EQ(tl.size(), 2u) << r.out;
    const auto &mv = tl[0];
    EXPECT_EQ(mv["action"], "assign");
    EXPECT_EQ(mv["target"], "vm:guest0");
    // S1 -> abort (2 syncs), CD 0 cleared (2), guest CD 0 (2), abort -> nested (2); 2 CMD_PREFETCH_CONFIG.
    EXPECT_EQ(mv["cmd_syncs"], 8);
    EXPECT_EQ(mv["commands"], 18);
    EXPECT_EQ(mv["ste_writes"], 2);
    EXPECT_EQ(mv["cd_writes"], 2);
    EXPECT_EQ(mv["breaking_updates"], 0);
    EXPECT_GT(mv["config_cache_entries_invalidated"].get<uint64_t>(), 0u);
    const auto &d = mv["during"]["nic"];
    EXPECT_EQ(d["faulted"], 0);
    EXPECT_GT(d["blocked"].get<uint64_t>(), 0u);
    EXPECT_LT(mv["duration_ns"].get<double>(), 10000.0);   // the window is bounded: a few CMD_SYNCs
    EXPECT_LE(d["blocked"].get<uint64_t>(), d["translations"].get<uint64_t>());
    const auto &a = mv["after"]["nic"];
    EXPECT_EQ(a["faulted"], 0);
    EXPECT_EQ(a["blocked"], 0);
    EXPECT_GT(a["translations"].get<uint64_t>(), 1000u);
    EXPECT_GT(a["throughput_gbps"].get<double>(), 0.9 * 4.0);   // traffic.rate: 4GB/s
    const auto &un = tl[1];
    EXPECT_EQ(un["action"], "unplug");
    EXPECT_EQ(un["after"]["nic"]["translations"], 0);
    // Every failed transaction of the run is one the timeline's windows counted as blocked.
    EXPECT_EQ(r.report["devices"][0]["errors"].get<uint64_t>(),
              d["blocked"].get<uint64_t>() + un["during"]["nic"]["blocked"].get<uint64_t>());
    EXPECT_TRUE(r.report["events"].empty());
}

// The shipped SVA accelerator: PASIDs freed (CFGI_CD then TLBI_NH_ASID) and bound again while PASID 1 streams; the
// long-lived process's DMA never faults.
TEST(TimelineSim, SvaProcessesComeAndGo)
{
    if (!have_sim()) GTEST_SKIP() << "smmu-sim not built";
    SimRun r = sim(kScen + "sva-processes.yaml", g_dir + "/sva");
    ASSERT_EQ(r.rc, 0) << r.out;
    const auto &tl = r.report["timeline"];
    ASSERT_EQ(tl.size(), 7u) << r.out;
    for (const auto &row : tl) {
        SCOPED_TRACE(row.dump());
        EXPECT_TRUE(row["error"].is_null());
        if (row["action"] == "pasid_free") {
            EXPECT_EQ(row["cfgi"], 2);
            EXPECT_EQ(row["tlbi"], 1);
            EXPECT_EQ(row["cmd_syncs"], 3);
            EXPECT_EQ(row["commands"], 6);
            EXPECT_EQ(row["ste_writes"], 0);
        } else if (row["action"] == "pasid_alloc") {
            EXPECT_EQ(row["cd_writes"], 1);
            EXPECT_EQ(row["cmd_syncs"], 2);
            EXPECT_EQ(row["tlbi"], 0);
        } else if (row["action"] == "map") {
            EXPECT_EQ(row["commands"], 0);   // no TLBI on map
        } else if (row["action"] == "unmap") {
            EXPECT_EQ(row["tlbi"], 1);
        }
        EXPECT_EQ(row["during"]["acc"]["faulted"], 0);
        EXPECT_EQ(row["after"]["acc"]["faulted"], 0);
    }
    EXPECT_EQ(r.report["devices"][0]["errors"], 0);
    EXPECT_TRUE(r.report["events"].empty());
}

} // namespace
