#!/bin/bash
# Session 23, run 63: run 62's two small DDPM networks continued (issue 12's point 5, a CPU denoiser): on
# the five kinds (quality --tasks denoise --count 10 --samples 4 --steps 50 --device cpu) 24-48-96 at
# step 3522 gave 36.16 dB median, 16-32-64 at step 3746 35.63, against the 36.31 the bar asks (step 7865's
# 35.81 + 0.5). Three continuations side by side, 480 s each, --init, the mixed data, batch 256, lr 4e-4:
# 24-48-96 plain, 24-48-96 with --focus 0.5 (half of each batch at levels <= 0.5, the denoising range), and
# 16-32-64 with --focus 0.5. Cards and weights back. The run-62 models travel in .gpu/init/.
source "$(dirname "$0")/common.sh"
N="NVIDIA H200 (lent machine), session 23 run 63: three continuations side by side, 480 s, batch 256, lr 4e-4"
more() { chunk480 $1 "$N" --init .gpu/init/$2 --lr 4e-4 "${@:3}"; }
{
  echo "== train $(since)"
  more w24p w24 & more w24f w24 --focus 0.5 & more w16f w16 --focus 0.5 & wait
  cards w24p w24f w16f
  for t in w24p w24f w16f; do cp /tmp/r/$t/weights.bin $OUT/$t.bin; done
  echo "== total $(since)"
} > $OUT/log 2>&1
cat $OUT/log
