/* Spike monitors (neuron index and time of every spike, plus counts) and count
 * monitors (counts only). Spikes are read from the source group's spike list of the
 * step, which holds root positions in ascending order. */
#include "internal.h"

#include <stdlib.h>

#include "snex/error.h"
#include "snex/util.h"

static int record_spikes(snx_monitor *m);

static snx_monitor *spike_monitor(snx_net *net, const char *name, snx_group *g,
                                  snx_monitor_kind type, const int32_t *neurons, size_t n)
{
    snx_monitor *m = snx_calloc(1, sizeof *m);
    if (!m)
        return NULL;
    int rc = sim_monitor_register(net, m, name, type, record_spikes, g);
    if (rc) {
        sim_monitor_destroy(m);
        return NULL;
    }
    rc = sim_monitor_set_neurons(m, neurons, n);
    if (!rc && !(m->counts = snx_calloc(m->n_neurons + 1, sizeof *m->counts)))
        rc = SNX_ENOMEM;
    if (rc) {
        snx_net_delete(net, name);
        return NULL;
    }
    return m;
}

snx_monitor *snx_monitor_spikes(snx_net *net, const char *name, snx_group *g,
                                const int32_t *neurons, size_t n)
{
    return spike_monitor(net, name, g, SNX_MONITOR_SPIKES, neurons, n);
}

snx_monitor *snx_monitor_counts(snx_net *net, const char *name, snx_group *g)
{
    return spike_monitor(net, name, g, SNX_MONITOR_COUNTS, NULL, 0);
}

static int record_spikes(snx_monitor *m)
{
    const int32_t *sp;
    size_t n = sim_group_view_spikes(m->src, &sp);
    if (!n)
        return 0;
    double t = snx_net_t(m->obj.net);
    int32_t start = m->src->start;
    if (m->type == SNX_MONITOR_SPIKES) {
        size_t cap = m->cap_sp;
        if (snx_grow(&m->sp_i, &cap, m->n_sp + n, sizeof *m->sp_i))
            return SNX_ENOMEM;
        cap = m->cap_sp;
        if (snx_grow(&m->sp_t, &cap, m->n_sp + n, sizeof *m->sp_t))
            return SNX_ENOMEM;
        m->cap_sp = cap;
    }
    for (size_t k = 0; k < n; k++) {
        int32_t i = sp[k] - start, pos = m->all ? i : m->slot[i];
        if (pos < 0)
            continue;
        m->counts[pos]++;
        if (m->type == SNX_MONITOR_SPIKES) {
            m->sp_i[m->n_sp] = i;
            m->sp_t[m->n_sp++] = t;
        }
    }
    return sim_monitor_flush(m);
}
