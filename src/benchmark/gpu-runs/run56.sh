#!/bin/bash
# Session 17, run 56: the verification of issue 12 at commit 9242f27 (the CPU's 32 windows, the engine
# started beside the input's reading, the review's refactor; no GPU path meant to change since run 55):
# the six GPU test classes, the throughput benchmark at tile 0 and 1024 windows (half), PyTorch eager
# (fp16 weights) and torch.compile for both DDPM models in the same run, and the warm restorations of
# 2048^2 with the model auto picks on the GPU.
source "$(dirname "$0")/common.sh"
{
  echo "== tests $(since)"; gpu_tests
  echo "== benchmark $(since)"; throughput_rows
  for m in ddpm-fluo ddpm-fluo-large; do
    echo "== eager and compile $m $(since)"
    timeout 150 python3 src/benchmark/python/torch_unet.py models/$m/model.json --batches 1024 \
      --only fp16-weights,fp16-compile 2>&1 | grep -E "batch|Error|error" | head -5
  done
  echo "== restorations $(since)"
  timeout 150 java -cp "$J" sc.fiji.diffusion.cli.Main benchmark --device gpu --models ddpm-fluo-large \
    --restorations 2048 2>&1 | tail -14
  echo "== total $(since)"
} > $OUT/log 2>&1
cat $OUT/log
