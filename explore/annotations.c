/* Annotations: typed key/value pairs on any node (e.g. `order` on subrun durations). */
#include "traj_internal.h"
#include "snex/error.h"
#include "snex/util.h"

#include <stdlib.h>
#include <string.h>

void traj_annotations_free(snx_node *n) { nv_clear(&n->annotations); }

static named_value *find(const snx_node *n, const char *key)
{
    return nv_find(&n->annotations, key);
}

int snx_node_annotate(snx_node *n, const char *key, snx_value v)
{
    int rc = 0;
    if (!key)
        rc = snx_error(SNX_EINVAL, "annotate: NULL key");
    else if (v.type == SNX_T_ERROR)
        rc = snx_error_context("annotation \"%s\" of \"%s\"", key, n->full_name);
    else if (v.type == SNX_T_NONE || v.type == SNX_T_TABLE)
        rc = snx_error(SNX_ETYPE, "annotation \"%s\" of \"%s\": a %s value cannot annotate",
                       key, n->full_name, snx_type_name(v.type));
    else
        rc = traj_check_key(key, "annotation");
    if (rc) {
        snx_value_clear(&v);
        return rc;
    }
    return nv_put(&n->annotations, key, v);
}

const snx_value *snx_node_annotation(const snx_node *n, const char *key)
{
    named_value *nv = key ? find(n, key) : NULL;
    if (!nv) {
        snx_error(SNX_ENOTFOUND, "\"%s\" has no annotation \"%s\"", n->full_name,
                  key ? key : "(null)");
        return NULL;
    }
    return &nv->value;
}

size_t snx_node_n_annotations(const snx_node *n) { return n->annotations.n; }

const snx_value *snx_node_annotation_at(const snx_node *n, size_t i, const char **key)
{
    if (i >= n->annotations.n)
        return NULL;
    if (key)
        *key = n->annotations.items[i].name;
    return &n->annotations.items[i].value;
}

int snx_node_remove_annotation(snx_node *n, const char *key)
{
    named_value *nv = key ? find(n, key) : NULL;
    if (!nv)
        return snx_error(SNX_ENOTFOUND, "\"%s\" has no annotation \"%s\"", n->full_name,
                         key ? key : "(null)");
    nv_drop(&n->annotations, nv);
    return 0;
}

static int by_key(const void *a, const void *b)
{
    return strcmp((*(named_value *const *)a)->name, (*(named_value *const *)b)->name);
}

char *snx_node_annotations_to_str(const snx_node *n)
{
    named_value **sorted = snx_calloc(n->annotations.n, sizeof *sorted);
    if (!sorted)
        return NULL;
    for (size_t k = 0; k < n->annotations.n; k++)
        sorted[k] = &n->annotations.items[k];
    qsort(sorted, n->annotations.n, sizeof *sorted, by_key);
    snx_buf b = { 0 };
    snx_buf_puts(&b, "");
    for (size_t k = 0; k < n->annotations.n; k++) {
        char *v = snx_value_to_str(&sorted[k]->value, 0);
        snx_buf_printf(&b, "%s%s=%s", k ? "; " : "", sorted[k]->name, v ? v : "?");
        free(v);
    }
    free(sorted);
    return snx_buf_take(&b);
}
