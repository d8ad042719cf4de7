/* The clustered network's model: its neurons (CNNeuronGroup), their connections
 * (CNConnections) and its two subruns (CNNetworkRunner), with every parameter of the
 * spec's table (names, values, comments), so the stored trajectory reads like
 * pypet's.
 *
 * One deliberate difference from the BRIAN 1 code: the membrane equation carries
 * "(unless refractory)", the equation language's way to say what BRIAN 1's
 * Refractoriness(state=V) did, holding V at its reset value for the 5 ms. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clusternet.h"

static const char *NEURON_EQS = "dV/dt= 1.0/tau_POST * (mu - V) + I_syn : 1 (unless refractory)\n"
                                "mu : 1\n"
                                "I_syn =  - I_syn_i + I_syn_e : Hz\n";
static const char *SYNAPTIC_EQS = "I_syn_PRE = x_PRE/(tau2_PRE-tau1_PRE) : Hz\n"
                                  "dx_PRE/dt = -(normalization_PRE*y_PRE+x_PRE)*invtau1_PRE : 1\n"
                                  "dy_PRE/dt = -y_PRE*invtau2_PRE : 1\n";

/* Adds parameters from a table; stops at the first failure. */
typedef struct par_def {
    const char *name;
    snx_value value;
    const char *comment;
} par_def;

static int add_all(snx_traj *traj, par_def *defs, size_t n)
{
    int rc = 0;
    for (size_t k = 0; k < n; k++) {
        if (rc)
            snx_value_clear(&defs[k].value);
        else if (!snx_traj_add_parameter(traj, defs[k].name, defs[k].value, defs[k].comment))
            rc = snx_errcode();
    }
    return rc;
}

/* ---- neurons ------------------------------------------------------------------ */

static int neurons_add_parameters(snx_component *c, snx_traj *traj)
{
    (void)c;
    double scale = snx_traj_double(traj, "simulation.scale");
    par_def defs[] = {
        { "model.eqs", snx_str(NEURON_EQS), "The differential equation for the neuron model" },
        { "model.synaptic.eqs", snx_str(SYNAPTIC_EQS),
          "The differential equation for the synapses. PRE will be replaced by `i` or `e` "
          "depending on the source population" },
        { "model.synaptic.tau1", snx_quantity(1, "ms"), "The decay time" },
        { "model.synaptic.tau2_e", snx_quantity(3, "ms"), "The rise time, excitatory" },
        { "model.synaptic.tau2_i", snx_quantity(2, "ms"), "The rise time, inhibitory" },
        { "model.V_th", snx_double(1.0), "Threshold value" },
        { "model.reset_func", snx_str("V=0.0"), "String representation of reset function" },
        { "model.refractory", snx_quantity(5, "ms"), "Absolute refractory period" },
        { "model.N_e", snx_int((int64_t)(4000 * scale)), "Amount of excitatory neurons" },
        { "model.N_i", snx_int((int64_t)(1000 * scale)), "Amount of inhibitory neurons" },
        { "model.tau_e", snx_quantity(15, "ms"), "Membrane time constant, excitatory" },
        { "model.tau_i", snx_quantity(10, "ms"), "Membrane time constant, inhibitory" },
        { "model.mu_e_min", snx_double(1.1), "Lower bound for bias, excitatory" },
        { "model.mu_e_max", snx_double(1.2), "Upper bound for bias, excitatory" },
        { "model.mu_i_min", snx_double(1.0), "Lower bound for bias, inhibitory" },
        { "model.mu_i_max", snx_double(1.05), "Upper bound for bias, inhibitory" },
    };
    int rc = snx_traj_status(traj);
    return rc ? rc : add_all(traj, defs, sizeof defs / sizeof *defs);
}

/* text with every "from" replaced by "to", appended to out */
static void replace_into(snx_buf *out, const char *text, const char *from, const char *to)
{
    for (const char *p = text; *p;) {
        const char *hit = strstr(p, from);
        size_t n = hit ? (size_t)(hit - p) : strlen(p);
        snx_buf_append(out, p, n);
        if (!hit)
            break;
        snx_buf_puts(out, to);
        p = hit + strlen(from);
    }
}

/* The equations of the population `post`: the neuron template, then the synaptic
 * template once per source population (pypet's _build_model_eqs). */
static char *model_eqs(snx_traj *traj, const char *post)
{
    snx_buf eqs = { 0 };
    replace_into(&eqs, snx_traj_string(traj, "model.eqs"), "POST", post);
    replace_into(&eqs, snx_traj_string(traj, "model.synaptic.eqs"), "PRE", "i");
    replace_into(&eqs, snx_traj_string(traj, "model.synaptic.eqs"), "PRE", "e");
    return snx_traj_status(traj) ? (snx_buf_free(&eqs), NULL) : snx_buf_take(&eqs);
}

/* The model's parameters, plus the synaptic constants the equations name per source
 * population: normalization_PRE, invtau1_PRE, invtau2_PRE, tau1_PRE, tau2_PRE. */
static snx_namespace *model_namespace(snx_traj *traj)
{
    snx_namespace *ns = snx_namespace_new();
    if (!ns || snx_namespace_add_params(ns, traj, "parameters.model") < 0) {
        snx_namespace_free(ns);
        return NULL;
    }
    double tau1 = snx_traj_double(traj, "model.synaptic.tau1");
    const char *pre[2] = { "i", "e" };
    for (int k = 0; k < 2; k++) {
        char name[64];
        snprintf(name, sizeof name, "model.synaptic.tau2_%s", pre[k]);
        double tau2 = snx_traj_double(traj, name);
        struct { const char *fmt; double value; const char *unit; } defs[] = {
            { "normalization_%s", (tau1 - tau2) / tau2, NULL },
            { "invtau1_%s", 1 / tau1, "Hz" },
            { "invtau2_%s", 1 / tau2, "Hz" },
            { "tau1_%s", tau1, "s" },
            { "tau2_%s", tau2, "s" },
        };
        for (size_t d = 0; d < sizeof defs / sizeof *defs; d++) {
            snprintf(name, sizeof name, defs[d].fmt, pre[k]);
            snx_namespace_set_unit(ns, name, defs[d].value, defs[d].unit);
        }
    }
    return ns;
}

static snx_group *make_population(snx_net *net, snx_traj *traj, const snx_namespace *ns,
                                  const char *post, int64_t n)
{
    char name[32], mu[96];
    char *eqs = model_eqs(traj, post);
    snprintf(name, sizeof name, "neurons_%s", post);
    snx_group *g = eqs ? snx_group_new(net, name, (int32_t)n, eqs,
                                       &(snx_group_opts){ .threshold = "V > V_th",
                                                          .reset = snx_traj_string(traj, "reset_func"),
                                                          .refractory = "refractory",
                                                          .method = "euler", .ns = ns })
                       : NULL;
    free(eqs);
    /* mu uniform in [mu_min, mu_max), V uniform in [0, 1); x and y start at 0. */
    snprintf(mu, sizeof mu, "mu_%s_min + rand()*(mu_%s_max - mu_%s_min)", post, post, post);
    if (g && (snx_group_init(g, "mu", mu) || snx_group_init(g, "V", "rand()")))
        return NULL;
    return g;
}

static int build_model(snx_traj *traj, snx_net *net, snx_map *shared)
{
    snx_namespace *ns = model_namespace(traj);
    int64_t n_i = snx_traj_int(traj, "N_i"), n_e = snx_traj_int(traj, "N_e");
    int rc = snx_traj_status(traj);
    snx_group *neurons_i = !ns || rc ? NULL : make_population(net, traj, ns, "i", n_i);
    snx_group *neurons_e = neurons_i ? make_population(net, traj, ns, "e", n_e) : NULL;
    snx_namespace_free(ns);
    if (!neurons_e)
        return rc ? rc : snx_errcode();
    if (snx_map_put(shared, "neurons_i", neurons_i) || snx_map_put(shared, "neurons_e", neurons_e))
        return SNX_ENOMEM;
    return 0;
}

/* Pre-build only when none of the model's parameters is explored. */
static int neurons_pre_build(snx_component *c, snx_traj *traj, snx_net *net, snx_map *shared)
{
    cn_part *self = c->self;
    self->pre_built = !snx_traj_explores(traj, "parameters.model");
    return self->pre_built ? build_model(traj, net, shared) : 0;
}

static int neurons_build(snx_component *c, snx_traj *traj, snx_net *net, snx_map *shared)
{
    cn_part *self = c->self;
    return self->pre_built ? 0 : build_model(traj, net, shared);
}

snx_component cn_neuron_group(cn_part *self)
{
    return (snx_component){ .name = "CNNeuronGroup", .self = self,
                            .add_parameters = neurons_add_parameters,
                            .pre_build = neurons_pre_build, .build = neurons_build };
}

/* ---- connections ---------------------------------------------------------------- */

static int connections_add_parameters(snx_component *c, snx_traj *traj)
{
    (void)c;
    double root = sqrt(snx_traj_double(traj, "simulation.scale"));
    par_def defs[] = {
        { "connections.R_ee", snx_double(1.0), "Scaling factor for clustering" },
        { "connections.clustersize_e", snx_int(80), "Size of a cluster" },
        { "connections.strength_factor", snx_double(1.9), "Factor for scaling cluster weights" },
        { "connections.p_ii", snx_double(0.5), "Connection probability from inhibitory to inhibitory" },
        { "connections.p_ei", snx_double(0.5), "Connection probability from inhibitory to excitatory" },
        { "connections.p_ie", snx_double(0.5), "Connection probability from excitatory to inhibitory" },
        { "connections.p_ee", snx_double(0.2), "Connection probability from excitatory to excitatory" },
        { "connections.J_ii", snx_double(0.057 / root), "Connection strength from inhibitory to inhibitory" },
        { "connections.J_ei", snx_double(0.045 / root), "Connection strength from inhibitory to excitatroy" },
        { "connections.J_ie", snx_double(0.014 / root), "Connection strength from excitatory to inhibitory" },
        { "connections.J_ee", snx_double(0.024 / root), "Connection strength from excitatory to excitatory" },
    };
    int rc = snx_traj_status(traj);
    return rc ? rc : add_all(traj, defs, sizeof defs / sizeof *defs);
}

/* One BRIAN 1 Connection: every presynaptic neuron picks Binomial(n_post, p) distinct
 * targets (itself allowed); a spike adds the weight `on_pre` names, with no delay. */
static int connect(snx_net *net, const snx_namespace *ns, const char *name, snx_group *pre,
                   snx_group *post, const char *on_pre, double p)
{
    snx_synapses *s = snx_synapses_new(net, name, pre, post,
                                       &(snx_synapses_opts){ .on_pre = on_pre, .ns = ns });
    return s ? snx_synapses_connect_p(s, p, NULL) : snx_errcode();
}

/* E→E in clusters of clustersize_e: within a cluster with p_in and the stronger
 * weight, to the neurons below and above it with p_out (pypet's loop, spec §3.4). */
static int connect_clusters(snx_traj *traj, snx_net *net, const snx_namespace *ns,
                            snx_group *e)
{
    int64_t n_e = snx_group_size(e), cs = snx_traj_int(traj, "clustersize_e");
    double R_ee = snx_traj_double(traj, "R_ee"), p_ee = snx_traj_double(traj, "p_ee");
    int rc = snx_traj_status(traj);
    if (rc)
        return rc;
    if (cs <= 0 || cs > n_e)
        return snx_error(SNX_EINVAL, "clustersize_e = %lld must be in [1, N_e = %lld]",
                         (long long)cs, (long long)n_e);
    int64_t clusters = n_e / cs;
    double p_out = p_ee * (double)n_e / (R_ee * (double)cs + (double)n_e - (double)cs);
    double p_in = p_out * R_ee;
    if (!snx_traj_add_derived(traj, "connections.clusters", snx_int(clusters), "Number of clusters") ||
        !snx_traj_add_derived(traj, "connections.p_ee_in", snx_double(p_in),
                              "Connection prob within cluster") ||
        !snx_traj_add_derived(traj, "connections.p_ee_out", snx_double(p_out),
                              "Connection prob to outside of cluster"))
        return snx_errcode();
    for (int64_t c = 0, low = 0; c < clusters && !rc; c++, low += cs) {
        int32_t lo = (int32_t)low, hi = (int32_t)(low + cs), n = (int32_t)n_e;
        snx_group *cluster = snx_group_slice(e, lo, hi);
        char name[48];
        snprintf(name, sizeof name, "ee_cluster_%lld", (long long)c);
        rc = cluster ? connect(net, ns, name, cluster, cluster, "y_e += J_ee*strength_factor", p_in)
                     : snx_errcode();
        snprintf(name, sizeof name, "ee_cluster_%lld_lower", (long long)c);
        if (!rc && lo > 0)
            rc = connect(net, ns, name, cluster, snx_group_slice(e, 0, lo), "y_e += J_ee", p_out);
        snprintf(name, sizeof name, "ee_cluster_%lld_upper", (long long)c);
        if (!rc && hi < n)
            rc = connect(net, ns, name, cluster, snx_group_slice(e, hi, n), "y_e += J_ee", p_out);
    }
    return rc;
}

static int build_connections(snx_traj *traj, snx_net *net, snx_map *shared)
{
    snx_group *ni = snx_map_get(shared, "neurons_i"), *ne = snx_map_get(shared, "neurons_e");
    if (!ni || !ne)
        return snx_error(SNX_ESTATE, "CNConnections: neurons_i and neurons_e must be built first");
    snx_namespace *ns = snx_namespace_new();
    int rc = !ns ? SNX_ENOMEM : snx_namespace_add_params(ns, traj, "parameters.connections") < 0;
    if (rc) {
        snx_namespace_free(ns);
        return snx_errcode();
    }
    rc = connect(net, ns, "conn_ii", ni, ni, "y_i += J_ii", snx_traj_double(traj, "p_ii"));
    if (!rc)
        rc = connect(net, ns, "conn_ei", ni, ne, "y_i += J_ei", snx_traj_double(traj, "p_ei"));
    if (!rc)
        rc = connect(net, ns, "conn_ie", ne, ni, "y_e += J_ie", snx_traj_double(traj, "p_ie"));
    if (!rc && snx_traj_double(traj, "R_ee") > 1.0)
        rc = connect_clusters(traj, net, ns, ne);
    else if (!rc)
        rc = connect(net, ns, "conn_ee", ne, ne, "y_e += J_ee", snx_traj_double(traj, "p_ee"));
    snx_namespace_free(ns);
    return rc ? rc : snx_traj_status(traj);
}

/* Pre-build only when no connection parameter is explored and the neurons exist. */
static int connections_pre_build(snx_component *c, snx_traj *traj, snx_net *net, snx_map *shared)
{
    cn_part *self = c->self;
    self->pre_built = !snx_traj_explores(traj, "parameters.connections") &&
                      snx_map_has(shared, "neurons_i") && snx_map_has(shared, "neurons_e");
    return self->pre_built ? build_connections(traj, net, shared) : 0;
}

static int connections_build(snx_component *c, snx_traj *traj, snx_net *net, snx_map *shared)
{
    cn_part *self = c->self;
    return self->pre_built ? 0 : build_connections(traj, net, shared);
}

snx_component cn_connections(cn_part *self)
{
    return (snx_component){ .name = "CNConnections", .self = self,
                            .add_parameters = connections_add_parameters,
                            .pre_build = connections_pre_build, .build = connections_build };
}

/* ---- the runner: two subruns ---------------------------------------------------- */

static int runner_add_parameters(snx_component *c, snx_traj *traj)
{
    (void)c;
    snx_node *init = snx_traj_add_parameter(traj, "simulation.durations.initial_run",
                                            snx_quantity(500, "ms"),
                                            "Initialisation run for more realistic "
                                            "measurement conditions.");
    snx_node *measure = init ? snx_traj_add_parameter(traj, "simulation.durations.measurement_run",
                                                      snx_quantity(2000, "ms"),
                                                      "Measurement run that is considered for "
                                                      "statistical evaluation")
                             : NULL;
    if (!measure || snx_node_annotate(init, "order", snx_int(0)) ||
        snx_node_annotate(measure, "order", snx_int(1)))
        return snx_errcode();
    return 0;
}

snx_component cn_network_runner(void)
{
    return (snx_component){ .name = "CNNetworkRunner", .add_parameters = runner_add_parameters };
}
