/* State monitors: chosen variables (or subexpressions) of chosen neurons, every k-th
 * step. Variables are copied straight from the arrays; a subexpression, or a value the
 * engine keeps (lastspike, not_refractory), is computed by a small program
 * "_out = name" run over the recorded neurons, whose result array is the sample's row. */
#include "internal.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "snex/error.h"
#include "snex/util.h"

/* Splits "V, I_syn_e" into names. */
static int split_names(const char *text, char ***names, int *n)
{
    int count = 0, rc = 0;
    size_t cap = 0;
    char **out = NULL;
    for (const char *p = text; *p && !rc;) {
        while (*p && (isspace((unsigned char)*p) || *p == ','))
            p++;
        const char *q = p;
        while (*q && *q != ',' && !isspace((unsigned char)*q))
            q++;
        if (q == p)
            break;
        if (snx_grow(&out, &cap, (size_t)count + 1, sizeof *out) ||
            !(out[count] = snx_strndup(p, (size_t)(q - p))))
            rc = SNX_ENOMEM;
        else
            count++;
        p = q;
    }
    *names = out;
    *n = count;
    return rc;
}

/* A program computing subexpression `name` of g at the recorded neurons into _out. */
static int subexpr_program(snx_monitor *m, const char *name, sim_program **out)
{
    const snx_group *g = m->src;
    sim_scope sc;
    int rc = sim_group_scope(g, &sc, 0, 0);
    if (rc)
        return rc;
    int out_id = g->root->n_arrays; /* after the group's arrays */
    rc = sim_scope_add(&sc, "_out", (sim_sym){ .kind = SIM_SYM_ARRAY, .slot = out_id,
                                                .access = SIM_DIRECT, .writable = 1,
                                                .dim = m->var_dims[m->n_vars] });
    rc = rc ? rc : sim_compile_assignment(&sc, "_out", name, "monitored variable", out);
    sim_scope_clear(&sc);
    return rc;
}

static int add_var(snx_monitor *m, char *name)
{
    const sim_model *model = &m->src->root->model;
    int eq = sim_model_find(model, name);
    int k = m->n_vars;
    m->var_names[k] = name;
    bool engine = eq < 0 && sim_group_engine_var(m->src, name, &m->var_dims[k]);
    if (eq < 0 && !engine) {
        snx_buf all = { 0 };
        for (int e = 0; e < model->n_eqs; e++)
            snx_buf_printf(&all, "%s%s", e ? ", " : "", model->eqs[e].name);
        snx_error(SNX_ENOTFOUND, "state monitor \"%s\": %s has no variable or subexpression "
                                 "\"%s\" (it has: %s)", m->obj.name, m->src->obj.name, name,
                  all.data ? all.data : "nothing");
        snx_buf_free(&all);
        m->n_vars++; /* so that the name is freed */
        return SNX_ENOTFOUND;
    }
    if (!engine)
        m->var_dims[k] = model->eqs[eq].dim;
    /* Shared variables through the program too, which broadcasts their one value. */
    m->var_array[k] = engine || (model->eqs[eq].flags & SIM_EQ_SHARED)
                          ? -1 : sim_model_var(model, name);
    int rc = m->var_array[k] < 0 ? subexpr_program(m, name, &m->var_prog[k]) : 0;
    m->n_vars++;
    return rc;
}

static int setup_vars(snx_monitor *m, const char *vars)
{
    char **names;
    int n, rc = split_names(vars ? vars : "", &names, &n);
    if (!rc && n == 0)
        rc = snx_error(SNX_EINVAL, "state monitor \"%s\": no variables given", m->obj.name);
    size_t sz = (size_t)(n ? n : 1);
    if (!rc) {
        m->var_names = snx_calloc(sz, sizeof *m->var_names);
        m->var_dims = snx_calloc(sz, sizeof *m->var_dims);
        m->var_array = snx_calloc(sz, sizeof *m->var_array);
        m->var_prog = snx_calloc(sz, sizeof *m->var_prog);
        m->values = snx_calloc(sz, sizeof *m->values);
        m->table = snx_calloc((size_t)m->src->root->n_arrays + 1, sizeof *m->table);
        if (!m->var_names || !m->var_dims || !m->var_array || !m->var_prog || !m->values ||
            !m->table)
            rc = SNX_ENOMEM;
    }
    int k = 0;
    for (; !rc && k < n; k++)
        rc = add_var(m, names[k]);
    for (; k < n; k++) /* names not handed over */
        free(names[k]);
    free(names);
    return rc;
}

static int record_state(snx_monitor *m);

snx_monitor *snx_monitor_state(snx_net *net, const char *name, snx_group *g, const char *vars,
                               const snx_state_monitor_opts *opts)
{
    snx_state_monitor_opts o = opts ? *opts : (snx_state_monitor_opts){ 0 };
    snx_monitor *m = snx_calloc(1, sizeof *m);
    if (!m)
        return NULL;
    if (sim_monitor_register(net, m, name, SNX_MONITOR_STATE, record_state, g)) {
        sim_monitor_destroy(m);
        return NULL;
    }
    int rc = sim_monitor_set_neurons(m, o.neurons, o.n_neurons);
    double k = o.record_dt != 0 ? o.record_dt / net->dt : 1;
    if (!rc && (!(k >= 1 && k <= 1e15) || fabs(k - round(k)) > 1e-9 * k))
        rc = snx_error(SNX_EINVAL, "state monitor \"%s\": record_dt %g s is not a multiple of "
                                   "dt %g s (record_dt must be a positive multiple)",
                       name, o.record_dt, net->dt);
    m->every = rc ? 1 : (int64_t)llround(k);
    rc = rc ? rc : setup_vars(m, vars);
    if (rc) {
        snx_net_delete(net, name);
        return NULL;
    }
    return m;
}

static int record_state(snx_monitor *m)
{
    snx_net *net = m->obj.net;
    if (net->step % m->every)
        return 0;
    size_t s;
    int rc = sim_monitor_new_sample(m, &s);
    const snx_group *root = m->src->root;
    for (int v = 0; v < m->n_vars && !rc; v++) {
        double *row = m->values[v] + s * m->n_neurons;
        if (m->var_array[v] >= 0) {
            const double *a = root->arrays[m->var_array[v]];
            for (size_t r = 0; r < m->n_neurons; r++)
                row[r] = a[m->idx[r]];
            continue;
        }
        memcpy(m->table, root->arrays, (size_t)root->n_arrays * sizeof *m->table);
        m->table[root->n_arrays] = row;
        rc = sim_exec_indexed(net, m->var_prog[v], m->table, m->idx, NULL, NULL,
                              (int64_t)m->n_neurons);
    }
    return rc ? rc : sim_monitor_flush(m);
}
