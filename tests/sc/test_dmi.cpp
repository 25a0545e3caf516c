// SPDX-License-Identifier: BSD-3-Clause
// DMI through the SMMU (Params::dmi): granted for the translated page with its permissions, address-adjusted to
// the IOVA and cut to the target's region; revoked by commands, CR0/GBPA writes and downstream invalidations;
// never granted where a translated access would not complete.
#include "module_util.h"

#include <functional>
#include <string>
#include <vector>

using namespace sct;
using namespace smt;
using sc_core::sc_time;
using sc_core::SC_NS;

int sc_main(int, char **) { return 0; }   // libsystemc needs the symbol; tests run from main()

namespace {

constexpr uint64_t kFlatSize = 1u << 20;

// Flat memory at `base` that grants DMI over all of itself (read and write, fixed latencies) while `dmi` is set.
struct FlatMem : sc_core::sc_module {
    tlm_utils::simple_target_socket<FlatMem> socket;
    uint64_t base;
    std::vector<uint8_t> bytes;
    bool dmi = true;
    sc_time latency{10, SC_NS};
    uint64_t dmi_requests = 0;

    FlatMem(sc_core::sc_module_name n, uint64_t b) : sc_module(n), socket("socket"), base(b), bytes(kFlatSize)
    {
        socket.register_b_transport(this, &FlatMem::b_transport);
        socket.register_transport_dbg(this, &FlatMem::transport_dbg);
        socket.register_get_direct_mem_ptr(this, &FlatMem::get_dmi);
        for (size_t i = 0; i < bytes.size(); i++) bytes[i] = (uint8_t)(i * 7 + (i >> 12));
    }
    unsigned transport_dbg(tlm::tlm_generic_payload &gp) {
        const uint64_t a = gp.get_address() - base;
        const unsigned len = gp.get_data_length();
        if (gp.get_address() < base || a + len > bytes.size()) {
            gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
            return 0;
        }
        if (gp.is_read()) std::memcpy(gp.get_data_ptr(), &bytes[a], len);
        else if (gp.is_write()) std::memcpy(&bytes[a], gp.get_data_ptr(), len);
        gp.set_response_status(tlm::TLM_OK_RESPONSE);
        return len;
    }
    void b_transport(tlm::tlm_generic_payload &gp, sc_time &delay) {
        transport_dbg(gp);
        gp.set_dmi_allowed(dmi);
        delay += latency;
    }
    bool get_dmi(tlm::tlm_generic_payload &, tlm::tlm_dmi &d) {
        dmi_requests++;
        if (!dmi) return false;
        d.allow_read_write();
        d.set_start_address(base);
        d.set_end_address(base + bytes.size() - 1);
        d.set_dmi_ptr(bytes.data());
        d.set_read_latency(latency);
        d.set_write_latency(latency);
        return true;
    }
    uint32_t r32(uint64_t pa) { uint32_t v; std::memcpy(&v, &bytes[pa - base], 4); return v; }
};

// Two ports (StreamIDs 0 and 1 without an extension) into the SMMU; data in a DMI-capable FlatMem at kData.
struct DmiPlatform {
    SparseMem tables{"tables", kMemLat, kMemLat};
    FlatMem data{"data", kData};
    Router router{"router", {{kTableRegion, kTableRegionSize, false}, {kData, kFlatSize, false}}};
    smmu::Smmuv3 smmu;
    Driver drv{"drv", tables};
    Initiator init;
    PageTables pt{tables, kTables};

    explicit DmiPlatform(const smmu::Params &p) : smmu("smmu", p), init("init", p.num_ports) {
        for (unsigned i = 0; i < p.num_ports; i++) (*init.ports[i])(smmu.dma_in);
        smmu.dma_out(router.in);
        (*router.out[0])(tables.socket);
        (*router.out[1])(data.socket);
        drv.regs(smmu.reg_socket);
    }
    static smmu::Params params(bool dmi = true) {
        smmu::Params p = dmi ? smmu::Params::functional_speed() : smmu::Params::mmu700();
        p.num_ports = 2;
        return p;
    }

    // A b_transport; returns its dmi_allowed hint.
    struct Hint { tlm::tlm_response_status status; bool dmi_allowed; };
    Hint access(unsigned port, bool write, uint64_t iova, smmu::StreamIdExtension *ext = nullptr) {
        uint32_t v = 0;
        tlm::tlm_generic_payload gp;
        Initiator::prepare(gp, write, iova, v, ext);
        sc_time d = SC_ZERO_TIME;
        (*init.ports[port])->b_transport(gp, d);
        if (ext) gp.clear_extension(ext);
        sc_core::wait(d);
        return {gp.get_response_status(), gp.is_dmi_allowed()};
    }
    bool get_dmi(unsigned port, bool write, uint64_t iova, tlm::tlm_dmi &dmi, smmu::StreamIdExtension *ext = nullptr) {
        uint32_t v = 0;
        tlm::tlm_generic_payload gp;
        Initiator::prepare(gp, write, iova, v, ext);
        dmi.init();
        const bool ok = (*init.ports[port])->get_direct_mem_ptr(gp, dmi);
        if (ext) gp.clear_extension(ext);
        EXPECT_EQ(gp.get_address(), iova) << "the initiator's address is restored";
        return ok;
    }
    // Stage 1 for StreamIDs 0 and 1 (ASID 1): 0x10000 -> kData+0x3000 RW, 0x11000 -> kData+0x5000 read-only,
    // 0x12000 -> kData+0x6000 RW.
    void setup(Driver &d) {
        d.bringup();
        pt.map(0x10000, kData + 0x3000);
        pt.map(0x11000, kData + 0x5000, 0x4C1);            // AP=11: read-only at EL0 and EL1
        pt.map(0x12000, kData + 0x6000);
        d.write_cd(kCd, cd_s1(kTables, 1));
        d.write_ste(0, ste_s1(kCd));
        d.write_ste(1, ste_s1(kCd));
    }
};

void run_dmi(const std::function<void(DmiPlatform &, Driver &)> &program, bool dmi = true)
{
    run_sim([&] {
        DmiPlatform pl(DmiPlatform::params(dmi));
        pl.drv.setup = [&](Driver &d) { pl.setup(d); };
        pl.drv.program = [&](Driver &d) {
            sc_core::wait(sc_time(1, sc_core::SC_US));
            program(pl, d);
        };
        sc_core::sc_start();
    });
}

} // namespace

TEST(SmmuScDmi, GrantedForTheTranslatedPageWithItsPermissionsAtTheIova)
{
    run_dmi([](DmiPlatform &pl, Driver &) {
        struct Case { uint64_t iova, pa; bool write_ok; };
        const Case cases[] = {{0x10010, kData + 0x3010, true}, {0x11008, kData + 0x5008, false}};
        unsigned grants = 0;
        for (const Case &c : cases) {
            const auto h = pl.access(0, false, c.iova);
            EXPECT_EQ(h.status, tlm::TLM_OK_RESPONSE);
            EXPECT_TRUE(h.dmi_allowed) << "the target's hint is passed on for a translated access";
            tlm::tlm_dmi dmi;
            ASSERT_TRUE(pl.get_dmi(0, false, c.iova, dmi)) << std::hex << c.iova;
            grants++;
            const uint64_t page = c.iova & ~0xFFFull;
            EXPECT_EQ(dmi.get_start_address(), page) << "the region is the IOVA page";
            EXPECT_EQ(dmi.get_end_address(), page + 0xFFF);
            EXPECT_EQ(dmi.get_granted_access(),
                      c.write_ok ? tlm::tlm_dmi::DMI_ACCESS_READ_WRITE : tlm::tlm_dmi::DMI_ACCESS_READ);
            unsigned char *p = dmi.get_dmi_ptr() + (c.iova - dmi.get_start_address());
            EXPECT_EQ(p, &pl.data.bytes[c.pa - kData]) << "ptr + (iova - start) is the translated byte";
            uint32_t v;
            std::memcpy(&v, p, 4);
            EXPECT_EQ(v, pl.data.r32(c.pa));
            EXPECT_EQ(dmi.get_read_latency(), sc_time(10 + 1, SC_NS)) << "the target's latency plus a micro-TLB hit";
            // The region ends where the page does: its last byte is the page's last byte in memory.
            EXPECT_EQ(dmi.get_dmi_ptr() + (dmi.get_end_address() - dmi.get_start_address()),
                      &pl.data.bytes[(c.pa | 0xFFF) - kData]);
            // A write DMI request for a read-only page is refused (the write would fault).
            tlm::tlm_dmi wd;
            EXPECT_EQ(pl.get_dmi(0, true, c.iova, wd), c.write_ok);
            if (c.write_ok) grants++;
        }
        // A transaction split at a page boundary gets no hint (no single region covers it).
        {
            uint64_t v = 0;
            tlm::tlm_generic_payload gp;
            gp.set_command(tlm::TLM_READ_COMMAND);
            gp.set_address(0x10FFC);
            gp.set_data_ptr(reinterpret_cast<unsigned char *>(&v));
            gp.set_data_length(8);
            gp.set_streaming_width(8);
            sc_time dl = SC_ZERO_TIME;
            (*pl.init.ports[0])->b_transport(gp, dl);
            EXPECT_EQ(gp.get_response_status(), tlm::TLM_OK_RESPONSE);
            EXPECT_FALSE(gp.is_dmi_allowed());
            sc_core::wait(dl);
        }
        // Data written through the pointer is what a translated read returns.
        tlm::tlm_dmi dmi;
        ASSERT_TRUE(pl.get_dmi(0, true, 0x10020, dmi));
        grants++;
        const uint32_t w = 0xC0DEFACE;
        std::memcpy(dmi.get_dmi_ptr() + 0x20, &w, 4);
        EXPECT_EQ(pl.init.access(0, false, 0x10020).data, w);
        EXPECT_EQ(pl.data.r32(kData + 0x3020), w);

        // A mapped page the TLBs do not hold yet is refused; after one translated access it is granted.
        EXPECT_FALSE(pl.get_dmi(0, false, 0x12000, dmi));
        EXPECT_EQ(dmi.get_start_address(), 0x12000u) << "refused for the requested address only";
        EXPECT_EQ(dmi.get_end_address(), 0x12000u);
        pl.access(0, false, 0x12000);
        EXPECT_TRUE(pl.get_dmi(0, false, 0x12000, dmi));
        grants++;
        EXPECT_EQ(pl.smmu.stats().dmi_grants, grants);
        EXPECT_EQ(pl.smmu.stats().dmi_refusals, 2u);
        EXPECT_NE(pl.smmu.stats_json().find("\"dmi\":{\"grants\":" + std::to_string(grants) + ",\"refusals\":2,"),
                  std::string::npos);
    });
}

// With HTTU (CD.HA, CD.HD), DMI never skips a hardware update: no grant before a walk has set the Access flag,
// and a writable-clean (DBM) page is read-only through DMI until a translated write has marked it dirty.
TEST(SmmuScDmi, HardwareAccessAndDirtyUpdatesAreNotBypassed)
{
    run_dmi([](DmiPlatform &pl, Driver &d) {
        const uint64_t iova = 0x20000;
        pl.pt.map(iova, kData + 0x9000, 1ull << 51 | 0xC1);   // DBM, AP=11 (clean), AF=0
        Q8 cd = cd_s1(kTables, 2);
        cd[0] |= 1ull << 43 | 1ull << 42;                     // CD.HA, CD.HD
        d.write_cd(kCd + 0x80, cd);
        d.write_ste(6, ste_s1(kCd + 0x80));
        d.submit({cmd::cfgi_ste(6), cmd::sync_sev()});
        auto leaf = [&] {                                     // the page's descriptor
            uint64_t table = kTables;
            for (int level = 0; level < 3; level++)
                table = pl.tables.r64(table + 8 * ((iova >> (39 - 9 * level)) & 0x1FF)) & 0x0000FFFFFFFFF000ull;
            return pl.tables.r64(table + 8 * ((iova >> 12) & 0x1FF));
        };
        const uint64_t kAf = 1ull << 10, kAp2 = 1ull << 7;
        smmu::StreamIdExtension ext(6);
        tlm::tlm_dmi dmi;
        EXPECT_FALSE(pl.get_dmi(0, false, iova, dmi, &ext));
        EXPECT_EQ(leaf() & kAf, 0u) << "the DMI request did not set AF";
        EXPECT_EQ(pl.access(0, false, iova, &ext).status, tlm::TLM_OK_RESPONSE);
        EXPECT_NE(leaf() & kAf, 0u) << "the translated read set AF";
        ASSERT_TRUE(pl.get_dmi(0, false, iova, dmi, &ext));
        EXPECT_EQ(dmi.get_granted_access(), tlm::tlm_dmi::DMI_ACCESS_READ) << "writable-clean: read-only";
        EXPECT_FALSE(pl.get_dmi(0, true, iova, dmi, &ext));
        EXPECT_NE(leaf() & kAp2, 0u) << "still clean";
        EXPECT_EQ(pl.access(0, true, iova, &ext).status, tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(leaf() & kAp2, 0u) << "the translated write marked it dirty";
        ASSERT_TRUE(pl.get_dmi(0, true, iova, dmi, &ext));
        EXPECT_EQ(dmi.get_granted_access(), tlm::tlm_dmi::DMI_ACCESS_READ_WRITE);
    });
}

TEST(SmmuScDmi, BlockMappingIsCutToTheTargetsRegion)
{
    run_dmi([](DmiPlatform &pl, Driver &d) {
        pl.pt.map(0x40200000, kData, 0x441, 2);              // 2 MiB block; the target covers its first 1 MiB
        d.submit({cmd::sync_sev()});
        pl.access(0, false, 0x40280010);
        tlm::tlm_dmi dmi;
        ASSERT_TRUE(pl.get_dmi(0, false, 0x40280010, dmi));
        EXPECT_EQ(dmi.get_start_address(), 0x40200000u);
        EXPECT_EQ(dmi.get_end_address(), 0x40200000u + kFlatSize - 1);
        EXPECT_EQ(dmi.get_dmi_ptr(), pl.data.bytes.data());
        EXPECT_EQ(dmi.get_granted_access(), tlm::tlm_dmi::DMI_ACCESS_READ_WRITE);
    });
}

TEST(SmmuScDmi, OffByDefault)
{
    EXPECT_FALSE(smmu::Params().dmi);
    EXPECT_FALSE(smmu::Params::mmu600().dmi);
    EXPECT_FALSE(smmu::Params::gem5_default().dmi);
    EXPECT_TRUE(smmu::Params::functional_speed().dmi);
    run_dmi([](DmiPlatform &pl, Driver &) {
        const auto h = pl.access(0, false, 0x10010);
        EXPECT_EQ(h.status, tlm::TLM_OK_RESPONSE);
        EXPECT_FALSE(h.dmi_allowed);
        tlm::tlm_dmi dmi;
        EXPECT_FALSE(pl.get_dmi(0, false, 0x10010, dmi));
        EXPECT_EQ(dmi.get_granted_access(), tlm::tlm_dmi::DMI_ACCESS_NONE);
        EXPECT_EQ(dmi.get_start_address(), 0u) << "refused everywhere";
        EXPECT_EQ(dmi.get_end_address(), ~(sc_dt::uint64)0);
        EXPECT_EQ(pl.data.dmi_requests, 0u);
        EXPECT_EQ(pl.smmu.stats().dmi_grants, 0u);
    }, false);
}

// Each event that could change a granted translation revokes every grant on every port; events that cannot, do not.
TEST(SmmuScDmi, RevokedByInvalidationsAndControlWrites)
{
    struct Case {
        const char *name;
        std::function<void(DmiPlatform &, Driver &)> act;
        bool revokes, regrant;
    };
    const Case cases[] = {
        {"TLBI_NH_VA", [](DmiPlatform &, Driver &d) { d.submit({cmd::tlbi_nh_va(1, 0x10000), cmd::sync_sev()}); }, true, true},
        {"TLBI_NSNH_ALL", [](DmiPlatform &, Driver &d) { d.submit({cmd::tlbi_nsnh_all(), cmd::sync_sev()}); }, true, true},
        {"CFGI_STE", [](DmiPlatform &, Driver &d) { d.submit({cmd::cfgi_ste(0), cmd::sync_sev()}); }, true, true},
        {"STE to abort + CFGI_STE",
         [](DmiPlatform &, Driver &d) {
             d.write_ste(0, ste_abort());
             d.write_ste(1, ste_abort());
             d.submit({cmd::cfgi_ste(0), cmd::cfgi_ste(1), cmd::sync_sev()});
         }, true, false},
        {"CR0.SMMUEN=0", [](DmiPlatform &, Driver &d) { d.cr0(0xC); }, true, false},   // GBPA resets to ABORT
        {"GBPA write", [](DmiPlatform &, Driver &d) { d.w32(0x44, 1u << 31 | 1u << 20); }, true, true},
        {"downstream invalidation",
         [](DmiPlatform &pl, Driver &) { pl.data.socket->invalidate_direct_mem_ptr(kData + 0x3800, kData + 0x3803); }, true, true},
        {"CMD_SYNC only", [](DmiPlatform &, Driver &d) { d.submit({cmd::sync_sev()}); }, false, true},
        {"downstream invalidation elsewhere",
         [](DmiPlatform &pl, Driver &) { pl.data.socket->invalidate_direct_mem_ptr(kData + 0x8000, kData + 0x8FFF); }, false, true},
    };
    for (const Case &c : cases) {
        SCOPED_TRACE(c.name);
        run_dmi([&c](DmiPlatform &pl, Driver &d) {
            tlm::tlm_dmi dmi;
            for (unsigned port = 0; port < 2; port++) {       // StreamID 0 on port 0, StreamID 1 on port 1
                pl.access(port, false, 0x10010);
                ASSERT_TRUE(pl.get_dmi(port, false, 0x10010, dmi)) << "port " << port;
            }
            ASSERT_TRUE(pl.init.invalidations.empty());
            c.act(pl, d);
            if (c.revokes) {
                ASSERT_EQ(pl.init.invalidations.size(), 2u) << "every port holding a grant";
                for (unsigned i = 0; i < 2; i++) {
                    EXPECT_EQ(pl.init.inval_ports[i], (int)i);
                    EXPECT_LE(pl.init.invalidations[i].first, 0x10000u);
                    EXPECT_GE(pl.init.invalidations[i].second, 0x10FFFu);
                }
                EXPECT_EQ(pl.smmu.stats().dmi_invalidations, 1u);
            } else {
                EXPECT_TRUE(pl.init.invalidations.empty());
                EXPECT_EQ(pl.smmu.stats().dmi_invalidations, 0u);
            }
            // Nothing is left to revoke: a second event invalidates nothing until DMI is granted again.
            const size_t n = pl.init.invalidations.size();
            if (c.revokes) {
                pl.data.socket->invalidate_direct_mem_ptr(0, ~(sc_dt::uint64)0);
                EXPECT_EQ(pl.init.invalidations.size(), n);
            }
            pl.access(0, false, 0x10010);
            EXPECT_EQ(pl.get_dmi(0, false, 0x10010, dmi), c.regrant);
        });
    }
}

// Never granted where a translated access would not complete, and asking has no side effect (no event, no stall).
TEST(SmmuScDmi, NeverGrantedForFaultingStallingOrAbortingStreams)
{
    run_dmi([](DmiPlatform &pl, Driver &d) {
        Q8 cd_stall = cd_s1(kTables, 1);
        cd_stall[0] |= 1ull << 44;                            // CD.S: stall on faults (5.4)
        d.write_cd(kCd + 0x40, cd_stall);
        d.write_ste(2, ste_abort());
        d.write_ste(3, Q8{0, 0, 0, 0, 0, 0, 0, 0});           // V=0: C_BAD_STE
        d.write_ste(4, ste_s1(kCd + 0x40));
        d.write_ste(5, ste_bypass());
        d.submit({cmd::cfgi_all(), cmd::sync_sev()});
        d.pop_events();

        struct Case { const char *name; uint32_t sid; uint64_t iova; bool translate_first; };
        const Case cases[] = {
            {"F_TRANSLATION", 0, 0x30000, true},
            {"abort STE", 2, kData, true},
            {"C_BAD_STE", 3, kData, true},
            {"stall-configured stream, faulting page", 4, 0x30000, false},   // a translated access would stall
        };
        for (const Case &c : cases) {
            SCOPED_TRACE(c.name);
            smmu::StreamIdExtension ext(c.sid);
            if (c.translate_first) {
                const auto h = pl.access(0, false, c.iova, &ext);
                EXPECT_NE(h.status, tlm::TLM_OK_RESPONSE);
                EXPECT_FALSE(h.dmi_allowed);
            }
            d.pop_events();
            const uint64_t refusals = pl.smmu.stats().dmi_refusals;
            tlm::tlm_dmi dmi;
            EXPECT_FALSE(pl.get_dmi(0, false, c.iova, dmi, &ext));
            EXPECT_EQ(dmi.get_granted_access(), tlm::tlm_dmi::DMI_ACCESS_NONE);
            EXPECT_EQ(pl.smmu.stats().dmi_refusals, refusals + 1);
            EXPECT_TRUE(d.pop_events().empty()) << "the DMI request records no event";
        }
        EXPECT_EQ(pl.smmu.stats().streams.count(4), 0u) << "no stall was taken for the DMI request";

        // A stream with a stalled transaction gets no DMI, even for a mapped page, until the stall is resolved.
        smmu::StreamIdExtension s4(4);
        pl.access(0, false, 0x10010, &s4);
        tlm::tlm_dmi dmi;
        ASSERT_TRUE(pl.get_dmi(0, false, 0x10010, dmi, &s4));
        const size_t inval = pl.init.invalidations.size();
        Initiator::Result stalled{};
        sc_core::sc_spawn([&] {
            smmu::StreamIdExtension e(4);
            stalled = pl.init.access(0, true, 0x30010, 0x99, &e);
        });
        sc_core::wait(sc_time(1, sc_core::SC_US));
        auto ev = d.pop_events();
        ASSERT_EQ(ev.size(), 1u);
        EXPECT_EQ((ev[0][1] >> 31) & 1, 1u) << "Stall";
        EXPECT_FALSE(pl.get_dmi(0, false, 0x10010, dmi, &s4));
        d.submit({{0x44 | 1ull << 13 | 4ull << 32, ev[0][1] & 0xFFFF}, cmd::sync_sev()});   // CMD_RESUME, Abort
        sc_core::wait(sc_time(1, sc_core::SC_US));
        EXPECT_NE(stalled.status, tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(pl.init.invalidations.size(), inval) << "CMD_RESUME and CMD_SYNC change no translation";
        EXPECT_TRUE(pl.get_dmi(0, false, 0x10010, dmi, &s4));

        // Bypass: identity, the target's whole region (below the OAS).
        smmu::StreamIdExtension s5(5);
        EXPECT_TRUE(pl.access(0, false, kData + 0x100, &s5).dmi_allowed);
        ASSERT_TRUE(pl.get_dmi(0, true, kData + 0x100, dmi, &s5));
        EXPECT_EQ(dmi.get_start_address(), kData);
        EXPECT_EQ(dmi.get_end_address(), kData + kFlatSize - 1);
        EXPECT_EQ(dmi.get_dmi_ptr(), pl.data.bytes.data());
        EXPECT_EQ(dmi.get_granted_access(), tlm::tlm_dmi::DMI_ACCESS_READ_WRITE);

        // SMMUEN=0: GBPA decides; abort (the reset value) refuses, bypass grants identity.
        d.cr0(0xC);
        EXPECT_FALSE(pl.get_dmi(0, false, kData + 0x100, dmi, &s5));
        d.w32(0x44, 1u << 31);                                // GBPA: Update, ABORT=0
        EXPECT_EQ(d.r32(0x44), 0u);
        ASSERT_TRUE(pl.get_dmi(0, false, kData + 0x100, dmi, &s5));
        EXPECT_EQ(dmi.get_start_address(), kData);
        EXPECT_EQ(dmi.get_dmi_ptr(), pl.data.bytes.data());
    });
}

int main(int argc, char **argv)
{
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
