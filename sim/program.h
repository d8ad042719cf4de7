/* sim/program.h: block programs and the virtual machine that runs them. Internal.
 *
 * A program is a list of instructions, each of which is one tight loop over a block of
 * up to SIM_BLOCK elements (neurons, spikes or synapses). Operands are
 *   vector operands: a scratch register (SIM_BLOCK doubles), or an array of the
 *       caller's array table read at the block's position (array + off);
 *   scalar operands: a runtime scalar (t, step), a constant of the program's pool, or
 *       the first element of an array of the table (a shared variable: one value for
 *       the whole group, read once per instruction like t).
 * Arrays reached through index lists (a spike list, a synapse list, targets) are read
 * with GATHER into registers and written with SCATTER, which loops in order so that
 * repeated indices (two synapses onto one neuron) accumulate correctly.
 * Because every instruction is a plain loop over doubles, the compiler vectorises it
 * (#pragma omp simd); interpretation overhead is one switch per block per instruction. */
#ifndef SIM_PROGRAM_H
#define SIM_PROGRAM_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "ops.h"

#define SIM_BLOCK 256

/* Runtime scalar slots: the time, the step number and the time step. */
enum { SIM_RT_T, SIM_RT_STEP, SIM_RT_DT, SIM_N_RT };

/* Vector operand encoding: registers are 0..n_regs-1; arrays have this bit set.
 * Scalar operand encoding: runtime slots 0..SIM_N_RT-1, then constants; with this bit
 * set, element 0 of that array. */
#define SIM_ARRAY_BIT 0x8000u

enum sim_vm_op {
    SIM_OP_MOV_V,  /* d = a */
    SIM_OP_MOV_S,  /* d = s(b) */
#define SIM_X(name, spelling, rule, loop, expr) \
    SIM_OP_##name##_VV, SIM_OP_##name##_VS, SIM_OP_##name##_SV,
    SIM_BINARY_OPS(SIM_X)
#undef SIM_X
#define SIM_X(name, spelling, rule, loop, expr) SIM_OP_##name##_V,
    SIM_UNARY_OPS(SIM_X)
#undef SIM_X
    SIM_OP_MULADD_VSV, /* d = a * s(b) + c */
    SIM_OP_MULADD_VVV, /* d = a * b + c */
    /* Euler updates fused with the derivative's last operation (exactly the same
     * arithmetic as the two separate loops, in one pass). "HELD" forms change d only
     * where the neuron is not refractory: step >= e[k] (e is the `until` array). */
    SIM_OP_EULER_V_HELD,   /* d += dt * a */
    SIM_OP_EULER_VS,       /* d += dt * (a * s(b)) */
    SIM_OP_EULER_VS_HELD,
    SIM_OP_EULER_VSV,      /* d += dt * (a * s(b) + c) */
    SIM_OP_EULER_VSV_HELD,
    SIM_OP_MOV_HELD,       /* d = a where step >= e[k] */
    /* Held forms of the operations that end exact updates (peephole.c). */
    SIM_OP_MUL_VS_HELD,    /* d = a * s(b) where step >= e[k] */
    SIM_OP_ADD_VS_HELD,    /* d = a + s(b) where ... */
    SIM_OP_ADD_VV_HELD,    /* d = a + b where ... */
    SIM_OP_MULADD_VSV_HELD, /* d = a * s(b) + c where ... */
    /* Euler updates fused with a difference, sum or multiply-add (peephole.c). */
    SIM_OP_EULER_SUB_VS,   /* d += dt * ((a - b) * s(c)) */
    SIM_OP_EULER_SUB_VS_HELD,
    SIM_OP_EULER_ADD_VS,   /* d += dt * ((a + b) * s(c)) */
    SIM_OP_EULER_ADD_VS_HELD,
    SIM_OP_EULER_MAS,      /* d += dt * ((a * s(b) + c) * s(e)) */
    SIM_OP_MUL_DIFF,       /* d = a * (s(b) - c) */
    SIM_OP_MULADD_DIFF,    /* d = a * (s(b) - c) + e */
    SIM_OP_RAND,       /* d = uniform [0, 1) */
    SIM_OP_RANDN,      /* d = s(b) * standard normal (s(b) = 1 for randn()) */
    SIM_OP_IOTA,       /* d = off + k + s(b) */
    SIM_OP_ITOF,       /* d = idx[a][k] + s(b) */
    SIM_OP_GATHER,     /* d = arrays[a][idx[b][k]] */
    SIM_OP_SCATTER_SET, /* arrays[d][idx[b][k]] = a, in order */
    SIM_OP_SCATTER_ADD,
    SIM_OP_SCATTER_SUB,
    SIM_OP_SCATTER_MUL,
    SIM_OP_SCATTER_DIV,
    SIM_N_VM_OPS
};

typedef struct sim_insn {
    uint16_t op, d, a, b, c, e;
} sim_insn;

typedef struct sim_program {
    sim_insn *code;
    int n_code;
    double *consts; /* scalar operand SIM_N_RT <= s < SIM_ARRAY_BIT is consts[s - SIM_N_RT] */
    int n_consts;
    int n_regs;
    int n_arrays;   /* array ids used: 0 .. n_arrays-1 */
    int n_idx;      /* index lists used */
    int uses_rng;
} sim_program;

/* Where a program runs: one block. */
typedef struct sim_exec_ctx {
    double *const *arrays;     /* the array table (base pointers) */
    const int64_t *const *idx; /* index lists, already positioned at this block */
    int64_t off;               /* position of the block's first element in the arrays */
    int n;                     /* elements in this block, 1..SIM_BLOCK */
    const double *rt;          /* runtime scalars (SIM_RT_*) */
    gsl_rng *rng;              /* required if the program uses rand()/randn() */
    double *regs;              /* n_regs * SIM_BLOCK doubles */
} sim_exec_ctx;

/* Runs p over one block with the copy of the virtual machine chosen for this CPU. */
void sim_program_exec(const sim_program *p, const sim_exec_ctx *x);
/* The copies (vm.c, one per instruction set the library was built for). */
void sim_vm_exec_baseline(const sim_program *p, const sim_exec_ctx *x);
#ifdef SIM_VM_MULTI_ISA
void sim_vm_exec_avx2(const sim_program *p, const sim_exec_ctx *x);
void sim_vm_exec_avx512(const sim_program *p, const sim_exec_ctx *x);
#endif
void sim_program_free(sim_program *p);
/* Scratch for a program's registers (aligned); free with free(). */
double *sim_regs_alloc(int n_regs);
/* A readable listing, for debugging and tests ("MUL_VS r0, a2, #0.5"). */
char *sim_program_dump(const sim_program *p);

#endif
