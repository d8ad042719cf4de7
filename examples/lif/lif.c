/* pypet's tutorial neuron in snex: a leaky integrate-and-fire neuron integrated by
 * forward Euler, explored over input current I (101 values) x refractory period
 * tau_ref (3 values) = 303 runs, then post-processed into a firing-rate table.
 *
 *   dV/dt = -V/tau_V + I,  V >= 1 → spike, V clamped to 0 for tau_ref
 *
 * Times are in milliseconds, everything else is unitless, as in the tutorial. The
 * run function is plain C (the tutorial does the same in Python); each run stores
 * its voltage trace and spike count under results.neuron.run_XXXXXXXX (the `$`
 * wildcard), and the post-processing adds results.summary.firing_rates.
 *
 * The program checks the simulated rates against the analytic LIF rate
 *   f = 1 / (tau_ref + tau_V ln(I tau_V / (I tau_V - 1)))   for I tau_V > 1
 * and exits non-zero if they disagree by more than the Euler/time-grid error. */
#include "snex.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static int add_parameters(snx_traj *traj)
{
    return !snx_traj_add_parameter(traj, "neuron.V_init", snx_double(0.0),
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
                                   "The step size of an Euler integration step.");
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
    return rc;
}

/* One run: returns the firing rate in Hz (negative on error). */
static double run_neuron(snx_traj *traj)
{
    double V_init = snx_traj_double(traj, "neuron.V_init");
    double I = snx_traj_double(traj, "neuron.I");
    double tau_V = snx_traj_double(traj, "neuron.tau_V");
    double tau_ref = snx_traj_double(traj, "neuron.tau_ref");
    double dt = snx_traj_double(traj, "simulation.dt");
    double duration = snx_traj_double(traj, "simulation.duration");
    if (snx_traj_status(traj))
        return -1;
    size_t steps = (size_t)(duration / dt);
    double *V = calloc(steps, sizeof *V);
    if (!V)
        return -1;
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
    return rc ? -1 : (double)nspikes / duration * 1000.0;
}

/* The firing rates as a table with one row per run: I, tau_ref, rate. */
static int neuron_postproc(snx_traj *traj, const double *rates)
{
    size_t n = snx_traj_n_runs(traj);
    snx_node *I = snx_traj_get(traj, "neuron.I"), *ref = snx_traj_get(traj, "neuron.tau_ref");
    double *Is = malloc(n * sizeof *Is), *refs = malloc(n * sizeof *refs);
    snx_table *table = snx_table_new(n);
    int rc = !I || !ref || !Is || !refs || !table;
    for (size_t k = 0; !rc && k < n; k++) {
        Is[k] = snx_par_range_at(I, k)->u.d;
        refs[k] = snx_par_range_at(ref, k)->u.d;
    }
    if (!rc)
        rc = snx_table_add_double(table, "I", Is) || snx_table_add_double(table, "tau_ref", refs) ||
             snx_table_add_double(table, "rate_hz", rates);
    if (!rc)
        rc = !snx_traj_add_result(traj, "summary.firing_rates", snx_table_value(table),
                                  "Firing rates (Hz) for every I and tau_ref.");
    else
        snx_table_free(table);
    free(Is);
    free(refs);
    return rc;
}

static double analytic_rate(double I, double tau_V, double tau_ref)
{
    if (I * tau_V <= 1)
        return 0;
    return 1000.0 / (tau_ref + tau_V * log(I * tau_V / (I * tau_V - 1)));
}

int main(void)
{
    snx_traj *traj = snx_traj_new("FiringRate", &(snx_traj_opts){
        .comment = "Experiment to measure the firing rate of a leaky integrate and fire "
                   "neuron. Exploring different input currents, as well as refractory "
                   "periods" });
    if (!traj || add_parameters(traj) || add_exploration(traj)) {
        fprintf(stderr, "lif: %s\n", snx_errmsg());
        return 1;
    }
    size_t n = snx_traj_n_runs(traj);
    double *rates = calloc(n, sizeof *rates);
    for (size_t k = 0; rates && k < n; k++) {
        if (snx_traj_begin_run(traj, (long)k) || (rates[k] = run_neuron(traj)) < 0) {
            fprintf(stderr, "lif: run %zu: %s\n", k, snx_traj_status(traj)
                    ? snx_traj_status_msg(traj) : snx_errmsg());
            return 1;
        }
        snx_traj_end_run(traj);
    }
    if (!rates || neuron_postproc(traj, rates)) {
        fprintf(stderr, "lif: post-processing: %s\n", snx_errmsg());
        return 1;
    }

    printf("%zu runs of the tutorial LIF neuron (Euler, dt = 0.1 ms, 1 s each)\n\n", n);
    printf("      I   tau_ref   rate [Hz]   analytic [Hz]\n");
    int bad = 0;
    snx_node *I = snx_traj_get(traj, "neuron.I"), *ref = snx_traj_get(traj, "neuron.tau_ref");
    for (size_t k = 0; k < n; k++) {
        double i = snx_par_range_at(I, k)->u.d, r = snx_par_range_at(ref, k)->u.d;
        double expected = analytic_rate(i, 10.0, r);
        /* A spike costs up to two extra steps on the time grid (detection one step
         * late, clamp rounding), and Euler's error is O(dt): allow 5%% + 2 Hz. */
        if (fabs(rates[k] - expected) > 0.05 * expected + 2.0)
            bad++;
        if (k % 25 == 0 || k == n - 1)
            printf("  %5.2f   %7.1f   %9.1f   %13.1f\n", i, r, rates[k], expected);
    }
    snx_traj_set_run(traj, 13);
    snx_node *example = snx_traj_get(traj, "results.neuron.crun");
    printf("\nrun 13 (I = %.2f, tau_ref = %.1f): %lld spikes, V has %zu samples\n",
           snx_traj_double(traj, "neuron.I"), snx_traj_double(traj, "neuron.tau_ref"),
           example ? (long long)snx_result_get(example, "nspikes")->u.i : -1LL,
           example ? snx_result_get(example, "V")->u.a.len : 0);
    snx_traj_restore_default(traj);
    printf("%zu nodes in the trajectory \"%s\"\n", snx_traj_n_nodes(traj), snx_traj_name(traj));
    if (bad)
        printf("FAILED: %d runs disagree with the analytic rate\n", bad);
    free(rates);
    snx_traj_free(traj);
    return bad ? 1 : 0;
}
