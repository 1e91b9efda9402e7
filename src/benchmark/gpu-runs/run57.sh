#!/bin/bash
# Session 17, run 57: the session's last code (commit c782a4b: TensorFile reads values 64 KiB at a time):
# the six GPU test classes and the throughput benchmark at tile 0 and 1024 windows (half).
source "$(dirname "$0")/common.sh"
{
  verify
  echo "== total $(since)"
} > $OUT/log 2>&1
cat $OUT/log
