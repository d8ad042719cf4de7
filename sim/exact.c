/* Exact integration of linear systems: method "exact" (alias "linear"), and the
 * default for equations that qualify (sim_method_resolve, in integrator.c).
 *
 * What qualifies: the differential equations form dX/dt = A X + b where
 *   A, the coefficient of every state variable in every equation, folds to a number:
 *     constants only (numbers, units, namespaces), no per-neuron parameter;
 *   b, what is left with every state variable at 0, may be anything that is constant
 *     over a step: per-neuron parameters (input variables that synapses change
 *     included: they hold still during the update, as in Euler), i, N, constants and
 *     subexpressions of those; not t, rand() or randn(), and no white noise.
 * Over a step then x(t + dt) = P x(t) + M b with P = e^(A dt) and M = int_0^dt e^(A s)
 * ds, both read from the exponential of the augmented matrix [[A, I], [0, 0]] dt (Van
 * Loan's trick, which needs no inverse of A), computed once per group (matrix_exp). Per
 * neuron and step: one multiply-add per non-zero entry of P and per non-zero entry of
 * M times a per-neuron b; constant parts of b fold into one constant per row.
 *
 * Refractoriness: a variable flagged (unless refractory) has derivative zero while its
 * neuron is refractory (Brian multiplies it by not_refractory), so a refractory neuron
 * follows the system whose held rows of A and b are zero, with its own P' and M'. Held
 * variables keep their value; a free variable whose row of P' or M' differs from P's
 * or M's (it is driven by a held one, e.g. an adaptation current by the membrane
 * potential) gets both new values and keeps the refractory one where step < until;
 * every other free variable uses P and M alone, at no extra cost. */
#include "equations.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snex/error.h"
#include "snex/util.h"

typedef struct {
    const sim_model *m;
    int n;          /* state variables (differential equations), in variable order */
    int *eq, *var;  /* their equations and array ids */
    double *A;      /* n x n coefficients, row-major */
} linsys;

static void linsys_free(linsys *ls)
{
    free(ls->eq);
    free(ls->A);
}

static int not_linear(const sim_model *m, const sim_eq *eq, const char *why, const char *name)
{
    int line, col;
    char what[300];
    sim_src_position(m->src, eq->start, &line, &col);
    snprintf(what, sizeof what, why, name);
    return snx_error(SNX_EINVAL, "%s, line %d: method \"exact\" needs linear equations with "
                     "constant coefficients (dX/dt = A*X + b, A from constants, b free of "
                     "t, rand() and noise): %s, in \"%.*s\"", m->src->label, line, what,
                     eq->end - eq->start, m->src->text + eq->start);
}

const char *sim_model_varying(const sim_model *m, const sim_ast *e)
{
    if (e->kind == SIM_AST_NAME) {
        if (!strcmp(e->name, "t") || sim_is_noise_name(e->name))
            return e->name;
        int k = sim_model_find(m, e->name);
        return k >= 0 && m->eqs[k].kind == SIM_EQ_SUBEXPR ? sim_model_varying(m, m->eqs[k].expr) : NULL;
    }
    if (e->kind == SIM_AST_OP && (e->fn == SIM_FN_RAND || e->fn == SIM_FN_RANDN))
        return e->fn == SIM_FN_RAND ? "rand()" : "randn()";
    for (int a = 0; a < e->n_args; a++) {
        const char *v = sim_model_varying(m, e->args[a]);
        if (v)
            return v;
    }
    return NULL;
}

/* Coefficient (i, j) of the system: a number, or SNX_EINVAL saying why not. */
static int coefficient(const linsys *ls, const sim_scope *sc, int i, int j, double *out)
{
    const sim_model *m = ls->m;
    const sim_eq *eq = &m->eqs[ls->eq[i]];
    const char *x = m->eqs[ls->eq[j]].name;
    sim_ast *coef;
    int rc = sim_model_coefficient(m, eq->expr, x, &coef);
    if (rc == SNX_EINVAL)
        return not_linear(m, eq, "it is not linear in %s", x);
    if (rc || !coef || (rc = sim_analyze(coef, sc))) {
        *out = 0;
        return rc;
    }
    for (int k = 0; k < ls->n; k++)
        if (sim_model_depends(m, coef, m->eqs[ls->eq[k]].name))
            return not_linear(m, eq, "it is not linear in %s (a product of state variables)", x);
    if (!coef->is_const)
        return not_linear(m, eq, "the coefficient of %s is not a constant (it depends on "
                                 "per-neuron values or time)", x);
    if (!isfinite(coef->value))
        return not_linear(m, eq, "the coefficient of %s is not finite", x);
    *out = coef->value;
    return 0;
}

/* Fills ls when m's differential equations qualify; SNX_EINVAL naming the equation and
 * the reason when they do not. */
static int linear_system(const sim_model *m, const sim_scope *sc, linsys *ls)
{
    *ls = (linsys){ .m = m };
    ls->eq = snx_calloc((size_t)m->n_eqs * 2 + 1, sizeof *ls->eq);
    ls->A = snx_calloc((size_t)m->n_eqs * (size_t)m->n_eqs + 1, sizeof *ls->A);
    if (!ls->eq || !ls->A)
        return SNX_ENOMEM;
    ls->var = ls->eq + m->n_eqs;
    for (int v = 0; v < m->n_vars; v++)
        if (sim_eq_stepped(&m->eqs[m->var_eq[v]])) {
            ls->eq[ls->n] = m->var_eq[v];
            ls->var[ls->n++] = v;
        }
    int rc = 0;
    for (int i = 0; i < ls->n && !rc; i++) {
        const sim_eq *eq = &m->eqs[ls->eq[i]];
        const char *v = sim_model_varying(m, eq->expr);
        if (v)
            return not_linear(m, eq, "it uses %s, which changes within a step", v);
        for (int j = 0; j < ls->n && !rc; j++)
            rc = coefficient(ls, sc, i, j, &ls->A[i * ls->n + j]);
    }
    return rc;
}

bool sim_exact_qualifies(const sim_model *m, const sim_scope *sc)
{
    linsys ls;
    bool ok = linear_system(m, sc, &ls) == 0 && ls.n > 0;
    linsys_free(&ls);
    return ok;
}

bool sim_uncoupled_linear(const sim_model *m)
{
    int n = 0;
    for (int v = 0; v < m->n_vars; v++) {
        const sim_eq *eq = &m->eqs[m->var_eq[v]];
        if (!sim_eq_stepped(eq))
            continue;
        sim_ast *coef;
        if (sim_model_varying(m, eq->expr) ||
            sim_model_coefficient(m, eq->expr, eq->name, &coef))
            return false;
        for (int w = 0; w < m->n_vars; w++) {
            const sim_eq *other = &m->eqs[m->var_eq[w]];
            if (!sim_eq_stepped(other))
                continue;
            if ((w != v && sim_model_depends(m, eq->expr, other->name)) ||
                (coef && sim_model_depends(m, coef, other->name)))
                return false;
        }
        n++;
    }
    return n > 0;
}

/* e^X of the m x m matrix X (row-major) into out, in long double: Taylor's series of
 * X/2^s with ||X/2^s|| <= 1/2, then s squarings. GSL's gsl_linalg_exponential_ss was
 * the first choice, but its result is off by several units in the last place, and a
 * propagator's error adds up step after step: tests/test_sim_exact.c's cascade was off
 * by 7.7e-13 relative after 1000 steps with it, by 6e-15 with the extra bits of long
 * double here (x86: 64-bit mantissa), which round P and M to within about an ulp. */
/* out = a*b/div for m x m matrices; returns the largest magnitude in out. */
static long double mat_mul(const long double *a, const long double *b, long double *out,
                           size_t m, long double div)
{
    long double biggest = 0;
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < m; j++) {
            long double v = 0;
            for (size_t l = 0; l < m; l++)
                v += a[i * m + l] * b[l * m + j];
            out[i * m + j] = v / div;
            biggest = fabsl(v / div) > biggest ? fabsl(v / div) : biggest;
        }
    return biggest;
}

static int matrix_exp(const double *X, size_t m, double *out)
{
    long double *t = snx_calloc(4 * m * m, sizeof *t);
    if (!t)
        return SNX_ENOMEM;
    long double *sum = t, *term = t + m * m, *next = t + 2 * m * m, *x = t + 3 * m * m;
    long double norm = 0;
    for (size_t i = 0; i < m; i++) {
        long double row = 0;
        for (size_t j = 0; j < m; j++)
            row += fabsl((long double)X[i * m + j]);
        norm = row > norm ? row : norm;
    }
    int s = 0;
    for (; norm > 0.5L && s < 2000; s++)
        norm /= 2;
    for (size_t k = 0; k < m * m; k++)
        x[k] = ldexpl((long double)X[k], -s);
    for (size_t i = 0; i < m; i++)
        sum[i * m + i] = term[i * m + i] = 1;
    /* Terms fall at least by half each time: 2^-64 of the first is reached in 64. */
    for (int k = 1; k <= 64; k++) {
        long double biggest = mat_mul(term, x, next, m, k);
        memcpy(term, next, m * m * sizeof *term);
        for (size_t q = 0; q < m * m; q++)
            sum[q] += term[q];
        if (biggest < 1e-22L)
            break;
    }
    for (; s > 0; s--) {
        mat_mul(sum, sum, next, m, 1);
        memcpy(sum, next, m * m * sizeof *sum);
    }
    for (size_t q = 0; q < m * m; q++)
        out[q] = (double)sum[q];
    free(t);
    return 0;
}

/* P (n x n) and M (n x n) of the system, with the rows where `zero` is set emptied
 * (held variables of a refractory neuron; zero may be NULL). */
static int propagator(const linsys *ls, double dt, const bool *zero, double *P, double *M)
{
    const size_t n = (size_t)ls->n, m = 2 * n;
    double *E = snx_calloc(2 * m * m, sizeof *E), *X = E ? E + m * m : NULL;
    if (!E)
        return SNX_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        if (zero && zero[i])
            continue;
        for (size_t j = 0; j < n; j++)
            E[i * m + j] = ls->A[i * n + j] * dt;
        E[i * m + n + i] = dt;
    }
    int rc = matrix_exp(E, m, X);
    for (size_t i = 0; i < n && !rc; i++)
        for (size_t j = 0; j < n; j++) {
            P[i * n + j] = X[i * m + j];
            M[i * n + j] = X[i * m + n + j];
            if (!isfinite(P[i * n + j]) || !isfinite(M[i * n + j]))
                rc = snx_error(SNX_ENUMERIC, "method \"exact\": the propagator over one step "
                               "is not finite (coefficients too large for dt = %g s)", dt);
        }
    free(E);
    return rc;
}

/* acc (+)= v * k, starting acc on the first term. */
static int add_term(sim_compiler *c, sim_opnd *acc, bool *started, unsigned v, double k)
{
    if (k == 0)
        return 0;
    if (*started)
        return sim_emit(c, SIM_OP_MULADD_VSV, acc->v, v, sim_const(c, k).v, acc->v);
    *started = true;
    return sim_temp(c, acc) ? snx_errcode()
                            : sim_emit(c, SIM_OP_MUL_VS, acc->v, v, sim_const(c, k).v, 0);
}

/* Row i of P x + M b into a new register: b[j] is a vector operand or a constant. */
static int row_value(sim_compiler *c, const linsys *ls, const double *P, const double *M,
                     const sim_opnd *b, int i, sim_opnd *out)
{
    const int n = ls->n;
    bool started = false;
    double constant = 0;
    int rc = 0;
    for (int j = 0; j < n && !rc; j++)
        rc = add_term(c, out, &started, sim_opnd_array(c, ls->var[j]).v, P[i * n + j]);
    for (int j = 0; j < n && !rc; j++) {
        if (b[j].kind == SIM_OPND_SCAL)
            constant += M[i * n + j] * b[j].value;
        else
            rc = add_term(c, out, &started, b[j].v, M[i * n + j]);
    }
    if (rc || (started && constant == 0))
        return rc;
    if (!started)
        return sim_temp(c, out) ? snx_errcode()
                                : sim_emit(c, SIM_OP_MOV_S, out->v, 0, sim_const(c, constant).v, 0);
    return sim_emit(c, SIM_OP_ADD_VS, out->v, out->v, sim_const(c, constant).v, 0);
}

/* b: every equation with the state variables bound to 0; constants stay scalars. */
static int inhomogeneous(sim_compiler *c, const linsys *ls, sim_opnd *b)
{
    const sim_model *m = ls->m;
    int rc = 0;
    for (int j = 0; j < ls->n && !rc; j++)
        rc = sim_compiler_bind(c, m->eqs[ls->eq[j]].name, sim_const(c, 0));
    for (int j = 0; j < ls->n && !rc; j++) {
        rc = sim_compile_expr(c, m->eqs[ls->eq[j]].expr, &b[j]);
        if (!rc && b[j].kind == SIM_OPND_SCAL && !b[j].is_const)
            rc = snx_error(SNX_EINVAL, "internal: a varying scalar in exact integration");
        /* A parameter's array is not written in the update; anything else (a cached
         * register) must survive the unbinding below in a register of its own. */
        if (!rc && b[j].kind == SIM_OPND_VEC && !(b[j].v & SIM_ARRAY_BIT))
            rc = sim_to_temp(c, &b[j]);
    }
    sim_compiler_unbind_all(c);
    return rc;
}

static bool rows_differ(const linsys *ls, const double *P, const double *M, const double *P2,
                        const double *M2, int i)
{
    size_t row = (size_t)i * (size_t)ls->n, bytes = (size_t)ls->n * sizeof *P;
    return memcmp(P + row, P2 + row, bytes) || memcmp(M + row, M2 + row, bytes);
}

/* Emits the update; held: per variable, whether it is held (NULL: nothing is). */
static int emit(sim_compiler *c, const linsys *ls, double dt, const bool *held, int until)
{
    const size_t n = (size_t)ls->n;
    double *mat = snx_calloc(4 * n * n, sizeof *mat);
    sim_opnd *ops = snx_calloc(3 * n, sizeof *ops);
    bool *both = snx_calloc(n, sizeof *both);
    if (!mat || !ops || !both) {
        free(mat), free(ops), free(both);
        return SNX_ENOMEM;
    }
    double *P = mat, *M = mat + n * n, *Pr = mat + 2 * n * n, *Mr = mat + 3 * n * n;
    sim_opnd *b = ops, *xn = ops + n, *xr = ops + 2 * n;
    int rc = propagator(ls, dt, NULL, P, M);
    if (!rc && held)
        rc = propagator(ls, dt, held, Pr, Mr);
    rc = rc ? rc : inhomogeneous(c, ls, b);
    for (int i = 0; i < ls->n && !rc; i++) {
        both[i] = held && !held[i] && rows_differ(ls, P, M, Pr, Mr, i);
        rc = row_value(c, ls, P, M, b, i, &xn[i]);
        if (!rc && both[i])
            rc = row_value(c, ls, Pr, Mr, b, i, &xr[i]);
    }
    unsigned e = sim_opnd_array(c, until >= 0 ? until : 0).v;
    for (int i = 0; i < ls->n && !rc; i++) { /* every new value is known: write them */
        unsigned x = sim_opnd_array(c, ls->var[i]).v;
        if (both[i])
            sim_emit(c, SIM_OP_MOV_V, x, xr[i].v, 0, 0);
        if (both[i] || (held && held[i]))
            rc = sim_emit_e(c, SIM_OP_MOV_HELD, x, xn[i].v, 0, 0, e);
        else
            rc = sim_emit(c, SIM_OP_MOV_V, x, xn[i].v, 0, 0);
        sim_release(c, xn[i]);
        if (both[i])
            sim_release(c, xr[i]);
        sim_compiler_invalidate(c, ls->var[i]);
    }
    for (size_t j = 0; j < n; j++)
        sim_release(c, b[j]);
    free(mat), free(ops), free(both);
    return rc;
}

int sim_exact(sim_compiler *c, const sim_model *m, double dt, int until)
{
    linsys ls;
    int rc = linear_system(m, sim_compiler_scope(c), &ls);
    bool *held = NULL;
    if (!rc && until >= 0) {
        if (!(held = snx_calloc((size_t)ls.n + 1, sizeof *held)))
            rc = SNX_ENOMEM;
        bool any = false;
        for (int i = 0; !rc && i < ls.n; i++)
            any |= held[i] = (m->eqs[ls.eq[i]].flags & SIM_EQ_UNLESS_REFRACTORY) != 0;
        if (!any) {
            free(held);
            held = NULL;
        }
    }
    if (!rc && ls.n > 0)
        rc = emit(c, &ls, dt, held, until);
    free(held);
    linsys_free(&ls);
    return rc;
}
