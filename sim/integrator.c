/* State updaters: the code that advances every differential equation by one step.
 * All derivatives (or new values) are computed from the old state before any variable
 * is written, so equations see a consistent state whatever their order.
 *
 *   euler              x += dt*f(x)                       (the reference, as BRIAN)
 *   rk2                midpoint: x += dt*f(x + dt/2*f(x))
 *   rk4                classic fourth-order Runge-Kutta
 *   exponential_euler  for dx/dt = A + B*x (A, B free of x): x = x e^(B dt) + A dt
 *                      exprel(B dt), i.e. -A/B + (x + A/B)*e^(B dt) without dividing by B
 *                      equations not linear in their own variable are refused
 *   exact              linear systems with constant coefficients: x = P x + M b (exact.c)
 * With no method given, exact is chosen where it applies and euler elsewhere, as
 * Brian does (sim_method_resolve).
 * White noise (xi) is Euler-Maruyama: its names are bound to per-block normal numbers
 * before Euler's code is compiled (noise.c); the other methods refuse it.
 *
 * Variables flagged (unless refractory) are held while the neuron is refractory
 * (step < until): Euler and the exponential update keep the old value; the Runge-Kutta
 * stages multiply the held derivative by notref = (step >= until), as Brian does, so
 * the variable does not move.
 *
 * Euler fuses each update with the last operation of its derivative (EULER_* ops):
 * the same arithmetic in one pass instead of two. */
#include "equations.h"

#include <stdlib.h>
#include <string.h>

#include "snex/error.h"
#include "snex/util.h"

typedef struct {
    const sim_model *m;
    sim_compiler *c;
    double dt;
    int until;      /* array id of `until`, or -1: nothing is ever held */
    sim_opnd notref;/* Runge-Kutta: 1 where not refractory (when until >= 0) */
    int n;          /* differential equations */
    int *eq;        /* their equation indices */
    int *var;       /* and variable (array) ids */
} stepper;

static int is_held(const stepper *s, int k)
{
    return s->until >= 0 && (s->m->eqs[s->eq[k]].flags & SIM_EQ_UNLESS_REFRACTORY);
}

/* k-th derivative into a register owned by the caller, masked for held variables. */
static int derivative(stepper *s, int k, int mask, sim_opnd *out)
{
    if (sim_compile_expr(s->c, s->m->eqs[s->eq[k]].expr, out) || sim_to_temp(s->c, out))
        return snx_errcode();
    if (mask && is_held(s, k))
        return sim_emit(s->c, SIM_OP_MUL_VV, out->v, out->v, s->notref.v, 0);
    return 0;
}

/* Does the pending value of equation k read the array of state variable j? */
static int reads_var(const stepper *s, const sim_pending *p, int j)
{
    unsigned v = SIM_ARRAY_BIT | (unsigned)s->var[j];
    return (p->y.kind == SIM_OPND_VEC && p->y.v == v) ||
           (p->kind == SIM_PENDING_MULADD && p->a.kind == SIM_OPND_VEC && p->a.v == v);
}

/* Copies the state-variable arrays (other than its own) that pending k reads. */
static int copy_reads(stepper *s, int k, sim_pending *p)
{
    for (int j = 0; j < s->n; j++) {
        if (j == k || !reads_var(s, p, j))
            continue;
        unsigned v = SIM_ARRAY_BIT | (unsigned)s->var[j];
        int rc = 0;
        if (p->y.v == v)
            rc = sim_to_temp(s->c, &p->y);
        if (!rc && p->kind == SIM_PENDING_MULADD && p->a.v == v)
            rc = sim_to_temp(s->c, &p->a);
        if (rc)
            return rc;
    }
    return 0;
}

static int euler_update(stepper *s, int k, const sim_pending *p)
{
    sim_opnd x = sim_opnd_array(s->c, s->var[k]);
    unsigned until = sim_opnd_array(s->c, s->until >= 0 ? s->until : 0).v;
    int held = is_held(s, k);
    switch (p->kind) {
    case SIM_PENDING_SCALED:
        return sim_emit_e(s->c, held ? SIM_OP_EULER_VS_HELD : SIM_OP_EULER_VS, x.v, p->y.v,
                          sim_const(s->c, p->s).v, 0, until);
    case SIM_PENDING_MULADD:
        return sim_emit_e(s->c, held ? SIM_OP_EULER_VSV_HELD : SIM_OP_EULER_VSV, x.v, p->y.v,
                          sim_const(s->c, p->s).v, p->a.v, until);
    default:
        if (held)
            return sim_emit_e(s->c, SIM_OP_EULER_V_HELD, x.v, p->y.v, 0, 0, until);
        return sim_emit(s->c, SIM_OP_MULADD_VSV, x.v, p->y.v, sim_const(s->c, s->dt).v, x.v);
    }
}

/* The fused updates read some arrays in the update phase, so a variable must be
 * updated only after every update that reads it: updates are emitted in such an order,
 * and where reads form a cycle the arrays concerned are copied first. */
static int euler(stepper *s, sim_pending *p)
{
    int rc = 0;
    char *done = snx_calloc((size_t)s->n + 1, 1);
    if (!done)
        return SNX_ENOMEM;
    for (int k = 0; k < s->n && !rc; k++)
        rc = sim_compile_pending(s->c, s->m->eqs[s->eq[k]].expr, &p[k]);
    for (int emitted = 0, progress = 1; emitted < s->n && !rc;) {
        if (!progress) /* a cycle: copy what the rest reads, then any order will do */
            for (int k = 0; k < s->n && !rc; k++)
                if (!done[k])
                    rc = copy_reads(s, k, &p[k]);
        progress = 0;
        for (int k = 0; k < s->n && !rc; k++) {
            int needed = 0;
            for (int j = 0; j < s->n && !needed; j++)
                needed = !done[j] && j != k && reads_var(s, &p[j], k);
            if (done[k] || needed)
                continue;
            rc = euler_update(s, k, &p[k]);
            done[k] = 1;
            emitted++;
            progress = 1;
        }
    }
    for (int k = 0; k < s->n; k++) {
        sim_release(s->c, p[k].y);
        if (p[k].kind == SIM_PENDING_MULADD && p[k].a.v != p[k].y.v)
            sim_release(s->c, p[k].a);
    }
    free(done);
    /* Only now: the updates read cached values (subexpressions) computed before. */
    sim_compiler_invalidate(s->c, -1);
    return rc;
}

/* Binds every state variable to its intermediate value xs[v] for the next stage. */
static int bind_stage(stepper *s, const sim_opnd *xs)
{
    for (int v = 0; v < s->n; v++) {
        int rc = sim_compiler_bind(s->c, s->m->eqs[s->eq[v]].name, xs[v]);
        if (rc)
            return rc;
    }
    return 0;
}

/* x += scale * acc[v] for every variable, after all stages. */
static int apply_increments(stepper *s, sim_opnd *acc, double scale)
{
    sim_compiler_unbind_all(s->c);
    sim_opnd h = sim_const(s->c, scale);
    int rc = 0;
    for (int v = 0; v < s->n && !rc; v++) {
        sim_opnd x = sim_opnd_array(s->c, s->var[v]);
        rc = sim_emit(s->c, SIM_OP_MULADD_VSV, x.v, acc[v].v, h.v, x.v);
        sim_release(s->c, acc[v]);
        sim_compiler_invalidate(s->c, s->var[v]);
    }
    return rc;
}

/* Explicit midpoint: k1 = f(x); k2 = f(x + dt/2*k1); x += dt*k2. */
static int rk2(stepper *s, sim_opnd *k, sim_opnd *xs)
{
    int rc = 0;
    sim_opnd half = sim_const(s->c, 0.5 * s->dt);
    for (int v = 0; v < s->n && !rc; v++)
        rc = derivative(s, v, 1, &k[v]);
    for (int v = 0; v < s->n && !rc; v++) { /* xs overwrites k1, which is not needed again */
        xs[v] = k[v];
        rc = sim_emit(s->c, SIM_OP_MULADD_VSV, xs[v].v, k[v].v, half.v,
                      sim_opnd_array(s->c, s->var[v]).v);
    }
    rc = rc ? rc : bind_stage(s, xs);
    for (int v = 0; v < s->n && !rc; v++)
        rc = derivative(s, v, 1, &k[v]);
    sim_compiler_unbind_all(s->c);
    for (int v = 0; v < s->n; v++)
        sim_release(s->c, xs[v]);
    return rc ? rc : apply_increments(s, k, s->dt);
}

/* Classic RK4: stages at x, x + dt/2*k1, x + dt/2*k2, x + dt*k3; the increment is
 * dt/6*(k1 + 2 k2 + 2 k3 + k4), accumulated in acc (which takes over k1's register). */
static int rk4(stepper *s, sim_opnd *k, sim_opnd *xs, sim_opnd *acc)
{
    static const double NEXT[] = { 0.5, 0.5, 1.0 }, WEIGHT[] = { 1, 2, 2, 1 };
    int rc = 0;
    for (int st = 0; st < 4 && !rc; st++) {
        for (int v = 0; v < s->n && !rc; v++)
            rc = derivative(s, v, 1, &k[v]);
        for (int v = 0; v < s->n && !rc; v++) {
            if (st < 3) {
                if (st == 0)
                    rc = sim_temp(s->c, &xs[v]);
                sim_opnd h = sim_const(s->c, NEXT[st] * s->dt);
                rc = rc ? rc : sim_emit(s->c, SIM_OP_MULADD_VSV, xs[v].v, k[v].v, h.v,
                                        sim_opnd_array(s->c, s->var[v]).v);
            }
            if (st == 0) {
                acc[v] = k[v];
            } else {
                sim_opnd w = sim_const(s->c, WEIGHT[st]);
                rc = rc ? rc : sim_emit(s->c, SIM_OP_MULADD_VSV, acc[v].v, k[v].v, w.v,
                                        acc[v].v);
                sim_release(s->c, k[v]);
            }
        }
        if (st < 3 && !rc)
            rc = bind_stage(s, xs);
    }
    sim_compiler_unbind_all(s->c);
    for (int v = 0; v < s->n; v++)
        sim_release(s->c, xs[v]);
    return rc ? rc : apply_increments(s, acc, s->dt / 6);
}

/* ---- exponential Euler ------------------------------------------------------------- */

/* New value of equation k's variable into *out (a register the caller owns). */
static int exp_euler_value(stepper *s, int k, sim_opnd *out)
{
    const sim_eq *eq = &s->m->eqs[s->eq[k]];
    sim_ast *coef;
    int rc = sim_model_coefficient(s->m, eq->expr, eq->name, &coef);
    if (rc == SNX_EINVAL) {
        int line, col;
        sim_src_position(s->m->src, eq->start, &line, &col);
        return snx_error(SNX_EINVAL, "%s, line %d: exponential_euler needs dX/dt = A + B*X "
                         "with A and B independent of X, which \"%.*s\" is not",
                         s->m->src->label, line, eq->end - eq->start, s->m->src->text + eq->start);
    }
    if (rc || (coef && (rc = sim_analyze(coef, sim_compiler_scope(s->c)))))
        return rc;
    sim_compiler *c = s->c;
    sim_opnd x = sim_opnd_array(c, s->var[k]), A, B, t;
    if (sim_compiler_bind(c, eq->name, sim_const(c, 0)) || sim_compile_expr(c, eq->expr, &A) ||
        sim_to_temp(c, &A))
        return snx_errcode();
    sim_compiler_unbind_all(c);
    if (!coef) { /* B == 0: the exact solution is the Euler step */
        *out = A;
        return sim_emit(c, SIM_OP_MULADD_VSV, A.v, A.v, sim_const(c, s->dt).v, x.v);
    }
    if (sim_compile_expr(c, coef, &B) || sim_to_temp(c, &B) || sim_temp(c, &t))
        return snx_errcode();
    /* x e^(B dt) + A dt exprel(B dt), the same as -A/B + (x + A/B) e^(B dt), but
     * without dividing by B: a per-neuron B may be 0 for some neurons (then it is the
     * Euler step), and near 0 the division loses digits */
    sim_opnd dt = sim_const(c, s->dt);
    sim_emit(c, SIM_OP_MUL_VS, B.v, B.v, dt.v, 0);                      /* B dt */
    sim_emit(c, SIM_OP_EXP_V, t.v, B.v, 0, 0);                          /* e^(B dt) */
    sim_emit(c, SIM_OP_EXPREL_V, B.v, B.v, 0, 0);                       /* exprel(B dt) */
    sim_emit(c, SIM_OP_MUL_VV, t.v, t.v, x.v, 0);                       /* x e^(B dt) */
    sim_emit(c, SIM_OP_MUL_VS, A.v, A.v, dt.v, 0);
    sim_emit(c, SIM_OP_MUL_VV, A.v, A.v, B.v, 0);                       /* A dt exprel */
    rc = sim_emit(c, SIM_OP_ADD_VV, t.v, t.v, A.v, 0); /* sticky: any failure above */
    sim_release(c, A);
    sim_release(c, B);
    *out = t;
    return rc;
}

static int exponential_euler(stepper *s, sim_opnd *xn)
{
    int rc = 0;
    for (int k = 0; k < s->n && !rc; k++)
        rc = exp_euler_value(s, k, &xn[k]);
    for (int k = 0; k < s->n && !rc; k++) {
        sim_opnd x = sim_opnd_array(s->c, s->var[k]);
        rc = is_held(s, k) ? sim_emit_e(s->c, SIM_OP_MOV_HELD, x.v, xn[k].v, 0, 0,
                                        sim_opnd_array(s->c, s->until).v)
                           : sim_emit(s->c, SIM_OP_MOV_V, x.v, xn[k].v, 0, 0);
        sim_release(s->c, xn[k]);
        sim_compiler_invalidate(s->c, s->var[k]);
    }
    return rc;
}

static int has_held(const stepper *s)
{
    for (int k = 0; k < s->n; k++)
        if (is_held(s, k))
            return 1;
    return 0;
}

static int integrate(sim_compiler *c, const sim_model *m, int method, double dt, int until)
{
    stepper s = { m, c, dt, until, { 0 }, 0, NULL, NULL };
    s.eq = snx_calloc((size_t)m->n_eqs * 2 + 1, sizeof *s.eq);
    sim_opnd *regs = snx_calloc((size_t)m->n_eqs * 3 + 1, sizeof *regs);
    sim_pending *pending = snx_calloc((size_t)m->n_eqs + 1, sizeof *pending);
    int rc = s.eq && regs && pending ? 0 : SNX_ENOMEM;
    s.var = s.eq ? s.eq + m->n_eqs : NULL;
    for (int v = 0; !rc && v < m->n_vars; v++)
        if (sim_eq_stepped(&m->eqs[m->var_eq[v]])) {
            s.eq[s.n] = m->var_eq[v];
            s.var[s.n++] = v;
        }
    int rk = method == SIM_RK2 || method == SIM_RK4;
    if (!rc && rk && has_held(&s) && !(rc = sim_temp(c, &s.notref)))
        rc = sim_emit(c, SIM_OP_GE_SV, s.notref.v, SIM_RT_STEP, sim_opnd_array(c, until).v, 0);
    if (!rc && s.n > 0) {
        switch (method) {
        case SIM_RK2: rc = rk2(&s, regs, regs + m->n_eqs); break;
        case SIM_RK4: rc = rk4(&s, regs, regs + m->n_eqs, regs + 2 * m->n_eqs); break;
        case SIM_EXP_EULER: rc = exponential_euler(&s, regs); break;
        case SIM_EXACT: rc = sim_exact(c, m, dt, until); break;
        default: rc = euler(&s, pending); break;
        }
    }
    free(s.eq);
    free(regs);
    free(pending);
    return rc;
}

/* Only Euler integrates white noise (as Euler-Maruyama, noise.c); Brian refuses the
 * other methods too. */
static int refuse_noise(const sim_model *m, const sim_noise *nz, int method)
{
    const sim_eq *eq = &m->eqs[nz->first_eq];
    int line, col;
    sim_src_position(m->src, eq->start, &line, &col);
    return snx_error(SNX_EINVAL, "%s, line %d: method \"%s\" cannot integrate the stochastic "
                     "equation \"%.*s\" (white noise %s): use euler, which is "
                     "Euler-Maruyama for additive noise", m->src->label, line,
                     sim_method_name(method), eq->end - eq->start, m->src->text + eq->start,
                     nz->names[0]);
}

int sim_integrate(sim_compiler *c, const sim_model *m, int method, double dt, int until)
{
    sim_noise nz;
    int rc = sim_noise_find(m, &nz);
    if (!rc && nz.n && method != SIM_EULER)
        rc = refuse_noise(m, &nz, method);
    rc = rc ? rc : sim_noise_bind(c, &nz, dt);
    rc = rc ? rc : integrate(c, m, method, dt, until);
    sim_noise_free(c, &nz);
    return rc;
}

int sim_method_resolve(const sim_model *m, const sim_scope *sc, int method)
{
    if (method != SIM_AUTO)
        return method;
    sim_noise nz;
    bool noisy = sim_noise_find(m, &nz) != 0 || nz.n > 0; /* errors: reported by euler */
    sim_noise_free(NULL, &nz);
    if (noisy)
        return SIM_EULER;
    if (sim_exact_qualifies(m, sc))
        return SIM_EXACT;
    /* per-neuron coefficients, each variable on its own: Brian's "exact" solves these
     * symbolically; exponential Euler's formula is that solution */
    return sim_uncoupled_linear(m) ? SIM_EXP_EULER : SIM_EULER;
}
