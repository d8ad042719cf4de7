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

int snx_traj_has_storage(const snx_traj *t) { return t->storage_ops != NULL; }
void *snx_traj_storage_self(const snx_traj *t) { return t->storage_self; }
void snx_traj_set_auto_load(snx_traj *t, int on) { t->auto_load = on; }
int snx_node_is_stored(const snx_node *n) { return n->stored; }
void snx_node_set_stored(snx_node *n, int stored) { n->stored = stored; }
int snx_traj_is_stored(const snx_traj *t) { return t->stored; }
void snx_traj_set_stored(snx_traj *t, int stored) { t->stored = stored; }

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
    return rc;
}

int snx_traj_store_node(snx_traj *t, snx_node *node, const snx_store_opts *opts)
{
    static const snx_store_opts defaults = { .level = SNX_STORE_DATA };
    int rc = need_service(t, "store_node", t->storage_ops && t->storage_ops->store_node);
    if (!rc && !t->stored)
        rc = snx_error(SNX_ESTATE,
                       "store_node \"%s\": store the trajectory once before single items",
                       node->full_name);
    if (!rc)
        rc = t->storage_ops->store_node(t->storage_self, t, node, opts ? opts : &defaults);
    return rc;
}

int snx_traj_store_run(snx_traj *t, long idx)
{
    int rc = need_service(t, "store_run", t->storage_ops && t->storage_ops->store_run);
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
    if (opts && opts->load_only && opts->load_except)
        return snx_error(SNX_EINVAL, "load \"%s\": load_only and load_except exclude each other",
                         node->full_name);
    int rc = need_service(t, "load_node", t->storage_ops && t->storage_ops->load_node);
    return rc ? rc : t->storage_ops->load_node(t->storage_self, t, node, opts ? opts : &defaults);
}

int snx_traj_delete_node(snx_traj *t, snx_node *node, const char *const *only_items,
                         int recursive)
{
    int rc = need_service(t, "delete", t->storage_ops && t->storage_ops->delete_node);
    if (!rc && node->kind == SNX_NODE_PARAMETER && node->range_len)
        rc = snx_error(SNX_ETYPE, "delete: \"%s\" is explored; explored parameters stay",
                       node->full_name);
    return rc ? rc : t->storage_ops->delete_node(t->storage_self, t, node, only_items, recursive);
}

int traj_auto_load_missing(snx_traj *t, const char *full_name)
{
    if (!t->storage_ops->load_missing)
        return snx_error(SNX_ENOSERVICE, "auto-load: the storage service cannot load nodes");
    return t->storage_ops->load_missing(t->storage_self, t, full_name);
}

int traj_auto_load_leaf(snx_traj *t, snx_node *leaf)
{
    snx_item_opts opts = { .level = SNX_LOAD_DATA };
    int rc = snx_traj_load_node(t, leaf, &opts);
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
    snx_node *g = traj_make_groups(t, t->root, comps, traj_count_components(comps));
    traj_free_components(comps);
    if (g && comment && *comment && snx_node_set_comment(g, comment))
        return NULL;
    return g;
}

snx_node *snx_traj_load_leaf(snx_traj *t, const char *full_name, snx_node_kind kind,
                             snx_value value, const char *comment)
{
    snx_node *leaf = NULL;
    char **comps = NULL;
    if (value.type == SNX_T_ERROR) {
        snx_error_context("loading \"%s\"", full_name);
        goto out;
    }
    if (!(comps = traj_split_name(t, full_name, NULL)))
        goto out;
    size_t n = traj_count_components(comps);
    snx_node *group = traj_make_groups(t, t->root, comps, n - 1);
    if (!group)
        goto out;
    leaf = traj_child(group, comps[n - 1]);
    if (leaf && leaf->kind != kind) {
        snx_error(SNX_ETYPE, "loading \"%s\": a different kind of node exists", full_name);
        leaf = NULL;
        goto out;
    }
    if (!leaf && !(leaf = traj_node_new(t, group, comps[n - 1], kind)))
        goto out;
    if (comment && *comment && snx_node_set_comment(leaf, comment)) {
        leaf = NULL;
        goto out;
    }
    if (value.type != SNX_T_NONE) {
        int rc;
        if (kind == SNX_NODE_PARAMETER) {
            snx_value_clear(&leaf->value);
            leaf->value = value;
            value = snx_none();
            rc = 0;
        } else {
            rc = snx_result_set(leaf, leaf->name, value);
            value = snx_none();
        }
        if (rc)
            leaf = NULL;
    }
out:
    snx_value_clear(&value);
    traj_free_components(comps);
    return leaf;
}

int snx_par_load_range(snx_node *p, snx_value *values, size_t n)
{
    snx_traj *t = p->traj;
    int rc = 0;
    if (p->kind != SNX_NODE_PARAMETER)
        rc = snx_error(SNX_ETYPE, "load_range: \"%s\" is not a parameter", p->full_name);
    else if (t->n_explored && n != t->n_runs)
        rc = snx_error(SNX_EFORMAT, "load_range: \"%s\" has %zu values, other ranges have %zu",
                       p->full_name, n, t->n_runs);
    for (size_t k = 0; !rc && k < n; k++)
        rc = traj_par_check_kind(p, &values[k], k);
    if (!rc && snx_grow(&t->explored, &t->cap_explored, t->n_explored + 1, sizeof *t->explored))
        rc = SNX_ENOMEM;
    if (!rc && !p->range_len)
        rc = traj_grow_runs(t, n);
    if (!rc) {
        for (size_t k = 0; k < p->range_len; k++)
            snx_value_clear(&p->range[k]);
        int was_explored = p->range_len > 0;
        p->range_len = 0;
        rc = traj_par_append_range(p, values, n);
        if (!rc && !was_explored)
            t->explored[t->n_explored++] = p;
        if (!rc)
            t->n_runs = n;
    }
    for (size_t k = 0; k < n; k++)
        snx_value_clear(&values[k]);
    return rc;
}
