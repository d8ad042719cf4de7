/* Merging trajectories (pypet's f_merge): the runs of another trajectory that lives
 * in the same parameter space are appended to this one, renumbered after its own.
 *
 *   1. the spaces must agree: the same parameters with values of the same kind, the
 *      same explored parameters, and equal values where nothing is explored;
 *   2. the other's runs are chosen: all, or (remove_duplicates) those whose explored
 *      values no run has yet; a trial parameter is shifted past this one's trials;
 *   3. the ranges are expanded with the chosen runs' values;
 *   4. every leaf below one of the chosen run_XXXXXXXX groups (results, derived
 *      parameters, in run_set buckets or anywhere a run group appears) is copied to
 *      the new run's path, with its comment and annotations; trajectory-level leaves
 *      that this one lacks are copied too; run information follows its run;
 *   5. the merge is recorded in config.merge, with the other's config.environment
 *      and config.merge records.
 * Both trajectories are worked on in memory: load the other with its data first.
 * Storing the result is the caller's (snx_traj_store: one commit). Links are not merged: what they point to may not have come along. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "snex/error.h"
#include "snex/traj.h"
#include "snex/util.h"

/* ---- 1. the same space ------------------------------------------------------------ */

typedef struct space_check {
    snx_traj *traj;
    int rc;
} space_check;

static int check_parameter(snx_node *other_par, void *ctx_)
{
    space_check *ctx = ctx_;
    if (snx_node_kind_of(other_par) != SNX_NODE_PARAMETER)
        return 0;
    const char *name = snx_node_full_name(other_par);
    snx_node *mine = snx_traj_get(ctx->traj, name);
    const snx_value *a = mine ? snx_par_peek(mine) : NULL, *b = snx_par_peek(other_par);
    if (!mine || snx_node_kind_of(mine) != SNX_NODE_PARAMETER)
        ctx->rc = snx_error(SNX_EINVAL, "merge: \"%s\" is a parameter of the other trajectory "
                                        "only (merging needs the same parameters)", name);
    else if (snx_par_is_explored(mine) != snx_par_is_explored(other_par))
        ctx->rc = snx_error(SNX_EINVAL, "merge: \"%s\" is explored in one trajectory only", name);
    else if (a && b && !snx_value_same_kind(a, b))
        ctx->rc = snx_error(SNX_ETYPE, "merge: \"%s\" holds a %s here and a %s in the other "
                                       "trajectory", name, snx_type_name(a->type),
                            snx_type_name(b->type));
    else if (!snx_par_is_explored(mine) && a && b && !snx_value_equal(a, b))
        ctx->rc = snx_error(SNX_EINVAL, "merge: \"%s\" differs and is not explored (its "
                                        "runs would not be comparable)", name);
    return ctx->rc;
}

static int count_parameter(snx_node *node, void *count)
{
    *(size_t *)count += snx_node_kind_of(node) == SNX_NODE_PARAMETER;
    return 0;
}

static size_t count_parameters(snx_traj *traj)
{
    size_t n = 0;
    if (snx_traj_contains(traj, "parameters"))
        snx_node_iter(snx_traj_get(traj, "parameters"), &(snx_iter_opts){ .no_links = true },
                      count_parameter, &n);
    return n;
}

static int check_space(snx_traj *traj, snx_traj *other)
{
    snx_node *params = snx_traj_contains(other, "parameters") ? snx_traj_get(other, "parameters")
                                                              : NULL;
    space_check ctx = { traj, 0 };
    if (params)
        snx_node_iter(params, &(snx_iter_opts){ .no_links = true }, check_parameter, &ctx);
    if (!ctx.rc && count_parameters(traj) != count_parameters(other))
        ctx.rc = snx_error(SNX_EINVAL, "merge: this trajectory has parameters the other lacks "
                                       "(merging needs the same parameters)");
    return ctx.rc;
}

/* ---- 2. which runs ---------------------------------------------------------------- */

/* Whether run a of ta and run b of tb have the same explored values (skip: a
 * parameter not compared, the trial parameter). */
static bool same_point(snx_traj *ta, long a, snx_traj *tb, long b, const snx_node *skip)
{
    for (size_t k = 0; k < snx_traj_n_explored(ta); k++) {
        snx_node *pa = snx_traj_explored(ta, k);
        if (pa == skip)
            continue;
        snx_node *pb = snx_traj_get(tb, snx_node_full_name(pa));
        if (!pb || !snx_value_equal(snx_par_range_at(pa, (size_t)a), snx_par_range_at(pb, (size_t)b)))
            return false;
    }
    return true;
}

/* The other's runs to take, in their order (malloc'ed into *out); their count. */
static long choose_runs(snx_traj *traj, snx_traj *other, bool remove_duplicates, long **out)
{
    long n_mine = (long)snx_traj_n_runs(traj), n_other = (long)snx_traj_n_runs(other), n = 0;
    long *take = snx_malloc((size_t)(n_other + 1) * sizeof *take);
    if (!take)
        return SNX_ENOMEM;
    for (long b = 0; b < n_other; b++) {
        bool duplicate = false;
        for (long a = 0; remove_duplicates && !duplicate && a < n_mine; a++)
            duplicate = same_point(traj, a, other, b, NULL);
        for (long k = 0; remove_duplicates && !duplicate && k < n; k++)
            duplicate = same_point(other, take[k], other, b, NULL);
        if (!duplicate)
            take[n++] = b;
    }
    if (!n) {
        free(take);
        return snx_error(SNX_EINVAL, "merge: every run of \"%s\" is a duplicate: nothing to "
                                     "merge", snx_traj_name(other));
    }
    *out = take;
    return n;
}

/* ---- 3. the ranges ------------------------------------------------------------------ */

/* The trial parameter's shift: one past this trajectory's largest trial. */
static int trial_offset(snx_node *trial, int64_t *offset)
{
    const snx_value *d = snx_par_peek(trial);
    if (!snx_par_is_explored(trial) || !d || d->type != SNX_T_INT)
        return snx_error(SNX_ETYPE, "merge: the trial parameter \"%s\" must be an explored int",
                         snx_node_full_name(trial));
    int64_t max = 0;
    for (size_t k = 0; k < snx_par_range_length(trial); k++) {
        int64_t v = snx_value_int(snx_par_range_at(trial, k));
        max = k == 0 || v > max ? v : max;
    }
    *offset = max + 1;
    return 0;
}

static int expand_ranges(snx_traj *traj, snx_traj *other, const long *take, long n,
                         snx_node *trial)
{
    int64_t offset = 0;
    int rc = trial ? trial_offset(trial, &offset) : 0;
    snx_ranges *r = rc ? NULL : snx_ranges_new();
    snx_value *values = rc ? NULL : snx_calloc((size_t)n, sizeof *values);
    for (size_t k = 0; !rc && k < snx_traj_n_explored(traj); k++) {
        snx_node *mine = snx_traj_explored(traj, k);
        snx_node *theirs = snx_traj_get(other, snx_node_full_name(mine));
        for (long j = 0; !rc && j < n; j++) {
            const snx_value *v = snx_par_range_at(theirs, (size_t)take[j]);
            rc = mine == trial ? (values[j] = snx_int(snx_value_int(v) + offset), 0)
                               : snx_value_copy(&values[j], v);
        }
        if (!rc)
            rc = snx_ranges_add(r, snx_node_full_name(mine), values, (size_t)n);
    }
    if (!rc && (!r || !values))
        rc = SNX_ENOMEM;
    if (!rc)
        rc = snx_traj_expand(traj, r);
    snx_ranges_free(r);
    free(values);
    return rc;
}

/* ---- 4. the data ---------------------------------------------------------------------- */

/* The run index a name component stands for ("run_00000012" → 12), or -1. */
static long run_component(const char *c, size_t len)
{
    if (len < 12 || strncmp(c, "run_", 4) != 0)
        return -1;
    long idx = 0;
    for (size_t k = 4; k < len; k++) {
        if (c[k] < '0' || c[k] > '9')
            return -1;
        idx = idx * 10 + (c[k] - '0');
    }
    return idx;
}

static bool is_run_set(const char *c, size_t len)
{
    return len > 8 && strncmp(c, "run_set_", 8) == 0;
}

/* The run a full name belongs to (its first run_XXXXXXXX component), or -1. */
static long run_of(const char *full)
{
    for (const char *p = full; *p;) {
        size_t len = strcspn(p, ".");
        long idx = run_component(p, len);
        if (idx >= 0)
            return idx;
        p += len + (p[len] == '.');
    }
    return -1;
}

/* full with its run component renamed to new_idx and run_set buckets recomputed. */
static char *renamed(const char *full, long new_idx)
{
    snx_buf out = { 0 };
    for (const char *p = full; *p;) {
        size_t len = strcspn(p, ".");
        if (out.len)
            snx_buf_puts(&out, ".");
        if (run_component(p, len) >= 0)
            snx_buf_printf(&out, "run_%08ld", new_idx);
        else if (is_run_set(p, len))
            snx_buf_printf(&out, "run_set_%05ld", new_idx / 1000);
        else
            snx_buf_append(&out, p, len);
        p += len + (p[len] == '.');
    }
    return snx_buf_take(&out);
}

static bool ignored(const char *full, const char *const *ignore)
{
    for (size_t k = 0; ignore && ignore[k]; k++) {
        size_t n = strlen(ignore[k]);
        if (!strncmp(full, ignore[k], n) && (full[n] == '\0' || full[n] == '.'))
            return true;
    }
    return false;
}

static int copy_annotations(snx_node *to, const snx_node *from)
{
    int rc = 0;
    for (size_t k = 0; !rc && k < snx_node_n_annotations(from); k++) {
        const char *key;
        const snx_value *v = snx_node_annotation_at(from, k, &key);
        snx_value copy;
        rc = snx_value_copy(&copy, v);
        if (!rc)
            rc = snx_node_annotate(to, key, copy);
    }
    return rc;
}

/* An item's name in the copy: positional items are named after their result (z, z_1,
 * z_2 ...), and a result below a `$` path changes its name with the run. */
static char *item_name(const char *item, const char *from, const char *to)
{
    size_t n = strlen(from);
    bool positional = !strncmp(item, from, n) &&
                      (item[n] == '\0' || (item[n] == '_' && item[n + 1] &&
                                           strspn(item + n + 1, "0123456789") == strlen(item + n + 1)));
    snx_buf out = { 0 };
    snx_buf_printf(&out, "%s%s", positional ? to : item, positional ? item + n : "");
    return snx_buf_take(&out);
}

/* A copy of leaf `from` (a result or derived parameter) at full name `name`. */
static int copy_leaf(snx_traj *traj, const snx_node *from, const char *name)
{
    snx_node *to;
    if (snx_node_kind_of(from) == SNX_NODE_RESULT) {
        to = snx_traj_add_result(traj, name, snx_none(), snx_node_comment(from));
        for (size_t k = 0; to && k < snx_result_n_items(from); k++) {
            const char *item;
            snx_value copy;
            const snx_value *v = snx_result_item_at(from, k, &item);
            char *renamed_item = item_name(item, snx_node_name(from), snx_node_name(to));
            int rc = !renamed_item ? SNX_ENOMEM
                     : snx_value_copy(&copy, v) ? snx_errcode()
                                               : snx_result_set(to, renamed_item, copy);
            free(renamed_item);
            if (rc)
                return rc;
        }
    } else {
        snx_value copy = snx_none();
        const snx_value *v = snx_par_peek(from);
        if (v && snx_value_copy(&copy, v))
            return snx_errcode();
        to = snx_traj_add_derived(traj, name, copy, snx_node_comment(from));
    }
    return to ? copy_annotations(to, from) : snx_errcode();
}

typedef struct data_ctx {
    snx_traj *traj;
    const long *new_idx;   /* other's run index → new index, or -1 (not merged) */
    long n_other;
    const char *const *ignore;
    int rc;
} data_ctx;

static int copy_data_leaf(snx_node *node, void *ctx_)
{
    data_ctx *ctx = ctx_;
    if (!snx_node_is_leaf(node))
        return 0;
    const char *full = snx_node_full_name(node);
    if (ignored(full, ctx->ignore))
        return 0;
    long run = run_of(full);
    if (run >= ctx->n_other || (run >= 0 && ctx->new_idx[run] < 0))
        return 0; /* a run that is not merged */
    if (run < 0) { /* trajectory level: only what this trajectory lacks */
        snx_node *mine = snx_traj_contains(ctx->traj, full) ? snx_traj_get(ctx->traj, full) : NULL;
        if (mine && !strcmp(snx_node_full_name(mine), full))
            return 0;
        ctx->rc = copy_leaf(ctx->traj, node, full);
    } else {
        char *name = renamed(full, ctx->new_idx[run]);
        ctx->rc = name ? copy_leaf(ctx->traj, node, name) : SNX_ENOMEM;
        free(name);
    }
    if (ctx->rc)
        snx_error_context("merge: copying \"%s\"", full);
    return ctx->rc;
}

static int copy_data(snx_traj *traj, snx_traj *other, const long *new_idx,
                     const char *const *ignore)
{
    data_ctx ctx = { traj, new_idx, (long)snx_traj_n_runs(other), ignore, 0 };
    const char *branches[2] = { "results", "derived_parameters" };
    for (int b = 0; b < 2 && !ctx.rc; b++) {
        snx_node *root = snx_traj_contains(other, branches[b]) ? snx_traj_get(other, branches[b])
                                                               : NULL;
        if (root)
            snx_node_iter(root, &(snx_iter_opts){ .no_links = true }, copy_data_leaf, &ctx);
    }
    return ctx.rc;
}

static int copy_run_info(snx_traj *traj, snx_traj *other, const long *take, long n, long first)
{
    for (long j = 0; j < n; j++) {
        snx_run_info info;
        int rc = snx_traj_run_info(other, take[j], &info);
        if (!rc) {
            info.idx = first + j;
            rc = snx_traj_set_run_info(traj, first + j, &info);
        }
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- 5. the record -------------------------------------------------------------------- */

typedef struct config_ctx {
    snx_traj *traj;
    int rc;
} config_ctx;

static int copy_config_leaf(snx_node *node, void *ctx_)
{
    config_ctx *ctx = ctx_;
    const char *full = snx_node_full_name(node);
    if (!snx_node_is_leaf(node) || snx_traj_contains(ctx->traj, full))
        return 0;
    snx_value copy = snx_none();
    const snx_value *v = snx_par_peek(node);
    if ((v && snx_value_copy(&copy, v)) ||
        !snx_traj_add_config(ctx->traj, full, copy, snx_node_comment(node)))
        ctx->rc = snx_errcode();
    return ctx->rc;
}

static int merge_config(snx_traj *traj, snx_traj *other)
{
    config_ctx ctx = { traj, 0 };
    const char *groups[2] = { "config.environment", "config.merge" };
    for (int g = 0; g < 2 && !ctx.rc; g++)
        if (snx_traj_contains(other, groups[g]))
            snx_node_iter(snx_traj_get(other, groups[g]), &(snx_iter_opts){ .no_links = true },
                          copy_config_leaf, &ctx);
    return ctx.rc;
}

static int record_merge(snx_traj *traj, snx_traj *other, long n_merged, long first,
                        const snx_merge_opts *o)
{
    char prefix[64];
    int k = 0;
    do
        snprintf(prefix, sizeof prefix, "config.merge.merge_%03d", k++);
    while (snx_traj_contains(traj, prefix));
    snx_error_clear();
    struct { const char *name; snx_value value; const char *comment; } items[] = {
        { "other_trajectory", snx_str(snx_traj_name(other)), "the trajectory merged in" },
        { "other_runs", snx_int((int64_t)snx_traj_n_runs(other)), "its number of runs" },
        { "merged_runs", snx_int(n_merged), "runs taken from it" },
        { "first_run", snx_int(first), "the index its first merged run got" },
        { "remove_duplicates", snx_bool(o->remove_duplicates), "duplicate points skipped" },
        { "trial_parameter", snx_str(o->trial_parameter ? o->trial_parameter : ""),
          "shifted past this trajectory's trials" },
        { "timestamp", snx_double((double)time(NULL)), "when, seconds since the epoch" },
    };
    int rc = 0;
    for (size_t i = 0; i < sizeof items / sizeof *items; i++) {
        char name[128];
        snprintf(name, sizeof name, "%s.%s", prefix, items[i].name);
        if (rc)
            snx_value_clear(&items[i].value);
        else if (!snx_traj_add_config(traj, name, items[i].value, items[i].comment))
            rc = snx_errcode();
    }
    return rc;
}

/* ---- merging ----------------------------------------------------------------------------- */

long snx_traj_merge(snx_traj *traj, snx_traj *other, const snx_merge_opts *opts)
{
    snx_merge_opts o = opts ? *opts : (snx_merge_opts){ 0 };
    if (!traj || !other || traj == other)
        return snx_error(SNX_EINVAL, "merge: two different trajectories are needed");
    if (snx_traj_in_run(traj) || snx_traj_in_run(other))
        return snx_error(SNX_ESTATE, "merge: not during a run");
    snx_node *trial = o.trial_parameter ? snx_traj_get(traj, o.trial_parameter) : NULL;
    if (o.trial_parameter && !trial)
        return snx_error_context("merge: trial parameter");
    int rc = check_space(traj, other);
    long *take = NULL, first = (long)snx_traj_n_runs(traj);
    long n = rc ? rc : choose_runs(traj, other, o.remove_duplicates, &take);
    if (n < 0)
        return n;
    long *new_idx = snx_malloc((snx_traj_n_runs(other) + 1) * sizeof *new_idx);
    for (size_t b = 0; new_idx && b < snx_traj_n_runs(other); b++)
        new_idx[b] = -1;
    for (long j = 0; new_idx && j < n; j++)
        new_idx[take[j]] = first + j;
    rc = !new_idx ? SNX_ENOMEM
         : snx_traj_n_explored(traj) ? expand_ranges(traj, other, take, n, trial)
                                      : snx_error(SNX_EINVAL, "merge: nothing is explored, so "
                                                              "there are no runs to add");
    if (!rc)
        rc = copy_data(traj, other, new_idx, o.ignore_data);
    if (!rc)
        rc = copy_run_info(traj, other, take, n, first);
    if (!rc && !o.no_config)
        rc = merge_config(traj, other);
    if (!rc && !o.no_info)
        rc = record_merge(traj, other, n, first, &o);
    free(take);
    free(new_idx);
    return rc ? rc : n;
}
