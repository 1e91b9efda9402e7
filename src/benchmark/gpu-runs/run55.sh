#!/bin/bash
# Session 16, run 55: the bfloat16 precision (a module of bfloat16 weights written from float ones, the
# CPU's new auto where the processor computes it): the six GPU test classes (UNetScriptTest's new
# bfloat16 test among them, on the GPU), the throughput benchmark at tile 0 and 1024 windows in the
# default precision (half: unchanged code path, expected as run 54), and once with --precision bfloat16.
source "$(dirname "$0")/common.sh"
{
  verify
  echo "== benchmark bfloat16 $(since)"; throughput_rows --precision bfloat16
  echo "== total $(since)"
} > $OUT/log 2>&1
cat $OUT/log
