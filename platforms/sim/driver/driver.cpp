// SPDX-License-Identifier: BSD-3-Clause
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
    f.two_lvl_strtab = SMMU_FIELD_GET(idr0, SMMU_IDR0_ST_LEVEL) == 1;
    f.two_lvl_cdtab = idr0 & SMMU_IDR0_CD2L;
    unsigned endian = (unsigned)SMMU_FIELD_GET(idr0, SMMU_IDR0_TTENDIAN);
    if (endian == 3) return fail("no little-endian table support (IDR0.TTENDIAN)");
    f.pri = idr0 & SMMU_IDR0_PRI;
    f.ats = idr0 & SMMU_IDR0_ATS;
    f.sev = idr0 & SMMU_IDR0_SEV;
    f.coherent = idr0 & SMMU_IDR0_COHACC;
    f.msi = idr0 & SMMU_IDR0_MSI;
    f.msipoll = f.msi && f.coherent;
    f.hyp = idr0 & SMMU_IDR0_HYP;
    unsigned stall_model = (unsigned)SMMU_FIELD_GET(idr0, SMMU_IDR0_STALL_MODEL);
    f.stalls = stall_model == 0 || stall_model == 2;
    f.stall_force = stall_model == 2;
    f.s1 = idr0 & SMMU_IDR0_S1P;
    f.s2 = idr0 & SMMU_IDR0_S2P;
    if (!f.s1 && !f.s2) return fail("no translation support!");
    unsigned ttf = (unsigned)SMMU_FIELD_GET(idr0, SMMU_IDR0_TTF);
    if (ttf == 3) f.ias = 40;
    else if (ttf != 2) return fail("AArch64 table format not supported!");
    f.asid_bits = idr0 & SMMU_IDR0_ASID16 ? 16 : 8;
    f.vmid_bits = idr0 & SMMU_IDR0_VMID16 ? 16 : 8;

    uint32_t idr1 = rd(IDR1);
    if (idr1 & (SMMU_IDR1_TABLES_PRESET | SMMU_IDR1_QUEUES_PRESET | SMMU_IDR1_REL)) return fail("embedded implementation not supported");
    f.attr_types_ovr = idr1 & SMMU_IDR1_ATTR_TYPES_OVR;
    f.cmdq_shift = (unsigned)SMMU_FIELD_GET(idr1, SMMU_IDR1_CMDQS);
    if (f.cmdq_shift <= 6) return fail("command queue size <= 64 entries not supported");
    f.evtq_shift = (unsigned)SMMU_FIELD_GET(idr1, SMMU_IDR1_EVENTQS);
    f.priq_shift = (unsigned)SMMU_FIELD_GET(idr1, SMMU_IDR1_PRIQS);
    f.ssid_bits = (unsigned)SMMU_FIELD_GET(idr1, SMMU_IDR1_SSIDSIZE);
    f.sid_bits = (unsigned)SMMU_FIELD_GET(idr1, SMMU_IDR1_SIDSIZE);
    if (f.sid_bits <= 8) f.two_lvl_strtab = false;

    uint32_t idr3 = rd(IDR3);
    f.range_inv = idr3 & SMMU_IDR3_RIL;
    f.s2fwb = idr3 & SMMU_IDR3_FWB;
    f.bbml2 = SMMU_FIELD_GET(idr3, SMMU_IDR3_BBML) == 2;

    uint32_t idr5 = rd(IDR5);
    f.stall_max = (unsigned)SMMU_FIELD_GET(idr5, SMMU_IDR5_STALL_MAX);
    if (idr5 & SMMU_IDR5_GRAN64K) f.pgsize_bitmap |= (1ull << 16) | (1ull << 29);
    if (idr5 & SMMU_IDR5_GRAN16K) f.pgsize_bitmap |= (1ull << 14) | (1ull << 25);
    if (idr5 & SMMU_IDR5_GRAN4K) f.pgsize_bitmap |= (1ull << 12) | (1ull << 21) | (1ull << 30);
    static const unsigned oas_bits[] = {32, 36, 40, 42, 44, 48, 52};
    unsigned oas = (unsigned)SMMU_FIELD_GET(idr5, SMMU_IDR5_OAS);
    f.oas = oas < 7 ? oas_bits[oas] : 48;
    if (f.oas == 52) f.pgsize_bitmap |= 1ull << 42;
    vax_ = SMMU_FIELD_GET(idr5, SMMU_IDR5_VAX) == 1;
    f.ias = std::max(f.ias, f.oas);
    f.nesting = f.s1 && f.s2;

    f.iidr = rd(IIDR);
    unsigned implementer = (unsigned)SMMU_FIELD_GET(f.iidr, SMMU_IIDR_IMPLEMENTER),
             revision = (unsigned)SMMU_FIELD_GET(f.iidr, SMMU_IIDR_REVISION),
             variant = (unsigned)SMMU_FIELD_GET(f.iidr, SMMU_IIDR_VARIANT),
             product = (unsigned)SMMU_FIELD_GET(f.iidr, SMMU_IIDR_PRODUCTID);
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
    if (f_.pri && !priq_alloc()) return false;
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
    wr(CR1, CR1_LINUX);
    wr(CR2, SMMU_CR2_PTM | SMMU_CR2_RECINVSID);
    wr64(STRTAB_BASE, (strtab_ & SMMU_STRTAB_BASE_ADDR_MASK) | SMMU_STRTAB_BASE_RA);
    uint32_t cfg = (uint32_t)SMMU_FIELD_PREP(SMMU_STRTAB_BASE_CFG_LOG2SIZE, strtab_sid_bits_);
    if (strtab_2lvl_)
        cfg |= (uint32_t)(SMMU_FIELD_PREP(SMMU_STRTAB_BASE_CFG_FMT, SMMU_STRTAB_FMT_2LEVEL) |
                          SMMU_FIELD_PREP(SMMU_STRTAB_BASE_CFG_SPLIT, ste::L1_SPLIT));
    wr(STRTAB_BASE_CFG, cfg);
    wr64(CMDQ_BASE, SMMU_CMDQ_BASE_RA | (cmdq_ & SMMU_Q_BASE_ADDR_MASK) | cmdq_log2_);
    wr(CMDQ_PROD, 0);
    wr(CMDQ_CONS, 0);
    cmdq_prod_ = cmdq_cons_ = 0;
    uint32_t en = CR0_CMDQEN;
    if (!write_reg_sync(CR0, en, CR0ACK)) return false;
    if (!issue({cmd::cfgi_all()})) return false;
    if (f_.hyp && !issue({cmd::tlbi_el2_all()})) return false;
    if (!issue({cmd::tlbi_nsnh_all()})) return false;
    wr64(EVENTQ_BASE, SMMU_EVENTQ_BASE_WA | (evtq_ & SMMU_Q_BASE_ADDR_MASK) | evtq_log2_);
    wr(EVENTQ_PROD, 0);
    wr(EVENTQ_CONS, 0);
    evtq_cons_ = 0;
    en |= CR0_EVTQEN;
    if (!write_reg_sync(CR0, en, CR0ACK)) return false;
    if (!ats_pri_enable(en)) return false;
    if (!write_reg_sync(IRQ_CTRL, 0, IRQ_CTRLACK)) return false;
    wr64(GERROR_IRQ_CFG0, 0);
    wr64(EVENTQ_IRQ_CFG0, 0);
    if (!write_reg_sync(IRQ_CTRL, IRQ_EVTQ | IRQ_GERROR | (priq_ ? SMMU_IRQ_CTRL_PRIQ_IRQEN : 0u), IRQ_CTRLACK)) return false;
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
    uint32_t g = rd(GERROR), gn = rd(GERRORN), active = (g ^ gn) & GERROR_ERRORS;
    if (!active) return 0;
    if (active & GERROR_CMDQ_ERR) {
        cnt_.cmdq_errors++;
        uint32_t cons = rd(CMDQ_CONS), err = (uint32_t)SMMU_FIELD_GET(cons, SMMU_CMDQ_CONS_ERR);
        if (err == SMMU_CERROR_ILL) {   // replace the bad command with a CMD_SYNC (CS=SEV) and go on
            uint64_t slot = cmdq_ + 16ull * (cons & ((1u << cmdq_log2_) - 1));
            Cmd s = cmd::sync(SMMU_CMD_SYNC_CS_SEV);
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
