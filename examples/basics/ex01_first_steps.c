/* pypet example 01, "First Steps", in snex.
 *
 * Two parameters x and y, explored over the cartesian product x = [1, 2, 3, 4] times
 * y = [6, 7, 8]: 12 runs. Each run computes z = x * y and stores it as the result
 * `z` of that run. pypet's Environment runs the job and stores after every run; until
 * snex has its Environment, the loop below does the same by hand: begin the run, add
 * the result, store the run, end the run.
 *
 * Everything lands in hdf5/example_01.hdf5. Then a fresh trajectory is loaded from
 * the file (the last one in it, as pypet's f_load(index=-1)) with parameters and
 * results, and `run_00000001.z` is read back: x = 1, y = 7, so 7.
 *
 * The per-run z's are stored as one column across the runs
 * (/Multiplication/results/runs/_columns/z, see docs/FORMAT.md); after loading
 * they still sit where pypet puts them, results.runs.run_XXXXXXXX.z.
 *
 * The program checks what it reads and exits non-zero when a value is wrong, so it
 * doubles as a test. */
#include "basics.h"

#include <stdio.h>

/* The job of one run (pypet's multiply(traj)). */
static int multiply(snx_traj *traj)
{
    double z = snx_traj_double(traj, "x") * snx_traj_double(traj, "y");
    if (snx_traj_status(traj))
        return wrong("%s", snx_traj_status_msg(traj));
    if (!snx_traj_add_result(traj, "z", snx_double(z), "Result of our simulation!"))
        return fail("adding z");
    return 0;
}

static int run_experiment(void)
{
    snx_traj *traj = snx_traj_new("Multiplication",
                                  &(snx_traj_opts){ .comment = "I am the first example!" });
    snx_hdf5_opts file = { 0 };
    file.overwrite_file = 1;
    if (!traj || snx_hdf5_attach(traj, "hdf5/example_01.hdf5", &file))
        return fail("creating the trajectory");

    if (!snx_traj_add_parameter(traj, "x", snx_double(1), "I am the first dimension!") ||
        !snx_traj_add_parameter(traj, "y", snx_double(1), "I am the second dimension!"))
        return fail("adding parameters");

    snx_ranges *lists = snx_ranges_new();
    snx_ranges_add_doubles(lists, "x", (double[]){ 1, 2, 3, 4 }, 4);
    snx_ranges_add_doubles(lists, "y", (double[]){ 6, 7, 8 }, 3);
    snx_ranges *product = snx_ranges_cartesian(lists, NULL);
    int rc = !product || snx_traj_explore(traj, product);
    snx_ranges_free(product);
    snx_ranges_free(lists);
    if (rc)
        return fail("exploring");

    /* What the Environment will do: store the trajectory, then each run. */
    if (snx_traj_store(traj, NULL))
        return fail("storing the trajectory");
    for (long i = 0; i < (long)snx_traj_n_runs(traj); i++) {
        if (snx_traj_begin_run(traj, i) || multiply(traj) || snx_traj_store_run(traj, i))
            return fail("running");
        snx_traj_end_run(traj);
    }
    snx_traj_free(traj); /* commits and closes the file */
    return 0;
}

int main(int argc, char **argv)
{
    int done = basics_args(argc, argv, "ex01",
                           "pypet example 01, First Steps: x in 1..4 times y in 6..8 (12\n"
                           "runs), z = x * y stored per run in hdf5/example_01.hdf5, loaded\n"
                           "back and read as run_00000001.z.");
    if (done >= 0)
        return done;
    if (run_experiment())
        return 1;

    /* Load the last trajectory of the file, parameters and results with their data. */
    snx_load_opts load = snx_load_defaults();
    load.index = -1;
    load.parameters = SNX_LOAD_DATA;
    load.results = SNX_LOAD_DATA;
    snx_traj *traj = snx_hdf5_load("hdf5/example_01.hdf5", &load);
    if (!traj)
        return fail("loading");

    /* Natural naming: run_00000001.z is a shortcut for results.runs.run_00000001.z. */
    double z = snx_traj_double(traj, "run_00000001.z");
    printf("The result of run_00000001 is: %g\n", z);
    if (snx_traj_status(traj) || z != 7)
        return wrong("run_00000001.z is %g (%s), not 7", z, snx_traj_status_msg(traj));

    static const double x[12] = { 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4 };
    static const double y[12] = { 6, 7, 8, 6, 7, 8, 6, 7, 8, 6, 7, 8 };
    char name[64];
    for (long i = 0; i < 12; i++) {
        snprintf(name, sizeof name, "results.runs.run_%08ld.z", i);
        double got = snx_traj_double(traj, name);
        if (got != x[i] * y[i] || !snx_traj_is_completed(traj, i))
            return wrong("%s is %g, not %g", name, got, x[i] * y[i]);
    }
    if (snx_par_range_length(snx_traj_get(traj, "x")) != 12)
        return wrong("x was not loaded with its range");
    snx_traj_free(traj);
    return 0;
}
