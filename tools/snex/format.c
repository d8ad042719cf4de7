/* Values for people: quantities and arrays in the unit they were given in (the file
 * keeps SI), arrays summarised by their shape, first and last elements and min /
 * mean / max, tables as aligned columns. Export (export.c) writes exact numbers
 * instead; this is for reading at a terminal. */
#include "cli.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum {
    SHOW_ELEMENTS = 16, /* arrays up to this many elements are shown whole */
    EDGE = 5,           /* elements (and table rows) shown at each end otherwise */
    SHOW_ROWS = 20,     /* tables up to this many rows are shown whole */
    PER_LINE = 8,       /* elements per line of a whole 1-d array */
};

double cli_display_scale(const snx_value *v, const char **unit)
{
    *unit = snx_value_unit(v);
    snx_unit u;
    if (*unit && snx_unit_parse(*unit, &u) == 0 && u.scale > 0)
        return u.scale;
    snx_error_clear();
    return 1.0;
}

void cli_print_number(FILE *out, double x)
{
    if (x == floor(x) && fabs(x) < 1e15)
        fprintf(out, "%.0f", x);
    else
        fprintf(out, "%.6g", x);
}

static void print_shape(FILE *out, const snx_value *v)
{
    int ndim;
    const size_t *shape = snx_value_shape(v, &ndim);
    fputc('[', out);
    for (int d = 0; d < ndim; d++)
        fprintf(out, "%s%zu", d ? ", " : "", shape[d]);
    fputc(']', out);
}

static bool is_array(const snx_value *v)
{
    return v->type == SNX_T_INT_ARRAY || v->type == SNX_T_DOUBLE_ARRAY;
}

static size_t array_len(const snx_value *v)
{
    int ndim;
    const size_t *shape = snx_value_shape(v, &ndim);
    size_t len = 1;
    for (int d = 0; d < ndim; d++)
        len *= shape[d];
    return len;
}

void cli_describe(FILE *out, const snx_value *v)
{
    fputs(snx_type_name(v->type), out);
    if (is_array(v)) {
        fputc(' ', out);
        print_shape(out, v);
    } else if (v->type == SNX_T_TABLE) {
        const snx_table *t = snx_value_table(v);
        fprintf(out, " [%zu rows x %zu columns]", snx_table_rows(t), snx_table_cols(t));
    }
    const char *unit = snx_value_unit(v);
    if (unit)
        fprintf(out, " %s", unit);
}

char *cli_inline_str(const snx_value *v, size_t max_len)
{
    snx_buf b = { 0 };
    const char *unit;
    double scale = cli_display_scale(v, &unit);
    if (v->type == SNX_T_DOUBLE || v->type == SNX_T_QUANTITY) {
        double x = v->type == SNX_T_DOUBLE ? snx_value_double(v) : snx_value_double(v) / scale;
        snx_buf_printf(&b, x == floor(x) && fabs(x) < 1e15 ? "%.0f" : "%.6g", x);
        if (unit)
            snx_buf_printf(&b, " %s", unit);
        return snx_buf_take(&b);
    }
    char *s = snx_value_to_str(v, max_len);
    const char *nl = s ? strchr(s, '\n') : NULL;
    if (nl) { /* the first line of a text */
        snx_buf_printf(&b, "%.*s...", (int)(nl - s), s);
        free(s);
        return snx_buf_take(&b);
    }
    return s;
}

void cli_print_inline(FILE *out, const snx_value *v, size_t max_len)
{
    if (is_array(v) || v->type == SNX_T_TABLE) {
        cli_describe(out, v);
        return;
    }
    char *s = cli_inline_str(v, max_len);
    fputs(s ? s : "?", out);
    free(s);
}

/* Element k of an array in its display unit. */
static double element(const snx_value *v, size_t k, double scale)
{
    if (v->type == SNX_T_INT_ARRAY)
        return (double)snx_value_ints(v, NULL)[k];
    return snx_value_doubles(v, NULL)[k] / scale;
}

static void print_elements(FILE *out, const snx_value *v, size_t from, size_t to, double scale)
{
    for (size_t k = from; k < to; k++) {
        fputs(k > from ? ", " : "", out);
        cli_print_number(out, element(v, k, scale));
    }
}

static void print_stats(FILE *out, const snx_value *v, size_t len, double scale,
                        const char *indent)
{
    double lo = INFINITY, hi = -INFINITY, sum = 0;
    size_t n = 0, nan = 0;
    for (size_t k = 0; k < len; k++) {
        double x = element(v, k, scale);
        if (isnan(x)) {
            nan++;
            continue;
        }
        lo = fmin(lo, x);
        hi = fmax(hi, x);
        sum += x;
        n++;
    }
    if (!n) {
        fprintf(out, "%sall %zu elements are NaN\n", indent, nan);
        return;
    }
    fprintf(out, "%smin ", indent);
    cli_print_number(out, lo);
    fputs("   mean ", out);
    cli_print_number(out, sum / (double)n);
    fputs("   max ", out);
    cli_print_number(out, hi);
    if (nan)
        fprintf(out, "   (%zu NaN)", nan);
    fputc('\n', out);
}

/* Every element: rows of the last axis, each led by its index. */
static void print_whole_array(FILE *out, const snx_value *v, double scale, const char *indent)
{
    int ndim;
    const size_t *shape = snx_value_shape(v, &ndim);
    size_t len = array_len(v), row = ndim > 1 ? shape[ndim - 1] : PER_LINE;
    if (row == 0)
        row = 1;
    for (size_t k = 0; k < len; k += row) {
        size_t end = k + row < len ? k + row : len;
        fprintf(out, "%s", indent);
        if (ndim > 1) { /* the index of the row: [i, j, ...] */
            fputc('[', out);
            size_t rest = k / row;
            for (int d = ndim - 2, first = 1; d >= 0; d--, first = 0) {
                size_t stride = 1;
                for (int e = d + 1; e < ndim - 1; e++)
                    stride *= shape[e];
                fprintf(out, "%s%zu", first ? "" : ", ", (rest / stride) % shape[d]);
            }
            fputs("] ", out);
        }
        print_elements(out, v, k, end, scale);
        fputc('\n', out);
    }
}

static void print_array(FILE *out, const snx_value *v, const cli_fmt_opts *o)
{
    const char *unit, *indent = o->indent ? o->indent : "";
    double scale = cli_display_scale(v, &unit);
    size_t len = array_len(v);
    cli_describe(out, v);
    fputc('\n', out);
    if (len == 0)
        return;
    if (o->all || len <= SHOW_ELEMENTS) {
        print_whole_array(out, v, scale, indent);
    } else {
        fprintf(out, "%sfirst ", indent);
        print_elements(out, v, 0, EDGE, scale);
        fprintf(out, "\n%slast  ", indent);
        print_elements(out, v, len - EDGE, len, scale);
        fputc('\n', out);
    }
    print_stats(out, v, len, scale, indent);
}

/* ---- tables -------------------------------------------------------------------- */

static void print_cell(FILE *out, const snx_table *t, size_t col, size_t row, int width)
{
    const void *data = snx_table_col_data(t, col);
    char buf[64];
    const char *s = buf;
    switch (snx_table_col_type(t, col)) {
    case SNX_COL_INT: snprintf(buf, sizeof buf, "%" PRId64, ((const int64_t *)data)[row]); break;
    case SNX_COL_DOUBLE: snprintf(buf, sizeof buf, "%.6g", ((const double *)data)[row]); break;
    case SNX_COL_BOOL: s = ((const bool *)data)[row] ? "true" : "false"; break;
    case SNX_COL_STRING: s = ((char *const *)data)[row]; break;
    }
    bool text = snx_table_col_type(t, col) == SNX_COL_STRING;
    fprintf(out, text ? "  %-*s" : "  %*s", width, s ? s : "");
}

static int column_width(const snx_table *t, size_t col)
{
    size_t w = strlen(snx_table_col_name(t, col));
    if (w < 10)
        w = 10;
    if (snx_table_col_type(t, col) == SNX_COL_STRING) {
        char *const *s = snx_table_col_data(t, col);
        for (size_t r = 0; r < snx_table_rows(t); r++)
            if (s[r] && strlen(s[r]) > w)
                w = strlen(s[r]) < 40 ? strlen(s[r]) : 40;
    }
    return (int)w;
}

static void print_table(FILE *out, const snx_table *t, const cli_fmt_opts *o)
{
    const char *indent = o->indent ? o->indent : "";
    size_t rows = snx_table_rows(t), cols = snx_table_cols(t);
    int *width = calloc(cols ? cols : 1, sizeof *width);
    if (!width)
        return;
    fprintf(out, "table [%zu rows x %zu columns]\n%s%s%6s", rows, cols, indent,
            cli_style_code(CLI_BOLD), "row");
    for (size_t c = 0; c < cols; c++) {
        width[c] = column_width(t, c);
        bool text = snx_table_col_type(t, c) == SNX_COL_STRING; /* left-aligned */
        if (text && c + 1 == cols)
            width[c] = 0; /* no padding at the end of a line */
        fprintf(out, text ? "  %-*s" : "  %*s", width[c], snx_table_col_name(t, c));
    }
    fprintf(out, "%s\n", cli_style_code(CLI_RESET));
    bool whole = o->all || rows <= SHOW_ROWS;
    for (size_t r = 0; r < rows; r++) {
        if (!whole && r == EDGE) {
            fprintf(out, "%s%6s  (%zu rows)\n", indent, "...", rows - 2 * EDGE);
            r = rows - EDGE;
        }
        fprintf(out, "%s%6zu", indent, r);
        for (size_t c = 0; c < cols; c++)
            print_cell(out, t, c, r, width[c]);
        fputc('\n', out);
    }
    free(width);
}

void cli_print_value(FILE *out, const snx_value *v, const cli_fmt_opts *o)
{
    if (is_array(v)) {
        print_array(out, v, o);
    } else if (v->type == SNX_T_TABLE) {
        print_table(out, snx_value_table(v), o);
    } else if (v->type == SNX_T_STRING) {
        fprintf(out, "%s\n", snx_value_str(v));
    } else {
        char *s = snx_value_to_str(v, 0);
        fprintf(out, "%s\n", s ? s : "?");
        free(s);
    }
}
