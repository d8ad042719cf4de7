/* The mutation campaign's subject (tools/faults/files.sh): writes FILE with one
 * trajectory that holds every kind of thing a snex file can hold -- parameters and
 * explored ranges of every value type (quantities in several units among them),
 * config and derived parameters, results of every type (n-d arrays, tables, a large
 * chunked array), per-run results stored as columns (bool, int, double, complex,
 * quantity, string) and as run groups, comments, annotations (a quantity's too),
 * soft links, and the runs and explorations tables.
 *
 *     files_write FILE [fletcher32: 0|1 (default)]        exit 0 or 1 with a message */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snex.h"

static int fail(const char *what)
{
    fprintf(stderr, "files_write: %s: %s\n", what, snx_errmsg());
    return 1;
}

#define CHECK(x, what) do { if (!(x)) return fail(what); } while (0)
#define CHECK_OK(x, what) do { if ((x) != 0) return fail(what); } while (0)

static snx_value table_value(void)
{
    int64_t ids[3] = {1, -2, 3};
    double w[3] = {0.5, -1.25, 1e-300};
    bool on[3] = {true, false, true};
    const char *tags[3] = {"alpha", "", "γ-unicode"};
    snx_table *t = snx_table_new(3);
    if (!t || snx_table_add_int(t, "id", ids) || snx_table_add_double(t, "w", w) ||
        snx_table_add_bool(t, "on", on) || snx_table_add_string(t, "tag", tags)) {
        snx_table_free(t);
        return (snx_value){.type = SNX_T_ERROR};
    }
    return snx_table_value(t);
}

static int add_parameters(snx_traj *t)
{
    size_t shape2[2] = {2, 3};
    int64_t iv[6] = {1, 2, 3, 4, 5, 6};
    double dv[6] = {0.1, 0.2, 0.3, -0.4, 1e10, -0};
    CHECK(snx_traj_add_parameter(t, "flags.on", snx_bool(true), "a bool"), "bool");
    CHECK(snx_traj_add_parameter(t, "numbers.n", snx_int(7), "an int"), "int");
    CHECK(snx_traj_add_parameter(t, "numbers.x", snx_double(2.5), "a double"), "double");
    CHECK(snx_traj_add_parameter(t, "numbers.z", snx_complex(1.5, -2), "a complex"), "complex");
    CHECK(snx_traj_add_parameter(t, "neuron.tau", snx_quantity(15, "ms"), "a quantity"), "tau");
    CHECK(snx_traj_add_parameter(t, "neuron.eqs", snx_str("dV/dt = -V/tau : 1"), "a string"),
          "string");
    CHECK(snx_traj_add_parameter(t, "arrays.ints", snx_int_array_nd(2, shape2, iv), NULL),
          "int array");
    CHECK(snx_traj_add_parameter(t, "arrays.doubles", snx_double_array_nd(2, shape2, dv), NULL),
          "double array");
    snx_value volts = snx_double_array(3, dv);
    volts.unit = strdup("mV");
    CHECK(snx_traj_add_parameter(t, "arrays.volts", volts, "an array with a unit"), "volts");
    CHECK(snx_traj_add_config(t, "seed", snx_int(42), "config"), "config");
    CHECK(snx_traj_add_parameter(t, "sweep.a", snx_int(1), NULL), "a");
    CHECK(snx_traj_add_parameter(t, "sweep.b", snx_double(0.5), NULL), "b");
    CHECK(snx_traj_add_parameter(t, "sweep.s", snx_str("x"), NULL), "s");
    CHECK(snx_traj_add_parameter(t, "sweep.q", snx_quantity(1, "ms"), NULL), "q");
    CHECK(snx_traj_add_parameter(t, "sweep.c", snx_complex(0, 0), NULL), "c");
    CHECK(snx_traj_add_parameter(t, "sweep.f", snx_bool(false), NULL), "f");
    CHECK(snx_traj_add_parameter(t, "sweep.v", snx_int_array(2, iv), NULL), "v");

    snx_ranges *r = snx_ranges_new();
    int64_t a[4] = {1, 2, 3, 4};
    double b[4] = {0.25, 0.5, 0.75, 1.0};
    bool f[4] = {true, false, true, false};
    const char *s[4] = {"one", "two", "three", "four"};
    snx_value q[4] = {snx_quantity(5, "ms"), snx_quantity(1, "s"), snx_quantity(20, "ms"),
                      snx_quantity(2, "s")};
    snx_value c[4] = {snx_complex(1, 0), snx_complex(0, 1), snx_complex(-1, 0),
                      snx_complex(0, -1)};
    snx_value v[4] = {snx_int_array(2, iv), snx_int_array(2, iv + 1), snx_int_array(2, iv + 2),
                      snx_int_array(2, iv + 3)};
    CHECK(r, "ranges");
    CHECK_OK(snx_ranges_add_ints(r, "sweep.a", a, 4), "range a");
    CHECK_OK(snx_ranges_add_doubles(r, "sweep.b", b, 4), "range b");
    CHECK_OK(snx_ranges_add_bools(r, "sweep.f", f, 4), "range f");
    CHECK_OK(snx_ranges_add_strings(r, "sweep.s", s, 4), "range s");
    CHECK_OK(snx_ranges_add(r, "sweep.q", q, 4), "range q");
    CHECK_OK(snx_ranges_add(r, "sweep.c", c, 4), "range c");
    CHECK_OK(snx_ranges_add(r, "sweep.v", v, 4), "range v");
    CHECK_OK(snx_traj_explore(t, r), "explore");
    snx_ranges_free(r);
    return 0;
}

static int add_results(snx_traj *t)
{
    size_t shape3[3] = {2, 2, 2};
    double d8[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    CHECK(snx_traj_add_derived(t, "derived.total", snx_int(10), "derived"), "derived");
    snx_node *all = snx_traj_add_result(t, "summary.all", snx_none(), "every type");
    CHECK(all, "summary");
    CHECK_OK(snx_result_set(all, "b", snx_bool(true)), "b");
    CHECK_OK(snx_result_set(all, "i", snx_int(-5)), "i");
    CHECK_OK(snx_result_set(all, "d", snx_double(3.25)), "d");
    CHECK_OK(snx_result_set(all, "z", snx_complex(-0.5, 0.25)), "z");
    CHECK_OK(snx_result_set(all, "q", snx_quantity(3, "mV")), "q");
    CHECK_OK(snx_result_set(all, "s", snx_str("a string")), "s");
    CHECK_OK(snx_result_set(all, "cube", snx_double_array_nd(3, shape3, d8)), "cube");
    CHECK_OK(snx_result_set(all, "table", table_value()), "table");
    /* Large enough to be chunked, compressed and (with fletcher32) checksummed. */
    size_t n = 5000;
    double *big = malloc(n * sizeof *big);
    CHECK(big, "memory");
    for (size_t k = 0; k < n; k++)
        big[k] = (double)(k * 7919 % 1000) / 7.0;
    snx_node *trace = snx_traj_add_result(t, "trace", snx_double_array(n, big), "large");
    free(big);
    CHECK(trace, "trace");
    CHECK_OK(snx_node_annotate(all, "note", snx_str("annotated")), "annotate");
    CHECK_OK(snx_node_annotate(all, "delay", snx_quantity(2, "ms")), "annotate q");
    CHECK_OK(snx_node_annotate(snx_traj_root(t), "owner", snx_str("faults")), "annotate root");
    CHECK_OK(snx_traj_add_link(t, "results.link_to_tau", snx_traj_get(t, "neuron.tau")), "link");
    return 0;
}

static int add_run(snx_traj *t, long i)
{
    char text[32];
    snprintf(text, sizeof text, "run %ld", i);
    CHECK(snx_traj_add_result(t, "ok", snx_bool(i % 2 == 0), "columns"), "ok");
    CHECK(snx_traj_add_result(t, "count", snx_int(i * 10), NULL), "count");
    CHECK(snx_traj_add_result(t, "rate", snx_double(1.0 / (double)(i + 1)), NULL), "rate");
    CHECK(snx_traj_add_result(t, "phase", snx_complex((double)i, -(double)i), NULL), "phase");
    CHECK(snx_traj_add_result(t, "delay", snx_quantity((double)i, "ms"), NULL), "delay");
    CHECK(snx_traj_add_result(t, "label", snx_str(text), NULL), "label");
    CHECK(snx_traj_add_result(t, "stats.mean", snx_double((double)i / 3), NULL), "mean");
    CHECK(snx_traj_add_derived(t, "scaled", snx_int(i * 2), NULL), "scaled");
    double v[3] = {(double)i, (double)i + 0.5, (double)i + 1};
    CHECK(snx_traj_add_result(t, "trace.v", snx_double_array(3, v), "a run group"), "v");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: files_write FILE [fletcher32 0|1 (default)]\n");
        return 2;
    }
    snx_traj *t = snx_traj_new("every_type", NULL);
    CHECK(t, "new");
    CHECK_OK(snx_node_set_comment(snx_traj_root(t), "a file with every value type"), "comment");
    snx_hdf5_opts o = {.overwrite_file = true, .no_fletcher32 = argc > 2 && atoi(argv[2]) == 0};
    CHECK_OK(snx_hdf5_attach(t, argv[1], &o), "attach");
    if (add_parameters(t) || add_results(t))
        return 1;
    CHECK_OK(snx_traj_store(t, NULL), "store");
    for (long i = 0; i < (long)snx_traj_n_runs(t); i++) {
        CHECK_OK(snx_traj_begin_run(t, i), "begin run");
        if (add_run(t, i))
            return 1;
        CHECK_OK(snx_traj_store_run(t, i), "store run");
        snx_traj_end_run(t);
    }
    snx_traj_free(t);
    return 0;
}
