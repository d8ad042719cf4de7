/* Typed values: constructors, copy, equality, kinds and display. */
#include "snex/value.h"
#include "snex/error.h"
#include "snex/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const TYPE_NAMES[SNX_N_TYPES] = {
    "none", "bool", "int", "double", "complex", "string",
    "quantity", "int_array", "double_array", "table",
};

const char *snx_type_name(snx_type t)
{
    if (t == SNX_T_ERROR)
        return "error";
    return (t >= 0 && t < SNX_N_TYPES) ? TYPE_NAMES[t] : "invalid";
}

snx_type snx_type_from_name(const char *name)
{
    for (int t = 0; t < SNX_N_TYPES; t++)
        if (strcmp(TYPE_NAMES[t], name) == 0)
            return (snx_type)t;
    return SNX_T_NONE;
}

snx_value snx_none(void) { return (snx_value){ .type = SNX_T_NONE }; }
static snx_value failed(void) { return (snx_value){ .type = SNX_T_ERROR }; }
snx_value snx_bool(bool b) { return (snx_value){ .type = SNX_T_BOOL, .u.b = b }; }
snx_value snx_int(int64_t i) { return (snx_value){ .type = SNX_T_INT, .u.i = i }; }
snx_value snx_double(double d) { return (snx_value){ .type = SNX_T_DOUBLE, .u.d = d }; }

snx_value snx_complex(double re, double im)
{
    snx_value v = { .type = SNX_T_COMPLEX };
    v.u.c.re = re;
    v.u.c.im = im;
    return v;
}

snx_value snx_str(const char *s)
{
    if (!s) {
        snx_error(SNX_EINVAL, "snx_str: NULL string");
        return failed();
    }
    char *d = snx_strdup(s);
    return d ? (snx_value){ .type = SNX_T_STRING, .u.s = d } : failed();
}

snx_value snx_quantity(double value, const char *unit)
{
    snx_unit u;
    if (!unit || snx_unit_parse(unit, &u) != 0) {
        if (!unit)
            snx_error(SNX_EINVAL, "snx_quantity: NULL unit");
        return failed();
    }
    char *name = snx_strdup(unit);
    if (!name)
        return failed();
    return (snx_value){ .type = SNX_T_QUANTITY, .unit = name, .u.d = value * u.scale };
}

snx_value snx_quantity_str(const char *text)
{
    double si;
    snx_unit u;
    if (!text) {
        snx_error(SNX_EINVAL, "snx_quantity_str: NULL text");
        return failed();
    }
    if (snx_quantity_parse(text, &si, &u) != 0)
        return failed();
    /* Keep the unit as written after the number (and an optional '*'), without
     * trailing blanks. */
    char *end;
    strtod(text, &end);
    while (*end == ' ' || *end == '*')
        end++;
    size_t len = strlen(end);
    while (len && (end[len - 1] == ' ' || end[len - 1] == '\t'))
        len--;
    char *name = len ? snx_strndup(end, len) : snx_strdup("1");
    if (!name)
        return failed();
    return (snx_value){ .type = SNX_T_QUANTITY, .unit = name, .u.d = si };
}

static snx_value make_array(snx_type type, int ndim, const size_t *shape, const void *data,
                            size_t elem)
{
    if (ndim < 1 || ndim > SNX_MAX_NDIM) {
        snx_error(SNX_EINVAL, "array: %d dimensions (1 to %d allowed)", ndim, SNX_MAX_NDIM);
        return failed();
    }
    if (!shape) {
        snx_error(SNX_EINVAL, "array: NULL shape");
        return failed();
    }
    snx_value v = { .type = type };
    v.u.a.ndim = ndim;
    v.u.a.len = 1;
    bool too_big = false; /* the product, or its size in bytes, overflows size_t */
    for (int k = 0; k < ndim; k++) {
        v.u.a.shape[k] = shape[k];
        too_big |= shape[k] && v.u.a.len > SIZE_MAX / shape[k];
        v.u.a.len *= shape[k];
    }
    if (too_big || v.u.a.len > SIZE_MAX / elem) {
        snx_error(SNX_EINVAL, "array: the shape's %d extents multiply to more elements than "
                              "memory can hold", ndim);
        return failed();
    }
    if (v.u.a.len && !data) {
        snx_error(SNX_EINVAL, "array: NULL data for %zu elements", v.u.a.len);
        return failed();
    }
    v.u.a.data = snx_malloc(v.u.a.len * elem);
    if (!v.u.a.data)
        return failed();
    if (v.u.a.len)
        memcpy(v.u.a.data, data, v.u.a.len * elem);
    return v;
}

snx_value snx_int_array_nd(int ndim, const size_t *shape, const int64_t *data)
{
    return make_array(SNX_T_INT_ARRAY, ndim, shape, data, sizeof(int64_t));
}

snx_value snx_double_array_nd(int ndim, const size_t *shape, const double *data)
{
    return make_array(SNX_T_DOUBLE_ARRAY, ndim, shape, data, sizeof(double));
}

snx_value snx_int_array(size_t n, const int64_t *data) { return snx_int_array_nd(1, &n, data); }
snx_value snx_double_array(size_t n, const double *data)
{
    return snx_double_array_nd(1, &n, data);
}

snx_value snx_table_value(snx_table *table)
{
    if (!table) {
        snx_error(SNX_EINVAL, "snx_table_value: NULL table");
        return failed();
    }
    return (snx_value){ .type = SNX_T_TABLE, .u.t = table };
}

void snx_value_clear(snx_value *v)
{
    switch (v->type) {
    case SNX_T_STRING: free(v->u.s); break;
    case SNX_T_INT_ARRAY:
    case SNX_T_DOUBLE_ARRAY: free(v->u.a.data); break;
    case SNX_T_TABLE: snx_table_free(v->u.t); break;
    default: break;
    }
    free(v->unit);
    *v = snx_none();
}

int snx_value_copy(snx_value *out, const snx_value *v)
{
    snx_value c = *v;
    c.unit = NULL;
    if (v->unit && !(c.unit = snx_strdup(v->unit)))
        return SNX_ENOMEM;
    int rc = 0;
    switch (v->type) {
    case SNX_T_STRING:
        if (!(c.u.s = snx_strdup(v->u.s)))
            rc = SNX_ENOMEM;
        break;
    case SNX_T_INT_ARRAY:
    case SNX_T_DOUBLE_ARRAY: {
        size_t bytes = v->u.a.len * 8; /* int64 and double are both 8 bytes */
        if (!(c.u.a.data = snx_malloc(bytes)))
            rc = SNX_ENOMEM;
        else if (bytes)
            memcpy(c.u.a.data, v->u.a.data, bytes);
        break;
    }
    case SNX_T_TABLE: rc = snx_table_copy(&c.u.t, v->u.t); break;
    default: break;
    }
    if (rc) {
        free(c.unit);
        return rc;
    }
    *out = c;
    return 0;
}

static int doubles_equal(double a, double b) { return a == b || (isnan(a) && isnan(b)); }

snx_dim snx_value_dim(const snx_value *v)
{
    snx_unit u;
    if (v->unit && snx_unit_parse(v->unit, &u) == 0)
        return u.dim;
    return SNX_DIMENSIONLESS;
}

static int same_shape(const snx_array *a, const snx_array *b)
{
    if (a->ndim != b->ndim)
        return 0;
    for (int k = 0; k < a->ndim; k++)
        if (a->shape[k] != b->shape[k])
            return 0;
    return 1;
}

bool snx_value_equal(const snx_value *a, const snx_value *b)
{
    if (a->type != b->type)
        return 0;
    switch (a->type) {
    case SNX_T_NONE: return 1;
    case SNX_T_BOOL: return a->u.b == b->u.b;
    case SNX_T_INT: return a->u.i == b->u.i;
    case SNX_T_DOUBLE: return doubles_equal(a->u.d, b->u.d);
    case SNX_T_COMPLEX:
        return doubles_equal(a->u.c.re, b->u.c.re) && doubles_equal(a->u.c.im, b->u.c.im);
    case SNX_T_STRING: return strcmp(a->u.s, b->u.s) == 0;
    case SNX_T_QUANTITY:
        return doubles_equal(a->u.d, b->u.d) &&
               snx_dim_equal(snx_value_dim(a), snx_value_dim(b));
    case SNX_T_INT_ARRAY:
        return same_shape(&a->u.a, &b->u.a) &&
               memcmp(a->u.a.data, b->u.a.data, a->u.a.len * sizeof(int64_t)) == 0;
    case SNX_T_DOUBLE_ARRAY: {
        if (!same_shape(&a->u.a, &b->u.a))
            return 0;
        const double *x = a->u.a.data, *y = b->u.a.data;
        for (size_t k = 0; k < a->u.a.len; k++)
            if (!doubles_equal(x[k], y[k]))
                return 0;
        return (!a->unit && !b->unit) ||
               (a->unit && b->unit && strcmp(a->unit, b->unit) == 0);
    }
    case SNX_T_TABLE: return snx_table_equal(a->u.t, b->u.t);
    default: return 0;
    }
}

bool snx_value_same_kind(const snx_value *a, const snx_value *b)
{
    if (a->type != b->type)
        return 0;
    if (a->type == SNX_T_QUANTITY)
        return snx_dim_equal(snx_value_dim(a), snx_value_dim(b));
    if (a->type == SNX_T_INT_ARRAY || a->type == SNX_T_DOUBLE_ARRAY)
        return same_shape(&a->u.a, &b->u.a);
    return 1;
}

int snx_value_as_double(const snx_value *v, double *out)
{
    switch (v->type) {
    case SNX_T_BOOL: *out = v->u.b; return 0;
    case SNX_T_INT: *out = (double)v->u.i; return 0;
    case SNX_T_DOUBLE:
    case SNX_T_QUANTITY: *out = v->u.d; return 0;
    default:
        return snx_error(SNX_ETYPE, "a %s value is not a number", snx_type_name(v->type));
    }
}

/* ---- reading ---------------------------------------------------------------------- */

/* Whether v is of type t; if not, SNX_ETYPE saying what was asked for. */
static bool is_type(const snx_value *v, snx_type t, const char *what)
{
    if (v && v->type == t)
        return true;
    snx_error(SNX_ETYPE, "reading %s from a %s value", what,
              v ? snx_type_name(v->type) : "missing");
    return false;
}

bool snx_value_bool(const snx_value *v) { return is_type(v, SNX_T_BOOL, "a bool") && v->u.b; }

int64_t snx_value_int(const snx_value *v)
{
    if (v && v->type == SNX_T_BOOL)
        return v->u.b;
    return is_type(v, SNX_T_INT, "an int") ? v->u.i : 0;
}

double snx_value_double(const snx_value *v)
{
    double d;
    if (!v)
        return is_type(v, SNX_T_DOUBLE, "a double"), NAN;
    return snx_value_as_double(v, &d) ? NAN : d;
}

const char *snx_value_str(const snx_value *v)
{
    return is_type(v, SNX_T_STRING, "a string") ? v->u.s : NULL;
}

const char *snx_value_unit(const snx_value *v) { return v ? v->unit : NULL; }

const int64_t *snx_value_ints(const snx_value *v, size_t *len)
{
    bool ok = is_type(v, SNX_T_INT_ARRAY, "int array elements");
    if (len)
        *len = ok ? v->u.a.len : 0;
    return ok ? v->u.a.data : NULL;
}

const double *snx_value_doubles(const snx_value *v, size_t *len)
{
    bool ok = is_type(v, SNX_T_DOUBLE_ARRAY, "double array elements");
    if (len)
        *len = ok ? v->u.a.len : 0;
    return ok ? v->u.a.data : NULL;
}

const size_t *snx_value_shape(const snx_value *v, int *ndim)
{
    bool ok = v && (v->type == SNX_T_INT_ARRAY || v->type == SNX_T_DOUBLE_ARRAY);
    if (!ok)
        is_type(v, SNX_T_DOUBLE_ARRAY, "an array shape");
    if (ndim)
        *ndim = ok ? v->u.a.ndim : 0;
    return ok ? v->u.a.shape : NULL;
}

const snx_table *snx_value_table(const snx_value *v)
{
    return is_type(v, SNX_T_TABLE, "a table") ? v->u.t : NULL;
}

/* The shortest form that reads back as the same double (as Python's repr): 0.1
 * prints "0.1", not "0.10000000000000001". */
static void format_double(snx_buf *b, double d)
{
    char tmp[32];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*g", prec, d);
        if (strtod(tmp, NULL) == d || isnan(d))
            break;
    }
    snx_buf_puts(b, tmp);
}

/* Nested brackets, one level per dimension ("[[1, 2], [3, 4]]"); *k walks the
 * row-major data, doubles shown divided by `scale` (their unit's). Stops early once
 * the text is longer than max_len (it is cut). */
static void format_block(snx_buf *b, const snx_array *a, int is_int, double scale, int dim,
                         size_t *k, size_t max_len)
{
    snx_buf_puts(b, "[");
    for (size_t i = 0; i < a->shape[dim] && !(max_len && b->len > max_len); i++) {
        if (i)
            snx_buf_puts(b, ", ");
        if (dim + 1 < a->ndim)
            format_block(b, a, is_int, scale, dim + 1, k, max_len);
        else if (is_int)
            snx_buf_printf(b, "%lld", (long long)((const int64_t *)a->data)[(*k)++]);
        else
            format_double(b, ((const double *)a->data)[(*k)++] / scale);
    }
    snx_buf_puts(b, "]");
}

/* A double array with a unit holds SI values and shows them in its unit, as a
 * quantity does: "[1, 2] mV". */
static void format_array(snx_buf *b, const snx_value *v, size_t max_len)
{
    size_t k = 0;
    snx_unit u = { 1.0, SNX_DIMENSIONLESS };
    int with_unit = v->unit && snx_unit_parse(v->unit, &u) == 0;
    format_block(b, &v->u.a, v->type == SNX_T_INT_ARRAY, u.scale, 0, &k, max_len);
    if (with_unit)
        snx_buf_printf(b, " %s", v->unit);
}

char *snx_value_to_str(const snx_value *v, size_t max_len)
{
    if (!v) {
        snx_error(SNX_EINVAL, "snx_value_to_str: NULL value");
        return NULL;
    }
    snx_buf b = { 0 };
    switch (v->type) {
    case SNX_T_NONE: snx_buf_puts(&b, "None"); break;
    case SNX_T_BOOL: snx_buf_puts(&b, v->u.b ? "True" : "False"); break;
    case SNX_T_INT: snx_buf_printf(&b, "%lld", (long long)v->u.i); break;
    case SNX_T_DOUBLE: format_double(&b, v->u.d); break;
    case SNX_T_COMPLEX:
        snx_buf_puts(&b, "(");
        format_double(&b, v->u.c.re);
        snx_buf_puts(&b, v->u.c.im < 0 || (v->u.c.im == 0 && signbit(v->u.c.im)) ? "" : "+");
        format_double(&b, v->u.c.im);
        snx_buf_puts(&b, "j)");
        break;
    case SNX_T_STRING: snx_buf_printf(&b, "'%s'", v->u.s); break;
    case SNX_T_QUANTITY: {
        snx_unit u;
        double shown = snx_unit_parse(v->unit, &u) == 0 ? v->u.d / u.scale : v->u.d;
        snx_buf_printf(&b, "%.15g %s", shown, v->unit);
        break;
    }
    case SNX_T_INT_ARRAY:
    case SNX_T_DOUBLE_ARRAY: format_array(&b, v, max_len); break;
    case SNX_T_TABLE:
        snx_buf_printf(&b, "<table %zu rows x %zu columns>", snx_table_rows(v->u.t),
                       snx_table_cols(v->u.t));
        break;
    default: snx_buf_puts(&b, "?"); break;
    }
    if (max_len && b.len > max_len && max_len >= 3) {
        b.len = max_len - 3;
        snx_buf_puts(&b, "...");
    }
    return snx_buf_take(&b);
}
