/* SPDX-License-Identifier: BSD-3-Clause */
// The scenario's `vms:` and `timeline:` (docs/scenarios.md, Timeline): typed, and checked against the devices, the
// VMs and the run before any simulation, each action against the state the actions before it leave.
#pragma once

#include <functional>
#include <string>

#include <yaml-cpp/yaml.h>

#include "scenario.h"

namespace simcfg {

// Reports an error at node `n` (key `path`, e.g. timeline[2].device).
using NodeError = std::function<void(const YAML::Node &n, const std::string &path, const std::string &msg)>;

// Reads `vms:` and `timeline:` of `root` into s (after the devices), reporting every error.
void build_timeline(const YAML::Node &root, const std::string &file, Scenario &s, const NodeError &error);

// Guest RAM the timeline needs beyond the devices' own nested domains: one GiB per VM and per device that a
// timeline `attach ... nested` gives a VM of its own.
unsigned timeline_guests(const Scenario &s);

} // namespace simcfg
