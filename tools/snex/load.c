/* Opening a file and finding what a PATH names in it.
 *
 * A PATH is "TRAJ", "TRAJ/dotted.path", "TRAJ.dotted.path" (when the first
 * component names a trajectory of the file) or a dotted path alone, which is looked
 * up in the file's last trajectory, as pypet's f_load(index=-1) does. Inside the
 * trajectory, lookups are snex's own: full names, partial names, shortcuts
 * ("R_ee"), run abbreviations ("r_3"). A per-run leaf named without its run
 * ("mean_fano_factor") is, where a subcommand asks for it, every run's one. */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cli_check_file(const char *file)
{
    struct stat st;
    if (stat(file, &st) != 0)
        return cli_fail(file, "%s", strerror(errno));
    if (S_ISDIR(st.st_mode))
        return cli_fail(file, "is a directory, not an HDF5 file");
    if (!S_ISREG(st.st_mode))
        return cli_fail(file, "is not a regular file");
    if (access(file, R_OK) != 0)
        return cli_fail(file, "%s", strerror(errno));
    return CLI_OK;
}

int cli_list(const char *file, char ***names, long *n)
{
    int rc = cli_check_file(file);
    if (rc)
        return rc;
    *n = snx_hdf5_list(file, names);
    if (*n < 0) /* the library's messages name the file */
        return cli_fail(NULL, "%s", snx_errmsg());
    if (*n == 0) {
        snx_hdf5_names_free(*names, 0);
        return cli_fail(file, "holds no snex trajectory (an HDF5 file, but not one snex "
                        "wrote)");
    }
    return CLI_OK;
}

static long find_name(char **names, long n, const char *name, size_t len)
{
    for (long k = 0; k < n; k++)
        if (strlen(names[k]) == len && strncmp(names[k], name, len) == 0)
            return k;
    return -1;
}

static int no_such_trajectory(const char *file, const char *name, size_t len, char **names,
                              long n)
{
    fprintf(stderr, CLI_PROG ": %s: no trajectory \"%.*s\"; the file holds", file, (int)len,
            name);
    for (long k = 0; k < n; k++)
        fprintf(stderr, "%s %s", k ? "," : "", names[k]);
    fputc('\n', stderr);
    return CLI_ERROR;
}

/* Which trajectory traj_path names (an index into names) and what it names in it. */
static int split_path(const cli_traj *t, const char *traj_path, char **names, long n,
                      long *which, const char **path)
{
    *which = n - 1;
    *path = traj_path ? traj_path : "";
    if (!traj_path || !*traj_path)
        return CLI_OK;
    const char *slash = strchr(traj_path, '/');
    if (slash) {
        *which = find_name(names, n, traj_path, (size_t)(slash - traj_path));
        *path = slash + 1;
        if (*which < 0)
            return no_such_trajectory(t->file, traj_path, (size_t)(slash - traj_path), names, n);
        return CLI_OK;
    }
    size_t first = strcspn(traj_path, ".");
    long k = find_name(names, n, traj_path, first);
    if (k >= 0) {
        *which = k;
        *path = traj_path[first] ? traj_path + first + 1 : "";
    }
    return CLI_OK;
}

int cli_open(const char *file, const char *traj_path, cli_load_what what, cli_traj *out)
{
    *out = (cli_traj){ .file = file };
    char **names;
    long n, which;
    const char *path;
    int rc = cli_list(file, &names, &n);
    if (rc)
        return rc;
    rc = split_path(out, traj_path, names, n, &which, &path);
    if (!rc) {
        snx_load_opts lo = snx_load_defaults();
        lo.name = names[which];
        lo.parameters = SNX_LOAD_DATA;
        lo.derived = lo.results = lo.other =
            what == CLI_LOAD_SKELETON ? SNX_LOAD_SKELETON : SNX_LOAD_NOTHING;
        out->traj = snx_hdf5_load(file, &lo);
        if (!out->traj)
            rc = cli_fail(NULL, "%s", snx_errmsg());
    }
    if (!rc && !(out->owned = snx_strdup(path)))
        rc = cli_fail_snx(file, "loading");
    out->path = out->owned;
    snx_hdf5_names_free(names, n);
    if (rc)
        cli_close(out);
    return rc;
}

void cli_close(cli_traj *t)
{
    snx_traj_free(t->traj);
    free(t->owned);
    *t = (cli_traj){ 0 };
}

int cli_load_leaf(cli_traj *t, snx_node *leaf)
{
    if (!snx_node_is_leaf(leaf) || !snx_leaf_is_empty(leaf))
        return CLI_OK;
    const snx_item_opts data = { .level = SNX_LOAD_DATA };
    if (snx_traj_load_node(t->traj, leaf, &data))
        return cli_fail_snx(t->file, "cannot read %s", snx_node_full_name(leaf));
    return CLI_OK;
}

bool cli_in_run(const snx_node *node)
{
    return strcmp(snx_node_run_branch(node), "trajectory") != 0;
}

const snx_value *cli_par_in_run(const snx_node *par, long idx)
{
    return snx_par_is_explored(par) ? snx_par_range_at(par, (size_t)idx) : snx_par_peek(par);
}

const char *cli_explored_label(const snx_traj *traj, size_t i)
{
    const char *name = snx_node_name(snx_traj_explored(traj, i));
    for (size_t k = 0; k < snx_traj_n_explored(traj); k++)
        if (k != i && strcmp(snx_node_name(snx_traj_explored(traj, k)), name) == 0)
            return snx_node_full_name(snx_traj_explored(traj, i));
    return name;
}

int cli_parse_run(const char *cmd, const char *text, long *out)
{
    char *end;
    errno = 0;
    long idx = strtol(text, &end, 10);
    if (end == text || *end || errno) {
        if (snx_run_idx(text, &idx) != 0 || idx < 0) {
            snx_error_clear();
            return cli_usage_error(cmd, "--run wants a run index (3, r_3 or run_00000003), "
                                   "not \"%s\"", text);
        }
    }
    if (idx < 0)
        return cli_usage_error(cmd, "--run %ld: run indices start at 0", idx);
    *out = idx;
    return CLI_OK;
}

/* Whether one of the path's components names a run ("run_00000003", "r_3",
 * "run_ALL"). */
static bool names_a_run(const char *path)
{
    char comp[SNX_NAME_MAX + 1];
    for (const char *p = path; *p;) {
        size_t len = strcspn(p, ".");
        if (len < sizeof comp) {
            long idx;
            memcpy(comp, p, len);
            comp[len] = '\0';
            if (snx_run_idx(comp, &idx) == 0)
                return true;
        }
        p += len + (p[len] == '.');
    }
    snx_error_clear();
    return false;
}

/* "statistics.rate_e" for results.runs.run_00000003.statistics.rate_e. */
static const char *below_run_group(const snx_node *leaf)
{
    const char *run = snx_node_run_branch(leaf);
    const char *at = strstr(snx_node_full_name(leaf), run);
    return at ? at + strlen(run) + 1 : snx_node_name(leaf);
}

/* Every run's leaf `path`, loaded (column rows in one read). 0 runs: not per-run. */
static int gather_runs(cli_traj *t, const char *path, cli_target *out)
{
    out->n = snx_traj_get_from_runs(t->traj, path, SNX_FROM_RUNS_ONLY, &out->runs, &out->nodes);
    if (out->n < 0) {
        out->n = 0;
        return cli_fail_snx(t->file, "looking for %s in the runs", path);
    }
    if (out->n == 0 || !snx_node_is_leaf(out->nodes[0])) {
        cli_target_free(out);
        return CLI_OK;
    }
    if (!(out->item_path = snx_strdup(below_run_group(out->nodes[0]))) ||
        snx_hdf5_load_from_runs(t->traj, out->item_path) < 0)
        return cli_fail_snx(t->file, "reading %s of every run", path);
    int rc = CLI_OK;
    for (long k = 0; !rc && k < out->n; k++)
        rc = cli_load_leaf(t, out->nodes[k]);
    return rc;
}

static int not_found(cli_traj *t, const char *path, long run)
{
    int code = snx_errcode();
    fprintf(stderr, CLI_PROG ": %s: %s: no %s in trajectory \"%s\"", t->file, path,
            code == SNX_ENOTUNIQUE ? "single node of that name" : "such node",
            snx_traj_name(t->traj));
    if (run >= 0)
        fprintf(stderr, ", run %ld", run);
    fprintf(stderr, " (%s)\n", snx_errmsg());
    if (code == SNX_ENOTUNIQUE)
        fprintf(stderr, CLI_PROG ": a longer name tells them apart (" CLI_PROG
                " ls lists them)%s\n", run < 0 ? ", or --run N" : "");
    return CLI_ERROR;
}

int cli_resolve(cli_traj *t, const char *path, long run, bool across, cli_target *out)
{
    *out = (cli_target){ 0 };
    if (!*path) {
        out->node = snx_traj_root(t->traj);
        return CLI_OK;
    }
    if (run >= 0) {
        if (run >= (long)snx_traj_n_runs(t->traj))
            return cli_fail(t->file, "trajectory \"%s\" has %zu runs; there is no run %ld",
                            snx_traj_name(t->traj), snx_traj_n_runs(t->traj), run);
        if (snx_traj_set_run(t->traj, run))
            return cli_fail_snx(t->file, "run %ld", run);
    } else if (across && !names_a_run(path)) {
        int rc = gather_runs(t, path, out);
        if (rc || out->n > 0)
            return rc;
    }
    out->node = snx_traj_get(t->traj, path);
    if (!out->node)
        return not_found(t, path, run);
    return cli_load_leaf(t, out->node);
}

void cli_target_free(cli_target *tg)
{
    free(tg->runs);
    free(tg->nodes);
    free(tg->item_path);
    *tg = (cli_target){ 0 };
}

const snx_value *cli_leaf_value(const snx_node *leaf)
{
    if (snx_node_kind_of(leaf) == SNX_NODE_PARAMETER)
        return snx_par_peek(leaf);
    const snx_value *v = snx_result_get(leaf, snx_node_name(leaf));
    snx_error_clear();
    if (!v && snx_result_n_items(leaf) == 1)
        v = snx_result_item_at(leaf, 0, &(const char *){ NULL });
    return v;
}

int cli_on_target(const char *file, const char *path, long run, bool across,
                  cli_target_fn fn, const void *ctx)
{
    cli_traj t;
    cli_target tg = { 0 };
    int rc = cli_open(file, path, CLI_LOAD_SKELETON, &t);
    if (rc)
        return rc;
    rc = cli_resolve(&t, t.path, run, across, &tg);
    if (!rc)
        rc = fn(&t, &tg, ctx);
    cli_target_free(&tg);
    cli_close(&t);
    return rc;
}

const char *cli_node_label(const cli_traj *t, const snx_node *node)
{
    return snx_node_is_root(node) ? snx_traj_name(t->traj) : snx_node_full_name(node);
}
