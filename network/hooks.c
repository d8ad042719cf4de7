/* Calling the components' hooks: each hook kind visits the roles in pypet's order
 * (components, analysers, runner; removal the other way round), each role's list in
 * its own order, and a failure is reported with where it happened. */
#include <stdio.h>

#include "network_internal.h"
#include "snex/error.h"

static const char *const HOOK_NAMES[] = {
    [NET_PRE_BUILD] = "pre_build",
    [NET_BUILD] = "build",
    [NET_ADD_TO_NETWORK] = "add_to_network",
    [NET_ANALYSE] = "analyse",
    [NET_REMOVE_FROM_NETWORK] = "remove_from_network",
};

/* One role's components: a list, and what messages call them. */
typedef struct role {
    snx_component *list;
    size_t n;
    const char *what;
} role;

static int call_one(snx_component *c, net_hook hook, snx_traj *traj, snx_manager *m,
                    const snx_subrun_ctx *ctx)
{
    switch (hook) {
    case NET_PRE_BUILD: return c->pre_build ? c->pre_build(c, traj, m->net, m->shared) : 0;
    case NET_BUILD: return c->build ? c->build(c, traj, m->net, m->shared) : 0;
    case NET_ADD_TO_NETWORK: return c->add_to_network ? c->add_to_network(c, ctx) : 0;
    case NET_ANALYSE: return c->analyse ? c->analyse(c, ctx) : 0;
    case NET_REMOVE_FROM_NETWORK:
        return c->remove_from_network ? c->remove_from_network(c, ctx) : 0;
    }
    return 0;
}

/* Prefixes the hook's own message with where it failed. */
static int failed(int rc, net_hook hook, const char *what, const snx_component *c,
                  const snx_subrun_ctx *ctx)
{
    if (!snx_errcode())
        snx_error(rc, "returned %d without a message", rc);
    if (rc > 0) /* hooks return negative SNX_E codes; a positive value is a slip */
        rc = SNX_EINVAL;
    char during[256] = "";
    if (ctx && ctx->current)
        snprintf(during, sizeof during, " %s subrun \"%s\"",
                 hook == NET_ADD_TO_NETWORK ? "before" : "after", ctx->current->name);
    snx_error_context("network: %s \"%s\": %s failed%s", what, c->name, HOOK_NAMES[hook],
                      during);
    return rc;
}

static int call_role(const role *r, net_hook hook, snx_traj *traj, snx_manager *m,
                     const snx_subrun_ctx *ctx)
{
    for (size_t k = 0; k < r->n; k++) {
        snx_error_clear();
        int rc = call_one(&r->list[k], hook, traj, m, ctx);
        if (rc)
            return failed(rc, hook, r->what, &r->list[k], ctx);
    }
    return 0;
}

int net_call_all(snx_manager *m, net_hook hook, snx_traj *traj, const snx_subrun_ctx *ctx)
{
    const role roles[3] = {
        { m->components, m->n_components, "component" },
        { m->analysers, m->n_analysers, "analyser" },
        { &m->runner, 1, "runner" },
    };
    if (hook == NET_ANALYSE)
        return call_role(&roles[1], hook, traj, m, ctx);
    int rc = 0;
    if (hook == NET_REMOVE_FROM_NETWORK)
        for (int k = 2; k >= 0 && !rc; k--)
            rc = call_role(&roles[k], hook, traj, m, ctx);
    else
        for (int k = 0; k < 3 && !rc; k++)
            rc = call_role(&roles[k], hook, traj, m, ctx);
    return rc;
}
