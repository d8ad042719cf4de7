/* Exploration: giving parameters ranges (explore), appending runs (expand), and
 * removing ranges (shrink). Every check runs before anything changes, so a failed
 * call leaves the trajectory as it was. */
#include "traj_internal.h"
#include "snex/error.h"
#include "snex/util.h"

#include <stdlib.h>
#include <string.h>

/* Resolves every name of r to a parameter of the `parameters` branch. */
static int resolve(snx_traj *t, const snx_ranges *r, snx_node **pars, const char *what)
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
        if (p->locked)
            return snx_error(SNX_ELOCKED, "%s: parameter \"%s\" is locked", what, p->full_name);
        pars[i] = p;
    }
    return 0;
}

static int check_values(const snx_ranges *r, snx_node **pars, size_t first_position)
{
    for (size_t i = 0; i < snx_ranges_count(r); i++)
        for (size_t k = 0; k < snx_ranges_length(r, i); k++) {
            const snx_value *v = snx_ranges_value(r, i, k);
            int rc = traj_par_check_kind(pars[i], v, first_position + k);
            if (!rc && pars[i]->value.type == SNX_T_NONE && !pars[i]->range_len && k &&
                !snx_value_same_kind(snx_ranges_value(r, i, 0), v))
                rc = snx_error(SNX_ETYPE, "\"%s\", value %zu: a %s among %s values",
                               pars[i]->full_name, k, snx_type_name(v->type),
                               snx_type_name(snx_ranges_value(r, i, 0)->type));
            if (rc)
                return rc;
        }
    return 0;
}

/* Appends copies of r's lists to the parameters' ranges (nothing fails half-way:
 * the copies are made first). */
static int append_all(snx_traj *t, const snx_ranges *r, snx_node **pars, size_t n_new)
{
    size_t n = snx_ranges_count(r);
    snx_value **copies = snx_calloc(n, sizeof *copies);
    int rc = copies ? traj_grow_runs(t, t->n_runs + n_new) : SNX_ENOMEM;
    for (size_t i = 0; !rc && i < n; i++) {
        if (!(copies[i] = snx_calloc(n_new, sizeof **copies)))
            rc = SNX_ENOMEM;
        for (size_t k = 0; !rc && k < n_new; k++)
            rc = snx_value_copy(&copies[i][k], snx_ranges_value(r, i, k));
        snx_node *p = pars[i];
        if (!rc && snx_grow(&p->range, &p->range_cap, p->range_len + n_new, sizeof *p->range))
            rc = SNX_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; !rc && k < n_new; k++) {
            snx_node *p = pars[i];
            if (p->value.type == SNX_T_NONE && k == 0 && !p->range_len)
                snx_value_copy(&p->value, &copies[i][0]); /* the default, for display */
            p->range[p->range_len++] = copies[i][k];
            copies[i][k] = snx_none();
        }
        for (size_t k = 0; copies && copies[i] && k < n_new; k++)
            snx_value_clear(&copies[i][k]);
        if (copies)
            free(copies[i]);
    }
    free(copies);
    return rc;
}

int snx_traj_explore(snx_traj *t, const snx_ranges *r)
{
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
    rc = resolve(t, r, pars, "explore");
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
    size_t n = snx_ranges_count(r);
    int rc = traj_refuse_in_run(t, "expand");
    if (rc)
        return rc;
    if (!t->n_explored)
        return snx_error(SNX_ETYPE, "expand: nothing is explored yet (use explore)");
    snx_node **pars = snx_calloc(n ? n : 1, sizeof *pars);
    if (!pars)
        return SNX_ENOMEM;
    rc = resolve(t, r, pars, "expand");
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

int snx_traj_shrink(snx_traj *t, int force)
{
    int rc = traj_refuse_in_run(t, "shrink");
    if (rc)
        return rc;
    if (t->stored && !force)
        return snx_error(SNX_ESTATE,
                         "shrink: trajectory \"%s\" was stored; its ranges are on disk", t->name);
    for (size_t e = 0; e < t->n_explored; e++)
        if (t->explored[e]->locked)
            return snx_error(SNX_ELOCKED, "shrink: parameter \"%s\" is locked",
                             t->explored[e]->full_name);
    for (size_t e = 0; e < t->n_explored; e++)
        snx_par_shrink(t->explored[e]);
    t->n_explored = 0;
    t->n_runs = 1;
    t->run_idx = -1;
    return 0;
}
