/* plotff: the clustered network's mean Fano factor against R_ee, pypet's plotff.py
 * in C. A program of its own (linked with PLplot), not part of clusternet.
 *
 * It reads the file clusternet wrote the way pypet's script does: the trajectory is
 * loaded with its parameters' data but its results as a skeleton only (names and
 * comments: the monitors' spike trains stay on disk); get_from_runs gathers every
 * run's `statistics.mean_fano_factor` (and `statistics.rate_e`) in run order; only
 * those leaves are loaded (snx_hdf5_load_from_runs: one read of their column); each
 * run's R_ee comes from the explored parameter's range.
 *
 * Writes, in the output folder (default plots/, created when missing):
 *   fano_factor.tsv  "R_ee<TAB>mean_fano_factor", one row per run that has the
 *                    result, in run order, numbers as %.17g (they read back exactly);
 *   fano_factor.png  mean Fano factor against R_ee, points joined by a line
 *                    (PLplot's cairo driver, pngcairo); not with --no-png.
 * and prints the table (with each run's E rate) on stdout. A run without the result
 * (a failed run) is left out with a warning on stderr. Missing file, trajectory,
 * R_ee or results: a message naming the file and what is missing, exit code 1. */
#include "snex.h"

#include "pngplot.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <plplot.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PROG "plotff"
#define R_EE "R_ee"
#define FANO "mean_fano_factor"
#define RATE "rate_e"
#define STATS "statistics." /* where the runs keep both, below their run group */
#define TABLE_FILE "fano_factor.tsv"
#define PLOT_FILE "fano_factor.png"
#define PLOT_DEVICE PNGPLOT_DEVICE

typedef struct options {
    const char *file;
    const char *trajectory; /* NULL: the last one in the file */
    const char *out;
    bool png;
} options;

/* One point of the plot: a run that has the Fano factor. rate is NaN when the run
 * has no rate_e. */
typedef struct point {
    long run;
    double r_ee, fano, rate;
} point;

/* One per-run scalar result, gathered from every run that has it, in run order. */
typedef struct series {
    long n;
    long *run;
    double *value;
} series;

static int fail(const char *file, const char *what)
{
    fprintf(stderr, PROG ": %s: %s: %s\n", file, what, snx_errmsg());
    return 1;
}

static void usage(FILE *to)
{
    fprintf(to,
            "usage: " PROG " [--file FILE] [--trajectory NAME] [--out DIR] [--no-png]\n"
            "Plots the mean Fano factor of the clustered network against R_ee.\n"
            "  -f, --file FILE        HDF5 file clusternet wrote (hdf5/Clustered_Network.hdf5)\n"
            "  -t, --trajectory NAME  trajectory in the file (default: the last one)\n"
            "  -o, --out DIR          folder for " TABLE_FILE " and " PLOT_FILE
            " (plots; created)\n"
            "  -n, --no-png           write only the table\n"
            "  -h, --help             this text\n");
}

/* 0 to go on, otherwise *exit_code is set (0 after --help, 2 on a usage error). */
static int parse_args(int argc, char **argv, options *o, int *exit_code)
{
    static const struct option longopts[] = {
        { "file", required_argument, NULL, 'f' },  { "trajectory", required_argument, NULL, 't' },
        { "out", required_argument, NULL, 'o' },   { "no-png", no_argument, NULL, 'n' },
        { "help", no_argument, NULL, 'h' },        { NULL, 0, NULL, 0 }
    };
    *o = (options){ .file = "hdf5/Clustered_Network.hdf5", .out = "plots", .png = true };
    int c;
    while ((c = getopt_long(argc, argv, "f:t:o:nh", longopts, NULL)) != -1) {
        switch (c) {
        case 'f': o->file = optarg; break;
        case 't': o->trajectory = optarg; break;
        case 'o': o->out = optarg; break;
        case 'n': o->png = false; break;
        case 'h': usage(stdout); *exit_code = 0; return 1;
        default: usage(stderr); *exit_code = 2; return 1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, PROG ": unexpected argument \"%s\"\n", argv[optind]);
        usage(stderr);
        *exit_code = 2;
        return 1;
    }
    return 0;
}

/* ---- reading the file ------------------------------------------------------------ */

static snx_traj *load_trajectory(const options *o)
{
    /* snx_hdf5_load says "no such file" too, but not that clusternet makes it. */
    if (access(o->file, R_OK) != 0) {
        fprintf(stderr, PROG ": %s: %s (clusternet writes it)\n", o->file, strerror(errno));
        return NULL;
    }
    /* pypet's plotff loads parameters with data and results as skeleton only. */
    snx_load_opts lo = snx_load_defaults();
    lo.name = o->trajectory;
    lo.index = -1;
    lo.parameters = SNX_LOAD_DATA;
    lo.derived = SNX_LOAD_SKELETON;
    lo.results = SNX_LOAD_SKELETON;
    snx_traj *traj = snx_hdf5_load(o->file, &lo);
    if (!traj) /* snx_hdf5_load's messages name the file */
        fprintf(stderr, PROG ": cannot load the trajectory: %s\n", snx_errmsg());
    return traj;
}

static void series_free(series *s)
{
    free(s->run);
    free(s->value);
    *s = (series){ 0 };
}

/* The number a leaf holds; a leaf still empty is loaded alone first. */
static int leaf_number(snx_traj *traj, snx_node *leaf, double *out)
{
    const snx_item_opts data = { .level = SNX_LOAD_DATA };
    if (snx_leaf_is_empty(leaf) && snx_traj_load_node(traj, leaf, &data))
        return snx_error_context("loading %s", snx_node_full_name(leaf));
    const snx_value *v = snx_result_get_pos(leaf, 0);
    if (!v || snx_value_as_double(v, out))
        return snx_error(SNX_ETYPE, "%s does not hold a number", snx_node_full_name(leaf));
    return 0;
}

/* Every run's result at `path` below its run group (a number), in run order. The
 * skeleton knows which runs have it; their data come in one read of the column
 * (pypet's f_load_items). A run whose leaf is a group of its own rather than a row
 * of the column was already in the skeleton, so the bulk load leaves it empty and
 * leaf_number loads it alone. */
static int gather(snx_traj *traj, const char *path, series *out)
{
    snx_node **nodes = NULL;
    *out = (series){ 0 };
    long n = snx_hdf5_load_from_runs(traj, path);
    if (n >= 0)
        n = snx_traj_get_from_runs(traj, path, SNX_FROM_RUNS_ONLY, &out->run, &nodes);
    if (n < 0)
        return (int)n;
    out->n = n;
    int rc = 0;
    if (n > 0 && !(out->value = snx_malloc((size_t)n * sizeof *out->value)))
        rc = SNX_ENOMEM;
    for (long k = 0; !rc && k < n; k++)
        rc = leaf_number(traj, nodes[k], &out->value[k]);
    free(nodes);
    if (rc)
        series_free(out);
    return rc;
}

/* The value of `par` in run idx: its range's when explored, else its only value. */
static int par_of_run(snx_node *par, long idx, double *out)
{
    const snx_value *v = snx_par_is_explored(par) ? snx_par_range_at(par, (size_t)idx)
                                                  : snx_par_peek(par);
    if (!v || snx_value_as_double(v, out))
        return snx_error(SNX_ETYPE, "%s has no number for run %ld", snx_node_full_name(par),
                         idx);
    return 0;
}

/* Whether series s has a value for run idx, into *out. s is in run order and runs
 * are visited in order, so *cursor only moves forward. */
static bool value_of_run(const series *s, long idx, long *cursor, double *out)
{
    while (*cursor < s->n && s->run[*cursor] < idx)
        ++*cursor;
    if (*cursor >= s->n || s->run[*cursor] != idx)
        return false;
    *out = s->value[*cursor];
    return true;
}

/* Why run idx has no Fano factor, for the warning. */
static void warn_missing(snx_traj *traj, long idx)
{
    char name[SNX_RUN_NAME_BUF];
    snx_run_info info;
    const char *why = "it stored none", *failure = "";
    if (snx_traj_run_info(traj, idx, &info) == 0) {
        if (info.error && *info.error) {
            why = "the run failed: ";
            failure = info.error;
        } else if (!info.completed) {
            why = "the run did not complete";
        }
    }
    fprintf(stderr, PROG ": warning: %s has no " FANO " (%s%s); left out\n",
            snx_run_name(name, idx), why, failure);
}

/* The points of the plot: each run's R_ee, Fano factor and rate (at least one). */
static int read_points(snx_traj *traj, const char *file, point **out, long *n_out)
{
    const char *tname = snx_traj_name(traj);
    snx_node *r_ee = snx_traj_get(traj, "parameters." R_EE);
    if (!r_ee || snx_node_kind_of(r_ee) != SNX_NODE_PARAMETER) {
        fprintf(stderr, PROG ": %s: trajectory \"%s\" has no parameter " R_EE "\n", file, tname);
        return 1;
    }
    series fano, rate;
    if (gather(traj, STATS FANO, &fano))
        return fail(file, "reading " FANO);
    if (fano.n == 0) {
        fprintf(stderr, PROG ": %s: no run of trajectory \"%s\" has a result " FANO
                " (%zu runs)\n", file, tname, snx_traj_n_runs(traj));
        series_free(&fano);
        return 1;
    }
    if (gather(traj, STATS RATE, &rate)) {
        series_free(&fano);
        return fail(file, "reading " RATE);
    }
    int rc = 0;
    point *pts = snx_malloc((size_t)fano.n * sizeof *pts);
    if (!pts)
        rc = fail(file, "gathering the points");
    long n = 0, fano_at = 0, rate_at = 0;
    for (long idx = 0; !rc && idx < (long)snx_traj_n_runs(traj); idx++) {
        point p = { .run = idx };
        if (!value_of_run(&fano, idx, &fano_at, &p.fano)) {
            warn_missing(traj, idx);
            continue;
        }
        if (!value_of_run(&rate, idx, &rate_at, &p.rate))
            p.rate = NAN;
        if (par_of_run(r_ee, idx, &p.r_ee))
            rc = fail(file, "reading " R_EE);
        pts[n++] = p;
    }
    series_free(&fano);
    series_free(&rate);
    if (rc) {
        free(pts);
        return rc;
    }
    *out = pts;
    *n_out = n;
    return 0;
}

/* ---- writing ------------------------------------------------------------------- */

/* mkdir -p. */
static int make_folder(const char *path)
{
    char *p = snx_strdup(path);
    if (!p)
        return -1;
    int rc = 0;
    for (char *s = p + 1; !rc; s++) {
        bool end = *s == '\0';
        if (*s != '/' && !end)
            continue;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST)
            rc = -1;
        if (end)
            break;
        *s = '/';
    }
    if (rc)
        fprintf(stderr, PROG ": cannot create folder %s: %s\n", p, strerror(errno));
    free(p);
    return rc;
}

static char *out_path(const char *folder, const char *file)
{
    size_t len = strlen(folder) + strlen(file) + 2;
    char *path = snx_malloc(len);
    if (path)
        snprintf(path, len, "%s/%s", folder, file);
    return path;
}

static int write_table(const char *path, const point *pts, long n)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, PROG ": cannot write %s: %s\n", path, strerror(errno));
        return 1;
    }
    fprintf(f, R_EE "\t" FANO "\n");
    for (long k = 0; k < n; k++)
        fprintf(f, "%.17g\t%.17g\n", pts[k].r_ee, pts[k].fano);
    /* `|`, not `||`: the file is closed whatever ferror says. */
    if (ferror(f) | (fclose(f) != 0)) {
        fprintf(stderr, PROG ": cannot write %s: %s\n", path, strerror(errno));
        return 1;
    }
    return 0;
}

static void print_table(const point *pts, long n)
{
    char name[SNX_RUN_NAME_BUF];
    printf("%-14s %8s %18s %12s\n", "run", R_EE, FANO, "rate_e [Hz]");
    for (long k = 0; k < n; k++)
        printf("%-14s %8.4g %18.6f %12.3f\n", snx_run_name(name, pts[k].run), pts[k].r_ee,
               pts[k].fano, pts[k].rate);
}

/* [lo, hi] around the values with a margin of 8 % of their spread (or of their
 * size, when they are all equal), so no point sits on the frame. */
static void padded_range(const double *v, long n, double *lo, double *hi)
{
    *lo = *hi = v[0];
    for (long k = 1; k < n; k++) {
        *lo = fmin(*lo, v[k]);
        *hi = fmax(*hi, v[k]);
    }
    double margin = *hi > *lo ? 0.08 * (*hi - *lo) : fmax(0.1 * fabs(*lo), 0.1);
    *lo -= margin;
    *hi += margin;
}

/* PLplot ends the process on a fatal error; this says which program and file. */
static const char *plot_path;
static int plplot_exit(PLCHAR_VECTOR msg)
{
    fprintf(stderr, PROG ": PLplot failed writing %s: %s\n", plot_path, msg);
    return 1; /* non-zero: PLplot exits with it */
}

/* The line joins runs that follow each other; a missing run leaves a gap. */
static void plot_line(const point *pts, const double *x, const double *y, long n)
{
    long start = 0;
    for (long k = 1; k <= n; k++) {
        if (k < n && pts[k].run == pts[k - 1].run + 1)
            continue;
        if (k - start > 1)
            plline((PLINT)(k - start), x + start, y + start);
        start = k;
    }
}

static int write_plot(const char *path, snx_traj *traj, const point *pts, long n)
{
    if (!pngplot_have_device()) {
        fprintf(stderr, PROG ": PLplot has no " PLOT_DEVICE " driver (Debian package "
                "plplot-driver-cairo); %s not written\n", path);
        return 1;
    }
    double *x = snx_malloc((size_t)n * sizeof *x), *y = snx_malloc((size_t)n * sizeof *y);
    if (!x || !y) {
        free(x);
        free(y);
        return fail(path, "plotting");
    }
    for (long k = 0; k < n; k++) {
        x[k] = pts[k].r_ee;
        y[k] = pts[k].fano;
    }
    double x0, x1, y0, y1;
    padded_range(x, n, &x0, &x1);
    padded_range(y, n, &y0, &y1);
    char title[SNX_NAME_MAX + 64], note[96] = "";
    snprintf(title, sizeof title, "Mean Fano factor of the E neurons (%s)", snx_traj_name(traj));
    long n_runs = (long)snx_traj_n_runs(traj);
    if (n < n_runs)
        snprintf(note, sizeof note, "runs without a result: %ld of %ld", n_runs - n, n_runs);

    /* Colour map 0: white background, black frame and text, blue data. */
    static const PLINT red[] = { 255, 0, 31 }, green[] = { 255, 0, 119 },
                       blue[] = { 255, 0, 180 };
    plot_path = path;
    plsexit(plplot_exit);
    plsdev(PLOT_DEVICE);
    plsfnam(path);
    plspage(0, 0, 900, 600, 0, 0);
    plscmap0(red, green, blue, 3);
    plinit();
    plschr(0, 1.1);
    plcol0(1);
    plenv(x0, x1, y0, y1, 0, 0);
    pllab(R_EE, "mean Fano factor", title);
    if (*note) {
        plschr(0, 0.8);
        plmtex("b", 4.2, 1.0, 1.0, note);
    }
    plcol0(2);
    plwidth(2.0);
    plot_line(pts, x, y, n);
    plssym(0, 1.8);
    plpoin((PLINT)n, x, y, 17);
    plend();
    free(x);
    free(y);
    return 0;
}

/* The table, then the plot, into the output folder. */
static int write_outputs(const options *o, snx_traj *traj, const point *pts, long n)
{
    if (make_folder(o->out))
        return 1;
    char *table = out_path(o->out, TABLE_FILE), *png = out_path(o->out, PLOT_FILE);
    int rc = !table || !png ? fail(o->out, "output paths") : write_table(table, pts, n);
    if (!rc)
        printf("\n" PROG ": %ld runs written to %s\n", n, table);
    if (!rc && o->png && !(rc = write_plot(png, traj, pts, n)))
        printf(PROG ": plot written to %s\n", png);
    free(table);
    free(png);
    return rc;
}

int main(int argc, char **argv)
{
    options o;
    int exit_code;
    if (parse_args(argc, argv, &o, &exit_code))
        return exit_code;
    snx_traj *traj = load_trajectory(&o);
    if (!traj)
        return 1;
    point *pts = NULL;
    long n = 0;
    int rc = read_points(traj, o.file, &pts, &n);
    if (!rc) {
        print_table(pts, n);
        rc = write_outputs(&o, traj, pts, n);
    }
    free(pts);
    snx_traj_free(traj);
    return rc ? 1 : 0;
}
