/* sim/compiler.h: analysed syntax trees -> block programs (program.h). Internal.
 *
 * The compiler keeps the values it has already computed in the program being built:
 * a subexpression is evaluated once and its register reused until something it may
 * depend on is written; an array read through an index list is gathered once until
 * that array is written. Scratch registers are allocated and released like a stack of
 * temporaries, so a program needs few of them.
 *
 * Besides whole expressions and statements, the integrators (integrator.c) use the
 * low-level emitters below to write their update rules, and bind state-variable names
 * to intermediate registers for Runge-Kutta stages. */
#ifndef SIM_COMPILER_H
#define SIM_COMPILER_H

#include "analyze.h"
#include "program.h"

enum { SIM_OPND_VEC, SIM_OPND_SCAL };

typedef struct sim_opnd {
    int kind;     /* SIM_OPND_VEC or SIM_OPND_SCAL */
    unsigned v;   /* vector encoding (register or array) or scalar slot */
    int temp;     /* a register this operand owns: released once consumed */
    int is_const; /* SCAL: a compile-time constant */
    double value;
} sim_opnd;

typedef struct sim_compiler sim_compiler;

sim_compiler *sim_compiler_new(const sim_scope *sc);
void sim_compiler_free(sim_compiler *c);
/* Hands over the finished program (the compiler can then only be freed). */
sim_program *sim_compiler_finish(sim_compiler *c);

/* Compiles an analysed expression. The result may be a scalar. */
int sim_compile_expr(sim_compiler *c, const sim_ast *e, sim_opnd *out);
/* Compiles an analysed statement whose target is a writable array of the scope. */
int sim_compile_stmt(sim_compiler *c, const sim_stmt *st);

/* Parses, checks and compiles the single assignment "target = expr" (expr is user
 * text; label names it in messages) into a program of its own. */
int sim_compile_assignment(const sim_scope *sc, const char *target, const char *expr,
                           const char *label, sim_program **out);

/* Names bound to operands take precedence over the scope (Runge-Kutta stages bind the
 * state variables to intermediate registers). Rebinding forgets cached subexpressions. */
int sim_compiler_bind(sim_compiler *c, const char *name, sim_opnd value);
void sim_compiler_unbind_all(sim_compiler *c);
/* Forgets cached values that may depend on array `id` (-1: everything). */
void sim_compiler_invalidate(sim_compiler *c, int array_id);

/* The scope the compiler resolves names in. */
const sim_scope *sim_compiler_scope(const sim_compiler *c);

/* An expression compiled up to, but not including, its last operation, so that the
 * caller can fuse that operation into its own (the Euler updates do): the value is
 *   SIM_PENDING_VALUE   y
 *   SIM_PENDING_SCALED  y * s
 *   SIM_PENDING_MULADD  y * s + a
 * with y and a vector operands the caller releases, s a constant. */
enum { SIM_PENDING_VALUE, SIM_PENDING_SCALED, SIM_PENDING_MULADD };
typedef struct sim_pending {
    int kind;
    sim_opnd y, a;
    double s;
} sim_pending;
int sim_compile_pending(sim_compiler *c, const sim_ast *e, sim_pending *out);

/* Low-level emitters (sim_emit: field e = 0). */
int sim_emit(sim_compiler *c, int op, unsigned d, unsigned a, unsigned b, unsigned cc);
int sim_emit_e(sim_compiler *c, int op, unsigned d, unsigned a, unsigned b, unsigned cc,
               unsigned e);
sim_opnd sim_const(sim_compiler *c, double value);
sim_opnd sim_opnd_array(sim_compiler *c, int array_id);
int sim_temp(sim_compiler *c, sim_opnd *out);
void sim_release(sim_compiler *c, sim_opnd o);
/* A new temporary of random numbers: fn SIM_FN_RAND (uniform [0, 1), scale unused) or
 * SIM_FN_RANDN (scale times a standard normal); marks the program as using the stream. */
int sim_emit_random(sim_compiler *c, int fn, double scale, sim_opnd *out);
/* Makes o a vector operand (broadcasting a scalar into a new temporary). */
int sim_to_vec(sim_compiler *c, sim_opnd *o);
/* Makes o a register the caller owns (copying a cached register or an array). */
int sim_to_temp(sim_compiler *c, sim_opnd *o);

#endif
