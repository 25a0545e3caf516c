/* SPDX-License-Identifier: BSD-3-Clause */
/* Shared pieces of the benchmarks: timing and figure output (a human table, then one JSON object per figure). */
#ifndef SMMU_BENCH_UTIL_H
#define SMMU_BENCH_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef struct bench_fig {
    char name[64], unit[16], base_name[64], note[96];
    double value, baseline;
} bench_fig_t;

static bench_fig_t bench_figs[64];
static int bench_nfigs;

/* Records a figure and prints its table row; baseline_name NULL when there is no baseline. */
static inline void bench_figure(const char *name, double value, const char *unit, const char *baseline_name,
                                double baseline, const char *note)
{
    if (bench_nfigs < 64) {
        bench_fig_t *f = &bench_figs[bench_nfigs++];
        memset(f, 0, sizeof *f);
        snprintf(f->name, sizeof f->name, "%s", name);
        snprintf(f->unit, sizeof f->unit, "%s", unit);
        if (baseline_name) snprintf(f->base_name, sizeof f->base_name, "%s", baseline_name);
        if (note) snprintf(f->note, sizeof f->note, "%s", note);
        f->value = value;
        f->baseline = baseline_name ? baseline : 0;
    }
    if (baseline_name && baseline > 0)
        printf("  %-46s %11.2f %-9s  %-30s %10.2f  x%.2f\n", name, value, unit, baseline_name, baseline, value / baseline);
    else
        printf("  %-46s %11.2f %-9s  %s\n", name, value, unit, note ? note : "");
    fflush(stdout);
}

/* Prints every figure as one JSON object per line, prefixed so tools can grep them. */
static inline void bench_json(void)
{
    for (int i = 0; i < bench_nfigs; i++) {
        const bench_fig_t *f = &bench_figs[i];
        printf("BENCH_JSON {\"name\":\"%s\",\"value\":%.6g,\"unit\":\"%s\"", f->name, f->value, f->unit);
        if (f->base_name[0] && f->baseline > 0)
            printf(",\"baseline_name\":\"%s\",\"baseline\":%.6g,\"ratio\":%.6g", f->base_name, f->baseline,
                   f->value / f->baseline);
        if (f->note[0]) printf(",\"note\":\"%s\"", f->note);
        printf("}\n");
    }
}

#endif
