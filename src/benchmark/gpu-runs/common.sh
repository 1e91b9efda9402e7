#!/bin/bash
# Shared by the GPU runs from run 34 on (sourced from a runN.sh in .gpu/ on the GPU machine): the JNI
# build, the classpath, and the three launches every run repeats. T0 is the time after the JNI build.
set -o pipefail
cd "$(dirname "${BASH_SOURCE[1]}")/.."
source .gpu/jni.sh > /tmp/jni.log 2>&1 || { tail -30 /tmp/jni.log | tee $OUT/log; exit 1; }
J=".gpu/app/classes:.gpu/app/test-classes:.gpu/app/cli-lib/*:.gpu/app/junit.jar"
T0=$(date +%s)
since() { echo "$(( $(date +%s) - T0 )) s"; }

# The six GPU test classes (GpuTest and the engine and restore classes that run on a GPU when it is there).
gpu_tests() {
  timeout 150 java "$@" -cp "$J" org.junit.platform.console.ConsoleLauncher execute --disable-banner --details=summary \
    --select-class sc.fiji.diffusion.restore.GpuTest --select-class sc.fiji.diffusion.engine.UNetScriptTest \
    --select-class sc.fiji.diffusion.engine.GroupNormTest \
    --select-class sc.fiji.diffusion.restore.TiledDenoiserTest --select-class sc.fiji.diffusion.restore.ChainsTest \
    --select-class sc.fiji.diffusion.engine.PercentilesTest 2>&1 | grep -E "tests (successful|failed)|=>|Exception|MethodSource" | head -20
}

# HardHolesProbeTest with the given -D options, its PROBE lines only; stops HOLES_UNTIL s after T0.
HOLES_UNTIL=${HOLES_UNTIL:-380}
holes() {
  local left=$(( HOLES_UNTIL - ($(date +%s) - T0) )); [ $left -lt 20 ] && { echo "SKIPPED (time) $*"; return; }
  timeout $(( left < 200 ? left : 200 )) java -Dmeasure=true -Ddevice=gpu "$@" -cp "$J" \
    org.junit.platform.console.ConsoleLauncher execute --disable-banner --details=summary \
    --select-class sc.fiji.diffusion.benchmark.HardHolesProbeTest 2>&1 | grep -E "PROBE"
}

# The throughput benchmark of both shipped DDPM models at 2048^2, 1024 windows per call.
throughput() {
  timeout 100 java "$@" -cp "$J" sc.fiji.diffusion.cli.Main benchmark --device gpu --models ddpm-fluo,ddpm-fluo-large \
    --throughput 2048 --batches 1024 --repeats 5 2>&1 | tail -12
}

# The throughput benchmark of both shipped DDPM models at 2048^2, tile 0 and 1024 windows, its table
# rows only; extra options (--precision P) go to the benchmark.
throughput_rows() {
  timeout 150 java -cp "$J" sc.fiji.diffusion.cli.Main benchmark --device gpu --models ddpm-fluo,ddpm-fluo-large \
      --throughput 2048 --batches 0,1024 --repeats 5 "$@" 2>&1 | grep -E "^\| ddpm.*(network|tiled)|^\| ddpm.*gpu|Exception"
}

# What every change to the engine or restore layer gets on the GPU: the six test classes, then the
# throughput rows (extra options go to the benchmark).
verify() {
  echo "== tests $(since)"; gpu_tests
  echo "== benchmark $(since)"; throughput_rows "$@"
}

# PyTorch's twin of a model's U-Net (torch_unet.py, random weights): MODEL BATCHES VARIANTS [SECONDS].
twin() {
  timeout ${4:-150} python3 src/benchmark/python/torch_unet.py models/$1/model.json --batches $2 --only $3 2>&1 \
    | grep -E "batch|Error|error" | head -5
}

# The quality benchmark of a model with issue 10's explicit options (4 samples of 50 steps; denoising,
# inpainting, x4), appended to $OUT/quality.md under "## TAG": MODEL TAG [quality options]; runs 44-61.
quality_of() {
  local m=$1 tag=$2; shift 2
  timeout ${QUALITY_TIMEOUT:-200} java -cp "$J" sc.fiji.diffusion.cli.Main quality --model $m \
    --tasks denoise,inpaint,super-resolve-4 --samples 4 --steps 50 --device gpu --docs /tmp/q-$tag "$@" > /tmp/q-$tag.log 2>&1
  { echo "## $tag"; cat /tmp/q-$tag/quality.md; } >> $OUT/quality.md
}

# A DDPM network trained from scratch on the mixed data for 300 s, seed 1, into /tmp/r/TAG: TAG NOTE [train
# options]; runs 58 and 60.
from_scratch() {
  local tag=$1 note=$2; shift 2
  timeout 420 java -cp "$J" sc.fiji.diffusion.cli.Main train --family ddpm --data synthetic-mixed --output /tmp/r/$tag \
    --steps 1000000 --time 300 --seed 1 --device gpu --note "$note" "$@" > /tmp/train-$tag.log 2>&1
}

# A DDPM network trained for 480 s on the mixed data into /tmp/r/TAG, seed 1, batch 256: TAG NOTE [train
# options: --family ddpm --widths W --lr R from scratch, or --init FOLDER --lr R, --focus SIGMA]; runs 62-65.
chunk480() {
  local tag=$1 note=$2; shift 2
  timeout 560 java -cp "$J" sc.fiji.diffusion.cli.Main train --data synthetic-mixed --output /tmp/r/$tag \
    --steps 1000000 --time 480 --seed 1 --batch 256 --device gpu --name $tag --note "$note" "$@" > /tmp/train-$tag.log 2>&1
}

# Each TAG's card to $OUT/TAG.json; every tenth line and the last two of its train log to stdout.
cards() {
  for t in "$@"; do
    echo "-- $t"; cp /tmp/r/$t/model.json $OUT/$t.json; awk 'NR%10==0' /tmp/train-$t.log | cut -c1-200; tail -2 /tmp/train-$t.log | cut -c1-400
  done
}
