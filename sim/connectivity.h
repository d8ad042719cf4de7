/* sim/connectivity: building synaptic connectivity as compressed rows (CSR) indexed by
 * presynaptic neuron. Internal header of the simulation engine.
 *
 * Conventions for every constructor below:
 *  - `out` is an output: its previous contents are ignored (not freed). On success it
 *    holds a valid CSR that the caller frees with sim_csr_free(); on failure it is
 *    zeroed (nothing to free) and the error message says which argument was wrong.
 *  - `row` always has n_pre + 1 entries and `targets` is never NULL (it has room for at
 *    least one entry even when n_syn == 0), so empty matrices need no special cases.
 *  - Target indices are relative to the postsynaptic group (or slice) start.
 *  - Nothing here keeps global state; distinct calls may run in parallel threads as
 *    long as they do not share an rng or an output.
 */
#ifndef SIM_CONNECTIVITY_H
#define SIM_CONNECTIVITY_H

#include <stdint.h>
#include <gsl/gsl_rng.h>

typedef struct sim_csr {          /* compressed rows by presynaptic neuron */
    int32_t n_pre, n_post;
    int64_t n_syn;
    int64_t *row;                  /* n_pre + 1 offsets into targets */
    int32_t *targets;              /* ascending within each row */
} sim_csr;

/* Frees the arrays and zeroes the struct. NULL and zeroed structs are fine. */
void sim_csr_free(sim_csr *c);

/* Deep copy of src into dst (dst's previous contents are ignored, as for `out`). */
int sim_csr_copy(sim_csr *dst, const sim_csr *src);

/* Every pair independently with probability p (Bernoulli). Per row, the number of
 * synapses k ~ Binomial(m, p) over the m eligible targets, then k distinct targets
 * uniformly without replacement (Brian 1's `sparseness` semantics, which is exactly an
 * independent Bernoulli(p) per pair). Sampling is Floyd's algorithm on a bitmap for
 * p >= 1/32 (cost O(k + m/64) per row, and m/64 <= 2 E[k] there) and geometric skipping
 * for p < 1/32 (O(k + 1) per row), so the total is O(n_syn + n_pre) in expectation:
 * never an n_pre*n_post loop. About 9 ns per synapse with mt19937.
 * Source and target may be slices of the same group: pre index a is global
 * a + pre_offset, post index b is global b + post_offset; when !autapses, pairs with
 * equal global index are excluded (and p applies to the remaining pairs).
 * Targets are ascending and unique within each row. Deterministic given the rng state
 * (and its type); p == 0 and p == 1 consume no random numbers. rng must not be NULL. */
int sim_csr_random(sim_csr *out, int32_t n_pre, int32_t n_post, double p, int autapses,
                   int64_t pre_offset, int64_t post_offset, gsl_rng *rng);

/* Every pair (except equal global indices when !autapses, see sim_csr_random). */
int sim_csr_all_to_all(sim_csr *out, int32_t n_pre, int32_t n_post, int autapses,
                       int64_t pre_offset, int64_t post_offset);

/* i -> i for i in [0, n). */
int sim_csr_one_to_one(sim_csr *out, int32_t n);

/* Explicit lists (pre[k], post[k]), k in [0, n). Validates indices (the error names the
 * offending k and value). Rows come out sorted by target; duplicates are allowed and
 * keep their input order (stable sort). order_out (optional, n entries) maps CSR
 * position -> input position, so that per-synapse arrays given in input order can be
 * permuted: csr_w[s] = input_w[order_out[s]]. pre/post may be NULL when n == 0.
 * Cost O(n + n_pre + n_post). */
int sim_csr_from_pairs(sim_csr *out, int32_t n_pre, int32_t n_post, const int32_t *pre,
                       const int32_t *post, int64_t n, int64_t *order_out);

/* Condition strings: the caller's compiled condition fills mask[0..n_post) (0/1; any
 * nonzero counts as 1) for one presynaptic row; the mask is zeroed before each call.
 * It returns 0 or a negative error code which is propagated (its message prefixed with
 * the row). Targets come out ascending. */
typedef int (*sim_row_mask_fn)(int32_t pre, int32_t n_post, unsigned char *mask, void *ctx);
int sim_csr_from_row_mask(sim_csr *out, int32_t n_pre, int32_t n_post,
                          sim_row_mask_fn fill, void *ctx);

/* The combined form: a pair is connected when the mask says so AND an independent
 * Bernoulli(p) draw succeeds (Brian's `condition` + `p`). p == 1 is exactly
 * sim_csr_from_row_mask and consumes no random numbers; rng may be NULL only then. */
int sim_csr_from_row_mask_p(sim_csr *out, int32_t n_pre, int32_t n_post,
                            sim_row_mask_fn fill, void *ctx, double p, gsl_rng *rng);

/* Fills pre_out[s] (n_syn entries) with the presynaptic index of CSR position s: the
 * "i" of every synapse, for per-synapse code that needs both ends. */
int sim_csr_pre_indices(const sim_csr *c, int32_t *pre_out);

/* Checks the structural invariants (offsets monotone from 0 to n_syn, targets in
 * [0, n_post)); with `sorted`, also strictly ascending targets within rows.
 * Returns 0 or SNX_EINVAL naming the first violation. */
int sim_csr_check(const sim_csr *c, int sorted);

/* Number of synapses of row `pre` (no bounds check). */
static inline int64_t sim_csr_row_len(const sim_csr *c, int32_t pre)
{
    return c->row[pre + 1] - c->row[pre];
}

/* The first position in [lo, hi) of an ascending int32 array (a row's targets, a
 * spike list) whose value is >= key, or hi. */
static inline int64_t sim_first_at_least(const int32_t *a, int64_t lo, int64_t hi,
                                         int32_t key)
{
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (a[mid] < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

#endif
