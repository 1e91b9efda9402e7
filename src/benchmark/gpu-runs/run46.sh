#!/bin/bash
# Session 14, run 46: where the Java call loses to PyTorch (run 45: the project's TorchScript module from
# PyTorch ran at the eager twin's speed, 144.1 against 144.1 Mpx/s, while the Java benchmark's network
# alone ran at 137.56). ScriptCallProbe times the module's forward through DJL on half inputs, the same
# with the executor switch set per call, and the whole denoiser (float state, DDPM wrapper), beside
# torch_unet.py's eager and script rows in the same command.
source "$(dirname "$0")/common.sh"
{
  for m in ddpm-fluo ddpm-fluo-large; do
    echo "== $m $(since)"
    timeout 120 java -cp "$J" sc.fiji.diffusion.engine.ScriptCallProbe models/$m 1024 20 2>&1 | grep -E "PROBE|Exception"
    java -cp "$J" sc.fiji.diffusion.engine.ScriptArchiveDump models/$m /tmp/$m.pt half 2>&1 | grep -v "INFO\|WARN"
    timeout 120 python3 src/benchmark/python/torch_unet.py models/$m/model.json --batches 1024 \
      --only fp16-weights,script --script /tmp/$m.pt 2>&1 | grep -E "batch|Error|error" | head -3
  done
  echo "== total $(since)"
} > $OUT/log 2>&1
cat $OUT/log
