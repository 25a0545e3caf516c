// Command encodings (IHI 0070 chapter 4) as the Linux driver builds them.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace smmusim {

using Cmd = std::array<uint64_t, 2>;

namespace op {
constexpr uint8_t PREFETCH_CONFIG = 0x01, CFGI_STE = 0x03, CFGI_ALL = 0x04, CFGI_CD = 0x05, CFGI_CD_ALL = 0x06,
    TLBI_NH_ALL = 0x10, TLBI_NH_ASID = 0x11, TLBI_NH_VA = 0x12, TLBI_EL2_ALL = 0x20, TLBI_EL2_ASID = 0x21,
    TLBI_EL2_VA = 0x22, TLBI_S12_VMALL = 0x28, TLBI_S2_IPA = 0x2A, TLBI_NSNH_ALL = 0x30, PRI_RESP = 0x41,
    RESUME = 0x44, STALL_TERM = 0x45, SYNC = 0x46;
}

namespace cmd {
inline Cmd prefetch_config(uint32_t sid) { return {op::PREFETCH_CONFIG | (uint64_t)sid << 32, 0}; }
inline Cmd cfgi_ste(uint32_t sid, bool leaf = true) { return {op::CFGI_STE | (uint64_t)sid << 32, leaf ? 1ull : 0ull}; }
// CFGI_ALL is CFGI_STE_RANGE with Range = 31.
inline Cmd cfgi_all() { return {op::CFGI_ALL, 31}; }
inline Cmd cfgi_cd(uint32_t sid, uint32_t ssid, bool leaf = true) {
    return {op::CFGI_CD | (uint64_t)(ssid & 0xFFFFF) << 12 | (uint64_t)sid << 32, leaf ? 1ull : 0ull};
}
inline Cmd cfgi_cd_all(uint32_t sid) { return {op::CFGI_CD_ALL | (uint64_t)sid << 32, 0}; }
inline Cmd tlbi_nh_all(uint16_t vmid) { return {op::TLBI_NH_ALL | (uint64_t)vmid << 32, 0}; }
inline Cmd tlbi_nh_asid(uint16_t asid, uint16_t vmid = 0) {
    return {op::TLBI_NH_ASID | (uint64_t)vmid << 32 | (uint64_t)asid << 48, 0};
}
inline Cmd tlbi_s12_vmall(uint16_t vmid) { return {op::TLBI_S12_VMALL | (uint64_t)vmid << 32, 0}; }
inline Cmd tlbi_nsnh_all() { return {op::TLBI_NSNH_ALL, 0}; }
inline Cmd tlbi_el2_all() { return {op::TLBI_EL2_ALL, 0}; }
// CS: 0 none, 1 IRQ (MSI write of msi_data to msi_addr), 2 SEV. MSH = ISH, MSIATTR = OIWB, as Linux.
inline Cmd sync(unsigned cs, uint64_t msi_addr = 0, uint32_t msi_data = 0) {
    return {op::SYNC | (uint64_t)(cs & 3) << 12 | 3ull << 22 | 0xFull << 24 | (uint64_t)msi_data << 32,
            msi_addr & 0x000FFFFFFFFFFFFCull};
}
// Action: retry (Ac=1) or terminate with abort (Ac=0, Ab=1).
inline Cmd resume(uint32_t sid, uint16_t stag, bool retry) {
    return {op::RESUME | (retry ? 1ull << 12 : 1ull << 13) | (uint64_t)sid << 32, stag};
}
inline Cmd stall_term(uint32_t sid) { return {op::STALL_TERM | (uint64_t)sid << 32, 0}; }
} // namespace cmd

// One TLBI by address (CMD_TLBI_NH_VA / CMD_TLBI_S2_IPA / CMD_TLBI_EL2_VA).
struct TlbiTarget {
    uint8_t opcode = op::TLBI_NH_VA;
    uint16_t asid = 0, vmid = 0;
    bool leaf = true;
};

// arm_smmu_tlb_inv_range_domain's command list for [iova, iova+size): one command per `granule` without
// range invalidation, else (IDR3.RIL) TG/TTL/SCALE/NUM range commands; min_pgsize_log2 is the domain's smallest page.
std::vector<Cmd> tlbi_range(const TlbiTarget &t, uint64_t iova, uint64_t size, uint64_t granule, bool ril,
                            unsigned min_pgsize_log2);

} // namespace smmusim
