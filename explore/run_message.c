/* Run messages: what one run added to the trajectory, plus its report, as a compact
 * byte string (the layout is described in env_internal.h). A worker's run child
 * encodes; the writer decodes and rebuilds the nodes in its own tree with the
 * loader helpers of service.h. The decoder trusts nothing: every read is bounds
 * checked, so a truncated or garbled message is an SNX_EFORMAT error, not a crash. */
#include "env_internal.h"
#include "snex/error.h"
#include "snex/util.h"

#include <stdlib.h>
#include <string.h>

#define MSG_MAGIC 0x52584E53u /* "SNXR" */
#define PIECE_MAGIC 0x50584E53u /* "SNXP": a piece of a streamed item */
#define MSG_VERSION 1
#define MSG_BOM 0x0102
#define MSG_HEADER 16
#define NULL_STR 0xFFFFFFFFu

void env_report_clear(env_report *r)
{
    free(r->error);
    snx_value_clear(&r->ret);
    r->error = NULL;
}

/* ---- writing ---------------------------------------------------------------- */

static int put(snx_buf *b, const void *p, size_t n) { return snx_buf_append(b, p, n); }
static int put_u8(snx_buf *b, uint8_t v) { return put(b, &v, 1); }
static int put_u32(snx_buf *b, uint32_t v) { return put(b, &v, 4); }
static int put_u64(snx_buf *b, uint64_t v) { return put(b, &v, 8); }
static int put_f64(snx_buf *b, double v) { return put(b, &v, 8); }

static int put_str(snx_buf *b, const char *s)
{
    if (!s)
        return put_u32(b, NULL_STR);
    size_t n = strlen(s);
    if (n >= NULL_STR)
        return snx_error(SNX_EINVAL, "run message: string of %zu bytes is too long", n);
    return put_u32(b, (uint32_t)n) || put(b, s, n) ? SNX_ENOMEM : 0;
}

static int put_table(snx_buf *b, const snx_table *t)
{
    size_t rows = snx_table_rows(t), cols = snx_table_cols(t);
    int rc = put_u64(b, rows) || put_u32(b, (uint32_t)cols);
    for (size_t c = 0; !rc && c < cols; c++) {
        snx_col_type type = snx_table_col_type(t, c);
        const void *data = snx_table_col_data(t, c);
        rc = put_str(b, snx_table_col_name(t, c)) || put_u8(b, (uint8_t)type);
        if (rc)
            break;
        switch (type) {
        case SNX_COL_INT:
        case SNX_COL_DOUBLE: rc = put(b, data, rows * 8); break;
        case SNX_COL_BOOL: rc = put(b, data, rows); break;
        case SNX_COL_STRING:
            for (size_t r = 0; !rc && r < rows; r++)
                rc = put_str(b, ((char *const *)data)[r]);
            break;
        }
    }
    return rc ? SNX_ENOMEM : 0;
}

static int put_value(snx_buf *b, const snx_value *v)
{
    if (put_u8(b, (uint8_t)v->type))
        return SNX_ENOMEM;
    switch (v->type) {
    case SNX_T_NONE: return 0;
    case SNX_T_BOOL: return put_u8(b, (uint8_t)v->u.b);
    case SNX_T_INT: return put_u64(b, (uint64_t)v->u.i);
    case SNX_T_DOUBLE: return put_f64(b, v->u.d);
    case SNX_T_COMPLEX: return put_f64(b, v->u.c.re) || put_f64(b, v->u.c.im);
    case SNX_T_STRING: return put_str(b, v->u.s);
    case SNX_T_QUANTITY: return put_str(b, v->unit) || put_f64(b, v->u.d);
    case SNX_T_INT_ARRAY:
    case SNX_T_DOUBLE_ARRAY: {
        const snx_array *a = &v->u.a;
        int rc = put_u8(b, (uint8_t)a->ndim);
        for (int k = 0; !rc && k < a->ndim; k++)
            rc = put_u64(b, a->shape[k]);
        if (!rc && v->type == SNX_T_DOUBLE_ARRAY)
            rc = put_str(b, v->unit);
        return rc || put(b, a->data, a->len * 8) ? SNX_ENOMEM : 0;
    }
    case SNX_T_TABLE: return put_table(b, v->u.t);
    default:
        return snx_error(SNX_ETYPE, "run message: cannot send a value of type %s",
                         snx_type_name(v->type));
    }
}

static int put_node(snx_buf *b, const snx_node *n)
{
    snx_node_kind kind = snx_node_kind_of(n);
    int rc = put_u8(b, (uint8_t)kind) || put_str(b, snx_node_full_name(n)) ||
             put_str(b, snx_node_comment(n));
    size_t n_ann = snx_node_n_annotations(n);
    rc = rc || put_u32(b, (uint32_t)n_ann);
    for (size_t k = 0; !rc && k < n_ann; k++) {
        const char *key;
        const snx_value *v = snx_node_annotation_at(n, k, &key);
        rc = put_str(b, key) || put_value(b, v);
    }
    if (rc)
        return rc < 0 ? rc : SNX_ENOMEM;
    if (kind == SNX_NODE_PARAMETER) {
        const snx_value *v = snx_par_peek(n);
        snx_value none = snx_none();
        return put_value(b, v ? v : &none);
    }
    if (kind == SNX_NODE_RESULT) {
        size_t items = snx_result_n_items(n);
        rc = put_u32(b, (uint32_t)items);
        for (size_t k = 0; !rc && k < items; k++) {
            const char *name;
            const snx_value *v = snx_result_item_at(n, k, &name);
            rc = put_str(b, name) || put_value(b, v);
        }
    }
    return rc < 0 ? rc : rc ? SNX_ENOMEM : 0;
}

static int put_header_and_report(snx_buf *b, const env_report *r)
{
    uint16_t version = MSG_VERSION, bom = MSG_BOM;
    int rc = put_u32(b, MSG_MAGIC) || put(b, &version, 2) || put(b, &bom, 2) ||
             put_u64(b, 0) /* length, patched at the end */ ||
             put_u64(b, (uint64_t)(int64_t)r->idx) || put_u32(b, (uint32_t)r->status) ||
             put_u64(b, r->seed) || put_f64(b, r->timestamp) ||
             put_f64(b, r->finish_timestamp);
    if (rc)
        return SNX_ENOMEM;
    return put_str(b, r->error) ? SNX_ENOMEM : put_value(b, &r->ret);
}

static void patch_length(snx_buf *b, size_t start)
{
    uint64_t len = b->len - start;
    memcpy(b->data + start + 8, &len, 8);
}

int env_msg_encode(snx_buf *out, snx_traj *traj, const env_report *r)
{
    size_t start = out->len;
    int rc = put_header_and_report(out, r);
    size_t n = r->status == 0 ? snx_traj_n_run_added(traj) : 0;
    if (!rc)
        rc = put_u32(out, (uint32_t)n) ? SNX_ENOMEM : 0;
    for (size_t k = 0; !rc && k < n; k++)
        rc = put_node(out, snx_traj_run_added(traj, k));
    if (rc) {
        out->len = start;
        return rc;
    }
    patch_length(out, start);
    return 0;
}

int env_piece_encode(snx_buf *out, long idx, double attempt, const char *full_name,
                     const char *item, const snx_value *piece)
{
    uint16_t version = MSG_VERSION, bom = MSG_BOM;
    size_t start = out->len;
    int rc = put_u32(out, PIECE_MAGIC) || put(out, &version, 2) || put(out, &bom, 2) ||
             put_u64(out, 0) || put_u64(out, (uint64_t)(int64_t)idx) || put_f64(out, attempt) ||
             put_str(out, full_name) || put_str(out, item) ? SNX_ENOMEM : 0;
    if (!rc)
        rc = put_value(out, piece);
    if (rc) {
        out->len = start;
        return rc;
    }
    patch_length(out, start);
    return 0;
}

int env_msg_encode_failure(snx_buf *out, long idx, uint64_t seed, double t0, double t1,
                           int status, const char *error)
{
    env_report r = { .idx = idx, .status = status, .seed = seed, .timestamp = t0,
                     .finish_timestamp = t1, .error = (char *)error };
    size_t start = out->len;
    int rc = put_header_and_report(out, &r);
    if (!rc)
        rc = put_u32(out, 0) ? SNX_ENOMEM : 0;
    if (rc) {
        out->len = start;
        return rc;
    }
    patch_length(out, start);
    return 0;
}

/* ---- reading ---------------------------------------------------------------- */

typedef struct reader {
    const unsigned char *p, *end;
    int bad;
} reader;

static int take(reader *r, void *dst, size_t n)
{
    if (r->bad || (size_t)(r->end - r->p) < n) {
        r->bad = 1;
        if (dst && n)
            memset(dst, 0, n);
        return -1;
    }
    if (n)
        memcpy(dst, r->p, n);
    r->p += n;
    return 0;
}

static uint8_t get_u8(reader *r) { uint8_t v; take(r, &v, 1); return v; }
static uint32_t get_u32(reader *r) { uint32_t v; take(r, &v, 4); return v; }
static uint64_t get_u64(reader *r) { uint64_t v; take(r, &v, 8); return v; }
static double get_f64(reader *r) { double v; take(r, &v, 8); return v; }

/* Whether n elements of `size` bytes could still follow (guards allocations). */
static int fits(reader *r, uint64_t n, size_t size)
{
    if (r->bad || n > (uint64_t)(r->end - r->p) / (size ? size : 1)) {
        r->bad = 1;
        return 0;
    }
    return 1;
}

/* A string view (not NUL-terminated in the buffer) copied out as a C string. */
static int get_str(reader *r, char **out)
{
    *out = NULL;
    uint32_t n = get_u32(r);
    if (r->bad || n == NULL_STR)
        return r->bad ? -1 : 0;
    if (!fits(r, n, 1))
        return -1;
    if (!(*out = snx_strndup((const char *)r->p, n)))
        return SNX_ENOMEM;
    if (memchr(r->p, '\0', n)) { /* an embedded NUL: not something we wrote */
        free(*out);
        *out = NULL;
        r->bad = 1;
        return -1;
    }
    r->p += n;
    return 0;
}

static int get_array(reader *r, snx_value *v)
{
    snx_array *a = &v->u.a;
    a->ndim = get_u8(r);
    if (r->bad || a->ndim < 1 || a->ndim > SNX_MAX_NDIM)
        return r->bad = 1, -1;
    a->len = 1;
    for (int k = 0; k < a->ndim; k++) {
        a->shape[k] = get_u64(r);
        if (a->shape[k] && a->len > SIZE_MAX / 8 / a->shape[k])
            return r->bad = 1, -1;
        a->len *= a->shape[k];
    }
    if (v->type == SNX_T_DOUBLE_ARRAY && get_str(r, &v->unit))
        return -1;
    if (!fits(r, a->len, 8) || !(a->data = snx_malloc(a->len * 8)))
        return -1;
    return take(r, a->data, a->len * 8);
}

static int get_column(reader *r, snx_table *t, const char *name, snx_col_type type,
                      size_t rows)
{
    size_t size = type == SNX_COL_BOOL ? 1 : 8;
    if (type == SNX_COL_STRING) {
        if (!fits(r, rows, 4))
            return -1;
        char **s = snx_calloc(rows, sizeof *s);
        int rc = s ? 0 : SNX_ENOMEM;
        for (size_t k = 0; !rc && k < rows; k++)
            if (get_str(r, &s[k]) || !s[k]) {
                r->bad = 1; /* NULL strings are not valid cells */
                rc = -1;
            }
        if (!rc)
            rc = snx_table_add_string(t, name, (const char *const *)s);
        for (size_t k = 0; s && k < rows; k++)
            free(s[k]);
        free(s);
        return rc;
    }
    if (!fits(r, rows, size))
        return -1;
    void *data = snx_malloc(rows * size);
    if (!data)
        return SNX_ENOMEM;
    int rc = take(r, data, rows * size);
    if (!rc)
        rc = type == SNX_COL_INT      ? snx_table_add_int(t, name, data)
           : type == SNX_COL_DOUBLE   ? snx_table_add_double(t, name, data)
           : type == SNX_COL_BOOL     ? snx_table_add_bool(t, name, data)
                                      : (r->bad = 1, -1);
    free(data);
    return rc;
}

static int get_table(reader *r, snx_value *v)
{
    uint64_t rows = get_u64(r);
    uint32_t cols = get_u32(r);
    if (r->bad)
        return -1;
    snx_table *t = snx_table_new(rows);
    if (!t)
        return SNX_ENOMEM;
    int rc = 0;
    for (uint32_t c = 0; !rc && c < cols; c++) {
        char *name = NULL;
        rc = get_str(r, &name);
        uint8_t type = get_u8(r);
        if (!rc && (r->bad || !name || type > SNX_COL_BOOL))
            rc = (r->bad = 1, -1);
        if (!rc)
            rc = get_column(r, t, name, (snx_col_type)type, rows);
        free(name);
    }
    if (rc) {
        snx_table_free(t);
        return rc;
    }
    v->u.t = t;
    return 0;
}

/* Reads a value into *v (NONE on failure). */
static int get_value(reader *r, snx_value *v)
{
    *v = snx_none();
    uint8_t type = get_u8(r);
    if (r->bad || type >= SNX_N_TYPES)
        return r->bad = 1, -1;
    snx_value x = { .type = (snx_type)type };
    int rc = 0;
    switch (x.type) {
    case SNX_T_NONE: break;
    case SNX_T_BOOL: x.u.b = get_u8(r) != 0; break;
    case SNX_T_INT: x.u.i = (int64_t)get_u64(r); break;
    case SNX_T_DOUBLE: x.u.d = get_f64(r); break;
    case SNX_T_COMPLEX: x.u.c.re = get_f64(r); x.u.c.im = get_f64(r); break;
    case SNX_T_STRING:
        rc = get_str(r, &x.u.s);
        if (!rc && !x.u.s)
            rc = (r->bad = 1, -1);
        break;
    case SNX_T_QUANTITY:
        rc = get_str(r, &x.unit);
        x.u.d = get_f64(r);
        if (!rc && !x.unit)
            rc = (r->bad = 1, -1);
        break;
    case SNX_T_INT_ARRAY:
    case SNX_T_DOUBLE_ARRAY: rc = get_array(r, &x); break;
    case SNX_T_TABLE: rc = get_table(r, &x); break;
    default: rc = (r->bad = 1, -1);
    }
    if (rc || r->bad) {
        if (x.type == SNX_T_TABLE)
            x.u.t = NULL; /* freed by get_table */
        snx_value_clear(&x);
        return rc ? rc : -1;
    }
    *v = x;
    return 0;
}

static int format_error(const char *what)
{
    return snx_error(SNX_EFORMAT, "run message: %s", what);
}

/* Checks the header (of a message with that magic); its length in *len_out. */
static int read_header_of(reader *r, size_t avail, uint32_t want, size_t *len_out)
{
    uint32_t magic = get_u32(r);
    uint16_t version, bom;
    take(r, &version, 2);
    take(r, &bom, 2);
    uint64_t len = get_u64(r);
    if (r->bad)
        return format_error("truncated header");
    if (magic != want)
        return format_error(want == MSG_MAGIC ? "bad magic (not a run message)"
                                              : "bad magic (not a piece of a streamed item)");
    if (bom != MSG_BOM)
        return format_error("written with another byte order");
    if (version != MSG_VERSION)
        return snx_error(SNX_EVERSION, "run message: version %u, this snex reads %u", version,
                         MSG_VERSION);
    if (len < MSG_HEADER || len > avail)
        return format_error("length does not match the data");
    *len_out = (size_t)len;
    return 0;
}

static int read_header(reader *r, size_t avail, size_t *len_out)
{
    return read_header_of(r, avail, MSG_MAGIC, len_out);
}

/* Whether buf starts with a complete message of that magic. */
static int complete_of(const void *buf, size_t len, uint32_t want, size_t *msg_len)
{
    const unsigned char *b = buf;
    uint32_t magic;
    uint16_t version, bom;
    uint64_t total;
    if (len < MSG_HEADER)
        return 0;
    memcpy(&magic, b, 4);
    memcpy(&version, b + 4, 2);
    memcpy(&bom, b + 6, 2);
    memcpy(&total, b + 8, 8);
    if (magic != want || version != MSG_VERSION || bom != MSG_BOM ||
        total < MSG_HEADER || total > len)
        return 0;
    *msg_len = (size_t)total;
    return 1;
}

int env_msg_complete(const void *buf, size_t len, size_t *msg_len)
{
    return complete_of(buf, len, MSG_MAGIC, msg_len);
}

int env_piece_complete(const void *buf, size_t len, size_t *piece_len)
{
    return complete_of(buf, len, PIECE_MAGIC, piece_len);
}

int env_msg_peek(const void *buf, size_t len, long *idx, int *status, double *runtime)
{
    size_t msg_len;
    const unsigned char *b = buf;
    if (!env_msg_complete(buf, len, &msg_len) || msg_len != len || len < MSG_HEADER + 44)
        return snx_error(SNX_EFORMAT, "run message: not a complete message");
    int64_t i;
    int32_t s;
    double t0, t1;
    memcpy(&i, b + MSG_HEADER, 8);
    memcpy(&s, b + MSG_HEADER + 8, 4);
    memcpy(&t0, b + MSG_HEADER + 20, 8);
    memcpy(&t1, b + MSG_HEADER + 28, 8);
    *idx = (long)i;
    *status = s;
    if (runtime)
        *runtime = t1 - t0;
    return 0;
}

static int read_report(reader *r, env_report *rep)
{
    rep->idx = (long)(int64_t)get_u64(r);
    rep->status = (int)get_u32(r);
    rep->seed = get_u64(r);
    rep->timestamp = get_f64(r);
    rep->finish_timestamp = get_f64(r);
    int rc = get_str(r, &rep->error);
    if (!rc)
        rc = get_value(r, &rep->ret);
    return rc;
}

static int apply_annotations(reader *r, snx_node *node)
{
    uint32_t n = get_u32(r);
    int rc = 0;
    for (uint32_t k = 0; !rc && !r->bad && k < n; k++) {
        char *key = NULL;
        snx_value v;
        rc = get_str(r, &key);
        if (!rc && !key)
            rc = (r->bad = 1, -1);
        if (!rc)
            rc = get_value(r, &v);
        if (!rc)
            rc = snx_node_annotate(node, key, v);
        free(key);
    }
    return rc;
}

static int apply_node(snx_traj *traj, reader *r)
{
    uint8_t kind = get_u8(r);
    char *name = NULL, *comment = NULL;
    int rc = get_str(r, &name);
    if (!rc)
        rc = get_str(r, &comment);
    if (!rc && (r->bad || !name || kind > SNX_NODE_RESULT))
        rc = (r->bad = 1, -1);
    snx_node *node = NULL;
    if (!rc) {
        node = kind == SNX_NODE_GROUP
                 ? snx_traj_load_group(traj, name, comment)
                 : snx_traj_load_leaf(traj, name, (snx_node_kind)kind, snx_none(), comment);
        if (!node)
            rc = snx_errcode() ? snx_errcode() : SNX_EINVAL;
    }
    if (!rc)
        rc = apply_annotations(r, node);
    if (!rc && kind == SNX_NODE_PARAMETER) {
        snx_value v;
        rc = get_value(r, &v);
        if (!rc && v.type != SNX_T_NONE)
            rc = snx_par_set(node, v); /* a new leaf: not locked */
    }
    if (!rc && kind == SNX_NODE_RESULT) {
        uint32_t items = get_u32(r);
        for (uint32_t k = 0; !rc && !r->bad && k < items; k++) {
            char *item = NULL;
            snx_value v;
            rc = get_str(r, &item);
            if (!rc && !item)
                rc = (r->bad = 1, -1);
            if (!rc)
                rc = get_value(r, &v);
            if (!rc)
                rc = snx_result_set(node, item, v);
            free(item);
        }
    }
    if (rc && node && snx_errcode())
        snx_error_context("run message: node \"%s\"", name);
    free(name);
    free(comment);
    return rc;
}

int env_msg_apply(snx_traj *traj, const void *buf, size_t len, env_report *rep)
{
    *rep = (env_report){ .ret = snx_none() };
    reader r = { buf, (const unsigned char *)buf + len, 0 };
    size_t msg_len = 0;
    int rc = read_header(&r, len, &msg_len);
    if (rc)
        return rc;
    r.end = (const unsigned char *)buf + msg_len;
    rc = read_report(&r, rep);
    uint32_t n = rc ? 0 : get_u32(&r);
    for (uint32_t k = 0; !rc && !r.bad && k < n; k++)
        rc = apply_node(traj, &r);
    if (r.bad)
        return format_error("truncated or malformed contents");
    if (!rc && r.p != r.end)
        return format_error("trailing bytes");
    return rc;
}

int env_piece_decode(const void *buf, size_t len, env_piece *p)
{
    *p = (env_piece){ .value = snx_none() };
    reader r = { buf, (const unsigned char *)buf + len, 0 };
    size_t piece_len = 0;
    int rc = read_header_of(&r, len, PIECE_MAGIC, &piece_len);
    if (rc)
        return rc;
    if (piece_len != len)
        return format_error("a piece followed by other bytes");
    p->idx = (long)(int64_t)get_u64(&r);
    p->attempt = get_f64(&r);
    rc = get_str(&r, &p->full_name);
    rc = rc ? rc : get_str(&r, &p->item);
    rc = rc ? rc : get_value(&r, &p->value);
    if (rc == -1 || (!rc && (r.bad || r.p != r.end || !p->full_name || !p->item ||
                (p->value.type != SNX_T_INT_ARRAY && p->value.type != SNX_T_DOUBLE_ARRAY))))
        rc = format_error("a malformed piece of a streamed item");
    if (rc)
        env_piece_clear(p);
    return rc;
}

void env_piece_clear(env_piece *p)
{
    free(p->full_name);
    free(p->item);
    snx_value_clear(&p->value);
    p->full_name = p->item = NULL;
}

/* ---- what a rank built: the description of its trajectory -------------------------
 * Rank 0 of an MPI sweep compares every worker rank's description with its own
 * (env_mpi.c): a rank that built another trajectory would run other runs than the
 * ones rank 0 stores under its parameters. The layout:
 *   n_runs u64 | n u32 | n parameters, sorted by full name:
 *     name str | text str (the default value as snx_value_to_str shows it, cut
 *     to DESC_TEXT bytes) | explored u8 | hash u64
 * The hash (FNV-1a) covers the default's bytes (as in a run message) and, when
 * explored, the value of every run in order: not a sample, since a difference in
 * any one run would store a wrong run. Parameters only: config holds what differs
 * between machines (hosts, times), derived parameters may be made during runs. */

#define DESC_TEXT 60

static int by_full_name(const void *a, const void *b)
{
    return strcmp(snx_node_full_name(*(snx_node *const *)a),
                  snx_node_full_name(*(snx_node *const *)b));
}

typedef struct par_list {
    snx_node **p;
    size_t n, cap;
} par_list;

static int collect_par(snx_node *node, void *ctx)
{
    par_list *l = ctx;
    if (snx_node_kind_of(node) != SNX_NODE_PARAMETER)
        return 0;
    if (snx_grow(&l->p, &l->cap, l->n + 1, sizeof *l->p))
        return SNX_ENOMEM;
    l->p[l->n++] = node;
    return 0;
}

/* h continued with the bytes of v (an empty parameter: none at all) */
static int hash_value(snx_buf *scratch, const snx_value *v, uint64_t *h)
{
    scratch->len = 0;
    int rc = v ? put_value(scratch, v) : put_u8(scratch, 0xFF);
    if (!rc)
        *h = env_fnv1a(*h, scratch->data, scratch->len);
    return rc;
}

static int describe_par(snx_buf *out, snx_buf *scratch, snx_node *par)
{
    const snx_value *v = snx_par_peek(par); /* the default: no run is set here */
    if (!v)
        snx_error_clear(); /* an empty parameter */
    uint64_t h = 0xCBF29CE484222325ull;
    int rc = hash_value(scratch, v, &h);
    bool explored = snx_par_is_explored(par);
    for (size_t k = 0; !rc && explored && k < snx_par_range_length(par); k++)
        rc = hash_value(scratch, snx_par_range_at(par, k), &h);
    char *text = rc ? NULL : v ? snx_value_to_str(v, DESC_TEXT) : snx_strdup("(empty)");
    if (!rc && !text)
        rc = snx_errcode() ? snx_errcode() : SNX_ENOMEM;
    if (!rc && strlen(text) > DESC_TEXT)
        strcpy(text + DESC_TEXT - 3, "...");
    if (!rc)
        rc = put_str(out, snx_node_full_name(par)) || put_str(out, text) ||
                     put_u8(out, explored) || put_u64(out, h)
                 ? SNX_ENOMEM
                 : 0;
    free(text);
    return rc;
}

int env_traj_describe(snx_traj *traj, snx_buf *out)
{
    par_list l = { 0 };
    snx_node *pars = snx_node_child_named(snx_traj_root(traj), "parameters");
    int rc = pars ? snx_node_iter(pars, &(snx_iter_opts){ .no_links = true }, collect_par, &l)
                  : 0;
    snx_error_clear(); /* (no parameters group: none) */
    if (l.n)
        qsort(l.p, l.n, sizeof *l.p, by_full_name);
    snx_buf scratch = { 0 };
    if (!rc)
        rc = put_u64(out, snx_traj_n_runs(traj)) || put_u32(out, (uint32_t)l.n) ? SNX_ENOMEM
                                                                                 : 0;
    for (size_t k = 0; !rc && k < l.n; k++)
        rc = describe_par(out, &scratch, l.p[k]);
    snx_buf_free(&scratch);
    free(l.p);
    return rc;
}

typedef struct par_desc {
    char *name, *text;
    uint8_t explored;
    uint64_t hash;
} par_desc;

typedef struct traj_desc {
    uint64_t n_runs;
    par_desc *p;
    size_t n;
} traj_desc;

static void desc_free(traj_desc *d)
{
    for (size_t k = 0; k < d->n; k++) {
        free(d->p[k].name);
        free(d->p[k].text);
    }
    free(d->p);
}

static int desc_read(const void *buf, size_t len, traj_desc *d)
{
    reader r = { buf, (const unsigned char *)buf + len, 0 };
    *d = (traj_desc){ .n_runs = get_u64(&r) };
    uint32_t n = get_u32(&r);
    if (!fits(&r, n, 14)) /* at least two lengths, a flag and a hash each */
        return format_error("a malformed description of a trajectory");
    if (n && !(d->p = snx_calloc(n, sizeof *d->p)))
        return SNX_ENOMEM;
    int rc = 0;
    for (; !rc && d->n < n; d->n++) {
        par_desc *p = &d->p[d->n];
        rc = get_str(&r, &p->name);
        rc = rc ? rc : get_str(&r, &p->text);
        p->explored = get_u8(&r);
        p->hash = get_u64(&r);
        if (!rc && (!p->name || !p->text))
            rc = -1;
    }
    if (rc == -1 || (!rc && (r.bad || r.p != r.end)))
        rc = format_error("a malformed description of a trajectory");
    if (rc)
        desc_free(d);
    return rc;
}

/* What first differs between two parameters of the same name (NULL: nothing). */
static char *par_difference(const par_desc *mine, const par_desc *theirs, int rank)
{
    snx_buf b = { 0 };
    if (mine->explored == theirs->explored && mine->hash == theirs->hash)
        return NULL;
    if (mine->explored != theirs->explored)
        snx_buf_printf(&b, "parameter \"%s\" is explored on rank %d, not on rank %d",
                       mine->name, mine->explored ? 0 : rank, mine->explored ? rank : 0);
    else if (mine->explored)
        snx_buf_printf(&b, "parameter \"%s\" (explored) has other values on rank %d than on "
                           "rank 0", mine->name, rank);
    else
        snx_buf_printf(&b, "parameter \"%s\" is %s on rank %d, %s on rank 0%s", mine->name,
                       theirs->text, rank, mine->text,
                       strcmp(mine->text, theirs->text) ? "" : " (beyond the digits shown)");
    return snx_buf_take(&b);
}

/* Both lists are sorted by name: a merge finds the first difference. */
static char *difference(const traj_desc *mine, const traj_desc *theirs, int rank)
{
    snx_buf b = { 0 };
    size_t i = 0, j = 0;
    while (i < mine->n || j < theirs->n) {
        int order = i == mine->n     ? 1
                    : j == theirs->n ? -1
                                     : strcmp(mine->p[i].name, theirs->p[j].name);
        if (order < 0) {
            snx_buf_printf(&b, "parameter \"%s\" is missing on rank %d", mine->p[i].name, rank);
            return snx_buf_take(&b);
        }
        if (order > 0) {
            snx_buf_printf(&b, "rank %d has a parameter \"%s\" that rank 0 has not", rank,
                           theirs->p[j].name);
            return snx_buf_take(&b);
        }
        char *why = par_difference(&mine->p[i++], &theirs->p[j++], rank);
        if (why)
            return why;
    }
    snx_buf_printf(&b, "%llu runs on rank %d, %llu on rank 0", (unsigned long long)theirs->n_runs,
                   rank, (unsigned long long)mine->n_runs);
    return snx_buf_take(&b);
}

int env_traj_compare(const void *mine, size_t mine_len, const void *theirs, size_t theirs_len,
                     int rank)
{
    if (mine_len == theirs_len && !memcmp(mine, theirs, mine_len))
        return 0;
    traj_desc a, b;
    int rc = desc_read(mine, mine_len, &a);
    if (rc)
        return rc;
    if ((rc = desc_read(theirs, theirs_len, &b))) {
        desc_free(&a);
        return rc;
    }
    char *why = difference(&a, &b, rank);
    rc = snx_error(SNX_EINVAL, "MPI: rank %d built another trajectory than rank 0: %s; every "
                               "rank must run the same program with the same parameters",
                   rank, why ? why : "(no memory to say how)");
    free(why);
    desc_free(&a);
    desc_free(&b);
    return rc;
}
