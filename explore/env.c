/* The Environment: options, the trajectory and its storage, resume, run phases with
 * post-processing and expansion, the pipeline form, run_one. What the writer does
 * with each arriving run is in env_writer.c, the environment record in
 * env_record.c, the processes in env_pool.c, the message format in run_message.c. */
#include "env_internal.h"
#include "snex/error.h"
#include "snex/util.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifndef SNX_VERSION
#define SNX_VERSION "unknown"
#endif

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

/* Registered by the backend itself (storage/hdf5_env.c registers HDF5 when the
 * program starts), so that explore/ names no backend and links without one. */
static const snx_env_storage *default_storage;

void snx_env_set_default_storage(const snx_env_storage *storage) { default_storage = storage; }
const snx_env_storage *snx_env_default_storage(void) { return default_storage; }


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

/* The run processes' memory limit for opts.run_memory (0 = none): by default the
 * physical memory, so that a run that allocates without bound fails alone, before
 * the machine swaps or the kernel's OOM killer picks a process. Not under
 * AddressSanitizer, whose shadow memory alone exceeds any such limit. */
static size_t default_memory_limit(size_t run_memory)
{
    if (run_memory == SNX_ENV_NO_LIMIT)
        return 0;
    if (run_memory)
        return run_memory;
#if defined(__SANITIZE_ADDRESS__)
    return 0;
#else
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    return pages > 0 && size > 0 && (size_t)pages <= SIZE_MAX / (size_t)size
               ? (size_t)pages * (size_t)size : 0;
#endif
}

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
    if (env->opts.n_workers == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        env->opts.n_workers = n > 0 ? (size_t)n : 1;
    }
    env->storage = env->opts.storage ? env->opts.storage : default_storage;
    env->memory_limit = default_memory_limit(env->opts.run_memory);
    return 0;
}

static bool mpi_worker(const snx_env *env) { return env->mpi_size > 1 && env->mpi_rank > 0; }

/* Under mpirun: n_workers is per rank, by default one per CPU the rank may use (its
 * binding); a worker rank keeps its trajectory in memory and leaves the file, the
 * resume and the log file name to rank 0. */
static int join_mpi(snx_env *env, const snx_env_opts *opts)
{
    int rc = env_mpi_init(&env->mpi_rank, &env->mpi_size);
    if (rc || env->mpi_size < 2)
        return rc;
    if (!opts || !opts->n_workers)
        env->opts.n_workers = env_cpus_available();
    if (env->opts.single_process)
        return snx_error(SNX_EINVAL, "environment: single_process under mpirun (%d ranks): "
                                     "start the program without mpirun", env->mpi_size);
    if (mpi_worker(env)) {
        env->storage = &snx_env_no_storage;
        env->opts.resume = 0;
    }
    return 0;
}

static int check_opts(const snx_env_opts *o)
{
    if (o->compression < -1 || o->compression > 9)
        return snx_error(SNX_EINVAL, "environment: compression %d (0-9, or -1 for none)",
                         o->compression);
    if (o->n_workers > ENV_MAX_WORKERS)
        return snx_error(SNX_EINVAL, "environment: %zu worker processes (at most %d)",
                         o->n_workers, ENV_MAX_WORKERS);
    if (!(o->rank_timeout >= 0) || isinf(o->rank_timeout))
        return snx_error(SNX_EINVAL, "environment: rank timeout %g s (0 for 10 s, else a "
                                     "finite number of seconds)", o->rank_timeout);
    if (!(o->run_timeout >= 0) || isinf(o->run_timeout))
        return snx_error(SNX_EINVAL, "environment: run timeout %g s (0 for none, else a "
                                     "finite number of seconds)", o->run_timeout);
    if (isnan(o->commit_interval) || isinf(o->commit_interval))
        return snx_error(SNX_EINVAL, "environment: commit interval %g s (0 for the default, "
                                     "negative for after every run, else seconds)",
                         o->commit_interval);
    if (isnan(o->grace_period) || isinf(o->grace_period))
        return snx_error(SNX_EINVAL, "environment: grace period %g s (0 for 10 s, negative to "
                                     "kill at once, else seconds)", o->grace_period);
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
    if (env->storage->path)
        return env->storage->path(env->opts.filename, traj_name);
    return snx_strdup(env->opts.filename ? env->opts.filename : "");
}

uint64_t env_fnv1a(uint64_t h, const void *data, size_t n)
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
    h = env_fnv1a(h, tname, strlen(tname));
    h = env_fnv1a(h, &env->created, sizeof env->created);
    h = env_fnv1a(h, &pid, sizeof pid);
    h = env_fnv1a(h, SNX_VERSION, strlen(SNX_VERSION));
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

/* A resumed trajectory: what runs not completed left in the file (a run stored in
 * part before its storing failed) must not be in the tree when they run again. */
static int forget_unfinished_runs(snx_traj *traj)
{
    int rc = 0;
    for (size_t k = 0; !rc && k < snx_traj_n_runs(traj); k++)
        if (!snx_traj_is_completed(traj, (long)k))
            rc = env_forget_run(traj, (long)k);
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
        rc = join_mpi(env, opts);
    if (!rc && !env->storage)
        rc = snx_error(SNX_ENOSERVICE,
                       "environment: no storage backend: name one in snx_env_opts.storage "
                       "(SNX_ENV_NO_STORAGE keeps everything in memory), or link storage/, "
                       "which registers HDF5 as the default");
    if (!rc)
        rc = open_trajectory(env);
    if (!rc && snx_traj_has_storage(env->traj) && env->filename && *env->filename)
        rc = env_check_writable(env->filename);
    if (!rc && env->resuming)
        rc = check_resumed_seed(env);
    if (!rc && env->resuming)
        rc = forget_unfinished_runs(env->traj);
    if (!rc && !snx_traj_has_storage(env->traj)) {
        free(env->filename);
        env->filename = snx_strdup("");
    }
    char log_name[200]; /* a worker rank's log is its own: <trajectory>.rank<k>.log */
    snprintf(log_name, sizeof log_name, "%s", env->traj ? snx_traj_name(env->traj) : "");
    if (mpi_worker(env))
        snprintf(log_name + strlen(log_name), sizeof log_name - strlen(log_name), ".rank%d",
                 env->mpi_rank);
    if (!rc)
        rc = env_log_open(env->opts.log_level, env->opts.log_folder, log_name, &env->log_path);
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
    env_forget_refusals(env);
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
bool snx_env_resuming(const snx_env *env) { return env->resuming; }
const char *snx_env_name(const snx_env *env) { return env->name; }
const char *snx_env_hexsha(const snx_env *env) { return env->hexsha; }
const char *snx_env_filename(const snx_env *env) { return env->filename; }
const char *snx_env_log_path(const snx_env *env) { return env->log_path; }
size_t snx_env_n_completed(const snx_env *env) { return env->n_completed; }
size_t snx_env_n_failed(const snx_env *env) { return env->n_failed; }
int snx_env_interrupted(const snx_env *env) { return env->interrupted; }
bool snx_env_writer(const snx_env *env) { return !mpi_worker(env); }

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

static int run_mpi(snx_env *env, env_exec *x)
{
#ifdef SNX_HAVE_MPI
    return env->mpi_rank == 0 ? env_mpi_dispatch(x, env->mpi_size)
                              : env_mpi_serve(x, env->mpi_rank);
#else
    (void)x;
    return snx_error(SNX_ESTATE, "environment: %d MPI ranks, but snex was built without MPI",
                     env->mpi_size);
#endif
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
    bool mpi = env->mpi_size > 1;
    if (!n_todo && !mpi) { /* (over MPI the worker ranks wait to hear it) */
        free(todo);
        return 0;
    }
    const snx_env_opts *o = &env->opts;
    if (!mpi_worker(env))
        snx_log(SNX_LOG_INFO, "running %zu run%s%s", n_todo, n_todo == 1 ? "" : "s",
                o->single_process ? " in this process" : "");
    env_exec x = { .env = env, .traj = env->traj, .run = run, .run_data = data, .todo = todo,
                   .n_todo = n_todo, .n_workers = (int)o->n_workers, .run_timeout = o->run_timeout,
                   .grace_period = o->grace_period, .memory_limit = env->memory_limit,
                   .master_seed = o->seed, .reuse_process = o->stateless,
                   .under_mpi = mpi,
                   .on_report = env_on_report, .before_fork = env_close_storage };
    env->phase_done = env->phase_failed = 0;
    env->keep_run_data = !snx_traj_has_storage(env->traj);
    /* Pieces of streamed items go to a storage that takes them, from run processes
     * (in single-process mode a run keeps its items whole) */
    if (!env->keep_run_data && !o->single_process && snx_traj_storage_streams(env->traj))
        x.on_piece = env_on_piece;
    env_progress_start(&env->progress, mpi_worker(env) ? SNX_PROGRESS_OFF : o->progress, n_todo);
    rc = o->single_process ? env_exec_single(&x, o->restore, o->restore_data)
                           : mpi ? run_mpi(env, &x) : env_exec_pool(&x);
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
    if (!snx_traj_has_storage(env->traj) || mpi_worker(env))
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
    if (snx_traj_n_runs(env->traj) > before && env->mpi_size > 1)
        return snx_error(SNX_ESTATE, "post-processing expanded the trajectory to %zu runs: "
                                     "not in an MPI sweep (the worker ranks cannot see the "
                                     "new runs); expand before snx_env_run, or run the "
                                     "expansion without mpirun", snx_traj_n_runs(env->traj));
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
    if (mpi_worker(env)) /* what its runs gave is rank 0's to report */
        return rc ? rc : env->interrupted ? snx_error(SNX_ESTATE, "interrupted") : 0;
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
        rc = env_add_record(env);
    if (!rc)
        rc = store_trajectory(env);
    while (!rc) {
        rc = run_phase(env, run, user_data);
        if (rc || env->interrupted || !env->postproc || mpi_worker(env))
            break; /* post-processing is rank 0's: it has the results */
        int expanded;
        rc = postprocess(env, &expanded);
        if (!expanded)
            break;
    }
    if (rc) { /* keep the first error's message through the final store */
        char msg[1024];
        int code = snx_errcode() ? snx_errcode() : rc;
        snprintf(msg, sizeof msg, "%s", snx_errmsg());
        env_add_end_time(env);
        store_trajectory(env);
        snx_log(SNX_LOG_ERROR, "%s", msg);
        return snx_error(code, "%s", msg);
    }
    rc = env_add_end_time(env);
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
    int rc = env_forget_run(env->traj, idx);
    if (rc)
        return rc;
    env->run_one_result = result ? result : &ignored;
    *env->run_one_result = snx_none();
    env_exec x = { .env = env, .traj = env->traj, .run = run, .run_data = user_data,
                   .todo = &idx, .n_todo = 1, .n_workers = 1, .run_timeout = o->run_timeout,
                   .grace_period = o->grace_period, .memory_limit = env->memory_limit,
                   .master_seed = o->seed,
                   .on_report = env_on_report_keep, .before_fork = env_close_storage };
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
