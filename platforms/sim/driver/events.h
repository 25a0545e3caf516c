// Event records (IHI 0070 7.3) decoded the way arm_smmu_decode_event() does, with Linux's names.
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace smmusim {

struct Event {
    std::array<uint64_t, 4> raw{};
    uint8_t id = 0;
    uint32_t sid = 0, ssid = 0;
    bool ssv = false, stall = false, pnu = false, ind = false, rnw = false, s2 = false, tt_read = false;
    uint16_t stag = 0;
    uint8_t klass = 0;        // 0 CD, 1 TTD, 2 IN
    uint64_t iova = 0, ipa = 0, fetch_addr = 0;
};

Event decode_event(const std::array<uint64_t, 4> &raw);
const char *event_linux_name(uint8_t id);  // "UNKNOWN" where the Linux driver has no name
const char *event_spec_name(uint8_t id);   // the spec's name for every architected EventID
// The dump arm_smmu_dump_event() prints, `client` being the device name or "(unassigned sid)".
std::string format_event(const Event &e, const std::string &client);

namespace evt {
constexpr uint8_t F_UUT = 0x01, C_BAD_STREAMID = 0x02, F_STE_FETCH = 0x03, C_BAD_STE = 0x04, F_BAD_ATS_TREQ = 0x05,
    F_STREAM_DISABLED = 0x06, F_TRANSL_FORBIDDEN = 0x07, C_BAD_SUBSTREAMID = 0x08, F_CD_FETCH = 0x09,
    C_BAD_CD = 0x0A, F_WALK_EABT = 0x0B, F_TRANSLATION = 0x10, F_ADDR_SIZE = 0x11, F_ACCESS = 0x12,
    F_PERMISSION = 0x13, F_TLB_CONFLICT = 0x20, F_CFG_CONFLICT = 0x21, E_PAGE_REQUEST = 0x24, F_VMS_FETCH = 0x25;
}

} // namespace smmusim
