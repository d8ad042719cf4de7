/* The storage-service interface: how a trajectory is stored and loaded, without the
 * trajectory knowing any file format. storage/ implements it with HDF5; tests may
 * implement it in memory. A trajectory without a service fails to store or load
 * with SNX_ENOSERVICE. */
#ifndef SNEX_SERVICE_H
#define SNEX_SERVICE_H

#include "snex/api.h"

#include "snex/traj.h"

/* What to store of a node (pypet's levels). */
typedef enum snx_store_level {
    SNX_STORE_NOTHING = 0,
    SNX_STORE_SKIP = 1,      /* skip nodes stored before, store only new ones */
    SNX_STORE_DATA = 2,      /* store new nodes and new items of stored leaves */
    SNX_STORE_OVERWRITE = 3, /* replace what is on disk with what is in memory */
} snx_store_level;

/* What to load of a branch. */
typedef enum snx_load_level {
    SNX_LOAD_NOTHING = 0,
    SNX_LOAD_SKELETON = 1,  /* names, types, comments, annotations; no data */
    SNX_LOAD_DATA = 2,      /* data too; non-empty leaves in memory are kept */
    SNX_LOAD_OVERWRITE = 3, /* data, replacing what is in memory */
} snx_load_level;

/* Unlike the other option structs, an all-zero snx_load_opts is not the default: its
 * levels are pypet's numbers, where 0 loads nothing, and index 0 is the first
 * trajectory. Pass NULL for the defaults, or start from snx_load_defaults(). */
typedef struct snx_load_opts {
    const char *name;    /* trajectory to load; NULL = by index */
    long index;          /* used when name is NULL; negative counts from the end */
    bool as_new;         /* only parameters, unlocked; keep the current name */
    snx_load_level parameters; /* also config */
    snx_load_level derived;
    snx_load_level results;
    snx_load_level other;
    bool force;          /* load even with an unknown format version */
    bool without_run_information;
} snx_load_opts;

/* Defaults as pypet's f_load: parameters data, derived and results skeleton. */
SNX_API snx_load_opts snx_load_defaults(void);

typedef struct snx_store_opts {
    snx_store_level level;
    bool recursive;        /* for a node: its subtree too */
    int max_depth;         /* 0 = no limit */
    const char *const *overwrite_items; /* NULL-terminated item names to replace */
} snx_store_opts;

typedef struct snx_item_opts {
    snx_load_level level;
    bool recursive;
    const char *const *load_only;   /* NULL-terminated item names, or NULL */
    const char *const *load_except; /* NULL-terminated item names, or NULL */
} snx_item_opts;

typedef struct snx_storage_ops {
    /* The whole trajectory (tree, explored ranges, run information). */
    int (*store)(void *self, snx_traj *traj, const snx_store_opts *opts);
    /* One node (and its subtree when opts->recursive). */
    int (*store_node)(void *self, snx_traj *traj, snx_node *node, const snx_store_opts *opts);
    /* What run `idx` added, plus its run information; marks it completed on disk. */
    int (*store_run)(void *self, snx_traj *traj, long idx);
    int (*load)(void *self, snx_traj *traj, const snx_load_opts *opts);
    /* Data (or skeleton) of a node already in the tree. */
    int (*load_node)(void *self, snx_traj *traj, snx_node *node, const snx_item_opts *opts);
    /* Auto-load: bring `full_name` (not in memory) into the tree with its data.
     * SNX_ENODATA when it is not in the file either. */
    int (*load_missing)(void *self, snx_traj *traj, const char *full_name);
    /* Delete a node (or some of its items) from the file. */
    int (*delete_node)(void *self, snx_traj *traj, snx_node *node,
                       const char *const *only_items, snx_remove_mode mode);
    void (*free)(void *self);
    /* Streamed items (snx_traj_stream_item; both may be NULL: the Environment then
     * does not stream). append_piece keeps `piece` of item `item` of result
     * `full_name`, sent by the execution `attempt` (its start time) of run idx, aside
     * (pieces of an earlier attempt are dropped first); store_run of idx then stores
     * the result's item as the pieces followed by its own value, and drops pieces
     * whose result the run did not add. discard_pieces drops what run idx sent (it
     * failed). Pieces never count as stored data: a reader of a killed writer's file
     * does not see them as results, and the next session drops them. */
    int (*append_piece)(void *self, snx_traj *traj, long idx, double attempt,
                        const char *full_name, const char *item, const snx_value *piece);
    int (*discard_pieces)(void *self, snx_traj *traj, long idx);
} snx_storage_ops;

/* Attaches a service; the trajectory owns `self` from now on (ops->free on detach
 * or snx_traj_free). Passing ops == NULL detaches. */
SNX_API void snx_traj_set_storage(snx_traj *traj, const snx_storage_ops *ops, void *self);
SNX_API bool snx_traj_has_storage(const snx_traj *traj);
SNX_API void *snx_traj_storage_self(const snx_traj *traj);

/* Front-ends (SNX_ENOSERVICE without a service). A successful store marks the
 * trajectory stored (see snx_traj_is_stored). */
SNX_API int snx_traj_store(snx_traj *traj, const snx_store_opts *opts); /* NULL = STORE_DATA */
SNX_API int snx_traj_store_node(snx_traj *traj, snx_node *node, const snx_store_opts *opts);
SNX_API int snx_traj_store_run(snx_traj *traj, long idx);
SNX_API int snx_traj_load(snx_traj *traj, const snx_load_opts *opts); /* NULL = defaults */
SNX_API int snx_traj_load_node(snx_traj *traj, snx_node *node, const snx_item_opts *opts);
/* The service's append_piece and discard_pieces (SNX_ENOSERVICE without them; see
 * snx_storage_ops). For the Environment's writer. */
SNX_API int snx_traj_store_piece(snx_traj *traj, long idx, double attempt, const char *full_name,
                         const char *item, const snx_value *piece);
SNX_API int snx_traj_discard_pieces(snx_traj *traj, long idx);
/* Whether the attached service takes streamed pieces. */
SNX_API bool snx_traj_storage_streams(const snx_traj *traj);
SNX_API int snx_traj_delete_node(snx_traj *traj, snx_node *node, const char *const *only_items,
                         snx_remove_mode mode);
/* When on, lookups that miss load the node from storage (no shortcuts), and empty
 * leaves met by snx_traj_value & co. are filled from storage. */
SNX_API void snx_traj_set_auto_load(snx_traj *traj, bool on);
SNX_API bool snx_traj_auto_load(const snx_traj *traj);

/* Bookkeeping the service keeps in the tree. */
SNX_API bool snx_node_is_stored(const snx_node *node);
SNX_API void snx_node_set_stored(snx_node *node, bool stored);
/* Whether the trajectory was ever stored (explore is then refused; use expand). */
SNX_API bool snx_traj_is_stored(const snx_traj *traj);
SNX_API void snx_traj_set_stored(snx_traj *traj, bool stored);

/* For services building the tree while loading: creates a leaf or group at a full
 * name ("results.runs.run_00000003.z"), bypassing the run-phase rules. The value is
 * consumed; snx_none() makes an empty (skeleton) leaf. An existing leaf of that
 * name is filled. The kind must fit the branch (parameters in config, parameters
 * and derived_parameters; results elsewhere); a locked parameter is not
 * overwritten (SNX_ELOCKED, as pypet: unlock first). A failure creates nothing. */
SNX_API snx_node *snx_traj_load_leaf(snx_traj *traj, const char *full_name, snx_node_kind kind,
                             snx_value value, const char *comment);
SNX_API snx_node *snx_traj_load_group(snx_traj *traj, const char *full_name, const char *comment);
/* Installs a loaded range on a parameter of the parameters branch (values consumed,
 * also on failure), making it explored; a skeleton parameter gets the first value
 * as its default. SNX_EFORMAT for an empty range or one whose length differs from
 * the other explored parameters', SNX_ETYPE for values of another kind, SNX_ELOCKED
 * for a locked parameter. */
SNX_API int snx_par_load_range(snx_node *par, snx_value *values, size_t n);
/* Replaces the trajectory's creation time (when loading it). */
SNX_API void snx_traj_set_timestamp(snx_traj *traj, double timestamp);

#endif
