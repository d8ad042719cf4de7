/* Subruns: the list of simulation phases a run goes through, read from a group of
 * duration parameters ordered by their `order` annotation (pypet's
 * NetworkRunner._extract_subruns), and changed by hooks while the run goes on.
 *
 * The list is a plain array, next subrun first: lists are a handful of entries long,
 * so inserting and removing by moving the tail is the simplest thing that works. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "snex/error.h"
#include "snex/network.h"
#include "snex/util.h"

struct snx_subruns {
    snx_subrun *items; /* names are owned copies */
    size_t n, cap;
};

size_t snx_subruns_count(const snx_subruns *list) { return list ? list->n : 0; }

const snx_subrun *snx_subruns_at(const snx_subruns *list, size_t k)
{
    return list && k < list->n ? &list->items[k] : NULL;
}

static int insert(snx_subruns *list, size_t k, const char *name, double duration, double order,
                  snx_node *param)
{
    if (!list || !name)
        return snx_error(SNX_EINVAL, "snx_subruns_insert: list or name is NULL");
    if (k > list->n)
        return snx_error(SNX_EINVAL, "snx_subruns_insert: position %zu is past the end (%zu "
                                     "subruns)", k, list->n);
    if (!(duration >= 0) || !isfinite(duration))
        return snx_error(SNX_EINVAL, "subrun \"%s\": duration must be a finite time >= 0, not "
                                     "%g s", name, duration);
    char *copy = snx_strdup(name);
    if (!copy || snx_grow(&list->items, &list->cap, list->n + 1, sizeof *list->items)) {
        free(copy);
        return SNX_ENOMEM;
    }
    memmove(&list->items[k + 1], &list->items[k], (list->n - k) * sizeof *list->items);
    list->items[k] = (snx_subrun){ copy, duration, order, param };
    list->n++;
    return 0;
}

int snx_subruns_insert(snx_subruns *list, size_t k, const char *name, double duration,
                       double order)
{
    return insert(list, k, name, duration, order, NULL);
}

int snx_subruns_remove(snx_subruns *list, size_t k)
{
    if (!list || k >= list->n)
        return snx_error(SNX_EINVAL, "snx_subruns_remove: no upcoming subrun %zu (%zu left)", k,
                         snx_subruns_count(list));
    free((char *)list->items[k].name);
    list->n--;
    memmove(&list->items[k], &list->items[k + 1], (list->n - k) * sizeof *list->items);
    return 0;
}

void snx_subruns_clear(snx_subruns *list)
{
    while (list && list->n)
        snx_subruns_remove(list, list->n - 1);
}

void snx_subruns_free(snx_subruns *list)
{
    if (!list)
        return;
    snx_subruns_clear(list);
    free(list->items);
    free(list);
}

/* ---- reading them from the trajectory ------------------------------------------- */

typedef struct collect_ctx {
    snx_subruns *list;
    int rc;
} collect_ctx;

/* The subrun of one duration parameter: a time quantity with a numeric order. */
static int read_subrun(snx_node *leaf, snx_subrun *out)
{
    const char *full = snx_node_full_name(leaf);
    if (snx_node_kind_of(leaf) != SNX_NODE_PARAMETER)
        return snx_error(SNX_EINVAL, "subruns: \"%s\" is not a parameter", full);
    const snx_value *order = snx_node_annotation(leaf, "order");
    if (!order || !(order->type == SNX_T_INT || order->type == SNX_T_DOUBLE))
        return snx_error(SNX_EINVAL, "subruns: \"%s\" has %s `order` annotation (annotate "
                                     "it with a number: subruns run in increasing order)",
                         full, order ? "a non-numeric" : "no");
    const snx_value *v = snx_par_get(leaf);
    snx_dim time = SNX_DIMENSIONLESS;
    time.e[SNX_DIM_S] = 1;
    if (!v || v->type != SNX_T_QUANTITY || !snx_dim_equal(snx_value_dim(v), time))
        return snx_error(SNX_EINVAL, "subruns: \"%s\" must be a time quantity (e.g. 500 ms), "
                                     "not %s", full, v ? snx_type_name(v->type) : "empty");
    *out = (snx_subrun){ snx_node_name(leaf), snx_value_double(v), snx_value_double(order),
                         leaf };
    return 0;
}

static int collect_leaf(snx_node *node, void *ctx_)
{
    collect_ctx *ctx = ctx_;
    if (!snx_node_is_leaf(node))
        return 0;
    snx_subrun s = { 0 };
    ctx->rc = read_subrun(node, &s);
    if (!ctx->rc)
        ctx->rc = insert(ctx->list, ctx->list->n, s.name, s.duration, s.order, s.param);
    return ctx->rc;
}

static int by_order(const void *a, const void *b)
{
    double x = ((const snx_subrun *)a)->order, y = ((const snx_subrun *)b)->order;
    return (x > y) - (x < y);
}

static int check_orders(const snx_subruns *list, const char *group)
{
    if (!list->n)
        return snx_error(SNX_ENOTFOUND, "subruns: group \"%s\" holds no duration parameter",
                         group);
    for (size_t k = 1; k < list->n; k++)
        if (list->items[k].order == list->items[k - 1].order)
            return snx_error(SNX_EINVAL, "subruns: \"%s\" and \"%s\" have the same order %g "
                                         "(orders decide which subrun runs first)",
                             snx_node_full_name(list->items[k - 1].param),
                             snx_node_full_name(list->items[k].param), list->items[k].order);
    return 0;
}

snx_subruns *snx_subruns_from_traj(snx_traj *traj, const char *group)
{
    if (!traj || !group) {
        snx_error(SNX_EINVAL, "snx_subruns_from_traj: trajectory or group is NULL");
        return NULL;
    }
    snx_node **groups = NULL;
    long n = snx_traj_get_all(traj, group, &groups);
    if (n == 0)
        snx_error(SNX_ENOTFOUND, "subruns: the trajectory has no group \"%s\" (add the "
                                 "subruns' durations there, each with an `order` annotation)",
                  group);
    snx_subruns *list = n > 0 ? snx_calloc(1, sizeof *list) : NULL;
    collect_ctx ctx = { list, list ? 0 : SNX_ENOMEM };
    for (long k = 0; k < n && list && !ctx.rc; k++) {
        if (snx_node_is_leaf(groups[k]))
            ctx.rc = snx_error(SNX_EINVAL, "subruns: \"%s\" is a leaf, not a group of durations",
                               snx_node_full_name(groups[k]));
        else
            snx_node_iter(groups[k], &(snx_iter_opts){ .no_links = 1 }, collect_leaf, &ctx);
    }
    free(groups);
    if (list && !ctx.rc) {
        if (list->n > 1)
            qsort(list->items, list->n, sizeof *list->items, by_order);
        ctx.rc = check_orders(list, group);
    }
    if (n <= 0 || ctx.rc) {
        snx_subruns_free(list);
        return NULL;
    }
    return list;
}
