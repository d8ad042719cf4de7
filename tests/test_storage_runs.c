/* storage/: runs. Small per-run results go to one column per name (not a group per
 * run), large ones to groups below the run; after loading, both are where pypet puts
 * them. Buckets (run_set_XXXXX), expansion, skeletons and deletion of run data. */
#include "storage_test.h"

#include <hdf5.h>

#define FILE_NAME "runs.hdf5"

static int h5_has(const char *path)
{
    hid_t f = H5Fopen(FILE_NAME, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    /* Check every prefix: H5Lexists only looks at the last component. */
    char buf[256];
    int found = 1;
    for (const char *p = strchr(path + 1, '/'); found; p = p ? strchr(p + 1, '/') : NULL) {
        size_t n = p ? (size_t)(p - path) : strlen(path);
        memcpy(buf, path, n);
        buf[n] = '\0';
        found = H5Lexists(f, buf, H5P_DEFAULT) > 0;
        if (!p)
            break;
    }
    H5Fclose(f);
    return found;
}

static void small_results(snx_traj *t, long idx)
{
    double z = (double)(snx_traj_int(t, "x") * snx_traj_int(t, "y"));
    assert_non_null(snx_traj_add_result(t, "z", snx_double(z), "the product"));
    assert_non_null(snx_traj_add_result(t, "label", snx_str(idx % 2 ? "odd" : "even"), NULL));
    assert_non_null(snx_traj_add_result(t, "stats.big", snx_bool(z > 6), NULL));
    assert_non_null(snx_traj_add_result(t, "delay", snx_quantity((double)idx, "ms"), NULL));
    assert_non_null(snx_traj_add_derived(t, "sum", snx_int(snx_traj_int(t, "x") + snx_traj_int(t, "y")), NULL));
}

static void test_small_results_become_columns(void **state)
{
    (void)state;
    snx_traj *t = st_new("cols", FILE_NAME);
    st_explore_xy(t, 4, 3);
    assert_ok(snx_traj_store(t, NULL));
    st_run_all(t, small_results);
    assert_true(snx_traj_is_completed(t, -1));
    snx_traj_free(t);

    assert_true(h5_has("/cols/results/runs/_columns/z"));
    assert_true(h5_has("/cols/results/runs/_columns/stats.big"));
    assert_true(h5_has("/cols/derived_parameters/runs/_columns/sum"));
    assert_false(h5_has("/cols/results/runs/run_00000003"));

    t = st_load(FILE_NAME, NULL, SNX_LOAD_DATA, SNX_LOAD_DATA, SNX_LOAD_DATA);
    assert_int_equal(snx_traj_n_runs(t), 12);
    assert_close(st_val(t, "results.runs.run_00000004.z", NULL)->u.d, 2 * 2, 0);
    assert_string_equal(st_val(t, "results.runs.run_00000003.label", NULL)->u.s, "odd");
    assert_false(st_val(t, "results.runs.run_00000001.stats.big", NULL)->u.b);
    assert_true(st_val(t, "results.runs.run_00000011.stats.big", NULL)->u.b);
    const snx_value *d = st_val(t, "results.runs.run_00000007.delay", NULL);
    assert_string_equal(d->unit, "ms");
    assert_close(d->u.d, 7e-3, 1e-18);
    assert_int_equal(st_val(t, "derived_parameters.runs.run_00000005.sum", NULL)->u.i, 2 + 3);
    assert_string_equal(snx_node_comment(st_get(t, "results.runs.run_00000000.z")), "the product");
    assert_true(snx_traj_is_completed(t, -1));

    long *idx;
    snx_node **nodes;
    long n = snx_traj_get_from_runs(t, "z", SNX_FROM_RUNS_ONLY, &idx, &nodes);
    assert_int_equal(n, 12);
    for (long k = 0; k < n; k++) {
        assert_int_equal(idx[k], k);
        assert_close(snx_result_get(nodes[k], "z")->u.d, (double)((k / 3 + 1) * (k % 3 + 1)), 0);
    }
    free(idx);
    free(nodes);
    snx_traj_free(t);
}

static void big_results(snx_traj *t, long idx)
{
    double trace[2000];
    for (int i = 0; i < 2000; i++)
        trace[i] = (double)idx + i * 1e-3;
    snx_node *r = snx_traj_add_result(t, "monitor", snx_none(), "a trace");
    assert_non_null(r);
    assert_ok(snx_result_set(r, "v", snx_double_array(2000, trace)));
    assert_ok(snx_result_set(r, "n", snx_int(idx)));
    assert_non_null(snx_traj_add_result(t, "z", snx_int(idx), NULL));
}

static void test_large_results_get_groups(void **state)
{
    (void)state;
    snx_traj *t = st_new("big", FILE_NAME);
    st_explore_xy(t, 2, 2);
    st_run_all(t, big_results); /* store_run stores the trajectory first */
    snx_traj_free(t);
    assert_true(h5_has("/big/results/runs/run_00000002/monitor/v"));
    assert_true(h5_has("/big/results/runs/_columns/z"));

    t = st_load(FILE_NAME, NULL, SNX_LOAD_DATA, SNX_LOAD_DATA, SNX_LOAD_SKELETON);
    snx_node *m = st_get(t, "results.runs.run_00000002.monitor");
    assert_true(snx_result_is_empty(m));
    assert_string_equal(snx_node_comment(m), "a trace");
    assert_ok(snx_traj_load_node(t, m, NULL));
    const snx_value *v = snx_result_get(m, "v");
    assert_int_equal(v->u.a.len, 2000);
    assert_close(((double *)v->u.a.data)[1999], 2 + 1.999, 1e-12);
    /* A skeleton leaf of a column fills on demand too. */
    snx_node *z = st_get(t, "results.runs.run_00000003.z");
    assert_true(snx_result_is_empty(z));
    assert_ok(snx_traj_load_node(t, z, NULL));
    assert_int_equal(snx_result_get(z, "z")->u.i, 3);
    /* A whole run at once. */
    snx_node *run1 = st_get(t, "results.runs.run_00000001");
    assert_ok(snx_traj_load_node(t, run1, &(snx_item_opts){.level = SNX_LOAD_DATA, .recursive = 1}));
    assert_int_equal(snx_result_get(st_get(t, "results.runs.run_00000001.z"), "z")->u.i, 1);
    assert_int_equal(snx_result_get(st_get(t, "results.runs.run_00000001.monitor"), "n")->u.i, 1);
    snx_traj_free(t);
}

static void mixed_results(snx_traj *t, long idx)
{
    /* Run 1 breaks the column's type, run 2 its comment: they get groups. */
    snx_value v = idx == 1 ? snx_str("one") : snx_int(idx);
    assert_non_null(snx_traj_add_result(t, "z", v, idx == 2 ? "other comment" : "z"));
    snx_node *a = snx_traj_add_result(t, "annotated", snx_int(idx), NULL);
    assert_ok(snx_node_annotate(a, "unit_test", snx_int(1))); /* annotations: a group */
}

static void test_results_that_do_not_fit_a_column(void **state)
{
    (void)state;
    snx_traj *t = st_new("mixed", FILE_NAME);
    st_explore_xy(t, 1, 4);
    st_run_all(t, mixed_results);
    snx_traj_free(t);
    assert_true(h5_has("/mixed/results/runs/run_00000001/z"));
    assert_true(h5_has("/mixed/results/runs/run_00000002/z"));
    assert_false(h5_has("/mixed/results/runs/run_00000003/z"));
    assert_true(h5_has("/mixed/results/runs/run_00000003/annotated"));
    t = st_load(FILE_NAME, NULL, SNX_LOAD_DATA, SNX_LOAD_DATA, SNX_LOAD_DATA);
    assert_int_equal(st_val(t, "results.runs.run_00000000.z", NULL)->u.i, 0);
    assert_string_equal(st_val(t, "results.runs.run_00000001.z", NULL)->u.s, "one");
    assert_string_equal(snx_node_comment(st_get(t, "results.runs.run_00000002.z")),
                        "other comment");
    assert_int_equal(st_val(t, "results.runs.run_00000003.z", NULL)->u.i, 3);
    assert_int_equal(snx_node_annotation(st_get(t, "results.runs.run_00000003.annotated"),
                                         "unit_test")->u.i, 1);
    snx_traj_free(t);
}

static void bucket_result(snx_traj *t, long idx)
{
    assert_non_null(snx_traj_add_result(t, "$set.$.z", snx_int(idx * 10), NULL));
}

static void test_run_set_buckets_and_auto_load(void **state)
{
    (void)state;
    snx_traj *t = st_new("buckets", FILE_NAME);
    st_explore_xy(t, 3, 2);
    st_run_all(t, bucket_result);
    snx_traj_free(t);
    assert_true(h5_has("/buckets/results/run_set_00000/_columns/z"));

    t = st_load(FILE_NAME, NULL, SNX_LOAD_DATA, SNX_LOAD_NOTHING, SNX_LOAD_NOTHING);
    snx_traj_set_auto_load(t, 1);
    assert_int_equal(snx_traj_int(t, "results.run_set_00000.run_00000004.z"), 40);
    /* Step by step through the groups, as natural naming does. */
    snx_node *set = snx_traj_get(t, "results.run_set_00000");
    assert_non_null(set);
    snx_node *run = snx_node_get(set, "run_00000005", NULL);
    assert_non_null(run);
    assert_non_null(snx_node_get(run, "z", NULL));
    assert_null(snx_traj_get(t, "results.run_set_00000.run_00000009"));
    assert_int_equal(snx_errcode(), SNX_ENODATA);
    snx_traj_free(t);
}

static void set_result(snx_traj *t, long idx)
{
    /* $set alone: results.run_set_00000.summary_N, outside any run group. */
    char name[64];
    snprintf(name, sizeof name, "$set.summary_%ld", idx);
    assert_non_null(snx_traj_add_result(t, name, snx_int(idx), NULL));
}

static void test_run_data_outside_run_groups(void **state)
{
    (void)state;
    snx_traj *t = st_new("outside", FILE_NAME);
    st_explore_xy(t, 1, 3);
    st_run_all(t, set_result);
    snx_traj_free(t);
    t = st_load(FILE_NAME, NULL, SNX_LOAD_DATA, SNX_LOAD_DATA, SNX_LOAD_DATA);
    assert_int_equal(st_val(t, "results.run_set_00000.summary_2", NULL)->u.i, 2);
    snx_traj_free(t);
}

static void result_named_after_run(snx_traj *t, long idx)
{
    /* pypet's tutorial: traj.f_add_result('neuron.$', V=..., nspikes=...). */
    snx_node *res = snx_traj_add_result(t, "neuron.$", snx_none(), "named after its run");
    assert_non_null(res);
    assert_ok(snx_result_set(res, "V", snx_double_array(3, (double[]){ 0, 0.5, (double)idx })));
    assert_ok(snx_result_set(res, "nspikes", snx_int(idx)));
}

static void test_results_named_after_their_run(void **state)
{
    (void)state;
    snx_traj *t = st_new("named", FILE_NAME);
    st_explore_xy(t, 2, 2);
    st_run_all(t, result_named_after_run);
    snx_traj_free(t);
    t = st_load(FILE_NAME, NULL, SNX_LOAD_DATA, SNX_LOAD_DATA, SNX_LOAD_DATA);
    for (long i = 0; i < 4; i++) {
        char name[64];
        snprintf(name, sizeof name, "results.neuron.run_%08ld", i);
        assert_int_equal(st_val(t, name, "nspikes")->u.i, i);
        assert_close(((double *)st_val(t, name, "V")->u.a.data)[2], (double)i, 0);
    }
    snx_traj_free(t);
}

static void test_expand_after_runs(void **state)
{
    (void)state;
    snx_traj *t = st_new("expand", FILE_NAME);
    st_explore_xy(t, 1, 2);
    st_run_all(t, bucket_result);
    snx_ranges *r = snx_ranges_new();
    assert_ok(snx_ranges_add_ints(r, "x", (int64_t[]){5, 6}, 2));
    assert_ok(snx_ranges_add_ints(r, "y", (int64_t[]){7, 8}, 2));
    assert_ok(snx_traj_expand(t, r));
    snx_ranges_free(r);
    assert_ok(snx_traj_store(t, NULL)); /* the longer ranges */
    for (long i = 2; i < 4; i++) {
        assert_ok(snx_traj_begin_run(t, i));
        bucket_result(t, i);
        assert_ok(snx_traj_store_run(t, i));
        snx_traj_end_run(t);
    }
    snx_traj_free(t);
    t = st_load(FILE_NAME, NULL, SNX_LOAD_DATA, SNX_LOAD_DATA, SNX_LOAD_DATA);
    assert_int_equal(snx_traj_n_runs(t), 4);
    assert_int_equal(snx_par_range_at(st_get(t, "x"), 3)->u.i, 6);
    assert_true(snx_traj_is_completed(t, -1));
    assert_int_equal(st_val(t, "results.run_set_00000.run_00000003.z", NULL)->u.i, 30);
    snx_traj_free(t);
}

static void test_delete_run_data(void **state)
{
    (void)state;
    snx_traj *t = st_new("del", FILE_NAME);
    st_explore_xy(t, 2, 2);
    st_run_all(t, big_results);
    assert_ok(snx_traj_delete_node(t, st_get(t, "results.runs.run_00000001.z"), NULL, SNX_REMOVE_NODE));
    assert_fails(snx_traj_delete_node(t, st_get(t, "results.runs.run_00000002"), NULL, SNX_REMOVE_NODE),
                 SNX_ETYPE, "children");
    assert_ok(snx_traj_delete_node(t, st_get(t, "results.runs.run_00000002"), NULL, SNX_REMOVE_RECURSIVE));
    snx_traj_free(t);
    t = st_load(FILE_NAME, NULL, SNX_LOAD_DATA, SNX_LOAD_DATA, SNX_LOAD_DATA);
    assert_false(snx_traj_contains(t, "results.runs.run_00000001.z"));
    assert_true(snx_traj_contains(t, "results.runs.run_00000001.monitor"));
    assert_false(snx_traj_contains(t, "results.runs.run_00000002"));
    assert_int_equal(st_val(t, "results.runs.run_00000003.z", NULL)->u.i, 3);
    snx_traj_free(t);
}

static void test_runs_with_group_commits(void **state)
{
    (void)state;
    /* commit_interval negative: every stored run is committed at once. */
    snx_traj *t = snx_traj_new("each", NULL);
    snx_hdf5_opts o = { 0 };
    o.overwrite_file = 1;
    o.commit_interval = -1;
    assert_ok(snx_hdf5_attach(t, FILE_NAME, &o));
    st_explore_xy(t, 2, 3);
    st_run_all(t, small_results);
    assert_ok(snx_hdf5_flush(t));
    assert_ok(snx_hdf5_close(t));
    snx_traj_free(t);
    t = st_load(FILE_NAME, NULL, SNX_LOAD_DATA, SNX_LOAD_DATA, SNX_LOAD_DATA);
    assert_close(st_val(t, "results.runs.run_00000005.z", NULL)->u.d, 6, 0);
    snx_traj_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_results_become_columns),
        cmocka_unit_test(test_large_results_get_groups),
        cmocka_unit_test(test_results_that_do_not_fit_a_column),
        cmocka_unit_test(test_run_set_buckets_and_auto_load),
        cmocka_unit_test(test_run_data_outside_run_groups),
        cmocka_unit_test(test_results_named_after_their_run),
        cmocka_unit_test(test_expand_after_runs),
        cmocka_unit_test(test_delete_run_data),
        cmocka_unit_test(test_runs_with_group_commits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
