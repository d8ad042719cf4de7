/* The Environment: runs a C function once per parameter combination of a
 * trajectory, on every core, and loses nothing (pypet's Environment).
 *
 *     snx_env *env = snx_env_new(&(snx_env_opts){ .trajectory = "sweep", .seed = 42 });
 *     snx_traj *traj = snx_env_traj(env);
 *     if (!snx_env_resuming(env)) { add parameters; explore; }
 *     build what every run needs (networks, tables) -- every run starts from it;
 *     snx_env_add_postproc(env, postproc, NULL);            // optional
 *     int rc = snx_env_run(env, run, &my_data);             // 0, SNX_ERUN, ...
 *     snx_env_free(env);                                     // closes file and logs
 *
 * Process model. The parent process never runs a run. snx_env_run forks worker
 * processes (after all pre-processing); a worker forks one child per run, so every
 * run starts from the parent's state at snx_env_run, whatever ran before it, and a
 * run that crashes, aborts, exits or hangs takes only itself down. (With
 * opts.stateless a worker reuses one run process instead; see there.) The child sends
 * what the run added to the trajectory (results, derived parameters, its run
 * information and return value) in a compact binary message; the parent is the only
 * process that touches the storage file: it stores each run as it arrives and frees
 * it again, so memory stays bounded however many runs there are.
 *
 * Runs and seeds. A run function is called with the trajectory set to its run
 * (snx_traj_begin_run), reads parameters, adds results (below results.runs.run_X,
 * or where a `$` wildcard says) and may hand back a small value for
 * post-processing. Its random seed is snx_env_run_seed(traj) = snx_env_seed(master
 * seed, run index), stored with the run, so a sweep gives identical stored results
 * for any number of workers and a single run can be re-executed alone
 * (snx_env_run_one).
 *
 * Storage. By default the trajectory goes through the default storage backend:
 * HDF5 in hdf5/<trajectory>.hdf5, which storage/ registers in every program linked
 * with libsnex (snx_env_set_default_storage). snx_env_opts.storage selects another
 * one, or SNX_ENV_NO_STORAGE keeps everything in memory (run data then stays in the
 * tree).
 *
 * Interruption and resume. SIGINT/SIGTERM stop dispatching, let running runs finish
 * within a grace period, store what completed and say how to resume; a second
 * signal kills the running runs at once. After any interruption (even kill -9 of the
 * parent) the same program run with resume (opts.resume or SNX_RESUME=1 in the
 * process environment) loads the trajectory from the file and runs only the runs not
 * marked completed there. */
#ifndef SNEX_ENV_H
#define SNEX_ENV_H

#include "snex/api.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snex/service.h"
#include "snex/traj.h"
#include "snex/value.h"

typedef struct snx_env snx_env;

/* ---- logging ---------------------------------------------------------------- */
/* Levels as in Python's logging. Lines go to stderr and to the log file
 * <log_folder>/<trajectory>.log; lines written during a run carry the run's name. */
typedef enum snx_log_level {
    SNX_LOG_DEFAULT = 0, /* in options: INFO */
    SNX_LOG_DEBUG = 10,
    SNX_LOG_INFO = 20,
    SNX_LOG_WARNING = 30,
    SNX_LOG_ERROR = 40,
    SNX_LOG_OFF = 100,
} snx_log_level;

/* Writes one line (printf-style) at `level` to stderr and the log file, when the
 * level is enabled; inside a run the line carries the run's name. Never fails. */
SNX_API void snx_log(snx_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Whether a line of this level would be written anywhere. */
SNX_API bool snx_log_enabled(snx_log_level level);

/* ---- storage backends ------------------------------------------------------- */
struct snx_env_opts;

/* How the environment creates and reopens its storage. storage/ provides HDF5;
 * tests provide in-memory ones. */
typedef struct snx_env_storage {
    const char *name; /* recorded in config.environment */
    /* Attach a storage service writing `filename` to a new trajectory. */
    int (*attach)(snx_traj *traj, const char *filename, const struct snx_env_opts *opts);
    /* For resume: trajectory `name` loaded from `filename` (parameters with data,
     * run information, and the runs' SNX_ENV_RETURN results) with a service attached; NULL with SNX_ENODATA when the file
     * or the trajectory does not exist, so that a new one is made (any other error,
     * such as a corrupt file, ends snx_env_new). */
    snx_traj *(*load)(const char *filename, const char *name, const struct snx_env_opts *opts);
    /* Commit and release the file (worker processes are forked only while the file
     * is closed, so that nothing of the writer's file state lives in them). May be
     * NULL. */
    int (*close)(snx_traj *traj);
    /* Version text of the library behind it, for the environment record (may be NULL). */
    const char *(*version)(void);
    /* The file for snx_env_opts.filename (NULL: the backend's default place) and the
     * trajectory's name; caller frees, NULL when out of memory. May be NULL: the
     * file is then opts.filename as given ("" when NULL). */
    char *(*path)(const char *filename, const char *traj_name);
} snx_env_storage;

/* The backend of environments whose options name none. storage/ registers HDF5
 * (snx_env_hdf5_storage) when a program linked with libsnex starts; a program may
 * register another (NULL: none, so that every environment must name its own).
 * Not thread-safe: call it before creating environments. */
SNX_API void snx_env_set_default_storage(const snx_env_storage *storage);
/* The registered default backend, or NULL when none is. */
SNX_API const snx_env_storage *snx_env_default_storage(void);

/* Keep everything in memory: nothing is written, run data stays in the tree. */
SNX_API extern const snx_env_storage snx_env_no_storage;
#define SNX_ENV_NO_STORAGE (&snx_env_no_storage)

/* ---- options ---------------------------------------------------------------- */
typedef enum snx_progress {
    SNX_PROGRESS_AUTO = 0, /* a bar when stderr is a terminal, else log lines */
    SNX_PROGRESS_OFF,
    SNX_PROGRESS_BAR,
    SNX_PROGRESS_LOG, /* an INFO line every 10 % and at most every 10 s */
} snx_progress;

#define SNX_ENV_NO_LIMIT SIZE_MAX /* snx_env_opts.run_memory: no limit */

/* Zero means the default for every field, so designated initializers read well. */
typedef struct snx_env_opts {
    /* the trajectory */
    const char *trajectory; /* name of a new trajectory ("trajectory") */
    snx_traj *traj;         /* or adopt this one (stays the caller's; its storage
                               service is used when it has one) */
    bool add_time;          /* append _%Y_%m_%d_%Hh%Mm%Ss to a new trajectory's name */
    const char *comment;    /* of a new trajectory */

    /* storage */
    const snx_env_storage *storage; /* NULL: snx_env_default_storage() (HDF5 when
                               storage/ is linked; SNX_ENOSERVICE when none) */
    const char *filename;   /* NULL: the backend's default (HDF5: hdf5/<trajectory>.hdf5);
                               "dir/" puts it in dir */
    bool overwrite;         /* replace an existing file */
    int compression;        /* 0: the backend's default; 1-9: zlib level; -1: none */
    bool no_fletcher32;     /* HDF5: no checksums (default: fletcher32 on every chunk;
                               snx_hdf5_opts) */
    bool resume;            /* continue the trajectory stored in the file, if any
                               (add_time is then ignored); also SNX_RESUME=1 */
    double commit_interval; /* seconds between commits of stored runs (0: the
                               backend's default, 1 s for HDF5; negative: after every
                               run; NaN or infinite: SNX_EINVAL). A killed writer loses
                               at most the runs stored since the last commit; resume
                               runs them again. */

    /* runs */
    size_t n_workers;       /* worker processes; 0 = one per core (at most 4096).
                               Under mpirun: per rank, 0 = one per CPU the rank may
                               run on (its binding) */
    double run_timeout;     /* seconds; a longer run is killed and failed (0 = none:
                               simulations legitimately run for days, and a default
                               would kill them; NaN, infinite or negative: SNX_EINVAL) */
    double grace_period;    /* seconds running runs may finish after SIGINT/SIGTERM
                               (0 = 10 s; negative = kill at once; NaN: SNX_EINVAL) */
    size_t run_memory;      /* bytes of address space each run process may use
                               (RLIMIT_AS, set in the run process): beyond it an
                               allocation fails and so does the run, alone, instead of
                               the machine swapping or the kernel killing at random.
                               0: the machine's physical memory (none in builds with
                               AddressSanitizer, which reserves terabytes);
                               SNX_ENV_NO_LIMIT: none. Not in single-process mode. */
    uint64_t seed;          /* the master seed */
    double rank_timeout;    /* MPI sweeps (docs/CLUSTER.md): seconds of silence after
                               which a rank is given up (its runs in flight run
                               elsewhere) or, on a worker rank, rank 0 (0 = 10 s; NaN,
                               infinite or negative: SNX_EINVAL) */

    /* single-process mode (no fork; for debuggers): runs execute one after the
     * other in the calling process. The environment restores the trajectory after
     * every run; state outside it must be restored by `restore` (called before every
     * run but the first), or declared untouched by runs with `stateless`. A crash
     * ends the process; per-run timeouts are refused. */
    bool single_process;
    int (*restore)(void *restore_data);
    void *restore_data;
    /* Runs change nothing outside the trajectory (pypet's use_pool). With workers,
     * each worker then reuses one run process for run after run, putting the
     * trajectory back after each, instead of forking a fresh copy of the parent per
     * run: ~20 µs per run instead of ~300 µs (docs/PERFORMANCE.md, env_trivial). A
     * run that crashes or times out still fails alone; its process is replaced.
     * Leave it false for runs that change pre-built state (a network they simulate). */
    bool stateless;

    /* reporting */
    snx_log_level log_level; /* for stderr and the log file (INFO) */
    const char *log_folder;  /* NULL: "logs"; "": no log file */
    snx_progress progress;
} snx_env_opts;

/* ---- the environment -------------------------------------------------------- */
/* A new environment with a new (or adopted, or with resume loaded) trajectory and
 * its storage. opts may be NULL. NULL on error (snx_errmsg()): among others
 * SNX_EINVAL for options out of range, SNX_EIO when the folder of the storage file or
 * of the log cannot be written (refused here, before anything runs). */
SNX_API snx_env *snx_env_new(const snx_env_opts *opts);
/* Ends logging to the file, frees the trajectory unless it was adopted (which
 * releases the storage file) and everything else. */
SNX_API void snx_env_free(snx_env *env);

/* The environment's trajectory (owned by the environment unless adopted). */
SNX_API snx_traj *snx_env_traj(snx_env *env);
/* Whether resume found the trajectory in the file: its parameters, exploration and
 * run information are loaded; do not add them again. */
SNX_API bool snx_env_resuming(const snx_env *env);
/* "environment_<hexsha7>_<time>", the name of this environment's record in
 * config.environment, and its hex digest (short form in every run's information). */
SNX_API const char *snx_env_name(const snx_env *env);
SNX_API const char *snx_env_hexsha(const snx_env *env);
/* The storage file ("" without storage) and the log file ("" when none). */
SNX_API const char *snx_env_filename(const snx_env *env);
SNX_API const char *snx_env_log_path(const snx_env *env);

/* ---- running ----------------------------------------------------------------- */
/* A run: reads parameters from traj (set to the run), adds results, and may put a
 * small value (a number, a short array...) into *result (initially NONE; consumed).
 * Returns 0, or a negative SNX_E code with snx_errmsg() set: the run is then
 * recorded as failed and what it added is not stored. A failed read through the
 * trajectory's convenience getters (snx_traj_status) also fails the run. */
typedef int (*snx_run_fn)(snx_traj *traj, void *user_data, snx_value *result);

/* A run's return value (when it gave one) is also stored, as the result
 * results.runs.run_XXXXXXXX.return_value, so that post-processing after a resume
 * sees the values of runs completed in earlier sessions too. */
#define SNX_ENV_RETURN "return_value"

/* What a run gave back, in run order. */
typedef struct snx_run_result {
    long idx;
    int status;       /* 0: completed; SNX_ERUN: failed; SNX_ENODATA: not run (yet) */
    bool earlier;     /* completed in an earlier session (resume); value is the
                         stored return value (SNX_ENV_RETURN) */
    snx_value value;  /* the run's return value (NONE if it gave none) */
    const char *error;/* why it failed, or NULL */
} snx_run_result;

/* Called after all runs with the results of every run so far (in run order). It
 * may add results, and may expand the trajectory (snx_traj_expand): then only the
 * new runs run, and post-processing is called again. Returns 0 or an error (which
 * ends snx_env_run with it). */
typedef int (*snx_postproc_fn)(snx_traj *traj, const snx_run_result *results, size_t n,
                               void *user_data);
/* Adds a post-processing function (called in the order added); 0 or SNX_ENOMEM. */
SNX_API int snx_env_add_postproc(snx_env *env, snx_postproc_fn postproc, void *user_data);

/* Runs every run not yet completed, stores each as it arrives, post-processes, and
 * stores the trajectory. Returns 0 when every run completed; SNX_ERUN when some
 * failed (the others are stored; snx_errmsg() and the log list the failures);
 * SNX_ESTATE when interrupted by a signal (snx_env_interrupted); another code for
 * errors of the environment itself (storage, post-processing). */
SNX_API int snx_env_run(snx_env *env, snx_run_fn run, void *user_data);

/* The pipeline form: `pipeline` adds parameters and explores (skip that when the
 * trajectory was loaded for resume: snx_traj_is_stored) and fills in the run and
 * post-processing functions; then the runs run as with snx_env_run. */
typedef struct snx_pipeline {
    snx_run_fn run;
    void *run_data;
    snx_postproc_fn postproc; /* may be NULL */
    void *postproc_data;
} snx_pipeline;
typedef int (*snx_pipeline_fn)(snx_traj *traj, void *user_data, snx_pipeline *out);
/* Calls pipeline, then runs as snx_env_run with what it filled in (its error, or
 * SNX_EINVAL when it gave no run function, ends here). */
SNX_API int snx_env_pipeline(snx_env *env, snx_pipeline_fn pipeline, void *user_data);

/* Re-executes run idx alone (in a child process, or in-process in single-process
 * mode), with the same seed as in the sweep. What it adds is put into the
 * trajectory (not stored) below its run group; its return value goes to *result.
 * Returns the run's status. */
SNX_API int snx_env_run_one(snx_env *env, long idx, snx_run_fn run, void *user_data,
                    snx_value *result);

/* The results of every run so far, in run order (NULL before the first run). */
SNX_API const snx_run_result *snx_env_results(const snx_env *env, size_t *n);
SNX_API size_t snx_env_n_completed(const snx_env *env);
SNX_API size_t snx_env_n_failed(const snx_env *env);
/* The signal (SIGINT or SIGTERM) that stopped the last snx_env_run, or 0. */
SNX_API int snx_env_interrupted(const snx_env *env);
/* Whether this process is the sweep's writer: true, except on the worker ranks
 * (1..N-1) of an MPI sweep (docs/CLUSTER.md), whose snx_env_run runs runs for rank 0
 * and returns 0 with no results of its own. Report or analyse results where it is
 * true. */
SNX_API bool snx_env_writer(const snx_env *env);

/* ---- seeds ------------------------------------------------------------------- */
/* The seed of run idx: SplitMix64's output for the state master + (idx + 1) * gamma
 * (gamma = 0x9E3779B97F4A7C15), i.e. the (idx+1)-th number of a SplitMix64 stream
 * seeded with the master seed. */
SNX_API uint64_t snx_env_seed(uint64_t master, long idx);
/* The seed of the run the trajectory is set to (from its run information); 0
 * outside a run. */
SNX_API uint64_t snx_env_run_seed(const snx_traj *traj);

#endif
