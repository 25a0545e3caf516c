/* SPDX-License-Identifier: BSD-3-Clause */
/* Symbol visibility of the model's public API: the libraries are compiled with -fvisibility=hidden and
 * only what the public headers mark here is exported from libsmmuv3-core.so and libsmmuv3-sc.so. */
#ifndef SMMU_EXPORT_H
#define SMMU_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
#define SMMU_API __attribute__((visibility("default")))
/* Every function declared between these is part of the exported API. */
#define SMMU_API_BEGIN _Pragma("GCC visibility push(default)")
#define SMMU_API_END   _Pragma("GCC visibility pop")
#else
#define SMMU_API
#define SMMU_API_BEGIN
#define SMMU_API_END
#endif

#endif
