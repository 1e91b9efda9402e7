#!/bin/bash
# Session 15, run 48: the DDPM (and NCSN) wrapper written into the TorchScript module (one call per
# evaluation, no DJL operation around it), and the module's shared-label path (one embedding for the
# batch, added with the convolutions' bias). The six GPU test classes; the call probe (the module's
# network, the denoiser, each with one label for all) at 1024 windows; the benchmark; the eager twin with
# and without the same shared label, and torch.compile; the benchmark again.
source "$(dirname "$0")/common.sh"
bench() {
  timeout 150 java -cp "$J" sc.fiji.diffusion.cli.Main benchmark --device gpu --models ddpm-fluo,ddpm-fluo-large \
      --throughput 2048 --batches 0,1024 --repeats 5 2>&1 | grep -E "^\| ddpm.*(network|tiled)|Exception"
}
{
  echo "== tests $(since)"; gpu_tests
  for m in ddpm-fluo ddpm-fluo-large; do
    echo "== probe $m $(since)"
    timeout 120 java -cp "$J" sc.fiji.diffusion.engine.ScriptCallProbe models/$m 1024 20 2>&1 | grep -E "PROBE|Exception"
  done
  echo "== benchmark $(since)"
  bench
  for m in ddpm-fluo ddpm-fluo-large; do
    echo "== eager $m $(since)"
    twin $m 1024,1849 fp16-weights,fp16-shared-label 100
  done
  echo "== benchmark again $(since)"
  bench
  for m in ddpm-fluo ddpm-fluo-large; do
    echo "== compile $m $(since)"
    twin $m 1024 fp16-weights,fp16-compile 120
  done
  echo "== total $(since)"
} > $OUT/log 2>&1
cat $OUT/log
