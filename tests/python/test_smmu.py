# SPDX-License-Identifier: BSD-3-Clause
"""The smmuv3 package against libsmmuv3-core: config by name, registers, a stage-1 table built in Python translated
and faulted (F_TRANSLATION read back from the event queue), statistics, cache sizes by keyword, memory callbacks."""
import unittest

import smmuv3
from smmuv3 import Irq, Memory, Smmu, SmmuError, Source, Status
from smmuv3 import encodings as E
from smmuv3.driver import Driver

SID, ASID, IOVA, BUF = 5, 1, 0x40000000, 0x00800000


def bring_up(smmu, mem, npages=4, stride=0x3000):
    """The flow of platforms/examples/embed_c/main.c: probe, reset, map npages, attach SID."""
    d = Driver(smmu, mem)
    d.probe()
    d.reset()
    ttb = d.alloc_table()
    for i in range(npages):
        d.map_page(ttb, IOVA + 0x1000 * i, BUF + stride * i)
    d.attach_s1(SID, ttb, ASID)
    return d, ttb


class Config(unittest.TestCase):
    def test_every_field_is_named_and_defaults_are_the_c_defaults(self):
        names = smmuv3.config_fields()
        self.assertEqual(len(names), len(set(names)))
        for n in ("arch_minor", "seed", "main_tlb.entries", "walk_cache_s1[3].latency", "walk_cache_s2[0].policy",
                  "tlbi_cycles"):
            self.assertIn(n, names)
        d = smmuv3.default_config()
        self.assertEqual(set(d), set(names))
        self.assertEqual(d["arch_minor"], 2)
        with Smmu(Memory(0)) as s:
            self.assertEqual(s.config, d)
            self.assertEqual(E.field_get(s.reg_read(E.SMMU_AIDR), 0, 0xF), 2)

    def test_keywords_and_dotted_names_set_fields(self):
        with Smmu(Memory(0), main_tlb_entries=512, walk_cache_s1_2_ways=2, utlb_policy="fifo", s2p=False, hyp=False, vmw=False,
                  config={"walk_cache_s1[2].entries": 64, "sidsize": 12, "cfg_cache.latency": 7}) as s:
            c = s.config
            self.assertEqual((c["main_tlb.entries"], c["walk_cache_s1[2].entries"], c["walk_cache_s1[2].ways"]),
                             (512, 64, 2))
            self.assertEqual((c["utlb.policy"], c["s2p"], c["sidsize"], c["cfg_cache.latency"]),
                             (smmuv3.POLICIES.index("fifo"), 0, 12, 7))
            # What the ID registers advertise follows: IDR1.SIDSIZE = 12, IDR0.S2P clear.
            self.assertEqual(E.field_get(s.reg_read(E.SMMU_IDR1), E.SMMU_IDR1_SIDSIZE_SHIFT,
                                         E.SMMU_IDR1_SIDSIZE_MASK), 12)
            self.assertEqual(s.reg_read(E.SMMU_IDR0) & E.SMMU_IDR0_S2P, 0)

    def test_bad_values_are_refused_with_the_field_named(self):
        cases = [
            ({"main_tlb_entrys": 1}, "unknown config field 'main_tlb_entrys'"),
            ({"config": {"walk_cache_s1[4].entries": 1}}, "unknown config field 'walk_cache_s1[4].entries'"),
            ({"arch_minor": 256}, "arch_minor: 256 is out of range 0..255"),
            ({"main_tlb_entries": 1 << 32}, "main_tlb.entries: 4294967296 is out of range 0..4294967295"),
            ({"stall_max": -1}, "stall_max: -1 is out of range 0..65535"),
            ({"s1p": 2}, "s1p: 2 is out of range 0..1"),
            ({"utlb_policy": "mru"}, "utlb.policy: 'mru' is not a policy"),
            ({"utlb_policy": 8}, "utlb.policy: 8 is out of range 0..7"),
            ({"seed": 1.5}, "seed: 1.5 is not an integer"),
            # Fits the field, refused by smmu_create's checks, with its message.
            ({"sidsize": 33}, "sidsize"),
            ({"main_tlb_entries": 12, "main_tlb_ways": 8}, "main_tlb"),
        ]
        for kw, msg in cases:
            with self.subTest(kw=kw):
                with self.assertRaises(SmmuError) as cm:
                    Smmu(Memory(0), **kw)
                self.assertIn(msg, str(cm.exception))


class Registers(unittest.TestCase):
    def test_register_access_round_trips_and_refuses_values_that_do_not_fit(self):
        with Smmu(Memory(0)) as s:
            s.reg_write(E.SMMU_STRTAB_BASE, 0x12345000 | E.SMMU_STRTAB_BASE_RA, 8)
            self.assertEqual(s.reg_read(E.SMMU_STRTAB_BASE, 8), 0x12345000 | E.SMMU_STRTAB_BASE_RA)
            s.reg_write(E.SMMU_CR0, E.SMMU_CR0_CMDQEN)
            self.assertEqual(s.reg_read(E.SMMU_CR0ACK), E.SMMU_CR0_CMDQEN)
            for off, val, size, msg in ((E.SMMU_CR1, 1 << 32, 4, "does not fit 4 bytes"),
                                        (E.SMMU_CR1, -1, 4, "does not fit"),
                                        (E.SMMU_CR1, 0, 2, "size 2: 4 or 8"),
                                        (-4, 0, 4, "offset -4 out of range")):
                with self.subTest(val=val, size=size):
                    with self.assertRaises(SmmuError) as cm:
                        s.reg_write(off, val, size)
                    self.assertIn(msg, str(cm.exception))
            self.assertEqual(s.reg_read(E.SMMU_CR1), 0)


class Translate(unittest.TestCase):
    def setUp(self):
        self.mem = Memory(16 << 20)
        self.irqs = []
        self.smmu = Smmu(self.mem, irq=lambda line, level: self.irqs.append((line, level)))
        self.drv, self.ttb = bring_up(self.smmu, self.mem)

    def tearDown(self):
        self.smmu.close()

    def test_stage1_table_built_in_python_translates(self):
        for i in range(4):
            iova = IOVA + 0x1000 * i + 0x80
            r = self.smmu.translate(SID, iova, write=True)
            self.assertEqual(r.status, Status.OK)
            self.assertEqual(r.pa, BUF + 0x3000 * i + 0x80)
            self.assertEqual((r.event, r.page_log2, r.read_ok, r.write_ok, r.bypass), (0, 12, True, True, False))
            self.assertEqual((r.memattr, r.sh), (0xFF, E.SMMU_SH_ISH))     # MAIR attr 1 = Normal WB, ISH
            self.assertGreater(r.cycles, 0)
        self.assertEqual(r.source, Source.WALK)
        again = self.smmu.translate(SID, IOVA + 0x3080)
        self.assertEqual((again.status, again.pa, again.source), (Status.OK, BUF + 0x9080, Source.UTLB))
        self.assertLess(again.cycles, r.cycles)
        self.assertEqual(self.smmu.callback_errors, [])

    def test_unmapped_page_raises_f_translation_read_back_from_the_event_queue(self):
        self.assertTrue(self.smmu.translate(SID, IOVA + 0x1010).ok)
        self.drv.unmap_page(self.ttb, IOVA + 0x1000, ASID)
        r = self.smmu.translate(SID, IOVA + 0x1010)
        self.assertEqual((r.status, r.event, r.event_name, r.recorded), (Status.ABORT, 0x10, "F_TRANSLATION", True))
        ev = self.drv.read_events()
        self.assertEqual(len(ev), 1)
        e = ev[0]
        self.assertEqual((e["id"], e["name"], e["sid"], e["input_addr"], e["rnw"], e["class"], e["s2"], e["ssv"]),
                         (E.SMMU_EVT_F_TRANSLATION, "F_TRANSLATION", SID, IOVA + 0x1010, True, E.SMMU_EVT_CLASS_IN,
                          False, False))
        self.assertIn((Irq.EVTQ, True), self.irqs)
        self.assertEqual(self.drv.read_events(), [])
        self.assertEqual(self.drv.service_gerror(), 0)
        g = self.smmu.global_stats()
        self.assertEqual((g["events_recorded"], g["events_lost"]), (1, 0))
        self.assertEqual(g["commands_by_opcode"][E.SMMU_CMD_TLBI_NH_VA], 1)
        self.assertEqual(self.smmu.stream_stats(SID)["faults"], 1)
        self.assertTrue(self.smmu.translate(SID, IOVA + 0x2000).ok)     # other pages unaffected

    def test_unknown_stream_gets_its_event(self):
        r = self.smmu.translate(1 << 8, 0)    # beyond the 2^8-entry stream table
        self.assertEqual((r.status, r.event), (Status.ABORT, E.SMMU_EVT_C_BAD_STREAMID))
        r = self.smmu.translate(7, 0)         # an abort STE: no event
        self.assertEqual((r.status, r.event), (Status.ABORT, 0))

    def test_debug_translate_has_no_side_effects(self):
        before = self.smmu.stats()
        r = self.smmu.translate(SID, IOVA + 0x40, debug=True)
        self.assertEqual((r.status, r.pa), (Status.OK, BUF + 0x40))
        self.assertEqual(self.smmu.stats(), before)

    def test_pmcg_counts_transactions_and_tlb_misses_and_overflows_with_its_irq(self):
        s = self.smmu
        self.assertEqual(s.pmcg_read(0xE00), 0x00D01F03)                 # SMMU_PMCG_CFGR: 4 x 32-bit, page 1
        s.pmcg_write(0x400, 1 | 1 << 29)                                   # EVTYPER0: transactions, SID span
        s.pmcg_write(0xA00, 0xFFFF)                                        # SMR0: all StreamIDs
        s.pmcg_write(0x404, 2)                                             # EVTYPER1: TLB misses (global filter)
        s.pmcg_write(0x408, 0)                                             # EVTYPER2: cycles
        s.pmcg_write(0xC00, 0x7, 8)                                        # CNTENSET0
        s.pmcg_write(0xC40, 0x1, 8)                                        # INTENSET0
        s.pmcg_write(0xE50, 1)                                             # IRQ_CTRL.IRQEN
        s.pmcg_write(0x10000, 0xFFFFFFFE)                                  # EVCNTR0 on page 1
        s.pmcg_write(0xE04, 1)                                             # CR.E
        for i in range(3):
            self.assertTrue(s.translate(SID, IOVA + 0x1000 * i).ok)
        s.pmcg_advance(250)
        self.assertEqual(s.pmcg_read(0x10000), 1)                          # wrapped after two
        self.assertEqual(s.pmcg_read(0x10004), 3)                          # three cold pages
        self.assertEqual(s.pmcg_read(0x10008), 250)
        self.assertEqual(s.pmcg_read(0x10CC0, 8), 1)                       # OVSSET0
        self.assertIn((Irq.PMCG, True), self.irqs)
        self.assertEqual(self.smmu.callback_errors, [])
        with self.assertRaises(SmmuError):
            s.pmcg_write(0xE04, 1 << 32)

    def test_stats_count_translations_and_cache_lookups(self):
        for _ in range(3):
            self.smmu.translate(SID, IOVA)
        st = self.smmu.stats()
        self.assertEqual(st["global"]["translations"], 3)
        self.assertEqual(st["global"]["walks"], 1)
        self.assertEqual(st["caches"]["utlb"]["lookups"], 3)
        self.assertEqual(st["caches"]["utlb"]["hits"], 2)
        self.assertNotIn("tcu_tlb", st["caches"])          # absent in the default (MMU-700) config
        self.assertIsNone(self.smmu.cache_stats("tcu_tlb"))


class CacheSizeByKeyword(unittest.TestCase):
    def run_pages(self, **kw):
        mem = Memory(16 << 20)
        with Smmu(mem, **kw) as s:
            bring_up(s, mem, npages=16, stride=0x1000)
            for _ in range(2):
                srcs = [s.translate(SID, IOVA + 0x1000 * i).source for i in range(16)]
            return srcs, s.stats()

    def test_small_tlbs_miss_where_the_default_ones_hit(self):
        srcs, st = self.run_pages()
        self.assertEqual(set(srcs), {Source.UTLB})
        self.assertEqual(st["caches"]["main_tlb"]["evictions"], 0)
        srcs, st = self.run_pages(utlb_entries=2, utlb_ways=2, main_tlb_entries=4, main_tlb_ways=4)
        self.assertEqual(set(srcs), {Source.WALK})     # 16 pages cycle through 2 + 4 entries: every one misses
        self.assertEqual(st["caches"]["main_tlb"]["hits"], 0)
        self.assertEqual(st["caches"]["main_tlb"]["evictions"], 32 - 4)

    def test_a_tcu_tlb_added_by_keyword_appears_in_stats(self):
        _, st = self.run_pages(tcu_tlb_entries=64, tcu_tlb_ways=4)
        self.assertEqual(st["caches"]["tcu_tlb"]["fills"], 16)


class SparseMemory:
    """A user memory object: a dict of pages."""

    def __init__(self):
        self.pages = {}

    def read(self, pa, n):
        out = bytearray()
        while n:
            page, off = divmod(pa, 4096)
            k = min(n, 4096 - off)
            out += self.pages.get(page, bytes(4096))[off:off + k]
            pa, n = pa + k, n - k
        return bytes(out)

    def write(self, pa, data):
        data = bytes(data)
        while data:
            page, off = divmod(pa, 4096)
            k = min(len(data), 4096 - off)
            p = bytearray(self.pages.get(page, bytes(4096)))
            p[off:off + k] = data[:k]
            self.pages[page] = bytes(p)
            pa, data = pa + k, data[k:]

    # What Driver needs of a memory besides read/write.
    read64, write64 = Memory.read64, Memory.write64
    write_words, read_words = Memory.write_words, Memory.read_words


class Callbacks(unittest.TestCase):
    def test_a_user_memory_object_serves_the_tables(self):
        mem = SparseMemory()
        with Smmu(mem) as s:
            bring_up(s, mem)
            r = s.translate(SID, IOVA + 0x2004)
            self.assertEqual((r.status, r.pa), (Status.OK, BUF + 0x6004))
            self.assertEqual(s.callback_errors, [])

    def test_exceptions_and_short_reads_are_external_aborts(self):
        class Broken(SparseMemory):
            fail = None

            def read(self, pa, n):
                if self.fail == "raise" and pa < 0x110000:
                    raise RuntimeError("boom at 0x%x" % pa)
                if self.fail == "short" and pa < 0x110000:
                    return b"\0"
                return super().read(pa, n)

        mem = Broken()
        with Smmu(mem) as s:
            drv, _ = bring_up(s, mem)
            for mode, err in (("raise", RuntimeError), ("short", ValueError)):
                with self.subTest(mode=mode):
                    s.callback_errors.clear()
                    mem.fail = mode
                    drv.issue(E.cmd_cfgi_all())
                    r = s.translate(SID, IOVA)        # the STE fetch (stream table at 0x100000) aborts
                    mem.fail = None
                    self.assertEqual((r.status, r.event), (Status.ABORT, E.SMMU_EVT_F_STE_FETCH))
                    self.assertTrue(s.callback_errors and isinstance(s.callback_errors[0], err))
            ev = drv.read_events()
            self.assertEqual([e["id"] for e in ev], [E.SMMU_EVT_F_STE_FETCH] * 2)
            drv.issue(E.cmd_cfgi_all())
            self.assertTrue(s.translate(SID, IOVA).ok)

    def test_an_irq_callback_that_raises_is_recorded(self):
        def bad_irq(line, level):
            raise KeyError(line)
        mem = Memory(16 << 20)
        with Smmu(mem, irq=bad_irq) as s:
            drv, ttb = bring_up(s, mem)
            drv.unmap_page(ttb, IOVA, ASID)
            self.assertEqual(s.translate(SID, IOVA).event, E.SMMU_EVT_F_TRANSLATION)
            self.assertTrue(any(isinstance(e, KeyError) for e in s.callback_errors))

    def test_memory_outside_the_bytearray_aborts(self):
        mem = Memory(0x1000)
        with self.assertRaises(IndexError):
            mem.read(0xFFC, 8)
        with Smmu(mem) as s:
            s.reg_write(E.SMMU_STRTAB_BASE, 0x100000, 8)
            s.reg_write(E.SMMU_STRTAB_BASE_CFG, 8)
            s.reg_write(E.SMMU_CR0, E.SMMU_CR0_SMMUEN)
            r = s.translate(0, 0)
            self.assertEqual((r.status, r.event), (Status.ABORT, E.SMMU_EVT_F_STE_FETCH))
            self.assertIsInstance(s.callback_errors[0], IndexError)


class Instances(unittest.TestCase):
    def test_two_smmus_are_independent_and_a_closed_one_refuses_calls(self):
        m1, m2 = Memory(16 << 20), Memory(16 << 20)
        a, b = Smmu(m1), Smmu(m2, sidsize=10)
        bring_up(a, m1)
        self.assertTrue(a.translate(SID, IOVA).ok)
        gbpa_abort = bool(b.reg_read(E.SMMU_GBPA) & E.SMMU_GBPA_ABORT)   # b is disabled: GBPA decides
        r = b.translate(SID, IOVA)
        self.assertEqual((r.status, r.event, r.bypass), ((Status.ABORT, 0, False) if gbpa_abort else
                                                          (Status.OK, 0, True)))
        b.translate(SID, IOVA)
        self.assertEqual(b.global_stats()["translations"], 2)
        self.assertEqual(a.global_stats()["translations"], 1)
        a.close()
        with self.assertRaises(SmmuError):
            a.reg_read(E.SMMU_IDR0)
        a.close()
        b.close()


class Ats(unittest.TestCase):
    """PCIe ATS through the bindings: a Translation Request, a Translated transaction, an ATC invalidation that
    holds the CMD_SYNC until the endpoint completes it (IHI 0070 3.9.1, 4.5.1, 4.7.3)."""

    def setUp(self):
        self.mem = Memory(16 << 20)
        self.invs = []
        self.smmu = Smmu(self.mem, atc_inv=self.invs.append)
        self.drv, self.ttb = bring_up(self.smmu, self.mem)
        slot = self.drv.strtab + E.SMMU_STE_BYTES * SID + 8
        self.mem.write64(slot, self.mem.read_words(slot, 1)[0] | 1 << 28)      # STE.EATS = 0b01: Full ATS
        self.drv.issue(E.cmd_cfgi_ste(SID, True))

    def tearDown(self):
        self.smmu.close()

    def test_translation_request_and_translated_transaction(self):
        r = self.smmu.ats_translate(SID, IOVA + 0x1080, write=True)
        self.assertEqual((r.status, r.addr, r.size_log2, r.read, r.write, r.exec, r.global_),
                         (smmuv3.AtsStatus.SUCCESS, BUF + 0x3000, 12, True, True, False, False))
        self.assertEqual(self.smmu.ats_translate(SID, IOVA + 0x9000).status, smmuv3.AtsStatus.SUCCESS)  # R=W=0
        t = self.smmu.translate(SID, BUF + 0x3080, write=True, translated=True)     # ATSCHK = 0: passes
        self.assertEqual((t.status, t.pa, t.event), (Status.OK, BUF + 0x3080, 0))
        self.assertEqual(self.smmu.global_stats()["ats_translations"], 2)

    def test_atc_invalidation_holds_the_sync_until_completed(self):
        self.drv.submit([0x40 | SID << 32, IOVA | 1])       # CMD_ATC_INV, Size 1: 8 KiB
        self.drv.submit(E.cmd_sync())
        self.assertEqual(len(self.invs), 1)
        i = self.invs[0]
        self.assertEqual((i.sid, i.ssv, i.global_, i.addr, i.size_log2), (SID, False, False, IOVA, 13))
        self.assertTrue(self.smmu.cmdq_waiting())
        self.smmu.atc_inv_complete(i.tag)
        self.assertFalse(self.smmu.cmdq_waiting())
        self.assertEqual(self.smmu.reg_read(E.SMMU_CMDQ_CONS) & ((2 << self.drv.cmdq_log2) - 1),
                         self.drv.cmdq_prod)
        self.assertEqual(self.smmu.global_stats()["atc_invalidations"], 1)
        self.assertEqual(self.smmu.callback_errors, [])


class Pri(unittest.TestCase):
    """PCIe PRI through the bindings: the SMMU's own answer while the PRI queue is off, and CMD_PRI_RESP reaching
    the endpoint with the PCIe response code (IHI 0070 8.2, 4.7.1)."""

    def setUp(self):
        self.mem = Memory(16 << 20)
        self.resps = []
        self.smmu = Smmu(self.mem, pri_resp=self.resps.append)
        self.drv, _ = bring_up(self.smmu, self.mem)

    def tearDown(self):
        self.smmu.close()

    def test_page_request_without_the_queue_is_answered_with_response_failure(self):
        self.assertEqual(self.smmu.pri_page_request(SID, IOVA, prgi=5), smmuv3.PriStatus.DISABLED)   # PRIQEN = 0
        self.assertEqual(self.resps, [smmuv3.PriResponse(SID, 0, False, 5, 0xF)])

    def test_cmd_pri_resp_reaches_the_endpoint(self):
        self.drv.issue(E.cmd_pri_resp(SID, 3, True, 0x1FF, E.SMMU_PRI_RESP_SUCCESS))
        self.drv.issue(E.cmd_pri_resp(SID, 0, False, 7, E.SMMU_PRI_RESP_INVALID))
        self.assertEqual(self.resps, [smmuv3.PriResponse(SID, 3, True, 0x1FF, 0),
                                      smmuv3.PriResponse(SID, 0, False, 7, 1)])
        self.assertEqual(self.smmu.callback_errors, [])


if __name__ == "__main__":
    unittest.main()
