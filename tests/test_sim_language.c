/* The parts of Brian2's model language that users write every day (issue 10): the
 * functions int, exprel, timestep and friends; (shared) variables; lastspike and
 * not_refractory; refractoriness given as a condition; and the clear refusal of what
 * snex does not support. */
#include "sim_test.h"

/* ---- functions ------------------------------------------------------------------------ */

/* f evaluated by the VM (on a per-neuron parameter x) and by folding (on the constant)
 * must agree bit for bit. Returns the VM's value. */
static double vm_and_folded(const char *f, double x)
{
    snx_net *net = test_net(1);
    snx_group *g = must_group(net, "g", 1, "x : 1\ny : 1\nz : 1", NULL);
    assert_ok(snx_group_set(g, "x", x));
    char vm[128], folded[128];
    snprintf(vm, sizeof vm, "%s(x)", f);
    snprintf(folded, sizeof folded, "%s(%.17g)", f, x);
    assert_ok(snx_group_init(g, "y", vm));
    assert_ok(snx_group_init(g, "z", folded));
    double y = snx_group_var(g, "y")[0], z = snx_group_var(g, "z")[0];
    if (!(y == z || (isnan(y) && isnan(z))))
        print_error("%s: VM %.17g, folded %.17g\n", vm, y, z);
    assert_true(y == z || (isnan(y) && isnan(z)));
    snx_net_free(net);
    return y;
}

static void test_int_truncates_toward_zero(void **state)
{
    (void)state;
    const double in[] = { 2.7, -2.7, 0.5, -0.5, 3, -3, 0, 1e15 + 0.5 };
    const double out[] = { 2, -2, 0, 0, 3, -3, 0, 1e15 };
    for (size_t k = 0; k < sizeof in / sizeof in[0]; k++)
        assert_true(vm_and_folded("int", in[k]) == out[k]);
    /* Brian's int(not_refractory) idiom: a truth value in, 0 or 1 out. */
    snx_net *net = test_net(1);
    snx_group *g = must_group(net, "g", 1, "y : 1", NULL);
    assert_ok(snx_group_init(g, "y", "int(2 > 1) + 10*int(1 > 2)"));
    assert_close(snx_group_var(g, "y")[0], 1, 0);
    /* Dimensionless in, as in Brian. */
    assert_fails(snx_group_init(g, "y", "int(5*ms)"), SNX_EDIM,
                 "int() needs a dimensionless argument");
    snx_net_free(net);
}

static void test_exprel(void **state)
{
    (void)state;
    assert_true(vm_and_folded("exprel", 0) == 1);
    /* Near 0, against the series 1 + x/2 + x^2/6 + x^3/24: (exp(x) - 1)/x would lose
     * half the digits at 1e-8. Within one unit in the last place. */
    const double xs[] = { 1e-8, -1e-8, 1e-12, -3e-5, 1e-300, 5e-324 };
    for (size_t k = 0; k < sizeof xs / sizeof xs[0]; k++) {
        double x = xs[k], series = 1 + x / 2 + x * x / 6 + x * x * x / 24;
        assert_close(vm_and_folded("exprel", x), series, 2.3e-16);
    }
    assert_close(vm_and_folded("exprel", 1), exp(1) - 1, 1e-15);
    assert_close(vm_and_folded("exprel", -2), (exp(-2) - 1) / -2, 1e-15);
    assert_true(vm_and_folded("exprel", 800) == INFINITY);
    assert_true(vm_and_folded("exprel", -INFINITY) == 0);
}

static void test_other_brian_functions(void **state)
{
    (void)state;
    /* % and // as in Python and Brian: the remainder takes the divisor's sign. */
    snx_net *n1 = test_net(1);
    snx_group *h = must_group(n1, "h", 1, "y : 1\nz : 1", NULL);
    assert_ok(snx_group_init(h, "y", "(-1 % 3) + 10*(1 % -3) + 100*(7.5 % 2)"));
    assert_close(snx_group_var(h, "y")[0], 2 - 20 + 150, 0);
    assert_ok(snx_group_init(h, "z", "-7 // 2"));
    assert_close(snx_group_var(h, "z")[0], -4, 0);
    assert_ok(snx_group_init(h, "z", "(y - 133) // 2")); /* the VM's: -1 // 2 */
    assert_close(snx_group_var(h, "z")[0], -1, 0);
    assert_fails(snx_group_init(h, "z", "5*ms // ms"), SNX_EDIM,
                 "both operands of // must be dimensionless");
    snx_net_free(n1);
    assert_close(vm_and_folded("arcsin", 0.5), asin(0.5), 0);
    assert_close(vm_and_folded("arccos", 0.5), acos(0.5), 0);
    assert_close(vm_and_folded("arctan", -2), atan(-2), 0);
    assert_close(vm_and_folded("expm1", 1e-10), expm1(1e-10), 0);
    assert_close(vm_and_folded("log1p", 1e-10), log1p(1e-10), 0);
    /* timestep(t, dt): multiples of dt land in their own step despite rounding. */
    snx_net *net = test_net(1);
    snx_group *g = must_group(net, "g", 3, "y : 1\ntau : second", NULL);
    assert_ok(snx_group_init(g, "tau", "(i*0.1 + 0.3)*ms")); /* 0.3 ms is 2.9999... dt */
    assert_ok(snx_group_init(g, "y", "timestep(tau, dt)"));
    const double *y = snx_group_var(g, "y");
    assert_close(y[0], 3, 0);
    assert_close(y[1], 4, 0);
    assert_close(y[2], 5, 0);
    assert_fails(snx_group_init(g, "y", "timestep(tau, 1)"), SNX_EDIM,
                 "operands must have the same dimension");
    snx_net_free(net);
}

/* ---- lastspike and not_refractory ------------------------------------------------------ */

/* Neuron k spikes in the steps where step % period == phase (phase -1: never). */
static snx_group *scheduled(snx_net *net, const char *eqs, const char *reset,
                            const char *refractory)
{
    char all[512];
    snprintf(all, sizeof all, "period : 1\nphase : 1\n%s", eqs);
    return must_group(net, "g", 3, all,
                      OPTS(.threshold = "timestep(t, dt) % period == phase", .reset = reset,
                           .refractory = refractory));
}

static void test_lastspike(void **state)
{
    (void)state;
    snx_net *net = test_net(1);
    snx_group *g = scheduled(net, "since = t - lastspike : second\nseen : second\nn : 1",
                             "seen = lastspike; n += 1", NULL);
    assert_ok(snx_group_set_array(g, "period", (double[]){ 5, 1, 3 }, 3));
    assert_ok(snx_group_set_array(g, "phase", (double[]){ 2, -1, 0 }, 3));
    snx_monitor *m = snx_monitor_state(net, "m", g, "lastspike, since", NULL);
    assert_non_null(m);
    assert_int_equal(snx_monitor_var_dim(m, 0).e[2], 1); /* seconds */
    assert_ok(snx_net_run(net, 20 * DT));
    const double *ls = snx_monitor_values(m, "lastspike"), *since = snx_monitor_values(m, "since");
    for (int s = 0; s < 20; s++) {
        /* neuron 0 spikes in steps 2, 7, 12, 17; neuron 1 never; neuron 2 every third */
        double want0 = s < 2 ? -1e4 : ((s - 2) / 5 * 5 + 2) * DT, want2 = (s / 3 * 3) * DT;
        assert_true(ls[s * 3 + 0] == want0);
        assert_true(ls[s * 3 + 1] == -1e4); /* Brian's value before any spike */
        assert_true(ls[s * 3 + 2] == want2);
        /* Monitors compute subexpressions after the step's spikes. */
        assert_close(since[s * 3 + 0], s * DT - want0, 1e-12);
    }
    /* The reset sees the spike's own time, as Brian's (the threshold sets lastspike). */
    assert_true(snx_group_var(g, "seen")[0] == 17 * DT);
    assert_close(snx_group_var(g, "n")[0], 4, 0);
    assert_close(snx_group_var(g, "n")[1], 0, 0);
    /* The engine keeps it: code cannot assign it. */
    assert_group_fails(net, "v : 1", OPTS(.threshold = "v > 1", .reset = "lastspike = 0*ms"),
                       SNX_EINVAL, "cannot assign to \"lastspike\"",
                       "the engine sets it at each spike");
    assert_group_fails(net, "lastspike : second", NULL, SNX_ENAME,
                       "\"lastspike\" is a reserved name");
    snx_net_free(net);
}

static void test_not_refractory(void **state)
{
    (void)state;
    snx_net *net = test_net(1);
    snx_namespace_set(snx_net_namespace(net), "tau", 10 * DT, (snx_dim){ { 0, 0, 1 } });
    /* Neuron 0 is scheduled to spike in the odd steps. Refractory 3 steps: a spike in
     * step 1 makes steps 2 and 3 refractory, so the spike of step 3 does not happen;
     * the one of step 5 does. v grows by 0.1 per step in which the neuron is not
     * refractory (Brian's int(not_refractory)). Neurons 1, 2 never spike. */
    snx_group *g = scheduled(net, "dv/dt = int(not_refractory)/tau : 1\nr0 : 1",
                             "r0 = not_refractory", "3*dt");
    assert_ok(snx_group_set_array(g, "period", (double[]){ 2, 1, 1 }, 3));
    assert_ok(snx_group_set_array(g, "phase", (double[]){ 1, -1, -1 }, 3));
    snx_monitor *m = snx_monitor_state(net, "m", g, "not_refractory", NULL);
    snx_monitor *sp = snx_monitor_spikes(net, "sp", g, NULL, 0);
    assert_non_null(m);
    assert_ok(snx_net_run(net, 10 * DT));
    const double *nr = snx_monitor_values(m, "not_refractory");
    /* Spikes in steps 1, 5, 9; refractory samples: the spike's step and the two after. */
    const double want[10] = { 1, 0, 0, 0, 1, 0, 0, 0, 1, 0 };
    for (int s = 0; s < 10; s++) {
        assert_close(nr[s * 3 + 0], want[s], 0);
        assert_close(nr[s * 3 + 1], 1, 0);
    }
    assert_int_equal(snx_monitor_n_spikes(sp), 3);
    assert_close(snx_monitor_spike_t(sp)[1], 5 * DT, 1e-12);
    /* Integrating steps 0, 1, 4, 5, 8, 9 for neuron 0; all ten for neuron 1. */
    assert_close(snx_group_var(g, "v")[0], 0.6, 1e-12);
    assert_close(snx_group_var(g, "v")[1], 1.0, 1e-12);
    /* The reset runs after the spike made the neuron refractory. */
    assert_close(snx_group_var(g, "r0")[0], 0, 0);
    /* Without refractoriness not_refractory is always 1 (and folds). */
    snx_group *h = must_group(net, "h", 2, "x : 1", NULL);
    assert_ok(snx_group_init(h, "x", "not_refractory + int(not_refractory)"));
    assert_close(snx_group_var(h, "x")[1], 2, 0);
    snx_net_free(net);
}

static void test_lastspike_in_snapshots(void **state)
{
    (void)state;
    snx_net *net = test_net(1);
    snx_group *g = scheduled(net, "", NULL, NULL);
    assert_ok(snx_group_init(g, "period", "4"));
    assert_ok(snx_group_init(g, "phase", "i"));
    snx_monitor *m = snx_monitor_state(net, "m", g, "lastspike", NULL);
    assert_ok(snx_net_run(net, 6 * DT));
    snx_snapshot *snap = snx_net_snapshot(net);
    assert_ok(snx_net_run(net, 4 * DT)); /* steps 6..9: new spikes in 8 and 9 */
    assert_ok(snx_net_restore(net, snap));
    /* One step more: steps 8 and 9 are undone, so neurons 0 and 1 show steps 4 and 5. */
    assert_ok(snx_net_run(net, DT));
    const double *ls = snx_monitor_values(m, "lastspike") + 6 * 3;
    assert_true(ls[0] == 4 * DT);
    assert_true(ls[1] == 5 * DT);
    assert_true(ls[2] == 6 * DT);
    snx_snapshot_free(snap);
    snx_net_free(net);
}

/* ---- refractoriness as a condition --------------------------------------------------- */

static void test_refractory_condition(void **state)
{
    (void)state;
    snx_net *net = test_net(1);
    snx_namespace_set(snx_net_namespace(net), "tau", 10 * DT, (snx_dim){ { 0, 0, 1 } });
    /* v rises 0.1 per step unless refractory; w falls 0.1 per step always. A spike sets
     * w to w_reset; the neuron stays refractory while w > 0.25, tested at the start of
     * each step (Brian: not_refractory = not_refractory or not (w > 0.25)). Neuron 0
     * (w_reset 1) spikes in step 4, is refractory in steps 5..12 (w 1, 0.9, ..., 0.3 at
     * their starts), integrates from step 13 and spikes again in step 17. Neuron 1
     * (w_reset 0) fails the condition at once: never refractory after its spike, it
     * spikes every fifth step. */
    snx_group *g = must_group(net, "g", 2,
                              "dv/dt = 1/tau : 1 (unless refractory)\n"
                              "dw/dt = -1/tau : 1\nw_reset : 1",
                              OPTS(.threshold = "v > 0.45", .reset = "v = 0; w = w_reset",
                                   .refractory = "w > 0.25"));
    assert_ok(snx_group_set_array(g, "w_reset", (double[]){ 1, 0 }, 2));
    snx_monitor *m = snx_monitor_state(net, "m", g, "not_refractory", NULL);
    snx_monitor *sp = snx_monitor_spikes(net, "sp", g, NULL, 0);
    assert_ok(snx_net_run(net, 20 * DT));
    const int32_t want_i[] = { 0, 1, 1, 1, 0, 1 };
    const int want_step[] = { 4, 4, 9, 14, 17, 19 };
    assert_int_equal(snx_monitor_n_spikes(sp), 6);
    for (int k = 0; k < 6; k++) {
        assert_int_equal(snx_monitor_spike_i(sp)[k], want_i[k]);
        assert_close(snx_monitor_spike_t(sp)[k], want_step[k] * DT, 1e-12);
    }
    const double *nr = snx_monitor_values(m, "not_refractory");
    for (int s = 0; s < 20; s++) {
        double want0 = (s >= 4 && s <= 12) || s >= 17 ? 0 : 1;
        double want1 = s == 4 || s == 9 || s == 14 || s == 19 ? 0 : 1;
        assert_close(nr[s * 2], want0, 0);
        assert_close(nr[s * 2 + 1], want1, 0);
    }
    /* Until the next step tests the condition, a neuron that spiked is refractory. */
    assert_true(snx_group_is_refractory(g, 0));
    assert_true(snx_group_is_refractory(g, 1));
    assert_ok(snx_net_run(net, DT));
    assert_true(snx_group_is_refractory(g, 0)); /* w = 0.9 at the start of step 20 */
    assert_false(snx_group_is_refractory(g, 1));
    /* Neither a time nor a condition. */
    assert_group_fails(net, "v : 1", OPTS(.threshold = "v > 1", .refractory = "v*2"),
                       SNX_EINVAL, "refractory \"v*2\" is dimensionless but not a condition");
    assert_group_fails(net, "v : volt", OPTS(.threshold = "v > 1*mV", .refractory = "v"),
                       SNX_EDIM, "must be a time (dimension s) or a condition",
                       "has dimension V");
    snx_net_free(net);
}

/* ---- (shared) --------------------------------------------------------------------------- */

static void test_shared_parameter(void **state)
{
    (void)state;
    snx_net *net = test_net(1);
    snx_group *g = must_group(net, "g", 300,
                              "dv/dt = rate + (i + 1)*slope*t : 1\n"
                              "rate : Hz (shared)\nslope : Hz/second (constant, shared)\n"
                              "twice = 2*rate : Hz (shared)\nv_th : 1 (shared)",
                              OPTS(.threshold = "v > v_th", .reset = "v = 0"));
    snx_group *view = snx_group_slice(g, 100, 200);
    /* One value for the group: set through the group or a view. */
    assert_ok(snx_group_set(view, "rate", 100));
    assert_ptr_equal(snx_group_var(view, "rate"), snx_group_var(g, "rate"));
    assert_ok(snx_group_init(g, "slope", "0*Hz/second"));
    assert_ok(snx_group_init(g, "v_th", "0.5 + 0.5*rand()")); /* drawn once */
    double th = snx_group_var(g, "v_th")[0];
    assert_true(th >= 0.5 && th < 1);
    snx_monitor *m = snx_monitor_state(net, "m", view, "rate, twice, v",
                                       &(snx_state_monitor_opts){ .neurons = (int32_t[]){ 0, 99 },
                                                                  .n_neurons = 2 });
    snx_monitor *sp = snx_monitor_spikes(net, "sp", g, NULL, 0);
    assert_ok(snx_net_run(net, 10 * DT));
    /* 10 steps of 100 Hz * 0.1 ms: every neuron at 0.1, read in equations as a scalar. */
    for (int32_t k = 0; k < 300; k++)
        assert_close(snx_group_var(g, "v")[k], 0.1, 1e-12);
    /* Monitors record the value for every recorded neuron. */
    assert_close(snx_monitor_values(m, "rate")[9 * 2 + 1], 100, 0);
    assert_close(snx_monitor_values(m, "twice")[9 * 2 + 0], 200, 0);
    /* The shared threshold (a scalar operand of the threshold's code). */
    assert_ok(snx_group_set(g, "v_th", 0.15));
    assert_ok(snx_net_run(net, 6 * DT));
    assert_int_equal(snx_monitor_n_spikes(sp), 300);
    /* Snapshots keep the one value. */
    snx_snapshot *snap = snx_net_snapshot(net);
    assert_ok(snx_group_set(g, "rate", 7));
    assert_ok(snx_net_restore(net, snap));
    assert_close(snx_group_var(g, "rate")[0], 100, 0);
    snx_snapshot_free(snap);
    snx_net_free(net);
}

static void test_shared_refusals(void **state)
{
    (void)state;
    snx_net *net = test_net(1);
    snx_group *g = must_group(net, "g", 4, "v : 1\nrate : Hz (shared)", NULL);
    assert_fails(snx_group_set_array(g, "rate", (double[]){ 1, 2, 3, 4 }, 4), SNX_EINVAL,
                 "\"rate\" is shared (one value for the whole group), so it takes no array");
    assert_fails(snx_group_init(g, "rate", "v*Hz"), SNX_EINVAL,
                 "shared variable \"rate\" cannot be set from \"v\", which differs between neurons");
    assert_fails(snx_group_init(g, "rate", "i*Hz"), SNX_EINVAL, "cannot be set from \"i\"");
    /* Per-neuron code: Brian's "cannot write shared variable in per-neuron code". */
    assert_group_fails(net, "v : 1\nrate : Hz (shared)",
                       OPTS(.threshold = "v > 1", .reset = "v = 0; rate += 1*Hz"), SNX_EINVAL,
                       "reset, line 1, column 8: cannot write shared variable \"rate\" in "
                       "per-neuron code \"rate += 1*Hz\"");
    snx_group *post = must_group(net, "post", 2, "v : 1\nJ : 1 (shared)", NULL);
    assert_null(snx_synapses_new(net, "s", g, post, &(snx_synapses_opts){ .on_pre = "J += 1" }));
    assert_int_equal(snx_errcode(), SNX_EINVAL);
    assert_errmsg_contains("cannot write shared variable \"J\"");
    assert_null(snx_synapses_new(net, "s", g, post,
                                 &(snx_synapses_opts){ .model = "w : 1 (shared)", .on_pre = "v += w" }));
    assert_int_equal(snx_errcode(), SNX_EPARSE);
    assert_errmsg_contains("(shared) variables are supported in neuron groups only");
    /* Shared subexpressions use shared values only; differential equations cannot be
     * shared (as in Brian's neuron groups). */
    assert_group_fails(net, "v : 1\nrate : Hz (shared)\nbad = v*rate : Hz (shared)", NULL,
                       SNX_EINVAL, "line 3", "shared subexpression \"bad\" refers to \"v\"");
    assert_group_fails(net, "noise = rand() : 1 (shared)", NULL, SNX_EINVAL,
                       "refers to \"rand()\"");
    assert_group_fails(net, "dv/dt = -v/ms : 1 (shared)", NULL, SNX_EPARSE,
                       "only parameters and subexpressions can be shared", "\"shared\"");
    snx_net_free(net);
}

static void test_shared_read_by_synapses(void **state)
{
    (void)state;
    snx_net *net = test_net(1);
    snx_group *pre = must_group(net, "pre", 2, "", OPTS(.threshold = "timestep(t, dt) == 0"));
    snx_group *post = must_group(net, "post", 3, "v : 1\nJ : 1 (shared)", NULL);
    snx_synapses *s = snx_synapses_new(net, "s", pre, post,
                                       &(snx_synapses_opts){ .on_pre = "v += J_post + 0*i" });
    assert_non_null(s);
    assert_ok(snx_synapses_connect_all(s, NULL));
    assert_ok(snx_group_set(post, "J", 0.25));
    assert_ok(snx_net_run(net, 2 * DT));
    for (int32_t k = 0; k < 3; k++)
        assert_close(snx_group_var(post, "v")[k], 0.5, 0);
    snx_net_free(net);
}

/* ---- what snex refuses ------------------------------------------------------------------ */

static void test_brian_constructs_refused(void **state)
{
    (void)state;
    snx_net *net = test_net(1);
    /* Flags. */
    assert_group_fails(net, "x : 1 (linked)", NULL, SNX_EPARSE, "column 8",
                       "linked variables are not supported", "\"linked\"");
    assert_group_fails(net, "x = 2*t/ms : 1 (constant over dt)", NULL, SNX_EPARSE,
                       "subexpressions constant over dt are not supported");
    assert_group_fails(net, "dv/dt = -v/ms : 1 (point current)", NULL, SNX_EPARSE,
                       "point currents (of Brian's SpatialNeuron) are not supported");
    snx_group *g = must_group(net, "g", 2, "v : 1", OPTS(.threshold = "v > 1"));
    /* synapse-model flags in a group (test_sim_plasticity.c has them in synapses) */
    const char *syn_flags[][2] = {
        { "dw/dt = -w/ms : 1 (event-driven)", "flag (event-driven): only synapse models" },
        { "dw/dt = -w/ms : 1 (clock-driven)", "flag (clock-driven): only synapse models" },
        { "s = v : 1 (summed)", "flag (summed): only synapse models" },
    };
    for (size_t k = 0; k < 3; k++) {
        char model[128];
        snprintf(model, sizeof model, "v : 1\n%s", syn_flags[k][0]);
        assert_group_fails(net, model, NULL, SNX_EINVAL, syn_flags[k][1]);
    }
    /* Types. */
    assert_group_fails(net, "b : boolean", NULL, SNX_EPARSE,
                       "boolean and integer variables are not supported", "\"boolean\"");
    assert_group_fails(net, "n : integer", NULL, SNX_EPARSE, "\"integer\"");
    /* Names and functions. */
    assert_group_fails(net, "x = t_in_timesteps : 1", NULL, SNX_ENOTFOUND,
                       "unsupported name \"t_in_timesteps\" at line 1, column 5",
                       "write timestep(t, dt)");
    assert_group_fails(net, "t_in_timesteps : 1", NULL, SNX_ENAME, "is a reserved name");
    assert_group_fails(net, "x = (t - lastupdate)/ms : 1", NULL, SNX_ENOTFOUND,
                       "lastupdate exists only in synapses with event-driven equations");
    assert_group_fails(net, "x = (t - lastspike)/ms : 1", NULL, SNX_ENOTFOUND,
                       "lastspike exists only in neuron groups with a threshold");
    assert_group_fails(net, "x = poisson(2) : 1", NULL, SNX_EPARSE,
                       "Brian's poisson() is not supported");
    const char *syn_names[][2] = {
        { "v += lastspike_pre/second", "synaptic code cannot read lastspike" },
        { "v += not_refractory_post", "synaptic code cannot read not_refractory" },
        { "v += N_incoming", "Brian's N_incoming is not supported" },
        { "v += N_outgoing", "Brian's N_outgoing is not supported" },
    };
    for (size_t k = 0; k < 4; k++) {
        assert_null(snx_synapses_new(net, "s", g, g, &(snx_synapses_opts){ .on_pre = syn_names[k][0] }));
        assert_int_equal(snx_errcode(), SNX_ENOTFOUND);
        assert_errmsg_contains(syn_names[k][1]);
    }
    snx_net_free(net);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_int_truncates_toward_zero),
        cmocka_unit_test(test_exprel),
        cmocka_unit_test(test_other_brian_functions),
        cmocka_unit_test(test_lastspike),
        cmocka_unit_test(test_not_refractory),
        cmocka_unit_test(test_lastspike_in_snapshots),
        cmocka_unit_test(test_refractory_condition),
        cmocka_unit_test(test_shared_parameter),
        cmocka_unit_test(test_shared_refusals),
        cmocka_unit_test(test_shared_read_by_synapses),
        cmocka_unit_test(test_brian_constructs_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
