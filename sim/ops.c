/* The scalar side of the operator table (ops.h): folding semantics, spellings and the
 * names users may call. */
#include "ops.h"

#include <string.h>

double snx_fn_eval(int fn, double a, double b)
{
    (void)b;
    switch (fn) {
#define SNX_X(name, spelling, rule, loop, expr) \
    case SNX_FN_##name:                   \
        return expr;
        SNX_BINARY_OPS(SNX_X)
        SNX_UNARY_OPS(SNX_X)
#undef SNX_X
    default:
        return NAN;
    }
}

int snx_fn_dim_rule(int fn)
{
    switch (fn) {
#define SNX_X(name, spelling, rule, loop, expr) \
    case SNX_FN_##name:                   \
        return rule;
        SNX_BINARY_OPS(SNX_X)
        SNX_UNARY_OPS(SNX_X)
#undef SNX_X
    case SNX_FN_CLIP:
        return SNX_DR_SAME;
    default:
        return SNX_DR_PURE; /* rand(), randn(): dimensionless */
    }
}

const char *snx_fn_spelling(int fn)
{
    switch (fn) {
#define SNX_X(name, spelling, rule, loop, expr) \
    case SNX_FN_##name:                   \
        return spelling;
        SNX_BINARY_OPS(SNX_X)
        SNX_UNARY_OPS(SNX_X)
#undef SNX_X
    case SNX_FN_CLIP: return "clip";
    case SNX_FN_RAND: return "rand";
    case SNX_FN_RANDN: return "randn";
    default: return "?";
    }
}

/* Functions callable by name, with their argument counts. Operators that are spelled
 * as symbols or keywords (+, and, not, ...) are not callable. */
static const struct {
    const char *name;
    int fn, n_args;
} CALLABLE[] = {
    { "exp", SNX_FN_EXP, 1 },     { "log", SNX_FN_LOG, 1 },     { "log10", SNX_FN_LOG10, 1 },
    { "sqrt", SNX_FN_SQRT, 1 },   { "abs", SNX_FN_ABS, 1 },     { "sin", SNX_FN_SIN, 1 },
    { "cos", SNX_FN_COS, 1 },     { "tan", SNX_FN_TAN, 1 },     { "tanh", SNX_FN_TANH, 1 },
    { "sinh", SNX_FN_SINH, 1 },   { "cosh", SNX_FN_COSH, 1 },   { "floor", SNX_FN_FLOOR, 1 },
    { "ceil", SNX_FN_CEIL, 1 },   { "sign", SNX_FN_SIGN, 1 },   { "min", SNX_FN_MIN, 2 },
    { "max", SNX_FN_MAX, 2 },     { "clip", SNX_FN_CLIP, 3 },   { "rand", SNX_FN_RAND, 0 },
    { "randn", SNX_FN_RANDN, 0 },
};

const char *const snx_fn_names[] = { "exp",  "log",  "log10", "sqrt", "abs",  "sin",
                                     "cos",  "tan",  "tanh",  "sinh", "cosh", "floor",
                                     "ceil", "sign", "min",   "max",  "clip", "rand",
                                     "randn", NULL };

int snx_fn_lookup(const char *name, int *n_args)
{
    for (size_t i = 0; i < sizeof CALLABLE / sizeof CALLABLE[0]; i++)
        if (strcmp(CALLABLE[i].name, name) == 0) {
            *n_args = CALLABLE[i].n_args;
            return CALLABLE[i].fn;
        }
    return -1;
}
