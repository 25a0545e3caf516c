// Every shipped scenario runs (short) through smmu-sim and shows its key outcome.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

namespace {

const std::string kSim = SMMU_SIM;
const std::string kScen = std::string(SMMU_SOURCE_DIR) + "/configs/scenarios/";

struct SimRun { int rc = -1; std::string out; nlohmann::json report; };

SimRun sim(const std::string &scenario, const std::vector<std::string> &sets)
{
    
    char dir[] = "/tmp/smmu-sim-XXXXXX";
    std::string out = mkdtemp(dir);
    std::string cmd = kSim + " " + kScen + scenario + " --quiet --out " + out + " --set run.duration=30us";
    for (auto &s : sets) cmd += " --set '" + s + "'";
    cmd += " 2>&1";
    SimRun r;
    FILE *p = popen(cmd.c_str(), "r");
    char buf[4096];
    while (size_t k = fread(buf, 1, sizeof buf, p)) r.out.append(buf, k);
    int st = pclose(p);
    r.rc = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    std::ifstream js(out + "/report.json");
    if (js) r.report = nlohmann::json::parse(js, nullptr, false);

    return r;
}

bool have_sim()
{
    struct stat st;
    return stat(kSim.c_str(), &st) == 0;
}

#define NEED_SIM() if (!have_sim()) GTEST_SKIP() << "smmu-sim not built (no SystemC module)"

TEST(Scenarios, NicRing2MBeats4K)
{
    NEED_SIM();
    SimRun a = sim("nic-rx-4k.yaml", {}), b = sim("nic-rx-2m.yaml", {});
    ASSERT_EQ(a.rc, 0) << a.out;
    ASSERT_EQ(b.rc, 0) << b.out;
    auto &d4 = a.report["devices"][0], &d2 = b.report["devices"][0];
    EXPECT_GT(d2["utlb_hit_rate"].get<double>(), d4["utlb_hit_rate"].get<double>());
    EXPECT_LT(d2["mean_translation_ns"].get<double>(), d4["mean_translation_ns"].get<double>());
    EXPECT_LT(d2["walks"].get<uint64_t>(), d4["walks"].get<uint64_t>());
}

TEST(Scenarios, StrictInvalidationCostsMoreThanLazy)
{
    NEED_SIM();
    SimRun s = sim("invalidation-storm.yaml", {}), l = sim("invalidation-storm.yaml", {"driver.invalidation=lazy", "driver.lazy_batch=16"});
    ASSERT_EQ(s.rc, 0) << s.out;
    ASSERT_EQ(l.rc, 0) << l.out;
    EXPECT_GT(s.report["driver"]["unmaps"].get<uint64_t>(), 50u);
    EXPECT_GT(s.report["driver"]["tlbi"].get<uint64_t>(), 4 * l.report["driver"]["tlbi"].get<uint64_t>());
    EXPECT_GT(s.report["driver"]["syncs"].get<uint64_t>(), 2 * l.report["driver"]["syncs"].get<uint64_t>());
    EXPECT_GT(l.report["driver"]["lazy_flushes"].get<uint64_t>(), 0u);
}

TEST(Scenarios, StallAndFaultEvents)
{
    NEED_SIM();
    SimRun r = sim("stall-fault.yaml", {});
    ASSERT_EQ(r.rc, 0) << r.out;   // expect.events: F_TRANSLATION
    auto &dev = r.report["devices"];
    EXPECT_EQ(dev[0]["name"], "accel");
    EXPECT_EQ(dev[0]["errors"].get<uint64_t>(), 0u);      // stalls resolved by the handler
    EXPECT_GT(dev[1]["errors"].get<uint64_t>(), 0u);      // reads past the mapping terminate
    EXPECT_GT(r.report["driver"]["resumes"].get<uint64_t>(), 0u);
    EXPECT_GT(r.report["events"]["F_TRANSLATION"].get<uint64_t>(), 0u);
}

TEST(Scenarios, FaultFreeScenariosStayFaultFree)
{
    NEED_SIM();
    for (const char *f : {"gpu-copy.yaml", "nvme-random-4k.yaml", "nested-vm.yaml", "nic-rx-4k.yaml"}) {
        SimRun r = sim(f, {});
        EXPECT_EQ(r.rc, 0) << f << "\n" << r.out;   // expect.no_faults
        EXPECT_GT(r.report["devices"][0]["transactions"].get<uint64_t>(), 0u) << f;
    }
}

TEST(Scenarios, TenantsRunAndReportEachStream)
{
    NEED_SIM();
    SimRun r = sim("tenants-thrash.yaml", {});
    ASSERT_EQ(r.rc, 0) << r.out;
    ASSERT_EQ(r.report["devices"].size(), 4u);
    for (auto &d : r.report["devices"]) EXPECT_GT(d["transactions"].get<uint64_t>(), 0u);
}

TEST(Scenarios, BadInputExitsNonZero)
{
    NEED_SIM();
    SimRun r = sim("nic-rx-4k.yaml", {"smmu.tbu.main_tlb.ways=3"});
    EXPECT_EQ(r.rc, 1);
    EXPECT_NE(r.out.find("--set:2: key 'smmu.tbu.main_tlb.ways': 3 is not a power of two"), std::string::npos) << r.out;
}

} // namespace
