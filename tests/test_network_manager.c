/* The network framework: the order in which the manager calls every hook across
 * subruns, the subruns' ordering and its errors, hooks changing the upcoming
 * subruns, failures named by where they happened, and pre-built state reaching
 * every run unchanged (in worker processes and in single-process mode). */
#include "snx_test.h"

/* ---- a recording component ------------------------------------------------------ */

/* Every hook appends "<name>.<hook>[(subrun)] " to the log in self. */
typedef struct recorder {
    snx_buf *log;
} recorder;

static void note(snx_component *c, const char *hook, const snx_subrun_ctx *ctx)
{
    snx_buf *log = ((recorder *)c->self)->log;
    if (ctx && ctx->current)
        snx_buf_printf(log, "%s.%s(%s) ", c->name, hook, ctx->current->name);
    else
        snx_buf_printf(log, "%s.%s ", c->name, hook);
}

static int rec_add_parameters(snx_component *c, snx_traj *traj)
{
    (void)traj;
    note(c, "add_parameters", NULL);
    return 0;
}

static int rec_pre_build(snx_component *c, snx_traj *traj, snx_net *net, snx_map *shared)
{
    (void)traj, (void)net, (void)shared;
    note(c, "pre_build", NULL);
    return 0;
}

static int rec_build(snx_component *c, snx_traj *traj, snx_net *net, snx_map *shared)
{
    (void)traj, (void)net, (void)shared;
    note(c, "build", NULL);
    return 0;
}

static int rec_add(snx_component *c, const snx_subrun_ctx *ctx)
{
    note(c, "add", ctx);
    return 0;
}

static int rec_remove(snx_component *c, const snx_subrun_ctx *ctx)
{
    note(c, "remove", ctx);
    return 0;
}

static int rec_analyse(snx_component *c, const snx_subrun_ctx *ctx)
{
    note(c, "analyse", ctx);
    return 0;
}

static snx_component recording(const char *name, recorder *r, bool analyser)
{
    return (snx_component){ .name = name, .self = r, .add_parameters = rec_add_parameters,
                            .pre_build = rec_pre_build, .build = rec_build,
                            .add_to_network = rec_add, .remove_from_network = rec_remove,
                            .analyse = analyser ? rec_analyse : NULL };
}

/* A subrun parameter below simulation.durations with an order annotation. */
static snx_node *add_subrun(snx_traj *traj, const char *name, double ms, snx_value order)
{
    char full[128];
    snprintf(full, sizeof full, "simulation.durations.%s", name);
    snx_node *p = snx_traj_add_parameter(traj, full, snx_quantity(ms, "ms"), "a subrun");
    assert_non_null(p);
    if (order.type != SNX_T_NONE)
        assert_ok(snx_node_annotate(p, "order", order));
    return p;
}

static snx_traj *traj_with_subruns(void)
{
    snx_traj *traj = snx_traj_new("net_test", NULL);
    assert_non_null(traj);
    add_subrun(traj, "third", 1.5, snx_int(42));
    add_subrun(traj, "init", 0.5, snx_int(0));
    add_subrun(traj, "measure", 1.0, snx_double(1.5));
    return traj;
}

/* ---- hook order ---------------------------------------------------------------- */

static void test_hook_order_across_subruns(void **state)
{
    (void)state;
    snx_buf log = { 0 };
    recorder r = { &log };
    snx_component comps[2] = { recording("A", &r, false), recording("B", &r, false) };
    snx_component anas[2] = { recording("X", &r, true), recording("Y", &r, true) };
    snx_component runner = recording("R", &r, false);
    snx_manager *m = snx_manager_new(&(snx_manager_opts){
        .components = comps, .n_components = 2, .analysers = anas, .n_analysers = 2,
        .runner = &runner });
    assert_non_null(m);
    snx_traj *traj = traj_with_subruns();
    assert_ok(snx_manager_add_parameters(m, traj));
    assert_string_equal(log.data, "A.add_parameters B.add_parameters X.add_parameters "
                                  "Y.add_parameters R.add_parameters ");
    log.len = 0;
    assert_ok(snx_manager_pre_build(m, traj));
    assert_string_equal(log.data, "A.pre_build B.pre_build X.pre_build Y.pre_build R.pre_build ");
    log.len = 0;
    snx_value ret = snx_none();
    assert_ok(snx_manager_run_network(traj, m, &ret));
    /* Subruns by order (0, 1.5, 42); per subrun the eight steps; removal in reverse role
     * order, each list in its own order. */
    snx_buf want = { 0 };
    snx_buf_puts(&want, "A.build B.build X.build Y.build R.build ");
    const char *subruns[3] = { "init", "measure", "third" };
    for (int k = 0; k < 3; k++) {
        const char *s = subruns[k];
        snx_buf_printf(&want, "A.add(%s) B.add(%s) X.add(%s) Y.add(%s) R.add(%s) "
                              "X.analyse(%s) Y.analyse(%s) "
                              "R.remove(%s) X.remove(%s) Y.remove(%s) A.remove(%s) B.remove(%s) ",
                       s, s, s, s, s, s, s, s, s, s, s, s);
    }
    assert_string_equal(log.data, want.data);
    /* Simulated time: all three subruns, 0.5 + 1 + 1.5 ms. */
    assert_close(snx_net_t(snx_manager_net(m)), 3e-3, 1e-12);
    snx_buf_free(&want);
    snx_buf_free(&log);
    snx_manager_free(m);
    snx_traj_free(traj);
}

static void test_missing_hooks_do_nothing(void **state)
{
    (void)state;
    snx_component bare[1] = { { .name = "bare" } };
    snx_manager *m = snx_manager_new(&(snx_manager_opts){ .components = bare, .n_components = 1,
                                                          .analysers = bare, .n_analysers = 1 });
    assert_non_null(m);
    snx_traj *traj = traj_with_subruns();
    assert_ok(snx_manager_add_parameters(m, traj));
    snx_value ret = snx_none();
    assert_ok(snx_manager_run_network(traj, m, &ret));
    assert_int_equal(snx_net_step(snx_manager_net(m)), 30); /* 3 ms at 0.1 ms */
    snx_manager_free(m);
    snx_traj_free(traj);
}

static void count_report(double fraction, double t, double elapsed, void *ctx)
{
    (void)t, (void)elapsed;
    int *calls = ctx;
    calls[0]++;
    calls[1] += fraction == 1.0;
}

static void test_progress_through_the_engine_reporter(void **state)
{
    (void)state;
    int calls[2] = { 0, 0 };
    snx_manager *m = snx_manager_new(&(snx_manager_opts){ .report = count_report,
                                                          .report_ctx = calls });
    snx_traj *traj = traj_with_subruns();
    snx_value ret = snx_none();
    assert_ok(snx_manager_run_network(traj, m, &ret));
    assert_int_equal(calls[1], 3); /* each of the three subruns reports its end */
    assert_true(calls[0] >= 3);
    snx_manager_free(m);
    snx_traj_free(traj);
}

/* ---- subrun lists ----------------------------------------------------------------- */

static void test_subruns_sorted_by_order(void **state)
{
    (void)state;
    snx_traj *traj = traj_with_subruns();
    snx_subruns *list = snx_subruns_from_traj(traj, "simulation.durations");
    assert_non_null(list);
    assert_int_equal(snx_subruns_count(list), 3);
    assert_string_equal(snx_subruns_at(list, 0)->name, "init");
    assert_close(snx_subruns_at(list, 0)->duration, 0.5e-3, 0);
    assert_string_equal(snx_subruns_at(list, 1)->name, "measure");
    assert_close(snx_subruns_at(list, 1)->order, 1.5, 0);
    assert_string_equal(snx_subruns_at(list, 2)->name, "third");
    assert_ptr_equal(snx_subruns_at(list, 2)->param, snx_traj_get(traj, "third"));
    assert_null(snx_subruns_at(list, 3));
    /* Editing: insert, remove, clear. */
    assert_ok(snx_subruns_insert(list, 1, "extra", 0.2, 7));
    assert_string_equal(snx_subruns_at(list, 1)->name, "extra");
    assert_null(snx_subruns_at(list, 1)->param);
    assert_ok(snx_subruns_remove(list, 0));
    assert_string_equal(snx_subruns_at(list, 0)->name, "extra");
    assert_fails(snx_subruns_remove(list, 3), SNX_EINVAL, "no upcoming subrun 3 (3 left)");
    assert_fails(snx_subruns_insert(list, 9, "x", 1, 0), SNX_EINVAL, "past the end");
    assert_fails(snx_subruns_insert(list, 0, "x", -1, 0), SNX_EINVAL,
                 "subrun \"x\": duration must be a finite time >= 0");
    assert_fails(snx_subruns_insert(list, 0, "x", NAN, 0), SNX_EINVAL, "finite");
    snx_subruns_clear(list);
    assert_int_equal(snx_subruns_count(list), 0);
    snx_subruns_free(list);
    snx_traj_free(traj);
}

static void assert_subruns_fail(snx_traj *traj, int code, const char *fragment)
{
    assert_null(snx_subruns_from_traj(traj, "simulation.durations"));
    assert_int_equal(snx_errcode(), code);
    assert_errmsg_contains(fragment);
}

static void test_subrun_errors(void **state)
{
    (void)state;
    snx_traj *traj = snx_traj_new("t", NULL);
    assert_subruns_fail(traj, SNX_ENOTFOUND, "no group \"simulation.durations\"");
    snx_manager *m = snx_manager_new(NULL);
    snx_value ret = snx_none();
    assert_fails(snx_manager_run_network(traj, m, &ret), SNX_ENOTFOUND,
                 "no group \"simulation.durations\"");
    snx_manager_free(m);
    snx_traj_add_group(traj, "parameters.simulation.durations", NULL);
    assert_subruns_fail(traj, SNX_ENOTFOUND, "holds no duration parameter");
    add_subrun(traj, "a", 1, snx_none());
    assert_subruns_fail(traj, SNX_EINVAL, "\"parameters.simulation.durations.a\" has no `order`");
    snx_traj_free(traj);

    traj = snx_traj_new("t", NULL);
    add_subrun(traj, "a", 1, snx_str("first"));
    assert_subruns_fail(traj, SNX_EINVAL, "has a non-numeric `order`");
    snx_traj_free(traj);

    traj = snx_traj_new("t", NULL);
    add_subrun(traj, "a", 1, snx_int(1));
    add_subrun(traj, "b", 2, snx_double(1.0));
    assert_subruns_fail(traj, SNX_EINVAL, "\"parameters.simulation.durations.a\" and "
                                          "\"parameters.simulation.durations.b\" have the "
                                          "same order 1");
    snx_traj_free(traj);

    traj = snx_traj_new("t", NULL);
    snx_node *p = snx_traj_add_parameter(traj, "simulation.durations.a", snx_double(0.5), "");
    snx_node_annotate(p, "order", snx_int(0));
    assert_subruns_fail(traj, SNX_EINVAL, "must be a time quantity (e.g. 500 ms), not double");
    snx_traj_free(traj);

    traj = snx_traj_new("t", NULL);
    p = snx_traj_add_parameter(traj, "simulation.durations.a", snx_quantity(5, "mV"), "");
    snx_node_annotate(p, "order", snx_int(0));
    assert_subruns_fail(traj, SNX_EINVAL, "must be a time quantity");
    snx_traj_free(traj);
}

/* ---- hooks that change the course of a run --------------------------------------- */

/* Cancels everything after the first subrun, then adds one 3 ms subrun. */
static int steering_analyse(snx_component *c, const snx_subrun_ctx *ctx)
{
    int *calls = c->self;
    if ((*calls)++ == 0) {
        snx_subruns_clear(ctx->upcoming);
        return snx_subruns_insert(ctx->upcoming, 0, "added", 3e-3, 99);
    }
    return 0;
}

static void test_analyser_cancels_and_adds_subruns(void **state)
{
    (void)state;
    snx_buf log = { 0 };
    recorder r = { &log };
    int calls = 0;
    snx_component comps[1] = { recording("A", &r, false) };
    snx_component anas[1] = { { .name = "steer", .self = &calls, .analyse = steering_analyse } };
    snx_manager *m = snx_manager_new(&(snx_manager_opts){
        .components = comps, .n_components = 1, .analysers = anas, .n_analysers = 1 });
    snx_traj *traj = traj_with_subruns();
    snx_value ret = snx_none();
    assert_ok(snx_manager_run_network(traj, m, &ret));
    assert_string_equal(log.data, "A.build A.add(init) A.remove(init) A.add(added) "
                                  "A.remove(added) ");
    assert_int_equal(calls, 2);
    assert_close(snx_net_t(snx_manager_net(m)), 3.5e-3, 1e-12);
    snx_buf_free(&log);
    snx_manager_free(m);
    snx_traj_free(traj);
}

/* ---- failures --------------------------------------------------------------------- */

static int failing_add(snx_component *c, const snx_subrun_ctx *ctx)
{
    (void)c;
    if (!strcmp(ctx->current->name, "measure"))
        return snx_error(SNX_EINVAL, "no monitor for you");
    return 0;
}

static int failing_build(snx_component *c, snx_traj *traj, snx_net *net, snx_map *shared)
{
    (void)c, (void)traj, (void)net, (void)shared;
    return 3; /* a positive value: a slip, still a failure */
}

static void test_failures_say_where(void **state)
{
    (void)state;
    snx_traj *traj = traj_with_subruns();
    snx_value ret = snx_none();
    snx_component anas[1] = { { .name = "monitors", .add_to_network = failing_add } };
    snx_manager *m = snx_manager_new(&(snx_manager_opts){ .analysers = anas, .n_analysers = 1 });
    assert_fails(snx_manager_run_network(traj, m, &ret), SNX_EINVAL,
                 "network: analyser \"monitors\": add_to_network failed before subrun "
                 "\"measure\": no monitor for you");
    assert_close(snx_net_t(snx_manager_net(m)), 0.5e-3, 1e-12); /* stopped after init */
    snx_manager_free(m);

    snx_component comps[1] = { { .name = "neurons", .build = failing_build } };
    m = snx_manager_new(&(snx_manager_opts){ .components = comps, .n_components = 1 });
    assert_fails(snx_manager_run_network(traj, m, &ret), SNX_EINVAL,
                 "network: component \"neurons\": build failed: returned 3 without a message");
    snx_manager_free(m);

    /* Construction errors. */
    snx_component nameless[1] = { { .build = failing_build } };
    assert_null(snx_manager_new(&(snx_manager_opts){ .components = nameless, .n_components = 1 }));
    assert_errmsg_contains("component 0 has no name");
    snx_component analysing[1] = { { .name = "c", .analyse = steering_analyse } };
    assert_null(snx_manager_new(&(snx_manager_opts){ .components = analysing, .n_components = 1 }));
    assert_errmsg_contains("component \"c\" has an analyse hook; only analysers analyse");
    assert_null(snx_manager_new(&(snx_manager_opts){ .runner = analysing }));
    assert_errmsg_contains("runner \"c\" has an analyse hook");
    assert_null(snx_manager_new(&(snx_manager_opts){ .n_analysers = 2 }));
    assert_errmsg_contains("2 analysers but the list is NULL");
    assert_fails(snx_manager_run_network(traj, NULL, &ret), SNX_EINVAL,
                 "pass the manager as the run's user data");
    snx_traj_free(traj);
}

static void test_pre_run_state(void **state)
{
    (void)state;
    snx_traj *traj = traj_with_subruns();
    snx_node *p = snx_traj_add_parameter(traj, "simulation.pre_durations.warmup",
                                         snx_quantity(2, "ms"), "");
    snx_node_annotate(p, "order", snx_int(0));
    snx_buf log = { 0 };
    recorder r = { &log };
    snx_component comps[1] = { recording("A", &r, false) };
    snx_manager *m = snx_manager_new(&(snx_manager_opts){ .components = comps, .n_components = 1 });
    assert_ok(snx_manager_pre_run(m, traj));
    assert_string_equal(log.data, "A.pre_build A.add(warmup) A.remove(warmup) ");
    assert_close(snx_net_t(snx_manager_net(m)), 2e-3, 1e-12);
    assert_fails(snx_manager_pre_run(m, traj), SNX_ESTATE, "pre-run already");
    assert_fails(snx_manager_pre_build(m, traj), SNX_ESTATE, "pre-built already");
    snx_value ret = snx_none();
    assert_ok(snx_manager_run_network(traj, m, &ret));
    assert_close(snx_net_t(snx_manager_net(m)), 5e-3, 1e-12); /* time continued */
    /* A second run in the same process needs a restore first. */
    assert_fails(snx_manager_run_network(traj, m, &ret), SNX_ESTATE,
                 "pass snx_manager_restore as snx_env_opts.restore");
    assert_ok(snx_manager_restore(m));
    assert_close(snx_net_t(snx_manager_net(m)), 2e-3, 1e-12);
    assert_ok(snx_manager_run_network(traj, m, &ret));
    snx_buf_free(&log);
    snx_manager_free(m);
    snx_traj_free(traj);
}

/* ---- pre-built state reaches every run ------------------------------------------- */

/* Pre-builds a group with random V (so every run must see the same values) and
 * connects it in every run (so runs change the network); each run stores V at the
 * start and the synapse count, then simulates with input, changing V. */
static int neurons_pre_build(snx_component *c, snx_traj *traj, snx_net *net, snx_map *shared)
{
    (void)c, (void)traj;
    snx_group *g = snx_group_new(net, "g", 50, "dV/dt = (1.5 - V)/(10*ms) : 1",
                                 &(snx_group_opts){ .threshold = "V > 1", .reset = "V = 0" });
    if (!g || snx_group_init(g, "V", "rand()"))
        return snx_errcode();
    return snx_map_put(shared, "g", g);
}

static int synapses_build(snx_component *c, snx_traj *traj, snx_net *net, snx_map *shared)
{
    (void)c;
    snx_group *g = snx_map_get(shared, "g");
    snx_traj_add_result(traj, "v0", snx_double_array(50, snx_group_var(g, "V")), "V at start");
    double p = snx_traj_double(traj, "p");
    snx_synapses *s = snx_synapses_new(net, "s", g, g, &(snx_synapses_opts){ .on_pre = "V += 0.1" });
    if (!s || snx_synapses_connect_p(s, p, NULL))
        return snx_errcode();
    snx_traj_add_result(traj, "n_synapses", snx_int((int64_t)snx_synapses_count(s)), "");
    return snx_map_put(shared, "s", s);
}

static int monitor_add(snx_component *c, const snx_subrun_ctx *ctx)
{
    (void)c;
    snx_monitor *mon = snx_monitor_spikes(ctx->net, "spikes", snx_map_get(ctx->shared, "g"),
                                          NULL, 0);
    return mon ? snx_map_put(ctx->shared, "spikes", mon) : snx_errcode();
}

static int monitor_analyse(snx_component *c, const snx_subrun_ctx *ctx)
{
    (void)c;
    snx_monitor *mon = snx_map_get(ctx->shared, "spikes");
    return snx_traj_add_result(ctx->traj, "nspikes", snx_int((int64_t)snx_monitor_n_spikes(mon)),
                               "")
               ? 0
               : snx_errcode();
}

static snx_manager *prebuilt_manager(snx_traj *traj)
{
    snx_component comps[2] = { { .name = "neurons", .pre_build = neurons_pre_build },
                               { .name = "synapses", .build = synapses_build } };
    snx_component anas[1] = { { .name = "monitor", .add_to_network = monitor_add,
                                .analyse = monitor_analyse } };
    snx_manager *m = snx_manager_new(&(snx_manager_opts){
        .components = comps, .n_components = 2, .analysers = anas, .n_analysers = 1,
        .seed = 7 });
    assert_non_null(m);
    add_subrun(traj, "only", 20, snx_int(0));
    assert_non_null(snx_traj_add_parameter(traj, "p", snx_double(0.1), "connection probability"));
    snx_ranges *r = snx_ranges_new();
    assert_ok(snx_ranges_add_doubles(r, "p", (double[]){ 0.1, 0.2, 0.1, 0.3 }, 4));
    assert_ok(snx_traj_explore(traj, r));
    snx_ranges_free(r);
    assert_ok(snx_manager_pre_build(m, traj));
    return m;
}

/* Runs the sweep and returns the per-run items (run-major): n_synapses, nspikes. */
static void sweep(int workers, bool single, int64_t out[4][2])
{
    snx_traj *traj = snx_traj_new("sweep", NULL);
    snx_manager *m = prebuilt_manager(traj);
    double v0[50];
    memcpy(v0, snx_group_var(snx_net_group(snx_manager_net(m), "g"), "V"), sizeof v0);
    snx_env *env = snx_env_new(&(snx_env_opts){
        .traj = traj, .storage = SNX_ENV_NO_STORAGE, .n_workers = workers,
        .single_process = single, .restore = single ? snx_manager_restore : NULL,
        .restore_data = m, .seed = 11, .log_folder = "", .log_level = SNX_LOG_ERROR });
    assert_non_null(env);
    assert_ok(snx_env_run(env, snx_manager_run_network, m));
    for (long k = 0; k < 4; k++) {
        assert_ok(snx_traj_set_run(traj, k));
        const snx_value *v = snx_result_get(snx_traj_get(traj, "crun.v0"), "v0");
        assert_non_null(v);
        assert_memory_equal(v->u.a.data, v0, sizeof v0); /* every run starts pristine */
        out[k][0] = snx_result_get(snx_traj_get(traj, "crun.n_synapses"), "n_synapses")->u.i;
        out[k][1] = snx_result_get(snx_traj_get(traj, "crun.nspikes"), "nspikes")->u.i;
    }
    snx_traj_restore_default(traj);
    snx_env_free(env);
    snx_manager_free(m);
    snx_traj_free(traj);
}

static void test_prebuilt_state_in_every_run(void **state)
{
    (void)state;
    int64_t two[4][2], one[4][2], single[4][2];
    sweep(2, false, two);
    sweep(1, false, one);
    sweep(0, true, single);
    assert_memory_equal(two, one, sizeof two);    /* any number of workers */
    assert_memory_equal(two, single, sizeof two); /* single-process mode with restore */
    /* Runs 0 and 2 share p but not their seed: different connectivity. */
    assert_true(two[0][0] != two[2][0]);
    assert_true(two[3][0] > two[0][0]); /* p = 0.3 vs 0.1 */
    assert_true(two[0][1] > 0);
}

static void test_single_process_without_restore_refused(void **state)
{
    (void)state;
    snx_traj *traj = snx_traj_new("t", NULL);
    snx_manager *m = prebuilt_manager(traj);
    snx_env *env = snx_env_new(&(snx_env_opts){ .traj = traj, .storage = SNX_ENV_NO_STORAGE,
                                                .single_process = 1, .stateless = 1,
                                                .log_folder = "", .log_level = SNX_LOG_OFF });
    assert_non_null(env);
    assert_int_equal(snx_env_run(env, snx_manager_run_network, m), SNX_ERUN);
    size_t n;
    const snx_run_result *res = snx_env_results(env, &n);
    assert_int_equal(n, 4);
    assert_int_equal(res[0].status, 0);
    assert_int_equal(res[1].status, SNX_ERUN);
    assert_non_null(strstr(res[1].error, "already used by a run in this process"));
    snx_env_free(env);
    snx_manager_free(m);
    snx_traj_free(traj);
}

/* ---- explored groups ---------------------------------------------------------------- */

static void test_traj_explores(void **state)
{
    (void)state;
    snx_traj *traj = snx_traj_new("t", NULL);
    snx_traj_add_parameter(traj, "model.tau", snx_quantity(10, "ms"), "");
    snx_traj_add_parameter(traj, "connections.R_ee", snx_double(1.0), "");
    snx_traj_add_parameter(traj, "connections_x.q", snx_double(1.0), "");
    snx_ranges *r = snx_ranges_new();
    snx_ranges_add_doubles(r, "R_ee", (double[]){ 1.0, 2.0 }, 2);
    assert_ok(snx_traj_explore(traj, r));
    snx_ranges_free(r);
    assert_true(snx_traj_explores(traj, "connections"));
    assert_true(snx_traj_explores(traj, "parameters"));
    assert_true(snx_traj_explores(traj, "connections.R_ee"));
    assert_false(snx_traj_explores(traj, "model"));
    assert_false(snx_traj_explores(traj, "connections_x"));
    assert_false(snx_traj_explores(traj, "nowhere"));
    snx_traj_free(traj);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hook_order_across_subruns),
        cmocka_unit_test(test_missing_hooks_do_nothing),
        cmocka_unit_test(test_progress_through_the_engine_reporter),
        cmocka_unit_test(test_subruns_sorted_by_order),
        cmocka_unit_test(test_subrun_errors),
        cmocka_unit_test(test_analyser_cancels_and_adds_subruns),
        cmocka_unit_test(test_failures_say_where),
        cmocka_unit_test(test_pre_run_state),
        cmocka_unit_test(test_prebuilt_state_in_every_run),
        cmocka_unit_test(test_single_process_without_restore_refused),
        cmocka_unit_test(test_traj_explores),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
