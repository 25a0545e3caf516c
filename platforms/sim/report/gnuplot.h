/* SPDX-License-Identifier: BSD-3-Clause */
// Rendering plots with gnuplot as a subprocess: the data files are always written; a PNG needs gnuplot.
#pragma once

#include <string>

namespace simreport {

// The PNG terminal this gnuplot has ("pngcairo", else "png"); "" when gnuplot is not on PATH.
const std::string &png_terminal();

// Writes `script` to `dir/name.gp` and runs gnuplot on it in `dir`. False with *msg saying why (no gnuplot,
// or its error output); the .gp file stays so the user can rerun it.
bool render(const std::string &dir, const std::string &name, const std::string &script, std::string *msg);

// Creates `path` and its missing parents (like mkdir -p). False if one cannot be made.
bool make_dirs(const std::string &path);

// Quotes a string for a gnuplot script (double quotes, escaped).
std::string quote(const std::string &s);

} // namespace simreport
