/* Exploration: giving parameters ranges (explore), appending runs (expand), and
 * removing ranges (shrink). Every check runs before anything changes, so a failed
 * call leaves the trajectory as it was. */
#include "traj_internal.h"
#include "snex/error.h"
#include "snex/util.h"

#include <stdlib.h>
#include <string.h>

/* Resolves every name of r to a parameter of the `parameters` branch. A locked
 * parameter was read, perhaps by a run: explore would change what that run saw, so
 * it is refused; expand only appends runs and leaves the existing ones alone, so it
 * may proceed (pypet's post-processing expands trajectories whose runs read them). */
static int resolve(snx_traj *t, const snx_ranges *r, snx_node **pars, const char *what,
                   int refuse_locked)
{
    for (size_t i = 0; i < snx_ranges_count(r); i++) {
        const char *name = snx_ranges_name(r, i);
        snx_node *p = snx_traj_get(t, name);
        if (!p)
            return snx_error_context("%s", what);
        if (p->kind != SNX_NODE_PARAMETER || p->branch != SNX_BRANCH_PARAMETERS)
            return snx_error(SNX_EINVAL, "%s: \"%s\" is %s, only parameters can be explored",
                             what, p->full_name,
                             p->kind == SNX_NODE_GROUP ? "a group"
                             : p->kind == SNX_NODE_RESULT ? "a result"
                                                          : "not in the parameters branch");
        for (size_t j = 0; j < i; j++)
            if (pars[j] == p)
                return snx_error(SNX_EINVAL, "%s: \"%s\" and \"%s\" are the same parameter",
                                 what, snx_ranges_name(r, j), name);
        if (refuse_locked && p->locked)
            return snx_error(SNX_ELOCKED, "%s: parameter \"%s\" is locked (it was read); "
                             "unlock it first", what, p->full_name);
        pars[i] = p;
    }
    return 0;
}

/* Every value must be of the parameter's kind (its range's, or its default's); an
 * empty parameter takes the kind of the first value given. */
static int check_values(const snx_ranges *r, snx_node **pars, size_t first_position)
{
    for (size_t i = 0; i < snx_ranges_count(r); i++) {
        const snx_node *p = pars[i];
        const snx_value *ref = p->range_len ? &p->range[0]
                             : p->value.type != SNX_T_NONE ? &p->value
                                                           : snx_ranges_value(r, i, 0);
        for (size_t k = 0; k < snx_ranges_length(r, i); k++) {
            int rc = traj_value_check_kind(p->full_name, ref, snx_ranges_value(r, i, k),
                                           first_position + k);
            if (rc)
                return rc;
        }
    }
    return 0;
}

/* Appends copies of r's lists to the parameters' ranges. Everything that can fail
 * (copies, room in the ranges) happens before the first parameter changes. An empty
 * parameter gets the first value as its default, so that it shows something
 * outside the runs. */
static int append_all(snx_traj *t, const snx_ranges *r, snx_node **pars, size_t n_new)
{
    size_t n = snx_ranges_count(r);
    snx_value **copies = snx_calloc(n, sizeof *copies);
    snx_value *defaults = snx_calloc(n, sizeof *defaults); /* NONE = keep the default */
    int rc = copies && defaults ? traj_grow_runs(t, t->n_runs + n_new) : SNX_ENOMEM;
    for (size_t i = 0; !rc && i < n; i++) {
        snx_node *p = pars[i];
        if (!(copies[i] = snx_calloc(n_new, sizeof **copies)))
            rc = SNX_ENOMEM;
        for (size_t k = 0; !rc && k < n_new; k++)
            rc = snx_value_copy(&copies[i][k], snx_ranges_value(r, i, k));
        if (!rc && snx_grow(&p->range, &p->range_cap, p->range_len + n_new, sizeof *p->range))
            rc = SNX_ENOMEM;
        if (!rc && p->value.type == SNX_T_NONE && !p->range_len)
            rc = snx_value_copy(&defaults[i], snx_ranges_value(r, i, 0));
    }
    for (size_t i = 0; !rc && i < n; i++) {
        snx_node *p = pars[i];
        if (defaults[i].type != SNX_T_NONE) {
            p->value = defaults[i];
            defaults[i] = snx_none();
        }
        traj_par_append_range(p, copies[i], n_new); /* cannot fail: room was made */
    }
    for (size_t i = 0; i < n; i++) { /* what was not handed over */
        for (size_t k = 0; copies && copies[i] && k < n_new; k++)
            snx_value_clear(&copies[i][k]);
        if (copies)
            free(copies[i]);
        if (defaults)
            snx_value_clear(&defaults[i]);
    }
    free(copies);
    free(defaults);
    return rc;
}

int snx_traj_explore(snx_traj *t, const snx_ranges *r)
{
    if (!t || !r)
        return snx_error(SNX_EINVAL, "explore: NULL %s", !t ? "trajectory" : "ranges");
    size_t n = snx_ranges_count(r);
    int rc = traj_refuse_in_run(t, "explore");
    if (rc)
        return rc;
    if (!n)
        return snx_error(SNX_EINVAL, "explore: no parameters given");
    /* As in pypet: what is on disk is the ground truth, and stored parameters would
     * not get their new ranges; stored explorations grow with expand instead. */
    if (t->stored)
        return snx_error(SNX_ESTATE,
                         "explore: trajectory \"%s\" was stored already; use expand to add "
                         "runs to a stored exploration", t->name);
    size_t len = snx_ranges_length(r, 0);
    for (size_t i = 1; i < n; i++)
        if (snx_ranges_length(r, i) != len)
            return snx_error(SNX_EINVAL,
                             "explore: \"%s\" has %zu values but \"%s\" has %zu (all must be "
                             "equally long)",
                             snx_ranges_name(r, i), snx_ranges_length(r, i),
                             snx_ranges_name(r, 0), len);
    if (t->n_explored && len != t->n_runs)
        return snx_error(SNX_EINVAL,
                         "explore: %zu values given, but the trajectory already has %zu runs",
                         len, t->n_runs);
    snx_node **pars = snx_calloc(n, sizeof *pars);
    if (!pars)
        return SNX_ENOMEM;
    rc = resolve(t, r, pars, "explore", 1);
    for (size_t i = 0; !rc && i < n; i++)
        if (pars[i]->range_len)
            rc = snx_error(SNX_ETYPE, "explore: \"%s\" is explored already (use expand)",
                           pars[i]->full_name);
    if (!rc)
        rc = check_values(r, pars, 0);
    if (!rc && snx_grow(&t->explored, &t->cap_explored, t->n_explored + n, sizeof *t->explored))
        rc = SNX_ENOMEM;
    size_t old_runs = t->n_explored ? t->n_runs : 0;
    if (!rc)
        rc = append_all(t, r, pars, len);
    if (!rc) {
        memcpy(&t->explored[t->n_explored], pars, n * sizeof *pars);
        t->n_explored += n;
        t->n_runs = old_runs ? old_runs : len;
    }
    free(pars);
    return rc;
}

int snx_traj_expand(snx_traj *t, const snx_ranges *r)
{
    if (!t || !r)
        return snx_error(SNX_EINVAL, "expand: NULL %s", !t ? "trajectory" : "ranges");
    size_t n = snx_ranges_count(r);
    int rc = traj_refuse_in_run(t, "expand");
    if (rc)
        return rc;
    if (!t->n_explored)
        return snx_error(SNX_ETYPE, "expand: nothing is explored yet (use explore)");
    snx_node **pars = snx_calloc(n ? n : 1, sizeof *pars);
    if (!pars)
        return SNX_ENOMEM;
    rc = resolve(t, r, pars, "expand", 0);
    for (size_t i = 0; !rc && i < n; i++)
        if (!pars[i]->range_len)
            rc = snx_error(SNX_ETYPE, "expand: \"%s\" is not explored", pars[i]->full_name);
    for (size_t e = 0; !rc && e < t->n_explored; e++) {
        size_t i = 0;
        while (i < n && pars[i] != t->explored[e])
            i++;
        if (i == n)
            rc = snx_error(SNX_ETYPE, "expand: explored parameter \"%s\" is not enlarged",
                           t->explored[e]->full_name);
    }
    for (size_t i = 1; !rc && i < n; i++)
        if (snx_ranges_length(r, i) != snx_ranges_length(r, 0))
            rc = snx_error(SNX_EINVAL, "expand: \"%s\" has %zu values but \"%s\" has %zu",
                           snx_ranges_name(r, i), snx_ranges_length(r, i),
                           snx_ranges_name(r, 0), snx_ranges_length(r, 0));
    if (!rc)
        rc = check_values(r, pars, t->n_runs);
    if (!rc) {
        size_t added = snx_ranges_length(r, 0);
        rc = append_all(t, r, pars, added);
        if (!rc)
            t->n_runs += added;
    }
    free(pars);
    return rc;
}

size_t snx_traj_n_runs(const snx_traj *t) { return t->n_runs; }
size_t snx_traj_n_explored(const snx_traj *t) { return t->n_explored; }
snx_node *snx_traj_explored(const snx_traj *t, size_t i)
{
    return i < t->n_explored ? t->explored[i] : NULL;
}

void traj_unexplore(snx_traj *t, snx_node *p)
{
    for (size_t k = 0; k < t->n_explored; k++)
        if (t->explored[k] == p) {
            memmove(&t->explored[k], &t->explored[k + 1],
                    (t->n_explored - k - 1) * sizeof *t->explored);
            t->n_explored--;
            break;
        }
    if (t->n_explored)
        return;
    /* No exploration left: one run, and the old runs' records describe nothing. */
    t->n_runs = 1;
    traj_clear_runs(t);
    if (!t->in_run)
        t->run_idx = -1;
}

int snx_traj_shrink(snx_traj *t, snx_shrink_mode mode)
{
    int rc = traj_refuse_in_run(t, "shrink");
    if (rc)
        return rc;
    if (t->stored && mode != SNX_SHRINK_FORCE)
        return snx_error(SNX_ESTATE,
                         "shrink: trajectory \"%s\" was stored; its ranges are on disk", t->name);
    for (size_t e = 0; e < t->n_explored; e++)
        if (t->explored[e]->locked)
            return snx_error(SNX_ELOCKED, "shrink: parameter \"%s\" is locked",
                             t->explored[e]->full_name);
    while (t->n_explored) /* each shrink takes its parameter off the list */
        snx_par_shrink(t->explored[t->n_explored - 1]);
    return 0;
}
