/* sim/expr.h: the syntax of the equation language. Internal header.
 *
 * A source (sim_src) is one user string (equations, a threshold, a reset, on_pre code,
 * a condition) together with every syntax-tree node made from it: nodes live exactly as
 * long as their source, so there is no per-node ownership to get wrong. The lexer
 * (lexer.c) turns the text into tokens with line and column; the parser (parser.c)
 * builds trees for expressions, statement lists and equation sets. Names are not
 * resolved here: that is analyze.c's job. */
#ifndef SIM_EXPR_H
#define SIM_EXPR_H

#include <stddef.h>

#include "dims.h"
#include "snex/units.h"

typedef struct sim_ast sim_ast;

typedef struct sim_src {
    char *text;        /* private copy of the user's string */
    const char *label; /* what the string is, for messages ("equations", "reset", ...) */
    sim_ast **nodes;   /* every node made from this source */
    size_t n_nodes, cap_nodes;
} sim_src;

sim_src *sim_src_new(const char *text, const char *label);
void sim_src_free(sim_src *src);

/* Line and column (1-based) of a byte offset, and the text of that line. */
void sim_src_position(const sim_src *src, int offset, int *line, int *col);
void sim_src_line_text(const sim_src *src, int offset, const char **start, int *len);
/* Sets an SNX_EPARSE error: "<label>: line L, column C: <what> \"<token>\" in \"<line>\"". */
int sim_src_error(const sim_src *src, int offset, int len, const char *what);

/* ---- tokens ---------------------------------------------------------------------- */

enum sim_tok_kind {
    SIM_TOK_EOF, SIM_TOK_NEWLINE, SIM_TOK_NUMBER, SIM_TOK_NAME,
    SIM_TOK_PLUS, SIM_TOK_MINUS, SIM_TOK_STAR, SIM_TOK_SLASH, SIM_TOK_POW, SIM_TOK_PERCENT,
    SIM_TOK_FLOORDIV,
    SIM_TOK_LPAREN, SIM_TOK_RPAREN, SIM_TOK_COMMA, SIM_TOK_COLON, SIM_TOK_SEMI,
    SIM_TOK_LT, SIM_TOK_LE, SIM_TOK_GT, SIM_TOK_GE, SIM_TOK_EQEQ, SIM_TOK_NE,
    SIM_TOK_ASSIGN, SIM_TOK_ADD_ASSIGN, SIM_TOK_SUB_ASSIGN, SIM_TOK_MUL_ASSIGN,
    SIM_TOK_DIV_ASSIGN,
    SIM_TOK_AND, SIM_TOK_OR, SIM_TOK_NOT, /* keywords */
};

typedef struct sim_token {
    int kind;
    int start, end; /* byte offsets into the source text */
    double number;  /* SIM_TOK_NUMBER */
} sim_token;

/* The lexer: newlines inside parentheses are not tokens (implicit line joining, as in
 * Python); '#' starts a comment that runs to the end of the line. */
typedef struct sim_lexer {
    const sim_src *src;
    int pos;   /* next byte to read */
    int depth; /* parenthesis depth */
    sim_token tok; /* the current token */
} sim_lexer;

void sim_lex_init(sim_lexer *lx, const sim_src *src, int pos);
/* Reads the next token into lx->tok. SNX_EPARSE on a character that starts no token. */
int sim_lex_next(sim_lexer *lx);
const char *sim_tok_describe(int kind);

/* ---- syntax trees ------------------------------------------------------------------ */

enum sim_ast_kind { SIM_AST_NUM, SIM_AST_NAME, SIM_AST_OP };

struct sim_ast {
    int kind;
    int fn;              /* SIM_AST_OP: an SIM_FN_ code (ops.h) */
    int n_args;          /* SIM_AST_OP: 0..3 */
    sim_ast *args[3];
    double value;        /* SIM_AST_NUM; after analysis, the folded value if is_const */
    char *name;          /* SIM_AST_NAME (owned by the node) */
    const sim_src *src;
    int start, end;      /* the node's text: src->text[start..end) */
    int depth;           /* 1 for a leaf, 1 + the deepest argument's for an operation */
    /* Filled by sim_analyze (analyze.c): */
    sim_dim dim;         /* may have half exponents (dims.h) */
    int is_const;        /* value known at compile time (no variables, no rand()) */
    int analyzed;
};

sim_ast *sim_ast_num(sim_src *src, double value, int start, int end);
sim_ast *sim_ast_name(sim_src *src, const char *name, int start, int end);
/* NULL when out of memory, or when an argument the operation needs is NULL (so a
 * tree built of nested calls fails at its root). */
sim_ast *sim_ast_op(sim_src *src, int fn, sim_ast *a, sim_ast *b, sim_ast *c, int start,
                    int end);
/* The node's source text, for messages. */
void sim_ast_text(const sim_ast *e, const char **text, int *len);

/* ---- parsing ----------------------------------------------------------------------- */

/* Limits that keep every recursive walk (parser, analyser, compiler) far from the end
 * of the stack: parentheses, unary operators and powers nest at most SIM_MAX_NESTING
 * deep, and a tree is at most SIM_MAX_DEPTH deep (a sum of 1000 terms is). Deeper
 * input is an SNX_EPARSE error naming the limit. */
#define SIM_MAX_NESTING 200
#define SIM_MAX_DEPTH 1000

/* The whole text is one expression. NULL on error (SNX_EPARSE, with position). */
sim_ast *sim_parse_expr(sim_src *src);

enum sim_assign_op { SIM_SET, SIM_ADD_TO, SIM_SUB_FROM, SIM_MUL_BY, SIM_DIV_BY };

typedef struct sim_stmt {
    char *target;       /* owned */
    int op;             /* sim_assign_op */
    sim_ast *expr;
    int start, end;     /* the statement's text */
    int target_start, target_end;
} sim_stmt;

/* Statements separated by newlines or ';': "V = 0; w += b". */
int sim_parse_stmts(sim_src *src, sim_stmt **out, int *n);
void sim_stmts_free(sim_stmt *stmts, int n);

enum sim_eq_kind { SIM_EQ_DIFF, SIM_EQ_SUBEXPR, SIM_EQ_PARAM };
enum { SIM_EQ_UNLESS_REFRACTORY = 1, SIM_EQ_CONSTANT = 2, SIM_EQ_SHARED = 4 };
/* Flags of synapse models only (a neuron group refuses them): how a synaptic
 * differential equation advances, and subexpressions summed into a pre- or
 * postsynaptic variable. */
enum { SIM_EQ_EVENT_DRIVEN = 16, SIM_EQ_CLOCK_DRIVEN = 32, SIM_EQ_SUMMED = 64 };

typedef struct sim_eq {
    int kind;
    char *name;        /* owned; "V" for dV/dt */
    snx_dim dim;       /* dimension of the variable (not of its derivative) */
    unsigned flags;
    sim_ast *expr;     /* right-hand side; NULL for parameters */
    int start, end;    /* the equation's text (one line) */
} sim_eq;

/* One equation per line: "dX/dt = expr : unit [(flags)]", "X = expr : unit [(flags)]",
 * "X : unit [(flags)]". Blank lines and '#' comments are skipped. Checks the flags and
 * duplicate names; dimensions are checked later, once names can be resolved. */
int sim_parse_eqs(sim_src *src, sim_eq **out, int *n);
void sim_eqs_free(sim_eq *eqs, int n);

#endif
