/* sim/delivery: ring buffers (arrival step, per-synapse delays, accumulation, advance,
 * offsets, growth, snapshots) and event queues, plus every error path. */
#include "snx_test.h"

#include <gsl/gsl_rng.h>

#include "../sim/connectivity.h"
#include "../sim/delivery.h"

/* 0 -> {1, 3}, 1 -> {}, 2 -> {0, 1, 3}: n_pre 3, n_post 4. CSR positions:
 * s0 = (0,1), s1 = (0,3), s2 = (2,0), s3 = (2,1), s4 = (2,3). */
static void small_csr(sim_csr *c)
{
    const int32_t pre[] = { 0, 0, 2, 2, 2 };
    const int32_t post[] = { 1, 3, 0, 1, 3 };
    assert_ok(sim_csr_from_pairs(c, 3, 4, pre, post, 5, NULL));
}

static void expect_current(sim_ring *r, const double *want)
{
    const double *cur = sim_ring_current(r);
    for (int32_t i = 0; i < r->n_targets; i++)
        if (cur[i] != want[i]) {
            print_error("target %d: got %g, expected %g\n", i, cur[i], want[i]);
            fail();
        }
}

static void test_delay_arrives_at_step_d(void **state)
{
    (void)state;
    sim_csr c;
    small_csr(&c);
    const int32_t max = 5;
    for (int32_t d = 0; d <= max; d++) {
        sim_ring *r = sim_ring_new(4, max);
        assert_non_null(r);
        /* Rotate a little first so the slot arithmetic wraps. */
        for (int k = 0; k < d + 2; k++)
            sim_ring_advance(r);
        assert_ok(sim_ring_add_row_const(r, &c, 0, 0.25, d));
        for (int32_t step = 0; step <= 2 * max + 2; step++) {
            double want[4] = { 0 };
            if (step == d)
                want[1] = want[3] = 0.25;
            expect_current(r, want);
            sim_ring_advance(r);
        }
        sim_ring_free(r);
    }
    sim_csr_free(&c);
}

static void test_delay_zero_same_step_and_accumulation(void **state)
{
    (void)state;
    sim_csr c;
    small_csr(&c);
    sim_ring *r = sim_ring_new(4, 3);
    assert_ok(sim_ring_add_row_const(r, &c, 0, 1.0, 0));
    assert_ok(sim_ring_add_row_const(r, &c, 2, 0.5, 0));
    assert_ok(sim_ring_add_row_const(r, &c, 2, 2.0, 2));
    assert_ok(sim_ring_add_row_const(r, &c, 1, 9.0, 1)); /* empty row: nothing */
    assert_ok(sim_ring_add_row_const(r, &c, 0, -1.0, 2));
    assert_ok(sim_ring_add(r, 2, 2, 0.125));
    expect_current(r, (double[]){ 0.5, 1.5, 0.0, 1.5 });
    sim_ring_advance(r);
    expect_current(r, (double[]){ 0, 0, 0, 0 });
    sim_ring_advance(r);
    expect_current(r, (double[]){ 2.0, 1.0, 0.125, 1.0 });
    /* The engine may consume the current slot in place. */
    sim_ring_current(r)[0] = 7.0;
    sim_ring_advance(r);
    sim_ring_advance(r);
    /* A full turn later, the slot that held 7 is zero again. */
    for (int k = 0; k < 4; k++) {
        expect_current(r, (double[]){ 0, 0, 0, 0 });
        sim_ring_advance(r);
    }
    sim_ring_free(r);
    sim_csr_free(&c);
}

static void test_per_synapse_weights_and_delays(void **state)
{
    (void)state;
    sim_csr c;
    small_csr(&c);
    const double w[] = { 1.0, 2.0, 3.0, 4.0, 5.0 };
    const int32_t d[] = { 1, 0, 2, 0, 1 };
    sim_ring *r = sim_ring_new(4, 2);
    assert_ok(sim_ring_add_row(r, &c, 2, w, d, 99)); /* const_delay ignored */
    assert_ok(sim_ring_add_row(r, &c, 0, w, NULL, 1));
    assert_ok(sim_ring_add_row_cw_off(r, &c, 0, 0, 0.5, d));
    expect_current(r, (double[]){ 0, 4.0, 0, 0.5 });
    sim_ring_advance(r);
    expect_current(r, (double[]){ 0, 1.0 + 0.5, 0, 2.0 + 5.0 });
    sim_ring_advance(r);
    expect_current(r, (double[]){ 3.0, 0, 0, 0 });
    sim_ring_advance(r);
    expect_current(r, (double[]){ 0, 0, 0, 0 });
    sim_ring_free(r);
    sim_csr_free(&c);
}

static void test_target_offset_and_batch(void **state)
{
    (void)state;
    sim_csr c;
    small_csr(&c);
    /* The projection targets the slice [3, 7) of a 10-neuron group. */
    sim_ring *r = sim_ring_new(10, 1);
    assert_ok(sim_ring_add_row_const_off(r, &c, 0, 3, 1.0, 0));
    const double w[] = { 1.0, 2.0, 3.0, 4.0, 5.0 };
    const int32_t d[] = { 0, 0, 0, 1, 1 };
    assert_ok(sim_ring_add_row_off(r, &c, 2, 6, w, d, 0));
    const int32_t spikes[] = { 2, 0, 2, 1 };
    assert_ok(sim_ring_add_spikes_const(r, &c, spikes, 4, 0, 0.5, 1));
    assert_ok(sim_ring_add_spikes_const(r, &c, NULL, 0, 0, 0.5, 1)); /* nothing */
    expect_current(r, (double[]){ 0, 0, 0, 0, 1.0, 0, 1.0 + 3.0, 0, 0, 0 });
    sim_ring_advance(r);
    expect_current(r, (double[]){ 1.0, 1.5, 0, 1.5, 0, 0, 0, 4.0, 0, 5.0 });
    sim_ring_free(r);
    sim_csr_free(&c);
}

/* Random activity on a ring: spikes of random rows with random delays. */
static void random_activity(sim_ring *r, const sim_csr *c, const double *w,
                            const int32_t *d, gsl_rng *rng, int steps, double *trace)
{
    for (int st = 0; st < steps; st++) {
        for (int k = 0; k < 5; k++) {
            int32_t pre = (int32_t)gsl_rng_uniform_int(rng, (unsigned long)c->n_pre);
            if (k % 2)
                assert_ok(sim_ring_add_row(r, c, pre, w, d, 0));
            else
                assert_ok(sim_ring_add_row_const(r, c, pre, 0.1 * k + 0.01,
                                                 (int32_t)gsl_rng_uniform_int(rng, 8)));
        }
        memcpy(trace + (size_t)st * (size_t)r->n_targets, sim_ring_current(r),
               (size_t)r->n_targets * sizeof *trace);
        sim_ring_advance(r);
    }
}

static void test_copy_restore_bit_for_bit(void **state)
{
    (void)state;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    sim_csr c;
    assert_ok(sim_csr_random(&c, 50, 40, 0.3, 1, 0, 0, rng));
    double *w = malloc((size_t)c.n_syn * sizeof *w);
    int32_t *d = malloc((size_t)c.n_syn * sizeof *d);
    for (int64_t s = 0; s < c.n_syn; s++) {
        w[s] = gsl_rng_uniform(rng) * 1e-3 + 1.0 / 3.0; /* rounding-sensitive sums */
        d[s] = (int32_t)gsl_rng_uniform_int(rng, 8);
    }
    sim_ring *r = sim_ring_new(40, 7);
    double *t1 = malloc(30 * 40 * sizeof *t1), *t2 = malloc(30 * 40 * sizeof *t2);
    random_activity(r, &c, w, d, rng, 13, t1);

    sim_ring *snap;
    assert_ok(sim_ring_copy(r, &snap));
    gsl_rng *rng_snap = gsl_rng_clone(rng);
    random_activity(r, &c, w, d, rng, 30, t1);
    /* Restore into the same ring, and into a ring of a different shape. */
    assert_ok(sim_ring_restore(r, snap));
    gsl_rng_memcpy(rng, rng_snap);
    random_activity(r, &c, w, d, rng, 30, t2);
    assert_memory_equal(t1, t2, 30 * 40 * sizeof *t1);
    sim_ring *other = sim_ring_new(3, 1);
    assert_ok(sim_ring_restore(other, snap));
    assert_int_equal(other->n_targets, 40);
    assert_int_equal(other->max_delay, 7);
    gsl_rng_memcpy(rng, rng_snap);
    random_activity(other, &c, w, d, rng, 30, t2);
    assert_memory_equal(t1, t2, 30 * 40 * sizeof *t1);
    assert_ok(sim_ring_restore(other, other));

    sim_ring_clear(other);
    for (int k = 0; k <= 7; k++)
        for (int i = 0; i < 40; i++)
            assert_true(sim_ring_slot(other, k)[i] == 0.0);

    sim_ring_free(snap);
    sim_ring_free(r);
    sim_ring_free(other);
    free(t1);
    free(t2);
    free(w);
    free(d);
    sim_csr_free(&c);
    gsl_rng_free(rng);
    gsl_rng_free(rng_snap);
}

static void test_grow_delay_keeps_pending(void **state)
{
    (void)state;
    sim_csr c;
    small_csr(&c);
    sim_ring *r = sim_ring_new(4, 2);
    sim_ring_advance(r); /* cur != 0 */
    sim_ring_advance(r);
    assert_ok(sim_ring_add_row_const(r, &c, 0, 1.0, 0));
    assert_ok(sim_ring_add_row_const(r, &c, 0, 2.0, 1));
    assert_ok(sim_ring_add_row_const(r, &c, 0, 3.0, 2));
    assert_ok(sim_ring_grow_delay(r, 6));
    assert_int_equal(r->max_delay, 6);
    assert_ok(sim_ring_grow_delay(r, 3)); /* smaller: no-op */
    assert_int_equal(r->max_delay, 6);
    assert_ok(sim_ring_add_row_const(r, &c, 2, 4.0, 6));
    for (int st = 0; st < 9; st++) {
        double want[4] = { 0 };
        if (st < 3)
            want[1] = want[3] = st + 1.0;
        if (st == 6)
            want[0] = want[1] = want[3] = 4.0;
        expect_current(r, want);
        sim_ring_advance(r);
    }
    sim_ring_free(r);
    sim_csr_free(&c);
}

static void test_ring_errors(void **state)
{
    (void)state;
    sim_csr c;
    small_csr(&c);
    assert_null(sim_ring_new(-1, 3));
    assert_errmsg_contains("sim_ring_new: n_targets = -1 is negative");
    assert_null(sim_ring_new(4, -2));
    assert_errmsg_contains("sim_ring_new: max_delay_steps = -2 is negative");
    assert_null(sim_ring_new(4, INT32_MAX));
    assert_errmsg_contains("max_delay_steps = 2147483647 is too large");
    assert_null(sim_ring_new(INT32_MAX, INT32_MAX - 1)); /* size overflow caught */
    assert_int_equal(snx_errcode(), SNX_ENOMEM);
    assert_errmsg_contains("sim_ring_new: 2147483647 slots of 2147483647 targets do not fit");
    sim_ring *empty = sim_ring_new(0, 0);
    assert_non_null(empty);
    sim_ring_advance(empty);
    sim_ring_free(empty);

    sim_ring *r = sim_ring_new(4, 3);
    assert_ok(sim_ring_add_row_const(r, &c, 2, 1.0, 1));
    sim_ring *before;
    assert_ok(sim_ring_copy(r, &before));
    const double w[] = { 1, 2, 3, 4, 5 };
    const int32_t bad_neg[] = { 0, 0, 1, -1, 2 };
    const int32_t bad_big[] = { 0, 0, 1, 3, 4 };

    assert_fails(sim_ring_add_row_const(NULL, &c, 0, 1.0, 0), SNX_EINVAL,
                 "sim_ring_add_row_const: ring is NULL");
    assert_fails(sim_ring_add_row_const(r, NULL, 0, 1.0, 0), SNX_EINVAL,
                 "sim_ring_add_row_const: csr is NULL");
    assert_fails(sim_ring_add_row_const(r, &c, 3, 1.0, 0), SNX_EINVAL,
                 "sim_ring_add_row_const: pre = 3 is outside [0, n_pre = 3)");
    assert_fails(sim_ring_add_row_const(r, &c, -1, 1.0, 0), SNX_EINVAL,
                 "pre = -1 is outside [0, n_pre = 3)");
    assert_fails(sim_ring_add_row_const(r, &c, 0, 1.0, -1), SNX_EINVAL,
                 "sim_ring_add_row_const: delay_steps = -1 is negative");
    assert_fails(sim_ring_add_row_const(r, &c, 0, 1.0, 4), SNX_EINVAL,
                 "sim_ring_add_row_const: delay_steps = 4 exceeds max_delay = 3");
    assert_fails(sim_ring_add_row_const_off(r, &c, 0, 1, 1.0, 0), SNX_EINVAL,
                 "target_offset = 1 with n_post = 4 does not fit in the ring's n_targets = 4");
    assert_fails(sim_ring_add_row_const_off(r, &c, 0, -1, 1.0, 0), SNX_EINVAL,
                 "target_offset = -1");
    assert_fails(sim_ring_add_row(r, &c, 2, NULL, NULL, 0), SNX_EINVAL,
                 "sim_ring_add_row: w is NULL");
    assert_fails(sim_ring_add_row(r, &c, 2, w, NULL, 5), SNX_EINVAL,
                 "sim_ring_add_row: const_delay = 5 exceeds max_delay = 3");
    assert_fails(sim_ring_add_row(r, &c, 2, w, bad_neg, 0), SNX_EINVAL,
                 "sim_ring_add_row: delay[3] = -1 (presynaptic neuron 2) is negative");
    assert_fails(sim_ring_add_row(r, &c, 2, w, bad_big, 0), SNX_EINVAL,
                 "sim_ring_add_row: delay[4] = 4 (presynaptic neuron 2) exceeds max_delay = 3");
    assert_fails(sim_ring_add_row_cw_off(r, &c, 2, 0, 1.0, bad_big), SNX_EINVAL,
                 "sim_ring_add_row_cw: delay[4] = 4");
    assert_fails(sim_ring_add_row_cw_off(r, &c, 2, 0, 1.0, NULL), SNX_EINVAL,
                 "sim_ring_add_row_cw: delay is NULL");
    const int32_t spikes[] = { 0, 2, 7 };
    assert_fails(sim_ring_add_spikes_const(r, &c, spikes, 3, 0, 1.0, 0), SNX_EINVAL,
                 "sim_ring_add_spikes_const: spikes[2] = 7 is outside [0, n_pre = 3)");
    assert_fails(sim_ring_add_spikes_const(r, &c, NULL, 3, 0, 1.0, 0), SNX_EINVAL,
                 "sim_ring_add_spikes_const: spikes is NULL (n_spikes = 3)");
    assert_fails(sim_ring_add_spikes_const(r, &c, spikes, 2, 0, 1.0, 9), SNX_EINVAL,
                 "delay_steps = 9 exceeds max_delay = 3");
    assert_fails(sim_ring_add(r, 4, 0, 1.0), SNX_EINVAL,
                 "sim_ring_add: target = 4 is outside [0, n_targets = 4)");
    assert_fails(sim_ring_add(r, 0, 8, 1.0), SNX_EINVAL, "sim_ring_add: delay_steps = 8");
    assert_fails(sim_ring_add(NULL, 0, 0, 1.0), SNX_EINVAL, "sim_ring_add: ring is NULL");
    sim_csr norows = { 0 };
    assert_fails(sim_ring_add_row_const(r, &norows, 0, 1.0, 0), SNX_EINVAL,
                 "csr has no rows");
    /* Nothing was delivered by any failing call. */
    assert_memory_equal(r->buf, before->buf, 4 * 4 * sizeof(double));

    assert_null(sim_ring_slot(r, 4));
    assert_errmsg_contains("sim_ring_slot: delay_steps = 4 exceeds max_delay = 3");
    assert_null(sim_ring_slot(NULL, 0));
    assert_null(sim_ring_current(NULL));
    assert_errmsg_contains("sim_ring_current: ring is NULL");
    assert_fails(sim_ring_grow_delay(NULL, 3), SNX_EINVAL, "sim_ring_grow_delay: ring is NULL");
    assert_fails(sim_ring_grow_delay(r, -3), SNX_EINVAL,
                 "sim_ring_grow_delay: max_delay_steps = -3 is negative");
    sim_ring *out = r;
    assert_fails(sim_ring_copy(NULL, &out), SNX_EINVAL, "sim_ring_copy: ring is NULL");
    assert_null(out);
    assert_fails(sim_ring_copy(r, NULL), SNX_EINVAL, "sim_ring_copy: out is NULL");
    assert_fails(sim_ring_restore(NULL, r), SNX_EINVAL, "sim_ring_restore: dst is NULL");
    assert_fails(sim_ring_restore(r, NULL), SNX_EINVAL, "sim_ring_restore: src is NULL");
    sim_ring_advance(NULL);
    sim_ring_clear(NULL);
    sim_ring_free(NULL);
    sim_ring_free(before);
    sim_ring_free(r);
    sim_csr_free(&c);
}

static void expect_queue(sim_event_queue *q, const int64_t *want, size_t n_want)
{
    size_t n = 99;
    const int64_t *ev = sim_queue_current(q, &n);
    assert_int_equal(n, n_want);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(ev[i], want[i]);
}

/* Empty rows into a fresh queue, whose slots have no storage yet: nothing is queued
 * (UBSan flagged NULL + 0 here before: issue 12, defect 5). */
static void test_queue_empty_rows(void **state)
{
    (void)state;
    sim_csr c;
    small_csr(&c);
    sim_event_queue *q = sim_queue_new(3);
    assert_non_null(q);
    assert_ok(sim_queue_push_row(q, &c, 1, NULL, 2));
    const int32_t spikes[] = { 1, 1 };
    assert_ok(sim_queue_push_spikes(q, &c, spikes, 2, 1));
    assert_int_equal(sim_queue_pending(q), 0);
    sim_queue_free(q);
    sim_csr_free(&c);
}

static void test_queue_order_and_contents(void **state)
{
    (void)state;
    sim_csr c;
    small_csr(&c);
    sim_event_queue *q = sim_queue_new(3);
    assert_non_null(q);
    const int32_t d[] = { 1, 0, 2, 0, 1 };
    assert_ok(sim_queue_push_row(q, &c, 2, NULL, 0));
    assert_ok(sim_queue_push_row(q, &c, 0, d, 0));
    assert_ok(sim_queue_push_row(q, &c, 2, d, 0));
    assert_ok(sim_queue_push_row(q, &c, 1, NULL, 2)); /* empty row */
    const int32_t spikes[] = { 2, 0 };
    assert_ok(sim_queue_push_spikes(q, &c, spikes, 2, 3));
    assert_ok(sim_queue_push(q, 42, 0));
    assert_int_equal(sim_queue_pending(q), 3 + 2 + 3 + 5 + 1);
    expect_queue(q, (int64_t[]){ 2, 3, 4, 1, 3, 42 }, 6);
    sim_queue_advance(q);
    expect_queue(q, (int64_t[]){ 0, 4 }, 2);
    sim_queue_advance(q);
    expect_queue(q, (int64_t[]){ 2 }, 1);
    sim_queue_advance(q);
    expect_queue(q, (int64_t[]){ 2, 3, 4, 0, 1 }, 5);
    sim_queue_advance(q);
    expect_queue(q, NULL, 0);
    assert_int_equal(sim_queue_pending(q), 0);
    sim_queue_free(q);
    sim_csr_free(&c);
}

static void test_queue_reuses_storage(void **state)
{
    (void)state;
    sim_csr c;
    assert_ok(sim_csr_all_to_all(&c, 10, 100, 1, 0, 0));
    sim_event_queue *q = sim_queue_new(4);
    /* Many steps of the same load: capacities stop growing, storage is reused. */
    size_t caps[5] = { 0 };
    for (int st = 0; st < 200; st++) {
        assert_ok(sim_queue_push_row(q, &c, st % 10, NULL, st % 5));
        assert_ok(sim_queue_push_row(q, &c, (st + 3) % 10, NULL, 4));
        size_t n;
        const int64_t *ev = sim_queue_current(q, &n);
        if (st >= 4) {
            assert_true(n >= 100);
            assert_non_null(ev);
        }
        if (st == 50)
            for (int i = 0; i < 5; i++)
                caps[i] = q->slots[i].cap;
        sim_queue_advance(q);
    }
    for (int i = 0; i < 5; i++) {
        assert_int_equal(q->slots[i].cap, caps[i]);
        assert_true(q->slots[i].cap <= 512);
    }
    sim_queue_clear(q);
    assert_int_equal(sim_queue_pending(q), 0);
    sim_queue_free(q);
    sim_csr_free(&c);
}

static void test_queue_copy_restore_grow(void **state)
{
    (void)state;
    sim_csr c;
    small_csr(&c);
    sim_event_queue *q = sim_queue_new(2);
    const int32_t d[] = { 1, 0, 2, 0, 1 };
    sim_queue_advance(q);
    assert_ok(sim_queue_push_row(q, &c, 2, d, 0));
    assert_ok(sim_queue_push_row(q, &c, 0, d, 0));
    sim_event_queue *snap;
    assert_ok(sim_queue_copy(q, &snap));
    assert_int_equal(sim_queue_pending(snap), 5);

    /* Growing keeps every pending event at its arrival step. */
    assert_ok(sim_queue_grow_delay(q, 5));
    assert_ok(sim_queue_grow_delay(q, 1)); /* no-op */
    assert_int_equal(q->max_delay, 5);
    assert_ok(sim_queue_push(q, 9, 5));
    expect_queue(q, (int64_t[]){ 3, 1 }, 2);
    sim_queue_advance(q);
    expect_queue(q, (int64_t[]){ 4, 0 }, 2);
    sim_queue_advance(q);
    expect_queue(q, (int64_t[]){ 2 }, 1);
    for (int k = 0; k < 3; k++)
        sim_queue_advance(q);
    expect_queue(q, (int64_t[]){ 9 }, 1);

    /* Restore into a queue of another shape, then into the same shape. */
    assert_ok(sim_queue_restore(q, snap));
    assert_int_equal(q->max_delay, 2);
    assert_int_equal(sim_queue_pending(q), 5);
    expect_queue(q, (int64_t[]){ 3, 1 }, 2);
    sim_queue_advance(q);
    assert_ok(sim_queue_restore(q, snap));
    expect_queue(q, (int64_t[]){ 3, 1 }, 2);
    sim_queue_advance(q);
    expect_queue(q, (int64_t[]){ 4, 0 }, 2);
    assert_ok(sim_queue_restore(q, q));
    sim_queue_free(snap);
    sim_queue_free(q);
    sim_csr_free(&c);
}

static void test_queue_errors(void **state)
{
    (void)state;
    sim_csr c;
    small_csr(&c);
    assert_null(sim_queue_new(-1));
    assert_errmsg_contains("sim_queue_new: max_delay_steps = -1 is negative");
    sim_event_queue *q = sim_queue_new(2);
    const int32_t bad[] = { 0, 0, 3, 0, 1 };
    assert_fails(sim_queue_push_row(NULL, &c, 0, NULL, 0), SNX_EINVAL,
                 "sim_queue_push_row: q is NULL");
    assert_fails(sim_queue_push_row(q, NULL, 0, NULL, 0), SNX_EINVAL,
                 "sim_queue_push_row: csr is NULL");
    assert_fails(sim_queue_push_row(q, &c, 5, NULL, 0), SNX_EINVAL,
                 "sim_queue_push_row: pre = 5 is outside [0, n_pre = 3)");
    assert_fails(sim_queue_push_row(q, &c, 0, NULL, 3), SNX_EINVAL,
                 "sim_queue_push_row: const_delay = 3 exceeds max_delay = 2");
    assert_fails(sim_queue_push_row(q, &c, 0, NULL, -4), SNX_EINVAL,
                 "const_delay = -4 is negative");
    assert_fails(sim_queue_push_row(q, &c, 2, bad, 0), SNX_EINVAL,
                 "sim_queue_push_row: delay[2] = 3 (presynaptic neuron 2) exceeds max_delay = 2");
    const int32_t spikes[] = { 0, -1 };
    assert_fails(sim_queue_push_spikes(q, &c, spikes, 2, 0), SNX_EINVAL,
                 "sim_queue_push_spikes: spikes[1] = -1 is outside [0, n_pre = 3)");
    assert_fails(sim_queue_push_spikes(q, &c, NULL, 2, 0), SNX_EINVAL,
                 "sim_queue_push_spikes: spikes is NULL");
    assert_fails(sim_queue_push_spikes(q, &c, spikes, 1, 7), SNX_EINVAL,
                 "sim_queue_push_spikes: delay_steps = 7 exceeds max_delay = 2");
    assert_fails(sim_queue_push(q, -3, 0), SNX_EINVAL, "sim_queue_push: syn = -3 is negative");
    assert_fails(sim_queue_push(q, 3, 3), SNX_EINVAL, "sim_queue_push: delay_steps = 3");
    assert_fails(sim_queue_push(NULL, 3, 0), SNX_EINVAL, "sim_queue_push: q is NULL");
    assert_int_equal(sim_queue_pending(q), 0); /* failed pushes pushed nothing */
    size_t n = 5;
    assert_null(sim_queue_current(NULL, &n));
    assert_int_equal(n, 0);
    assert_errmsg_contains("sim_queue_current: q is NULL");
    assert_fails(sim_queue_grow_delay(NULL, 1), SNX_EINVAL, "sim_queue_grow_delay: q is NULL");
    assert_fails(sim_queue_grow_delay(q, -1), SNX_EINVAL, "max_delay_steps = -1 is negative");
    sim_event_queue *out = q;
    assert_fails(sim_queue_copy(NULL, &out), SNX_EINVAL, "sim_queue_copy: q is NULL");
    assert_null(out);
    assert_fails(sim_queue_copy(q, NULL), SNX_EINVAL, "sim_queue_copy: out is NULL");
    assert_fails(sim_queue_restore(NULL, q), SNX_EINVAL, "sim_queue_restore: dst is NULL");
    assert_fails(sim_queue_restore(q, NULL), SNX_EINVAL, "sim_queue_restore: src is NULL");
    assert_int_equal(sim_queue_pending(NULL), 0);
    sim_queue_advance(NULL);
    sim_queue_clear(NULL);
    sim_queue_free(NULL);
    sim_queue_free(q);
    sim_csr_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_delay_arrives_at_step_d),
        cmocka_unit_test(test_delay_zero_same_step_and_accumulation),
        cmocka_unit_test(test_per_synapse_weights_and_delays),
        cmocka_unit_test(test_target_offset_and_batch),
        cmocka_unit_test(test_copy_restore_bit_for_bit),
        cmocka_unit_test(test_grow_delay_keeps_pending),
        cmocka_unit_test(test_ring_errors),
        cmocka_unit_test(test_queue_empty_rows),
        cmocka_unit_test(test_queue_order_and_contents),
        cmocka_unit_test(test_queue_reuses_storage),
        cmocka_unit_test(test_queue_copy_restore_grow),
        cmocka_unit_test(test_queue_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
