/* sim/delivery: ring buffers of accumulated synaptic input and event queues of synapse
 * indices, both indexed by delay. See delivery.h for the contract. */
#include "delivery.h"

#include <stdlib.h>
#include <string.h>

#include "snex/error.h"
#include "snex/util.h"

/* ---- shared checks ---------------------------------------------------------------- */

static int check_csr_row(const char *fn, const sim_csr *csr, int32_t pre)
{
    if (!csr)
        return snx_error(SNX_EINVAL, "%s: csr is NULL", fn);
    if (!csr->row)
        return snx_error(SNX_EINVAL, "%s: csr has no rows (row is NULL)", fn);
    if (pre < 0 || pre >= csr->n_pre)
        return snx_error(SNX_EINVAL, "%s: pre = %d is outside [0, n_pre = %d)", fn, (int)pre,
                         (int)csr->n_pre);
    return 0;
}

static int check_delay(const char *fn, const char *what, int32_t d, int32_t max_delay)
{
    if (d < 0)
        return snx_error(SNX_EINVAL, "%s: %s = %d is negative", fn, what, (int)d);
    if (d > max_delay)
        return snx_error(SNX_EINVAL, "%s: %s = %d exceeds max_delay = %d (grow it first)", fn,
                         what, (int)d, (int)max_delay);
    return 0;
}

/* Every delay[s] of row pre in [0, max_delay]; names the first offender. */
static int check_row_delays(const char *fn, const sim_csr *csr, int32_t pre,
                            const int32_t *delay, int32_t max_delay)
{
    int64_t s0 = csr->row[pre], s1 = csr->row[pre + 1];
    /* Branch-free reduction first (vectorises); locate the culprit only on failure. */
    uint32_t worst = 0;
    for (int64_t s = s0; s < s1; s++) {
        uint32_t u = (uint32_t)delay[s];
        worst = u > worst ? u : worst;
    }
    if (worst <= (uint32_t)max_delay)
        return 0;
    for (int64_t s = s0; s < s1; s++) {
        if (delay[s] < 0)
            return snx_error(SNX_EINVAL, "%s: delay[%lld] = %d (presynaptic neuron %d) is "
                             "negative", fn, (long long)s, (int)delay[s], (int)pre);
        if (delay[s] > max_delay)
            return snx_error(SNX_EINVAL, "%s: delay[%lld] = %d (presynaptic neuron %d) exceeds "
                             "max_delay = %d (grow it first)", fn, (long long)s, (int)delay[s],
                             (int)pre, (int)max_delay);
    }
    return 0;
}

static int check_max_delay(const char *fn, int32_t max_delay)
{
    if (max_delay < 0)
        return snx_error(SNX_EINVAL, "%s: max_delay_steps = %d is negative", fn, (int)max_delay);
    if (max_delay == INT32_MAX)
        return snx_error(SNX_EINVAL, "%s: max_delay_steps = %d is too large", fn, (int)max_delay);
    return 0;
}

/* ---- ring buffers --------------------------------------------------------------- */

static double *ring_alloc(const char *fn, int32_t n_targets, int32_t max_delay)
{
    size_t slots = (size_t)max_delay + 1, n = (size_t)n_targets;
    if (n && slots > SIZE_MAX / sizeof(double) / n) {
        snx_error(SNX_ENOMEM, "%s: %zu slots of %zu targets do not fit in memory", fn, slots, n);
        return NULL;
    }
    size_t total = slots * n;
    double *buf = snx_calloc(total ? total : 1, sizeof *buf);
    if (!buf)
        snx_error_context("%s", fn);
    return buf;
}

sim_ring *sim_ring_new(int32_t n_targets, int32_t max_delay_steps)
{
    static const char fn[] = "sim_ring_new";
    if (n_targets < 0) {
        snx_error(SNX_EINVAL, "%s: n_targets = %d is negative", fn, (int)n_targets);
        return NULL;
    }
    if (check_max_delay(fn, max_delay_steps))
        return NULL;
    sim_ring *r = snx_calloc(1, sizeof *r);
    if (!r) {
        snx_error_context("%s", fn);
        return NULL;
    }
    r->buf = ring_alloc(fn, n_targets, max_delay_steps);
    if (!r->buf) {
        free(r);
        return NULL;
    }
    r->n_targets = n_targets;
    r->max_delay = max_delay_steps;
    r->cur = 0;
    return r;
}

void sim_ring_free(sim_ring *ring)
{
    if (!ring)
        return;
    free(ring->buf);
    free(ring);
}

/* The slot `d` steps ahead (d in [0, max_delay]). */
static inline double *ring_slot(const sim_ring *r, int32_t d)
{
    int32_t s = r->cur + d;
    if (s > r->max_delay)
        s -= r->max_delay + 1;
    return r->buf + (size_t)s * (size_t)r->n_targets;
}

static int check_ring_row(const char *fn, const sim_ring *ring, const sim_csr *csr,
                          int32_t pre, int32_t target_offset)
{
    if (!ring)
        return snx_error(SNX_EINVAL, "%s: ring is NULL", fn);
    int rc = check_csr_row(fn, csr, pre);
    if (rc)
        return rc;
    if (target_offset < 0 || (int64_t)target_offset + csr->n_post > ring->n_targets)
        return snx_error(SNX_EINVAL, "%s: target_offset = %d with n_post = %d does not fit in "
                         "the ring's n_targets = %d", fn, (int)target_offset, (int)csr->n_post,
                         (int)ring->n_targets);
    return 0;
}

/* The hot loop: dst[t[k]] += w. Targets within a row are distinct for every generated
 * CSR, but correctness does not depend on it (explicit pairs may repeat). */
static inline void scatter_const(double *restrict dst, const int32_t *restrict t, int64_t n,
                                 double w)
{
    int64_t k = 0;
    for (; k + 4 <= n; k += 4) {
        int32_t a = t[k], b = t[k + 1], c = t[k + 2], d = t[k + 3];
        dst[a] += w;
        dst[b] += w;
        dst[c] += w;
        dst[d] += w;
    }
    for (; k < n; k++)
        dst[t[k]] += w;
}

int sim_ring_add_row_const_off(sim_ring *ring, const sim_csr *csr, int32_t pre,
                               int32_t target_offset, double w, int32_t delay_steps)
{
    static const char fn[] = "sim_ring_add_row_const";
    int rc = check_ring_row(fn, ring, csr, pre, target_offset);
    if (rc || (rc = check_delay(fn, "delay_steps", delay_steps, ring->max_delay)))
        return rc;
    int64_t s0 = csr->row[pre];
    scatter_const(ring_slot(ring, delay_steps) + target_offset, csr->targets + s0,
                  csr->row[pre + 1] - s0, w);
    return 0;
}

int sim_ring_add_spikes_const(sim_ring *ring, const sim_csr *csr, const int32_t *spikes,
                              size_t n_spikes, int32_t target_offset, double w,
                              int32_t delay_steps)
{
    static const char fn[] = "sim_ring_add_spikes_const";
    if (n_spikes == 0)
        return 0;
    if (!spikes)
        return snx_error(SNX_EINVAL, "%s: spikes is NULL (n_spikes = %zu)", fn, n_spikes);
    int rc = check_ring_row(fn, ring, csr, spikes[0], target_offset);
    if (rc || (rc = check_delay(fn, "delay_steps", delay_steps, ring->max_delay)))
        return rc;
    for (size_t i = 1; i < n_spikes; i++)
        if (spikes[i] < 0 || spikes[i] >= csr->n_pre)
            return snx_error(SNX_EINVAL, "%s: spikes[%zu] = %d is outside [0, n_pre = %d)", fn,
                             i, (int)spikes[i], (int)csr->n_pre);
    double *dst = ring_slot(ring, delay_steps) + target_offset;
    const int64_t *row = csr->row;
    for (size_t i = 0; i < n_spikes; i++) {
        int64_t s0 = row[spikes[i]];
        scatter_const(dst, csr->targets + s0, row[spikes[i] + 1] - s0, w);
    }
    return 0;
}

/* Per-synapse delays: each synapse picks its slot. */
static void scatter_delays(sim_ring *r, const sim_csr *csr, int32_t pre, int32_t off,
                           const double *w, double wc, const int32_t *delay)
{
    const int32_t *t = csr->targets;
    size_t n = (size_t)r->n_targets;
    int32_t cur = r->cur, ns = r->max_delay + 1;
    double *base = r->buf + off;
    for (int64_t s = csr->row[pre]; s < csr->row[pre + 1]; s++) {
        int32_t slot = cur + delay[s];
        slot -= slot >= ns ? ns : 0;
        base[(size_t)slot * n + (size_t)t[s]] += w ? w[s] : wc;
    }
}

int sim_ring_add_row_off(sim_ring *ring, const sim_csr *csr, int32_t pre,
                         int32_t target_offset, const double *w, const int32_t *delay,
                         int32_t const_delay)
{
    static const char fn[] = "sim_ring_add_row";
    int rc = check_ring_row(fn, ring, csr, pre, target_offset);
    if (rc)
        return rc;
    if (!w)
        return snx_error(SNX_EINVAL, "%s: w is NULL (use sim_ring_add_row_const for one "
                         "weight)", fn);
    if (delay) {
        if ((rc = check_row_delays(fn, csr, pre, delay, ring->max_delay)))
            return rc;
        scatter_delays(ring, csr, pre, target_offset, w, 0.0, delay);
        return 0;
    }
    if ((rc = check_delay(fn, "const_delay", const_delay, ring->max_delay)))
        return rc;
    double *restrict dst = ring_slot(ring, const_delay) + target_offset;
    const int32_t *restrict t = csr->targets;
    for (int64_t s = csr->row[pre]; s < csr->row[pre + 1]; s++)
        dst[t[s]] += w[s];
    return 0;
}

int sim_ring_add_row_cw_off(sim_ring *ring, const sim_csr *csr, int32_t pre,
                            int32_t target_offset, double w, const int32_t *delay)
{
    static const char fn[] = "sim_ring_add_row_cw";
    int rc = check_ring_row(fn, ring, csr, pre, target_offset);
    if (rc)
        return rc;
    if (!delay)
        return snx_error(SNX_EINVAL, "%s: delay is NULL (use sim_ring_add_row_const for one "
                         "delay)", fn);
    if ((rc = check_row_delays(fn, csr, pre, delay, ring->max_delay)))
        return rc;
    scatter_delays(ring, csr, pre, target_offset, NULL, w, delay);
    return 0;
}

int sim_ring_add(sim_ring *ring, int32_t target, int32_t delay_steps, double x)
{
    static const char fn[] = "sim_ring_add";
    if (!ring)
        return snx_error(SNX_EINVAL, "%s: ring is NULL", fn);
    if (target < 0 || target >= ring->n_targets)
        return snx_error(SNX_EINVAL, "%s: target = %d is outside [0, n_targets = %d)", fn,
                         (int)target, (int)ring->n_targets);
    int rc = check_delay(fn, "delay_steps", delay_steps, ring->max_delay);
    if (rc)
        return rc;
    ring_slot(ring, delay_steps)[target] += x;
    return 0;
}

double *sim_ring_current(sim_ring *ring)
{
    if (!ring) {
        snx_error(SNX_EINVAL, "sim_ring_current: ring is NULL");
        return NULL;
    }
    return ring_slot(ring, 0);
}

const double *sim_ring_slot(const sim_ring *ring, int32_t delay_steps)
{
    static const char fn[] = "sim_ring_slot";
    if (!ring) {
        snx_error(SNX_EINVAL, "%s: ring is NULL", fn);
        return NULL;
    }
    if (check_delay(fn, "delay_steps", delay_steps, ring->max_delay))
        return NULL;
    return ring_slot(ring, delay_steps);
}

void sim_ring_advance(sim_ring *ring)
{
    if (!ring)
        return;
    memset(ring_slot(ring, 0), 0, (size_t)ring->n_targets * sizeof(double));
    sim_ring_rotate(ring);
}

void sim_ring_rotate(sim_ring *ring)
{
    ring->cur = ring->cur == ring->max_delay ? 0 : ring->cur + 1;
}

void sim_ring_add_rows_range(sim_ring *ring, const sim_csr *csr, const int32_t *spikes,
                             size_t n, int32_t row_shift, int32_t target_offset, double w,
                             const double *wv, const int32_t *delay, int32_t const_delay,
                             int32_t lo, int32_t hi)
{
    const int32_t *t = csr->targets;
    size_t nt = (size_t)ring->n_targets;
    int32_t cur = ring->cur, ns = ring->max_delay + 1;
    double *base = ring->buf + target_offset;
    for (size_t i = 0; i < n; i++) {
        int32_t pre = spikes[i] - row_shift;
        int64_t a = sim_first_at_least(t, csr->row[pre], csr->row[pre + 1], lo);
        if (!delay && !wv) { /* the common case, as fast as the serial loop */
            int64_t end = sim_first_at_least(t, a, csr->row[pre + 1], hi);
            scatter_const(ring_slot(ring, const_delay) + target_offset, t + a, end - a, w);
            continue;
        }
        for (int64_t s = a; s < csr->row[pre + 1] && t[s] < hi; s++) {
            int32_t slot = cur + (delay ? delay[s] : const_delay);
            slot -= slot >= ns ? ns : 0;
            base[(size_t)slot * nt + (size_t)t[s]] += wv ? wv[s] : w;
        }
    }
}

void sim_ring_clear(sim_ring *ring)
{
    if (!ring)
        return;
    memset(ring->buf, 0, ((size_t)ring->max_delay + 1) * (size_t)ring->n_targets * sizeof(double));
}

int sim_ring_grow_delay(sim_ring *ring, int32_t max_delay_steps)
{
    static const char fn[] = "sim_ring_grow_delay";
    if (!ring)
        return snx_error(SNX_EINVAL, "%s: ring is NULL", fn);
    int rc = check_max_delay(fn, max_delay_steps);
    if (rc)
        return rc;
    if (max_delay_steps <= ring->max_delay)
        return 0;
    double *buf = ring_alloc(fn, ring->n_targets, max_delay_steps);
    if (!buf)
        return snx_errcode();
    size_t n = (size_t)ring->n_targets;
    for (int32_t d = 0; d <= ring->max_delay; d++)
        memcpy(buf + (size_t)d * n, ring_slot(ring, d), n * sizeof *buf);
    free(ring->buf);
    ring->buf = buf;
    ring->max_delay = max_delay_steps;
    ring->cur = 0;
    return 0;
}

int sim_ring_copy(const sim_ring *ring, sim_ring **out)
{
    static const char fn[] = "sim_ring_copy";
    if (!out)
        return snx_error(SNX_EINVAL, "%s: out is NULL", fn);
    *out = NULL;
    if (!ring)
        return snx_error(SNX_EINVAL, "%s: ring is NULL", fn);
    sim_ring *r = sim_ring_new(ring->n_targets, ring->max_delay);
    if (!r)
        return snx_error_context("%s", fn);
    memcpy(r->buf, ring->buf,
           ((size_t)ring->max_delay + 1) * (size_t)ring->n_targets * sizeof(double));
    r->cur = ring->cur;
    *out = r;
    return 0;
}

int sim_ring_restore(sim_ring *dst, const sim_ring *src)
{
    static const char fn[] = "sim_ring_restore";
    if (!dst)
        return snx_error(SNX_EINVAL, "%s: dst is NULL", fn);
    if (!src)
        return snx_error(SNX_EINVAL, "%s: src is NULL", fn);
    if (dst == src)
        return 0;
    size_t total = ((size_t)src->max_delay + 1) * (size_t)src->n_targets;
    if (dst->n_targets != src->n_targets || dst->max_delay != src->max_delay) {
        double *buf = ring_alloc(fn, src->n_targets, src->max_delay);
        if (!buf)
            return snx_errcode();
        free(dst->buf);
        dst->buf = buf;
        dst->n_targets = src->n_targets;
        dst->max_delay = src->max_delay;
    }
    memcpy(dst->buf, src->buf, total * sizeof(double));
    dst->cur = src->cur;
    return 0;
}

/* ---- event queues --------------------------------------------------------------- */
/* Parallel to the ring buffers on purpose (new, grow, copy, restore, clear): a ring
 * slot is a dense array of summed input, a queue slot a list of synapse events, so
 * the calls share their shape but not their data. */

sim_event_queue *sim_queue_new(int32_t max_delay_steps)
{
    static const char fn[] = "sim_queue_new";
    if (check_max_delay(fn, max_delay_steps))
        return NULL;
    sim_event_queue *q = snx_calloc(1, sizeof *q);
    if (q)
        q->slots = snx_calloc((size_t)max_delay_steps + 1, sizeof *q->slots);
    if (!q || !q->slots) {
        free(q);
        snx_error_context("%s", fn);
        return NULL;
    }
    q->max_delay = max_delay_steps;
    return q;
}

static void free_slots(sim_event_slot *slots, int32_t n)
{
    if (!slots)
        return;
    for (int32_t i = 0; i < n; i++)
        free(slots[i].syn);
    free(slots);
}

void sim_queue_free(sim_event_queue *q)
{
    if (!q)
        return;
    free_slots(q->slots, q->max_delay + 1);
    free(q);
}

static inline sim_event_slot *queue_slot(const sim_event_queue *q, int32_t d)
{
    int32_t s = q->cur + d;
    if (s > q->max_delay)
        s -= q->max_delay + 1;
    return q->slots + s;
}

static int slot_reserve(const char *fn, sim_event_slot *sl, size_t extra)
{
    if (extra > SIZE_MAX / sizeof(int64_t) / 2 - sl->n)
        return snx_error(SNX_ENOMEM, "%s: too many queued events", fn);
    if (snx_grow(&sl->syn, &sl->cap, sl->n + extra, sizeof *sl->syn))
        return snx_error_context("%s", fn);
    return 0;
}

static int check_queue_row(const char *fn, const sim_event_queue *q, const sim_csr *csr,
                           int32_t pre)
{
    if (!q)
        return snx_error(SNX_EINVAL, "%s: q is NULL", fn);
    return check_csr_row(fn, csr, pre);
}

int sim_queue_push_row(sim_event_queue *q, const sim_csr *csr, int32_t pre,
                       const int32_t *delay, int32_t const_delay)
{
    static const char fn[] = "sim_queue_push_row";
    int rc = check_queue_row(fn, q, csr, pre);
    if (rc)
        return rc;
    int64_t s0 = csr->row[pre], s1 = csr->row[pre + 1];
    if (!delay) {
        if ((rc = check_delay(fn, "const_delay", const_delay, q->max_delay)))
            return rc;
        if (s1 == s0) /* an empty row: nothing to queue (and no NULL + 0 below) */
            return 0;
        sim_event_slot *sl = queue_slot(q, const_delay);
        if ((rc = slot_reserve(fn, sl, (size_t)(s1 - s0))))
            return rc;
        int64_t *dst = sl->syn + sl->n;
        for (int64_t s = s0; s < s1; s++)
            *dst++ = s;
        sl->n += (size_t)(s1 - s0);
        return 0;
    }
    if ((rc = check_row_delays(fn, csr, pre, delay, q->max_delay)))
        return rc;
    for (int64_t s = s0; s < s1; s++) {
        sim_event_slot *sl = queue_slot(q, delay[s]);
        if (sl->n == sl->cap && (rc = slot_reserve(fn, sl, 1))) {
            /* Out of memory mid-row: take back what this row pushed. */
            for (int64_t u = s0; u < s; u++)
                queue_slot(q, delay[u])->n--;
            return rc;
        }
        sl->syn[sl->n++] = s;
    }
    return 0;
}

int sim_queue_push_spikes(sim_event_queue *q, const sim_csr *csr, const int32_t *spikes,
                          size_t n_spikes, int32_t delay_steps)
{
    static const char fn[] = "sim_queue_push_spikes";
    if (n_spikes == 0)
        return 0;
    if (!spikes)
        return snx_error(SNX_EINVAL, "%s: spikes is NULL (n_spikes = %zu)", fn, n_spikes);
    int rc = check_queue_row(fn, q, csr, spikes[0]);
    if (rc || (rc = check_delay(fn, "delay_steps", delay_steps, q->max_delay)))
        return rc;
    size_t total = 0;
    for (size_t i = 0; i < n_spikes; i++) {
        if (spikes[i] < 0 || spikes[i] >= csr->n_pre)
            return snx_error(SNX_EINVAL, "%s: spikes[%zu] = %d is outside [0, n_pre = %d)", fn,
                             i, (int)spikes[i], (int)csr->n_pre);
        total += (size_t)sim_csr_row_len(csr, spikes[i]);
    }
    if (!total) /* rows without synapses: nothing to queue (and no NULL + 0 below) */
        return 0;
    sim_event_slot *sl = queue_slot(q, delay_steps);
    if ((rc = slot_reserve(fn, sl, total)))
        return rc;
    int64_t *dst = sl->syn + sl->n;
    for (size_t i = 0; i < n_spikes; i++)
        for (int64_t s = csr->row[spikes[i]]; s < csr->row[spikes[i] + 1]; s++)
            *dst++ = s;
    sl->n += total;
    return 0;
}

int sim_queue_push(sim_event_queue *q, int64_t syn, int32_t delay_steps)
{
    static const char fn[] = "sim_queue_push";
    if (!q)
        return snx_error(SNX_EINVAL, "%s: q is NULL", fn);
    if (syn < 0)
        return snx_error(SNX_EINVAL, "%s: syn = %lld is negative", fn, (long long)syn);
    int rc = check_delay(fn, "delay_steps", delay_steps, q->max_delay);
    if (rc)
        return rc;
    sim_event_slot *sl = queue_slot(q, delay_steps);
    if ((rc = slot_reserve(fn, sl, 1)))
        return rc;
    sl->syn[sl->n++] = syn;
    return 0;
}

int sim_queue_push_list(sim_event_queue *q, const int64_t *syn, size_t n, int32_t delay_steps)
{
    static const char fn[] = "sim_queue_push_list";
    if (!q || (n && !syn))
        return snx_error(SNX_EINVAL, "%s: q or syn is NULL", fn);
    int rc = check_delay(fn, "delay_steps", delay_steps, q->max_delay);
    if (rc || !n)
        return rc;
    sim_event_slot *sl = queue_slot(q, delay_steps);
    if ((rc = slot_reserve(fn, sl, n)))
        return rc;
    memcpy(sl->syn + sl->n, syn, n * sizeof *syn);
    sl->n += n;
    return 0;
}

const int64_t *sim_queue_current(const sim_event_queue *q, size_t *n)
{
    if (!q) {
        if (n)
            *n = 0;
        snx_error(SNX_EINVAL, "sim_queue_current: q is NULL");
        return NULL;
    }
    const sim_event_slot *sl = queue_slot(q, 0);
    if (n)
        *n = sl->n;
    return sl->syn;
}

void sim_queue_advance(sim_event_queue *q)
{
    if (!q)
        return;
    queue_slot(q, 0)->n = 0;
    q->cur = q->cur == q->max_delay ? 0 : q->cur + 1;
}

void sim_queue_clear(sim_event_queue *q)
{
    if (!q)
        return;
    for (int32_t i = 0; i <= q->max_delay; i++)
        q->slots[i].n = 0;
}

size_t sim_queue_pending(const sim_event_queue *q)
{
    size_t n = 0;
    if (q)
        for (int32_t i = 0; i <= q->max_delay; i++)
            n += q->slots[i].n;
    return n;
}

int sim_queue_grow_delay(sim_event_queue *q, int32_t max_delay_steps)
{
    static const char fn[] = "sim_queue_grow_delay";
    if (!q)
        return snx_error(SNX_EINVAL, "%s: q is NULL", fn);
    int rc = check_max_delay(fn, max_delay_steps);
    if (rc)
        return rc;
    if (max_delay_steps <= q->max_delay)
        return 0;
    sim_event_slot *slots = snx_calloc((size_t)max_delay_steps + 1, sizeof *slots);
    if (!slots)
        return snx_error_context("%s", fn);
    for (int32_t d = 0; d <= q->max_delay; d++)
        slots[d] = *queue_slot(q, d); /* moves the storage */
    free(q->slots);
    q->slots = slots;
    q->max_delay = max_delay_steps;
    q->cur = 0;
    return 0;
}

int sim_queue_copy(const sim_event_queue *q, sim_event_queue **out)
{
    static const char fn[] = "sim_queue_copy";
    if (!out)
        return snx_error(SNX_EINVAL, "%s: out is NULL", fn);
    *out = NULL;
    if (!q)
        return snx_error(SNX_EINVAL, "%s: q is NULL", fn);
    sim_event_queue *c = sim_queue_new(q->max_delay);
    if (!c)
        return snx_error_context("%s", fn);
    int rc = sim_queue_restore(c, q);
    if (rc) {
        sim_queue_free(c);
        return rc;
    }
    *out = c;
    return 0;
}

int sim_queue_restore(sim_event_queue *dst, const sim_event_queue *src)
{
    static const char fn[] = "sim_queue_restore";
    if (!dst)
        return snx_error(SNX_EINVAL, "%s: dst is NULL", fn);
    if (!src)
        return snx_error(SNX_EINVAL, "%s: src is NULL", fn);
    if (dst == src)
        return 0;
    int32_t ns = src->max_delay + 1;
    if (dst->max_delay != src->max_delay) {
        /* Different shape: build the new slots aside, so dst is unchanged on error. */
        sim_event_slot *slots = snx_calloc((size_t)ns, sizeof *slots);
        if (!slots)
            return snx_error_context("%s", fn);
        for (int32_t i = 0; i < ns; i++)
            if (src->slots[i].n &&
                snx_grow(&slots[i].syn, &slots[i].cap, src->slots[i].n, sizeof(int64_t))) {
                free_slots(slots, ns);
                return snx_error_context("%s", fn);
            }
        free_slots(dst->slots, dst->max_delay + 1);
        dst->slots = slots;
        dst->max_delay = src->max_delay;
    }
    /* Grow first (keeps dst's contents), then copy: dst is unchanged if growing fails. */
    for (int32_t i = 0; i < ns; i++) {
        sim_event_slot *d = dst->slots + i;
        if (src->slots[i].n > d->cap &&
            snx_grow(&d->syn, &d->cap, src->slots[i].n, sizeof *d->syn))
            return snx_error_context("%s", fn);
    }
    for (int32_t i = 0; i < ns; i++) {
        dst->slots[i].n = src->slots[i].n;
        if (src->slots[i].n)
            memcpy(dst->slots[i].syn, src->slots[i].syn, src->slots[i].n * sizeof(int64_t));
    }
    dst->cur = src->cur;
    return 0;
}
