/* Running a network with helper threads (snx_net_opts.threads > 1).
 *
 * The calling thread drives the step as the serial loop does (network.c) and hands the
 * large, independent parts to the team (team.c) as chunks any thread may run:
 *
 *   driver        summed variables
 *   chunks        every block of every group: equations, threshold, spike collection
 *                 (groups with a C update run whole on the driver, afterwards)
 *   driver        spike lists joined, the non-finite verdict, clock-driven synapses
 *   driver        on_pre and on_post code (event queues)
 *   chunks        slices of the targets of every group with fast-path inputs: this
 *                 step's spikes of those projections, in creation order, into the
 *                 slice of the rings or (without delay) of the variables, then the
 *                 rings' current slot added into the variables
 *   driver        rings rotated, resets, monitors, the step counter, progress
 *
 * Nothing depends on which thread runs a chunk or how many there are: blocks keep
 * their own random streams, a target's ring inputs come in the serial order, so a run
 * gives the same bits with any number of threads (tests/test_sim_threads.c). */
#include "internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "snex/error.h"
#include "snex/util.h"
#include "team.h"

/* Delivery slices: enough targets per chunk that claiming one costs little. */
#define SLICE 1024

/* A chunk: block `lo` of group k of the update list, or targets [lo, hi) of group k
 * of the delivery list. */
typedef struct {
    uint32_t k;
    int32_t lo, hi;
} chunk;

/* A part's chunks, thread-major: thread t's own are [bounds[t], bounds[t + 1]). */
typedef struct {
    chunk *c;
    size_t n;
    size_t *bounds;
} chunk_plan;

/* A fast-path projection with spikes in this step, and those spikes (found once per
 * step, not once per slice). */
typedef struct {
    snx_synapses *s;
    const int32_t *spikes;
    size_t n;
} spiking_projection;

typedef struct {
    spiking_projection *p;
    size_t n;
} spiking_list;

typedef struct {
    snx_net *net;
    snx_group **updated;      /* groups updated in chunks of one block */
    size_t n_updated;
    chunk_plan blocks;
    bool *finite;             /* per block chunk; written only when false, so that
                                 helpers do not share its cache line every step */
    bool *group_finite;       /* per updated group */
    snx_group **delivered;    /* groups with fast-path inputs, in slices of targets */
    size_t n_delivered;
    chunk_plan slices;
    spiking_list *spiking;    /* per delivered group: its inputs with spikes in this step */
    /* Whether the helpers help: when other processes hold the cores they rarely run,
     * and waking them and waiting for their chunks then costs more than they give;
     * worse, a helper descheduled in the middle of a chunk makes the driver wait for
     * the rest of its time slice (milliseconds, hundreds of steps); and a network
     * whose steps are a few microseconds may simply run slower shared out
     * (docs/PERFORMANCE.md, "Threads"). So the driver times every stretch of steps:
     * after a WINDOW of shared steps it runs SOLO steps alone, as the serial loop does
     * (helpers asleep, nothing published), when the helpers ran less than a tenth of
     * the chunks, when a join stalled (at once), or when the window's steps took longer
     * than the last solo stretch's; then tries again. The first decision measures a
     * solo WINDOW to compare with. */
    sim_team *team;
    bool solo;
    int64_t countdown;        /* steps left in this window, or in the solo stretch */
    size_t helped, total;     /* chunks in this window: run by helpers, in all */
    size_t stalls;            /* the team's stall count when the window began */
    double stretch_start;     /* wall seconds when this window or stretch began */
    int64_t stretch_steps;    /* its steps so far */
    double solo_per_step;     /* wall seconds per step of the last solo stretch; 0: none */
} team_run;

#define WINDOW 256
#define SOLO 4096

static bool is_group(const sim_object *o) { return o->kind == &sim_group_kind; }
static bool is_synapses(const sim_object *o) { return o->kind == &sim_synapses_kind; }

static void update_chunk(void *ctx, size_t c, int thread)
{
    team_run *r = ctx;
    const chunk *ch = &r->blocks.c[c];
    if (!sim_group_update_block(r->updated[ch->k], ch->lo, thread))
        r->finite[c] = false;
}

/* A slice of a group's targets: this step's spikes of every fast-path projection onto
 * the group into the slice of its rings or (direct) variables, in creation order, then
 * the slice of the rings' current slot into the variables. One thread does both, so
 * the slice's ring and variables stay in its cache. */
static void deliver_chunk(void *ctx, size_t c, int thread)
{
    (void)thread;
    team_run *r = ctx;
    const chunk *ch = &r->slices.c[c];
    const spiking_list *l = &r->spiking[ch->k];
    for (size_t p = 0; p < l->n; p++)
        sim_synapses_push_slice(l->p[p].s, l->p[p].spikes, l->p[p].n, ch->lo, ch->hi);
    sim_group_deliver_slice(r->delivered[ch->k], ch->lo, ch->hi);
}

/* Before the push part: per slice group, the fast-path projections whose source
 * spiked in this step (most do not, in a step of a clustered network), so that the
 * slices do not each look at all of them. */
static void find_spiking(team_run *r)
{
    for (size_t k = 0; k < r->n_delivered; k++) {
        const snx_group *g = r->delivered[k];
        r->spiking[k].n = 0;
        for (size_t p = 0; p < g->n_inputs; p++) {
            snx_synapses *syn = g->inputs[p];
            const int32_t *sp = NULL;
            size_t n = syn->connected ? sim_group_view_spikes(syn->pre, &sp) : 0;
            if (n)
                r->spiking[k].p[r->spiking[k].n++] = (spiking_projection){ syn, sp, n };
        }
    }
}


/* Thread t's share of g: whole blocks, the same for its update and its delivery, so
 * that the variables a thread writes in one part are in its core's cache in the other
 * (split otherwise, they moved between the cores' caches twice a step). */
static void share(const snx_group *g, int t, int n_threads, int32_t *lo, int32_t *hi)
{
    int32_t b0 = (int32_t)((int64_t)g->n_blocks * t / n_threads);
    int32_t b1 = (int32_t)((int64_t)g->n_blocks * (t + 1) / n_threads);
    *lo = b0 * SIM_BLOCK;
    *hi = (int64_t)b1 * SIM_BLOCK < g->n ? b1 * SIM_BLOCK : g->n;
}

static int add_chunk(chunk_plan *p, size_t *cap, chunk c)
{
    if (snx_grow(&p->c, cap, p->n + 1, sizeof *p->c))
        return SNX_ENOMEM;
    p->c[p->n++] = c;
    return 0;
}

/* Every thread's share of every group: as blocks (update) or as slices of at most
 * SLICE targets (delivery). */
static int plan_part(chunk_plan *p, snx_group *const *groups, size_t n_groups,
                     int n_threads, bool blocks)
{
    size_t cap = 0;
    if (!(p->bounds = snx_calloc((size_t)n_threads + 1, sizeof *p->bounds)))
        return SNX_ENOMEM;
    for (int t = 0; t < n_threads; t++) {
        p->bounds[t] = p->n;
        for (size_t k = 0; k < n_groups; k++) {
            int32_t lo, hi;
            share(groups[k], t, n_threads, &lo, &hi);
            int64_t step = blocks ? SIM_BLOCK : SLICE;
            for (int64_t a = lo; a < hi; a += step) { /* 64 bits: a + step may pass 2^31 */
                chunk c = { (uint32_t)k, (int32_t)(blocks ? a / SIM_BLOCK : a),
                            (int32_t)(a + step < hi ? a + step : hi) };
                if (add_chunk(p, &cap, c))
                    return SNX_ENOMEM;
            }
        }
    }
    p->bounds[n_threads] = p->n;
    return 0;
}

/* The chunk lists of this run (the schedules are made, the team started). */
static int plan(team_run *r)
{
    snx_net *net = r->net;
    size_t nu = net->n_scheduled[SIM_PHASE_UPDATE], nd = net->n_scheduled[SIM_PHASE_DELIVER];
    r->updated = snx_calloc(nu + 1, sizeof *r->updated);
    r->group_finite = snx_calloc(nu + 1, sizeof *r->group_finite);
    r->delivered = snx_calloc(nd + 1, sizeof *r->delivered);
    r->spiking = snx_calloc(nd + 1, sizeof *r->spiking);
    if (!r->updated || !r->group_finite || !r->delivered || !r->spiking)
        return SNX_ENOMEM;
    for (size_t k = 0; k < nu; k++) {
        sim_object *o = net->schedule[SIM_PHASE_UPDATE][k];
        if (is_group(o) && sim_group_in_team((snx_group *)o))
            r->updated[r->n_updated++] = (snx_group *)o;
    }
    for (size_t k = 0; k < nd; k++) {
        snx_group *g = (snx_group *)net->schedule[SIM_PHASE_DELIVER][k];
        spiking_list *sl = &r->spiking[r->n_delivered];
        r->delivered[r->n_delivered++] = g;
        if (g->n_inputs && !(sl->p = snx_malloc(g->n_inputs * sizeof *sl->p)))
            return SNX_ENOMEM;
    }
    int n_threads = sim_team_size(r->team);
    if (plan_part(&r->blocks, r->updated, r->n_updated, n_threads, true) ||
        plan_part(&r->slices, r->delivered, r->n_delivered, n_threads, false))
        return SNX_ENOMEM;
    if (!(r->finite = snx_malloc((r->blocks.n + 1) * sizeof *r->finite)))
        return SNX_ENOMEM;
    for (size_t c = 0; c < r->blocks.n; c++)
        r->finite[c] = true;
    return 0;
}

static void unplan(team_run *r)
{
    for (size_t k = 0; r->spiking && k < r->n_delivered; k++)
        free(r->spiking[k].p);
    free(r->spiking);
    free(r->updated);
    free(r->group_finite);
    free(r->delivered);
    free(r->blocks.c);
    free(r->blocks.bounds);
    free(r->slices.c);
    free(r->slices.bounds);
    free(r->finite);
}

/* A parallel part: published, then joined, counting what the helpers ran. */
static void run_part(team_run *r, sim_chunk_fn fn, const chunk_plan *p)
{
    sim_team_publish(r->team, fn, r, p->n, p->bounds);
    r->helped += p->n - sim_team_join(r->team);
    r->total += p->n;
}

/* After every step: the policy's bookkeeping (see team_run). */
static void judge_helpers(team_run *r)
{
    bool stalled = sim_team_stalls(r->team) > r->stalls;
    r->stalls = sim_team_stalls(r->team);
    r->stretch_steps++;
    if (--r->countdown > 0 && !(stalled && !r->solo))
        return;
    double now = sim_wall_seconds();
    double per_step = (now - r->stretch_start) / (double)r->stretch_steps;
    if (r->solo) {
        if (r->stretch_steps >= 64) /* a stretch carried over from the last run may be
                                       a few steps: too few to time */
            r->solo_per_step = per_step;
        r->solo = false;
        r->countdown = WINDOW;
    } else {
        bool probe = r->solo_per_step == 0; /* never timed alone yet */
        r->solo = stalled || r->helped * 10 < r->total || probe ||
                  per_step >= r->solo_per_step;
        r->countdown = !r->solo ? WINDOW : probe && !stalled ? WINDOW : SOLO;
    }
    sim_team_rest(r->team, r->solo);
    r->helped = r->total = 0;
    r->stretch_start = now;
    r->stretch_steps = 0;
}

/* Every serial step of one phase but the objects handed out in chunks. */
static int serial(snx_net *net, int phase, bool skip_chunked)
{
    int rc = 0;
    for (size_t k = 0; k < net->n_scheduled[phase] && !rc; k++) {
        sim_object *o = net->schedule[phase][k];
        bool chunked = phase == SIM_PHASE_UPDATE
                           ? is_group(o) && sim_group_in_team((snx_group *)o)
                           : is_synapses(o) && sim_synapses_fast((snx_synapses *)o);
        if (!(skip_chunked && chunked))
            rc = o->kind->step[phase](o);
    }
    return rc;
}

static int one_step(team_run *r)
{
    snx_net *net = r->net;
    if (r->solo) { /* the serial step itself: handing out chunks costs when no one helps */
        int rc = sim_net_step(net);
        judge_helpers(r);
        return rc;
    }
    int rc = serial(net, SIM_PHASE_SUM, false);
    if (rc)
        return rc;
    run_part(r, update_chunk, &r->blocks);
    for (size_t k = 0; k < r->n_updated; k++)
        r->group_finite[k] = true;
    for (size_t c = 0; c < r->blocks.n; c++)
        r->group_finite[r->blocks.c[c].k] &= r->finite[c];
    for (size_t k = 0; k < r->n_updated && !rc; k++)
        rc = sim_group_update_finish(r->updated[k], r->group_finite[k]);
    rc = rc ? rc : serial(net, SIM_PHASE_UPDATE, true);
    if (rc)
        return rc;
    /* on_pre and on_post code first: the fast-path input below reaches the variables
     * after it, as in a serial step (where it waits in the rings or, without delay, is
     * added when the group delivers) */
    rc = serial(net, SIM_PHASE_PROPAGATE, true);
    rc = rc ? rc : serial(net, SIM_PHASE_PROPAGATE_POST, false);
    if (rc)
        return rc;
    find_spiking(r);
    run_part(r, deliver_chunk, &r->slices);
    for (size_t k = 0; k < r->n_delivered; k++)
        sim_group_rotate_rings(r->delivered[k]);
    rc = serial(net, SIM_PHASE_RESET, false);
    rc = rc ? rc : serial(net, SIM_PHASE_RECORD, false);
    if (!rc)
        net->step++;
    judge_helpers(r);
    return rc;
}

int sim_net_run_team(snx_net *net, int64_t steps, double start)
{
    /* a run continues the last one's policy: split into short runs (subruns, a
     * monitor read between), a run would otherwise try the helpers afresh each time */
    team_run r = { .net = net, .countdown = net->team_solo_left > 0 ? net->team_solo_left
                                                                     : WINDOW,
                   .solo = net->team_solo_left > 0 };
    int regs = 1;
    for (size_t k = 0; k < net->n_scheduled[SIM_PHASE_UPDATE]; k++) {
        const sim_object *o = net->schedule[SIM_PHASE_UPDATE][k];
        if (is_group(o) && ((const snx_group *)o)->step_prog->n_regs > regs)
            regs = ((const snx_group *)o)->step_prog->n_regs;
    }
    /* every thread's registers exist before any chunk runs: nothing reallocates them
     * while the block chunks run (the driver's serial code may grow them later, while
     * only ring chunks, which use none, run) */
    int rc = sim_net_reserve_regs(net, regs);
    if (!rc && !(r.team = sim_team_start(net->threads)))
        rc = snx_error(SNX_ENOMEM, "out of memory starting %d threads", net->threads);
    rc = rc ? rc : plan(&r);
    if (!rc)
        sim_team_rest(r.team, r.solo);
    r.stretch_start = sim_wall_seconds();
    /* beyond the team's chunk numbers (some 268 M neurons in a group): serial steps */
    if (r.blocks.n >= SIM_TEAM_MAX_CHUNKS || r.slices.n >= SIM_TEAM_MAX_CHUNKS) {
        r.solo = true;
        r.countdown = INT64_MAX;
    }
    for (int64_t s = 0; s < steps && !rc; s++) {
        rc = one_step(&r);
        sim_net_report(net, s, steps, start);
    }
    net->team_solo_left = r.solo && r.countdown < INT64_MAX ? r.countdown : 0;
    sim_team_stop(r.team);
    unplan(&r);
    return rc;
}
