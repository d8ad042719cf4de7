/* The pristine state: the network as pre-build/pre-run left it, so that in a
 * single process every run can start from it again (pypet needs a fresh process
 * for this; snex's engine can snapshot). Remembered are the names of the objects and
 * whether each was active, the engine's snapshot of their dynamic state, and the
 * shared map's entries. Putting it back deletes what runs created (newest first, so
 * monitors and synapses go before the groups they refer to), reactivates or removes
 * the remembered objects as they were, restores the state and the map. */
#include <stdlib.h>
#include <string.h>

#include "network_internal.h"
#include "snex/error.h"
#include "snex/util.h"

typedef struct entry {
    char *key;
    void *value;
} entry;

struct net_pristine {
    char **names;
    bool *active;
    size_t n_objects;
    snx_snapshot *snap;
    entry *shared;
    size_t n_shared;
};

void net_pristine_free(net_pristine *p)
{
    if (!p)
        return;
    for (size_t k = 0; k < p->n_objects; k++)
        free(p->names[k]);
    for (size_t k = 0; k < p->n_shared; k++)
        free(p->shared[k].key);
    free(p->names);
    free(p->active);
    free(p->shared);
    snx_snapshot_free(p->snap);
    free(p);
}

static int save_objects(net_pristine *p, const snx_net *net)
{
    size_t n = snx_net_n_objects(net);
    p->names = snx_calloc(n + 1, sizeof *p->names);
    p->active = snx_calloc(n + 1, sizeof *p->active);
    if (!p->names || !p->active)
        return SNX_ENOMEM;
    for (; p->n_objects < n; p->n_objects++) {
        const char *name = snx_net_object_name(net, p->n_objects);
        if (!(p->names[p->n_objects] = snx_strdup(name)))
            return SNX_ENOMEM;
        p->active[p->n_objects] = snx_net_is_active(net, name);
    }
    return 0;
}

static int save_shared(net_pristine *p, const snx_map *shared)
{
    p->shared = snx_calloc(snx_map_count(shared) + 1, sizeof *p->shared);
    if (!p->shared)
        return SNX_ENOMEM;
    const char *key;
    void *value;
    for (size_t it = 0; snx_map_next(shared, &it, &key, &value); p->n_shared++)
        if (!(p->shared[p->n_shared] = (entry){ snx_strdup(key), value }).key)
            return SNX_ENOMEM;
    return 0;
}

int net_pristine_save(snx_manager *m)
{
    net_pristine *p = snx_calloc(1, sizeof *p);
    int rc = p ? save_objects(p, m->net) : SNX_ENOMEM;
    if (!rc)
        rc = save_shared(p, m->shared);
    if (!rc && !(p->snap = snx_net_snapshot(m->net)))
        rc = snx_errcode();
    if (rc) {
        net_pristine_free(p);
        return snx_error_context("network: remembering the pre-built network");
    }
    net_pristine_free(m->pristine);
    m->pristine = p;
    return 0;
}

static bool remembered(const net_pristine *p, const char *name)
{
    for (size_t k = 0; k < p->n_objects; k++)
        if (!strcmp(p->names[k], name))
            return true;
    return false;
}

static bool exists(const snx_net *net, const char *name)
{
    for (size_t k = 0; k < snx_net_n_objects(net); k++)
        if (!strcmp(snx_net_object_name(net, k), name))
            return true;
    return false;
}

static int restore_objects(const net_pristine *p, snx_net *net)
{
    for (size_t k = snx_net_n_objects(net); k-- > 0;) {
        const char *name = snx_net_object_name(net, k);
        int rc = remembered(p, name) ? 0 : snx_net_delete(net, name);
        if (rc)
            return rc;
    }
    for (size_t k = 0; k < p->n_objects; k++) {
        const char *name = p->names[k];
        if (!exists(net, name))
            return snx_error(SNX_ESTATE, "network: \"%s\" of the pre-built network was deleted "
                                         "by a run", name);
        int rc = p->active[k] ? snx_net_add(net, name) : snx_net_remove(net, name);
        if (rc)
            return rc;
    }
    return snx_net_restore(net, p->snap);
}

static int restore_shared(const net_pristine *p, snx_manager *m)
{
    snx_map *shared = snx_map_new(NULL);
    for (size_t k = 0; shared && k < p->n_shared; k++)
        if (snx_map_put(shared, p->shared[k].key, p->shared[k].value)) {
            snx_map_free(shared);
            return SNX_ENOMEM;
        }
    if (!shared)
        return SNX_ENOMEM;
    snx_map_free(m->shared);
    m->shared = shared;
    return 0;
}

int net_pristine_restore(snx_manager *m)
{
    int rc = restore_objects(m->pristine, m->net);
    if (!rc)
        rc = restore_shared(m->pristine, m);
    return rc ? snx_error_context("network: restoring the pre-built network") : 0;
}
