/* The clustered network's per-run figures (analysis.make_plots), as pypet's
 * CNMonitorAnalysis draws them, with PLplot's cairo driver (pngcairo):
 *   spike.png    raster plot of the E spikes of the measurement subrun
 *   V.png, I_syn_e.png, I_syn_i.png
 *                the traces of the recorded neurons, one panel per neuron
 * in <analysis.plot_folder>/<trajectory>/<run>/, from the monitors still in
 * ctx->shared. Errors are returned as snx_error codes, never by ending the process. */
#include <errno.h>
#include <math.h>
#include <plplot.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "clusternet.h"
#include "pngplot.h"

#define PLOT_DEVICE PNGPLOT_DEVICE

static const char *const TRACED[3] = { "V", "I_syn_e", "I_syn_i" };

/* ---- PLplot without exit() ------------------------------------------------------ */

/* PLplot's plexit() calls the handler, then plend() and exit(). A run must fail with
 * a message instead, so the handler jumps back to draw() (which does the plend()
 * itself). PLplot is one global state machine and a run draws from one thread, so
 * static state is enough. */
static jmp_buf plplot_fatal;
static bool drawing;
static char plplot_msg[256];

static int plplot_exit(PLCHAR_VECTOR msg)
{
    if (!drawing)
        return 1; /* a fatal error inside the clean-up: nothing safe is left */
    drawing = false;
    snprintf(plplot_msg, sizeof plplot_msg, "%s", msg ? msg : "");
    longjmp(plplot_fatal, 1);
}

/* What one figure shows; paint draws it into the initialised stream. */
typedef struct figure {
    const char *path;
    PLINT width, height;
    void (*paint)(const struct figure *f);
    double t0, t1; /* the measurement subrun */
    /* raster */
    const snx_monitor *spikes;
    /* traces */
    const snx_monitor *trace;
    const char *var;
    const double *values;
    PLFLT *column; /* room for one neuron's trace (PLplot plots contiguous arrays) */
    char unit[32];
} figure;

static int draw(const figure *f)
{
    /* PLplot would otherwise prompt on the terminal for another file name. */
    FILE *probe = fopen(f->path, "wb");
    if (!probe)
        return snx_error(SNX_EIO, "cannot write plot %s: %s", f->path, strerror(errno));
    fclose(probe);
    /* Colour map 0: white background, black frame and text, blue data. */
    static const PLINT red[] = { 255, 0, 31 }, green[] = { 255, 0, 119 },
                       blue[] = { 255, 0, 180 };
    if (setjmp(plplot_fatal)) {
        plend();
        plsexit(NULL);
        remove(f->path); /* a half-drawn page would pass for the figure */
        return snx_error(SNX_EIO, "PLplot failed writing plot %s: %s", f->path, plplot_msg);
    }
    drawing = true;
    plsexit(plplot_exit);
    plsdev(PLOT_DEVICE);
    plsfnam(f->path);
    plspage(0, 0, f->width, f->height, 0, 0);
    plscmap0(red, green, blue, 3);
    plinit();
    f->paint(f);
    plend();
    drawing = false;
    plsexit(NULL);
    snx_log(SNX_LOG_INFO, "Current plot: %s", f->path);
    return 0;
}

/* ---- the figures ------------------------------------------------------------------ */

static void paint_raster(const figure *f)
{
    size_t n_rec = 0, n = snx_monitor_n_spikes(f->spikes);
    snx_monitor_neurons(f->spikes, &n_rec);
    const int32_t *idx = snx_monitor_spike_i(f->spikes);
    const double *t = snx_monitor_spike_t(f->spikes);
    plschr(0, 1.1);
    plcol0(1);
    plenv(f->t0, f->t1, 0, (PLFLT)(n_rec > 0 ? n_rec : 1), 0, 0);
    pllab("t [s]", "Exc. Neurons", "Spike Raster Plot");
    plcol0(2);
    /* Symbol -1 is a plain point, drawn once per spike without a glyph: quick for
     * tens of thousands; plwidth sets its size. In chunks, as PLplot wants double
     * coordinates and the monitor keeps int32 indices. */
    plwidth(2.0);
    enum { CHUNK = 4096 };
    PLFLT x[CHUNK], y[CHUNK];
    for (size_t k = 0; k < n; k += CHUNK) {
        size_t m = n - k < CHUNK ? n - k : CHUNK;
        for (size_t j = 0; j < m; j++) {
            x[j] = t[k + j];
            y[j] = idx[k + j];
        }
        plpoin((PLINT)m, x, y, -1);
    }
}

/* [lo, hi] of column `col` of a row-major table, with a margin of 5 % of the spread
 * (or a fixed one for a flat trace) so the trace stays off the frame. */
static void column_range(const double *v, size_t rows, size_t cols, size_t col, double *lo,
                         double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t r = 0; r < rows; r++) {
        *lo = fmin(*lo, v[r * cols + col]);
        *hi = fmax(*hi, v[r * cols + col]);
    }
    if (!(*hi >= *lo)) { /* no samples, or only NaNs */
        *lo = 0;
        *hi = 1;
    }
    double margin = *hi > *lo ? 0.05 * (*hi - *lo) : fmax(0.1 * fabs(*lo), 0.1);
    *lo -= margin;
    *hi += margin;
}

/* A tick interval of 1, 2 or 5 times a power of ten giving about three labelled
 * ticks: PLplot's own choice crowds the labels of a short panel. */
static double tick_step(double span)
{
    double raw = span / 3.0, p = pow(10.0, floor(log10(raw))), m = raw / p;
    return (m < 1.5 ? 1.0 : m < 3.5 ? 2.0 : m < 7.5 ? 5.0 : 10.0) * p;
}

static void paint_traces(const figure *f)
{
    size_t n_rec = 0, rows = snx_monitor_n_samples(f->trace);
    const int32_t *rec = snx_monitor_neurons(f->trace, &n_rec);
    const double *t = snx_monitor_times(f->trace);
    /* The panels share one x axis: viewports stacked from top down to bottom, a gap
     * between them, tick labels on the last only. */
    const double left = 0.12, right = 0.84, bottom = 0.09, top = 0.92, gap = 0.025;
    double h = (top - bottom - gap * (double)(n_rec - 1)) / (double)n_rec;
    char label[64];
    pladv(0);
    plschr(0, 0.9);
    for (size_t k = 0; k < n_rec; k++) {
        double y1 = top - (double)k * (h + gap), lo, hi;
        column_range(f->values, rows, n_rec, k, &lo, &hi);
        plvpor(left, right, y1 - h, y1);
        plwind(f->t0, f->t1, lo, hi);
        plcol0(1);
        plwidth(1.0);
        plbox(k + 1 == n_rec ? "bcnst" : "bcst", 0, 0, "bcnstv", tick_step(hi - lo), 0);
        snprintf(label, sizeof label, "neuron %d", (int)rec[k]);
        plmtex("rv", 0.8, 0.5, 0.0, label);
        if (k == 0) {
            plschr(0, 1.2);
            plmtex("t", 1.0, 0.5, 0.5, f->var);
            plschr(0, 0.9);
        }
        if (k + 1 == n_rec)
            plmtex("b", 3.0, 0.5, 0.5, "t [s]");
        for (size_t r = 0; r < rows; r++)
            f->column[r] = f->values[r * n_rec + k];
        plcol0(2);
        plline((PLINT)rows, t, f->column);
    }
    /* One y label for the whole stack, as the panels share variable and unit. */
    plvpor(left, right, bottom, top);
    plcol0(1);
    snprintf(label, sizeof label, "%s [%s]", f->var, f->unit);
    plmtex("l", 5.0, 0.5, 0.5, label);
}

/* ---- the run's folder ------------------------------------------------------------- */

/* mkdir -p; SNX_EIO naming the folder. */
static int make_folder(const char *path)
{
    char *p = snx_strdup(path);
    if (!p)
        return snx_errcode();
    int rc = 0;
    for (char *s = p + 1; !rc; s++) {
        bool end = *s == '\0';
        if (*s != '/' && !end)
            continue;
        *s = '\0';
        struct stat st;
        if (mkdir(p, 0777) != 0 && !(errno == EEXIST && stat(p, &st) == 0 && S_ISDIR(st.st_mode)))
            rc = snx_error(SNX_EIO, "cannot create plot folder %s: %s", p,
                           strerror(errno == EEXIST ? ENOTDIR : errno));
        if (end)
            break;
        *s = '/';
    }
    free(p);
    return rc;
}

static char *join(const char *a, const char *b, const char *c)
{
    size_t len = strlen(a) + strlen(b) + strlen(c) + 3;
    char *s = snx_malloc(len);
    if (s)
        snprintf(s, len, "%s/%s/%s", a, b, c);
    return s;
}

int cn_plot_run(const snx_subrun_ctx *ctx)
{
    const char *base = snx_traj_string(ctx->traj, "plot_folder");
    if (!base)
        return snx_error_context("plots: reading analysis.plot_folder");
    const snx_monitor *spikes = snx_map_get(ctx->shared, "spikes_e");
    if (!spikes)
        return snx_error(SNX_ESTATE, "plots: no spikes_e monitor to plot");
    const snx_monitor *traces[3];
    for (int k = 0; k < 3; k++) {
        char name[32];
        snprintf(name, sizeof name, "%s_monitor", TRACED[k]);
        if (!(traces[k] = snx_map_get(ctx->shared, name)))
            return snx_error(SNX_ESTATE, "plots: no %s to plot", name);
    }
    char *folder = join(base, snx_traj_name(ctx->traj), snx_traj_run_name_current(ctx->traj));
    if (!folder)
        return snx_errcode();
    int rc = make_folder(folder);
    if (!rc && !pngplot_have_device())
        rc = snx_error(SNX_EIO, "plots: PLplot has no " PLOT_DEVICE " driver (Debian package "
                       "plplot-driver-cairo); nothing written to %s", folder);
    size_t len = strlen(folder) + 32;
    char *path = rc ? NULL : snx_malloc(len);
    if (!rc && !path)
        rc = snx_errcode();

    /* Every figure spans the measurement subrun that just ended. */
    double t1 = snx_net_t(ctx->net), t0 = t1 - ctx->current->duration;
    figure f = { .path = path, .width = 1000, .height = 700, .paint = paint_raster,
                 .spikes = spikes, .t0 = t0, .t1 = t1 };
    if (!rc) {
        snprintf(path, len, "%s/spike.png", folder);
        rc = draw(&f);
    }
    for (int k = 0; !rc && k < 3; k++) {
        size_t var = SIZE_MAX;
        for (size_t v = 0; v < snx_monitor_n_vars(traces[k]); v++)
            if (strcmp(snx_monitor_var_name(traces[k], v), TRACED[k]) == 0)
                var = v;
        f = (figure){ .path = path, .width = 1000, .height = 800, .paint = paint_traces,
                      .t0 = t0, .t1 = t1, .trace = traces[k], .var = TRACED[k],
                      .values = snx_monitor_values(traces[k], TRACED[k]) };
        size_t n_rec = 0;
        snx_monitor_neurons(traces[k], &n_rec);
        if (var == SIZE_MAX || !f.values || n_rec == 0)
            rc = snx_error(SNX_ESTATE, "plots: %s records no %s", snx_monitor_name(traces[k]),
                           TRACED[k]);
        else if (!(f.column = snx_malloc((snx_monitor_n_samples(traces[k]) + 1) *
                                         sizeof *f.column)))
            rc = snx_errcode();
        if (rc)
            break;
        snx_dim_format(snx_monitor_var_dim(traces[k], var), f.unit, sizeof f.unit);
        snprintf(path, len, "%s/%s.png", folder, TRACED[k]);
        rc = draw(&f);
        free(f.column);
    }
    free(path);
    free(folder);
    return rc;
}
