/* The dynamics of a synapse model, as Brian2 defines them:
 *
 *   w : 1                                           a per-synapse parameter
 *   dApre/dt = -Apre/taupre : 1 (event-driven)      advanced only when a pathway runs
 *   dg/dt = -g/tau_g : siemens (clock-driven)       integrated every step, like a group
 *   I_syn_post = g*(E - v_post) : amp (summed)      the post group's I_syn, summed over
 *                                                   each neuron's synapses every step
 *
 * Event-driven variables are brought up to date lazily: a pathway's code first
 * advances each of them from the synapse's `lastupdate` to now with the exact solution,
 * then runs its statements, then sets lastupdate = t. That needs the exact solution for
 * any elapsed time, so each event-driven equation must be dX/dt = A + B*X with A and B
 * constants (the form of every STDP trace); others are refused, pointing to
 * clock-driven. The updates are generated as statements,
 *   X = X*exp(_ed_b_X*(t - lastupdate)) + _ed_c_X*(exp(_ed_b_X*(t - lastupdate)) - 1)
 * with the constants b = B and c = A/B in the synapses' own namespace (names with a
 * leading '_' cannot be the user's), so the pathways compile them like their own code.
 *
 * A differential equation without a flag is clock-driven (Brian2 warns and does the
 * same). Summed variables run before the groups update (Brian2: order target.order -
 * 1); their target must be a parameter of the pre or post group (the name's _pre or
 * _post says which) with the declared dimension. */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snex/error.h"
#include "snex/util.h"

static const snx_dim SECOND = { { 0, 0, 1, 0, 0, 0, 0 } };

static int has_event_driven(const sim_model *m)
{
    for (int k = 0; k < m->n_eqs; k++)
        if (m->eqs[k].flags & SIM_EQ_EVENT_DRIVEN)
            return 1;
    return 0;
}

int sim_synapses_model_parse(snx_synapses *s, const char *text)
{
    int rc = sim_model_parse(&s->model, text, "synapse model");
    rc = rc ? rc : sim_model_refuse(&s->model, SIM_EQ_UNLESS_REFRACTORY,
                                    "synapses are never refractory");
    if (rc || !has_event_driven(&s->model))
        return rc;
    if (sim_model_find(&s->model, "lastupdate") >= 0)
        return snx_error(SNX_ENAME, "synapse model: \"lastupdate\" is the time of each "
                                    "synapse's last event-driven update, kept by snex; "
                                    "choose another name");
    /* Event-driven updates need the time of the last one: a variable like any other
     * (stored, snapshotted, readable with snx_synapses_get_array), constant for the
     * user's code, which must not move it (only the generated "lastupdate = t" does).
     * Appended, so that line numbers in messages stay the user's. */
    snx_buf with = { 0 };
    snx_buf_printf(&with, "%s\nlastupdate : second (constant)", text);
    sim_model_free(&s->model);
    rc = with.data ? sim_model_parse(&s->model, with.data, "synapse model") : SNX_ENOMEM;
    snx_buf_free(&with);
    if (!rc)
        s->lastupdate = sim_model_var(&s->model, "lastupdate");
    return rc;
}

/* ---- event-driven equations ------------------------------------------------------------ */

/* The right-hand side's value with eq's variable set to x: SNX_EINVAL (no message)
 * when that is not a constant. */
static int value_at(sim_scope *sc, const sim_eq *eq, double x, double *out)
{
    int rc = sim_scope_add(sc, eq->name, (sim_sym){ .kind = SIM_SYM_CONST, .dim = eq->dim,
                                                    .value = x });
    rc = rc ? rc : sim_analyze(eq->expr, sc);
    if (rc)
        return rc;
    *out = eq->expr->value;
    return eq->expr->is_const ? 0 : SNX_EINVAL;
}

static int event_driven_error(const snx_synapses *s, const sim_eq *eq)
{
    int line, col;
    sim_src_position(s->model.src, eq->start, &line, &col);
    return snx_error(SNX_EINVAL, "%s: synapse model, line %d: an event-driven equation must "
                     "be d%s/dt = A + B*%s with A and B constants (its exact solution advances "
                     "it between events), which \"%.*s\" is not; mark it (clock-driven)",
                     s->what, line, eq->name, eq->name, eq->end - eq->start,
                     s->model.src->text + eq->start);
}

/* Appends X's update to `code` and its constants to the namespace. */
static int event_driven_update(snx_synapses *s, const sim_eq *eq, snx_buf *code)
{
    sim_ast *coef; /* only whether there is one matters: A and B come from values */
    int rc = sim_model_coefficient(&s->model, eq->expr, eq->name, &coef);
    if (rc)
        return rc == SNX_EINVAL ? event_driven_error(s, eq) : rc;
    sim_scope sc;
    double a, a_plus_b;
    if ((rc = sim_synapses_scope(s, &sc, SIM_SYN_LISTED)))
        return rc;
    /* The tree was analysed with these names already: only constness can fail. */
    rc = value_at(&sc, eq, 0, &a);
    rc = rc ? rc : value_at(&sc, eq, 1, &a_plus_b);
    sim_scope_clear(&sc);
    if (rc)
        return rc == SNX_ENOMEM ? rc : event_driven_error(s, eq);
    double b = a_plus_b - a;
    char bn[160], cn[160];
    snprintf(bn, sizeof bn, "_ed_b_%s", eq->name);
    snprintf(cn, sizeof cn, "_ed_c_%s", eq->name);
    snx_dim rate = snx_dim_div(SNX_DIMENSIONLESS, SECOND);
    if (b != 0) {
        const char *x = eq->name;
        rc = snx_namespace_set(s->ns, bn, b, rate);
        rc = rc ? rc : snx_namespace_set(s->ns, cn, a / b, eq->dim);
        if (!rc && a != 0)
            snx_buf_printf(code, "%s = %s*exp(%s*(t - lastupdate)) + %s*(exp(%s*(t - "
                                 "lastupdate)) - 1)\n", x, x, bn, cn, bn);
        else if (!rc)
            snx_buf_printf(code, "%s = %s*exp(%s*(t - lastupdate))\n", x, x, bn);
    } else if (a != 0) { /* dX/dt = A: a ramp */
        rc = snx_namespace_set(s->ns, cn, a, snx_dim_mul(eq->dim, rate));
        if (!rc)
            snx_buf_printf(code, "%s = %s + %s*(t - lastupdate)\n", eq->name, eq->name, cn);
    }
    return rc;
}

/* s->ed: every event-driven update, then lastupdate = t. */
static int compile_event_driven(snx_synapses *s)
{
    snx_buf code = { 0 };
    int rc = 0;
    for (int k = 0; k < s->model.n_eqs && !rc; k++)
        if (s->model.eqs[k].flags & SIM_EQ_EVENT_DRIVEN)
            rc = event_driven_update(s, &s->model.eqs[k], &code);
    snx_buf_printf(&code, "lastupdate = t\n");
    if (!rc && !code.data)
        rc = SNX_ENOMEM;
    if (!rc && !(s->ed_src = sim_src_new(code.data, "event-driven updates")))
        rc = SNX_ENOMEM;
    snx_buf_free(&code);
    rc = rc ? rc : sim_parse_stmts(s->ed_src, &s->ed, &s->n_ed);
    sim_scope sc;
    sim_sym last;
    if (rc || (rc = sim_synapses_scope(s, &sc, SIM_SYN_LISTED)))
        return rc;
    /* the generated code alone may write lastupdate */
    if (!(rc = sim_scope_lookup(&sc, "lastupdate", &last))) {
        last.writable = 1;
        rc = sim_scope_add(&sc, "lastupdate", last);
    }
    for (int k = 0; k < s->n_ed && !rc; k++)
        rc = sim_analyze_stmt(&s->ed[k], s->ed_src, &sc);
    sim_scope_clear(&sc);
    return rc;
}

/* ---- clock-driven equations and summed variables --------------------------------------- */

static int has_clock_driven(const sim_model *m)
{
    for (int k = 0; k < m->n_eqs; k++)
        if (sim_eq_stepped(&m->eqs[k]))
            return 1;
    return 0;
}

static int compile_clock_driven(snx_synapses *s)
{
    sim_scope sc;
    int rc = sim_synapses_scope(s, &sc, SIM_SYN_DIRECT);
    if (rc)
        return rc;
    sim_compiler *c = sim_compiler_new(&sc);
    rc = c ? sim_integrate(c, &s->model, s->method, s->obj.net->dt, -1) : SNX_ENOMEM;
    if (!rc && !(s->clock_prog = sim_compiler_finish(c)))
        rc = snx_errcode();
    sim_compiler_free(c);
    sim_scope_clear(&sc);
    return rc;
}

/* The summed variable eq: its target (pre or post group, by the name's ending), which
 * must be a parameter with the declared dimension, and its program. */
static int compile_summed(snx_synapses *s, const sim_eq *eq, sim_summed *out)
{
    size_t len = strlen(eq->name);
    int post = len > 5 && !strcmp(eq->name + len - 5, "_post");
    int pre = len > 4 && !strcmp(eq->name + len - 4, "_pre");
    int line, col;
    sim_src_position(s->model.src, eq->start, &line, &col);
    if (!post && !pre)
        return snx_error(SNX_ENAME, "%s: synapse model, line %d: a summed variable names its "
                         "target as X_post or X_pre, not \"%s\"", s->what, line, eq->name);
    char target[160];
    snprintf(target, sizeof target, "%.*s", (int)(len - (post ? 5 : 4)), eq->name);
    out->eq = eq;
    out->target = post ? s->post : s->pre;
    const sim_model *tm = &out->target->root->model;
    out->var = sim_model_var(tm, target);
    const sim_eq *teq = out->var >= 0 ? sim_model_var_eq(tm, out->var) : NULL;
    char dw[64], dt[64];
    if (!teq || teq->kind != SIM_EQ_PARAM || (teq->flags & SIM_EQ_CONSTANT))
        return snx_error(SNX_EINVAL, "%s: synapse model, line %d: the target of summed "
                         "variable \"%s\" must be a (non-constant) parameter \"%s : unit\" of "
                         "%s, which %s", s->what, line, eq->name, target,
                         out->target->root->what,
                         !teq ? "has no such variable" : "declares it otherwise");
    if (!snx_dim_equal(teq->dim, eq->dim))
        return snx_error(SNX_EDIM, "%s: synapse model, line %d: summed variable \"%s\" has "
                         "dimension %s, its target \"%s\" of %s has %s", s->what, line,
                         eq->name, snx_dim_format(eq->dim, dw, sizeof dw), target,
                         out->target->root->what, snx_dim_format(teq->dim, dt, sizeof dt));
    const char *text;
    int n;
    sim_ast_text(eq->expr, &text, &n);
    char *expr = snx_strndup(text, (size_t)n);
    int rc = expr ? sim_synapses_out_program(s, expr, "summed variable", eq->dim,
                                             SIM_SYN_DIRECT, &out->prog)
                  : SNX_ENOMEM;
    free(expr);
    return rc;
}

int sim_synapses_model_compile(snx_synapses *s, const snx_synapses_opts *o)
{
    int rc = sim_method_parse(o->method, &s->method);
    sim_scope sc;
    rc = rc ? rc : sim_synapses_scope(s, &sc, SIM_SYN_LISTED);
    if (rc)
        return rc;
    rc = sim_model_check(&s->model, &sc);
    if (!rc) /* as for groups: exact when the clock-driven equations qualify */
        s->method = sim_method_resolve(&s->model, &sc, s->method);
    sim_scope_clear(&sc);
    if (!rc && s->lastupdate >= 0)
        rc = compile_event_driven(s);
    if (!rc && has_clock_driven(&s->model))
        rc = compile_clock_driven(s);
    for (int k = 0; k < s->model.n_eqs && !rc; k++) {
        if (!(s->model.eqs[k].flags & SIM_EQ_SUMMED))
            continue;
        sim_summed *grown = realloc(s->summed, ((size_t)s->n_summed + 1) * sizeof *grown);
        if (!grown)
            return snx_error(SNX_ENOMEM, "out of memory");
        s->summed = grown;
        s->summed[s->n_summed] = (sim_summed){ 0 };
        rc = compile_summed(s, &s->model.eqs[k], &s->summed[s->n_summed++]);
    }
    return rc;
}

void sim_synapses_model_free(snx_synapses *s)
{
    sim_stmts_free(s->ed, s->n_ed);
    sim_src_free(s->ed_src);
    sim_program_free(s->clock_prog);
    for (int k = 0; k < s->n_summed; k++)
        sim_program_free(s->summed[k].prog);
    free(s->summed);
    free(s->summed_out);
    free(s->all_post);
    free(s->all_pre);
}
