/* SPDX-License-Identifier: BSD-3-Clause */
/* Reference for the Python encodings test: reads "builder arg..." lines on stdin and prints the words the
 * <smmu/regs.h> builder gives for them, one line of hex words per input line ("error" for an unknown builder). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <smmu/regs.h>

int main(void)
{
    char line[512];
    while (fgets(line, sizeof line, stdin)) {
        char name[64];
        unsigned long long a[8] = {0};
        int n = sscanf(line, "%63s %llx %llx %llx %llx %llx %llx", name, &a[0], &a[1], &a[2], &a[3], &a[4], &a[5]);
        if (n < 1) continue;
        uint64_t w[8] = {0};
        int nw = 2;
#define IS(s) (strcmp(name, s) == 0)
        if (IS("ste_abort")) { smmu_ste_abort(w); nw = 8; }
        else if (IS("ste_bypass")) { smmu_ste_bypass(w); nw = 8; }
        else if (IS("ste_s1")) { smmu_ste_s1(w, a[0], (unsigned)a[1]); nw = 8; }
        else if (IS("ste_vtcr_4k")) { w[0] = smmu_ste_vtcr_4k((unsigned)a[0], (unsigned)a[1], (unsigned)a[2]); nw = 1; }
        else if (IS("ste_s2")) { smmu_ste_s2(w, (uint16_t)a[0], a[1], a[2]); nw = 8; }
        else if (IS("ste_nested")) { smmu_ste_nested(w, a[0], (unsigned)a[1], (uint16_t)a[2], a[3], a[4]); nw = 8; }
        else if (IS("l1std")) { w[0] = smmu_l1std(a[0], (unsigned)a[1]); nw = 1; }
        else if (IS("l1cd")) { w[0] = smmu_l1cd(a[0]); nw = 1; }
        else if (IS("cd_s1_4k")) { smmu_cd_s1_4k(w, (uint16_t)a[0], a[1], (unsigned)a[2], (unsigned)a[3], a[4]); nw = 8; }
        else if (IS("cmd_prefetch_config")) smmu_cmd_prefetch_config(w, (uint32_t)a[0]);
        else if (IS("cmd_cfgi_ste")) smmu_cmd_cfgi_ste(w, (uint32_t)a[0], a[1] != 0);
        else if (IS("cmd_cfgi_ste_range")) smmu_cmd_cfgi_ste_range(w, (uint32_t)a[0], (unsigned)a[1]);
        else if (IS("cmd_cfgi_all")) smmu_cmd_cfgi_all(w);
        else if (IS("cmd_cfgi_cd")) smmu_cmd_cfgi_cd(w, (uint32_t)a[0], (uint32_t)a[1], a[2] != 0);
        else if (IS("cmd_cfgi_cd_all")) smmu_cmd_cfgi_cd_all(w, (uint32_t)a[0]);
        else if (IS("cmd_tlbi_nh_all")) smmu_cmd_tlbi_nh_all(w, (uint16_t)a[0]);
        else if (IS("cmd_tlbi_nh_asid")) smmu_cmd_tlbi_nh_asid(w, (uint16_t)a[0], (uint16_t)a[1]);
        else if (IS("cmd_tlbi_nh_va")) smmu_cmd_tlbi_nh_va(w, (uint16_t)a[0], (uint16_t)a[1], a[2], a[3] != 0);
        else if (IS("cmd_tlbi_nh_vaa")) smmu_cmd_tlbi_nh_vaa(w, (uint16_t)a[0], a[1], a[2] != 0);
        else if (IS("cmd_tlbi_el2_all")) smmu_cmd_tlbi_el2_all(w);
        else if (IS("cmd_tlbi_el2_asid")) smmu_cmd_tlbi_el2_asid(w, (uint16_t)a[0]);
        else if (IS("cmd_tlbi_el2_va")) smmu_cmd_tlbi_el2_va(w, (uint16_t)a[0], a[1], a[2] != 0);
        else if (IS("cmd_tlbi_s12_vmall")) smmu_cmd_tlbi_s12_vmall(w, (uint16_t)a[0]);
        else if (IS("cmd_tlbi_s2_ipa")) smmu_cmd_tlbi_s2_ipa(w, (uint16_t)a[0], a[1], a[2] != 0);
        else if (IS("cmd_tlbi_nsnh_all")) smmu_cmd_tlbi_nsnh_all(w);
        else if (IS("cmd_sync")) smmu_cmd_sync(w, (unsigned)a[0], a[1], (uint32_t)a[2]);
        else if (IS("cmd_resume")) smmu_cmd_resume(w, (uint32_t)a[0], (uint16_t)a[1], a[2] != 0, a[3] != 0);
        else if (IS("cmd_stall_term")) smmu_cmd_stall_term(w, (uint32_t)a[0]);
        else if (IS("cmd_pri_resp")) smmu_cmd_pri_resp(w, (uint32_t)a[0], (uint32_t)a[1], a[2] != 0, (uint16_t)a[3], (unsigned)a[4]);
        else { printf("error\n"); continue; }
        for (int i = 0; i < nw; i++) printf("%s%llx", i ? " " : "", (unsigned long long)w[i]);
        printf("\n");
    }
    return ferror(stdout) || fflush(stdout) ? 1 : 0;
}
