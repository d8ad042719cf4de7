/* sim/analyze.h: what trees mean (dimensions, constant values), given a scope
 * (scope.h) that says what their names mean. Internal header. */
#ifndef SIM_ANALYZE_H
#define SIM_ANALYZE_H

#include "expr.h"
#include "scope.h"

/* Resolves every name, computes every node's dimension and folds constant subtrees.
 * Errors: SNX_ENOTFOUND (unknown name, with suggestions), SNX_EDIM (naming the
 * operation, both terms and their dimensions). */
int sim_analyze(sim_ast *e, const sim_scope *sc);

/* Checks a statement: the target is a writable variable of the scope, the value has
 * its dimension (dimensionless for *= and /=). Analyses the value. */
int sim_analyze_stmt(sim_stmt *st, const sim_src *src, const sim_scope *sc);

/* Whether analysed e has one value for all elements (neurons): every name it reads is
 * a constant, a runtime scalar (t), a shared variable or a subexpression of such, and
 * it draws no random numbers unless allow_random. If not, *offender is the first node
 * that varies (a name, or the call of rand()). */
bool sim_expr_is_shared(const sim_ast *e, const sim_scope *sc, bool allow_random,
                        const sim_ast **offender);

/* Formats "<label>, line L" for node e, for the start of messages. */
void sim_ast_where(const sim_ast *e, char *buf, size_t size);

#endif
