// The Accellera "lt_dmi" example: DMI-capable initiators and targets around the SMMU. The SMMU refuses DMI, so
// every access must still go through translation; the targets' DMI invalidations are forwarded upstream.
#define REPORT_DEFINE_GLOBALS                  // the examples' reporting switches live in the program
#include "reporting.h"
#include "initiator_top.h"
#include "at_target_1_phase_dmi.h"
#include "lt_dmi_target.h"

#include "example_util.h"

using namespace sct;

static void run(Mode mode)
{
    run_sim([mode] {
        ExamplePlatform<at_target_1_phase, lt_dmi_target>   // at_target_1_phase_dmi.h names its class at_target_1_phase
        pl(mode);
        initiator_top i1("initiator_1", 101, 0x0, 0x10000000), i2("initiator_2", 102, 0x0, 0x10000000);
        i1.top_initiator_socket(pl.smmu.dma_in);
        i2.top_initiator_socket(pl.smmu.dma_in);
        sc_core::sc_start();
        pl.check(mode);
    });
}

TEST(AccelleraLtDmi, Bypass) { run(Mode::Bypass); }
TEST(AccelleraLtDmi, Stage1) { run(Mode::Stage1); }
