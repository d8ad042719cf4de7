/* The parser: recursive descent with Python's precedence, lowest first:
 *   or < and < not < comparisons (no chaining) < + - < * / // % < unary + - < ** < atoms
 * ** is right-associative and binds tighter than a unary minus on its left
 * (-x**2 == -(x**2)), while its exponent may carry a sign (2**-1).
 * Every error goes through sim_src_error, so it carries line, column and text. */
#include "expr.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops.h"
#include "snex/error.h"
#include "snex/util.h"

/* ---- nodes ------------------------------------------------------------------------- */

static sim_ast *node_new(sim_src *src, int kind, int start, int end)
{
    if (snx_grow(&src->nodes, &src->cap_nodes, src->n_nodes + 1, sizeof *src->nodes))
        return NULL;
    sim_ast *e = snx_calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->kind = kind;
    e->depth = 1;
    e->src = src;
    e->start = start;
    e->end = end;
    src->nodes[src->n_nodes++] = e;
    return e;
}

sim_ast *sim_ast_num(sim_src *src, double value, int start, int end)
{
    sim_ast *e = node_new(src, SIM_AST_NUM, start, end);
    if (e)
        e->value = value;
    return e;
}

sim_ast *sim_ast_name(sim_src *src, const char *name, int start, int end)
{
    sim_ast *e = node_new(src, SIM_AST_NAME, start, end);
    if (e && !(e->name = snx_strdup(name)))
        return NULL; /* the node itself is freed with the source */
    return e;
}

sim_ast *sim_ast_op(sim_src *src, int fn, sim_ast *a, sim_ast *b, sim_ast *c, int start,
                    int end)
{
    /* A missing argument is a node whose allocation failed: fail too, so that code
     * building a tree of calls needs to check only its root. */
    int want = sim_fn_is_binary(fn) ? 2 : sim_fn_is_unary(fn) ? 1 : fn == SIM_FN_CLIP ? 3 : 0;
    if ((want > 0 && !a) || (want > 1 && !b) || (want > 2 && !c))
        return NULL;
    sim_ast *e = node_new(src, SIM_AST_OP, start, end);
    if (!e)
        return NULL;
    e->fn = fn;
    e->args[0] = a;
    e->args[1] = b;
    e->args[2] = c;
    e->n_args = c ? 3 : b ? 2 : a ? 1 : 0;
    for (int k = 0; k < e->n_args; k++)
        if (e->args[k] && e->args[k]->depth >= e->depth)
            e->depth = e->args[k]->depth + 1;
    return e;
}

void sim_ast_text(const sim_ast *e, const char **text, int *len)
{
    *text = e->src->text + e->start;
    *len = e->end - e->start;
}

/* ---- expressions ------------------------------------------------------------------- */

typedef struct parser {
    sim_lexer lx;
    sim_src *src;
    int nesting; /* recursive descents open (parentheses, unary operators, powers) */
} parser;

#define TOK(ps) ((ps)->lx.tok)

static int advance(parser *ps) { return sim_lex_next(&ps->lx); }

static int unexpected(parser *ps, const char *expected)
{
    char what[96];
    sim_token t = TOK(ps);
    snprintf(what, sizeof what, "expected %s, found", expected);
    if (t.kind == SIM_TOK_EOF || t.kind == SIM_TOK_NEWLINE) {
        snprintf(what, sizeof what, "expected %s", expected);
        return sim_src_error(ps->src, t.start, 0, what);
    }
    return sim_src_error(ps->src, t.start, t.end - t.start, what);
}

static int expect(parser *ps, int kind)
{
    if (TOK(ps).kind != kind)
        return unexpected(ps, sim_tok_describe(kind));
    return advance(ps);
}

static sim_ast *parse_or(parser *ps);

/* An operation node, refused when the tree would grow deeper than SIM_MAX_DEPTH. */
static sim_ast *op_node(parser *ps, int fn, sim_ast *a, sim_ast *b, sim_ast *c, int start,
                        int end)
{
    sim_ast *e = sim_ast_op(ps->src, fn, a, b, c, start, end);
    if (e && e->depth > SIM_MAX_DEPTH) {
        sim_src_error(ps->src, start, end - start,
                      "expression too deep (more than 1000 levels of operations) in");
        return NULL;
    }
    return e;
}

/* Entering one more level of recursive descent; false (with the error) beyond
 * SIM_MAX_NESTING. Every recursion of the parser passes through parse_unary or
 * parse_not, which call this. */
static bool nest(parser *ps)
{
    if (++ps->nesting <= SIM_MAX_NESTING)
        return true;
    sim_token t = TOK(ps);
    sim_src_error(ps->src, t.start, t.end - t.start,
                  "expression nested too deeply (more than 200 levels of parentheses, "
                  "unary operators or powers) at");
    return false;
}

static sim_ast *parse_call(parser *ps, sim_token name_tok)
{
    char name[64];
    int len = name_tok.end - name_tok.start;
    snprintf(name, sizeof name, "%.*s", len, ps->src->text + name_tok.start);
    int n_args;
    int fn = sim_fn_lookup(name, &n_args);
    if (fn < 0) {
        /* Brian's poisson() draws integers from a distribution per element and step:
         * not in the operator table, so say so rather than "unknown". */
        sim_src_error(ps->src, name_tok.start, len,
                      strcmp(name, "poisson") ? "unknown function"
                                              : "Brian's poisson() is not supported:");
        return NULL;
    }
    sim_ast *args[3] = { NULL, NULL, NULL };
    int n = 0;
    if (advance(ps)) /* '(' */
        return NULL;
    while (TOK(ps).kind != SIM_TOK_RPAREN) {
        if (n > 0 && expect(ps, SIM_TOK_COMMA))
            return NULL;
        sim_ast *a = parse_or(ps);
        if (!a)
            return NULL;
        if (n < 3)
            args[n] = a;
        n++;
    }
    int end = TOK(ps).end;
    if (n != n_args) {
        char what[160];
        snprintf(what, sizeof what, "%s() takes %d argument%s, not %d, in", name, n_args,
                 n_args == 1 ? "" : "s", n);
        sim_src_error(ps->src, name_tok.start, end - name_tok.start, what);
        return NULL;
    }
    if (advance(ps))
        return NULL;
    return op_node(ps, fn, args[0], args[1], args[2], name_tok.start, end);
}

static sim_ast *parse_atom(parser *ps)
{
    sim_token t = TOK(ps);
    if (t.kind == SIM_TOK_NUMBER) {
        if (advance(ps))
            return NULL;
        return sim_ast_num(ps->src, t.number, t.start, t.end);
    }
    if (t.kind == SIM_TOK_NAME) {
        if (advance(ps))
            return NULL;
        if (TOK(ps).kind == SIM_TOK_LPAREN)
            return parse_call(ps, t);
        char *name = snx_strndup(ps->src->text + t.start, (size_t)(t.end - t.start));
        sim_ast *e = name ? sim_ast_name(ps->src, name, t.start, t.end) : NULL;
        free(name);
        return e;
    }
    if (t.kind == SIM_TOK_LPAREN) {
        if (advance(ps))
            return NULL;
        sim_ast *e = parse_or(ps);
        if (!e)
            return NULL;
        if (TOK(ps).kind != SIM_TOK_RPAREN) {
            unexpected(ps, "')'");
            return NULL;
        }
        /* The parenthesised node's text includes the parentheses, for messages. */
        e->start = t.start;
        e->end = TOK(ps).end;
        return advance(ps) ? NULL : e;
    }
    unexpected(ps, "a number, a name or '('");
    return NULL;
}

static sim_ast *parse_unary(parser *ps);

static sim_ast *parse_power(parser *ps)
{
    sim_ast *base = parse_atom(ps);
    if (!base || TOK(ps).kind != SIM_TOK_POW)
        return base;
    if (advance(ps))
        return NULL;
    sim_ast *exponent = parse_unary(ps); /* right-associative, may be signed */
    if (!exponent)
        return NULL;
    return op_node(ps, SIM_FN_POW, base, exponent, NULL, base->start, exponent->end);
}

static sim_ast *parse_unary_nested(parser *ps);

static sim_ast *parse_unary(parser *ps)
{
    if (!nest(ps))
        return NULL;
    sim_ast *e = parse_unary_nested(ps);
    ps->nesting--;
    return e;
}

static sim_ast *parse_unary_nested(parser *ps)
{
    sim_token t = TOK(ps);
    if (t.kind != SIM_TOK_MINUS && t.kind != SIM_TOK_PLUS)
        return parse_power(ps);
    if (advance(ps))
        return NULL;
    sim_ast *a = parse_unary(ps);
    if (!a || t.kind == SIM_TOK_PLUS)
        return a;
    return op_node(ps, SIM_FN_NEG, a, NULL, NULL, t.start, a->end);
}

/* One level of left-associative binary operators; `ops` maps token kinds to SIM_FN codes. */
typedef struct {
    int tok, fn;
} binop;

static const binop ADDITIVE[] = { { SIM_TOK_PLUS, SIM_FN_ADD }, { SIM_TOK_MINUS, SIM_FN_SUB }, { 0, 0 } };
static const binop MULTIPLICATIVE[] = { { SIM_TOK_STAR, SIM_FN_MUL },
                                        { SIM_TOK_SLASH, SIM_FN_DIV },
                                        { SIM_TOK_FLOORDIV, SIM_FN_FLOORDIV },
                                        { SIM_TOK_PERCENT, SIM_FN_MOD },
                                        { 0, 0 } };
static const binop COMPARISON[] = { { SIM_TOK_LT, SIM_FN_LT },   { SIM_TOK_LE, SIM_FN_LE },
                                    { SIM_TOK_GT, SIM_FN_GT },   { SIM_TOK_GE, SIM_FN_GE },
                                    { SIM_TOK_EQEQ, SIM_FN_EQ }, { SIM_TOK_NE, SIM_FN_NE },
                                    { 0, 0 } };

static int find_binop(const binop *ops, int tok)
{
    for (; ops->tok; ops++)
        if (ops->tok == tok)
            return ops->fn;
    return -1;
}

static sim_ast *parse_binary_level(parser *ps, const binop *ops, sim_ast *(*next)(parser *))
{
    sim_ast *left = next(ps);
    int fn;
    while (left && (fn = find_binop(ops, TOK(ps).kind)) >= 0) {
        if (advance(ps))
            return NULL;
        sim_ast *right = next(ps);
        if (!right)
            return NULL;
        left = op_node(ps, fn, left, right, NULL, left->start, right->end);
    }
    return left;
}

static sim_ast *parse_term(parser *ps) { return parse_binary_level(ps, MULTIPLICATIVE, parse_unary); }
static sim_ast *parse_arith(parser *ps) { return parse_binary_level(ps, ADDITIVE, parse_term); }

static sim_ast *parse_comparison(parser *ps)
{
    sim_ast *left = parse_arith(ps);
    int fn = left ? find_binop(COMPARISON, TOK(ps).kind) : -1;
    if (fn < 0)
        return left;
    if (advance(ps))
        return NULL;
    sim_ast *right = parse_arith(ps);
    if (!right)
        return NULL;
    if (find_binop(COMPARISON, TOK(ps).kind) >= 0) {
        sim_token t = TOK(ps);
        sim_src_error(ps->src, t.start, t.end - t.start,
                      "chained comparisons are not supported (use 'and'):");
        return NULL;
    }
    return op_node(ps, fn, left, right, NULL, left->start, right->end);
}

static sim_ast *parse_not(parser *ps)
{
    sim_token t = TOK(ps);
    if (t.kind != SIM_TOK_NOT)
        return parse_comparison(ps);
    if (advance(ps) || !nest(ps))
        return NULL;
    sim_ast *a = parse_not(ps);
    ps->nesting--;
    return a ? op_node(ps, SIM_FN_NOT, a, NULL, NULL, t.start, a->end) : NULL;
}

static const binop AND_OP[] = { { SIM_TOK_AND, SIM_FN_AND }, { 0, 0 } };
static const binop OR_OP[] = { { SIM_TOK_OR, SIM_FN_OR }, { 0, 0 } };

static sim_ast *parse_and(parser *ps) { return parse_binary_level(ps, AND_OP, parse_not); }
static sim_ast *parse_or(parser *ps) { return parse_binary_level(ps, OR_OP, parse_and); }

static int parser_start(parser *ps, sim_src *src, int pos)
{
    ps->src = src;
    ps->nesting = 0;
    sim_lex_init(&ps->lx, src, pos);
    return advance(ps);
}

sim_ast *sim_parse_expr(sim_src *src)
{
    parser ps;
    if (parser_start(&ps, src, 0))
        return NULL;
    while (TOK(&ps).kind == SIM_TOK_NEWLINE)
        if (advance(&ps))
            return NULL;
    if (TOK(&ps).kind == SIM_TOK_EOF) {
        sim_src_error(src, 0, 0, "empty expression");
        return NULL;
    }
    sim_ast *e = parse_or(&ps);
    while (e && TOK(&ps).kind == SIM_TOK_NEWLINE)
        if (advance(&ps))
            return NULL;
    if (e && TOK(&ps).kind != SIM_TOK_EOF) {
        unexpected(&ps, "end of expression");
        return NULL;
    }
    return e;
}

/* ---- statements -------------------------------------------------------------------- */

static int assign_op(int tok)
{
    switch (tok) {
    case SIM_TOK_ASSIGN: return SIM_SET;
    case SIM_TOK_ADD_ASSIGN: return SIM_ADD_TO;
    case SIM_TOK_SUB_ASSIGN: return SIM_SUB_FROM;
    case SIM_TOK_MUL_ASSIGN: return SIM_MUL_BY;
    case SIM_TOK_DIV_ASSIGN: return SIM_DIV_BY;
    default: return -1;
    }
}

static int parse_one_stmt(parser *ps, sim_stmt *st)
{
    sim_token name = TOK(ps);
    if (name.kind != SIM_TOK_NAME)
        return unexpected(ps, "a variable name");
    if (advance(ps))
        return SNX_EPARSE;
    int op = assign_op(TOK(ps).kind);
    if (op < 0)
        return unexpected(ps, "'=', '+=', '-=', '*=' or '/='");
    if (advance(ps))
        return SNX_EPARSE;
    st->expr = parse_or(ps);
    if (!st->expr)
        return snx_errcode();
    int k = TOK(ps).kind;
    if (k != SIM_TOK_NEWLINE && k != SIM_TOK_SEMI && k != SIM_TOK_EOF)
        return unexpected(ps, "end of statement");
    st->target = snx_strndup(ps->src->text + name.start, (size_t)(name.end - name.start));
    if (!st->target)
        return SNX_ENOMEM;
    st->op = op;
    st->start = name.start;
    st->end = st->expr->end;
    st->target_start = name.start;
    st->target_end = name.end;
    return 0;
}

int sim_parse_stmts(sim_src *src, sim_stmt **out, int *n)
{
    parser ps;
    sim_stmt *stmts = NULL;
    size_t cap = 0;
    int count = 0, rc = parser_start(&ps, src, 0);
    while (!rc && TOK(&ps).kind != SIM_TOK_EOF) {
        int k = TOK(&ps).kind;
        if (k == SIM_TOK_NEWLINE || k == SIM_TOK_SEMI) {
            rc = advance(&ps);
            continue;
        }
        if ((rc = snx_grow(&stmts, &cap, (size_t)count + 1, sizeof *stmts)))
            break;
        stmts[count] = (sim_stmt){ 0 };
        rc = parse_one_stmt(&ps, &stmts[count]);
        count++;
    }
    if (rc) {
        sim_stmts_free(stmts, count);
        return rc;
    }
    *out = stmts;
    *n = count;
    return 0;
}

void sim_stmts_free(sim_stmt *stmts, int n)
{
    for (int i = 0; i < n; i++)
        free(stmts[i].target);
    free(stmts);
}

/* ---- equations --------------------------------------------------------------------- */

/* The flags snex knows, and the kinds of equation (bits 1 << SIM_EQ_...) that may
 * carry them. Whether a kind of object supports them is checked later (equations.c). */
static const struct {
    const char *name;
    unsigned flag;
    int kinds;
    const char *elsewhere; /* the message for another kind */
} FLAGS[] = {
    { "unless refractory", SIM_EQ_UNLESS_REFRACTORY, 1 << SIM_EQ_DIFF,
      "only differential equations can be held during refractoriness, flag" },
    { "constant", SIM_EQ_CONSTANT, 1 << SIM_EQ_PARAM,
      "only parameters (X : unit) can be constant, flag" },
    { "shared", SIM_EQ_SHARED, 1 << SIM_EQ_PARAM | 1 << SIM_EQ_SUBEXPR,
      "only parameters and subexpressions can be shared (as in Brian's neuron groups), flag" },
    /* synapse models only */
    { "event-driven", SIM_EQ_EVENT_DRIVEN, 1 << SIM_EQ_DIFF,
      "only differential equations can be event-driven, flag" },
    { "clock-driven", SIM_EQ_CLOCK_DRIVEN, 1 << SIM_EQ_DIFF,
      "only differential equations can be clock-driven, flag" },
    { "summed", SIM_EQ_SUMMED, 1 << SIM_EQ_SUBEXPR,
      "only subexpressions (X_post = expr) can be summed, flag" },
};

/* Brian's flags that snex refuses, with what to do instead. */
static const struct {
    const char *name, *why;
} UNSUPPORTED_FLAGS[] = {
    { "linked", "linked variables are not supported (copy the value in a C update, "
                "snx_group_opts.update):" },
    { "constant over dt", "subexpressions constant over dt are not supported (use a "
                          "parameter set by the reset or a C update):" },
    { "point current", "point currents (of Brian's SpatialNeuron) are not supported:" },
};

/* One flag, text[f..h): known, and allowed for this kind of equation. */
static int parse_flag(sim_src *src, int f, int h, sim_eq *eq)
{
    char norm[64]; /* the flag with runs of white space as one space */
    int nn = 0;
    for (int i = f; i < h && nn < 63; i++)
        if (!(isspace((unsigned char)src->text[i]) && nn > 0 && norm[nn - 1] == ' '))
            norm[nn++] = isspace((unsigned char)src->text[i]) ? ' ' : src->text[i];
    norm[nn] = '\0';
    for (size_t k = 0; k < sizeof FLAGS / sizeof FLAGS[0]; k++) {
        if (strcmp(norm, FLAGS[k].name))
            continue;
        if (!(FLAGS[k].kinds & 1 << eq->kind))
            return sim_src_error(src, f, h - f, FLAGS[k].elsewhere);
        unsigned driven = SIM_EQ_EVENT_DRIVEN | SIM_EQ_CLOCK_DRIVEN;
        if ((FLAGS[k].flag & driven) && (eq->flags & driven & ~FLAGS[k].flag))
            return sim_src_error(src, f, h - f, "an equation is either event-driven or "
                                                "clock-driven, not both, flag");
        eq->flags |= FLAGS[k].flag;
        return 0;
    }
    for (size_t k = 0; k < sizeof UNSUPPORTED_FLAGS / sizeof UNSUPPORTED_FLAGS[0]; k++)
        if (!strcmp(norm, UNSUPPORTED_FLAGS[k].name))
            return sim_src_error(src, f, h - f, UNSUPPORTED_FLAGS[k].why);
    return sim_src_error(src, f, h - f,
                         "unknown flag (known: unless refractory, constant, shared, "
                         "event-driven, clock-driven, summed):");
}

/* The comma-separated flags in text[a..b) (inside the parentheses). */
static int parse_flags(sim_src *src, int a, int b, sim_eq *eq)
{
    const char *t = src->text;
    for (int f = a; f < b;) {
        while (f < b && (isspace((unsigned char)t[f]) || t[f] == ','))
            f++;
        int g = f;
        while (g < b && t[g] != ',')
            g++;
        int h = g;
        while (h > f && isspace((unsigned char)t[h - 1]))
            h--;
        if (h == f)
            break;
        int rc = parse_flag(src, f, h, eq);
        if (rc)
            return rc;
        f = g + 1;
    }
    return 0;
}

/* Parses "unit [(flags)]" from text[a..b) (the rest of an equation line). A final
 * parenthesised group after some unit text holds flags; a parenthesised unit alone,
 * "(mV)", is a unit. */
static int parse_unit_and_flags(sim_src *src, int a, int b, sim_eq *eq)
{
    const char *t = src->text;
    while (b > a && isspace((unsigned char)t[b - 1]))
        b--;
    while (a < b && isspace((unsigned char)t[a]))
        a++;
    int unit_end = b;
    if (b > a && t[b - 1] == ')') {
        int depth = 0, p = b - 1;
        for (; p >= a; p--) {
            depth += t[p] == ')' ? 1 : t[p] == '(' ? -1 : 0;
            if (depth == 0)
                break;
        }
        int q = p;
        while (q > a && isspace((unsigned char)t[q - 1]))
            q--;
        if (p >= a && q > a) {
            unit_end = q;
            int rc = parse_flags(src, p + 1, b - 1, eq);
            if (rc)
                return rc;
        }
    }
    if (unit_end - a == 7 && (!strncmp(t + a, "boolean", 7) || !strncmp(t + a, "integer", 7)))
        return sim_src_error(src, a, unit_end - a, "boolean and integer variables are not "
                                                   "supported (declare \": 1\"; comparisons "
                                                   "give 1 and 0, int() truncates):");
    char *unit = snx_strndup(t + a, (size_t)(unit_end - a));
    if (!unit)
        return SNX_ENOMEM;
    snx_unit u;
    int rc = snx_unit_parse(unit, &u);
    free(unit);
    if (rc) {
        char what[200];
        snprintf(what, sizeof what, "bad unit (%s):", snx_errmsg());
        return sim_src_error(src, a, unit_end - a, what);
    }
    eq->dim = u.dim;
    return 0;
}

/* The left-hand side: "dX/dt =", "X =" or "X :". Leaves the lexer on the token after
 * '=' (or on ':' for parameters). */
static int parse_eq_head(parser *ps, sim_eq *eq)
{
    sim_token name = TOK(ps);
    if (name.kind != SIM_TOK_NAME)
        return unexpected(ps, "an equation (dX/dt = ..., X = ... or X : unit)");
    const char *t = ps->src->text;
    int len = name.end - name.start;
    if (advance(ps))
        return SNX_EPARSE;
    if (t[name.start] == 'd' && len > 1 && TOK(ps).kind == SIM_TOK_SLASH) {
        if (advance(ps))
            return SNX_EPARSE;
        sim_token dt = TOK(ps);
        if (dt.kind != SIM_TOK_NAME || dt.end - dt.start != 2 || strncmp(t + dt.start, "dt", 2))
            return unexpected(ps, "'dt' in dX/dt");
        eq->kind = SIM_EQ_DIFF;
        eq->name = snx_strndup(t + name.start + 1, (size_t)len - 1);
        if (advance(ps))
            return SNX_EPARSE;
        return eq->name ? expect(ps, SIM_TOK_ASSIGN) : SNX_ENOMEM;
    }
    eq->name = snx_strndup(t + name.start, (size_t)len);
    if (!eq->name)
        return SNX_ENOMEM;
    if (TOK(ps).kind == SIM_TOK_COLON) {
        eq->kind = SIM_EQ_PARAM;
        return 0;
    }
    eq->kind = SIM_EQ_SUBEXPR;
    return expect(ps, SIM_TOK_ASSIGN);
}

static int parse_one_eq(parser *ps, sim_eq *eq)
{
    eq->start = TOK(ps).start;
    int rc = parse_eq_head(ps, eq);
    if (rc)
        return rc;
    if (eq->kind != SIM_EQ_PARAM && !(eq->expr = parse_or(ps)))
        return snx_errcode();
    if (TOK(ps).kind != SIM_TOK_COLON)
        return unexpected(ps, "':' and a unit");
    /* The unit and flags are the raw rest of the line, parsed by the unit parser. */
    int a = TOK(ps).end, b = a;
    const char *t = ps->src->text;
    while (t[b] && t[b] != '\n' && t[b] != '#')
        b++;
    eq->end = b;
    if ((rc = parse_unit_and_flags(ps->src, a, b, eq)))
        return rc;
    while (t[b] && t[b] != '\n')
        b++;
    sim_lex_init(&ps->lx, ps->src, b);
    return advance(ps);
}

int sim_parse_eqs(sim_src *src, sim_eq **out, int *n)
{
    parser ps;
    sim_eq *eqs = NULL;
    size_t cap = 0;
    int count = 0, rc = parser_start(&ps, src, 0);
    while (!rc && TOK(&ps).kind != SIM_TOK_EOF) {
        if (TOK(&ps).kind == SIM_TOK_NEWLINE || TOK(&ps).kind == SIM_TOK_SEMI) {
            rc = advance(&ps);
            continue;
        }
        if ((rc = snx_grow(&eqs, &cap, (size_t)count + 1, sizeof *eqs)))
            break;
        eqs[count] = (sim_eq){ 0 };
        rc = parse_one_eq(&ps, &eqs[count]);
        count++;
        const sim_eq *last = &eqs[count - 1];
        for (int i = 0; !rc && i < count - 1; i++)
            if (!strcmp(eqs[i].name, last->name))
                rc = sim_src_error(src, last->start + (last->kind == SIM_EQ_DIFF),
                                   (int)strlen(last->name), "a second definition of");
    }
    if (rc) {
        sim_eqs_free(eqs, count);
        return rc;
    }
    *out = eqs;
    *n = count;
    return 0;
}

void sim_eqs_free(sim_eq *eqs, int n)
{
    for (int i = 0; i < n; i++)
        free(eqs[i].name);
    free(eqs);
}
