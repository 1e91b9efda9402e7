#!/bin/bash
# Session 13, run 42: ddpm-fluo-large continued for 270 s on the wide world with the five kinds mixed in
# (--data synthetic-mixed: half the patches the quality benchmark's five kinds), against the shipped
# model on the quality benchmark's five kinds and on the held-out settings, the same explicit options
# for both (issue 10, point 7: the old model's edge on its own five kinds).
source "$(dirname "$0")/common.sh"
q() { local m=$1 tag=$2; shift 2; timeout 200 java -cp "$J" sc.fiji.diffusion.cli.Main quality --model $m \
  --tasks denoise,inpaint,super-resolve-4 --samples 4 --steps 50 --device gpu --docs /tmp/q-$tag "$@" > /tmp/q-$tag.log 2>&1
  cp /tmp/q-$tag/quality.md $OUT/quality-$tag.md; }
{
  echo "== train $(since)"
  timeout 330 java -cp "$J" sc.fiji.diffusion.cli.Main train --init models/ddpm-fluo-large --data synthetic-mixed \
    --output /tmp/r/ddpm-fluo-large --batch 64 --steps 1000000 --time 270 --lr 1e-4 --device gpu \
    --note "NVIDIA H200 (lent machine), beside two quality runs; five kinds mixed in" > /tmp/train.log 2>&1 &
  q models/ddpm-fluo-large shipped-five --count 10 & q models/ddpm-fluo-large shipped-held --count 16 --scenes held-out &
  wait
  cp /tmp/r/ddpm-fluo-large/model.json $OUT/model.json; cp /tmp/r/ddpm-fluo-large/weights.bin $OUT/weights.bin
  cp /tmp/train.log $OUT/train.log; tail -2 /tmp/train.log | cut -c1-600
  echo "== quality of the continued model $(since)"
  q /tmp/r/ddpm-fluo-large mix-five --count 10 & q /tmp/r/ddpm-fluo-large mix-held --count 16 --scenes held-out & wait
  grep -h "^| \(denoise\|inpaint\|super\)" $OUT/quality-*.md
  echo "== total $(since)"
} > $OUT/log 2>&1
cat $OUT/log
