/* Storing the tree: groups, leaves (as groups, or as rows of per-run columns), their
 * comments, annotations and links, at the store levels NOTHING / SKIP / DATA /
 * OVERWRITE. Storage is write-once by default: what is on disk stays unless the
 * level (or the list of items to overwrite) says to replace it. */
#include "hdf5_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snex/error.h"
#include "snex/util.h"

/* Names the file gives a meaning of its own (docs/FORMAT.md). */
static int is_reserved(const snx_node *n)
{
    const char *name = snx_node_name(n);
    if (strcmp(name, H5N_COLUMNS) == 0 || strcmp(name, H5N_PRESENT) == 0 ||
        (snx_node_depth(n) == 1 &&
         (strcmp(name, H5N_OVERVIEW) == 0 || strcmp(name, H5N_STREAMS) == 0)))
        return snx_error(SNX_ENAME, "\"%s\": the name \"%s\" is reserved in snex files",
                         snx_node_full_name(n), name);
    return 0;
}

typedef struct store_ctx {
    h5s *s;
    const snx_store_opts *opts;
    h5_filters f;
} store_ctx;

/* Whether group g is at or below a run group and carries nothing of its own: it then
 * exists in the file only through what its descendants store. */
static int implicit_group(const snx_node *g)
{
    if (*snx_node_comment(g) || snx_node_n_annotations(g) || snx_node_n_links(g))
        return 0;
    for (const snx_node *p = g; !snx_node_is_root(p); p = snx_node_parent(p))
        if (h5_run_index(snx_node_name(p)) >= 0)
            return 1;
    return 0;
}

static char *link_target_path(const h5s *s, const snx_node *target)
{
    char *rel = h5_path(snx_node_full_name(target));
    snx_buf b = {0};
    if (rel)
        snx_buf_printf(&b, "/%s%s%s", s->traj_name, *rel ? "/" : "", rel);
    free(rel);
    return rel ? snx_buf_take(&b) : NULL;
}

static int store_links(store_ctx *c, hid_t obj, const snx_node *g)
{
    int overwrite = c->opts->level == SNX_STORE_OVERWRITE, rc = 0;
    for (size_t i = 0; !rc && i < snx_node_n_links(g); i++) {
        const char *name;
        const snx_node *target = snx_node_link(g, i, &name);
        int exists = H5Lexists(obj, name, H5P_DEFAULT) > 0;
        if (exists && !overwrite)
            continue;
        char *path = link_target_path(c->s, target);
        if (!path)
            rc = SNX_ENOMEM;
        else if ((exists && H5Ldelete(obj, name, H5P_DEFAULT) < 0) ||
                 H5Lcreate_soft(path, obj, name, H5P_DEFAULT, H5P_DEFAULT) < 0)
            rc = h5_error(SNX_EIO, "cannot store link \"%s\" below \"%s\"", name,
                          snx_node_full_name(g));
        free(path);
    }
    return rc;
}

static int store_group(store_ctx *c, snx_node *g)
{
    if (implicit_group(g)) {
        snx_node_set_stored(g, 1);
        return 0;
    }
    int root = snx_node_is_root(g);
    char *path = root ? NULL : h5_path(snx_node_full_name(g));
    hid_t obj = root ? c->s->traj_g : path ? h5_ensure_group(c->s->traj_g, path) : -1;
    int rc = obj < 0 ? snx_errcode() : 0;
    if (!rc)
        rc = h5_store_meta(obj, g, c->opts->level == SNX_STORE_OVERWRITE);
    if (!rc)
        rc = store_links(c, obj, g);
    if (!root && obj >= 0)
        H5Gclose(obj);
    free(path);
    if (!rc)
        snx_node_set_stored(g, 1);
    return rc;
}

/* Writes item `name` unless it is on disk already and not to be replaced. */
static int write_item(store_ctx *c, hid_t g, const char *name, const snx_value *v, int replace)
{
    if (H5Lexists(g, name, H5P_DEFAULT) > 0) {
        if (!replace)
            return 0;
        if (H5Ldelete(g, name, H5P_DEFAULT) < 0)
            return h5_error(SNX_EIO, "cannot replace item \"%s\"", name);
    }
    return h5_write_value(g, name, v, &c->f);
}

static int replace_item(const store_ctx *c, const char *name)
{
    return c->opts->overwrite_items ? h5_in_list(c->opts->overwrite_items, name)
                                    : c->opts->level == SNX_STORE_OVERWRITE;
}

/* The length of the explored range on disk (0 when none). */
static size_t stored_range_length(hid_t g)
{
    if (H5Lexists(g, H5N_RANGE, H5P_DEFAULT) <= 0)
        return 0;
    hid_t ds = H5Dopen2(g, H5N_RANGE, H5P_DEFAULT);
    hid_t space = ds >= 0 ? H5Dget_space(ds) : -1;
    hsize_t dims[SNX_MAX_NDIM + 1] = {0};
    if (space >= 0)
        H5Sget_simple_extent_dims(space, dims, NULL);
    if (space >= 0)
        H5Sclose(space);
    if (ds >= 0)
        H5Dclose(ds);
    H5Eclear2(H5E_DEFAULT);
    return (size_t)dims[0];
}

static int store_parameter(store_ctx *c, hid_t g, const snx_node *par)
{
    const snx_value *v = snx_par_peek(par);
    int rc = v ? write_item(c, g, H5N_DATA, v, replace_item(c, H5N_DATA)) : 0;
    size_t n = snx_par_range_length(par);
    if (rc || !n)
        return rc;
    /* An expanded trajectory has a longer range than the one on disk. */
    int replace = replace_item(c, H5N_RANGE) || stored_range_length(g) != n;
    snx_value *range = snx_malloc(n * sizeof *range);
    if (!range)
        return SNX_ENOMEM;
    for (size_t k = 0; k < n; k++)
        range[k] = *snx_par_range_at(par, k); /* shallow: only read while packing */
    if (H5Lexists(g, H5N_RANGE, H5P_DEFAULT) > 0 && replace &&
        H5Ldelete(g, H5N_RANGE, H5P_DEFAULT) < 0)
        rc = h5_error(SNX_EIO, "cannot replace the range");
    if (!rc && H5Lexists(g, H5N_RANGE, H5P_DEFAULT) <= 0)
        rc = h5_write_values(g, H5N_RANGE, range, n, &c->f);
    free(range);
    return rc;
}

/* An item whose pieces were streamed ahead (hdf5_stream.c) is those pieces and its
 * value; any other is written whole. */
static int store_result(store_ctx *c, hid_t g, const snx_node *res)
{
    int rc = 0;
    for (size_t i = 0; !rc && i < snx_result_n_items(res); i++) {
        const char *name;
        const snx_value *v = snx_result_item_at(res, i, &name);
        rc = h5_stream_take(c->s, g, res, name, v);
        rc = rc == 1 ? 0 : rc ? rc : write_item(c, g, name, v, replace_item(c, name));
    }
    return rc;
}

static int store_leaf_group(store_ctx *c, snx_node *leaf)
{
    char *path = h5_path(snx_node_full_name(leaf));
    if (!path)
        return SNX_ENOMEM;
    int rc = 0;
    hid_t tg = c->s->traj_g;
    /* Overwriting a whole leaf: its comment and annotations are rewritten too. */
    if (c->opts->level == SNX_STORE_OVERWRITE && !c->opts->overwrite_items &&
        h5_exists(tg, path) && H5Ldelete(tg, path, H5P_DEFAULT) < 0)
        rc = h5_error(SNX_EIO, "cannot replace \"%s\"", snx_node_full_name(leaf));
    hid_t g = rc ? -1 : h5_ensure_group(tg, path);
    if (!rc && g < 0)
        rc = snx_errcode();
    int is_par = snx_node_kind_of(leaf) == SNX_NODE_PARAMETER;
    if (!rc && H5Aexists(g, H5N_LEAF) <= 0)
        rc = h5_write_str_attr(g, H5N_LEAF, is_par ? "parameter" : "result");
    if (!rc)
        rc = h5_store_meta(g, leaf, c->opts->level == SNX_STORE_OVERWRITE);
    if (!rc)
        rc = is_par ? store_parameter(c, g, leaf) : store_result(c, g, leaf);
    if (g >= 0)
        H5Gclose(g);
    free(path);
    if (rc)
        return snx_error_context("storing \"%s\"", snx_node_full_name(leaf));
    snx_node_set_stored(leaf, 1);
    return 0;
}

/* A small per-run leaf goes to its column; 1 when it needs a group after all. */
/* A small per-run leaf goes to its column; 1 when it needs a group after all. */
static int store_in_column(store_ctx *c, snx_node *leaf)
{
    int stored = snx_node_is_stored(leaf);
    /* Its one item is on disk already (in its column, or in a group of its own):
     * nothing new to add. This keeps re-storing 10^5 loaded runs cheap. A stored leaf
     * loaded as a skeleton (empty) has nothing to add either: storing it would write
     * an empty group beside its column row. */
    if (stored && c->opts->level < SNX_STORE_OVERWRITE && !c->opts->overwrite_items)
        return h5_column_eligible(leaf) || snx_leaf_is_empty(leaf) ? 0 : 1;
    long row;
    char *container, *column;
    int rc = h5_column_place(leaf, &row, &container, &column);
    if (rc <= 0)
        return rc < 0 ? rc : 1;
    char *path = h5_path(snx_node_full_name(leaf));
    if (!path)
        rc = SNX_ENOMEM;
    else if (stored && h5_exists(c->s->traj_g, path))
        rc = 1; /* it has a group on disk: it stays there */
    else if ((rc = h5_column_add(c->s, leaf, row, container, column)) == 1 && stored)
        h5_columns_clear(c->s, container, row, column);
    if (rc == 0)
        snx_node_set_stored(leaf, 1);
    free(path);
    free(container);
    free(column);
    return rc;
}

static int store_leaf(store_ctx *c, snx_node *leaf)
{
    int rc = store_in_column(c, leaf);
    return rc == 1 ? store_leaf_group(c, leaf) : rc;
}

static int store_visit(snx_node *node, void *ctx)
{
    store_ctx *c = ctx;
    int rc = is_reserved(node);
    if (rc || (c->opts->level == SNX_STORE_SKIP && snx_node_is_stored(node)))
        return rc;
    return snx_node_kind_of(node) == SNX_NODE_GROUP ? store_group(c, node) : store_leaf(c, node);
}

int h5_store_tree(h5s *s, snx_traj *traj, snx_node *node, const snx_store_opts *opts)
{
    (void)traj;
    if (opts->level == SNX_STORE_NOTHING)
        return 0;
    store_ctx c = {s, opts, h5_filters_of(s)};
    int rc = 0;
    if (snx_node_is_root(node)) {
        rc = store_group(&c, node);
    } else {
        /* The groups on the way, then the node. */
        snx_node *chain[SNX_LOCATION_MAX];
        int n = 0;
        for (snx_node *p = snx_node_parent(node); p && !snx_node_is_root(p); p = snx_node_parent(p))
            chain[n++] = p;
        while (!rc && n-- > 0)
            if (!snx_node_is_stored(chain[n]))
                rc = store_visit(chain[n], &c);
        if (!rc)
            rc = store_visit(node, &c);
    }
    if (!rc && opts->recursive && snx_node_kind_of(node) == SNX_NODE_GROUP) {
        snx_iter_opts it = {.no_links = 1, .max_depth = opts->max_depth};
        rc = snx_node_iter(node, &it, store_visit, &c);
    }
    return rc;
}
