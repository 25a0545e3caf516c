/* SPDX-License-Identifier: BSD-3-Clause */
// The scenario schema: every key, its type, limits, default and one line of documentation.
#pragma once

#include <string>
#include <vector>

namespace simcfg {

enum class Type { Map, List, UInt, Float, Bool, String, Enum, Size, Duration, Rate, Frequency, Bdf };

struct Key {
    std::string name;
    Type type = Type::String;
    std::string doc;
    std::string def;                    // default, as written in YAML ("" = none / required when `required`)
    std::vector<std::string> choices;   // Enum
    double min = 0, max = 0;            // numeric range when max > min
    bool required = false;
    bool pow2 = false;
    unsigned levels = 0;                // Map: may instead be a list of this many maps (one per level)
    std::vector<Key> children;          // Map: its keys; List: the keys of each element (a map)
    const Key *child(const std::string &n) const;
    std::string child_names() const;    // "a, b, c"
};

const Key &scenario_schema();
const Key &smmu_schema();               // the `smmu:` block, and a preset file
const char *type_name(Type t);
// Markdown table of every key (docs/config-keys.md is generated from this).
std::string schema_markdown();

} // namespace simcfg
