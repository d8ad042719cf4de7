/* Neuron groups: creation, views (subgroups), initialisation and access to state.
 * State is structure-of-arrays: one double array per variable. A view is a small
 * object pointing into its root group's arrays; it owns no state. */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snex/error.h"
#include "snex/util.h"

static int alloc_state(snx_group *g, bool refractory, bool threshold)
{
    g->until_id = refractory ? g->model.n_vars : -1;
    g->lastspike_id = threshold ? g->model.n_vars + refractory : -1;
    g->n_arrays = g->model.n_vars + refractory + threshold;
    g->arrays = snx_calloc((size_t)g->n_arrays + 1, sizeof *g->arrays);
    if (!g->arrays)
        return SNX_ENOMEM;
    for (int k = 0; k < g->n_arrays; k++)
        if (!(g->arrays[k] = snx_calloc((size_t)sim_group_array_length(g, k), sizeof(double))))
            return SNX_ENOMEM;
    if (refractory) {
        g->until = g->arrays[g->until_id];
        for (int32_t k = 0; k < g->n; k++)
            g->until[k] = -INFINITY; /* never spiked: free to integrate */
    }
    if (threshold) {
        g->lastspike = g->arrays[g->lastspike_id];
        for (int32_t k = 0; k < g->n; k++)
            g->lastspike[k] = SIM_NEVER_SPIKED;
    }
    g->n_blocks = (int)((g->n + SIM_BLOCK - 1) / SIM_BLOCK);
    g->spikes = snx_malloc(((size_t)g->n_blocks * SIM_BLOCK) * sizeof *g->spikes);
    g->block_count = snx_calloc((size_t)g->n_blocks + 1, sizeof *g->block_count);
    g->rings = snx_calloc((size_t)g->model.n_vars + 1, sizeof *g->rings);
    g->dynamic = snx_calloc((size_t)g->model.n_vars + 1, sizeof *g->dynamic);
    return g->spikes && g->block_count && g->rings && g->dynamic ? 0 : SNX_ENOMEM;
}

static bool is_shared(const snx_group *g, int var)
{
    return sim_model_var_eq(&g->root->model, var)->flags & SIM_EQ_SHARED;
}

int64_t sim_group_array_length(const snx_group *g, int k)
{
    return k < g->model.n_vars && is_shared(g, k) ? 1 : g->n;
}

/* What the non-finite check looks at: the variables of differential equations, and
 * with a C update (which may change any of them) every non-constant per-neuron
 * variable (the check scans whole blocks of neurons). */
static void find_dynamic(snx_group *g)
{
    for (int v = 0; v < g->model.n_vars; v++) {
        const sim_eq *eq = sim_model_var_eq(&g->model, v);
        if (eq->kind == SIM_EQ_DIFF ||
            (g->cfn && !(eq->flags & (SIM_EQ_CONSTANT | SIM_EQ_SHARED))))
            g->dynamic[g->n_dynamic++] = v;
    }
}

snx_group *snx_group_new(snx_net *net, const char *name, int32_t n, const char *eqs,
                         const snx_group_opts *opts)
{
    snx_group_opts o = opts ? *opts : (snx_group_opts){ 0 };
    if (n <= 0) {
        snx_error(SNX_EINVAL, "group \"%s\": size must be positive, not %d", name ? name : "", n);
        return NULL;
    }
    snx_group *g = snx_calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->root = g;
    g->n = n;
    g->mask_reg = -1;
    g->thr_var = -1;
    char what[160];
    snprintf(what, sizeof what, "group \"%s\"", name ? name : "");
    int rc = sim_method_parse(o.method, &g->method);
    if (!rc && !(g->what = snx_strdup(what)))
        rc = SNX_ENOMEM;
    if (!rc && !(g->ns = o.ns ? snx_namespace_copy(o.ns) : snx_namespace_new()))
        rc = SNX_ENOMEM;
    if (!rc)
        rc = sim_model_parse_neurons(&g->model, eqs, "equations");
    if (!rc)
        rc = sim_model_refuse(&g->model, SIM_EQ_EVENT_DRIVEN | SIM_EQ_CLOCK_DRIVEN | SIM_EQ_SUMMED,
                              "only synapse models have it");
    if (!rc)
        rc = sim_net_register(net, &g->obj, &sim_group_kind, name);
    if (rc) { /* not registered: free here */
        sim_error_owner(what);
        g->obj.net = NULL;
        sim_group_destroy(g);
        return NULL;
    }
    g->id = net->n_groups_made++;
    g->cfn = o.update;
    g->cctx = o.update_ctx;
    rc = alloc_state(g, o.refractory != NULL, o.threshold != NULL);
    if (!rc)
        find_dynamic(g);
    if (!rc)
        rc = sim_group_compile(g, &o);
    if (!rc)
        rc = sim_group_streams(g);
    if (rc) {
        snx_net_delete(net, name); /* frees g; keep the message of the failure */
        return NULL;
    }
    return g;
}

void sim_group_destroy(snx_group *g)
{
    if (!g)
        return;
    for (size_t v = 0; v < g->n_views; v++) {
        free(g->views[v]->obj.name);
        free(g->views[v]);
    }
    free(g->views);
    if (g->arrays)
        for (int k = 0; k < g->n_arrays; k++)
            free(g->arrays[k]);
    free(g->arrays);
    if (g->rings)
        for (int k = 0; k < g->model.n_vars; k++)
            sim_ring_free(g->rings[k]);
    free(g->rings);
    free(g->inputs);
    if (g->block_rng)
        for (int b = 0; b < g->n_blocks; b++)
            if (g->block_rng[b])
                gsl_rng_free(g->block_rng[b]);
    free(g->block_rng);
    sim_program_free(g->step_prog);
    sim_program_free(g->thr_prog);
    sim_program_free(g->reset_prog);
    sim_stmts_free(g->reset, g->n_reset);
    sim_src_free(g->thr_src);
    sim_src_free(g->reset_src);
    sim_src_free(g->ref_src);
    sim_src_free(g->notref_src);
    sim_model_free(&g->model);
    snx_namespace_free(g->ns);
    free(g->spikes);
    free(g->spike_idx);
    free(g->block_count);
    free(g->dynamic);
    free(g->what);
    free(g->obj.name);
    free(g);
}

snx_group *snx_group_slice(snx_group *g, int32_t start, int32_t stop)
{
    if (!g) {
        snx_error(SNX_EINVAL, "snx_group_slice: group is NULL");
        return NULL;
    }
    if (start < 0 || stop > g->n || start >= stop) {
        snx_error(SNX_EINVAL, "%s: slice [%d:%d] is not a non-empty part of [0:%d]",
                  g->obj.name, start, stop, g->n);
        return NULL;
    }
    snx_group *root = g->root;
    if (snx_grow(&root->views, &root->cap_views, root->n_views + 1, sizeof *root->views))
        return NULL;
    snx_group *v = snx_calloc(1, sizeof *v);
    char name[200];
    snprintf(name, sizeof name, "%s[%d:%d]", root->obj.name, g->start + start, g->start + stop);
    if (!v || !(v->obj.name = snx_strdup(name))) {
        free(v);
        return NULL;
    }
    v->obj.kind = &sim_group_kind;
    v->obj.net = root->obj.net;
    v->obj.active = true;
    v->root = root;
    v->start = g->start + start;
    v->n = stop - start;
    v->mask_reg = -1;
    v->thr_var = -1;
    root->views[root->n_views++] = v;
    return v;
}

int32_t snx_group_size(const snx_group *g) { return g ? g->n : 0; }
int32_t snx_group_offset(const snx_group *g) { return g ? g->start : 0; }
const char *snx_group_name(const snx_group *g) { return g ? g->obj.name : NULL; }
size_t snx_group_n_vars(const snx_group *g) { return g ? (size_t)g->root->model.n_vars : 0; }

const char *snx_group_method(const snx_group *g)
{
    if (!g) {
        snx_error(SNX_EINVAL, "snx_group_method: group is NULL");
        return NULL;
    }
    return sim_method_name(g->root->method);
}

const char *snx_group_var_name(const snx_group *g, size_t k)
{
    if (!g) {
        snx_error(SNX_EINVAL, "snx_group_var_name: group is NULL");
        return NULL;
    }
    if (k >= (size_t)g->root->model.n_vars) {
        snx_error(SNX_EINVAL, "snx_group_var_name: %s has %d variables, no variable %zu",
                  g->root->what, g->root->model.n_vars, k);
        return NULL;
    }
    return sim_model_var_eq(&g->root->model, (int)k)->name;
}

bool snx_group_is_refractory(const snx_group *g, int32_t i)
{
    const snx_group *r = g->root;
    if (!r->until || i < 0 || i >= g->n)
        return false;
    return (double)r->obj.net->step < r->until[g->start + i];
}

/* The variable's index, or an error listing the variables. */
static int find_var(const snx_group *g, const char *var)
{
    const sim_model *m = &g->root->model;
    int k = var ? sim_model_var(m, var) : -1;
    if (k >= 0)
        return k;
    snx_buf names = { 0 };
    for (int v = 0; v < m->n_vars; v++)
        snx_buf_printf(&names, "%s%s", v ? ", " : "", sim_model_var_eq(m, v)->name);
    snx_error(SNX_ENOTFOUND, "%s: no variable \"%s\" (variables: %s)", g->root->what,
              var ? var : "(null)", names.data ? names.data : "none");
    snx_buf_free(&names);
    return -1;
}

double *snx_group_var(snx_group *g, const char *var)
{
    if (!g) {
        snx_error(SNX_EINVAL, "snx_group_var: group is NULL");
        return NULL;
    }
    int k = find_var(g, var);
    if (k < 0)
        return NULL;
    return g->root->arrays[k] + (is_shared(g, k) ? 0 : g->start);
}

int snx_group_set(snx_group *g, const char *var, double value_si)
{
    double *a = snx_group_var(g, var);
    if (!a)
        return snx_errcode();
    int32_t n = is_shared(g, find_var(g, var)) ? 1 : g->n;
    for (int32_t k = 0; k < n; k++)
        a[k] = value_si;
    return 0;
}

int snx_group_set_array(snx_group *g, const char *var, const double *values, size_t n)
{
    double *a = snx_group_var(g, var);
    if (!a)
        return snx_errcode();
    if (is_shared(g, find_var(g, var)))
        return snx_error(SNX_EINVAL, "%s: \"%s\" is shared (one value for the whole group), "
                                     "so it takes no array of values; use snx_group_set",
                         g->obj.name, var);
    if (n != (size_t)g->n || !values)
        return snx_error(SNX_EINVAL, "%s: %zu values given for \"%s\", the group has %d",
                         g->obj.name, values ? n : 0, var, g->n);
    memcpy(a, values, n * sizeof *values);
    return 0;
}

int snx_group_init(snx_group *g, const char *var, const char *expr)
{
    int k = g ? find_var(g, var) : -1;
    if (k < 0)
        return g ? snx_errcode() : snx_error(SNX_EINVAL, "snx_group_init: group is NULL");
    sim_scope sc;
    sim_program *p = NULL;
    int rc = sim_group_scope(g, &sc, SIM_DIRECT, 0);
    if (rc)
        return rc;
    /* A shared variable: the statement runs once, over its one element. */
    bool shared = is_shared(g, k);
    sc.shared_code = shared;
    char label[200];
    snprintf(label, sizeof label, "initialisation of %s", var);
    rc = sim_compile_assignment(&sc, var, expr, label, &p);
    if (!rc)
        rc = sim_exec_direct(g->obj.net, p, g->root->arrays, shared ? 0 : g->start,
                             shared ? 1 : g->start + g->n);
    if (rc)
        sim_error_owner(g->root->what);
    sim_program_free(p);
    sim_scope_clear(&sc);
    return rc;
}

/* ---- the group kind -------------------------------------------------------------------- */

static int update(sim_object *o) { return sim_group_update((snx_group *)o); }
static int reset(sim_object *o) { return sim_group_reset((snx_group *)o); }
static void reseed(sim_object *o) { sim_group_reseed((snx_group *)o); }
static void destroy(sim_object *o) { sim_group_destroy((snx_group *)o); }

/* Only groups that fast-path synapses deliver into have rings (made in their prepare)
 * or direct inputs. */
static bool idle(const sim_object *o, int phase)
{
    const snx_group *g = (const snx_group *)o;
    if (phase != SIM_PHASE_DELIVER)
        return false;
    if (g->n_direct_inputs)
        return false;
    for (int v = 0; v < g->model.n_vars; v++)
        if (g->rings[v])
            return false;
    return true;
}

static int deliver(sim_object *o) { return sim_group_deliver((snx_group *)o); }

/* A removed group's spikes of its last step are not there for anyone to see. */
static void deactivate(sim_object *o) { sim_group_set_n_spikes((snx_group *)o, 0); }

const sim_kind sim_group_kind = {
    .noun = "group",
    .what = "a neuron group",
    .step = { [SIM_PHASE_UPDATE] = update, [SIM_PHASE_DELIVER] = deliver,
              [SIM_PHASE_RESET] = reset },
    .idle = idle,
    .deactivate = deactivate,
    .reseed = reseed,
    .structural = true,
    .save = sim_group_save,
    .restore = sim_group_restore,
    .destroy = destroy,
};
