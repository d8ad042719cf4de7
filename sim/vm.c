/* The virtual machine: runs a block program over one block. Every case is one loop
 * over the block; the operator table (ops.h) supplies the arithmetic, so each operator
 * is written once and expanded into its vector-vector, vector-scalar and
 * scalar-vector loops here.
 *
 * This file is compiled more than once (Makefile): as it is, for the baseline the
 * library is built for, and on x86-64 with GCC also with -march=x86-64-v3 (AVX2) and
 * -march=x86-64-v4 (AVX-512), SIM_VM_ISA naming each copy's entry point
 * (sim_vm_exec_avx2 ...). The loops are the same C; only the vector width the compiler
 * chooses differs. The C standard mode keeps floating-point contraction off, so no
 * copy fuses a multiply and an add: every copy computes the same bits (the tests run
 * the clustered network on each and compare its spikes). program.c picks one at
 * start-up. */
#include "program.h"

#include <gsl/gsl_randist.h>

#ifndef SIM_VM_ISA
#define SIM_VM_ISA baseline
#endif
#define SIM_VM_CAT2(a, b) a##_##b
#define SIM_VM_CAT(a, b) SIM_VM_CAT2(a, b)
#define SIM_VM_EXEC SIM_VM_CAT(sim_vm_exec, SIM_VM_ISA)

#define VEC(o) ((o) & SIM_ARRAY_BIT ? x->arrays[(o) & ~SIM_ARRAY_BIT] + x->off \
                                    : x->regs + (size_t)(o) * SIM_BLOCK)
#define SCAL(s) ((s) < SIM_N_RT ? x->rt[s]                                         \
                 : (s) & SIM_ARRAY_BIT ? x->arrays[(s) & ~SIM_ARRAY_BIT][0]          \
                                       : p->consts[(s) - SIM_N_RT])
/* The loop every instruction is: independent iterations the compiler may vectorise.
 * Loops that call the maths library stay plain (they would not vectorise anyway). */
#define LOOP(body)                         \
    _Pragma("omp simd") for (int k = 0; k < n; k++) { body; }
#define LOOP_SIMD(body) LOOP(body)
#define LOOP_PLAIN(body) for (int k = 0; k < n; k++) { body; }

static void run_scatter(const sim_program *p, const sim_exec_ctx *x, sim_insn I, int n)
{
    (void)p;
    double *d = x->arrays[I.d];
    const double *a = VEC(I.a);
    const int64_t *ix = x->idx[I.b];
    /* In order, not vectorised: indices may repeat. */
    switch (I.op) {
    case SIM_OP_SCATTER_SET: for (int k = 0; k < n; k++) d[ix[k]] = a[k]; break;
    case SIM_OP_SCATTER_ADD: for (int k = 0; k < n; k++) d[ix[k]] += a[k]; break;
    case SIM_OP_SCATTER_SUB: for (int k = 0; k < n; k++) d[ix[k]] -= a[k]; break;
    case SIM_OP_SCATTER_MUL: for (int k = 0; k < n; k++) d[ix[k]] *= a[k]; break;
    default: for (int k = 0; k < n; k++) d[ix[k]] /= a[k]; break;
    }
}

static void run_special(const sim_program *p, const sim_exec_ctx *x, sim_insn I, int n)
{
    double *d = VEC(I.d);
    switch (I.op) {
    case SIM_OP_RAND:
        for (int k = 0; k < n; k++)
            d[k] = gsl_rng_uniform(x->rng);
        break;
    case SIM_OP_RANDN: {
        const double sigma = SCAL(I.b); /* sigma 1 gives the bits of a standard normal */
        for (int k = 0; k < n; k++)
            d[k] = gsl_ran_gaussian_ziggurat(x->rng, sigma);
        break;
    }
    case SIM_OP_IOTA: {
        double base = (double)x->off + SCAL(I.b);
        LOOP(d[k] = base + (double)k)
        break;
    }
    case SIM_OP_ITOF: {
        const int64_t *ix = x->idx[I.a];
        double shift = SCAL(I.b);
        LOOP(d[k] = (double)ix[k] + shift)
        break;
    }
    case SIM_OP_GATHER: {
        const double *src = x->arrays[I.a];
        const int64_t *ix = x->idx[I.b];
        LOOP(d[k] = src[ix[k]])
        break;
    }
    default:
        run_scatter(p, x, I, n);
        break;
    }
}

/* Held forms: the update happens where the neuron is not refractory. */
#define HELD(update) LOOP(d[k] = step >= e[k] ? (update) : d[k])

static void run_update(const sim_program *p, const sim_exec_ctx *x, sim_insn I, int n)
{
    double *d = VEC(I.d);
    const double *pa = VEC(I.a), *e = VEC(I.e);
    const double dt = x->rt[SIM_RT_DT], step = x->rt[SIM_RT_STEP];
    switch (I.op) {
    case SIM_OP_EULER_V_HELD:
        HELD(d[k] + dt * pa[k])
        break;
    case SIM_OP_EULER_VS: {
        const double s = SCAL(I.b);
        LOOP(d[k] = d[k] + dt * (pa[k] * s))
        break;
    }
    case SIM_OP_EULER_VS_HELD: {
        const double s = SCAL(I.b);
        HELD(d[k] + dt * (pa[k] * s))
        break;
    }
    case SIM_OP_EULER_VSV: {
        const double s = SCAL(I.b), *pc = VEC(I.c);
        LOOP(d[k] = d[k] + dt * (pa[k] * s + pc[k]))
        break;
    }
    case SIM_OP_EULER_VSV_HELD: {
        const double s = SCAL(I.b), *pc = VEC(I.c);
        HELD(d[k] + dt * (pa[k] * s + pc[k]))
        break;
    }
    case SIM_OP_MUL_VS_HELD: {
        const double s = SCAL(I.b);
        HELD(pa[k] * s)
        break;
    }
    case SIM_OP_ADD_VS_HELD: {
        const double s = SCAL(I.b);
        HELD(pa[k] + s)
        break;
    }
    case SIM_OP_ADD_VV_HELD: {
        const double *pb = VEC(I.b);
        HELD(pa[k] + pb[k])
        break;
    }
    case SIM_OP_MULADD_VSV_HELD: {
        const double s = SCAL(I.b), *pc = VEC(I.c);
        HELD(pa[k] * s + pc[k])
        break;
    }
    case SIM_OP_EULER_SUB_VS: {
        const double *pb = VEC(I.b), s = SCAL(I.c);
        LOOP(d[k] = d[k] + dt * ((pa[k] - pb[k]) * s))
        break;
    }
    case SIM_OP_EULER_SUB_VS_HELD: {
        const double *pb = VEC(I.b), s = SCAL(I.c);
        HELD(d[k] + dt * ((pa[k] - pb[k]) * s))
        break;
    }
    case SIM_OP_EULER_ADD_VS: {
        const double *pb = VEC(I.b), s = SCAL(I.c);
        LOOP(d[k] = d[k] + dt * ((pa[k] + pb[k]) * s))
        break;
    }
    case SIM_OP_EULER_ADD_VS_HELD: {
        const double *pb = VEC(I.b), s = SCAL(I.c);
        HELD(d[k] + dt * ((pa[k] + pb[k]) * s))
        break;
    }
    case SIM_OP_MUL_DIFF: {
        const double s = SCAL(I.b), *pc = VEC(I.c);
        LOOP(d[k] = pa[k] * (s - pc[k]))
        break;
    }
    case SIM_OP_MULADD_DIFF: {
        const double s = SCAL(I.b), *pc = VEC(I.c), *pe = VEC(I.e);
        LOOP(d[k] = pa[k] * (s - pc[k]) + pe[k])
        break;
    }
    case SIM_OP_EULER_MAS: {
        const double s1 = SCAL(I.b), *pc = VEC(I.c), s2 = SCAL(I.e);
        LOOP(d[k] = d[k] + dt * ((pa[k] * s1 + pc[k]) * s2))
        break;
    }
    default: /* SIM_OP_MOV_HELD */
        HELD(pa[k])
        break;
    }
}

void SIM_VM_EXEC(const sim_program *p, const sim_exec_ctx *x)
{
    const int n = x->n;
    for (int ip = 0; ip < p->n_code; ip++) {
        const sim_insn I = p->code[ip];
        switch (I.op) {
        case SIM_OP_MOV_V: {
            double *d = VEC(I.d);
            const double *pa = VEC(I.a);
            LOOP(d[k] = pa[k])
            break;
        }
        case SIM_OP_MOV_S: {
            double *d = VEC(I.d);
            const double b = SCAL(I.b);
            LOOP(d[k] = b)
            break;
        }
#define SIM_X(name, spelling, rule, loop, expr)                                  \
    case SIM_OP_##name##_VV: {                                             \
        double *d = VEC(I.d);                                              \
        const double *pa = VEC(I.a), *pb = VEC(I.b);                       \
        LOOP_##loop(const double a = pa[k]; const double b = pb[k]; d[k] = expr)  \
        break;                                                             \
    }                                                                      \
    case SIM_OP_##name##_VS: {                                             \
        double *d = VEC(I.d);                                              \
        const double *pa = VEC(I.a);                                       \
        const double b = SCAL(I.b);                                        \
        LOOP_##loop(const double a = pa[k]; d[k] = expr)                          \
        break;                                                             \
    }                                                                      \
    case SIM_OP_##name##_SV: {                                             \
        double *d = VEC(I.d);                                              \
        const double a = SCAL(I.a);                                        \
        const double *pb = VEC(I.b);                                       \
        LOOP_##loop(const double b = pb[k]; d[k] = expr)                          \
        break;                                                             \
    }
            SIM_BINARY_OPS(SIM_X)
#undef SIM_X
#define SIM_X(name, spelling, rule, loop, expr)  \
    case SIM_OP_##name##_V: {              \
        double *d = VEC(I.d);              \
        const double *pa = VEC(I.a);       \
        LOOP_##loop(const double a = pa[k]; d[k] = expr) \
        break;                             \
    }
            SIM_UNARY_OPS(SIM_X)
#undef SIM_X
        case SIM_OP_MULADD_VSV: {
            double *d = VEC(I.d);
            const double *pa = VEC(I.a), *pc = VEC(I.c);
            const double s = SCAL(I.b);
            LOOP(d[k] = pa[k] * s + pc[k])
            break;
        }
        case SIM_OP_MULADD_VVV: {
            double *d = VEC(I.d);
            const double *pa = VEC(I.a), *pb = VEC(I.b), *pc = VEC(I.c);
            LOOP(d[k] = pa[k] * pb[k] + pc[k])
            break;
        }
        case SIM_OP_EULER_V_HELD:
        case SIM_OP_EULER_VS:
        case SIM_OP_EULER_VS_HELD:
        case SIM_OP_EULER_VSV:
        case SIM_OP_EULER_VSV_HELD:
        case SIM_OP_MOV_HELD:
        case SIM_OP_MUL_VS_HELD:
        case SIM_OP_ADD_VS_HELD:
        case SIM_OP_ADD_VV_HELD:
        case SIM_OP_MULADD_VSV_HELD:
        case SIM_OP_EULER_SUB_VS:
        case SIM_OP_EULER_SUB_VS_HELD:
        case SIM_OP_EULER_ADD_VS:
        case SIM_OP_EULER_ADD_VS_HELD:
        case SIM_OP_EULER_MAS:
        case SIM_OP_MUL_DIFF:
        case SIM_OP_MULADD_DIFF:
            run_update(p, x, I, n);
            break;
        default:
            run_special(p, x, I, n);
            break;
        }
    }
}

