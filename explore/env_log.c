/* Logging and progress. One process-wide logger: lines of a level at or above the
 * configured one go to stderr and to the log file (opened O_APPEND, so the run
 * children forked later share it and every line lands whole: each line is one
 * write()). Lines written while a run executes carry the run's name as a tag.
 *
 *   2024-05-01 12:00:03.512 INFO    run_00000007 rate 12.5 Hz
 *
 * Progress: a bar with ETA redrawn on stderr when it is a terminal, otherwise a
 * plain INFO line at every 10 % (and at most every 10 s in between). */
#include "env_internal.h"
#include "snex/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static struct {
    int level;    /* 0 = not configured: WARNING and above to stderr */
    int fd;       /* log file or -1 */
    int to_stderr;
    char tag[SNX_RUN_NAME_BUF];
    int bar_on_stderr; /* a progress bar is drawn: clear it before writing */
} g_log = { 0, -1, 1, "", 0 };

static const char *level_name(snx_log_level level)
{
    return level >= SNX_LOG_ERROR     ? "ERROR"
           : level >= SNX_LOG_WARNING ? "WARNING"
           : level >= SNX_LOG_INFO    ? "INFO"
                                      : "DEBUG";
}

bool snx_log_enabled(snx_log_level level)
{
    int min = g_log.level ? g_log.level : SNX_LOG_WARNING;
    return (int)level >= min && min < SNX_LOG_OFF && (g_log.to_stderr || g_log.fd >= 0);
}

int env_log_open(snx_log_level level, const char *folder, const char *traj_name,
                 char **path_out)
{
    env_log_close();
    g_log.level = level ? level : SNX_LOG_INFO;
    g_log.to_stderr = 1;
    *path_out = NULL;
    if (!folder || !*folder || g_log.level >= SNX_LOG_OFF)
        return 0;
    snx_buf path = { 0 };
    snx_buf_printf(&path, "%s/%s.log", folder, traj_name);
    char *p = snx_buf_take(&path);
    if (!p)
        return SNX_ENOMEM;
    int rc = env_make_folders(folder);
    if (!rc) {
        g_log.fd = open(p, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
        if (g_log.fd < 0)
            rc = snx_error(SNX_EIO, "cannot open log file \"%s\": %s", p, strerror(errno));
    }
    if (rc) {
        free(p);
        return rc;
    }
    *path_out = p;
    return 0;
}

void env_log_close(void)
{
    if (g_log.fd >= 0)
        close(g_log.fd);
    g_log.fd = -1;
    g_log.level = 0;
    g_log.tag[0] = '\0';
}

void env_log_set_tag(const char *tag)
{
    snprintf(g_log.tag, sizeof g_log.tag, "%s", tag ? tag : "");
}

void env_log_in_child(void) { g_log.bar_on_stderr = 0; }

static void write_line(int fd, const char *line, size_t len)
{
    while (len) {
        ssize_t n = write(fd, line, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        line += n;
        len -= (size_t)n;
    }
}

void snx_log(snx_log_level level, const char *fmt, ...)
{
    if (!snx_log_enabled(level))
        return;
    int saved_errno = errno;
    char line[2048];
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    time_t secs = ts.tv_sec;
    localtime_r(&secs, &tm);
    size_t n = strftime(line, sizeof line, "%Y-%m-%d %H:%M:%S", &tm);
    n += (size_t)snprintf(line + n, sizeof line - n, ".%03ld %-7s %s%s", ts.tv_nsec / 1000000,
                          level_name(level), g_log.tag, g_log.tag[0] ? " " : "");
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + n, sizeof line - n - 1, fmt, ap);
    va_end(ap);
    n = m < 0 ? n : n + (size_t)m < sizeof line - 2 ? n + (size_t)m : sizeof line - 2;
    line[n++] = '\n';
    if (g_log.fd >= 0)
        write_line(g_log.fd, line, n);
    if (g_log.to_stderr) {
        if (g_log.bar_on_stderr)
            env_progress_clear_line();
        write_line(STDERR_FILENO, line, n);
    }
    errno = saved_errno;
}

/* ---- progress ------------------------------------------------------------------ */

static double mono_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void format_duration(char *buf, size_t size, double s)
{
    long t = (long)(s + 0.5);
    snprintf(buf, size, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
}

void env_progress_clear_line(void)
{
    static const char clear[] = "\r\033[K";
    write_line(STDERR_FILENO, clear, sizeof clear - 1);
}

void env_progress_start(env_progress *p, snx_progress mode, size_t total)
{
    if (mode == SNX_PROGRESS_AUTO)
        mode = isatty(STDERR_FILENO) ? SNX_PROGRESS_BAR : SNX_PROGRESS_LOG;
    if (mode == SNX_PROGRESS_LOG && !snx_log_enabled(SNX_LOG_INFO))
        mode = SNX_PROGRESS_OFF;
    *p = (env_progress){ .mode = mode, .total = total, .t0 = mono_now() };
    p->last_draw = p->t0;
}

static void draw_bar(env_progress *p, double now)
{
    char line[256], eta[32] = "--:--:--";
    double frac = p->total ? (double)p->done / (double)p->total : 1;
    int width = 30, filled = (int)(frac * width);
    if (p->done)
        format_duration(eta, sizeof eta, (now - p->t0) / (double)p->done *
                                             (double)(p->total - p->done));
    char bar[64];
    for (int k = 0; k < width; k++)
        bar[k] = k < filled ? '#' : '.';
    bar[width] = '\0';
    int n = snprintf(line, sizeof line, "\r[%s] %3d%% %zu/%zu runs", bar, (int)(frac * 100),
                     p->done, p->total);
    if (p->failed)
        n += snprintf(line + n, sizeof line - (size_t)n, ", %zu failed", p->failed);
    n += snprintf(line + n, sizeof line - (size_t)n, ", ETA %s\033[K", eta);
    write_line(STDERR_FILENO, line, (size_t)n);
    p->bar_shown = 1;
    g_log.bar_on_stderr = 1;
}

static void log_line(env_progress *p, double now)
{
    char eta[32] = "unknown";
    if (p->done)
        format_duration(eta, sizeof eta, (now - p->t0) / (double)p->done *
                                             (double)(p->total - p->done));
    snx_log(SNX_LOG_INFO, "progress: %zu/%zu runs (%d%%)%s, ETA %s", p->done, p->total,
            p->total ? (int)(100.0 * (double)p->done / (double)p->total) : 100,
            p->failed ? ", some failed" : "", eta);
}

void env_progress_update(env_progress *p, size_t done, size_t failed)
{
    p->done = done;
    p->failed = failed;
    if (p->mode == SNX_PROGRESS_OFF)
        return;
    double now = mono_now();
    if (p->mode == SNX_PROGRESS_BAR) {
        if (now - p->last_draw >= 0.1 || done == p->total) {
            draw_bar(p, now);
            p->last_draw = now;
        }
        return;
    }
    int decile = p->total ? (int)(10 * done / p->total) : 10;
    if (decile > p->last_decile || now - p->last_draw >= 10.0) {
        log_line(p, now);
        p->last_decile = decile;
        p->last_draw = now;
    }
}

void env_progress_end(env_progress *p)
{
    if (p->mode == SNX_PROGRESS_BAR && p->bar_shown) {
        draw_bar(p, mono_now());
        write_line(STDERR_FILENO, "\n", 1);
    }
    g_log.bar_on_stderr = 0;
}
