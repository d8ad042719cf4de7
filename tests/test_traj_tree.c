/* explore/: the trajectory tree — names and their validation, adding with dotted
 * names, node properties, children, iteration, to_map, removal, links, comments. */
#include "snx_test.h"

static int setup(void **state)
{
    *state = snx_traj_new("tree", NULL);
    return *state ? 0 : -1;
}

static int teardown(void **state)
{
    snx_traj_free(*state);
    return 0;
}

/* ---- the trajectory itself ------------------------------------------------- */

static void test_new_has_four_branches(void **state)
{
    snx_traj *t = *state;
    snx_node *root = snx_traj_root(t);
    assert_string_equal(snx_traj_name(t), "tree");
    assert_string_equal(snx_node_name(root), "tree");
    assert_string_equal(snx_node_full_name(root), "");
    assert_true(snx_node_is_root(root));
    assert_int_equal(snx_node_depth(root), 0);
    assert_int_equal(snx_node_branch(root), SNX_BRANCH_NONE);
    assert_int_equal(snx_node_n_children(root), 4);
    const char *names[] = { "config", "parameters", "derived_parameters", "results" };
    const snx_branch branches[] = { SNX_BRANCH_CONFIG, SNX_BRANCH_PARAMETERS,
                                    SNX_BRANCH_DERIVED, SNX_BRANCH_RESULTS };
    for (size_t k = 0; k < 4; k++) {
        snx_node *b = snx_node_child(root, k);
        assert_string_equal(snx_node_name(b), names[k]);
        assert_string_equal(snx_node_full_name(b), names[k]);
        assert_int_equal(snx_node_branch(b), branches[k]);
        assert_int_equal(snx_node_depth(b), 1);
        assert_ptr_equal(snx_node_parent(b), root);
        assert_int_equal(snx_node_kind_of(b), SNX_NODE_GROUP);
    }
    assert_null(snx_node_child(root, 4));
    assert_int_equal(snx_traj_n_nodes(t), 4);
    assert_true(snx_traj_is_empty(t));
    assert_int_equal(snx_traj_n_runs(t), 1);
}

static void test_new_with_time_and_comment(void **state)
{
    (void)state;
    snx_traj *t = snx_traj_new("exp", &(snx_traj_opts){ .add_time = 1, .comment = "hello" });
    assert_non_null(t);
    /* exp_YYYY_MM_DD_HHhMMmSSs */
    const char *name = snx_traj_name(t);
    assert_int_equal(strlen(name), strlen("exp_2015_10_21_04h23m00s"));
    assert_memory_equal(name, "exp_", 4);
    assert_int_equal(name[14], '_');
    assert_int_equal(name[17], 'h');
    assert_int_equal(name[20], 'm');
    assert_int_equal(name[23], 's');
    assert_string_equal(name + 4, snx_traj_time(t));
    assert_true(snx_traj_timestamp(t) > 1.4e9);
    assert_string_equal(snx_node_comment(snx_traj_root(t)), "hello");
    snx_traj_free(t);

    t = snx_traj_new(NULL, NULL); /* pypet's default name */
    assert_string_equal(snx_traj_name(t), "my_trajectory");
    assert_ok(snx_traj_rename(t, "renamed"));
    assert_string_equal(snx_traj_name(t), "renamed");
    assert_string_equal(snx_node_name(snx_traj_root(t)), "renamed");
    assert_fails(snx_traj_rename(t, "bad name"), SNX_ENAME, "invalid character ' '");
    assert_string_equal(snx_traj_name(t), "renamed");
    snx_traj_free(t);
}

static void test_new_refuses_invalid_names(void **state)
{
    (void)state;
    assert_null(snx_traj_new("with-dash", NULL));
    assert_int_equal(snx_errcode(), SNX_ENAME);
    assert_errmsg_contains("invalid character '-'");
    assert_null(snx_traj_new("", NULL));
    assert_int_equal(snx_errcode(), SNX_ENAME);
    assert_errmsg_contains("empty name");
    /* With the time suffix (21 characters) a name may have 107 characters. */
    char name[129];
    memset(name, 'n', 108);
    name[108] = '\0';
    assert_null(snx_traj_new(name, &(snx_traj_opts){ .add_time = 1 }));
    assert_int_equal(snx_errcode(), SNX_ENAME);
    assert_errmsg_contains("with its time suffix would be longer than 128 characters");
    name[107] = '\0';
    snx_traj *t = snx_traj_new(name, &(snx_traj_opts){ .add_time = 1 });
    assert_non_null(t);
    assert_int_equal(strlen(snx_traj_name(t)), 128);
    snx_traj_free(t);
}

/* ---- names ------------------------------------------------------------------ */

static void test_name_validation(void **state)
{
    snx_traj *t = *state;
    assert_null(snx_traj_add_parameter(t, "a.b-c", snx_int(1), NULL));
    assert_int_equal(snx_errcode(), SNX_ENAME);
    assert_errmsg_contains("invalid character '-' in name \"b-c\"");
    assert_null(snx_traj_add_parameter(t, "a..b", snx_int(1), NULL));
    assert_int_equal(snx_errcode(), SNX_ENAME);
    assert_errmsg_contains("empty name");
    assert_null(snx_traj_add_parameter(t, "a.b.", snx_int(1), NULL));
    assert_int_equal(snx_errcode(), SNX_ENAME);
    assert_null(snx_traj_add_parameter(t, "a b", snx_int(1), NULL));
    assert_int_equal(snx_errcode(), SNX_ENAME);
    assert_null(snx_traj_add_group(t, "parameters.g.h$", NULL));
    assert_int_equal(snx_errcode(), SNX_ENAME);
    assert_errmsg_contains("'$'");
    /* A failed add creates nothing, not even the groups on the way. */
    assert_int_equal(snx_traj_n_nodes(t), 4);
    assert_null(snx_node_child_named(snx_traj_get(t, "parameters"), "a"));
    /* Letters, digits and underscores are fine, also leading digits. */
    assert_non_null(snx_traj_add_parameter(t, "Group_1.x2_Y", snx_int(1), NULL));
    assert_non_null(snx_traj_add_parameter(t, "g.3d", snx_int(1), NULL));
}

static void test_reserved_run_prefix(void **state)
{
    snx_traj *t = *state;
    assert_null(snx_traj_add_parameter(t, "run_x", snx_int(1), NULL));
    assert_int_equal(snx_errcode(), SNX_ENAME);
    assert_errmsg_contains("reserved for runs");
    /* run_1234 is an abbreviation of run_00001234, so that works... */
    assert_non_null(snx_traj_add_group(t, "results.run_1234.x", NULL));
    assert_non_null(snx_traj_get(t, "results.run_00001234"));
    /* ...but a run_ name that is no run or set name is refused. */
    assert_null(snx_traj_add_group(t, "results.run_set_1", NULL));
    assert_int_equal(snx_errcode(), SNX_ENAME);
    assert_errmsg_contains("reserved for runs");
    assert_null(snx_traj_add_group(t, "results.run_0000000x", NULL));
    assert_int_equal(snx_errcode(), SNX_ENAME);
    /* The run and set names themselves are allowed, and "run_" inside a name too. */
    assert_non_null(snx_traj_add_group(t, "results.run_set_00002.run_00002022", NULL));
    assert_non_null(snx_traj_add_group(t, "results.run_ALL", NULL));
    assert_non_null(snx_traj_add_group(t, "results.run_set_ALL", NULL));
    assert_non_null(snx_traj_add_result(t, "myrun_x", snx_int(1), NULL));
    assert_non_null(snx_traj_add_result(t, "xrun_", snx_int(1), NULL));
}

static void test_length_limits(void **state)
{
    snx_traj *t = *state;
    char name[200];
    memset(name, 'a', 128);
    name[128] = '\0';
    assert_non_null(snx_traj_add_parameter(t, name, snx_int(1), NULL)); /* 128: the most */
    name[128] = 'b';
    name[129] = '\0';
    assert_null(snx_traj_add_parameter(t, name, snx_int(1), NULL));
    assert_int_equal(snx_errcode(), SNX_ENAME);
    assert_errmsg_contains("longer than 128 characters");
    /* Locations (the parent's full name) may be 512 characters long, not more:
     * "parameters" + 4 x ".<100 g>" + ".<97 h>" is 10 + 404 + 98 = 512. */
    char g100[101], h97[98], path[700];
    memset(g100, 'g', 100);
    g100[100] = '\0';
    memset(h97, 'h', 97);
    h97[97] = '\0';
    snprintf(path, sizeof path, "%s.%s.%s.%s.%s.leaf", g100, g100, g100, g100, h97);
    snx_node *leaf = snx_traj_add_parameter(t, path, snx_int(7), NULL);
    assert_non_null(leaf);
    assert_int_equal(strlen(snx_node_full_name(snx_node_parent(leaf))), 512);
    snprintf(path, sizeof path, "%s.%s.%s.%s.%sX.leaf", g100, g100, g100, g100, h97);
    size_t before = snx_traj_n_nodes(t);
    assert_null(snx_traj_add_parameter(t, path, snx_int(7), NULL));
    assert_int_equal(snx_errcode(), SNX_ENAME);
    assert_errmsg_contains("longer than 512");
    assert_int_equal(snx_traj_n_nodes(t), before); /* the group on the way was not kept */
}

/* ---- adding ------------------------------------------------------------------- */

static void test_dotted_adds_create_groups(void **state)
{
    snx_traj *t = *state;
    snx_node *p = snx_traj_add_parameter(t, "brian.hippocampus.nneurons", snx_int(99999),
                                         "neurons");
    assert_non_null(p);
    assert_string_equal(snx_node_full_name(p), "parameters.brian.hippocampus.nneurons");
    assert_string_equal(snx_node_name(p), "nneurons");
    assert_int_equal(snx_node_depth(p), 4);
    assert_int_equal(snx_node_kind_of(p), SNX_NODE_PARAMETER);
    assert_int_equal(snx_node_branch(p), SNX_BRANCH_PARAMETERS);
    assert_true(snx_node_is_leaf(p));
    snx_node *hippo = snx_node_parent(p);
    assert_string_equal(snx_node_full_name(hippo), "parameters.brian.hippocampus");
    assert_int_equal(snx_node_kind_of(hippo), SNX_NODE_GROUP);
    assert_false(snx_node_is_leaf(hippo));
    assert_int_equal(snx_traj_n_nodes(t), 4 + 3);
    assert_false(snx_traj_is_empty(t));

    /* The branch prefix may be given, in its long or short form. */
    assert_string_equal(snx_node_full_name(snx_traj_add_parameter(t, "parameters.a", snx_int(1), NULL)),
                        "parameters.a");
    assert_string_equal(snx_node_full_name(snx_traj_add_parameter(t, "par.b", snx_int(1), NULL)),
                        "parameters.b");
    assert_string_equal(snx_node_full_name(snx_traj_add_config(t, "ncores", snx_int(2), NULL)),
                        "config.ncores");
    assert_string_equal(snx_node_full_name(snx_traj_add_config(t, "conf.x", snx_int(2), NULL)),
                        "config.x");
    assert_string_equal(snx_node_full_name(snx_traj_add_derived(t, "dpar.w", snx_int(2), NULL)),
                        "derived_parameters.w");
    assert_string_equal(snx_node_full_name(snx_traj_add_derived(t, "conn.w", snx_int(2), NULL)),
                        "derived_parameters.conn.w");
    snx_node *r = snx_traj_add_result(t, "res.some.z", snx_int(3), NULL);
    assert_string_equal(snx_node_full_name(r), "results.some.z");
    assert_int_equal(snx_node_kind_of(r), SNX_NODE_RESULT);
    /* Another branch's name is just a group name. */
    assert_string_equal(snx_node_full_name(snx_traj_add_parameter(t, "results.q", snx_int(1), NULL)),
                        "parameters.results.q");
}

static void test_adding_existing_leaf_and_leaf_as_group(void **state)
{
    snx_traj *t = *state;
    assert_non_null(snx_traj_add_parameter(t, "a.x", snx_int(1), NULL));
    assert_null(snx_traj_add_parameter(t, "a.x", snx_str("again"), NULL)); /* consumed */
    assert_int_equal(snx_errcode(), SNX_EEXIST);
    assert_errmsg_contains("\"x\" exists already below \"parameters.a\"");
    assert_null(snx_traj_add_parameter(t, "a.x.y", snx_int(1), NULL));
    assert_int_equal(snx_errcode(), SNX_ETYPE);
    assert_errmsg_contains("\"parameters.a.x\" is a leaf and cannot hold children");
    assert_null(snx_traj_add_group(t, "parameters.a.x", NULL));
    assert_int_equal(snx_errcode(), SNX_ETYPE);
    /* An existing group is returned, and keeps its comment unless given a new one. */
    snx_node *g = snx_traj_add_group(t, "parameters.a", "first");
    assert_ptr_equal(g, snx_traj_get(t, "parameters.a"));
    assert_ptr_equal(snx_traj_add_group(t, "parameters.a", NULL), g);
    assert_string_equal(snx_node_comment(g), "first");
    assert_ptr_equal(snx_traj_add_group(t, "parameters.a", "second"), g);
    assert_string_equal(snx_node_comment(g), "second");
}

static void test_leaves_not_at_root(void **state)
{
    snx_traj *t = *state;
    assert_null(snx_node_add_leaf(snx_traj_root(t), "x", snx_int(1), NULL));
    assert_int_equal(snx_errcode(), SNX_EINVAL);
    assert_errmsg_contains("leaves cannot hang at the root");
    /* Outside the four branches leaves are results (pypet's standard leaf). */
    snx_node *g = snx_traj_add_group(t, "other.deep", "outside");
    assert_int_equal(snx_node_branch(g), SNX_BRANCH_NONE);
    snx_node *leaf = snx_node_add_leaf(g, "thing", snx_int(5), NULL);
    assert_non_null(leaf);
    assert_int_equal(snx_node_kind_of(leaf), SNX_NODE_RESULT);
    assert_string_equal(snx_node_full_name(leaf), "other.deep.thing");
    assert_int_equal(snx_result_get(leaf, "thing")->u.i, 5);
    /* Root-level dotted leaf through the root group. */
    snx_node *p = snx_node_add_leaf(snx_traj_root(t), "parameters.viaroot", snx_int(1), NULL);
    assert_non_null(p);
    assert_int_equal(snx_node_kind_of(p), SNX_NODE_PARAMETER);
}

static void test_adding_below_a_group(void **state)
{
    snx_traj *t = *state;
    snx_node *traffic = snx_traj_add_group(t, "parameters.traffic", "cars and zebras");
    snx_node *z = snx_node_add_leaf(traffic, "street.nzebras", snx_int(4), NULL);
    assert_string_equal(snx_node_full_name(z), "parameters.traffic.street.nzebras");
    assert_int_equal(snx_node_kind_of(z), SNX_NODE_PARAMETER);
    snx_node *sub = snx_node_add_group(traffic, "a.b", "deep");
    assert_string_equal(snx_node_full_name(sub), "parameters.traffic.a.b");
    assert_string_equal(snx_node_comment(sub), "deep");
    snx_node *rg = snx_traj_add_group(t, "results.summary", NULL);
    assert_int_equal(snx_node_kind_of(snx_node_add_leaf(rg, "rate", snx_double(2.5), NULL)),
                     SNX_NODE_RESULT);
    /* A leaf holds no children. */
    assert_null(snx_node_add_leaf(z, "x", snx_int(1), NULL));
    assert_int_equal(snx_errcode(), SNX_ETYPE);
    assert_null(snx_node_add_group(z, "x", NULL));
    assert_int_equal(snx_errcode(), SNX_ETYPE);
    assert_null(snx_node_add_leaf(NULL, "x", snx_str("consumed"), NULL));
    assert_int_equal(snx_errcode(), SNX_EINVAL);
    /* A failed constructor's error reaches the caller. */
    assert_null(snx_node_add_leaf(traffic, "bad", snx_quantity(1, "furlongs"), NULL));
    assert_int_not_equal(snx_errcode(), 0);
    assert_errmsg_contains("adding \"bad\"");
    assert_null(snx_traj_get(t, "parameters.traffic.bad"));
}

static void test_parameters_hold_no_tables(void **state)
{
    snx_traj *t = *state;
    snx_table *tab = snx_table_new(2);
    assert_null(snx_traj_add_parameter(t, "g.tab", snx_table_value(tab), NULL));
    assert_int_equal(snx_errcode(), SNX_ETYPE);
    assert_errmsg_contains("cannot hold a table");
    assert_null(snx_traj_get(t, "parameters.g")); /* nothing was created */
    assert_int_equal(snx_traj_n_nodes(t), 4);
}

/* ---- properties ------------------------------------------------------------- */

static void test_parent_branch_run_branch(void **state)
{
    snx_traj *t = *state;
    snx_node *z = snx_traj_add_result(t, "runs.run_00000003.deep.z", snx_int(1), NULL);
    assert_string_equal(snx_node_run_branch(z), "run_00000003");
    assert_string_equal(snx_node_run_branch(snx_node_parent(z)), "run_00000003");
    assert_string_equal(snx_node_run_branch(snx_traj_get(t, "results.runs.run_00000003")),
                        "run_00000003");
    assert_string_equal(snx_node_run_branch(snx_traj_get(t, "results.runs")), "trajectory");
    snx_node *a = snx_traj_add_result(t, "x.run_ALL.y", snx_int(1), NULL);
    assert_string_equal(snx_node_run_branch(a), "trajectory"); /* run_ALL is no run */
    assert_int_equal(snx_node_branch(z), SNX_BRANCH_RESULTS);
    assert_string_equal(snx_node_run_branch(snx_traj_root(t)), "trajectory");
    /* The root has no parent. */
    snx_error_clear();
    assert_null(snx_node_parent(snx_traj_root(t)));
    assert_int_equal(snx_errcode(), SNX_ETYPE);
    assert_errmsg_contains("the root has no parent");
    assert_ptr_equal(snx_node_traj(z), t);
}

static void test_children_groups_leaves_counts(void **state)
{
    snx_traj *t = *state;
    snx_node *g = snx_traj_add_group(t, "parameters.g", NULL);
    snx_node_add_leaf(g, "p1", snx_int(1), NULL);
    snx_node_add_group(g, "sub1", NULL);
    snx_node_add_leaf(g, "p2", snx_int(2), NULL);
    snx_node_add_group(g, "sub2", NULL);
    snx_node_add_leaf(g, "p3", snx_int(3), NULL);
    assert_ok(snx_node_add_link(g, "lnk", snx_traj_get(t, "parameters")));
    assert_int_equal(snx_node_n_children(g), 5);
    assert_int_equal(snx_node_n_groups(g), 2);
    assert_int_equal(snx_node_n_leaves(g), 3);
    assert_int_equal(snx_node_n_links(g), 1);
    /* Insertion order. */
    const char *order[] = { "p1", "sub1", "p2", "sub2", "p3" };
    for (size_t k = 0; k < 5; k++)
        assert_string_equal(snx_node_name(snx_node_child(g, k)), order[k]);
    assert_ptr_equal(snx_node_child_named(g, "sub2"), snx_node_child(g, 3));
    assert_null(snx_node_child_named(g, "lnk")); /* links are not children */
    const char *lname;
    assert_ptr_equal(snx_node_link(g, 0, &lname), snx_traj_get(t, "parameters"));
    assert_string_equal(lname, "lnk");
    assert_null(snx_node_link(g, 1, &lname));
    /* Leaves have no children. */
    snx_node *p1 = snx_node_child(g, 0);
    assert_int_equal(snx_node_n_children(p1), 0);
    assert_null(snx_node_child(p1, 0));
    assert_null(snx_node_child_named(p1, "x"));
}

static void test_comments(void **state)
{
    snx_traj *t = *state;
    snx_node *p = snx_traj_add_parameter(t, "g.x", snx_int(1), "the x");
    assert_string_equal(snx_node_comment(p), "the x");
    assert_string_equal(snx_node_comment(snx_traj_get(t, "parameters.g")), "");
    assert_ok(snx_node_set_comment(p, "changed"));
    assert_string_equal(snx_node_comment(p), "changed");
    assert_ok(snx_node_set_comment(p, NULL));
    assert_string_equal(snx_node_comment(p), "");
    assert_ok(snx_node_set_comment(snx_traj_get(t, "parameters.g"), "a group"));
    assert_string_equal(snx_node_comment(snx_traj_get(t, "parameters.g")), "a group");
    /* Comments are not limited in size. */
    char big[5000];
    memset(big, 'c', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_ok(snx_node_set_comment(p, big));
    assert_int_equal(strlen(snx_node_comment(p)), 4999);
}

/* ---- iteration ----------------------------------------------------------------- */

typedef struct {
    char names[64][128];
    size_t n;
    size_t stop_after;
} visited;

static int record(snx_node *n, void *ctx)
{
    visited *v = ctx;
    snprintf(v->names[v->n++], sizeof v->names[0], "%s", snx_node_full_name(n));
    return v->stop_after && v->n == v->stop_after ? 42 : 0;
}

static void build_small(snx_traj *t)
{
    snx_traj_add_parameter(t, "a.x", snx_int(1), NULL);
    snx_traj_add_parameter(t, "a.b.y", snx_int(2), NULL);
    snx_traj_add_parameter(t, "c", snx_int(3), NULL);
}

static void test_iter_recursive_depth_first(void **state)
{
    snx_traj *t = *state;
    build_small(t);
    visited v = { 0 };
    assert_ok(snx_node_iter(snx_traj_get(t, "parameters"), NULL, record, &v));
    const char *want[] = { "parameters.a", "parameters.a.x", "parameters.a.b",
                           "parameters.a.b.y", "parameters.c" };
    assert_int_equal(v.n, 5);
    for (size_t k = 0; k < 5; k++)
        assert_string_equal(v.names[k], want[k]);
    /* From the root every node is visited once, the root excluded. */
    v.n = 0;
    assert_ok(snx_node_iter(snx_traj_root(t), NULL, record, &v));
    assert_int_equal(v.n, snx_traj_n_nodes(t));
    /* A non-zero return stops the walk and is returned. */
    v = (visited){ .stop_after = 2 };
    assert_int_equal(snx_node_iter(snx_traj_get(t, "parameters"), NULL, record, &v), 42);
    assert_int_equal(v.n, 2);
}

static void test_iter_non_recursive_and_max_depth(void **state)
{
    snx_traj *t = *state;
    build_small(t);
    visited v = { 0 };
    assert_ok(snx_node_iter(snx_traj_get(t, "parameters"),
                            &(snx_iter_opts){ .non_recursive = 1 }, record, &v));
    assert_int_equal(v.n, 2);
    assert_string_equal(v.names[0], "parameters.a");
    assert_string_equal(v.names[1], "parameters.c");
    v.n = 0;
    assert_ok(snx_node_iter(snx_traj_get(t, "parameters"), &(snx_iter_opts){ .max_depth = 2 },
                            record, &v));
    assert_int_equal(v.n, 4); /* a, a.x, a.b, c; not a.b.y at depth 3 */
    for (size_t k = 0; k < v.n; k++)
        assert_string_not_equal(v.names[k], "parameters.a.b.y");
    v.n = 0;
    assert_ok(snx_node_iter(snx_traj_root(t), &(snx_iter_opts){ .max_depth = 1 }, record, &v));
    assert_int_equal(v.n, 4); /* the branches */
}

static bool only_groups(snx_node *n, void *ctx)
{
    (void)ctx;
    return snx_node_kind_of(n) == SNX_NODE_GROUP;
}

static bool not_named_a(snx_node *n, void *ctx)
{
    return strcmp(snx_node_name(n), (const char *)ctx) != 0;
}

static void test_iter_predicate(void **state)
{
    snx_traj *t = *state;
    build_small(t);
    visited v = { 0 };
    assert_ok(snx_node_iter(snx_traj_get(t, "parameters"),
                            &(snx_iter_opts){ .predicate = only_groups }, record, &v));
    assert_int_equal(v.n, 2);
    assert_string_equal(v.names[0], "parameters.a");
    assert_string_equal(v.names[1], "parameters.a.b");
    /* A rejected group hides its subtree. */
    v.n = 0;
    assert_ok(snx_node_iter(snx_traj_get(t, "parameters"),
                            &(snx_iter_opts){ .predicate = not_named_a, .predicate_ctx = "a" },
                            record, &v));
    assert_int_equal(v.n, 1);
    assert_string_equal(v.names[0], "parameters.c");
    assert_fails(snx_node_iter(NULL, NULL, record, &v), SNX_EINVAL, "NULL start node");
}

static void test_iter_pred_runs(void **state)
{
    snx_traj *t = *state;
    for (int r = 0; r < 5; r++) {
        char name[64];
        snprintf(name, sizeof name, "runs.run_%08d.z", r);
        snx_traj_add_result(t, name, snx_int(r), NULL);
    }
    snx_traj_add_result(t, "runs.run_ALL.z", snx_int(-1), NULL);
    snx_traj_add_result(t, "summary", snx_int(9), NULL);
    long keep[] = { 0, 3, -1 };
    snx_run_filter f = { keep, 3 };
    visited v = { 0 };
    assert_ok(snx_node_iter(snx_traj_get(t, "results"),
                            &(snx_iter_opts){ .predicate = snx_pred_runs, .predicate_ctx = &f },
                            record, &v));
    const char *want[] = { "results.runs",
                           "results.runs.run_00000000", "results.runs.run_00000000.z",
                           "results.runs.run_00000003", "results.runs.run_00000003.z",
                           "results.runs.run_ALL", "results.runs.run_ALL.z",
                           "results.summary" };
    assert_int_equal(v.n, 8);
    for (size_t k = 0; k < 8; k++)
        assert_string_equal(v.names[k], want[k]);
}

static void test_iter_links_visited_once(void **state)
{
    snx_traj *t = *state;
    build_small(t);
    snx_node *res = snx_traj_get(t, "results");
    assert_ok(snx_node_add_link(res, "to_a", snx_traj_get(t, "parameters.a")));
    assert_ok(snx_node_add_link(res, "to_x", snx_traj_get(t, "parameters.a.x")));
    visited v = { 0 };
    assert_ok(snx_node_iter(snx_traj_root(t), NULL, record, &v));
    assert_int_equal(v.n, snx_traj_n_nodes(t)); /* linked nodes only once */
    /* Starting at results, the links lead into parameters.a: its subtree, once. */
    v.n = 0;
    assert_ok(snx_node_iter(res, NULL, record, &v));
    const char *want[] = { "parameters.a", "parameters.a.x", "parameters.a.b",
                           "parameters.a.b.y" };
    assert_int_equal(v.n, 4);
    for (size_t k = 0; k < 4; k++)
        assert_string_equal(v.names[k], want[k]);
    /* Without links, nothing below results. */
    v.n = 0;
    assert_ok(snx_node_iter(res, &(snx_iter_opts){ .no_links = 1 }, record, &v));
    assert_int_equal(v.n, 0);
    /* max_depth counts the path taken: a link target is one level below its link. */
    v.n = 0;
    assert_ok(snx_node_iter(res, &(snx_iter_opts){ .max_depth = 1 }, record, &v));
    assert_int_equal(v.n, 2);
    assert_string_equal(v.names[0], "parameters.a");
    assert_string_equal(v.names[1], "parameters.a.x");
    /* A link back to an ancestor does not loop, and never visits the start. */
    snx_node *b = snx_traj_get(t, "parameters.a.b");
    assert_ok(snx_node_add_link(b, "up", snx_traj_get(t, "parameters.a")));
    assert_ok(snx_node_add_link(b, "self", b));
    v.n = 0;
    assert_ok(snx_node_iter(b, NULL, record, &v));
    assert_int_equal(v.n, 3); /* y, then a (via "up") and a.x; b itself never */
    assert_string_equal(v.names[0], "parameters.a.b.y");
    assert_string_equal(v.names[1], "parameters.a");
    assert_string_equal(v.names[2], "parameters.a.x");
}

/* ---- to_map ------------------------------------------------------------------------ */

static void test_to_map_full_and_short(void **state)
{
    snx_traj *t = *state;
    build_small(t);
    snx_map *m = snx_node_to_map(snx_traj_get(t, "parameters"), SNX_KEYS_FULL_NAMES);
    assert_non_null(m);
    assert_int_equal(snx_map_count(m), 3); /* leaves only */
    assert_ptr_equal(snx_map_get(m, "parameters.a.b.y"), snx_traj_get(t, "a.b.y"));
    assert_null(snx_map_get(m, "parameters.a"));
    snx_map_free(m);
    m = snx_node_to_map(snx_traj_get(t, "parameters"), SNX_KEYS_SHORT_NAMES);
    assert_int_equal(snx_map_count(m), 3);
    assert_ptr_equal(snx_map_get(m, "y"), snx_traj_get(t, "a.b.y"));
    snx_map_free(m);
    /* Short names must be unique. */
    snx_traj_add_parameter(t, "other.y", snx_int(5), NULL);
    snx_error_clear();
    assert_null(snx_node_to_map(snx_traj_get(t, "parameters"), SNX_KEYS_SHORT_NAMES));
    assert_int_equal(snx_errcode(), SNX_ENOTUNIQUE);
    assert_errmsg_contains("short name \"y\" is used by \"parameters.a.b.y\" and "
                           "\"parameters.other.y\"");
    /* Full names never clash, and a leaf reached by a link counts once. */
    assert_ok(snx_node_add_link(snx_traj_get(t, "parameters.other"), "ly",
                                snx_traj_get(t, "a.b.y")));
    m = snx_node_to_map(snx_traj_get(t, "parameters"), SNX_KEYS_FULL_NAMES);
    assert_int_equal(snx_map_count(m), 4);
    snx_map_free(m);
}

/* ---- removal ------------------------------------------------------------------------ */

static void test_remove_leaf_and_group(void **state)
{
    snx_traj *t = *state;
    build_small(t);
    size_t n = snx_traj_n_nodes(t);
    assert_ok(snx_node_remove(snx_traj_get(t, "parameters.c"), SNX_REMOVE_NODE));
    assert_int_equal(snx_traj_n_nodes(t), n - 1);
    assert_false(snx_traj_contains(t, "c"));
    assert_null(snx_node_child_named(snx_traj_get(t, "parameters"), "c"));
    /* A group with children needs recursive. */
    snx_node *a = snx_traj_get(t, "parameters.a");
    assert_fails(snx_node_remove(a, SNX_REMOVE_NODE), SNX_ETYPE, "\"parameters.a\" has children");
    assert_true(snx_traj_contains(t, "a.b.y"));
    assert_ok(snx_node_remove(a, SNX_REMOVE_RECURSIVE));
    assert_int_equal(snx_traj_n_nodes(t), 4);
    /* The index forgets them: shortcuts no longer find them. */
    assert_false(snx_traj_contains(t, "y"));
    assert_false(snx_traj_contains(t, "x"));
    assert_false(snx_traj_contains(t, "b"));
    /* Names can be used again. */
    snx_node *y = snx_traj_add_parameter(t, "y", snx_int(10), NULL);
    assert_ptr_equal(snx_traj_get(t, "y"), y);
    /* An empty group goes without recursive. */
    assert_ok(snx_node_remove(snx_traj_add_group(t, "parameters.empty", NULL), SNX_REMOVE_NODE));
    /* The root stays. */
    assert_fails(snx_node_remove(snx_traj_root(t), SNX_REMOVE_RECURSIVE), SNX_EINVAL, "root cannot be removed");
}

static void test_remove_child(void **state)
{
    snx_traj *t = *state;
    build_small(t);
    snx_node *par = snx_traj_get(t, "parameters");
    assert_fails(snx_node_remove_child(par, "a", SNX_REMOVE_NODE), SNX_ETYPE, "has children");
    assert_fails(snx_node_remove_child(par, "nope", SNX_REMOVE_RECURSIVE), SNX_EINVAL,
                 "\"parameters\" has no child \"nope\"");
    /* Only direct children: no dotted names or shortcuts. */
    assert_fails(snx_node_remove_child(par, "a.x", SNX_REMOVE_NODE), SNX_EINVAL, "no child \"a.x\"");
    assert_fails(snx_node_remove_child(par, "x", SNX_REMOVE_NODE), SNX_EINVAL, "no child \"x\"");
    assert_ok(snx_node_remove_child(par, "c", SNX_REMOVE_NODE));
    assert_ok(snx_node_remove_child(par, "a", SNX_REMOVE_RECURSIVE));
    assert_int_equal(snx_node_n_children(par), 0);
    /* A whole branch can go, and comes back when something is added to it. */
    snx_traj_add_result(t, "r", snx_int(1), NULL);
    assert_ok(snx_node_remove_child(snx_traj_root(t), "results", SNX_REMOVE_RECURSIVE));
    assert_false(snx_traj_contains(t, "results"));
    assert_true(snx_traj_is_empty(t));
    snx_node *r = snx_traj_add_result(t, "again.r", snx_int(2), NULL);
    assert_string_equal(snx_node_full_name(r), "results.again.r");
    assert_int_equal(snx_node_branch(r), SNX_BRANCH_RESULTS);
    assert_false(snx_traj_is_empty(t));
    /* is_empty ignores config, whatever the order of the branches. */
    assert_ok(snx_node_remove_child(snx_traj_root(t), "results", SNX_REMOVE_RECURSIVE));
    assert_ok(snx_node_remove_child(snx_traj_root(t), "config", SNX_REMOVE_RECURSIVE));
    snx_traj_add_config(t, "c", snx_int(1), NULL);
    assert_true(snx_traj_is_empty(t));
}

static void test_remove_drops_links_into_removed_subtree(void **state)
{
    snx_traj *t = *state;
    build_small(t);
    snx_node *res = snx_traj_add_group(t, "results.g", NULL);
    assert_ok(snx_node_add_link(res, "to_y", snx_traj_get(t, "a.b.y")));
    assert_ok(snx_node_add_link(res, "to_b", snx_traj_get(t, "a.b")));
    assert_ok(snx_node_add_link(res, "to_c", snx_traj_get(t, "c")));
    assert_int_equal(snx_node_n_links(res), 3);
    /* Links that live in the removed subtree go with it too. */
    snx_node *b = snx_traj_get(t, "a.b");
    assert_ok(snx_node_add_link(b, "back", snx_traj_get(t, "c")));
    assert_ok(snx_node_remove(b, SNX_REMOVE_RECURSIVE));
    assert_int_equal(snx_node_n_links(res), 1);
    const char *name;
    assert_ptr_equal(snx_node_link(res, 0, &name), snx_traj_get(t, "c"));
    assert_string_equal(name, "to_c");
    assert_null(snx_node_get(res, "to_y", NULL));
    /* Removing the last link target leaves no dangling link. */
    assert_ok(snx_node_remove(snx_traj_get(t, "c"), SNX_REMOVE_NODE));
    assert_int_equal(snx_node_n_links(res), 0);
    visited v = { 0 };
    assert_ok(snx_node_iter(snx_traj_root(t), NULL, record, &v));
    assert_int_equal(v.n, snx_traj_n_nodes(t));
    /* Removing the group holding links is fine too. */
    assert_ok(snx_node_add_link(res, "to_x", snx_traj_get(t, "a.x")));
    assert_ok(snx_node_remove(res, SNX_REMOVE_RECURSIVE));
    assert_ok(snx_node_add_link(snx_traj_get(t, "parameters.a"), "l", snx_traj_get(t, "a.x")));
    assert_ok(snx_node_remove(snx_traj_get(t, "a.x"), SNX_REMOVE_NODE));
    assert_int_equal(snx_node_n_links(snx_traj_get(t, "parameters.a")), 0);
}

static void test_remove_explored_parameter(void **state)
{
    snx_traj *t = *state;
    snx_traj_add_parameter(t, "x", snx_int(0), NULL);
    snx_traj_add_parameter(t, "g.y", snx_int(0), NULL);
    snx_ranges *r = snx_ranges_new();
    snx_ranges_add_ints(r, "x", (int64_t[]){ 1, 2, 3 }, 3);
    snx_ranges_add_ints(r, "y", (int64_t[]){ 4, 5, 6 }, 3);
    assert_ok(snx_traj_explore(t, r));
    snx_ranges_free(r);
    assert_ok(snx_traj_set_run(t, 2));
    assert_ok(snx_node_remove(snx_traj_get(t, "x"), SNX_REMOVE_NODE));
    assert_int_equal(snx_traj_n_explored(t), 1);
    assert_int_equal(snx_traj_n_runs(t), 3);
    assert_string_equal(snx_node_name(snx_traj_explored(t, 0)), "y");
    assert_int_equal(snx_traj_run_idx(t), 2);
    char *s = snx_traj_parameter_summary(t, 1);
    assert_string_equal(s, "y=5");
    free(s);
    /* The last explored parameter gone, the trajectory has one run again. */
    assert_ok(snx_node_remove(snx_traj_get(t, "parameters.g"), SNX_REMOVE_RECURSIVE));
    assert_int_equal(snx_traj_n_explored(t), 0);
    assert_int_equal(snx_traj_n_runs(t), 1);
    assert_int_equal(snx_traj_run_idx(t), -1);
}

static void test_remove_run_added(void **state)
{
    snx_traj *t = *state;
    assert_ok(snx_traj_begin_run(t, 0));
    snx_traj_add_result(t, "a", snx_int(1), NULL);
    snx_traj_add_result(t, "b", snx_int(2), NULL);
    size_t n = snx_traj_n_run_added(t);
    assert_int_equal(n, 4); /* the groups runs and run_00000000, then a and b */
    assert_ok(snx_node_remove(snx_traj_get(t, "results.runs.run_00000000.a"), SNX_REMOVE_NODE));
    assert_int_equal(snx_traj_n_run_added(t), n - 1);
    for (size_t k = 0; k < snx_traj_n_run_added(t); k++)
        assert_string_not_equal(snx_node_name(snx_traj_run_added(t, k)), "a");
    snx_traj_end_run(t);
}

/* ---- links ------------------------------------------------------------------------ */

static void test_links(void **state)
{
    snx_traj *t = *state;
    snx_node *x = snx_traj_add_parameter(t, "x", snx_int(1), NULL);
    snx_node *root = snx_traj_root(t);
    assert_ok(snx_node_add_link(root, "mylink", x));
    assert_ptr_equal(snx_traj_get(t, "mylink"), x);
    /* Names: plain, valid, not taken. */
    assert_fails(snx_node_add_link(root, "a.b", x), SNX_ENAME, "invalid character '.'");
    assert_fails(snx_node_add_link(root, "mylink", x), SNX_EEXIST, "exists already");
    assert_fails(snx_node_add_link(root, "parameters", x), SNX_EEXIST, "exists already");
    assert_fails(snx_node_add_link(x, "l", root), SNX_ETYPE, "links live in groups");
    assert_fails(snx_node_add_link(root, "l", root), SNX_EINVAL, "cannot link to the root");
    assert_fails(snx_node_add_link(root, "l", NULL), SNX_EINVAL, "NULL argument");
    snx_traj *other = snx_traj_new("other", NULL);
    assert_fails(snx_node_add_link(root, "l", snx_traj_get(other, "parameters")), SNX_EINVAL,
                 "another trajectory");
    snx_traj_free(other);
    /* A child cannot take a link's name. */
    assert_null(snx_traj_add_group(t, "mylink", NULL));
    assert_int_equal(snx_errcode(), SNX_EEXIST);
    assert_errmsg_contains("is a link");
    /* Dotted paths through the trajectory create the groups. */
    assert_ok(snx_traj_add_link(t, "parameters.mynewgroup.mylink2", x));
    assert_ptr_equal(snx_traj_get(t, "parameters.mynewgroup.mylink2"), x);
    assert_fails(snx_traj_add_link(t, "results.newgroup.bad-name", x), SNX_ENAME,
                 "invalid character");
    assert_false(snx_traj_contains(t, "results.newgroup")); /* not left behind */
    /* Removing links. */
    assert_ok(snx_node_remove_link(root, "mylink"));
    assert_false(snx_traj_contains(t, "mylink"));
    assert_fails(snx_node_remove_link(root, "mylink"), SNX_ENOTFOUND, "no link \"mylink\"");
    assert_ptr_equal(snx_traj_get(t, "x"), x); /* the target stays */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_new_has_four_branches, setup, teardown),
        cmocka_unit_test(test_new_with_time_and_comment),
        cmocka_unit_test(test_new_refuses_invalid_names),
        cmocka_unit_test_setup_teardown(test_name_validation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reserved_run_prefix, setup, teardown),
        cmocka_unit_test_setup_teardown(test_length_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dotted_adds_create_groups, setup, teardown),
        cmocka_unit_test_setup_teardown(test_adding_existing_leaf_and_leaf_as_group, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_leaves_not_at_root, setup, teardown),
        cmocka_unit_test_setup_teardown(test_adding_below_a_group, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parameters_hold_no_tables, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parent_branch_run_branch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_children_groups_leaves_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_comments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_iter_recursive_depth_first, setup, teardown),
        cmocka_unit_test_setup_teardown(test_iter_non_recursive_and_max_depth, setup, teardown),
        cmocka_unit_test_setup_teardown(test_iter_predicate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_iter_pred_runs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_iter_links_visited_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_to_map_full_and_short, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remove_leaf_and_group, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remove_child, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remove_drops_links_into_removed_subtree, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_remove_explored_parameter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remove_run_added, setup, teardown),
        cmocka_unit_test_setup_teardown(test_links, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
