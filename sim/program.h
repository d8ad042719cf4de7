/* sim/program.h: block programs and the virtual machine that runs them. Internal.
 *
 * A program is a list of instructions, each of which is one tight loop over a block of
 * up to SNX_BLOCK elements (neurons, spikes or synapses). Operands are
 *   vector operands: a scratch register (SNX_BLOCK doubles), or an array of the
 *       caller's array table read at the block's position (array + off);
 *   scalar operands: a runtime scalar (t, step) or a constant of the program's pool.
 * Arrays reached through index lists (a spike list, a synapse list, targets) are read
 * with GATHER into registers and written with SCATTER, which loops in order so that
 * repeated indices (two synapses onto one neuron) accumulate correctly.
 * Because every instruction is a plain loop over doubles, the compiler vectorises it
 * (#pragma omp simd); interpretation overhead is one switch per block per instruction. */
#ifndef SNX_SIM_PROGRAM_H
#define SNX_SIM_PROGRAM_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "ops.h"

#define SNX_BLOCK 256

/* Runtime scalar slots: the time, the step number and the time step. */
enum { SNX_RT_T, SNX_RT_STEP, SNX_RT_DT, SNX_N_RT };

/* Vector operand encoding: registers are 0..n_regs-1; arrays have this bit set. */
#define SNX_ARRAY_BIT 0x8000u

enum snx_vm_op {
    SNX_OP_MOV_V,  /* d = a */
    SNX_OP_MOV_S,  /* d = s(b) */
#define SNX_X(name, spelling, rule, loop, expr) \
    SNX_OP_##name##_VV, SNX_OP_##name##_VS, SNX_OP_##name##_SV,
    SNX_BINARY_OPS(SNX_X)
#undef SNX_X
#define SNX_X(name, spelling, rule, loop, expr) SNX_OP_##name##_V,
    SNX_UNARY_OPS(SNX_X)
#undef SNX_X
    SNX_OP_MULADD_VSV, /* d = a * s(b) + c */
    SNX_OP_MULADD_VVV, /* d = a * b + c */
    /* Euler updates fused with the derivative's last operation (exactly the same
     * arithmetic as the two separate loops, in one pass). "HELD" forms change d only
     * where the neuron is not refractory: step >= e[k] (e is the `until` array). */
    SNX_OP_EULER_V_HELD,   /* d += dt * a */
    SNX_OP_EULER_VS,       /* d += dt * (a * s(b)) */
    SNX_OP_EULER_VS_HELD,
    SNX_OP_EULER_VSV,      /* d += dt * (a * s(b) + c) */
    SNX_OP_EULER_VSV_HELD,
    SNX_OP_MOV_HELD,       /* d = a where step >= e[k] */
    SNX_OP_RAND,       /* d = uniform [0, 1) */
    SNX_OP_RANDN,      /* d = standard normal */
    SNX_OP_IOTA,       /* d = off + k + s(b) */
    SNX_OP_ITOF,       /* d = idx[a][k] + s(b) */
    SNX_OP_GATHER,     /* d = arrays[a][idx[b][k]] */
    SNX_OP_SCATTER_SET, /* arrays[d][idx[b][k]] = a, in order */
    SNX_OP_SCATTER_ADD,
    SNX_OP_SCATTER_SUB,
    SNX_OP_SCATTER_MUL,
    SNX_OP_SCATTER_DIV,
    SNX_N_VM_OPS
};

typedef struct snx_insn {
    uint16_t op, d, a, b, c, e;
} snx_insn;

typedef struct snx_program {
    snx_insn *code;
    int n_code;
    double *consts; /* scalar operand s >= SNX_N_RT is consts[s - SNX_N_RT] */
    int n_consts;
    int n_regs;
    int n_arrays;   /* array ids used: 0 .. n_arrays-1 */
    int n_idx;      /* index lists used */
    int uses_rng;
} snx_program;

/* Where a program runs: one block. */
typedef struct snx_exec {
    double *const *arrays;     /* the array table (base pointers) */
    const int64_t *const *idx; /* index lists, already positioned at this block */
    int64_t off;               /* position of the block's first element in the arrays */
    int n;                     /* elements in this block, 1..SNX_BLOCK */
    const double *rt;          /* runtime scalars (SNX_RT_*) */
    gsl_rng *rng;              /* required if the program uses rand()/randn() */
    double *regs;              /* n_regs * SNX_BLOCK doubles */
} snx_exec;

void snx_program_run(const snx_program *p, const snx_exec *x);
void snx_program_free(snx_program *p);
/* Scratch for a program's registers (aligned); free with free(). */
double *snx_regs_alloc(int n_regs);
/* A readable listing, for debugging and tests ("MUL_VS r0, a2, #0.5"). */
char *snx_program_dump(const snx_program *p);

#endif
