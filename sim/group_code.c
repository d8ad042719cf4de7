/* Code about a group: the scope that says what its names mean (used by its own code,
 * initialisation and state monitors), the per-block step program (state update, then
 * threshold) and the reset program that runs over the neurons that spiked. group.c
 * calls in here; nothing here calls group.c.
 *
 * Refractoriness is one array, `until`: the first step in which a neuron may integrate
 * and spike again. At a spike in step n the reset program sets it to
 * n + round(refractory/dt) (the refractory expression is evaluated then, per neuron),
 * or, for a refractory condition, to a step never reached, which the step program
 * brings back to the current step once the condition fails (UNTIL_CONDITION below).
 * Held updates, not_refractory and spike collection compare the step with `until`.
 *
 * The common threshold "variable > constant" (or <, >=, <=) needs no code at all: spike
 * collection checks it while scanning the block (group_step.c). */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snex/error.h"
#include "snex/util.h"

static const snx_dim SECOND = { { 0, 0, 1, 0, 0, 0, 0 } };

int sim_group_scope(const snx_group *g, sim_scope *sc, int access, int respect_constant)
{
    const snx_group *root = g->root;
    int rc = sim_scope_init(sc, root->what, root->ns, root->obj.net->ns);
    if (rc)
        return rc;
    rc = sim_scope_add(sc, "t", (sim_sym){ .kind = SIM_SYM_SCALAR, .slot = SIM_RT_T,
                                           .dim = { { 0, 0, 1, 0, 0, 0, 0 } } });
    rc = rc ? rc : sim_scope_add(sc, "_step", (sim_sym){ .kind = SIM_SYM_SCALAR, .slot = SIM_RT_STEP });
    rc = rc ? rc : sim_scope_add(sc, "dt", (sim_sym){ .kind = SIM_SYM_CONST,
                                                    .value = root->obj.net->dt,
                                                    .dim = { { 0, 0, 1, 0, 0, 0, 0 } } });
    rc = rc ? rc : sim_scope_add(sc, "N", (sim_sym){ .kind = SIM_SYM_CONST, .value = g->n });
    rc = rc ? rc : sim_scope_add(sc, "i", (sim_sym){ .kind = SIM_SYM_INDEX, .slot = access,
                                                   .shift = -(double)g->start });
    rc = rc ? rc : sim_model_enter(&root->model, sc, 0, access, "", respect_constant, 1);
    if (!rc && root->until)
        rc = sim_scope_add(sc, "_refractory_until",
                           (sim_sym){ .kind = SIM_SYM_ARRAY, .slot = root->until_id,
                                      .access = access, .writable = 1 });
    if (!rc && root->lastspike)
        rc = sim_scope_add(sc, "lastspike",
                           (sim_sym){ .kind = SIM_SYM_ARRAY, .slot = root->lastspike_id,
                                      .access = access, .dim = SECOND,
                                      .why_readonly = "the engine sets it at each spike" });
    /* not_refractory: derived from `until` (1 without refractoriness, as in Brian). */
    if (!rc)
        rc = sim_scope_add(sc, "not_refractory",
                           root->notref ? (sim_sym){ .kind = SIM_SYM_SUBEXPR, .expr = root->notref }
                                        : (sim_sym){ .kind = SIM_SYM_CONST, .value = 1 });
    if (rc)
        sim_scope_clear(sc);
    return rc;
}

bool sim_group_engine_var(const snx_group *g, const char *name, snx_dim *dim)
{
    if (!strcmp(name, "lastspike") && g->root->lastspike) {
        *dim = SECOND;
        return true;
    }
    if (!strcmp(name, "not_refractory")) {
        *dim = SNX_DIMENSIONLESS;
        return true;
    }
    return false;
}

/* The expression behind not_refractory, analysed in the group's scope (which then has
 * `until` but no not_refractory yet). */
static int notref_expr(snx_group *g)
{
    sim_scope sc;
    if (!(g->notref_src = sim_src_new("_step >= _refractory_until", "not_refractory")))
        return SNX_ENOMEM;
    if (!(g->notref = sim_parse_expr(g->notref_src)))
        return snx_errcode();
    int rc = sim_group_scope(g, &sc, SIM_DIRECT, 1);
    rc = rc ? rc : sim_analyze(g->notref, &sc);
    sim_scope_clear(&sc);
    return rc;
}

static int parse_condition(snx_group *g, const char *text, const sim_scope *sc)
{
    if (!(g->thr_src = sim_src_new(text, "threshold")))
        return SNX_ENOMEM;
    if (!(g->thr = sim_parse_expr(g->thr_src)))
        return snx_errcode();
    int rc = sim_analyze(g->thr, sc);
    if (rc)
        return rc;
    if (!sim_dim_is_dimensionless(g->thr->dim)) {
        char d[64];
        return snx_error(SNX_EDIM, "%s: threshold \"%s\" must be a condition (dimensionless), "
                                   "but has dimension %s",
                         g->what, text, sim_dim_format(g->thr->dim, d, sizeof d));
    }
    return 0;
}

/* Refractoriness given as a condition (Brian: refractory = "v > v_th"): at its spike a
 * neuron becomes refractory with until = UNTIL_CONDITION, later than any step, and at
 * the start of every step, before the state update,
 *   until = min(until, _step + cond * UNTIL_CONDITION)
 * ends it in the first step that starts from a state failing the condition. That is
 * Brian's not_refractory = not_refractory or not (cond), which its state updater runs
 * first. Exact: cond is 0 or 1, and _step + 1e300 rounds to 1e300. */
#define UNTIL_CONDITION 1e300

/* st := "_refractory_until = expr", the text of the user's refractory in messages;
 * expr NULL: out of memory (sim_ast_op passes a failed allocation up). */
static int until_stmt(const snx_group *g, sim_ast *expr, const sim_scope *sc, sim_stmt *st)
{
    if (!expr || !(st->target = snx_strdup("_refractory_until")))
        return SNX_ENOMEM;
    st->expr = expr;
    st->op = SIM_SET;
    st->start = st->target_start = g->ref->start;
    st->end = st->target_end = g->ref->end;
    return sim_analyze_stmt(st, g->ref_src, sc);
}

/* A truth value, as Brian requires of a refractory condition. */
static bool is_condition(const sim_ast *e)
{
    if (e->kind != SIM_AST_OP)
        return false;
    switch (e->fn) {
    case SIM_FN_LT: case SIM_FN_LE: case SIM_FN_GT: case SIM_FN_GE: case SIM_FN_EQ:
    case SIM_FN_NE: case SIM_FN_AND: case SIM_FN_OR: case SIM_FN_NOT:
        return true;
    default:
        return false;
    }
}

/* A refractory period: at the spike, until = _step + floor(refractory/dt + 0.5). */
static int period_stmt(snx_group *g, const char *text, const sim_scope *sc, sim_stmt *st)
{
    sim_src *src = g->ref_src;
    if (g->ref->is_const && !(g->ref->value >= 0))
        return snx_error(SNX_EINVAL, "%s: refractory \"%s\" is %g s; a refractory period "
                                     "cannot be negative", g->what, text, g->ref->value);
    int a = g->ref->start, b = g->ref->end;
    sim_ast *steps = sim_ast_op(src, SIM_FN_DIV, g->ref, sim_ast_name(src, "dt", a, b), NULL, a, b);
    sim_ast *rounded = sim_ast_op(src, SIM_FN_FLOOR,
                                  sim_ast_op(src, SIM_FN_ADD, steps, sim_ast_num(src, 0.5, a, b),
                                             NULL, a, b),
                                  NULL, NULL, a, b);
    return until_stmt(g, sim_ast_op(src, SIM_FN_ADD, sim_ast_name(src, "_step", a, b), rounded,
                                    NULL, a, b), sc, st);
}

/* A refractory condition: at the spike (st, in `spiking`) and every step (step_st, in
 * `direct`), as UNTIL_CONDITION above says. */
static int condition_stmts(snx_group *g, const sim_scope *spiking, const sim_scope *direct,
                           sim_stmt *st, sim_stmt *step_st)
{
    sim_src *src = g->ref_src;
    int a = g->ref->start, b = g->ref->end;
    int rc = until_stmt(g, sim_ast_num(src, UNTIL_CONDITION, a, b), spiking, st);
    sim_ast *later = sim_ast_op(src, SIM_FN_MUL, g->ref, sim_ast_num(src, UNTIL_CONDITION, a, b),
                                NULL, a, b);
    sim_ast *bound = sim_ast_op(src, SIM_FN_ADD, sim_ast_name(src, "_step", a, b), later, NULL,
                                a, b);
    sim_ast *until = sim_ast_name(src, "_refractory_until", a, b);
    return rc ? rc : until_stmt(g, sim_ast_op(src, SIM_FN_MIN, until, bound, NULL, a, b),
                                direct, step_st);
}

/* The refractory option: a time (today's periods) or a condition (Brian's
 * refractory = "v > v_th"); st runs at the spike, step_st (conditions) every step. */
static int refractory_stmts(snx_group *g, const char *text, const sim_scope *spiking,
                            const sim_scope *direct, sim_stmt *st, sim_stmt *step_st)
{
    if (!(g->ref_src = sim_src_new(text, "refractory")))
        return SNX_ENOMEM;
    if (!(g->ref = sim_parse_expr(g->ref_src)))
        return snx_errcode();
    int rc = sim_analyze(g->ref, spiking);
    if (rc)
        return rc;
    if (sim_dim_is(g->ref->dim, SECOND))
        return period_stmt(g, text, spiking, st);
    if (sim_dim_is_dimensionless(g->ref->dim) && is_condition(g->ref))
        return condition_stmts(g, spiking, direct, st, step_st);
    char d[64];
    if (sim_dim_is_dimensionless(g->ref->dim))
        return snx_error(SNX_EINVAL, "%s: refractory \"%s\" is dimensionless but not a "
                                     "condition: give a time (\"5*ms\") or a condition "
                                     "(\"v > v_th\": refractory while it holds)", g->what, text);
    return snx_error(SNX_EDIM, "%s: refractory \"%s\" must be a time (dimension s) or a "
                               "condition, but has dimension %s",
                     g->what, text, sim_dim_format(g->ref->dim, d, sizeof d));
}

static int parse_reset(snx_group *g, const char *text, const sim_scope *sc)
{
    if (!(g->reset_src = sim_src_new(text, "reset")))
        return SNX_ENOMEM;
    int rc = sim_parse_stmts(g->reset_src, &g->reset, &g->n_reset);
    for (int k = 0; k < g->n_reset && !rc; k++)
        rc = sim_analyze_stmt(&g->reset[k], g->reset_src, sc);
    return rc;
}

/* A threshold "V > c" (>, >=, <, <=) on a state variable: checked during collection. */
static int simple_threshold(snx_group *g, const sim_scope *sc)
{
    const sim_ast *t = g->thr;
    sim_sym v;
    if (t->kind != SIM_AST_OP || t->is_const ||
        (t->fn != SIM_FN_GT && t->fn != SIM_FN_GE && t->fn != SIM_FN_LT && t->fn != SIM_FN_LE) ||
        t->args[0]->kind != SIM_AST_NAME || !t->args[1]->is_const ||
        sim_scope_lookup(sc, t->args[0]->name, &v) || v.kind != SIM_SYM_ARRAY || v.shared)
        return 0;
    g->thr_var = v.slot;
    g->thr_cmp = t->fn == SIM_FN_GT   ? SIM_CMP_GT
                 : t->fn == SIM_FN_GE ? SIM_CMP_GE
                 : t->fn == SIM_FN_LT ? SIM_CMP_LT
                                      : SIM_CMP_LE;
    g->thr_value = t->args[1]->value;
    return 1;
}

/* The per-block program: [end of refractoriness by condition, state update] [threshold
 * mask]. */
static int compile_step(snx_group *g, const sim_scope *sc, int update, int threshold,
                        const sim_stmt *ref_step, sim_program **out)
{
    sim_compiler *c = sim_compiler_new(sc);
    if (!c)
        return SNX_ENOMEM;
    int rc = update && ref_step->expr ? sim_compile_stmt(c, ref_step) : 0;
    if (update && !rc)
        rc = sim_integrate(c, &g->model, g->method, g->obj.net->dt,
                           g->until_id);
    if (!rc && threshold && g->thr && !simple_threshold(g, sc)) {
        sim_opnd mask;
        if (!sim_compile_expr(c, g->thr, &mask) && !sim_to_temp(c, &mask))
            g->mask_reg = (int)mask.v;
    }
    if (!(*out = sim_compiler_finish(c)))
        rc = snx_errcode();
    sim_compiler_free(c);
    return rc;
}

static int compile_reset(snx_group *g, const sim_scope *sc, sim_stmt *ref_st)
{
    sim_compiler *c = sim_compiler_new(sc);
    if (!c)
        return SNX_ENOMEM;
    int rc = ref_st->expr ? sim_compile_stmt(c, ref_st) : 0;
    for (int k = 0; k < g->n_reset && !rc; k++)
        rc = sim_compile_stmt(c, &g->reset[k]);
    if (!rc && !(g->reset_prog = sim_compiler_finish(c)))
        rc = snx_errcode();
    sim_compiler_free(c);
    return rc;
}

int sim_group_compile(snx_group *g, const snx_group_opts *o)
{
    sim_scope direct = { 0 }, spiking = { 0 };
    sim_stmt ref_st = { 0 }, ref_step = { 0 };
    int rc = g->until ? notref_expr(g) : 0;
    rc = rc ? rc : sim_group_scope(g, &direct, SIM_DIRECT, 1);
    rc = rc ? rc : sim_group_scope(g, &spiking, 0, 1);
    rc = rc ? rc : sim_model_check(&g->model, &direct);
    if (!rc)
        g->method = sim_method_resolve(&g->model, &direct, g->method);
    if (!rc && o->threshold)
        rc = parse_condition(g, o->threshold, &direct);
    if (!rc && o->refractory)
        rc = refractory_stmts(g, o->refractory, &spiking, &direct, &ref_st, &ref_step);
    if (!rc && o->reset)
        rc = parse_reset(g, o->reset, &spiking);
    if (!rc && g->cfn) { /* the C update runs between the state update and the threshold */
        rc = compile_step(g, &direct, 1, 0, &ref_step, &g->step_prog);
        rc = rc ? rc : compile_step(g, &direct, 0, 1, &ref_step, &g->thr_prog);
    } else if (!rc) {
        rc = compile_step(g, &direct, 1, 1, &ref_step, &g->step_prog);
    }
    if (!rc && (ref_st.expr || g->n_reset))
        rc = compile_reset(g, &spiking, &ref_st);
    if (rc)
        sim_error_owner(g->what);
    free(ref_st.target);
    free(ref_step.target);
    sim_scope_clear(&direct);
    sim_scope_clear(&spiking);
    return rc;
}
