/* pypet example 08, "Using the f_find_idx Function", in snex.
 *
 * We explore the cartesian product x = [1, 2, 3, 4] times y = [6, 7, 8] (12 runs),
 * run a tiny "job" z = x * y once per run and store z as a result of that run.
 * Then we ask which runs had x == 2 or y == 8 (find_idx with a predicate), set the
 * trajectory to each of those runs and read that run's z through `crun`, exactly
 * as pypet's `traj.v_idx = idx; traj.crun.z` does. Finally the defaults come back.
 *
 * One difference to pypet's printed output: snex's cartesian product always lets
 * the LAST name change fastest (here y), so run 1 is x=1, y=7. pypet's example
 * output came from Python 2's dict order, where x happened to change fastest.
 *
 * The program checks every value it computes and exits non-zero if one is wrong,
 * so it doubles as a test. Build with `make`, run build/examples/basics/ex08_find_idx. */
#include "basics.h"

#include <stdio.h>
#include <stdlib.h>

/* A call failed: print what snex says went wrong (snx_errmsg() says what and
 * where) and give up. */
/* The "job" of one run: what pypet's multiply(traj) does. The trajectory is set to
 * the run, so the explored parameters show this run's values. The result is added
 * without a wildcard, so snex puts it below results.runs.run_XXXXXXXX. */
static int multiply(snx_traj *traj)
{
    int64_t z = snx_traj_int(traj, "x") * snx_traj_int(traj, "y");
    /* The getters return 0 on failure and remember the first error: check once. */
    if (snx_traj_status(traj))
        return wrong("%s", snx_traj_status_msg(traj));
    if (!snx_traj_add_result(traj, "z", snx_int(z), "Result of our simulation!"))
        return fail("adding z");
    return 0;
}

/* The predicate of find_idx gets the values of the named parameters of one run, in
 * the order the names were given: here x, then y. */
static bool x_is_2_or_y_is_8(const snx_value *const *values, size_t n, void *ctx)
{
    (void)n;
    (void)ctx;
    return snx_value_int(values[0]) == 2 || snx_value_int(values[1]) == 8;
}

int main(int argc, char **argv)
{
    int done = basics_args(argc, argv, "ex08",
                           "pypet example 08, find_idx: the runs where x == 2 or y == 8, found\n"
                           "with a predicate over parameter values, and their results read\n"
                           "through crun.");
    if (done >= 0)
        return done;
    snx_traj *traj = snx_traj_new("example_08", &(snx_traj_opts){ .comment = "find_idx" });
    if (!traj)
        return fail("creating the trajectory");

    /* 1. Parameters, with their default values. */
    if (!snx_traj_add_parameter(traj, "x", snx_int(1), "I am the first dimension!") ||
        !snx_traj_add_parameter(traj, "y", snx_int(1), "I am the second dimension!"))
        return fail("adding parameters");

    /* 2. The exploration: the cartesian product of both lists, y changing fastest. */
    snx_ranges *lists = snx_ranges_new();
    snx_ranges_add_ints(lists, "x", (int64_t[]){ 1, 2, 3, 4 }, 4);
    snx_ranges_add_ints(lists, "y", (int64_t[]){ 6, 7, 8 }, 3);
    snx_ranges *product = snx_ranges_cartesian(lists, NULL);
    if (!product || snx_traj_explore(traj, product))
        return fail("exploring");
    snx_ranges_free(product);
    snx_ranges_free(lists);
    printf("%zu runs\n", snx_traj_n_runs(traj));
    if (snx_traj_n_runs(traj) != 12)
        return wrong("expected 12 runs, got %zu", snx_traj_n_runs(traj));

    /* 3. The runs: what an Environment does, by hand. begin_run sets the run and
     *    routes results below it; end_run leaves the single-run mode again. */
    for (long idx = 0; idx < (long)snx_traj_n_runs(traj); idx++) {
        if (snx_traj_begin_run(traj, idx))
            return fail("begin_run");
        int rc = multiply(traj);
        snx_traj_end_run(traj);
        if (rc)
            return rc;
    }
    /* Reading x and y in the runs locked them (no value can change under a run). */
    if (!snx_par_is_locked(snx_traj_get(traj, "x")))
        return wrong("x should be locked after being read");

    /* 4. find_idx: which runs have x == 2 or y == 8? With y fastest the runs are
     *    (1,6) (1,7) (1,8) (2,6) (2,7) (2,8) (3,6) (3,7) (3,8) (4,6) (4,7) (4,8). */
    long *found = NULL;
    long n = snx_traj_find_idx(traj, (const char *const[]){ "parameters.x", "parameters.y" }, 2,
                               x_is_2_or_y_is_8, NULL, &found);
    if (n < 0)
        return fail("find_idx");
    const long expected[] = { 2, 3, 4, 5, 8, 11 };
    if (n != 6)
        return wrong("find_idx found %ld runs, expected 6", n);

    /* 5. Visit the runs found: set the trajectory to the run by its index, then
     *    `crun` (or `$`) means this run, and explored parameters show its values. */
    for (long k = 0; k < n; k++) {
        if (found[k] != expected[k])
            return wrong("run %ld found, expected %ld", found[k], expected[k]);
        if (snx_traj_set_run(traj, found[k]))
            return fail("set_run");
        int64_t x = snx_traj_int(traj, "x"), y = snx_traj_int(traj, "y");
        int64_t z = snx_traj_int(traj, "crun.z"); /* results.runs.run_XXXXXXXX.z */
        printf("%s: x=%lld, y=%lld, z=%lld\n", snx_traj_run_name_current(traj), (long long)x,
               (long long)y, (long long)z);
        if (snx_traj_status(traj) || z != x * y || !(x == 2 || y == 8))
            return wrong("wrong values in run %ld", found[k]);
    }
    free(found);

    /* Results of other runs stay reachable by their run's name. */
    if (snx_traj_int(traj, "results.runs.run_00000001.z") != 7)
        return wrong("run 1 should have z = 1 * 7");

    /* 6. Back to normal: the defaults again, and `crun` means run_ALL. */
    snx_traj_restore_default(traj);
    if (snx_traj_run_idx(traj) != -1 || snx_traj_int(traj, "x") != 1 ||
        snx_traj_int(traj, "y") != 1)
        return wrong("defaults not restored");
    printf("defaults restored: x=%lld, y=%lld, current run %s\n",
           (long long)snx_traj_int(traj, "x"), (long long)snx_traj_int(traj, "y"),
           snx_traj_run_name_current(traj));

    snx_traj_free(traj);
    return 0;
}
