/* sim/ops.h: the operators and functions of the equation language, in one table.
 *
 * Each entry names an operation, how the language spells it, how dimensions combine
 * through it, and what it computes on doubles. The parser (spelling), the analyser
 * (dimension rules, constant folding) and the virtual machine (vector loops) all
 * expand this one table, so an operation is defined exactly once.
 * Internal header of the simulation engine. */
#ifndef SNX_SIM_OPS_H
#define SNX_SIM_OPS_H

#include <math.h>

/* How dimensions combine (see analyze.c). */
enum snx_dim_rule {
    SNX_DR_SAME,  /* operands share a dimension; result has it (+, -, min, max, %) */
    SNX_DR_CMP,   /* operands share a dimension; result is a truth value (<, ==, ...) */
    SNX_DR_MUL,   /* dimensions add (*) */
    SNX_DR_DIV,   /* dimensions subtract (/) */
    SNX_DR_POW,   /* base ** dimensionless constant integer exponent */
    SNX_DR_BOOL,  /* dimensionless operands, truth result (and, or, not) */
    SNX_DR_KEEP,  /* unary, result has the operand's dimension (-x, abs, floor, ceil) */
    SNX_DR_PURE,  /* unary, dimensionless in and out (exp, log, sin, ...) */
    SNX_DR_SIGN,  /* unary, any operand, dimensionless result */
    SNX_DR_SQRT,  /* unary, halves even exponents */
};

/* Binary operations: X(NAME, spelling, dim rule, loop, value of a OP b), where loop is
 * SIMD for plain arithmetic the compiler vectorises, and PLAIN for library calls
 * (fmod, pow, exp, and floor, ceil, sqrt, which need SSE4.1 or -fno-math-errno to
 * vectorise), which it cannot.
 * Truth values are the doubles 1 and 0; any nonzero double counts as true. */
#define SNX_BINARY_OPS(X)                                                 \
    X(ADD, "+", SNX_DR_SAME, SIMD, a + b)                                       \
    X(SUB, "-", SNX_DR_SAME, SIMD, a - b)                                       \
    X(MUL, "*", SNX_DR_MUL, SIMD, a * b)                                        \
    X(DIV, "/", SNX_DR_DIV, SIMD, a / b)                                        \
    X(MOD, "%", SNX_DR_SAME, PLAIN, fmod(a, b))                                  \
    X(POW, "**", SNX_DR_POW, PLAIN, pow(a, b))                                   \
    X(LT, "<", SNX_DR_CMP, SIMD, (double)(a < b))                               \
    X(LE, "<=", SNX_DR_CMP, SIMD, (double)(a <= b))                             \
    X(GT, ">", SNX_DR_CMP, SIMD, (double)(a > b))                               \
    X(GE, ">=", SNX_DR_CMP, SIMD, (double)(a >= b))                             \
    X(EQ, "==", SNX_DR_CMP, SIMD, (double)(a == b))                             \
    X(NE, "!=", SNX_DR_CMP, SIMD, (double)(a != b))                             \
    X(AND, "and", SNX_DR_BOOL, SIMD, (double)((a != 0) & (b != 0)))             \
    X(OR, "or", SNX_DR_BOOL, SIMD, (double)((a != 0) | (b != 0)))               \
    X(MIN, "min", SNX_DR_SAME, SIMD, (a < b ? a : b))                           \
    X(MAX, "max", SNX_DR_SAME, SIMD, (a > b ? a : b))

/* Unary operations: X(NAME, spelling, dim rule, loop, value of OP a). */
#define SNX_UNARY_OPS(X)                                                  \
    X(NEG, "-", SNX_DR_KEEP, SIMD, -a)                                          \
    X(NOT, "not", SNX_DR_BOOL, SIMD, (double)(a == 0))                          \
    X(ABS, "abs", SNX_DR_KEEP, SIMD, fabs(a))                                   \
    X(FLOOR, "floor", SNX_DR_KEEP, PLAIN, floor(a))                              \
    X(CEIL, "ceil", SNX_DR_KEEP, PLAIN, ceil(a))                                 \
    X(SIGN, "sign", SNX_DR_SIGN, SIMD, (double)((a > 0) - (a < 0)))             \
    X(SQRT, "sqrt", SNX_DR_SQRT, PLAIN, sqrt(a))                                 \
    X(EXP, "exp", SNX_DR_PURE, PLAIN, exp(a))                                    \
    X(LOG, "log", SNX_DR_PURE, PLAIN, log(a))                                    \
    X(LOG10, "log10", SNX_DR_PURE, PLAIN, log10(a))                              \
    X(SIN, "sin", SNX_DR_PURE, PLAIN, sin(a))                                    \
    X(COS, "cos", SNX_DR_PURE, PLAIN, cos(a))                                    \
    X(TAN, "tan", SNX_DR_PURE, PLAIN, tan(a))                                    \
    X(SINH, "sinh", SNX_DR_PURE, PLAIN, sinh(a))                                 \
    X(COSH, "cosh", SNX_DR_PURE, PLAIN, cosh(a))                                 \
    X(TANH, "tanh", SNX_DR_PURE, PLAIN, tanh(a))

enum snx_opcode_fn {
#define SNX_X(name, spelling, rule, loop, expr) SNX_FN_##name,
    SNX_BINARY_OPS(SNX_X)
    SNX_UNARY_OPS(SNX_X)
#undef SNX_X
    SNX_FN_CLIP,  /* clip(x, lo, hi): compiled to max then min */
    SNX_FN_RAND,  /* rand(): uniform [0, 1), never folded */
    SNX_FN_RANDN, /* randn(): standard normal, never folded */
    SNX_N_FNS
};

#define SNX_FN_FIRST_UNARY SNX_FN_NEG
static inline int snx_fn_is_binary(int fn) { return fn < SNX_FN_FIRST_UNARY; }
static inline int snx_fn_is_unary(int fn) { return fn >= SNX_FN_FIRST_UNARY && fn < SNX_FN_CLIP; }

/* Scalar semantics: used for constant folding, so folding and the VM agree. */
double snx_fn_eval(int fn, double a, double b);
/* The dimension rule, spelling, and the number of arguments when called by name
 * (-1 for operators that are not callable, e.g. "+"). */
int snx_fn_dim_rule(int fn);
const char *snx_fn_spelling(int fn);
/* Looks up a callable function by name ("exp", "min", "clip", "rand", ...): returns
 * its SNX_FN_ code and sets *n_args, or -1. */
int snx_fn_lookup(const char *name, int *n_args);
/* All callable names, NULL-terminated (for "did you mean" suggestions). */
extern const char *const snx_fn_names[];

#endif
