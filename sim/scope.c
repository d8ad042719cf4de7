/* Scopes: name lookup in the documented order, and "did you mean" suggestions by
 * edit distance when a name is unknown. */
#include "scope.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ops.h"
#include "snex/error.h"
#include "snex/util.h"

int sim_scope_init(sim_scope *sc, const char *what, const snx_namespace *ns0,
                   const snx_namespace *ns1)
{
    sc->syms = snx_map_new(free);
    sc->ns[0] = ns0;
    sc->ns[1] = ns1;
    sc->what = what;
    sc->shared_code = false;
    sc->noise = false;
    return sc->syms ? 0 : SNX_ENOMEM;
}

void sim_scope_clear(sim_scope *sc)
{
    snx_map_free(sc->syms);
    sc->syms = NULL;
}

int sim_scope_add(sim_scope *sc, const char *name, sim_sym sym)
{
    sim_sym *p = snx_malloc(sizeof *p);
    if (!p)
        return SNX_ENOMEM;
    *p = sym;
    if (snx_map_put(sc->syms, name, p)) {
        free(p);
        return SNX_ENOMEM;
    }
    return 0;
}

static const struct {
    const char *name;
    double value;
} BUILTIN_CONSTS[] = {
    { "pi", 3.14159265358979323846 }, { "e", 2.71828182845904523536 },
    { "inf", INFINITY }, { "True", 1 }, { "False", 0 },
};

bool sim_is_noise_name(const char *name)
{
    return !strncmp(name, "xi", 2) && (!name[2] || (name[2] == '_' && name[3]));
}

int sim_scope_lookup(const sim_scope *sc, const char *name, sim_sym *out)
{
    const sim_sym *s = snx_map_get(sc->syms, name);
    if (s && s->kind == SIM_SYM_HIDDEN)
        return SNX_ENOTFOUND;
    if (s) {
        *out = *s;
        return 0;
    }
    if (sc->noise && sim_is_noise_name(name)) {
        *out = (sim_sym){ .kind = SIM_SYM_NOISE };
        return 0;
    }
    *out = (sim_sym){ .kind = SIM_SYM_CONST };
    for (int k = 0; k < 2; k++)
        if (snx_namespace_get(sc->ns[k], name, &out->value, &out->dim) == 0)
            return 0;
    snx_unit u;
    if (snx_unit_lookup(name, &u) == 0) {
        out->value = u.scale;
        out->dim = u.dim;
        return 0;
    }
    for (size_t k = 0; k < sizeof BUILTIN_CONSTS / sizeof BUILTIN_CONSTS[0]; k++)
        if (!strcmp(BUILTIN_CONSTS[k].name, name)) {
            out->value = BUILTIN_CONSTS[k].value;
            out->dim = SNX_DIMENSIONLESS;
            return 0;
        }
    return SNX_ENOTFOUND;
}

/* Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
static int edit_distance(const char *a, const char *b)
{
    int n = (int)strlen(a), m = (int)strlen(b);
    if (n > 63 || m > 63)
        return 99;
    int d[64][64];
    for (int i = 0; i <= n; i++)
        d[i][0] = i;
    for (int j = 0; j <= m; j++)
        d[0][j] = j;
    for (int i = 1; i <= n; i++)
        for (int j = 1; j <= m; j++) {
            int cost = a[i - 1] != b[j - 1];
            int v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < v)
                v = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    return d[n][m];
}

typedef struct {
    const char *name;
    int dist;
} match;

static void consider(match best[3], const char *target, const char *cand)
{
    int len = (int)strlen(target);
    int limit = len <= 2 ? 1 : len <= 5 ? 2 : 3;
    if (!strcmp(target, cand))
        return;
    /* A difference of case only is the closest match there is ("v" for "V"). */
    int dist = strcasecmp(target, cand) == 0 ? 0 : edit_distance(target, cand);
    if (dist > limit || (dist >= len && dist > 0))
        return;
    for (int k = 0; k < 3; k++) {
        if (best[k].name && !strcmp(best[k].name, cand))
            return;
        if (!best[k].name || dist < best[k].dist) {
            for (int m = 2; m > k; m--)
                best[m] = best[m - 1];
            best[k] = (match){ cand, dist };
            return;
        }
    }
}

void sim_scope_suggest(const sim_scope *sc, const char *name, char *buf, size_t size)
{
    match best[3] = { { 0 } };
    const char *k;
    void *v;
    for (size_t it = 0; snx_map_next(sc->syms, &it, &k, &v);)
        if (((const sim_sym *)v)->kind != SIM_SYM_HIDDEN)
            consider(best, name, k);
    for (int n = 0; n < 2; n++)
        for (size_t it = 0; snx_namespace_next(sc->ns[n], &it, &k);)
            consider(best, name, k);
    for (size_t i = 0; i < sizeof BUILTIN_CONSTS / sizeof BUILTIN_CONSTS[0]; i++)
        consider(best, name, BUILTIN_CONSTS[i].name);
    for (const char *const *f = sim_fn_names; *f; f++)
        consider(best, name, *f);
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i < 3 && best[i].name && len < size; i++) {
        int n = snprintf(buf + len, size - len, "%s\"%s\"", i ? ", " : "", best[i].name);
        if (n < 0)
            break;
        len += (size_t)n;
    }
}

/* Names that Brian code uses and snex lacks: the message says so instead of guessing
 * at close matches. */
static const struct {
    const char *name, *why;
} BRIAN_ONLY[] = {
    { "t_in_timesteps", "Brian's t_in_timesteps is not supported (write timestep(t, dt))" },
    { "lastupdate", "lastupdate exists only in synapses with event-driven equations" },
    { "lastspike", "lastspike exists only in neuron groups with a threshold (synaptic code "
                   "cannot read it)" },
    { "lastspike_pre", "synaptic code cannot read lastspike" },
    { "lastspike_post", "synaptic code cannot read lastspike" },
    { "not_refractory_pre", "synaptic code cannot read not_refractory" },
    { "not_refractory_post", "synaptic code cannot read not_refractory" },
    { "N", "synaptic code has no N (Brian's number of synapses): write N_pre or N_post" },
    { "N_incoming", "Brian's N_incoming is not supported" },
    { "N_outgoing", "Brian's N_outgoing is not supported" },
};

int sim_scope_unknown(const sim_scope *sc, const sim_src *src, const char *name, int offset)
{
    char sugg[200];
    sim_scope_suggest(sc, name, sugg, sizeof sugg);
    int line, col;
    sim_src_position(src, offset, &line, &col);
    const char *lt;
    int ll;
    sim_src_line_text(src, offset, &lt, &ll);
    for (size_t k = 0; k < sizeof BRIAN_ONLY / sizeof BRIAN_ONLY[0]; k++)
        if (!strcmp(BRIAN_ONLY[k].name, name))
            return snx_error(SNX_ENOTFOUND, "%s: unsupported name \"%s\" at line %d, column "
                                            "%d of %s \"%.*s\": %s",
                             sc->what, name, line, col, src->label, ll, lt, BRIAN_ONLY[k].why);
    if (sim_is_noise_name(name))
        return snx_error(SNX_EINVAL, "%s: \"%s\" at line %d, column %d of %s \"%.*s\" is "
                                     "white noise, which only differential equations may use "
                                     "(a group's, or clock-driven ones of synapses)", sc->what, name, line, col,
                         src->label, ll, lt);
    return snx_error(SNX_ENOTFOUND, "%s: unknown name \"%s\" at line %d, column %d of %s "
                                    "\"%.*s\"%s%s%s",
                     sc->what, name, line, col, src->label, ll, lt,
                     sugg[0] ? "; did you mean " : " (no similar names)", sugg,
                     sugg[0] ? "?" : "");
}
