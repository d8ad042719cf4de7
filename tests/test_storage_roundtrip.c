/* storage/: every kind of data survives a store and a load exactly: parameter types,
 * explored ranges, result items (tables included), comments, annotations, links,
 * config, derived parameters, groups outside the branches and run information. */
#include "storage_test.h"

#include <hdf5.h>

#define FILE_NAME "roundtrip.hdf5"

/* Same value, same type, and the same unit string (display unit included). */
static void assert_same_value(const snx_value *a, const snx_value *b)
{
    assert_int_equal(a->type, b->type);
    if (!snx_value_equal(a, b)) {
        char *x = snx_value_to_str(a, 0), *y = snx_value_to_str(b, 0);
        print_error("%s != %s\n", x, y);
        free(x);
        free(y);
        fail();
    }
    if (a->unit || b->unit) {
        assert_non_null(a->unit);
        assert_non_null(b->unit);
        assert_string_equal(a->unit, b->unit);
    }
    if (a->type == SNX_T_QUANTITY || a->type == SNX_T_DOUBLE || a->type == SNX_T_DOUBLE_ARRAY)
        assert_memory_equal(a->type == SNX_T_DOUBLE_ARRAY ? a->u.a.data : (const void *)&a->u.d,
                            b->type == SNX_T_DOUBLE_ARRAY ? b->u.a.data : (const void *)&b->u.d,
                            a->type == SNX_T_DOUBLE_ARRAY ? a->u.a.len * sizeof(double)
                                                          : sizeof(double));
}

/* One of each value a parameter can hold. */
static snx_value sample(int k)
{
    static const int64_t ints[6] = {1, -2, 3, INT64_MAX, INT64_MIN, 0};
    static const double dbl[4] = {0.1, -2.5e-300, 1e300, 3.0};
    size_t shape3[3] = {1, 2, 3}, shape2[2] = {2, 2}, zero = 0;
    snx_value v;
    switch (k) {
    case 0: return snx_bool(1);
    case 1: return snx_bool(0);
    case 2: return snx_int(INT64_MIN);
    case 3: return snx_double(0.1 + 0.2);
    case 4: return snx_double(NAN);
    case 5: return snx_complex(1.5, -2.25);
    case 6: return snx_str("grüße, 世界");
    case 7: return snx_str("");
    case 8: return snx_quantity(15, "ms");
    case 9: return snx_quantity(-70, "mV");
    case 10: return snx_int_array(6, ints);
    case 11: return snx_int_array_nd(3, shape3, ints);
    case 12: return snx_double_array_nd(2, shape2, dbl);
    case 13:
        v = snx_double_array(4, dbl);
        v.unit = snx_strdup("nA");
        return v;
    case 14: return snx_int_array(0, NULL);
    case 15: return snx_double_array(zero, NULL);
    default: return snx_none();
    }
}
#define N_SAMPLES 16

static void test_parameter_types(void **state)
{
    (void)state;
    snx_traj *t = st_new("types", FILE_NAME);
    char name[32];
    for (int k = 0; k < N_SAMPLES; k++) {
        snprintf(name, sizeof name, "p%d", k);
        assert_non_null(snx_traj_add_parameter(t, name, sample(k), k % 2 ? "odd" : NULL));
        snprintf(name, sizeof name, "c%d", k);
        assert_non_null(snx_traj_add_config(t, name, sample(k), NULL));
        snprintf(name, sizeof name, "d%d", k);
        assert_non_null(snx_traj_add_derived(t, name, sample(k), "derived"));
    }
    assert_ok(snx_traj_store(t, NULL));
    snx_traj_free(t);

    t = st_load(FILE_NAME, "types", SNX_LOAD_DATA, SNX_LOAD_DATA, SNX_LOAD_DATA);
    for (int k = 0; k < N_SAMPLES; k++) {
        snx_value want = sample(k);
        const char *prefixes[3] = {"parameters.p", "config.c", "derived_parameters.d"};
        for (int b = 0; b < 3; b++) {
            snprintf(name, sizeof name, "%s%d", prefixes[b], k);
            snx_node *p = st_get(t, name);
            assert_same_value(snx_par_peek(p), &want);
        }
        snprintf(name, sizeof name, "parameters.p%d", k);
        assert_string_equal(snx_node_comment(st_get(t, name)), k % 2 ? "odd" : "");
        assert_true(snx_par_is_locked(st_get(t, name))); /* loaded parameters are locked */
        snx_value_clear(&want);
    }
    assert_string_equal(snx_node_comment(st_get(t, "derived_parameters.d3")), "derived");
    snx_traj_free(t);
}

static void test_explored_ranges(void **state)
{
    (void)state;
    snx_traj *t = st_new("ranges", FILE_NAME);
    /* Each parameter explored over three values of its kind. */
    static const int kinds[][3] = {{0, 1, 0}, {2, 2, 2}, {3, 4, 3}, {5, 5, 5}, {6, 7, 6},
                                   {8, 8, 8}, {10, 10, 10}, {13, 13, 13}};
    size_t n_pars = sizeof kinds / sizeof *kinds;
    snx_ranges *r = snx_ranges_new();
    char name[32];
    for (size_t p = 0; p < n_pars; p++) {
        snprintf(name, sizeof name, "r%zu", p);
        assert_non_null(snx_traj_add_parameter(t, name, sample(kinds[p][0]), NULL));
        snx_value vals[3] = {sample(kinds[p][0]), sample(kinds[p][1]), sample(kinds[p][2])};
        assert_ok(snx_ranges_add(r, name, vals, 3));
    }
    /* Quantities given in different units keep them. */
    assert_non_null(snx_traj_add_parameter(t, "tau", snx_quantity(10, "ms"), NULL));
    snx_value taus[3] = {snx_quantity(5, "ms"), snx_quantity(1, "s"), snx_quantity(20, "ms")};
    assert_ok(snx_ranges_add(r, "tau", taus, 3));
    assert_ok(snx_traj_explore(t, r));
    snx_ranges_free(r);
    assert_ok(snx_traj_store(t, NULL));

    snx_traj *u = st_load(FILE_NAME, NULL, SNX_LOAD_DATA, SNX_LOAD_NOTHING, SNX_LOAD_NOTHING);
    assert_int_equal(snx_traj_n_runs(u), 3);
    assert_int_equal(snx_traj_n_explored(u), n_pars + 1);
    for (size_t p = 0; p <= n_pars; p++) {
        snx_node *a = snx_traj_explored(t, p);
        snx_node *b = st_get(u, snx_node_full_name(a));
        assert_true(snx_par_is_explored(b));
        assert_int_equal(snx_par_range_length(b), 3);
        for (size_t k = 0; k < 3; k++)
            assert_same_value(snx_par_range_at(b, k), snx_par_range_at(a, k));
        assert_same_value(snx_par_peek(b), snx_par_peek(a));
    }
    assert_string_equal(snx_par_range_at(st_get(u, "tau"), 1)->unit, "s");
    snx_traj_free(u);
    snx_traj_free(t);
}

static snx_table *sample_table(size_t rows)
{
    snx_table *tb = snx_table_new(rows);
    int64_t ids[3] = {7, 8, 9};
    double xs[3] = {0.5, -1.25, 1e-9};
    bool ok[3] = {true, false, true};
    const char *names[3] = {"alpha", "", "γ"};
    assert_ok(snx_table_add_int(tb, "id", ids));
    assert_ok(snx_table_add_double(tb, "x", xs));
    assert_ok(snx_table_add_bool(tb, "ok", ok));
    assert_ok(snx_table_add_string(tb, "label", names));
    return tb;
}

static void test_result_items(void **state)
{
    (void)state;
    snx_traj *t = st_new("results", FILE_NAME);
    snx_node *res = snx_traj_add_result(t, "analysis.everything", snx_none(), "all kinds");
    assert_non_null(res);
    char item[32];
    for (int k = 0; k < N_SAMPLES; k++) {
        snprintf(item, sizeof item, "item%d", k);
        assert_ok(snx_result_set(res, item, sample(k)));
    }
    assert_ok(snx_result_set(res, "table", snx_table_value(sample_table(3))));
    assert_ok(snx_result_set(res, "empty_table", snx_table_value(sample_table(0))));
    /* Positional items: the first is named like the result. */
    snx_node *pos = snx_traj_add_result(t, "positional", snx_int(1), NULL);
    assert_ok(snx_result_add(pos, snx_int(2)));
    assert_ok(snx_result_add(pos, snx_str("three")));
    assert_ok(snx_traj_store(t, NULL));
    snx_traj_free(t);

    t = st_load(FILE_NAME, NULL, SNX_LOAD_DATA, SNX_LOAD_DATA, SNX_LOAD_DATA);
    res = st_get(t, "results.analysis.everything");
    assert_string_equal(snx_node_comment(res), "all kinds");
    assert_int_equal(snx_result_n_items(res), N_SAMPLES + 2);
    for (int k = 0; k < N_SAMPLES; k++) {
        snprintf(item, sizeof item, "item%d", k);
        snx_value want = sample(k);
        const char *got_name;
        assert_same_value(snx_result_item_at(res, (size_t)k, &got_name), &want);
        assert_string_equal(got_name, item); /* items keep their order */
        snx_value_clear(&want);
    }
    snx_table *tb = sample_table(3);
    assert_true(snx_table_equal(snx_result_get(res, "table")->u.t, tb));
    assert_string_equal(snx_table_col_name(snx_result_get(res, "table")->u.t, 3), "label");
    snx_table_free(tb);
    assert_int_equal(snx_table_rows(snx_result_get(res, "empty_table")->u.t), 0);
    assert_int_equal(snx_table_cols(snx_result_get(res, "empty_table")->u.t), 4);
    pos = st_get(t, "results.positional");
    assert_int_equal(snx_result_get_pos(pos, 1)->u.i, 2);
    assert_string_equal(snx_result_get_pos(pos, 2)->u.s, "three");
    snx_traj_free(t);
}

static void annotate_all(snx_node *n)
{
    assert_ok(snx_node_annotate(n, "order", snx_int(3)));
    assert_ok(snx_node_annotate(n, "label", snx_str("fast synapses")));
    assert_ok(snx_node_annotate(n, "flag", snx_bool(1)));
    assert_ok(snx_node_annotate(n, "weight", snx_double(0.25)));
    assert_ok(snx_node_annotate(n, "phase", snx_complex(0, 1)));
    assert_ok(snx_node_annotate(n, "delay", snx_quantity(1.5, "ms")));
    int64_t ids[3] = {4, 5, 6};
    assert_ok(snx_node_annotate(n, "ids", snx_int_array(3, ids)));
    snx_value w = snx_double_array(3, (double[]){1, 2, 3});
    w.unit = snx_strdup("mV");
    assert_ok(snx_node_annotate(n, "levels", w));
}

static void assert_annotations_equal(const snx_node *a, const snx_node *b)
{
    assert_int_equal(snx_node_n_annotations(a), snx_node_n_annotations(b));
    for (size_t i = 0; i < snx_node_n_annotations(a); i++) {
        const char *ka, *kb;
        const snx_value *va = snx_node_annotation_at(a, i, &ka);
        const snx_value *vb = snx_node_annotation_at(b, i, &kb);
        assert_string_equal(ka, kb); /* insertion order is kept */
        assert_same_value(va, vb);
    }
}

static void test_comments_and_annotations(void **state)
{
    (void)state;
    snx_traj *t = snx_traj_new("meta", &(snx_traj_opts){.comment = "the trajectory's comment"});
    snx_hdf5_opts o = { 0 };
    o.overwrite_file = 1;
    assert_ok(snx_hdf5_attach(t, FILE_NAME, &o));
    snx_node *g = snx_traj_add_group(t, "parameters.neuron", "the neuron");
    snx_node *p = snx_traj_add_parameter(t, "neuron.tau", snx_quantity(10, "ms"), "membrane");
    snx_node *r = snx_traj_add_result(t, "rates", snx_double(4), "firing rates");
    annotate_all(g);
    annotate_all(p);
    annotate_all(r);
    annotate_all(snx_traj_root(t));
    assert_ok(snx_traj_store(t, NULL));

    /* Skeletons carry comments and annotations too. */
    snx_traj *u = st_load(FILE_NAME, NULL, SNX_LOAD_SKELETON, SNX_LOAD_SKELETON,
                          SNX_LOAD_SKELETON);
    const char *names[3] = {"parameters.neuron", "parameters.neuron.tau", "results.rates"};
    for (int i = 0; i < 3; i++) {
        snx_node *a = st_get(t, names[i]), *b = st_get(u, names[i]);
        assert_string_equal(snx_node_comment(a), snx_node_comment(b));
        assert_annotations_equal(a, b);
    }
    assert_true(snx_leaf_is_empty(st_get(u, "parameters.neuron.tau")));
    assert_string_equal(snx_node_comment(snx_traj_root(u)), "the trajectory's comment");
    assert_annotations_equal(snx_traj_root(t), snx_traj_root(u));
    assert_close(snx_traj_timestamp(u), snx_traj_timestamp(t), 1e-6);
    snx_traj_free(u);
    snx_traj_free(t);
}

static snx_node *link_of(snx_node *group, const char *name)
{
    for (size_t i = 0; i < snx_node_n_links(group); i++) {
        const char *n;
        snx_node *target = snx_node_link(group, i, &n);
        if (strcmp(n, name) == 0)
            return target;
    }
    return NULL;
}

static void test_links(void **state)
{
    (void)state;
    snx_traj *t = st_new("links", FILE_NAME);
    snx_node *x = snx_traj_add_parameter(t, "x", snx_int(1), NULL);
    snx_node *res = snx_traj_add_result(t, "deep.down.z", snx_int(9), NULL);
    assert_ok(snx_traj_add_link(t, "mylink1", x));
    assert_ok(snx_traj_add_link(t, "parameters.mynewgroup.mylink2", x));
    assert_ok(snx_traj_add_link(t, "parameters.to_result", res));
    assert_ok(snx_traj_add_link(t, "parameters.to_group", st_get(t, "results.deep")));
    assert_ok(snx_traj_store(t, NULL));
    snx_traj_free(t);

    /* Results are not loaded, but what the links point at is. */
    t = st_load(FILE_NAME, NULL, SNX_LOAD_DATA, SNX_LOAD_NOTHING, SNX_LOAD_NOTHING);
    snx_node *root = snx_traj_root(t);
    assert_ptr_equal(link_of(root, "mylink1"), st_get(t, "parameters.x"));
    assert_ptr_equal(link_of(st_get(t, "parameters.mynewgroup"), "mylink2"),
                     st_get(t, "parameters.x"));
    snx_node *z = link_of(st_get(t, "parameters"), "to_result");
    assert_non_null(z);
    assert_string_equal(snx_node_full_name(z), "results.deep.down.z");
    assert_int_equal(snx_result_get(z, "z")->u.i, 9);
    snx_node *deep = link_of(st_get(t, "parameters"), "to_group");
    assert_non_null(deep);
    assert_string_equal(snx_node_full_name(deep), "results.deep");
    /* Through a link, lookups work as for the node itself. */
    assert_int_equal(snx_traj_int(t, "mylink1"), 1);
    snx_traj_free(t);
}

static void test_groups_outside_the_branches(void **state)
{
    (void)state;
    snx_traj *t = st_new("other", FILE_NAME);
    snx_node *g = snx_traj_add_group(t, "extras.notes", "kept outside the branches");
    assert_non_null(g);
    assert_ok(snx_node_annotate(g, "author", snx_str("me")));
    assert_ok(snx_traj_store(t, NULL));
    snx_traj_free(t);
    t = st_load(FILE_NAME, NULL, SNX_LOAD_DATA, SNX_LOAD_DATA, SNX_LOAD_SKELETON);
    g = st_get(t, "extras.notes");
    assert_string_equal(snx_node_comment(g), "kept outside the branches");
    assert_string_equal(snx_node_annotation(g, "author")->u.s, "me");
    snx_traj_free(t);
}

static void test_run_information(void **state)
{
    (void)state;
    snx_traj *t = st_new("info", FILE_NAME);
    st_explore_xy(t, 2, 2);
    snx_run_info info = {.completed = 1,
                         .timestamp = 1700000000.25,
                         .finish_timestamp = 1700000001.5,
                         .runtime = 1.25,
                         .seed = UINT64_MAX - 5,
                         .parameter_summary = "x=1, y=2",
                         .env_hexsha = "abc1234",
                         .error = "it failed"};
    assert_ok(snx_traj_set_run_info(t, 1, &info));
    assert_ok(snx_traj_store(t, NULL));
    snx_traj_free(t);
    t = st_load(FILE_NAME, NULL, SNX_LOAD_DATA, SNX_LOAD_NOTHING, SNX_LOAD_NOTHING);
    snx_run_info got;
    assert_ok(snx_traj_run_info(t, 1, &got));
    assert_true(got.completed);
    assert_true(got.timestamp == info.timestamp && got.runtime == info.runtime);
    assert_true(got.finish_timestamp == info.finish_timestamp);
    assert_true(got.seed == info.seed);
    assert_string_equal(got.parameter_summary, "x=1, y=2");
    assert_string_equal(got.env_hexsha, "abc1234");
    assert_string_equal(got.error, "it failed");
    assert_ok(snx_traj_run_info(t, 0, &got));
    assert_false(got.completed);
    assert_null(got.error);
    assert_string_equal(got.parameter_summary, "x=1, y=1"); /* derived when not given */
    snx_traj_free(t);
}

/* The filters of dataset `path` of FILE_NAME: deflate level (-1 if none), shuffle,
 * fletcher32, and whether it is chunked. */
static void filters_of(const char *path, int *level, int *shuffle, int *fletcher, int *chunked)
{
    hid_t f = H5Fopen(FILE_NAME, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t ds = H5Dopen2(f, path, H5P_DEFAULT);
    assert_true(ds >= 0);
    hid_t dcpl = H5Dget_create_plist(ds);
    *level = -1;
    *shuffle = *fletcher = 0;
    *chunked = H5Pget_layout(dcpl) == H5D_CHUNKED;
    for (int i = 0; i < H5Pget_nfilters(dcpl); i++) {
        unsigned flags, cd[4];
        size_t n = 4;
        H5Z_filter_t id = H5Pget_filter2(dcpl, (unsigned)i, &flags, &n, cd, 0, NULL, NULL);
        if (id == H5Z_FILTER_DEFLATE)
            *level = (int)cd[0];
        *shuffle |= id == H5Z_FILTER_SHUFFLE;
        *fletcher |= id == H5Z_FILTER_FLETCHER32;
    }
    H5Pclose(dcpl);
    H5Dclose(ds);
    H5Fclose(f);
}

static void test_compression_settings(void **state)
{
    (void)state;
    double big[5000];
    for (int i = 0; i < 5000; i++)
        big[i] = i * 0.25;
    snx_hdf5_opts o = { 0 };
    o.overwrite_file = 1;
    o.complevel = 9;
    o.no_shuffle = true; /* checksums by default */
    o.durable = 1; /* fsync at every commit: the same file */
    snx_traj *t = snx_traj_new("filters", NULL);
    assert_ok(snx_hdf5_attach(t, FILE_NAME, &o));
    assert_non_null(snx_traj_add_result(t, "big", snx_double_array(5000, big), NULL));
    assert_non_null(snx_traj_add_result(t, "small", snx_double_array(10, big), NULL));
    assert_ok(snx_traj_store(t, NULL));
    snx_traj_free(t);
    int level, shuffle, fletcher, chunked;
    filters_of("/filters/results/big/big", &level, &shuffle, &fletcher, &chunked);
    assert_true(chunked && level == 9 && !shuffle && fletcher);
    filters_of("/filters/results/small/small", &level, &shuffle, &fletcher, &chunked);
    assert_false(chunked); /* small data lives in the object header */

    /* A loaded trajectory keeps storing with the file's settings. */
    t = st_load(FILE_NAME, NULL, SNX_LOAD_DATA, SNX_LOAD_DATA, SNX_LOAD_DATA);
    assert_memory_equal(st_val(t, "results.big", NULL)->u.a.data, big, sizeof big);
    assert_non_null(snx_traj_add_result(t, "more", snx_double_array(5000, big), NULL));
    assert_ok(snx_traj_store(t, NULL));
    snx_traj_free(t);
    filters_of("/filters/results/more/more", &level, &shuffle, &fletcher, &chunked);
    assert_true(chunked && level == 9 && !shuffle && fletcher);

    /* No compression and no checksum: plain contiguous data. */
    o.complevel = -1;
    o.no_fletcher32 = true;
    t = snx_traj_new("plain", NULL);
    assert_ok(snx_hdf5_attach(t, FILE_NAME, &o));
    assert_non_null(snx_traj_add_result(t, "big", snx_double_array(5000, big), NULL));
    assert_ok(snx_traj_store(t, NULL));
    snx_traj_free(t);
    filters_of("/plain/results/big/big", &level, &shuffle, &fletcher, &chunked);
    assert_true(!chunked && level == -1 && !fletcher);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parameter_types),
        cmocka_unit_test(test_explored_ranges),
        cmocka_unit_test(test_result_items),
        cmocka_unit_test(test_comments_and_annotations),
        cmocka_unit_test(test_links),
        cmocka_unit_test(test_groups_outside_the_branches),
        cmocka_unit_test(test_run_information),
        cmocka_unit_test(test_compression_settings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
