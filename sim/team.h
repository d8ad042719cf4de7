/* sim/team.h: helper threads that share the parallel parts of a network run. Internal.
 *
 * The calling thread drives: it runs the serial parts of every step itself and hands
 * out each parallel part as a list of chunks (blocks of neurons, slices of targets).
 * Any thread, the driver included, claims the next chunk with one atomic operation,
 * so the driver never waits for a helper that has not started: if the helpers are
 * descheduled (another process holds the other core), the driver does all the chunks
 * itself and the run costs little more than a serial one. It waits only for chunks a
 * helper has claimed and is still running.
 *
 * Why not OpenMP: its threads meet at barriers, where a waiting thread spins for a long
 * time (GOMP_SPINCOUNT); when another process held the other core, the spinner burnt
 * the time slice its partner needed and a run took 20-75 times as long. Here a helper
 * without work spins a few microseconds (a step's serial part is about that long),
 * then sleeps on a futex until the driver publishes more work. */
#ifndef SIM_TEAM_H
#define SIM_TEAM_H

#include <stdbool.h>
#include <stddef.h>

typedef struct sim_team sim_team;

/* One chunk of a parallel part; thread: 0 (the driver) .. n_threads-1. */
typedef void (*sim_chunk_fn)(void *ctx, size_t chunk, int thread);

/* Starts n_threads - 1 helpers. NULL with SNX_ENOMEM; if the system cannot make that
 * many, the team is smaller (sim_team_size): chunks never depend on the team's size. */
sim_team *sim_team_start(int n_threads);
int sim_team_size(const sim_team *team);
/* The most chunks a part may have. */
#define SIM_TEAM_MAX_CHUNKS ((size_t)1 << 20)
/* Makes chunks 0 .. n_chunks-1 (n_chunks < SIM_TEAM_MAX_CHUNKS) of fn available (the
 * driver may then do other work, which must not touch what the chunks touch), then
 * sim_team_join works on them too and returns, when every chunk has been run, how
 * many the driver ran. Thread t runs [bounds[t], bounds[t + 1]) first (bounds: team
 * size + 1 entries, 0 .. n_chunks; NULL: equal shares). One part at a time. A driver
 * that runs chunks itself without publishing them leaves the helpers asleep (the
 * run's policy, network_team.c, does so when they hardly help). */
void sim_team_publish(sim_team *team, sim_chunk_fn fn, void *ctx, size_t n_chunks,
                      const size_t *bounds);
size_t sim_team_join(sim_team *team);
/* How many joins so far found a helper's claimed chunk unfinished after spinning
 * (50 us) and yielded: the helper was most likely descheduled mid-chunk. */
size_t sim_team_stalls(const sim_team *team);
/* While the driver runs steps alone (rest): helpers without work sleep at once
 * instead of spinning, so that they take no core from the driver or from other
 * processes on a busy machine. The next published part wakes them. */
void sim_team_rest(sim_team *team, bool rest);
/* Stops and joins the helpers, frees the team. NULL is fine. */
void sim_team_stop(sim_team *team);

#endif
