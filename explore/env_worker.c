/* The worker's side of a sweep: executing one run (in a run process, or in-process
 * in single-process mode) into its message, and the worker process itself, which
 * takes run indices from the writer, runs each in a fresh child (or in its one
 * reused run process), watches it (crash, exit, hang, timeout, processes it left
 * behind) and sends back its message or a report of its failure. The writer's side
 * is env_pool.c. */
#define _GNU_SOURCE /* pipe2, prctl */
#include "env_internal.h"
#include "traj_internal.h"
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
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

/* ---- executing one run (in a run child, or in-process) ------------------------ */

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

int env_note_locks(snx_traj *traj, lock_state *s)
{
    return snx_node_iter(snx_traj_root(traj), NULL, note_lock, s);
}

void env_restore_locks(const lock_state *s)
{
    for (size_t k = 0; k < s->n; k++)
        s->locked[k] ? snx_par_lock(s->pars[k]) : snx_par_unlock(s->pars[k]);
}

void env_free_locks(lock_state *s)
{
    free(s->pars);
    free(s->locked);
}

/* Removes what the current (or just ended) run added to the tree. */
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
    if (!keep_nodes) {
        int removed = snx_traj_remove_run_added(traj);
        enc = enc ? enc : removed;
    }
    env_report_clear(&r);
    return enc;
}

/* ---- streamed items: pieces go down the run's pipe ahead of its message ---------- */

typedef struct piece_sink {
    int fd;
    long idx;
    double attempt; /* the run's start: tells this execution's pieces from others' */
    snx_buf buf;
} piece_sink;

static int send_piece(void *ctx, const char *full_name, const char *item, const snx_value *piece)
{
    piece_sink *ps = ctx;
    ps->buf.len = 0;
    int rc = env_piece_encode(&ps->buf, ps->idx, ps->attempt, full_name, item, piece);
    if (!rc && env_write_all(ps->fd, ps->buf.data, ps->buf.len))
        rc = snx_error(SNX_EIO, "cannot send a piece of item \"%s\" of \"%s\" to the writer",
                       item, full_name);
    return rc;
}

/* Runs run idx (as env_execute_run) with its pieces going to out_fd when the sweep
 * streams. */
static int execute_streaming(const env_exec *x, long idx, uint64_t seed, int out_fd,
                             snx_buf *msg, int keep_nodes)
{
    piece_sink ps = { .fd = out_fd, .idx = idx, .attempt = env_now() };
    if (x->on_piece)
        traj_set_stream_sink(x->traj, send_piece, &ps);
    int rc = env_execute_run(x->traj, x->run, x->run_data, idx, seed, msg, keep_nodes);
    traj_set_stream_sink(x->traj, NULL, NULL);
    snx_buf_free(&ps.buf);
    return rc;
}

static volatile sig_atomic_t g_stop;        /* worker: start no new run */
static volatile pid_t g_child;              /* worker: the running run child */

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
    int channel_lost; /* a piece could not be passed on to the writer */
    int reaped;       /* status holds the child's end */
    int status;       /* waitpid status */
} run_outcome;

#define CHILD_CHECK_MS 50 /* how often a child that sends nothing is checked on */

/* Passes the pieces of streamed items at the front of buf on to the writer, as they
 * come, so that neither the run nor its worker holds more than one. */
static int pass_pieces(int res_fd, snx_buf *buf)
{
    size_t len, start = 0;
    if (!buf->data)
        return 0;
    while (env_piece_complete(buf->data + start, buf->len - start, &len)) {
        if (env_frame_send(res_fd, ENV_FRAME_PIECE, buf->data + start, len))
            return -1;
        start += len;
    }
    if (start) {
        memmove(buf->data, buf->data + start, buf->len - start);
        buf->len -= start;
    }
    return 0;
}

/* Reads the child's message until it is whole, the pipe closes, or the child is
 * gone -- a process the run left behind may hold the pipe open for ever -- killing
 * the child at the deadline. Pieces ahead of the message go on to res_fd. */
static void collect_child(int fd, int res_fd, pid_t pid, double deadline, run_outcome *o)
{
    size_t whole;
    int draining = 0; /* the child is gone: read what it left, then stop */
    for (;;) {
        if (pass_pieces(res_fd, &o->msg)) {
            o->channel_lost = 1;
            return;
        }
        if (env_msg_complete(o->msg.data, o->msg.len, &whole))
            break;
        int wait_ms = draining ? 0 : CHILD_CHECK_MS;
        if (deadline > 0 && !draining) {
            double left = deadline - env_mono_now();
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
        if (r == 0 && env_mono_now() >= deadline) {
            kill(pid, SIGKILL);
            o->timed_out = 1;
            deadline = 0;
        } else if (r == 0) {
            nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
        }
    }
}

/* What a run process does first. libgomp's thread pool does not survive fork: if
 * the writer ran OpenMP before the runs, a run's first parallel region would wait
 * for threads that do not exist, so runs then use one thread. */
static void enter_run_process(const env_exec *x, pid_t worker)
{
    if (x->memory_limit) { /* a run that allocates without bound fails alone */
        struct rlimit lim = { (rlim_t)x->memory_limit, (rlim_t)x->memory_limit };
        if (setrlimit(RLIMIT_AS, &lim))
            snx_log(SNX_LOG_WARNING, "cannot limit the run's memory to %zu bytes: %s",
                    x->memory_limit, strerror(errno));
    }
    if (x->one_omp_thread) { /* every parallel region inactive, num_threads or not */
        omp_set_num_threads(1);
        omp_set_max_active_levels(0);
    }
    env_set_handler(SIGUSR1, SIG_DFL, 0, NULL);
    env_set_handler(SIGUSR2, SIG_DFL, 0, NULL);
    env_set_handler(SIGPIPE, SIG_DFL, 0, NULL);
    if (x->under_mpi) { /* a crash is the run's own, reported by its worker */
        const int crash[] = { SIGABRT, SIGBUS, SIGFPE, SIGSEGV };
        for (size_t k = 0; k < sizeof crash / sizeof crash[0]; k++)
            env_set_handler(crash[k], SIG_DFL, 0, NULL);
    }
    die_with_parent(worker);
}

/* A run process for one run. */
static void run_child(const env_exec *x, long idx, uint64_t seed, int out_fd, pid_t worker)
{
    enter_run_process(x, worker);
    char name[SNX_RUN_NAME_BUF];
    env_log_set_tag(snx_run_name(name, idx));
    snx_buf msg = { 0 };
    int rc = execute_streaming(x, idx, seed, out_fd, &msg, 1);
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
    if (env_note_locks(x->traj, &locks))
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
        int rc = execute_streaming(x, (long)idx, snx_env_seed(x->master_seed, (long)idx),
                                   out_fd, &msg, 0);
        env_restore_locks(&locks);
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
    double t0 = env_now(), start = env_mono_now();
    double deadline = x->run_timeout > 0 ? start + x->run_timeout : 0;
    char why[256] = "";
    int from = -1;
    pid_t pid = launch_run(x, idx, seed, cmd_fd, res_fd, &from, why, sizeof why);
    if (pid < 0)
        return env_msg_encode_failure(report, idx, seed, t0, env_now(), SNX_EIO, why);
    g_child = pid;
    run_outcome o = { .status = 0 };
    collect_child(from, res_fd, pid, deadline, &o);
    if (o.channel_lost) { /* the writer is gone: so are we */
        kill(pid, SIGKILL);
        _exit(EXIT_CHANNEL);
    }
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
    /* Code that does not check its allocations dies of them at the limit. */
    bool maybe_memory = WIFSIGNALED(o.status)
                            ? WTERMSIG(o.status) == SIGSEGV || WTERMSIG(o.status) == SIGBUS ||
                                  WTERMSIG(o.status) == SIGABRT
                            : WIFEXITED(o.status) && WEXITSTATUS(o.status) == EXIT_RUN_CHANNEL;
    if (why[0] && !o.timed_out && maybe_memory && x->memory_limit)
        snprintf(why + strlen(why), sizeof why - strlen(why),
                 " (if it ran out of memory: the limit is %.0f MB, snx_env_opts.run_memory)",
                 (double)x->memory_limit / 1048576.0);
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

void env_worker_main(const env_exec *x, int cmd_fd, int res_fd, pid_t writer,
                        const sigset_t *mask)
{
    env_set_handler(SIGINT, SIG_IGN, 0, NULL);
    env_set_handler(SIGTERM, SIG_IGN, 0, NULL);
    env_set_handler(SIGPIPE, SIG_IGN, 0, NULL);
    env_set_handler(SIGCHLD, SIG_DFL, 0, NULL);
    env_set_handler(SIGUSR2, on_worker_stop, 0, NULL); /* no SA_RESTART: wakes up read() */
    env_set_handler(SIGUSR1, on_worker_kill, 0, NULL);
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
