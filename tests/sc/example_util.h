/* SPDX-License-Identifier: BSD-3-Clause */
// Platform around the Accellera TLM-2.0 example initiators and targets: two initiators on SMMU ports 0 and 1
// (StreamIDs 0 and 1 by default), two 4 KiB example memories at 0x0 and 0x10000000, table memory at 0x80000000.
#pragma once

#include "sc_util.h"

int sc_main(int, char **) { return 0; }   // libsystemc needs the symbol; tests run from main()

namespace sct {

enum class Mode { Bypass, Stage1 };

template <class TargetA, class TargetB>
struct ExamplePlatform {
    SparseMem tables{"tables", sc_time(20, SC_NS), sc_time(20, SC_NS)};
    TargetA a;
    TargetB b;
    Router router{"router", {{0x0, 0x10000000, true}, {0x10000000, 0x10000000, true}, {kTableRegion, kTableRegionSize, false}}};
    smmu::Smmuv3 smmu;
    Driver drv{"drv", tables};
    PageTables pt{tables, kTables};

    static smmu::Params params(bool dmi) {
        smmu::Params p = dmi ? smmu::Params::functional_speed() : smmu::Params::mmu700();
        p.num_ports = 2;
        return p;
    }
    explicit ExamplePlatform(Mode mode, bool dmi = false)
        : a("target_a", 201, "memory_socket_a", 4 * 1024, 4, sc_time(20, SC_NS), sc_time(100, SC_NS), sc_time(60, SC_NS)),
          b("target_b", 202, "memory_socket_b", 4 * 1024, 4, sc_time(10, SC_NS), sc_time(50, SC_NS), sc_time(30, SC_NS)),
          smmu("smmu", params(dmi))
    {
        // The examples report data mismatches as SC_FATAL only when enabled; info stays quiet.
        tlm_enable_info_reporting = false;
        tlm_enable_warning_reporting = tlm_enable_error_reporting = tlm_enable_fatal_reporting = true;
        smmu.dma_out(router.in);
        (*router.out[0])(a.m_memory_socket);
        (*router.out[1])(b.m_memory_socket);
        (*router.out[2])(tables.socket);
        drv.regs(smmu.reg_socket);
        drv.setup = [this, mode](Driver &d) {
            d.bringup();
            if (mode == Mode::Bypass) {
                d.write_ste(0, ste_bypass());
                d.write_ste(1, ste_bypass());
                return;
            }
            // Both IOVA pages the traffic generators use map to target B: every data access must land there.
            pt.map(0x00000000, 0x10000000);
            pt.map(0x10000000, 0x10000000);
            d.write_cd(kCd, cd_s1(kTables, 1));
            d.write_ste(0, ste_s1(kCd));
            d.write_ste(1, ste_s1(kCd));
        };
    }

    // After the run: each traffic generator made 2 x (16 writes + 16 reads) of 4 bytes. With DMI, an access made
    // through a DMI pointer reaches neither the SMMU nor the router; the others reach both.
    void check(Mode mode, bool dmi = false) {
        const smmu::Stats &s = smmu.stats();
        if (dmi) {
            uint64_t translated = 0;
            for (uint32_t sid = 0; sid < 2; sid++) {
                ASSERT_EQ(s.streams.count(sid), 1u) << "stream " << sid;
                const smmu::TrafficStats &t = s.streams.at(sid);
                EXPECT_EQ(t.aborted, 0u);
                EXPECT_EQ(t.bytes, 4 * t.transactions);
                translated += t.transactions;
            }
            if (mode == Mode::Stage1) {
                EXPECT_EQ(router.hits[0], 0u) << "no untranslated access reaches target A";
            }
            EXPECT_EQ(router.hits[0] + router.hits[1], translated);
            EXPECT_LT(translated, 128u) << "some accesses went through a DMI pointer";
            EXPECT_GE(s.dmi_grants, 1u);
            return;
        }
        for (uint32_t sid = 0; sid < 2; sid++) {
            ASSERT_EQ(s.streams.count(sid), 1u) << "stream " << sid;
            const smmu::TrafficStats &t = s.streams.at(sid);
            EXPECT_EQ(t.transactions, 64u);
            EXPECT_EQ(t.writes, 32u);
            EXPECT_EQ(t.reads, 32u);
            EXPECT_EQ(t.bytes, 256u);
            EXPECT_EQ(t.aborted, 0u);
            EXPECT_EQ(t.bypassed, mode == Mode::Bypass ? 64u : 0u);
            EXPECT_EQ(s.ports[sid].transactions, 64u);
        }
        if (mode == Mode::Bypass) {
            EXPECT_EQ(router.hits[0], 64u);
            EXPECT_EQ(router.hits[1], 64u);
        } else {
            EXPECT_EQ(router.hits[0], 0u) << "no untranslated access reaches target A";
            EXPECT_EQ(router.hits[1], 128u);
            EXPECT_GE(s.streams.at(0).walks + s.streams.at(1).walks, 2u);
        }
    }
};

} // namespace sct

int main(int argc, char **argv)
{
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
