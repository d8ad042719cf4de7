/* The channel between the writer and its workers: framed messages over pipes.
 *
 * A frame is "SNXF" u32 | type u32 | payload length u64 | payload. The writer polls
 * many workers' pipes and assembles frames incrementally (env_reader), so that a
 * slow or large message never blocks the others; a worker reads its commands with
 * blocking calls. Nothing here knows what a payload means, which is what lets an
 * MPI transport later carry the same frames (one MPI message per frame). */
#include "env_internal.h"
#include "snex/error.h"

#include <errno.h>
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
