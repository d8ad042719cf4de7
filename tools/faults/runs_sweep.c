/* The sweep that tools/faults/runs.sh and tests/test_env_mpi.py break in every way
 * they can:
 *
 *   runs_sweep FILE MODE N [resume]
 *
 * N runs of x = 0..N-1 on two workers (per rank under mpirun, where rank 0 writes
 * and ranks that go silent for 3 s are given up), trajectory "faults", master seed
 * 42, each
 * storing a scalar and a 200-element trace computed from its seed and x after
 * sleeping 5-25 ms, committing every 20 ms. MODE:
 *   clean    every run completes
 *   faulty   run 1 segfaults, 2 aborts, 3 exits, 4 hangs (run_timeout 1 s), 5 exhausts
 *            its memory (run_memory 256 MB), the others complete
 *   slow     runs sleep 150 ms (for SIGINT); with RUNS_SWEEP_MIDRUN=DIR set, a run
 *            keeps a file DIR/<its pid> while it sleeps, so that a test can kill a
 *            run process in the middle of its run (not one already reporting or
 *            exiting, which under AddressSanitizer takes a while)
 *   stream   as clean, and each run also simulates a small network for 0.1 s in five
 *            parts, sleeping between them, with a spike and a state monitor that
 *            stream in small blocks (a few dozen pieces per run, sent while it runs);
 *            a run that streamed nothing fails ("... streamed nothing")
 *   stream-slow  the same, sleeping 150 ms in all (to be killed mid-stream)
 *   kept     the same monitors keeping everything: what stream stores must equal
 *            what kept stores, value for value
 * Prints one line per run ("run X ok" or "run X failed: why") and exits with 0 (all
 * completed), 1 (some failed), 3 (interrupted), or 2 (snx_env_new or the
 * environment failed: its message on stderr). */
#include "snex.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *g_mode;

static void nap(double seconds)
{
    struct timespec ts = { (time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9) };
    while (nanosleep(&ts, &ts))
        ;
}

/* nap(), marked in RUNS_SWEEP_MIDRUN's folder meanwhile (see slow). */
static void nap_marked(double seconds)
{
    const char *dir = getenv("RUNS_SWEEP_MIDRUN");
    char path[4096] = "";
    if (dir && snprintf(path, sizeof path, "%s/%ld", dir, (long)getpid()) < (int)sizeof path) {
        FILE *f = fopen(path, "w");
        if (f)
            fclose(f);
    }
    nap(seconds);
    if (*path)
        remove(path);
}

static enum { NO_MONITORS, KEPT, STREAMED } g_monitors;

/* Poisson input into leaky neurons, recorded by a spike monitor (the input) and a
 * state monitor (two neurons' v), simulated in five parts with `pause` seconds of
 * sleep after each, so that pieces leave while the run goes on. */
static int record(snx_traj *traj, long x, double pause)
{
    snx_net *net = snx_net_new(&(snx_net_opts){ .seed = snx_env_run_seed(traj) });
    char rate[32];
    snprintf(rate, sizeof rate, "%ld*Hz", 100 + 20 * (x % 7));
    snx_group *in = net ? snx_poisson_new(net, "in", 40, rate) : NULL;
    snx_group *g = in ? snx_group_new(net, "lif", 10, "dv/dt = (0.2 - v)/(5*ms) : 1",
                                      &(snx_group_opts){ .threshold = "v > 1",
                                                         .reset = "v = 0" })
                      : NULL;
    snx_synapses *s = g ? snx_synapses_new(net, "in_lif", in, g,
                                           &(snx_synapses_opts){ .on_pre = "v += 0.25" })
                        : NULL;
    int rc = s ? snx_synapses_connect_p(s, 0.3, NULL) : snx_errcode();
    snx_monitor *sp = rc ? NULL : snx_monitor_spikes(net, "spikes", in, NULL, 0);
    snx_monitor *st = sp ? snx_monitor_state(net, "v", g, "v",
                                             &(snx_state_monitor_opts){
                                                 .neurons = (int32_t[]){ 2, 5 },
                                                 .n_neurons = 2 })
                         : NULL;
    if (!rc && !st)
        rc = snx_errcode();
    if (!rc && g_monitors == STREAMED) /* blocks of 64 spikes and of 32 samples */
        rc = snx_traj_stream_monitor(traj, "spikes", sp,
                                     &(snx_stream_opts){ .max_bytes = 1536 });
    if (!rc && g_monitors == STREAMED)
        rc = snx_traj_stream_monitor(traj, "v", st, &(snx_stream_opts){ .max_bytes = 2048 });
    for (int part = 0; !rc && part < 5; part++) {
        rc = snx_net_run(net, 0.02);
        nap(pause / 5);
    }
    if (!rc && g_monitors == STREAMED && !snx_monitor_n_streamed(sp))
        rc = snx_error(SNX_ESTATE, "run %ld: the spike monitor streamed nothing", x);
    if (!rc && (!snx_traj_add_monitor(traj, "spikes", sp, "input spikes") ||
                !snx_traj_add_monitor(traj, "v", st, "two neurons' v")))
        rc = snx_errcode();
    snx_net_free(net);
    return rc;
}

static int run(snx_traj *traj, void *data, snx_value *ret)
{
    (void)data;
    long x = (long)snx_traj_int(traj, "x");
    uint64_t s = snx_env_run_seed(traj);
    if (strcmp(g_mode, "faulty") == 0) {
        switch (x) {
        case 1: raise(SIGSEGV); break;
        case 2: abort();
        case 3: exit(3);
        case 4: for (;;) nap(1);
        case 5:
            for (;;) { /* until the limit says no */
                char *p = malloc((size_t)64 << 20);
                if (!p)
                    return snx_error(SNX_ENOMEM, "out of memory after allocating in a loop");
                memset(p, 1, (size_t)64 << 20);
            }
        }
    }
    double pause = strstr(g_mode, "slow") ? 0.15 : 0.005 + (double)(s % 20) * 1e-3;
    if (g_monitors) {
        int rc = record(traj, x, pause);
        if (rc)
            return rc;
    } else {
        nap_marked(pause);
    }
    double trace[200];
    for (int k = 0; k < 200; k++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        trace[k] = (double)(s >> 11) * 0x1p-53 + (double)x;
    }
    if (!snx_traj_add_result(traj, "value", snx_double(trace[0] * 2), "a scalar") ||
        !snx_traj_add_result(traj, "trace", snx_double_array(200, trace), "an array"))
        return snx_errcode();
    *ret = snx_int(x);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: runs_sweep FILE clean|faulty|slow|stream|stream-slow|kept N "
                        "[resume]\n");
        return 2;
    }
    g_mode = argv[2];
    g_monitors = strncmp(g_mode, "stream", 6) == 0 ? STREAMED
                 : strcmp(g_mode, "kept") == 0    ? KEPT
                                                  : NO_MONITORS;
    long n = atol(argv[3]);
    bool faulty = strcmp(g_mode, "faulty") == 0;
    snx_env *env = snx_env_new(&(snx_env_opts){
        .trajectory = "faults", .filename = argv[1], .seed = 42, .n_workers = 2,
        .commit_interval = 0.02, .resume = argc > 4 && strcmp(argv[4], "resume") == 0,
        .run_timeout = faulty ? 1.0 : 0, .run_memory = faulty ? (size_t)256 << 20 : 0,
        .grace_period = 5, .rank_timeout = 3, .log_folder = "", .log_level = SNX_LOG_ERROR,
        .progress = SNX_PROGRESS_OFF });
    if (!env) {
        fprintf(stderr, "runs_sweep: %s\n", snx_errmsg());
        return 2;
    }
    snx_traj *traj = snx_env_traj(env);
    if (!snx_env_resuming(env)) {
        /* RUNS_SWEEP_DIFFER (on one MPI rank: tests/test_env_mpi.py) builds another
         * trajectory: "explored" another value of x in the last run, "value" another
         * tau, "missing" no tau; and starts 0.3 s late, when the other ranks' runs
         * are running */
        const char *differ = getenv("RUNS_SWEEP_DIFFER");
        differ = differ ? differ : "";
        int64_t *xs = malloc((size_t)n * sizeof *xs);
        for (long k = 0; k < n; k++)
            xs[k] = k + (k == n - 1 && !strcmp(differ, "explored"));
        snx_ranges *r = snx_ranges_new();
        if (strcmp(differ, "missing") &&
            !snx_traj_add_parameter(traj, "tau",
                                    snx_quantity(strcmp(differ, "value") ? 10 : 20, "ms"),
                                    "a parameter that is not explored")) {
            fprintf(stderr, "runs_sweep: %s\n", snx_errmsg());
            return 2;
        }
        if (!snx_traj_add_parameter(traj, "x", snx_int(0), "the run's number") ||
            snx_ranges_add_ints(r, "x", xs, (size_t)n) || snx_traj_explore(traj, r)) {
            fprintf(stderr, "runs_sweep: %s\n", snx_errmsg());
            return 2;
        }
        snx_ranges_free(r);
        free(xs);
        if (*differ)
            nap(0.3);
    }
    int rc = snx_env_run(env, run, NULL);
    size_t count = 0;
    const snx_run_result *res = snx_env_results(env, &count);
    if (!snx_env_writer(env)) /* an MPI worker rank: rank 0 has the results */
        count = 0;
    for (size_t k = 0; k < count; k++)
        if (res[k].status == 0)
            printf("run %ld ok\n", res[k].idx);
        else if (res[k].error)
            printf("run %ld failed: %s\n", res[k].idx, res[k].error);
    int interrupted = snx_env_interrupted(env);
    if (rc && rc != SNX_ERUN)
        fprintf(stderr, "runs_sweep: %s\n", snx_errmsg());
    snx_env_free(env);
    return interrupted ? 3 : rc == 0 ? 0 : rc == SNX_ERUN ? 1 : 2;
}
