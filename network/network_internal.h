/* What the files of network/ share: the manager's record, the calling of hooks in
 * role order, the subrun loop and the pristine state a run starts from. */
#ifndef SNEX_NETWORK_INTERNAL_H
#define SNEX_NETWORK_INTERNAL_H

#include <stdbool.h>

#include "snex/network.h"

/* The state of the network after pre-build/pre-run, for snx_manager_restore. */
typedef struct net_pristine net_pristine;

struct snx_manager {
    snx_component *components;
    size_t n_components;
    snx_component *analysers;
    size_t n_analysers;
    snx_component runner;
    char *durations, *pre_durations;
    snx_net_opts net_opts;   /* for every network made (seed set per network) */
    uint64_t seed;           /* of a pre-built network */
    snx_net *net;
    snx_map *shared;         /* network_dict; values not owned */
    bool pre_built, pre_run;
    net_pristine *pristine;  /* after pre-build/pre-run */
    size_t runs_since_restore; /* runs that used the pre-built network in this process */
};

/* The hooks, in the order the roles are called (see snex/network.h). */
typedef enum net_hook {
    NET_PRE_BUILD,
    NET_BUILD,
    NET_ADD_TO_NETWORK,
    NET_ANALYSE,
    NET_REMOVE_FROM_NETWORK,
} net_hook;

/* Calls `hook` of every component, analyser and the runner that has it, in the
 * hook's role order; stops at the first failure, whose message then names the hook,
 * the role, the component and the subrun (ctx->current, if any). */
int net_call_all(snx_manager *m, net_hook hook, snx_traj *traj, const snx_subrun_ctx *ctx);

/* The eight steps for every subrun of the list, until it is empty (runner.c). */
int net_run_subruns(snx_manager *m, snx_traj *traj, snx_subruns *list, bool pre_run);

/* Remembers the network's objects, their activity, its state and the shared map
 * (replacing what was remembered); puts them back (pristine.c). */
int net_pristine_save(snx_manager *m);
int net_pristine_restore(snx_manager *m);
void net_pristine_free(net_pristine *p);

/* The bridge from monitors to results (monitor_result.c), shared with streaming
 * (monitor_stream.c). */
/* A double array value with a unit (ERROR value when out of memory). */
snx_value net_double_array_unit(int ndim, const size_t *shape, const double *data,
                                const char *unit);
/* Neuron indices (int32 in the engine) as an int64 array value. */
snx_value net_index_array(const int32_t *idx, size_t n);
/* The SI unit of a dimension, in a form snx_unit_parse reads back. */
void net_dim_unit(snx_dim dim, char *buf, size_t size);
/* Rows of one sample each ([sample × neuron], the engine's) as rows of one neuron
 * each ([neuron × sample], the file's); malloc'ed, NULL when out of memory. */
double *net_traces(const double *rows, size_t n_samples, size_t n_neurons);
/* SNX_EINVAL when mon streams into a result not named `name` (its pieces would be
 * lost); 0 otherwise (monitor_stream.c). */
int net_check_stream_name(const snx_monitor *mon, const char *name);

#endif
