/* sim/dims.h: dimensions inside expressions, whose exponents may be halves. Internal.
 *
 * White noise xi has dimension s^-1/2 (as in Brian: xi*sqrt(dt) is a dimensionless
 * standard normal number), so a noise term such as sigma*sqrt(2/tau)*xi passes through
 * half powers of a second before it becomes a rate. The public snx_dim has integer
 * exponents and keeps that meaning; the analyser works with sim_dim instead, which
 * stores every exponent doubled (s^-1/2 is -1), and converts at its boundary: names come
 * in with an snx_dim (sim_dim_of), and whatever leaves an expression (the value of a
 * declared variable, a threshold, a statement's value) is compared with an snx_dim
 * (sim_dim_is), which a half exponent never equals. Messages print halves as "s^-1/2". */
#ifndef SIM_DIMS_H
#define SIM_DIMS_H

#include <stdbool.h>
#include <stddef.h>

#include "snex/units.h"

typedef struct sim_dim {
    signed char e2[SNX_N_DIMS]; /* twice the exponents of m kg s A K mol cd */
} sim_dim;

/* s^-1/2, the dimension of white noise; and no dimension. */
extern const sim_dim SIM_DIM_NOISE, SIM_DIMENSIONLESS;

sim_dim sim_dim_of(snx_dim d);
/* Whether a equals the (whole) dimension d. */
bool sim_dim_is(sim_dim a, snx_dim d);
bool sim_dim_equal(sim_dim a, sim_dim b);
bool sim_dim_is_dimensionless(sim_dim a);
/* a * b^sign (sign +1 or -1); false when an exponent would leave
 * +-SNX_DIM_MAX_EXPONENT (as snx_dim_mul_checked). */
bool sim_dim_mul(sim_dim a, sim_dim b, int sign, sim_dim *out);
/* a ** power; false unless every resulting exponent is whole or half and within
 * +-SNX_DIM_MAX_EXPONENT (m**0.5 is m^1/2; (m^1/2)**0.5 and m**(1/3) are no dimension). */
bool sim_dim_pow(sim_dim a, double power, sim_dim *out);
/* The readable form: snx_dim_format's for whole dimensions ("V", "Hz", "1"), base
 * units with halves otherwise ("s^-1/2", "m kg^1/2 s^-3/2"). Returns buf. */
char *sim_dim_format(sim_dim d, char *buf, size_t size);

#endif
