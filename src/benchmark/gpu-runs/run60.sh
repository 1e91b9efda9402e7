#!/bin/bash
# Session 20, run 60: batch by measurement (issue 10 point 2): four DDPM networks trained from scratch side
# by side on the H200 for the same 300 s (`--data synthetic-mixed`, patch 64, the same seed): 32-64-128 at
# batch 64 (lr 3e-4, as run 58's first row), at batch 256 (lr 3e-4 and 6e-4), and 64-128-256 at batch 256
# (lr 3e-4). The cards (validation PSNR) come back, every tenth line of the train logs in the log.
source "$(dirname "$0")/common.sh"
N="NVIDIA H200 (lent machine), session 20 run 60: four trainings from scratch side by side, 300 s"
{
  echo "== train $(since)"
  from_scratch b64 "$N" --widths 32,64,128 --batch 64 & from_scratch b256 "$N" --widths 32,64,128 --batch 256 &
  from_scratch b256lr "$N" --widths 32,64,128 --batch 256 --lr 6e-4 & from_scratch w64b256 "$N" --widths 64,128,256 --batch 256 &
  wait
  cards b64 b256 b256lr w64b256
  echo "== total $(since)"
} > $OUT/log 2>&1
cat $OUT/log
