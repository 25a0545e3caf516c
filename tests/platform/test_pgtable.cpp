// SPDX-License-Identifier: BSD-3-Clause
// The io-pgtable-arm builder: register values, descriptors and walks checked against tables built by Linux
// (/work/shared/vectors/pgtable), plus map/unmap semantics (block split, table free, block over table).
#include <gtest/gtest.h>

#include <cstdio>
#include <dirent.h>
#include <map>
#include <sstream>
#include <string>
#include <sys/stat.h>

#include "driver/pgtable.h"

using namespace smmusim;

namespace {

std::string vectors_dir()
{
    std::string d = std::string(SMMU_SHARED_DIR) + "/vectors/pgtable";
    struct stat st;
    return stat(d.c_str(), &st) == 0 ? d : "";
}

struct Query { uint64_t iova; std::string acc, outcome; uint64_t out; };

struct Vector {
    std::string name, kind;
    std::map<std::string, std::string> kv;          // "s1.granule" -> "4096"
    std::map<std::string, unsigned> tcr;            // "t0sz" -> 16 (s1.tcr or s2.vtcr)
    SparseMemory mem;
    std::vector<Query> q;
    unsigned get(const std::string &k) const { return (unsigned)std::stoul(kv.at(k), nullptr, 0); }
};

bool load(const std::string &path, Vector &v)
{
    FILE *p = popen(("gzip -dc '" + path + "'").c_str(), "r");
    if (!p) return false;
    char *line = nullptr;
    size_t cap = 0;
    while (getline(&line, &cap, p) > 0) {
        std::istringstream in(line);
        std::string tag;
        in >> tag;
        if (tag == "page") {
            std::string pa, hex;
            in >> pa >> hex;
            uint8_t buf[4096];
            for (int i = 0; i < 4096; i++) buf[i] = (uint8_t)std::stoul(hex.substr(2 * i, 2), nullptr, 16);
            v.mem.write(std::stoull(pa, nullptr, 0), buf, sizeof buf);
        } else if (tag == "q") {
            Query q;
            std::string iova, out;
            in >> iova >> q.acc >> q.outcome >> out;
            q.iova = std::stoull(iova, nullptr, 0);
            q.out = out == "-" ? 0 : std::stoull(out, nullptr, 0);
            v.q.push_back(q);
        } else if (tag == "name") {
            in >> v.name;
        } else if (tag == "kind") {
            in >> v.kind;
        } else if (tag == "s1.tcr" || tag == "s2.vtcr") {
            std::string f;
            while (in >> f) v.tcr[f.substr(0, f.find('='))] = (unsigned)std::stoul(f.substr(f.find('=') + 1));
        } else if (tag.rfind("s1.", 0) == 0 || tag.rfind("s2.", 0) == 0) {
            std::string val;
            in >> val;
            v.kv[tag] = val;
        }
    }
    free(line);
    return pclose(p) == 0;
}

unsigned log2u(uint64_t x) { unsigned r = 0; while (x >>= 1) r++; return r; }

// Linux's IOMMU_* flags back from a leaf descriptor it built.
unsigned prot_of(uint64_t d, Stage s)
{
    unsigned prot = 0;
    if (s == Stage::S1) {
        prot |= PROT_READ;
        if (!(d & (1ull << 7))) prot |= PROT_WRITE;
        if (!(d & (1ull << 6))) prot |= PROT_PRIV;
        unsigned idx = (d >> 2) & 7;
        if (idx == 1) prot |= PROT_CACHE;
        if (idx == 2) prot |= PROT_MMIO;
    } else {
        if (d & (1ull << 6)) prot |= PROT_READ;
        if (d & (1ull << 7)) prot |= PROT_WRITE;
        unsigned attr = (d >> 2) & 0xF;
        if (attr == 0xF) prot |= PROT_CACHE;
        if (attr == 0x1) prot |= PROT_MMIO;
    }
    if (d & (3ull << 53)) prot |= PROT_NOEXEC;
    return prot;
}

TEST(PgtableVectors, RegistersWalksAndDescriptorsMatchLinux)
{
    std::string dir = vectors_dir();
    if (dir.empty()) GTEST_SKIP() << "no ../shared/vectors/pgtable";
    DIR *dp = opendir(dir.c_str());
    ASSERT_NE(dp, nullptr);
    unsigned files = 0, walks = 0, descs = 0;
    while (dirent *de = readdir(dp)) {
        std::string fn = de->d_name;
        if (fn.size() < 7 || fn.substr(fn.size() - 7) != ".vec.gz" || fn.rfind("nested", 0) == 0) continue;
        Vector v;
        ASSERT_TRUE(load(dir + "/" + fn, v)) << fn;
        SCOPED_TRACE(fn);
        const std::string p = v.kind + ".";
        Stage st = v.kind == "s1" ? Stage::S1 : Stage::S2;
        PgtableConfig c;
        c.stage = st;
        c.granule_log2 = log2u(v.get(p + "granule"));
        c.ias = v.get(p + "ias");
        c.oas = v.get(p + "oas");
        c.coherent = v.get(p + "coherent") != 0;
        c.quirk_hd = v.kv.count("s1.quirks") && v.kv["s1.quirks"] == "hd";
        SparseMemory mine;
        PhysAllocator alloc(0x40000000ull, 0x10000000ull);
        IoPgtable t(c, mine, alloc);
        ASSERT_TRUE(t.ok());
        files++;

        // Register values.
        IoPgtable::Tcr tcr = t.tcr();
        EXPECT_EQ(tcr.t0sz, v.tcr["t0sz"]);
        EXPECT_EQ(tcr.irgn, v.tcr[st == Stage::S1 ? "irgn0" : "irgn"]);
        EXPECT_EQ(tcr.orgn, v.tcr[st == Stage::S1 ? "orgn0" : "orgn"]);
        EXPECT_EQ(tcr.sh, v.tcr[st == Stage::S1 ? "sh0" : "sh"]);
        EXPECT_EQ(tcr.tg, v.tcr[st == Stage::S1 ? "tg0" : "tg"]);
        EXPECT_EQ(tcr.ips, v.tcr[st == Stage::S1 ? "ips" : "ps"]);
        if (st == Stage::S2) EXPECT_EQ(tcr.sl0, v.tcr["sl0"]);
        else EXPECT_EQ("0x" + [&] { char b[32]; snprintf(b, sizeof b, "%llx", (unsigned long long)t.mair()); return std::string(b); }(), v.kv["s1.mair"]);
        EXPECT_EQ(t.pgsize_bitmap(), std::stoull(v.kv[p + "pgsizes"], nullptr, 0));

        uint64_t ttbr = std::stoull(v.kv[st == Stage::S1 ? "s1.ttbr" : "s2.vttbr"], nullptr, 0);
        for (const Query &q : v.q) {
            uint64_t pa = 0, desc = 0;
            int lvl = -1;
            bool hit = t.walk(v.mem, ttbr, q.iova, &pa, &desc, &lvl);
            if (q.outcome == "OK") {
                ASSERT_TRUE(hit) << std::hex << q.iova;
                EXPECT_EQ(pa, q.out) << std::hex << q.iova;
                walks++;
                if (c.quirk_hd) continue;   // writable-clean pages were changed after mapping
                // Rebuild the same mapping with our builder: the leaf descriptor must be bit-identical.
                uint64_t bs = t.block_size(lvl);
                int r = t.map(q.iova & ~(bs - 1), pa & ~(bs - 1), bs, 1, prot_of(desc, st));
                ASSERT_TRUE(r == 0 || r == -EEXIST) << r;
                uint64_t pa2, desc2;
                int lvl2;
                ASSERT_TRUE(t.iova_to_phys(q.iova, &pa2, &desc2, &lvl2));
                EXPECT_EQ(lvl2, lvl);
                EXPECT_EQ(desc2, desc) << std::hex << q.iova;
                EXPECT_EQ(pa2, pa);
                descs++;
            } else if (q.outcome == "T1" || q.outcome == "T2") {
                EXPECT_FALSE(hit) << std::hex << q.iova;
            }
        }
    }
    closedir(dp);
    EXPECT_GE(files, 30u);
    EXPECT_GT(walks, 1000u);
    EXPECT_GT(descs, 500u);
}

struct Fixture : ::testing::Test {
    SparseMemory mem;
    PhysAllocator alloc{0x10000000ull, 0x10000000ull};
};

TEST_F(Fixture, DescriptorBitsPerProt)
{
    PgtableConfig c;
    IoPgtable s1(c, mem, alloc);
    c.stage = Stage::S2;
    IoPgtable s2(c, mem, alloc);
    struct Case { const IoPgtable *t; unsigned prot; uint64_t pte; };
    const Case cases[] = {
        // S1: nG | AF | SH | AP | AttrIndx | XN
        {&s1, PROT_READ | PROT_WRITE | PROT_CACHE, 1ull << 11 | 1ull << 10 | 3ull << 8 | 1ull << 6 | 1ull << 2},
        {&s1, PROT_READ, 1ull << 11 | 1ull << 10 | 2ull << 8 | 1ull << 7 | 1ull << 6},
        {&s1, PROT_READ | PROT_PRIV | PROT_NOEXEC, 1ull << 11 | 1ull << 10 | 2ull << 8 | 1ull << 7 | 3ull << 53},
        {&s1, PROT_READ | PROT_WRITE | PROT_MMIO, 1ull << 11 | 1ull << 10 | 2ull << 8 | 1ull << 6 | 2ull << 2},
        // S2: S2AP | MemAttr | SH | AF | XN
        {&s2, PROT_READ | PROT_WRITE | PROT_CACHE, 1ull << 10 | 3ull << 8 | 3ull << 6 | 0xFull << 2},
        {&s2, PROT_READ, 1ull << 10 | 2ull << 8 | 1ull << 6 | 0x5ull << 2},
        {&s2, PROT_WRITE | PROT_MMIO | PROT_NOEXEC, 1ull << 10 | 2ull << 8 | 1ull << 7 | 0x1ull << 2 | 3ull << 53},
    };
    for (const Case &k : cases) EXPECT_EQ(k.t->prot_to_pte(k.prot), k.pte) << k.prot;
}

TEST_F(Fixture, PageSizesPerGranuleAndLevels)
{
    struct Case { unsigned g, ias, oas; Stage st; uint64_t pgsizes; int start; };
    const Case cases[] = {
        {12, 48, 48, Stage::S1, 0x40201000, 0},
        {12, 39, 40, Stage::S1, 0x40201000, 1},
        {14, 48, 48, Stage::S1, 0x2004000, 0},
        {14, 47, 48, Stage::S1, 0x2004000, 1},
        {16, 48, 52, Stage::S1, 0x40020010000ull, 1},
        {16, 42, 42, Stage::S1, 0x20010000, 2},
        {12, 40, 44, Stage::S2, 0x40201000, 1},   // 2 level-0 entries: concatenated at level 1
        {12, 32, 32, Stage::S1, 0x40201000, 1},
    };
    for (const Case &k : cases) {
        PgtableConfig c;
        c.granule_log2 = k.g;
        c.ias = k.ias;
        c.oas = k.oas;
        c.stage = k.st;
        IoPgtable t(c, mem, alloc);
        EXPECT_EQ(t.pgsize_bitmap(), k.pgsizes) << k.g << "/" << k.ias;
        EXPECT_EQ(t.start_level(), k.start) << k.g << "/" << k.ias;
    }
}

TEST_F(Fixture, UnmapInsideABlockSplitsIt)
{
    PgtableConfig c;
    IoPgtable t(c, mem, alloc);
    ASSERT_EQ(t.map(0x40000000, 0x80000000, 0x200000, 1, PROT_READ | PROT_WRITE), 0);
    size_t tables = t.tables();
    TlbGather g;
    EXPECT_EQ(t.unmap(0x40003000, 0x1000, 1, &g), 0x1000u);
    EXPECT_EQ(t.tables(), tables + 1);
    ASSERT_EQ(g.ranges.size(), 1u);
    EXPECT_EQ(g.ranges[0].start, 0x40003000u);
    EXPECT_EQ(g.ranges[0].pgsize, 0x1000u);
    uint64_t pa, d;
    int lvl;
    EXPECT_FALSE(t.iova_to_phys(0x40003000, &pa));
    ASSERT_TRUE(t.iova_to_phys(0x40004123, &pa, &d, &lvl));
    EXPECT_EQ(pa, 0x80004123u);
    EXPECT_EQ(lvl, 3);
    EXPECT_EQ(d & 3, 3u);
    ASSERT_TRUE(t.iova_to_phys(0x401FF000, &pa));
    EXPECT_EQ(pa, 0x801FF000u);
}

TEST_F(Fixture, UnmapOfAWholeTableFreesItWithAWalkFlush)
{
    PgtableConfig c;
    IoPgtable t(c, mem, alloc);
    std::vector<std::array<uint64_t, 3>> flushes;
    t.on_flush_walk = [&](uint64_t iova, uint64_t size, uint64_t gran) { flushes.push_back({iova, size, gran}); };
    ASSERT_EQ(t.map_region(0x200000, 0x600000, 0x200000, PROT_READ, 0x1000), 0);
    size_t tables = t.tables();
    uint64_t used = alloc.in_use();
    TlbGather g;
    EXPECT_EQ(t.unmap_region(0x200000, 0x200000, &g), 0x200000u);
    ASSERT_EQ(flushes.size(), 1u);
    EXPECT_EQ(flushes[0], (std::array<uint64_t, 3>{0x200000, 0x200000, 0x1000}));
    EXPECT_EQ(t.tables(), tables - 1);
    EXPECT_EQ(alloc.in_use(), used - 0x1000);
    ASSERT_EQ(g.ranges.size(), 1u);
    EXPECT_EQ(g.ranges[0].pgsize, 0x200000u);
}

TEST_F(Fixture, BlockOverTableReplacesTheTable)
{
    PgtableConfig c;
    IoPgtable t(c, mem, alloc);
    unsigned walks = 0;
    t.on_flush_walk = [&](uint64_t, uint64_t, uint64_t) { walks++; };
    ASSERT_EQ(t.map(0x200000, 0x600000, 0x1000, 4, PROT_READ), 0);
    // Occupied leaves refuse a second map; a block may replace the (now empty) table once unmapped.
    EXPECT_EQ(t.map(0x200000, 0x700000, 0x1000, 1, PROT_READ), -EEXIST);
    EXPECT_EQ(t.unmap(0x200000, 0x1000, 4, nullptr), 0x4000u);
    EXPECT_EQ(t.map(0x200000, 0xA00000, 0x200000, 1, PROT_READ), 0);
    EXPECT_EQ(walks, 1u);
    uint64_t pa;
    ASSERT_TRUE(t.iova_to_phys(0x212345, &pa));
    EXPECT_EQ(pa, 0xA12345u);
}

TEST_F(Fixture, RejectsBadSizesAndRanges)
{
    PgtableConfig c;
    c.ias = 39;
    c.oas = 40;
    IoPgtable t(c, mem, alloc);
    EXPECT_EQ(t.map(0x1000, 0x2000, 0x3000, 1, PROT_READ), -EINVAL);
    EXPECT_EQ(t.map(0x1800, 0x2000, 0x1000, 1, PROT_READ), -EINVAL);
    EXPECT_EQ(t.map(1ull << 39, 0x2000, 0x1000, 1, PROT_READ), -ERANGE);
    EXPECT_EQ(t.map(0x1000, 1ull << 40, 0x1000, 1, PROT_READ), -ERANGE);
    EXPECT_EQ(t.map(0x1000, 0x2000, 0x10000, 1, PROT_READ), -EINVAL);   // 64K is not a 4K-granule size
    EXPECT_EQ(t.unmap(0x5000, 0x1000, 1, nullptr), 0u);
}

TEST_F(Fixture, FiftyTwoBitOutputAddressUsesBits15To12)
{
    PgtableConfig c;
    c.granule_log2 = 16;
    c.oas = 52;
    IoPgtable t(c, mem, alloc);
    ASSERT_EQ(t.map(0x10000, 0xF000000010000ull, 0x10000, 1, PROT_READ), 0);
    uint64_t pa, d;
    ASSERT_TRUE(t.iova_to_phys(0x10004, &pa, &d));
    EXPECT_EQ(pa, 0xF000000010004ull);
    EXPECT_EQ(d & 0x0000FFFFFFFFF000ull, 0x1F000ull);
}

} // namespace
