/* sim/analyze.h: what names mean (scopes of symbols) and what trees mean (dimensions,
 * constant values). Internal header.
 *
 * A scope is built by the owner of some code (a group's update, a reset, a synapses
 * object's on_pre, a monitor ...). It maps names to symbols that say where a value
 * lives at run time: a constant, a runtime scalar (t), an array read at the block's
 * position or through an index list, an index (i, j), or a subexpression to expand.
 * Names not in the table fall through to the namespaces, unit names and the built-in
 * constants pi, e, inf, True, False. */
#ifndef SNX_SIM_ANALYZE_H
#define SNX_SIM_ANALYZE_H

#include "expr.h"
#include "snex/map.h"
#include "snex/sim.h"

enum snx_sym_kind {
    SNX_SYM_CONST,   /* value known now */
    SNX_SYM_SCALAR,  /* a runtime scalar slot (program.h: SNX_RT_*) */
    SNX_SYM_ARRAY,   /* a double array of the program's array table */
    SNX_SYM_INDEX,   /* an integer position as a double */
    SNX_SYM_SUBEXPR, /* expands to its defining expression */
};

#define SNX_DIRECT (-1) /* access: the array's element at the block's own position */

typedef struct snx_sym {
    int kind;
    snx_dim dim;
    double value;         /* CONST */
    int slot;             /* SCALAR: runtime slot; ARRAY: array id;
                             INDEX: index list id, or SNX_DIRECT for the position */
    int access;           /* ARRAY: SNX_DIRECT or an index list id */
    double shift;         /* INDEX: added to the integer (e.g. minus a view's start) */
    const snx_ast *expr;  /* SUBEXPR */
    int writable;         /* ARRAY: statements may assign it */
    int held;             /* ARRAY: an (unless refractory) state variable */
} snx_sym;

typedef struct snx_scope {
    snx_map *syms;              /* name -> snx_sym* (owned) */
    const snx_namespace *ns[2]; /* searched in order; NULL skipped */
    const char *what;           /* who owns the code, for messages ("group \"e\"") */
} snx_scope;

int snx_scope_init(snx_scope *sc, const char *what, const snx_namespace *ns0,
                   const snx_namespace *ns1);
void snx_scope_clear(snx_scope *sc);
int snx_scope_add(snx_scope *sc, const char *name, snx_sym sym);
/* 0 and *out, or SNX_ENOTFOUND without a message. */
int snx_scope_lookup(const snx_scope *sc, const char *name, snx_sym *out);
/* Sets SNX_ENOTFOUND: "unknown name \"x\" at line L, column C of <label> ...; did you
 * mean "y", "z"?" listing close matches among everything the scope can see. */
int snx_scope_unknown(const snx_scope *sc, const snx_src *src, const char *name, int offset);
/* Writes up to 3 close matches to `name` from the scope into buf ("" when none). */
void snx_scope_suggest(const snx_scope *sc, const char *name, char *buf, size_t size);

/* Resolves every name, computes every node's dimension and folds constant subtrees.
 * Errors: SNX_ENOTFOUND (unknown name, with suggestions), SNX_EDIM (naming the
 * operation, both terms and their dimensions). */
int snx_analyze(snx_ast *e, const snx_scope *sc);

/* Checks a statement: the target is a writable variable of the scope, the value has
 * its dimension (dimensionless for *= and /=). Analyses the value. */
int snx_analyze_stmt(snx_stmt *st, const snx_src *src, const snx_scope *sc);

/* Formats "<label>, line L" for node e, for the start of messages. */
void snx_ast_where(const snx_ast *e, char *buf, size_t size);

#endif
