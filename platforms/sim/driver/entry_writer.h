/* SPDX-License-Identifier: BSD-3-Clause */
// STE and CD updates the way arm_smmu_write_entry() does them: hitless when only one qword's in-use bits change,
// otherwise a breaking V=0 update; each step is followed by the caller's sync (CFGI_* + CMD_SYNC).
#pragma once

#include <array>
#include <cstdint>
#include <functional>

#include "hw.h"

namespace smmusim {

using Entry = std::array<uint64_t, 8>;

Entry ste_used_bits(const Entry &ste);   // arm_smmu_get_ste_used
Entry cd_used_bits(const Entry &cd);     // arm_smmu_get_cd_used

enum class UpdateKind { None, Hitless, Breaking };

struct EntryUpdate {
    UpdateKind kind = UpdateKind::None;
    unsigned syncs = 0;
};

// Moves the 64-byte entry at `pa` to `target`; `sync` is called after every step that changed memory.
EntryUpdate write_entry(PhysMemory &mem, uint64_t pa, const Entry &target, Entry (*used)(const Entry &),
                        const std::function<void()> &sync);

} // namespace smmusim
