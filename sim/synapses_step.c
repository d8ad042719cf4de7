/* Synapses in a time step: the presynaptic spikes of the step go into the post group's
 * ring buffer (fast path "X += w") or into the event queue, and the on_pre program runs
 * over the events due now. Both structures come from delivery.c. */
#include "internal.h"

#include <stdlib.h>

#include "snex/error.h"
#include "snex/util.h"

int sim_synapses_prepare(snx_synapses *s)
{
    sim_synapses_fill_table(s);
    int32_t max_delay = s->const_delay;
    for (int64_t k = 0; s->delay && k < s->csr.n_syn; k++)
        if (s->delay[k] > max_delay)
            max_delay = s->delay[k];
    if (s->fast)
        return sim_group_ring(s->post->root, s->fast_var, max_delay) ? 0 : snx_errcode();
    if (!s->queue)
        return (s->queue = sim_queue_new(max_delay)) ? 0 : snx_errcode();
    return sim_queue_grow_delay(s->queue, max_delay);
}

static int push_ring(snx_synapses *s, const int32_t *rows, size_t n)
{
    sim_ring *ring = s->post->root->rings[s->fast_var];
    int32_t off = s->post->start;
    if (s->fast_w_var < 0 && !s->delay)
        return sim_ring_add_spikes_const(ring, &s->csr, rows, n, off, s->fast_w, s->const_delay);
    int rc = 0;
    for (size_t k = 0; k < n && !rc; k++)
        rc = s->fast_w_var < 0
                 ? sim_ring_add_row_cw_off(ring, &s->csr, rows[k], off, s->fast_w, s->delay)
                 : sim_ring_add_row_off(ring, &s->csr, rows[k], off, s->vars[s->fast_w_var],
                                        s->delay, s->const_delay);
    return rc;
}

static int push_queue(snx_synapses *s, const int32_t *rows, size_t n)
{
    if (!s->delay)
        return sim_queue_push_spikes(s->queue, &s->csr, rows, n, s->const_delay);
    int rc = 0;
    for (size_t k = 0; k < n && !rc; k++)
        rc = sim_queue_push_row(s->queue, &s->csr, rows[k], s->delay, 0);
    return rc;
}

/* Runs on_pre for the synapses whose spikes arrive in this step. */
static int run_due(snx_synapses *s)
{
    size_t n;
    const int64_t *syn = sim_queue_current(s->queue, &n);
    int rc = 0;
    if (n > s->ev_cap) {
        free(s->ev_post);
        free(s->ev_pre);
        s->ev_post = snx_malloc(n * sizeof *s->ev_post);
        s->ev_pre = snx_malloc(n * sizeof *s->ev_pre);
        s->ev_cap = s->ev_post && s->ev_pre ? n : 0;
        if (!s->ev_cap)
            return SNX_ENOMEM;
    }
    if (n) {
        for (size_t k = 0; k < n; k++) {
            s->ev_post[k] = (int64_t)s->post->start + s->csr.targets[syn[k]];
            s->ev_pre[k] = (int64_t)s->pre->start + s->pre_of[syn[k]];
        }
        rc = sim_exec_indexed(s->obj.net, s->on_pre_prog, s->arrays, syn, s->ev_post, s->ev_pre,
                              (int64_t)n);
    }
    sim_queue_advance(s->queue);
    return rc;
}

int sim_synapses_propagate(snx_synapses *s)
{
    int rc = 0;
    const int32_t *sp;
    size_t n = s->connected ? sim_group_view_spikes(s->pre, &sp) : 0;
    if (n) {
        const int32_t *rows = sp;
        if (s->pre->start) { /* rows are relative to the presynaptic view */
            for (size_t k = 0; k < n; k++)
                s->rows[k] = sp[k] - s->pre->start;
            rows = s->rows;
        }
        rc = s->fast ? push_ring(s, rows, n) : push_queue(s, rows, n);
    }
    if (!rc && !s->fast)
        rc = run_due(s);
    if (rc)
        snx_error_context("%s", s->what);
    return rc;
}
