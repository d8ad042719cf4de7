/* The clustered network's analysers: CNMonitorAnalysis records the measurement
 * subrun (all E spikes; V, I_syn_e and I_syn_i of a few E neurons) and stores the
 * monitors as results; CNFanoFactorComputer reads the stored spikes back from the
 * trajectory, as pypet's does, and adds the mean Fano factor of E neurons and their
 * mean rate in the measurement window. Both act after the last subrun only. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "clusternet.h"

#define MEASUREMENT_ORDER 1 /* the runner's measurement subrun (pypet keys on it too) */

static const char *const TRACED[3] = { "V", "I_syn_e", "I_syn_i" };
static const char *const TRACE_COMMENTS[3] = {
    "Membrane voltage of four neurons from 2 clusters",
    "I_syn_e of four neurons from 2 clusters",
    "I_syn_i of four neurons from 2 clusters",
};

/* ---- monitors ------------------------------------------------------------------- */

static int monitors_add_parameters(snx_component *c, snx_traj *traj)
{
    (void)c;
    /* Four neurons from two clusters (0-79 and 80-159), those the network has. */
    int64_t n_e = snx_traj_int(traj, "N_e"), wanted[4] = { 0, 1, 100, 101 }, records[4];
    size_t n = 0;
    for (size_t k = 0; k < 4; k++)
        if (wanted[k] < n_e)
            records[n++] = wanted[k];
    if (snx_traj_status(traj) ||
        !snx_traj_add_parameter(traj, "analysis.neuron_records", snx_int_array(n, records),
                                "Neuron indices to record from.") ||
        !snx_traj_add_parameter(traj, "analysis.plot_folder", snx_str("plots"), "Folder for plots") ||
        !snx_traj_add_parameter(traj, "analysis.make_plots", snx_bool(0), "Whether to make plots."))
        return snx_errcode();
    return 0;
}

static int monitors_add_to_network(snx_component *c, const snx_subrun_ctx *ctx)
{
    (void)c;
    if (ctx->current->order != MEASUREMENT_ORDER)
        return 0;
    snx_group *e = snx_map_get(ctx->shared, "neurons_e");
    const snx_value *records = snx_traj_value(ctx->traj, "neuron_records");
    if (!e || !records)
        return e ? snx_errcode() : snx_error(SNX_ESTATE, "no neurons_e to record from");
    size_t n;
    const int64_t *records_idx = snx_value_ints(records, &n);
    if (!records_idx)
        return snx_error_context("neuron_records");
    int32_t idx[4];
    for (size_t k = 0; k < n && k < 4; k++)
        idx[k] = (int32_t)records_idx[k];
    snx_monitor *spikes = snx_monitor_spikes(ctx->net, "spikes_e", e, NULL, 0);
    if (!spikes || snx_map_put(ctx->shared, "spikes_e", spikes))
        return snx_errcode();
    for (int k = 0; k < 3; k++) {
        char name[32];
        snprintf(name, sizeof name, "%s_monitor", TRACED[k]);
        snx_monitor *m = snx_monitor_state(ctx->net, name, e, TRACED[k],
                                           &(snx_state_monitor_opts){
                                               .neurons = idx, .n_neurons = n < 4 ? n : 4 });
        if (!m || snx_map_put(ctx->shared, name, m))
            return snx_errcode();
    }
    return 0;
}

static int monitors_analyse(snx_component *c, const snx_subrun_ctx *ctx)
{
    (void)c;
    if (snx_subruns_count(ctx->upcoming) > 0)
        return 0;
    snx_monitor *spikes = snx_map_get(ctx->shared, "spikes_e");
    if (!spikes)
        return 0; /* no measurement subrun ran: nothing was recorded */
    if (!snx_traj_add_monitor(ctx->traj, "monitors.spikes_e", spikes,
                              "The spiketimes of the excitatory population"))
        return snx_errcode();
    for (int k = 0; k < 3; k++) {
        char name[32], result[48];
        snprintf(name, sizeof name, "%s_monitor", TRACED[k]);
        snprintf(result, sizeof result, "monitors.%s", TRACED[k]);
        if (!snx_traj_add_monitor(ctx->traj, result, snx_map_get(ctx->shared, name),
                                  TRACE_COMMENTS[k]))
            return snx_errcode();
    }
    bool plots = snx_traj_bool(ctx->traj, "make_plots");
    return snx_traj_status(ctx->traj) ? snx_traj_status(ctx->traj) : plots ? cn_plot_run(ctx) : 0;
}

snx_component cn_monitor_analysis(void)
{
    return (snx_component){ .name = "CNMonitorAnalysis", .add_parameters = monitors_add_parameters,
                            .add_to_network = monitors_add_to_network,
                            .analyse = monitors_analyse };
}

/* ---- Fano factor ------------------------------------------------------------------ */

int cn_mean_fano_factor(const int64_t *i, const double *t, size_t n, const int64_t *ids,
                        size_t n_ids, double w, double start, double end, double *out)
{
    if (!(end >= start + w))
        return snx_error(SNX_EINVAL, "Fano factor: the window (%g s) does not fit in [%g, %g) s",
                         w, start, end);
    int64_t max_id = -1;
    for (size_t k = 0; k < n_ids; k++) {
        if (ids[k] < 0)
            return snx_error(SNX_EINVAL, "Fano factor: negative neuron id %lld", (long long)ids[k]);
        max_id = ids[k] > max_id ? ids[k] : max_id;
    }
    size_t bins = snx_spike_n_windows(start, end, w), neurons = (size_t)(max_id + 1);
    int64_t *counts = calloc(neurons * bins + 1, sizeof *counts);
    if (!counts)
        return snx_error(SNX_ENOMEM, "Fano factor: out of memory");
    int rc = snx_spike_counts(i, t, n, start, w, bins, neurons, counts);
    double sum = 0;
    for (size_t k = 0; k < n_ids && !rc; k++)
        sum += snx_fano_factor(counts + (size_t)ids[k] * bins, bins);
    *out = n_ids ? sum / (double)n_ids : 0.0;
    free(counts);
    return rc;
}

/* The E rate in Hz over [start, end): spikes in the window / (N_e * duration). */
static double window_rate(const double *t, size_t n, size_t n_neurons, double start, double end)
{
    size_t inside = 0;
    for (size_t k = 0; k < n; k++)
        inside += t[k] >= start && t[k] < end;
    return n_neurons ? (double)inside / ((double)n_neurons * (end - start)) : 0.0;
}

static int fano_add_parameters(snx_component *c, snx_traj *traj)
{
    (void)c;
    int64_t n_e = snx_traj_int(traj, "N_e");
    size_t n = (size_t)(n_e < 500 ? n_e : 500);
    int64_t *ids = malloc((n + 1) * sizeof *ids);
    for (size_t k = 0; ids && k < n; k++)
        ids[k] = (int64_t)k;
    int rc = snx_traj_status(traj);
    if (!rc && (!ids ||
                !snx_traj_add_parameter(traj, "analysis.statistics.time_window", snx_double(0.1),
                                        "Time window for FF computation") ||
                !snx_traj_add_parameter(traj, "analysis.statistics.neuron_ids",
                                        snx_int_array(n, ids),
                                        "Neurons to be taken into account to compute FF")))
        rc = ids ? snx_errcode() : SNX_ENOMEM;
    free(ids);
    return rc;
}

static int fano_analyse(snx_component *c, const snx_subrun_ctx *ctx)
{
    (void)c;
    snx_traj *traj = ctx->traj;
    if (snx_subruns_count(ctx->upcoming) > 0)
        return 0;
    snx_node *spikes = snx_traj_get(traj, "monitors.spikes_e");
    const snx_value *i = spikes ? snx_result_get(spikes, "i") : NULL;
    const snx_value *t = spikes ? snx_result_get(spikes, "t") : NULL;
    const snx_value *ids = snx_traj_value(traj, "neuron_ids");
    double w = snx_traj_double(traj, "time_window");
    double start = snx_traj_double(traj, "initial_run");
    double end = start + snx_traj_double(traj, "measurement_run");
    int64_t n_e = snx_traj_int(traj, "N_e");
    size_t n_i, n_t, n_ids;
    const int64_t *i_data = i ? snx_value_ints(i, &n_i) : NULL;
    const double *t_data = t ? snx_value_doubles(t, &n_t) : NULL;
    const int64_t *ids_data = ids ? snx_value_ints(ids, &n_ids) : NULL;
    if (!i_data || !t_data || !ids_data || snx_traj_status(traj))
        return snx_error_context("CNFanoFactorComputer: reading the stored spikes");
    double ff, rate = window_rate(t_data, n_t, (size_t)n_e, start, end);
    int rc = cn_mean_fano_factor(i_data, t_data, n_i, ids_data, n_ids, w, start, end, &ff);
    if (rc)
        return rc;
    if (!snx_traj_add_result(traj, "statistics.mean_fano_factor", snx_double(ff),
                             "Average Fano Factor over all exc neurons") ||
        !snx_traj_add_result(traj, "statistics.rate_e", snx_quantity(rate, "Hz"),
                             "Mean rate of the excitatory neurons in the measurement subrun"))
        return snx_errcode();
    snx_log(SNX_LOG_INFO, "R_ee: %f, Mean FF: %f, E rate: %.2f Hz",
            snx_traj_double(traj, "R_ee"), ff, rate);
    return 0;
}

snx_component cn_fano_factor_computer(void)
{
    return (snx_component){ .name = "CNFanoFactorComputer", .add_parameters = fano_add_parameters,
                            .analyse = fano_analyse };
}
