/* SPDX-License-Identifier: BSD-3-Clause */
// Where the tools find the data the project ships (configs/: presets, scenarios, sweeps).
#pragma once

#include <string>

namespace simcfg {

// <prefix>/share/smmuv3/configs found relative to the running executable (<prefix>/bin), so an install made with
// `cmake --install --prefix P` or moved works; else the source tree's configs/ when the executable runs from this
// project's build tree; else the configured install location (CMAKE_INSTALL_FULL_DATADIR/smmuv3/configs).
std::string configs_dir();

} // namespace simcfg
