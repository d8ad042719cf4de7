/* The bridge from trajectory parameters to engine namespaces: the numeric parameters
 * below a trajectory group become named constants that equations can use, with their
 * dimensions, so "tau_e" in an equation is the parameter model.tau_e (15 ms) and
 * dimension checks see a time.
 *
 * Two passes: the first collects the qualifying parameters and checks their names
 * (identifiers, unique short names) without locking anything; only when all are fine
 * does the second read (and so lock) them into the namespace. A bad name therefore
 * leaves the namespace and the parameters as they were. */
#include <stdbool.h>
#include <stdlib.h>

#include "snex/error.h"
#include "snex/map.h"
#include "snex/network.h"

/* State of the collecting pass: short name → parameter node. */
typedef struct {
    snx_map *by_name;
    snx_namespace *trial; /* names are tried here first: the engine refuses some (N, t) */
    int rc;
} net_collect;

/* Whether a parameter's value is a constant an equation can use. Arrays, strings and
 * complex numbers are not (the language has no such values). */
static bool net_is_constant(const snx_value *v)
{
    switch (v->type) {
    case SNX_T_BOOL:
    case SNX_T_INT:
    case SNX_T_DOUBLE:
    case SNX_T_QUANTITY: return true;
    default: return false;
    }
}

static int net_collect_leaf(snx_node *node, void *ctx)
{
    net_collect *c = ctx;
    if (snx_node_kind_of(node) != SNX_NODE_PARAMETER)
        return 0;
    /* Peek, not get: skipped parameters stay unlocked. An empty parameter goes on to
     * the reading pass, whose snx_par_get reports it. */
    const snx_value *v = snx_par_peek(node);
    if (v && !net_is_constant(v))
        return 0;
    const char *name = snx_node_name(node);
    const snx_node *other = snx_map_get(c->by_name, name);
    if (other)
        c->rc = snx_error(SNX_ENOTUNIQUE,
                          "parameters \"%s\" and \"%s\" have the same short name \"%s\"",
                          snx_node_full_name(other), snx_node_full_name(node), name);
    else if (!snx_namespace_valid_name(name))
        c->rc = snx_error(SNX_EINVAL,
                          "parameter \"%s\": its name \"%s\" is not an identifier (letters, "
                          "digits and '_', not starting with a digit)",
                          snx_node_full_name(node), name);
    else if (snx_namespace_set(c->trial, name, 0.0, SNX_DIMENSIONLESS))
        c->rc = snx_error_context("parameter \"%s\" cannot be an equation constant",
                                  snx_node_full_name(node));
    else
        c->rc = snx_map_put(c->by_name, name, node);
    return c->rc;
}

/* Adds one parameter's value in force (locking it): SI number and dimension. */
static int net_add_param(snx_namespace *ns, snx_node *par)
{
    const snx_value *v = snx_par_get(par);
    double si;
    if (!v || snx_value_as_double(v, &si))
        return snx_error_context("parameter \"%s\"", snx_node_full_name(par));
    return snx_namespace_set(ns, snx_node_name(par), si, snx_value_dim(v));
}

long snx_namespace_add_params(snx_namespace *ns, snx_traj *traj, const char *group)
{
    if (!ns || !traj || !group)
        return snx_error(SNX_EINVAL, "snx_namespace_add_params: NULL %s",
                         !ns ? "namespace" : !traj ? "trajectory" : "group name");
    snx_node *start = snx_traj_get(traj, group);
    if (!start)
        return snx_error_context("parameters for equations");
    if (snx_node_kind_of(start) != SNX_NODE_GROUP)
        return snx_error(SNX_ETYPE, "parameters for equations: \"%s\" is not a group",
                         snx_node_full_name(start));
    /* Derived parameters of other runs are not this run's constants: only the current
     * run's group (run_ALL outside a run) is entered. Links are not followed, so every
     * constant is named by the parameter itself. */
    long run = snx_traj_run_idx(traj);
    snx_run_filter runs = { &run, 1 };
    snx_iter_opts it = { .no_links = 1, .predicate = snx_pred_runs, .predicate_ctx = &runs };
    net_collect c = { snx_map_new(NULL), snx_namespace_new(), 0 };
    if (!c.by_name || !c.trial) {
        snx_map_free(c.by_name);
        snx_namespace_free(c.trial);
        return SNX_ENOMEM;
    }
    int rc = snx_node_iter(start, &it, net_collect_leaf, &c);
    const char *name;
    void *par;
    for (size_t k = 0; !rc && snx_map_next(c.by_name, &k, &name, &par);)
        rc = net_add_param(ns, par);
    long n = (long)snx_map_count(c.by_name);
    snx_map_free(c.by_name);
    snx_namespace_free(c.trial);
    return rc ? rc : n;
}
