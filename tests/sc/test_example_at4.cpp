// SPDX-License-Identifier: BSD-3-Clause
// The Accellera "at_4_phase" example's initiators (nb_transport, BEGIN_REQ/END_REQ/BEGIN_RESP/END_RESP) around
// the SMMU, bypass and stage 1. Downstream the SMMU uses b_transport, so the targets are the example's
// blocking-capable ones (at_target_1_phase, lt_target).
#define REPORT_DEFINE_GLOBALS                  // the examples' reporting switches live in the program
#include "reporting.h"
#include "initiator_top.h"
#include "at_target_1_phase.h"
#include "lt_target.h"

#include "example_util.h"

using namespace sct;

static void run(Mode mode)
{
    run_sim([mode] {
        ExamplePlatform<at_target_1_phase, lt_target> pl(mode);
        initiator_top i1("initiator_1", 101, 0x0, 0x10000000, 2), i2("initiator_2", 102, 0x0, 0x10000000, 2);
        i1.initiator_socket(pl.smmu.dma_in);
        i2.initiator_socket(pl.smmu.dma_in);
        sc_core::sc_start();
        pl.check(mode);
    });
}

TEST(AccelleraAt4Phase, Bypass) { run(Mode::Bypass); }
TEST(AccelleraAt4Phase, Stage1) { run(Mode::Stage1); }
