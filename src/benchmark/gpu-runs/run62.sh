#!/bin/bash
# Session 21, run 62: a smaller CPU denoiser for issue 12's point 5 (a 512^2 denoise on 2 float-only cores
# at 0.4 of 5102e42's CLI needs about a quarter of ddpm-fluo's network work: 16-32-64 took 2.1 s against
# ddpm-fluo's 3.3 s on this session's CPU, untrained weights). Two DDPM networks from scratch side by side,
# 480 s each, the mixed data, batch 256, lr 6e-4 (run 60's best): 16-32-64 and 24-48-96. Cards and weights back.
# Ran in sessions 21 and 22 (the GPU shared, steps differ); session 22's: 16-32-64 to step 3746, validation
# 39.09/34.74/30.35 dB (sigma 0.05/0.1/0.2; held-out settings 38.38/33.95/29.58); 24-48-96 to step 3522,
# 39.61/35.24/30.75 (38.80/34.33/29.90). On this project's 2-core CPU (session 23, `quality --model M --tasks
# denoise --count 10 --samples 4 --steps 50 --device cpu`): 24-48-96 36.16 dB median, 16-32-64 35.63.
source "$(dirname "$0")/common.sh"
N="NVIDIA H200 (lent machine), session 21 run 62: two trainings from scratch side by side, 480 s, batch 256, lr 6e-4"
small() { chunk480 $1 "$N" --family ddpm --lr 6e-4 "${@:2}"; }
{
  echo "== train $(since)"
  small w16 --widths 16,32,64 & small w24 --widths 24,48,96 & wait
  cards w16 w24
  for t in w16 w24; do cp /tmp/r/$t/weights.bin $OUT/$t.bin; done
  echo "== total $(since)"
} > $OUT/log 2>&1
cat $OUT/log
