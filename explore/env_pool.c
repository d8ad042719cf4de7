/* The executor, the writer's side: runs a list of runs on worker processes (or in this
 * process, in single-process mode) and hands every run's message to the writer. The
 * workers and run processes themselves are in env_worker.c.
 *
 * Process model (pool mode):
 *
 *   writer (the caller's process; never runs a run, the only one touching storage)
 *     ├── worker 1 ── run child (one per run, forked from the worker)
 *     └── worker 2 ── run child
 *
 * Workers are forked once per run phase, after all pre-processing and with the
 * storage file closed. A worker reads run indices (RUN frames) from its command
 * pipe, forks a child per run -- so every run starts from the writer's state at the
 * fork, whatever ran before it -- collects the child's message from a pipe, waits
 * for it, and sends a REPORT frame back: the child's message, or, when the child
 * crashed, exited, or outlived the run timeout, a report that says so. The writer
 * keeps at most PIPELINE runs queued per worker (dynamic scheduling: uneven runs
 * balance themselves) and polls the workers' report pipes.
 *
 * Reused run processes (opts.stateless, pypet's use_pool). When runs change nothing
 * outside the trajectory, a fresh process per run buys nothing but its cost (a fork
 * and the page faults of a new address space: ~0.3 ms, more than a trivial run). A
 * worker then keeps one run process alive and hands it run after run; the process
 * puts the trajectory back after every run, as single-process mode does. A run that
 * crashes or times out still fails alone: its process is replaced for the next run.
 *
 * Signals. In the writer, SIGINT/SIGTERM stop the dispatch: workers get SIGUSR2
 * ("start nothing new") and running runs have the grace period to finish; after it,
 * or at a second signal, SIGUSR1 makes the workers kill their run child and leave.
 * Workers and run children ignore SIGINT/SIGTERM (a terminal's Ctrl-C reaches the
 * whole process group; the writer decides). On Linux every worker and run child dies
 * with its parent (PR_SET_PDEATHSIG), so a writer killed with SIGKILL leaves nothing
 * running. Workers leave with _exit(), never exit(): no atexit handler (HDF5's
 * among them) may run in a copy of the writer. */
#define _GNU_SOURCE /* pipe2 */
#include "env_internal.h"
#include "snex/error.h"
#include "snex/util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PIPELINE 2         /* runs queued per worker (short runs) */
#define SHORT_RUN 0.02     /* seconds: runs shorter than this on average are short */
/* ---- signals ------------------------------------------------------------------ */

static volatile sig_atomic_t g_signals;     /* SIGINT/SIGTERM received by the writer */
static volatile sig_atomic_t g_last_signal;
static void on_writer_signal(int sig)
{
    g_signals++;
    g_last_signal = sig;
}

void env_signals_install(env_saved_signals *s, int reset_after_first)
{
    g_signals = 0;
    g_last_signal = 0;
    env_set_handler(SIGINT, on_writer_signal, reset_after_first ? (int)SA_RESETHAND : 0, &s->intr);
    env_set_handler(SIGTERM, on_writer_signal, reset_after_first ? (int)SA_RESETHAND : 0, &s->term);
    env_set_handler(SIGPIPE, SIG_IGN, 0, &s->pipe);
    /* SIGCHLD ignored by the program would make waitpid fail, and crashes unseen */
    env_set_handler(SIGCHLD, SIG_DFL, 0, &s->chld);
}

void env_signals_restore(const env_saved_signals *s)
{
    sigaction(SIGINT, &s->intr, NULL);
    sigaction(SIGTERM, &s->term, NULL);
    sigaction(SIGPIPE, &s->pipe, NULL);
    sigaction(SIGCHLD, &s->chld, NULL);
}

int env_signals_received(int *last)
{
    if (last)
        *last = g_last_signal;
    return g_signals;
}

void env_signals_raise(int sig) { on_writer_signal(sig); }

/* ---- the writer's side of the pool ------------------------------------------------ */

typedef struct worker {
    pid_t pid;
    bool commands_open; /* the worker takes more runs */
    long queue[PIPELINE]; /* runs sent and not yet reported, oldest first */
    size_t n_queued;
} worker;

typedef struct pool {
    env_exec *x;
    worker *w;
    env_pipes ch; /* peer k is worker k */
    int n;
    long *requeue; /* runs to dispatch again (their worker died before starting them) */
    size_t n_requeue, next;
    int stopping;       /* no new runs */
    double kill_at;     /* monotonic time when running runs are killed (0 = never) */
    int killed;
    double runtime_sum; /* of the runs reported so far */
    size_t n_reports;
} pool;

static int spawn_worker(pool *p, worker *w)
{
    env_exec *x = p->x;
    int rc = x->before_fork ? x->before_fork(x) : 0;
    if (rc)
        return rc;
    int cmd[2], res[2], k = (int)(w - p->w);
    if (pipe2(cmd, O_CLOEXEC))
        return snx_error(SNX_EIO, "environment: cannot create a pipe: %s", strerror(errno));
    if (pipe2(res, O_CLOEXEC)) {
        close(cmd[0]);
        close(cmd[1]);
        return snx_error(SNX_EIO, "environment: cannot create a pipe: %s", strerror(errno));
    }
    fflush(NULL); /* no duplicated stdio buffers in the copies */
    pid_t writer = getpid();
    /* The writer may signal the worker at once: hold the signals until the worker
     * has its handlers. */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigaddset(&block, SIGUSR2);
    sigprocmask(SIG_BLOCK, &block, &old);
    pid_t pid = fork();
    if (pid == 0) {
        close(cmd[1]);
        close(res[0]);
        env_pipes_close_all(&p->ch); /* the other workers' pipes */
        env_worker_main(x, cmd[0], res[1], writer, &old);
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    close(cmd[0]);
    close(res[1]);
    if (pid < 0) {
        close(cmd[1]);
        close(res[0]);
        return snx_error(SNX_EIO, "environment: cannot fork a worker: %s", strerror(errno));
    }
    env_pipes_attach(&p->ch, k, cmd[1], res[0]);
    *w = (worker){ .pid = pid, .commands_open = true };
    snx_log(SNX_LOG_DEBUG, "worker process %ld started", (long)pid);
    return 0;
}

static void close_commands(pool *p, worker *w)
{
    p->ch.ch.ops->close_peer(&p->ch.ch, (int)(w - p->w));
    w->commands_open = false;
}

static long take_next(pool *p)
{
    if (p->n_requeue)
        return p->requeue[--p->n_requeue];
    return p->next < p->x->n_todo ? p->x->todo[p->next++] : -1;
}

static size_t n_left(const pool *p) { return p->n_requeue + (p->x->n_todo - p->next); }

/* How many runs a worker may have queued: two while runs are short, so that a
 * worker never waits for the writer between runs; one for long runs, so that no run
 * waits behind a long one while another worker is idle. */
static size_t queue_depth(const pool *p)
{
    if (!p->n_reports)
        return PIPELINE;
    return p->runtime_sum / (double)p->n_reports < SHORT_RUN ? PIPELINE : 1;
}

/* Fills the workers' queues level by level: every worker gets a first run before
 * any gets a second. */
static void dispatch(pool *p)
{
    size_t depth = queue_depth(p);
    for (size_t level = 1; level <= depth && !p->stopping; level++)
        for (int k = 0; k < p->n && n_left(p); k++) {
            worker *w = &p->w[k];
            if (w->pid <= 0 || !w->commands_open || w->n_queued >= level)
                continue;
            long idx = take_next(p);
            int64_t v = idx;
            if (p->ch.ch.ops->send(&p->ch.ch, k, ENV_FRAME_RUN, &v, 8)) {
                snx_error_clear();
                p->requeue[p->n_requeue++] = idx; /* the worker is gone; its EOF follows */
                close_commands(p, w);
                continue;
            }
            w->queue[w->n_queued++] = idx;
        }
    if (!p->stopping && !n_left(p) && !p->x->more_coming)
        for (int k = 0; k < p->n; k++)
            if (p->w[k].pid > 0)
                close_commands(p, &p->w[k]); /* nothing more: workers leave when done */
}

static int handle_report(pool *p, worker *w, const void *msg, size_t len)
{
    if (!w->n_queued)
        return snx_error(SNX_EFORMAT, "environment: a worker reported a run it was not given");
    long idx;
    int status;
    double runtime;
    int rc = env_msg_peek(msg, len, &idx, &status, &runtime);
    if (rc)
        return rc;
    if (idx != w->queue[0])
        return snx_error(SNX_EFORMAT, "environment: a worker reported run %ld, expected %ld",
                         idx, w->queue[0]);
    w->n_queued--;
    memmove(&w->queue[0], &w->queue[1], w->n_queued * sizeof w->queue[0]);
    p->runtime_sum += runtime > 0 ? runtime : 0;
    p->n_reports++;
    /* Long runs (one queued per worker): the worker's next run first, then the
     * storing of this one, so that the worker computes while the writer writes
     * instead of waiting for it. Short runs have their next one queued already and
     * are dispatched in one go after a poll's frames. Not once a signal asked to stop:
     * the loop has not seen it yet, and no new run may start after it. */
    if (queue_depth(p) == 1 && !g_signals)
        dispatch(p);
    return p->x->on_report(p->x, msg, len);
}

/* A worker ended: its queued runs were started (the oldest, if it died) or not. */
static int worker_ended(pool *p, worker *w)
{
    int status = 0;
    while (waitpid(w->pid, &status, 0) < 0 && errno == EINTR)
        ;
    env_pipes_detach(&p->ch, (int)(w - p->w));
    int normal = WIFEXITED(status) && WEXITSTATUS(status) == EXIT_STOPPED;
    int rc = 0;
    size_t first_unstarted = 0;
    if (!normal && w->n_queued) {
        char why[160];
        int interrupted = p->killed || (WIFEXITED(status) && WEXITSTATUS(status) == EXIT_KILLED);
        if (interrupted)
            snprintf(why, sizeof why, "interrupted: killed after the grace period");
        else if (WIFSIGNALED(status))
            snprintf(why, sizeof why, "its worker process was killed by %s",
                     env_signal_name(WTERMSIG(status)));
        else
            snprintf(why, sizeof why, "its worker process ended (status %d)",
                     WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        snx_buf msg = { 0 };
        long idx = w->queue[0];
        uint64_t seed = snx_env_seed(p->x->master_seed, idx);
        rc = env_msg_encode_failure(&msg, idx, seed, env_now(), env_now(),
                                    interrupted ? ENV_INTERRUPTED : SNX_ERUN, why);
        if (!rc)
            rc = p->x->on_report(p->x, msg.data, msg.len);
        snx_buf_free(&msg);
        first_unstarted = 1;
    }
    for (size_t k = first_unstarted; k < w->n_queued; k++)
        p->requeue[p->n_requeue++] = w->queue[k];
    if (!normal)
        snx_log(SNX_LOG_DEBUG, "worker process %ld ended abnormally", (long)w->pid);
    w->pid = 0;
    w->n_queued = 0;
    return rc;
}

static void signal_workers(pool *p, int sig)
{
    for (int k = 0; k < p->n; k++)
        if (p->w[k].pid > 0)
            kill(p->w[k].pid, sig);
}

static void check_signals(pool *p)
{
    if (!g_signals)
        return;
    if (!p->stopping) {
        p->stopping = 1;
        p->x->interrupted = g_last_signal ? g_last_signal : SIGINT;
        double grace = p->x->grace_period;
        snx_log(SNX_LOG_WARNING,
                "%s received: starting no new runs%s", env_signal_name(p->x->interrupted),
                grace > 0 ? "; running runs may finish (a second signal kills them)" : "");
        signal_workers(p, SIGUSR2);
        for (int k = 0; k < p->n; k++)
            close_commands(p, &p->w[k]);
        p->kill_at = grace > 0 ? env_mono_now() + grace : env_mono_now();
    }
    if (g_signals > 1 && !p->killed)
        p->kill_at = env_mono_now();
}

static void kill_if_due(pool *p)
{
    if (p->kill_at > 0 && !p->killed && env_mono_now() >= p->kill_at) {
        p->killed = 1;
        snx_log(SNX_LOG_WARNING, "killing the running runs");
        signal_workers(p, SIGUSR1);
    }
}

/* Handles one frame of a worker: a report, or the end of its stream. */
static int handle_frame(pool *p, const env_frame *f)
{
    worker *w = &p->w[f->peer];
    if (f->type == ENV_FRAME_CLOSED)
        return worker_ended(p, w);
    if (f->type == ENV_FRAME_PIECE && p->x->on_piece && w->n_queued)
        return p->x->on_piece(p->x, f->payload, f->len);
    if (f->type != ENV_FRAME_REPORT)
        return snx_error(SNX_EFORMAT, "environment: unexpected frame from a worker");
    return handle_report(p, w, f->payload, f->len);
}

/* Replaces dead workers while runs are left. */
static int respawn(pool *p)
{
    for (int k = 0; k < p->n && !p->stopping && n_left(p); k++)
        if (p->w[k].pid == 0) {
            int rc = spawn_worker(p, &p->w[k]);
            if (rc)
                return rc;
        }
    return 0;
}

static bool any_worker(const pool *p)
{
    for (int k = 0; k < p->n; k++)
        if (p->w[k].pid > 0)
            return true;
    return false;
}

static int pool_loop(pool *p)
{
    env_channel *ch = &p->ch.ch;
    env_exec *x = p->x;
    int rc = 0;
    while (!rc) {
        check_signals(p);
        kill_if_due(p);
        if (x->feed && (rc = x->feed(x)))
            break;
        if (!p->stopping && (rc = respawn(p)))
            break;
        dispatch(p);
        bool waiting = x->feed && x->more_coming && !p->stopping;
        if (!any_worker(p) && !waiting)
            break;
        /* runs that arrive from elsewhere (feed) are looked for every millisecond */
        if ((rc = ch->ops->poll(ch, x->feed ? 1 : 100)))
            break;
        env_frame f;
        int got;
        while (!rc && (got = ch->ops->recv(ch, &f)) == 1)
            rc = handle_frame(p, &f);
        if (!rc && got < 0)
            rc = got;
    }
    return rc;
}

/* After a fatal error of the writer: stop everything at once. */
static void pool_abort(pool *p)
{
    signal_workers(p, SIGUSR1);
    for (int k = 0; k < p->n; k++)
        if (p->w[k].pid > 0) {
            env_pipes_detach(&p->ch, k);
            while (waitpid(p->w[k].pid, NULL, 0) < 0 && errno == EINTR)
                ;
            p->w[k].pid = 0;
        }
}

int env_exec_pool(env_exec *x)
{
    x->interrupted = 0;
    if (!x->n_todo && !x->feed)
        return 0;
    pool p = { .x = x, .n = x->n_workers };
    if ((size_t)p.n > x->n_todo && !x->feed)
        p.n = (int)x->n_todo;
    if (p.n < 1)
        p.n = 1;
    p.w = snx_calloc((size_t)p.n, sizeof *p.w);
    /* requeued runs come from the workers' queues: at most n_todo, or with a feed
     * the queues' size */
    p.requeue = snx_calloc(x->feed ? (size_t)p.n * PIPELINE : x->n_todo, sizeof *p.requeue);
    if (!p.w || !p.requeue || env_pipes_init(&p.ch, p.n)) {
        free(p.w);
        free(p.requeue);
        return SNX_ENOMEM;
    }
    env_saved_signals saved;
    env_signals_install(&saved, 0);
    x->one_omp_thread = env_threads_in_process() - env_mpi_threads() > 1;
    if (x->one_omp_thread)
        snx_log(SNX_LOG_WARNING, "this process has threads (OpenMP ran before the runs?); "
                                 "a forked run cannot use them, so runs use one OpenMP "
                                 "thread");
    int rc = 0;
    for (int k = 0; k < p.n && !rc; k++)
        rc = spawn_worker(&p, &p.w[k]);
    if (!rc)
        rc = pool_loop(&p);
    if (rc) {
        int code = snx_errcode();
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", snx_errmsg());
        pool_abort(&p);
        snx_error(code ? code : rc, "%s", msg);
    }
    env_signals_restore(&saved);
    env_pipes_free(&p.ch);
    free(p.w);
    free(p.requeue);
    return rc;
}

/* ---- single-process mode ------------------------------------------------------------ */

int env_exec_single(env_exec *x, int (*restore)(void *), void *restore_data)
{
    x->interrupted = 0;
    lock_state locks = { 0 };
    int rc = env_note_locks(x->traj, &locks);
    env_saved_signals saved;
    env_signals_install(&saved, 1);
    snx_buf msg = { 0 };
    char name[SNX_RUN_NAME_BUF];
    for (size_t k = 0; !rc && k < x->n_todo; k++) {
        if (g_signals) {
            x->interrupted = g_last_signal;
            snx_log(SNX_LOG_WARNING, "%s received: starting no new runs",
                    env_signal_name(g_last_signal));
            break;
        }
        if (k > 0 && restore && (rc = restore(restore_data))) {
            snx_error_context("single-process mode: restoring the state before run %ld",
                              x->todo[k]);
            break;
        }
        long idx = x->todo[k];
        msg.len = 0;
        env_log_set_tag(snx_run_name(name, idx));
        rc = env_execute_run(x->traj, x->run, x->run_data, idx,
                             snx_env_seed(x->master_seed, idx), &msg, 0);
        env_log_set_tag(NULL);
        env_restore_locks(&locks);
        if (!rc)
            rc = x->on_report(x, msg.data, msg.len);
    }
    env_signals_restore(&saved);
    snx_buf_free(&msg);
    env_free_locks(&locks);
    return rc;
}
