/* A strange attractor integrated by Euler's method, with the equations given to the
 * engine: what pypet's examples 05 (Lorenz) and 06 (Roessler, chosen by presetting)
 * share, as 06 imports it from 05 in pypet.
 *
 * The system is a group of one "neuron" with three state variables x, y, z and no
 * threshold, integrated by the engine's forward Euler. pypet's time is unitless; the
 * engine's is in seconds, so the equations divide by `second`: one unit of the
 * attractor's time is one second of simulated time, and dt = 0.01 is 10 ms.
 *
 * pypet keeps the source code of the differential equation as a derived parameter
 * (a custom FunctionParameter, example 05's point). Here the equations are text
 * anyway: the derived parameter diff_eq holds them, and each run gives the engine
 * what diff_eq says, so the file records exactly what was integrated.
 *
 * Runs store results.runs.run_XXXXXXXX.euler_evolution, item `data`: a steps x 3
 * array whose row 0 is the initial condition and row k the state after k steps
 * (pypet's result_array); a run returns its last row. After loading, every run is
 * checked against Euler's method written out in C (the first REFERENCE_STEPS steps,
 * before chaos amplifies the last bits), against the initial condition it was given,
 * against what it returned (bit for bit), and against the attractor's known box. */
#ifndef BASICS_ATTRACTOR_H
#define BASICS_ATTRACTOR_H

#include "basics.h"

#include <math.h>
#include <stdlib.h>

#define ATTRACTOR_REFERENCE_STEPS 200

/* One system: its equations, the same derivative in C, and where its attractor lies
 * (every component of the second half of a run within [-box, box]). */
typedef struct attractor {
    const char *name;      /* diff_name, as pypet's: "diff_lorenz", "diff_roessler" */
    const char *equations; /* for the engine */
    void (*derivative)(const double v[3], snx_traj *traj, double out[3]);
    double box;
} attractor;

static inline void lorenz(const double v[3], snx_traj *traj, double out[3])
{
    double sigma = snx_traj_double(traj, "func_params.sigma");
    double beta = snx_traj_double(traj, "func_params.beta");
    double rho = snx_traj_double(traj, "func_params.rho");
    out[0] = sigma * (v[1] - v[0]);
    out[1] = v[0] * (rho - v[2]) - v[1];
    out[2] = v[0] * v[1] - beta * v[2];
}

static inline void roessler(const double v[3], snx_traj *traj, double out[3])
{
    double a = snx_traj_double(traj, "func_params.a"), c = snx_traj_double(traj, "func_params.c");
    out[0] = -v[1] - v[2];
    out[1] = v[0] + a * v[1];
    out[2] = a + v[2] * (v[0] - c);
}

/* The system pypet calls diff_name, or NULL. */
static inline const attractor *attractor_named(const char *diff_name)
{
    static const attractor systems[] = {
        { "diff_lorenz",
          "dx/dt = sigma*(y - x)/second : 1\n"
          "dy/dt = (x*(rho - z) - y)/second : 1\n"
          "dz/dt = (x*y - beta*z)/second : 1",
          lorenz, 60 },
        { "diff_roessler",
          "dx/dt = (-y - z)/second : 1\n"
          "dy/dt = (x + a*y)/second : 1\n"
          "dz/dt = (a + z*(x - c))/second : 1",
          roessler, 60 },
    };
    for (size_t k = 0; k < sizeof systems / sizeof *systems; k++)
        if (strcmp(systems[k].name, diff_name) == 0)
            return &systems[k];
    return NULL;
}

#define ATTRACTOR_N_INITIAL 3
static const double attractor_initial[ATTRACTOR_N_INITIAL][3] = {
    { 0.01, 0.01, 0.01 }, { 2.02, 0.02, 0.02 }, { 42.0, 4.2, 0.42 } };

/* pypet's parameters every system has; func_params come from the example. */
static inline int attractor_add_parameters(snx_traj *traj)
{
    if (!snx_traj_add_parameter(traj, "steps", snx_int(10000),
                                "Number of time steps to simulate") ||
        !snx_traj_add_parameter(traj, "dt", snx_double(0.01), "Step size") ||
        !snx_traj_add_parameter(traj, "initial_conditions",
                                snx_double_array(3, (double[]){ 0, 0, 0 }),
                                "Our initial conditions, as default we will start from "
                                "origin!"))
        return fail("adding parameters");
    return 0;
}

/* The equations as a derived parameter, and three initial conditions explored. */
static inline int attractor_prepare(snx_traj *traj, const attractor *sys)
{
    if (!snx_traj_add_derived(traj, "diff_eq", snx_str(sys->equations),
                              "Source code of our equation!"))
        return fail("adding the equations");
    snx_value ics[ATTRACTOR_N_INITIAL];
    for (int k = 0; k < ATTRACTOR_N_INITIAL; k++)
        ics[k] = snx_double_array(3, attractor_initial[k]);
    snx_ranges *r = snx_ranges_new();
    int rc = !r || snx_ranges_add(r, "initial_conditions", ics, ATTRACTOR_N_INITIAL) ||
             snx_traj_explore(traj, r);
    snx_ranges_free(r);
    return rc ? fail("exploring the initial conditions") : 0;
}

/* The engine's run of the system from the run's initial condition: the trajectory
 * of the three variables, one sample per step. */
static inline snx_monitor *attractor_simulate(snx_traj *traj, snx_net **net, size_t *n_steps)
{
    int64_t steps = snx_traj_int(traj, "steps");
    double dt = snx_traj_double(traj, "dt");
    const char *equations = snx_traj_string(traj, "diff_eq");
    size_t n = 0;
    const double *ic = snx_value_doubles(snx_traj_value(traj, "initial_conditions"), &n);
    if (snx_traj_status(traj) || !ic || n != 3 || steps < 2) {
        snx_error(SNX_EINVAL, "steps, dt, diff_eq or initial_conditions: %s",
                  snx_traj_status_msg(traj));
        return NULL;
    }
    snx_namespace *ns = snx_namespace_new();
    /* pypet passes func_params as keyword arguments; here they become the names the
     * equations use. */
    if (!ns || snx_namespace_add_params(ns, traj, "func_params") < 0 ||
        !(*net = snx_net_new(&(snx_net_opts){ .dt = dt, .ns = ns }))) {
        snx_namespace_free(ns);
        return NULL;
    }
    snx_namespace_free(ns);
    snx_group *g = snx_group_new(*net, "system", 1, equations,
                                 &(snx_group_opts){ .method = "euler" });
    snx_monitor *m = g ? snx_monitor_state(*net, "evolution", g, "x, y, z", NULL) : NULL;
    if (!m || snx_group_set(g, "x", ic[0]) || snx_group_set(g, "y", ic[1]) ||
        snx_group_set(g, "z", ic[2]) || snx_net_run(*net, (double)(steps - 1) * dt))
        return NULL;
    *n_steps = (size_t)steps;
    return m;
}

/* pypet's euler_scheme: one run, with its initial condition; returns the last state. */
static inline int attractor_run(snx_traj *traj, void *user_data, snx_value *result)
{
    (void)user_data;
    snx_net *net = NULL;
    size_t steps = 0;
    snx_monitor *m = attractor_simulate(traj, &net, &steps);
    double *data = m ? snx_malloc(steps * 3 * sizeof *data) : NULL;
    int rc = data ? 0 : snx_errcode();
    if (!rc && snx_monitor_n_samples(m) != steps - 1)
        rc = snx_error(SNX_ESTATE, "%zu samples for %zu steps", snx_monitor_n_samples(m),
                       steps - 1);
    const double *x = snx_monitor_values(m, "x"), *y = snx_monitor_values(m, "y"),
                 *z = snx_monitor_values(m, "z");
    const double *ic = snx_value_doubles(snx_traj_value(traj, "initial_conditions"), NULL);
    for (size_t k = 0; !rc && k < steps; k++) {
        data[3 * k] = k ? x[k - 1] : ic[0];
        data[3 * k + 1] = k ? y[k - 1] : ic[1];
        data[3 * k + 2] = k ? z[k - 1] : ic[2];
    }
    snx_node *res = NULL;
    if (!rc && (!(res = snx_traj_add_result(traj, "euler_evolution", snx_none(),
                                            "Our time series data!")) ||
                snx_result_set(res, "data", snx_double_array_nd(2, (size_t[]){ steps, 3 },
                                                                data))))
        rc = snx_errcode();
    if (!rc)
        *result = snx_double_array(3, data + 3 * (steps - 1));
    free(data);
    snx_net_free(net);
    return rc;
}

/* Run idx's stored evolution against Euler's method in C, its initial condition, its
 * returned last state and the attractor's box. */
static inline int attractor_check_run(snx_traj *traj, const attractor *sys, long idx,
                                      const double *data, size_t steps, const double *last)
{
    const double *ic = attractor_initial[idx];
    double dt = snx_traj_double(traj, "dt"), v[3] = { ic[0], ic[1], ic[2] }, d[3];
    for (size_t k = 0; k < ATTRACTOR_REFERENCE_STEPS && k < steps; k++) {
        for (int c = 0; c < 3; c++)
            if (fabs(data[3 * k + c] - v[c]) > 1e-9 * (1 + fabs(v[c])))
                return wrong("run %ld, step %zu: %c = %.17g, Euler in C gives %.17g", idx, k,
                             "xyz"[c], data[3 * k + c], v[c]);
        sys->derivative(v, traj, d);
        for (int c = 0; c < 3; c++)
            v[c] += dt * d[c];
    }
    for (size_t k = steps / 2; k < steps; k++)
        for (int c = 0; c < 3; c++)
            if (!(fabs(data[3 * k + c]) <= sys->box))
                return wrong("run %ld, step %zu: %c = %g is off the attractor", idx, k,
                             "xyz"[c], data[3 * k + c]);
    for (int c = 0; c < 3; c++)
        if (data[3 * (steps - 1) + c] != last[c])
            return wrong("run %ld: stored last state differs from the one it returned", idx);
    return 0;
}

/* What the runs returned, kept for the check after the environment is gone: 0, or
 * 1 with a message when a run returned no state. */
static inline int attractor_returned(const snx_env *env, double last[ATTRACTOR_N_INITIAL][3])
{
    size_t n = 0;
    const snx_run_result *res = snx_env_results(env, &n);
    for (size_t k = 0; k < ATTRACTOR_N_INITIAL; k++) {
        size_t len = 0;
        const double *v = k < n ? snx_value_doubles(&res[k].value, &len) : NULL;
        if (!v || len != 3)
            return wrong("run %zu returned no state", k);
        memcpy(last[k], v, sizeof last[k]);
    }
    return 0;
}

/* Every run's euler_evolution, loaded alone (the results are a skeleton), checked,
 * and emptied again to free the memory, as pypet's example does ("we assume it's
 * huuuuuuge"). last[idx] is what run idx returned. */
static inline int attractor_check_runs(snx_traj *traj, const attractor *sys,
                                       double last[ATTRACTOR_N_INITIAL][3])
{
    if (snx_traj_n_runs(traj) != ATTRACTOR_N_INITIAL)
        return wrong("%zu runs, not %d", snx_traj_n_runs(traj), ATTRACTOR_N_INITIAL);
    snx_node *ics = snx_traj_get(traj, "initial_conditions");
    for (size_t k = 0; k < ATTRACTOR_N_INITIAL; k++) {
        const double *v = ics ? snx_value_doubles(snx_par_range_at(ics, k), NULL) : NULL;
        if (!v || memcmp(v, attractor_initial[k], sizeof attractor_initial[k]) != 0)
            return wrong("initial condition %zu did not come back", k);
    }
    const char *equations = snx_traj_string(traj, "diff_eq");
    if (!equations || strcmp(equations, sys->equations) != 0)
        return wrong("diff_eq came back as \"%s\"", equations ? equations : "(none)");
    for (long idx = 0; idx < ATTRACTOR_N_INITIAL; idx++) {
        char name[96];
        snprintf(name, sizeof name, "results.runs.run_%08ld.euler_evolution", idx);
        snx_node *res = snx_traj_get(traj, name);
        if (!res || !snx_result_is_empty(res))
            return wrong("%s should be an empty skeleton", name);
        if (snx_traj_load_node(traj, res, &(snx_item_opts){ .level = SNX_LOAD_DATA }))
            return fail(name);
        const snx_value *data = snx_result_get(res, "data");
        int ndim = 0;
        const size_t *shape = snx_value_shape(data, &ndim);
        const double *rows = snx_value_doubles(data, NULL);
        const double *ret = last[idx];
        if (!rows || ndim != 2 || shape[1] != 3)
            return wrong("%s.data should be a steps x 3 array", name);
        if (attractor_check_run(traj, sys, idx, rows, shape[0], ret))
            return 1;
        printf("run %ld from (%g, %g, %g): after %zu steps at (%.3f, %.3f, %.3f)\n", idx,
               rows[0], rows[1], rows[2], shape[0] - 1, ret[0], ret[1], ret[2]);
        snx_result_empty(res);
    }
    return snx_traj_status(traj) ? wrong("%s", snx_traj_status_msg(traj)) : 0;
}

#endif
