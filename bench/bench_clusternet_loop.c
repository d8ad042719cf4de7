/* The engine's loop on the paper-scale clustered network (bench/clusternet_engine.h:
 * 4000 E + 1000 I, R_ee 2.5, ~7.7 M synapses, all E spikes recorded), in this process:
 * microseconds per time step with one thread and with two, measured alternately in
 * windows of 50 ms simulated (500 steps) after a 100 ms settling run, the fastest
 * window of each kept. The fastest window is what the code costs when nothing else
 * takes the machine's cores or caches; bench_clusternet's clusternet_paper_scale lines
 * time the example program as a user runs it (building, storing, the Environment).
 *
 *   BENCH clusternet_loop scale=1.0 threads=1 us_per_step=<t1> threads=2
 *         us_per_step=<t2> speedup=<t1/t2> rate_hz=<E rate>
 *
 * -v prints every window; -s X builds the network at scale X (docs/PERFORMANCE.md,
 * "Threads", compares scales). */
#include "clusternet_engine.h"

#include <stdbool.h>
#include <time.h>
#include <unistd.h>

enum { WINDOWS = 24, STEPS = 500 };

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef struct {
    snx_net *net;
    snx_monitor *spikes;
    double best;  /* microseconds per step, the fastest window */
} loop;

static int start(loop *l, double scale, size_t threads)
{
    snx_group *e, *i;
    if (!(l->net = cn_engine_network(scale, 2.5, threads, 2012, &e, &i)) ||
        snx_net_run(l->net, 0.1) ||
        !(l->spikes = snx_monitor_spikes(l->net, "spikes_e", e, NULL, 0)))
        return snx_errcode();
    l->best = 1e300;
    return 0;
}

static int window(loop *l, bool verbose)
{
    double t0 = now();
    int rc = snx_net_run(l->net, STEPS * 1e-4);
    double us = (now() - t0) / STEPS * 1e6;
    if (us < l->best)
        l->best = us;
    if (verbose)
        fprintf(stderr, "%.2f us per step\n", us);
    return rc;
}

int main(int argc, char **argv)
{
    bool verbose = false;
    double scale = 1.0;
    for (int opt; (opt = getopt(argc, argv, "vs:")) != -1;) {
        if (opt == 'v') {
            verbose = true;
        } else if (opt == 's' && (scale = atof(optarg)) > 0) {
            continue;
        } else {
            fprintf(stderr, "usage: bench_clusternet_loop [-v] [-s scale > 0]\n");
            return 2;
        }
    }
    loop one = { 0 }, two = { 0 };
    int rc = start(&one, scale, 1);
    rc = rc ? rc : start(&two, scale, 2);
    for (int w = 0; w < WINDOWS && !rc; w++) {
        rc = window(&one, verbose);
        rc = rc ? rc : window(&two, verbose);
    }
    if (rc) {
        fprintf(stderr, "bench_clusternet_loop: %s\n", snx_errmsg());
        return 1;
    }
    size_t n1 = snx_monitor_n_spikes(one.spikes), n2 = snx_monitor_n_spikes(two.spikes);
    if (n1 != n2) { /* threads give the same bits: the same spikes */
        fprintf(stderr, "bench_clusternet_loop: %zu spikes with one thread, %zu with two\n",
                n1, n2);
        return 1;
    }
    printf("BENCH clusternet_loop scale=%.1f threads=1 us_per_step=%.2f threads=2 "
           "us_per_step=%.2f speedup=%.2f rate_hz=%.2f\n",
           scale, one.best, two.best, one.best / two.best,
           (double)n1 / ((int)(4000 * scale) * WINDOWS * STEPS * 1e-4));
    snx_net_free(one.net);
    snx_net_free(two.net);
    return 0;
}
