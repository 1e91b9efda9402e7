#!/bin/bash
# Session 13, run 39: the six GPU test classes at commit c2a0c47 (session 12's last, never run on a GPU),
# then issue 12 point 2 in one command: the throughput benchmark at 1024 windows per call and at 1849
# (all 43 x 43 windows of 2048^2 in one call, what tile 0 sends on the H200), with and without the graph
# executor's optimization and GroupNorm split into fusable steps, beside PyTorch eager in the same run.
source "$(dirname "$0")/common.sh"
{
  echo "== tests"; gpu_tests; echo "== $(since)"
  for flags in "" "-Dai.djl.pytorch.graph_optimizer=true -Ddiffusion.groupnorm=split"; do
    echo "== benchmark $flags"
    timeout 150 java $flags -cp "$J" sc.fiji.diffusion.cli.Main benchmark --device gpu --models ddpm-fluo,ddpm-fluo-large \
      --throughput 2048 --batches 1024,1849 --repeats 5 2>&1 | grep -E "^\|" ; echo "== $(since)"
  done
  for m in ddpm-fluo ddpm-fluo-large; do
    echo "== eager $m"; timeout 150 python3 src/benchmark/python/torch_unet.py models/$m/model.json --batches 1024,1849 2>&1 | tail -3
    echo "== $(since)"
  done
  nvidia-smi --query-gpu=name,clocks.sm,clocks.max.sm,temperature.gpu,power.draw --format=csv
} > $OUT/log 2>&1
cat $OUT/log
