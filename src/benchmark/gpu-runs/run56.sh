#!/bin/bash
# Session 17, run 56: the verification of issue 12 at commit 9242f27 (the CPU's 32 windows, the engine
# started beside the input's reading, the review's refactor; no GPU path meant to change since run 55):
# the six GPU test classes, the throughput benchmark at tile 0 and 1024 windows (half), PyTorch eager
# (fp16 weights) and torch.compile for both DDPM models in the same run, and the warm restorations of
# 2048^2 with the model auto picks on the GPU.
source "$(dirname "$0")/common.sh"
{
  verify
  for m in ddpm-fluo ddpm-fluo-large; do
    echo "== eager and compile $m $(since)"
    twin $m 1024 fp16-weights,fp16-compile
  done
  echo "== restorations $(since)"
  timeout 150 java -cp "$J" sc.fiji.diffusion.cli.Main benchmark --device gpu --models ddpm-fluo-large \
    --restorations 2048 2>&1 | tail -14
  echo "== total $(since)"
} > $OUT/log 2>&1
cat $OUT/log
