// Register offsets and structure bits the driver model uses (IHI 0070 6.2, 5.2, 5.4).
#pragma once

#include <cstdint>

namespace smmusim {
namespace reg {
constexpr uint64_t IDR0 = 0x0, IDR1 = 0x4, IDR3 = 0xC, IDR5 = 0x14, IIDR = 0x18, CR0 = 0x20, CR0ACK = 0x24,
    CR1 = 0x28, CR2 = 0x2C, GBPA = 0x44, IRQ_CTRL = 0x50, IRQ_CTRLACK = 0x54, GERROR = 0x60, GERRORN = 0x64,
    GERROR_IRQ_CFG0 = 0x68, STRTAB_BASE = 0x80, STRTAB_BASE_CFG = 0x88, CMDQ_BASE = 0x90, CMDQ_PROD = 0x98,
    CMDQ_CONS = 0x9C, EVENTQ_BASE = 0xA0, EVENTQ_IRQ_CFG0 = 0xB0, EVENTQ_PROD = 0x100A8, EVENTQ_CONS = 0x100AC;
constexpr uint32_t CR0_SMMUEN = 1, CR0_EVTQEN = 4, CR0_CMDQEN = 8;
constexpr uint32_t GBPA_ABORT = 1u << 20, GBPA_UPDATE = 1u << 31;
constexpr uint32_t IRQ_GERROR = 1, IRQ_EVTQ = 4;
constexpr uint32_t GERROR_CMDQ_ERR = 1;
constexpr uint32_t Q_OVF = 1u << 31;
} // namespace reg

namespace ste {
constexpr uint64_t V = 1, ABORT0 = V;
constexpr unsigned CFG_BYPASS = 4, CFG_S1 = 5, CFG_S2 = 6, CFG_NESTED = 7;
constexpr uint64_t ADDR_51_6 = 0x000FFFFFFFFFFFC0ull, ADDR_51_4 = 0x000FFFFFFFFFFFF0ull;
constexpr unsigned S1DSS_TERMINATE = 0, S1DSS_BYPASS = 1, S1DSS_SSID0 = 2;
constexpr uint64_t S1_CACHE = 1ull << 2 | 1ull << 4 | 3ull << 6;   // S1CIR = S1COR = WBRA, S1CSH = ISH
constexpr uint64_t S1STALLD = 1ull << 27, SHCFG_INCOMING = 1ull << 44, S2FWB = 1ull << 25;
constexpr uint64_t S2AA64 = 1ull << 51, S2PTW = 1ull << 54, S2S = 1ull << 57, S2R = 1ull << 58;
constexpr unsigned L1_SPAN = 9;
} // namespace ste

namespace cd {
constexpr uint64_t EPD1 = 1ull << 30, V = 1ull << 31, AA64 = 1ull << 41, S = 1ull << 44, R = 1ull << 45,
    A = 1ull << 46, ASET = 1ull << 47;
constexpr unsigned L2_ENTRIES = 1024;
constexpr uint64_t L1_V = 1, L1_L2PTR = 0x000FFFFFFFFFF000ull;
} // namespace cd
} // namespace smmusim
