/* explore/: the storage-service front-ends, with an in-memory fake service that
 * records what it is asked; auto-loading; and the helpers services use to rebuild
 * a tree (load_leaf, load_group, load_range). */
#include "snx_test.h"

/* ---- the fake service: a "file" of full name → int, and a log of calls ---------- */

typedef struct fake {
    int n_store, n_store_node, n_store_run, n_load, n_load_node, n_missing, n_delete;
    int fail_with; /* non-zero: the next call fails with this code */
    snx_store_opts store_opts;
    snx_load_opts load_opts;
    snx_item_opts item_opts;
    snx_node *node;
    long run;
    const char *const *only_items;
    int recursive;
    char missing[256];
    struct {
        char name[256];
        int64_t value;
    } disk[16];
    size_t n_disk;
    int *freed;
} fake;

static int failing(fake *f)
{
    int rc = f->fail_with;
    f->fail_with = 0;
    return rc ? snx_error(rc, "the fake service fails on purpose") : 0;
}

static const int64_t *on_disk(const fake *f, const char *full_name)
{
    for (size_t k = 0; k < f->n_disk; k++)
        if (strcmp(f->disk[k].name, full_name) == 0)
            return &f->disk[k].value;
    return NULL;
}

static int put_leaf(snx_node *n, void *ctx)
{
    fake *f = ctx;
    if (!snx_node_is_leaf(n))
        return 0;
    const snx_value *v = snx_node_kind_of(n) == SNX_NODE_RESULT
                             ? snx_result_get(n, snx_node_name(n))
                             : snx_par_peek(n);
    if (v && v->type == SNX_T_INT && f->n_disk < 16) {
        snprintf(f->disk[f->n_disk].name, sizeof f->disk[0].name, "%s", snx_node_full_name(n));
        f->disk[f->n_disk++].value = v->u.i;
        snx_node_set_stored(n, 1);
    }
    return 0;
}

static int fake_store(void *self, snx_traj *t, const snx_store_opts *o)
{
    fake *f = self;
    f->n_store++;
    f->store_opts = *o;
    int rc = failing(f);
    if (!rc) {
        f->n_disk = 0;
        rc = snx_node_iter(snx_traj_root(t), NULL, put_leaf, f);
    }
    return rc;
}

static int fake_store_node(void *self, snx_traj *t, snx_node *n, const snx_store_opts *o)
{
    (void)t;
    fake *f = self;
    f->n_store_node++;
    f->node = n;
    f->store_opts = *o;
    return failing(f);
}

static int fake_store_run(void *self, snx_traj *t, long idx)
{
    (void)t;
    fake *f = self;
    f->n_store_run++;
    f->run = idx;
    return failing(f);
}

static int fake_load(void *self, snx_traj *t, const snx_load_opts *o)
{
    (void)t;
    fake *f = self;
    f->n_load++;
    f->load_opts = *o;
    return failing(f);
}

/* Fills a leaf from the "file". A real service may look nodes up while loading;
 * this one does too, to prove that such lookups do not auto-load again. */
static int fake_load_node(void *self, snx_traj *t, snx_node *n, const snx_item_opts *o)
{
    fake *f = self;
    f->n_load_node++;
    f->node = n;
    f->item_opts = *o;
    int rc = failing(f);
    if (rc)
        return rc;
    assert_null(snx_traj_get(t, "results.not.in.memory"));
    const int64_t *v = on_disk(f, snx_node_full_name(n));
    if (!v)
        return 0; /* nothing there: the leaf stays empty */
    return snx_node_kind_of(n) == SNX_NODE_RESULT ? snx_result_set(n, snx_node_name(n), snx_int(*v))
                                                  : snx_par_set(n, snx_int(*v));
}

static int fake_load_missing(void *self, snx_traj *t, const char *full_name)
{
    fake *f = self;
    f->n_missing++;
    snprintf(f->missing, sizeof f->missing, "%s", full_name);
    int rc = failing(f);
    if (rc)
        return rc;
    assert_null(snx_traj_get(t, "results.not.in.memory")); /* no recursion */
    const int64_t *v = on_disk(f, full_name);
    if (!v)
        return snx_error(SNX_ENODATA, "\"%s\" is not in the fake file", full_name);
    snx_node_kind kind = strncmp(full_name, "results.", 8) == 0 ? SNX_NODE_RESULT
                                                                 : SNX_NODE_PARAMETER;
    snx_node *n = snx_traj_load_leaf(t, full_name, kind, snx_int(*v), "loaded");
    if (n)
        snx_node_set_stored(n, 1);
    return n ? 0 : snx_errcode();
}

static int fake_delete(void *self, snx_traj *t, snx_node *n, const char *const *only,
                       snx_remove_mode mode)
{
    (void)t;
    fake *f = self;
    f->n_delete++;
    f->node = n;
    f->only_items = only;
    f->recursive = mode == SNX_REMOVE_RECURSIVE;
    return failing(f);
}

static void fake_free(void *self)
{
    fake *f = self;
    if (f->freed)
        (*f->freed)++;
    free(f);
}

static const snx_storage_ops FAKE_OPS = {
    .store = fake_store,
    .store_node = fake_store_node,
    .store_run = fake_store_run,
    .load = fake_load,
    .load_node = fake_load_node,
    .load_missing = fake_load_missing,
    .delete_node = fake_delete,
    .free = fake_free,
};

static fake *attach(snx_traj *t)
{
    fake *f = calloc(1, sizeof *f);
    snx_traj_set_storage(t, &FAKE_OPS, f);
    return f;
}

static int setup(void **state)
{
    snx_traj *t = snx_traj_new("svc", NULL);
    snx_traj_add_parameter(t, "x", snx_int(1), NULL);
    snx_traj_add_parameter(t, "y", snx_int(2), NULL);
    snx_traj_add_result(t, "mygroupA.mygroupB.myresult", snx_int(42), NULL);
    snx_ranges *r = snx_ranges_new();
    snx_ranges_add_ints(r, "x", (int64_t[]){ 1, 2, 3 }, 3);
    int rc = snx_traj_explore(t, r);
    snx_ranges_free(r);
    *state = t;
    return rc;
}

static int teardown(void **state)
{
    snx_traj_free(*state);
    return 0;
}

/* ---- without a service ----------------------------------------------------------- */

static void test_no_service(void **state)
{
    snx_traj *t = *state;
    snx_node *n = snx_traj_get(t, "myresult");
    assert_false(snx_traj_has_storage(t));
    assert_null(snx_traj_storage_self(t));
    const char *msg = "trajectory \"svc\" has no storage service (attach one, e.g. an HDF5 "
                      "file, first)";
    assert_fails(snx_traj_store(t, NULL), SNX_ENOSERVICE, msg);
    assert_errmsg_contains("store: ");
    assert_fails(snx_traj_store_node(t, n, NULL), SNX_ENOSERVICE, msg);
    assert_errmsg_contains("store_node: ");
    assert_fails(snx_traj_store_run(t, 0), SNX_ENOSERVICE, msg);
    assert_fails(snx_traj_load(t, NULL), SNX_ENOSERVICE, msg);
    assert_errmsg_contains("load: ");
    assert_fails(snx_traj_load_node(t, n, NULL), SNX_ENOSERVICE, msg);
    const char *only[] = { "a", NULL };
    assert_fails(snx_traj_load_node(t, n, &(snx_item_opts){ .load_only = only, .load_except = only }),
                 SNX_ENOSERVICE, msg);
    assert_fails(snx_traj_delete_node(t, n, NULL, SNX_REMOVE_NODE), SNX_ENOSERVICE, msg);
    assert_errmsg_contains("delete: ");
    assert_false(snx_traj_is_stored(t));
    /* Auto-loading without a service does not try anything. */
    snx_traj_set_auto_load(t, 1);
    assert_null(snx_traj_get(t, "results.not.there"));
    assert_int_equal(snx_errcode(), SNX_ENOTFOUND);
    snx_result_empty(n);
    assert_ptr_equal(snx_traj_get(t, "myresult"), n); /* an empty leaf stays empty */
}

static void test_partial_service(void **state)
{
    snx_traj *t = *state;
    static const snx_storage_ops store_only = { .store = fake_store, .free = fake_free };
    snx_traj_set_storage(t, &store_only, calloc(1, sizeof(fake)));
    assert_ok(snx_traj_store(t, NULL));
    assert_fails(snx_traj_load(t, NULL), SNX_ENOSERVICE,
                 "load: the storage service cannot do this");
    snx_traj_set_auto_load(t, 1);
    assert_null(snx_traj_get(t, "results.not.there"));
    assert_int_equal(snx_errcode(), SNX_ENOSERVICE);
    assert_errmsg_contains("auto-load: the storage service cannot load nodes");
}

/* ---- forwarding ------------------------------------------------------------------ */

static void test_attach_and_free(void **state)
{
    snx_traj *t = *state;
    int freed = 0;
    fake *f = attach(t);
    f->freed = &freed;
    assert_true(snx_traj_has_storage(t));
    assert_ptr_equal(snx_traj_storage_self(t), f);
    fake *g = attach(t); /* replacing frees the old one */
    g->freed = &freed;
    assert_int_equal(freed, 1);
    snx_traj_set_storage(t, NULL, NULL); /* detaching too */
    assert_int_equal(freed, 2);
    assert_false(snx_traj_has_storage(t));
    fake *h = attach(t);
    h->freed = &freed;
    snx_traj_free(t); /* and freeing the trajectory */
    assert_int_equal(freed, 3);
    *state = snx_traj_new("svc", NULL);
}

static void test_store(void **state)
{
    snx_traj *t = *state;
    fake *f = attach(t);
    /* A failing store leaves the trajectory unstored. */
    f->fail_with = SNX_EIO;
    assert_fails(snx_traj_store(t, NULL), SNX_EIO, "fails on purpose");
    assert_false(snx_traj_is_stored(t));
    /* Defaults: store data, recursively. */
    assert_ok(snx_traj_store(t, NULL));
    assert_int_equal(f->n_store, 2);
    assert_int_equal(f->store_opts.level, SNX_STORE_DATA);
    assert_true(f->store_opts.recursive);
    assert_true(snx_traj_is_stored(t));
    assert_true(snx_node_is_stored(snx_traj_get(t, "myresult")));
    assert_int_equal(*on_disk(f, "results.mygroupA.mygroupB.myresult"), 42);
    /* Options are passed as given. */
    snx_store_opts o = { .level = SNX_STORE_OVERWRITE, .max_depth = 3 };
    assert_ok(snx_traj_store(t, &o));
    assert_int_equal(f->store_opts.level, SNX_STORE_OVERWRITE);
    assert_int_equal(f->store_opts.max_depth, 3);
    /* A stored trajectory refuses explore. */
    snx_ranges *r = snx_ranges_new();
    snx_ranges_add_ints(r, "y", (int64_t[]){ 1, 2, 3 }, 3);
    assert_fails(snx_traj_explore(t, r), SNX_ESTATE, "was stored already");
    snx_ranges_free(r);
    /* Not during a run. */
    assert_ok(snx_traj_begin_run(t, 0));
    assert_fails(snx_traj_store(t, NULL), SNX_ESTATE,
                 "storing the whole trajectory is not allowed during a single run");
    snx_traj_end_run(t);
    assert_int_equal(f->n_store, 3);
}

static void test_store_nothing_marks_nothing(void **state)
{
    snx_traj *t = *state;
    fake *f = attach(t);
    assert_ok(snx_traj_store(t, &(snx_store_opts){ .level = SNX_STORE_NOTHING }));
    assert_int_equal(f->n_store, 1);
    assert_false(snx_traj_is_stored(t));
}

static void test_store_node_and_run(void **state)
{
    snx_traj *t = *state;
    fake *f = attach(t);
    snx_node *n = snx_traj_get(t, "myresult");
    assert_fails(snx_traj_store_node(t, n, NULL), SNX_ESTATE,
                 "store_node \"results.mygroupA.mygroupB.myresult\": store the trajectory once "
                 "before single items");
    assert_int_equal(f->n_store_node, 0);
    assert_ok(snx_traj_store(t, NULL));
    assert_ok(snx_traj_store_node(t, n, NULL));
    assert_int_equal(f->n_store_node, 1);
    assert_ptr_equal(f->node, n);
    assert_int_equal(f->store_opts.level, SNX_STORE_DATA);
    const char *parts[] = { "partA", "partB", NULL };
    snx_store_opts o = { .level = SNX_STORE_OVERWRITE, .overwrite_items = parts };
    assert_ok(snx_traj_store_node(t, n, &o));
    assert_ptr_equal(f->store_opts.overwrite_items, parts);
    assert_fails(snx_traj_store_node(t, NULL, NULL), SNX_EINVAL, "NULL node");
    f->fail_with = SNX_EIO;
    assert_fails(snx_traj_store_node(t, n, NULL), SNX_EIO, "on purpose");
    /* Runs. */
    assert_ok(snx_traj_store_run(t, 2));
    assert_int_equal(f->run, 2);
    assert_fails(snx_traj_store_run(t, 3), SNX_EINVAL, "store_run: no run 3 (the trajectory has 3)");
    assert_fails(snx_traj_store_run(t, -1), SNX_EINVAL, "no run -1");
    assert_int_equal(f->n_store_run, 1);
}

static void test_load(void **state)
{
    snx_traj *t = *state;
    fake *f = attach(t);
    assert_ok(snx_traj_load(t, NULL));
    snx_load_opts d = snx_load_defaults();
    assert_int_equal(f->load_opts.index, -1);
    assert_null(f->load_opts.name);
    assert_int_equal(f->load_opts.parameters, SNX_LOAD_DATA);
    assert_int_equal(f->load_opts.derived, SNX_LOAD_SKELETON);
    assert_int_equal(f->load_opts.results, SNX_LOAD_SKELETON);
    assert_int_equal(f->load_opts.other, SNX_LOAD_SKELETON);
    assert_int_equal(d.parameters, SNX_LOAD_DATA);
    snx_load_opts o = d;
    o.name = "other";
    o.results = SNX_LOAD_DATA;
    o.as_new = 1;
    assert_ok(snx_traj_load(t, &o));
    assert_string_equal(f->load_opts.name, "other");
    assert_int_equal(f->load_opts.results, SNX_LOAD_DATA);
    assert_true(f->load_opts.as_new);
    f->fail_with = SNX_EVERSION;
    assert_fails(snx_traj_load(t, NULL), SNX_EVERSION, "on purpose");
    assert_ok(snx_traj_begin_run(t, 0));
    assert_fails(snx_traj_load(t, NULL), SNX_ESTATE, "loading the trajectory is not allowed");
    snx_traj_end_run(t);
    assert_int_equal(f->n_load, 3);
}

static void test_load_node(void **state)
{
    snx_traj *t = *state;
    fake *f = attach(t);
    snx_node *n = snx_traj_get(t, "myresult");
    assert_ok(snx_traj_load_node(t, n, NULL));
    assert_int_equal(f->item_opts.level, SNX_LOAD_DATA);
    assert_ptr_equal(f->node, n);
    const char *only[] = { "monty", "mat1", NULL }, *except[] = { "mat2", NULL };
    assert_ok(snx_traj_load_node(t, n, &(snx_item_opts){ .level = SNX_LOAD_OVERWRITE,
                                                         .load_only = only }));
    assert_ptr_equal(f->item_opts.load_only, only);
    assert_int_equal(f->item_opts.level, SNX_LOAD_OVERWRITE);
    assert_fails(snx_traj_load_node(t, n, &(snx_item_opts){ .load_only = only,
                                                            .load_except = except }),
                 SNX_EINVAL,
                 "load \"results.mygroupA.mygroupB.myresult\": load_only and load_except "
                 "exclude each other");
    assert_fails(snx_traj_load_node(t, NULL, NULL), SNX_EINVAL, "NULL node");
    assert_int_equal(f->n_load_node, 2);
}

static void test_delete(void **state)
{
    snx_traj *t = *state;
    fake *f = attach(t);
    snx_node *x = snx_traj_get(t, "x");
    assert_fails(snx_traj_delete_node(t, x, NULL, SNX_REMOVE_NODE), SNX_ETYPE,
                 "delete \"parameters.x\": explored parameter \"parameters.x\" cannot be deleted");
    assert_fails(snx_traj_delete_node(t, snx_traj_get(t, "parameters"), NULL, SNX_REMOVE_RECURSIVE), SNX_ETYPE,
                 "explored parameter \"parameters.x\" cannot be deleted");
    assert_int_equal(f->n_delete, 0);
    const char *parts[] = { "mystuff", NULL };
    snx_node *n = snx_traj_get(t, "myresult");
    assert_ok(snx_traj_delete_node(t, n, parts, SNX_REMOVE_NODE));
    assert_ptr_equal(f->node, n);
    assert_ptr_equal(f->only_items, parts);
    assert_false(f->recursive);
    assert_ok(snx_traj_delete_node(t, snx_traj_get(t, "y"), NULL, SNX_REMOVE_RECURSIVE));
    assert_true(f->recursive);
    assert_fails(snx_traj_delete_node(t, NULL, NULL, SNX_REMOVE_RECURSIVE), SNX_EINVAL, "NULL node");
    /* Deleting on disk leaves the tree alone. */
    assert_ptr_equal(snx_traj_get(t, "myresult"), n);
    assert_int_equal(f->n_delete, 2);
}

/* ---- auto-loading ------------------------------------------------------------------------ */

static void test_auto_load_missing_node(void **state)
{
    snx_traj *t = *state;
    fake *f = attach(t);
    assert_ok(snx_traj_store(t, NULL));
    assert_ok(snx_node_remove_child(snx_traj_root(t), "results", SNX_REMOVE_RECURSIVE));
    assert_false(snx_traj_contains(t, "myresult"));
    /* Off: nothing is loaded. */
    assert_null(snx_traj_get(t, "results.mygroupA.mygroupB.myresult"));
    assert_int_equal(snx_errcode(), SNX_ENOTFOUND);
    assert_int_equal(f->n_missing, 0);
    snx_traj_set_auto_load(t, 1);
    /* contains() never loads */
    assert_false(snx_traj_contains(t, "results.mygroupA.mygroupB.myresult"));
    assert_int_equal(f->n_missing, 0);
    /* The full name: loaded with its groups and data. */
    snx_node *n = snx_traj_get(t, "results.mygroupA.mygroupB.myresult");
    assert_non_null(n);
    assert_int_equal(f->n_missing, 1);
    assert_string_equal(f->missing, "results.mygroupA.mygroupB.myresult");
    assert_int_equal(snx_result_get(n, "myresult")->u.i, 42);
    assert_string_equal(snx_node_comment(n), "loaded");
    assert_true(snx_node_is_stored(n));
    assert_int_equal(snx_traj_int(t, "myresult"), 42); /* now in memory: shortcuts work */
    assert_int_equal(f->n_missing, 1);
    /* Shortcuts cannot auto-load: the name is taken as the place in the file. */
    assert_ok(snx_node_remove_child(snx_traj_root(t), "results", SNX_REMOVE_RECURSIVE));
    assert_null(snx_traj_get(t, "myresult"));
    assert_int_equal(snx_errcode(), SNX_ENODATA);
    assert_errmsg_contains("\"myresult\" is not in the fake file");
    assert_string_equal(f->missing, "myresult");
    /* Relative to a group, the group's full name is the prefix; abbreviations expand. */
    snx_traj_add_group(t, "results.mygroupA", NULL);
    n = snx_node_get(snx_traj_get(t, "results.mygroupA"), "mygroupB.myresult", NULL);
    assert_non_null(n);
    assert_string_equal(f->missing, "results.mygroupA.mygroupB.myresult");
    assert_ok(snx_node_remove_child(snx_traj_root(t), "results", SNX_REMOVE_RECURSIVE));
    assert_non_null(snx_traj_get(t, "res.mygroupA.mygroupB.myresult"));
    /* The service's own error comes through. */
    f->fail_with = SNX_EIO;
    assert_null(snx_traj_get(t, "results.elsewhere"));
    assert_int_equal(snx_errcode(), SNX_EIO);
}

static void test_auto_load_empty_leaf(void **state)
{
    snx_traj *t = *state;
    fake *f = attach(t);
    assert_ok(snx_traj_store(t, NULL));
    snx_node *n = snx_traj_get(t, "myresult");
    snx_result_empty(n);
    snx_node *y = snx_traj_get(t, "y");
    assert_ok(snx_par_empty(y));
    /* Off: the empty leaf is returned as it is. */
    assert_ptr_equal(snx_traj_get(t, "myresult"), n);
    assert_true(snx_result_is_empty(n));
    snx_traj_set_auto_load(t, 1);
    /* On: filled from storage on access, shortcuts allowed. */
    assert_int_equal(snx_traj_int(t, "myresult"), 42);
    assert_int_equal(f->n_load_node, 1);
    assert_int_equal(f->item_opts.level, SNX_LOAD_DATA);
    assert_int_equal(snx_traj_int(t, "y"), 2);
    assert_int_equal(f->n_load_node, 2);
    assert_int_equal(snx_traj_int(t, "y"), 2); /* full now: no more loading */
    assert_int_equal(f->n_load_node, 2);
    /* A leaf the file has no data for. */
    snx_node *e = snx_traj_add_result(t, "never.stored", snx_none(), NULL);
    assert_null(snx_traj_get(t, "results.never.stored"));
    assert_int_equal(snx_errcode(), SNX_ENODATA);
    assert_errmsg_contains("auto-load: \"results.never.stored\" has no data in storage");
    assert_true(snx_result_is_empty(e));
    /* A service failure. */
    snx_result_empty(n);
    f->fail_with = SNX_EIO;
    assert_null(snx_traj_get(t, "myresult"));
    assert_int_equal(snx_errcode(), SNX_EIO);
}

/* ---- the loading helpers --------------------------------------------------------------- */

static void test_load_leaf_and_group(void **state)
{
    (void)state;
    snx_traj *t = snx_traj_new("loaded", NULL);
    snx_node *g = snx_traj_load_group(t, "results.runs.run_00000003", "a run");
    assert_non_null(g);
    assert_string_equal(snx_node_comment(g), "a run");
    snx_node *z = snx_traj_load_leaf(t, "results.runs.run_00000003.z", SNX_NODE_RESULT,
                                     snx_int(7), "zed");
    assert_non_null(z);
    assert_int_equal(snx_result_get(z, "z")->u.i, 7);
    assert_string_equal(snx_node_comment(z), "zed");
    /* Loading again fills the existing leaf. */
    assert_ptr_equal(snx_traj_load_leaf(t, "results.runs.run_00000003.z", SNX_NODE_RESULT,
                                        snx_int(8), NULL),
                     z);
    assert_int_equal(snx_result_get(z, "z")->u.i, 8);
    assert_string_equal(snx_node_comment(z), "zed");
    /* Skeletons: no value. */
    snx_node *p = snx_traj_load_leaf(t, "parameters.neuron.tau", SNX_NODE_PARAMETER, snx_none(),
                                     NULL);
    assert_true(snx_par_is_empty(p));
    assert_ptr_equal(snx_traj_load_leaf(t, "parameters.neuron.tau", SNX_NODE_PARAMETER,
                                        snx_quantity(10, "ms"), NULL),
                     p);
    assert_true(snx_par_peek(p)->u.d == 0.01);
    /* No run-phase rules: a run may be going on. */
    snx_traj_add_parameter(t, "i", snx_int(0), NULL);
    assert_ok(snx_traj_begin_run(t, 0));
    assert_non_null(snx_traj_load_leaf(t, "parameters.late", SNX_NODE_PARAMETER, snx_int(1), NULL));
    snx_traj_end_run(t);
    size_t nodes = snx_traj_n_nodes(t);
    /* Refusals, which leave nothing behind. */
    assert_null(snx_traj_load_leaf(t, "results.new.group.bad-name", SNX_NODE_RESULT, snx_int(1), NULL));
    assert_int_equal(snx_errcode(), SNX_ENAME);
    assert_null(snx_traj_load_leaf(t, "parameters.new.r", SNX_NODE_RESULT, snx_int(1), NULL));
    assert_int_equal(snx_errcode(), SNX_ETYPE);
    assert_errmsg_contains("loading \"parameters.new.r\": a result cannot hang in this branch");
    assert_null(snx_traj_load_leaf(t, "results.new.p", SNX_NODE_PARAMETER, snx_int(1), NULL));
    assert_int_equal(snx_errcode(), SNX_ETYPE);
    assert_null(snx_traj_load_leaf(t, "toplevel", SNX_NODE_RESULT, snx_int(1), NULL));
    assert_int_equal(snx_errcode(), SNX_EINVAL);
    assert_errmsg_contains("leaves cannot hang at the root");
    assert_null(snx_traj_load_leaf(t, "results.runs", SNX_NODE_RESULT, snx_int(1), NULL));
    assert_int_equal(snx_errcode(), SNX_ETYPE);
    assert_errmsg_contains("a group of that name exists");
    assert_null(snx_traj_load_leaf(t, "results.g.x", SNX_NODE_GROUP, snx_int(1), NULL));
    assert_int_equal(snx_errcode(), SNX_EINVAL);
    assert_null(snx_traj_load_leaf(t, "parameters.new.tab", SNX_NODE_PARAMETER,
                                   snx_table_value(snx_table_new(1)), NULL));
    assert_int_equal(snx_errcode(), SNX_ETYPE);
    assert_null(snx_traj_load_leaf(t, "parameters.new.bad", SNX_NODE_PARAMETER,
                                   snx_quantity(1, "cubits"), NULL));
    assert_errmsg_contains("loading \"parameters.new.bad\"");
    assert_int_equal(snx_traj_n_nodes(t), nodes);
    /* A locked parameter is not overwritten by loading (pypet: unlock first). */
    snx_par_get(p);
    assert_null(snx_traj_load_leaf(t, "parameters.neuron.tau", SNX_NODE_PARAMETER,
                                   snx_quantity(20, "ms"), NULL));
    assert_int_equal(snx_errcode(), SNX_ELOCKED);
    assert_errmsg_contains("loading \"parameters.neuron.tau\": the parameter is locked");
    assert_true(snx_par_peek(p)->u.d == 0.01);
    /* The creation time of the loaded trajectory. */
    snx_traj_set_timestamp(t, 1445398980.0);
    assert_true(snx_traj_timestamp(t) == 1445398980.0);
    assert_int_equal(strlen(snx_traj_time(t)), strlen("2015_10_21_04h23m00s"));
    assert_memory_equal(snx_traj_time(t), "2015_10_2", 9);
    snx_traj_free(t);
}

static snx_value *ints_values(const int64_t *v, size_t n)
{
    static snx_value vals[8];
    for (size_t k = 0; k < n; k++)
        vals[k] = snx_int(v[k]);
    return vals;
}

static void test_load_range(void **state)
{
    (void)state;
    snx_traj *t = snx_traj_new("loaded", NULL);
    snx_node *x = snx_traj_load_leaf(t, "parameters.x", SNX_NODE_PARAMETER, snx_none(), NULL);
    snx_node *y = snx_traj_load_leaf(t, "parameters.y", SNX_NODE_PARAMETER, snx_int(0), NULL);
    /* A skeleton parameter gets its range and the first value as default. */
    assert_ok(snx_par_load_range(x, ints_values((int64_t[]){ 5, 6, 7 }, 3), 3));
    assert_int_equal(snx_traj_n_runs(t), 3);
    assert_int_equal(snx_traj_n_explored(t), 1);
    assert_int_equal(snx_par_peek(x)->u.i, 5);
    assert_int_equal(snx_par_range_at(x, 2)->u.i, 7);
    /* Another parameter must have the same length. */
    snx_value *v = ints_values((int64_t[]){ 1, 2 }, 2);
    v[1] = snx_str("consumed");
    assert_fails(snx_par_load_range(y, v, 2), SNX_EFORMAT,
                 "load_range: \"parameters.y\" has 2 values, other ranges have 3");
    assert_int_equal(v[1].type, SNX_T_NONE);
    assert_ok(snx_par_load_range(y, ints_values((int64_t[]){ 1, 2, 3 }, 3), 3));
    assert_int_equal(snx_traj_n_explored(t), 2);
    assert_ok(snx_traj_set_run(t, 1));
    assert_int_equal(snx_traj_int(t, "y"), 2);
    snx_traj_restore_default(t);
    snx_par_unlock(y);
    /* Values of another kind than the default, or mixed in a skeleton's range. */
    assert_fails(snx_par_load_range(y, (snx_value[]){ snx_double(1), snx_double(2), snx_double(3) }, 3),
                 SNX_ETYPE, "\"parameters.y\", value 0: a double does not match the parameter's int");
    snx_node *e = snx_traj_load_leaf(t, "parameters.e", SNX_NODE_PARAMETER, snx_none(), NULL);
    assert_fails(snx_par_load_range(e, (snx_value[]){ snx_int(1), snx_str("2"), snx_int(3) }, 3),
                 SNX_ETYPE, "\"parameters.e\", value 1: a string does not match the parameter's int");
    assert_false(snx_par_is_explored(e));
    assert_true(snx_par_is_empty(e));
    /* Empty ranges, non-parameters, derived parameters, locked ones. */
    assert_fails(snx_par_load_range(e, NULL, 0), SNX_EFORMAT, "an empty range");
    assert_fails(snx_par_load_range(snx_traj_get(t, "parameters"), ints_values((int64_t[]){ 1 }, 1), 1),
                 SNX_ETYPE, "load_range: \"parameters\" is not a parameter");
    snx_node *d = snx_traj_load_leaf(t, "derived_parameters.d", SNX_NODE_PARAMETER, snx_int(0), NULL);
    assert_fails(snx_par_load_range(d, ints_values((int64_t[]){ 1, 2, 3 }, 3), 3), SNX_EINVAL,
                 "\"derived_parameters.d\" is not in the parameters branch");
    snx_par_lock(e);
    assert_fails(snx_par_load_range(e, ints_values((int64_t[]){ 1, 2, 3 }, 3), 3), SNX_ELOCKED,
                 "load_range: parameter \"parameters.e\" is locked");
    assert_int_equal(snx_traj_n_explored(t), 2);
    /* Reloading a range replaces it; alone, a parameter may change the length. */
    assert_ok(snx_par_load_range(y, ints_values((int64_t[]){ 7, 8, 9 }, 3), 3));
    assert_int_equal(snx_par_range_at(y, 0)->u.i, 7);
    assert_int_equal(snx_traj_n_explored(t), 2);
    assert_ok(snx_par_shrink(x));
    assert_ok(snx_par_load_range(y, ints_values((int64_t[]){ 1, 2, 3, 4, 5 }, 5), 5));
    assert_int_equal(snx_traj_n_runs(t), 5);
    assert_int_equal(snx_traj_n_explored(t), 1);
    snx_traj_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_no_service, setup, teardown),
        cmocka_unit_test_setup_teardown(test_partial_service, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attach_and_free, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_nothing_marks_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_node_and_run, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_node, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_auto_load_missing_node, setup, teardown),
        cmocka_unit_test_setup_teardown(test_auto_load_empty_leaf, setup, teardown),
        cmocka_unit_test(test_load_leaf_and_group),
        cmocka_unit_test(test_load_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
