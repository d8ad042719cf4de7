/* Results: any number of named items. Positional items are named like the result,
 * then name_1, name_2, ... (pypet's rule). */
#include "traj_internal.h"
#include "snex/error.h"
#include "snex/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_result(const snx_node *n, const char *what)
{
    if (n && n->kind == SNX_NODE_RESULT)
        return 1;
    snx_error(SNX_ETYPE, "%s: \"%s\" is not a result", what, n ? n->full_name : "(null)");
    return 0;
}

void traj_result_free(snx_node *r) { nv_clear(&r->items); }

static named_value *find_item(const snx_node *r, const char *name)
{
    return nv_find(&r->items, name);
}

int snx_result_set(snx_node *r, const char *item, snx_value v)
{
    int rc = 0;
    if (!is_result(r, "result_set"))
        rc = SNX_ETYPE;
    else if (v.type == SNX_T_ERROR)
        rc = snx_error_context("result \"%s\", item \"%s\"", r->full_name, item);
    else if (v.type == SNX_T_NONE)
        rc = snx_error(SNX_ETYPE, "result \"%s\", item \"%s\": no value", r->full_name, item);
    else
        rc = traj_check_key(item, "result item");
    if (rc) {
        snx_value_clear(&v);
        return rc;
    }
    return nv_put(&r->items, item, v);
}

static void positional_name(const snx_node *r, size_t k, char *buf, size_t size)
{
    if (k == 0)
        snprintf(buf, size, "%s", r->name);
    else
        snprintf(buf, size, "%s_%zu", r->name, k);
}

int snx_result_add(snx_node *r, snx_value v)
{
    if (!is_result(r, "result_add")) {
        snx_value_clear(&v);
        return SNX_ETYPE;
    }
    char name[SNX_NAME_MAX + 32];
    size_t k = 0;
    do
        positional_name(r, k++, name, sizeof name);
    while (find_item(r, name));
    return snx_result_set(r, name, v);
}

const snx_value *snx_result_get(const snx_node *r, const char *item)
{
    if (!is_result(r, "result_get"))
        return NULL;
    if (!item) {
        snx_error(SNX_EINVAL, "result_get: NULL item name");
        return NULL;
    }
    named_value *nv = find_item(r, item);
    if (!nv) {
        snx_error(SNX_ENOTFOUND, "result \"%s\" has no item \"%s\"%s", r->full_name, item,
                  r->items.n ? "" : " (it is empty)");
        return NULL;
    }
    return &nv->value;
}

const snx_value *snx_result_get_pos(const snx_node *r, size_t k)
{
    char name[SNX_NAME_MAX + 32];
    positional_name(r, k, name, sizeof name);
    return snx_result_get(r, name);
}

size_t snx_result_n_items(const snx_node *r) { return r->items.n; }

const snx_value *snx_result_item_at(const snx_node *r, size_t i, const char **name)
{
    if (i >= r->items.n)
        return NULL;
    if (name)
        *name = r->items.items[i].name;
    return &r->items.items[i].value;
}

/* The item `item` of result r, or NULL with the reason set. */
static named_value *find_existing(const snx_node *r, const char *item, const char *what)
{
    if (!is_result(r, what))
        return NULL;
    if (!item) {
        snx_error(SNX_EINVAL, "%s: NULL item name", what);
        return NULL;
    }
    named_value *nv = find_item(r, item);
    if (!nv)
        snx_error(SNX_ENOTFOUND, "result \"%s\" has no item \"%s\"", r->full_name, item);
    return nv;
}

static void drop_item(snx_node *r, named_value *nv) { nv_drop(&r->items, nv); }

int snx_result_take(snx_node *r, const char *item, snx_value *out)
{
    named_value *nv = find_existing(r, item, "result_take");
    if (!nv)
        return snx_errcode();
    *out = nv->value;
    nv->value = snx_none();
    drop_item(r, nv);
    return 0;
}

int snx_result_remove(snx_node *r, const char *item)
{
    named_value *nv = find_existing(r, item, "result_remove");
    if (!nv)
        return snx_errcode();
    drop_item(r, nv);
    return 0;
}

bool snx_result_is_empty(const snx_node *r) { return r->items.n == 0; }
void snx_result_empty(snx_node *r)
{
    if (r && r->kind == SNX_NODE_RESULT)
        traj_result_free(r);
}

bool snx_leaf_is_empty(const snx_node *n)
{
    if (n->kind == SNX_NODE_PARAMETER)
        return snx_par_is_empty(n);
    if (n->kind == SNX_NODE_RESULT)
        return snx_result_is_empty(n);
    return 0;
}

int snx_leaf_empty(snx_node *n)
{
    if (n->kind == SNX_NODE_PARAMETER)
        return snx_par_empty(n);
    if (n->kind == SNX_NODE_RESULT) {
        snx_result_empty(n);
        return 0;
    }
    return snx_error(SNX_ETYPE, "\"%s\" is a group, not a leaf", n->full_name);
}
