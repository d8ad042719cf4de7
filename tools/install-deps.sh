#!/bin/sh
# Installs the Debian packages snex needs to build and test, only those missing.
set -e
# libplplot-dev + plplot-driver-cairo: PLplot and its PNG driver, for the plot programs
# (examples/*/plot*.c). libopenmpi-dev + openmpi-bin: MPI sweeps (docs/CLUSTER.md; the
# build finds Open MPI and builds them, and make test runs them under mpirun).
PACKAGES="build-essential pkg-config libhdf5-dev hdf5-tools libgsl-dev libcmocka-dev
          libplplot-dev plplot-driver-cairo libopenmpi-dev openmpi-bin
          python3 python3-h5py python3-numpy python3-matplotlib python3-pandas valgrind"
missing=""
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "snex: installing missing packages:$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
