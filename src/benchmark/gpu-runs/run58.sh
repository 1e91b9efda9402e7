#!/bin/bash
# Session 20, run 58: depth by measurement (issue 10 point 2): four DDPM networks trained from scratch side
# by side on the H200 for the same 300 s (`--data synthetic-mixed`, the shipped models' latest data; batch
# 64 of 64^2; the default learning rate 3e-4; the same seed): 32-64-128 and 64-128-256 with one residual
# block per level (the shipped models' shapes), 32-64-128 and 48-96-192 with two (`--res-blocks 2`). The
# cards (validation PSNR on the training and held-out settings), every tenth line of the train logs (in
# the log) and the weights of the two-block networks come back (7 files), the weights to time on the CPU.
source "$(dirname "$0")/common.sh"
N="NVIDIA H200 (lent machine), session 20 run 58: four trainings from scratch side by side, 300 s"
{
  echo "== train $(since)"
  from_scratch w32x1 "$N" --batch 64 --widths 32,64,128 & from_scratch w32x2 "$N" --batch 64 --widths 32,64,128 --res-blocks 2 &
  from_scratch w64x1 "$N" --batch 64 --widths 64,128,256 & from_scratch w48x2 "$N" --batch 64 --widths 48,96,192 --res-blocks 2 &
  wait
  cards w32x1 w32x2 w64x1 w48x2
  cp /tmp/r/w32x2/weights.bin $OUT/w32x2.bin; cp /tmp/r/w48x2/weights.bin $OUT/w48x2.bin
  echo "== total $(since)"
} > $OUT/log 2>&1
cat $OUT/log
