/* The Environment's default storage backend: HDF5 (snx_env_storage, explore/env.h).
 *
 * explore/ defines the backend interface and knows no HDF5; this file implements it
 * and registers it as the Environment's default when the program starts. */
#include "hdf5_internal.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "snex/env.h"
#include "snex/error.h"
#include "snex/storage.h"

static snx_hdf5_opts env_hdf5_opts(const snx_env_opts *opts)
{
    /* The two option sets read alike: zero is the default, negative is none. */
    if (!opts)
        return (snx_hdf5_opts){ 0 };
    return (snx_hdf5_opts){ .overwrite_file = opts->overwrite,
                            .complevel = opts->compression,
                            .no_fletcher32 = opts->no_fletcher32,
                            .commit_interval = opts->commit_interval };
}

/* Whether the file exists and holds trajectory `name`: 1, 0, or a negative error
 * (a file that is not a readable snex file). */
static int file_holds(const char *filename, const char *name)
{
    struct stat st;
    if (stat(filename, &st) != 0)
        return 0;
    char **names = NULL;
    long n = snx_hdf5_list(filename, &names);
    if (n < 0)
        return (int)n;
    int found = 0;
    for (long k = 0; k < n; k++)
        found |= strcmp(names[k], name) == 0;
    snx_hdf5_names_free(names, n);
    return found;
}

/* A new trajectory: refused at once (not at the first store, after the user built
 * everything) when the file already holds one of that name and is not replaced. */
static int env_attach(snx_traj *traj, const char *filename, const snx_env_opts *opts)
{
    snx_hdf5_opts h = env_hdf5_opts(opts);
    if (!h.overwrite_file && !snx_traj_is_stored(traj)) {
        int held = file_holds(filename, snx_traj_name(traj));
        if (held < 0)
            return held;
        if (held)
            return snx_error(SNX_EEXIST,
                             "%s already holds a trajectory \"%s\": continue it with "
                             "resume, replace the file with overwrite, or choose another "
                             "name (add_time appends the time)", filename,
                             snx_traj_name(traj));
    }
    return snx_hdf5_attach(traj, filename, &h);
}

/* For resume: parameters, config and derived parameters with their data (runs read
 * them), the run information that says which runs are completed, and the runs'
 * return values (for post-processing); other results not at all (they stay in the
 * file; memory stays bounded). */
static snx_traj *env_load(const char *filename, const char *name, const snx_env_opts *opts)
{
    /* A file without this trajectory: a fresh one goes into it. */
    int held = file_holds(filename, name);
    if (held < 0)
        return NULL;
    if (!held) {
        snx_error(SNX_ENODATA, "%s holds no trajectory \"%s\"", filename, name);
        return NULL;
    }
    snx_load_opts lo = snx_load_defaults();
    lo.name = name;
    lo.parameters = SNX_LOAD_DATA;
    lo.derived = SNX_LOAD_DATA;
    lo.results = SNX_LOAD_NOTHING;
    snx_traj *traj = snx_hdf5_load(filename, &lo);
    /* The file's compression settings stay; the commit interval is this session's. */
    if (traj && (snx_hdf5_set_commit_interval(traj, env_hdf5_opts(opts).commit_interval) ||
                 snx_hdf5_load_from_runs(traj, SNX_ENV_RETURN) < 0)) {
        snx_traj_free(traj);
        return NULL;
    }
    return traj;
}

static const char *env_version(void)
{
    static char text[48];
    unsigned maj = 0, min = 0, rel = 0;
    H5get_libversion(&maj, &min, &rel);
    snprintf(text, sizeof text, "libhdf5 %u.%u.%u", maj, min, rel);
    return text;
}

const snx_env_storage snx_env_hdf5_storage = {
    .name = "hdf5",
    .attach = env_attach,
    .load = env_load,
    .close = snx_hdf5_close,
    .version = env_version,
    .path = snx_hdf5_path,
};

/* Why a constructor. The Environment's documented default is "HDF5 when linked":
 * snx_env_new(&(snx_env_opts){ .trajectory = "x" }) stores to hdf5/x.hdf5. For that,
 * explore/ would have to name this backend (so explore could not link without
 * libhdf5), or every program would have to register it by hand -- a line every
 * program needs and a forgotten one fails only at run time. Registration at load
 * time keeps the common program a one-liner and explore/ free of storage/; the
 * explicit path remains (snx_env_opts.storage, or snx_env_set_default_storage from
 * main, which runs after this and so wins). libsnex.a is one prelinked object
 * (Makefile) so that this file comes with any use of the static library, as it
 * does with libsnex.so. */
__attribute__((constructor)) static void env_register_hdf5(void)
{
    snx_env_set_default_storage(&snx_env_hdf5_storage);
}
