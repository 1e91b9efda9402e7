#!/bin/bash
# Session 20, run 60: batch by measurement (issue 10 point 2): four DDPM networks trained from scratch side
# by side on the H200 for the same 300 s (`--data synthetic-mixed`, patch 64, the same seed): 32-64-128 at
# batch 64 (lr 3e-4, as run 58's first row), at batch 256 (lr 3e-4 and 6e-4), and 64-128-256 at batch 256
# (lr 3e-4). The cards (validation PSNR) come back, every tenth line of the train logs in the log.
source "$(dirname "$0")/common.sh"
tr() { local tag=$1; shift; timeout 420 java -cp "$J" sc.fiji.diffusion.cli.Main train --family ddpm --data synthetic-mixed \
    --output /tmp/r/$tag --steps 1000000 --time 300 --seed 1 --device gpu "$@" \
    --note "NVIDIA H200 (lent machine), session 20 run 60: four trainings from scratch side by side, 300 s" \
    > /tmp/train-$tag.log 2>&1; }
{
  echo "== train $(since)"
  tr b64 --widths 32,64,128 --batch 64 & tr b256 --widths 32,64,128 --batch 256 &
  tr b256lr --widths 32,64,128 --batch 256 --lr 6e-4 & tr w64b256 --widths 64,128,256 --batch 256 &
  wait
  for t in b64 b256 b256lr w64b256; do
    echo "-- $t"; cp /tmp/r/$t/model.json $OUT/$t.json; awk 'NR%10==0' /tmp/train-$t.log | cut -c1-200; tail -2 /tmp/train-$t.log | cut -c1-400
  done
  echo "== total $(since)"
} > $OUT/log 2>&1
cat $OUT/log
