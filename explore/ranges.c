/* snx_ranges: named lists of values (what pypet passes to f_explore as a dict), and
 * their cartesian product. */
#include "traj_internal.h"
#include "snex/error.h"
#include "snex/util.h"

#include <stdlib.h>
#include <string.h>

typedef struct range_list {
    char *name;
    snx_value *values;
    size_t n;
} range_list;

struct snx_ranges {
    range_list *lists;
    size_t n, cap;
};

snx_ranges *snx_ranges_new(void) { return snx_calloc(1, sizeof(snx_ranges)); }

static void free_list(range_list *l)
{
    for (size_t k = 0; k < l->n; k++)
        snx_value_clear(&l->values[k]);
    free(l->values);
    free(l->name);
}

void snx_ranges_free(snx_ranges *r)
{
    if (!r)
        return;
    for (size_t k = 0; k < r->n; k++)
        free_list(&r->lists[k]);
    free(r->lists);
    free(r);
}

static long find(const snx_ranges *r, const char *name)
{
    for (size_t k = 0; k < r->n; k++)
        if (strcmp(r->lists[k].name, name) == 0)
            return (long)k;
    return -1;
}

int snx_ranges_add(snx_ranges *r, const char *name, snx_value *values, size_t n)
{
    int rc = 0;
    if (!r || (!values && n))
        return snx_error(SNX_EINVAL, "ranges: NULL %s", !r ? "ranges" : "values");
    if (!name)
        rc = snx_error(SNX_EINVAL, "ranges: NULL name");
    else if (!n)
        rc = snx_error(SNX_EINVAL, "ranges: \"%s\" has no values", name);
    else if (find(r, name) >= 0)
        rc = snx_error(SNX_EEXIST, "ranges: \"%s\" is listed twice", name);
    for (size_t k = 0; !rc && k < n; k++)
        if (values[k].type == SNX_T_ERROR)
            rc = snx_error_context("ranges: \"%s\", value %zu", name, k);
    range_list l = { 0 };
    if (!rc && (!(l.name = snx_strdup(name)) || !(l.values = snx_calloc(n, sizeof *l.values)) ||
                snx_grow(&r->lists, &r->cap, r->n + 1, sizeof *r->lists)))
        rc = SNX_ENOMEM;
    if (rc) {
        free(l.name);
        free(l.values);
        for (size_t k = 0; k < n; k++)
            snx_value_clear(&values[k]);
        return rc;
    }
    memcpy(l.values, values, n * sizeof *values);
    for (size_t k = 0; k < n; k++)
        values[k] = snx_none();
    l.n = n;
    r->lists[r->n++] = l;
    return 0;
}

/* Builds n values with make(k) and hands them to snx_ranges_add. */
#define ADD_TYPED(r, name, n, expr)                                                    \
    do {                                                                               \
        if (!v && (n))                                                                 \
            return snx_error(SNX_EINVAL, "ranges: NULL values for \"%s\"",             \
                             (name) ? (name) : "(null)");                              \
        snx_value *vals = snx_calloc((n) ? (n) : 1, sizeof *vals);                     \
        if (!vals)                                                                     \
            return SNX_ENOMEM;                                                         \
        for (size_t k = 0; k < (n); k++)                                               \
            vals[k] = (expr);                                                          \
        int rc_ = snx_ranges_add((r), (name), vals, (n));                              \
        free(vals);                                                                    \
        return rc_;                                                                    \
    } while (0)

int snx_ranges_add_ints(snx_ranges *r, const char *name, const int64_t *v, size_t n)
{
    ADD_TYPED(r, name, n, snx_int(v[k]));
}
int snx_ranges_add_doubles(snx_ranges *r, const char *name, const double *v, size_t n)
{
    ADD_TYPED(r, name, n, snx_double(v[k]));
}
int snx_ranges_add_bools(snx_ranges *r, const char *name, const bool *v, size_t n)
{
    ADD_TYPED(r, name, n, snx_bool(v[k]));
}
int snx_ranges_add_strings(snx_ranges *r, const char *name, const char *const *v, size_t n)
{
    ADD_TYPED(r, name, n, snx_str(v[k]));
}
int snx_ranges_add_quantities(snx_ranges *r, const char *name, const double *v, size_t n,
                              const char *unit)
{
    ADD_TYPED(r, name, n, snx_quantity(v[k], unit));
}

size_t snx_ranges_count(const snx_ranges *r) { return r ? r->n : 0; }
const char *snx_ranges_name(const snx_ranges *r, size_t i) { return r->lists[i].name; }
size_t snx_ranges_length(const snx_ranges *r, size_t i) { return r->lists[i].n; }
const snx_value *snx_ranges_value(const snx_ranges *r, size_t i, size_t k)
{
    return &r->lists[i].values[k];
}

/* One factor of the product: one list, or several zipped (linked) lists. */
typedef struct factor {
    long lists[16];
    size_t n_lists, length;
} factor;

static int parse_factor(const snx_ranges *r, const char *entry, factor *f, unsigned char *used)
{
    char buf[1024];
    if (strlen(entry) >= sizeof buf)
        return snx_error(SNX_EINVAL, "cartesian product: order entry too long");
    strcpy(buf, entry);
    f->n_lists = 0;
    for (char *save = NULL, *tok = strtok_r(buf, ", ", &save); tok;
         tok = strtok_r(NULL, ", ", &save)) {
        long i = find(r, tok);
        if (i < 0)
            return snx_error(SNX_ENOTFOUND, "cartesian product: \"%s\" is not in the ranges",
                             tok);
        if (used[i])
            return snx_error(SNX_EINVAL, "cartesian product: \"%s\" appears twice in the order",
                             tok);
        if (f->n_lists == 16)
            return snx_error(SNX_EINVAL, "cartesian product: more than 16 linked names");
        if (f->n_lists && r->lists[i].n != f->length)
            return snx_error(SNX_EINVAL,
                             "cartesian product: linked \"%s\" has %zu values, \"%s\" has %zu",
                             tok, r->lists[i].n, r->lists[f->lists[0]].name, f->length);
        used[i] = 1;
        f->length = r->lists[i].n;
        f->lists[f->n_lists++] = i;
    }
    if (!f->n_lists)
        return snx_error(SNX_EINVAL, "cartesian product: empty order entry");
    return 0;
}

static int build_factors(const snx_ranges *r, const char *const *order, factor *factors,
                         size_t *n_factors)
{
    unsigned char *used = snx_calloc(r->n, 1);
    if (!used)
        return SNX_ENOMEM;
    int rc = 0;
    *n_factors = 0;
    if (order) {
        /* Every entry takes at least one unused list, so r->n entries are the most. */
        for (size_t k = 0; !rc && order[k]; k++)
            rc = *n_factors == r->n
                     ? snx_error(SNX_EINVAL, "cartesian product: order entry \"%s\" names "
                                 "no list that is not ordered already", order[k])
                     : parse_factor(r, order[k], &factors[(*n_factors)++], used);
        for (size_t k = 0; !rc && k < r->n; k++)
            if (!used[k])
                rc = snx_error(SNX_EINVAL, "cartesian product: \"%s\" is missing from the order",
                               r->lists[k].name);
    } else {
        for (size_t k = 0; !rc && k < r->n; k++)
            rc = parse_factor(r, r->lists[k].name, &factors[(*n_factors)++], used);
    }
    free(used);
    return rc;
}

snx_ranges *snx_ranges_cartesian(const snx_ranges *r, const char *const *order)
{
    factor *factors = snx_calloc(r->n ? r->n : 1, sizeof *factors);
    snx_ranges *out = NULL;
    size_t nf = 0, total = 1;
    if (!factors || build_factors(r, order, factors, &nf))
        goto done;
    for (size_t f = 0; f < nf; f++)
        total *= factors[f].length;
    if (!(out = snx_ranges_new()))
        goto done;
    /* The last factor changes fastest: its stride is 1. */
    for (size_t f = 0; f < nf; f++) {
        size_t stride = 1;
        for (size_t g = f + 1; g < nf; g++)
            stride *= factors[g].length;
        for (size_t j = 0; j < factors[f].n_lists; j++) {
            const range_list *src = &r->lists[factors[f].lists[j]];
            snx_value *vals = snx_calloc(total, sizeof *vals);
            int rc = vals ? 0 : SNX_ENOMEM;
            for (size_t run = 0; !rc && run < total; run++)
                rc = snx_value_copy(&vals[run], &src->values[(run / stride) % src->n]);
            if (!rc)
                rc = snx_ranges_add(out, src->name, vals, total);
            for (size_t k = 0; vals && k < total; k++) /* no-ops once consumed */
                snx_value_clear(&vals[k]);
            free(vals);
            if (rc) {
                snx_ranges_free(out);
                out = NULL;
                goto done;
            }
        }
    }
done:
    free(factors);
    return out;
}
