// Minimal consumer of the installed SystemC module (smmuv3::sc / pkg-config smmuv3-sc): instantiates Smmuv3 with
// the MMU-700 preset and reads SMMU_IDR0 (IHI 0070 6.3.1) through reg_socket. Replaceable by the real examples.
#include <cstdio>
#include <cstring>

#include <smmu/sc/smmuv3.h>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

struct Memory : sc_core::sc_module {
    tlm_utils::simple_target_socket<Memory> in;
    unsigned char data[4096] = {};
    explicit Memory(sc_core::sc_module_name n) : sc_module(n), in("in") { in.register_b_transport(this, &Memory::b_transport); }
    void b_transport(tlm::tlm_generic_payload &gp, sc_core::sc_time &)
    {
        uint64_t a = gp.get_address();
        if (a > sizeof data || gp.get_data_length() > sizeof data - a) { gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE); return; }
        if (gp.is_read()) std::memcpy(gp.get_data_ptr(), data + a, gp.get_data_length());
        else std::memcpy(data + a, gp.get_data_ptr(), gp.get_data_length());
        gp.set_response_status(tlm::TLM_OK_RESPONSE);
    }
};

struct Cpu : sc_core::sc_module {
    tlm_utils::simple_initiator_socket<Cpu> regs, dma;
    uint32_t idr0 = 0;
    bool ok = false;
    SC_HAS_PROCESS(Cpu);
    explicit Cpu(sc_core::sc_module_name n) : sc_module(n), regs("regs"), dma("dma") { SC_THREAD(run); }
    void run()
    {
        tlm::tlm_generic_payload gp;
        sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
        gp.set_command(tlm::TLM_READ_COMMAND);
        gp.set_address(0x0);
        gp.set_data_ptr(reinterpret_cast<unsigned char *>(&idr0));
        gp.set_data_length(4);
        gp.set_streaming_width(4);
        gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        regs->b_transport(gp, delay);
        ok = gp.is_response_ok();
    }
};

int sc_main(int, char *[])
{
    smmu::Params params = smmu::Params::mmu700();
    smmu::Smmuv3 smmu("smmu", params);
    Memory mem("mem");
    Cpu cpu("cpu");
    cpu.regs(smmu.reg_socket);
    cpu.dma(smmu.dma_in);
    smmu.dma_out(mem.in);
    sc_core::sc_start();
    unsigned s1p = (cpu.idr0 >> 1) & 1, s2p = cpu.idr0 & 1;
    std::printf("IDR0=0x%08x S1P=%u S2P=%u\n", cpu.idr0, s1p, s2p);
    // IDR0.S1P (bit 1) and S2P (bit 0) advertise what the preset configures.
    if (!cpu.ok || s1p != params.core.s1p || s2p != params.core.s2p) { std::fprintf(stderr, "unexpected IDR0\n"); return 1; }
    return 0;
}
