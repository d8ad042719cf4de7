/* sim/scope.h: what names mean in a piece of code. Internal header.
 *
 * A scope is built by the owner of some code (a group's update, a reset, a synapses
 * object's on_pre, a monitor ...). It maps names to symbols that say where a value
 * lives at run time: a constant, a runtime scalar (t), an array read at the block's
 * position or through an index list, an index (i, j), or a subexpression to expand.
 * Names not in the table fall through to white noise (where the scope allows it), the
 * namespaces, unit names and the built-in constants pi, e, inf, True, False:
 * sim_scope_lookup searches them all, in that order. */
#ifndef SIM_SCOPE_H
#define SIM_SCOPE_H

#include <stdbool.h>

#include "expr.h"
#include "snex/map.h"
#include "snex/sim.h"

enum sim_sym_kind {
    SIM_SYM_CONST,   /* value known now */
    SIM_SYM_SCALAR,  /* a runtime scalar slot (program.h: SIM_RT_*) */
    SIM_SYM_ARRAY,   /* a double array of the program's array table */
    SIM_SYM_INDEX,   /* an integer position as a double */
    SIM_SYM_SUBEXPR, /* expands to its defining expression */
    SIM_SYM_NOISE,   /* white noise xi, xi_<suffix> (dimension s^-1/2; integrator.c) */
    SIM_SYM_HIDDEN,  /* not defined here, and hides what later levels would find (N,
                        the unit newton, in synaptic code): lookup fails */
};

#define SIM_DIRECT (-1) /* access: the array's element at the block's own position */

typedef struct sim_sym {
    int kind;
    snx_dim dim;
    double value;         /* CONST */
    int slot;             /* SCALAR: runtime slot; ARRAY: array id;
                             INDEX: index list id, or SIM_DIRECT for the position */
    int access;           /* ARRAY: SIM_DIRECT or an index list id */
    double shift;         /* INDEX: added to the integer (e.g. minus a view's start) */
    const sim_ast *expr;  /* SUBEXPR */
    int writable;         /* ARRAY: statements may assign it */
    const char *why_readonly; /* ARRAY, not writable: why, for messages (NULL: "a
                                 constant parameter") */
    int held;             /* ARRAY: an (unless refractory) state variable */
    int shared;           /* ARRAY: one value (element 0) for every neuron, read as a
                             scalar; SUBEXPR: depends on shared values only */
} sim_sym;

typedef struct sim_scope {
    snx_map *syms;              /* name -> sim_sym* (owned) */
    const snx_namespace *ns[2]; /* searched in order; NULL skipped */
    const char *what;           /* who owns the code, for messages ("group \"e\"") */
    bool shared_code;           /* statements run once, not per element: they may assign
                                   shared variables (from shared values only) */
    bool noise;                 /* xi and xi_<suffix> are white noise (only in a group's
                                   differential equations) */
} sim_scope;

/* Whether name is a white-noise name: "xi" or "xi_" followed by more. */
bool sim_is_noise_name(const char *name);

int sim_scope_init(sim_scope *sc, const char *what, const snx_namespace *ns0,
                   const snx_namespace *ns1);
void sim_scope_clear(sim_scope *sc);
int sim_scope_add(sim_scope *sc, const char *name, sim_sym sym);
/* 0 and *out, or SNX_ENOTFOUND without a message. */
int sim_scope_lookup(const sim_scope *sc, const char *name, sim_sym *out);
/* Sets SNX_ENOTFOUND: "unknown name \"x\" at line L, column C of <label> ...; did you
 * mean "y", "z"?" listing close matches among everything the scope can see. */
int sim_scope_unknown(const sim_scope *sc, const sim_src *src, const char *name, int offset);
/* Writes up to 3 close matches to `name` from the scope into buf ("" when none). */
void sim_scope_suggest(const sim_scope *sc, const char *name, char *buf, size_t size);

#endif
