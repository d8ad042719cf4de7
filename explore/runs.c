/* Runs: the current run (what explored parameters show and where `$` points),
 * single-run mode, run information, find_idx and get_from_runs. */
#include "traj_internal.h"
#include "snex/error.h"
#include "snex/util.h"

#include <stdlib.h>
#include <string.h>

int traj_grow_runs(snx_traj *t, size_t n_runs)
{
    size_t old = t->cap_runs;
    if (snx_grow(&t->runs, &t->cap_runs, n_runs, sizeof *t->runs))
        return SNX_ENOMEM;
    memset(&t->runs[old], 0, (t->cap_runs - old) * sizeof *t->runs);
    return 0;
}

static void clear_record(run_record *r)
{
    free(r->summary);
    free(r->env_hexsha);
    free(r->error);
    memset(r, 0, sizeof *r);
}

void traj_clear_runs(snx_traj *t)
{
    for (size_t k = 0; k < t->cap_runs; k++)
        clear_record(&t->runs[k]);
}

void traj_free_runs(snx_traj *t)
{
    for (size_t k = 0; k < t->cap_runs; k++)
        clear_record(&t->runs[k]);
    free(t->runs);
    t->runs = NULL;
    t->cap_runs = 0;
}

static int check_run(const snx_traj *t, long idx, const char *what)
{
    if (idx < 0 || (size_t)idx >= t->n_runs)
        return snx_error(SNX_EINVAL, "%s: no run %ld (the trajectory has %zu run%s)", what, idx,
                         t->n_runs, t->n_runs == 1 ? "" : "s");
    return 0;
}

int snx_traj_set_run(snx_traj *t, long idx)
{
    int rc = traj_refuse_in_run(t, "setting the current run");
    if (rc)
        return rc;
    if (idx == -1) {
        t->run_idx = -1;
        return 0;
    }
    if ((rc = check_run(t, idx, "set_run")))
        return rc;
    t->run_idx = idx;
    return 0;
}

int snx_traj_set_run_name(snx_traj *t, const char *name)
{
    long idx;
    int rc = snx_run_idx(name, &idx);
    return rc ? rc : snx_traj_set_run(t, idx);
}

void snx_traj_restore_default(snx_traj *t)
{
    if (!t->in_run)
        t->run_idx = -1;
}

long snx_traj_run_idx(const snx_traj *t) { return t->run_idx; }

const char *snx_traj_run_name_current(const snx_traj *t)
{
    static _Thread_local char buf[SNX_RUN_NAME_BUF];
    return snx_run_name(buf, t->run_idx);
}

int snx_traj_iter_runs(snx_traj *t, int (*f)(snx_traj *, long, void *), void *ctx)
{
    int rc = traj_refuse_in_run(t, "iterating runs");
    if (rc)
        return rc; /* and leave the run that is going on alone */
    for (size_t k = 0; !rc && k < t->n_runs; k++) {
        t->run_idx = (long)k;
        rc = f(t, (long)k, ctx);
    }
    t->run_idx = -1;
    return rc;
}

int snx_traj_begin_run(snx_traj *t, long idx)
{
    int rc = traj_refuse_in_run(t, "begin_run");
    if (!rc)
        rc = check_run(t, idx, "begin_run");
    if (rc)
        return rc;
    t->run_idx = idx;
    t->in_run = 1;
    t->run_added.n = 0;
    return 0;
}

void snx_traj_end_run(snx_traj *t)
{
    t->in_run = 0;
    t->run_idx = -1;
}

bool snx_traj_in_run(const snx_traj *t) { return t->in_run; }
size_t snx_traj_n_run_added(const snx_traj *t) { return t->run_added.n; }
snx_node *snx_traj_run_added(const snx_traj *t, size_t i)
{
    return i < t->run_added.n ? t->run_added.nodes[i] : NULL;
}

int snx_traj_remove_run_added(snx_traj *t)
{
    /* Removing a node takes it, and what was added below it, off the list. */
    while (t->run_added.n > 0) {
        int rc = snx_node_remove(t->run_added.nodes[0], SNX_REMOVE_RECURSIVE);
        if (rc)
            return snx_error_context("removing what the run added");
    }
    return 0;
}

/* ---- run information -------------------------------------------------------------- */

int snx_traj_run_info(const snx_traj *t, long idx, snx_run_info *out)
{
    int rc = check_run(t, idx, "run_info");
    if (rc)
        return rc;
    const run_record *r = &t->runs[idx];
    *out = (snx_run_info){
        .idx = idx,
        .completed = r->completed,
        .timestamp = r->timestamp,
        .finish_timestamp = r->finish_timestamp,
        .runtime = r->runtime,
        .seed = r->seed,
        .parameter_summary = r->summary ? r->summary : "",
        .env_hexsha = r->env_hexsha ? r->env_hexsha : "",
        .error = r->error,
    };
    snx_run_name(out->name, idx);
    return 0;
}

static int replace_str(char **dst, const char *src)
{
    char *c = NULL;
    if (src && !(c = snx_strdup(src)))
        return SNX_ENOMEM;
    free(*dst);
    *dst = c;
    return 0;
}

int snx_traj_set_run_info(snx_traj *t, long idx, const snx_run_info *info)
{
    int rc = check_run(t, idx, "set_run_info");
    if (rc)
        return rc;
    run_record *r = &t->runs[idx];
    if (replace_str(&r->summary, info->parameter_summary) ||
        replace_str(&r->env_hexsha, info->env_hexsha) || replace_str(&r->error, info->error))
        return SNX_ENOMEM;
    r->completed = info->completed;
    r->timestamp = info->timestamp;
    r->finish_timestamp = info->finish_timestamp;
    r->runtime = info->runtime;
    r->seed = info->seed;
    return 0;
}

char *snx_traj_parameter_summary(snx_traj *t, long idx)
{
    if (check_run(t, idx, "parameter_summary"))
        return NULL;
    snx_buf b = { 0 };
    snx_buf_puts(&b, "");
    for (size_t e = 0; e < t->n_explored; e++) {
        const snx_node *p = t->explored[e];
        char *v = snx_value_to_str(&p->range[idx], 64);
        snx_buf_printf(&b, "%s%s=%s", e ? ", " : "", p->name, v ? v : "?");
        free(v);
    }
    return snx_buf_take(&b);
}

bool snx_traj_is_completed(const snx_traj *t, long idx)
{
    if (idx >= 0)
        return check_run(t, idx, "is_completed") == 0 && t->runs[idx].completed;
    for (size_t k = 0; k < t->n_runs; k++)
        if (!t->runs[k].completed)
            return 0;
    return 1;
}

/* ---- find_idx and get_from_runs ------------------------------------------------------ */

long snx_traj_find_idx(snx_traj *t, const char *const *names, size_t n_names,
                       snx_run_predicate pred, void *ctx, long **out)
{
    int rc = traj_refuse_in_run(t, "find_idx");
    if (rc)
        return rc;
    if (!pred || !out || (n_names && !names))
        return snx_error(SNX_EINVAL, "find_idx: NULL %s", !pred ? "predicate"
                                                          : !out  ? "output" : "names");
    snx_node **pars = snx_calloc(n_names ? n_names : 1, sizeof *pars);
    const snx_value **vals = snx_calloc(n_names ? n_names : 1, sizeof *vals);
    long *found = snx_calloc(t->n_runs, sizeof *found);
    long n_found = 0;
    if (!pars || !vals || !found)
        rc = SNX_ENOMEM;
    for (size_t j = 0; !rc && j < n_names; j++) {
        if (!(pars[j] = snx_traj_get(t, names[j])))
            rc = snx_error_context("find_idx");
        else if (pars[j]->kind != SNX_NODE_PARAMETER)
            rc = snx_error(SNX_ETYPE, "find_idx: \"%s\" is not a parameter", pars[j]->full_name);
        else if (snx_par_is_empty(pars[j]))
            rc = snx_error(SNX_ETYPE, "find_idx: parameter \"%s\" is empty", pars[j]->full_name);
    }
    for (size_t k = 0; !rc && k < t->n_runs; k++) {
        for (size_t j = 0; j < n_names; j++)
            vals[j] = pars[j]->range_len ? &pars[j]->range[k] : &pars[j]->value;
        if (pred(vals, n_names, ctx))
            found[n_found++] = (long)k;
    }
    free(pars);
    free(vals);
    if (rc) {
        free(found);
        return rc;
    }
    *out = found;
    return n_found;
}

/* The node `comps` below the run group named `run` (any of them: results.runs.run_X,
 * derived_parameters.runs.run_X, results.run_set_00000.run_X, ...). 0 with *out
 * NULL when none has it; SNX_ENOTUNIQUE when two run groups of this run have it, as
 * in pypet. */
static int below_run_group(snx_traj *t, const char *run, char *const *comps, snx_node **out)
{
    node_list *groups = snx_map_get(t->index, run);
    *out = NULL;
    for (size_t g = 0; groups && g < groups->n; g++) {
        if (groups->nodes[g]->kind != SNX_NODE_GROUP)
            continue;
        snx_node *n = traj_find(t, groups->nodes[g], comps, NULL);
        if (!n && snx_errcode() != SNX_ENOTFOUND)
            return snx_errcode();
        if (n && *out && n != *out)
            return snx_error(SNX_ENOTUNIQUE, "\"%s\" and \"%s\" both answer for %s",
                             (*out)->full_name, n->full_name, run);
        if (n)
            *out = n;
    }
    return 0;
}

/* The node of run k, or (SNX_FROM_RUNS_OR_ALL) of run_ALL when run k has none. */
static int node_of_run(snx_traj *t, long k, char *const *comps, snx_from_runs where,
                       snx_node **out)
{
    char run[SNX_RUN_NAME_BUF];
    t->run_idx = k; /* shortcut searches below the run group skip the other runs */
    int rc = below_run_group(t, snx_run_name(run, k), comps, out);
    if (!rc && !*out && where == SNX_FROM_RUNS_OR_ALL)
        rc = below_run_group(t, SNX_RUN_ALL, comps, out);
    return rc;
}

long snx_traj_get_from_runs(snx_traj *t, const char *name, snx_from_runs where,
                            long **run_idx, snx_node ***nodes)
{
    int rc = traj_refuse_in_run(t, "get_from_runs");
    if (rc)
        return rc;
    char **comps = traj_split_name(t, name, NULL);
    long *idx = comps ? snx_calloc(t->n_runs, sizeof *idx) : NULL;
    snx_node **found = idx ? snx_calloc(t->n_runs, sizeof *found) : NULL;
    long n = 0, saved = t->run_idx;
    rc = found ? 0 : snx_errcode() ? snx_errcode() : SNX_ENOMEM;
    for (size_t k = 0; !rc && k < t->n_runs; k++) {
        snx_node *node = NULL;
        rc = node_of_run(t, (long)k, comps, where, &node);
        if (node) {
            idx[n] = (long)k;
            found[n++] = node;
        }
    }
    t->run_idx = saved;
    traj_free_components(comps);
    if (rc) {
        free(idx);
        free(found);
        return snx_error_context("get_from_runs \"%s\"", name ? name : "(null)");
    }
    snx_error_clear(); /* the runs without the item left "not found" behind */
    *run_idx = idx;
    *nodes = found;
    return n;
}
