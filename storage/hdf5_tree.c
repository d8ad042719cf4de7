/* Tree nodes ↔ HDF5 groups.
 *
 * A group node is an HDF5 group; a leaf is an HDF5 group with a `leaf` attribute
 * ("parameter" or "result") whose datasets are its items (a parameter's `data` and
 * `explored_data`, a result's named items). Comments and annotations are attributes,
 * links are soft links. Small per-run results are the exception: they live in
 * column datasets (hdf5_columns.c), and the run groups holding only such results
 * exist in the file only through them ("implicit" groups). */
#include "hdf5_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snex/error.h"
#include "snex/util.h"

/* ---- names ----------------------------------------------------------------------- */

long h5_run_index(const char *name)
{
    if (strncmp(name, "run_", 4) != 0 || strlen(name) < 12)
        return -1;
    long idx = 0;
    for (const char *c = name + 4; *c; c++) {
        if (*c < '0' || *c > '9')
            return -1;
        idx = idx * 10 + (*c - '0');
    }
    return idx;
}

snx_node *h5_find_exact(snx_traj *traj, const char *full)
{
    snx_node *n = snx_traj_root(traj);
    char comp[SNX_NAME_MAX + 1];
    for (const char *p = full; n && *p;) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        if (len > SNX_NAME_MAX)
            return NULL;
        memcpy(comp, p, len);
        comp[len] = '\0';
        n = snx_node_child_named(n, comp);
        p += len + (dot != NULL);
    }
    return n;
}

char *h5_join(const char *prefix, const char *name)
{
    snx_buf b = {0};
    if (snx_buf_printf(&b, "%s%s%s", prefix, *prefix ? "." : "", name)) {
        snx_buf_free(&b);
        return NULL;
    }
    return snx_buf_take(&b);
}

int h5_run_place(const char *full, char **container, long *row, char **rest)
{
    char *copy = snx_strdup(full);
    if (!copy)
        return SNX_ENOMEM;
    /* The last run_XXXXXXXX component: the run group the node belongs to. */
    char *best = NULL;
    for (char *c = copy; c;) {
        char *dot = strchr(c, '.');
        if (dot)
            *dot = '\0';
        if (h5_run_index(c) >= 0)
            best = c;
        if (dot)
            *dot = '.';
        c = dot ? dot + 1 : NULL;
    }
    if (!best) {
        free(copy);
        return 0;
    }
    char *after = strchr(best, '.');
    if (after)
        *after = '\0';
    *row = h5_run_index(best);
    if (best > copy)
        best[-1] = '\0';
    *container = snx_strdup(best > copy ? copy : "");
    *rest = snx_strdup(after ? after + 1 : "");
    free(copy);
    if (!*container || !*rest) {
        free(*container);
        free(*rest);
        return SNX_ENOMEM;
    }
    return 1;
}

static int is_reserved(const snx_node *n)
{
    const char *name = snx_node_name(n);
    if (strcmp(name, H5N_COLUMNS) == 0 || strcmp(name, H5N_PRESENT) == 0 ||
        (snx_node_depth(n) == 1 && strcmp(name, H5N_OVERVIEW) == 0))
        return snx_error(SNX_ENAME, "\"%s\": the name \"%s\" is reserved in snex files",
                         snx_node_full_name(n), name);
    return 0;
}

static int in_list(const char *const *list, const char *name)
{
    for (; list && *list; list++)
        if (strcmp(*list, name) == 0)
            return 1;
    return 0;
}

/* ---- comments and annotations -------------------------------------------------------- */

static char *prefixed(const char *prefix, const char *key)
{
    snx_buf b = {0};
    snx_buf_printf(&b, "%s%s", prefix, key);
    return snx_buf_take(&b);
}

int h5_store_meta(hid_t obj, const snx_node *node, int overwrite)
{
    int rc = 0;
    const char *comment = snx_node_comment(node);
    if (*comment && (overwrite || H5Aexists(obj, H5N_COMMENT) <= 0))
        rc = h5_write_str_attr(obj, H5N_COMMENT, comment);
    for (size_t i = 0; !rc && i < snx_node_n_annotations(node); i++) {
        const char *key;
        const snx_value *v = snx_node_annotation_at(node, i, &key);
        char *name = prefixed(H5N_ANN, key), *unit_name = prefixed(H5N_ANN_UNIT, key);
        if (!name || !unit_name)
            rc = SNX_ENOMEM;
        else if (overwrite || H5Aexists(obj, name) <= 0) {
            rc = h5_write_attr(obj, name, v);
            int has_unit = v->type == SNX_T_QUANTITY || (v->type == SNX_T_DOUBLE_ARRAY && v->unit);
            if (!rc && has_unit)
                rc = h5_write_str_attr(obj, unit_name, v->unit);
        }
        free(name);
        free(unit_name);
    }
    return rc ? snx_error_context("\"%s\"", snx_node_full_name(node)) : 0;
}

static herr_t collect_annotation(hid_t obj, const char *name, const H5A_info_t *info, void *ctx)
{
    (void)obj, (void)info;
    snx_buf *names = ctx;
    if (strncmp(name, H5N_ANN, strlen(H5N_ANN)) == 0)
        return snx_buf_append(names, name, strlen(name) + 1) ? -1 : 0;
    return 0;
}

int h5_load_annotations(hid_t obj, snx_node *node)
{
    /* Collect the names first: reading attributes while iterating them is not safe. */
    snx_buf names = {0};
    hid_t ocpl = H5Gget_create_plist(obj);
    unsigned order = 0;
    if (ocpl >= 0) {
        H5Pget_attr_creation_order(ocpl, &order);
        H5Pclose(ocpl);
    }
    H5_index_t idx = (order & H5P_CRT_ORDER_INDEXED) ? H5_INDEX_CRT_ORDER : H5_INDEX_NAME;
    int rc = H5Aiterate2(obj, idx, H5_ITER_INC, NULL, collect_annotation, &names) < 0
                 ? h5_error(SNX_EFORMAT, "cannot list the attributes of \"%s\"",
                            snx_node_full_name(node))
                 : 0;
    for (size_t off = 0; !rc && off < names.len; off += strlen(names.data + off) + 1) {
        const char *name = names.data + off, *key = name + strlen(H5N_ANN);
        char *unit_name = prefixed(H5N_ANN_UNIT, key);
        char *unit = unit_name ? h5_read_str_attr(obj, unit_name) : NULL;
        snx_value v;
        rc = !unit_name ? SNX_ENOMEM : !unit && snx_errcode() ? snx_errcode() : 0;
        if (!rc)
            rc = h5_read_attr(obj, name, unit, &v);
        if (!rc)
            rc = snx_node_annotate(node, key, v);
        free(unit);
        free(unit_name);
    }
    snx_buf_free(&names);
    return rc;
}

/* ---- storing ---------------------------------------------------------------------------- */

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
    return c->opts->overwrite_items ? in_list(c->opts->overwrite_items, name)
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

static int store_result(store_ctx *c, hid_t g, const snx_node *res)
{
    int rc = 0;
    for (size_t i = 0; !rc && i < snx_result_n_items(res); i++) {
        const char *name;
        const snx_value *v = snx_result_item_at(res, i, &name);
        rc = write_item(c, g, name, v, replace_item(c, name));
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
static int store_in_column(store_ctx *c, snx_node *leaf)
{
    long row;
    char *container, *column;
    int rc = h5_column_place(leaf, &row, &container, &column);
    if (rc <= 0)
        return rc < 0 ? rc : 1;
    int stored = snx_node_is_stored(leaf);
    char *path = h5_path(snx_node_full_name(leaf));
    if (!path)
        rc = SNX_ENOMEM;
    else if (stored && h5_exists(c->s->traj_g, path))
        rc = 1; /* it has a group on disk: it stays there */
    else if (stored && c->opts->level < SNX_STORE_OVERWRITE && !c->opts->overwrite_items)
        rc = 0; /* its row is written */
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

/* ---- loading -------------------------------------------------------------------------- */

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
    return only ? in_list(only, name) : !in_list(except, name);
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
    if (!wanted(name, c->only, c->except) ||
        (c->level < SNX_LOAD_OVERWRITE && snx_result_get(c->leaf, name)))
        return 0;
    snx_value v;
    c->rc = h5_read_value(g, name, &v);
    if (!c->rc)
        c->rc = snx_result_set(c->leaf, name, v);
    return c->rc ? -1 : 0;
}

static int load_parameter_data(h5s *s, hid_t g, snx_node *par, const char *const *only,
                               const char *const *except)
{
    (void)s;
    int rc = 0;
    if (wanted(H5N_DATA, only, except) && H5Lexists(g, H5N_DATA, H5P_DEFAULT) > 0) {
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

int h5_load_leaf_data(h5s *s, hid_t g, snx_node *leaf, snx_load_level level,
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
            rc = load_parameter_data(s, g, leaf, only, except);
    } else {
        items_ctx c = {leaf, level, only, except, 0};
        if (h5_iterate(g, load_item, &c) < 0 && !c.rc)
            c.rc = h5_error(SNX_EFORMAT, "cannot list the items");
        rc = c.rc;
    }
    return rc ? snx_error_context("loading \"%s\"", snx_node_full_name(leaf)) : 0;
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

static herr_t load_child(hid_t g, const char *name, const H5L_info_t *info, void *vctx)
{
    load_ctx *c = vctx;
    if (info->type == H5L_TYPE_SOFT)
        c->rc = remember_link(c, g, name, info);
    else if (c->level == SNX_LOAD_NOTHING)
        return 0;
    else if (strcmp(name, H5N_COLUMNS) == 0)
        c->rc = (int)h5_columns_load(c->s, c->traj, c->prefix, c->level, -1, NULL);
    if (c->rc > 0)
        c->rc = 0;
    else if (strcmp(name, H5N_PRESENT) == 0 ||
             (!*c->prefix && (strcmp(name, H5N_OVERVIEW) == 0 ||
                              (c->skip_branches && is_branch(name)))))
        return 0;
    else if (info->type == H5L_TYPE_HARD) {
        H5O_info_t oi;
        if (H5Oget_info_by_name2(g, name, &oi, H5O_INFO_BASIC, H5P_DEFAULT) < 0)
            c->rc = h5_error(SNX_EFORMAT, "cannot read \"%s\"", name);
        else if (oi.type == H5O_TYPE_GROUP) {
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
        return is_leaf;
    is_leaf = is_leaf == 0;
    snx_node *n = node_from_group(c->traj, g, full, is_leaf, kind);
    if (!n)
        return snx_errcode();
    snx_node_set_stored(n, 1);
    if (is_leaf)
        return h5_load_leaf_data(c->s, g, n, c->level, NULL, NULL);
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

int h5_load_missing(h5s *s, snx_traj *traj, const char *full)
{
    int rc = load_ancestors(s, traj, full);
    char *path = rc ? NULL : h5_path(full);
    if (rc || !path) {
        free(path);
        return rc ? rc : SNX_ENOMEM;
    }
    if (h5_exists(s->traj_g, path)) {
        hid_t g = H5Gopen2(s->traj_g, path, H5P_DEFAULT);
        snx_node_kind kind = SNX_NODE_GROUP;
        int is_leaf = g >= 0 ? leaf_kind(g, &kind) : -1;
        snx_node *n = is_leaf >= 0 ? node_from_group(traj, g, full, is_leaf == 0, kind) : NULL;
        rc = !n ? (snx_errcode() ? snx_errcode() : h5_error(SNX_EFORMAT, "\"%s\"", full)) : 0;
        if (!rc && is_leaf == 0)
            rc = h5_load_leaf_data(s, g, n, SNX_LOAD_DATA, NULL, NULL);
        if (!rc)
            snx_node_set_stored(n, 1);
        if (g >= 0)
            H5Gclose(g);
        free(path);
        return rc;
    }
    free(path);
    char *container = NULL, *rest = NULL;
    long row;
    int in_run = h5_run_place(full, &container, &row, &rest);
    int found = in_run > 0 ? h5_columns_lookup(s, container, row, rest) : in_run;
    if (found == 1) {
        long n = h5_columns_load(s, traj, container, SNX_LOAD_DATA, row, rest);
        rc = n < 0 ? (int)n : 0;
    } else if (found == 2) {
        snx_node *g = snx_traj_load_group(traj, full, NULL);
        rc = g ? 0 : snx_errcode();
        if (g)
            snx_node_set_stored(g, 1);
    } else {
        rc = found < 0 ? found : snx_error(SNX_ENODATA, "\"%s\" is not in %s", full, s->filename);
    }
    free(container);
    free(rest);
    return rc;
}

/* Where a node is in the file: as an HDF5 object (*real) and/or, below a run group,
 * through columns (container, row, rest set; in_run 1). */
typedef struct place {
    char *path;
    int real;
    int in_run;
    char *container, *rest;
    long row;
} place;

static int place_of(h5s *s, const snx_node *node, place *p)
{
    memset(p, 0, sizeof *p);
    const char *full = snx_node_full_name(node);
    if (!(p->path = h5_path(full)))
        return SNX_ENOMEM;
    p->real = h5_exists(s->traj_g, p->path);
    p->in_run = h5_run_place(full, &p->container, &p->row, &p->rest);
    return p->in_run < 0 ? p->in_run : 0;
}

static void place_free(place *p)
{
    free(p->path);
    free(p->container);
    free(p->rest);
}

static int load_group_node(h5s *s, snx_traj *traj, snx_node *node, const place *p,
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

static int load_leaf_node(h5s *s, snx_traj *traj, snx_node *leaf, const place *p,
                          const snx_item_opts *o)
{
    if (p->real) {
        hid_t g = H5Gopen2(s->traj_g, p->path, H5P_DEFAULT);
        int rc = g < 0 ? h5_error(SNX_EFORMAT, "cannot open \"%s\"", snx_node_full_name(leaf))
                       : h5_load_leaf_data(s, g, leaf, o->level, o->load_only, o->load_except);
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
        place p;
        rc = place_of(s, node, &p);
        if (!rc)
            rc = snx_node_kind_of(node) == SNX_NODE_GROUP
                     ? load_group_node(s, traj, node, &p, o->level, o->recursive)
                     : load_leaf_node(s, traj, node, &p, o);
        place_free(&p);
    }
    int rc2 = h5_resolve_links(s, traj);
    return rc ? rc : rc2;
}

/* ---- deleting ----------------------------------------------------------------------- */

static int unstore(snx_node *n, void *ctx)
{
    (void)ctx;
    snx_node_set_stored(n, 0);
    return 0;
}

static int delete_items(h5s *s, const snx_node *leaf, const place *p, const char *const *only)
{
    if (!p->real) /* a column leaf has one item, named like the leaf */
        return in_list(only, snx_node_name(leaf)) && p->in_run
                   ? (int)h5_columns_clear(s, p->container, p->row, p->rest) : 0;
    hid_t g = H5Gopen2(s->traj_g, p->path, H5P_DEFAULT);
    int rc = g < 0 ? h5_error(SNX_EIO, "cannot open \"%s\"", snx_node_full_name(leaf)) : 0;
    for (; !rc && *only; only++)
        if (H5Lexists(g, *only, H5P_DEFAULT) > 0 && H5Ldelete(g, *only, H5P_DEFAULT) < 0)
            rc = h5_error(SNX_EIO, "cannot delete item \"%s\" of \"%s\"", *only,
                          snx_node_full_name(leaf));
    if (g >= 0)
        H5Gclose(g);
    return rc ? rc : 1;
}

/* Whether the node has children in the file (a group's links or column rows). */
static int has_stored_children(h5s *s, const place *p)
{
    H5G_info_t info = {0};
    if (p->real && H5Gget_info_by_name(s->traj_g, p->path, &info, H5P_DEFAULT) >= 0 &&
        info.nlinks > 0)
        return 1;
    return p->in_run && h5_columns_lookup(s, p->container, p->row, p->rest) > 0;
}

int h5_delete(h5s *s, snx_traj *traj, snx_node *node, const char *const *only,
              int recursive)
{
    (void)traj;
    const char *full = snx_node_full_name(node);
    if (snx_node_is_root(node))
        return snx_error(SNX_EINVAL, "delete: the root of a trajectory cannot be deleted");
    place p;
    int rc = place_of(s, node, &p);
    int is_group = snx_node_kind_of(node) == SNX_NODE_GROUP;
    long found = 0;
    if (!rc && !is_group && only) {
        found = delete_items(s, node, &p, only);
    } else if (!rc) {
        if (is_group && !recursive && has_stored_children(s, &p))
            rc = snx_error(SNX_ETYPE, "delete: \"%s\" has children in %s (delete recursively)",
                           full, s->filename);
        if (!rc && p.real && H5Ldelete(s->traj_g, p.path, H5P_DEFAULT) < 0)
            rc = h5_error(SNX_EIO, "cannot delete \"%s\" from %s", full, s->filename);
        found = p.real;
        if (!rc && p.in_run)
            found += h5_columns_clear(s, p.container, p.row, p.rest);
    }
    if (!rc && found < 0)
        rc = (int)found;
    else if (!rc && !found)
        rc = snx_error(SNX_ENODATA, "delete: \"%s\" is not in %s", full, s->filename);
    if (!rc && !only) {
        snx_node_set_stored(node, 0);
        if (is_group)
            snx_node_iter(node, &(snx_iter_opts){.no_links = 1}, unstore, NULL);
    }
    place_free(&p);
    h5_columns_forget(s); /* deleted groups may have held columns */
    return rc;
}
