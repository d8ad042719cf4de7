#!/bin/sh
# `make run`: runs the main example and says where its outputs are. The example
# writes hdf5/FiringRate.hdf5 and logs/FiringRate.log below the current directory
# (the repository root under `make run`; both folders are ignored by git).
#   tools/run-main-example.sh BUILD_DIR [--pipeline]
set -e
BUILD=$1
shift
"$BUILD/examples/lif/lif" "$@"
echo
echo "outputs: $(pwd)/hdf5/FiringRate.hdf5 (the trajectory), $(pwd)/logs/FiringRate.log (the log)"
