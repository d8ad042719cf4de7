/* The trajectory object: creation, the sticky status of the convenience getters,
 * and adding nodes with pypet's prefix rules. */
#include "traj_internal.h"
#include "snex/error.h"
#include "snex/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

static const char *const BRANCHES[] = { "config", "parameters", "derived_parameters",
                                        "results" };

static void format_time(double ts, char *buf, size_t size, const char *fmt)
{
    time_t secs = (time_t)ts;
    struct tm tm;
    localtime_r(&secs, &tm);
    strftime(buf, size, fmt, &tm);
}

void snx_traj_set_timestamp(snx_traj *t, double ts)
{
    t->timestamp = ts;
    format_time(ts, t->time_str, sizeof t->time_str, "%Y_%m_%d_%Hh%Mm%Ss");
}

snx_traj *snx_traj_new(const char *name, const snx_traj_opts *opts)
{
    if (!name)
        name = "my_trajectory";
    if (traj_check_name(name, "new trajectory"))
        return NULL;
    /* The time suffix counts towards the length limit of names. */
    if (opts && opts->add_time && strlen(name) + 21 > SNX_NAME_MAX) {
        snx_error(SNX_ENAME, "new trajectory: \"%.20s...\" with its time suffix would be "
                  "longer than %d characters", name, SNX_NAME_MAX);
        return NULL;
    }
    snx_traj *t = snx_calloc(1, sizeof *t);
    if (!t)
        return NULL;
    struct timeval tv;
    gettimeofday(&tv, NULL);
    snx_traj_set_timestamp(t, (double)tv.tv_sec + tv.tv_usec * 1e-6);
    snx_buf b = { 0 };
    snx_buf_puts(&b, name);
    if (opts && opts->add_time)
        snx_buf_printf(&b, "_%s", t->time_str);
    t->name = snx_buf_take(&b);
    t->run_idx = -1;
    t->n_runs = 1;
    t->index = traj_new_index();
    t->link_index = traj_new_index();
    t->presets = snx_map_new(NULL);
    if (!t->name || !t->index || !t->link_index || !t->presets || traj_grow_runs(t, 1) ||
        !(t->root = traj_node_new(t, NULL, t->name, SNX_NODE_GROUP)) ||
        snx_node_set_comment(t->root, opts ? opts->comment : NULL))
        goto fail;
    for (size_t k = 0; k < sizeof BRANCHES / sizeof BRANCHES[0]; k++)
        if (!traj_node_new(t, t->root, BRANCHES[k], SNX_NODE_GROUP))
            goto fail;
    return t;
fail:
    snx_traj_free(t);
    return NULL;
}

void snx_traj_free(snx_traj *t)
{
    if (!t)
        return;
    if (t->storage_ops && t->storage_ops->free)
        t->storage_ops->free(t->storage_self);
    traj_node_free(t->root);
    snx_map_free(t->index);
    snx_map_free(t->link_index);
    traj_free_presets(t);
    traj_free_runs(t);
    free(t->explored);
    free(t->run_added.nodes);
    free(t->links);
    free(t->name);
    free(t);
}

const char *snx_traj_name(const snx_traj *t) { return t->name; }
snx_node *snx_traj_root(snx_traj *t) { return t->root; }
double snx_traj_timestamp(const snx_traj *t) { return t->timestamp; }
const char *snx_traj_time(const snx_traj *t) { return t->time_str; }
size_t snx_traj_n_nodes(const snx_traj *t) { return t->n_nodes; }

int snx_traj_rename(snx_traj *t, const char *name)
{
    int rc = traj_check_name(name, "rename trajectory");
    if (rc)
        return rc;
    char *copy = snx_strdup(name);
    if (!copy)
        return SNX_ENOMEM;
    free(t->name);
    t->name = copy;
    free(t->root->name);
    t->root->name = snx_strdup(name);
    return t->root->name ? 0 : SNX_ENOMEM;
}

bool snx_traj_is_empty(const snx_traj *t)
{
    /* By name: branches may have been removed and added again in another order. */
    for (size_t k = 0; k < t->root->n_children; k++) {
        const snx_node *c = t->root->children[k];
        if (c->n_children && c->branch != SNX_BRANCH_CONFIG)
            return 0;
    }
    return 1;
}

/* ---- sticky status ----------------------------------------------------------- */

void traj_set_status(snx_traj *t, int code)
{
    if (t->status)
        return; /* the first error is the one that explains the rest */
    t->status = code;
    snprintf(t->status_msg, sizeof t->status_msg, "%s", snx_errmsg());
}

int snx_traj_status(const snx_traj *t) { return t->status; }
const char *snx_traj_status_msg(const snx_traj *t) { return t->status_msg; }
void snx_traj_clear_status(snx_traj *t)
{
    t->status = 0;
    t->status_msg[0] = '\0';
}

int traj_refuse_in_run(const snx_traj *t, const char *what)
{
    if (t->in_run)
        return snx_error(SNX_ESTATE, "%s is not allowed during a single run (%s)", what,
                         snx_traj_run_name_current(t));
    return 0;
}

/* ---- adding ---------------------------------------------------------------------- */

snx_node_kind traj_leaf_kind(snx_branch b)
{
    return b == SNX_BRANCH_RESULTS || b == SNX_BRANCH_NONE ? SNX_NODE_RESULT
                                                            : SNX_NODE_PARAMETER;
}

int traj_check_leaf_value(snx_node_kind kind, const snx_value *value, const char *name)
{
    if (value->type == SNX_T_ERROR)
        return snx_error_context("adding \"%s\"", name);
    if (kind == SNX_NODE_PARAMETER && value->type == SNX_T_TABLE)
        return snx_error(SNX_ETYPE, "adding \"%s\": a parameter cannot hold a table (tables "
                         "are result items)", name);
    return 0;
}

static int has_run_component(char *const *comps)
{
    for (size_t k = 0; comps[k]; k++)
        if (traj_run_group_index(comps[k]) != NOT_A_RUN_GROUP)
            return 1;
    return 0;
}

/* Rewrites comps (relative to `start`) into the components below the root for an
 * addition into `branch` through the root: adds the branch and, inside a run, the
 * runs.run_XXXXXXXX groups. Returns a new array. */
static char **prefixed(snx_traj *t, char **comps, snx_branch branch, int wildcard)
{
    size_t n = traj_count_components(comps);
    int has_branch = traj_branch_of(comps[0]) == branch;
    int add_run = t->in_run && !wildcard && !has_run_component(comps) &&
                  (branch == SNX_BRANCH_DERIVED || branch == SNX_BRANCH_RESULTS);
    char **out = snx_calloc(n + 4, sizeof *out);
    if (!out)
        return NULL;
    size_t m = 0, k = 0;
    char run[SNX_RUN_NAME_BUF];
    out[m++] = snx_strdup(BRANCHES[branch - 1]);
    if (has_branch)
        k = 1;
    if (add_run) {
        out[m++] = snx_strdup("runs");
        out[m++] = snx_strdup(snx_run_name(run, t->run_idx));
    }
    for (; k < n; k++)
        out[m++] = snx_strdup(comps[k]);
    for (size_t j = 0; j < m; j++)
        if (!out[j]) {
            traj_free_components(out);
            return NULL;
        }
    return out;
}

char *traj_result_full_name(snx_traj *t, const char *name)
{
    int wildcard = 0;
    char **comps = traj_split_name(t, name, &wildcard);
    char **full = comps ? prefixed(t, comps, SNX_BRANCH_RESULTS, wildcard) : NULL;
    snx_buf b = { 0 };
    int rc = full ? 0 : -1;
    for (size_t k = 0; !rc && full[k]; k++)
        rc = snx_buf_printf(&b, "%s%s", k ? "." : "", full[k]);
    traj_free_components(comps);
    traj_free_components(full);
    if (rc) {
        snx_buf_free(&b);
        return NULL;
    }
    return snx_buf_take(&b);
}

static int fill_leaf(snx_traj *t, snx_node *leaf, snx_value *value)
{
    if (leaf->kind == SNX_NODE_PARAMETER) {
        if (leaf->branch == SNX_BRANCH_PARAMETERS || leaf->branch == SNX_BRANCH_CONFIG) {
            int rc = traj_apply_preset(t, leaf, value);
            if (rc)
                return rc;
        }
        leaf->value = *value;
        *value = snx_none();
        return 0;
    }
    if (value->type == SNX_T_NONE)
        return 0;
    snx_value v = *value;
    *value = snx_none(); /* snx_result_set consumes it, also on failure */
    return snx_result_set(leaf, leaf->name, v);
}

/* Creates the groups along comps[0..n-1) below start and the leaf comps[n-1].
 * Everything is checked first; a failure afterwards (out of memory) removes what
 * was created, so a failed add leaves the tree as it was. */
static snx_node *add_leaf_at(snx_traj *t, snx_node *start, char **comps, snx_value *value,
                             const char *comment)
{
    size_t n = traj_count_components(comps);
    if (traj_check_name(comps[n - 1], "adding a leaf"))
        return NULL;
    if (n == 1 && start == t->root) {
        snx_error(SNX_EINVAL, "leaves cannot hang at the root; add \"%s\" below a group",
                  comps[0]);
        return NULL;
    }
    /* The branch decides the kind; it is known before the groups exist. */
    snx_branch b = start->parent ? start->branch : traj_branch_of(comps[0]);
    if (traj_check_leaf_value(traj_leaf_kind(b), value, comps[n - 1]))
        return NULL;
    snx_node *first_new = NULL;
    snx_node *group = traj_make_groups(t, start, comps, n - 1, &first_new);
    if (!group)
        return NULL;
    snx_node *leaf = traj_node_new(t, group, comps[n - 1], traj_leaf_kind(group->branch));
    if (!leaf || fill_leaf(t, leaf, value) || snx_node_set_comment(leaf, comment)) {
        traj_undo_node(first_new ? first_new : leaf);
        return NULL;
    }
    return leaf;
}

static snx_node *add_via_root(snx_traj *t, snx_branch branch, const char *name,
                              snx_value value, const char *comment)
{
    snx_node *leaf = NULL;
    char **comps = NULL, **full = NULL;
    int wildcard = 0;
    if (!t) {
        snx_error(SNX_EINVAL, "adding \"%s\": NULL trajectory", name ? name : "(null)");
        goto out;
    }
    if (value.type == SNX_T_ERROR) {
        snx_error_context("adding \"%s\"", name ? name : "(null)");
        goto out;
    }
    if ((branch == SNX_BRANCH_CONFIG || branch == SNX_BRANCH_PARAMETERS) &&
        traj_refuse_in_run(t, "adding config or parameters"))
        goto out;
    if (!(comps = traj_split_name(t, name, &wildcard)))
        goto out;
    if (!(full = prefixed(t, comps, branch, wildcard)))
        goto out;
    leaf = add_leaf_at(t, t->root, full, &value, comment);
out:
    snx_value_clear(&value);
    traj_free_components(comps);
    traj_free_components(full);
    return leaf;
}

snx_node *snx_traj_add_parameter(snx_traj *t, const char *name, snx_value v, const char *c)
{
    return add_via_root(t, SNX_BRANCH_PARAMETERS, name, v, c);
}
snx_node *snx_traj_add_config(snx_traj *t, const char *name, snx_value v, const char *c)
{
    return add_via_root(t, SNX_BRANCH_CONFIG, name, v, c);
}
snx_node *snx_traj_add_derived(snx_traj *t, const char *name, snx_value v, const char *c)
{
    return add_via_root(t, SNX_BRANCH_DERIVED, name, v, c);
}
snx_node *snx_traj_add_result(snx_traj *t, const char *name, snx_value v, const char *c)
{
    return add_via_root(t, SNX_BRANCH_RESULTS, name, v, c);
}

snx_node *snx_node_add_leaf(snx_node *group, const char *name, snx_value value,
                            const char *comment)
{
    snx_node *leaf = NULL;
    char **comps = NULL;
    if (!group) {
        snx_error(SNX_EINVAL, "add_leaf: NULL group");
        goto out;
    }
    snx_traj *t = group->traj;
    if (value.type == SNX_T_ERROR) {
        snx_error_context("adding \"%s\"", name ? name : "(null)");
        goto out;
    }
    if (group->kind != SNX_NODE_GROUP) {
        snx_error(SNX_ETYPE, "\"%s\" is a leaf and cannot hold children", group->full_name);
        goto out;
    }
    if (!(comps = traj_split_name(t, name, NULL)))
        goto out;
    snx_branch b = group->parent ? group->branch : traj_branch_of(comps[0]);
    if (t->in_run && (b == SNX_BRANCH_CONFIG || b == SNX_BRANCH_PARAMETERS) &&
        traj_refuse_in_run(t, "adding config or parameters"))
        goto out;
    leaf = add_leaf_at(t, group, comps, &value, comment);
out:
    snx_value_clear(&value);
    traj_free_components(comps);
    return leaf;
}

static snx_node *add_group_at(snx_traj *t, snx_node *start, char **comps, const char *comment)
{
    snx_node *first_new = NULL;
    snx_node *g = traj_make_groups(t, start, comps, traj_count_components(comps), &first_new);
    /* An existing group keeps its comment unless a new one is given. */
    if (g && comment && *comment && snx_node_set_comment(g, comment)) {
        traj_undo_node(first_new);
        return NULL;
    }
    return g;
}

snx_node *snx_traj_add_group(snx_traj *t, const char *name, const char *comment)
{
    if (!t) {
        snx_error(SNX_EINVAL, "adding group \"%s\": NULL trajectory", name ? name : "(null)");
        return NULL;
    }
    char **comps = traj_split_name(t, name, NULL);
    if (!comps)
        return NULL;
    snx_branch b = traj_branch_of(comps[0]);
    snx_node *g = NULL;
    if (!(t->in_run && (b == SNX_BRANCH_CONFIG || b == SNX_BRANCH_PARAMETERS) &&
          traj_refuse_in_run(t, "adding config or parameter groups")))
        g = add_group_at(t, t->root, comps, comment);
    traj_free_components(comps);
    return g;
}

snx_node *snx_node_add_group(snx_node *group, const char *name, const char *comment)
{
    if (!group) {
        snx_error(SNX_EINVAL, "add_group: NULL group");
        return NULL;
    }
    if (group->kind != SNX_NODE_GROUP) {
        snx_error(SNX_ETYPE, "\"%s\" is a leaf and cannot hold children", group->full_name);
        return NULL;
    }
    char **comps = traj_split_name(group->traj, name, NULL);
    if (!comps)
        return NULL;
    snx_node *g = add_group_at(group->traj, group, comps, comment);
    traj_free_components(comps);
    return g;
}

/* ---- convenience getters for model code --------------------------------------- */

const snx_value *snx_traj_value(snx_traj *t, const char *name)
{
    snx_node *n = snx_traj_get(t, name);
    const snx_value *v = NULL;
    if (!n)
        ;
    else if (n->kind == SNX_NODE_PARAMETER)
        v = snx_par_get(n);
    else if (n->kind == SNX_NODE_RESULT)
        v = snx_result_get(n, n->name);
    else
        snx_error(SNX_ETYPE, "\"%s\" is a group, not a value", n->full_name);
    if (!v)
        traj_set_status(t, snx_errcode());
    return v;
}

/* The value of `name` if its type is one of want[0..n); `wanted` names them. */
static const snx_value *typed(snx_traj *t, const char *name, const snx_type *want, size_t n,
                              const char *wanted)
{
    const snx_value *v = snx_traj_value(t, name);
    if (!v)
        return NULL;
    for (size_t k = 0; k < n; k++)
        if (v->type == want[k])
            return v;
    snx_error(SNX_ETYPE, "\"%s\" holds a %s value, not %s", name, snx_type_name(v->type),
              wanted);
    traj_set_status(t, SNX_ETYPE);
    return NULL;
}

int64_t snx_traj_int(snx_traj *t, const char *name)
{
    const snx_value *v = typed(t, name, (snx_type[]){ SNX_T_INT }, 1, "an int");
    return v ? v->u.i : 0;
}

double snx_traj_double(snx_traj *t, const char *name)
{
    const snx_value *v = typed(t, name, (snx_type[]){ SNX_T_DOUBLE, SNX_T_QUANTITY, SNX_T_INT },
                               3, "a number (double, quantity or int)");
    if (!v)
        return NAN;
    return v->type == SNX_T_INT ? (double)v->u.i : v->u.d;
}

bool snx_traj_bool(snx_traj *t, const char *name)
{
    const snx_value *v = typed(t, name, (snx_type[]){ SNX_T_BOOL }, 1, "a bool");
    return v ? v->u.b : 0;
}

const char *snx_traj_string(snx_traj *t, const char *name)
{
    const snx_value *v = typed(t, name, (snx_type[]){ SNX_T_STRING }, 1, "a string");
    return v ? v->u.s : NULL;
}
