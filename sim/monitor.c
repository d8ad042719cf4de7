/* Monitors: what all kinds share (creation, the recorded neurons, accessors, clearing,
 * cutting back for snapshots). Recording itself is in monitor_spike.c,
 * monitor_state.c and monitor_rate.c. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#include "snex/error.h"
#include "snex/util.h"

int sim_monitor_register(snx_net *net, snx_monitor *m, const char *name, snx_monitor_kind type,
                         int (*record)(snx_monitor *m), snx_group *g)
{
    if (!g)
        return snx_error(SNX_EINVAL, "monitor \"%s\": no group given", name ? name : "");
    if (g->obj.net != net)
        return snx_error(SNX_EINVAL, "monitor \"%s\": group \"%s\" belongs to another network",
                         name ? name : "", g->obj.name);
    m->type = type;
    m->record = record;
    m->src = g;
    m->every = 1;
    return sim_net_register(net, &m->obj, &sim_monitor_kind, name);
}

int sim_monitor_new_sample(snx_monitor *m, size_t *index)
{
    if (m->n_samples == m->cap_samples) { /* times, values and rates grow together */
        size_t cap = m->cap_samples ? 2 * m->cap_samples : 64;
        double *t = snx_realloc(m->times, cap * sizeof *t);
        if (!t)
            return SNX_ENOMEM;
        m->times = t;
        for (int v = 0; v < m->n_vars; v++) {
            double *p = snx_realloc(m->values[v], cap * (m->n_neurons ? m->n_neurons : 1) *
                                                      sizeof *p);
            if (!p)
                return SNX_ENOMEM;
            m->values[v] = p;
        }
        if (m->type == SNX_MONITOR_RATE) {
            double *r = snx_realloc(m->rates, cap * sizeof *r);
            if (!r)
                return SNX_ENOMEM;
            m->rates = r;
        }
        m->cap_samples = cap;
    }
    *index = m->n_samples++;
    m->times[*index] = snx_net_t(m->obj.net);
    return 0;
}

void sim_monitor_destroy(snx_monitor *m)
{
    if (!m)
        return;
    for (int v = 0; v < m->n_vars; v++) {
        free(m->var_names[v]);
        free(m->values[v]);
        if (m->var_prog)
            sim_program_free(m->var_prog[v]);
    }
    free(m->var_names);
    free(m->var_dims);
    free(m->var_array);
    free(m->var_prog);
    free(m->table);
    free(m->values);
    free(m->neurons);
    free(m->slot);
    free(m->idx);
    free(m->counts);
    free(m->sp_i);
    free(m->sp_t);
    free(m->times);
    free(m->rates);
    sim_monitor_drop_sink(m);
    free(m->obj.name);
    free(m);
}

void sim_monitor_truncate(snx_monitor *m, size_t n_spikes, size_t n_samples,
                          const int64_t *counts)
{
    if (n_spikes < m->n_sp)
        m->n_sp = n_spikes;
    if (n_samples < m->n_samples)
        m->n_samples = n_samples;
    if (m->counts) {
        if (counts)
            memcpy(m->counts, counts, m->n_neurons * sizeof *m->counts);
        else
            memset(m->counts, 0, m->n_neurons * sizeof *m->counts);
    }
}

void snx_monitor_clear(snx_monitor *m)
{
    if (m)
        sim_monitor_truncate(m, 0, 0, NULL);
}

const char *snx_monitor_name(const snx_monitor *m) { return m ? m->obj.name : NULL; }
snx_group *snx_monitor_source(const snx_monitor *m) { return m->src; }

snx_monitor_kind snx_monitor_kind_of(const snx_monitor *m) { return m->type; }
size_t snx_monitor_n_spikes(const snx_monitor *m) { return m ? m->n_sp : 0; }
const int32_t *snx_monitor_spike_i(const snx_monitor *m) { return m ? m->sp_i : NULL; }
const double *snx_monitor_spike_t(const snx_monitor *m) { return m ? m->sp_t : NULL; }
size_t snx_monitor_n_samples(const snx_monitor *m) { return m ? m->n_samples : 0; }
const double *snx_monitor_times(const snx_monitor *m) { return m ? m->times : NULL; }
const double *snx_monitor_rates(const snx_monitor *m) { return m ? m->rates : NULL; }
size_t snx_monitor_n_vars(const snx_monitor *m) { return m ? (size_t)m->n_vars : 0; }

const int64_t *snx_monitor_counts_of(const snx_monitor *m, size_t *n)
{
    if (n)
        *n = m && m->counts ? m->n_neurons : 0;
    return m ? m->counts : NULL;
}

const int32_t *snx_monitor_neurons(const snx_monitor *m, size_t *n)
{
    if (n)
        *n = m ? m->n_neurons : 0;
    return m ? m->neurons : NULL;
}

const char *snx_monitor_var_name(const snx_monitor *m, size_t k)
{
    return m && k < (size_t)m->n_vars ? m->var_names[k] : NULL;
}

snx_dim snx_monitor_var_dim(const snx_monitor *m, size_t k)
{
    return m && k < (size_t)m->n_vars ? m->var_dims[k] : SNX_DIMENSIONLESS;
}

const double *snx_monitor_values(const snx_monitor *m, const char *var)
{
    for (int v = 0; m && var && v < m->n_vars; v++)
        if (!strcmp(m->var_names[v], var))
            return m->values[v];
    return NULL;
}

/* The recorded neurons: all of g, or the given ones (checked: in range, no repeats). */
int sim_monitor_set_neurons(snx_monitor *m, const int32_t *neurons, size_t n)
{
    const snx_group *g = m->src;
    m->all = neurons == NULL;
    m->n_neurons = m->all ? (size_t)g->n : n;
    m->neurons = snx_malloc((m->n_neurons ? m->n_neurons : 1) * sizeof *m->neurons);
    m->idx = snx_malloc((m->n_neurons ? m->n_neurons : 1) * sizeof *m->idx);
    m->slot = snx_malloc((size_t)g->n * sizeof *m->slot);
    if (!m->neurons || !m->idx || !m->slot)
        return SNX_ENOMEM;
    for (int32_t k = 0; k < g->n; k++)
        m->slot[k] = -1;
    for (size_t k = 0; k < m->n_neurons; k++) {
        int32_t i = m->all ? (int32_t)k : neurons[k];
        if (i < 0 || i >= g->n)
            return snx_error(SNX_EINVAL, "monitor \"%s\": neuron %d (position %zu) is not in "
                                         "%s (size %d)", m->obj.name, i, k, g->obj.name, g->n);
        if (m->slot[i] >= 0)
            return snx_error(SNX_EINVAL, "monitor \"%s\": neuron %d is listed twice",
                             m->obj.name, i);
        m->slot[i] = (int32_t)k;
        m->neurons[k] = i;
        m->idx[k] = (int64_t)g->start + i;
    }
    return 0;
}

/* ---- the monitor kind ---------------------------------------------------------------- */

static int record(sim_object *o)
{
    snx_monitor *m = (snx_monitor *)o;
    return m->record(m);
}

static bool refers_to(const sim_object *o, const sim_object *other)
{
    return &((const snx_monitor *)o)->src->root->obj == other;
}

static void destroy(sim_object *o) { sim_monitor_destroy((snx_monitor *)o); }

const sim_kind sim_monitor_kind = {
    .noun = "monitor",
    .what = "a monitor",
    .step = { [SIM_PHASE_RECORD] = record },
    .refers_to = refers_to,
    .save = sim_monitor_save,
    .restore = sim_monitor_restore,
    .destroy = destroy,
};
