#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The SMMUv3 model from Python, notebook style: each "# %%" cell runs on its own in Jupyter/VS Code, or run the
whole file. It follows docs/programming.md (the C walk-through, platforms/examples/embed_c/main.c): bring the SMMU
up, map pages with a stage-1 table built in Python, translate DMA, provoke an F_TRANSLATION and read the event
back, then compare TLB sizes. Needs the smmuv3 package on PYTHONPATH and libsmmuv3-core findable (SMMUV3_CORE_LIB,
or an installed prefix). Exit status 0 when every check passed; ctest runs it."""

# %% An SMMU over 16 MiB of Python memory, with a keyword override of a config field.
import sys

from smmuv3 import Irq, Memory, Smmu, Status
from smmuv3 import encodings as E
from smmuv3.driver import Driver

failures = 0


def check(ok, what):
    global failures
    print("%s: %s" % ("ok" if ok else "FAIL", what))
    failures += not ok


mem = Memory(16 << 20)
irqs = []
smmu = Smmu(mem, irq=lambda line, level: irqs.append((line, level)), main_tlb_entries=1024)
print("main TLB: %d entries, %d ways" % (smmu.config["main_tlb.entries"], smmu.config["main_tlb.ways"]))

# %% Probe and reset: stream table, command and event queues, invalidate all, enable (as arm-smmu-v3).
drv = Driver(smmu, mem)
idr = drv.probe()
print("probe: IDR0 0x%08x IDR1 0x%08x IDR5 0x%08x" % (idr["idr0"], idr["idr1"], idr["idr5"]))
drv.reset()
check(smmu.reg_read(E.SMMU_CR0ACK) & E.SMMU_CR0_SMMUEN != 0, "SMMU enabled")

# %% Map four pages of StreamID 5 at IOVA 0x40000000 and attach the device (CD + STE, CFGI, SYNC).
SID, ASID, IOVA, BUF = 5, 1, 0x40000000, 0x00800000
ttb = drv.alloc_table()
for i in range(4):
    drv.map_page(ttb, IOVA + 0x1000 * i, BUF + 0x3000 * i)
drv.attach_s1(SID, ttb, ASID)

# %% DMA: translate, then access memory at the output address.
for i in range(4):
    iova = IOVA + 0x1000 * i + 0x80
    r = smmu.translate(SID, iova, write=True)
    print("dma: write iova 0x%x -> pa 0x%x, %d cycles from %s" % (iova, r.pa, r.cycles, r.source.name))
    check(r.status == Status.OK and r.pa == BUF + 0x3000 * i + 0x80, "DMA write translated to the mapped page")
    mem.write(r.pa, (0xC0DE0000 + i).to_bytes(4, "little"))

# %% Unmap page 1; the next access faults and the event queue holds F_TRANSLATION.
drv.unmap_page(ttb, IOVA + 0x1000, ASID)
r = smmu.translate(SID, IOVA + 0x1010)
check(r.status == Status.ABORT and r.event_name == "F_TRANSLATION", "DMA to the unmapped page aborts")
events = drv.read_events()
for e in events:
    print("event: id 0x%02x (%s) sid %d input 0x%x RnW %d CLASS %d" % (e["id"], e["name"], e["sid"],
                                                                      e["input_addr"], e["rnw"], e["class"]))
check(len(events) == 1 and events[0]["id"] == E.SMMU_EVT_F_TRANSLATION and events[0]["sid"] == SID and
      events[0]["input_addr"] == IOVA + 0x1010, "event is F_TRANSLATION with the DMA's fields")
check((Irq.EVTQ, True) in irqs, "event queue interrupt raised")
check(drv.service_gerror() == 0, "no global error")

# %% Statistics, and what a smaller TLB does to the same traffic (16 pages touched twice).
print("stats:", smmu.stats()["global"])


def misses(**overrides):
    m = Memory(16 << 20)
    with Smmu(m, **overrides) as s:
        d = Driver(s, m)
        d.probe()
        d.reset()
        t = d.alloc_table()
        for i in range(16):
            d.map_page(t, IOVA + 0x1000 * i, BUF + 0x1000 * i)
        d.attach_s1(SID, t, ASID)
        for _ in range(2):
            for i in range(16):
                s.translate(SID, IOVA + 0x1000 * i)
        return s.stats()["global"]["walks"]


big, small = misses(), misses(utlb_entries=2, utlb_ways=2, main_tlb_entries=4, main_tlb_ways=4)
print("walks for 32 accesses to 16 pages: default TLBs %d, 2-entry micro-TLB + 4-entry main TLB %d" % (big, small))
check(big == 16 and small == 32, "the small TLBs miss on every access")

smmu.close()
print("python-example: FAILED" if failures else "python-example: all checks passed")
sys.exit(1 if failures else 0)
