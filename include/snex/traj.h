/* The trajectory: pypet's tree of config, parameters, derived parameters and
 * results, with exploration of parameter ranges and per-run views.
 *
 * Tree: the root (named after the trajectory, full name "") has four branches,
 * `config`, `parameters`, `derived_parameters`, `results` (short forms conf, par,
 * dpar, res). Leaves are parameters (one typed value, optionally a range when
 * explored) in the first three branches, and results (any number of named items) in
 * `results`. Full names use dots; adding "a.b.c" creates the groups on the way.
 *
 * Lookup (snx_traj_get, snx_node_get) accepts full names, partial names and
 * shortcuts: a name that skips groups is found breadth-first, the shallowest match
 * wins, and two matches at the same depth are a NotUniqueNode error. Names are
 * indexed, so a lookup does not walk the tree. Abbreviations are always translated:
 * par dpar res conf, `crun`/`$` (current run name, or run_ALL), `crunset`/`$set`
 * (current run_set_XXXXX), `r_N`/`run_N` (run_%08d).
 *
 * Errors: functions return 0 or a negative SNX_E code, or NULL, with snx_errmsg().
 * The value getters used in model code (snx_traj_int, snx_traj_double, ...) return
 * the value directly; a failure there is remembered as the trajectory's first
 * ("sticky") error, see snx_traj_status(), so model code can read many parameters
 * and check once. */
#ifndef SNEX_TRAJ_H
#define SNEX_TRAJ_H

#include "snex/api.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snex/map.h"
#include "snex/value.h"

typedef struct snx_traj snx_traj;
typedef struct snx_node snx_node;

typedef enum snx_node_kind {
    SNX_NODE_GROUP,
    SNX_NODE_PARAMETER, /* in config, parameters or derived_parameters */
    SNX_NODE_RESULT,
} snx_node_kind;

typedef enum snx_branch {
    SNX_BRANCH_NONE = 0, /* the root, or a node outside the four branches */
    SNX_BRANCH_CONFIG,
    SNX_BRANCH_PARAMETERS,
    SNX_BRANCH_DERIVED,
    SNX_BRANCH_RESULTS,
} snx_branch;

/* Run and bucket naming (pypet's constants). */
#define SNX_RUN_NAME_FMT "run_%08ld"
#define SNX_RUN_ALL "run_ALL"
#define SNX_SET_NAME_FMT "run_set_%05ld"
#define SNX_SET_ALL "run_set_ALL"
#define SNX_RUNS_PER_SET 1000
#define SNX_NAME_MAX 128     /* longest short name */
#define SNX_LOCATION_MAX 512 /* longest location (parent's full name) */

#define SNX_RUN_NAME_BUF 32 /* room for any run or set name */

/* Writes "run_00000007" (or run_ALL for idx < 0) into buf (SNX_RUN_NAME_BUF bytes). */
SNX_API char *snx_run_name(char *buf, long idx);
/* Writes "run_set_00002" for idx 2000..2999 (run_set_ALL for idx < 0). */
SNX_API char *snx_set_name(char *buf, long idx);
/* Parses "run_00000007", "run_7", "r_7" → 7; "run_ALL" → -1. SNX_ENAME if not a run name. */
SNX_API int snx_run_idx(const char *name, long *idx);

/* ---- the trajectory --------------------------------------------------------- */
typedef struct snx_traj_opts {
    bool add_time;       /* append _%Y_%m_%d_%Hh%Mm%Ss to the name */
    const char *comment;
} snx_traj_opts;

/* opts may be NULL (no time suffix, no comment). NULL on an invalid name. */
SNX_API snx_traj *snx_traj_new(const char *name, const snx_traj_opts *opts);
SNX_API void snx_traj_free(snx_traj *traj);
SNX_API const char *snx_traj_name(const snx_traj *traj);
SNX_API int snx_traj_rename(snx_traj *traj, const char *name);
SNX_API snx_node *snx_traj_root(snx_traj *traj);
/* Creation time (seconds since the epoch) and its formatted form. */
SNX_API double snx_traj_timestamp(const snx_traj *traj);
SNX_API const char *snx_traj_time(const snx_traj *traj);
/* Whether no parameters and no results have been added (config is ignored). */
SNX_API bool snx_traj_is_empty(const snx_traj *traj);
/* Number of nodes (groups and leaves) in the tree, root excluded. */
SNX_API size_t snx_traj_n_nodes(const snx_traj *traj);

/* The first error of a convenience getter since the last snx_traj_clear_status()
 * (0 if none), and its message. */
SNX_API int snx_traj_status(const snx_traj *traj);
SNX_API const char *snx_traj_status_msg(const snx_traj *traj);
SNX_API void snx_traj_clear_status(snx_traj *traj);

/* ---- adding ---------------------------------------------------------------- */
/* At the root the branch prefix is added (parameters., config., ...); names may
 * already start with it (or its short form). Inside a run (snx_traj_begin_run),
 * derived parameters and results without a wildcard go under
 * <branch>.runs.run_XXXXXXXX; config and parameters cannot be added. The value is
 * consumed. Adding an existing leaf is an SNX_EEXIST error. */
SNX_API snx_node *snx_traj_add_parameter(snx_traj *traj, const char *name, snx_value value,
                                 const char *comment);
SNX_API snx_node *snx_traj_add_config(snx_traj *traj, const char *name, snx_value value,
                              const char *comment);
SNX_API snx_node *snx_traj_add_derived(snx_traj *traj, const char *name, snx_value value,
                               const char *comment);
/* A result whose single item is named after the result; value may be snx_none()
 * for an empty result to fill with snx_result_set(). */
SNX_API snx_node *snx_traj_add_result(snx_traj *traj, const char *name, snx_value value,
                              const char *comment);
/* Streamed items: a large array item of a result may be sent in pieces ahead of the
 * result, so that a run never holds all of it. Inside a run of the Environment whose
 * storage streams (HDF5; docs/ENVIRONMENT.md, "Streaming"), each piece goes to the
 * writer at once, which appends it to the item's dataset; the result the run adds
 * later (snx_traj_add_result with `name`) holds the item's last piece, and the stored
 * item is the concatenation of the pieces and that value along the last axis. Pieces
 * are int or double arrays (with the same unit, type and extents but the last) that
 * are not stored if the run fails or never adds the result.
 * snx_traj_streams says whether pieces can be sent: true only inside such a run;
 * elsewhere keep the whole item and add it with the result. */
SNX_API bool snx_traj_streams(const snx_traj *traj);
/* Sends `piece` (consumed, also on failure) of item `item` of result `name` (named as
 * snx_traj_add_result names it: below the current run unless it says otherwise).
 * SNX_ESTATE when the trajectory does not stream (snx_traj_streams), SNX_ETYPE for a
 * piece that is not an int or double array, SNX_ENAME for bad names, or the sending's
 * error (SNX_EIO). */
SNX_API int snx_traj_stream_item(snx_traj *traj, const char *name, const char *item,
                                 snx_value piece);
/* A group (and the groups on the way) in any branch, or outside the branches. */
SNX_API snx_node *snx_traj_add_group(snx_traj *traj, const char *name, const char *comment);

/* The same, relative to a group node: the group's full name is the prefix; the
 * leaf kind must fit the group's branch (no results under parameters). */
SNX_API snx_node *snx_node_add_leaf(snx_node *group, const char *name, snx_value value,
                            const char *comment);
SNX_API snx_node *snx_node_add_group(snx_node *group, const char *name, const char *comment);

/* A link `name` (one plain name, no dots) in `group`, pointing to `target`. */
SNX_API int snx_node_add_link(snx_node *group, const char *name, snx_node *target);
/* Like snx_node_add_link, but `path` may be dotted: the groups on the way are created. */
SNX_API int snx_traj_add_link(snx_traj *traj, const char *path, snx_node *target);
SNX_API int snx_node_remove_link(snx_node *group, const char *name);

/* ---- lookup ---------------------------------------------------------------- */
typedef struct snx_find_opts {
    bool no_shortcuts; /* the name must follow the tree without skipping groups */
    int max_depth;     /* limit the search depth below the start node (0 = none) */
    bool no_links;     /* do not follow links */
} snx_find_opts;

/* Finds a node by full, partial or shortcut name (NULL with SNX_ENOTFOUND or
 * SNX_ENOTUNIQUE). Links count as children: a shortcut finds a link by its name,
 * and a name may pass through a link ("link.leaf"). When the trajectory is set to a
 * run, searches below results and derived_parameters skip other runs'
 * run_XXXXXXXX groups (unless the name names them), and `crun` falls back to
 * run_ALL. opts may be NULL. */
SNX_API snx_node *snx_traj_get(snx_traj *traj, const char *name);
SNX_API snx_node *snx_node_get(snx_node *start, const char *name, const snx_find_opts *opts);
/* Every node with this (possibly dotted, partial) name, shallowest first. Links are
 * not considered. Caller frees the array. Returns the count (>= 0) or an error. */
SNX_API long snx_traj_get_all(snx_traj *traj, const char *name, snx_node ***out);
/* Whether the name resolves (no error is left set). */
SNX_API bool snx_traj_contains(snx_traj *traj, const char *name);

/* ---- nodes ----------------------------------------------------------------- */
SNX_API snx_traj *snx_node_traj(const snx_node *node);
SNX_API snx_node_kind snx_node_kind_of(const snx_node *node);
SNX_API bool snx_node_is_leaf(const snx_node *node);
SNX_API bool snx_node_is_root(const snx_node *node);
SNX_API snx_branch snx_node_branch(const snx_node *node);
SNX_API const char *snx_node_name(const snx_node *node);
/* "parameters.neuron.tau"; "" for the root. */
SNX_API const char *snx_node_full_name(const snx_node *node);
SNX_API int snx_node_depth(const snx_node *node);
/* NULL for the root (with SNX_ETYPE set). */
SNX_API snx_node *snx_node_parent(const snx_node *node);
/* Name of the run_XXXXXXXX group this node hangs below, or "trajectory". */
SNX_API const char *snx_node_run_branch(const snx_node *node);

/* A node's comment ("" when none; owned by the node) and replacing it (copied; 0 or
 * SNX_ENOMEM). */
SNX_API const char *snx_node_comment(const snx_node *node);
SNX_API int snx_node_set_comment(snx_node *node, const char *comment);

/* Children (groups and leaves, in insertion order) and links. */
SNX_API size_t snx_node_n_children(const snx_node *node);
SNX_API snx_node *snx_node_child(const snx_node *node, size_t i);
SNX_API snx_node *snx_node_child_named(const snx_node *node, const char *name);
SNX_API size_t snx_node_n_groups(const snx_node *node);
SNX_API size_t snx_node_n_leaves(const snx_node *node);
SNX_API size_t snx_node_n_links(const snx_node *node);
/* The i-th link: its name in *name, its target returned. */
SNX_API snx_node *snx_node_link(const snx_node *node, size_t i, const char **name);

/* Depth-first iteration below `start` (start itself excluded). The predicate (may
 * be NULL) decides per node; a node it rejects is skipped with its subtree. Every
 * node is visited once even when links lead to it twice (or back to start); depths
 * count along the path taken, a link being one level. `visit` returns 0 to go on
 * or non-zero to stop (that value is returned). */
typedef struct snx_iter_opts {
    bool non_recursive; /* immediate children only */
    bool no_links;
    int max_depth; /* 0 = no limit */
    bool (*predicate)(snx_node *node, void *ctx);
    void *predicate_ctx;
} snx_iter_opts;
SNX_API int snx_node_iter(snx_node *start, const snx_iter_opts *opts,
                  int (*visit)(snx_node *node, void *ctx), void *ctx);
/* A predicate that hides everything below run_XXXXXXXX groups except the listed run
 * indices (-1 = run_ALL). ctx is an snx_run_filter. */
typedef struct snx_run_filter {
    const long *runs;
    size_t n;
} snx_run_filter;
SNX_API bool snx_pred_runs(snx_node *node, void *run_filter);

/* What snx_node_to_map uses as keys. */
typedef enum snx_map_keys {
    SNX_KEYS_FULL_NAMES = 0, /* "parameters.neuron.tau" */
    SNX_KEYS_SHORT_NAMES,    /* "tau" (SNX_ENOTUNIQUE when two leaves share one) */
} snx_map_keys;

/* Names → snx_node* of every leaf below `start`. Caller frees the map (nodes stay
 * owned by the tree). NULL on error. */
SNX_API snx_map *snx_node_to_map(snx_node *start, snx_map_keys keys);

/* How far a removal (or a deletion from storage) reaches. */
typedef enum snx_remove_mode {
    SNX_REMOVE_NODE = 0,  /* a leaf or an empty group; a group with children is
                             an SNX_ETYPE error */
    SNX_REMOVE_RECURSIVE, /* the node with its whole subtree */
} snx_remove_mode;

/* Removes a node from memory (not from the file). Links to removed nodes are
 * removed too. The root cannot be removed (SNX_EINVAL). */
SNX_API int snx_node_remove(snx_node *node, snx_remove_mode mode);
/* Removes the direct child `name` of group (SNX_EINVAL when it has none). */
SNX_API int snx_node_remove_child(snx_node *group, const char *name, snx_remove_mode mode);

/* ---- annotations (on every node) ------------------------------------------- */
SNX_API int snx_node_annotate(snx_node *node, const char *key, snx_value value);
/* NULL when absent (SNX_ENOTFOUND). */
SNX_API const snx_value *snx_node_annotation(const snx_node *node, const char *key);
SNX_API size_t snx_node_n_annotations(const snx_node *node);
/* The i-th annotation in insertion order; its key in *key. */
SNX_API const snx_value *snx_node_annotation_at(const snx_node *node, size_t i, const char **key);
SNX_API int snx_node_remove_annotation(snx_node *node, const char *key);
/* "key1=value1; key2=value2" sorted by key; caller frees. */
SNX_API char *snx_node_annotations_to_str(const snx_node *node);

/* ---- parameters ------------------------------------------------------------- */
/* The value in force (the current run's when explored and a run is set) and lock
 * the parameter. NULL when empty (SNX_ETYPE). */
SNX_API const snx_value *snx_par_get(snx_node *par);
/* The default (pre-exploration) value, locking the parameter. */
SNX_API const snx_value *snx_par_default(snx_node *par);
/* Look at the value without locking (for display and storage). NULL when empty. */
SNX_API const snx_value *snx_par_peek(const snx_node *par);
/* Sets the default value (consumed). SNX_ELOCKED when locked; SNX_ETYPE when
 * explored and the value is not of the range's kind. */
SNX_API int snx_par_set(snx_node *par, snx_value value);
SNX_API bool snx_par_is_locked(const snx_node *par);
SNX_API void snx_par_lock(snx_node *par);
SNX_API void snx_par_unlock(snx_node *par);
SNX_API bool snx_par_is_empty(const snx_node *par);
/* Drops value and range (SNX_ELOCKED when locked); an explored parameter leaves the
 * exploration (with none left, the trajectory has one run again). */
SNX_API int snx_par_empty(snx_node *par);
SNX_API bool snx_par_is_explored(const snx_node *par);
SNX_API size_t snx_par_range_length(const snx_node *par);
/* The k-th value of the range (no locking). NULL when out of range. */
SNX_API const snx_value *snx_par_range_at(const snx_node *par, size_t k);
/* Removes the range, keeping the default (SNX_ELOCKED, SNX_ETYPE if not explored);
 * the parameter leaves the exploration as with snx_par_empty. */
SNX_API int snx_par_shrink(snx_node *par);
/* "parameters.x (len 4): comment: 42" — no locking. Caller frees. */
SNX_API char *snx_par_to_str(const snx_node *par);

/* Convenience getters for model code: look the name up (shortcuts allowed), lock,
 * and convert. On failure they return 0 / NaN / NULL and set the sticky status. */
SNX_API int64_t snx_traj_int(snx_traj *traj, const char *name);
SNX_API double snx_traj_double(snx_traj *traj, const char *name); /* int, double, quantity (SI) */
SNX_API bool snx_traj_bool(snx_traj *traj, const char *name);
SNX_API const char *snx_traj_string(snx_traj *traj, const char *name);
SNX_API const snx_value *snx_traj_value(snx_traj *traj, const char *name);

/* Lock every non-empty parameter (and config) / derived parameter. */
SNX_API void snx_traj_lock_parameters(snx_traj *traj);
SNX_API void snx_traj_lock_derived(snx_traj *traj);

/* ---- presetting ------------------------------------------------------------- */
/* Preset the value of a parameter (full name without the "parameters." prefix, which
 * may be given too; no shortcuts) before it is added: adding it then uses the preset
 * value. SNX_EPRESET if the parameter exists already. */
SNX_API int snx_traj_preset_parameter(snx_traj *traj, const char *name, snx_value value);
SNX_API int snx_traj_preset_config(snx_traj *traj, const char *name, snx_value value);
/* SNX_EPRESET naming every preset that no added parameter used. */
SNX_API int snx_traj_check_presets(const snx_traj *traj);

/* ---- results ---------------------------------------------------------------- */
/* Sets item `item` (consumed); replaces an existing item of that name. */
SNX_API int snx_result_set(snx_node *res, const char *item, snx_value value);
/* Adds a positional item: the first is named like the result, then name_1, name_2. */
SNX_API int snx_result_add(snx_node *res, snx_value value);
/* Item by name, or by position k (0 → the result's name, k → name_k). NULL if
 * absent (SNX_ENOTFOUND). */
SNX_API const snx_value *snx_result_get(const snx_node *res, const char *item);
SNX_API const snx_value *snx_result_get_pos(const snx_node *res, size_t k);
SNX_API size_t snx_result_n_items(const snx_node *res);
SNX_API const snx_value *snx_result_item_at(const snx_node *res, size_t i, const char **name);
SNX_API int snx_result_remove(snx_node *res, const char *item);
SNX_API bool snx_result_is_empty(const snx_node *res);
/* Frees every item (the skeleton stays: name, comment, annotations). */
SNX_API void snx_result_empty(snx_node *res);
/* Moves the item out of the result into *out (the caller owns it). */
SNX_API int snx_result_take(snx_node *res, const char *item, snx_value *out);

/* Leaves of either kind. */
SNX_API bool snx_leaf_is_empty(const snx_node *leaf);
SNX_API int snx_leaf_empty(snx_node *leaf);

/* ---- exploration ------------------------------------------------------------- */
/* snx_ranges: parameter names → lists of values, what pypet passes as a dict. */
typedef struct snx_ranges snx_ranges;
/* An empty set of lists (NULL when out of memory); freed with snx_ranges_free
 * (NULL is fine). */
SNX_API snx_ranges *snx_ranges_new(void);
SNX_API void snx_ranges_free(snx_ranges *r);
/* The values are consumed (the array itself stays the caller's). */
SNX_API int snx_ranges_add(snx_ranges *r, const char *name, snx_value *values, size_t n);
SNX_API int snx_ranges_add_ints(snx_ranges *r, const char *name, const int64_t *v, size_t n);
SNX_API int snx_ranges_add_doubles(snx_ranges *r, const char *name, const double *v, size_t n);
SNX_API int snx_ranges_add_bools(snx_ranges *r, const char *name, const bool *v, size_t n);
SNX_API int snx_ranges_add_strings(snx_ranges *r, const char *name, const char *const *v, size_t n);
/* Values in `unit`: {5, 10} with "ms" → 5 ms, 10 ms. */
SNX_API int snx_ranges_add_quantities(snx_ranges *r, const char *name, const double *v, size_t n,
                              const char *unit);
SNX_API size_t snx_ranges_count(const snx_ranges *r);
SNX_API const char *snx_ranges_name(const snx_ranges *r, size_t i);
SNX_API size_t snx_ranges_length(const snx_ranges *r, size_t i);
SNX_API const snx_value *snx_ranges_value(const snx_ranges *r, size_t i, size_t k);
/* The cartesian product as a new snx_ranges of equal-length lists. `order` (may be
 * NULL: insertion order) is a NULL-terminated list of names; an entry "a,b" links a
 * and b (zipped, equal lengths). The last entry changes fastest. */
SNX_API snx_ranges *snx_ranges_cartesian(const snx_ranges *r, const char *const *order);

/* Explore: every listed parameter gets its range; all lengths equal; names resolve
 * like lookups and must be parameters (not results or groups). A trajectory that was
 * stored with a range already must be expanded instead. Several explore calls
 * combine when lengths match. */
SNX_API int snx_traj_explore(snx_traj *traj, const snx_ranges *r);
/* Append runs: every explored parameter must be listed, all with the same count.
 * Locked parameters may be expanded (the existing runs keep their values); a stored
 * trajectory too. */
SNX_API int snx_traj_expand(snx_traj *traj, const snx_ranges *r);
/* Number of runs (1 when nothing is explored). */
SNX_API size_t snx_traj_n_runs(const snx_traj *traj);
/* The explored parameters, in exploration order. */
SNX_API size_t snx_traj_n_explored(const snx_traj *traj);
SNX_API snx_node *snx_traj_explored(const snx_traj *traj, size_t i);
/* Whether snx_traj_shrink may drop the ranges of a stored trajectory. */
typedef enum snx_shrink_mode {
    SNX_SHRINK_UNSTORED = 0, /* refuse (SNX_ESTATE) once the trajectory was stored */
    SNX_SHRINK_FORCE,        /* also then (the file keeps its ranges) */
} snx_shrink_mode;
/* Removes all ranges: the trajectory has one run again. */
SNX_API int snx_traj_shrink(snx_traj *traj, snx_shrink_mode mode);

/* ---- runs ------------------------------------------------------------------- */
/* Sets the current run: explored parameters show that run's values, `$`/crun
 * resolve to it, searches below results/derived parameters skip other runs.
 * -1 restores the defaults. SNX_EINVAL for an unknown run. */
SNX_API int snx_traj_set_run(snx_traj *traj, long idx);
SNX_API int snx_traj_set_run_name(snx_traj *traj, const char *name);
SNX_API void snx_traj_restore_default(snx_traj *traj);
SNX_API long snx_traj_run_idx(const snx_traj *traj); /* -1 when none */
/* Current run's name, or run_ALL. */
SNX_API const char *snx_traj_run_name_current(const snx_traj *traj);
/* Iterate runs: calls f with the trajectory set to each run in order, then restores
 * the defaults. Stops early on a non-zero return (returned). */
SNX_API int snx_traj_iter_runs(snx_traj *traj, int (*f)(snx_traj *traj, long idx, void *ctx),
                       void *ctx);

/* Enter and leave a single run (what the Environment does around the run function):
 * the run is set; adding config/parameters, exploring and setting runs are refused;
 * derived parameters and results added without a wildcard go below runs.run_X. */
SNX_API int snx_traj_begin_run(snx_traj *traj, long idx);
SNX_API void snx_traj_end_run(snx_traj *traj);
SNX_API bool snx_traj_in_run(const snx_traj *traj);
/* The leaves and groups added since snx_traj_begin_run, in order of addition. */
SNX_API size_t snx_traj_n_run_added(const snx_traj *traj);
SNX_API snx_node *snx_traj_run_added(const snx_traj *traj, size_t i);
/* Removes those nodes (and their subtrees) from the tree, e.g. once a run's data
 * is stored. 0, or the error of the removal that failed (the rest stay). */
SNX_API int snx_traj_remove_run_added(snx_traj *traj);

/* find_idx: indices of the runs whose values of the named parameters satisfy
 * pred(values, n_names, ctx). *out is malloc'ed (caller frees). Returns the count,
 * or a negative error (a name that is not a parameter). */
typedef bool (*snx_run_predicate)(const snx_value *const *values, size_t n, void *ctx);
SNX_API long snx_traj_find_idx(snx_traj *traj, const char *const *names, size_t n_names,
                       snx_run_predicate pred, void *ctx, long **out);

/* Where snx_traj_get_from_runs looks. */
typedef enum snx_from_runs {
    SNX_FROM_RUNS_ONLY = 0, /* below each run's own run group only */
    SNX_FROM_RUNS_OR_ALL,   /* or below run_ALL when the run has none (pypet's
                               include_default_run) */
} snx_from_runs;
/* get_from_runs: for each run (in run order) the node `name` below its run group.
 * Only runs where it was found are listed. Arrays are malloc'ed (caller frees both).
 * Returns the count, or a negative error. */
SNX_API long snx_traj_get_from_runs(snx_traj *traj, const char *name, snx_from_runs where,
                            long **run_idx, snx_node ***nodes);

/* Run information (pypet's nine fields). */
typedef struct snx_run_info {
    long idx;
    bool completed;
    double timestamp;        /* start, seconds since the epoch */
    double finish_timestamp;
    double runtime;          /* seconds */
    uint64_t seed;           /* this run's random seed */
    char name[SNX_RUN_NAME_BUF]; /* run_XXXXXXXX (filled by snx_traj_run_info) */
    const char *parameter_summary;
    const char *env_hexsha;  /* short environment identifier */
    const char *error;       /* why the run failed, or NULL */
} snx_run_info;
/* Run idx's information into *out; its strings stay owned by the trajectory (valid
 * until the run information changes). SNX_EINVAL for an unknown run. */
SNX_API int snx_traj_run_info(const snx_traj *traj, long idx, snx_run_info *out);
/* Replaces run idx's information (strings copied; name and idx are ignored). */
SNX_API int snx_traj_set_run_info(snx_traj *traj, long idx, const snx_run_info *info);
/* "x=2, y=6" for a run's explored values; caller frees. */
SNX_API char *snx_traj_parameter_summary(snx_traj *traj, long idx);
/* Whether one run (idx >= 0) or all runs (idx < 0) are completed. */
SNX_API bool snx_traj_is_completed(const snx_traj *traj, long idx);

/* ---- merging ---------------------------------------------------------------- */
typedef struct snx_merge_opts {
    const char *trial_parameter;    /* an explored int parameter numbering trials: the
                                       other's are shifted past this one's largest */
    bool remove_duplicates;         /* skip the other's runs whose explored values a
                                       run has already */
    const char *const *ignore_data; /* NULL-terminated full names (and their subtrees)
                                       of results/derived parameters not to copy */
    bool no_config;                 /* do not copy the other's config.environment and
                                       config.merge records */
    bool no_info;                   /* do not record the merge in config.merge.merge_NNN */
} snx_merge_opts;

/* Appends the runs of `other` to `traj` (pypet's f_merge; both in memory, the other
 * loaded with its data): the same parameters are needed, of the same kinds, with the
 * same explored set and equal values where nothing is explored (SNX_EINVAL/SNX_ETYPE
 * naming the first that differs). The other's runs become runs n, n+1, ... of traj:
 * their ranges are expanded, every leaf below their run_XXXXXXXX groups (results and
 * derived parameters, also in run_set buckets or below `$` paths) is copied to the
 * new run's path with comments and annotations, and so is their run information;
 * trajectory-level leaves traj lacks are copied too; links are not. With
 * remove_duplicates, a merge that would add nothing is SNX_EINVAL. opts may be NULL.
 * Returns the number of runs added. Storing is the caller's: snx_traj_store stores
 * the grown ranges and the new runs in one commit. */
SNX_API long snx_traj_merge(snx_traj *traj, snx_traj *other, const snx_merge_opts *opts);

#endif
