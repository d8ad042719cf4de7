/* Stores fused into the instruction computing the stored value (sim/peephole.c): the
 * rewritten programs have the expected instructions, fewer passes, and compute the
 * same bits as the programs they came from; where fusing would change a value
 * (the variable read in between, the register read later, a producer reading its
 * own result), nothing is fused. */
#include "sim_test.h"

#include "../sim/internal.h"
#include "../sim/peephole.h"

enum { LEN = 37, X = SIM_ARRAY_BIT | 0, Y = SIM_ARRAY_BIT | 1, Z = SIM_ARRAY_BIT | 2,
       UNTIL = SIM_ARRAY_BIT | 3 };

/* Scalar operands: constants after the runtime slots. */
#define C0 (SIM_N_RT + 0)
#define C1 (SIM_N_RT + 1)
#define C2 (SIM_N_RT + 2)

static double CONSTS[3] = { 0.75, -1.25, 0.5 };

/* Runs code over x, y, z (and until, with step 10: about half the neurons held) and
 * leaves the results in out[3][LEN]. */
static void run(const sim_insn *code, int n, double out[3][LEN])
{
    double until[LEN];
    for (int k = 0; k < LEN; k++) {
        out[0][k] = 0.1 * k - 1;
        out[1][k] = 1.0 / (k + 1);
        out[2][k] = k % 3;
        until[k] = (k * 7) % 20;
    }
    double *arrays[4] = { out[0], out[1], out[2], until };
    sim_insn *copy = malloc((size_t)n * sizeof *copy);
    memcpy(copy, code, (size_t)n * sizeof *copy);
    sim_program p = { .code = copy, .n_code = n, .consts = CONSTS, .n_consts = 3, .n_regs = 4,
                      .n_arrays = 4 };
    const double rt[SIM_N_RT] = { 0.001, 10, 1e-4 };
    double *regs = sim_regs_alloc(4);
    sim_exec_ctx x = { arrays, NULL, 0, LEN, rt, NULL, regs };
    sim_program_exec(&p, &x);
    free(regs);
    free(copy);
}

static char *listing(const sim_insn *code, int n)
{
    sim_program p = { .code = (sim_insn *)code, .n_code = n, .consts = CONSTS, .n_consts = 3,
                      .n_regs = 4, .n_arrays = 4 };
    return sim_program_dump(&p);
}

/* Fuses a copy of code; checks the listing and that both compute the same bits. */
static void check(const sim_insn *code, int n, const char *want)
{
    sim_insn fused[16];
    memcpy(fused, code, (size_t)n * sizeof *code);
    int m = sim_fuse_stores(fused, n);
    char *got = listing(fused, m);
    if (strcmp(got, want))
        print_error("fused to\n%s\nexpected\n%s", got, want);
    assert_string_equal(got, want);
    free(got);
    double before[3][LEN], after[3][LEN];
    run(code, n, before);
    run(fused, m, after);
    assert_memory_equal(before, after, sizeof before);
}

#define I(op, d, a, b, c, e) { SIM_OP_##op, d, a, b, c, e }

/* An exact update of held variables (as sim/exact.c writes it): new values in
 * registers, then copied while not refractory. The copies go into the instructions
 * that make the values: x's and z's in their place (nothing between reads x or z);
 * y's, read by z's, moves down to its copy (its input y is unchanged there). */
static void test_held_copies_fused(void **state)
{
    (void)state;
    const sim_insn code[] = {
        I(MUL_VS, 0, X, C0, 0, 0),
        I(MULADD_VSV, 0, Y, C1, 0, 0),
        I(ADD_VS, 0, 0, C2, 0, 0),
        I(MUL_VS, 1, Y, C2, 0, 0),
        I(ADD_VV, 2, Y, Z, 0, 0),
        I(MOV_HELD, X, 0, 0, 0, UNTIL),
        I(MOV_HELD, Y, 1, 0, 0, UNTIL),
        I(MOV_HELD, Z, 2, 0, 0, UNTIL),
    };
    check(code, 8,
          "MUL_VS r0 a0 #0.75\n"
          "MULADD_VSV r0 a1 #-1.25 r0\n"
          "ADD_VS_HELD a0 r0 #0.5 until a3\n"
          "ADD_VV_HELD a2 a1 a2 until a3\n"
          "MUL_VS_HELD a1 a1 #0.5 until a3\n");
}

/* A coupled update: y's new value reads the old x, so x's store cannot move up; its
 * instruction moves down to the copy instead (its inputs are unchanged there). y's
 * then can do neither (x is written in between, y read) and keeps its copy. */
static void test_coupled_copies_sunk(void **state)
{
    (void)state;
    const sim_insn code[] = {
        I(MULADD_VSV, 0, X, C0, Y, 0),
        I(MULADD_VSV, 1, Y, C1, X, 0),
        I(MOV_V, X, 0, 0, 0, 0),
        I(MOV_V, Y, 1, 0, 0, 0),
    };
    check(code, 4,
          "MULADD_VSV r1 a1 #-1.25 a0\n"
          "MULADD_VSV a0 a0 #0.75 a1\n"
          "MOV_V a1 r1\n");
}

/* Euler updates x += dt*(r*s) whose r is a difference, a sum or a multiply-add (as
 * the clustered network's synaptic variables and COBA's membrane write them). */
static void test_euler_updates_fused(void **state)
{
    (void)state;
    const sim_insn code[] = {
        I(SUB_VV, 0, Y, X, 0, 0),
        I(MULADD_VSV, 1, Z, C0, Y, 0),
        I(ADD_VV, 2, X, Z, 0, 0),
        I(EULER_VS_HELD, X, 0, C1, 0, UNTIL),
        I(EULER_VS, Y, 1, C2, 0, 0),
        I(EULER_VS, Z, 2, C1, 0, 0),
    };
    /* x's and y's differences move down into their updates (their inputs are still
     * old there); z's sum can do neither: x changes before z's update, and y's update
     * reads z after the sum. */
    check(code, 6,
          "ADD_VV r2 a0 a2\n"
          "EULER_SUB_VS_HELD a0 a1 a0 #-1.25 until a3\n"
          "EULER_MAS a1 a2 #0.75 a1 #0.5\n"
          "EULER_VS a2 r2 #-1.25\n");
    /* a sum into a plain update (nothing in between); a multiply-add into a held
     * update has no fused form */
    const sim_insn more[] = {
        I(ADD_VV, 0, X, Z, 0, 0),
        I(EULER_VS, Z, 0, C1, 0, 0),
        I(MULADD_VSV, 1, Z, C0, Y, 0),
        I(EULER_VS_HELD, Y, 1, C2, 0, UNTIL),
    };
    check(more, 4,
          "EULER_ADD_VS a2 a0 a2 #-1.25\n"
          "MULADD_VSV r1 a2 #0.75 a1\n"
          "EULER_VS_HELD a1 r1 #0.5 until a3\n");
}

/* COBA's membrane: conductances times driving forces, g * (E - v), as the compiler
 * writes them (the difference first, then a product or multiply-add reading it as
 * either operand). */
static void test_driving_forces_fused(void **state)
{
    (void)state;
    const sim_insn code[] = {
        I(SUB_SV, 0, C0, X, 0, 0),         /* r0 = E0 - x */
        I(SUB_SV, 1, C1, X, 0, 0),         /* r1 = E1 - x */
        I(MUL_VV, 1, Z, 1, 0, 0),          /* r1 = z * r1 */
        I(MULADD_VVV, 1, 0, Y, 1, 0),      /* r1 = r0 * y + r1 */
        I(EULER_VS_HELD, X, 1, C2, 0, UNTIL),
    };
    check(code, 5,
          "MUL_DIFF r1 a2 #-1.25 a0\n"
          "MULADD_DIFF r1 a1 #0.75 a0 r1\n"
          "EULER_VS_HELD a0 r1 #0.5 until a3\n");
    /* a difference read twice (r * r) stays */
    const sim_insn square[] = {
        I(SUB_SV, 0, C0, X, 0, 0),
        I(MUL_VV, Y, 0, 0, 0, 0),
    };
    check(square, 2, "SUB_SV r0 #0.75 a0\nMUL_VV a1 r0 r0\n");
}

/* Nothing moves where it would change a value. */
static void test_unsafe_copies_kept(void **state)
{
    (void)state;
    /* the producer reads its own result, and x is read before the copy */
    const sim_insn accumulate[] = {
        I(MUL_VS, 0, Y, C0, 0, 0),
        I(ADD_VV, 0, 0, Z, 0, 0),
        I(MUL_VS, 1, X, C1, 0, 0),
        I(MOV_V, X, 0, 0, 0, 0),
        I(MOV_V, Z, 1, 0, 0, 0),
    };
    check(accumulate, 5,
          "MUL_VS r0 a1 #0.75\n"
          "ADD_VV r0 r0 a2\n"
          "MUL_VS a2 a0 #-1.25\n"
          "MOV_V a0 r0\n");
    /* the register is read again after the copy */
    const sim_insn reused[] = {
        I(MUL_VS, 0, Y, C0, 0, 0),
        I(MOV_V, X, 0, 0, 0, 0),
        I(ADD_VV, Z, 0, Z, 0, 0),
    };
    check(reused, 3, "MUL_VS r0 a1 #0.75\nMOV_V a0 r0\nADD_VV a2 r0 a2\n");
    /* no held form of the producer (a division) */
    const sim_insn no_held[] = {
        I(DIV_VS, 0, Y, C0, 0, 0),
        I(MOV_HELD, X, 0, 0, 0, UNTIL),
    };
    check(no_held, 2, "DIV_VS r0 a1 #0.75\nMOV_HELD a0 r0 until a3\n");
    /* the until array is written between the producer and a held copy, and the
     * producer's input y too: neither place keeps the value */
    const sim_insn until_written[] = {
        I(MUL_VS, 0, Y, C0, 0, 0),
        I(MOV_S, UNTIL, 0, C2, 0, 0),
        I(MOV_S, Y, 0, C1, 0, 0),
        I(MOV_HELD, X, 0, 0, 0, UNTIL),
    };
    check(until_written, 4,
          "MUL_VS r0 a1 #0.75\nMOV_S a3 #0.5\nMOV_S a1 #-1.25\nMOV_HELD a0 r0 until a3\n");
    /* a shared variable (a scalar operand reading element 0 of y) written between the
     * producer and the copy, and z read between them: neither place keeps the value */
    const sim_insn shared_written[] = {
        I(ADD_VS, 0, X, Y, 0, 0),
        I(MOV_V, 1, Z, 0, 0, 0),
        I(MOV_S, Y, 0, C1, 0, 0),
        I(MOV_V, Z, 0, 0, 0, 0),
    };
    char *want = listing(shared_written, 4);
    check(shared_written, 4, want);
    free(want);
}

/* Compiled models get the fused forms: an exactly integrated LIF neuron with
 * refractoriness updates each variable in the pass that computes it. */
static void test_exact_lif_fused(void **state)
{
    (void)state;
    snx_net *net = snx_net_new(NULL);
    assert_non_null(net);
    snx_group *g = must_group(net, "lif", 10,
                              "dv/dt = (ge - v)/(20*ms) : 1 (unless refractory)\n"
                              "dge/dt = -ge/(5*ms) : 1\n",
                              OPTS(.threshold = "v > 1", .reset = "v = 0",
                                   .refractory = "2*ms", .method = "exact"));
    assert_ok(snx_group_init(g, "ge", "0.5"));
    assert_ok(snx_net_run(net, 0.001));
    char *got = sim_program_dump(g->step_prog);
    /* no copies left: every store is part of an arithmetic instruction */
    if (strstr(got, "MOV_HELD") || strstr(got, "MOV_V"))
        print_error("%s", got);
    assert_null(strstr(got, "MOV_HELD"));
    assert_null(strstr(got, "MOV_V"));
    assert_non_null(strstr(got, "_HELD"));
    free(got);
    snx_net_free(net);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_held_copies_fused),
        cmocka_unit_test(test_coupled_copies_sunk),
        cmocka_unit_test(test_euler_updates_fused),
        cmocka_unit_test(test_driving_forces_fused),
        cmocka_unit_test(test_unsafe_copies_kept),
        cmocka_unit_test(test_exact_lif_fused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
