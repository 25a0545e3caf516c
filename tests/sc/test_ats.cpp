// SPDX-License-Identifier: BSD-3-Clause
// PCIe ATS and PRI through the SystemC module (IHI 0070 3.9, 4.5, chapter 8): Translation Requests and Page
// Requests on dma_in (PcieExtension), translated DMA, ATC invalidations delivered to the port's AtsEndpoint with
// CMD_SYNC waiting for their completion or failing with CERROR_ATC_INV_SYNC after Params::atc_inv_timeout, and PRG
// responses delivered the same way.
#include <gtest/gtest.h>

#include "module_util.h"

using namespace smt;
using sc_core::SC_US;

int sc_main(int, char **) { return 0; }   // libsystemc needs the symbol; tests run from main()

namespace {

constexpr uint64_t kPriq = 0x80500000;
constexpr unsigned kPriqLog2 = 4;
constexpr uint64_t kSteEatsTrans = 1ull << 28;     // STE.EATS = 0b01, full ATS

// CMD_ATC_INV (4.5.1) and CMD_PRI_RESP (4.5.2).
std::array<uint64_t, 2> atc_inv(uint32_t sid, uint64_t addr, unsigned size, bool ssv = false, uint32_t ssid = 0)
{
    return {0x40 | (ssv ? 1ull << 11 | (uint64_t)ssid << 12 : 0) | (uint64_t)sid << 32, (addr & ~0xFFFull) | size};
}
std::array<uint64_t, 2> pri_resp(uint32_t sid, uint16_t prgi, unsigned resp)
{
    return {0x41 | (uint64_t)sid << 32, prgi | (uint64_t)resp << 12};
}

// The endpoint: records what the SMMU sends; completes each invalidation after `ack` unless told not to.
struct Endpoint : sc_core::sc_module, smmu::AtsEndpoint {
    smmu::Smmuv3 &smmu;
    sc_time ack;
    bool answer = true;
    std::vector<std::pair<smmu_atc_inv_t, sc_time>> invs;
    std::vector<smmu_pri_resp_t> resps;
    sc_core::sc_event_queue due;
    std::vector<uint32_t> tags;
    Endpoint(sc_core::sc_module_name n, smmu::Smmuv3 &s, sc_time a) : sc_module(n), smmu(s), ack(a) {
        SC_HAS_PROCESS(Endpoint);
        SC_METHOD(complete);
        sensitive << due;
        dont_initialize();
    }
    void atc_invalidate(const smmu_atc_inv_t &inv) override {
        invs.emplace_back(inv, sc_core::sc_time_stamp());
        if (!answer) return;
        tags.push_back(inv.tag);
        due.notify(ack);
    }
    void complete() {
        for (uint32_t t : tags) smmu.atc_inv_complete(t);
        tags.clear();
    }
    void pri_response(const smmu_pri_resp_t &r) override { resps.push_back(r); }
};

// A Translation Request or Page Request of stream `sid` (no data moves).
struct PcieReq {
    smmu::PcieExtension ext;
    tlm::tlm_response_status status = tlm::TLM_INCOMPLETE_RESPONSE;
    sc_time latency;
};
PcieReq pcie(Initiator &init, smmu::PcieExtension::Kind kind, uint32_t sid, uint64_t addr, bool write = true,
             uint16_t prgi = 0)
{
    PcieReq r;
    tlm::tlm_generic_payload gp;
    smmu::StreamIdExtension sid_ext(sid);
    r.ext.kind = kind;
    r.ext.no_write = !write;
    r.ext.prgi = prgi;
    r.ext.write = write;
    gp.set_command(tlm::TLM_READ_COMMAND);
    gp.set_address(addr);
    gp.set_data_ptr(nullptr);
    gp.set_data_length(0);
    gp.set_streaming_width(0);
    gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    gp.set_extension(&sid_ext);
    gp.set_extension(&r.ext);
    sc_time d = sc_core::SC_ZERO_TIME;
    (*init.ports[0])->b_transport(gp, d);
    gp.clear_extension(&sid_ext);
    gp.clear_extension(&r.ext);
    sc_core::wait(d);
    r.status = gp.get_response_status();
    r.latency = d;
    return r;
}

smmu::Params ats_params()
{
    smmu::Params p = timing_params();
    p.core.ats = true;
    p.core.pri = true;
    p.atc_inv_timeout = sc_time(2, SC_US);
    return p;
}

// Stream 0: stage 1 with EATS = full ATS over 4 pages; stream 1: the same without ATS.
void setup_ats(Driver &d, PageTables &pt)
{
    setup_s1(d, pt, 4);
    Q8 ste = ste_s1(kCd);
    ste[1] |= kSteEatsTrans;
    d.write_ste(0, ste);
    d.write_ste(1, ste_s1(kCd));
}

TEST(SmmuScAts, TranslationRequestsAnswerPerEatsAtTheCoresCost)
{
    run_sim([] {
        Platform pl(ats_params());
        pl.drv.setup = [&](Driver &d) { setup_ats(d, pl.pt); };
        pl.drv.program = [&](Driver &) {
            sc_core::wait(sc_time(1, SC_US));
            using K = smmu::PcieExtension::Kind;
            struct Case { const char *what; uint32_t sid; uint64_t addr; smmu_ats_status_t st; bool r, w; uint64_t pa; } cases[] = {
                {"mapped page", 0, 0x11234, SMMU_ATS_SUCCESS, true, true, kData + 0x1000},
                {"unmapped page: no access, for PRI", 0, 0x90000, SMMU_ATS_SUCCESS, false, false, 0},
                {"EATS = 0: Unsupported Request", 1, 0x10000, SMMU_ATS_UR, false, false, 0},
            };
            for (const Case &c : cases) {
                PcieReq q = pcie(pl.init, K::TranslationRequest, c.sid, c.addr);
                EXPECT_EQ(q.status, tlm::TLM_OK_RESPONSE) << c.what;
                EXPECT_EQ(q.ext.completion.status, c.st) << c.what;
                EXPECT_EQ(q.ext.completion.read, c.r) << c.what;
                EXPECT_EQ(q.ext.completion.write, c.w) << c.what;
                if (c.r) {
                    EXPECT_EQ(q.ext.completion.addr, c.pa) << c.what;
                    EXPECT_EQ(q.ext.completion.size_log2, 12u) << c.what;
                }
                // Served by the TCU as a miss: at least the cycles the core reports for it.
                EXPECT_GE(q.latency, sc_time((double)q.ext.completion.cycles, SC_NS)) << c.what;
            }
            const auto &s0 = pl.smmu.stats().streams.at(0);
            EXPECT_EQ(s0.ats_requests, 2u);
            EXPECT_EQ(s0.ats_no_access, 1u);
            EXPECT_EQ(s0.ats_refused, 0u);
            EXPECT_EQ(s0.translations, 0u) << "a Translation Request is not a DMA translation";
            EXPECT_EQ(s0.transactions, 0u);
            EXPECT_EQ(s0.ats_latency.count(), 2u);
            EXPECT_EQ(pl.smmu.stats().streams.at(1).ats_refused, 1u);
        };
        sc_core::sc_start();
    });
}

TEST(SmmuScAts, TranslatedDmaGoesOutAtItsOwnAddress)
{
    run_sim([] {
        Platform pl(ats_params());
        pl.drv.setup = [&](Driver &d) { setup_ats(d, pl.pt); };
        pl.drv.program = [&](Driver &) {
            sc_core::wait(sc_time(1, SC_US));
            tlm::tlm_generic_payload gp;
            uint32_t v = 0x5A5A1234;
            smmu::StreamIdExtension sid(0);
            smmu::PcieExtension at;
            at.kind = smmu::PcieExtension::Kind::Translated;
            Initiator::prepare(gp, true, kData + 0x2040, v, &sid);
            gp.set_extension(&at);
            sc_time d = sc_core::SC_ZERO_TIME;
            (*pl.init.ports[0])->b_transport(gp, d);
            gp.clear_extension(&sid);
            gp.clear_extension(&at);
            sc_core::wait(d);
            EXPECT_EQ(gp.get_response_status(), tlm::TLM_OK_RESPONSE);
            EXPECT_EQ(pl.data.r32(kData + 0x2040), 0x5A5A1234u) << "a PA from the ATC is not translated again";
            const auto &s = pl.smmu.stats().streams.at(0);
            EXPECT_EQ(s.ats_translated, 1u);
            EXPECT_EQ(s.ats_translated_aborted, 0u);
            EXPECT_EQ(s.translations, 0u);
            EXPECT_EQ(s.transactions, 1u);
            // Debug reads go out at the translated address too; DMI is never granted for a PCIe transaction.
            uint32_t back = 0;
            Initiator::prepare(gp, false, kData + 0x2040, back, &sid);
            gp.set_extension(&at);
            EXPECT_EQ((*pl.init.ports[0])->transport_dbg(gp), 4u);
            EXPECT_EQ(back, 0x5A5A1234u);
            tlm::tlm_dmi dmi;
            EXPECT_FALSE((*pl.init.ports[0])->get_direct_mem_ptr(gp, dmi));
            gp.clear_extension(&sid);
            gp.clear_extension(&at);
        };
        sc_core::sc_start();
    });
}

TEST(SmmuScAts, CmdSyncWaitsForTheEndpointsInvalidationCompletion)
{
    run_sim([] {
        Platform pl(ats_params());
        Endpoint ep("ep", pl.smmu, sc_time(500, SC_NS));
        pl.smmu.bind_ats_endpoint(0, &ep);
        pl.drv.setup = [&](Driver &d) { setup_ats(d, pl.pt); };
        pl.drv.program = [&](Driver &d) {
            sc_core::wait(sc_time(1, SC_US));
            const sc_time took = d.submit({atc_inv(0, 0x13000, 1), cmd::sync_sev()});
            ASSERT_EQ(ep.invs.size(), 1u);
            const smmu_atc_inv_t &inv = ep.invs[0].first;
            EXPECT_EQ(inv.sid, 0u);
            EXPECT_FALSE(inv.ssv);
            EXPECT_EQ(inv.addr, 0x12000u) << "aligned to its 2^(12 + Size) span";
            EXPECT_EQ(inv.size_log2, 13u);
            EXPECT_GE(took, sc_time(500, SC_NS)) << "CMD_SYNC completed only after the endpoint did";
            EXPECT_EQ(d.r32(0x60) & 1, d.r32(0x64) & 1) << "no CMDQ_ERR";
            const smmu::Stats &st = pl.smmu.stats();
            EXPECT_EQ(st.atc_inv_sent, 1u);
            EXPECT_EQ(st.atc_inv_completed, 1u);
            EXPECT_EQ(st.atc_inv_timeouts, 0u);
            EXPECT_EQ(st.atc_inv_latency.count(), 1u);
            EXPECT_EQ(st.atc_inv_latency.max(), 500u) << "delivery to completion, in cycles of 1 ns";
            // A StreamID no endpoint has used: completed by the module at once.
            const sc_time quick = d.submit({atc_inv(7, 0, 52), cmd::sync_sev()});
            EXPECT_LT(quick, sc_time(500, SC_NS));
            EXPECT_EQ(pl.smmu.stats().atc_inv_unrouted, 1u);
            EXPECT_EQ(ep.invs.size(), 1u);
        };
        sc_core::sc_start();
    });
}

TEST(SmmuScAts, UncompletedInvalidationFailsTheSyncAfterTheTimeout)
{
    run_sim([] {
        Platform pl(ats_params());
        Endpoint ep("ep", pl.smmu, sc_time(500, SC_NS));
        ep.answer = false;
        pl.smmu.bind_ats_endpoint(0, &ep);
        pl.drv.setup = [&](Driver &d) { setup_ats(d, pl.pt); };
        pl.drv.program = [&](Driver &d) {
            sc_core::wait(sc_time(1, SC_US));
            const uint32_t cons0 = d.r32(0x9C);
            d.publish({atc_inv(0, 0x10000, 0), cmd::sync_sev()});
            sc_core::wait(sc_time(1500, SC_NS));
            EXPECT_EQ((d.r32(0x60) ^ d.r32(0x64)) & 1, 0u) << "still waiting before the timeout";
            sc_core::wait(sc_time(1500, SC_NS));
            const uint32_t cons = d.r32(0x9C);
            EXPECT_EQ((d.r32(0x60) ^ d.r32(0x64)) & 1, 1u) << "GERROR.CMDQ_ERR";
            EXPECT_EQ((cons >> 24) & 0x7F, 3u) << "CERROR_ATC_INV_SYNC";
            EXPECT_EQ(cons & 0xFFFFF, ((cons0 & 0xFFFFF) + 1) & 0xFFFFF) << "CONS stays at the CMD_SYNC (4.7.3)";
            EXPECT_EQ(pl.smmu.stats().atc_inv_timeouts, 1u);
            EXPECT_EQ(pl.smmu.stats().atc_inv_completed, 0u);
            pl.smmu.atc_inv_complete(ep.invs.at(0).first.tag);   // too late: ignored
            sc_core::wait(sc_time(10, SC_NS));
            EXPECT_EQ(pl.smmu.stats().atc_inv_late, 1u);
        };
        sc_core::sc_start();
    });
}

TEST(SmmuScAts, PageRequestLandsInThePriQueueAndPriRespReachesTheEndpoint)
{
    run_sim([] {
        Platform pl(ats_params());
        Endpoint ep("ep", pl.smmu, sc_time(0, SC_NS));
        pl.smmu.bind_ats_endpoint(0, &ep);
        pl.drv.setup = [&](Driver &d) { setup_ats(d, pl.pt); };
        pl.drv.program = [&](Driver &d) {
            d.w64(0xC0, kPriq | 1ull << 62 | kPriqLog2);          // PRIQ_BASE
            d.w32(0x100C8, 0);
            d.w32(0x100CC, 0);
            d.cr0(0xF);                                         // + PRIQEN
            sc_core::wait(sc_time(1, SC_US));
            PcieReq q = pcie(pl.init, smmu::PcieExtension::Kind::PageRequest, 0, 0x95123, true, 0x1A5);
            EXPECT_EQ(q.status, tlm::TLM_OK_RESPONSE);
            EXPECT_EQ(q.ext.pri, SMMU_PRI_QUEUED);
            EXPECT_EQ(d.r32(0x100C8) & 0xFFFFF, 1u) << "PRIQ_PROD";
            const uint64_t w0 = pl.tables.r64(kPriq), w1 = pl.tables.r64(kPriq + 8);
            EXPECT_EQ(w0 & 0xFFFFFFFFu, 0u) << "StreamID";
            EXPECT_EQ(w0 >> 62 & 1, 1u) << "Last";
            EXPECT_EQ(w0 >> 61 & 1, 1u) << "W";
            EXPECT_EQ(w0 >> 60 & 1, 1u) << "R";
            EXPECT_EQ(w0 >> 63, 0u) << "no PASID";
            EXPECT_EQ(w1 & 0x1FF, 0x1A5u) << "PRGIndex";
            EXPECT_EQ(w1 & ~0xFFFull, 0x95000u) << "page address";
            EXPECT_EQ(pl.smmu.stats().pri_queued, 1u);
            EXPECT_EQ(pl.smmu.stats().streams.at(0).page_requests, 1u);
            d.submit({pri_resp(0, 0x1A5, 2), cmd::sync_sev()});  // Resp = Success
            ASSERT_EQ(ep.resps.size(), 1u);
            EXPECT_EQ(ep.resps[0].sid, 0u);
            EXPECT_EQ(ep.resps[0].prgi, 0x1A5u);
            EXPECT_EQ(ep.resps[0].resp, SMMU_PRI_SUCCESS);
            EXPECT_EQ(pl.smmu.stats().pri_responses, 1u);
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
