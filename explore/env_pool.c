/* The executor: runs a list of runs and hands every run's message to the writer.
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
#define _GNU_SOURCE /* pipe2, prctl */
#include "env_internal.h"
#include "snex/error.h"
#include "snex/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <omp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#define PIPELINE 2         /* runs queued per worker (short runs) */
#define SHORT_RUN 0.02     /* seconds: runs shorter than this on average are short */
#define EXIT_STOPPED 0     /* a worker that was told to stop, or saw the end of commands */
#define EXIT_KILLED 2      /* a worker told to kill its run child */
#define EXIT_CHANNEL 3     /* a worker that lost its writer */
#define EXIT_RUN_CHANNEL 125 /* a run process that could not send its message (rarely
                                a run's own exit status, so it can be told apart) */

double env_now(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (double)tv.tv_sec + (double)tv.tv_usec * 1e-6;
}

static double mono_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
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

/* ---- executing one run (in a run child, or in-process) ------------------------ */

/* Parameters' lock states before the first run: reading a parameter locks it, and a
 * process that executes several runs puts the locks back after each. */
typedef struct lock_state {
    snx_node **pars;
    unsigned char *locked;
    size_t n, cap;
} lock_state;

static int note_lock(snx_node *node, void *ctx)
{
    lock_state *s = ctx;
    if (snx_node_kind_of(node) != SNX_NODE_PARAMETER)
        return 0;
    if (s->n == s->cap) {
        size_t cap = s->cap;
        if (snx_grow(&s->pars, &cap, s->n + 1, sizeof *s->pars) ||
            snx_grow(&s->locked, &s->cap, s->n + 1, 1))
            return SNX_ENOMEM;
    }
    s->pars[s->n] = node;
    s->locked[s->n++] = (unsigned char)snx_par_is_locked(node);
    return 0;
}

static void restore_locks(const lock_state *s)
{
    for (size_t k = 0; k < s->n; k++)
        s->locked[k] ? snx_par_lock(s->pars[k]) : snx_par_unlock(s->pars[k]);
}

static void free_locks(lock_state *s)
{
    free(s->pars);
    free(s->locked);
}

static void remove_added_nodes(snx_traj *traj)
{
    while (snx_traj_n_run_added(traj) > 0)
        if (snx_node_remove(snx_traj_run_added(traj, 0), 1))
            break;
}

int env_execute_run(snx_traj *traj, snx_run_fn run, void *run_data, long idx, uint64_t seed,
                    snx_buf *out, int keep_nodes)
{
    env_report r = { .idx = idx, .seed = seed, .timestamp = env_now(), .ret = snx_none() };
    char *error = NULL;
    snx_traj_clear_status(traj);
    snx_error_clear();
    int rc = snx_traj_begin_run(traj, idx);
    if (!rc) {
        snx_run_info info = { .idx = idx, .seed = seed, .timestamp = r.timestamp };
        rc = snx_traj_set_run_info(traj, idx, &info);
    }
    if (!rc) {
        rc = run(traj, run_data, &r.ret);
        if (!rc && snx_traj_status(traj)) {
            rc = snx_traj_status(traj);
            error = snx_strdup(snx_traj_status_msg(traj));
        } else if (!rc && r.ret.type == SNX_T_ERROR) {
            rc = snx_errcode() ? snx_errcode() : SNX_EINVAL;
            error = snx_strdup(snx_errmsg());
        } else if (rc) {
            snx_buf b = { 0 };
            if (*snx_errmsg())
                snx_buf_printf(&b, "%s (%s)", snx_errmsg(), snx_strerror(rc));
            else
                snx_buf_printf(&b, "the run function returned %d (%s)", rc, snx_strerror(rc));
            error = snx_buf_take(&b);
        }
    } else {
        error = snx_strdup(snx_errmsg());
    }
    r.finish_timestamp = env_now();
    r.status = rc;
    r.error = error;
    if (rc)
        snx_value_clear(&r.ret);
    size_t start = out->len;
    int enc = env_msg_encode(out, traj, &r);
    if (enc) { /* e.g. a value that cannot travel: fail the run, say why */
        snx_buf b = { 0 };
        snx_buf_printf(&b, "cannot send the run's data: %s", snx_errmsg());
        char *why = snx_buf_take(&b);
        out->len = start;
        enc = env_msg_encode_failure(out, idx, seed, r.timestamp, r.finish_timestamp, enc,
                                     why ? why : "cannot send the run's data");
        free(why);
    }
    if (snx_traj_in_run(traj))
        snx_traj_end_run(traj);
    if (!keep_nodes)
        remove_added_nodes(traj);
    env_report_clear(&r);
    return enc;
}

/* ---- signals ------------------------------------------------------------------ */

static volatile sig_atomic_t g_signals;     /* SIGINT/SIGTERM received by the writer */
static volatile sig_atomic_t g_last_signal;
static volatile sig_atomic_t g_stop;        /* worker: start no new run */
static volatile pid_t g_child;              /* worker: the running run child */

static void on_writer_signal(int sig)
{
    g_signals++;
    g_last_signal = sig;
}

static void on_worker_stop(int sig)
{
    (void)sig;
    g_stop = 1;
}

static void on_worker_kill(int sig)
{
    (void)sig;
    if (g_child > 0)
        kill(g_child, SIGKILL);
    _exit(EXIT_KILLED);
}

static void set_handler(int sig, void (*handler)(int), int flags, struct sigaction *old)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, old);
}

typedef struct saved_signals {
    struct sigaction intr, term, pipe, chld;
} saved_signals;

static void writer_signals_install(saved_signals *s, int reset_after_first)
{
    g_signals = 0;
    g_last_signal = 0;
    set_handler(SIGINT, on_writer_signal, reset_after_first ? (int)SA_RESETHAND : 0, &s->intr);
    set_handler(SIGTERM, on_writer_signal, reset_after_first ? (int)SA_RESETHAND : 0, &s->term);
    set_handler(SIGPIPE, SIG_IGN, 0, &s->pipe);
    /* SIGCHLD ignored by the program would make waitpid fail, and crashes unseen */
    set_handler(SIGCHLD, SIG_DFL, 0, &s->chld);
}

static void writer_signals_restore(const saved_signals *s)
{
    sigaction(SIGINT, &s->intr, NULL);
    sigaction(SIGTERM, &s->term, NULL);
    sigaction(SIGPIPE, &s->pipe, NULL);
    sigaction(SIGCHLD, &s->chld, NULL);
}

/* In a fresh child: die with the parent (Linux), and leave if it is gone already. */
static void die_with_parent(pid_t parent)
{
#ifdef __linux__
    prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
    if (getppid() != parent)
        _exit(EXIT_CHANNEL);
}

/* ---- the worker ------------------------------------------------------------------ */

typedef struct run_outcome {
    snx_buf msg;      /* the child's message */
    int timed_out;
    int reaped;       /* status holds the child's end */
    int status;       /* waitpid status */
} run_outcome;

#define CHILD_CHECK_MS 50 /* how often a child that sends nothing is checked on */

/* Reads the child's message until it is whole, the pipe closes, or the child is
 * gone -- a process the run left behind may hold the pipe open for ever -- killing
 * the child at the deadline. */
static void collect_child(int fd, pid_t pid, double deadline, run_outcome *o)
{
    size_t whole;
    int draining = 0; /* the child is gone: read what it left, then stop */
    while (!env_msg_complete(o->msg.data, o->msg.len, &whole)) {
        int wait_ms = draining ? 0 : CHILD_CHECK_MS;
        if (deadline > 0 && !draining) {
            double left = deadline - mono_now();
            if (left <= 0) {
                kill(pid, SIGKILL);
                o->timed_out = 1;
                return;
            }
            if (left * 1000 < wait_ms)
                wait_ms = (int)(left * 1000) + 1;
        }
        struct pollfd p = { .fd = fd, .events = POLLIN };
        int n = poll(&p, 1, wait_ms);
        if (n < 0 && errno != EINTR)
            return;
        if (n == 0 && draining)
            return;
        if (n == 0) {
            pid_t r = waitpid(pid, &o->status, WNOHANG);
            if (r == pid || (r < 0 && errno == ECHILD))
                o->reaped = draining = 1;
            continue;
        }
        if (n < 0)
            continue;
        if (snx_buf_reserve(&o->msg, 65536))
            return;
        ssize_t got = read(fd, o->msg.data + o->msg.len, o->msg.cap - o->msg.len - 1);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return;
        o->msg.len += (size_t)got;
    }
}

/* Waits for the child; one that closed its pipe but lives on past the deadline is
 * killed too. */
static void reap_child(pid_t pid, double deadline, run_outcome *o)
{
    while (!o->reaped) {
        pid_t r = waitpid(pid, &o->status, deadline > 0 ? WNOHANG : 0);
        if (r == pid || (r < 0 && errno != EINTR)) {
            o->reaped = 1;
            return;
        }
        if (r == 0 && mono_now() >= deadline) {
            kill(pid, SIGKILL);
            o->timed_out = 1;
            deadline = 0;
        } else if (r == 0) {
            nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
        }
    }
}

/* The threads of this process (1 where that cannot be known). */
static int threads_in_process(void)
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

/* What a run process does first. libgomp's thread pool does not survive fork: if
 * the writer ran OpenMP before the runs, a run's first parallel region would wait
 * for threads that do not exist, so runs then use one thread. */
static void enter_run_process(const env_exec *x, pid_t worker)
{
    if (x->one_omp_thread) { /* every parallel region inactive, num_threads or not */
        omp_set_num_threads(1);
        omp_set_max_active_levels(0);
    }
    set_handler(SIGUSR1, SIG_DFL, 0, NULL);
    set_handler(SIGUSR2, SIG_DFL, 0, NULL);
    set_handler(SIGPIPE, SIG_DFL, 0, NULL);
    die_with_parent(worker);
}

/* A run process for one run. */
static void run_child(const env_exec *x, long idx, uint64_t seed, int out_fd, pid_t worker)
{
    enter_run_process(x, worker);
    char name[SNX_RUN_NAME_BUF];
    env_log_set_tag(snx_run_name(name, idx));
    snx_buf msg = { 0 };
    int rc = env_execute_run(x->traj, x->run, x->run_data, idx, seed, &msg, 1);
    fflush(NULL); /* what the run printed; _exit would drop it */
    if (!rc)
        rc = env_write_all(out_fd, msg.data, msg.len);
    _exit(rc ? EXIT_RUN_CHANNEL : 0);
}

/* A reused run process: runs every index that arrives on in_fd, putting the
 * trajectory (nodes, current run, locks) back after each, until in_fd closes. */
static void reused_child(const env_exec *x, int in_fd, int out_fd, pid_t worker)
{
    enter_run_process(x, worker);
    lock_state locks = { 0 };
    if (snx_node_iter(snx_traj_root(x->traj), NULL, note_lock, &locks))
        _exit(EXIT_RUN_CHANNEL);
    snx_buf msg = { 0 };
    char name[SNX_RUN_NAME_BUF];
    for (;;) {
        int64_t idx;
        size_t got = 0;
        while (got < sizeof idx) {
            ssize_t n = read(in_fd, (char *)&idx + got, sizeof idx - got);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                fflush(NULL);
                _exit(0); /* the worker is done with us */
            }
            got += (size_t)n;
        }
        msg.len = 0;
        env_log_set_tag(snx_run_name(name, (long)idx));
        int rc = env_execute_run(x->traj, x->run, x->run_data, (long)idx,
                                 snx_env_seed(x->master_seed, (long)idx), &msg, 0);
        restore_locks(&locks);
        fflush(NULL); /* what the run printed, before its report */
        if (rc || env_write_all(out_fd, msg.data, msg.len))
            _exit(EXIT_RUN_CHANNEL);
    }
}

/* The worker's run process, when reused; pid 0 when there is none. */
typedef struct run_process {
    pid_t pid;
    int to, from; /* run indices to it, messages from it */
} run_process;

static run_process g_reused = { 0, -1, -1 };

static int start_reused(const env_exec *x, int cmd_fd, int res_fd)
{
    /* close-on-exec: a program the run starts must not hold our pipes */
    int in[2], out[2];
    if (pipe2(in, O_CLOEXEC))
        return -1;
    if (pipe2(out, O_CLOEXEC)) {
        close(in[0]);
        close(in[1]);
        return -1;
    }
    pid_t self = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        close(in[1]);
        close(out[0]);
        close(cmd_fd);
        close(res_fd);
        reused_child(x, in[0], out[1], self);
    }
    close(in[0]);
    close(out[1]);
    if (pid < 0) {
        close(in[1]);
        close(out[0]);
        return -1;
    }
    g_reused = (run_process){ .pid = pid, .to = in[1], .from = out[0] };
    return 0;
}

/* Ends the reused process: closing its input makes it leave. */
static void stop_reused(run_outcome *o)
{
    if (!g_reused.pid)
        return;
    close(g_reused.to);
    close(g_reused.from);
    run_outcome ignored = { .status = 0 };
    reap_child(g_reused.pid, 0, o ? o : &ignored);
    g_reused = (run_process){ 0, -1, -1 };
}

/* Starts run idx: in a reused process (starting one if needed) or in a fresh child.
 * The pid and the descriptor its message comes from, or -1 with *why set. */
static pid_t launch_run(const env_exec *x, long idx, uint64_t seed, int cmd_fd, int res_fd,
                        int *from, char *why, size_t why_size)
{
    if (x->reuse_process) {
        int64_t v = idx;
        if (!g_reused.pid && start_reused(x, cmd_fd, res_fd)) {
            snprintf(why, why_size, "cannot start a run process: %s", strerror(errno));
            return -1;
        }
        *from = g_reused.from;
        if (env_write_all(g_reused.to, &v, sizeof v)) /* it died: its EOF tells how */
            snx_error_clear();
        return g_reused.pid;
    }
    int p[2];
    if (pipe2(p, O_CLOEXEC)) {
        snprintf(why, why_size, "cannot create a pipe for the run: %s", strerror(errno));
        return -1;
    }
    pid_t self = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        close(cmd_fd);
        close(res_fd);
        run_child(x, idx, seed, p[1], self);
    }
    close(p[1]);
    if (pid < 0) {
        close(p[0]);
        snprintf(why, why_size, "cannot fork the run: %s", strerror(errno));
        return -1;
    }
    *from = p[0];
    return pid;
}

/* Runs idx in a child; the report to send back goes to *report. */
static int worker_run(const env_exec *x, long idx, int cmd_fd, int res_fd, snx_buf *report)
{
    uint64_t seed = snx_env_seed(x->master_seed, idx);
    double t0 = env_now(), start = mono_now();
    double deadline = x->run_timeout > 0 ? start + x->run_timeout : 0;
    char why[256] = "";
    int from = -1;
    pid_t pid = launch_run(x, idx, seed, cmd_fd, res_fd, &from, why, sizeof why);
    if (pid < 0)
        return env_msg_encode_failure(report, idx, seed, t0, env_now(), SNX_EIO, why);
    g_child = pid;
    run_outcome o = { .status = 0 };
    collect_child(from, pid, deadline, &o);
    size_t msg_len = 0;
    int whole = env_msg_complete(o.msg.data, o.msg.len, &msg_len) && msg_len == o.msg.len;
    if (!x->reuse_process) {
        close(from);
        reap_child(pid, o.timed_out ? 0 : deadline, &o);
    } else if (!whole || o.timed_out) { /* it died or hangs: the next run gets a new one */
        if (!o.reaped)
            kill(pid, SIGKILL);
        stop_reused(&o);
    }
    g_child = 0;
    double t1 = env_now();
    if (o.timed_out)
        snprintf(why, sizeof why, "timed out after %g s (killed)", x->run_timeout);
    else if (WIFSIGNALED(o.status))
        snprintf(why, sizeof why, "crashed: killed by signal %s (%s)%s",
                 env_signal_name(WTERMSIG(o.status)), strsignal(WTERMSIG(o.status)),
                 WCOREDUMP(o.status) ? ", core dumped" : "");
    else if (WIFEXITED(o.status) && WEXITSTATUS(o.status) == EXIT_RUN_CHANNEL && !whole)
        snprintf(why, sizeof why, "its process could not send the run's results (out of "
                                  "memory, or its worker is gone)");
    else if (WIFEXITED(o.status) && WEXITSTATUS(o.status) != 0)
        snprintf(why, sizeof why, "the run exited with status %d before it finished",
                 WEXITSTATUS(o.status));
    else if (!whole)
        snprintf(why, sizeof why, "the run exited (status 0) before it finished");
    int rc;
    if (why[0])
        rc = env_msg_encode_failure(report, idx, seed, t0, t1, SNX_ERUN, why);
    else
        rc = snx_buf_append(report, o.msg.data, o.msg.len);
    snx_buf_free(&o.msg);
    return rc;
}

/* Reads the next run index; -1 at the end of commands or when told to stop. */
static long worker_next(int cmd_fd)
{
    unsigned char frame[ENV_FRAME_HEADER + 8];
    size_t got = 0;
    while (got < sizeof frame) {
        if (g_stop)
            return -1;
        ssize_t n = read(cmd_fd, frame + got, sizeof frame - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        got += (size_t)n;
    }
    int64_t idx;
    memcpy(&idx, frame + ENV_FRAME_HEADER, 8);
    return g_stop ? -1 : (long)idx;
}

static void worker_main(const env_exec *x, int cmd_fd, int res_fd, pid_t writer,
                        const sigset_t *mask)
{
    set_handler(SIGINT, SIG_IGN, 0, NULL);
    set_handler(SIGTERM, SIG_IGN, 0, NULL);
    set_handler(SIGPIPE, SIG_IGN, 0, NULL);
    set_handler(SIGCHLD, SIG_DFL, 0, NULL);
    set_handler(SIGUSR2, on_worker_stop, 0, NULL); /* no SA_RESTART: wakes up read() */
    set_handler(SIGUSR1, on_worker_kill, 0, NULL);
    sigprocmask(SIG_SETMASK, mask, NULL);
    die_with_parent(writer);
    env_log_in_child();
    snx_buf report = { 0 };
    long idx;
    while ((idx = worker_next(cmd_fd)) >= 0) {
        if (report.cap > ((size_t)4 << 20)) /* after one huge run: give it back */
            snx_buf_free(&report);
        report.len = 0;
        if (worker_run(x, idx, cmd_fd, res_fd, &report) ||
            env_frame_send(res_fd, ENV_FRAME_REPORT, report.data, report.len))
            _exit(EXIT_CHANNEL);
        g_child = g_reused.pid; /* a kill order between runs reaches it too */
    }
    stop_reused(NULL);
    _exit(EXIT_STOPPED);
}

/* ---- the writer's side of the pool ------------------------------------------------ */

typedef struct worker {
    pid_t pid;
    int cmd_fd, res_fd;
    env_reader rd;
    long queue[PIPELINE]; /* runs sent and not yet reported, oldest first */
    size_t n_queued;
} worker;

typedef struct pool {
    env_exec *x;
    worker *w;
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
    int cmd[2], res[2];
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
        for (int k = 0; k < p->n; k++) /* the other workers' pipes */
            if (p->w[k].pid > 0 && &p->w[k] != w) {
                close(p->w[k].cmd_fd);
                close(p->w[k].res_fd);
            }
        worker_main(x, cmd[0], res[1], writer, &old);
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    close(cmd[0]);
    close(res[1]);
    if (pid < 0) {
        close(cmd[1]);
        close(res[0]);
        return snx_error(SNX_EIO, "environment: cannot fork a worker: %s", strerror(errno));
    }
    fcntl(res[0], F_SETFL, fcntl(res[0], F_GETFL) | O_NONBLOCK);
    *w = (worker){ .pid = pid, .cmd_fd = cmd[1], .res_fd = res[0] };
    snx_log(SNX_LOG_DEBUG, "worker process %ld started", (long)pid);
    return 0;
}

static void close_commands(worker *w)
{
    if (w->cmd_fd >= 0)
        close(w->cmd_fd);
    w->cmd_fd = -1;
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
            if (w->pid <= 0 || w->cmd_fd < 0 || w->n_queued >= level)
                continue;
            long idx = take_next(p);
            int64_t v = idx;
            if (env_frame_send(w->cmd_fd, ENV_FRAME_RUN, &v, 8)) {
                p->requeue[p->n_requeue++] = idx; /* the worker is gone; its EOF follows */
                close_commands(w);
                continue;
            }
            w->queue[w->n_queued++] = idx;
        }
    if (!p->stopping && !n_left(p))
        for (int k = 0; k < p->n; k++)
            if (p->w[k].pid > 0)
                close_commands(&p->w[k]); /* nothing more: workers leave when done */
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
    return p->x->on_report(p->x, msg, len);
}

/* A worker ended: its queued runs were started (the oldest, if it died) or not. */
static int worker_ended(pool *p, worker *w)
{
    int status = 0;
    while (waitpid(w->pid, &status, 0) < 0 && errno == EINTR)
        ;
    close_commands(w);
    close(w->res_fd);
    env_reader_free(&w->rd);
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
            close_commands(&p->w[k]);
        p->kill_at = grace > 0 ? mono_now() + grace : mono_now();
    }
    if (g_signals > 1 && !p->killed)
        p->kill_at = mono_now();
}

static void kill_if_due(pool *p)
{
    if (p->kill_at > 0 && !p->killed && mono_now() >= p->kill_at) {
        p->killed = 1;
        snx_log(SNX_LOG_WARNING, "killing the running runs");
        signal_workers(p, SIGUSR1);
    }
}

/* Reads one worker's pipe and handles every complete frame. */
static int service_worker(pool *p, worker *w)
{
    int end = env_reader_fill(&w->rd, w->res_fd);
    if (end < 0)
        return end;
    uint32_t type;
    const void *payload;
    size_t len;
    int got;
    while ((got = env_reader_next(&w->rd, &type, &payload, &len)) == 1) {
        int rc = type == ENV_FRAME_REPORT
                     ? handle_report(p, w, payload, len)
                     : snx_error(SNX_EFORMAT, "environment: unexpected frame from a worker");
        if (rc)
            return rc;
    }
    if (got < 0)
        return got;
    return end == 1 ? worker_ended(p, w) : 0;
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

static int pool_loop(pool *p)
{
    struct pollfd *fds = snx_calloc((size_t)p->n, sizeof *fds);
    int *which = snx_calloc((size_t)p->n, sizeof *which);
    int rc = fds && which ? 0 : SNX_ENOMEM;
    while (!rc) {
        check_signals(p);
        kill_if_due(p);
        if (!p->stopping && (rc = respawn(p)))
            break;
        dispatch(p);
        int nfds = 0;
        for (int k = 0; k < p->n; k++)
            if (p->w[k].pid > 0) {
                fds[nfds] = (struct pollfd){ .fd = p->w[k].res_fd, .events = POLLIN };
                which[nfds++] = k;
            }
        if (!nfds)
            break;
        int n = poll(fds, (nfds_t)nfds, 100);
        if (n < 0 && errno != EINTR) {
            rc = snx_error(SNX_EIO, "environment: poll failed: %s", strerror(errno));
            break;
        }
        for (int k = 0; n > 0 && k < nfds && !rc; k++)
            if (fds[k].revents)
                rc = service_worker(p, &p->w[which[k]]);
    }
    free(fds);
    free(which);
    return rc;
}

/* After a fatal error of the writer: stop everything at once. */
static void pool_abort(pool *p)
{
    signal_workers(p, SIGUSR1);
    for (int k = 0; k < p->n; k++)
        if (p->w[k].pid > 0) {
            close_commands(&p->w[k]);
            close(p->w[k].res_fd);
            env_reader_free(&p->w[k].rd);
            while (waitpid(p->w[k].pid, NULL, 0) < 0 && errno == EINTR)
                ;
            p->w[k].pid = 0;
        }
}

int env_exec_pool(env_exec *x)
{
    x->interrupted = 0;
    if (!x->n_todo)
        return 0;
    pool p = { .x = x, .n = x->n_workers };
    if ((size_t)p.n > x->n_todo)
        p.n = (int)x->n_todo;
    if (p.n < 1)
        p.n = 1;
    p.w = snx_calloc((size_t)p.n, sizeof *p.w);
    p.requeue = snx_calloc(x->n_todo, sizeof *p.requeue);
    if (!p.w || !p.requeue) {
        free(p.w);
        free(p.requeue);
        return SNX_ENOMEM;
    }
    saved_signals saved;
    writer_signals_install(&saved, 0);
    x->one_omp_thread = threads_in_process() > 1;
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
    writer_signals_restore(&saved);
    free(p.w);
    free(p.requeue);
    return rc;
}

/* ---- single-process mode ------------------------------------------------------------ */

int env_exec_single(env_exec *x, int (*restore)(void *), void *restore_data)
{
    x->interrupted = 0;
    lock_state locks = { 0 };
    int rc = snx_node_iter(snx_traj_root(x->traj), NULL, note_lock, &locks);
    saved_signals saved;
    writer_signals_install(&saved, 1);
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
        restore_locks(&locks);
        if (!rc)
            rc = x->on_report(x, msg.data, msg.len);
    }
    writer_signals_restore(&saved);
    snx_buf_free(&msg);
    free_locks(&locks);
    return rc;
}
