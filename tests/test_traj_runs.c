/* explore/: runs — the current run, iter_runs, single-run mode and where its data
 * goes (runs prefix, $ wildcards, buckets), run information, find_idx and
 * get_from_runs. */
#include "snx_test.h"

/* x = [1,2,3,4] x y = [6,7,8] (y fastest): 12 runs. */
static int setup(void **state)
{
    snx_traj *t = snx_traj_new("runs", NULL);
    snx_traj_add_parameter(t, "x", snx_int(1), "first factor");
    snx_traj_add_parameter(t, "y", snx_int(1), "second factor");
    snx_traj_add_parameter(t, "unexplored", snx_int(-5), NULL);
    snx_ranges *r = snx_ranges_new();
    snx_ranges_add_ints(r, "x", (int64_t[]){ 1, 2, 3, 4 }, 4);
    snx_ranges_add_ints(r, "y", (int64_t[]){ 6, 7, 8 }, 3);
    snx_ranges *c = snx_ranges_cartesian(r, NULL);
    int rc = snx_traj_explore(t, c);
    snx_ranges_free(c);
    snx_ranges_free(r);
    *state = t;
    return rc;
}

static int teardown(void **state)
{
    snx_traj_free(*state);
    return 0;
}

/* ---- the current run ------------------------------------------------------------ */

static void test_set_run_by_index_and_name(void **state)
{
    snx_traj *t = *state;
    assert_int_equal(snx_traj_n_runs(t), 12);
    assert_int_equal(snx_traj_run_idx(t), -1);
    assert_string_equal(snx_traj_run_name_current(t), "run_ALL");
    assert_ok(snx_traj_set_run(t, 4));
    assert_int_equal(snx_traj_run_idx(t), 4);
    assert_string_equal(snx_traj_run_name_current(t), "run_00000004");
    assert_int_equal(snx_traj_int(t, "x"), 2);
    assert_int_equal(snx_traj_int(t, "y"), 7);
    assert_int_equal(snx_traj_int(t, "unexplored"), -5);
    assert_ok(snx_traj_set_run_name(t, "run_00000011"));
    assert_int_equal(snx_traj_run_idx(t), 11);
    assert_ok(snx_traj_set_run_name(t, "r_3"));
    assert_int_equal(snx_traj_run_idx(t), 3);
    assert_ok(snx_traj_set_run_name(t, "run_5"));
    assert_int_equal(snx_traj_run_idx(t), 5);
    assert_ok(snx_traj_set_run_name(t, "run_ALL"));
    assert_int_equal(snx_traj_run_idx(t), -1);
    assert_ok(snx_traj_set_run(t, 5));
    assert_ok(snx_traj_set_run(t, -1));
    assert_int_equal(snx_traj_run_idx(t), -1);
    assert_int_equal(snx_traj_int(t, "x"), 1); /* the default again */
}

static void test_unknown_runs(void **state)
{
    snx_traj *t = *state;
    assert_ok(snx_traj_set_run(t, 2));
    assert_fails(snx_traj_set_run(t, 12), SNX_EINVAL,
                 "set_run: no run 12 (the trajectory has 12 runs)");
    assert_fails(snx_traj_set_run(t, -2), SNX_EINVAL, "no run -2");
    assert_fails(snx_traj_set_run_name(t, "run_00000099"), SNX_EINVAL, "no run 99");
    assert_fails(snx_traj_set_run_name(t, "x"), SNX_ENAME, "\"x\" is not a run name");
    assert_int_equal(snx_traj_run_idx(t), 2); /* unchanged */
    snx_traj *one = snx_traj_new("one", NULL);
    assert_int_equal(snx_traj_n_runs(one), 1);
    assert_ok(snx_traj_set_run(one, 0));
    assert_fails(snx_traj_set_run(one, 1), SNX_EINVAL, "(the trajectory has 1 run)");
    snx_traj_free(one);
}

static void test_restore_default(void **state)
{
    snx_traj *t = *state;
    assert_ok(snx_traj_set_run(t, 11));
    assert_int_equal(snx_traj_int(t, "x"), 4);
    snx_traj_restore_default(t);
    assert_int_equal(snx_traj_run_idx(t), -1);
    assert_int_equal(snx_traj_int(t, "x"), 1);
    assert_int_equal(snx_traj_int(t, "y"), 1);
}

typedef struct {
    long idx[16];
    int64_t x[16], y[16];
    size_t n;
    long stop_at;
} iter_log;

static int log_run(snx_traj *t, long idx, void *ctx)
{
    iter_log *l = ctx;
    assert_int_equal(snx_traj_run_idx(t), idx);
    l->idx[l->n] = idx;
    l->x[l->n] = snx_traj_int(t, "x");
    l->y[l->n++] = snx_traj_int(t, "y");
    return idx == l->stop_at ? 7 : 0;
}

static void test_iter_runs(void **state)
{
    snx_traj *t = *state;
    iter_log l = { .stop_at = -1 };
    assert_ok(snx_traj_set_run(t, 3));
    assert_ok(snx_traj_iter_runs(t, log_run, &l));
    assert_int_equal(l.n, 12);
    for (size_t k = 0; k < 12; k++) {
        assert_int_equal(l.idx[k], (long)k);
        assert_int_equal(l.x[k], 1 + (int64_t)k / 3);
        assert_int_equal(l.y[k], 6 + (int64_t)k % 3);
    }
    assert_int_equal(snx_traj_run_idx(t), -1); /* back to normal */
    /* A non-zero return stops the iteration and is returned; defaults restored. */
    l = (iter_log){ .stop_at = 4 };
    assert_int_equal(snx_traj_iter_runs(t, log_run, &l), 7);
    assert_int_equal(l.n, 5);
    assert_int_equal(snx_traj_run_idx(t), -1);
    /* Not inside a run, and the run going on stays set. */
    assert_ok(snx_traj_begin_run(t, 6));
    assert_fails(snx_traj_iter_runs(t, log_run, &l), SNX_ESTATE,
                 "iterating runs is not allowed during a single run (run_00000006)");
    assert_int_equal(snx_traj_run_idx(t), 6);
    assert_int_equal(snx_traj_int(t, "x"), 3);
    snx_traj_end_run(t);
}

/* ---- single runs ------------------------------------------------------------------- */

static void test_begin_end_run_prefixes(void **state)
{
    snx_traj *t = *state;
    assert_false(snx_traj_in_run(t));
    assert_ok(snx_traj_begin_run(t, 3));
    assert_true(snx_traj_in_run(t));
    assert_int_equal(snx_traj_run_idx(t), 3);
    assert_int_equal(snx_traj_int(t, "x"), 2);
    snx_node *z = snx_traj_add_result(t, "z", snx_int(12), NULL);
    assert_string_equal(snx_node_full_name(z), "results.runs.run_00000003.z");
    assert_string_equal(snx_node_run_branch(z), "run_00000003");
    snx_node *m = snx_traj_add_result(t, "mygroup.myresult", snx_int(42), NULL);
    assert_string_equal(snx_node_full_name(m), "results.runs.run_00000003.mygroup.myresult");
    snx_node *w = snx_traj_add_derived(t, "conn.w", snx_double(0.5), NULL);
    assert_string_equal(snx_node_full_name(w), "derived_parameters.runs.run_00000003.conn.w");
    snx_node *r2 = snx_traj_add_result(t, "res.z2", snx_int(1), NULL);
    assert_string_equal(snx_node_full_name(r2), "results.runs.run_00000003.z2");
    /* $ and crun place data elsewhere and switch the runs prefix off. */
    snx_node *mg = snx_traj_add_result(t, "mygroup.$.myresult", snx_int(1), NULL);
    assert_string_equal(snx_node_full_name(mg), "results.mygroup.run_00000003.myresult");
    snx_node *nested = snx_traj_add_result(t, "mygroup.$.mygroup.myresult", snx_int(1), NULL);
    assert_string_equal(snx_node_full_name(nested),
                        "results.mygroup.run_00000003.mygroup.myresult");
    snx_node *leaf = snx_traj_add_result(t, "neuron.$", snx_none(), "a leaf named after the run");
    assert_string_equal(snx_node_full_name(leaf), "results.neuron.run_00000003");
    assert_int_equal(snx_node_kind_of(leaf), SNX_NODE_RESULT);
    assert_ok(snx_result_set(leaf, "V", snx_double_array(2, (double[]){ -0.07, -0.06 })));
    assert_ok(snx_result_set(leaf, "nspikes", snx_int(3)));
    snx_node *cr = snx_traj_add_derived(t, "crun.w", snx_int(1), NULL);
    assert_string_equal(snx_node_full_name(cr), "derived_parameters.run_00000003.w");
    /* A name that names a run group itself gets no prefix either. */
    snx_node *ex = snx_traj_add_result(t, "runs.run_00000003.explicit", snx_int(1), NULL);
    assert_string_equal(snx_node_full_name(ex), "results.runs.run_00000003.explicit");
    /* Through a group node nothing is prepended. */
    snx_node *g = snx_traj_add_group(t, "results.summary", NULL);
    snx_node *direct = snx_node_add_leaf(g, "rate", snx_double(1), NULL);
    assert_string_equal(snx_node_full_name(direct), "results.summary.rate");
    snx_traj_end_run(t);
    assert_false(snx_traj_in_run(t));
    assert_int_equal(snx_traj_run_idx(t), -1);
    /* Read back like pypet: traj.results.neuron.crun.V with the run set. */
    assert_ok(snx_traj_set_run(t, 3));
    snx_node *back = snx_traj_get(t, "results.neuron.crun");
    assert_ptr_equal(back, leaf);
    assert_true(((double *)snx_result_get(back, "V")->u.a.data)[1] == -0.06);
    assert_int_equal(snx_traj_int(t, "results.z"), 12);
    assert_int_equal(snx_traj_int(t, "crun.z"), 12);
}

static void test_buckets(void **state)
{
    (void)state;
    snx_traj *t = snx_traj_new("many", NULL);
    snx_traj_add_parameter(t, "i", snx_int(0), NULL);
    int64_t v[2500];
    for (int k = 0; k < 2500; k++)
        v[k] = k;
    snx_ranges *r = snx_ranges_new();
    snx_ranges_add_ints(r, "i", v, 2500);
    assert_ok(snx_traj_explore(t, r));
    snx_ranges_free(r);
    assert_ok(snx_traj_begin_run(t, 2022));
    snx_node *z = snx_traj_add_result(t, "$set.$.z", snx_int(2022), NULL);
    assert_string_equal(snx_node_full_name(z), "results.run_set_00002.run_00002022.z");
    snx_node *z2 = snx_traj_add_result(t, "crunset.crun.z2", snx_int(1), NULL);
    assert_string_equal(snx_node_full_name(z2), "results.run_set_00002.run_00002022.z2");
    snx_traj_end_run(t);
    assert_ok(snx_traj_begin_run(t, 999));
    z = snx_traj_add_result(t, "$set.$.z", snx_int(999), NULL);
    assert_string_equal(snx_node_full_name(z), "results.run_set_00000.run_00000999.z");
    snx_traj_end_run(t);
    /* Outside the runs: run_set_ALL.run_ALL */
    z = snx_traj_add_result(t, "$set.$.z", snx_int(-1), NULL);
    assert_string_equal(snx_node_full_name(z), "results.run_set_ALL.run_ALL.z");
    assert_ok(snx_traj_set_run(t, 2022));
    assert_int_equal(snx_traj_int(t, "res.crunset.crun.z"), 2022);
    snx_traj_free(t);
}

static void test_outside_runs_dollar_is_run_all(void **state)
{
    snx_traj *t = *state;
    snx_node *d = snx_traj_add_derived(t, "mygroup.$.myparam", snx_int(42), NULL);
    assert_string_equal(snx_node_full_name(d), "derived_parameters.mygroup.run_ALL.myparam");
    snx_node *r = snx_traj_add_result(t, "z", snx_int(1), NULL); /* no runs prefix */
    assert_string_equal(snx_node_full_name(r), "results.z");
}

static void test_refused_in_a_run(void **state)
{
    snx_traj *t = *state;
    snx_node *pg = snx_traj_add_group(t, "parameters.g", NULL);
    snx_node *cg = snx_traj_add_group(t, "config.c", NULL);
    assert_ok(snx_traj_begin_run(t, 0));
    assert_null(snx_traj_add_parameter(t, "p", snx_str("consumed"), NULL));
    assert_int_equal(snx_errcode(), SNX_ESTATE);
    assert_errmsg_contains("adding config or parameters is not allowed during a single run "
                           "(run_00000000)");
    assert_null(snx_traj_add_config(t, "c", snx_int(1), NULL));
    assert_int_equal(snx_errcode(), SNX_ESTATE);
    assert_null(snx_node_add_leaf(pg, "p", snx_int(1), NULL));
    assert_int_equal(snx_errcode(), SNX_ESTATE);
    assert_null(snx_node_add_leaf(cg, "p", snx_int(1), NULL));
    assert_int_equal(snx_errcode(), SNX_ESTATE);
    assert_null(snx_traj_add_group(t, "parameters.newgroup", NULL));
    assert_int_equal(snx_errcode(), SNX_ESTATE);
    assert_errmsg_contains("adding config or parameter groups is not allowed");
    assert_null(snx_traj_add_group(t, "conf.newgroup", NULL));
    assert_int_equal(snx_errcode(), SNX_ESTATE);
    /* and the run cannot be changed or re-entered */
    assert_fails(snx_traj_set_run(t, 1), SNX_ESTATE, "setting the current run is not allowed");
    assert_fails(snx_traj_begin_run(t, 1), SNX_ESTATE, "begin_run is not allowed");
    snx_traj_restore_default(t); /* a no-op during a run */
    assert_int_equal(snx_traj_run_idx(t), 0);
    assert_true(snx_traj_contains(t, "parameters.g"));
    assert_false(snx_traj_contains(t, "parameters.g.p"));
    snx_traj_end_run(t);
    assert_fails(snx_traj_begin_run(t, 12), SNX_EINVAL, "begin_run: no run 12");
    assert_false(snx_traj_in_run(t));
}

static void test_run_added(void **state)
{
    snx_traj *t = *state;
    snx_traj_add_result(t, "before", snx_int(0), NULL);
    assert_int_equal(snx_traj_n_run_added(t), 0);
    assert_ok(snx_traj_begin_run(t, 1));
    snx_node *z = snx_traj_add_result(t, "z", snx_int(1), NULL);
    snx_node *w = snx_traj_add_derived(t, "w", snx_int(2), NULL);
    snx_node *n = snx_traj_add_result(t, "neuron.$", snx_int(3), NULL);
    const char *want[] = { "results.runs", "results.runs.run_00000001", "results.runs.run_00000001.z",
                           "derived_parameters.runs", "derived_parameters.runs.run_00000001",
                           "derived_parameters.runs.run_00000001.w", "results.neuron",
                           "results.neuron.run_00000001" };
    assert_int_equal(snx_traj_n_run_added(t), 8);
    for (size_t k = 0; k < 8; k++)
        assert_string_equal(snx_node_full_name(snx_traj_run_added(t, k)), want[k]);
    assert_ptr_equal(snx_traj_run_added(t, 2), z);
    assert_ptr_equal(snx_traj_run_added(t, 5), w);
    assert_ptr_equal(snx_traj_run_added(t, 7), n);
    assert_null(snx_traj_run_added(t, 8));
    snx_traj_end_run(t);
    assert_int_equal(snx_traj_n_run_added(t), 8); /* kept for whoever stores the run */
    /* The next run starts a new list; existing groups are not added again. */
    assert_ok(snx_traj_begin_run(t, 2));
    snx_traj_add_result(t, "z", snx_int(1), NULL);
    assert_int_equal(snx_traj_n_run_added(t), 2);
    assert_string_equal(snx_node_full_name(snx_traj_run_added(t, 0)), "results.runs.run_00000002");
    snx_traj_end_run(t);
}

/* ---- run information ------------------------------------------------------------------- */

static void test_run_info(void **state)
{
    snx_traj *t = *state;
    snx_run_info info;
    assert_ok(snx_traj_run_info(t, 5, &info));
    assert_int_equal(info.idx, 5);
    assert_false(info.completed);
    assert_string_equal(info.name, "run_00000005");
    assert_string_equal(info.parameter_summary, "");
    assert_string_equal(info.env_hexsha, "");
    assert_null(info.error);
    snx_run_info in = { .completed = 1, .timestamp = 1000.5, .finish_timestamp = 1002.0,
                        .runtime = 1.5, .seed = UINT64_C(12345678901234),
                        .parameter_summary = "x=2, y=8", .env_hexsha = "abc1234",
                        .error = NULL };
    assert_ok(snx_traj_set_run_info(t, 5, &in));
    assert_ok(snx_traj_run_info(t, 5, &info));
    assert_true(info.completed);
    assert_true(info.timestamp == 1000.5);
    assert_true(info.finish_timestamp == 1002.0);
    assert_true(info.runtime == 1.5);
    assert_true(info.seed == UINT64_C(12345678901234));
    assert_string_equal(info.parameter_summary, "x=2, y=8");
    assert_string_equal(info.env_hexsha, "abc1234");
    /* Replacing strings and recording an error. */
    in.completed = 0;
    in.error = "segfault in run";
    in.parameter_summary = NULL;
    assert_ok(snx_traj_set_run_info(t, 5, &in));
    assert_ok(snx_traj_run_info(t, 5, &info));
    assert_string_equal(info.error, "segfault in run");
    assert_string_equal(info.parameter_summary, "");
    assert_fails(snx_traj_run_info(t, 12, &info), SNX_EINVAL, "run_info: no run 12");
    assert_fails(snx_traj_set_run_info(t, -1, &in), SNX_EINVAL, "set_run_info: no run -1");
}

static void test_parameter_summary_and_completion(void **state)
{
    snx_traj *t = *state;
    char *s = snx_traj_parameter_summary(t, 1);
    assert_string_equal(s, "x=1, y=7");
    free(s);
    s = snx_traj_parameter_summary(t, 11);
    assert_string_equal(s, "x=4, y=8");
    free(s);
    assert_null(snx_traj_parameter_summary(t, 12));
    assert_int_equal(snx_errcode(), SNX_EINVAL);
    assert_false(snx_par_is_locked(snx_traj_get(t, "x"))); /* the summary does not lock */
    /* Completion, per run and overall. */
    assert_false(snx_traj_is_completed(t, 0));
    assert_false(snx_traj_is_completed(t, -1));
    for (long k = 0; k < 12; k++) {
        assert_ok(snx_traj_set_run_info(t, k, &(snx_run_info){ .completed = k != 7 }));
    }
    assert_true(snx_traj_is_completed(t, 0));
    assert_false(snx_traj_is_completed(t, 7));
    assert_false(snx_traj_is_completed(t, -1));
    assert_ok(snx_traj_set_run_info(t, 7, &(snx_run_info){ .completed = 1 }));
    assert_true(snx_traj_is_completed(t, -1));
    assert_false(snx_traj_is_completed(t, 12)); /* no such run */
    /* Quantities and strings in the summary. */
    snx_traj *q = snx_traj_new("q", NULL);
    snx_traj_add_parameter(q, "neuron.tau_ref", snx_quantity(5, "ms"), NULL);
    snx_traj_add_parameter(q, "label", snx_str("a"), NULL);
    snx_ranges *r = snx_ranges_new();
    snx_ranges_add_quantities(r, "tau_ref", (double[]){ 5, 7.5 }, 2, "ms");
    snx_ranges_add_strings(r, "label", (const char *const[]){ "a", "b" }, 2);
    assert_ok(snx_traj_explore(q, r));
    snx_ranges_free(r);
    s = snx_traj_parameter_summary(q, 1);
    assert_string_equal(s, "tau_ref=7.5 ms, label='b'");
    free(s);
    snx_traj_free(q);
}

/* ---- find_idx ------------------------------------------------------------------------------- */

static bool x2_or_y8(const snx_value *const *v, size_t n, void *ctx)
{
    (void)ctx;
    assert_int_equal(n, 2);
    return v[0]->u.i == 2 || v[1]->u.i == 8;
}

static bool x_is(const snx_value *const *v, size_t n, void *ctx)
{
    (void)n;
    return v[0]->u.i == *(int64_t *)ctx;
}

static void test_find_idx_cookbook(void **state)
{
    snx_traj *t = *state;
    /* pypet's cookbook: x == 2 or y == 8. pypet's example output [1, 5, 8, 9, 10,
     * 11] has x fastest (Python 2 dict order); snex's product has the last name
     * (y) fastest: runs are (1,6) (1,7) (1,8) (2,6) (2,7) (2,8) (3,6) ... */
    long *idx = NULL;
    long n = snx_traj_find_idx(t, (const char *const[]){ "x", "y" }, 2, x2_or_y8, NULL, &idx);
    assert_int_equal(n, 6);
    const long want[] = { 2, 3, 4, 5, 8, 11 };
    for (long k = 0; k < n; k++)
        assert_int_equal(idx[k], want[k]);
    free(idx);
    /* Full names work as well; nothing gets locked. */
    n = snx_traj_find_idx(t, (const char *const[]){ "parameters.x", "parameters.y" }, 2,
                          x2_or_y8, NULL, &idx);
    assert_int_equal(n, 6);
    free(idx);
    assert_false(snx_par_is_locked(snx_traj_get(t, "x")));
    /* One name; no match gives 0 (and an array to free). */
    int64_t want_x = 4;
    n = snx_traj_find_idx(t, (const char *const[]){ "x" }, 1, x_is, &want_x, &idx);
    assert_int_equal(n, 3);
    assert_int_equal(idx[0], 9);
    free(idx);
    want_x = 99;
    n = snx_traj_find_idx(t, (const char *const[]){ "x" }, 1, x_is, &want_x, &idx);
    assert_int_equal(n, 0);
    free(idx);
    /* An unexplored parameter shows its value in every run. */
    int64_t minus5 = -5;
    n = snx_traj_find_idx(t, (const char *const[]){ "unexplored" }, 1, x_is, &minus5, &idx);
    assert_int_equal(n, 12);
    free(idx);
}

static void test_find_idx_errors(void **state)
{
    snx_traj *t = *state;
    long *idx = (long *)0x1;
    assert_int_equal(snx_traj_find_idx(t, (const char *const[]){ "nope" }, 1, x_is, NULL, &idx),
                     SNX_ENOTFOUND);
    assert_errmsg_contains("find_idx: no \"nope\" below the root");
    assert_ptr_equal(idx, (long *)0x1); /* untouched on failure */
    assert_int_equal(snx_traj_find_idx(t, (const char *const[]){ "parameters" }, 1, x_is, NULL,
                                       &idx),
                     SNX_ETYPE);
    assert_errmsg_contains("find_idx: \"parameters\" is not a parameter");
    snx_traj_add_parameter(t, "empty", snx_none(), NULL);
    assert_int_equal(snx_traj_find_idx(t, (const char *const[]){ "empty" }, 1, x_is, NULL, &idx),
                     SNX_ETYPE);
    assert_errmsg_contains("find_idx: parameter \"parameters.empty\" is empty");
    assert_int_equal(snx_traj_find_idx(t, (const char *const[]){ "x" }, 1, NULL, NULL, &idx),
                     SNX_EINVAL);
    assert_errmsg_contains("find_idx: NULL predicate");
    assert_ok(snx_traj_begin_run(t, 0));
    assert_int_equal(snx_traj_find_idx(t, (const char *const[]){ "x" }, 1, x_is, NULL, &idx),
                     SNX_ESTATE);
    snx_traj_end_run(t);
}

/* ---- get_from_runs ---------------------------------------------------------------------- */

static void test_get_from_runs(void **state)
{
    snx_traj *t = *state;
    /* z in the runs 0, 1, 3 and 5 only, at different places */
    const long with_z[] = { 0, 1, 3 };
    for (size_t k = 0; k < 3; k++) {
        assert_ok(snx_traj_begin_run(t, with_z[k]));
        snx_traj_add_result(t, "deep.z", snx_int(10 * with_z[k]), NULL);
        snx_traj_end_run(t);
    }
    assert_ok(snx_traj_begin_run(t, 5));
    snx_traj_add_result(t, "$set.$.deep.z", snx_int(50), NULL); /* a bucket */
    snx_traj_end_run(t);
    long *runs;
    snx_node **nodes;
    long n = snx_traj_get_from_runs(t, "z", SNX_FROM_RUNS_ONLY, &runs, &nodes);
    assert_int_equal(n, 4);
    const long want[] = { 0, 1, 3, 5 };
    for (long k = 0; k < n; k++) {
        assert_int_equal(runs[k], want[k]);
        assert_int_equal(snx_result_get(nodes[k], "z")->u.i, 10 * want[k]);
    }
    free(runs);
    free(nodes);
    assert_int_equal(snx_traj_run_idx(t), -1); /* left as it was */
    /* Dotted names below the run group. */
    n = snx_traj_get_from_runs(t, "deep.z", SNX_FROM_RUNS_ONLY, &runs, &nodes);
    assert_int_equal(n, 4);
    free(runs);
    free(nodes);
    /* Data made before the runs (run_ALL) stands in for runs without their own. */
    snx_traj_add_result(t, "runs.$.deep.z", snx_int(-1), NULL);
    assert_ok(snx_traj_set_run(t, 2));
    n = snx_traj_get_from_runs(t, "z", SNX_FROM_RUNS_OR_ALL, &runs, &nodes);
    assert_int_equal(n, 12);
    assert_int_equal(snx_result_get(nodes[2], "z")->u.i, -1);
    assert_int_equal(snx_result_get(nodes[3], "z")->u.i, 30);
    assert_string_equal(snx_node_full_name(nodes[11]), "results.runs.run_ALL.deep.z");
    free(runs);
    free(nodes);
    assert_int_equal(snx_traj_run_idx(t), 2);
    n = snx_traj_get_from_runs(t, "z", SNX_FROM_RUNS_ONLY, &runs, &nodes);
    assert_int_equal(n, 4);
    free(runs);
    free(nodes);
    /* Nothing found: zero runs, no error. */
    n = snx_traj_get_from_runs(t, "nothing", SNX_FROM_RUNS_OR_ALL, &runs, &nodes);
    assert_int_equal(n, 0);
    assert_int_equal(snx_errcode(), 0);
    free(runs);
    free(nodes);
}

static void test_get_from_runs_errors(void **state)
{
    snx_traj *t = *state;
    /* A run that answers twice (results and derived parameters) is ambiguous. */
    assert_ok(snx_traj_begin_run(t, 1));
    snx_traj_add_result(t, "q", snx_int(1), NULL);
    snx_traj_add_derived(t, "q", snx_int(2), NULL);
    snx_traj_end_run(t);
    long *runs = NULL;
    snx_node **nodes = NULL;
    assert_int_equal(snx_traj_get_from_runs(t, "q", SNX_FROM_RUNS_ONLY, &runs, &nodes), SNX_ENOTUNIQUE);
    assert_errmsg_contains("get_from_runs \"q\": \"results.runs.run_00000001.q\" and "
                           "\"derived_parameters.runs.run_00000001.q\" both answer for "
                           "run_00000001");
    assert_null(runs);
    assert_ok(snx_traj_begin_run(t, 0));
    assert_int_equal(snx_traj_get_from_runs(t, "q", SNX_FROM_RUNS_ONLY, &runs, &nodes), SNX_ESTATE);
    assert_errmsg_contains("get_from_runs is not allowed during a single run");
    snx_traj_end_run(t);
    assert_int_equal(snx_traj_get_from_runs(t, NULL, SNX_FROM_RUNS_ONLY, &runs, &nodes), SNX_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_set_run_by_index_and_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_runs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_restore_default, setup, teardown),
        cmocka_unit_test_setup_teardown(test_iter_runs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_begin_end_run_prefixes, setup, teardown),
        cmocka_unit_test(test_buckets),
        cmocka_unit_test_setup_teardown(test_outside_runs_dollar_is_run_all, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refused_in_a_run, setup, teardown),
        cmocka_unit_test_setup_teardown(test_run_added, setup, teardown),
        cmocka_unit_test_setup_teardown(test_run_info, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parameter_summary_and_completion, setup, teardown),
        cmocka_unit_test_setup_teardown(test_find_idx_cookbook, setup, teardown),
        cmocka_unit_test_setup_teardown(test_find_idx_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_get_from_runs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_get_from_runs_errors, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
