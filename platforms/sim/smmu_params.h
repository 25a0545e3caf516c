// Scenario `smmu.*` keys onto smmu::Params (preset first, then the overrides).
#pragma once

#include <map>
#include <string>

#include <smmu/sc/params.h>

namespace smmusim {

// False + *err naming the key when a value cannot be applied (the loader has checked syntax already).
bool make_params(const std::string &preset, const std::map<std::string, std::string> &keys, smmu::Params *out, std::string *err);

} // namespace smmusim
