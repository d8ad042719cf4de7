/* Streamed result items, the trajectory's part: snx_traj_stream_item checks a piece
 * and names its result exactly as snx_traj_add_result will, then hands it to the sink
 * the Environment's run process installed (env_worker.c: a partial run message to
 * the writer). The trajectory keeps nothing of a piece: what bounds a streaming run's
 * memory is that pieces leave as they come. Outside such a run there is no sink and
 * streaming is refused, so that no piece can silently go nowhere. */
#include "traj_internal.h"
#include "snex/error.h"
#include "snex/util.h"

#include <stdlib.h>

void traj_set_stream_sink(snx_traj *t, traj_stream_fn sink, void *ctx)
{
    t->stream_sink = sink;
    t->stream_ctx = sink ? ctx : NULL;
}

bool snx_traj_streams(const snx_traj *t) { return t && t->in_run && t->stream_sink; }

int snx_traj_stream_item(snx_traj *t, const char *name, const char *item, snx_value piece)
{
    int rc = 0;
    char *full = NULL;
    if (!t || !name || !item)
        rc = snx_error(SNX_EINVAL, "snx_traj_stream_item: NULL %s",
                       !t ? "trajectory" : !name ? "result name" : "item name");
    else if (piece.type == SNX_T_ERROR)
        rc = snx_error_context("streaming item \"%s\" of \"%s\"", item, name);
    else if (!snx_traj_streams(t))
        rc = snx_error(SNX_ESTATE, "streaming item \"%s\" of \"%s\": trajectory \"%s\" does not "
                                   "stream here (only inside a run of an Environment whose "
                                   "storage takes pieces: snx_traj_streams)", item, name, t->name);
    else if (piece.type != SNX_T_INT_ARRAY && piece.type != SNX_T_DOUBLE_ARRAY)
        rc = snx_error(SNX_ETYPE, "streaming item \"%s\" of \"%s\": a piece is an int or double "
                                  "array, not %s", item, name, snx_type_name(piece.type));
    else if (!(rc = traj_check_key(item, "streaming an item")) &&
             !(full = traj_result_full_name(t, name)))
        rc = snx_errcode() ? snx_errcode() : SNX_ENOMEM;
    if (!rc)
        rc = t->stream_sink(t->stream_ctx, full, item, &piece);
    free(full);
    snx_value_clear(&piece);
    return rc;
}
