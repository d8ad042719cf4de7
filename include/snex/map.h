/* snx_map: a string-keyed hash map of pointers that remembers insertion order.
 * Used for the trajectory's name index, the network's shared `network_dict` and
 * namespaces of constants. Keys are copied; values are not owned unless a free
 * function is given. */
#ifndef SNEX_MAP_H
#define SNEX_MAP_H

#include "snex/api.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct snx_map snx_map;
typedef void (*snx_map_free_fn)(void *value);

/* free_value may be NULL (values are not owned). */
SNX_API snx_map *snx_map_new(snx_map_free_fn free_value);
SNX_API void snx_map_free(snx_map *m);

/* Inserts or replaces (a replaced owned value is freed). 0 or SNX_ENOMEM. */
SNX_API int snx_map_put(snx_map *m, const char *key, void *value);
/* NULL when absent. */
SNX_API void *snx_map_get(const snx_map *m, const char *key);
SNX_API bool snx_map_has(const snx_map *m, const char *key);
/* Removes the key (freeing an owned value). Whether it was there. */
SNX_API bool snx_map_remove(snx_map *m, const char *key);
SNX_API size_t snx_map_count(const snx_map *m);

/* Iteration in insertion order: for (size_t it = 0; snx_map_next(m, &it, &k, &v);)
 * false once every entry was seen. */
SNX_API bool snx_map_next(const snx_map *m, size_t *iter, const char **key, void **value);

#endif
