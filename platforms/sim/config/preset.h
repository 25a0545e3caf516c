/* SPDX-License-Identifier: BSD-3-Clause */
// SMMU presets: configs/presets/*.yaml hold the keys of a scenario's `smmu:` block.
#pragma once

#include <string>
#include <vector>

namespace simcfg {

// Where the built-in presets live (the source tree's configs/presets until there is an install location).
std::string builtin_preset_dir();
// Names of the built-in presets (mmu700, ...).
std::vector<std::string> builtin_presets();
// The preset every other preset and scenario starts from.
inline const char *default_preset() { return "mmu700"; }
// The file a `preset:` value names: a path (with a '/' or ending in .yaml) relative to the file that names it, or
// a built-in name (mmu-700 is accepted for mmu700). "" and *err when there is no such preset.
std::string find_preset(const std::string &name, const std::string &referring_file, std::string *err);

} // namespace simcfg
