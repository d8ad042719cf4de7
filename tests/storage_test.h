/* Helpers shared by the storage tests (tests/test_storage_*.c). */
#ifndef SNX_STORAGE_TEST_H
#define SNX_STORAGE_TEST_H

#include "snx_test.h"

/* A new trajectory with an HDF5 service on `file`, replacing any old file. */
static inline snx_traj *st_new(const char *name, const char *file)
{
    snx_traj *t = snx_traj_new(name, NULL);
    assert_non_null(t);
    snx_hdf5_opts o = { 0 };
    o.overwrite_file = 1;
    assert_ok(snx_hdf5_attach(t, file, &o));
    return t;
}

/* Loads trajectory `name` (NULL: the last one) with the given levels for parameters,
 * derived parameters and results. */
static inline snx_traj *st_load(const char *file, const char *name, snx_load_level par,
                                snx_load_level derived, snx_load_level results)
{
    snx_load_opts o = snx_load_defaults();
    o.name = name;
    o.parameters = par;
    o.derived = derived;
    o.results = results;
    o.other = results;
    snx_traj *t = snx_hdf5_load(file, &o);
    if (!t)
        print_error("loading %s: %s\n", file, snx_errmsg());
    assert_non_null(t);
    return t;
}

/* The node with that full name, which must exist. */
static inline snx_node *st_get(snx_traj *t, const char *name)
{
    snx_node *n = snx_traj_get(t, name);
    if (!n)
        print_error("no node \"%s\": %s\n", name, snx_errmsg());
    assert_non_null(n);
    return n;
}

/* The value of a result's item (or a parameter's value, unlocked read). */
static inline const snx_value *st_val(snx_traj *t, const char *name, const char *item)
{
    snx_node *n = st_get(t, name);
    const snx_value *v = snx_node_kind_of(n) == SNX_NODE_PARAMETER
                             ? snx_par_peek(n)
                             : snx_result_get(n, item ? item : snx_node_name(n));
    if (!v)
        print_error("\"%s\" has no value \"%s\": %s\n", name, item ? item : "", snx_errmsg());
    assert_non_null(v);
    return v;
}

/* x in {1..nx}, y in {1..ny} (cartesian, y fastest). */
static inline void st_explore_xy(snx_traj *t, size_t nx, size_t ny)
{
    assert_non_null(snx_traj_add_parameter(t, "x", snx_int(0), "the x"));
    assert_non_null(snx_traj_add_parameter(t, "y", snx_int(0), "the y"));
    int64_t xs[64], ys[64];
    for (size_t i = 0; i < nx; i++)
        xs[i] = (int64_t)i + 1;
    for (size_t i = 0; i < ny; i++)
        ys[i] = (int64_t)i + 1;
    snx_ranges *r = snx_ranges_new();
    assert_ok(snx_ranges_add_ints(r, "x", xs, nx));
    assert_ok(snx_ranges_add_ints(r, "y", ys, ny));
    snx_ranges *c = snx_ranges_cartesian(r, NULL);
    assert_non_null(c);
    assert_ok(snx_traj_explore(t, c));
    snx_ranges_free(c);
    snx_ranges_free(r);
}

/* Runs every run of t: f adds the run's results, then the run is stored. */
static inline void st_run_all(snx_traj *t, void (*f)(snx_traj *t, long idx))
{
    for (long i = 0; i < (long)snx_traj_n_runs(t); i++) {
        assert_ok(snx_traj_begin_run(t, i));
        f(t, i);
        assert_ok(snx_traj_store_run(t, i));
        snx_traj_end_run(t);
    }
}

static inline int st_file_exists(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f)
        fclose(f);
    return f != NULL;
}

#endif
