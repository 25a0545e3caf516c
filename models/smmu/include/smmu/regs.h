/* SPDX-License-Identifier: BSD-3-Clause */
/* SMMUv3 programming interface (IHI 0070): register offsets and fields, STE/CD/L1STD/L1CD fields, command
 * opcodes and fields, event IDs and record fields, with the spec's names, and builders for the common cases.
 *
 * Naming: a single-bit field is a mask (SMMU_CR0_SMMUEN); a multi-bit field F has F_SHIFT and F_MASK (the
 * mask in place), read with SMMU_FIELD_GET(v, F) and built with SMMU_FIELD_PREP(F, x). Fields of a
 * multi-word structure carry the index of their 64-bit little-endian word: SMMU_STE1_S1DSS_MASK is in
 * STE word 1 (bits [65:64] of the STE). Pure C11, no dependency beyond <stdint.h> and <stdbool.h>. */
#ifndef SMMU_REGS_H
#define SMMU_REGS_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SMMU_FIELD_GET(v, F)    ((uint64_t)(((uint64_t)(v) & (uint64_t)F##_MASK) >> F##_SHIFT))
#define SMMU_FIELD_PREP(F, x)   ((((uint64_t)(x)) << F##_SHIFT) & (uint64_t)F##_MASK)

/* ---------------------------------------------------------------- Registers (6.2, 6.3) */

#define SMMU_PAGE1             0x10000u    /* page 1 of the register frame */
#define SMMU_FRAME_SIZE        0x20000u    /* page 0 + page 1 */

#define SMMU_IDR0              0x000u
#define SMMU_IDR1              0x004u
#define SMMU_IDR2              0x008u
#define SMMU_IDR3              0x00Cu
#define SMMU_IDR4              0x010u
#define SMMU_IDR5              0x014u
#define SMMU_IIDR              0x018u
#define SMMU_AIDR              0x01Cu
#define SMMU_CR0               0x020u
#define SMMU_CR0ACK            0x024u
#define SMMU_CR1               0x028u
#define SMMU_CR2               0x02Cu
#define SMMU_STATUSR           0x040u
#define SMMU_GBPA              0x044u
#define SMMU_AGBPA             0x048u
#define SMMU_IRQ_CTRL          0x050u
#define SMMU_IRQ_CTRLACK       0x054u
#define SMMU_GERROR            0x060u
#define SMMU_GERRORN           0x064u
#define SMMU_GERROR_IRQ_CFG0   0x068u      /* 64-bit */
#define SMMU_GERROR_IRQ_CFG1   0x070u
#define SMMU_GERROR_IRQ_CFG2   0x074u
#define SMMU_STRTAB_BASE       0x080u      /* 64-bit */
#define SMMU_STRTAB_BASE_CFG   0x088u
#define SMMU_CMDQ_BASE         0x090u      /* 64-bit */
#define SMMU_CMDQ_PROD         0x098u
#define SMMU_CMDQ_CONS         0x09Cu
#define SMMU_EVENTQ_BASE       0x0A0u      /* 64-bit */
#define SMMU_EVENTQ_IRQ_CFG0   0x0B0u      /* 64-bit */
#define SMMU_EVENTQ_IRQ_CFG1   0x0B8u
#define SMMU_EVENTQ_IRQ_CFG2   0x0BCu
#define SMMU_PRIQ_BASE         0x0C0u      /* 64-bit */
#define SMMU_PRIQ_IRQ_CFG0     0x0D0u      /* 64-bit */
#define SMMU_PRIQ_IRQ_CFG1     0x0D8u
#define SMMU_PRIQ_IRQ_CFG2     0x0DCu
#define SMMU_GATOS_CTRL        0x100u
#define SMMU_GATOS_SID         0x108u
#define SMMU_GATOS_ADDR        0x110u
#define SMMU_GATOS_PAR         0x118u
#define SMMU_IDREGS            0xFD0u      /* PIDR/CIDR block 0xFD0..0xFFC */
#define SMMU_EVENTQ_PROD       0x100A8u    /* page 1 */
#define SMMU_EVENTQ_CONS       0x100ACu    /* page 1 */
#define SMMU_PRIQ_PROD         0x100C8u    /* page 1 */
#define SMMU_PRIQ_CONS         0x100CCu    /* page 1 */

/* SMMU_IDR0 (6.3.1) */
#define SMMU_IDR0_S2P                 (1u << 0)
#define SMMU_IDR0_S1P                 (1u << 1)
#define SMMU_IDR0_TTF_SHIFT           2
#define SMMU_IDR0_TTF_MASK            (3u << 2)     /* 1 AArch32, 2 AArch64, 3 both */
#define SMMU_IDR0_COHACC              (1u << 4)
#define SMMU_IDR0_BTM                 (1u << 5)
#define SMMU_IDR0_HTTU_SHIFT          6
#define SMMU_IDR0_HTTU_MASK           (3u << 6)     /* 1 Access flag, 2 Access flag and dirty state */
#define SMMU_IDR0_DORMHINT            (1u << 8)
#define SMMU_IDR0_HYP                 (1u << 9)
#define SMMU_IDR0_ATS                 (1u << 10)
#define SMMU_IDR0_NS1ATS              (1u << 11)
#define SMMU_IDR0_ASID16              (1u << 12)
#define SMMU_IDR0_MSI                 (1u << 13)
#define SMMU_IDR0_SEV                 (1u << 14)
#define SMMU_IDR0_ATOS                (1u << 15)
#define SMMU_IDR0_PRI                 (1u << 16)
#define SMMU_IDR0_VMW                 (1u << 17)
#define SMMU_IDR0_VMID16              (1u << 18)
#define SMMU_IDR0_CD2L                (1u << 19)
#define SMMU_IDR0_VATOS               (1u << 20)
#define SMMU_IDR0_TTENDIAN_SHIFT      21
#define SMMU_IDR0_TTENDIAN_MASK       (3u << 21)    /* 0 mixed, 2 little-endian, 3 big-endian */
#define SMMU_IDR0_ATSRECERR           (1u << 23)
#define SMMU_IDR0_STALL_MODEL_SHIFT   24
#define SMMU_IDR0_STALL_MODEL_MASK    (3u << 24)    /* 0 stall and terminate, 1 terminate only, 2 stall forced */
#define SMMU_IDR0_TERM_MODEL          (1u << 26)
#define SMMU_IDR0_ST_LEVEL_SHIFT      27
#define SMMU_IDR0_ST_LEVEL_MASK       (3u << 27)    /* 0 linear, 1 linear and 2-level */
#define SMMU_IDR0_RME_IMPL            (1u << 30)

/* SMMU_IDR1 (6.3.2) */
#define SMMU_IDR1_SIDSIZE_SHIFT       0
#define SMMU_IDR1_SIDSIZE_MASK        0x3Fu
#define SMMU_IDR1_SSIDSIZE_SHIFT      6
#define SMMU_IDR1_SSIDSIZE_MASK       (0x1Fu << 6)
#define SMMU_IDR1_PRIQS_SHIFT         11
#define SMMU_IDR1_PRIQS_MASK          (0x1Fu << 11)
#define SMMU_IDR1_EVENTQS_SHIFT       16
#define SMMU_IDR1_EVENTQS_MASK        (0x1Fu << 16)
#define SMMU_IDR1_CMDQS_SHIFT         21
#define SMMU_IDR1_CMDQS_MASK          (0x1Fu << 21)
#define SMMU_IDR1_ATTR_PERMS_OVR      (1u << 26)
#define SMMU_IDR1_ATTR_TYPES_OVR      (1u << 27)
#define SMMU_IDR1_REL                 (1u << 28)
#define SMMU_IDR1_QUEUES_PRESET       (1u << 29)
#define SMMU_IDR1_TABLES_PRESET       (1u << 30)
#define SMMU_IDR1_ECMDQ               (1u << 31)

/* SMMU_IDR3 (6.3.4) */
#define SMMU_IDR3_HAD                 (1u << 2)
#define SMMU_IDR3_PBHA                (1u << 3)
#define SMMU_IDR3_XNX                 (1u << 4)
#define SMMU_IDR3_PPS                 (1u << 5)
#define SMMU_IDR3_MPAM                (1u << 7)
#define SMMU_IDR3_FWB                 (1u << 8)
#define SMMU_IDR3_STT                 (1u << 9)
#define SMMU_IDR3_RIL                 (1u << 10)
#define SMMU_IDR3_BBML_SHIFT          11
#define SMMU_IDR3_BBML_MASK           (3u << 11)
#define SMMU_IDR3_E0PD                (1u << 13)
#define SMMU_IDR3_PTWNNC              (1u << 14)
#define SMMU_IDR3_DPT                 (1u << 15)

/* SMMU_IDR5 (6.3.6) */
#define SMMU_IDR5_OAS_SHIFT           0
#define SMMU_IDR5_OAS_MASK            7u            /* 0..6 = 32, 36, 40, 42, 44, 48, 52 bits */
#define SMMU_IDR5_GRAN4K              (1u << 4)
#define SMMU_IDR5_GRAN16K             (1u << 5)
#define SMMU_IDR5_GRAN64K             (1u << 6)
#define SMMU_IDR5_DS                  (1u << 7)
#define SMMU_IDR5_D128                (1u << 8)
#define SMMU_IDR5_VAX_SHIFT           10
#define SMMU_IDR5_VAX_MASK            (3u << 10)    /* 0 48-bit VA, 1 52-bit VA */
#define SMMU_IDR5_STALL_MAX_SHIFT     16
#define SMMU_IDR5_STALL_MAX_MASK      (0xFFFFu << 16)

/* SMMU_IIDR (6.3.7), SMMU_AIDR (6.3.8) */
#define SMMU_IIDR_IMPLEMENTER_SHIFT   0
#define SMMU_IIDR_IMPLEMENTER_MASK    0xFFFu        /* Arm = 0x43B */
#define SMMU_IIDR_REVISION_SHIFT      12
#define SMMU_IIDR_REVISION_MASK       (0xFu << 12)
#define SMMU_IIDR_VARIANT_SHIFT       16
#define SMMU_IIDR_VARIANT_MASK        (0xFu << 16)
#define SMMU_IIDR_PRODUCTID_SHIFT     20
#define SMMU_IIDR_PRODUCTID_MASK      (0xFFFu << 20)
#define SMMU_AIDR_ARCHMINORREV_SHIFT  0
#define SMMU_AIDR_ARCHMINORREV_MASK   0xFu
#define SMMU_AIDR_ARCHMAJORREV_SHIFT  4
#define SMMU_AIDR_ARCHMAJORREV_MASK   (0xFu << 4)

/* SMMU_CR0 / SMMU_CR0ACK (6.3.9, 6.3.10) */
#define SMMU_CR0_SMMUEN               (1u << 0)
#define SMMU_CR0_PRIQEN               (1u << 1)
#define SMMU_CR0_EVENTQEN             (1u << 2)
#define SMMU_CR0_CMDQEN               (1u << 3)
#define SMMU_CR0_ATSCHK               (1u << 4)
#define SMMU_CR0_VMW_SHIFT            6
#define SMMU_CR0_VMW_MASK             (7u << 6)
#define SMMU_CR0_DPT_WALK_EN          (1u << 10)

/* SMMU_CR1 (6.3.11): cacheability 0 NC, 1 WB, 2 WT; shareability 0 NSH, 2 OSH, 3 ISH */
#define SMMU_CR1_QUEUE_IC_SHIFT       0
#define SMMU_CR1_QUEUE_IC_MASK        3u
#define SMMU_CR1_QUEUE_OC_SHIFT       2
#define SMMU_CR1_QUEUE_OC_MASK        (3u << 2)
#define SMMU_CR1_QUEUE_SH_SHIFT       4
#define SMMU_CR1_QUEUE_SH_MASK        (3u << 4)
#define SMMU_CR1_TABLE_IC_SHIFT       6
#define SMMU_CR1_TABLE_IC_MASK        (3u << 6)
#define SMMU_CR1_TABLE_OC_SHIFT       8
#define SMMU_CR1_TABLE_OC_MASK        (3u << 8)
#define SMMU_CR1_TABLE_SH_SHIFT       10
#define SMMU_CR1_TABLE_SH_MASK        (3u << 10)
#define SMMU_CACHE_NC                 0u
#define SMMU_CACHE_WB                 1u
#define SMMU_CACHE_WT                 2u
#define SMMU_SH_NSH                   0u
#define SMMU_SH_OSH                   2u
#define SMMU_SH_ISH                   3u

/* SMMU_CR2 (6.3.12) */
#define SMMU_CR2_E2H                  (1u << 0)
#define SMMU_CR2_RECINVSID            (1u << 1)
#define SMMU_CR2_PTM                  (1u << 2)
#define SMMU_CR2_REC_CFG_ATS          (1u << 3)

/* SMMU_GBPA (6.3.14) */
#define SMMU_GBPA_MEMATTR_SHIFT       0
#define SMMU_GBPA_MEMATTR_MASK        0xFu
#define SMMU_GBPA_MTCFG               (1u << 4)
#define SMMU_GBPA_ALLOCCFG_SHIFT      8
#define SMMU_GBPA_ALLOCCFG_MASK       (0xFu << 8)
#define SMMU_GBPA_SHCFG_SHIFT         12
#define SMMU_GBPA_SHCFG_MASK          (3u << 12)
#define SMMU_GBPA_PRIVCFG_SHIFT       16
#define SMMU_GBPA_PRIVCFG_MASK        (3u << 16)
#define SMMU_GBPA_INSTCFG_SHIFT       18
#define SMMU_GBPA_INSTCFG_MASK        (3u << 18)
#define SMMU_GBPA_ABORT               (1u << 20)
#define SMMU_GBPA_UPDATE              (1u << 31)

/* SMMU_IRQ_CTRL / SMMU_IRQ_CTRLACK (6.3.16, 6.3.18) */
#define SMMU_IRQ_CTRL_GERROR_IRQEN    (1u << 0)
#define SMMU_IRQ_CTRL_PRIQ_IRQEN      (1u << 1)
#define SMMU_IRQ_CTRL_EVENTQ_IRQEN    (1u << 2)

/* SMMU_GERROR / SMMU_GERRORN (6.3.19, 6.3.20): an error is active while GERROR ^ GERRORN has its bit set */
#define SMMU_GERROR_CMDQ_ERR            (1u << 0)
#define SMMU_GERROR_EVENTQ_ABT_ERR      (1u << 2)
#define SMMU_GERROR_PRIQ_ABT_ERR        (1u << 3)
#define SMMU_GERROR_MSI_CMDQ_ABT_ERR    (1u << 4)
#define SMMU_GERROR_MSI_EVENTQ_ABT_ERR  (1u << 5)
#define SMMU_GERROR_MSI_PRIQ_ABT_ERR    (1u << 6)
#define SMMU_GERROR_MSI_GERROR_ABT_ERR  (1u << 7)
#define SMMU_GERROR_SFM_ERR             (1u << 8)
#define SMMU_GERROR_CMDQP_ERR           (1u << 9)
#define SMMU_GERROR_DPT_ERR             (1u << 10)

/* SMMU_*_IRQ_CFG0/1/2: MSI address, data, attributes */
#define SMMU_IRQ_CFG0_ADDR_MASK       0x00FFFFFFFFFFFFFCull   /* ADDR[55:2] */
#define SMMU_IRQ_CFG2_MEMATTR_SHIFT   0
#define SMMU_IRQ_CFG2_MEMATTR_MASK    0xFu
#define SMMU_IRQ_CFG2_SH_SHIFT        4
#define SMMU_IRQ_CFG2_SH_MASK         (3u << 4)

/* SMMU_STRTAB_BASE, SMMU_STRTAB_BASE_CFG (6.3) */
#define SMMU_STRTAB_BASE_ADDR_MASK    0x00FFFFFFFFFFFFC0ull   /* ADDR[55:6] */
#define SMMU_STRTAB_BASE_RA           (1ull << 62)
#define SMMU_STRTAB_BASE_CFG_LOG2SIZE_SHIFT 0
#define SMMU_STRTAB_BASE_CFG_LOG2SIZE_MASK  0x3Fu
#define SMMU_STRTAB_BASE_CFG_SPLIT_SHIFT    6
#define SMMU_STRTAB_BASE_CFG_SPLIT_MASK     (0x1Fu << 6)
#define SMMU_STRTAB_BASE_CFG_FMT_SHIFT      16
#define SMMU_STRTAB_BASE_CFG_FMT_MASK       (3u << 16)
#define SMMU_STRTAB_FMT_LINEAR        0u
#define SMMU_STRTAB_FMT_2LEVEL        1u

/* SMMU_CMDQ_BASE / SMMU_EVENTQ_BASE / SMMU_PRIQ_BASE */
#define SMMU_Q_BASE_LOG2SIZE_SHIFT    0
#define SMMU_Q_BASE_LOG2SIZE_MASK     0x1Full
#define SMMU_Q_BASE_ADDR_MASK         0x00FFFFFFFFFFFFE0ull   /* ADDR[55:5] */
#define SMMU_CMDQ_BASE_RA             (1ull << 62)
#define SMMU_EVENTQ_BASE_WA           (1ull << 62)
#define SMMU_PRIQ_BASE_WA             (1ull << 62)

/* Queue PROD / CONS: index in [log2size-1:0], wrap bit at [log2size] */
#define SMMU_EVENTQ_PROD_OVFLG        (1u << 31)
#define SMMU_EVENTQ_CONS_OVACKFLG     (1u << 31)
#define SMMU_PRIQ_PROD_OVFLG          (1u << 31)
#define SMMU_PRIQ_CONS_OVACKFLG       (1u << 31)
#define SMMU_CMDQ_CONS_ERR_SHIFT      24
#define SMMU_CMDQ_CONS_ERR_MASK       (0x7Fu << 24)
#define SMMU_CERROR_NONE              0u
#define SMMU_CERROR_ILL               1u
#define SMMU_CERROR_ABT               2u
#define SMMU_CERROR_ATC_INV_SYNC      3u

#define SMMU_CMDQ_ENT_BYTES           16u
#define SMMU_EVENTQ_ENT_BYTES         32u
#define SMMU_PRIQ_ENT_BYTES           16u

/* PRI queue record (8) */
#define SMMU_PRIQ0_SID_SHIFT          0
#define SMMU_PRIQ0_SID_MASK           0xFFFFFFFFull
#define SMMU_PRIQ0_SSID_SHIFT         32
#define SMMU_PRIQ0_SSID_MASK          (0xFFFFFull << 32)
#define SMMU_PRIQ0_PRIV               (1ull << 58)
#define SMMU_PRIQ0_EXEC               (1ull << 59)
#define SMMU_PRIQ0_READ               (1ull << 60)
#define SMMU_PRIQ0_WRITE              (1ull << 61)
#define SMMU_PRIQ0_LAST               (1ull << 62)
#define SMMU_PRIQ0_SSV                (1ull << 63)
#define SMMU_PRIQ1_PRGI_SHIFT         0
#define SMMU_PRIQ1_PRGI_MASK          0x1FFull
#define SMMU_PRIQ1_ADDR_MASK          0xFFFFFFFFFFFFF000ull   /* Page address[63:12] */
#define SMMU_PRIQ_IRQ_CFG2_LO         (1u << 31)

/* ---------------------------------------------------------------- Structures (5.1 - 5.4) */

#define SMMU_STE_BYTES                64u
#define SMMU_CD_BYTES                 64u

/* Level-1 Stream Table Descriptor (5.1) */
#define SMMU_L1STD_SPAN_SHIFT         0
#define SMMU_L1STD_SPAN_MASK          0x1Full
#define SMMU_L1STD_L2PTR_MASK         0x00FFFFFFFFFFFFC0ull   /* L2Ptr[55:6] */

/* Stream Table Entry (5.2) */
#define SMMU_STE0_V                   (1ull << 0)
#define SMMU_STE0_CONFIG_SHIFT        1
#define SMMU_STE0_CONFIG_MASK         (7ull << 1)
#define SMMU_STE0_S1FMT_SHIFT         4
#define SMMU_STE0_S1FMT_MASK          (3ull << 4)
#define SMMU_STE0_S1CONTEXTPTR_MASK   0x00FFFFFFFFFFFFC0ull   /* S1ContextPtr[55:6] */
#define SMMU_STE0_S1CDMAX_SHIFT       59
#define SMMU_STE0_S1CDMAX_MASK        (0x1Full << 59)
#define SMMU_STE1_S1DSS_SHIFT         0
#define SMMU_STE1_S1DSS_MASK          3ull
#define SMMU_STE1_S1CIR_SHIFT         2
#define SMMU_STE1_S1CIR_MASK          (3ull << 2)
#define SMMU_STE1_S1COR_SHIFT         4
#define SMMU_STE1_S1COR_MASK          (3ull << 4)
#define SMMU_STE1_S1CSH_SHIFT         6
#define SMMU_STE1_S1CSH_MASK          (3ull << 6)
#define SMMU_STE1_DRE                 (1ull << 12)
#define SMMU_STE1_CONT_SHIFT          13
#define SMMU_STE1_CONT_MASK           (0xFull << 13)
#define SMMU_STE1_DCP                 (1ull << 17)
#define SMMU_STE1_PPAR                (1ull << 18)
#define SMMU_STE1_MEV                 (1ull << 19)
#define SMMU_STE1_S2FWB               (1ull << 25)
#define SMMU_STE1_S1STALLD            (1ull << 27)
#define SMMU_STE1_EATS_SHIFT          28
#define SMMU_STE1_EATS_MASK           (3ull << 28)
#define SMMU_STE1_STRW_SHIFT          30
#define SMMU_STE1_STRW_MASK           (3ull << 30)
#define SMMU_STE1_MEMATTR_SHIFT       32
#define SMMU_STE1_MEMATTR_MASK        (0xFull << 32)
#define SMMU_STE1_MTCFG               (1ull << 36)
#define SMMU_STE1_ALLOCCFG_SHIFT      37
#define SMMU_STE1_ALLOCCFG_MASK       (0xFull << 37)
#define SMMU_STE1_SHCFG_SHIFT         44
#define SMMU_STE1_SHCFG_MASK          (3ull << 44)
#define SMMU_STE1_NSCFG_SHIFT         46
#define SMMU_STE1_NSCFG_MASK          (3ull << 46)
#define SMMU_STE1_PRIVCFG_SHIFT       48
#define SMMU_STE1_PRIVCFG_MASK        (3ull << 48)
#define SMMU_STE1_INSTCFG_SHIFT       50
#define SMMU_STE1_INSTCFG_MASK        (3ull << 50)
#define SMMU_STE2_S2VMID_SHIFT        0
#define SMMU_STE2_S2VMID_MASK         0xFFFFull
#define SMMU_STE2_S2T0SZ_SHIFT        32
#define SMMU_STE2_S2T0SZ_MASK         (0x3Full << 32)
#define SMMU_STE2_S2SL0_SHIFT         38
#define SMMU_STE2_S2SL0_MASK          (3ull << 38)
#define SMMU_STE2_S2IR0_SHIFT         40
#define SMMU_STE2_S2IR0_MASK          (3ull << 40)
#define SMMU_STE2_S2OR0_SHIFT         42
#define SMMU_STE2_S2OR0_MASK          (3ull << 42)
#define SMMU_STE2_S2SH0_SHIFT         44
#define SMMU_STE2_S2SH0_MASK          (3ull << 44)
#define SMMU_STE2_S2TG_SHIFT          46
#define SMMU_STE2_S2TG_MASK           (3ull << 46)
#define SMMU_STE2_S2PS_SHIFT          48
#define SMMU_STE2_S2PS_MASK           (7ull << 48)
#define SMMU_STE2_VTCR_SHIFT          32              /* S2T0SZ..S2PS as one 19-bit VTCR-like field */
#define SMMU_STE2_VTCR_MASK           (0x7FFFFull << 32)
#define SMMU_STE2_S2AA64              (1ull << 51)
#define SMMU_STE2_S2ENDI              (1ull << 52)
#define SMMU_STE2_S2AFFD              (1ull << 53)
#define SMMU_STE2_S2PTW               (1ull << 54)
#define SMMU_STE2_S2HD                (1ull << 55)
#define SMMU_STE2_S2HA                (1ull << 56)
#define SMMU_STE2_S2S                 (1ull << 57)
#define SMMU_STE2_S2R                 (1ull << 58)
#define SMMU_STE3_S2TTB_MASK          0x00FFFFFFFFFFFFF0ull   /* S2TTB[55:4] */

/* STE.Config */
#define SMMU_STE_CONFIG_ABORT         0u
#define SMMU_STE_CONFIG_BYPASS        4u
#define SMMU_STE_CONFIG_S1            5u    /* stage 1 translate, stage 2 bypass */
#define SMMU_STE_CONFIG_S2            6u    /* stage 1 bypass, stage 2 translate */
#define SMMU_STE_CONFIG_NESTED        7u
/* STE.S1Fmt */
#define SMMU_STE_S1FMT_LINEAR         0u
#define SMMU_STE_S1FMT_4K_L2          1u
#define SMMU_STE_S1FMT_64K_L2         2u
/* STE.S1DSS */
#define SMMU_STE_S1DSS_TERMINATE      0u
#define SMMU_STE_S1DSS_BYPASS         1u
#define SMMU_STE_S1DSS_SSID0          2u
/* STE.STRW */
#define SMMU_STE_STRW_NSEL1           0u
#define SMMU_STE_STRW_EL3             1u
#define SMMU_STE_STRW_EL2             2u
/* STE.EATS */
#define SMMU_STE_EATS_ABT             0u
#define SMMU_STE_EATS_TRANS           1u
#define SMMU_STE_EATS_S1CHK           2u
/* STE.SHCFG and GBPA.SHCFG */
#define SMMU_SHCFG_NSH                0u
#define SMMU_SHCFG_INCOMING           1u
#define SMMU_SHCFG_OSH                2u
#define SMMU_SHCFG_ISH                3u

/* Level-1 Context Descriptor (5.3) */
#define SMMU_L1CD_V                   (1ull << 0)
#define SMMU_L1CD_L2PTR_MASK          0x00FFFFFFFFFFF000ull   /* L2Ptr[55:12] */

/* Context Descriptor (5.4) */
#define SMMU_CD0_T0SZ_SHIFT           0
#define SMMU_CD0_T0SZ_MASK            0x3Full
#define SMMU_CD0_TG0_SHIFT            6
#define SMMU_CD0_TG0_MASK             (3ull << 6)     /* 0 4KB, 1 64KB, 2 16KB */
#define SMMU_CD0_IR0_SHIFT            8
#define SMMU_CD0_IR0_MASK             (3ull << 8)     /* 0 NC, 1 WBWA, 2 WT, 3 WB */
#define SMMU_CD0_OR0_SHIFT            10
#define SMMU_CD0_OR0_MASK             (3ull << 10)
#define SMMU_CD0_SH0_SHIFT            12
#define SMMU_CD0_SH0_MASK             (3ull << 12)
#define SMMU_CD0_EPD0                 (1ull << 14)
#define SMMU_CD0_ENDI                 (1ull << 15)
#define SMMU_CD0_T1SZ_SHIFT           16
#define SMMU_CD0_T1SZ_MASK            (0x3Full << 16)
#define SMMU_CD0_TG1_SHIFT            22
#define SMMU_CD0_TG1_MASK             (3ull << 22)    /* 1 16KB, 2 4KB, 3 64KB */
#define SMMU_CD0_IR1_SHIFT            24
#define SMMU_CD0_IR1_MASK             (3ull << 24)
#define SMMU_CD0_OR1_SHIFT            26
#define SMMU_CD0_OR1_MASK             (3ull << 26)
#define SMMU_CD0_SH1_SHIFT            28
#define SMMU_CD0_SH1_MASK             (3ull << 28)
#define SMMU_CD0_EPD1                 (1ull << 30)
#define SMMU_CD0_V                    (1ull << 31)
#define SMMU_CD0_IPS_SHIFT            32
#define SMMU_CD0_IPS_MASK             (7ull << 32)    /* 0..6 = 32, 36, 40, 42, 44, 48, 52 bits */
#define SMMU_CD0_AFFD                 (1ull << 35)
#define SMMU_CD0_WXN                  (1ull << 36)
#define SMMU_CD0_UWXN                 (1ull << 37)
#define SMMU_CD0_TBI0                 (1ull << 38)
#define SMMU_CD0_TBI1                 (1ull << 39)
#define SMMU_CD0_PAN                  (1ull << 40)
#define SMMU_CD0_AA64                 (1ull << 41)
#define SMMU_CD0_HD                   (1ull << 42)
#define SMMU_CD0_HA                   (1ull << 43)
#define SMMU_CD0_S                    (1ull << 44)
#define SMMU_CD0_R                    (1ull << 45)
#define SMMU_CD0_A                    (1ull << 46)
#define SMMU_CD0_ASET                 (1ull << 47)
#define SMMU_CD0_ASID_SHIFT           48
#define SMMU_CD0_ASID_MASK            (0xFFFFull << 48)
#define SMMU_CD1_NSCFG0               (1ull << 0)
#define SMMU_CD1_HAD0                 (1ull << 1)
#define SMMU_CD1_E0PD0                (1ull << 2)
#define SMMU_CD1_TTB0_MASK            0x00FFFFFFFFFFFFF0ull   /* TTB0[55:4] */
#define SMMU_CD2_NSCFG1               (1ull << 0)
#define SMMU_CD2_HAD1                 (1ull << 1)
#define SMMU_CD2_E0PD1                (1ull << 2)
#define SMMU_CD2_TTB1_MASK            0x00FFFFFFFFFFFFF0ull   /* TTB1[55:4] */
/* CD word 3 is MAIR0 (low 32 bits) and MAIR1: the 64-bit MAIR_ELx value; word 4 is AMAIR. */

/* TCR-style encodings used by CD and STE.S2* fields */
#define SMMU_TG0_4K                   0u
#define SMMU_TG0_64K                  1u
#define SMMU_TG0_16K                  2u
#define SMMU_RGN_NC                   0u
#define SMMU_RGN_WBWA                 1u
#define SMMU_RGN_WT                   2u
#define SMMU_RGN_WB                   3u
#define SMMU_PS_32BIT                 0u
#define SMMU_PS_36BIT                 1u
#define SMMU_PS_40BIT                 2u
#define SMMU_PS_42BIT                 3u
#define SMMU_PS_44BIT                 4u
#define SMMU_PS_48BIT                 5u
#define SMMU_PS_52BIT                 6u

/* ---------------------------------------------------------------- Commands (4) */

#define SMMU_CMD_PREFETCH_CONFIG      0x01u
#define SMMU_CMD_PREFETCH_ADDR        0x02u
#define SMMU_CMD_CFGI_STE             0x03u
#define SMMU_CMD_CFGI_STE_RANGE       0x04u   /* CMD_CFGI_ALL is CFGI_STE_RANGE with Range = 31 */
#define SMMU_CMD_CFGI_CD              0x05u
#define SMMU_CMD_CFGI_CD_ALL          0x06u
#define SMMU_CMD_CFGI_VMS_PIDM        0x07u
#define SMMU_CMD_TLBI_NH_ALL          0x10u
#define SMMU_CMD_TLBI_NH_ASID         0x11u
#define SMMU_CMD_TLBI_NH_VA           0x12u
#define SMMU_CMD_TLBI_NH_VAA          0x13u
#define SMMU_CMD_TLBI_EL3_ALL         0x18u
#define SMMU_CMD_TLBI_EL3_VA          0x1Au
#define SMMU_CMD_TLBI_EL2_ALL         0x20u
#define SMMU_CMD_TLBI_EL2_ASID        0x21u
#define SMMU_CMD_TLBI_EL2_VA          0x22u
#define SMMU_CMD_TLBI_EL2_VAA         0x23u
#define SMMU_CMD_TLBI_S12_VMALL       0x28u
#define SMMU_CMD_TLBI_S2_IPA          0x2Au
#define SMMU_CMD_TLBI_NSNH_ALL        0x30u
#define SMMU_CMD_ATC_INV              0x40u
#define SMMU_CMD_PRI_RESP             0x41u
#define SMMU_CMD_RESUME               0x44u
#define SMMU_CMD_STALL_TERM           0x45u
#define SMMU_CMD_SYNC                 0x46u

#define SMMU_CMD0_OPCODE_SHIFT        0
#define SMMU_CMD0_OPCODE_MASK         0xFFull
#define SMMU_CMD0_SSEC                (1ull << 10)
#define SMMU_CMD0_SSV                 (1ull << 11)
#define SMMU_CMD0_SSID_SHIFT          12
#define SMMU_CMD0_SSID_MASK           (0xFFFFFull << 12)
#define SMMU_CMD0_SID_SHIFT           32
#define SMMU_CMD0_SID_MASK            (0xFFFFFFFFull << 32)
#define SMMU_CMD0_NUM_SHIFT           12              /* TLBI_*_VA/VAA/IPA range: NUM, SCALE */
#define SMMU_CMD0_NUM_MASK            (0x1Full << 12)
#define SMMU_CMD0_SCALE_SHIFT         20
#define SMMU_CMD0_SCALE_MASK          (0x1Full << 20)
#define SMMU_CMD0_VMID_SHIFT          32
#define SMMU_CMD0_VMID_MASK           (0xFFFFull << 32)
#define SMMU_CMD0_ASID_SHIFT          48
#define SMMU_CMD0_ASID_MASK           (0xFFFFull << 48)
#define SMMU_CMD0_RESUME_AC           (1ull << 12)    /* CMD_RESUME Action: 1 retry */
#define SMMU_CMD0_RESUME_AB           (1ull << 13)    /* CMD_RESUME terminate: 1 abort, 0 RAZ/WI */
#define SMMU_CMD0_SYNC_CS_SHIFT       12
#define SMMU_CMD0_SYNC_CS_MASK        (3ull << 12)
#define SMMU_CMD0_SYNC_MSH_SHIFT      22
#define SMMU_CMD0_SYNC_MSH_MASK       (3ull << 22)
#define SMMU_CMD0_SYNC_MSIATTR_SHIFT  24
#define SMMU_CMD0_SYNC_MSIATTR_MASK   (0xFull << 24)
#define SMMU_CMD0_SYNC_MSIDATA_SHIFT  32
#define SMMU_CMD0_SYNC_MSIDATA_MASK   (0xFFFFFFFFull << 32)
#define SMMU_CMD1_LEAF                (1ull << 0)     /* CFGI_STE, CFGI_CD, TLBI_*_VA/VAA/IPA */
#define SMMU_CMD1_RANGE_SHIFT         0               /* CFGI_STE_RANGE: 2^(Range+1) StreamIDs */
#define SMMU_CMD1_RANGE_MASK          0x1Full
#define SMMU_CMD1_TTL_SHIFT           8
#define SMMU_CMD1_TTL_MASK            (3ull << 8)
#define SMMU_CMD1_TG_SHIFT            10
#define SMMU_CMD1_TG_MASK             (3ull << 10)    /* 0 no range, 1 4KB, 2 16KB, 3 64KB */
#define SMMU_CMD1_ADDR_MASK           0xFFFFFFFFFFFFF000ull   /* VA[63:12] */
#define SMMU_CMD1_IPA_MASK            0x000FFFFFFFFFF000ull   /* IPA[51:12] */
#define SMMU_CMD1_STAG_SHIFT          0               /* CMD_RESUME */
#define SMMU_CMD1_STAG_MASK           0xFFFFull
#define SMMU_CMD1_SYNC_MSIADDR_MASK   0x00FFFFFFFFFFFFFCull   /* MSIAddress[55:2] */
#define SMMU_CMD1_PRI_PRGI_SHIFT      0               /* CMD_PRI_RESP: PRGIndex[8:0], Resp[13:12] */
#define SMMU_CMD1_PRI_PRGI_MASK       0x1FFull
#define SMMU_CMD1_PRI_RESP_SHIFT      12
#define SMMU_CMD1_PRI_RESP_MASK       (3ull << 12)
#define SMMU_PRI_RESP_FAILURE         0u              /* CMD_PRI_RESP.Resp: ResponseFailure */
#define SMMU_PRI_RESP_INVALID         1u              /* InvalidRequest */
#define SMMU_PRI_RESP_SUCCESS         2u              /* Success */
#define SMMU_CMD_SYNC_CS_NONE         0u
#define SMMU_CMD_SYNC_CS_IRQ          1u
#define SMMU_CMD_SYNC_CS_SEV          2u
#define SMMU_CFGI_RANGE_ALL           31u

/* ---------------------------------------------------------------- Events (7.3) */

#define SMMU_EVT_F_UUT                0x01u
#define SMMU_EVT_C_BAD_STREAMID       0x02u
#define SMMU_EVT_F_STE_FETCH          0x03u
#define SMMU_EVT_C_BAD_STE            0x04u
#define SMMU_EVT_F_BAD_ATS_TREQ       0x05u
#define SMMU_EVT_F_STREAM_DISABLED    0x06u
#define SMMU_EVT_F_TRANSL_FORBIDDEN   0x07u
#define SMMU_EVT_C_BAD_SUBSTREAMID    0x08u
#define SMMU_EVT_F_CD_FETCH           0x09u
#define SMMU_EVT_C_BAD_CD             0x0Au
#define SMMU_EVT_F_WALK_EABT          0x0Bu
#define SMMU_EVT_F_TRANSLATION        0x10u
#define SMMU_EVT_F_ADDR_SIZE          0x11u
#define SMMU_EVT_F_ACCESS             0x12u
#define SMMU_EVT_F_PERMISSION         0x13u
#define SMMU_EVT_F_TLB_CONFLICT       0x20u
#define SMMU_EVT_F_CFG_CONFLICT       0x21u
#define SMMU_EVT_E_PAGE_REQUEST       0x24u
#define SMMU_EVT_F_VMS_FETCH          0x25u

#define SMMU_EVT0_EVENTID_SHIFT       0
#define SMMU_EVT0_EVENTID_MASK        0xFFull
#define SMMU_EVT0_SSV                 (1ull << 11)
#define SMMU_EVT0_SUBSTREAMID_SHIFT   12
#define SMMU_EVT0_SUBSTREAMID_MASK    (0xFFFFFull << 12)
#define SMMU_EVT0_STREAMID_SHIFT      32
#define SMMU_EVT0_STREAMID_MASK       (0xFFFFFFFFull << 32)
#define SMMU_EVT1_STAG_SHIFT          0
#define SMMU_EVT1_STAG_MASK           0xFFFFull
#define SMMU_EVT1_STALL               (1ull << 31)
#define SMMU_EVT1_PNU                 (1ull << 33)
#define SMMU_EVT1_IND                 (1ull << 34)
#define SMMU_EVT1_RNW                 (1ull << 35)
#define SMMU_EVT1_S2                  (1ull << 39)
#define SMMU_EVT1_CLASS_SHIFT         40
#define SMMU_EVT1_CLASS_MASK          (3ull << 40)
#define SMMU_EVT1_TTRNW               (1ull << 44)
/* Word 2 is InputAddr[63:0] for the translation-class faults. */
#define SMMU_EVT3_IPA_MASK            0x000FFFFFFFFFF000ull   /* IPA[51:12] of a stage-2 fault */
#define SMMU_EVT3_FETCHADDR_MASK      0x00FFFFFFFFFFFFF8ull   /* FetchAddr[55:3] of F_*_FETCH, F_WALK_EABT */
#define SMMU_EVT_CLASS_CD             0u
#define SMMU_EVT_CLASS_TT             1u
#define SMMU_EVT_CLASS_IN             2u

/* ---------------------------------------------------------------- Builders */

/* STE / CD words are written to memory as little-endian 64-bit values; a builder clears the whole entry first. */
static inline void smmu_entry_clear(uint64_t e[8])
{
    for (int i = 0; i < 8; i++) e[i] = 0;
}

/* Valid STE that aborts every transaction (Config = abort). */
static inline void smmu_ste_abort(uint64_t ste[8])
{
    smmu_entry_clear(ste);
    ste[0] = SMMU_STE0_V | SMMU_FIELD_PREP(SMMU_STE0_CONFIG, SMMU_STE_CONFIG_ABORT);
}

/* Valid STE that passes transactions through untranslated, with incoming shareability. */
static inline void smmu_ste_bypass(uint64_t ste[8])
{
    smmu_entry_clear(ste);
    ste[0] = SMMU_STE0_V | SMMU_FIELD_PREP(SMMU_STE0_CONFIG, SMMU_STE_CONFIG_BYPASS);
    ste[1] = SMMU_FIELD_PREP(SMMU_STE1_SHCFG, SMMU_SHCFG_INCOMING);
}

/* Stage-1 STE over a linear CD table of 2^s1cdmax CDs at cd_pa (s1cdmax 0: one CD, no SubstreamIDs);
 * transactions without a SubstreamID use CD 0 when s1cdmax > 0. CD fetches WBRA, inner shareable. */
static inline void smmu_ste_s1(uint64_t ste[8], uint64_t cd_pa, unsigned s1cdmax)
{
    smmu_entry_clear(ste);
    ste[0] = SMMU_STE0_V | SMMU_FIELD_PREP(SMMU_STE0_CONFIG, SMMU_STE_CONFIG_S1) |
             (cd_pa & SMMU_STE0_S1CONTEXTPTR_MASK) | SMMU_FIELD_PREP(SMMU_STE0_S1CDMAX, s1cdmax);
    ste[1] = SMMU_FIELD_PREP(SMMU_STE1_S1DSS, s1cdmax ? SMMU_STE_S1DSS_SSID0 : SMMU_STE_S1DSS_TERMINATE) |
             SMMU_FIELD_PREP(SMMU_STE1_S1CIR, SMMU_RGN_WBWA) | SMMU_FIELD_PREP(SMMU_STE1_S1COR, SMMU_RGN_WBWA) |
             SMMU_FIELD_PREP(SMMU_STE1_S1CSH, SMMU_SH_ISH) | SMMU_FIELD_PREP(SMMU_STE1_SHCFG, SMMU_SHCFG_INCOMING);
}

/* The STE.S2T0SZ..S2PS field group (word 2 [50:32]) for an AArch64 stage-2 table with a 4KB granule:
 * ias_bits of IPA (T0SZ = 64 - ias_bits), start level sl0 (S2SL0 encoding: 0 level 2, 1 level 1, 2 level 0),
 * WBWA inner shareable walks, output size `ps` (SMMU_PS_*). */
static inline uint64_t smmu_ste_vtcr_4k(unsigned ias_bits, unsigned s2sl0, unsigned ps)
{
    return SMMU_FIELD_PREP(SMMU_STE2_S2T0SZ, 64u - ias_bits) | SMMU_FIELD_PREP(SMMU_STE2_S2SL0, s2sl0) |
           SMMU_FIELD_PREP(SMMU_STE2_S2IR0, SMMU_RGN_WBWA) | SMMU_FIELD_PREP(SMMU_STE2_S2OR0, SMMU_RGN_WBWA) |
           SMMU_FIELD_PREP(SMMU_STE2_S2SH0, SMMU_SH_ISH) | SMMU_FIELD_PREP(SMMU_STE2_S2TG, SMMU_TG0_4K) |
           SMMU_FIELD_PREP(SMMU_STE2_S2PS, ps);
}

/* Stage-2 STE: VMID, the table at s2ttb, `vtcr` from smmu_ste_vtcr_4k(); faults recorded (S2R), AArch64. */
static inline void smmu_ste_s2(uint64_t ste[8], uint16_t vmid, uint64_t s2ttb, uint64_t vtcr)
{
    smmu_entry_clear(ste);
    ste[0] = SMMU_STE0_V | SMMU_FIELD_PREP(SMMU_STE0_CONFIG, SMMU_STE_CONFIG_S2);
    ste[1] = SMMU_FIELD_PREP(SMMU_STE1_SHCFG, SMMU_SHCFG_INCOMING);
    ste[2] = SMMU_FIELD_PREP(SMMU_STE2_S2VMID, vmid) | (vtcr & SMMU_STE2_VTCR_MASK) | SMMU_STE2_S2AA64 |
             SMMU_STE2_S2PTW | SMMU_STE2_S2R;
    ste[3] = s2ttb & SMMU_STE3_S2TTB_MASK;
}

/* Nested STE: stage 1 as smmu_ste_s1() with the CD table at the IPA cd_ipa, stage 2 as smmu_ste_s2(). */
static inline void smmu_ste_nested(uint64_t ste[8], uint64_t cd_ipa, unsigned s1cdmax, uint16_t vmid,
                                   uint64_t s2ttb, uint64_t vtcr)
{
    uint64_t s2[8];
    smmu_ste_s1(ste, cd_ipa, s1cdmax);
    smmu_ste_s2(s2, vmid, s2ttb, vtcr);
    ste[0] = (ste[0] & ~SMMU_STE0_CONFIG_MASK) | SMMU_FIELD_PREP(SMMU_STE0_CONFIG, SMMU_STE_CONFIG_NESTED);
    ste[2] = s2[2];
    ste[3] = s2[3];
}

/* Level-1 Stream Table Descriptor: an L2 array of 2^(span-1) STEs at l2_pa (span 0: invalid). */
static inline uint64_t smmu_l1std(uint64_t l2_pa, unsigned span)
{
    return (l2_pa & SMMU_L1STD_L2PTR_MASK) | SMMU_FIELD_PREP(SMMU_L1STD_SPAN, span);
}

/* Level-1 Context Descriptor: a valid pointer to an L2 CD table at l2_pa. */
static inline uint64_t smmu_l1cd(uint64_t l2_pa)
{
    return (l2_pa & SMMU_L1CD_L2PTR_MASK) | SMMU_L1CD_V;
}

/* Stage-1 AArch64 CD with a 4KB granule TTB0 (TTB1 disabled): va_bits of input address (T0SZ = 64 - va_bits),
 * output size `ips` (SMMU_PS_*), WBWA inner shareable walks, faults recorded (R) and terminated with an abort
 * (A), the ASID's TLB entries not shared with the PE's (ASET), `mair` as MAIR_ELx. */
static inline void smmu_cd_s1_4k(uint64_t cd[8], uint16_t asid, uint64_t ttb0, unsigned va_bits, unsigned ips,
                                 uint64_t mair)
{
    smmu_entry_clear(cd);
    cd[0] = SMMU_FIELD_PREP(SMMU_CD0_T0SZ, 64u - va_bits) | SMMU_FIELD_PREP(SMMU_CD0_TG0, SMMU_TG0_4K) |
            SMMU_FIELD_PREP(SMMU_CD0_IR0, SMMU_RGN_WBWA) | SMMU_FIELD_PREP(SMMU_CD0_OR0, SMMU_RGN_WBWA) |
            SMMU_FIELD_PREP(SMMU_CD0_SH0, SMMU_SH_ISH) | SMMU_CD0_EPD1 | SMMU_CD0_V |
            SMMU_FIELD_PREP(SMMU_CD0_IPS, ips) | SMMU_CD0_AA64 | SMMU_CD0_R | SMMU_CD0_A | SMMU_CD0_ASET |
            SMMU_FIELD_PREP(SMMU_CD0_ASID, asid);
    cd[1] = ttb0 & SMMU_CD1_TTB0_MASK;
    cd[3] = mair;
}

/* Commands: two 64-bit words, written to the queue little-endian. */
static inline void smmu_cmd_make(uint64_t cmd[2], unsigned opcode, uint64_t q0, uint64_t q1)
{
    cmd[0] = SMMU_FIELD_PREP(SMMU_CMD0_OPCODE, opcode) | q0;
    cmd[1] = q1;
}

static inline void smmu_cmd_prefetch_config(uint64_t cmd[2], uint32_t sid)
{
    smmu_cmd_make(cmd, SMMU_CMD_PREFETCH_CONFIG, SMMU_FIELD_PREP(SMMU_CMD0_SID, sid), 0);
}

static inline void smmu_cmd_cfgi_ste(uint64_t cmd[2], uint32_t sid, bool leaf)
{
    smmu_cmd_make(cmd, SMMU_CMD_CFGI_STE, SMMU_FIELD_PREP(SMMU_CMD0_SID, sid), leaf ? SMMU_CMD1_LEAF : 0);
}

/* 2^(range+1) StreamIDs aligned down from sid. */
static inline void smmu_cmd_cfgi_ste_range(uint64_t cmd[2], uint32_t sid, unsigned range)
{
    smmu_cmd_make(cmd, SMMU_CMD_CFGI_STE_RANGE, SMMU_FIELD_PREP(SMMU_CMD0_SID, sid),
                  SMMU_FIELD_PREP(SMMU_CMD1_RANGE, range));
}

/* CMD_CFGI_ALL: every STE and CD. */
static inline void smmu_cmd_cfgi_all(uint64_t cmd[2])
{
    smmu_cmd_cfgi_ste_range(cmd, 0, SMMU_CFGI_RANGE_ALL);
}

static inline void smmu_cmd_cfgi_cd(uint64_t cmd[2], uint32_t sid, uint32_t ssid, bool leaf)
{
    smmu_cmd_make(cmd, SMMU_CMD_CFGI_CD, SMMU_FIELD_PREP(SMMU_CMD0_SID, sid) | SMMU_FIELD_PREP(SMMU_CMD0_SSID, ssid),
                  leaf ? SMMU_CMD1_LEAF : 0);
}

static inline void smmu_cmd_cfgi_cd_all(uint64_t cmd[2], uint32_t sid)
{
    smmu_cmd_make(cmd, SMMU_CMD_CFGI_CD_ALL, SMMU_FIELD_PREP(SMMU_CMD0_SID, sid), 0);
}

static inline void smmu_cmd_tlbi_nh_all(uint64_t cmd[2], uint16_t vmid)
{
    smmu_cmd_make(cmd, SMMU_CMD_TLBI_NH_ALL, SMMU_FIELD_PREP(SMMU_CMD0_VMID, vmid), 0);
}

static inline void smmu_cmd_tlbi_nh_asid(uint64_t cmd[2], uint16_t vmid, uint16_t asid)
{
    smmu_cmd_make(cmd, SMMU_CMD_TLBI_NH_ASID,
                  SMMU_FIELD_PREP(SMMU_CMD0_VMID, vmid) | SMMU_FIELD_PREP(SMMU_CMD0_ASID, asid), 0);
}

/* One page (no range: NUM = SCALE = TG = TTL = 0) at va for (vmid, asid); leaf: only last-level entries. */
static inline void smmu_cmd_tlbi_nh_va(uint64_t cmd[2], uint16_t vmid, uint16_t asid, uint64_t va, bool leaf)
{
    smmu_cmd_make(cmd, SMMU_CMD_TLBI_NH_VA,
                  SMMU_FIELD_PREP(SMMU_CMD0_VMID, vmid) | SMMU_FIELD_PREP(SMMU_CMD0_ASID, asid),
                  (va & SMMU_CMD1_ADDR_MASK) | (leaf ? SMMU_CMD1_LEAF : 0));
}

/* As smmu_cmd_tlbi_nh_va() for every ASID of the VMID. */
static inline void smmu_cmd_tlbi_nh_vaa(uint64_t cmd[2], uint16_t vmid, uint64_t va, bool leaf)
{
    smmu_cmd_make(cmd, SMMU_CMD_TLBI_NH_VAA, SMMU_FIELD_PREP(SMMU_CMD0_VMID, vmid),
                  (va & SMMU_CMD1_ADDR_MASK) | (leaf ? SMMU_CMD1_LEAF : 0));
}

static inline void smmu_cmd_tlbi_el2_all(uint64_t cmd[2])
{
    smmu_cmd_make(cmd, SMMU_CMD_TLBI_EL2_ALL, 0, 0);
}

static inline void smmu_cmd_tlbi_el2_asid(uint64_t cmd[2], uint16_t asid)
{
    smmu_cmd_make(cmd, SMMU_CMD_TLBI_EL2_ASID, SMMU_FIELD_PREP(SMMU_CMD0_ASID, asid), 0);
}

static inline void smmu_cmd_tlbi_el2_va(uint64_t cmd[2], uint16_t asid, uint64_t va, bool leaf)
{
    smmu_cmd_make(cmd, SMMU_CMD_TLBI_EL2_VA, SMMU_FIELD_PREP(SMMU_CMD0_ASID, asid),
                  (va & SMMU_CMD1_ADDR_MASK) | (leaf ? SMMU_CMD1_LEAF : 0));
}

static inline void smmu_cmd_tlbi_s12_vmall(uint64_t cmd[2], uint16_t vmid)
{
    smmu_cmd_make(cmd, SMMU_CMD_TLBI_S12_VMALL, SMMU_FIELD_PREP(SMMU_CMD0_VMID, vmid), 0);
}

static inline void smmu_cmd_tlbi_s2_ipa(uint64_t cmd[2], uint16_t vmid, uint64_t ipa, bool leaf)
{
    smmu_cmd_make(cmd, SMMU_CMD_TLBI_S2_IPA, SMMU_FIELD_PREP(SMMU_CMD0_VMID, vmid),
                  (ipa & SMMU_CMD1_IPA_MASK) | (leaf ? SMMU_CMD1_LEAF : 0));
}

static inline void smmu_cmd_tlbi_nsnh_all(uint64_t cmd[2])
{
    smmu_cmd_make(cmd, SMMU_CMD_TLBI_NSNH_ALL, 0, 0);
}

/* CMD_SYNC: cs = SMMU_CMD_SYNC_CS_*; with CS = IRQ and msi_addr != 0 the SMMU writes msi_data there
 * (inner shareable, Normal write-back: MSH = ISH, MSIAttr = 0xF, as Linux). */
static inline void smmu_cmd_sync(uint64_t cmd[2], unsigned cs, uint64_t msi_addr, uint32_t msi_data)
{
    smmu_cmd_make(cmd, SMMU_CMD_SYNC,
                  SMMU_FIELD_PREP(SMMU_CMD0_SYNC_CS, cs) | SMMU_FIELD_PREP(SMMU_CMD0_SYNC_MSH, SMMU_SH_ISH) |
                  SMMU_FIELD_PREP(SMMU_CMD0_SYNC_MSIATTR, 0xFu) | SMMU_FIELD_PREP(SMMU_CMD0_SYNC_MSIDATA, msi_data),
                  msi_addr & SMMU_CMD1_SYNC_MSIADDR_MASK);
}

/* CMD_RESUME of a stalled transaction: retry, or terminate with an abort (abort = true) or RAZ/WI. */
static inline void smmu_cmd_resume(uint64_t cmd[2], uint32_t sid, uint16_t stag, bool retry, bool abort)
{
    smmu_cmd_make(cmd, SMMU_CMD_RESUME,
                  SMMU_FIELD_PREP(SMMU_CMD0_SID, sid) | (retry ? SMMU_CMD0_RESUME_AC : 0) |
                  (!retry && abort ? SMMU_CMD0_RESUME_AB : 0),
                  SMMU_FIELD_PREP(SMMU_CMD1_STAG, stag));
}

static inline void smmu_cmd_stall_term(uint64_t cmd[2], uint32_t sid)
{
    smmu_cmd_make(cmd, SMMU_CMD_STALL_TERM, SMMU_FIELD_PREP(SMMU_CMD0_SID, sid), 0);
}

/* CMD_PRI_RESP (4.5.2): Resp is SMMU_PRI_RESP_FAILURE/INVALID/SUCCESS; the PASID is sent when ssv. */
static inline void smmu_cmd_pri_resp(uint64_t cmd[2], uint32_t sid, uint32_t ssid, bool ssv, uint16_t prgi, unsigned resp)
{
    smmu_cmd_make(cmd, SMMU_CMD_PRI_RESP,
                  SMMU_FIELD_PREP(SMMU_CMD0_SID, sid) | SMMU_FIELD_PREP(SMMU_CMD0_SSID, ssid) | (ssv ? SMMU_CMD0_SSV : 0),
                  SMMU_FIELD_PREP(SMMU_CMD1_PRI_PRGI, prgi) | SMMU_FIELD_PREP(SMMU_CMD1_PRI_RESP, resp));
}

#ifdef __cplusplus
}
#endif
#endif
