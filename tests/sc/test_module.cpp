// SPDX-License-Identifier: BSD-3-Clause
// The SystemC module driven through its sockets: bypass/abort/fault responses, register frame, commands and
// MSIs at their modelled times, debug transport, DMI refusal, statistics, and the timing model.
#include "module_util.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <string>

using namespace sct;
using sc_core::sc_time;
using sc_core::SC_NS;

int sc_main(int, char **) { return 0; }   // libsystemc needs the symbol; tests run from main()

using namespace smt;

TEST(SmmuSc, BypassStreamForwardsDataAndRestoresPayload)
{
    run_sim([] {
        smmu::Params p = timing_params();
        Platform pl(p);
        pl.drv.setup = [](Driver &d) { d.bringup(); d.write_ste(0, ste_bypass()); };
        pl.drv.program = [&](Driver &) {
            sc_core::wait(sc_time(1, sc_core::SC_US));
            auto w = pl.init.access(0, true, kData + 0x120, 0xCAFEF00D);
            EXPECT_EQ(w.status, tlm::TLM_OK_RESPONSE);
            EXPECT_EQ(pl.data.r32(kData + 0x120), 0xCAFEF00Du);
            auto r = pl.init.access(0, false, kData + 0x120);
            EXPECT_EQ(r.status, tlm::TLM_OK_RESPONSE);
            EXPECT_EQ(r.data, 0xCAFEF00Du);
            EXPECT_GE(w.latency, kMemLat) << "the cold access fetched the STE (one 50 ns read)";
            const auto &s = pl.smmu.stats().streams.at(0);
            EXPECT_EQ(s.transactions, 2u);
            EXPECT_EQ(s.writes, 1u);
            EXPECT_EQ(s.reads, 1u);
            EXPECT_EQ(s.bytes, 8u);
            EXPECT_EQ(s.bypassed, 2u);
        };
        sc_core::sc_start();
    });
}

TEST(SmmuSc, AbortAndBadSteGiveErrorResponsesAndEvents)
{
    run_sim([] {
        Platform pl(timing_params());
        unsigned irq_rises = 0;
        sc_core::sc_spawn_options opt;
        opt.spawn_method();
        opt.set_sensitivity(&pl.irq_evtq.posedge_event());
        opt.dont_initialize();
        sc_core::sc_spawn([&] { irq_rises++; }, "irq_counter", &opt);
        pl.drv.setup = [](Driver &d) {
            d.bringup();
            d.write_ste(5, Q8{0, 0, 0, 0, 0, 0, 0, 0});       // V=0: C_BAD_STE
        };
        pl.drv.program = [&](Driver &d) {
            sc_core::wait(sc_time(1, sc_core::SC_US));
            smmu::StreamIdExtension ext4(4), ext5(5);
            auto a = pl.init.access(0, false, kData, 0, &ext4);            // abort STE: no event (5.2 Config)
            EXPECT_EQ(a.status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
            auto b = pl.init.access(0, true, kData + 8, 0x1234, &ext5);   // invalid STE
            EXPECT_EQ(b.status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
            EXPECT_EQ(pl.data.writes, 0u);
            sc_core::wait(sc_time(10, SC_NS));
            auto ev = d.pop_events();
            ASSERT_EQ(ev.size(), 1u);
            EXPECT_EQ(ev[0][0] & 0xFF, 0x04u);                              // C_BAD_STE
            EXPECT_EQ(ev[0][0] >> 32, 5u);                                  // StreamID
            EXPECT_EQ(pl.smmu.stats().streams.at(5).faults_by_event.at(0x04), 1u);
            EXPECT_EQ(pl.smmu.stats().streams.at(4).aborted, 1u);
            EXPECT_EQ(pl.smmu.stats().irq_edges[SMMU_IRQ_EVTQ], 1u);
            EXPECT_EQ(irq_rises, 1u) << "irq_evtq pulsed once";
            EXPECT_FALSE(pl.irq_evtq.read()) << "and dropped again";
        };
        sc_core::sc_start();
    });
}

TEST(SmmuSc, RegisterFrameChecksSizeAlignmentAndRange)
{
    run_sim([] {
        Platform pl(timing_params());
        pl.drv.program = [&](Driver &d) {
            struct Case { uint64_t off; unsigned len; tlm::tlm_response_status want; };
            const Case cases[] = {
                {0x000, 4, tlm::TLM_OK_RESPONSE},   {0x080, 8, tlm::TLM_OK_RESPONSE},
                {0x000, 2, tlm::TLM_BURST_ERROR_RESPONSE}, {0x000, 16, tlm::TLM_BURST_ERROR_RESPONSE},
                {0x002, 4, tlm::TLM_ADDRESS_ERROR_RESPONSE}, {0x084, 8, tlm::TLM_ADDRESS_ERROR_RESPONSE},
                {0x20000, 4, tlm::TLM_ADDRESS_ERROR_RESPONSE}, {0x1FFFC, 8, tlm::TLM_ADDRESS_ERROR_RESPONSE},
            };
            for (const Case &c : cases) {
                uint64_t v[2] = {0, 0};
                tlm::tlm_generic_payload gp;
                sc_time t = sc_core::SC_ZERO_TIME;
                gp.set_command(tlm::TLM_READ_COMMAND);
                gp.set_address(c.off);
                gp.set_data_ptr(reinterpret_cast<unsigned char *>(v));
                gp.set_data_length(c.len);
                gp.set_streaming_width(c.len);
                d.regs->b_transport(gp, t);
                EXPECT_EQ(gp.get_response_status(), c.want) << std::hex << "offset 0x" << c.off << " len " << c.len;
                if (c.want == tlm::TLM_OK_RESPONSE) {
                    EXPECT_EQ(t, sc_time(1, SC_NS)) << "reg_access_cycles";
                }
            }
            EXPECT_EQ(d.r32(0x18), pl.smmu.params().core.iidr);                      // SMMU_IIDR
            uint64_t v = 0;
            tlm::tlm_generic_payload gp;
            gp.set_command(tlm::TLM_READ_COMMAND);
            gp.set_address(0x18);
            gp.set_data_ptr(reinterpret_cast<unsigned char *>(&v));
            gp.set_data_length(4);
            gp.set_streaming_width(4);
            EXPECT_EQ(d.regs->transport_dbg(gp), 4u);
            EXPECT_EQ(v, pl.smmu.params().core.iidr);
        };
        sc_core::sc_start();
    });
}

TEST(SmmuSc, CmdSyncMsiLandsAfterItsCommandCost)
{
    run_sim([] {
        Platform pl(timing_params());
        pl.drv.setup = [](Driver &d) { d.bringup(); };
        pl.drv.program = [&](Driver &d) {
            sc_core::wait(sc_time(1, sc_core::SC_US));
            const auto syncs = pl.smmu.stats().cmd_syncs;
            EXPECT_EQ(syncs, 2u) << "the two bring-up CMD_SYNCs";
            const sc_time t0 = sc_core::sc_time_stamp();
            d.publish({cmd::sync_msi(kSyncMsi, 0xABCD)});   // PROD written at t0 + 1 ns (reg_access_cycles)
            sc_core::wait(sc_time(3, SC_NS) - sc_time(1, sc_core::SC_PS));
            EXPECT_EQ(pl.tables.r32(kSyncMsi), 0u) << "not before cmd_cycles (2) after the PROD write";
            sc_core::wait(sc_time(1, sc_core::SC_PS));
            sc_core::wait(sc_core::SC_ZERO_TIME);
            EXPECT_EQ(pl.tables.r32(kSyncMsi), 0xABCDu) << "at " << (sc_core::sc_time_stamp() - t0);
            EXPECT_EQ(d.r32(0x9C) & 0xFFFFFF, d.prod);
            EXPECT_EQ(pl.smmu.stats().cmd_syncs, syncs + 1);
            EXPECT_EQ(pl.smmu.stats().commands_by_opcode.at(0x46), 3u);
            EXPECT_EQ(pl.smmu.stats().commands_by_opcode.at(0x04), 1u);
            EXPECT_EQ(pl.smmu.stats().cmd_sync_latency.count(), 3u);
            EXPECT_EQ(pl.smmu.stats().cmd_sync_latency.min(), 2u) << "the lone CMD_SYNC: publication to completion";
        };
        sc_core::sc_start();
    });
}

TEST(SmmuSc, DebugTransportHasNoSideEffectsAndDmiIsRefused)
{
    run_sim([] {
        Platform pl(timing_params());
        pl.drv.setup = [](Driver &d) { d.bringup(); d.write_ste(0, ste_bypass()); };
        pl.drv.program = [&](Driver &) {
            sc_core::wait(sc_time(1, sc_core::SC_US));
            pl.data.w32(kData + 0x40, 0x5A5A1234);
            const uint64_t table_reads = pl.tables.reads;
            uint32_t v = 0;
            tlm::tlm_generic_payload gp;
            gp.set_command(tlm::TLM_READ_COMMAND);
            gp.set_address(kData + 0x40);
            gp.set_data_ptr(reinterpret_cast<unsigned char *>(&v));
            gp.set_data_length(4);
            gp.set_streaming_width(4);
            EXPECT_EQ((*pl.init.ports[0])->transport_dbg(gp), 4u);
            EXPECT_EQ(v, 0x5A5A1234u);
            EXPECT_EQ(gp.get_address(), kData + 0x40);
            EXPECT_EQ(pl.smmu.stats().streams.count(0), 0u) << "no statistics from debug accesses";
            EXPECT_EQ(pl.tables.reads, table_reads) << "debug walks use transport_dbg";
            tlm::tlm_dmi dmi;
            EXPECT_FALSE((*pl.init.ports[0])->get_direct_mem_ptr(gp, dmi));
            EXPECT_EQ(dmi.get_granted_access(), tlm::tlm_dmi::DMI_ACCESS_NONE);
            auto r = pl.init.access(0, false, kData + 0x40);
            EXPECT_EQ(r.data, 0x5A5A1234u);
        };
        sc_core::sc_start();
    });
}

TEST(SmmuSc, StatisticsJson)
{
    run_sim([] {
        Platform pl(timing_params());
        pl.drv.setup = [](Driver &d) { d.bringup(); d.write_ste(0, ste_bypass()); };
        pl.drv.program = [&](Driver &) {
            sc_core::wait(sc_time(1, sc_core::SC_US));
            for (int i = 0; i < 10; i++) pl.init.access(0, false, kData + 4 * i);
            std::string j = pl.smmu.stats_json();
            EXPECT_NE(j.find("\"streams\":{\"0\":{\"transactions\":10,\"reads\":10"), std::string::npos) << j;
            EXPECT_NE(j.find("\"commands_by_opcode\":{\"0x4\":1,\"0x30\":1,\"0x46\":2}"), std::string::npos) << j;
            EXPECT_EQ(std::count(j.begin(), j.end(), '{'), std::count(j.begin(), j.end(), '}'));
            const auto &lat = pl.smmu.stats().streams.at(0).latency;
            EXPECT_EQ(lat.count(), 10u);
            EXPECT_LE(lat.min(), lat.percentile(50));
            EXPECT_LE(lat.percentile(50), lat.percentile(99));
            EXPECT_EQ(lat.percentile(100), lat.max());
        };
        sc_core::sc_start();
    });
}

TEST(SmmuScStats, LatencyPercentilesTableDriven)
{
    smmu::LatencyStats s;
    for (uint64_t v = 1; v <= 100; v++) s.add(v);
    s.add(5000);
    struct { double p; uint64_t want; } cases[] = {{0, 1}, {50, 51}, {90, 91}, {99, 100}, {100, 5000}};
    for (auto c : cases) EXPECT_EQ(s.percentile(c.p), c.want) << c.p;
    EXPECT_EQ(s.min(), 1u);
    EXPECT_EQ(s.max(), 5000u);
    EXPECT_DOUBLE_EQ(s.mean(), (5050.0 + 5000.0) / 101.0);
    auto h = s.histogram();
    ASSERT_EQ(h.size(), 101u);
    EXPECT_EQ(h.back().first, 4864u);        // 5000 falls in [4096 + 3*256, 4096 + 4*256)
}

// ---- Timing (waits on the core's stage-1 translation).

TEST(SmmuScTiming, UtlbHitMainTlbHitAndColdWalk)
{
    run_sim([] {
        Platform pl(timing_params());
        pl.drv.setup = [&](Driver &d) { setup_s1(d, pl.pt, 4); };
        pl.drv.program = [&](Driver &) {
            sc_core::wait(sc_time(1, sc_core::SC_US));
            auto cold = pl.init.access(0, true, 0x10000, 0x11);
            EXPECT_EQ(cold.status, tlm::TLM_OK_RESPONSE);
            EXPECT_EQ(pl.data.r32(kData), 0x11u) << "page 0x10000 maps to kData";
            EXPECT_EQ(cold.latency, kColdWalk);
            EXPECT_EQ(pl.init.access(0, false, 0x10004).latency, kUtlbHit);
            pl.init.access(0, false, 0x11000);                 // two more pages evict 0x10000 from the 2-entry uTLB
            pl.init.access(0, false, 0x12000);
            auto main = pl.init.access(0, false, 0x10008);
            EXPECT_EQ(main.latency, kMainTlbHit);
            const auto &s = pl.smmu.stats().streams.at(0);
            EXPECT_EQ(s.walks, 3u);
            EXPECT_EQ(s.utlb_hits, 1u);
            EXPECT_EQ(s.main_tlb_hits, 1u);
        };
        sc_core::sc_start();
    });
}

TEST(SmmuScTiming, WalkCacheAssistedWalkReadsOnlyTheLeaf)
{
    run_sim([] {
        smmu::Params p = timing_params();
        for (int l = 0; l < 4; l++) p.core.walk_cache_s1[l] = {16, 4, SMMU_REPL_LRU, 0};
        Platform pl(p);
        pl.drv.setup = [&](Driver &d) { setup_s1(d, pl.pt, 4); };
        pl.drv.program = [&](Driver &) {
            sc_core::wait(sc_time(1, sc_core::SC_US));
            EXPECT_EQ(pl.init.access(0, false, 0x10000).latency, kColdWalk);
            const uint64_t reads = pl.tables.reads;
            auto r = pl.init.access(0, false, 0x11000);        // same level-3 table: one descriptor read
            EXPECT_EQ(pl.tables.reads - reads, 1u);
            EXPECT_EQ(r.latency, sc_time(1 + 3 + 8 + 4 + 8, SC_NS) + kMemLat);
        };
        sc_core::sc_start();
    });
}

// After the driver's setup: one access brings the stream's STE and CD into the configuration cache, so the
// misses that follow are table walks only.
static void warm_config_cache(Platform &pl)
{
    sc_core::wait(sc_time(1, sc_core::SC_US));
    pl.init.access(0, false, 0x17000);
    sc_core::wait(sc_time(1, sc_core::SC_US));
}

// Starts every access in its own process at the present time, waits 10 us for them, returns their latencies
// sorted (fewer than given if some did not finish).
static std::vector<sc_time> concurrent_latencies(const std::vector<std::function<sc_time()>> &accesses)
{
    auto lat = std::make_shared<std::vector<sc_time>>();
    for (const auto &a : accesses) sc_core::sc_spawn([lat, a] { lat->push_back(a()); });
    sc_core::wait(sc_time(10, sc_core::SC_US));
    std::sort(lat->begin(), lat->end());
    return *lat;
}

TEST(SmmuScTiming, ConcurrentMissesQueueForWalkSlots)
{
    // 6 misses at the same time, 2 walk slots: pairs start walks kWalkWork apart.
    run_sim([] {
        Platform pl(timing_params());
        pl.drv.setup = [&](Driver &d) { setup_s1(d, pl.pt, 8); };
        pl.drv.program = [&](Driver &) {
            warm_config_cache(pl);
            std::vector<std::function<sc_time()>> misses;
            for (int i = 0; i < 6; i++)
                misses.push_back([&, i] { return pl.init.access(0, false, 0x10000 + 0x1000ull * i).latency; });
            const auto lat = concurrent_latencies(misses);
            ASSERT_EQ(lat.size(), 6u);
            for (int k = 0; k < 6; k++) EXPECT_EQ(lat[k], kWarmWalk + (k / 2) * kWalkWork) << k;
            EXPECT_EQ(pl.smmu.stats().walk_slots_peak, 2u);
        };
        sc_core::sc_start();
    });
}

TEST(SmmuScTiming, MissesToOnePageShareTheWalkInFlight)
{
    run_sim([] {
        Platform pl(timing_params());
        pl.drv.setup = [&](Driver &d) { setup_s1(d, pl.pt, 8); };
        pl.drv.program = [&](Driver &) {
            warm_config_cache(pl);
            const auto lat = concurrent_latencies({[&] { return pl.init.access(0, false, 0x10000).latency; },
                                                   [&] { return pl.init.access(0, false, 0x10004).latency; }});
            ASSERT_EQ(lat.size(), 2u);
            EXPECT_EQ(lat[0], kWarmWalk);
            EXPECT_EQ(lat[1], kWarmWalk) << "the second miss completes with the walk it shares";
            EXPECT_EQ(pl.smmu.stats().streams.at(0).shared_walks, 1u);
        };
        sc_core::sc_start();
    });
}

// One access that asks how it was served (ServedExtension); returns the kinds counted for it.
static std::array<uint32_t, smmu::kServedKinds> served_access(Platform &pl, uint64_t addr, uint32_t sid = 0)
{
    tlm::tlm_generic_payload gp;
    uint32_t data = 0;
    smmu::StreamIdExtension ext(sid);
    smmu::ServedExtension info;
    info.served[0] = 99;                                   // the module clears what it does not set
    Initiator::prepare(gp, false, addr, data, &ext);
    gp.set_extension(&info);
    sc_time d = sc_core::SC_ZERO_TIME;
    (*pl.init.ports[0])->b_transport(gp, d);
    gp.clear_extension(&ext);
    gp.clear_extension(&info);
    sc_core::wait(d);
    std::array<uint32_t, smmu::kServedKinds> r;
    std::copy(std::begin(info.served), std::end(info.served), r.begin());
    return r;
}

static std::array<uint32_t, smmu::kServedKinds> one_of(smmu::Served s)
{
    std::array<uint32_t, smmu::kServedKinds> r{};
    r[(unsigned)s] = 1;
    return r;
}

// A miss that completes with a walk already in flight for its page is a shared walk, not a micro-TLB hit (the
// core's TLB holds the entry at once; in time it is not there yet). Every translation is exactly one kind, so
// the kinds add up to the translations.
TEST(SmmuScStats, SharedWalkIsItsOwnKindAndTheKindsAddUpToTheTranslations)
{
    run_sim([] {
        Platform pl(timing_params());
        pl.drv.setup = [&](Driver &d) { setup_s1(d, pl.pt, 8); d.write_ste(1, ste_bypass()); };
        pl.drv.program = [&](Driver &) {
            using smmu::Served;
            warm_config_cache(pl);                                    // 0x17000: a walk
            auto kinds = std::make_shared<std::vector<std::array<uint32_t, smmu::kServedKinds>>>();
            for (uint64_t a : {0x10000ull, 0x10004ull})
                sc_core::sc_spawn([&pl, kinds, a] { kinds->push_back(served_access(pl, a)); });
            sc_core::wait(sc_time(10, sc_core::SC_US));
            ASSERT_EQ(kinds->size(), 2u);
            std::sort(kinds->begin(), kinds->end());                  // the walk's array sorts first
            EXPECT_EQ((*kinds)[0], one_of(Served::Walk));
            EXPECT_EQ((*kinds)[1], one_of(Served::SharedWalk));
            EXPECT_EQ(served_access(pl, 0x10008), one_of(Served::MicroTlb));
            EXPECT_EQ(served_access(pl, kData, 1), one_of(Served::Bypass));
            EXPECT_EQ(served_access(pl, 0x90000), one_of(Served::Failed));   // not mapped: F_TRANSLATION, abort

            const smmu::TrafficStats &s = pl.smmu.stats().streams.at(0);
            EXPECT_EQ(s.translations, 5u);
            EXPECT_EQ(s.walks, 2u);
            EXPECT_EQ(s.shared_walks, 1u);
            EXPECT_EQ(s.utlb_hits, 1u) << "the shared walk is not a micro-TLB hit";
            EXPECT_EQ(s.failed(), 1u);
            uint64_t sum = 0;
            for (unsigned k = 0; k < smmu::kServedKinds; k++) sum += s.count((Served)k);
            EXPECT_EQ(sum, s.translations);
            const smmu::TrafficStats &b = pl.smmu.stats().streams.at(1);
            EXPECT_EQ(b.translations, 1u);
            EXPECT_EQ(b.bypassed, 1u);
            const smmu::TrafficStats &port = pl.smmu.stats().ports[0];
            EXPECT_EQ(port.translations, 6u);
            EXPECT_EQ(port.utlb_hits + port.main_tlb_hits + port.tcu_tlb_hits + port.shared_walks + port.walks +
                          port.bypassed + port.failed(), port.translations);
            const std::string js = pl.smmu.stats_json();
            EXPECT_NE(js.find("\"shared_walks\":1,"), std::string::npos) << js;
            EXPECT_NE(js.find("\"utlb_hits\":1,"), std::string::npos) << js;
        };
        sc_core::sc_start();
    });
}

TEST(SmmuScTiming, TemporallyDecoupledMissesContendAtTheirLocalTimes)
{
    // One walk slot. Miss A at local time +0 holds it from 12 ns to 12 + kWalkWork; miss B issued at local
    // time +100 ns (no sync in between) reaches the TCU at 112 ns and waits for A's walk to end.
    run_sim([] {
        smmu::Params p = timing_params();
        p.walk_slots = 1;
        Platform pl(p);
        pl.drv.setup = [&](Driver &d) { setup_s1(d, pl.pt, 8); };
        pl.drv.program = [&](Driver &) {
            warm_config_cache(pl);
            const sc_time t12(1 + 3 + 8, SC_NS);
            auto a = pl.init.access(0, false, 0x10000, 0, nullptr, sc_core::SC_ZERO_TIME, false);
            auto b = pl.init.access(0, false, 0x11000, 0, nullptr, sc_time(100, SC_NS), false);
            EXPECT_EQ(a.latency, kWarmWalk);
            EXPECT_EQ(b.latency, kWarmWalk + (t12 + kWalkWork - (sc_time(100, SC_NS) + t12)));
            auto c = pl.init.access(0, false, 0x12000, 0, nullptr, sc_time(2, sc_core::SC_US), false);
            EXPECT_EQ(c.latency, kWarmWalk) << "a miss after both walks does not wait";
        };
        sc_core::sc_start();
    });
}

TEST(SmmuScTiming, InvalidationThenMissWalksAgain)
{
    run_sim([] {
        Platform pl(timing_params());
        pl.drv.setup = [&](Driver &d) { setup_s1(d, pl.pt, 4); };
        pl.drv.program = [&](Driver &d) {
            sc_core::wait(sc_time(1, sc_core::SC_US));
            pl.init.access(0, false, 0x10000);
            EXPECT_EQ(pl.init.access(0, false, 0x10000).latency, kUtlbHit);
            d.submit({cmd::tlbi_nh_va(1, 0x10000), cmd::sync_sev()});
            EXPECT_EQ(pl.init.access(0, false, 0x10000).latency, kWarmWalk);
        };
        sc_core::sc_start();
    });
}

// Latency statistics are translation latencies: none can exceed the simulated time that has passed.
static void expect_latency_within(const smmu::Smmuv3 &s, sc_time since)
{
    const sc_time elapsed = sc_core::sc_time_stamp() - since;
    for (const auto &kv : s.stats().streams)
        EXPECT_LE(s.params().clock_period * (double)kv.second.latency.max(), elapsed) << "stream " << kv.first;
    for (const auto &ps : s.stats().ports) EXPECT_LE(s.params().clock_period * (double)ps.latency.max(), elapsed);
}

// Regression: table memory with a first-come-first-served port (10 ns occupancy + 50 ns latency per read) and
// one walk slot. Three misses arrive together from two LT threads on two ports and an AT initiator. Each walk
// starts when the previous one frees the slot and issues its reads then, so it finds the memory idle:
// walk work = 4 steps * 4 + 4 reads * 60 = 256 ns, latency = 1 + 3 + 8 + 256 + 8 = 276 ns, and the k-th waits
// k * 256 ns. (Reads issued at arrival instead queued behind the first walk's reads and the wait was counted
// again on top of the slot wait: 276, 722, 1358 ns, growing without bound under load.)
TEST(SmmuScTiming, BusyMemoryAndWalkSlotQueueingAreCountedOnce)
{
    run_sim([] {
        smmu::Params p = timing_params();
        p.num_ports = 2;
        p.walk_slots = 1;
        Platform pl(p);
        pl.tables.occupancy = sc_time(10, SC_NS);
        const sc_time walk_work(4 * 4 + 4 * 60, SC_NS), first(1 + 3 + 8 + 4 * 4 + 4 * 60 + 8, SC_NS);
        pl.drv.setup = [&](Driver &d) { setup_s1(d, pl.pt, 8); };
        pl.drv.program = [&](Driver &) {
            warm_config_cache(pl);
            const sc_time t0 = sc_core::sc_time_stamp();
            static smmu::StreamIdExtension sid0(0);
            const auto lat = concurrent_latencies({
                [&] { return pl.init.access(0, false, 0x10000).latency; },
                [&] { return pl.init.access(1, false, 0x11000, 0, &sid0).latency; },
                [&] { return pl.init.access_at(1, false, 0x12000, 0, &sid0).latency; }});
            ASSERT_EQ(lat.size(), 3u);
            for (int k = 0; k < 3; k++) EXPECT_EQ(lat[k], first + k * walk_work) << k;
            const auto &s = pl.smmu.stats();
            EXPECT_EQ(s.walk_slots_peak, 1u);
            EXPECT_EQ(s.streams.at(0).latency.max(), 276u + 2 * 256u);
            EXPECT_EQ(s.ports.at(1).latency.min(), 276u + 256u) << "port 1 had the second and third walks";
            expect_latency_within(pl.smmu, t0 - sc_time(1, sc_core::SC_US));
        };
        sc_core::sc_start();
    });
}

// N = 6 misses at once, 4 from LT threads and 2 from AT initiators on two ports, W = 2 walk slots, table reads
// 50 ns with no contention: the walks go in pairs, k-th pair waits k * kWalkWork (216 ns).
TEST(SmmuScTiming, ConcurrentLtAndAtMissesQueueForWalkSlots)
{
    run_sim([] {
        smmu::Params p = timing_params();
        p.num_ports = 2;
        Platform pl(p);
        static smmu::StreamIdExtension sid0(0);
        pl.drv.setup = [&](Driver &d) { setup_s1(d, pl.pt, 8); };
        pl.drv.program = [&](Driver &) {
            warm_config_cache(pl);
            const sc_time t0 = sc_core::sc_time_stamp();
            std::vector<std::function<sc_time()>> misses;
            for (int i = 0; i < 6; i++) {
                const uint64_t va = 0x10000 + 0x1000ull * i;
                const unsigned port = i % 2;
                if (i < 4) misses.push_back([&, va, port] { return pl.init.access(port, false, va, 0, &sid0).latency; });
                else misses.push_back([&, va, port] { return pl.init.access_at(port, false, va, 0, &sid0).latency; });
            }
            const auto lat = concurrent_latencies(misses);
            ASSERT_EQ(lat.size(), 6u);
            EXPECT_EQ(kWalkWork, sc_time(216, SC_NS));
            for (int k = 0; k < 6; k++) EXPECT_EQ(lat[k], kWarmWalk + (k / 2) * kWalkWork) << k;
            const auto &s = pl.smmu.stats();
            EXPECT_EQ(s.walk_slots_peak, 2u);
            EXPECT_EQ(s.tcu_slots_peak, 6u) << "all six wait in TCU slots";
            EXPECT_EQ(s.ports.at(0).slots_peak, 3u);
            EXPECT_EQ(s.ports.at(1).slots_peak, 3u);
            EXPECT_EQ(s.streams.at(0).walks, 7u);
            expect_latency_within(pl.smmu, t0);
        };
        sc_core::sc_start();
    });
}

// One walk slot. Initiator A (port 0) has run ahead to local time +1000 ns and reserved the slot from +1012 ns;
// initiator B (port 1) then misses at local time +0: the slot is free until +1012, so B does not wait for A.
// C (port 0, local +1100 ns) reaches the TCU at +1112 while A's walk holds the slot until +1012 + 216.
TEST(SmmuScTiming, TemporallyDecoupledMissUsesTheSlotBeforeAFutureReservation)
{
    run_sim([] {
        smmu::Params p = timing_params();
        p.num_ports = 2;
        p.walk_slots = 1;
        Platform pl(p);
        static smmu::StreamIdExtension sid0(0);
        pl.drv.setup = [&](Driver &d) { setup_s1(d, pl.pt, 8); };
        pl.drv.program = [&](Driver &) {
            warm_config_cache(pl);
            auto a = pl.init.access(0, false, 0x10000, 0, nullptr, sc_time(1000, SC_NS), false);
            auto b = pl.init.access(1, false, 0x11000, 0, &sid0, sc_core::SC_ZERO_TIME, false);
            auto c = pl.init.access(0, false, 0x12000, 0, nullptr, sc_time(1100, SC_NS), false);
            EXPECT_EQ(a.latency, kWarmWalk);
            EXPECT_EQ(b.latency, kWarmWalk) << "B fits before A's walk";
            EXPECT_EQ(c.latency, kWarmWalk + sc_time(1012 + 216 - 1112, SC_NS));
            EXPECT_EQ(pl.smmu.stats().walk_slots_peak, 1u);
        };
        sc_core::sc_start();
    });
}

// ---- Transactions that cross a page boundary: each page's part goes out with its own translation.

namespace {
struct Access {
    tlm::tlm_generic_payload gp;
    uint8_t buf[16] = {};
    Access(bool write, uint64_t addr, unsigned len, unsigned sw = 0) {
        gp.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
        gp.set_address(addr);
        gp.set_data_ptr(buf);
        gp.set_data_length(len);
        gp.set_streaming_width(sw ? sw : len);
        gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    }
    sc_time run(Initiator &init) {
        sc_time d = sc_core::SC_ZERO_TIME;
        (*init.ports[0])->b_transport(gp, d);
        sc_core::wait(d);
        return d;
    }
};
} // namespace

TEST(SmmuScSplit, CrossingTransactionIsTranslatedPerPage)
{
    run_sim([] {
        Platform pl(timing_params());
        pl.drv.setup = [&](Driver &d) {
            d.bringup();
            pl.pt.map(0x10000, kData);
            pl.pt.map(0x11000, kData + 0x5000);                  // not contiguous with the page before
            d.write_cd(kCd, cd_s1(kTables, 1));
            d.write_ste(0, ste_s1(kCd));
        };
        pl.drv.program = [&](Driver &d) {
            sc_core::wait(sc_time(1, sc_core::SC_US));
            Access w(true, 0x10FFC, 8);
            for (int i = 0; i < 8; i++) w.buf[i] = (uint8_t)(0x11 * (i + 1));
            // Both parts look up at once: the first fetches STE and CD and walks (cold), the second then finds
            // the configuration cached and walks in the other walk slot (warm); the write completes with the first.
            EXPECT_EQ(w.run(pl.init), kColdWalk);
            EXPECT_EQ(w.gp.get_response_status(), tlm::TLM_OK_RESPONSE);
            EXPECT_EQ(w.gp.get_address(), 0x10FFCu);
            EXPECT_EQ(w.gp.get_data_length(), 8u);
            EXPECT_EQ(w.gp.get_data_ptr(), w.buf);
            EXPECT_EQ(pl.data.r32(kData + 0xFFC), 0x44332211u);
            EXPECT_EQ(pl.data.r32(kData + 0x5000), 0x88776655u);
            EXPECT_EQ(pl.data.r32(kData + 0x1000), 0u) << "nothing written through the first page's translation";
            Access r(false, 0x10FFC, 8);
            EXPECT_EQ(r.run(pl.init), kUtlbHit) << "both pages in the uTLB, looked up together";
            EXPECT_EQ(std::memcmp(r.buf, w.buf, 8), 0);
            const auto &s = pl.smmu.stats().streams.at(0);
            EXPECT_EQ(s.transactions, 2u);
            EXPECT_EQ(s.translations, 4u);
            EXPECT_EQ(s.bytes, 16u);
            EXPECT_EQ(s.walks, 2u);

            // Byte enables {on, off, off} repeat over the data: bytes 0, 3 and 6 are written. The second part
            // starts at byte 2, so its pattern is rotated.
            Access b(true, 0x10FFE, 8);
            for (int i = 0; i < 8; i++) b.buf[i] = (uint8_t)(0xA0 + i);
            unsigned char be[3] = {TLM_BYTE_ENABLED, TLM_BYTE_DISABLED, TLM_BYTE_DISABLED};
            b.gp.set_byte_enable_ptr(be);
            b.gp.set_byte_enable_length(3);
            b.run(pl.init);
            EXPECT_EQ(b.gp.get_response_status(), tlm::TLM_OK_RESPONSE);
            EXPECT_EQ(b.gp.get_byte_enable_ptr(), be);
            EXPECT_EQ(pl.data.r32(kData + 0xFFC), 0x44A02211u) << "byte 0 at 0xFFE, 0xFFF kept";
            EXPECT_EQ(pl.data.r32(kData + 0x5000), 0x8877A355u) << "byte 3 at 0x5001";
            EXPECT_EQ(pl.data.r32(kData + 0x5004), 0xA6u) << "byte 6 at 0x5004";

            // A part that faults aborts the transaction: 0x12000 is not mapped.
            Access f(false, 0x11FFC, 8);
            f.run(pl.init);
            EXPECT_EQ(f.gp.get_response_status(), tlm::TLM_ADDRESS_ERROR_RESPONSE);
            auto ev = d.pop_events();
            ASSERT_EQ(ev.size(), 1u);
            EXPECT_EQ(ev[0][0] & 0xFF, 0x10u);                    // F_TRANSLATION
            EXPECT_EQ(ev[0][2], 0x12000u) << "InputAddr of the second part";

            // A streaming window straddling 4 KiB cannot be split.
            Access st(false, 0x10FFE, 8, 4);
            st.run(pl.init);
            EXPECT_EQ(st.gp.get_response_status(), tlm::TLM_BURST_ERROR_RESPONSE);
        };
        sc_core::sc_start();
    });
}

TEST(SmmuScStall, StalledTransactionWaitsForResumeThenRetries)
{
    run_sim([] {
        Platform pl(timing_params());
        sc_time done_at;
        Initiator::Result res{};
        pl.drv.setup = [&](Driver &d) { setup_s1_stalling(d, pl.pt, 4); };
        pl.drv.program = [&](Driver &d) {
            sc_core::wait(sc_time(1, sc_core::SC_US));
            sc_core::sc_spawn([&] {
                res = pl.init.access(0, true, 0x20010, 0x77);     // unmapped page
                done_at = sc_core::sc_time_stamp() + res.latency;
            });
            sc_core::wait(sc_time(1, sc_core::SC_US));
            auto ev = d.pop_events();
            ASSERT_EQ(ev.size(), 1u);
            EXPECT_EQ(ev[0][0] & 0xFF, 0x10u);                    // F_TRANSLATION
            EXPECT_EQ((ev[0][1] >> 31) & 1, 1u) << "Stall";
            EXPECT_EQ(ev[0][2], 0x20010u) << "InputAddr";
            EXPECT_EQ(pl.data.writes, 0u) << "the stalled write has not been performed";
            pl.pt.map(0x20000, kData + 0x5000);
            const sc_time resumed = sc_core::sc_time_stamp();
            d.submit({{0x44 | 1ull << 12, ev[0][1] & 0xFFFF}, cmd::sync_sev()});   // CMD_RESUME, Retry
            sc_core::wait(sc_time(1, sc_core::SC_US));
            EXPECT_EQ(res.status, tlm::TLM_OK_RESPONSE);
            EXPECT_EQ(pl.data.r32(kData + 0x5010), 0x77u);
            EXPECT_GT(done_at, resumed);
            EXPECT_EQ(pl.smmu.stats().streams.at(0).stalls, 1u);
        };
        sc_core::sc_start();
    });
}

// 7.2.1, 6.3.9.6: a stall whose record the disabled Event queue cannot take stays stalled (no abort); the record
// appears when EVENTQEN is set again; clearing SMMUEN then ends the stalled access with an abort, with no command.
TEST(SmmuScModule, StallWaitsForTheEventQueueAndEndsWhenSmmuenClears)
{
    run_sim([] {
        Platform pl(timing_params());
        Initiator::Result res{};
        bool done = false;
        pl.drv.setup = [&](Driver &d) { setup_s1_stalling(d, pl.pt, 4); };
        pl.drv.program = [&](Driver &d) {
            sc_core::wait(sc_time(1, sc_core::SC_US));
            d.cr0(0x9);                                           // EVENTQEN off
            sc_core::sc_spawn([&] {
                res = pl.init.access(0, true, 0x20010, 0x77);     // unmapped page
                done = true;
            });
            sc_core::wait(sc_time(1, sc_core::SC_US));
            EXPECT_FALSE(done) << "stalled, not aborted";
            EXPECT_TRUE(d.pop_events().empty());
            d.cr0(0xD);                                           // EVENTQEN on: the record is written
            auto ev = d.pop_events();
            ASSERT_EQ(ev.size(), 1u);
            EXPECT_EQ(ev[0][0] & 0xFF, 0x10u);                    // F_TRANSLATION
            EXPECT_EQ((ev[0][1] >> 31) & 1, 1u) << "Stall";
            sc_core::wait(sc_time(1, sc_core::SC_US));
            EXPECT_FALSE(done);
            d.cr0(0xC);                                           // SMMUEN off: every stall terminates
            sc_core::wait(sc_time(1, sc_core::SC_US));
            EXPECT_TRUE(done);
            EXPECT_NE(res.status, tlm::TLM_OK_RESPONSE);
            EXPECT_EQ(pl.data.writes, 0u);
        };
        sc_core::sc_start();
    });
}

// Every preset builds a valid core, and its YAML twin in configs/presets (what smmu-sim loads; keys of a scenario's
// smmu: block, a key left out comes from the preset named by `preset:`) carries the same key values.
TEST(SmmuScParams, PresetsMatchTheirYamlAndBuildValidCores)
{
    struct Preset { const char *file; smmu::Params p; };
    const Preset presets[] = {{"mmu600.yaml", smmu::Params::mmu600()}, {"mmu700.yaml", smmu::Params::mmu700()},
                              {"gem5_default.yaml", smmu::Params::gem5_default()}};
    std::function<std::map<std::string, std::string>(const std::string &)> yaml = [&yaml](const std::string &file) {
        std::map<std::string, std::string> kv;     // "section.key" -> value (first two levels only)
        FILE *f = std::fopen((std::string(SMMU_SOURCE_DIR "/configs/presets/") + file).c_str(), "r");
        EXPECT_NE(f, nullptr) << file;
        if (!f) return kv;
        char line[512];
        std::string section;
        while (std::fgets(line, sizeof line, f)) {
            std::string l(line);
            l = l.substr(0, l.find('#'));
            size_t colon = l.find(':');
            if (colon == std::string::npos) continue;
            size_t indent = l.find_first_not_of(' ');
            std::string key = l.substr(indent, colon - indent);
            std::string val = l.substr(colon + 1);
            val.erase(0, val.find_first_not_of(' '));
            val.erase(val.find_last_not_of(" \n\r") + 1);
            if (indent == 0) section = val.empty() ? key : "";
            kv[indent == 0 ? key : section + "." + key] = val;
        }
        std::fclose(f);
        if (kv.count("preset")) {
            auto base = yaml(kv["preset"] + ".yaml");
            for (auto &b : base) kv.insert(b);
        }
        return kv;
    };
    for (const Preset &pr : presets) {
        auto kv = yaml(pr.file);
        const smmu::Params &p = pr.p;
        EXPECT_EQ(kv["tbu.slots"], std::to_string(p.tbu_slots)) << pr.file;
        EXPECT_EQ(kv["tcu.slots"], std::to_string(p.tcu_slots)) << pr.file;
        EXPECT_EQ(kv["tcu.walk_slots"], std::to_string(p.walk_slots)) << pr.file;
        EXPECT_EQ(kv["tcu.walk_step_cycles"], std::to_string(p.core.walk_step_cycles)) << pr.file;
        EXPECT_EQ(kv["tcu.cfg_fetch_cycles"], std::to_string(p.core.cfg_fetch_cycles)) << pr.file;
        EXPECT_EQ(kv["link.tbu_to_tcu"], std::to_string(p.core.link_tbu_to_tcu)) << pr.file;
        EXPECT_EQ(kv["link.tcu_to_tbu"], std::to_string(p.core.link_tcu_to_tbu)) << pr.file;
        EXPECT_EQ(kv["tcu.cmd_cycles"], std::to_string(p.core.cmd_cycles)) << pr.file;
        EXPECT_EQ(kv["tcu.tlbi_cycles"], std::to_string(p.core.tlbi_cycles)) << pr.file;
        EXPECT_EQ(kv["arch.stall_model"], std::to_string(p.core.stall_model)) << pr.file;
        EXPECT_EQ(kv["arch.cmdqs"], std::to_string(p.core.cmdqs)) << pr.file;
        EXPECT_EQ(kv["arch.arch_minor"], std::to_string(p.core.arch_minor)) << pr.file;
        EXPECT_EQ(std::stoul(kv["arch.iidr"], nullptr, 0), p.core.iidr) << pr.file;
        EXPECT_EQ(kv["clock"], std::to_string((int)(1 / p.clock_period.to_seconds() / 1e9 + 0.5)) + "GHz") << pr.file;
        EXPECT_EQ(kv["tcu.walk_cache_unified"], p.core.walk_cache_unified ? "true" : "false") << pr.file;
        if (kv.count("arch.fwb")) { EXPECT_EQ(kv["arch.fwb"], p.core.fwb ? "true" : "false") << pr.file; }
        if (kv.count("arch.stall_max")) { EXPECT_EQ(kv["arch.stall_max"], std::to_string(p.core.stall_max)) << pr.file; }
        smmu_host_t host{nullptr, [](void *, uint64_t, void *, size_t) { return -1; },
                         [](void *, uint64_t, const void *, size_t) { return -1; }, nullptr, nullptr, nullptr};
        smmu_config_t c = p.core;
        c.num_ports = p.num_ports;
        char err[256] = "";
        smmu_t *core = smmu_create(&c, &host, err, sizeof err);
        EXPECT_NE(core, nullptr) << pr.file << ": " << err;
        if (core) {
            EXPECT_EQ((uint32_t)smmu_reg_read(core, 0x18, 4), p.core.iidr) << pr.file;
        }
        smmu_destroy(core);
    }
    EXPECT_EQ(smmu::Params().core.iidr, smmu::Params::mmu700().core.iidr) << "the default is MMU-700-like";
}

int main(int argc, char **argv)
{
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
