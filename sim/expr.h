/* sim/expr.h: the syntax of the equation language. Internal header.
 *
 * A source (snx_src) is one user string (equations, a threshold, a reset, on_pre code,
 * a condition) together with every syntax-tree node made from it: nodes live exactly as
 * long as their source, so there is no per-node ownership to get wrong. The lexer
 * (lexer.c) turns the text into tokens with line and column; the parser (parser.c)
 * builds trees for expressions, statement lists and equation sets. Names are not
 * resolved here: that is analyze.c's job. */
#ifndef SNX_SIM_EXPR_H
#define SNX_SIM_EXPR_H

#include <stddef.h>

#include "snex/units.h"

typedef struct snx_ast snx_ast;

typedef struct snx_src {
    char *text;        /* private copy of the user's string */
    const char *label; /* what the string is, for messages ("equations", "reset", ...) */
    snx_ast **nodes;   /* every node made from this source */
    size_t n_nodes, cap_nodes;
} snx_src;

snx_src *snx_src_new(const char *text, const char *label);
void snx_src_free(snx_src *src);

/* Line and column (1-based) of a byte offset, and the text of that line. */
void snx_src_position(const snx_src *src, int offset, int *line, int *col);
void snx_src_line_text(const snx_src *src, int offset, const char **start, int *len);
/* Sets an SNX_EPARSE error: "<label>: line L, column C: <what> \"<token>\" in \"<line>\"". */
int snx_src_error(const snx_src *src, int offset, int len, const char *what);

/* ---- tokens ---------------------------------------------------------------------- */

enum snx_tok_kind {
    SNX_TOK_EOF, SNX_TOK_NEWLINE, SNX_TOK_NUMBER, SNX_TOK_NAME,
    SNX_TOK_PLUS, SNX_TOK_MINUS, SNX_TOK_STAR, SNX_TOK_SLASH, SNX_TOK_POW, SNX_TOK_PERCENT,
    SNX_TOK_LPAREN, SNX_TOK_RPAREN, SNX_TOK_COMMA, SNX_TOK_COLON, SNX_TOK_SEMI,
    SNX_TOK_LT, SNX_TOK_LE, SNX_TOK_GT, SNX_TOK_GE, SNX_TOK_EQEQ, SNX_TOK_NE,
    SNX_TOK_ASSIGN, SNX_TOK_ADD_ASSIGN, SNX_TOK_SUB_ASSIGN, SNX_TOK_MUL_ASSIGN,
    SNX_TOK_DIV_ASSIGN,
    SNX_TOK_AND, SNX_TOK_OR, SNX_TOK_NOT, /* keywords */
};

typedef struct snx_token {
    int kind;
    int start, end; /* byte offsets into the source text */
    double number;  /* SNX_TOK_NUMBER */
} snx_token;

/* The lexer: newlines inside parentheses are not tokens (implicit line joining, as in
 * Python); '#' starts a comment that runs to the end of the line. */
typedef struct snx_lexer {
    const snx_src *src;
    int pos;   /* next byte to read */
    int depth; /* parenthesis depth */
    snx_token tok; /* the current token */
} snx_lexer;

void snx_lex_init(snx_lexer *lx, const snx_src *src, int pos);
/* Reads the next token into lx->tok. SNX_EPARSE on a character that starts no token. */
int snx_lex_next(snx_lexer *lx);
const char *snx_tok_describe(int kind);

/* ---- syntax trees ------------------------------------------------------------------ */

enum snx_ast_kind { SNX_AST_NUM, SNX_AST_NAME, SNX_AST_OP };

struct snx_ast {
    int kind;
    int fn;              /* SNX_AST_OP: an SNX_FN_ code (ops.h) */
    int n_args;          /* SNX_AST_OP: 0..3 */
    snx_ast *args[3];
    double value;        /* SNX_AST_NUM; after analysis, the folded value if is_const */
    char *name;          /* SNX_AST_NAME (owned by the node) */
    const snx_src *src;
    int start, end;      /* the node's text: src->text[start..end) */
    /* Filled by snx_analyze (analyze.c): */
    snx_dim dim;
    int is_const;        /* value known at compile time (no variables, no rand()) */
    int analyzed;
};

snx_ast *snx_ast_num(snx_src *src, double value, int start, int end);
snx_ast *snx_ast_name(snx_src *src, const char *name, int start, int end);
snx_ast *snx_ast_op(snx_src *src, int fn, snx_ast *a, snx_ast *b, snx_ast *c, int start,
                    int end);
/* The node's source text, for messages. */
void snx_ast_text(const snx_ast *e, const char **text, int *len);

/* ---- parsing ----------------------------------------------------------------------- */

/* The whole text is one expression. NULL on error (SNX_EPARSE, with position). */
snx_ast *snx_parse_expr(snx_src *src);

enum snx_assign_op { SNX_SET, SNX_ADD_TO, SNX_SUB_FROM, SNX_MUL_BY, SNX_DIV_BY };

typedef struct snx_stmt {
    char *target;       /* owned */
    int op;             /* snx_assign_op */
    snx_ast *expr;
    int start, end;     /* the statement's text */
    int target_start, target_end;
} snx_stmt;

/* Statements separated by newlines or ';': "V = 0; w += b". */
int snx_parse_stmts(snx_src *src, snx_stmt **out, int *n);
void snx_stmts_free(snx_stmt *stmts, int n);

enum snx_eq_kind { SNX_EQ_DIFF, SNX_EQ_SUBEXPR, SNX_EQ_PARAM };
enum { SNX_EQ_UNLESS_REFRACTORY = 1, SNX_EQ_CONSTANT = 2 };

typedef struct snx_eq {
    int kind;
    char *name;        /* owned; "V" for dV/dt */
    snx_dim dim;       /* dimension of the variable (not of its derivative) */
    unsigned flags;
    snx_ast *expr;     /* right-hand side; NULL for parameters */
    int start, end;    /* the equation's text (one line) */
} snx_eq;

/* One equation per line: "dX/dt = expr : unit [(flags)]", "X = expr : unit [(flags)]",
 * "X : unit [(flags)]". Blank lines and '#' comments are skipped. Checks the flags and
 * duplicate names; dimensions are checked later, once names can be resolved. */
int snx_parse_eqs(snx_src *src, snx_eq **out, int *n);
void snx_eqs_free(snx_eq *eqs, int n);

#endif
