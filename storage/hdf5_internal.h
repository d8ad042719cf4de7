/* Internal interface between the files of storage/ (not installed).
 *
 *   hdf5_service.c   the snx_storage_ops table and the public snx_hdf5_* API
 *   hdf5_file.c      opening/creating files, choosing a trajectory, the format
 *                    version, commits, and HDF5 errors → snx errors
 *   hdf5_vfd.c       the journaling file driver that makes commits atomic
 *   hdf5_values.c    typed values ↔ datasets and attributes
 *   hdf5_tree.c      what storing and loading share (names, metadata); deleting
 *   hdf5_store.c     storing the tree at the store levels
 *   hdf5_load.c      loading branches, single nodes, missing nodes; links
 *   hdf5_columns.c   small per-run results as one column dataset across runs
 *   hdf5_overview.c  the runs and explorations tables
 *
 * docs/FORMAT.md describes the file these produce. */
#ifndef SNX_STORAGE_HDF5_INTERNAL_H
#define SNX_STORAGE_HDF5_INTERNAL_H

#include <hdf5.h>
#include <stdbool.h>
#include <stdint.h>

#include "snex/service.h"
#include "snex/storage.h"

/* Names with a meaning in the file (documented in docs/FORMAT.md). */
#define H5N_FORMAT "snex_format"       /* trajectory group: format version */
#define H5N_LEAF "leaf"                /* leaf group: "parameter" or "result" */
#define H5N_COMMENT "comment"
#define H5N_TYPE "type"                /* dataset: snx type name */
#define H5N_UNIT "unit"                /* the SI unit of the numbers */
#define H5N_DISPLAY_UNIT "display_unit" /* the unit the value was given in */
#define H5N_DISPLAY_UNITS "display_units" /* a range of quantities in several units */
#define H5N_ANN "annotation."          /* prefix of annotation attributes */
#define H5N_ANN_UNIT "annotation_unit." /* prefix of the unit of a quantity annotation */
#define H5N_DATA "data"                /* parameter: default value */
#define H5N_RANGE "explored_data"      /* parameter: explored range */
#define H5N_COLUMNS "_columns"         /* per-run scalar results of the runs below */
#define H5N_PRESENT "_present"         /* which rows of each column hold a value */
#define H5N_OVERVIEW "overview"
#define H5N_STREAMS "_streams"         /* pieces of streamed items of running runs */

#define H5_SMALL_BYTES 8192   /* datasets up to this size live in the object header */
#define H5_CHUNK_BYTES (1u << 20)
#define H5_ROWS_PER_CHUNK 1024 /* runs table and columns */
#define H5_COLUMN_MAX_STRING 256

/* Pending column rows and runs-table rows (hdf5_columns.c, hdf5_overview.c). */
typedef struct h5_columns h5_columns;
typedef struct h5_runs h5_runs;

/* A soft link met while loading, added to the tree once its target is loaded. */
typedef struct h5_link {
    char *group, *name, *target; /* tree names */
} h5_link;

/* Writes that wait for the next commit. The files that buffer them (column rows in
 * hdf5_columns.c, runs-table rows in hdf5_overview.c) register a hook with each
 * service they serve, so that the file layer flushes them at every commit without
 * knowing what they are. */
struct h5s;
typedef struct h5_pending {
    int (*flush)(struct h5s *s);  /* write what is buffered: 0 or an error */
    void (*forget)(struct h5s *s); /* the file was closed: what is known of it is stale
                                      (may be NULL) */
} h5_pending;
#define H5_MAX_PENDING 4

/* One service: a file and the trajectory it stores. */
typedef struct h5s {
    char *filename;
    snx_hdf5_opts opts;
    int truncate_pending; /* opts.overwrite_file, until the file was first created */
    hid_t file;           /* H5I_INVALID_HID when closed */
    int writable;
    hid_t traj_g;         /* /<trajectory> while the file is open */
    char *traj_name;      /* the group traj_g is */
    double last_commit;   /* monotonic seconds */
    h5_columns *columns;
    h5_runs *runs;
    const h5_pending *pending[H5_MAX_PENDING];
    size_t n_pending;
    h5_link *links;
    size_t n_links, cap_links;
    /* streamed items (hdf5_stream.c) */
    struct h5_staged *staged; /* runs with pieces kept aside */
    size_t n_staged;
    bool streams_cleaned;     /* pieces of earlier sessions dropped */
    long storing_run;         /* the run store_run is storing, or -1 */
} h5s;

/* ---- hdf5_file.c ----------------------------------------------------------------- */
/* Turns HDF5's automatic error printing off (idempotent). */
void h5_quiet(void);
/* Sets an snx error whose message is fmt plus HDF5's own innermost explanation, and
 * clears HDF5's error stack. Returns code. */
int h5_error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* rc as an error about the file's contents: the message prefixed with fmt, and the
 * code SNX_EFORMAT unless rc is SNX_ENOMEM, SNX_EIO, SNX_ELOCKED or SNX_EVERSION.
 * Returns the code. */
int h5_format_error(int rc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
double h5_now(void);
/* Opens the file for reading or for writing (creating it and its folders). Reuses an
 * open handle when it allows the access. */
int h5_open(h5s *s, int writable);
/* Registers a kind of buffered writes with the service (at most H5_MAX_PENDING). */
void h5_add_pending(h5s *s, const h5_pending *p);
/* Writes every buffered row (part of every commit; also before reading). */
int h5_flush_pending(h5s *s);
/* Writes buffered rows and makes everything written so far durable (one atomic
 * commit of the journaling driver). */
int h5_commit(h5s *s);
/* After an operation: commit when writable, and close unless asked to keep open. */
int h5_finish(h5s *s, int rc);
int h5_close(h5s *s);
/* The trajectory group: by name, or by index (negative from the end) when name is
 * NULL. Checks the format version unless force. *out_name (malloc'ed) names it. */
int h5_select_traj(h5s *s, const char *name, long index, int force, char **out_name);
/* Creates /<name> with the format attributes (SNX_EEXIST if it exists). */
int h5_create_traj(h5s *s, snx_traj *traj);
/* Opens s->traj_g for s->traj_name. */
int h5_open_traj(h5s *s, const char *name);
/* The index to iterate a group's links (attributes when `attributes`) by: creation
 * order when the group records it, else names. */
H5_index_t h5_order(hid_t g, int attributes);
/* H5Literate over a group's links, in creation order when the group records it, else
 * by name. Order-free walks of a group use H5_ITER_NATIVE (see h5_iterate). */
herr_t h5_iterate(hid_t g, H5L_iterate_t f, void *ctx);
/* The trajectory groups of an open file, in creation order. */
long h5_list(hid_t file, char ***names);
/* Creates missing groups along a '/'-separated path below loc; returns the last
 * (caller closes) or a negative id with the error set. */
hid_t h5_ensure_group(hid_t loc, const char *path);
/* 1 if the path exists below loc (every component checked), 0 if not. */
int h5_exists(hid_t loc, const char *path);
/* "results.runs.run_00000003.z" → "results/runs/run_00000003/z" (malloc'ed). */
char *h5_path(const char *full_name);

/* ---- hdf5_vfd.c ------------------------------------------------------------------ */
/* Sets the journaling file driver on a file-access property list. */
int h5_vfd_set(hid_t fapl, int durable);
/* Why a write to the open file failed, or NULL. After a failure the handle commits
 * nothing more (the file keeps its last commit) until it is closed and reopened. */
const char *h5_vfd_failure(hid_t file);
/* Call right before H5Fclose: from then on the driver's failures (a full disk at the
 * last commit) no longer fail libhdf5's close (whose failure would leave a freed file
 * behind an open id); h5_vfd_close_failure tells them afterwards, or NULL. */
void h5_vfd_closing(hid_t file);
const char *h5_vfd_close_failure(void);

/* ---- hdf5_values.c --------------------------------------------------------------- */
typedef struct h5_filters {
    int complevel; /* 0: none */
    bool shuffle, fletcher32;
} h5_filters;
h5_filters h5_filters_of(const h5s *s);

/* One value as a dataset `name` below loc, with its `type` (and `unit`) attribute. */
int h5_write_value(hid_t loc, const char *name, const snx_value *v, const h5_filters *f);
int h5_read_value(hid_t loc, const char *name, snx_value *out);
/* n values of one kind (a range) as one dataset with a leading axis of length n. */
int h5_write_values(hid_t loc, const char *name, const snx_value *v, size_t n,
                    const h5_filters *f);
int h5_read_values(hid_t loc, const char *name, snx_value **out, size_t *n);

/* The HDF5 memory type and element layout of a value kind, for tables of values
 * (ranges, columns, the explorations table). */
typedef struct h5_kind {
    snx_type type;
    hid_t mtype;   /* memory type (owned) */
    int ndim;      /* element shape, arrays only */
    hsize_t shape[8];
    size_t size;   /* bytes per value in a packed buffer */
} h5_kind;
int h5_kind_of(const snx_value *v, h5_kind *k);
void h5_kind_free(h5_kind *k);
/* Packs values[0..n) into buf (n * k->size bytes); strings point into the values. */
void h5_pack(const h5_kind *k, const snx_value *values, size_t n, void *buf);
/* Builds values from a packed buffer read with k->mtype; `unit` applies to all. */
int h5_unpack(const h5_kind *k, const void *buf, size_t n, const char *unit, snx_value *out);
/* The kind of a dataset's values from its datatype, checked against its type and
 * unit attributes (SNX_EFORMAT naming what disagrees); *unit (malloc'ed) is the
 * unit the values were given in, or NULL. */
int h5_kind_of_dataset(hid_t ds, int leading_axis, h5_kind *k, char **unit);
/* SNX_EFORMAT unless `unit` parses as a unit whose dimension is `si` (when not
 * NULL; si is the form snx_dim_format writes). */
int h5_check_unit(const char *unit, const char *si);
/* Creation properties for a dataset of `type` with elements of elem_size bytes and
 * shape dims (rank ndim), extendible along axis 0 when `extendible`. */
hid_t h5_dcpl(const h5_filters *f, hid_t type, int ndim, const hsize_t *dims, size_t elem_size,
              int extendible);
/* Creates dataset `name` of mtype in space with dcpl (both closed here), writes buf
 * (unless NULL) and the `type` (and unit) attributes of the value `like`. */
int h5_create_dataset(hid_t loc, const char *name, hid_t mtype, hid_t space, hid_t dcpl,
                      const void *buf, const snx_value *like);
/* Creation properties for a chunked dataset with chunks of about `chunk` (halved
 * along the longest axis until at most H5_CHUNK_BYTES) and the filters. */
hid_t h5_dcpl_chunked(const h5_filters *f, hid_t type, int ndim, const hsize_t *chunk,
                      size_t elem_size);

/* Attributes. */
int h5_write_attr(hid_t obj, const char *name, const snx_value *v);
/* `unit` (may be NULL) makes a float attribute a quantity or a unit-carrying array. */
int h5_read_attr(hid_t obj, const char *name, const char *unit, snx_value *out);
/* The unit a value was given in (display_unit, else unit), or NULL. */
char *h5_read_unit(hid_t obj);
int h5_write_str_attr(hid_t obj, const char *name, const char *s);
/* The `unit` (SI) and `display_unit` attributes of a value with a unit. */
int h5_write_unit_attrs(hid_t obj, const snx_value *v);
/* NULL when absent (no error set) or on failure (error set; check snx_errcode). */
char *h5_read_str_attr(hid_t obj, const char *name);
int h5_write_double_attr(hid_t obj, const char *name, double d);
int h5_write_long_attr(hid_t obj, const char *name, long v);
int h5_read_long_attr(hid_t obj, const char *name, long *v);
hid_t h5_str_type(void);  /* variable-length UTF-8 */
hid_t h5_bool_type(void); /* enum int8 {FALSE, TRUE}, as h5py writes numpy bools */

/* ---- hdf5_store.c ---------------------------------------------------------------- */
/* Stores node (the root for the whole trajectory) and, when recursive, its subtree. */
int h5_store_tree(h5s *s, snx_traj *traj, snx_node *node, const snx_store_opts *opts);

/* ---- hdf5_load.c ----------------------------------------------------------------- */
/* Loads the group `name` below the trajectory group (a branch, or other data). */
int h5_load_branch(h5s *s, snx_traj *traj, const char *name, snx_load_level level);
/* Loads what lies outside the four branches (groups at `level`; links at the root
 * always). */
int h5_load_other(h5s *s, snx_traj *traj, snx_load_level level);
int h5_load_node(h5s *s, snx_traj *traj, snx_node *node, const snx_item_opts *opts);
int h5_load_missing(h5s *s, snx_traj *traj, const char *full_name);
/* Loads the data (level DATA or OVERWRITE) of a leaf stored as HDF5 group g. */
int h5_load_leaf_data(hid_t g, snx_node *leaf, snx_load_level level,
                      const char *const *only, const char *const *except);
/* Adds the links found while loading to the tree (their targets loaded if missing). */
int h5_resolve_links(h5s *s, snx_traj *traj);

/* ---- hdf5_tree.c ----------------------------------------------------------------- */
int h5_delete(h5s *s, snx_traj *traj, snx_node *node, const char *const *only,
              bool recursive);
/* Comment and annotations of a node ↔ attributes of an object. */
int h5_store_meta(hid_t obj, const snx_node *node, int overwrite);
int h5_load_annotations(hid_t obj, snx_node *node);
/* Whether name is in the NULL-terminated list (NULL: an empty list). */
int h5_in_list(const char *const *list, const char *name);
/* Where a node is in the file: as an HDF5 object (real) and/or, at or below a run
 * group, through columns (in_run; container, row and rest as h5_run_place). */
typedef struct h5_place {
    char *path;
    int real;
    int in_run;
    char *container, *rest;
    long row;
} h5_place;
int h5_place_of(h5s *s, const char *full_name, h5_place *p);
void h5_place_free(h5_place *p);
/* The node `full` in the tree, found child by child (no shortcuts, no auto-load). */
snx_node *h5_find_exact(snx_traj *traj, const char *full);
/* The index of a run group name "run_00000003", or -1 for any other name. */
long h5_run_index(const char *name);
/* "a.b" + "c" → "a.b.c"; "" + "c" → "c" (malloc'ed). */
char *h5_join(const char *prefix, const char *name);
/* Splits a tree name at its last run group: "results.runs.run_00000003.x.y" gives
 * container "results.runs", row 3 and rest "x.y" (malloc'ed). 0 when the name has
 * no run group, 1 when split. */
int h5_run_place(const char *full, char **container, long *row, char **rest);

/* ---- hdf5_columns.c -------------------------------------------------------------- */
/* A column is `<container>/_columns/<name>` (container: the tree name of the group
 * holding the run groups; name: the leaf's name below its run group), with the
 * present flags in `<container>/_present/<name>`. Row = run index. */
/* Gives the service its (empty) columns and registers their flush. 0 or SNX_ENOMEM. */
int h5_columns_init(h5s *s);
void h5_columns_free(h5_columns *c);
/* Forgets what is known about columns on disk (after a delete or a close). */
void h5_columns_forget(h5s *s);
/* Whether `leaf` is a small per-run leaf that belongs in a column. */
int h5_column_eligible(const snx_node *leaf);
/* The same, and if so (1) where: *row, *container and *column (malloc'ed). */
int h5_column_place(const snx_node *leaf, long *row, char **container, char **column);
/* Buffers the leaf's value as row `row` of its column. 1 when the column cannot take
 * it (another type, unit, comment or kind: the leaf then gets its own group). */
int h5_column_add(h5s *s, const snx_node *leaf, long row, const char *container,
                  const char *column);
/* Writes n packed values of mtype at the given (sorted) rows of a 1-d extendible
 * dataset, growing it as needed. 0 or -1 (HDF5 error stack set). */
int h5_write_rows(hid_t ds, hid_t mtype, const hsize_t *rows, size_t n, const void *buf);
/* Loads the rows of the columns below `container` into the tree: every row, or only
 * `row` (>= 0); every column, or those named `prefix` or `prefix.*` (prefix NULL or
 * ""). Returns how many present rows matched, or an error. */
long h5_columns_load(h5s *s, snx_traj *traj, const char *container, snx_load_level level,
                     long row, const char *prefix);
/* Whether container.run_X.prefix exists through a column: 1 as a leaf (a column of
 * that name), 2 as a group (columns below it), 0 not at all. */
int h5_columns_lookup(h5s *s, const char *container, long row, const char *prefix);
/* Clears the present flags of row `row` in the columns named prefix or prefix.*
 * (every column for ""). Returns how many were set. */
long h5_columns_clear(h5s *s, const char *container, long row, const char *prefix);

/* ---- hdf5_stream.c ---------------------------------------------------------------- */
/* Pieces of streamed items wait in <trajectory>/_streams/run_XXXXXXXX/<result full
 * name>/<item> until their run is stored. */
/* Appends a piece (dropping pieces of another attempt of the run first). */
int h5_stream_append(h5s *s, long idx, double attempt, const char *full_name,
                     const char *item, const snx_value *piece);
/* Drops what run idx streamed. */
int h5_stream_discard(h5s *s, long idx);
/* Storing item `item` (value v) of result res of the run being stored into leaf group
 * g: with pieces kept aside, appends v to them and moves the dataset into g (1); 0
 * when the item has none (store it as usual). */
int h5_stream_take(h5s *s, hid_t g, const snx_node *res, const char *item, const snx_value *v);
/* Drops pieces an earlier session left behind (once per service; the trajectory
 * group open for writing). */
int h5_stream_clean(h5s *s);
void h5_stream_free(h5s *s);

/* ---- hdf5_overview.c ------------------------------------------------------------- */
/* Gives the service its (empty) runs table buffer and registers its flush. */
int h5_runs_init(h5s *s);
void h5_runs_free(h5_runs *r);
/* Buffers the runs-table row of run idx (completed forced on when `completed`). */
int h5_runs_add(h5s *s, snx_traj *traj, long idx, int completed);
/* Rows for runs the table does not have yet (after a whole-trajectory store). */
int h5_runs_add_missing(h5s *s, snx_traj *traj);
int h5_runs_load(h5s *s, snx_traj *traj);
/* SNX_EFORMAT unless the runs table and the explorations table agree with the
 * loaded explored ranges: one row per run, run k in row k, one exploration column
 * per explored parameter. */
int h5_check_runs(h5s *s, snx_traj *traj);
/* The explorations table: one column per explored parameter, one row per run. */
int h5_store_explorations(h5s *s, snx_traj *traj);

#endif
