/* plot_weights: what examples/stdp stored, drawn as Brian2's STDP example draws it.
 * A program of its own (linked with PLplot), reading the file with snex only.
 *
 * For every run (input rate F): the histogram of the final w / gmax (20 bins) above
 * the two traced weights over time, one column per run, in <out>/stdp_weights.png
 * (default plots/, made when missing; not with --no-png). It prints, per run, F, the
 * output rate, the fractions of weights below 0.1 and above 0.9 and the histogram in
 * 10 bins, so the bimodality can be read without the picture. Missing file or
 * results: a message naming them, exit code 1. */
#include "snex.h"

#include "../clusternet/pngplot.h"

#include <errno.h>
#include <getopt.h>
#include <plplot.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PROG "plot_weights"
#define PLOT_FILE "stdp_weights.png"
#define N_BINS 20

typedef struct options {
    const char *file, *out;
    bool png;
} options;

/* One run's data, pointing into the loaded trajectory. */
typedef struct run_data {
    double rate_in, rate_out;
    const snx_array *w, *trace, *trace_t;
} run_data;

static const snx_value *result(snx_traj *traj, long run, const char *name, snx_type type)
{
    char path[160], rn[32];
    snprintf(path, sizeof path, "results.runs.%s.stdp.%s", snx_run_name(rn, run), name);
    snx_node *leaf = snx_traj_get(traj, path);
    const snx_value *v = leaf ? snx_result_get_pos(leaf, 0) : NULL;
    if (!v || v->type != type) {
        fprintf(stderr, PROG ": %s has no %s (did run %ld of stdp fail?)\n",
                snx_traj_name(traj), path, run);
        return NULL;
    }
    return v;
}

static int read_run(snx_traj *traj, long run, run_data *d)
{
    const snx_value *w = result(traj, run, "weights", SNX_T_DOUBLE_ARRAY);
    const snx_value *tr = result(traj, run, "w_trace", SNX_T_DOUBLE_ARRAY);
    const snx_value *tt = result(traj, run, "w_trace_t", SNX_T_DOUBLE_ARRAY);
    const snx_value *ro = result(traj, run, "rate_out", SNX_T_QUANTITY);
    if (!w || !tr || !tt || !ro || snx_traj_set_run(traj, run))
        return 1;
    d->rate_in = snx_traj_double(traj, "input.F");
    snx_traj_restore_default(traj);
    d->rate_out = ro->u.d;
    d->w = &w->u.a;
    d->trace = &tr->u.a;
    d->trace_t = &tt->u.a;
    return d->trace->ndim != 2 || d->trace->shape[1] != d->trace_t->len;
}

static void print_run(const run_data *d)
{
    const double *w = d->w->data;
    size_t n = d->w->len, low = 0, high = 0, hist[10] = { 0 };
    for (size_t k = 0; k < n; k++) {
        low += w[k] < 0.1;
        high += w[k] > 0.9;
        hist[w[k] >= 1 ? 9 : (size_t)(w[k] * 10)]++;
    }
    printf("F %4.1f Hz  rate_out %5.2f Hz  below 0.1: %.3f  above 0.9: %.3f  histogram:",
           d->rate_in, d->rate_out, (double)low / (double)n, (double)high / (double)n);
    for (int b = 0; b < 10; b++)
        printf(" %zu", hist[b]);
    printf("\n");
}

/* The next subpage, with the axes of a panel. */
static void panel(PLFLT xmax, PLFLT ymax, const char *x, const char *y, const char *title)
{
    pladv(0);
    plvpor(0.15, 0.9, 0.15, 0.85);
    plwind(0, xmax, 0, ymax);
    plbox("bcnst", 0, 0, "bcnstv", 0, 0);
    pllab(x, y, title);
}

static void draw_histogram(const run_data *d)
{
    const double *w = d->w->data;
    PLFLT bins[N_BINS] = { 0 }, top = 0;
    for (size_t k = 0; k < d->w->len; k++)
        bins[w[k] >= 1 ? N_BINS - 1 : (int)(w[k] * N_BINS)]++;
    for (int b = 0; b < N_BINS; b++)
        top = bins[b] > top ? bins[b] : top;
    char title[80];
    snprintf(title, sizeof title, "F = %g Hz (output %.1f Hz)", d->rate_in, d->rate_out);
    panel(1, top * 1.1, "w / gmax", "synapses", title);
    for (int b = 0; b < N_BINS; b++) { /* one filled bar per bin */
        PLFLT x0 = (PLFLT)b / N_BINS, x1 = (PLFLT)(b + 1) / N_BINS;
        PLFLT x[4] = { x0, x0, x1, x1 }, y[4] = { 0, bins[b], bins[b], 0 };
        plcol0(9);
        plfill(4, x, y);
        plcol0(1);
        plline(4, x, y);
    }
}

static void draw_traces(const run_data *d)
{
    const double *t = d->trace_t->data, *tr = d->trace->data;
    size_t ns = d->trace_t->len;
    panel(t[ns - 1], 1.05, "t (s)", "w / gmax", "synapses 0 and 1");
    for (size_t j = 0; j < d->trace->shape[0]; j++) {
        plcol0(j ? 9 : 1);
        plline((PLINT)ns, t, tr + j * ns);
    }
    plcol0(1);
}

static int draw(const run_data *runs, size_t n, const options *o)
{
    if (mkdir(o->out, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, PROG ": cannot make %s: %s\n", o->out, strerror(errno));
        return 1;
    }
    if (!pngplot_have_device()) {
        fprintf(stderr, PROG ": PLplot has no %s driver (Debian: plplot-driver-cairo)\n",
                PNGPLOT_DEVICE);
        return 1;
    }
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", o->out, PLOT_FILE);
    plsdev(PNGPLOT_DEVICE);
    plsfnam(path);
    plscolbg(255, 255, 255);
    plscol0(1, 0, 0, 0);
    plspage(0, 0, (PLINT)(400 * n), 600, 0, 0);
    plstar((PLINT)n, 2);
    /* PLplot fills its subpages row by row: every histogram, then every trace. */
    for (size_t k = 0; k < n; k++)
        draw_histogram(&runs[k]);
    for (size_t k = 0; k < n; k++)
        draw_traces(&runs[k]);
    plend();
    printf("wrote %s\n", path);
    return 0;
}

static void usage(FILE *out)
{
    fprintf(out, "usage: " PROG " [--file F] [--out DIR] [--no-png] [--help]\n"
                 "Draws the final weights and weight traces examples/stdp stored.\n"
                 "  --file F    the file stdp wrote (default hdf5/stdp.hdf5)\n"
                 "  --out DIR   where " PLOT_FILE " goes (default plots)\n"
                 "  --no-png    print the summary only\n");
}

int main(int argc, char **argv)
{
    static const struct option longs[] = { { "file", required_argument, NULL, 'f' },
                                           { "out", required_argument, NULL, 'o' },
                                           { "no-png", no_argument, NULL, 'n' },
                                           { "help", no_argument, NULL, 'h' },
                                           { NULL, 0, NULL, 0 } };
    options o = { "hdf5/stdp.hdf5", "plots", true };
    for (int c; (c = getopt_long(argc, argv, "", longs, NULL)) != -1;) {
        switch (c) {
        case 'f': o.file = optarg; break;
        case 'o': o.out = optarg; break;
        case 'n': o.png = false; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc) {
        usage(stderr);
        return 2;
    }
    if (access(o.file, R_OK) != 0) {
        fprintf(stderr, PROG ": %s: %s (examples/stdp writes it)\n", o.file, strerror(errno));
        return 1;
    }
    snx_load_opts lo = snx_load_defaults();
    lo.results = SNX_LOAD_DATA;
    snx_traj *traj = snx_hdf5_load(o.file, &lo);
    if (!traj) {
        fprintf(stderr, PROG ": cannot load the trajectory: %s\n", snx_errmsg());
        return 1;
    }
    size_t n = snx_traj_n_runs(traj);
    run_data *runs = calloc(n, sizeof *runs);
    int rc = !runs;
    for (size_t k = 0; k < n && !rc; k++)
        if (!(rc = read_run(traj, (long)k, &runs[k])))
            print_run(&runs[k]);
    if (!rc && o.png)
        rc = draw(runs, n, &o);
    free(runs);
    snx_traj_free(traj);
    return rc;
}
