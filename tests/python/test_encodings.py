# SPDX-License-Identifier: BSD-3-Clause
"""smmuv3.encodings equals <smmu/regs.h>: every constant by name, and every builder word for word against the C
builders (run through the encodings_ref helper). SMMUV3_REGS_H and SMMUV3_ENCODINGS_REF name the header and the
helper (ctest sets both)."""
import os
import random
import re
import subprocess
import unittest

from smmuv3 import encodings as E


def header_constants(path):
    """The object-like SMMU_* macros of regs.h, evaluated."""
    vals = {}
    num = re.compile(r"\b(0[xX][0-9A-Fa-f]+|\d+)(?:[uU][lL]{0,2}|[lL]{1,2}[uU]?)?\b")
    with open(path) as f:
        for line in f:
            m = re.match(r"#define\s+(SMMU_\w+)\s+(.*?)\s*(/\*.*)?$", line)
            if not m or not m.group(2):
                continue
            expr = num.sub(lambda n: n.group(1), m.group(2))
            vals[m.group(1)] = eval(expr, {"__builtins__": {}}, dict(vals))   # noqa: S307 - our own header
    return vals


class Constants(unittest.TestCase):
    def test_every_python_constant_is_the_headers(self):
        hdr = header_constants(os.environ["SMMUV3_REGS_H"])
        self.assertGreater(len(hdr), 300)
        mine = {k: v for k, v in vars(E).items() if k.startswith("SMMU_")}
        self.assertGreater(len(mine), 250)
        for k, v in mine.items():
            with self.subTest(name=k):
                self.assertIn(k, hdr, "%s is not in <smmu/regs.h>" % k)
                self.assertEqual(v, hdr[k], "%s: 0x%x, header 0x%x" % (k, v, hdr[k]))

    def test_event_names_cover_the_headers_event_ids(self):
        hdr = header_constants(os.environ["SMMUV3_REGS_H"])
        ids = {v: k[len("SMMU_EVT_"):] for k, v in hdr.items()
               if re.match(r"SMMU_EVT_[A-Z]_", k)}
        self.assertEqual(E.EVENT_NAMES, ids)


def cases():
    """(builder, args): fixed corner cases, then random arguments within each C parameter's type."""
    rnd = random.Random(11)
    u = lambda bits: rnd.getrandbits(bits)   # noqa: E731
    fixed = [
        ("ste_abort", ()), ("ste_bypass", ()), ("ste_s1", (0x130000, 0)), ("ste_s1", (0xFFFFFFFFFFFFFFFF, 31)),
        ("ste_vtcr_4k", (40, 1, 2)), ("ste_s2", (7, 0x300000, E.ste_vtcr_4k(40, 1, 2))),
        ("ste_nested", (0x40000000, 2, 9, 0x300000, E.ste_vtcr_4k(48, 2, 5))), ("l1std", (0x1234567, 9)),
        ("l1cd", (0xABCDE123,)), ("cd_s1_4k", (1, 0x200000, 48, 5, 0xF404FF44)),
        ("cmd_cfgi_all", ()), ("cmd_tlbi_nsnh_all", ()), ("cmd_tlbi_el2_all", ()),
        ("cmd_sync", (0, 0, 0)), ("cmd_sync", (1, 0xFFFFFFFFFFFFFFFF, 0xFFFFFFFF)),
        ("cmd_resume", (3, 0x55, 1, 0)), ("cmd_resume", (3, 0x55, 0, 1)), ("cmd_resume", (3, 0x55, 0, 0)),
    ]
    gen = {
        "ste_s1": lambda: (u(64), u(5)),
        "ste_vtcr_4k": lambda: (rnd.randint(16, 64), u(2), u(3)),
        "ste_s2": lambda: (u(16), u(64), u(64)),
        "ste_nested": lambda: (u(64), u(5), u(16), u(64), u(64)),
        "l1std": lambda: (u(64), u(5)),
        "l1cd": lambda: (u(64),),
        "cd_s1_4k": lambda: (u(16), u(64), rnd.randint(16, 64), u(3), u(64)),
        "cmd_prefetch_config": lambda: (u(32),),
        "cmd_cfgi_ste": lambda: (u(32), u(1)),
        "cmd_cfgi_ste_range": lambda: (u(32), u(5)),
        "cmd_cfgi_cd": lambda: (u(32), u(20), u(1)),
        "cmd_cfgi_cd_all": lambda: (u(32),),
        "cmd_tlbi_nh_all": lambda: (u(16),),
        "cmd_tlbi_nh_asid": lambda: (u(16), u(16)),
        "cmd_tlbi_nh_va": lambda: (u(16), u(16), u(64), u(1)),
        "cmd_tlbi_nh_vaa": lambda: (u(16), u(64), u(1)),
        "cmd_tlbi_el2_asid": lambda: (u(16),),
        "cmd_tlbi_el2_va": lambda: (u(16), u(64), u(1)),
        "cmd_tlbi_s12_vmall": lambda: (u(16),),
        "cmd_tlbi_s2_ipa": lambda: (u(16), u(64), u(1)),
        "cmd_sync": lambda: (u(2), u(64), u(32)),
        "cmd_resume": lambda: (u(32), u(16), u(1), u(1)),
        "cmd_stall_term": lambda: (u(32),),
        "cmd_pri_resp": lambda: (u(32), u(20), u(1), u(9), rnd.randint(0, 2)),
    }
    out = list(fixed)
    for name, g in gen.items():
        out += [(name, g()) for _ in range(20)]
    return out


def py_words(name, args):
    w = getattr(E, name)(*args)
    return list(w) if isinstance(w, list) else [w]


def header_builders(path):
    with open(path) as f:
        names = set(re.findall(r"static inline \w+ smmu_(\w+)\(", f.read()))
    return names - {"entry_clear", "cmd_make"}


class Builders(unittest.TestCase):
    def test_builders_equal_the_c_builders(self):
        cs = cases()
        names = {n for n, _ in cs}
        self.assertEqual(names, header_builders(os.environ["SMMUV3_REGS_H"]))   # every builder of regs.h is tested
        stdin = "".join("%s %s\n" % (n, " ".join("%x" % a for a in args)) for n, args in cs)
        out = subprocess.run([os.environ["SMMUV3_ENCODINGS_REF"]], input=stdin, capture_output=True, text=True,
                             check=True).stdout.splitlines()
        self.assertEqual(len(out), len(cs))
        for (name, args), line in zip(cs, out):
            with self.subTest(builder=name, args=[hex(a) for a in args]):
                self.assertNotEqual(line, "error")
                self.assertEqual(["%x" % w for w in py_words(name, args)], line.split())

    def test_a_known_layout(self):
        # CMD_CFGI_STE SID 0x1234 leaf (IHI 0070 4.3.2) and a stage-1 STE's word 0 (5.2).
        self.assertEqual(E.cmd_cfgi_ste(0x1234, True), [0x0000123400000003, 1])
        self.assertEqual(E.ste_s1(0x130000, 0)[0], 0x130000 | 5 << 1 | 1)


if __name__ == "__main__":
    unittest.main()
