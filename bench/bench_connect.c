/* Builds every random connection of the paper-scale clustered network (Litwin-Kumar &
 * Doiron 2012, spec §3.1/§3.4 at scale 1: N_e = 4000, N_i = 1000, p_ii = p_ei = p_ie =
 * 0.5, p_ee = 0.2, clusters of 80 excitatory neurons, R_ee = 2.4, the largest explored
 * value) exactly as CNConnections does: i->i, i->e, e->i, and per cluster
 * cluster->cluster (p_in), cluster->[0, low) and cluster->[high, N_e) (p_out), with
 * autapses allowed (Brian 1 `Connection` does not exclude them). Prints the best wall
 * time of several repetitions:
 *   BENCH connect_paper_scale synapses=<n> seconds=<t>
 * Options: -v prints per-repetition times and the per-projection breakdown to stderr. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_rng.h>

#include "snex.h"
#include "../sim/connectivity.h"

#define N_E 4000
#define N_I 1000
#define CLUSTER 80
#define R_EE 2.4

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Projections of the network, in CNConnections order. */
typedef struct {
    int32_t pre_lo, pre_hi, post_lo, post_hi; /* slices of the E or I group */
    int pre_e, post_e;
    double p;
} proj;

static int build_list(proj *ps)
{
    int n = 0;
    ps[n++] = (proj){ 0, N_I, 0, N_I, 0, 0, 0.5 };  /* i -> i */
    ps[n++] = (proj){ 0, N_I, 0, N_E, 0, 1, 0.5 };  /* i -> e */
    ps[n++] = (proj){ 0, N_E, 0, N_I, 1, 0, 0.5 };  /* e -> i */
    double p_ee = 0.2;
    double p_out = p_ee * N_E / (R_EE * CLUSTER + N_E - CLUSTER);
    double p_in = p_out * R_EE;
    for (int32_t low = 0, high = CLUSTER; high <= N_E; low = high, high += CLUSTER) {
        ps[n++] = (proj){ low, high, low, high, 1, 1, p_in };
        if (low > 0)
            ps[n++] = (proj){ low, high, 0, low, 1, 1, p_out };
        if (high < N_E)
            ps[n++] = (proj){ low, high, high, N_E, 1, 1, p_out };
    }
    return n;
}

int main(int argc, char **argv)
{
    int verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
    static proj ps[3 + 3 * (N_E / CLUSTER)];
    int np = build_list(ps);
    static sim_csr csr[3 + 3 * (N_E / CLUSTER)];
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    double best = 1e30;
    int64_t synapses = 0;
    double t_start = now();
    for (int rep = 0; rep < 20 && (rep < 3 || now() - t_start < 3.0); rep++) {
        gsl_rng_set(rng, 12345);
        double t0 = now();
        int64_t n = 0;
        for (int k = 0; k < np; k++) {
            const proj *p = &ps[k];
            /* Global indices: E neurons first, then I (only matters without autapses). */
            int64_t pre_off = p->pre_lo + (p->pre_e ? 0 : N_E);
            int64_t post_off = p->post_lo + (p->post_e ? 0 : N_E);
            if (sim_csr_random(&csr[k], p->pre_hi - p->pre_lo, p->post_hi - p->post_lo, p->p,
                               1, pre_off, post_off, rng)) {
                fprintf(stderr, "bench_connect: %s\n", snx_errmsg());
                return 1;
            }
            n += csr[k].n_syn;
        }
        double t = now() - t0;
        if (verbose)
            fprintf(stderr, "rep %d: %lld synapses in %.4f s (%d projections)\n", rep,
                    (long long)n, t, np);
        if (t < best)
            best = t;
        synapses = n;
        for (int k = 0; k < np; k++)
            sim_csr_free(&csr[k]);
    }
    gsl_rng_free(rng);
    printf("BENCH connect_paper_scale synapses=%lld seconds=%.4f\n", (long long)synapses, best);
    return 0;
}
