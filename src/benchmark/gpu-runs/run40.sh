#!/bin/bash
# Session 13, run 40: the six GPU test classes at the session's code (wide windows cut down to small
# images, libtorch loaded beside the input's reading, the benchmark timed back to back as
# torch_unet.py times PyTorch); the throughput at tile 0, 1024 and 1849 windows per call beside PyTorch
# eager in the same command; the stack against single planes; x4 with its windows cut down to the
# image (the default now) against windows of 272 for every image (the default before), image by image.
HOLES_UNTIL=560
source "$(dirname "$0")/common.sh"
W="-Ddiffusion.window=272 -Ddiffusion.overlap=16"
bench() { timeout 150 java "$@" -cp "$J" sc.fiji.diffusion.cli.Main benchmark --device gpu --models ddpm-fluo,ddpm-fluo-large \
      --throughput 2048 --batches 0,1024,1849 --repeats 10 2>&1 | grep -E "^\| ddpm.*(network|tiled)"; }
p() { local what=$1; shift; echo "== $what | $*"; holes "$@"; }
{
  echo "== tests"; gpu_tests; echo "== $(since)"
  echo "== benchmark"; bench; echo "== $(since)"
  echo "== benchmark optimizer, split GroupNorm"; bench -Dai.djl.pytorch.graph_optimizer=true -Ddiffusion.groupnorm=split; echo "== $(since)"
  for m in ddpm-fluo ddpm-fluo-large; do
    echo "== eager $m"; timeout 150 python3 src/benchmark/python/torch_unet.py models/$m/model.json --batches 1024,1849 2>&1 | grep batch
  done
  echo "== benchmark again"; bench; echo "== stack $(since)"
  timeout 150 java -Dmeasure=true -Ddevice=gpu -Dplanes=100 -Dside=512 -DstackRuns=3 -Dmodel=models/ddpm-fluo \
    -cp "$J" org.junit.platform.console.ConsoleLauncher execute --disable-banner --details=none \
    --select-method sc.fiji.diffusion.restore.LatencyProbeTest#stackAgainstSinglePlanes 2>&1 | grep -E "STACK"
  echo "== x4 $(since)"
  s1() { for m in ddpm-fluo ddpm-fluo-large; do p "x4 $m hard" -Dmodel=models/$m -Dfactor=4 -Dcount=32 -Dconfigs=50:4:1:5
           p "x4 $m hard" -Dmodel=models/$m -Dfactor=4 -Dcount=32 -Dconfigs=50:4:1:5 $W; done; }
  s2() { for m in ddpm-fluo ddpm-fluo-large; do p "x4 $m bench" -Dmodel=models/$m -Dbench=true -Dfactor=4 -Dcount=8 -Dconfigs=50:4:1:5
           p "x4 $m bench" -Dmodel=models/$m -Dbench=true -Dfactor=4 -Dcount=8 -Dconfigs=50:4:1:5 $W; done; }
  s1 > /tmp/s1.log 2>&1 & s2 > /tmp/s2.log 2>&1 & wait
  cat /tmp/s1.log /tmp/s2.log; echo "== total $(since)"
} > $OUT/log 2>&1
grep -E "^==|^\||successful|failed|STACK|median" $OUT/log
