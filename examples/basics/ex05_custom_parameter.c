/* pypet example 05, "Custom Parameter (Strange Attractor Inside)", in snex.
 *
 * The Lorenz attractor integrated by Euler's method, from three initial conditions:
 * an array-valued parameter, initial_conditions, explored over three arrays (three
 * runs). The equations are given to the engine as text (attractor.h: a group of one
 * with the state variables x, y, z and no threshold), and that text is kept as the
 * derived parameter diff_eq, where pypet needs a custom FunctionParameter to keep the
 * source code of its Python function. The attractor's constants sigma, beta and rho
 * sit in the group func_params, which carries an annotation; they reach the
 * equations as a namespace (pypet's f_to_dict(short_names=True) passed as keyword
 * arguments).
 *
 * The Environment runs the three runs and stores everything in
 * hdf5/example_05.hdf5. Then a fresh trajectory is loaded from the file: parameters
 * and derived parameters with their data, results as a skeleton only. Each run's
 * euler_evolution is loaded on its own, checked (against Euler's method in C, its
 * initial condition, the last state the run returned, the attractor's box) and
 * emptied again, as pypet does with results it pretends are huge. */
#include "attractor.h"

#include <stdio.h>
#include <string.h>

#define FILE_NAME "hdf5/example_05.hdf5"
#define TRAJ_NAME "Example_05_Euler_Integration"
#define LORENZ_INFO                                                                        \
    "This group contains as default the original values chosen by Edward Lorenz in 1963. " \
    "Check it out on wikipedia (https://en.wikipedia.org/wiki/Lorenz_attractor)!"

static int add_parameters(snx_traj *traj)
{
    if (attractor_add_parameters(traj))
        return 1;
    if (!snx_traj_add_parameter(traj, "func_params.sigma", snx_double(10.0), NULL) ||
        !snx_traj_add_parameter(traj, "func_params.beta", snx_double(8.0 / 3.0), NULL) ||
        !snx_traj_add_parameter(traj, "func_params.rho", snx_double(28.0), NULL) ||
        snx_node_annotate(snx_traj_get(traj, "parameters.func_params"), "info",
                          snx_str(LORENZ_INFO)))
        return fail("adding the Lorenz parameters");
    return 0;
}

static int run_experiment(double last[ATTRACTOR_N_INITIAL][3])
{
    snx_env *env = snx_env_new(&(snx_env_opts){ .trajectory = TRAJ_NAME,
                                                .filename = FILE_NAME,
                                                .overwrite = true,
                                                .comment = "Go for Euler!" });
    if (!env)
        return fail("creating the environment");
    snx_traj *traj = snx_env_traj(env);
    int rc = add_parameters(traj) || attractor_prepare(traj, attractor_named("diff_lorenz"));
    if (!rc && snx_env_run(env, attractor_run, NULL))
        rc = fail("running");
    if (!rc)
        rc = attractor_returned(env, last);
    snx_env_free(env); /* closes the file */
    return rc;
}

int main(int argc, char **argv)
{
    int done = basics_args(argc, argv, "ex05",
                           "pypet example 05, Custom Parameter: the Lorenz attractor by Euler's\n"
                           "method from three explored initial conditions (an array\n"
                           "parameter), the equations given to the engine and kept as a\n"
                           "derived parameter, each run's result loaded alone and emptied.");
    if (done >= 0)
        return done;
    double last[ATTRACTOR_N_INITIAL][3];
    if (run_experiment(last))
        return 1;

    /* pypet: load_parameters=2, load_derived_parameters=2, load_results=1. */
    snx_load_opts load = snx_load_defaults();
    load.name = TRAJ_NAME;
    load.parameters = SNX_LOAD_DATA;
    load.derived = SNX_LOAD_DATA;
    load.results = SNX_LOAD_SKELETON;
    snx_traj *traj = snx_hdf5_load(FILE_NAME, &load);
    if (!traj)
        return fail("loading");
    const snx_value *info = snx_node_annotation(snx_traj_get(traj, "func_params"), "info");
    int rc = !info || strcmp(snx_value_str(info), LORENZ_INFO) != 0
                 ? wrong("func_params lost its annotation")
                 : attractor_check_runs(traj, attractor_named("diff_lorenz"), last);
    if (!rc)
        printf("%zu runs of the Lorenz attractor, each as integrated\n", snx_traj_n_runs(traj));
    snx_traj_free(traj);
    return rc;
}
