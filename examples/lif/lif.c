/* pypet's tutorial neuron in snex: a leaky integrate-and-fire neuron integrated by
 * forward Euler, explored over input current I (101 values) x refractory period
 * tau_ref (3 values) = 303 runs, then post-processed into a firing-rate table.
 *
 *   dV/dt = -V/tau_V + I,  V >= 1 → spike, V clamped to 0 for tau_ref
 *
 * Times are in milliseconds, everything else is unitless, as in the tutorial.
 *
 * The experiment (the tutorial's main script): an Environment with two worker
 * processes runs run_neuron once per parameter combination, each run in a fresh
 * process. Each run stores its voltage trace and spike count under
 * results.neuron.run_XXXXXXXX (the `$` wildcard) and returns its firing rate; the
 * post-processing receives the rates in run order and adds
 * results.summary.firing_rates, a table (I, tau_ref, rate_hz). Everything goes to
 * hdf5/FiringRate.hdf5, the log to logs/FiringRate.log (both in the current
 * directory). By default parameters, exploration and post-processing are added step
 * by step; with --pipeline one pipeline function does it (pypet's example 13), with
 * the same functions. Interrupted (Ctrl-C, or killed), it finishes with SNX_RESUME=1:
 * only the runs not completed run again.
 *
 * The analysis (the tutorial's analysis script): the trajectory is loaded again
 * from the file, parameters only; auto-loading brings the firing-rate table and one
 * run's result when they are looked up. Every rate is checked against the analytic
 * LIF rate
 *   f = 1 / (tau_ref + tau_V ln(I tau_V / (I tau_V - 1)))   for I tau_V > 1
 * and run 13's stored trace must have duration/dt samples. The program exits
 * non-zero on any disagreement or error. */
#include "snex.h"

#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#define FILE_NAME "hdf5/FiringRate.hdf5"
#define SHOWN_RUN 13

static int fail(const char *what)
{
    fprintf(stderr, "lif: %s: %s\n", what, snx_errmsg());
    return 1;
}

static int wrong(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "lif: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    return 1;
}

/* ---- the experiment ------------------------------------------------------------ */

static int add_parameters(snx_traj *traj)
{
    if (!snx_traj_add_parameter(traj, "neuron.V_init", snx_double(0.0),
                                "The initial condition for the membrane potential") ||
        !snx_traj_add_parameter(traj, "neuron.I", snx_double(0.0),
                                "The externally applied current.") ||
        !snx_traj_add_parameter(traj, "neuron.tau_V", snx_double(10.0),
                                "The membrane time constant in milliseconds") ||
        !snx_traj_add_parameter(traj, "neuron.tau_ref", snx_double(5.0),
                                "The refractory period in milliseconds where the membrane "
                                "potential is clamped.") ||
        !snx_traj_add_parameter(traj, "simulation.duration", snx_double(1000.0),
                                "The duration of the experiment in milliseconds.") ||
        !snx_traj_add_parameter(traj, "simulation.dt", snx_double(0.1),
                                "The step size of an Euler integration step."))
        return snx_errcode();
    return 0;
}

static int add_exploration(snx_traj *traj)
{
    double currents[101];
    for (int k = 0; k <= 100; k++)
        currents[k] = k * 0.01;
    snx_ranges *r = snx_ranges_new();
    snx_ranges *product = NULL;
    int rc = !r || snx_ranges_add_doubles(r, "neuron.I", currents, 101) ||
             snx_ranges_add_doubles(r, "neuron.tau_ref", (double[]){ 5.0, 7.5, 10.0 }, 3);
    /* tau_ref is the outer loop, I changes fastest: run 1 is tau_ref=5, I=0.01. */
    if (!rc && !(product = snx_ranges_cartesian(r, (const char *[]){ "neuron.tau_ref",
                                                                      "neuron.I", NULL })))
        rc = 1;
    if (!rc)
        rc = snx_traj_explore(traj, product) != 0;
    snx_ranges_free(product);
    snx_ranges_free(r);
    return rc ? snx_errcode() : 0;
}

/* Time steps of a simulation; the analysis expects this many samples in a trace.
 * Rounded, because duration/dt is not exact in binary. */
static size_t n_steps(double duration, double dt)
{
    return (size_t)lround(duration / dt);
}

/* The firing rate in Hz of a run of `duration` ms (the analysis recomputes it from
 * a stored spike count). */
static double rate_hz(long nspikes, double duration)
{
    return (double)nspikes / duration * 1000.0;
}

/* One run: stores the trace and spike count, returns the firing rate in Hz. */
static int run_neuron(snx_traj *traj, void *user_data, snx_value *result)
{
    (void)user_data;
    double V_init = snx_traj_double(traj, "neuron.V_init");
    double I = snx_traj_double(traj, "neuron.I");
    double tau_V = snx_traj_double(traj, "neuron.tau_V");
    double tau_ref = snx_traj_double(traj, "neuron.tau_ref");
    double dt = snx_traj_double(traj, "simulation.dt");
    double duration = snx_traj_double(traj, "simulation.duration");
    if (snx_traj_status(traj))
        return snx_traj_status(traj);
    size_t steps = n_steps(duration, dt);
    double *V = calloc(steps, sizeof *V);
    if (!V)
        return snx_error(SNX_ENOMEM, "no memory for %zu voltage samples", steps);
    V[0] = V_init;
    long nspikes = 0;
    double last_spike = -INFINITY;
    for (size_t step = 1; step < steps; step++) {
        if (V[step - 1] >= 1) { /* threshold crossing detected on the previous value */
            V[step] = 0;
            last_spike = (double)(step - 1) * dt;
            nspikes++;
        } else if (nspikes && (double)step * dt - last_spike <= tau_ref) {
            V[step] = 0; /* refractory clamp */
        } else {
            V[step] = V[step - 1] + dt * (-V[step - 1] / tau_V + I);
        }
    }
    snx_node *res = snx_traj_add_result(traj, "neuron.$", snx_none(),
                                        "The membrane potential over time and the number of "
                                        "spikes.");
    int rc = !res || snx_result_set(res, "V", snx_double_array(steps, V)) ||
             snx_result_set(res, "nspikes", snx_int(nspikes));
    free(V);
    if (rc)
        return snx_errcode();
    *result = snx_double(rate_hz(nspikes, duration));
    return 0;
}

/* The firing rates the runs returned, as a table with one row per run: I, tau_ref,
 * rate_hz. */
static int neuron_postproc(snx_traj *traj, const snx_run_result *results, size_t n,
                           void *user_data)
{
    (void)user_data;
    snx_node *I = snx_traj_get(traj, "neuron.I"), *ref = snx_traj_get(traj, "neuron.tau_ref");
    if (!I || !ref)
        return snx_errcode();
    for (size_t k = 0; k < n; k++)
        if (results[k].status || results[k].value.type != SNX_T_DOUBLE)
            /* A run finished in an earlier session (resume) returned its rate to
             * that session only. */
            return snx_error(SNX_ESTATE, "run %ld returned no firing rate%s", results[k].idx,
                             results[k].earlier ? " (it completed in an earlier session)" : "");
    double *Is = malloc(n * sizeof *Is), *refs = malloc(n * sizeof *refs);
    double *rates = malloc(n * sizeof *rates);
    snx_table *table = snx_table_new(n);
    int rc = !Is || !refs || !rates || !table ? snx_error(SNX_ENOMEM, "firing-rate table") : 0;
    for (size_t k = 0; !rc && k < n; k++) {
        Is[k] = snx_value_double(snx_par_range_at(I, (size_t)results[k].idx));
        refs[k] = snx_value_double(snx_par_range_at(ref, (size_t)results[k].idx));
        rates[k] = snx_value_double(&results[k].value);
    }
    if (!rc)
        rc = snx_table_add_double(table, "I", Is) || snx_table_add_double(table, "tau_ref", refs) ||
             snx_table_add_double(table, "rate_hz", rates) ? snx_errcode() : 0;
    if (!rc)
        rc = snx_traj_add_result(traj, "summary.firing_rates", snx_table_value(table),
                                 "Firing rates (Hz) for every I and tau_ref.") ? 0 : snx_errcode();
    else
        snx_table_free(table);
    free(Is);
    free(refs);
    free(rates);
    return rc;
}

/* pypet's example 13: one function sets up the trajectory and names the run and
 * post-processing functions. */
static int neuron_pipeline(snx_traj *traj, void *user_data, snx_pipeline *out)
{
    (void)user_data;
    int rc = 0;
    if (!snx_traj_is_stored(traj)) /* not when resuming: the file has them */
        rc = add_parameters(traj) || add_exploration(traj);
    out->run = run_neuron;
    out->postproc = neuron_postproc;
    return rc;
}

static int run_experiment(int pipeline)
{
    snx_env *env = snx_env_new(&(snx_env_opts){
        .trajectory = "FiringRate",
        .comment = "Experiment to measure the firing rate of a leaky integrate and fire "
                   "neuron. Exploring different input currents, as well as refractory "
                   "periods",
        .filename = FILE_NAME,
        .overwrite = 1,
        .n_workers = 2 });
    if (!env)
        return fail("creating the environment");
    snx_traj *traj = snx_env_traj(env);
    int rc;
    if (pipeline)
        rc = snx_env_pipeline(env, neuron_pipeline, NULL);
    else
        rc = (!snx_env_resuming(env) && (add_parameters(traj) || add_exploration(traj))) ||
             snx_env_add_postproc(env, neuron_postproc, NULL) ||
             snx_env_run(env, run_neuron, NULL);
    if (rc)
        rc = fail("the experiment");
    else
        printf("%zu runs of the tutorial LIF neuron (Euler, dt = 0.1 ms, 1 s each)%s\n"
               "stored in %s, log in %s\n\n", snx_traj_n_runs(traj),
               pipeline ? ", as a pipeline" : "", snx_env_filename(env), snx_env_log_path(env));
    snx_env_free(env); /* closes the file */
    return rc;
}

/* ---- the analysis ------------------------------------------------------------- */

static double analytic_rate(double I, double tau_V, double tau_ref)
{
    if (I * tau_V <= 1)
        return 0;
    return 1000.0 / (tau_ref + tau_V * log(I * tau_V / (I * tau_V - 1)));
}

/* A double column of the table, or NULL. */
static const double *column(const snx_table *t, const char *name)
{
    long c = snx_table_find(t, name);
    if (c < 0 || snx_table_col_type(t, (size_t)c) != SNX_COL_DOUBLE)
        return NULL;
    return snx_table_col_data(t, (size_t)c);
}

/* The columns of results.summary.firing_rates, one row per run (they stay owned by
 * the trajectory). */
typedef struct rate_table {
    size_t n;
    const double *I, *tau_ref, *rate_hz;
} rate_table;

static int read_rate_table(snx_traj *traj, rate_table *out)
{
    snx_node *summary = snx_traj_get(traj, "results.summary.firing_rates");
    const snx_value *v = summary ? snx_result_get(summary, "firing_rates") : NULL;
    if (!v)
        return fail("reading results.summary.firing_rates");
    out->n = snx_traj_n_runs(traj);
    const snx_table *tab = v->type == SNX_T_TABLE ? snx_value_table(v) : NULL;
    if (!tab || snx_table_rows(tab) != out->n || !(out->I = column(tab, "I")) ||
        !(out->tau_ref = column(tab, "tau_ref")) || !(out->rate_hz = column(tab, "rate_hz")))
        return wrong("firing_rates should be a table of %zu rows with double columns I, "
                     "tau_ref and rate_hz", out->n);
    return 0;
}

/* Every rate of the table against the analytic rate; prints a few rows. */
static int check_rates(snx_traj *traj, const rate_table *t)
{
    double tau_V = snx_traj_double(traj, "neuron.tau_V");
    if (snx_traj_status(traj))
        return wrong("reading tau_V: %s", snx_traj_status_msg(traj));
    printf("      I   tau_ref   rate [Hz]   analytic [Hz]\n");
    int bad = 0;
    for (size_t k = 0; k < t->n; k++) {
        double expected = analytic_rate(t->I[k], tau_V, t->tau_ref[k]);
        /* A spike costs up to two extra steps on the time grid (detection one step
         * late, clamp rounding), and Euler's error is O(dt): allow 5% + 2 Hz. */
        if (fabs(t->rate_hz[k] - expected) > 0.05 * expected + 2.0)
            bad++;
        if (k % 25 == 0 || k == t->n - 1)
            printf("  %5.2f   %7.1f   %9.1f   %13.1f\n", t->I[k], t->tau_ref[k], t->rate_hz[k],
                   expected);
    }
    if (bad)
        return wrong("FAILED: %d runs disagree with the analytic rate", bad);
    return 0;
}

/* One run's own result: a full voltage trace, and a spike count that gives the rate
 * the table holds for it. */
static int check_run(snx_traj *traj, const rate_table *t, long idx)
{
    if (snx_traj_set_run(traj, idx))
        return fail("setting the run");
    double I = snx_traj_double(traj, "neuron.I"), tau_ref = snx_traj_double(traj, "neuron.tau_ref");
    double duration = snx_traj_double(traj, "simulation.duration");
    double dt = snx_traj_double(traj, "simulation.dt");
    /* crun is this run's name: results.neuron.run_00000013. */
    snx_node *res = snx_traj_get(traj, "results.neuron.crun");
    const snx_value *V = res ? snx_result_get(res, "V") : NULL;
    const snx_value *nspikes = res ? snx_result_get(res, "nspikes") : NULL;
    snx_traj_restore_default(traj);
    if (snx_traj_status(traj) || !V || !nspikes)
        return wrong("reading run %ld: %s", idx,
                     snx_traj_status(traj) ? snx_traj_status_msg(traj) : snx_errmsg());
    if (V->type != SNX_T_DOUBLE_ARRAY || nspikes->type != SNX_T_INT)
        return wrong("run %ld: V should be a double array and nspikes an int", idx);
    size_t n_samples;
    snx_value_doubles(V, &n_samples);
    printf("\nrun %ld (I = %.2f, tau_ref = %.1f): %lld spikes, V has %zu samples\n", idx, I,
           tau_ref, (long long)snx_value_int(nspikes), n_samples);
    if (n_samples != n_steps(duration, dt))
        return wrong("run %ld's trace has %zu samples, not duration/dt = %zu", idx,
                     n_samples, n_steps(duration, dt));
    if (rate_hz((long)snx_value_int(nspikes), duration) != t->rate_hz[idx])
        return wrong("run %ld's spike count does not give the rate in the table", idx);
    return 0;
}

static int analyse(void)
{
    /* Parameters with their data, results not at all: auto-loading fetches what is
     * looked up. */
    snx_load_opts load = snx_load_defaults();
    load.name = "FiringRate";
    load.parameters = SNX_LOAD_DATA;
    load.results = SNX_LOAD_NOTHING;
    snx_traj *traj = snx_hdf5_load(FILE_NAME, &load);
    if (!traj)
        return fail("loading " FILE_NAME);
    snx_traj_set_auto_load(traj, 1);
    rate_table table = { 0 };
    int rc = read_rate_table(traj, &table);
    if (!rc)
        rc = check_rates(traj, &table);
    if (!rc)
        rc = check_run(traj, &table, SHOWN_RUN);
    snx_traj_free(traj);
    return rc;
}

int main(int argc, char **argv)
{
    static const struct option options[] = { { "pipeline", no_argument, NULL, 'p' },
                                              { NULL, 0, NULL, 0 } };
    int pipeline = 0, c;
    while ((c = getopt_long(argc, argv, "p", options, NULL)) != -1) {
        if (c != 'p') {
            fprintf(stderr, "usage: %s [--pipeline]\n", argv[0]);
            return 2;
        }
        pipeline = 1;
    }
    if (optind < argc) {
        fprintf(stderr, "usage: %s [--pipeline]\n", argv[0]);
        return 2;
    }
    if (run_experiment(pipeline) || analyse())
        return 1;
    return 0;
}
