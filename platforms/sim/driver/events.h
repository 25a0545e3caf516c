/* SPDX-License-Identifier: BSD-3-Clause */
// Event records (IHI 0070 7.3) decoded the way arm_smmu_decode_event() does, with Linux's names.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include <smmu/regs.h>

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
constexpr uint8_t F_UUT = SMMU_EVT_F_UUT, C_BAD_STREAMID = SMMU_EVT_C_BAD_STREAMID, F_STE_FETCH = SMMU_EVT_F_STE_FETCH,
    C_BAD_STE = SMMU_EVT_C_BAD_STE, F_BAD_ATS_TREQ = SMMU_EVT_F_BAD_ATS_TREQ, F_STREAM_DISABLED = SMMU_EVT_F_STREAM_DISABLED,
    F_TRANSL_FORBIDDEN = SMMU_EVT_F_TRANSL_FORBIDDEN, C_BAD_SUBSTREAMID = SMMU_EVT_C_BAD_SUBSTREAMID,
    F_CD_FETCH = SMMU_EVT_F_CD_FETCH, C_BAD_CD = SMMU_EVT_C_BAD_CD, F_WALK_EABT = SMMU_EVT_F_WALK_EABT,
    F_TRANSLATION = SMMU_EVT_F_TRANSLATION, F_ADDR_SIZE = SMMU_EVT_F_ADDR_SIZE, F_ACCESS = SMMU_EVT_F_ACCESS,
    F_PERMISSION = SMMU_EVT_F_PERMISSION, F_TLB_CONFLICT = SMMU_EVT_F_TLB_CONFLICT,
    F_CFG_CONFLICT = SMMU_EVT_F_CFG_CONFLICT, E_PAGE_REQUEST = SMMU_EVT_E_PAGE_REQUEST, F_VMS_FETCH = SMMU_EVT_F_VMS_FETCH;
}

} // namespace smmusim
