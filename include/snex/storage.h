/* HDF5 storage of trajectories: the storage service behind snx_traj_store,
 * snx_traj_load and friends, plus loading a trajectory from a file and listing the
 * trajectories a file holds.
 *
 *     snx_traj *traj = snx_traj_new("Multiplication", NULL);
 *     snx_hdf5_attach(traj, "hdf5/example.hdf5", NULL);  // NULL: hdf5/<name>.hdf5
 *     ... add parameters, explore ...
 *     snx_traj_store(traj, NULL);
 *     for each run i: snx_traj_begin_run(traj, i); add results;
 *                     snx_traj_store_run(traj, i); snx_traj_end_run(traj);
 *     snx_traj_free(traj);                            // commits and closes the file
 *
 *     snx_load_opts lo = snx_load_defaults();           // the last trajectory
 *     lo.results = SNX_LOAD_DATA;
 *     snx_traj *again = snx_hdf5_load("hdf5/example.hdf5", &lo);
 *
 * One file holds any number of trajectories (/<name>/...), readable with h5py or
 * HDFView; docs/FORMAT.md describes the layout. Writes become durable at commits,
 * which are atomic: a writer killed at any moment leaves the file as of its last
 * commit. Every operation commits when it ends, except storing runs, which commits
 * at most every `commit_interval` seconds (and at snx_hdf5_flush, snx_hdf5_close,
 * snx_traj_free and any other operation). */
#ifndef SNEX_STORAGE_H
#define SNEX_STORAGE_H

#include "snex/api.h"

#include "snex/env.h"
#include "snex/service.h"
#include "snex/traj.h"

/* The version of the file layout written; files of a newer version are refused
 * (SNX_EVERSION) unless loaded with force. */
#define SNX_HDF5_FORMAT_VERSION 1

/* Zero means the default for every field (as snx_env_opts, whose compression and
 * commit_interval read the same). */
typedef struct snx_hdf5_opts {
    bool overwrite_file;    /* replace an existing file at the first write (default:
                               add to it; other trajectories stay) */
    int complevel;          /* zlib level 1-9 for arrays, tables and columns;
                               0: the default (4); -1: no compression */
    bool no_shuffle;        /* no byte shuffle before zlib (default: shuffle) */
    bool no_fletcher32;     /* no checksums (default: HDF5's fletcher32 filter on every
                               chunk of a chunked dataset, so that a damaged chunk is an
                               error when read, not changed data; it costs well under
                               1 % of a sweep, docs/PERFORMANCE.md) */
    bool keep_open;         /* keep the file open between operations */
    bool durable;           /* fsync at every commit: survive power loss too */
    double commit_interval; /* while storing runs, seconds between commits; 0: the
                               default (1 s); negative: after every run */
} snx_hdf5_opts;

/* Attaches an HDF5 storage service to the trajectory (replacing any other).
 * filename NULL gives "hdf5/<trajectory name>.hdf5"; a name ending in '/' is a
 * folder for "<trajectory name>.hdf5". Folders are created at the first write.
 * opts NULL = all defaults. SNX_EINVAL for a complevel outside -1..9.
 * Nothing is opened yet. */
SNX_API int snx_hdf5_attach(snx_traj *traj, const char *filename, const snx_hdf5_opts *opts);
/* The file snx_hdf5_attach uses for `filename` (as above: NULL gives
 * "hdf5/<traj_name>.hdf5", "dir/" gives "dir/<traj_name>.hdf5", anything else is
 * the file itself). Caller frees; NULL when out of memory. */
SNX_API char *snx_hdf5_path(const char *filename, const char *traj_name);

/* A new trajectory loaded from the file (opts NULL = snx_load_defaults(): the last
 * trajectory of the file), with an HDF5 service attached that uses the file's
 * compression settings. NULL with the error set on failure. */
SNX_API snx_traj *snx_hdf5_load(const char *filename, const snx_load_opts *opts);

/* The names of the trajectories in the file, oldest first. *names is malloc'ed
 * (free with snx_hdf5_names_free). Returns the count or a negative error. */
SNX_API long snx_hdf5_list(const char *filename, char ***names);
SNX_API void snx_hdf5_names_free(char **names, long n);

/* Loads results.runs.run_X.<name> of every run from the file, at once: a leaf of
 * one run's own results, named by its path below the run group ("z",
 * "return_value", "statistics.mean_fano_factor"). Returns how many runs had it, or a
 * negative error. */
SNX_API long snx_hdf5_load_from_runs(snx_traj *traj, const char *name);
/* Changes how often storing runs commits (as snx_hdf5_opts.commit_interval: 0 the
 * default, negative after every run), e.g. for a trajectory snx_hdf5_load attached. */
SNX_API int snx_hdf5_set_commit_interval(snx_traj *traj, double seconds);
/* Commits what was stored so far (runs included). */
SNX_API int snx_hdf5_flush(snx_traj *traj);
/* Commits and closes the file; the service stays attached and reopens on demand. */
SNX_API int snx_hdf5_close(snx_traj *traj);
/* The file of the trajectory's HDF5 service, or NULL (SNX_ENOSERVICE). */
SNX_API const char *snx_hdf5_filename(const snx_traj *traj);

/* The Environment's backend for HDF5 files: snx_env_opts.filename goes through
 * snx_hdf5_path, .overwrite replaces the file, .compression sets the zlib level
 * (-1: none), .no_fletcher32 turns the checksums off, and resume loads parameters
 * and run information but no results. Registered as the Environment's default
 * (snx_env_set_default_storage) when the program starts, in every program linked
 * with libsnex. */
SNX_API extern const snx_env_storage snx_env_hdf5_storage;

#endif
