# SPDX-License-Identifier: BSD-3-Clause
"""A minimal SMMUv3 driver over Smmu, the bring-up of docs/programming.md (as Linux's arm-smmu-v3): probe the ID
registers, set up the stream table and queues, enable, install STEs/CDs, invalidate, sync, read events; and a
4KB-granule stage-1 page-table builder. Tables and queues live in the Smmu's Memory."""
from . import encodings as E

# Stage-1 page/table descriptor bits (Arm ARM D8.3): valid page or table, AttrIndx, AP[2:1] = EL0 read/write,
# inner shareable, AF, nG.
PTE_VALID = 3
PTE_ATTRINDX_SHIFT = 2
PTE_AP_EL0_RW = 1 << 6
PTE_AP_RO = 1 << 7
PTE_SH_ISH = 3 << 8
PTE_AF = 1 << 10
PTE_NG = 1 << 11
PTE_ADDR_MASK = 0x0000FFFFFFFFF000
MAIR = 0xF404FF44       # attribute 0 Normal NC, 1 Normal WB, 2 Device-nGnRE (as Linux)


class DriverError(Exception):
    pass


class Driver:
    """Drives one Smmu whose memory is `mem` (a Memory). Layout: stream table, queues and CDs at `base`, page
    tables allocated upwards from `tables`."""

    def __init__(self, smmu, mem, base=0x100000, tables=0x200000, sid_bits=8, cmdq_log2=8, evtq_log2=7):
        self.smmu, self.mem = smmu, mem
        self.strtab, self.cmdq, self.evtq, self.cdtab = base, base + 0x10000, base + 0x20000, base + 0x30000
        self.next_table = tables
        self.sid_bits, self.cmdq_log2, self.evtq_log2 = sid_bits, cmdq_log2, evtq_log2
        self.cmdq_prod = self.evtq_cons = 0
        self.next_cd = self.cdtab

    def rd(self, off):
        return self.smmu.reg_read(off, 4)

    def wr(self, off, v):
        self.smmu.reg_write(off, v, 4)

    def wr64(self, off, v):
        self.smmu.reg_write(off, v, 8)

    def write_sync(self, reg, ack, v):
        """Write a register and poll its acknowledge register until it follows (CR0/CR0ACK, IRQ_CTRL)."""
        self.wr(reg, v)
        for _ in range(1000):
            if self.rd(ack) == v:
                return
        raise DriverError("register 0x%x did not acknowledge 0x%x" % (ack, v))

    def probe(self):
        """Read the ID registers and fit the queue and stream-table sizes to what the SMMU offers."""
        idr0, idr1, idr5 = self.rd(E.SMMU_IDR0), self.rd(E.SMMU_IDR1), self.rd(E.SMMU_IDR5)
        if not idr0 & E.SMMU_IDR0_S1P:
            raise DriverError("no stage 1")
        if not idr5 & E.SMMU_IDR5_GRAN4K:
            raise DriverError("no 4KB granule")
        g = E.field_get
        self.cmdq_log2 = min(self.cmdq_log2, g(idr1, E.SMMU_IDR1_CMDQS_SHIFT, E.SMMU_IDR1_CMDQS_MASK))
        self.evtq_log2 = min(self.evtq_log2, g(idr1, E.SMMU_IDR1_EVENTQS_SHIFT, E.SMMU_IDR1_EVENTQS_MASK))
        self.sid_bits = min(self.sid_bits, g(idr1, E.SMMU_IDR1_SIDSIZE_SHIFT, E.SMMU_IDR1_SIDSIZE_MASK))
        return {"idr0": idr0, "idr1": idr1, "idr5": idr5}

    def submit(self, cmd):
        """A command at the shadow PROD; publishing PROD hands it to the SMMU."""
        mask, wrap = (1 << self.cmdq_log2) - 1, (2 << self.cmdq_log2) - 1
        self.mem.write_words(self.cmdq + E.SMMU_CMDQ_ENT_BYTES * (self.cmdq_prod & mask), cmd)
        self.cmdq_prod = (self.cmdq_prod + 1) & wrap
        self.wr(E.SMMU_CMDQ_PROD, self.cmdq_prod)

    def sync(self):
        """CMD_SYNC and poll CMDQ_CONS past it; a command error (GERROR.CMDQ_ERR) raises with CONS.ERR."""
        self.submit(E.cmd_sync())
        wrap = (2 << self.cmdq_log2) - 1
        for _ in range(1000):
            if (self.rd(E.SMMU_GERROR) ^ self.rd(E.SMMU_GERRORN)) & E.SMMU_GERROR_CMDQ_ERR:
                cons = self.rd(E.SMMU_CMDQ_CONS)
                raise DriverError("CMDQ error: CONS 0x%08x ERR %d" % (
                    cons, E.field_get(cons, E.SMMU_CMDQ_CONS_ERR_SHIFT, E.SMMU_CMDQ_CONS_ERR_MASK)))
            if self.rd(E.SMMU_CMDQ_CONS) & wrap == self.cmdq_prod:
                return
        raise DriverError("CMD_SYNC timeout")

    def issue(self, *cmds):
        for c in cmds:
            self.submit(c)
        self.sync()

    def reset(self):
        """Stream table (every StreamID aborts) and queues, invalidate everything, enable (arm_smmu_device_reset)."""
        for sid in range(1 << self.sid_bits):
            self.mem.write_words(self.strtab + E.SMMU_STE_BYTES * sid, E.ste_abort())
        self.write_sync(E.SMMU_CR0, E.SMMU_CR0ACK, 0)
        p = E.field_prep
        self.wr(E.SMMU_CR1, p(E.SMMU_CR1_QUEUE_IC_SHIFT, E.SMMU_CR1_QUEUE_IC_MASK, E.SMMU_CACHE_WB) |
                p(E.SMMU_CR1_QUEUE_OC_SHIFT, E.SMMU_CR1_QUEUE_OC_MASK, E.SMMU_CACHE_WB) |
                p(E.SMMU_CR1_QUEUE_SH_SHIFT, E.SMMU_CR1_QUEUE_SH_MASK, E.SMMU_SH_ISH) |
                p(E.SMMU_CR1_TABLE_IC_SHIFT, E.SMMU_CR1_TABLE_IC_MASK, E.SMMU_CACHE_WB) |
                p(E.SMMU_CR1_TABLE_OC_SHIFT, E.SMMU_CR1_TABLE_OC_MASK, E.SMMU_CACHE_WB) |
                p(E.SMMU_CR1_TABLE_SH_SHIFT, E.SMMU_CR1_TABLE_SH_MASK, E.SMMU_SH_ISH))
        self.wr(E.SMMU_CR2, E.SMMU_CR2_PTM | E.SMMU_CR2_RECINVSID)
        self.wr64(E.SMMU_STRTAB_BASE, (self.strtab & E.SMMU_STRTAB_BASE_ADDR_MASK) | E.SMMU_STRTAB_BASE_RA)
        self.wr(E.SMMU_STRTAB_BASE_CFG,
                p(E.SMMU_STRTAB_BASE_CFG_FMT_SHIFT, E.SMMU_STRTAB_BASE_CFG_FMT_MASK, E.SMMU_STRTAB_FMT_LINEAR) |
                p(E.SMMU_STRTAB_BASE_CFG_LOG2SIZE_SHIFT, E.SMMU_STRTAB_BASE_CFG_LOG2SIZE_MASK, self.sid_bits))
        self.wr64(E.SMMU_CMDQ_BASE, E.SMMU_CMDQ_BASE_RA | (self.cmdq & E.SMMU_Q_BASE_ADDR_MASK) | self.cmdq_log2)
        self.wr(E.SMMU_CMDQ_PROD, 0)
        self.wr(E.SMMU_CMDQ_CONS, 0)
        self.cmdq_prod = 0
        self.write_sync(E.SMMU_CR0, E.SMMU_CR0ACK, E.SMMU_CR0_CMDQEN)
        self.issue(E.cmd_cfgi_all())
        self.issue(E.cmd_tlbi_nsnh_all())
        self.wr64(E.SMMU_EVENTQ_BASE, E.SMMU_EVENTQ_BASE_WA | (self.evtq & E.SMMU_Q_BASE_ADDR_MASK) | self.evtq_log2)
        self.wr(E.SMMU_EVENTQ_PROD, 0)
        self.wr(E.SMMU_EVENTQ_CONS, 0)
        self.evtq_cons = 0
        self.write_sync(E.SMMU_CR0, E.SMMU_CR0ACK, E.SMMU_CR0_CMDQEN | E.SMMU_CR0_EVENTQEN)
        self.write_sync(E.SMMU_IRQ_CTRL, E.SMMU_IRQ_CTRLACK, 0)
        self.write_sync(E.SMMU_IRQ_CTRL, E.SMMU_IRQ_CTRLACK,
                        E.SMMU_IRQ_CTRL_EVENTQ_IRQEN | E.SMMU_IRQ_CTRL_GERROR_IRQEN)
        self.write_sync(E.SMMU_CR0, E.SMMU_CR0ACK, E.SMMU_CR0_CMDQEN | E.SMMU_CR0_EVENTQEN | E.SMMU_CR0_SMMUEN)

    # ---- Stage-1 tables: 4KB granule, 48-bit VA, levels 0..3, tables allocated on demand.
    def alloc_table(self):
        t = self.next_table
        self.next_table += 0x1000
        self.mem.write(t, bytes(0x1000))
        return t

    def pte_slot(self, ttb, iova):
        table = ttb
        for level in range(3):
            at = table + ((iova >> (39 - 9 * level)) & 0x1FF) * 8
            d = self.mem.read64(at)
            if not d & 1:
                d = self.alloc_table() | PTE_VALID
                self.mem.write64(at, d)
            table = d & PTE_ADDR_MASK
        return table + ((iova >> 12) & 0x1FF) * 8

    def map_page(self, ttb, iova, pa, writable=True, attr=1):
        ap = PTE_AP_EL0_RW | (0 if writable else PTE_AP_RO)
        self.mem.write64(self.pte_slot(ttb, iova), (pa & PTE_ADDR_MASK) | PTE_VALID | attr << PTE_ATTRINDX_SHIFT |
                         ap | PTE_SH_ISH | PTE_AF | PTE_NG)

    def unmap_page(self, ttb, iova, asid):
        """Clear the PTE, then TLBI_NH_VA (leaf) + SYNC."""
        self.mem.write64(self.pte_slot(ttb, iova), 0)
        self.issue(E.cmd_tlbi_nh_va(0, asid, iova, True))

    def attach_s1(self, sid, ttb, asid, va_bits=48, ips=E.SMMU_PS_48BIT, mair=MAIR):
        """A CD (ASID, TTB0, MAIR), then the stage-1 STE pointing at it; CFGI_CD + CFGI_STE + SYNC."""
        cd_pa = self.next_cd
        self.next_cd += E.SMMU_CD_BYTES
        self.mem.write_words(cd_pa, E.cd_s1_4k(asid, ttb, va_bits, ips, mair))
        ste = E.ste_s1(cd_pa, 0)
        slot = self.strtab + E.SMMU_STE_BYTES * sid
        for i in range(7, -1, -1):       # word 0 (V) last: the STE is valid only once the rest is in place
            self.mem.write64(slot + 8 * i, ste[i])
        self.issue(E.cmd_cfgi_cd(sid, 0, True), E.cmd_cfgi_ste(sid, True))

    def read_events(self):
        """Records between the driver's CONS and the SMMU's PROD, decoded; the new CONS acknowledges them."""
        mask, wrap = (1 << self.evtq_log2) - 1, (2 << self.evtq_log2) - 1
        prod = self.rd(E.SMMU_EVENTQ_PROD)
        out = []
        while self.evtq_cons & wrap != prod & wrap:
            rec = self.mem.read_words(self.evtq + E.SMMU_EVENTQ_ENT_BYTES * (self.evtq_cons & mask), 4)
            out.append(E.decode_event(rec))
            self.evtq_cons = (self.evtq_cons + 1) & wrap
        self.wr(E.SMMU_EVENTQ_CONS, self.evtq_cons | (prod & E.SMMU_EVENTQ_PROD_OVFLG))
        return out

    def service_gerror(self):
        """Active global errors (GERROR ^ GERRORN), acknowledged by writing GERRORN."""
        g = self.rd(E.SMMU_GERROR)
        active = g ^ self.rd(E.SMMU_GERRORN)
        if active:
            self.wr(E.SMMU_GERRORN, g)
        return active
