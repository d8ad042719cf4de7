/* sim/ops.h: the operators and functions of the equation language, in one table.
 *
 * Each entry names an operation, how the language spells it, how dimensions combine
 * through it, and what it computes on doubles. The parser (spelling), the analyser
 * (dimension rules, constant folding) and the virtual machine (vector loops) all
 * expand this one table, so an operation is defined exactly once.
 * Internal header of the simulation engine. */
#ifndef SIM_OPS_H
#define SIM_OPS_H

#include <math.h>

/* How dimensions combine (see analyze.c). */
enum sim_dim_rule {
    SIM_DR_SAME,  /* operands share a dimension; result has it (+, -, min, max, %) */
    SIM_DR_CMP,   /* operands share a dimension; result is dimensionless: a truth value
                     (<, ==, ...) or a count of one in the other (timestep) */
    SIM_DR_MUL,   /* dimensions add (*) */
    SIM_DR_DIV,   /* dimensions subtract (/) */
    SIM_DR_POW,   /* base ** dimensionless constant integer exponent */
    SIM_DR_BOOL,  /* dimensionless operands, truth result (and, or, not) */
    SIM_DR_KEEP,  /* unary, result has the operand's dimension (-x, abs, floor, ceil) */
    SIM_DR_PURE,  /* dimensionless in and out (exp, log, sin, ..., and //, floor
                     division, which Brian allows on dimensionless values only) */
    SIM_DR_SIGN,  /* unary, any operand, dimensionless result */
    SIM_DR_SQRT,  /* unary, halves even exponents */
};

/* a % b as in Python and Brian: the result takes the sign of b (-1 % 3 == 2), computed
 * through fmod, which is exact. */
static inline double sim_mod(double a, double b)
{
    double r = fmod(a, b);
    return r != 0 && (r < 0) != (b < 0) ? r + b : r;
}

/* Binary operations: X(NAME, spelling, dim rule, loop, value of a OP b), where loop is
 * SIMD for plain arithmetic the compiler vectorises, and PLAIN for library calls
 * (fmod, pow, exp, and floor, ceil, sqrt, which need SSE4.1 or -fno-math-errno to
 * vectorise), which it cannot.
 * Truth values are the doubles 1 and 0; any nonzero double counts as true. */
#define SIM_BINARY_OPS(X)                                                 \
    X(ADD, "+", SIM_DR_SAME, SIMD, a + b)                                       \
    X(SUB, "-", SIM_DR_SAME, SIMD, a - b)                                       \
    X(MUL, "*", SIM_DR_MUL, SIMD, a * b)                                        \
    X(DIV, "/", SIM_DR_DIV, SIMD, a / b)                                        \
    X(MOD, "%", SIM_DR_SAME, PLAIN, sim_mod(a, b))                               \
    X(FLOORDIV, "//", SIM_DR_PURE, PLAIN, floor(a / b))                          \
    X(POW, "**", SIM_DR_POW, PLAIN, pow(a, b))                                   \
    X(LT, "<", SIM_DR_CMP, SIMD, (double)(a < b))                               \
    X(LE, "<=", SIM_DR_CMP, SIMD, (double)(a <= b))                             \
    X(GT, ">", SIM_DR_CMP, SIMD, (double)(a > b))                               \
    X(GE, ">=", SIM_DR_CMP, SIMD, (double)(a >= b))                             \
    X(EQ, "==", SIM_DR_CMP, SIMD, (double)(a == b))                             \
    X(NE, "!=", SIM_DR_CMP, SIMD, (double)(a != b))                             \
    X(AND, "and", SIM_DR_BOOL, SIMD, (double)((a != 0) & (b != 0)))             \
    X(OR, "or", SIM_DR_BOOL, SIMD, (double)((a != 0) | (b != 0)))               \
    X(MIN, "min", SIM_DR_SAME, SIMD, (a < b ? a : b))                           \
    X(MAX, "max", SIM_DR_SAME, SIMD, (a > b ? a : b))                           \
    X(TIMESTEP, "timestep", SIM_DR_CMP, PLAIN, trunc((a + 1e-3 * b) / b))

/* Unary operations: X(NAME, spelling, dim rule, loop, value of OP a).
 * Brian's spellings: arcsin, arccos, arctan; int(x) truncates toward zero (Brian casts
 * to an integer type); exprel(x) = (exp(x) - 1)/x with exprel(0) = 1, through expm1 so
 * that it keeps full precision near 0 (Brian's C++ code does the same).
 * timestep(t, dt) (binary, above) is Brian's time -> step conversion: shifted by
 * dt/1000 so that multiples of dt do not fall into the previous step, then truncated. */
#define SIM_UNARY_OPS(X)                                                  \
    X(NEG, "-", SIM_DR_KEEP, SIMD, -a)                                          \
    X(NOT, "not", SIM_DR_BOOL, SIMD, (double)(a == 0))                          \
    X(ABS, "abs", SIM_DR_KEEP, SIMD, fabs(a))                                   \
    X(FLOOR, "floor", SIM_DR_KEEP, PLAIN, floor(a))                              \
    X(CEIL, "ceil", SIM_DR_KEEP, PLAIN, ceil(a))                                 \
    X(SIGN, "sign", SIM_DR_SIGN, SIMD, (double)((a > 0) - (a < 0)))             \
    X(SQRT, "sqrt", SIM_DR_SQRT, PLAIN, sqrt(a))                                 \
    X(EXP, "exp", SIM_DR_PURE, PLAIN, exp(a))                                    \
    X(LOG, "log", SIM_DR_PURE, PLAIN, log(a))                                    \
    X(LOG10, "log10", SIM_DR_PURE, PLAIN, log10(a))                              \
    X(SIN, "sin", SIM_DR_PURE, PLAIN, sin(a))                                    \
    X(COS, "cos", SIM_DR_PURE, PLAIN, cos(a))                                    \
    X(TAN, "tan", SIM_DR_PURE, PLAIN, tan(a))                                    \
    X(SINH, "sinh", SIM_DR_PURE, PLAIN, sinh(a))                                 \
    X(COSH, "cosh", SIM_DR_PURE, PLAIN, cosh(a))                                 \
    X(TANH, "tanh", SIM_DR_PURE, PLAIN, tanh(a))                                 \
    X(ARCSIN, "arcsin", SIM_DR_PURE, PLAIN, asin(a))                             \
    X(ARCCOS, "arccos", SIM_DR_PURE, PLAIN, acos(a))                             \
    X(ARCTAN, "arctan", SIM_DR_PURE, PLAIN, atan(a))                             \
    X(EXPM1, "expm1", SIM_DR_PURE, PLAIN, expm1(a))                              \
    X(LOG1P, "log1p", SIM_DR_PURE, PLAIN, log1p(a))                              \
    X(EXPREL, "exprel", SIM_DR_PURE, PLAIN, (a == 0 ? 1.0 : expm1(a) / a))       \
    X(INT, "int", SIM_DR_PURE, PLAIN, trunc(a))

enum sim_opcode_fn {
#define SIM_X(name, spelling, rule, loop, expr) SIM_FN_##name,
    SIM_BINARY_OPS(SIM_X)
    SIM_UNARY_OPS(SIM_X)
#undef SIM_X
    SIM_FN_CLIP,  /* clip(x, lo, hi): compiled to max then min */
    SIM_FN_RAND,  /* rand(): uniform [0, 1), never folded */
    SIM_FN_RANDN, /* randn(): standard normal, never folded */
    SIM_N_FNS
};

#define SIM_FN_FIRST_UNARY SIM_FN_NEG
static inline int sim_fn_is_binary(int fn) { return fn < SIM_FN_FIRST_UNARY; }
static inline int sim_fn_is_unary(int fn) { return fn >= SIM_FN_FIRST_UNARY && fn < SIM_FN_CLIP; }

/* Scalar semantics: used for constant folding, so folding and the VM agree. */
double sim_fn_eval(int fn, double a, double b);
/* The dimension rule, spelling, and the number of arguments when called by name
 * (-1 for operators that are not callable, e.g. "+"). */
int sim_fn_dim_rule(int fn);
const char *sim_fn_spelling(int fn);
/* Looks up a callable function by name ("exp", "min", "clip", "rand", ...): returns
 * its SIM_FN_ code and sets *n_args, or -1. */
int sim_fn_lookup(const char *name, int *n_args);
/* All callable names, NULL-terminated (for "did you mean" suggestions). */
extern const char *const sim_fn_names[];

#endif
