/* Population rate monitors: every step, the spikes of the step divided by the number
 * of neurons and dt, in Hz. */
#include "internal.h"

#include <stdlib.h>

#include "snex/util.h"

static int record_rate(snx_monitor *m);

snx_monitor *snx_monitor_rate(snx_net *net, const char *name, snx_group *g)
{
    snx_monitor *m = snx_calloc(1, sizeof *m);
    if (m && sim_monitor_register(net, m, name, SNX_MONITOR_RATE, record_rate, g)) {
        sim_monitor_destroy(m);
        return NULL;
    }
    return m;
}

static int record_rate(snx_monitor *m)
{
    const int32_t *sp;
    size_t n = sim_group_view_spikes(m->src, &sp), s;
    int rc = sim_monitor_new_sample(m, &s);
    if (!rc)
        m->rates[s] = (double)n / ((double)m->src->n * m->obj.net->dt);
    return rc;
}
