/* The Environment end to end (docs/PERFORMANCE.md, "env_example18", "env_trivial").
 *
 *   env_example18  pypet's example 18: x, y in 1..50 (cartesian, 2500 runs), each run
 *                  stores z = x * y as `$set.$.z`; 2 workers, HDF5 storage with the
 *                  default settings, from snx_env_new to snx_env_free (the file
 *                  closed). pypet needs about 17 s for this.
 *   env_trivial    10^5 runs that store nothing and return their index; 2 workers, no
 *                  file: the cost of the process machinery itself (fork per run,
 *                  messages, bookkeeping).
 *   env_mpi_trivial  (built with MPI) the same 10^5 runs as an MPI sweep: this
 *                  program again under `mpirun --oversubscribe -np 3`, rank 0 writing,
 *                  ranks 1 and 2 with one reused run process each: how many runs per
 *                  second rank 0 dispatches and takes in (docs/CLUSTER.md).
 *
 * Each prints one line:
 *   BENCH env_example18 runs=2500 workers=2 seconds=<t>
 *   BENCH env_trivial runs=100000 workers=2 seconds=<t> us_per_run=<u>
 *   BENCH env_mpi_trivial ranks=3 runs=100000 runs_per_s=<r> rank0_cpu_us_per_run=<c>
 *     (c: rank 0's own CPU time per run, so 10^6/c is what rank 0 alone could take in
 *     when the machine is not also running the workers)
 * The stored example 18 file is loaded again and every z checked; every trivial run's
 * return value is checked; a wrong answer fails the benchmark. */
#include "snex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static double cpu_now(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (double)(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           1e-6 * (double)(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void die(const char *what)
{
    fprintf(stderr, "bench_env: %s: %s\n", what, snx_errmsg());
    exit(1);
}

/* ---- example 18 ------------------------------------------------------------------- */

static int multiply(snx_traj *traj, void *data, snx_value *result)
{
    (void)data, (void)result;
    int64_t z = snx_traj_int(traj, "x") * snx_traj_int(traj, "y");
    return snx_traj_add_result(traj, "$set.$.z", snx_int(z),
                               "Result of our simulation sorted into buckets of 1000 runs "
                               "each") ? 0 : snx_errcode();
}

static int explore_xy(snx_traj *traj, int n)
{
    int64_t *v = malloc((size_t)n * sizeof *v);
    for (int k = 0; v && k < n; k++)
        v[k] = k + 1;
    snx_ranges *r = snx_ranges_new(), *product = NULL;
    int rc = !v || !r || !snx_traj_add_parameter(traj, "x", snx_int(1), "I am the first dimension") ||
             !snx_traj_add_parameter(traj, "y", snx_int(1), "I am the second dimension") ||
             snx_ranges_add_ints(r, "x", v, (size_t)n) || snx_ranges_add_ints(r, "y", v, (size_t)n) ||
             !(product = snx_ranges_cartesian(r, (const char *[]){ "x", "y", NULL })) ||
             snx_traj_explore(traj, product);
    snx_ranges_free(product);
    snx_ranges_free(r);
    free(v);
    return rc;
}

static double example18_once(const char *file)
{
    unlink(file);
    double t0 = now();
    snx_env *env = snx_env_new(&(snx_env_opts){
        .trajectory = "Multiplication", .filename = file, .n_workers = 2, .stateless = 1,
        .comment = "Contains many runs", .log_level = SNX_LOG_WARNING, .log_folder = "",
        .progress = SNX_PROGRESS_OFF });
    if (!env || explore_xy(snx_env_traj(env), 50))
        die("example 18: setting up");
    if (snx_env_run(env, multiply, NULL))
        die("example 18: running");
    snx_env_free(env);
    double dt = now() - t0;

    snx_load_opts lo = snx_load_defaults();
    lo.results = SNX_LOAD_DATA;
    snx_traj *t = snx_hdf5_load(file, &lo);
    if (!t || snx_traj_n_runs(t) != 2500)
        die("example 18: loading the file");
    for (long k = 0; k < 2500; k++) {
        char name[80];
        snprintf(name, sizeof name, "results.run_set_%05ld.run_%08ld.z", k / 1000, k);
        if (snx_traj_int(t, name) != (k / 50 + 1) * (k % 50 + 1))
            die("example 18: a wrong z in the file");
    }
    snx_traj_free(t);
    return dt;
}

/* ---- trivial runs ------------------------------------------------------------------ */

static int trivial(snx_traj *traj, void *data, snx_value *result)
{
    (void)data;
    *result = snx_int(snx_traj_run_idx(traj));
    return 0;
}

/* *writer: whether this process wrote (false on an MPI worker rank). */
static double trivial_once(long n, int stateless, size_t workers, bool *writer)
{
    double t0 = now();
    snx_env *env = snx_env_new(&(snx_env_opts){
        .trajectory = "trivial", .storage = SNX_ENV_NO_STORAGE, .n_workers = workers,
        .stateless = stateless,
        .log_level = SNX_LOG_WARNING, .log_folder = "", .progress = SNX_PROGRESS_OFF });
    snx_traj *traj = env ? snx_env_traj(env) : NULL;
    int64_t *v = malloc((size_t)n * sizeof *v);
    for (long k = 0; v && k < n; k++)
        v[k] = k;
    snx_ranges *r = snx_ranges_new();
    if (!traj || !v || !r || !snx_traj_add_parameter(traj, "k", snx_int(0), NULL) ||
        snx_ranges_add_ints(r, "k", v, (size_t)n) || snx_traj_explore(traj, r))
        die("trivial: setting up");
    snx_ranges_free(r);
    free(v);
    if (snx_env_run(env, trivial, NULL))
        die("trivial: running");
    double dt = now() - t0;
    size_t m = (size_t)n;
    const snx_run_result *res = snx_env_results(env, &m);
    *writer = snx_env_writer(env);
    if (!*writer) /* an MPI worker rank: rank 0 checks */
        m = 0, n = 0;
    for (size_t k = 0; k < m; k++)
        if (res[k].status || snx_value_int(&res[k].value) != (int64_t)k)
            die("trivial: a wrong return value");
    if (m != (size_t)n)
        die("trivial: runs missing");
    snx_env_free(env);
    return dt;
}

/* Runs this program under mpirun as env_mpi_trivial's ranks (as root, Open MPI wants
 * its two variables). */
static void mpi_trivial(long runs)
{
#ifdef SNX_HAVE_MPI
    char self[4096], cmd[4200];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        die("finding this program");
    self[n] = '\0';
    setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 0);
    setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 0);
    snprintf(cmd, sizeof cmd, "mpirun --oversubscribe -np 3 '%s' mpi_rank %ld", self, runs);
    fflush(stdout);
    if (system(cmd) != 0)
        die("env_mpi_trivial: mpirun failed");
#else
    (void)runs; /* built without MPI: no line */
#endif
}

/* bench_env [example18|trivial|mpi_trivial [runs]]: all by default. */
int main(int argc, char **argv)
{
    const char *only = argc > 1 ? argv[1] : "";
    long trivial_runs = argc > 2 ? atol(argv[2]) : 100000;
    if (!*only || strcmp(only, "example18") == 0) {
        char dir[] = "/tmp/snx_bench_env_XXXXXX";
        if (!mkdtemp(dir))
            die("making a scratch folder");
        char file[sizeof dir + 32];
        snprintf(file, sizeof file, "%s/example_18.hdf5", dir);
        double best = 1e9;
        for (int rep = 0; rep < 3; rep++) {
            double t = example18_once(file);
            best = t < best ? t : best;
        }
        printf("BENCH env_example18 runs=2500 workers=2 seconds=%.3f\n", best);
        fflush(stdout);
        unlink(file);
        rmdir(dir);
    }
    if (!*only || strcmp(only, "trivial") == 0) {
        /* A fresh process per run (the default, for runs that change state outside
         * the trajectory), on a tenth of the runs; first, while this process is
         * small: a fork copies the page tables of all the memory a process holds. */
        long n_fresh = trivial_runs / 10 > 0 ? trivial_runs / 10 : 1;
        bool writer;
        double f = trivial_once(n_fresh, 0, 2, &writer);
        double t = trivial_once(trivial_runs, 1, 2, &writer);
        printf("BENCH env_trivial runs=%ld workers=2 seconds=%.2f us_per_run=%.1f\n",
               trivial_runs, t, 1e6 * t / (double)trivial_runs);
        printf("BENCH env_trivial_fresh_process runs=%ld workers=2 seconds=%.2f "
               "us_per_run=%.1f ratio_vs_reused=%.1f\n", n_fresh, f,
               1e6 * f / (double)n_fresh, (f / (double)n_fresh) / (t / (double)trivial_runs));
    }
    if (!*only || strcmp(only, "mpi_trivial") == 0)
        mpi_trivial(trivial_runs);
    if (strcmp(only, "mpi_rank") == 0) { /* a rank of mpi_trivial's job */
        bool writer;
        double c0 = cpu_now();
        double t = trivial_once(trivial_runs, 1, 1, &writer);
        double cpu = cpu_now() - c0;
        if (writer)
            printf("BENCH env_mpi_trivial ranks=3 runs=%ld runs_per_s=%.0f "
                   "rank0_cpu_us_per_run=%.1f\n", trivial_runs, (double)trivial_runs / t,
                   1e6 * cpu / (double)trivial_runs);
    }
    return 0;
}
