/* The lexer of the equation language, and the source object that owns text and trees.
 * Tokens carry byte offsets, from which line and column are computed only when a
 * message needs them. */
#include "expr.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snex/error.h"
#include "snex/util.h"

sim_src *sim_src_new(const char *text, const char *label)
{
    sim_src *src = snx_calloc(1, sizeof *src);
    if (!src)
        return NULL;
    src->text = snx_strdup(text ? text : "");
    src->label = label;
    if (!src->text) {
        free(src);
        return NULL;
    }
    return src;
}

void sim_src_free(sim_src *src)
{
    if (!src)
        return;
    for (size_t i = 0; i < src->n_nodes; i++) {
        free(src->nodes[i]->name);
        free(src->nodes[i]);
    }
    free(src->nodes);
    free(src->text);
    free(src);
}

void sim_src_position(const sim_src *src, int offset, int *line, int *col)
{
    int l = 1, c = 1;
    for (int i = 0; i < offset && src->text[i]; i++) {
        if (src->text[i] == '\n') {
            l++;
            c = 1;
        } else {
            c++;
        }
    }
    *line = l;
    *col = c;
}

void sim_src_line_text(const sim_src *src, int offset, const char **start, int *len)
{
    const char *t = src->text;
    int a = offset, b = offset;
    while (a > 0 && t[a - 1] != '\n')
        a--;
    while (t[b] && t[b] != '\n')
        b++;
    while (a < b && isspace((unsigned char)t[a]))
        a++;
    while (b > a && isspace((unsigned char)t[b - 1]))
        b--;
    *start = t + a;
    *len = b - a;
}

int sim_src_error(const sim_src *src, int offset, int len, const char *what)
{
    int line, col;
    sim_src_position(src, offset, &line, &col);
    const char *lt;
    int ll;
    sim_src_line_text(src, offset, &lt, &ll);
    if (len <= 0 || !src->text[offset])
        return snx_error(SNX_EPARSE, "%s: line %d, column %d: %s at end of \"%.*s\"",
                         src->label, line, col, what, ll, lt);
    return snx_error(SNX_EPARSE, "%s: line %d, column %d: %s \"%.*s\" in \"%.*s\"",
                     src->label, line, col, what, len, src->text + offset, ll, lt);
}

void sim_lex_init(sim_lexer *lx, const sim_src *src, int pos)
{
    lx->src = src;
    lx->pos = pos;
    lx->depth = 0;
    lx->tok = (sim_token){ SIM_TOK_EOF, pos, pos, 0 };
}

static const struct {
    const char *text;
    int kind;
} PUNCT[] = {
    /* Longest first, so "**" wins over "*" and "<=" over "<". */
    { "**", SIM_TOK_POW },        { "//", SIM_TOK_FLOORDIV },   { "<=", SIM_TOK_LE },
    { ">=", SIM_TOK_GE },
    { "==", SIM_TOK_EQEQ },       { "!=", SIM_TOK_NE },         { "+=", SIM_TOK_ADD_ASSIGN },
    { "-=", SIM_TOK_SUB_ASSIGN }, { "*=", SIM_TOK_MUL_ASSIGN }, { "/=", SIM_TOK_DIV_ASSIGN },
    { "+", SIM_TOK_PLUS },        { "-", SIM_TOK_MINUS },       { "*", SIM_TOK_STAR },
    { "/", SIM_TOK_SLASH },       { "%", SIM_TOK_PERCENT },     { "(", SIM_TOK_LPAREN },
    { ")", SIM_TOK_RPAREN },      { ",", SIM_TOK_COMMA },       { ":", SIM_TOK_COLON },
    { ";", SIM_TOK_SEMI },        { "<", SIM_TOK_LT },          { ">", SIM_TOK_GT },
    { "=", SIM_TOK_ASSIGN },
};

static int lex_number(sim_lexer *lx, int start)
{
    const char *s = lx->src->text + start;
    char *end;
    double v = strtod(s, &end);
    /* strtod also accepts "inf", "nan" and hex; the language has plain decimals only. */
    int n = (int)(end - s);
    for (int i = 0; i < n; i++)
        if (!(isdigit((unsigned char)s[i]) || s[i] == '.' || s[i] == 'e' || s[i] == 'E' ||
              ((s[i] == '+' || s[i] == '-') && i > 0 && (s[i - 1] == 'e' || s[i - 1] == 'E'))))
            n = i;
    if (n == 0)
        return sim_src_error(lx->src, start, 1, "malformed number");
    if (isalpha((unsigned char)s[n]) || s[n] == '_') {
        int m = n;
        while (isalnum((unsigned char)s[m]) || s[m] == '_')
            m++;
        return sim_src_error(lx->src, start, m,
                             "a number directly followed by a name (write 5*ms, not 5ms):");
    }
    lx->tok = (sim_token){ SIM_TOK_NUMBER, start, start + n, v };
    return 0;
}

static int lex_name(sim_lexer *lx, int start)
{
    const char *t = lx->src->text;
    int p = start;
    while (isalnum((unsigned char)t[p]) || t[p] == '_')
        p++;
    int kind = SIM_TOK_NAME, n = p - start;
    if (n == 3 && !strncmp(t + start, "and", 3))
        kind = SIM_TOK_AND;
    else if (n == 2 && !strncmp(t + start, "or", 2))
        kind = SIM_TOK_OR;
    else if (n == 3 && !strncmp(t + start, "not", 3))
        kind = SIM_TOK_NOT;
    lx->tok = (sim_token){ kind, start, p, 0 };
    return 0;
}

int sim_lex_next(sim_lexer *lx)
{
    const char *t = lx->src->text;
    for (;;) {
        char c = t[lx->pos];
        if (c == '#') {
            while (t[lx->pos] && t[lx->pos] != '\n')
                lx->pos++;
        } else if (c == '\\' && t[lx->pos + 1] == '\n') {
            lx->pos += 2; /* explicit line continuation */
        } else if (c == '\n' && lx->depth > 0) {
            lx->pos++;
        } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
            lx->pos++;
        } else {
            break;
        }
    }
    int start = lx->pos;
    char c = t[start];
    if (!c) {
        lx->tok = (sim_token){ SIM_TOK_EOF, start, start, 0 };
        return 0;
    }
    if (c == '\n') {
        lx->tok = (sim_token){ SIM_TOK_NEWLINE, start, start + 1, 0 };
        lx->pos++;
        return 0;
    }
    int rc;
    if (isdigit((unsigned char)c) || (c == '.' && isdigit((unsigned char)t[start + 1])))
        rc = lex_number(lx, start);
    else if (isalpha((unsigned char)c) || c == '_')
        rc = lex_name(lx, start);
    else {
        rc = SNX_EPARSE;
        for (size_t i = 0; i < sizeof PUNCT / sizeof PUNCT[0]; i++) {
            size_t n = strlen(PUNCT[i].text);
            if (!strncmp(t + start, PUNCT[i].text, n)) {
                lx->tok = (sim_token){ PUNCT[i].kind, start, start + (int)n, 0 };
                rc = 0;
                break;
            }
        }
        if (rc)
            return sim_src_error(lx->src, start, 1, "unexpected character");
        if (lx->tok.kind == SIM_TOK_LPAREN)
            lx->depth++;
        else if (lx->tok.kind == SIM_TOK_RPAREN && lx->depth > 0)
            lx->depth--;
    }
    if (rc)
        return rc;
    lx->pos = lx->tok.end;
    return 0;
}

const char *sim_tok_describe(int kind)
{
    switch (kind) {
    case SIM_TOK_EOF: return "end of text";
    case SIM_TOK_NEWLINE: return "end of line";
    case SIM_TOK_NUMBER: return "a number";
    case SIM_TOK_NAME: return "a name";
    default: break;
    }
    for (size_t i = 0; i < sizeof PUNCT / sizeof PUNCT[0]; i++)
        if (PUNCT[i].kind == kind)
            return PUNCT[i].text;
    return kind == SIM_TOK_AND ? "and" : kind == SIM_TOK_OR ? "or" : "not";
}
