/* neuron_update: the clustered network's neuron model (spec §3.2: V, x_e, y_e, x_i,
 * y_i, Euler, threshold V > 1, reset V = 0, 5 ms refractory) run from its equation
 * strings by the engine, against a hand-written C loop of the same model, in the same
 * process, one thread, and against the same loop built with -O3 -march=native. Prints
 *   BENCH neuron_update model=clusternet isa=<engine's> neuron_steps_per_s=<a>
 *         baseline_neuron_steps_per_s=<b> ratio=<a/b> native_neuron_steps_per_s=<c>
 *         ratio_vs_native=<a/c>
 *   BENCH finite_check model=clusternet cost=<time with the check / time without>
 * Both sides do the whole per-step neuron work: integrate, check refractoriness,
 * threshold, collect spikes, reset. There are no synapses, so x and y stay at 0; the
 * arithmetic is the same whatever their values. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "snex.h"

#include "clusternet_engine.h"
#include "neuron_loop.h"

#define REPEATS 5

/* §3.2 with POST = e and PRE in {i, e}. */
static const char *EQS =
    "dV/dt = 1.0/tau_e * (mu - V) + I_syn : 1 (unless refractory)\n"
    "mu : 1\n"
    "I_syn = - I_syn_i + I_syn_e : Hz\n"
    "I_syn_i = x_i/(tau2_i - tau1_i) : Hz\n"
    "dx_i/dt = -(normalization_i*y_i + x_i)*invtau1_i : 1\n"
    "dy_i/dt = -y_i*invtau2_i : 1\n"
    "I_syn_e = x_e/(tau2_e - tau1_e) : Hz\n"
    "dx_e/dt = -(normalization_e*y_e + x_e)*invtau1_e : 1\n"
    "dy_e/dt = -y_e*invtau2_e : 1\n";


static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* check: the non-finite state check on (the default) or off. */
static double run_engine(long *spikes, bool check)
{
    snx_net *net = snx_net_new(&(snx_net_opts){ .seed = 7, .dt = DT, .parallel_min = -1,
                                                .no_finite_check = !check });
    cn_fill_namespace(snx_net_namespace(net)); /* the constants of neuron_loop.h */
    snx_group *g = snx_group_new(net, "neurons_e", N, EQS,
                                 &(snx_group_opts){ .threshold = "V > V_th", .reset = "V = 0",
                                                    .refractory = "5*ms", .method = "euler" });
    if (!g || snx_group_init(g, "mu", "1.1 + rand()*(1.2 - 1.1)") ||
        snx_group_init(g, "V", "rand()")) {
        fprintf(stderr, "bench_neuron_update: %s\n", snx_errmsg());
        exit(1);
    }
    snx_monitor *counts = snx_monitor_counts(net, "counts", g);
    double t0 = now();
    if (snx_net_run(net, STEPS * DT)) {
        fprintf(stderr, "bench_neuron_update: %s\n", snx_errmsg());
        exit(1);
    }
    double t = now() - t0;
    size_t n;
    const int64_t *c = snx_monitor_counts_of(counts, &n);
    *spikes = 0;
    for (size_t k = 0; k < n; k++)
        *spikes += (long)c[k];
    snx_net_free(net);
    return t;
}

int main(void)
{
    double best_engine = INFINITY, best_base = INFINITY, best_native = INFINITY;
    double best_unchecked = INFINITY;
    long sp_engine = 0, sp_base = 0, sp_native = 0, sp_unchecked = 0;
    for (int r = 0; r < REPEATS; r++) { /* interleaved, best of REPEATS for each */
        double te = run_engine(&sp_engine, true), tb = neuron_loop_default(&sp_base);
        double tn = neuron_loop_native(&sp_native), tu = run_engine(&sp_unchecked, false);
        best_engine = te < best_engine ? te : best_engine;
        best_base = tb < best_base ? tb : best_base;
        best_native = tn < best_native ? tn : best_native;
        best_unchecked = tu < best_unchecked ? tu : best_unchecked;
    }
    double a = (double)N * STEPS / best_engine, b = (double)N * STEPS / best_base;
    double c = (double)N * STEPS / best_native;
    fprintf(stderr, "neuron_update: %d neurons x %d steps; spikes engine %ld (%s), loop %ld, "
                    "loop -O3 -march=native %ld\n", N, STEPS, sp_engine, snx_engine_isa(),
            sp_base, sp_native);
    printf("BENCH neuron_update model=clusternet isa=%s neuron_steps_per_s=%.4g "
           "baseline_neuron_steps_per_s=%.4g ratio=%.3f native_neuron_steps_per_s=%.4g "
           "ratio_vs_native=%.3f\n", snx_engine_isa(), a, b, a / b, c, a / c);
    printf("BENCH finite_check model=clusternet cost=%.3f\n", best_engine / best_unchecked);
    return 0;
}
