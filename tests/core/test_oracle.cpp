// SPDX-License-Identifier: BSD-3-Clause
// Differential check: smmu_translate (TLBs, walk caches, configuration cache) against the reference
// translator in oracle.h on random configurations and random tables, with random descriptor, STE and CD
// changes each followed by a random choice among the invalidations the architecture requires (4.3, 4.4,
// 3.17). Status, address, permissions, attributes and the event record must match after every one.
// SMMU_ORACLE_OPS (environment) scales the run: docs/robustness.md gives the long run.
#include <cstdlib>
#include <random>

#include "oracle.h"
#include <sstream>

#include "e2e_util.h"

namespace {

constexpr unsigned kStreams = 8;
constexpr uint64_t kS1Region = th::kTables, kS2Region = th::kTables + 0x4000000;
constexpr uint64_t kIpaData = 0x80000000ull, kPaData = 0x100000000ull;
const uint8_t kMair[] = {0x00, 0x04, 0x0C, 0x44, 0xFF, 0xBB, 0xAA, 0xEE, 0xF4, 0x4F};
const uint8_t kS2MemAttr[] = {0x0, 0x1, 0x5, 0xA, 0xF, 0x7, 0xD, 0xF, 0xF};

struct Slot { unsigned stage, stream, level; uint64_t addr, ia; bool table; uint64_t orig; };

struct Stream {
    unsigned config, t0sz, s2t0sz, cdmax, s1dss;
    bool l1_valid = true;
    uint64_t s1root, s2root, cdtab, s1next, s2next;
};

struct Oracle : th::Smmu {
    std::mt19937_64 rng;
    Stream st[kStreams];
    std::vector<Slot> slots;
    unsigned mismatches = 0;
    uint64_t compared = 0, faults = 0, oks = 0, invalidations = 0, af_checked = 0;
    // Odd seeds: a 2-level stream table (SPLIT 6, LOG2SIZE 8; streams 0-3 are SIDs 0-3 under L1STD 0 and
    // streams 4-7 SIDs 64-67 under L1STD 1, Span 3) and 2-level CD tables (S1Fmt 1, S1CDMax 7: SSIDs 0-3 in
    // leaf 0, 64-67 in leaf 1).
    bool two_level = false;
    static constexpr uint64_t kL1St = th::kStrtab + 0x8000, kL2St = th::kStrtab + 0x10000;
    static constexpr unsigned kCds = 8;
    uint32_t sid_of(unsigned i) const { return two_level ? (i / 4) * 64 + i % 4 : i; }
    int stream_of(uint32_t sid) const {
        for (unsigned i = 0; i < kStreams; i++) if (sid_of(i) == sid) return (int)i;
        return -1;
    }
    uint64_t ste_addr(unsigned i) const { return two_level ? kL2St + (i / 4) * 0x1000 + (i % 4) * 64ull : th::kStrtab + i * 64ull; }
    uint32_t ssid_of(unsigned c) const { return two_level ? (c < 4 ? c : 64 + c - 4) : c; }
    uint64_t cd_addr(unsigned i, unsigned c) const {
        return two_level ? st[i].cdtab + 0x1000 * (1 + c / 4) + (c % 4) * 64ull : st[i].cdtab + c * 64ull;
    }
    void put_ste(unsigned i) { th::Qwords8 q = make_ste(i); for (int k = 0; k < 8; k++) mem.w64(ste_addr(i) + 8 * k, q[k]); }
    void put_l1(unsigned idx, bool valid) { mem.w64(kL1St + idx * 8, valid ? (kL2St + idx * 0x1000) | 3 : 0); }

    void TestBody() override {}

    uint64_t rnd(uint64_t n) { return rng() % n; }
    bool chance(unsigned pct) { return rnd(100) < pct; }

    uint64_t &next_of(unsigned stage, unsigned i) { return stage == 1 ? st[i].s1next : st[i].s2next; }
    // Descriptor slot for `ia` at `leaf` level from `root` (start level `start`), tables allocated on demand.
    uint64_t slot(unsigned stage, unsigned i, uint64_t root, unsigned start, uint64_t ia, unsigned leaf) {
        uint64_t table = root;
        for (unsigned l = start; l < leaf; l++) {
            uint64_t at = table + ((ia >> (39 - 9 * l)) & 0x1FF) * 8, d = mem.r64(at);
            if ((d & 3) != 3) {
                uint64_t t = next_of(stage, i);
                next_of(stage, i) += 0x1000;
                d = t | 3;
                mem.w64(at, d);
                slots.push_back({stage, i, l, at, ia & ~((1ull << (39 - 9 * l)) - 1), true, d});
            }
            table = d & 0x0000FFFFFFFFF000ull;
        }
        return table + ((ia >> (39 - 9 * leaf)) & 0x1FF) * 8;
    }
    uint64_t leaf_desc(unsigned stage, unsigned level, uint64_t oa) {
        uint64_t d = (oa & 0x0000FFFFFFFFF000ull & ~((1ull << (39 - 9 * level)) - 1)) | (level == 3 ? 3 : 1);
        if (!chance(20)) d |= 0x400;                                               // AF
        d |= rnd(4) << 6 | (uint64_t[]){0, 2, 3}[rnd(3)] << 8;                     // AP / S2AP, SH
        if (stage == 1) d |= rnd(8) << 2 | 1ull << 11 | (chance(20) ? 1ull << 53 : 0) | (chance(20) ? 1ull << 54 : 0);
        else d |= (uint64_t)kS2MemAttr[rnd(sizeof kS2MemAttr)] << 2 | (chance(30) ? rnd(4) << 53 : 0);
        return d;
    }
    void map(unsigned stage, unsigned i, uint64_t ia, uint64_t oa, unsigned level, bool identity_ok = false) {
        const Stream &s = st[i];
        uint64_t root = stage == 1 ? s.s1root : s.s2root;
        unsigned start = stage == 1 ? 4 - (64 - s.t0sz - 12 + 8) / 9 : (s.s2t0sz == 16 ? 0 : 1);
        if (level < start) return;
        uint64_t at = slot(stage, i, root, start, ia, level);
        uint64_t d = leaf_desc(stage, level, oa);
        if (identity_ok)   // readable (writable half the time: a stage-1 AF update is a stage-2 write), WB
            d = (oa & 0x0000FFFFFFFFF000ull) | 3 | 0x400 | (chance(50) ? 3ull : 1ull) << 6 | 0xFull << 2 | 3ull << 8;
        mem.w64(at, d);
        slots.push_back({stage, i, level, at, ia & ~((1ull << (39 - 9 * level)) - 1), false, d});
    }

    void build(uint64_t seed) {
        rng.seed(seed);
        strtab_log2 = 5;
        cfg.httu = 1;   // Access flag updates (CD.HA, STE.S2HA); no dirty state (no DBM in the generator)
        two_level = seed & 1;
        create();
        bringup(!two_level);
        if (two_level) {
            w64(0x80, kL1St);
            w32(0x88, 1u << 16 | 6u << 6 | 8u);   // FMT 2-level, SPLIT 6, LOG2SIZE 8
            for (unsigned idx = 0; idx < 8; idx++) put_l1(idx, idx < 2);
            set_cr0(0xD);
        }
        for (unsigned i = 0; i < kStreams; i++) {
            Stream &s = st[i];
            const unsigned configs[] = {4, 5, 5, 6, 7, 7, 7};
            s.config = configs[rnd(7)];
            s.t0sz = (unsigned[]){16, 25, 34}[rnd(3)];
            s.s2t0sz = chance(50) ? 16 : 25;
            s.cdmax = chance(50) ? 0 : two_level ? 7 : 2;
            s.s1dss = rnd(3);
            s.s1next = kS1Region + i * 0x200000;
            s.s2next = kS2Region + i * 0x200000;
            s.s1root = s.s1next; s.s1next += 0x1000;
            s.s2root = s.s2next; s.s2next += 0x1000;
            s.cdtab = th::kCdBase + i * 0x4000;
            // Stage 1: pages, a 2 MB block, a 1 GB block (outside a T0SZ 34 range).
            for (uint64_t k = 0; k < 8; k++) map(1, i, 0x10000000 + k * 0x1000, kIpaData + rnd(64) * 0x1000, 3);
            map(1, i, 0x10200000, kIpaData + 0x200000 * (1 + rnd(4)), 2);
            map(1, i, 0x40000000, 0xC0000000ull, 1);
            // Stage 2: the data IPAs, the CD page and the stage-1 tables (identity, readable).
            for (uint64_t k = 0; k < 64; k++) map(2, i, kIpaData + k * 0x1000, kPaData + rnd(256) * 0x1000, 3);
            for (uint64_t k = 1; k < 5; k++) map(2, i, kIpaData + 0x200000 * k, kPaData + 0x200000 * k, 2);
            map(2, i, 0xC0000000ull, 0x140000000ull, 1);
            for (uint64_t p = s.cdtab; p < s.cdtab + 0x3000; p += 0x1000) map(2, i, p, p, 3, true);
            for (uint64_t p = kS1Region + i * 0x200000; p < s.s1next; p += 0x1000) map(2, i, p, p, 3, true);
            for (unsigned c = 0; c < kCds; c++) write_cd(cd_addr(i, c), make_cd(i, c));
            if (two_level) for (uint64_t k = 0; k < 2; k++) mem.w64(s.cdtab + 8 * k, (s.cdtab + 0x1000 * (1 + k)) | 1);
            put_ste(i);
        }
        submit({th::cmd::cfgi_all(), th::cmd::tlbi_nsnh_all()});
        sync();
    }
    // One ASID per CD: contexts that share an ASID must share their translation regime (MAIR, T0SZ).
    static uint16_t asid_of(unsigned i, unsigned c) { return (uint16_t)((i + 1) * 16 + c); }
    th::Qwords8 make_cd(unsigned i, unsigned cdi) {
        stu::Cd c = stu::linux_cd(st[i].s1root, asid_of(i, cdi));
        c.t0sz(st[i].t0sz).r(!chance(10)).ha(chance(30));
        uint64_t mair = 0;
        for (int b = 0; b < 8; b++) mair |= (uint64_t)kMair[rnd(sizeof kMair)] << (8 * b);
        c.mair(mair);
        if (chance(3)) c.v(false);
        return c.q;
    }
    th::Qwords8 make_ste(unsigned i) {
        const Stream &s = st[i];
        stu::Ste e = stu::linux_s2(s.s2root, i + 1);
        e.config(s.config).ctxptr(two_level && s.cdmax == 0 ? cd_addr(i, 0) : s.cdtab).s1fmt(two_level ? 1 : 0).cdmax(s.cdmax).s1dss(s.s1dss).s1cir(1).s1cor(1).s1csh(3);
        e.s2t0sz(s.s2t0sz).s2sl0(s.s2t0sz == 16 ? 2 : 1).s2r(!chance(10)).s2ha(chance(30));
        if (chance(3)) e.config(0);
        if (chance(3)) e.v(false);
        return e.q;
    }

    bool skip_invalidations = false;   // the negative control: software that forgets them
    bool quiet = false;
    void cmd(std::initializer_list<std::array<uint64_t, 2>> c) {
        if (skip_invalidations) return;
        submit(c);
        sync();
        invalidations++;
    }

    void mutate() {
        unsigned what = rnd(10);
        if (what < 7 && !slots.empty()) {   // a descriptor
            Slot &sl = slots[rnd(slots.size())];
            const Stream &s = st[sl.stream];
            uint16_t vmid = sl.stream + 1;
            if (sl.table) mem.w64(sl.addr, chance(50) ? sl.orig : (sl.orig & ~1ull) | (chance(50) ? 1 : 0) |
                                  (sl.stage == 1 && chance(30) ? rnd(16) << 59 : 0));
            else if (chance(15)) mem.w64(sl.addr, 0);
            else {
                uint64_t oa = sl.stage == 1 ? kIpaData + rnd(64) * 0x1000 : kPaData + rnd(256) * 0x1000;
                if (sl.level < 3) oa = (sl.stage == 1 ? kIpaData : kPaData) + 0x200000 * (1 + rnd(4));
                if (sl.level == 1) oa = sl.stage == 1 ? 0xC0000000ull : 0x140000000ull;
                if (chance(5)) oa |= 1ull << 45;                       // beyond IPS 44 / S2PS 48 for stage 1
                if (chance(3)) oa |= 1ull << 47 | 1ull << 46;
                uint64_t d = leaf_desc(sl.stage, sl.level, oa);
                if (sl.stage == 2 && sl.ia >= kS1Region && sl.ia < kS2Region && chance(70)) d = sl.orig;
                mem.w64(sl.addr, d);
            }
            (void)s;
            bool leaf3 = !sl.table && sl.level == 3, leaf = !sl.table;
            if (sl.stage == 1) {
                // The stream's four CDs (four ASIDs) share the stage-1 tables.
                uint64_t va = sl.ia + (leaf3 ? 0 : rnd(1ull << (39 - 9 * sl.level)) & ~0xFFFull);
                bool lf = chance(50);
                switch (rnd(leaf ? 4 : 3)) {
                case 0: {
                    uint16_t a0 = asid_of(sl.stream, 0);
                    for (unsigned c = 0; c < kCds; c++) cmd({e2e::tlbi_nh_asid(vmid, a0 + c)});
                    break;
                }
                case 1: cmd({{th::cmd::TLBI_NH_ALL | (uint64_t)vmid << 32, 0}}); break;
                case 2: cmd({th::cmd::tlbi_nsnh_all()}); break;
                default:
                    if (chance(50)) cmd({{th::cmd::TLBI_NH_VAA | (uint64_t)vmid << 32, va | lf}});
                    else {
                        uint16_t a0 = asid_of(sl.stream, 0);
                        for (unsigned c = 0; c < kCds; c++) cmd({e2e::tlbi_nh_va(vmid, a0 + c, va, lf)});
                    }
                }
            } else {
                // Stage 2 also translates CD and stage-1 table addresses: the configuration cache goes too.
                switch (rnd(leaf ? 3 : 2)) {
                case 0: cmd({e2e::tlbi_s12_vmall(vmid), th::cmd::cfgi_ste(sid_of(sl.stream), false)}); break;
                case 1: cmd({th::cmd::tlbi_nsnh_all(), th::cmd::cfgi_all()}); break;
                default: cmd({e2e::tlbi_s2_ipa(vmid, sl.ia + (leaf3 ? 0 : rnd(1ull << (39 - 9 * sl.level)) & ~0xFFFull), chance(50)),
                              {th::cmd::TLBI_NH_ALL | (uint64_t)vmid << 32, 0}, th::cmd::cfgi_ste(sid_of(sl.stream), false)});
                }
            }
        } else if (what < 9 && two_level && chance(30)) {   // an L1STD or an L1CD: configuration caches only (4.3)
            unsigned i = rnd(kStreams);
            if (chance(50)) {
                unsigned idx = i / 4;
                bool v = chance(50);
                put_l1(idx, v);
                for (unsigned k = 0; k < 4; k++) st[idx * 4 + k].l1_valid = v;
                if (chance(50)) cmd({th::cmd::cfgi_all()});
                else cmd({{th::cmd::CFGI_STE_RANGE | (uint64_t)(idx * 64) << 32, 6}});   // Range 6: SIDs idx*64..+63
            } else {
                unsigned k = rnd(2);
                mem.w64(st[i].cdtab + 8 * k, chance(50) ? (st[i].cdtab + 0x1000 * (1 + k)) | 1 : 0);
                if (chance(50)) cmd({{th::cmd::CFGI_CD_ALL | (uint64_t)sid_of(i) << 32, 0}});
                else cmd({th::cmd::cfgi_ste(sid_of(i), false)});
            }
        } else if (what < 9) {              // a CD
            unsigned i = rnd(kStreams), c = rnd(kCds);
            write_cd(cd_addr(i, c), make_cd(i, c));
            cmd({th::cmd::cfgi_cd(sid_of(i), ssid_of(c)), e2e::tlbi_nh_asid(i + 1, asid_of(i, c))});
        } else {                            // an STE
            unsigned i = rnd(kStreams);
            const unsigned configs[] = {4, 5, 6, 7};
            st[i].config = configs[rnd(4)];
            st[i].cdmax = chance(50) ? 0 : two_level ? 7 : 2;
            st[i].s1dss = rnd(3);
            put_ste(i);
            cmd({th::cmd::cfgi_ste(sid_of(i)), e2e::tlbi_s12_vmall(i + 1)});
        }
    }

    void query() {
        smmu_txn_t t{};
        t.sid = chance(3) ? (two_level ? (uint32_t[]){4, 63, 68, 130, 300}[rnd(5)] : 32 + rnd(8)) : sid_of(rnd(kStreams));
        switch (rnd(6)) {
        case 0: t.addr = 0x10200000 + rnd(0x200000); break;
        case 1: t.addr = 0x40000000 + rnd(0x40000000); break;
        case 2: t.addr = rng() & (chance(50) ? 0xFFFFFFFFFFFFull : ~0ull); break;
        default: t.addr = 0x10000000 + rnd(10) * 0x1000 + rnd(0x1000);
        }
        t.ssv = chance(30);
        t.ssid = two_level ? (uint32_t[]){0, 1, 2, 3, 4, 64, 65, 66, 67, 68, 130}[rnd(11)] : rnd(5);
        t.write = chance(40);
        t.instr = chance(20);
        t.priv = chance(50);
        oracle::Ref ref(mem, two_level ? kL1St : th::kStrtab, two_level ? 8 : strtab_log2, two_level, 6);
        oracle::Out want = ref.translate(t);
        smmu_result_t got = xlate(t.sid, t.addr, t.write, t.ssid, t.ssv, t.priv, t.instr);
        auto ev = pop_events();
        compared++;
        if (got.status == SMMU_OK && want.status == SMMU_OK)
            for (uint64_t leaf : ref.af_leaves())
                if (++af_checked && !(mem.r64(leaf) & 0x400) && ++mismatches <= 10 && !quiet)
                    ADD_FAILURE() << std::hex << "sid " << t.sid << " addr 0x" << t.addr << ": leaf at 0x" << leaf
                                  << " still has AF 0 after a successful translation with HA";
        (want.status == SMMU_OK ? oks : faults)++;
        std::ostringstream why;
        if (got.status != want.status) why << " status " << got.status << " want " << want.status;
        if (want.status == SMMU_OK) {
            if (got.pa != want.pa) why << std::hex << " pa 0x" << got.pa << " want 0x" << want.pa;
            if (got.read_ok != want.r || got.write_ok != want.w || got.exec_ok != want.x)
                why << " perms " << got.read_ok << got.write_ok << got.exec_ok << " want " << want.r << want.w << want.x;
            if (got.memattr != want.memattr || got.sh != want.sh)
                why << std::hex << " attr 0x" << (int)got.memattr << "/" << (int)got.sh << " want 0x" << (int)want.memattr << "/" << (int)want.sh;
        }
        if (ev.size() != (want.event ? 1u : 0u)) why << " " << ev.size() << " records, want " << want.event;
        else if (want.event) {
            auto r = ev[0];
            unsigned id = r[0] & 0xFF;
            bool s2 = (r[1] >> 39) & 1;
            uint64_t m1 = (id == 0x13 && ((r[1] >> 40) & 3) == 1) ? ~0ull : ~(1ull << 44);   // TTRnW: Permission/TT only
            if (r[0] != want.rec[0] || (r[1] & m1) != (want.rec[1] & m1) || r[2] != want.rec[2] ||
                ((s2 || id < 0x10) && r[3] != want.rec[3]))
                why << std::hex << " record " << r[0] << " " << r[1] << " " << r[2] << " " << r[3] << " want " << want.rec[0]
                    << " " << want.rec[1] << " " << want.rec[2] << " " << want.rec[3];
        }
        if (!why.str().empty() && ++mismatches <= 10 && !quiet) {
            // Diagnosis: the same translation after invalidating everything tells a stale cache from a
            // disagreement about the architecture.
            submit({th::cmd::cfgi_all(), th::cmd::tlbi_nsnh_all()});
            sync();
            smmu_result_t cold = xlate(t.sid, t.addr, t.write, t.ssid, t.ssv, t.priv, t.instr);
            pop_events();
            why << std::hex << " | cold: status " << cold.status << " pa 0x" << cold.pa << " attr 0x" << (int)cold.memattr
                << "/" << (int)cold.sh << " perms " << cold.read_ok << cold.write_ok << cold.exec_ok << " event 0x" << (int)cold.event;
            ADD_FAILURE() << std::hex << "sid " << t.sid << " config " << (stream_of(t.sid) >= 0 ? st[stream_of(t.sid)].config : 99)
                          << " addr 0x" << t.addr << " ssv " << t.ssv << " ssid " << t.ssid << " w" << t.write << " x" << t.instr
                          << " p" << t.priv << ":" << why.str();
        }
    }
};

uint64_t ops_from_env(uint64_t dflt) {
    const char *e = std::getenv("SMMU_ORACLE_OPS");
    return e ? std::strtoull(e, nullptr, 0) : dflt;
}

struct OracleSeeds : ::testing::TestWithParam<uint64_t> {};

TEST_P(OracleSeeds, CachedModelMatchesTheReferenceAfterEveryInvalidation) {
    Oracle o;
    o.build(GetParam());
    ASSERT_FALSE(HasFatalFailure());
    const uint64_t ops = ops_from_env(4000);
    for (uint64_t n = 0; n < ops && o.mismatches < 10; n++) {
        if (o.chance(25)) o.mutate();
        else o.query();
    }
    EXPECT_EQ(o.mismatches, 0u) << "of " << o.compared << " translations";
    EXPECT_GT(o.oks, o.compared / 20) << "the generator must produce successful translations";
    EXPECT_GT(o.faults, o.compared / 20) << "and faults";
    RecordProperty("translations", (int)o.compared);
    RecordProperty("ok", (int)o.oks);
    RecordProperty("invalidations", (int)o.invalidations);
    RecordProperty("af_updates", (int)o.af_checked);
}

// The control: the same generator with the invalidations left out must be caught (the cached model then
// answers from stale entries), or the comparison above would prove nothing.
TEST(OracleControl, SkippedInvalidationsAreDetected) {
    Oracle o;
    o.build(7);
    ASSERT_FALSE(HasFatalFailure());
    o.skip_invalidations = o.quiet = true;
    for (uint64_t n = 0; n < 4000 && o.mismatches < 10; n++) {
        if (o.chance(25)) o.mutate();
        else o.query();
    }
    EXPECT_GE(o.mismatches, 10u) << "of " << o.compared << " translations";
}

INSTANTIATE_TEST_SUITE_P(Seeds, OracleSeeds, ::testing::Values(1, 2, 3, 4, 5, 6));

} // namespace
