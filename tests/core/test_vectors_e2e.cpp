// SPDX-License-Identifier: BSD-3-Clause
// Linux io-pgtable-arm page tables (/work/shared/vectors/pgtable, see its README.md) translated end to end:
// register bring-up, STE/CD through the command queue, smmu_translate, event records.
#include "e2e_util.h"
#include "vectors_util.h"

#include <dirent.h>
#include <algorithm>
#include <cstdio>
#include <map>
#include <sstream>

namespace {

using namespace vec;

// One SMMU configuration a file is run on.
struct Run {
    unsigned oas;        // IDR5.OAS in bits
    bool xnx;            // IDR3.XNX
    bool hd;             // IDR0.HTTU = 2 and CD.HA = CD.HD = 1
    unsigned ias() const { return oas; }   // 3.4: AArch64 tables only (smmu_create refuses IDR0.TTF with AArch32)
    std::string str() const {
        char b[80];
        snprintf(b, sizeof b, "oas=%u ias=%u xnx=%d hd=%d", oas, ias(), xnx, hd);
        return b;
    }
};

struct Outcome {
    std::string kind; uint64_t val;
    bool operator==(const Outcome &o) const { return kind == o.kind && val == o.val; }
};

std::string show(const Outcome &o) {
    char b[64];
    snprintf(b, sizeof b, "%s 0x%llx", o.kind.c_str(), (unsigned long long)o.val);
    return b;
}

// Least PAMax (SMMU OAS) for which a stage-2 start level is legal (Arm ARM AArch64.S2InvalidSL).
unsigned min_pamax(const VecFile &v) {
    if (v.kind == "s1" || v.s2vtcr.at("sl0") != 2) return 32;
    return v.s2vtcr.at("tg") == 2 ? 42 : 44;
}

unsigned legal_oas(unsigned bits) {
    for (unsigned o : {32u, 36u, 40u, 42u, 44u, 48u, 52u})
        if (o >= bits) return o;
    return 52;
}

constexpr uint32_t kSid = 1;
constexpr uint16_t kVmid = 5, kAsid = 3;
constexpr uint64_t kCdPa = th::kCdBase;

struct FileResult { size_t pass = 0, total = 0, hits = 0; std::vector<std::string> fails; };

// The outcome of one transaction as the vectors name it, with the event record checked against the transaction.
Outcome observe(e2e::Rig &rig, const Query &q, smmu_result_t &res, std::string &why) {
    smmu_txn_t t{};
    t.sid = kSid;
    t.addr = q.iova;
    t.write = q.acc[0] == 'W';
    t.instr = q.acc[0] == 'X';
    t.priv = q.acc[1] == 'P';
    smmu_translate(rig.smmu, &t, &res);
    auto ev = rig.pop_events();
    if (res.status == SMMU_OK) {
        if (!ev.empty()) why = "event recorded on success";
        return {"OK", res.pa};
    }
    if (res.status != SMMU_ABORT) { why = "status " + std::to_string(res.status); return {"??", 0}; }
    if (ev.size() != 1) { why = std::to_string(ev.size()) + " event records"; return {"??", 0}; }
    e2e::Rec e{ev[0]};
    if (e.id() != res.event) why = "record id differs from result event";
    if (e.sid() != kSid || e.input() != q.iova || e.rnw() != !t.write || e.pnu() != t.priv || e.ind() != t.instr)
        why = "record transaction fields";
    switch (e.id()) {
    case 0x10: return e.s2() ? Outcome{"T2", e.ipa()} : Outcome{"T1", 0};
    case 0x13: return e.s2() ? Outcome{"P2", e.ipa()} : Outcome{"P1", 0};
    case 0x11: return e.s2() ? Outcome{"A2", e.ipa()} : Outcome{"A1", 0};
    default: { char b[16]; snprintf(b, sizeof b, "E%02x", e.id()); return {b, 0}; }
    }
}

void setup(e2e::Rig &rig, const VecFile &v, const Run &run) {
    rig.cfg.oas_bits = (uint8_t)run.oas;
    rig.cfg.xnx = run.xnx;
    rig.cfg.httu = 2;
    rig.readable = v.mem;
    if (!rig.create_restricted()) return;
    rig.bringup();
    for (auto &pg : v.pages) rig.mem.write(pg.first, pg.second.data(), pg.second.size());

    stu::Cd cd;
    if (v.kind != "s2") {
        cd.t0sz((unsigned)v.s1tcr.at("t0sz")).tg0((unsigned)v.s1tcr.at("tg0")).ir0((unsigned)v.s1tcr.at("irgn0"))
          .or0((unsigned)v.s1tcr.at("orgn0")).sh0((unsigned)v.s1tcr.at("sh0")).ips((unsigned)v.s1tcr.at("ips"))
          .epd1(true).v().aa64(true).r(true).a(true).asid(kAsid).ttb0(v.s1ttbr).mair(v.s1mair).ha(run.hd).hd(run.hd);
    }
    stu::Ste ste;
    if (v.kind == "s1") {
        rig.write_cd(kCdPa, cd.q);
        ste = stu::linux_s1(kCdPa);
        ste.vmid(kVmid);
    } else {
        ste.v().config(v.kind == "s2" ? 6 : 7).shcfg(1).vmid(kVmid)
           .s2t0sz((unsigned)v.s2vtcr.at("t0sz")).s2sl0((unsigned)v.s2vtcr.at("sl0")).s2tg((unsigned)v.s2vtcr.at("tg"))
           .s2ps((unsigned)v.s2vtcr.at("ps")).s2sh0((unsigned)v.s2vtcr.at("sh")).s2ir0((unsigned)v.s2vtcr.at("irgn"))
           .s2or0((unsigned)v.s2vtcr.at("orgn")).s2aa64(true).s2r(true).s2ttb(v.s2vttbr);
        if (v.kind == "nested") {
            rig.write_cd(v.cd_pa, cd.q);   // the CD lives at the PA that stage 2 maps its IPA to
            ste.ctxptr(v.cd_ipa).s1cir(1).s1cor(1).s1csh(3);
        }
    }
    rig.install(kSid, ste.q);
}

FileResult run_file(const VecFile &v, const Run &run) {
    FileResult fr;
    e2e::Rig rig;
    setup(rig, v, run);
    if (!rig.smmu) return fr;
    auto check = [&](const Query &q, const char *pass, bool expect_hit) {
        bool cond = q.cond == "XNX" ? run.xnx : q.cond == "HD" ? run.hd
                  : q.cond.rfind("IAS<=", 0) == 0 ? run.ias() <= num(q.cond.substr(5)) : false;
        Outcome want = cond ? Outcome{q.alt_kind, q.alt_val} : Outcome{q.kind, q.val};
        if (want.kind == "T2" || want.kind == "P2") want.val &= ~0xFFFull;   // the record holds IPA[51:12]
        smmu_result_t res;
        std::string why;
        Outcome got = observe(rig, q, res, why);
        fr.total++;
        bool ok = why.empty() && got == want;
        if (ok && got.kind == "OK" && expect_hit) {
            if (res.source == SMMU_SRC_WALK || res.source == SMMU_SRC_NONE) { ok = false; why = "repeat did not hit a TLB"; }
            else fr.hits++;
        }
        if (ok) fr.pass++;
        else if (fr.fails.size() < 10) {
            char b[96];
            snprintf(b, sizeof b, "%s q 0x%llx %s: ", pass, (unsigned long long)q.iova, q.acc.c_str());
            fr.fails.push_back(std::string(b) + "want " + show(want) + " got " + show(got) + (why.empty() ? "" : " (" + why + ")"));
        }
    };
    // Each query twice in a row: the repeat is answered by the TLBs and must enforce the same permissions.
    for (const auto &q : v.qs) {
        check(q, "cold", false);
        check(q, "repeat", true);
    }
    // With HTTU dirty updates the outcomes depend on the order; otherwise every query again after the others
    // filled the TLBs, and once more after a full invalidation.
    if (!run.hd) {
        for (const auto &q : v.qs) check(q, "warm", false);
        rig.tlbi_all();
        for (const auto &q : v.qs) check(q, "after-tlbi", false);
    }
    return fr;
}

void run_kind(const std::string &prefix) {
    auto list = files(prefix);
    if (list.empty()) GTEST_SKIP() << "no " << prefix << "*.vec.gz under th::shared_dir()";
    size_t nq = 0, npass = 0;
    for (const auto &path : list) {
        VecFile v;
        ASSERT_TRUE(load(path, v)) << path;
        ASSERT_EQ(v.qs.size(), v.end_count) << path;
        ASSERT_FALSE(v.qs.empty()) << path;
        unsigned file_oas = legal_oas((unsigned)std::max({v.s1oas, v.s2oas, v.s2ias}));
        unsigned oas = legal_oas(std::max(file_oas, min_pamax(v)));
        if (file_oas < oas) {
            // The stage-2 start level needs a larger PA size than this SMMU has: the STE is ILLEGAL (5.2 S2SL0).
            e2e::Rig rig;
            setup(rig, v, {file_oas, true, false});
            ASSERT_NE(rig.smmu, nullptr);
            auto r = rig.xlate(kSid, v.qs[0].iova);
            EXPECT_EQ(r.status, SMMU_ABORT) << v.name;
            EXPECT_EQ(r.event, 0x04) << v.name << ": C_BAD_STE at OAS " << file_oas;
            auto ev = rig.pop_events();
            ASSERT_EQ(ev.size(), 1u) << v.name;
            EXPECT_EQ(e2e::Rec{ev[0]}.id(), 0x04u);
            printf("[ e2e      ] %-44s oas=%u: C_BAD_STE (start level needs PAMax >= %u)\n", v.name.c_str(), file_oas,
                   min_pamax(v));
        }
        std::vector<Run> runs = {{oas, true, false}, {oas, false, false}};
        if (v.kind != "s1" && oas < 52) runs.push_back({52, true, false});   // IAS wider than the S2 input
        if (v.hd_quirk) runs.push_back({oas, true, true});
        for (const auto &run : runs) {
            FileResult r = run_file(v, run);
            nq += r.total;
            npass += r.pass;
            EXPECT_EQ(r.pass, r.total) << v.name << " " << run.str();
            for (auto &f : r.fails) ADD_FAILURE() << v.name << " " << run.str() << ": " << f;
            printf("[ e2e      ] %-44s %-30s %5zu/%-5zu pass, %4zu TLB-hit repeats\n", v.name.c_str(), run.str().c_str(),
                   r.pass, r.total, r.hits);
        }
    }
    printf("[ e2e      ] %s*: %zu/%zu translations as the vectors say\n", prefix.c_str(), npass, nq);
}

TEST(VectorsE2e, Stage1) { run_kind("s1-"); }
TEST(VectorsE2e, Stage2) { run_kind("s2-"); }
TEST(VectorsE2e, Nested) { run_kind("nested-"); }

} // namespace
