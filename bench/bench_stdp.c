/* bench_stdp: the cost of plastic synapses against static ones, through the engine.
 *
 * 2000 presynaptic and 2000 postsynaptic neurons spike at random (20 Hz each, dt =
 * 0.1 ms); every presynaptic neuron reaches 1000 postsynaptic ones (connect_p 0.5).
 * The same network (same seed, same spikes) runs three times for 5000 steps:
 *   baseline  the groups alone
 *   static    synapses "v_post += w" (the fast path through ring buffers)
 *   plastic   additive STDP: event-driven traces, on_pre "v_post += w; Apre += dApre;
 *             w = clip(w + Apost, 0, wmax)", on_post "Apost += dApost; w = clip(w +
 *             Apre, 0, wmax)"
 * A synapse event is one synapse reached by one spike: pre spikes times out-degree for
 * both, plus post spikes times in-degree for plastic (on_post). The synapses' time is
 * the run's time minus the baseline's. Prints the best of three repetitions:
 *   BENCH stdp_delivery out_degree=1000 events_per_s=<plastic> ratio_vs_static=<r>
 * with r = plastic events/s over static events/s (with -v, both rates on stderr). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "snex.h"

#define N_PRE 2000
#define N_POST 2000
#define P_CONNECT 0.5
#define STEPS 5000
#define REPEATS 3

enum kind { BASELINE, STATIC, PLASTIC };

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void die(const char *what)
{
    fprintf(stderr, "bench_stdp: %s: %s\n", what, snx_errmsg());
    exit(1);
}

/* Runs one network; *events: synapse events delivered. Returns wall seconds. */
static double run(enum kind kind, double *events)
{
    snx_net *net = snx_net_new(&(snx_net_opts){ .seed = 7 });
    snx_group_opts spiking = { .threshold = "rand() < 20*Hz*dt" };
    snx_group *pre = net ? snx_group_new(net, "pre", N_PRE, "", &spiking) : NULL;
    snx_group *post = pre ? snx_group_new(net, "post", N_POST, "v : 1", &spiking) : NULL;
    snx_monitor *npre = post ? snx_monitor_counts(net, "npre", pre) : NULL;
    snx_monitor *npost = npre ? snx_monitor_counts(net, "npost", post) : NULL;
    if (!npost)
        die("building the groups");
    snx_synapses *s = NULL;
    if (kind == STATIC)
        s = snx_synapses_new(net, "s", pre, post,
                             &(snx_synapses_opts){ .model = "w : 1", .on_pre = "v_post += w" });
    if (kind == PLASTIC)
        s = snx_synapses_new(net, "s", pre, post, &(snx_synapses_opts){
            .model = "w : 1\n"
                     "dApre/dt = -Apre/(20*ms) : 1 (event-driven)\n"
                     "dApost/dt = -Apost/(20*ms) : 1 (event-driven)",
            .on_pre = "v_post += w; Apre += 0.01; w = clip(w + Apost, 0, 1)",
            .on_post = "Apost += -0.0105; w = clip(w + Apre, 0, 1)" });
    if (kind != BASELINE && (!s || snx_synapses_connect_p(s, P_CONNECT, NULL) ||
                             snx_synapses_init(s, "w", "0.5*rand()")))
        die("building the synapses");
    double t0 = now();
    if (snx_net_run(net, STEPS * snx_net_dt(net)))
        die("running");
    double seconds = now() - t0;
    size_t n;
    int64_t spikes_pre = 0, spikes_post = 0;
    const int64_t *c = snx_monitor_counts_of(npre, &n);
    for (size_t k = 0; k < n; k++)
        spikes_pre += c[k];
    c = snx_monitor_counts_of(npost, &n);
    for (size_t k = 0; k < n; k++)
        spikes_post += c[k];
    double n_syn = s ? (double)snx_synapses_count(s) : 0;
    *events = (double)spikes_pre * n_syn / N_PRE;
    if (kind == PLASTIC)
        *events += (double)spikes_post * n_syn / N_POST;
    snx_net_free(net);
    return seconds;
}

int main(int argc, char **argv)
{
    int verbose = argc > 1 && !strcmp(argv[1], "-v");
    double best[3] = { 1e300, 1e300, 1e300 }, events[3] = { 0 };
    for (int r = 0; r < REPEATS; r++)
        for (int k = BASELINE; k <= PLASTIC; k++) {
            double t = run(k, &events[k]);
            best[k] = t < best[k] ? t : best[k];
        }
    double rate_static = events[STATIC] / (best[STATIC] - best[BASELINE]);
    double rate_plastic = events[PLASTIC] / (best[PLASTIC] - best[BASELINE]);
    if (verbose)
        fprintf(stderr, "baseline %.3f s, static %.3f s (%.3g events), plastic %.3f s (%.3g "
                        "events)\nstatic %.3g events/s, plastic %.3g events/s\n",
                best[BASELINE], best[STATIC], events[STATIC], best[PLASTIC], events[PLASTIC],
                rate_static, rate_plastic);
    printf("BENCH stdp_delivery out_degree=%d events_per_s=%.4g ratio_vs_static=%.3f\n",
           (int)(N_POST * P_CONNECT), rate_plastic, rate_plastic / rate_static);
    return 0;
}
