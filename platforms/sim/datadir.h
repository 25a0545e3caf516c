// Where the tools find the data the project ships (configs/: presets, scenarios, sweeps).
#pragma once

#include <string>

namespace simcfg {

// The source tree's configs/ when the running executable is in this project's build tree, else the installed
// <prefix>/share/smmuv3/configs found relative to the executable (so an install moved with
// `cmake --install --prefix P` still works), else the configured install location.
std::string configs_dir();

} // namespace simcfg
