/* explore/: lookup — full, partial and shortcut names, breadth-first uniqueness,
 * options (no_shortcuts, max_depth, no_links), abbreviations and wildcards, the
 * crun → run_ALL fallback, run-restricted searches, get_all and contains. */
#include "snx_test.h"

static int setup(void **state)
{
    snx_traj *t = snx_traj_new("lookup", NULL);
    *state = t;
    return t ? 0 : -1;
}

static int teardown(void **state)
{
    snx_traj_free(*state);
    return 0;
}

/* get() must find exactly `full` */
#define assert_finds(t, name, full)                                                    \
    do {                                                                               \
        snx_node *n_ = snx_traj_get((t), (name));                                      \
        if (!n_) {                                                                     \
            print_error("get(\"%s\") failed: %s\n", (name), snx_errmsg());             \
            fail();                                                                    \
        }                                                                              \
        assert_string_equal(snx_node_full_name(n_), (full));                           \
    } while (0)

#define assert_get_fails(t, name, code, fragment)                                      \
    do {                                                                               \
        snx_node *n_ = snx_traj_get((t), (name));                                      \
        if (n_) {                                                                      \
            print_error("get(\"%s\") found \"%s\"\n", (name), snx_node_full_name(n_)); \
            fail();                                                                    \
        }                                                                              \
        assert_int_equal(snx_errcode(), (code));                                       \
        assert_errmsg_contains(fragment);                                              \
    } while (0)

static void build_traffic(snx_traj *t)
{
    snx_traj_add_parameter(t, "traffic.ncars", snx_int(42), NULL);
    snx_traj_add_parameter(t, "traffic.mobiles.ncars", snx_int(7), NULL);
    snx_traj_add_parameter(t, "traffic.street.nzebras", snx_int(4), NULL);
    snx_traj_add_parameter(t, "ncycles", snx_int(10), NULL);
}

static void test_full_partial_and_shortcut(void **state)
{
    snx_traj *t = *state;
    build_traffic(t);
    assert_finds(t, "parameters.traffic.street.nzebras", "parameters.traffic.street.nzebras");
    assert_finds(t, "traffic.street.nzebras", "parameters.traffic.street.nzebras");
    assert_finds(t, "street.nzebras", "parameters.traffic.street.nzebras");
    assert_finds(t, "nzebras", "parameters.traffic.street.nzebras");
    assert_finds(t, "traffic.nzebras", "parameters.traffic.street.nzebras");
    assert_finds(t, "parameters.nzebras", "parameters.traffic.street.nzebras");
    assert_finds(t, "parameters.ncycles", "parameters.ncycles");
    assert_finds(t, "street", "parameters.traffic.street");
    assert_finds(t, "parameters", "parameters");
    /* Shallowest wins: traffic.ncars (depth 3) over traffic.mobiles.ncars (depth 4). */
    assert_finds(t, "ncars", "parameters.traffic.ncars");
    assert_finds(t, "mobiles.ncars", "parameters.traffic.mobiles.ncars");
    assert_finds(t, "traffic.ncars", "parameters.traffic.ncars");
    /* Groups in the name must appear in order. */
    assert_get_fails(t, "street.traffic.nzebras", SNX_ENOTFOUND,
                     "no \"street.traffic.nzebras\" below the root");
    assert_get_fails(t, "nothing", SNX_ENOTFOUND, "no \"nothing\" below the root");
    assert_get_fails(t, "ncycles.x", SNX_ENOTFOUND, "no \"ncycles.x\"");
}

static void test_deep_partial_skips_groups(void **state)
{
    snx_traj *t = *state;
    snx_node *p = snx_traj_add_parameter(t, "mygroupA.mygroupX.mygroupB.mygroupY.myparam",
                                         snx_int(1), NULL);
    assert_ptr_equal(snx_traj_get(t, "mygroupA.mygroupB.myparam"), p);
    assert_ptr_equal(snx_traj_get(t, "mygroupX.myparam"), p);
    assert_ptr_equal(snx_traj_get(t, "parameters.mygroupY.myparam"), p);
    assert_null(snx_traj_get(t, "mygroupB.mygroupA.myparam"));
    assert_int_equal(snx_errcode(), SNX_ENOTFOUND);
}

static void test_same_depth_not_unique(void **state)
{
    snx_traj *t = *state;
    snx_traj_add_parameter(t, "starwars.characters.han_solo", snx_str("Harrison Ford"), NULL);
    assert_finds(t, "characters", "parameters.starwars.characters");
    snx_traj_add_group(t, "parameters.spaceballs.characters", NULL);
    assert_get_fails(t, "characters", SNX_ENOTUNIQUE,
                     "\"characters\" is not unique: \"parameters.starwars.characters\" and "
                     "\"parameters.spaceballs.characters\" are both 3 levels below the root");
    assert_finds(t, "starwars.characters", "parameters.starwars.characters");
    assert_finds(t, "spaceballs.characters", "parameters.spaceballs.characters");
    /* The leaf below is still unique. */
    assert_finds(t, "han_solo", "parameters.starwars.characters.han_solo");
    /* A shallower match settles it, wherever the deeper ones are. */
    snx_traj_add_result(t, "characters", snx_int(0), NULL);
    assert_finds(t, "characters", "results.characters");
    /* Different branches at the same depth clash too. */
    snx_traj_add_parameter(t, "dup", snx_int(1), NULL);
    snx_traj_add_derived(t, "dup", snx_int(2), NULL);
    assert_get_fails(t, "dup", SNX_ENOTUNIQUE, "\"dup\" is not unique");
    assert_finds(t, "par.dup", "parameters.dup");
    assert_finds(t, "dpar.dup", "derived_parameters.dup");
    /* contains(): a NotUnique name does not resolve, and no error is left behind. */
    assert_false(snx_traj_contains(t, "dup"));
    assert_int_equal(snx_errcode(), 0);
}

static void test_lookup_from_a_group(void **state)
{
    snx_traj *t = *state;
    build_traffic(t);
    snx_node *traffic = snx_traj_get(t, "traffic");
    snx_node *z = snx_traj_get(t, "nzebras");
    assert_ptr_equal(snx_node_get(traffic, "nzebras", NULL), z);
    assert_ptr_equal(snx_node_get(traffic, "street.nzebras", NULL), z);
    /* Only below the start. */
    assert_null(snx_node_get(traffic, "ncycles", NULL));
    assert_int_equal(snx_errcode(), SNX_ENOTFOUND);
    assert_errmsg_contains("no \"ncycles\" below \"parameters.traffic\"");
    /* From a leaf nothing is below. */
    assert_null(snx_node_get(z, "x", NULL));
    assert_int_equal(snx_errcode(), SNX_ENOTFOUND);
    assert_null(snx_node_get(NULL, "x", NULL));
    assert_int_equal(snx_errcode(), SNX_EINVAL);
    assert_null(snx_node_get(traffic, NULL, NULL));
    assert_int_equal(snx_errcode(), SNX_EINVAL);
    assert_errmsg_contains("NULL name");
}

static void test_no_shortcuts(void **state)
{
    snx_traj *t = *state;
    build_traffic(t);
    snx_find_opts strict = { .no_shortcuts = 1 };
    snx_node *root = snx_traj_root(t);
    assert_non_null(snx_node_get(root, "parameters.traffic.street.nzebras", &strict));
    assert_non_null(snx_node_get(root, "par.traffic.street.nzebras", &strict));
    assert_null(snx_node_get(root, "nzebras", &strict));
    assert_int_equal(snx_errcode(), SNX_ENOTFOUND);
    assert_errmsg_contains("no \"nzebras\" below the root (without shortcuts)");
    assert_null(snx_node_get(root, "parameters.street.nzebras", &strict));
    snx_node *traffic = snx_traj_get(t, "traffic");
    assert_non_null(snx_node_get(traffic, "ncars", &strict)); /* an immediate child */
    assert_non_null(snx_node_get(traffic, "mobiles.ncars", &strict));
    assert_null(snx_node_get(traffic, "nzebras", &strict));
    /* Without shortcuts the same-depth clash does not arise. */
    snx_traj_add_parameter(t, "a.dup", snx_int(1), NULL);
    snx_traj_add_parameter(t, "b.dup", snx_int(1), NULL);
    assert_non_null(snx_node_get(root, "parameters.a.dup", &strict));
}

static void test_max_depth(void **state)
{
    snx_traj *t = *state;
    build_traffic(t);
    snx_node *root = snx_traj_root(t);
    /* nzebras is 4 levels below the root. */
    assert_null(snx_node_get(root, "nzebras", &(snx_find_opts){ .max_depth = 3 }));
    assert_int_equal(snx_errcode(), SNX_ENOTFOUND);
    assert_non_null(snx_node_get(root, "nzebras", &(snx_find_opts){ .max_depth = 4 }));
    assert_null(snx_node_get(root, "parameters.traffic.street.nzebras",
                             &(snx_find_opts){ .max_depth = 3 }));
    /* Measured from the start node. */
    snx_node *traffic = snx_traj_get(t, "traffic");
    assert_non_null(snx_node_get(traffic, "nzebras", &(snx_find_opts){ .max_depth = 2 }));
    assert_null(snx_node_get(traffic, "nzebras", &(snx_find_opts){ .max_depth = 1 }));
    /* The shallow ncars is within reach; the deeper one would not be. */
    snx_node *n = snx_node_get(traffic, "ncars", &(snx_find_opts){ .max_depth = 1 });
    assert_string_equal(snx_node_full_name(n), "parameters.traffic.ncars");
    /* A clash beyond max_depth does not matter. */
    snx_traj_add_parameter(t, "deep.er.x", snx_int(1), NULL);
    snx_traj_add_parameter(t, "other.er.x", snx_int(1), NULL);
    snx_traj_add_parameter(t, "x", snx_int(1), NULL);
    assert_non_null(snx_node_get(root, "x", &(snx_find_opts){ .max_depth = 2 }));
}

static void test_links(void **state)
{
    snx_traj *t = *state;
    build_traffic(t);
    snx_node *traffic = snx_traj_get(t, "traffic");
    snx_node *root = snx_traj_root(t);
    assert_ok(snx_node_add_link(root, "tr", traffic));
    assert_ok(snx_traj_add_link(t, "results.links.zeb", snx_traj_get(t, "nzebras")));
    /* A link is followed like a child, also in the middle of a name. */
    assert_ptr_equal(snx_traj_get(t, "tr"), traffic);
    assert_finds(t, "tr.street.nzebras", "parameters.traffic.street.nzebras");
    assert_finds(t, "tr.nzebras", "parameters.traffic.street.nzebras");
    assert_finds(t, "results.links.zeb", "parameters.traffic.street.nzebras");
    /* Without links they are not there. */
    snx_find_opts no_links = { .no_links = 1 };
    assert_null(snx_node_get(root, "tr", &no_links));
    assert_int_equal(snx_errcode(), SNX_ENOTFOUND);
    assert_null(snx_node_get(root, "results.links.zeb", &no_links));
    /* Shortcuts find links like children, at the depth of the link. */
    assert_finds(t, "zeb", "parameters.traffic.street.nzebras");
    assert_finds(t, "links.zeb", "parameters.traffic.street.nzebras");
    assert_finds(t, "res.links.zeb", "parameters.traffic.street.nzebras");
    assert_null(snx_node_get(root, "zeb", &no_links));
    assert_null(snx_node_get(root, "zeb", &(snx_find_opts){ .max_depth = 2 }));
    assert_non_null(snx_node_get(root, "zeb", &(snx_find_opts){ .max_depth = 3 }));
    /* A link and a node of one name at one depth clash, unless it is the same node. */
    snx_traj_add_result(t, "other.zeb", snx_int(1), NULL);
    assert_get_fails(t, "zeb", SNX_ENOTUNIQUE, "\"zeb\" is not unique");
    assert_ok(snx_node_remove(snx_traj_get(t, "results.other.zeb"), SNX_REMOVE_NODE));
    assert_ok(snx_traj_add_link(t, "results.more.zeb", snx_traj_get(t, "nzebras")));
    assert_finds(t, "zeb", "parameters.traffic.street.nzebras");
    /* Once removed, a link is no shortcut any more. */
    assert_ok(snx_node_remove_link(snx_traj_get(t, "results.more"), "zeb"));
    assert_ok(snx_node_remove_link(snx_traj_get(t, "results.links"), "zeb"));
    assert_get_fails(t, "zeb", SNX_ENOTFOUND, "no \"zeb\"");
    /* A link inside a partial name is followed, then the rest is searched below it. */
    snx_traj_add_result(t, "far.away.deep.leaf", snx_int(1), NULL);
    assert_ok(snx_traj_add_link(t, "parameters.shortcut_to", snx_traj_get(t, "results.far")));
    assert_finds(t, "shortcut_to.leaf", "results.far.away.deep.leaf");
    assert_finds(t, "parameters.shortcut_to.deep.leaf", "results.far.away.deep.leaf");
    assert_get_fails(t, "shortcut_to.nothing", SNX_ENOTFOUND, "no \"shortcut_to.nothing\"");
    assert_null(snx_node_get(root, "tr.nzebras", &no_links));
    /* A shortcut to a link inside a partial name counts the link's depth, not its
     * target's: shortcut_to (2) + far.away.deep.leaf below it (3). */
    assert_null(snx_node_get(root, "shortcut_to.leaf", &(snx_find_opts){ .max_depth = 4 }));
    assert_non_null(snx_node_get(root, "shortcut_to.leaf", &(snx_find_opts){ .max_depth = 5 }));
    assert_ok(snx_traj_add_link(t, "results.up.up.up.back", snx_traj_get(t, "traffic")));
    /* back (5) + street.nzebras (2): 7; the target itself is only 2 deep. */
    assert_non_null(snx_node_get(root, "back.nzebras", &(snx_find_opts){ .max_depth = 7 }));
    assert_null(snx_node_get(root, "back.nzebras", &(snx_find_opts){ .max_depth = 6 }));
    /* max_depth counts a link as one level. */
    assert_non_null(snx_node_get(root, "tr.street.nzebras", &(snx_find_opts){ .max_depth = 3 }));
    assert_null(snx_node_get(root, "tr.street.nzebras", &(snx_find_opts){ .max_depth = 2 }));
    /* ...also when the link is passed by a shortcut: tr(1) + street.nzebras(2). */
    assert_non_null(snx_node_get(root, "tr.nzebras", &(snx_find_opts){ .max_depth = 3 }));
    assert_null(snx_node_get(root, "tr.nzebras", &(snx_find_opts){ .max_depth = 2 }));
}

static void test_branch_abbreviations(void **state)
{
    snx_traj *t = *state;
    snx_traj_add_parameter(t, "p", snx_int(1), NULL);
    snx_traj_add_derived(t, "d", snx_int(1), NULL);
    snx_traj_add_result(t, "r", snx_int(1), NULL);
    snx_traj_add_config(t, "c", snx_int(1), NULL);
    assert_finds(t, "par", "parameters");
    assert_finds(t, "par.p", "parameters.p");
    assert_finds(t, "dpar.d", "derived_parameters.d");
    assert_finds(t, "res.r", "results.r");
    assert_finds(t, "conf.c", "config.c");
    assert_finds(t, "dpar", "derived_parameters");
    /* Abbreviations are translated anywhere in the name, also when adding. */
    snx_node *g = snx_traj_add_group(t, "results.par.res", NULL);
    assert_string_equal(snx_node_full_name(g), "results.parameters.results");
}

static void test_run_abbreviations(void **state)
{
    snx_traj *t = *state;
    snx_traj_add_result(t, "runs.run_00000003.z", snx_int(3), NULL);
    snx_traj_add_result(t, "runs.run_ALL.z", snx_int(-1), NULL);
    snx_traj_add_result(t, "run_set_00002.run_00002022.z", snx_int(2022), NULL);
    snx_traj_add_result(t, "run_set_ALL.run_ALL.z", snx_int(-2), NULL);
    assert_finds(t, "results.runs.r_3.z", "results.runs.run_00000003.z");
    assert_finds(t, "results.runs.run_3.z", "results.runs.run_00000003.z");
    assert_finds(t, "r_3.z", "results.runs.run_00000003.z");
    assert_finds(t, "run_3", "results.runs.run_00000003");
    assert_finds(t, "run_00000003", "results.runs.run_00000003");
    assert_finds(t, "r_2022.z", "results.run_set_00002.run_00002022.z");
    /* Outside a run, crun and $ mean run_ALL, crunset and $set run_set_ALL. */
    assert_finds(t, "runs.crun.z", "results.runs.run_ALL.z");
    assert_finds(t, "runs.$.z", "results.runs.run_ALL.z");
    assert_finds(t, "crunset.crun.z", "results.run_set_ALL.run_ALL.z");
    assert_finds(t, "$set.$.z", "results.run_set_ALL.run_ALL.z");
    /* With a run set they mean that run and its bucket. */
    snx_ranges *r = snx_ranges_new();
    int64_t v[2500];
    for (int k = 0; k < 2500; k++)
        v[k] = k;
    snx_ranges_add_ints(r, "x", v, 2500);
    snx_traj_add_parameter(t, "x", snx_int(0), NULL);
    assert_ok(snx_traj_explore(t, r));
    snx_ranges_free(r);
    assert_ok(snx_traj_set_run(t, 2022));
    assert_finds(t, "res.crunset.crun.z", "results.run_set_00002.run_00002022.z");
    assert_finds(t, "$set.$.z", "results.run_set_00002.run_00002022.z");
    assert_ok(snx_traj_set_run(t, 3));
    assert_finds(t, "results.runs.crun.z", "results.runs.run_00000003.z");
    assert_finds(t, "results.runs.$", "results.runs.run_00000003");
    assert_string_equal(snx_traj_run_name_current(t), "run_00000003");
}

static void test_run_names(void **state)
{
    (void)state;
    char buf[SNX_RUN_NAME_BUF];
    assert_string_equal(snx_run_name(buf, 7), "run_00000007");
    assert_string_equal(snx_run_name(buf, 12345678), "run_12345678");
    assert_string_equal(snx_run_name(buf, -1), "run_ALL");
    assert_string_equal(snx_set_name(buf, 0), "run_set_00000");
    assert_string_equal(snx_set_name(buf, 999), "run_set_00000");
    assert_string_equal(snx_set_name(buf, 2022), "run_set_00002");
    assert_string_equal(snx_set_name(buf, -1), "run_set_ALL");
    long idx = 0;
    assert_ok(snx_run_idx("run_00000007", &idx));
    assert_int_equal(idx, 7);
    assert_ok(snx_run_idx("run_7", &idx));
    assert_int_equal(idx, 7);
    assert_ok(snx_run_idx("r_12", &idx));
    assert_int_equal(idx, 12);
    assert_ok(snx_run_idx("run_ALL", &idx));
    assert_int_equal(idx, -1);
    assert_fails(snx_run_idx("run_x", &idx), SNX_ENAME, "\"run_x\" is not a run name");
    assert_fails(snx_run_idx("run_", &idx), SNX_ENAME, "not a run name");
    assert_fails(snx_run_idx("r_-1", &idx), SNX_ENAME, "not a run name");
    assert_fails(snx_run_idx("x_1", &idx), SNX_ENAME, "not a run name");
}

static void explore_n(snx_traj *t, int n)
{
    snx_traj_add_parameter(t, "x", snx_int(0), NULL);
    snx_ranges *r = snx_ranges_new();
    int64_t v[16];
    for (int k = 0; k < n; k++)
        v[k] = k;
    snx_ranges_add_ints(r, "x", v, (size_t)n);
    assert_ok(snx_traj_explore(t, r));
    snx_ranges_free(r);
}

static void test_crun_falls_back_to_run_all(void **state)
{
    snx_traj *t = *state;
    explore_n(t, 5);
    snx_node *all = snx_traj_add_derived(t, "random_vector.$", snx_int(-1), NULL);
    assert_string_equal(snx_node_full_name(all), "derived_parameters.random_vector.run_ALL");
    snx_node *three = snx_traj_add_derived(t, "random_vector.run_00000003", snx_int(3), NULL);
    assert_ok(snx_traj_set_run(t, 3));
    assert_ptr_equal(snx_traj_get(t, "dpar.random_vector.crun"), three);
    assert_ok(snx_traj_set_run(t, 1));
    assert_ptr_equal(snx_traj_get(t, "dpar.random_vector.crun"), all);
    assert_ptr_equal(snx_traj_get(t, "random_vector.$"), all);
    snx_traj_restore_default(t);
    assert_ptr_equal(snx_traj_get(t, "dpar.random_vector.crun"), all);
    /* No fallback when there is no run_ALL either. */
    snx_traj_add_result(t, "only.run_00000002.z", snx_int(2), NULL);
    assert_ok(snx_traj_set_run(t, 1));
    assert_get_fails(t, "only.crun.z", SNX_ENOTFOUND, "no \"only.run_00000001.z\"");
    /* The fallback also works below a group of the run (crun in the middle). */
    snx_node *az = snx_traj_add_result(t, "mid.run_ALL.z", snx_int(0), NULL);
    assert_ptr_equal(snx_traj_get(t, "mid.crun.z"), az);
}

static void test_run_restricted_search(void **state)
{
    snx_traj *t = *state;
    explore_n(t, 5);
    snx_node *z[5], *dz[5];
    for (long k = 0; k < 5; k++) {
        assert_ok(snx_traj_begin_run(t, k));
        z[k] = snx_traj_add_result(t, "deep.z", snx_int(k), NULL);
        dz[k] = snx_traj_add_derived(t, "dz", snx_int(10 * k), NULL);
        snx_traj_end_run(t);
    }
    snx_node *w = snx_traj_add_result(t, "runs.run_ALL.w", snx_int(-1), NULL);
    snx_node *pz = snx_traj_add_parameter(t, "zz.z", snx_int(0), NULL);
    (void)pz;
    /* Without a run every run's z sits at the same depth. */
    assert_get_fails(t, "results.z", SNX_ENOTUNIQUE, "is not unique");
    assert_get_fails(t, "dz", SNX_ENOTUNIQUE, "is not unique");
    /* Set to run 2, searches below results and derived parameters see run 2 only. */
    assert_ok(snx_traj_set_run(t, 2));
    assert_ptr_equal(snx_traj_get(t, "results.z"), z[2]);
    assert_ptr_equal(snx_traj_get(t, "deep.z"), z[2]);
    assert_ptr_equal(snx_traj_get(t, "dz"), dz[2]);
    assert_ptr_equal(snx_traj_get(t, "results.crun.z"), z[2]);
    assert_int_equal(snx_traj_int(t, "results.z"), 2);
    /* Other runs can still be named. */
    assert_ptr_equal(snx_traj_get(t, "results.run_00000004.z"), z[4]);
    assert_ptr_equal(snx_traj_get(t, "r_4.deep.z"), z[4]);
    assert_ptr_equal(snx_traj_get(t, "results.runs.run_00000000.deep.z"), z[0]);
    assert_ptr_equal(snx_traj_get(t, "results.run_00000001"),
                     snx_traj_get(t, "results.runs.run_00000001"));
    /* (results and derived parameters both have a run_00000001 group) */
    assert_get_fails(t, "run_00000001", SNX_ENOTUNIQUE, "is not unique");
    /* run_ALL serves every run. */
    assert_ptr_equal(snx_traj_get(t, "w"), w);
    /* parameters are never restricted: both z candidates are at different depths. */
    assert_ptr_equal(snx_traj_get(t, "parameters.z"), pz);
    snx_traj_restore_default(t);
    assert_get_fails(t, "results.z", SNX_ENOTUNIQUE, "is not unique");
}

static void test_get_all(void **state)
{
    snx_traj *t = *state;
    build_traffic(t);
    snx_node **all = NULL;
    long n = snx_traj_get_all(t, "ncars", &all);
    assert_int_equal(n, 2);
    assert_string_equal(snx_node_full_name(all[0]), "parameters.traffic.ncars");
    assert_string_equal(snx_node_full_name(all[1]), "parameters.traffic.mobiles.ncars");
    free(all);
    /* Same depth: ordered by full name. */
    snx_traj_add_result(t, "b.same", snx_int(1), NULL);
    snx_traj_add_result(t, "a.same", snx_int(1), NULL);
    n = snx_traj_get_all(t, "same", &all);
    assert_int_equal(n, 2);
    assert_string_equal(snx_node_full_name(all[0]), "results.a.same");
    assert_string_equal(snx_node_full_name(all[1]), "results.b.same");
    free(all);
    /* Partial names and abbreviations. */
    n = snx_traj_get_all(t, "mobiles.ncars", &all);
    assert_int_equal(n, 1);
    free(all);
    n = snx_traj_get_all(t, "par.ncars", &all);
    assert_int_equal(n, 2);
    free(all);
    n = snx_traj_get_all(t, "res.ncars", &all);
    assert_int_equal(n, 0);
    free(all);
    /* Links are not considered. */
    assert_ok(snx_node_add_link(snx_traj_root(t), "ncars2", snx_traj_get(t, "traffic.ncars")));
    n = snx_traj_get_all(t, "ncars2", &all);
    assert_int_equal(n, 0);
    free(all);
    assert_int_equal(snx_traj_get_all(t, NULL, &all), SNX_EINVAL);
}

static void test_contains(void **state)
{
    snx_traj *t = *state;
    build_traffic(t);
    assert_true(snx_traj_contains(t, "nzebras"));
    assert_true(snx_traj_contains(t, "parameters.traffic"));
    assert_false(snx_traj_contains(t, "nope"));
    assert_int_equal(snx_errcode(), 0);
    assert_string_equal(snx_errmsg(), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_full_partial_and_shortcut, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deep_partial_skips_groups, setup, teardown),
        cmocka_unit_test_setup_teardown(test_same_depth_not_unique, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lookup_from_a_group, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_shortcuts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_max_depth, setup, teardown),
        cmocka_unit_test_setup_teardown(test_links, setup, teardown),
        cmocka_unit_test_setup_teardown(test_branch_abbreviations, setup, teardown),
        cmocka_unit_test_setup_teardown(test_run_abbreviations, setup, teardown),
        cmocka_unit_test(test_run_names),
        cmocka_unit_test_setup_teardown(test_crun_falls_back_to_run_all, setup, teardown),
        cmocka_unit_test_setup_teardown(test_run_restricted_search, setup, teardown),
        cmocka_unit_test_setup_teardown(test_get_all, setup, teardown),
        cmocka_unit_test_setup_teardown(test_contains, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
