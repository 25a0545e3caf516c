# SPDX-License-Identifier: BSD-3-Clause
"""Loads libsmmuv3-core and declares the prototypes of <smmu/smmu.h> for ctypes."""
import ctypes
import ctypes.util
import glob
import os

_HERE = os.path.dirname(os.path.abspath(__file__))


def _candidates():
    env = os.environ.get("SMMUV3_CORE_LIB")
    if env:
        yield env                                   # an explicit choice wins; a wrong one is an error
        return
    yield from sorted(glob.glob(os.path.join(_HERE, "libsmmuv3-core.so*")))
    try:                                            # written by `cmake --install`: the prefix's library directory
        from . import _installed
        yield from sorted(glob.glob(os.path.join(os.path.normpath(os.path.join(_HERE, _installed.LIBDIR)),
                                                 "libsmmuv3-core.so*")))
    except ImportError:
        pass
    name = ctypes.util.find_library("smmuv3-core")
    if name:
        yield name


def _load():
    tried = []
    for path in _candidates():
        try:
            return ctypes.CDLL(path), path
        except OSError as e:
            tried.append("%s (%s)" % (path, e))
            if os.environ.get("SMMUV3_CORE_LIB"):
                break
    raise ImportError("smmuv3: libsmmuv3-core not found; set SMMUV3_CORE_LIB to its path. Tried: " +
                      ("; ".join(tried) or "SMMUV3_CORE_LIB unset, nothing next to the package, "
                                          "find_library('smmuv3-core') found nothing"))


lib, path = _load()

c_u8, c_u16, c_u32, c_u64, c_bool, c_int = (ctypes.c_uint8, ctypes.c_uint16, ctypes.c_uint32, ctypes.c_uint64,
                                            ctypes.c_bool, ctypes.c_int)

MEM_READ = ctypes.CFUNCTYPE(c_int, ctypes.c_void_p, c_u64, ctypes.c_void_p, ctypes.c_size_t)
MEM_WRITE = ctypes.CFUNCTYPE(c_int, ctypes.c_void_p, c_u64, ctypes.c_void_p, ctypes.c_size_t)
IRQ = ctypes.CFUNCTYPE(None, ctypes.c_void_p, c_int, c_bool)


class PriResp(ctypes.Structure):
    _fields_ = [("sid", c_u32), ("ssid", c_u32), ("ssv", c_bool), ("prgi", c_u16), ("resp", c_int)]


class PriReq(ctypes.Structure):
    _fields_ = [("sid", c_u32), ("ssid", c_u32), ("ssv", c_bool), ("addr", c_u64), ("prgi", c_u16), ("last", c_bool),
                ("read", c_bool), ("write", c_bool), ("exec", c_bool), ("priv", c_bool)]


PRI_RESP = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.POINTER(PriResp))


class AtcInv(ctypes.Structure):                     # smmu_atc_inv_t ("global" is a Python keyword)
    _fields_ = [("sid", c_u32), ("ssid", c_u32), ("ssv", c_bool), ("global_", c_bool), ("addr", c_u64),
                ("size_log2", c_u8), ("tag", c_u32)]


ATC_INV = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.POINTER(AtcInv))


# The API structs of <smmu/smmu.h> other than smmu_config_t (which is reached through the accessor functions).
class Host(ctypes.Structure):
    _fields_ = [("ctx", ctypes.c_void_p), ("mem_read", MEM_READ), ("mem_write", MEM_WRITE), ("irq", IRQ),
                ("atc_inv", ATC_INV), ("pri_resp", PRI_RESP)]


class Txn(ctypes.Structure):
    _fields_ = [("sid", c_u32), ("ssid", c_u32), ("ssv", c_bool), ("addr", c_u64), ("write", c_bool),
                ("instr", c_bool), ("priv", c_bool), ("port", c_u32), ("at", c_int)]


class Result(ctypes.Structure):
    _fields_ = [("status", c_int), ("pa", c_u64), ("cycles", c_u32), ("stag", c_u16), ("event", c_u8),
                ("recorded", c_bool), ("bypass", c_bool), ("source", c_int), ("mem_reads", c_u32),
                ("mem_writes", c_u32), ("page_log2", c_u8), ("read_ok", c_bool), ("write_ok", c_bool),
                ("exec_ok", c_bool), ("memattr", c_u8), ("sh", c_u8)]


class AtsResult(ctypes.Structure):                  # smmu_ats_result_t
    _fields_ = [("status", c_int), ("addr", c_u64), ("size_log2", c_u8), ("read", c_bool), ("write", c_bool),
                ("exec_", c_bool), ("priv", c_bool), ("global_", c_bool), ("untranslated", c_bool),
                ("cycles", c_u32), ("event", c_u8), ("recorded", c_bool), ("mem_reads", c_u32),
                ("mem_writes", c_u32)]


class CacheStats(ctypes.Structure):
    _fields_ = [(n, c_u64) for n in ("lookups", "hits", "misses", "fills", "evictions", "invalidations")]


class StreamStats(ctypes.Structure):
    _fields_ = [(n, c_u64) for n in ("translations", "faults", "walks", "walk_reads", "cfg_fetches", "stalls",
                                     "cycles")]


class GlobalStats(ctypes.Structure):
    _fields_ = [(n, c_u64) for n in ("translations", "events_recorded", "events_lost", "commands", "cmd_syncs",
                                     "walks", "walk_reads")] + [("commands_by_opcode", c_u64 * 256)] + \
        [(n, c_u64) for n in ("ats_translations", "atc_invalidations", "atc_inv_failures")]


def _proto(name, restype, *argtypes):
    f = getattr(lib, name)
    f.restype, f.argtypes = restype, list(argtypes)


_vp, _cp = ctypes.c_void_p, ctypes.c_char_p
_proto("smmu_config_new", _vp)
_proto("smmu_config_free", None, _vp)
_proto("smmu_config_field_name", _cp, ctypes.c_uint)
_proto("smmu_config_field_max", c_int, _cp, ctypes.POINTER(c_u64))
_proto("smmu_config_set", c_int, _vp, _cp, c_u64)
_proto("smmu_config_get", c_int, _vp, _cp, ctypes.POINTER(c_u64))
_proto("smmu_config_check", c_bool, _vp, ctypes.c_char_p, ctypes.c_size_t)
_proto("smmu_create", _vp, _vp, ctypes.POINTER(Host), ctypes.c_char_p, ctypes.c_size_t)
_proto("smmu_destroy", None, _vp)
_proto("smmu_reg_read", c_u64, _vp, c_u64, ctypes.c_uint)
_proto("smmu_reg_write", None, _vp, c_u64, c_u64, ctypes.c_uint)
_proto("smmu_translate", c_int, _vp, ctypes.POINTER(Txn), ctypes.POINTER(Result))
_proto("smmu_translate_debug", c_int, _vp, ctypes.POINTER(Txn), ctypes.POINTER(Result))
_proto("smmu_pri_page_request", c_int, _vp, ctypes.POINTER(PriReq))
_proto("smmu_ats_translate", c_int, _vp, ctypes.POINTER(Txn), ctypes.POINTER(AtsResult))
_proto("smmu_atc_inv_complete", None, _vp, c_u32, c_bool)
_proto("smmu_cmdq_waiting", c_bool, _vp)
_proto("smmu_cmdq_step", c_bool, _vp, ctypes.POINTER(c_u32))
_proto("smmu_cmdq_pending", c_bool, _vp)
_proto("smmu_stall_query", c_int, _vp, c_u32, c_u16)
_proto("smmu_stall_release", None, _vp, c_u32, c_u16)
_proto("smmu_cache_stats", c_bool, _vp, c_int, c_int, c_int, ctypes.POINTER(CacheStats))
_proto("smmu_stream_stats", c_bool, _vp, c_u32, ctypes.POINTER(StreamStats))
_proto("smmu_global_stats", None, _vp, ctypes.POINTER(GlobalStats))

SMMU_CONFIG_EUNKNOWN, SMMU_CONFIG_ERANGE = -1, -2
