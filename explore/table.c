/* Tables: named columns of equal length, the result item for tabular data. */
#include "snex/value.h"
#include "snex/error.h"
#include "snex/util.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    char *name;
    snx_col_type type;
    void *data; /* n_rows elements */
} table_col;

struct snx_table {
    size_t n_rows, n_cols, cap_cols;
    table_col *cols;
};

static size_t col_elem_size(snx_col_type t)
{
    switch (t) {
    case SNX_COL_INT: return sizeof(int64_t);
    case SNX_COL_DOUBLE: return sizeof(double);
    case SNX_COL_BOOL: return 1;
    default: return sizeof(char *);
    }
}

snx_table *snx_table_new(size_t n_rows)
{
    snx_table *t = snx_calloc(1, sizeof *t);
    if (t)
        t->n_rows = n_rows;
    return t;
}

static void free_col(table_col *c, size_t n_rows)
{
    if (c->type == SNX_COL_STRING && c->data)
        for (size_t r = 0; r < n_rows; r++)
            free(((char **)c->data)[r]);
    free(c->data);
    free(c->name);
}

void snx_table_free(snx_table *t)
{
    if (!t)
        return;
    for (size_t c = 0; c < t->n_cols; c++)
        free_col(&t->cols[c], t->n_rows);
    free(t->cols);
    free(t);
}

long snx_table_find(const snx_table *t, const char *name)
{
    for (size_t c = 0; c < t->n_cols; c++)
        if (strcmp(t->cols[c].name, name) == 0)
            return (long)c;
    return -1;
}

static int add_col(snx_table *t, const char *name, snx_col_type type, const void *data)
{
    if (!name || !*name)
        return snx_error(SNX_EINVAL, "table column: empty name");
    if (snx_table_find(t, name) >= 0)
        return snx_error(SNX_EEXIST, "table column \"%s\" exists already", name);
    if (t->n_rows && !data)
        return snx_error(SNX_EINVAL, "table column \"%s\": NULL data", name);
    if (snx_grow(&t->cols, &t->cap_cols, t->n_cols + 1, sizeof *t->cols))
        return SNX_ENOMEM;
    table_col c = { snx_strdup(name), type, snx_calloc(t->n_rows, col_elem_size(type)) };
    if (!c.name || !c.data) {
        free(c.name);
        free(c.data);
        return SNX_ENOMEM;
    }
    if (type == SNX_COL_STRING) {
        const char *const *src = data;
        char **dst = c.data;
        for (size_t r = 0; r < t->n_rows; r++)
            if (!(dst[r] = snx_strdup(src[r] ? src[r] : ""))) {
                free_col(&c, t->n_rows);
                return SNX_ENOMEM;
            }
    } else if (t->n_rows) {
        memcpy(c.data, data, t->n_rows * col_elem_size(type));
    }
    t->cols[t->n_cols++] = c;
    return 0;
}

int snx_table_add_int(snx_table *t, const char *name, const int64_t *data)
{
    return add_col(t, name, SNX_COL_INT, data);
}
int snx_table_add_double(snx_table *t, const char *name, const double *data)
{
    return add_col(t, name, SNX_COL_DOUBLE, data);
}
int snx_table_add_bool(snx_table *t, const char *name, const bool *data)
{
    return add_col(t, name, SNX_COL_BOOL, data);
}
int snx_table_add_string(snx_table *t, const char *name, const char *const *data)
{
    return add_col(t, name, SNX_COL_STRING, data);
}

size_t snx_table_rows(const snx_table *t) { return t->n_rows; }
size_t snx_table_cols(const snx_table *t) { return t->n_cols; }
const char *snx_table_col_name(const snx_table *t, size_t col) { return t->cols[col].name; }
snx_col_type snx_table_col_type(const snx_table *t, size_t col) { return t->cols[col].type; }
const void *snx_table_col_data(const snx_table *t, size_t col) { return t->cols[col].data; }

int snx_table_copy(snx_table **out, const snx_table *t)
{
    snx_table *c = snx_table_new(t->n_rows);
    if (!c)
        return SNX_ENOMEM;
    for (size_t k = 0; k < t->n_cols; k++) {
        int rc = add_col(c, t->cols[k].name, t->cols[k].type, t->cols[k].data);
        if (rc) {
            snx_table_free(c);
            return rc;
        }
    }
    *out = c;
    return 0;
}

bool snx_table_equal(const snx_table *a, const snx_table *b)
{
    if (a->n_rows != b->n_rows || a->n_cols != b->n_cols)
        return 0;
    for (size_t k = 0; k < a->n_cols; k++) {
        const table_col *x = &a->cols[k], *y = &b->cols[k];
        if (strcmp(x->name, y->name) != 0 || x->type != y->type)
            return 0;
        if (x->type == SNX_COL_STRING) {
            for (size_t r = 0; r < a->n_rows; r++)
                if (strcmp(((char **)x->data)[r], ((char **)y->data)[r]) != 0)
                    return 0;
        } else if (memcmp(x->data, y->data, a->n_rows * col_elem_size(x->type)) != 0) {
            return 0;
        }
    }
    return 1;
}
