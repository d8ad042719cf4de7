/* The trajectory's data structures, shared by the files of explore/.
 *
 * A node is a group, a parameter or a result. Groups keep their children in
 * insertion order plus a name → child map; the trajectory keeps an index from every
 * short name to the nodes carrying it, which is what makes shortcut lookups cost
 * O(matches × depth) instead of a tree walk. Links are (group, name, target) entries
 * kept in the group, in one list on the trajectory (so that removing a node can drop
 * the links pointing at it) and in a link-name index (so that shortcuts find them). */
#ifndef SNX_TRAJ_INTERNAL_H
#define SNX_TRAJ_INTERNAL_H

#include "snex/service.h"
#include "snex/traj.h"

#include <stddef.h>

typedef struct named_value {
    char *name;
    snx_value value;
} named_value;

/* named_values.c: (name, value) lists in insertion order. */
typedef struct named_values {
    named_value *items;
    size_t n, cap;
} named_values;
void nv_clear(named_values *l);
named_value *nv_find(const named_values *l, const char *name);
/* Inserts or replaces; consumes v (also on failure). */
int nv_put(named_values *l, const char *name, snx_value v);
void nv_drop(named_values *l, named_value *nv);

typedef struct link_entry {
    char *name;
    snx_node *target;
} link_entry;

/* A run_XXXXXXXX / run_ALL group remembers its index so that run-restricted
 * searches need no string parsing. */
enum { NOT_A_RUN_GROUP = -2, RUN_ALL_GROUP = -1 };

struct snx_node {
    snx_traj *traj;
    snx_node *parent;
    char *name;
    char *full_name;
    int depth;
    snx_node_kind kind;
    snx_branch branch;
    long run_group; /* NOT_A_RUN_GROUP, RUN_ALL_GROUP or the run index */
    char *comment;
    int stored;

    /* groups */
    snx_node **children;
    size_t n_children, cap_children;
    snx_map *child_map; /* made once a group has many children; small ones are scanned */
    link_entry *links;
    size_t n_links, cap_links;

    /* every node */
    named_values annotations;

    /* parameters: the default value (NONE = empty) and the explored range */
    snx_value value;
    snx_value *range;
    size_t range_len, range_cap;
    int locked;

    /* results */
    named_values items;
};

typedef struct node_list {
    snx_node **nodes;
    size_t n, cap;
    int nodes_inline; /* nodes points into the list's own allocation (index lists) */
} node_list;

typedef struct run_record {
    int completed;
    double timestamp, finish_timestamp, runtime;
    uint64_t seed;
    char *summary;
    char *env_hexsha;
    char *error;
} run_record;

typedef struct traj_link {
    snx_node *group;
    snx_node *target;
} traj_link;

/* Sends a piece of item `item` of result `full_name` (stream.c). */
typedef int (*traj_stream_fn)(void *ctx, const char *full_name, const char *item,
                              const snx_value *piece);

struct snx_traj {
    char *name;
    char *comment;
    double timestamp;
    char time_str[32];
    snx_node *root;
    snx_map *index;      /* short name → node_list* of the nodes so named */
    snx_map *link_index; /* link name → node_list* of the groups holding such a link */
    size_t n_nodes;

    /* exploration */
    snx_node **explored;
    size_t n_explored, cap_explored;
    size_t n_runs; /* 1 when nothing is explored */
    run_record *runs;
    size_t cap_runs;

    /* the current run */
    long run_idx;
    int in_run;
    node_list run_added;

    traj_link *links;
    size_t n_links, cap_links;

    snx_map *presets; /* full name → preset (see preset.c) */

    const snx_storage_ops *storage_ops;
    void *storage_self;
    int stored;
    int auto_load;

    int status;
    char status_msg[512];

    /* where snx_traj_stream_item sends pieces (stream.c); NULL: nowhere */
    traj_stream_fn stream_sink;
    void *stream_ctx;
};

/* naming.c */
/* 0 if `name` is a valid short name (letters, digits, '_'; run_ names must be run or
 * set names); otherwise SNX_ENAME with a message naming `what`. */
int traj_check_name(const char *name, const char *what);
/* The same rules minus the run_ reservation, for result items and annotation keys
 * (they are not nodes, so they cannot be mistaken for run groups). */
int traj_check_key(const char *name, const char *what);
/* Splits `name` at dots into a NULL-terminated array of translated components
 * (par → parameters, crun/$ → current run name, ...). *had_wildcard is set when a
 * run wildcard ($, crun, $set, crunset) was used. Free with free_components. */
char **traj_split_name(snx_traj *traj, const char *name, int *had_wildcard);
void traj_free_components(char **comps);
size_t traj_count_components(char *const *comps);
snx_branch traj_branch_of(const char *first_component);
long traj_run_group_index(const char *name);

/* tree.c */
snx_node *traj_node_new(snx_traj *traj, snx_node *parent, const char *name,
                        snx_node_kind kind);
void traj_node_free(snx_node *node); /* no unlinking; frees the subtree */
snx_map *traj_new_index(void);
snx_node *traj_child(const snx_node *group, const char *name);
/* Creates the groups along comps[0..n) below start, returning the last one. Every
 * name is checked before anything is created, so a failure leaves the tree as it
 * was. *first_new (may be NULL) gets the topmost group created, or NULL if none:
 * removing it undoes the call. */
snx_node *traj_make_groups(snx_traj *traj, snx_node *start, char *const *comps, size_t n,
                           snx_node **first_new);
/* Removes a node created by a call that is failing, keeping that call's error
 * (NULL is a no-op). */
void traj_undo_node(snx_node *node);
int traj_add_to_list(node_list *l, snx_node *node);
void traj_remove_from_list(node_list *l, const snx_node *node);

/* lookup.c */
snx_node *traj_find(snx_traj *traj, snx_node *start, char *const *comps,
                    const snx_find_opts *opts);

/* traj.c */
void traj_set_status(snx_traj *traj, int code);
int traj_refuse_in_run(const snx_traj *traj, const char *what);
/* The kind of leaf a branch holds: parameters in config, parameters and
 * derived_parameters; results in results and outside the branches. */
snx_node_kind traj_leaf_kind(snx_branch branch);
/* 0 if a leaf of `kind` may hold `value` (parameters hold no tables). */
int traj_check_leaf_value(snx_node_kind kind, const snx_value *value, const char *name);

/* The full name snx_traj_add_result(name) would give its result (malloc'ed), or NULL
 * with the error set. */
char *traj_result_full_name(snx_traj *traj, const char *name);

/* stream.c: the Environment's run process sets where pieces go (sink NULL: nowhere). */
void traj_set_stream_sink(snx_traj *traj, traj_stream_fn sink, void *ctx);

/* runs.c */
int traj_grow_runs(snx_traj *traj, size_t n_runs);
void traj_free_runs(snx_traj *traj);
/* Forgets every run record (after the exploration was removed). */
void traj_clear_runs(snx_traj *traj);

/* explore.c */
/* Takes a parameter out of the explored list (its range was dropped or it is being
 * removed); with no explored parameter left the trajectory has one run again. */
void traj_unexplore(snx_traj *traj, snx_node *par);

/* preset.c */
int traj_apply_preset(snx_traj *traj, snx_node *par, snx_value *value);
void traj_free_presets(snx_traj *traj);

/* parameter.c */
void traj_par_free(snx_node *par);
/* 0 if v may stand in a range beside ref (SNX_ETYPE naming `name` and the position
 * otherwise); traj_par_check_kind compares with the parameter's range or default. */
int traj_value_check_kind(const char *name, const snx_value *ref, const snx_value *v,
                          size_t position);
int traj_par_check_kind(const snx_node *par, const snx_value *v, size_t position);
int traj_par_append_range(snx_node *par, snx_value *values, size_t n);

/* result.c */
void traj_result_free(snx_node *res);

/* annotations.c */
void traj_annotations_free(snx_node *node);

/* service.c */
int traj_auto_load_missing(snx_traj *traj, const char *full_name);
int traj_auto_load_leaf(snx_traj *traj, snx_node *leaf);

#endif
