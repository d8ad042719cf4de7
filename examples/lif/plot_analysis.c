/* plot_analysis: the tutorial's analysis script (analysis.py) in C, a program of its
 * own (linked with PLplot), run after lif.
 *
 * As the tutorial: the trajectory is loaded with its parameters only (data), nothing
 * of its results; auto-loading brings the firing-rate frame when it is looked up. The
 * trajectory is then set to run 13 (I = 0.13, tau_ref = 5 ms), so that
 * results.neuron.crun is that run's result, and its V trace is auto-loaded too. One
 * PNG (PLplot's cairo driver) holds the tutorial's two panels: the firing rate against
 * I, one line per tau_ref; and the first eighth of run 13's V over time.
 *
 *   plot_analysis [--file hdf5/FiringRate.hdf5] [--trajectory FiringRate]
 *                 [--run 13] [--out plots/FiringRate.png]
 *
 * Exit code 1, with a message, when the file, the trajectory or a result is missing. */
#include "firing_rates.h"

#include "../clusternet/pngplot.h" /* the driver check the examples' plots share */

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <plplot.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define PROG "plot_analysis"

typedef struct options {
    const char *file, *trajectory, *out;
    long run;
} options;

static void usage(FILE *to)
{
    fprintf(to,
            "usage: " PROG " [--file FILE] [--trajectory NAME] [--run N] [--out PNG]\n"
            "The tutorial's analysis of what lif stored: firing rate against I per tau_ref,\n"
            "and one run's membrane potential, in one PNG.\n"
            "  -f, --file FILE        the file lif wrote (" LIF_FILE ")\n"
            "  -t, --trajectory NAME  " LIF_TRAJ " (or " LIF_TRAJ_PIPELINE ")\n"
            "  -r, --run N            the run whose V is drawn (%d)\n"
            "  -o, --out PNG          the plot (plots/<trajectory>.png; its folder must exist\n"
            "                         or be plots/)\n"
            "  -h, --help             this text\n", LIF_SHOWN_RUN);
}

/* 0 to go on, otherwise *exit_code is set (0 after --help, 2 on a usage error). */
static int parse_args(int argc, char **argv, options *o, int *exit_code)
{
    static const struct option longopts[] = {
        { "file", required_argument, NULL, 'f' }, { "trajectory", required_argument, NULL, 't' },
        { "run", required_argument, NULL, 'r' },  { "out", required_argument, NULL, 'o' },
        { "help", no_argument, NULL, 'h' },       { NULL, 0, NULL, 0 }
    };
    *o = (options){ .file = LIF_FILE, .trajectory = LIF_TRAJ, .run = LIF_SHOWN_RUN };
    char *end;
    int c;
    while ((c = getopt_long(argc, argv, "f:t:r:o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'f': o->file = optarg; break;
        case 't': o->trajectory = optarg; break;
        case 'o': o->out = optarg; break;
        case 'r':
            o->run = strtol(optarg, &end, 10);
            if (end != optarg && !*end && o->run >= 0)
                break;
            fprintf(stderr, PROG ": --run wants a run index, not \"%s\"\n", optarg);
            /* fall through */
        case '?': usage(stderr); *exit_code = 2; return 1;
        default: usage(stdout); *exit_code = 0; return 1;
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

/* PLplot ends the process on a fatal error; this says which program and file. */
static const char *plot_path;
static int plplot_exit(PLCHAR_VECTOR msg)
{
    fprintf(stderr, PROG ": PLplot failed writing %s: %s\n", plot_path, msg);
    return 1; /* non-zero: PLplot exits with it */
}

enum { WHITE, BLACK, BLUE, ORANGE, GREEN };
static const PLINT line_colour[3] = { BLUE, ORANGE, GREEN };

/* Top panel: rate against I, one line per tau_ref, with a legend. */
static void plot_rates(const lif_frame *f)
{
    double top = 0;
    for (size_t k = 0; k < f->n_I * f->n_ref; k++)
        top = fmax(top, f->rate[k]);
    pladv(0);
    plvpor(0.1, 0.95, 0.15, 0.88);
    plwind(f->I[0], f->I[f->n_I - 1], 0, top * 1.08);
    plcol0(BLACK);
    plbox("bcnst", 0, 0, "bcnst", 0, 0);
    pllab("I", "f[Hz]", "Firing as a function of input current `I`");
    char labels[3][48];
    const char *text[3];
    PLINT opt[3], colours[3], styles[3];
    PLFLT widths[3];
    double *rates = malloc(f->n_I * sizeof *rates);
    size_t n_lines = f->n_ref < 3 ? f->n_ref : 3;
    for (size_t c = 0; rates && c < n_lines; c++) {
        for (size_t r = 0; r < f->n_I; r++)
            rates[r] = f->rate[r * f->n_ref + c];
        plcol0(line_colour[c]);
        plwidth(2);
        plline((PLINT)f->n_I, f->I, rates);
        snprintf(labels[c], sizeof labels[c], "Avg. Rate for tau_ref=%g ms", f->tau_ref[c] * 1e3);
        text[c] = labels[c];
        opt[c] = PL_LEGEND_LINE;
        colours[c] = line_colour[c];
        styles[c] = 1;
        widths[c] = 2;
    }
    free(rates);
    PLFLT w, h;
    plcol0(BLACK);
    pllegend(&w, &h, PL_LEGEND_BACKGROUND | PL_LEGEND_BOUNDING_BOX, PL_POSITION_LEFT |
             PL_POSITION_TOP | PL_POSITION_INSIDE, 0.02, 0.02, 0.08, WHITE, BLACK, 1, 0, 0,
             (PLINT)n_lines, opt, 1.0, 0.8, 2.0, 0, colours, text, NULL, NULL, NULL, NULL,
             colours, styles, widths, NULL, NULL, NULL, NULL);
}

/* Bottom panel: the first eighth of the run's V. */
static void plot_trace(const lif_trace *tr, double I, double tau_ref, long run)
{
    size_t n = tr->n / 8 > 1 ? tr->n / 8 : tr->n;
    double *ms = malloc(n * sizeof *ms), top = 1;
    for (size_t k = 0; ms && k < n; k++) {
        ms[k] = tr->t[k] * 1e3;
        top = fmax(top, tr->V[k]);
    }
    char title[128];
    snprintf(title, sizeof title, "Example of development of V for I=%g, tau_ref=%g ms in run %ld",
             I, tau_ref * 1e3, run);
    pladv(0);
    plvpor(0.1, 0.95, 0.15, 0.88);
    plwind(0, n * (tr->t[1] - tr->t[0]) * 1e3, 0, top * 1.08);
    plcol0(BLACK);
    plbox("bcnst", 0, 0, "bcnst", 0, 0);
    pllab("t[ms]", "V", title);
    if (ms) {
        plcol0(BLUE);
        plwidth(1.5);
        plline((PLINT)n, ms, tr->V);
    }
    free(ms);
}

static int write_plot(const char *path, const lif_frame *f, const lif_trace *tr, double I,
                      double tau_ref, long run)
{
    if (!pngplot_have_device()) {
        fprintf(stderr, PROG ": PLplot has no " PNGPLOT_DEVICE " driver (Debian package "
                "plplot-driver-cairo); %s not written\n", path);
        return 1;
    }
    static const PLINT red[] = { 255, 0, 31, 255, 44 }, green[] = { 255, 0, 119, 127, 160 },
                       blue[] = { 255, 0, 180, 14, 44 };
    plot_path = path;
    plsexit(plplot_exit);
    plsdev(PNGPLOT_DEVICE);
    plsfnam(path);
    plspage(0, 0, 900, 900, 0, 0);
    plscmap0(red, green, blue, 5);
    plssub(1, 2);
    plinit();
    plschr(0, 1.1);
    plot_rates(f);
    plot_trace(tr, I, tau_ref, run);
    plend();
    return 0;
}

/* The parameters of run idx that the second panel's title names. */
static int run_values(snx_traj *traj, long idx, double *I, double *tau_ref)
{
    int rc = snx_traj_set_run(traj, idx);
    if (rc)
        return rc;
    *I = snx_traj_double(traj, "neuron.I");
    *tau_ref = snx_traj_double(traj, "neuron.tau_ref");
    rc = snx_traj_status(traj);
    snx_traj_restore_default(traj);
    return rc;
}

int main(int argc, char **argv)
{
    options o;
    int exit_code;
    if (parse_args(argc, argv, &o, &exit_code))
        return exit_code;
    char out[512];
    if (!o.out) {
        snprintf(out, sizeof out, "plots/%s.png", o.trajectory);
        if (mkdir("plots", 0777) != 0 && errno != EEXIST) {
            fprintf(stderr, PROG ": cannot create plots/: %s\n", strerror(errno));
            return 1;
        }
        o.out = out;
    }
    snx_traj *traj = lif_load(PROG, o.file, o.trajectory);
    if (!traj)
        return 1;
    lif_frame frame = { 0 };
    lif_trace trace = { 0 };
    double I = 0, tau_ref = 0;
    int rc = 0;
    if (lif_read_frame(traj, &frame))
        rc = fprintf(stderr, PROG ": %s: reading " LIF_FRAME ": %s\n", o.file, snx_errmsg());
    else if (run_values(traj, o.run, &I, &tau_ref) || lif_read_trace(traj, o.run, &trace))
        rc = fprintf(stderr, PROG ": %s: reading run %ld: %s\n", o.file, o.run, snx_errmsg());
    else if (frame.n_I < 2 || trace.n < 2)
        rc = fprintf(stderr, PROG ": %s: too little to plot\n", o.file);
    if (!rc) {
        printf("%s: rate frame %zu x %zu; run %ld (I = %g, tau_ref = %g ms): %lld spikes, "
               "%zu samples of V\n", o.trajectory, frame.n_I, frame.n_ref, o.run, I,
               tau_ref * 1e3, (long long)trace.nspikes, trace.n);
        rc = write_plot(o.out, &frame, &trace, I, tau_ref, o.run);
    }
    if (!rc)
        printf(PROG ": plot written to %s\n", o.out);
    snx_traj_free(traj);
    return rc ? 1 : 0;
}
