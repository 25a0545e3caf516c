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
    if (level && (unsigned)line < 4) m->irq_edges[line]++;
}

smmu_host_t Memory::host() {
    smmu_host_t h;
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
    w32(0x20, v);
    EXPECT_EQ(r32(0x24), v) << "CR0ACK must follow CR0";
}

void Smmu::bringup(bool enable_smmu) {
    if (!smmu) { create(); if (!smmu) return; }
    set_cr0(0);
    w32(0x28, 0xD75);                    // CR1
    w32(0x2C, 0x6);                      // CR2: PTM | RECINVSID
    for (uint32_t sid = 0; sid < (1u << strtab_log2); sid++) write_ste(sid, ste::abort_ste());
    w64(0x80, kStrtab);                  // STRTAB_BASE
    w32(0x88, strtab_log2);              // STRTAB_BASE_CFG: linear
    w64(0x90, kCmdq | cmdq_log2);        // CMDQ_BASE
    w32(0x98, 0);
    w32(0x9C, 0);
    cmd_prod = 0;
    set_cr0(0x8);                        // CMDQEN
    submit({cmd::cfgi_all(), cmd::sync()});
    submit({cmd::tlbi_nsnh_all(), cmd::sync()});
    w64(0xA0, kEvtq | evtq_log2);        // EVENTQ_BASE
    w32(0x100A8, 0);
    w32(0x100AC, 0);
    evt_cons = 0;
    set_cr0(0xC);                        // EVTQEN
    w32(0x50, 0);
    EXPECT_EQ(r32(0x54), 0u);
    w64(0x68, 0);
    w64(0xB0, 0);
    w32(0x50, 0x5);                      // GERROR + EVTQ IRQEN
    EXPECT_EQ(r32(0x54), 0x5u);
    if (enable_smmu) set_cr0(0xD);
}

uint32_t Smmu::submit(const std::vector<std::array<uint64_t, 2>> &cmds) {
    uint32_t n = 1u << cmdq_log2;
    for (const auto &c : cmds) {
        uint32_t idx = cmd_prod & (n - 1);
        mem.w64(kCmdq + idx * 16, c[0]);
        mem.w64(kCmdq + idx * 16 + 8, c[1]);
        cmd_prod = (cmd_prod + 1) & ((2 * n) - 1);
    }
    w32(0x98, cmd_prod);
    return r32(0x9C);
}

void Smmu::sync() {
    uint32_t cons = submit({cmd::sync()});
    EXPECT_EQ(cons & 0x7F000000u, 0u) << "CMDQ_CONS.ERR";
    EXPECT_EQ(cons & ((2u << cmdq_log2) - 1), cmd_prod) << "CMD_SYNC not consumed";
}

void Smmu::write_ste(uint32_t sid, const Qwords8 &s) {
    for (int i = 0; i < 8; i++) mem.w64(kStrtab + (uint64_t)sid * 64 + 8 * i, s[i]);
}

std::vector<std::array<uint64_t, 4>> Smmu::pop_events() {
    std::vector<std::array<uint64_t, 4>> out;
    uint32_t n = 1u << evtq_log2, mask = 2 * n - 1;
    uint32_t prod = r32(0x100A8);
    while ((evt_cons & mask) != (prod & mask)) {
        uint32_t idx = evt_cons & (n - 1);
        std::array<uint64_t, 4> rec;
        for (int i = 0; i < 4; i++) rec[i] = mem.r64(kEvtq + idx * 32 + 8 * i);
        out.push_back(rec);
        evt_cons = (evt_cons + 1) & mask;
    }
    w32(0x100AC, (evt_cons & mask) | (prod & 0x80000000u));
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
