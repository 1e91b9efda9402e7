#!/bin/bash
# Session 12, run 38: the six GPU test classes at the session's last code (x2 back in the patch's
# windows, x4 in windows of 272, a volume's blocks in the patch's windows, the shrink behind a switch).
source "$(dirname "$0")/common.sh"
{ echo "== tests"; gpu_tests; echo "== total $(since)"; } > $OUT/log 2>&1
cat $OUT/log
