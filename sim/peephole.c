/* Stores and Euler updates fused into the instruction that computes their value.
 *
 * The integrators compute every new value into a register before storing any (the
 * new values of a coupled system all come from the old ones), then copy each register
 * into its variable: MOV_V x, r, or MOV_HELD x, r where x is held while refractory.
 * Each copy is one more pass over the block: in an exactly integrated LIF neuron a
 * third of its passes. When the register r was made by one instruction P and read
 * only by the copy, P can write x itself:
 *   - in P's place (the store hoisted), if nothing between P and the copy reads or
 *     writes x (or, held, writes the `until` array);
 *   - in the copy's place (P sunk), if nothing between them writes what P reads.
 * For MOV_HELD, P takes its held form (MUL_VS, ADD_VS, ADD_VV and MULADD_VSV have
 * one). Likewise an Euler update x += dt * (r * s) whose r is a difference, a sum
 * (both also held) or a multiply-add (EULER_SUB_VS, EULER_ADD_VS, EULER_MAS): the
 * derivatives (a - b)/tau and -(c*y + x)/tau are common. And a conductance times a
 * driving force, g * (E - v), alone or added to another (MUL_DIFF, MULADD_DIFF). The
 * same operations on the same values: the same bits. */
#include "peephole.h"

#include <stdbool.h>
#include <string.h>

enum {
#define SIM_X(name, spelling, rule, loop, expr) +1
    N_BINARY = 0 SIM_BINARY_OPS(SIM_X),
    N_UNARY = 0 SIM_UNARY_OPS(SIM_X),
#undef SIM_X
    FIRST_BINARY = SIM_OP_MOV_S + 1,
    FIRST_UNARY = FIRST_BINARY + 3 * N_BINARY,
};

/* An instruction's scalar operands (up to 2, in out[]). */
static int scalars(sim_insn I, unsigned out[2])
{
    if (I.op >= FIRST_BINARY && I.op < FIRST_UNARY) {
        int form = (I.op - FIRST_BINARY) % 3; /* VV, VS, SV */
        out[0] = form == 1 ? I.b : I.a;
        return form != 0;
    }
    switch (I.op) {
    case SIM_OP_MOV_S: case SIM_OP_RANDN: case SIM_OP_IOTA: case SIM_OP_ITOF:
    case SIM_OP_MULADD_VSV: case SIM_OP_EULER_VS: case SIM_OP_EULER_VS_HELD:
    case SIM_OP_EULER_VSV: case SIM_OP_EULER_VSV_HELD: case SIM_OP_MUL_VS_HELD:
    case SIM_OP_ADD_VS_HELD: case SIM_OP_MULADD_VSV_HELD: case SIM_OP_MUL_DIFF:
    case SIM_OP_MULADD_DIFF:
        out[0] = I.b;
        return 1;
    case SIM_OP_EULER_SUB_VS: case SIM_OP_EULER_SUB_VS_HELD: case SIM_OP_EULER_ADD_VS:
    case SIM_OP_EULER_ADD_VS_HELD:
        out[0] = I.c;
        return 1;
    case SIM_OP_EULER_MAS:
        out[0] = I.b;
        out[1] = I.e;
        return 2;
    default:
        return 0;
    }
}

/* The vector operands an instruction reads (up to 4) and the one it writes. */
static int vector_operands(sim_insn I, unsigned reads[4], unsigned *write)
{
    int n = 0;
    *write = I.d;
    if (I.op >= FIRST_BINARY && I.op < FIRST_UNARY) {
        int form = (I.op - FIRST_BINARY) % 3; /* VV, VS, SV */
        if (form != 2)
            reads[n++] = I.a;
        if (form != 1)
            reads[n++] = I.b;
        return n;
    }
    if (I.op >= FIRST_UNARY && I.op < FIRST_UNARY + N_UNARY) {
        reads[n++] = I.a;
        return n;
    }
    switch (I.op) {
    case SIM_OP_MOV_V: reads[n++] = I.a; break;
    case SIM_OP_MOV_S: case SIM_OP_RAND: case SIM_OP_RANDN: case SIM_OP_IOTA:
    case SIM_OP_ITOF: break;
    case SIM_OP_MULADD_VSV: reads[n++] = I.a; reads[n++] = I.c; break;
    case SIM_OP_MULADD_VVV: reads[n++] = I.a; reads[n++] = I.b; reads[n++] = I.c; break;
    case SIM_OP_EULER_VS: reads[n++] = I.d; reads[n++] = I.a; break;
    case SIM_OP_EULER_VSV: reads[n++] = I.d; reads[n++] = I.a; reads[n++] = I.c; break;
    case SIM_OP_EULER_V_HELD: case SIM_OP_EULER_VS_HELD: case SIM_OP_MOV_HELD:
    case SIM_OP_MUL_VS_HELD: case SIM_OP_ADD_VS_HELD:
        reads[n++] = I.d; reads[n++] = I.a; reads[n++] = I.e; break;
    case SIM_OP_ADD_VV_HELD:
        reads[n++] = I.d; reads[n++] = I.a; reads[n++] = I.b; reads[n++] = I.e; break;
    case SIM_OP_EULER_VSV_HELD: case SIM_OP_MULADD_VSV_HELD:
        reads[n++] = I.d; reads[n++] = I.a; reads[n++] = I.c; reads[n++] = I.e; break;
    case SIM_OP_EULER_SUB_VS: case SIM_OP_EULER_ADD_VS:
        reads[n++] = I.d; reads[n++] = I.a; reads[n++] = I.b; break;
    case SIM_OP_EULER_SUB_VS_HELD: case SIM_OP_EULER_ADD_VS_HELD:
        reads[n++] = I.d; reads[n++] = I.a; reads[n++] = I.b; reads[n++] = I.e; break;
    case SIM_OP_EULER_MAS: reads[n++] = I.d; reads[n++] = I.a; reads[n++] = I.c; break;
    case SIM_OP_MUL_DIFF: reads[n++] = I.a; reads[n++] = I.c; break;
    case SIM_OP_MULADD_DIFF: reads[n++] = I.a; reads[n++] = I.c; reads[n++] = I.e; break;
    case SIM_OP_GATHER: reads[n++] = I.a | SIM_ARRAY_BIT; break;
    default: /* the scatters: into array d, through an index list */
        reads[n++] = I.a;
        reads[n++] = I.d | SIM_ARRAY_BIT;
        *write = I.d | SIM_ARRAY_BIT;
        break;
    }
    return n;
}

/* The arrays and registers an instruction reads (up to 6, in reads[]) and the one it
 * writes (*write): its vector operands, and the arrays its scalar operands read
 * element 0 of (shared variables). Index lists are not operands. */
static int operands(sim_insn I, unsigned reads[6], unsigned *write)
{
    int n = vector_operands(I, reads, write);
    unsigned s[2];
    for (int k = 0, ns = scalars(I, s); k < ns; k++)
        if (s[k] & SIM_ARRAY_BIT)
            reads[n++] = s[k];
    return n;
}


static bool reads_operand(sim_insn I, unsigned v)
{
    unsigned r[6], w;
    int n = operands(I, r, &w);
    for (int k = 0; k < n; k++)
        if (r[k] == v)
            return true;
    return false;
}

/* How many of I's vector operands are v. */
static int uses(sim_insn I, unsigned v)
{
    unsigned r[6], w;
    int n = operands(I, r, &w), count = 0;
    for (int k = 0; k < n; k++)
        count += r[k] == v;
    return count;
}

static unsigned written(sim_insn I)
{
    unsigned r[6], w;
    operands(I, r, &w);
    return w;
}

/* The held form of op, or -1. */
static int held_form(int op)
{
    switch (op) {
    case SIM_OP_MUL_VS: return SIM_OP_MUL_VS_HELD;
    case SIM_OP_ADD_VS: return SIM_OP_ADD_VS_HELD;
    case SIM_OP_ADD_VV: return SIM_OP_ADD_VV_HELD;
    case SIM_OP_MULADD_VSV: return SIM_OP_MULADD_VSV_HELD;
    default: return -1;
    }
}

/* Whether op computes its result from its operands alone, element by element (so it
 * may write a variable instead of a register, and run elsewhere). */
static bool elementwise(int op)
{
    return (op >= FIRST_BINARY && op < FIRST_UNARY + N_UNARY) || op == SIM_OP_MULADD_VSV ||
           op == SIM_OP_MULADD_VVV;
}

/* Whether register r is read after position j before it is written again (by the
 * instruction at j itself, too). */
static bool read_later(const sim_insn *code, int n, int j, unsigned r)
{
    if (written(code[j]) == r)
        return false;
    for (int k = j + 1; k < n; k++) {
        if (reads_operand(code[k], r))
            return true;
        if (written(code[k]) == r)
            return false;
    }
    return false;
}

/* Whether F (P and M in one) can run at P's place i instead of M's place j: nothing
 * between them reads or writes M's destination or P's register, or writes what M reads
 * besides P's register (F reads it earlier than M did). */
static bool can_hoist(const sim_insn *code, int i, int j)
{
    unsigned m_reads[6], m_write, r = code[i].d;
    int nm = operands(code[j], m_reads, &m_write);
    for (int k = i + 1; k < j; k++) {
        unsigned w = written(code[k]);
        if (reads_operand(code[k], m_write) || w == m_write || reads_operand(code[k], r) ||
            w == r)
            return false;
        for (int q = 0; q < nm; q++)
            if (m_reads[q] != r && w == m_reads[q])
                return false;
    }
    return true;
}

static bool can_sink(const sim_insn *code, int i, int j)
{
    unsigned reads[6], w;
    int n = operands(code[i], reads, &w);
    for (int q = 0; q < n; q++)
        if (reads[q] == w) /* P reads its own result (r = r + ...) */
            return false;
    for (int k = i + 1; k < j; k++) {
        if (reads_operand(code[k], w))
            return false;
        for (int q = 0; q < n; q++)
            if (written(code[k]) == reads[q])
                return false;
    }
    return true;
}

/* Fuses the copy at j into the instruction that made its register; false if none
 * qualifies. */
static bool held_consumer(int op)
{
    return op == SIM_OP_MOV_HELD || op == SIM_OP_EULER_VS_HELD;
}

/* The one instruction doing what producer P and consumer M (which reads P's register
 * as its operand a, or with `as_b` as its operand b) do, in *F; false if there is
 * none. */
static bool fused(sim_insn P, sim_insn M, bool as_b, sim_insn *F)
{
    bool held = held_consumer(M.op);
    *F = P;
    F->d = M.d;
    F->e = held ? M.e : 0;
    if (as_b) { /* x * r or x * r + y with r = s - z: the conductance form g * (E - v) */
        if (P.op != SIM_OP_SUB_SV || (M.op != SIM_OP_MUL_VV && M.op != SIM_OP_MULADD_VVV))
            return false;
        *F = (sim_insn){ M.op == SIM_OP_MUL_VV ? SIM_OP_MUL_DIFF : SIM_OP_MULADD_DIFF, M.d,
                         M.a, P.a, P.b, M.op == SIM_OP_MULADD_VVV ? M.c : 0 };
        return true;
    }
    switch (M.op) {
    case SIM_OP_MOV_V: /* x = P(...) */
        return elementwise(P.op);
    case SIM_OP_MOV_HELD:
        if (!elementwise(P.op) || held_form(P.op) < 0)
            return false;
        F->op = (uint16_t)held_form(P.op);
        return true;
    case SIM_OP_EULER_VS: /* x += dt * (P(...) * s) */
    case SIM_OP_EULER_VS_HELD:
        if (P.op == SIM_OP_SUB_VV || P.op == SIM_OP_ADD_VV) {
            F->op = (uint16_t)(P.op == SIM_OP_SUB_VV
                                   ? (held ? SIM_OP_EULER_SUB_VS_HELD : SIM_OP_EULER_SUB_VS)
                                   : (held ? SIM_OP_EULER_ADD_VS_HELD : SIM_OP_EULER_ADD_VS));
            F->c = M.b;
            return true;
        }
        if (P.op == SIM_OP_MULADD_VSV && !held) {
            F->op = SIM_OP_EULER_MAS;
            F->e = M.b;
            return true;
        }
        return false;
    case SIM_OP_MUL_VV: /* r * x: as x * r (multiplication commutes exactly) */
    case SIM_OP_MULADD_VVV:
        return fused(P, (sim_insn){ M.op, M.d, M.b, M.a, M.c, M.e }, true, F);
    default:
        return false;
    }
}

/* Fuses the consumer at j of a register (its operand a or b) into the instruction
 * that made the register; false if none qualifies. */
static bool fuse(sim_insn *code, int n, int j)
{
    const sim_insn M = code[j];
    for (int slot = 0; slot < 2; slot++) {
        unsigned r = slot ? M.b : M.a;
        if ((slot && M.op != SIM_OP_MUL_VV && M.op != SIM_OP_MULADD_VVV) ||
            (r & SIM_ARRAY_BIT))
            continue;
        int i = j - 1;
        while (i >= 0 && written(code[i]) != r)
            i--;
        sim_insn F;
        if (i < 0 || uses(M, r) != 1 || !fused(code[i], M, slot == 1, &F) ||
            read_later(code, n, j, r))
            continue; /* r twice in M (r * r) is not a single use */
        if (can_hoist(code, i, j)) {
            code[i] = F;
            memmove(code + j, code + j + 1, (size_t)(n - j - 1) * sizeof *code);
            return true;
        }
        if (can_sink(code, i, j)) {
            code[j] = F;
            memmove(code + i, code + i + 1, (size_t)(n - i - 1) * sizeof *code);
            return true;
        }
    }
    return false;
}

/* Passes over the program until one fuses nothing: a fusion can enable another
 * before it (a removed copy no longer reads a register). After a fusion the same
 * position is looked at again, since another instruction moved there. */
int sim_fuse_stores(sim_insn *code, int n)
{
    for (bool changed = true; changed;) {
        changed = false;
        for (int j = 0; j < n; j++)
            while (j < n && fuse(code, n, j)) {
                n--;
                changed = true;
            }
    }
    return n;
}
