/* stdp: additive spike-timing-dependent plasticity (Song, Miller & Abbott 2000), as in
 * Brian2's classic example: 1000 Poisson inputs at 15 Hz drive one conductance-based
 * integrate-and-fire neuron through plastic excitatory synapses,
 *
 *   dv/dt = (ge*(Ee - v) + El - v)/taum : volt      threshold v > vt, reset v = vr
 *   dge/dt = -ge/taue : 1
 *
 *   synapses  w : 1
 *             dApre/dt = -Apre/taupre : 1 (event-driven)
 *             dApost/dt = -Apost/taupost : 1 (event-driven)
 *   on_pre    ge += w;  Apre += dApre;  w = clip(w + Apost, 0, gmax)
 *   on_post   Apost += dApost;  w = clip(w + Apre, 0, gmax)
 *
 * with depression slightly stronger than potentiation (dApost = -1.05 dApre
 * taupre/taupost). Starting from uniform random weights, competition between the
 * inputs drives every weight to one of the bounds: the final distribution is
 * bimodal, most weights near 0 or near gmax, and the output rate settles to a few Hz
 * whatever the input rate.
 *
 * The experiment is a trajectory (parameters with units, under parameters.) run by
 * the Environment, exploring the input rate F over 15, 20 and 25 Hz (at 10 Hz the
 * initial weights do not make the neuron fire, and without output spikes nothing
 * changes). Each run stores
 *   weights      the final w / gmax of all synapses
 *   w_trace      w / gmax of synapses 0 and 1, sampled every second [2 × samples],
 *                with w_trace_t (s)
 *   post_spikes  the output neuron's spike monitor
 *   rate_out     the output rate over the last 10 % of the run (Hz)
 * in hdf5/stdp.hdf5 (results.runs.run_XXXXXXXX.stdp). plot_weights draws them. */
#include "snex.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROG "stdp"
#define N_TRACED 2

typedef struct options {
    const char *file;
    double duration; /* s */
    uint64_t seed;
    bool single;     /* F = 15 Hz only */
} options;

static int fail(const char *what)
{
    fprintf(stderr, PROG ": %s: %s\n", what, snx_errmsg());
    return 1;
}

static int add_parameters(snx_traj *traj, const options *o)
{
    static const struct {
        const char *name;
        double value;
        const char *unit, *comment;
    } P[] = {
        { "input.N", 1000, NULL, "Poisson inputs" },
        { "input.F", 15, "Hz", "rate of every input" },
        { "neuron.taum", 10, "ms", "membrane time constant" },
        { "neuron.Ee", 0, "mV", "excitatory reversal potential" },
        { "neuron.vt", -54, "mV", "threshold" },
        { "neuron.vr", -60, "mV", "reset" },
        { "neuron.El", -74, "mV", "resting potential" },
        { "neuron.taue", 5, "ms", "decay of the excitatory conductance" },
        { "stdp.taupre", 20, "ms", "decay of the presynaptic trace" },
        { "stdp.taupost", 20, "ms", "decay of the postsynaptic trace" },
        { "stdp.gmax", 0.01, NULL, "upper bound of w (in units of the leak conductance)" },
        { "stdp.dApre", 0.01, NULL, "potentiation per pre spike, in units of gmax" },
        { "stdp.depression", 1.05, NULL, "depression / potentiation, integrated over time" },
        { "simulation.dt", 0.1, "ms", "time step" },
    };
    for (size_t k = 0; k < sizeof P / sizeof P[0]; k++) {
        snx_value v = P[k].unit ? snx_quantity(P[k].value, P[k].unit) : snx_double(P[k].value);
        if (!strcmp(P[k].name, "input.N"))
            v = snx_int((int64_t)P[k].value);
        if (!snx_traj_add_parameter(traj, P[k].name, v, P[k].comment))
            return snx_errcode();
    }
    if (!snx_traj_add_parameter(traj, "simulation.duration", snx_quantity(o->duration, "s"),
                                "simulated time"))
        return snx_errcode();
    if (o->single)
        return 0;
    snx_ranges *r = snx_ranges_new();
    int rc = !r || snx_ranges_add_quantities(r, "input.F", (double[]){ 15, 20, 25 }, 3, "Hz");
    rc = rc || snx_traj_explore(traj, r);
    snx_ranges_free(r);
    return rc ? snx_errcode() : 0;
}

/* The network of one run: inputs, neuron, plastic synapses, the output's spikes. */
typedef struct stdp_net {
    snx_net *net;
    snx_group *neuron;
    snx_synapses *syn;
    snx_monitor *spikes;
    double gmax;
} stdp_net;

static int build(snx_traj *traj, stdp_net *s)
{
    snx_namespace *ns = snx_namespace_new();
    long rc = ns ? snx_namespace_add_params(ns, traj, "parameters.neuron") : SNX_ENOMEM;
    rc = rc < 0 ? rc : snx_namespace_add_params(ns, traj, "parameters.stdp");
    /* Brian2's example scales both amplitudes by gmax. */
    double gmax = snx_traj_double(traj, "stdp.gmax");
    double taupre = snx_traj_double(traj, "stdp.taupre");
    double taupost = snx_traj_double(traj, "stdp.taupost");
    double da_pre = snx_traj_double(traj, "stdp.dApre") * gmax;
    double da_post = -da_pre * taupre / taupost * snx_traj_double(traj, "stdp.depression");
    int64_t n = snx_traj_int(traj, "input.N");
    double f = snx_traj_double(traj, "input.F");
    if (rc >= 0 && snx_traj_status(traj))
        rc = snx_traj_status(traj);
    if (rc >= 0)
        rc = snx_namespace_set(ns, "dApre", da_pre, SNX_DIMENSIONLESS) ||
             snx_namespace_set(ns, "dApost", da_post, SNX_DIMENSIONLESS) ? snx_errcode() : 0;
    if (rc >= 0)
        s->net = snx_net_new(&(snx_net_opts){ .dt = snx_traj_double(traj, "simulation.dt"),
                                              .ns = ns, .seed = snx_env_run_seed(traj) });
    snx_namespace_free(ns);
    if (rc < 0 || !s->net)
        return rc < 0 ? (int)rc : snx_errcode();
    s->gmax = gmax;
    char rate[64];
    snprintf(rate, sizeof rate, "%.17g*Hz", f);
    snx_group *input = snx_poisson_new(s->net, "input", (int32_t)n, rate);
    s->neuron = snx_group_new(s->net, "neuron", 1,
                              "dv/dt = (ge*(Ee - v) + El - v)/taum : volt\n"
                              "dge/dt = -ge/taue : 1",
                              &(snx_group_opts){ .threshold = "v > vt", .reset = "v = vr",
                                                 .method = "euler" });
    if (!input || !s->neuron || snx_group_init(s->neuron, "v", "vr"))
        return snx_errcode();
    s->syn = snx_synapses_new(s->net, "plastic", input, s->neuron, &(snx_synapses_opts){
        .model = "w : 1\n"
                 "dApre/dt = -Apre/taupre : 1 (event-driven)\n"
                 "dApost/dt = -Apost/taupost : 1 (event-driven)",
        .on_pre = "ge += w\n"
                  "Apre += dApre\n"
                  "w = clip(w + Apost, 0, gmax)",
        .on_post = "Apost += dApost\n"
                   "w = clip(w + Apre, 0, gmax)" });
    if (!s->syn || snx_synapses_connect_all(s->syn, NULL) ||
        snx_synapses_init(s->syn, "w", "rand()*gmax") ||
        !(s->spikes = snx_monitor_spikes(s->net, "post_spikes", s->neuron, NULL, 0)))
        return snx_errcode();
    return 0;
}

/* Runs second by second, sampling the traced weights; stores what the header says. */
static int simulate_and_store(snx_traj *traj, stdp_net *s)
{
    double duration = snx_traj_double(traj, "simulation.duration");
    size_t n_syn = snx_synapses_count(s->syn), n_samples = (size_t)duration + 1;
    double *w = malloc(n_syn * sizeof *w);
    double *trace = malloc(N_TRACED * n_samples * sizeof *trace);
    double *times = malloc(n_samples * sizeof *times);
    int rc = w && trace && times ? 0 : snx_error(SNX_ENOMEM, "out of memory");
    size_t n_spikes_before_end = 0;
    for (size_t k = 0; k < n_samples && !rc; k++) {
        double t_next = k + 1 < n_samples ? (double)k : duration;
        if (t_next > snx_net_t(s->net))
            rc = snx_net_run(s->net, t_next - snx_net_t(s->net));
        if (t_next <= 0.9 * duration)
            n_spikes_before_end = snx_monitor_n_spikes(s->spikes);
        rc = rc ? rc : snx_synapses_get_array(s->syn, "w", w, n_syn);
        times[k] = snx_net_t(s->net);
        for (size_t j = 0; j < N_TRACED && !rc; j++)
            trace[j * n_samples + k] = w[j] / s->gmax;
    }
    for (size_t k = 0; k < n_syn && !rc; k++)
        w[k] /= s->gmax;
    double rate = (double)(snx_monitor_n_spikes(s->spikes) - n_spikes_before_end) /
                  (0.1 * duration);
    if (!rc && (!snx_traj_add_result(traj, "stdp.weights", snx_double_array(n_syn, w),
                                     "final w / gmax of every synapse") ||
                !snx_traj_add_result(traj, "stdp.w_trace",
                                     snx_double_array_nd(2, (size_t[]){ N_TRACED, n_samples },
                                                         trace),
                                     "w / gmax of synapses 0 and 1, once per second") ||
                !snx_traj_add_result(traj, "stdp.w_trace_t", snx_double_array(n_samples, times),
                                     "sample times of w_trace (s)") ||
                !snx_traj_add_monitor(traj, "stdp.post_spikes", s->spikes,
                                      "spikes of the output neuron") ||
                !snx_traj_add_result(traj, "stdp.rate_out", snx_quantity(rate, "Hz"),
                                     "output rate over the last 10 % of the run")))
        rc = snx_errcode();
    free(w);
    free(trace);
    free(times);
    return rc;
}

static int run_stdp(snx_traj *traj, void *user_data, snx_value *result)
{
    (void)user_data;
    (void)result;
    stdp_net s = { 0 };
    int rc = build(traj, &s);
    rc = rc ? rc : simulate_and_store(traj, &s);
    snx_net_free(s.net);
    return rc;
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: " PROG " [--file F] [--duration S] [--seed N] [--single] [--help]\n"
            "Additive STDP onto one neuron (Song, Miller & Abbott 2000), explored over the\n"
            "input rate F = 15, 20, 25 Hz; stores the final weights, two weight traces and\n"
            "the output spikes of every run.\n"
            "  --file F       the HDF5 file (default hdf5/stdp.hdf5)\n"
            "  --duration S   simulated seconds per run (default 100)\n"
            "  --seed N       master seed (default 42)\n"
            "  --single       one run at F = 15 Hz instead of the exploration\n"
            "Then: plot_weights --file F draws plots/stdp_weights.png.\n");
}

static int parse_options(int argc, char **argv, options *o, int *exit_code)
{
    static const struct option longs[] = {
        { "file", required_argument, NULL, 'f' },  { "duration", required_argument, NULL, 'd' },
        { "seed", required_argument, NULL, 's' },  { "single", no_argument, NULL, '1' },
        { "help", no_argument, NULL, 'h' },        { NULL, 0, NULL, 0 } };
    *o = (options){ "hdf5/stdp.hdf5", 100, 42, false };
    for (int c; (c = getopt_long(argc, argv, "", longs, NULL)) != -1;) {
        char *end = NULL;
        switch (c) {
        case 'f': o->file = optarg; break;
        case 'd': o->duration = strtod(optarg, &end); break;
        case 's': o->seed = strtoull(optarg, &end, 10); break;
        case '1': o->single = true; break;
        case 'h': usage(stdout); *exit_code = 0; return 1;
        default: usage(stderr); *exit_code = 2; return 1;
        }
        if (end && (*end || end == optarg || (c == 'd' && !(o->duration >= 1)))) {
            fprintf(stderr, PROG ": bad value \"%s\" for --%s%s\n", optarg,
                    c == 'd' ? "duration" : "seed", c == 'd' ? " (seconds, at least 1)" : "");
            *exit_code = 2;
            return 1;
        }
    }
    if (optind < argc) {
        usage(stderr);
        *exit_code = 2;
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    options o;
    int code;
    if (parse_options(argc, argv, &o, &code))
        return code;
    snx_env *env = snx_env_new(&(snx_env_opts){
        .trajectory = "STDP",
        .comment = "Additive STDP (Song, Miller & Abbott 2000): bimodal weights",
        .filename = o.file, .overwrite = true, .n_workers = 2, .seed = o.seed });
    if (!env)
        return fail("creating the environment");
    int rc = add_parameters(snx_env_traj(env), &o) || snx_env_run(env, run_stdp, NULL);
    if (rc)
        rc = fail("the experiment");
    else
        printf("stored in %s; plot_weights --file %s draws the weights\n",
               snx_env_filename(env), snx_env_filename(env));
    snx_env_free(env);
    return rc;
}
