/* The clustered E/I network of Litwin-Kumar & Doiron (Nature Neuroscience 2012) as
 * network components, after pypet's clusternet.py:
 *   model.c     CNNeuronGroup (pre-built when no model parameter is explored),
 *               CNConnections (built per run: R_ee is explored), CNNetworkRunner
 *   analysis.c  CNMonitorAnalysis (monitors in the measurement subrun, stored as
 *               results), CNFanoFactorComputer (mean Fano factor of E neurons)
 * clusternet.c is the runscript. */
#ifndef CLUSTERNET_H
#define CLUSTERNET_H

#include "snex.h"

/* Component state: whether pre_build already built the part. */
typedef struct cn_part {
    bool pre_built;
} cn_part;

/* The components, in the order the manager needs them. */
snx_component cn_neuron_group(cn_part *self);
snx_component cn_connections(cn_part *self);
snx_component cn_network_runner(void);
snx_component cn_monitor_analysis(void);
snx_component cn_fano_factor_computer(void);

/* With analysis.make_plots: the run's raster plot of the E spikes and the traces of V,
 * I_syn_e and I_syn_i as PNGs in <plot_folder>/<trajectory>/<run>/ (spike.png,
 * V.png, I_syn_e.png, I_syn_i.png), from the monitors in ctx->shared (figures.c,
 * PLplot). 0 or an error code. */
int cn_plot_run(const snx_subrun_ctx *ctx);

/* The mean Fano factor of neurons ids[0..n_ids) in windows of w seconds over
 * [start, end) (pypet's _compute_mean_fano_factor): a silent neuron counts 0, no
 * spikes at all give 0. i, t: the spikes (n of them). 0 or an error code. */
int cn_mean_fano_factor(const int64_t *i, const double *t, size_t n, const int64_t *ids,
                        size_t n_ids, double w, double start, double end, double *out);

#endif
