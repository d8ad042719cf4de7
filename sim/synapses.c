/* Synapses: creation, connecting (through connectivity.c), per-synapse variables and
 * delays. Synapses are stored in CSR order (by presynaptic row, targets ascending); for
 * connect_pairs, user_order remembers the order the pairs were given in, which is the
 * order of the arrays users pass in and get out. */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snex/error.h"
#include "snex/util.h"

snx_synapses *snx_synapses_new(snx_net *net, const char *name, snx_group *pre, snx_group *post,
                               const snx_synapses_opts *opts)
{
    snx_synapses_opts o = opts ? *opts : (snx_synapses_opts){ 0 };
    char what[160];
    snprintf(what, sizeof what, "synapses \"%s\"", name ? name : "");
    if (!pre || !post || pre->obj.net != net || post->obj.net != net) {
        snx_error(SNX_EINVAL, "%s: pre and post must be groups of this network", what);
        return NULL;
    }
    snx_synapses *s = snx_calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->pre = pre;
    s->post = post;
    s->fast_w_var = -1;
    s->lastupdate = -1;
    int rc = (s->what = snx_strdup(what)) ? 0 : SNX_ENOMEM;
    if (!rc && !(s->ns = o.ns ? snx_namespace_copy(o.ns) : snx_namespace_new()))
        rc = SNX_ENOMEM;
    rc = rc ? rc : sim_synapses_model_parse(s, o.model);
    rc = rc ? rc : sim_net_register(net, &s->obj, &sim_synapses_kind, name);
    if (rc) {
        sim_error_owner(what);
        sim_synapses_destroy(s);
        return NULL;
    }
    s->n_arrays = s->model.n_vars + pre->root->model.n_vars + post->root->model.n_vars;
    if (!(s->arrays = snx_calloc((size_t)s->n_arrays + 2, sizeof *s->arrays)))
        rc = SNX_ENOMEM;
    size_t n_rows = (size_t)(pre->n > post->n ? pre->n : post->n); /* either side's spikes */
    if (!rc && !(s->rows = snx_malloc(n_rows * sizeof *s->rows)))
        rc = SNX_ENOMEM;
    if (!rc && o.post_delay && !o.on_post)
        rc = snx_error(SNX_EINVAL, "%s: post_delay \"%s\" given without on_post", what,
                       o.post_delay);
    rc = rc ? rc : sim_synapses_model_compile(s, &o);
    rc = rc ? rc : sim_synapses_compile(s, &o);
    if (rc) {
        sim_error_owner(what);
        snx_net_delete(net, name);
        return NULL;
    }
    return s;
}

void sim_synapses_destroy(snx_synapses *s)
{
    if (!s)
        return;
    if (s->vars)
        for (int k = 0; k < s->model.n_vars; k++)
            free(s->vars[k]);
    free(s->vars);
    sim_csr_free(&s->csr);
    free(s->pre_of);
    free(s->user_order);
    free(s->delay);
    sim_pathway *paths[] = { &s->on_pre, &s->on_post };
    for (size_t k = 0; k < 2; k++) {
        sim_queue_free(paths[k]->queue);
        sim_program_free(paths[k]->prog);
        sim_stmts_free(paths[k]->stmts, paths[k]->n_stmts);
        sim_src_free(paths[k]->src);
    }
    sim_synapses_model_free(s);
    sim_src_free(s->delay_src);
    sim_src_free(s->post_delay_src);
    free(s->by_post_row);
    free(s->by_post);
    sim_model_free(&s->model);
    snx_namespace_free(s->ns);
    free(s->arrays);
    free(s->rows);
    free(s->ev_post);
    free(s->ev_pre);
    free(s->what);
    free(s->obj.name);
    free(s);
}

/* Inside, synapse positions are int64_t (the programs' index lists are); outside, the
 * number of synapses is a count like any other. */
size_t snx_synapses_count(const snx_synapses *s)
{
    return s && s->connected ? (size_t)s->csr.n_syn : 0;
}
const char *snx_synapses_name(const snx_synapses *s) { return s ? s->obj.name : NULL; }

/* ---- connecting --------------------------------------------------------------------- */

static int check_unconnected(const snx_synapses *s)
{
    if (!s)
        return snx_error(SNX_EINVAL, "synapses object is NULL");
    if (s->connected)
        return snx_error(SNX_ESTATE, "%s is already connected (connect once per object)",
                         s->what);
    return 0;
}

/* Takes over csr (and order), and allocates the per-synapse state. */
static int adopt(snx_synapses *s, sim_csr *csr, int64_t *order, int rc)
{
    if (rc) {
        free(order);
        return sim_error_owner(s->what);
    }
    s->csr = *csr;
    s->user_order = order;
    s->connected = 1;
    size_t n = (size_t)s->csr.n_syn;
    s->pre_of = snx_malloc((n ? n : 1) * sizeof *s->pre_of);
    s->vars = snx_calloc((size_t)s->model.n_vars + 1, sizeof *s->vars);
    if (!s->pre_of || !s->vars)
        return SNX_ENOMEM;
    for (int k = 0; k < s->model.n_vars; k++)
        if (!(s->vars[k] = snx_calloc(n ? n : 1, sizeof(double))))
            return SNX_ENOMEM;
    return sim_csr_pre_indices(&s->csr, s->pre_of);
}

/* Autapses can only happen when both ends look into the same group. */
static int autapses_flag(const snx_synapses *s, const snx_connect_opts *opts)
{
    return !(opts && opts->exclude_autapses) || s->pre->root != s->post->root;
}

int snx_synapses_connect_p(snx_synapses *s, double p, const snx_connect_opts *opts)
{
    int rc = check_unconnected(s);
    if (rc)
        return rc;
    if (!(p >= 0 && p <= 1))
        return snx_error(SNX_EINVAL, "%s: connection probability %g is not in [0, 1]", s->what, p);
    sim_csr csr;
    rc = sim_csr_random(&csr, s->pre->n, s->post->n, p, autapses_flag(s, opts),
                        s->pre->start, s->post->start, s->obj.net->rng);
    return adopt(s, &csr, NULL, rc);
}

int snx_synapses_connect_all(snx_synapses *s, const snx_connect_opts *opts)
{
    int rc = check_unconnected(s);
    if (rc)
        return rc;
    sim_csr csr;
    rc = sim_csr_all_to_all(&csr, s->pre->n, s->post->n, autapses_flag(s, opts),
                            s->pre->start, s->post->start);
    return adopt(s, &csr, NULL, rc);
}

int snx_synapses_connect_one_to_one(snx_synapses *s)
{
    int rc = check_unconnected(s);
    if (rc)
        return rc;
    if (s->pre->n != s->post->n)
        return snx_error(SNX_EINVAL, "%s: one-to-one needs equal sizes, not %d and %d", s->what,
                         s->pre->n, s->post->n);
    sim_csr csr;
    rc = sim_csr_one_to_one(&csr, s->pre->n);
    return adopt(s, &csr, NULL, rc);
}

int snx_synapses_connect_pairs(snx_synapses *s, const int32_t *i, const int32_t *j, size_t n)
{
    int rc = check_unconnected(s);
    if (rc)
        return rc;
    if (n > INT64_MAX || (n > 0 && (!i || !j)))
        return snx_error(SNX_EINVAL, "%s: connect_pairs needs two arrays of n indices",
                         s->what);
    int64_t *order = snx_malloc((n ? n : 1) * sizeof *order);
    if (!order)
        return SNX_ENOMEM;
    sim_csr csr;
    rc = sim_csr_from_pairs(&csr, s->pre->n, s->post->n, i, j, (int64_t)n, order);
    return adopt(s, &csr, order, rc);
}

/* Condition strings: the condition is compiled to "_out = cond" and run over one
 * presynaptic row at a time (all postsynaptic neurons), filling the row's mask. */
typedef struct {
    snx_synapses *s;
    sim_program *prog;
    int64_t *post_pos, *pre_pos;
    double *out;
} row_ctx;

static int fill_row(int32_t pre, int32_t n_post, unsigned char *mask, void *ctx)
{
    row_ctx *rc = ctx;
    snx_synapses *s = rc->s;
    for (int32_t k = 0; k < n_post; k++)
        rc->pre_pos[k] = (int64_t)s->pre->start + pre;
    s->arrays[sim_synapses_out_id(s)] = rc->out;
    int err = sim_exec_indexed(s->obj.net, rc->prog, s->arrays, NULL, rc->post_pos, rc->pre_pos,
                               n_post);
    for (int32_t k = 0; k < n_post && !err; k++)
        mask[k] = rc->out[k] != 0;
    return err;
}

int snx_synapses_connect_cond(snx_synapses *s, const char *cond, double p)
{
    int rc = check_unconnected(s);
    if (rc)
        return rc;
    if (!(p >= 0 && p <= 1))
        return snx_error(SNX_EINVAL, "%s: connection probability %g is not in [0, 1]", s->what, p);
    row_ctx ctx = { s, NULL, NULL, NULL, NULL };
    size_t n = (size_t)s->post->n;
    ctx.post_pos = snx_malloc(n * sizeof *ctx.post_pos);
    ctx.pre_pos = snx_malloc(n * sizeof *ctx.pre_pos);
    ctx.out = snx_malloc(n * sizeof *ctx.out);
    rc = ctx.post_pos && ctx.pre_pos && ctx.out ? 0 : SNX_ENOMEM;
    rc = rc ? rc : sim_synapses_out_program(s, cond, "condition", SNX_DIMENSIONLESS,
                                            SIM_SYN_NONE, &ctx.prog);
    sim_csr csr = { 0 };
    if (!rc) {
        for (size_t k = 0; k < n; k++)
            ctx.post_pos[k] = (int64_t)s->post->start + (int64_t)k;
        sim_synapses_fill_table(s);
        rc = sim_csr_from_row_mask_p(&csr, s->pre->n, s->post->n, fill_row, &ctx, p,
                                     s->obj.net->rng);
    }
    sim_program_free(ctx.prog);
    free(ctx.post_pos);
    free(ctx.pre_pos);
    free(ctx.out);
    return adopt(s, &csr, NULL, rc);
}

/* ---- per-synapse variables and delays -------------------------------------------------- */

static const snx_dim SECOND = { { 0, 0, 1, 0, 0, 0, 0 } };

/* The variable's index, SIM_DELAY_VAR for "delay", or an error (-1). */
#define SIM_DELAY_VAR (-2)
static int find_var(const snx_synapses *s, const char *var, int need_connected)
{
    if (!s) {
        snx_error(SNX_EINVAL, "synapses object is NULL");
        return -1;
    }
    if (need_connected && !s->connected) {
        snx_error(SNX_ESTATE, "%s: connect before setting per-synapse values", s->what);
        return -1;
    }
    if (var && !strcmp(var, "delay"))
        return SIM_DELAY_VAR;
    int k = var ? sim_model_var(&s->model, var) : -1;
    if (k < 0) {
        snx_buf names = { 0 };
        for (int v = 0; v < s->model.n_vars; v++)
            snx_buf_printf(&names, ", %s", sim_model_var_eq(&s->model, v)->name);
        snx_error(SNX_ENOTFOUND, "%s: no per-synapse variable \"%s\" (variables: delay%s)",
                  s->what, var ? var : "(null)", names.data ? names.data : "");
        snx_buf_free(&names);
    }
    return k;
}

static int64_t user_pos(const snx_synapses *s, int64_t k)
{
    return s->user_order ? s->user_order[k] : k;
}

/* Stores delays (seconds, CSR order) as whole steps; all or, on an error, none (a
 * bad value must not leave the delays half written). */
static int store_delays(snx_synapses *s, const double *sec)
{
    int64_t n = s->csr.n_syn;
    double dt = s->obj.net->dt;
    for (int64_t k = 0; k < n; k++) {
        double steps = floor(sec[k] / dt + 0.5);
        if (!(steps >= 0 && steps < INT32_MAX))
            return snx_error(SNX_EINVAL, "%s: delay %g s of synapse %lld is negative or too "
                                         "large", s->what, sec[k], (long long)user_pos(s, k));
    }
    if (!s->delay && !(s->delay = snx_malloc((size_t)(n ? n : 1) * sizeof *s->delay)))
        return SNX_ENOMEM;
    for (int64_t k = 0; k < n; k++)
        s->delay[k] = (int32_t)floor(sec[k] / dt + 0.5);
    return 0;
}

int snx_synapses_set_array(snx_synapses *s, const char *var, const double *values, size_t n)
{
    int k = find_var(s, var, 1);
    if (k == -1)
        return snx_errcode();
    if (!values || n != snx_synapses_count(s))
        return snx_error(SNX_EINVAL, "%s: %zu values given for \"%s\", there are %zu synapses",
                         s->what, values ? n : 0, var, snx_synapses_count(s));
    double *dst = k == SIM_DELAY_VAR ? snx_malloc((n ? n : 1) * sizeof *dst) : s->vars[k];
    if (!dst)
        return SNX_ENOMEM;
    for (int64_t q = 0; q < s->csr.n_syn; q++)
        dst[q] = values[user_pos(s, q)];
    int rc = 0;
    if (k == SIM_DELAY_VAR) {
        rc = store_delays(s, dst);
        free(dst);
    }
    return rc;
}

int snx_synapses_get_array(const snx_synapses *s, const char *var, double *out, size_t n)
{
    int k = find_var(s, var, 0);
    if (k == -1)
        return snx_errcode();
    if (!out || n != snx_synapses_count(s))
        return snx_error(SNX_EINVAL, "%s: room for %zu values given, there are %zu synapses",
                         s->what, out ? n : 0, snx_synapses_count(s));
    double dt = s->obj.net->dt;
    for (int64_t q = 0; q < (int64_t)n; q++)
        out[user_pos(s, q)] = k != SIM_DELAY_VAR ? s->vars[k][q]
                              : (double)(s->delay ? s->delay[q] : s->const_delay) * dt;
    return 0;
}

int snx_synapses_get_pairs(const snx_synapses *s, int32_t *i, int32_t *j, size_t n)
{
    if (!s || !i || !j || n != snx_synapses_count(s))
        return snx_error(SNX_EINVAL, "snx_synapses_get_pairs: room for %zu pairs given, there "
                                     "are %zu synapses", n, snx_synapses_count(s));
    for (int64_t q = 0; q < (int64_t)n; q++) {
        i[user_pos(s, q)] = s->pre_of[q];
        j[user_pos(s, q)] = s->csr.targets[q];
    }
    return 0;
}

/* Index lists for code over all synapses: position, post and pre root positions. */
static int synapse_lists(const snx_synapses *s, int64_t **syn, int64_t **post, int64_t **pre)
{
    size_t n = (size_t)(s->csr.n_syn ? s->csr.n_syn : 1);
    *syn = snx_malloc(n * sizeof **syn);
    *post = snx_malloc(n * sizeof **post);
    *pre = snx_malloc(n * sizeof **pre);
    if (!*syn || !*post || !*pre)
        return SNX_ENOMEM;
    for (int64_t q = 0; q < s->csr.n_syn; q++) {
        (*syn)[q] = q;
        (*post)[q] = (int64_t)s->post->start + s->csr.targets[q];
        (*pre)[q] = (int64_t)s->pre->start + s->pre_of[q];
    }
    return 0;
}

int snx_synapses_init(snx_synapses *s, const char *var, const char *expr)
{
    int k = find_var(s, var, 1);
    if (k == -1)
        return snx_errcode();
    int64_t n = s->csr.n_syn, *syn = NULL, *post = NULL, *pre = NULL;
    snx_dim dim = k == SIM_DELAY_VAR ? SECOND : sim_model_var_eq(&s->model, k)->dim;
    double *out = k == SIM_DELAY_VAR ? snx_malloc((size_t)(n ? n : 1) * sizeof *out) : s->vars[k];
    sim_program *p = NULL;
    char label[200];
    snprintf(label, sizeof label, "initialisation of %s", var);
    int rc = out ? sim_synapses_out_program(s, expr, label, dim, SIM_SYN_LISTED, &p)
                 : SNX_ENOMEM;
    rc = rc ? rc : synapse_lists(s, &syn, &post, &pre);
    if (!rc) {
        sim_synapses_fill_table(s);
        s->arrays[sim_synapses_out_id(s)] = out;
        rc = sim_exec_indexed(s->obj.net, p, s->arrays, syn, post, pre, n);
    }
    if (!rc && k == SIM_DELAY_VAR)
        rc = store_delays(s, out);
    if (rc)
        sim_error_owner(s->what);
    if (k == SIM_DELAY_VAR)
        free(out);
    sim_program_free(p);
    free(syn);
    free(post);
    free(pre);
    return rc;
}

/* ---- the synapses kind ---------------------------------------------------------------- */

static int prepare(sim_object *o) { return sim_synapses_prepare((snx_synapses *)o); }
static int sum(sim_object *o) { return sim_synapses_sum((snx_synapses *)o); }
static int integrate(sim_object *o) { return sim_synapses_integrate((snx_synapses *)o); }
static int propagate(sim_object *o) { return sim_synapses_propagate((snx_synapses *)o); }
static int propagate_post(sim_object *o) { return sim_synapses_propagate_post((snx_synapses *)o); }

static bool idle(const sim_object *o, int phase)
{
    const snx_synapses *s = (const snx_synapses *)o;
    switch (phase) {
    case SIM_PHASE_SUM: return s->n_summed == 0;
    case SIM_PHASE_UPDATE: return !s->clock_prog;
    case SIM_PHASE_PROPAGATE: return (!s->fast && !s->on_pre.prog) || s->direct;
    case SIM_PHASE_PROPAGATE_POST: return !s->on_post.prog;
    default: return false;
    }
}

static bool refers_to(const sim_object *o, const sim_object *other)
{
    const snx_synapses *s = (const snx_synapses *)o;
    return &s->pre->root->obj == other || &s->post->root->obj == other;
}

static void destroy(sim_object *o) { sim_synapses_destroy((snx_synapses *)o); }

const sim_kind sim_synapses_kind = {
    .noun = "synapses",
    .what = "a synapses object",
    .step = { [SIM_PHASE_SUM] = sum, [SIM_PHASE_UPDATE] = integrate,
              [SIM_PHASE_PROPAGATE] = propagate, [SIM_PHASE_PROPAGATE_POST] = propagate_post },
    .prepare = prepare,
    .idle = idle,
    .refers_to = refers_to,
    .structural = true,
    .save = sim_synapses_save,
    .check_saved = sim_synapses_check_saved,
    .restore = sim_synapses_restore,
    .destroy = destroy,
};
