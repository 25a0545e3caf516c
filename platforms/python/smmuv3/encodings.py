# SPDX-License-Identifier: BSD-3-Clause
"""SMMUv3 (IHI 0070) programming-interface encodings: the names and values of <smmu/regs.h>, and its STE/CD/command
builders for the common cases. Python cannot call the header's static inline builders, so they are mirrored here;
the package's tests check every constant and builder against the C header word for word."""

def field_get(v, shift, mask):
    """The field (mask in place) of v, shifted down."""
    return (v & mask) >> shift


def field_prep(shift, mask, x):
    """x placed in the field (mask in place); bits outside the field are dropped, as SMMU_FIELD_PREP."""
    return (x << shift) & mask


# ---- Registers (6.2, 6.3): offsets in the 128 KiB frame (page 0 + page 1)
SMMU_PAGE1 = 0x10000
SMMU_FRAME_SIZE = 0x20000
SMMU_IDR0 = 0x000
SMMU_IDR1 = 0x004
SMMU_IDR2 = 0x008
SMMU_IDR3 = 0x00C
SMMU_IDR4 = 0x010
SMMU_IDR5 = 0x014
SMMU_IIDR = 0x018
SMMU_AIDR = 0x01C
SMMU_CR0 = 0x020
SMMU_CR0ACK = 0x024
SMMU_CR1 = 0x028
SMMU_CR2 = 0x02C
SMMU_STATUSR = 0x040
SMMU_GBPA = 0x044
SMMU_AGBPA = 0x048
SMMU_IRQ_CTRL = 0x050
SMMU_IRQ_CTRLACK = 0x054
SMMU_GERROR = 0x060
SMMU_GERRORN = 0x064
SMMU_GERROR_IRQ_CFG0 = 0x068
SMMU_GERROR_IRQ_CFG1 = 0x070
SMMU_GERROR_IRQ_CFG2 = 0x074
SMMU_STRTAB_BASE = 0x080
SMMU_STRTAB_BASE_CFG = 0x088
SMMU_CMDQ_BASE = 0x090
SMMU_CMDQ_PROD = 0x098
SMMU_CMDQ_CONS = 0x09C
SMMU_EVENTQ_BASE = 0x0A0
SMMU_EVENTQ_IRQ_CFG0 = 0x0B0
SMMU_EVENTQ_IRQ_CFG1 = 0x0B8
SMMU_EVENTQ_IRQ_CFG2 = 0x0BC
SMMU_PRIQ_BASE = 0x0C0
SMMU_PRIQ_IRQ_CFG0 = 0x0D0
SMMU_PRIQ_IRQ_CFG1 = 0x0D8
SMMU_PRIQ_IRQ_CFG2 = 0x0DC
SMMU_EVENTQ_PROD = 0x100A8
SMMU_EVENTQ_CONS = 0x100AC
SMMU_PRIQ_PROD = 0x100C8
SMMU_PRIQ_CONS = 0x100CC

# SMMU_IDR0 (6.3.1)
SMMU_IDR0_S2P = 1 << 0
SMMU_IDR0_S1P = 1 << 1
SMMU_IDR0_TTF_SHIFT = 2
SMMU_IDR0_TTF_MASK = 3 << 2
SMMU_IDR0_COHACC = 1 << 4
SMMU_IDR0_BTM = 1 << 5
SMMU_IDR0_HTTU_SHIFT = 6
SMMU_IDR0_HTTU_MASK = 3 << 6
SMMU_IDR0_HYP = 1 << 9
SMMU_IDR0_ATS = 1 << 10
SMMU_IDR0_ASID16 = 1 << 12
SMMU_IDR0_MSI = 1 << 13
SMMU_IDR0_SEV = 1 << 14
SMMU_IDR0_ATOS = 1 << 15
SMMU_IDR0_PRI = 1 << 16
SMMU_IDR0_VMW = 1 << 17
SMMU_IDR0_VMID16 = 1 << 18
SMMU_IDR0_CD2L = 1 << 19
SMMU_IDR0_TTENDIAN_SHIFT = 21
SMMU_IDR0_TTENDIAN_MASK = 3 << 21
SMMU_IDR0_STALL_MODEL_SHIFT = 24
SMMU_IDR0_STALL_MODEL_MASK = 3 << 24
SMMU_IDR0_TERM_MODEL = 1 << 26
SMMU_IDR0_ST_LEVEL_SHIFT = 27
SMMU_IDR0_ST_LEVEL_MASK = 3 << 27
# SMMU_IDR1 (6.3.2)
SMMU_IDR1_SIDSIZE_SHIFT = 0
SMMU_IDR1_SIDSIZE_MASK = 0x3F
SMMU_IDR1_SSIDSIZE_SHIFT = 6
SMMU_IDR1_SSIDSIZE_MASK = 0x1F << 6
SMMU_IDR1_PRIQS_SHIFT = 11
SMMU_IDR1_PRIQS_MASK = 0x1F << 11
SMMU_IDR1_EVENTQS_SHIFT = 16
SMMU_IDR1_EVENTQS_MASK = 0x1F << 16
SMMU_IDR1_CMDQS_SHIFT = 21
SMMU_IDR1_CMDQS_MASK = 0x1F << 21
SMMU_IDR1_REL = 1 << 28
SMMU_IDR1_QUEUES_PRESET = 1 << 29
SMMU_IDR1_TABLES_PRESET = 1 << 30
# SMMU_IDR5 (6.3.6)
SMMU_IDR5_OAS_SHIFT = 0
SMMU_IDR5_OAS_MASK = 7
SMMU_IDR5_GRAN4K = 1 << 4
SMMU_IDR5_GRAN16K = 1 << 5
SMMU_IDR5_GRAN64K = 1 << 6
SMMU_IDR5_VAX_SHIFT = 10
SMMU_IDR5_VAX_MASK = 3 << 10
SMMU_IDR5_STALL_MAX_SHIFT = 16
SMMU_IDR5_STALL_MAX_MASK = 0xFFFF << 16
# SMMU_CR0 / SMMU_CR0ACK (6.3.9, 6.3.10)
SMMU_CR0_SMMUEN = 1 << 0
SMMU_CR0_PRIQEN = 1 << 1
SMMU_CR0_EVENTQEN = 1 << 2
SMMU_CR0_CMDQEN = 1 << 3
SMMU_CR0_ATSCHK = 1 << 4
# SMMU_CR1 (6.3.11)
SMMU_CR1_QUEUE_IC_SHIFT = 0
SMMU_CR1_QUEUE_IC_MASK = 3
SMMU_CR1_QUEUE_OC_SHIFT = 2
SMMU_CR1_QUEUE_OC_MASK = 3 << 2
SMMU_CR1_QUEUE_SH_SHIFT = 4
SMMU_CR1_QUEUE_SH_MASK = 3 << 4
SMMU_CR1_TABLE_IC_SHIFT = 6
SMMU_CR1_TABLE_IC_MASK = 3 << 6
SMMU_CR1_TABLE_OC_SHIFT = 8
SMMU_CR1_TABLE_OC_MASK = 3 << 8
SMMU_CR1_TABLE_SH_SHIFT = 10
SMMU_CR1_TABLE_SH_MASK = 3 << 10
SMMU_CACHE_NC = 0
SMMU_CACHE_WB = 1
SMMU_CACHE_WT = 2
SMMU_SH_NSH = 0
SMMU_SH_OSH = 2
SMMU_SH_ISH = 3
# SMMU_CR2 (6.3.12)
SMMU_CR2_E2H = 1 << 0
SMMU_CR2_RECINVSID = 1 << 1
SMMU_CR2_PTM = 1 << 2
# SMMU_GBPA (6.3.14)
SMMU_GBPA_ABORT = 1 << 20
SMMU_GBPA_UPDATE = 1 << 31
# SMMU_IRQ_CTRL (6.3.16)
SMMU_IRQ_CTRL_GERROR_IRQEN = 1 << 0
SMMU_IRQ_CTRL_PRIQ_IRQEN = 1 << 1
SMMU_IRQ_CTRL_EVENTQ_IRQEN = 1 << 2
# SMMU_GERROR (6.3.19): active while GERROR ^ GERRORN has the bit set
SMMU_GERROR_CMDQ_ERR = 1 << 0
SMMU_GERROR_EVENTQ_ABT_ERR = 1 << 2
SMMU_GERROR_PRIQ_ABT_ERR = 1 << 3
SMMU_GERROR_SFM_ERR = 1 << 8
# SMMU_STRTAB_BASE, SMMU_STRTAB_BASE_CFG
SMMU_STRTAB_BASE_ADDR_MASK = 0x00FFFFFFFFFFFFC0
SMMU_STRTAB_BASE_RA = 1 << 62
SMMU_STRTAB_BASE_CFG_LOG2SIZE_SHIFT = 0
SMMU_STRTAB_BASE_CFG_LOG2SIZE_MASK = 0x3F
SMMU_STRTAB_BASE_CFG_SPLIT_SHIFT = 6
SMMU_STRTAB_BASE_CFG_SPLIT_MASK = 0x1F << 6
SMMU_STRTAB_BASE_CFG_FMT_SHIFT = 16
SMMU_STRTAB_BASE_CFG_FMT_MASK = 3 << 16
SMMU_STRTAB_FMT_LINEAR = 0
SMMU_STRTAB_FMT_2LEVEL = 1
# Queue bases and indices
SMMU_Q_BASE_LOG2SIZE_SHIFT = 0
SMMU_Q_BASE_LOG2SIZE_MASK = 0x1F
SMMU_Q_BASE_ADDR_MASK = 0x00FFFFFFFFFFFFE0
SMMU_CMDQ_BASE_RA = 1 << 62
SMMU_EVENTQ_BASE_WA = 1 << 62
SMMU_EVENTQ_PROD_OVFLG = 1 << 31
SMMU_EVENTQ_CONS_OVACKFLG = 1 << 31
SMMU_CMDQ_CONS_ERR_SHIFT = 24
SMMU_CMDQ_CONS_ERR_MASK = 0x7F << 24
SMMU_CERROR_NONE = 0
SMMU_CERROR_ILL = 1
SMMU_CERROR_ABT = 2
SMMU_CMDQ_ENT_BYTES = 16
SMMU_EVENTQ_ENT_BYTES = 32
SMMU_STE_BYTES = 64
SMMU_CD_BYTES = 64

# ---- Structures (5.1 - 5.4)
SMMU_L1STD_SPAN_SHIFT = 0
SMMU_L1STD_SPAN_MASK = 0x1F
SMMU_L1STD_L2PTR_MASK = 0x00FFFFFFFFFFFFC0
SMMU_STE0_V = 1 << 0
SMMU_STE0_CONFIG_SHIFT = 1
SMMU_STE0_CONFIG_MASK = 7 << 1
SMMU_STE0_S1CONTEXTPTR_MASK = 0x00FFFFFFFFFFFFC0
SMMU_STE0_S1CDMAX_SHIFT = 59
SMMU_STE0_S1CDMAX_MASK = 0x1F << 59
SMMU_STE1_S1DSS_SHIFT = 0
SMMU_STE1_S1DSS_MASK = 3
SMMU_STE1_S1CIR_SHIFT = 2
SMMU_STE1_S1CIR_MASK = 3 << 2
SMMU_STE1_S1COR_SHIFT = 4
SMMU_STE1_S1COR_MASK = 3 << 4
SMMU_STE1_S1CSH_SHIFT = 6
SMMU_STE1_S1CSH_MASK = 3 << 6
SMMU_STE1_SHCFG_SHIFT = 44
SMMU_STE1_SHCFG_MASK = 3 << 44
SMMU_STE2_S2VMID_SHIFT = 0
SMMU_STE2_S2VMID_MASK = 0xFFFF
SMMU_STE2_S2T0SZ_SHIFT = 32
SMMU_STE2_S2T0SZ_MASK = 0x3F << 32
SMMU_STE2_S2SL0_SHIFT = 38
SMMU_STE2_S2SL0_MASK = 3 << 38
SMMU_STE2_S2IR0_SHIFT = 40
SMMU_STE2_S2IR0_MASK = 3 << 40
SMMU_STE2_S2OR0_SHIFT = 42
SMMU_STE2_S2OR0_MASK = 3 << 42
SMMU_STE2_S2SH0_SHIFT = 44
SMMU_STE2_S2SH0_MASK = 3 << 44
SMMU_STE2_S2TG_SHIFT = 46
SMMU_STE2_S2TG_MASK = 3 << 46
SMMU_STE2_S2PS_SHIFT = 48
SMMU_STE2_S2PS_MASK = 7 << 48
SMMU_STE2_VTCR_SHIFT = 32
SMMU_STE2_VTCR_MASK = 0x7FFFF << 32
SMMU_STE2_S2AA64 = 1 << 51
SMMU_STE2_S2PTW = 1 << 54
SMMU_STE2_S2R = 1 << 58
SMMU_STE3_S2TTB_MASK = 0x00FFFFFFFFFFFFF0
SMMU_STE_CONFIG_ABORT = 0
SMMU_STE_CONFIG_BYPASS = 4
SMMU_STE_CONFIG_S1 = 5
SMMU_STE_CONFIG_S2 = 6
SMMU_STE_CONFIG_NESTED = 7
SMMU_STE_S1DSS_TERMINATE = 0
SMMU_STE_S1DSS_BYPASS = 1
SMMU_STE_S1DSS_SSID0 = 2
SMMU_SHCFG_INCOMING = 1
SMMU_L1CD_V = 1 << 0
SMMU_L1CD_L2PTR_MASK = 0x00FFFFFFFFFFF000
SMMU_CD0_T0SZ_SHIFT = 0
SMMU_CD0_T0SZ_MASK = 0x3F
SMMU_CD0_TG0_SHIFT = 6
SMMU_CD0_TG0_MASK = 3 << 6
SMMU_CD0_IR0_SHIFT = 8
SMMU_CD0_IR0_MASK = 3 << 8
SMMU_CD0_OR0_SHIFT = 10
SMMU_CD0_OR0_MASK = 3 << 10
SMMU_CD0_SH0_SHIFT = 12
SMMU_CD0_SH0_MASK = 3 << 12
SMMU_CD0_EPD1 = 1 << 30
SMMU_CD0_V = 1 << 31
SMMU_CD0_IPS_SHIFT = 32
SMMU_CD0_IPS_MASK = 7 << 32
SMMU_CD0_AA64 = 1 << 41
SMMU_CD0_R = 1 << 45
SMMU_CD0_A = 1 << 46
SMMU_CD0_ASET = 1 << 47
SMMU_CD0_ASID_SHIFT = 48
SMMU_CD0_ASID_MASK = 0xFFFF << 48
SMMU_CD1_TTB0_MASK = 0x00FFFFFFFFFFFFF0
SMMU_TG0_4K = 0
SMMU_TG0_64K = 1
SMMU_TG0_16K = 2
SMMU_RGN_NC = 0
SMMU_RGN_WBWA = 1
SMMU_PS_32BIT = 0
SMMU_PS_36BIT = 1
SMMU_PS_40BIT = 2
SMMU_PS_42BIT = 3
SMMU_PS_44BIT = 4
SMMU_PS_48BIT = 5
SMMU_PS_52BIT = 6

# ---- Commands (4)
SMMU_CMD_PREFETCH_CONFIG = 0x01
SMMU_CMD_CFGI_STE = 0x03
SMMU_CMD_CFGI_STE_RANGE = 0x04
SMMU_CMD_CFGI_CD = 0x05
SMMU_CMD_CFGI_CD_ALL = 0x06
SMMU_CMD_TLBI_NH_ALL = 0x10
SMMU_CMD_TLBI_NH_ASID = 0x11
SMMU_CMD_TLBI_NH_VA = 0x12
SMMU_CMD_TLBI_NH_VAA = 0x13
SMMU_CMD_TLBI_EL2_ALL = 0x20
SMMU_CMD_TLBI_EL2_ASID = 0x21
SMMU_CMD_TLBI_EL2_VA = 0x22
SMMU_CMD_TLBI_S12_VMALL = 0x28
SMMU_CMD_TLBI_S2_IPA = 0x2A
SMMU_CMD_TLBI_NSNH_ALL = 0x30
SMMU_CMD_PRI_RESP = 0x41
SMMU_CMD_RESUME = 0x44
SMMU_CMD_STALL_TERM = 0x45
SMMU_CMD_SYNC = 0x46
SMMU_CMD0_OPCODE_SHIFT = 0
SMMU_CMD0_OPCODE_MASK = 0xFF
SMMU_CMD0_SSV = 1 << 11
SMMU_CMD0_SSID_SHIFT = 12
SMMU_CMD0_SSID_MASK = 0xFFFFF << 12
SMMU_CMD0_SID_SHIFT = 32
SMMU_CMD0_SID_MASK = 0xFFFFFFFF << 32
SMMU_CMD0_VMID_SHIFT = 32
SMMU_CMD0_VMID_MASK = 0xFFFF << 32
SMMU_CMD0_ASID_SHIFT = 48
SMMU_CMD0_ASID_MASK = 0xFFFF << 48
SMMU_CMD0_RESUME_AC = 1 << 12
SMMU_CMD0_RESUME_AB = 1 << 13
SMMU_CMD0_SYNC_CS_SHIFT = 12
SMMU_CMD0_SYNC_CS_MASK = 3 << 12
SMMU_CMD0_SYNC_MSH_SHIFT = 22
SMMU_CMD0_SYNC_MSH_MASK = 3 << 22
SMMU_CMD0_SYNC_MSIATTR_SHIFT = 24
SMMU_CMD0_SYNC_MSIATTR_MASK = 0xF << 24
SMMU_CMD0_SYNC_MSIDATA_SHIFT = 32
SMMU_CMD0_SYNC_MSIDATA_MASK = 0xFFFFFFFF << 32
SMMU_CMD1_LEAF = 1 << 0
SMMU_CMD1_RANGE_SHIFT = 0
SMMU_CMD1_RANGE_MASK = 0x1F
SMMU_CMD1_ADDR_MASK = 0xFFFFFFFFFFFFF000
SMMU_CMD1_IPA_MASK = 0x000FFFFFFFFFF000
SMMU_CMD1_STAG_SHIFT = 0
SMMU_CMD1_STAG_MASK = 0xFFFF
SMMU_CMD1_SYNC_MSIADDR_MASK = 0x00FFFFFFFFFFFFFC
SMMU_CMD1_PRI_PRGI_SHIFT = 0
SMMU_CMD1_PRI_PRGI_MASK = 0x1FF
SMMU_CMD1_PRI_RESP_SHIFT = 12
SMMU_CMD1_PRI_RESP_MASK = 3 << 12
SMMU_PRI_RESP_FAILURE = 0
SMMU_PRI_RESP_INVALID = 1
SMMU_PRI_RESP_SUCCESS = 2
SMMU_CMD_SYNC_CS_NONE = 0
SMMU_CMD_SYNC_CS_IRQ = 1
SMMU_CMD_SYNC_CS_SEV = 2
SMMU_CFGI_RANGE_ALL = 31

# ---- PRI queue record (8)
SMMU_PRIQ0_SID_SHIFT = 0
SMMU_PRIQ0_SID_MASK = 0xFFFFFFFF
SMMU_PRIQ0_SSID_SHIFT = 32
SMMU_PRIQ0_SSID_MASK = 0xFFFFF << 32
SMMU_PRIQ0_PRIV = 1 << 58
SMMU_PRIQ0_EXEC = 1 << 59
SMMU_PRIQ0_READ = 1 << 60
SMMU_PRIQ0_WRITE = 1 << 61
SMMU_PRIQ0_LAST = 1 << 62
SMMU_PRIQ0_SSV = 1 << 63
SMMU_PRIQ1_PRGI_SHIFT = 0
SMMU_PRIQ1_PRGI_MASK = 0x1FF
SMMU_PRIQ1_ADDR_MASK = 0xFFFFFFFFFFFFF000
SMMU_PRIQ_IRQ_CFG2_LO = 1 << 31

# ---- Events (7.3)
SMMU_EVT_F_UUT = 0x01
SMMU_EVT_C_BAD_STREAMID = 0x02
SMMU_EVT_F_STE_FETCH = 0x03
SMMU_EVT_C_BAD_STE = 0x04
SMMU_EVT_F_BAD_ATS_TREQ = 0x05
SMMU_EVT_F_STREAM_DISABLED = 0x06
SMMU_EVT_F_TRANSL_FORBIDDEN = 0x07
SMMU_EVT_C_BAD_SUBSTREAMID = 0x08
SMMU_EVT_F_CD_FETCH = 0x09
SMMU_EVT_C_BAD_CD = 0x0A
SMMU_EVT_F_WALK_EABT = 0x0B
SMMU_EVT_F_TRANSLATION = 0x10
SMMU_EVT_F_ADDR_SIZE = 0x11
SMMU_EVT_F_ACCESS = 0x12
SMMU_EVT_F_PERMISSION = 0x13
SMMU_EVT_F_TLB_CONFLICT = 0x20
SMMU_EVT_F_CFG_CONFLICT = 0x21
SMMU_EVT_E_PAGE_REQUEST = 0x24
SMMU_EVT_F_VMS_FETCH = 0x25
SMMU_EVT0_EVENTID_SHIFT = 0
SMMU_EVT0_EVENTID_MASK = 0xFF
SMMU_EVT0_SSV = 1 << 11
SMMU_EVT0_SUBSTREAMID_SHIFT = 12
SMMU_EVT0_SUBSTREAMID_MASK = 0xFFFFF << 12
SMMU_EVT0_STREAMID_SHIFT = 32
SMMU_EVT0_STREAMID_MASK = 0xFFFFFFFF << 32
SMMU_EVT1_STAG_SHIFT = 0
SMMU_EVT1_STAG_MASK = 0xFFFF
SMMU_EVT1_STALL = 1 << 31
SMMU_EVT1_PNU = 1 << 33
SMMU_EVT1_IND = 1 << 34
SMMU_EVT1_RNW = 1 << 35
SMMU_EVT1_S2 = 1 << 39
SMMU_EVT1_CLASS_SHIFT = 40
SMMU_EVT1_CLASS_MASK = 3 << 40
SMMU_EVT_CLASS_CD = 0
SMMU_EVT_CLASS_TT = 1
SMMU_EVT_CLASS_IN = 2

EVENT_NAMES = {v: k[len("SMMU_EVT_"):] for k, v in dict(globals()).items()
               if k.startswith("SMMU_EVT_") and not k.startswith("SMMU_EVT_CLASS_")}


def _f(name, x):
    """SMMU_FIELD_PREP(name, x) by the field's name."""
    g = globals()
    return field_prep(g[name + "_SHIFT"], g[name + "_MASK"], x)


# ---- Builders: STEs and CDs are lists of eight 64-bit words, commands of two (little-endian in memory).

def ste_abort():
    """Valid STE that aborts every transaction."""
    return [SMMU_STE0_V | _f("SMMU_STE0_CONFIG", SMMU_STE_CONFIG_ABORT)] + [0] * 7


def ste_bypass():
    """Valid STE that passes transactions through untranslated, incoming shareability."""
    return [SMMU_STE0_V | _f("SMMU_STE0_CONFIG", SMMU_STE_CONFIG_BYPASS),
            _f("SMMU_STE1_SHCFG", SMMU_SHCFG_INCOMING)] + [0] * 6


def ste_s1(cd_pa, s1cdmax=0):
    """Stage-1 STE over a linear table of 2^s1cdmax CDs at cd_pa; no SubstreamID uses CD 0 when s1cdmax > 0."""
    w0 = (SMMU_STE0_V | _f("SMMU_STE0_CONFIG", SMMU_STE_CONFIG_S1) | (cd_pa & SMMU_STE0_S1CONTEXTPTR_MASK) |
          _f("SMMU_STE0_S1CDMAX", s1cdmax))
    w1 = (_f("SMMU_STE1_S1DSS", SMMU_STE_S1DSS_SSID0 if s1cdmax else SMMU_STE_S1DSS_TERMINATE) |
          _f("SMMU_STE1_S1CIR", SMMU_RGN_WBWA) | _f("SMMU_STE1_S1COR", SMMU_RGN_WBWA) |
          _f("SMMU_STE1_S1CSH", SMMU_SH_ISH) | _f("SMMU_STE1_SHCFG", SMMU_SHCFG_INCOMING))
    return [w0, w1] + [0] * 6


def ste_vtcr_4k(ias_bits, s2sl0, ps):
    """STE.S2T0SZ..S2PS for a 4KB-granule AArch64 stage-2 table (as smmu_ste_vtcr_4k)."""
    return (_f("SMMU_STE2_S2T0SZ", (64 - ias_bits) & 0xFFFFFFFF) | _f("SMMU_STE2_S2SL0", s2sl0) |
            _f("SMMU_STE2_S2IR0", SMMU_RGN_WBWA) | _f("SMMU_STE2_S2OR0", SMMU_RGN_WBWA) |
            _f("SMMU_STE2_S2SH0", SMMU_SH_ISH) | _f("SMMU_STE2_S2TG", SMMU_TG0_4K) | _f("SMMU_STE2_S2PS", ps))


def ste_s2(vmid, s2ttb, vtcr):
    """Stage-2 STE: VMID, the table at s2ttb, vtcr from ste_vtcr_4k(); faults recorded, AArch64."""
    return [SMMU_STE0_V | _f("SMMU_STE0_CONFIG", SMMU_STE_CONFIG_S2),
            _f("SMMU_STE1_SHCFG", SMMU_SHCFG_INCOMING),
            _f("SMMU_STE2_S2VMID", vmid) | (vtcr & SMMU_STE2_VTCR_MASK) | SMMU_STE2_S2AA64 | SMMU_STE2_S2PTW |
            SMMU_STE2_S2R,
            s2ttb & SMMU_STE3_S2TTB_MASK] + [0] * 4


def ste_nested(cd_ipa, s1cdmax, vmid, s2ttb, vtcr):
    """Nested STE: stage 1 as ste_s1() with the CD table at an IPA, stage 2 as ste_s2()."""
    ste, s2 = ste_s1(cd_ipa, s1cdmax), ste_s2(vmid, s2ttb, vtcr)
    ste[0] = (ste[0] & ~SMMU_STE0_CONFIG_MASK) | _f("SMMU_STE0_CONFIG", SMMU_STE_CONFIG_NESTED)
    ste[2], ste[3] = s2[2], s2[3]
    return ste


def l1std(l2_pa, span):
    """Level-1 Stream Table Descriptor: 2^(span-1) STEs at l2_pa."""
    return (l2_pa & SMMU_L1STD_L2PTR_MASK) | _f("SMMU_L1STD_SPAN", span)


def l1cd(l2_pa):
    """Level-1 Context Descriptor: a valid pointer to an L2 CD table."""
    return (l2_pa & SMMU_L1CD_L2PTR_MASK) | SMMU_L1CD_V


def cd_s1_4k(asid, ttb0, va_bits, ips, mair):
    """Stage-1 AArch64 CD, 4KB granule TTB0 (TTB1 disabled), faults recorded and aborted, ASET, mair as MAIR_ELx."""
    w0 = (_f("SMMU_CD0_T0SZ", (64 - va_bits) & 0xFFFFFFFF) | _f("SMMU_CD0_TG0", SMMU_TG0_4K) |
          _f("SMMU_CD0_IR0", SMMU_RGN_WBWA) | _f("SMMU_CD0_OR0", SMMU_RGN_WBWA) | _f("SMMU_CD0_SH0", SMMU_SH_ISH) |
          SMMU_CD0_EPD1 | SMMU_CD0_V | _f("SMMU_CD0_IPS", ips) | SMMU_CD0_AA64 | SMMU_CD0_R | SMMU_CD0_A |
          SMMU_CD0_ASET | _f("SMMU_CD0_ASID", asid))
    return [w0, ttb0 & SMMU_CD1_TTB0_MASK, 0, mair & 0xFFFFFFFFFFFFFFFF] + [0] * 4


def cmd_make(opcode, q0=0, q1=0):
    return [_f("SMMU_CMD0_OPCODE", opcode) | q0, q1]


def _leaf(leaf):
    return SMMU_CMD1_LEAF if leaf else 0


def cmd_prefetch_config(sid):
    return cmd_make(SMMU_CMD_PREFETCH_CONFIG, _f("SMMU_CMD0_SID", sid))


def cmd_cfgi_ste(sid, leaf=True):
    return cmd_make(SMMU_CMD_CFGI_STE, _f("SMMU_CMD0_SID", sid), _leaf(leaf))


def cmd_cfgi_ste_range(sid, rng):
    """2^(rng+1) StreamIDs aligned down from sid."""
    return cmd_make(SMMU_CMD_CFGI_STE_RANGE, _f("SMMU_CMD0_SID", sid), _f("SMMU_CMD1_RANGE", rng))


def cmd_cfgi_all():
    return cmd_cfgi_ste_range(0, SMMU_CFGI_RANGE_ALL)


def cmd_cfgi_cd(sid, ssid=0, leaf=True):
    return cmd_make(SMMU_CMD_CFGI_CD, _f("SMMU_CMD0_SID", sid) | _f("SMMU_CMD0_SSID", ssid), _leaf(leaf))


def cmd_cfgi_cd_all(sid):
    return cmd_make(SMMU_CMD_CFGI_CD_ALL, _f("SMMU_CMD0_SID", sid))


def cmd_tlbi_nh_all(vmid=0):
    return cmd_make(SMMU_CMD_TLBI_NH_ALL, _f("SMMU_CMD0_VMID", vmid))


def cmd_tlbi_nh_asid(vmid, asid):
    return cmd_make(SMMU_CMD_TLBI_NH_ASID, _f("SMMU_CMD0_VMID", vmid) | _f("SMMU_CMD0_ASID", asid))


def cmd_tlbi_nh_va(vmid, asid, va, leaf=True):
    """One page at va for (vmid, asid), no range."""
    return cmd_make(SMMU_CMD_TLBI_NH_VA, _f("SMMU_CMD0_VMID", vmid) | _f("SMMU_CMD0_ASID", asid),
                    (va & SMMU_CMD1_ADDR_MASK) | _leaf(leaf))


def cmd_tlbi_nh_vaa(vmid, va, leaf=True):
    return cmd_make(SMMU_CMD_TLBI_NH_VAA, _f("SMMU_CMD0_VMID", vmid), (va & SMMU_CMD1_ADDR_MASK) | _leaf(leaf))


def cmd_tlbi_el2_all():
    return cmd_make(SMMU_CMD_TLBI_EL2_ALL)


def cmd_tlbi_el2_asid(asid):
    return cmd_make(SMMU_CMD_TLBI_EL2_ASID, _f("SMMU_CMD0_ASID", asid))


def cmd_tlbi_el2_va(asid, va, leaf=True):
    return cmd_make(SMMU_CMD_TLBI_EL2_VA, _f("SMMU_CMD0_ASID", asid), (va & SMMU_CMD1_ADDR_MASK) | _leaf(leaf))


def cmd_tlbi_s12_vmall(vmid):
    return cmd_make(SMMU_CMD_TLBI_S12_VMALL, _f("SMMU_CMD0_VMID", vmid))


def cmd_tlbi_s2_ipa(vmid, ipa, leaf=True):
    return cmd_make(SMMU_CMD_TLBI_S2_IPA, _f("SMMU_CMD0_VMID", vmid), (ipa & SMMU_CMD1_IPA_MASK) | _leaf(leaf))


def cmd_tlbi_nsnh_all():
    return cmd_make(SMMU_CMD_TLBI_NSNH_ALL)


def cmd_sync(cs=SMMU_CMD_SYNC_CS_NONE, msi_addr=0, msi_data=0):
    """CMD_SYNC; with CS = IRQ and msi_addr != 0 the SMMU writes msi_data there (MSH = ISH, MSIAttr = 0xF)."""
    return cmd_make(SMMU_CMD_SYNC,
                    _f("SMMU_CMD0_SYNC_CS", cs) | _f("SMMU_CMD0_SYNC_MSH", SMMU_SH_ISH) |
                    _f("SMMU_CMD0_SYNC_MSIATTR", 0xF) | _f("SMMU_CMD0_SYNC_MSIDATA", msi_data),
                    msi_addr & SMMU_CMD1_SYNC_MSIADDR_MASK)


def cmd_resume(sid, stag, retry, abort=True):
    """CMD_RESUME: retry, or terminate with an abort (abort=True) or RAZ/WI."""
    return cmd_make(SMMU_CMD_RESUME,
                    _f("SMMU_CMD0_SID", sid) | (SMMU_CMD0_RESUME_AC if retry else 0) |
                    (SMMU_CMD0_RESUME_AB if (not retry and abort) else 0),
                    _f("SMMU_CMD1_STAG", stag))


def cmd_stall_term(sid):
    return cmd_make(SMMU_CMD_STALL_TERM, _f("SMMU_CMD0_SID", sid))


def cmd_pri_resp(sid, ssid, ssv, prgi, resp):
    """CMD_PRI_RESP: resp is SMMU_PRI_RESP_FAILURE/INVALID/SUCCESS; the PASID is sent when ssv."""
    return cmd_make(SMMU_CMD_PRI_RESP,
                    _f("SMMU_CMD0_SID", sid) | _f("SMMU_CMD0_SSID", ssid) | (SMMU_CMD0_SSV if ssv else 0),
                    _f("SMMU_CMD1_PRI_PRGI", prgi) | _f("SMMU_CMD1_PRI_RESP", resp))


def decode_event(rec):
    """The common fields of an event record (four 64-bit words) as a dict."""
    eid = field_get(rec[0], SMMU_EVT0_EVENTID_SHIFT, SMMU_EVT0_EVENTID_MASK)
    return {
        "id": eid,
        "name": EVENT_NAMES.get(eid, "0x%02x" % eid),
        "sid": field_get(rec[0], SMMU_EVT0_STREAMID_SHIFT, SMMU_EVT0_STREAMID_MASK),
        "ssv": bool(rec[0] & SMMU_EVT0_SSV),
        "ssid": field_get(rec[0], SMMU_EVT0_SUBSTREAMID_SHIFT, SMMU_EVT0_SUBSTREAMID_MASK),
        "rnw": bool(rec[1] & SMMU_EVT1_RNW),
        "pnu": bool(rec[1] & SMMU_EVT1_PNU),
        "ind": bool(rec[1] & SMMU_EVT1_IND),
        "s2": bool(rec[1] & SMMU_EVT1_S2),
        "class": field_get(rec[1], SMMU_EVT1_CLASS_SHIFT, SMMU_EVT1_CLASS_MASK),
        "stall": bool(rec[1] & SMMU_EVT1_STALL),
        "stag": field_get(rec[1], SMMU_EVT1_STAG_SHIFT, SMMU_EVT1_STAG_MASK),
        "input_addr": rec[2],
        "words": list(rec),
    }
