/* The clustered network of Litwin-Kumar & Doiron (spec §3.2-3.4) built straight on
 * the engine, without trajectory or Environment: its equation strings, 50 clusters of
 * 80 excitatory neurons at scale 1 connected through views (151 projections), Brian
 * 1's Connection (self-pairs allowed), forward Euler. For the engine's loop benchmark
 * (bench_clusternet_loop.c) and its tests (tests/test_sim_clusternet.c); the example
 * (examples/clusternet) builds the same network through the component API;
 * bench_neuron_update takes its constants. Header only (static inline: each includer
 * uses what it needs), so that a test can include it without a library of its own. */
#ifndef SNX_BENCH_CLUSTERNET_ENGINE_H
#define SNX_BENCH_CLUSTERNET_ENGINE_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snex/error.h"
#include "snex/sim.h"
#include "snex/util.h"

static const char *const CN_MODEL =
    "dV/dt= 1.0/tau_POST * (mu - V) + I_syn : 1 (unless refractory)\n"
    "mu : 1\n"
    "I_syn =  - I_syn_i + I_syn_e : Hz\n";
static const char *const CN_SYNAPTIC =
    "I_syn_PRE = x_PRE/(tau2_PRE-tau1_PRE) : Hz\n"
    "dx_PRE/dt = -(normalization_PRE*y_PRE+x_PRE)*invtau1_PRE : 1\n"
    "dy_PRE/dt = -y_PRE*invtau2_PRE : 1\n";

/* text with every "from" replaced by "to" */
static inline void cn_replace_into(snx_buf *out, const char *text, const char *from,
                                   const char *to)
{
    for (const char *p = text; *p;) {
        const char *hit = strstr(p, from);
        if (!hit) {
            snx_buf_puts(out, p);
            break;
        }
        snx_buf_append(out, p, (size_t)(hit - p));
        snx_buf_puts(out, to);
        p = hit + strlen(from);
    }
}

static inline void cn_fill_namespace(snx_namespace *ns)
{
    const double tau1 = 1e-3, tau2[2] = { 2e-3, 3e-3 };
    const char *pre[2] = { "i", "e" };
    char name[64];
    for (int k = 0; k < 2; k++) {
        snprintf(name, sizeof name, "normalization_%s", pre[k]);
        snx_namespace_set(ns, name, (tau1 - tau2[k]) / tau2[k], SNX_DIMENSIONLESS);
        snprintf(name, sizeof name, "invtau1_%s", pre[k]);
        snx_namespace_set_unit(ns, name, 1 / tau1, "Hz");
        snprintf(name, sizeof name, "invtau2_%s", pre[k]);
        snx_namespace_set_unit(ns, name, 1 / tau2[k], "Hz");
        snprintf(name, sizeof name, "tau1_%s", pre[k]);
        snx_namespace_set_unit(ns, name, tau1, "s");
        snprintf(name, sizeof name, "tau2_%s", pre[k]);
        snx_namespace_set_unit(ns, name, tau2[k], "s");
    }
    snx_namespace_set_unit(ns, "tau_e", 15, "ms");
    snx_namespace_set_unit(ns, "tau_i", 10, "ms");
    snx_namespace_set(ns, "V_th", 1.0, SNX_DIMENSIONLESS);
}

static inline snx_group *cn_neurons(snx_net *net, const char *post, int n,
                                    const char *mu)
{
    snx_buf eqs = { 0 };
    cn_replace_into(&eqs, CN_MODEL, "POST", post);
    cn_replace_into(&eqs, CN_SYNAPTIC, "PRE", "i");
    cn_replace_into(&eqs, CN_SYNAPTIC, "PRE", "e");
    char *text = snx_buf_take(&eqs), name[32];
    snprintf(name, sizeof name, "neurons_%s", post);
    snx_group *g = text ? snx_group_new(net, name, n, text,
                                        &(snx_group_opts){ .threshold = "V > V_th",
                                                           .reset = "V = 0.0",
                                                           .refractory = "5*ms",
                                                           .method = "euler" })
                        : NULL;
    free(text);
    if (g && (snx_group_init(g, "mu", mu) || snx_group_init(g, "V", "rand()")))
        return NULL;
    return g;
}

static inline int cn_connect(snx_net *net, const char *name, snx_group *pre,
                             snx_group *post, const char *state, double weight, double p)
{
    char on_pre[64];
    snprintf(on_pre, sizeof on_pre, "%s += %.17g", state, weight);
    snx_synapses *s =
        snx_synapses_new(net, name, pre, post, &(snx_synapses_opts){ .on_pre = on_pre });
    return s ? snx_synapses_connect_p(s, p, NULL) : snx_errcode();
}

/* The network at `scale` (1: 4000 E + 1000 I) and R_ee, with `threads` sharing each
 * run; *e and *i are its groups. NULL with the error set. */
static inline snx_net *cn_engine_network(double scale, double R_ee, size_t threads,
                                         uint64_t seed, snx_group **e, snx_group **i)
{
    const double p_ee = 0.2;
    const int N_e = (int)(4000 * scale), N_i = (int)(1000 * scale), cs = 80;
    const double J_ee = 0.024 / sqrt(scale), J_ie = 0.014 / sqrt(scale);
    const double J_ei = 0.045 / sqrt(scale), J_ii = 0.057 / sqrt(scale);
    snx_net *net = snx_net_new(&(snx_net_opts){ .seed = seed, .threads = threads });
    if (!net)
        return NULL;
    cn_fill_namespace(snx_net_namespace(net));
    snx_group *ni = cn_neurons(net, "i", N_i, "1.0 + rand()*(1.05 - 1.0)");
    snx_group *ne = ni ? cn_neurons(net, "e", N_e, "1.1 + rand()*(1.2 - 1.1)") : NULL;
    int rc = ne ? 0 : snx_errcode();
    rc = rc ? rc : cn_connect(net, "conn_ii", ni, ni, "y_i", J_ii, 0.5);
    rc = rc ? rc : cn_connect(net, "conn_ei", ni, ne, "y_i", J_ei, 0.5);
    rc = rc ? rc : cn_connect(net, "conn_ie", ne, ni, "y_e", J_ie, 0.5);
    double p_out = p_ee * N_e / (R_ee * cs + N_e - cs), p_in = p_out * R_ee;
    char name[32];
    for (int c = 0, low = 0; low < N_e && !rc; c++, low += cs) {
        snx_group *cluster = snx_group_slice(ne, low, low + cs);
        snprintf(name, sizeof name, "in_%d", c);
        rc = cluster ? cn_connect(net, name, cluster, cluster, "y_e", J_ee * 1.9, p_in)
                     : snx_errcode();
        if (!rc && low > 0) {
            snprintf(name, sizeof name, "lower_%d", c);
            rc = cn_connect(net, name, cluster, snx_group_slice(ne, 0, low), "y_e", J_ee,
                            p_out);
        }
        if (!rc && low + cs < N_e) {
            snprintf(name, sizeof name, "upper_%d", c);
            rc = cn_connect(net, name, cluster, snx_group_slice(ne, low + cs, N_e), "y_e",
                            J_ee, p_out);
        }
    }
    if (rc) {
        snx_error_context("the clustered network");
        snx_net_free(net);
        return NULL;
    }
    *e = ne;
    *i = ni;
    return net;
}

#endif
