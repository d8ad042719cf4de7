/* Typed values ↔ HDF5 datasets and attributes, in the types h5py users expect:
 *
 *   bool          enum int8 {FALSE, TRUE}          (h5py: numpy bool)
 *   int           int64
 *   double        float64
 *   quantity      float64 in SI, attributes unit (the SI unit: "s") and
 *                 display_unit (the unit it was given in: "ms")
 *   complex       compound {r: float64, i: float64} (h5py: complex128)
 *   string        variable-length UTF-8
 *   int_array     int64 with the array's shape
 *   double_array  float64 with the array's shape (+ the unit attributes)
 *   table         compound, one member per column, one element per row
 *                 (h5py: a structured array; pandas.DataFrame(ds[()]) reads it)
 *
 * A single value is a dataset of the value's own shape (scalar for scalars). A list
 * of values of one kind (a range, a column across runs) adds a leading axis. Types
 * are recognised from the HDF5 datatype, the rank and the unit attribute; datasets
 * also carry a `type` attribute naming the snex type for human readers. */
#include "hdf5_internal.h"

#include <stdlib.h>
#include <string.h>

#include "snex/error.h"
#include "snex/util.h"

/* ---- memory types ------------------------------------------------------------------- */

hid_t h5_str_type(void)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    if (t >= 0 && (H5Tset_size(t, H5T_VARIABLE) < 0 || H5Tset_cset(t, H5T_CSET_UTF8) < 0)) {
        H5Tclose(t);
        return H5I_INVALID_HID;
    }
    return t;
}

hid_t h5_bool_type(void)
{
    hid_t t = H5Tenum_create(H5T_NATIVE_INT8);
    int8_t f = 0, tr = 1;
    if (t >= 0 && (H5Tenum_insert(t, "FALSE", &f) < 0 || H5Tenum_insert(t, "TRUE", &tr) < 0)) {
        H5Tclose(t);
        return H5I_INVALID_HID;
    }
    return t;
}

static hid_t complex_type(void)
{
    hid_t t = H5Tcreate(H5T_COMPOUND, 2 * sizeof(double));
    if (t >= 0 && (H5Tinsert(t, "r", 0, H5T_NATIVE_DOUBLE) < 0 ||
                   H5Tinsert(t, "i", sizeof(double), H5T_NATIVE_DOUBLE) < 0)) {
        H5Tclose(t);
        return H5I_INVALID_HID;
    }
    return t;
}

/* The memory type and packed size of one element of a scalar kind. */
static hid_t scalar_mtype(snx_type type, size_t *size)
{
    switch (type) {
    case SNX_T_BOOL: *size = 1; return h5_bool_type();
    case SNX_T_INT:
    case SNX_T_INT_ARRAY: *size = sizeof(int64_t); return H5Tcopy(H5T_NATIVE_INT64);
    case SNX_T_DOUBLE:
    case SNX_T_QUANTITY:
    case SNX_T_DOUBLE_ARRAY: *size = sizeof(double); return H5Tcopy(H5T_NATIVE_DOUBLE);
    case SNX_T_COMPLEX: *size = 2 * sizeof(double); return complex_type();
    case SNX_T_STRING: *size = sizeof(char *); return h5_str_type();
    default: return H5I_INVALID_HID;
    }
}

int h5_kind_of(const snx_value *v, h5_kind *k)
{
    memset(k, 0, sizeof *k);
    k->type = v->type;
    k->mtype = scalar_mtype(v->type, &k->size);
    if (k->mtype < 0)
        return snx_error(SNX_ETYPE, "values of type %s cannot be stored in this place",
                         snx_type_name(v->type));
    if (v->type == SNX_T_INT_ARRAY || v->type == SNX_T_DOUBLE_ARRAY) {
        k->ndim = v->u.a.ndim;
        for (int d = 0; d < k->ndim; d++)
            k->shape[d] = v->u.a.shape[d];
        k->size *= v->u.a.len;
    }
    return 0;
}

void h5_kind_free(h5_kind *k)
{
    if (k->mtype >= 0 && k->mtype != 0)
        H5Tclose(k->mtype);
    k->mtype = H5I_INVALID_HID;
}

/* Whether a datatype is exactly the one snex writes for a value kind (a file whose
 * dtype was changed is refused rather than converted: a float32 or an int32 would
 * load as another value, a compound with other member names as garbage). */
static bool dtype_is(hid_t t, snx_type type)
{
    H5T_class_t cls = H5Tget_class(t);
    size_t size = H5Tget_size(t);
    switch (type) {
    case SNX_T_BOOL: {
        int8_t f = -1, tr = -1;
        return cls == H5T_ENUM && size == 1 && H5Tget_nmembers(t) == 2 &&
               H5Tenum_valueof(t, "FALSE", &f) >= 0 && H5Tenum_valueof(t, "TRUE", &tr) >= 0 &&
               f == 0 && tr == 1;
    }
    case SNX_T_INT:
    case SNX_T_INT_ARRAY: return cls == H5T_INTEGER && size == 8 && H5Tget_sign(t) == H5T_SGN_2;
    case SNX_T_DOUBLE:
    case SNX_T_QUANTITY:
    case SNX_T_DOUBLE_ARRAY: return cls == H5T_FLOAT && size == 8;
    case SNX_T_STRING: return cls == H5T_STRING && H5Tis_variable_str(t) > 0;
    case SNX_T_COMPLEX: {
        if (cls != H5T_COMPOUND || H5Tget_nmembers(t) != 2)
            return false;
        bool ok = true;
        for (unsigned m = 0; m < 2 && ok; m++) {
            char *name = H5Tget_member_name(t, m);
            hid_t mt = H5Tget_member_type(t, m);
            ok = name && strcmp(name, m ? "i" : "r") == 0 && mt >= 0 &&
                 dtype_is(mt, SNX_T_DOUBLE);
            H5free_memory(name);
            if (mt >= 0)
                H5Tclose(mt);
        }
        H5Eclear2(H5E_DEFAULT);
        return ok;
    }
    default: return false;
    }
}

/* Recognises a kind from a datatype, the dataspace rank beyond the leading axis and
 * whether a unit is attached, and checks it against the type the `type` attribute
 * declares (SNX_T_NONE: none, as in files written by others). */
static int kind_infer(hid_t dtype, int rank, const hsize_t *dims, int has_unit,
                      snx_type declared, h5_kind *k)
{
    memset(k, 0, sizeof *k);
    k->mtype = H5I_INVALID_HID;
    H5T_class_t cls = H5Tget_class(dtype);
    int scalar = rank == 0;
    switch (cls) {
    case H5T_ENUM: k->type = SNX_T_BOOL; break;
    case H5T_INTEGER: k->type = scalar ? SNX_T_INT : SNX_T_INT_ARRAY; break;
    case H5T_FLOAT:
        k->type = !scalar ? SNX_T_DOUBLE_ARRAY : has_unit ? SNX_T_QUANTITY : SNX_T_DOUBLE;
        break;
    case H5T_COMPOUND: k->type = scalar ? SNX_T_COMPLEX : SNX_T_TABLE; break;
    case H5T_STRING: k->type = SNX_T_STRING; break;
    default: k->type = SNX_T_NONE; break;
    }
    int is_array = k->type == SNX_T_INT_ARRAY || k->type == SNX_T_DOUBLE_ARRAY;
    if (k->type == SNX_T_NONE || (!scalar && !is_array && k->type != SNX_T_TABLE) ||
        (k->type == SNX_T_TABLE && rank != 1) || rank > SNX_MAX_NDIM ||
        (k->type != SNX_T_TABLE && !dtype_is(dtype, k->type)))
        return snx_error(SNX_EFORMAT, "a datatype of class %d, size %zu and rank %d is no "
                         "snex value", (int)cls, H5Tget_size(dtype), rank);
    if (declared != SNX_T_NONE && declared != k->type)
        return snx_error(SNX_EFORMAT, "its type attribute says %s, but it holds a%s %s",
                         snx_type_name(declared), k->type == SNX_T_INT ? "n" : "",
                         snx_type_name(k->type));
    if (has_unit && k->type != SNX_T_QUANTITY && k->type != SNX_T_DOUBLE_ARRAY)
        return snx_error(SNX_EFORMAT, "a %s with a unit", snx_type_name(k->type));
    if (k->type == SNX_T_TABLE) {
        k->ndim = 1;
        k->shape[0] = dims[0];
        return 0;
    }
    k->mtype = scalar_mtype(k->type, &k->size);
    if (k->mtype < 0)
        return h5_error(SNX_EIO, "cannot build a memory type");
    k->ndim = rank;
    for (int d = 0; d < rank; d++) {
        k->shape[d] = dims[d];
        if (dims[d] && k->size > SIZE_MAX / 2 / dims[d]) {
            h5_kind_free(k);
            return snx_error(SNX_EFORMAT, "a shape too large for memory");
        }
        k->size *= dims[d];
    }
    return 0;
}

/* ---- packing ---------------------------------------------------------------------------- */

void h5_pack(const h5_kind *k, const snx_value *values, size_t n, void *buf)
{
    char *p = buf;
    for (size_t i = 0; i < n; i++, p += k->size) {
        const snx_value *v = &values[i];
        switch (k->type) {
        case SNX_T_BOOL: *(int8_t *)p = (int8_t)(v->u.b != 0); break;
        case SNX_T_INT: memcpy(p, &v->u.i, sizeof v->u.i); break;
        case SNX_T_DOUBLE:
        case SNX_T_QUANTITY: memcpy(p, &v->u.d, sizeof v->u.d); break;
        case SNX_T_COMPLEX: memcpy(p, &v->u.c, 2 * sizeof(double)); break;
        case SNX_T_STRING: memcpy(p, &v->u.s, sizeof v->u.s); break;
        case SNX_T_INT_ARRAY:
        case SNX_T_DOUBLE_ARRAY:
            if (k->size)
                memcpy(p, v->u.a.data, k->size);
            break;
        default: break;
        }
    }
}

static int unpack_one(const h5_kind *k, const char *p, const char *unit, snx_value *out)
{
    size_t shape[SNX_MAX_NDIM];
    for (int d = 0; d < k->ndim; d++)
        shape[d] = (size_t)k->shape[d];
    double c[2];
    switch (k->type) {
    case SNX_T_BOOL: *out = snx_bool(*(const int8_t *)p); break;
    case SNX_T_INT: *out = snx_int(*(const int64_t *)(const void *)p); break;
    case SNX_T_DOUBLE: *out = snx_double(*(const double *)(const void *)p); break;
    case SNX_T_QUANTITY: /* built directly: the SI number stays bit-exact */
        *out = (snx_value){.type = SNX_T_QUANTITY, .unit = snx_strdup(unit ? unit : "1")};
        memcpy(&out->u.d, p, sizeof(double));
        if (!out->unit)
            out->type = SNX_T_ERROR;
        break;
    case SNX_T_COMPLEX:
        memcpy(c, p, sizeof c);
        *out = snx_complex(c[0], c[1]);
        break;
    case SNX_T_STRING: {
        const char *s;
        memcpy(&s, p, sizeof s);
        *out = snx_str(s ? s : "");
        break;
    }
    case SNX_T_INT_ARRAY: *out = snx_int_array_nd(k->ndim, shape, (const void *)p); break;
    case SNX_T_DOUBLE_ARRAY:
        *out = snx_double_array_nd(k->ndim, shape, (const void *)p);
        if (out->type == SNX_T_DOUBLE_ARRAY && unit && !(out->unit = snx_strdup(unit)))
            snx_value_clear(out), out->type = SNX_T_ERROR;
        break;
    default: return snx_error(SNX_ETYPE, "cannot unpack a %s", snx_type_name(k->type));
    }
    return out->type == SNX_T_ERROR ? snx_errcode() : 0;
}

int h5_unpack(const h5_kind *k, const void *buf, size_t n, const char *unit, snx_value *out)
{
    for (size_t i = 0; i < n; i++) {
        int rc = unpack_one(k, (const char *)buf + i * k->size, unit, &out[i]);
        if (rc) {
            while (i-- > 0)
                snx_value_clear(&out[i]);
            return rc;
        }
    }
    return 0;
}

static const char *unit_of(const snx_value *v)
{
    return v->type == SNX_T_QUANTITY || v->type == SNX_T_DOUBLE_ARRAY ? v->unit : NULL;
}

/* ---- dataset creation --------------------------------------------------------------- */

/* Whether a dataset of `type` gets the checksum: libhdf5 refuses fletcher32 (a
 * mandatory filter) on variable-length strings, whose contents live in the global
 * heap anyway, out of its reach. */
static int checksummed(const h5_filters *f, hid_t type)
{
    return f->fletcher32 && H5Tis_variable_str(type) <= 0 && H5Tget_class(type) != H5T_VLEN;
}

/* Chunks of `chunk` (halved along the longest axis until at most H5_CHUNK_BYTES)
 * with the filters. */
static herr_t set_chunks(hid_t p, const h5_filters *f, hid_t type, int ndim,
                         const hsize_t *chunk_in, size_t elem_size)
{
    hsize_t chunk[SNX_MAX_NDIM + 1];
    size_t chunk_bytes = elem_size;
    for (int d = 0; d < ndim; d++) {
        chunk[d] = chunk_in[d] ? chunk_in[d] : 1;
        chunk_bytes *= chunk[d];
    }
    while (chunk_bytes > H5_CHUNK_BYTES) {
        int big = 0;
        for (int d = 1; d < ndim; d++)
            if (chunk[d] > chunk[big])
                big = d;
        if (chunk[big] == 1)
            break;
        chunk_bytes = chunk_bytes / chunk[big] * ((chunk[big] + 1) / 2);
        chunk[big] = (chunk[big] + 1) / 2;
    }
    herr_t rc = H5Pset_chunk(p, ndim, chunk);
    if (rc >= 0 && f->complevel > 0 && f->shuffle)
        rc = H5Pset_shuffle(p);
    if (rc >= 0 && f->complevel > 0)
        rc = H5Pset_deflate(p, (unsigned)f->complevel);
    if (rc >= 0 && checksummed(f, type))
        rc = H5Pset_fletcher32(p);
    return rc;
}

hid_t h5_dcpl(const h5_filters *f, hid_t type, int ndim, const hsize_t *dims, size_t elem_size,
              int extendible)
{
    hid_t p = H5Pcreate(H5P_DATASET_CREATE);
    if (p < 0)
        return p;
    size_t bytes = elem_size;
    for (int d = 0; d < ndim; d++)
        bytes *= dims[d];
    int filtered = f->complevel > 0 || checksummed(f, type);
    herr_t rc = 0;
    if (!extendible && bytes <= H5_SMALL_BYTES) {
        rc = H5Pset_layout(p, H5D_COMPACT); /* in the object header: no extra block */
    } else if (extendible || filtered) {
        hsize_t chunk[SNX_MAX_NDIM + 1];
        for (int d = 0; d < ndim; d++)
            chunk[d] = dims[d];
        if (extendible)
            chunk[0] = H5_ROWS_PER_CHUNK;
        rc = set_chunks(p, f, type, ndim, chunk, elem_size);
    }
    if (rc < 0) {
        H5Pclose(p);
        return H5I_INVALID_HID;
    }
    return p;
}

hid_t h5_dcpl_chunked(const h5_filters *f, hid_t type, int ndim, const hsize_t *chunk,
                      size_t elem_size)
{
    hid_t p = H5Pcreate(H5P_DATASET_CREATE);
    if (p >= 0 && set_chunks(p, f, type, ndim, chunk, elem_size) < 0) {
        H5Pclose(p);
        return H5I_INVALID_HID;
    }
    return p;
}

/* `unit` names the SI unit the numbers are in ("s"), `display_unit` the unit the
 * value was given in ("ms"). */
int h5_write_unit_attrs(hid_t obj, const snx_value *v)
{
    char si[64];
    snx_dim_format(snx_value_dim(v), si, sizeof si);
    int rc = h5_write_str_attr(obj, H5N_UNIT, si);
    return rc ? rc : h5_write_str_attr(obj, H5N_DISPLAY_UNIT, unit_of(v));
}

int h5_create_dataset(hid_t loc, const char *name, hid_t mtype, hid_t space, hid_t dcpl,
                      const void *buf, const snx_value *like)
{
    hid_t ds = space >= 0 && dcpl >= 0
                   ? H5Dcreate2(loc, name, mtype, space, H5P_DEFAULT, dcpl, H5P_DEFAULT)
                   : H5I_INVALID_HID;
    int rc = 0;
    if (ds < 0 || (buf && H5Dwrite(ds, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0))
        rc = h5_error(SNX_EIO, "cannot write dataset \"%s\"", name);
    if (!rc)
        rc = h5_write_str_attr(ds, H5N_TYPE, snx_type_name(like->type));
    if (!rc && unit_of(like))
        rc = h5_write_unit_attrs(ds, like);
    if (ds >= 0)
        H5Dclose(ds);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (space >= 0)
        H5Sclose(space);
    return rc;
}

/* Creates `name` (rank dims of mtype), writes buf and the type/unit attributes of
 * the value `like`. */
static int write_dataset(hid_t loc, const char *name, hid_t mtype, size_t elem_size, int rank,
                         const hsize_t *dims, const void *buf, const snx_value *like,
                         const h5_filters *f)
{
    hid_t space = rank ? H5Screate_simple(rank, dims, NULL) : H5Screate(H5S_SCALAR);
    return h5_create_dataset(loc, name, mtype, space, h5_dcpl(f, mtype, rank, dims, elem_size, 0),
                             buf, like);
}

/* ---- tables ----------------------------------------------------------------------------- */

static hid_t column_mtype(snx_col_type t, size_t *size)
{
    switch (t) {
    case SNX_COL_INT: return scalar_mtype(SNX_T_INT, size);
    case SNX_COL_DOUBLE: return scalar_mtype(SNX_T_DOUBLE, size);
    case SNX_COL_BOOL: return scalar_mtype(SNX_T_BOOL, size);
    default: return scalar_mtype(SNX_T_STRING, size);
    }
}

/* The compound row type of a table, and each column's offset and size in a row. */
static hid_t table_type(const snx_table *t, size_t *offsets, size_t *sizes)
{
    size_t n = snx_table_cols(t), total = 0;
    hid_t types[64], *mt = n <= 64 ? types : snx_calloc(n, sizeof *mt);
    if (!mt)
        return H5I_INVALID_HID;
    for (size_t c = 0; c < n; c++) {
        mt[c] = column_mtype(snx_table_col_type(t, c), &sizes[c]);
        offsets[c] = total;
        total += sizes[c];
    }
    hid_t row = H5Tcreate(H5T_COMPOUND, total);
    for (size_t c = 0; c < n; c++) {
        if (row >= 0 && (mt[c] < 0 || H5Tinsert(row, snx_table_col_name(t, c), offsets[c], mt[c]) < 0)) {
            H5Tclose(row);
            row = H5I_INVALID_HID;
        }
        if (mt[c] >= 0)
            H5Tclose(mt[c]);
    }
    if (mt != types)
        free(mt);
    return row;
}

static int write_table(hid_t loc, const char *name, const snx_table *t, const h5_filters *f)
{
    size_t n_cols = snx_table_cols(t), n_rows = snx_table_rows(t);
    if (!n_cols)
        return snx_error(SNX_ETYPE, "table \"%s\" has no columns: nothing to store", name);
    size_t *offsets = snx_calloc(2 * n_cols, sizeof *offsets), *sizes = offsets + n_cols;
    hid_t row = offsets ? table_type(t, offsets, sizes) : H5I_INVALID_HID;
    size_t row_size = row >= 0 ? H5Tget_size(row) : 0;
    char *buf = row >= 0 ? snx_calloc(n_rows ? n_rows : 1, row_size) : NULL;
    int rc = buf ? 0 : row < 0 && offsets ? h5_error(SNX_EIO, "table \"%s\"", name) : SNX_ENOMEM;
    for (size_t c = 0; !rc && c < n_cols; c++) {
        const char *data = snx_table_col_data(t, c);
        for (size_t r = 0; r < n_rows; r++)
            memcpy(buf + r * row_size + offsets[c], data + r * sizes[c], sizes[c]);
    }
    hsize_t dims[1] = {n_rows};
    if (!rc)
        rc = write_dataset(loc, name, row, row_size, 1, dims, buf, &(snx_value){.type = SNX_T_TABLE}, f);
    free(buf);
    free(offsets);
    if (row >= 0)
        H5Tclose(row);
    return rc;
}

static int add_column(snx_table *t, const char *name, snx_col_type type, const void *data)
{
    switch (type) {
    case SNX_COL_INT: return snx_table_add_int(t, name, data);
    case SNX_COL_DOUBLE: return snx_table_add_double(t, name, data);
    case SNX_COL_BOOL: return snx_table_add_bool(t, name, data);
    default: return snx_table_add_string(t, name, data);
    }
}

static snx_col_type column_type_of(hid_t member)
{
    switch (H5Tget_class(member)) {
    case H5T_INTEGER: return SNX_COL_INT;
    case H5T_FLOAT: return SNX_COL_DOUBLE;
    case H5T_ENUM: return SNX_COL_BOOL;
    default: return SNX_COL_STRING;
    }
}

/* Reads one column of a compound dataset into a contiguous array. */
static int read_table_column(hid_t ds, hid_t ftype, unsigned c, size_t n_rows, snx_table *t)
{
    hid_t member = H5Tget_member_type(ftype, c);
    char *name = H5Tget_member_name(ftype, c);
    snx_col_type type = member >= 0 ? column_type_of(member) : SNX_COL_INT;
    static const snx_type as_value[] = {[SNX_COL_INT] = SNX_T_INT, [SNX_COL_DOUBLE] = SNX_T_DOUBLE,
                                        [SNX_COL_BOOL] = SNX_T_BOOL, [SNX_COL_STRING] = SNX_T_STRING};
    int rc = 0;
    if (member < 0 || !name || !dtype_is(member, as_value[type]))
        rc = snx_error(SNX_EFORMAT, "table column \"%s\" has a type snex does not write",
                       name ? name : "?");
    size_t size = 0;
    hid_t mt = rc ? H5I_INVALID_HID : column_mtype(type, &size);
    hid_t one = mt >= 0 ? H5Tcreate(H5T_COMPOUND, size) : H5I_INVALID_HID;
    void *data = one >= 0 ? snx_calloc(n_rows ? n_rows : 1, size) : NULL;
    if (!rc && (!data || H5Tinsert(one, name, 0, mt) < 0 ||
                (n_rows && H5Dread(ds, one, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)))
        rc = data ? h5_error(SNX_EIO, "cannot read table column \"%s\"", name) : SNX_ENOMEM;
    if (!rc)
        rc = add_column(t, name, type, data);
    if (type == SNX_COL_STRING && data && n_rows && !rc) {
        hid_t space = H5Dget_space(ds);
        H5Dvlen_reclaim(one, space, H5P_DEFAULT, data);
        H5Sclose(space);
    }
    free(data);
    if (one >= 0)
        H5Tclose(one);
    if (mt >= 0)
        H5Tclose(mt);
    if (member >= 0)
        H5Tclose(member);
    H5free_memory(name);
    return rc;
}

static int read_table(hid_t ds, size_t n_rows, snx_value *out)
{
    hid_t ftype = H5Dget_type(ds);
    int n_cols = ftype >= 0 ? H5Tget_nmembers(ftype) : -1;
    snx_table *t = n_cols >= 0 ? snx_table_new(n_rows) : NULL;
    int rc = t ? 0 : n_cols < 0 ? h5_error(SNX_EFORMAT, "unreadable table type") : SNX_ENOMEM;
    for (int c = 0; !rc && c < n_cols; c++)
        rc = read_table_column(ds, ftype, (unsigned)c, n_rows, t);
    if (ftype >= 0)
        H5Tclose(ftype);
    if (rc) {
        snx_table_free(t);
        return rc;
    }
    *out = snx_table_value(t);
    return 0;
}

/* ---- datasets of values ------------------------------------------------------------ */

h5_filters h5_filters_of(const h5s *s)
{
    return (h5_filters){s->opts.complevel, !s->opts.no_shuffle, !s->opts.no_fletcher32};
}

int h5_write_value(hid_t loc, const char *name, const snx_value *v, const h5_filters *f)
{
    if (v->type == SNX_T_TABLE)
        return write_table(loc, name, v->u.t, f);
    h5_kind k;
    int rc = h5_kind_of(v, &k);
    if (rc)
        return rc;
    void *buf = snx_malloc(k.size ? k.size : 1);
    if (!buf) {
        h5_kind_free(&k);
        return SNX_ENOMEM;
    }
    h5_pack(&k, v, 1, buf);
    size_t elem = k.ndim ? k.size / (v->u.a.len ? v->u.a.len : 1) : k.size;
    rc = write_dataset(loc, name, k.mtype, elem, k.ndim, k.shape, buf, v, f);
    free(buf);
    h5_kind_free(&k);
    return rc;
}

char *h5_read_unit(hid_t obj)
{
    char *u = h5_read_str_attr(obj, H5N_DISPLAY_UNIT);
    return u || snx_errcode() ? u : h5_read_str_attr(obj, H5N_UNIT);
}

int h5_check_unit(const char *unit, const char *si)
{
    snx_unit u;
    char dim[64];
    if (snx_unit_parse(unit, &u))
        return snx_error(SNX_EFORMAT, "the unit \"%s\" is not a unit", unit);
    snx_dim_format(u.dim, dim, sizeof dim);
    if (si && strcmp(si, dim) != 0)
        return snx_error(SNX_EFORMAT, "display_unit \"%s\" (%s) does not match unit \"%s\"",
                         unit, dim, si);
    return 0;
}

/* What the attributes of a value dataset say: the type it declares (SNX_T_NONE
 * without a type attribute) and the unit it was given in (NULL without one; the
 * display unit, which must agree with the SI unit). */
static int value_attrs(hid_t ds, snx_type *declared, char **unit)
{
    *declared = SNX_T_NONE;
    *unit = NULL;
    char *type = h5_read_str_attr(ds, H5N_TYPE);
    if (!type && snx_errcode())
        return snx_errcode();
    if (type && (*declared = snx_type_from_name(type)) == SNX_T_NONE) {
        int rc = snx_error(SNX_EFORMAT, "unknown type \"%s\"", type);
        free(type);
        return rc;
    }
    free(type);
    char *si = h5_read_str_attr(ds, H5N_UNIT);
    int rc = !si && snx_errcode() ? snx_errcode() : 0;
    char *display = rc ? NULL : h5_read_str_attr(ds, H5N_DISPLAY_UNIT);
    if (!rc && !display && snx_errcode())
        rc = snx_errcode();
    if (!rc && (!si) != (!display))
        rc = snx_error(SNX_EFORMAT, "a %s attribute without %s", si ? H5N_UNIT : H5N_DISPLAY_UNIT,
                       si ? H5N_DISPLAY_UNIT : H5N_UNIT);
    if (!rc && display)
        rc = h5_check_unit(display, si);
    free(si);
    if (rc)
        free(display);
    else
        *unit = display;
    return rc;
}

/* The kind of a dataset's values (skipping a leading axis when `leading`, whose
 * length goes to *n), checked against its attributes; *unit (malloc'ed) is its
 * unit or NULL. */
static int dataset_kind(hid_t ds, int leading, size_t *n, h5_kind *k, char **unit)
{
    hid_t space = H5Dget_space(ds), dtype = H5Dget_type(ds);
    int rank = space >= 0 ? H5Sget_simple_extent_ndims(space) : -1;
    hsize_t dims[SNX_MAX_NDIM + 1] = {0};
    snx_type declared = SNX_T_NONE;
    *unit = NULL;
    k->mtype = H5I_INVALID_HID;
    int rc = rank < 0 || dtype < 0 ? h5_error(SNX_EFORMAT, "an unreadable dataset")
           : rank > SNX_MAX_NDIM + leading || rank < leading
               ? snx_error(SNX_EFORMAT, "a dataset of rank %d (a %s has %s)", rank,
                           leading ? "list of values" : "value", leading ? "1 to 9" : "0 to 8")
               : 0;
    if (!rc && H5Sget_simple_extent_dims(space, dims, NULL) < 0)
        rc = h5_error(SNX_EFORMAT, "an unreadable dataspace");
    if (!rc)
        rc = value_attrs(ds, &declared, unit);
    if (!rc)
        rc = kind_infer(dtype, rank - leading, dims + leading, *unit != NULL, declared, k);
    if (!rc && n)
        *n = leading ? (size_t)dims[0] : 1;
    if (dtype >= 0)
        H5Tclose(dtype);
    if (space >= 0)
        H5Sclose(space);
    if (rc) {
        free(*unit);
        *unit = NULL;
    }
    return rc;
}

int h5_kind_of_dataset(hid_t ds, int leading, h5_kind *k, char **unit)
{
    return dataset_kind(ds, leading, NULL, k, unit);
}

/* Opens a dataset and recognises the kind of its values (skipping a leading axis of
 * length *n when `leading`). */
static hid_t open_values(hid_t loc, const char *name, int leading, size_t *n, h5_kind *k,
                         char **unit)
{
    H5O_info_t oi;
    *unit = NULL;
    if (H5Oget_info_by_name2(loc, name, &oi, H5O_INFO_BASIC, H5P_DEFAULT) < 0) {
        h5_error(SNX_ENODATA, "cannot read dataset \"%s\"", name);
        return H5I_INVALID_HID;
    }
    if (oi.type != H5O_TYPE_DATASET) {
        snx_error(SNX_EFORMAT, "\"%s\" is not a dataset", name);
        return H5I_INVALID_HID;
    }
    hid_t ds = H5Dopen2(loc, name, H5P_DEFAULT);
    int rc = ds < 0 ? h5_error(SNX_EFORMAT, "cannot open dataset \"%s\"", name)
                    : dataset_kind(ds, leading, n, k, unit);
    if (rc && ds >= 0)
        snx_error_context("dataset \"%s\"", name);
    if (rc && ds >= 0)
        H5Dclose(ds);
    return rc ? H5I_INVALID_HID : ds;
}

/* Reads n values of kind k from an open dataset into out[0..n). */
static int read_open_values(hid_t ds, const char *name, const h5_kind *k, size_t n,
                            const char *unit, snx_value *out)
{
    void *buf = snx_malloc(n * k->size);
    if (!buf)
        return SNX_ENOMEM;
    int rc = 0;
    if (n && k->size && H5Dread(ds, k->mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)
        rc = h5_error(SNX_EIO, "cannot read dataset \"%s\"", name);
    if (rc) {
        free(buf);
        return rc;
    }
    rc = h5_unpack(k, buf, n, unit, out);
    if (k->type == SNX_T_STRING && n) {
        hid_t space = H5Dget_space(ds);
        H5Dvlen_reclaim(k->mtype, space, H5P_DEFAULT, buf);
        H5Sclose(space);
    }
    free(buf);
    return rc;
}

int h5_read_value(hid_t loc, const char *name, snx_value *out)
{
    size_t n;
    h5_kind k;
    char *unit;
    hid_t ds = open_values(loc, name, 0, &n, &k, &unit);
    if (ds < 0)
        return snx_errcode();
    int rc = k.type == SNX_T_TABLE ? read_table(ds, (size_t)k.shape[0], out)
                                   : read_open_values(ds, name, &k, 1, unit, out);
    h5_kind_free(&k);
    free(unit);
    H5Dclose(ds);
    return rc;
}

/* ---- lists of values (ranges) ------------------------------------------------------- */

static int write_units(hid_t loc, const char *name, const snx_value *v, size_t n)
{
    size_t k = 1;
    while (k < n && v[k].unit && strcmp(v[k].unit, v[0].unit) == 0)
        k++;
    if (k == n)
        return 0;
    /* Values in several units: the list of units, one per value. */
    const char **units = snx_calloc(n, sizeof *units);
    if (!units)
        return SNX_ENOMEM;
    for (size_t i = 0; i < n; i++)
        units[i] = v[i].unit ? v[i].unit : "";
    hsize_t dims[1] = {n};
    hid_t ds = H5Dopen2(loc, name, H5P_DEFAULT);
    hid_t space = H5Screate_simple(1, dims, NULL), st = h5_str_type();
    hid_t a = ds >= 0 ? H5Acreate2(ds, H5N_DISPLAY_UNITS, st, space, H5P_DEFAULT, H5P_DEFAULT)
                      : H5I_INVALID_HID;
    int rc = a < 0 || H5Awrite(a, st, units) < 0
                 ? h5_error(SNX_EIO, "cannot write the units of \"%s\"", name) : 0;
    if (a >= 0)
        H5Aclose(a);
    H5Tclose(st);
    H5Sclose(space);
    if (ds >= 0)
        H5Dclose(ds);
    free(units);
    return rc;
}

int h5_write_values(hid_t loc, const char *name, const snx_value *v, size_t n,
                    const h5_filters *f)
{
    if (!n)
        return snx_error(SNX_EINVAL, "\"%s\": an empty list of values", name);
    h5_kind k;
    int rc = h5_kind_of(&v[0], &k);
    if (rc)
        return rc;
    void *buf = snx_malloc(n * k.size);
    hsize_t dims[SNX_MAX_NDIM + 1] = {n};
    for (int d = 0; d < k.ndim; d++)
        dims[d + 1] = k.shape[d];
    size_t elem = k.ndim ? k.size / (v[0].u.a.len ? v[0].u.a.len : 1) : k.size;
    if (!buf)
        rc = SNX_ENOMEM;
    if (!rc) {
        h5_pack(&k, v, n, buf);
        rc = write_dataset(loc, name, k.mtype, elem, k.ndim + 1, dims, buf, &v[0], f);
    }
    if (!rc && unit_of(&v[0]))
        rc = write_units(loc, name, v, n);
    free(buf);
    h5_kind_free(&k);
    return rc;
}

/* Gives each value its own unit from the `display_units` attribute, when present. */
static int apply_units(hid_t ds, const char *name, snx_value *v, size_t n)
{
    if (H5Aexists(ds, H5N_DISPLAY_UNITS) <= 0)
        return 0;
    char **units = snx_calloc(n, sizeof *units);
    hid_t a = H5Aopen(ds, H5N_DISPLAY_UNITS, H5P_DEFAULT), st = h5_str_type();
    hid_t space = a >= 0 ? H5Aget_space(a) : H5I_INVALID_HID;
    int rc = !units ? SNX_ENOMEM : 0;
    if (!rc && (space < 0 || H5Sget_simple_extent_ndims(space) != 1 ||
                H5Sget_simple_extent_npoints(space) != (hssize_t)n ||
                H5Aread(a, st, units) < 0))
        rc = h5_error(SNX_EFORMAT, "\"%s\": unreadable units", name);
    for (size_t i = 0; !rc && i < n; i++) {
        char *u = snx_strdup(units[i] ? units[i] : "");
        if (!u)
            rc = SNX_ENOMEM;
        else {
            free(v[i].unit);
            v[i].unit = u;
        }
    }
    if (units && space >= 0 && !rc)
        H5Dvlen_reclaim(st, space, H5P_DEFAULT, units);
    free(units);
    if (space >= 0)
        H5Sclose(space);
    H5Tclose(st);
    if (a >= 0)
        H5Aclose(a);
    return rc;
}

int h5_read_values(hid_t loc, const char *name, snx_value **out, size_t *n)
{
    h5_kind k;
    char *unit;
    hid_t ds = open_values(loc, name, 1, n, &k, &unit);
    if (ds < 0)
        return snx_errcode();
    snx_value *v = NULL;
    int rc = k.type == SNX_T_TABLE ? snx_error(SNX_EFORMAT, "\"%s\": a list of tables", name) : 0;
    if (!rc && !(v = snx_calloc(*n ? *n : 1, sizeof *v)))
        rc = SNX_ENOMEM;
    if (!rc)
        rc = read_open_values(ds, name, &k, *n, unit, v);
    if (!rc && unit && (rc = apply_units(ds, name, v, *n)))
        for (size_t i = 0; i < *n; i++)
            snx_value_clear(&v[i]);
    h5_kind_free(&k);
    free(unit);
    H5Dclose(ds);
    if (rc) {
        free(v);
        return rc;
    }
    *out = v;
    return 0;
}

/* ---- attributes ----------------------------------------------------------------------- */

/* Replaces attribute `name` of obj with data of the given type and dataspace. */
static int put_attr(hid_t obj, const char *name, hid_t type, hid_t space, const void *data)
{
    if (H5Aexists(obj, name) > 0 && H5Adelete(obj, name) < 0)
        return h5_error(SNX_EIO, "cannot replace attribute \"%s\"", name);
    hid_t a = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    int rc = a < 0 || H5Awrite(a, type, data) < 0
                 ? h5_error(SNX_EIO, "cannot write attribute \"%s\"", name) : 0;
    if (a >= 0)
        H5Aclose(a);
    return rc;
}

int h5_write_attr(hid_t obj, const char *name, const snx_value *v)
{
    h5_kind k;
    int rc = h5_kind_of(v, &k);
    if (rc)
        return snx_error_context("annotation \"%s\"", name);
    void *buf = snx_malloc(k.size ? k.size : 1);
    hid_t space = k.ndim ? H5Screate_simple(k.ndim, k.shape, NULL) : H5Screate(H5S_SCALAR);
    if (!buf)
        rc = SNX_ENOMEM;
    if (!rc) {
        h5_pack(&k, v, 1, buf);
        rc = put_attr(obj, name, k.mtype, space, buf);
    }
    free(buf);
    if (space >= 0)
        H5Sclose(space);
    h5_kind_free(&k);
    return rc;
}

int h5_read_attr(hid_t obj, const char *name, const char *unit, snx_value *out)
{
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    hid_t space = a >= 0 ? H5Aget_space(a) : H5I_INVALID_HID;
    hid_t dtype = a >= 0 ? H5Aget_type(a) : H5I_INVALID_HID;
    int rank = space >= 0 ? H5Sget_simple_extent_ndims(space) : -1;
    hsize_t dims[SNX_MAX_NDIM] = {0};
    h5_kind k = {.mtype = H5I_INVALID_HID};
    int rc = rank < 0 || rank > SNX_MAX_NDIM || dtype < 0 ? -1 : 0;
    if (rc)
        rc = h5_error(SNX_EFORMAT, "cannot read attribute \"%s\"", name);
    else
        H5Sget_simple_extent_dims(space, dims, NULL);
    if (!rc && unit)
        rc = h5_check_unit(unit, NULL);
    if (!rc)
        rc = kind_infer(dtype, rank, dims, unit != NULL, SNX_T_NONE, &k);
    if (!rc && k.type == SNX_T_TABLE)
        rc = snx_error(SNX_EFORMAT, "attribute \"%s\" is a table", name);
    void *buf = rc ? NULL : snx_malloc(k.size ? k.size : 1);
    if (!rc && !buf)
        rc = SNX_ENOMEM;
    if (!rc && k.size && H5Aread(a, k.mtype, buf) < 0)
        rc = h5_error(SNX_EIO, "cannot read attribute \"%s\"", name);
    if (!rc) {
        rc = h5_unpack(&k, buf, 1, unit, out);
        if (k.type == SNX_T_STRING)
            H5Dvlen_reclaim(k.mtype, space, H5P_DEFAULT, buf);
    }
    free(buf);
    h5_kind_free(&k);
    if (dtype >= 0)
        H5Tclose(dtype);
    if (space >= 0)
        H5Sclose(space);
    if (a >= 0)
        H5Aclose(a);
    return rc;
}

int h5_write_str_attr(hid_t obj, const char *name, const char *s)
{
    hid_t st = h5_str_type(), space = H5Screate(H5S_SCALAR);
    int rc = put_attr(obj, name, st, space, &s);
    H5Sclose(space);
    H5Tclose(st);
    return rc;
}

char *h5_read_str_attr(hid_t obj, const char *name)
{
    snx_error_clear();
    if (H5Aexists(obj, name) <= 0) {
        H5Eclear2(H5E_DEFAULT);
        return NULL;
    }
    snx_value v;
    if (h5_read_attr(obj, name, NULL, &v))
        return NULL;
    if (v.type != SNX_T_STRING) {
        snx_value_clear(&v);
        snx_error(SNX_EFORMAT, "attribute \"%s\" is not a string", name);
        return NULL;
    }
    return v.u.s; /* the value's string, handed over */
}

static int write_scalar_attr(hid_t obj, const char *name, hid_t type, const void *data)
{
    hid_t space = H5Screate(H5S_SCALAR);
    int rc = put_attr(obj, name, type, space, data);
    H5Sclose(space);
    return rc;
}

int h5_write_double_attr(hid_t obj, const char *name, double d)
{
    return write_scalar_attr(obj, name, H5T_NATIVE_DOUBLE, &d);
}

int h5_write_long_attr(hid_t obj, const char *name, long v)
{
    int64_t i = v;
    return write_scalar_attr(obj, name, H5T_NATIVE_INT64, &i);
}

int h5_read_long_attr(hid_t obj, const char *name, long *v)
{
    int64_t i;
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    if (a < 0 || H5Aread(a, H5T_NATIVE_INT64, &i) < 0) {
        if (a >= 0)
            H5Aclose(a);
        return h5_error(SNX_EFORMAT, "cannot read attribute \"%s\"", name);
    }
    H5Aclose(a);
    *v = (long)i;
    return 0;
}
