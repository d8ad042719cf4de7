/* sim/equations.h: a parsed and checked set of equations (a model), and the state
 * update the integrators make of it. Internal header.
 *
 * The model knows its variables (differential equations and parameters, each one
 * array) and its subexpressions. It can enter them into a scope, with whatever access
 * the caller's code needs (direct for a group's update, through an index list for a
 * reset or a monitor), and check every equation's dimensions in that scope. */
#ifndef SIM_EQUATIONS_H
#define SIM_EQUATIONS_H

#include <stdbool.h>

#include "analyze.h"
#include "compiler.h"

typedef struct sim_model {
    sim_src *src;
    sim_eq *eqs;
    int n_eqs;
    int n_vars;   /* variables (differential + parameters), in equation order */
    int *var_eq;  /* variable k -> its equation */
} sim_model;

/* Parses equations (NULL or "" is an empty model), rejects reserved names, cyclic
 * subexpressions and (shared) variables, which only neuron groups support
 * (sim_model_parse_neurons). */
int sim_model_parse(sim_model *m, const char *text, const char *label);
int sim_model_parse_neurons(sim_model *m, const char *text, const char *label);
void sim_model_free(sim_model *m);
/* SNX_EINVAL naming the first equation that carries one of `flags` and why it may not
 * ("only synapse models have it"); 0 when none does. */
int sim_model_refuse(const sim_model *m, unsigned flags, const char *why);
/* Whether the integrators advance eq every step: a differential equation that is not
 * event-driven (synapses advance those lazily, synapses_model.c). */
static inline int sim_eq_stepped(const sim_eq *eq)
{
    return eq->kind == SIM_EQ_DIFF && !(eq->flags & SIM_EQ_EVENT_DRIVEN);
}
/* Equation index of a name, or -1. */
int sim_model_find(const sim_model *m, const char *name);
/* Variable index (array id) of a name, or -1 (subexpressions are not variables). */
int sim_model_var(const sim_model *m, const char *name);
const sim_eq *sim_model_var_eq(const sim_model *m, int var);

/* Adds the variables (array ids array_base + k, accessed with `access`; shared ones
 * are one-element arrays) and, with `subexprs`, the subexpressions to sc, each name as
 * name + suffix ("" or "_post").
 * Variables are writable unless flagged (constant) and `respect_constant` is set. */
int sim_model_enter(const sim_model *m, sim_scope *sc, int array_base, int access,
                    const char *suffix, int respect_constant, int subexprs);
/* Analyses every right-hand side in sc and checks its dimension against the
 * declaration: dX/dt has X's dimension per second, X = e has X's dimension; a shared
 * subexpression must have one value for all neurons. */
int sim_model_check(sim_model *m, const sim_scope *sc);

/* Whether e depends on the name x, directly or through subexpressions (linear.c). */
bool sim_model_depends(const sim_model *m, const sim_ast *e, const char *x);
/* The coefficient B of x in e = A + B*x with A and B free of x, as a new tree (NULL
 * when B is 0); SNX_EINVAL without a message when e is not of that form, SNX_ENOMEM.
 * Recognises sums, differences, negation, products with one factor free of x, and
 * quotients by an expression free of x, through subexpressions (linear.c). */
int sim_model_coefficient(const sim_model *m, const sim_ast *e, const char *x, sim_ast **coef);

/* White noise of the differential equations (noise.c): the distinct names, in order of
 * first appearance (strings of the model's trees), and, once bound, their registers. */
typedef struct sim_noise {
    const char **names;
    int n, cap;
    int first_eq;      /* the first equation with noise, or -1 */
    sim_opnd *regs;    /* sim_noise_bind: N(0, 1)/sqrt(dt) per name, this block */
    int n_bound;
} sim_noise;
/* Finds the noise names and checks that each enters its equations linearly and
 * additively (SNX_EINVAL naming the equation otherwise). Free with sim_noise_free. */
int sim_noise_find(const sim_model *m, sim_noise *nz);
/* Emits one scaled RANDN per name and binds the name to it (noise.c says why). */
int sim_noise_bind(sim_compiler *c, sim_noise *nz, double dt);
/* Unbinds (c may be NULL when nothing was bound) and frees. */
void sim_noise_free(sim_compiler *c, sim_noise *nz);

/* Integration methods; SIM_AUTO (no method given) becomes exact or euler once the
 * equations can be analysed (sim_method_resolve). */
enum sim_method { SIM_EULER, SIM_RK2, SIM_RK4, SIM_EXP_EULER, SIM_EXACT, SIM_AUTO };
int sim_method_parse(const char *name, int *method);
/* The method to use: `method` itself unless SIM_AUTO, which becomes SIM_EXACT when the
 * differential equations qualify (exact.c) and SIM_EULER otherwise (also with noise,
 * which Euler integrates as Euler-Maruyama). sc: the scope of the state update. */
int sim_method_resolve(const sim_model *m, const sim_scope *sc, int method);
/* The first name in e (or the subexpressions it uses) whose value changes within a
 * step: t, rand(), randn(), white noise; NULL when there is none (exact.c). */
const char *sim_model_varying(const sim_model *m, const sim_ast *e);
/* Whether every differential equation is dX/dt = A + B*X with A and B free of every
 * state variable and of what changes within a step, but not necessarily constants
 * (per-neuron parameters): then each variable follows its own exponential, and
 * exponential Euler is that exact solution (exact.c). */
bool sim_uncoupled_linear(const sim_model *m);
/* Whether the differential equations are a linear system that exact integration
 * handles (exact.c says what qualifies). */
bool sim_exact_qualifies(const sim_model *m, const sim_scope *sc);
/* Emits the exact update (SNX_EINVAL naming the equation when the system does not
 * qualify); `until` as for sim_integrate (exact.c). */
int sim_exact(sim_compiler *c, const sim_model *m, double dt, int until);
/* The method's name as sim_method_parse reads it. */
const char *sim_method_name(int method);

/* Emits the state update of every differential equation for one block: variables are
 * the direct arrays of the model in the compiler's scope, dt the time step. `until` is
 * the array id of the refractory `until` array (variables flagged unless refractory are
 * held where step < until), or -1 when nothing is held. Implemented in integrator.c. */
int sim_integrate(sim_compiler *c, const sim_model *m, int method, double dt, int until);

#endif
