/* pypet example 18, "Large explorations with many runs", in snex.
 *
 * x and y each take the values 0..49 (Python's range(50)); their cartesian product
 * gives 2500 runs, run by the Environment with two worker processes. Each run stores
 * z = x * y as `$set.$.z`: `$` is the run's name and `$set` its bucket of 1000 runs,
 * so run 2042's z lands in results.run_set_00002.run_00002042.z. Buckets keep
 * groups small when a trajectory has many runs.
 *
 * The runs change nothing outside the trajectory, so the environment is told they
 * are stateless (pypet's use_pool=True): a worker may then serve many runs from one
 * process instead of forking a fresh one per run. pypet's file_title has no
 * counterpart; the file is hdf5/example_18.hdf5.
 *
 * Afterwards the trajectory is loaded from the file with its parameters but without
 * results; with auto-loading on, looking up res.crunset.crun.z for run 2042 reads
 * just that one result from the file. x = 40 and y = 42 there (y changes fastest).
 *
 * The program checks what it reads and exits non-zero when something is wrong. */
#include "basics.h"

#include <stdio.h>

#define FILE_NAME "hdf5/example_18.hdf5"
#define LEN 50
#define SHOWN_RUN 2042

/* The job of one run (pypet's multiply(traj)). */
static int multiply(snx_traj *traj, void *user_data, snx_value *result)
{
    (void)user_data;
    (void)result;
    int64_t z = snx_traj_int(traj, "x") * snx_traj_int(traj, "y");
    if (snx_traj_status(traj))
        return snx_traj_status(traj);
    if (!snx_traj_add_result(traj, "$set.$.z", snx_int(z),
                             "Result of our simulation sorted into buckets of 1000 runs each!"))
        return snx_errcode();
    return 0;
}

static int explore(snx_traj *traj)
{
    int64_t values[LEN];
    for (int i = 0; i < LEN; i++)
        values[i] = i;
    snx_ranges *lists = snx_ranges_new();
    snx_ranges *product = NULL;
    int rc = !lists || snx_ranges_add_ints(lists, "x", values, LEN) ||
             snx_ranges_add_ints(lists, "y", values, LEN) ||
             !(product = snx_ranges_cartesian(lists, NULL)) || snx_traj_explore(traj, product);
    snx_ranges_free(product);
    snx_ranges_free(lists);
    return rc;
}

static int run_experiment(void)
{
    snx_env *env = snx_env_new(&(snx_env_opts){ .trajectory = "Multiplication",
                                                .filename = FILE_NAME,
                                                .comment = "Contains many runs",
                                                .overwrite = 1,
                                                .n_workers = 2,
                                                .stateless = 1 });
    if (!env)
        return fail("creating the environment");
    snx_traj *traj = snx_env_traj(env);
    int rc = 0;
    if (!snx_traj_add_parameter(traj, "x", snx_int(1), "I am the first dimension!") ||
        !snx_traj_add_parameter(traj, "y", snx_int(1), "I am the second dimension!") ||
        explore(traj))
        rc = fail("adding and exploring the parameters");
    else if (snx_env_run(env, multiply, NULL))
        rc = fail("running");
    snx_env_free(env); /* closes the file */
    return rc;
}

int main(int argc, char **argv)
{
    int done = basics_args(argc, argv, "ex18",
                           "pypet example 18, Many Runs: 2500 runs by the Environment, results\n"
                           "in buckets of 1000 ($set), run 2042's read back by auto-loading.");
    if (done >= 0)
        return done;
    if (run_experiment())
        return 1;

    /* Parameters with their data, results not at all: auto-loading fetches the one
     * result we look at. */
    snx_load_opts load = snx_load_defaults();
    load.name = "Multiplication";
    load.parameters = SNX_LOAD_DATA;
    load.results = SNX_LOAD_NOTHING;
    snx_traj *traj = snx_hdf5_load(FILE_NAME, &load);
    if (!traj)
        return fail("loading");
    snx_traj_set_auto_load(traj, 1);

    int rc = 0;
    size_t n = snx_traj_n_runs(traj);
    if (n != LEN * LEN || !snx_traj_is_completed(traj, -1))
        rc = wrong("expected %d completed runs in the file, found %zu (all completed: %s)",
                   LEN * LEN, n, snx_traj_is_completed(traj, -1) ? "yes" : "no");
    else if (snx_traj_set_run(traj, SHOWN_RUN))
        rc = fail("setting the run");
    if (rc) {
        snx_traj_free(traj);
        return rc;
    }

    /* crunset and crun stand for this run's bucket and name. */
    int64_t x = snx_traj_int(traj, "x"), y = snx_traj_int(traj, "y");
    int64_t z = snx_traj_int(traj, "res.crunset.crun.z");
    printf("The result of %s (x = %lld, y = %lld) is: %lld\n", snx_traj_run_name_current(traj),
           (long long)x, (long long)y, (long long)z);
    if (snx_traj_status(traj))
        rc = wrong("reading run %d: %s", SHOWN_RUN, snx_traj_status_msg(traj));
    else if (x != SHOWN_RUN / LEN || y != SHOWN_RUN % LEN || z != x * y)
        rc = wrong("run %d should have x = %d, y = %d, z = x * y", SHOWN_RUN, SHOWN_RUN / LEN,
                   SHOWN_RUN % LEN);
    else
        printf("%zu runs, all completed; z is stored in %s\n", n,
               snx_node_full_name(snx_traj_get(traj, "res.crunset.crun.z")));
    snx_traj_free(traj);
    return rc;
}
