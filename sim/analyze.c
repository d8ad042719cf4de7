/* Analysis of expression trees: every name is resolved, every node gets its dimension,
 * and constant subtrees are folded (with the same scalar semantics as the VM, ops.c),
 * bottom-up in one walk. Dimension errors quote both terms from the source text. */
#include "analyze.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ops.h"
#include "snex/error.h"

void sim_ast_where(const sim_ast *e, char *buf, size_t size)
{
    int line, col;
    sim_src_position(e->src, e->start, &line, &col);
    snprintf(buf, size, "%s, line %d", e->src->label, line);
}

static int dim_error2(const sim_ast *e, const sim_ast *a, const sim_ast *b, const char *why)
{
    char where[128], da[64], db[64];
    sim_ast_where(e, where, sizeof where);
    const char *te, *ta, *tb;
    int le, la, lb;
    sim_ast_text(e, &te, &le);
    sim_ast_text(a, &ta, &la);
    sim_ast_text(b, &tb, &lb);
    return snx_error(SNX_EDIM, "%s: dimension mismatch in \"%.*s\" (%s): \"%.*s\" has "
                               "dimension %s but \"%.*s\" has dimension %s",
                     where, le, te, why, la, ta, sim_dim_format(a->dim, da, sizeof da), lb,
                     tb, sim_dim_format(b->dim, db, sizeof db));
}

static int dim_error1(const sim_ast *e, const sim_ast *a, const char *why)
{
    char where[128], da[64];
    sim_ast_where(e, where, sizeof where);
    const char *te, *ta;
    int le, la;
    sim_ast_text(e, &te, &le);
    sim_ast_text(a, &ta, &la);
    return snx_error(SNX_EDIM, "%s: dimension mismatch in \"%.*s\": %s, but \"%.*s\" has "
                               "dimension %s",
                     where, le, te, why, la, ta, sim_dim_format(a->dim, da, sizeof da));
}

static int analyze_name(sim_ast *e, const sim_scope *sc)
{
    sim_sym s;
    if (sim_scope_lookup(sc, e->name, &s))
        return sim_scope_unknown(sc, e->src, e->name, e->start);
    e->dim = s.kind == SIM_SYM_NOISE ? SIM_DIM_NOISE : sim_dim_of(s.dim);
    e->is_const = s.kind == SIM_SYM_CONST;
    if (e->is_const)
        e->value = s.value;
    return 0;
}

/* Dimension of base ** exponent: the exponent is dimensionless; a base with dimension
 * needs a constant exponent that leaves whole or half powers of every unit (dims.h). */
static int pow_dim(sim_ast *e)
{
    sim_ast *base = e->args[0], *ex = e->args[1];
    if (!sim_dim_is_dimensionless(ex->dim))
        return dim_error1(e, ex, "an exponent must be dimensionless");
    if (sim_dim_is_dimensionless(base->dim)) {
        e->dim = base->dim;
        return 0;
    }
    if (!ex->is_const)
        return dim_error1(e, base, "a quantity with a dimension needs a constant exponent");
    if (!sim_dim_pow(base->dim, ex->value, &e->dim))
        return dim_error1(e, base, "the power must leave whole or half exponents of every "
                                   "unit, within the range of dimension exponents (at most "
                                   "32 in size)");
    return 0;
}

static int sqrt_dim(sim_ast *e)
{
    if (!sim_dim_pow(e->args[0]->dim, 0.5, &e->dim))
        return dim_error1(e, e->args[0], "sqrt needs whole powers of every unit (the root "
                                         "of a half power is no dimension)");
    return 0;
}

static int op_dim(sim_ast *e)
{
    sim_ast *a = e->args[0], *b = e->args[1];
    switch (sim_fn_dim_rule(e->fn)) {
    case SIM_DR_SAME:
    case SIM_DR_CMP:
        for (int k = 1; k < e->n_args; k++)
            if (!sim_dim_equal(a->dim, e->args[k]->dim))
                return dim_error2(e, a, e->args[k], "operands must have the same dimension");
        e->dim = sim_fn_dim_rule(e->fn) == SIM_DR_CMP ? SIM_DIMENSIONLESS : a->dim;
        return 0;
    case SIM_DR_MUL:
    case SIM_DR_DIV:
        if (!sim_dim_mul(a->dim, b->dim, sim_fn_dim_rule(e->fn) == SIM_DR_MUL ? 1 : -1, &e->dim))
            return dim_error2(e, a, b, "the result leaves the range of dimension exponents "
                                       "(at most 32 in size)");
        return 0;
    case SIM_DR_POW:
        return pow_dim(e);
    case SIM_DR_BOOL:
        for (int k = 0; k < e->n_args; k++)
            if (!sim_dim_is_dimensionless(e->args[k]->dim))
                return dim_error1(e, e->args[k], "logical operands must be dimensionless");
        e->dim = SIM_DIMENSIONLESS;
        return 0;
    case SIM_DR_KEEP:
        e->dim = a ? a->dim : SIM_DIMENSIONLESS;
        return 0;
    case SIM_DR_SQRT:
        return sqrt_dim(e);
    case SIM_DR_SIGN:
        e->dim = SIM_DIMENSIONLESS;
        return 0;
    default: /* SIM_DR_PURE */
        for (int k = 0; k < e->n_args; k++)
            if (!sim_dim_is_dimensionless(e->args[k]->dim)) {
                char why[96];
                snprintf(why, sizeof why, sim_fn_is_binary(e->fn)
                                              ? "both operands of %s must be dimensionless"
                                              : "%s() needs a dimensionless argument",
                         sim_fn_spelling(e->fn));
                return dim_error1(e, e->args[k], why);
            }
        e->dim = SIM_DIMENSIONLESS;
        return 0;
    }
}

static void fold(sim_ast *e)
{
    if (e->fn == SIM_FN_RAND || e->fn == SIM_FN_RANDN)
        return;
    for (int k = 0; k < e->n_args; k++)
        if (!e->args[k]->is_const)
            return;
    double a = e->n_args > 0 ? e->args[0]->value : 0, b = e->n_args > 1 ? e->args[1]->value : 0;
    if (e->fn == SIM_FN_CLIP) {
        double lo = sim_fn_eval(SIM_FN_MAX, a, b);
        e->value = sim_fn_eval(SIM_FN_MIN, lo, e->args[2]->value);
    } else {
        e->value = sim_fn_eval(e->fn, a, b);
    }
    e->is_const = 1;
}

int sim_analyze(sim_ast *e, const sim_scope *sc)
{
    int rc = 0;
    switch (e->kind) {
    case SIM_AST_NUM:
        e->dim = SIM_DIMENSIONLESS;
        e->is_const = 1;
        break;
    case SIM_AST_NAME:
        rc = analyze_name(e, sc);
        break;
    default:
        for (int k = 0; k < e->n_args && !rc; k++)
            rc = sim_analyze(e->args[k], sc);
        if (!rc && !(rc = op_dim(e)))
            fold(e);
        break;
    }
    e->analyzed = !rc;
    return rc;
}

bool sim_expr_is_shared(const sim_ast *e, const sim_scope *sc, bool allow_random,
                        const sim_ast **offender)
{
    sim_sym s;
    bool shared = true;
    if (e->kind == SIM_AST_NAME && !sim_scope_lookup(sc, e->name, &s)) {
        if (s.kind == SIM_SYM_SUBEXPR) /* cycles were refused when the model was parsed */
            return sim_expr_is_shared(s.expr, sc, allow_random, offender);
        shared = s.kind == SIM_SYM_CONST || s.kind == SIM_SYM_SCALAR ||
                 (s.kind == SIM_SYM_ARRAY && s.shared);
    } else if (e->kind == SIM_AST_OP) {
        shared = allow_random || (e->fn != SIM_FN_RAND && e->fn != SIM_FN_RANDN);
        for (int k = 0; shared && k < e->n_args; k++)
            if (!sim_expr_is_shared(e->args[k], sc, allow_random, offender))
                return false;
    }
    if (!shared)
        *offender = e;
    return shared;
}

/* A shared target: only code that runs once may assign it, from shared values. */
static int check_shared_target(const sim_stmt *st, const sim_src *src, const sim_scope *sc)
{
    int line, col;
    sim_src_position(src, st->start, &line, &col);
    const sim_ast *bad = NULL;
    if (!sc->shared_code)
        return snx_error(SNX_EINVAL, "%s: %s, line %d, column %d: cannot write shared "
                                     "variable \"%s\" in per-neuron code \"%.*s\" (a shared "
                                     "variable has one value for the whole group; set it with "
                                     "snx_group_set or snx_group_init)",
                         sc->what, src->label, line, col, st->target, st->end - st->start,
                         src->text + st->start);
    if (sim_expr_is_shared(st->expr, sc, true, &bad))
        return 0;
    const char *tb;
    int lb;
    sim_ast_text(bad, &tb, &lb);
    return snx_error(SNX_EINVAL, "%s: %s, line %d: shared variable \"%s\" cannot be set from "
                                 "\"%.*s\", which differs between neurons, in \"%.*s\"",
                     sc->what, src->label, line, st->target, lb, tb, st->end - st->start,
                     src->text + st->start);
}

int sim_analyze_stmt(sim_stmt *st, const sim_src *src, const sim_scope *sc)
{
    sim_sym target;
    if (sim_scope_lookup(sc, st->target, &target))
        return sim_scope_unknown(sc, src, st->target, st->target_start);
    int line, col;
    sim_src_position(src, st->start, &line, &col);
    if (target.kind != SIM_SYM_ARRAY || !target.writable)
        return snx_error(SNX_EINVAL, "%s: %s, line %d, column %d: cannot assign to \"%s\" "
                                     "in \"%.*s\" (%s)",
                         sc->what, src->label, line, col, st->target, st->end - st->start,
                         src->text + st->start,
                         target.kind != SIM_SYM_ARRAY ? "not a variable"
                         : target.why_readonly ? target.why_readonly : "a constant parameter");
    if (target.shared && !sc->shared_code)
        return check_shared_target(st, src, sc);
    int rc = sim_analyze(st->expr, sc);
    if (!rc && target.shared)
        rc = check_shared_target(st, src, sc);
    if (rc)
        return rc;
    int scaling = st->op == SIM_MUL_BY || st->op == SIM_DIV_BY;
    snx_dim want = scaling ? SNX_DIMENSIONLESS : target.dim;
    if (sim_dim_is(st->expr->dim, want))
        return 0;
    char dt[64], de[64];
    const char *te;
    int le;
    sim_ast_text(st->expr, &te, &le);
    return snx_error(SNX_EDIM, "%s: %s, line %d: dimension mismatch in \"%.*s\": %s "
                               "\"%s\" has dimension %s but \"%.*s\" has dimension %s",
                     sc->what, src->label, line, st->end - st->start, src->text + st->start,
                     scaling ? "*= and /= need a dimensionless factor;" : "the target",
                     st->target, snx_dim_format(target.dim, dt, sizeof dt), le, te,
                     sim_dim_format(st->expr->dim, de, sizeof de));
}
