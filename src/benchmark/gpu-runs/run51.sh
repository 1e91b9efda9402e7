#!/bin/bash
# Session 15, run 51: the session's last engine code (the review's fixes: the lowest level set before
# the module is written, a scalar level flattened in the wrapper): the six GPU test classes and the
# throughput benchmark at tile 0 and 1024 windows.
source "$(dirname "$0")/common.sh"
{
  echo "== tests $(since)"; gpu_tests
  echo "== benchmark $(since)"
  timeout 150 java -cp "$J" sc.fiji.diffusion.cli.Main benchmark --device gpu --models ddpm-fluo,ddpm-fluo-large \
      --throughput 2048 --batches 0,1024 --repeats 5 2>&1 | grep -E "^\| ddpm.*(network|tiled)|Exception"
  echo "== total $(since)"
} > $OUT/log 2>&1
cat $OUT/log
