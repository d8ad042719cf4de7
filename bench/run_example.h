/* Benchmarks that time an example program as a user runs it: the program is found
 * beside the benchmark (build/bench/bench_x -> build/examples/<dir>/<prog>), runs in
 * a folder with OMP_NUM_THREADS=1, and a failing run fails the benchmark (exit 1).
 * Used by bench_clusternet.c and bench_vogels_abbott.c. */
#ifndef SNEX_BENCH_RUN_EXAMPLE_H
#define SNEX_BENCH_RUN_EXAMPLE_H

#define _DEFAULT_SOURCE /* wait4; this header comes first in its benchmarks */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct bench_run {
    double seconds;     /* wall time from fork to exit */
    long max_rss_kib;   /* peak resident set of the program and of the processes it
                           waited for (its workers): wait4's ru_maxrss */
    char out[8192];     /* the start of its standard output, NUL-terminated */
} bench_run;

static double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* path = <folder of this program>/../examples/<dir>/<prog>; exits if it is missing. */
static void bench_find_example(const char *me, const char *dir, const char *prog, char *path,
                               size_t len)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) {
        fprintf(stderr, "%s: /proc/self/exe: cannot read the link\n", me);
        exit(1);
    }
    self[n] = '\0';
    *strrchr(self, '/') = '\0';
    snprintf(path, len, "%s/../examples/%s/%s", self, dir, prog);
    if (access(path, X_OK)) {
        fprintf(stderr, "%s: %s is missing (make all)\n", me, path);
        exit(1);
    }
}

/* Runs args[0] with args in folder, standard error discarded, standard output kept
 * (its first sizeof r->out - 1 bytes). */
static void bench_run_example(const char *me, const char *folder, char *const args[], bench_run *r)
{
    int fd[2];
    if (pipe(fd)) {
        perror(me);
        exit(1);
    }
    double t0 = bench_now();
    pid_t pid = fork();
    if (pid == 0) {
        close(fd[0]);
        if (chdir(folder) || dup2(fd[1], STDOUT_FILENO) < 0 ||
            !freopen("/dev/null", "w", stderr) || close(fd[1]))
            _exit(127);
        setenv("OMP_NUM_THREADS", "1", 1);
        execv(args[0], args);
        _exit(127);
    }
    close(fd[1]);
    size_t len = 0;
    ssize_t got;
    char sink[4096];
    /* Read to the end (a full pipe would block the program); keep the start. */
    while ((got = read(fd[0], len + 1 < sizeof r->out ? r->out + len : sink,
                       len + 1 < sizeof r->out ? sizeof r->out - 1 - len : sizeof sink)) > 0)
        len += len + 1 < sizeof r->out ? (size_t)got : 0;
    close(fd[0]);
    r->out[len] = '\0';
    int status = 0;
    struct rusage ru;
    if (pid < 0 || wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
        fprintf(stderr, "%s: %s failed (status %d)\n%s", me, args[0], status, r->out);
        exit(1);
    }
    r->seconds = bench_now() - t0;
    r->max_rss_kib = ru.ru_maxrss;
}

#endif
