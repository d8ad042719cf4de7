/* Merging trajectories (snx_traj_merge, pypet's f_merge): pypet's example 03 (two
 * explorations of x × y merged without duplicates), runs renumbered with their
 * results, derived parameters, `$` paths, run_set buckets and run information,
 * trial parameters, ignored data, the merge record, and every refusal. */
#include "snx_test.h"

/* A trajectory exploring x × y (cartesian, y fastest) whose every run "ran": it adds
 * results.runs.run_X.z = x*y, results.neuron.run_X.v (a `$` path, annotated), the
 * derived parameter dpar.runs.run_X.sum = x+y, and completes its run information. */
static snx_traj *sweep(const char *name, const double *x, size_t nx, const double *y, size_t ny)
{
    snx_traj *t = snx_traj_new(name, NULL);
    assert_non_null(snx_traj_add_parameter(t, "x", snx_double(0), "first dimension"));
    assert_non_null(snx_traj_add_parameter(t, "y", snx_double(0), "second dimension"));
    assert_non_null(snx_traj_add_parameter(t, "tau", snx_quantity(10, "ms"), "fixed"));
    snx_ranges *r = snx_ranges_new();
    assert_ok(snx_ranges_add_doubles(r, "x", x, nx));
    assert_ok(snx_ranges_add_doubles(r, "y", y, ny));
    snx_ranges *c = snx_ranges_cartesian(r, NULL);
    assert_ok(snx_traj_explore(t, c));
    snx_ranges_free(r);
    snx_ranges_free(c);
    for (long k = 0; k < (long)snx_traj_n_runs(t); k++) {
        assert_ok(snx_traj_begin_run(t, k));
        double a = snx_traj_double(t, "x"), b = snx_traj_double(t, "y");
        assert_non_null(snx_traj_add_result(t, "z", snx_double(a * b), "the product"));
        snx_node *v = snx_traj_add_result(t, "neuron.$", snx_double_array(2, (double[]){ a, b }),
                                          "a trace");
        assert_non_null(v);
        assert_ok(snx_node_annotate(v, "source", snx_str(name)));
        assert_non_null(snx_traj_add_derived(t, "sum", snx_double(a + b), "x + y"));
        snx_traj_end_run(t);
        snx_run_info info = { .completed = true, .timestamp = 1000.0 + (double)k,
                              .finish_timestamp = 1001.0 + (double)k, .runtime = 1.0,
                              .seed = 100 + (uint64_t)k };
        assert_ok(snx_traj_set_run_info(t, k, &info));
    }
    return t;
}

static double result_at(snx_traj *t, long run, const char *name)
{
    assert_ok(snx_traj_set_run(t, run));
    snx_node *n = snx_traj_get(t, name);
    assert_non_null(n);
    const snx_value *v = snx_node_kind_of(n) == SNX_NODE_RESULT ? snx_result_get_pos(n, 0)
                                                                 : snx_par_peek(n);
    size_t len = 0;
    const double *first = v->type == SNX_T_DOUBLE_ARRAY ? snx_value_doubles(v, &len) : NULL;
    double x = first ? first[0] : snx_value_double(v);
    snx_traj_restore_default(t);
    return x;
}

static void test_example_03_without_duplicates(void **state)
{
    (void)state;
    snx_traj *a = sweep("traj1", (double[]){ 1, 2, 3, 4 }, 4, (double[]){ 6, 7, 8 }, 3);
    snx_traj *b = sweep("traj2", (double[]){ 3, 4, 5, 6 }, 4, (double[]){ 7, 8, 9 }, 3);
    assert_non_null(snx_traj_add_result(b, "summary.note", snx_str("only in traj2"), "summary"));
    long added = snx_traj_merge(a, b, &(snx_merge_opts){ .remove_duplicates = true });
    assert_int_equal(added, 8); /* (3|4, 7|8) are in both */
    assert_int_equal(snx_traj_n_runs(a), 20);
    for (long k = 0; k < 20; k++) {
        assert_ok(snx_traj_set_run(a, k));
        double x = snx_traj_double(a, "x"), y = snx_traj_double(a, "y");
        snx_traj_restore_default(a);
        assert_close(result_at(a, k, "crun.z"), x * y, 0);
        assert_close(result_at(a, k, "results.neuron.crun"), x, 0);
        assert_close(result_at(a, k, "dpar.crun.sum"), x + y, 0);
    }
    /* The other's run 0 (x=3, y=7) is a duplicate; its run 2 (3, 9) became run 12. */
    assert_ok(snx_traj_set_run(a, 12));
    assert_close(snx_traj_double(a, "x"), 3, 0);
    assert_close(snx_traj_double(a, "y"), 9, 0);
    snx_node *v = snx_traj_get(a, "results.neuron.run_00000012");
    assert_string_equal(snx_value_str(snx_node_annotation(v, "source")), "traj2");
    assert_string_equal(snx_node_comment(v), "a trace");
    snx_traj_restore_default(a);
    snx_run_info info;
    assert_ok(snx_traj_run_info(a, 12, &info));
    assert_true(info.completed);
    assert_int_equal(info.seed, 102);
    assert_true(snx_traj_is_completed(a, -1));
    /* Trajectory-level data the first lacked came along; the merge is recorded. */
    assert_string_equal(snx_value_str(snx_result_get_pos(snx_traj_get(a, "summary.note"), 0)),
                        "only in traj2");
    assert_int_equal(snx_traj_int(a, "config.merge.merge_000.merged_runs"), 8);
    assert_string_equal(snx_traj_string(a, "merge_000.other_trajectory"), "traj2");
    assert_int_equal(snx_traj_status(a), 0);
    snx_traj_free(a);
    snx_traj_free(b);
}

static void test_all_runs_and_twice(void **state)
{
    (void)state;
    snx_traj *a = sweep("a", (double[]){ 1, 2 }, 2, (double[]){ 1 }, 1);
    snx_traj *b = sweep("b", (double[]){ 1, 2 }, 2, (double[]){ 1 }, 1);
    assert_int_equal(snx_traj_merge(a, b, NULL), 2); /* duplicates kept by default */
    assert_int_equal(snx_traj_merge(a, b, NULL), 2); /* and again: runs 4, 5 */
    assert_int_equal(snx_traj_n_runs(a), 6);
    assert_close(result_at(a, 5, "crun.z"), 2, 0);
    assert_true(snx_traj_contains(a, "config.merge.merge_001"));
    /* Everything a merge could add is there: nothing to merge. */
    assert_fails(snx_traj_merge(a, b, &(snx_merge_opts){ .remove_duplicates = true }),
                 SNX_EINVAL, "every run of \"b\" is a duplicate: nothing to merge");
    assert_int_equal(snx_traj_n_runs(a), 6);
    snx_traj_free(a);
    snx_traj_free(b);
}

static void test_trial_parameter(void **state)
{
    (void)state;
    snx_traj *t[2];
    for (int k = 0; k < 2; k++) {
        t[k] = snx_traj_new(k ? "second" : "first", NULL);
        assert_non_null(snx_traj_add_parameter(t[k], "trial", snx_int(0), "trial number"));
        snx_ranges *r = snx_ranges_new();
        assert_ok(snx_ranges_add_ints(r, "trial", (int64_t[]){ 0, 1, 2 }, k ? 2 : 3));
        assert_ok(snx_traj_explore(t[k], r));
        snx_ranges_free(r);
    }
    assert_int_equal(snx_traj_merge(t[0], t[1], &(snx_merge_opts){ .trial_parameter = "trial" }), 2);
    snx_node *trial = snx_traj_get(t[0], "trial");
    assert_int_equal(snx_par_range_length(trial), 5);
    for (size_t k = 0; k < 5; k++)
        assert_int_equal(snx_value_int(snx_par_range_at(trial, k)), (int64_t)k);
    /* A trial parameter must be an explored int. */
    assert_non_null(snx_traj_add_parameter(t[0], "label", snx_str("x"), ""));
    assert_non_null(snx_traj_add_parameter(t[1], "label", snx_str("x"), ""));
    assert_fails(snx_traj_merge(t[0], t[1], &(snx_merge_opts){ .trial_parameter = "label" }),
                 SNX_ETYPE, "the trial parameter \"parameters.label\" must be an explored int");
    snx_traj_free(t[0]);
    snx_traj_free(t[1]);
}

static void test_run_set_buckets_and_ignored_data(void **state)
{
    (void)state;
    double xs[1000];
    for (int k = 0; k < 1000; k++)
        xs[k] = k;
    snx_traj *a = snx_traj_new("big", NULL), *b = snx_traj_new("small", NULL);
    snx_traj *both[2] = { a, b };
    for (int k = 0; k < 2; k++) {
        assert_non_null(snx_traj_add_parameter(both[k], "x", snx_double(0), ""));
        snx_ranges *r = snx_ranges_new();
        assert_ok(snx_ranges_add_doubles(r, "x", k ? (double[]){ 5000, 5001 } : xs, k ? 2 : 1000));
        assert_ok(snx_traj_explore(both[k], r));
        snx_ranges_free(r);
    }
    for (long k = 0; k < 2; k++) {
        assert_ok(snx_traj_begin_run(b, k));
        assert_non_null(snx_traj_add_result(b, "$set.$.z", snx_double(7.0 + (double)k), ""));
        assert_non_null(snx_traj_add_result(b, "$set.$.big", snx_double(0), "not wanted"));
        snx_traj_end_run(b);
    }
    const char *ignore[] = { "results.run_set_00000.run_00000001", NULL };
    assert_int_equal(snx_traj_merge(a, b, &(snx_merge_opts){ .ignore_data = ignore,
                                                             .no_info = true }), 2);
    /* The other's runs 0 and 1 are runs 1000 and 1001: bucket run_set_00001. */
    assert_true(snx_traj_contains(a, "results.run_set_00001.run_00001000.z"));
    assert_true(snx_traj_contains(a, "results.run_set_00001.run_00001000.big"));
    assert_false(snx_traj_contains(a, "results.run_set_00001.run_00001001.z"));
    assert_false(snx_traj_contains(a, "results.run_set_00000.run_00000000.z"));
    assert_false(snx_traj_contains(a, "config.merge"));
    snx_traj_free(a);
    snx_traj_free(b);
}

static void test_refusals(void **state)
{
    (void)state;
    snx_traj *a = sweep("a", (double[]){ 1, 2 }, 2, (double[]){ 1 }, 1);
    snx_traj *b = sweep("b", (double[]){ 3 }, 1, (double[]){ 1 }, 1);
    assert_fails(snx_traj_merge(a, a, NULL), SNX_EINVAL, "two different trajectories");
    assert_fails(snx_traj_merge(a, NULL, NULL), SNX_EINVAL, "two different trajectories");

    assert_non_null(snx_traj_add_parameter(b, "extra", snx_int(1), ""));
    assert_fails(snx_traj_merge(a, b, NULL), SNX_EINVAL,
                 "\"parameters.extra\" is a parameter of the other trajectory only");
    assert_non_null(snx_traj_add_parameter(a, "extra", snx_double(1), ""));
    assert_fails(snx_traj_merge(a, b, NULL), SNX_ETYPE,
                 "\"parameters.extra\" holds a double here and a int in the other");
    assert_non_null(snx_traj_add_parameter(a, "only_here", snx_int(1), ""));
    snx_par_empty(snx_traj_get(a, "extra"));
    snx_par_set(snx_traj_get(a, "extra"), snx_int(1));
    assert_fails(snx_traj_merge(a, b, NULL), SNX_EINVAL, "has parameters the other lacks");
    assert_non_null(snx_traj_add_parameter(b, "only_here", snx_int(2), ""));
    assert_fails(snx_traj_merge(a, b, NULL), SNX_EINVAL,
                 "\"parameters.only_here\" differs and is not explored");
    assert_fails(snx_traj_merge(a, b, &(snx_merge_opts){ .trial_parameter = "nope" }),
                 SNX_ENOTFOUND, "merge: trial parameter");
    assert_int_equal(snx_traj_n_runs(a), 2); /* nothing changed */

    assert_ok(snx_traj_begin_run(a, 0));
    assert_fails(snx_traj_merge(a, b, NULL), SNX_ESTATE, "not during a run");
    snx_traj_end_run(a);
    snx_traj_free(a);
    snx_traj_free(b);

    /* Explored in one trajectory only. */
    a = sweep("a", (double[]){ 1, 2 }, 2, (double[]){ 1 }, 1);
    b = snx_traj_new("b", NULL);
    snx_traj_add_parameter(b, "x", snx_double(0), "");
    snx_traj_add_parameter(b, "y", snx_double(0), "");
    snx_traj_add_parameter(b, "tau", snx_quantity(10, "ms"), "");
    snx_ranges *r = snx_ranges_new();
    snx_ranges_add_doubles(r, "x", (double[]){ 1, 2 }, 2);
    snx_traj_explore(b, r);
    snx_ranges_free(r);
    assert_fails(snx_traj_merge(a, b, NULL), SNX_EINVAL, "\"parameters.y\" is explored in one "
                                                         "trajectory only");
    snx_traj_free(a);
    snx_traj_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_example_03_without_duplicates),
        cmocka_unit_test(test_all_runs_and_twice),
        cmocka_unit_test(test_trial_parameter),
        cmocka_unit_test(test_run_set_buckets_and_ignored_data),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
