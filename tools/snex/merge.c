/* snex merge: pypet's f_merge from the command line. The trajectories named by IN...
 * (FILE, or FILE:TRAJ for one of several trajectories in a file; default the file's
 * last) are merged into the first, which lives in OUT:
 *   - OUT is the first input's file: the first trajectory grows in place;
 *   - OUT does not exist: it starts as a copy of the first input's file, and the
 *     merged trajectory grows there (the first input stays as it was).
 * The first trajectory is loaded with its parameters' data and a skeleton of the rest
 * (its runs' data stay on disk); each other one with all its data, merged
 * (snx_traj_merge: the same parameter space, runs renumbered after the first's) and
 * stored in one commit (a commit is atomic: the file never holds half a merge). A new
 * OUT is removed again when a merge fails; merging in place stops at the first input
 * that fails, keeping the inputs merged before it. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CMD "merge"
#define MAX_IGNORE 64

static const char usage[] =
    "usage: " CLI_PROG " " CMD " [-d] [--trial PARAM] [--ignore NAME]... OUT IN1 IN2...\n"
    "Merges the runs of IN2... into IN1's trajectory (pypet's f_merge): the same\n"
    "parameters are needed; the other runs are appended and renumbered. Each IN is a\n"
    "FILE or FILE:TRAJ (default: the file's last trajectory). OUT is IN1's file (merge\n"
    "in place) or a new file (a copy of IN1's file holding the merged trajectory).\n"
    "  -d, --remove-duplicates  skip runs whose explored values a run has already\n"
    "      --trial PARAM        an explored int numbering trials: shifted on merging\n"
    "      --ignore NAME        a result or derived parameter (full name) not to copy\n"
    "  -h, --help               this text\n";

/* "FILE:TRAJ" when FILE exists and TRAJ is one of its trajectories, else all FILE. */
typedef struct input {
    char *file;
    const char *traj; /* NULL: the last */
} input;

static void split_input(const char *arg, input *in)
{
    in->file = strdup(arg);
    in->traj = NULL;
    char *colon = in->file ? strrchr(in->file, ':') : NULL;
    if (!colon || access(arg, F_OK) == 0)
        return;
    *colon = '\0';
    if (access(in->file, F_OK) == 0)
        in->traj = colon + 1;
    else
        *colon = ':';
}

static bool same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

static int copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = in ? fopen(to, "wbx") : NULL;
    char buf[1 << 16];
    size_t n;
    int rc = in && out ? CLI_OK : CLI_ERROR;
    while (!rc && (n = fread(buf, 1, sizeof buf, in)) > 0)
        rc = fwrite(buf, 1, n, out) == n ? CLI_OK : CLI_ERROR;
    if (in && ferror(in))
        rc = CLI_ERROR;
    if (out && fclose(out))
        rc = CLI_ERROR;
    if (in)
        fclose(in);
    if (rc) {
        int e = errno;
        if (out)
            unlink(to);
        return cli_fail(to, "cannot copy %s here: %s", from, strerror(e));
    }
    return CLI_OK;
}

static snx_traj *load(const char *file, const char *traj, snx_load_level rest)
{
    snx_load_opts o = snx_load_defaults();
    o.name = traj;
    o.parameters = SNX_LOAD_DATA;
    o.derived = o.results = o.other = rest;
    snx_traj *t = snx_hdf5_load(file, &o);
    if (!t)
        cli_fail_snx(file, "cannot load %s", traj ? traj : "its last trajectory");
    return t;
}

/* Merges one input into traj and stores its new runs. */
static int merge_one(snx_traj *traj, const input *in, const snx_merge_opts *opts)
{
    int rc = cli_check_file(in->file);
    snx_traj *other = rc ? NULL : load(in->file, in->traj, SNX_LOAD_DATA);
    if (!other)
        return CLI_ERROR;
    snx_hdf5_close(other); /* all in memory: the file may be the one written next */
    long added = snx_traj_merge(traj, other, opts);
    if (added < 0)
        rc = cli_fail_snx(in->file, "cannot merge %s", snx_traj_name(other));
    /* One commit per input: its runs and the grown ranges land together or not at all. */
    if (!rc && snx_traj_store(traj, NULL))
        rc = cli_fail_snx(snx_hdf5_filename(traj), "storing the merged runs");
    if (!rc)
        printf("%s: %ld of %zu runs of %s merged (now %zu runs)\n", snx_hdf5_filename(traj),
               added, snx_traj_n_runs(other), snx_traj_name(other), snx_traj_n_runs(traj));
    snx_traj_free(other);
    return rc;
}

static int merge_all(const char *out, input *ins, int n, const snx_merge_opts *opts)
{
    int rc = cli_check_file(ins[0].file);
    if (!rc && access(out, F_OK) == 0 && !same_file(out, ins[0].file))
        return cli_fail(out, "exists and is not %s (the first input's file): choose a new "
                             "file or merge in place", ins[0].file);
    bool created = !rc && access(out, F_OK) != 0;
    if (created)
        rc = copy_file(ins[0].file, out);
    snx_traj *traj = rc ? NULL : load(out, ins[0].traj, SNX_LOAD_SKELETON);
    if (!traj)
        rc = CLI_ERROR;
    for (int k = 1; !rc && k < n; k++)
        rc = merge_one(traj, &ins[k], opts);
    snx_traj_free(traj);
    if (rc && created) /* a new file that failed half-way is no result */
        unlink(out);
    return rc;
}

int cmd_merge(int argc, char **argv)
{
    static const struct option longs[] = {
        { "remove-duplicates", no_argument, NULL, 'd' }, { "trial", required_argument, NULL, 'T' },
        { "ignore", required_argument, NULL, 'I' },      { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *ignore[MAX_IGNORE + 1] = { NULL };
    size_t n_ignore = 0;
    snx_merge_opts opts = { .ignore_data = ignore };
    optind = 1;
    for (int c; (c = getopt_long(argc, argv, "dh", longs, NULL)) != -1;) {
        if (c == 'd')
            opts.remove_duplicates = true;
        else if (c == 'T')
            opts.trial_parameter = optarg;
        else if (c == 'I' && n_ignore < MAX_IGNORE)
            ignore[n_ignore++] = optarg;
        else if (c == 'I')
            return cli_usage_error(CMD, "at most %d --ignore", MAX_IGNORE);
        else
            return cli_help_or_bad(c, CMD, usage);
    }
    int rc = cli_positionals(argc, argv, 3, 1 << 20, CMD);
    if (rc)
        return rc;
    int n = argc - optind - 1;
    input *ins = calloc((size_t)n, sizeof *ins);
    for (int k = 0; ins && k < n; k++)
        split_input(argv[optind + 1 + k], &ins[k]);
    rc = ins ? merge_all(argv[optind], ins, n, &opts) : cli_fail(argv[optind], "out of memory");
    for (int k = 0; ins && k < n; k++)
        free(ins[k].file);
    free(ins);
    return rc;
}
