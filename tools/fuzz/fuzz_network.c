/* Fuzz target: synapses, connection and monitors, built from fuzzed numbers and
 * strings, and 20 steps of the network.
 *
 * Fields (tools/fuzz/fuzz.h):
 *   0 numbers "n_pre n_post p kind view_start view_stop record_every autapses"
 *     (kind: 0 connect_p, 1 connect_all, 2 one_to_one, 3 pairs, 4 condition)
 *   1 synapse model   2 on_pre   3 delay   4 condition   5 synapse init "var = expr"
 *   6 state monitor variables   7 Poisson rates   8 neuron indices (monitors, pairs)
 * Every failure must be an error code with a message; whatever is built must run or
 * fail so, and what the monitors and synapses report must lie inside the groups. */
#include "fuzz.h"

#include <math.h>

#include "snex/sim.h"
#include "snex/units.h"

#define MAX_N 64
#define STEPS 20

typedef struct numbers {
    int n_pre, n_post, kind, view_start, view_stop, record_every, autapses;
    double p;
} numbers;

static int clamp(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }

static numbers read_numbers(const char *text)
{
    numbers n = { 8, 8, 0, 0, 8, 1, 0, 0.5 };
    if (text)
        sscanf(text, "%d %d %lf %d %d %d %d %d", &n.n_pre, &n.n_post, &n.p, &n.kind,
               &n.view_start, &n.view_stop, &n.record_every, &n.autapses);
    n.n_pre = clamp(n.n_pre, 1, MAX_N);
    n.n_post = clamp(n.n_post, 1, MAX_N);
    n.record_every = clamp(n.record_every, -1, 8);
    return n;
}

/* Up to MAX_N integers (any value: out of range ones are the library's to refuse). */
static size_t read_indices(const char *text, int32_t *out)
{
    size_t n = 0;
    char *end;
    while (text && n < MAX_N) {
        long v = strtol(text, &end, 10);
        if (end == text)
            break;
        out[n++] = (int32_t)v;
        text = end;
    }
    return n;
}

static void connect(snx_synapses *s, const numbers *n, const char *cond, const int32_t *idx,
                    size_t n_idx)
{
    snx_connect_opts co = { .exclude_autapses = n->autapses != 0 };
    snx_error_clear();
    int rc;
    switch (n->kind) {
    case 0: rc = snx_synapses_connect_p(s, n->p, &co); break;
    case 1: rc = snx_synapses_connect_all(s, &co); break;
    case 2: rc = snx_synapses_connect_one_to_one(s); break;
    case 3: rc = snx_synapses_connect_pairs(s, idx, idx + n_idx / 2, n_idx / 2); break;
    default: rc = snx_synapses_connect_cond(s, fuzz_given(cond, "i != j"), n->p); break;
    }
    fuzz_check_rc(rc);
}

/* Every synapse joins neurons of its views. */
static void check_pairs(snx_synapses *s, snx_group *pre, snx_group *post)
{
    size_t n = snx_synapses_count(s);
    if (n == 0)
        return;
    int32_t *i = malloc(n * sizeof *i), *j = malloc(n * sizeof *j);
    fuzz_check(i && j);
    fuzz_check(snx_synapses_get_pairs(s, i, j, n) == 0);
    for (size_t k = 0; k < n; k++)
        fuzz_check(i[k] >= 0 && i[k] < snx_group_size(pre) && j[k] >= 0 &&
                   j[k] < snx_group_size(post));
    free(i);
    free(j);
}

static void init_synapses(snx_synapses *s, char *line)
{
    char *eq = line ? strchr(line, '=') : NULL;
    if (!eq)
        return;
    *eq = '\0';
    char var[64] = "";
    sscanf(line, "%63s", var);
    snx_error_clear();
    fuzz_check_rc(snx_synapses_init(s, var, eq + 1));
}

static void check_spikes(snx_monitor *m, snx_net *net)
{
    if (!m)
        return;
    size_t n = snx_monitor_n_spikes(m);
    const int32_t *i = snx_monitor_spike_i(m);
    const double *t = snx_monitor_spike_t(m);
    int32_t size = snx_group_size(snx_monitor_source(m));
    for (size_t k = 0; k < n; k++)
        fuzz_check(i[k] >= 0 && i[k] < size && t[k] >= 0 && t[k] <= snx_net_t(net));
}

static void add_monitors(snx_net *net, snx_group *g, const numbers *n, const char *vars,
                         const int32_t *idx, size_t n_idx)
{
    snx_error_clear();
    if (!snx_monitor_spikes(net, "spikes", g, n_idx ? idx : NULL, n_idx))
        fuzz_check_error(snx_errcode());
    snx_error_clear();
    snx_state_monitor_opts so = { .neurons = n_idx ? idx : NULL, .n_neurons = n_idx,
                                  .record_dt = n->record_every * snx_net_dt(net) };
    if (!snx_monitor_state(net, "state", g, fuzz_given(vars, "V"), &so))
        fuzz_check_error(snx_errcode());
    fuzz_check(snx_monitor_rate(net, "rate", g) && snx_monitor_counts(net, "counts", g));
}

static void build_and_run(snx_net *net, fuzz_fields *f)
{
    numbers n = read_numbers(f->field[0]);
    int32_t idx[MAX_N];
    size_t n_idx = read_indices(f->field[8], idx);
    snx_error_clear();
    snx_group *pre = snx_poisson_new(net, "in", n.n_pre, fuzz_given(f->field[7], "500*Hz"));
    if (!pre) {
        fuzz_check_error(snx_errcode());
        pre = snx_poisson_new(net, "in2", n.n_pre, "500*Hz");
        fuzz_check(pre);
    }
    snx_group *post = snx_group_new(net, "out", n.n_post,
                                    "dV/dt = -V/tau : 1 (unless refractory)\n"
                                    "w0 : 1 (constant)\nI = 2*V : 1",
                                    &(snx_group_opts){ .threshold = "V > 0.5", .reset = "V = 0",
                                                       .refractory = "1*ms" });
    fuzz_check(post);
    snx_error_clear();
    snx_group *view = snx_group_slice(post, n.view_start, n.view_stop);
    if (!view) {
        fuzz_check_error(snx_errcode());
        view = post;
    }
    snx_error_clear();
    snx_synapses *s = snx_synapses_new(net, "syn", pre, view,
                                       &(snx_synapses_opts){ .model = fuzz_given(f->field[1], NULL),
                                                             .on_pre = fuzz_given(f->field[2], "V += 0.2"),
                                                             .delay = fuzz_given(f->field[3], NULL) });
    if (!s) {
        fuzz_check_error(snx_errcode());
    } else {
        connect(s, &n, f->field[4], idx, n_idx);
        check_pairs(s, pre, view);
        init_synapses(s, f->field[5]);
    }
    add_monitors(net, view, &n, f->field[6], idx, n_idx);
    snx_error_clear();
    int rc = snx_net_run(net, STEPS * snx_net_dt(net));
    if (rc)
        fuzz_check_error(rc);
    else
        fuzz_check(snx_net_step(net) == STEPS);
    check_spikes(snx_net_monitor(net, "spikes"), net);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_fields f;
    fuzz_fields_cut(&f, data, size);
    snx_net *net = snx_net_new(&(snx_net_opts){ .seed = 7 });
    fuzz_check(net);
    fuzz_check(snx_namespace_set_unit(snx_net_namespace(net), "tau", 5, "ms") == 0);
    fuzz_check(snx_namespace_set(snx_net_namespace(net), "J", 0.3, SNX_DIMENSIONLESS) == 0);
    build_and_run(net, &f);
    snx_net_free(net);
    fuzz_fields_free(&f);
    return 0;
}
