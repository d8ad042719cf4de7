/* sim/kernels.h: the engine's inner loops, one set per instruction set. Internal.
 *
 * Besides the block programs (vm.c), three loops run over every neuron every step:
 * the threshold scan that lists the spiking neurons, the check that the state is
 * still finite, and the addition of a ring's current slot into its variable. Built
 * with the library's baseline flags they run two doubles at a time (SSE2) on CPUs
 * that take eight; so, like vm.c, kernels.c is compiled once per instruction set and
 * program.c picks one set at start-up, the same for all (SNX_ISA, snx_engine_isa).
 * Every copy computes the same bits: the loops only compare, add and copy. */
#ifndef SIM_KERNELS_H
#define SIM_KERNELS_H

#include <stdbool.h>
#include <stdint.h>

#include "program.h"

/* The threshold's comparison of a variable with a constant. */
enum sim_cmp { SIM_CMP_GT, SIM_CMP_GE, SIM_CMP_LT, SIM_CMP_LE, SIM_CMP_NONZERO };

typedef struct sim_kernels {
    const char *isa;
    /* Runs a block program over one block (vm.c). */
    void (*exec)(const sim_program *p, const sim_exec_ctx *x);
    /* Writes base + k, in increasing k < n, for every k where `v[k] cmp c` holds
     * (SIM_CMP_NONZERO: v[k] != 0) and, with `until`, step >= until[k] (the neuron is
     * not refractory); returns how many. */
    int (*scan)(const double *v, enum sim_cmp cmp, double c, const double *until,
                double step, int32_t base, int n, int32_t *out);
    /* Whether x[0..n) are all finite. */
    bool (*finite)(const double *x, int n);
    /* x[k] += in[k], then in[k] = 0, for k in [0, n): a ring slot delivered and
     * emptied in one pass. */
    void (*deliver)(double *x, double *in, int32_t n);
} sim_kernels;

/* The set the CPU runs (or SNX_ISA asks for), chosen before main. */
extern const sim_kernels *sim_k;

/* The sets (kernels.c, one per instruction set the library was built for). */
extern const sim_kernels sim_kernels_baseline;
#ifdef SIM_VM_MULTI_ISA
extern const sim_kernels sim_kernels_avx2;
extern const sim_kernels sim_kernels_avx512;
#endif

#endif
