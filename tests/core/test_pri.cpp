// SPDX-License-Identifier: BSD-3-Clause
// PCIe PRI: Page Requests into the PRI queue (record fields, wrap, overflow and OVFLG, interrupts and MSI), the
// SMMU's automatic PRG Responses (8.1, 8.2) and CMD_PRI_RESP delivered to the endpoint (4.5.2), end to end.
#include "regs_util.h"

using namespace regs_util;

namespace {

struct Pri;
Pri *g_pri = nullptr;   // the running fixture: the host's pri_resp callback records into it

struct Pri : th::Smmu {
    std::vector<smmu_pri_resp_t> resps;
    unsigned priq_log2 = 3;
    uint32_t pri_cons = 0;                          // software's shadow PRIQ_CONS.RD

    Pri() { g_pri = this; }
    ~Pri() override { g_pri = nullptr; }

    static void on_resp(void *, const smmu_pri_resp_t *r) { g_pri->resps.push_back(*r); }

    void make(bool with_callback = true) {
        char err[256] = "";
        smmu_host_t h = mem.host();
        if (with_callback) h.pri_resp = on_resp;
        smmu = smmu_create(&cfg, &h, err, sizeof err);
        ASSERT_NE(smmu, nullptr) << err;
    }
    void fresh() {
        if (smmu) smmu_destroy(smmu);
        smmu = nullptr;
        mem = th::Memory();
        smmu_config_default(&cfg);
        resps.clear();
        pri_cons = 0;
    }
    // Linux-style bring-up plus the PRI queue: PRIQ_BASE, PROD/CONS, IRQ_CFG2 (LO), PRIQ_IRQEN, PRIQEN.
    void start(uint32_t cfg2 = 0, bool priqen = true) {
        make();
        bringup();
        w64(PRIQ_BASE, th::kPriq | priq_log2);
        w32(PRIQ_PROD, 0);
        w32(PRIQ_CONS, 0);
        w32(PRIQ_IRQ_CFG2, cfg2);
        w32(IRQ_CTRL, SMMU_IRQ_CTRL_GERROR_IRQEN | SMMU_IRQ_CTRL_EVENTQ_IRQEN | SMMU_IRQ_CTRL_PRIQ_IRQEN);
        if (priqen) set_cr0(SMMU_CR0_CMDQEN | SMMU_CR0_EVENTQEN | SMMU_CR0_SMMUEN | SMMU_CR0_PRIQEN);
    }
    smmu_pri_status_t ppr(const smmu_pri_req_t &r) { return smmu_pri_page_request(smmu, &r); }
    std::array<uint64_t, 2> slot(uint32_t i) { return {mem.r64(th::kPriq + 16 * i), mem.r64(th::kPriq + 16 * i + 8)}; }
    // Software reads the record at CONS and moves CONS past it (acknowledging any overflow).
    std::array<uint64_t, 2> pop() {
        uint32_t n = 1u << priq_log2;
        auto rec = slot(pri_cons & (n - 1));
        pri_cons = (pri_cons + 1) & (2 * n - 1);
        w32(PRIQ_CONS, pri_cons | (r32(PRIQ_PROD) & SMMU_PRIQ_PROD_OVFLG));
        return rec;
    }
};

smmu_pri_req_t req(uint32_t sid, uint64_t addr, uint16_t prgi, bool last, bool read = true, bool write = false) {
    smmu_pri_req_t r{};
    r.sid = sid;
    r.addr = addr;
    r.prgi = prgi;
    r.last = last;
    r.read = read;
    r.write = write;
    return r;
}

smmu_pri_req_t with_pasid(smmu_pri_req_t r, uint32_t ssid, bool exec = false, bool priv = false) {
    r.ssv = true;
    r.ssid = ssid;
    r.exec = exec;
    r.priv = priv;
    return r;
}

smmu_pri_req_t stop_marker(uint32_t sid, uint32_t ssid, uint16_t prgi) {
    return with_pasid(req(sid, 0, prgi, true, false, false), ssid);
}

constexpr uint64_t L = SMMU_PRIQ0_LAST, R = SMMU_PRIQ0_READ, W = SMMU_PRIQ0_WRITE, X = SMMU_PRIQ0_EXEC,
                   P = SMMU_PRIQ0_PRIV, SSV = SMMU_PRIQ0_SSV;

TEST_F(Pri, DefaultConfigAdvertisesPri) {
    make();
    EXPECT_TRUE(r32(SMMU_IDR0) & SMMU_IDR0_PRI);
    EXPECT_TRUE(r32(SMMU_IDR0) & SMMU_IDR0_ATS);                    // PRI is RES0 without ATS (6.3.1)
    EXPECT_EQ(SMMU_FIELD_GET(r32(SMMU_IDR1), SMMU_IDR1_PRIQS), 19u);
}

TEST_F(Pri, RecordFields) {
    struct Case {
        const char *name;
        uint8_t ssidsize;
        smmu_pri_req_t r;
        uint64_t q0, q1;
    };
    const Case cases[] = {
        {"read, no PASID", 20, req(0x12345678, 0xFEDCBA9876543ABCull, 0x1A5, true),
         0x12345678ull | L | R, 0xFEDCBA9876543000ull | 0x1A5},
        {"no PASID: X, Priv and SubstreamID are 0", 20,
         [] { auto r = req(7, 0x1000, 3, false, false, true); r.ssid = 0xABCDE; r.exec = r.priv = true; return r; }(),
         7ull | W, 0x1000ull | 3},
        {"PASID with every permission", 20, with_pasid(req(0xFFFFFFFF, 0xFFFFFFFFFFFFFFFFull, 0x1FF, true, true, true), 0xFFFFF, true, true),
         0xFFFFFFFFull | 0xFFFFFull << 32 | P | X | R | W | L | SSV, 0xFFFFFFFFFFFFF000ull | 0x1FF},
        {"PRGIndex is 9 bits", 20, req(1, 0x2000, 0x3FF, false), 1ull | R, 0x2000ull | 0x1FF},
        {"Stop Marker is recorded", 20, stop_marker(9, 0x42, 0x10), 9ull | 0x42ull << 32 | L | SSV, 0x10},
        {"no substreams: SSV is 0", 0, with_pasid(req(2, 0x3000, 4, true), 0x42, true, true), 2ull | R | L, 0x3000ull | 4},
    };
    for (const Case &c : cases) {
        fresh();
        cfg.ssidsize = c.ssidsize;
        start();
        ASSERT_EQ(ppr(c.r), SMMU_PRI_QUEUED) << c.name;
        EXPECT_EQ(slot(0)[0], c.q0) << c.name;
        EXPECT_EQ(slot(0)[1], c.q1) << c.name;
        EXPECT_EQ(r32(PRIQ_PROD), 1u) << c.name;
        EXPECT_TRUE(resps.empty()) << c.name << ": only software answers a recorded request";
    }
}

TEST_F(Pri, QueueWraps) {
    priq_log2 = 1;
    start();
    EXPECT_EQ(ppr(req(1, 0x1000, 1, false)), SMMU_PRI_QUEUED);
    EXPECT_EQ(ppr(req(2, 0x2000, 1, true)), SMMU_PRI_QUEUED);
    EXPECT_EQ(r32(PRIQ_PROD), 2u);                                   // WR 0, wrap 1: full
    EXPECT_EQ(pop()[0], 1ull | R);
    EXPECT_EQ(pop()[0], 2ull | R | L);
    EXPECT_EQ(ppr(req(3, 0x3000, 2, false)), SMMU_PRI_QUEUED);
    EXPECT_EQ(slot(0)[0], 3ull | R);                                 // back at entry 0
    EXPECT_EQ(r32(PRIQ_PROD), 3u);
    EXPECT_EQ(ppr(req(4, 0x4000, 2, true)), SMMU_PRI_QUEUED);
    EXPECT_EQ(r32(PRIQ_PROD), 0u);                                   // wrap toggles back
    EXPECT_EQ(slot(1)[0], 4ull | R | L);
    EXPECT_EQ(slot(1)[1], 0x4000ull | 2);
}

TEST_F(Pri, OverflowTogglesOvflgAndAnswersLastRequests) {
    priq_log2 = 1;
    start();
    ASSERT_EQ(ppr(req(1, 0x1000, 5, false)), SMMU_PRI_QUEUED);
    ASSERT_EQ(ppr(req(1, 0x2000, 5, false)), SMMU_PRI_QUEUED);
    EXPECT_EQ(ppr(req(1, 0x3000, 5, false)), SMMU_PRI_OVERFLOW);     // Last == 0: silently discarded
    EXPECT_EQ(r32(PRIQ_PROD), SMMU_PRIQ_PROD_OVFLG | 2u);
    EXPECT_TRUE(resps.empty());
    EXPECT_EQ(ppr(req(0x33, 0x4000, 5, true)), SMMU_PRI_OVERFLOW);   // Last == 1: automatic Success, no PASID
    ASSERT_EQ(resps.size(), 1u);
    EXPECT_EQ(resps[0].sid, 0x33u);
    EXPECT_EQ(resps[0].prgi, 5u);
    EXPECT_FALSE(resps[0].ssv);
    EXPECT_EQ(resps[0].resp, SMMU_PRI_SUCCESS);
    EXPECT_EQ(r32(PRIQ_PROD), SMMU_PRIQ_PROD_OVFLG | 2u);            // toggled once while the overflow is active
    EXPECT_EQ(ppr(stop_marker(1, 3, 5)), SMMU_PRI_OVERFLOW);         // Stop Marker: discarded, never answered
    EXPECT_EQ(resps.size(), 1u);
    // Room in the queue but the overflow is not acknowledged: still discarded (8.1).
    w32(PRIQ_CONS, 1);
    EXPECT_EQ(ppr(req(1, 0x5000, 6, false)), SMMU_PRI_OVERFLOW);
    EXPECT_EQ(r32(PRIQ_PROD), SMMU_PRIQ_PROD_OVFLG | 2u);
    // OVACKFLG = OVFLG ends the overflow: recorded again.
    w32(PRIQ_CONS, SMMU_PRIQ_CONS_OVACKFLG | 1u);
    EXPECT_EQ(ppr(req(1, 0x6000, 6, true)), SMMU_PRI_QUEUED);
    EXPECT_EQ(r32(PRIQ_PROD), SMMU_PRIQ_PROD_OVFLG | 3u);
    EXPECT_EQ(slot(0)[1], 0x6000ull | 6);
    EXPECT_TRUE(pop_events().empty());
}

TEST_F(Pri, OverflowResponseWithPasidFollowsStePpar) {
    struct Case {
        const char *name;
        uint32_t sid;
        th::Qwords8 ste;
        bool fetch_abort;
        smmu_pri_resp_code_t resp;
        bool ssv;
    };
    th::Qwords8 ppar1 = th::ste::bypass(), ppar0 = th::ste::bypass();
    ppar1[1] |= SMMU_STE1_PPAR;
    const Case cases[] = {
        {"valid STE, PPAR 1: Success with the PASID", 3, ppar1, false, SMMU_PRI_SUCCESS, true},
        {"valid STE, PPAR 0: Success without PASID", 3, ppar0, false, SMMU_PRI_SUCCESS, false},
        {"abort STE is valid: Success", 3, th::ste::abort_ste(), false, SMMU_PRI_SUCCESS, false},
        {"invalid STE: Failure without PASID", 3, th::ste::invalid(), false, SMMU_PRI_FAILURE, false},
        {"StreamID beyond the table: Failure", 0x1000, th::ste::invalid(), false, SMMU_PRI_FAILURE, false},
        {"STE fetch abort: Failure", 3, ppar1, true, SMMU_PRI_FAILURE, false},
    };
    for (const Case &c : cases) {
        fresh();
        priq_log2 = 0;                                               // one entry
        start();
        if (c.sid < (1u << strtab_log2)) write_ste(c.sid, c.ste);
        if (c.fetch_abort) mem.abort_range(th::kStrtab + 64ull * c.sid, 64, true, false);
        ASSERT_EQ(ppr(req(0x100, 0x1000, 1, false)), SMMU_PRI_QUEUED) << c.name;
        EXPECT_EQ(ppr(with_pasid(req(c.sid, 0x2000, 0x155, true), 0x8765, true, true)), SMMU_PRI_OVERFLOW) << c.name;
        ASSERT_EQ(resps.size(), 1u) << c.name;
        EXPECT_EQ(resps[0].sid, c.sid) << c.name;
        EXPECT_EQ(resps[0].prgi, 0x155u) << c.name;
        EXPECT_EQ(resps[0].resp, c.resp) << c.name;
        EXPECT_EQ(resps[0].ssv, c.ssv) << c.name;
        EXPECT_EQ(resps[0].ssid, c.ssv ? 0x8765u : 0u) << c.name;
        EXPECT_TRUE(pop_events().empty()) << c.name << ": CR2.REC_CFG_ATS == 0 records nothing";
    }
}

TEST_F(Pri, DisabledQueueAnswersEveryRequestWithFailure) {
    struct Case {
        const char *name;
        void (*set)(Pri &);
    };
    const Case cases[] = {
        {"IDR0.PRI == 0", [](Pri &t) {
             t.cfg.pri = false;
             t.start(0, false);
             t.w32(CR0, SMMU_CR0_CMDQEN | SMMU_CR0_EVENTQEN | SMMU_CR0_SMMUEN | SMMU_CR0_PRIQEN);   // PRIQEN is RES0
         }},
        {"PRIQEN == 0", [](Pri &t) { t.start(0, false); }},
        {"SMMUEN == 0", [](Pri &t) {
             t.start();
             t.set_cr0(SMMU_CR0_CMDQEN | SMMU_CR0_EVENTQEN | SMMU_CR0_PRIQEN);
         }},
        {"PRIQ_ABT_ERR active", [](Pri &t) {
             t.start();
             t.mem.abort_range(th::kPriq, 16, false, true);
             EXPECT_EQ(t.ppr(req(1, 0x1000, 1, false)), SMMU_PRI_DISABLED);
             EXPECT_EQ(active(t), SMMU_GERROR_PRIQ_ABT_ERR);
             t.mem.aborts.clear();
             t.resps.clear();
         }},
    };
    for (const Case &c : cases) {
        fresh();
        c.set(*this);
        // Last or not, with a PASID or not: Response Failure, never a PASID (8.2).
        EXPECT_EQ(ppr(with_pasid(req(0x21, 0x1000, 0x77, false), 0x99)), SMMU_PRI_DISABLED) << c.name;
        EXPECT_EQ(ppr(req(0x22, 0x2000, 0x78, true)), SMMU_PRI_DISABLED) << c.name;
        EXPECT_EQ(ppr(stop_marker(0x23, 0x99, 0x79)), SMMU_PRI_DISABLED) << c.name;   // never answered
        ASSERT_EQ(resps.size(), 2u) << c.name;
        EXPECT_EQ(resps[0].sid, 0x21u) << c.name;
        EXPECT_EQ(resps[0].prgi, 0x77u) << c.name;
        EXPECT_FALSE(resps[0].ssv) << c.name;
        EXPECT_EQ(resps[0].ssid, 0u) << c.name;
        EXPECT_EQ(resps[0].resp, SMMU_PRI_FAILURE) << c.name;
        EXPECT_EQ(resps[1].sid, 0x22u) << c.name;
        EXPECT_EQ(resps[1].prgi, 0x78u) << c.name;
        EXPECT_EQ(resps[1].resp, SMMU_PRI_FAILURE) << c.name;
        EXPECT_EQ(r32(PRIQ_PROD), 0u) << c.name;
        EXPECT_EQ(mem.r64(th::kPriq), 0u) << c.name << ": nothing written";
        EXPECT_EQ(mem.irq_edges[SMMU_IRQ_PRIQ], 0u) << c.name;
    }
}

TEST_F(Pri, SynchronousWriteAbortFailsTheRequestAndRaisesPriqAbtErr) {
    start();
    mem.abort_range(th::kPriq, 16, false, true);
    EXPECT_EQ(ppr(with_pasid(req(4, 0x1000, 0x12, false), 5)), SMMU_PRI_DISABLED);
    EXPECT_EQ(active(*this), SMMU_GERROR_PRIQ_ABT_ERR);
    EXPECT_EQ(r32(PRIQ_PROD), 0u);
    ASSERT_EQ(resps.size(), 1u);
    EXPECT_EQ(resps[0].resp, SMMU_PRI_FAILURE);
    EXPECT_FALSE(resps[0].ssv);
    mem.aborts.clear();
    ack_all(*this);
    EXPECT_EQ(ppr(req(4, 0x1000, 0x12, true)), SMMU_PRI_QUEUED);
    EXPECT_EQ(r32(PRIQ_PROD), 1u);
    EXPECT_EQ(resps.size(), 1u);
}

TEST_F(Pri, InterruptOnEmptyToNonEmpty) {
    start();
    EXPECT_EQ(ppr(req(1, 0x1000, 1, false)), SMMU_PRI_QUEUED);
    EXPECT_EQ(mem.irq_edges[SMMU_IRQ_PRIQ], 1u);
    EXPECT_EQ(ppr(req(1, 0x2000, 1, true)), SMMU_PRI_QUEUED);
    EXPECT_EQ(mem.irq_edges[SMMU_IRQ_PRIQ], 1u);                     // not empty before
    pop();
    pop();
    EXPECT_EQ(ppr(req(1, 0x3000, 2, false)), SMMU_PRI_QUEUED);
    EXPECT_EQ(mem.irq_edges[SMMU_IRQ_PRIQ], 2u);
}

TEST_F(Pri, LastOnlyMsiAlsoOnOverflow) {
    priq_log2 = 1;
    make();
    bringup();
    w64(PRIQ_BASE, th::kPriq | priq_log2);
    w64(PRIQ_IRQ_CFG0, 0x50000040);
    w32(PRIQ_IRQ_CFG1, 0xCAFE0001u);
    w32(PRIQ_IRQ_CFG2, SMMU_PRIQ_IRQ_CFG2_LO);
    w32(IRQ_CTRL, SMMU_IRQ_CTRL_GERROR_IRQEN | SMMU_IRQ_CTRL_EVENTQ_IRQEN | SMMU_IRQ_CTRL_PRIQ_IRQEN);
    set_cr0(SMMU_CR0_CMDQEN | SMMU_CR0_EVENTQEN | SMMU_CR0_SMMUEN | SMMU_CR0_PRIQEN);
    EXPECT_EQ(ppr(req(1, 0x1000, 1, false)), SMMU_PRI_QUEUED);
    EXPECT_EQ(writes_to(mem, 0x50000040), 0u);                       // LO: not for Last == 0
    EXPECT_EQ(ppr(req(1, 0x2000, 1, true)), SMMU_PRI_QUEUED);
    EXPECT_EQ(writes_to(mem, 0x50000040), 1u);
    EXPECT_TRUE(logged_u32(mem, 0x50000040, 0xCAFE0001u));
    EXPECT_EQ(mem.irq_edges[SMMU_IRQ_PRIQ], 1u);
    EXPECT_EQ(ppr(req(2, 0x3000, 2, false)), SMMU_PRI_OVERFLOW);
    EXPECT_EQ(writes_to(mem, 0x50000040), 1u);
    EXPECT_EQ(ppr(req(2, 0x4000, 2, true)), SMMU_PRI_OVERFLOW);     // discarded by overflow: LO still signals
    EXPECT_EQ(writes_to(mem, 0x50000040), 2u);
    EXPECT_EQ(mem.irq_edges[SMMU_IRQ_PRIQ], 2u);
    // An aborted MSI raises MSI_PRIQ_ABT_ERR; the record is in the queue.
    w32(PRIQ_CONS, SMMU_PRIQ_CONS_OVACKFLG | 2u);
    mem.abort_range(0x50000040, 4, false, true);
    EXPECT_EQ(ppr(req(3, 0x5000, 3, true)), SMMU_PRI_QUEUED);
    EXPECT_EQ(active(*this), SMMU_GERROR_MSI_PRIQ_ABT_ERR);
}

TEST_F(Pri, PriRespEndToEnd) {
    struct Case {
        unsigned resp;
        smmu_pri_resp_code_t code;
        bool ssv;
    };
    const Case cases[] = {
        {SMMU_PRI_RESP_SUCCESS, SMMU_PRI_SUCCESS, true},
        {SMMU_PRI_RESP_INVALID, SMMU_PRI_INVALID, true},
        {SMMU_PRI_RESP_FAILURE, SMMU_PRI_FAILURE, true},
        {SMMU_PRI_RESP_SUCCESS, SMMU_PRI_SUCCESS, false},
    };
    for (const Case &c : cases) {
        fresh();
        start();
        smmu_pri_req_t r = req(0x1234, 0xABCDE000, 0x1C3, true, true, true);
        if (c.ssv) r = with_pasid(r, 0x5A5A5, true, false);
        ASSERT_EQ(ppr(req(0x1234, 0xABCDD000, 0x1C3, false)), SMMU_PRI_QUEUED);
        ASSERT_EQ(ppr(r), SMMU_PRI_QUEUED);
        // The driver reads the group, then answers it from the Last record's fields.
        pop();
        auto rec = pop();
        ASSERT_TRUE(rec[0] & SMMU_PRIQ0_LAST);
        uint64_t cmd[2];
        smmu_cmd_pri_resp(cmd, (uint32_t)SMMU_FIELD_GET(rec[0], SMMU_PRIQ0_SID), (uint32_t)SMMU_FIELD_GET(rec[0], SMMU_PRIQ0_SSID),
                          (rec[0] & SMMU_PRIQ0_SSV) != 0, (uint16_t)SMMU_FIELD_GET(rec[1], SMMU_PRIQ1_PRGI), c.resp);
        EXPECT_TRUE(resps.empty());
        submit({{cmd[0], cmd[1]}});
        sync();
        ASSERT_EQ(resps.size(), 1u) << c.resp;
        EXPECT_EQ(resps[0].sid, 0x1234u);
        EXPECT_EQ(resps[0].ssv, c.ssv);
        EXPECT_EQ(resps[0].ssid, c.ssv ? 0x5A5A5u : 0u);
        EXPECT_EQ(resps[0].prgi, 0x1C3u);
        EXPECT_EQ(resps[0].resp, c.code);
        smmu_global_stats_t st;
        smmu_global_stats(smmu, &st);
        EXPECT_EQ(st.commands_by_opcode[SMMU_CMD_PRI_RESP], 1u);
    }
}

TEST_F(Pri, PriRespIgnoredIllegalOrWithoutPasids) {
    uint64_t cmd[2];
    // SMMUEN == 0: consumed, IGNORED (4.5.2).
    make();
    cmdq_only(*this);
    smmu_cmd_pri_resp(cmd, 1, 2, true, 3, SMMU_PRI_RESP_SUCCESS);
    EXPECT_EQ(submit({{cmd[0], cmd[1]}}) & ~SMMU_CMDQ_CONS_ERR_MASK, 1u);
    EXPECT_EQ(r32(CMDQ_CONS) & SMMU_CMDQ_CONS_ERR_MASK, 0u);
    EXPECT_TRUE(resps.empty());
    // Resp 0b11 is ILLEGAL: CERROR_ILL, nothing sent.
    fresh();
    start();
    cmd[1] |= SMMU_CMD1_PRI_RESP_MASK;
    submit({{cmd[0], cmd[1]}});
    EXPECT_EQ((r32(CMDQ_CONS) & SMMU_CMDQ_CONS_ERR_MASK) >> SMMU_CMDQ_CONS_ERR_SHIFT, SMMU_CERROR_ILL);
    EXPECT_TRUE(resps.empty());
    // Without PASIDs, SSV = 1 answers as though SSV == 0 (the CONSTRAINED UNPREDICTABLE choice).
    fresh();
    cfg.ssidsize = 0;
    start();
    smmu_cmd_pri_resp(cmd, 7, 0x55, true, 0x1FF, SMMU_PRI_RESP_INVALID);
    submit({{cmd[0], cmd[1]}});
    sync();
    ASSERT_EQ(resps.size(), 1u);
    EXPECT_EQ(resps[0].sid, 7u);
    EXPECT_FALSE(resps[0].ssv);
    EXPECT_EQ(resps[0].ssid, 0u);
    EXPECT_EQ(resps[0].prgi, 0x1FFu);
    EXPECT_EQ(resps[0].resp, SMMU_PRI_INVALID);
    // A host without a pri_resp callback: the response and the automatic ones go nowhere.
    fresh();
    make(false);
    bringup();
    smmu_cmd_pri_resp(cmd, 7, 0, false, 1, SMMU_PRI_RESP_SUCCESS);
    submit({{cmd[0], cmd[1]}});
    sync();
    EXPECT_EQ(smmu_pri_page_request(smmu, nullptr), SMMU_PRI_DISABLED);
    smmu_pri_req_t r = req(1, 0, 1, true);
    EXPECT_EQ(smmu_pri_page_request(smmu, &r), SMMU_PRI_DISABLED);
    EXPECT_TRUE(resps.empty());
}

} // namespace
