// SPDX-License-Identifier: BSD-3-Clause
// SubstreamIDs and C_BAD_SUBSTREAMID (IHI 0070 5.2 Config/S1DSS, 5.3 L1CD, 7.3.9) through the embedding API:
// which transactions abort, and the StreamID/SubstreamID the record carries.
#include "e2e_util.h"

namespace {

struct Substream : e2e::Rig {
    e2e::Tables tables{mem};
    static constexpr uint64_t kL1 = th::kCdBase, kL2 = th::kCdBase + 0x10000;

    // Stage-1 stream with a 2-level CD table (4KB leaves of 64 CDs, S1CDMax 10), S1DSS = 0b10 (CD 0 for
    // traffic without a SubstreamID). Every L1CD starts invalid.
    uint64_t two_level_stream(uint32_t sid) {
        uint64_t ttb = tables.alloc();
        for (unsigned i = 0; i < 16; i++) mem.w64(kL1 + 8 * i, 0);
        install(sid, stu::linux_s1(kL1, 10, 1).q);
        tables.map(ttb, 0x1000, 0x8000'1000, e2e::kPageS1);
        return ttb;
    }
    void l1cd(unsigned index, uint64_t desc) {
        mem.w64(kL1 + 8 * index, desc);
        submit({th::cmd::cfgi_all()});
        sync();
    }
};

struct Expect { smmu_status_t st; unsigned event; uint32_t rec_ssid; };

void check(Substream &t, const char *name, const smmu_result_t &r, const Expect &e, uint32_t sid) {
    EXPECT_EQ(r.status, e.st) << name;
    EXPECT_EQ(r.event, e.event) << name;
    auto ev = t.pop_events();
    if (!e.event) { EXPECT_TRUE(ev.empty()) << name; return; }
    ASSERT_EQ(ev.size(), 1u) << name;
    EXPECT_EQ(th::evt::id(ev[0]), e.event) << name;
    EXPECT_EQ(th::evt::sid(ev[0]), sid) << name;
    EXPECT_EQ(th::evt::ssid(ev[0]), e.rec_ssid) << name;
    EXPECT_FALSE(th::evt::ssv(ev[0])) << name << ": C_BAD_SUBSTREAMID has no SSV qualifier";
}

// A SubstreamID on a stream whose stage 1 is disabled (Config 0b1x0) is C_BAD_SUBSTREAMID whether or not
// stage 2 translates; Config 0b000 aborts silently; without a SubstreamID the stream works.
TEST_F(Substream, SubstreamIdWithoutStage1IsBadSubstreamId) {
    bringup();
    uint64_t s2ttb = tables.alloc();
    tables.map(s2ttb, 0x4000'0000, 0x9000'0000, e2e::kPageS2);
    struct Case { const char *name; th::Qwords8 ste; bool ssv; uint32_t ssid; Expect e; uint64_t pa; };
    const Case cases[] = {
        {"bypass, SSV=1", th::ste::bypass(), true, 0x2A, {SMMU_ABORT, 0x08, 0x2A}, 0},
        {"bypass, SSV=0", th::ste::bypass(), false, 0, {SMMU_OK, 0, 0}, 0x4000'0010},
        {"stage-2 only, SSV=1", stu::linux_s2(s2ttb, 3).q, true, 0xFFFFF, {SMMU_ABORT, 0x08, 0xFFFFF}, 0},
        {"stage-2 only, SSV=1 SubstreamID 0", stu::linux_s2(s2ttb, 3).q, true, 0, {SMMU_ABORT, 0x08, 0}, 0},
        {"stage-2 only, SSV=0", stu::linux_s2(s2ttb, 3).q, false, 0, {SMMU_OK, 0, 0}, 0x9000'0010},
        {"abort STE, SSV=1", th::ste::abort_ste(), true, 5, {SMMU_ABORT, 0, 0}, 0},
    };
    uint32_t sid = 20;
    for (const auto &c : cases) {
        install(sid, c.ste);
        // Twice: the second one would find whatever the first left in the TBU's stream context and TLBs.
        for (int pass = 0; pass < 2; pass++) {
            auto r = xlate(sid, 0x4000'0010, false, c.ssid, c.ssv);
            check(*this, c.name, r, c.e, sid);
            if (c.e.st == SMMU_OK) { EXPECT_EQ(r.pa, c.pa) << c.name; }
        }
        sid++;
    }
}

// The same stream after a transaction without a SubstreamID has warmed its TLB entry.
TEST_F(Substream, Stage2OnlyWarmStreamStillRejectsSubstreamId) {
    bringup();
    uint64_t s2ttb = tables.alloc();
    tables.map(s2ttb, 0x4000'0000, 0x9000'0000, e2e::kPageS2);
    install(9, stu::linux_s2(s2ttb, 3).q);
    ASSERT_EQ(xlate(9, 0x4000'0000).status, SMMU_OK);
    check(*this, "warm", xlate(9, 0x4000'0000, true, 7, true), {SMMU_ABORT, 0x08, 7}, 9);
}

// C_BAD_SUBSTREAMID from a 2-level CD table records the index of the CD being fetched: the transaction's
// SubstreamID, or 0 for traffic without one sent to CD 0 by S1DSS = 0b10 (7.3.9).
TEST_F(Substream, TwoLevelCdTableRecordsTheSubstreamId) {
    bringup();
    struct Case { const char *name; unsigned l1_index; uint64_t l1cd; bool ssv; uint32_t ssid; Expect e; };
    const Case cases[] = {
        {"L1CD.V = 0, SSV=1", 2, kL2, true, 2 << 6 | 5, {SMMU_ABORT, 0x08, 2 << 6 | 5}},
        {"L2Ptr beyond the OAS, SSV=1", 3, (1ull << 50) | 1, true, 3 << 6 | 63, {SMMU_ABORT, 0x08, 3 << 6 | 63}},
        {"L1CD.V = 0, SSV=0 through S1DSS=0b10", 0, kL2, false, 0, {SMMU_ABORT, 0x08, 0}},
        {"L2Ptr beyond the OAS, SSV=0 through S1DSS=0b10", 0, (1ull << 49) | 1, false, 0x3FF, {SMMU_ABORT, 0x08, 0}},
        {"SubstreamID >= 2^S1CDMax", 0, kL2 | 1, true, 1u << 10, {SMMU_ABORT, 0x08, 1u << 10}},
        {"valid L1CD, SSV=1", 1, kL2 | 1, true, 1 << 6 | 9, {SMMU_OK, 0, 0}},
    };
    uint32_t sid = 40;
    for (const auto &c : cases) {
        uint64_t ttb = two_level_stream(sid);
        write_cd(kL2 + 64 * 9, stu::linux_cd(ttb, sid).q);
        l1cd(c.l1_index, c.l1cd);
        auto r = xlate(sid, 0x1000, false, c.ssid, c.ssv);
        check(*this, c.name, r, c.e, sid);
        if (c.e.st == SMMU_OK) { EXPECT_EQ(r.pa, 0x8000'1000u) << c.name; }
        sid++;
    }
}

} // namespace
