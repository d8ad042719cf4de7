/* pypet example 03, "Merging Trajectories", in snex.
 *
 * Two Environments store two trajectories in one file: traj1 explores x in 1..4 ×
 * y in 6..8, traj2 x in 3..6 × y in 7..9 (12 runs each); every run stores z = x * y.
 * traj1 is then loaded (parameters with their data, results as a skeleton: the runs'
 * data stay on disk), traj2 with all its data, and traj2 is merged into traj1 with
 * duplicates removed: the 4 points both explored (x in 3..4, y in 7..8) come once, so
 * traj1 grows by 8 runs to 20, stored in one commit.
 *
 * Loaded again with its results, every run of traj1 must have z = x * y, the merged
 * runs their run information from traj2, and config.merge the record of the merge.
 * (`snex merge -d OUT hdf5/example_03.hdf5:traj1 hdf5/example_03.hdf5:traj2` does the
 * same from the command line.) The program exits non-zero when something is wrong. */
#include "basics.h"

#include <stdio.h>
#include <stdlib.h>

#define FILE_NAME "hdf5/example_03.hdf5"

static int multiply(snx_traj *traj, void *data, snx_value *result)
{
    (void)data, (void)result;
    double z = snx_traj_double(traj, "x") * snx_traj_double(traj, "y");
    return snx_traj_add_result(traj, "z", snx_double(z), "Result of x*y") ? 0 : snx_errcode();
}

/* One environment: a trajectory exploring x × y, stored into the shared file. */
static int run_environment(const char *name, const double *x, const double *y, bool first)
{
    snx_env *env = snx_env_new(&(snx_env_opts){ .trajectory = name, .filename = FILE_NAME,
                                                .overwrite = first, .n_workers = 2,
                                                .log_folder = "", .seed = 3,
                                                .log_level = SNX_LOG_WARNING });
    snx_traj *traj = env ? snx_env_traj(env) : NULL;
    snx_ranges *lists = snx_ranges_new(), *product = NULL;
    int rc = !traj || !snx_traj_add_parameter(traj, "x", snx_double(1.0), "Example parameter") ||
             !snx_traj_add_parameter(traj, "y", snx_double(1.0), "Example parameter") ||
             snx_ranges_add_doubles(lists, "x", x, 4) || snx_ranges_add_doubles(lists, "y", y, 3) ||
             !(product = snx_ranges_cartesian(lists, NULL)) || snx_traj_explore(traj, product);
    if (!rc)
        rc = snx_env_run(env, multiply, NULL);
    if (rc)
        fail(name);
    snx_ranges_free(product);
    snx_ranges_free(lists);
    snx_env_free(env);
    return rc ? 1 : 0;
}

static int merge(void)
{
    snx_load_opts skeleton = snx_load_defaults();
    skeleton.name = "traj1";
    snx_load_opts everything = snx_load_defaults();
    everything.name = "traj2";
    everything.derived = everything.results = SNX_LOAD_DATA;
    snx_traj *traj1 = snx_hdf5_load(FILE_NAME, &skeleton);
    snx_traj *traj2 = traj1 ? snx_hdf5_load(FILE_NAME, &everything) : NULL;
    if (!traj2 || snx_hdf5_close(traj2))
        return fail("loading");
    long added = snx_traj_merge(traj1, traj2, &(snx_merge_opts){ .remove_duplicates = true });
    if (added < 0)
        return fail("merging");
    if (snx_traj_store(traj1, NULL)) /* one commit: the ranges and the new runs */
        return fail("storing");
    printf("merged %ld of traj2's %zu runs into traj1: %zu runs\n", added,
           snx_traj_n_runs(traj2), snx_traj_n_runs(traj1));
    snx_traj_free(traj1);
    snx_traj_free(traj2);
    return added == 8 ? 0 : wrong("%ld runs merged, 8 expected", added);
}

static int check(void)
{
    snx_load_opts all = snx_load_defaults();
    all.name = "traj1";
    all.derived = all.results = SNX_LOAD_DATA;
    snx_traj *traj = snx_hdf5_load(FILE_NAME, &all);
    if (!traj)
        return fail("loading the merged trajectory");
    if (snx_traj_n_runs(traj) != 20)
        return wrong("%zu runs, 20 expected", snx_traj_n_runs(traj));
    for (long k = 0; k < 20; k++) {
        snx_traj_set_run(traj, k);
        double x = snx_traj_double(traj, "x"), y = snx_traj_double(traj, "y");
        snx_node *z = snx_traj_get(traj, "crun.z");
        if (!z || snx_value_double(snx_result_get(z, "z")) != x * y)
            return wrong("run %ld: z is not x * y = %g", k, x * y);
        if (!snx_traj_is_completed(traj, k))
            return wrong("run %ld is not completed", k);
        if (k % 4 == 0)
            printf("  run %2ld: x = %g, y = %g, z = %g\n", k, x, y, x * y);
    }
    snx_traj_restore_default(traj);
    int64_t merged = snx_traj_int(traj, "config.merge.merge_000.merged_runs");
    if (snx_traj_status(traj) || merged != 8)
        return wrong("the merge record says %lld runs", (long long)merged);
    snx_traj_free(traj);
    return 0;
}

int main(int argc, char **argv)
{
    int done = basics_args(argc, argv, "ex03",
                           "pypet example 03, merging: two trajectories in one file, the\n"
                           "second merged into the first without duplicate points.");
    if (done >= 0)
        return done;
    if (run_environment("traj1", (double[]){ 1, 2, 3, 4 }, (double[]){ 6, 7, 8 }, true) ||
        run_environment("traj2", (double[]){ 3, 4, 5, 6 }, (double[]){ 7, 8, 9 }, false))
        return 1;
    return merge() || check();
}
