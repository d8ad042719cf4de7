/* snx_namespace: the constants an equation may use that are not variables of its
 * group: name -> value in SI plus dimension. Typically filled from trajectory
 * parameters ("tau_e" = 0.015 s). A thin typed layer over snx_map. */
#include "snex/sim.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "snex/error.h"
#include "snex/map.h"
#include "snex/util.h"

typedef struct {
    double value;
    snx_dim dim;
} ns_entry;

struct snx_namespace {
    snx_map *map; /* name -> ns_entry* (owned) */
};

snx_namespace *snx_namespace_new(void)
{
    snx_namespace *ns = snx_calloc(1, sizeof *ns);
    if (!ns)
        return NULL;
    if (!(ns->map = snx_map_new(free))) {
        free(ns);
        return NULL;
    }
    return ns;
}

void snx_namespace_free(snx_namespace *ns)
{
    if (!ns)
        return;
    snx_map_free(ns->map);
    free(ns);
}

bool snx_namespace_valid_name(const char *name)
{
    if (!name || !(isalpha((unsigned char)name[0]) || name[0] == '_'))
        return false;
    for (const char *p = name; *p; p++)
        if (!(isalnum((unsigned char)*p) || *p == '_'))
            return false;
    return true;
}

int snx_namespace_set(snx_namespace *ns, const char *name, double value_si, snx_dim dim)
{
    if (!ns)
        return snx_error(SNX_EINVAL, "snx_namespace_set: namespace is NULL");
    if (!snx_namespace_valid_name(name))
        return snx_error(SNX_ENAME, "snx_namespace_set: \"%s\" is not a valid name (letters, "
                                    "digits and '_', not starting with a digit)",
                         name ? name : "(null)");
    static const char *const reserved[] = { "t", "dt", "i", "j", "N", "N_pre", "N_post" };
    for (size_t k = 0; k < sizeof reserved / sizeof *reserved; k++)
        if (strcmp(name, reserved[k]) == 0)
            return snx_error(SNX_ENAME, "snx_namespace_set: \"%s\" is reserved (t, dt, i, j, "
                                        "N, N_pre and N_post are the engine's own names and "
                                        "would hide the constant)", name);
    ns_entry *e = snx_malloc(sizeof *e);
    if (!e)
        return SNX_ENOMEM;
    *e = (ns_entry){ value_si, dim };
    if (snx_map_put(ns->map, name, e)) {
        free(e);
        return SNX_ENOMEM;
    }
    return 0;
}

int snx_namespace_set_unit(snx_namespace *ns, const char *name, double value, const char *unit)
{
    snx_unit u = { 1, SNX_DIMENSIONLESS };
    if (unit && snx_unit_parse(unit, &u))
        return snx_error_context("snx_namespace_set_unit(\"%s\")", name ? name : "(null)");
    return snx_namespace_set(ns, name, value * u.scale, u.dim);
}

int snx_namespace_get(const snx_namespace *ns, const char *name, double *value_si, snx_dim *dim)
{
    const ns_entry *e = ns && name ? snx_map_get(ns->map, name) : NULL;
    if (!e)
        return SNX_ENOTFOUND;
    if (value_si)
        *value_si = e->value;
    if (dim)
        *dim = e->dim;
    return 0;
}

size_t snx_namespace_count(const snx_namespace *ns) { return ns ? snx_map_count(ns->map) : 0; }

bool snx_namespace_next(const snx_namespace *ns, size_t *iter, const char **name)
{
    void *v;
    return ns && snx_map_next(ns->map, iter, name, &v);
}

snx_namespace *snx_namespace_copy(const snx_namespace *ns)
{
    snx_namespace *c = snx_namespace_new();
    const char *name;
    for (size_t it = 0; c && snx_namespace_next(ns, &it, &name);) {
        const ns_entry *e = snx_map_get(ns->map, name);
        if (snx_namespace_set(c, name, e->value, e->dim)) {
            snx_namespace_free(c);
            return NULL;
        }
    }
    return c;
}
