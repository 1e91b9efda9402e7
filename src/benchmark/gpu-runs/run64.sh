#!/bin/bash
# Session 24, run 64: run 62 again with --focus 0.5 (half of each batch at levels <= 0.5, the denoising
# range), everything else as run 62 (two DDPM networks from scratch side by side, 480 s, the mixed data,
# batch 256, lr 6e-4, seed 1): 16-32-64 and 24-48-96. Run 63 (continuations of run 62's models) could not
# run: the machine was refused twice in session 23 and run 62's models, kept outside git, were lost with
# that machine. Cards and weights back; this time they are committed (src/benchmark/trained/).
# Ran in session 24 (H200, 495 s): 16-32-64 to step 3872, validation 39.61/35.16/30.54 dB (sigma
# 0.05/0.1/0.2; held-out settings 38.84/34.30/29.74), run 62's plain training 39.09/34.74/30.35 at step
# 3746; 24-48-96 to step 3666, 40.13/35.62/30.92 (39.27/34.64/30.05), run 62's 39.61/35.24/30.75 at 3522.
source "$(dirname "$0")/common.sh"
N="NVIDIA H200 (lent machine), session 24 run 64: two trainings from scratch side by side, 480 s, batch 256, lr 6e-4, focus 0.5"
small() { chunk480 $1 "$N" --family ddpm --lr 6e-4 --focus 0.5 "${@:2}"; }
{
  echo "== train $(since)"
  small w16f --widths 16,32,64 & small w24f --widths 24,48,96 & wait
  cards w16f w24f
  for t in w16f w24f; do cp /tmp/r/$t/weights.bin $OUT/$t.bin; done
  echo "== total $(since)"
} > $OUT/log 2>&1
cat $OUT/log
