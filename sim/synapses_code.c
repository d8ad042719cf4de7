/* The code of synapses: the scope synaptic statements see, the pathways on_pre (fast
 * path or compiled program) and on_post, their constant delays, and "_out = expr"
 * programs for initialisation and condition strings.
 *
 * Array table of synaptic code: [synaptic variables][post root variables][pre root
 * variables][_out]. Index lists: 0 synapse positions, 1 post root positions, 2 pre root
 * positions. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "snex/error.h"
#include "snex/util.h"

static const snx_dim SECOND = { { 0, 0, 1, 0, 0, 0, 0 } };

int sim_synapses_out_id(const snx_synapses *s) { return s->n_arrays; }

void sim_synapses_fill_table(snx_synapses *s)
{
    int ns = s->model.n_vars, np = s->post->root->model.n_vars;
    for (int k = 0; k < ns; k++)
        s->arrays[k] = s->vars ? s->vars[k] : NULL;
    for (int k = 0; k < np; k++)
        s->arrays[ns + k] = s->post->root->arrays[k];
    for (int k = 0; k < s->pre->root->model.n_vars; k++)
        s->arrays[ns + np + k] = s->pre->root->arrays[k];
}

int sim_synapses_scope(const snx_synapses *s, sim_scope *sc, int access)
{
    const snx_group *pre = s->pre, *post = s->post;
    int ns = s->model.n_vars, np = post->root->model.n_vars;
    int rc = sim_scope_init(sc, s->what, s->ns, s->obj.net->ns);
    if (rc)
        return rc;
    rc = sim_scope_add(sc, "t", (sim_sym){ .kind = SIM_SYM_SCALAR, .slot = SIM_RT_T, .dim = SECOND });
    rc = rc ? rc : sim_scope_add(sc, "_step", (sim_sym){ .kind = SIM_SYM_SCALAR, .slot = SIM_RT_STEP });
    rc = rc ? rc : sim_scope_add(sc, "dt", (sim_sym){ .kind = SIM_SYM_CONST, .dim = SECOND,
                                                    .value = s->obj.net->dt });
    rc = rc ? rc : sim_scope_add(sc, "N_pre", (sim_sym){ .kind = SIM_SYM_CONST, .value = pre->n });
    rc = rc ? rc : sim_scope_add(sc, "N_post", (sim_sym){ .kind = SIM_SYM_CONST, .value = post->n });
    /* N would otherwise be the newton: a dimension error far from the cause */
    rc = rc ? rc : sim_scope_add(sc, "N", (sim_sym){ .kind = SIM_SYM_HIDDEN });
    rc = rc ? rc : sim_scope_add(sc, "i", (sim_sym){ .kind = SIM_SYM_INDEX, .slot = 2,
                                                   .shift = -(double)pre->start });
    rc = rc ? rc : sim_scope_add(sc, "j", (sim_sym){ .kind = SIM_SYM_INDEX, .slot = 1,
                                                   .shift = -(double)post->start });
    /* Plain names mean postsynaptic variables unless a synaptic variable has the name. */
    rc = rc ? rc : sim_model_enter(&post->root->model, sc, ns, 1, "", 1, 0);
    rc = rc ? rc : sim_model_enter(&post->root->model, sc, ns, 1, "_post", 1, 0);
    rc = rc ? rc : sim_model_enter(&pre->root->model, sc, ns + np, 2, "_pre", 1, 0);
    if (!rc && access != SIM_SYN_NONE)
        rc = sim_model_enter(&s->model, sc, 0, access == SIM_SYN_DIRECT ? SIM_DIRECT : 0, "", 1, 1);
    if (rc)
        sim_scope_clear(sc);
    return rc;
}

int sim_synapses_out_program(snx_synapses *s, const char *expr, const char *label, snx_dim dim,
                             int access, sim_program **out)
{
    sim_scope sc;
    int rc = sim_synapses_scope(s, &sc, access);
    if (rc)
        return rc;
    rc = sim_scope_add(&sc, "_out", (sim_sym){ .kind = SIM_SYM_ARRAY, .slot = sim_synapses_out_id(s),
                                                .access = SIM_DIRECT, .writable = 1, .dim = dim });
    rc = rc ? rc : sim_compile_assignment(&sc, "_out", expr, label, out);
    sim_scope_clear(&sc);
    return rc;
}

/* "X += c" or "X -= c" with c constant, or "X += w" with w a synaptic variable, X
 * postsynaptic: then spikes go through the post group's ring buffer for X. Only for
 * static synapses: the ring takes w when the spike leaves, on_pre code reads it when
 * the spike arrives, which differs once anything changes w. */
static void detect_fast_path(snx_synapses *s, const sim_scope *sc)
{
    for (int k = 0; k < s->model.n_eqs; k++)
        if (s->model.eqs[k].kind == SIM_EQ_DIFF)
            return;
    if (s->on_pre.n_stmts != 1 || s->on_post.n_stmts)
        return;
    const sim_stmt *st = &s->on_pre.stmts[0];
    sim_sym target, w;
    if ((st->op != SIM_ADD_TO && st->op != SIM_SUB_FROM) ||
        sim_scope_lookup(sc, st->target, &target) || target.kind != SIM_SYM_ARRAY ||
        target.access != 1)
        return;
    if (st->expr->is_const) {
        s->fast_w = st->op == SIM_ADD_TO ? st->expr->value : -st->expr->value;
    } else if (st->op == SIM_ADD_TO && st->expr->kind == SIM_AST_NAME &&
               !sim_scope_lookup(sc, st->expr->name, &w) && w.kind == SIM_SYM_ARRAY &&
               w.access == 0) {
        s->fast_w_var = w.slot;
    } else {
        return;
    }
    s->fast = 1;
    s->fast_var = target.slot - s->model.n_vars;
}

/* A constant delay expression in whole steps; `what` names it ("delay", "post_delay"). */
static int parse_delay(snx_synapses *s, const char *text, const char *what, sim_src **src,
                       const sim_scope *sc, int32_t *steps_out)
{
    if (!(*src = sim_src_new(text, what)))
        return SNX_ENOMEM;
    sim_ast *e = sim_parse_expr(*src);
    int rc = e ? sim_analyze(e, sc) : snx_errcode();
    if (rc)
        return rc;
    char d[64];
    if (!sim_dim_is(e->dim, SECOND))
        return snx_error(SNX_EDIM, "%s: %s \"%s\" must be a time (dimension s), but has "
                                   "dimension %s", s->what, what, text,
                         sim_dim_format(e->dim, d, sizeof d));
    if (!e->is_const && !strcmp(what, "delay"))
        return snx_error(SNX_EINVAL, "%s: delay \"%s\" is not a constant; set per-synapse delays "
                                     "with snx_synapses_init(s, \"delay\", ...)", s->what, text);
    if (!e->is_const)
        return snx_error(SNX_EINVAL, "%s: %s \"%s\" is not a constant (on_post has one delay "
                                     "for all synapses)", s->what, what, text);
    double steps = floor(e->value / s->obj.net->dt + 0.5);
    if (!(steps >= 0 && steps < INT32_MAX))
        return snx_error(SNX_EINVAL, "%s: %s %g s is negative or too large", s->what, what,
                         e->value);
    *steps_out = (int32_t)steps;
    return 0;
}

/* Parses and checks a pathway's statements (text NULL: none). */
static int parse_pathway(sim_pathway *p, const char *text, const char *label, const sim_scope *sc)
{
    if (!text)
        return 0;
    if (!(p->src = sim_src_new(text, label)))
        return SNX_ENOMEM;
    int rc = sim_parse_stmts(p->src, &p->stmts, &p->n_stmts);
    for (int k = 0; k < p->n_stmts && !rc; k++)
        rc = sim_analyze_stmt(&p->stmts[k], p->src, sc);
    return rc;
}

/* The pathway's program: the event-driven variables brought up to now, the statements,
 * then lastupdate = t (s->ed holds the updates, then that assignment). */
static int compile_pathway(snx_synapses *s, sim_pathway *p, const sim_scope *sc)
{
    if (!p->n_stmts)
        return 0;
    sim_compiler *c = sim_compiler_new(sc);
    if (!c)
        return SNX_ENOMEM;
    int rc = 0;
    for (int k = 0; k < s->n_ed - 1 && !rc; k++)
        rc = sim_compile_stmt(c, &s->ed[k]);
    for (int k = 0; k < p->n_stmts && !rc; k++)
        rc = sim_compile_stmt(c, &p->stmts[k]);
    if (!rc && s->n_ed)
        rc = sim_compile_stmt(c, &s->ed[s->n_ed - 1]);
    if (!rc && !(p->prog = sim_compiler_finish(c)))
        rc = snx_errcode();
    sim_compiler_free(c);
    return rc;
}

int sim_synapses_compile(snx_synapses *s, const snx_synapses_opts *o)
{
    sim_scope sc;
    int rc = sim_synapses_scope(s, &sc, SIM_SYN_LISTED);
    if (rc)
        return rc;
    rc = parse_pathway(&s->on_pre, o->on_pre, "on_pre", &sc);
    rc = rc ? rc : parse_pathway(&s->on_post, o->on_post, "on_post", &sc);
    if (!rc && o->delay)
        rc = parse_delay(s, o->delay, "delay", &s->delay_src, &sc, &s->const_delay);
    if (!rc && o->post_delay)
        rc = parse_delay(s, o->post_delay, "post_delay", &s->post_delay_src, &sc,
                         &s->post_delay);
    if (!rc)
        detect_fast_path(s, &sc);
    if (!rc && !s->fast)
        rc = compile_pathway(s, &s->on_pre, &sc);
    rc = rc ? rc : compile_pathway(s, &s->on_post, &sc);
    sim_scope_clear(&sc);
    return rc;
}
