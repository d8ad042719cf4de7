/* Runs that record more than they may hold (docs/ENVIRONMENT.md, "Streaming
 * monitors"; docs/PERFORMANCE.md, "monitor_stream").
 *
 *   monitor_stream  one run of the Environment (one worker, HDF5 storage with the
 *                   default settings): 2000 Poisson neurons at 5 kHz (half of them
 *                   spike in every 0.1 ms step) for as long as it takes to record at
 *                   least N spikes (default 10^8), all recorded by a spike monitor
 *                   that streams (snx_traj_stream_monitor, the default 4 MiB bound)
 *                   and is stored with snx_traj_add_monitor.
 *   monitor_stream_trace  the same for a state monitor: 1000 neurons relaxing
 *                   towards their own input with their own time constant (dv/dt =
 *                   (I - v)/tau, I from 1 to 2, tau from 0.1 s to 5 s), v of every
 *                   neuron recorded in every step until at least S samples (neuron
 *                   values, default 10^8) are recorded.
 *
 *   bench_monitor_stream [N [FOLDER [S]]]   (0 skips a case; FOLDER for the files,
 *                                             default ".")
 *
 * Prints
 *   BENCH monitor_stream spikes=<n> run_rss_mb=<m> writer_rss_mb=<w> seconds=<t>
 *   BENCH monitor_stream_trace samples=<n> run_rss_mb=<m> writer_rss_mb=<w> seconds=<t>
 * m: the run process's peak resident set (getrusage in the run, after the run),
 * w: the writer's (after snx_env_run, before checking; each case runs in a process
 * of its own, so that its peak is its own), t: from snx_env_new to snx_env_free.
 * Then the stored result is read back in slabs with libhdf5 and checked. Spikes:
 * nspikes equals the length of i and t, i in range, t in time order on the dt grid
 * and inside the run, and the per-neuron counts of i equal the stored `count`
 * (counted by the engine apart from the spike list, so a lost, doubled or misplaced
 * block fails). Traces: t is the dt grid, every sample of v equals the closed-form
 * solution I (1 - exp(-t/tau)) at the end of its step to 1e-9 (a lost, doubled or
 * misplaced block, or a neuron's row in another's place, fails). The rest of each
 * result loads with snex. A wrong answer fails the benchmark (exit 1). */
#include "snex.h"

#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define N_NEURONS 2000
#define RATE_HZ 5000.0
#define DT 1e-4
#define SLAB ((size_t)1 << 20)
#define TRACE_NEURONS 1000
#define TRACE_SLAB 1024 /* samples per neuron read back at once */
#define TRACE_EQS                                                                   \
    "dv/dt = (I - v)/tau : 1\n"                                                      \
    "I : 1 (constant)\n"                                                             \
    "tau : second (constant)"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double peak_rss_mb(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (double)u.ru_maxrss / 1024.0; /* kB on Linux */
}

typedef struct bench {
    double duration; /* s */
} bench;

/* Streams monitor `mon` into result `name`, runs, adds the result; the run's value
 * is its peak RSS. */
static int stream_and_run(snx_traj *traj, snx_net *net, snx_monitor *mon, const char *name,
                          double duration, snx_value *result)
{
    int rc = mon ? snx_traj_stream_monitor(traj, name, mon, NULL) : snx_errcode();
    if (!rc)
        rc = snx_net_run(net, duration);
    if (!rc && !snx_traj_add_monitor(traj, name, mon, NULL))
        rc = snx_errcode();
    snx_net_free(net);
    *result = snx_double(peak_rss_mb());
    return rc;
}

static int run_spikes(snx_traj *traj, void *data, snx_value *result)
{
    const bench *b = data;
    snx_net *net = snx_net_new(&(snx_net_opts){ .dt = DT, .seed = snx_env_run_seed(traj) });
    char rate[32];
    snprintf(rate, sizeof rate, "%g*Hz", RATE_HZ);
    snx_group *g = net ? snx_poisson_new(net, "input", N_NEURONS, rate) : NULL;
    snx_monitor *sp = g ? snx_monitor_spikes(net, "spikes", g, NULL, 0) : NULL;
    return stream_and_run(traj, net, sp, "spikes", b->duration, result);
}

static int run_trace(snx_traj *traj, void *data, snx_value *result)
{
    const bench *b = data;
    snx_net *net = snx_net_new(&(snx_net_opts){ .dt = DT, .seed = snx_env_run_seed(traj) });
    snx_group *g = net ? snx_group_new(net, "neurons", TRACE_NEURONS, TRACE_EQS, NULL) : NULL;
    snx_monitor *st = NULL;
    if (g && !snx_group_init(g, "I", "1 + i/N") &&
        !snx_group_init(g, "tau", "(0.1 + 4.9*i/N)*second"))
        st = snx_monitor_state(net, "trace", g, "v", NULL);
    return stream_and_run(traj, net, st, "trace", b->duration, result);
}

static int fail(const char *what)
{
    fprintf(stderr, "bench_monitor_stream: %s\n", what);
    return 1;
}

/* Reads count[] elements from start[] of the rank-d dataset into buf. */
static int read_slab(hid_t ds, hid_t type, int rank, const hsize_t *start,
                     const hsize_t *count, void *buf)
{
    hid_t fs = H5Dget_space(ds);
    hid_t ms = H5Screate_simple(rank, count, NULL);
    int rc = H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL) < 0 ||
             H5Dread(ds, type, ms, fs, H5P_DEFAULT, buf) < 0;
    H5Sclose(ms);
    H5Sclose(fs);
    return rc;
}

static int read_range(hid_t ds, hid_t type, size_t at, size_t n, void *buf)
{
    return read_slab(ds, type, 1, (hsize_t[]){ at }, (hsize_t[]){ n }, buf);
}

/* The extents of a dataset that grew piece by piece (up to 2 dimensions, the last
 * unlimited: it streamed); non-zero for any other. */
static int extents(hid_t ds, hsize_t *dims)
{
    hsize_t max[2] = { 0, 0 };
    dims[0] = dims[1] = 0;
    hid_t s = ds < 0 ? H5I_INVALID_HID : H5Dget_space(ds);
    int rank = s < 0 ? -1 : H5Sget_simple_extent_ndims(s);
    int ok = rank >= 1 && rank <= 2 && H5Sget_simple_extent_dims(s, dims, max) >= 0 &&
             max[rank - 1] == H5S_UNLIMITED;
    if (s >= 0)
        H5Sclose(s);
    return !ok;
}

static hid_t open_item(hid_t f, const char *result, const char *item)
{
    char p[128];
    snprintf(p, sizeof p, "stream/results/runs/run_00000000/%s/%s", result, item);
    return H5Dopen2(f, p, H5P_DEFAULT);
}

/* Reads the stored spikes back slab by slab and checks them (see the top). */
static int check_spikes(const char *file, double duration, long long *n_out)
{
    hid_t f = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0)
        return fail("cannot open the file");
    hid_t di = open_item(f, "spikes", "i"), dt = open_item(f, "spikes", "t");
    hid_t dc = open_item(f, "spikes", "count"), dn = open_item(f, "spikes", "nspikes");
    long long nspikes = -1;
    int64_t counts[N_NEURONS], mine[N_NEURONS] = { 0 };
    int bad = di < 0 || dt < 0 || dc < 0 || dn < 0 ||
              H5Dread(dn, H5T_NATIVE_LLONG, H5S_ALL, H5S_ALL, H5P_DEFAULT, &nspikes) < 0 ||
              H5Dread(dc, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, counts) < 0;
    hsize_t len_i[2], len_t[2];
    bad = bad || extents(di, len_i) || extents(dt, len_t) || (long long)len_i[0] != nspikes ||
          len_t[0] != len_i[0];
    int64_t *bi = malloc(SLAB * sizeof *bi);
    double *bt = malloc(SLAB * sizeof *bt), last = 0;
    for (size_t at = 0; !bad && bi && bt && at < len_i[0]; at += SLAB) {
        size_t n = len_i[0] - at < SLAB ? len_i[0] - at : SLAB;
        bad = read_range(di, H5T_NATIVE_INT64, at, n, bi) ||
              read_range(dt, H5T_NATIVE_DOUBLE, at, n, bt);
        for (size_t k = 0; !bad && k < n; k++) {
            double steps = bt[k] / DT;
            bad = bi[k] < 0 || bi[k] >= N_NEURONS || bt[k] < last || bt[k] >= duration ||
                  fabs(steps - round(steps)) > 1e-6;
            if (!bad)
                mine[bi[k]]++;
            last = bt[k];
        }
    }
    for (int k = 0; !bad && k < N_NEURONS; k++)
        bad = mine[k] != counts[k];
    free(bi);
    free(bt);
    H5Dclose(di);
    H5Dclose(dt);
    H5Dclose(dc);
    H5Dclose(dn);
    H5Fclose(f);
    *n_out = nspikes;
    return bad ? fail("the stored spikes are wrong") : 0;
}

/* Neuron k's v at the end of the step that starts at t: the closed form (exponential
 * Euler, which the engine picks for this linear equation, is exact for it). */
static double trace_value(size_t k, double t)
{
    double I = 1 + (double)k / TRACE_NEURONS, tau = 0.1 + 4.9 * (double)k / TRACE_NEURONS;
    return I * -expm1(-(t + DT) / tau);
}

/* Reads the stored traces back in slabs of TRACE_SLAB samples and checks them (see
 * the top). */
static int check_trace(const char *file, double duration, long long *n_out)
{
    hid_t f = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0)
        return fail("cannot open the file");
    hid_t dv = open_item(f, "trace", "v"), dt = open_item(f, "trace", "t");
    hsize_t dims[2], len_t[2];
    int bad = dv < 0 || dt < 0 || extents(dv, dims) || extents(dt, len_t) ||
              dims[0] != TRACE_NEURONS || dims[1] != len_t[0] ||
              fabs((double)dims[1] * DT - duration) > DT / 2;
    double *bv = malloc((size_t)TRACE_NEURONS * TRACE_SLAB * sizeof *bv);
    double *bt = malloc(TRACE_SLAB * sizeof *bt), worst = 0;
    for (size_t at = 0; !bad && bv && bt && at < dims[1]; at += TRACE_SLAB) {
        size_t n = dims[1] - at < TRACE_SLAB ? dims[1] - at : TRACE_SLAB;
        bad = read_range(dt, H5T_NATIVE_DOUBLE, at, n, bt) ||
              read_slab(dv, H5T_NATIVE_DOUBLE, 2, (hsize_t[]){ 0, at },
                        (hsize_t[]){ TRACE_NEURONS, n }, bv);
        for (size_t j = 0; !bad && j < n; j++)
            bad = fabs(bt[j] - (double)(at + j) * DT) > 1e-9;
        for (size_t k = 0; !bad && k < TRACE_NEURONS; k++)
            for (size_t j = 0; j < n; j++) {
                double e = fabs(bv[k * n + j] - trace_value(k, bt[j]));
                worst = e > worst ? e : worst;
            }
        bad = bad || !(worst <= 1e-9);
    }
    free(bv);
    free(bt);
    H5Dclose(dv);
    H5Dclose(dt);
    H5Fclose(f);
    *n_out = (long long)(dims[0] * dims[1]);
    if (bad)
        fprintf(stderr, "bench_monitor_stream: largest difference from the closed form %g\n",
                worst);
    return bad ? fail("the stored traces are wrong") : 0;
}

/* The other items, through snex's loader: the source group's name, and the count
 * (spikes) or the recorded neurons (traces). */
static int check_load(const char *file, const char *result, const char *source,
                      long long nspikes)
{
    snx_load_opts o = snx_load_defaults();
    o.name = "stream";
    snx_traj *t = snx_hdf5_load(file, &o);
    char name[96];
    snprintf(name, sizeof name, "results.runs.run_00000000.%s", result);
    snx_node *res = t ? snx_traj_get(t, name) : NULL;
    const char *only[] = { "nspikes", "record", "source", "monitor_type", NULL };
    int bad = !res || snx_traj_load_node(t, res, &(snx_item_opts){ .level = SNX_LOAD_DATA,
                                                                   .load_only = only });
    const snx_value *n = bad ? NULL : snx_result_get(res, "nspikes");
    const snx_value *rec = bad ? NULL : snx_result_get(res, "record");
    const snx_value *src = bad ? NULL : snx_result_get(res, "source");
    bad = bad || !src || strcmp(snx_value_str(src), source) != 0;
    if (!bad && nspikes >= 0)
        bad = !n || snx_value_int(n) != nspikes;
    if (!bad && nspikes < 0) { /* every neuron, in order */
        bad = !rec || rec->type != SNX_T_INT_ARRAY || rec->u.a.len != TRACE_NEURONS;
        for (size_t k = 0; !bad && k < TRACE_NEURONS; k++)
            bad = ((const int64_t *)rec->u.a.data)[k] != (int64_t)k;
    }
    snx_traj_free(t);
    return bad ? fail(snx_errcode() ? snx_errmsg() : "the result loads wrong") : 0;
}

/* One run of the Environment that stores into file; its peaks and time. */
static int sweep(const char *file, snx_run_fn run, bench *b, double *run_mb,
                 double *writer_mb, double *seconds)
{
    double t0 = now();
    snx_env *env = snx_env_new(&(snx_env_opts){ .trajectory = "stream", .filename = file,
                                                .overwrite = true, .n_workers = 1,
                                                .log_folder = "", .log_level = SNX_LOG_ERROR,
                                                .progress = SNX_PROGRESS_OFF, .seed = 1 });
    if (!env)
        return fail(snx_errmsg());
    int rc = snx_env_run(env, run, b);
    *writer_mb = peak_rss_mb();
    size_t n;
    const snx_run_result *r = snx_env_results(env, &n);
    *run_mb = !rc && n == 1 ? snx_value_double(&r[0].value) : -1;
    snx_env_free(env);
    *seconds = now() - t0;
    return rc ? fail(snx_errmsg()) : 0;
}

static int bench_spikes(double target, const char *file)
{
    /* half of the neurons spike per step: steps for the target, and 1 % more */
    bench b = { .duration = ceil(target * 1.01 / (N_NEURONS * RATE_HZ * DT)) * DT };
    double run_mb, writer_mb, seconds;
    long long spikes = 0;
    if (sweep(file, run_spikes, &b, &run_mb, &writer_mb, &seconds) ||
        check_spikes(file, b.duration, &spikes) || check_load(file, "spikes", "input", spikes))
        return 1;
    if ((double)spikes < target)
        return fail("fewer spikes than asked for");
    printf("BENCH monitor_stream spikes=%lld run_rss_mb=%.1f writer_rss_mb=%.1f seconds=%.1f\n",
           spikes, run_mb, writer_mb, seconds);
    return 0;
}

static int bench_trace(double target, const char *file)
{
    bench b = { .duration = ceil(target / TRACE_NEURONS) * DT };
    double run_mb, writer_mb, seconds;
    long long samples = 0;
    if (sweep(file, run_trace, &b, &run_mb, &writer_mb, &seconds) ||
        check_trace(file, b.duration, &samples) || check_load(file, "trace", "neurons", -1))
        return 1;
    if ((double)samples < target)
        return fail("fewer samples than asked for");
    printf("BENCH monitor_stream_trace samples=%lld run_rss_mb=%.1f writer_rss_mb=%.1f "
           "seconds=%.1f\n", samples, run_mb, writer_mb, seconds);
    return 0;
}

/* case(target, file) in a child process, so that its peak RSS is its own. */
static int in_child(int (*bench_case)(double, const char *), double target, const char *file)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return fail("cannot fork");
    if (pid == 0) {
        int rc = bench_case(target, file);
        if (!rc) /* (a wrong one stays, to be looked at) */
            unlink(file);
        exit(rc);
    }
    int status;
    if (waitpid(pid, &status, 0) != pid)
        return fail("lost a case's process");
    return WIFEXITED(status) ? WEXITSTATUS(status) : fail("a case's process was killed");
}

int main(int argc, char **argv)
{
    double spikes = argc > 1 ? atof(argv[1]) : 1e8;
    const char *folder = argc > 2 ? argv[2] : ".";
    double samples = argc > 3 ? atof(argv[3]) : 1e8;
    char file[512];
    snprintf(file, sizeof file, "%s/bench_monitor_stream.hdf5", folder);
    int rc = spikes > 0 ? in_child(bench_spikes, spikes, file) : 0;
    return rc ? rc : samples > 0 ? in_child(bench_trace, samples, file) : 0;
}
