#!/bin/sh
# setup.sh - Gradescope runs this once, as root, when it builds the
# autograder's image (Ubuntu): install what the grader needs and build
# what every submission shares (common/, the test harness, the helpers), so that each
# run only compiles the student's code.
set -eu
cd "$(dirname "$0")"
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y build-essential pkg-config check
make --no-print-directory -s grade-class-prep build/tools/results-check
