/* The engine's inner loops outside the block programs (kernels.h), compiled once per
 * instruction set like vm.c (the Makefile; SIM_VM_ISA names the copy). The loops are
 * plain C written so that the compiler can vectorise them at any width. */
#include "kernels.h"

#ifndef SIM_VM_ISA
#define SIM_VM_ISA baseline
#endif
#define SIM_K_CAT2(a, b) a##_##b
#define SIM_K_CAT(a, b) SIM_K_CAT2(a, b)
#define SIM_K_STR2(a) #a
#define SIM_K_STR(a) SIM_K_STR2(a)

/* The threshold scan tests eight neurons at once and visits only the lanes that
 * crossed: a step of a few neurons out of thousands spikes, so most groups of eight
 * cost one vector compare and one predicted branch. The compare is written with each
 * instruction set's intrinsics (a plain loop reducing eight comparisons compiled to
 * a scalar loop over a stored vector); MASK8 gives the crossings as eight bits. */
#if defined(__AVX512F__)
#include <immintrin.h>
#define MASK8(p, c, imm, sse2) \
    ((unsigned)_mm512_cmp_pd_mask(_mm512_loadu_pd(p), _mm512_set1_pd(c), imm))
#elif defined(__AVX__)
#include <immintrin.h>
#define MASK4(p, c, imm) \
    ((unsigned)_mm256_movemask_pd(_mm256_cmp_pd(_mm256_loadu_pd(p), _mm256_set1_pd(c), imm)))
#define MASK8(p, c, imm, sse2) (MASK4(p, c, imm) | MASK4((p) + 4, c, imm) << 4)
#elif defined(__SSE2__)
#include <emmintrin.h>
#define MASK2(p, c, sse2) ((unsigned)_mm_movemask_pd(sse2(_mm_loadu_pd(p), _mm_set1_pd(c))))
#define MASK8(p, c, imm, sse2)                                                        \
    (MASK2(p, c, sse2) | MASK2((p) + 2, c, sse2) << 2 | MASK2((p) + 4, c, sse2) << 4 |  \
     MASK2((p) + 6, c, sse2) << 6)
#endif

/* One scan per comparison, so that the test is a constant in the loop. `test` is
 * the comparison in C; `imm` and `sse2` the same as an AVX predicate and an SSE2
 * intrinsic (ordered for <, <=, >, >=, unordered for !=: NaN compares as in C). */
#ifdef MASK8
#define SCAN_LANES(test, imm, sse2)                                                  \
    for (; k + 8 <= n; k += 8)                                                       \
        for (unsigned m = MASK8(v + k, c, imm, sse2); m; m &= m - 1) {               \
            int j = k + __builtin_ctz(m);                                            \
            if (!until || step >= until[j])                                          \
                out[count++] = base + j;                                             \
        }
#else
#define SCAN_LANES(test, imm, sse2)
#endif
#define SCAN(name, test, imm, sse2)                                                   \
    static int name(const double *v, double c, const double *until, double step,      \
                    int32_t base, int n, int32_t *out)                                \
    {                                                                                 \
        int count = 0, k = 0;                                                         \
        SCAN_LANES(test, imm, sse2)                                                   \
        for (; k < n; k++)                                                            \
            if (test(v[k], c) && (!until || step >= until[k]))                        \
                out[count++] = base + k;                                              \
        return count;                                                                 \
    }
#define GT(x, c) ((x) > (c))
#define GE(x, c) ((x) >= (c))
#define LT(x, c) ((x) < (c))
#define LE(x, c) ((x) <= (c))
#define NONZERO(x, c) ((x) != (c))
SCAN(scan_gt, GT, _CMP_GT_OQ, _mm_cmpgt_pd)
SCAN(scan_ge, GE, _CMP_GE_OQ, _mm_cmpge_pd)
SCAN(scan_lt, LT, _CMP_LT_OQ, _mm_cmplt_pd)
SCAN(scan_le, LE, _CMP_LE_OQ, _mm_cmple_pd)
SCAN(scan_nonzero, NONZERO, _CMP_NEQ_UQ, _mm_cmpneq_pd)

static int scan(const double *v, enum sim_cmp cmp, double c, const double *until,
                double step, int32_t base, int n, int32_t *out)
{
    switch (cmp) {
    case SIM_CMP_GT: return scan_gt(v, c, until, step, base, n, out);
    case SIM_CMP_GE: return scan_ge(v, c, until, step, base, n, out);
    case SIM_CMP_LT: return scan_lt(v, c, until, step, base, n, out);
    case SIM_CMP_LE: return scan_le(v, c, until, step, base, n, out);
    default: return scan_nonzero(v, 0.0, until, step, base, n, out);
    }
}

/* x*0 is 0 for a finite x and NaN for an infinite or NaN one, so the sum over the
 * block is 0 exactly when all are finite: floating point, because SSE2 (the
 * baseline) has no 64-bit integer compare, and counting all-ones exponents did not
 * vectorise there. */
static bool finite(const double *x, int n)
{
    double acc = 0;
#pragma omp simd reduction(+ : acc)
    for (int k = 0; k < n; k++)
        acc += x[k] * 0.0;
    return acc == 0;
}

static void deliver(double *restrict x, double *restrict in, int32_t n)
{
#pragma omp simd
    for (int32_t k = 0; k < n; k++) {
        x[k] += in[k];
        in[k] = 0;
    }
}

const sim_kernels SIM_K_CAT(sim_kernels, SIM_VM_ISA) = {
    SIM_K_STR(SIM_VM_ISA), SIM_K_CAT(sim_vm_exec, SIM_VM_ISA), scan, finite, deliver,
};
