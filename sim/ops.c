/* The scalar side of the operator table (ops.h): folding semantics, spellings and the
 * names users may call. */
#include "ops.h"

#include <string.h>

double sim_fn_eval(int fn, double a, double b)
{
    (void)b;
    switch (fn) {
#define SIM_X(name, spelling, rule, loop, expr) \
    case SIM_FN_##name:                   \
        return expr;
        SIM_BINARY_OPS(SIM_X)
        SIM_UNARY_OPS(SIM_X)
#undef SIM_X
    default:
        return NAN;
    }
}

int sim_fn_dim_rule(int fn)
{
    switch (fn) {
#define SIM_X(name, spelling, rule, loop, expr) \
    case SIM_FN_##name:                   \
        return rule;
        SIM_BINARY_OPS(SIM_X)
        SIM_UNARY_OPS(SIM_X)
#undef SIM_X
    case SIM_FN_CLIP:
        return SIM_DR_SAME;
    default:
        return SIM_DR_PURE; /* rand(), randn(): dimensionless */
    }
}

const char *sim_fn_spelling(int fn)
{
    switch (fn) {
#define SIM_X(name, spelling, rule, loop, expr) \
    case SIM_FN_##name:                   \
        return spelling;
        SIM_BINARY_OPS(SIM_X)
        SIM_UNARY_OPS(SIM_X)
#undef SIM_X
    case SIM_FN_CLIP: return "clip";
    case SIM_FN_RAND: return "rand";
    case SIM_FN_RANDN: return "randn";
    default: return "?";
    }
}

/* Functions callable by name, with their argument counts. Operators that are spelled
 * as symbols or keywords (+, and, not, ...) are not callable. */
static const struct {
    const char *name;
    int fn, n_args;
} CALLABLE[] = {
    { "exp", SIM_FN_EXP, 1 },     { "log", SIM_FN_LOG, 1 },     { "log10", SIM_FN_LOG10, 1 },
    { "sqrt", SIM_FN_SQRT, 1 },   { "abs", SIM_FN_ABS, 1 },     { "sin", SIM_FN_SIN, 1 },
    { "cos", SIM_FN_COS, 1 },     { "tan", SIM_FN_TAN, 1 },     { "tanh", SIM_FN_TANH, 1 },
    { "sinh", SIM_FN_SINH, 1 },   { "cosh", SIM_FN_COSH, 1 },   { "floor", SIM_FN_FLOOR, 1 },
    { "ceil", SIM_FN_CEIL, 1 },   { "sign", SIM_FN_SIGN, 1 },   { "min", SIM_FN_MIN, 2 },
    { "max", SIM_FN_MAX, 2 },     { "clip", SIM_FN_CLIP, 3 },   { "rand", SIM_FN_RAND, 0 },
    { "randn", SIM_FN_RANDN, 0 },  { "arcsin", SIM_FN_ARCSIN, 1 }, { "arccos", SIM_FN_ARCCOS, 1 },
    { "arctan", SIM_FN_ARCTAN, 1 }, { "expm1", SIM_FN_EXPM1, 1 }, { "log1p", SIM_FN_LOG1P, 1 },
    { "exprel", SIM_FN_EXPREL, 1 }, { "int", SIM_FN_INT, 1 },     { "timestep", SIM_FN_TIMESTEP, 2 },
};

const char *const sim_fn_names[] = { "exp",  "log",  "log10", "sqrt", "abs",  "sin",
                                     "cos",  "tan",  "tanh",  "sinh", "cosh", "floor",
                                     "ceil", "sign", "min",   "max",  "clip", "rand",
                                     "randn", "arcsin", "arccos", "arctan", "expm1",
                                     "log1p", "exprel", "int", "timestep", NULL };

int sim_fn_lookup(const char *name, int *n_args)
{
    for (size_t i = 0; i < sizeof CALLABLE / sizeof CALLABLE[0]; i++)
        if (strcmp(CALLABLE[i].name, name) == 0) {
            *n_args = CALLABLE[i].n_args;
            return CALLABLE[i].fn;
        }
    return -1;
}
