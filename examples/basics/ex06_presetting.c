/* pypet example 06, "Parameter Presetting", in snex.
 *
 * add_parameters has control flow: its parameter diff_name (default "diff_lorenz")
 * decides which constants go into func_params, Lorenz's sigma, beta and rho or
 * Roessler's a and c. Presetting diff_name to "diff_roessler" before add_parameters
 * runs changes that flow without touching the function: the parameter is added with
 * the preset value, so the Roessler attractor is integrated instead (attractor.h:
 * the equations given to the engine, three explored initial conditions). Without
 * the preset line the program integrates the Lorenz attractor, as example 05.
 *
 * After the runs, the environment's own trajectory loads its skeleton from the file
 * (pypet's f_load_skeleton: the runs' results come back by name, without data), then
 * each run's euler_evolution alone, which is checked and emptied again. Everything is
 * in hdf5/example_06.hdf5. */
#include "attractor.h"

#include <stdio.h>
#include <string.h>

#define FILE_NAME "hdf5/example_06.hdf5"

static int add_parameters(snx_traj *traj)
{
    if (attractor_add_parameters(traj))
        return 1;
    if (!snx_traj_add_parameter(traj, "diff_name", snx_str("diff_lorenz"),
                                "Name of our differential equation"))
        return fail("adding diff_name");
    /* Reading it gives the preset value, when there is one. */
    const char *name = snx_traj_string(traj, "diff_name");
    if (!name)
        return fail("reading diff_name");
    if (strcmp(name, "diff_lorenz") == 0) {
        if (!snx_traj_add_parameter(traj, "func_params.sigma", snx_double(10.0), NULL) ||
            !snx_traj_add_parameter(traj, "func_params.beta", snx_double(8.0 / 3.0), NULL) ||
            !snx_traj_add_parameter(traj, "func_params.rho", snx_double(28.0), NULL))
            return fail("adding the Lorenz parameters");
    } else if (strcmp(name, "diff_roessler") == 0) {
        if (!snx_traj_add_parameter(traj, "func_params.a", snx_double(0.1), NULL) ||
            !snx_traj_add_parameter(traj, "func_params.c", snx_double(14.0), NULL))
            return fail("adding the Roessler parameters");
    } else {
        return wrong("I don't know what %s is", name);
    }
    return 0;
}

/* The skeleton of everything stored, then every run's result on its own. */
static int check(snx_traj *traj, double last[ATTRACTOR_N_INITIAL][3])
{
    snx_load_opts skeleton = snx_load_defaults();
    skeleton.name = snx_traj_name(traj);
    skeleton.parameters = SNX_LOAD_SKELETON;
    skeleton.derived = SNX_LOAD_SKELETON;
    skeleton.results = SNX_LOAD_SKELETON;
    if (snx_traj_load(traj, &skeleton))
        return fail("loading the skeleton");
    if (strcmp(snx_traj_string(traj, "diff_name"), "diff_roessler") != 0 ||
        snx_traj_contains(traj, "func_params.sigma") || !snx_traj_contains(traj, "func_params.c"))
        return wrong("the preset did not make it a Roessler attractor");
    return attractor_check_runs(traj, attractor_named("diff_roessler"), last);
}

int main(int argc, char **argv)
{
    int done = basics_args(argc, argv, "ex06",
                           "pypet example 06, Parameter Presetting: presetting diff_name\n"
                           "switches add_parameters from the Lorenz to the Roessler attractor;\n"
                           "the runs' results are loaded back as a skeleton, then one by one.");
    if (done >= 0)
        return done;
    snx_env *env = snx_env_new(&(snx_env_opts){ .trajectory = "Example_06_Euler_Integration",
                                                .filename = FILE_NAME,
                                                .overwrite = true,
                                                .comment = "Go for Euler!" });
    if (!env)
        return fail("creating the environment");
    snx_traj *traj = snx_env_traj(env);
    /* Erase this line and the Lorenz attractor is integrated again. */
    int rc = snx_traj_preset_parameter(traj, "diff_name", snx_str("diff_roessler"))
                 ? fail("presetting")
                 : add_parameters(traj);
    if (!rc && snx_traj_check_presets(traj))
        rc = fail("a preset was not used");
    const attractor *sys = rc ? NULL : attractor_named(snx_traj_string(traj, "diff_name"));
    if (!rc && (!sys || attractor_prepare(traj, sys)))
        rc = sys ? 1 : wrong("no such system");
    if (!rc && snx_env_run(env, attractor_run, NULL))
        rc = fail("running");
    double last[ATTRACTOR_N_INITIAL][3];
    if (!rc)
        rc = attractor_returned(env, last) || check(traj, last);
    if (!rc)
        printf("%zu runs of the Roessler attractor, chosen by presetting\n",
               snx_traj_n_runs(traj));
    snx_env_free(env);
    return rc;
}
