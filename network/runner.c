/* The runner's subrun loop (pypet's NetworkRunner._execute_network_run): for every
 * subrun, next first, the eight steps
 *   1-3 add_to_network: components, analysers, runner
 *   4   simulate the subrun's duration
 *   5   analyse: analysers
 *   6-8 remove_from_network: runner, analysers, components
 * The subrun is taken off the list before step 1, so hooks see only the subruns
 * still to come and may cancel them or add more. */
#include <stdlib.h>

#include "network_internal.h"
#include "snex/env.h"
#include "snex/error.h"
#include "snex/util.h"

static int one_subrun(snx_manager *m, snx_traj *traj, snx_subruns *list,
                      const snx_subrun *current, size_t number, bool pre_run)
{
    snx_subrun_ctx ctx = { traj, m->net, m->shared, current, list, pre_run };
    int rc = net_call_all(m, NET_ADD_TO_NETWORK, traj, &ctx);
    if (!rc) {
        snx_log(SNX_LOG_INFO, "network: %ssubrun \"%s\" (#%zu) lasting %g s",
                pre_run ? "pre-run " : "", current->name, number, current->duration);
        rc = snx_net_run(m->net, current->duration);
        if (rc)
            snx_error_context("network: subrun \"%s\"", current->name);
    }
    if (!rc)
        rc = net_call_all(m, NET_ANALYSE, traj, &ctx);
    if (!rc)
        rc = net_call_all(m, NET_REMOVE_FROM_NETWORK, traj, &ctx);
    return rc;
}

int net_run_subruns(snx_manager *m, snx_traj *traj, snx_subruns *list, bool pre_run)
{
    int rc = 0;
    for (size_t number = 0; !rc && snx_subruns_count(list) > 0; number++) {
        /* The list owns its entries; keep this one alive while hooks change the list. */
        const snx_subrun *next = snx_subruns_at(list, 0);
        char *name = snx_strdup(next->name);
        if (!name)
            return SNX_ENOMEM;
        snx_subrun current = *next;
        current.name = name;
        snx_subruns_remove(list, 0);
        rc = one_subrun(m, traj, list, &current, number, pre_run);
        free(name);
    }
    return rc;
}
