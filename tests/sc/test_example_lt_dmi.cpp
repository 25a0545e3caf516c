// SPDX-License-Identifier: BSD-3-Clause
// The Accellera "lt_dmi" example: DMI-capable initiators and targets around the SMMU. With DMI off (the default)
// every access goes through translation; with Params::dmi the initiators get DMI pointers to target B's memory
// through the SMMU (at the IOVA) while the target offers it, and the traffic generators' data checks still pass.
#define REPORT_DEFINE_GLOBALS                  // the examples' reporting switches live in the program
#include "reporting.h"
#include "initiator_top.h"
#include "at_target_1_phase_dmi.h"
#include "lt_dmi_target.h"

#include "example_util.h"

using namespace sct;

template <class TargetA>
static void run(Mode mode, bool dmi = false)
{
    run_sim([mode, dmi] {
        ExamplePlatform<TargetA, lt_dmi_target> pl(mode, dmi);
        initiator_top i1("initiator_1", 101, 0x0, 0x10000000), i2("initiator_2", 102, 0x0, 0x10000000);
        i1.top_initiator_socket(pl.smmu.dma_in);
        i2.top_initiator_socket(pl.smmu.dma_in);
        sc_core::sc_start();
        pl.check(mode, dmi);
    });
}

// at_target_1_phase_dmi.h names its class at_target_1_phase: a target that refuses DMI.
TEST(AccelleraLtDmi, Bypass) { run<at_target_1_phase>(Mode::Bypass); }
TEST(AccelleraLtDmi, Stage1) { run<at_target_1_phase>(Mode::Stage1); }
// Two lt_dmi_targets, as the example's own top (lt_dmi_top.cpp) has them.
TEST(AccelleraLtDmi, BypassWithDmi) { run<lt_dmi_target>(Mode::Bypass, true); }
TEST(AccelleraLtDmi, Stage1WithDmi) { run<lt_dmi_target>(Mode::Stage1, true); }
