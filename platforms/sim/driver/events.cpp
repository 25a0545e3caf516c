// SPDX-License-Identifier: BSD-3-Clause
#include "events.h"

#include <cstdio>

namespace smmusim {

Event decode_event(const std::array<uint64_t, 4> &r)
{
    Event e;
    e.raw = r;
    e.id = (uint8_t)SMMU_FIELD_GET(r[0], SMMU_EVT0_EVENTID);
    e.ssv = r[0] & SMMU_EVT0_SSV;
    e.ssid = e.ssv ? (uint32_t)SMMU_FIELD_GET(r[0], SMMU_EVT0_SUBSTREAMID) : 0;
    e.sid = (uint32_t)SMMU_FIELD_GET(r[0], SMMU_EVT0_STREAMID);
    e.stag = (uint16_t)SMMU_FIELD_GET(r[1], SMMU_EVT1_STAG);
    e.stall = r[1] & SMMU_EVT1_STALL;
    e.pnu = r[1] & SMMU_EVT1_PNU;
    e.ind = r[1] & SMMU_EVT1_IND;
    e.rnw = r[1] & SMMU_EVT1_RNW;
    e.s2 = r[1] & SMMU_EVT1_S2;
    e.klass = (uint8_t)SMMU_FIELD_GET(r[1], SMMU_EVT1_CLASS);
    e.tt_read = r[1] & SMMU_EVT1_TTRNW;
    e.iova = r[2];
    e.ipa = r[3] & SMMU_EVT3_IPA_MASK;
    e.fetch_addr = r[3] & 0x000FFFFFFFFFFFF8ull;   // Linux's EVTQ_3_FETCH_ADDR: FetchAddr[51:3]
    return e;
}

const char *event_linux_name(uint8_t id)
{
    switch (id) {
    case evt::C_BAD_STREAMID: return "C_BAD_STREAMID";
    case evt::F_STE_FETCH: return "F_STE_FETCH";
    case evt::C_BAD_STE: return "C_BAD_STE";
    case evt::F_STREAM_DISABLED: return "F_STREAM_DISABLED";
    case evt::C_BAD_SUBSTREAMID: return "C_BAD_SUBSTREAMID";
    case evt::F_CD_FETCH: return "F_CD_FETCH";
    case evt::C_BAD_CD: return "C_BAD_CD";
    case evt::F_TRANSLATION: return "F_TRANSLATION";
    case evt::F_ADDR_SIZE: return "F_ADDR_SIZE";
    case evt::F_ACCESS: return "F_ACCESS";
    case evt::F_PERMISSION: return "F_PERMISSION";
    case evt::F_VMS_FETCH: return "F_VMS_FETCH";
    default: return "UNKNOWN";
    }
}

const char *event_spec_name(uint8_t id)
{
    switch (id) {
    case evt::F_UUT: return "F_UUT";
    case evt::F_BAD_ATS_TREQ: return "F_BAD_ATS_TREQ";
    case evt::F_TRANSL_FORBIDDEN: return "F_TRANSL_FORBIDDEN";
    case evt::F_WALK_EABT: return "F_WALK_EABT";
    case evt::F_TLB_CONFLICT: return "F_TLB_CONFLICT";
    case evt::F_CFG_CONFLICT: return "F_CFG_CONFLICT";
    case evt::E_PAGE_REQUEST: return "E_PAGE_REQUEST";
    default: return event_linux_name(id);
    }
}

std::string format_event(const Event &e, const std::string &client)
{
    char buf[512];
    std::string out;
    std::snprintf(buf, sizeof buf, "event 0x%02x received:\n", e.id);
    out += buf;
    for (uint64_t q : e.raw) { std::snprintf(buf, sizeof buf, "\t0x%016llx\n", (unsigned long long)q); out += buf; }
    const char *name = event_linux_name(e.id);
    switch (e.id) {
    case evt::F_TRANSLATION: case evt::F_ADDR_SIZE: case evt::F_ACCESS: case evt::F_PERMISSION: {
        static const char *cls[] = {"CD fetch", "Stage 1 translation table fetch", "Input address caused fault", "Reserved"};
        std::snprintf(buf, sizeof buf, "event: %s client: %s sid: %#x ssid: %#x iova: %#llx ipa: %#llx\n", name,
                      client.c_str(), e.sid, e.ssid, (unsigned long long)e.iova, (unsigned long long)e.ipa);
        out += buf;
        std::snprintf(buf, sizeof buf, "%s %s %s %s \"%s\"%s%s stag: %#x\n", e.pnu ? "priv" : "unpriv",
                      e.ind ? "inst" : "data", e.rnw ? "read" : "write", e.s2 ? "s2" : "s1", cls[e.klass & 3],
                      (e.id == evt::F_PERMISSION && e.klass == 1) ? (e.tt_read ? " ttd_read" : " ttd_write") : "",
                      e.stall ? " stall" : "", e.stag);
        out += buf;
        break;
    }
    case evt::F_STE_FETCH: case evt::F_CD_FETCH: case evt::F_VMS_FETCH:
        std::snprintf(buf, sizeof buf, "event: %s client: %s sid: %#x ssid: %#x fetch_addr: %#llx\n", name,
                      client.c_str(), e.sid, e.ssid, (unsigned long long)e.fetch_addr);
        out += buf;
        break;
    default:
        std::snprintf(buf, sizeof buf, "event: %s client: %s sid: %#x ssid: %#x\n", name, client.c_str(), e.sid, e.ssid);
        out += buf;
    }
    return out;
}

} // namespace smmusim
