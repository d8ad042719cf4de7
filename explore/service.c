/* The storage-service front-ends: the trajectory forwards store/load requests to the
 * attached service, and offers the service ways to rebuild the tree when loading. */
#include "traj_internal.h"
#include "snex/error.h"
#include "snex/util.h"

#include <stdlib.h>
#include <string.h>

snx_load_opts snx_load_defaults(void)
{
    return (snx_load_opts){ .index = -1,
                            .parameters = SNX_LOAD_DATA,
                            .derived = SNX_LOAD_SKELETON,
                            .results = SNX_LOAD_SKELETON,
                            .other = SNX_LOAD_SKELETON };
}

void snx_traj_set_storage(snx_traj *t, const snx_storage_ops *ops, void *self)
{
    if (t->storage_ops && t->storage_ops->free)
        t->storage_ops->free(t->storage_self);
    t->storage_ops = ops;
    t->storage_self = ops ? self : NULL;
}

bool snx_traj_has_storage(const snx_traj *t) { return t->storage_ops != NULL; }
void *snx_traj_storage_self(const snx_traj *t) { return t->storage_self; }
void snx_traj_set_auto_load(snx_traj *t, bool on) { t->auto_load = on; }
bool snx_traj_auto_load(const snx_traj *t) { return t->auto_load; }
bool snx_node_is_stored(const snx_node *n) { return n->stored; }
void snx_node_set_stored(snx_node *n, bool stored) { n->stored = stored; }
bool snx_traj_is_stored(const snx_traj *t) { return t->stored; }
void snx_traj_set_stored(snx_traj *t, bool stored) { t->stored = stored; }

static int need_service(const snx_traj *t, const char *what, int present)
{
    if (!t->storage_ops)
        return snx_error(SNX_ENOSERVICE,
                         "%s: trajectory \"%s\" has no storage service (attach one, e.g. an "
                         "HDF5 file, first)", what, t->name);
    if (!present)
        return snx_error(SNX_ENOSERVICE, "%s: the storage service cannot do this", what);
    return 0;
}

int snx_traj_store(snx_traj *t, const snx_store_opts *opts)
{
    static const snx_store_opts defaults = { .level = SNX_STORE_DATA, .recursive = 1 };
    int rc = need_service(t, "store", t->storage_ops && t->storage_ops->store);
    if (!rc && (rc = traj_refuse_in_run(t, "storing the whole trajectory")) == 0)
        rc = t->storage_ops->store(t->storage_self, t, opts ? opts : &defaults);
    /* Whatever the service does, a stored trajectory must refuse explore from now on. */
    if (!rc && (!opts || opts->level != SNX_STORE_NOTHING))
        t->stored = 1;
    return rc;
}

int snx_traj_store_node(snx_traj *t, snx_node *node, const snx_store_opts *opts)
{
    static const snx_store_opts defaults = { .level = SNX_STORE_DATA };
    int rc = need_service(t, "store_node", t->storage_ops && t->storage_ops->store_node);
    if (!rc && !node)
        rc = snx_error(SNX_EINVAL, "store_node: NULL node");
    if (!rc && !t->stored)
        rc = snx_error(SNX_ESTATE,
                       "store_node \"%s\": store the trajectory once before single items",
                       node->full_name);
    if (!rc)
        rc = t->storage_ops->store_node(t->storage_self, t, node, opts ? opts : &defaults);
    return rc;
}

int snx_traj_store_piece(snx_traj *t, long idx, double attempt, const char *full_name,
                         const char *item, const snx_value *piece)
{
    int rc = need_service(t, "store_piece", t->storage_ops && t->storage_ops->append_piece);
    if (!rc && (idx < 0 || (size_t)idx >= t->n_runs))
        rc = snx_error(SNX_EINVAL, "store_piece: no run %ld (the trajectory has %zu)", idx,
                       t->n_runs);
    if (!rc && (!full_name || !item || !piece))
        rc = snx_error(SNX_EINVAL, "store_piece: NULL %s",
                       !full_name ? "result name" : !item ? "item name" : "piece");
    return rc ? rc : t->storage_ops->append_piece(t->storage_self, t, idx, attempt, full_name,
                                                  item, piece);
}

int snx_traj_discard_pieces(snx_traj *t, long idx)
{
    int rc = need_service(t, "discard_pieces", t->storage_ops && t->storage_ops->discard_pieces);
    return rc ? rc : t->storage_ops->discard_pieces(t->storage_self, t, idx);
}

bool snx_traj_storage_streams(const snx_traj *t)
{
    return t && t->storage_ops && t->storage_ops->append_piece && t->storage_ops->discard_pieces;
}

int snx_traj_store_run(snx_traj *t, long idx)
{
    int rc = need_service(t, "store_run", t->storage_ops && t->storage_ops->store_run);
    if (!rc && (idx < 0 || (size_t)idx >= t->n_runs))
        rc = snx_error(SNX_EINVAL, "store_run: no run %ld (the trajectory has %zu)", idx,
                       t->n_runs);
    return rc ? rc : t->storage_ops->store_run(t->storage_self, t, idx);
}

int snx_traj_load(snx_traj *t, const snx_load_opts *opts)
{
    snx_load_opts defaults = snx_load_defaults();
    int rc = need_service(t, "load", t->storage_ops && t->storage_ops->load);
    if (!rc && (rc = traj_refuse_in_run(t, "loading the trajectory")) == 0)
        rc = t->storage_ops->load(t->storage_self, t, opts ? opts : &defaults);
    return rc;
}

int snx_traj_load_node(snx_traj *t, snx_node *node, const snx_item_opts *opts)
{
    static const snx_item_opts defaults = { .level = SNX_LOAD_DATA };
    int rc = need_service(t, "load_node", t->storage_ops && t->storage_ops->load_node);
    if (!rc && !node)
        rc = snx_error(SNX_EINVAL, "load_node: NULL node");
    if (!rc && opts && opts->load_only && opts->load_except)
        rc = snx_error(SNX_EINVAL,
                       "load \"%s\": load_only and load_except exclude each other",
                       node->full_name);
    return rc ? rc : t->storage_ops->load_node(t->storage_self, t, node, opts ? opts : &defaults);
}

static int is_below(const snx_node *n, const snx_node *ancestor)
{
    for (; n; n = n->parent)
        if (n == ancestor)
            return 1;
    return 0;
}

int snx_traj_delete_node(snx_traj *t, snx_node *node, const char *const *only_items,
                         snx_remove_mode mode)
{
    int rc = need_service(t, "delete", t->storage_ops && t->storage_ops->delete_node);
    if (!rc && !node)
        rc = snx_error(SNX_EINVAL, "delete: NULL node");
    /* The runs are defined by the explored ranges: deleting one would orphan them. */
    for (size_t e = 0; !rc && e < t->n_explored; e++)
        if (is_below(t->explored[e], node))
            rc = snx_error(SNX_ETYPE, "delete \"%s\": explored parameter \"%s\" cannot be "
                           "deleted", node->full_name, t->explored[e]->full_name);
    return rc ? rc : t->storage_ops->delete_node(t->storage_self, t, node, only_items, mode);
}

/* Auto-loading runs inside a lookup; the service may look nodes up itself, which
 * must not auto-load again. */
int traj_auto_load_missing(snx_traj *t, const char *full_name)
{
    if (!t->storage_ops->load_missing)
        return snx_error(SNX_ENOSERVICE, "auto-load: the storage service cannot load nodes");
    t->auto_load = 0;
    int rc = t->storage_ops->load_missing(t->storage_self, t, full_name);
    t->auto_load = 1;
    return rc;
}

int traj_auto_load_leaf(snx_traj *t, snx_node *leaf)
{
    snx_item_opts opts = { .level = SNX_LOAD_DATA };
    t->auto_load = 0;
    int rc = snx_traj_load_node(t, leaf, &opts);
    t->auto_load = 1;
    if (!rc && snx_leaf_is_empty(leaf))
        rc = snx_error(SNX_ENODATA, "auto-load: \"%s\" has no data in storage", leaf->full_name);
    return rc;
}

/* ---- building the tree while loading ------------------------------------------ */

snx_node *snx_traj_load_group(snx_traj *t, const char *full_name, const char *comment)
{
    char **comps = traj_split_name(t, full_name, NULL);
    if (!comps)
        return NULL;
    snx_node *first_new = NULL;
    snx_node *g = traj_make_groups(t, t->root, comps, traj_count_components(comps), &first_new);
    traj_free_components(comps);
    if (g && comment && *comment && snx_node_set_comment(g, comment)) {
        traj_undo_node(first_new);
        return NULL;
    }
    return g;
}

/* What a loaded leaf must satisfy before anything is created. */
static int check_loaded_leaf(char *const *comps, size_t n, snx_node_kind kind,
                             const snx_value *value, const char *full_name)
{
    if (kind != SNX_NODE_PARAMETER && kind != SNX_NODE_RESULT)
        return snx_error(SNX_EINVAL, "loading \"%s\": a leaf is a parameter or a result",
                         full_name);
    if (n < 2)
        return snx_error(SNX_EINVAL, "loading \"%s\": leaves cannot hang at the root",
                         full_name);
    int rc = traj_check_name(comps[n - 1], "loading a leaf");
    if (!rc && traj_leaf_kind(traj_branch_of(comps[0])) != kind)
        rc = snx_error(SNX_ETYPE, "loading \"%s\": a %s cannot hang in this branch",
                       full_name, kind == SNX_NODE_PARAMETER ? "parameter" : "result");
    return rc ? rc : traj_check_leaf_value(kind, value, full_name);
}

/* Puts a loaded value into a leaf (consumed). */
static int fill_loaded(snx_node *leaf, snx_value *value)
{
    snx_value v = *value;
    *value = snx_none();
    if (v.type == SNX_T_NONE)
        return 0;
    if (leaf->kind == SNX_NODE_RESULT)
        return snx_result_set(leaf, leaf->name, v);
    int rc = leaf->locked ? snx_error(SNX_ELOCKED, "loading \"%s\": the parameter is locked "
                                      "(it was read); unlock it first", leaf->full_name)
             : leaf->range_len ? traj_par_check_kind(leaf, &v, 0) : 0;
    if (rc) {
        snx_value_clear(&v);
        return rc;
    }
    snx_value_clear(&leaf->value);
    leaf->value = v;
    return 0;
}

snx_node *snx_traj_load_leaf(snx_traj *t, const char *full_name, snx_node_kind kind,
                             snx_value value, const char *comment)
{
    snx_node *leaf = NULL, *created = NULL;
    char **comps = NULL;
    if (value.type == SNX_T_ERROR) {
        snx_error_context("loading \"%s\"", full_name ? full_name : "(null)");
        goto out;
    }
    if (!(comps = traj_split_name(t, full_name, NULL)))
        goto out;
    size_t n = traj_count_components(comps);
    if (check_loaded_leaf(comps, n, kind, &value, full_name))
        goto out;
    snx_node *group = traj_make_groups(t, t->root, comps, n - 1, &created);
    if (!group)
        goto out;
    leaf = traj_child(group, comps[n - 1]);
    if (leaf && leaf->kind != kind) {
        snx_error(SNX_ETYPE, "loading \"%s\": a %s of that name exists", full_name,
                  leaf->kind == SNX_NODE_GROUP ? "group" : "leaf of another kind");
        leaf = NULL;
        goto out;
    }
    if (!leaf && (leaf = traj_node_new(t, group, comps[n - 1], kind)) && !created)
        created = leaf;
    if (!leaf || (comment && *comment && snx_node_set_comment(leaf, comment)) ||
        fill_loaded(leaf, &value)) {
        traj_undo_node(created);
        leaf = NULL;
    }
out:
    snx_value_clear(&value);
    traj_free_components(comps);
    return leaf;
}

/* What a loaded range must satisfy; nothing changes before it holds. */
static int check_loaded_range(const snx_node *p, const snx_value *values, size_t n)
{
    if (!p || p->kind != SNX_NODE_PARAMETER)
        return snx_error(SNX_ETYPE, "load_range: \"%s\" is not a parameter",
                         p ? p->full_name : "(null)");
    const snx_traj *t = p->traj;
    if (p->branch != SNX_BRANCH_PARAMETERS)
        return snx_error(SNX_EINVAL, "load_range: \"%s\" is not in the parameters branch; "
                         "only parameters are explored", p->full_name);
    if (!n || !values)
        return snx_error(SNX_EFORMAT, "load_range: \"%s\": an empty range", p->full_name);
    if (p->locked)
        return snx_error(SNX_ELOCKED, "load_range: parameter \"%s\" is locked (it was read); "
                         "unlock it first", p->full_name);
    size_t others = t->n_explored - (p->range_len ? 1 : 0);
    if (others && n != t->n_runs)
        return snx_error(SNX_EFORMAT, "load_range: \"%s\" has %zu values, other ranges have %zu",
                         p->full_name, n, t->n_runs);
    /* The new values replace the old range: check them against the default, or
     * against the first of them when the parameter is a skeleton. */
    const snx_value *ref = p->value.type != SNX_T_NONE ? &p->value : &values[0];
    for (size_t k = 0; k < n; k++) {
        int rc = traj_value_check_kind(p->full_name, ref, &values[k], k);
        if (rc)
            return rc;
    }
    return 0;
}

int snx_par_load_range(snx_node *p, snx_value *values, size_t n)
{
    int rc = check_loaded_range(p, values, n);
    snx_traj *t = rc ? NULL : p->traj;
    /* Allocate everything first: the old range goes only when the new one fits. */
    if (!rc && (snx_grow(&t->explored, &t->cap_explored, t->n_explored + 1,
                         sizeof *t->explored) ||
                traj_grow_runs(t, n) ||
                snx_grow(&p->range, &p->range_cap, n, sizeof *p->range) ||
                (p->value.type == SNX_T_NONE && snx_value_copy(&p->value, &values[0]))))
        rc = SNX_ENOMEM;
    if (!rc) {
        int was_explored = p->range_len > 0;
        for (size_t k = 0; k < p->range_len; k++)
            snx_value_clear(&p->range[k]);
        p->range_len = 0;
        traj_par_append_range(p, values, n); /* cannot fail: room was made */
        if (!was_explored)
            t->explored[t->n_explored++] = p;
        t->n_runs = n;
    }
    for (size_t k = 0; values && k < n; k++)
        snx_value_clear(&values[k]);
    return rc;
}
