# SPDX-License-Identifier: BSD-3-Clause
"""Python bindings of the SMMUv3 (IHI 0070) C core, libsmmuv3-core, through ctypes.

    from smmuv3 import Smmu, Memory
    mem = Memory(16 << 20)
    smmu = Smmu(mem, main_tlb_entries=512, config={"walk_cache_s1[2].entries": 64})
    r = smmu.translate(sid=5, addr=0x40000000)

Config fields are the names of smmu_config_fields() (the C accessor API's names: "main_tlb.entries",
"walk_cache_s1[2].ways"); as keyword arguments '.' and '[n]' become '_' and '_n' (main_tlb_entries,
walk_cache_s1_2_ways). A policy takes its name ("plru") or its smmu_repl_t value; booleans take True/False.
"""
import ctypes
import enum
from dataclasses import dataclass

from . import _lib
from ._lib import lib

__all__ = ["Smmu", "Memory", "TranslateResult", "Status", "Source", "Irq", "SmmuError", "AtsStatus", "AtsResult",
           "AtcInvalidation", "PriStatus", "PriResponse", "config_fields",
           "default_config", "library_path"]

library_path = _lib.path

POLICIES = ("lru", "plru", "fifo", "random", "lfu", "2q", "clock", "rrip")


class SmmuError(Exception):
    """A refused configuration or a failed call into the core."""


class Status(enum.IntEnum):
    OK = 0
    ABORT = 1
    RAZWI = 2
    STALL = 3


class Source(enum.IntEnum):
    NONE = 0
    UTLB = 1
    MAIN_TLB = 2
    TCU_TLB = 3
    WALK = 4


class Irq(enum.IntEnum):
    EVTQ = 0
    PRIQ = 1
    CMD_SYNC = 2
    GERROR = 3
    PMCG = 4


class AtsStatus(enum.IntEnum):
    SUCCESS = 0
    UR = 1
    CA = 2


class PriStatus(enum.IntEnum):
    """What became of a Page Request (smmu_pri_status_t)."""
    QUEUED = 0
    OVERFLOW = 1
    DISABLED = 2


class StallState(enum.IntEnum):
    NONE = 0
    PENDING = 1
    RETRY = 2
    ABORTED = 3
    RAZWI = 4


_STRUCTS = {"utlb": 0, "main_tlb": 1, "tcu_tlb": 2, "cfg_cache": 3, "walk_s1": 4, "walk_s2": 5}


def config_fields():
    """Every config field's C name, in declaration order."""
    names, i = [], 0
    while True:
        n = lib.smmu_config_field_name(i)
        if n is None:
            return names
        names.append(n.decode())
        i += 1


def _kwarg_name(name):
    return name.replace("[", "_").replace("]", "").replace(".", "_")


_FIELDS = config_fields()
_KWARGS = {_kwarg_name(n): n for n in _FIELDS}
assert len(_KWARGS) == len(_FIELDS), "two config fields share a keyword spelling"


def _field(name):
    if name in _FIELDS:
        return name
    if name in _KWARGS:
        return _KWARGS[name]
    raise SmmuError("unknown config field '%s'" % name)


def _value(name, v):
    if isinstance(v, str) and name.endswith(".policy"):
        if v.lower() not in POLICIES:
            raise SmmuError("%s: '%s' is not a policy (%s)" % (name, v, "/".join(POLICIES)))
        return POLICIES.index(v.lower())
    if isinstance(v, bool):
        return int(v)
    if not isinstance(v, int):
        raise SmmuError("%s: %r is not an integer" % (name, v))
    return v


class _Config:
    """A heap smmu_config_t owned by Python, reached only by field name."""

    def __init__(self):
        self.ptr = lib.smmu_config_new()
        if not self.ptr:
            raise MemoryError("smmu_config_new")

    def __del__(self):
        if getattr(self, "ptr", None):
            lib.smmu_config_free(self.ptr)
            self.ptr = None

    def set(self, name, value):
        name = _field(name)
        v = _value(name, value)
        mx = _lib.c_u64()
        lib.smmu_config_field_max(name.encode(), ctypes.byref(mx))
        if v < 0 or v > mx.value:
            raise SmmuError("%s: %r is out of range 0..%d" % (name, value, mx.value))
        rc = lib.smmu_config_set(self.ptr, name.encode(), v)
        if rc != 0:
            raise SmmuError("%s: refused (%d)" % (name, rc))

    def get(self, name):
        name = _field(name)
        out = _lib.c_u64()
        if lib.smmu_config_get(self.ptr, name.encode(), ctypes.byref(out)) != 0:
            raise SmmuError("unknown config field '%s'" % name)
        return out.value

    def as_dict(self):
        return {n: self.get(n) for n in _FIELDS}


def default_config():
    """smmu_config_default() as a dict of field name -> value."""
    return _Config().as_dict()


class Memory:
    """Physical memory backed by a bytearray at PA base..base+size. Accesses outside it are external aborts."""

    def __init__(self, size, base=0):
        self.base, self.data = base, bytearray(size)
        self._buf = (ctypes.c_char * size).from_buffer(self.data) if size else None

    def __len__(self):
        return len(self.data)

    def _off(self, pa, n):
        off = pa - self.base
        if off < 0 or n < 0 or off + n > len(self.data):
            raise IndexError("PA 0x%x + %d outside memory [0x%x, 0x%x)" % (pa, n, self.base,
                                                                           self.base + len(self.data)))
        return off

    def read(self, pa, n):
        off = self._off(pa, n)
        return bytes(self.data[off:off + n])

    def write(self, pa, b):
        off = self._off(pa, len(b))
        self.data[off:off + len(b)] = b

    def read64(self, pa):
        return int.from_bytes(self.read(pa, 8), "little")

    def write64(self, pa, v):
        self.write(pa, (v & 0xFFFFFFFFFFFFFFFF).to_bytes(8, "little"))

    def write_words(self, pa, words):
        """64-bit little-endian words, as the SMMU reads STEs, CDs, commands and descriptors."""
        for i, w in enumerate(words):
            self.write64(pa + 8 * i, w)

    def read_words(self, pa, n):
        return [self.read64(pa + 8 * i) for i in range(n)]

    # Fast paths used by Smmu when the memory is a Memory: one memmove, no bytes object.
    def _c_read(self, pa, dst, n):
        off = self._off(pa, n)
        ctypes.memmove(dst, ctypes.addressof(self._buf) + off, n)

    def _c_write(self, pa, src, n):
        off = self._off(pa, n)
        ctypes.memmove(ctypes.addressof(self._buf) + off, src, n)


@dataclass(frozen=True)
class TranslateResult:
    """smmu_result_t: status, output address, modelled cycles, the event (0 if none) and the region's rights."""
    status: Status
    pa: int
    cycles: int
    stag: int
    event: int
    recorded: bool
    bypass: bool
    source: Source
    mem_reads: int
    mem_writes: int
    page_log2: int
    read_ok: bool
    write_ok: bool
    exec_ok: bool
    memattr: int
    sh: int

    @property
    def ok(self):
        return self.status == Status.OK

    @property
    def event_name(self):
        from .encodings import EVENT_NAMES
        return EVENT_NAMES.get(self.event, "0x%02x" % self.event) if self.event else None


@dataclass(frozen=True)
class AtsResult:
    """An ATS Translation Completion (smmu_ats_result_t): addr is the base of a 2**size_log2 region."""
    status: AtsStatus
    addr: int
    size_log2: int
    read: bool
    write: bool
    exec: bool
    priv: bool
    global_: bool
    untranslated: bool
    cycles: int
    event: int
    recorded: bool
    mem_reads: int
    mem_writes: int


@dataclass(frozen=True)
class AtcInvalidation:
    """A CMD_ATC_INV sent to the endpoint (smmu_atc_inv_t); answer it with Smmu.atc_inv_complete(tag)."""
    sid: int
    ssid: int
    ssv: bool
    global_: bool
    addr: int
    size_log2: int
    tag: int


@dataclass(frozen=True)
class PriResponse:
    """A PRG Response to the endpoint (smmu_pri_resp_t): resp is the PCIe code, 0 Success, 1 Invalid, 0xF Failure."""
    sid: int
    ssid: int
    ssv: bool
    prgi: int
    resp: int


def _stats_dict(s):
    return {n: getattr(s, n) for n, _ in s._fields_}


class Smmu:
    """One SMMU instance of the C core.

    memory: a Memory, or any object with read(pa, n) -> bytes and write(pa, data); an exception or a short read
            from it is an external abort to the SMMU (recorded in callback_errors, never raised through C).
    irq:    optional callable(line: Irq, level: bool) for the wired interrupts.
    atc_inv: optional callable(AtcInvalidation) receiving each CMD_ATC_INV; without it every invalidation
            completes at once. It may call atc_inv_complete() itself or later.
    pri_resp: optional callable(PriResponse) receiving each PRG Response: CMD_PRI_RESP, and the SMMU's own
            answers to page requests it could not queue.
    config: optional dict of field name -> value; keyword arguments are further overrides (main_tlb_entries=512).
    """

    def __init__(self, memory, irq=None, config=None, atc_inv=None, pri_resp=None, **overrides):
        self.memory, self._irq_cb = memory, irq
        self.callback_errors = []
        cfg = _Config()
        for k, v in dict(config or {}, **overrides).items():
            cfg.set(k, v)
        self.config = cfg.as_dict()
        fast = type(memory) is Memory       # a subclass may override read/write: it goes through them

        def mem_read(_ctx, pa, dst, n):
            try:
                if fast:
                    memory._c_read(pa, dst, n)
                else:
                    data = memory.read(pa, n)
                    if data is None or len(data) != n:
                        raise ValueError("read(0x%x, %d) returned %r bytes" % (pa, n, None if data is None
                                                                             else len(data)))
                    ctypes.memmove(dst, bytes(data), n)
                return 0
            except BaseException as e:      # noqa: B902 - an exception must not unwind through C
                self.callback_errors.append(e)
                return -1

        def mem_write(_ctx, pa, src, n):
            try:
                if fast:
                    memory._c_write(pa, src, n)
                else:
                    memory.write(pa, ctypes.string_at(src, n))
                return 0
            except BaseException as e:      # noqa: B902
                self.callback_errors.append(e)
                return -1

        def on_irq(_ctx, line, level):
            try:
                if self._irq_cb:
                    self._irq_cb(Irq(line), bool(level))
            except BaseException as e:      # noqa: B902
                self.callback_errors.append(e)

        def on_atc_inv(_ctx, p):
            try:
                i = p.contents
                atc_inv(AtcInvalidation(i.sid, i.ssid, i.ssv, i.global_, i.addr, i.size_log2, i.tag))
            except BaseException as e:      # noqa: B902
                self.callback_errors.append(e)

        def on_pri_resp(_ctx, p):
            try:
                r = p.contents
                pri_resp(PriResponse(r.sid, r.ssid, r.ssv, r.prgi, r.resp))
            except BaseException as e:      # noqa: B902
                self.callback_errors.append(e)

        # ctypes callbacks live as long as these references: the C core keeps only the pointers.
        self._cbs = (_lib.MEM_READ(mem_read), _lib.MEM_WRITE(mem_write), _lib.IRQ(on_irq),
                     _lib.ATC_INV(on_atc_inv) if atc_inv else _lib.ATC_INV(),
                     _lib.PRI_RESP(on_pri_resp) if pri_resp else _lib.PRI_RESP())
        self._host = _lib.Host(None, *self._cbs)
        err = ctypes.create_string_buffer(512)
        self._h = lib.smmu_create(cfg.ptr, ctypes.byref(self._host), err, len(err))
        if not self._h:
            raise SmmuError(err.value.decode(errors="replace"))
        self._txn, self._res = _lib.Txn(), _lib.Result()

    def close(self):
        if getattr(self, "_h", None):
            lib.smmu_destroy(self._h)
            self._h = None

    def __del__(self):
        self.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _handle(self):
        if not self._h:
            raise SmmuError("SMMU is closed")
        return self._h

    # ---- Registers
    @staticmethod
    def _reg_args(offset, size):
        if size not in (4, 8):
            raise SmmuError("register access size %r: 4 or 8" % (size,))
        if not 0 <= offset < 1 << 64:
            raise SmmuError("register offset %r out of range" % (offset,))

    def reg_read(self, offset, size=4):
        """Register read at offset in the 128 KiB frame (page 0 + page 1); size 4 or 8."""
        self._reg_args(offset, size)
        return lib.smmu_reg_read(self._handle(), offset, size)

    def reg_write(self, offset, value, size=4):
        """Register write; a value wider than the access is refused, never truncated."""
        self._reg_args(offset, size)
        if not 0 <= value < 1 << (8 * size):
            raise SmmuError("register 0x%x: value 0x%x does not fit %d bytes" % (offset, value, size))
        lib.smmu_reg_write(self._handle(), offset, value, size)

    def pmcg_read(self, offset, size=4):
        """PMCG 0 register read (IHI 0070 10.5): page 0 at 0, page 1 at 0x10000; size 4 or 8."""
        self._reg_args(offset, size)
        return lib.smmu_pmcg_reg_read(self._handle(), offset, size)

    def pmcg_write(self, offset, value, size=4):
        """PMCG 0 register write; a value wider than the access is refused, never truncated."""
        self._reg_args(offset, size)
        if not 0 <= value < 1 << (8 * size):
            raise SmmuError("PMCG register 0x%x: value 0x%x does not fit %d bytes" % (offset, value, size))
        lib.smmu_pmcg_reg_write(self._handle(), offset, value, size)

    def pmcg_advance(self, cycles):
        """Advance the PMCG's clock-cycle event (event 0) by `cycles` SMMU cycles."""
        if not 0 <= cycles < 1 << 64:
            raise SmmuError("cycles %r out of range" % (cycles,))
        lib.smmu_pmcg_advance(self._handle(), cycles)

    # ---- Translation
    def translate(self, sid, addr, write=False, ssid=None, priv=False, instr=False, port=0, debug=False,
                  translated=False):
        """Translate one transaction. debug=True: no side effects (no cache fill, event, statistics, HTTU).
        translated=True: a PCIe ATS Translated transaction (checked per STE.EATS and CR0.ATSCHK)."""
        t = self._txn
        t.sid, t.addr, t.write, t.priv, t.instr, t.port = sid, addr, write, priv, instr, port
        t.at = 2 if translated else 0
        t.ssv, t.ssid = ssid is not None, ssid or 0
        r = self._res
        fn = lib.smmu_translate_debug if debug else lib.smmu_translate
        fn(self._handle(), ctypes.byref(t), ctypes.byref(r))
        return TranslateResult(Status(r.status), r.pa, r.cycles, r.stag, r.event, r.recorded, r.bypass,
                               Source(r.source), r.mem_reads, r.mem_writes, r.page_log2, r.read_ok, r.write_ok,
                               r.exec_ok, r.memattr, r.sh)

    # ---- PCIe ATS
    def ats_translate(self, sid, addr, write=False, ssid=None, priv=False, exe=False, port=0):
        """ATS Translation Request: write is NW == 0; priv and exe count only with a PASID (ssid)."""
        t = _lib.Txn()
        t.sid, t.addr, t.write, t.priv, t.instr, t.port = sid, addr, write, priv, exe, port
        t.ssv, t.ssid = ssid is not None, ssid or 0
        r = _lib.AtsResult()
        lib.smmu_ats_translate(self._handle(), ctypes.byref(t), ctypes.byref(r))
        return AtsResult(AtsStatus(r.status), r.addr, r.size_log2, r.read, r.write, r.exec_, r.priv, r.global_,
                         r.untranslated, r.cycles, r.event, r.recorded, r.mem_reads, r.mem_writes)

    def atc_inv_complete(self, tag, ok=True):
        """The endpoint completed (ok) or failed (a completion timeout) the ATC invalidation `tag`."""
        lib.smmu_atc_inv_complete(self._handle(), tag, ok)

    def cmdq_waiting(self):
        """The command queue is held at a CMD_SYNC waiting for ATC invalidation completions."""
        return bool(lib.smmu_cmdq_waiting(self._handle()))

    # ---- PCIe PRI
    def pri_page_request(self, sid, addr, prgi, last=True, read=True, write=False, exe=False, priv=False, ssid=None):
        """PCIe Page Request for the page of addr in group prgi; ssid gives it a PASID."""
        q = _lib.PriReq()
        q.sid, q.addr, q.prgi, q.last, q.read, q.write, q.exec, q.priv = sid, addr, prgi, last, read, write, exe, priv
        q.ssv, q.ssid = ssid is not None, ssid or 0
        return PriStatus(lib.smmu_pri_page_request(self._handle(), ctypes.byref(q)))

    # ---- Stepped command queue and stalls
    def cmdq_step(self):
        """Consume one command (config cmdq_stepped=True): its cycles, or None if none was consumed."""
        c = _lib.c_u32()
        return c.value if lib.smmu_cmdq_step(self._handle(), ctypes.byref(c)) else None

    def cmdq_pending(self):
        return bool(lib.smmu_cmdq_pending(self._handle()))

    def stall_query(self, sid, stag):
        return StallState(lib.smmu_stall_query(self._handle(), sid, stag))

    def stall_release(self, sid, stag):
        lib.smmu_stall_release(self._handle(), sid, stag)

    # ---- Statistics
    def cache_stats(self, which, port=-1, level=-1):
        """Counters of one structure (utlb, main_tlb, tcu_tlb, cfg_cache, walk_s1, walk_s2); None if absent."""
        s = _lib.CacheStats()
        if which not in _STRUCTS:
            raise SmmuError("unknown structure '%s' (%s)" % (which, "/".join(_STRUCTS)))
        if not lib.smmu_cache_stats(self._handle(), _STRUCTS[which], port, level, ctypes.byref(s)):
            return None
        return _stats_dict(s)

    def stream_stats(self, sid):
        s = _lib.StreamStats()
        return _stats_dict(s) if lib.smmu_stream_stats(self._handle(), sid, ctypes.byref(s)) else None

    def global_stats(self):
        s = _lib.GlobalStats()
        lib.smmu_global_stats(self._handle(), ctypes.byref(s))
        d = {n: getattr(s, n) for n, _ in s._fields_ if n != "commands_by_opcode"}
        d["commands_by_opcode"] = {op: n for op, n in enumerate(s.commands_by_opcode) if n}
        return d

    def stats(self):
        """{"global": global_stats(), "caches": {structure: counters summed over ports/levels}}; absent
        structures are left out."""
        caches = {}
        for name in _STRUCTS:
            c = self.cache_stats(name)
            if c is not None:
                caches[name] = c
        return {"global": self.global_stats(), "caches": caches}
