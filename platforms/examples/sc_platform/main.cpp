// SPDX-License-Identifier: BSD-3-Clause
// A SystemC platform built against the installed smmuv3 package: a DMA device (TLM-2.0 LT initiator tagging its
// transactions with smmu::StreamIdExtension) on the SMMU's upstream port, the smmu::Smmuv3 module, a memory behind
// it, and a CPU thread whose driver, written against <smmu/regs.h>, brings the SMMU up the way Linux does, maps
// pages with a stage-1 table, runs DMA through it, provokes an F_TRANSLATION and reads the event back.
// docs/programming.md explains each step (in C: platforms/examples/embed_c). Exit status 0 when every check passed.
#include <array>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <vector>

#include <smmu/regs.h>
#include <smmu/sc/smmuv3.h>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

using namespace sc_core;

// ---- Memory map: 16 MiB of memory at PA 0 holding the SMMU's tables and queues and the DMA buffers.
constexpr uint64_t kMemSize = 16u << 20;
constexpr uint64_t kStrtab = 0x100000, kCmdq = 0x110000, kEvtq = 0x120000, kCd = 0x130000;
constexpr uint64_t kPgtables = 0x200000, kDmaBuf = 0x800000;
constexpr unsigned kSidBits = 6, kCmdqLog2 = 8, kEvtqLog2 = 7;
constexpr uint32_t kSid = 5;
constexpr uint16_t kAsid = 1;
constexpr uint64_t kIova = 0x40000000;
constexpr unsigned kPages = 4;

// ---- The memory: an LT target with a fixed latency; little-endian like the SMMU's tables and queues.
struct Memory : sc_module {
    tlm_utils::simple_target_socket<Memory> socket;
    std::vector<uint8_t> bytes = std::vector<uint8_t>(kMemSize);
    explicit Memory(sc_module_name n) : sc_module(n), socket("socket")
    {
        socket.register_b_transport(this, &Memory::b_transport);
    }
    void b_transport(tlm::tlm_generic_payload &gp, sc_time &delay)
    {
        const uint64_t a = gp.get_address(), n = gp.get_data_length();
        const unsigned char *be = gp.get_byte_enable_ptr();
        const unsigned be_len = gp.get_byte_enable_length();
        if (a >= kMemSize || n > kMemSize - a) {
            gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
            return;
        }
        for (uint64_t i = 0; i < n; i++) {
            if (be && be_len && be[i % be_len] != TLM_BYTE_ENABLED) continue;
            if (gp.is_read()) gp.get_data_ptr()[i] = bytes[a + i];
            else bytes[a + i] = gp.get_data_ptr()[i];
        }
        delay += sc_time(20, SC_NS);
        gp.set_response_status(tlm::TLM_OK_RESPONSE);
    }
    // The CPU's view of the same memory (it writes tables and reads queues directly).
    void w64(uint64_t a, uint64_t v) { for (int i = 0; i < 8; i++) bytes[a + i] = uint8_t(v >> 8 * i); }
    uint64_t r64(uint64_t a) const
    {
        uint64_t v = 0;
        for (int i = 7; i >= 0; i--) v = v << 8 | bytes[a + i];
        return v;
    }
};

// ---- The DMA device: every transaction carries its StreamID.
struct DmaDevice : sc_module {
    tlm_utils::simple_initiator_socket<DmaDevice> socket;
    smmu::StreamIdExtension sid;
    DmaDevice(sc_module_name n, uint32_t stream) : sc_module(n), socket("socket"), sid(stream) {}
    tlm::tlm_response_status transfer(bool write, uint64_t iova, uint32_t &data)
    {
        tlm::tlm_generic_payload gp;
        sc_time delay = SC_ZERO_TIME;
        gp.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
        gp.set_address(iova);
        gp.set_data_ptr(reinterpret_cast<unsigned char *>(&data));
        gp.set_data_length(4);
        gp.set_streaming_width(4);
        gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        gp.set_extension(&sid);
        socket->b_transport(gp, delay);
        gp.clear_extension(&sid);        // ours, not the payload's to free
        wait(delay);
        return gp.get_response_status();
    }
};

// ---- The CPU: its driver programs the SMMU through reg_socket and runs the device's DMA.
struct Cpu : sc_module {
    tlm_utils::simple_initiator_socket<Cpu> regs;
    sc_in<bool> evtq_irq;
    Memory &mem;
    DmaDevice &dev;
    unsigned evtq_irqs = 0, failures = 0;
    uint32_t cmdq_prod = 0;
    uint64_t next_table = kPgtables + 0x1000;   // the stage-1 root table is at kPgtables

    SC_HAS_PROCESS(Cpu);
    Cpu(sc_module_name n, Memory &m, DmaDevice &d) : sc_module(n), regs("regs"), evtq_irq("evtq_irq"), mem(m), dev(d)
    {
        SC_THREAD(run);
        SC_METHOD(count_irq);
        sensitive << evtq_irq.pos();
        dont_initialize();
    }
    void count_irq() { evtq_irqs++; }

    void check(bool ok, const char *what)
    {
        std::printf("%s: %s\n", ok ? "ok" : "FAIL", what);
        failures += !ok;
    }
    uint64_t reg(bool write, uint32_t off, uint64_t v, unsigned len)
    {
        tlm::tlm_generic_payload gp;
        sc_time delay = SC_ZERO_TIME;
        gp.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
        gp.set_address(off);
        gp.set_data_ptr(reinterpret_cast<unsigned char *>(&v));   // TLM data is in host byte order
        gp.set_data_length(len);
        gp.set_streaming_width(len);
        gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        regs->b_transport(gp, delay);
        wait(delay);
        if (!gp.is_response_ok()) check(false, "register access");
        return len == 4 ? v & 0xFFFFFFFFu : v;
    }
    uint32_t rd(uint32_t off) { return uint32_t(reg(false, off, 0, 4)); }
    void wr(uint32_t off, uint32_t v) { reg(true, off, v, 4); }
    void wr64(uint32_t off, uint64_t v) { reg(true, off, v, 8); }
    // Writes a register and polls its acknowledge register until it follows (CR0/CR0ACK, IRQ_CTRL/IRQ_CTRLACK).
    bool write_ack(uint32_t off, uint32_t ack, uint32_t v)
    {
        wr(off, v);
        for (int i = 0; i < 100; i++, wait(10, SC_NS))
            if (rd(ack) == v) return true;
        return false;
    }
    // Commands go in at PROD; CMD_SYNC completes when CMDQ_CONS passes it (a command error shows in GERROR).
    bool commands(std::initializer_list<std::array<uint64_t, 2>> cmds)
    {
        std::array<uint64_t, 2> sync;
        smmu_cmd_sync(sync.data(), SMMU_CMD_SYNC_CS_NONE, 0, 0);
        auto put = [&](const std::array<uint64_t, 2> &c) {
            const uint64_t slot = kCmdq + SMMU_CMDQ_ENT_BYTES * (cmdq_prod & ((1u << kCmdqLog2) - 1));
            mem.w64(slot, c[0]);
            mem.w64(slot + 8, c[1]);
            cmdq_prod = (cmdq_prod + 1) & ((2u << kCmdqLog2) - 1);
        };
        for (const auto &c : cmds) put(c);
        put(sync);
        wr(SMMU_CMDQ_PROD, cmdq_prod);
        for (int i = 0; i < 1000; i++, wait(10, SC_NS)) {
            if ((rd(SMMU_GERROR) ^ rd(SMMU_GERRORN)) & SMMU_GERROR_CMDQ_ERR) return false;
            if ((rd(SMMU_CMDQ_CONS) & ((2u << kCmdqLog2) - 1)) == cmdq_prod) return true;
        }
        return false;
    }
    static std::array<uint64_t, 2> cmd(void (*make)(uint64_t *))
    {
        std::array<uint64_t, 2> c;
        make(c.data());
        return c;
    }

    bool bring_up()
    {
        const uint32_t idr0 = rd(SMMU_IDR0), idr1 = rd(SMMU_IDR1), idr5 = rd(SMMU_IDR5);
        std::printf("probe: IDR0 0x%08x IDR1 0x%08x IDR5 0x%08x\n", idr0, idr1, idr5);
        if (!(idr0 & SMMU_IDR0_S1P) || !(idr5 & SMMU_IDR5_GRAN4K) ||
            SMMU_FIELD_GET(idr1, SMMU_IDR1_SIDSIZE) < kSidBits || SMMU_FIELD_GET(idr1, SMMU_IDR1_CMDQS) < kCmdqLog2 ||
            SMMU_FIELD_GET(idr1, SMMU_IDR1_EVENTQS) < kEvtqLog2)
            return false;
        uint64_t ste[8];
        smmu_ste_abort(ste);                    // every StreamID aborts until its device is attached
        for (uint32_t sid = 0; sid < 1u << kSidBits; sid++)
            for (int i = 0; i < 8; i++) mem.w64(kStrtab + SMMU_STE_BYTES * sid + 8 * i, ste[i]);
        if (!write_ack(SMMU_CR0, SMMU_CR0ACK, 0)) return false;
        wr(SMMU_CR1, uint32_t(SMMU_FIELD_PREP(SMMU_CR1_QUEUE_IC, SMMU_CACHE_WB) |
                              SMMU_FIELD_PREP(SMMU_CR1_QUEUE_OC, SMMU_CACHE_WB) |
                              SMMU_FIELD_PREP(SMMU_CR1_QUEUE_SH, SMMU_SH_ISH) |
                              SMMU_FIELD_PREP(SMMU_CR1_TABLE_IC, SMMU_CACHE_WB) |
                              SMMU_FIELD_PREP(SMMU_CR1_TABLE_OC, SMMU_CACHE_WB) |
                              SMMU_FIELD_PREP(SMMU_CR1_TABLE_SH, SMMU_SH_ISH)));
        wr(SMMU_CR2, SMMU_CR2_PTM | SMMU_CR2_RECINVSID);
        wr64(SMMU_STRTAB_BASE, (kStrtab & SMMU_STRTAB_BASE_ADDR_MASK) | SMMU_STRTAB_BASE_RA);
        wr(SMMU_STRTAB_BASE_CFG, uint32_t(SMMU_FIELD_PREP(SMMU_STRTAB_BASE_CFG_FMT, SMMU_STRTAB_FMT_LINEAR) |
                                          SMMU_FIELD_PREP(SMMU_STRTAB_BASE_CFG_LOG2SIZE, kSidBits)));
        wr64(SMMU_CMDQ_BASE, SMMU_CMDQ_BASE_RA | (kCmdq & SMMU_Q_BASE_ADDR_MASK) | kCmdqLog2);
        wr(SMMU_CMDQ_PROD, 0);
        wr(SMMU_CMDQ_CONS, 0);
        wr64(SMMU_EVENTQ_BASE, SMMU_EVENTQ_BASE_WA | (kEvtq & SMMU_Q_BASE_ADDR_MASK) | kEvtqLog2);
        wr(SMMU_EVENTQ_PROD, 0);
        wr(SMMU_EVENTQ_CONS, 0);
        if (!write_ack(SMMU_CR0, SMMU_CR0ACK, SMMU_CR0_CMDQEN) ||
            !commands({cmd(smmu_cmd_cfgi_all), cmd(smmu_cmd_tlbi_nsnh_all)}) ||
            !write_ack(SMMU_CR0, SMMU_CR0ACK, SMMU_CR0_CMDQEN | SMMU_CR0_EVENTQEN) ||
            !write_ack(SMMU_IRQ_CTRL, SMMU_IRQ_CTRLACK, SMMU_IRQ_CTRL_EVENTQ_IRQEN | SMMU_IRQ_CTRL_GERROR_IRQEN))
            return false;
        return write_ack(SMMU_CR0, SMMU_CR0ACK, SMMU_CR0_CMDQEN | SMMU_CR0_EVENTQEN | SMMU_CR0_SMMUEN);
    }

    // A 4KB page in a 48-bit, 4-level stage-1 table: Normal WB (MAIR attribute 1), EL0 read/write, ISH, AF, nG.
    void map_page(uint64_t iova, uint64_t pa)
    {
        uint64_t table = kPgtables;
        for (unsigned level = 0; level < 3; level++) {
            const uint64_t at = table + ((iova >> (39 - 9 * level)) & 0x1FF) * 8;
            if (!(mem.r64(at) & 1)) {
                mem.w64(at, next_table | 3);
                next_table += 0x1000;
            }
            table = mem.r64(at) & 0x0000FFFFFFFFF000ull;
        }
        mem.w64(table + ((iova >> 12) & 0x1FF) * 8, pa | 3 | 1u << 2 | 1u << 6 | 3u << 8 | 1u << 10 | 1u << 11);
    }
    bool attach(uint32_t sid)
    {
        uint64_t cd[8], ste[8];
        smmu_cd_s1_4k(cd, kAsid, kPgtables, 48, SMMU_PS_48BIT, 0xF404FF44);   // MAIR as Linux
        for (int i = 0; i < 8; i++) mem.w64(kCd + 8 * i, cd[i]);
        smmu_ste_s1(ste, kCd, 0);
        for (int i = 7; i >= 0; i--) mem.w64(kStrtab + SMMU_STE_BYTES * sid + 8 * i, ste[i]);   // word 0 (V) last
        std::array<uint64_t, 2> cfgi_cd, cfgi_ste;
        smmu_cmd_cfgi_cd(cfgi_cd.data(), sid, 0, true);
        smmu_cmd_cfgi_ste(cfgi_ste.data(), sid, true);
        return commands({cfgi_cd, cfgi_ste});
    }

    void run()
    {
        check(bring_up(), "SMMU probed and enabled");
        for (unsigned i = 0; i < kPages; i++) map_page(kIova + 0x1000ull * i, kDmaBuf + 0x3000ull * i);
        check(attach(kSid), "STE and CD installed");

        for (unsigned i = 0; i < kPages; i++) {
            const uint64_t iova = kIova + 0x1000ull * i + 0x80, pa = kDmaBuf + 0x3000ull * i + 0x80;
            uint32_t out = 0xC0DE0000u + i, in = 0;
            check(dev.transfer(true, iova, out) == tlm::TLM_OK_RESPONSE && uint32_t(mem.r64(pa)) == out,
                  "DMA write lands at the mapped PA");
            check(dev.transfer(false, iova, in) == tlm::TLM_OK_RESPONSE && in == out, "DMA read returns it");
        }

        // The page after the mapped ones has no descriptor: the read is terminated and recorded.
        const uint64_t hole = kIova + 0x1000ull * kPages + 0x10;
        uint32_t word = 0;
        check(dev.transfer(false, hole, word) == tlm::TLM_ADDRESS_ERROR_RESPONSE, "DMA to an unmapped page aborts");
        wait(100, SC_NS);
        const uint32_t prod = rd(SMMU_EVENTQ_PROD), mask = (2u << kEvtqLog2) - 1;
        check((prod & mask) == 1, "one event recorded");
        check(evtq_irqs == 1, "event queue interrupt raised");
        const uint64_t e0 = mem.r64(kEvtq), e1 = mem.r64(kEvtq + 8), e2 = mem.r64(kEvtq + 16);
        const unsigned id = unsigned(SMMU_FIELD_GET(e0, SMMU_EVT0_EVENTID));
        std::printf("event: id 0x%02x%s sid %u input 0x%" PRIx64 " RnW %d CLASS %u\n", id,
                    id == SMMU_EVT_F_TRANSLATION ? " (F_TRANSLATION)" : "",
                    unsigned(SMMU_FIELD_GET(e0, SMMU_EVT0_STREAMID)),
                    e2, (e1 & SMMU_EVT1_RNW) != 0, unsigned(SMMU_FIELD_GET(e1, SMMU_EVT1_CLASS)));
        check(id == SMMU_EVT_F_TRANSLATION && SMMU_FIELD_GET(e0, SMMU_EVT0_STREAMID) == kSid && e2 == hole &&
              (e1 & SMMU_EVT1_RNW) && SMMU_FIELD_GET(e1, SMMU_EVT1_CLASS) == SMMU_EVT_CLASS_IN,
              "event is F_TRANSLATION with the DMA's StreamID, address and direction");
        wr(SMMU_EVENTQ_CONS, prod & mask);
        check((rd(SMMU_GERROR) ^ rd(SMMU_GERRORN)) == 0, "no global error");
    }
};

int sc_main(int, char *[])
{
    smmu::Params params = smmu::Params::mmu700();
    smmu::Smmuv3 smmu("smmu", params);
    Memory mem("mem");
    DmaDevice dev("dev", kSid);
    Cpu cpu("cpu", mem, dev);
    sc_signal<bool> evtq_irq("evtq_irq");

    dev.socket(smmu.dma_in);            // upstream port 0 (TBU 0)
    smmu.dma_out(mem.socket);           // translated DMA, table walks and queue accesses
    cpu.regs(smmu.reg_socket);
    smmu.irq_evtq(evtq_irq);
    cpu.evtq_irq(evtq_irq);

    sc_start();
    std::printf("sc_platform: %s at %s\n", cpu.failures ? "FAILED" : "all checks passed",
                sc_time_stamp().to_string().c_str());
    return cpu.failures ? 1 : 0;
}
