/* The Environment: options, the trajectory and its storage, the environment record,
 * run phases with post-processing and expansion, the pipeline form, and the writer's
 * handling of every arriving run (apply, store, free). The processes themselves are
 * in env_pool.c; the message format in run_message.c. */
#define _GNU_SOURCE /* gethostname */
#include "env_internal.h"
#include "snex/error.h"
#include "snex/util.h"

#include <gsl/gsl_version.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifndef SNX_VERSION
#define SNX_VERSION "unknown"
#endif

struct snx_env {
    snx_env_opts opts;        /* strings below are our copies */
    char *trajectory, *comment, *filename_opt, *log_folder;
    snx_traj *traj;
    int own_traj;
    const snx_env_storage *storage;
    char *filename;           /* "" without storage */
    char *log_path;           /* "" without a log file */
    char name[96];            /* environment_<sha7>_<time> */
    char hexsha[17], short_sha[8];
    double created;
    int resuming;
    int ran;

    snx_postproc_fn postproc;
    void *postproc_data;

    snx_run_result *results;  /* one per run, in run order */
    size_t n_results;
    size_t n_completed, n_failed, n_earlier;
    int interrupted;

    /* the current phase */
    env_progress progress;
    size_t phase_done, phase_failed;
    int keep_run_data;        /* no storage: run data stays in the tree */
    snx_value *run_one_result; /* snx_env_run_one: where the value goes */
};

/* ---- storage backends ----------------------------------------------------------- */

static int none_attach(snx_traj *traj, const char *filename, const snx_env_opts *opts)
{
    (void)traj, (void)filename, (void)opts;
    return 0;
}

static snx_traj *none_load(const char *filename, const char *name, const snx_env_opts *opts)
{
    (void)filename, (void)opts;
    snx_error(SNX_ENODATA, "no storage: trajectory \"%s\" cannot be loaded", name);
    return NULL;
}

const snx_env_storage snx_env_no_storage = { .name = "none", .attach = none_attach,
                                             .load = none_load };


/* ---- seeds --------------------------------------------------------------------------- */

uint64_t snx_env_seed(uint64_t master, long idx)
{
    uint64_t z = master + (uint64_t)(idx + 1) * 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

uint64_t snx_env_run_seed(const snx_traj *traj)
{
    snx_run_info info;
    long idx = snx_traj_run_idx(traj);
    if (idx < 0 || snx_traj_run_info(traj, idx, &info))
        return 0;
    return info.seed;
}

/* ---- creation ------------------------------------------------------------------------ */

static char *dup_opt(const char *s) { return s ? snx_strdup(s) : NULL; }

static int copy_opts(snx_env *env, const snx_env_opts *opts)
{
    env->opts = opts ? *opts : (snx_env_opts){ 0 };
    env->trajectory = dup_opt(env->opts.trajectory ? env->opts.trajectory : "trajectory");
    env->comment = dup_opt(env->opts.comment);
    env->filename_opt = dup_opt(env->opts.filename);
    env->log_folder = dup_opt(env->opts.log_folder ? env->opts.log_folder : "logs");
    if (!env->trajectory || !env->log_folder || (env->opts.comment && !env->comment) ||
        (env->opts.filename && !env->filename_opt))
        return SNX_ENOMEM;
    env->opts.trajectory = env->trajectory;
    env->opts.comment = env->comment;
    env->opts.filename = env->filename_opt;
    env->opts.log_folder = env->log_folder;
    if (env->opts.grace_period == 0)
        env->opts.grace_period = 10.0;
    if (!env->opts.log_level)
        env->opts.log_level = SNX_LOG_INFO;
    if (env->opts.n_workers <= 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        env->opts.n_workers = n > 0 ? (int)n : 1;
    }
    env->storage = env->opts.storage ? env->opts.storage : snx_env_default_storage();
    return 0;
}

static int check_opts(const snx_env_opts *o)
{
    if (o->compression < -1 || o->compression > 9)
        return snx_error(SNX_EINVAL, "environment: compression %d (0-9, or -1 for none)",
                         o->compression);
    if (o->run_timeout < 0)
        return snx_error(SNX_EINVAL, "environment: negative run timeout %g", o->run_timeout);
    if (o->single_process && o->run_timeout > 0)
        return snx_error(SNX_EINVAL, "environment: a per-run timeout needs worker processes "
                                     "(single_process cannot stop a run that hangs)");
    if (o->single_process && !o->restore && !o->stateless)
        return snx_error(SNX_EINVAL,
                         "environment: single_process: every run must start from the same "
                         "state, but the environment can restore only the trajectory; give "
                         "opts.restore (restores your other state before each run) or set "
                         "opts.stateless = 1 if runs change nothing outside the trajectory");
    if (o->traj && o->resume)
        return snx_error(SNX_EINVAL, "environment: resume loads the trajectory from the file; "
                                     "do not also pass one to adopt");
    return 0;
}

/* SNX_RESUME=1 resumes; SNX_RESUME=<name> resumes that trajectory. */
static int resume_from_environment(snx_env *env)
{
    const char *v = getenv("SNX_RESUME");
    if (!v || !*v || strcmp(v, "0") == 0 || env->opts.traj)
        return 0;
    env->opts.resume = 1;
    if (strcmp(v, "1") != 0) {
        char *name = snx_strdup(v);
        if (!name)
            return SNX_ENOMEM;
        free(env->trajectory);
        env->trajectory = name;
        env->opts.trajectory = name;
    }
    return 0;
}

static char *storage_filename(const snx_env *env, const char *traj_name)
{
    return snx_traj_file_path(env->opts.filename, traj_name);
}

static uint64_t fnv1a(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t k = 0; k < n; k++)
        h = (h ^ p[k]) * 0x100000001B3ull;
    return h;
}

static void make_identity(snx_env *env)
{
    env->created = env_now();
    uint64_t h = 0xCBF29CE484222325ull;
    const char *tname = snx_traj_name(env->traj);
    pid_t pid = getpid();
    h = fnv1a(h, tname, strlen(tname));
    h = fnv1a(h, &env->created, sizeof env->created);
    h = fnv1a(h, &pid, sizeof pid);
    h = fnv1a(h, SNX_VERSION, strlen(SNX_VERSION));
    snprintf(env->hexsha, sizeof env->hexsha, "%016llx", (unsigned long long)h);
    memcpy(env->short_sha, env->hexsha, 7);
    env->short_sha[7] = '\0';
    time_t secs = (time_t)env->created;
    struct tm tm;
    char when[40];
    localtime_r(&secs, &tm);
    strftime(when, sizeof when, "%Y_%m_%d_%Hh%Mm%Ss", &tm);
    snprintf(env->name, sizeof env->name, "environment_%s_%s", env->short_sha, when);
}

static int open_trajectory(snx_env *env)
{
    const snx_env_opts *o = &env->opts;
    if (o->traj) {
        env->traj = o->traj;
        env->filename = storage_filename(env, snx_traj_name(env->traj));
        if (!env->filename)
            return SNX_ENOMEM;
        if (!snx_traj_has_storage(env->traj) && env->storage != &snx_env_no_storage)
            return env->storage->attach(env->traj, env->filename, o);
        return 0;
    }
    env->own_traj = 1;
    if (o->resume) {
        if (!(env->filename = storage_filename(env, o->trajectory)))
            return SNX_ENOMEM;
        env->traj = env->storage->load(env->filename, o->trajectory, o);
        if (env->traj) {
            env->resuming = 1;
            return 0;
        }
        if (snx_errcode() != SNX_ENODATA)
            return snx_error_context("resume: loading \"%s\" from %s", o->trajectory,
                                     env->filename);
        free(env->filename);
        env->filename = NULL;
    }
    snx_traj_opts topts = { .add_time = o->add_time && !o->resume, .comment = o->comment };
    if (!(env->traj = snx_traj_new(o->trajectory, &topts)))
        return snx_errcode();
    if (!(env->filename = storage_filename(env, snx_traj_name(env->traj))))
        return SNX_ENOMEM;
    return env->storage->attach(env->traj, env->filename, o);
}

/* Removes from the tree what an earlier execution of run idx left there (kept
 * without storage, or by an earlier run_one), so that the run can add its nodes
 * again. */
static int forget_run(snx_traj *traj, long idx)
{
    char name[SNX_RUN_NAME_BUF];
    snx_node **nodes = NULL;
    int auto_load = snx_traj_auto_load(traj);
    snx_traj_set_auto_load(traj, 0);
    long n = snx_traj_get_all(traj, snx_run_name(name, idx), &nodes);
    snx_traj_set_auto_load(traj, auto_load);
    int rc = n < 0 ? (int)n : 0;
    for (long k = n - 1; !rc && k >= 0; k--) /* deepest first: no node freed twice */
        rc = snx_node_remove(nodes[k], 1);
    free(nodes);
    return rc;
}

/* A resumed trajectory: what runs not completed left in the file (a run stored in
 * part before its storing failed) must not be in the tree when they run again. */
static int forget_unfinished_runs(snx_traj *traj)
{
    int rc = 0;
    for (size_t k = 0; !rc && k < snx_traj_n_runs(traj); k++)
        if (!snx_traj_is_completed(traj, (long)k))
            rc = forget_run(traj, (long)k);
    return rc;
}

/* A resumed sweep must use the master seed the trajectory was run with, or its runs
 * would mix two seed streams. */
static int check_resumed_seed(const snx_env *env)
{
    snx_traj *traj = env->traj;
    int auto_load = snx_traj_auto_load(traj);
    snx_traj_set_auto_load(traj, 0);
    snx_node *records = snx_traj_get(traj, "config.environment");
    snx_traj_set_auto_load(traj, auto_load);
    snx_error_clear();
    for (size_t k = 0; records && k < snx_node_n_children(records); k++) {
        snx_node *rec = snx_node_child(records, k);
        snx_node *seed = snx_node_is_leaf(rec) ? NULL : snx_node_child_named(rec, "master_seed");
        const snx_value *v = seed && snx_node_kind_of(seed) == SNX_NODE_PARAMETER
                                 ? snx_par_peek(seed) : NULL;
        if (v && v->type == SNX_T_INT && (uint64_t)v->u.i != env->opts.seed)
            return snx_error(SNX_EINVAL,
                             "resume: trajectory \"%s\" was run with master seed %llu "
                             "(%s); this environment has %llu: set snx_env_opts.seed to "
                             "%llu to continue it", snx_traj_name(traj),
                             (unsigned long long)v->u.i, snx_node_name(rec),
                             (unsigned long long)env->opts.seed,
                             (unsigned long long)v->u.i);
    }
    return 0;
}

snx_env *snx_env_new(const snx_env_opts *opts)
{
    snx_env *env = snx_calloc(1, sizeof *env);
    if (!env)
        return NULL;
    int rc = copy_opts(env, opts);
    if (!rc)
        rc = resume_from_environment(env);
    if (!rc)
        rc = check_opts(&env->opts);
    if (!rc)
        rc = open_trajectory(env);
    if (!rc && env->resuming)
        rc = check_resumed_seed(env);
    if (!rc && env->resuming)
        rc = forget_unfinished_runs(env->traj);
    if (!rc && !snx_traj_has_storage(env->traj)) {
        free(env->filename);
        env->filename = snx_strdup("");
    }
    if (!rc)
        rc = env_log_open(env->opts.log_level, env->opts.log_folder, snx_traj_name(env->traj),
                          &env->log_path);
    if (!rc && !env->log_path)
        env->log_path = snx_strdup("");
    if (rc || !env->filename || !env->log_path) {
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", snx_errmsg());
        rc = rc ? rc : SNX_ENOMEM;
        snx_env_free(env);
        snx_error(rc, "%s", msg);
        return NULL;
    }
    make_identity(env);
    snx_log(SNX_LOG_INFO, "environment %s: trajectory \"%s\"%s, %s%s", env->name,
            snx_traj_name(env->traj), env->resuming ? " (resumed from the file)" : "",
            *env->filename ? "storage " : "no storage", env->filename);
    return env;
}

void snx_env_free(snx_env *env)
{
    if (!env)
        return;
    for (size_t k = 0; k < env->n_results; k++) {
        snx_value_clear(&env->results[k].value);
        free((char *)env->results[k].error);
    }
    free(env->results);
    if (env->own_traj)
        snx_traj_free(env->traj);
    if (env->log_path)
        env_log_close();
    free(env->trajectory);
    free(env->comment);
    free(env->filename_opt);
    free(env->log_folder);
    free(env->filename);
    free(env->log_path);
    free(env);
}

snx_traj *snx_env_traj(snx_env *env) { return env->traj; }
int snx_env_resuming(const snx_env *env) { return env->resuming; }
const char *snx_env_name(const snx_env *env) { return env->name; }
const char *snx_env_hexsha(const snx_env *env) { return env->hexsha; }
const char *snx_env_filename(const snx_env *env) { return env->filename; }
const char *snx_env_log_path(const snx_env *env) { return env->log_path; }
size_t snx_env_n_completed(const snx_env *env) { return env->n_completed; }
size_t snx_env_n_failed(const snx_env *env) { return env->n_failed; }
int snx_env_interrupted(const snx_env *env) { return env->interrupted; }

const snx_run_result *snx_env_results(const snx_env *env, size_t *n)
{
    *n = env->n_results;
    return env->results;
}

int snx_env_add_postproc(snx_env *env, snx_postproc_fn postproc, void *user_data)
{
    env->postproc = postproc;
    env->postproc_data = user_data;
    return 0;
}

/* ---- the environment record (config.environment.<name>) ------------------------------- */

static int add_record(snx_env *env, const char *item, snx_value v, const char *comment)
{
    char name[256];
    snprintf(name, sizeof name, "environment.%s.%s", env->name, item);
    return snx_traj_add_config(env->traj, name, v, comment) ? 0 : snx_errcode();
}

static char *git_commit(void)
{
    FILE *f = popen("git rev-parse HEAD 2>/dev/null", "r");
    if (!f)
        return NULL;
    char line[128] = "";
    char *ok = fgets(line, sizeof line, f);
    pclose(f);
    line[strcspn(line, "\r\n")] = '\0';
    return ok && strlen(line) >= 7 ? snx_strdup(line) : NULL;
}

static void time_text(double t, char *buf, size_t size)
{
    time_t secs = (time_t)t;
    struct tm tm;
    localtime_r(&secs, &tm);
    strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm);
}

static int add_environment_record(snx_env *env)
{
    const snx_env_opts *o = &env->opts;
    char host[256] = "unknown", when[40], storage[160];
    gethostname(host, sizeof host - 1);
    host[sizeof host - 1] = '\0';
    time_text(env->created, when, sizeof when);
    snprintf(storage, sizeof storage, "%s%s%s", env->storage->name,
             env->storage->version ? " " : "",
             env->storage->version ? env->storage->version() : "");
    char *commit = git_commit();
    int rc = add_record(env, "name", snx_str(env->name), "the environment that ran the runs") ||
             add_record(env, "hexsha", snx_str(env->hexsha), "its identifier") ||
             add_record(env, "timestamp", snx_double(env->created), "creation, seconds since the epoch") ||
             add_record(env, "start_time", snx_str(when), "start of the runs (local time)") ||
             add_record(env, "trajectory", snx_str(snx_traj_name(env->traj)), NULL) ||
             add_record(env, "snex_version", snx_str(SNX_VERSION), NULL) ||
             add_record(env, "storage", snx_str(storage), "storage backend and its library") ||
             add_record(env, "gsl_version", snx_str(gsl_version), NULL) ||
             add_record(env, "compiler", snx_str(__VERSION__), NULL) ||
             add_record(env, "host", snx_str(host), NULL) ||
             add_record(env, "n_workers", snx_int(o->single_process ? 0 : o->n_workers),
                        "worker processes (0: single-process mode)") ||
             add_record(env, "timeout_per_run", snx_double(o->run_timeout), "seconds (0: none)") ||
             add_record(env, "master_seed", snx_int((int64_t)o->seed),
                        "run seeds are snx_env_seed(master_seed, run index)") ||
             add_record(env, "resumed", snx_bool(env->resuming), NULL) ||
             (commit && add_record(env, "git_commit", snx_str(commit),
                                   "HEAD of the git repository of the working directory"));
    free(commit);
    return rc ? snx_error_context("environment record") : 0;
}

static int add_end_time(snx_env *env)
{
    char when[40];
    time_text(env_now(), when, sizeof when);
    return add_record(env, "end_time", snx_str(when), "end of the runs (local time)");
}

/* ---- the writer: one arriving run ------------------------------------------------------ */

static void remove_run_nodes(snx_traj *traj)
{
    while (snx_traj_n_run_added(traj) > 0)
        if (snx_node_remove(snx_traj_run_added(traj, 0), 1))
            break;
}

/* The run's return value as the result SNX_ENV_RETURN of the run. */
static int keep_return(snx_traj *traj, const snx_value *ret)
{
    snx_value copy;
    if (ret->type == SNX_T_NONE)
        return 0;
    if (snx_value_copy(&copy, ret))
        return SNX_ENOMEM;
    return snx_traj_add_result(traj, SNX_ENV_RETURN, copy, "what the run function returned")
               ? 0 : snx_errcode();
}

/* Turns the report into that of a failed run: `what`, then the current error. */
static void fail_report(env_report *rep, int code, const char *what)
{
    snx_buf b = { 0 };
    snx_buf_printf(&b, "%s: %s", what, snx_errmsg());
    long idx = rep->idx;
    uint64_t seed = rep->seed;
    double t0 = rep->timestamp, t1 = rep->finish_timestamp;
    env_report_clear(rep);
    *rep = (env_report){ .idx = idx, .status = code, .seed = seed, .timestamp = t0,
                         .finish_timestamp = t1, .error = snx_buf_take(&b),
                         .ret = snx_none() };
}

/* Rebuilds the run's nodes in the writer's tree (inside begin_run, so that they are
 * recorded as the run's), with its return value; on failure the run fails with the
 * reason. */
static void apply_run(snx_env *env, const void *msg, size_t len, long idx, env_report *rep)
{
    snx_traj *traj = env->traj;
    const char *what = "its results could not be read";
    rep->idx = idx;
    int rc = snx_traj_begin_run(traj, idx);
    if (!rc)
        rc = env_msg_apply(traj, msg, len, rep);
    if (!rc && rep->status == 0 && (rc = keep_return(traj, &rep->ret)))
        what = "its return value could not be kept";
    if (rc) {
        fail_report(rep, rc, what);
        if (snx_traj_in_run(traj))
            snx_traj_end_run(traj);
        remove_run_nodes(traj);
    }
}

static int set_run_info(snx_env *env, const env_report *rep, int completed)
{
    char *summary = snx_traj_parameter_summary(env->traj, rep->idx);
    snx_run_info info = {
        .idx = rep->idx,
        .completed = completed,
        .timestamp = rep->timestamp,
        .finish_timestamp = rep->finish_timestamp,
        .runtime = rep->finish_timestamp - rep->timestamp,
        .seed = rep->seed,
        .parameter_summary = summary,
        .env_hexsha = env->short_sha,
        .error = rep->error,
    };
    int rc = snx_traj_set_run_info(env->traj, rep->idx, &info);
    free(summary);
    return rc;
}

static void record_result(snx_env *env, env_report *rep, int outcome)
{
    snx_run_result *r = &env->results[rep->idx];
    r->status = outcome;
    r->value = rep->ret;
    rep->ret = snx_none();
    r->error = rep->error;
    rep->error = NULL;
    char name[SNX_RUN_NAME_BUF];
    snx_run_name(name, rep->idx);
    if (outcome == 0) {
        env->n_completed++;
        snx_log(SNX_LOG_DEBUG, "%s completed in %.3f s", name,
                rep->finish_timestamp - rep->timestamp);
    } else if (outcome == SNX_ERUN) {
        env->n_failed++;
        env->phase_failed++;
        snx_log(SNX_LOG_WARNING, "%s failed: %s", name, r->error ? r->error : "unknown reason");
    } else {
        snx_log(SNX_LOG_INFO, "%s not completed: %s", name, r->error ? r->error : "not run");
    }
}

/* Takes back from the storage what a run whose storing failed stored before the
 * failure, so that running it again stores all of its data, not what is left of
 * this attempt. (Nodes never stored answer SNX_ENODATA.) */
static int unstore_run(snx_traj *traj)
{
    int rc = 0;
    for (size_t k = 0; !rc && k < snx_traj_n_run_added(traj); k++) {
        rc = snx_traj_delete_node(traj, snx_traj_run_added(traj, k), NULL, 1);
        if (rc == SNX_ENODATA || rc == SNX_ENOSERVICE)
            rc = 0;
    }
    if (rc)
        snx_error_context("taking back the partly stored run");
    else
        snx_error_clear();
    return rc;
}

static int on_report(env_exec *x, const void *msg, size_t len)
{
    snx_env *env = x->env;
    snx_traj *traj = env->traj;
    long idx = -1;
    int status = 0;
    int rc = env_msg_peek(msg, len, &idx, &status, NULL);
    if (rc)
        return rc;
    if (idx < 0 || (size_t)idx >= env->n_results || env->results[idx].status != SNX_ENODATA)
        return snx_error(SNX_EFORMAT, "environment: a worker reported run %ld unexpectedly", idx);
    env_report rep = { .ret = snx_none() };
    if (status == 0) {
        apply_run(env, msg, len, idx, &rep);
    } else if ((rc = env_msg_apply(traj, msg, len, &rep))) {
        return rc; /* a failure report we made ourselves: cannot be garbled */
    }
    /* Completed only once stored: a run whose data the storage refuses fails (and
     * runs again on resume); one the storage cannot write (I/O, memory) stops the
     * sweep, since the next runs would fare no better. */
    int completed = rep.status == 0;
    int store = completed && snx_traj_has_storage(traj) && !env->keep_run_data;
    rc = set_run_info(env, &rep, completed && !store);
    if (!rc && store) {
        int src = snx_traj_store_run(traj, idx);
        if (!src) {
            rc = set_run_info(env, &rep, 1);
        } else if (src == SNX_EIO || src == SNX_ENOMEM) {
            rc = snx_error_context("storing run %ld", idx);
        } else {
            fail_report(&rep, src, "its results could not be stored");
            completed = 0;
            rc = unstore_run(traj);
            if (!rc)
                rc = set_run_info(env, &rep, 0);
        }
    }
    if (snx_traj_in_run(traj))
        snx_traj_end_run(traj);
    if (!env->keep_run_data)
        remove_run_nodes(traj);
    if (!rc) {
        int outcome = completed ? 0 : rep.status == ENV_INTERRUPTED ? SNX_ENODATA : SNX_ERUN;
        record_result(env, &rep, outcome);
        env->phase_done++;
        env_progress_update(&env->progress, env->phase_done, env->phase_failed);
    }
    env_report_clear(&rep);
    return rc;
}

/* run_one: keep what the run added in the tree, store nothing. */
static int on_report_keep(env_exec *x, const void *msg, size_t len)
{
    snx_env *env = x->env;
    long idx = -1;
    int status = 0;
    int rc = env_msg_peek(msg, len, &idx, &status, NULL);
    if (rc)
        return rc;
    env_report rep = { .ret = snx_none() };
    apply_run(env, msg, len, idx, &rep);
    if (snx_traj_in_run(env->traj))
        snx_traj_end_run(env->traj);
    *env->run_one_result = rep.ret;
    rep.ret = snx_none();
    rc = rep.status ? snx_error(SNX_ERUN, "run %ld failed: %s", idx,
                                rep.error ? rep.error : "unknown reason")
                    : 0;
    env_report_clear(&rep);
    return rc;
}

static int close_storage(env_exec *x)
{
    snx_env *env = x->env;
    if (env->storage->close && snx_traj_has_storage(env->traj))
        return env->storage->close(env->traj);
    return 0;
}

/* ---- run phases ------------------------------------------------------------------------- */

/* The stored return value of run idx (resume), or NONE. */
static snx_value earlier_return(snx_traj *traj, long idx)
{
    char full[96], run[SNX_RUN_NAME_BUF];
    snprintf(full, sizeof full, "results.runs.%s.%s", snx_run_name(run, idx), SNX_ENV_RETURN);
    int auto_load = snx_traj_auto_load(traj);
    snx_traj_set_auto_load(traj, 0); /* what resume loaded, not one file read per run */
    snx_node *n = snx_traj_get(traj, full);
    snx_traj_set_auto_load(traj, auto_load);
    snx_error_clear();
    const snx_value *v = n && snx_node_kind_of(n) == SNX_NODE_RESULT
                             ? snx_result_get(n, SNX_ENV_RETURN) : NULL;
    snx_value copy = snx_none();
    if (v && snx_value_copy(&copy, v))
        copy = snx_none();
    return copy;
}

/* One result slot per run; runs the file says are completed count as done earlier. */
static int grow_results(snx_env *env)
{
    size_t n = snx_traj_n_runs(env->traj);
    if (n <= env->n_results)
        return 0;
    snx_run_result *r = snx_realloc(env->results, n * sizeof *r);
    if (!r)
        return SNX_ENOMEM;
    for (size_t k = env->n_results; k < n; k++) {
        int done = snx_traj_is_completed(env->traj, (long)k);
        r[k] = (snx_run_result){ .idx = (long)k, .status = done ? 0 : SNX_ENODATA,
                                 .earlier = done,
                                 .value = done ? earlier_return(env->traj, (long)k)
                                               : snx_none() };
        if (done) {
            env->n_completed++;
            env->n_earlier++;
        }
    }
    env->results = r;
    env->n_results = n;
    return 0;
}

static int run_phase(snx_env *env, snx_run_fn run, void *data)
{
    int rc = grow_results(env);
    long *todo = snx_calloc(env->n_results, sizeof *todo);
    if (rc || !todo) {
        free(todo);
        return rc ? rc : SNX_ENOMEM;
    }
    size_t n_todo = 0;
    for (size_t k = 0; k < env->n_results; k++)
        if (env->results[k].status == SNX_ENODATA && !env->results[k].error)
            todo[n_todo++] = (long)k;
    if (!n_todo) {
        free(todo);
        return 0;
    }
    const snx_env_opts *o = &env->opts;
    snx_log(SNX_LOG_INFO, "running %zu run%s%s", n_todo, n_todo == 1 ? "" : "s",
            o->single_process ? " in this process" : "");
    env_exec x = { .env = env, .traj = env->traj, .run = run, .run_data = data, .todo = todo,
                   .n_todo = n_todo, .n_workers = o->n_workers, .run_timeout = o->run_timeout,
                   .grace_period = o->grace_period, .master_seed = o->seed,
                   .reuse_process = o->stateless,
                   .on_report = on_report, .before_fork = close_storage };
    env->phase_done = env->phase_failed = 0;
    env->keep_run_data = !snx_traj_has_storage(env->traj);
    env_progress_start(&env->progress, o->progress, n_todo);
    rc = o->single_process ? env_exec_single(&x, o->restore, o->restore_data)
                           : env_exec_pool(&x);
    env_progress_end(&env->progress);
    if (x.interrupted)
        env->interrupted = x.interrupted;
    free(todo);
    return rc;
}

/* Stores the new ranges of an expanded trajectory, then whatever is new. */
static int store_expansion(snx_env *env)
{
    snx_traj *traj = env->traj;
    snx_store_opts over = { .level = SNX_STORE_OVERWRITE };
    for (size_t k = 0; k < snx_traj_n_explored(traj); k++) {
        int rc = snx_traj_store_node(traj, snx_traj_explored(traj, k), &over);
        if (rc)
            return snx_error_context("storing the expanded exploration");
    }
    return snx_traj_store(traj, NULL);
}

static int store_trajectory(snx_env *env)
{
    if (!snx_traj_has_storage(env->traj))
        return 0;
    int rc = snx_traj_store(env->traj, NULL);
    return rc ? snx_error_context("storing trajectory \"%s\"", snx_traj_name(env->traj)) : 0;
}

static int postprocess(snx_env *env, int *expanded)
{
    size_t before = snx_traj_n_runs(env->traj);
    *expanded = 0;
    int rc = env->postproc(env->traj, env->results, env->n_results, env->postproc_data);
    if (rc)
        return snx_error_context("post-processing");
    if (snx_traj_n_runs(env->traj) > before) {
        *expanded = 1;
        snx_log(SNX_LOG_INFO, "post-processing expanded the trajectory to %zu runs",
                snx_traj_n_runs(env->traj));
        if (snx_traj_has_storage(env->traj) && (rc = store_expansion(env)))
            return rc;
    }
    return 0;
}

/* Lists some failed runs into b. */
static void list_failures(const snx_env *env, snx_buf *b, size_t max)
{
    size_t shown = 0;
    char name[SNX_RUN_NAME_BUF];
    for (size_t k = 0; k < env->n_results && shown < max; k++)
        if (env->results[k].status == SNX_ERUN) {
            snx_buf_printf(b, "%s%s (%s)", shown ? "; " : "", snx_run_name(name, (long)k),
                           env->results[k].error ? env->results[k].error : "?");
            shown++;
        }
    if (env->n_failed > shown)
        snx_buf_printf(b, "; and %zu more", env->n_failed - shown);
}

static int finish(snx_env *env, int rc, double t0)
{
    size_t n = env->n_results, not_run = n - env->n_completed - env->n_failed;
    double secs = env_now() - t0;
    char timing[160];
    snprintf(timing, sizeof timing, "%.2f s%s", secs,
             env->opts.single_process ? " in one process" : "");
    if (rc)
        return rc;
    if (env->interrupted) {
        const char *how = *env->filename ? "" : " (nothing was stored: no storage)";
        snx_log(SNX_LOG_WARNING,
                "interrupted by %s: %zu of %zu runs completed, %zu failed, %zu not run%s. "
                "To finish them, run the program again with snx_env_opts.resume = 1 (or "
                "SNX_RESUME=1) and trajectory \"%s\"%s%s",
                env_signal_name(env->interrupted), env->n_completed, n, env->n_failed, not_run,
                how, snx_traj_name(env->traj), *env->filename ? ", file " : "", env->filename);
        return snx_error(SNX_ESTATE,
                         "interrupted by %s: %zu of %zu runs completed; resume with "
                         "SNX_RESUME=%s", env_signal_name(env->interrupted),
                         env->n_completed, n, snx_traj_name(env->traj));
    }
    if (env->n_failed) {
        snx_buf b = { 0 };
        list_failures(env, &b, 5);
        snx_log(SNX_LOG_WARNING, "%zu runs: %zu completed, %zu FAILED, in %s; failed: %s", n,
                env->n_completed, env->n_failed, timing, b.data ? b.data : "");
        snx_error(SNX_ERUN, "%zu of %zu runs failed: %s", env->n_failed, n,
                  b.data ? b.data : "");
        snx_buf_free(&b);
        return SNX_ERUN;
    }
    snx_log(SNX_LOG_INFO, "%zu runs: all completed%s, in %s", n,
            env->n_earlier ? " (some in an earlier session)" : "", timing);
    return 0;
}

int snx_env_run(snx_env *env, snx_run_fn run, void *user_data)
{
    if (!run)
        return snx_error(SNX_EINVAL, "snx_env_run: no run function");
    if (env->ran)
        return snx_error(SNX_ESTATE, "snx_env_run: this environment has run already; make a "
                                     "new one (with resume to continue the trajectory)");
    env->ran = 1;
    double t0 = env_now();
    int rc = snx_traj_check_presets(env->traj);
    if (!rc)
        rc = add_environment_record(env);
    if (!rc)
        rc = store_trajectory(env);
    while (!rc) {
        rc = run_phase(env, run, user_data);
        if (rc || env->interrupted || !env->postproc)
            break;
        int expanded;
        rc = postprocess(env, &expanded);
        if (!expanded)
            break;
    }
    if (rc) { /* keep the first error's message through the final store */
        char msg[1024];
        int code = snx_errcode() ? snx_errcode() : rc;
        snprintf(msg, sizeof msg, "%s", snx_errmsg());
        add_end_time(env);
        store_trajectory(env);
        snx_log(SNX_LOG_ERROR, "%s", msg);
        return snx_error(code, "%s", msg);
    }
    rc = add_end_time(env);
    if (!rc)
        rc = store_trajectory(env);
    return finish(env, rc, t0);
}

int snx_env_pipeline(snx_env *env, snx_pipeline_fn pipeline, void *user_data)
{
    snx_pipeline p = { 0 };
    int rc = pipeline(env->traj, user_data, &p);
    if (rc)
        return snx_error_context("pipeline");
    if (!p.run)
        return snx_error(SNX_EINVAL, "pipeline: it gave no run function");
    if (p.postproc)
        snx_env_add_postproc(env, p.postproc, p.postproc_data);
    return snx_env_run(env, p.run, p.run_data);
}

int snx_env_run_one(snx_env *env, long idx, snx_run_fn run, void *user_data,
                    snx_value *result)
{
    snx_value ignored = snx_none();
    if (idx < 0 || (size_t)idx >= snx_traj_n_runs(env->traj))
        return snx_error(SNX_EINVAL, "run_one: no run %ld (the trajectory has %zu)", idx,
                         snx_traj_n_runs(env->traj));
    const snx_env_opts *o = &env->opts;
    int rc = forget_run(env->traj, idx);
    if (rc)
        return rc;
    env->run_one_result = result ? result : &ignored;
    *env->run_one_result = snx_none();
    env_exec x = { .env = env, .traj = env->traj, .run = run, .run_data = user_data,
                   .todo = &idx, .n_todo = 1, .n_workers = 1, .run_timeout = o->run_timeout,
                   .grace_period = o->grace_period, .master_seed = o->seed,
                   .on_report = on_report_keep, .before_fork = close_storage };
    if (o->single_process) {
        if (o->restore && env->ran)
            rc = o->restore(o->restore_data);
        if (!rc)
            rc = env_exec_single(&x, NULL, NULL);
    } else {
        rc = env_exec_pool(&x);
    }
    snx_value_clear(&ignored);
    env->run_one_result = NULL;
    return rc;
}
