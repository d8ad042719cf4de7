/* snex export: data as CSV or TSV, ready for pandas or a spreadsheet. Numbers are
 * written exactly (%.17g) and in SI, as the file holds them; a header row names the
 * columns.
 *
 * What PATH names decides the layout:
 *   - a leaf below the runs' groups, named without a run ("mean_fano_factor"): one
 *     row per run: run, the explored parameters, the value (empty for a run
 *     without one);
 *   - a result holding a table: the table;
 *   - another result: its arrays as columns: every 1-d array as long as the item
 *     `t` (or as the longest), and every [k x n] array as k columns named
 *     item[neuron] after the item `record` (a state monitor's traces), so a spike
 *     monitor gives i,t and a state monitor t,V[0],V[1],...; a result of scalars
 *     alone gives one row of them;
 *   - a parameter: its value, or when explored its value in every run. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define CMD "export"

static const char usage[] =
    "usage: " CLI_PROG " " CMD " --csv|--tsv [-o OUT] [--run N] FILE PATH\n"
    "Writes what PATH names as comma- or tab-separated columns with a header row:\n"
    "a per-run item named without its run (\"mean_fano_factor\") as one row per run\n"
    "with the explored parameters; a table; a result's arrays as columns (a spike\n"
    "monitor gives i,t; a state monitor t and one column per recorded neuron); a\n"
    "parameter's value or, when explored, its value in every run. Numbers in SI.\n"
    "  -c, --csv       comma-separated (RFC 4180 quoting)\n"
    "  -t, --tsv       tab-separated\n"
    "  -o, --out OUT   write to OUT instead of standard output\n"
    "  -r, --run N     look in run N (3, r_3 or run_00000003)\n"
    "  -h, --help      this text\n";

typedef struct sheet {
    FILE *out;
    char sep;
} sheet;

/* ---- cells ------------------------------------------------------------------------ */

static void put_text(const sheet *s, const char *text)
{
    if (s->sep == '\t') {
        for (const char *p = text; *p; p++)
            fputc(*p == '\t' || *p == '\n' || *p == '\r' ? ' ' : *p, s->out);
        return;
    }
    if (!text[strcspn(text, ",\"\n\r")]) {
        fputs(text, s->out);
        return;
    }
    fputc('"', s->out);
    for (const char *p = text; *p; p++)
        fputs(*p == '"' ? "\"\"" : (char[]){ *p, '\0' }, s->out);
    fputc('"', s->out);
}

static void put_number(const sheet *s, double x)
{
    fprintf(s->out, "%.17g", x);
}

static void put_value(const sheet *s, const snx_value *v)
{
    if (!v)
        return;
    switch (v->type) {
    case SNX_T_NONE: return;
    case SNX_T_BOOL: fputs(snx_value_bool(v) ? "True" : "False", s->out); return;
    case SNX_T_INT: fprintf(s->out, "%" PRId64, snx_value_int(v)); return;
    case SNX_T_DOUBLE:
    case SNX_T_QUANTITY: put_number(s, snx_value_double(v)); return;
    case SNX_T_STRING: put_text(s, snx_value_str(v)); return;
    default: break;
    }
    char *text = snx_value_to_str(v, 0);
    put_text(s, text ? text : "");
    free(text);
}

static void put_sep(const sheet *s)
{
    fputc(s->sep, s->out);
}

/* "run<sep>R_ee<sep>..." */
static void put_run_head(const sheet *s, const snx_traj *traj)
{
    fputs("run", s->out);
    for (size_t k = 0; k < snx_traj_n_explored(traj); k++) {
        put_sep(s);
        put_text(s, cli_explored_label(traj, k));
    }
}

static void put_run_cells(const sheet *s, const snx_traj *traj, long idx)
{
    fprintf(s->out, "%ld", idx);
    for (size_t k = 0; k < snx_traj_n_explored(traj); k++) {
        put_sep(s);
        put_value(s, cli_par_in_run(snx_traj_explored(traj, k), idx));
    }
}

static bool is_array(const snx_value *v)
{
    return v && (v->type == SNX_T_INT_ARRAY || v->type == SNX_T_DOUBLE_ARRAY);
}

/* ---- one item of every run ----------------------------------------------------------- */

static int export_across(const cli_traj *t, const cli_target *tg, const sheet *s)
{
    for (long k = 0; k < tg->n; k++) {
        const snx_value *v = cli_leaf_value(tg->nodes[k]);
        if (!v || is_array(v) || v->type == SNX_T_TABLE)
            return cli_fail(t->file, "%s is not a single value in run %ld; name one run "
                            "(--run %ld, or %s)", tg->item_path, tg->runs[k], tg->runs[k],
                            snx_node_full_name(tg->nodes[k]));
    }
    put_run_head(s, t->traj);
    put_sep(s);
    put_text(s, snx_node_name(tg->nodes[0]));
    fputc('\n', s->out);
    long at = 0;
    for (long idx = 0; idx < (long)snx_traj_n_runs(t->traj); idx++) {
        put_run_cells(s, t->traj, idx);
        put_sep(s);
        if (at < tg->n && tg->runs[at] == idx)
            put_value(s, cli_leaf_value(tg->nodes[at++]));
        fputc('\n', s->out);
    }
    return CLI_OK;
}

static int export_parameter(const cli_traj *t, const snx_node *par, const sheet *s)
{
    if (!snx_par_is_explored(par)) {
        put_text(s, snx_node_name(par));
        fputc('\n', s->out);
        put_value(s, snx_par_peek(par));
        fputc('\n', s->out);
        return CLI_OK;
    }
    put_run_head(s, t->traj);
    fputc('\n', s->out);
    for (long idx = 0; idx < (long)snx_traj_n_runs(t->traj); idx++) {
        put_run_cells(s, t->traj, idx);
        fputc('\n', s->out);
    }
    return CLI_OK;
}

/* ---- tables and arrays ----------------------------------------------------------------- */

static void put_cell(const sheet *s, const snx_table *t, size_t col, size_t row)
{
    const void *data = snx_table_col_data(t, col);
    switch (snx_table_col_type(t, col)) {
    case SNX_COL_INT: fprintf(s->out, "%" PRId64, ((const int64_t *)data)[row]); break;
    case SNX_COL_DOUBLE: put_number(s, ((const double *)data)[row]); break;
    case SNX_COL_BOOL: fputs(((const bool *)data)[row] ? "True" : "False", s->out); break;
    case SNX_COL_STRING: put_text(s, ((char *const *)data)[row] ? ((char *const *)data)[row] : ""); break;
    }
}

static void export_table(const snx_table *t, const sheet *s)
{
    size_t cols = snx_table_cols(t);
    for (size_t c = 0; c < cols; c++) {
        if (c)
            put_sep(s);
        put_text(s, snx_table_col_name(t, c));
    }
    fputc('\n', s->out);
    for (size_t r = 0; r < snx_table_rows(t); r++) {
        for (size_t c = 0; c < cols; c++) {
            if (c)
                put_sep(s);
            put_cell(s, t, c, r);
        }
        fputc('\n', s->out);
    }
}

/* The length of the result's columns: its item t's, or its longest 1-d array's, or
 * the rows of its first [k x n] array. */
static size_t column_length(const snx_node *res)
{
    const snx_value *t = snx_result_get(res, "t");
    snx_error_clear();
    int ndim;
    if (is_array(t) && (snx_value_shape(t, &ndim), ndim == 1))
        return snx_value_shape(t, NULL)[0];
    size_t len = 0, rows = 0;
    for (size_t k = 0; k < snx_result_n_items(res); k++) {
        const snx_value *v = snx_result_item_at(res, k, &(const char *){ NULL });
        if (!is_array(v))
            continue;
        const size_t *shape = snx_value_shape(v, &ndim);
        if (ndim == 1 && shape[0] > len)
            len = shape[0];
        if (ndim == 2 && !rows)
            rows = shape[1];
    }
    return len ? len : rows;
}

/* How many columns item v gives for columns of length len: 1 for a 1-d array of
 * that length, k for a [k x len] array, 0 otherwise. */
static size_t columns_of(const snx_value *v, size_t len)
{
    int ndim;
    const size_t *shape = is_array(v) ? snx_value_shape(v, &ndim) : NULL;
    if (!shape)
        return 0;
    if (ndim == 1)
        return shape[0] == len;
    return ndim == 2 && shape[1] == len ? shape[0] : 0;
}

static void put_element(const sheet *s, const snx_value *v, size_t k)
{
    if (v->type == SNX_T_INT_ARRAY)
        fprintf(s->out, "%" PRId64, snx_value_ints(v, NULL)[k]);
    else
        put_number(s, snx_value_doubles(v, NULL)[k]);
}

static void put_array_head(const sheet *s, const snx_node *res, size_t len)
{
    const snx_value *record = snx_result_get(res, "record");
    snx_error_clear();
    bool first = true;
    for (size_t k = 0; k < snx_result_n_items(res); k++) {
        const char *item;
        const snx_value *v = snx_result_item_at(res, k, &item);
        size_t n = columns_of(v, len);
        int ndim;
        snx_value_shape(v, &ndim);
        for (size_t j = 0; j < n; j++, first = false) {
            if (!first)
                put_sep(s);
            if (ndim == 1) {
                put_text(s, item);
                continue;
            }
            size_t n_rec = 0;
            const int64_t *rec = record && record->type == SNX_T_INT_ARRAY
                                     ? snx_value_ints(record, &n_rec) : NULL;
            char name[SNX_NAME_MAX + 32];
            snprintf(name, sizeof name, "%s[%" PRId64 "]", item,
                     rec && n_rec == n ? rec[j] : (int64_t)j);
            put_text(s, name);
        }
    }
    fputc('\n', s->out);
}

static void export_arrays(const snx_node *res, size_t len, const sheet *s)
{
    put_array_head(s, res, len);
    for (size_t r = 0; r < len; r++) {
        bool first = true;
        for (size_t k = 0; k < snx_result_n_items(res); k++) {
            const snx_value *v = snx_result_item_at(res, k, &(const char *){ NULL });
            for (size_t j = 0, n = columns_of(v, len); j < n; j++, first = false) {
                if (!first)
                    put_sep(s);
                put_element(s, v, j * len + r);
            }
        }
        fputc('\n', s->out);
    }
}

/* A result of scalars only: one row. */
static void export_scalars(const snx_node *res, const sheet *s)
{
    size_t n = snx_result_n_items(res);
    for (size_t k = 0; k < n; k++) {
        const char *item;
        snx_result_item_at(res, k, &item);
        if (k)
            put_sep(s);
        put_text(s, item);
    }
    fputc('\n', s->out);
    for (size_t k = 0; k < n; k++) {
        if (k)
            put_sep(s);
        put_value(s, snx_result_item_at(res, k, &(const char *){ NULL }));
    }
    fputc('\n', s->out);
}

static int export_result(const snx_node *res, const sheet *s)
{
    for (size_t k = 0; k < snx_result_n_items(res); k++) {
        const snx_value *v = snx_result_item_at(res, k, &(const char *){ NULL });
        if (v->type == SNX_T_TABLE) {
            export_table(snx_value_table(v), s);
            return CLI_OK;
        }
    }
    size_t len = column_length(res);
    if (len || snx_result_n_items(res) == 0)
        export_arrays(res, len, s);
    else
        export_scalars(res, s);
    return CLI_OK;
}

/* ---- the command ------------------------------------------------------------------- */

typedef struct export_opts {
    char sep;
    const char *out;
    long run;
} export_opts;

static int export_target(const cli_traj *t, const cli_target *tg, const sheet *s)
{
    if (tg->n > 0)
        return export_across(t, tg, s);
    if (!snx_node_is_leaf(tg->node))
        return cli_fail(t->file, "%s is a group; export wants a leaf ('" CLI_PROG
                        " ls' lists them)", cli_node_label(t, tg->node));
    if (snx_node_kind_of(tg->node) == SNX_NODE_PARAMETER)
        return export_parameter(t, tg->node, s);
    return export_result(tg->node, s);
}

static int export(cli_traj *t, cli_target *tg, const void *opts)
{
    const export_opts *o = opts;
    sheet s = { .out = o->out ? fopen(o->out, "w") : stdout, .sep = o->sep };
    if (!s.out)
        return cli_fail(o->out, "cannot write: %s", strerror(errno));
    int rc = export_target(t, tg, &s);
    if (s.out != stdout) {
        if ((ferror(s.out) | (fclose(s.out) != 0)) && !rc)
            rc = cli_fail(o->out, "cannot write: %s", strerror(errno));
        if (rc)
            remove(o->out); /* no half-written file */
    } else if (!rc && fflush(stdout) != 0) {
        rc = cli_fail("standard output", "cannot write: %s", strerror(errno));
    }
    return rc;
}

int cmd_export(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "csv", no_argument, NULL, 'c' },       { "tsv", no_argument, NULL, 't' },
        { "out", required_argument, NULL, 'o' }, { "run", required_argument, NULL, 'r' },
        { "help", no_argument, NULL, 'h' },      { NULL, 0, NULL, 0 }
    };
    export_opts o = { .run = -1 };
    int opt, rc;
    while ((opt = getopt_long(argc, argv, "cto:r:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'c':
        case 't':
            if (o.sep && o.sep != (opt == 'c' ? ',' : '\t'))
                return cli_usage_error(CMD, "--csv or --tsv, not both");
            o.sep = opt == 'c' ? ',' : '\t';
            break;
        case 'o': o.out = optarg; break;
        case 'r':
            if ((rc = cli_parse_run(CMD, optarg, &o.run)))
                return rc;
            break;
        default: return cli_help_or_bad(opt, CMD, usage);
        }
    }
    if ((rc = cli_positionals(argc, argv, 2, 2, CMD)))
        return rc;
    if (!o.sep)
        return cli_usage_error(CMD, "say --csv or --tsv");
    return cli_on_target(argv[optind], argv[optind + 1], o.run, true, export, &o);
}
