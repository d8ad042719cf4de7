/* Fuzz target: the worker -> writer run message decoder (explore/run_message.c).
 *
 * The input is one message as a worker sends it. The writer's path is followed
 * (explore/env_writer.c): env_msg_complete frames it, env_msg_peek reads the run
 * index and status, and env_msg_apply rebuilds what the run added inside
 * snx_traj_begin_run of a trajectory with three explored runs; a message that cannot
 * be applied has what it added removed again. Every refusal must be an error code
 * with a message, and a refused message must leave the tree as it was. Seeds:
 * messages env_msg_encode wrote (tools/fuzz/corpus/message/). */
#include "fuzz.h"

#include "../../explore/env_internal.h"
#include "snex/traj.h"

static snx_traj *make_traj(void)
{
    snx_traj *t = snx_traj_new("msg", NULL);
    fuzz_check(t);
    fuzz_check(snx_traj_add_parameter(t, "x", snx_int(0), NULL));
    fuzz_check(snx_traj_add_result(t, "shared.before", snx_int(1), NULL));
    snx_ranges *r = snx_ranges_new();
    fuzz_check(r && snx_ranges_add_ints(r, "x", (int64_t[]){ 1, 2, 3 }, 3) == 0);
    fuzz_check(snx_traj_explore(t, r) == 0);
    snx_ranges_free(r);
    return t;
}

static void apply(snx_traj *traj, const uint8_t *data, size_t size)
{
    long idx;
    int status;
    double runtime;
    snx_error_clear();
    int rc = env_msg_peek(data, size, &idx, &status, &runtime);
    if (rc) {
        fuzz_check_error(rc);
        return;
    }
    snx_error_clear();
    rc = snx_traj_begin_run(traj, idx);
    if (rc) {
        fuzz_check_error(rc);
        return;
    }
    size_t nodes = snx_traj_n_nodes(traj);
    env_report rep;
    snx_error_clear();
    rc = env_msg_apply(traj, data, size, &rep);
    env_report_clear(&rep);
    if (rc) {
        fuzz_check_error(rc);
        fuzz_check(snx_traj_remove_run_added(traj) == 0);
        fuzz_check(snx_traj_n_nodes(traj) == nodes);
    }
    snx_traj_end_run(traj);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t whole = 0;
    if (env_msg_complete(data, size, &whole))
        fuzz_check(whole <= size);
    snx_traj *traj = make_traj();
    apply(traj, data, size);
    snx_traj_free(traj);
    return 0;
}
