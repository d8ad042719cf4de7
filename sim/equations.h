/* sim/equations.h: a parsed and checked set of equations (a model), and the state
 * update the integrators make of it. Internal header.
 *
 * The model knows its variables (differential equations and parameters, each one
 * array) and its subexpressions. It can enter them into a scope, with whatever access
 * the caller's code needs (direct for a group's update, through an index list for a
 * reset or a monitor), and check every equation's dimensions in that scope. */
#ifndef SIM_EQUATIONS_H
#define SIM_EQUATIONS_H

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

/* Integration methods. */
enum sim_method { SIM_EULER, SIM_RK2, SIM_RK4, SIM_EXP_EULER };
int sim_method_parse(const char *name, int *method);

/* Emits the state update of every differential equation for one block: variables are
 * the direct arrays of the model in the compiler's scope, dt the time step. `until` is
 * the array id of the refractory `until` array (variables flagged unless refractory are
 * held where step < until), or -1 when nothing is held. Implemented in integrator.c. */
int sim_integrate(sim_compiler *c, const sim_model *m, int method, double dt, int until);

#endif
