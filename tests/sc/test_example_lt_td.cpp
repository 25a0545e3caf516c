// SPDX-License-Identifier: BSD-3-Clause
// The Accellera "lt_temporal_decouple" example: a quantum-keeper initiator and a plain LT initiator, with the
// synchronising and the normal LT targets, around the SMMU, bypass and stage 1.
#define REPORT_DEFINE_GLOBALS                  // the examples' reporting switches live in the program
#include "reporting.h"
#include "initiator_top.h"
#include "td_initiator_top.h"
#include "lt_synch_target.h"
#include "lt_target.h"

#include "example_util.h"

using namespace sct;

static void run(Mode mode)
{
    run_sim([mode] {
        ExamplePlatform<lt_synch_target, lt_target> pl(mode);
        td_initiator_top i1("td_initiator_1", 101, 0x0, 0x10000000);
        initiator_top i2("initiator_2", 102, 0x0, 0x10000000);
        i1.top_initiator_socket(pl.smmu.dma_in);
        i2.top_initiator_socket(pl.smmu.dma_in);
        sc_core::sc_start();
        pl.check(mode);
    });
}

TEST(AccelleraLtTemporalDecouple, Bypass) { run(Mode::Bypass); }
TEST(AccelleraLtTemporalDecouple, Stage1) { run(Mode::Stage1); }
