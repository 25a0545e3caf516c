/* SPDX-License-Identifier: BSD-3-Clause */
/* A small demo: a Linux-style driver brings up the SMMUv3 core, installs bypass, abort, stage-1 and broken
 * streams, runs DMA transactions through them and prints the results, the event queue and statistics. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <smmu/smmu.h>

#define MEM_SIZE   (64u << 20)          /* simulated DRAM at PA 0 */
#define STRTAB     0x00100000ull
#define CMDQ       0x00110000ull
#define EVTQ       0x00120000ull
#define CDTAB      0x00130000ull
#define PGTABLES   0x00200000ull
#define DMA_BUF    0x02000000ull
#define DMA_VA     0x0000007F00000000ull

static uint8_t *mem;
static uint64_t next_table = PGTABLES;
static unsigned long mem_reads, mem_writes;

static int mem_read(void *ctx, uint64_t pa, void *dst, size_t len)
{
    (void)ctx;
    if (pa >= MEM_SIZE || len > MEM_SIZE - pa) return -1;
    memcpy(dst, mem + pa, len);
    mem_reads++;
    return 0;
}

static int mem_write(void *ctx, uint64_t pa, const void *src, size_t len)
{
    (void)ctx;
    if (pa >= MEM_SIZE || len > MEM_SIZE - pa) return -1;
    memcpy(mem + pa, src, len);
    mem_writes++;
    return 0;
}

static void irq(void *ctx, smmu_irq_t line, bool level)
{
    (void)ctx;
    static const char *names[] = {"eventq", "priq", "cmdq-sync", "gerror"};
    if (level) printf("    irq: %s\n", names[line]);
}

static uint64_t rd64(uint64_t pa) { uint64_t v; memcpy(&v, mem + pa, 8); return v; }
static void wr64(uint64_t pa, uint64_t v) { memcpy(mem + pa, &v, 8); }

static smmu_t *smmu;
static uint32_t cmd_prod, evt_cons;
enum { CMDQ_LOG2 = 8, EVTQ_LOG2 = 7, STRTAB_LOG2 = 8 };

static void w32(uint64_t off, uint32_t v) { smmu_reg_write(smmu, off, v, 4); }
static void w64(uint64_t off, uint64_t v) { smmu_reg_write(smmu, off, v, 8); }
static uint32_t r32(uint64_t off) { return (uint32_t)smmu_reg_read(smmu, off, 4); }

static void enable(uint32_t cr0)
{
    w32(0x20, cr0);
    printf("  CR0 = 0x%02x, CR0ACK = 0x%02x\n", cr0, r32(0x24));
}

static void cmd(uint64_t q0, uint64_t q1)
{
    uint32_t idx = cmd_prod & ((1u << CMDQ_LOG2) - 1);
    wr64(CMDQ + idx * 16, q0);
    wr64(CMDQ + idx * 16 + 8, q1);
    cmd_prod = (cmd_prod + 1) & ((2u << CMDQ_LOG2) - 1);
}

static void sync_and_check(const char *what)
{
    cmd(0x46 | 2u << 12 | 3u << 22 | 0xFu << 24, 0);     /* CMD_SYNC, CS = SEV */
    w32(0x98, cmd_prod);
    uint32_t cons = r32(0x9C);
    printf("  %-28s CMDQ_PROD 0x%05x CONS 0x%08x%s\n", what, cmd_prod, cons,
           (cons & 0x7F000000u) ? "  (error)" : "");
}

static void ste(uint32_t sid, const uint64_t q[4])
{
    for (int i = 0; i < 8; i++) wr64(STRTAB + sid * 64ull + i * 8, i < 4 ? q[i] : 0);
    cmd(0x03 | (uint64_t)sid << 32, 1);                   /* CMD_CFGI_STE, Leaf */
}

static uint64_t alloc_table(void)
{
    uint64_t t = next_table;
    next_table += 0x1000;
    memset(mem + t, 0, 0x1000);
    return t;
}

/* io-pgtable-arm style 4K-granule, 4-level stage-1 mapping of one page. */
static void map_page(uint64_t ttb, uint64_t va, uint64_t pa, bool writable)
{
    uint64_t table = ttb;
    for (int level = 0; level < 3; level++) {
        uint64_t idx = (va >> (39 - 9 * level)) & 0x1FF;
        uint64_t d = rd64(table + idx * 8);
        if (!(d & 1)) {
            d = alloc_table() | 3;
            wr64(table + idx * 8, d);
        }
        table = d & 0x0000FFFFFFFFF000ull;
    }
    uint64_t page = pa | 3 | 1u << 10 | 3u << 8 | 1u << 6 | (writable ? 0 : 1u << 7) | 1ull << 11 | 1ull << 2;
    wr64(table + ((va >> 12) & 0x1FF) * 8, page);
}

static const char *event_name(unsigned id)
{
    switch (id) {
    case 0x02: return "C_BAD_STREAMID";  case 0x03: return "F_STE_FETCH";    case 0x04: return "C_BAD_STE";
    case 0x06: return "F_STREAM_DISABLED"; case 0x08: return "C_BAD_SUBSTREAMID"; case 0x09: return "F_CD_FETCH";
    case 0x0A: return "C_BAD_CD";        case 0x0B: return "F_WALK_EABT";    case 0x10: return "F_TRANSLATION";
    case 0x11: return "F_ADDR_SIZE";     case 0x12: return "F_ACCESS";       case 0x13: return "F_PERMISSION";
    default: return "UNKNOWN";
    }
}

static const char *status_name(smmu_status_t s)
{
    return s == SMMU_OK ? "OK" : s == SMMU_ABORT ? "ABORT" : s == SMMU_RAZWI ? "RAZ/WI" : "STALL";
}

static void dma(const char *what, uint32_t sid, uint64_t addr, bool write)
{
    smmu_txn_t t = { .sid = sid, .addr = addr, .write = write };
    smmu_result_t r;
    smmu_translate(smmu, &t, &r);
    printf("  %-30s sid %-3u %s 0x%012" PRIx64 " -> %-6s", what, sid, write ? "W" : "R", addr, status_name(r.status));
    if (r.status == SMMU_OK) printf(" pa 0x%012" PRIx64, r.pa);
    else printf("%18s", "");
    printf("  %3u cycles, %u reads%s%s\n", r.cycles, r.mem_reads, r.event ? ", event " : "",
           r.event ? event_name(r.event) : "");
}

static void drain_events(void)
{
    uint32_t mask = (2u << EVTQ_LOG2) - 1;
    uint32_t prod = r32(0x100A8);
    unsigned n = 0;
    while ((evt_cons & mask) != (prod & mask)) {
        uint64_t rec = EVTQ + (evt_cons & ((1u << EVTQ_LOG2) - 1)) * 32ull;
        uint64_t q0 = rd64(rec), q1 = rd64(rec + 8), q2 = rd64(rec + 16), q3 = rd64(rec + 24);
        printf("  event 0x%02x %-18s sid 0x%x ssid 0x%x iova 0x%" PRIx64 " ipa/fetch 0x%" PRIx64 " %s %s %s\n",
               (unsigned)(q0 & 0xFF), event_name(q0 & 0xFF), (unsigned)(q0 >> 32),
               (q0 >> 11) & 1 ? (unsigned)((q0 >> 12) & 0xFFFFF) : 0, q2, (uint64_t)(q3 & 0x000FFFFFFFFFFFF8ull),
               (q1 >> 33) & 1 ? "priv" : "unpriv", (q1 >> 35) & 1 ? "read" : "write", (q1 >> 39) & 1 ? "s2" : "s1");
        evt_cons = (evt_cons + 1) & mask;
        n++;
    }
    w32(0x100AC, evt_cons);
    if (!n) printf("  (no events)\n");
}

static void print_cache(const char *name, smmu_struct_id_t id)
{
    smmu_cache_stats_t st;
    if (!smmu_cache_stats(smmu, id, -1, -1, &st)) return;
    printf("  %-14s lookups %6" PRIu64 "  hits %6" PRIu64 "  misses %6" PRIu64 "  fills %6" PRIu64 "  hit rate %5.1f%%\n",
           name, st.lookups, st.hits, st.misses, st.fills, st.lookups ? 100.0 * st.hits / st.lookups : 0.0);
}

int main(void)
{
    mem = calloc(1, MEM_SIZE);
    if (!mem) return 1;
    smmu_config_t cfg;
    smmu_config_default(&cfg);
    smmu_host_t host = { .ctx = NULL, .mem_read = mem_read, .mem_write = mem_write, .irq = irq };
    char err[256];
    smmu = smmu_create(&cfg, &host, err, sizeof err);
    if (!smmu) { fprintf(stderr, "smmu_create: %s\n", err); return 1; }

    printf("SMMUv3 core demo: a Linux-style driver programs the model through its registers and queues\n\n");
    printf("Probe\n");
    uint32_t idr0 = r32(0x0), idr1 = r32(0x4), idr5 = r32(0x14);
    printf("  IDR0 0x%08x IDR1 0x%08x IDR3 0x%08x IDR5 0x%08x IIDR 0x%08x AIDR 0x%02x\n", idr0, idr1, r32(0xC), idr5,
           r32(0x18), r32(0x1C));
    printf("  stage1 %u stage2 %u, %s stream table, SIDSIZE %u, SSIDSIZE %u, OAS code %u, MSI %u, SEV %u\n",
           (idr0 >> 1) & 1, idr0 & 1, ((idr0 >> 27) & 3) == 1 ? "2-level" : "linear", idr1 & 0x3F,
           (idr1 >> 6) & 0x1F, idr5 & 7, (idr0 >> 13) & 1, (idr0 >> 14) & 1);

    printf("\nReset\n");
    enable(0);
    w32(0x28, 0xD75);
    w32(0x2C, 0x6);
    uint64_t abort_ste[4] = {1, 0, 0, 0};
    for (uint32_t sid = 0; sid < (1u << STRTAB_LOG2); sid++)
        for (int i = 0; i < 8; i++) wr64(STRTAB + sid * 64ull + i * 8, i == 0 ? abort_ste[0] : 0);
    w64(0x80, STRTAB);
    w32(0x88, STRTAB_LOG2);
    w64(0x90, CMDQ | CMDQ_LOG2);
    w32(0x98, 0);
    w32(0x9C, 0);
    enable(0x8);
    cmd(0x04, 31);                                        /* CMD_CFGI_ALL */
    sync_and_check("CFGI_ALL + CMD_SYNC");
    cmd(0x30, 0);
    sync_and_check("TLBI_NSNH_ALL + CMD_SYNC");
    w64(0xA0, EVTQ | EVTQ_LOG2);
    w32(0x100A8, 0);
    w32(0x100AC, 0);
    enable(0xC);
    w32(0x50, 0x5);
    enable(0xD);

    printf("\nStreams\n");
    uint64_t bypass[4] = {1 | 4u << 1, 0, 0, 0};
    ste(1, bypass);
    ste(2, abort_ste);
    /* Stage 1: one CD (ASID 1, 48-bit VA, 4K granule, IPS 48) and 16 pages mapped at DMA_VA. */
    uint64_t ttb = alloc_table();
    for (int i = 0; i < 16; i++) map_page(ttb, DMA_VA + i * 0x1000ull, DMA_BUF + i * 0x1000ull, i < 8);
    uint64_t cd0 = 16 | 1u << 8 | 1u << 10 | 3u << 12 | 1ull << 30 | 1ull << 31 | 5ull << 32 | 1ull << 41 |
                   1ull << 45 | 1ull << 46 | 1ull << 48;
    wr64(CDTAB, cd0);
    wr64(CDTAB + 8, ttb);
    wr64(CDTAB + 24, 0xF404FF44ull);
    uint64_t s1[4] = {1 | 5u << 1 | CDTAB, 1u << 2 | 1u << 4 | 3u << 6, 0, 0};
    ste(3, s1);
    uint64_t broken[4] = {0, 0, 0, 0};
    ste(4, broken);
    sync_and_check("STEs + CFGI_STE + CMD_SYNC");

    printf("\nDMA\n");
    dma("bypass stream", 1, 0x80001000, false);
    dma("abort stream", 2, 0x80001000, true);
    dma("stage 1, cold", 3, DMA_VA + 0x10, false);
    dma("stage 1, same page", 3, DMA_VA + 0x20, true);
    dma("stage 1, next page", 3, DMA_VA + 0x1040, false);
    dma("stage 1, write to read-only", 3, DMA_VA + 0x9000, true);
    dma("stage 1, unmapped", 3, DMA_VA + 0x100000, false);
    dma("invalid STE", 4, 0x1000, false);
    dma("StreamID beyond the table", 300, 0x1000, false);
    for (int round = 0; round < 4; round++)
        for (int i = 0; i < 8; i++) dma(round == 0 && i == 0 ? "stage 1, 4 passes over 8 pages" : "", 3,
                                        DMA_VA + i * 0x1000ull, false);

    printf("\nEvent queue\n");
    drain_events();

    printf("\nStatistics\n");
    print_cache("micro-TLB", SMMU_STRUCT_UTLB);
    print_cache("main TLB", SMMU_STRUCT_MAIN_TLB);
    print_cache("config cache", SMMU_STRUCT_CFG_CACHE);
    print_cache("walk cache S1", SMMU_STRUCT_WALK_S1);
    smmu_global_stats_t g;
    smmu_global_stats(smmu, &g);
    printf("  translations %" PRIu64 ", commands %" PRIu64 " (%" PRIu64 " CMD_SYNC), events %" PRIu64
           " recorded, %" PRIu64 " lost; host memory: %lu reads, %lu writes\n",
           g.translations, g.commands, g.cmd_syncs, g.events_recorded, g.events_lost, mem_reads, mem_writes);
    smmu_destroy(smmu);
    free(mem);
    return 0;
}
