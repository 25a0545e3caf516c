/* SPDX-License-Identifier: BSD-3-Clause */
// The resolved `smmu.*` keys (simcfg::Scenario::smmu: preset chain, scenario, --set) onto smmu::Params.
#pragma once

#include <map>
#include <string>

#include <smmu/sc/params.h>

namespace smmusim {

// False + *err naming the key when a value cannot be applied (the loader has validated every key already).
bool make_params(const std::map<std::string, std::string> &smmu, smmu::Params *out, std::string *err);

} // namespace smmusim
