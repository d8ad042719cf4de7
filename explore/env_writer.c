/* The writer's side of a sweep: what happens to each run as its message arrives --
 * its nodes rebuilt in the tree with its return value, its run information set,
 * stored (completed only once stored), and freed again -- and what run_one and
 * resume need to take a run's nodes out of the tree. */
#include "env_internal.h"
#include "snex/error.h"
#include "snex/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Removes from the tree what an earlier execution of run idx left there (kept
 * without storage, or by an earlier run_one), so that the run can add its nodes
 * again. */
int env_forget_run(snx_traj *traj, long idx)
{
    char name[SNX_RUN_NAME_BUF];
    snx_node **nodes = NULL;
    int auto_load = snx_traj_auto_load(traj);
    snx_traj_set_auto_load(traj, 0);
    long n = snx_traj_get_all(traj, snx_run_name(name, idx), &nodes);
    snx_traj_set_auto_load(traj, auto_load);
    int rc = n < 0 ? (int)n : 0;
    for (long k = n - 1; !rc && k >= 0; k--) /* deepest first: no node freed twice */
        rc = snx_node_remove(nodes[k], SNX_REMOVE_RECURSIVE);
    free(nodes);
    return rc;
}

/* The run's return value as the result SNX_ENV_RETURN of the run. */
static int keep_return(snx_traj *traj, const snx_value *ret)
{
    snx_value copy;
    if (ret->type == SNX_T_NONE)
        return 0;
    if (snx_value_copy(&copy, ret))
        return SNX_ENOMEM;
    return snx_traj_add_result(traj, SNX_ENV_RETURN, copy, "what the run function returned")
               ? 0 : snx_errcode();
}

/* Turns the report into that of a failed run: `what`, then the current error. */
static void fail_report(env_report *rep, int code, const char *what)
{
    snx_buf b = { 0 };
    snx_buf_printf(&b, "%s: %s", what, snx_errmsg());
    long idx = rep->idx;
    uint64_t seed = rep->seed;
    double t0 = rep->timestamp, t1 = rep->finish_timestamp;
    env_report_clear(rep);
    *rep = (env_report){ .idx = idx, .status = code, .seed = seed, .timestamp = t0,
                         .finish_timestamp = t1, .error = snx_buf_take(&b),
                         .ret = snx_none() };
}

/* Rebuilds the run's nodes in the writer's tree (inside begin_run, so that they are
 * recorded as the run's), with its return value; on failure the run fails with the
 * reason. */
/* A message the run's data cannot be taken from fails the run (in *rep); the
 * return value is an error of the writer itself (what the run added could not be
 * taken out of the tree again). */
static int apply_run(snx_env *env, const void *msg, size_t len, long idx, env_report *rep)
{
    snx_traj *traj = env->traj;
    const char *what = "its results could not be read";
    rep->idx = idx;
    int rc = snx_traj_begin_run(traj, idx);
    if (!rc)
        rc = env_msg_apply(traj, msg, len, rep);
    if (!rc && rep->status == 0 && (rc = keep_return(traj, &rep->ret)))
        what = "its return value could not be kept";
    if (rc) {
        fail_report(rep, rc, what);
        if (snx_traj_in_run(traj))
            snx_traj_end_run(traj);
        return snx_traj_remove_run_added(traj);
    }
    return 0;
}

/* summary: the run's parameter summary (computed once per report by the caller). */
static int set_run_info(snx_env *env, const env_report *rep, int completed, const char *summary)
{
    snx_run_info info = {
        .idx = rep->idx,
        .completed = completed,
        .timestamp = rep->timestamp,
        .finish_timestamp = rep->finish_timestamp,
        .runtime = rep->finish_timestamp - rep->timestamp,
        .seed = rep->seed,
        .parameter_summary = summary,
        .env_hexsha = env->short_sha,
        .error = rep->error,
    };
    return snx_traj_set_run_info(env->traj, rep->idx, &info);
}

static void record_result(snx_env *env, env_report *rep, int outcome)
{
    snx_run_result *r = &env->results[rep->idx];
    r->status = outcome;
    r->value = rep->ret;
    rep->ret = snx_none();
    r->error = rep->error;
    rep->error = NULL;
    char name[SNX_RUN_NAME_BUF];
    snx_run_name(name, rep->idx);
    if (outcome == 0) {
        env->n_completed++;
        snx_log(SNX_LOG_DEBUG, "%s completed in %.3f s", name,
                rep->finish_timestamp - rep->timestamp);
    } else if (outcome == SNX_ERUN) {
        env->n_failed++;
        env->phase_failed++;
        snx_log(SNX_LOG_WARNING, "%s failed: %s", name, r->error ? r->error : "unknown reason");
    } else {
        snx_log(SNX_LOG_INFO, "%s not completed: %s", name, r->error ? r->error : "not run");
    }
}

/* Takes back from the storage what a run whose storing failed stored before the
 * failure, so that running it again stores all of its data, not what is left of
 * this attempt. (Nodes never stored answer SNX_ENODATA.) */
static int unstore_run(snx_traj *traj)
{
    int rc = 0;
    for (size_t k = 0; !rc && k < snx_traj_n_run_added(traj); k++) {
        rc = snx_traj_delete_node(traj, snx_traj_run_added(traj, k), NULL, SNX_REMOVE_RECURSIVE);
        if (rc == SNX_ENODATA || rc == SNX_ENOSERVICE)
            rc = 0;
    }
    if (rc)
        snx_error_context("taking back the partly stored run");
    else
        snx_error_clear();
    return rc;
}

/* ---- pieces of streamed items ------------------------------------------------------ */

/* A run whose piece the storage refused (a piece unlike the ones before it): the run
 * fails when its report comes, with this reason. */
typedef struct env_refusal {
    long idx;
    char *why;
} env_refusal;

static env_refusal *find_refusal(snx_env *env, long idx)
{
    for (size_t k = 0; k < env->n_refused; k++)
        if (env->refused[k].idx == idx)
            return &env->refused[k];
    return NULL;
}

static void drop_refusal(snx_env *env, env_refusal *r)
{
    free(r->why);
    *r = env->refused[--env->n_refused];
}

void env_forget_refusals(snx_env *env)
{
    while (env->n_refused)
        drop_refusal(env, &env->refused[0]);
    free(env->refused);
    env->refused = NULL;
}

static int note_refusal(snx_env *env, long idx)
{
    if (find_refusal(env, idx))
        return 0; /* the first reason stands */
    env_refusal *r = snx_realloc(env->refused, (env->n_refused + 1) * sizeof *r);
    if (!r)
        return SNX_ENOMEM;
    env->refused = r;
    snx_buf b = { 0 };
    snx_buf_printf(&b, "a piece of its streamed items could not be stored: %s", snx_errmsg());
    r[env->n_refused++] = (env_refusal){ .idx = idx, .why = snx_buf_take(&b) };
    return 0;
}

int env_on_piece(env_exec *x, const void *msg, size_t len)
{
    snx_env *env = x->env;
    env_piece p;
    int rc = env_piece_decode(msg, len, &p);
    if (rc)
        return rc;
    if (p.idx < 0 || (size_t)p.idx >= env->n_results || env->results[p.idx].status != SNX_ENODATA)
        rc = snx_error(SNX_EFORMAT, "environment: a piece of a streamed item of run %ld, which "
                                    "is not running", p.idx);
    else if (!find_refusal(env, p.idx) &&
             (rc = snx_traj_store_piece(env->traj, p.idx, p.attempt, p.full_name, p.item,
                                        &p.value)) &&
             rc != SNX_EIO && rc != SNX_ENOMEM) /* the run's fault: it fails alone */
        rc = note_refusal(env, p.idx);
    env_piece_clear(&p);
    return rc;
}

/* The run did not complete: what it streamed goes, and so does a refusal. */
static int discard_pieces(env_exec *x, long idx)
{
    env_refusal *r = find_refusal(x->env, idx);
    if (r)
        drop_refusal(x->env, r);
    return x->on_piece ? snx_traj_discard_pieces(x->env->traj, idx) : 0;
}

int env_on_report(env_exec *x, const void *msg, size_t len)
{
    snx_env *env = x->env;
    snx_traj *traj = env->traj;
    long idx = -1;
    int status = 0;
    int rc = env_msg_peek(msg, len, &idx, &status, NULL);
    if (rc)
        return rc;
    if (idx < 0 || (size_t)idx >= env->n_results || env->results[idx].status != SNX_ENODATA)
        return snx_error(SNX_EFORMAT, "environment: a worker reported run %ld unexpectedly", idx);
    env_report rep = { .ret = snx_none() };
    if (status == 0) {
        if ((rc = apply_run(env, msg, len, idx, &rep))) {
            env_report_clear(&rep);
            return rc;
        }
    } else if ((rc = env_msg_apply(traj, msg, len, &rep))) {
        return rc; /* a failure report we made ourselves: cannot be garbled */
    }
    /* Completed only once stored: a run whose data the storage refuses fails (and
     * runs again on resume); one the storage cannot write (I/O, memory) stops the
     * sweep, since the next runs would fare no better. */
    env_refusal *refusal = rep.status == 0 ? find_refusal(env, idx) : NULL;
    if (refusal) {
        snx_error(SNX_ERUN, "%s", refusal->why);
        fail_report(&rep, SNX_ERUN, "its results could not be stored");
    }
    int completed = rep.status == 0;
    int store = completed && snx_traj_has_storage(traj) && !env->keep_run_data;
    char *summary = snx_traj_parameter_summary(traj, idx);
    rc = summary ? set_run_info(env, &rep, completed && !store, summary)
                 : snx_errcode() ? snx_errcode() : SNX_ENOMEM;
    if (!rc && store) {
        int src = snx_traj_store_run(traj, idx);
        if (!src) {
            rc = set_run_info(env, &rep, 1, summary);
        } else if (src == SNX_EIO || src == SNX_ENOMEM) {
            rc = snx_error_context("storing run %ld", idx);
        } else {
            fail_report(&rep, src, "its results could not be stored");
            completed = 0;
            rc = unstore_run(traj);
            if (!rc)
                rc = set_run_info(env, &rep, 0, summary);
        }
    }
    free(summary);
    if (!completed) {
        int dropped = discard_pieces(x, idx);
        rc = rc ? rc : dropped;
    }
    if (snx_traj_in_run(traj))
        snx_traj_end_run(traj);
    if (!env->keep_run_data) {
        int removed = snx_traj_remove_run_added(traj);
        rc = rc ? rc : removed;
    }
    if (!rc) {
        int outcome = completed ? 0 : rep.status == ENV_INTERRUPTED ? SNX_ENODATA : SNX_ERUN;
        record_result(env, &rep, outcome);
        env->phase_done++;
        env_progress_update(&env->progress, env->phase_done, env->phase_failed);
    }
    env_report_clear(&rep);
    return rc;
}

/* run_one: keep what the run added in the tree, store nothing. */
int env_on_report_keep(env_exec *x, const void *msg, size_t len)
{
    snx_env *env = x->env;
    long idx = -1;
    int status = 0;
    int rc = env_msg_peek(msg, len, &idx, &status, NULL);
    if (rc)
        return rc;
    env_report rep = { .ret = snx_none() };
    rc = apply_run(env, msg, len, idx, &rep);
    if (snx_traj_in_run(env->traj))
        snx_traj_end_run(env->traj);
    if (rc) {
        env_report_clear(&rep);
        return rc;
    }
    *env->run_one_result = rep.ret;
    rep.ret = snx_none();
    rc = rep.status ? snx_error(SNX_ERUN, "run %ld failed: %s", idx,
                                rep.error ? rep.error : "unknown reason")
                    : 0;
    env_report_clear(&rep);
    return rc;
}

int env_close_storage(env_exec *x)
{
    snx_env *env = x->env;
    if (env->storage->close && snx_traj_has_storage(env->traj))
        return env->storage->close(env->traj);
    return 0;
}
