/* Insertion-ordered hash map. Entries live in a dense array in insertion order;
 * an open-addressing table of indices (linear probing) finds them. Removal leaves
 * a hole in the dense array that the next rebuild compacts. */
#include "snex/map.h"
#include "snex/error.h"
#include "snex/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *key; /* NULL marks a removed entry */
    void *value;
    uint64_t hash;
} map_entry;

struct snx_map {
    map_entry *entries;
    size_t n_entries, cap_entries; /* dense, including removed holes */
    size_t count;                  /* live entries */
    int64_t *slots;                /* index into entries, -1 empty */
    size_t n_slots;                /* power of two */
    snx_map_free_fn free_value;
};

static uint64_t hash_string(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

snx_map *snx_map_new(snx_map_free_fn free_value)
{
    snx_map *m = snx_calloc(1, sizeof *m);
    if (m)
        m->free_value = free_value;
    return m;
}

void snx_map_free(snx_map *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n_entries; i++) {
        if (!m->entries[i].key)
            continue;
        if (m->free_value)
            m->free_value(m->entries[i].value);
        free(m->entries[i].key);
    }
    free(m->entries);
    free(m->slots);
    free(m);
}

static int64_t find_slot(const snx_map *m, const char *key, uint64_t hash)
{
    if (!m->n_slots)
        return -1;
    size_t mask = m->n_slots - 1;
    for (size_t s = hash & mask;; s = (s + 1) & mask) {
        int64_t e = m->slots[s];
        if (e < 0)
            return -1;
        const map_entry *en = &m->entries[e];
        if (en->key && en->hash == hash && strcmp(en->key, key) == 0)
            return (int64_t)s;
    }
}

/* Compacts the dense array and rebuilds the index with room for `need` entries. */
static int rebuild(snx_map *m, size_t need)
{
    size_t n_slots = 16;
    while (n_slots < need * 2)
        n_slots *= 2;
    int64_t *slots = snx_malloc(n_slots * sizeof *slots);
    if (!slots)
        return SNX_ENOMEM;
    memset(slots, 0xff, n_slots * sizeof *slots);
    size_t live = 0;
    for (size_t i = 0; i < m->n_entries; i++)
        if (m->entries[i].key)
            m->entries[live++] = m->entries[i];
    m->n_entries = live;
    for (size_t i = 0; i < live; i++) {
        size_t s = m->entries[i].hash & (n_slots - 1);
        while (slots[s] >= 0)
            s = (s + 1) & (n_slots - 1);
        slots[s] = (int64_t)i;
    }
    free(m->slots);
    m->slots = slots;
    m->n_slots = n_slots;
    return 0;
}

int snx_map_put(snx_map *m, const char *key, void *value)
{
    uint64_t hash = hash_string(key);
    int64_t s = find_slot(m, key, hash);
    if (s >= 0) {
        map_entry *en = &m->entries[m->slots[s]];
        if (m->free_value && en->value != value)
            m->free_value(en->value);
        en->value = value;
        return 0;
    }
    if ((m->n_entries + 1) * 2 > m->n_slots && rebuild(m, m->count + 1))
        return SNX_ENOMEM;
    if (snx_grow(&m->entries, &m->cap_entries, m->n_entries + 1, sizeof *m->entries))
        return SNX_ENOMEM;
    char *k = snx_strdup(key);
    if (!k)
        return SNX_ENOMEM;
    size_t idx = m->n_entries++;
    m->entries[idx] = (map_entry){ k, value, hash };
    size_t mask = m->n_slots - 1, slot = hash & mask;
    while (m->slots[slot] >= 0)
        slot = (slot + 1) & mask;
    m->slots[slot] = (int64_t)idx;
    m->count++;
    return 0;
}

void *snx_map_get(const snx_map *m, const char *key)
{
    int64_t s = find_slot(m, key, hash_string(key));
    return s >= 0 ? m->entries[m->slots[s]].value : NULL;
}

bool snx_map_has(const snx_map *m, const char *key)
{
    return find_slot(m, key, hash_string(key)) >= 0;
}

bool snx_map_remove(snx_map *m, const char *key)
{
    int64_t s = find_slot(m, key, hash_string(key));
    if (s < 0)
        return 0;
    map_entry *en = &m->entries[m->slots[s]];
    if (m->free_value)
        m->free_value(en->value);
    free(en->key);
    en->key = NULL; /* the slot still points here, so probing chains stay intact */
    m->count--;
    return 1;
}

size_t snx_map_count(const snx_map *m) { return m->count; }

bool snx_map_next(const snx_map *m, size_t *iter, const char **key, void **value)
{
    while (*iter < m->n_entries) {
        const map_entry *en = &m->entries[(*iter)++];
        if (en->key) {
            if (key)
                *key = en->key;
            if (value)
                *value = en->value;
            return 1;
        }
    }
    return 0;
}
