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

#endif
