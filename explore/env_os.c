/* What the Environment's files need of the operating system beyond plain calls:
 * clocks, signal handlers, signal names, threads and CPUs. Its own file so that
 * env.c, env_log.c, env_pool.c, env_worker.c and env_mpi.c share it without reaching
 * into each other. */
#define _GNU_SOURCE /* sched_getaffinity */
#include "env_internal.h"

#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "snex/error.h"
#include "snex/util.h"

double env_mono_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

double env_now(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (double)tv.tv_sec + (double)tv.tv_usec * 1e-6;
}

const char *env_signal_name(int sig)
{
    static const struct { int sig; const char *name; } names[] = {
        { SIGSEGV, "SIGSEGV" }, { SIGABRT, "SIGABRT" }, { SIGBUS, "SIGBUS" },
        { SIGFPE, "SIGFPE" },   { SIGILL, "SIGILL" },   { SIGKILL, "SIGKILL" },
        { SIGTERM, "SIGTERM" }, { SIGINT, "SIGINT" },   { SIGHUP, "SIGHUP" },
        { SIGPIPE, "SIGPIPE" }, { SIGQUIT, "SIGQUIT" }, { SIGTRAP, "SIGTRAP" },
        { SIGUSR1, "SIGUSR1" }, { SIGUSR2, "SIGUSR2" }, { SIGALRM, "SIGALRM" },
        { SIGXCPU, "SIGXCPU" }, { SIGXFSZ, "SIGXFSZ" }, { SIGSYS, "SIGSYS" },
    };
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
        if (names[k].sig == sig)
            return names[k].name;
    return "signal";
}

void env_set_handler(int sig, void (*handler)(int), int flags, struct sigaction *old)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, old);
}

/* Makes every missing folder of `path` (mkdir -p). */
int env_make_folders(const char *path)
{
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return snx_error(SNX_EINVAL, "folder name too long: %s", path);
    for (char *p = buf + 1; ; p++) {
        if (*p == '/' || *p == '\0') {
            char c = *p;
            *p = '\0';
            if (mkdir(buf, 0777) && errno != EEXIST)
                return snx_error(SNX_EIO, "cannot create folder \"%s\": %s", buf, strerror(errno));
            *p = c;
            if (!c)
                break;
        }
    }
    return 0;
}

/* Creates a file in path's folder (made if missing) and removes it again, and opens
 * an existing file at path for writing: a storage file that cannot be written is
 * refused when the environment is made, not after hours of runs. */
int env_check_writable(const char *path)
{
    char *dir = snx_strdup(path);
    if (!dir)
        return SNX_ENOMEM;
    char *slash = strrchr(dir, '/');
    if (slash)
        slash[slash == dir ? 1 : 0] = '\0';
    const char *folder = slash ? dir : ".";
    int rc = slash ? env_make_folders(folder) : 0;
    snx_buf probe = { 0 };
    if (!rc && snx_buf_printf(&probe, "%s/.snx_write_test_XXXXXX", folder))
        rc = SNX_ENOMEM;
    int fd = rc ? -1 : mkstemp(probe.data);
    if (!rc && fd < 0)
        rc = snx_error(SNX_EIO, "cannot write in folder \"%s\" (for %s): %s", folder, path,
                       strerror(errno));
    if (fd >= 0) {
        close(fd);
        unlink(probe.data);
    }
    if (!rc && (fd = open(path, O_WRONLY | O_CLOEXEC)) >= 0)
        close(fd);
    else if (!rc && errno != ENOENT)
        rc = snx_error(SNX_EIO, "cannot write %s: %s", path, strerror(errno));
    snx_buf_free(&probe);
    free(dir);
    return rc;
}

int env_threads_in_process(void)
{
    DIR *d = opendir("/proc/self/task");
    if (!d)
        return 1;
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += e->d_name[0] != '.';
    closedir(d);
    return n > 0 ? n : 1;
}

size_t env_cpus_available(void)
{
#ifdef __linux__
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        return (size_t)CPU_COUNT(&set);
#endif
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (size_t)n : 1;
}
