/* The Environment's internals, shared by explore/env*.c and run_message.c.
 *
 * Three layers:
 *   run messages (run_message.c)  what one run added + its report, as bytes;
 *   channel (env_channel.c)       framed messages between the writer and workers:
 *                                 an interface with two implementations, pipes
 *                                 (env_channel.c) and MPI (env_mpi_channel.c);
 *   executor (env_pool.c)         worker processes, dispatch, failures, signals;
 *   MPI sweeps (env_mpi.c)        rank 0 dispatching to worker ranks' pools;
 *   env_os.c                      clocks and signal helpers they all use.
 * env.c drives them: options, storage, the environment record, post-processing. */
#ifndef SNX_ENV_INTERNAL_H
#define SNX_ENV_INTERNAL_H

#include "snex/env.h"
#include "snex/util.h"

#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#define ENV_MAX_WORKERS 4096 /* snx_env_opts.n_workers */

/* The status of a run killed because the sweep was interrupted (it did not fail:
 * resume runs it). Deliberately no SNX_E code, which a run may return itself. */
#define ENV_INTERRUPTED (-10000)

/* ---- run messages -------------------------------------------------------------
 * One run's message:
 *   header   "SNXR" u32 | version u16 | byte-order mark u16 (0x0102) | length u64
 *            (of the whole message)
 *   report   idx i64 | status i32 | seed u64 | timestamp f64 | finish f64 |
 *            error str | return value
 *   nodes    count u32, then per node in order of addition (parents first):
 *            kind u8 | full name str | comment str | annotations u32 × (key str, value)
 *            | parameter: value | result: items u32 × (name str, value)
 * str:   u32 length (0xFFFFFFFF = NULL) + bytes, no NUL.
 * value: type u8, then: bool u8 | int i64 | double f64 | complex 2×f64 | string str |
 *        quantity unit str + f64 (SI) | arrays ndim u8, shape u64×ndim, (double arrays:
 *        unit str), len×8 bytes | table rows u64, cols u32, per column name str, type
 *        u8, data (int/double 8 bytes, bool 1 byte, string str per row).
 * Numbers are in the sender's byte order; the mark lets a receiver refuse another. */
typedef struct env_report {
    long idx;
    int status;          /* 0 or the run's SNX_E code */
    uint64_t seed;
    double timestamp, finish_timestamp;
    char *error;         /* owned; NULL when none */
    snx_value ret;       /* owned */
} env_report;

void env_report_clear(env_report *r);

/* Appends the message of run r->idx: the report and (status 0 only) every node the
 * trajectory recorded as added during the run (snx_traj_run_added). */
int env_msg_encode(snx_buf *out, snx_traj *traj, const env_report *r);
/* Whether buf[0..len) starts with a complete message; its length in *msg_len. */
int env_msg_complete(const void *buf, size_t len, size_t *msg_len);
/* The run index, status and runtime of a complete message, without decoding it. */
int env_msg_peek(const void *buf, size_t len, long *idx, int *status, double *runtime);
/* Decodes the report (into *r, which the caller clears) and creates the message's
 * nodes in traj (snx_traj_load_group / snx_traj_load_leaf). SNX_EFORMAT when the
 * bytes are not a valid message. */
int env_msg_apply(snx_traj *traj, const void *buf, size_t len, env_report *r);

/* A piece of a streamed item (snx_traj_stream_item), sent by a run process ahead of
 * its run message, on the same pipe, and from its worker to the writer as a STREAM
 * frame:
 *   header "SNXP" u32 | version u16 | byte-order mark u16 | length u64
 *   idx i64 | attempt f64 (the run's start time: pieces of an earlier execution of
 *   the same run are told apart) | result full name str | item str | value (an int or
 *   double array). */
typedef struct env_piece {
    long idx;
    double attempt;
    char *full_name, *item; /* owned */
    snx_value value;        /* owned */
} env_piece;
int env_piece_encode(snx_buf *out, long idx, double attempt, const char *full_name,
                     const char *item, const snx_value *piece);
/* Whether buf[0..len) starts with a complete piece; its length in *piece_len. */
int env_piece_complete(const void *buf, size_t len, size_t *piece_len);
/* Decodes exactly one piece (SNX_EFORMAT otherwise); the caller clears *p. */
int env_piece_decode(const void *buf, size_t len, env_piece *p);
void env_piece_clear(env_piece *p);

/* The description of a trajectory that rank 0 of an MPI sweep compares with every
 * worker rank's (its parameters' names, values and explored values; layout in
 * run_message.c), appended to out. */
int env_traj_describe(snx_traj *traj, snx_buf *out);
/* 0 when rank `rank` described the trajectory rank 0 described (equal bytes); else
 * SNX_EINVAL naming the first difference ("MPI: rank 2 built another trajectory
 * than rank 0: parameter \"tau\" is 20 ms on rank 2, 10 ms on rank 0; ..."), or
 * SNX_EFORMAT for bytes that are no description. */
int env_traj_compare(const void *mine, size_t mine_len, const void *theirs, size_t theirs_len,
                     int rank);

/* ---- channel -------------------------------------------------------------------
 * A frame: "SNXF" u32 | type u32 | length u64 | payload. The writer sends RUN frames
 * (payload: run indices, i64 each) to a worker; a worker sends REPORT frames
 * (payload: one run message) back. The other types are those of MPI sweeps
 * (env_mpi.c). Frames on a pipe are read incrementally (env_reader), so the writer
 * can poll many workers. */
enum {
    ENV_FRAME_RUN = 1,    /* run indices to run */
    ENV_FRAME_REPORT = 2, /* one run's message */
    ENV_FRAME_HELLO = 3,  /* MPI: a worker rank is ready (env_mpi.c says what it holds) */
    ENV_FRAME_START = 4,  /* MPI: rank 0 accepts it (payload: the master seed, and
                             whether runs stream) */
    ENV_FRAME_END = 5,    /* MPI: no more runs (payload: 1 byte, non-zero when a rank
                             was given up: then no rank calls MPI_Finalize) */
    ENV_FRAME_DONE = 6,   /* MPI: a worker rank has reported everything */
    ENV_FRAME_STOP = 7,   /* MPI: start no new run (the first SIGINT/SIGTERM) */
    ENV_FRAME_KILL = 8,   /* MPI: kill the running runs */
    ENV_FRAME_BEAT = 9,   /* MPI: still alive */
    ENV_FRAME_PIECE = 10, /* a piece of a streamed item of a running run */
    ENV_FRAME_QUIT = 11,  /* MPI: rank 0 has exited (in phase 0: reaches every phase) */
    ENV_FRAME_CLOSED = 15 /* not sent: what recv gives when a peer's stream ended */
};
#define ENV_FRAME_HEADER 16

int env_frame_send(int fd, uint32_t type, const void *payload, size_t len);
/* Blocking read of one frame into *payload (resized). 0, 1 at a clean end of
 * stream, or a negative error. */
int env_frame_recv(int fd, uint32_t *type, snx_buf *payload);
int env_write_all(int fd, const void *data, size_t len);

/* Incremental reading of frames from a non-blocking descriptor. */
typedef struct env_reader {
    snx_buf buf;
    size_t start; /* consumed bytes at the front of buf */
} env_reader;
/* Reads what is available: 0, 1 at end of stream, or a negative error. */
int env_reader_fill(env_reader *rd, int fd);
/* The next complete frame (pointers into the reader's buffer, valid until the next
 * fill) or 0 when none is complete yet; SNX_EFORMAT on garbage. */
int env_reader_next(env_reader *rd, uint32_t *type, const void **payload, size_t *len);
void env_reader_free(env_reader *rd);

/* The channel interface: frames to and from numbered peers. The writer's pool talks
 * to its worker processes through pipes (env_pipes, env_channel.c); in an MPI sweep,
 * rank 0 talks to the worker ranks and each worker rank to rank 0 through MPI
 * (env_mpi_channel.c). The same run messages travel either way. */
typedef struct env_frame {
    int peer;
    uint32_t type;       /* ENV_FRAME_CLOSED: the peer's stream ended */
    const void *payload; /* valid until the next recv or poll */
    size_t len;
} env_frame;
typedef struct env_channel env_channel;
typedef struct env_channel_ops {
    int (*send)(env_channel *ch, int peer, uint32_t type, const void *payload, size_t len);
    /* Waits at most timeout_ms until something can be received: 0 or an error. */
    int (*poll)(env_channel *ch, int timeout_ms);
    /* The next frame that arrived: 1, 0 when none is waiting, or an error. */
    int (*recv)(env_channel *ch, env_frame *f);
    /* No more frames to peer (a worker process then leaves when it is done). */
    void (*close_peer)(env_channel *ch, int peer);
} env_channel_ops;
struct env_channel {
    const env_channel_ops *ops;
};

/* Pipes to and from worker processes: peer k's commands go to cmd_fd, its frames
 * come from res_fd (made non-blocking). */
typedef struct env_pipe_peer {
    int cmd_fd, res_fd; /* -1 when closed */
    env_reader rd;
} env_pipe_peer;
typedef struct env_pipes {
    env_channel ch;
    env_pipe_peer *peers;
    int n;
    /* the last poll: its descriptors, and how far recv has drained them */
    struct pollfd *fds;
    int *which, nfds, cursor, filled, ended;
} env_pipes;
int env_pipes_init(env_pipes *c, int n);
void env_pipes_attach(env_pipes *c, int peer, int cmd_fd, int res_fd);
/* Closes both pipes of peer (recv has closed them already after ENV_FRAME_CLOSED). */
void env_pipes_detach(env_pipes *c, int peer);
/* In a forked child: closes every attached pipe (they are the parent's). */
void env_pipes_close_all(env_pipes *c);
/* Detaches every peer and frees the channel. */
void env_pipes_free(env_pipes *c);

/* ---- logging (env_log.c) ------------------------------------------------------ */
/* Configures the process-wide logger; folder NULL/"" = no file. */
int env_log_open(snx_log_level level, const char *folder, const char *traj_name,
                 char **path_out);
void env_log_close(void);
/* The tag of lines written from now on in this process (a run's name), or NULL. */
void env_log_set_tag(const char *tag);
/* A child process: keep the file, write nothing that is not ours to stderr. */
void env_log_in_child(void);

/* Progress of a run phase: a bar on a terminal, log lines otherwise. */
typedef struct env_progress {
    snx_progress mode;
    size_t total, done, failed;
    double t0, last_draw;
    int last_decile;
    int bar_shown;
} env_progress;
void env_progress_start(env_progress *p, snx_progress mode, size_t total);
void env_progress_update(env_progress *p, size_t done, size_t failed);
void env_progress_end(env_progress *p);
/* Clears a bar so that a log line can be written. */
void env_progress_clear_line(void);

/* ---- the operating system (env_os.c) -------------------------------------------- */
double env_now(void);      /* wall clock, seconds since the epoch */
double env_mono_now(void); /* monotonic clock, seconds */
/* mkdir -p path: 0 or SNX_EIO. */
int env_make_folders(const char *path);
/* 0 when path's folder (made if missing) takes new files and an existing file at
 * path opens for writing; else SNX_EIO saying which and why. */
int env_check_writable(const char *path);
/* FNV-1a of data, continuing from h (0xCBF29CE484222325 to start): identities. */
uint64_t env_fnv1a(uint64_t h, const void *data, size_t n);
/* The threads of this process (1 where that cannot be known). */
int env_threads_in_process(void);
/* The CPUs this process may run on (its affinity mask: taskset, Slurm, mpirun's
 * binding), at least 1. */
size_t env_cpus_available(void);
/* sigaction with an empty mask; the previous action into *old (may be NULL). */
void env_set_handler(int sig, void (*handler)(int), int flags, struct sigaction *old);
/* Short signal name: "SIGSEGV". */
const char *env_signal_name(int sig);

/* ---- executor (env_pool.c: the writer's side; env_worker.c: workers and runs) --- */

/* How a worker process ends (its exit status). */
#define EXIT_STOPPED 0     /* a worker that was told to stop, or saw the end of commands */
#define EXIT_KILLED 2      /* a worker told to kill its run child */
#define EXIT_CHANNEL 3     /* a worker that lost its writer */
#define EXIT_RUN_CHANNEL 125 /* a run process that could not send its message (rarely
                                a run's own exit status, so it can be told apart) */

/* Parameters' lock states before the first run: reading a parameter locks it, and a
 * process that executes several runs puts the locks back after each. */
typedef struct lock_state {
    snx_node **pars;
    unsigned char *locked;
    size_t n, cap;
} lock_state;
int env_note_locks(snx_traj *traj, lock_state *s);
void env_restore_locks(const lock_state *s);
void env_free_locks(lock_state *s);

/* The writer's signals (env_pool.c): SIGINT/SIGTERM are counted (the first stops
 * dispatching, a second kills the running runs), SIGPIPE ignored, SIGCHLD default. */
typedef struct env_saved_signals {
    struct sigaction intr, term, pipe, chld;
} env_saved_signals;
void env_signals_install(env_saved_signals *s, int reset_after_first);
void env_signals_restore(const env_saved_signals *s);
/* SIGINT/SIGTERM received since the install; the last one into *last (may be NULL). */
int env_signals_received(int *last);
/* Counts sig as received (a worker rank that rank 0 told to stop). */
void env_signals_raise(int sig);

/* Runs the listed runs and hands every report to on_report. */
typedef struct env_exec {
    snx_env *env;
    snx_traj *traj;
    snx_run_fn run;
    void *run_data;
    const long *todo;
    size_t n_todo;
    int n_workers;
    double run_timeout, grace_period;
    size_t memory_limit; /* RLIMIT_AS of run processes in bytes; 0: none */
    uint64_t master_seed;
    int reuse_process; /* opts.stateless: a worker reuses one run process */
    int one_omp_thread; /* the writer had threads at the fork (OpenMP's pool):
                           run processes must not start OpenMP's, which hangs */
    bool under_mpi;     /* a rank of an MPI sweep: run processes put back the default
                           actions of the crash signals, for which Open MPI installs
                           handlers that print a backtrace */
    /* the writer's part: apply, store, free (returns 0 or a fatal error) */
    int (*on_report)(struct env_exec *x, const void *msg, size_t len);
    /* the writer's part for a piece of a streamed item (NULL: runs do not stream;
     * run processes then install no sink) */
    int (*on_piece)(struct env_exec *x, const void *piece, size_t len);
    /* called before forking workers (closes the storage file) */
    int (*before_fork)(struct env_exec *x);
    int interrupted;   /* set when a signal stopped the phase */
    /* MPI worker ranks: runs arrive while the pool runs. feed is called on every
     * turn of the pool's loop and may append to todo (x->todo and x->n_todo grow;
     * the indices already there stay); the pool ends once more_coming is false and
     * every run given has been reported. */
    int (*feed)(struct env_exec *x);
    bool more_coming;
    void *feed_data;
} env_exec;

int env_exec_pool(env_exec *x);
int env_exec_single(env_exec *x, int (*restore)(void *), void *restore_data);

/* Executes one run in this process: begin_run, the run function, end_run; fills
 * the message into out (nodes included when the run succeeded). keep_nodes leaves
 * the added nodes in the tree (otherwise they are removed). */
int env_execute_run(snx_traj *traj, snx_run_fn run, void *run_data, long idx, uint64_t seed,
                    snx_buf *out, int keep_nodes);

/* A report for a run that never produced a message (crash, timeout, ...). */
int env_msg_encode_failure(snx_buf *out, long idx, uint64_t seed, double t0, double t1,
                           int status, const char *error);

/* A worker process: runs the runs the writer sends on cmd_fd, reports on res_fd,
 * never returns (leaves with _exit). mask: the signal mask to restore once its
 * handlers are set. */
void env_worker_main(const env_exec *x, int cmd_fd, int res_fd, pid_t writer,
                     const sigset_t *mask) __attribute__((noreturn));

/* ---- MPI sweeps (env_mpi.c, env_mpi_channel.c) ------------------------------------ */
/* Whether this process is a rank of an MPI job (started by mpirun or srun): then
 * MPI is initialised (unless the program did) and *rank, *size say where we are;
 * else (or built without MPI) 0 and 1. 0 or SNX_EIO. */
int env_mpi_init(int *rank, int *size);
/* The threads MPI_Init started in this process (not OpenMP's). */
int env_mpi_threads(void);
#ifdef SNX_HAVE_MPI
/* The channel to the other ranks; frames of other phases are dropped; a send that
 * does not complete in `timeout` seconds fails (and sets env_mpi_abandoned: then
 * MPI_Finalize would wait for ever and is skipped). */
env_channel *env_mpi_channel_new(unsigned phase, double timeout);
extern bool env_mpi_abandoned;
void env_mpi_channel_free(env_channel *ch);
/* Rank 0 of `size`: dispatches x's runs to the worker ranks, stores their reports
 * with x->on_report. */
int env_mpi_dispatch(env_exec *x, int size);
/* A worker rank: runs what rank 0 sends in its pool of x->n_workers processes and
 * forwards every report; x's todo list is ignored. */
int env_mpi_serve(env_exec *x, int rank);
#endif

/* ---- the environment (env.c), its record and its writer -------------------------- */
struct snx_env {
    snx_env_opts opts;        /* strings below are our copies */
    char *trajectory, *comment, *filename_opt, *log_folder;
    snx_traj *traj;
    int own_traj;
    const snx_env_storage *storage;
    char *filename;           /* "" without storage */
    char *log_path;           /* "" without a log file */
    size_t memory_limit;      /* of run processes, bytes (0: none) */
    char name[96];            /* environment_<sha7>_<time> */
    char hexsha[17], short_sha[8];
    double created;
    int resuming;
    int ran;
    int mpi_rank, mpi_size;   /* 0 and 1 unless the program runs under mpirun */

    snx_postproc_fn postproc;
    void *postproc_data;

    snx_run_result *results;  /* one per run, in run order */
    struct env_refusal *refused; /* runs whose pieces the storage refused (env_writer.c) */
    size_t n_refused;
    size_t n_results;
    size_t n_completed, n_failed, n_earlier;
    int interrupted;

    /* the current phase */
    env_progress progress;
    size_t phase_done, phase_failed;
    int keep_run_data;        /* no storage: run data stays in the tree */
    snx_value *run_one_result; /* snx_env_run_one: where the value goes */
};

/* env_record.c: the record config.environment.<name>, and its end time. */
int env_add_record(snx_env *env);
int env_add_end_time(snx_env *env);

/* env_writer.c: the writer's handling of a run's message (store it; for run_one, keep
 * it in the tree), closing the storage before a fork, and removing from the tree
 * what an earlier execution of run idx left there. */
int env_on_report(env_exec *x, const void *msg, size_t len);
int env_on_report_keep(env_exec *x, const void *msg, size_t len);
/* A piece of a streamed item: kept aside by the storage until its run is stored. */
int env_on_piece(env_exec *x, const void *piece, size_t len);
void env_forget_refusals(snx_env *env);
int env_close_storage(env_exec *x);
int env_forget_run(snx_traj *traj, long idx);

#endif
