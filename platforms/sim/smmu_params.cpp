// SPDX-License-Identifier: BSD-3-Clause
#include "smmu_params.h"

#include "config/core_config.h"
#include "config/values.h"

namespace smmusim {

bool make_params(const std::map<std::string, std::string> &smmu, smmu::Params *out, std::string *err)
{
    smmu::Params p;
    std::string key;
    auto u32 = [&](const char *k, unsigned *v) {
        uint64_t x = 0;
        auto it = smmu.find(k);
        if (it == smmu.end() || !simcfg::parse_uint(it->second, &x) || x > UINT32_MAX) { if (key.empty()) key = k; return; }
        *v = (unsigned)x;
    };
    if (!simcfg::core_config(smmu, &p.core, &key)) { *err = "key 'smmu." + key + "': cannot apply it"; return false; }
    double hz = 0;
    auto clk = smmu.find("clock");
    if (clk == smmu.end() || !simcfg::parse_frequency(clk->second, &hz)) key = "clock";
    else p.clock_period = sc_core::sc_time(1.0 / hz, sc_core::SC_SEC);
    u32("ports", &p.num_ports);
    u32("tbu.slots", &p.tbu_slots);
    u32("tcu.slots", &p.tcu_slots);
    u32("tcu.walk_slots", &p.walk_slots);
    u32("reg_access_cycles", &p.reg_access_cycles);
    u32("tcu.cmd_fetch_cycles", &p.cmd_fetch_cycles);
    static const std::pair<const char *, tlm::tlm_response_status> kResp[] = {
        {"address_error", tlm::TLM_ADDRESS_ERROR_RESPONSE}, {"generic_error", tlm::TLM_GENERIC_ERROR_RESPONSE},
        {"burst_error", tlm::TLM_BURST_ERROR_RESPONSE}, {"byte_enable_error", tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE}};
    auto ab = smmu.find("abort_response");
    bool found = false;
    for (const auto &r : kResp)
        if (ab != smmu.end() && ab->second == r.first) { p.abort_response = r.second; found = true; }
    if (!found && key.empty()) key = "abort_response";
    uint64_t to_ps = 0;
    auto to = smmu.find("atc_inv_timeout");
    if (to == smmu.end() || !simcfg::parse_duration(to->second, &to_ps)) { if (key.empty()) key = "atc_inv_timeout"; }
    else p.atc_inv_timeout = sc_core::sc_time((double)to_ps, sc_core::SC_PS);
    if (!key.empty()) { *err = "key 'smmu." + key + "': cannot apply it"; return false; }
    p.core.num_ports = p.num_ports;
    *out = p;
    return true;
}

} // namespace smmusim
