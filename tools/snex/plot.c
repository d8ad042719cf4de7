/* snex plot: a quick look, as a PNG drawn with PLplot's cairo driver (pngcairo), as
 * the clustered network's plotff does; the driver check and the leak suppressions
 * for what PLplot keeps until exit come from the same header, pngplot.h.
 *
 * What PATH names decides the figure:
 *   - a number below the runs' groups, named without a run ("mean_fano_factor"):
 *     that number against an explored parameter (-x, default the first explored;
 *     the run index when nothing is explored), points joined by a line in run order
 *     when one parameter is explored;
 *   - a spike monitor result (items i and t): the raster, neuron against time;
 *   - a state monitor result (t and [neuron x sample] arrays, or a 1-d array such as
 *     a rate): the traces of one variable (--var, default the first), one line per
 *     recorded neuron, in the variable's display unit. */
#include "cli.h"

#include "../../examples/clusternet/pngplot.h"

#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CMD "plot"
#define N_COLOURS 6
#define MAX_LABELS 16 /* traces labelled by their neuron */

static const char usage[] =
    "usage: " CLI_PROG " " CMD " [-o OUT.png] [-x PARAM] [--var NAME] [--run N] FILE PATH\n"
    "Draws a PNG of what PATH names: a per-run number named without its run\n"
    "(\"mean_fano_factor\") against an explored parameter; a spike monitor result as a\n"
    "raster; a state monitor result as traces, one line per recorded neuron.\n"
    "  -o, --out OUT.png  the picture (default: PATH's last name + .png)\n"
    "  -x, --x PARAM      the parameter on the x axis (default: the first explored)\n"
    "  -v, --var NAME     the state variable to draw (default: the first)\n"
    "  -r, --run N        look in run N (3, r_3 or run_00000003)\n"
    "  -h, --help         this text\n";

typedef struct plot_opts {
    const char *out, *x, *var;
    long run;
} plot_opts;

/* What a figure needs besides its data. */
typedef struct figure {
    const char *path;
    char title[2 * SNX_NAME_MAX + 64];
    char xlabel[SNX_NAME_MAX + 32], ylabel[SNX_NAME_MAX + 32];
    double x0, x1, y0, y1;
} figure;

/* The finite values' extent with 5 % room on both sides (a unit around a single
 * value), so nothing sits on the frame. */
static void extent(const double *v, size_t n, double *lo, double *hi)
{
    double a = INFINITY, b = -INFINITY;
    for (size_t k = 0; k < n; k++)
        if (isfinite(v[k])) {
            a = fmin(a, v[k]);
            b = fmax(b, v[k]);
        }
    if (a > b)
        a = b = 0;
    double room = a < b ? (b - a) / 20 : fabs(a) / 10 + 0.5;
    *lo = a - room;
    *hi = b + room;
}

static const char *plot_path;
static int plplot_exit(PLCHAR_VECTOR msg)
{
    fprintf(stderr, CLI_PROG ": %s: PLplot failed: %s\n", plot_path, msg);
    return CLI_ERROR; /* PLplot exits with it */
}

/* White page, black frame and labels, data in colours 2... */
static int figure_begin(const figure *f)
{
    if (!pngplot_have_device())
        return cli_fail(f->path, "PLplot has no " PNGPLOT_DEVICE " driver (Debian package "
                        "plplot-driver-cairo)");
    static const PLINT red[] = { 255, 0, 31, 214, 44, 255, 148, 23 },
                       green[] = { 255, 0, 119, 39, 160, 127, 103, 190 },
                       blue[] = { 255, 0, 180, 40, 44, 14, 189, 207 };
    plot_path = f->path;
    plsexit(plplot_exit);
    plsdev(PNGPLOT_DEVICE);
    plsfnam(f->path);
    plspage(0, 0, 900, 600, 0, 0);
    plscmap0(red, green, blue, 2 + N_COLOURS);
    plinit();
    plcol0(1);
    plenv(f->x0, f->x1, f->y0, f->y1, 0, 0);
    pllab(f->xlabel, f->ylabel, f->title);
    return CLI_OK;
}

static int figure_end(const figure *f)
{
    plend();
    printf(CLI_PROG ": wrote %s\n", f->path);
    return CLI_OK;
}

/* ---- a number across runs -------------------------------------------------------- */

/* The x parameter: -x's, or the first explored; NULL for the run index. */
static int x_parameter(const cli_traj *t, const char *name, snx_node **par)
{
    *par = NULL;
    if (!name)
        return CLI_OK;
    *par = snx_traj_get(t->traj, name);
    if (!*par || snx_node_kind_of(*par) != SNX_NODE_PARAMETER) {
        snx_error_clear();
        return cli_fail(t->file, "-x %s: trajectory \"%s\" has no such parameter", name,
                        snx_traj_name(t->traj));
    }
    return CLI_OK;
}

static int across_values(const cli_traj *t, const cli_target *tg, const snx_node *xpar,
                         double *x, double *y)
{
    for (long k = 0; k < tg->n; k++) {
        const snx_value *v = cli_leaf_value(tg->nodes[k]);
        if (!v || snx_value_as_double(v, &y[k])) {
            snx_error_clear();
            return cli_fail(t->file, "%s is not a number in run %ld; for a monitor name "
                            "one run (--run %ld)", tg->item_path, tg->runs[k], tg->runs[k]);
        }
        x[k] = (double)tg->runs[k];
        if (xpar && snx_value_as_double(cli_par_in_run(xpar, tg->runs[k]), &x[k])) {
            snx_error_clear();
            return cli_fail(t->file, "%s is not a number", snx_node_full_name(xpar));
        }
    }
    return CLI_OK;
}

static int plot_across(const cli_traj *t, const cli_target *tg, const plot_opts *o,
                       figure *f)
{
    snx_node *xpar;
    int rc = x_parameter(t, o->x, &xpar);
    if (rc)
        return rc;
    if (!xpar && snx_traj_n_explored(t->traj))
        xpar = snx_traj_explored(t->traj, 0);
    double *x = snx_malloc((size_t)tg->n * sizeof *x), *y = snx_malloc((size_t)tg->n * sizeof *y);
    rc = !x || !y ? cli_fail_snx(t->file, "plotting") : across_values(t, tg, xpar, x, y);
    if (!rc) {
        snprintf(f->title, sizeof f->title, "%s (%s, %ld runs)", tg->item_path,
                 snx_traj_name(t->traj), tg->n);
        snprintf(f->xlabel, sizeof f->xlabel, "%s", xpar ? snx_node_name(xpar) : "run");
        snprintf(f->ylabel, sizeof f->ylabel, "%s", snx_node_name(tg->nodes[0]));
        extent(x, (size_t)tg->n, &f->x0, &f->x1);
        extent(y, (size_t)tg->n, &f->y0, &f->y1);
        rc = figure_begin(f);
    }
    if (!rc) {
        plcol0(2);
        plwidth(2.0);
        if (snx_traj_n_explored(t->traj) <= 1 && tg->n > 1)
            plline((PLINT)tg->n, x, y);
        plssym(0, 1.6);
        plpoin((PLINT)tg->n, x, y, 17);
        rc = figure_end(f);
    }
    free(x);
    free(y);
    return rc;
}

/* ---- monitors ---------------------------------------------------------------------- */

static const snx_value *item(const snx_node *res, const char *name)
{
    const snx_value *v = snx_result_get(res, name);
    snx_error_clear();
    return v;
}

static bool is_vector(const snx_value *v, size_t *len)
{
    int ndim;
    if (!v || (v->type != SNX_T_INT_ARRAY && v->type != SNX_T_DOUBLE_ARRAY))
        return false;
    const size_t *shape = snx_value_shape(v, &ndim);
    *len = shape[0];
    return ndim == 1;
}

/* An array's elements as doubles in its display unit (caller frees). */
static double *as_doubles(const snx_value *v, size_t len)
{
    const char *unit;
    double scale = cli_display_scale(v, &unit);
    double *out = snx_malloc((len ? len : 1) * sizeof *out);
    for (size_t k = 0; out && k < len; k++)
        out[k] = v->type == SNX_T_INT_ARRAY ? (double)snx_value_ints(v, NULL)[k]
                                            : snx_value_doubles(v, NULL)[k] / scale;
    return out;
}

static int plot_raster(const cli_traj *t, const snx_node *res, figure *f)
{
    const snx_value *i = item(res, "i"), *tv = item(res, "t");
    size_t n, n_t;
    if (!is_vector(i, &n) || !is_vector(tv, &n_t) || n != n_t)
        return cli_fail(t->file, "%s: items i and t are not spike lists of one length",
                        snx_node_full_name(res));
    double *x = as_doubles(tv, n), *y = as_doubles(i, n);
    int rc = !x || !y ? cli_fail_snx(t->file, "plotting") : CLI_OK;
    if (!rc) {
        snprintf(f->title, sizeof f->title, "%s: %zu spikes", snx_node_full_name(res), n);
        snprintf(f->xlabel, sizeof f->xlabel, "t [%s]", snx_value_unit(tv) ? snx_value_unit(tv) : "s");
        snprintf(f->ylabel, sizeof f->ylabel, "neuron");
        extent(x, n, &f->x0, &f->x1);
        extent(y, n, &f->y0, &f->y1);
        rc = figure_begin(f);
    }
    if (!rc) {
        plcol0(2);
        plssym(0, 0.6);
        plpoin((PLINT)n, x, y, 1);
        rc = figure_end(f);
    }
    free(x);
    free(y);
    return rc;
}

/* The variable to draw: --var, or the first item that is a [k x n] array or a 1-d
 * array of n samples other than t. */
static const snx_value *trace_variable(const snx_node *res, const char *var, size_t n,
                                       const char **name)
{
    for (size_t k = 0; k < snx_result_n_items(res); k++) {
        const snx_value *v = snx_result_item_at(res, k, name);
        int ndim;
        if (v->type != SNX_T_DOUBLE_ARRAY || strcmp(*name, "t") == 0 ||
            (var && strcmp(*name, var) != 0))
            continue;
        const size_t *shape = snx_value_shape(v, &ndim);
        if ((ndim == 1 && shape[0] == n) || (ndim == 2 && shape[1] == n))
            return v;
    }
    return NULL;
}

/* One line per row, each labelled in its colour in the right margin by the neuron
 * it recorded (the item `record`, else its row). */
static void draw_traces(const snx_node *res, const double *x, const double *y, size_t rows,
                        size_t n)
{
    size_t n_rec = 0;
    const snx_value *record = item(res, "record");
    const int64_t *rec = record && record->type == SNX_T_INT_ARRAY
                             ? snx_value_ints(record, &n_rec) : NULL;
    plwidth(1.5);
    plschr(0, 0.8);
    for (size_t r = 0; r < rows; r++) {
        plcol0(2 + (PLINT)(r % N_COLOURS));
        plline((PLINT)n, x, y + r * n);
        if (r >= MAX_LABELS)
            continue;
        char label[32];
        snprintf(label, sizeof label, "%" PRId64, rec && n_rec == rows ? rec[r] : (int64_t)r);
        plmtex("rv", 1.0, 1.0 - 0.06 * (double)r, 0.0, label);
    }
}

static int plot_traces(const cli_traj *t, const snx_node *res, const plot_opts *o, figure *f)
{
    const snx_value *tv = item(res, "t");
    size_t n;
    const char *name;
    if (!is_vector(tv, &n))
        return cli_fail(t->file, "%s has no item t of sample times", snx_node_full_name(res));
    const snx_value *v = trace_variable(res, o->var, n, &name);
    if (!v)
        return o->var ? cli_fail(t->file, "%s has no trace %s of %zu samples",
                                 snx_node_full_name(res), o->var, n)
                      : cli_fail(t->file, "%s has no trace of %zu samples (a spike or state "
                                 "monitor result?)", snx_node_full_name(res), n);
    int ndim;
    const size_t *shape = snx_value_shape(v, &ndim);
    size_t rows = ndim == 1 ? 1 : shape[0];
    const char *unit;
    cli_display_scale(v, &unit);
    double *x = as_doubles(tv, n), *y = as_doubles(v, rows * n);
    int rc = !x || !y ? cli_fail_snx(t->file, "plotting") : CLI_OK;
    if (!rc) {
        snprintf(f->title, sizeof f->title, "%s: %s, %zu trace%s", snx_node_full_name(res),
                 name, rows, rows == 1 ? "" : "s");
        snprintf(f->xlabel, sizeof f->xlabel, "t [%s]", snx_value_unit(tv) ? snx_value_unit(tv) : "s");
        bool unit_shown = unit && strcmp(unit, "1") != 0; /* "1": dimensionless */
        snprintf(f->ylabel, sizeof f->ylabel, "%s%s%s%s", name, unit_shown ? " [" : "",
                 unit_shown ? unit : "", unit_shown ? "]" : "");
        extent(x, n, &f->x0, &f->x1);
        extent(y, rows * n, &f->y0, &f->y1);
        rc = figure_begin(f);
    }
    if (!rc) {
        draw_traces(res, x, y, rows, n);
        rc = figure_end(f);
    }
    free(x);
    free(y);
    return rc;
}

static int plot_result(const cli_traj *t, const snx_node *res, const plot_opts *o, figure *f)
{
    const snx_value *kind = item(res, "monitor_type");
    const char *k = kind && kind->type == SNX_T_STRING ? snx_value_str(kind) : "";
    if (strcmp(k, "spikes") == 0 || (!*k && item(res, "i") && item(res, "t")))
        return plot_raster(t, res, f);
    if (strcmp(k, "counts") != 0 && item(res, "t"))
        return plot_traces(t, res, o, f);
    return cli_fail(t->file, "%s: nothing to plot (a number across runs, a spike monitor "
                    "or a state monitor result)", snx_node_full_name(res));
}

/* ---- the command ------------------------------------------------------------------- */

/* -o's name, or the last name of what PATH names with ".png" (caller frees). */
static char *out_name(const cli_traj *t, const cli_target *tg, const plot_opts *o)
{
    const snx_node *named = tg->n ? tg->nodes[0] : tg->node;
    snx_buf b = { 0 };
    if (o->out)
        snx_buf_puts(&b, o->out);
    else
        snx_buf_printf(&b, "%s.png", snx_node_is_root(named) ? snx_traj_name(t->traj)
                                                              : snx_node_name(named));
    return snx_buf_take(&b);
}

static int plot(cli_traj *t, cli_target *tg, const void *opts)
{
    const plot_opts *o = opts;
    figure f = { .path = out_name(t, tg, o) };
    int rc;
    if (!f.path)
        rc = cli_fail_snx(t->file, "plotting");
    else if (tg->n)
        rc = plot_across(t, tg, o, &f);
    else if (snx_node_kind_of(tg->node) != SNX_NODE_RESULT)
        rc = cli_fail(t->file, "%s is not a result: nothing to plot ('" CLI_PROG " ls' lists "
                      "them)", cli_node_label(t, tg->node));
    else
        rc = plot_result(t, tg->node, o, &f);
    free((char *)f.path);
    return rc;
}

int cmd_plot(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "out", required_argument, NULL, 'o' }, { "x", required_argument, NULL, 'x' },
        { "var", required_argument, NULL, 'v' }, { "run", required_argument, NULL, 'r' },
        { "help", no_argument, NULL, 'h' },      { NULL, 0, NULL, 0 }
    };
    plot_opts o = { .run = -1 };
    int opt, rc;
    while ((opt = getopt_long(argc, argv, "o:x:v:r:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'o': o.out = optarg; break;
        case 'x': o.x = optarg; break;
        case 'v': o.var = optarg; break;
        case 'r':
            if ((rc = cli_parse_run(CMD, optarg, &o.run)))
                return rc;
            break;
        default: return cli_help_or_bad(opt, CMD, usage);
        }
    }
    if ((rc = cli_positionals(argc, argv, 2, 2, CMD)))
        return rc;
    return cli_on_target(argv[optind], argv[optind + 1], o.run, true, plot, &o);
}
