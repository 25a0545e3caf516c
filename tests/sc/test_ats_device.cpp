// SPDX-License-Identifier: BSD-3-Clause
// smmu-sim's ATS device (platforms/sim/ats_device.h) against the module and the core: ATC misses send Translation
// Requests and fill the ATC, hits go out translated, ATS invalidations drop entries and are completed after the
// device's latency (the CMD_SYNC waits for it), a completion without access is refused when PRI is off.
#include <gtest/gtest.h>

#include "ats_device.h"
#include "module_util.h"

using namespace smt;
using sc_core::SC_US;

int sc_main(int, char **) { return 0; }   // libsystemc needs the symbol; tests run from main()

namespace {

TEST(AtsDevice, AtcMissHitInvalidationAndRefusal)
{
    run_sim([] {
        smmu::Params p = timing_params();
        p.core.ats = true;
        Platform pl(p);
        smmusim::AtsDevice dev("dev", pl.smmu, traffic::AtcConfig{4, traffic::AtcPolicy::Lru, 1}, sc_time(300, SC_NS), false);
        pl.smmu.bind_ats_endpoint(0, &dev);
        pl.drv.setup = [&](Driver &d) {
            setup_s1(d, pl.pt, 4);
            Q8 ste = ste_s1(kCd);
            ste[1] |= 1ull << 28;                            // STE.EATS = full ATS
            d.write_ste(0, ste);
        };
        pl.drv.program = [&](Driver &d) {
            sc_core::wait(sc_time(1, SC_US));
            tlm::tlm_fw_transport_if<> &port = *(*pl.init.ports[0]).operator->();
            struct Case { const char *what; uint64_t addr; bool write, ok, hit; unsigned tr; uint64_t out; } cases[] = {
                {"cold: Translation Request, then translated", 0x10010, true, true, false, 1, kData + 0x10},
                {"same page: ATC hit", 0x10ff0, false, true, true, 0, kData + 0xff0},
                {"next page: miss", 0x11004, false, true, false, 1, kData + 0x1004},
                {"unmapped, no PRI: refused", 0x90000, false, false, false, 1, 0},
            };
            for (const Case &c : cases) {
                smmusim::AtsDevice::Access a;
                EXPECT_EQ(dev.resolve(port, 0, 0, false, c.addr, c.write, a), c.ok) << c.what;
                if (!c.ok) continue;
                EXPECT_TRUE(a.translated) << c.what;
                EXPECT_EQ(a.atc_hit, c.hit) << c.what;
                EXPECT_EQ(a.tr, c.tr) << c.what;
                EXPECT_EQ(a.addr, c.out) << c.what;
            }
            EXPECT_EQ(dev.atc().size(), 2u);
            EXPECT_EQ(dev.stats().translation_requests, 3u);
            EXPECT_EQ(dev.stats().refused, 1u);
            EXPECT_EQ(pl.smmu.stats().streams.at(0).ats_requests, 3u);

            // CMD_ATC_INV of page 0x10000: the device drops it and completes 300 ns later; the CMD_SYNC waits.
            const sc_time took = d.submit({{0x40, 0x10000}, cmd::sync_sev()});
            EXPECT_GE(took, sc_time(300, SC_NS));
            EXPECT_EQ(dev.stats().invalidations, 1u);
            EXPECT_EQ(dev.atc().stats().entries_invalidated, 1u);
            EXPECT_EQ(dev.atc().size(), 1u);
            EXPECT_EQ(pl.smmu.stats().atc_inv_completed, 1u);
            EXPECT_EQ(pl.smmu.stats().atc_inv_latency.max(), 300u);
            smmusim::AtsDevice::Access a;
            ASSERT_TRUE(dev.resolve(port, 0, 0, false, 0x10010, false, a));
            EXPECT_FALSE(a.atc_hit) << "the invalidated page is asked for again";
            EXPECT_EQ(a.tr, 1u);
            ASSERT_TRUE(dev.resolve(port, 0, 0, false, 0x11008, false, a));
            EXPECT_TRUE(a.atc_hit) << "the other page stayed";
        };
        sc_core::sc_start();
    });
}

} // namespace

int main(int argc, char **argv)
{
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
