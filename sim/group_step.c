/* A group's part of each time step: the per-block update and threshold (in parallel
 * over blocks for large groups), the input arriving through ring buffers, and the reset
 * of the neurons that spiked.
 *
 * Parallel runs give the same bits as serial ones: blocks are fixed (SIM_BLOCK neurons),
 * each block has its own random stream, and each block writes its spikes to its own
 * segment, which are then joined in block order. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "snex/error.h"
#include "snex/util.h"

int sim_group_streams(snx_group *g)
{
    int need = (g->step_prog && g->step_prog->uses_rng) || (g->thr_prog && g->thr_prog->uses_rng);
    if (!need || g->block_rng)
        return 0;
    g->block_rng = snx_calloc((size_t)g->n_blocks, sizeof *g->block_rng);
    if (!g->block_rng)
        return SNX_ENOMEM;
    for (int b = 0; b < g->n_blocks; b++)
        if (!(g->block_rng[b] = sim_rng_derived(g->obj.net->seed, g->id + 1, (uint64_t)b)))
            return SNX_ENOMEM;
    return 0;
}

void sim_group_reseed(snx_group *g)
{
    for (int b = 0; g->block_rng && b < g->n_blocks; b++)
        sim_rng_set_derived(g->block_rng[b], g->obj.net->seed, g->id + 1, (uint64_t)b);
}

/* The spikes of block b, into the block's own segment of g->spikes: where the
 * threshold holds and the neuron is not refractory (step >= until). */
static void collect(snx_group *g, const sim_exec_ctx *x)
{
    int b = (int)(x->off / SIM_BLOCK);
    int32_t *out = g->spikes + x->off;
    const double *until = g->until ? g->until + x->off : NULL;
    const double *v = g->thr_var < 0 ? x->regs + (size_t)g->mask_reg * SIM_BLOCK
                                     : g->arrays[g->thr_var] + x->off;
    int count = sim_k->scan(v, g->thr_var < 0 ? SIM_CMP_NONZERO : g->thr_cmp, g->thr_value,
                            until, x->rt[SIM_RT_STEP], (int32_t)x->off, x->n, out);
    g->block_count[b].n = count;
    /* Here rather than in the reset: synapses and resets of this step see it, as in
     * Brian, where the threshold sets lastspike. */
    for (int s = 0; g->lastspike && s < count; s++)
        g->lastspike[out[s]] = x->rt[SIM_RT_T];
}

static void join_blocks(snx_group *g)
{
    size_t pos = 0;
    for (int b = 0; b < g->n_blocks; b++) {
        size_t n = (size_t)g->block_count[b].n;
        if (n && pos != (size_t)b * SIM_BLOCK)
            memmove(g->spikes + pos, g->spikes + (size_t)b * SIM_BLOCK, n * sizeof *g->spikes);
        pos += n;
    }
    sim_group_set_n_spikes(g, pos);
}

/* Whether every dynamic variable of the block [off, off + n) is finite, checked
 * while the block is still in cache. */
static bool block_finite(const snx_group *g, int64_t off, int n)
{
    bool finite = true;
    for (int d = 0; d < g->n_dynamic; d++)
        finite &= sim_k->finite(g->arrays[g->dynamic[d]] + off, n);
    return finite;
}

/* Runs p over block b; `check`: then also checks the block's state, false when some
 * of it is not finite. */
static bool run_block(snx_group *g, const sim_program *p, int threshold, bool check,
                      const double *rt, int b, int thread)
{
    int64_t off = (int64_t)b * SIM_BLOCK;
    int n = (int)(g->n - off < SIM_BLOCK ? g->n - off : SIM_BLOCK);
    sim_exec_ctx x = { g->arrays, NULL, off, n, rt, g->block_rng ? g->block_rng[b] : NULL,
                       sim_net_regs(g->obj.net, thread) };
    sim_program_exec(p, &x);
    if (threshold)
        collect(g, &x);
    return !check || block_finite(g, off, n);
}

/* Small groups never enter an OpenMP region: a process that has not started the
 * OpenMP thread pool can fork workers whose runs use OpenMP (docs/ENVIRONMENT.md, "OpenMP").
 * Returns false when `check` found state that is not finite. */
static bool run_blocks(snx_group *g, const sim_program *p, int threshold, bool check,
                       const double *rt)
{
    const snx_net *net = g->obj.net;
    const int nb = g->n_blocks;
    int bad = 0;
    if (net->parallel_min >= 0 && g->n >= net->parallel_min) {
#pragma omp parallel for schedule(static) reduction(| : bad)
        for (int b = 0; b < nb; b++) {
            int thread = 0;
#ifdef _OPENMP
            thread = omp_get_thread_num();
#endif
            bad |= !run_block(g, p, threshold, check, rt, b, thread);
        }
    } else {
        for (int b = 0; b < nb; b++)
            bad |= !run_block(g, p, threshold, check, rt, b, 0);
    }
    if (threshold)
        join_blocks(g);
    return !bad;
}

/* The first value that is not finite (variable order, then neuron order), as the
 * error that stops the run. */
static int nonfinite_error(const snx_group *g, double t, double dt)
{
    for (int d = 0; d < g->n_dynamic; d++) {
        const double *x = g->arrays[g->dynamic[d]];
        for (int32_t k = 0; k < g->n; k++)
            if (!isfinite(x[k]))
                return snx_error(SNX_ENUMERIC, "%s: %s of neuron %d became %g by t = %g s "
                                               "(the state is checked every %d steps; the "
                                               "model's numbers blew up; snx_net_opts."
                                               "no_finite_check turns this check off)",
                                 g->what, sim_model_var_eq(&g->model, g->dynamic[d])->name,
                                 (int)k, x[k], t + dt, SIM_CHECK_EVERY);
    }
    return snx_error(SNX_ENUMERIC, "%s: a state variable became NaN or infinite", g->what);
}

/* Every SIM_CHECK_EVERY steps and at the last step of a run: a NaN stays NaN, so a
 * check per step would only report it a few steps earlier, at several times the cost
 * (docs/PERFORMANCE.md). */
static bool check_this_step(const snx_group *g)
{
    const snx_net *net = g->obj.net;
    return net->finite_check && g->n_dynamic > 0 &&
           ((net->step + 1) % SIM_CHECK_EVERY == 0 || net->step + 1 == net->run_end);
}

static bool has_threshold(const snx_group *g) { return g->mask_reg >= 0 || g->thr_var >= 0; }

int sim_group_update(snx_group *g)
{
    snx_net *net = g->obj.net;
    double rt[SIM_N_RT] = { snx_net_t(net), (double)net->step, net->dt };
    int threshold = has_threshold(g);
    sim_group_set_n_spikes(g, 0);
    int regs = g->step_prog->n_regs;
    if (g->thr_prog && g->thr_prog->n_regs > regs)
        regs = g->thr_prog->n_regs;
    int rc = sim_net_reserve_regs(net, regs);
    if (rc)
        return rc;
    bool check = check_this_step(g);
    bool finite = run_blocks(g, g->step_prog, threshold && !g->cfn, check && !g->cfn, rt);
    if (g->cfn) {
        if ((rc = g->cfn(g, rt[SIM_RT_T], net->dt, g->cctx)))
            return snx_error_context("%s: the C state update failed (%d)", g->what, rc);
        finite = run_blocks(g, g->thr_prog, threshold, check, rt);
    }
    return finite ? 0 : nonfinite_error(g, rt[SIM_RT_T], net->dt);
}

/* ---- with helper threads (network_team.c) --------------------------------------------- */

bool sim_group_in_team(const snx_group *g) { return !g->cfn; }

bool sim_group_update_block(snx_group *g, int b, int thread)
{
    snx_net *net = g->obj.net;
    double rt[SIM_N_RT] = { snx_net_t(net), (double)net->step, net->dt };
    return run_block(g, g->step_prog, has_threshold(g), check_this_step(g), rt, b, thread);
}

int sim_group_update_finish(snx_group *g, bool finite)
{
    sim_group_set_n_spikes(g, 0);
    if (has_threshold(g))
        join_blocks(g);
    return finite ? 0 : nonfinite_error(g, snx_net_t(g->obj.net), g->obj.net->dt);
}

/* The slot is zeroed in the same pass that reads it (not by a memset after). */
void sim_group_deliver_slice(snx_group *g, int32_t lo, int32_t hi)
{
    for (int v = 0; v < g->model.n_vars; v++) {
        if (!g->rings[v])
            continue;
        sim_k->deliver(g->arrays[v] + lo, sim_ring_current(g->rings[v]) + lo, hi - lo);
    }
}

void sim_group_rotate_rings(snx_group *g)
{
    for (int v = 0; v < g->model.n_vars; v++)
        if (g->rings[v])
            sim_ring_rotate(g->rings[v]);
}

sim_ring *sim_group_ring(snx_group *g, int var, int32_t max_delay)
{
    if (!g->rings[var])
        return g->rings[var] = sim_ring_new(g->n, max_delay);
    if (sim_ring_grow_delay(g->rings[var], max_delay))
        return NULL;
    return g->rings[var];
}

/* The direct inputs first, in creation order, then the rings: the order in which a
 * slice gets them with helper threads (network_team.c), so the sums are the same. */
int sim_group_deliver(snx_group *g)
{
    int rc = 0;
    for (size_t k = 0; k < g->n_inputs && !rc; k++)
        if (g->inputs[k]->direct)
            rc = sim_synapses_push_direct(g->inputs[k]);
    sim_group_deliver_slice(g, 0, g->n);
    sim_group_rotate_rings(g);
    return rc;
}

int sim_group_reset(snx_group *g)
{
    if (!g->reset_prog || !g->n_spikes)
        return 0;
    if (!g->spike_idx && !(g->spike_idx = snx_malloc((size_t)g->n * sizeof *g->spike_idx)))
        return SNX_ENOMEM;
    for (size_t k = 0; k < g->n_spikes; k++)
        g->spike_idx[k] = g->spikes[k];
    return sim_exec_indexed(g->obj.net, g->reset_prog, g->arrays, g->spike_idx, NULL, NULL,
                            (int64_t)g->n_spikes);
}

/* A view's share is looked up once per change of the root's list: a step's
 * projections from one view (a cluster's, in the clustered network) share it. */
size_t sim_group_view_spikes(snx_group *g, const int32_t **first)
{
    const snx_group *r = g->root;
    if (g == r) {
        *first = r->spikes;
        return r->n_spikes;
    }
    if (g->view_gen != r->spike_gen) {
        int64_t n = (int64_t)r->n_spikes;
        g->view_first = (size_t)sim_first_at_least(r->spikes, 0, n, g->start);
        g->view_n = (size_t)sim_first_at_least(r->spikes, (int64_t)g->view_first, n,
                                               g->start + g->n) - g->view_first;
        g->view_gen = r->spike_gen;
    }
    *first = r->spikes + g->view_first;
    return g->view_n;
}
