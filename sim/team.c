/* Helper threads claiming chunks of the driver's parallel parts (team.h says why).
 *
 * A part's chunks are split into one range per thread. A thread runs its own range
 * first, the same chunks every step (their data stay in its core's cache; handing
 * chunks to whoever came first made a run slower than one thread), then takes what is
 * left of the others' ranges, so that the driver finishes a descheduled helper's range
 * itself instead of waiting for it.
 *
 * A range's claim word holds the part's generation and the next chunk, so a claim is
 * one compare-and-swap and never takes a chunk of another part: a helper that woke up
 * late finds the generation moved on. Finished chunks are counted per range (each on
 * its own cache line); the driver publishes the next part only when all are done, so
 * the part's function and context stay valid while any chunk of it runs. Helpers
 * without work spin briefly, then sleep on the generation (a futex). Announcing a
 * sleeper and then reading the generation, against storing the generation and then
 * reading the sleepers (both sequentially consistent), means no wake-up is lost. */
/* syscall(2), for the futex */
#define _DEFAULT_SOURCE
#include "team.h"

#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "snex/error.h"
#include "snex/util.h"

/* How long a helper spins for new work before it sleeps (ns): several steps of a
 * network (a step is some microseconds to tens of them, and a monitor growing its
 * arrays can hold the driver for longer), far shorter than a scheduler's time slice.
 * Counted in time, not in pause instructions, which take 14 ns on one CPU and 140 on
 * the next: with 500 pauses a helper slept after 7 us here, and the driver woke it at
 * most once a millisecond, so it ran a third of its chunks. */
#define SPIN_NS 100000
/* The driver wakes sleeping helpers at most this often (ns). A wake-up is a system
 * call of microseconds, and parts come every few microseconds: waking at every part
 * cost more than the helpers gave when other processes held the cores. Helpers that
 * have work do not sleep, so this only delays those that fell idle. */
#define WAKE_PERIOD_NS 1000000
/* How long the driver spins for helpers' claimed chunks before it yields its core and
 * counts a stall (ns; a chunk takes microseconds, so a helper this late was most
 * likely descheduled). In time, not pauses, like SPIN_NS. */
#define DRIVER_SPIN_NS 50000

typedef struct {
    sim_team *team;
    int thread;
} helper;

/* One thread's range of the published part, on a cache line of its own. The claim
 * word packs the part's generation, the range's next chunk and its end, so that a
 * helper reads them together: with the end in a word of its own, a helper still
 * looking at the previous part could claim a chunk between the driver's writing the
 * new end and the new claim, and run it twice (it did, under load). */
typedef struct {
    _Alignas(64) _Atomic uint64_t claim; /* CLAIM(generation, next, end) */
    atomic_size_t done;                   /* chunks of the range finished */
} range;

#define CHUNK_BITS 20
#define CHUNK_MASK ((UINT64_C(1) << CHUNK_BITS) - 1)
#define GEN_MASK ((UINT64_C(1) << (64 - 2 * CHUNK_BITS)) - 1)
#define CLAIM(gen, next, end)                                                        \
    (((uint64_t)(gen) & GEN_MASK) << (2 * CHUNK_BITS) | (uint64_t)(next) << CHUNK_BITS | \
     (uint64_t)(end))
#define CLAIM_GEN(c) ((c) >> (2 * CHUNK_BITS))
#define CLAIM_NEXT(c) (((c) >> CHUNK_BITS) & CHUNK_MASK)
#define CLAIM_END(c) ((c) & CHUNK_MASK)

struct sim_team {
    int n;
    pthread_t *tid;
    helper *helpers;
    range *ranges;                /* one per thread */
    uint32_t gen_made;            /* driver only: the last generation published */
    int64_t woke_at;              /* driver only: when it last woke sleepers (ns) */
    size_t n_chunks;              /* driver only: chunks of the published part */
    size_t stalls;                /* driver only: joins that had to yield */
    sim_chunk_fn fn;              /* the published part; valid while its chunks run */
    void *ctx;
    _Alignas(64) atomic_uint gen; /* the futex word helpers sleep on */
    atomic_int sleepers;
    atomic_bool stop;
    atomic_bool rest;             /* the driver runs alone for a while: sleep, no spin */
};

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

static int64_t now_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

static void futex_wait(atomic_uint *word, unsigned value)
{
    syscall(SYS_futex, (unsigned *)word, FUTEX_WAIT_PRIVATE, value, NULL, NULL, 0);
}

static void futex_wake_all(atomic_uint *word)
{
    syscall(SYS_futex, (unsigned *)word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
}

/* Runs chunks of range r while they belong to generation gen; how many it ran. */
static size_t work_range(sim_team *t, range *r, uint32_t gen, int thread)
{
    size_t ran = 0;
    uint64_t c = atomic_load(&r->claim);
    while (CLAIM_GEN(c) == (gen & GEN_MASK) && CLAIM_NEXT(c) < CLAIM_END(c)) {
        if (!atomic_compare_exchange_weak(&r->claim, &c, c + (UINT64_C(1) << CHUNK_BITS)))
            continue; /* c now holds the current word */
        t->fn(t->ctx, (size_t)CLAIM_NEXT(c), thread);
        atomic_fetch_add(&r->done, 1);
        ran++;
        c = atomic_load(&r->claim);
    }
    return ran;
}

/* The thread's own range, then the others'. */
static size_t work(sim_team *t, uint32_t gen, int thread)
{
    size_t ran = 0;
    for (int k = 0; k < t->n; k++)
        ran += work_range(t, &t->ranges[(thread + k) % t->n], gen, thread);
    return ran;
}

static void *helper_main(void *arg)
{
    helper *h = arg;
    sim_team *t = h->team;
    uint32_t seen = 0;
    while (!atomic_load(&t->stop)) {
        uint32_t g = atomic_load(&t->gen);
        if (g != seen) {
            seen = g;
            work(t, g, h->thread);
            continue;
        }
        bool news = false;
        int64_t spin = atomic_load_explicit(&t->rest, memory_order_relaxed) ? 0 : SPIN_NS;
        for (int64_t until = now_ns() + spin; !news && now_ns() < until;)
            for (int k = 0; k < 64 && !news; k++) {
                news = atomic_load_explicit(&t->gen, memory_order_relaxed) != seen ||
                       atomic_load_explicit(&t->stop, memory_order_relaxed);
                cpu_relax();
            }
        if (news)
            continue;
        atomic_fetch_add(&t->sleepers, 1);
        if (atomic_load(&t->gen) == seen && !atomic_load(&t->stop))
            futex_wait(&t->gen, seen);
        atomic_fetch_sub(&t->sleepers, 1);
    }
    return NULL;
}

sim_team *sim_team_start(int n_threads)
{
    sim_team *t = snx_calloc(1, sizeof *t);
    int n = n_threads > 1 ? n_threads : 1;
    void *ranges = NULL;
    if (!t || !(t->tid = snx_calloc((size_t)n, sizeof *t->tid)) ||
        !(t->helpers = snx_calloc((size_t)n, sizeof *t->helpers)) ||
        posix_memalign(&ranges, 64, (size_t)n * sizeof(range))) {
        sim_team_stop(t);
        snx_error(SNX_ENOMEM, "out of memory starting %d threads", n);
        return NULL;
    }
    t->ranges = ranges;
    for (int k = 0; k < n; k++) {
        atomic_init(&t->ranges[k].claim, 0);
        atomic_init(&t->ranges[k].done, 0);
    }
    t->n = 1;
    for (int k = 1; k < n; k++) {
        t->helpers[k] = (helper){ t, k };
        if (pthread_create(&t->tid[k], NULL, helper_main, &t->helpers[k]) != 0)
            break; /* a smaller team: chunks do not depend on its size */
        t->n = k + 1;
    }
    return t;
}

int sim_team_size(const sim_team *team) { return team->n; }

size_t sim_team_stalls(const sim_team *team) { return team->stalls; }

void sim_team_rest(sim_team *team, bool rest) { atomic_store(&team->rest, rest); }

void sim_team_publish(sim_team *t, sim_chunk_fn fn, void *ctx, size_t n_chunks,
                      const size_t *bounds)
{
    t->fn = fn;
    t->ctx = ctx;
    uint32_t gen = ++t->gen_made;
    t->n_chunks = n_chunks;
    for (int k = 0; k < t->n; k++) {
        range *r = &t->ranges[k];
        atomic_store(&r->done, 0);
        size_t first = bounds ? bounds[k] : n_chunks * (size_t)k / (size_t)t->n;
        size_t end = bounds ? bounds[k + 1] : n_chunks * (size_t)(k + 1) / (size_t)t->n;
        atomic_store(&r->claim, CLAIM(gen, first, end));
    }
    atomic_store(&t->gen, gen);
    if (atomic_load(&t->sleepers)) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
        int64_t ns = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
        if (ns - t->woke_at >= WAKE_PERIOD_NS) {
            t->woke_at = ns;
            futex_wake_all(&t->gen);
        }
    }
}

static size_t finished(sim_team *t)
{
    size_t done = 0;
    for (int k = 0; k < t->n; k++)
        done += atomic_load(&t->ranges[k].done);
    return done;
}

size_t sim_team_join(sim_team *t)
{
    size_t mine = work(t, t->gen_made, 0);
    size_t n = t->n_chunks;
    bool stalled = false;
    int64_t until = 0;
    for (int k = 0; finished(t) < n; k++) {
        cpu_relax();
        if (k % 64)
            continue;
        int64_t now = now_ns();
        if (!until) {
            until = now + DRIVER_SPIN_NS;
        } else if (now >= until) {
            sched_yield(); /* the helper running the last chunk may need this core */
            stalled = true;
            until = now + DRIVER_SPIN_NS;
        }
    }
    t->stalls += stalled;
    return mine;
}

void sim_team_stop(sim_team *t)
{
    if (!t)
        return;
    atomic_store(&t->stop, true);
    atomic_fetch_add(&t->gen, 1);
    futex_wake_all(&t->gen);
    for (int k = 1; k < t->n; k++)
        pthread_join(t->tid[k], NULL);
    free(t->tid);
    free(t->helpers);
    free(t->ranges);
    free(t);
}
