/* Shortcut lookup cost against tree size.
 *
 * pypet finds `traj.ncars` in a tree of any size by a breadth-first search that it
 * hopes to cut short; snex answers from a name index, so a shortcut lookup should
 * cost the same in a tree of 10^2 leaves and in one of 10^5. This benchmark builds
 * both trees with a realistic shape (groups of groups of leaves, every leaf with its
 * own name), times many shortcut lookups of leaves by their short name, and prints
 * one line:
 *
 *   BENCH lookup_shortcut nodes=100000 ns_per_lookup=<x> ratio_vs_100=<y>
 *
 * x is the time per lookup in the big tree (best of several repetitions); y is x
 * divided by the time per lookup in the small tree (the index keeps it near 1; a
 * tree walk would make it ~1000).
 *
 * The leaves looked up are drawn at random from a working set of 1000 leaves spread
 * evenly over the whole tree (in the small tree: all 100), as model code reads a
 * limited set of names again and again. `bench_lookup --all` draws from all 10^5
 * leaves instead: then nearly every lookup misses the caches (hash slots, keys,
 * nodes), and the time is that of a few trips to main memory, not of the algorithm.
 * Every lookup is checked, so a wrong answer fails the benchmark. */
#include "snex.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LOOKUPS 1000000 /* per repetition */
#define REPETITIONS 5
#define WORKING_SET 1000
#define NAME_LEN 16

typedef struct tree {
    snx_traj *traj;
    char *names;       /* short name of leaf k at names + k * NAME_LEN, like literals */
    snx_node **leaves; /* the leaf it must find */
    size_t n;
} tree;

/* parameters.g<i>.s<j>.p<k>: `top` groups of `sub` groups of `per` leaves. */
static int build(tree *t, size_t top, size_t sub, size_t per)
{
    t->n = top * sub * per;
    t->traj = snx_traj_new("bench", NULL);
    t->names = calloc(t->n, NAME_LEN);
    t->leaves = calloc(t->n, sizeof *t->leaves);
    if (!t->traj || !t->names || !t->leaves)
        return 1;
    char full[96];
    size_t k = 0;
    for (size_t i = 0; i < top; i++)
        for (size_t j = 0; j < sub; j++)
            for (size_t l = 0; l < per; l++, k++) {
                snprintf(full, sizeof full, "g%03zu.s%03zu.p%07zu", i, j, k);
                t->leaves[k] = snx_traj_add_parameter(t->traj, full, snx_int((int64_t)k), NULL);
                if (!t->leaves[k])
                    return fprintf(stderr, "bench_lookup: %s\n", snx_errmsg()), 1;
                snprintf(t->names + k * NAME_LEN, NAME_LEN, "p%07zu", k);
            }
    return 0;
}

static void destroy(tree *t)
{
    free(t->names);
    free(t->leaves);
    snx_traj_free(t->traj);
}

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Best time per lookup (ns) over the repetitions; -1 if a lookup went wrong. The
 * leaves are drawn from `set` leaves spread evenly over the tree. */
static double time_lookups(const tree *t, size_t set)
{
    if (set > t->n)
        set = t->n;
    size_t *which = malloc(LOOKUPS * sizeof *which);
    uint64_t state = 88172645463325252ULL; /* the same sequence for both trees */
    for (size_t q = 0; q < LOOKUPS; q++) {
        state ^= state << 13, state ^= state >> 7, state ^= state << 17; /* xorshift64 */
        which[q] = (size_t)(state % set) * (t->n / set);
    }
    double best = -1;
    for (int rep = 0; rep < REPETITIONS; rep++) {
        size_t wrong = 0;
        double t0 = now_ns();
        for (size_t q = 0; q < LOOKUPS; q++)
            wrong += snx_traj_get(t->traj, t->names + which[q] * NAME_LEN) != t->leaves[which[q]];
        double per = (now_ns() - t0) / LOOKUPS;
        if (wrong) {
            fprintf(stderr, "bench_lookup: %zu lookups found the wrong node\n", wrong);
            best = -1;
            break;
        }
        if (best < 0 || per < best)
            best = per;
    }
    free(which);
    return best;
}

int main(int argc, char **argv)
{
    size_t set = argc > 1 && strcmp(argv[1], "--all") == 0 ? SIZE_MAX : WORKING_SET;
    tree small = { 0 }, big = { 0 };
    /* 2 x 5 x 10 = 100 leaves; 10 x 10 x 1000 = 100000 leaves. */
    if (build(&small, 2, 5, 10) || build(&big, 10, 10, 1000)) {
        destroy(&small);
        destroy(&big);
        return 1;
    }
    double ns_small = time_lookups(&small, set);
    double ns_big = time_lookups(&big, set);
    int rc = ns_small <= 0 || ns_big <= 0;
    if (!rc)
        printf("BENCH lookup_shortcut nodes=%zu ns_per_lookup=%.1f ratio_vs_100=%.2f\n", big.n,
               ns_big, ns_big / ns_small);
    destroy(&small);
    destroy(&big);
    return rc;
}
