// SPDX-License-Identifier: MIT
#pragma once

// GLIASIM_MULTIVERSION builds a hot function for AVX-512, AVX2 and the x86-64 baseline, picked at
// load time (GCC target_clones / ifunc). Targets of it must be compiled with
// -ffp-contract=off so that both versions give bit-identical floating-point results.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) &&                             \
    !defined(GLIASIM_NO_MULTIVERSION)
#define GLIASIM_MULTIVERSION                                                                       \
    __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define GLIASIM_MULTIVERSION
#endif
