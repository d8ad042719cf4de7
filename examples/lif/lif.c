/* pypet's tutorial in snex (main.py and pipeline.py): a leaky integrate-and-fire
 * neuron, explored over its input current I (0, 0.01, ..., 1: 101 values) and its
 * refractory period tau_ref (5, 7.5, 10 ms), I changing fastest: 303 runs; then a
 * post-processing step gathers the firing rates into a 101 x 3 frame.
 *
 *   dV/dt = -V/tau_V + I,  V >= 1 -> spike, V clamped to 0 for tau_ref
 *
 * As in the tutorial, everything is unitless but time, which is in milliseconds: the
 * time constants tau_V and tau_ref and the simulation's duration and dt are quantities
 * in ms, and I is a rate per millisecond (the equation says I/ms).
 *
 * The neuron is run by the engine: its equation, threshold, reset and refractory
 * period are strings (LIF_* below), with the run's parameters as the namespace. One
 * run is one parameter combination, as in pypet: each run builds a network of one
 * neuron and simulates it. (All 101 currents could be one group of 101 neurons in a
 * single network, one run per tau_ref; that is faster, but then a run is no longer a
 * point of the explored space: the trajectory's 303 runs, their results under
 * results.neuron.run_XXXXXXXX, run 13's trace and resume of single runs would all
 * lose their meaning.)
 *
 * The refractory rule. The tutorial's own loop detects the crossing on the previous
 * value: sample m shows V >= 1, samples m+1 .. m+k are clamped to 0 (k = tau_ref/dt),
 * and integration starts again in sample m+k+1. The engine, as Brian, resets in the
 * step that crossed and holds V for k steps counted from it (include/snex/sim.h):
 * the step that crosses is also the first of the k. So per spike the engine's neuron
 * is dead for tau_ref, the tutorial's for tau_ref + dt: its period is one step longer
 * (and, as it compares times in floating point, now and then one step shorter again).
 * The engine's counts differ from the tutorial's in 214 of the 303 runs (by up to 3
 * spikes, 3 Hz), so the check below is against rules, not against the tutorial's
 * numbers: every spike count must be exactly that of the engine's rule written out in
 * plain C; the tutorial's rule must agree with the engine's rule given one more step
 * of dead time to within one spike (it does in 297 runs exactly; the other six are
 * its floating-point clamp and one crossing that falls otherwise in ms than in SI);
 * and every rate must lie within what the time grid allows of the analytic rate
 * (the engine's lie at most 3.3 Hz from it, the tutorial's rule's 2.1 Hz).
 *
 * The experiment: an Environment with two worker processes runs run_neuron once per
 * combination. Each run stores a state monitor of V and its spike count as
 * results.neuron.run_XXXXXXXX (the `$` wildcard) and returns its rate; the
 * post-processing receives the rates in run order and adds
 * results.summary.firing_rates. Everything goes to hdf5/FiringRate.hdf5, the log to
 * logs/. With --pipeline one function adds parameters and exploration and names the
 * run and post-processing functions (pipeline.py; trajectory FiringRatePipeline).
 * Interrupted (Ctrl-C, or killed), the sweep finishes with SNX_RESUME=1: only the
 * runs not completed run again.
 *
 * Then the program loads what it stored (parameters, and the frame and run 13 by
 * auto-loading) and checks it: the frame's shape and labels; rates that rise with I,
 * fall with tau_ref and are zero at and below the rheobase (I tau_V <= 1); every rate
 * against the engine's rule and the analytic rate; run 13's trace. It exits
 * non-zero on any disagreement. plot_analysis is the tutorial's analysis script. */
#include "firing_rates.h"

#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#define PROG "lif"

/* The neuron, in the engine's language; names come from parameters.neuron. */
#define LIF_EQUATIONS "dV/dt = -V/tau_V + I/ms : 1 (unless refractory)"
#define LIF_THRESHOLD "V >= 1"
#define LIF_RESET "V = 0"
#define LIF_REFRACTORY "tau_ref"

static int fail(const char *what)
{
    fprintf(stderr, PROG ": %s: %s\n", what, snx_errmsg());
    return 1;
}

static int wrong(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, PROG ": ");
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
        !snx_traj_add_parameter(traj, "neuron.tau_V", snx_quantity(10.0, "ms"),
                                "The membrane time constant in milliseconds") ||
        !snx_traj_add_parameter(traj, "neuron.tau_ref", snx_quantity(5.0, "ms"),
                                "The refractory period in milliseconds where the membrane "
                                "potential is clamped.") ||
        !snx_traj_add_parameter(traj, "simulation.duration", snx_quantity(1000.0, "ms"),
                                "The duration of the experiment in milliseconds.") ||
        !snx_traj_add_parameter(traj, "simulation.dt", snx_quantity(0.1, "ms"),
                                "The step size of an Euler integration step."))
        return snx_errcode();
    return 0;
}

static int add_exploration(snx_traj *traj)
{
    double currents[101]; /* numpy's arange(0, 1.01, 0.01): k * 0.01 */
    for (int k = 0; k <= 100; k++)
        currents[k] = k * 0.01;
    snx_ranges *r = snx_ranges_new();
    snx_ranges *product = NULL;
    int rc = !r || snx_ranges_add_doubles(r, "neuron.I", currents, 101) ||
             snx_ranges_add_quantities(r, "neuron.tau_ref", (double[]){ 5.0, 7.5, 10.0 }, 3,
                                       "ms");
    /* tau_ref is the outer loop, I changes fastest: run 1 is tau_ref=5 ms, I=0.01. */
    if (!rc && !(product = snx_ranges_cartesian(r, (const char *[]){ "neuron.tau_ref",
                                                                      "neuron.I", NULL })))
        rc = 1;
    if (!rc)
        rc = snx_traj_explore(traj, product) != 0;
    snx_ranges_free(product);
    snx_ranges_free(r);
    return rc ? snx_errcode() : 0;
}

/* The one-neuron network of a run, its monitors, and the simulation. */
typedef struct neuron_sim {
    snx_net *net;
    snx_monitor *trace, *count;
} neuron_sim;

static int simulate(snx_traj *traj, neuron_sim *s)
{
    snx_namespace *ns = snx_namespace_new();
    if (!ns)
        return SNX_ENOMEM;
    /* V_init, I, tau_V, tau_ref: this run's values, quantities in SI. */
    long rc = snx_namespace_add_params(ns, traj, "parameters.neuron");
    double dt = snx_traj_double(traj, "simulation.dt");
    double duration = snx_traj_double(traj, "simulation.duration");
    if (rc >= 0 && snx_traj_status(traj))
        rc = snx_traj_status(traj);
    if (rc >= 0)
        s->net = snx_net_new(&(snx_net_opts){ .dt = dt, .ns = ns, .seed = snx_env_run_seed(traj) });
    snx_namespace_free(ns);
    if (rc < 0 || !s->net)
        return rc < 0 ? (int)rc : snx_errcode();
    snx_group *g = snx_group_new(s->net, "neuron", 1, LIF_EQUATIONS,
                                 &(snx_group_opts){ .threshold = LIF_THRESHOLD,
                                                    .reset = LIF_RESET,
                                                    .refractory = LIF_REFRACTORY,
                                                    /* the tutorial's rule is Euler's */
                                                    .method = "euler" });
    if (!g || snx_group_init(g, "V", "V_init") ||
        !(s->trace = snx_monitor_state(s->net, "V", g, "V", NULL)) ||
        !(s->count = snx_monitor_counts(s->net, "nspikes", g)))
        return snx_errcode();
    return snx_net_run(s->net, duration);
}

/* One run: stores the trace and spike count, returns the firing rate in Hz. */
static int run_neuron(snx_traj *traj, void *user_data, snx_value *result)
{
    (void)user_data;
    neuron_sim s = { 0 };
    int rc = simulate(traj, &s);
    size_t n = 0;
    const int64_t *count = rc ? NULL : snx_monitor_counts_of(s.count, &n);
    snx_node *res = NULL;
    if (!rc && !(res = snx_traj_add_monitor(traj, "neuron.$", s.trace,
                                            "Contains the development of the membrane "
                                            "potential over time as well as the number of "
                                            "spikes.")))
        rc = snx_errcode();
    if (!rc)
        rc = snx_result_set(res, "nspikes", snx_int(count[0]));
    double duration = snx_traj_double(traj, "simulation.duration");
    if (!rc)
        *result = snx_double((double)count[0] / duration);
    snx_net_free(s.net);
    return rc;
}

/* The distinct values of an explored double parameter, ascending, in *out (the
 * caller frees); their number, or -1 when out of memory. */
static long distinct_values(snx_node *par, double **out)
{
    size_t n = snx_par_range_length(par);
    double *v = snx_malloc((n ? n : 1) * sizeof *v);
    if (!(*out = v))
        return -1;
    long m = 0;
    for (size_t k = 0; k < n; k++) {
        double x = snx_value_double(snx_par_range_at(par, k));
        long at = 0;
        while (at < m && v[at] < x)
            at++;
        if (at < m && v[at] == x)
            continue;
        for (long j = m; j > at; j--)
            v[j] = v[j - 1];
        v[at] = x;
        m++;
    }
    return m;
}

static size_t index_of(const double *v, size_t n, double x)
{
    size_t k = 0;
    while (k < n && v[k] != x)
        k++;
    return k;
}

/* A double array value of n elements with a display unit (NULL: none). */
static snx_value array_value(int ndim, const size_t *shape, const double *data, const char *unit)
{
    snx_value v = snx_double_array_nd(ndim, shape, data);
    if (v.type == SNX_T_DOUBLE_ARRAY && unit && !(v.unit = snx_strdup(unit))) {
        snx_value_clear(&v);
        v.type = SNX_T_ERROR;
    }
    return v;
}

/* The tutorial's neuron_postproc: the rates the runs returned, placed by each run's
 * I (row) and tau_ref (column), whatever order the runs came in; a run without a
 * rate leaves NaN, as a DataFrame cell never filled. */
static int neuron_postproc(snx_traj *traj, const snx_run_result *results, size_t n,
                           void *user_data)
{
    (void)user_data;
    snx_node *I = snx_traj_get(traj, "neuron.I"), *ref = snx_traj_get(traj, "neuron.tau_ref");
    if (!I || !ref)
        return snx_errcode();
    double *Is = NULL, *refs = NULL, *frame = NULL;
    long n_I = distinct_values(I, &Is), n_ref = distinct_values(ref, &refs);
    if (n_I >= 0 && n_ref >= 0)
        frame = snx_malloc((size_t)(n_I * n_ref) * sizeof *frame);
    int rc = frame ? 0 : SNX_ENOMEM;
    for (long k = 0; !rc && k < n_I * n_ref; k++)
        frame[k] = NAN;
    for (size_t k = 0; !rc && k < n; k++) {
        if (results[k].status || results[k].value.type != SNX_T_DOUBLE)
            continue;
        size_t idx = (size_t)results[k].idx;
        size_t row = index_of(Is, (size_t)n_I, snx_value_double(snx_par_range_at(I, idx)));
        size_t col = index_of(refs, (size_t)n_ref, snx_value_double(snx_par_range_at(ref, idx)));
        if (row < (size_t)n_I && col < (size_t)n_ref) /* always: the labels are the ranges' */
            frame[row * (size_t)n_ref + col] = snx_value_double(&results[k].value);
    }
    snx_node *res = NULL;
    if (!rc) {
        const size_t shape[2] = { (size_t)n_I, (size_t)n_ref };
        res = snx_traj_add_result(traj, "summary.firing_rates",
                                  snx_none(), "The firing rates in Hz: a frame of one row "
                                  "per current I and one column per refractory period "
                                  "tau_ref, labelled by the items I and tau_ref.");
        rc = !res || snx_result_set(res, "rates_frame", array_value(2, shape, frame, "Hz")) ||
                     snx_result_set(res, "I", array_value(1, shape, Is, NULL)) ||
                     snx_result_set(res, "tau_ref", array_value(1, shape + 1, refs, "ms"))
                 ? snx_errcode() : 0;
    }
    free(Is);
    free(refs);
    free(frame);
    return rc;
}

/* pipeline.py: one function sets up the trajectory and names the run and
 * post-processing functions. */
static int neuron_pipeline(snx_traj *traj, void *user_data, snx_pipeline *out)
{
    (void)user_data;
    int rc = 0;
    if (!snx_traj_is_stored(traj)) /* not when resuming: the file has them */
        rc = add_parameters(traj) || add_exploration(traj) ? snx_errcode() : 0;
    out->run = run_neuron;
    out->postproc = neuron_postproc;
    return rc;
}

static int run_experiment(bool pipeline)
{
    snx_env *env = snx_env_new(&(snx_env_opts){
        .trajectory = pipeline ? LIF_TRAJ_PIPELINE : LIF_TRAJ,
        .comment = "Experiment to measure the firing rate of a leaky integrate and fire "
                   "neuron. Exploring different input currents, as well as refractory "
                   "periods",
        .filename = LIF_FILE,
        .overwrite = true,
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
        printf("%zu runs of the tutorial's LIF neuron, each a one-neuron network run by the "
               "engine%s\nstored in %s, log in %s\n\n", snx_traj_n_runs(traj),
               pipeline ? " (as a pipeline)" : "", snx_env_filename(env),
               snx_env_log_path(env));
    snx_env_free(env); /* closes the file */
    return rc;
}

/* ---- the check ----------------------------------------------------------------- */

/* The parameters every run shares, in SI, and the number of steps. */
typedef struct lif_params {
    double V_init, tau_V, dt, duration;
    size_t steps;
} lif_params;

static int read_params(snx_traj *traj, lif_params *p)
{
    p->V_init = snx_traj_double(traj, "neuron.V_init");
    p->tau_V = snx_traj_double(traj, "neuron.tau_V");
    p->dt = snx_traj_double(traj, "simulation.dt");
    p->duration = snx_traj_double(traj, "simulation.duration");
    p->steps = (size_t)lround(p->duration / p->dt);
    return snx_traj_status(traj) ? wrong("%s", snx_traj_status_msg(traj)) : 0;
}

/* The engine's rule (include/snex/sim.h) written out for one neuron, in SI as the
 * engine computes: every step integrates V by Euler unless V is held; V >= 1 after the
 * step is a spike, V = 0, and V is held for k = round(tau_ref/dt) steps counted from
 * that step -- plus `extra` steps, to hold it against the tutorial's rule. */
static long engine_rule_spikes(const lif_params *p, double I, double tau_ref, long extra)
{
    long k = lround(tau_ref / p->dt), spikes = 0, held = 0;
    double V = p->V_init;
    for (size_t step = 0; step < p->steps; step++) {
        if (held > 0) {
            held--;
            continue;
        }
        V = V + p->dt * (-V / p->tau_V + I / 1e-3);
        if (V >= 1) {
            spikes++;
            V = 0;
            held = k - 1 + extra;
        }
    }
    return spikes;
}

/* The tutorial's own loop (run_neuron of main.py), in its units (ms), comparisons and
 * all. */
static long tutorial_rule_spikes(const lif_params *p, double I, double tau_ref)
{
    double dt = p->dt * 1e3, tau_V = p->tau_V * 1e3, ref = tau_ref * 1e3;
    double V = p->V_init, last_spike = 0;
    long spikes = 0;
    for (size_t step = 1; step < p->steps; step++) {
        if (V >= 1) {
            V = 0;
            last_spike = (double)(step - 1) * dt;
            spikes++;
        } else if (spikes && (double)step * dt - last_spike <= ref) {
            V = 0;
        } else {
            V = V + (-1 / tau_V * V + I) * dt;
        }
    }
    return spikes;
}

/* f = 1 / (tau_ref + tau_V ln(I tau_V / (I tau_V - 1))) for I tau_V > 1 (I per ms). */
static double analytic_rate(double I, double tau_V, double tau_ref)
{
    double drive = I * tau_V / 1e-3;
    if (drive <= 1)
        return 0;
    return 1.0 / (tau_ref + tau_V * log(drive / (drive - 1)));
}

/* How far a rate on the time grid may lie from the analytic one: the period is
 * quantised to whole steps and the engine's dead time is one step shorter (2 dt),
 * Euler reaches threshold early by about dt/(2 tau_V) of the rise time, the first
 * spike comes without a dead time before it (tau_ref/duration of the rate), and a
 * count of whole spikes in the duration loses up to one. */
static double rate_tolerance(const lif_params *p, double f, double tau_ref)
{
    double rise = f > 0 ? 1 / f - tau_ref : 0;
    return f * f * (2 * p->dt + rise * p->dt / p->tau_V) + f * tau_ref / p->duration +
           1 / p->duration;
}

static bool shape_and_labels_ok(const lif_frame *f)
{
    if (f->n_I != 101 || f->n_ref != 3)
        return !wrong("the rate frame is %zu x %zu, not 101 x 3", f->n_I, f->n_ref);
    for (size_t r = 0; r < f->n_I; r++)
        if (fabs(f->I[r] - 0.01 * (double)r) > 1e-12)
            return !wrong("row %zu of the rate frame is I = %g, not %g", r, f->I[r], 0.01 * r);
    static const double refs[3] = { 5e-3, 7.5e-3, 10e-3 };
    for (size_t c = 0; c < 3; c++)
        if (fabs(f->tau_ref[c] - refs[c]) > 1e-15)
            return !wrong("column %zu of the rate frame is tau_ref = %g s", c, f->tau_ref[c]);
    return true;
}

/* Rates rise with I, fall with tau_ref, and are zero at and below the rheobase. */
static int check_shape_of_rates(const lif_params *p, const lif_frame *f)
{
    int bad = 0;
    for (size_t r = 0; r < f->n_I; r++)
        for (size_t c = 0; c < f->n_ref; c++) {
            double rate = f->rate[r * f->n_ref + c];
            bool below = f->I[r] * p->tau_V / 1e-3 <= 1;
            bool rises = r == 0 || rate >= f->rate[(r - 1) * f->n_ref + c];
            bool falls = c == 0 || rate <= f->rate[r * f->n_ref + c - 1];
            if (isnan(rate) || (below && rate != 0) || (!below && rate <= 0) || !rises ||
                !falls)
                bad += wrong("rate %g Hz at I = %.2f, tau_ref = %g ms breaks the order", rate,
                              f->I[r], f->tau_ref[c] * 1e3);
        }
    return bad;
}

/* How the stored rates compare with the references, over all runs. */
typedef struct rate_report {
    int bad;                 /* disagreements that fail the check */
    double worst, worst_tutorial; /* largest |rate - analytic|, Hz */
    long tutorial_differs;   /* runs where the tutorial's count differs from the engine's */
    long longer_differs;     /* ... from the engine's rule held one step longer */
} rate_report;

/* One run's rate against the engine's rule (exactly), the analytic rate (within the
 * grid's tolerance) and the tutorial's rule (to at most one spike, once the engine's
 * neuron is held one step longer). */
static void check_one_rate(const lif_params *p, double I, double ref, double rate,
                           rate_report *rep)
{
    long engine = engine_rule_spikes(p, I, ref, 0), longer = engine_rule_spikes(p, I, ref, 1);
    long tutorial = tutorial_rule_spikes(p, I, ref);
    double expected = analytic_rate(I, p->tau_V, ref);
    if (rate != (double)engine / p->duration)
        rep->bad += wrong("I = %.2f, tau_ref = %g ms: %g Hz, the engine's rule gives %ld spikes",
                          I, ref * 1e3, rate, engine);
    if (fabs(rate - expected) > rate_tolerance(p, expected, ref))
        rep->bad += wrong("I = %.2f, tau_ref = %g ms: %g Hz, analytically %g Hz", I, ref * 1e3,
                          rate, expected);
    if (labs(tutorial - longer) > 1)
        rep->bad += wrong("I = %.2f, tau_ref = %g ms: the tutorial's rule gives %ld spikes, the "
                          "engine's held a step longer %ld", I, ref * 1e3, tutorial, longer);
    rep->worst = fmax(rep->worst, fabs(rate - expected));
    rep->worst_tutorial = fmax(rep->worst_tutorial, fabs(tutorial / p->duration - expected));
    rep->tutorial_differs += tutorial != engine;
    rep->longer_differs += tutorial != longer;
}

static int check_rates(const lif_params *p, const lif_frame *f)
{
    rate_report rep = { 0 };
    printf("      I   tau_ref   rate [Hz]   analytic [Hz]\n");
    for (size_t r = 0; r < f->n_I; r++)
        for (size_t c = 0; c < f->n_ref; c++) {
            double I = f->I[r], ref = f->tau_ref[c], rate = f->rate[r * f->n_ref + c];
            check_one_rate(p, I, ref, rate, &rep);
            if (r % 25 == 0 && (c == 0 || r == f->n_I - 1))
                printf("  %5.2f   %7.1f   %9.1f   %13.1f\n", I, ref * 1e3, rate,
                       analytic_rate(I, p->tau_V, ref));
        }
    size_t n = f->n_I * f->n_ref;
    printf("every spike count is the engine's rule's; largest distance from the analytic "
           "rate: %.2f Hz\n(the tutorial's own rule: %.2f Hz). The tutorial's rule counts "
           "otherwise in %ld of %zu runs;\nheld one step longer, the engine's rule gives its "
           "count in all but %ld.\n", rep.worst, rep.worst_tutorial, rep.tutorial_differs, n,
           rep.longer_differs);
    return rep.bad;
}

/* Run 13's stored trace: full length, and as many resets in it as spikes counted. */
static int check_trace(snx_traj *traj, const lif_params *p, const lif_frame *f)
{
    lif_trace tr;
    if (lif_read_trace(traj, LIF_SHOWN_RUN, &tr))
        return fail("reading run 13");
    long resets = 0;
    for (size_t k = 1; k < tr.n; k++)
        resets += tr.V[k] == 0 && tr.V[k - 1] > 0;
    double rate = f->rate[LIF_SHOWN_RUN * f->n_ref]; /* run 13: I = 0.13, tau_ref = 5 ms */
    printf("\nrun %d (I = %.2f, tau_ref = %g ms): %lld spikes, V has %zu samples\n",
           LIF_SHOWN_RUN, f->I[LIF_SHOWN_RUN], f->tau_ref[0] * 1e3, (long long)tr.nspikes, tr.n);
    if (tr.n != p->steps || tr.t[1] - tr.t[0] != p->dt)
        return wrong("run 13's trace has %zu samples, not duration/dt = %zu", tr.n, p->steps);
    if ((double)tr.nspikes / p->duration != rate || resets != tr.nspikes)
        return wrong("run 13: %lld spikes, %ld resets in its trace, rate %g Hz in the frame",
                     (long long)tr.nspikes, resets, rate);
    return 0;
}

static int check_stored(const char *name)
{
    snx_traj *traj = lif_load(PROG, LIF_FILE, name);
    if (!traj)
        return 1;
    lif_params p;
    lif_frame frame;
    int rc = read_params(traj, &p);
    if (!rc && lif_read_frame(traj, &frame))
        rc = fail("reading " LIF_FRAME);
    if (!rc && !shape_and_labels_ok(&frame))
        rc = 1;
    if (!rc)
        rc = check_shape_of_rates(&p, &frame) + check_rates(&p, &frame) != 0;
    if (!rc)
        rc = check_trace(traj, &p, &frame);
    if (!rc)
        printf("the stored frame is %zu x %zu; every rate agrees with the engine's rule and "
               "the analytic rate\n", frame.n_I, frame.n_ref);
    snx_traj_free(traj);
    return rc ? wrong("FAILED") : 0;
}

static void usage(FILE *to)
{
    fprintf(to,
            "usage: " PROG " [--pipeline]\n"
            "pypet's tutorial: a leaky integrate-and-fire neuron run by the engine over 101\n"
            "currents x 3 refractory periods (303 runs, two worker processes), the firing\n"
            "rates gathered into a frame, stored in " LIF_FILE "; then checks what it\n"
            "stored. plot_analysis plots it.\n"
            "  -p, --pipeline  set up and run through one pipeline function (trajectory\n"
            "                  " LIF_TRAJ_PIPELINE ")\n"
            "  -h, --help      this text\n"
            "Environment: SNX_RESUME=1 finishes an interrupted sweep.\n");
}

int main(int argc, char **argv)
{
    static const struct option options[] = { { "pipeline", no_argument, NULL, 'p' },
                                              { "help", no_argument, NULL, 'h' },
                                              { NULL, 0, NULL, 0 } };
    bool pipeline = false;
    int c;
    while ((c = getopt_long(argc, argv, "ph", options, NULL)) != -1) {
        if (c == 'h') {
            usage(stdout);
            return 0;
        }
        if (c != 'p') {
            usage(stderr);
            return 2;
        }
        pipeline = true;
    }
    if (optind < argc) {
        fprintf(stderr, PROG ": unexpected argument \"%s\"\n", argv[optind]);
        usage(stderr);
        return 2;
    }
    if (run_experiment(pipeline) || check_stored(pipeline ? LIF_TRAJ_PIPELINE : LIF_TRAJ))
        return 1;
    return 0;
}
