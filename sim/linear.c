/* Linear forms: whether an expression depends on a name (through the model's
 * subexpressions too) and the coefficient of a name it is linear in. Exponential Euler
 * (one variable's own coefficient), white noise (xi's coefficient: additive or
 * multiplicative) and exact integration (the matrix of a linear system) are built on
 * these two questions. The coefficient is a new tree of the model's source, made of the
 * expression's own nodes: it needs analysing before it is compiled or folded. */
#include "equations.h"

#include <string.h>

#include "snex/error.h"

bool sim_model_depends(const sim_model *m, const sim_ast *e, const char *x)
{
    if (e->kind == SIM_AST_NAME) {
        if (!strcmp(e->name, x))
            return true;
        int k = sim_model_find(m, e->name);
        return k >= 0 && m->eqs[k].kind == SIM_EQ_SUBEXPR && sim_model_depends(m, m->eqs[k].expr, x);
    }
    for (int a = 0; a < e->n_args; a++)
        if (sim_model_depends(m, e->args[a], x))
            return true;
    return false;
}

int sim_model_coefficient(const sim_model *m, const sim_ast *e, const char *x, sim_ast **coef)
{
    *coef = NULL;
    if (!sim_model_depends(m, e, x))
        return 0;
    sim_src *src = m->src;
    if (e->kind == SIM_AST_NAME) {
        int k = sim_model_find(m, e->name);
        if (strcmp(e->name, x) != 0) /* a subexpression that depends on x */
            return sim_model_coefficient(m, m->eqs[k].expr, x, coef);
        *coef = sim_ast_num(src, 1.0, e->start, e->end);
        return *coef ? 0 : SNX_ENOMEM;
    }
    sim_ast *ca = NULL, *cb = NULL, *a = e->args[0], *b = e->args[1];
    int rc = 0;
    switch (e->fn) {
    case SIM_FN_ADD:
    case SIM_FN_SUB:
        if ((rc = sim_model_coefficient(m, a, x, &ca)) || (rc = sim_model_coefficient(m, b, x, &cb)))
            return rc;
        if (!cb)
            *coef = ca;
        else if (!ca)
            *coef = e->fn == SIM_FN_ADD ? cb : sim_ast_op(src, SIM_FN_NEG, cb, 0, 0, e->start, e->end);
        else
            *coef = sim_ast_op(src, e->fn, ca, cb, NULL, e->start, e->end);
        return *coef ? 0 : SNX_ENOMEM;
    case SIM_FN_NEG:
        if ((rc = sim_model_coefficient(m, a, x, &ca)))
            return rc;
        *coef = sim_ast_op(src, SIM_FN_NEG, ca, NULL, NULL, e->start, e->end);
        return *coef ? 0 : SNX_ENOMEM;
    case SIM_FN_MUL:
        if (sim_model_depends(m, a, x) && sim_model_depends(m, b, x))
            break;
        if ((rc = sim_model_coefficient(m, sim_model_depends(m, a, x) ? a : b, x, &ca)))
            return rc;
        *coef = sim_ast_op(src, SIM_FN_MUL, sim_model_depends(m, a, x) ? b : a, ca, NULL, e->start,
                           e->end);
        return *coef ? 0 : SNX_ENOMEM;
    case SIM_FN_DIV:
        if (sim_model_depends(m, b, x) || (rc = sim_model_coefficient(m, a, x, &ca)))
            break;
        *coef = sim_ast_op(src, SIM_FN_DIV, ca, b, NULL, e->start, e->end);
        return *coef ? 0 : SNX_ENOMEM;
    default:
        break;
    }
    return rc ? rc : SNX_EINVAL;
}
