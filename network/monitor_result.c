/* The bridge from engine monitors to trajectory results: a monitor's recordings become
 * one multi-item result in the layout docs/FORMAT.md ("Monitor results") describes,
 * so that h5py users find `.../spikes_e/t` in seconds and `.../V/V` as
 * [neuron × sample].
 *
 * Items are built from the monitor's public accessors only; the engine's arrays are
 * copied (the result owns its data, the monitor keeps recording). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "network_internal.h"
#include "snex/error.h"
#include "snex/network.h"
#include "snex/util.h"

/* Items every kind has, or several kinds share: a state variable of one of these
 * names could not get an item of its own. */
static const char *const net_reserved_items[] = { "t", "record", "source", "vars",
                                                  "monitor_type" };

static const char *net_kind_name(snx_monitor_kind kind)
{
    switch (kind) {
    case SNX_MONITOR_COUNTS: return "counts";
    case SNX_MONITOR_STATE: return "state";
    case SNX_MONITOR_RATE: return "rate";
    default: return "spikes";
    }
}

/* A double array carrying a unit: the array value's `unit` field (data in SI, as
 * value.h says), set after construction because the constructors take none. */
snx_value net_double_array_unit(int ndim, const size_t *shape, const double *data,
                                       const char *unit)
{
    snx_value v = snx_double_array_nd(ndim, shape, data);
    if (v.type == SNX_T_DOUBLE_ARRAY && !(v.unit = snx_strdup(unit))) {
        snx_value_clear(&v);
        v.type = SNX_T_ERROR; /* snx_result_set reports the ENOMEM snx_strdup set */
    }
    return v;
}

/* Neuron indices (int32 in the engine) as an int64 array value. */
snx_value net_index_array(const int32_t *idx, size_t n)
{
    int64_t *wide = snx_malloc(n * sizeof *wide);
    if (!wide)
        return (snx_value){ .type = SNX_T_ERROR };
    for (size_t k = 0; k < n; k++)
        wide[k] = idx[k];
    snx_value v = snx_int_array(n, wide);
    free(wide);
    return v;
}

/* The SI unit of a dimension, written so that snx_unit_parse reads it back to the
 * same dimension: snx_dim_format's "m^2 kg s^-3" with '*' for the spaces. */
void net_dim_unit(snx_dim dim, char *buf, size_t size)
{
    snx_dim_format(dim, buf, size);
    for (char *p = buf; *p; p++)
        if (*p == ' ')
            *p = '*';
}

double *net_traces(const double *rows, size_t n_samples, size_t n_neurons)
{
    double *traces = snx_malloc(n_neurons * n_samples * sizeof *traces);
    for (size_t s = 0; traces && s < n_samples; s++)
        for (size_t k = 0; k < n_neurons; k++)
            traces[k * n_samples + s] = rows[s * n_neurons + k];
    return traces;
}

/* monitor_type and source: every kind. */
static int net_put_identity(snx_node *res, const snx_monitor *mon)
{
    int rc = snx_result_set(res, "monitor_type",
                            snx_str(net_kind_name(snx_monitor_kind_of(mon))));
    return rc ? rc : snx_result_set(res, "source",
                                    snx_str(snx_group_name(snx_monitor_source(mon))));
}

/* record: the recorded neurons (spike, count and state monitors). */
static int net_put_record(snx_node *res, const snx_monitor *mon)
{
    size_t n;
    const int32_t *rec = snx_monitor_neurons(mon, &n);
    return snx_result_set(res, "record", net_index_array(rec, n));
}

/* count (per recorded neuron) and nspikes (spike and count monitors). */
static int net_put_counts(snx_node *res, const snx_monitor *mon, int64_t nspikes)
{
    size_t n;
    const int64_t *count = snx_monitor_counts_of(mon, &n);
    int rc = snx_result_set(res, "count", snx_int_array(n, count));
    return rc ? rc : snx_result_set(res, "nspikes", snx_int(nspikes));
}

/* t: the sample times in seconds (state and rate monitors). */
static int net_put_sample_times(snx_node *res, const snx_monitor *mon)
{
    size_t n = snx_monitor_n_samples(mon);
    return snx_result_set(res, "t", net_double_array_unit(1, &n, snx_monitor_times(mon), "s"));
}

static int net_put_spikes(snx_node *res, const snx_monitor *mon)
{
    size_t n = snx_monitor_n_spikes(mon);
    int rc = snx_result_set(res, "i", net_index_array(snx_monitor_spike_i(mon), n));
    if (!rc)
        rc = snx_result_set(res, "t",
                            net_double_array_unit(1, &n, snx_monitor_spike_t(mon), "s"));
    if (!rc) /* a streaming monitor holds only what it has not handed out */
        rc = net_put_counts(res, mon, (int64_t)(n + snx_monitor_n_streamed(mon)));
    return rc ? rc : net_put_record(res, mon);
}

static int net_put_counts_only(snx_node *res, const snx_monitor *mon)
{
    size_t n;
    const int64_t *count = snx_monitor_counts_of(mon, &n);
    int64_t total = 0;
    for (size_t k = 0; k < n; k++)
        total += count[k];
    int rc = net_put_counts(res, mon, total);
    return rc ? rc : net_put_record(res, mon);
}

static int net_put_rate(snx_node *res, const snx_monitor *mon)
{
    size_t n = snx_monitor_n_samples(mon);
    int rc = net_put_sample_times(res, mon);
    return rc ? rc : snx_result_set(res, "rate",
                                    net_double_array_unit(1, &n, snx_monitor_rates(mon), "Hz"));
}

/* One variable's recording as [recorded neuron × sample]: the engine keeps a row per
 * sample, readers want a row (a trace) per neuron. */
static int net_put_trace(snx_node *res, const snx_monitor *mon, size_t var)
{
    const char *name = snx_monitor_var_name(mon, var);
    for (size_t k = 0; k < sizeof net_reserved_items / sizeof *net_reserved_items; k++)
        if (!strcmp(name, net_reserved_items[k]))
            return snx_error(SNX_ENAME, "state monitor \"%s\": variable \"%s\" has the name "
                                        "of another item of its result",
                             snx_monitor_name(mon), name);
    size_t n_neurons, n_samples = snx_monitor_n_samples(mon);
    snx_monitor_neurons(mon, &n_neurons);
    double *traces = net_traces(snx_monitor_values(mon, name), n_samples, n_neurons);
    if (!traces)
        return SNX_ENOMEM;
    char unit[64];
    net_dim_unit(snx_monitor_var_dim(mon, var), unit, sizeof unit);
    size_t shape[2] = { n_neurons, n_samples };
    int rc = snx_result_set(res, name, net_double_array_unit(2, shape, traces, unit));
    free(traces);
    return rc;
}

static int net_put_state(snx_node *res, const snx_monitor *mon)
{
    snx_buf vars = { 0 };
    int rc = net_put_sample_times(res, mon);
    for (size_t v = 0; !rc && v < snx_monitor_n_vars(mon); v++) {
        rc = net_put_trace(res, mon, v);
        if (!rc)
            rc = snx_buf_printf(&vars, "%s%s", v ? "," : "", snx_monitor_var_name(mon, v));
    }
    if (!rc)
        rc = snx_result_set(res, "vars", snx_str(vars.data ? vars.data : ""));
    snx_buf_free(&vars);
    return rc ? rc : net_put_record(res, mon);
}

static int net_put_items(snx_node *res, const snx_monitor *mon)
{
    int rc = net_put_identity(res, mon);
    if (rc)
        return rc;
    switch (snx_monitor_kind_of(mon)) {
    case SNX_MONITOR_COUNTS: return net_put_counts_only(res, mon);
    case SNX_MONITOR_STATE: return net_put_state(res, mon);
    case SNX_MONITOR_RATE: return net_put_rate(res, mon);
    default: return net_put_spikes(res, mon);
    }
}

snx_node *snx_traj_add_monitor(snx_traj *traj, const char *name, const snx_monitor *mon,
                               const char *comment)
{
    if (!traj || !mon) {
        snx_error(SNX_EINVAL, "snx_traj_add_monitor: NULL %s", !traj ? "trajectory" : "monitor");
        return NULL;
    }
    if (net_check_stream_name(mon, name))
        return NULL;
    snx_node *res = snx_traj_add_result(traj, name, snx_none(), comment);
    if (!res)
        return NULL;
    int rc = net_put_items(res, mon);
    if (!rc)
        return res;
    /* No half-filled result stays behind; the message of the failure survives the
     * removal. */
    char *msg = snx_strdup(snx_errmsg());
    snx_node_remove(res, SNX_REMOVE_NODE);
    snx_error(rc, "monitor \"%s\" into result \"%s\": %s", snx_monitor_name(mon), name,
              msg ? msg : "");
    free(msg);
    return NULL;
}
