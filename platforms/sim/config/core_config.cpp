// SPDX-License-Identifier: BSD-3-Clause
#include "core_config.h"

#include <cctype>

#include "values.h"

namespace simcfg {

namespace {

struct Field { const char *key; const char *core; };
// Scenario key -> the smmu_config_t field (the name the core's messages use).
const Field kFields[] = {
    {"arch.arch_minor", "arch_minor"}, {"arch.s1p", "s1p"}, {"arch.s2p", "s2p"}, {"arch.ttf_aarch32", "ttf_aarch32"},
    {"arch.coherent", "cohacc"}, {"arch.btm", "btm"}, {"arch.httu", "httu"}, {"arch.hyp", "hyp"}, {"arch.ats", "ats"},
    {"arch.pri", "pri"}, {"arch.asid16", "asid16"}, {"arch.vmid16", "vmid16"}, {"arch.msi", "msi"}, {"arch.sev", "sev"},
    {"arch.atos", "atos"}, {"arch.vmw", "vmw"}, {"arch.cd2l", "cd2l"}, {"arch.st_2lvl", "st_2lvl"},
    {"arch.ttendian", "ttendian"}, {"arch.stall_model", "stall_model"}, {"arch.term_model", "term_model"},
    {"arch.sidsize", "sidsize"}, {"arch.ssidsize", "ssidsize"}, {"arch.cmdqs", "cmdqs"}, {"arch.eventqs", "eventqs"},
    {"arch.priqs", "priqs"}, {"arch.attr_types_ovr", "attr_types_ovr"}, {"arch.attr_perms_ovr", "attr_perms_ovr"},
    {"arch.xnx", "xnx"}, {"arch.ril", "ril"}, {"arch.bbml", "bbml"}, {"arch.fwb", "fwb"}, {"arch.oas_bits", "oas_bits"},
    {"arch.gran4k", "gran4k"}, {"arch.gran16k", "gran16k"}, {"arch.gran64k", "gran64k"}, {"arch.vax", "vax"},
    {"arch.stall_max", "stall_max"}, {"arch.iidr", "iidr"}, {"ports", "num_ports"}, {"seed", "seed"},
    {"tbu.utlb.entries", "utlb"}, {"tbu.main_tlb.entries", "main_tlb"}, {"tcu.tlb.entries", "tcu_tlb"},
    {"tcu.cfg_cache.entries", "cfg_cache"}, {"tcu.walk_cache_unified", "walk_cache_unified"},
    {"tcu.walk_step_cycles", "walk_step_cycles"}, {"tcu.cfg_fetch_cycles", "cfg_fetch_cycles"},
    {"tcu.cmd_cycles", "cmd_cycles"}, {"tcu.tlbi_cycles", "tlbi_cycles"}, {"link.tbu_to_tcu", "link_tbu_to_tcu"},
    {"link.tcu_to_tbu", "link_tcu_to_tbu"},
};

const char *kPolicies[] = {"lru", "plru", "fifo", "random", "lfu", "2q", "clock", "rrip"};

struct Reader {
    const std::map<std::string, std::string> &m;
    std::string bad;
    uint64_t u(const std::string &k, uint64_t max) {
        uint64_t v = 0;
        auto it = m.find(k);
        if (it == m.end() || !parse_uint(it->second, &v) || v > max) { if (bad.empty()) bad = k; return 0; }
        return v;
    }
    bool b(const std::string &k) {
        bool v = false;
        auto it = m.find(k);
        if (it == m.end() || !parse_bool(it->second, &v)) { if (bad.empty()) bad = k; }
        return v;
    }
    void cache(const std::string &k, smmu_cache_config_t &c) {
        c.entries = (uint32_t)u(k + ".entries", UINT32_MAX);
        c.ways = (uint32_t)u(k + ".ways", UINT32_MAX);
        c.latency = (uint32_t)u(k + ".latency", UINT32_MAX);
        auto it = m.find(k + ".policy");
        for (int i = 0; i < 8; i++)
            if (it != m.end() && it->second == kPolicies[i]) { c.policy = (smmu_repl_t)i; return; }
        if (bad.empty()) bad = k + ".policy";
    }
};

} // namespace

bool core_config(const std::map<std::string, std::string> &smmu, smmu_config_t *out, std::string *key)
{
    smmu_config_t c;
    smmu_config_default(&c);
    Reader r{smmu, ""};
    c.arch_minor = (uint8_t)r.u("arch.arch_minor", 255);
    c.s1p = r.b("arch.s1p"); c.s2p = r.b("arch.s2p"); c.ttf_aarch32 = r.b("arch.ttf_aarch32");
    c.cohacc = r.b("arch.coherent"); c.btm = r.b("arch.btm"); c.httu = (uint8_t)r.u("arch.httu", 255);
    c.hyp = r.b("arch.hyp"); c.ats = r.b("arch.ats"); c.pri = r.b("arch.pri");
    c.asid16 = r.b("arch.asid16"); c.vmid16 = r.b("arch.vmid16"); c.msi = r.b("arch.msi"); c.sev = r.b("arch.sev");
    c.atos = r.b("arch.atos"); c.vmw = r.b("arch.vmw"); c.cd2l = r.b("arch.cd2l"); c.st_2lvl = r.b("arch.st_2lvl");
    c.ttendian = (uint8_t)r.u("arch.ttendian", 255); c.stall_model = (uint8_t)r.u("arch.stall_model", 255);
    c.term_model = r.b("arch.term_model");
    c.sidsize = (uint8_t)r.u("arch.sidsize", 255); c.ssidsize = (uint8_t)r.u("arch.ssidsize", 255);
    c.cmdqs = (uint8_t)r.u("arch.cmdqs", 255); c.eventqs = (uint8_t)r.u("arch.eventqs", 255);
    c.priqs = (uint8_t)r.u("arch.priqs", 255);
    c.attr_types_ovr = r.b("arch.attr_types_ovr"); c.attr_perms_ovr = r.b("arch.attr_perms_ovr");
    c.xnx = r.b("arch.xnx"); c.ril = r.b("arch.ril"); c.bbml = (uint8_t)r.u("arch.bbml", 255); c.fwb = r.b("arch.fwb");
    c.oas_bits = (uint8_t)r.u("arch.oas_bits", 255);
    c.gran4k = r.b("arch.gran4k"); c.gran16k = r.b("arch.gran16k"); c.gran64k = r.b("arch.gran64k");
    c.vax = (uint8_t)r.u("arch.vax", 255); c.stall_max = (uint16_t)r.u("arch.stall_max", UINT16_MAX);
    c.iidr = (uint32_t)r.u("arch.iidr", UINT32_MAX);
    c.seed = r.u("seed", UINT64_MAX);
    c.num_ports = (uint32_t)r.u("ports", UINT32_MAX);
    r.cache("tbu.utlb", c.utlb);
    r.cache("tbu.main_tlb", c.main_tlb);
    r.cache("tcu.tlb", c.tcu_tlb);
    r.cache("tcu.cfg_cache", c.cfg_cache);
    c.walk_cache_unified = r.b("tcu.walk_cache_unified");
    for (int l = 0; l < 4; l++) {
        std::string lv = "[" + std::to_string(l) + "]";
        r.cache("tcu.walk_cache_s1" + lv, c.walk_cache_s1[l]);
        r.cache("tcu.walk_cache_s2" + lv, c.walk_cache_s2[l]);
    }
    if (c.walk_cache_unified) {
        // MMU-700: the core keeps the one walk cache in walk_cache_s1[0] and ignores the rest.
        r.cache("tcu.walk_cache", c.walk_cache_s1[0]);
        for (int l = 0; l < 4; l++) {
            if (l) c.walk_cache_s1[l] = smmu_cache_config_t{0, 0, SMMU_REPL_LRU, 0};
            c.walk_cache_s2[l] = smmu_cache_config_t{0, 0, SMMU_REPL_LRU, 0};
        }
    }
    c.link_tbu_to_tcu = (uint32_t)r.u("link.tbu_to_tcu", UINT32_MAX);
    c.link_tcu_to_tbu = (uint32_t)r.u("link.tcu_to_tbu", UINT32_MAX);
    c.walk_step_cycles = (uint32_t)r.u("tcu.walk_step_cycles", UINT32_MAX);
    c.cfg_fetch_cycles = (uint32_t)r.u("tcu.cfg_fetch_cycles", UINT32_MAX);
    c.cmd_cycles = (uint32_t)r.u("tcu.cmd_cycles", UINT32_MAX);
    c.tlbi_cycles = (uint32_t)r.u("tcu.tlbi_cycles", UINT32_MAX);
    if (!r.bad.empty()) { *key = r.bad; return false; }
    *out = c;
    return true;
}

namespace {
int no_mem(void *, uint64_t, void *, size_t) { return -1; }
int no_mem_w(void *, uint64_t, const void *, size_t) { return -1; }
}

std::string core_check(const smmu_config_t &cfg)
{
    smmu_host_t host{nullptr, no_mem, no_mem_w, nullptr, nullptr, nullptr};
    char err[256] = "";
    smmu_t *s = smmu_create(&cfg, &host, err, sizeof err);
    if (s) { smmu_destroy(s); return ""; }
    return err[0] ? err : "smmu_create refused the configuration";
}

std::string core_field_key(const std::string &message)
{
    // Walk-cache levels are named walk_cache_s1[2] by the core and tcu.walk_cache_s1[2] here.
    for (const char *st : {"walk_cache_s1[", "walk_cache_s2["}) {
        size_t at = message.find(st);
        if (at != std::string::npos && at + 15 <= message.size()) return "tcu." + message.substr(at, 16) + ".entries";
    }
    for (size_t i = 0; i < message.size();) {
        if (!std::isalnum((unsigned char)message[i]) && message[i] != '_') { i++; continue; }
        size_t j = i;
        while (j < message.size() && (std::isalnum((unsigned char)message[j]) || message[j] == '_')) j++;
        std::string w = message.substr(i, j - i);
        for (const Field &f : kFields) if (w == f.core) return f.key;
        i = j;
    }
    return "";
}

} // namespace simcfg
