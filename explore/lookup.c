/* Lookup: full names, partial names and shortcuts, answered from the name index.
 *
 * A dotted name a.b.c is first followed as a path of direct children (full names
 * cost one map lookup per component). Failing that, with shortcuts, the candidates
 * are the indexed nodes (and links) named `c` below the start node whose ancestors
 * contain a and b in this order, possibly with groups in between (pypet's rule:
 * "a.b.c" also finds a.x.b.y.c). The shallowest candidate wins; two at the same
 * depth are a NotUniqueNode error. Cost: O(nodes named c x depth), independent of
 * tree size. A link in the middle of a name ("link.leaf") is resolved component by
 * component, as pypet does. */
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

static snx_node *follow_path(snx_node *start, char *const *comps, const snx_find_opts *o)
{
    snx_node *cur = start;
    for (size_t k = 0; comps[k] && cur; k++) {
        if (cur->kind != SNX_NODE_GROUP ||
            (o->max_depth > 0 && (int)k + 1 > o->max_depth))
            return NULL;
        cur = direct_child(cur, comps[k], !o->no_links);
    }
    return cur;
}

/* Whether a node whose parent is `parent` (in `branch`) lies below `start` with
 * comps[0..last) among the groups in between (in order). When a run is set, the
 * search passes no other run's group, unless the name asks for it
 * ("results.run_00000004.z" still finds run 4's z). */
static int matches(const snx_traj *t, const snx_node *start, const snx_node *parent,
                   snx_branch branch, char *const *comps, size_t last)
{
    int restrict_runs = t->run_idx >= 0 &&
                        (branch == SNX_BRANCH_RESULTS || branch == SNX_BRANCH_DERIVED);
    size_t want = last; /* components still to match, from the bottom */
    const snx_node *p = parent;
    while (p && p->depth > start->depth) {
        if (want && strcmp(p->name, comps[want - 1]) == 0)
            want--;
        else if (restrict_runs && p->run_group >= 0 && p->run_group != t->run_idx)
            return 0;
        p = p->parent;
    }
    return p == start && want == 0;
}

/* The shallowest candidate so far, and another one at its depth if any. */
typedef struct pick {
    snx_node *best, *rival;
    int depth; /* below the start node */
} pick;

static void consider(pick *p, snx_node *node, int depth)
{
    if (depth < p->depth) {
        *p = (pick){ node, NULL, depth };
    } else if (depth == p->depth && node != p->best) {
        p->rival = node; /* a link to the best node is the same node, not a rival */
    }
}

/* Candidates named comps[n-1]: indexed nodes, and links of that name (a link counts
 * as a child of the group holding it, pointing elsewhere). *depth (may be NULL) gets
 * the depth of the answer below start along the path taken. */
static snx_node *search(snx_traj *t, snx_node *start, char *const *comps,
                        const snx_find_opts *o, int *depth_out)
{
    size_t n = traj_count_components(comps);
    const char *name = comps[n - 1];
    int limit = o->max_depth > 0 ? o->max_depth : INT_MAX;
    pick p = { NULL, NULL, INT_MAX };
    node_list *l = snx_map_get(t->index, name);
    for (size_t k = 0; l && k < l->n; k++) {
        snx_node *cand = l->nodes[k];
        int depth = cand->depth - start->depth;
        if (depth > 0 && depth <= p.depth && depth <= limit &&
            matches(t, start, cand->parent, cand->branch, comps, n - 1))
            consider(&p, cand, depth);
    }
    node_list *groups = o->no_links ? NULL : snx_map_get(t->link_index, name);
    for (size_t k = 0; groups && k < groups->n; k++) {
        snx_node *g = groups->nodes[k];
        int depth = g->depth + 1 - start->depth;
        if (depth > 0 && depth <= p.depth && depth <= limit &&
            matches(t, start, g, g->branch, comps, n - 1))
            consider(&p, direct_child(g, name, 1), depth);
    }
    if (p.rival) {
        snx_error(SNX_ENOTUNIQUE,
                  "\"%s\" is not unique: \"%s\" and \"%s\" are both %d levels below %s%s%s",
                  name, p.best->full_name, p.rival->full_name, p.depth,
                  start->parent ? "\"" : "", start->parent ? start->full_name : "the root",
                  start->parent ? "\"" : "");
        return NULL;
    }
    if (depth_out)
        *depth_out = p.depth;
    return p.best;
}

/* pypet resolves a dotted name one component at a time, each found below the node
 * the previous one reached. The index search matches whole names against real
 * ancestors, which a link is not, so "link.leaf" (a leaf somewhere below the link's
 * target) needs this step-by-step walk. */
static snx_node *find_stepwise(snx_traj *t, snx_node *start, char *const *comps,
                               const snx_find_opts *o)
{
    snx_node *cur = start;
    int depth = 0; /* along the path taken: a link counts one level */
    for (size_t k = 0; comps[k]; k++) {
        snx_find_opts sub = *o;
        if (o->max_depth > 0 && (sub.max_depth = o->max_depth - depth) <= 0)
            return NULL;
        char *one[2] = { comps[k], NULL };
        int step = 1;
        snx_node *next = cur->kind == SNX_NODE_GROUP ? direct_child(cur, comps[k], 1) : NULL;
        if (!next && cur->kind == SNX_NODE_GROUP)
            next = search(t, cur, one, &sub, &step);
        if (!next)
            return NULL;
        depth += step;
        cur = next;
    }
    return cur;
}

static snx_node *find_once(snx_traj *t, snx_node *start, char *const *comps,
                           const snx_find_opts *o)
{
    snx_node *n = follow_path(start, comps, o);
    if (n || o->no_shortcuts)
        return n;
    n = search(t, start, comps, o, NULL);
    if (!n && snx_errcode() != SNX_ENOTUNIQUE && comps[1] && t->n_links && !o->no_links)
        n = find_stepwise(t, start, comps, o);
    return n;
}

/* crun falls back to run_ALL: data made before the runs serves every run. */
static int swap_run_for_run_all(const snx_traj *t, char **comps, char **saved)
{
    for (size_t k = 0; comps[k]; k++)
        if (t->run_idx >= 0 && traj_run_group_index(comps[k]) == t->run_idx) {
            *saved = comps[k];
            comps[k] = SNX_RUN_ALL;
            return (int)k;
        }
    return -1;
}

snx_node *traj_find(snx_traj *t, snx_node *start, char *const *comps,
                    const snx_find_opts *opts)
{
    static const snx_find_opts defaults = { 0 };
    const snx_find_opts *o = opts ? opts : &defaults;
    if (!comps[0]) {
        snx_error(SNX_EINVAL, "empty name");
        return NULL;
    }
    snx_error_clear();
    snx_node *n = find_once(t, start, comps, o);
    if (!n && snx_errcode() != SNX_ENOTUNIQUE) {
        char *saved = NULL, **mutable_comps = (char **)comps;
        int at = swap_run_for_run_all(t, mutable_comps, &saved);
        if (at >= 0) {
            n = find_once(t, start, comps, o);
            mutable_comps[at] = saved;
        }
    }
    if (!n && snx_errcode() != SNX_ENOTUNIQUE) {
        snx_buf b = { 0 };
        for (size_t k = 0; comps[k]; k++)
            snx_buf_printf(&b, "%s%s", k ? "." : "", comps[k]);
        snx_error(SNX_ENOTFOUND, "no \"%s\" below %s%s%s%s", b.data ? b.data : "",
                  start->parent ? "\"" : "", start->parent ? start->full_name : "the root",
                  start->parent ? "\"" : "", o->no_shortcuts ? " (without shortcuts)" : "");
        snx_buf_free(&b);
    }
    return n;
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
    if (n && n->kind != SNX_NODE_GROUP && t->auto_load && t->storage_ops &&
        snx_leaf_is_empty(n) && traj_auto_load_leaf(t, n) != 0)
        n = NULL;
    traj_free_components(comps);
    return n;
}

snx_node *snx_traj_get(snx_traj *traj, const char *name)
{
    return snx_node_get(traj->root, name, NULL);
}

bool snx_traj_contains(snx_traj *traj, const char *name)
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

/* Shallowest first; full names break ties so the order never depends on qsort. */
static int by_depth(const void *a, const void *b)
{
    const snx_node *x = *(snx_node *const *)a, *y = *(snx_node *const *)b;
    if (x->depth != y->depth)
        return (x->depth > y->depth) - (x->depth < y->depth);
    return strcmp(x->full_name, y->full_name);
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
