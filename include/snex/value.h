/* snx_value: one typed datum of a parameter, a result item or an annotation.
 *
 * Values are small structs passed by value. A value owns its heap parts (strings,
 * array data, tables); functions that take an `snx_value` argument by value *consume*
 * it (free it, also on failure), so calls read naturally:
 *
 *     snx_traj_add_parameter(traj, "neuron.tau", snx_quantity(15, "ms"), "membrane tau");
 *
 * A constructor that fails (no memory, unknown unit) returns a value of type
 * SNX_T_ERROR with the error set; consuming functions report that error.
 *
 * Quantities hold their number in SI plus the unit it was given in ("ms"), which is
 * kept for display and storage. Double arrays may also carry a unit (data in SI). */
#ifndef SNEX_VALUE_H
#define SNEX_VALUE_H

#include "snex/api.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snex/units.h"

#define SNX_MAX_NDIM 8

typedef enum snx_type {
    SNX_T_ERROR = -1,   /* a constructor failed; snx_errmsg() says why */
    SNX_T_NONE = 0,
    SNX_T_BOOL,
    SNX_T_INT,          /* int64 */
    SNX_T_DOUBLE,
    SNX_T_COMPLEX,
    SNX_T_STRING,       /* UTF-8 */
    SNX_T_QUANTITY,     /* double in SI + unit */
    SNX_T_INT_ARRAY,    /* n-d, row-major int64 */
    SNX_T_DOUBLE_ARRAY, /* n-d, row-major double, optional unit */
    SNX_T_TABLE,        /* named columns of equal length (results only) */
    SNX_N_TYPES
} snx_type;

typedef struct snx_table snx_table;

typedef struct snx_array {
    int ndim;
    size_t shape[SNX_MAX_NDIM];
    size_t len;  /* product of shape */
    void *data;  /* int64_t* or double* */
} snx_array;

typedef struct snx_value {
    snx_type type;
    char *unit; /* QUANTITY: required; DOUBLE_ARRAY: optional; else NULL */
    union {
        bool b;
        int64_t i;
        double d; /* DOUBLE, and QUANTITY in SI */
        struct { double re, im; } c;
        char *s;
        snx_array a;
        snx_table *t;
    } u;
} snx_value;

/* Constructors (copy their inputs). */
SNX_API snx_value snx_none(void);
SNX_API snx_value snx_bool(bool b);
SNX_API snx_value snx_int(int64_t i);
SNX_API snx_value snx_double(double d);
SNX_API snx_value snx_complex(double re, double im);
SNX_API snx_value snx_str(const char *s);
/* `value` is in `unit`: snx_quantity(15, "ms") holds 0.015 (SI) and unit "ms". */
SNX_API snx_value snx_quantity(double value, const char *unit);
/* Parses "15 ms", "15*ms", "-70 mV". */
SNX_API snx_value snx_quantity_str(const char *text);
SNX_API snx_value snx_int_array(size_t n, const int64_t *data);
SNX_API snx_value snx_double_array(size_t n, const double *data);
/* n-d arrays: ndim 1..SNX_MAX_NDIM extents; an ERROR value (SNX_EINVAL) for a NULL
 * shape, NULL data with elements, or extents whose product (in bytes) overflows. */
SNX_API snx_value snx_int_array_nd(int ndim, const size_t *shape, const int64_t *data);
SNX_API snx_value snx_double_array_nd(int ndim, const size_t *shape, const double *data);
/* Takes ownership of `table`. */
SNX_API snx_value snx_table_value(snx_table *table);

/* Deep copy into *out; 0 or SNX_ENOMEM. */
SNX_API int snx_value_copy(snx_value *out, const snx_value *v);
/* Frees the heap parts and sets the value to NONE. */
SNX_API void snx_value_clear(snx_value *v);

/* Deep equality (NaN equals NaN; quantities compare SI value and dimension). */
SNX_API bool snx_value_equal(const snx_value *a, const snx_value *b);
/* Whether b may stand in a range beside a: same type; arrays also same shape;
 * quantities same dimension. */
SNX_API bool snx_value_same_kind(const snx_value *a, const snx_value *b);
/* Dimension of a quantity or unit-carrying array (dimensionless otherwise). */
SNX_API snx_dim snx_value_dim(const snx_value *v);

/* Readable form, e.g. "42", "0.5", "15 ms", "'text'", "[1, 2, 3]", "(1+2j)",
 * truncated to max_len characters (0 = no limit) with "...". Caller frees. NULL with
 * SNX_EINVAL for v NULL, SNX_ENOMEM. */
SNX_API char *snx_value_to_str(const snx_value *v, size_t max_len);
SNX_API const char *snx_type_name(snx_type t);
/* The type named by snx_type_name, or SNX_T_NONE. */
SNX_API snx_type snx_type_from_name(const char *name);

/* Numeric reading: INT, DOUBLE, BOOL and QUANTITY (SI) give a double in *out.
 * 0, or SNX_ETYPE for another type. */
SNX_API int snx_value_as_double(const snx_value *v, double *out);

/* ---- reading a value --------------------------------------------------------
 * So that code never reaches into the union. Each returns the datum of a value of
 * the type it names, and for any other type (or v NULL) a neutral result -- false,
 * 0, NaN, NULL -- with SNX_ETYPE set (snx_errmsg() names both types). Nothing is
 * copied: pointers stay owned by the value. */
SNX_API bool snx_value_bool(const snx_value *v);           /* BOOL */
SNX_API int64_t snx_value_int(const snx_value *v);         /* INT (BOOL as 0/1) */
SNX_API double snx_value_double(const snx_value *v);       /* DOUBLE, QUANTITY (SI), INT, BOOL */
SNX_API const char *snx_value_str(const snx_value *v);     /* STRING */
/* The unit a QUANTITY was given in or a DOUBLE_ARRAY carries; NULL when none (no
 * error). */
SNX_API const char *snx_value_unit(const snx_value *v);
/* The elements of an n-d array (row-major), their number in *len (may be NULL). */
SNX_API const int64_t *snx_value_ints(const snx_value *v, size_t *len);    /* INT_ARRAY */
SNX_API const double *snx_value_doubles(const snx_value *v, size_t *len);  /* DOUBLE_ARRAY (SI) */
/* An array's shape: ndim in *ndim (may be NULL), the extents returned. */
SNX_API const size_t *snx_value_shape(const snx_value *v, int *ndim);      /* either array */
SNX_API const snx_table *snx_value_table(const snx_value *v);              /* TABLE */

/* ---- tables: named columns of equal length ---------------------------------- */
typedef enum { SNX_COL_INT, SNX_COL_DOUBLE, SNX_COL_STRING, SNX_COL_BOOL } snx_col_type;

/* A table of n_rows rows and no columns yet (NULL when out of memory); freeing it
 * (NULL is fine); a deep copy into *out (0 or SNX_ENOMEM). */
SNX_API snx_table *snx_table_new(size_t n_rows);
SNX_API void snx_table_free(snx_table *t);
SNX_API int snx_table_copy(snx_table **out, const snx_table *t);
/* Add a column (data copied; n_rows elements). Names must be unique. */
SNX_API int snx_table_add_int(snx_table *t, const char *name, const int64_t *data);
SNX_API int snx_table_add_double(snx_table *t, const char *name, const double *data);
SNX_API int snx_table_add_bool(snx_table *t, const char *name, const bool *data);
SNX_API int snx_table_add_string(snx_table *t, const char *name, const char *const *data);
SNX_API size_t snx_table_rows(const snx_table *t);
SNX_API size_t snx_table_cols(const snx_table *t);
SNX_API const char *snx_table_col_name(const snx_table *t, size_t col);
SNX_API snx_col_type snx_table_col_type(const snx_table *t, size_t col);
/* Column data: int64_t*, double*, bool*, or char** per type. */
SNX_API const void *snx_table_col_data(const snx_table *t, size_t col);
/* Index of a column by name, or -1. */
SNX_API long snx_table_find(const snx_table *t, const char *name);
SNX_API bool snx_table_equal(const snx_table *a, const snx_table *b);

#endif
