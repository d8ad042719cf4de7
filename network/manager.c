/* The network manager (pypet's NetworkManager): holds the components, analysers and
 * runner, makes the network, and takes it through the lifecycle
 *   add_parameters → pre_build → (pre_run) → run_network, once per run.
 * A run either makes a fresh network (nothing pre-built) or continues the pre-built
 * one; either way its random streams start from the run's own seed, so a sweep gives
 * the same results for any number of workers. */
#include <stdlib.h>
#include <string.h>

#include "network_internal.h"
#include "snex/env.h"
#include "snex/error.h"
#include "snex/util.h"

#define DEFAULT_DURATIONS "simulation.durations"
#define DEFAULT_PRE_DURATIONS "simulation.pre_durations"

/* Components need a name, and only analysers analyse. */
static int check_role(const snx_component *list, size_t n, const char *what, bool may_analyse)
{
    if (n && !list)
        return snx_error(SNX_EINVAL, "snx_manager_new: %zu %ss but the list is NULL", n, what);
    for (size_t k = 0; k < n; k++) {
        if (!list[k].name)
            return snx_error(SNX_EINVAL, "snx_manager_new: %s %zu has no name", what, k);
        if (list[k].analyse && !may_analyse)
            return snx_error(SNX_EINVAL, "snx_manager_new: %s \"%s\" has an analyse hook; "
                                         "only analysers analyse", what, list[k].name);
    }
    return 0;
}

static int copy_role(snx_component **out, const snx_component *list, size_t n,
                     const char *what, bool may_analyse)
{
    int rc = check_role(list, n, what, may_analyse);
    if (rc)
        return rc;
    if (!(*out = snx_calloc(n + 1, sizeof **out)))
        return SNX_ENOMEM;
    if (n)
        memcpy(*out, list, n * sizeof **out);
    return 0;
}

snx_manager *snx_manager_new(const snx_manager_opts *opts)
{
    snx_manager_opts o = opts ? *opts : (snx_manager_opts){ 0 };
    snx_manager *m = snx_calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->n_components = o.n_components;
    m->n_analysers = o.n_analysers;
    m->runner = o.runner ? *o.runner : (snx_component){ .name = "runner" };
    m->seed = o.seed;
    m->net_opts = (snx_net_opts){ .dt = o.dt, .parallel_min = o.parallel_min,
                                  .report = o.report, .report_ctx = o.report_ctx,
                                  .report_period = o.report_period };
    int rc = copy_role(&m->components, o.components, o.n_components, "component", false);
    if (!rc)
        rc = copy_role(&m->analysers, o.analysers, o.n_analysers, "analyser", true);
    if (!rc)
        rc = check_role(&m->runner, 1, "runner", false);
    if (!rc && (!(m->durations = snx_strdup(o.durations ? o.durations : DEFAULT_DURATIONS)) ||
                !(m->pre_durations = snx_strdup(o.pre_durations ? o.pre_durations
                                                                : DEFAULT_PRE_DURATIONS)) ||
                !(m->shared = snx_map_new(NULL))))
        rc = SNX_ENOMEM;
    if (rc) {
        snx_manager_free(m);
        return NULL;
    }
    return m;
}

void snx_manager_free(snx_manager *m)
{
    if (!m)
        return;
    net_pristine_free(m->pristine);
    snx_map_free(m->shared);
    snx_net_free(m->net);
    free(m->components);
    free(m->analysers);
    free(m->durations);
    free(m->pre_durations);
    free(m);
}

snx_net *snx_manager_net(const snx_manager *m) { return m ? m->net : NULL; }
snx_map *snx_manager_shared(const snx_manager *m) { return m ? m->shared : NULL; }

int snx_manager_add_parameters(snx_manager *m, snx_traj *traj)
{
    if (!m || !traj)
        return snx_error(SNX_EINVAL, "snx_manager_add_parameters: manager or trajectory is NULL");
    /* Same order as the other hooks: components, analysers, runner. */
    snx_component *roles[3] = { m->components, m->analysers, &m->runner };
    size_t counts[3] = { m->n_components, m->n_analysers, 1 };
    for (int r = 0; r < 3; r++)
        for (size_t k = 0; k < counts[r]; k++) {
            snx_component *c = &roles[r][k];
            snx_error_clear();
            int rc = c->add_parameters ? c->add_parameters(c, traj) : 0;
            if (rc)
                return snx_error_context("network: \"%s\": add_parameters failed", c->name),
                       rc < 0 ? rc : SNX_EINVAL;
        }
    return 0;
}

/* A new, empty network (and shared map) seeded with seed. */
static int make_net(snx_manager *m, uint64_t seed)
{
    snx_net_opts o = m->net_opts;
    o.seed = seed;
    snx_net *net = snx_net_new(&o);
    snx_map *shared = snx_map_new(NULL);
    if (!net || !shared) {
        snx_net_free(net);
        snx_map_free(shared);
        return snx_errcode() ? snx_errcode() : SNX_ENOMEM;
    }
    snx_net_free(m->net);
    snx_map_free(m->shared);
    m->net = net;
    m->shared = shared;
    return 0;
}

int snx_manager_pre_build(snx_manager *m, snx_traj *traj)
{
    if (!m || !traj)
        return snx_error(SNX_EINVAL, "snx_manager_pre_build: manager or trajectory is NULL");
    if (m->pre_built)
        return snx_error(SNX_ESTATE, "snx_manager_pre_build: the network is pre-built already");
    int rc = make_net(m, m->seed);
    if (!rc)
        rc = net_call_all(m, NET_PRE_BUILD, traj, NULL);
    if (!rc)
        rc = net_pristine_save(m);
    m->pre_built = !rc;
    return rc;
}

int snx_manager_pre_run(snx_manager *m, snx_traj *traj)
{
    if (!m || !traj)
        return snx_error(SNX_EINVAL, "snx_manager_pre_run: manager or trajectory is NULL");
    if (m->pre_run)
        return snx_error(SNX_ESTATE, "snx_manager_pre_run: the network has been pre-run already");
    int rc = m->pre_built ? 0 : snx_manager_pre_build(m, traj);
    snx_subruns *list = rc ? NULL : snx_subruns_from_traj(traj, m->pre_durations);
    if (!rc && !list)
        rc = snx_error_context("snx_manager_pre_run");
    if (!rc)
        rc = net_run_subruns(m, traj, list, true);
    snx_subruns_free(list);
    if (!rc)
        rc = net_pristine_save(m);
    m->pre_run = !rc;
    return rc;
}

/* The network this run simulates: the pre-built one, once per process unless
 * restored, or a fresh one. Its streams start from the run's seed. */
static int network_for_run(snx_manager *m, snx_traj *traj)
{
    uint64_t seed = snx_traj_in_run(traj) ? snx_env_run_seed(traj) : m->seed;
    if (!m->pre_built)
        return make_net(m, seed);
    if (m->runs_since_restore)
        return snx_error(SNX_ESTATE,
                         "network: the pre-built network was already used by a run in this "
                         "process; in single-process mode pass snx_manager_restore as "
                         "snx_env_opts.restore (with the manager as restore_data) so that "
                         "every run starts from the pre-built state");
    snx_net_reseed(m->net, seed);
    return 0;
}

static void log_run(snx_traj *traj)
{
    long idx = snx_traj_run_idx(traj);
    char *summary = idx >= 0 && snx_traj_n_explored(traj) ? snx_traj_parameter_summary(traj, idx)
                                                          : NULL;
    snx_log(SNX_LOG_INFO, "network: running %s%s%s", snx_traj_run_name_current(traj),
            summary ? " with " : "", summary ? summary : "");
    free(summary);
}

int snx_manager_run_network(snx_traj *traj, void *manager, snx_value *result)
{
    (void)result;
    snx_manager *m = manager;
    if (!m || !traj)
        return snx_error(SNX_EINVAL, "snx_manager_run_network: manager or trajectory is NULL "
                                     "(pass the manager as the run's user data)");
    int rc = network_for_run(m, traj);
    if (rc)
        return rc;
    m->runs_since_restore++;
    log_run(traj);
    rc = net_call_all(m, NET_BUILD, traj, NULL);
    snx_subruns *list = rc ? NULL : snx_subruns_from_traj(traj, m->durations);
    if (!rc && !list)
        rc = snx_errcode();
    if (!rc)
        rc = net_run_subruns(m, traj, list, false);
    snx_subruns_free(list);
    return rc;
}

int snx_manager_restore(void *manager)
{
    snx_manager *m = manager;
    if (!m)
        return snx_error(SNX_EINVAL, "snx_manager_restore: manager is NULL (pass it as "
                                     "snx_env_opts.restore_data)");
    m->runs_since_restore = 0;
    return m->pristine ? net_pristine_restore(m) : 0; /* else every run makes its own */
}

bool snx_traj_explores(snx_traj *traj, const char *group)
{
    snx_node *g = traj && group ? snx_traj_get(traj, group) : NULL;
    if (!g)
        return false;
    const char *prefix = snx_node_full_name(g);
    size_t len = strlen(prefix);
    for (size_t k = 0; k < snx_traj_n_explored(traj); k++) {
        const char *name = snx_node_full_name(snx_traj_explored(traj, k));
        if (!strncmp(name, prefix, len) && (name[len] == '.' || name[len] == '\0'))
            return true;
    }
    return false;
}
