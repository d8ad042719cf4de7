/* named_values: a small list of (name, value) pairs in insertion order — the items
 * of a result and the annotations of a node. Few entries per list, so a linear
 * search beats any index. */
#include "traj_internal.h"
#include "snex/error.h"
#include "snex/util.h"

#include <stdlib.h>
#include <string.h>

void nv_clear(named_values *l)
{
    for (size_t k = 0; k < l->n; k++) {
        free(l->items[k].name);
        snx_value_clear(&l->items[k].value);
    }
    free(l->items);
    *l = (named_values){ 0 };
}

named_value *nv_find(const named_values *l, const char *name)
{
    for (size_t k = 0; k < l->n; k++)
        if (strcmp(l->items[k].name, name) == 0)
            return &l->items[k];
    return NULL;
}

int nv_put(named_values *l, const char *name, snx_value v)
{
    named_value *old = nv_find(l, name);
    if (old) {
        snx_value_clear(&old->value);
        old->value = v;
        return 0;
    }
    char *copy = snx_strdup(name);
    if (!copy || snx_grow(&l->items, &l->cap, l->n + 1, sizeof *l->items)) {
        free(copy);
        snx_value_clear(&v);
        return SNX_ENOMEM;
    }
    l->items[l->n++] = (named_value){ copy, v };
    return 0;
}

void nv_drop(named_values *l, named_value *nv)
{
    free(nv->name);
    snx_value_clear(&nv->value);
    size_t k = (size_t)(nv - l->items);
    memmove(nv, nv + 1, (l->n - k - 1) * sizeof *nv); /* keeps the order */
    l->n--;
}
