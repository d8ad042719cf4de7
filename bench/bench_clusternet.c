/* The clustered network (examples/clusternet) end to end, as a user runs it
 * (docs/PERFORMANCE.md, "clusternet").
 *
 *   clusternet_sweep       the example's defaults: scale 0.5 (2000 E + 500 I), R_ee
 *                          1.0 ... 2.4 (8 runs), 500 ms + 2000 ms, 2 workers: building,
 *                          simulating, storing every monitor, the Fano factors, the
 *                          file closed. pypet with Brian2 needs about 50 s for it.
 *   clusternet_paper_scale scale 1.0 (4000 E + 1000 I, 50 clusters), R_ee 2.5, one
 *                          worker, one OpenMP thread: wall seconds per simulated second
 *                          of the measurement subrun, measured as the difference of two
 *                          runs whose measurement subruns differ by 2 s (so building,
 *                          connecting and the 100 ms initial subrun cancel out).
 *
 *   BENCH clusternet_sweep runs=8 scale=0.5 workers=2 seconds=<t>
 *   BENCH clusternet_paper_scale threads=1 seconds_per_simulated_second=<s>
 *
 * The example runs as its own program (build/examples/clusternet/clusternet, found
 * beside this one) in a scratch folder; a failing run fails the benchmark. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char g_example[PATH_MAX + 64];

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* build/bench/bench_clusternet → build/examples/clusternet/clusternet */
static void find_example(void)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) {
        perror("bench_clusternet: /proc/self/exe");
        exit(1);
    }
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    *slash = '\0';
    snprintf(g_example, sizeof g_example, "%s/../examples/clusternet/clusternet", self);
    if (access(g_example, X_OK)) {
        fprintf(stderr, "bench_clusternet: %s is missing (make all)\n", g_example);
        exit(1);
    }
}

/* Runs the example with args in folder (output discarded); returns wall seconds. */
static double run_example(const char *folder, char *const args[])
{
    double t0 = now();
    pid_t pid = fork();
    if (pid == 0) {
        if (chdir(folder) || !freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))
            _exit(127);
        setenv("OMP_NUM_THREADS", "1", 1);
        execv(g_example, args);
        _exit(127);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
        fprintf(stderr, "bench_clusternet: %s failed (status %d)\n", args[1], status);
        exit(1);
    }
    return now() - t0;
}

int main(void)
{
    find_example();
    char folder[] = "/tmp/snex_bench_clusternetXXXXXX";
    if (!mkdtemp(folder)) {
        perror("bench_clusternet: mkdtemp");
        return 1;
    }
    char *sweep[] = { g_example, "--file", "sweep.hdf5", NULL };
    double best = 1e300;
    for (int rep = 0; rep < 2; rep++) {
        double t = run_example(folder, sweep);
        best = t < best ? t : best;
    }
    printf("BENCH clusternet_sweep runs=8 scale=0.5 workers=2 seconds=%.3f\n", best);
    fflush(stdout);

    char *shorter[] = { g_example, "--scale", "1.0", "--rees", "2.5", "--workers", "1",
                        "--initial", "100", "--measurement", "100", "--file", "paper.hdf5", NULL };
    char *longer[] = { g_example, "--scale", "1.0", "--rees", "2.5", "--workers", "1",
                       "--initial", "100", "--measurement", "2100", "--file", "paper.hdf5", NULL };
    double per_second = (run_example(folder, longer) - run_example(folder, shorter)) / 2.0;
    printf("BENCH clusternet_paper_scale threads=1 seconds_per_simulated_second=%.3f\n",
           per_second);
    char cleanup[PATH_MAX + 16];
    snprintf(cleanup, sizeof cleanup, "rm -rf '%s'", folder);
    return system(cleanup) == 0 ? 0 : 1;
}
