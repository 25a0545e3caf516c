// SPDX-License-Identifier: BSD-3-Clause
// SystemC hygiene: several Smmuv3 instances in one simulation translate independently, the library prints nothing
// on stdout, and every report it makes has a message type under "smmuv3/".
#include "module_util.h"

#include <cstdio>
#include <string>
#include <vector>

using namespace sct;
using namespace smt;
using sc_core::sc_time;
using sc_core::SC_NS;

int sc_main(int, char **) { return 0; }   // libsystemc needs the symbol; tests run from main()

namespace {

// One SMMU with its own table memory, data memory, driver and initiator, named by `tag`.
struct Island {
    SparseMem tables, data;
    Router router;
    smmu::Smmuv3 smmu;
    Driver drv;
    Initiator init;
    PageTables pt;

    Island(const std::string &tag, const smmu::Params &p)
        : tables((tag + "_tables").c_str(), kMemLat, kMemLat), data((tag + "_data").c_str()),
          router((tag + "_router").c_str(), {{kTableRegion, kTableRegionSize, false}, {kData, kDataSize, false}}),
          smmu((tag + "_smmu").c_str(), p), drv((tag + "_drv").c_str(), tables), init((tag + "_init").c_str(), 1),
          pt(tables, kTables)
    {
        (*init.ports[0])(smmu.dma_in);
        smmu.dma_out(router.in);
        (*router.out[0])(tables.socket);
        (*router.out[1])(data.socket);
        drv.regs(smmu.reg_socket);
    }
};

} // namespace

// The same IOVA on the same StreamID maps to a different page through each SMMU; each SMMU's statistics, events
// and TLBs are its own, and a TLBI on one leaves the other's translations cached.
TEST(SmmuScInstances, TwoSmmusTranslateIndependently)
{
    run_sim([] {
        // Fd 1 goes to a file for the whole simulation: the library must write nothing there.
        std::fflush(stdout);
        FILE *cap = std::tmpfile();
        ASSERT_NE(cap, nullptr);
        const int saved = dup(1);
        ASSERT_GE(saved, 0);
        ASSERT_GE(dup2(fileno(cap), 1), 0);
        {
            Island a("a", timing_params()), b("b", smmu::Params::mmu600());
            struct Side { Island &is; uint64_t pa; uint32_t value; };
            Side sides[2] = {{a, kData + 0x7000, 0xAAAA0001u}, {b, kData + 0x9000, 0xBBBB0002u}};
            for (Side &s : sides) {
                Island &is = s.is;
                const uint64_t pa = s.pa;
                is.drv.setup = [&is, pa](Driver &d) {
                    d.bringup();
                    is.pt.map(0x10000, pa);
                    d.write_cd(kCd, cd_s1(kTables, 1));
                    d.write_ste(0, ste_s1(kCd));
                };
            }
            a.drv.program = [&](Driver &d) {
                sc_core::wait(sc_time(1, sc_core::SC_US));
                for (Side &s : sides) {
                    EXPECT_EQ(s.is.init.access(0, true, 0x10010, s.value).status, tlm::TLM_OK_RESPONSE);
                    EXPECT_EQ(s.is.data.r32(s.pa + 0x10), s.value);
                    EXPECT_EQ(s.is.init.access(0, false, 0x10010).data, s.value);
                }
                EXPECT_EQ(a.data.writes, 1u) << "each write lands only in its own SMMU's memory";
                EXPECT_EQ(b.data.writes, 1u);
                // A fault on A is recorded in A's event queue only.
                EXPECT_NE(a.init.access(0, false, 0x50000).status, tlm::TLM_OK_RESPONSE);
                EXPECT_EQ(d.pop_events().size(), 1u);
                EXPECT_TRUE(b.drv.pop_events().empty());
                // Invalidating A's TLBs makes A walk again; B still hits.
                d.submit({cmd::tlbi_nsnh_all(), cmd::sync_sev()});
                const uint64_t wa = a.smmu.stats().streams.at(0).walks, wb = b.smmu.stats().streams.at(0).walks;
                a.init.access(0, false, 0x10010);
                b.init.access(0, false, 0x10010);
                EXPECT_EQ(a.smmu.stats().streams.at(0).walks, wa + 1);
                EXPECT_EQ(b.smmu.stats().streams.at(0).walks, wb);
                EXPECT_EQ(a.smmu.stats().streams.at(0).transactions, 4u);
                EXPECT_EQ(b.smmu.stats().streams.at(0).transactions, 3u);
                EXPECT_EQ(a.smmu.params().core.iidr, smmu::Params::mmu700().core.iidr);
                EXPECT_EQ(b.smmu.params().core.iidr, smmu::Params::mmu600().core.iidr);
                EXPECT_NE(a.smmu.core(), b.smmu.core());
            };
            sc_core::sc_start();
        }
        std::fflush(stdout);
        dup2(saved, 1);
        close(saved);
        std::string out;                                      // (a failed expectation above also lands here)
        std::rewind(cap);
        for (int ch; (ch = std::fgetc(cap)) != EOF;) out += (char)ch;
        std::fclose(cap);
        EXPECT_EQ(out, "") << "nothing on stdout";
    });
}

// A module with a bad configuration reports an error whose message type is under "smmuv3/", naming the instance.
TEST(SmmuScInstances, ReportsUseTheSmmuv3MessageTypePrefix)
{
    run_sim([] {
        static std::vector<std::pair<std::string, std::string>> seen;
        sc_core::sc_report_handler::set_handler([](const sc_core::sc_report &r, const sc_core::sc_actions &) {
            seen.emplace_back(r.get_msg_type(), r.get_msg());
        });
        smmu::Params bad = smmu::Params::mmu700();
        bad.core.oas_bits = 13;                               // not an architected OAS
        smmu::Smmuv3 good("good", smmu::Params::mmu700()), broken("broken", bad);
        EXPECT_EQ(broken.core(), nullptr);
        EXPECT_NE(good.core(), nullptr);
        ASSERT_EQ(seen.size(), 1u);
        EXPECT_EQ(seen[0].first, "smmuv3/config");
        EXPECT_EQ(seen[0].second.rfind("broken: invalid configuration: ", 0), 0u) << seen[0].second;
        sc_core::sc_report_handler::set_handler(report_handler);
    });
}

int main(int argc, char **argv)
{
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
