/* SPDX-License-Identifier: BSD-3-Clause */
// End-to-end helpers: a th::Smmu rig that can be instantiated outside a TEST_F (one per configuration),
// with a host that only lets the SMMU read named physical ranges, and event-record field accessors.
#pragma once

#include "strtab_util.h"

namespace e2e {

// An SMMU brought up the Linux way over a sparse memory; reads and writes outside `readable` (when
// non-empty) and outside the SMMU's own structures abort.
struct Rig : th::Smmu {
    std::vector<std::pair<uint64_t, uint64_t>> readable;
    static constexpr uint64_t kOwnBase = th::kStrtab, kOwnEnd = th::kCdBase + 0x1000000;

    void TestBody() override {}

    // Create the SMMU over the restricted memory (call before bringup()).
    bool create_restricted() {
        mem.windows = readable;
        if (!readable.empty()) mem.windows.push_back({kOwnBase, kOwnEnd - kOwnBase});
        mem.windows_for_writes = true;
        create();
        return smmu != nullptr;
    }
    void install(uint32_t sid, const th::Qwords8 &ste) {
        write_ste(sid, ste);
        submit({th::cmd::cfgi_ste(sid)});
        sync();
    }
    void tlbi_all() {
        submit({th::cmd::tlbi_nsnh_all()});
        sync();
    }
};

// Event record fields (IHI 0070 7.3.12-7.3.15 layout of the translation faults).
struct Rec {
    std::array<uint64_t, 4> r;
    unsigned id() const { return (unsigned)SMMU_FIELD_GET(r[0], SMMU_EVT0_EVENTID); }
    uint32_t sid() const { return (uint32_t)SMMU_FIELD_GET(r[0], SMMU_EVT0_STREAMID); }
    bool stall() const { return r[1] & SMMU_EVT1_STALL; }
    uint16_t stag() const { return (uint16_t)SMMU_FIELD_GET(r[1], SMMU_EVT1_STAG); }
    bool pnu() const { return r[1] & SMMU_EVT1_PNU; }
    bool ind() const { return r[1] & SMMU_EVT1_IND; }
    bool rnw() const { return r[1] & SMMU_EVT1_RNW; }
    bool s2() const { return r[1] & SMMU_EVT1_S2; }
    unsigned cls() const { return (unsigned)SMMU_FIELD_GET(r[1], SMMU_EVT1_CLASS); }
    uint64_t input() const { return r[2]; }
    uint64_t ipa() const { return r[3] & SMMU_EVT3_IPA_MASK; }
};

// TLBI_NH_VA / TLBI_NH_ASID / TLBI_S2_IPA / TLBI_S12_VMALL (4.4) for VMID `vmid`.
inline std::array<uint64_t, 2> tlbi_nh_va(uint16_t vmid, uint16_t asid, uint64_t va, bool leaf = false) {
    std::array<uint64_t, 2> c;
    smmu_cmd_tlbi_nh_va(c.data(), vmid, asid, va, leaf);
    return c;
}
inline std::array<uint64_t, 2> tlbi_nh_asid(uint16_t vmid, uint16_t asid) {
    std::array<uint64_t, 2> c;
    smmu_cmd_tlbi_nh_asid(c.data(), vmid, asid);
    return c;
}
inline std::array<uint64_t, 2> tlbi_s2_ipa(uint16_t vmid, uint64_t ipa, bool leaf = false) {
    std::array<uint64_t, 2> c;
    smmu_cmd_tlbi_s2_ipa(c.data(), vmid, ipa, leaf);
    return c;
}
inline std::array<uint64_t, 2> tlbi_s12_vmall(uint16_t vmid) {
    std::array<uint64_t, 2> c;
    smmu_cmd_tlbi_s12_vmall(c.data(), vmid);
    return c;
}

} // namespace e2e

namespace e2e {

// 4 KB granule, four-level tables allocated on demand from th::kTables (as io-pgtable-arm lays them out).
struct Tables {
    th::Memory &mem;
    uint64_t next = th::kTables;
    explicit Tables(th::Memory &m) : mem(m) {}
    uint64_t alloc() { uint64_t t = next; next += 0x1000; return t; }
    // Address of the descriptor for `ia` at `leaf_level` (4 KB granule, four levels from `ttb`), tables
    // allocated on demand as io-pgtable-arm does.
    uint64_t slot(uint64_t ttb, uint64_t ia, unsigned leaf_level = 3) {
        uint64_t table = ttb;
        for (unsigned level = 0; level < leaf_level; level++) {
            uint64_t at = table + ((ia >> (39 - 9 * level)) & 0x1FF) * 8, d = mem.r64(at);
            if (!(d & 1)) { d = alloc() | 3; mem.w64(at, d); }
            table = d & 0x0000FFFFFFFFF000ull;
        }
        return table + ((ia >> (39 - 9 * leaf_level)) & 0x1FF) * 8;
    }
    void map(uint64_t ttb, uint64_t ia, uint64_t pa, uint64_t bits) { mem.w64(slot(ttb, ia), pa | bits); }
};

constexpr uint64_t kPageS1 = 0x403 | 3u << 8 | 1u << 6 | 1u << 11 | 1u << 2;   // AF, ISH, EL0 RW, nG, AttrIndx 1
constexpr uint64_t kPageS2 = 0x403 | 3u << 8 | 3u << 6 | 0xFu << 2;            // AF, ISH, S2AP RW, Normal WB

} // namespace e2e
