/* sim/connectivity: CSR construction (random, all-to-all, one-to-one, explicit pairs,
 * row masks). See connectivity.h for the contract.
 *
 * Random connectivity, per row: k ~ Binomial(m, p), then k distinct targets out of the
 * m eligible ones. For dense rows (p >= 1/64) the k targets are drawn with Floyd's
 * algorithm into a bitmap (k draws, no rejection; when k > m/2 the m - k non-targets are
 * drawn instead) and read back in ascending order with count-trailing-zeros, so a row
 * costs min(k, m-k) bounded-integer draws plus m/64 word operations. For sparse rows
 * (p < 1/64) the bitmap scan would dominate, so we use geometric skipping: the gap to
 * the next target is floor(log(u) / log(1-p)), costing one uniform and one log per
 * synapse and never touching non-targets. We compute that skip ourselves instead of
 * calling gsl_ran_geometric because log1p(-p) is then computed once per matrix rather
 * than once per synapse (gsl_ran_geometric evaluates log(1-p) on every call).
 * Bounded integers use Lemire's multiply-shift rejection method on the generator's raw
 * 32-bit output when the generator is full 32-bit (mt19937, taus, ranlxd2, ...),
 * avoiding the two divisions of gsl_rng_uniform_int per draw; other generators go
 * through gsl_rng_uniform_int. Both are exact (unbiased). */
#include "connectivity.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "snex/error.h"
#include "snex/util.h"

/* Below this p, rows are sampled by geometric skipping (O(k) per row); at or above it,
 * by binomial count + Floyd's algorithm on a bitmap (O(k + m/64) per row). */
#ifndef SPARSE_P
#define SPARSE_P (1.0 / 32.0)
#endif

void sim_csr_free(sim_csr *c)
{
    if (!c)
        return;
    free(c->row);
    free(c->targets);
    memset(c, 0, sizeof *c);
}

/* Allocates row (n_pre + 1, zeroed) and targets (cap >= 1). */
static int csr_alloc(sim_csr *c, const char *fn, int32_t n_pre, int32_t n_post, int64_t cap)
{
    memset(c, 0, sizeof *c);
    if (cap < 1)
        cap = 1;
    if ((uint64_t)cap > SIZE_MAX / sizeof(int32_t))
        return snx_error(SNX_ENOMEM, "%s: %lld synapses do not fit in memory", fn,
                         (long long)cap);
    c->n_pre = n_pre;
    c->n_post = n_post;
    c->row = snx_calloc((size_t)n_pre + 1, sizeof *c->row);
    c->targets = snx_malloc((size_t)cap * sizeof *c->targets);
    if (!c->row || !c->targets) {
        sim_csr_free(c);
        return snx_error_context("%s", fn);
    }
    return 0;
}

/* Makes sure targets holds `need` entries (doubling). */
static int csr_reserve(sim_csr *c, size_t *cap, int64_t need, const char *fn)
{
    if ((uint64_t)need <= *cap)
        return 0;
    if ((uint64_t)need > SIZE_MAX / (2 * sizeof(int32_t)))
        return snx_error(SNX_ENOMEM, "%s: %lld synapses do not fit in memory", fn,
                         (long long)need);
    if (snx_grow(&c->targets, cap, (size_t)need, sizeof *c->targets))
        return snx_error_context("%s", fn);
    return 0;
}

/* Gives back unused target capacity. */
static void csr_shrink(sim_csr *c, size_t cap)
{
    size_t n = c->n_syn > 0 ? (size_t)c->n_syn : 1;
    if (n < cap) {
        int32_t *t = realloc(c->targets, n * sizeof *t);
        if (t)
            c->targets = t;
    }
}

int sim_csr_copy(sim_csr *dst, const sim_csr *src)
{
    if (!dst)
        return snx_error(SNX_EINVAL, "sim_csr_copy: dst is NULL");
    memset(dst, 0, sizeof *dst);
    if (!src)
        return snx_error(SNX_EINVAL, "sim_csr_copy: src is NULL");
    if (!src->row || src->n_pre < 0 || src->n_post < 0 || src->n_syn < 0 ||
        (src->n_syn > 0 && !src->targets))
        return snx_error(SNX_EINVAL, "sim_csr_copy: src is not a valid CSR");
    int rc = csr_alloc(dst, "sim_csr_copy", src->n_pre, src->n_post, src->n_syn);
    if (rc)
        return rc;
    memcpy(dst->row, src->row, ((size_t)src->n_pre + 1) * sizeof *dst->row);
    if (src->n_syn > 0)
        memcpy(dst->targets, src->targets, (size_t)src->n_syn * sizeof *dst->targets);
    dst->n_syn = src->n_syn;
    return 0;
}

static int check_sizes(const char *fn, sim_csr *out, int32_t n_pre, int32_t n_post)
{
    if (!out)
        return snx_error(SNX_EINVAL, "%s: out is NULL", fn);
    memset(out, 0, sizeof *out);
    if (n_pre < 0)
        return snx_error(SNX_EINVAL, "%s: n_pre = %d is negative", fn, (int)n_pre);
    if (n_post < 0)
        return snx_error(SNX_EINVAL, "%s: n_post = %d is negative", fn, (int)n_post);
    return 0;
}

static int check_p(const char *fn, double p)
{
    if (!(p >= 0.0 && p <= 1.0))
        return snx_error(SNX_EINVAL, "%s: p = %g is not a probability in [0, 1]", fn, p);
    return 0;
}

/* Autapse exclusion: pre a and post b are the same neuron when a + pre_offset ==
 * b + post_offset, i.e. b == a + delta with delta = pre_offset - post_offset. */
typedef struct {
    int active; /* autapses are excluded and delta fits in int64 */
    int64_t delta;
} autapse_rule;

static autapse_rule make_rule(int autapses, int64_t pre_offset, int64_t post_offset)
{
    autapse_rule r = { 0, 0 };
    /* If the difference overflows, |delta| >= 2^63 and no row can hit the post range. */
    if (!autapses && !__builtin_sub_overflow(pre_offset, post_offset, &r.delta))
        r.active = 1;
    return r;
}

/* The post index (relative) excluded from row `a`, or -1. */
static inline int64_t excluded_target(const autapse_rule *r, int32_t a, int32_t n_post)
{
    int64_t e;
    if (!r->active || __builtin_add_overflow((int64_t)a, r->delta, &e))
        return -1;
    return (e >= 0 && e < n_post) ? e : -1;
}

/* Number of rows with an excluded target: |[0, n_pre) ∩ [-delta, n_post - delta)|. */
static int64_t excluded_count(const autapse_rule *r, int32_t n_pre, int32_t n_post)
{
    if (!r->active)
        return 0;
    int64_t lo, hi;
    if (__builtin_sub_overflow((int64_t)0, r->delta, &lo))
        return 0; /* delta == INT64_MIN: every e = a + delta is negative */
    if (__builtin_sub_overflow((int64_t)n_post, r->delta, &hi))
        hi = INT64_MAX;
    if (lo < 0)
        lo = 0;
    if (hi > n_pre)
        hi = n_pre;
    return hi > lo ? hi - lo : 0;
}

int sim_csr_all_to_all(sim_csr *out, int32_t n_pre, int32_t n_post, int autapses,
                       int64_t pre_offset, int64_t post_offset)
{
    static const char fn[] = "sim_csr_all_to_all";
    int rc = check_sizes(fn, out, n_pre, n_post);
    if (rc)
        return rc;
    autapse_rule rule = make_rule(autapses, pre_offset, post_offset);
    int64_t n_syn = (int64_t)n_pre * n_post - excluded_count(&rule, n_pre, n_post);
    if ((rc = csr_alloc(out, fn, n_pre, n_post, n_syn)))
        return rc;
    int64_t pos = 0;
    int32_t *t = out->targets;
    for (int32_t a = 0; a < n_pre; a++) {
        int64_t ex = excluded_target(&rule, a, n_post);
        for (int32_t b = 0; b < n_post; b++)
            if (b != ex)
                t[pos++] = b;
        out->row[a + 1] = pos;
    }
    out->n_syn = pos;
    return 0;
}

int sim_csr_one_to_one(sim_csr *out, int32_t n)
{
    static const char fn[] = "sim_csr_one_to_one";
    if (!out)
        return snx_error(SNX_EINVAL, "%s: out is NULL", fn);
    memset(out, 0, sizeof *out);
    if (n < 0)
        return snx_error(SNX_EINVAL, "%s: n = %d is negative", fn, (int)n);
    int rc = csr_alloc(out, fn, n, n, n);
    if (rc)
        return rc;
    for (int32_t i = 0; i < n; i++) {
        out->targets[i] = i;
        out->row[i + 1] = i + 1;
    }
    out->n_syn = n;
    return 0;
}

/* ---- random ------------------------------------------------------------------- */

typedef struct {
    gsl_rng *rng;
    int full32; /* the generator returns uniform values on [0, 2^32) */
} sampler;

/* Uniform integer in [0, n), n >= 1, unbiased. */
static inline uint32_t below(const sampler *s, uint32_t n)
{
    if (s->full32) {
        /* Lemire, "Fast random integer generation in an interval" (2019). */
        uint64_t m = (uint64_t)(uint32_t)gsl_rng_get(s->rng) * n;
        uint32_t l = (uint32_t)m;
        if (l < n) {
            uint32_t thr = (uint32_t)(-n) % n;
            while (l < thr) {
                m = (uint64_t)(uint32_t)gsl_rng_get(s->rng) * n;
                l = (uint32_t)m;
            }
        }
        return (uint32_t)(m >> 32);
    }
    return (uint32_t)gsl_rng_uniform_int(s->rng, n);
}

/* Floyd's algorithm: marks exactly k distinct uniformly chosen bits of [0, m) in bits
 * (which must be clear on entry). */
static void floyd(const sampler *s, uint64_t *bits, uint32_t m, uint32_t k)
{
    for (uint32_t j = m - k; j < m; j++) {
        uint32_t t = below(s, j + 1);
        /* Branch-free: the collision test is unpredictable when k is close to m/2. */
        uint32_t hit = (uint32_t)(bits[t >> 6] >> (t & 63)) & 1;
        uint32_t x = t ^ ((t ^ j) & (0u - hit));
        bits[x >> 6] |= 1ull << (x & 63);
    }
}

/* Writes the (optionally complemented) set bits of [0, m) to dst in ascending order,
 * mapping x to x + (x >= ex) (ex = INT64_MAX when nothing is excluded). Returns the
 * count. */
static int64_t extract(const uint64_t *bits, uint32_t m, int invert, int64_t ex, int32_t *dst)
{
    int64_t n = 0;
    uint32_t nw = (m + 63) / 64;
    uint64_t flip = invert ? ~0ull : 0;
    for (uint32_t w = 0; w < nw; w++) {
        uint64_t x = bits[w] ^ flip;
        if (w == nw - 1 && (m & 63))
            x &= (1ull << (m & 63)) - 1;
        int64_t base = (int64_t)w * 64;
        while (x) {
            int64_t v = base + __builtin_ctzll(x);
            dst[n++] = (int32_t)(v + (v >= ex));
            x &= x - 1;
        }
    }
    return n;
}

int sim_csr_random(sim_csr *out, int32_t n_pre, int32_t n_post, double p, int autapses,
                   int64_t pre_offset, int64_t post_offset, gsl_rng *rng)
{
    static const char fn[] = "sim_csr_random";
    int rc = check_sizes(fn, out, n_pre, n_post);
    if (rc || (rc = check_p(fn, p)))
        return rc;
    if (!rng)
        return snx_error(SNX_EINVAL, "%s: rng is NULL", fn);
    if (p == 1.0)
        return sim_csr_all_to_all(out, n_pre, n_post, autapses, pre_offset, post_offset) ?
                   snx_error_context("%s", fn) : 0;

    /* Expected count plus 6 sigma: one allocation almost always suffices. */
    double total = (double)n_pre * (double)n_post;
    double expect = total * p;
    double guess = expect + 6.0 * sqrt(expect * (1.0 - p)) + 64.0;
    if (guess > total)
        guess = total;
    if (guess > (double)(1 << 28)) /* 1 GiB up front at most; beyond, grow by doubling */
        guess = (double)(1 << 28);
    size_t cap = (size_t)guess;
    if ((rc = csr_alloc(out, fn, n_pre, n_post, (int64_t)cap)))
        return rc;
    if (p == 0.0 || n_post == 0)
        return 0; /* rows already all zero */

    autapse_rule rule = make_rule(autapses, pre_offset, post_offset);
    sampler s = { rng, gsl_rng_min(rng) == 0 && gsl_rng_max(rng) == 0xffffffffUL };
    int sparse = p < SPARSE_P;
    uint64_t *bits = NULL;
    double inv_log_q = 0.0;
    if (sparse) {
        inv_log_q = 1.0 / log1p(-p);
    } else {
        bits = snx_calloc(((size_t)n_post + 63) / 64, sizeof *bits);
        if (!bits) {
            sim_csr_free(out);
            return snx_error_context("%s", fn);
        }
    }

    int64_t pos = 0;
    for (int32_t a = 0; a < n_pre; a++) {
        int64_t ex = excluded_target(&rule, a, n_post);
        uint32_t m = (uint32_t)n_post - (ex >= 0);
        if (ex < 0)
            ex = INT64_MAX;
        if (!sparse) {
            uint32_t k = gsl_ran_binomial(rng, p, m);
            if ((rc = csr_reserve(out, &cap, pos + k, fn)))
                goto fail;
            if (k > 0) {
                int invert = k > m / 2;
                floyd(&s, bits, m, invert ? m - k : k);
                pos += extract(bits, m, invert, ex, out->targets + pos);
                memset(bits, 0, ((size_t)m + 63) / 64 * sizeof *bits);
            }
        } else {
            /* Bernoulli process by geometric gaps: P(gap = g) = (1-p)^g p. */
            double j = 0.0;
            for (;;) {
                double g = floor(log(gsl_rng_uniform_pos(rng)) * inv_log_q);
                j += g;
                if (j >= (double)m)
                    break;
                if ((uint64_t)pos >= cap && (rc = csr_reserve(out, &cap, pos + 1, fn)))
                    goto fail;
                int64_t v = (int64_t)j;
                out->targets[pos++] = (int32_t)(v + (v >= ex));
                j += 1.0;
            }
        }
        out->row[a + 1] = pos;
    }
    free(bits);
    out->n_syn = pos;
    csr_shrink(out, cap);
    return 0;
fail:
    free(bits);
    sim_csr_free(out);
    return rc;
}

/* ---- explicit pairs ------------------------------------------------------------- */

int sim_csr_from_pairs(sim_csr *out, int32_t n_pre, int32_t n_post, const int32_t *pre,
                       const int32_t *post, int64_t n, int64_t *order_out)
{
    static const char fn[] = "sim_csr_from_pairs";
    int rc = check_sizes(fn, out, n_pre, n_post);
    if (rc)
        return rc;
    if (n < 0)
        return snx_error(SNX_EINVAL, "%s: n = %lld is negative", fn, (long long)n);
    if (n > 0 && !pre)
        return snx_error(SNX_EINVAL, "%s: pre is NULL (n = %lld)", fn, (long long)n);
    if (n > 0 && !post)
        return snx_error(SNX_EINVAL, "%s: post is NULL (n = %lld)", fn, (long long)n);
    if ((uint64_t)n > SIZE_MAX / sizeof(int64_t))
        return snx_error(SNX_ENOMEM, "%s: n = %lld pairs do not fit in memory", fn,
                         (long long)n);
    for (int64_t k = 0; k < n; k++) {
        if (pre[k] < 0 || pre[k] >= n_pre)
            return snx_error(SNX_EINVAL, "%s: pre[%lld] = %d is outside [0, n_pre = %d)", fn,
                             (long long)k, (int)pre[k], (int)n_pre);
        if (post[k] < 0 || post[k] >= n_post)
            return snx_error(SNX_EINVAL, "%s: post[%lld] = %d is outside [0, n_post = %d)",
                             fn, (long long)k, (int)post[k], (int)n_post);
    }
    if ((rc = csr_alloc(out, fn, n_pre, n_post, n)))
        return rc;
    /* Stable LSD radix sort: by post (counting sort into by_post), then stably by pre. */
    int64_t *by_post = snx_malloc(((size_t)n > 0 ? (size_t)n : 1) * sizeof *by_post);
    int64_t *cnt = snx_calloc((size_t)n_post + 1, sizeof *cnt);
    if (!by_post || !cnt) {
        free(by_post);
        free(cnt);
        sim_csr_free(out);
        return snx_error_context("%s", fn);
    }
    for (int64_t k = 0; k < n; k++)
        cnt[post[k] + 1]++;
    for (int32_t b = 0; b < n_post; b++)
        cnt[b + 1] += cnt[b];
    for (int64_t k = 0; k < n; k++)
        by_post[cnt[post[k]]++] = k;
    free(cnt);

    int64_t *row = out->row;
    for (int64_t k = 0; k < n; k++)
        row[pre[k] + 1]++;
    for (int32_t a = 0; a < n_pre; a++)
        row[a + 1] += row[a];
    /* row[a] serves as the fill cursor of row a; afterwards row[a] == old row[a+1],
     * so shift back. */
    for (int64_t i = 0; i < n; i++) {
        int64_t k = by_post[i];
        int64_t s = row[pre[k]]++;
        out->targets[s] = post[k];
        if (order_out)
            order_out[s] = k;
    }
    for (int32_t a = n_pre; a > 0; a--)
        row[a] = row[a - 1];
    row[0] = 0;
    free(by_post);
    out->n_syn = n;
    return 0;
}

/* ---- row masks ------------------------------------------------------------------ */

static int from_mask(const char *fn, sim_csr *out, int32_t n_pre, int32_t n_post,
                     sim_row_mask_fn fill, void *ctx, double p, gsl_rng *rng)
{
    int rc = check_sizes(fn, out, n_pre, n_post);
    if (rc || (rc = check_p(fn, p)))
        return rc;
    if (!fill)
        return snx_error(SNX_EINVAL, "%s: fill is NULL", fn);
    if (p > 0.0 && p < 1.0 && !rng)
        return snx_error(SNX_EINVAL, "%s: rng is NULL (needed for p = %g)", fn, p);
    size_t cap = 64;
    if ((rc = csr_alloc(out, fn, n_pre, n_post, (int64_t)cap)))
        return rc;
    unsigned char *mask = snx_malloc(n_post > 0 ? (size_t)n_post : 1);
    if (!mask) {
        sim_csr_free(out);
        return snx_error_context("%s", fn);
    }
    int64_t pos = 0;
    for (int32_t a = 0; a < n_pre; a++) {
        memset(mask, 0, (size_t)n_post);
        snx_error_clear();
        rc = fill(a, n_post, mask, ctx);
        if (rc) {
            if (rc > 0)
                rc = snx_error(SNX_EINVAL, "%s: fill returned %d for presynaptic neuron %d "
                               "(expected 0 or a negative error code)", fn, rc, (int)a);
            else if (snx_errcode() == 0)
                snx_error(rc, "%s: fill failed (%s) for presynaptic neuron %d", fn,
                          snx_strerror(rc), (int)a);
            else
                snx_error_context("%s: presynaptic neuron %d", fn, (int)a);
            goto fail;
        }
        int64_t cnt = 0;
        for (int32_t b = 0; b < n_post; b++)
            cnt += mask[b] != 0;
        if ((rc = csr_reserve(out, &cap, pos + cnt, fn)))
            goto fail;
        int32_t *t = out->targets;
        if (p >= 1.0) {
            for (int32_t b = 0; b < n_post; b++)
                if (mask[b])
                    t[pos++] = b;
        } else if (p > 0.0) {
            for (int32_t b = 0; b < n_post; b++)
                if (mask[b] && gsl_rng_uniform(rng) < p)
                    t[pos++] = b;
        }
        out->row[a + 1] = pos;
    }
    free(mask);
    out->n_syn = pos;
    csr_shrink(out, cap);
    return 0;
fail:
    free(mask);
    sim_csr_free(out);
    return rc;
}

int sim_csr_from_row_mask(sim_csr *out, int32_t n_pre, int32_t n_post,
                          sim_row_mask_fn fill, void *ctx)
{
    return from_mask("sim_csr_from_row_mask", out, n_pre, n_post, fill, ctx, 1.0, NULL);
}

int sim_csr_from_row_mask_p(sim_csr *out, int32_t n_pre, int32_t n_post,
                            sim_row_mask_fn fill, void *ctx, double p, gsl_rng *rng)
{
    return from_mask("sim_csr_from_row_mask_p", out, n_pre, n_post, fill, ctx, p, rng);
}

/* ---- helpers -------------------------------------------------------------------- */

int sim_csr_pre_indices(const sim_csr *c, int32_t *pre_out)
{
    if (!c)
        return snx_error(SNX_EINVAL, "sim_csr_pre_indices: c is NULL");
    if (!pre_out && c->n_syn > 0)
        return snx_error(SNX_EINVAL, "sim_csr_pre_indices: pre_out is NULL");
    for (int32_t a = 0; a < c->n_pre; a++)
        for (int64_t s = c->row[a]; s < c->row[a + 1]; s++)
            pre_out[s] = a;
    return 0;
}

int sim_csr_check(const sim_csr *c, int sorted)
{
    static const char fn[] = "sim_csr_check";
    if (!c)
        return snx_error(SNX_EINVAL, "%s: c is NULL", fn);
    if (c->n_pre < 0 || c->n_post < 0 || c->n_syn < 0)
        return snx_error(SNX_EINVAL, "%s: negative size (n_pre = %d, n_post = %d, n_syn = %lld)",
                         fn, (int)c->n_pre, (int)c->n_post, (long long)c->n_syn);
    if (!c->row)
        return snx_error(SNX_EINVAL, "%s: row is NULL", fn);
    if (c->n_syn > 0 && !c->targets)
        return snx_error(SNX_EINVAL, "%s: targets is NULL with n_syn = %lld", fn,
                         (long long)c->n_syn);
    if (c->row[0] != 0)
        return snx_error(SNX_EINVAL, "%s: row[0] = %lld, expected 0", fn, (long long)c->row[0]);
    if (c->row[c->n_pre] != c->n_syn)
        return snx_error(SNX_EINVAL, "%s: row[n_pre = %d] = %lld differs from n_syn = %lld", fn,
                         (int)c->n_pre, (long long)c->row[c->n_pre], (long long)c->n_syn);
    for (int32_t a = 0; a < c->n_pre; a++) {
        if (c->row[a + 1] < c->row[a])
            return snx_error(SNX_EINVAL, "%s: row[%d] = %lld > row[%d] = %lld", fn, (int)a,
                             (long long)c->row[a], (int)a + 1, (long long)c->row[a + 1]);
        for (int64_t s = c->row[a]; s < c->row[a + 1]; s++) {
            int32_t t = c->targets[s];
            if (t < 0 || t >= c->n_post)
                return snx_error(SNX_EINVAL, "%s: targets[%lld] = %d (row %d) is outside "
                                 "[0, n_post = %d)", fn, (long long)s, (int)t, (int)a,
                                 (int)c->n_post);
            if (sorted && s > c->row[a] && t <= c->targets[s - 1])
                return snx_error(SNX_EINVAL, "%s: row %d is not strictly ascending at "
                                 "targets[%lld] = %d", fn, (int)a, (long long)s, (int)t);
        }
    }
    return 0;
}
