/* The runscript of the clustered network (pypet's runscript.py): an Environment with
 * worker processes, the network manager with its components, R_ee explored over
 * 1.0, 1.2, ..., 2.4, the neurons pre-built once (every run starts from the same
 * biases and initial voltages, as in pypet), the connections drawn per run from the
 * run's own seed. Everything goes to hdf5/Clustered_Network.hdf5: parameters, derived
 * cluster probabilities, per run the monitors and statistics.mean_fano_factor.
 *
 *   clusternet [--scale 0.5] [--workers 2] [--seed 42] [--file F] [--resume] ...
 *
 * Then plotff draws the mean Fano factor against R_ee from the file. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clusternet.h"

#define MAX_REES 64

typedef struct options {
    double scale;
    int workers;
    uint64_t seed;
    const char *file;
    bool resume, plots;
    double rees[MAX_REES];
    size_t n_rees;
    double initial_ms, measurement_ms; /* 0: the runner's defaults */
} options;

static void usage(FILE *out)
{
    fprintf(out,
            "usage: clusternet [options]\n"
            "The clustered E/I network of Litwin-Kumar & Doiron (2012), R_ee explored.\n"
            "  --scale X        network size: 1.0 is the paper's 4000 E + 1000 I (0.5)\n"
            "  --workers N      worker processes (2; 0 = one per core)\n"
            "  --seed S         master seed; run k's seed derives from it (42)\n"
            "  --file F         HDF5 file (hdf5/Clustered_Network.hdf5)\n"
            "  --rees LIST      R_ee values, comma-separated (1.0,1.2,...,2.4)\n"
            "  --initial MS     initial subrun in ms (500)\n"
            "  --measurement MS measurement subrun in ms (2000)\n"
            "  --plots          per run, a raster plot and V/I_syn traces (PNG) in\n"
            "                   plots/Clustered_Network/run_XXXXXXXX/\n"
            "  --resume         finish a sweep that was interrupted (same file)\n"
            "  --help           this text\n");
}

static int parse_rees(const char *text, options *o)
{
    o->n_rees = 0;
    for (const char *p = text; *p && o->n_rees < MAX_REES;) {
        char *end;
        o->rees[o->n_rees++] = strtod(p, &end);
        if (end == p || (*end && *end != ','))
            return -1;
        p = *end ? end + 1 : end;
    }
    return o->n_rees ? 0 : -1;
}

static int number(const char *text, double *out)
{
    char *end;
    *out = strtod(text, &end);
    return end != text && !*end ? 0 : -1;
}

/* 0: go on; 1: exit successfully (--help); -1: bad usage. */
static int parse_options(int argc, char **argv, options *o)
{
    static const struct option longs[] = {
        { "scale", required_argument, NULL, 's' },   { "workers", required_argument, NULL, 'w' },
        { "seed", required_argument, NULL, 'S' },    { "file", required_argument, NULL, 'f' },
        { "rees", required_argument, NULL, 'r' },    { "initial", required_argument, NULL, 'i' },
        { "measurement", required_argument, NULL, 'm' }, { "resume", no_argument, NULL, 'R' },
        { "plots", no_argument, NULL, 'p' },
        { "help", no_argument, NULL, 'h' },          { NULL, 0, NULL, 0 },
    };
    *o = (options){ .scale = 0.5, .workers = 2, .seed = 42, .file = "hdf5/Clustered_Network.hdf5" };
    for (size_t k = 0; k < 8; k++)
        o->rees[o->n_rees++] = 1.0 + 0.2 * (double)k; /* np.arange(1.0, 2.6, 0.2) */
    double x;
    for (int c; (c = getopt_long(argc, argv, "", longs, NULL)) != -1;) {
        int bad = 0;
        switch (c) {
        case 's': bad = number(optarg, &o->scale) || !(o->scale > 0); break;
        case 'w': bad = number(optarg, &x) || x < 0; o->workers = (int)x; break;
        case 'S': o->seed = strtoull(optarg, NULL, 10); break;
        case 'f': o->file = optarg; break;
        case 'r': bad = parse_rees(optarg, o); break;
        case 'i': bad = number(optarg, &o->initial_ms) || !(o->initial_ms > 0); break;
        case 'm': bad = number(optarg, &o->measurement_ms) || !(o->measurement_ms > 0); break;
        case 'R': o->resume = true; break;
        case 'p': o->plots = true; break;
        case 'h': usage(stdout); return 1;
        default: usage(stderr); return -1;
        }
        if (bad) {
            fprintf(stderr, "clusternet: bad value \"%s\" (see --help)\n", optarg);
            return -1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "clusternet: unexpected argument \"%s\"\n", argv[optind]);
        return -1;
    }
    return 0;
}

/* Parameters, presets from the options, and the exploration of R_ee. */
static int set_up(snx_traj *traj, snx_manager *m, const options *o)
{
    if (!snx_traj_add_parameter(traj, "simulation.scale", snx_double(o->scale),
                                "Meta parameter that can scale default settings. Rescales "
                                "number of neurons and connections strenghts, but not the "
                                "clustersize."))
        return snx_errcode();
    if ((o->initial_ms > 0 &&
         snx_traj_preset_parameter(traj, "simulation.durations.initial_run",
                                   snx_quantity(o->initial_ms, "ms"))) ||
        (o->measurement_ms > 0 &&
         snx_traj_preset_parameter(traj, "simulation.durations.measurement_run",
                                   snx_quantity(o->measurement_ms, "ms"))) ||
        (o->plots && snx_traj_preset_parameter(traj, "analysis.make_plots", snx_bool(1))))
        return snx_errcode();
    int rc = snx_manager_add_parameters(m, traj);
    if (!rc)
        rc = snx_traj_check_presets(traj);
    snx_ranges *r = rc ? NULL : snx_ranges_new();
    if (r && !(rc = snx_ranges_add_doubles(r, "R_ee", o->rees, o->n_rees)))
        rc = snx_traj_explore(traj, r);
    snx_ranges_free(r);
    return rc;
}

/* The table of results after the runs, in run order, read back from the file (the
 * writer frees each run's data once it is stored). */
static int print_table(snx_traj *traj, const snx_run_result *results, size_t n, void *data)
{
    (void)results, (void)data;
    if (snx_hdf5_load_from_runs(traj, "statistics.mean_fano_factor") < 0 ||
        snx_hdf5_load_from_runs(traj, "statistics.rate_e") < 0)
        return snx_errcode();
    printf("\nrun       R_ee   E rate (Hz)   mean Fano factor\n");
    for (size_t k = 0; k < n; k++) {
        snx_traj_set_run(traj, (long)k);
        snx_node *ff = snx_traj_get(traj, "crun.mean_fano_factor");
        snx_node *rate = snx_traj_get(traj, "crun.rate_e");
        double r_ee = snx_traj_double(traj, "R_ee");
        if (ff && rate)
            printf("%-8zu  %4.2f   %11.3f   %16.4f\n", k, r_ee,
                   snx_value_double(snx_result_get(rate, "rate_e")),
                   snx_value_double(snx_result_get(ff, "mean_fano_factor")));
        else
            printf("%-8zu  %4.2f   (failed)\n", k, r_ee);
    }
    snx_traj_restore_default(traj);
    snx_traj_clear_status(traj);
    snx_error_clear();
    return 0;
}

int main(int argc, char **argv)
{
    options o;
    int parsed = parse_options(argc, argv, &o);
    if (parsed)
        return parsed > 0 ? 0 : 2;
    cn_part neurons = { 0 }, connections = { 0 };
    snx_component parts[2] = { cn_neuron_group(&neurons), cn_connections(&connections) };
    snx_component analysers[2] = { cn_monitor_analysis(), cn_fano_factor_computer() };
    snx_component runner = cn_network_runner();
    snx_manager *m = snx_manager_new(&(snx_manager_opts){
        .components = parts, .n_components = 2, .analysers = analysers, .n_analysers = 2,
        .runner = &runner, .seed = o.seed });
    snx_env *env = m ? snx_env_new(&(snx_env_opts){
                           .trajectory = "Clustered_Network", .filename = o.file,
                           .overwrite = !o.resume, .resume = o.resume, .n_workers = o.workers,
                           .seed = o.seed,
                           .comment = "The clustered network of Litwin-Kumar & Doiron (2012), "
                                      "exploring the clustering strength R_ee" })
                     : NULL;
    snx_traj *traj = env ? snx_env_traj(env) : NULL;
    int rc = !traj ? snx_errcode()
             : snx_env_resuming(env) ? 0
                                     : set_up(traj, m, &o);
    if (!rc)
        rc = snx_manager_pre_build(m, traj); /* the neurons: model.* is not explored */
    if (!rc)
        rc = snx_env_add_postproc(env, print_table, NULL);
    if (!rc)
        rc = snx_env_run(env, snx_manager_run_network, m);
    if (rc)
        fprintf(stderr, "clusternet: %s\n", snx_errmsg());
    else
        printf("\nstored in %s\n", snx_env_filename(env));
    snx_env_free(env);
    snx_manager_free(m);
    return rc ? 1 : 0;
}
