/* Synaptic delivery into per-target ring buffers, single core. A projection of 5000
 * presynaptic onto 5000 postsynaptic neurons where every presynaptic neuron has exactly
 * 1300 distinct random targets (about the E->E out-degree scale of the paper network);
 * each step 10 random presynaptic neurons spike (20 Hz at dt = 0.1 ms) and each spike
 * gets a random delay in [0, 20] steps (up to 2 ms). Per step: add every spike's row
 * with one weight (sim_ring_add_row_const), read the current slot, advance. The time of
 * the whole step loop (including advance) is divided into the delivered synapse events.
 * Prints the best of several repetitions:
 *   BENCH synaptic_delivery out_degree=1300 events_per_s=<e>
 * With -v, also prints to stderr the rates of the other delivery paths (per-synapse
 * weights, per-synapse delays, batch form, event queue). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "snex.h"
#include "../sim/connectivity.h"
#include "../sim/delivery.h"

#define N_PRE 5000
#define N_POST 5000
#define DEGREE 1300
#define MAX_DELAY 20
#define SPIKES_PER_STEP 10
#define STEPS 20000

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void die(const char *what)
{
    fprintf(stderr, "bench_delivery: %s: %s\n", what, snx_errmsg());
    exit(1);
}

enum mode { CONST, BATCH, PER_SYN_W, PER_SYN_D, QUEUE };
static const char *mode_name[] = { "const weight, const delay per spike (add_row_const)",
                                   "const weight+delay, whole step (add_spikes_const)",
                                   "per-synapse weights, const delay (add_row)",
                                   "per-synapse weights and delays (add_row)",
                                   "event queue push_row + drain (synapse indices)" };

static int32_t *spikes, *spike_delay;
static double *wsyn;
static int32_t *dsyn;
static volatile double sink;

/* One pass over STEPS steps; returns seconds. */
static double run(enum mode m, const sim_csr *c, sim_ring *ring, sim_event_queue *q)
{
    double acc = 0.0;
    double t0 = now();
    for (int st = 0; st < STEPS; st++) {
        const int32_t *sp = spikes + (size_t)st * SPIKES_PER_STEP;
        const int32_t *dl = spike_delay + (size_t)st * SPIKES_PER_STEP;
        int rc = 0;
        switch (m) {
        case CONST:
            for (int k = 0; k < SPIKES_PER_STEP; k++)
                rc |= sim_ring_add_row_const(ring, c, sp[k], 0.5, dl[k]);
            break;
        case BATCH:
            rc = sim_ring_add_spikes_const(ring, c, sp, SPIKES_PER_STEP, 0, 0.5, dl[0]);
            break;
        case PER_SYN_W:
            for (int k = 0; k < SPIKES_PER_STEP; k++)
                rc |= sim_ring_add_row(ring, c, sp[k], wsyn, NULL, dl[k]);
            break;
        case PER_SYN_D:
            for (int k = 0; k < SPIKES_PER_STEP; k++)
                rc |= sim_ring_add_row(ring, c, sp[k], wsyn, dsyn, 0);
            break;
        case QUEUE:
            for (int k = 0; k < SPIKES_PER_STEP; k++)
                rc |= sim_queue_push_row(q, c, sp[k], NULL, dl[k]);
            break;
        }
        if (rc)
            die("delivery");
        if (m == QUEUE) {
            size_t n;
            const int64_t *ev = sim_queue_current(q, &n);
            /* A minimal on_pre: post[targets[s]] += w. */
            double *cur = sim_ring_current(ring);
            for (size_t i = 0; i < n; i++)
                cur[c->targets[ev[i]]] += 0.5;
            acc += cur[st % N_POST];
            sim_ring_advance(ring);
            sim_queue_advance(q);
        } else {
            acc += sim_ring_current(ring)[st % N_POST];
            sim_ring_advance(ring);
        }
    }
    double t = now() - t0;
    sink = acc;
    return t;
}

int main(int argc, char **argv)
{
    int verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 42);

    /* Exactly DEGREE distinct random targets per row, via explicit pairs. */
    int32_t *all = malloc(N_POST * sizeof *all);
    int32_t *pre = malloc((size_t)N_PRE * DEGREE * sizeof *pre);
    int32_t *post = malloc((size_t)N_PRE * DEGREE * sizeof *post);
    for (int32_t i = 0; i < N_POST; i++)
        all[i] = i;
    for (int32_t a = 0; a < N_PRE; a++) {
        gsl_ran_choose(rng, post + (size_t)a * DEGREE, DEGREE, all, N_POST, sizeof *all);
        for (int k = 0; k < DEGREE; k++)
            pre[(size_t)a * DEGREE + k] = a;
    }
    sim_csr c;
    if (sim_csr_from_pairs(&c, N_PRE, N_POST, pre, post, (int64_t)N_PRE * DEGREE, NULL))
        die("csr");
    free(all);
    free(pre);
    free(post);

    spikes = malloc((size_t)STEPS * SPIKES_PER_STEP * sizeof *spikes);
    spike_delay = malloc((size_t)STEPS * SPIKES_PER_STEP * sizeof *spike_delay);
    for (size_t k = 0; k < (size_t)STEPS * SPIKES_PER_STEP; k++) {
        spikes[k] = (int32_t)gsl_rng_uniform_int(rng, N_PRE);
        spike_delay[k] = (int32_t)gsl_rng_uniform_int(rng, MAX_DELAY + 1);
    }
    wsyn = malloc((size_t)c.n_syn * sizeof *wsyn);
    dsyn = malloc((size_t)c.n_syn * sizeof *dsyn);
    for (int64_t s = 0; s < c.n_syn; s++) {
        wsyn[s] = gsl_rng_uniform(rng);
        dsyn[s] = (int32_t)gsl_rng_uniform_int(rng, MAX_DELAY + 1);
    }
    sim_ring *ring = sim_ring_new(N_POST, MAX_DELAY);
    sim_event_queue *q = sim_queue_new(MAX_DELAY);
    if (!ring || !q)
        die("new");

    double events = (double)STEPS * SPIKES_PER_STEP * DEGREE;
    double best_const = 0.0;
    for (int m = CONST; m <= (verbose ? QUEUE : CONST); m++) {
        double best = 1e30, t_start = now();
        for (int rep = 0; rep < 10 && (rep < 3 || now() - t_start < 2.0); rep++) {
            double t = run((enum mode)m, &c, ring, q);
            if (t < best)
                best = t;
        }
        if (m == CONST)
            best_const = events / best;
        if (verbose)
            fprintf(stderr, "%-55s %.3g events/s (%.2f ns/event)\n", mode_name[m],
                    events / best, best / events * 1e9);
    }
    printf("BENCH synaptic_delivery out_degree=%d events_per_s=%.4g\n", DEGREE, best_const);

    sim_ring_free(ring);
    sim_queue_free(q);
    sim_csr_free(&c);
    free(spikes);
    free(spike_delay);
    free(wsyn);
    free(dsyn);
    gsl_rng_free(rng);
    return 0;
}
