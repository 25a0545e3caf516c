// SPDX-License-Identifier: BSD-3-Clause
// PMCG 0 (IHI 0070 chapter 10) through smmu_pmcg_reg_read/write: each architected event counts what 10.3 says
// for real StreamIDs and translations, SMMU_PMCG_SMR StreamID filtering (exact, SID_SPAN, all), CR.E and
// CNTENSET/CLR, overflow with the wired interrupt and with the MSI, capture, reset and ID registers, and the
// register sequence of Linux's arm_smmuv3_pmu driver at probe and for `perf stat`.
#include "e2e_util.h"

#include <functional>

namespace {

// SMMU_PMCG_* offsets (10.5.1); page 1 is at +0x10000.
constexpr uint64_t P1 = 0x10000;
constexpr uint64_t EVCNTR = 0x000, EVTYPER = 0x400, SVR = 0x600, SMR = 0xA00, CNTENSET0 = 0xC00, CNTENCLR0 = 0xC20,
                   INTENSET0 = 0xC40, INTENCLR0 = 0xC60, OVSCLR0 = 0xC80, OVSSET0 = 0xCC0, CAPR = 0xD88, SCR = 0xDF8,
                   CFGR = 0xE00, CR = 0xE04, IIDR = 0xE08, CEID0 = 0xE20, CEID1 = 0xE28, ROOTCR = 0xE48,
                   IRQ_CTRL = 0xE50, IRQ_CTRLACK = 0xE54, IRQ_CFG0 = 0xE58, IRQ_CFG1 = 0xE60, IRQ_CFG2 = 0xE64,
                   IRQ_STATUS = 0xE68, AIDR = 0xE70;
constexpr uint32_t SPAN = 1u << 29, OVFCAP = 1u << 31;
constexpr uint64_t VA_A = 0x7F0000'1000, VA_B = 0x7F0000'2000;

struct Pmcg : e2e::Rig {
    e2e::Tables tables{mem};

    uint64_t pr(uint64_t off, unsigned size = 4) { return smmu_pmcg_reg_read(smmu, off, size); }
    void pw(uint64_t off, uint64_t v, unsigned size = 4) { smmu_pmcg_reg_write(smmu, off, v, size); }
    uint64_t ctrs() const { return cfg.pmcg_reloc_ctrs ? P1 : 0; }     // page of EVCNTR, SVR, OVS, CAPR
    unsigned stride() const { return cfg.pmcg_counter_bits > 32 ? 8 : 4; }
    uint64_t max() const { return cfg.pmcg_counter_bits >= 64 ? ~0ull : (1ull << cfg.pmcg_counter_bits) - 1; }
    uint64_t counter(unsigned n) { return pr(ctrs() + EVCNTR + n * stride(), stride()); }
    void set_counter(unsigned n, uint64_t v) { pw(ctrs() + EVCNTR + n * stride(), v, stride()); }
    uint64_t shadow(unsigned n) { return pr(ctrs() + SVR + n * stride(), stride()); }
    // Counter n counts `event` (EVTYPER filter bits in `bits`) and is enabled; counting starts with CR.E.
    void count(unsigned n, unsigned event, uint32_t bits = 0) {
        pw(EVTYPER + 4 * n, event | bits);
        pw(CNTENSET0, 1ull << n, 8);
    }
    void filter_all() { pw(EVTYPER, pr(EVTYPER) | SPAN); pw(SMR, 0xFFFFFFFF); }

    uint64_t cd_at(uint32_t sid) { return th::kCdBase + sid * 64ull; }
    uint64_t s1_stream(uint32_t sid) {
        uint64_t ttb = tables.alloc();
        write_cd(cd_at(sid), stu::linux_cd(ttb, sid).q);
        install(sid, stu::linux_s1(cd_at(sid)).q);
        return ttb;
    }
    void bypass_streams(uint32_t lo, uint32_t hi) {
        for (uint32_t sid = lo; sid <= hi; sid++) write_ste(sid, th::ste::bypass());
        submit({th::cmd::cfgi_all()});
        sync();
    }
};

TEST_F(Pmcg, ResetValuesAndIdRegistersAreTheMmu700TcuPmcgs)
{
    create();
    // NCTR 3 (four counters), SIZE 31 (32 bits), RELOC_CTRS, no MSI, CAPTURE, SID_FILTER_TYPE 1.
    EXPECT_EQ(pr(CFGR), 0x00D01F03u);
    EXPECT_EQ(pr(CR), 0u);
    EXPECT_EQ(pr(IIDR), 0x4870043Bu);
    EXPECT_EQ(pr(CEID0, 8), 0xFFu) << "events 0-5, and 6-7 with ATS (IDR0.ATS by default)";
    EXPECT_EQ(pr(CEID1, 8), 0u);
    EXPECT_EQ(pr(AIDR), 2u) << "SMMUv3.2 PMCG";
    EXPECT_EQ(pr(IRQ_CTRL), 0u);
    EXPECT_EQ(pr(IRQ_CTRLACK), 0u);
    for (unsigned n = 0; n < 4; n++) {
        EXPECT_EQ(counter(n), 0u);
        EXPECT_EQ(pr(EVTYPER + 4 * n), 0u);
    }
    EXPECT_EQ(pr(CNTENSET0, 8) | pr(INTENSET0, 8) | pr(P1 + OVSSET0, 8), 0u);
    // No Secure state, Realm state, MSI or MPAM: SCR, ROOTCR, IRQ_CFG*, IRQ_STATUS are RAZ/WI.
    for (uint64_t off : {SCR, ROOTCR, IRQ_CFG0, IRQ_CFG1, IRQ_CFG2, IRQ_STATUS}) {
        pw(off, 0xFFFFFFFF);
        EXPECT_EQ(pr(off), 0u) << std::hex << off;
    }
    // CoreSight block (10.5.2.29): PMDEVARCH, PMDEVTYPE, CIDR, and PIDRs that rebuild IIDR as Linux does.
    EXPECT_EQ(pr(0xFBC), 0x47702A56u);
    EXPECT_EQ(pr(0xFCC), 0x56u);
    EXPECT_EQ(pr(0xFF0), 0x0Du);
    EXPECT_EQ(pr(0xFF4), 0x90u);
    EXPECT_EQ(pr(0xFF8), 0x05u);
    EXPECT_EQ(pr(0xFFC), 0xB1u);
    uint32_t p0 = (uint32_t)pr(0xFE0), p1 = (uint32_t)pr(0xFE4), p2 = (uint32_t)pr(0xFE8), p3 = (uint32_t)pr(0xFEC),
             p4 = (uint32_t)pr(0xFD0);
    uint32_t product = (p0 & 0xFF) | (p1 & 0xF) << 8, implementer = (p1 >> 4) | (p2 & 7) << 4 | (p4 & 0xF) << 8;
    EXPECT_EQ(product << 20 | (p2 >> 4) << 16 | (p3 >> 4) << 12 | implementer, 0x4870043Bu);
    // RELOC_CTRS: page 0's counter, OVS and CAPR locations are RES0; page 1 holds them.
    pw(EVCNTR, 0x1234);
    EXPECT_EQ(pr(EVCNTR), 0u);
    EXPECT_EQ(counter(0), 0u);
    set_counter(0, 0x1234);
    EXPECT_EQ(pr(EVCNTR), 0u);
    EXPECT_EQ(counter(0), 0x1234u);
    // Registers of counters beyond NCTR, SMR1.. under the global filter, page 1 outside the counters: RES0.
    pw(EVTYPER + 4 * 4, 1);
    EXPECT_EQ(pr(EVTYPER + 4 * 4), 0u);
    pw(SMR + 4, 0x42);
    EXPECT_EQ(pr(SMR + 4), 0u);
    pw(P1 + CR, 1);
    EXPECT_EQ(pr(CR), 0u);
    // Misaligned or odd-sized accesses are RAZ/WI.
    pw(SMR + 2, 0x42, 4);
    EXPECT_EQ(pr(SMR), 0u);
    EXPECT_EQ(pr(CFGR + 2, 4), 0u);
    EXPECT_EQ(pr(CFGR, 2), 0u);
}

TEST_F(Pmcg, CfgrFollowsTheConfigurationAndNoCountersMeansNoFrame)
{
    cfg.pmcg_counters = 64;
    cfg.pmcg_counter_bits = 48;
    cfg.pmcg_sid_filter_global = false;
    cfg.pmcg_capture = false;
    cfg.pmcg_msi = true;
    cfg.pmcg_reloc_ctrs = false;
    cfg.ats = true;
    create();
    EXPECT_EQ(pr(CFGR), 1u << 21 | 47u << 8 | 63u);
    EXPECT_EQ(pr(CEID0, 8), 0xFFu);
    set_counter(63, 0xFFFF'FFFF'FFFF'FFFFull);
    EXPECT_EQ(pr(EVCNTR + 63 * 8, 8), 0xFFFF'FFFF'FFFFull) << "48-bit counters on an 8-byte stride";
    EXPECT_EQ(pr(P1 + EVCNTR + 63 * 8, 8), 0u) << "no page 1";
    pw(CAPR, 1);
    EXPECT_EQ(pr(SVR + 63 * 8, 8), 0u) << "no capture: SVRs are RES0";
    pw(EVTYPER, 0xFFFFFFFF);
    EXPECT_EQ(pr(EVTYPER), SPAN | 0xFFFFu) << "OVFCAP is RES0 without capture; no Secure or MPAM filter bits";
    smmu_destroy(smmu);
    smmu = nullptr;
    cfg.pmcg_counters = 0;
    create();
    for (uint64_t off : {CFGR, CR, IIDR, CEID0, AIDR, uint64_t(0xFBC)}) EXPECT_EQ(pr(off), 0u) << std::hex << off;
}

TEST_F(Pmcg, ConfigCheckRefusesWhatCfgrCannotEncode)
{
    struct Bad { uint8_t counters, bits; const char *msg; };
    const Bad bad[] = {
        {65, 32, "pmcg_counters 65: at most 64 (SMMU_PMCG_CFGR.NCTR)"},
        {4, 33, "pmcg_counter_bits 33: must be 32, 36, 40, 44, 48 or 64 (SMMU_PMCG_CFGR.SIZE)"},
        {4, 0, "pmcg_counter_bits 0: must be 32, 36, 40, 44, 48 or 64 (SMMU_PMCG_CFGR.SIZE)"},
    };
    for (const Bad &b : bad) {
        smmu_config_t c;
        smmu_config_default(&c);
        c.pmcg_counters = b.counters;
        c.pmcg_counter_bits = b.bits;
        char err[200] = "";
        EXPECT_FALSE(smmu_config_check(&c, err, sizeof err));
        EXPECT_STREQ(err, b.msg);
    }
}

// One counter per architected event, no filter; each step's increments are what 10.3 defines.
TEST_F(Pmcg, EachArchitectedEventCountsWhatItNames)
{
    cfg.pmcg_counters = 8;
    cfg.ats = true;
    bringup();
    uint64_t ttb = s1_stream(1);
    tables.map(ttb, VA_A, 0x8000'5000, e2e::kPageS1);
    tables.map(ttb, VA_B, 0x8000'6000, e2e::kPageS1);
    bypass_streams(3, 3);
    for (unsigned e = 0; e < 8; e++) count(e, e);
    filter_all();
    pw(CR, 1);
    ASSERT_EQ(smmu->pmcg.live, 0xFFu);

    constexpr int64_t X = -1;   // not asserted
    struct Step { const char *what; std::function<smmu_result_t()> act; std::array<int64_t, 8> want; };
    auto translated = [&](uint32_t sid, uint64_t addr) {
        smmu_txn_t t{};
        t.sid = sid;
        t.addr = addr;
        t.at = SMMU_AT_TRANSLATED;
        smmu_result_t r{};
        smmu_translate(smmu, &t, &r);
        return r;
    };
    const Step steps[] = {
        // events:                                                           0  1  2  3  4  5  6  7
        {"cold stage-1 transaction: STE+CD fetch, 4-level walk", [&] { return xlate(1, VA_A); }, {0, 1, 1, 1, 4, 2, 0, 0}},
        {"micro-TLB hit", [&] { return xlate(1, VA_A + 8); },                                    {0, 1, 0, 0, 0, 0, 0, 0}},
        {"TLB miss, configuration cached, walk cache hit", [&] { return xlate(1, VA_B); },       {0, 1, 1, 0, 1, 0, 0, 0}},
        {"configuration-cache miss after CFGI_STE, TLB hit",
         [&] { submit({th::cmd::cfgi_ste(1)}); sync(); return xlate(1, VA_A); },                 {0, 1, 0, 1, 0, 2, 0, 0}},
        {"terminated: translation fault", [&] { return xlate(1, 0x7F0000'9000); },               {0, 1, 1, 0, 1, 0, 0, 0}},
        {"terminated: abort STE", [&] { return xlate(2, VA_A); },                                {0, 1, 0, 1, 0, 1, 0, 0}},
        {"terminated: StreamID beyond the table", [&] { return xlate(0x4321, VA_A); },           {0, 1, 0, 0, 0, 0, 0, 0}},
        {"bypass STE, cold", [&] { return xlate(3, 0x1000); },                                   {0, 1, 0, 1, 0, 1, 0, 0}},
        {"bypass STE, TBU context hit", [&] { return xlate(3, 0x2000); },                        {0, 1, 0, 0, 0, 0, 0, 0}},
        {"PCIe ATS Translated transaction", [&] { return translated(3, 0x3000); },                {0, 1, X, X, X, X, 0, 1}},
        {"debug translation counts nothing",
         [&] { smmu_txn_t t{}; t.sid = 1; t.addr = VA_B + 0x10000; smmu_result_t r{};
               smmu_translate_debug(smmu, &t, &r); return r; },                                  {0, 0, 0, 0, 0, 0, 0, 0}},
        {"ATS Translation Request (smmu_ats_translate)",
         [&] { smmu_txn_t t{}; t.sid = 1; t.addr = VA_A; smmu_ats_result_t a{};
               smmu_ats_translate(smmu, &t, &a); return smmu_result_t{}; },                      {0, 1, X, X, X, X, 1, 0}},
        {"clock cycles", [&] { smmu_pmcg_advance(smmu, 1000); return smmu_result_t{}; },          {1000, 0, 0, 0, 0, 0, 0, 0}},
    };
    for (const Step &s : steps) {
        uint64_t before[8], after[8];
        for (unsigned e = 0; e < 8; e++) before[e] = counter(e);
        smmu_result_t r = s.act();
        for (unsigned e = 0; e < 8; e++) after[e] = counter(e);
        for (unsigned e = 0; e < 8; e++)
            if (s.want[e] != X) { EXPECT_EQ(after[e] - before[e], (uint64_t)s.want[e]) << s.what << ": event " << e; }
        if (s.want[4] != X && s.want[1]) {   // the walker's and the configuration fetch's reads are all the reads
            EXPECT_EQ((after[4] - before[4]) + (after[5] - before[5]), r.mem_reads) << s.what;
        }
    }
}

// SMMU_PMCG_SMRn with FILTER_SID_SPAN (10.4): one counter per filter, transactions from real StreamIDs.
TEST_F(Pmcg, SmrFiltersExactSidSpansAndAll)
{
    cfg.pmcg_counters = 8;
    cfg.pmcg_sid_filter_global = false;
    bringup();
    bypass_streams(0, 0xFF);
    struct Case { const char *what; bool span; uint32_t smr, reads; std::vector<uint32_t> counted; };
    const std::vector<uint32_t> sids = {0x00, 0x3F, 0x40, 0x42, 0x43, 0x44, 0x4F, 0x50, 0xFF, 0x1234};
    const Case cases[] = {
        {"ExactSID 0x42", false, 0x42, 0x42, {0x42}},
        {"ExactSID beyond the stream table (C_BAD_STREAMID, terminated)", false, 0x1234, 0x1234, {0x1234}},
        {"PartialSID 0x42: bit 0 ignored", true, 0x42, 0x42, {0x42, 0x43}},
        {"PartialSID 0x47: bits [3:0] ignored", true, 0x47, 0x47, {0x40, 0x42, 0x43, 0x44, 0x4F}},
        {"PartialSID 0x3F: bits [6:0] ignored", true, 0x3F, 0x3F, {0x00, 0x3F, 0x40, 0x42, 0x43, 0x44, 0x4F, 0x50}},
        {"AllSIDOneSECSID: MSB clear, the rest ones", true, 0x7FFF, 0x7FFF, sids},
        {"AllSIDManySECSID: all implemented bits", true, 0xFFFF, 0xFFFF, sids},
        {"Linux's match-all 0xFFFFFFFF reads back as the 16 implemented bits", true, 0xFFFFFFFF, 0xFFFF, sids},
    };
    unsigned n = 0;
    for (const Case &c : cases) {
        count(n, 1, c.span ? SPAN : 0);
        pw(SMR + 4 * n, c.smr);
        EXPECT_EQ(pr(SMR + 4 * n), c.reads) << c.what;
        n++;
    }
    pw(CR, 1);
    for (uint32_t sid : sids) xlate(sid, 0x1000);
    n = 0;
    for (const Case &c : cases) EXPECT_EQ(counter(n++), c.counted.size()) << c.what;
}

// SID_FILTER_TYPE == 1: SMR0 and EVTYPER0's filter fields serve every counter (10.4); EVTYPERx.SPAN, SMRx RES0.
TEST_F(Pmcg, GlobalFilterAppliesCounter0sFilterToAll)
{
    bringup();
    bypass_streams(0x40, 0x44);
    count(0, 1);
    pw(SMR, 0x42);
    count(1, 1, SPAN);
    pw(SMR + 4, 0xFFFF);
    EXPECT_EQ(pr(EVTYPER + 4), 1u) << "FILTER_SID_SPAN of EVTYPER1 is RES0";
    EXPECT_EQ(pr(SMR + 4), 0u);
    count(2, 0);
    pw(CR, 1);
    for (uint32_t sid = 0x40; sid <= 0x44; sid++) xlate(sid, 0x1000);
    EXPECT_EQ(counter(0), 1u);
    EXPECT_EQ(counter(1), 1u) << "counter 1 uses SMR0's exact match";
    smmu_pmcg_advance(smmu, 7);
    EXPECT_EQ(counter(2), 7u) << "the clock-cycle event is never filtered";
    pw(EVTYPER, 1 | SPAN);
    pw(SMR, 0x42);                     // bit 0 ignored: 0x42 and 0x43
    for (uint32_t sid = 0x40; sid <= 0x44; sid++) xlate(sid, 0x1000);
    EXPECT_EQ(counter(0), 3u);
    EXPECT_EQ(counter(1), 3u);
}

TEST_F(Pmcg, CrEAndCntenGateCounting)
{
    bringup();
    bypass_streams(7, 7);
    filter_all();
    count(0, 1, SPAN);
    count(1, 1);
    xlate(7, 0x1000);
    EXPECT_EQ(counter(0) + counter(1), 0u) << "CR.E == 0: nothing counts";
    EXPECT_EQ(smmu->pmcg.live, 0u) << "and the translation path does not even look";
    pw(CR, 1);
    EXPECT_EQ(pr(CR), 1u);
    xlate(7, 0x1000);
    EXPECT_EQ(counter(0), 1u);
    EXPECT_EQ(counter(1), 1u);
    pw(CNTENCLR0, 2, 8);
    EXPECT_EQ(pr(CNTENSET0, 8), 1u);
    EXPECT_EQ(pr(CNTENCLR0, 8), 1u);
    xlate(7, 0x1000);
    EXPECT_EQ(counter(0), 2u);
    EXPECT_EQ(counter(1), 1u) << "a disabled counter keeps its value";
    pw(CR, 0);
    xlate(7, 0x1000);
    EXPECT_EQ(counter(0), 2u);
    EXPECT_EQ(smmu->pmcg.live, 0u);
    pw(CNTENSET0, 0xFF, 8);
    EXPECT_EQ(pr(CNTENSET0, 8), 0xFu) << "enables beyond the four counters are RES0";
    pw(CNTENSET0 + 4, 1, 4);
    EXPECT_EQ(pr(CNTENSET0, 8), 0xFu) << "a 32-bit write to the upper half sets only bit 32 (RES0 here)";
    pw(EVTYPER + 8, 0x80);
    pw(EVTYPER + 12, 0x81);
    pw(CR, 1);
    EXPECT_EQ(smmu->pmcg.live, 0x2u) << "an unsupported event number (not in CEID) counts nothing";
}

// 10.2.1: the carry out sets OVS and, with INTEN and IRQEN, pulses SMMU_IRQ_PMCG; counting goes on.
class PmcgOverflow : public Pmcg, public ::testing::WithParamInterface<int> {};

TEST_P(PmcgOverflow, WrapsSetsOvsAndRaisesTheWiredInterrupt)
{
    cfg.pmcg_counter_bits = (uint8_t)GetParam();
    bringup();
    bypass_streams(9, 9);
    filter_all();
    count(0, 1, SPAN);
    pw(INTENSET0, 1, 8);
    pw(IRQ_CTRL, 1);
    EXPECT_EQ(pr(IRQ_CTRLACK), 1u);
    pw(CR, 1);
    set_counter(0, max() - 1);
    xlate(9, 0x1000);
    EXPECT_EQ(counter(0), max());
    EXPECT_EQ(pr(P1 + OVSSET0, 8), 0u);
    EXPECT_EQ(mem.irq_edges[SMMU_IRQ_PMCG], 0u);
    xlate(9, 0x1000);
    EXPECT_EQ(counter(0), 0u);
    EXPECT_EQ(pr(P1 + OVSSET0, 8), 1u);
    EXPECT_EQ(pr(P1 + OVSCLR0, 8), 1u);
    EXPECT_EQ(pr(OVSSET0, 8), 0u) << "page 0's OVS location is RES0 with RELOC_CTRS";
    EXPECT_EQ(mem.irq_edges[SMMU_IRQ_PMCG], 1u);
    xlate(9, 0x1000);
    EXPECT_EQ(counter(0), 1u) << "an overflow does not stop the counter";
    pw(P1 + OVSCLR0, 1, 8);
    EXPECT_EQ(pr(P1 + OVSSET0, 8), 0u);
    // Without INTEN, or with IRQEN clear: OVS only.
    pw(INTENCLR0, 1, 8);
    EXPECT_EQ(pr(INTENSET0, 8), 0u);
    set_counter(0, max());
    xlate(9, 0x1000);
    EXPECT_EQ(pr(P1 + OVSSET0, 8), 1u);
    pw(INTENSET0, 1, 8);
    pw(IRQ_CTRL, 0);
    set_counter(0, max());
    xlate(9, 0x1000);
    EXPECT_EQ(mem.irq_edges[SMMU_IRQ_PMCG], 1u);
    // OVSSET by software: no interrupt.
    pw(IRQ_CTRL, 1);
    pw(P1 + OVSSET0, 0x3, 8);
    EXPECT_EQ(pr(P1 + OVSSET0, 8), 0x3u);
    EXPECT_EQ(mem.irq_edges[SMMU_IRQ_PMCG], 1u);
    // A cycle-count advance larger than the counter still wraps once, with one interrupt.
    pw(EVTYPER, 0 | SPAN);
    set_counter(0, 5);
    smmu_pmcg_advance(smmu, max());
    EXPECT_EQ(counter(0), 4u);
    EXPECT_EQ(mem.irq_edges[SMMU_IRQ_PMCG], 2u);
}

INSTANTIATE_TEST_SUITE_P(CounterSizes, PmcgOverflow, ::testing::Values(32, 36, 48, 64));

TEST_F(Pmcg, OverflowSendsTheMsiOfIrqCfg)
{
    cfg.pmcg_msi = true;
    bringup();
    bypass_streams(9, 9);
    filter_all();
    EXPECT_EQ(pr(CFGR) >> 21 & 1, 1u);
    pw(IRQ_CFG0, 0x0000'0000'8000'0043ull, 8);
    pw(IRQ_CFG1, 0xABCD);
    pw(IRQ_CFG2, 0xFF);
    EXPECT_EQ(pr(IRQ_CFG0, 8), 0x8000'0040u) << "ADDR[55:2]";
    EXPECT_EQ(pr(IRQ_CFG1), 0xABCDu);
    EXPECT_EQ(pr(IRQ_CFG2), 0x3Fu) << "SH[5:4], MemAttr[3:0]";
    count(0, 1, SPAN);
    pw(INTENSET0, 1, 8);
    pw(IRQ_CTRL, 1);
    pw(IRQ_CFG0, 0x9000'0000, 8);
    pw(IRQ_CFG1, 1);
    EXPECT_EQ(pr(IRQ_CFG0, 8), 0x8000'0040u) << "Guarded by IRQEN";
    EXPECT_EQ(pr(IRQ_CFG1), 0xABCDu);
    pw(CR, 1);
    set_counter(0, max());
    mem.write_log.clear();
    xlate(9, 0x1000);
    ASSERT_EQ(mem.write_log.size(), 1u);
    EXPECT_EQ(mem.write_log[0].pa, 0x8000'0040u);
    ASSERT_EQ(mem.write_log[0].data.size(), 4u);
    uint32_t data;
    std::memcpy(&data, mem.write_log[0].data.data(), 4);
    EXPECT_EQ(data, 0xABCDu);
    EXPECT_EQ(mem.irq_edges[SMMU_IRQ_PMCG], 1u) << "the wired output pulses too";
    EXPECT_EQ(pr(IRQ_STATUS), 0u);
    // An aborted MSI sets IRQ_STATUS.IRQ_ABT, which only IRQEN 0 -> 1 clears.
    pw(IRQ_CTRL, 0);
    pw(IRQ_CFG0, 0x9000'0000, 8);
    pw(IRQ_CTRL, 1);
    mem.abort_range(0x9000'0000, 0x1000);
    set_counter(0, max());
    xlate(9, 0x1000);
    EXPECT_EQ(pr(IRQ_STATUS), 1u);
    pw(IRQ_CTRL, 0);
    EXPECT_EQ(pr(IRQ_STATUS), 1u) << "IRQEN 1 -> 0 does not clear IRQ_ABT";
    pw(IRQ_CTRL, 1);
    EXPECT_EQ(pr(IRQ_STATUS), 0u);
    // ADDR == 0: no MSI.
    pw(IRQ_CTRL, 0);
    pw(IRQ_CFG0, 0, 8);
    pw(IRQ_CTRL, 1);
    mem.write_log.clear();
    set_counter(0, max());
    xlate(9, 0x1000);
    EXPECT_TRUE(mem.write_log.empty());
    EXPECT_EQ(mem.irq_edges[SMMU_IRQ_PMCG], 3u);
}

TEST_F(Pmcg, CaptureCopiesEveryCounterToItsShadow)
{
    bringup();
    bypass_streams(9, 9);
    filter_all();
    count(0, 1, SPAN);
    count(1, 1);
    pw(CR, 1);
    for (int i = 0; i < 3; i++) xlate(9, 0x1000);
    set_counter(2, 77);
    pw(P1 + CAPR, 1);
    EXPECT_EQ(pr(P1 + CAPR), 0u) << "CAPR reads as zero";
    EXPECT_EQ(shadow(0), 3u);
    EXPECT_EQ(shadow(1), 3u);
    EXPECT_EQ(shadow(2), 77u);
    xlate(9, 0x1000);
    EXPECT_EQ(shadow(0), 3u) << "shadows hold until the next capture";
    pw(SVR + P1, 5);
    EXPECT_EQ(shadow(0), 3u) << "SVRs are read-only";
    pw(CAPR, 1);
    EXPECT_EQ(shadow(0), 3u) << "page 0's CAPR is RES0 with RELOC_CTRS";
    // EVTYPER.OVFCAP: counter 0's overflow captures all counters, itself with its post-overflow value.
    pw(EVTYPER, 1 | SPAN | OVFCAP);
    EXPECT_EQ(pr(EVTYPER), 1u | SPAN | OVFCAP);
    set_counter(0, max());
    set_counter(1, 1000);
    xlate(9, 0x1000);
    EXPECT_EQ(shadow(0), 0u);
    EXPECT_EQ(shadow(1), 1001u);
    EXPECT_EQ(shadow(2), 77u);
}

// Replays what drivers/perf/arm_smmuv3_pmu.c reads and writes, register by register, and computes the
// counts perf reports from what it reads.
struct LinuxPmu {
    Pmcg &t;
    uint64_t reg = 0, reloc = 0, mask = 0;
    unsigned num = 0;
    bool global = false, msi = false;
    uint32_t iidr = 0;
    uint64_t ceid[2] = {0, 0};
    struct Ev { unsigned idx; uint64_t prev = 0, count = 0; };

    explicit LinuxPmu(Pmcg &p) : t(p) {}
    void probe() {
        uint32_t cfgr = (uint32_t)t.pr(reg + CFGR);
        reloc = (cfgr >> 20 & 1) ? reg + P1 : reg;            // page 1 is its own resource
        ceid[0] = t.pr(reg + CEID0, 8);
        ceid[1] = t.pr(reg + CEID1, 8);
        num = (cfgr & 0x3F) + 1;
        global = cfgr >> 23 & 1;
        unsigned size = cfgr >> 8 & 0x3F;
        mask = size >= 63 ? ~0ull : (2ull << size) - 1;
        uint64_t present = num >= 64 ? ~0ull : (1ull << num) - 1;
        disable();
        t.pw(reg + CNTENCLR0, present, 8);
        t.pw(reg + INTENCLR0, present, 8);
        t.pw(reloc + OVSCLR0, present, 8);
        t.pw(reg + IRQ_CFG0, 0, 8);
        msi = t.pr(reg + CFGR) >> 21 & 1;
        if (msi) {                                            // the MSI domain's doorbell, Device-nGnRE
            t.pw(reg + IRQ_CFG0, 0x0800'0040ull & 0x000F'FFFF'FFFF'FFFCull, 8);
            t.pw(reg + IRQ_CFG1, 0x21);
            t.pw(reg + IRQ_CFG2, 1);
        }
        iidr = (uint32_t)t.pr(reg + IIDR);
    }
    bool supported(unsigned ev) const { return ev < 128 && (ceid[ev / 64] >> (ev % 64) & 1); }
    void enable() { t.pw(reg + IRQ_CTRL, 1); t.pw(reg + CR, 1); }
    void disable() { t.pw(reg + CR, 0); t.pw(reg + IRQ_CTRL, 0); }
    uint64_t read_counter(unsigned i) {
        return (mask >> 32) ? t.pr(reloc + EVCNTR + 8 * i, 8) : t.pr(reloc + EVCNTR + 4 * i, 4);
    }
    void set_period(Ev &e) {
        e.prev = mask >> 1;
        if (mask >> 32) t.pw(reloc + EVCNTR + 8 * e.idx, e.prev, 8);
        else t.pw(reloc + EVCNTR + 4 * e.idx, e.prev, 4);
    }
    void update(Ev &e) {
        uint64_t now = read_counter(e.idx);
        e.count += (now - e.prev) & mask;
        e.prev = now;
    }
    // event_add + event_start; the first event programs the (global) filter, later ones only their EVTYPER.
    Ev add(unsigned idx, unsigned event, bool filter, bool span, uint32_t sid) {
        uint32_t s = filter ? (span ? 1u : 0u) : 1u, id = filter ? sid : 0xFFFFFFFFu;
        if (!global || idx == 0) {
            t.pw(reg + EVTYPER + 4 * idx, event | s << 29);
            t.pw(reg + SMR + 4 * idx, id);
        } else {
            t.pw(reg + EVTYPER + 4 * idx, event);
        }
        t.pw(reg + INTENSET0, 1ull << idx, 8);
        Ev e{idx};
        set_period(e);
        t.pw(reg + CNTENSET0, 1ull << idx, 8);
        return e;
    }
    void del(Ev &e) {                                         // event_stop (update) + event_del
        t.pw(reg + CNTENCLR0, 1ull << e.idx, 8);
        update(e);
        t.pw(reg + INTENCLR0, 1ull << e.idx, 8);
    }
    // The overflow handler: OVS from page 1, cleared, each overflowed counter updated and re-armed.
    bool irq(std::vector<Ev *> evs) {
        uint64_t ovs = t.pr(reloc + OVSSET0, 8);
        if (!ovs) return false;
        t.pw(reloc + OVSCLR0, ovs, 8);
        for (Ev *e : evs)
            if (ovs >> e->idx & 1) { update(*e); set_period(*e); }
        return true;
    }
};

class PmcgLinux : public Pmcg, public ::testing::WithParamInterface<int> {};

// perf stat -a -e smmuv3_pmcg_X/transaction/,smmuv3_pmcg_X/tlb_miss/ over known traffic, then the same with
// filter_enable=1,filter_stream_id=1, then cycles across an overflow serviced by the driver's handler.
TEST_P(PmcgLinux, ProbeAndPerfStatReadWhatTheTrafficDid)
{
    if (GetParam() == 1) {                   // a PMCG with 64-bit counters, per-counter filters, MSI, no page 1
        cfg.pmcg_counter_bits = 64;
        cfg.pmcg_sid_filter_global = false;
        cfg.pmcg_msi = true;
        cfg.pmcg_reloc_ctrs = false;
    }
    bringup();
    uint64_t ttb1 = s1_stream(1), ttb2 = s1_stream(2);
    for (unsigned p = 0; p < 3; p++) {
        tables.map(ttb1, VA_A + 0x1000 * p, 0x8000'0000 + 0x1000 * p, e2e::kPageS1);
        tables.map(ttb2, VA_A + 0x1000 * p, 0x8100'0000 + 0x1000 * p, e2e::kPageS1);
    }
    LinuxPmu pmu(*this);
    pmu.probe();
    EXPECT_EQ(pmu.num, 4u);
    EXPECT_EQ(pmu.global, GetParam() == 0);
    EXPECT_EQ(pmu.mask, GetParam() == 0 ? 0xFFFFFFFFull : ~0ull);
    EXPECT_EQ(pmu.reloc, GetParam() == 0 ? P1 : 0u);
    EXPECT_EQ(pmu.iidr, 0x4870043Bu) << "sysfs identifier, the key of perf's MMU-700 event tables";
    for (unsigned ev = 0; ev < 8; ev++) EXPECT_TRUE(pmu.supported(ev)) << ev;   // 6, 7: ATS is advertised
    EXPECT_FALSE(pmu.supported(8));
    EXPECT_EQ(pmu.msi, GetParam() == 1);
    if (pmu.msi) { EXPECT_EQ(pr(IRQ_CFG0, 8), 0x0800'0040u); }

    auto traffic = [&] {                     // 2 streams x (3 cold pages + 4 hits): 14 transactions, 6 TLB misses
        for (uint32_t sid : {1u, 2u}) {
            for (unsigned p = 0; p < 3; p++) ASSERT_EQ(xlate(sid, VA_A + 0x1000 * p).status, SMMU_OK);
            for (unsigned i = 0; i < 4; i++) ASSERT_EQ(xlate(sid, VA_A + 8 * i).status, SMMU_OK);
        }
        tlbi_all();
    };
    pmu.disable();
    LinuxPmu::Ev txn = pmu.add(0, 1, false, false, 0), miss = pmu.add(1, 2, false, false, 0);
    pmu.enable();
    traffic();
    pmu.disable();
    pmu.del(txn);
    pmu.del(miss);
    EXPECT_EQ(txn.count, 14u);
    EXPECT_EQ(miss.count, 6u);

    pmu.disable();
    txn = pmu.add(0, 1, true, false, 1);
    miss = pmu.add(1, 2, true, false, 1);
    pmu.enable();
    traffic();
    pmu.disable();
    pmu.del(txn);
    pmu.del(miss);
    EXPECT_EQ(txn.count, 7u) << "filter_stream_id=1";
    EXPECT_EQ(miss.count, 3u);

    pmu.disable();
    LinuxPmu::Ev cyc = pmu.add(0, 0, false, false, 0);
    pmu.enable();
    const uint64_t period = pmu.mask >> 1, n = GetParam() == 0 ? period + 100 : 12345;
    smmu_pmcg_advance(smmu, n);
    if (GetParam() == 0) {
        EXPECT_EQ(mem.irq_edges[SMMU_IRQ_PMCG], 1u) << "the counter started at half range and wrapped";
        EXPECT_TRUE(pmu.irq({&cyc}));
        EXPECT_EQ(pr(P1 + OVSSET0, 8), 0u);
    }
    smmu_pmcg_advance(smmu, 10);
    pmu.disable();
    pmu.del(cyc);
    EXPECT_EQ(cyc.count, n + 10);
}

INSTANTIATE_TEST_SUITE_P(Configs, PmcgLinux, ::testing::Values(0, 1));

} // namespace
