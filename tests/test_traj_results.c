/* explore/: results (named and positional items, remove, take, empty), tables, and
 * annotations of every type on every kind of node. */
#include "snx_test.h"

static int setup(void **state)
{
    *state = snx_traj_new("results", NULL);
    return *state ? 0 : -1;
}

static int teardown(void **state)
{
    snx_traj_free(*state);
    return 0;
}

/* ---- items ----------------------------------------------------------------------- */

static void test_result_named_after_itself(void **state)
{
    snx_traj *t = *state;
    snx_node *z = snx_traj_add_result(t, "z", snx_int(42), "the answer");
    assert_int_equal(snx_node_kind_of(z), SNX_NODE_RESULT);
    assert_int_equal(snx_result_n_items(z), 1);
    assert_int_equal(snx_result_get(z, "z")->u.i, 42);
    assert_int_equal(snx_result_get_pos(z, 0)->u.i, 42);
    assert_string_equal(snx_node_comment(z), "the answer");
    assert_false(snx_result_is_empty(z));
    /* An empty result, filled later. */
    snx_node *k = snx_traj_add_result(t, "k", snx_none(), NULL);
    assert_true(snx_result_is_empty(k));
    assert_true(snx_leaf_is_empty(k));
    assert_ok(snx_result_set(k, "kay", snx_int(42)));
    assert_int_equal(snx_result_get(k, "kay")->u.i, 42);
    assert_null(snx_result_get(k, "k"));
    assert_int_equal(snx_errcode(), SNX_ENOTFOUND);
    assert_errmsg_contains("result \"results.k\" has no item \"k\"");
}

static void test_positional_items(void **state)
{
    snx_traj *t = *state;
    /* pypet: Result('myresult', [1000, 2000], 'b', hitchhiker='Arthur Dent') */
    snx_node *r = snx_traj_add_result(t, "supergroup.subgroup.myresult",
                                      snx_int_array(2, (int64_t[]){ 1000, 2000 }), NULL);
    assert_ok(snx_result_add(r, snx_str("b")));
    assert_ok(snx_result_set(r, "hitchhiker", snx_str("Arthur Dent")));
    assert_ok(snx_result_add(r, snx_double(42.0)));
    assert_int_equal(snx_result_n_items(r), 4);
    const char *names[] = { "myresult", "myresult_1", "hitchhiker", "myresult_2" };
    for (size_t i = 0; i < 4; i++) {
        const char *name;
        assert_non_null(snx_result_item_at(r, i, &name));
        assert_string_equal(name, names[i]);
    }
    assert_null(snx_result_item_at(r, 4, NULL));
    assert_int_equal(((int64_t *)snx_result_get_pos(r, 0)->u.a.data)[1], 2000);
    assert_string_equal(snx_result_get_pos(r, 1)->u.s, "b");
    assert_true(snx_result_get_pos(r, 2)->u.d == 42.0);
    assert_string_equal(snx_result_get(r, "hitchhiker")->u.s, "Arthur Dent");
    assert_null(snx_result_get_pos(r, 3));
    assert_int_equal(snx_errcode(), SNX_ENOTFOUND);
    assert_errmsg_contains("has no item \"myresult_3\"");
    /* A positional item fills the first free position. */
    assert_ok(snx_result_remove(r, "myresult_1"));
    assert_ok(snx_result_add(r, snx_str("again")));
    assert_string_equal(snx_result_get(r, "myresult_1")->u.s, "again");
    /* Setting a name replaces that item. */
    assert_ok(snx_result_set(r, "hitchhiker", snx_str("Ford Prefect")));
    assert_string_equal(snx_result_get(r, "hitchhiker")->u.s, "Ford Prefect");
    assert_int_equal(snx_result_n_items(r), 4);
    /* pypet's f_set(333, 42.0, mystring='String') on an empty result */
    snx_node *s = snx_traj_add_result(t, "other", snx_none(), NULL);
    assert_ok(snx_result_add(s, snx_int(333)));
    assert_ok(snx_result_add(s, snx_double(42.0)));
    assert_ok(snx_result_set(s, "mystring", snx_str("String")));
    assert_int_equal(snx_result_get(s, "other")->u.i, 333);
    assert_true(snx_result_get(s, "other_1")->u.d == 42.0);
    assert_true(snx_result_get_pos(s, 1)->u.d == 42.0);
}

static void test_item_errors(void **state)
{
    snx_traj *t = *state;
    snx_node *r = snx_traj_add_result(t, "r", snx_none(), NULL);
    assert_fails(snx_result_set(r, "bad name", snx_int(1)), SNX_ENAME, "invalid character ' '");
    assert_fails(snx_result_set(r, "", snx_int(1)), SNX_ENAME, "empty name");
    assert_fails(snx_result_set(r, NULL, snx_str("consumed")), SNX_EINVAL, "NULL name");
    assert_fails(snx_result_set(r, "x", snx_none()), SNX_ETYPE,
                 "result \"results.r\", item \"x\": no value");
    assert_fails(snx_result_set(r, "x", snx_quantity(1, "blorp")), SNX_ENOTFOUND,
                 "result \"results.r\", item \"x\"");
    /* Items are not nodes: names starting with run_ are fine. */
    assert_ok(snx_result_set(r, "run_anything", snx_int(1)));
    assert_int_equal(snx_result_n_items(r), 1);
    /* Results' functions on other nodes. */
    snx_node *p = snx_traj_add_parameter(t, "p", snx_int(1), NULL);
    assert_fails(snx_result_set(p, "x", snx_str("consumed")), SNX_ETYPE,
                 "result_set: \"parameters.p\" is not a result");
    assert_fails(snx_result_add(p, snx_int(1)), SNX_ETYPE, "result_add");
    assert_null(snx_result_get(p, "p"));
    assert_int_equal(snx_errcode(), SNX_ETYPE);
    assert_fails(snx_result_remove(p, "p"), SNX_ETYPE, "result_remove");
    snx_value out;
    assert_fails(snx_result_take(p, "p", &out), SNX_ETYPE, "result_take");
    assert_null(snx_result_get(r, NULL));
    assert_int_equal(snx_errcode(), SNX_EINVAL);
}

static void test_remove_take_empty(void **state)
{
    snx_traj *t = *state;
    snx_node *r = snx_traj_add_result(t, "big", snx_double_array(3, (double[]){ 1, 2, 3 }),
                                      "big data");
    assert_ok(snx_result_set(r, "mat", snx_int_array(2, (int64_t[]){ 4, 5 })));
    assert_ok(snx_result_set(r, "name", snx_str("x")));
    assert_ok(snx_node_annotate(r, "kept", snx_int(1)));
    /* remove */
    assert_ok(snx_result_remove(r, "name"));
    assert_int_equal(snx_result_n_items(r), 2);
    /* A stale error of another kind must not leak into the answer. */
    snx_error(SNX_ETYPE, "an unrelated earlier error");
    assert_fails(snx_result_remove(r, "name"), SNX_ENOTFOUND,
                 "result \"results.big\" has no item \"name\"");
    snx_error(SNX_ETYPE, "an unrelated earlier error");
    snx_value out = snx_none();
    assert_fails(snx_result_take(r, "name", &out), SNX_ENOTFOUND, "has no item \"name\"");
    assert_int_equal(out.type, SNX_T_NONE);
    /* take: the caller owns the item, the result forgets it */
    assert_ok(snx_result_take(r, "mat", &out));
    assert_int_equal(out.type, SNX_T_INT_ARRAY);
    assert_int_equal(((int64_t *)out.u.a.data)[1], 5);
    snx_value_clear(&out);
    assert_int_equal(snx_result_n_items(r), 1);
    assert_null(snx_result_get(r, "mat"));
    /* empty: the data goes, the skeleton (name, comment, annotations) stays */
    snx_result_empty(r);
    assert_true(snx_result_is_empty(r));
    assert_int_equal(snx_result_n_items(r), 0);
    assert_string_equal(snx_node_comment(r), "big data");
    assert_int_equal(snx_node_annotation(r, "kept")->u.i, 1);
    assert_ptr_equal(snx_traj_get(t, "big"), r);
    assert_ok(snx_result_set(r, "big", snx_int(7))); /* and can be filled again */
    assert_ok(snx_leaf_empty(r));
    assert_true(snx_leaf_is_empty(r));
    assert_fails(snx_leaf_empty(snx_traj_get(t, "results")), SNX_ETYPE,
                 "\"results\" is a group, not a leaf");
    assert_false(snx_leaf_is_empty(snx_traj_get(t, "results")));
}

static void test_results_in_other_places(void **state)
{
    snx_traj *t = *state;
    /* Below parameters, a group makes parameters, never results. */
    snx_node *g = snx_traj_add_group(t, "parameters.g", NULL);
    snx_node *leaf = snx_node_add_leaf(g, "x", snx_int(1), NULL);
    assert_int_equal(snx_node_kind_of(leaf), SNX_NODE_PARAMETER);
    /* A result through the root always lands in results. */
    snx_node *r = snx_traj_add_result(t, "parameters.g.y", snx_int(1), NULL);
    assert_string_equal(snx_node_full_name(r), "results.parameters.g.y");
    /* Results hold tables, parameters do not. */
    snx_table *tab = snx_table_new(1);
    assert_ok(snx_table_add_int(tab, "a", (int64_t[]){ 1 }));
    assert_ok(snx_result_set(r, "tab", snx_table_value(tab)));
    assert_int_equal(snx_result_get(r, "tab")->type, SNX_T_TABLE);
}

/* ---- tables ---------------------------------------------------------------------------- */

static void test_tables(void **state)
{
    snx_traj *t = *state;
    snx_table *tab = snx_table_new(3);
    assert_ok(snx_table_add_int(tab, "idx", (int64_t[]){ 1, 2, 3 }));
    assert_ok(snx_table_add_double(tab, "rate", (double[]){ 0.5, 1.5, 2.5 }));
    assert_ok(snx_table_add_bool(tab, "ok", (bool[]){ true, false, true }));
    assert_ok(snx_table_add_string(tab, "characters",
                                   (const char *const[]){ "Luke", "Han", NULL }));
    assert_fails(snx_table_add_int(tab, "idx", (int64_t[]){ 1, 2, 3 }), SNX_EEXIST,
                 "table column \"idx\" exists already");
    assert_fails(snx_table_add_int(tab, "", (int64_t[]){ 1, 2, 3 }), SNX_EINVAL, "empty name");
    assert_fails(snx_table_add_double(tab, "nodata", NULL), SNX_EINVAL, "NULL data");
    snx_node *r = snx_traj_add_result(t, "summary.table", snx_table_value(tab), NULL);
    const snx_value *v = snx_result_get(r, "table");
    assert_int_equal(v->type, SNX_T_TABLE);
    const snx_table *tt = v->u.t;
    assert_int_equal(snx_table_rows(tt), 3);
    assert_int_equal(snx_table_cols(tt), 4);
    assert_string_equal(snx_table_col_name(tt, 1), "rate");
    assert_int_equal(snx_table_col_type(tt, 0), SNX_COL_INT);
    assert_int_equal(snx_table_col_type(tt, 1), SNX_COL_DOUBLE);
    assert_int_equal(snx_table_col_type(tt, 2), SNX_COL_BOOL);
    assert_int_equal(snx_table_col_type(tt, 3), SNX_COL_STRING);
    assert_int_equal(snx_table_find(tt, "ok"), 2);
    assert_int_equal(snx_table_find(tt, "nope"), -1);
    assert_true(((const double *)snx_table_col_data(tt, 1))[2] == 2.5);
    assert_int_equal(((const unsigned char *)snx_table_col_data(tt, 2))[1], 0);
    const char *const *chars = snx_table_col_data(tt, 3);
    assert_string_equal(chars[1], "Han");
    assert_string_equal(chars[2], ""); /* NULL strings become "" */
    char *s = snx_value_to_str(v, 0);
    assert_string_equal(s, "<table 3 rows x 4 columns>");
    free(s);
    /* Copies are deep and equal; a change makes them differ. */
    snx_value copy;
    assert_ok(snx_value_copy(&copy, v));
    assert_true(snx_value_equal(&copy, v));
    assert_ptr_not_equal(copy.u.t, v->u.t);
    ((char **)snx_table_col_data(copy.u.t, 3))[0][0] = 'l';
    assert_false(snx_value_equal(&copy, v));
    snx_value_clear(&copy);
    /* Zero rows are fine. */
    snx_table *empty = snx_table_new(0);
    assert_ok(snx_table_add_double(empty, "t", NULL));
    assert_ok(snx_result_set(r, "none_yet", snx_table_value(empty)));
    assert_int_equal(snx_table_rows(snx_result_get(r, "none_yet")->u.t), 0);
    snx_value bad = snx_table_value(NULL);
    assert_int_equal(bad.type, SNX_T_ERROR);
    assert_errmsg_contains("NULL table");
    assert_fails(snx_result_set(r, "bad", bad), SNX_EINVAL, "NULL table");
}

/* ---- annotations --------------------------------------------------------------------- */

static void test_annotations_every_type(void **state)
{
    snx_traj *t = *state;
    snx_node *p = snx_traj_add_parameter(t, "simulation.durations.init", snx_quantity(500, "ms"),
                                         NULL);
    assert_ok(snx_node_annotate(p, "order", snx_int(0)));
    assert_ok(snx_node_annotate(p, "flag", snx_bool(1)));
    assert_ok(snx_node_annotate(p, "weight", snx_double(0.25)));
    assert_ok(snx_node_annotate(p, "z", snx_complex(1, -1)));
    assert_ok(snx_node_annotate(p, "who", snx_str("peter, paul and mary")));
    assert_ok(snx_node_annotate(p, "dt", snx_quantity(0.1, "ms")));
    assert_ok(snx_node_annotate(p, "ids", snx_int_array(3, (int64_t[]){ 1, 2, 3 })));
    assert_ok(snx_node_annotate(p, "xs", snx_double_array(2, (double[]){ 0.5, 1 })));
    assert_int_equal(snx_node_n_annotations(p), 8);
    assert_int_equal(snx_node_annotation(p, "order")->u.i, 0);
    assert_int_equal(snx_node_annotation(p, "flag")->u.b, 1);
    assert_true(snx_node_annotation(p, "weight")->u.d == 0.25);
    assert_true(snx_node_annotation(p, "z")->u.c.im == -1);
    assert_string_equal(snx_node_annotation(p, "who")->u.s, "peter, paul and mary");
    assert_close(snx_node_annotation(p, "dt")->u.d, 1e-4, 1e-18);
    assert_int_equal(snx_node_annotation(p, "ids")->u.a.len, 3);
    assert_int_equal(snx_node_annotation(p, "xs")->type, SNX_T_DOUBLE_ARRAY);
    /* Insertion order, sorted string. */
    const char *key;
    assert_non_null(snx_node_annotation_at(p, 0, &key));
    assert_string_equal(key, "order");
    assert_non_null(snx_node_annotation_at(p, 7, &key));
    assert_string_equal(key, "xs");
    assert_null(snx_node_annotation_at(p, 8, &key));
    char *s = snx_node_annotations_to_str(p);
    assert_string_equal(s, "dt=0.1 ms; flag=True; ids=[1, 2, 3]; order=0; weight=0.25; "
                           "who='peter, paul and mary'; xs=[0.5, 1]; z=(1-1j)");
    free(s);
    /* Replace, remove. */
    assert_ok(snx_node_annotate(p, "order", snx_int(2)));
    assert_int_equal(snx_node_annotation(p, "order")->u.i, 2);
    assert_int_equal(snx_node_n_annotations(p), 8);
    assert_ok(snx_node_remove_annotation(p, "who"));
    assert_null(snx_node_annotation(p, "who"));
    assert_int_equal(snx_errcode(), SNX_ENOTFOUND);
    assert_errmsg_contains("\"parameters.simulation.durations.init\" has no annotation \"who\"");
    assert_fails(snx_node_remove_annotation(p, "who"), SNX_ENOTFOUND, "no annotation \"who\"");
    assert_int_equal(snx_node_n_annotations(p), 7);
    /* Annotating does not lock or touch the parameter's value. */
    assert_false(snx_par_is_locked(p));
}

static void test_annotation_errors_and_nodes(void **state)
{
    snx_traj *t = *state;
    snx_node *root = snx_traj_root(t);
    snx_node *g = snx_traj_add_group(t, "results.g", NULL);
    snx_node *r = snx_traj_add_result(t, "g.r", snx_int(1), NULL);
    /* Every node takes annotations: the root, groups, results. */
    assert_ok(snx_node_annotate(root, "purpose", snx_str("test")));
    assert_ok(snx_node_annotate(g, "info", snx_str("a group")));
    assert_ok(snx_node_annotate(r, "n", snx_int(3)));
    assert_string_equal(snx_node_annotation(root, "purpose")->u.s, "test");
    char *s = snx_node_annotations_to_str(g);
    assert_string_equal(s, "info='a group'");
    free(s);
    s = snx_node_annotations_to_str(snx_traj_get(t, "parameters"));
    assert_string_equal(s, "");
    free(s);
    /* What cannot annotate. */
    assert_fails(snx_node_annotate(g, "n", snx_none()), SNX_ETYPE, "a none value cannot annotate");
    assert_fails(snx_node_annotate(g, "tab", snx_table_value(snx_table_new(1))), SNX_ETYPE,
                 "a table value cannot annotate");
    assert_fails(snx_node_annotate(g, "bad key", snx_int(1)), SNX_ENAME, "invalid character");
    assert_fails(snx_node_annotate(g, NULL, snx_str("consumed")), SNX_EINVAL, "NULL key");
    assert_fails(snx_node_annotate(g, "u", snx_quantity(1, "wombats")), SNX_ENOTFOUND,
                 "annotation \"u\" of \"results.g\"");
    assert_int_equal(snx_node_n_annotations(g), 1);
    /* Removing a node frees its annotations (valgrind checks). */
    assert_ok(snx_node_remove(g, SNX_REMOVE_RECURSIVE));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_result_named_after_itself, setup, teardown),
        cmocka_unit_test_setup_teardown(test_positional_items, setup, teardown),
        cmocka_unit_test_setup_teardown(test_item_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remove_take_empty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_results_in_other_places, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tables, setup, teardown),
        cmocka_unit_test_setup_teardown(test_annotations_every_type, setup, teardown),
        cmocka_unit_test_setup_teardown(test_annotation_errors_and_nodes, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
