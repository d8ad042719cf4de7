/* Block programs: the choice of the engine loops' copy (vm.c, kernels.c) for this CPU, the
 * registers, freeing, and listings for debugging and tests. */
#include "program.h"
#include "kernels.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snex/error.h"
#include "snex/sim.h"
#include "snex/util.h"

/* ---- which copy of the engine's loops ------------------------------------------------ */

static const sim_kernels *const SETS[] = {
#ifdef SIM_VM_MULTI_ISA
    &sim_kernels_avx512,
    &sim_kernels_avx2,
#endif
    &sim_kernels_baseline,
};
enum { N_SETS = sizeof SETS / sizeof SETS[0] };

/* The baseline until the constructor has looked. */
const sim_kernels *sim_k = &sim_kernels_baseline;

static bool cpu_runs(const char *isa)
{
#ifdef SIM_VM_MULTI_ISA
    __builtin_cpu_init();
    if (!strcmp(isa, "avx512"))
        return __builtin_cpu_supports("x86-64-v4");
    if (!strcmp(isa, "avx2"))
        return __builtin_cpu_supports("x86-64-v3");
#endif
    return !strcmp(isa, "baseline");
}

/* The widest set the CPU runs, or the one SNX_ISA names (avx512, avx2, baseline) if
 * the CPU runs it: tests and benchmarks compare the sets so. Chosen once, before
 * main, so that threads never race on it. */
__attribute__((constructor)) static void choose_kernels(void)
{
    const char *want = getenv("SNX_ISA");
    for (size_t k = 0; k < N_SETS; k++)
        if (cpu_runs(SETS[k]->isa) && (!want || !strcmp(want, SETS[k]->isa))) {
            sim_k = SETS[k];
            return;
        }
    for (size_t k = 0; k < N_SETS; k++) /* SNX_ISA names a set this CPU cannot run */
        if (cpu_runs(SETS[k]->isa)) {
            sim_k = SETS[k];
            return;
        }
}

void sim_program_exec(const sim_program *p, const sim_exec_ctx *x)
{
    sim_k->exec(p, x);
}

const char *snx_engine_isa(void)
{
    return sim_k->isa;
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
        "EULER_VSV_HELD", "MOV_HELD", "MUL_VS_HELD", "ADD_VS_HELD", "ADD_VV_HELD",
        "MULADD_VSV_HELD", "EULER_SUB_VS", "EULER_SUB_VS_HELD", "EULER_ADD_VS",
        "EULER_ADD_VS_HELD", "EULER_MAS", "MUL_DIFF", "MULADD_DIFF", "RAND", "RANDN", "IOTA", "ITOF", "GATHER",
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
            } else if (I.op >= SIM_OP_EULER_SUB_VS && I.op <= SIM_OP_EULER_ADD_VS_HELD) {
                dump_vec(&b, I.a); /* d, a, b, the scale c, until */
                dump_vec(&b, I.b);
                dump_scal(&b, p, I.c);
                if (strstr(name, "_HELD")) {
                    snx_buf_puts(&b, " until");
                    dump_vec(&b, I.e);
                }
            } else if (I.op == SIM_OP_MUL_DIFF || I.op == SIM_OP_MULADD_DIFF) {
                dump_vec(&b, I.a); /* d, a, s(b), c [, e] */
                dump_scal(&b, p, I.b);
                dump_vec(&b, I.c);
                if (I.op == SIM_OP_MULADD_DIFF)
                    dump_vec(&b, I.e);
            } else if (I.op == SIM_OP_EULER_MAS) {
                dump_vec(&b, I.a);
                dump_scal(&b, p, I.b);
                dump_vec(&b, I.c);
                dump_scal(&b, p, I.e);
            } else if (I.op >= SIM_OP_EULER_V_HELD && I.op <= SIM_OP_MULADD_VSV_HELD) {
                /* the updates: d, a, then b (scalar but for ADD_VV_HELD), c, until */
                dump_vec(&b, I.a);
                if (I.op == SIM_OP_ADD_VV_HELD)
                    dump_vec(&b, I.b);
                else if (I.op != SIM_OP_EULER_V_HELD && I.op != SIM_OP_MOV_HELD)
                    dump_scal(&b, p, I.b);
                if (I.op == SIM_OP_EULER_VSV || I.op == SIM_OP_EULER_VSV_HELD ||
                    I.op == SIM_OP_MULADD_VSV_HELD)
                    dump_vec(&b, I.c);
                if (strstr(name, "_HELD")) {
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
