/* Streaming monitors: a spike or state monitor that hands its recordings to a sink in
 * blocks while it records, so that a long run holds a bounded buffer instead of its
 * whole record.
 *
 * Design. Recording is unchanged (monitor_spike.c, monitor_state.c append to the same
 * arrays); after each recording step sim_monitor_flush hands every full block at the
 * front to the sink and moves the remainder (less than a block) to the front. Blocks
 * have a fixed size, a power of two: the file's chunks (storage/hdf5_stream.c) are a
 * power-of-two fraction of the first block, so every later block fills whole chunks
 * and none is read back to be completed. Two blocks fit into the bound, because the
 * arrays grow by doubling: held data never exceeds a block plus one step's spikes, so
 * the capacity stays below two blocks (unless one step alone records more). */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#include "snex/error.h"
#include "snex/util.h"

#define STREAM_DEFAULT_BYTES ((size_t)4 << 20)

void sim_monitor_drop_sink(snx_monitor *m)
{
    if (m->sink_free)
        m->sink_free(m->sink_ctx);
    m->sink = NULL;
    m->sink_ctx = NULL;
    m->sink_free = NULL;
    m->block = 0;
}

/* Bytes one spike or one sample takes while held. */
static size_t item_bytes(const snx_monitor *m)
{
    if (m->type == SNX_MONITOR_SPIKES)
        return sizeof *m->sp_i + sizeof *m->sp_t;
    return sizeof *m->times + (size_t)m->n_vars * m->n_neurons * sizeof **m->values;
}

static size_t block_of(size_t max_bytes, size_t bytes)
{
    size_t fit = max_bytes / 2 / bytes, block = 1;
    while (block <= fit / 2)
        block *= 2;
    return block;
}

int snx_monitor_stream(snx_monitor *m, size_t max_bytes, snx_monitor_sink sink, void *ctx,
                       void (*free_ctx)(void *ctx))
{
    if (!m)
        return snx_error(SNX_EINVAL, "snx_monitor_stream: NULL monitor");
    if (m->type != SNX_MONITOR_SPIKES && m->type != SNX_MONITOR_STATE)
        return snx_error(SNX_EINVAL, "monitor \"%s\": only spike and state monitors stream "
                                     "(a %s monitor holds no growing record)", m->obj.name,
                         m->type == SNX_MONITOR_RATE ? "rate" : "count");
    sim_monitor_drop_sink(m);
    if (!sink)
        return 0;
    m->sink = sink;
    m->sink_ctx = ctx;
    m->sink_free = free_ctx;
    m->block = block_of(max_bytes ? max_bytes : STREAM_DEFAULT_BYTES, item_bytes(m));
    return 0;
}

void *snx_monitor_stream_ctx(const snx_monitor *m, snx_monitor_sink sink)
{
    return m && m->sink && m->sink == sink ? m->sink_ctx : NULL;
}

size_t snx_monitor_n_streamed(const snx_monitor *m) { return m ? m->n_streamed : 0; }
size_t snx_monitor_stream_block(const snx_monitor *m) { return m && m->sink ? m->block : 0; }

/* Hands out the block starting at spike or sample `first`. */
static int hand_out(snx_monitor *m, size_t first)
{
    snx_monitor_block b = { .n = m->block };
    const double **rows = NULL;
    if (m->type == SNX_MONITOR_SPIKES) {
        b.i = m->sp_i + first;
        b.t = m->sp_t + first;
    } else {
        b.t = m->times + first;
        if (!(rows = snx_malloc((size_t)m->n_vars * sizeof *rows)))
            return SNX_ENOMEM;
        for (int v = 0; v < m->n_vars; v++)
            rows[v] = m->values[v] + first * m->n_neurons;
        b.values = rows;
    }
    int rc = m->sink(m->sink_ctx, m, &b);
    free(rows);
    if (!rc)
        m->n_streamed += m->block;
    return rc;
}

int sim_monitor_flush(snx_monitor *m)
{
    if (!m->sink)
        return 0;
    size_t held = m->type == SNX_MONITOR_SPIKES ? m->n_sp : m->n_samples;
    if (held < m->block)
        return 0;
    size_t first = 0;
    int rc = 0;
    for (; !rc && held - first >= m->block; first += m->block)
        rc = hand_out(m, first);
    if (rc)
        return rc;
    size_t rest = held - first;
    if (m->type == SNX_MONITOR_SPIKES) {
        memmove(m->sp_i, m->sp_i + first, rest * sizeof *m->sp_i);
        memmove(m->sp_t, m->sp_t + first, rest * sizeof *m->sp_t);
        m->n_sp = rest;
    } else {
        memmove(m->times, m->times + first, rest * sizeof *m->times);
        for (int v = 0; v < m->n_vars; v++)
            memmove(m->values[v], m->values[v] + first * m->n_neurons,
                    rest * m->n_neurons * sizeof *m->values[v]);
        m->n_samples = rest;
    }
    return 0;
}
