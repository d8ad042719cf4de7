/* pypet example 14, "Using Links", in snex.
 *
 * A link is a second name for a node. Two parameters x and y are explored over
 * x = 1..4 times y = 6..8 (12 runs); then the link mylink1 at the root points to x,
 * and parameters.mynewgroup.mylink2 (the group mynewgroup is created on the way) to
 * y. The run reads its parameters through the links only -- a link to an explored
 * parameter gives that run's value -- and stores z = mylink1 * mylink2 as
 * results.runs.run_XXXXXXXX.z (the name "runs.$.z": `$` is the run).
 *
 * Everything goes to hdf5/example_14.hdf5, where links are HDF5 soft links
 * (docs/FORMAT.md). Then the trajectory is loaded back with its results, and the
 * program checks that the links are links again, lead to x and y, give every run's
 * values when the trajectory is set to that run, and that every z is x * y. */
#include "basics.h"

#include <stdio.h>
#include <string.h>

#define FILE_NAME "hdf5/example_14.hdf5"

/* The job of one run: the parameters through their links only. */
static int multiply(snx_traj *traj, void *user_data, snx_value *result)
{
    (void)user_data;
    (void)result;
    int64_t z = snx_traj_int(traj, "mylink1") * snx_traj_int(traj, "mylink2");
    if (snx_traj_status(traj))
        return snx_traj_status(traj);
    return snx_traj_add_result(traj, "runs.$.z", snx_int(z), "Result of our simulation!")
               ? 0 : snx_errcode();
}

static int run_experiment(void)
{
    snx_env *env = snx_env_new(&(snx_env_opts){ .trajectory = "Multiplication",
                                                .filename = FILE_NAME,
                                                .overwrite = true,
                                                .comment = "How to use links" });
    if (!env)
        return fail("creating the environment");
    snx_traj *traj = snx_env_traj(env);
    snx_ranges *lists = snx_ranges_new(), *product = NULL;
    int rc = !snx_traj_add_parameter(traj, "x", snx_int(1), "I am the first dimension!") ||
             !snx_traj_add_parameter(traj, "y", snx_int(1), "I am the second dimension!") ||
             !lists || snx_ranges_add_ints(lists, "x", (int64_t[]){ 1, 2, 3, 4 }, 4) ||
             snx_ranges_add_ints(lists, "y", (int64_t[]){ 6, 7, 8 }, 3) ||
             !(product = snx_ranges_cartesian(lists, NULL)) || snx_traj_explore(traj, product);
    snx_ranges_free(product);
    snx_ranges_free(lists);
    /* The links: one at the root, one on a dotted path whose group is created. */
    if (!rc)
        rc = snx_traj_add_link(traj, "mylink1", snx_traj_get(traj, "x")) ||
             snx_traj_add_link(traj, "parameters.mynewgroup.mylink2", snx_traj_get(traj, "y"));
    if (rc)
        rc = fail("setting up");
    else if (snx_env_run(env, multiply, NULL))
        rc = fail("running");
    snx_env_free(env); /* closes the file */
    return rc;
}

/* Whether `group` (NULL: the root) holds a link `name` that leads to the node `full`. */
static int link_ok(snx_traj *traj, const char *group, const char *name, const char *full)
{
    snx_node *g = group ? snx_traj_get(traj, group) : snx_traj_root(traj);
    for (size_t k = 0; g && k < snx_node_n_links(g); k++) {
        const char *link;
        snx_node *target = snx_node_link(g, k, &link);
        if (strcmp(link, name) == 0 && target && strcmp(snx_node_full_name(target), full) == 0)
            return 1;
    }
    return 0;
}

static int check(snx_traj *traj)
{
    if (!link_ok(traj, NULL, "mylink1", "parameters.x") ||
        !link_ok(traj, "parameters.mynewgroup", "mylink2", "parameters.y"))
        return wrong("the links did not come back as links to x and y");
    printf("mylink1 -> %s, mynewgroup.mylink2 -> %s\n",
           snx_node_full_name(snx_traj_get(traj, "mylink1")),
           snx_node_full_name(snx_traj_get(traj, "mylink2")));
    for (long idx = 0; idx < (long)snx_traj_n_runs(traj); idx++) {
        if (snx_traj_set_run(traj, idx))
            return fail("setting the run");
        int64_t x = snx_traj_int(traj, "mylink1"), y = snx_traj_int(traj, "mylink2");
        int64_t z = snx_traj_int(traj, "results.runs.crun.z");
        snx_traj_restore_default(traj);
        if (snx_traj_status(traj) || x != 1 + idx / 3 || y != 6 + idx % 3 || z != x * y)
            return wrong("run %ld: x = %lld, y = %lld, z = %lld (%s)", idx, (long long)x,
                         (long long)y, (long long)z, snx_traj_status_msg(traj));
    }
    return 0;
}

int main(int argc, char **argv)
{
    int done = basics_args(argc, argv, "ex14",
                           "pypet example 14, Using Links: links to two explored parameters,\n"
                           "one on a dotted path, read by the runs; stored, loaded back as\n"
                           "links, and read through them run by run.");
    if (done >= 0)
        return done;
    if (run_experiment())
        return 1;
    snx_load_opts load = snx_load_defaults();
    load.name = "Multiplication";
    load.results = SNX_LOAD_DATA;
    snx_traj *traj = snx_hdf5_load(FILE_NAME, &load);
    if (!traj)
        return fail("loading");
    int rc = check(traj);
    if (!rc)
        printf("%zu runs, every z = mylink1 * mylink2\n", snx_traj_n_runs(traj));
    snx_traj_free(traj);
    return rc;
}
