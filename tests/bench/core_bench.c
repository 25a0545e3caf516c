/* SPDX-License-Identifier: BSD-3-Clause */
/* Benchmarks of the C core on its own, with a flat in-process memory as host: TLB-hit and miss paths,
 * cold walks, and command processing. Each figure is compared with a baseline measured in the same run. */
#include <inttypes.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdint.h>

#include <smmu/smmu.h>

#include "bench_util.h"

#define MEM_SIZE  (256u << 20)
#define STRTAB    0x00100000ull
#define CMDQ      0x00200000ull          /* 2^16 commands = 1 MiB */
#define EVTQ      0x00300000ull
#define CDTAB     0x00400000ull          /* 64-byte CDs, one per stream */
#define TABLES    0x01000000ull          /* page-table pool */
#define VA_BASE   0x0000004000000000ull
#define PA_BASE   0x0000000080000000ull  /* output addresses: never accessed */

enum { CMDQ_LOG2 = 16, STRTAB_LOG2 = 8 };

typedef struct bench_env {
    uint8_t *mem;
    smmu_t *smmu;
    uint64_t next_table;
    uint32_t cmd_prod;
} bench_env_t;

static int mem_read(void *ctx, uint64_t pa, void *dst, size_t len)
{
    bench_env_t *e = ctx;
    if (pa >= MEM_SIZE || len > MEM_SIZE - pa) return -1;
    memcpy(dst, e->mem + pa, len);
    return 0;
}

static int mem_write(void *ctx, uint64_t pa, const void *src, size_t len)
{
    bench_env_t *e = ctx;
    if (pa >= MEM_SIZE || len > MEM_SIZE - pa) return -1;
    memcpy(e->mem + pa, src, len);
    return 0;
}

static uint64_t rd64(bench_env_t *e, uint64_t pa) { uint64_t v; memcpy(&v, e->mem + pa, 8); return v; }
static void wr64(bench_env_t *e, uint64_t pa, uint64_t v) { memcpy(e->mem + pa, &v, 8); }
static void w32(bench_env_t *e, uint64_t off, uint32_t v) { smmu_reg_write(e->smmu, off, v, 4); }
static void w64(bench_env_t *e, uint64_t off, uint64_t v) { smmu_reg_write(e->smmu, off, v, 8); }

static void cmd(bench_env_t *e, uint64_t q0, uint64_t q1)
{
    uint32_t idx = e->cmd_prod & ((1u << CMDQ_LOG2) - 1);
    wr64(e, CMDQ + idx * 16ull, q0);
    wr64(e, CMDQ + idx * 16ull + 8, q1);
    e->cmd_prod = (e->cmd_prod + 1) & ((2u << CMDQ_LOG2) - 1);
}

static void publish(bench_env_t *e) { w32(e, 0x98, e->cmd_prod); }
static void sync_cmd(bench_env_t *e) { cmd(e, 0x46, 0); }

static uint64_t alloc_table(bench_env_t *e)
{
    uint64_t t = e->next_table;
    e->next_table += 0x1000;
    memset(e->mem + t, 0, 0x1000);
    return t;
}

/* 4K granule, 4 levels, as io-pgtable-arm builds stage 1 (stage 2 with S2AP when s2). */
static void map_page(bench_env_t *e, uint64_t ttb, uint64_t va, uint64_t pa, bool s2)
{
    uint64_t table = ttb;
    for (int level = 0; level < 3; level++) {
        uint64_t slot = table + ((va >> (39 - 9 * level)) & 0x1FF) * 8;
        uint64_t d = rd64(e, slot);
        if (!(d & 1)) { d = alloc_table(e) | 3; wr64(e, slot, d); }
        table = d & 0x0000FFFFFFFFF000ull;
    }
    uint64_t leaf = s2 ? (pa | 3 | 1u << 10 | 3u << 8 | 3u << 6 | 0xFu << 2)
                       : (pa | 3 | 1u << 10 | 3u << 8 | 1u << 6 | 1ull << 11 | 1ull << 2);
    wr64(e, table + ((va >> 12) & 0x1FF) * 8, leaf);
}

/* The Linux order: stream table (STRTAB_BASE_CFG = strtab_cfg), command queue, CFGI_ALL + SYNC, event queue,
 * then SMMUEN. */
static void bringup(bench_env_t *e, uint32_t strtab_cfg)
{
    w64(e, 0x80, STRTAB);
    w32(e, 0x88, strtab_cfg);
    w64(e, 0x90, CMDQ | CMDQ_LOG2);
    w32(e, 0x20, 0x8);
    cmd(e, 0x04, 31);
    sync_cmd(e);
    publish(e);
    w64(e, 0xA0, EVTQ | 7);
    w32(e, 0x20, 0xD);
}

static bench_env_t *env_create(const smmu_config_t *cfg, bool enable)
{
    bench_env_t *e = calloc(1, sizeof *e);
    e->mem = calloc(1, MEM_SIZE);
    e->next_table = TABLES;
    smmu_host_t host = { .ctx = e, .mem_read = mem_read, .mem_write = mem_write, .irq = NULL };
    char err[256];
    e->smmu = smmu_create(cfg, &host, err, sizeof err);
    if (!e->smmu) { fprintf(stderr, "smmu_create: %s\n", err); exit(1); }
    if (!enable) return e;
    for (uint32_t sid = 0; sid < (1u << STRTAB_LOG2); sid++) wr64(e, STRTAB + sid * 64ull, 1);
    bringup(e, STRTAB_LOG2);
    return e;
}

static void env_destroy(bench_env_t *e)
{
    smmu_destroy(e->smmu);
    free(e->mem);
    free(e);
}

/* Stream `sid` translates through stage 1 with its own CD (ASID sid + 1) and table; nested adds stage 2. */
static uint64_t stream_s1(bench_env_t *e, uint32_t sid, bool nested, uint64_t s2ttb)
{
    uint64_t ttb = alloc_table(e), cd = CDTAB + sid * 64ull;
    uint64_t q0 = 16 | 1u << 8 | 1u << 10 | 3u << 12 | 1ull << 30 | 1ull << 31 | 5ull << 32 | 1ull << 41 |
                  1ull << 45 | 1ull << 46 | (uint64_t)(sid + 1) << 48;
    wr64(e, cd, q0);
    wr64(e, cd + 8, ttb);
    wr64(e, cd + 24, 0xF404FF44ull);
    uint64_t ste = STRTAB + sid * 64ull;
    wr64(e, ste + 8, 1u << 2 | 1u << 4 | 3u << 6);
    if (nested) {
        /* VMID 1, S2T0SZ 16 (48-bit IPA), SL0 2 (level 0 start for 4K), TG 4K, PS 48-bit, AA64, S2R. */
        uint64_t q2 = 1 | 16ull << 32 | 2ull << 38 | 1ull << 40 | 1ull << 42 | 3ull << 44 | 5ull << 48 | 1ull << 51 | 1ull << 58;
        wr64(e, ste + 16, q2);
        wr64(e, ste + 24, s2ttb);
    }
    wr64(e, ste, 1 | (nested ? 7u : 5u) << 1 | cd);
    cmd(e, 0x03 | (uint64_t)sid << 32, 1);
    sync_cmd(e);
    publish(e);
    return ttb;
}

static size_t divisor = 1;   /* --quick: a smoke run with 1/200 of the work */

static double time_translations(smmu_t *s, const smmu_txn_t *txns, size_t n, size_t iters, uint64_t *fails)
{
    iters = iters / divisor > n ? iters / divisor : n;
    smmu_result_t r;
    uint64_t bad = 0;
    double best = 0;
    size_t i = 0;
    /* Three timed thirds, the best one counts: on a shared machine noise only ever adds time. */
    for (int part = 1; part <= 3; part++) {
        const size_t stop = iters * (size_t)part / 3;
        const size_t first = i;
        double t0 = bench_now();
        for (; i < stop; i++) {
            smmu_translate(s, &txns[i % n], &r);
            bad += r.status != SMMU_OK;
        }
        double ns = (bench_now() - t0) * 1e9 / (double)(stop - first ? stop - first : 1);
        if (part == 1 || ns < best) best = ns;
    }
    if (fails) *fails = bad;
    return best;
}

static double baseline_ns;   /* smmu_translate with SMMUEN = 0 (GBPA bypass): the cheapest path of the API */

static void bench_baseline(void)
{
    smmu_config_t cfg;
    smmu_config_default(&cfg);
    bench_env_t *e = env_create(&cfg, false);
    w32(e, 0x44, 1u << 31);                                 /* GBPA: UPDATE, bypass */
    smmu_txn_t t = { .sid = 1, .addr = 0x1000 };
    time_translations(e->smmu, &t, 1, 2000000, NULL);
    baseline_ns = time_translations(e->smmu, &t, 1, 20000000, NULL);
    bench_figure("translate, SMMU disabled (GBPA bypass)", baseline_ns, "ns/txn", NULL, 0, "baseline for the core figures");
    env_destroy(e);
}

static void check(uint64_t fails, const char *what)
{
    if (fails) printf("  !! %s: %" PRIu64 " translations did not return SMMU_OK\n", what, fails);
}

static void bench_utlb_hit(void)
{
    smmu_config_t cfg;
    smmu_config_default(&cfg);
    bench_env_t *e = env_create(&cfg, true);
    uint64_t ttb = stream_s1(e, 1, false, 0);
    smmu_txn_t t[8];
    for (int i = 0; i < 8; i++) {
        map_page(e, ttb, VA_BASE + i * 0x1000ull, PA_BASE + i * 0x1000ull, false);
        t[i] = (smmu_txn_t){ .sid = 1, .addr = VA_BASE + i * 0x1000ull + 0x40 };
    }
    uint64_t fails;
    time_translations(e->smmu, t, 8, 100000, &fails);
    double ns = time_translations(e->smmu, t, 8, 20000000, &fails);
    check(fails, "micro-TLB hit");
    bench_figure("TLB hit, warm micro-TLB (1 stream, 8 pages)", ns, "ns/txn", "GBPA bypass", baseline_ns, NULL);
    bench_figure("TLB hit, warm micro-TLB, rate", 1e3 / ns, "Mtxn/s", NULL, 0, "target >= 40");
    env_destroy(e);
}

/* Default SMMU with stage-1 streams first_sid.. (ASID = StreamID + 1) sharing the IOVAs VA_BASE..+pages, each
 * on its own PAs; t[] gets every (page, stream) in page-major order, streams interleaved. */
static bench_env_t *env_streams(uint32_t first_sid, uint32_t streams, uint32_t pages, smmu_txn_t *t)
{
    smmu_config_t cfg;
    smmu_config_default(&cfg);
    bench_env_t *e = env_create(&cfg, true);
    for (uint32_t k = 0; k < streams; k++) {
        uint64_t ttb = stream_s1(e, first_sid + k, false, 0);
        for (uint32_t p = 0; p < pages; p++)
            map_page(e, ttb, VA_BASE + p * 0x1000ull, PA_BASE + ((uint64_t)k * pages + p) * 0x1000ull, false);
    }
    for (uint32_t i = 0; i < streams * pages; i++)
        t[i] = (smmu_txn_t){ .sid = first_sid + i % streams, .addr = VA_BASE + (uint64_t)(i / streams) * 0x1000 };
    return e;
}

static void bench_main_tlb_hit(void)
{
    enum { STREAMS = 64, PAGES = 16 };
    static smmu_txn_t t[STREAMS * PAGES];
    bench_env_t *e = env_streams(0, STREAMS, PAGES, t);
    uint64_t fails;
    time_translations(e->smmu, t, STREAMS * PAGES, 200000, &fails);
    double ns = time_translations(e->smmu, t, STREAMS * PAGES, 10000000, &fails);
    check(fails, "main-TLB hit");
    smmu_cache_stats_t st;
    char note[96] = "";
    if (smmu_cache_stats(e->smmu, SMMU_STRUCT_MAIN_TLB, -1, -1, &st) && st.lookups)
        snprintf(note, sizeof note, "main TLB hit rate %.1f%%", 100.0 * (double)st.hits / (double)st.lookups);
    bench_figure("TLB hit, warm main TLB (64 streams x 16 pages)", ns, "ns/txn", "GBPA bypass", baseline_ns, note);
    env_destroy(e);
}

/* Sequential sweep over more pages than the TLBs hold: every translation walks. */
static void bench_walks(const char *name, bool nested, bool walk_caches)
{
    smmu_config_t cfg;
    smmu_config_default(&cfg);
    cfg.utlb.entries = cfg.utlb.ways = 0;
    cfg.main_tlb.entries = cfg.main_tlb.ways = 0;
    cfg.tcu_tlb.entries = cfg.tcu_tlb.ways = 0;
    if (!walk_caches) {
        for (int l = 0; l < 4; l++) cfg.walk_cache_s1[l].entries = cfg.walk_cache_s2[l].entries = 0;
    }
    bench_env_t *e = env_create(&cfg, true);
    uint64_t s2ttb = 0;
    if (nested) {
        s2ttb = alloc_table(e);
        /* Stage 2 maps the first 64 MiB (tables, CDs, queues) and the output range by identity. */
        for (uint64_t a = 0; a < (64u << 20); a += 0x1000) map_page(e, s2ttb, a, a, true);
    }
    uint64_t ttb = stream_s1(e, 1, nested, s2ttb);
    enum { PAGES = 4096 };
    static smmu_txn_t t[PAGES];
    for (int p = 0; p < PAGES; p++) {
        uint64_t out = nested ? (0x02000000ull + (uint64_t)(p % 1024) * 0x1000) : PA_BASE + (uint64_t)p * 0x1000;
        map_page(e, ttb, VA_BASE + (uint64_t)p * 0x1000, out, false);
        t[p] = (smmu_txn_t){ .sid = 1, .addr = VA_BASE + (uint64_t)p * 0x1000 };
    }
    if (nested) for (uint64_t a = 0x01000000; a < e->next_table; a += 0x1000) map_page(e, s2ttb, a, a, true);
    uint64_t fails;
    time_translations(e->smmu, t, PAGES, PAGES, &fails);
    smmu_global_stats_t g0, g1;
    smmu_global_stats(e->smmu, &g0);
    size_t iters = nested ? 400000 : 2000000;
    iters = iters / divisor > PAGES ? iters / divisor : PAGES;
    double ns = time_translations(e->smmu, t, PAGES, iters, &fails);
    smmu_global_stats(e->smmu, &g1);
    check(fails, name);
    char note[96];
    snprintf(note, sizeof note, "%.2f descriptor reads per translation",
             (double)(g1.walk_reads - g0.walk_reads) / (double)iters);
    bench_figure(name, ns, "ns/txn", "GBPA bypass", baseline_ns, note);
    env_destroy(e);
}

static double time_publish(bench_env_t *e)
{
    double t0 = bench_now();
    publish(e);
    return bench_now() - t0;
}

static uint64_t main_tlb_valid(smmu_t *s)
{
    smmu_cache_stats_t st;
    if (!smmu_cache_stats(s, SMMU_STRUCT_MAIN_TLB, 0, -1, &st)) return 0;
    return st.fills - st.evictions - st.invalidations;
}

/* TLBI_NH_ASID on a full main TLB shared by four ASIDs (streams 1-4 with the same IOVAs, as processes have):
 * one ASID's entries go, the others stay. Refilled outside the timed part. */
static void bench_tlbi_asid_full(void)
{
    enum { STREAMS = 4, PAGES = 1024 };
    static smmu_txn_t t[STREAMS * PAGES];
    bench_env_t *e = env_streams(1, STREAMS, PAGES, t);
    smmu_config_t cfg;
    smmu_config_default(&cfg);                        /* what env_streams built */
    const uint32_t entries = cfg.main_tlb.entries;
    const int REPS = divisor > 1 ? 3 : 200;
    double secs = 0, valid = 0, dropped = 0;
    smmu_result_t r;
    for (int rep = 0; rep < REPS; rep++) {
        for (size_t i = 0; i < STREAMS * PAGES; i++) smmu_translate(e->smmu, &t[i], &r);
        uint64_t before = main_tlb_valid(e->smmu);
        cmd(e, 0x11 | (uint64_t)(2 + rep % STREAMS) << 48, 0);                  /* TLBI_NH_ASID, ASIDs 2-5 */
        secs += time_publish(e);
        valid += (double)before;
        dropped += (double)(before - main_tlb_valid(e->smmu));
        sync_cmd(e);
        publish(e);
    }
    char note[96];
    snprintf(note, sizeof note, "main TLB %.0f of %u entries valid, %.0f of them invalidated", valid / REPS, entries,
             dropped / REPS);
    bench_figure("TLBI_NH_ASID, full TLB shared by 4 ASIDs", secs * 1e9 / REPS, "ns/cmd", "GBPA bypass", baseline_ns,
                 note);
    env_destroy(e);
}

static void bench_commands(void)
{
    smmu_config_t cfg;
    smmu_config_default(&cfg);
    bench_env_t *e = env_create(&cfg, true);
    uint64_t ttb = stream_s1(e, 1, false, 0);
    for (int p = 0; p < 512; p++) map_page(e, ttb, VA_BASE + p * 0x1000ull, PA_BASE + p * 0x1000ull, false);

    /* CFGI_STE + CMD_SYNC pairs: fill most of the 64K-entry queue, publish once. */
    double secs = 0;
    uint64_t n = 0;
    for (int round = 0; round < (divisor > 1 ? 1 : 8); round++) {
        for (int i = 0; i < 30000; i++) {
            cmd(e, 0x03 | (uint64_t)(i & 0xFF) << 32, 1);
            sync_cmd(e);
        }
        secs += time_publish(e);
        n += 60000;
    }
    double ns = secs * 1e9 / (double)n;
    bench_figure("CFGI_STE + CMD_SYNC", ns, "ns/cmd", "GBPA bypass", baseline_ns, NULL);
    bench_figure("CFGI_STE + CMD_SYNC, rate", 1e3 / ns, "Mcmd/s", NULL, 0, "target >= 10");

    /* TLBI_NH_VA single page and range forms against a warm TLB (refilled outside the timed part). */
    smmu_txn_t t[512];
    for (int p = 0; p < 512; p++) t[p] = (smmu_txn_t){ .sid = 1, .addr = VA_BASE + p * 0x1000ull };
    double single = 0, range = 0, asid = 0;
    int REPS = divisor > 1 ? 20 : 2000;
    for (int rep = 0; rep < REPS; rep++) {
        time_translations(e->smmu, t, 512, 512, NULL);
        cmd(e, 0x12 | 2ull << 48, (VA_BASE + (uint64_t)(rep % 512) * 0x1000) | 1);   /* ASID 2, Leaf */
        single += time_publish(e);
        /* Range: TG 4K, SCALE 0, NUM 31 -> 32 pages. */
        cmd(e, 0x12 | 31ull << 12 | 2ull << 48, (VA_BASE + (uint64_t)(rep % 16) * 0x20000) | 1u << 10 | 1);
        range += time_publish(e);
        cmd(e, 0x11 | 2ull << 48, 0);                                                 /* TLBI_NH_ASID */
        asid += time_publish(e);
        sync_cmd(e);
        publish(e);
    }
    bench_figure("TLBI_NH_VA, one page, warm TLB", single * 1e9 / REPS, "ns/cmd", "GBPA bypass", baseline_ns, NULL);
    bench_figure("TLBI_NH_VA, range of 32 pages, warm TLB", range * 1e9 / REPS, "ns/cmd", "GBPA bypass", baseline_ns, NULL);
    bench_figure("TLBI_NH_ASID, TLB holding 512 pages", asid * 1e9 / REPS, "ns/cmd", "GBPA bypass", baseline_ns, NULL);
    env_destroy(e);
    bench_tlbi_asid_full();
}

/* Heap bytes held by malloc (arena + mmapped blocks): counts what the model allocates, touched or not. */
static double heap_bytes(void)
{
    struct mallinfo2 m = mallinfo2();
    return (double)m.uordblks + (double)m.hblkhd;
}

/* Model memory with 2^sidbits StreamIDs in a 2-level stream table (SPLIT 8) and a `tlb`-entry main TLB, after
 * 64 streams spread over the StreamID space have translated: it must follow what is touched, not SIDSIZE. */
static double model_heap(unsigned sidbits, uint32_t tlb)
{
    smmu_config_t cfg;
    smmu_config_default(&cfg);
    cfg.sidsize = (uint8_t)sidbits;
    cfg.main_tlb.entries = tlb;
    bench_env_t *e = env_create(&cfg, false);
    double before = heap_bytes();
    smmu_t *s = smmu_create(&cfg, &(smmu_host_t){ .ctx = e, .mem_read = mem_read, .mem_write = mem_write }, NULL, 0);
    smmu_t *old = e->smmu;
    e->smmu = s;
    /* L1 table at STRTAB: 2^(sidbits-8) L1STDs; each touched L1STD points at a 256-STE level-2 table. */
    uint64_t l2 = 0x08000000;
    enum { STREAMS = 64 };
    uint32_t sids[STREAMS];
    for (int i = 0; i < STREAMS; i++) {
        sids[i] = (uint32_t)(((uint64_t)i << sidbits) / STREAMS) | (uint32_t)i;
        uint64_t l1 = STRTAB + (sids[i] >> 8) * 8ull, table = l2 + (uint64_t)(sids[i] >> 8) * 0x4000;
        if (rd64(e, l1) & 0x1F) continue;
        wr64(e, l1, table | 9);                            /* Span 9: 256 STEs */
        for (uint32_t k = 0; k < 256; k++) wr64(e, table + k * 64ull, 1);
    }
    bringup(e, 1u << 16 | 8u << 6 | sidbits);          /* FMT 2-level, SPLIT 8, LOG2SIZE */
    /* Point each stream's STE at stage 1 (CD per stream) and translate 64 pages on each. */
    uint64_t fails = 0;
    for (int i = 0; i < STREAMS; i++) {
        uint64_t ttb = alloc_table(e), cd = CDTAB + (uint64_t)i * 64;
        wr64(e, cd, 16 | 1u << 8 | 1u << 10 | 3u << 12 | 1ull << 30 | 1ull << 31 | 5ull << 32 | 1ull << 41 |
                    1ull << 45 | 1ull << 46 | (uint64_t)(i + 1) << 48);
        wr64(e, cd + 8, ttb);
        wr64(e, cd + 24, 0xF404FF44ull);
        uint64_t ste = l2 + (uint64_t)(sids[i] >> 8) * 0x4000 + (sids[i] & 0xFF) * 64ull;
        wr64(e, ste + 8, 1u << 2 | 1u << 4 | 3u << 6);
        wr64(e, ste, 1 | 5u << 1 | cd);
        cmd(e, 0x03 | (uint64_t)sids[i] << 32, 1);
        sync_cmd(e);
        publish(e);
        for (int p = 0; p < 64; p++) {
            map_page(e, ttb, VA_BASE + p * 0x1000ull, PA_BASE + p * 0x1000ull, false);
            smmu_txn_t t = { .sid = sids[i], .addr = VA_BASE + p * 0x1000ull };
            smmu_result_t r;
            fails += smmu_translate(s, &t, &r) != SMMU_OK;
        }
    }
    check(fails, "2-level stream table");
    double bytes = heap_bytes() - before;
    e->smmu = old;
    smmu_destroy(s);
    env_destroy(e);
    return bytes;
}

static void bench_scale_memory(void)
{
    double base = model_heap(8, 2048), big = model_heap(20, 2048), tlb = model_heap(20, 65536);
    bench_figure("model heap, SIDSIZE 20 (2-level), 64 streams", big / 1048576.0, "MiB", "SIDSIZE 8", base / 1048576.0,
                 "must not grow with SIDSIZE");
    bench_figure("model heap, SIDSIZE 20 + 64K-entry main TLB", tlb / 1048576.0, "MiB", "SIDSIZE 8", base / 1048576.0,
                 NULL);
}

/* Cost per translation as the transaction count grows: a random walk over 16 MiB of one stream (TLB misses
 * and hits mixed), generated as it is consumed, like a streamed trace. It must stay flat. */
static void bench_trace_growth(void)
{
    smmu_config_t cfg;
    smmu_config_default(&cfg);
    bench_env_t *e = env_create(&cfg, true);
    uint64_t ttb = stream_s1(e, 1, false, 0);
    enum { PAGES = 4096 };
    for (int p = 0; p < PAGES; p++) map_page(e, ttb, VA_BASE + p * 0x1000ull, PA_BASE + p * 0x1000ull, false);
    double base = 0;
    uint64_t x = 0x9E3779B97F4A7C15ull;
    for (uint64_t n = 100000; n <= 10000000; n *= 10) {
        uint64_t count = n / divisor, fails = 0;
        smmu_result_t r;
        double t0 = bench_now();
        for (uint64_t i = 0; i < count; i++) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            smmu_txn_t t = { .sid = 1, .addr = VA_BASE + (x % PAGES) * 0x1000 + (i & 0xFC0), .write = (i & 3) == 0 };
            fails += smmu_translate(e->smmu, &t, &r) != SMMU_OK;
        }
        double ns = (bench_now() - t0) * 1e9 / (double)count;
        check(fails, "trace growth");
        char name[64];
        snprintf(name, sizeof name, "trace of 1e%d translations, per txn", n == 100000 ? 5 : n == 1000000 ? 6 : 7);
        if (!base) base = ns;
        bench_figure(name, ns, "ns/txn", "1e5 translations", base, NULL);
    }
    env_destroy(e);
}

static const char *only;   /* --only WORD: run the figures whose name contains WORD (for profiling) */

static bool want(const char *name) { return !only || strstr(name, only) != NULL; }

int main(int argc, char **argv)
{
    bool quick = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0) quick = true;
        else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) only = argv[++i];
    }
    printf("Core benchmarks (one thread; baseline = smmu_translate with the SMMU disabled, same run)\n");
    printf("  %-46s %11s %-9s  %-30s %10s  %s\n", "figure", "value", "unit", "baseline", "value", "ratio");
    if (quick) divisor = 200;
    bench_baseline();
    if (want("micro")) bench_utlb_hit();
    if (want("main")) bench_main_tlb_hit();
    if (want("warm walk")) bench_walks("miss, warm walk caches (stage 1, 4K)", false, true);
    if (want("cold 4-level")) bench_walks("miss, cold 4-level stage-1 walk", false, false);
    if (want("nested")) bench_walks("miss, cold nested walk (S1 4K over S2 4K)", true, false);
    if (want("command") || want("TLBI") || want("CFGI")) bench_commands();
    if (want("heap")) bench_scale_memory();
    if (want("trace")) bench_trace_growth();
    bench_json();
    return 0;
}
