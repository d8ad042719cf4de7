/* Lookup: full names, partial names and breadth-first shortcuts, answered from the
 * name index. For every component of a dotted name the shallowest node of that name
 * below the current node wins; two at the same depth are a NotUniqueNode error. A
 * direct child is always the shallowest, so full names cost one map lookup per
 * component; shortcuts cost O(nodes with that name × depth). */
#include "traj_internal.h"
#include "snex/error.h"
#include "snex/util.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

static snx_node *direct_child(const snx_node *cur, const char *name, int with_links)
{
    snx_node *c = traj_child(cur, name);
    if (c || !with_links)
        return c;
    for (size_t k = 0; k < cur->n_links; k++)
        if (strcmp(cur->links[k].name, name) == 0)
            return cur->links[k].target;
    return NULL;
}

/* Whether `cand` lies below `cur` without passing another run's group (when the
 * trajectory is set to a run, searches skip other runs' subtrees). */
static int reachable(const snx_traj *t, const snx_node *cur, const snx_node *cand)
{
    int restrict_runs = t->run_idx >= 0 &&
                        (cand->branch == SNX_BRANCH_RESULTS || cand->branch == SNX_BRANCH_DERIVED);
    const snx_node *p = cand;
    while (p && p->depth > cur->depth) {
        if (restrict_runs && p->run_group >= 0 && p->run_group != t->run_idx)
            return 0;
        p = p->parent;
    }
    return p == cur;
}

static snx_node *search_below(snx_traj *t, snx_node *cur, const char *name, int max_depth,
                              int base_depth)
{
    node_list *l = snx_map_get(t->index, name);
    snx_node *best = NULL, *rival = NULL;
    int best_depth = INT_MAX;
    for (size_t k = 0; l && k < l->n; k++) {
        snx_node *cand = l->nodes[k];
        if (cand->depth <= cur->depth || cand->depth > best_depth)
            continue;
        if (max_depth > 0 && cand->depth - base_depth > max_depth)
            continue;
        if (!reachable(t, cur, cand))
            continue;
        if (cand->depth < best_depth) {
            best = cand;
            best_depth = cand->depth;
            rival = NULL;
        } else {
            rival = cand;
        }
    }
    if (rival) {
        snx_error(SNX_ENOTUNIQUE,
                  "\"%s\" is not unique: \"%s\" and \"%s\" are both %d levels below \"%s\"",
                  name, best->full_name, rival->full_name, best_depth - cur->depth,
                  cur->parent ? cur->full_name : "the root");
        return NULL;
    }
    return best;
}

snx_node *traj_find(snx_traj *t, snx_node *start, char *const *comps,
                    const snx_find_opts *opts)
{
    static const snx_find_opts defaults = { 0 };
    if (!opts)
        opts = &defaults;
    snx_node *cur = start;
    char run_all[SNX_RUN_NAME_BUF];
    snx_run_name(run_all, -1);
    for (size_t k = 0; comps[k]; k++) {
        if (cur->kind != SNX_NODE_GROUP) {
            snx_error(SNX_ENOTFOUND, "\"%s\" is a leaf, it has no \"%s\"", cur->full_name,
                      comps[k]);
            return NULL;
        }
        snx_node *next = NULL;
        if (!opts->max_depth || cur->depth + 1 - start->depth <= opts->max_depth)
            next = direct_child(cur, comps[k], !opts->no_links);
        if (!next && !opts->no_shortcuts) {
            snx_error_clear();
            next = search_below(t, cur, comps[k], opts->max_depth, start->depth);
            if (!next && snx_errcode() == SNX_ENOTUNIQUE)
                return NULL;
        }
        /* crun falls back to run_ALL: data made before the runs serves every run. */
        if (!next && t->run_idx >= 0 && traj_run_group_index(comps[k]) == t->run_idx)
            next = direct_child(cur, run_all, !opts->no_links);
        if (!next) {
            snx_error(SNX_ENOTFOUND, "no \"%s\" below \"%s\"%s", comps[k],
                      cur->parent ? cur->full_name : "the root",
                      opts->no_shortcuts ? " (without shortcuts)" : "");
            return NULL;
        }
        cur = next;
    }
    return cur;
}

static char *joined(const snx_node *start, char *const *comps)
{
    snx_buf b = { 0 };
    if (start->parent)
        snx_buf_puts(&b, start->full_name);
    for (size_t k = 0; comps[k]; k++)
        snx_buf_printf(&b, "%s%s", b.len ? "." : "", comps[k]);
    return snx_buf_take(&b);
}

snx_node *snx_node_get(snx_node *start, const char *name, const snx_find_opts *opts)
{
    if (!start || !name) {
        snx_error(SNX_EINVAL, "get: NULL %s", start ? "name" : "start node");
        return NULL;
    }
    snx_traj *t = start->traj;
    char **comps = traj_split_name(t, name, NULL);
    if (!comps)
        return NULL;
    snx_node *n = traj_find(t, start, comps, opts);
    if (!n && snx_errcode() == SNX_ENOTFOUND && t->auto_load && t->storage_ops) {
        /* Auto-loading needs the real place in the file: no shortcuts. */
        char *full = joined(start, comps);
        if (full && traj_auto_load_missing(t, full) == 0) {
            snx_find_opts strict = opts ? *opts : (snx_find_opts){ 0 };
            strict.no_shortcuts = 1;
            n = traj_find(t, start, comps, &strict);
        }
        free(full);
    }
    if (n && n->kind != SNX_NODE_GROUP && t->auto_load && snx_leaf_is_empty(n) &&
        traj_auto_load_leaf(t, n) != 0)
        n = NULL;
    traj_free_components(comps);
    return n;
}

snx_node *snx_traj_get(snx_traj *traj, const char *name)
{
    return snx_node_get(traj->root, name, NULL);
}

int snx_traj_contains(snx_traj *traj, const char *name)
{
    int auto_load = traj->auto_load;
    traj->auto_load = 0;
    snx_node *n = snx_traj_get(traj, name);
    traj->auto_load = auto_load;
    snx_error_clear();
    return n != NULL;
}

/* Whether the ancestors of n contain comps[0..last) in this order (not necessarily
 * adjacent: shortcuts may skip groups). */
static int ancestors_match(const snx_node *n, char *const *comps, size_t last)
{
    const snx_node *p = n->parent;
    for (size_t k = last; k-- > 0;) {
        while (p && strcmp(p->name, comps[k]) != 0)
            p = p->parent;
        if (!p)
            return 0;
        p = p->parent;
    }
    return 1;
}

static int by_depth(const void *a, const void *b)
{
    const snx_node *x = *(snx_node *const *)a, *y = *(snx_node *const *)b;
    return (x->depth > y->depth) - (x->depth < y->depth);
}

long snx_traj_get_all(snx_traj *traj, const char *name, snx_node ***out)
{
    char **comps = traj_split_name(traj, name, NULL);
    if (!comps)
        return snx_errcode();
    size_t n = traj_count_components(comps);
    node_list *l = snx_map_get(traj->index, comps[n - 1]);
    node_list found = { 0 };
    for (size_t k = 0; l && k < l->n; k++)
        if (ancestors_match(l->nodes[k], comps, n - 1) &&
            traj_add_to_list(&found, l->nodes[k])) {
            free(found.nodes);
            traj_free_components(comps);
            return SNX_ENOMEM;
        }
    traj_free_components(comps);
    if (found.n)
        qsort(found.nodes, found.n, sizeof *found.nodes, by_depth);
    *out = found.nodes;
    return (long)found.n;
}
