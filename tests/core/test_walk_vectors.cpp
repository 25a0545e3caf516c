// SPDX-License-Identifier: BSD-3-Clause
// The walker against page tables built by Linux io-pgtable-arm (/work/shared/vectors/pgtable, see its README.md).
#include "walk_util.h"
#include "vectors_util.h"

#include <dirent.h>
#include <algorithm>
#include <cstdio>
#include <map>
#include <sstream>

namespace {

using namespace vec;

// One run of a file on an SMMU with the given features.
struct Run { bool xnx; bool hd; };

struct Outcome { std::string kind; uint64_t val; };

std::string show(const Outcome &o) { char b[64]; snprintf(b, sizeof b, "%s 0x%llx", o.kind.c_str(), (unsigned long long)o.val); return b; }

const char *stage_letter(int id, bool s2) {
    switch (id) {
    case EVT_F_TRANSLATION: return s2 ? "T2" : "T1";
    case EVT_F_PERMISSION: return s2 ? "P2" : "P1";
    case EVT_F_ADDR_SIZE: return s2 ? "A2" : "A1";
    case EVT_F_ACCESS: return s2 ? "F2" : "F1";
    case EVT_F_WALK_EABT: return s2 ? "E2" : "E1";
    default: return "??";
    }
}

struct FileResult { size_t pass = 0, total = 0; std::vector<std::string> fails; };

FileResult run_file(const VecFile &v, const Run &run) {
    FileResult r;
    wt::Core core;
    unsigned oas = std::max<unsigned>(48, (unsigned)std::max(v.s1oas, v.s2oas));
    core.cfg.oas_bits = (uint8_t)oas;
    core.cfg.xnx = run.xnx;
    core.readable = v.mem;
    if (!core.create()) return r;
    for (auto &pg : v.pages) core.mem.write(pg.first, pg.second.data(), pg.second.size());
    const unsigned ias = oas;   // IAS = OAS: AArch64 tables only (IDR0.TTF = 2)

    smmu_ste_t ste{};
    ste.valid = true;
    ste.strw = STE_STRW_NSEL1;
    smmu_cd_t cd{};
    cd.valid = cd.aa64 = true;
    if (v.kind != "s2") {
        cd.t0sz = (uint8_t)v.s1tcr.at("t0sz");
        cd.tg0 = (uint8_t)v.s1tcr.at("tg0");
        cd.ips = (uint8_t)v.s1tcr.at("ips");
        cd.ttb0 = v.s1ttbr;
        cd.mair = v.s1mair;
        cd.epd1 = true;                 // io-pgtable tables are TTB0 only
        cd.ha = cd.hd = run.hd;
    }
    smmu_stage_cfg_t s2{};
    if (v.kind != "s1") {
        ste.s2t0sz = (uint8_t)v.s2vtcr.at("t0sz");
        ste.s2sl0 = (uint8_t)v.s2vtcr.at("sl0");
        ste.s2tg = (uint8_t)v.s2vtcr.at("tg");
        ste.s2ps = (uint8_t)v.s2vtcr.at("ps");
        ste.s2ttb = v.s2vttbr;
        ste.s2aa64 = true;
        smmu_s2_cfg(core.smmu, &ste, &s2);
    }
    wt::S2Tables tables{core.smmu, s2};
    smmu_walk_env_t env{};
    env.smmu = core.smmu;
    if (v.kind == "nested") { env.s2_table = wt::S2Tables::cb; env.s2_ctx = &tables; }

    if (v.has_cd) {
        // The CD fetch goes through stage 2 too (CLASS = CD): its IPA must land at the recorded PA.
        smmu_walk_out_t o;
        env.smmu = core.smmu;
        int rc = smmu_walk(&env, &s2, v.cd_ipa, 0, &o);
        r.total++;
        if (rc == 0 && o.oa == v.cd_pa) r.pass++;
        else r.fails.push_back("cd fetch: rc " + std::to_string(rc));
    }

    for (const auto &q : v.qs) {
        unsigned acc = (q.acc[0] == 'W' ? SMMU_ACC_W : 0u) | (q.acc[0] == 'X' ? SMMU_ACC_X : 0u) |
                       (q.acc[1] == 'P' ? SMMU_ACC_PRIV : 0u);
        Outcome got{"OK", 0};
        uint64_t addr = q.iova;
        bool done = false;
        if (v.kind != "s2") {
            smmu_stage_cfg_t s1;
            smmu_walk_fault_t f;
            smmu_walk_out_t o;
            int rc = smmu_s1_cfg(core.smmu, &ste, &cd, addr, &s1, &f);
            if (!rc) rc = smmu_walk(&env, &s1, addr, acc, &o);
            else o.fault = f;
            if (rc) { got = {stage_letter(rc, o.fault.s2), o.fault.s2 ? o.fault.ipa : 0}; done = true; }
            else { addr = o.oa; got = {"OK", addr}; }
        } else if (addr >> ias) {
            // Stage 1 bypassed: an input beyond the IAS is a stage-1 F_ADDR_SIZE (xlate checks this; emulated here).
            got = {"A1", 0};
            done = true;
        }
        if (!done && v.kind != "s1") {
            smmu_walk_out_t o;
            smmu_walk_env_t e2{};
            e2.smmu = core.smmu;
            int rc = smmu_walk(&e2, &s2, addr, acc, &o);
            if (rc) got = {stage_letter(rc, true), o.fault.ipa};
            else got = {"OK", o.oa};
        }
        bool cond = q.cond == "XNX" ? run.xnx : q.cond == "HD" ? run.hd
                  : q.cond.rfind("IAS<=", 0) == 0 ? ias <= num(q.cond.substr(5)) : false;
        Outcome want = cond ? Outcome{q.alt_kind, q.alt_val} : Outcome{q.kind, q.val};
        r.total++;
        if (got.kind == want.kind && got.val == want.val) r.pass++;
        else if (r.fails.size() < 8) {
            char b[96];
            snprintf(b, sizeof b, "q 0x%llx %s: ", (unsigned long long)q.iova, q.acc.c_str());
            r.fails.push_back(std::string(b) + "want " + show(want) + " got " + show(got));
        }
    }
    return r;
}

void run_kind(const std::string &prefix) {
    auto list = files(prefix);
    if (list.empty()) GTEST_SKIP() << "no " << prefix << "*.vec.gz under th::shared_dir()";
    size_t nfiles = 0, npass_files = 0, nq = 0, npass = 0;
    for (const auto &path : list) {
        VecFile v;
        ASSERT_TRUE(load(path, v)) << path;
        ASSERT_EQ(v.qs.size(), v.end_count) << path;
        std::vector<Run> runs = {{true, false}, {false, false}};
        if (v.hd_quirk) runs.push_back({true, true});
        for (const auto &run : runs) {
            FileResult r = run_file(v, run);
            nfiles++;
            nq += r.total;
            npass += r.pass;
            if (r.pass == r.total && r.total) npass_files++;
            EXPECT_EQ(r.pass, r.total) << v.name << " xnx=" << run.xnx << " hd=" << run.hd;
            for (auto &f : r.fails) ADD_FAILURE() << v.name << " xnx=" << run.xnx << " hd=" << run.hd << ": " << f;
        }
    }
    printf("[ vectors  ] %s*: %zu/%zu file runs pass, %zu/%zu queries pass\n", prefix.c_str(), npass_files, nfiles, npass, nq);
}

TEST(WalkVectors, Stage1) { run_kind("s1-"); }
TEST(WalkVectors, Stage2) { run_kind("s2-"); }
TEST(WalkVectors, Nested) { run_kind("nested-"); }

} // namespace
