/* explore/: ranges, explore, expand, the cartesian product, shrink — the happy
 * paths and every refusal, and that a refused call changes nothing. */
#include "snx_test.h"

static int setup(void **state)
{
    snx_traj *t = snx_traj_new("explore", NULL);
    snx_traj_add_parameter(t, "x", snx_int(0), NULL);
    snx_traj_add_parameter(t, "y", snx_str("none"), NULL);
    snx_traj_add_parameter(t, "neuron.tau", snx_quantity(10, "ms"), NULL);
    snx_traj_add_parameter(t, "w", snx_double_array(2, (double[]){ 0, 0 }), NULL);
    *state = t;
    return t ? 0 : -1;
}

static int teardown(void **state)
{
    snx_traj_free(*state);
    return 0;
}

static snx_ranges *ints(const char *name, const int64_t *v, size_t n)
{
    snx_ranges *r = snx_ranges_new();
    assert_ok(snx_ranges_add_ints(r, name, v, n));
    return r;
}

/* The trajectory's state is what it was: nothing explored. */
static void assert_unexplored(snx_traj *t)
{
    assert_int_equal(snx_traj_n_explored(t), 0);
    assert_int_equal(snx_traj_n_runs(t), 1);
    assert_false(snx_par_is_explored(snx_traj_get(t, "x")));
    assert_false(snx_par_is_explored(snx_traj_get(t, "y")));
}

/* ---- ranges ---------------------------------------------------------------------- */

static void test_ranges(void **state)
{
    (void)state;
    snx_ranges *r = snx_ranges_new();
    assert_int_equal(snx_ranges_count(r), 0);
    assert_ok(snx_ranges_add_ints(r, "i", (int64_t[]){ 1, 2 }, 2));
    assert_ok(snx_ranges_add_doubles(r, "d", (double[]){ 0.5 }, 1));
    assert_ok(snx_ranges_add_bools(r, "b", (bool[]){ false, true, true }, 3));
    assert_ok(snx_ranges_add_strings(r, "s", (const char *const[]){ "a", "b" }, 2));
    assert_ok(snx_ranges_add_quantities(r, "q", (double[]){ 5, 10 }, 2, "ms"));
    snx_value vals[2] = { snx_complex(1, 1), snx_complex(2, 2) };
    assert_ok(snx_ranges_add(r, "c", vals, 2));
    assert_int_equal(vals[0].type, SNX_T_NONE); /* consumed */
    assert_int_equal(snx_ranges_count(r), 6);
    assert_string_equal(snx_ranges_name(r, 2), "b");
    assert_int_equal(snx_ranges_length(r, 2), 3);
    assert_int_equal(snx_ranges_value(r, 2, 1)->u.b, 1);
    assert_true(snx_ranges_value(r, 4, 0)->u.d == 0.005);
    assert_string_equal(snx_ranges_value(r, 4, 0)->unit, "ms");
    assert_true(snx_ranges_value(r, 5, 1)->u.c.re == 2);
    /* refusals consume the values too */
    assert_fails(snx_ranges_add_ints(r, "i", (int64_t[]){ 3 }, 1), SNX_EEXIST,
                 "ranges: \"i\" is listed twice");
    assert_fails(snx_ranges_add_ints(r, "e", NULL, 0), SNX_EINVAL, "\"e\" has no values");
    assert_fails(snx_ranges_add_ints(r, NULL, (int64_t[]){ 3 }, 1), SNX_EINVAL, "NULL name");
    assert_fails(snx_ranges_add_quantities(r, "bad", (double[]){ 1, 2 }, 2, "smoots"),
                 SNX_ENOTFOUND, "ranges: \"bad\", value 0");
    assert_fails(snx_ranges_add_strings(r, "ns", (const char *const[]){ "a", NULL }, 2),
                 SNX_EINVAL, "ranges: \"ns\", value 1");
    snx_value two[2] = { snx_str("kept by nobody"), snx_int(1) };
    assert_fails(snx_ranges_add(r, "i", two, 2), SNX_EEXIST, "listed twice");
    assert_int_equal(two[0].type, SNX_T_NONE);
    assert_int_equal(snx_ranges_count(r), 6);
    snx_ranges_free(r);
    snx_ranges_free(NULL);
}

/* ---- explore ------------------------------------------------------------------------- */

static void test_explore_equal_lengths(void **state)
{
    snx_traj *t = *state;
    snx_ranges *r = ints("x", (int64_t[]){ 1, 2, 3 }, 3);
    assert_ok(snx_ranges_add_strings(r, "parameters.y", (const char *const[]){ "a", "b", "c" }, 3));
    assert_ok(snx_traj_explore(t, r));
    snx_ranges_free(r);
    assert_int_equal(snx_traj_n_runs(t), 3);
    assert_int_equal(snx_traj_n_explored(t), 2);
    assert_string_equal(snx_node_full_name(snx_traj_explored(t, 0)), "parameters.x");
    assert_string_equal(snx_node_full_name(snx_traj_explored(t, 1)), "parameters.y");
    assert_null(snx_traj_explored(t, 2));
    snx_node *x = snx_traj_get(t, "x");
    assert_int_equal(snx_par_range_length(x), 3);
    /* Each run sees its values; outside the runs, the defaults. */
    for (long k = 0; k < 3; k++) {
        assert_ok(snx_traj_set_run(t, k));
        assert_int_equal(snx_traj_int(t, "x"), k + 1);
        char want[2] = { (char)('a' + k), 0 };
        assert_string_equal(snx_traj_string(t, "y"), want);
    }
    snx_traj_restore_default(t);
    assert_int_equal(snx_traj_int(t, "x"), 0);
    assert_string_equal(snx_traj_string(t, "y"), "none");
}

static void test_explore_refusals_change_nothing(void **state)
{
    snx_traj *t = *state;
    /* lengths */
    snx_ranges *r = ints("x", (int64_t[]){ 1, 2, 3 }, 3);
    assert_ok(snx_ranges_add_strings(r, "y", (const char *const[]){ "a", "b" }, 2));
    assert_fails(snx_traj_explore(t, r), SNX_EINVAL,
                 "explore: \"y\" has 2 values but \"x\" has 3 (all must be equally long)");
    snx_ranges_free(r);
    assert_unexplored(t);
    /* unknown and ambiguous names */
    r = ints("x", (int64_t[]){ 1, 2 }, 2);
    assert_ok(snx_ranges_add_ints(r, "nope", (int64_t[]){ 1, 2 }, 2));
    assert_fails(snx_traj_explore(t, r), SNX_ENOTFOUND, "explore: no \"nope\" below the root");
    snx_ranges_free(r);
    assert_unexplored(t);
    snx_traj_add_parameter(t, "a.dup", snx_int(0), NULL);
    snx_traj_add_parameter(t, "b.dup", snx_int(0), NULL);
    r = ints("x", (int64_t[]){ 1, 2 }, 2);
    assert_ok(snx_ranges_add_ints(r, "dup", (int64_t[]){ 1, 2 }, 2));
    assert_fails(snx_traj_explore(t, r), SNX_ENOTUNIQUE, "explore: \"dup\" is not unique");
    snx_ranges_free(r);
    assert_unexplored(t);
    /* the same parameter under two names */
    r = ints("x", (int64_t[]){ 1, 2 }, 2);
    assert_ok(snx_ranges_add_ints(r, "par.x", (int64_t[]){ 1, 2 }, 2));
    assert_fails(snx_traj_explore(t, r), SNX_EINVAL,
                 "explore: \"x\" and \"par.x\" are the same parameter");
    snx_ranges_free(r);
    assert_unexplored(t);
    /* nothing given */
    r = snx_ranges_new();
    assert_fails(snx_traj_explore(t, r), SNX_EINVAL, "explore: no parameters given");
    snx_ranges_free(r);
}

static void test_explore_only_parameters(void **state)
{
    snx_traj *t = *state;
    snx_traj_add_result(t, "outcome", snx_int(1), NULL);
    snx_traj_add_config(t, "ncores", snx_int(1), NULL);
    snx_traj_add_derived(t, "der", snx_int(1), NULL);
    const struct {
        const char *name, *msg;
    } cases[] = {
        { "outcome", "explore: \"results.outcome\" is a result, only parameters can be explored" },
        { "res", "explore: \"results\" is a group" }, /* res is results */
        { "neuron", "explore: \"parameters.neuron\" is a group" },
        { "ncores", "\"config.ncores\" is not in the parameters branch" },
        { "der", "\"derived_parameters.der\" is not in the parameters branch" },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        snx_ranges *r = ints("x", (int64_t[]){ 1, 2 }, 2);
        assert_ok(snx_ranges_add_ints(r, cases[k].name, (int64_t[]){ 1, 2 }, 2));
        assert_fails(snx_traj_explore(t, r), SNX_EINVAL, cases[k].msg);
        snx_ranges_free(r);
        assert_unexplored(t);
    }
}

static void test_explore_wrong_types(void **state)
{
    snx_traj *t = *state;
    /* int parameter, a double among the values */
    snx_ranges *r = snx_ranges_new();
    snx_value v[3] = { snx_int(1), snx_double(2), snx_int(3) };
    assert_ok(snx_ranges_add(r, "x", v, 3));
    assert_fails(snx_traj_explore(t, r), SNX_ETYPE,
                 "\"parameters.x\", value 1: a double does not match the parameter's int");
    snx_ranges_free(r);
    /* quantity of another dimension */
    r = snx_ranges_new();
    assert_ok(snx_ranges_add_quantities(r, "tau", (double[]){ 5, 10 }, 2, "mV"));
    assert_fails(snx_traj_explore(t, r), SNX_ETYPE,
                 "\"parameters.neuron.tau\", value 0: unit mV (V) does not match ms (s)");
    snx_ranges_free(r);
    /* the same dimension in other units is fine */
    r = snx_ranges_new();
    assert_ok(snx_ranges_add_quantities(r, "tau", (double[]){ 0.005, 0.02 }, 2, "s"));
    assert_ok(snx_ranges_add_ints(r, "x", (int64_t[]){ 1, 2 }, 2));
    assert_ok(snx_traj_explore(t, r));
    snx_ranges_free(r);
    assert_true(snx_par_range_at(snx_traj_get(t, "tau"), 1)->u.d == 0.02);
    /* arrays of another shape */
    r = snx_ranges_new();
    snx_value arrs[2] = { snx_double_array(2, (double[]){ 1, 2 }),
                          snx_double_array(3, (double[]){ 1, 2, 3 }) };
    assert_ok(snx_ranges_add(r, "w", arrs, 2));
    assert_fails(snx_traj_explore(t, r), SNX_ETYPE,
                 "\"parameters.w\", value 1: a double_array of another shape than the "
                 "parameter's");
    snx_ranges_free(r);
    /* what no parameter holds */
    r = snx_ranges_new();
    snx_value odd[2] = { snx_str("a"), snx_none() };
    assert_ok(snx_ranges_add(r, "y", odd, 2));
    assert_fails(snx_traj_explore(t, r), SNX_ETYPE, "value 1: a parameter cannot hold a none value");
    snx_ranges_free(r);
    assert_int_equal(snx_traj_n_explored(t), 2);
    assert_false(snx_par_is_explored(snx_traj_get(t, "w")));
    assert_false(snx_par_is_explored(snx_traj_get(t, "y")));
}

static void test_explore_empty_parameter(void **state)
{
    snx_traj *t = *state;
    snx_node *e = snx_traj_add_parameter(t, "e", snx_none(), NULL);
    /* An empty parameter takes the kind of the first value... */
    snx_ranges *r = snx_ranges_new();
    snx_value mixed[2] = { snx_double(1), snx_int(2) };
    assert_ok(snx_ranges_add(r, "e", mixed, 2));
    assert_fails(snx_traj_explore(t, r), SNX_ETYPE,
                 "\"parameters.e\", value 1: a int does not match the parameter's double");
    snx_ranges_free(r);
    assert_true(snx_par_is_empty(e));
    /* ...and that first value as its default. */
    r = snx_ranges_new();
    assert_ok(snx_ranges_add_doubles(r, "e", (double[]){ 1.5, 2.5 }, 2));
    assert_ok(snx_traj_explore(t, r));
    snx_ranges_free(r);
    assert_true(snx_par_peek(e)->u.d == 1.5);
    assert_ok(snx_traj_set_run(t, 1));
    assert_true(snx_par_peek(e)->u.d == 2.5);
}

static void test_consecutive_explores(void **state)
{
    snx_traj *t = *state;
    snx_ranges *r = ints("x", (int64_t[]){ 1, 2, 3, 4, 5 }, 5);
    assert_ok(snx_traj_explore(t, r));
    snx_ranges_free(r);
    r = snx_ranges_new();
    assert_ok(snx_ranges_add_strings(r, "y", (const char *const[]){ "a", "b", "c", "d", "e" }, 5));
    assert_ok(snx_traj_explore(t, r));
    snx_ranges_free(r);
    assert_int_equal(snx_traj_n_runs(t), 5);
    assert_int_equal(snx_traj_n_explored(t), 2);
    assert_ok(snx_traj_set_run(t, 4));
    assert_string_equal(snx_traj_string(t, "y"), "e");
    assert_int_equal(snx_traj_int(t, "x"), 5);
    /* another length no longer fits */
    r = snx_ranges_new();
    assert_ok(snx_ranges_add_quantities(r, "tau", (double[]){ 1, 2 }, 2, "ms"));
    assert_fails(snx_traj_explore(t, r), SNX_EINVAL,
                 "explore: 2 values given, but the trajectory already has 5 runs");
    snx_ranges_free(r);
    /* an explored parameter is expanded, not explored again */
    snx_par_unlock(snx_traj_get(t, "x"));
    r = ints("x", (int64_t[]){ 1, 2, 3, 4, 5 }, 5);
    assert_fails(snx_traj_explore(t, r), SNX_ETYPE,
                 "explore: \"parameters.x\" is explored already (use expand)");
    snx_ranges_free(r);
    assert_int_equal(snx_par_range_length(snx_traj_get(t, "x")), 5);
}

static void test_explore_refused_when_stored_or_in_run(void **state)
{
    snx_traj *t = *state;
    snx_traj_set_stored(t, 1);
    assert_true(snx_traj_is_stored(t));
    snx_ranges *r = ints("x", (int64_t[]){ 1, 2 }, 2);
    assert_fails(snx_traj_explore(t, r), SNX_ESTATE,
                 "explore: trajectory \"explore\" was stored already; use expand");
    assert_unexplored(t);
    snx_traj_set_stored(t, 0);
    assert_ok(snx_traj_begin_run(t, 0));
    assert_fails(snx_traj_explore(t, r), SNX_ESTATE,
                 "explore is not allowed during a single run (run_00000000)");
    assert_fails(snx_traj_expand(t, r), SNX_ESTATE, "expand is not allowed during a single run");
    assert_fails(snx_traj_shrink(t, SNX_SHRINK_FORCE), SNX_ESTATE, "shrink is not allowed during a single run");
    snx_traj_end_run(t);
    assert_ok(snx_traj_explore(t, r));
    snx_ranges_free(r);
    /* A stored exploration grows with expand. */
    snx_traj_set_stored(t, 1);
    r = ints("x", (int64_t[]){ 3 }, 1);
    assert_ok(snx_traj_expand(t, r));
    snx_ranges_free(r);
    assert_int_equal(snx_traj_n_runs(t), 3);
}

/* ---- expand ------------------------------------------------------------------------------ */

static void explore_xy(snx_traj *t)
{
    snx_ranges *r = ints("x", (int64_t[]){ 1, 2, 3 }, 3);
    assert_ok(snx_ranges_add_strings(r, "y", (const char *const[]){ "a", "b", "c" }, 3));
    assert_ok(snx_traj_explore(t, r));
    snx_ranges_free(r);
}

static void test_expand(void **state)
{
    snx_traj *t = *state;
    snx_ranges *r = ints("x", (int64_t[]){ 9 }, 1);
    assert_fails(snx_traj_expand(t, r), SNX_ETYPE, "expand: nothing is explored yet (use explore)");
    snx_ranges_free(r);
    explore_xy(t);
    /* Runs already done read their parameters: expand still appends (it changes
     * none of their values). */
    assert_ok(snx_traj_set_run(t, 0));
    assert_int_equal(snx_traj_int(t, "x"), 1);
    assert_true(snx_par_is_locked(snx_traj_get(t, "x")));
    r = ints("x", (int64_t[]){ 42, 43 }, 2);
    assert_ok(snx_ranges_add_strings(r, "y", (const char *const[]){ "d", "e" }, 2));
    assert_ok(snx_traj_expand(t, r));
    snx_ranges_free(r);
    assert_int_equal(snx_traj_n_runs(t), 5);
    assert_int_equal(snx_par_range_length(snx_traj_get(t, "y")), 5);
    assert_true(snx_par_is_locked(snx_traj_get(t, "x")));
    assert_ok(snx_traj_set_run(t, 4));
    assert_int_equal(snx_traj_int(t, "x"), 43);
    assert_string_equal(snx_traj_string(t, "y"), "e");
    assert_ok(snx_traj_set_run(t, 0));
    assert_int_equal(snx_traj_int(t, "x"), 1);
}

static void test_expand_refusals_change_nothing(void **state)
{
    snx_traj *t = *state;
    explore_xy(t);
    snx_ranges *r = ints("x", (int64_t[]){ 4 }, 1);
    assert_fails(snx_traj_expand(t, r), SNX_ETYPE,
                 "expand: explored parameter \"parameters.y\" is not enlarged");
    snx_ranges_free(r);
    r = ints("x", (int64_t[]){ 4, 5 }, 2);
    assert_ok(snx_ranges_add_strings(r, "y", (const char *const[]){ "d" }, 1));
    assert_fails(snx_traj_expand(t, r), SNX_EINVAL, "expand: \"y\" has 1 values but \"x\" has 2");
    snx_ranges_free(r);
    r = ints("x", (int64_t[]){ 4 }, 1);
    assert_ok(snx_ranges_add_strings(r, "y", (const char *const[]){ "d" }, 1));
    assert_ok(snx_ranges_add_ints(r, "tau", (int64_t[]){ 4 }, 1));
    assert_fails(snx_traj_expand(t, r), SNX_ETYPE, "expand: \"parameters.neuron.tau\" is not explored");
    snx_ranges_free(r);
    r = snx_ranges_new();
    assert_ok(snx_ranges_add_doubles(r, "x", (double[]){ 4.0 }, 1));
    assert_ok(snx_ranges_add_strings(r, "y", (const char *const[]){ "d" }, 1));
    /* positions count from the first new run */
    assert_fails(snx_traj_expand(t, r), SNX_ETYPE,
                 "\"parameters.x\", value 3: a double does not match the parameter's int");
    snx_ranges_free(r);
    r = ints("nope", (int64_t[]){ 4 }, 1);
    assert_fails(snx_traj_expand(t, r), SNX_ENOTFOUND, "expand: no \"nope\"");
    snx_ranges_free(r);
    r = snx_ranges_new();
    assert_fails(snx_traj_expand(t, r), SNX_ETYPE, "is not enlarged");
    snx_ranges_free(r);
    assert_int_equal(snx_traj_n_runs(t), 3);
    assert_int_equal(snx_par_range_length(snx_traj_get(t, "x")), 3);
    assert_int_equal(snx_par_range_length(snx_traj_get(t, "y")), 3);
}

/* ---- cartesian product ------------------------------------------------------------------- */

static void assert_ints(const snx_ranges *r, size_t i, const int64_t *want, size_t n)
{
    assert_int_equal(snx_ranges_length(r, i), n);
    for (size_t k = 0; k < n; k++)
        if (snx_ranges_value(r, i, k)->u.i != want[k]) {
            print_error("%s[%zu] = %lld, expected %lld\n", snx_ranges_name(r, i), k,
                        (long long)snx_ranges_value(r, i, k)->u.i, (long long)want[k]);
            fail();
        }
}

static void test_cartesian_last_fastest(void **state)
{
    snx_traj *t = *state;
    snx_ranges *r = ints("x", (int64_t[]){ 1, 2, 3, 4 }, 4);
    assert_ok(snx_ranges_add_ints(r, "yy", (int64_t[]){ 6, 7, 8 }, 3));
    snx_ranges *c = snx_ranges_cartesian(r, NULL);
    assert_non_null(c);
    assert_int_equal(snx_ranges_count(c), 2);
    assert_string_equal(snx_ranges_name(c, 0), "x");
    assert_ints(c, 0, (int64_t[]){ 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4 }, 12);
    assert_ints(c, 1, (int64_t[]){ 6, 7, 8, 6, 7, 8, 6, 7, 8, 6, 7, 8 }, 12);
    snx_ranges_free(c);
    /* An explicit order: the last entry changes fastest. */
    c = snx_ranges_cartesian(r, (const char *const[]){ "yy", "x", NULL });
    assert_string_equal(snx_ranges_name(c, 0), "yy");
    assert_ints(c, 0, (int64_t[]){ 6, 6, 6, 6, 7, 7, 7, 7, 8, 8, 8, 8 }, 12);
    assert_ints(c, 1, (int64_t[]){ 1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4 }, 12);
    /* The product explores like any ranges. */
    snx_traj_add_parameter(t, "yy", snx_int(0), NULL);
    assert_ok(snx_traj_explore(t, c));
    snx_ranges_free(c);
    snx_ranges_free(r);
    assert_int_equal(snx_traj_n_runs(t), 12);
    assert_ok(snx_traj_set_run(t, 5));
    assert_int_equal(snx_traj_int(t, "yy"), 7);
    assert_int_equal(snx_traj_int(t, "x"), 2);
}

static void test_cartesian_linked(void **state)
{
    (void)state;
    /* pypet: cartesian_product({'param1': [42.0, 52.5], 'param2': ['a', 'b'],
     * 'param3': [1, 2, 3]}, ('param3', ('param1', 'param2'))) */
    snx_ranges *r = snx_ranges_new();
    assert_ok(snx_ranges_add_doubles(r, "param1", (double[]){ 42.0, 52.5 }, 2));
    assert_ok(snx_ranges_add_strings(r, "param2", (const char *const[]){ "a", "b" }, 2));
    assert_ok(snx_ranges_add_ints(r, "param3", (int64_t[]){ 1, 2, 3 }, 3));
    snx_ranges *c = snx_ranges_cartesian(r, (const char *const[]){ "param3", "param1,param2", NULL });
    assert_non_null(c);
    assert_int_equal(snx_ranges_count(c), 3);
    assert_string_equal(snx_ranges_name(c, 0), "param3");
    assert_ints(c, 0, (int64_t[]){ 1, 1, 2, 2, 3, 3 }, 6);
    const double p1[] = { 42.0, 52.5, 42.0, 52.5, 42.0, 52.5 };
    const char *p2[] = { "a", "b", "a", "b", "a", "b" };
    for (size_t k = 0; k < 6; k++) {
        assert_true(snx_ranges_value(c, 1, k)->u.d == p1[k]);
        assert_string_equal(snx_ranges_value(c, 2, k)->u.s, p2[k]);
    }
    snx_ranges_free(c);
    /* "a, b" with a space works too */
    c = snx_ranges_cartesian(r, (const char *const[]){ "param1, param2", "param3", NULL });
    assert_non_null(c);
    assert_ints(c, 2, (int64_t[]){ 1, 2, 3, 1, 2, 3 }, 6);
    snx_ranges_free(c);
    snx_ranges_free(r);
}

static void test_cartesian_errors(void **state)
{
    (void)state;
    snx_ranges *r = snx_ranges_new();
    assert_ok(snx_ranges_add_ints(r, "a", (int64_t[]){ 1, 2 }, 2));
    assert_ok(snx_ranges_add_ints(r, "b", (int64_t[]){ 1, 2, 3 }, 3));
    struct {
        const char *order[4];
        const char *msg;
    } cases[] = {
        { { "a", "c", NULL }, "\"c\" is not in the ranges" },
        { { "a", "a", NULL }, "\"a\" appears twice in the order" },
        { { "a", NULL }, "\"b\" is missing from the order" },
        { { "a,b", NULL }, "linked \"b\" has 3 values, \"a\" has 2" },
        { { "a", "b", "a", NULL }, "order entry \"a\" names no list that is not ordered" },
        { { "a", ",", "b", NULL }, "empty order entry" },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        snx_error_clear();
        assert_null(snx_ranges_cartesian(r, cases[k].order));
        assert_int_not_equal(snx_errcode(), 0);
        assert_errmsg_contains(cases[k].msg);
    }
    snx_ranges_free(r);
    /* One list: the product is itself. */
    r = snx_ranges_new();
    assert_ok(snx_ranges_add_ints(r, "only", (int64_t[]){ 5, 6 }, 2));
    snx_ranges *c = snx_ranges_cartesian(r, NULL);
    assert_ints(c, 0, (int64_t[]){ 5, 6 }, 2);
    snx_ranges_free(c);
    snx_ranges_free(r);
}

/* ---- shrink -------------------------------------------------------------------------------- */

static void test_shrink(void **state)
{
    snx_traj *t = *state;
    explore_xy(t);
    assert_ok(snx_traj_set_run(t, 2));
    assert_ok(snx_traj_set_run_info(t, 1, &(snx_run_info){ .completed = 1 }));
    assert_ok(snx_traj_shrink(t, SNX_SHRINK_UNSTORED));
    assert_unexplored(t);
    assert_int_equal(snx_traj_run_idx(t), -1);
    assert_int_equal(snx_traj_int(t, "x"), 0); /* the defaults stay */
    /* Exploring again starts with fresh run records. */
    snx_par_unlock(snx_traj_get(t, "x"));
    explore_xy(t);
    assert_false(snx_traj_is_completed(t, 1));
    /* A stored trajectory keeps its ranges on disk: shrink only when forced. */
    snx_traj_set_stored(t, 1);
    assert_fails(snx_traj_shrink(t, SNX_SHRINK_UNSTORED), SNX_ESTATE,
                 "shrink: trajectory \"explore\" was stored; its ranges are on disk");
    assert_int_equal(snx_traj_n_runs(t), 3);
    assert_ok(snx_traj_shrink(t, SNX_SHRINK_FORCE));
    assert_unexplored(t);
    /* Shrinking an unexplored trajectory is a no-op. */
    assert_ok(snx_traj_shrink(t, SNX_SHRINK_FORCE));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ranges),
        cmocka_unit_test_setup_teardown(test_explore_equal_lengths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_explore_refusals_change_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_explore_only_parameters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_explore_wrong_types, setup, teardown),
        cmocka_unit_test_setup_teardown(test_explore_empty_parameter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_consecutive_explores, setup, teardown),
        cmocka_unit_test_setup_teardown(test_explore_refused_when_stored_or_in_run, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_expand, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expand_refusals_change_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cartesian_last_fastest, setup, teardown),
        cmocka_unit_test(test_cartesian_linked),
        cmocka_unit_test(test_cartesian_errors),
        cmocka_unit_test_setup_teardown(test_shrink, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
