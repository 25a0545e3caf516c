// SPDX-License-Identifier: BSD-3-Clause
// The translation hot path allocates nothing and takes no locks: heap calls are counted around smmu_translate
// (malloc/calloc/realloc/free interposed here, or the sanitizer allocator hooks under ASan), and the core
// library's symbol table is checked for threading primitives.
#include "e2e_util.h"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define HOTPATH_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HOTPATH_ASAN 1
#endif
#endif

namespace {
volatile bool g_counting = false;
volatile unsigned long g_allocs = 0, g_frees = 0;
} // namespace

#ifdef HOTPATH_ASAN
extern "C" int __sanitizer_install_malloc_and_free_hooks(void (*)(const volatile void *, size_t),
                                                        void (*)(const volatile void *));
namespace {
void on_malloc(const volatile void *, size_t) { if (g_counting) g_allocs = g_allocs + 1; }
void on_free(const volatile void *) { if (g_counting) g_frees = g_frees + 1; }
struct InstallHooks {
    InstallHooks() { __sanitizer_install_malloc_and_free_hooks(on_malloc, on_free); }
} install_hooks;
} // namespace
#else
extern "C" {
void *__libc_malloc(size_t);
void *__libc_calloc(size_t, size_t);
void *__libc_realloc(void *, size_t);
void __libc_free(void *);

void *malloc(size_t n) {
    if (g_counting) g_allocs = g_allocs + 1;
    return __libc_malloc(n);
}
void *calloc(size_t n, size_t m) {
    if (g_counting) g_allocs = g_allocs + 1;
    return __libc_calloc(n, m);
}
void *realloc(void *p, size_t n) {
    if (g_counting) g_allocs = g_allocs + 1;
    return __libc_realloc(p, n);
}
void free(void *p) {
    if (g_counting && p) g_frees = g_frees + 1;
    __libc_free(p);
}
}
#endif

namespace {

// Translation tables from the shared 4K builder.
struct Hot : e2e::Rig {
    e2e::Tables tables{mem};
    uint64_t alloc() { return tables.alloc(); }
    void map(uint64_t ttb, uint64_t ia, uint64_t pa, uint64_t bits) { tables.map(ttb, ia, pa, bits); }
};

struct Count {
    unsigned long allocs, frees;
    Count() { g_allocs = 0; g_frees = 0; g_counting = true; }
    ~Count() { g_counting = false; }
    void stop() { g_counting = false; allocs = g_allocs; frees = g_frees; }
};

// The interposition works: an allocation in the counted window is seen.
TEST(Hotpath, CounterSeesAnAllocation) {
    Count c;
    void *volatile p = malloc(24);
    free(p);
    c.stop();
    EXPECT_EQ(c.allocs, 1u);
    EXPECT_EQ(c.frees, 1u);
}

TEST(Hotpath, TlbHitsBypassAndWalksAllocateNothing) {
    Hot h;
    h.mem.log_writes = false;
    ASSERT_TRUE(h.create_restricted());
    h.bringup();
    // Stream 1: stage 1, 64 pages. Stream 2: stage 2. Stream 3: bypass. Stream 4: nested (identity stage 2).
    uint64_t s1 = h.alloc(), s2 = h.alloc(), s2n = h.alloc(), s1n = h.alloc();
    for (uint64_t i = 0; i < 64; i++) {
        h.map(s1, 0x40'0000 + i * 0x1000, 0x8000'0000 + i * 0x1000, e2e::kPageS1);
        h.map(s2, 0x50'0000 + i * 0x1000, 0x9000'0000 + i * 0x1000, e2e::kPageS2);
        h.map(s1n, 0x60'0000 + i * 0x1000, 0x7000'0000 + i * 0x1000, e2e::kPageS1);
        h.map(s2n, 0x7000'0000 + i * 0x1000, 0xA000'0000 + i * 0x1000, e2e::kPageS2);
    }
    for (uint64_t t = th::kTables; t < h.tables.next; t += 0x1000) h.map(s2n, t, t, e2e::kPageS2);   // stage-1 tables
    h.map(s2n, th::kCdBase + 0x1000, th::kCdBase + 0x1000, e2e::kPageS2);                          // and the CD
    h.write_cd(th::kCdBase, stu::linux_cd(s1, 1).q);
    h.install(1, stu::linux_s1(th::kCdBase).q);
    h.install(2, stu::linux_s2(s2, 2).q);
    h.install(3, th::ste::bypass());
    h.write_cd(th::kCdBase + 0x1000, stu::linux_cd(s1n, 4).q);
    stu::Ste n = stu::linux_s2(s2n, 4);
    n.config(7).ctxptr(th::kCdBase + 0x1000).s1cir(1).s1cor(1).s1csh(3);
    h.install(4, n.q);
    // Warm-up: every page once (walks, fills), then touch every page of the mem pages the walks read.
    struct S { uint32_t sid; uint64_t ia, pa; } streams[] = {
        {1, 0x40'0000, 0x8000'0000}, {2, 0x50'0000, 0x9000'0000}, {3, 0x1234'0000, 0x1234'0000}, {4, 0x60'0000, 0xA000'0000}};
    for (auto &s : streams)
        for (uint64_t i = 0; i < 64; i++) {
            auto r = h.xlate(s.sid, s.ia + i * 0x1000 + 8, i & 1);
            ASSERT_EQ(r.status, SMMU_OK) << "sid " << s.sid << " page " << i << " event " << (int)r.event;
            ASSERT_EQ(r.pa, s.pa + i * 0x1000 + 8);
        }

    // 100k micro-TLB hits (4 pages per stream), 100k main-TLB hits (64 pages per stream cycle through a
    // 32-entry LRU micro-TLB), and bypass translations.
    smmu_txn_t t{};
    smmu_result_t r;
    unsigned long wrong = 0, sources[5] = {0, 0, 0, 0, 0};
    // 100k translations with the allocation counter running: access i goes to streams[pick(i)] at offset
    // off(i) from its IOVA; wrong outputs and the sources are counted.
    auto run = [&](auto pick, auto off, bool alternate_writes, const char *what) {
        for (auto &x : sources) x = 0;
        Count c;
        for (unsigned i = 0; i < 100000; i++) {
            const S &s = streams[pick(i)];
            t.sid = s.sid; t.addr = s.ia + off(i); t.write = alternate_writes && (i & 1);
            smmu_translate(h.smmu, &t, &r);
            wrong += r.status != SMMU_OK || r.pa != s.pa + off(i);
            sources[r.source]++;
        }
        c.stop();
        EXPECT_EQ(c.allocs, 0u) << what << " allocated";
        EXPECT_EQ(c.frees, 0u);
    };
    run([](unsigned i) { return i % 4; }, [](unsigned i) { return ((i / 4) % 4) * 0x1000ull + 0x10; }, true,
        "micro-TLB hits");
    EXPECT_EQ(wrong, 0u);
    // The warm-up left other pages in the micro-TLB: the first touch of each of the 12 pages is a main-TLB hit.
    EXPECT_EQ(sources[SMMU_SRC_UTLB], 75000u - 12);
    EXPECT_EQ(sources[SMMU_SRC_MAIN_TLB], 12u);
    EXPECT_EQ(sources[SMMU_SRC_NONE], 25000u) << "bypass";
    run([](unsigned i) { return (i / 64) % 4 == 2 ? 0u : (i / 64) % 4; },
        [](unsigned i) { return (i % 64) * 0x1000ull + 0x20; }, false, "main-TLB hits");
    EXPECT_EQ(wrong, 0u);
    // A 64-page cycle always misses a 32-entry LRU micro-TLB, except the first stream's pages 0-3, still there from the loop above.
    EXPECT_EQ(sources[SMMU_SRC_MAIN_TLB], 100000u - 4);
    EXPECT_EQ(sources[SMMU_SRC_UTLB], 4u);

    // Walks (TLBs and walk caches emptied each round) allocate nothing either.
    {
        unsigned long allocs = 0, walks = 0;
        for (unsigned round = 0; round < 50; round++) {
            h.tlbi_all();
            Count c;
            for (auto &s : streams) {
                t.sid = s.sid; t.addr = s.ia + (round % 64) * 0x1000; t.write = false;
                smmu_translate(h.smmu, &t, &r);
                wrong += r.status != SMMU_OK || r.pa != s.pa + (round % 64) * 0x1000;
                walks += r.source == SMMU_SRC_WALK;
            }
            c.stop();
            allocs += c.allocs + c.frees;
        }
        EXPECT_EQ(allocs, 0u) << "walks allocated";
        EXPECT_EQ(walks, 150u);
        EXPECT_EQ(wrong, 0u);
    }
}

std::string exe_dir() {
    char buf[4096];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) return "";
    std::string p(buf, (size_t)n);
    return p.substr(0, p.rfind('/'));
}

// The core takes no locks: its static library references no pthread, C11 thread or semaphore symbol.
TEST(Hotpath, CoreLibraryHasNoLockingSymbols) {
    std::string lib = exe_dir() + "/../models/libsmmuv3-core.a";
    if (access(lib.c_str(), R_OK) != 0) GTEST_SKIP() << lib << " not found";
    FILE *p = popen(("nm -A '" + lib + "' 2>/dev/null").c_str(), "r");
    if (!p) GTEST_SKIP() << "nm not runnable";
    char line[1024];
    size_t symbols = 0;
    std::vector<std::string> bad;
    while (fgets(line, sizeof line, p)) {
        std::string s(line);
        symbols++;
        for (const char *w : {"pthread_", "mtx_", "cnd_", "sem_wait", "sem_post", "__atomic_", "futex"})
            if (s.find(w) != std::string::npos) bad.push_back(s);
    }
    int rc = pclose(p);
    if (symbols == 0 || rc != 0) GTEST_SKIP() << "nm gave no symbols";
    EXPECT_GT(symbols, 50u);
    EXPECT_TRUE(bad.empty()) << bad.size() << " locking symbols, first: " << (bad.empty() ? "" : bad[0]);
}

} // namespace
