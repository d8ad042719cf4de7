/* Streaming monitors into results: the bridge that turns a monitor's blocks
 * (sim/monitor_stream.c) into pieces of the items snx_traj_add_monitor will add
 * (explore/stream.c sends them to the writer), so that the stored result is the one
 * a monitor that kept everything gives.
 *
 * Pieces are the file's form of each item: spike indices as int64, times with the
 * unit "s", traces transposed to [neuron × sample] -- the same conversions as
 * monitor_result.c, from the same helpers -- and grow along their last axis. The
 * items that do not grow (count, nspikes, record, source, ...) are added whole at the
 * end, from the monitor's totals. */
#include <stdlib.h>
#include <string.h>

#include "network_internal.h"
#include "snex/error.h"
#include "snex/util.h"

typedef struct net_stream {
    snx_traj *traj;
    char *name; /* of the result */
} net_stream;

static void net_stream_free(void *ctx)
{
    net_stream *ns = ctx;
    free(ns->name);
    free(ns);
}

static int net_stream_traces(const net_stream *ns, const snx_monitor *m,
                             const snx_monitor_block *b)
{
    size_t n_neurons;
    snx_monitor_neurons(m, &n_neurons);
    int rc = 0;
    for (size_t v = 0; !rc && v < snx_monitor_n_vars(m); v++) {
        double *traces = net_traces(b->values[v], b->n, n_neurons);
        if (!traces)
            return SNX_ENOMEM;
        char unit[64];
        net_dim_unit(snx_monitor_var_dim(m, v), unit, sizeof unit);
        size_t shape[2] = { n_neurons, b->n };
        rc = snx_traj_stream_item(ns->traj, ns->name, snx_monitor_var_name(m, v),
                                  net_double_array_unit(2, shape, traces, unit));
        free(traces);
    }
    return rc;
}

static int net_stream_sink(void *ctx, const snx_monitor *m, const snx_monitor_block *b)
{
    const net_stream *ns = ctx;
    int rc = 0;
    if (snx_monitor_kind_of(m) == SNX_MONITOR_SPIKES)
        rc = snx_traj_stream_item(ns->traj, ns->name, "i", net_index_array(b->i, b->n));
    if (!rc)
        rc = snx_traj_stream_item(ns->traj, ns->name, "t",
                                  net_double_array_unit(1, &b->n, b->t, "s"));
    if (!rc && snx_monitor_kind_of(m) == SNX_MONITOR_STATE)
        rc = net_stream_traces(ns, m, b);
    if (rc)
        snx_error_context("monitor \"%s\" streaming into \"%s\"", snx_monitor_name(m), ns->name);
    return rc;
}

int snx_traj_stream_monitor(snx_traj *traj, const char *name, snx_monitor *mon,
                            const snx_stream_opts *opts)
{
    if (!traj || !name || !mon)
        return snx_error(SNX_EINVAL, "snx_traj_stream_monitor: NULL %s",
                         !traj ? "trajectory" : !name ? "name" : "monitor");
    snx_monitor_kind kind = snx_monitor_kind_of(mon);
    if (kind != SNX_MONITOR_SPIKES && kind != SNX_MONITOR_STATE)
        return snx_error(SNX_EINVAL, "monitor \"%s\": only spike and state monitors stream",
                         snx_monitor_name(mon));
    if (!snx_traj_streams(traj))
        return 0; /* it keeps everything; snx_traj_add_monitor stores it whole */
    net_stream *ns = snx_calloc(1, sizeof *ns);
    if (!ns || !(ns->name = snx_strdup(name))) {
        free(ns);
        return SNX_ENOMEM;
    }
    ns->traj = traj;
    int rc = snx_monitor_stream(mon, opts ? opts->max_bytes : 0, net_stream_sink, ns,
                                net_stream_free);
    if (rc)
        net_stream_free(ns);
    return rc;
}

int net_check_stream_name(const snx_monitor *mon, const char *name)
{
    const net_stream *ns = snx_monitor_stream_ctx(mon, net_stream_sink);
    if (ns && (!name || strcmp(ns->name, name)))
        return snx_error(SNX_EINVAL, "monitor \"%s\" streams into result \"%s\": add it under "
                                     "that name, not \"%s\"", snx_monitor_name(mon), ns->name,
                         name ? name : "(null)");
    return 0;
}
