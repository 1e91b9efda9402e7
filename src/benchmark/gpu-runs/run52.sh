#!/bin/bash
# Session 15, run 52: issue 10 point 7 on one device: the old model of issue 10's day (ddpm-fluo at step
# 7865, commit 5365b4c, carried as .gpu/old/ddpm-fluo) beside the shipped ddpm-fluo-large, the same
# quality commands as runs 42-44 and 50, five kinds and held-out settings, all four side by side.
source "$(dirname "$0")/common.sh"
q() { local m=$1 tag=$2; shift 2; timeout 240 java -cp "$J" sc.fiji.diffusion.cli.Main quality --model $m \
  --tasks denoise,inpaint,super-resolve-4 --samples 4 --steps 50 --device gpu --docs /tmp/q-$tag "$@" > /tmp/q-$tag.log 2>&1
  { echo "## $tag"; cat /tmp/q-$tag/quality.md; } >> $OUT/quality.md; }
{
  echo "== quality $(since)"
  q .gpu/old/ddpm-fluo old-five --count 10 & q .gpu/old/ddpm-fluo old-held --count 16 --scenes held-out &
  q models/ddpm-fluo-large large-five --count 10 & q models/ddpm-fluo-large large-held --count 16 --scenes held-out &
  wait
  grep -h "^## \|^| \(denoise\|inpaint\|super\)" $OUT/quality.md
  tail -3 /tmp/q-old-five.log
  echo "== total $(since)"
} > $OUT/log 2>&1
cat $OUT/log
