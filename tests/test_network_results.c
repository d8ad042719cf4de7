/* network/: the bridges between the engine and the trajectory (parameters into
 * equation namespaces, monitors into results, also through an HDF5 file) and the
 * spike-train statistics (window counts, number of windows, Fano factor). */
#include "storage_test.h"

#include <hdf5.h>

#define DT 1e-4
#define FILE_NAME "network_results.hdf5"

/* ---- parameters into namespaces ---------------------------------------------- */

/* The constant `name` of ns: its SI value, and whether its dimension is `unit`'s. */
static void assert_constant(const snx_namespace *ns, const char *name, double si,
                            const char *unit)
{
    double v;
    snx_dim dim;
    if (snx_namespace_get(ns, name, &v, &dim)) {
        print_error("no constant \"%s\"\n", name);
        fail();
    }
    assert_close(v, si, 0);
    snx_unit u;
    assert_ok(snx_unit_parse(unit, &u));
    assert_true(snx_dim_equal(dim, u.dim));
}

static void test_namespace_from_parameters(void **state)
{
    (void)state;
    snx_traj *t = snx_traj_new("ns", NULL);
    assert_non_null(snx_traj_add_parameter(t, "model.tau_e", snx_quantity(15, "ms"), NULL));
    assert_non_null(snx_traj_add_parameter(t, "model.N_e", snx_int(80), NULL));
    assert_non_null(snx_traj_add_parameter(t, "model.mu", snx_double(1.1), NULL));
    assert_non_null(snx_traj_add_parameter(t, "model.plastic", snx_bool(1), NULL));
    assert_non_null(snx_traj_add_parameter(t, "model.label", snx_str("E"), NULL));
    assert_non_null(snx_traj_add_parameter(t, "model.z", snx_complex(1, 2), NULL));
    assert_non_null(snx_traj_add_parameter(t, "model.syn.w", snx_double_array(2, (double[]){ 1, 2 }),
                                           NULL));
    assert_non_null(snx_traj_add_parameter(t, "model.syn.V_th", snx_quantity(-50, "mV"), NULL));
    assert_non_null(snx_traj_add_parameter(t, "other.x", snx_double(3), NULL));

    snx_namespace *ns = snx_namespace_new();
    assert_int_equal(snx_namespace_add_params(ns, t, "model"), 5);
    assert_int_equal(snx_namespace_count(ns), 5);
    assert_constant(ns, "tau_e", 0.015, "s");   /* SI, with its dimension */
    assert_constant(ns, "V_th", -0.05, "V");    /* from a subgroup */
    assert_constant(ns, "N_e", 80, "1");
    assert_constant(ns, "mu", 1.1, "1");
    assert_constant(ns, "plastic", 1, "1");
    assert_int_equal(snx_namespace_get(ns, "label", NULL, NULL), SNX_ENOTFOUND);
    assert_int_equal(snx_namespace_get(ns, "w", NULL, NULL), SNX_ENOTFOUND);
    assert_int_equal(snx_namespace_get(ns, "x", NULL, NULL), SNX_ENOTFOUND);
    /* What was read is locked; what was skipped is not. */
    assert_true(snx_par_is_locked(snx_traj_get(t, "model.tau_e")));
    assert_false(snx_par_is_locked(snx_traj_get(t, "model.label")));
    assert_false(snx_par_is_locked(snx_traj_get(t, "model.syn.w")));

    /* The constants work in equations, and their dimensions are checked. */
    snx_net *net = snx_net_new(&(snx_net_opts){ .ns = ns });
    assert_non_null(snx_group_new(net, "ok", 2, "dV/dt = (mu - V)/tau_e : 1", NULL));
    assert_null(snx_group_new(net, "bad", 2, "dV/dt = (mu - V)*tau_e : 1", NULL));
    assert_int_equal(snx_errcode(), SNX_EDIM);
    assert_non_null(snx_group_new(net, "volts", 2, "dv/dt = (V_th - v)/tau_e : volt", NULL));
    snx_net_free(net);

    /* Derived parameters too, found by a partial name. */
    assert_non_null(snx_traj_add_derived(t, "conn.p_ee", snx_double(0.2), NULL));
    assert_int_equal(snx_namespace_add_params(ns, t, "conn"), 1);
    assert_constant(ns, "p_ee", 0.2, "1");
    snx_namespace_free(ns);
    snx_traj_free(t);
}

static void test_namespace_explored(void **state)
{
    (void)state;
    snx_traj *t = snx_traj_new("ns_explored", NULL);
    assert_non_null(snx_traj_add_parameter(t, "model.J", snx_int(0), NULL));
    assert_non_null(snx_traj_add_parameter(t, "model.tau", snx_quantity(1, "ms"), NULL));
    snx_ranges *r = snx_ranges_new();
    assert_ok(snx_ranges_add_ints(r, "J", (int64_t[]){ 1, 2, 3 }, 3));
    assert_ok(snx_ranges_add_quantities(r, "tau", (double[]){ 5, 10, 20 }, 3, "ms"));
    assert_ok(snx_traj_explore(t, r));
    snx_ranges_free(r);

    assert_ok(snx_traj_set_run(t, 1));
    snx_namespace *ns = snx_namespace_new();
    assert_int_equal(snx_namespace_add_params(ns, t, "parameters.model"), 2);
    assert_constant(ns, "J", 2, "1");
    assert_constant(ns, "tau", 0.010, "s");
    assert_ok(snx_traj_set_run(t, 2));
    assert_int_equal(snx_namespace_add_params(ns, t, "model"), 2); /* replaces */
    assert_constant(ns, "tau", 0.020, "s");

    /* Inside a run, only that run's derived parameters count. */
    snx_traj_restore_default(t);
    for (long k = 0; k < 2; k++) {
        assert_ok(snx_traj_begin_run(t, k));
        assert_non_null(snx_traj_add_derived(t, "conn.p", snx_double(0.1 * (double)(k + 1)),
                                             NULL));
        snx_traj_end_run(t);
    }
    assert_ok(snx_traj_set_run(t, 1));
    assert_int_equal(snx_namespace_add_params(ns, t, "derived_parameters"), 1);
    assert_constant(ns, "p", 0.2, "1");
    snx_namespace_free(ns);
    snx_traj_free(t);
}

static void test_namespace_errors(void **state)
{
    (void)state;
    snx_traj *t = snx_traj_new("ns_errors", NULL);
    assert_non_null(snx_traj_add_parameter(t, "model.e.tau", snx_quantity(15, "ms"), NULL));
    assert_non_null(snx_traj_add_parameter(t, "model.i.tau", snx_quantity(10, "ms"), NULL));
    assert_non_null(snx_traj_add_parameter(t, "model.e.name", snx_str("E"), NULL));
    assert_non_null(snx_traj_add_parameter(t, "model.i.name", snx_str("I"), NULL));
    assert_non_null(snx_traj_add_parameter(t, "odd.2x", snx_double(1), NULL));
    assert_non_null(snx_traj_add_parameter(t, "odd.2s", snx_str("skipped"), NULL));
    snx_namespace *ns = snx_namespace_new();

    /* Two constants named tau: both named, nothing added, nothing locked. Strings
     * of the same short name do not clash: they are not constants. */
    assert_fails(snx_namespace_add_params(ns, t, "model"), SNX_ENOTUNIQUE,
                 "parameters.model.e.tau");
    assert_errmsg_contains("parameters.model.i.tau");
    assert_int_equal(snx_namespace_count(ns), 0);
    assert_false(snx_par_is_locked(snx_traj_get(t, "model.e.tau")));
    assert_int_equal(snx_namespace_add_params(ns, t, "model.e"), 1);

    assert_fails(snx_namespace_add_params(ns, t, "odd"), SNX_EINVAL, "\"2x\" is not an identifier");
    assert_errmsg_contains("parameters.odd.2x");
    /* A name the engine reserves (N is a group's size) is refused naming the
     * parameter, before anything is added. */
    assert_non_null(snx_traj_add_parameter(t, "sized.N", snx_int(100), NULL));
    assert_non_null(snx_traj_add_parameter(t, "sized.a", snx_int(1), NULL));
    assert_fails(snx_namespace_add_params(ns, t, "sized"), SNX_ENAME,
                 "parameter \"parameters.sized.N\" cannot be an equation constant");
    assert_errmsg_contains("reserved");
    assert_int_equal(snx_namespace_count(ns), 1);
    assert_fails(snx_namespace_add_params(ns, t, "nothing_here"), SNX_ENOTFOUND, "nothing_here");
    assert_fails(snx_namespace_add_params(ns, t, "model.e.tau"), SNX_ETYPE, "not a group");
    assert_fails(snx_namespace_add_params(NULL, t, "model"), SNX_EINVAL, "NULL namespace");
    assert_int_equal(snx_namespace_count(ns), 1);
    snx_namespace_free(ns);
    snx_traj_free(t);
}

/* ---- monitors into results ----------------------------------------------------- */

/* Neuron k of "clk" spikes in every (k+1)-th step; u is c in millivolts, q an
 * unnamed dimension (m s). "quiet" never spikes. */
typedef struct {
    snx_net *net;
    snx_monitor *spikes, *some, *counts, *state, *rate, *silent, *unsampled;
} test_network;

static test_network make_network(double duration)
{
    test_network n = { .net = snx_net_new(&(snx_net_opts){ .seed = 3 }) };
    assert_non_null(n.net);
    snx_group *clk = snx_group_new(n.net, "clk", 4,
                                   "dc/dt = 1000*Hz*(1/(i + 1)) : 1\n"
                                   "u = c*mV : volt\n"
                                   "q = c*metre*second : metre*second",
                                   &(snx_group_opts){ .threshold = "c > 0.099", .reset = "c = 0" });
    if (!clk)
        print_error("%s\n", snx_errmsg());
    assert_non_null(clk);
    snx_group *quiet = snx_group_new(n.net, "quiet", 3, "dv/dt = 0*Hz : 1",
                                     &(snx_group_opts){ .threshold = "v > 1" });
    assert_non_null(quiet);
    snx_group *view = snx_group_slice(clk, 1, 4);
    assert_non_null(view);
    n.spikes = snx_monitor_spikes(n.net, "spikes", clk, NULL, 0);
    n.some = snx_monitor_spikes(n.net, "some", view, (int32_t[]){ 2, 0 }, 2);
    n.counts = snx_monitor_counts(n.net, "counts", clk);
    n.state = snx_monitor_state(n.net, "state", clk, "c, u, q",
                                &(snx_state_monitor_opts){ .neurons = (int32_t[]){ 3, 1 },
                                                           .n_neurons = 2 });
    n.rate = snx_monitor_rate(n.net, "rate", clk);
    n.silent = snx_monitor_spikes(n.net, "silent", quiet, NULL, 0);
    n.unsampled = snx_monitor_state(n.net, "unsampled", quiet, "v", NULL);
    assert_non_null(n.spikes);
    assert_non_null(n.some);
    assert_non_null(n.counts);
    assert_non_null(n.state);
    assert_non_null(n.rate);
    assert_non_null(n.silent);
    assert_non_null(n.unsampled);
    assert_ok(snx_net_remove(n.net, "unsampled")); /* records nothing */
    assert_ok(snx_net_run(n.net, duration));
    return n;
}

static const snx_value *item(const snx_node *res, const char *name)
{
    const snx_value *v = snx_result_get(res, name);
    if (!v)
        print_error("result %s has no item %s\n", snx_node_full_name(res), name);
    assert_non_null(v);
    return v;
}

static void assert_string_item(const snx_node *res, const char *name, const char *want)
{
    const snx_value *v = item(res, name);
    assert_int_equal(v->type, SNX_T_STRING);
    assert_string_equal(v->u.s, want);
}

/* A 1-d array item of n elements with the given unit (NULL: none). */
static const snx_value *array_item(const snx_node *res, const char *name, snx_type type,
                                   size_t n, const char *unit)
{
    const snx_value *v = item(res, name);
    assert_int_equal(v->type, type);
    assert_int_equal(v->u.a.ndim, 1);
    assert_int_equal(v->u.a.shape[0], n);
    if (unit)
        assert_string_equal(v->unit, unit);
    else
        assert_null(v->unit);
    return v;
}

static void assert_indices(const snx_value *v, const int32_t *want, size_t n)
{
    const int64_t *got = v->u.a.data;
    for (size_t k = 0; k < n; k++)
        assert_int_equal(got[k], want[k]);
}

static void assert_doubles(const snx_value *v, const double *want, size_t n)
{
    if (n)
        assert_memory_equal(v->u.a.data, want, n * sizeof *want);
}

/* count, nspikes and record of a spike or count monitor. */
static void assert_counts(const snx_node *res, const snx_monitor *m, int64_t nspikes)
{
    size_t n, n_rec;
    const int64_t *count = snx_monitor_counts_of(m, &n);
    const int32_t *rec = snx_monitor_neurons(m, &n_rec);
    const snx_value *c = array_item(res, "count", SNX_T_INT_ARRAY, n, NULL);
    if (n)
        assert_memory_equal(c->u.a.data, count, n * sizeof *count);
    assert_int_equal(item(res, "nspikes")->u.i, nspikes);
    assert_indices(array_item(res, "record", SNX_T_INT_ARRAY, n_rec, NULL), rec, n_rec);
}

static void check_spike_result(const snx_node *res, const snx_monitor *m, const char *source)
{
    size_t n = snx_monitor_n_spikes(m);
    assert_int_equal(snx_result_n_items(res), 7);
    assert_string_item(res, "monitor_type", "spikes");
    assert_string_item(res, "source", source);
    assert_indices(array_item(res, "i", SNX_T_INT_ARRAY, n, NULL), snx_monitor_spike_i(m), n);
    assert_doubles(array_item(res, "t", SNX_T_DOUBLE_ARRAY, n, "s"), snx_monitor_spike_t(m), n);
    assert_counts(res, m, (int64_t)n);
}

static void check_count_result(const snx_node *res, const snx_monitor *m)
{
    assert_int_equal(snx_result_n_items(res), 5);
    assert_string_item(res, "monitor_type", "counts");
    assert_string_item(res, "source", "clk");
    size_t n;
    const int64_t *c = snx_monitor_counts_of(m, &n);
    assert_counts(res, m, c[0] + c[1] + c[2] + c[3]);
}

static void check_rate_result(const snx_node *res, const snx_monitor *m)
{
    size_t n = snx_monitor_n_samples(m);
    assert_int_equal(snx_result_n_items(res), 4);
    assert_string_item(res, "monitor_type", "rate");
    assert_string_item(res, "source", "clk");
    assert_doubles(array_item(res, "t", SNX_T_DOUBLE_ARRAY, n, "s"), snx_monitor_times(m), n);
    assert_doubles(array_item(res, "rate", SNX_T_DOUBLE_ARRAY, n, "Hz"), snx_monitor_rates(m), n);
}

/* The state result: every variable transposed to [neuron × sample], with its unit. */
static void check_state_result(const snx_node *res, const snx_monitor *m, const char *source,
                               const char *vars, const char *const *units)
{
    size_t n_s = snx_monitor_n_samples(m), n_rec;
    const int32_t *rec = snx_monitor_neurons(m, &n_rec);
    size_t n_vars = snx_monitor_n_vars(m);
    assert_int_equal(snx_result_n_items(res), 5 + n_vars);
    assert_string_item(res, "monitor_type", "state");
    assert_string_item(res, "source", source);
    assert_string_item(res, "vars", vars);
    assert_indices(array_item(res, "record", SNX_T_INT_ARRAY, n_rec, NULL), rec, n_rec);
    assert_doubles(array_item(res, "t", SNX_T_DOUBLE_ARRAY, n_s, "s"), snx_monitor_times(m), n_s);
    for (size_t v = 0; v < n_vars; v++) {
        const char *name = snx_monitor_var_name(m, v);
        const snx_value *x = item(res, name);
        assert_int_equal(x->type, SNX_T_DOUBLE_ARRAY);
        assert_int_equal(x->u.a.ndim, 2);
        assert_int_equal(x->u.a.shape[0], n_rec);
        assert_int_equal(x->u.a.shape[1], n_s);
        assert_string_equal(x->unit, units[v]);
        assert_true(snx_dim_equal(snx_value_dim(x), snx_monitor_var_dim(m, v)));
        const double *rows = snx_monitor_values(m, name), *traces = x->u.a.data;
        for (size_t s = 0; s < n_s; s++)
            for (size_t k = 0; k < n_rec; k++)
                assert_true(traces[k * n_s + s] == rows[s * n_rec + k]);
    }
}

static const char *const STATE_UNITS[] = { "1", "V", "m*s" };

/* Adds every monitor of n under results.monitors (or the run's results). */
static void add_all(snx_traj *t, const test_network *n)
{
    assert_non_null(snx_traj_add_monitor(t, "monitors.spikes", n->spikes, "all spikes"));
    assert_non_null(snx_traj_add_monitor(t, "monitors.some", n->some, NULL));
    assert_non_null(snx_traj_add_monitor(t, "monitors.counts", n->counts, NULL));
    assert_non_null(snx_traj_add_monitor(t, "monitors.state", n->state, NULL));
    assert_non_null(snx_traj_add_monitor(t, "monitors.rate", n->rate, NULL));
    assert_non_null(snx_traj_add_monitor(t, "monitors.silent", n->silent, NULL));
    assert_non_null(snx_traj_add_monitor(t, "monitors.unsampled", n->unsampled, NULL));
}

/* Checks every result add_all made (in t, below `prefix`) against the monitors. */
static void check_all(snx_traj *t, const char *prefix, const test_network *n)
{
    char name[128];
#define RES(x) (snprintf(name, sizeof name, "%smonitors." x, prefix), st_get(t, name))
    check_spike_result(RES("spikes"), n->spikes, "clk");
    check_spike_result(RES("some"), n->some, "clk[1:4]");
    check_count_result(RES("counts"), n->counts);
    check_state_result(RES("state"), n->state, "clk", "c,u,q", STATE_UNITS);
    check_rate_result(RES("rate"), n->rate);
    check_spike_result(RES("silent"), n->silent, "quiet");
    check_state_result(RES("unsampled"), n->unsampled, "quiet", "v", STATE_UNITS);
    assert_string_equal(snx_node_comment(RES("spikes")), "all spikes");
#undef RES
}

static void test_monitor_results(void **state)
{
    (void)state;
    test_network n = make_network(12 * DT);
    /* The network did what the checks rely on: spikes in each monitor but the silent
     * one, samples in each but the unsampled one. */
    assert_int_equal(snx_monitor_n_spikes(n.spikes), 25);
    assert_int_equal(snx_monitor_n_spikes(n.some), 3 + 6);
    assert_int_equal(snx_monitor_n_spikes(n.silent), 0);
    assert_int_equal(snx_monitor_n_samples(n.state), 12);
    assert_int_equal(snx_monitor_n_samples(n.unsampled), 0);

    snx_traj *t = snx_traj_new("monitors", NULL);
    add_all(t, &n);
    check_all(t, "results.", &n);
    /* Spot checks of the layout by value: neuron 3 (row 0 of the state traces) rises
     * 0.025 per step and resets every fourth step; the view's indices are its own. */
    const snx_value *c = item(st_get(t, "results.monitors.state"), "c");
    const double *trace = c->u.a.data;
    assert_close(trace[0], 0.025, 1e-12);
    assert_close(trace[3], 0.0, 0);
    assert_close(trace[12 + 0], 0.05, 1e-12); /* neuron 1: 0.05 per step */
    const snx_value *some_i = item(st_get(t, "results.monitors.some"), "i");
    assert_int_equal(((const int64_t *)some_i->u.a.data)[0], 0); /* clk's neuron 1 */
    const snx_value *rec = item(st_get(t, "results.monitors.some"), "record");
    assert_int_equal(((const int64_t *)rec->u.a.data)[0], 2);

    /* Inside a run, below the run's results. */
    assert_ok(snx_traj_begin_run(t, 0));
    snx_node *r = snx_traj_add_monitor(t, "monitors.rate", n.rate, NULL);
    assert_non_null(r);
    assert_string_equal(snx_node_full_name(r), "results.runs.run_00000000.monitors.rate");
    snx_traj_end_run(t);

    /* Errors: an existing result, no monitor; no half result is left behind. */
    assert_null(snx_traj_add_monitor(t, "monitors.spikes", n.spikes, NULL));
    assert_int_equal(snx_errcode(), SNX_EEXIST);
    assert_null(snx_traj_add_monitor(t, "monitors.none", NULL, NULL));
    assert_int_equal(snx_errcode(), SNX_EINVAL);
    assert_false(snx_traj_contains(t, "results.monitors.none"));
    snx_traj_free(t);
    snx_net_free(n.net);
}

/* A state variable named like another item cannot get an item of its own. */
static void test_monitor_item_clash(void **state)
{
    (void)state;
    snx_net *net = snx_net_new(NULL);
    snx_group *g = snx_group_new(net, "g", 2, "dsource/dt = 0*Hz : 1", NULL);
    assert_non_null(g);
    snx_monitor *m = snx_monitor_state(net, "m", g, "source", NULL);
    assert_non_null(m);
    assert_ok(snx_net_run(net, 2 * DT));
    snx_traj *t = snx_traj_new("clash", NULL);
    assert_null(snx_traj_add_monitor(t, "m", m, NULL));
    assert_int_equal(snx_errcode(), SNX_ENAME);
    assert_errmsg_contains("variable \"source\" has the name of another item");
    assert_errmsg_contains("monitor \"m\" into result \"m\"");
    assert_false(snx_traj_contains(t, "results.m"));
    snx_traj_free(t);
    snx_net_free(net);
}

/* A string attribute of an HDF5 object. */
static void assert_h5_attr(hid_t obj, const char *name, const char *want)
{
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    assert_true(a >= 0);
    hid_t type = H5Aget_type(a);
    char *s = NULL;
    hid_t mem = H5Tcopy(H5T_C_S1);
    H5Tset_size(mem, H5T_VARIABLE);
    H5Tset_cset(mem, H5T_CSET_UTF8);
    assert_true(H5Aread(a, mem, &s) >= 0);
    assert_string_equal(s, want);
    H5free_memory(s);
    H5Tclose(mem);
    H5Tclose(type);
    H5Aclose(a);
}

/* The dataset's shape. */
static void assert_h5_shape(hid_t file, const char *path, int rank, const hsize_t *want)
{
    hid_t ds = H5Dopen2(file, path, H5P_DEFAULT);
    assert_true(ds >= 0);
    hid_t space = H5Dget_space(ds);
    hsize_t dims[8];
    assert_int_equal(H5Sget_simple_extent_ndims(space), rank);
    H5Sget_simple_extent_dims(space, dims, NULL);
    for (int d = 0; d < rank; d++)
        assert_int_equal(dims[d], want[d]);
    H5Sclose(space);
    H5Dclose(ds);
}

static void test_monitor_results_hdf5(void **state)
{
    (void)state;
    test_network n = make_network(12 * DT);
    snx_traj *t = st_new("stored", FILE_NAME);
    assert_non_null(snx_traj_add_parameter(t, "x", snx_int(0), NULL));
    assert_ok(snx_traj_store(t, NULL));
    assert_ok(snx_traj_begin_run(t, 0));
    add_all(t, &n);
    assert_ok(snx_traj_store_run(t, 0));
    snx_traj_end_run(t);
    snx_traj_free(t);

    t = st_load(FILE_NAME, "stored", SNX_LOAD_DATA, SNX_LOAD_DATA, SNX_LOAD_DATA);
    check_all(t, "results.runs.run_00000000.", &n);
    snx_traj_free(t);

    /* What an h5py reader finds (docs/FORMAT.md, "Monitor results"). */
    hid_t f = H5Fopen(FILE_NAME, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    const char *run = "/stored/results/runs/run_00000000/monitors/";
    char path[256];
#define AT(x) (snprintf(path, sizeof path, "%s%s", run, x), path)
    assert_h5_shape(f, AT("spikes/t"), 1, (hsize_t[]){ 25 });
    assert_h5_shape(f, AT("state/u"), 2, (hsize_t[]){ 2, 12 });
    assert_h5_shape(f, AT("unsampled/v"), 2, (hsize_t[]){ 3, 0 });
    assert_h5_shape(f, AT("silent/i"), 1, (hsize_t[]){ 0 });
    hid_t ds = H5Dopen2(f, AT("state/u"), H5P_DEFAULT);
    assert_h5_attr(ds, "unit", "V");
    H5Dclose(ds);
    ds = H5Dopen2(f, AT("spikes/t"), H5P_DEFAULT);
    assert_h5_attr(ds, "unit", "s");
    H5Dclose(ds);
#undef AT
    H5Fclose(f);
    snx_net_free(n.net);
}

/* ---- spike trains ------------------------------------------------------------ */

static void test_spike_counts(void **state)
{
    (void)state;
    /* Windows of 0.1 s from 0.5: [0.5, 0.6), [0.6, 0.7), [0.7, 0.8). Spikes on a bound
     * (computed as 0.5 + 0.1*b) open the window there; spikes before 0.5, at or after
     * 0.8, of neurons outside [0, 2) or at NaN are ignored; order does not matter. */
    double b1 = 0.5 + 0.1 * 1, b2 = 0.5 + 0.1 * 2, b3 = 0.5 + 0.1 * 3;
    int64_t i[] = { 1, 0, 0, 1, 0, 2, -1, 0, 0, 1, 1, 0, 0 };
    double t[] = { 0.75, b1, 0.5, nextafter(b1, 0), b3, 0.55, 0.55, 0.4999, 1.0, b2,
                   nextafter(b3, 0), NAN, 0.65 };
    size_t n = sizeof i / sizeof *i;
    int64_t counts[6];
    assert_ok(snx_spike_counts(i, t, n, 0.5, 0.1, 3, 2, counts));
    int64_t want[6] = { 1, 2, 0,   /* neuron 0: 0.5 | b1, 0.65 | - */
                        1, 0, 3 }; /* neuron 1: just below b1 | - | 0.75, b2, below b3 */
    assert_memory_equal(counts, want, sizeof want);
    /* Reversed order, same counts. */
    int64_t ri[sizeof i / sizeof *i];
    double rt[sizeof t / sizeof *t];
    for (size_t k = 0; k < n; k++)
        ri[k] = i[n - 1 - k], rt[k] = t[n - 1 - k];
    int64_t again[6] = { 9, 9, 9, 9, 9, 9 }; /* overwritten, not added to */
    assert_ok(snx_spike_counts(ri, rt, n, 0.5, 0.1, 3, 2, again));
    assert_memory_equal(again, want, sizeof want);

    /* A long train: every spike on a computed bound lands in the window it opens. */
    enum { N_WIN = 1000 };
    static int64_t zi[N_WIN], many[N_WIN];
    static double zt[N_WIN];
    for (size_t k = 0; k < N_WIN; k++)
        zi[k] = 0, zt[k] = 0.3 + 0.007 * (double)k;
    assert_ok(snx_spike_counts(zi, zt, N_WIN, 0.3, 0.007, N_WIN, 1, many));
    for (size_t k = 0; k < N_WIN; k++)
        assert_int_equal(many[k], 1);

    /* No spikes, no windows. */
    assert_ok(snx_spike_counts(NULL, NULL, 0, 0, 0.1, 2, 1, again));
    assert_int_equal(again[0] + again[1], 0);
    assert_ok(snx_spike_counts(i, t, n, 0, 0.1, 0, 2, NULL));

    /* Errors. */
    assert_fails(snx_spike_counts(i, t, n, 0.5, 0, 3, 2, counts), SNX_EINVAL, "not finite and positive");
    assert_fails(snx_spike_counts(i, t, n, 0.5, -0.1, 3, 2, counts), SNX_EINVAL, "positive");
    assert_fails(snx_spike_counts(i, t, n, 0.5, NAN, 3, 2, counts), SNX_EINVAL, "positive");
    assert_fails(snx_spike_counts(i, t, n, NAN, 0.1, 3, 2, counts), SNX_EINVAL, "positive");
    assert_fails(snx_spike_counts(i, t, n, 0, INFINITY, 3, 2, counts), SNX_EINVAL, "positive");
    assert_fails(snx_spike_counts(i, t, n, 0, 1e308, 10, 2, counts), SNX_EINVAL, "positive");
    assert_fails(snx_spike_counts(i, NULL, n, 0, 0.1, 3, 2, counts), SNX_EINVAL, "spike times");
    assert_fails(snx_spike_counts(i, t, n, 0, 0.1, 3, 2, NULL), SNX_EINVAL, "NULL counts");
    assert_fails(snx_spike_counts(i, t, n, 0, 0.1, SIZE_MAX / 2, 4, counts), SNX_EINVAL,
                 "too many");
}

static void test_spike_n_windows(void **state)
{
    (void)state;
    /* As pypet: int(np.floor((end - start) / w)) in double. */
    assert_int_equal(snx_spike_n_windows(0.5, 2.5, 0.1), 20);
    assert_int_equal(snx_spike_n_windows(0.5, 2.55, 0.1), 20); /* partial window dropped */
    assert_int_equal(snx_spike_n_windows(0.5, 2.4999, 0.1), 19);
    assert_int_equal(snx_spike_n_windows(0, 0.3, 0.1), 2);      /* 0.3/0.1 < 3 in double */
    assert_int_equal(snx_spike_n_windows(0, 1, 0.25), 4);
    assert_int_equal(snx_spike_n_windows(0, 0.05, 0.1), 0);
    assert_int_equal(snx_spike_n_windows(1, 0.5, 0.1), 0);      /* end before start */
    assert_int_equal(snx_spike_n_windows(0, 1, 0), 0);
    assert_int_equal(snx_spike_n_windows(0, 1, -0.1), 0);
    assert_int_equal(snx_spike_n_windows(0, 1, NAN), 0);
    assert_int_equal(snx_spike_n_windows(NAN, 1, 0.1), 0);
    assert_int_equal(snx_spike_n_windows(0, INFINITY, 0.1), 0);
    assert_int_equal(snx_spike_n_windows(0, 1e300, 1e-300), 0); /* too many to count */
    /* The windows it counts all end by `end`, so counting them drops no spike that
     * lies inside the windows: 20 windows of 0.1 from 0.5 end at exactly 2.5. */
    assert_true(0.5 + 0.1 * 20 <= 2.5);
}

static void test_fano_factor(void **state)
{
    (void)state;
    assert_close(snx_fano_factor((int64_t[]){ 1, 2, 3, 4 }, 4), 0.5, 1e-15); /* 1.25/2.5 */
    assert_close(snx_fano_factor((int64_t[]){ 0, 0, 0 }, 3), 0, 0);
    assert_close(snx_fano_factor((int64_t[]){ 5, 5 }, 2), 0, 0);
    assert_close(snx_fano_factor((int64_t[]){ 0, 4 }, 2), 2, 1e-15); /* var 4, mean 2 */
    assert_true(isnan(snx_fano_factor(NULL, 0)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_namespace_from_parameters),
        cmocka_unit_test(test_namespace_explored),
        cmocka_unit_test(test_namespace_errors),
        cmocka_unit_test(test_monitor_results),
        cmocka_unit_test(test_monitor_item_clash),
        cmocka_unit_test(test_monitor_results_hdf5),
        cmocka_unit_test(test_spike_counts),
        cmocka_unit_test(test_spike_n_windows),
        cmocka_unit_test(test_fano_factor),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
