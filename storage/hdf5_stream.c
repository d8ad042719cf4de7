/* Streamed items in the file: pieces of a result's item that a running run sent
 * ahead of the result (snx_traj_stream_item, the Environment's partial run messages).
 *
 * Design. Pieces wait in a staging area, <trajectory>/_streams/run_XXXXXXXX/<result
 * full name>/<item>, one extendible, chunked, filtered dataset per item, grown along
 * its last axis (a spike list grows in length, a [neuron × sample] trace in
 * samples). When the run is stored, the item's own value (the last piece) is appended
 * and the dataset is moved (H5Lmove) into the result's group at the item's turn, so
 * that the result's items have the same names, order, types, attributes and shapes
 * as if it had been written whole; the staging group of the run is then removed, and
 * `_streams` itself once empty. The move and the run's `completed` flag land in the
 * same commit: a writer killed before it leaves the pieces in `_streams`, never in a
 * result, and the next session that writes the trajectory drops `_streams` whole
 * (h5_stream_clean). A run that fails loses its staging group (h5_stream_discard); a
 * second execution of a run (requeued after its rank died) starts a new one.
 *
 * Chunks: the first piece's shape (last axis at least 1) halved along its longest
 * axis to at most 1 MiB. The engine streams blocks of a fixed power-of-two length
 * (sim/monitor_stream.c), so later pieces fill whole chunks and none is read back;
 * a trace's chunks span all its recorded neurons unless that exceeds 1 MiB, when
 * they split the neurons too, so that reading one neuron's trace or one time window
 * both touch few chunks. Deleted pieces leave their space unused in the file
 * (HDF5 does not shrink files; h5repack does). */
#include "hdf5_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snex/error.h"
#include "snex/util.h"

typedef struct h5_staged {
    long idx;
    double attempt;
} h5_staged;

static h5_staged *find_staged(h5s *s, long idx)
{
    for (size_t k = 0; k < s->n_staged; k++)
        if (s->staged[k].idx == idx)
            return &s->staged[k];
    return NULL;
}

static void run_path(char *buf, size_t size, long idx)
{
    char run[SNX_RUN_NAME_BUF];
    snprintf(buf, size, "%s/%s", H5N_STREAMS, snx_run_name(run, idx));
}

/* Removes the link `path` below the trajectory group if it exists. */
static int delete_if_there(h5s *s, const char *path)
{
    if (h5_exists(s->traj_g, path) && H5Ldelete(s->traj_g, path, H5P_DEFAULT) < 0)
        return h5_error(SNX_EIO, "cannot delete \"%s\"", path);
    return 0;
}

int h5_stream_clean(h5s *s)
{
    if (s->streams_cleaned)
        return 0;
    int rc = delete_if_there(s, H5N_STREAMS);
    if (!rc)
        s->streams_cleaned = true;
    return rc;
}

int h5_stream_discard(h5s *s, long idx)
{
    h5_staged *st = find_staged(s, idx);
    if (!st)
        return 0;
    *st = s->staged[--s->n_staged];
    char path[64];
    run_path(path, sizeof path, idx);
    int rc = delete_if_there(s, path);
    return rc ? rc : s->n_staged ? 0 : delete_if_there(s, H5N_STREAMS);
}

/* Opens the staging group of a piece's result, made if missing (caller closes). */
static hid_t result_group(h5s *s, long idx, const char *full_name)
{
    char path[64];
    run_path(path, sizeof path, idx);
    hid_t run = h5_ensure_group(s->traj_g, path);
    if (run < 0)
        return run;
    /* One HDF5 name with dots: the staging area is not part of the tree. */
    hid_t g = H5Lexists(run, full_name, H5P_DEFAULT) > 0
                  ? H5Gopen2(run, full_name, H5P_DEFAULT)
                  : H5Gcreate2(run, full_name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Gclose(run);
    if (g < 0)
        h5_error(SNX_EIO, "cannot make the staging group of \"%s\"", full_name);
    return g;
}

/* A new dataset for the item, extendible along its last axis, holding `piece`. */
static int create_item(h5s *s, hid_t g, const char *item, const snx_value *piece,
                       const h5_kind *k)
{
    int ndim = k->ndim;
    hsize_t dims[SNX_MAX_NDIM], maxdims[SNX_MAX_NDIM];
    for (int d = 0; d < ndim; d++)
        dims[d] = maxdims[d] = k->shape[d];
    maxdims[ndim - 1] = H5S_UNLIMITED;
    h5_filters f = h5_filters_of(s);
    size_t elem = H5Tget_size(k->mtype);
    int rc = h5_create_dataset(g, item, k->mtype, H5Screate_simple(ndim, dims, maxdims),
                               h5_dcpl_chunked(&f, k->mtype, ndim, dims, elem),
                               piece->u.a.len ? piece->u.a.data : NULL, piece);
    return rc ? snx_error_context("the first piece of item \"%s\"", item) : 0;
}

/* SNX_ETYPE unless the piece continues the dataset: same type, unit and rank,
 * the same extents but the last. */
static int check_continues(hid_t ds, const char *item, const snx_value *piece, const h5_kind *k,
                           hsize_t *dims)
{
    char *type = h5_read_str_attr(ds, H5N_TYPE);
    char *unit = h5_read_str_attr(ds, H5N_DISPLAY_UNIT);
    hid_t space = H5Dget_space(ds);
    int ndim = space >= 0 ? H5Sget_simple_extent_ndims(space) : -1;
    int rc = 0;
    if (ndim == k->ndim)
        H5Sget_simple_extent_dims(space, dims, NULL);
    if (space >= 0)
        H5Sclose(space);
    int same = type && !strcmp(type, snx_type_name(piece->type)) && ndim == k->ndim &&
               ((!unit && !piece->unit) || (unit && piece->unit && !strcmp(unit, piece->unit)));
    for (int d = 0; same && d < ndim - 1; d++)
        same = dims[d] == k->shape[d];
    if (!same)
        rc = snx_error(SNX_ETYPE, "a piece of item \"%s\" (%s of %d dimensions, unit \"%s\") does "
                                  "not continue the ones before it (%s, unit \"%s\"; the extents "
                                  "but the last must agree)", item, snx_type_name(piece->type),
                       k->ndim, piece->unit ? piece->unit : "", type ? type : "?",
                       unit ? unit : "");
    free(type);
    free(unit);
    return rc;
}

/* Appends the piece to the dataset along its last axis. */
static int extend_item(hid_t g, const char *item, const snx_value *piece, const h5_kind *k)
{
    hid_t ds = H5Dopen2(g, item, H5P_DEFAULT);
    if (ds < 0)
        return h5_error(SNX_EIO, "cannot open the pieces of item \"%s\"", item);
    hsize_t dims[SNX_MAX_NDIM], start[SNX_MAX_NDIM] = { 0 }, count[SNX_MAX_NDIM];
    int rc = check_continues(ds, item, piece, k, dims);
    int last = k->ndim - 1;
    for (int d = 0; d < k->ndim; d++)
        count[d] = k->shape[d];
    start[last] = dims[last];
    dims[last] += count[last];
    if (!rc && count[last]) {
        hid_t fspace = H5Dset_extent(ds, dims) < 0 ? H5I_INVALID_HID : H5Dget_space(ds);
        hid_t mspace = H5Screate_simple(k->ndim, count, NULL);
        if (fspace < 0 || mspace < 0 ||
            H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL) < 0 ||
            H5Dwrite(ds, k->mtype, mspace, fspace, H5P_DEFAULT, piece->u.a.data) < 0)
            rc = h5_error(SNX_EIO, "cannot append a piece to item \"%s\"", item);
        if (mspace >= 0)
            H5Sclose(mspace);
        if (fspace >= 0)
            H5Sclose(fspace);
    }
    H5Dclose(ds);
    return rc;
}

/* Appends piece to item `item` of staging group g, creating the dataset first. */
static int append_to(h5s *s, hid_t g, const char *item, const snx_value *piece)
{
    h5_kind k;
    int rc = h5_kind_of(piece, &k);
    if (!rc)
        rc = H5Lexists(g, item, H5P_DEFAULT) > 0 ? extend_item(g, item, piece, &k)
                                                 : create_item(s, g, item, piece, &k);
    h5_kind_free(&k);
    return rc;
}

int h5_stream_append(h5s *s, long idx, double attempt, const char *full_name,
                     const char *item, const snx_value *piece)
{
    if (piece->type != SNX_T_INT_ARRAY && piece->type != SNX_T_DOUBLE_ARRAY)
        return snx_error(SNX_ETYPE, "a piece of item \"%s\" of \"%s\" is %s, not an array",
                         item, full_name, snx_type_name(piece->type));
    int rc = h5_stream_clean(s);
    h5_staged *st = find_staged(s, idx);
    if (!rc && st && st->attempt != attempt) /* an earlier execution's pieces */
        rc = h5_stream_discard(s, idx);
    if (!rc && !(st = find_staged(s, idx))) {
        h5_staged *more = snx_realloc(s->staged, (s->n_staged + 1) * sizeof *more);
        if (!more)
            return SNX_ENOMEM;
        s->staged = more;
        st = &s->staged[s->n_staged++];
        *st = (h5_staged){ .idx = idx, .attempt = attempt };
    }
    hid_t g = rc ? H5I_INVALID_HID : result_group(s, idx, full_name);
    if (!rc && g < 0)
        rc = snx_errcode();
    if (!rc)
        rc = append_to(s, g, item, piece);
    if (g >= 0)
        H5Gclose(g);
    if (rc)
        snx_error_context("run %ld: item \"%s\" of \"%s\"", idx, item, full_name);
    return rc;
}

int h5_stream_take(h5s *s, hid_t g, const snx_node *res, const char *item, const snx_value *v)
{
    if (s->storing_run < 0 || !find_staged(s, s->storing_run))
        return 0;
    char path[64];
    run_path(path, sizeof path, s->storing_run);
    const char *full = snx_node_full_name(res);
    hid_t run = H5Gopen2(s->traj_g, path, H5P_DEFAULT);
    if (run < 0) {
        H5Eclear2(H5E_DEFAULT);
        return 0; /* nothing streamed yet (a run that failed to open it fails later) */
    }
    hid_t rg = H5Lexists(run, full, H5P_DEFAULT) > 0 ? H5Gopen2(run, full, H5P_DEFAULT)
                                                      : H5I_INVALID_HID;
    int rc = 0;
    if (rg >= 0 && H5Lexists(rg, item, H5P_DEFAULT) > 0) {
        rc = append_to(s, rg, item, v);
        if (!rc && H5Lmove(rg, item, g, item, H5P_DEFAULT, H5P_DEFAULT) < 0)
            rc = h5_error(SNX_EIO, "cannot move the streamed item \"%s\" into \"%s\"", item, full);
        rc = rc ? rc : 1;
    }
    H5Eclear2(H5E_DEFAULT);
    if (rg >= 0)
        H5Gclose(rg);
    H5Gclose(run);
    return rc;
}

void h5_stream_free(h5s *s)
{
    free(s->staged);
    s->staged = NULL;
    s->n_staged = 0;
}
