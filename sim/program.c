/* The virtual machine: runs a block program over one block. Every case is one loop
 * over the block; the operator table (ops.h) supplies the arithmetic, so each operator
 * is written once and expanded into its vector-vector, vector-scalar and
 * scalar-vector loops here. */
#include "program.h"

#include <gsl/gsl_randist.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snex/error.h"
#include "snex/util.h"

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
    default: /* SIM_OP_MOV_HELD */
        HELD(pa[k])
        break;
    }
}

void sim_program_exec(const sim_program *p, const sim_exec_ctx *x)
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
            run_update(p, x, I, n);
            break;
        default:
            run_special(p, x, I, n);
            break;
        }
    }
}

void sim_program_free(sim_program *p)
{
    if (!p)
        return;
    free(p->code);
    free(p->consts);
    free(p);
}

double *sim_regs_alloc(int n_regs)
{
    size_t bytes = (size_t)(n_regs > 0 ? n_regs : 1) * SIM_BLOCK * sizeof(double);
    void *mem = NULL;
    if (posix_memalign(&mem, 64, bytes)) {
        snx_error(SNX_ENOMEM, "out of memory allocating %zu bytes of registers", bytes);
        return NULL;
    }
    memset(mem, 0, bytes);
    return mem;
}

/* ---- listing ------------------------------------------------------------------------ */

static const char *op_name(int op)
{
    static const char *const names[SIM_N_VM_OPS] = {
        "MOV_V", "MOV_S",
#define SIM_X(name, spelling, rule, loop, expr) #name "_VV", #name "_VS", #name "_SV",
        SIM_BINARY_OPS(SIM_X)
#undef SIM_X
#define SIM_X(name, spelling, rule, loop, expr) #name "_V",
        SIM_UNARY_OPS(SIM_X)
#undef SIM_X
        "MULADD_VSV", "MULADD_VVV", "EULER_V_HELD", "EULER_VS", "EULER_VS_HELD", "EULER_VSV",
        "EULER_VSV_HELD", "MOV_HELD", "RAND", "RANDN", "IOTA", "ITOF", "GATHER",
        "SCATTER_SET", "SCATTER_ADD", "SCATTER_SUB", "SCATTER_MUL", "SCATTER_DIV",
    };
    return op >= 0 && op < SIM_N_VM_OPS ? names[op] : "?";
}

static void dump_vec(snx_buf *b, unsigned v)
{
    if (v & SIM_ARRAY_BIT)
        snx_buf_printf(b, " a%u", v & ~SIM_ARRAY_BIT);
    else
        snx_buf_printf(b, " r%u", v);
}

static void dump_scal(snx_buf *b, const sim_program *p, unsigned s)
{
    if (s == SIM_RT_T)
        snx_buf_puts(b, " t");
    else if (s == SIM_RT_STEP)
        snx_buf_puts(b, " step");
    else if (s == SIM_RT_DT)
        snx_buf_puts(b, " dt");
    else if (s & SIM_ARRAY_BIT)
        snx_buf_printf(b, " a%u[0]", s & ~SIM_ARRAY_BIT);
    else
        snx_buf_printf(b, " #%.17g", p->consts[s - SIM_N_RT]);
}

char *sim_program_dump(const sim_program *p)
{
    snx_buf b = { 0 };
    for (int ip = 0; ip < p->n_code; ip++) {
        sim_insn I = p->code[ip];
        const char *name = op_name(I.op);
        size_t len = strlen(name);
        snx_buf_puts(&b, name);
        if (I.op >= SIM_OP_SCATTER_SET) {
            snx_buf_printf(&b, " a%u[x%u]", I.d, I.b);
            dump_vec(&b, I.a);
        } else if (I.op == SIM_OP_GATHER) {
            dump_vec(&b, I.d);
            snx_buf_printf(&b, " a%u[x%u]", I.a, I.b);
        } else if (I.op == SIM_OP_ITOF) {
            dump_vec(&b, I.d);
            snx_buf_printf(&b, " x%u", I.a);
            dump_scal(&b, p, I.b);
        } else {
            dump_vec(&b, I.d);
            int unary = len > 2 && !strcmp(name + len - 2, "_V");
            if (I.op == SIM_OP_MOV_S || I.op == SIM_OP_IOTA || I.op == SIM_OP_RANDN) {
                dump_scal(&b, p, I.b);
            } else if (I.op == SIM_OP_RAND) {
                /* no operands */
            } else if (I.op >= SIM_OP_EULER_V_HELD && I.op <= SIM_OP_MOV_HELD) {
                dump_vec(&b, I.a);
                if (I.op == SIM_OP_EULER_VS || I.op == SIM_OP_EULER_VS_HELD ||
                    I.op == SIM_OP_EULER_VSV || I.op == SIM_OP_EULER_VSV_HELD)
                    dump_scal(&b, p, I.b);
                if (I.op == SIM_OP_EULER_VSV || I.op == SIM_OP_EULER_VSV_HELD)
                    dump_vec(&b, I.c);
                if (I.op == SIM_OP_EULER_V_HELD || I.op == SIM_OP_EULER_VS_HELD ||
                    I.op == SIM_OP_EULER_VSV_HELD || I.op == SIM_OP_MOV_HELD) {
                    snx_buf_puts(&b, " until");
                    dump_vec(&b, I.e);
                }
            } else if (unary || I.op == SIM_OP_MOV_V) {
                dump_vec(&b, I.a);
            } else {
                int sv = !strcmp(name + len - 3, "_SV");
                int vs = !strcmp(name + len - 3, "_VS") || I.op == SIM_OP_MULADD_VSV;
                if (sv)
                    dump_scal(&b, p, I.a);
                else
                    dump_vec(&b, I.a);
                if (vs)
                    dump_scal(&b, p, I.b);
                else
                    dump_vec(&b, I.b);
                if (I.op == SIM_OP_MULADD_VSV || I.op == SIM_OP_MULADD_VVV)
                    dump_vec(&b, I.c);
            }
        }
        snx_buf_puts(&b, "\n");
    }
    return snx_buf_take(&b);
}
