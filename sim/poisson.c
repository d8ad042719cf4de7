/* Poisson spike sources: a group with one parameter, `rates`, whose threshold fires
 * with probability rates*dt per step (from the block's random stream). Being an
 * ordinary group, it works with synapses, monitors, views and snapshots unchanged. */
#include "internal.h"

#include <math.h>
#include <stdio.h>

#include "snex/error.h"

snx_group *snx_poisson_new(snx_net *net, const char *name, int32_t n, const char *rates)
{
    snx_group *g = snx_group_new(net, name, n, "rates : Hz",
                                 &(snx_group_opts){ .threshold = "rand() < rates*dt" });
    if (!g)
        return NULL;
    int rc = snx_group_init(g, "rates", rates ? rates : "0*Hz");
    const double *r = snx_group_var(g, "rates");
    for (int32_t k = 0; !rc && k < n; k++)
        if (!(r[k] >= 0) || !isfinite(r[k]))
            rc = snx_error(SNX_EINVAL, "%s: rate \"%s\" is %g Hz for neuron %d; rates must "
                                       "be finite and >= 0", g->what, rates ? rates : "0*Hz",
                           r[k], (int)k);
    if (rc) { /* the messages begin with 'group "name"': say which kind */
        char msg[1024];
        int code = snx_errcode();
        snprintf(msg, sizeof msg, "%s", snx_errmsg());
        snx_net_delete(net, name);
        snx_error(code, "poisson %s", msg);
        return NULL;
    }
    return g;
}
