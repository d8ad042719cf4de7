/* Annotations: typed key/value pairs on any node (e.g. `order` on subrun durations). */
#include "traj_internal.h"
#include "snex/error.h"
#include "snex/util.h"

#include <stdlib.h>
#include <string.h>

void traj_annotations_free(snx_node *n)
{
    for (size_t k = 0; k < n->n_annotations; k++) {
        free(n->annotations[k].name);
        snx_value_clear(&n->annotations[k].value);
    }
    free(n->annotations);
    n->annotations = NULL;
    n->n_annotations = n->cap_annotations = 0;
}

static named_value *find(const snx_node *n, const char *key)
{
    for (size_t k = 0; k < n->n_annotations; k++)
        if (strcmp(n->annotations[k].name, key) == 0)
            return &n->annotations[k];
    return NULL;
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
    named_value *old = find(n, key);
    if (old) {
        snx_value_clear(&old->value);
        old->value = v;
        return 0;
    }
    char *k = snx_strdup(key);
    if (!k || snx_grow(&n->annotations, &n->cap_annotations, n->n_annotations + 1,
                       sizeof *n->annotations)) {
        free(k);
        snx_value_clear(&v);
        return SNX_ENOMEM;
    }
    n->annotations[n->n_annotations++] = (named_value){ k, v };
    return 0;
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

size_t snx_node_n_annotations(const snx_node *n) { return n->n_annotations; }

const snx_value *snx_node_annotation_at(const snx_node *n, size_t i, const char **key)
{
    if (i >= n->n_annotations)
        return NULL;
    if (key)
        *key = n->annotations[i].name;
    return &n->annotations[i].value;
}

int snx_node_remove_annotation(snx_node *n, const char *key)
{
    named_value *nv = key ? find(n, key) : NULL;
    if (!nv)
        return snx_error(SNX_ENOTFOUND, "\"%s\" has no annotation \"%s\"", n->full_name,
                         key ? key : "(null)");
    free(nv->name);
    snx_value_clear(&nv->value);
    size_t k = (size_t)(nv - n->annotations);
    memmove(nv, nv + 1, (n->n_annotations - k - 1) * sizeof *nv);
    n->n_annotations--;
    return 0;
}

static int by_key(const void *a, const void *b)
{
    return strcmp((*(named_value *const *)a)->name, (*(named_value *const *)b)->name);
}

char *snx_node_annotations_to_str(const snx_node *n)
{
    named_value **sorted = snx_calloc(n->n_annotations, sizeof *sorted);
    if (!sorted)
        return NULL;
    for (size_t k = 0; k < n->n_annotations; k++)
        sorted[k] = &n->annotations[k];
    qsort(sorted, n->n_annotations, sizeof *sorted, by_key);
    snx_buf b = { 0 };
    snx_buf_puts(&b, "");
    for (size_t k = 0; k < n->n_annotations; k++) {
        char *v = snx_value_to_str(&sorted[k]->value, 0);
        snx_buf_printf(&b, "%s%s=%s", k ? "; " : "", sorted[k]->name, v ? v : "?");
        free(v);
    }
    free(sorted);
    return snx_buf_take(&b);
}
