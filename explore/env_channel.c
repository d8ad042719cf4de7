/* The channel between the writer and its workers: framed messages over pipes, and
 * the pipe implementation of the channel interface (env_internal.h).
 *
 * A frame is "SNXF" u32 | type u32 | payload length u64 | payload. The writer polls
 * many workers' pipes and assembles frames incrementally (env_reader), so that a
 * slow or large message never blocks the others; a worker reads its commands with
 * blocking calls. Nothing here knows what a payload means, which is what lets the
 * MPI transport (env_mpi_channel.c) carry the same payloads, one MPI message each.
 *
 * env_pipes: poll waits for any worker's pipe; recv then drains the ready pipes one
 * by one, reading each once per poll (a worker that writes without pause cannot
 * starve the others), and gives a peer's end of stream as one ENV_FRAME_CLOSED
 * after its last whole frame. */
#include "env_internal.h"
#include "snex/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FRAME_MAGIC 0x464E5853u /* "SNXF" */

int env_write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return snx_error(SNX_EIO, "channel: write failed: %s", strerror(errno));
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static void frame_header(unsigned char h[ENV_FRAME_HEADER], uint32_t type, uint64_t len)
{
    uint32_t magic = FRAME_MAGIC;
    memcpy(h, &magic, 4);
    memcpy(h + 4, &type, 4);
    memcpy(h + 8, &len, 8);
}

int env_frame_send(int fd, uint32_t type, const void *payload, size_t len)
{
    unsigned char h[ENV_FRAME_HEADER];
    frame_header(h, type, len);
    int rc = env_write_all(fd, h, sizeof h);
    return rc ? rc : env_write_all(fd, payload, len);
}

/* 0, 1 at end of stream before any byte, or an error. */
static int read_exact(int fd, void *data, size_t len)
{
    char *p = data;
    size_t got = 0;
    while (got < len) {
        ssize_t n = read(fd, p + got, len - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return snx_error(SNX_EIO, "channel: read failed: %s", strerror(errno));
        if (n == 0)
            return got ? snx_error(SNX_EFORMAT, "channel: stream ended inside a frame") : 1;
        got += (size_t)n;
    }
    return 0;
}

static int parse_header(const unsigned char *h, uint32_t *type, uint64_t *len)
{
    uint32_t magic;
    memcpy(&magic, h, 4);
    memcpy(type, h + 4, 4);
    memcpy(len, h + 8, 8);
    if (magic != FRAME_MAGIC)
        return snx_error(SNX_EFORMAT, "channel: bad frame header");
    return 0;
}

int env_frame_recv(int fd, uint32_t *type, snx_buf *payload)
{
    unsigned char h[ENV_FRAME_HEADER];
    uint64_t len;
    int rc = read_exact(fd, h, sizeof h);
    if (rc)
        return rc;
    if ((rc = parse_header(h, type, &len)))
        return rc;
    payload->len = 0;
    if (snx_buf_reserve(payload, len))
        return SNX_ENOMEM;
    rc = read_exact(fd, payload->data, len);
    if (rc == 1)
        rc = snx_error(SNX_EFORMAT, "channel: stream ended inside a frame");
    if (!rc)
        payload->len = len;
    return rc;
}

#define ENV_READER_KEEP (4u << 20) /* bytes a reader keeps between messages */

int env_reader_fill(env_reader *rd, int fd)
{
    snx_buf *b = &rd->buf;
    if (rd->start && rd->start == b->len) { /* all consumed: start over */
        b->len = 0;
        rd->start = 0;
        if (b->cap > ENV_READER_KEEP) /* one huge message: do not hold its size */
            snx_buf_free(b);
    } else if (rd->start > b->cap / 2) { /* move the tail to the front */
        memmove(b->data, b->data + rd->start, b->len - rd->start);
        b->len -= rd->start;
        rd->start = 0;
    }
    for (;;) {
        if (snx_buf_reserve(b, 65536))
            return SNX_ENOMEM;
        ssize_t n = read(fd, b->data + b->len, b->cap - b->len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno == EAGAIN || errno == EWOULDBLOCK
                       ? 0
                       : snx_error(SNX_EIO, "channel: read failed: %s", strerror(errno));
        if (n == 0)
            return 1;
        b->len += (size_t)n;
        if (b->len + 1 < b->cap)
            return 0; /* the pipe is drained */
    }
}

int env_reader_next(env_reader *rd, uint32_t *type, const void **payload, size_t *len)
{
    size_t avail = rd->buf.len - rd->start;
    const unsigned char *p = (const unsigned char *)rd->buf.data + rd->start;
    uint64_t plen;
    if (avail < ENV_FRAME_HEADER)
        return 0;
    int rc = parse_header(p, type, &plen);
    if (rc)
        return rc;
    if (plen > avail - ENV_FRAME_HEADER)
        return 0;
    *payload = p + ENV_FRAME_HEADER;
    *len = (size_t)plen;
    rd->start += ENV_FRAME_HEADER + (size_t)plen;
    return 1;
}

void env_reader_free(env_reader *rd)
{
    snx_buf_free(&rd->buf);
    rd->start = 0;
}

/* ---- env_pipes: the channel interface over pipes ------------------------------ */

static int pipes_send(env_channel *ch, int peer, uint32_t type, const void *payload, size_t len)
{
    env_pipes *c = (env_pipes *)ch;
    int fd = c->peers[peer].cmd_fd;
    return fd < 0 ? snx_error(SNX_EIO, "channel: worker %d takes no more commands", peer)
                  : env_frame_send(fd, type, payload, len);
}

static int pipes_poll(env_channel *ch, int timeout_ms)
{
    env_pipes *c = (env_pipes *)ch;
    c->nfds = c->cursor = c->filled = 0;
    int n_open = 0;
    for (int k = 0; k < c->n; k++)
        if (c->peers[k].res_fd >= 0) {
            c->fds[n_open] = (struct pollfd){ .fd = c->peers[k].res_fd, .events = POLLIN };
            c->which[n_open++] = k;
        }
    int n = poll(c->fds, (nfds_t)n_open, timeout_ms);
    if (n < 0 && errno != EINTR)
        return snx_error(SNX_EIO, "channel: poll failed: %s", strerror(errno));
    c->nfds = n > 0 ? n_open : 0;
    return 0;
}

static int pipes_recv(env_channel *ch, env_frame *f)
{
    env_pipes *c = (env_pipes *)ch;
    while (c->cursor < c->nfds) {
        int peer = c->which[c->cursor];
        env_pipe_peer *pp = &c->peers[peer];
        if (!c->fds[c->cursor].revents || pp->res_fd < 0) {
            c->cursor++;
            continue;
        }
        if (!c->filled) {
            int end = env_reader_fill(&pp->rd, pp->res_fd);
            if (end < 0)
                return end;
            c->filled = 1;
            c->ended = end == 1;
        }
        int got = env_reader_next(&pp->rd, &f->type, &f->payload, &f->len);
        if (got < 0)
            return got;
        f->peer = peer;
        if (got)
            return 1;
        c->cursor++;
        c->filled = 0;
        if (c->ended) {
            env_pipes_detach(c, peer);
            *f = (env_frame){ .peer = peer, .type = ENV_FRAME_CLOSED };
            return 1;
        }
    }
    return 0;
}

static void pipes_close_peer(env_channel *ch, int peer)
{
    env_pipes *c = (env_pipes *)ch;
    if (c->peers[peer].cmd_fd >= 0)
        close(c->peers[peer].cmd_fd);
    c->peers[peer].cmd_fd = -1;
}

static const env_channel_ops pipes_ops = { .send = pipes_send, .poll = pipes_poll,
                                           .recv = pipes_recv, .close_peer = pipes_close_peer };

int env_pipes_init(env_pipes *c, int n)
{
    *c = (env_pipes){ .ch = { &pipes_ops }, .n = n };
    c->peers = snx_calloc((size_t)n, sizeof *c->peers);
    c->fds = snx_calloc((size_t)n, sizeof *c->fds);
    c->which = snx_calloc((size_t)n, sizeof *c->which);
    if (!c->peers || !c->fds || !c->which) {
        env_pipes_free(c);
        return SNX_ENOMEM;
    }
    for (int k = 0; k < n; k++)
        c->peers[k] = (env_pipe_peer){ .cmd_fd = -1, .res_fd = -1 };
    return 0;
}

void env_pipes_attach(env_pipes *c, int peer, int cmd_fd, int res_fd)
{
    fcntl(res_fd, F_SETFL, fcntl(res_fd, F_GETFL) | O_NONBLOCK);
    c->peers[peer] = (env_pipe_peer){ .cmd_fd = cmd_fd, .res_fd = res_fd };
}

void env_pipes_detach(env_pipes *c, int peer)
{
    env_pipe_peer *pp = &c->peers[peer];
    pipes_close_peer(&c->ch, peer);
    if (pp->res_fd >= 0)
        close(pp->res_fd);
    pp->res_fd = -1;
    env_reader_free(&pp->rd);
}

void env_pipes_close_all(env_pipes *c)
{
    for (int k = 0; k < c->n; k++) {
        if (c->peers[k].cmd_fd >= 0)
            close(c->peers[k].cmd_fd);
        if (c->peers[k].res_fd >= 0)
            close(c->peers[k].res_fd);
    }
}

void env_pipes_free(env_pipes *c)
{
    for (int k = 0; c->peers && k < c->n; k++)
        env_pipes_detach(c, k);
    free(c->peers);
    free(c->fds);
    free(c->which);
    *c = (env_pipes){ 0 };
}
