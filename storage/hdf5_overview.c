/* The overview group: two compact tables a reader can load into pandas at once.
 *
 *   overview/runs          one row per run: idx, name, completed, timestamp,
 *                          finish_timestamp, runtime, seed, parameter_summary,
 *                          env_hexsha, error (pypet's run information)
 *   overview/explorations  one row per run, one column per explored parameter
 *                          (quantities in SI; attribute `units` names them)
 *
 * The runs table is extendible: storing a run buffers its row, and the commit writes
 * the buffered rows in one go. Its `completed` flag is what a resumed sweep trusts;
 * it is written in the same atomic commit as the run's data. */
#include "hdf5_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snex/error.h"
#include "snex/util.h"

#define RUNS_TABLE H5N_OVERVIEW "/runs"
#define EXPLORATIONS_TABLE H5N_OVERVIEW "/explorations"

typedef struct run_row {
    int64_t idx;
    char name[16];
    int8_t completed;
    double timestamp, finish_timestamp, runtime;
    uint64_t seed;
    char *parameter_summary, *env_hexsha, *error;
} run_row;

struct h5_runs {
    run_row *rows; /* buffered until the next commit */
    size_t n, cap;
};

static void row_clear(run_row *r)
{
    free(r->parameter_summary);
    free(r->env_hexsha);
    free(r->error);
}

static int runs_flush(h5s *s);

int h5_runs_init(h5s *s)
{
    static const h5_pending hook = { .flush = runs_flush };
    if (!(s->runs = snx_calloc(1, sizeof(h5_runs))))
        return SNX_ENOMEM;
    h5_add_pending(s, &hook);
    return 0;
}

void h5_runs_free(h5_runs *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++)
        row_clear(&r->rows[i]);
    free(r->rows);
    free(r);
}

static hid_t row_type(void)
{
    hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(run_row));
    hid_t name = H5Tcopy(H5T_C_S1), str = h5_str_type(), b = h5_bool_type();
    herr_t rc = t >= 0 && name >= 0 && str >= 0 && b >= 0 ? H5Tset_size(name, 16) : -1;
    if (rc >= 0)
        rc = H5Tinsert(t, "idx", HOFFSET(run_row, idx), H5T_NATIVE_INT64) |
             H5Tinsert(t, "name", HOFFSET(run_row, name), name) |
             H5Tinsert(t, "completed", HOFFSET(run_row, completed), b) |
             H5Tinsert(t, "timestamp", HOFFSET(run_row, timestamp), H5T_NATIVE_DOUBLE) |
             H5Tinsert(t, "finish_timestamp", HOFFSET(run_row, finish_timestamp),
                       H5T_NATIVE_DOUBLE) |
             H5Tinsert(t, "runtime", HOFFSET(run_row, runtime), H5T_NATIVE_DOUBLE) |
             H5Tinsert(t, "seed", HOFFSET(run_row, seed), H5T_NATIVE_UINT64) |
             H5Tinsert(t, "parameter_summary", HOFFSET(run_row, parameter_summary), str) |
             H5Tinsert(t, "env_hexsha", HOFFSET(run_row, env_hexsha), str) |
             H5Tinsert(t, "error", HOFFSET(run_row, error), str);
    if (name >= 0)
        H5Tclose(name);
    if (str >= 0)
        H5Tclose(str);
    if (b >= 0)
        H5Tclose(b);
    if (rc < 0 && t >= 0) {
        H5Tclose(t);
        t = H5I_INVALID_HID;
    }
    return t;
}

static char *dup_or_null(const char *s) { return s ? snx_strdup(s) : NULL; }

/* The row of run idx as the trajectory knows it. */
static int fill_row(snx_traj *traj, long idx, int completed, run_row *row)
{
    snx_run_info info;
    int rc = snx_traj_run_info(traj, idx, &info);
    if (rc)
        return rc;
    *row = (run_row){.idx = idx,
                     .completed = (int8_t)(completed || info.completed),
                     .timestamp = info.timestamp,
                     .finish_timestamp = info.finish_timestamp,
                     .runtime = info.runtime,
                     .seed = info.seed};
    snprintf(row->name, sizeof row->name, "%.*s", (int)sizeof row->name - 1, info.name);
    /* Without an Environment nobody wrote the summary: derive it. */
    row->parameter_summary = *info.parameter_summary ? snx_strdup(info.parameter_summary)
                                                     : snx_traj_parameter_summary(traj, idx);
    row->env_hexsha = dup_or_null(info.env_hexsha);
    row->error = dup_or_null(info.error);
    if (!row->parameter_summary || !row->env_hexsha || (info.error && !row->error)) {
        row_clear(row);
        return SNX_ENOMEM;
    }
    return 0;
}

/* Buffers a filled row (taken over). */
static int push_row(h5s *s, run_row *row)
{
    h5_runs *r = s->runs;
    if (snx_grow(&r->rows, &r->cap, r->n + 1, sizeof *r->rows)) {
        row_clear(row);
        return SNX_ENOMEM;
    }
    r->rows[r->n++] = *row;
    return 0;
}

int h5_runs_add(h5s *s, snx_traj *traj, long idx, int completed)
{
    run_row row;
    int rc = fill_row(traj, idx, completed, &row);
    return rc ? rc : push_row(s, &row);
}

static hsize_t table_length(h5s *s, const char *path)
{
    hsize_t n = 0;
    if (!h5_exists(s->traj_g, path))
        return 0;
    hid_t ds = H5Dopen2(s->traj_g, path, H5P_DEFAULT);
    hid_t space = ds >= 0 ? H5Dget_space(ds) : -1;
    if (space >= 0) {
        H5Sget_simple_extent_dims(space, &n, NULL);
        H5Sclose(space);
    }
    if (ds >= 0)
        H5Dclose(ds);
    return n;
}

/* SNX_EFORMAT unless the compound dataset ds has exactly the members of `type`, each
 * of the same class (HDF5 would fill a missing member with zeros). */
static int same_fields(hid_t ds, hid_t type, const char *file, const char *what)
{
    hid_t ft = H5Dget_type(ds);
    int n = H5Tget_nmembers(type), rc = 0;
    if (ft < 0 || H5Tget_class(ft) != H5T_COMPOUND || H5Tget_nmembers(ft) != n)
        rc = snx_error(SNX_EFORMAT, "%s: %s does not have the %d fields snex writes", file, what,
                       n);
    for (int m = 0; !rc && m < n; m++) {
        char *name = H5Tget_member_name(type, (unsigned)m);
        int at = name ? H5Tget_member_index(ft, name) : -1;
        if (at < 0 || H5Tget_member_class(ft, (unsigned)at) != H5Tget_member_class(type, (unsigned)m))
            rc = snx_error(SNX_EFORMAT, "%s: field \"%s\" of %s is missing or of another type",
                           file, name ? name : "?", what);
        H5free_memory(name);
    }
    if (ft >= 0)
        H5Tclose(ft);
    H5Eclear2(H5E_DEFAULT);
    return rc;
}

/* The runs table as stored (*n = 0 without one); free with free_runs_table. */
static int read_runs_table(h5s *s, run_row **rows, hsize_t *n, hid_t *type, hid_t *space)
{
    *rows = NULL;
    *n = 0;
    *type = *space = H5I_INVALID_HID;
    if (!h5_exists(s->traj_g, RUNS_TABLE))
        return 0;
    hid_t ds = H5Dopen2(s->traj_g, RUNS_TABLE, H5P_DEFAULT);
    *type = row_type();
    *space = ds >= 0 ? H5Dget_space(ds) : H5I_INVALID_HID;
    int rc = ds < 0 || *space < 0 || *type < 0 || H5Sget_simple_extent_ndims(*space) != 1
                 ? h5_error(SNX_EFORMAT, "%s: the runs table %s is no 1-d dataset", s->filename,
                            RUNS_TABLE)
                 : same_fields(ds, *type, s->filename, RUNS_TABLE);
    if (!rc)
        H5Sget_simple_extent_dims(*space, n, NULL);
    if (!rc && *n > SIZE_MAX / sizeof **rows)
        rc = snx_error(SNX_EFORMAT, "%s: the runs table is too long", s->filename);
    if (!rc && !(*rows = snx_calloc(*n ? *n : 1, sizeof **rows)))
        rc = SNX_ENOMEM;
    if (!rc && *n && H5Dread(ds, *type, H5S_ALL, H5S_ALL, H5P_DEFAULT, *rows) < 0)
        rc = h5_error(SNX_EFORMAT, "cannot read the runs table of %s", s->filename);
    if (ds >= 0)
        H5Dclose(ds);
    if (rc) {
        free(*rows);
        *rows = NULL;
        *n = 0;
    }
    return rc;
}

static void free_runs_table(run_row *rows, hsize_t n, hid_t type, hid_t space)
{
    if (rows && n)
        H5Dvlen_reclaim(type, space, H5P_DEFAULT, rows);
    free(rows);
    if (space >= 0)
        H5Sclose(space);
    if (type >= 0)
        H5Tclose(type);
}

static int same_str(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

static int same_row(const run_row *a, const run_row *b)
{
    return a->completed == b->completed && a->timestamp == b->timestamp &&
           a->finish_timestamp == b->finish_timestamp && a->runtime == b->runtime &&
           a->seed == b->seed && same_str(a->parameter_summary, b->parameter_summary) &&
           same_str(a->env_hexsha, b->env_hexsha) && same_str(a->error, b->error);
}

int h5_runs_add_missing(h5s *s, snx_traj *traj)
{
    run_row *disk, row;
    hsize_t have;
    hid_t type, space;
    int rc = read_runs_table(s, &disk, &have, &type, &space);
    /* Rows the table lacks or has otherwise (rewriting a row of strings costs: a
     * loaded trajectory stored again rewrites nothing). */
    for (size_t k = 0; !rc && k < snx_traj_n_runs(traj); k++) {
        if ((rc = fill_row(traj, (long)k, 0, &row)))
            break;
        if (k < have && same_row(&row, &disk[k]))
            row_clear(&row);
        else
            rc = push_row(s, &row);
    }
    free_runs_table(disk, have, type, space);
    return rc;
}

static int by_idx(const void *a, const void *b)
{
    const run_row *x = a, *y = b;
    if (x->idx != y->idx)
        return (x->idx > y->idx) - (x->idx < y->idx);
    return (x > y) - (x < y); /* the later row of one run wins */
}

static hid_t open_runs_table(h5s *s, hid_t type)
{
    if (h5_exists(s->traj_g, RUNS_TABLE))
        return H5Dopen2(s->traj_g, RUNS_TABLE, H5P_DEFAULT);
    hid_t og = h5_ensure_group(s->traj_g, H5N_OVERVIEW);
    if (og < 0)
        return og;
    hsize_t dims[1] = {0}, maxdims[1] = {H5S_UNLIMITED};
    h5_filters f = h5_filters_of(s);
    hid_t space = H5Screate_simple(1, dims, maxdims);
    hid_t dcpl = h5_dcpl(&f, type, 1, dims, sizeof(run_row), 1);
    hid_t ds = H5Dcreate2(og, "runs", type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    H5Pclose(dcpl);
    H5Sclose(space);
    H5Gclose(og);
    return ds;
}

static int runs_flush(h5s *s)
{
    h5_runs *r = s->runs;
    if (!r->n)
        return 0;
    qsort(r->rows, r->n, sizeof *r->rows, by_idx);
    size_t out = 0;
    for (size_t i = 0; i < r->n; i++) {
        if (out && r->rows[out - 1].idx == r->rows[i].idx)
            row_clear(&r->rows[--out]);
        r->rows[out++] = r->rows[i];
    }
    r->n = out;
    hsize_t *coords = snx_malloc(r->n * sizeof *coords);
    hid_t type = row_type();
    hid_t ds = coords && type >= 0 ? open_runs_table(s, type) : H5I_INVALID_HID;
    int rc = !coords ? SNX_ENOMEM : 0;
    for (size_t i = 0; coords && i < r->n; i++)
        coords[i] = (hsize_t)r->rows[i].idx;
    if (!rc && (ds < 0 || h5_write_rows(ds, type, coords, r->n, r->rows) < 0))
        rc = h5_error(SNX_EIO, "cannot write the runs table of %s", s->filename);
    if (ds >= 0)
        H5Dclose(ds);
    if (type >= 0)
        H5Tclose(type);
    free(coords);
    for (size_t i = 0; i < r->n; i++)
        row_clear(&r->rows[i]);
    r->n = 0;
    return rc;
}

int h5_runs_load(h5s *s, snx_traj *traj)
{
    run_row *rows;
    hsize_t n;
    hid_t type, space;
    int rc = read_runs_table(s, &rows, &n, &type, &space);
    size_t n_runs = snx_traj_n_runs(traj);
    for (hsize_t k = 0; !rc && k < n && k < n_runs; k++) {
        const run_row *row = &rows[k];
        if (!row->name[0])
            continue; /* a row never written */
        snx_run_info info = {.idx = (long)k,
                             .completed = row->completed,
                             .timestamp = row->timestamp,
                             .finish_timestamp = row->finish_timestamp,
                             .runtime = row->runtime,
                             .seed = row->seed,
                             .parameter_summary = row->parameter_summary,
                             .env_hexsha = row->env_hexsha,
                             .error = row->error};
        rc = snx_traj_set_run_info(traj, (long)k, &info);
    }
    free_runs_table(rows, n, type, space);
    return rc;
}

/* ---- explorations ------------------------------------------------------------------ */

typedef struct exploration {
    size_t n_pars, n_runs;
    h5_kind *kinds;
    size_t *offsets, row_size;
    hid_t type;
    const char **units;
    char (*si_units)[64];
} exploration;

static void exploration_free(exploration *e)
{
    for (size_t p = 0; e->kinds && p < e->n_pars; p++)
        h5_kind_free(&e->kinds[p]);
    free(e->kinds);
    free(e->offsets);
    free(e->units);
    free(e->si_units);
    if (e->type >= 0)
        H5Tclose(e->type);
}

/* One compound member per explored parameter, named by its full name. */
static int exploration_type(snx_traj *traj, exploration *e)
{
    e->kinds = snx_calloc(e->n_pars, sizeof *e->kinds);
    e->offsets = snx_calloc(e->n_pars, sizeof *e->offsets);
    e->units = snx_calloc(e->n_pars, sizeof *e->units);
    e->si_units = snx_calloc(e->n_pars, sizeof *e->si_units);
    if (!e->kinds || !e->offsets || !e->units || !e->si_units)
        return SNX_ENOMEM;
    for (size_t p = 0; p < e->n_pars; p++)
        e->kinds[p].mtype = H5I_INVALID_HID;
    int rc = 0;
    for (size_t p = 0; !rc && p < e->n_pars; p++) {
        const snx_value *v = snx_par_range_at(snx_traj_explored(traj, p), 0);
        rc = h5_kind_of(v, &e->kinds[p]);
        e->offsets[p] = e->row_size;
        e->row_size += e->kinds[p].size;
        e->units[p] = "";
        if (!rc && v->unit) {
            snx_dim_format(snx_value_dim(v), e->si_units[p], sizeof e->si_units[p]);
            e->units[p] = e->si_units[p];
        }
    }
    e->type = rc ? H5I_INVALID_HID : H5Tcreate(H5T_COMPOUND, e->row_size ? e->row_size : 1);
    for (size_t p = 0; !rc && p < e->n_pars; p++) {
        const h5_kind *k = &e->kinds[p];
        hid_t mt = k->ndim ? H5Tarray_create2(k->mtype, (unsigned)k->ndim, k->shape)
                           : H5Tcopy(k->mtype);
        const char *name = snx_node_full_name(snx_traj_explored(traj, p));
        if (mt < 0 || H5Tinsert(e->type, name, e->offsets[p], mt) < 0)
            rc = h5_error(SNX_EIO, "cannot describe the explorations table");
        if (mt >= 0)
            H5Tclose(mt);
    }
    return rc;
}

static int write_explorations(h5s *s, snx_traj *traj, exploration *e)
{
    char *buf = snx_calloc(e->n_runs ? e->n_runs : 1, e->row_size ? e->row_size : 1);
    if (!buf)
        return SNX_ENOMEM;
    for (size_t p = 0; p < e->n_pars; p++)
        for (size_t k = 0; k < e->n_runs; k++)
            h5_pack(&e->kinds[p], snx_par_range_at(snx_traj_explored(traj, p), k), 1,
                    buf + k * e->row_size + e->offsets[p]);
    hsize_t dims[1] = {e->n_runs}, udims[1] = {e->n_pars};
    h5_filters f = h5_filters_of(s);
    hid_t og = h5_ensure_group(s->traj_g, H5N_OVERVIEW);
    hid_t space = H5Screate_simple(1, dims, NULL), uspace = H5Screate_simple(1, udims, NULL);
    hid_t dcpl = h5_dcpl(&f, e->type, 1, dims, e->row_size, 0), st = h5_str_type();
    hid_t ds = og >= 0 ? H5Dcreate2(og, "explorations", e->type, space, H5P_DEFAULT, dcpl,
                                    H5P_DEFAULT)
                       : H5I_INVALID_HID;
    hid_t a = ds >= 0 ? H5Acreate2(ds, "units", st, uspace, H5P_DEFAULT, H5P_DEFAULT) : -1;
    int rc = 0;
    if (a < 0 || H5Dwrite(ds, e->type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0 ||
        H5Awrite(a, st, e->units) < 0)
        rc = og < 0 ? snx_errcode() : h5_error(SNX_EIO, "cannot write the explorations table");
    if (a >= 0)
        H5Aclose(a);
    if (ds >= 0)
        H5Dclose(ds);
    H5Tclose(st);
    H5Pclose(dcpl);
    H5Sclose(uspace);
    H5Sclose(space);
    if (og >= 0)
        H5Gclose(og);
    free(buf);
    return rc;
}

int h5_store_explorations(h5s *s, snx_traj *traj)
{
    exploration e = {.n_pars = snx_traj_n_explored(traj), .n_runs = snx_traj_n_runs(traj),
                     .type = H5I_INVALID_HID};
    if (!e.n_pars)
        return 0;
    /* Rewritten whenever the number of runs changed (after an expansion). */
    if (h5_exists(s->traj_g, EXPLORATIONS_TABLE)) {
        if (table_length(s, EXPLORATIONS_TABLE) == e.n_runs)
            return 0;
        if (H5Ldelete(s->traj_g, EXPLORATIONS_TABLE, H5P_DEFAULT) < 0)
            return h5_error(SNX_EIO, "cannot replace the explorations table");
    }
    int rc = exploration_type(traj, &e);
    if (!rc)
        rc = write_explorations(s, traj, &e);
    exploration_free(&e);
    return rc;
}

/* ---- consistency ------------------------------------------------------------------- */

/* The explorations table lists exactly the explored parameters, one row per run. */
static int check_explorations(h5s *s, snx_traj *traj)
{
    size_t n_pars = snx_traj_n_explored(traj), n_runs = snx_traj_n_runs(traj);
    int there = h5_exists(s->traj_g, EXPLORATIONS_TABLE);
    if (!there)
        return n_pars ? snx_error(SNX_EFORMAT, "%s: %zu parameters are explored but there is no "
                                  "%s", s->filename, n_pars, EXPLORATIONS_TABLE) : 0;
    hid_t ds = H5Dopen2(s->traj_g, EXPLORATIONS_TABLE, H5P_DEFAULT);
    hid_t ft = ds >= 0 ? H5Dget_type(ds) : H5I_INVALID_HID;
    int members = ft >= 0 && H5Tget_class(ft) == H5T_COMPOUND ? H5Tget_nmembers(ft) : -1;
    int rc = 0;
    for (int m = 0; !rc && m < members; m++) {
        char *name = H5Tget_member_name(ft, (unsigned)m);
        snx_node *par = name ? h5_find_exact(traj, name) : NULL;
        if (!par || snx_node_kind_of(par) != SNX_NODE_PARAMETER || !snx_par_is_explored(par))
            rc = snx_error(SNX_EFORMAT, "%s: %s has a column for \"%s\", which is no explored "
                           "parameter", s->filename, EXPLORATIONS_TABLE, name ? name : "?");
        H5free_memory(name);
    }
    if (!rc)
        rc = members != (int)n_pars || table_length(s, EXPLORATIONS_TABLE) != n_runs
                 ? snx_error(SNX_EFORMAT, "%s: %s does not have one column per explored parameter "
                             "(%zu) and one row per run (%zu)", s->filename, EXPLORATIONS_TABLE,
                             n_pars, n_runs) : 0;
    for (size_t p = 0; !rc && p < n_pars; p++) {
        const char *name = snx_node_full_name(snx_traj_explored(traj, p));
        if (H5Tget_member_index(ft, name) < 0)
            rc = snx_error(SNX_EFORMAT, "%s: %s has no column for the explored parameter \"%s\"",
                           s->filename, EXPLORATIONS_TABLE, name);
    }
    if (ft >= 0)
        H5Tclose(ft);
    if (ds >= 0)
        H5Dclose(ds);
    H5Eclear2(H5E_DEFAULT);
    return rc;
}

int h5_check_runs(h5s *s, snx_traj *traj)
{
    size_t n_runs = snx_traj_n_runs(traj);
    int explored = snx_traj_n_explored(traj) > 0;
    int rc = check_explorations(s, traj);
    if (rc)
        return rc;
    if (!h5_exists(s->traj_g, RUNS_TABLE))
        return explored ? snx_error(SNX_EFORMAT, "%s: %zu runs are explored but there is no %s",
                                    s->filename, n_runs, RUNS_TABLE) : 0;
    run_row *rows;
    hsize_t n;
    hid_t type, space;
    rc = read_runs_table(s, &rows, &n, &type, &space);
    if (!rc && n != n_runs)
        rc = snx_error(SNX_EFORMAT, "%s: %s has %llu rows for %zu runs (the explored ranges say)",
                       s->filename, RUNS_TABLE, (unsigned long long)n, n_runs);
    char name[SNX_RUN_NAME_BUF];
    for (hsize_t k = 0; !rc && k < n; k++)
        if (rows[k].name[0] && (rows[k].idx != (int64_t)k ||
                                strncmp(rows[k].name, snx_run_name(name, (long)k), sizeof rows[k].name)))
            rc = snx_error(SNX_EFORMAT, "%s: row %llu of %s is run %lld \"%.16s\"", s->filename,
                           (unsigned long long)k, RUNS_TABLE, (long long)rows[k].idx, rows[k].name);
    free_runs_table(rows, n, type, space);
    return rc;
}
