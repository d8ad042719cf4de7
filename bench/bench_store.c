/* Storage benchmarks (docs/PERFORMANCE.md, "store_many_runs" and "load_column").
 *
 *   store_many_runs  a 50 x 50 = 2500-run trajectory, one scalar result z per run:
 *                    the time to store every run (begin, add z, store_run, end) and
 *                    commit, and the bytes the runs add to the file of the stored,
 *                    still run-less trajectory.
 *   load_column      a 10^5-run trajectory with one scalar result z per run: the time
 *                    to load the results branch (that one column, 10^5 leaves) into a
 *                    trajectory loaded without results.
 *
 * Each prints one BENCH line; the best of a few repetitions is reported. Files go to
 * a scratch folder below /tmp. */
#include "snex.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define REPEAT 5

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static void die(const char *what)
{
    fprintf(stderr, "bench_store: %s: %s\n", what, snx_errmsg());
    exit(1);
}

/* A stored trajectory exploring x (n1 values) times y (n2 values), no runs yet. */
static snx_traj *explored(const char *file, long n1, long n2)
{
    snx_traj *t = snx_traj_new("bench", NULL);
    snx_hdf5_opts o = { 0 };
    o.overwrite_file = 1;
    if (!t || snx_hdf5_attach(t, file, &o) || !snx_traj_add_parameter(t, "x", snx_int(0), NULL) ||
        !snx_traj_add_parameter(t, "y", snx_int(0), NULL))
        die("setting up");
    int64_t *v = malloc((size_t)(n1 > n2 ? n1 : n2) * sizeof *v);
    for (long i = 0; i < (n1 > n2 ? n1 : n2); i++)
        v[i] = i;
    snx_ranges *r = snx_ranges_new();
    snx_ranges_add_ints(r, "x", v, (size_t)n1);
    snx_ranges_add_ints(r, "y", v, (size_t)n2);
    snx_ranges *c = snx_ranges_cartesian(r, NULL);
    if (!c || snx_traj_explore(t, c) || snx_traj_store(t, NULL))
        die("exploring and storing");
    snx_ranges_free(c);
    snx_ranges_free(r);
    free(v);
    return t;
}

static void store_runs(snx_traj *t)
{
    for (long i = 0; i < (long)snx_traj_n_runs(t); i++) {
        if (snx_traj_begin_run(t, i))
            die("begin_run");
        double z = (double)(snx_traj_int(t, "x") * snx_traj_int(t, "y")) + 0.5;
        if (!snx_traj_add_result(t, "z", snx_double(z), "x times y") || snx_traj_store_run(t, i))
            die("storing a run");
        snx_traj_end_run(t);
    }
    if (snx_hdf5_close(t))
        die("committing");
}

static void bench_store_many_runs(const char *file)
{
    double best = 1e9;
    double bytes = 0;
    for (int rep = 0; rep < REPEAT; rep++) {
        snx_traj *t = explored(file, 50, 50);
        long empty = file_size(file);
        double t0 = now();
        store_runs(t);
        double dt = now() - t0;
        bytes = (double)(file_size(file) - empty) / 2500;
        best = dt < best ? dt : best;
        snx_traj_free(t);
    }
    printf("BENCH store_many_runs runs=2500 seconds=%.4f bytes_per_run=%.1f\n", best, bytes);
}

static void bench_load_column(const char *file)
{
    snx_traj *t = explored(file, 1000, 100);
    store_runs(t);
    snx_traj_free(t);
    double best = 1e9;
    for (int rep = 0; rep < REPEAT; rep++) {
        snx_load_opts o = snx_load_defaults();
        o.results = SNX_LOAD_NOTHING;
        snx_traj *u = snx_hdf5_load(file, &o);
        snx_node *results = u ? snx_traj_get(u, "results") : NULL;
        if (!results)
            die("loading the trajectory");
        double t0 = now();
        if (snx_traj_load_node(u, results, &(snx_item_opts){ .level = SNX_LOAD_DATA, .recursive = 1 }))
            die("loading the column");
        double dt = now() - t0;
        if (snx_traj_double(u, "results.runs.run_00099999.z") != 999.0 * 99 + 0.5)
            die("checking the last run");
        best = dt < best ? dt : best;
        snx_traj_free(u);
    }
    printf("BENCH load_column runs=100000 seconds=%.4f\n", best);
}

int main(void)
{
    char dir[] = "/tmp/snx_bench_store_XXXXXX";
    if (!mkdtemp(dir))
        die("making a scratch folder");
    char file[sizeof dir + 32];
    snprintf(file, sizeof file, "%s/bench.hdf5", dir);
    bench_store_many_runs(file);
    bench_load_column(file);
    unlink(file);
    rmdir(dir);
    return 0;
}
