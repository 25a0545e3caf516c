// SPDX-License-Identifier: BSD-3-Clause
/* The same as regs_c.c, compiled as C++17: the public headers are usable from C++ too. */
#include <smmu/regs.h>
#include <smmu/smmu.h>

int main(void)
{
    uint64_t cmd[2], cd[8];
    smmu_cmd_sync(cmd, SMMU_CMD_SYNC_CS_SEV, 0, 0);
    if (cmd[0] != 0x0FC02046ull) return 1;                  /* Linux's CMD_SYNC with CS=SEV */
    smmu_cd_s1_4k(cd, 1, 0x1000, 48, SMMU_PS_44BIT, 0);
    if (cd[0] != 0x0001E204C0003510ull) return 2;            /* Linux's stage-1 CD word 0 */
    return 0;
}
