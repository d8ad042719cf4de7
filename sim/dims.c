/* Dimensions with half exponents, stored doubled (dims.h says why). */
#include "dims.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

const sim_dim SIM_DIM_NOISE = { { 0, 0, -1, 0, 0, 0, 0 } }, SIM_DIMENSIONLESS = { { 0 } };

sim_dim sim_dim_of(snx_dim d)
{
    sim_dim r;
    for (int k = 0; k < SNX_N_DIMS; k++)
        r.e2[k] = (signed char)(2 * d.e[k]);
    return r;
}

/* The whole dimension a is, or false when some exponent is a half. */
static bool whole(sim_dim a, snx_dim *out)
{
    for (int k = 0; k < SNX_N_DIMS; k++) {
        if (a.e2[k] % 2)
            return false;
        out->e[k] = (signed char)(a.e2[k] / 2);
    }
    return true;
}

bool sim_dim_is(sim_dim a, snx_dim d) { return sim_dim_equal(a, sim_dim_of(d)); }

bool sim_dim_equal(sim_dim a, sim_dim b)
{
    for (int k = 0; k < SNX_N_DIMS; k++)
        if (a.e2[k] != b.e2[k])
            return false;
    return true;
}

bool sim_dim_is_dimensionless(sim_dim a) { return sim_dim_is(a, SNX_DIMENSIONLESS); }

static bool in_range(long e2) { return labs(e2) <= 2 * SNX_DIM_MAX_EXPONENT; }

bool sim_dim_mul(sim_dim a, sim_dim b, int sign, sim_dim *out)
{
    sim_dim r;
    for (int k = 0; k < SNX_N_DIMS; k++) {
        long e2 = (long)a.e2[k] + sign * (long)b.e2[k];
        if (!in_range(e2))
            return false;
        r.e2[k] = (signed char)e2;
    }
    *out = r;
    return true;
}

bool sim_dim_pow(sim_dim a, double power, sim_dim *out)
{
    /* Exponents are k/2, so (k/2)*power is a half-integer when k*power is an integer. */
    sim_dim r;
    for (int k = 0; k < SNX_N_DIMS; k++) {
        double e2 = a.e2[k] * power;
        if (!(fabs(e2) <= 2 * SNX_DIM_MAX_EXPONENT) || e2 != floor(e2))
            return false;
        r.e2[k] = (signed char)e2;
    }
    *out = r;
    return true;
}

char *sim_dim_format(sim_dim d, char *buf, size_t size)
{
    static const char *const base[SNX_N_DIMS] = { "m", "kg", "s", "A", "K", "mol", "cd" };
    snx_dim w;
    if (whole(d, &w) || !size)
        return size ? snx_dim_format(w, buf, size) : buf;
    size_t len = 0;
    buf[0] = '\0';
    for (int k = 0; k < SNX_N_DIMS && len < size; k++) {
        int e2 = d.e2[k], n;
        if (!e2)
            continue;
        if (e2 == 2)
            n = snprintf(buf + len, size - len, "%s%s", len ? " " : "", base[k]);
        else if (e2 % 2)
            n = snprintf(buf + len, size - len, "%s%s^%d/2", len ? " " : "", base[k], e2);
        else
            n = snprintf(buf + len, size - len, "%s%s^%d", len ? " " : "", base[k], e2 / 2);
        if (n < 0)
            break;
        len += (size_t)n;
    }
    return buf;
}
