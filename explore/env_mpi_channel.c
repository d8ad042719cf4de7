/* The channel interface (env_internal.h) over MPI: the transport of MPI sweeps
 * between rank 0 (the writer) and the worker ranks (env_mpi.c).
 *
 * Design. One frame is one MPI message of bytes: the payload is sent as it is (the
 * same run messages as on the pipes), and the frame's type travels in the tag,
 * together with the sweep's phase: tag = phase * 16 + type. Every snx_env_run (and
 * every run phase of it) on every rank counts phases the same way, since every rank
 * runs the same program; a frame of another phase -- a worker rank that said HELLO
 * after rank 0 had already ended that phase -- is dropped on receipt, so it can never
 * be taken for a frame of the next sweep. Phase 0 is no sweep's: a frame of phase 0
 * (rank 0's QUIT at its exit) reaches the receiver in whatever phase it is.
 *
 * MPI offers no descriptor to poll(): poll probes (MPI_Iprobe) and sleeps 50 us
 * between probes, which costs a waiting rank little and adds at most that much
 * latency per frame. A peer that dies gives no end of stream here; env_mpi.c notices
 * silence instead (heartbeats). A send to a dead peer would never complete (MPI_Send
 * spins for ever once the shared-memory queue is full, or waits for a rendezvous):
 * sends are MPI_Isend, tested until done or until the channel's timeout, after which
 * the send fails and the request is abandoned -- and with it MPI_Finalize, which
 * would wait for it (env_mpi_abandoned). Only compiled with MPI (make MPI=1, or Open
 * MPI found by pkg-config). */
#ifdef SNX_HAVE_MPI
#include "env_internal.h"
#include "snex/error.h"
#include "snex/util.h"

#include <limits.h>
#include <mpi.h>
#include <stdlib.h>
#include <time.h>

#define TYPE_BITS 4
#define PROBE_SLEEP_NS 50000L

bool env_mpi_abandoned;

typedef struct mpi_channel {
    env_channel ch;
    unsigned phase;
    double timeout;  /* seconds a send may take */
    snx_buf buf;     /* the last frame received */
    int pending;     /* probe found a message: status says which */
    MPI_Status status;
} mpi_channel;

static int mpi_fail(int err, const char *what, int peer)
{
    char text[MPI_MAX_ERROR_STRING];
    int n = 0;
    if (MPI_Error_string(err, text, &n) != MPI_SUCCESS)
        n = 0;
    text[n] = '\0';
    return snx_error(SNX_EIO, "MPI: %s rank %d failed: %s", what, peer, text);
}

static int mpi_send(env_channel *ch, int peer, uint32_t type, const void *payload, size_t len)
{
    mpi_channel *c = (mpi_channel *)ch;
    if (len > INT_MAX)
        return snx_error(SNX_EINVAL, "MPI: a message of %zu bytes to rank %d (at most %d: "
                                     "MPI counts bytes in an int)", len, peer, INT_MAX);
    int tag = (int)(c->phase << TYPE_BITS | type);
    MPI_Request req;
    int err = MPI_Isend(payload, (int)len, MPI_BYTE, peer, tag, MPI_COMM_WORLD, &req);
    double end = env_mono_now() + c->timeout;
    for (int tests = 0; err == MPI_SUCCESS; tests++) {
        int done = 0;
        err = MPI_Test(&req, &done, MPI_STATUS_IGNORE);
        if (err == MPI_SUCCESS && done)
            return 0;
        if (err == MPI_SUCCESS && env_mono_now() >= end) {
            env_mpi_abandoned = true;
            return snx_error(SNX_EIO, "MPI: rank %d took no message for %g s (dead?)", peer,
                             c->timeout);
        }
        if (tests > 100) /* a large message: let the receiver work */
            nanosleep(&(struct timespec){ .tv_nsec = PROBE_SLEEP_NS }, NULL);
    }
    return mpi_fail(err, "sending to", peer);
}

static int probe(mpi_channel *c)
{
    if (c->pending)
        return 0;
    int err = MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &c->pending, &c->status);
    return err == MPI_SUCCESS ? 0 : mpi_fail(err, "probing for messages from any", -1);
}

static int mpi_poll(env_channel *ch, int timeout_ms)
{
    mpi_channel *c = (mpi_channel *)ch;
    double end = env_mono_now() + timeout_ms * 1e-3;
    for (;;) {
        int rc = probe(c);
        if (rc || c->pending || env_mono_now() >= end)
            return rc;
        nanosleep(&(struct timespec){ .tv_nsec = PROBE_SLEEP_NS }, NULL);
    }
}

static int mpi_recv(env_channel *ch, env_frame *f)
{
    mpi_channel *c = (mpi_channel *)ch;
    for (;;) {
        int rc = probe(c);
        if (rc || !c->pending)
            return rc;
        c->pending = 0;
        int count = 0, peer = c->status.MPI_SOURCE, tag = c->status.MPI_TAG;
        MPI_Get_count(&c->status, MPI_BYTE, &count);
        c->buf.len = 0;
        if (snx_buf_reserve(&c->buf, (size_t)count + 1))
            return SNX_ENOMEM;
        int err = MPI_Recv(c->buf.data, count, MPI_BYTE, peer, tag, MPI_COMM_WORLD,
                           MPI_STATUS_IGNORE);
        if (err != MPI_SUCCESS)
            return mpi_fail(err, "receiving from", peer);
        unsigned phase = (unsigned)tag >> TYPE_BITS;
        if (phase != c->phase && phase != 0)
            continue; /* a frame of an earlier sweep */
        *f = (env_frame){ .peer = peer, .type = (uint32_t)tag & ((1u << TYPE_BITS) - 1),
                          .payload = c->buf.data, .len = (size_t)count };
        return 1;
    }
}

static void mpi_close_peer(env_channel *ch, int peer)
{
    if (mpi_send(ch, peer, ENV_FRAME_END, NULL, 0))
        snx_error_clear(); /* a dead rank: its silence tells */
}

static const env_channel_ops mpi_ops = { .send = mpi_send, .poll = mpi_poll,
                                         .recv = mpi_recv, .close_peer = mpi_close_peer };

env_channel *env_mpi_channel_new(unsigned phase, double timeout)
{
    mpi_channel *c = snx_calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->ch.ops = &mpi_ops;
    c->timeout = timeout;
    c->phase = phase % (INT_MAX >> TYPE_BITS); /* (a sweep's phase 0 after 2^27 phases
                                                   would only also take QUIT) */
    return &c->ch;
}

void env_mpi_channel_free(env_channel *ch)
{
    mpi_channel *c = (mpi_channel *)ch;
    if (!c)
        return;
    snx_buf_free(&c->buf);
    free(c);
}
#endif
