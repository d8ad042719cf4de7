/* White noise in differential equations (Brian's xi): which noise names a model uses,
 * whether they enter as Euler-Maruyama can integrate them, and the per-block numbers
 * that stand for them in the state update.
 *
 * xi and xi_<suffix> are independent white-noise processes per neuron, of dimension
 * s^-1/2; one name in several equations of a group is one process (as in Brian). Over a
 * step, xi*dt integrates to sqrt(dt)*N(0, 1), so in the discrete update xi *is* a
 * normal number divided by sqrt(dt): binding each name to a register of N(0, 1)/sqrt(dt)
 * (one RANDN per name and block, scaled in the same loop) turns the Euler update
 * x += dt*f(x, xi) into Euler-Maruyama, x += dt*f0(x) + sqrt(dt)*sum_k g_k*N_k, with
 * no other change to the integrator. That needs xi linear (f = f0 + sum g_k*xi_k) and
 * the noise additive (no g_k depends on a state variable: multiplicative noise needs
 * Milstein's correction, which snex does not implement). Equations without noise
 * compile exactly as before. */
#include "equations.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snex/error.h"
#include "snex/util.h"

static int eq_error(const sim_model *m, const sim_eq *eq, const char *fmt, const char *a,
                    const char *b)
{
    int line, col;
    char what[400];
    sim_src_position(m->src, eq->start, &line, &col);
    snprintf(what, sizeof what, fmt, a, b);
    return snx_error(SNX_EINVAL, "%s, line %d: %s, in \"%.*s\"", m->src->label, line, what,
                     eq->end - eq->start, m->src->text + eq->start);
}

static int add_name(sim_noise *nz, const char *name)
{
    for (int k = 0; k < nz->n; k++)
        if (!strcmp(nz->names[k], name))
            return 0;
    size_t cap = (size_t)nz->cap;
    if (snx_grow(&nz->names, &cap, (size_t)nz->n + 1, sizeof *nz->names))
        return SNX_ENOMEM;
    nz->cap = (int)cap;
    nz->names[nz->n++] = name;
    return 0;
}

/* Noise names of e into nz (subexpressions cannot hold any: the analyser refuses). */
static int collect(const sim_ast *e, sim_noise *nz)
{
    if (e->kind == SIM_AST_NAME)
        return sim_is_noise_name(e->name) ? add_name(nz, e->name) : 0;
    for (int a = 0; a < e->n_args; a++) {
        int rc = collect(e->args[a], nz);
        if (rc)
            return rc;
    }
    return 0;
}

/* Equation eq is linear in xi, with a coefficient free of every state variable. */
static int check_term(const sim_model *m, const sim_eq *eq, const char *xi)
{
    sim_ast *coef;
    int rc = sim_model_coefficient(m, eq->expr, xi, &coef);
    if (rc == SNX_EINVAL)
        return eq_error(m, eq, "white noise \"%s\" must appear linearly, as a term g*%s with "
                               "g free of noise", xi, xi);
    for (int v = 0; !rc && coef && v < m->n_vars; v++) {
        const sim_eq *x = sim_model_var_eq(m, v);
        if (x->kind == SIM_EQ_DIFF && sim_model_depends(m, coef, x->name))
            return eq_error(m, eq, "the noise term of \"%s\" depends on the state variable "
                                   "\"%s\" (multiplicative noise, which needs the Milstein "
                                   "method): snex integrates additive noise only, with euler "
                                   "(Euler-Maruyama)", xi, x->name);
    }
    return rc;
}

int sim_noise_find(const sim_model *m, sim_noise *nz)
{
    *nz = (sim_noise){ .first_eq = -1 };
    int rc = 0;
    for (int k = 0; k < m->n_eqs && !rc; k++) {
        const sim_eq *eq = &m->eqs[k];
        if (eq->kind != SIM_EQ_DIFF)
            continue;
        sim_noise mine = { 0 }; /* this equation's names, to check each once */
        rc = collect(eq->expr, &mine);
        for (int j = 0; j < mine.n && !rc; j++)
            if (!(rc = check_term(m, eq, mine.names[j])))
                rc = add_name(nz, mine.names[j]);
        free(mine.names);
        if (mine.n && nz->first_eq < 0)
            nz->first_eq = k;
    }
    if (rc)
        sim_noise_free(NULL, nz);
    return rc;
}

int sim_noise_bind(sim_compiler *c, sim_noise *nz, double dt)
{
    if (!nz->n)
        return 0;
    if (!(nz->regs = snx_calloc((size_t)nz->n, sizeof *nz->regs)))
        return SNX_ENOMEM;
    for (int k = 0; k < nz->n; k++) {
        int rc = sim_emit_random(c, SIM_FN_RANDN, 1 / sqrt(dt), &nz->regs[k]);
        rc = rc ? rc : sim_compiler_bind(c, nz->names[k], nz->regs[k]);
        if (rc)
            return rc;
        nz->n_bound = k + 1;
    }
    return 0;
}

void sim_noise_free(sim_compiler *c, sim_noise *nz)
{
    if (c && nz->n_bound)
        sim_compiler_unbind_all(c);
    for (int k = 0; c && k < nz->n_bound; k++)
        sim_release(c, nz->regs[k]);
    free(nz->names);
    free(nz->regs);
    *nz = (sim_noise){ .first_eq = -1 };
}
