/* The bad-input catalogue of values, the trajectory and exploration
 * (bad_input_test.h): hostile names, NULLs, wrong types and lengths, locked
 * parameters, huge sizes. */
#include "bad_input_test.h"

/* The trajectory is still usable: a parameter added and read back. */
static void traj_still_works(snx_traj *traj)
{
    static int k;
    char name[32];
    snprintf(name, sizeof name, "still.ok_%d", k++);
    assert_non_null(snx_traj_add_parameter(traj, name, snx_int(7), "after bad input"));
    assert_int_equal(snx_traj_int(traj, name), 7);
    assert_ok(snx_traj_status(traj));
}

static void test_values(void **state)
{
    (void)state;
    /* issue 12, defect 5: shape {2^63 + 1, 2} became length 2 */
    BAD_VALUE(snx_double_array_nd(2, (size_t[]){ ((size_t)1 << 63) + 1, 2 }, (double[]){ 1, 2 }),
              SNX_EINVAL, "more elements than memory");
    BAD_VALUE(snx_int_array_nd(2, (size_t[]){ SIZE_MAX, SIZE_MAX }, (int64_t[]){ 1 }), SNX_EINVAL,
              "more elements");
    BAD_VALUE(snx_double_array_nd(1, (size_t[]){ SIZE_MAX / 4 }, (double[]){ 1 }), SNX_EINVAL,
              "more elements");
    BAD_VALUE(snx_double_array_nd(0, (size_t[]){ 1 }, (double[]){ 1 }), SNX_EINVAL, "dimensions");
    BAD_VALUE(snx_double_array_nd(9, (size_t[9]){ 1 }, (double[]){ 1 }), SNX_EINVAL, "dimensions");
    BAD_VALUE(snx_int_array_nd(-1, (size_t[]){ 1 }, (int64_t[]){ 1 }), SNX_EINVAL, "dimensions");
    BAD_VALUE(snx_int_array_nd(1, NULL, (int64_t[]){ 1 }), SNX_EINVAL, "NULL shape");
    BAD_VALUE(snx_double_array(3, NULL), SNX_EINVAL, "NULL data");
    BAD_VALUE(snx_quantity(1, "furlong"), SNX_ENOTFOUND, "furlong");
    BAD_VALUE(snx_quantity(1, "m**256"), SNX_EDIM, "exponents");
    BAD_VALUE(snx_quantity_str("abc"), SNX_EPARSE, "number");
    BAD_VALUE(snx_quantity_str("5 parsec"), SNX_ENOTFOUND, "parsec");
    BAD_VALUE(snx_table_value(NULL), SNX_EINVAL, "NULL table");
    /* issue 12, defect 5: NULL crashed */
    BAD_NULL(snx_value_to_str(NULL, 0), SNX_EINVAL, "NULL");
    snx_value i = snx_int(3);
    assert_false(snx_value_bool(&i));
    assert_fails(snx_errcode(), SNX_ETYPE, "int");
    assert_null(snx_value_str(&i));
    assert_fails(snx_errcode(), SNX_ETYPE, "int");
    assert_null(snx_value_doubles(&i, NULL));
    assert_fails(snx_errcode(), SNX_ETYPE, "int");
    assert_true(isnan(snx_value_double(NULL)));
    assert_fails(snx_errcode(), SNX_ETYPE, "");
    bad_cases += 4;
    snx_value empty = snx_double_array_nd(2, (size_t[]){ 0, SIZE_MAX }, NULL);
    assert_int_equal(empty.type, SNX_T_DOUBLE_ARRAY); /* no elements: fine */
    snx_value_clear(&empty);
    snx_table *t = snx_table_new(2);
    BAD(snx_table_add_int(t, "a", NULL), SNX_EINVAL, "NULL");
    assert_ok(snx_table_add_int(t, "a", (int64_t[]){ 1, 2 }));
    BAD(snx_table_add_double(t, "a", (double[]){ 1, 2 }), SNX_EEXIST, "a");
    assert_int_equal(snx_table_cols(t), 1);
    snx_table_free(t);
}

static void test_adding(void **state)
{
    (void)state;
    /* issue 12, defect 5: a NULL trajectory crashed */
    BAD_NULL(snx_traj_add_parameter(NULL, "a", snx_int(1), ""), SNX_EINVAL, "NULL trajectory");
    BAD_NULL(snx_traj_add_result(NULL, "a", snx_int(1), ""), SNX_EINVAL, "NULL trajectory");
    BAD_NULL(snx_traj_add_group(NULL, "a", ""), SNX_EINVAL, "NULL trajectory");
    BAD_NULL(snx_traj_new("a.b", NULL), SNX_ENAME, "a.b");
    BAD_NULL(snx_traj_new("", NULL), SNX_ENAME, "");
    snx_traj *traj = snx_traj_new("bad", NULL);
    assert_non_null(traj);
    BAD_NULL(snx_traj_add_parameter(traj, NULL, snx_int(1), ""), SNX_EINVAL, "NULL name");
    const char *names[] = { "", "a..b", ".a", "a.", "a b", "a.$x", "\xc3\xa4", "a-b",
                            "a.b\n", "run_00000001x", "a/b" };
    for (size_t k = 0; k < sizeof names / sizeof *names; k++)
        BAD_NULL(snx_traj_add_parameter(traj, names[k], snx_int(1), ""), SNX_ENAME, "");
    char *longname = bad_repeat("", "x", SNX_NAME_MAX + 1, "");
    BAD_NULL(snx_traj_add_parameter(traj, longname, snx_int(1), ""), SNX_ENAME, "long");
    free(longname);
    char *deep = bad_repeat("a", ".a", 400, "");
    BAD_NULL(snx_traj_add_parameter(traj, deep, snx_int(1), ""), SNX_ENAME, "long");
    free(deep);
    BAD_NULL(snx_traj_add_parameter(traj, "x", snx_quantity(1, "furlong"), ""), SNX_ENOTFOUND,
             "furlong");
    BAD_NULL(snx_traj_add_parameter(traj, "x", snx_table_value(snx_table_new(1)), ""), SNX_ETYPE,
             "table");
    assert_non_null(snx_traj_add_parameter(traj, "x", snx_int(1), ""));
    BAD_NULL(snx_traj_add_parameter(traj, "x", snx_int(2), ""), SNX_EEXIST, "x");
    BAD_NULL(snx_node_add_leaf(NULL, "a", snx_int(1), ""), SNX_EINVAL, "NULL group");
    snx_node *x = snx_traj_get(traj, "x");
    BAD_NULL(snx_node_add_leaf(x, "a", snx_int(1), ""), SNX_ETYPE, "leaf");
    BAD_NULL(snx_traj_get(traj, "nothing"), SNX_ENOTFOUND, "nothing");
    BAD_NULL(snx_traj_get(traj, NULL), SNX_EINVAL, "NULL");
    assert_non_null(snx_traj_add_parameter(traj, "p.y", snx_int(1), ""));
    assert_non_null(snx_traj_add_parameter(traj, "q.y", snx_int(1), ""));
    BAD_NULL(snx_traj_get(traj, "y"), SNX_ENOTUNIQUE, "y");
    assert_int_equal(snx_traj_int(traj, "nothing"), 0);
    assert_fails(snx_traj_status(traj), SNX_ENOTFOUND, "nothing");
    snx_traj_clear_status(traj);
    bad_cases++;
    /* NaN and infinity are data: stored and read back as given (documented) */
    assert_non_null(snx_traj_add_parameter(traj, "nan", snx_double(NAN), ""));
    assert_true(isnan(snx_traj_double(traj, "nan")));
    BAD(snx_run_idx("bogus", &(long){ 0 }), SNX_ENAME, "bogus");
    traj_still_works(traj);
    snx_traj_free(traj);
}

static void test_exploring(void **state)
{
    (void)state;
    snx_traj *traj = snx_traj_new("explore", NULL);
    assert_non_null(snx_traj_add_parameter(traj, "a", snx_int(1), ""));
    assert_non_null(snx_traj_add_parameter(traj, "b", snx_double(1), ""));
    assert_non_null(snx_traj_add_result(traj, "r", snx_int(1), ""));
    snx_ranges *r = snx_ranges_new();
    BAD(snx_ranges_add_ints(r, NULL, (int64_t[]){ 1 }, 1), SNX_EINVAL, "NULL");
    BAD(snx_ranges_add_ints(r, "a", NULL, 2), SNX_EINVAL, "NULL");
    BAD(snx_ranges_add_ints(NULL, "a", (int64_t[]){ 1 }, 1), SNX_EINVAL, "NULL");
    BAD(snx_ranges_add_quantities(r, "a", (double[]){ 1 }, 1, "furlong"), SNX_ENOTFOUND,
        "furlong");
    BAD(snx_ranges_add(r, "a", NULL, 2), SNX_EINVAL, "NULL values");
    assert_ok(snx_ranges_add_ints(r, "a", (int64_t[]){ 1, 2, 3 }, 3));
    BAD(snx_ranges_add_ints(r, "a", (int64_t[]){ 1, 2, 3 }, 3), SNX_EEXIST, "a");
    assert_ok(snx_ranges_add_doubles(r, "b", (double[]){ 1, 2 }, 2));
    BAD(snx_traj_explore(traj, r), SNX_EINVAL, "equally long");
    snx_ranges_free(r);
    r = snx_ranges_new();
    assert_ok(snx_ranges_add_strings(r, "a", (const char *[]){ "x", "y" }, 2));
    BAD(snx_traj_explore(traj, r), SNX_ETYPE, "a");
    snx_ranges_free(r);
    r = snx_ranges_new(); /* values of two types in one list */
    assert_ok(snx_ranges_add(r, "a", (snx_value[]){ snx_int(1), snx_str("x") }, 2));
    BAD(snx_traj_explore(traj, r), SNX_ETYPE, "a");
    snx_ranges_free(r);
    r = snx_ranges_new();
    assert_ok(snx_ranges_add_ints(r, "nothing", (int64_t[]){ 1, 2 }, 2));
    BAD(snx_traj_explore(traj, r), SNX_ENOTFOUND, "nothing");
    snx_ranges_free(r);
    r = snx_ranges_new();
    assert_ok(snx_ranges_add_ints(r, "r", (int64_t[]){ 1, 2 }, 2));
    BAD(snx_traj_explore(traj, r), SNX_EINVAL, "only parameters");
    snx_ranges_free(r);
    r = snx_ranges_new();
    assert_ok(snx_ranges_add_ints(r, "a", (int64_t[]){ 1, 2 }, 2));
    BAD(snx_traj_explore(NULL, r), SNX_EINVAL, "NULL");
    BAD(snx_traj_explore(traj, NULL), SNX_EINVAL, "NULL");
    assert_ok(snx_traj_explore(traj, r));
    snx_ranges_free(r);
    BAD(snx_traj_set_run(traj, 99), SNX_EINVAL, "99");
    BAD(snx_traj_set_run(traj, -5), SNX_EINVAL, "-5");
    BAD(snx_traj_set_run_name(traj, "run_00000009"), SNX_EINVAL, "9");
    BAD(snx_traj_set_run_name(traj, "bogus"), SNX_ENAME, "bogus");
    r = snx_ranges_new();
    assert_ok(snx_ranges_add_ints(r, "b", (int64_t[]){ 1, 2 }, 2));
    BAD(snx_traj_expand(traj, r), SNX_ETYPE, "not explored");
    snx_ranges_free(r);
    snx_node *a = snx_traj_get(traj, "a");
    assert_non_null(snx_par_get(a)); /* reading locks it */
    BAD(snx_par_set(a, snx_int(5)), SNX_ELOCKED, "a");
    BAD(snx_traj_preset_parameter(traj, "a", snx_int(3)), SNX_EPRESET, "a");
    assert_ok(snx_traj_preset_parameter(traj, "never.added", snx_int(3)));
    BAD(snx_traj_check_presets(traj), SNX_EPRESET, "never.added");
    assert_ok(snx_traj_begin_run(traj, 1));
    BAD_NULL(snx_traj_add_parameter(traj, "in_run", snx_int(1), ""), SNX_ESTATE, "run");
    BAD(snx_traj_set_run(traj, 0), SNX_ESTATE, "run");
    snx_traj_end_run(traj);
    assert_int_equal(snx_traj_n_runs(traj), 2);
    traj_still_works(traj);
    snx_traj_free(traj);
}

static void test_count(void **state)
{
    (void)state;
    bad_report("test_traj_bad_input", 60);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values), cmocka_unit_test(test_adding),
        cmocka_unit_test(test_exploring), cmocka_unit_test(test_count),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
