/* sim/delivery: delayed spike delivery. Internal header of the simulation engine.
 *
 * sim_ring: per-target ring buffers of accumulated input, for the fast path
 *   `target_var += w`. A ring has max_delay + 1 slots of n_targets doubles. The
 *   "current" slot holds what arrives in this time step; delay d lands d slots ahead
 *   (d = 0: the current slot, i.e. delivered in the same step). Per time step the
 *   engine does:
 *       for every spike of this step:  sim_ring_add_row*(ring, csr, pre, ...);
 *       in = sim_ring_current(ring);   target_var[i] += in[i]   (i < n_targets)
 *       sim_ring_advance(ring);        zero the consumed slot, rotate
 *   One ring per (target group, target variable) pair serves any number of projections
 *   onto it; each add names the projection's target offset (its slice start).
 *
 * sim_event_queue: for general `on_pre` code, per-delay-slot queues of synapse indices
 *   (CSR positions of one projection). Synapses come out of sim_queue_current in the
 *   order they were pushed (spike order, then ascending CSR position within a row).
 *
 * Delays are in time steps (int32, >= 0). Choose max_delay as ceil-or-round of the
 * largest delay / dt for the run; grow it before a run with sim_ring_grow_delay /
 * sim_queue_grow_delay (pending input is kept). Memory: a ring uses
 * (max_delay + 1) * n_targets * 8 bytes; a queue keeps, per slot, the high-water mark
 * of events ever stored in that slot (8 bytes each), reused across steps.
 *
 * Thread safety: no global state. A ring or queue must not be used by two threads at
 * once; distinct rings/queues may be used concurrently. Reading a CSR concurrently is
 * fine. Errors (SNX_EINVAL with a message naming the function, argument and value)
 * leave the ring/queue unchanged: every argument and every per-synapse delay of a row
 * is validated before anything is delivered. The CSR itself is trusted (targets in
 * [0, n_post), as every sim_csr_* constructor guarantees); check a hand-made one once
 * with sim_csr_check before delivering through it.
 */
#ifndef SIM_DELIVERY_H
#define SIM_DELIVERY_H

#include <stddef.h>
#include <stdint.h>

#include "connectivity.h"

/* ---- ring buffers ---------------------------------------------------------------- */

typedef struct sim_ring {
    int32_t n_targets;
    int32_t max_delay;   /* slots = max_delay + 1 */
    int32_t cur;         /* index of the current slot */
    double *buf;         /* (max_delay + 1) * n_targets, slot-major */
} sim_ring;

/* n_targets >= 0, max_delay_steps >= 0. NULL (with SNX_EINVAL / SNX_ENOMEM) on error. */
sim_ring *sim_ring_new(int32_t n_targets, int32_t max_delay_steps);
void sim_ring_free(sim_ring *ring);

/* Row `pre` of `csr` with one weight and one delay: for every synapse s of the row,
 * slot[delay][target_offset + targets[s]] += w. The _off forms take the offset of the
 * projection's target slice in the ring (0 <= target_offset, target_offset + n_post
 * <= n_targets); the plain forms use offset 0. */
int sim_ring_add_row_const_off(sim_ring *ring, const sim_csr *csr, int32_t pre,
                               int32_t target_offset, double w, int32_t delay_steps);
/* Per-synapse weights w[s] indexed by CSR position (NULL: not allowed, use the const
 * form) and per-synapse delays delay[s] (CSR positions) or, when delay is NULL, the
 * constant const_delay. */
int sim_ring_add_row_off(sim_ring *ring, const sim_csr *csr, int32_t pre,
                         int32_t target_offset, const double *w, const int32_t *delay,
                         int32_t const_delay);
/* Constant weight with per-synapse delays delay[s] (must not be NULL). */
int sim_ring_add_row_cw_off(sim_ring *ring, const sim_csr *csr, int32_t pre,
                            int32_t target_offset, double w, const int32_t *delay);
/* All spikes of a step at once (the common case: homogeneous projection): the rows
 * spikes[0..n_spikes) with one weight and delay. Validates every index first. */
int sim_ring_add_spikes_const(sim_ring *ring, const sim_csr *csr, const int32_t *spikes,
                              size_t n_spikes, int32_t target_offset, double w,
                              int32_t delay_steps);

static inline int sim_ring_add_row_const(sim_ring *ring, const sim_csr *csr, int32_t pre,
                                         double w, int32_t delay_steps)
{
    return sim_ring_add_row_const_off(ring, csr, pre, 0, w, delay_steps);
}
static inline int sim_ring_add_row(sim_ring *ring, const sim_csr *csr, int32_t pre,
                                   const double *w, const int32_t *delay,
                                   int32_t const_delay)
{
    return sim_ring_add_row_off(ring, csr, pre, 0, w, delay, const_delay);
}

/* Adds x to one target's input `delay_steps` steps ahead (e.g. external input). */
int sim_ring_add(sim_ring *ring, int32_t target, int32_t delay_steps, double x);

/* The n_targets doubles arriving in this step (writable: the engine may consume or
 * modify them; they are zeroed by sim_ring_advance). NULL for a NULL ring. */
double *sim_ring_current(sim_ring *ring);
/* The slot arriving `delay_steps` steps from now (0 = current); NULL if out of range. */
const double *sim_ring_slot(const sim_ring *ring, int32_t delay_steps);
/* Zeroes the current slot and makes the next one current. */
void sim_ring_advance(sim_ring *ring);
/* Makes the next slot current without zeroing the consumed one (for callers that
 * zeroed it themselves, a slice each: threads). */
void sim_ring_rotate(sim_ring *ring);
/* For threads that share a ring by slices of its targets: the rows spikes[i] -
 * row_shift (i < n) of csr, only their targets in [lo, hi) (relative to the projection,
 * before target_offset), each adding wv[s] (or w when wv is NULL) with delay[s] (or
 * const_delay when delay is NULL). A target gets its inputs in the order the other
 * forms give them, so the sums are the same bits. Nothing is checked: the caller
 * checked rows, delays and the slice once (a fast path of synapses_step.c). */
void sim_ring_add_rows_range(sim_ring *ring, const sim_csr *csr, const int32_t *spikes,
                             size_t n, int32_t row_shift, int32_t target_offset, double w,
                             const double *wv, const int32_t *delay, int32_t const_delay,
                             int32_t lo, int32_t hi);
/* Zeroes every slot (pending input is dropped). */
void sim_ring_clear(sim_ring *ring);
/* Makes max_delay >= max_delay_steps, keeping pending input at its arrival step.
 * Smaller values are a no-op (rings never shrink). */
int sim_ring_grow_delay(sim_ring *ring, int32_t max_delay_steps);

/* Snapshots: *out = an exact copy (same slots, same rotation). restore makes dst an
 * exact copy of src, reallocating if their shapes differ (dst unchanged on error). */
int sim_ring_copy(const sim_ring *ring, sim_ring **out);
int sim_ring_restore(sim_ring *dst, const sim_ring *src);

/* ---- event queues ---------------------------------------------------------------- */

typedef struct sim_event_slot {
    int64_t *syn;
    size_t n, cap;
} sim_event_slot;

typedef struct sim_event_queue {
    int32_t max_delay;     /* slots = max_delay + 1 */
    int32_t cur;
    sim_event_slot *slots;
} sim_event_queue;

sim_event_queue *sim_queue_new(int32_t max_delay_steps);
void sim_queue_free(sim_event_queue *q);

/* Row `pre` of csr: its synapses' CSR positions, all with delay const_delay when delay
 * is NULL, otherwise synapse s with delay[s] (indexed by CSR position). */
int sim_queue_push_row(sim_event_queue *q, const sim_csr *csr, int32_t pre,
                       const int32_t *delay, int32_t const_delay);
/* Several rows with one delay (in the order given). */
int sim_queue_push_spikes(sim_event_queue *q, const sim_csr *csr, const int32_t *spikes,
                          size_t n_spikes, int32_t delay_steps);
/* The n synapse indices syn[0..n) (e.g. the synapses of one postsynaptic neuron), all
 * with one delay, in that order. */
int sim_queue_push_list(sim_event_queue *q, const int64_t *syn, size_t n, int32_t delay_steps);
/* One synapse index with a delay. */
int sim_queue_push(sim_event_queue *q, int64_t syn, int32_t delay_steps);

/* The synapse indices due in this step, *n of them (valid until the next push/advance). */
const int64_t *sim_queue_current(const sim_event_queue *q, size_t *n);
/* Empties the current slot (keeping its storage) and makes the next one current. */
void sim_queue_advance(sim_event_queue *q);
void sim_queue_clear(sim_event_queue *q);
/* Total number of pending events over all slots. */
size_t sim_queue_pending(const sim_event_queue *q);
int sim_queue_grow_delay(sim_event_queue *q, int32_t max_delay_steps);
int sim_queue_copy(const sim_event_queue *q, sim_event_queue **out);
int sim_queue_restore(sim_event_queue *dst, const sim_event_queue *src);

#endif
