/* The network both benchmarks of Brette et al. (2007) share, after Vogels & Abbott
 * (2005), with the program around it; examples/coba/coba.c and examples/cuba/cuba.c
 * only describe their neuron model.
 *
 * 4000 neurons P, the first 3200 excitatory (E = P[0:3200]), the others inhibitory
 * (I = P[3200:4000]); synapses E -> P ("Ce", on_pre `<var_e> += we`) and I -> P ("Ci",
 * `<var_i> += wi`), each pair connected with probability 0.02 (autapses included, as
 * Brian's Connection and Synapses.connect(p=...) make them); no delay; threshold
 * v > Vt, reset v = Vr, refractory 5 ms; dt = 0.1 ms; every spike recorded (Brian2's
 * SpikeMonitor(P)). The program simulates --duration seconds and prints
 *
 *   <NAME>: 4000 neurons (3200 E, 800 I), <n> synapses, method <m>, dt 0.1 ms, seed <s>
 *   simulated <T> s: <k> spikes, rate <r> Hz (E <re> Hz, I <ri> Hz); last half <h> Hz
 *   loop <c> s CPU, <w> s wall (<w/T> s per simulated second); building <b> s
 *
 * "loop" is snx_net_run alone (CPU time of the process and wall time); bench/ and
 * `make bench-compare` read that line. */
#ifndef SNEX_EXAMPLES_VOGELS_ABBOTT_H
#define SNEX_EXAMPLES_VOGELS_ABBOTT_H

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "snex.h"

#define VA_N 4000
#define VA_NE 3200

typedef struct va_constant {
    const char *name;
    double value;
    const char *unit; /* for snx_namespace_set_unit; NULL: dimensionless */
} va_constant;

typedef struct va_model {
    const char *prog, *title;    /* program name; the first word of the output */
    const char *eqs, *method;
    const va_constant *constants; /* ends with a NULL name */
    const char *init[3][2];      /* variable, expression (drawn per neuron) */
    const char *on_pre_e, *on_pre_i;
} va_model;

static double va_clock(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Builds and runs the network; 0, or 1 after a message. */
static int va_simulate(const va_model *m, double duration, uint64_t seed)
{
    double t0 = va_clock(CLOCK_MONOTONIC);
    snx_net *net = snx_net_new(&(snx_net_opts){ .dt = 1e-4, .seed = seed });
    snx_namespace *ns = net ? snx_net_namespace(net) : NULL;
    int bad = !ns;
    for (const va_constant *c = m->constants; !bad && c->name; c++)
        bad = snx_namespace_set_unit(ns, c->name, c->value, c->unit) != 0;
    snx_group *P = bad ? NULL
                       : snx_group_new(net, "P", VA_N, m->eqs,
                                       &(snx_group_opts){ .threshold = "v > Vt",
                                                          .reset = "v = Vr",
                                                          .refractory = "5*ms",
                                                          .method = m->method });
    for (int k = 0; P && !bad && k < 3; k++)
        bad = snx_group_init(P, m->init[k][0], m->init[k][1]) != 0;
    snx_group *E = P && !bad ? snx_group_slice(P, 0, VA_NE) : NULL;
    snx_group *I = E ? snx_group_slice(P, VA_NE, VA_N) : NULL;
    snx_synapses *Ce = I ? snx_synapses_new(net, "Ce", E, P, &(snx_synapses_opts){
                                                                 .on_pre = m->on_pre_e })
                         : NULL;
    snx_synapses *Ci = Ce ? snx_synapses_new(net, "Ci", I, P, &(snx_synapses_opts){
                                                                  .on_pre = m->on_pre_i })
                          : NULL;
    snx_monitor *spikes = NULL;
    if (Ci && !snx_synapses_connect_p(Ce, 0.02, NULL) && !snx_synapses_connect_p(Ci, 0.02, NULL))
        spikes = snx_monitor_spikes(net, "spikes", P, NULL, 0);
    double built = va_clock(CLOCK_MONOTONIC);
    double cpu0 = va_clock(CLOCK_PROCESS_CPUTIME_ID);
    if (!spikes || snx_net_run(net, duration)) {
        fprintf(stderr, "%s: %s\n", m->prog, snx_errmsg());
        snx_net_free(net);
        return 1;
    }
    double cpu = va_clock(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
    double wall = va_clock(CLOCK_MONOTONIC) - built;

    size_t n = snx_monitor_n_spikes(spikes), n_e = 0, late = 0;
    const int32_t *idx = snx_monitor_spike_i(spikes);
    const double *t = snx_monitor_spike_t(spikes);
    for (size_t k = 0; k < n; k++) {
        n_e += idx[k] < VA_NE;
        late += t[k] >= duration / 2;
    }
    printf("%s: %d neurons (%d E, %d I), %zu synapses, method %s, dt 0.1 ms, seed %llu\n",
           m->title, VA_N, VA_NE, VA_N - VA_NE,
           snx_synapses_count(Ce) + snx_synapses_count(Ci), snx_group_method(P),
           (unsigned long long)seed);
    printf("simulated %.3f s: %zu spikes, rate %.2f Hz (E %.2f Hz, I %.2f Hz); "
           "last half %.2f Hz\n",
           duration, n, (double)n / (VA_N * duration), (double)n_e / (VA_NE * duration),
           (double)(n - n_e) / ((VA_N - VA_NE) * duration),
           (double)late / (VA_N * (duration - duration / 2)));
    printf("loop %.4f s CPU, %.4f s wall (%.4f s per simulated second); building %.3f s\n",
           cpu, wall, wall / duration, built - t0);
    snx_net_free(net);
    return 0;
}

static void va_usage(const va_model *m, FILE *to)
{
    fprintf(to,
            "usage: %s [--duration S] [--seed N]\n"
            "%s (Brette et al. 2007, after Vogels & Abbott 2005): 4000 neurons, 2%%\n"
            "connectivity; prints the firing rates and the time of the simulation loop.\n"
            "  -d, --duration S  simulated seconds (default 1)\n"
            "  -s, --seed N      network seed (default 1)\n"
            "  -h, --help        this text\n",
            m->prog, m->title);
}

static int va_main(const va_model *m, int argc, char **argv)
{
    static const struct option options[] = { { "duration", required_argument, NULL, 'd' },
                                              { "seed", required_argument, NULL, 's' },
                                              { "help", no_argument, NULL, 'h' },
                                              { NULL, 0, NULL, 0 } };
    double duration = 1.0;
    unsigned long long seed = 1;
    int c;
    char *end;
    while ((c = getopt_long(argc, argv, "d:s:h", options, NULL)) != -1) {
        if (c == 'h') {
            va_usage(m, stdout);
            return 0;
        }
        if (c == 'd' && (duration = strtod(optarg, &end)) > 0 && duration < 1e6 && !*end)
            continue;
        if (c == 's' && (seed = strtoull(optarg, &end, 10), !*end && *optarg))
            continue;
        va_usage(m, stderr);
        return 2;
    }
    if (optind < argc) {
        fprintf(stderr, "%s: unexpected argument \"%s\"\n", m->prog, argv[optind]);
        va_usage(m, stderr);
        return 2;
    }
    return va_simulate(m, duration, seed);
}

#endif
