/* SPDX-License-Identifier: BSD-3-Clause */
// Command encodings (IHI 0070 chapter 4) as the Linux driver builds them.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include <smmu/regs.h>

namespace smmusim {

using Cmd = std::array<uint64_t, 2>;

namespace op {
constexpr uint8_t PREFETCH_CONFIG = SMMU_CMD_PREFETCH_CONFIG, CFGI_STE = SMMU_CMD_CFGI_STE,
    CFGI_ALL = SMMU_CMD_CFGI_STE_RANGE, CFGI_CD = SMMU_CMD_CFGI_CD, CFGI_CD_ALL = SMMU_CMD_CFGI_CD_ALL,
    TLBI_NH_ALL = SMMU_CMD_TLBI_NH_ALL, TLBI_NH_ASID = SMMU_CMD_TLBI_NH_ASID, TLBI_NH_VA = SMMU_CMD_TLBI_NH_VA,
    TLBI_EL2_ALL = SMMU_CMD_TLBI_EL2_ALL, TLBI_EL2_ASID = SMMU_CMD_TLBI_EL2_ASID, TLBI_EL2_VA = SMMU_CMD_TLBI_EL2_VA,
    TLBI_S12_VMALL = SMMU_CMD_TLBI_S12_VMALL, TLBI_S2_IPA = SMMU_CMD_TLBI_S2_IPA, TLBI_NSNH_ALL = SMMU_CMD_TLBI_NSNH_ALL,
    PRI_RESP = SMMU_CMD_PRI_RESP, RESUME = SMMU_CMD_RESUME, STALL_TERM = SMMU_CMD_STALL_TERM, SYNC = SMMU_CMD_SYNC;
}

// The builders of <smmu/regs.h> returning a Cmd.
namespace cmd {
inline Cmd prefetch_config(uint32_t sid) { Cmd c; smmu_cmd_prefetch_config(c.data(), sid); return c; }
inline Cmd cfgi_ste(uint32_t sid, bool leaf = true) { Cmd c; smmu_cmd_cfgi_ste(c.data(), sid, leaf); return c; }
inline Cmd cfgi_all() { Cmd c; smmu_cmd_cfgi_all(c.data()); return c; }
inline Cmd cfgi_cd(uint32_t sid, uint32_t ssid, bool leaf = true) { Cmd c; smmu_cmd_cfgi_cd(c.data(), sid, ssid, leaf); return c; }
inline Cmd cfgi_cd_all(uint32_t sid) { Cmd c; smmu_cmd_cfgi_cd_all(c.data(), sid); return c; }
inline Cmd tlbi_nh_all(uint16_t vmid) { Cmd c; smmu_cmd_tlbi_nh_all(c.data(), vmid); return c; }
inline Cmd tlbi_nh_asid(uint16_t asid, uint16_t vmid = 0) { Cmd c; smmu_cmd_tlbi_nh_asid(c.data(), vmid, asid); return c; }
inline Cmd tlbi_s12_vmall(uint16_t vmid) { Cmd c; smmu_cmd_tlbi_s12_vmall(c.data(), vmid); return c; }
inline Cmd tlbi_nsnh_all() { Cmd c; smmu_cmd_tlbi_nsnh_all(c.data()); return c; }
inline Cmd tlbi_el2_all() { Cmd c; smmu_cmd_tlbi_el2_all(c.data()); return c; }
// CS: 0 none, 1 IRQ (MSI write of msi_data to msi_addr), 2 SEV. MSH = ISH, MSIATTR = OIWB, as Linux.
inline Cmd sync(unsigned cs, uint64_t msi_addr = 0, uint32_t msi_data = 0) {
    Cmd c;
    smmu_cmd_sync(c.data(), cs & 3, msi_addr, msi_data);
    return c;
}
// Action: retry (Ac=1) or terminate with abort (Ac=0, Ab=1).
inline Cmd resume(uint32_t sid, uint16_t stag, bool retry) { Cmd c; smmu_cmd_resume(c.data(), sid, stag, retry, true); return c; }
inline Cmd stall_term(uint32_t sid) { Cmd c; smmu_cmd_stall_term(c.data(), sid); return c; }
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
