/* sim/connectivity: random (binomial statistics, autapses, slices, determinism),
 * all-to-all, one-to-one, explicit pairs, row masks, copies, every error path. */
#include "snx_test.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "../sim/connectivity.h"

static gsl_rng *new_rng(unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    return r;
}

/* Pearson chi-square of `hist` (hist[k] = number of samples equal to k, k in [0, m])
 * against Binomial(m, p) with n_samples samples; bins pooled so each expects >= 5.
 * Returns whether the statistic is below the 99.9% quantile. */
static int binomial_fits(const int64_t *hist, int64_t n_samples, unsigned m, double p,
                         double *chi2_out, int *df_out)
{
    double chi2 = 0.0, o = 0.0, e = 0.0, tail = 0.0;
    int bins = 0;
    for (unsigned k = 0; k <= m; k++)
        tail += n_samples * gsl_ran_binomial_pdf(k, p, m);
    for (unsigned k = 0; k <= m; k++) {
        double ek = n_samples * gsl_ran_binomial_pdf(k, p, m);
        o += (double)hist[k];
        e += ek;
        tail -= ek;
        if ((e >= 5.0 && tail >= 5.0) || k == m) {
            chi2 += (o - e) * (o - e) / e;
            bins++;
            o = e = 0.0;
        }
    }
    int df = bins - 1;
    *chi2_out = chi2;
    *df_out = df;
    return df > 0 && chi2 < gsl_cdf_chisq_Qinv(0.001, df);
}

/* Total count within 5 sigma, row counts ~ Binomial(m, p), in-degrees (columns) ~
 * Binomial(n_pre, p) (i.e. targets are uniform), rows sorted and unique. */
static void check_binomial(int32_t n_pre, int32_t n_post, double p, unsigned long seed)
{
    gsl_rng *rng = new_rng(seed);
    sim_csr c;
    assert_ok(sim_csr_random(&c, n_pre, n_post, p, 1, 0, 0, rng));
    assert_ok(sim_csr_check(&c, 1));
    double n = (double)n_pre * n_post;
    assert_true(fabs((double)c.n_syn - n * p) < 5.0 * sqrt(n * p * (1.0 - p)));

    int64_t *hist = calloc((size_t)(n_post > n_pre ? n_post : n_pre) + 1, sizeof *hist);
    for (int32_t a = 0; a < n_pre; a++)
        hist[sim_csr_row_len(&c, a)]++;
    double chi2;
    int df;
    if (!binomial_fits(hist, n_pre, (unsigned)n_post, p, &chi2, &df)) {
        print_error("rows: n_post=%d p=%g chi2=%g df=%d\n", n_post, p, chi2, df);
        fail();
    }
    int64_t *col = calloc((size_t)n_post, sizeof *col);
    for (int64_t s = 0; s < c.n_syn; s++)
        col[c.targets[s]]++;
    memset(hist, 0, ((size_t)(n_post > n_pre ? n_post : n_pre) + 1) * sizeof *hist);
    for (int32_t b = 0; b < n_post; b++)
        hist[col[b]]++;
    if (!binomial_fits(hist, n_post, (unsigned)n_pre, p, &chi2, &df)) {
        print_error("columns: n_pre=%d p=%g chi2=%g df=%d\n", n_pre, p, chi2, df);
        fail();
    }
    free(col);
    free(hist);
    sim_csr_free(&c);
    gsl_rng_free(rng);
}

static void test_random_dense_binomial(void **state)
{
    (void)state;
    check_binomial(2000, 1000, 0.1, 1);   /* Floyd sampling of the targets */
    check_binomial(2000, 1000, 0.5, 2);   /* k around m/2: both Floyd branches */
    check_binomial(2000, 1000, 0.8, 3);   /* complement sampling */
    check_binomial(4000, 80, 0.3, 4);     /* short rows (cluster-sized) */
}

static void test_random_sparse_binomial(void **state)
{
    (void)state;
    check_binomial(4000, 3000, 0.01, 5);  /* geometric skipping */
    check_binomial(20000, 500, 0.002, 6);
}

/* Row counts with autapses excluded follow Binomial(n_post - 1, p). */
static void test_random_no_autapses_statistics(void **state)
{
    (void)state;
    const double ps[] = { 0.01, 0.3, 0.9 };
    for (int i = 0; i < 3; i++) {
        gsl_rng *rng = new_rng(10 + i);
        sim_csr c;
        assert_ok(sim_csr_random(&c, 3000, 3000, ps[i], 0, 0, 0, rng));
        assert_ok(sim_csr_check(&c, 1));
        int64_t *hist = calloc(3001, sizeof *hist);
        for (int32_t a = 0; a < 3000; a++) {
            hist[sim_csr_row_len(&c, a)]++;
            for (int64_t s = c.row[a]; s < c.row[a + 1]; s++)
                assert_int_not_equal(c.targets[s], a);
        }
        double chi2;
        int df;
        assert_true(binomial_fits(hist, 3000, 2999, ps[i], &chi2, &df));
        /* The neighbours of the diagonal are still reachable. */
        int64_t below = 0, above = 0;
        for (int32_t a = 1; a < 2999; a++)
            for (int64_t s = c.row[a]; s < c.row[a + 1]; s++) {
                below += c.targets[s] == a - 1;
                above += c.targets[s] == a + 1;
            }
        assert_true(fabs((double)below - 2998 * ps[i]) < 5 * sqrt(2998 * ps[i]) + 1);
        assert_true(fabs((double)above - 2998 * ps[i]) < 5 * sqrt(2998 * ps[i]) + 1);
        free(hist);
        sim_csr_free(&c);
        gsl_rng_free(rng);
    }
}

/* Slices of one group: pre = [100, 300), post = [200, 500). Pre a (global a + 100) must
 * never reach post b with b + 200 == a + 100. */
static void test_random_no_autapses_overlapping_slices(void **state)
{
    (void)state;
    const double ps[] = { 0.005, 0.5, 1.0 };
    for (int i = 0; i < 3; i++) {
        gsl_rng *rng = new_rng(20 + i);
        sim_csr c;
        assert_ok(sim_csr_random(&c, 200, 300, ps[i], 0, 100, 200, rng));
        assert_ok(sim_csr_check(&c, 1));
        for (int32_t a = 0; a < 200; a++)
            for (int64_t s = c.row[a]; s < c.row[a + 1]; s++)
                assert_int_not_equal(c.targets[s] + 200, a + 100);
        if (ps[i] == 1.0) {
            /* Rows 100..199 overlap the post slice and lose exactly one target. */
            for (int32_t a = 0; a < 200; a++)
                assert_int_equal(sim_csr_row_len(&c, a), a >= 100 ? 299 : 300);
        }
        sim_csr_free(&c);
        gsl_rng_free(rng);
    }
    /* With autapses allowed, p = 1 gives every pair. */
    gsl_rng *rng = new_rng(1);
    sim_csr c;
    assert_ok(sim_csr_random(&c, 200, 300, 1.0, 1, 100, 200, rng));
    assert_int_equal(c.n_syn, 200 * 300);
    sim_csr_free(&c);
    /* Disjoint slices (no overlap): no exclusion happens. */
    assert_ok(sim_csr_random(&c, 100, 100, 1.0, 0, 0, 100, rng));
    assert_int_equal(c.n_syn, 100 * 100);
    sim_csr_free(&c);
    /* Extreme offsets do not overflow. */
    assert_ok(sim_csr_random(&c, 10, 10, 1.0, 0, INT64_MAX - 5, INT64_MIN + 5, rng));
    assert_int_equal(c.n_syn, 100);
    sim_csr_free(&c);
    /* a + pre_offset overflows for a >= 3, yet pre a is post a + 5 for a < 5. */
    for (int i = 0; i < 2; i++) {
        if (i == 0)
            assert_ok(sim_csr_random(&c, 10, 10, 1.0, 0, INT64_MAX - 2, INT64_MAX - 7, rng));
        else
            assert_ok(sim_csr_all_to_all(&c, 10, 10, 0, INT64_MAX - 2, INT64_MAX - 7));
        assert_int_equal(c.n_syn, 95);
        for (int32_t a = 0; a < 10; a++) {
            assert_int_equal(sim_csr_row_len(&c, a), a < 5 ? 9 : 10);
            for (int64_t s = c.row[a]; s < c.row[a + 1]; s++)
                assert_int_not_equal(c.targets[s], a + 5);
        }
        sim_csr_free(&c);
    }
    assert_ok(sim_csr_all_to_all(&c, 10, 10, 0, INT64_MIN, 0));
    assert_int_equal(c.n_syn, 100);
    sim_csr_free(&c);
    assert_ok(sim_csr_all_to_all(&c, 10, 10, 0, 0, INT64_MIN)); /* delta overflows */
    assert_int_equal(c.n_syn, 100);
    sim_csr_free(&c);
    assert_ok(sim_csr_all_to_all(&c, 10, 10, 0, -3, INT64_MAX)); /* delta = INT64_MIN + ... */
    assert_int_equal(c.n_syn, 100);
    sim_csr_free(&c);
    gsl_rng_free(rng);
}

static void test_random_p0_p1(void **state)
{
    (void)state;
    gsl_rng *rng = new_rng(7), *ref = new_rng(7);
    sim_csr c;
    assert_ok(sim_csr_random(&c, 50, 40, 0.0, 1, 0, 0, rng));
    assert_int_equal(c.n_syn, 0);
    assert_int_equal(c.n_pre, 50);
    assert_int_equal(c.n_post, 40);
    assert_non_null(c.targets);
    for (int32_t a = 0; a <= 50; a++)
        assert_int_equal(c.row[a], 0);
    sim_csr_free(&c);
    assert_ok(sim_csr_random(&c, 50, 40, 1.0, 1, 0, 0, rng));
    assert_int_equal(c.n_syn, 2000);
    assert_ok(sim_csr_check(&c, 1));
    for (int32_t a = 0; a < 50; a++)
        for (int32_t b = 0; b < 40; b++)
            assert_int_equal(c.targets[c.row[a] + b], b);
    sim_csr_free(&c);
    /* p = 0 and p = 1 consume no random numbers. */
    assert_int_equal(gsl_rng_get(rng), gsl_rng_get(ref));
    /* Empty shapes. */
    assert_ok(sim_csr_random(&c, 0, 40, 0.5, 1, 0, 0, rng));
    assert_int_equal(c.n_syn, 0);
    assert_int_equal(c.row[0], 0);
    sim_csr_free(&c);
    assert_ok(sim_csr_random(&c, 30, 0, 0.5, 0, 0, 0, rng));
    assert_int_equal(c.n_syn, 0);
    assert_int_equal(c.row[30], 0);
    sim_csr_free(&c);
    /* Single target rows with autapses off at p = 0.5: nothing eligible. */
    assert_ok(sim_csr_random(&c, 1, 1, 0.5, 0, 0, 0, rng));
    assert_int_equal(c.n_syn, 0);
    sim_csr_free(&c);
    gsl_rng_free(rng);
    gsl_rng_free(ref);
}

static void test_random_deterministic(void **state)
{
    (void)state;
    const double ps[] = { 0.003, 0.2, 0.7 };
    for (int i = 0; i < 3; i++) {
        gsl_rng *r1 = new_rng(99), *r2 = new_rng(99), *r3 = new_rng(100);
        sim_csr a, b, d;
        assert_ok(sim_csr_random(&a, 500, 700, ps[i], 0, 0, 0, r1));
        assert_ok(sim_csr_random(&b, 500, 700, ps[i], 0, 0, 0, r2));
        assert_ok(sim_csr_random(&d, 500, 700, ps[i], 0, 0, 0, r3));
        assert_int_equal(a.n_syn, b.n_syn);
        assert_memory_equal(a.row, b.row, 501 * sizeof *a.row);
        assert_memory_equal(a.targets, b.targets, (size_t)a.n_syn * sizeof *a.targets);
        assert_true(a.n_syn != d.n_syn ||
                    memcmp(a.targets, d.targets, (size_t)a.n_syn * sizeof *a.targets) != 0);
        /* Both generators advanced identically. */
        assert_int_equal(gsl_rng_get(r1), gsl_rng_get(r2));
        sim_csr_free(&a);
        sim_csr_free(&b);
        sim_csr_free(&d);
        gsl_rng_free(r1);
        gsl_rng_free(r2);
        gsl_rng_free(r3);
    }
}

/* A generator whose range is not 32 bits goes through gsl_rng_uniform_int. */
static void test_random_other_generator(void **state)
{
    (void)state;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_ranlux);
    gsl_rng_set(rng, 3);
    assert_true(gsl_rng_max(rng) < 0xffffffffUL);
    sim_csr c;
    assert_ok(sim_csr_random(&c, 1000, 400, 0.25, 0, 0, 0, rng));
    assert_ok(sim_csr_check(&c, 1));
    double n = 1000.0 * 400 - 400;
    assert_true(fabs((double)c.n_syn - n * 0.25) < 5.0 * sqrt(n * 0.25 * 0.75));
    sim_csr_free(&c);
    gsl_rng_free(rng);
}

/* Huge, very sparse: O(n_syn + n_pre), never n_pre * n_post (1e10 pairs here). */
static void test_random_huge_sparse(void **state)
{
    (void)state;
    gsl_rng *rng = new_rng(8);
    sim_csr c;
    assert_ok(sim_csr_random(&c, 100000, 100000, 1e-6, 0, 0, 0, rng));
    assert_ok(sim_csr_check(&c, 1));
    assert_true(fabs((double)c.n_syn - 1e4) < 5.0 * 100.0);
    sim_csr_free(&c);
    gsl_rng_free(rng);
}

static void test_all_to_all_and_one_to_one(void **state)
{
    (void)state;
    sim_csr c;
    assert_ok(sim_csr_all_to_all(&c, 30, 20, 1, 0, 0));
    assert_int_equal(c.n_syn, 600);
    assert_ok(sim_csr_check(&c, 1));
    sim_csr_free(&c);
    assert_ok(sim_csr_all_to_all(&c, 30, 20, 0, 0, 0));
    assert_int_equal(c.n_syn, 600 - 20);
    assert_ok(sim_csr_check(&c, 1));
    for (int32_t a = 0; a < 30; a++) {
        assert_int_equal(sim_csr_row_len(&c, a), a < 20 ? 19 : 20);
        for (int64_t s = c.row[a]; s < c.row[a + 1]; s++)
            assert_int_not_equal(c.targets[s], a);
    }
    sim_csr_free(&c);
    /* Slices [5, 15) -> [10, 30): globals 10..14 overlap. */
    assert_ok(sim_csr_all_to_all(&c, 10, 20, 0, 5, 10));
    assert_int_equal(c.n_syn, 200 - 5);
    for (int32_t a = 0; a < 10; a++)
        for (int64_t s = c.row[a]; s < c.row[a + 1]; s++)
            assert_int_not_equal(c.targets[s] + 10, a + 5);
    sim_csr_free(&c);
    assert_ok(sim_csr_all_to_all(&c, 0, 0, 0, 0, 0));
    assert_int_equal(c.n_syn, 0);
    sim_csr_free(&c);

    assert_ok(sim_csr_one_to_one(&c, 7));
    assert_int_equal(c.n_syn, 7);
    assert_int_equal(c.n_pre, 7);
    assert_int_equal(c.n_post, 7);
    for (int32_t i = 0; i < 7; i++) {
        assert_int_equal(sim_csr_row_len(&c, i), 1);
        assert_int_equal(c.targets[c.row[i]], i);
    }
    sim_csr_free(&c);
    assert_ok(sim_csr_one_to_one(&c, 0));
    assert_int_equal(c.n_syn, 0);
    sim_csr_free(&c);
}

static void test_from_pairs_order(void **state)
{
    (void)state;
    /* Unsorted, with a duplicate (2 -> 1 at k = 1 and k = 5). */
    const int32_t pre[] = { 2, 2, 0, 3, 0, 2, 2 };
    const int32_t post[] = { 4, 1, 3, 0, 0, 1, 0 };
    const double w_in[] = { 0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0 };
    int64_t order[7];
    sim_csr c;
    assert_ok(sim_csr_from_pairs(&c, 5, 5, pre, post, 7, order));
    assert_int_equal(c.n_syn, 7);
    assert_ok(sim_csr_check(&c, 0));
    const int64_t row[] = { 0, 2, 2, 6, 7, 7 };
    const int32_t tg[] = { 0, 3, 0, 1, 1, 4, 0 };
    const int64_t ord[] = { 4, 2, 6, 1, 5, 0, 3 };
    for (int i = 0; i < 6; i++)
        assert_int_equal(c.row[i], row[i]);
    int32_t pre_of[7];
    assert_ok(sim_csr_pre_indices(&c, pre_of));
    for (int s = 0; s < 7; s++) {
        assert_int_equal(c.targets[s], tg[s]);
        assert_int_equal(order[s], ord[s]);
        assert_int_equal(c.targets[s], post[order[s]]);
        assert_int_equal(pre_of[s], pre[order[s]]);
    }
    /* Permuting per-synapse data given in input order. */
    double w[7];
    for (int s = 0; s < 7; s++)
        w[s] = w_in[order[s]];
    assert_true(w[3] == 1.0 && w[4] == 5.0); /* duplicates keep input order */
    sim_csr_free(&c);

    /* No order requested; empty input with NULL arrays. */
    assert_ok(sim_csr_from_pairs(&c, 5, 5, pre, post, 7, NULL));
    assert_int_equal(c.targets[6], 0);
    sim_csr_free(&c);
    assert_ok(sim_csr_from_pairs(&c, 3, 4, NULL, NULL, 0, NULL));
    assert_int_equal(c.n_syn, 0);
    assert_int_equal(c.row[3], 0);
    sim_csr_free(&c);
}

static void test_from_pairs_matches_random(void **state)
{
    (void)state;
    /* Feeding a random CSR's pairs back in reverse order reproduces it. */
    gsl_rng *rng = new_rng(11);
    sim_csr c, d;
    assert_ok(sim_csr_random(&c, 300, 200, 0.1, 1, 0, 0, rng));
    int32_t *pre = malloc((size_t)c.n_syn * sizeof *pre);
    int32_t *post = malloc((size_t)c.n_syn * sizeof *post);
    int64_t *order = malloc((size_t)c.n_syn * sizeof *order);
    assert_ok(sim_csr_pre_indices(&c, pre));
    for (int64_t s = 0; s < c.n_syn; s++)
        post[s] = c.targets[s];
    for (int64_t i = 0, j = c.n_syn - 1; i < j; i++, j--) {
        int32_t t = pre[i]; pre[i] = pre[j]; pre[j] = t;
        t = post[i]; post[i] = post[j]; post[j] = t;
    }
    assert_ok(sim_csr_from_pairs(&d, 300, 200, pre, post, c.n_syn, order));
    assert_int_equal(d.n_syn, c.n_syn);
    assert_memory_equal(d.row, c.row, 301 * sizeof *c.row);
    assert_memory_equal(d.targets, c.targets, (size_t)c.n_syn * sizeof *c.targets);
    for (int64_t s = 0; s < c.n_syn; s++)
        assert_int_equal(order[s], c.n_syn - 1 - s);
    free(pre);
    free(post);
    free(order);
    sim_csr_free(&c);
    sim_csr_free(&d);
    gsl_rng_free(rng);
}

/* Condition "j % (i + 1) == 0" (j the post index). */
static int fill_divisible(int32_t pre, int32_t n_post, unsigned char *mask, void *ctx)
{
    int *calls = ctx;
    (*calls)++;
    for (int32_t b = 0; b < n_post; b++) {
        assert_int_equal(mask[b], 0); /* zeroed before each call */
        mask[b] = (unsigned char)(b % (pre + 1) == 0 ? (b & 1) + 1 : 0); /* nonzero = 1 */
    }
    return 0;
}

static void test_row_mask(void **state)
{
    (void)state;
    int calls = 0;
    sim_csr c;
    assert_ok(sim_csr_from_row_mask(&c, 10, 50, fill_divisible, &calls));
    assert_int_equal(calls, 10);
    assert_ok(sim_csr_check(&c, 1));
    int64_t total = 0;
    for (int32_t a = 0; a < 10; a++) {
        int64_t s = c.row[a];
        for (int32_t b = 0; b < 50; b += a + 1)
            assert_int_equal(c.targets[s++], b);
        assert_int_equal(s, c.row[a + 1]);
        total += (49 / (a + 1)) + 1;
    }
    assert_int_equal(c.n_syn, total);

    /* With a probability on top: a subset of the mask with binomial size. */
    gsl_rng *rng = new_rng(5);
    sim_csr d;
    calls = 0;
    assert_ok(sim_csr_from_row_mask_p(&d, 10, 50, fill_divisible, &calls, 1.0, NULL));
    assert_int_equal(d.n_syn, c.n_syn);
    assert_memory_equal(d.targets, c.targets, (size_t)c.n_syn * sizeof *c.targets);
    sim_csr_free(&d);
    assert_ok(sim_csr_from_row_mask_p(&d, 10, 50, fill_divisible, &calls, 0.0, NULL));
    assert_int_equal(d.n_syn, 0);
    sim_csr_free(&d);
    sim_csr_free(&c);
    int64_t sum = 0, cand = 0;
    for (int rep = 0; rep < 20; rep++) {
        assert_ok(sim_csr_from_row_mask(&c, 100, 1000, fill_divisible, &calls));
        assert_ok(sim_csr_from_row_mask_p(&d, 100, 1000, fill_divisible, &calls, 0.3, rng));
        assert_ok(sim_csr_check(&d, 1));
        for (int32_t b = 0; b < 100; b++) /* d's row is a subset of c's row */
            for (int64_t s = d.row[b]; s < d.row[b + 1]; s++)
                assert_int_equal(d.targets[s] % (b + 1), 0);
        sum += d.n_syn;
        cand += c.n_syn;
        sim_csr_free(&c);
        sim_csr_free(&d);
    }
    assert_true(fabs((double)sum - 0.3 * cand) < 5.0 * sqrt(cand * 0.21));
    gsl_rng_free(rng);
}

static int fill_fails_at_3(int32_t pre, int32_t n_post, unsigned char *mask, void *ctx)
{
    (void)n_post;
    (void)ctx;
    mask[0] = 1;
    if (pre == 3)
        return snx_error(SNX_EPARSE, "unknown identifier \"q\" at column 7");
    return 0;
}

static int fill_fails_silently(int32_t pre, int32_t n_post, unsigned char *mask, void *ctx)
{
    (void)n_post;
    (void)mask;
    (void)ctx;
    return pre == 2 ? SNX_EDIM : 0;
}

static int fill_returns_positive(int32_t pre, int32_t n_post, unsigned char *mask, void *ctx)
{
    (void)pre;
    (void)n_post;
    (void)mask;
    (void)ctx;
    return 1;
}

static void test_row_mask_errors(void **state)
{
    (void)state;
    sim_csr c;
    assert_fails(sim_csr_from_row_mask(&c, 10, 5, fill_fails_at_3, NULL), SNX_EPARSE,
                 "sim_csr_from_row_mask: presynaptic neuron 3: unknown identifier \"q\"");
    assert_null(c.row); /* zeroed on failure */
    assert_fails(sim_csr_from_row_mask(&c, 10, 5, fill_fails_silently, NULL), SNX_EDIM,
                 "fill failed (DimensionMismatch) for presynaptic neuron 2");
    assert_fails(sim_csr_from_row_mask(&c, 10, 5, fill_returns_positive, NULL), SNX_EINVAL,
                 "fill returned 1 for presynaptic neuron 0");
    assert_fails(sim_csr_from_row_mask(&c, 10, 5, NULL, NULL), SNX_EINVAL,
                 "sim_csr_from_row_mask: fill is NULL");
    assert_fails(sim_csr_from_row_mask(NULL, 10, 5, fill_fails_at_3, NULL), SNX_EINVAL,
                 "out is NULL");
    assert_fails(sim_csr_from_row_mask(&c, -2, 5, fill_fails_at_3, NULL), SNX_EINVAL,
                 "n_pre = -2 is negative");
    assert_fails(sim_csr_from_row_mask(&c, 2, -5, fill_fails_at_3, NULL), SNX_EINVAL,
                 "n_post = -5 is negative");
    int calls = 0;
    assert_fails(sim_csr_from_row_mask_p(&c, 2, 5, fill_divisible, &calls, 0.5, NULL),
                 SNX_EINVAL, "sim_csr_from_row_mask_p: rng is NULL (needed for p = 0.5)");
    assert_fails(sim_csr_from_row_mask_p(&c, 2, 5, fill_divisible, &calls, 1.5, NULL),
                 SNX_EINVAL, "p = 1.5 is not a probability in [0, 1]");
}

static void test_random_errors(void **state)
{
    (void)state;
    gsl_rng *rng = new_rng(1);
    sim_csr c;
    assert_fails(sim_csr_random(NULL, 10, 10, 0.5, 1, 0, 0, rng), SNX_EINVAL,
                 "sim_csr_random: out is NULL");
    assert_fails(sim_csr_random(&c, -1, 10, 0.5, 1, 0, 0, rng), SNX_EINVAL,
                 "sim_csr_random: n_pre = -1 is negative");
    assert_null(c.row);
    assert_fails(sim_csr_random(&c, 10, -7, 0.5, 1, 0, 0, rng), SNX_EINVAL,
                 "sim_csr_random: n_post = -7 is negative");
    assert_fails(sim_csr_random(&c, 10, 10, -0.1, 1, 0, 0, rng), SNX_EINVAL,
                 "sim_csr_random: p = -0.1 is not a probability in [0, 1]");
    assert_fails(sim_csr_random(&c, 10, 10, 1.0000001, 1, 0, 0, rng), SNX_EINVAL,
                 "p = 1 is not a probability"); /* %g rounds; the check does not */
    assert_fails(sim_csr_random(&c, 10, 10, NAN, 1, 0, 0, rng), SNX_EINVAL,
                 "p = nan is not a probability");
    assert_fails(sim_csr_random(&c, 10, 10, 0.5, 1, 0, 0, NULL), SNX_EINVAL,
                 "sim_csr_random: rng is NULL");
    assert_fails(sim_csr_all_to_all(NULL, 1, 1, 1, 0, 0), SNX_EINVAL,
                 "sim_csr_all_to_all: out is NULL");
    assert_fails(sim_csr_all_to_all(&c, 1, -1, 1, 0, 0), SNX_EINVAL,
                 "sim_csr_all_to_all: n_post = -1 is negative");
    assert_fails(sim_csr_one_to_one(&c, -3), SNX_EINVAL, "sim_csr_one_to_one: n = -3 is negative");
    assert_fails(sim_csr_one_to_one(NULL, 3), SNX_EINVAL, "sim_csr_one_to_one: out is NULL");
    gsl_rng_free(rng);
}

static void test_from_pairs_errors(void **state)
{
    (void)state;
    const int32_t pre[] = { 0, 1, 5, 2 };
    const int32_t post[] = { 0, 1, 1, -2 };
    sim_csr c;
    assert_fails(sim_csr_from_pairs(&c, 3, 3, pre, post, 4, NULL), SNX_EINVAL,
                 "sim_csr_from_pairs: pre[2] = 5 is outside [0, n_pre = 3)");
    assert_null(c.row);
    assert_fails(sim_csr_from_pairs(&c, 6, 3, pre, post, 4, NULL), SNX_EINVAL,
                 "sim_csr_from_pairs: post[3] = -2 is outside [0, n_post = 3)");
    assert_fails(sim_csr_from_pairs(&c, 6, 3, pre, post, -1, NULL), SNX_EINVAL,
                 "sim_csr_from_pairs: n = -1 is negative");
    assert_fails(sim_csr_from_pairs(&c, 6, 3, NULL, post, 2, NULL), SNX_EINVAL,
                 "sim_csr_from_pairs: pre is NULL (n = 2)");
    assert_fails(sim_csr_from_pairs(&c, 6, 3, pre, NULL, 2, NULL), SNX_EINVAL,
                 "sim_csr_from_pairs: post is NULL (n = 2)");
    assert_fails(sim_csr_from_pairs(&c, -6, 3, pre, post, 2, NULL), SNX_EINVAL,
                 "sim_csr_from_pairs: n_pre = -6 is negative");
    assert_fails(sim_csr_from_pairs(NULL, 6, 3, pre, post, 2, NULL), SNX_EINVAL,
                 "sim_csr_from_pairs: out is NULL");
    /* Checked before any array is read or allocated. */
    assert_fails(sim_csr_from_pairs(&c, 6, 3, pre, post, INT64_MAX, NULL), SNX_ENOMEM,
                 "sim_csr_from_pairs: n = 9223372036854775807 pairs do not fit in memory");
}

static void test_copy_check_pre_indices(void **state)
{
    (void)state;
    gsl_rng *rng = new_rng(4);
    sim_csr c, d;
    assert_ok(sim_csr_random(&c, 100, 100, 0.2, 0, 0, 0, rng));
    assert_ok(sim_csr_copy(&d, &c));
    assert_int_equal(d.n_syn, c.n_syn);
    assert_int_equal(d.n_pre, 100);
    assert_true(d.targets != c.targets);
    assert_memory_equal(d.row, c.row, 101 * sizeof *c.row);
    assert_memory_equal(d.targets, c.targets, (size_t)c.n_syn * sizeof *c.targets);
    sim_csr_free(&c);
    assert_ok(sim_csr_check(&d, 1));

    /* The checker names what is wrong. */
    int32_t t0 = d.targets[0];
    d.targets[0] = 100;
    assert_fails(sim_csr_check(&d, 0), SNX_EINVAL, "targets[0] = 100 (row 0) is outside [0, n_post = 100)");
    d.targets[0] = t0;
    int64_t s = d.row[1];
    int32_t keep = d.targets[s + 1];
    d.targets[s + 1] = d.targets[s];
    assert_ok(sim_csr_check(&d, 0));
    assert_fails(sim_csr_check(&d, 1), SNX_EINVAL, "row 1 is not strictly ascending");
    d.targets[s + 1] = keep;
    d.row[100]++;
    assert_fails(sim_csr_check(&d, 1), SNX_EINVAL, "differs from n_syn");
    d.row[100]--;
    d.row[0] = 1;
    assert_fails(sim_csr_check(&d, 1), SNX_EINVAL, "row[0] = 1, expected 0");
    d.row[0] = 0;
    int64_t r5 = d.row[5];
    d.row[5] = d.row[6] + 1;
    assert_fails(sim_csr_check(&d, 0), SNX_EINVAL, "row[5] = ");
    d.row[5] = r5;
    assert_fails(sim_csr_check(NULL, 1), SNX_EINVAL, "sim_csr_check: c is NULL");
    sim_csr broken = d;
    broken.n_syn = -1;
    assert_fails(sim_csr_check(&broken, 1), SNX_EINVAL, "negative size (n_pre = 100, n_post = 100, n_syn = -1)");
    broken = d;
    broken.row = NULL;
    assert_fails(sim_csr_check(&broken, 1), SNX_EINVAL, "sim_csr_check: row is NULL");
    broken = d;
    broken.targets = NULL;
    assert_fails(sim_csr_check(&broken, 1), SNX_EINVAL, "targets is NULL with n_syn = ");

    int32_t *pre = malloc((size_t)d.n_syn * sizeof *pre);
    assert_ok(sim_csr_pre_indices(&d, pre));
    for (int32_t a = 0; a < 100; a++)
        for (int64_t k = d.row[a]; k < d.row[a + 1]; k++)
            assert_int_equal(pre[k], a);
    free(pre);
    assert_fails(sim_csr_pre_indices(&d, NULL), SNX_EINVAL, "pre_out is NULL");
    assert_fails(sim_csr_pre_indices(NULL, NULL), SNX_EINVAL, "c is NULL");

    assert_fails(sim_csr_copy(NULL, &d), SNX_EINVAL, "sim_csr_copy: dst is NULL");
    assert_fails(sim_csr_copy(&c, NULL), SNX_EINVAL, "sim_csr_copy: src is NULL");
    sim_csr bad = { 0 };
    assert_fails(sim_csr_copy(&c, &bad), SNX_EINVAL, "src is not a valid CSR");
    sim_csr_free(&d);
    sim_csr_free(&d); /* freeing twice is harmless: free zeroes */
    sim_csr_free(NULL);
    gsl_rng_free(rng);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_dense_binomial),
        cmocka_unit_test(test_random_sparse_binomial),
        cmocka_unit_test(test_random_no_autapses_statistics),
        cmocka_unit_test(test_random_no_autapses_overlapping_slices),
        cmocka_unit_test(test_random_p0_p1),
        cmocka_unit_test(test_random_deterministic),
        cmocka_unit_test(test_random_other_generator),
        cmocka_unit_test(test_random_huge_sparse),
        cmocka_unit_test(test_all_to_all_and_one_to_one),
        cmocka_unit_test(test_from_pairs_order),
        cmocka_unit_test(test_from_pairs_matches_random),
        cmocka_unit_test(test_row_mask),
        cmocka_unit_test(test_row_mask_errors),
        cmocka_unit_test(test_random_errors),
        cmocka_unit_test(test_from_pairs_errors),
        cmocka_unit_test(test_copy_check_pre_indices),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
