/* The Environment's run messages and channel: every value type round-trips, nodes
 * keep their names, kinds, comments and annotations, and truncated or garbled
 * bytes are refused without crashing. */
#include "snx_test.h"
#include "snex/env.h"
#include "../explore/env_internal.h"

#include <fcntl.h>
#include <math.h>
#include <unistd.h>

static snx_traj *make_traj(void)
{
    snx_traj *t = snx_traj_new("msg", NULL);
    assert_non_null(t);
    assert_non_null(snx_traj_add_parameter(t, "x", snx_int(0), NULL));
    snx_ranges *r = snx_ranges_new();
    assert_ok(snx_ranges_add_ints(r, "x", (int64_t[]){ 1, 2, 3 }, 3));
    assert_ok(snx_traj_explore(t, r));
    snx_ranges_free(r);
    return t;
}

static snx_table *make_table(void)
{
    snx_table *t = snx_table_new(3);
    assert_ok(snx_table_add_int(t, "i", (int64_t[]){ -1, 0, INT64_MAX }));
    assert_ok(snx_table_add_double(t, "d", (double[]){ 0.5, NAN, -1e300 }));
    assert_ok(snx_table_add_bool(t, "b", (bool[]){ true, false, true }));
    assert_ok(snx_table_add_string(t, "s", (const char *[]){ "a", "", "ünïcode" }));
    return t;
}

/* Adds one of every kind of thing a run can add, inside run 1. */
static void add_run_data(snx_traj *t)
{
    assert_ok(snx_traj_begin_run(t, 1));
    snx_node *res = snx_traj_add_result(t, "all", snx_none(), "every value type");
    assert_non_null(res);
    assert_ok(snx_result_set(res, "bool", snx_bool(1)));
    assert_ok(snx_result_set(res, "int", snx_int(INT64_MIN)));
    assert_ok(snx_result_set(res, "double", snx_double(-0.1)));
    assert_ok(snx_result_set(res, "complex", snx_complex(1.5, -2)));
    assert_ok(snx_result_set(res, "string", snx_str("hello, world")));
    assert_ok(snx_result_set(res, "empty_string", snx_str("")));
    assert_ok(snx_result_set(res, "quantity", snx_quantity(15, "ms")));
    size_t shape[3] = { 2, 3, 2 };
    int64_t ints[12];
    double dbls[12];
    for (int k = 0; k < 12; k++) {
        ints[k] = k * k - 7;
        dbls[k] = k / 3.0;
    }
    assert_ok(snx_result_set(res, "int_nd", snx_int_array_nd(3, shape, ints)));
    snx_value da = snx_double_array(12, dbls);
    da.unit = snx_strdup("mV");
    assert_ok(snx_result_set(res, "volts", da));
    assert_ok(snx_result_set(res, "empty_array", snx_double_array(0, NULL)));
    assert_ok(snx_result_set(res, "table", snx_table_value(make_table())));
    assert_ok(snx_result_set(res, "empty_table", snx_table_value(snx_table_new(0))));
    assert_ok(snx_node_annotate(res, "order", snx_int(3)));
    assert_ok(snx_node_annotate(res, "unit", snx_str("Hz")));

    snx_node *d = snx_traj_add_derived(t, "area", snx_double(2.5), "a derived parameter");
    assert_non_null(d);
    assert_non_null(snx_traj_add_result(t, "bucket.$set.$.z", snx_int(42), "with wildcards"));
    snx_node *g = snx_traj_add_group(t, "results.grp.inner", "a group");
    assert_non_null(g);
    assert_ok(snx_node_annotate(g, "colour", snx_str("blue")));
    assert_non_null(snx_node_add_leaf(g, "leaf", snx_str("in a group"), NULL));
}

static void assert_nodes_equal(snx_node *a, snx_node *b)
{
    assert_string_equal(snx_node_full_name(a), snx_node_full_name(b));
    assert_int_equal(snx_node_kind_of(a), snx_node_kind_of(b));
    assert_string_equal(snx_node_comment(a), snx_node_comment(b));
    assert_int_equal(snx_node_n_annotations(a), snx_node_n_annotations(b));
    for (size_t k = 0; k < snx_node_n_annotations(a); k++) {
        const char *ka, *kb;
        const snx_value *va = snx_node_annotation_at(a, k, &ka);
        const snx_value *vb = snx_node_annotation_at(b, k, &kb);
        assert_string_equal(ka, kb);
        assert_true(snx_value_equal(va, vb));
    }
    if (snx_node_kind_of(a) == SNX_NODE_PARAMETER)
        assert_true(snx_value_equal(snx_par_peek(a), snx_par_peek(b)));
    if (snx_node_kind_of(a) == SNX_NODE_RESULT) {
        assert_int_equal(snx_result_n_items(a), snx_result_n_items(b));
        for (size_t k = 0; k < snx_result_n_items(a); k++) {
            const char *na, *nb;
            const snx_value *va = snx_result_item_at(a, k, &na);
            const snx_value *vb = snx_result_item_at(b, k, &nb);
            assert_string_equal(na, nb);
            if (!snx_value_equal(va, vb))
                print_error("item %s differs\n", na);
            assert_true(snx_value_equal(va, vb));
            if (va->unit || vb->unit)
                assert_string_equal(va->unit, vb->unit);
        }
    }
}

static void encode_run(snx_traj *t, snx_buf *msg)
{
    env_report rep = { .idx = 1, .status = 0, .seed = 0xDEADBEEFCAFEull, .timestamp = 100.25,
                       .finish_timestamp = 101.5, .ret = snx_double_array(3, (double[]){ 1, 2, 3 }) };
    assert_ok(env_msg_encode(msg, t, &rep));
    env_report_clear(&rep);
}

static void test_round_trip_every_type(void **state)
{
    (void)state;
    snx_traj *src = make_traj();
    add_run_data(src);
    snx_buf msg = { 0 };
    encode_run(src, &msg);
    size_t len;
    assert_true(env_msg_complete(msg.data, msg.len, &len));
    assert_int_equal(len, msg.len);

    snx_traj *dst = make_traj();
    assert_ok(snx_traj_begin_run(dst, 1));
    env_report rep;
    assert_ok(env_msg_apply(dst, msg.data, msg.len, &rep));
    assert_int_equal(rep.idx, 1);
    assert_int_equal(rep.status, 0);
    assert_true(rep.seed == 0xDEADBEEFCAFEull);
    assert_true(rep.timestamp == 100.25 && rep.finish_timestamp == 101.5);
    assert_null(rep.error);
    assert_int_equal(rep.ret.type, SNX_T_DOUBLE_ARRAY);
    assert_true(((double *)rep.ret.u.a.data)[2] == 3);
    env_report_clear(&rep);

    /* Same nodes, in the same order, recorded as the run's additions. */
    assert_int_equal(snx_traj_n_run_added(dst), snx_traj_n_run_added(src));
    for (size_t k = 0; k < snx_traj_n_run_added(src); k++)
        assert_nodes_equal(snx_traj_run_added(src, k), snx_traj_run_added(dst, k));
    assert_non_null(snx_traj_get(dst, "results.bucket.run_set_00000.run_00000001.z"));
    assert_non_null(snx_traj_get(dst, "derived_parameters.runs.run_00000001.area"));
    snx_traj_end_run(dst);
    snx_traj_end_run(src);
    snx_buf_free(&msg);
    snx_traj_free(src);
    snx_traj_free(dst);
}

static void test_failure_report_has_no_nodes(void **state)
{
    (void)state;
    snx_buf msg = { 0 };
    assert_ok(env_msg_encode_failure(&msg, 7, 99, 1.0, 2.0, SNX_ERUN, "crashed: SIGSEGV"));
    snx_traj *t = make_traj();
    size_t before = snx_traj_n_nodes(t);
    env_report rep;
    assert_ok(env_msg_apply(t, msg.data, msg.len, &rep));
    assert_int_equal(rep.idx, 7);
    assert_int_equal(rep.status, SNX_ERUN);
    assert_string_equal(rep.error, "crashed: SIGSEGV");
    assert_int_equal(rep.ret.type, SNX_T_NONE);
    assert_int_equal(snx_traj_n_nodes(t), before);
    env_report_clear(&rep);
    snx_buf_free(&msg);
    snx_traj_free(t);
}

/* A failed run sends its report only, even when it had added nodes. */
static void test_failed_run_sends_no_nodes(void **state)
{
    (void)state;
    snx_traj *src = make_traj();
    add_run_data(src);
    snx_buf msg = { 0 };
    env_report rep = { .idx = 1, .status = SNX_EINVAL, .error = "bad input" };
    assert_ok(env_msg_encode(&msg, src, &rep));
    snx_traj_end_run(src);
    snx_traj *dst = make_traj();
    size_t before = snx_traj_n_nodes(dst);
    env_report got;
    assert_ok(env_msg_apply(dst, msg.data, msg.len, &got));
    assert_int_equal(got.status, SNX_EINVAL);
    assert_string_equal(got.error, "bad input");
    assert_int_equal(snx_traj_n_nodes(dst), before);
    env_report_clear(&got);
    snx_buf_free(&msg);
    snx_traj_free(src);
    snx_traj_free(dst);
}

/* Every proper prefix of a message is refused as such, and nothing leaks. */
static void test_truncated_messages_are_refused(void **state)
{
    (void)state;
    snx_traj *src = make_traj();
    add_run_data(src);
    snx_buf msg = { 0 };
    encode_run(src, &msg);
    snx_traj_end_run(src);
    size_t len;
    for (size_t cut = 0; cut < msg.len; cut++) {
        assert_false(env_msg_complete(msg.data, cut, &len) && len <= cut);
        snx_traj *dst = make_traj();
        assert_ok(snx_traj_begin_run(dst, 1));
        env_report rep;
        int rc = env_msg_apply(dst, msg.data, cut, &rep);
        assert_int_equal(rc, SNX_EFORMAT);
        env_report_clear(&rep);
        snx_traj_end_run(dst);
        snx_traj_free(dst);
    }
    snx_buf_free(&msg);
    snx_traj_free(src);
}

/* Garbled bytes (one flipped byte anywhere) never crash the reader. */
static void test_garbled_messages_do_not_crash(void **state)
{
    (void)state;
    snx_traj *src = make_traj();
    add_run_data(src);
    snx_buf msg = { 0 };
    encode_run(src, &msg);
    snx_traj_end_run(src);
    char *copy = malloc(msg.len);
    size_t failures = 0;
    for (size_t at = 0; at < msg.len; at++) {
        memcpy(copy, msg.data, msg.len);
        copy[at] ^= (char)(0x5A + at % 7);
        snx_traj *dst = make_traj();
        assert_ok(snx_traj_begin_run(dst, 1));
        env_report rep;
        if (env_msg_apply(dst, copy, msg.len, &rep))
            failures++;
        env_report_clear(&rep);
        snx_traj_end_run(dst);
        snx_traj_free(dst);
    }
    assert_true(failures > 0);
    memcpy(copy, msg.data, msg.len);
    copy[4] = 9; /* another version */
    snx_traj *dst = make_traj();
    env_report rep;
    assert_fails(env_msg_apply(dst, copy, msg.len, &rep), SNX_EVERSION, "version");
    env_report_clear(&rep);
    snx_traj_free(dst);
    free(copy);
    snx_buf_free(&msg);
    snx_traj_free(src);
}

static void test_unsendable_value_is_an_error(void **state)
{
    (void)state;
    snx_traj *t = make_traj();
    snx_buf msg = { 0 };
    env_report rep = { .idx = 0, .ret = { .type = SNX_T_ERROR } };
    assert_fails(env_msg_encode(&msg, t, &rep), SNX_ETYPE, "cannot send");
    assert_int_equal(msg.len, 0);
    snx_buf_free(&msg);
    snx_traj_free(t);
}

/* Frames through a pipe, and the incremental reader fed one byte at a time. */
static void test_channel_frames(void **state)
{
    (void)state;
    int p[2];
    assert_ok(pipe(p));
    assert_ok(env_frame_send(p[1], ENV_FRAME_RUN, "abc", 3));
    assert_ok(env_frame_send(p[1], ENV_FRAME_REPORT, "", 0));
    uint32_t type;
    snx_buf payload = { 0 };
    assert_ok(env_frame_recv(p[0], &type, &payload));
    assert_int_equal(type, ENV_FRAME_RUN);
    assert_int_equal(payload.len, 3);
    assert_memory_equal(payload.data, "abc", 3);
    assert_ok(env_frame_recv(p[0], &type, &payload));
    assert_int_equal(type, ENV_FRAME_REPORT);
    assert_int_equal(payload.len, 0);
    close(p[1]);
    assert_int_equal(env_frame_recv(p[0], &type, &payload), 1); /* clean end */
    close(p[0]);

    /* Byte by byte through the non-blocking reader. */
    assert_ok(pipe(p));
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    unsigned char frame[ENV_FRAME_HEADER + 5];
    int tmp[2];
    assert_ok(pipe(tmp));
    assert_ok(env_frame_send(tmp[1], ENV_FRAME_REPORT, "hello", 5));
    assert_int_equal(read(tmp[0], frame, sizeof frame), (ssize_t)sizeof frame);
    close(tmp[0]);
    close(tmp[1]);
    env_reader rd = { 0 };
    const void *data;
    size_t len;
    for (size_t k = 0; k < sizeof frame; k++) {
        assert_int_equal(env_reader_next(&rd, &type, &data, &len), 0);
        assert_int_equal(write(p[1], frame + k, 1), 1);
        assert_int_equal(env_reader_fill(&rd, p[0]), 0);
    }
    assert_int_equal(env_reader_next(&rd, &type, &data, &len), 1);
    assert_int_equal(len, 5);
    assert_memory_equal(data, "hello", 5);
    assert_int_equal(env_reader_next(&rd, &type, &data, &len), 0);
    assert_int_equal(write(p[1], "garbage-garbage!", 16), 16);
    assert_int_equal(env_reader_fill(&rd, p[0]), 0);
    assert_int_equal(env_reader_next(&rd, &type, &data, &len), SNX_EFORMAT);
    close(p[1]);
    env_reader_free(&rd);
    snx_buf_free(&payload);
    close(p[0]);
}

static void test_seeds(void **state)
{
    (void)state;
    /* SplitMix64 with state 0: the documented first outputs. */
    assert_true(snx_env_seed(0, 0) == 0xE220A8397B1DCDAFull);
    assert_true(snx_env_seed(0, 1) == 0x6E789E6AA1B965F4ull);
    assert_true(snx_env_seed(42, 7) != snx_env_seed(42, 8));
    assert_true(snx_env_seed(42, 7) != snx_env_seed(43, 7));
    assert_true(snx_env_seed(42, 7) == snx_env_seed(42, 7));
}

/* ---- the description of a trajectory that MPI ranks compare ---------------------- */

/* A sweep's trajectory as a program builds it: tau in ms (none when NaN; explored
 * over n copies of itself when tau_explored) and x explored over 0..n-1 with `last`
 * as its last value; tau_first: tau is added before x. */
typedef struct sweep_spec {
    double tau;
    bool tau_explored;
    size_t n;
    int64_t last;
    bool tau_first;
} sweep_spec;

static snx_traj *sweep_traj(sweep_spec sp)
{
    snx_traj *t = snx_traj_new("sweep", NULL);
    snx_ranges *r = snx_ranges_new();
    int64_t *xs = calloc(sp.n, sizeof *xs);
    double *taus = calloc(sp.n, sizeof *taus);
    for (size_t k = 0; k < sp.n; k++) {
        xs[k] = k + 1 < sp.n ? (int64_t)k : sp.last;
        taus[k] = sp.tau;
    }
    for (int pass = 0; pass < 2; pass++)
        if ((pass == 0) == sp.tau_first && !isnan(sp.tau))
            assert_non_null(snx_traj_add_parameter(t, "neuron.tau", snx_quantity(sp.tau, "ms"),
                                                   "not explored"));
        else if ((pass == 0) != sp.tau_first)
            assert_non_null(snx_traj_add_parameter(t, "x", snx_int(0), "explored"));
    assert_ok(snx_ranges_add_ints(r, "x", xs, sp.n));
    if (sp.tau_explored)
        assert_ok(snx_ranges_add_quantities(r, "neuron.tau", taus, sp.n, "ms"));
    assert_ok(snx_traj_explore(t, r));
    snx_ranges_free(r);
    free(xs);
    free(taus);
    return t;
}

static void test_ranks_compare_trajectories(void **state)
{
    (void)state;
    static const sweep_spec base = { 10, false, 200, 199, true };
    const struct {
        sweep_spec rank0, rank2;
        const char *why; /* NULL: the same trajectory */
    } cases[] = {
        /* the same parameters, added in another order */
        { base, { 10, false, 200, 199, false }, NULL },
        { base, { 20, false, 200, 199, true },
          "parameter \"parameters.neuron.tau\" is 20 ms on rank 2, 10 ms on rank 0" },
        /* every run counts: the last of 200 differs */
        { base, { 10, false, 200, 1000, true },
          "parameter \"parameters.x\" (explored) has other values on rank 2 than on rank 0" },
        { base, { NAN, false, 200, 199, true },
          "parameter \"parameters.neuron.tau\" is missing on rank 2" },
        { { NAN, false, 200, 199, true }, base,
          "rank 2 has a parameter \"parameters.neuron.tau\" that rank 0 has not" },
        { base, { 10, true, 200, 199, true },
          "parameter \"parameters.neuron.tau\" is explored on rank 2, not on rank 0" },
        /* values are compared by their bits, not by how they print */
        { base, { nextafter(10, 11), false, 200, 199, true },
          "parameter \"parameters.neuron.tau\" is 10 ms on rank 2, 10 ms on rank 0 (beyond "
          "the digits shown)" },
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        snx_traj *rank0 = sweep_traj(cases[c].rank0), *rank2 = sweep_traj(cases[c].rank2);
        snx_buf a = { 0 }, b = { 0 };
        assert_ok(env_traj_describe(rank0, &a));
        assert_ok(env_traj_describe(rank2, &b));
        int rc = env_traj_compare(a.data, a.len, b.data, b.len, 2);
        if (!cases[c].why) {
            assert_ok(rc);
        } else {
            char want[512];
            snprintf(want, sizeof want, "MPI: rank 2 built another trajectory than rank 0: %s; "
                     "every rank must run the same program with the same parameters",
                     cases[c].why);
            assert_int_equal(rc, SNX_EINVAL);
            assert_string_equal(snx_errmsg(), want);
        }
        snx_buf_free(&a);
        snx_buf_free(&b);
        snx_traj_free(rank0);
        snx_traj_free(rank2);
    }
}

static void test_garbled_descriptions_are_refused(void **state)
{
    (void)state;
    snx_traj *t = sweep_traj((sweep_spec){ 10, false, 5, 4, true });
    snx_buf a = { 0 };
    assert_ok(env_traj_describe(t, &a));
    for (size_t cut = 0; cut < a.len; cut++)
        assert_fails(env_traj_compare(a.data, a.len, a.data, cut, 1), SNX_EFORMAT,
                     "a malformed description of a trajectory");
    snx_buf_free(&a);
    snx_traj_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_every_type),
        cmocka_unit_test(test_failure_report_has_no_nodes),
        cmocka_unit_test(test_failed_run_sends_no_nodes),
        cmocka_unit_test(test_truncated_messages_are_refused),
        cmocka_unit_test(test_garbled_messages_do_not_crash),
        cmocka_unit_test(test_unsendable_value_is_an_error),
        cmocka_unit_test(test_channel_frames),
        cmocka_unit_test(test_seeds),
        cmocka_unit_test(test_ranks_compare_trajectories),
        cmocka_unit_test(test_garbled_descriptions_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
