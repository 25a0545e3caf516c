/* SPDX-License-Identifier: BSD-3-Clause */
// A model of the Linux arm-smmu-v3 driver: it programs an SMMUv3 only through its register frame and
// structures in memory (stream table, CDs, io-pgtable-arm tables, command and event queues).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "entry_writer.h"
#include "events.h"
#include "hw.h"
#include "pgtable.h"

namespace smmusim {

// What arm_smmu_device_hw_probe() learns from IDR0/1/3/5 and IIDR.
struct Features {
    bool s1 = false, s2 = false, two_lvl_strtab = false, two_lvl_cdtab = false, coherent = false;
    bool sev = false, msi = false, msipoll = false, hyp = false, ats = false, pri = false;
    bool stalls = false, stall_force = false, range_inv = false, nesting = false, attr_types_ovr = false;
    bool bbml2 = false, s2fwb = false;
    unsigned sid_bits = 0, ssid_bits = 0, asid_bits = 8, vmid_bits = 8;
    unsigned cmdq_shift = 0, evtq_shift = 0, priq_shift = 0;
    unsigned ias = 0, oas = 0, stall_max = 0;
    uint64_t pgsize_bitmap = 0;
    uint32_t iidr = 0;
};

struct DriverOptions {
    enum class Sync { Auto, Poll, Msi };
    Sync sync = Sync::Auto;          // Auto = Linux: MSI polling when IDR0.MSI and coherent, else CS=SEV + poll CONS
    bool strict = true;              // iommu.strict=1: TLBI + SYNC on every unmap; else batched flush-all
    unsigned lazy_batch = 256;       // unmaps queued before a lazy flush (the flush queue's size)
    unsigned cmdq_log2 = 8, evtq_log2 = 7;   // capped by IDR1
    unsigned max_sid_bits = 32;      // cap the stream table (a linear table of 2^32 STEs is not useful in a model)
    bool skip_prefetch = false;      // no CMD_PREFETCH_CONFIG after STE writes
    uint64_t poll_limit = 1000000;   // polls before a timeout is reported
    unsigned va_bits = 48;           // the CPU's VA_BITS (stage-1 ias = min(VAX ? 52 : 48, va_bits))
};

enum class DomainType { Blocked, Bypass, S1, S2, Nested };

struct DeviceDesc {
    std::string name;
    uint32_t sid = 0;                // StreamID (for PCI: the requester ID)
    unsigned ssid_bits = 0;          // PASID width the device uses (0 = none)
    bool stall = false;              // stall_enabled: faults stall (CD.S / STE.S2S) instead of aborting
    bool ats = false;                // PCIe ATS enabled (STE.EATS = full ATS when IDR0.ATS); ATC_INV on unmap
};

// CMD_PRI_RESP.Resp (IHI 0070 4.5.2).
enum PriResp : unsigned { PRI_RESP_FAILURE = 0, PRI_RESP_INVALID = 1, PRI_RESP_SUCCESS = 2 };

// A PRI Page Request as read from the PRI queue (IHI 0070 chapter 8).
struct PageRequest {
    uint32_t sid = 0, ssid = 0;
    bool ssv = false;
    uint64_t addr = 0;               // page address
    uint16_t prgi = 0;
    bool last = false, read = false, write = false, exec = false, priv = false;
};

struct DriverCounters {
    uint64_t reg_reads = 0, reg_writes = 0, polls = 0, commands = 0, syncs = 0, cfgi = 0, tlbi = 0;
    uint64_t ste_writes = 0, cd_writes = 0, hitless = 0, breaking = 0, maps = 0, unmaps = 0, lazy_flushes = 0;
    uint64_t events = 0, evtq_overflows = 0, cmdq_errors = 0, resumes = 0, timeouts = 0;
    uint64_t atc_inv = 0, page_requests = 0, pri_responses = 0, priq_overflows = 0;
};

class SmmuDriver {
public:
    SmmuDriver(RegisterPort &regs, PhysMemory &mem, PhysAllocator &alloc, DriverOptions opt = {});
    ~SmmuDriver();

    // arm_smmu_device_probe: hw_probe + init_structures + device_reset. False + error() on failure.
    bool probe();
    bool hw_probe();
    bool init_structures();
    bool reset();
    const Features &features() const { return f_; }
    const std::string &error() const { return err_; }
    const DriverCounters &counters() const { return cnt_; }
    unsigned sync_cs() const { return use_msipoll_ ? 1 : 2; }

    // Command queue: the commands, then CMD_SYNC (waited for) when `sync`.
    bool issue(const std::vector<Cmd> &cmds, bool sync = true);

    // Devices. PCI requester ID = bus[15:8] dev[7:3] fn[2:0]; "bb:dd.f" or "ssss:bb:dd.f". Returns -1 on error.
    static int64_t parse_bdf(const std::string &bdf);
    int add_device(const DeviceDesc &d);
    const DeviceDesc &device(int dev) const;
    int group_of(int dev) const;     // devices sharing a StreamID share a group

    // Domains. granule_log2 12/14/16; a Nested domain needs `parent` (an S2 domain) and the guest's IPA range
    // for its CD and stage-1 tables (which must be mapped by the parent).
    int domain_alloc(DomainType t, unsigned granule_log2 = 12, int parent = -1, uint64_t guest_ipa = 0,
                     uint64_t guest_size = 0);
    DomainType domain_type(int dom) const;
    uint16_t domain_asid(int dom) const;
    uint16_t domain_vmid(int dom) const;
    IoPgtable *domain_pgtable(int dom);

    // Attach the device's group to a domain (RID / SSID 0), or an S1 domain to one PASID.
    bool attach(int dev, int dom);
    bool attach_pasid(int dev, int dom, uint32_t pasid);
    bool detach_pasid(int dev, uint32_t pasid);

    // Assignment over time, in the Linux driver's order (docs/scenarios.md, Timeline). Each acts on the device's
    // group. detach: the blocked domain (STE abort). assign: VFIO's path, blocked first, then a nested domain.
    // free_pasid: the CD cleared (CFGI_CD), then the PASID's domain freed when nothing else uses it. unplug:
    // release_device: PASIDs freed, STE abort, the CD table and an otherwise unused RID domain released.
    // domain_free: TLBI_NH_ASID (stage 1, nested) / TLBI_S12_VMALL (stage 2) + CMD_SYNC, as free_io_pgtable_ops.
    bool detach(int dev);
    bool assign(int dev, int nested_dom);
    bool free_pasid(int dev, uint32_t pasid);
    bool unplug(int dev);
    bool domain_free(int dom);
    std::vector<int> group_devices(int dev) const;   // the devices sharing its StreamID, itself included
    int rid_domain(int dev) const;                   // -1 = blocked
    bool unplugged(int dev) const;

    // map: 0 or -errno. unmap returns bytes unmapped and invalidates per the strict/lazy policy.
    int map(int dom, uint64_t iova, uint64_t pa, uint64_t size, uint64_t pgsize, unsigned prot);
    uint64_t unmap(int dom, uint64_t iova, uint64_t size);
    void flush_lazy();               // lazy mode: flush-all for every domain with queued unmaps

    // Event queue.
    std::vector<Event> drain_events();
    std::string client_name(uint32_t sid) const;
    // Stalled transactions: the handler returns true to retry (after fixing the mapping), false to terminate.
    std::function<bool(const Event &)> on_stall;
    bool resume(uint32_t sid, uint16_t stag, bool retry);
    // PRI queue (ats.cpp): every Page Request in it goes to on_page_request, which returns the CMD_PRI_RESP.Resp
    // it earned (PriResp); the last request of a group is answered with the worst of its group's.
    std::vector<PageRequest> drain_priq();
    std::function<unsigned(const PageRequest &)> on_page_request;
    uint64_t priq_base() const { return priq_; }

    // GERROR: returns the active errors it serviced (CMDQ_ERR skipped as Linux does).
    uint32_t handle_gerror();

    // Where things live (for tests and reports).
    uint64_t strtab_base() const { return strtab_; }
    uint64_t ste_addr(uint32_t sid);           // allocates the L2 table on demand
    uint64_t cmdq_base() const { return cmdq_; }
    uint64_t evtq_base() const { return evtq_; }
    uint64_t cd_addr(int dev, uint32_t ssid);  // 0 when the device has no CD table yet

private:
    struct Domain;
    struct Device;
    struct GuestView;
    uint32_t rd(uint64_t off);
    void wr(uint64_t off, uint32_t v);
    void wr64(uint64_t off, uint64_t v);
    bool write_reg_sync(uint64_t off, uint32_t v, uint64_t ack);
    bool fail(const std::string &m) { err_ = m; return false; }
    bool wait_sync(uint64_t prod_of_sync);
    bool cmdq_space(uint32_t n);
    Entry make_ste(Device &d);
    Entry make_cd(Domain &dom, const Device &d);
    bool install_ste(Device &d);
    bool alloc_cd_table(Device &d);
    bool switch_cd_owner(Device &d, const Domain &target);
    int blocked_domain();
    bool write_cd(Device &d, uint32_t ssid, const Entry &cd);
    void tlb_inv_range(Domain &dom, uint64_t iova, uint64_t size, uint64_t granule, bool leaf);
    void tlb_flush_all(Domain &dom);
    bool priq_alloc();                         // ats.cpp
    bool ats_pri_enable(uint32_t &cr0);        // ats.cpp: PRIQ registers, CR0.PRIQEN and CR0.ATSCHK (Linux reset order)
    void atc_inv_domain(int dom, uint64_t iova, uint64_t size);   // ats.cpp: size 0 = everything
    bool atc_inv_master(const Device &d, uint32_t ssid, bool ssv);   // ats.cpp: all of an ATS device's RID or PASID

    RegisterPort &regs_;
    PhysMemory &mem_;
    PhysAllocator &alloc_;
    DriverOptions opt_;
    Features f_;
    std::string err_;
    DriverCounters cnt_;
    bool use_msipoll_ = false;
    uint64_t strtab_ = 0, cmdq_ = 0, evtq_ = 0;
    unsigned strtab_sid_bits_ = 0;
    bool strtab_2lvl_ = false;
    std::vector<uint64_t> l2_;                 // L2 stream tables by L1 index (0 = none)
    unsigned cmdq_log2_ = 0, evtq_log2_ = 0;
    uint32_t cmdq_prod_ = 0, cmdq_cons_ = 0, evtq_cons_ = 0;   // with the wrap bit
    bool vax_ = false, force_sync_ = false;
    unsigned lazy_queued_ = 0;
    std::vector<std::unique_ptr<Domain>> domains_;
    std::vector<std::unique_ptr<Device>> devices_;
    uint32_t next_asid_ = 1, next_vmid_ = 1;
    uint64_t priq_ = 0;
    unsigned priq_log2_ = 0;
    uint32_t priq_cons_ = 0;
    std::map<uint64_t, unsigned> prg_resp_;    // (StreamID, PRGIndex) -> CMD_PRI_RESP.Resp of the group so far
};

} // namespace smmusim
