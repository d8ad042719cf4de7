/* What the tutorial's two programs share: lif (the experiment, which checks what it
 * stored) and plot_analysis (the tutorial's analysis script): the file, the stored
 * layout, and reading it back the way the tutorial's analysis does. Header-only on
 * purpose: plot_analysis is a one-file program (the Makefile builds every plot*.c
 * alone), and each program includes this once.
 *
 * The layout lif stores (hdf5/FiringRate.hdf5, trajectory FiringRate, or
 * FiringRatePipeline with --pipeline):
 *   parameters.neuron.{V_init, I, tau_V, tau_ref}, parameters.simulation.{duration, dt}
 *   results.neuron.run_XXXXXXXX   per run: the state monitor of V (items t and V, a
 *                                 1 x steps array) and nspikes
 *   results.summary.firing_rates  rates_frame (len(I) x len(tau_ref), Hz), and its
 *                                 row and column labels I and tau_ref */
#ifndef LIF_FIRING_RATES_H
#define LIF_FIRING_RATES_H

#include "snex.h"

#include <stdio.h>

#define LIF_FILE "hdf5/FiringRate.hdf5"
#define LIF_TRAJ "FiringRate"
#define LIF_TRAJ_PIPELINE "FiringRatePipeline"
#define LIF_SHOWN_RUN 13 /* the run the tutorial's analysis looks at */
#define LIF_FRAME "results.summary.firing_rates"

/* The rate frame: rate[r * n_ref + c] is the rate at current I[r] and refractory
 * period tau_ref[c] (SI); all arrays stay the trajectory's. */
typedef struct lif_frame {
    size_t n_I, n_ref;
    const double *I, *tau_ref, *rate;
} lif_frame;

/* One run's stored result: V's n samples at times t (s), and its spike count. */
typedef struct lif_trace {
    size_t n;
    const double *t, *V;
    int64_t nspikes;
} lif_trace;

/* As the tutorial's analysis loads: parameters with their data, results not at all;
 * auto-loading then fetches each result when it is looked up. NULL with a message on
 * stderr. */
static inline snx_traj *lif_load(const char *prog, const char *file, const char *name)
{
    snx_load_opts load = snx_load_defaults();
    load.name = name;
    load.parameters = SNX_LOAD_DATA;
    load.derived = SNX_LOAD_NOTHING;
    load.results = SNX_LOAD_NOTHING;
    snx_traj *traj = snx_hdf5_load(file, &load);
    if (!traj)
        fprintf(stderr, "%s: loading trajectory %s: %s\n", prog, name, snx_errmsg());
    else
        snx_traj_set_auto_load(traj, true);
    return traj;
}

/* An item of a result looked up by name (auto-loaded): a double array of `ndim`
 * dimensions, its extents in *shape (may be NULL). NULL with the error set. */
static inline const double *lif_array(snx_node *res, const char *item, int ndim,
                                      const size_t **shape)
{
    const snx_value *v = res ? snx_result_get(res, item) : NULL;
    int got = 0;
    const size_t *extents = v ? snx_value_shape(v, &got) : NULL;
    if (!v || v->type != SNX_T_DOUBLE_ARRAY || got != ndim) {
        if (v)
            snx_error(SNX_ETYPE, "%s.%s should be a %d-d double array", snx_node_full_name(res),
                      item, ndim);
        return NULL;
    }
    if (shape)
        *shape = extents;
    return snx_value_doubles(v, NULL);
}

/* The rate frame, auto-loaded; 0, or an error with the message set. */
static inline int lif_read_frame(snx_traj *traj, lif_frame *out)
{
    snx_node *res = snx_traj_get(traj, LIF_FRAME);
    const size_t *shape = NULL, *n_I = NULL, *n_ref = NULL;
    *out = (lif_frame){ .rate = lif_array(res, "rates_frame", 2, &shape),
                        .I = lif_array(res, "I", 1, &n_I),
                        .tau_ref = lif_array(res, "tau_ref", 1, &n_ref) };
    if (!out->rate || !out->I || !out->tau_ref)
        return snx_errcode() ? snx_errcode() : SNX_ENOTFOUND;
    out->n_I = shape[0];
    out->n_ref = shape[1];
    if (n_I[0] != out->n_I || n_ref[0] != out->n_ref)
        return snx_error(SNX_ETYPE, "rates_frame is %zu x %zu, but has %zu row and %zu "
                         "column labels", out->n_I, out->n_ref, n_I[0], n_ref[0]);
    return 0;
}

/* Run idx's trace, as the tutorial reads it: the trajectory set to run idx, so that
 * results.neuron.crun is results.neuron.run_<idx>; set back to its defaults after. */
static inline int lif_read_trace(snx_traj *traj, long idx, lif_trace *out)
{
    *out = (lif_trace){ 0 };
    int rc = snx_traj_set_run(traj, idx);
    if (rc)
        return rc;
    snx_node *res = snx_traj_get(traj, "results.neuron.crun");
    const size_t *shape = NULL, *n_t = NULL;
    out->V = lif_array(res, "V", 2, &shape);
    out->t = lif_array(res, "t", 1, &n_t);
    const snx_value *nspikes = res ? snx_result_get(res, "nspikes") : NULL;
    snx_traj_restore_default(traj);
    if (!out->V || !out->t || !nspikes)
        return snx_errcode() ? snx_errcode() : SNX_ENOTFOUND;
    if (shape[0] != 1 || shape[1] != n_t[0] || nspikes->type != SNX_T_INT)
        return snx_error(SNX_ETYPE, "run %ld: V should be 1 x len(t), nspikes an int", idx);
    out->n = n_t[0];
    out->nspikes = snx_value_int(nspikes);
    return 0;
}

#endif
