/* explore/: parameters — every value type, quantities, arrays, locking on read,
 * set/empty/shrink on locked parameters, peek, presetting, the convenience getters
 * and their sticky status, the string form; and the values themselves. */
#include "snx_test.h"

static int setup(void **state)
{
    *state = snx_traj_new("params", NULL);
    return *state ? 0 : -1;
}

static int teardown(void **state)
{
    snx_traj_free(*state);
    return 0;
}

static char *str_of(const snx_value *v)
{
    static char buf[256];
    char *s = snx_value_to_str(v, 0);
    snprintf(buf, sizeof buf, "%s", s ? s : "(null)");
    free(s);
    return buf;
}

/* ---- value types ------------------------------------------------------------------ */

static void test_scalar_types(void **state)
{
    snx_traj *t = *state;
    snx_node *b = snx_traj_add_parameter(t, "b", snx_bool(7), NULL);
    snx_node *i = snx_traj_add_parameter(t, "i", snx_int(INT64_C(-9000000000)), NULL);
    snx_node *d = snx_traj_add_parameter(t, "d", snx_double(0.1), NULL);
    snx_node *c = snx_traj_add_parameter(t, "c", snx_complex(1.5, -2), NULL);
    snx_node *s = snx_traj_add_parameter(t, "s", snx_str("text"), NULL);
    const snx_value *v = snx_par_get(b);
    assert_int_equal(v->type, SNX_T_BOOL);
    assert_int_equal(v->u.b, 1); /* normalised */
    v = snx_par_get(i);
    assert_int_equal(v->type, SNX_T_INT);
    assert_true(v->u.i == INT64_C(-9000000000));
    v = snx_par_get(d);
    assert_int_equal(v->type, SNX_T_DOUBLE);
    assert_true(v->u.d == 0.1);
    v = snx_par_get(c);
    assert_int_equal(v->type, SNX_T_COMPLEX);
    assert_true(v->u.c.re == 1.5 && v->u.c.im == -2);
    v = snx_par_get(s);
    assert_int_equal(v->type, SNX_T_STRING);
    assert_string_equal(v->u.s, "text");
    assert_null(v->unit);
}

static void test_quantities(void **state)
{
    snx_traj *t = *state;
    snx_node *tau = snx_traj_add_parameter(t, "tau", snx_quantity_str("15 ms"), NULL);
    const snx_value *v = snx_par_get(tau);
    assert_int_equal(v->type, SNX_T_QUANTITY);
    assert_true(v->u.d == 0.015);
    assert_string_equal(v->unit, "ms");
    assert_string_equal(str_of(v), "15 ms");
    assert_true(snx_traj_double(t, "tau") == 0.015);
    snx_node *vr = snx_traj_add_parameter(t, "v_reset", snx_quantity(-70, "mV"), NULL);
    assert_close(snx_par_get(vr)->u.d, -0.070, 1e-15);
    assert_string_equal(str_of(snx_par_get(vr)), "-70 mV");
    snx_node *slope = snx_traj_add_parameter(t, "slope", snx_quantity_str("4 mV/ms"), NULL);
    assert_close(snx_par_get(slope)->u.d, 4.0, 1e-12); /* V/s */
    assert_string_equal(snx_par_get(slope)->unit, "mV/ms");
    snx_node *blank = snx_traj_add_parameter(t, "blank", snx_quantity_str(" 15 ms  "), NULL);
    assert_string_equal(snx_par_peek(blank)->unit, "ms");
    snx_node *plain = snx_traj_add_parameter(t, "plain", snx_quantity_str("5"), NULL);
    assert_string_equal(snx_par_peek(plain)->unit, "1"); /* dimensionless */
    assert_true(snx_par_peek(plain)->u.d == 5);
    snx_node *star = snx_traj_add_parameter(t, "star", snx_quantity_str("2.5e-3*s"), NULL);
    assert_true(snx_par_get(star)->u.d == 0.0025);
    assert_string_equal(snx_par_get(star)->unit, "s");
    /* The dimension travels with the unit. */
    char buf[32];
    assert_string_equal(snx_dim_format(snx_value_dim(snx_par_peek(tau)), buf, sizeof buf), "s");
    assert_true(snx_dim_equal(snx_value_dim(snx_par_peek(vr)), snx_value_dim(&(snx_value){
        .type = SNX_T_QUANTITY, .unit = "V" })));
    /* 15 ms and 0.015 s are the same quantity; 15 ms and 15 mV are not. */
    snx_value a = snx_quantity(15, "ms"), b = snx_quantity(0.015, "s"), c = snx_quantity(15, "mV");
    assert_true(snx_value_equal(&a, &b));
    assert_true(snx_value_same_kind(&a, &b));
    assert_false(snx_value_same_kind(&a, &c));
    assert_false(snx_value_equal(&a, &c));
    snx_value_clear(&a);
    snx_value_clear(&b);
    snx_value_clear(&c);
    /* Bad units fail at construction; the adder reports why and adds nothing. */
    assert_null(snx_traj_add_parameter(t, "bad", snx_quantity_str("15 furlongs"), NULL));
    assert_errmsg_contains("adding \"bad\"");
    assert_errmsg_contains("unknown unit \"furlongs\"");
    assert_false(snx_traj_contains(t, "bad"));
    assert_null(snx_traj_add_parameter(t, "bad", snx_quantity(1, NULL), NULL));
    assert_int_equal(snx_errcode(), SNX_EINVAL);
}

static void test_arrays(void **state)
{
    snx_traj *t = *state;
    snx_node *v1 = snx_traj_add_parameter(t, "v1", snx_int_array(3, (int64_t[]){ 1, 2, 3 }), NULL);
    const snx_value *v = snx_par_get(v1);
    assert_int_equal(v->type, SNX_T_INT_ARRAY);
    assert_int_equal(v->u.a.ndim, 1);
    assert_int_equal(v->u.a.shape[0], 3);
    assert_int_equal(v->u.a.len, 3);
    assert_int_equal(((int64_t *)v->u.a.data)[2], 3);
    assert_string_equal(str_of(v), "[1, 2, 3]");
    size_t shape[3] = { 2, 3, 2 };
    double data[12];
    for (int k = 0; k < 12; k++)
        data[k] = k * 0.5;
    snx_node *m = snx_traj_add_parameter(t, "m", snx_double_array_nd(3, shape, data), NULL);
    v = snx_par_get(m);
    assert_int_equal(v->type, SNX_T_DOUBLE_ARRAY);
    assert_int_equal(v->u.a.ndim, 3);
    assert_int_equal(v->u.a.shape[1], 3);
    assert_int_equal(v->u.a.len, 12);
    assert_true(((double *)v->u.a.data)[11] == 5.5);
    assert_string_equal(str_of(v), "[[[0, 0.5], [1, 1.5], [2, 2.5]], [[3, 3.5], [4, 4.5], [5, 5.5]]]");
    size_t s2[2] = { 2, 2 };
    snx_node *im = snx_traj_add_parameter(t, "im", snx_int_array_nd(2, s2, (int64_t[]){ 1, 2, 3, 4 }),
                                          NULL);
    assert_string_equal(str_of(snx_par_peek(im)), "[[1, 2], [3, 4]]");
    /* Empty arrays are values too. */
    snx_node *e = snx_traj_add_parameter(t, "e", snx_double_array(0, NULL), NULL);
    assert_int_equal(snx_par_get(e)->u.a.len, 0);
    assert_string_equal(str_of(snx_par_peek(e)), "[]");
    /* A unit on a double array: SI data, shown in the unit. */
    snx_value mv = snx_double_array(2, (double[]){ 0.001, 0.0025 });
    mv.unit = strdup("mV");
    assert_string_equal(str_of(&mv), "[1, 2.5] mV");
    snx_value copy;
    assert_ok(snx_value_copy(&copy, &mv));
    assert_true(snx_value_equal(&copy, &mv));
    ((double *)copy.u.a.data)[0] = 9;
    assert_false(snx_value_equal(&copy, &mv)); /* a deep copy */
    snx_value_clear(&copy);
    snx_value_clear(&mv);
    /* Bad shapes fail at construction. */
    assert_null(snx_traj_add_parameter(t, "bad", snx_int_array_nd(0, shape, NULL), NULL));
    assert_errmsg_contains("0 dimensions");
    assert_null(snx_traj_add_parameter(t, "bad", snx_int_array(2, NULL), NULL));
    assert_errmsg_contains("NULL data");
    /* Same kind: same type and shape. */
    snx_value a = snx_int_array(2, (int64_t[]){ 1, 2 }), b = snx_int_array(3, (int64_t[]){ 1, 2, 3 });
    snx_value c = snx_int_array(2, (int64_t[]){ 5, 6 });
    assert_false(snx_value_same_kind(&a, &b));
    assert_true(snx_value_same_kind(&a, &c));
    assert_false(snx_value_equal(&a, &c));
    snx_value_clear(&a);
    snx_value_clear(&b);
    snx_value_clear(&c);
}

static void test_value_strings(void **state)
{
    (void)state;
    struct {
        snx_value v;
        const char *want;
    } cases[] = {
        { snx_none(), "None" },
        { snx_bool(0), "False" },
        { snx_bool(1), "True" },
        { snx_int(42), "42" },
        { snx_double(0.5), "0.5" },
        { snx_double(0.1), "0.1" },
        { snx_double(1.0 / 3), "0.3333333333333333" },
        { snx_double(2), "2" },
        { snx_double(NAN), "nan" },
        { snx_complex(1, 2), "(1+2j)" },
        { snx_complex(0.5, -0.25), "(0.5-0.25j)" },
        { snx_str("text"), "'text'" },
        { snx_quantity(15, "ms"), "15 ms" },
        { snx_quantity_str("-70 mV"), "-70 mV" },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        assert_string_equal(str_of(&cases[k].v), cases[k].want);
        snx_value_clear(&cases[k].v);
    }
    /* Truncation with "...". */
    snx_value s = snx_str("abcdefghijklmnopqrstuvwxyz");
    char *out = snx_value_to_str(&s, 10);
    assert_string_equal(out, "'abcdef...");
    free(out);
    snx_value_clear(&s);
    int64_t many[1000];
    for (int k = 0; k < 1000; k++)
        many[k] = k;
    snx_value big = snx_int_array(1000, many);
    out = snx_value_to_str(&big, 64);
    assert_int_equal(strlen(out), 64);
    assert_string_equal(out + 61, "...");
    free(out);
    snx_value_clear(&big);
    /* Type names both ways. */
    assert_string_equal(snx_type_name(SNX_T_QUANTITY), "quantity");
    assert_int_equal(snx_type_from_name("double_array"), SNX_T_DOUBLE_ARRAY);
    assert_int_equal(snx_type_from_name("nonsense"), SNX_T_NONE);
    assert_string_equal(snx_type_name(SNX_T_ERROR), "error");
    double d;
    snx_value q = snx_quantity(3, "ms");
    assert_ok(snx_value_as_double(&q, &d));
    assert_true(d == 0.003);
    snx_value_clear(&q);
    snx_value st = snx_str("x");
    assert_fails(snx_value_as_double(&st, &d), SNX_ETYPE, "a string value is not a number");
    snx_value_clear(&st);
    /* NaN equals NaN (a range may hold it). */
    snx_value n1 = snx_double(NAN), n2 = snx_double(NAN);
    assert_true(snx_value_equal(&n1, &n2));
}

/* ---- empty parameters ---------------------------------------------------------------- */

static void test_empty_parameter(void **state)
{
    snx_traj *t = *state;
    snx_node *p = snx_traj_add_parameter(t, "later", snx_none(), "filled later");
    assert_non_null(p);
    assert_true(snx_par_is_empty(p));
    assert_true(snx_leaf_is_empty(p));
    assert_null(snx_par_get(p));
    assert_int_equal(snx_errcode(), SNX_ETYPE);
    assert_errmsg_contains("parameter \"parameters.later\" is empty");
    assert_false(snx_par_is_locked(p)); /* a failed read locks nothing */
    assert_null(snx_par_peek(p));
    assert_null(snx_par_default(p));
    assert_ok(snx_par_set(p, snx_int(3)));
    assert_false(snx_par_is_empty(p));
    assert_int_equal(snx_par_get(p)->u.i, 3);
    /* Emptying a parameter (unlocked) drops its value. */
    snx_par_unlock(p);
    assert_ok(snx_par_empty(p));
    assert_true(snx_par_is_empty(p));
    assert_ok(snx_leaf_empty(p));
}

/* ---- locking ------------------------------------------------------------------------- */

static void test_reading_locks(void **state)
{
    snx_traj *t = *state;
    snx_node *p = snx_traj_add_parameter(t, "x", snx_int(1), NULL);
    assert_false(snx_par_is_locked(p));
    /* peek and to_str look without locking */
    assert_int_equal(snx_par_peek(p)->u.i, 1);
    char *s = snx_par_to_str(p);
    free(s);
    assert_false(snx_par_is_locked(p));
    /* Setting an unlocked parameter works, also to another type. */
    assert_ok(snx_par_set(p, snx_int(2)));
    assert_ok(snx_par_set(p, snx_str("two")));
    assert_ok(snx_par_set(p, snx_int(2)));
    /* Any read locks. */
    assert_int_equal(snx_par_get(p)->u.i, 2);
    assert_true(snx_par_is_locked(p));
    assert_fails(snx_par_set(p, snx_str("consumed also on failure")), SNX_ELOCKED,
                 "set: parameter \"parameters.x\" is locked (it was read); unlock it first");
    assert_fails(snx_par_empty(p), SNX_ELOCKED, "empty: parameter \"parameters.x\" is locked");
    assert_fails(snx_leaf_empty(p), SNX_ELOCKED, "is locked");
    assert_int_equal(snx_par_peek(p)->u.i, 2);
    snx_par_unlock(p);
    assert_false(snx_par_is_locked(p));
    assert_ok(snx_par_set(p, snx_int(3)));
    /* The default value and the convenience getters lock too. */
    assert_int_equal(snx_par_default(p)->u.i, 3);
    assert_true(snx_par_is_locked(p));
    snx_par_unlock(p);
    assert_int_equal(snx_traj_int(t, "x"), 3);
    assert_true(snx_par_is_locked(p));
    snx_par_unlock(p);
    assert_non_null(snx_traj_value(t, "x"));
    assert_true(snx_par_is_locked(p));
    /* Explicit locking. */
    snx_node *q = snx_traj_add_parameter(t, "q", snx_int(0), NULL);
    snx_par_lock(q);
    assert_fails(snx_par_set(q, snx_int(1)), SNX_ELOCKED, "is locked");
}

static void test_explore_locked_refused(void **state)
{
    snx_traj *t = *state;
    snx_node *p = snx_traj_add_parameter(t, "x", snx_int(1), NULL);
    snx_par_get(p);
    snx_ranges *r = snx_ranges_new();
    snx_ranges_add_ints(r, "x", (int64_t[]){ 1, 2 }, 2);
    assert_fails(snx_traj_explore(t, r), SNX_ELOCKED,
                 "explore: parameter \"parameters.x\" is locked");
    assert_false(snx_par_is_explored(p));
    snx_par_unlock(p);
    assert_ok(snx_traj_explore(t, r));
    snx_ranges_free(r);
    /* shrink of a locked explored parameter is refused too */
    snx_par_lock(p);
    assert_fails(snx_par_shrink(p), SNX_ELOCKED, "shrink: parameter \"parameters.x\" is locked");
    assert_fails(snx_traj_shrink(t, SNX_SHRINK_UNSTORED), SNX_ELOCKED, "shrink: parameter \"parameters.x\" is locked");
    assert_true(snx_par_is_explored(p));
}

static void test_set_explored_keeps_kind(void **state)
{
    snx_traj *t = *state;
    snx_node *p = snx_traj_add_parameter(t, "x", snx_int(1), NULL);
    snx_ranges *r = snx_ranges_new();
    snx_ranges_add_ints(r, "x", (int64_t[]){ 1, 2 }, 2);
    assert_ok(snx_traj_explore(t, r));
    snx_ranges_free(r);
    assert_ok(snx_par_set(p, snx_int(5))); /* the default changes */
    assert_int_equal(snx_par_peek(p)->u.i, 5);
    assert_fails(snx_par_set(p, snx_double(5.0)), SNX_ETYPE,
                 "\"parameters.x\", value 0: a double does not match the parameter's int");
    assert_fails(snx_par_set(p, snx_none()), SNX_ETYPE, "cannot hold a none value");
    assert_fails(snx_par_set(p, snx_table_value(snx_table_new(1))), SNX_ETYPE,
                 "cannot hold a table value");
    assert_fails(snx_par_set(p, snx_quantity(1, "parsecs")), SNX_ENOTFOUND, "parsecs");
    snx_node *g = snx_traj_get(t, "parameters");
    assert_fails(snx_par_set(g, snx_int(1)), SNX_ETYPE, "set: \"parameters\" is not a parameter");
    /* unexplored parameters refuse what no parameter can hold */
    snx_node *q = snx_traj_add_parameter(t, "q", snx_int(1), NULL);
    assert_fails(snx_par_set(q, snx_table_value(snx_table_new(1))), SNX_ETYPE, "table");
    assert_fails(snx_par_set(q, snx_none()), SNX_ETYPE, "none");
}

static void test_lock_branches(void **state)
{
    snx_traj *t = *state;
    snx_node *p = snx_traj_add_parameter(t, "p", snx_int(1), NULL);
    snx_node *e = snx_traj_add_parameter(t, "e", snx_none(), NULL);
    snx_node *c = snx_traj_add_config(t, "c", snx_int(1), NULL);
    snx_node *d = snx_traj_add_derived(t, "d", snx_int(1), NULL);
    snx_traj_lock_parameters(t);
    assert_true(snx_par_is_locked(p));
    assert_true(snx_par_is_locked(c));
    assert_false(snx_par_is_locked(e)); /* only non-empty ones */
    assert_false(snx_par_is_locked(d));
    snx_traj_lock_derived(t);
    assert_true(snx_par_is_locked(d));
}

/* ---- ranges on one parameter ------------------------------------------------------ */

static void test_range_access(void **state)
{
    snx_traj *t = *state;
    snx_node *p = snx_traj_add_parameter(t, "x", snx_int(0), "the x");
    assert_false(snx_par_is_explored(p));
    assert_int_equal(snx_par_range_length(p), 0);
    assert_null(snx_par_range_at(p, 0));
    assert_int_equal(snx_errcode(), SNX_EINVAL);
    assert_fails(snx_par_shrink(p), SNX_ETYPE, "shrink: \"parameters.x\" is not explored");
    snx_ranges *r = snx_ranges_new();
    snx_ranges_add_ints(r, "x", (int64_t[]){ 10, 20, 30, 40 }, 4);
    assert_ok(snx_traj_explore(t, r));
    snx_ranges_free(r);
    assert_true(snx_par_is_explored(p));
    assert_int_equal(snx_par_range_length(p), 4);
    assert_int_equal(snx_par_range_at(p, 3)->u.i, 40);
    assert_null(snx_par_range_at(p, 4));
    assert_errmsg_contains("run 4 is outside the range of length 4");
    assert_false(snx_par_is_locked(p)); /* range_at does not lock */
    /* The current value follows the run; the default stays. */
    assert_int_equal(snx_par_peek(p)->u.i, 0);
    assert_ok(snx_traj_set_run(t, 2));
    assert_int_equal(snx_par_peek(p)->u.i, 30);
    assert_int_equal(snx_traj_int(t, "x"), 30);
    assert_int_equal(snx_par_default(p)->u.i, 0);
    snx_traj_restore_default(t);
    assert_int_equal(snx_traj_int(t, "x"), 0);
    /* The string form: full name, (len N) when explored, comment, current value. */
    char *s = snx_par_to_str(p);
    assert_string_equal(s, "parameters.x (len 4): the x: 0");
    free(s);
    assert_ok(snx_traj_set_run(t, 1));
    s = snx_par_to_str(p);
    assert_string_equal(s, "parameters.x (len 4): the x: 20");
    free(s);
    /* Shrinking one parameter: its range goes, and with it the exploration. */
    snx_par_unlock(p);
    assert_ok(snx_par_shrink(p));
    assert_false(snx_par_is_explored(p));
    assert_int_equal(snx_traj_n_explored(t), 0);
    assert_int_equal(snx_traj_n_runs(t), 1);
    assert_int_equal(snx_traj_run_idx(t), -1);
    assert_int_equal(snx_par_peek(p)->u.i, 0);
}

static void test_empty_explored_parameter_leaves_exploration(void **state)
{
    snx_traj *t = *state;
    snx_node *x = snx_traj_add_parameter(t, "x", snx_int(0), NULL);
    snx_traj_add_parameter(t, "y", snx_int(0), NULL);
    snx_ranges *r = snx_ranges_new();
    snx_ranges_add_ints(r, "x", (int64_t[]){ 1, 2, 3 }, 3);
    snx_ranges_add_ints(r, "y", (int64_t[]){ 4, 5, 6 }, 3);
    assert_ok(snx_traj_explore(t, r));
    snx_ranges_free(r);
    assert_ok(snx_par_empty(x));
    assert_true(snx_par_is_empty(x));
    assert_false(snx_par_is_explored(x));
    assert_int_equal(snx_traj_n_explored(t), 1);
    assert_int_equal(snx_traj_n_runs(t), 3);
    char *s = snx_traj_parameter_summary(t, 2); /* no stale range is read */
    assert_string_equal(s, "y=6");
    free(s);
}

static void test_to_str(void **state)
{
    snx_traj *t = *state;
    snx_node *p = snx_traj_add_parameter(t, "neuron.tau", snx_quantity(15, "ms"), NULL);
    char *s = snx_par_to_str(p);
    assert_string_equal(s, "parameters.neuron.tau: 15 ms"); /* no comment, no length */
    free(s);
    assert_ok(snx_node_set_comment(p, "membrane time constant"));
    s = snx_par_to_str(p);
    assert_string_equal(s, "parameters.neuron.tau: membrane time constant: 15 ms");
    free(s);
    snx_node *e = snx_traj_add_parameter(t, "e", snx_none(), NULL);
    s = snx_par_to_str(e);
    assert_string_equal(s, "parameters.e: None");
    free(s);
    char longtext[200];
    memset(longtext, 'x', 199);
    longtext[199] = '\0';
    snx_node *l = snx_traj_add_parameter(t, "l", snx_str(longtext), NULL);
    s = snx_par_to_str(l);
    assert_int_equal(strlen(s), strlen("parameters.l: ") + 64);
    assert_string_equal(s + strlen(s) - 3, "...");
    free(s);
    assert_false(snx_par_is_locked(l));
}

/* ---- presetting --------------------------------------------------------------------- */

static void test_preset(void **state)
{
    snx_traj *t = *state;
    assert_ok(snx_traj_preset_parameter(t, "groupA.param1", snx_int(44)));
    assert_ok(snx_traj_preset_parameter(t, "parameters.groupA.param2", snx_str("preset")));
    assert_ok(snx_traj_preset_parameter(t, "par.p3", snx_double(3.5)));
    assert_ok(snx_traj_preset_config(t, "ncores", snx_int(8)));
    assert_fails(snx_traj_check_presets(t), SNX_EPRESET,
                 "presets never used by an added parameter (a typo in the name?): "
                 "\"parameters.groupA.param1\", \"parameters.groupA.param2\", "
                 "\"parameters.p3\", \"config.ncores\"");
    snx_traj_add_parameter(t, "groupA.param1", snx_int(11), NULL);
    assert_int_equal(snx_traj_int(t, "groupA.param1"), 44);
    /* The preset replaces the value whatever its type. */
    snx_traj_add_parameter(t, "groupA.param2", snx_int(0), NULL);
    assert_string_equal(snx_traj_string(t, "param2"), "preset");
    snx_traj_add_parameter(t, "p3", snx_double(0), NULL);
    assert_true(snx_traj_double(t, "p3") == 3.5);
    assert_fails(snx_traj_check_presets(t), SNX_EPRESET, "\"config.ncores\"");
    snx_traj_add_config(t, "ncores", snx_int(1), NULL);
    assert_int_equal(snx_traj_int(t, "ncores"), 8);
    assert_ok(snx_traj_check_presets(t));
    /* A later preset of the same name replaces the earlier one. */
    assert_ok(snx_traj_preset_parameter(t, "twice", snx_int(1)));
    assert_ok(snx_traj_preset_parameter(t, "twice", snx_int(2)));
    snx_traj_add_parameter(t, "twice", snx_int(0), NULL);
    assert_int_equal(snx_traj_int(t, "twice"), 2);
    /* Derived parameters are not preset. */
    assert_ok(snx_traj_preset_parameter(t, "dd", snx_int(5)));
    snx_traj_add_derived(t, "dd", snx_int(0), NULL);
    assert_int_equal(snx_traj_int(t, "dd"), 0);
    assert_fails(snx_traj_check_presets(t), SNX_EPRESET, "\"parameters.dd\"");
}

static void test_preset_errors(void **state)
{
    snx_traj *t = *state;
    snx_traj_add_parameter(t, "groupA.exists", snx_int(1), NULL);
    assert_fails(snx_traj_preset_parameter(t, "groupA.exists", snx_int(2)), SNX_EPRESET,
                 "preset \"parameters.groupA.exists\": the parameter exists already");
    /* Full names only: a shortcut to an existing parameter is a new name. */
    assert_ok(snx_traj_preset_parameter(t, "exists", snx_int(2)));
    assert_fails(snx_traj_preset_parameter(t, "bad-name", snx_int(1)), SNX_ENAME,
                 "invalid character '-'");
    assert_fails(snx_traj_preset_parameter(t, "a..b", snx_int(1)), SNX_ENAME, "empty name");
    assert_fails(snx_traj_preset_parameter(t, NULL, snx_int(1)), SNX_EINVAL, "NULL name");
    assert_fails(snx_traj_preset_parameter(t, "x", snx_none()), SNX_ETYPE,
                 "a none value cannot be a parameter");
    assert_fails(snx_traj_preset_parameter(t, "x", snx_table_value(snx_table_new(0))), SNX_ETYPE,
                 "table");
    assert_fails(snx_traj_preset_parameter(t, "x", snx_quantity(1, "zorks")), SNX_ENOTFOUND,
                 "preset \"x\"");
    snx_traj_add_parameter(t, "r", snx_int(0), NULL);
    assert_ok(snx_traj_begin_run(t, 0));
    assert_fails(snx_traj_preset_parameter(t, "y", snx_int(1)), SNX_ESTATE,
                 "presetting is not allowed during a single run");
    snx_traj_end_run(t);
}

/* ---- convenience getters ------------------------------------------------------------- */

static void test_convenience_getters(void **state)
{
    snx_traj *t = *state;
    snx_traj_add_parameter(t, "n", snx_int(400), NULL);
    snx_traj_add_parameter(t, "rate", snx_double(2.5), NULL);
    snx_traj_add_parameter(t, "tau", snx_quantity(20, "ms"), NULL);
    snx_traj_add_parameter(t, "flag", snx_bool(1), NULL);
    snx_traj_add_parameter(t, "label", snx_str("net"), NULL);
    snx_traj_add_result(t, "z", snx_int(42), NULL);
    snx_traj_add_result(t, "k", snx_none(), NULL);
    assert_int_equal(snx_traj_int(t, "n"), 400);
    assert_true(snx_traj_double(t, "rate") == 2.5);
    assert_true(snx_traj_double(t, "n") == 400.0);
    assert_true(snx_traj_double(t, "tau") == 0.02);
    assert_int_equal(snx_traj_bool(t, "flag"), 1);
    assert_string_equal(snx_traj_string(t, "label"), "net");
    /* Results with one item named after them read like parameters (fast access). */
    assert_int_equal(snx_traj_int(t, "z"), 42);
    assert_int_equal(snx_traj_status(t), 0);
    assert_string_equal(snx_traj_status_msg(t), "");
}

static void test_sticky_status(void **state)
{
    snx_traj *t = *state;
    snx_traj_add_parameter(t, "n", snx_int(400), NULL);
    snx_traj_add_parameter(t, "rate", snx_double(2.5), NULL);
    snx_traj_add_result(t, "k", snx_none(), NULL);
    /* The first failure is remembered; later ones do not overwrite it. */
    assert_int_equal(snx_traj_int(t, "rate"), 0);
    assert_int_equal(snx_traj_status(t), SNX_ETYPE);
    assert_string_equal(snx_traj_status_msg(t), "\"rate\" holds a double value, not an int");
    assert_true(isnan(snx_traj_double(t, "missing")));
    assert_int_equal(snx_errcode(), SNX_ENOTFOUND); /* the call's own error */
    assert_int_equal(snx_traj_status(t), SNX_ETYPE);
    assert_null(snx_traj_string(t, "n"));
    assert_errmsg_contains("\"n\" holds a int value, not a string");
    assert_true(isnan(snx_traj_double(t, "flagless")));
    snx_traj_add_parameter(t, "s", snx_str("x"), NULL);
    assert_true(isnan(snx_traj_double(t, "s")));
    assert_errmsg_contains("\"s\" holds a string value, not a number (double, quantity or int)");
    assert_int_equal(snx_traj_bool(t, "n"), 0);
    assert_string_equal(snx_traj_status_msg(t), "\"rate\" holds a double value, not an int");
    /* Reading good values does not clear it. */
    assert_int_equal(snx_traj_int(t, "n"), 400);
    assert_int_equal(snx_traj_status(t), SNX_ETYPE);
    snx_traj_clear_status(t);
    assert_int_equal(snx_traj_status(t), 0);
    assert_string_equal(snx_traj_status_msg(t), "");
    /* Not found, a group, an empty result. */
    assert_null(snx_traj_value(t, "missing"));
    assert_int_equal(snx_traj_status(t), SNX_ENOTFOUND);
    assert_string_equal(snx_traj_status_msg(t), "no \"missing\" below the root");
    snx_traj_clear_status(t);
    assert_null(snx_traj_value(t, "parameters"));
    assert_int_equal(snx_traj_status(t), SNX_ETYPE);
    assert_string_equal(snx_traj_status_msg(t), "\"parameters\" is a group, not a value");
    snx_traj_clear_status(t);
    assert_null(snx_traj_value(t, "k"));
    assert_int_equal(snx_traj_status(t), SNX_ENOTFOUND);
    assert_string_equal(snx_traj_status_msg(t),
                        "result \"results.k\" has no item \"k\" (it is empty)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_scalar_types, setup, teardown),
        cmocka_unit_test_setup_teardown(test_quantities, setup, teardown),
        cmocka_unit_test_setup_teardown(test_arrays, setup, teardown),
        cmocka_unit_test(test_value_strings),
        cmocka_unit_test_setup_teardown(test_empty_parameter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reading_locks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_explore_locked_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_explored_keeps_kind, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lock_branches, setup, teardown),
        cmocka_unit_test_setup_teardown(test_range_access, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_explored_parameter_leaves_exploration, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_to_str, setup, teardown),
        cmocka_unit_test_setup_teardown(test_preset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_preset_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_convenience_getters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sticky_status, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
