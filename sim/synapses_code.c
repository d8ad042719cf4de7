/* The code of synapses: the scope synaptic statements see, on_pre (fast path or
 * compiled program), the constant delay, and "_out = expr" programs for
 * initialisation and condition strings.
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

int sim_synapses_scope(const snx_synapses *s, sim_scope *sc, int with_synaptic)
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
    rc = rc ? rc : sim_scope_add(sc, "i", (sim_sym){ .kind = SIM_SYM_INDEX, .slot = 2,
                                                   .shift = -(double)pre->start });
    rc = rc ? rc : sim_scope_add(sc, "j", (sim_sym){ .kind = SIM_SYM_INDEX, .slot = 1,
                                                   .shift = -(double)post->start });
    /* Plain names mean postsynaptic variables unless a synaptic variable has the name. */
    rc = rc ? rc : sim_model_enter(&post->root->model, sc, ns, 1, "", 1, 0);
    rc = rc ? rc : sim_model_enter(&post->root->model, sc, ns, 1, "_post", 1, 0);
    rc = rc ? rc : sim_model_enter(&pre->root->model, sc, ns + np, 2, "_pre", 1, 0);
    if (!rc && with_synaptic)
        rc = sim_model_enter(&s->model, sc, 0, 0, "", 1, 0);
    if (rc)
        sim_scope_clear(sc);
    return rc;
}

int sim_synapses_out_program(snx_synapses *s, const char *expr, const char *label, snx_dim dim,
                             int with_synaptic, sim_program **out)
{
    sim_scope sc;
    int rc = sim_synapses_scope(s, &sc, with_synaptic);
    if (rc)
        return rc;
    rc = sim_scope_add(&sc, "_out", (sim_sym){ .kind = SIM_SYM_ARRAY, .slot = sim_synapses_out_id(s),
                                                .access = SIM_DIRECT, .writable = 1, .dim = dim });
    rc = rc ? rc : sim_compile_assignment(&sc, "_out", expr, label, out);
    sim_scope_clear(&sc);
    return rc;
}

/* "X += c" or "X -= c" with c constant, or "X += w" with w a synaptic variable, X
 * postsynaptic: then spikes go through the post group's ring buffer for X. */
static void detect_fast_path(snx_synapses *s, const sim_scope *sc)
{
    if (s->n_on_pre != 1)
        return;
    const sim_stmt *st = &s->on_pre[0];
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

static int parse_delay(snx_synapses *s, const char *text, const sim_scope *sc)
{
    if (!(s->delay_src = sim_src_new(text, "delay")))
        return SNX_ENOMEM;
    sim_ast *e = sim_parse_expr(s->delay_src);
    int rc = e ? sim_analyze(e, sc) : snx_errcode();
    if (rc)
        return rc;
    char d[64];
    if (!sim_dim_is(e->dim, SECOND))
        return snx_error(SNX_EDIM, "%s: delay \"%s\" must be a time (dimension s), but has "
                                   "dimension %s", s->what, text, sim_dim_format(e->dim, d, sizeof d));
    if (!e->is_const)
        return snx_error(SNX_EINVAL, "%s: delay \"%s\" is not a constant; set per-synapse delays "
                                     "with snx_synapses_init(s, \"delay\", ...)", s->what, text);
    double steps = floor(e->value / s->obj.net->dt + 0.5);
    if (!(steps >= 0 && steps < INT32_MAX))
        return snx_error(SNX_EINVAL, "%s: delay %g s is negative or too large", s->what, e->value);
    s->const_delay = (int32_t)steps;
    return 0;
}

static int compile_on_pre(snx_synapses *s, const sim_scope *sc)
{
    sim_compiler *c = sim_compiler_new(sc);
    if (!c)
        return SNX_ENOMEM;
    int rc = 0;
    for (int k = 0; k < s->n_on_pre && !rc; k++)
        rc = sim_compile_stmt(c, &s->on_pre[k]);
    if (!rc && !(s->on_pre_prog = sim_compiler_finish(c)))
        rc = snx_errcode();
    sim_compiler_free(c);
    return rc;
}

int sim_synapses_compile(snx_synapses *s, const snx_synapses_opts *o)
{
    sim_scope sc;
    int rc = sim_synapses_scope(s, &sc, 1);
    if (rc)
        return rc;
    if (!(s->on_pre_src = sim_src_new(o->on_pre, "on_pre")))
        rc = SNX_ENOMEM;
    rc = rc ? rc : sim_parse_stmts(s->on_pre_src, &s->on_pre, &s->n_on_pre);
    for (int k = 0; k < s->n_on_pre && !rc; k++)
        rc = sim_analyze_stmt(&s->on_pre[k], s->on_pre_src, &sc);
    if (!rc && o->delay)
        rc = parse_delay(s, o->delay, &sc);
    if (!rc)
        detect_fast_path(s, &sc);
    if (!rc && !s->fast)
        rc = compile_on_pre(s, &sc);
    sim_scope_clear(&sc);
    return rc;
}
