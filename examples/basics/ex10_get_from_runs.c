/* pypet example 10, "Accessing Results from All Runs at Once", in snex.
 *
 * x and y each take the values 0..11; their cartesian product gives 144 runs, each
 * storing z = x * y. After loading the trajectory with its results, get_from_runs
 * gathers `z` from every run, in run order, next to the explored ranges of x and y:
 * the three lists pypet's example hands to matplotlib for a 3D plot. Here they are
 * checked and printed as a small table instead.
 *
 * All 144 z's live in one column dataset of the file, read in one go when loading.
 *
 * The program checks what it reads and exits non-zero when something is wrong. */
#include "basics.h"

#include <stdio.h>
#include <stdlib.h>

#define FILE_NAME "hdf5/example_10.hdf5"
#define LEN 12

static int multiply(snx_traj *traj)
{
    double z = snx_traj_double(traj, "x") * snx_traj_double(traj, "y");
    if (snx_traj_status(traj) ||
        !snx_traj_add_result(traj, "z", snx_double(z), "I am the product of two reals!"))
        return fail("multiplying");
    return 0;
}

static int run_experiment(void)
{
    snx_traj *traj = snx_traj_new("Example_10_get_items_from_all_runs", NULL);
    snx_hdf5_opts file = { 0 };
    file.overwrite_file = 1;
    if (!traj || snx_hdf5_attach(traj, FILE_NAME, &file) ||
        !snx_traj_add_parameter(traj, "x", snx_double(0), "I am the first dimension!") ||
        !snx_traj_add_parameter(traj, "y", snx_double(0), "I am the second dimension!"))
        return fail("setting up");
    double values[LEN];
    for (int i = 0; i < LEN; i++)
        values[i] = i;
    snx_ranges *lists = snx_ranges_new();
    snx_ranges_add_doubles(lists, "x", values, LEN);
    snx_ranges_add_doubles(lists, "y", values, LEN);
    snx_ranges *product = snx_ranges_cartesian(lists, NULL);
    int rc = !product || snx_traj_explore(traj, product);
    snx_ranges_free(product);
    snx_ranges_free(lists);
    if (rc)
        return fail("exploring");
    for (long i = 0; i < (long)snx_traj_n_runs(traj); i++) {
        if (snx_traj_begin_run(traj, i) || multiply(traj) || snx_traj_store_run(traj, i))
            return fail("running");
        snx_traj_end_run(traj);
    }
    snx_traj_free(traj);
    return 0;
}

int main(int argc, char **argv)
{
    int done = basics_args(argc, argv, "ex10",
                           "pypet example 10, get_from_runs: a 12 x 12 sweep, then one item\n"
                           "gathered from every run in run order.");
    if (done >= 0)
        return done;
    if (run_experiment())
        return 1;
    snx_load_opts load = snx_load_defaults();
    load.results = SNX_LOAD_DATA;
    snx_traj *traj = snx_hdf5_load(FILE_NAME, &load);
    if (!traj)
        return fail("loading");

    snx_node *x = snx_traj_get(traj, "x"), *y = snx_traj_get(traj, "y");
    long *runs;
    snx_node **zs;
    long n = snx_traj_get_from_runs(traj, "z", SNX_FROM_RUNS_OR_ALL, &runs, &zs);
    if (!x || !y || n != LEN * LEN)
        return fail("gathering z");
    printf("  run     x     y      z\n");
    for (long k = 0; k < n; k++) {
        double xv = snx_value_double(snx_par_range_at(x, (size_t)runs[k]));
        double yv = snx_value_double(snx_par_range_at(y, (size_t)runs[k]));
        double z = snx_value_double(snx_result_get(zs[k], "z"));
        if (runs[k] != k || z != xv * yv)
            return wrong("run %ld: z = %g, x * y = %g", runs[k], z, xv * yv);
        if (k % 13 == 0)
            printf("%5ld %5g %5g %6g\n", runs[k], xv, yv, z);
    }
    free(runs);
    free(zs);
    snx_traj_free(traj);
    return 0;
}
