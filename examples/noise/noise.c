/* noise: a population of noisy leaky integrators without threshold, each an
 * Ornstein-Uhlenbeck process written as Brian writes it,
 *     dV/dt = (mu - V)/tau + sigma*sqrt(2/tau)*xi : 1
 * with white noise xi (dimension s^-1/2). Its stationary distribution is normal with
 * mean mu and variance sigma^2; Euler-Maruyama (the method snex chooses for noise) has
 * the exact discrete variance sigma^2/(1 - dt/(2 tau)). The program samples every
 * neuron at times 5 tau apart (correlation e^-5) after a transient of 10 tau, prints
 * the measured mean and variance against both formulas, and exits 1 when the variance
 * is more than 4 standard errors from the discrete one.
 *
 *   noise [--neurons N] [--seed S]       (defaults 5000 and 1) */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "snex.h"

#define PROG "noise"
#define SAMPLES 10

static const double TAU = 10e-3, MU = 0.5, SIGMA = 0.1, DT = 1e-4;

static int simulate(long n, unsigned long seed)
{
    snx_net *net = snx_net_new(&(snx_net_opts){ .dt = DT, .seed = seed });
    snx_namespace *ns = net ? snx_net_namespace(net) : NULL;
    snx_group *g = NULL;
    if (!ns || snx_namespace_set(ns, "tau", TAU, (snx_dim){ { 0, 0, 1 } }) ||
        snx_namespace_set(ns, "mu", MU, SNX_DIMENSIONLESS) ||
        snx_namespace_set(ns, "sigma", SIGMA, SNX_DIMENSIONLESS) ||
        !(g = snx_group_new(net, "ou", (int32_t)n,
                            "dV/dt = (mu - V)/tau + sigma*sqrt(2/tau)*xi : 1", NULL)) ||
        snx_group_init(g, "V", "mu") || snx_net_run(net, 10 * TAU)) {
        fprintf(stderr, PROG ": %s\n", snx_errmsg());
        snx_net_free(net);
        return 1;
    }
    double sum = 0, sum2 = 0;
    for (int s = 0; s < SAMPLES; s++) {
        if (snx_net_run(net, 5 * TAU)) {
            fprintf(stderr, PROG ": %s\n", snx_errmsg());
            snx_net_free(net);
            return 1;
        }
        const double *V = snx_group_var(g, "V");
        for (long k = 0; k < n; k++) {
            sum += V[k] - MU; /* about the mean, for an accurate sum of squares */
            sum2 += (V[k] - MU) * (V[k] - MU);
        }
    }
    double m = (double)n * SAMPLES, mean = MU + sum / m;
    double var = sum2 / m - (sum / m) * (sum / m);
    double discrete = SIGMA * SIGMA / (1 - DT / (2 * TAU)), se = discrete * sqrt(2 / m);
    printf("%ld neurons, method %s, %d samples 5 tau apart\n", n, snx_group_method(g), SAMPLES);
    printf("mean     %.6f  theory %.6f  (standard error %.6f)\n", mean, MU, SIGMA / sqrt(m));
    printf("variance %.6f  theory sigma^2 %.6f, Euler-Maruyama %.6f  (standard error %.6f)\n",
           var, SIGMA * SIGMA, discrete, se);
    bool ok = fabs(var - discrete) < 4 * se && fabs(mean - MU) < 4 * SIGMA / sqrt(m);
    printf("%s\n", ok ? "variance matches the Ornstein-Uhlenbeck formula"
                      : "MISMATCH: the variance is more than 4 standard errors off");
    snx_net_free(net);
    return ok ? 0 : 1;
}

static void usage(FILE *to)
{
    fprintf(to,
            "usage: " PROG " [--neurons N] [--seed S]\n"
            "A population of noisy leaky integrators (Ornstein-Uhlenbeck processes with\n"
            "white noise xi): the stationary mean and variance measured against the\n"
            "theory. Exits 1 when they disagree.\n"
            "  -n, --neurons N  population size (default 5000)\n"
            "  -s, --seed S     network seed (default 1)\n"
            "  -h, --help       this text\n");
}

int main(int argc, char **argv)
{
    static const struct option options[] = { { "neurons", required_argument, NULL, 'n' },
                                              { "seed", required_argument, NULL, 's' },
                                              { "help", no_argument, NULL, 'h' },
                                              { NULL, 0, NULL, 0 } };
    long n = 5000;
    unsigned long seed = 1;
    int c;
    char *end;
    while ((c = getopt_long(argc, argv, "n:s:h", options, NULL)) != -1) {
        if (c == 'h') {
            usage(stdout);
            return 0;
        }
        if (c == 'n' && (n = strtol(optarg, &end, 10)) > 0 && n <= INT32_MAX && !*end)
            continue;
        if (c == 's' && (seed = strtoul(optarg, &end, 10), !*end && *optarg))
            continue;
        usage(stderr);
        return 2;
    }
    if (optind < argc) {
        fprintf(stderr, PROG ": unexpected argument \"%s\"\n", argv[optind]);
        usage(stderr);
        return 2;
    }
    return simulate(n, seed);
}
