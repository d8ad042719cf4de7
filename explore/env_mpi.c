/* MPI sweeps: the same program under `mpirun -np N` (or srun) runs one sweep across
 * machines. Rank 0 is the writer and dispatcher, the only process that touches the
 * storage file; ranks 1..N-1 are workers, each with its own pool of worker processes
 * (env_pool.c, n_workers of them) forking run processes as on one machine.
 *
 * Design.
 * - Detection at run time (env_mpi_init, from snx_env_new): a process started by
 *   mpirun/srun (OMPI_COMM_WORLD_SIZE, PMIX_RANK or PMI_SIZE set) initialises MPI
 *   unless the program did, and finalizes it at exit when it initialised it. One
 *   rank alone is no MPI sweep: it runs as on one machine.
 * - Every rank builds the trajectory itself by running the same program; worker
 *   ranks keep it in memory (no storage). A worker rank's HELLO carries its number
 *   of worker processes and the description of its trajectory (env_traj_describe:
 *   every parameter with a hash of its values in every run), which rank 0 compares
 *   with its own: a program that builds another trajectory on some rank is refused,
 *   naming the first difference, and the sweep ends there (rank 0's snx_env_run
 *   fails with that message); rank 0 answers START with the master seed and
 *   whether its storage takes pieces of streamed items: only rank 0 has storage, so
 *   only it can say whether runs stream (their pieces are forwarded as PIECE
 *   frames, like reports).
 * - Dynamic dispatch: rank 0 keeps a few runs in flight per rank (one per worker
 *   process while runs are long, so that no run waits behind a long one on a busy
 *   rank while another idles; 50 ms of work per worker process while they are short,
 *   so that no rank waits for rank 0 between them), sending indices in batches (RUN). A worker
 *   rank's pool takes them as they come (env_exec.feed) and forwards every report
 *   as it is (REPORT); rank 0 stores it with env_on_report, exactly as on one
 *   machine -- same messages, same seeds, same file.
 * - Failures: a run that crashes, hangs or dies fails alone inside its rank's pool.
 *   A rank that goes silent for rank_timeout (heartbeats, BEAT, every 0.5 s both
 *   ways) is given up: its runs in flight are dispatched again to the others (a run
 *   whose rank died twice while it ran fails). Open MPI aborts the whole job when a
 *   rank dies unless mpirun has --enable-recovery (docs/CLUSTER.md); then the sweep
 *   finishes without it. Worker ranks give up on a silent rank 0 the same way; a
 *   killed rank 0 is a killed writer: resume from the file. Once a rank was given
 *   up no rank calls MPI_Finalize: Open MPI's finalize waits for every rank (a
 *   fence), and for a dead one it waits for ever, now and then; END tells the
 *   worker ranks so.
 * - Rank 0 says QUIT to every worker rank when its process exits, in no phase (0):
 *   a worker rank waiting for a sweep that rank 0 will never start -- rank 0 failed
 *   before it, e.g. snx_env_new refused an existing file -- ends with an error
 *   instead of waiting for ever (and rank 0 with it, in MPI_Finalize).
 * - SIGINT/SIGTERM on rank 0: STOP to every rank (start no new runs, running runs
 *   may finish within the grace period; a second signal sends KILL), then as on one
 *   machine. Runs a rank had received but not started are "not run".
 * Only compiled with MPI; without it env_mpi_init says "one process". */
#include "env_internal.h"
#include "snex/error.h"
#include "snex/util.h"

#include <stdlib.h>

static int g_mpi_threads; /* threads MPI started in this process */

int env_mpi_threads(void) { return g_mpi_threads; }

#ifndef SNX_HAVE_MPI
int env_mpi_init(int *rank, int *size)
{
    *rank = 0;
    *size = 1;
    return 0;
}
#else
#include <mpi.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define BEAT_INTERVAL 0.5  /* seconds between heartbeats */
#define SHORT_RUN 0.02     /* seconds: shorter runs on average are short (as env_pool.c) */
#define BUFFERED 0.05      /* seconds of short runs in flight per worker process */
#define MAX_DEPTH 256      /* runs in flight per worker process, at most */

#define QUIT_TIMEOUT 1.0  /* seconds rank 0's QUIT may take to leave, per rank */

static pid_t g_mpi_pid;   /* the process that joined an MPI sweep (run processes are
                             copies of it) */
static bool g_we_initialised; /* MPI_Init was ours: so is MPI_Finalize */
static int g_rank, g_size;
static unsigned g_phase;  /* run phases so far: every rank counts the same */
static bool g_rank_lost;  /* a rank was given up: MPI_Finalize could wait for it */

/* Rank 0's last word: no more sweeps (see the top). */
static void say_quit(void)
{
    env_channel *ch = env_mpi_channel_new(0, QUIT_TIMEOUT);
    for (int k = 1; ch && k < g_size && !env_mpi_abandoned; k++)
        if (ch->ops->send(ch, k, ENV_FRAME_QUIT, NULL, 0))
            snx_error_clear(); /* a dead rank: nobody waits for it */
    env_mpi_channel_free(ch);
}

static void mpi_at_exit(void)
{
    int done = 0;
    /* a run process that calls exit() runs this too: never speak or finalize from a
     * copy */
    if (getpid() != g_mpi_pid || MPI_Finalized(&done) != MPI_SUCCESS || done)
        return;
    if (g_rank == 0 && !env_mpi_abandoned)
        say_quit();
    if (g_we_initialised && !env_mpi_abandoned && !g_rank_lost)
        MPI_Finalize();
}

static bool launched_by_mpi(void)
{
    return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMIX_RANK") || getenv("PMI_SIZE");
}

int env_mpi_init(int *rank, int *size)
{
    *rank = 0;
    *size = 1;
    int inited = 0;
    MPI_Initialized(&inited);
    if (!inited && !launched_by_mpi())
        return 0;
    if (!inited) {
        int before = env_threads_in_process(), provided;
        if (MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
            return snx_error(SNX_EIO, "environment: MPI_Init failed (started by mpirun?)");
        g_mpi_threads = env_threads_in_process() - before;
        g_we_initialised = true;
    }
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_rank(MPI_COMM_WORLD, rank);
    MPI_Comm_size(MPI_COMM_WORLD, size);
    if (!g_mpi_pid && *size > 1) {
        g_mpi_pid = getpid();
        g_rank = *rank;
        g_size = *size;
        atexit(mpi_at_exit);
    }
    return 0;
}

/* ---- what a worker rank says when it is ready --------------------------------- */

/* A HELLO: its worker processes (i64), then the description of its trajectory. */
static int say_hello(env_channel *ch, const env_exec *x)
{
    snx_buf b = { 0 };
    int64_t slots = x->n_workers;
    int rc = snx_buf_append(&b, &slots, sizeof slots) ? SNX_ENOMEM
                                                       : env_traj_describe(x->traj, &b);
    if (!rc)
        rc = ch->ops->send(ch, 0, ENV_FRAME_HELLO, b.data, b.len);
    snx_buf_free(&b);
    return rc;
}

/* What rank 0 answers a HELLO with. */
typedef struct start {
    uint64_t master_seed;
    uint64_t streams; /* 1: runs stream their monitors (rank 0 takes pieces) */
} start;

static double rank_timeout(const env_exec *x)
{
    return x->env->opts.rank_timeout > 0 ? x->env->opts.rank_timeout : 10.0;
}

/* ---- rank 0 --------------------------------------------------------------------- */

typedef struct rank_state {
    bool hello, done, dead, ended; /* ended: END sent */
    size_t slots;
    long *inflight;                /* runs sent and not yet reported */
    size_t n_inflight, cap;
    double last_heard, last_beat;
} rank_state;

typedef struct dispatcher {
    env_exec *x;
    env_channel *ch;
    int size;
    rank_state *r;
    long *requeue;          /* runs of dead ranks, to dispatch again */
    size_t n_requeue, next;
    unsigned char *lost;    /* per run: how often its rank died with it */
    int64_t *batch;         /* the indices of one RUN frame */
    size_t batch_cap;
    snx_buf mine;           /* the description of rank 0's trajectory */
    double runtime_sum;
    size_t n_reports;
    bool stopping, killed;
    double kill_at;
} dispatcher;

static int send_or_give_up(dispatcher *d, int k, uint32_t type, const void *p, size_t len);

static size_t d_left(const dispatcher *d) { return d->n_requeue + (d->x->n_todo - d->next); }

static long d_take(dispatcher *d)
{
    return d->n_requeue ? d->requeue[--d->n_requeue] : d->x->todo[d->next++];
}

/* Runs in flight per worker process: one while runs are long; while they are
 * short, BUFFERED seconds of them, so that a rank never waits for rank 0 (a round
 * trip through a busy rank 0 takes far longer than a trivial run). */
static size_t depth(const dispatcher *d)
{
    if (!d->n_reports)
        return 2;
    double mean = d->runtime_sum / (double)d->n_reports;
    if (mean >= SHORT_RUN)
        return 1;
    return mean * MAX_DEPTH <= BUFFERED ? MAX_DEPTH : 1 + (size_t)(BUFFERED / mean);
}

static bool live(const rank_state *r) { return r->hello && !r->done && !r->dead; }

/* A report rank 0 makes itself: for a run interrupted, or lost with its rank. */
static int report_failure(dispatcher *d, long idx, int status, const char *why)
{
    snx_buf msg = { 0 };
    int rc = env_msg_encode_failure(&msg, idx, snx_env_seed(d->x->master_seed, idx), env_now(),
                                    env_now(), status, why);
    if (!rc)
        rc = d->x->on_report(d->x, msg.data, msg.len);
    snx_buf_free(&msg);
    return rc;
}

static int send_runs(dispatcher *d, int k)
{
    rank_state *r = &d->r[k];
    size_t cap = r->slots * depth(d);
    size_t free_slots = cap > r->n_inflight ? cap - r->n_inflight : 0;
    /* short runs go in batches of half the rank's share: fewer, larger messages */
    size_t batch = cap > 2 * r->slots ? cap / 2 : 1;
    if (!free_slots || (free_slots < batch && r->n_inflight && d_left(d) >= batch))
        return 0;
    if (free_slots > d_left(d))
        free_slots = d_left(d);
    if (snx_grow(&r->inflight, &r->cap, r->n_inflight + free_slots, sizeof *r->inflight) ||
        snx_grow(&d->batch, &d->batch_cap, free_slots, sizeof *d->batch))
        return SNX_ENOMEM;
    for (size_t j = 0; j < free_slots; j++) {
        long idx = d_take(d);
        r->inflight[r->n_inflight++] = idx;
        d->batch[j] = idx;
    }
    return send_or_give_up(d, k, ENV_FRAME_RUN, d->batch, free_slots * sizeof *d->batch);
}

static int dispatch(dispatcher *d)
{
    int rc = 0;
    for (int k = 1; k < d->size && !rc && !d->stopping && d_left(d); k++)
        if (live(&d->r[k]) && !d->r[k].ended)
            rc = send_runs(d, k);
    return rc;
}

static int on_hello(dispatcher *d, int k, const env_frame *f)
{
    rank_state *r = &d->r[k];
    int64_t slots;
    if (f->len < sizeof slots)
        return snx_error(SNX_EFORMAT, "MPI: a malformed HELLO from rank %d", k);
    memcpy(&slots, f->payload, sizeof slots);
    int rc = env_traj_compare(d->mine.data, d->mine.len, (const char *)f->payload + sizeof slots,
                              f->len - sizeof slots, k);
    if (rc)
        return rc;
    if (r->ended || r->hello)
        return 0; /* END is on its way: the phase ended before it was ready */
    r->hello = true;
    r->slots = slots > 0 ? (size_t)slots : 1;
    snx_log(SNX_LOG_DEBUG, "MPI rank %d ready with %zu worker processes", k, r->slots);
    start st = { .master_seed = d->x->master_seed, .streams = d->x->on_piece != NULL };
    return send_or_give_up(d, k, ENV_FRAME_START, &st, sizeof st);
}

static int on_report(dispatcher *d, int k, const env_frame *f)
{
    rank_state *r = &d->r[k];
    long idx;
    int status;
    double runtime;
    int rc = env_msg_peek(f->payload, f->len, &idx, &status, &runtime);
    if (rc)
        return rc;
    size_t j = 0;
    while (j < r->n_inflight && r->inflight[j] != idx)
        j++;
    if (j == r->n_inflight)
        return snx_error(SNX_EFORMAT, "MPI: rank %d reported run %ld, which it was not given",
                         k, idx);
    r->inflight[j] = r->inflight[--r->n_inflight];
    d->runtime_sum += runtime > 0 ? runtime : 0;
    d->n_reports++;
    /* The rank's next runs first, then the storing of this one: the rank computes
     * while rank 0 writes, instead of waiting for it (as env_pool.c). Not once a
     * signal asked to stop (the dispatch loop has not seen it yet); and the report is
     * stored even when the sending failed. */
    int sent = 0;
    if (live(r) && !r->ended && !d->stopping && d_left(d) && !env_signals_received(NULL))
        sent = send_runs(d, k);
    rc = d->x->on_report(d->x, f->payload, f->len);
    return sent ? sent : rc;
}

/* A rank that ended or went silent: what it held runs elsewhere (dead), or is not
 * run (after a stop). */
static int take_back(dispatcher *d, int k, const char *why)
{
    rank_state *r = &d->r[k];
    int rc = 0;
    for (size_t j = 0; j < r->n_inflight && !rc; j++) {
        long idx = r->inflight[j];
        if (d->stopping)
            rc = report_failure(d, idx, ENV_INTERRUPTED, "interrupted before it ran");
        else if (++d->lost[idx] >= 2)
            rc = report_failure(d, idx, SNX_ERUN, why);
        else
            d->requeue[d->n_requeue++] = idx;
    }
    r->n_inflight = 0;
    return rc;
}

static int on_frame(dispatcher *d, const env_frame *f)
{
    int k = f->peer;
    if (k <= 0 || k >= d->size)
        return snx_error(SNX_EFORMAT, "MPI: a frame from rank %d", k);
    rank_state *r = &d->r[k];
    r->last_heard = env_mono_now();
    if (r->dead)
        return 0; /* given up already: its runs went elsewhere */
    switch (f->type) {
    case ENV_FRAME_HELLO:
        return on_hello(d, k, f);
    case ENV_FRAME_REPORT:
        return on_report(d, k, f);
    case ENV_FRAME_PIECE: /* the writer checks that its run is one in flight */
        return d->x->on_piece ? d->x->on_piece(d->x, f->payload, f->len) : 0;
    case ENV_FRAME_BEAT:
        return 0;
    case ENV_FRAME_DONE:
        r->done = true;
        return take_back(d, k, "its rank ended before reporting it");
    default:
        return snx_error(SNX_EFORMAT, "MPI: unexpected frame %u from rank %d", f->type, k);
    }
}

static void send_all(dispatcher *d, uint32_t type)
{
    for (int k = 1; k < d->size; k++)
        if (live(&d->r[k]) && d->ch->ops->send(d->ch, k, type, NULL, 0))
            snx_error_clear(); /* a dead rank: its silence tells */
}

/* END to rank k: no more runs; its payload says whether a rank was given up (then
 * no rank may call MPI_Finalize). */
static void send_end(dispatcher *d, int k)
{
    uint8_t lost = g_rank_lost;
    if (d->ch->ops->send(d->ch, k, ENV_FRAME_END, &lost, sizeof lost))
        snx_error_clear(); /* a dead rank: its silence tells */
}

static void end_all(dispatcher *d)
{
    for (int k = 1; k < d->size; k++)
        if (!d->r[k].ended && !d->r[k].dead) {
            send_end(d, k);
            d->r[k].ended = true;
        }
}

static void check_signals(dispatcher *d)
{
    int last = 0, n = env_signals_received(&last);
    if (n && !d->stopping) {
        d->stopping = true;
        d->x->interrupted = last ? last : SIGINT;
        double grace = d->x->grace_period;
        snx_log(SNX_LOG_WARNING, "%s received: starting no new runs on any rank%s",
                env_signal_name(d->x->interrupted),
                grace > 0 ? "; running runs may finish (a second signal kills them)" : "");
        send_all(d, ENV_FRAME_STOP);
        end_all(d);
        d->kill_at = env_mono_now() + (grace > 0 ? grace : 0);
    }
    if (n > 1 && !d->killed)
        d->kill_at = env_mono_now();
    if (d->stopping && !d->killed && env_mono_now() >= d->kill_at) {
        d->killed = true;
        snx_log(SNX_LOG_WARNING, "killing the running runs on every rank");
        send_all(d, ENV_FRAME_KILL);
    }
}

/* A rank silent for too long, or that takes no message: its runs in flight run
 * elsewhere. If it is only slow it must stop too (it would wait for runs for ever):
 * KILL and END, unless sending to it is what failed. */
static int give_up(dispatcher *d, int k, const char *what)
{
    rank_state *r = &d->r[k];
    g_rank_lost = true;
    if (!env_mpi_abandoned) {
        if (d->ch->ops->send(d->ch, k, ENV_FRAME_KILL, NULL, 0))
            snx_error_clear();
        else
            send_end(d, k);
    }
    r->dead = r->ended = true;
    snx_log(SNX_LOG_WARNING, "MPI rank %d %s: given up; its %zu runs in flight run "
                             "elsewhere", k, what, r->n_inflight);
    char why[96];
    snprintf(why, sizeof why, "its MPI rank %d died twice while it ran", k);
    return take_back(d, k, why);
}

/* A send to rank k: a failure gives the rank up, the sweep goes on. */
static int send_or_give_up(dispatcher *d, int k, uint32_t type, const void *p, size_t len)
{
    if (!d->ch->ops->send(d->ch, k, type, p, len))
        return 0;
    char what[200];
    snprintf(what, sizeof what, "cannot be sent to (%s)", snx_errmsg());
    snx_error_clear();
    return give_up(d, k, what);
}

/* Heartbeats out, and ranks silent for too long given up. */
static int check_ranks(dispatcher *d)
{
    double now = env_mono_now(), timeout = rank_timeout(d->x);
    int rc = 0;
    for (int k = 1; k < d->size && !rc; k++) {
        rank_state *r = &d->r[k];
        if (!live(r))
            continue;
        if (now - r->last_heard > timeout) {
            char what[64];
            snprintf(what, sizeof what, "silent for %.1f s", now - r->last_heard);
            rc = give_up(d, k, what);
        } else if (now - r->last_beat >= BEAT_INTERVAL) {
            r->last_beat = now;
            rc = send_or_give_up(d, k, ENV_FRAME_BEAT, NULL, 0);
        }
    }
    return rc;
}

static bool all_reported(const dispatcher *d)
{
    for (int k = 1; k < d->size; k++)
        if (d->r[k].n_inflight)
            return false;
    return true;
}

static bool finished(const dispatcher *d)
{
    for (int k = 1; k < d->size; k++)
        if (live(&d->r[k]) || !d->r[k].ended)
            return false;
    return true;
}

static int dispatch_loop(dispatcher *d)
{
    int rc = 0;
    while (!rc && !finished(d)) {
        check_signals(d);
        if ((rc = check_ranks(d)) || (rc = dispatch(d)))
            break;
        if (!d_left(d) && all_reported(d))
            end_all(d);
        if ((rc = d->ch->ops->poll(d->ch, 100)))
            break;
        env_frame f;
        int got;
        while (!rc && (got = d->ch->ops->recv(d->ch, &f)) == 1)
            rc = on_frame(d, &f);
        if (!rc && got < 0)
            rc = got;
    }
    return rc;
}

/* The sweep ends with an error: runs in flight will not be stored, and what they
 * streamed goes now rather than at the next session (best effort: the error that
 * ended the sweep is the one to report). */
static void drop_pieces_in_flight(dispatcher *d)
{
    for (int k = 1; d->x->on_piece && k < d->size; k++)
        for (size_t j = 0; j < d->r[k].n_inflight; j++)
            if (snx_traj_discard_pieces(d->x->traj, d->r[k].inflight[j]))
                snx_error_clear();
}

static void dispatcher_free(dispatcher *d)
{
    for (int k = 0; d->r && k < d->size; k++)
        free(d->r[k].inflight);
    free(d->r);
    free(d->requeue);
    free(d->lost);
    free(d->batch);
    snx_buf_free(&d->mine);
    env_mpi_channel_free(d->ch);
}

int env_mpi_dispatch(env_exec *x, int size)
{
    x->interrupted = 0;
    dispatcher d = { .x = x, .size = size,
                     .ch = env_mpi_channel_new(++g_phase, rank_timeout(x)) };
    size_t n_runs = snx_traj_n_runs(x->traj);
    d.r = snx_calloc((size_t)size, sizeof *d.r);
    d.requeue = snx_calloc(x->n_todo ? x->n_todo : 1, sizeof *d.requeue);
    d.lost = snx_calloc(n_runs ? n_runs : 1, 1);
    int rc = !d.ch || !d.r || !d.requeue || !d.lost ? SNX_ENOMEM
                                                    : env_traj_describe(x->traj, &d.mine);
    if (rc) {
        dispatcher_free(&d);
        return rc;
    }
    double now = env_mono_now();
    for (int k = 1; k < size; k++)
        d.r[k].last_heard = d.r[k].last_beat = now;
    env_saved_signals saved;
    env_signals_install(&saved, 0);
    snx_log(SNX_LOG_INFO, "MPI: rank 0 of %d dispatching %zu runs to the worker ranks", size,
            x->n_todo);
    rc = dispatch_loop(&d);
    if (rc) { /* tell every rank; keep the message */
        int code = snx_errcode();
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", snx_errmsg());
        send_all(&d, ENV_FRAME_KILL);
        end_all(&d);
        drop_pieces_in_flight(&d);
        snx_error(code ? code : rc, "%s", msg);
    }
    env_signals_restore(&saved);
    dispatcher_free(&d);
    return rc;
}

/* ---- a worker rank -------------------------------------------------------------- */

typedef struct server {
    env_channel *ch;
    long *todo;
    size_t n_todo, cap;
    double last_heard, last_beat, timeout;
    size_t n_served;
    bool writer_gone; /* rank 0 silent for too long */
} server;

static int append_runs(server *s, env_exec *x, const env_frame *f)
{
    size_t n = f->len / sizeof(int64_t);
    if (snx_grow(&s->todo, &s->cap, s->n_todo + n, sizeof *s->todo))
        return SNX_ENOMEM;
    for (size_t j = 0; j < n; j++) {
        int64_t v;
        memcpy(&v, (const char *)f->payload + j * sizeof v, sizeof v);
        s->todo[s->n_todo++] = (long)v;
    }
    x->todo = s->todo;
    x->n_todo = s->n_todo;
    return 0;
}

static void note_end(const env_frame *f)
{
    if (f->len >= 1 && ((const uint8_t *)f->payload)[0])
        g_rank_lost = true;
}

static int serve_frame(server *s, env_exec *x, const env_frame *f)
{
    if (f->peer != 0)
        return snx_error(SNX_EFORMAT, "MPI: a frame from rank %d to a worker rank", f->peer);
    s->last_heard = env_mono_now();
    switch (f->type) {
    case ENV_FRAME_RUN:
        return append_runs(s, x, f);
    case ENV_FRAME_END:
        x->more_coming = false;
        note_end(f);
        return 0;
    case ENV_FRAME_QUIT: /* rank 0 has exited: whatever we run is lost */
        s->writer_gone = true;
        env_signals_raise(SIGTERM);
        env_signals_raise(SIGTERM);
        return snx_error(SNX_EIO, "MPI: rank 0 (the writer) ended during the sweep: resume "
                                  "the sweep from its file");
    case ENV_FRAME_STOP:
        env_signals_raise(SIGTERM);
        return 0;
    case ENV_FRAME_KILL: /* a second signal: the pool kills at once */
        env_signals_raise(SIGTERM);
        env_signals_raise(SIGTERM);
        return 0;
    case ENV_FRAME_BEAT:
    case ENV_FRAME_START: /* a late answer to nothing: ignore */
        return 0;
    default:
        return snx_error(SNX_EFORMAT, "MPI: unexpected frame %u from rank 0", f->type);
    }
}

/* The pool's feed: frames from rank 0, heartbeats, rank 0's silence. */
static int serve_feed(env_exec *x)
{
    server *s = x->feed_data;
    env_frame f;
    int got, rc = 0;
    while (!rc && (got = s->ch->ops->recv(s->ch, &f)) == 1)
        rc = serve_frame(s, x, &f);
    if (rc || got < 0)
        return rc ? rc : got;
    double now = env_mono_now();
    if (now - s->last_beat >= BEAT_INTERVAL) {
        s->last_beat = now;
        if ((rc = s->ch->ops->send(s->ch, 0, ENV_FRAME_BEAT, NULL, 0)))
            return rc;
    }
    if (now - s->last_heard > s->timeout && (s->writer_gone = true))
        return snx_error(SNX_EIO, "MPI: rank 0 (the writer) silent for %.1f s: it died? "
                                  "Resume the sweep from its file", now - s->last_heard);
    return 0;
}

static int forward_report(env_exec *x, const void *msg, size_t len)
{
    server *s = x->feed_data;
    s->n_served++;
    int rc = s->ch->ops->send(s->ch, 0, ENV_FRAME_REPORT, msg, len);
    if (rc && env_mpi_abandoned) {
        s->writer_gone = true;
        snx_error_context("rank 0 (the writer) died? Resume the sweep from its file");
    }
    return rc;
}

static int forward_piece(env_exec *x, const void *piece, size_t len)
{
    server *s = x->feed_data;
    return s->ch->ops->send(s->ch, 0, ENV_FRAME_PIECE, piece, len);
}

/* Waits for rank 0's START (1, filling *st) or END (0). */
static int await_start(server *s, start *st)
{
    for (;;) {
        int rc = s->ch->ops->poll(s->ch, 100);
        env_frame f;
        int got = rc ? rc : s->ch->ops->recv(s->ch, &f);
        if (got < 0)
            return got;
        if (got && f.type == ENV_FRAME_START && f.len == sizeof *st) {
            memcpy(st, f.payload, sizeof *st);
            s->last_heard = env_mono_now();
            return 1;
        }
        if (got && (f.type == ENV_FRAME_END || f.type == ENV_FRAME_KILL)) {
            if (f.type == ENV_FRAME_END)
                note_end(&f);
            return 0;
        }
        if (got && f.type == ENV_FRAME_QUIT) {
            s->writer_gone = true;
            return snx_error(SNX_ESTATE, "MPI: rank 0 (the writer) ended without starting "
                                         "this sweep: see its messages");
        }
        /* rank 0 may be busy for long before it answers (building, storing): no
         * timeout here; if it dies, mpirun ends the job */
    }
}

int env_mpi_serve(env_exec *x, int rank)
{
    x->interrupted = 0;
    server s = { .ch = env_mpi_channel_new(++g_phase, rank_timeout(x)),
                 .timeout = rank_timeout(x) };
    if (!s.ch)
        return SNX_ENOMEM;
    start st;
    int rc = say_hello(s.ch, x);
    int started = rc ? rc : await_start(&s, &st);
    if (started == 1) {
        x->master_seed = st.master_seed;
        x->todo = NULL;
        x->n_todo = 0;
        x->feed = serve_feed;
        x->feed_data = &s;
        x->more_coming = true;
        x->on_report = forward_report;
        /* this rank has no storage: rank 0's says whether runs stream */
        x->on_piece = st.streams ? forward_piece : NULL;
        s.last_beat = env_mono_now();
        rc = env_exec_pool(x);
        x->todo = NULL;
        x->n_todo = 0;
        snx_log(SNX_LOG_INFO, "MPI rank %d: %zu runs run and reported", rank, s.n_served);
    } else {
        rc = started;
    }
    if (!s.writer_gone) { /* what we had is reported (or lost if rank 0 must know) */
        int sent = s.ch->ops->send(s.ch, 0, ENV_FRAME_DONE, NULL, 0);
        rc = rc ? rc : sent;
    }
    free(s.todo);
    env_mpi_channel_free(s.ch);
    return rc;
}
#endif
