/* Merging stored trajectories: two sweeps in two files, loaded with their data, the
 * second merged into the first, the new runs and the rest stored into the first
 * file; loaded again, the file holds every run with its result (the per-run column
 * included), its run information and the merge record. */
#include "storage_test.h"

/* A stored sweep over x whose runs each have z = 10 x (a column leaf) and an array. */
static void store_sweep(const char *file, const char *name, const double *x, size_t n)
{
    snx_traj *t = st_new(name, file);
    assert_non_null(snx_traj_add_parameter(t, "x", snx_double(0), "explored"));
    snx_ranges *r = snx_ranges_new();
    assert_ok(snx_ranges_add_doubles(r, "x", x, n));
    assert_ok(snx_traj_explore(t, r));
    snx_ranges_free(r);
    assert_ok(snx_traj_store(t, NULL));
    for (long k = 0; k < (long)n; k++) {
        assert_ok(snx_traj_begin_run(t, k));
        double v = snx_traj_double(t, "x");
        assert_non_null(snx_traj_add_result(t, "z", snx_double(10 * v), "ten x"));
        assert_non_null(snx_traj_add_result(t, "trace", snx_double_array(3, (double[]){ v, v, v }),
                                            "an array: a leaf group of its own"));
        snx_traj_end_run(t);
        assert_ok(snx_traj_set_run_info(t, k, &(snx_run_info){ .completed = true,
                                                                .seed = 7 + (uint64_t)k }));
        assert_ok(snx_traj_store_run(t, k));
    }
    assert_ok(snx_traj_store(t, NULL));
    snx_traj_free(t);
}

static void test_merge_two_files(void **state)
{
    (void)state;
    store_sweep("first.hdf5", "sweep", (double[]){ 1, 2, 3 }, 3);
    store_sweep("second.hdf5", "other", (double[]){ 3, 4 }, 2);
    snx_traj *a = st_load("first.hdf5", NULL, SNX_LOAD_DATA, SNX_LOAD_DATA, SNX_LOAD_SKELETON);
    snx_traj *b = st_load("second.hdf5", NULL, SNX_LOAD_DATA, SNX_LOAD_DATA, SNX_LOAD_DATA);
    long added = snx_traj_merge(a, b, &(snx_merge_opts){ .remove_duplicates = true });
    assert_int_equal(added, 1); /* x = 3 is in both */
    assert_ok(snx_traj_store(a, NULL)); /* one commit: ranges, new runs, run information */
    snx_traj_free(a);
    snx_traj_free(b);

    snx_traj *c = st_load("first.hdf5", "sweep", SNX_LOAD_DATA, SNX_LOAD_DATA, SNX_LOAD_DATA);
    assert_int_equal(snx_traj_n_runs(c), 4);
    for (long k = 0; k < 4; k++) {
        assert_ok(snx_traj_set_run(c, k));
        double x = snx_traj_double(c, "x");
        assert_close(x, (double)(k + 1), 0);
        assert_close(snx_value_double(snx_result_get_pos(st_get(c, "crun.z"), 0)), 10 * x, 0);
        size_t len;
        const double *tr = snx_value_doubles(snx_result_get_pos(st_get(c, "crun.trace"), 0), &len);
        assert_int_equal(len, 3);
        assert_close(tr[2], x, 0);
        snx_run_info info;
        assert_ok(snx_traj_run_info(c, k, &info));
        assert_true(info.completed);
    }
    snx_run_info info;
    assert_ok(snx_traj_run_info(c, 3, &info));
    assert_int_equal(info.seed, 8); /* the other's run 1 */
    assert_int_equal(snx_traj_int(c, "config.merge.merge_000.merged_runs"), 1);
    snx_traj_restore_default(c);
    snx_traj_free(c);
}

/* Storing a trajectory loaded as a skeleton adds nothing: its per-run leaves stay
 * column rows (an empty group beside each row made the file unloadable). */
static void test_skeleton_store_adds_nothing(void **state)
{
    (void)state;
    store_sweep("skeleton.hdf5", "sweep", (double[]){ 1, 2 }, 2);
    snx_traj *a = st_load("skeleton.hdf5", NULL, SNX_LOAD_DATA, SNX_LOAD_SKELETON,
                          SNX_LOAD_SKELETON);
    assert_ok(snx_traj_store(a, NULL));
    snx_traj_free(a);
    snx_traj *b = st_load("skeleton.hdf5", NULL, SNX_LOAD_DATA, SNX_LOAD_DATA, SNX_LOAD_DATA);
    assert_close(snx_value_double(snx_result_get_pos(st_get(b, "results.runs.run_00000001.z"), 0)),
                 20, 0);
    snx_traj_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_merge_two_files),
        cmocka_unit_test(test_skeleton_store_adds_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
