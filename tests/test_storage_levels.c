/* storage/: what gets stored and loaded when: load levels per branch, partial loads
 * of named items, auto-loading, store levels, storing single items then emptying
 * them, deleting from the file, loading as new, and several trajectories per file. */
#include "storage_test.h"

#define FILE_NAME "levels.hdf5"

/* A trajectory with a parameter, a derived parameter, two results (one with three
 * items) and a group outside the branches, stored. */
static snx_traj *stored_example(void)
{
    snx_traj *t = st_new("example", FILE_NAME);
    assert_non_null(snx_traj_add_parameter(t, "x", snx_int(3), "x"));
    assert_non_null(snx_traj_add_derived(t, "twice_x", snx_int(6), "2x"));
    snx_node *big = snx_traj_add_result(t, "big", snx_none(), "three items");
    assert_ok(snx_result_set(big, "a", snx_int(1)));
    assert_ok(snx_result_set(big, "b", snx_double_array(3, (double[]){1, 2, 3})));
    assert_ok(snx_result_set(big, "c", snx_str("see")));
    assert_non_null(snx_traj_add_result(t, "group.small", snx_double(0.5), NULL));
    assert_ok(snx_traj_store(t, NULL));
    return t;
}

static snx_traj *load_with(snx_load_level par, snx_load_level derived, snx_load_level results)
{
    return st_load(FILE_NAME, NULL, par, derived, results);
}

static void test_load_levels_per_branch(void **state)
{
    (void)state;
    snx_traj_free(stored_example());

    snx_traj *t = load_with(SNX_LOAD_NOTHING, SNX_LOAD_SKELETON, SNX_LOAD_DATA);
    assert_false(snx_traj_contains(t, "parameters.x"));
    assert_true(snx_leaf_is_empty(st_get(t, "derived_parameters.twice_x")));
    assert_string_equal(snx_node_comment(st_get(t, "derived_parameters.twice_x")), "2x");
    assert_int_equal(snx_result_get(st_get(t, "results.big"), "a")->u.i, 1);
    snx_traj_free(t);

    t = load_with(SNX_LOAD_SKELETON, SNX_LOAD_NOTHING, SNX_LOAD_SKELETON);
    assert_true(snx_par_is_empty(st_get(t, "parameters.x")));
    assert_false(snx_traj_contains(t, "derived_parameters.twice_x"));
    assert_true(snx_result_is_empty(st_get(t, "results.big")));
    assert_string_equal(snx_node_comment(st_get(t, "results.big")), "three items");
    /* Loading again at level DATA fills the skeleton. */
    snx_load_opts o = snx_load_defaults();
    o.parameters = o.results = SNX_LOAD_DATA;
    assert_ok(snx_traj_load(t, &o));
    assert_int_equal(snx_par_peek(st_get(t, "parameters.x"))->u.i, 3);
    assert_int_equal(snx_result_n_items(st_get(t, "results.big")), 3);
    snx_traj_free(t);
}

static void test_load_data_keeps_memory_and_overwrite_replaces(void **state)
{
    (void)state;
    snx_traj_free(stored_example());
    snx_traj *t = load_with(SNX_LOAD_DATA, SNX_LOAD_DATA, SNX_LOAD_DATA);
    snx_node *small = st_get(t, "results.group.small");
    assert_ok(snx_result_set(small, "small", snx_double(99)));
    snx_load_opts o = snx_load_defaults();
    o.results = SNX_LOAD_DATA;
    assert_ok(snx_traj_load(t, &o));
    assert_close(snx_result_get(small, "small")->u.d, 99, 0); /* kept */
    o.results = SNX_LOAD_OVERWRITE;
    assert_ok(snx_traj_load(t, &o));
    assert_close(snx_result_get(small, "small")->u.d, 0.5, 0); /* replaced */
    snx_traj_free(t);
}

static void test_partial_loads(void **state)
{
    (void)state;
    snx_traj_free(stored_example());
    snx_traj *t = load_with(SNX_LOAD_DATA, SNX_LOAD_NOTHING, SNX_LOAD_SKELETON);
    snx_node *big = st_get(t, "results.big");
    const char *only[] = {"c", "a", NULL};
    assert_ok(snx_traj_load_node(t, big, &(snx_item_opts){.level = SNX_LOAD_DATA,
                                                          .load_only = only}));
    assert_int_equal(snx_result_n_items(big), 2);
    assert_string_equal(snx_result_get(big, "c")->u.s, "see");
    assert_null(snx_result_get(big, "b"));
    snx_result_empty(big);
    const char *except[] = {"a", NULL};
    assert_ok(snx_traj_load_node(t, big, &(snx_item_opts){.level = SNX_LOAD_DATA,
                                                          .load_except = except}));
    assert_int_equal(snx_result_n_items(big), 2);
    assert_non_null(snx_result_get(big, "b"));
    assert_null(snx_result_get(big, "a"));
    /* Both at once is refused by the trajectory. */
    assert_fails(snx_traj_load_node(t, big, &(snx_item_opts){.level = SNX_LOAD_DATA,
                                                             .load_only = only,
                                                             .load_except = except}),
                 SNX_EINVAL, "exclude");
    /* Loading a node that is not in the file. */
    snx_node *extra = snx_traj_add_result(t, "not_stored", snx_int(1), NULL);
    assert_fails(snx_traj_load_node(t, extra, NULL), SNX_ENODATA, "not_stored");
    snx_traj_free(t);
}

static void test_load_node_of_groups(void **state)
{
    (void)state;
    snx_traj_free(stored_example());
    snx_traj *t = load_with(SNX_LOAD_DATA, SNX_LOAD_NOTHING, SNX_LOAD_SKELETON);
    snx_node *results = st_get(t, "results");
    assert_ok(snx_traj_load_node(t, results, &(snx_item_opts){.level = SNX_LOAD_DATA,
                                                              .recursive = 1}));
    assert_close(snx_result_get(st_get(t, "results.group.small"), "small")->u.d, 0.5, 0);
    assert_int_equal(snx_result_n_items(st_get(t, "results.big")), 3);
    snx_traj_free(t);
}

static void test_auto_load(void **state)
{
    (void)state;
    snx_traj_free(stored_example());
    snx_traj *t = load_with(SNX_LOAD_DATA, SNX_LOAD_NOTHING, SNX_LOAD_NOTHING);
    snx_traj_set_auto_load(t, 1);
    /* Missing nodes load on access (full names, no shortcuts)... */
    snx_node *small = snx_traj_get(t, "results.group.small");
    assert_non_null(small);
    assert_close(snx_result_get(small, "small")->u.d, 0.5, 0);
    assert_int_equal(snx_traj_int(t, "derived_parameters.twice_x"), 6);
    /* ...and empty leaves fill up, shortcuts allowed. */
    snx_result_empty(small);
    assert_close(snx_traj_double(t, "small"), 0.5, 0);
    assert_ok(snx_node_remove(st_get(t, "results"), SNX_REMOVE_RECURSIVE));
    assert_int_equal(snx_result_n_items(snx_traj_get(t, "results.big")), 3);
    /* A name that is nowhere. */
    assert_null(snx_traj_get(t, "results.nothing_here"));
    assert_int_equal(snx_errcode(), SNX_ENODATA);
    snx_traj_free(t);
}

static void test_store_levels(void **state)
{
    (void)state;
    snx_traj *t = stored_example();
    snx_node *big = st_get(t, "results.big");
    /* DATA adds new items to a stored leaf, leaving stored items alone. */
    assert_ok(snx_result_set(big, "a", snx_int(100)));
    assert_ok(snx_result_set(big, "d", snx_int(4)));
    assert_ok(snx_traj_store_node(t, big, NULL));
    snx_traj *u = load_with(SNX_LOAD_NOTHING, SNX_LOAD_NOTHING, SNX_LOAD_DATA);
    snx_node *ub = st_get(u, "results.big");
    assert_int_equal(snx_result_get(ub, "a")->u.i, 1);
    assert_int_equal(snx_result_get(ub, "d")->u.i, 4);
    snx_traj_free(u);
    /* Named items are replaced on request. */
    const char *items[] = {"a", NULL};
    assert_ok(snx_traj_store_node(t, big, &(snx_store_opts){.level = SNX_STORE_DATA,
                                                            .overwrite_items = items}));
    u = load_with(SNX_LOAD_NOTHING, SNX_LOAD_NOTHING, SNX_LOAD_DATA);
    assert_int_equal(snx_result_get(st_get(u, "results.big"), "a")->u.i, 100);
    snx_traj_free(u);
    /* OVERWRITE replaces the whole leaf: items gone from memory go from the file. */
    assert_ok(snx_result_remove(big, "b"));
    assert_ok(snx_node_set_comment(big, "rewritten"));
    assert_ok(snx_traj_store_node(t, big, &(snx_store_opts){.level = SNX_STORE_OVERWRITE}));
    u = load_with(SNX_LOAD_NOTHING, SNX_LOAD_NOTHING, SNX_LOAD_DATA);
    ub = st_get(u, "results.big");
    assert_null(snx_result_get(ub, "b"));
    assert_string_equal(snx_node_comment(ub), "rewritten");
    snx_traj_free(u);
    /* SKIP leaves stored nodes alone but stores new ones; NOTHING stores nothing. */
    assert_ok(snx_result_set(big, "e", snx_int(5)));
    assert_non_null(snx_traj_add_result(t, "later", snx_int(7), NULL));
    assert_ok(snx_traj_store(t, &(snx_store_opts){.level = SNX_STORE_NOTHING, .recursive = 1}));
    assert_ok(snx_traj_store(t, &(snx_store_opts){.level = SNX_STORE_SKIP, .recursive = 1}));
    u = load_with(SNX_LOAD_NOTHING, SNX_LOAD_NOTHING, SNX_LOAD_DATA);
    assert_null(snx_result_get(st_get(u, "results.big"), "e"));
    assert_int_equal(snx_result_get(st_get(u, "results.later"), "later")->u.i, 7);
    snx_traj_free(u);
    snx_traj_free(t);
}

static void test_store_then_empty(void **state)
{
    (void)state;
    snx_traj *t = stored_example();
    snx_node *huge = snx_traj_add_result(t, "huge", snx_none(), NULL);
    double *m = calloc(100000, sizeof *m);
    for (int i = 0; i < 100000; i++)
        m[i] = i * 0.5;
    assert_ok(snx_result_set(huge, "m", snx_double_array(100000, m)));
    assert_ok(snx_traj_store_node(t, huge, NULL));
    snx_result_empty(huge); /* the memory is free, the file keeps it */
    assert_true(snx_result_is_empty(huge));
    assert_ok(snx_traj_load_node(t, huge, NULL));
    const snx_value *v = snx_result_get(huge, "m");
    assert_non_null(v);
    assert_memory_equal(v->u.a.data, m, 100000 * sizeof *m);
    free(m);
    snx_traj_free(t);
}

static void test_delete(void **state)
{
    (void)state;
    snx_traj *t = stored_example();
    snx_node *big = st_get(t, "results.big");
    const char *only[] = {"b", NULL};
    assert_ok(snx_traj_delete_node(t, big, only, SNX_REMOVE_NODE));
    assert_non_null(snx_result_get(big, "b")); /* memory is untouched */
    assert_ok(snx_traj_delete_node(t, st_get(t, "derived_parameters.twice_x"), NULL, SNX_REMOVE_NODE));
    assert_fails(snx_traj_delete_node(t, st_get(t, "results.group"), NULL, SNX_REMOVE_NODE), SNX_ETYPE,
                 "children");
    assert_ok(snx_traj_delete_node(t, st_get(t, "results.group"), NULL, SNX_REMOVE_RECURSIVE));
    assert_fails(snx_traj_delete_node(t, st_get(t, "results.group"), NULL, SNX_REMOVE_RECURSIVE), SNX_ENODATA,
                 "not in");
    snx_traj *u = load_with(SNX_LOAD_DATA, SNX_LOAD_DATA, SNX_LOAD_DATA);
    assert_null(snx_result_get(st_get(u, "results.big"), "b"));
    assert_non_null(snx_result_get(st_get(u, "results.big"), "a"));
    assert_false(snx_traj_contains(u, "derived_parameters.twice_x"));
    assert_false(snx_traj_contains(u, "results.group"));
    snx_traj_free(u);
    /* A deleted node can be stored again. */
    assert_ok(snx_traj_store(t, NULL));
    u = load_with(SNX_LOAD_DATA, SNX_LOAD_DATA, SNX_LOAD_DATA);
    assert_close(snx_result_get(st_get(u, "results.group.small"), "small")->u.d, 0.5, 0);
    snx_traj_free(u);
    snx_traj_free(t);
}

static void test_load_as_new(void **state)
{
    (void)state;
    snx_traj_free(stored_example());
    snx_traj *t = snx_traj_new("rerun", NULL);
    assert_ok(snx_hdf5_attach(t, FILE_NAME, NULL));
    snx_load_opts o = snx_load_defaults();
    o.name = "example";
    o.as_new = 1;
    assert_ok(snx_traj_load(t, &o));
    assert_string_equal(snx_traj_name(t), "rerun");
    assert_false(snx_par_is_locked(st_get(t, "parameters.x")));
    assert_false(snx_traj_contains(t, "results.big"));
    assert_false(snx_traj_contains(t, "derived_parameters.twice_x"));
    /* Stored, it becomes a second trajectory of the file. */
    assert_ok(snx_traj_store(t, NULL));
    char **names;
    long n = snx_hdf5_list(FILE_NAME, &names);
    assert_int_equal(n, 2);
    assert_string_equal(names[0], "example");
    assert_string_equal(names[1], "rerun");
    snx_hdf5_names_free(names, n);
    snx_traj_free(t);
}

static void test_several_trajectories_per_file(void **state)
{
    (void)state;
    snx_traj *a = st_new("first", FILE_NAME);
    assert_non_null(snx_traj_add_parameter(a, "v", snx_int(1), NULL));
    assert_ok(snx_traj_store(a, NULL));
    /* Without overwrite_file, the next trajectories are added to the file. */
    const char *more[] = {"second", "third"};
    for (int i = 0; i < 2; i++) {
        snx_traj *b = snx_traj_new(more[i], NULL);
        assert_ok(snx_hdf5_attach(b, FILE_NAME, NULL));
        assert_non_null(snx_traj_add_parameter(b, "v", snx_int(i + 2), NULL));
        assert_ok(snx_traj_store(b, NULL));
        snx_traj_free(b);
    }
    snx_traj_free(a);
    const long index[] = {0, 1, 2, -1, -2, -3};
    const int want[] = {1, 2, 3, 3, 2, 1};
    for (int i = 0; i < 6; i++) {
        snx_load_opts o = snx_load_defaults();
        o.index = index[i];
        snx_traj *t = snx_hdf5_load(FILE_NAME, &o);
        assert_non_null(t);
        assert_int_equal(snx_traj_int(t, "v"), want[i]);
        snx_traj_free(t);
    }
    snx_traj *t = st_load(FILE_NAME, "second", SNX_LOAD_DATA, 0, 0);
    assert_string_equal(snx_traj_name(t), "second");
    snx_traj_free(t);
    /* overwrite_file starts the file afresh. */
    t = st_new("only", FILE_NAME);
    assert_ok(snx_traj_store(t, NULL));
    snx_traj_free(t);
    char **names;
    long n = snx_hdf5_list(FILE_NAME, &names);
    assert_int_equal(n, 1);
    assert_string_equal(names[0], "only");
    snx_hdf5_names_free(names, n);
}

static void test_default_file_name_and_folders(void **state)
{
    (void)state;
    remove("hdf5/named.hdf5");
    remove("deeper/folder/named.hdf5");
    snx_traj *t = snx_traj_new("named", NULL);
    assert_ok(snx_hdf5_attach(t, NULL, NULL));
    assert_string_equal(snx_hdf5_filename(t), "hdf5/named.hdf5");
    assert_ok(snx_traj_store(t, NULL));
    assert_true(st_file_exists("hdf5/named.hdf5"));
    assert_ok(snx_hdf5_attach(t, "deeper/folder/", NULL));
    assert_string_equal(snx_hdf5_filename(t), "deeper/folder/named.hdf5");
    assert_ok(snx_traj_store(t, NULL));
    assert_true(st_file_exists("deeper/folder/named.hdf5"));
    snx_traj_free(t);
}

static void test_keep_open(void **state)
{
    (void)state;
    snx_traj *t = snx_traj_new("kept", NULL);
    snx_hdf5_opts o = { 0 };
    o.overwrite_file = o.keep_open = 1;
    assert_ok(snx_hdf5_attach(t, FILE_NAME, &o));
    for (int i = 0; i < 20; i++) {
        char name[16];
        snprintf(name, sizeof name, "r%d", i);
        assert_non_null(snx_traj_add_result(t, name, snx_int(i), NULL));
        assert_ok(snx_traj_store(t, NULL));
    }
    /* Committed while open: a reader sees everything. */
    snx_traj *u = load_with(SNX_LOAD_DATA, SNX_LOAD_DATA, SNX_LOAD_DATA);
    assert_int_equal(snx_result_get(st_get(u, "results.r19"), "r19")->u.i, 19);
    snx_traj_free(u);
    assert_ok(snx_hdf5_close(t));
    snx_traj_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_levels_per_branch),
        cmocka_unit_test(test_load_data_keeps_memory_and_overwrite_replaces),
        cmocka_unit_test(test_partial_loads),
        cmocka_unit_test(test_load_node_of_groups),
        cmocka_unit_test(test_auto_load),
        cmocka_unit_test(test_store_levels),
        cmocka_unit_test(test_store_then_empty),
        cmocka_unit_test(test_delete),
        cmocka_unit_test(test_load_as_new),
        cmocka_unit_test(test_several_trajectories_per_file),
        cmocka_unit_test(test_default_file_name_and_folders),
        cmocka_unit_test(test_keep_open),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
