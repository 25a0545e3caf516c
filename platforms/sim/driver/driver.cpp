// Probe, reset and the command/event queues of the Linux arm-smmu-v3 driver (sequence: linux-driver-sequence.md 2.1-2.3, 2.6).
#include "driver.h"

#include <cstdio>

#include "driver_internal.h"
#include "driver_state.h"

namespace smmusim {

SmmuDriver::SmmuDriver(RegisterPort &regs, PhysMemory &mem, PhysAllocator &alloc, DriverOptions opt)
    : regs_(regs), mem_(mem), alloc_(alloc), opt_(opt) {}

SmmuDriver::~SmmuDriver()
{
    // Nested domains read their tables through their stage-2 parent, which was allocated earlier.
    while (!domains_.empty()) domains_.pop_back();
}

uint32_t SmmuDriver::rd(uint64_t off) { cnt_.reg_reads++; return regs_.read32(off); }
void SmmuDriver::wr(uint64_t off, uint32_t v) { cnt_.reg_writes++; regs_.write32(off, v); }
void SmmuDriver::wr64(uint64_t off, uint64_t v) { cnt_.reg_writes++; regs_.write64(off, v); }

bool SmmuDriver::write_reg_sync(uint64_t off, uint32_t v, uint64_t ack)
{
    wr(off, v);
    for (uint64_t i = 0; i < opt_.poll_limit; i++) {
        if (rd(ack) == v) return true;
        cnt_.polls++;
        regs_.relax();
    }
    cnt_.timeouts++;
    char m[96];
    std::snprintf(m, sizeof m, "timeout waiting for register 0x%llx to acknowledge 0x%x", (unsigned long long)ack, v);
    return fail(m);
}

bool SmmuDriver::probe() { return hw_probe() && init_structures() && reset(); }

bool SmmuDriver::hw_probe()
{
    using namespace reg;
    Features f;
    uint32_t idr0 = rd(IDR0);
    f.two_lvl_strtab = ((idr0 >> 27) & 3) == 1;
    f.two_lvl_cdtab = (idr0 >> 19) & 1;
    unsigned endian = (idr0 >> 21) & 3;
    if (endian == 3) return fail("no little-endian table support (IDR0.TTENDIAN)");
    f.pri = (idr0 >> 16) & 1;
    f.ats = (idr0 >> 10) & 1;
    f.sev = (idr0 >> 14) & 1;
    f.coherent = (idr0 >> 4) & 1;
    f.msi = (idr0 >> 13) & 1;
    f.msipoll = f.msi && f.coherent;
    f.hyp = (idr0 >> 9) & 1;
    unsigned stall_model = (idr0 >> 24) & 3;
    f.stalls = stall_model == 0 || stall_model == 2;
    f.stall_force = stall_model == 2;
    f.s1 = (idr0 >> 1) & 1;
    f.s2 = idr0 & 1;
    if (!f.s1 && !f.s2) return fail("no translation support!");
    unsigned ttf = (idr0 >> 2) & 3;
    if (ttf == 3) f.ias = 40;
    else if (ttf != 2) return fail("AArch64 table format not supported!");
    f.asid_bits = (idr0 >> 12) & 1 ? 16 : 8;
    f.vmid_bits = (idr0 >> 18) & 1 ? 16 : 8;

    uint32_t idr1 = rd(IDR1);
    if (idr1 & (7u << 28)) return fail("embedded implementation not supported");
    f.attr_types_ovr = (idr1 >> 27) & 1;
    f.cmdq_shift = (idr1 >> 21) & 0x1F;
    if (f.cmdq_shift <= 6) return fail("command queue size <= 64 entries not supported");
    f.evtq_shift = (idr1 >> 16) & 0x1F;
    f.priq_shift = (idr1 >> 11) & 0x1F;
    f.ssid_bits = (idr1 >> 6) & 0x1F;
    f.sid_bits = idr1 & 0x3F;
    if (f.sid_bits <= 8) f.two_lvl_strtab = false;

    uint32_t idr3 = rd(IDR3);
    f.range_inv = (idr3 >> 10) & 1;
    f.s2fwb = (idr3 >> 8) & 1;
    f.bbml2 = ((idr3 >> 11) & 3) == 2;

    uint32_t idr5 = rd(IDR5);
    f.stall_max = idr5 >> 16;
    if ((idr5 >> 6) & 1) f.pgsize_bitmap |= (1ull << 16) | (1ull << 29);
    if ((idr5 >> 5) & 1) f.pgsize_bitmap |= (1ull << 14) | (1ull << 25);
    if ((idr5 >> 4) & 1) f.pgsize_bitmap |= (1ull << 12) | (1ull << 21) | (1ull << 30);
    static const unsigned oas_bits[] = {32, 36, 40, 42, 44, 48, 52};
    unsigned oas = idr5 & 7;
    f.oas = oas < 7 ? oas_bits[oas] : 48;
    if (f.oas == 52) f.pgsize_bitmap |= 1ull << 42;
    vax_ = ((idr5 >> 10) & 3) == 1;
    f.ias = std::max(f.ias, f.oas);
    f.nesting = f.s1 && f.s2;

    f.iidr = rd(IIDR);
    unsigned implementer = f.iidr & 0xFFF, revision = (f.iidr >> 12) & 0xF, variant = (f.iidr >> 16) & 0xF,
             product = f.iidr >> 20;
    if (implementer == 0x43B && product == 0x483) {          // MMU-600 errata
        if (variant == 0 && revision <= 2) f.sev = false;
        if (variant < 2) f.nesting = false;
    } else if (implementer == 0x43B && product == 0x487) {   // MMU-700 errata
        f.nesting = false;
        force_sync_ = true;
    }
    f_ = f;
    use_msipoll_ = opt_.sync == DriverOptions::Sync::Msi ? f.msi
                 : opt_.sync == DriverOptions::Sync::Poll ? false : f.msipoll;
    return true;
}

bool SmmuDriver::init_structures()
{
    cmdq_log2_ = std::min(opt_.cmdq_log2, f_.cmdq_shift);
    evtq_log2_ = std::min(opt_.evtq_log2, f_.evtq_shift);
    uint64_t cbytes = 16ull << cmdq_log2_, ebytes = 32ull << evtq_log2_;
    cmdq_ = alloc_.alloc(cbytes, std::max<uint64_t>(cbytes, 4096));
    evtq_ = alloc_.alloc(ebytes, std::max<uint64_t>(ebytes, 4096));
    if (!cmdq_ || !evtq_) return fail("out of memory for the queues");
    std::vector<uint8_t> zero(std::max(cbytes, ebytes), 0);
    mem_.write(cmdq_, zero.data(), cbytes);
    mem_.write(evtq_, zero.data(), ebytes);

    strtab_sid_bits_ = std::min(f_.sid_bits, opt_.max_sid_bits);
    strtab_2lvl_ = f_.two_lvl_strtab && strtab_sid_bits_ > 8;
    if (strtab_2lvl_) {
        unsigned l1_bits = std::min(strtab_sid_bits_ - 8, 17u);
        strtab_sid_bits_ = l1_bits + 8;
        uint64_t bytes = 8ull << l1_bits;
        strtab_ = alloc_.alloc(bytes, std::max<uint64_t>(bytes, 64));
        if (!strtab_) return fail("out of memory for the L1 stream table");
        std::vector<uint8_t> z(bytes, 0);
        mem_.write(strtab_, z.data(), bytes);
        l2_.assign(1ull << l1_bits, 0);
    } else {
        uint64_t n = 1ull << strtab_sid_bits_, bytes = 64 * n;
        strtab_ = alloc_.alloc(bytes, std::max<uint64_t>(bytes, 64));
        if (!strtab_) return fail("out of memory for the stream table");
        for (uint64_t i = 0; i < n; i++) mem_.w64(strtab_ + 64 * i, ste::ABORT0);   // all abort
    }
    return true;
}

bool SmmuDriver::reset()
{
    using namespace reg;
    uint32_t cr0 = rd(CR0);
    if (cr0 & CR0_SMMUEN) {
        // "SMMU currently enabled! Resetting...": abort incoming traffic while the tables change.
        for (uint64_t i = 0; (rd(GBPA) & GBPA_UPDATE) && i < opt_.poll_limit; i++) regs_.relax();
        wr(GBPA, rd(GBPA) | GBPA_ABORT | GBPA_UPDATE);
        for (uint64_t i = 0; (rd(GBPA) & GBPA_UPDATE) && i < opt_.poll_limit; i++) regs_.relax();
    }
    if (!write_reg_sync(CR0, 0, CR0ACK)) return false;
    wr(CR1, 0xD75);   // tables and queues: inner shareable, write-back cacheable
    wr(CR2, 0x6);     // PTM | RECINVSID
    wr64(STRTAB_BASE, (strtab_ & 0x000FFFFFFFFFFFC0ull) | 1ull << 62);
    uint32_t cfg = strtab_2lvl_ ? (1u << 16 | 8u << 6 | strtab_sid_bits_) : strtab_sid_bits_;
    wr(STRTAB_BASE_CFG, cfg);
    wr64(CMDQ_BASE, 1ull << 62 | (cmdq_ & 0x000FFFFFFFFFFFE0ull) | cmdq_log2_);
    wr(CMDQ_PROD, 0);
    wr(CMDQ_CONS, 0);
    cmdq_prod_ = cmdq_cons_ = 0;
    uint32_t en = CR0_CMDQEN;
    if (!write_reg_sync(CR0, en, CR0ACK)) return false;
    if (!issue({cmd::cfgi_all()})) return false;
    if (f_.hyp && !issue({cmd::tlbi_el2_all()})) return false;
    if (!issue({cmd::tlbi_nsnh_all()})) return false;
    wr64(EVENTQ_BASE, 1ull << 62 | (evtq_ & 0x000FFFFFFFFFFFE0ull) | evtq_log2_);
    wr(EVENTQ_PROD, 0);
    wr(EVENTQ_CONS, 0);
    evtq_cons_ = 0;
    en |= CR0_EVTQEN;
    if (!write_reg_sync(CR0, en, CR0ACK)) return false;
    if (!write_reg_sync(IRQ_CTRL, 0, IRQ_CTRLACK)) return false;
    wr64(GERROR_IRQ_CFG0, 0);
    wr64(EVENTQ_IRQ_CFG0, 0);
    if (!write_reg_sync(IRQ_CTRL, IRQ_EVTQ | IRQ_GERROR, IRQ_CTRLACK)) return false;
    en |= CR0_SMMUEN;
    return write_reg_sync(CR0, en, CR0ACK);
}

bool SmmuDriver::cmdq_space(uint32_t n)
{
    uint32_t size = 1u << cmdq_log2_, mask2 = (2u << cmdq_log2_) - 1;
    if (size - ((cmdq_prod_ - cmdq_cons_) & mask2) >= n) return true;   // the shadow CONS is enough
    bool published = false;
    for (uint64_t i = 0; i < opt_.poll_limit; i++) {
        cmdq_cons_ = rd(reg::CMDQ_CONS) & mask2;
        if (size - ((cmdq_prod_ - cmdq_cons_) & mask2) >= n) return true;
        if (!published) { wr(reg::CMDQ_PROD, cmdq_prod_); published = true; continue; }
        if ((rd(reg::GERROR) ^ rd(reg::GERRORN)) & reg::GERROR_CMDQ_ERR) handle_gerror();
        cnt_.polls++;
        regs_.relax();
    }
    cnt_.timeouts++;
    return fail("CMDQ timeout");
}

bool SmmuDriver::issue(const std::vector<Cmd> &cmds, bool sync)
{
    uint32_t mask = (1u << cmdq_log2_) - 1, mask2 = (2u << cmdq_log2_) - 1;
    auto put = [&](const Cmd &c) {
        uint64_t slot = cmdq_ + 16ull * (cmdq_prod_ & mask);
        mem_.w64(slot, c[0]);
        mem_.w64(slot + 8, c[1]);
        cmdq_prod_ = (cmdq_prod_ + 1) & mask2;
        cnt_.commands++;
        uint8_t o = (uint8_t)c[0];
        if (o >= op::CFGI_STE && o <= op::CFGI_CD_ALL) cnt_.cfgi++;
        if (o >= op::TLBI_NH_ALL && o <= op::TLBI_NSNH_ALL) cnt_.tlbi++;
    };
    size_t batch = 0;
    for (size_t i = 0; i < cmds.size(); i++) {
        if (!cmdq_space(1)) return false;
        put(cmds[i]);
        // MMU-700 erratum workaround (CMDQ_FORCE_SYNC): a SYNC after the 63rd command of a batch.
        if (force_sync_ && ++batch == 63 && i + 1 < cmds.size()) {
            batch = 0;
            if (!issue({}, true)) return false;
        }
    }
    if (!sync) {
        wr(reg::CMDQ_PROD, cmdq_prod_);
        return true;
    }
    if (!cmdq_space(1)) return false;
    uint32_t pos = cmdq_prod_;
    uint64_t slot = cmdq_ + 16ull * (pos & mask);
    put(use_msipoll_ ? cmd::sync(1, slot, 0) : cmd::sync(2));
    cnt_.syncs++;
    wr(reg::CMDQ_PROD, cmdq_prod_);
    return wait_sync(pos);
}

bool SmmuDriver::wait_sync(uint64_t pos)
{
    uint32_t size = 1u << cmdq_log2_, mask2 = (2u << cmdq_log2_) - 1;
    uint64_t slot = cmdq_ + 16ull * (pos & (size - 1));
    for (uint64_t i = 0; i < opt_.poll_limit; i++) {
        if (use_msipoll_) {
            if (mem_.r32(slot) == 0) return true;       // the SMMU's MSI wrote 0 over its own slot
        } else {
            uint32_t cons = rd(reg::CMDQ_CONS) & mask2;
            uint32_t d = (cons - (uint32_t)pos) & mask2;  // consumed once CONS has moved past the SYNC
            if (d >= 1 && d <= size) { cmdq_cons_ = cons; return true; }
        }
        if ((rd(reg::GERROR) ^ rd(reg::GERRORN)) & reg::GERROR_CMDQ_ERR) handle_gerror();
        cnt_.polls++;
        regs_.relax();
    }
    cnt_.timeouts++;
    char m[128];
    std::snprintf(m, sizeof m, "CMD_SYNC timeout at 0x%08x [hwprod 0x%08x, hwcons 0x%08x]", (unsigned)pos,
                  cmdq_prod_, rd(reg::CMDQ_CONS));
    return fail(m);
}

uint32_t SmmuDriver::handle_gerror()
{
    using namespace reg;
    uint32_t g = rd(GERROR), gn = rd(GERRORN), active = (g ^ gn) & 0x1FD;
    if (!active) return 0;
    if (active & GERROR_CMDQ_ERR) {
        cnt_.cmdq_errors++;
        uint32_t cons = rd(CMDQ_CONS), err = (cons >> 24) & 0x7F;
        if (err == 1) {   // CERROR_ILL: replace the bad command with a CMD_SYNC (CS=SEV) and go on
            uint64_t slot = cmdq_ + 16ull * (cons & ((1u << cmdq_log2_) - 1));
            Cmd s = cmd::sync(2);
            mem_.w64(slot, s[0]);
            mem_.w64(slot + 8, s[1]);
        }
    }
    wr(GERRORN, g);
    return active;
}

std::vector<Event> SmmuDriver::drain_events()
{
    using namespace reg;
    std::vector<Event> out;
    uint32_t mask = (1u << evtq_log2_) - 1, mask2 = (2u << evtq_log2_) - 1;
    for (;;) {
        uint32_t prod = rd(EVENTQ_PROD);
        bool drained = false;
        while ((evtq_cons_ & mask2) != (prod & mask2)) {
            uint64_t slot = evtq_ + 32ull * (evtq_cons_ & mask);
            std::array<uint64_t, 4> raw;
            for (int i = 0; i < 4; i++) raw[i] = mem_.r64(slot + 8 * i);
            evtq_cons_ = (evtq_cons_ & Q_OVF) | (((evtq_cons_ & mask2) + 1) & mask2);
            wr(EVENTQ_CONS, evtq_cons_);
            Event e = decode_event(raw);
            out.push_back(e);
            cnt_.events++;
            if (e.stall) resume(e.sid, e.stag, on_stall ? on_stall(e) : false);
            drained = true;
        }
        if ((prod & Q_OVF) != (evtq_cons_ & Q_OVF)) {   // "EVTQ overflow detected -- events lost"
            cnt_.evtq_overflows++;
            evtq_cons_ = (evtq_cons_ & ~Q_OVF) | (prod & Q_OVF);
            wr(EVENTQ_CONS, evtq_cons_);
        }
        if (!drained) break;
    }
    return out;
}

bool SmmuDriver::resume(uint32_t sid, uint16_t stag, bool retry)
{
    cnt_.resumes++;
    return issue({cmd::resume(sid, stag, retry)}, false);   // no SYNC after RESUME
}

} // namespace smmusim
