/* SPDX-License-Identifier: BSD-3-Clause */
// The driver model's per-domain and per-device bookkeeping (arm_smmu_domain / arm_smmu_master).
#pragma once

#include <map>
#include <memory>

#include "driver.h"

namespace smmusim {

// Guest-physical memory of a nested domain: IPAs go through the parent's stage-2 tables.
struct SmmuDriver::GuestView : PhysMemory {
    PhysMemory &host;
    IoPgtable &s2;
    GuestView(PhysMemory &h, IoPgtable &t) : host(h), s2(t) {}
    bool xlate(uint64_t ipa, size_t len, uint64_t *pa) {
        uint64_t end;
        if (!s2.iova_to_phys(ipa, pa) || !s2.iova_to_phys(ipa + len - 1, &end) || end != *pa + len - 1) return false;
        return true;
    }
    bool read(uint64_t ipa, void *dst, size_t len) override { uint64_t pa; return xlate(ipa, len, &pa) && host.read(pa, dst, len); }
    bool write(uint64_t ipa, const void *src, size_t len) override { uint64_t pa; return xlate(ipa, len, &pa) && host.write(pa, src, len); }
};

struct SmmuDriver::Domain {
    DomainType type = DomainType::Blocked;
    unsigned granule_log2 = 12;
    uint16_t asid = 0, vmid = 0;
    int parent = -1;                           // Nested: the S2 domain
    bool nest_parent = false;                  // S2: some nested domain sits on it
    std::unique_ptr<GuestView> guest_mem;      // Nested: tables and CDs live in guest IPA space
    std::unique_ptr<PhysAllocator> guest_alloc;
    std::unique_ptr<IoPgtable> pgt;
    bool lazy_pending = false;
};

struct SmmuDriver::Device {
    DeviceDesc desc;
    int leader = -1;                           // group leader (first device with this StreamID)
    int rid_domain = -1;                       // domain on the RID (-1 = blocked)
    unsigned cd_bits = 0;                      // S1CDMAX
    bool cd_2lvl = false;
    uint64_t cdtab = 0;                        // CD table (or L1 CD table) address, in the owner's space
    PhysMemory *cd_mem = nullptr;              // where the CD table lives (host memory or a guest view)
    PhysAllocator *cd_alloc = nullptr;
    std::vector<uint64_t> cd_l2;
    std::map<uint32_t, int> pasids;            // SSID -> S1 domain (SSID 0 = the RID domain when S1/nested)
    bool stall_enabled = false;
    // The host's CD table while a guest's (a nested domain's, in IPA space) is the one in the STE.
    struct CdTable { unsigned bits = 0; bool l2 = false; uint64_t tab = 0; PhysMemory *mem = nullptr; PhysAllocator *alloc = nullptr; std::vector<uint64_t> l2s; };
    CdTable parked_host_cd;
    bool unplugged = false;
};

} // namespace smmusim
