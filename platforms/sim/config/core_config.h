/* SPDX-License-Identifier: BSD-3-Clause */
// Resolved `smmu.*` keys onto the C core's smmu_config_t, and the core's own check of it.
#pragma once

#include <map>
#include <string>

extern "C" {
#include <smmu/smmu.h>
}

namespace simcfg {

// Fills *out from resolved keys (Scenario::smmu). False and *key naming the key whose value does not fit.
bool core_config(const std::map<std::string, std::string> &smmu, smmu_config_t *out, std::string *key);
// "" when smmu_create accepts the configuration, else its message.
std::string core_check(const smmu_config_t &cfg);
// The smmu.* key (without "smmu.") a core message is about: the first core field name it mentions, or "".
std::string core_field_key(const std::string &message);

} // namespace simcfg
