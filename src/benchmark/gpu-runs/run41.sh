#!/bin/bash
# Session 13, run 41: the six GPU test classes at the session's code (tile 0 counts a TorchScript call's
# memory at 0.4 of the blocks' count; GpuTest holds a call to it), the throughput at tile 0 and 1024
# windows per call with the upsampling convolution as UNet writes it (the GPU's default), by phases in
# four convolutions and by phases in one, beside PyTorch eager and torch.compile in the same command.
source "$(dirname "$0")/common.sh"
bench() { timeout 150 java "$@" -cp "$J" sc.fiji.diffusion.cli.Main benchmark --device gpu --models ddpm-fluo,ddpm-fluo-large \
      --throughput 2048 --batches 0,1024 --repeats 10 2>&1 | grep -E "^\| ddpm.*(network|tiled)"; }
{
  echo "== tests"; gpu_tests; echo "== $(since)"
  timeout 100 java -cp "$J" org.junit.platform.console.ConsoleLauncher execute --disable-banner --details=none \
    --select-method sc.fiji.diffusion.restore.GpuTest#aCallTakesNoMoreMemoryThanCounted 2>&1 | grep -E "GPU memory|tests (successful|failed)"
  echo "== benchmark"; bench; echo "== $(since)"
  echo "== benchmark phases, four convolutions"; bench -Ddiffusion.upsample=phases; echo "== $(since)"
  echo "== benchmark phases, one convolution"; bench -Ddiffusion.upsample=phases -Ddiffusion.phaseConv=true; echo "== $(since)"
  for m in ddpm-fluo ddpm-fluo-large; do
    echo "== eager $m"; timeout 150 python3 src/benchmark/python/torch_unet.py models/$m/model.json --batches 1024,1849 \
      --only fp16-weights,fp16-compile 2>&1 | grep batch
  done
  echo "== benchmark again $(since)"; bench; echo "== total $(since)"
} > $OUT/log 2>&1
cat $OUT/log
