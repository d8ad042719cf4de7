/* Synapses in a time step. Before the groups update, summed variables are written into
 * their targets; with the groups, the clock-driven equations advance. Then the
 * presynaptic spikes of the step go into the post group's ring buffer (fast path
 * "X += w") or into on_pre's event queue, and on_pre runs over the events due now;
 * after every synapses object has done so, the postsynaptic spikes go into on_post's
 * queue and on_post runs (Brian2's order: all pre pathways, then all post pathways).
 * The ring and the queues come from delivery.c. */
#include "internal.h"

#include <stdlib.h>

#include "snex/error.h"
#include "snex/util.h"

/* Synapses by postsynaptic neuron, ascending within each (a counting sort of CSR
 * positions by target): what a postsynaptic spike reaches. */
static int index_by_post(snx_synapses *s)
{
    int32_t n_post = s->post->n;
    int64_t n = s->csr.n_syn;
    s->by_post_row = snx_calloc((size_t)n_post + 1, sizeof *s->by_post_row);
    s->by_post = snx_malloc((size_t)(n ? n : 1) * sizeof *s->by_post);
    if (!s->by_post_row || !s->by_post)
        return SNX_ENOMEM;
    for (int64_t k = 0; k < n; k++)
        s->by_post_row[s->csr.targets[k] + 1]++;
    for (int32_t c = 0; c < n_post; c++)
        s->by_post_row[c + 1] += s->by_post_row[c];
    int64_t *next = snx_malloc(((size_t)n_post + 1) * sizeof *next);
    if (!next)
        return SNX_ENOMEM;
    for (int32_t c = 0; c <= n_post; c++)
        next[c] = s->by_post_row[c];
    for (int64_t k = 0; k < n; k++)
        s->by_post[next[s->csr.targets[k]]++] = k;
    free(next);
    return 0;
}

/* Root positions of both ends of every synapse, for code over all synapses. */
static int list_ends(snx_synapses *s)
{
    size_t n = (size_t)(s->csr.n_syn ? s->csr.n_syn : 1);
    s->all_post = snx_malloc(n * sizeof *s->all_post);
    s->all_pre = snx_malloc(n * sizeof *s->all_pre);
    s->summed_out = s->n_summed ? snx_malloc(n * sizeof *s->summed_out) : NULL;
    if (!s->all_post || !s->all_pre || (s->n_summed && !s->summed_out))
        return SNX_ENOMEM;
    for (int64_t k = 0; k < s->csr.n_syn; k++) {
        s->all_post[k] = (int64_t)s->post->start + s->csr.targets[k];
        s->all_pre[k] = (int64_t)s->pre->start + s->pre_of[k];
    }
    return 0;
}

static int prepare_queue(sim_pathway *p, int32_t max_delay)
{
    if (!p->prog)
        return 0;
    if (!p->queue)
        return (p->queue = sim_queue_new(max_delay)) ? 0 : snx_errcode();
    return sim_queue_grow_delay(p->queue, max_delay);
}

/* Two summed variables writing the same neurons would overwrite each other's sums. */
static int check_summed_targets(const snx_synapses *s)
{
    const snx_net *net = s->obj.net;
    for (size_t o = 0; o < net->n_objs && s->n_summed; o++) {
        if (net->objs[o]->kind != &sim_synapses_kind || !net->objs[o]->active)
            continue;
        const snx_synapses *t = (const snx_synapses *)net->objs[o];
        for (int a = 0; a < s->n_summed; a++)
            for (int b = 0; b < t->n_summed; b++) {
                const sim_summed *x = &s->summed[a], *y = &t->summed[b];
                if ((t == s && a == b) || x->target->root != y->target->root ||
                    x->var != y->var || x->target->start >= y->target->start + y->target->n ||
                    y->target->start >= x->target->start + x->target->n)
                    continue;
                return snx_error(SNX_EINVAL, "%s and %s both sum into \"%s\" of %s (one "
                                             "summed variable per target variable and neuron)",
                                 s->what, t->what, x->eq->name, x->target->root->what);
            }
    }
    return 0;
}

int sim_synapses_prepare(snx_synapses *s)
{
    sim_synapses_fill_table(s);
    int32_t max_delay = s->const_delay;
    for (int64_t k = 0; s->delay && k < s->csr.n_syn; k++)
        if (s->delay[k] > max_delay)
            max_delay = s->delay[k];
    int rc = 0;
    if (s->connected && s->on_post.prog && !s->by_post)
        rc = index_by_post(s);
    if (!rc && s->connected && (s->clock_prog || s->n_summed) && !s->all_post)
        rc = list_ends(s);
    rc = rc ? rc : check_summed_targets(s);
    s->direct = s->fast && max_delay == 0;
    if (!rc && s->fast && !s->direct)
        rc = sim_group_ring(s->post->root, s->fast_var, max_delay) ? 0 : snx_errcode();
    rc = rc ? rc : prepare_queue(&s->on_pre, max_delay);
    rc = rc ? rc : prepare_queue(&s->on_post, s->post_delay);
    if (rc)
        snx_error_context("%s", s->what);
    return rc;
}

int sim_synapses_sum(snx_synapses *s)
{
    int64_t n = s->connected ? s->csr.n_syn : 0;
    for (int k = 0; k < s->n_summed; k++) {
        const sim_summed *sm = &s->summed[k];
        double *target = sm->target->root->arrays[sm->var];
        for (int32_t q = 0; q < sm->target->n; q++)
            target[sm->target->start + q] = 0;
        if (!n)
            continue;
        s->arrays[sim_synapses_out_id(s)] = s->summed_out;
        int rc = sim_exec_indexed(s->obj.net, sm->prog, s->arrays, NULL, s->all_post,
                                  s->all_pre, n);
        if (rc)
            return snx_error_context("%s", s->what);
        const int64_t *end = sm->target == s->post ? s->all_post : s->all_pre;
        for (int64_t q = 0; q < n; q++)
            target[end[q]] += s->summed_out[q];
    }
    return 0;
}

int sim_synapses_integrate(snx_synapses *s)
{
    if (!s->clock_prog || !s->connected || !s->csr.n_syn)
        return 0;
    int rc = sim_exec_indexed(s->obj.net, s->clock_prog, s->arrays, NULL, s->all_post,
                              s->all_pre, s->csr.n_syn);
    return rc ? snx_error_context("%s", s->what) : 0;
}

/* Where the fast path adds: the post group's ring or, direct, the variable itself,
 * seen as a ring of one slot (*var describes it). */
static sim_ring *target(const snx_synapses *s, sim_ring *var)
{
    const snx_group *g = s->post->root;
    if (!s->direct)
        return g->rings[s->fast_var];
    *var = (sim_ring){ .n_targets = g->n, .max_delay = 0, .cur = 0,
                       .buf = g->arrays[s->fast_var] };
    return var;
}

static int push_ring(snx_synapses *s, const int32_t *rows, size_t n)
{
    sim_ring var, *ring = target(s, &var);
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
        return sim_queue_push_spikes(s->on_pre.queue, &s->csr, rows, n, s->const_delay);
    int rc = 0;
    for (size_t k = 0; k < n && !rc; k++)
        rc = sim_queue_push_row(s->on_pre.queue, &s->csr, rows[k], s->delay, 0);
    return rc;
}

/* Runs the pathway's program for the synapses whose events arrive in this step. */
static int run_due(snx_synapses *s, sim_pathway *p)
{
    size_t n;
    const int64_t *syn = sim_queue_current(p->queue, &n);
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
        /* Only the lists the code reads: for on_post the synapses lie scattered over
         * the CSR arrays, and every list costs a cache miss per event. */
        if (p->prog->n_idx > 1)
            for (size_t k = 0; k < n; k++)
                s->ev_post[k] = (int64_t)s->post->start + s->csr.targets[syn[k]];
        if (p->prog->n_idx > 2)
            for (size_t k = 0; k < n; k++)
                s->ev_pre[k] = (int64_t)s->pre->start + s->pre_of[syn[k]];
        rc = sim_exec_indexed(s->obj.net, p->prog, s->arrays, syn, s->ev_post, s->ev_pre,
                              (int64_t)n);
    }
    sim_queue_advance(p->queue);
    return rc;
}

/* This step's spikes of view g, relative to g, in s->rows (or in place): *out. */
static size_t view_spikes(snx_synapses *s, snx_group *g, const int32_t **out)
{
    const int32_t *sp = NULL;
    size_t n = s->connected ? sim_group_view_spikes(g, &sp) : 0;
    *out = sp;
    if (n && g->start) {
        for (size_t k = 0; k < n; k++)
            s->rows[k] = sp[k] - g->start;
        *out = s->rows;
    }
    return n;
}

int sim_synapses_propagate(snx_synapses *s)
{
    if ((!s->fast && !s->on_pre.prog) || s->direct)
        return 0;
    const int32_t *rows;
    size_t n = view_spikes(s, s->pre, &rows);
    int rc = 0;
    if (n)
        rc = s->fast ? push_ring(s, rows, n) : push_queue(s, rows, n);
    if (!rc && !s->fast)
        rc = run_due(s, &s->on_pre);
    return rc ? snx_error_context("%s", s->what) : 0;
}

int sim_synapses_propagate_post(snx_synapses *s)
{
    if (!s->on_post.prog)
        return 0;
    const int32_t *cols;
    size_t n = view_spikes(s, s->post, &cols);
    int rc = 0;
    for (size_t k = 0; k < n && !rc; k++) {
        int64_t a = s->by_post_row[cols[k]], b = s->by_post_row[cols[k] + 1];
        rc = sim_queue_push_list(s->on_post.queue, s->by_post + a, (size_t)(b - a),
                                 s->post_delay);
    }
    rc = rc ? rc : run_due(s, &s->on_post);
    return rc ? snx_error_context("%s", s->what) : 0;
}

bool sim_synapses_fast(const snx_synapses *s) { return s->fast; }

int sim_synapses_push_direct(snx_synapses *s)
{
    const int32_t *rows;
    size_t n = view_spikes(s, s->pre, &rows);
    int rc = n ? push_ring(s, rows, n) : 0;
    return rc ? snx_error_context("%s", s->what) : 0;
}

void sim_synapses_push_slice(snx_synapses *s, const int32_t *sp, size_t n, int32_t lo,
                             int32_t hi)
{
    int32_t off = s->post->start;
    if (!n || hi <= off || lo >= off + s->post->n)
        return; /* nothing spiked, or the slice misses this projection's targets */
    sim_ring var;
    sim_ring_add_rows_range(target(s, &var), &s->csr, sp, n, s->pre->start,
                            off, s->fast_w, s->fast_w_var >= 0 ? s->vars[s->fast_w_var] : NULL,
                            s->delay, s->const_delay, lo - off, hi - off);
}
