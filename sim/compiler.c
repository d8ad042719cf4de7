/* The compiler: analysed trees -> block programs.
 *
 * Code generation is a post-order walk with a few exact rewrites that save whole
 * passes over a block (each instruction is a loop, so fewer instructions is faster):
 *   a + y*s, a - y*s     -> one multiply-add (s a constant; exact: only the sign moves)
 *   a + p*q              -> one multiply-add of vectors
 *   a + (-b), a - (-b)   -> a - b, a + b
 *   (-y)*s, -(y*s)       -> y*(-s)
 *   y / s                -> y * (1/s)   (as -freciprocal-math; last-bit differences)
 *   y**2, y**1, y**0.5   -> y*y, y, sqrt(y)
 * Constant subtrees arrive folded from the analyser. */
#include "compiler.h"
#include "peephole.h"

#include <stdlib.h>
#include <string.h>

#include "snex/error.h"
#include "snex/util.h"

#define MAX_REGS 2048

typedef struct {
    int array, idx;
    unsigned reg;
} gather_entry;

typedef struct {
    char *name;
    sim_opnd val;
    int owns_reg; /* the cache entry owns val's register */
} named_value;

struct sim_compiler {
    const sim_scope *sc;
    sim_insn *code;
    size_t n_code, cap_code;
    double *consts;
    size_t n_consts, cap_consts;
    unsigned char used[MAX_REGS];
    int n_regs, n_arrays, n_idx, uses_rng;
    gather_entry *gathers;
    size_t n_gathers, cap_gathers;
    named_value *subs, *binds;
    size_t n_subs, cap_subs, n_binds, cap_binds;
    int depth;
    int rc; /* sticky: the first error */
};

sim_compiler *sim_compiler_new(const sim_scope *sc)
{
    sim_compiler *c = snx_calloc(1, sizeof *c);
    if (c)
        c->sc = sc;
    return c;
}

static void forget_named(named_value *v, size_t *n, sim_compiler *c, int release)
{
    for (size_t i = 0; i < *n; i++) {
        if (release && v[i].owns_reg)
            c->used[v[i].val.v] = 0;
        free(v[i].name);
    }
    *n = 0;
}

const sim_scope *sim_compiler_scope(const sim_compiler *c) { return c->sc; }

void sim_compiler_free(sim_compiler *c)
{
    if (!c)
        return;
    forget_named(c->subs, &c->n_subs, c, 0);
    forget_named(c->binds, &c->n_binds, c, 0);
    free(c->subs);
    free(c->binds);
    free(c->gathers);
    free(c->code);
    free(c->consts);
    free(c);
}

sim_program *sim_compiler_finish(sim_compiler *c)
{
    if (c->rc)
        return NULL;
    sim_program *p = snx_calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->code = c->code;
    p->n_code = sim_fuse_stores(c->code, (int)c->n_code);
    p->consts = c->consts;
    p->n_consts = (int)c->n_consts;
    p->n_regs = c->n_regs;
    p->n_arrays = c->n_arrays;
    p->n_idx = c->n_idx;
    p->uses_rng = c->uses_rng;
    c->code = NULL;
    c->consts = NULL;
    c->n_code = c->n_consts = 0;
    return p;
}

/* ---- low-level emitters --------------------------------------------------------------- */

int sim_emit_e(sim_compiler *c, int op, unsigned d, unsigned a, unsigned b, unsigned cc,
               unsigned e)
{
    if (c->rc)
        return c->rc;
    if (snx_grow(&c->code, &c->cap_code, c->n_code + 1, sizeof *c->code))
        return c->rc = SNX_ENOMEM;
    c->code[c->n_code++] = (sim_insn){ (uint16_t)op, (uint16_t)d, (uint16_t)a, (uint16_t)b,
                                       (uint16_t)cc, (uint16_t)e };
    return 0;
}

int sim_emit(sim_compiler *c, int op, unsigned d, unsigned a, unsigned b, unsigned cc)
{
    return sim_emit_e(c, op, d, a, b, cc, 0);
}

sim_opnd sim_const(sim_compiler *c, double value)
{
    sim_opnd o = { SIM_OPND_SCAL, 0, 0, 1, value };
    for (size_t i = 0; i < c->n_consts; i++)
        if (!memcmp(&c->consts[i], &value, sizeof value)) {
            o.v = SIM_N_RT + (unsigned)i;
            return o;
        }
    if (c->n_consts + SIM_N_RT >= SIM_ARRAY_BIT) /* above: shared variables (program.h) */
        c->rc = snx_error(SNX_EINVAL, "program too large: more than 32000 constants");
    else if (snx_grow(&c->consts, &c->cap_consts, c->n_consts + 1, sizeof *c->consts))
        c->rc = SNX_ENOMEM;
    if (c->rc)
        return o;
    c->consts[c->n_consts] = value;
    o.v = SIM_N_RT + (unsigned)c->n_consts++;
    return o;
}

sim_opnd sim_opnd_array(sim_compiler *c, int array_id)
{
    if (array_id + 1 > c->n_arrays)
        c->n_arrays = array_id + 1;
    return (sim_opnd){ SIM_OPND_VEC, SIM_ARRAY_BIT | (unsigned)array_id, 0, 0, 0 };
}

static void use_idx(sim_compiler *c, int idx)
{
    if (idx + 1 > c->n_idx)
        c->n_idx = idx + 1;
}

int sim_temp(sim_compiler *c, sim_opnd *out)
{
    for (int r = 0; r < MAX_REGS; r++)
        if (!c->used[r]) {
            c->used[r] = 1;
            if (r + 1 > c->n_regs)
                c->n_regs = r + 1;
            *out = (sim_opnd){ SIM_OPND_VEC, (unsigned)r, 1, 0, 0 };
            return 0;
        }
    return c->rc = snx_error(SNX_EINVAL, "expression too complex: more than %d registers",
                             MAX_REGS);
}

void sim_release(sim_compiler *c, sim_opnd o)
{
    if (o.temp)
        c->used[o.v] = 0;
}

int sim_to_vec(sim_compiler *c, sim_opnd *o)
{
    if (o->kind == SIM_OPND_VEC)
        return c->rc;
    sim_opnd t;
    if (sim_temp(c, &t))
        return c->rc;
    sim_emit(c, SIM_OP_MOV_S, t.v, 0, o->v, 0);
    *o = t;
    return c->rc;
}

int sim_to_temp(sim_compiler *c, sim_opnd *o)
{
    if (o->temp)
        return c->rc;
    if (o->kind == SIM_OPND_SCAL)
        return sim_to_vec(c, o);
    sim_opnd t;
    if (sim_temp(c, &t))
        return c->rc;
    sim_emit(c, SIM_OP_MOV_V, t.v, o->v, 0, 0);
    *o = t;
    return c->rc;
}

/* ---- caches and bindings -------------------------------------------------------------- */

static named_value *find_named(named_value *v, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i].name, name))
            return &v[i];
    return NULL;
}

static int add_named(sim_compiler *c, named_value **v, size_t *n, size_t *cap,
                     const char *name, sim_opnd val, int owns_reg)
{
    if (snx_grow(v, cap, *n + 1, sizeof **v))
        return c->rc = SNX_ENOMEM;
    char *copy = snx_strdup(name);
    if (!copy)
        return c->rc = SNX_ENOMEM;
    val.temp = 0;
    (*v)[(*n)++] = (named_value){ copy, val, owns_reg };
    return 0;
}

int sim_compiler_bind(sim_compiler *c, const char *name, sim_opnd value)
{
    sim_compiler_invalidate(c, -1);
    named_value *b = find_named(c->binds, c->n_binds, name);
    if (b) {
        b->val = value;
        b->val.temp = 0;
        return 0;
    }
    return add_named(c, &c->binds, &c->n_binds, &c->cap_binds, name, value, 0);
}

void sim_compiler_unbind_all(sim_compiler *c)
{
    sim_compiler_invalidate(c, -1);
    forget_named(c->binds, &c->n_binds, c, 0);
}

void sim_compiler_invalidate(sim_compiler *c, int array_id)
{
    /* Subexpressions may read anything: forget them all on any write. */
    forget_named(c->subs, &c->n_subs, c, 1);
    size_t keep = 0;
    for (size_t i = 0; i < c->n_gathers; i++) {
        if (array_id < 0 || c->gathers[i].array == array_id)
            c->used[c->gathers[i].reg] = 0;
        else
            c->gathers[keep++] = c->gathers[i];
    }
    c->n_gathers = keep;
}

/* ---- expressions ---------------------------------------------------------------------- */

static int compile(sim_compiler *c, const sim_ast *e, sim_opnd *out);

static int gather(sim_compiler *c, int array, int idx, sim_opnd *out)
{
    for (size_t i = 0; i < c->n_gathers; i++)
        if (c->gathers[i].array == array && c->gathers[i].idx == idx) {
            *out = (sim_opnd){ SIM_OPND_VEC, c->gathers[i].reg, 0, 0, 0 };
            return 0;
        }
    sim_opnd r;
    if (sim_temp(c, &r) ||
        snx_grow(&c->gathers, &c->cap_gathers, c->n_gathers + 1, sizeof *c->gathers))
        return c->rc ? c->rc : (c->rc = SNX_ENOMEM);
    sim_opnd_array(c, array);
    use_idx(c, idx);
    sim_emit(c, SIM_OP_GATHER, r.v, (unsigned)array, (unsigned)idx, 0);
    c->gathers[c->n_gathers++] = (gather_entry){ array, idx, r.v };
    r.temp = 0; /* owned by the cache */
    *out = r;
    return c->rc;
}

static int subexpression(sim_compiler *c, const char *name, const sim_ast *body, sim_opnd *out)
{
    named_value *cached = find_named(c->subs, c->n_subs, name);
    if (cached) {
        *out = cached->val;
        return 0;
    }
    if (++c->depth > 64) /* equations.c rejects cycles; this is a last guard */
        return c->rc = snx_error(SNX_EINVAL, "subexpression \"%s\" nested too deeply", name);
    sim_opnd v;
    int rc = compile(c, body, &v);
    c->depth--;
    if (rc)
        return rc;
    /* Note the entry only after compiling the body: the body may add entries itself. */
    if (add_named(c, &c->subs, &c->n_subs, &c->cap_subs, name, v, v.temp))
        return c->rc;
    v.temp = 0;
    *out = v;
    return 0;
}

static int compile_name(sim_compiler *c, const sim_ast *e, sim_opnd *out)
{
    named_value *b = find_named(c->binds, c->n_binds, e->name);
    if (b) {
        *out = b->val;
        return 0;
    }
    sim_sym s;
    if (sim_scope_lookup(c->sc, e->name, &s))
        return c->rc = sim_scope_unknown(c->sc, e->src, e->name, e->start);
    switch (s.kind) {
    case SIM_SYM_CONST:
        *out = sim_const(c, s.value);
        return c->rc;
    case SIM_SYM_SCALAR:
        *out = (sim_opnd){ SIM_OPND_SCAL, (unsigned)s.slot, 0, 0, 0 };
        return 0;
    case SIM_SYM_ARRAY:
        if (s.shared) { /* one value, whatever the access: a scalar operand */
            sim_opnd_array(c, s.slot);
            *out = (sim_opnd){ SIM_OPND_SCAL, SIM_ARRAY_BIT | (unsigned)s.slot, 0, 0, 0 };
            return c->rc;
        }
        if (s.access == SIM_DIRECT) {
            *out = sim_opnd_array(c, s.slot);
            return c->rc;
        }
        return gather(c, s.slot, s.access, out);
    case SIM_SYM_INDEX: {
        if (sim_temp(c, out))
            return c->rc;
        sim_opnd shift = sim_const(c, s.shift);
        if (s.slot == SIM_DIRECT)
            return sim_emit(c, SIM_OP_IOTA, out->v, 0, shift.v, 0);
        use_idx(c, s.slot);
        return sim_emit(c, SIM_OP_ITOF, out->v, (unsigned)s.slot, shift.v, 0);
    }
    default:
        return subexpression(c, e->name, s.expr, out);
    }
}

/* Chooses the destination of an operation on a and b: a temporary of theirs if they
 * have one (elementwise operations may overwrite an input), else a new register. */
static int pick_dst(sim_compiler *c, sim_opnd *a, sim_opnd *b, sim_opnd *d)
{
    if (a->temp) {
        *d = *a;
        if (b && b->temp && b->v != a->v)
            sim_release(c, *b);
    } else if (b && b->temp) {
        *d = *b;
    } else {
        return sim_temp(c, d);
    }
    return 0;
}

static int emit_binary(sim_compiler *c, int fn, sim_opnd a, sim_opnd b, sim_opnd *out)
{
    if (a.kind == SIM_OPND_SCAL && b.kind == SIM_OPND_SCAL) {
        if (a.is_const && b.is_const) {
            *out = sim_const(c, sim_fn_eval(fn, a.value, b.value));
            return c->rc;
        }
        if (sim_to_vec(c, &a))
            return c->rc;
    }
    /* Binary ops are laid out VV, VS, SV per function (program.h). */
    int base = SIM_OP_ADD_VV + 3 * (fn - SIM_FN_ADD);
    int op = a.kind == SIM_OPND_SCAL ? base + 2 : b.kind == SIM_OPND_SCAL ? base + 1 : base;
    sim_opnd d;
    if (pick_dst(c, &a, &b, &d))
        return c->rc;
    sim_emit(c, op, d.v, a.v, b.v, 0);
    *out = d;
    return c->rc;
}

static int emit_unary(sim_compiler *c, int fn, sim_opnd a, sim_opnd *out)
{
    if (a.kind == SIM_OPND_SCAL && a.is_const) {
        *out = sim_const(c, sim_fn_eval(fn, a.value, 0));
        return c->rc;
    }
    sim_opnd d;
    if (sim_to_vec(c, &a) || pick_dst(c, &a, NULL, &d))
        return c->rc;
    sim_emit(c, SIM_OP_NEG_V + (fn - SIM_FN_NEG), d.v, a.v, 0, 0);
    *out = d;
    return c->rc;
}

/* d = y*s + a with s a compile-time constant. */
static int emit_muladd(sim_compiler *c, const sim_ast *y, double s, const sim_ast *a,
                       sim_opnd *out)
{
    sim_opnd vy, va, d;
    if (compile(c, y, &vy) || compile(c, a, &va) || sim_to_vec(c, &vy) || sim_to_vec(c, &va))
        return c->rc;
    sim_opnd cs = sim_const(c, s);
    if (pick_dst(c, &vy, &va, &d))
        return c->rc;
    sim_emit(c, SIM_OP_MULADD_VSV, d.v, vy.v, cs.v, va.v);
    *out = d;
    return c->rc;
}

/* Recognises e == y * s exactly, for a constant s: y*c, c*y, y/c, -y, and each of those
 * with -y in place of y. (Division becomes multiplication by 1/c.) */
static int split_scaled(const sim_ast *e, const sim_ast **y, double *s)
{
    if (e->kind != SIM_AST_OP || e->is_const)
        return 0;
    const sim_ast *a = e->args[0], *b = e->args[1], *v;
    double k;
    if (e->fn == SIM_FN_MUL && (a->is_const || b->is_const)) {
        v = a->is_const ? b : a;
        k = a->is_const ? a->value : b->value;
    } else if (e->fn == SIM_FN_DIV && b->is_const && b->value != 0) {
        v = a;
        k = 1.0 / b->value;
    } else if (e->fn == SIM_FN_NEG) {
        if (split_scaled(a, y, s)) { /* -(y*c) */
            *s = -*s;
            return 1;
        }
        v = a;
        k = -1;
    } else {
        return 0;
    }
    if (e->fn != SIM_FN_NEG && v->kind == SIM_AST_OP && v->fn == SIM_FN_NEG) {
        v = v->args[0];
        k = -k;
    }
    *y = v;
    *s = k;
    return 1;
}

static int is_neg(const sim_ast *e) { return e->kind == SIM_AST_OP && e->fn == SIM_FN_NEG; }
static int is_mul(const sim_ast *e) { return e->kind == SIM_AST_OP && e->fn == SIM_FN_MUL && !e->is_const; }

/* d = p*q + r, p*q being the tree `prod`. */
static int emit_muladd_vv(sim_compiler *c, const sim_ast *prod, const sim_ast *r, sim_opnd *out)
{
    sim_opnd vp, vq, vr, d;
    if (compile(c, prod->args[0], &vp) || compile(c, prod->args[1], &vq) || compile(c, r, &vr) ||
        sim_to_vec(c, &vp) || sim_to_vec(c, &vq) || sim_to_vec(c, &vr))
        return c->rc;
    if (pick_dst(c, &vp, &vr, &d))
        return c->rc;
    sim_emit(c, SIM_OP_MULADD_VVV, d.v, vp.v, vq.v, vr.v);
    if (vq.temp && vq.v != d.v && vq.v != vp.v)
        sim_release(c, vq);
    *out = d;
    return c->rc;
}

static int compile_binary_args(sim_compiler *c, int fn, const sim_ast *a, const sim_ast *b,
                               sim_opnd *out)
{
    sim_opnd va, vb;
    if (compile(c, a, &va) || compile(c, b, &vb))
        return c->rc;
    return emit_binary(c, fn, va, vb, out);
}

/* Additions and subtractions, with the rewrites listed at the top of the file. */
static int compile_additive(sim_compiler *c, const sim_ast *e, sim_opnd *out)
{
    const sim_ast *a = e->args[0], *b = e->args[1], *y;
    double s;
    int add = e->fn == SIM_FN_ADD;
    if (is_neg(b))
        return compile_binary_args(c, add ? SIM_FN_SUB : SIM_FN_ADD, a, b->args[0], out);
    if (add && is_neg(a))
        return compile_binary_args(c, SIM_FN_SUB, b, a->args[0], out);
    if (split_scaled(b, &y, &s))
        return emit_muladd(c, y, add ? s : -s, a, out);
    if (add && split_scaled(a, &y, &s))
        return emit_muladd(c, y, s, b, out);
    if (add && (is_mul(a) || is_mul(b))) /* p*q + r: one pass */
        return emit_muladd_vv(c, is_mul(a) ? a : b, is_mul(a) ? b : a, out);
    return compile_binary_args(c, e->fn, a, b, out);
}

static int compile_pow(sim_compiler *c, const sim_ast *e, sim_opnd *out)
{
    const sim_ast *b = e->args[1];
    sim_opnd va;
    if (b->is_const && (b->value == 1 || b->value == 2 || b->value == 0.5)) {
        if (compile(c, e->args[0], &va))
            return c->rc;
        if (b->value == 1) {
            *out = va;
            return 0;
        }
        if (b->value == 0.5)
            return emit_unary(c, SIM_FN_SQRT, va, out);
        sim_opnd copy = va;
        copy.temp = 0; /* the same register twice: released once */
        return emit_binary(c, SIM_FN_MUL, va, copy, out);
    }
    return compile_binary_args(c, SIM_FN_POW, e->args[0], b, out);
}

int sim_emit_random(sim_compiler *c, int fn, double scale, sim_opnd *out)
{
    if (sim_temp(c, out))
        return c->rc;
    c->uses_rng = 1;
    if (fn == SIM_FN_RAND)
        return sim_emit(c, SIM_OP_RAND, out->v, 0, 0, 0);
    return sim_emit(c, SIM_OP_RANDN, out->v, 0, sim_const(c, scale).v, 0);
}

static int compile_op(sim_compiler *c, const sim_ast *e, sim_opnd *out)
{
    const sim_ast *y;
    double s;
    sim_opnd v, lo;
    switch (e->fn) {
    case SIM_FN_ADD:
    case SIM_FN_SUB:
        return compile_additive(c, e, out);
    case SIM_FN_MUL:
    case SIM_FN_DIV:
    case SIM_FN_NEG:
        if (split_scaled(e, &y, &s)) {
            if (compile(c, y, &v))
                return c->rc;
            return emit_binary(c, SIM_FN_MUL, v, sim_const(c, s), out);
        }
        break;
    case SIM_FN_POW:
        return compile_pow(c, e, out);
    case SIM_FN_CLIP:
        if (compile_binary_args(c, SIM_FN_MAX, e->args[0], e->args[1], &lo) ||
            compile(c, e->args[2], &v))
            return c->rc;
        return emit_binary(c, SIM_FN_MIN, lo, v, out);
    case SIM_FN_RAND:
    case SIM_FN_RANDN:
        return sim_emit_random(c, e->fn, 1.0, out);
    default:
        break;
    }
    if (sim_fn_is_unary(e->fn)) {
        if (compile(c, e->args[0], &v))
            return c->rc;
        return emit_unary(c, e->fn, v, out);
    }
    return compile_binary_args(c, e->fn, e->args[0], e->args[1], out);
}

static int compile(sim_compiler *c, const sim_ast *e, sim_opnd *out)
{
    if (c->rc)
        return c->rc;
    if (e->is_const) {
        *out = sim_const(c, e->value);
        return c->rc;
    }
    if (e->kind == SIM_AST_NAME)
        return compile_name(c, e, out);
    return compile_op(c, e, out);
}

int sim_compile_pending(sim_compiler *c, const sim_ast *e, sim_pending *out)
{
    const sim_ast *y = NULL, *a = NULL;
    double s = 1;
    *out = (sim_pending){ SIM_PENDING_VALUE, { 0 }, { 0 }, 1 };
    if (!e->analyzed)
        return c->rc = snx_error(SNX_EINVAL, "internal: compiling an unanalysed expression");
    if (!e->is_const && e->kind == SIM_AST_OP) {
        int add = e->fn == SIM_FN_ADD;
        if (split_scaled(e, &y, &s)) {
            out->kind = SIM_PENDING_SCALED;
        } else if ((add || e->fn == SIM_FN_SUB) && split_scaled(e->args[1], &y, &s)) {
            out->kind = SIM_PENDING_MULADD;
            a = e->args[0];
            s = add ? s : -s;
        } else if (add && split_scaled(e->args[0], &y, &s)) {
            out->kind = SIM_PENDING_MULADD;
            a = e->args[1];
        }
    }
    out->s = s;
    if (!compile(c, out->kind == SIM_PENDING_VALUE ? e : y, &out->y))
        sim_to_vec(c, &out->y);
    if (a && !c->rc && !compile(c, a, &out->a))
        sim_to_vec(c, &out->a);
    return c->rc;
}

int sim_compile_expr(sim_compiler *c, const sim_ast *e, sim_opnd *out)
{
    if (!e->analyzed)
        return c->rc = snx_error(SNX_EINVAL, "internal: compiling an unanalysed expression");
    return compile(c, e, out);
}

/* ---- statements ----------------------------------------------------------------------- */

static const int ASSIGN_FN[] = { -1, SIM_FN_ADD, SIM_FN_SUB, SIM_FN_MUL, SIM_FN_DIV };

/* Stores into a directly addressed array: a plain "X = expr" retargets the expression's
 * last instruction to write X, which saves a copy. That is safe because every earlier
 * read of X happened before, and the last instruction reads its inputs elementwise. */
static int store_direct(sim_compiler *c, const sim_stmt *st, sim_opnd dst, sim_opnd v)
{
    if (st->op != SIM_SET) {
        sim_opnd r;
        if (emit_binary(c, ASSIGN_FN[st->op], dst, v, &r))
            return c->rc;
        /* emit_binary wrote into a temporary of v or a new register: move into X. */
        sim_insn *last = &c->code[c->n_code - 1];
        last->d = (uint16_t)dst.v;
        sim_release(c, r);
        return c->rc;
    }
    if (v.temp && c->n_code > 0 && c->code[c->n_code - 1].d == v.v &&
        c->code[c->n_code - 1].op < SIM_OP_SCATTER_SET) {
        c->code[c->n_code - 1].d = (uint16_t)dst.v;
        sim_release(c, v);
        return c->rc;
    }
    sim_emit(c, v.kind == SIM_OPND_SCAL ? SIM_OP_MOV_S : SIM_OP_MOV_V, dst.v,
             v.kind == SIM_OPND_SCAL ? 0 : v.v, v.kind == SIM_OPND_SCAL ? v.v : 0, 0);
    sim_release(c, v);
    return c->rc;
}

int sim_compile_stmt(sim_compiler *c, const sim_stmt *st)
{
    sim_sym s;
    if (sim_scope_lookup(c->sc, st->target, &s) || s.kind != SIM_SYM_ARRAY)
        return c->rc = snx_error(SNX_EINVAL, "internal: statement target \"%s\" unresolved",
                                 st->target);
    sim_opnd v;
    if (sim_compile_expr(c, st->expr, &v))
        return c->rc;
    if (s.access == SIM_DIRECT) {
        store_direct(c, st, sim_opnd_array(c, s.slot), v);
    } else if (!sim_to_vec(c, &v)) {
        use_idx(c, s.access);
        sim_opnd_array(c, s.slot);
        sim_emit(c, SIM_OP_SCATTER_SET + st->op, (unsigned)s.slot, v.v, (unsigned)s.access, 0);
        sim_release(c, v);
    }
    sim_compiler_invalidate(c, s.slot);
    return c->rc;
}

/* The value's dimension against the target's, checked before the statement is, so
 * that the message speaks of the user's text, not of the statement made of it (whose
 * target may be the internal "_out"). */
static int check_value_dim(const sim_scope *sc, const char *target, sim_ast *e,
                           const char *label, const char *expr)
{
    sim_sym t;
    int rc = sim_analyze(e, sc);
    if (rc || sim_scope_lookup(sc, target, &t) || sim_dim_is(e->dim, t.dim))
        return rc;
    char de[64], dt[64];
    sim_dim_format(e->dim, de, sizeof de);
    snx_dim_format(t.dim, dt, sizeof dt);
    if (target[0] == '_')
        return snx_error(SNX_EDIM, "%s: %s \"%s\" has dimension %s, but must have dimension %s",
                         sc->what, label, expr, de, dt);
    return snx_error(SNX_EDIM, "%s: %s \"%s\" has dimension %s, but %s has dimension %s",
                     sc->what, label, expr, de, target, dt);
}

int sim_compile_assignment(const sim_scope *sc, const char *target, const char *expr,
                           const char *label, sim_program **out)
{
    sim_src *src = sim_src_new(expr, label);
    sim_stmt st = { .op = SIM_SET };
    sim_compiler *c = NULL;
    *out = NULL;
    int rc = src && (st.target = snx_strdup(target)) ? 0 : SNX_ENOMEM;
    if (!rc && !(st.expr = sim_parse_expr(src)))
        rc = snx_errcode();
    if (!rc) {
        st.end = st.expr->end;
        rc = check_value_dim(sc, target, st.expr, label, expr);
        rc = rc ? rc : sim_analyze_stmt(&st, src, sc);
    }
    if (!rc && !(c = sim_compiler_new(sc)))
        rc = SNX_ENOMEM;
    if (!rc && !(rc = sim_compile_stmt(c, &st)) && !(*out = sim_compiler_finish(c)))
        rc = snx_errcode();
    sim_compiler_free(c);
    free(st.target);
    sim_src_free(src);
    return rc;
}
