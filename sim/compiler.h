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
#ifndef SNX_SIM_COMPILER_H
#define SNX_SIM_COMPILER_H

#include "analyze.h"
#include "program.h"

enum { SNX_OPND_VEC, SNX_OPND_SCAL };

typedef struct snx_opnd {
    int kind;     /* SNX_OPND_VEC or SNX_OPND_SCAL */
    unsigned v;   /* vector encoding (register or array) or scalar slot */
    int temp;     /* a register this operand owns: released once consumed */
    int is_const; /* SCAL: a compile-time constant */
    double value;
} snx_opnd;

typedef struct snx_compiler snx_compiler;

snx_compiler *snx_compiler_new(const snx_scope *sc);
void snx_compiler_free(snx_compiler *c);
/* Hands over the finished program (the compiler can then only be freed). */
snx_program *snx_compiler_finish(snx_compiler *c);

/* Compiles an analysed expression. The result may be a scalar. */
int snx_compile_expr(snx_compiler *c, const snx_ast *e, snx_opnd *out);
/* Compiles an analysed statement whose target is a writable array of the scope. */
int snx_compile_stmt(snx_compiler *c, const snx_stmt *st);

/* Parses, checks and compiles the single assignment "target = expr" (expr is user
 * text; label names it in messages) into a program of its own. */
int snx_compile_assignment(const snx_scope *sc, const char *target, const char *expr,
                           const char *label, snx_program **out);

/* Names bound to operands take precedence over the scope (Runge-Kutta stages bind the
 * state variables to intermediate registers). Rebinding forgets cached subexpressions. */
int snx_compiler_bind(snx_compiler *c, const char *name, snx_opnd value);
void snx_compiler_unbind_all(snx_compiler *c);
/* Forgets cached values that may depend on array `id` (-1: everything). */
void snx_compiler_invalidate(snx_compiler *c, int array_id);

/* The scope the compiler resolves names in. */
const snx_scope *snx_compiler_scope(const snx_compiler *c);

/* An expression compiled up to, but not including, its last operation, so that the
 * caller can fuse that operation into its own (the Euler updates do): the value is
 *   SNX_PENDING_VALUE   y
 *   SNX_PENDING_SCALED  y * s
 *   SNX_PENDING_MULADD  y * s + a
 * with y and a vector operands the caller releases, s a constant. */
enum { SNX_PENDING_VALUE, SNX_PENDING_SCALED, SNX_PENDING_MULADD };
typedef struct snx_pending {
    int kind;
    snx_opnd y, a;
    double s;
} snx_pending;
int snx_compile_pending(snx_compiler *c, const snx_ast *e, snx_pending *out);

/* Low-level emitters (snx_emit: field e = 0). */
int snx_emit(snx_compiler *c, int op, unsigned d, unsigned a, unsigned b, unsigned cc);
int snx_emit_e(snx_compiler *c, int op, unsigned d, unsigned a, unsigned b, unsigned cc,
               unsigned e);
snx_opnd snx_const(snx_compiler *c, double value);
snx_opnd snx_opnd_array(snx_compiler *c, int array_id);
int snx_temp(snx_compiler *c, snx_opnd *out);
void snx_release(snx_compiler *c, snx_opnd o);
/* Makes o a vector operand (broadcasting a scalar into a new temporary). */
int snx_to_vec(snx_compiler *c, snx_opnd *o);
/* Makes o a register the caller owns (copying a cached register or an array). */
int snx_to_temp(snx_compiler *c, snx_opnd *o);

#endif
