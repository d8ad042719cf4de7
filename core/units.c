/* Unit names, prefixes, unit expressions and quantities. */
#include "snex/units.h"
#include "snex/error.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const snx_dim SNX_DIMENSIONLESS = { { 0 } };

/*                         m   kg  s   A   K  mol cd */
#define DIM(m, kg, s, a, k, mol, cd) { { m, kg, s, a, k, mol, cd } }

typedef struct {
    const char *symbol, *long_name;
    double scale;
    snx_dim dim;
    int prefixable;
} unit_def;

static const unit_def UNITS[] = {
    { "m", "metre", 1, DIM(1, 0, 0, 0, 0, 0, 0), 1 },
    { "meter", NULL, 1, DIM(1, 0, 0, 0, 0, 0, 0), 1 },
    { "g", "gram", 1e-3, DIM(0, 1, 0, 0, 0, 0, 0), 1 },
    { "s", "second", 1, DIM(0, 0, 1, 0, 0, 0, 0), 1 },
    { "A", "amp", 1, DIM(0, 0, 0, 1, 0, 0, 0), 1 },
    { "ampere", NULL, 1, DIM(0, 0, 0, 1, 0, 0, 0), 1 },
    { "K", "kelvin", 1, DIM(0, 0, 0, 0, 1, 0, 0), 1 },
    { "mol", "mole", 1, DIM(0, 0, 0, 0, 0, 1, 0), 1 },
    { "cd", "candela", 1, DIM(0, 0, 0, 0, 0, 0, 1), 1 },
    { "Hz", "hertz", 1, DIM(0, 0, -1, 0, 0, 0, 0), 1 },
    { "N", "newton", 1, DIM(1, 1, -2, 0, 0, 0, 0), 1 },
    { "Pa", "pascal", 1, DIM(-1, 1, -2, 0, 0, 0, 0), 1 },
    { "J", "joule", 1, DIM(2, 1, -2, 0, 0, 0, 0), 1 },
    { "W", "watt", 1, DIM(2, 1, -3, 0, 0, 0, 0), 1 },
    { "C", "coulomb", 1, DIM(0, 0, 1, 1, 0, 0, 0), 1 },
    { "V", "volt", 1, DIM(2, 1, -3, -1, 0, 0, 0), 1 },
    { "F", "farad", 1, DIM(-2, -1, 4, 2, 0, 0, 0), 1 },
    { "ohm", NULL, 1, DIM(2, 1, -3, -2, 0, 0, 0), 1 },
    { "S", "siemens", 1, DIM(-2, -1, 3, 2, 0, 0, 0), 1 },
    { "Wb", "weber", 1, DIM(2, 1, -2, -1, 0, 0, 0), 1 },
    { "T", "tesla", 1, DIM(0, 1, -2, -1, 0, 0, 0), 1 },
    { "H", "henry", 1, DIM(2, 1, -2, -2, 0, 0, 0), 1 },
    { "l", "litre", 1e-3, DIM(3, 0, 0, 0, 0, 0, 0), 1 },
    { "L", "liter", 1e-3, DIM(3, 0, 0, 0, 0, 0, 0), 1 },
    { "M", "molar", 1e3, DIM(-3, 0, 0, 0, 0, 1, 0), 1 },
};

typedef struct {
    const char *symbol;
    double scale;
} prefix_def;

/* "da" must come before "d" so the longer prefix is tried first. */
static const prefix_def PREFIXES[] = {
    { "Y", 1e24 }, { "Z", 1e21 }, { "E", 1e18 }, { "P", 1e15 }, { "T", 1e12 },
    { "G", 1e9 },  { "M", 1e6 },  { "k", 1e3 },  { "h", 1e2 },  { "da", 1e1 },
    { "d", 1e-1 }, { "c", 1e-2 }, { "m", 1e-3 }, { "u", 1e-6 }, { "\xc2\xb5", 1e-6 },
    { "n", 1e-9 }, { "p", 1e-12 }, { "f", 1e-15 }, { "a", 1e-18 }, { "z", 1e-21 },
    { "y", 1e-24 },
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

bool snx_dim_equal(snx_dim a, snx_dim b) { return memcmp(&a, &b, sizeof a) == 0; }
bool snx_dim_is_dimensionless(snx_dim d) { return snx_dim_equal(d, SNX_DIMENSIONLESS); }

snx_dim snx_dim_mul(snx_dim a, snx_dim b)
{
    for (int i = 0; i < SNX_N_DIMS; i++)
        a.e[i] = (signed char)(a.e[i] + b.e[i]);
    return a;
}

snx_dim snx_dim_div(snx_dim a, snx_dim b)
{
    for (int i = 0; i < SNX_N_DIMS; i++)
        a.e[i] = (signed char)(a.e[i] - b.e[i]);
    return a;
}

snx_dim snx_dim_pow(snx_dim a, int power)
{
    for (int i = 0; i < SNX_N_DIMS; i++)
        a.e[i] = (signed char)(a.e[i] * power);
    return a;
}

bool snx_dim_mul_checked(snx_dim a, snx_dim b, int sign, snx_dim *out)
{
    snx_dim r;
    for (int i = 0; i < SNX_N_DIMS; i++) {
        int e = a.e[i] + (sign < 0 ? -b.e[i] : b.e[i]);
        if (e < -SNX_DIM_MAX_EXPONENT || e > SNX_DIM_MAX_EXPONENT)
            return false;
        r.e[i] = (signed char)e;
    }
    *out = r;
    return true;
}

bool snx_dim_pow_checked(snx_dim a, long power, snx_dim *out)
{
    snx_dim r;
    for (int i = 0; i < SNX_N_DIMS; i++) {
        if (a.e[i] && (power < -SNX_DIM_MAX_EXPONENT || power > SNX_DIM_MAX_EXPONENT))
            return false;
        long e = a.e[i] * (a.e[i] ? power : 0);
        if (e < -SNX_DIM_MAX_EXPONENT || e > SNX_DIM_MAX_EXPONENT)
            return false;
        r.e[i] = (signed char)e;
    }
    *out = r;
    return true;
}

char *snx_dim_format(snx_dim d, char *buf, size_t size)
{
    static const char *const base[SNX_N_DIMS] = { "m", "kg", "s", "A", "K", "mol", "cd" };
    if (!size)
        return buf;
    buf[0] = '\0';
    if (snx_dim_is_dimensionless(d)) {
        snprintf(buf, size, "1");
        return buf;
    }
    /* A named unit reads better than base exponents ("V" rather than m^2 kg s^-3 A^-1). */
    static const char *const named[] = { "Hz", "N", "Pa", "J", "W", "C", "V", "F", "ohm",
                                         "S", "Wb", "T", "H" };
    for (size_t i = 0; i < COUNT(named); i++) {
        snx_unit u;
        if (snx_unit_lookup(named[i], &u) == 0 && snx_dim_equal(u.dim, d)) {
            snprintf(buf, size, "%s", named[i]);
            return buf;
        }
    }
    size_t len = 0;
    for (int i = 0; i < SNX_N_DIMS && len < size; i++) {
        if (!d.e[i])
            continue;
        int n = d.e[i] == 1 ? snprintf(buf + len, size - len, "%s%s", len ? " " : "", base[i])
                            : snprintf(buf + len, size - len, "%s%s^%d", len ? " " : "",
                                       base[i], d.e[i]);
        if (n < 0)
            break;
        len += (size_t)n;
    }
    return buf;
}

static const unit_def *find_unit(const char *name)
{
    for (size_t i = 0; i < COUNT(UNITS); i++)
        if (strcmp(UNITS[i].symbol, name) == 0 ||
            (UNITS[i].long_name && strcmp(UNITS[i].long_name, name) == 0))
            return &UNITS[i];
    return NULL;
}

int snx_unit_lookup(const char *name, snx_unit *out)
{
    if (!name || !out)
        return SNX_ENOTFOUND;
    const unit_def *u = find_unit(name);
    if (u) {
        *out = (snx_unit){ u->scale, u->dim };
        return 0;
    }
    for (size_t p = 0; p < COUNT(PREFIXES); p++) {
        size_t n = strlen(PREFIXES[p].symbol);
        if (strncmp(name, PREFIXES[p].symbol, n) != 0 || !name[n])
            continue;
        u = find_unit(name + n);
        if (u && u->prefixable) {
            *out = (snx_unit){ PREFIXES[p].scale * u->scale, u->dim };
            return 0;
        }
    }
    return SNX_ENOTFOUND;
}

/* Recursive descent over: expr := factor (('*'|'/') factor)* ;
 * factor := atom (('**'|'^') ['-'] integer)? ; atom := name | number | '(' expr ')' */
typedef struct {
    const char *text, *p;
    int depth; /* parentheses open */
} unit_parser;

#define UNIT_MAX_NESTING 64

static void skip_space(unit_parser *ps)
{
    while (isspace((unsigned char)*ps->p))
        ps->p++;
}

static int parse_error(unit_parser *ps, int code, const char *what)
{
    size_t len = strlen(ps->text); /* a long text is quoted by its start */
    return snx_error(code, "unit \"%.*s%s\", column %d: %s", len > 60 ? 60 : (int)len,
                     ps->text, len > 60 ? "..." : "", (int)(ps->p - ps->text) + 1, what);
}

static int parse_expr(unit_parser *ps, snx_unit *out);

static int parse_atom(unit_parser *ps, snx_unit *out)
{
    skip_space(ps);
    if (*ps->p == '(') {
        if (++ps->depth > UNIT_MAX_NESTING)
            return parse_error(ps, SNX_EPARSE, "parentheses nested more than 64 deep");
        ps->p++;
        int rc = parse_expr(ps, out);
        ps->depth--;
        if (rc)
            return rc;
        skip_space(ps);
        if (*ps->p != ')')
            return parse_error(ps, SNX_EPARSE, "expected ')'");
        ps->p++;
        return 0;
    }
    if (isdigit((unsigned char)*ps->p) || *ps->p == '.') {
        char *end;
        double v = strtod(ps->p, &end);
        ps->p = end;
        *out = (snx_unit){ v, SNX_DIMENSIONLESS };
        return 0;
    }
    const char *start = ps->p;
    /* Names are letters (and the UTF-8 micro sign); digits may follow letters. */
    while (isalpha((unsigned char)*ps->p) || (unsigned char)*ps->p >= 0x80 ||
           (ps->p > start && isdigit((unsigned char)*ps->p)) || *ps->p == '_')
        ps->p++;
    if (ps->p == start)
        return parse_error(ps, SNX_EPARSE, "expected a unit name");
    char name[64];
    size_t n = (size_t)(ps->p - start);
    if (n >= sizeof name)
        return parse_error(ps, SNX_EPARSE, "unit name too long");
    memcpy(name, start, n);
    name[n] = '\0';
    if (snx_unit_lookup(name, out) != 0) {
        ps->p = start;
        return snx_error(SNX_ENOTFOUND, "unit \"%s\", column %d: unknown unit \"%s\"",
                         ps->text, (int)(start - ps->text) + 1, name);
    }
    return 0;
}

static int parse_factor(unit_parser *ps, snx_unit *out)
{
    int rc = parse_atom(ps, out);
    if (rc)
        return rc;
    skip_space(ps);
    int is_pow = 0;
    if (ps->p[0] == '*' && ps->p[1] == '*') {
        ps->p += 2;
        is_pow = 1;
    } else if (ps->p[0] == '^') {
        ps->p++;
        is_pow = 1;
    }
    if (!is_pow)
        return 0;
    skip_space(ps);
    char *end;
    long power = strtol(ps->p, &end, 10);
    if (end == ps->p)
        return parse_error(ps, SNX_EPARSE, "expected an integer power");
    if (!snx_dim_pow_checked(out->dim, power, &out->dim))
        return parse_error(ps, SNX_EDIM, "the power leaves the range of dimension exponents "
                                         "(at most 32 in size)");
    ps->p = end;
    out->scale = pow(out->scale, (double)power);
    return 0;
}

static int parse_expr(unit_parser *ps, snx_unit *out)
{
    int rc = parse_factor(ps, out);
    while (!rc) {
        skip_space(ps);
        char op = *ps->p;
        if ((op != '*' && op != '/') || ps->p[1] == '*')
            break;
        ps->p++;
        snx_unit rhs;
        rc = parse_factor(ps, &rhs);
        if (rc)
            break;
        if (!snx_dim_mul_checked(out->dim, rhs.dim, op == '*' ? 1 : -1, &out->dim))
            return parse_error(ps, SNX_EDIM, "the product leaves the range of dimension "
                                             "exponents (at most 32 in size)");
        out->scale = op == '*' ? out->scale * rhs.scale : out->scale / rhs.scale;
    }
    return rc;
}

int snx_unit_parse(const char *text, snx_unit *out)
{
    if (!text || !out)
        return snx_error(SNX_EINVAL, "snx_unit_parse: NULL %s", !text ? "text" : "output");
    unit_parser ps = { text, text, 0 };
    skip_space(&ps);
    if (!*ps.p) {
        *out = (snx_unit){ 1, SNX_DIMENSIONLESS };
        return 0;
    }
    int rc = parse_expr(&ps, out);
    if (rc)
        return rc;
    skip_space(&ps);
    if (*ps.p)
        return parse_error(&ps, SNX_EPARSE, "unexpected text");
    return 0;
}

int snx_quantity_parse(const char *text, double *si, snx_unit *unit)
{
    if (!text)
        return snx_error(SNX_EINVAL, "snx_quantity_parse: NULL text");
    const char *p = text;
    while (isspace((unsigned char)*p))
        p++;
    char *end;
    double value = strtod(p, &end);
    if (end == p)
        return snx_error(SNX_EPARSE, "quantity \"%s\": expected a number first", text);
    p = end;
    while (isspace((unsigned char)*p))
        p++;
    if (*p == '*')
        p++;
    snx_unit u;
    int rc = snx_unit_parse(p, &u);
    if (rc)
        return snx_error_context("quantity \"%s\"", text);
    if (si)
        *si = value * u.scale;
    if (unit)
        *unit = u;
    return 0;
}
