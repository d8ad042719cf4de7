/* snex network framework: a spiking network written as plug-in components, run in
 * subruns inside a parameter sweep (pypet's NetworkComponent, NetworkAnalyser,
 * NetworkRunner and NetworkManager), and the two bridges between the engine and the
 * trajectory: parameters into equation namespaces, monitors into typed results.
 *
 *   snx_component parts[] = { { .name = "neurons", .add_parameters = ..., .build = ... },
 *                             { .name = "connections", .build = ... } };
 *   snx_component monitors = { .name = "monitors", .add_to_network = ..., .analyse = ... };
 *   snx_manager *m = snx_manager_new(&(snx_manager_opts){
 *       .components = parts, .n_components = 2, .analysers = &monitors, .n_analysers = 1 });
 *   snx_manager_add_parameters(m, traj);          // components, analysers, runner
 *   explore ...;
 *   snx_manager_pre_build(m, traj);               // optional: what no exploration changes
 *   snx_env_run(env, snx_manager_run_network, m); // one run per parameter combination
 *   snx_manager_free(m);
 *
 * Hooks (every one optional; a missing hook does nothing, as in pypet) are called in
 * list order within a role, and roles in the order components → analysers → runner;
 * removal goes the other way round (runner → analysers → components, each list still
 * in its own order). Per run (snx_manager_run_network):
 *   build (unless pre-run, a new network is made first: seed = the run's seed);
 *   for each subrun, the eight steps: add_to_network (components, analysers, runner),
 *   snx_net_run(duration), analyse (analysers), remove_from_network (runner,
 *   analysers, components).
 * Subruns are the parameters under `parameters.simulation.durations` (a time
 * quantity each; `simulation.pre_durations` for a pre-run), executed in increasing
 * order of their `order` annotation (any numbers; only the ranking counts). Hooks see
 * the subrun about to run (or just run) and the list of those still to come, which
 * they may change: an analyser can cancel the rest of a run or add another subrun.
 *
 * Pre-built and pre-run state reaches every run unchanged: the Environment runs each
 * run in a fresh copy of the parent process. In single-process mode, hand
 * snx_manager_restore to the Environment (snx_env_opts.restore): it puts the network
 * and the shared map back to their state after pre-build/pre-run before every run. A
 * pre-built network reused by a second run without that is refused (SNX_ESTATE).
 *
 * Errors: hooks return 0 or a negative SNX_E code with snx_errmsg() set; the manager
 * stops at the first failing hook and fails the run with a message naming the hook,
 * the component and the subrun. */
#ifndef SNEX_NETWORK_H
#define SNEX_NETWORK_H

#include "snex/api.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snex/map.h"
#include "snex/sim.h"
#include "snex/traj.h"
#include "snex/value.h"

/* ---- subruns ----------------------------------------------------------------- */

/* One subrun: a name, how long it lasts (seconds of simulated time), and its order. */
typedef struct snx_subrun {
    const char *name;     /* the duration parameter's name ("measurement_run") */
    double duration;      /* seconds */
    double order;         /* its `order` annotation */
    snx_node *param;      /* the duration parameter, or NULL for a subrun added by code */
} snx_subrun;

/* The subruns still to come in a run, next first. Owned by the runner. */
typedef struct snx_subruns snx_subruns;

/* How many subruns are still to come (0 for NULL). */
SNX_API size_t snx_subruns_count(const snx_subruns *list);
/* The k-th upcoming subrun (0 = the next), or NULL when k is out of range. */
SNX_API const snx_subrun *snx_subruns_at(const snx_subruns *list, size_t k);
/* Inserts a subrun at position k (k = count appends); name is copied. SNX_EINVAL
 * for a duration that is negative or not finite, or k > count. */
SNX_API int snx_subruns_insert(snx_subruns *list, size_t k, const char *name, double duration,
                       double order);
/* Removes the k-th upcoming subrun (SNX_EINVAL when out of range). */
SNX_API int snx_subruns_remove(snx_subruns *list, size_t k);
/* Cancels every upcoming subrun: the run ends after the current one. */
SNX_API void snx_subruns_clear(snx_subruns *list);

/* The subruns under a group of duration parameters (e.g. "simulation.durations"),
 * sorted by their `order` annotation. Every leaf below the group must be a time
 * quantity with a numeric `order`. Errors: SNX_ENOTFOUND when the group does not
 * exist or holds no subrun; SNX_EINVAL for a missing or non-numeric order, two equal
 * orders, or a duration that is not a time. NULL on error. */
SNX_API snx_subruns *snx_subruns_from_traj(snx_traj *traj, const char *group);
SNX_API void snx_subruns_free(snx_subruns *list);

/* ---- components ------------------------------------------------------------- */

typedef struct snx_component snx_component;

/* What every subrun hook sees. */
typedef struct snx_subrun_ctx {
    snx_traj *traj;
    snx_net *net;
    snx_map *shared;              /* pypet's network_dict: name → object */
    const snx_subrun *current;    /* the subrun about to run, or just run */
    snx_subruns *upcoming;        /* those still to come; hooks may change it */
    bool pre_run;                 /* inside snx_manager_pre_run */
} snx_subrun_ctx;

/* A component, analyser or runner: hooks and the component's own data. A hook left
 * NULL does nothing. `shared` is the map components use to hand groups, synapses and
 * monitors to each other (values are not owned by the map). */
struct snx_component {
    const char *name;  /* for messages ("neurons") */
    void *self;        /* the component's own data, for the hooks */
    /* Adds the component's parameters (before exploration). */
    int (*add_parameters)(snx_component *c, snx_traj *traj);
    /* Builds what can be built once, before the runs (snx_manager_pre_build). */
    int (*pre_build)(snx_component *c, snx_traj *traj, snx_net *net, snx_map *shared);
    /* Builds the component's part of the network at the start of every run. */
    int (*build)(snx_component *c, snx_traj *traj, snx_net *net, snx_map *shared);
    /* Before and after every subrun. */
    int (*add_to_network)(snx_component *c, const snx_subrun_ctx *ctx);
    int (*remove_from_network)(snx_component *c, const snx_subrun_ctx *ctx);
    /* Analysers (and only they): after every subrun, before removal. */
    int (*analyse)(snx_component *c, const snx_subrun_ctx *ctx);
};

/* ---- the manager ------------------------------------------------------------ */

typedef struct snx_manager snx_manager;

typedef struct snx_manager_opts {
    const snx_component *components; /* built and added in this order (copied) */
    size_t n_components;
    const snx_component *analysers;  /* after the components, in this order (copied) */
    size_t n_analysers;
    const snx_component *runner;     /* the runner's own hooks (may be NULL): typically
                                        only add_parameters, adding the durations */
    const char *durations;           /* NULL: "simulation.durations" */
    const char *pre_durations;       /* NULL: "simulation.pre_durations" */
    double dt;                       /* time step of the networks made; 0: 0.1 ms */
    uint64_t seed;                   /* seed of a pre-built network (its random
                                        initial values); a network made in a run is
                                        seeded with the run's seed, and so are the
                                        random streams of a pre-built one when the
                                        run begins (connectivity drawn in build) */
    snx_progress_fn report;          /* progress of each subrun (snx_net_opts.report) */
    void *report_ctx;
    double report_period;            /* wall seconds between reports; 0: 10 s */
    int32_t parallel_min;            /* snx_net_opts.parallel_min */
} snx_manager_opts;

/* NULL on error (a component without a name, an analyse hook on a component or the
 * runner: SNX_EINVAL). */
SNX_API snx_manager *snx_manager_new(const snx_manager_opts *opts);
/* Frees the manager and its network (with the groups, synapses and monitors in it). */
SNX_API void snx_manager_free(snx_manager *m);

/* Calls add_parameters of every component, analyser and the runner. */
SNX_API int snx_manager_add_parameters(snx_manager *m, snx_traj *traj);
/* Makes the network (seeded with opts.seed) and calls pre_build of everyone. Once
 * only (SNX_ESTATE the second time). */
SNX_API int snx_manager_pre_build(snx_manager *m, snx_traj *traj);
/* pre_build (if not done), then the subruns under pre_durations with the eight
 * steps: every run continues from the state this leaves. */
SNX_API int snx_manager_pre_run(snx_manager *m, snx_traj *traj);
/* The run function to hand to snx_env_run / snx_env_run_one (user_data: the
 * manager): build, then the subruns under durations. Stores nothing by itself:
 * analysers add results (see snx_traj_add_monitor). */
SNX_API int snx_manager_run_network(snx_traj *traj, void *manager, snx_value *result);
/* For snx_env_opts.restore in single-process mode (restore_data: the manager): puts
 * the network back to its state after pre-build/pre-run (objects made by runs are
 * deleted, entries they put into the shared map are removed). */
SNX_API int snx_manager_restore(void *manager);

/* The network (NULL before pre-build or a run) and the shared map. */
SNX_API snx_net *snx_manager_net(const snx_manager *m);
SNX_API snx_map *snx_manager_shared(const snx_manager *m);

/* Whether any explored parameter lies below the trajectory group (or is it): a
 * component builds in pre_build only what no exploration changes. false when the
 * group does not exist. */
SNX_API bool snx_traj_explores(snx_traj *traj, const char *group);

/* ---- parameters into equations ---------------------------------------------- */

/* Puts every parameter below the trajectory group `group` (e.g. "model",
 * "parameters.connections", "dpar.crun.connections"; looked up like any name) into
 * ns under its short name: quantities in SI with their dimension, ints, doubles and
 * bools as dimensionless numbers. Explored parameters give the current run's value.
 * Strings and arrays are skipped (they are not constants); two parameters with the
 * same short name are an SNX_ENOTUNIQUE error naming both; a name that is not an
 * identifier is SNX_EINVAL; a group that is a leaf, SNX_ETYPE. Links are not
 * followed, and below run_XXXXXXXX groups only the current run's (run_ALL outside a
 * run) is searched. Nothing is added or locked unless every name is fine; reading
 * locks the parameters, as any read does.
 * Returns the number of constants added, or a negative error. */
SNX_API long snx_namespace_add_params(snx_namespace *ns, snx_traj *traj, const char *group);

/* ---- monitors into results -------------------------------------------------- */

/* Adds the monitor's data as result `name` (below the current run inside a run, as
 * snx_traj_add_result does) in the layout docs/FORMAT.md gives (a streaming monitor
 * must be added under the name it streams to: SNX_EINVAL otherwise):
 *   spike monitor: i (int array), t (double array, s), count (per recorded neuron),
 *                  nspikes, source (group name), record (recorded neurons)
 *   state monitor: t, one 2-d array [recorded neuron × sample] per variable with its
 *                  unit, record, source, vars (comma-separated names)
 *   rate monitor:  t, rate (Hz), source
 *   count monitor: count, nspikes, record, source
 * and the item monitor_type ("spikes", "state", "rate", "counts"). Returns the result
 * node or NULL (SNX_ENOMEM, SNX_EEXIST, ...). */
SNX_API snx_node *snx_traj_add_monitor(snx_traj *traj, const char *name, const snx_monitor *mon,
                               const char *comment);

/* How a monitor streams (zero = defaults). */
typedef struct snx_stream_opts {
    size_t max_bytes; /* recordings the run holds at most, per monitor; 0: 4 MiB */
} snx_stream_opts;

/* Streams a spike or state monitor into result `name` of the current run, so that a
 * run recording more than memory holds keeps a bounded buffer: inside a run of the
 * Environment with HDF5 storage (snx_traj_streams), blocks of the recording go to
 * the writer while the network runs, and the writer appends them to the result's
 * datasets. Call it before the network runs (a component's build or add_to_network
 * hook), and snx_traj_add_monitor(traj, name, mon, ...) after the last subrun as
 * usual: the stored result is then exactly what it would be without streaming (same
 * items, types, units, shapes and values; docs/FORMAT.md). Where the trajectory does
 * not stream (no Environment, single-process mode, no storage) the monitor keeps
 * everything, and the result is the same. A run that fails stores none of it.
 * Returns 0; SNX_EINVAL for a rate or count monitor or NULL arguments. A bad name
 * fails the run when the first block is streamed (SNX_ENAME). */
SNX_API int snx_traj_stream_monitor(snx_traj *traj, const char *name, snx_monitor *mon,
                            const snx_stream_opts *opts);

/* ---- spike trains ----------------------------------------------------------- */

/* Spike counts in windows, for many neurons in one pass over the spikes: for every
 * neuron k in [0, n_neurons) and window b in [0, n_bins),
 *   counts[k * n_bins + b] = #{ spikes of neuron k with start + b*w <= t < start + (b+1)*w }
 * (half-open windows whose bounds are computed, not accumulated). Spikes of other
 * neurons or outside the windows are ignored. i and t: n spikes (int64 neuron
 * indices, seconds), in any order. SNX_EINVAL for w <= 0 or non-finite bounds. */
SNX_API int snx_spike_counts(const int64_t *i, const double *t, size_t n, double start, double w,
                     size_t n_bins, size_t n_neurons, int64_t *counts);
/* The number of whole windows of length w in [start, end): exactly pypet's
 * floor((end - start) / w) in double (a partial last window is dropped); 0 for
 * w <= 0, end <= start or non-finite input. */
SNX_API size_t snx_spike_n_windows(double start, double end, double w);
/* The Fano factor of n counts: population variance / mean (0 when the mean is 0;
 * NaN for n = 0, as numpy's mean of nothing). */
SNX_API double snx_fano_factor(const int64_t *counts, size_t n);

#endif
