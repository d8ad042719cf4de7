/* Physical units and dimensions. A dimension is a vector of integer exponents of
 * the seven SI base units; a unit is a scale to SI times a dimension ("mV" is
 * 1e-3 x kg m^2 s^-3 A^-1). Quantities are stored as doubles in SI. Shared by the
 * equation language (sim/) and quantity parameters (explore/). */
#ifndef SNEX_UNITS_H
#define SNEX_UNITS_H

#include "snex/api.h"

#include <stdbool.h>
#include <stddef.h>

enum { SNX_DIM_M, SNX_DIM_KG, SNX_DIM_S, SNX_DIM_A, SNX_DIM_K, SNX_DIM_MOL, SNX_DIM_CD,
       SNX_N_DIMS };

typedef struct snx_dim {
    signed char e[SNX_N_DIMS]; /* exponents of m kg s A K mol cd */
} snx_dim;

typedef struct snx_unit {
    double scale; /* value in SI of one of this unit */
    snx_dim dim;
} snx_unit;

/* All exponents 0. */
SNX_API extern const snx_dim SNX_DIMENSIONLESS;

/* Comparing and combining dimensions (exponents add, subtract, multiply). */
SNX_API bool snx_dim_equal(snx_dim a, snx_dim b);
SNX_API bool snx_dim_is_dimensionless(snx_dim d);
SNX_API snx_dim snx_dim_mul(snx_dim a, snx_dim b);
SNX_API snx_dim snx_dim_div(snx_dim a, snx_dim b);
SNX_API snx_dim snx_dim_pow(snx_dim a, int power);
/* Exponents are kept within +-SNX_DIM_MAX_EXPONENT (m**32 is the largest power of a
 * unit): the checked forms give false, leaving *out untouched, when a result would
 * leave that range (mul and pow above wrap around instead: m**256 would be
 * dimensionless). Unit parsing and the equation language use the checked forms and
 * report SNX_EDIM. */
#define SNX_DIM_MAX_EXPONENT 32
SNX_API bool snx_dim_mul_checked(snx_dim a, snx_dim b, int sign, snx_dim *out); /* a*b^sign */
SNX_API bool snx_dim_pow_checked(snx_dim a, long power, snx_dim *out);
/* Writes a readable form ("V", "Hz", "m^2 kg s^-3", "1") into buf; returns buf. */
SNX_API char *snx_dim_format(snx_dim d, char *buf, size_t size);

/* Looks up one unit name: SI names and symbols with the usual prefixes
 * ("ms", "mV", "nA", "pF", "nS", "Hz", "Mohm", "msecond", "mvolt", "siemens").
 * Returns 0, or SNX_ENOTFOUND (without setting an error message). */
SNX_API int snx_unit_lookup(const char *name, snx_unit *out);

/* Parses a unit expression: names joined by '*' and '/', integer powers with '**'
 * or '^', parentheses (nested at most 64 deep), and "1" ("mV/ms", "1/s", "m**2",
 * "nS*mV", "1"). Errors (SNX_EPARSE, SNX_ENOTFOUND; SNX_EDIM for an exponent beyond
 * SNX_DIM_MAX_EXPONENT; SNX_EINVAL for NULL text or out) say where in the text. */
SNX_API int snx_unit_parse(const char *text, snx_unit *out);

/* Parses a quantity such as "15 ms", "15*ms", "-70 mV", "2.5e-3 s", "4 mV/ms" or a
 * bare number (dimensionless). *si gets the value in SI units; `unit` (optional)
 * gets the unit as written. */
SNX_API int snx_quantity_parse(const char *text, double *si, snx_unit *unit);

#endif
