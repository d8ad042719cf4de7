/* Models: equation sets parsed, validated (reserved names, cycles among
 * subexpressions) and dimension-checked. */
#include "equations.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops.h"
#include "snex/error.h"
#include "snex/util.h"

static const char *const RESERVED[] = { "t", "dt", "i", "j", "N", "N_pre", "N_post",
                                        "True", "False", "inf", "pi", "delay", "lastspike",
                                        "not_refractory", "t_in_timesteps", NULL };

static int eq_error(const sim_model *m, const sim_eq *eq, int code, const char *what)
{
    int line, col;
    sim_src_position(m->src, eq->start, &line, &col);
    return snx_error(code, "%s, line %d: %s, in \"%.*s\"", m->src->label, line, what,
                     eq->end - eq->start, m->src->text + eq->start);
}

static int check_name(const sim_model *m, const sim_eq *eq)
{
    const char *n = eq->name;
    char what[256];
    size_t len = strlen(n);
    /* A summed variable names its target in the other group: "I_syn_post". */
    int suffixed = (len > 4 && !strcmp(n + len - 4, "_pre")) ||
                   (len > 5 && !strcmp(n + len - 5, "_post"));
    int bad = n[0] == '_' || (suffixed && !(eq->flags & SIM_EQ_SUMMED));
    for (const char *const *r = RESERVED; *r && !bad; r++)
        bad = !strcmp(*r, n);
    for (const char *const *f = sim_fn_names; *f && !bad; f++)
        bad = !strcmp(*f, n);
    bad = bad || sim_is_noise_name(n);
    if (!bad)
        return 0;
    snprintf(what, sizeof what, "\"%s\" is a reserved name (t, dt, i, j, N, lastspike, "
                                "not_refractory, function names, xi and xi_* for noise, a "
                                "leading '_', a _pre or "
                                "_post ending)", n);
    return eq_error(m, eq, SNX_ENAME, what);
}

int sim_model_refuse(const sim_model *m, unsigned flags, const char *why)
{
    static const struct {
        unsigned flag;
        const char *name;
    } NAMES[] = { { SIM_EQ_UNLESS_REFRACTORY, "unless refractory" },
                  { SIM_EQ_CONSTANT, "constant" },
                  { SIM_EQ_EVENT_DRIVEN, "event-driven" },
                  { SIM_EQ_CLOCK_DRIVEN, "clock-driven" },
                  { SIM_EQ_SUMMED, "summed" } };
    for (int k = 0; k < m->n_eqs; k++)
        for (size_t f = 0; f < sizeof NAMES / sizeof NAMES[0]; f++)
            if (m->eqs[k].flags & flags & NAMES[f].flag) {
                char what[200];
                snprintf(what, sizeof what, "flag (%s): %s", NAMES[f].name, why);
                return eq_error(m, &m->eqs[k], SNX_EINVAL, what);
            }
    return 0;
}

/* Depth-first search for a cycle through subexpressions; colour: 0 new, 1 on the
 * current path, 2 done. */
static int find_cycle(const sim_model *m, int k, char *colour, const sim_ast *e);

static int visit_subexpr(const sim_model *m, int k, char *colour)
{
    if (colour[k] == 2)
        return 0;
    if (colour[k] == 1)
        return eq_error(m, &m->eqs[k], SNX_EINVAL, "subexpression defined in terms of itself");
    colour[k] = 1;
    int rc = find_cycle(m, k, colour, m->eqs[k].expr);
    colour[k] = 2;
    return rc;
}

static int find_cycle(const sim_model *m, int k, char *colour, const sim_ast *e)
{
    (void)k;
    if (e->kind == SIM_AST_NAME) {
        int ref = sim_model_find(m, e->name);
        if (ref >= 0 && m->eqs[ref].kind == SIM_EQ_SUBEXPR)
            return visit_subexpr(m, ref, colour);
        return 0;
    }
    for (int a = 0; a < e->n_args; a++) {
        int rc = find_cycle(m, k, colour, e->args[a]);
        if (rc)
            return rc;
    }
    return 0;
}

static int check_structure(sim_model *m, bool allow_shared)
{
    for (int k = 0; k < m->n_eqs; k++) {
        int rc = check_name(m, &m->eqs[k]);
        if (!rc && !allow_shared && (m->eqs[k].flags & SIM_EQ_SHARED))
            rc = eq_error(m, &m->eqs[k], SNX_EPARSE, "(shared) variables are supported in "
                                                     "neuron groups only");
        if (rc)
            return rc;
    }
    char *colour = snx_calloc((size_t)m->n_eqs + 1, 1);
    if (!colour)
        return SNX_ENOMEM;
    int rc = 0;
    for (int k = 0; k < m->n_eqs && !rc; k++)
        if (m->eqs[k].kind == SIM_EQ_SUBEXPR)
            rc = visit_subexpr(m, k, colour);
    free(colour);
    return rc;
}

static int model_parse(sim_model *m, const char *text, const char *label, bool allow_shared)
{
    *m = (sim_model){ 0 };
    if (!(m->src = sim_src_new(text, label)))
        return SNX_ENOMEM;
    int rc = sim_parse_eqs(m->src, &m->eqs, &m->n_eqs);
    if (!rc)
        rc = check_structure(m, allow_shared);
    if (!rc && !(m->var_eq = snx_calloc((size_t)m->n_eqs + 1, sizeof *m->var_eq)))
        rc = SNX_ENOMEM;
    for (int k = 0; !rc && k < m->n_eqs; k++)
        if (m->eqs[k].kind != SIM_EQ_SUBEXPR)
            m->var_eq[m->n_vars++] = k;
    if (rc)
        sim_model_free(m);
    return rc;
}

int sim_model_parse(sim_model *m, const char *text, const char *label)
{
    return model_parse(m, text, label, false);
}

int sim_model_parse_neurons(sim_model *m, const char *text, const char *label)
{
    return model_parse(m, text, label, true);
}

void sim_model_free(sim_model *m)
{
    sim_eqs_free(m->eqs, m->n_eqs);
    sim_src_free(m->src);
    free(m->var_eq);
    *m = (sim_model){ 0 };
}

int sim_model_find(const sim_model *m, const char *name)
{
    for (int k = 0; k < m->n_eqs; k++)
        if (!strcmp(m->eqs[k].name, name))
            return k;
    return -1;
}

int sim_model_var(const sim_model *m, const char *name)
{
    for (int v = 0; v < m->n_vars; v++)
        if (!strcmp(m->eqs[m->var_eq[v]].name, name))
            return v;
    return -1;
}

const sim_eq *sim_model_var_eq(const sim_model *m, int var) { return &m->eqs[m->var_eq[var]]; }

int sim_model_enter(const sim_model *m, sim_scope *sc, int array_base, int access,
                    const char *suffix, int respect_constant, int subexprs)
{
    char name[160];
    int var = 0;
    for (int k = 0; k < m->n_eqs; k++) {
        const sim_eq *eq = &m->eqs[k];
        sim_sym s = { .dim = eq->dim, .shared = !!(eq->flags & SIM_EQ_SHARED) };
        /* a summed variable is an output into another group, never read here */
        if (eq->kind == SIM_EQ_SUBEXPR && (!subexprs || (eq->flags & SIM_EQ_SUMMED)))
            continue;
        if (eq->kind == SIM_EQ_SUBEXPR) {
            s.kind = SIM_SYM_SUBEXPR;
            s.expr = eq->expr;
        } else {
            s.kind = SIM_SYM_ARRAY;
            s.slot = array_base + var++;
            s.access = access;
            s.writable = !(respect_constant && (eq->flags & SIM_EQ_CONSTANT));
            s.held = !!(eq->flags & SIM_EQ_UNLESS_REFRACTORY);
        }
        snprintf(name, sizeof name, "%s%s", eq->name, suffix);
        int rc = sim_scope_add(sc, name, s);
        if (rc)
            return rc;
    }
    return 0;
}

int sim_model_check(sim_model *m, const sim_scope *sc)
{
    sim_scope noisy = *sc; /* differential equations may use white noise */
    noisy.noise = true;
    for (int k = 0; k < m->n_eqs; k++) {
        sim_eq *eq = &m->eqs[k];
        if (eq->kind == SIM_EQ_PARAM)
            continue;
        int rc = sim_analyze(eq->expr, eq->kind == SIM_EQ_DIFF ? &noisy : sc);
        if (rc == SNX_EDIM) /* unknown-name messages already quote the line */
            return snx_error_context("equation \"%.*s\"", eq->end - eq->start,
                                     m->src->text + eq->start);
        if (rc)
            return rc;
        const sim_ast *bad;
        if ((eq->flags & SIM_EQ_SHARED) && !sim_expr_is_shared(eq->expr, sc, false, &bad)) {
            char what[300];
            const char *tb;
            int lb;
            sim_ast_text(bad, &tb, &lb);
            snprintf(what, sizeof what, "shared subexpression \"%s\" refers to \"%.*s\", "
                     "which differs between neurons (a shared subexpression may use only "
                     "shared variables, t and constants)", eq->name, lb, tb);
            return eq_error(m, eq, SNX_EINVAL, what);
        }
        snx_dim want = eq->dim;
        if (eq->kind == SIM_EQ_DIFF) {
            snx_unit sec;
            snx_unit_lookup("s", &sec);
            want = snx_dim_div(eq->dim, sec.dim);
        }
        if (sim_dim_is(eq->expr->dim, want))
            continue;
        char what[400], dw[64], de[64], dv[64];
        const char *te;
        int le;
        sim_ast_text(eq->expr, &te, &le);
        if (eq->kind == SIM_EQ_DIFF)
            snprintf(what, sizeof what, "dimension mismatch: the right-hand side \"%.*s\" "
                     "has dimension %s, but d%s/dt must have dimension %s (%s has %s)",
                     le, te, sim_dim_format(eq->expr->dim, de, sizeof de),
                     eq->name, snx_dim_format(want, dw, sizeof dw), eq->name,
                     snx_dim_format(eq->dim, dv, sizeof dv));
        else
            snprintf(what, sizeof what, "dimension mismatch: \"%.*s\" has dimension %s, "
                     "but %s is declared with dimension %s", le, te,
                     sim_dim_format(eq->expr->dim, de, sizeof de), eq->name,
                     snx_dim_format(want, dw, sizeof dw));
        return eq_error(m, eq, SNX_EDIM, what);
    }
    return 0;
}

static const struct {
    const char *name;
    int method;
} METHODS[] = { { "euler", SIM_EULER }, { "rk2", SIM_RK2 }, { "rk4", SIM_RK4 },
                { "exponential_euler", SIM_EXP_EULER }, { "exact", SIM_EXACT },
                { "linear", SIM_EXACT } };

int sim_method_parse(const char *name, int *method)
{
    if (!name) {
        *method = SIM_AUTO;
        return 0;
    }
    for (size_t k = 0; k < sizeof METHODS / sizeof METHODS[0]; k++)
        if (!strcmp(METHODS[k].name, name)) {
            *method = METHODS[k].method;
            return 0;
        }
    return snx_error(SNX_EINVAL, "unknown integration method \"%s\" (known: euler, rk2, rk4, "
                                 "exponential_euler, exact or linear)", name);
}

const char *sim_method_name(int method)
{
    for (size_t k = 0; k < sizeof METHODS / sizeof METHODS[0]; k++)
        if (METHODS[k].method == method)
            return METHODS[k].name;
    return "?";
}
