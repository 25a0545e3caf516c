/* SPDX-License-Identifier: BSD-3-Clause */
/* The SMMUv3 C core embedded in a plain C program: a driver brings the SMMU up the way Linux's arm-smmu-v3 does,
 * maps pages with a 4KB stage-1 table, runs DMA through the SMMU, unmaps a page, invalidates the TLB, provokes an
 * F_TRANSLATION and reads the event back. docs/programming.md walks through it step by step ("step:" markers).
 * Only the public API is used: <smmu/smmu.h> and <smmu/regs.h>. Exit status 0 when every check passed. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <smmu/regs.h>
#include <smmu/smmu.h>

/* ---- The platform: 16 MiB of memory at PA 0 and the SMMU's view of it. */
#define MEM_SIZE  (16u << 20)
#define STRTAB    0x00100000ull       /* 256 STEs: 16 KiB */
#define CMDQ      0x00110000ull       /* 256 commands: 4 KiB */
#define EVTQ      0x00120000ull       /* 128 events: 4 KiB */
#define CDTAB     0x00130000ull       /* one CD */
#define PGTABLES  0x00200000ull       /* stage-1 translation tables, 4 KiB each */
#define DMA_BUF   0x00800000ull       /* the pages the device reads and writes */

#define SID       5u                  /* the device's StreamID */
#define ASID      1u
#define IOVA      0x40000000ull       /* the device's DMA address */
#define NPAGES    4u

static uint8_t mem[MEM_SIZE];
static unsigned evtq_irqs, gerror_irqs;
static int failures;

static int mem_read(void *ctx, uint64_t pa, void *dst, size_t len)
{
    (void)ctx;
    if (pa >= MEM_SIZE || len > MEM_SIZE - pa) return -1;   /* an external abort */
    memcpy(dst, mem + pa, len);
    return 0;
}

static int mem_write(void *ctx, uint64_t pa, const void *src, size_t len)
{
    (void)ctx;
    if (pa >= MEM_SIZE || len > MEM_SIZE - pa) return -1;
    memcpy(mem + pa, src, len);
    return 0;
}

static void irq(void *ctx, smmu_irq_t line, bool level)
{
    (void)ctx;
    if (!level) return;
    if (line == SMMU_IRQ_EVTQ) evtq_irqs++;
    if (line == SMMU_IRQ_GERROR) gerror_irqs++;
}

/* SMMU tables and queues are little-endian whatever the host. */
static void w64(uint64_t pa, uint64_t v) { for (int i = 0; i < 8; i++) mem[pa + i] = (uint8_t)(v >> (8 * i)); }
static uint64_t r64(uint64_t pa)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = v << 8 | mem[pa + i];
    return v;
}

static void check(int ok, const char *what)
{
    printf("%s: %s\n", ok ? "ok" : "FAIL", what);
    if (!ok) failures++;
}

/* ---- The driver. */
static smmu_t *smmu;
static unsigned cmdq_log2 = 8, evtq_log2 = 7, sid_bits = 8;
static uint32_t cmdq_prod, evtq_cons;
static uint64_t next_table = PGTABLES;

static uint32_t rd(uint32_t off) { return (uint32_t)smmu_reg_read(smmu, off, 4); }
static void wr(uint32_t off, uint32_t v) { smmu_reg_write(smmu, off, v, 4); }
static void wr64(uint32_t off, uint64_t v) { smmu_reg_write(smmu, off, v, 8); }

/* Write a register and poll its acknowledge register until it follows (CR0/CR0ACK, IRQ_CTRL/IRQ_CTRLACK). */
static int write_sync(uint32_t reg, uint32_t ack, uint32_t v)
{
    wr(reg, v);
    for (int i = 0; i < 1000; i++)
        if (rd(ack) == v) return 0;
    fprintf(stderr, "timeout waiting for 0x%x to acknowledge 0x%x\n", (unsigned)ack, (unsigned)v);
    return -1;
}

/* step: probe -- read the ID registers and check what this driver needs. */
static int probe(void)
{
    uint32_t idr0 = rd(SMMU_IDR0), idr1 = rd(SMMU_IDR1), idr5 = rd(SMMU_IDR5);
    static const unsigned oas_bits[] = {32, 36, 40, 42, 44, 48, 52};
    if (!(idr0 & SMMU_IDR0_S1P)) { fprintf(stderr, "no stage 1\n"); return -1; }
    if (!(idr5 & SMMU_IDR5_GRAN4K)) { fprintf(stderr, "no 4KB granule\n"); return -1; }
    if (idr1 & (SMMU_IDR1_TABLES_PRESET | SMMU_IDR1_QUEUES_PRESET | SMMU_IDR1_REL)) return -1;
    if (SMMU_FIELD_GET(idr1, SMMU_IDR1_CMDQS) < cmdq_log2) cmdq_log2 = (unsigned)SMMU_FIELD_GET(idr1, SMMU_IDR1_CMDQS);
    if (SMMU_FIELD_GET(idr1, SMMU_IDR1_EVENTQS) < evtq_log2) evtq_log2 = (unsigned)SMMU_FIELD_GET(idr1, SMMU_IDR1_EVENTQS);
    if (SMMU_FIELD_GET(idr1, SMMU_IDR1_SIDSIZE) < sid_bits) sid_bits = (unsigned)SMMU_FIELD_GET(idr1, SMMU_IDR1_SIDSIZE);
    unsigned oas = (unsigned)SMMU_FIELD_GET(idr5, SMMU_IDR5_OAS);
    printf("probe: IDR0 0x%08x IDR1 0x%08x IDR5 0x%08x: S1P, %u-bit StreamIDs, OAS %u bits, cmdq 2^%u, evtq 2^%u\n",
           (unsigned)idr0, (unsigned)idr1, (unsigned)idr5, (unsigned)SMMU_FIELD_GET(idr1, SMMU_IDR1_SIDSIZE),
           oas < 7 ? oas_bits[oas] : 0, cmdq_log2, evtq_log2);
    return 0;
}

/* step: submit -- commands go in at the shadow PROD; publishing PROD hands them to the SMMU. */
static void submit(const uint64_t cmd[2])
{
    uint32_t mask = (1u << cmdq_log2) - 1, wrap_mask = (2u << cmdq_log2) - 1;
    uint64_t slot = CMDQ + SMMU_CMDQ_ENT_BYTES * (cmdq_prod & mask);
    w64(slot, cmd[0]);
    w64(slot + 8, cmd[1]);
    cmdq_prod = (cmdq_prod + 1) & wrap_mask;
    wr(SMMU_CMDQ_PROD, cmdq_prod);
}

/* step: sync -- CMD_SYNC, then poll CMDQ_CONS until it has passed the SYNC; a command error shows in GERROR. */
static int sync(void)
{
    uint64_t cmd[2];
    smmu_cmd_sync(cmd, SMMU_CMD_SYNC_CS_NONE, 0, 0);
    submit(cmd);
    uint32_t wrap_mask = (2u << cmdq_log2) - 1;
    for (int i = 0; i < 1000; i++) {
        if ((rd(SMMU_GERROR) ^ rd(SMMU_GERRORN)) & SMMU_GERROR_CMDQ_ERR) {
            fprintf(stderr, "CMDQ error: CONS 0x%08x ERR %u\n", (unsigned)rd(SMMU_CMDQ_CONS),
                    (unsigned)SMMU_FIELD_GET(rd(SMMU_CMDQ_CONS), SMMU_CMDQ_CONS_ERR));
            return -1;
        }
        if ((rd(SMMU_CMDQ_CONS) & wrap_mask) == cmdq_prod) return 0;
    }
    fprintf(stderr, "CMD_SYNC timeout\n");
    return -1;
}

static int issue_with_sync(const uint64_t cmd[2])
{
    submit(cmd);
    return sync();
}

/* step: reset -- stream table and queues, invalidate everything, enable (as arm_smmu_device_reset). */
static int reset(void)
{
    uint64_t cmd[2], ste[8];
    /* Every StreamID aborts until a device is attached. */
    for (uint32_t sid = 0; sid < (1u << sid_bits); sid++) {
        smmu_ste_abort(ste);
        for (int i = 0; i < 8; i++) w64(STRTAB + SMMU_STE_BYTES * sid + 8 * i, ste[i]);
    }
    if (write_sync(SMMU_CR0, SMMU_CR0ACK, 0)) return -1;
    wr(SMMU_CR1, (uint32_t)(SMMU_FIELD_PREP(SMMU_CR1_QUEUE_IC, SMMU_CACHE_WB) |
                            SMMU_FIELD_PREP(SMMU_CR1_QUEUE_OC, SMMU_CACHE_WB) |
                            SMMU_FIELD_PREP(SMMU_CR1_QUEUE_SH, SMMU_SH_ISH) |
                            SMMU_FIELD_PREP(SMMU_CR1_TABLE_IC, SMMU_CACHE_WB) |
                            SMMU_FIELD_PREP(SMMU_CR1_TABLE_OC, SMMU_CACHE_WB) |
                            SMMU_FIELD_PREP(SMMU_CR1_TABLE_SH, SMMU_SH_ISH)));
    wr(SMMU_CR2, SMMU_CR2_PTM | SMMU_CR2_RECINVSID);
    wr64(SMMU_STRTAB_BASE, (STRTAB & SMMU_STRTAB_BASE_ADDR_MASK) | SMMU_STRTAB_BASE_RA);
    wr(SMMU_STRTAB_BASE_CFG, (uint32_t)(SMMU_FIELD_PREP(SMMU_STRTAB_BASE_CFG_FMT, SMMU_STRTAB_FMT_LINEAR) |
                                        SMMU_FIELD_PREP(SMMU_STRTAB_BASE_CFG_LOG2SIZE, sid_bits)));
    wr64(SMMU_CMDQ_BASE, SMMU_CMDQ_BASE_RA | (CMDQ & SMMU_Q_BASE_ADDR_MASK) | cmdq_log2);
    wr(SMMU_CMDQ_PROD, 0);
    wr(SMMU_CMDQ_CONS, 0);
    cmdq_prod = 0;
    if (write_sync(SMMU_CR0, SMMU_CR0ACK, SMMU_CR0_CMDQEN)) return -1;
    smmu_cmd_cfgi_all(cmd);
    if (issue_with_sync(cmd)) return -1;
    smmu_cmd_tlbi_nsnh_all(cmd);
    if (issue_with_sync(cmd)) return -1;
    wr64(SMMU_EVENTQ_BASE, SMMU_EVENTQ_BASE_WA | (EVTQ & SMMU_Q_BASE_ADDR_MASK) | evtq_log2);
    wr(SMMU_EVENTQ_PROD, 0);
    wr(SMMU_EVENTQ_CONS, 0);
    evtq_cons = 0;
    if (write_sync(SMMU_CR0, SMMU_CR0ACK, SMMU_CR0_CMDQEN | SMMU_CR0_EVENTQEN)) return -1;
    if (write_sync(SMMU_IRQ_CTRL, SMMU_IRQ_CTRLACK, 0)) return -1;
    if (write_sync(SMMU_IRQ_CTRL, SMMU_IRQ_CTRLACK, SMMU_IRQ_CTRL_EVENTQ_IRQEN | SMMU_IRQ_CTRL_GERROR_IRQEN)) return -1;
    if (write_sync(SMMU_CR0, SMMU_CR0ACK, SMMU_CR0_CMDQEN | SMMU_CR0_EVENTQEN | SMMU_CR0_SMMUEN)) return -1;
    printf("reset: CR0ACK 0x%x\n", (unsigned)rd(SMMU_CR0ACK));
    return 0;
}

/* step: map -- a 4KB-granule, 48-bit stage-1 table (levels 0..3), tables allocated on demand. Page descriptor:
 * valid page, AttrIndx 1 (MAIR byte 1 = Normal WB), AP[2:1] = EL0 read/write, inner shareable, AF, nG. */
#define PTE_VALID_PAGE  3ull
#define PTE_TABLE       3ull
#define PTE_ATTRINDX(i) ((uint64_t)(i) << 2)
#define PTE_AP_EL0_RW   (1ull << 6)
#define PTE_SH_ISH      (3ull << 8)
#define PTE_AF          (1ull << 10)
#define PTE_NG          (1ull << 11)
#define PTE_ADDR_MASK   0x0000FFFFFFFFF000ull
#define MAIR            0xF404FF44ull     /* attribute 0 Normal NC, 1 Normal WB, 2 Device-nGnRE (as Linux) */

static uint64_t pte_slot(uint64_t ttb, uint64_t iova)
{
    uint64_t table = ttb;
    for (unsigned level = 0; level < 3; level++) {
        uint64_t at = table + ((iova >> (39 - 9 * level)) & 0x1FF) * 8, d = r64(at);
        if (!(d & 1)) {
            d = next_table | PTE_TABLE;
            next_table += 0x1000;
            w64(at, d);
        }
        table = d & PTE_ADDR_MASK;
    }
    return table + ((iova >> 12) & 0x1FF) * 8;
}

static void map_page(uint64_t ttb, uint64_t iova, uint64_t pa)
{
    w64(pte_slot(ttb, iova), (pa & PTE_ADDR_MASK) | PTE_VALID_PAGE | PTE_ATTRINDX(1) | PTE_AP_EL0_RW |
                             PTE_SH_ISH | PTE_AF | PTE_NG);
}

/* step: attach -- the CD (ASID, TTB0, MAIR) and then the STE pointing at it; CFGI_CD + CFGI_STE + SYNC. */
static int attach(uint32_t sid, uint64_t ttb)
{
    uint64_t cd[8], ste[8], cmd[2];
    smmu_cd_s1_4k(cd, ASID, ttb, 48, SMMU_PS_48BIT, MAIR);
    for (int i = 0; i < 8; i++) w64(CDTAB + 8 * i, cd[i]);
    smmu_ste_s1(ste, CDTAB, 0);
    /* The STE is valid (word 0) only once the rest is in place: write words 1..7 first. */
    for (int i = 7; i >= 0; i--) w64(STRTAB + SMMU_STE_BYTES * sid + 8 * i, ste[i]);
    smmu_cmd_cfgi_cd(cmd, sid, 0, true);
    submit(cmd);
    smmu_cmd_cfgi_ste(cmd, sid, true);
    return issue_with_sync(cmd);
}

/* step: dma -- the device's transactions through the SMMU, then the access at the output address. */
static smmu_status_t dma(uint32_t sid, uint64_t iova, bool write, void *buf, size_t len, uint64_t *pa_out)
{
    smmu_txn_t t = {.sid = sid, .addr = iova, .write = write};
    smmu_result_t r;
    smmu_status_t st = smmu_translate(smmu, &t, &r);
    if (st != SMMU_OK) return st;
    if (pa_out) *pa_out = r.pa;
    int err = write ? mem_write(NULL, r.pa, buf, len) : mem_read(NULL, r.pa, buf, len);
    return err ? SMMU_ABORT : SMMU_OK;
}

/* step: unmap -- clear the PTE, then TLBI_NH_VA (leaf) + SYNC so no TLB keeps the old translation. */
static int unmap_page(uint64_t ttb, uint64_t iova)
{
    uint64_t cmd[2];
    w64(pte_slot(ttb, iova), 0);
    smmu_cmd_tlbi_nh_va(cmd, 0, ASID, iova, true);
    return issue_with_sync(cmd);
}

/* step: events -- records between the driver's CONS and the SMMU's PROD; the new CONS acknowledges them. */
static int read_events(uint64_t rec[][4], int max)
{
    uint32_t mask = (1u << evtq_log2) - 1, wrap_mask = (2u << evtq_log2) - 1;
    uint32_t prod = rd(SMMU_EVENTQ_PROD);
    if (prod & SMMU_EVENTQ_PROD_OVFLG) printf("events: queue overflowed, records lost\n");
    int n = 0;
    while ((evtq_cons & wrap_mask) != (prod & wrap_mask) && n < max) {
        uint64_t slot = EVTQ + SMMU_EVENTQ_ENT_BYTES * (evtq_cons & mask);
        for (int i = 0; i < 4; i++) rec[n][i] = r64(slot + 8 * i);
        n++;
        evtq_cons = (evtq_cons + 1) & wrap_mask;
    }
    wr(SMMU_EVENTQ_CONS, evtq_cons | (prod & SMMU_EVENTQ_PROD_OVFLG));   /* OVACKFLG follows OVFLG */
    return n;
}

/* step: gerror -- global errors are active while GERROR and GERRORN differ; writing GERRORN acknowledges them. */
static uint32_t service_gerror(void)
{
    uint32_t g = rd(SMMU_GERROR), active = g ^ rd(SMMU_GERRORN);
    if (active) wr(SMMU_GERRORN, g);
    return active;
}

int main(void)
{
    smmu_config_t cfg;
    smmu_config_default(&cfg);
    smmu_host_t host = {.ctx = NULL, .mem_read = mem_read, .mem_write = mem_write, .irq = irq};
    char err[256];
    smmu = smmu_create(&cfg, &host, err, sizeof err);
    if (!smmu) { fprintf(stderr, "smmu_create: %s\n", err); return 1; }

    if (probe() || reset()) { smmu_destroy(smmu); return 1; }

    uint64_t ttb = next_table;
    next_table += 0x1000;
    for (unsigned i = 0; i < NPAGES; i++) map_page(ttb, IOVA + 0x1000ull * i, DMA_BUF + 0x3000ull * i);
    check(attach(SID, ttb) == 0, "STE and CD installed");

    /* The device writes a pattern into every page and reads it back. */
    for (unsigned i = 0; i < NPAGES; i++) {
        uint64_t iova = IOVA + 0x1000ull * i + 0x80, pa = 0;
        uint32_t out = 0xC0DE0000u + i, in = 0;
        smmu_status_t st = dma(SID, iova, true, &out, sizeof out, &pa);
        printf("dma: write iova 0x%" PRIx64 " -> pa 0x%" PRIx64 "\n", iova, pa);
        check(st == SMMU_OK && pa == DMA_BUF + 0x3000ull * i + 0x80, "DMA write translated to the mapped page");
        check(dma(SID, iova, false, &in, sizeof in, NULL) == SMMU_OK && in == out, "DMA read returns the data");
    }

    /* Unmap page 1: the next access to it faults with F_TRANSLATION, recorded in the event queue. */
    check(unmap_page(ttb, IOVA + 0x1000) == 0, "page unmapped, TLB invalidated");
    uint32_t word = 0;
    smmu_status_t st = dma(SID, IOVA + 0x1010, false, &word, sizeof word, NULL);
    check(st == SMMU_ABORT, "DMA to the unmapped page aborts");

    uint64_t rec[8][4];
    int n = read_events(rec, 8);
    check(n == 1, "one event recorded");
    check(evtq_irqs >= 1, "event queue interrupt raised");
    if (n >= 1) {
        unsigned id = (unsigned)SMMU_FIELD_GET(rec[0][0], SMMU_EVT0_EVENTID);
        uint32_t sid = (uint32_t)SMMU_FIELD_GET(rec[0][0], SMMU_EVT0_STREAMID);
        bool rnw = (rec[0][1] & SMMU_EVT1_RNW) != 0;
        unsigned cls = (unsigned)SMMU_FIELD_GET(rec[0][1], SMMU_EVT1_CLASS);
        printf("event: id 0x%02x%s sid %u input 0x%" PRIx64 " RnW %d CLASS %u S2 %d\n", id,
               id == SMMU_EVT_F_TRANSLATION ? " (F_TRANSLATION)" : "", (unsigned)sid, rec[0][2], (int)rnw, cls,
               (rec[0][1] & SMMU_EVT1_S2) != 0);
        check(id == SMMU_EVT_F_TRANSLATION && sid == SID && rec[0][2] == IOVA + 0x1010 && rnw &&
              cls == SMMU_EVT_CLASS_IN && !(rec[0][1] & SMMU_EVT1_S2), "event is F_TRANSLATION with the DMA's fields");
    }

    /* The other pages still translate. */
    check(dma(SID, IOVA + 0x2080, false, &word, sizeof word, NULL) == SMMU_OK && word == 0xC0DE0002u,
          "other pages unaffected");

    uint32_t gerr = service_gerror();
    printf("gerror: active 0x%x, interrupts %u\n", (unsigned)gerr, gerror_irqs);
    check(gerr == 0, "no global error");

    smmu_destroy(smmu);
    printf("%s\n", failures ? "embed_c: FAILED" : "embed_c: all checks passed");
    return failures ? 1 : 0;
}
