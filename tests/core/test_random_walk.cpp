// SPDX-License-Identifier: BSD-3-Clause
// Seeded random page tables (stage 1, stage 2, nested; 4K/16K/64K) translated through smmu_translate and
// checked against a small reference walk written here from the Arm ARM rules (not walk.c), with remaps
// followed by TLBI_NH_VA / TLBI_NH_ASID / TLBI_S2_IPA / TLBI_S12_VMALL + CMD_SYNC in between.
#include "e2e_util.h"

#include <cstdio>
#include <random>

namespace {

constexpr uint32_t kSid = 2;
constexpr uint16_t kVmid = 9, kAsid = 0x21;
constexpr uint64_t kS1Tables = 0x2000'0000, kS2Tables = 0x3000'0000;
constexpr uint64_t kTableIpa = 0x0100'0000, kIpaToPa = 0x1'0000'0000;   // nested: stage-1 tables at IPA, PA = IPA + K
constexpr uint64_t kCdIpa = 0x00F0'0000;
constexpr uint64_t kOaMask = 0x0000'FFFF'FFFF'F000ull;                  // OA[47:12] of a descriptor

unsigned shift_of(unsigned g, unsigned level) { return g + (3 - level) * (g - 3); }

// One translation regime as the reference sees it.
struct Regime {
    unsigned stage = 1, g = 12, ia = 48, start = 0, ps = 48;
    uint64_t ttb = 0;
    bool xnx = true;
    unsigned idx_bits(unsigned level) const { return level == start ? ia - shift_of(g, level) : g - 3; }
    bool block_ok(unsigned level) const { return g == 12 ? (level == 1 || level == 2) : level == 2; }
    unsigned contig(unsigned level) const {   // entries in a contiguous run (Arm ARM D8.6.1)
        if (g == 12) return 16;
        if (g == 14) return level == 3 ? 128 : 32;
        return 32;
    }
};

struct Outcome {
    unsigned id = 0;      // 0 = translated, else the EventID
    bool s2 = false;
    uint64_t addr = 0;    // PA when translated, IPA (page) of a stage-2 fault
    bool operator==(const Outcome &o) const { return id == o.id && s2 == o.s2 && addr == o.addr; }
};

std::string show(const Outcome &o) {
    char b[64];
    snprintf(b, sizeof b, "%s%s 0x%llx", o.id ? "fault 0x" : "OK", o.id ? std::to_string(o.id).c_str() : "",
             (unsigned long long)o.addr);
    if (o.id) snprintf(b, sizeof b, "fault %#x s2=%d ipa 0x%llx", o.id, o.s2, (unsigned long long)o.addr);
    return b;
}

struct Acc { bool w, x, priv; };

// The reference walk of one stage. `tab` turns a descriptor address into a PA (identity, or stage 2 for nested
// stage-1 tables); it returns false with *f set on a stage-2 fault.
struct Ref {
    const th::Memory &mem;
    template <class Tab>
    Outcome walk(const Regime &R, uint64_t ia, Acc a, Tab tab, uint64_t *oa) const {
        Outcome f;
        if (R.ia < 64 && (ia >> R.ia)) return {0x10, R.stage == 2, ia & ~0xFFFull};
        uint64_t table = R.ttb;
        bool ap_no_w = false, ap_no_el0 = false, uxn_t = false, pxn_t = false;
        for (unsigned level = R.start;; level++) {
            unsigned sh = shift_of(R.g, level);
            uint64_t idx = (ia >> sh) & ((1ull << R.idx_bits(level)) - 1);
            uint64_t at = table + idx * 8, pa;
            if (!tab(at, &pa, &f)) return f;
            uint64_t d = mem.r64(pa);
            if (!(d & 1)) return {0x10, R.stage == 2, ia & ~0xFFFull};
            bool type = d & 2;
            if (level < 3 && type) {
                if (R.stage == 1) {   // hierarchical limits (APTable, UXNTable, PXNTable)
                    ap_no_w |= (d >> 62) & 1;
                    ap_no_el0 |= (d >> 61) & 1;
                    uxn_t |= (d >> 60) & 1;
                    pxn_t |= (d >> 59) & 1;
                }
                table = d & kOaMask & ~((1ull << R.g) - 1);
                continue;
            }
            if (level == 3 ? !type : !R.block_ok(level)) return {0x10, R.stage == 2, ia & ~0xFFFull};
            uint64_t out = (d & kOaMask & ~((1ull << sh) - 1)) | (ia & ((1ull << sh) - 1));
            if (out >> R.ps) return {0x11, R.stage == 2, ia & ~0xFFFull};
            if (!((d >> 10) & 1)) return {0x12, R.stage == 2, ia & ~0xFFFull};
            bool r, w, x;
            if (R.stage == 1) {
                unsigned ap = (d >> 6) & 3;
                if (ap_no_w) ap |= 2;
                if (ap_no_el0) ap &= 2;
                bool el0_w = ap == 1;
                bool uxn = ((d >> 54) & 1) || uxn_t, pxn = ((d >> 53) & 1) || pxn_t;
                r = a.priv ? true : (ap & 1);
                w = a.priv ? !(ap & 2) : ap == 1;
                x = a.priv ? !pxn && !el0_w : !uxn;   // EL0-writable is never privileged-executable
            } else {
                r = (d >> 6) & 1;
                w = (d >> 7) & 1;
                unsigned xn = (d >> 53) & 3;
                if (!R.xnx) xn &= 2;
                bool px = xn == 0 || xn == 3, ux = xn == 0 || xn == 1;
                x = a.priv ? px : ux;
            }
            bool ok = a.x ? x : a.w ? w : r;
            if (!ok) return {0x13, R.stage == 2, ia & ~0xFFFull};
            *oa = out;
            return {};
        }
    }
};

struct Leaf { uint64_t ia, pa_of_desc; unsigned level; bool contig; };

// Random page-table builder of one stage; `off` maps descriptor addresses to PAs (nested stage-1 tables).
struct Builder {
    th::Memory &mem;
    Regime R;
    std::mt19937_64 &rng;
    uint64_t next, off;
    std::vector<Leaf> leaves;
    std::vector<std::pair<uint64_t, unsigned>> tables;   // PA of a table descriptor, its level
    std::vector<uint64_t> table_addrs;                   // every table (descriptor-space address)

    Builder(th::Memory &m, Regime r, std::mt19937_64 &g, uint64_t base, uint64_t o) : mem(m), R(r), rng(g), next(base), off(o) {
        R.ttb = alloc();
    }
    uint64_t rnd(uint64_t n) { return n ? rng() % n : 0; }
    bool chance(unsigned pct) { return rnd(100) < pct; }
    uint64_t alloc() {
        uint64_t t = next;
        next += 1ull << R.g;
        table_addrs.push_back(t);
        return t;
    }
    uint64_t slot(uint64_t table, unsigned level, uint64_t ia) const {
        return table + ((ia >> shift_of(R.g, level)) & ((1ull << R.idx_bits(level)) - 1)) * 8 + off;
    }
    uint64_t attrs(bool page) {
        uint64_t d = (page ? 3u : 1u) | 1ull << 10 | 3ull << 8;
        if (chance(8)) d &= ~(1ull << 10);                                   // AF = 0
        if (R.stage == 1) {
            d |= rnd(4) << 6 | rnd(8) << 2 | 1ull << 11;                     // AP, AttrIndx, nG
            if (chance(20)) d |= 1ull << 54;                                 // UXN
            if (chance(20)) d |= 1ull << 53;                                 // PXN
        } else {
            d |= 0xFull << 2;                                                // MemAttr Normal WB
            d |= (chance(75) ? 3ull : rnd(4)) << 6;                          // S2AP
            d |= (chance(60) ? 0ull : rnd(4)) << 53;                         // XN[1:0]
        }
        return d;
    }
    // Map a leaf for `ia` at `level`, descending through (or creating) tables. oa_bits bounds the output.
    bool map(uint64_t ia, unsigned level, uint64_t oa, bool contig_ok = true) {
        uint64_t table = R.ttb;
        for (unsigned l = R.start; l < level; l++) {
            uint64_t at = slot(table, l, ia), d = mem.r64(at);
            if ((d & 3) == 3) { table = d & kOaMask & ~((1ull << R.g) - 1); continue; }
            if (d & 1) return false;                                         // a block is in the way
            uint64_t t = alloc();
            uint64_t td = t | 3;
            if (R.stage == 1 && chance(6)) td |= 1ull << (59 + rnd(4));      // one of PXN/UXN/AP[0]/AP[1]Table
            mem.w64(at, td);
            tables.push_back({at, l});
            table = t;
        }
        unsigned sh = shift_of(R.g, level);
        unsigned n = (contig_ok && chance(12)) ? R.contig(level) : 1;
        uint64_t first = ia & ~(((uint64_t)n << sh) - 1);
        if (n > 1 && ((first >> sh) & ((1ull << R.idx_bits(level)) - 1)) + n > (1ull << R.idx_bits(level))) n = 1;
        if (n == 1) first = ia & ~((1ull << sh) - 1);
        for (unsigned i = 0; i < n; i++)
            if (mem.r64(slot(table, level, first + ((uint64_t)i << sh))) & 1) return false;
        uint64_t a = attrs(level == 3) | (n > 1 ? 1ull << 52 : 0);
        uint64_t base = oa & kOaMask & ~(((uint64_t)n << sh) - 1);
        for (unsigned i = 0; i < n; i++) {
            uint64_t at = slot(table, level, first + ((uint64_t)i << sh));
            mem.w64(at, (base + ((uint64_t)i << sh)) | a);
            leaves.push_back({first + ((uint64_t)i << sh), at, level, n > 1});
        }
        return true;
    }
    // Junk in an empty slot: invalid with garbage, a reserved level-3 type, or a block where none is allowed.
    void junk(uint64_t ia) {
        uint64_t table = R.ttb;
        for (unsigned l = R.start; l <= 3; l++) {
            uint64_t at = slot(table, l, ia), d = mem.r64(at);
            if ((d & 3) == 3 && l < 3) { table = d & kOaMask & ~((1ull << R.g) - 1); continue; }
            if (d & 1) return;
            unsigned kind = (unsigned)rnd(3);
            if (kind == 0) mem.w64(at, (rng() & ~1ull));
            else if (kind == 1 && l == 3) mem.w64(at, 0x4000'0000 | 1 | 1ull << 10);
            else if (l == R.start && !R.block_ok(l) && l < 3) mem.w64(at, 0x4000'0000 | 1 | 1ull << 10 | 3ull << 6);
            return;
        }
    }
};

struct Scenario {
    const char *mode;     // "s1", "s2", "nested"
    unsigned g1, g2;
    uint64_t seed;
};

// Legal stage-2 geometry without concatenation: (ia, start level, S2SL0).
void pick_s2(std::mt19937_64 &rng, unsigned g, unsigned min_ia, unsigned &ia, unsigned &start, unsigned &sl0) {
    for (;;) {
        sl0 = (unsigned)(rng() % 3);
        start = g == 12 ? 2 - sl0 : 3 - sl0;
        unsigned lo = shift_of(g, start) + 1, hi = std::min(shift_of(g, start) + g - 3, 48u);
        if (g == 14) hi = std::min(hi, 47u);
        lo = std::max(lo, min_ia);
        if (lo > hi) continue;
        ia = lo + (unsigned)(rng() % (hi - lo + 1));
        return;
    }
}

unsigned s1_start(unsigned g, unsigned ia) {
    unsigned levels = (ia - g + (g - 3) - 1) / (g - 3);
    return 4 - levels;
}

unsigned tg_enc(unsigned g) { return g == 12 ? 0 : g == 16 ? 1 : 2; }

struct Stats { size_t queries = 0, ok = 0, faults = 0, remaps = 0, stale = 0; };

void run(const Scenario &sc, Stats &st) {
    SCOPED_TRACE(std::string(sc.mode) + " g1=" + std::to_string(sc.g1) + " g2=" + std::to_string(sc.g2) +
                 " seed=" + std::to_string(sc.seed));
    std::mt19937_64 rng(sc.seed);
    e2e::Rig rig;
    rig.cfg.xnx = rng() & 1;
    rig.cfg.oas_bits = 48;
    ASSERT_TRUE(rig.create_restricted());
    rig.bringup();
    std::string mode = sc.mode;
    bool has1 = mode != "s2", has2 = mode != "s1", nested = mode == "nested";

    Regime r1, r2;
    r1.stage = 1; r1.g = sc.g1; r1.ia = 28 + (unsigned)(rng() % 21); r1.start = s1_start(r1.g, r1.ia);
    static const unsigned kPs[3] = {40, 44, 48};
    r1.ps = kPs[rng() % 3];
    unsigned sl0 = 0;
    r2.stage = 2; r2.g = sc.g2; r2.xnx = rig.cfg.xnx; r2.ps = 48;
    pick_s2(rng, r2.g, nested ? 33 : 25, r2.ia, r2.start, sl0);
    if (nested) r1.ps = std::min<unsigned>(r1.ps, 48);

    Builder b2(rig.mem, r2, rng, kS2Tables, 0);
    Builder b1(rig.mem, r1, rng, nested ? kTableIpa : kS1Tables, nested ? kIpaToPa : 0);
    r1.ttb = b1.R.ttb;
    r2.ttb = b2.R.ttb;

    auto rand_level = [&](const Regime &R) {
        unsigned l = 3;
        if (rng() % 4 == 0) l = R.g == 12 ? 1 + (unsigned)(rng() % 2) : 2;
        return std::max(l, R.start);
    };
    // Outputs: mostly below 2^40, a few beyond the output size (address size faults).
    auto rand_out = [&](unsigned ps, unsigned lim) {
        uint64_t o = rng() & ((1ull << std::min(lim, 40u)) - 1);
        if (rng() % 25 == 0 && ps < 48) o |= 1ull << (ps + rng() % (48 - ps));
        return o;
    };
    std::vector<uint64_t> ias;   // inputs of stage 1 (or stage 2 alone)
    if (has1) {
        for (int i = 0; i < 48; i++) {
            uint64_t va = rng() & ((1ull << r1.ia) - 1);
            unsigned lim = nested ? r2.ia : 40;
            if (b1.map(va, rand_level(r1), rand_out(r1.ps, lim))) ias.push_back(va);
            if (rng() % 4 == 0) b1.junk(rng() & ((1ull << r1.ia) - 1));
        }
    }
    if (has2) {
        if (nested) {
            // Stage 2 maps the stage-1 tables and the CD (PA = IPA + K), with a few holes and bad permissions.
            std::vector<uint64_t> pages = {kCdIpa};
            for (uint64_t t : b1.table_addrs)
                for (uint64_t p = t; p < t + (1ull << r1.g); p += 1ull << r2.g) pages.push_back(p & ~((1ull << r2.g) - 1));
            for (uint64_t p : pages) {
                if (p != kCdIpa && rng() % 30 == 0) continue;
                if (!b2.map(p, 3, p + kIpaToPa, false)) continue;
                uint64_t at = b2.leaves.back().pa_of_desc, d = rig.mem.r64(at);
                d = (d & ~(3ull << 6 | 1ull << 10)) | 3ull << 6 | 1ull << 10;
                if (p != kCdIpa && rng() % 30 == 0) d &= ~(1ull << 6);          // write-only or no access
                if (p != kCdIpa && rng() % 30 == 0) d &= ~(1ull << 10);         // AF = 0
                rig.mem.w64(at, d);
                b2.leaves.pop_back();                                          // not remapped later
            }
        }
        std::vector<uint64_t> want;   // IPAs stage 2 should map
        if (nested) {
            for (auto &l : b1.leaves)
                if (rng() % 8) want.push_back(rig.mem.r64(l.pa_of_desc) & kOaMask & ((1ull << r2.ia) - 1));
        } else {
            for (int i = 0; i < 48; i++) want.push_back(rng() & ((1ull << r2.ia) - 1));
        }
        for (uint64_t ipa : want) {
            if (b2.map(ipa, rand_level(r2), rand_out(r2.ps, 40)) && !nested) ias.push_back(ipa);
            if (rng() % 4 == 0) b2.junk(rng() & ((1ull << r2.ia) - 1));
        }
    }

    // Program the CD and the STE through the command queue.
    stu::Cd cd;
    cd.t0sz(64 - r1.ia).tg0(tg_enc(r1.g)).ir0(1).or0(1).sh0(3).epd1(true).v().aa64(true).r(true).a(true)
      .asid(kAsid).ttb0(r1.ttb).mair(0xFFFFFFFFFFFFFFFFull);
    cd.ips(r1.ps == 40 ? 2 : r1.ps == 44 ? 4 : 5);
    stu::Ste ste;
    if (mode == "s1") {
        rig.write_cd(th::kCdBase, cd.q);
        ste = stu::linux_s1(th::kCdBase);
        ste.vmid(kVmid);
    } else {
        ste.v().config(nested ? 7 : 6).shcfg(1).vmid(kVmid).s2t0sz(64 - r2.ia).s2sl0(sl0).s2tg(tg_enc(r2.g)).s2ps(5)
           .s2ir0(1).s2or0(1).s2sh0(3).s2aa64(true).s2r(true).s2ttb(r2.ttb);
        if (nested) {
            rig.write_cd(kCdIpa + kIpaToPa, cd.q);
            ste.ctxptr(kCdIpa).s1cir(1).s1cor(1).s1csh(3);
        }
    }
    rig.install(kSid, ste.q);

    Ref ref{rig.mem};
    auto s2_of_table = [&](uint64_t ipa, uint64_t *pa, Outcome *f) {
        uint64_t out;
        Outcome o = ref.walk(r2, ipa, Acc{false, false, true}, [](uint64_t a, uint64_t *p, Outcome *) { *p = a; return true; }, &out);
        if (o.id) { *f = o; f->s2 = true; f->addr = ipa & ~0xFFFull; return false; }
        *pa = out;
        return true;
    };
    auto ident = [](uint64_t a, uint64_t *p, Outcome *) { *p = a; return true; };
    auto expect = [&](uint64_t addr, Acc a) {
        uint64_t out = addr;
        if (has1) {
            if (addr >> 48) return Outcome{0x10, false, 0};
            Outcome o = nested ? ref.walk(r1, addr, a, s2_of_table, &out) : ref.walk(r1, addr, a, ident, &out);
            if (o.id) { if (!o.s2) o.addr = 0; return o; }
        } else if (addr >> 48) {
            return Outcome{0x11, false, 0};          // beyond the IAS with stage 1 bypassed
        }
        if (has2) {
            uint64_t ipa = out;
            Outcome o = ref.walk(r2, ipa, a, ident, &out);
            if (o.id) return o;
        }
        return Outcome{0, false, out};
    };
    auto observe = [&](uint64_t addr, Acc a, smmu_result_t *res_out = nullptr) {
        smmu_result_t res;
        smmu_txn_t t{};
        t.sid = kSid; t.addr = addr; t.write = a.w; t.instr = a.x; t.priv = a.priv;
        smmu_translate(rig.smmu, &t, &res);
        if (res_out) *res_out = res;
        auto ev = rig.pop_events();
        if (res.status == SMMU_OK) {
            EXPECT_TRUE(ev.empty());
            return Outcome{0, false, res.pa};
        }
        EXPECT_EQ(res.status, SMMU_ABORT);
        if (ev.size() != 1) { ADD_FAILURE() << ev.size() << " records for 0x" << std::hex << addr; return Outcome{0xFF, false, 0}; }
        e2e::Rec e{ev[0]};
        EXPECT_EQ(e.id(), res.event);
        EXPECT_EQ(e.input(), addr);
        return Outcome{e.id(), e.s2(), e.s2() ? e.ipa() : 0};
    };
    auto rand_acc = [&]() { unsigned k = (unsigned)(rng() % 6); return Acc{k % 3 == 1, k % 3 == 2, k >= 3}; };
    auto rand_query = [&]() -> uint64_t {
        unsigned k = (unsigned)(rng() % 10);
        unsigned ia = has1 ? r1.ia : r2.ia;
        if (k < 7 && !ias.empty()) {
            uint64_t base = ias[rng() % ias.size()];
            uint64_t span = rng() % 2 ? 0x1000 : 1ull << (has1 ? shift_of(r1.g, 2) : shift_of(r2.g, 2));
            return (base & ~0xFFFull) + (rng() % span);
        }
        if (k < 9) return rng() & ((1ull << ia) - 1);
        return (rng() & ((1ull << 50) - 1)) | 1ull << (ia + rng() % (50 - ia));   // beyond the input range
    };
    auto check = [&](uint64_t addr, Acc a, const char *what) {
        Outcome want = expect(addr, a), got = observe(addr, a);
        st.queries++;
        (want.id ? st.faults : st.ok)++;
        EXPECT_EQ(got, want) << what << " 0x" << std::hex << addr << " w=" << a.w << " x=" << a.x << " p=" << a.priv
                             << ": want " << show(want) << " got " << show(got);
        return got == want;
    };

    for (int i = 0; i < 700; i++) {
        uint64_t addr = rand_query();
        Acc a = rand_acc();
        if (!check(addr, a, "query") || !check(addr, a, "repeat")) return;
        if (i % 35 != 34) continue;

        // A remap followed by the invalidation the driver would issue.
        st.remaps++;
        bool s1side = has1 && (!has2 || rng() % 2);
        Builder &b = s1side ? b1 : b2;
        bool table_change = rng() % 4 == 0 && !b.tables.empty();
        if (table_change) {
            auto t = b.tables[rng() % b.tables.size()];
            rig.mem.w64(t.first, 0);
            rig.submit({s1side ? e2e::tlbi_nh_asid(kVmid, kAsid) : e2e::tlbi_s12_vmall(kVmid)});
            rig.sync();
            continue;
        }
        std::vector<size_t> cand;
        for (size_t k = 0; k < b.leaves.size(); k++)
            if (!b.leaves[k].contig) cand.push_back(k);
        if (cand.empty()) continue;
        Leaf lf = b.leaves[cand[rng() % cand.size()]];
        // A translation through this leaf: for stage 2 of a nested stream, the VA whose stage-1 output it maps.
        uint64_t probe = lf.ia + (rng() % 0x1000);
        if (!s1side && nested) {
            probe = ~0ull;
            for (auto &l1 : b1.leaves) {
                uint64_t o = rig.mem.r64(l1.pa_of_desc) & kOaMask;
                if ((o >> shift_of(r2.g, lf.level)) == (lf.ia >> shift_of(r2.g, lf.level))) { probe = l1.ia; break; }
            }
            if (probe == ~0ull) probe = ias.empty() ? 0 : ias[0];
        }
        Acc a2 = Acc{false, false, true};
        Outcome before = expect(probe, a2);
        if (!check(probe, a2, "before remap")) return;
        uint64_t nd = rig.mem.r64(lf.pa_of_desc);
        uint64_t sh = shift_of(b.R.g, lf.level);
        uint64_t delta = (((rng() % 255) + 1) << sh) & kOaMask & ((1ull << 40) - 1);
        nd = (nd & ~kOaMask) | ((nd & kOaMask) ^ delta);
        if (rng() % 5 == 0) nd &= ~1ull;                               // or unmap it
        if (rng() % 4 == 0) nd ^= 1ull << 7;                           // or change its write permission
        rig.mem.w64(lf.pa_of_desc, nd);
        if (before.id == 0) {
            // Until invalidated, the TLB keeps answering with the old translation.
            Outcome stale = observe(probe, a2);
            EXPECT_EQ(stale, before) << "stale TLB entry expected before the TLBI";
            st.stale += stale == before;
        }
        bool leaf = rng() % 2;
        if (s1side) {
            rig.submit({e2e::tlbi_nh_va(kVmid, kAsid, lf.ia, leaf)});
        } else {
            rig.submit({e2e::tlbi_s2_ipa(kVmid, lf.ia, leaf)});
            if (nested) rig.submit({{th::cmd::TLBI_NH_ALL | (uint64_t)kVmid << 32, 0}});   // then the combined entries
        }
        rig.sync();
        if (!check(probe, a2, "after remap + TLBI")) return;
        if (!check(lf.ia + (rng() % 0x1000), rand_acc(), "remapped leaf")) return;
    }
}

TEST(RandomWalk, Stage1NestedStage2AgainstReference) {
    std::vector<Scenario> list;
    const unsigned gs[3] = {12, 14, 16};
    uint64_t seed = 0x5EED;
    for (unsigned i = 0; i < 3; i++)
        for (unsigned rep = 0; rep < 2; rep++) {
            list.push_back({"s1", gs[i], 12, seed++});
            list.push_back({"s2", 12, gs[i], seed++});
            list.push_back({"nested", gs[i], gs[(i + rep + 1) % 3], seed++});
        }
    Stats st;
    for (const auto &sc : list) {
        run(sc, st);
        if (HasFailure()) break;
    }
    printf("[ random   ] %zu scenarios: %zu translations (%zu OK, %zu faults), %zu remaps, %zu stale hits before TLBI\n",
           list.size(), st.queries, st.ok, st.faults, st.remaps, st.stale);
    EXPECT_GT(st.ok, st.queries / 5) << "the generator should produce a good share of successful translations";
    EXPECT_GT(st.faults, st.queries / 10);
}

} // namespace
