#!/bin/bash
# Session 15, run 49: the code after run 48 plus one level per sampler step for all the states
# (Sampler.level: samples side by side and a stack's planes take one embedding per call). The six GPU
# test classes; the stack against single planes (issue 12, point 6); warm latency of the restorations
# at 2048^2 (point 4); the throughput benchmark once more.
source "$(dirname "$0")/common.sh"
{
  echo "== tests $(since)"; gpu_tests
  echo "== stack $(since)"
  timeout 200 java -Dmeasure=true -Ddevice=gpu -Dplanes=100 -Dside=512 -DstackRuns=3 -Dmodel=models/ddpm-fluo \
    -cp "$J" org.junit.platform.console.ConsoleLauncher execute --disable-banner --details=none \
    --select-method sc.fiji.diffusion.restore.LatencyProbeTest#stackAgainstSinglePlanes 2>&1 | grep -E "STACK|Exception"
  echo "== restorations $(since)"
  timeout 200 java -cp "$J" sc.fiji.diffusion.cli.Main benchmark --device gpu --models ddpm-fluo-large \
    --restorations 2048 2>&1 | tail -14
  echo "== throughput $(since)"
  throughput
  echo "== total $(since)"
} > $OUT/log 2>&1
cat $OUT/log
