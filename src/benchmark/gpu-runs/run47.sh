#!/bin/bash
# Session 14, run 47: run 46's probe with the DDPM wrapper's two parts timed on their own around the
# module (the label looked up from sigma on the device; the state cast to half and the output back).
source "$(dirname "$0")/common.sh"
{
  for m in ddpm-fluo ddpm-fluo-large; do
    echo "== $m $(since)"
    timeout 120 java -cp "$J" sc.fiji.diffusion.engine.ScriptCallProbe models/$m 1024 20 2>&1 | grep -E "PROBE|Exception"
  done
  echo "== total $(since)"
} > $OUT/log 2>&1
cat $OUT/log
