/* A run that records more spikes than it may hold (docs/ENVIRONMENT.md, "Streaming
 * monitors"; docs/PERFORMANCE.md, "monitor_stream").
 *
 *   monitor_stream  one run of the Environment (one worker, HDF5 storage with the
 *                   default settings): 2000 Poisson neurons at 5 kHz (half of them
 *                   spike in every 0.1 ms step) for as long as it takes to record at
 *                   least N spikes (argv[1], default 10^8), all recorded by a spike
 *                   monitor that streams (snx_traj_stream_monitor, the default 4 MiB
 *                   bound) and is stored with snx_traj_add_monitor.
 *
 * Prints
 *   BENCH monitor_stream spikes=<n> run_rss_mb=<m> writer_rss_mb=<w> seconds=<t>
 * m: the run process's peak resident set (getrusage in the run, after the run),
 * w: the writer's (this process's, after snx_env_run, before checking), t: from
 * snx_env_new to snx_env_free. Then the stored result is read back in slabs of 2^20
 * spikes with libhdf5 and checked: nspikes equals the length of i and t, i in range,
 * t in time order on the dt grid and inside the run, and the per-neuron counts of i
 * equal the stored `count` (counted by the engine apart from the spike list, so a
 * lost, doubled or misplaced block fails); the rest of the result loads with snex.
 * A wrong answer fails the benchmark (exit 1). Argument 2: the folder for the file
 * (default "."). */
#include "snex.h"

#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define N_NEURONS 2000
#define RATE_HZ 5000.0
#define DT 1e-4
#define SLAB ((size_t)1 << 20)

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

static int run(snx_traj *traj, void *data, snx_value *result)
{
    const bench *b = data;
    snx_net *net = snx_net_new(&(snx_net_opts){ .dt = DT, .seed = snx_env_run_seed(traj) });
    char rate[32];
    snprintf(rate, sizeof rate, "%g*Hz", RATE_HZ);
    snx_group *g = net ? snx_poisson_new(net, "input", N_NEURONS, rate) : NULL;
    snx_monitor *sp = g ? snx_monitor_spikes(net, "spikes", g, NULL, 0) : NULL;
    int rc = sp ? snx_traj_stream_monitor(traj, "spikes", sp, NULL) : snx_errcode();
    if (!rc)
        rc = snx_net_run(net, b->duration);
    if (!rc && !snx_traj_add_monitor(traj, "spikes", sp, "every spike"))
        rc = snx_errcode();
    snx_net_free(net);
    *result = snx_double(peak_rss_mb());
    return rc;
}

static int fail(const char *what)
{
    fprintf(stderr, "bench_monitor_stream: %s\n", what);
    return 1;
}

static int read_slab(hid_t ds, hid_t type, size_t at, size_t n, void *buf)
{
    hid_t fs = H5Dget_space(ds);
    hsize_t start = at, count = n;
    hid_t ms = H5Screate_simple(1, &count, NULL);
    int rc = H5Sselect_hyperslab(fs, H5S_SELECT_SET, &start, NULL, &count, NULL) < 0 ||
             H5Dread(ds, type, ms, fs, H5P_DEFAULT, buf) < 0;
    H5Sclose(ms);
    H5Sclose(fs);
    return rc;
}

/* Reads the stored spikes back slab by slab and checks them (see the top). */
static int check_file(const char *file, double duration, long long *n_out)
{
    hid_t f = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0)
        return fail("cannot open the file");
    const char *base = "stream/results/runs/run_00000000/spikes/";
    char p[128];
    snprintf(p, sizeof p, "%si", base);
    hid_t di = H5Dopen2(f, p, H5P_DEFAULT);
    snprintf(p, sizeof p, "%st", base);
    hid_t dt = H5Dopen2(f, p, H5P_DEFAULT);
    snprintf(p, sizeof p, "%scount", base);
    hid_t dc = H5Dopen2(f, p, H5P_DEFAULT);
    snprintf(p, sizeof p, "%snspikes", base);
    hid_t dn = H5Dopen2(f, p, H5P_DEFAULT);
    long long nspikes = -1;
    int64_t counts[N_NEURONS], mine[N_NEURONS] = { 0 };
    int bad = di < 0 || dt < 0 || dc < 0 || dn < 0 ||
              H5Dread(dn, H5T_NATIVE_LLONG, H5S_ALL, H5S_ALL, H5P_DEFAULT, &nspikes) < 0 ||
              H5Dread(dc, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, counts) < 0;
    hsize_t len_i = 0, len_t = 0;
    if (!bad) {
        hid_t s = H5Dget_space(di);
        H5Sget_simple_extent_dims(s, &len_i, NULL);
        H5Sclose(s);
        s = H5Dget_space(dt);
        H5Sget_simple_extent_dims(s, &len_t, NULL);
        H5Sclose(s);
        bad = (long long)len_i != nspikes || len_t != len_i;
    }
    int64_t *bi = malloc(SLAB * sizeof *bi);
    double *bt = malloc(SLAB * sizeof *bt), last = 0;
    for (size_t at = 0; !bad && bi && bt && at < len_i; at += SLAB) {
        size_t n = len_i - at < SLAB ? len_i - at : SLAB;
        bad = read_slab(di, H5T_NATIVE_INT64, at, n, bi) ||
              read_slab(dt, H5T_NATIVE_DOUBLE, at, n, bt);
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

/* The other items, through snex's loader. */
static int check_load(const char *file, long long nspikes)
{
    snx_load_opts o = snx_load_defaults();
    o.name = "stream";
    snx_traj *t = snx_hdf5_load(file, &o);
    snx_node *res = t ? snx_traj_get(t, "results.runs.run_00000000.spikes") : NULL;
    const char *only[] = { "nspikes", "source", "monitor_type", NULL };
    int bad = !res || snx_traj_load_node(t, res, &(snx_item_opts){ .level = SNX_LOAD_DATA,
                                                                   .load_only = only });
    const snx_value *n = bad ? NULL : snx_result_get(res, "nspikes");
    const snx_value *src = bad ? NULL : snx_result_get(res, "source");
    bad = bad || !n || snx_value_int(n) != nspikes || !src ||
          strcmp(snx_value_str(src), "input") != 0;
    snx_traj_free(t);
    return bad ? fail(snx_errmsg()) : 0;
}

int main(int argc, char **argv)
{
    double target = argc > 1 ? atof(argv[1]) : 1e8;
    const char *folder = argc > 2 ? argv[2] : ".";
    char file[512];
    snprintf(file, sizeof file, "%s/bench_monitor_stream.hdf5", folder);
    /* half of the neurons spike per step: steps for the target, and 1 % more */
    bench b = { .duration = ceil(target * 1.01 / (N_NEURONS * RATE_HZ * DT)) * DT };
    double t0 = now();
    snx_env *env = snx_env_new(&(snx_env_opts){ .trajectory = "stream", .filename = file,
                                                .overwrite = true, .n_workers = 1,
                                                .log_folder = "", .log_level = SNX_LOG_ERROR,
                                                .progress = SNX_PROGRESS_OFF, .seed = 1 });
    if (!env)
        return fail(snx_errmsg());
    int rc = snx_env_run(env, run, &b);
    double writer_mb = peak_rss_mb();
    size_t n;
    const snx_run_result *r = snx_env_results(env, &n);
    double run_mb = !rc && n == 1 ? snx_value_double(&r[0].value) : -1;
    snx_env_free(env);
    double seconds = now() - t0;
    if (rc)
        return fail(snx_errmsg());
    long long spikes = 0;
    if (check_file(file, b.duration, &spikes) || check_load(file, spikes))
        return 1;
    if ((double)spikes < target)
        return fail("fewer spikes than asked for");
    unlink(file);
    printf("BENCH monitor_stream spikes=%lld run_rss_mb=%.1f writer_rss_mb=%.1f seconds=%.1f\n",
           spikes, run_mb, writer_mb, seconds);
    return 0;
}
