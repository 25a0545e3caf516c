// SPDX-License-Identifier: BSD-3-Clause
// Devices, domains, STE/CD construction, attach, map/unmap and TLB invalidation (linux-driver-sequence.md 2.4-2.5).
#include <cerrno>
#include <cstdio>

#include "driver.h"
#include "driver_internal.h"
#include "driver_state.h"

namespace smmusim {

int64_t SmmuDriver::parse_bdf(const std::string &s)
{
    unsigned seg = 0, bus = 0, dev = 0, fn = 0;
    char tail;
    if (std::sscanf(s.c_str(), "%x:%x:%x.%x%c", &seg, &bus, &dev, &fn, &tail) == 4) {
    } else if (std::sscanf(s.c_str(), "%x:%x.%x%c", &bus, &dev, &fn, &tail) == 3) {
    } else {
        return -1;
    }
    if (bus > 0xFF || dev > 0x1F || fn > 7 || seg > 0xFFFF) return -1;
    return (int64_t)(bus << 8 | dev << 3 | fn);   // the requester ID; the segment selects the SMMU, not the SID
}

int SmmuDriver::add_device(const DeviceDesc &d)
{
    if (strtab_sid_bits_ && strtab_sid_bits_ < 32 && (d.sid >> strtab_sid_bits_)) {
        fail("device " + d.name + ": StreamID beyond the stream table");
        return -1;
    }
    auto dev = std::make_unique<Device>();
    dev->desc = d;
    dev->stall_enabled = (f_.stalls && d.stall) || f_.stall_force;
    int idx = (int)devices_.size();
    dev->leader = idx;
    for (size_t i = 0; i < devices_.size(); i++)
        if (devices_[i]->desc.sid == d.sid) { dev->leader = devices_[i]->leader; break; }
    devices_.push_back(std::move(dev));
    return idx;
}

const DeviceDesc &SmmuDriver::device(int dev) const { return devices_.at(dev)->desc; }
int SmmuDriver::group_of(int dev) const { return devices_.at(dev)->leader; }

std::string SmmuDriver::client_name(uint32_t sid) const
{
    for (auto &d : devices_) if (d->desc.sid == sid) return d->desc.name;
    return "(unassigned sid)";
}

int SmmuDriver::domain_alloc(DomainType t, unsigned granule_log2, int parent, uint64_t guest_ipa, uint64_t guest_size)
{
    auto d = std::make_unique<Domain>();
    d->type = t;
    d->granule_log2 = granule_log2;
    if (t == DomainType::S1 || t == DomainType::S2 || t == DomainType::Nested) {
        if (!(f_.pgsize_bitmap & (1ull << granule_log2))) { fail("granule not supported by IDR5"); return -1; }
        PgtableConfig c;
        c.granule_log2 = granule_log2;
        c.coherent = f_.coherent;
        PhysMemory *m = &mem_;
        PhysAllocator *a = &alloc_;
        if (t == DomainType::S2) {
            if (!f_.s2) { fail("stage 2 not supported"); return -1; }
            if (next_vmid_ >= (1u << f_.vmid_bits)) { fail("out of VMIDs"); return -1; }
            d->vmid = (uint16_t)next_vmid_++;
            c.stage = Stage::S2;
            c.ias = f_.ias;
            c.oas = f_.oas;
        } else {
            if (!f_.s1) { fail("stage 1 not supported"); return -1; }
            if (next_asid_ >= (1u << f_.asid_bits)) { fail("out of ASIDs"); return -1; }
            d->asid = (uint16_t)next_asid_++;
            c.stage = Stage::S1;
            c.ias = std::min(vax_ ? 52u : 48u, opt_.va_bits);
            c.oas = f_.ias;
            if (t == DomainType::Nested) {
                if (!f_.s2 || parent < 0 || parent >= (int)domains_.size() || domains_[parent]->type != DomainType::S2) {
                    fail("a nested domain needs a stage-2 parent");
                    return -1;
                }
                Domain &p = *domains_[parent];
                p.nest_parent = true;
                d->parent = parent;
                d->vmid = p.vmid;
                c.oas = p.pgt->config().ias;
                d->guest_mem = std::make_unique<GuestView>(mem_, *p.pgt);
                d->guest_alloc = std::make_unique<PhysAllocator>(guest_ipa, guest_size);
                m = d->guest_mem.get();
                a = d->guest_alloc.get();
            }
        }
        d->pgt = std::make_unique<IoPgtable>(c, *m, *a);
        if (!d->pgt->ok()) { fail("cannot allocate the page table"); return -1; }
        d->pgt->on_flush_walk = [this, idx = domains_.size()](uint64_t iova, uint64_t size, uint64_t granule) {
            tlb_inv_range(*domains_[idx], iova, size, granule, false);
        };
    }
    domains_.push_back(std::move(d));
    return (int)domains_.size() - 1;
}

DomainType SmmuDriver::domain_type(int dom) const { return domains_.at(dom)->type; }
uint16_t SmmuDriver::domain_asid(int dom) const { return domains_.at(dom)->asid; }
uint16_t SmmuDriver::domain_vmid(int dom) const { return domains_.at(dom)->vmid; }
IoPgtable *SmmuDriver::domain_pgtable(int dom) { return domains_.at(dom)->pgt.get(); }

uint64_t SmmuDriver::ste_addr(uint32_t sid)
{
    if (strtab_sid_bits_ < 32 && (sid >> strtab_sid_bits_)) return 0;
    if (!strtab_2lvl_) return strtab_ + 64ull * sid;
    uint32_t l1 = sid >> 8;
    if (!l2_[l1]) {
        // L2 tables of 256 STEs, allocated on first use and initialised to abort; the L1 write needs no CFGI.
        uint64_t t = alloc_.alloc(256 * 64, 256 * 64);
        if (!t) return 0;
        for (unsigned i = 0; i < 256; i++) {
            mem_.w64(t + 64 * i, ste::ABORT0);
            for (int q = 1; q < 8; q++) mem_.w64(t + 64 * i + 8 * q, 0);
        }
        l2_[l1] = t;
        mem_.w64(strtab_ + 8ull * l1, smmu_l1std(t, ste::L1_SPAN));
    }
    return l2_[l1] + 64ull * (sid & 0xFF);
}

uint64_t SmmuDriver::cd_addr(int dev, uint32_t ssid)
{
    Device &d = *devices_.at(devices_.at(dev)->leader);
    if (!d.cdtab || (ssid >> d.cd_bits)) return 0;
    if (!d.cd_2lvl) return d.cdtab + 64ull * ssid;
    uint32_t l1 = ssid / cd::L2_ENTRIES;
    if (!d.cd_l2[l1]) {
        uint64_t bytes = 64ull * cd::L2_ENTRIES;
        uint64_t t = d.cd_alloc->alloc(bytes, bytes);
        if (!t) return 0;
        std::vector<uint8_t> z(bytes, 0);
        d.cd_mem->write(t, z.data(), bytes);
        d.cd_l2[l1] = t;
        d.cd_mem->w64(d.cdtab + 8ull * l1, smmu_l1cd(t));
        // "An invalid L1CD can be cached": CFGI_CD with Leaf=0.
        issue({cmd::cfgi_cd(d.desc.sid, ssid, false)});
    }
    return d.cd_l2[l1] + 64ull * (ssid % cd::L2_ENTRIES);
}

bool SmmuDriver::alloc_cd_table(Device &d)
{
    if (d.cdtab) return true;
    d.cd_mem = &mem_;
    d.cd_alloc = &alloc_;
    d.cd_bits = std::min(f_.ssid_bits, d.desc.ssid_bits);
    uint64_t max = 1ull << d.cd_bits;
    d.cd_2lvl = f_.two_lvl_cdtab && max > cd::L2_ENTRIES;
    uint64_t bytes = d.cd_2lvl ? 8 * ((max + cd::L2_ENTRIES - 1) / cd::L2_ENTRIES) : 64 * max;
    d.cdtab = d.cd_alloc->alloc(bytes, std::max<uint64_t>(bytes, 64));
    if (!d.cdtab) return fail("out of memory for the CD table");
    std::vector<uint8_t> z(bytes, 0);
    d.cd_mem->write(d.cdtab, z.data(), bytes);
    if (d.cd_2lvl) d.cd_l2.assign((max + cd::L2_ENTRIES - 1) / cd::L2_ENTRIES, 0);
    return true;
}

Entry SmmuDriver::make_cd(Domain &dom, const Device &d)
{
    IoPgtable::Tcr t = dom.pgt->tcr();
    Entry e{};
    e[0] = SMMU_FIELD_PREP(SMMU_CD0_T0SZ, t.t0sz) | SMMU_FIELD_PREP(SMMU_CD0_TG0, t.tg) |
           SMMU_FIELD_PREP(SMMU_CD0_IR0, t.irgn) | SMMU_FIELD_PREP(SMMU_CD0_OR0, t.orgn) |
           SMMU_FIELD_PREP(SMMU_CD0_SH0, t.sh) | cd::EPD1 | cd::V | SMMU_FIELD_PREP(SMMU_CD0_IPS, t.ips) | cd::AA64 |
           (d.stall_enabled ? cd::S : 0) | cd::R | cd::A | cd::ASET | SMMU_FIELD_PREP(SMMU_CD0_ASID, dom.asid);
    e[1] = dom.pgt->ttbr() & cd::TTB0;
    e[3] = dom.pgt->mair();
    return e;
}

bool SmmuDriver::write_cd(Device &d, uint32_t ssid, const Entry &target)
{
    uint64_t a = cd_addr(d.leader, ssid);
    if (!a) return fail("no CD slot for this SSID");
    bool ok = true;
    EntryUpdate u = write_entry(*d.cd_mem, a, target, cd_used_bits, [&] { ok &= issue({cmd::cfgi_cd(d.desc.sid, ssid)}); });
    cnt_.cd_writes++;
    if (u.kind == UpdateKind::Hitless) cnt_.hitless++;
    if (u.kind == UpdateKind::Breaking) cnt_.breaking++;
    return ok;
}

Entry SmmuDriver::make_ste(Device &d)
{
    Entry e{};
    Domain *rid = d.rid_domain >= 0 ? domains_[d.rid_domain].get() : nullptr;
    DomainType t = rid ? rid->type : DomainType::Blocked;
    bool pasid_only = d.cdtab && !d.pasids.empty() && (t == DomainType::Blocked || t == DomainType::Bypass);
    auto s2_part = [&](Domain &s2) {
        e[0] = ste::V | SMMU_FIELD_PREP(SMMU_STE0_CONFIG, ste::CFG_S2);
        e[1] = (f_.attr_types_ovr ? ste::SHCFG_INCOMING : 0) | (f_.s2fwb ? ste::S2FWB : 0);
        e[2] = SMMU_FIELD_PREP(SMMU_STE2_S2VMID, s2.vmid) | SMMU_FIELD_PREP(SMMU_STE2_VTCR, s2.pgt->vtcr_ste()) |
               ste::S2AA64 | ste::S2PTW |
               (d.stall_enabled ? ste::S2S : 0) | ste::S2R;
        e[3] = s2.pgt->ttbr() & ste::S2TTB;
    };
    auto s1_part = [&](unsigned cfg, unsigned s1dss) {
        uint64_t fmt = d.cd_2lvl ? SMMU_STE_S1FMT_64K_L2 : SMMU_STE_S1FMT_LINEAR;
        e[0] = (e[0] & ~SMMU_STE0_CONFIG_MASK) | ste::V | SMMU_FIELD_PREP(SMMU_STE0_CONFIG, cfg) |
               SMMU_FIELD_PREP(SMMU_STE0_S1FMT, fmt) | (d.cdtab & ste::CTXPTR) | SMMU_FIELD_PREP(SMMU_STE0_S1CDMAX, d.cd_bits);
        e[1] = (cfg == ste::CFG_NESTED ? e[1] : 0) | SMMU_FIELD_PREP(SMMU_STE1_S1DSS, s1dss) | ste::S1_CACHE |
               (f_.stalls && !d.stall_enabled ? ste::S1STALLD : 0);
        if (s1dss == ste::S1DSS_BYPASS && f_.attr_types_ovr) e[1] |= ste::SHCFG_INCOMING;
    };
    if (t == DomainType::S1) {
        s1_part(ste::CFG_S1, ste::S1DSS_SSID0);
    } else if (t == DomainType::Nested) {
        s2_part(*domains_[rid->parent]);
        s1_part(ste::CFG_NESTED, ste::S1DSS_SSID0);
    } else if (t == DomainType::S2) {
        s2_part(*rid);
    } else if (pasid_only) {
        s1_part(ste::CFG_S1, t == DomainType::Bypass ? ste::S1DSS_BYPASS : ste::S1DSS_TERMINATE);
    } else if (t == DomainType::Bypass) {
        e[0] = ste::V | SMMU_FIELD_PREP(SMMU_STE0_CONFIG, ste::CFG_BYPASS);
        e[1] = f_.attr_types_ovr ? ste::SHCFG_INCOMING : 0;
    } else {
        e[0] = ste::ABORT0;
    }
    // arm_smmu_enable_ats: full ATS (EATS = 0b01) for a translating configuration; never with bypass or abort.
    const unsigned cfg = (unsigned)SMMU_FIELD_GET(e[0], SMMU_STE0_CONFIG);
    if (d.desc.ats && f_.ats && (e[0] & ste::V) && cfg > ste::CFG_BYPASS)
        e[1] |= SMMU_FIELD_PREP(SMMU_STE1_EATS, SMMU_STE_EATS_TRANS);
    return e;
}

bool SmmuDriver::install_ste(Device &d)
{
    uint64_t a = ste_addr(d.desc.sid);
    if (!a) return fail("StreamID beyond the stream table");
    bool ok = true;
    EntryUpdate u = write_entry(mem_, a, make_ste(d), ste_used_bits, [&] { ok &= issue({cmd::cfgi_ste(d.desc.sid)}); });
    cnt_.ste_writes++;
    if (u.kind == UpdateKind::Hitless) cnt_.hitless++;
    if (u.kind == UpdateKind::Breaking) cnt_.breaking++;
    if (ok && !opt_.skip_prefetch) ok = issue({cmd::prefetch_config(d.desc.sid)}, false);
    return ok;
}

bool SmmuDriver::attach(int dev, int dom)
{
    if (dev < 0 || dev >= (int)devices_.size() || dom < 0 || dom >= (int)domains_.size()) return fail("bad device or domain");
    Device &d = *devices_[devices_[dev]->leader];
    Domain &m = *domains_[dom];
    if (d.unplugged) return fail("device " + d.desc.name + " was unplugged");
    // Leaving a translating domain: the device's ATC may hold its translations (arm_smmu_attach_commit).
    const bool flush_atc = d.rid_domain >= 0;
    if (!switch_cd_owner(d, m)) return false;
    if (m.type == DomainType::S1 || m.type == DomainType::Nested) {
        if (m.type == DomainType::Nested) {
            // The CD table of a nested device belongs to the guest: it lives in IPA space.
            if (d.cdtab && d.cd_mem != m.guest_mem.get()) return fail("device already has a host CD table");
            if (!d.cdtab) {
                d.cd_mem = m.guest_mem.get();
                d.cd_alloc = m.guest_alloc.get();
                d.cd_bits = std::min(f_.ssid_bits, d.desc.ssid_bits);
                uint64_t max = 1ull << d.cd_bits, bytes = 64 * max;
                d.cd_2lvl = false;
                d.cdtab = d.cd_alloc->alloc(bytes, std::max<uint64_t>(bytes, 64));
                std::vector<uint8_t> z(bytes, 0);
                if (!d.cdtab || !d.cd_mem->write(d.cdtab, z.data(), bytes))
                    return fail("guest CD table: the parent stage 2 does not map the guest memory");
            }
        } else if (!alloc_cd_table(d)) {
            return false;
        }
        d.rid_domain = dom;
        d.pasids[0] = dom;
        if (!write_cd(d, 0, make_cd(m, d))) return false;
        return install_ste(d) && (!flush_atc || atc_inv_master(d, 0, false));
    }
    int old = d.rid_domain;
    bool clear0 = old >= 0 && d.pasids.count(0) && d.pasids[0] == old;
    if (clear0) d.pasids.erase(0);   // SSID 0 no longer keeps a CD-table STE (arm_smmu_ssids_in_use)
    d.rid_domain = m.type == DomainType::Blocked ? -1 : dom;
    if (!install_ste(d) || (flush_atc && !atc_inv_master(d, 0, false))) return false;
    // The SSID 0 CD is cleared once the STE no longer uses it (arm_smmu_attach_dev_ste); a guest's CD is the guest's.
    if (clear0 && domains_[old]->type != DomainType::Nested) return write_cd(d, 0, Entry{});
    return true;
}

bool SmmuDriver::attach_pasid(int dev, int dom, uint32_t pasid)
{
    if (dev < 0 || dev >= (int)devices_.size() || dom < 0 || dom >= (int)domains_.size()) return fail("bad device or domain");
    Device &d = *devices_[devices_[dev]->leader];
    Domain &m = *domains_[dom];
    if (m.type != DomainType::S1 || pasid == 0) return fail("a PASID takes a stage-1 domain and SSID > 0");
    if (d.rid_domain >= 0 && domains_[d.rid_domain]->type == DomainType::S2) return fail("PASIDs need a stage-1 RID domain");
    if (!alloc_cd_table(d)) return false;
    if (pasid >> d.cd_bits) return fail("PASID beyond the device's SSID width");
    bool was_cdtable = !d.pasids.empty();
    d.pasids[pasid] = dom;
    if (!write_cd(d, pasid, make_cd(m, d))) return false;
    return was_cdtable ? true : install_ste(d);
}

bool SmmuDriver::detach_pasid(int dev, uint32_t pasid)
{
    Device &d = *devices_.at(devices_.at(dev)->leader);
    if (!d.pasids.erase(pasid)) return fail("PASID not attached");
    return write_cd(d, pasid, Entry{}) && atc_inv_master(d, pasid, true);   // arm_smmu_remove_dev_pasid
}

int SmmuDriver::map(int dom, uint64_t iova, uint64_t pa, uint64_t size, uint64_t pgsize, unsigned prot)
{
    if (dom < 0 || dom >= (int)domains_.size() || !domains_[dom]->pgt) return -EINVAL;
    if (!pgsize || size % pgsize) return -EINVAL;
    cnt_.maps++;
    return domains_[dom]->pgt->map(iova, pa, pgsize, size / pgsize, prot);   // no TLBI on map
}

uint64_t SmmuDriver::unmap(int dom, uint64_t iova, uint64_t size)
{
    if (dom < 0 || dom >= (int)domains_.size() || !domains_[dom]->pgt) return 0;
    Domain &m = *domains_[dom];
    TlbGather g;
    uint64_t n = m.pgt->unmap_region(iova, size, &g);
    cnt_.unmaps++;
    if (opt_.strict) {
        for (auto &r : g.ranges) {
            tlb_inv_range(m, r.start, r.size, r.pgsize, true);
            atc_inv_domain(dom, r.start, r.size);     // after the TLBI's CMD_SYNC (4.5.1)
        }
    } else if (!g.empty()) {
        m.lazy_pending = true;
        if (++lazy_queued_ >= opt_.lazy_batch) flush_lazy();
    }
    return n;
}

void SmmuDriver::flush_lazy()
{
    for (size_t i = 0; i < domains_.size(); i++)
        if (domains_[i]->lazy_pending) {
            tlb_flush_all(*domains_[i]);
            atc_inv_domain((int)i, 0, 0);
            domains_[i]->lazy_pending = false;
        }
    if (lazy_queued_) cnt_.lazy_flushes++;
    lazy_queued_ = 0;
}

void SmmuDriver::tlb_inv_range(Domain &m, uint64_t iova, uint64_t size, uint64_t granule, bool leaf)
{
    TlbiTarget t;
    t.leaf = leaf;
    if (m.type == DomainType::S2) {
        t.opcode = op::TLBI_S2_IPA;
        t.vmid = m.vmid;
    } else {
        t.opcode = op::TLBI_NH_VA;
        t.asid = m.asid;
        t.vmid = m.type == DomainType::Nested ? m.vmid : 0;
    }
    issue(tlbi_range(t, iova, size, granule, f_.range_inv, m.granule_log2));
    if (m.type == DomainType::S2 && m.nest_parent) issue({cmd::tlbi_nh_all(m.vmid)});
}

void SmmuDriver::tlb_flush_all(Domain &m)
{
    if (m.type == DomainType::S2) issue({cmd::tlbi_s12_vmall(m.vmid)});
    else issue({cmd::tlbi_nh_asid(m.asid, m.type == DomainType::Nested ? m.vmid : 0)});
}

} // namespace smmusim
