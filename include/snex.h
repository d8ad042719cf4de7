/* snex: spiking network explorer. The umbrella header: include this, or a module's
 * own header under snex/. */
#ifndef SNEX_H
#define SNEX_H

#include "snex/version.h"
#include "snex/error.h"
#include "snex/util.h"
#include "snex/map.h"
#include "snex/units.h"
#include "snex/value.h"
#include "snex/traj.h"
#include "snex/service.h"
#include "snex/storage.h"
#include "snex/env.h"
#include "snex/sim.h"
#include "snex/network.h"

#endif
