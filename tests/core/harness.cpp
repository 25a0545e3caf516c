// SPDX-License-Identifier: BSD-3-Clause
#include "harness.h"

#include <algorithm>
#include <sys/stat.h>

namespace th {

static int mem_read_cb(void *ctx, uint64_t pa, void *dst, size_t len) {
    auto *m = static_cast<Memory *>(ctx);
    if (m->aborted(pa, len, false)) return -1;
    m->reads++;
    m->read(pa, dst, len);
    return 0;
}

static int mem_write_cb(void *ctx, uint64_t pa, const void *src, size_t len) {
    auto *m = static_cast<Memory *>(ctx);
    if (m->aborted(pa, len, true)) return -1;
    m->writes++;
    if (m->log_writes) {
        const auto *b = static_cast<const uint8_t *>(src);
        m->write_log.push_back({pa, std::vector<uint8_t>(b, b + len)});
    }
    m->write(pa, src, len);
    return 0;
}

static void irq_cb(void *ctx, smmu_irq_t line, bool level) {
    auto *m = static_cast<Memory *>(ctx);
    m->irqs.push_back({line, level});
    if (level && (unsigned)line < SMMU_IRQ_COUNT) m->irq_edges[line]++;
}

smmu_host_t Memory::host() {
    smmu_host_t h{};
    h.ctx = this;
    h.mem_read = mem_read_cb;
    h.mem_write = mem_write_cb;
    h.irq = irq_cb;
    return h;
}

bool Memory::aborted(uint64_t pa, size_t len, bool write) const {
    if (!windows.empty() && (!write || windows_for_writes) &&
        std::none_of(windows.begin(), windows.end(),
                     [&](const auto &w) { return pa >= w.first && pa + len <= w.first + w.second; }))
        return true;
    for (const auto &r : aborts) {
        if ((write ? r.writes : r.reads) && pa < r.base + r.size && r.base < pa + len) return true;
    }
    return false;
}

void Memory::read(uint64_t pa, void *dst, size_t len) const {
    auto *d = static_cast<uint8_t *>(dst);
    while (len) {
        uint64_t page = pa & ~0xFFFull, off = pa & 0xFFF;
        size_t n = std::min<size_t>(len, 4096 - off);
        auto it = pages.find(page);
        if (it == pages.end()) std::memset(d, 0, n);
        else std::memcpy(d, it->second.data() + off, n);
        d += n; pa += n; len -= n;
    }
}

void Memory::write(uint64_t pa, const void *src, size_t len) {
    auto *s = static_cast<const uint8_t *>(src);
    while (len) {
        uint64_t page = pa & ~0xFFFull, off = pa & 0xFFF;
        size_t n = std::min<size_t>(len, 4096 - off);
        auto it = pages.find(page);
        if (it == pages.end()) it = pages.emplace(page, std::array<uint8_t, 4096>{}).first;
        std::memcpy(it->second.data() + off, s, n);
        s += n; pa += n; len -= n;
    }
}

void Memory::fill(uint64_t pa, uint8_t byte, size_t len) {
    std::vector<uint8_t> buf(len, byte);
    write(pa, buf.data(), len);
}

void Smmu::create() {
    char err[256] = "";
    smmu_host_t h = mem.host();
    smmu = smmu_create(&cfg, &h, err, sizeof err);
    ASSERT_NE(smmu, nullptr) << err;
}

void Smmu::set_cr0(uint32_t v) {
    w32(SMMU_CR0, v);
    EXPECT_EQ(r32(SMMU_CR0ACK), v) << "CR0ACK must follow CR0";
}

void Smmu::bringup(bool enable_smmu) {
    if (!smmu) { create(); if (!smmu) return; }
    set_cr0(0);
    w32(SMMU_CR1, 0xD75);                // queues and tables WB, ISH
    w32(SMMU_CR2, SMMU_CR2_PTM | SMMU_CR2_RECINVSID);
    for (uint32_t sid = 0; sid < (1u << strtab_log2); sid++) write_ste(sid, ste::abort_ste());
    w64(SMMU_STRTAB_BASE, kStrtab);
    w32(SMMU_STRTAB_BASE_CFG, strtab_log2);   // linear
    w64(SMMU_CMDQ_BASE, kCmdq | cmdq_log2);
    w32(SMMU_CMDQ_PROD, 0);
    w32(SMMU_CMDQ_CONS, 0);
    cmd_prod = 0;
    set_cr0(SMMU_CR0_CMDQEN);
    submit({cmd::cfgi_all(), cmd::sync()});
    submit({cmd::tlbi_nsnh_all(), cmd::sync()});
    w64(SMMU_EVENTQ_BASE, kEvtq | evtq_log2);
    w32(SMMU_EVENTQ_PROD, 0);
    w32(SMMU_EVENTQ_CONS, 0);
    evt_cons = 0;
    set_cr0(SMMU_CR0_CMDQEN | SMMU_CR0_EVENTQEN);
    w32(SMMU_IRQ_CTRL, 0);
    EXPECT_EQ(r32(SMMU_IRQ_CTRLACK), 0u);
    w64(SMMU_GERROR_IRQ_CFG0, 0);
    w64(SMMU_EVENTQ_IRQ_CFG0, 0);
    w32(SMMU_IRQ_CTRL, SMMU_IRQ_CTRL_GERROR_IRQEN | SMMU_IRQ_CTRL_EVENTQ_IRQEN);
    EXPECT_EQ(r32(SMMU_IRQ_CTRLACK), SMMU_IRQ_CTRL_GERROR_IRQEN | SMMU_IRQ_CTRL_EVENTQ_IRQEN);
    if (enable_smmu) set_cr0(SMMU_CR0_CMDQEN | SMMU_CR0_EVENTQEN | SMMU_CR0_SMMUEN);
}

uint32_t Smmu::submit(const std::vector<std::array<uint64_t, 2>> &cmds) {
    uint32_t n = 1u << cmdq_log2;
    for (const auto &c : cmds) {
        uint32_t idx = cmd_prod & (n - 1);
        mem.w64(kCmdq + idx * 16, c[0]);
        mem.w64(kCmdq + idx * 16 + 8, c[1]);
        cmd_prod = (cmd_prod + 1) & ((2 * n) - 1);
    }
    w32(SMMU_CMDQ_PROD, cmd_prod);
    return r32(SMMU_CMDQ_CONS);
}

void Smmu::sync() {
    uint32_t cons = submit({cmd::sync()});
    EXPECT_EQ(cons & SMMU_CMDQ_CONS_ERR_MASK, 0u) << "CMDQ_CONS.ERR";
    EXPECT_EQ(cons & ((2u << cmdq_log2) - 1), cmd_prod) << "CMD_SYNC not consumed";
}

void Smmu::write_ste(uint32_t sid, const Qwords8 &s) {
    for (int i = 0; i < 8; i++) mem.w64(kStrtab + (uint64_t)sid * 64 + 8 * i, s[i]);
}

std::vector<std::array<uint64_t, 4>> Smmu::pop_events() {
    std::vector<std::array<uint64_t, 4>> out;
    uint32_t n = 1u << evtq_log2, mask = 2 * n - 1;
    uint32_t prod = r32(SMMU_EVENTQ_PROD);
    while ((evt_cons & mask) != (prod & mask)) {
        uint32_t idx = evt_cons & (n - 1);
        std::array<uint64_t, 4> rec;
        for (int i = 0; i < 4; i++) rec[i] = mem.r64(kEvtq + idx * 32 + 8 * i);
        out.push_back(rec);
        evt_cons = (evt_cons + 1) & mask;
    }
    w32(SMMU_EVENTQ_CONS, (evt_cons & mask) | (prod & SMMU_EVENTQ_PROD_OVFLG));
    return out;
}

smmu_result_t Smmu::xlate(uint32_t sid, uint64_t addr, bool write, uint32_t ssid, bool ssv, bool priv,
                          bool instr, uint32_t port) {
    smmu_txn_t t{};
    t.sid = sid; t.ssid = ssid; t.ssv = ssv; t.addr = addr;
    t.write = write; t.instr = instr; t.priv = priv; t.port = port;
    smmu_result_t r{};
    smmu_translate(smmu, &t, &r);
    return r;
}

std::string shared_dir() {
    std::string d = SMMU_SHARED_DIR;
    struct stat st;
    if (stat(d.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return d;
    return "";
}

} // namespace th
