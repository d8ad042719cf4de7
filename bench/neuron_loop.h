/* What bench_neuron_update and its hand-written loop (neuron_loop.c) share: the
 * size of the run and the model's constants (spec §3.2). */
#ifndef BENCH_NEURON_LOOP_H
#define BENCH_NEURON_LOOP_H

#define N 4000
#define STEPS 5000

static const double DT = 1e-4, TAU = 15e-3, TAU1 = 1e-3, TAU2_E = 3e-3, TAU2_I = 2e-3;

/* Runs the model for STEPS steps; the wall time in seconds, the spike count in *spikes. */
double neuron_loop_default(long *spikes);
double neuron_loop_native(long *spikes);

#endif
