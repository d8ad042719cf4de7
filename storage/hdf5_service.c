/* The HDF5 storage service: the snx_storage_ops table the trajectory calls, and the
 * public snx_hdf5_* functions. Each operation opens the file (or reuses the open
 * handle), does its work through hdf5_tree.c, hdf5_columns.c and hdf5_overview.c,
 * commits, and closes the file again unless asked to keep it open. Storing runs is
 * the exception: it keeps the file open and commits at most every commit_interval
 * seconds, so that a sweep of many short runs is not bound by commits. */
#include "hdf5_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snex/error.h"
#include "snex/util.h"

/* The services alive in this process, to tell ours from other services when a
 * trajectory is handed to snx_hdf5_flush & co. */
static h5s **live;
static size_t n_live, cap_live;

static h5s *service_of(const snx_traj *traj)
{
    void *self = traj ? snx_traj_storage_self(traj) : NULL;
    for (size_t i = 0; self && i < n_live; i++)
        if (live[i] == self)
            return live[i];
    snx_error(SNX_ENOSERVICE, "trajectory \"%s\" has no HDF5 storage service",
              traj ? snx_traj_name(traj) : "(null)");
    return NULL;
}

/* ---- the trajectory group --------------------------------------------------------- */

/* Opens (for reading) the group of the trajectory the service works on. */
static int use_traj(h5s *s, snx_traj *traj)
{
    int rc = h5_open(s, s->writable);
    if (!rc && s->writable)
        rc = h5_flush_pending(s);
    return rc ? rc : h5_open_traj(s, snx_traj_name(traj));
}

/* Opens the group a store writes to, creating it for a trajectory never stored. */
static int open_for_writing(h5s *s, snx_traj *traj)
{
    const char *name = snx_traj_name(traj);
    int rc = h5_open(s, 1);
    if (rc || (s->traj_g >= 0 && strcmp(s->traj_name, name) == 0))
        return rc;
    if (H5Lexists(s->file, name, H5P_DEFAULT) <= 0 || !snx_traj_is_stored(traj)) {
        H5Eclear2(H5E_DEFAULT);
        rc = h5_create_traj(s, traj); /* SNX_EEXIST when another one has the name */
        /* From now on the group is this trajectory's, even if the store fails. */
        if (!rc)
            snx_traj_set_stored(traj, 1);
        return rc;
    }
    char *picked = NULL;
    rc = h5_select_traj(s, name, 0, 0, &picked); /* a known format version */
    free(picked);
    return rc ? rc : h5_open_traj(s, name);
}

/* The same, and the first time a session writes, pieces an earlier one left behind
 * (it was killed while runs streamed) go. */
static int traj_for_writing(h5s *s, snx_traj *traj)
{
    int rc = open_for_writing(s, traj);
    return rc ? rc : h5_stream_clean(s);
}

static int store_all(h5s *s, snx_traj *traj, const snx_store_opts *opts)
{
    int rc = traj_for_writing(s, traj);
    if (!rc)
        rc = h5_store_tree(s, traj, snx_traj_root(traj), opts);
    if (!rc)
        rc = h5_store_explorations(s, traj);
    if (!rc)
        rc = h5_runs_add_missing(s, traj);
    if (!rc)
        snx_traj_set_stored(traj, 1);
    return rc;
}

/* ---- the operations ----------------------------------------------------------------- */

static int svc_store(void *self, snx_traj *traj, const snx_store_opts *opts)
{
    h5s *s = self;
    return h5_finish(s, store_all(s, traj, opts));
}

static int svc_store_node(void *self, snx_traj *traj, snx_node *node, const snx_store_opts *opts)
{
    h5s *s = self;
    int rc = traj_for_writing(s, traj);
    if (!rc)
        rc = h5_store_tree(s, traj, node, opts);
    return h5_finish(s, rc);
}

/* Whether node is at or below the group of run idx. */
static int below_run(const snx_node *node, long idx)
{
    for (; !snx_node_is_root(node); node = snx_node_parent(node))
        if (h5_run_index(snx_node_name(node)) == idx)
            return 1;
    return 0;
}

/* What run idx added: every node named run_XXXXXXXX for that run, plus nodes the run
 * added elsewhere (when it is the run in progress). A run_XXXXXXXX node may be a leaf
 * (pypet's `neuron.$`, a result named after its run); below_run counts it as the
 * run's own, so it is stored here or not at all. */
static int store_run_nodes(h5s *s, snx_traj *traj, long idx)
{
    static const snx_store_opts data = {.level = SNX_STORE_DATA, .recursive = 1};
    char run[SNX_RUN_NAME_BUF];
    snx_node **nodes = NULL;
    long n = snx_traj_get_all(traj, snx_run_name(run, idx), &nodes);
    int rc = n < 0 ? (int)n : 0;
    for (long i = 0; !rc && i < n; i++)
        rc = h5_store_tree(s, traj, nodes[i], &data);
    free(nodes);
    if (rc || !snx_traj_in_run(traj) || snx_traj_run_idx(traj) != idx)
        return rc;
    snx_store_opts one = {.level = SNX_STORE_DATA};
    for (size_t i = 0; !rc && i < snx_traj_n_run_added(traj); i++) {
        snx_node *node = snx_traj_run_added(traj, i);
        if (!below_run(node, idx))
            rc = h5_store_tree(s, traj, node, &one);
    }
    return rc;
}

static int svc_store_run(void *self, snx_traj *traj, long idx)
{
    h5s *s = self;
    static const snx_store_opts data = {.level = SNX_STORE_DATA, .recursive = 1};
    snx_run_info info;
    int rc = snx_traj_run_info(traj, idx, &info);
    if (!rc)
        rc = snx_traj_is_stored(traj) ? traj_for_writing(s, traj) : store_all(s, traj, &data);
    s->storing_run = idx;
    if (!rc)
        rc = store_run_nodes(s, traj, idx);
    s->storing_run = -1;
    if (!rc) /* pieces of results the run did not add */
        rc = h5_stream_discard(s, idx);
    if (!rc)
        rc = h5_runs_add(s, traj, idx, 1);
    if (!rc && !info.completed) {
        info.completed = 1;
        rc = snx_traj_set_run_info(traj, idx, &info);
    }
    if (!rc && h5_now() - s->last_commit >= s->opts.commit_interval)
        rc = h5_commit(s);
    return rc;
}

static int svc_append_piece(void *self, snx_traj *traj, long idx, double attempt,
                            const char *full_name, const char *item, const snx_value *piece)
{
    h5s *s = self;
    int rc = snx_traj_is_stored(traj) ? traj_for_writing(s, traj)
                                      : store_all(s, traj, &(snx_store_opts){
                                                               .level = SNX_STORE_DATA,
                                                               .recursive = 1 });
    return rc ? rc : h5_stream_append(s, idx, attempt, full_name, item, piece);
}

static int svc_discard_pieces(void *self, snx_traj *traj, long idx)
{
    h5s *s = self;
    int rc = traj_for_writing(s, traj);
    return rc ? rc : h5_stream_discard(s, idx);
}

static int read_traj_meta(h5s *s, snx_traj *traj)
{
    hid_t g = s->traj_g;
    int rc = 0;
    char *comment = h5_read_str_attr(g, H5N_COMMENT);
    snx_node *root = snx_traj_root(traj);
    if (comment && !*snx_node_comment(root))
        rc = snx_node_set_comment(root, comment);
    free(comment);
    if (!rc && !snx_node_n_annotations(root))
        rc = h5_load_annotations(g, root);
    double ts;
    hid_t a = H5Aexists(g, "timestamp") > 0 ? H5Aopen(g, "timestamp", H5P_DEFAULT) : -1;
    if (a >= 0 && H5Aread(a, H5T_NATIVE_DOUBLE, &ts) >= 0)
        snx_traj_set_timestamp(traj, ts);
    if (a >= 0)
        H5Aclose(a);
    H5Eclear2(H5E_DEFAULT);
    return rc;
}

static int load_branches(h5s *s, snx_traj *traj, const snx_load_opts *o)
{
    snx_load_level par = o->parameters;
    snx_load_level derived = o->as_new ? SNX_LOAD_NOTHING : o->derived;
    snx_load_level results = o->as_new ? SNX_LOAD_NOTHING : o->results;
    snx_load_level other = o->as_new ? SNX_LOAD_NOTHING : o->other;
    int rc = h5_load_branch(s, traj, "config", par);
    if (!rc)
        rc = h5_load_branch(s, traj, "parameters", par);
    if (!rc)
        rc = h5_load_branch(s, traj, "derived_parameters", derived);
    if (!rc)
        rc = h5_load_branch(s, traj, "results", results);
    if (!rc)
        rc = h5_load_other(s, traj, other);
    int rc2 = h5_resolve_links(s, traj);
    return rc ? rc : rc2;
}

static int svc_load(void *self, snx_traj *traj, const snx_load_opts *o)
{
    h5s *s = self;
    char *name = NULL;
    int rc = h5_open(s, s->writable);
    if (!rc && s->writable)
        rc = h5_flush_pending(s);
    if (!rc)
        rc = h5_select_traj(s, o->name, o->index, o->force, &name);
    if (!rc)
        rc = h5_open_traj(s, name);
    if (!rc && !o->as_new) {
        if (strcmp(snx_traj_name(traj), name) != 0)
            rc = snx_traj_rename(traj, name);
        if (!rc)
            rc = read_traj_meta(s, traj);
        if (!rc)
            snx_traj_set_stored(traj, 1);
    }
    if (!rc)
        rc = load_branches(s, traj, o);
    if (!rc && o->parameters >= SNX_LOAD_DATA)
        rc = h5_check_runs(s, traj);
    if (!rc && !o->as_new && !o->without_run_information)
        rc = h5_runs_load(s, traj);
    if (!rc && !o->as_new)
        snx_traj_lock_parameters(traj);
    free(name);
    return h5_finish(s, rc);
}

static int svc_load_node(void *self, snx_traj *traj, snx_node *node, const snx_item_opts *o)
{
    h5s *s = self;
    int rc = use_traj(s, traj);
    if (!rc)
        rc = h5_load_node(s, traj, node, o);
    return h5_finish(s, rc);
}

static int svc_load_missing(void *self, snx_traj *traj, const char *full_name)
{
    h5s *s = self;
    int rc = use_traj(s, traj);
    if (!rc)
        rc = h5_load_missing(s, traj, full_name);
    int rc2 = rc ? 0 : h5_resolve_links(s, traj);
    return h5_finish(s, rc ? rc : rc2);
}

static int svc_delete(void *self, snx_traj *traj, snx_node *node, const char *const *only,
                      snx_remove_mode mode)
{
    h5s *s = self;
    int rc = h5_open(s, 1);
    if (!rc)
        rc = use_traj(s, traj);
    if (!rc)
        rc = h5_delete(s, traj, node, only, mode == SNX_REMOVE_RECURSIVE);
    return h5_finish(s, rc);
}

static void h5s_free(h5s *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_links; i++) {
        free(s->links[i].group);
        free(s->links[i].name);
        free(s->links[i].target);
    }
    free(s->links);
    h5_columns_free(s->columns);
    h5_runs_free(s->runs);
    h5_stream_free(s);
    free(s->filename);
    free(s);
}

static void svc_free(void *self)
{
    h5s *s = self;
    /* Nobody is left to tell about a failing last commit: the file keeps its
     * previous commit, which is consistent. */
    h5_close(s);
    for (size_t i = 0; i < n_live; i++)
        if (live[i] == s) {
            live[i] = live[--n_live];
            break;
        }
    if (!n_live) {
        free(live);
        live = NULL;
        cap_live = 0;
    }
    h5s_free(s);
}

static const snx_storage_ops hdf5_ops = {
    .store = svc_store,
    .store_node = svc_store_node,
    .store_run = svc_store_run,
    .load = svc_load,
    .load_node = svc_load_node,
    .load_missing = svc_load_missing,
    .delete_node = svc_delete,
    .free = svc_free,
    .append_piece = svc_append_piece,
    .discard_pieces = svc_discard_pieces,
};

/* ---- the public API ---------------------------------------------------------------- */

/* A commit interval in force: 0 is the default (1 s), negative after every run (0). */
static double interval_in_force(double seconds)
{
    return seconds == 0 ? 1.0 : seconds < 0 ? 0 : seconds;
}

/* The options in force, kept by the service: complevel 0 there means no compression
 * and commit_interval 0 a commit after every run. */
static snx_hdf5_opts opts_in_force(const snx_hdf5_opts *opts)
{
    snx_hdf5_opts o = opts ? *opts : (snx_hdf5_opts){ 0 };
    o.complevel = o.complevel == 0 ? 4 : o.complevel < 0 ? 0 : o.complevel;
    o.commit_interval = interval_in_force(o.commit_interval);
    return o;
}

static h5s *h5s_new(const char *filename, const snx_hdf5_opts *opts)
{
    h5s *s = snx_calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->opts = opts_in_force(opts);
    s->truncate_pending = s->opts.overwrite_file;
    s->file = s->traj_g = H5I_INVALID_HID;
    s->storing_run = -1;
    s->filename = snx_strdup(filename);
    if (!s->filename || h5_columns_init(s) || h5_runs_init(s)) {
        h5s_free(s);
        return NULL;
    }
    return s;
}

/* The rule for where a trajectory's file goes belongs to the backend that writes it
 * (explore/ knows no file names): the Environment asks through snx_env_storage.path. */
char *snx_hdf5_path(const char *filename, const char *traj_name)
{
    snx_buf b = { 0 };
    if (!filename)
        snx_buf_printf(&b, "hdf5/%s.hdf5", traj_name);
    else if (*filename && filename[strlen(filename) - 1] == '/')
        snx_buf_printf(&b, "%s%s.hdf5", filename, traj_name);
    else
        snx_buf_puts(&b, filename);
    return snx_buf_take(&b);
}

int snx_hdf5_attach(snx_traj *traj, const char *filename, const snx_hdf5_opts *opts)
{
    if (!traj)
        return snx_error(SNX_EINVAL, "hdf5_attach: NULL trajectory");
    if (filename && !*filename)
        return snx_error(SNX_EINVAL, "hdf5_attach: empty file name");
    if (opts && (opts->complevel < -1 || opts->complevel > 9 || isnan(opts->commit_interval)))
        return snx_error(SNX_EINVAL,
                         "hdf5_attach: complevel must be -1 (none) to 9 and commit_interval "
                         "a number (got %d and %g)", opts->complevel, opts->commit_interval);
    char *name = snx_hdf5_path(filename, snx_traj_name(traj));
    h5s *s = name ? h5s_new(name, opts) : NULL;
    free(name);
    if (!s || snx_grow(&live, &cap_live, n_live + 1, sizeof *live)) {
        h5s_free(s);
        return SNX_ENOMEM;
    }
    live[n_live++] = s;
    snx_traj_set_storage(traj, &hdf5_ops, s);
    return 0;
}

/* Adopts the compression settings recorded with the trajectory. */
static void adopt_settings(h5s *s)
{
    long v;
    if (s->traj_g < 0 && h5_open(s, 0) == 0 && s->traj_name)
        h5_open_traj(s, s->traj_name);
    if (s->traj_g < 0)
        return;
    if (h5_read_long_attr(s->traj_g, "hdf5_complevel", &v) == 0 && v >= 0 && v <= 9)
        s->opts.complevel = (int)v;
    if (h5_read_long_attr(s->traj_g, "hdf5_shuffle", &v) == 0)
        s->opts.no_shuffle = v == 0;
    if (h5_read_long_attr(s->traj_g, "hdf5_fletcher32", &v) == 0)
        s->opts.no_fletcher32 = v == 0;
    snx_error_clear();
}

snx_traj *snx_hdf5_load(const char *filename, const snx_load_opts *opts)
{
    if (!filename) {
        snx_error(SNX_EINVAL, "hdf5_load: NULL file name");
        return NULL;
    }
    snx_load_opts o = opts ? *opts : snx_load_defaults();
    snx_traj *traj = snx_traj_new(o.name ? o.name : "loading", NULL);
    if (!traj)
        return NULL;
    snx_hdf5_opts keep = { .keep_open = true }; /* until the settings are read */
    int rc = snx_hdf5_attach(traj, filename, &keep);
    h5s *s = rc ? NULL : snx_traj_storage_self(traj);
    if (!rc)
        rc = snx_traj_load(traj, &o);
    if (!rc) {
        adopt_settings(s);
        s->opts.keep_open = false;
        rc = h5_close(s);
    }
    if (rc) {
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", snx_errmsg());
        snx_traj_free(traj);
        snx_error(rc, "%s", msg);
        return NULL;
    }
    return traj;
}

long snx_hdf5_list(const char *filename, char ***names)
{
    if (!filename || !names)
        return snx_error(SNX_EINVAL, "hdf5_list: NULL %s", filename ? "names" : "file name");
    h5s *s = h5s_new(filename, NULL);
    if (!s)
        return SNX_ENOMEM;
    long n = h5_open(s, 0);
    if (!n)
        n = h5_list(s->file, names);
    int rc = h5_close(s);
    h5s_free(s);
    if (n >= 0 && rc) {
        snx_hdf5_names_free(*names, n);
        return rc;
    }
    return n;
}

/* Every run's results.runs.run_X.<name>: the column in one read, then, for runs the
 * column did not have, their own group if the file holds one. */
static int load_from_runs(h5s *s, snx_traj *traj, const char *name, long *found)
{
    long n = h5_columns_load(s, traj, "results.runs", SNX_LOAD_DATA, -1, name);
    if (n < 0)
        return (int)n;
    *found = n;
    char full[SNX_LOCATION_MAX + SNX_NAME_MAX], run[SNX_RUN_NAME_BUF];
    for (size_t k = 0; (size_t)n < snx_traj_n_runs(traj) && k < snx_traj_n_runs(traj); k++) {
        snprintf(full, sizeof full, "results.runs.%s.%s", snx_run_name(run, (long)k), name);
        if (h5_find_exact(traj, full))
            continue;
        char *path = h5_path(full);
        int there = path && H5Lexists(s->traj_g, path, H5P_DEFAULT) > 0;
        H5Eclear2(H5E_DEFAULT);
        free(path);
        int rc = there ? h5_load_missing(s, traj, full) : 0;
        if (rc)
            return rc;
        *found += there;
    }
    return 0;
}

long snx_hdf5_load_from_runs(snx_traj *traj, const char *name)
{
    h5s *s = service_of(traj);
    if (!s)
        return SNX_ENOSERVICE;
    if (!name || !*name || name[0] == '.' || name[strlen(name) - 1] == '.' || strstr(name, ".."))
        return snx_error(SNX_EINVAL, "hdf5_load_from_runs: \"%s\" is not a name below a run "
                                     "group", name ? name : "(null)");
    long found = 0;
    int rc = use_traj(s, traj);
    if (!rc)
        rc = load_from_runs(s, traj, name, &found);
    rc = h5_finish(s, rc);
    return rc ? rc : found;
}

int snx_hdf5_set_commit_interval(snx_traj *traj, double seconds)
{
    h5s *s = service_of(traj);
    if (!s)
        return SNX_ENOSERVICE;
    if (isnan(seconds))
        return snx_error(SNX_EINVAL, "hdf5_set_commit_interval: NaN seconds");
    s->opts.commit_interval = interval_in_force(seconds);
    return 0;
}

int snx_hdf5_flush(snx_traj *traj)
{
    h5s *s = service_of(traj);
    return s ? h5_commit(s) : SNX_ENOSERVICE;
}

int snx_hdf5_close(snx_traj *traj)
{
    h5s *s = service_of(traj);
    return s ? h5_close(s) : SNX_ENOSERVICE;
}

const char *snx_hdf5_filename(const snx_traj *traj)
{
    h5s *s = service_of(traj);
    return s ? s->filename : NULL;
}
