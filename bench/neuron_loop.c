/* The clustered network's neuron model written out by hand in C, for
 * bench_neuron_update: constants folded by hand, one pass per step. The Makefile builds
 * this file twice, naming the function by NEURON_LOOP: with the library's flags
 * (neuron_loop_default) and with -O3 -march=native (neuron_loop_native), the best a
 * compiler does for this machine. */
#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "neuron_loop.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef struct {
    double *V, *mu, *x_e, *y_e, *x_i, *y_i, *until;
    int *spikes;
} state;

double NEURON_LOOP(long *spikes)
{
    state s;
    double **arrays[] = { &s.V, &s.mu, &s.x_e, &s.y_e, &s.x_i, &s.y_i, &s.until };
    for (size_t k = 0; k < sizeof arrays / sizeof arrays[0]; k++)
        *arrays[k] = calloc(N, sizeof(double));
    s.spikes = malloc(N * sizeof *s.spikes);
    srand(7);
    for (int i = 0; i < N; i++) {
        s.mu[i] = 1.1 + 0.1 * rand() / (double)RAND_MAX;
        s.V[i] = rand() / (double)RAND_MAX;
        s.until[i] = -INFINITY;
    }
    const double inv_tau = 1.0 / TAU, c_e = 1 / (TAU2_E - TAU1), c_i = 1 / (TAU2_I - TAU1);
    const double norm_e = (TAU1 - TAU2_E) / TAU2_E, norm_i = (TAU1 - TAU2_I) / TAU2_I;
    const double inv1 = 1 / TAU1, inv2_e = 1 / TAU2_E, inv2_i = 1 / TAU2_I;
    const double ref_steps = 50, V_th = 1.0;
    long total = 0;
    double t0 = now();
    for (long step = 0; step < STEPS; step++) {
        int n_sp = 0;
        for (int i = 0; i < N; i++) {
            double V = s.V[i], xe = s.x_e[i], ye = s.y_e[i], xi = s.x_i[i], yi = s.y_i[i];
            double I_syn = xe * c_e - xi * c_i;
            double dV = inv_tau * (s.mu[i] - V) + I_syn;
            double dxe = -(norm_e * ye + xe) * inv1, dye = -ye * inv2_e;
            double dxi = -(norm_i * yi + xi) * inv1, dyi = -yi * inv2_i;
            int notref = (double)step >= s.until[i];
            if (notref)
                V += DT * dV;
            s.x_e[i] = xe + DT * dxe;
            s.y_e[i] = ye + DT * dye;
            s.x_i[i] = xi + DT * dxi;
            s.y_i[i] = yi + DT * dyi;
            if (V > V_th && notref)
                s.spikes[n_sp++] = i;
            s.V[i] = V;
        }
        for (int k = 0; k < n_sp; k++) { /* reset */
            s.V[s.spikes[k]] = 0;
            s.until[s.spikes[k]] = (double)step + ref_steps;
        }
        total += n_sp;
    }
    double t = now() - t0;
    *spikes = total;
    for (size_t k = 0; k < sizeof arrays / sizeof arrays[0]; k++)
        free(*arrays[k]);
    free(s.spikes);
    return t;
}

