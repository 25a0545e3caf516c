// SPDX-License-Identifier: BSD-3-Clause
// Devices changing domains while they run: detach (blocked), VFIO assignment to a VM, PASID teardown and hot-unplug,
// in the order of Linux's arm-smmu-v3 (arm_smmu_attach_dev_blocked, arm_smmu_remove_dev_pasid,
// arm_smmu_release_device, arm_smmu_domain_free_paging); every STE/CD change goes through write_entry.
#include "driver.h"
#include "driver_internal.h"
#include "driver_state.h"

namespace smmusim {

int SmmuDriver::blocked_domain()
{
    for (size_t i = 0; i < domains_.size(); i++)
        if (domains_[i]->type == DomainType::Blocked) return (int)i;
    return domain_alloc(DomainType::Blocked);
}

// A nested domain's STE points at the guest's CD table (in IPA space); the host's own table stays allocated for
// when the device comes back to a host stage-1 domain, as master->cd_table does in Linux.
bool SmmuDriver::switch_cd_owner(Device &d, const Domain &target)
{
    PhysMemory *guest = target.type == DomainType::Nested ? target.guest_mem.get() : nullptr;
    if (d.cdtab && d.cd_mem != &mem_ && d.cd_mem != guest) {
        // Leaving a guest's table: forget it (the guest owns it) and take the host's back.
        Device::CdTable &h = d.parked_host_cd;
        d.cd_bits = h.bits; d.cd_2lvl = h.l2; d.cdtab = h.tab; d.cd_mem = h.mem; d.cd_alloc = h.alloc; d.cd_l2 = h.l2s;
        h = Device::CdTable{};
        d.pasids.erase(0);
    } else if (guest && d.cdtab && d.cd_mem == &mem_) {
        if (d.pasids.size() > (d.pasids.count(0) ? 1u : 0u)) return fail("PASIDs in use: a nested domain takes the whole CD table");
        d.parked_host_cd = {d.cd_bits, d.cd_2lvl, d.cdtab, d.cd_mem, d.cd_alloc, d.cd_l2};
        d.cdtab = 0; d.cd_mem = nullptr; d.cd_alloc = nullptr; d.cd_l2.clear(); d.cd_bits = 0;
    }
    return true;
}

std::vector<int> SmmuDriver::group_devices(int dev) const
{
    std::vector<int> g;
    int leader = devices_.at(dev)->leader;
    for (size_t i = 0; i < devices_.size(); i++)
        if (devices_[i]->leader == leader) g.push_back((int)i);
    return g;
}

int SmmuDriver::rid_domain(int dev) const { return devices_.at(devices_.at(dev)->leader)->rid_domain; }
bool SmmuDriver::unplugged(int dev) const { return devices_.at(devices_.at(dev)->leader)->unplugged; }

bool SmmuDriver::detach(int dev)
{
    int b = blocked_domain();
    return b >= 0 && attach(dev, b);
}

bool SmmuDriver::assign(int dev, int nested_dom)
{
    if (nested_dom < 0 || nested_dom >= (int)domains_.size() || domains_[nested_dom]->type != DomainType::Nested)
        return fail("assign needs a nested domain");
    // VFIO claims the group for user space first (the blocking domain), then the VMM attaches the VM's domain.
    return detach(dev) && attach(dev, nested_dom);
}

bool SmmuDriver::domain_free(int dom)
{
    if (dom < 0 || dom >= (int)domains_.size()) return fail("bad domain");
    Domain &m = *domains_[dom];
    if (m.type == DomainType::S2) return issue({cmd::tlbi_s12_vmall(m.vmid)});
    if (m.type == DomainType::S1 || m.type == DomainType::Nested)
        return issue({cmd::tlbi_nh_asid(m.asid, m.type == DomainType::Nested ? m.vmid : 0)});
    return true;
}

bool SmmuDriver::free_pasid(int dev, uint32_t pasid)
{
    Device &d = *devices_.at(devices_.at(dev)->leader);
    auto it = d.pasids.find(pasid);
    if (pasid == 0 || it == d.pasids.end()) return fail("PASID not attached");
    int dom = it->second;
    if (!detach_pasid(dev, pasid)) return false;   // CD V=0, CFGI_CD + CMD_SYNC
    // The SVA domain is freed with its mm: its ASID is flushed before reuse, unless another PASID still uses it.
    bool used = false;
    for (auto &o : devices_)
        for (auto &kv : o->pasids) used |= kv.second == dom;
    for (auto &o : devices_) used |= o->rid_domain == dom;
    if (!used && !domain_free(dom)) return false;
    // The last PASID gone with a blocked/identity RID: the STE loses its CD table (arm_smmu_remove_dev_pasid).
    Domain *rid = d.rid_domain >= 0 ? domains_[d.rid_domain].get() : nullptr;
    if (d.pasids.empty() && (!rid || rid->type == DomainType::Bypass)) return install_ste(d);
    return true;
}

bool SmmuDriver::unplug(int dev)
{
    Device &d = *devices_.at(devices_.at(dev)->leader);
    if (d.unplugged) return fail("device " + d.desc.name + " was unplugged");
    // The driver's remove() unbinds its SVA PASIDs first; then release_device puts the STE back to abort.
    std::vector<uint32_t> ps;
    for (auto &kv : d.pasids) if (kv.first) ps.push_back(kv.first);
    for (uint32_t p : ps) if (!free_pasid(dev, p)) return false;
    int old = d.rid_domain;
    if (!detach(dev)) return false;
    d.unplugged = true;
    d.cdtab = 0; d.cd_mem = nullptr; d.cd_alloc = nullptr; d.cd_l2.clear(); d.cd_bits = 0;   // arm_smmu_free_cd_tables
    d.parked_host_cd = Device::CdTable{};
    // The group's default domain goes with the group; a VM's domain lives on with the VM.
    if (old >= 0 && domains_[old]->type != DomainType::Nested && domains_[old]->type != DomainType::Bypass) {
        bool used = false;
        for (auto &o : devices_) used |= o.get() != &d && o->rid_domain == old;
        if (!used) return domain_free(old);
    }
    return true;
}

} // namespace smmusim
