#!/bin/bash
# Session 24, run 65: run 64's two focused networks continued, --init, 480 s, lr 4e-4, --focus 0.5.
# Ran in session 24 (H200, 496 s, right after run 64): 16-32-64 to step 7651, validation 40.09/35.61/30.91
# dB (held-out settings 39.21/34.61/29.99); 24-48-96 to step 7221, 40.55/35.96/31.21 (39.61/34.92/30.27).
# The models: src/benchmark/trained/w16f, w24f (copy one to .gpu/init/TAG to continue it).
source "$(dirname "$0")/common.sh"
N="NVIDIA H200 (lent machine), session 24 run 65: two continuations (--init) side by side, 480 s, batch 256, lr 4e-4, focus 0.5"
small() { chunk480 $1 "$N" --init .gpu/init/$1 --lr 4e-4 --focus 0.5 "${@:2}"; }
{
  echo "== train $(since)"
  small w16f & small w24f & wait
  cards w16f w24f
  for t in w16f w24f; do cp /tmp/r/$t/weights.bin $OUT/$t.bin; done
  echo "== total $(since)"
} > $OUT/log 2>&1
cat $OUT/log
