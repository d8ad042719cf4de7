/* Loading the tree: whole branches at a load level (SKELETON: names, comments and
 * annotations; DATA: values too, keeping non-empty leaves; OVERWRITE: replacing
 * them), single nodes with partial loads of named items, and nodes missing from the
 * tree (auto-loading). Links are collected while walking and added at the end, when
 * their targets are in. Nodes are found child by child (h5_find_exact), never with
 * lookups that could auto-load in the middle of a load. */
#include "hdf5_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snex/error.h"
#include "snex/util.h"

typedef struct load_ctx {
    h5s *s;
    snx_traj *traj;
    snx_load_level level;
    const char *prefix; /* tree name of the group being read */
    int rc;
    int skip_branches;  /* at the root: only what lies outside the four branches */
} load_ctx;

static int is_branch(const char *name)
{
    return strcmp(name, "config") == 0 || strcmp(name, "parameters") == 0 ||
           strcmp(name, "derived_parameters") == 0 || strcmp(name, "results") == 0;
}

static int wanted(const char *name, const char *const *only, const char *const *except)
{
    return only ? h5_in_list(only, name) : !h5_in_list(except, name);
}

/* A leaf's HDF5 group holds datasets only: its items (a parameter's are `data` and
 * `explored_data`). */
static int check_item(hid_t g, const char *name, const H5L_info_t *info, snx_node_kind kind)
{
    H5O_info_t oi;
    if (info->type != H5L_TYPE_HARD)
        return snx_error(SNX_EFORMAT, "item \"%s\" is a link", name);
    if (H5Oget_info_by_name2(g, name, &oi, H5O_INFO_BASIC, H5P_DEFAULT) < 0)
        return h5_error(SNX_EFORMAT, "cannot read item \"%s\"", name);
    if (oi.type != H5O_TYPE_DATASET)
        return snx_error(SNX_EFORMAT, "item \"%s\" is not a dataset", name);
    if (kind == SNX_NODE_PARAMETER && strcmp(name, H5N_DATA) != 0 && strcmp(name, H5N_RANGE) != 0)
        return snx_error(SNX_EFORMAT, "a parameter has no item \"%s\" (only \"%s\" and \"%s\")",
                         name, H5N_DATA, H5N_RANGE);
    return 0;
}

static herr_t check_parameter_item(hid_t g, const char *name, const H5L_info_t *info, void *vctx)
{
    (void)vctx;
    return check_item(g, name, info, SNX_NODE_PARAMETER) ? -1 : 0;
}

typedef struct items_ctx {
    snx_node *leaf;
    snx_load_level level;
    const char *const *only, *const *except;
    int rc;
} items_ctx;

static herr_t load_item(hid_t g, const char *name, const H5L_info_t *info, void *vctx)
{
    items_ctx *c = vctx;
    (void)info;
    if ((c->rc = check_item(g, name, info, SNX_NODE_RESULT)))
        return -1;
    if (!wanted(name, c->only, c->except) ||
        (c->level < SNX_LOAD_OVERWRITE && snx_result_get(c->leaf, name)))
        return 0;
    snx_value v;
    c->rc = h5_read_value(g, name, &v);
    if (!c->rc)
        c->rc = snx_result_set(c->leaf, name, v);
    return c->rc ? -1 : 0;
}

static int load_parameter_data(hid_t g, snx_node *par, const char *const *only,
                               const char *const *except)
{
    if (h5_iterate(g, check_parameter_item, NULL) < 0)
        return snx_errcode() ? snx_errcode() : h5_error(SNX_EFORMAT, "cannot list the items");
    int has_data = H5Lexists(g, H5N_DATA, H5P_DEFAULT) > 0;
    if (!has_data && H5Lexists(g, H5N_RANGE, H5P_DEFAULT) > 0)
        return snx_error(SNX_EFORMAT, "an explored parameter without \"%s\"", H5N_DATA);
    int rc = 0;
    if (wanted(H5N_DATA, only, except) && has_data) {
        snx_value v;
        rc = h5_read_value(g, H5N_DATA, &v);
        if (!rc && !snx_traj_load_leaf(snx_node_traj(par), snx_node_full_name(par),
                                       SNX_NODE_PARAMETER, v, NULL))
            rc = snx_errcode();
    }
    if (!rc && wanted(H5N_RANGE, only, except) && H5Lexists(g, H5N_RANGE, H5P_DEFAULT) > 0) {
        snx_value *range;
        size_t n;
        rc = h5_read_values(g, H5N_RANGE, &range, &n);
        if (!rc) {
            rc = snx_par_load_range(par, range, n);
            free(range);
        }
    }
    return rc;
}

int h5_load_leaf_data(hid_t g, snx_node *leaf, snx_load_level level,
                      const char *const *only, const char *const *except)
{
    if (level < SNX_LOAD_DATA)
        return 0;
    int partial = only || except, rc = 0;
    if (!partial && !snx_leaf_is_empty(leaf)) {
        if (level < SNX_LOAD_OVERWRITE)
            return 0; /* what is in memory stays */
        if ((rc = snx_leaf_empty(leaf)))
            return snx_error_context("reloading \"%s\"", snx_node_full_name(leaf));
    }
    if (snx_node_kind_of(leaf) == SNX_NODE_PARAMETER) {
        if (partial || level == SNX_LOAD_OVERWRITE || snx_par_is_empty(leaf))
            rc = load_parameter_data(g, leaf, only, except);
    } else {
        items_ctx c = {leaf, level, only, except, 0};
        if (h5_iterate(g, load_item, &c) < 0 && !c.rc)
            c.rc = h5_error(SNX_EFORMAT, "cannot list the items");
        rc = c.rc;
    }
    return rc ? h5_format_error(rc, "loading \"%s\"", snx_node_full_name(leaf)) : 0;
}

static int leaf_kind(hid_t g, snx_node_kind *kind)
{
    char *k = h5_read_str_attr(g, H5N_LEAF);
    int rc = 0;
    if (!k)
        rc = snx_errcode() ? snx_errcode() : 1; /* 1: not a leaf */
    else if (strcmp(k, "parameter") == 0)
        *kind = SNX_NODE_PARAMETER;
    else if (strcmp(k, "result") == 0)
        *kind = SNX_NODE_RESULT;
    else
        rc = snx_error(SNX_EFORMAT, "unknown leaf kind \"%s\"", k);
    free(k);
    return rc;
}

/* The node `full` in the tree, created (with comment and annotations) from the HDF5
 * group g when missing. */
static snx_node *node_from_group(snx_traj *traj, hid_t g, const char *full, int is_leaf,
                                 snx_node_kind kind)
{
    snx_node *n = h5_find_exact(traj, full);
    if (n) {
        snx_node_kind have = snx_node_kind_of(n);
        if ((is_leaf && have != kind) || (!is_leaf && have != SNX_NODE_GROUP)) {
            snx_error(SNX_ETYPE, "\"%s\" is a %s in memory but a %s in the file", full,
                      have == SNX_NODE_GROUP ? "group" : "leaf", is_leaf ? "leaf" : "group");
            return NULL;
        }
        return n;
    }
    char *comment = h5_read_str_attr(g, H5N_COMMENT);
    if (!comment && snx_errcode())
        return NULL;
    n = is_leaf ? snx_traj_load_leaf(traj, full, kind, snx_none(), comment)
                : snx_traj_load_group(traj, full, comment);
    free(comment);
    if (n && h5_load_annotations(g, n))
        return NULL;
    return n;
}

static int load_group_rec(load_ctx *c, hid_t g, const char *full);

static int remember_link(load_ctx *c, hid_t g, const char *name, const H5L_info_t *info)
{
    char *val = snx_malloc(info->u.val_size + 1);
    if (!val)
        return SNX_ENOMEM;
    if (H5Lget_val(g, name, val, info->u.val_size + 1, H5P_DEFAULT) < 0) {
        free(val);
        return h5_error(SNX_EFORMAT, "cannot read link \"%s\"", name);
    }
    size_t tl = strlen(c->s->traj_name);
    int rc = 0;
    /* Only links into this trajectory are links of the tree. */
    if (val[0] == '/' && strncmp(val + 1, c->s->traj_name, tl) == 0 && val[tl + 1] == '/') {
        h5s *s = c->s;
        if (snx_grow(&s->links, &s->cap_links, s->n_links + 1, sizeof *s->links))
            rc = SNX_ENOMEM;
        else {
            h5_link *l = &s->links[s->n_links];
            l->group = snx_strdup(c->prefix);
            l->name = snx_strdup(name);
            l->target = snx_strdup(val + tl + 2);
            for (char *p = l->target; p && *p; p++)
                if (*p == '/')
                    *p = '.';
            s->n_links++;
            if (!l->group || !l->name || !l->target)
                rc = SNX_ENOMEM;
        }
    }
    free(val);
    return rc;
}

/* A name the tree could not hold as one node: HDF5 names may contain '.', which
 * would read as a path. */
static int bad_name(const load_ctx *c, const char *name)
{
    if (*name && !strchr(name, '.'))
        return 0;
    return snx_error(SNX_EFORMAT, "\"%s%s%s\": an HDF5 name that is no node name", c->prefix,
                     *c->prefix ? "/" : "", name);
}

static herr_t load_child(hid_t g, const char *name, const H5L_info_t *info, void *vctx)
{
    load_ctx *c = vctx;
    int top = !*c->prefix;
    if (info->type == H5L_TYPE_SOFT) {
        c->rc = bad_name(c, name);
        if (!c->rc)
            c->rc = remember_link(c, g, name, info);
    } else if (c->level == SNX_LOAD_NOTHING || (top && (strcmp(name, H5N_OVERVIEW) == 0 || strcmp(name, H5N_STREAMS) == 0)) ||
               (top && c->skip_branches && is_branch(name))) {
        return 0;
    } else if (strcmp(name, H5N_PRESENT) == 0) { /* read with _columns */
        if (H5Lexists(g, H5N_COLUMNS, H5P_DEFAULT) <= 0)
            c->rc = snx_error(SNX_EFORMAT, "\"%s\" has %s flags but no %s", c->prefix,
                              H5N_PRESENT, H5N_COLUMNS);
    } else if (strcmp(name, H5N_COLUMNS) == 0) {
        long n = h5_columns_load(c->s, c->traj, c->prefix, c->level, -1, NULL);
        c->rc = n < 0 ? (int)n : 0;
    } else if (info->type == H5L_TYPE_HARD && !(c->rc = bad_name(c, name))) {
        H5O_info_t oi;
        if (H5Oget_info_by_name2(g, name, &oi, H5O_INFO_BASIC, H5P_DEFAULT) < 0)
            c->rc = h5_error(SNX_EFORMAT, "cannot read \"%s\"", name);
        else if (oi.type != H5O_TYPE_GROUP)
            c->rc = snx_error(SNX_EFORMAT, "\"%s%s%s\": a dataset in a group that is no leaf",
                              c->prefix, *c->prefix ? "." : "", name);
        else {
            char *full = h5_join(c->prefix, name);
            hid_t child = full ? H5Gopen2(g, name, H5P_DEFAULT) : -1;
            c->rc = child < 0 ? (full ? h5_error(SNX_EFORMAT, "cannot open \"%s\"", full)
                                      : SNX_ENOMEM)
                              : load_group_rec(c, child, full);
            if (child >= 0)
                H5Gclose(child);
            free(full);
        }
    }
    return c->rc ? -1 : 0;
}

static int load_group_rec(load_ctx *c, hid_t g, const char *full)
{
    snx_node_kind kind = SNX_NODE_GROUP;
    int is_leaf = leaf_kind(g, &kind);
    if (is_leaf < 0)
        return h5_format_error(is_leaf, "loading \"%s\"", full);
    is_leaf = is_leaf == 0;
    snx_node *n = node_from_group(c->traj, g, full, is_leaf, kind);
    if (!n)
        return h5_format_error(snx_errcode(), "loading \"%s\"", full);
    snx_node_set_stored(n, 1);
    if (is_leaf)
        return h5_load_leaf_data(g, n, c->level, NULL, NULL);
    load_ctx sub = {c->s, c->traj, c->level, full, 0, 0};
    if (h5_iterate(g, load_child, &sub) < 0 && !sub.rc)
        sub.rc = h5_error(SNX_EFORMAT, "cannot list \"%s\"", full);
    return sub.rc;
}

int h5_load_branch(h5s *s, snx_traj *traj, const char *branch, snx_load_level level)
{
    if (level == SNX_LOAD_NOTHING || H5Lexists(s->traj_g, branch, H5P_DEFAULT) <= 0)
        return 0;
    hid_t g = H5Gopen2(s->traj_g, branch, H5P_DEFAULT);
    if (g < 0)
        return h5_error(SNX_EFORMAT, "cannot open \"%s\"", branch);
    load_ctx c = {s, traj, level, "", 0, 0};
    int rc = load_group_rec(&c, g, branch);
    H5Gclose(g);
    return rc;
}

int h5_load_other(h5s *s, snx_traj *traj, snx_load_level level)
{
    /* Links at the root belong to the root, which is always there: they load even
     * at level NOTHING (load_child skips everything else then). */
    load_ctx c = {s, traj, level, "", 0, 1};
    if (h5_iterate(s->traj_g, load_child, &c) < 0 && !c.rc)
        c.rc = h5_error(SNX_EFORMAT, "cannot list the trajectory");
    return c.rc;
}

int h5_resolve_links(h5s *s, snx_traj *traj)
{
    int rc = 0;
    for (size_t i = 0; i < s->n_links; i++) {
        h5_link *l = &s->links[i];
        snx_node *group = h5_find_exact(traj, l->group);
        snx_node *target = h5_find_exact(traj, l->target);
        /* Loading a link loads the node it points at, not that node's children. */
        if (!rc && group && !target && h5_load_missing(s, traj, l->target) == 0)
            target = h5_find_exact(traj, l->target);
        int have = 0;
        for (size_t k = 0; group && k < snx_node_n_links(group); k++) {
            const char *name;
            snx_node_link(group, k, &name);
            have |= strcmp(name, l->name) == 0;
        }
        if (!rc && group && target && !have)
            rc = snx_node_add_link(group, l->name, target);
        free(l->group);
        free(l->name);
        free(l->target);
    }
    s->n_links = 0; /* a dangling link (its target deleted) is skipped */
    return rc;
}

/* ---- single nodes ----------------------------------------------------------------------- */

/* Creates the missing ancestors of `full` from their HDF5 groups (comments and
 * annotations included); implicit ones are made plain. */
static int load_ancestors(h5s *s, snx_traj *traj, const char *full)
{
    char *path = h5_path(full);
    int rc = path ? 0 : SNX_ENOMEM;
    for (char *c = path ? strchr(path, '/') : NULL; !rc && c; c = strchr(c + 1, '/')) {
        *c = '\0';
        char *name = snx_strdup(path);
        for (char *p = name; p && *p; p++)
            if (*p == '/')
                *p = '.';
        if (!name)
            rc = SNX_ENOMEM;
        else if (!h5_find_exact(traj, name)) {
            hid_t g = h5_exists(s->traj_g, path) ? H5Gopen2(s->traj_g, path, H5P_DEFAULT) : -1;
            snx_node *n = g >= 0 ? node_from_group(traj, g, name, 0, SNX_NODE_GROUP)
                                 : snx_traj_load_group(traj, name, NULL);
            if (g >= 0)
                H5Gclose(g);
            if (!n)
                rc = snx_errcode();
            else
                snx_node_set_stored(n, 1);
        }
        free(name);
        *c = '/';
    }
    free(path);
    return rc;
}

/* A missing node that is an HDF5 object: a group (alone) or a leaf with its data. */
static int load_missing_object(h5s *s, snx_traj *traj, const h5_place *p, const char *full)
{
    hid_t g = H5Gopen2(s->traj_g, p->path, H5P_DEFAULT);
    snx_node_kind kind = SNX_NODE_GROUP;
    int is_leaf = g >= 0 ? leaf_kind(g, &kind) : -1;
    snx_node *n = is_leaf >= 0 ? node_from_group(traj, g, full, is_leaf == 0, kind) : NULL;
    int rc = n ? 0 : snx_errcode() ? snx_errcode() : h5_error(SNX_EFORMAT, "cannot open \"%s\"", full);
    if (rc && rc != SNX_ENOMEM)
        rc = h5_format_error(rc, "loading \"%s\"", full);
    if (!rc && is_leaf == 0)
        rc = h5_load_leaf_data(g, n, SNX_LOAD_DATA, NULL, NULL);
    if (!rc)
        snx_node_set_stored(n, 1);
    if (g >= 0)
        H5Gclose(g);
    return rc;
}

/* A missing node that only columns imply: a leaf (one row) or an implicit group. */
static int load_missing_in_columns(h5s *s, snx_traj *traj, const h5_place *p, const char *full)
{
    int found = p->in_run ? h5_columns_lookup(s, p->container, p->row, p->rest) : 0;
    if (found == 1) {
        long n = h5_columns_load(s, traj, p->container, SNX_LOAD_DATA, p->row, p->rest);
        return n < 0 ? (int)n : 0;
    }
    if (found == 2) {
        snx_node *g = snx_traj_load_group(traj, full, NULL);
        if (!g)
            return snx_errcode();
        snx_node_set_stored(g, 1);
        return 0;
    }
    return found < 0 ? found : snx_error(SNX_ENODATA, "\"%s\" is not in %s", full, s->filename);
}

int h5_load_missing(h5s *s, snx_traj *traj, const char *full)
{
    h5_place p = {0};
    int rc = load_ancestors(s, traj, full);
    if (!rc)
        rc = h5_place_of(s, full, &p);
    if (!rc)
        rc = p.real ? load_missing_object(s, traj, &p, full)
                    : load_missing_in_columns(s, traj, &p, full);
    h5_place_free(&p);
    return rc;
}

static int load_group_node(h5s *s, snx_traj *traj, snx_node *node, const h5_place *p,
                           snx_load_level level, int recursive)
{
    const char *full = snx_node_full_name(node);
    long found = p->real;
    int rc = 0;
    if (recursive && p->real) {
        hid_t g = H5Gopen2(s->traj_g, p->path, H5P_DEFAULT);
        load_ctx c = {s, traj, level, full, 0, 0};
        if (g < 0 || (h5_iterate(g, load_child, &c) < 0 && !c.rc))
            c.rc = h5_error(SNX_EFORMAT, "cannot list \"%s\"", full);
        rc = c.rc;
        if (g >= 0)
            H5Gclose(g);
    }
    if (!rc && p->in_run) {
        long n = recursive ? h5_columns_load(s, traj, p->container, level, p->row, p->rest)
                           : h5_columns_lookup(s, p->container, p->row, p->rest);
        if (n < 0)
            rc = (int)n;
        else
            found += n;
    }
    if (!rc && !found)
        rc = snx_error(SNX_ENODATA, "\"%s\" is not in %s", full, s->filename);
    return rc;
}

static int load_leaf_node(h5s *s, snx_traj *traj, snx_node *leaf, const h5_place *p,
                          const snx_item_opts *o)
{
    if (p->real) {
        hid_t g = H5Gopen2(s->traj_g, p->path, H5P_DEFAULT);
        int rc = g < 0 ? h5_error(SNX_EFORMAT, "cannot open \"%s\"", snx_node_full_name(leaf))
                       : h5_load_leaf_data(g, leaf, o->level, o->load_only, o->load_except);
        if (g >= 0)
            H5Gclose(g);
        return rc;
    }
    long n = p->in_run ? h5_columns_load(s, traj, p->container, o->level, p->row, p->rest) : 0;
    if (n == 0)
        return snx_error(SNX_ENODATA, "\"%s\" is not in %s", snx_node_full_name(leaf),
                         s->filename);
    return n < 0 ? (int)n : 0;
}

int h5_load_node(h5s *s, snx_traj *traj, snx_node *node, const snx_item_opts *o)
{
    if (o->level == SNX_LOAD_NOTHING)
        return 0;
    int rc;
    if (snx_node_is_root(node)) {
        load_ctx c = {s, traj, o->level, "", 0, 0};
        if (o->recursive && h5_iterate(s->traj_g, load_child, &c) < 0 && !c.rc)
            c.rc = h5_error(SNX_EFORMAT, "cannot list the trajectory");
        rc = c.rc;
    } else {
        h5_place p;
        rc = h5_place_of(s, snx_node_full_name(node), &p);
        if (!rc)
            rc = snx_node_kind_of(node) == SNX_NODE_GROUP
                     ? load_group_node(s, traj, node, &p, o->level, o->recursive)
                     : load_leaf_node(s, traj, node, &p, o);
        h5_place_free(&p);
    }
    int rc2 = h5_resolve_links(s, traj);
    return rc ? rc : rc2;
}
