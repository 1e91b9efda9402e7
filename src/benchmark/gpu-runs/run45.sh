#!/bin/bash
# Session 14, run 45: the six GPU test classes and the throughput benchmark with the models shipped in
# session 14 (run 44's steps), then the project's own TorchScript module timed from PyTorch beside the
# eager twin (torch_unet.py --script: the module as restorations load it, the trained weights in half),
# which tells the module's speed from what calling it through DJL costs (issue 12, point 2).
source "$(dirname "$0")/common.sh"
{
  echo "== tests $(since)"; gpu_tests
  echo "== benchmark $(since)"
  timeout 150 java -cp "$J" sc.fiji.diffusion.cli.Main benchmark --device gpu --models ddpm-fluo,ddpm-fluo-large \
      --throughput 2048 --batches 0,1024 --repeats 5 2>&1 | grep -E "^\| ddpm.*(network|tiled)|Exception"
  for m in ddpm-fluo ddpm-fluo-large; do
    echo "== script and eager, $m $(since)"
    java -cp "$J" sc.fiji.diffusion.engine.ScriptArchiveDump models/$m /tmp/$m.pt half 2>&1 | grep -v "INFO\|WARN"
    timeout 150 python3 src/benchmark/python/torch_unet.py models/$m/model.json --batches 1024,1849 \
      --only fp16-weights,script,script-optimized --script /tmp/$m.pt 2>&1 | grep -E "batch|Error|error" | head -5
  done
  echo "== benchmark again $(since)"
  timeout 150 java -cp "$J" sc.fiji.diffusion.cli.Main benchmark --device gpu --models ddpm-fluo,ddpm-fluo-large \
      --throughput 2048 --batches 0,1024 --repeats 5 2>&1 | grep -E "^\| ddpm.*(network|tiled)|Exception"
  echo "== total $(since)"
} > $OUT/log 2>&1
cat $OUT/log
