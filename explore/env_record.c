/* The environment record, config.environment.<name>: who ran the sweep, with what
 * (versions of snex, the storage library, GSL, the compiler), where (host, git
 * commit), how (workers, timeout, master seed) and when. */
#define _GNU_SOURCE /* gethostname */
#include "env_internal.h"
#include "snex/error.h"
#include "snex/util.h"

/* GSL's version macro only: explore/ does not link GSL (make check-layers). */
#include <gsl/gsl_version.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifndef SNX_VERSION
#define SNX_VERSION "unknown"
#endif

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

int env_add_record(snx_env *env)
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
             add_record(env, "gsl_version", snx_str(GSL_VERSION),
                        "the GSL (random numbers of sim/) snex was built with") ||
             add_record(env, "compiler", snx_str(__VERSION__), NULL) ||
             add_record(env, "host", snx_str(host), NULL) ||
             add_record(env, "n_workers", snx_int(o->single_process ? 0 : (int64_t)o->n_workers),
                        "worker processes (0: single-process mode)") ||
             add_record(env, "timeout_per_run", snx_double(o->run_timeout), "seconds (0: none)") ||
             add_record(env, "memory_per_run", snx_int((int64_t)env->memory_limit),
                        "bytes of address space of a run process (0: none)") ||
             add_record(env, "master_seed", snx_int((int64_t)o->seed),
                        "run seeds are snx_env_seed(master_seed, run index)") ||
             add_record(env, "resumed", snx_bool(env->resuming), NULL) ||
             (commit && add_record(env, "git_commit", snx_str(commit),
                                   "HEAD of the git repository of the working directory"));
    free(commit);
    return rc ? snx_error_context("environment record") : 0;
}

int env_add_end_time(snx_env *env)
{
    char when[40];
    time_text(env_now(), when, sizeof when);
    return add_record(env, "end_time", snx_str(when), "end of the runs (local time)");
}
