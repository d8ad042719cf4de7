/* Snapshots of a network's dynamic state, and restoring them.
 *
 * What changes while a network runs is copied: the clock, the serial random stream,
 * every group's variables, refractory state, per-block streams and ring buffers, every
 * synapses object's variables and event queue, and how much each monitor had recorded
 * (monitors only grow, so restoring cuts them back). Structure (equations,
 * connectivity, delays) is not copied: restoring requires the same groups and synapses,
 * recognised by their serial numbers.
 *
 * The network-wide part is here; each kind's table (internal.h) points at its save and
 * restore functions below. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#include "snex/error.h"
#include "snex/util.h"

struct snx_snapshot {
    uint64_t net_id; /* the network it was taken of */
    int64_t step;
    gsl_rng *rng;
    sim_saved *objs;
    size_t n_objs;
};

static void free_obj(sim_saved *o)
{
    for (int k = 0; k < o->n_arrays; k++)
        free(o->arrays[k]);
    free(o->arrays);
    for (int k = 0; k < o->n_rngs; k++)
        if (o->rngs[k])
            gsl_rng_free(o->rngs[k]);
    free(o->rngs);
    for (int k = 0; o->rings && k < o->n_arrays; k++)
        sim_ring_free(o->rings[k]);
    free(o->rings);
    sim_queue_free(o->queue);
    sim_queue_free(o->post_queue);
    free(o->counts);
}

void snx_snapshot_free(snx_snapshot *snap)
{
    if (!snap)
        return;
    for (size_t k = 0; k < snap->n_objs; k++)
        free_obj(&snap->objs[k]);
    free(snap->objs);
    if (snap->rng)
        gsl_rng_free(snap->rng);
    free(snap);
}

/* Copies n arrays of len elements each, or, for a group g, of their own lengths (its
 * shared variables have one element). */
static int copy_arrays(sim_saved *o, double *const *src, int n, int64_t len, const snx_group *g)
{
    o->n_arrays = n;
    o->length = len;
    if (!(o->arrays = snx_calloc((size_t)n + 1, sizeof *o->arrays)))
        return SNX_ENOMEM;
    for (int k = 0; k < n; k++) {
        int64_t lk = g ? sim_group_array_length(g, k) : len;
        if (!(o->arrays[k] = snx_malloc((size_t)(lk ? lk : 1) * sizeof(double))))
            return SNX_ENOMEM;
        if (lk)
            memcpy(o->arrays[k], src[k], (size_t)lk * sizeof(double));
    }
    return 0;
}

int sim_group_save(const sim_object *obj, sim_saved *o)
{
    const snx_group *g = (const snx_group *)obj;
    int n = g->n_arrays;
    int rc = copy_arrays(o, g->arrays, n, g->n, g);
    if (!rc && g->block_rng) {
        o->n_rngs = g->n_blocks;
        if (!(o->rngs = snx_calloc((size_t)g->n_blocks, sizeof *o->rngs)))
            return SNX_ENOMEM;
        for (int b = 0; b < g->n_blocks && !rc; b++)
            if (!(o->rngs[b] = gsl_rng_clone(g->block_rng[b])))
                rc = snx_error(SNX_ENOMEM, "out of memory copying a random stream");
    }
    if (!rc && !(o->rings = snx_calloc((size_t)n + 1, sizeof *o->rings)))
        rc = SNX_ENOMEM;
    for (int v = 0; v < g->model.n_vars && !rc; v++)
        if (g->rings[v])
            rc = sim_ring_copy(g->rings[v], &o->rings[v]);
    return rc;
}

int sim_synapses_save(const sim_object *obj, sim_saved *o)
{
    const snx_synapses *s = (const snx_synapses *)obj;
    int rc = copy_arrays(o, s->vars, s->vars ? s->model.n_vars : 0,
                         (int64_t)snx_synapses_count(s), NULL);
    if (!rc && s->on_pre.queue)
        rc = sim_queue_copy(s->on_pre.queue, &o->queue);
    if (!rc && s->on_post.queue)
        rc = sim_queue_copy(s->on_post.queue, &o->post_queue);
    return rc;
}

int sim_monitor_save(const sim_object *obj, sim_saved *o)
{
    const snx_monitor *m = (const snx_monitor *)obj;
    o->n_spikes = m->n_sp;
    o->n_samples = m->n_samples;
    if (!m->counts)
        return 0;
    if (!(o->counts = snx_malloc((m->n_neurons + 1) * sizeof *o->counts)))
        return SNX_ENOMEM;
    memcpy(o->counts, m->counts, m->n_neurons * sizeof *o->counts);
    return 0;
}

snx_snapshot *snx_net_snapshot(snx_net *net)
{
    if (!net) {
        snx_error(SNX_EINVAL, "snx_net_snapshot: network is NULL");
        return NULL;
    }
    snx_snapshot *snap = snx_calloc(1, sizeof *snap);
    if (!snap || !(snap->objs = snx_calloc(net->n_objs + 1, sizeof *snap->objs))) {
        free(snap);
        return NULL;
    }
    snap->net_id = net->id;
    snap->step = net->step;
    int rc = (snap->rng = gsl_rng_clone(net->rng)) ? 0 : SNX_ENOMEM;
    for (size_t k = 0; k < net->n_objs && !rc; k++) {
        const sim_object *obj = net->objs[k];
        sim_saved *o = &snap->objs[snap->n_objs++];
        o->serial = obj->serial;
        o->kind = obj->kind;
        rc = obj->kind->save(obj, o);
    }
    if (rc) {
        snx_snapshot_free(snap);
        snx_error(rc, "snx_net_snapshot: out of memory");
        return NULL;
    }
    return snap;
}

static const sim_saved *find_saved(const snx_snapshot *snap, uint64_t serial)
{
    for (size_t k = 0; k < snap->n_objs; k++)
        if (snap->objs[k].serial == serial)
            return &snap->objs[k];
    return NULL;
}

/* Restoring must not half-happen: first check that the snapshot fits. */
static int check_fits(const snx_net *net, const snx_snapshot *snap)
{
    size_t structural = 0;
    for (size_t k = 0; k < net->n_objs; k++) {
        const sim_object *obj = net->objs[k];
        if (!obj->kind->structural)
            continue;
        const sim_saved *o = find_saved(snap, obj->serial);
        if (!o)
            return snx_error(SNX_ESTATE, "snx_net_restore: \"%s\" did not exist at the snapshot",
                             obj->name);
        int rc = obj->kind->check_saved ? obj->kind->check_saved(obj, o) : 0;
        if (rc)
            return rc;
        structural++;
    }
    for (size_t k = 0; k < snap->n_objs; k++)
        structural -= snap->objs[k].kind->structural;
    if (structural)
        return snx_error(SNX_ESTATE, "snx_net_restore: a group or synapses object of the "
                                     "snapshot has been deleted");
    return 0;
}

int sim_group_restore(sim_object *obj, const sim_saved *o)
{
    snx_group *g = (snx_group *)obj;
    if (o->n_rngs && !g->block_rng)
        return snx_error(SNX_ESTATE, "snx_net_restore: internal: streams of \"%s\" missing",
                         obj->name);
    for (int k = 0; k < o->n_arrays; k++)
        memcpy(g->arrays[k], o->arrays[k], (size_t)sim_group_array_length(g, k) * sizeof(double));
    for (int b = 0; b < o->n_rngs; b++)
        gsl_rng_memcpy(g->block_rng[b], o->rngs[b]);
    int rc = 0;
    for (int v = 0; v < g->model.n_vars && !rc; v++) {
        if (o->rings[v] && g->rings[v])
            rc = sim_ring_restore(g->rings[v], o->rings[v]);
        else if (g->rings[v]) /* created after the snapshot: nothing was in flight */
            sim_ring_clear(g->rings[v]);
    }
    sim_group_set_n_spikes(g, 0);
    return rc;
}

int sim_synapses_check_saved(const sim_object *obj, const sim_saved *o)
{
    if ((size_t)o->length != snx_synapses_count((const snx_synapses *)obj))
        return snx_error(SNX_ESTATE, "snx_net_restore: \"%s\" was connected after the "
                                     "snapshot", obj->name);
    return 0;
}

/* A queue made after the snapshot held nothing then. */
static int restore_queue(sim_event_queue *q, const sim_event_queue *saved)
{
    if (q && saved)
        return sim_queue_restore(q, saved);
    if (q)
        sim_queue_clear(q);
    return 0;
}

int sim_synapses_restore(sim_object *obj, const sim_saved *o)
{
    snx_synapses *s = (snx_synapses *)obj;
    for (int k = 0; k < o->n_arrays; k++)
        memcpy(s->vars[k], o->arrays[k], (size_t)o->length * sizeof(double));
    return restore_queue(s->on_pre.queue, o->queue) ||
           restore_queue(s->on_post.queue, o->post_queue) ? snx_errcode() : 0;
}

/* A monitor made after the snapshot (saved NULL) had recorded nothing then. */
int sim_monitor_restore(sim_object *obj, const sim_saved *o)
{
    if (o)
        sim_monitor_truncate((snx_monitor *)obj, o->n_spikes, o->n_samples, o->counts);
    else
        snx_monitor_clear((snx_monitor *)obj);
    return 0;
}

int snx_net_restore(snx_net *net, const snx_snapshot *snap)
{
    if (!net || !snap)
        return snx_error(SNX_EINVAL, "snx_net_restore: network or snapshot is NULL");
    /* Serial numbers count per network: another network's objects may carry the same
     * numbers with other sizes. */
    if (snap->net_id != net->id)
        return snx_error(SNX_ESTATE, "snx_net_restore: the snapshot was taken of another "
                                     "network");
    int rc = check_fits(net, snap);
    if (rc)
        return rc;
    net->step = snap->step;
    gsl_rng_memcpy(net->rng, snap->rng);
    for (size_t k = 0; k < net->n_objs && !rc; k++) {
        sim_object *obj = net->objs[k];
        rc = obj->kind->restore(obj, find_saved(snap, obj->serial));
    }
    return rc;
}
