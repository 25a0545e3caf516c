#include "smmu_params.h"

#include <cstdlib>

#include "config/values.h"

namespace smmusim {

static bool set_cache(smmu_cache_config_t &c, const std::string &field, const std::string &v)
{
    uint64_t u = 0;
    if (field == "policy") {
        static const char *names[] = {"lru", "plru", "fifo", "random", "lfu", "2q", "clock", "rrip"};
        for (int i = 0; i < 8; i++) if (v == names[i]) { c.policy = (smmu_repl_t)i; return true; }
        return false;
    }
    if (!simcfg::parse_uint(v, &u)) return false;
    if (field == "entries") c.entries = (uint32_t)u;
    else if (field == "ways") c.ways = (uint32_t)u;
    else if (field == "latency") c.latency = (uint32_t)u;
    else return false;
    return true;
}

bool make_params(const std::string &preset, const std::map<std::string, std::string> &keys, smmu::Params *out, std::string *err)
{
    smmu::Params p = preset == "mmu-600" ? smmu::Params::mmu600() : preset == "gem5-default" ? smmu::Params::gem5_default()
                                                                                             : smmu::Params::mmu700();
    smmu_config_t &c = p.core;
    for (const auto &kv : keys) {
        const std::string &k = kv.first, &v = kv.second;
        uint64_t u = 0;
        bool b = false, isu = simcfg::parse_uint(v, &u), isb = simcfg::parse_bool(v, &b), ok = true;
        auto cache_key = [&](const char *prefix, smmu_cache_config_t *cs, int n) {
            std::string pre = prefix;
            if (k.rfind(pre + ".", 0) != 0) return false;
            for (int i = 0; i < n; i++) ok &= set_cache(cs[i], k.substr(pre.size() + 1), v);
            return true;
        };
        if (cache_key("tbu.utlb", &c.utlb, 1) || cache_key("tbu.main_tlb", &c.main_tlb, 1) || cache_key("tcu.tlb", &c.tcu_tlb, 1) ||
            cache_key("tcu.cfg_cache", &c.cfg_cache, 1) || cache_key("tcu.walk_cache_s1", c.walk_cache_s1, 4) ||
            cache_key("tcu.walk_cache_s2", c.walk_cache_s2, 4)) {
        } else if (k == "clock") {
            double hz;
            ok = simcfg::parse_frequency(v, &hz);
            if (ok) p.clock_period = sc_core::sc_time(1.0 / hz, sc_core::SC_SEC);
        } else if (k == "ports" && isu) p.num_ports = (unsigned)u;
        else if (k == "arch.s1p" && isb) c.s1p = b;
        else if (k == "arch.s2p" && isb) c.s2p = b;
        else if (k == "arch.oas_bits" && isu) c.oas_bits = (uint8_t)u;
        else if (k == "arch.sidsize" && isu) c.sidsize = (uint8_t)u;
        else if (k == "arch.ssidsize" && isu) c.ssidsize = (uint8_t)u;
        else if (k == "arch.ril" && isb) c.ril = b;
        else if (k == "arch.msi" && isb) c.msi = b;
        else if (k == "arch.sev" && isb) c.sev = b;
        else if (k == "arch.stall_model" && isu) c.stall_model = (uint8_t)u;
        else if (k == "arch.stall_max" && isu && u <= 0xFFFF) c.stall_max = (uint16_t)u;
        else if (k == "arch.hyp" && isb) c.hyp = b;
        else if (k == "arch.vmw" && isb) c.vmw = b;
        else if (k == "arch.httu" && isu) c.httu = (uint8_t)u;
        else if (k == "arch.cd2l" && isb) c.cd2l = b;
        else if (k == "arch.st_2lvl" && isb) c.st_2lvl = b;
        else if (k == "arch.btm" && isb) c.btm = b;
        else if (k == "arch.coherent" && isb) c.cohacc = b;
        else if (k == "tbu.slots" && isu) p.tbu_slots = (unsigned)u;
        else if (k == "tcu.slots" && isu) p.tcu_slots = (unsigned)u;
        else if (k == "tcu.walk_slots" && isu) p.walk_slots = (unsigned)u;
        else if (k == "tcu.walk_cache_unified" && isb) c.walk_cache_unified = b;
        else if (k == "tcu.walk_step_cycles" && isu) c.walk_step_cycles = (uint32_t)u;
        else if (k == "tcu.cfg_fetch_cycles" && isu) c.cfg_fetch_cycles = (uint32_t)u;
        else if (k == "tcu.cmd_cycles" && isu) c.cmd_cycles = (uint32_t)u;
        else if (k == "tcu.tlbi_cycles" && isu) c.tlbi_cycles = (uint32_t)u;
        else if (k == "link.tbu_to_tcu" && isu) c.link_tbu_to_tcu = (uint32_t)u;
        else if (k == "link.tcu_to_tbu" && isu) c.link_tcu_to_tbu = (uint32_t)u;
        else ok = false;
        if (!ok) { *err = "key 'smmu." + k + "': cannot apply '" + v + "'"; return false; }
    }
    // A preset value that only exists with a feature the scenario turned off follows it, unless set explicitly.
    auto given = [&](const char *k) { return keys.count(k) != 0; };
    if (c.stall_model == 1 && !given("arch.stall_max")) c.stall_max = 0;
    if (!(c.s1p && c.s2p) && !given("arch.hyp")) c.hyp = false;
    if (!c.s2p && !given("arch.vmw")) c.vmw = false;
    char msg[256];
    c.num_ports = p.num_ports;
    if (!smmu_config_check(&c, msg, sizeof msg)) { *err = std::string("smmu: ") + msg; return false; }
    *out = p;
    return true;
}

} // namespace smmusim
