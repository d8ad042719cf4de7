/* The tree: creating nodes, the name index, children, links, removal and
 * iteration. */
#include "traj_internal.h"
#include "snex/error.h"
#include "snex/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int traj_add_to_list(node_list *l, snx_node *node)
{
    if (l->nodes_inline && l->n == l->cap) { /* move out of the inline slot first */
        snx_node **heap = snx_malloc(2 * l->cap * sizeof *heap);
        if (!heap)
            return SNX_ENOMEM;
        memcpy(heap, l->nodes, l->n * sizeof *heap);
        l->nodes = heap;
        l->cap *= 2;
        l->nodes_inline = 0;
    }
    if (snx_grow(&l->nodes, &l->cap, l->n + 1, sizeof *l->nodes))
        return SNX_ENOMEM;
    l->nodes[l->n++] = node;
    return 0;
}

void traj_remove_from_list(node_list *l, const snx_node *node)
{
    for (size_t k = l->n; k-- > 0;)
        if (l->nodes[k] == node) {
            memmove(&l->nodes[k], &l->nodes[k + 1], (l->n - k - 1) * sizeof *l->nodes);
            l->n--;
            return;
        }
}

static void free_list(void *p)
{
    node_list *l = p;
    if (!l->nodes_inline)
        free(l->nodes);
    free(l);
}

snx_map *traj_new_index(void) { return snx_map_new(free_list); }

/* Adds node to the list of `name` in an index (the name index or the link index). */
static int index_add(snx_map *index, const char *name, snx_node *node)
{
    node_list *l = snx_map_get(index, name);
    if (!l) {
        /* Most names are unique (run_00000042): one allocation holds the list and
         * its first slot. */
        if (!(l = snx_calloc(1, sizeof *l + sizeof(snx_node *))))
            return SNX_ENOMEM;
        l->nodes = (snx_node **)(l + 1);
        l->cap = 1;
        l->nodes_inline = 1;
        if (snx_map_put(index, name, l)) {
            free(l);
            return SNX_ENOMEM;
        }
    }
    return traj_add_to_list(l, node);
}

static void index_remove(snx_map *index, const char *name, const snx_node *node)
{
    node_list *l = snx_map_get(index, name);
    if (!l)
        return;
    traj_remove_from_list(l, node);
    if (!l->n)
        snx_map_remove(index, name);
}

enum { CHILD_MAP_MIN = 8 }; /* below this many children a scan is cheaper than a map */

snx_node *traj_child(const snx_node *group, const char *name)
{
    if (group->child_map)
        return snx_map_get(group->child_map, name);
    for (size_t k = 0; k < group->n_children; k++)
        if (strcmp(group->children[k]->name, name) == 0)
            return group->children[k];
    return NULL;
}

/* Registers the new child in the group's map, building the map when the group
 * grows past CHILD_MAP_MIN children. */
static int child_map_add(snx_node *group, snx_node *child)
{
    if (!group->child_map) {
        if (group->n_children < CHILD_MAP_MIN)
            return 0;
        if (!(group->child_map = snx_map_new(NULL)))
            return SNX_ENOMEM;
        for (size_t k = 0; k < group->n_children; k++)
            if (snx_map_put(group->child_map, group->children[k]->name, group->children[k])) {
                snx_map_free(group->child_map);
                group->child_map = NULL;
                return SNX_ENOMEM;
            }
    }
    return snx_map_put(group->child_map, child->name, child);
}

static snx_node *link_target(const snx_node *group, const char *name)
{
    for (size_t k = 0; k < group->n_links; k++)
        if (strcmp(group->links[k].name, name) == 0)
            return group->links[k].target;
    return NULL;
}

/* "parent.full.name" + "." + name; children of the root have no prefix. */
static char *join_name(const snx_node *parent, const char *name)
{
    size_t plen = parent->parent ? strlen(parent->full_name) : 0, nlen = strlen(name);
    char *full = snx_malloc(plen + 1 + nlen + 1);
    if (!full)
        return NULL;
    char *p = full;
    if (plen) {
        memcpy(p, parent->full_name, plen);
        p[plen] = '.';
        p += plen + 1;
    }
    memcpy(p, name, nlen + 1);
    return full;
}

static void free_names(snx_node *n)
{
    if (!n->parent)
        free(n->name); /* only the root owns its name; others point into full_name */
    free(n->full_name);
}

snx_node *traj_node_new(snx_traj *traj, snx_node *parent, const char *name,
                        snx_node_kind kind)
{
    if (parent && (link_target(parent, name) || traj_child(parent, name))) {
        snx_error(SNX_EEXIST, "\"%s\" exists already below \"%s\"", name,
                  parent->parent ? parent->full_name : "the root");
        return NULL;
    }
    snx_node *n = snx_calloc(1, sizeof *n);
    if (!n)
        return NULL;
    n->traj = traj;
    n->parent = parent;
    n->kind = kind;
    /* A node's short name is the tail of its full name (one allocation); only the
     * root, whose full name is "", owns its name separately. */
    n->full_name = parent ? join_name(parent, name) : snx_strdup("");
    n->name = !n->full_name ? NULL
            : parent ? n->full_name + strlen(n->full_name) - strlen(name) : snx_strdup(name);
    n->depth = parent ? parent->depth + 1 : 0;
    n->branch = !parent ? SNX_BRANCH_NONE
              : !parent->parent ? traj_branch_of(name) : parent->branch;
    n->run_group = kind == SNX_NODE_GROUP ? traj_run_group_index(name) : NOT_A_RUN_GROUP;
    if (!n->name || !n->full_name)
        goto fail;
    if (parent && strlen(parent->full_name) > SNX_LOCATION_MAX) {
        snx_error(SNX_ENAME, "\"%s\": location longer than %d characters", n->full_name,
                  SNX_LOCATION_MAX);
        goto fail;
    }
    if (!parent)
        return n;
    if (snx_grow(&parent->children, &parent->cap_children, parent->n_children + 1,
                 sizeof *parent->children) ||
        child_map_add(parent, n))
        goto fail;
    if (index_add(traj->index, n->name, n)) {
        if (parent->child_map)
            snx_map_remove(parent->child_map, n->name);
        goto fail;
    }
    parent->children[parent->n_children++] = n;
    traj->n_nodes++;
    if (traj->in_run)
        traj_add_to_list(&traj->run_added, n);
    return n;
fail:
    free_names(n);
    free(n);
    return NULL;
}

void traj_node_free(snx_node *n)
{
    if (!n)
        return;
    for (size_t k = 0; k < n->n_children; k++)
        traj_node_free(n->children[k]);
    free(n->children);
    snx_map_free(n->child_map);
    for (size_t k = 0; k < n->n_links; k++)
        free(n->links[k].name);
    free(n->links);
    traj_annotations_free(n);
    traj_par_free(n);
    traj_result_free(n);
    free(n->comment);
    free_names(n);
    free(n);
}

/* Checks that the groups comps[k..n) can be created below `cur` (which has no child
 * comps[k]): valid names, no link in the way, locations within the limit. */
static int check_new_groups(const snx_node *cur, char *const *comps, size_t k, size_t n)
{
    if (k < n && link_target(cur, comps[k]))
        return snx_error(SNX_EEXIST, "\"%s\" below \"%s\" is a link, not a group", comps[k],
                         cur->parent ? cur->full_name : "the root");
    size_t location = strlen(cur->full_name);
    for (; k < n; k++) {
        int rc = traj_check_name(comps[k], "adding a group");
        if (rc)
            return rc;
        if (location > SNX_LOCATION_MAX)
            return snx_error(SNX_ENAME, "adding group \"%s\": its location is longer than %d "
                             "characters", comps[k], SNX_LOCATION_MAX);
        location += (location ? 1 : 0) + strlen(comps[k]);
    }
    return 0;
}

snx_node *traj_make_groups(snx_traj *traj, snx_node *start, char *const *comps, size_t n,
                           snx_node **first_new)
{
    snx_node *cur = start;
    size_t k = 0;
    if (first_new)
        *first_new = NULL;
    for (snx_node *next; k < n && (next = traj_child(cur, comps[k])); k++, cur = next)
        if (next->kind != SNX_NODE_GROUP) {
            snx_error(SNX_ETYPE, "\"%s\" is a leaf and cannot hold children", next->full_name);
            return NULL;
        }
    if (check_new_groups(cur, comps, k, n))
        return NULL;
    snx_node *top = NULL;
    for (; k < n; k++) {
        snx_node *next = traj_node_new(traj, cur, comps[k], SNX_NODE_GROUP);
        if (!next) { /* out of memory: undo what this call created */
            traj_undo_node(top);
            return NULL;
        }
        if (!top)
            top = next;
        cur = next;
    }
    if (first_new)
        *first_new = top;
    return cur;
}

/* ---- public node accessors ---------------------------------------------- */

snx_traj *snx_node_traj(const snx_node *n) { return n->traj; }
snx_node_kind snx_node_kind_of(const snx_node *n) { return n->kind; }
bool snx_node_is_leaf(const snx_node *n) { return n->kind != SNX_NODE_GROUP; }
bool snx_node_is_root(const snx_node *n) { return n->parent == NULL; }
snx_branch snx_node_branch(const snx_node *n) { return n->branch; }
const char *snx_node_name(const snx_node *n) { return n->name; }
const char *snx_node_full_name(const snx_node *n) { return n->full_name; }
int snx_node_depth(const snx_node *n) { return n->depth; }
const char *snx_node_comment(const snx_node *n) { return n->comment ? n->comment : ""; }

snx_node *snx_node_parent(const snx_node *n)
{
    if (!n->parent)
        snx_error(SNX_ETYPE, "the root has no parent");
    return n->parent;
}

const char *snx_node_run_branch(const snx_node *n)
{
    for (const snx_node *p = n; p; p = p->parent)
        if (p->run_group >= 0)
            return p->name;
    return "trajectory";
}

int snx_node_set_comment(snx_node *n, const char *comment)
{
    char *c = NULL;
    if (comment && *comment && !(c = snx_strdup(comment)))
        return SNX_ENOMEM;
    free(n->comment);
    n->comment = c;
    return 0;
}

size_t snx_node_n_children(const snx_node *n) { return n->n_children; }
snx_node *snx_node_child(const snx_node *n, size_t i)
{
    return i < n->n_children ? n->children[i] : NULL;
}
snx_node *snx_node_child_named(const snx_node *n, const char *name)
{
    return traj_child(n, name);
}

static size_t count_kind(const snx_node *n, int groups)
{
    size_t c = 0;
    for (size_t k = 0; k < n->n_children; k++)
        c += (n->children[k]->kind == SNX_NODE_GROUP) == groups;
    return c;
}

size_t snx_node_n_groups(const snx_node *n) { return count_kind(n, 1); }
size_t snx_node_n_leaves(const snx_node *n) { return count_kind(n, 0); }
size_t snx_node_n_links(const snx_node *n) { return n->n_links; }

snx_node *snx_node_link(const snx_node *n, size_t i, const char **name)
{
    if (i >= n->n_links)
        return NULL;
    if (name)
        *name = n->links[i].name;
    return n->links[i].target;
}

/* ---- links ------------------------------------------------------------------ */

int snx_node_add_link(snx_node *group, const char *name, snx_node *target)
{
    if (!group || !name || !target)
        return snx_error(SNX_EINVAL, "add_link: NULL argument");
    if (group->kind != SNX_NODE_GROUP)
        return snx_error(SNX_ETYPE, "add_link: \"%s\" is a leaf, links live in groups",
                         group->full_name);
    if (target->traj != group->traj)
        return snx_error(SNX_EINVAL, "add_link: the target belongs to another trajectory");
    if (!target->parent)
        return snx_error(SNX_EINVAL, "add_link: cannot link to the root");
    int rc = traj_check_name(name, "add_link");
    if (rc)
        return rc;
    if (traj_child(group, name) || link_target(group, name))
        return snx_error(SNX_EEXIST, "add_link: \"%s\" exists already below \"%s\"", name,
                         group->full_name);
    snx_traj *t = group->traj;
    if (snx_grow(&group->links, &group->cap_links, group->n_links + 1, sizeof *group->links) ||
        snx_grow(&t->links, &t->cap_links, t->n_links + 1, sizeof *t->links))
        return SNX_ENOMEM;
    char *copy = snx_strdup(name);
    if (!copy)
        return SNX_ENOMEM;
    if (index_add(t->link_index, name, group)) {
        free(copy);
        return SNX_ENOMEM;
    }
    group->links[group->n_links++] = (link_entry){ copy, target };
    t->links[t->n_links++] = (traj_link){ group, target };
    return 0;
}

/* Removes link j of group from the group, the trajectory's list and the link index,
 * keeping the order of the group's other links. */
static void drop_link(snx_traj *t, snx_node *group, size_t j)
{
    link_entry *e = &group->links[j];
    for (size_t k = 0; k < t->n_links; k++)
        if (t->links[k].group == group && t->links[k].target == e->target) {
            t->links[k] = t->links[--t->n_links];
            break;
        }
    index_remove(t->link_index, e->name, group);
    free(e->name);
    memmove(e, e + 1, (group->n_links - j - 1) * sizeof *e);
    group->n_links--;
}

int snx_node_remove_link(snx_node *group, const char *name)
{
    for (size_t k = 0; name && k < group->n_links; k++)
        if (strcmp(group->links[k].name, name) == 0) {
            drop_link(group->traj, group, k);
            return 0;
        }
    return snx_error(SNX_ENOTFOUND, "no link \"%s\" below \"%s\"", name ? name : "(null)",
                     group->parent ? group->full_name : "the root");
}

int snx_traj_add_link(snx_traj *traj, const char *path, snx_node *target)
{
    char **comps = traj_split_name(traj, path, NULL);
    if (!comps)
        return snx_errcode();
    size_t n = traj_count_components(comps);
    snx_node *first_new = NULL;
    snx_node *group = traj_make_groups(traj, traj->root, comps, n - 1, &first_new);
    int rc = group ? snx_node_add_link(group, comps[n - 1], target) : snx_errcode();
    if (rc) /* the link was refused: do not leave its groups behind */
        traj_undo_node(first_new);
    traj_free_components(comps);
    return rc;
}

/* ---- removal ------------------------------------------------------------------ */

static int is_below(const snx_node *n, const snx_node *ancestor)
{
    for (; n; n = n->parent)
        if (n == ancestor)
            return 1;
    return 0;
}

/* Forget every reference the trajectory holds to nodes of the subtree. */
static void unregister_subtree(snx_traj *t, snx_node *n)
{
    for (size_t k = 0; k < n->n_children; k++)
        unregister_subtree(t, n->children[k]);
    index_remove(t->index, n->name, n);
    traj_remove_from_list(&t->run_added, n);
    if (n->kind == SNX_NODE_PARAMETER && n->range_len)
        traj_unexplore(t, n);
    t->n_nodes--;
}

static void drop_links_into(snx_traj *t, const snx_node *removed)
{
    for (size_t k = 0; k < t->n_links;) {
        traj_link l = t->links[k];
        if (!is_below(l.target, removed) && !is_below(l.group, removed)) {
            k++;
            continue;
        }
        /* drop_link takes this entry (the first with this group and target) off the
         * list, moving another one to k: look at k again. */
        size_t j = 0;
        while (j < l.group->n_links && l.group->links[j].target != l.target)
            j++;
        if (j < l.group->n_links)
            drop_link(t, l.group, j);
        else /* the lists disagree (a bug): at least never loop */
            t->links[k] = t->links[--t->n_links];
    }
}

int snx_node_remove(snx_node *n, snx_remove_mode mode)
{
    if (!n->parent)
        return snx_error(SNX_EINVAL, "the root cannot be removed");
    if (n->n_children && mode != SNX_REMOVE_RECURSIVE)
        return snx_error(SNX_ETYPE, "\"%s\" has children; remove it recursively",
                         n->full_name);
    snx_traj *t = n->traj;
    snx_node *p = n->parent;
    drop_links_into(t, n);
    unregister_subtree(t, n);
    if (p->child_map)
        snx_map_remove(p->child_map, n->name);
    for (size_t k = 0; k < p->n_children; k++)
        if (p->children[k] == n) {
            memmove(&p->children[k], &p->children[k + 1],
                    (p->n_children - k - 1) * sizeof *p->children);
            p->n_children--;
            break;
        }
    traj_node_free(n);
    return 0;
}

void traj_undo_node(snx_node *n)
{
    if (!n)
        return;
    char msg[1024];
    int rc = snx_errcode();
    snprintf(msg, sizeof msg, "%s", snx_errmsg());
    snx_node_remove(n, SNX_REMOVE_RECURSIVE);
    snx_error(rc, "%s", msg);
}

int snx_node_remove_child(snx_node *group, const char *name, snx_remove_mode mode)
{
    if (!name)
        return snx_error(SNX_EINVAL, "remove_child: NULL name");
    snx_node *c = traj_child(group, name);
    if (!c)
        return snx_error(SNX_EINVAL, "\"%s\" has no child \"%s\"",
                         group->parent ? group->full_name : "the root", name);
    return snx_node_remove(c, mode);
}

/* ---- iteration ------------------------------------------------------------ */

typedef struct {
    const snx_iter_opts *opts;
    int (*visit)(snx_node *, void *);
    void *ctx;
    snx_map *seen; /* only when links may lead to a node twice */
} iter_state;

static int iter_node(iter_state *s, snx_node *n, int depth);

/* Children first, then link targets; `depth` is the children's depth below the
 * start node along the path taken (a link target deep in the tree is one level
 * below the group holding the link). */
static int iter_children(iter_state *s, snx_node *n, int depth)
{
    for (size_t k = 0; k < n->n_children; k++) {
        int rc = iter_node(s, n->children[k], depth);
        if (rc)
            return rc;
    }
    for (size_t k = 0; !s->opts->no_links && k < n->n_links; k++) {
        int rc = iter_node(s, n->links[k].target, depth);
        if (rc)
            return rc;
    }
    return 0;
}

/* 1 if n was met before (through a link or its real parent); else remembers it. */
static int seen_before(iter_state *s, const snx_node *n)
{
    if (!s->seen)
        return 0;
    char key[32];
    snprintf(key, sizeof key, "%p", (const void *)n);
    if (snx_map_has(s->seen, key))
        return 1;
    return snx_map_put(s->seen, key, (void *)n) ? -1 : 0;
}

static int iter_node(iter_state *s, snx_node *n, int depth)
{
    const snx_iter_opts *o = s->opts;
    int seen = seen_before(s, n);
    if (seen)
        return seen < 0 ? SNX_ENOMEM : 0;
    if (o->predicate && !o->predicate(n, o->predicate_ctx))
        return 0;
    int rc = s->visit(n, s->ctx);
    if (rc)
        return rc;
    if (o->non_recursive || (o->max_depth > 0 && depth >= o->max_depth))
        return 0;
    return iter_children(s, n, depth + 1);
}

int snx_node_iter(snx_node *start, const snx_iter_opts *opts,
                  int (*visit)(snx_node *node, void *ctx), void *ctx)
{
    static const snx_iter_opts defaults = { 0 };
    iter_state s = { opts ? opts : &defaults, visit, ctx, NULL };
    if (!start || !visit)
        return snx_error(SNX_EINVAL, "iter: NULL %s", start ? "visit function" : "start node");
    /* Links may lead back to the start or to a node twice: remember what was met. */
    if (!s.opts->no_links && start->traj->n_links &&
        (!(s.seen = snx_map_new(NULL)) || seen_before(&s, start) < 0)) {
        snx_map_free(s.seen);
        return SNX_ENOMEM;
    }
    int rc = iter_children(&s, start, 1);
    snx_map_free(s.seen);
    return rc;
}

bool snx_pred_runs(snx_node *n, void *run_filter)
{
    const snx_run_filter *f = run_filter;
    if (n->run_group == NOT_A_RUN_GROUP)
        return 1;
    long idx = n->run_group == RUN_ALL_GROUP ? -1 : n->run_group;
    for (size_t k = 0; k < f->n; k++)
        if (f->runs[k] == idx)
            return 1;
    return 0;
}

typedef struct {
    snx_map *map;
    bool short_names;
    int rc;
} to_map_state;

static int add_leaf_to_map(snx_node *n, void *ctx)
{
    to_map_state *s = ctx;
    if (n->kind == SNX_NODE_GROUP)
        return 0;
    const char *key = s->short_names ? n->name : n->full_name;
    snx_node *other = snx_map_get(s->map, key);
    if (other && other != n)
        return s->rc = snx_error(SNX_ENOTUNIQUE, "short name \"%s\" is used by \"%s\" and \"%s\"",
                                 key, other->full_name, n->full_name);
    if (snx_map_put(s->map, key, n))
        return s->rc = SNX_ENOMEM;
    return 0;
}

snx_map *snx_node_to_map(snx_node *start, snx_map_keys keys)
{
    to_map_state s = { snx_map_new(NULL), keys == SNX_KEYS_SHORT_NAMES, 0 };
    if (!s.map)
        return NULL;
    int rc = snx_node_iter(start, NULL, add_leaf_to_map, &s);
    if (rc || s.rc) {
        snx_map_free(s.map);
        return NULL;
    }
    return s.map;
}
