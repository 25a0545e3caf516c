/* SPDX-License-Identifier: BSD-3-Clause */
/* State of Performance Monitor Counter Group 0 (IHI 0070 chapter 10). Private to smmu_core. */
#ifndef SMMU_CORE_PMCG_H
#define SMMU_CORE_PMCG_H

#include <stdbool.h>
#include <stdint.h>

#define SMMU_PMCG_MAX_COUNTERS 64

/* The architected events (10.3). */
enum smmu_pmcg_event {
    PMCG_EV_CYCLES = 0,          /* clock cycle: smmu_pmcg_advance(); not filtered by StreamID */
    PMCG_EV_TXN = 1,             /* transaction or translation request (ATS Translation Requests included) */
    PMCG_EV_TLB_MISS = 2,        /* the translation needed a table walk */
    PMCG_EV_CFG_MISS = 3,        /* the translation needed an STE or CD fetch */
    PMCG_EV_WALK_ACCESS = 4,     /* descriptor reads and HTTU writes of the table walker */
    PMCG_EV_CFG_ACCESS = 5,      /* reads of the configuration fetch (STE, CD, L1 descriptors) */
    PMCG_EV_ATS_TREQ = 6,        /* PCIe ATS Translation Request received */
    PMCG_EV_ATS_TRANSLATED = 7   /* PCIe ATS Translated transaction passed through */
};

/* The zero-initialised state is the reset state: CR.E and IRQ_CTRL reset to 0, the UNKNOWN fields are 0. */
typedef struct smmu_pmcg {
    uint32_t live;               /* bit e: an enabled counter counts event e (CR.E, CNTEN, EVTYPER); 0 = hooks idle */
    uint32_t cr, irq_ctrl, irq_status;
    uint64_t cnten, inten, ovs;
    uint64_t irq_addr;           /* IRQ_CFG0.ADDR[55:2] */
    uint32_t irq_data, irq_attr; /* IRQ_CFG1, IRQ_CFG2 */
    uint64_t cnt[SMMU_PMCG_MAX_COUNTERS], svr[SMMU_PMCG_MAX_COUNTERS];
    uint32_t evtyper[SMMU_PMCG_MAX_COUNTERS], smr[SMMU_PMCG_MAX_COUNTERS];
} smmu_pmcg_t;

#endif
