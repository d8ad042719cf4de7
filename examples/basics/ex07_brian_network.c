/* pypet example 07, "Short BRIAN Example", in snex.
 *
 * N adaptive exponential integrate-and-fire neurons (AdEx, Brette & Gerstner 2005),
 * unconnected, driven by a constant current I, written as BRIAN equations with units:
 *
 *   dvm/dt = (gL*(EL-vm) + gL*DeltaT*exp((vm-VT)/DeltaT) + I - w)/C : volt
 *   dw/dt = (a*(vm-EL) - w)/tauw : amp
 *   Vr : volt
 *
 * threshold vm > Vcut (Vcut = VT + 5*DeltaT), reset "vm=Vr;w+=b", dt 0.01 ms. Every
 * neuron starts at vm = EL, w = a*(vm-EL), and has its own reset potential Vr, spread
 * evenly over [-48.3 mV, -47.7 mV] (pypet's linspace, "bifurcation parameter").
 *
 * The parameters are trajectory parameters with units (Sim.defaultclock, Net.C, ...,
 * Net.eqs, reset), their values pypet's. The Environment (2 worker processes) runs the
 * cartesian product of N in {50, 60} and tauw in {30 ms, 40 ms}, tauw changing
 * fastest: 4 runs. Each run builds its network from the run's parameters, runs
 * 100 ms (the first spikes are discarded), adds a spike monitor of all neurons and
 * a state monitor of vm for neurons 1, 2 and 3, runs 500 ms more and stores both
 * monitors as typed results (network/'s bridge, snx_traj_add_monitor):
 * results.runs.run_0000000k.SpikeMonitor and .StateMonitorV. It returns its mean
 * firing rate.
 *
 * Differences to pypet's example. pypet's namespace is its Python locals; here the
 * constants come from Net's parameters, without N, which is the group size in snex's
 * language (snx_namespace_add_params refuses a parameter named N, so they are put in
 * one by one). BRIAN 1's SpikeMonitor(delay=1 ms) records each spike 1 ms late with
 * the time it records it at; snex's records every spike at its own time.
 *
 * After the runs the program checks what the runs returned: 4 runs completed, every
 * neuron fires in all of them, and for each N the faster adaptation (tauw = 30 ms)
 * gives the higher rate. tests/test_examples.py reads hdf5/example_07.hdf5 with h5py. */
#include "basics.h"

#include <stdio.h>

#define FILE_NAME "hdf5/example_07.hdf5"
#define INITIAL_RUN 0.1  /* s: simulated without monitors */
#define MEASURED_RUN 0.5 /* s: recorded */

#define ADEX_EQUATIONS                                                           \
    "dvm/dt=(gL*(EL-vm)+gL*DeltaT*exp((vm-VT)/DeltaT)+I-w)/C : volt\n"           \
    "dw/dt=(a*(vm-EL)-w)/tauw : amp\n"                                           \
    "Vr:volt"

/* The constants the equations, threshold and reset use: every parameter of Net but
 * N (the group's size) and eqs (a string). */
static const char *const NET_CONSTANTS[] = { "C", "gL", "EL", "VT", "DeltaT", "tauw",
                                             "a", "b", "I", "Vcut" };
#define N_CONSTANTS (sizeof NET_CONSTANTS / sizeof NET_CONSTANTS[0])

static int add_parameters(snx_traj *traj)
{
    if (!snx_traj_add_parameter(traj, "Sim.defaultclock", snx_quantity(0.01, "ms"), NULL) ||
        !snx_traj_add_parameter(traj, "Net.C", snx_quantity(281, "pF"), NULL) ||
        !snx_traj_add_parameter(traj, "Net.gL", snx_quantity(30, "nS"), NULL) ||
        !snx_traj_add_parameter(traj, "Net.EL", snx_quantity(-70.6, "mV"), NULL) ||
        !snx_traj_add_parameter(traj, "Net.VT", snx_quantity(-50.4, "mV"), NULL) ||
        !snx_traj_add_parameter(traj, "Net.DeltaT", snx_quantity(2, "mV"), NULL) ||
        !snx_traj_add_parameter(traj, "Net.tauw", snx_quantity(40, "ms"), NULL) ||
        !snx_traj_add_parameter(traj, "Net.a", snx_quantity(4, "nS"), NULL) ||
        !snx_traj_add_parameter(traj, "Net.b", snx_quantity(0.08, "nA"), NULL) ||
        !snx_traj_add_parameter(traj, "Net.I", snx_quantity(0.8, "nA"), NULL))
        return fail("adding the parameters");
    /* VT + 5*DeltaT, from the values just added (SI, volts), in mV. */
    double vcut = snx_traj_double(traj, "Net.VT") + 5 * snx_traj_double(traj, "Net.DeltaT");
    if (snx_traj_status(traj))
        return wrong("%s", snx_traj_status_msg(traj));
    if (!snx_traj_add_parameter(traj, "Net.Vcut", snx_quantity(vcut * 1e3, "mV"),
                                "practical threshold condition") ||
        !snx_traj_add_parameter(traj, "Net.N", snx_int(50), NULL) ||
        !snx_traj_add_parameter(traj, "Net.eqs", snx_str(ADEX_EQUATIONS), NULL) ||
        !snx_traj_add_parameter(traj, "reset", snx_str("vm=Vr;w+=b"), NULL))
        return fail("adding the parameters");
    return 0;
}

/* N in {50, 60} times tauw in {30, 40} ms, tauw fastest. */
static int add_exploration(snx_traj *traj)
{
    snx_ranges *lists = snx_ranges_new();
    snx_ranges *product = NULL;
    int rc = !lists || snx_ranges_add_ints(lists, "Net.N", (int64_t[]){ 50, 60 }, 2) ||
             snx_ranges_add_quantities(lists, "Net.tauw", (double[]){ 30, 40 }, 2, "ms") ||
             !(product = snx_ranges_cartesian(lists, NULL)) || snx_traj_explore(traj, product);
    snx_ranges_free(product);
    snx_ranges_free(lists);
    return rc ? fail("exploring") : 0;
}

/* The run's constants, each a parameter of Net with its dimension (SI values). */
static snx_namespace *net_namespace(snx_traj *traj)
{
    snx_namespace *ns = snx_namespace_new();
    char name[64];
    for (size_t k = 0; ns && k < N_CONSTANTS; k++) {
        snprintf(name, sizeof name, "Net.%s", NET_CONSTANTS[k]);
        snx_node *par = snx_traj_get(traj, name);
        const snx_value *v = par ? snx_par_get(par) : NULL;
        double si;
        if (!v || snx_value_as_double(v, &si) ||
            snx_namespace_set(ns, NET_CONSTANTS[k], si, snx_value_dim(v))) {
            snx_namespace_free(ns);
            return NULL;
        }
    }
    return ns;
}

/* The network of one run and its monitors (pypet's run_net). */
static int simulate(snx_traj *traj, snx_net **net, snx_monitor **spikes, snx_monitor **vm)
{
    snx_namespace *ns = net_namespace(traj);
    int64_t n = snx_traj_int(traj, "Net.N");
    double dt = snx_traj_double(traj, "Sim.defaultclock");
    const char *eqs = snx_traj_string(traj, "Net.eqs"), *reset = snx_traj_string(traj, "reset");
    if (!ns || snx_traj_status(traj)) {
        snx_namespace_free(ns);
        return snx_errcode();
    }
    *net = snx_net_new(&(snx_net_opts){ .dt = dt, .ns = ns, .seed = snx_env_run_seed(traj) });
    snx_namespace_free(ns);
    snx_group *g = !*net ? NULL
                         : snx_group_new(*net, "neuron", (int32_t)n, eqs,
                                         &(snx_group_opts){ .threshold = "vm > Vcut",
                                                            .reset = reset });
    if (!g || snx_group_init(g, "vm", "EL") || snx_group_init(g, "w", "a*(vm-EL)") ||
        snx_group_init(g, "Vr", "-48.3*mV + i*(0.6*mV)/(N-1)") ||
        snx_net_run(*net, INITIAL_RUN))
        return snx_errcode();
    *spikes = snx_monitor_spikes(*net, "spikes", g, NULL, 0);
    *vm = snx_monitor_state(*net, "vm", g, "vm",
                            &(snx_state_monitor_opts){ .neurons = (int32_t[]){ 1, 2, 3 },
                                                       .n_neurons = 3 });
    if (!*spikes || !*vm)
        return snx_errcode();
    return snx_net_run(*net, MEASURED_RUN);
}

/* One run: stores both monitors and returns the mean rate in Hz. */
static int run_net(snx_traj *traj, void *user_data, snx_value *result)
{
    (void)user_data;
    snx_net *net = NULL;
    snx_monitor *spikes = NULL, *vm = NULL;
    int rc = simulate(traj, &net, &spikes, &vm);
    if (!rc && (!snx_traj_add_monitor(traj, "SpikeMonitor", spikes, "spikes of all neurons") ||
                !snx_traj_add_monitor(traj, "StateMonitorV", vm,
                                      "membrane potential of neurons 1, 2 and 3")))
        rc = snx_errcode();
    if (!rc) {
        double n = snx_group_size(snx_monitor_source(spikes));
        *result = snx_double((double)snx_monitor_n_spikes(spikes) / (n * MEASURED_RUN));
    }
    snx_net_free(net);
    return rc;
}

/* What the runs returned: run k is N = 50, 50, 60, 60 and tauw = 30, 40, 30, 40 ms. */
static int check(snx_env *env)
{
    size_t n = 0;
    const snx_run_result *r = snx_env_results(env, &n);
    if (n != 4)
        return wrong("%zu runs, expected 4", n);
    double rate[4];
    for (size_t k = 0; k < 4; k++) {
        if (r[k].status || r[k].value.type != SNX_T_DOUBLE)
            return wrong("run %zu did not return its rate", k);
        rate[k] = snx_value_double(&r[k].value);
        printf("run %zu: N = %d, tauw = %d ms: %.2f Hz\n", k, k < 2 ? 50 : 60,
               k % 2 ? 40 : 30, rate[k]);
        if (!(rate[k] > 0))
            return wrong("run %zu: no spikes", k);
    }
    if (!(rate[0] > rate[1] && rate[2] > rate[3]))
        return wrong("faster adaptation (tauw = 30 ms) should fire faster");
    return 0;
}

int main(int argc, char **argv)
{
    int done = basics_args(argc, argv, "ex07",
                           "pypet example 07, Short BRIAN Example: AdEx neurons with units,\n"
                           "N x tauw explored (4 runs on 2 worker processes), spike and vm\n"
                           "monitors stored as results in " FILE_NAME ".");
    if (done >= 0)
        return done;
    snx_env *env = snx_env_new(&(snx_env_opts){ .trajectory = "Example_07_BRIAN",
                                                .filename = FILE_NAME,
                                                .overwrite = true,
                                                .comment = "Go Brian!",
                                                .n_workers = 2 });
    if (!env)
        return fail("creating the environment");
    snx_traj *traj = snx_env_traj(env);
    int rc = add_parameters(traj) || add_exploration(traj);
    if (!rc && snx_env_run(env, run_net, NULL))
        rc = fail("running");
    if (!rc)
        rc = check(env);
    snx_env_free(env);
    return rc;
}
