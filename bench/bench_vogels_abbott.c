/* The standard benchmarks of Brette et al. (2007), as examples/coba and examples/cuba
 * run them: 4000 neurons, 2 % connectivity, 1 simulated second, one thread. Each
 * example times its own simulation loop (snx_net_run: building and connecting are
 * left out) and prints it; this program runs each 3 times as its own process and
 * keeps the best, with the firing rate of that run:
 *
 *   BENCH coba seconds_per_simulated_second=<s> cpu_seconds_per_simulated_second=<c> rate_hz=<r>
 *   BENCH cuba ...
 *
 * There is no baseline in the same run: the meaningful one is Brian2 running the same
 * network, which `make bench-compare` measures (minutes of compiling; docs/
 * PERFORMANCE.md, "Side by side with Brian2"). */
#include "run_example.h"

#define ME "bench_vogels_abbott"
#define REPEATS 3

static int bench(const char *name, const char *folder)
{
    char exe[PATH_MAX + 64];
    bench_find_example(ME, name, name, exe, sizeof exe);
    char *args[] = { exe, "--duration", "1", NULL };
    static bench_run r;
    double best = 1e300, best_cpu = 0, rate = 0;
    for (int rep = 0; rep < REPEATS; rep++) {
        bench_run_example(ME, folder, args, &r);
        double cpu, wall, hz;
        const char *rate_at = strstr(r.out, ", rate "), *loop_at = strstr(r.out, "\nloop ");
        if (!rate_at || !loop_at || sscanf(rate_at, ", rate %lf Hz", &hz) != 1 ||
            sscanf(loop_at, "\nloop %lf s CPU, %lf s wall", &cpu, &wall) != 2) {
            fprintf(stderr, ME ": unexpected output of %s:\n%s", exe, r.out);
            return 1;
        }
        if (wall < best) {
            best = wall;
            best_cpu = cpu;
            rate = hz;
        }
    }
    printf("BENCH %s seconds_per_simulated_second=%.4f cpu_seconds_per_simulated_second=%.4f "
           "rate_hz=%.2f\n",
           name, best, best_cpu, rate);
    fflush(stdout);
    return 0;
}

int main(void)
{
    /* The examples write nothing; the folder is only where they run. */
    return bench("coba", "/tmp") || bench("cuba", "/tmp");
}
