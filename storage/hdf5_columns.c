/* Small per-run results as columns across runs.
 *
 * A sweep of 10^5 runs that each add `z` would otherwise make 10^5 HDF5 groups of
 * about a kilobyte each, and reading them back would open 10^5 objects. Instead a
 * leaf qualifies for a column when it
 *   - hangs below a run group run_XXXXXXXX (results.runs.run_00000003.z,
 *     results.run_set_00000.run_00000003.stats.mean, derived_parameters.runs...),
 *   - is a result with one item named like the result, or a derived parameter that
 *     is not explored,
 *   - holds a bool, int, double, complex, quantity or a string of at most
 *     H5_COLUMN_MAX_STRING bytes,
 *   - has no annotations, and agrees with the column's type, unit, comment and kind.
 * Its value is row `run index` of the dataset `<container>/_columns/<name>`, where
 * container is the group holding the run groups (results/runs) and name the leaf's
 * path below its run group ("z", "stats.mean"); `<container>/_present/<name>` (bool)
 * says which rows hold a value. Everything else gets its own group.
 *
 * Rows are buffered in memory and written at the next commit, one write per column,
 * so storing a run costs a copy of its values. Loading reads a whole column at once
 * and creates the leaves in one pass. */
#include "hdf5_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snex/error.h"
#include "snex/util.h"

typedef struct pending {
    long row;
    snx_value value;
} pending;

typedef struct column {
    char *container, *name;
    int checked;  /* the dataset on disk was looked for */
    int on_disk;
    snx_type type; /* SNX_T_NONE until known */
    char *unit, *comment;
    snx_node_kind kind;
    pending *rows; /* buffered until the next commit */
    size_t n, cap;
} column;

struct h5_columns {
    snx_map *by_key; /* "container:name" → column* (owned) */
};

static void column_free(void *p)
{
    column *c = p;
    for (size_t i = 0; i < c->n; i++)
        snx_value_clear(&c->rows[i].value);
    free(c->rows);
    free(c->container);
    free(c->name);
    free(c->unit);
    free(c->comment);
    free(c);
}

static int columns_flush(h5s *s);

int h5_columns_init(h5s *s)
{
    static const h5_pending hook = { .flush = columns_flush, .forget = h5_columns_forget };
    h5_columns *c = snx_calloc(1, sizeof *c);
    if (c && !(c->by_key = snx_map_new(column_free))) {
        free(c);
        return SNX_ENOMEM;
    }
    if (!c)
        return SNX_ENOMEM;
    s->columns = c;
    h5_add_pending(s, &hook);
    return 0;
}

void h5_columns_free(h5_columns *c)
{
    if (c)
        snx_map_free(c->by_key);
    free(c);
}

void h5_columns_forget(h5s *s)
{
    const char *key;
    void *v;
    for (size_t it = 0; snx_map_next(s->columns->by_key, &it, &key, &v);) {
        column *c = v;
        c->checked = c->on_disk = 0;
        if (!c->n) { /* learnt again from the file or the next row */
            c->type = SNX_T_NONE;
            free(c->unit);
            free(c->comment);
            c->unit = c->comment = NULL;
        }
    }
}

/* ---- which leaves ---------------------------------------------------------------------- */

static const snx_value *single_value(const snx_node *leaf)
{
    if (snx_node_kind_of(leaf) == SNX_NODE_PARAMETER)
        return snx_par_is_explored(leaf) ? NULL : snx_par_peek(leaf);
    const char *item;
    if (snx_result_n_items(leaf) != 1)
        return NULL;
    const snx_value *v = snx_result_item_at(leaf, 0, &item);
    return strcmp(item, snx_node_name(leaf)) == 0 ? v : NULL;
}

static int small_scalar(const snx_value *v)
{
    switch (v->type) {
    case SNX_T_BOOL:
    case SNX_T_INT:
    case SNX_T_DOUBLE:
    case SNX_T_COMPLEX:
    case SNX_T_QUANTITY: return 1;
    case SNX_T_STRING: return strlen(v->u.s) <= H5_COLUMN_MAX_STRING;
    default: return 0;
    }
}

int h5_column_eligible(const snx_node *leaf)
{
    snx_branch b = snx_node_branch(leaf);
    const snx_value *v;
    if ((b != SNX_BRANCH_RESULTS && b != SNX_BRANCH_DERIVED) || snx_node_n_annotations(leaf) ||
        !(v = single_value(leaf)) || !small_scalar(v))
        return 0;
    for (const snx_node *p = snx_node_parent(leaf); !snx_node_is_root(p); p = snx_node_parent(p))
        if (h5_run_index(snx_node_name(p)) >= 0)
            return 1;
    return 0;
}

int h5_column_place(const snx_node *leaf, long *row, char **container, char **column)
{
    if (!h5_column_eligible(leaf))
        return 0;
    return h5_run_place(snx_node_full_name(leaf), container, row, column);
}

/* ---- the buffer ---------------------------------------------------------------------- */

static char *column_key(const char *container, const char *name)
{
    snx_buf b = {0};
    snx_buf_printf(&b, "%s:%s", container, name);
    return snx_buf_take(&b);
}

static char *dataset_path(const char *container, const char *group, const char *name)
{
    char *base = h5_path(container);
    snx_buf b = {0};
    if (base)
        snx_buf_printf(&b, "%s%s%s/%s", base, *base ? "/" : "", group, name);
    free(base);
    return base ? snx_buf_take(&b) : NULL;
}

/* Learns the type, unit, comment and kind of a column already on disk. */
static int check_disk(h5s *s, column *c)
{
    c->checked = 1;
    char *path = dataset_path(c->container, H5N_COLUMNS, c->name);
    if (!path)
        return SNX_ENOMEM;
    int rc = 0;
    if (h5_exists(s->traj_g, path)) {
        hid_t ds = H5Dopen2(s->traj_g, path, H5P_DEFAULT);
        char *type = ds >= 0 ? h5_read_str_attr(ds, H5N_TYPE) : NULL;
        char *leaf = ds >= 0 ? h5_read_str_attr(ds, H5N_LEAF) : NULL;
        if (!type || !leaf)
            rc = h5_error(SNX_EFORMAT, "column \"%s\" has no type", path);
        else {
            c->on_disk = 1;
            c->type = snx_type_from_name(type);
            c->kind = strcmp(leaf, "parameter") == 0 ? SNX_NODE_PARAMETER : SNX_NODE_RESULT;
            free(c->unit);
            free(c->comment);
            c->unit = h5_read_unit(ds);
            c->comment = h5_read_str_attr(ds, H5N_COMMENT);
        }
        free(type);
        free(leaf);
        if (ds >= 0)
            H5Dclose(ds);
    }
    free(path);
    return rc;
}

static column *get_column(h5s *s, const char *container, const char *name)
{
    char *key = column_key(container, name);
    column *c = key ? snx_map_get(s->columns->by_key, key) : NULL;
    if (key && !c && (c = snx_calloc(1, sizeof *c))) {
        c->container = snx_strdup(container);
        c->name = snx_strdup(name);
        if (!c->container || !c->name || snx_map_put(s->columns->by_key, key, c)) {
            column_free(c);
            c = NULL;
        }
    }
    free(key);
    if (c && !c->checked && check_disk(s, c))
        return NULL;
    return c;
}

static int same_str(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

int h5_column_add(h5s *s, const snx_node *leaf, long row, const char *container,
                  const char *name)
{
    column *c = get_column(s, container, name);
    if (!c)
        return snx_errcode() ? snx_errcode() : SNX_ENOMEM;
    const snx_value *v = single_value(leaf);
    const char *unit = v->type == SNX_T_QUANTITY ? v->unit : NULL;
    const char *comment = snx_node_comment(leaf);
    snx_node_kind kind = snx_node_kind_of(leaf);
    if (c->type == SNX_T_NONE) {
        c->type = v->type;
        c->kind = kind;
        if ((unit && !(c->unit = snx_strdup(unit))) || (*comment && !(c->comment = snx_strdup(comment))))
            return SNX_ENOMEM;
    } else if (c->type != v->type || c->kind != kind || !same_str(c->unit, unit) ||
               !same_str(c->comment, comment)) {
        return 1;
    }
    if (snx_grow(&c->rows, &c->cap, c->n + 1, sizeof *c->rows))
        return SNX_ENOMEM;
    int rc = snx_value_copy(&c->rows[c->n].value, v);
    if (rc)
        return rc;
    c->rows[c->n++].row = row;
    return 0;
}

/* ---- writing --------------------------------------------------------------------------- */

static hid_t create_column_dataset(hid_t loc, const char *name, hid_t mtype, size_t size,
                                   const h5_filters *f)
{
    hsize_t dims[1] = {0}, maxdims[1] = {H5S_UNLIMITED};
    hid_t space = H5Screate_simple(1, dims, maxdims);
    hid_t dcpl = h5_dcpl(f, mtype, 1, dims, size, 1);
    hid_t ds = space >= 0 && dcpl >= 0
                   ? H5Dcreate2(loc, name, mtype, space, H5P_DEFAULT, dcpl, H5P_DEFAULT)
                   : H5I_INVALID_HID;
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (space >= 0)
        H5Sclose(space);
    return ds;
}

static int describe_column(hid_t ds, const column *c, const snx_value *first)
{
    int rc = h5_write_str_attr(ds, H5N_TYPE, snx_type_name(c->type));
    if (!rc)
        rc = h5_write_str_attr(ds, H5N_LEAF, c->kind == SNX_NODE_PARAMETER ? "parameter" : "result");
    if (!rc && c->comment)
        rc = h5_write_str_attr(ds, H5N_COMMENT, c->comment);
    if (!rc && c->unit)
        rc = h5_write_unit_attrs(ds, first);
    return rc;
}

/* Opens (creating on first use) the values and present datasets of a column. */
static int open_column(h5s *s, column *c, const h5_kind *k, hid_t *values, hid_t *present)
{
    char *vpath = dataset_path(c->container, H5N_COLUMNS, c->name);
    char *ppath = dataset_path(c->container, H5N_PRESENT, c->name);
    int rc = vpath && ppath ? 0 : SNX_ENOMEM;
    *values = *present = H5I_INVALID_HID;
    if (!rc && !c->on_disk) {
        h5_filters f = h5_filters_of(s);
        char *slash = strrchr(vpath, '/');
        *slash = '\0';
        hid_t vg = h5_ensure_group(s->traj_g, vpath);
        *slash = '/';
        slash = strrchr(ppath, '/');
        *slash = '\0';
        hid_t pg = vg >= 0 ? h5_ensure_group(s->traj_g, ppath) : H5I_INVALID_HID;
        *slash = '/';
        hid_t bool_t = h5_bool_type();
        if (pg >= 0 && bool_t >= 0) {
            *values = create_column_dataset(vg, c->name, k->mtype, k->size, &f);
            *present = create_column_dataset(pg, c->name, bool_t, 1, &f);
        }
        if (vg >= 0 && pg >= 0 && (*values < 0 || *present < 0))
            rc = h5_error(SNX_EIO, "cannot create column \"%s\"", vpath);
        else if (vg < 0 || pg < 0)
            rc = snx_errcode();
        if (!rc)
            rc = describe_column(*values, c, &c->rows[0].value);
        if (bool_t >= 0)
            H5Tclose(bool_t);
        if (pg >= 0)
            H5Gclose(pg);
        if (vg >= 0)
            H5Gclose(vg);
        c->on_disk = !rc;
    } else if (!rc) {
        *values = H5Dopen2(s->traj_g, vpath, H5P_DEFAULT);
        *present = H5Dopen2(s->traj_g, ppath, H5P_DEFAULT);
        if (*values < 0 || *present < 0)
            rc = h5_error(SNX_EFORMAT, "cannot open column \"%s\"", vpath);
    }
    free(vpath);
    free(ppath);
    return rc;
}

static int by_row(const void *a, const void *b)
{
    const pending *x = a, *y = b;
    /* Equal rows keep their order of arrival (the later one wins). */
    if (x->row != y->row)
        return (x->row > y->row) - (x->row < y->row);
    return (x > y) - (x < y);
}

/* Sorts the buffered rows and drops all but the last write of each row. */
static void sort_rows(column *c)
{
    qsort(c->rows, c->n, sizeof *c->rows, by_row);
    size_t out = 0;
    for (size_t i = 0; i < c->n; i++) {
        if (out && c->rows[out - 1].row == c->rows[i].row) {
            snx_value_clear(&c->rows[out - 1].value);
            c->rows[out - 1] = c->rows[i];
        } else {
            c->rows[out++] = c->rows[i];
        }
    }
    c->n = out;
}

/* Selects the rows of `coords` (sorted) in a dataset's file space. */
static int select_rows(hid_t space, const hsize_t *coords, size_t n)
{
    if (coords[n - 1] - coords[0] + 1 == n) { /* one contiguous block: the usual case */
        hsize_t start = coords[0], count = n;
        return H5Sselect_hyperslab(space, H5S_SELECT_SET, &start, NULL, &count, NULL);
    }
    return H5Sselect_elements(space, H5S_SELECT_SET, n, coords);
}

/* Moves n packed values between buf and the rows selected in fs. */
static int transfer(hid_t ds, hid_t mtype, hid_t fs, hsize_t n, void *buf, int writing)
{
    hid_t ms = H5Screate_simple(1, &n, NULL);
    herr_t rc = ms < 0 ? -1
              : writing ? H5Dwrite(ds, mtype, ms, fs, H5P_DEFAULT, buf)
                        : H5Dread(ds, mtype, ms, fs, H5P_DEFAULT, buf);
    if (ms >= 0)
        H5Sclose(ms);
    return rc < 0 ? -1 : 0;
}

int h5_write_rows(hid_t ds, hid_t mtype, const hsize_t *rows, size_t n, const void *buf)
{
    hid_t fs = H5Dget_space(ds);
    hsize_t len = 0;
    if (fs >= 0)
        H5Sget_simple_extent_dims(fs, &len, NULL);
    if (fs >= 0 && rows[n - 1] + 1 > len) {
        H5Sclose(fs);
        hsize_t grown = rows[n - 1] + 1;
        fs = H5Dset_extent(ds, &grown) < 0 ? H5I_INVALID_HID : H5Dget_space(ds);
    }
    int rc = fs < 0 || select_rows(fs, rows, n) < 0 ? -1
                                                    : transfer(ds, mtype, fs, n, (void *)buf, 1);
    if (fs >= 0)
        H5Sclose(fs);
    return rc;
}

static int flush_column(h5s *s, column *c)
{
    sort_rows(c);
    h5_kind k = {.mtype = H5I_INVALID_HID};
    int rc = h5_kind_of(&c->rows[0].value, &k);
    hsize_t *coords = rc ? NULL : snx_malloc(c->n * sizeof *coords);
    char *buf = coords ? snx_malloc(c->n * (k.size > 1 ? k.size : 1)) : NULL;
    snx_value *vals = buf ? snx_malloc(c->n * sizeof *vals) : NULL;
    hid_t values = H5I_INVALID_HID, present = H5I_INVALID_HID;
    if (!rc && !vals)
        rc = SNX_ENOMEM;
    if (!rc)
        rc = open_column(s, c, &k, &values, &present);
    if (!rc) {
        for (size_t i = 0; i < c->n; i++) {
            coords[i] = (hsize_t)c->rows[i].row;
            vals[i] = c->rows[i].value; /* shallow: only read while packing */
        }
        h5_pack(&k, vals, c->n, buf);
        if (h5_write_rows(values, k.mtype, coords, c->n, buf) < 0)
            rc = h5_error(SNX_EIO, "cannot write column \"%s\" of \"%s\"", c->name, c->container);
    }
    hid_t bool_t = rc ? H5I_INVALID_HID : h5_bool_type();
    if (!rc) {
        memset(buf, 1, c->n);
        if (bool_t < 0 || h5_write_rows(present, bool_t, coords, c->n, buf) < 0)
            rc = h5_error(SNX_EIO, "cannot write column \"%s\" of \"%s\"", c->name, c->container);
    }
    if (bool_t >= 0)
        H5Tclose(bool_t);
    if (values >= 0)
        H5Dclose(values);
    if (present >= 0)
        H5Dclose(present);
    if (!coords || !rc) { /* written (or unwritable): drop the buffer */
        for (size_t i = 0; i < c->n; i++)
            snx_value_clear(&c->rows[i].value);
        c->n = 0;
    }
    free(vals);
    free(buf);
    free(coords);
    h5_kind_free(&k);
    return rc;
}

/* Writes the buffered rows (part of every commit). */
static int columns_flush(h5s *s)
{
    const char *key;
    void *v;
    int rc = 0;
    for (size_t it = 0; !rc && snx_map_next(s->columns->by_key, &it, &key, &v);)
        if (((column *)v)->n)
            rc = flush_column(s, v);
    return rc;
}

/* ---- reading --------------------------------------------------------------------------- */

typedef struct names {
    snx_buf buf; /* NUL-separated */
    char *bad;   /* a name that is no column */
} names;

/* A column's name is a leaf's path below its run group: names joined by dots. */
static int valid_column_name(const char *name)
{
    size_t n = strlen(name);
    return n && name[0] != '.' && name[n - 1] != '.' && !strstr(name, "..");
}

static herr_t collect_name(hid_t g, const char *name, const H5L_info_t *info, void *ctx)
{
    names *n = ctx;
    H5O_info_t oi;
    if (info->type != H5L_TYPE_HARD ||
        H5Oget_info_by_name2(g, name, &oi, H5O_INFO_BASIC, H5P_DEFAULT) < 0 ||
        oi.type != H5O_TYPE_DATASET || !valid_column_name(name)) {
        n->bad = name[0] ? snx_strdup(name) : snx_strdup("(empty)");
        return -1;
    }
    return snx_buf_append(&n->buf, name, strlen(name) + 1) ? -1 : 0;
}

/* 1 for a column named prefix, 2 for one below it (prefix.*), 0 otherwise. */
static int matches(const char *name, const char *prefix)
{
    if (!prefix || !*prefix)
        return 2;
    size_t n = strlen(prefix);
    if (strncmp(name, prefix, n) != 0)
        return 0;
    return name[n] == '\0' ? 1 : name[n] == '.' ? 2 : 0;
}

/* Reads `count` rows from `first` of a 1-d dataset into buf. */
static int read_rows(hid_t ds, hid_t mtype, hsize_t first, hsize_t count, void *buf)
{
    hid_t fs = H5Dget_space(ds);
    int rc = fs < 0 || H5Sselect_hyperslab(fs, H5S_SELECT_SET, &first, NULL, &count, NULL) < 0
                 ? -1 : transfer(ds, mtype, fs, count, buf, 0);
    if (fs >= 0)
        H5Sclose(fs);
    return rc;
}

static hsize_t extent(hid_t ds)
{
    hsize_t n = 0;
    hid_t fs = H5Dget_space(ds);
    if (fs >= 0) {
        H5Sget_simple_extent_dims(fs, &n, NULL);
        H5Sclose(fs);
    }
    return n;
}

/* One open column: its datasets and the span of rows to look at. */
typedef struct open_col {
    hid_t values, present;
    hsize_t first, count;
    int8_t *mask;
} open_col;

static void close_col(open_col *o)
{
    if (o->values >= 0)
        H5Dclose(o->values);
    if (o->present >= 0)
        H5Dclose(o->present);
    free(o->mask);
}

/* The present flags are a 1-d bool dataset as long as the values. */
static int check_shapes(const open_col *o, const char *name)
{
    hid_t vs = H5Dget_space(o->values), ps = H5Dget_space(o->present);
    hid_t pt = H5Dget_type(o->present), bool_t = h5_bool_type();
    int ok = vs >= 0 && ps >= 0 && pt >= 0 && bool_t >= 0 &&
             H5Sget_simple_extent_ndims(vs) == 1 && H5Sget_simple_extent_ndims(ps) == 1 &&
             H5Tequal(pt, bool_t) > 0;
    hsize_t nv = 0, np = 0;
    if (ok) {
        H5Sget_simple_extent_dims(vs, &nv, NULL);
        H5Sget_simple_extent_dims(ps, &np, NULL);
    }
    if (vs >= 0)
        H5Sclose(vs);
    if (ps >= 0)
        H5Sclose(ps);
    if (pt >= 0)
        H5Tclose(pt);
    if (bool_t >= 0)
        H5Tclose(bool_t);
    H5Eclear2(H5E_DEFAULT);
    if (!ok)
        return snx_error(SNX_EFORMAT, "column \"%s\" or its %s flags is not a 1-d dataset of "
                         "the right type", name, H5N_PRESENT);
    if (nv != np)
        return snx_error(SNX_EFORMAT, "column \"%s\" has %llu rows but %llu %s flags", name,
                         (unsigned long long)nv, (unsigned long long)np, H5N_PRESENT);
    return 0;
}

/* Opens a column and reads its present flags (all rows, or just `row`). 0 when the
 * span is empty. */
static int open_and_mask(hid_t cg, hid_t pg, const char *name, long row, open_col *o)
{
    memset(o, 0, sizeof *o);
    o->values = o->present = H5I_INVALID_HID;
    if (H5Lexists(pg, name, H5P_DEFAULT) <= 0)
        return h5_error(SNX_EFORMAT, "column \"%s\" has no %s flags", name, H5N_PRESENT);
    o->values = H5Dopen2(cg, name, H5P_DEFAULT);
    o->present = H5Dopen2(pg, name, H5P_DEFAULT);
    if (o->values < 0 || o->present < 0)
        return h5_error(SNX_EFORMAT, "cannot open column \"%s\"", name);
    int rc = check_shapes(o, name);
    if (rc)
        return rc;
    hsize_t n = extent(o->present);
    o->first = row >= 0 ? (hsize_t)row : 0;
    o->count = row >= 0 ? ((hsize_t)row < n ? 1 : 0) : n;
    if (!o->count)
        return 0;
    if (!(o->mask = snx_malloc(o->count)))
        return SNX_ENOMEM;
    hid_t bool_t = h5_bool_type();
    rc = bool_t < 0 || read_rows(o->present, bool_t, o->first, o->count, o->mask) < 0
                 ? h5_error(SNX_EIO, "cannot read column \"%s\"", name) : 0;
    if (bool_t >= 0)
        H5Tclose(bool_t);
    return rc;
}

/* Opens <container>/_columns and _present; 0 when the container has no columns. */
static void close_groups(hid_t cg, hid_t pg);

static herr_t flags_without_column(hid_t pg, const char *name, const H5L_info_t *info, void *ctx)
{
    (void)pg, (void)info;
    if (H5Lexists(*(hid_t *)ctx, name, H5P_DEFAULT) > 0)
        return 0;
    snx_error(SNX_EFORMAT, "%s flags \"%s\" have no column", H5N_PRESENT, name);
    return -1;
}

/* Opens <container>/_columns and _present; 0 when the container has no columns. Both
 * are groups holding datasets of the same names (checked as the columns are read). */
static int open_groups(h5s *s, const char *container, hid_t *cg, hid_t *pg)
{
    *cg = *pg = H5I_INVALID_HID;
    char *base = h5_path(container);
    snx_buf b = {0}, p = {0};
    int rc = base ? 0 : SNX_ENOMEM;
    if (!rc) {
        snx_buf_printf(&b, "%s%s%s", base, *base ? "/" : "", H5N_COLUMNS);
        snx_buf_printf(&p, "%s%s%s", base, *base ? "/" : "", H5N_PRESENT);
    }
    int exists = !rc && (b.data && p.data) && h5_exists(s->traj_g, b.data);
    H5O_info_t ci, pi;
    if (exists) {
        int have_present = h5_exists(s->traj_g, p.data);
        if (H5Oget_info_by_name2(s->traj_g, b.data, &ci, H5O_INFO_BASIC, H5P_DEFAULT) < 0 ||
            ci.type != H5O_TYPE_GROUP)
            rc = h5_error(SNX_EFORMAT, "\"%s\" is not a group", b.data);
        else if (!have_present ||
                 H5Oget_info_by_name2(s->traj_g, p.data, &pi, H5O_INFO_BASIC, H5P_DEFAULT) < 0 ||
                 pi.type != H5O_TYPE_GROUP)
            rc = h5_error(SNX_EFORMAT, "the columns \"%s\" have no group \"%s\" of present flags",
                          b.data, p.data);
        if (!rc) {
            *cg = H5Gopen2(s->traj_g, b.data, H5P_DEFAULT);
            *pg = H5Gopen2(s->traj_g, p.data, H5P_DEFAULT);
            if (*cg < 0 || *pg < 0)
                rc = h5_error(SNX_EFORMAT, "cannot open the columns \"%s\"", b.data);
            else if (H5Literate(*pg, H5_INDEX_NAME, H5_ITER_NATIVE, NULL, flags_without_column,
                                cg) < 0)
                rc = snx_errcode() ? snx_errcode()
                                   : h5_error(SNX_EFORMAT, "cannot list \"%s\"", p.data);
        }
    } else if (!rc && h5_exists(s->traj_g, p.data)) {
        rc = snx_error(SNX_EFORMAT, "\"%s\" has no columns \"%s\"", p.data, b.data);
    }
    if (rc) {
        close_groups(*cg, *pg);
        *cg = *pg = H5I_INVALID_HID;
    }
    snx_buf_free(&b);
    snx_buf_free(&p);
    free(base);
    return rc ? rc : exists;
}

static void close_groups(hid_t cg, hid_t pg)
{
    if (cg >= 0)
        H5Gclose(cg);
    if (pg >= 0)
        H5Gclose(pg);
}

/* Calls f for each column of the container that matches prefix. */
typedef long (*column_fn)(h5s *s, hid_t cg, hid_t pg, const char *name, int match, void *ctx);

static long for_columns(h5s *s, const char *container, const char *prefix, column_fn f,
                        void *ctx)
{
    int rc = columns_flush(s);
    hid_t cg = H5I_INVALID_HID, pg = H5I_INVALID_HID;
    if (!rc)
        rc = open_groups(s, container, &cg, &pg);
    if (rc <= 0)
        return rc;
    names n = {{0}, NULL};
    long total = 0;
    if (h5_iterate(cg, collect_name, &n) < 0)
        total = n.bad ? snx_error(SNX_EFORMAT, "\"%s\" in the %s of \"%s\" is not a column",
                                  n.bad, H5N_COLUMNS, container)
                      : snx_errcode() == SNX_ENOMEM
                            ? SNX_ENOMEM
                            : h5_error(SNX_EFORMAT, "cannot list the %s of \"%s\"", H5N_COLUMNS,
                                       container);
    free(n.bad);
    for (size_t off = 0; total >= 0 && off < n.buf.len; off += strlen(n.buf.data + off) + 1) {
        const char *name = n.buf.data + off;
        int m = matches(name, prefix);
        long got = m ? f(s, cg, pg, name, m, ctx) : 0;
        total = got < 0 ? got : total + got;
    }
    snx_buf_free(&n.buf);
    close_groups(cg, pg);
    return total;
}

typedef struct load_cols {
    h5s *s;
    snx_map *real_runs; /* run groups of the container that are HDF5 groups */
    snx_traj *traj;
    const char *container;
    snx_load_level level;
    long row;
} load_cols;

/* The kind of leaf a column holds (its `leaf` attribute) and its comment. */
static int column_leaf(hid_t ds, const char *name, char **comment, snx_node_kind *kind)
{
    char *leaf = h5_read_str_attr(ds, H5N_LEAF);
    int rc = 0;
    if (!leaf)
        rc = snx_errcode() ? snx_errcode()
                           : snx_error(SNX_EFORMAT, "column \"%s\" has no %s attribute", name,
                                       H5N_LEAF);
    else if (strcmp(leaf, "parameter") == 0 || strcmp(leaf, "result") == 0)
        *kind = leaf[0] == 'p' ? SNX_NODE_PARAMETER : SNX_NODE_RESULT;
    else
        rc = snx_error(SNX_EFORMAT, "column \"%s\": unknown leaf kind \"%s\"", name, leaf);
    free(leaf);
    if (!rc && !(*comment = h5_read_str_attr(ds, H5N_COMMENT)) && snx_errcode())
        rc = snx_errcode();
    return rc;
}

/* The column's values for the span, or NULL values at level SKELETON. */
static int column_values(const open_col *o, const char *name, snx_load_level level,
                         snx_value **out, char **comment, snx_node_kind *kind)
{
    *out = NULL;
    int rc = column_leaf(o->values, name, comment, kind);
    if (rc || level < SNX_LOAD_DATA)
        return rc;
    h5_kind k = {.mtype = H5I_INVALID_HID};
    char *unit = NULL;
    rc = h5_kind_of_dataset(o->values, 1, &k, &unit);
    if (!rc && k.type != SNX_T_BOOL && k.type != SNX_T_INT && k.type != SNX_T_DOUBLE &&
        k.type != SNX_T_COMPLEX && k.type != SNX_T_QUANTITY && k.type != SNX_T_STRING)
        rc = snx_error(SNX_EFORMAT, "a column of %s values", snx_type_name(k.type));
    void *buf = rc ? NULL : snx_malloc(o->count * k.size);
    snx_value *v = buf ? snx_calloc(o->count, sizeof *v) : NULL;
    if (!rc && !buf && k.size && o->count > SIZE_MAX / k.size)
        rc = snx_error(SNX_EFORMAT, "a column too long for memory");
    if (!rc && !v)
        rc = SNX_ENOMEM;
    if (!rc && read_rows(o->values, k.mtype, o->first, o->count, buf) < 0)
        rc = h5_error(SNX_EIO, "cannot read column \"%s\"", name);
    else if (!rc) {
        rc = h5_unpack(&k, buf, o->count, unit, v);
        if (k.type == SNX_T_STRING) {
            hsize_t count = o->count;
            hid_t ms = H5Screate_simple(1, &count, NULL);
            H5Dvlen_reclaim(k.mtype, ms, H5P_DEFAULT, buf);
            H5Sclose(ms);
        }
    }
    if (!rc)
        *out = v;
    else
        free(v);
    free(buf);
    free(unit);
    h5_kind_free(&k);
    return rc ? snx_error_context("column \"%s\"", name) : 0;
}

/* "container.run_XXXXXXXX.name", the leaf's full name. */
static void row_full_name(const load_cols *lc, const char *run, const char *name, char *full,
                          size_t size)
{
    snprintf(full, size, "%s%s%s.%s", lc->container, *lc->container ? "." : "", run, name);
}

static herr_t collect_run(hid_t g, const char *name, const H5L_info_t *info, void *ctx)
{
    (void)g, (void)info;
    return h5_run_index(name) >= 0 && snx_map_put(ctx, name, (void *)1) ? -1 : 0;
}

/* The names of the container's run groups that exist in the file (most hold only
 * column leaves and do not), so that rows of the others cost no lookup. */
static int real_run_groups(h5s *s, const char *container, snx_map **out)
{
    char *path = h5_path(container);
    int rc = path && (*out = snx_map_new(NULL)) ? 0 : SNX_ENOMEM;
    if (!rc && (*path ? h5_exists(s->traj_g, path) : 1)) {
        hid_t g = H5Gopen2(s->traj_g, *path ? path : ".", H5P_DEFAULT);
        if (g < 0 || H5Literate(g, H5_INDEX_NAME, H5_ITER_NATIVE, NULL, collect_run, *out) < 0)
            rc = snx_errcode() == SNX_ENOMEM ? SNX_ENOMEM
                                             : h5_error(SNX_EFORMAT, "cannot list \"%s\"", container);
        if (g >= 0)
            H5Gclose(g);
    }
    free(path);
    return rc;
}

/* SNX_EFORMAT when the run group of a row is an HDF5 group that also holds the leaf
 * (or a group of its name): one leaf stored twice. Run groups that hold only column
 * leaves are not in the file, so the usual row costs one lookup. */
static int in_file(const load_cols *lc, const char *run, const char *name)
{
    if (!snx_map_has(lc->real_runs, run))
        return 0;
    char *base = h5_path(lc->container), *rest = h5_path(name);
    snx_buf b = {0};
    int rc = base && rest ? 0 : SNX_ENOMEM;
    if (!rc) {
        snx_buf_printf(&b, "%s%s%s/%s", base, *base ? "/" : "", run, rest);
        if (!b.data)
            rc = SNX_ENOMEM;
        else if (h5_exists(lc->s->traj_g, b.data))
            rc = snx_error(SNX_EFORMAT, "column \"%s\": \"%s\" is a column row and also an "
                           "object in the file", name, b.data);
    }
    snx_buf_free(&b);
    free(base);
    free(rest);
    return rc;
}

/* Puts one row into the tree: a new leaf, or the value into an existing one. The
 * usual case, a new leaf "z" right below its run group, is built child by child
 * from the container node, without making or parsing full names: loading 10^5 rows
 * is mostly this. */
static int load_row(load_cols *lc, snx_node *cnode, long row, const char *name,
                    snx_node_kind kind, snx_value *v, const char *comment)
{
    char run[SNX_RUN_NAME_BUF], full[SNX_LOCATION_MAX + 2 * SNX_NAME_MAX];
    snx_run_name(run, row);
    int nested = strchr(name, '.') != NULL; /* below groups of the run: the general path */
    snx_node *g = nested ? NULL : snx_node_child_named(cnode, run), *leaf = NULL;
    if (nested) {
        row_full_name(lc, run, name, full, sizeof full);
        leaf = h5_find_exact(lc->traj, full);
    } else if (g) {
        leaf = snx_node_child_named(g, name);
    }
    if (leaf && snx_node_kind_of(leaf) != kind) {
        row_full_name(lc, run, name, full, sizeof full);
        return snx_error(SNX_EFORMAT, "column \"%s\": \"%s\" is a column row and also a %s",
                         name, full, snx_node_kind_of(leaf) == SNX_NODE_GROUP ? "group" : "leaf of another kind");
    }
    int rc = in_file(lc, run, name);
    if (rc)
        return rc;
    snx_value value = snx_none();
    /* Data only for new or empty leaves, or when overwriting. */
    if (v && (!leaf || lc->level == SNX_LOAD_OVERWRITE || snx_leaf_is_empty(leaf)))
        value = *v, *v = snx_none();
    if (!leaf && !nested) {
        if (!g)
            g = snx_node_add_group(cnode, run, NULL);
        leaf = g ? snx_node_add_leaf(g, name, value, comment) : NULL;
        if (leaf && snx_node_kind_of(leaf) != kind) {
            row_full_name(lc, run, name, full, sizeof full);
            return snx_error(SNX_EFORMAT, "column \"%s\" holds the wrong kind of leaf", full);
        }
    } else {
        if (!nested)
            row_full_name(lc, run, name, full, sizeof full);
        leaf = snx_traj_load_leaf(lc->traj, full, kind, value, leaf ? NULL : comment);
    }
    if (!leaf)
        return snx_errcode();
    snx_node_set_stored(leaf, 1);
    return 0;
}

static long load_column(h5s *s, hid_t cg, hid_t pg, const char *name, int match, void *ctx)
{
    (void)s, (void)match;
    load_cols *lc = ctx;
    open_col o;
    snx_value *v = NULL;
    char *comment = NULL;
    snx_node_kind kind = SNX_NODE_RESULT;
    long rc = open_and_mask(cg, pg, name, lc->row, &o);
    if (!rc && o.count)
        rc = column_values(&o, name, lc->level, &v, &comment, &kind);
    snx_node *cnode = NULL;
    if (!rc && o.count && !(cnode = h5_find_exact(lc->traj, lc->container)) &&
        !(cnode = snx_traj_load_group(lc->traj, lc->container, NULL)))
        rc = snx_errcode();
    long found = 0;
    for (hsize_t i = 0; !rc && i < o.count; i++) {
        if (!o.mask[i])
            continue;
        found++;
        rc = load_row(lc, cnode, (long)(o.first + i), name, kind, v ? &v[i] : NULL, comment);
    }
    if (rc < 0 && rc != SNX_ENOMEM)
        rc = h5_format_error((int)rc, "loading the %s of \"%s\"", H5N_COLUMNS, lc->container);
    for (hsize_t i = 0; v && i < o.count; i++)
        snx_value_clear(&v[i]);
    free(v);
    free(comment);
    close_col(&o);
    return rc ? rc : found;
}

long h5_columns_load(h5s *s, snx_traj *traj, const char *container, snx_load_level level,
                     long row, const char *prefix)
{
    if (level == SNX_LOAD_NOTHING)
        return 0;
    load_cols lc = {s, NULL, traj, container, level, row};
    long n = real_run_groups(s, container, &lc.real_runs);
    if (n >= 0)
        n = for_columns(s, container, prefix, load_column, &lc);
    snx_map_free(lc.real_runs);
    return n;
}

static long lookup_column(h5s *s, hid_t cg, hid_t pg, const char *name, int match, void *ctx)
{
    (void)s, (void)ctx;
    open_col o;
    long rc = open_and_mask(cg, pg, name, *(long *)ctx, &o);
    long got = !rc && o.count && o.mask[0] ? match : 0;
    close_col(&o);
    return rc ? rc : got;
}

int h5_columns_lookup(h5s *s, const char *container, long row, const char *prefix)
{
    /* for_columns sums: a leaf match (1) excludes group matches (2) for one name. */
    long r = for_columns(s, container, prefix, lookup_column, &row);
    return r < 0 ? (int)r : r == 0 ? 0 : (r == 1 ? 1 : 2);
}

static long clear_column(h5s *s, hid_t cg, hid_t pg, const char *name, int match, void *ctx)
{
    (void)s, (void)match;
    long row = *(long *)ctx;
    open_col o;
    long rc = open_and_mask(cg, pg, name, row, &o);
    long got = !rc && o.count && o.mask[0];
    if (got) {
        hsize_t r = (hsize_t)row;
        int8_t no = 0;
        hid_t bool_t = h5_bool_type();
        if (bool_t < 0 || h5_write_rows(o.present, bool_t, &r, 1, &no) < 0)
            rc = h5_error(SNX_EIO, "cannot clear row %ld of column \"%s\"", row, name);
        if (bool_t >= 0)
            H5Tclose(bool_t);
    }
    close_col(&o);
    return rc ? rc : got;
}

long h5_columns_clear(h5s *s, const char *container, long row, const char *prefix)
{
    return for_columns(s, container, prefix, clear_column, &row);
}
