/* Tree nodes ↔ HDF5 groups: what storing (hdf5_store.c), loading (hdf5_load.c) and
 * deleting share.
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
    size_t n = strlen(name);
    if (strncmp(name, "run_", 4) != 0 || n < 12 || n > 4 + 18) /* 18 digits fit a long */
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
int h5_in_list(const char *const *list, const char *name)
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
    int rc = H5Aiterate2(obj, h5_order(obj, 1), H5_ITER_INC, NULL, collect_annotation, &names) < 0
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

/* ---- where a node is ---------------------------------------------------------------- */

int h5_place_of(h5s *s, const char *full, h5_place *p)
{
    memset(p, 0, sizeof *p);
    if (!(p->path = h5_path(full)))
        return SNX_ENOMEM;
    p->real = h5_exists(s->traj_g, p->path);
    p->in_run = h5_run_place(full, &p->container, &p->row, &p->rest);
    return p->in_run < 0 ? p->in_run : 0;
}

void h5_place_free(h5_place *p)
{
    free(p->path);
    free(p->container);
    free(p->rest);
}

/* ---- deleting ----------------------------------------------------------------------- */

static int unstore(snx_node *n, void *ctx)
{
    (void)ctx;
    snx_node_set_stored(n, 0);
    return 0;
}

static int delete_items(h5s *s, const snx_node *leaf, const h5_place *p, const char *const *only)
{
    if (!p->real) /* a column leaf has one item, named like the leaf */
        return h5_in_list(only, snx_node_name(leaf)) && p->in_run
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
static int has_stored_children(h5s *s, const h5_place *p)
{
    H5G_info_t info = {0};
    if (p->real && H5Gget_info_by_name(s->traj_g, p->path, &info, H5P_DEFAULT) >= 0 &&
        info.nlinks > 0)
        return 1;
    return p->in_run && h5_columns_lookup(s, p->container, p->row, p->rest) > 0;
}

int h5_delete(h5s *s, snx_traj *traj, snx_node *node, const char *const *only,
              bool recursive)
{
    (void)traj;
    const char *full = snx_node_full_name(node);
    if (snx_node_is_root(node))
        return snx_error(SNX_EINVAL, "delete: the root of a trajectory cannot be deleted");
    h5_place p = {0};
    int rc = h5_place_of(s, full, &p);
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
    h5_place_free(&p);
    h5_columns_forget(s); /* deleted groups may have held columns */
    return rc;
}
