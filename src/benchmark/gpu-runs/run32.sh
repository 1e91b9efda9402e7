#!/bin/bash
# Session 11, run 32: the GPU tests at the session's last engine and restore code (the defaults of
# runs 30-31, the next chunk's host arrays made while the device computes, planes read on all cores);
# a 100-plane stack against single planes; whole CLI calls of the default inpainting of 2048^2 (now 8
# samples); the warm restorations of the benchmark.
set -o pipefail
cd "$(dirname "$0")/.."
source .gpu/jni.sh > /tmp/jni.log 2>&1 || { tail -30 /tmp/jni.log | tee $OUT/log; exit 1; }
J=".gpu/app/classes:.gpu/app/test-classes:.gpu/app/cli-lib/*:.gpu/app/junit.jar"
T0=$(date +%s)
{
echo "== tests"
timeout 150 java -cp "$J" org.junit.platform.console.ConsoleLauncher execute --disable-banner --details=summary \
  --select-class sc.fiji.diffusion.restore.GpuTest --select-class sc.fiji.diffusion.engine.UNetScriptTest \
  --select-class sc.fiji.diffusion.engine.GroupNormTest \
  --select-class sc.fiji.diffusion.restore.TiledDenoiserTest --select-class sc.fiji.diffusion.restore.ChainsTest \
  --select-class sc.fiji.diffusion.engine.PercentilesTest 2>&1 | grep -E "tests (successful|failed)|=>|Exception|MethodSource" | head -20
echo "== stack $(( $(date +%s) - T0 )) s"
timeout 150 java -Dmeasure=true -Ddevice=gpu -Dplanes=100 -Dside=512 -DstackRuns=2 -Dphases=true -Dmodel=models/ddpm-fluo \
  -cp "$J" org.junit.platform.console.ConsoleLauncher execute --disable-banner --details=none \
  --select-method sc.fiji.diffusion.restore.LatencyProbeTest#stackAgainstSinglePlanes 2>&1 | grep -E "STACK|PHASES"
echo "== CLI calls 2048^2 $(( $(date +%s) - T0 )) s"
java -cp "$J" sc.fiji.diffusion.benchmark.BenchmarkImages 2048 /tmp/s.tif /tmp/m.tif
for i in 1 2; do
  s=$(date +%s.%N); timeout 60 java -cp "$J" sc.fiji.diffusion.cli.Main inpaint --input /tmp/s.tif --mask /tmp/m.tif --output /tmp/i.tif --device gpu > /tmp/cli.log 2>&1; rc=$?
  echo "$(python3 -c "print(round($(date +%s.%N)-$s,2))") s rc $rc: inpaint 2048^2 default"; grep -iE "model|samples|error" /tmp/cli.log | head -4
done
echo "== warm restorations $(( $(date +%s) - T0 )) s"
timeout 150 java -cp "$J" sc.fiji.diffusion.cli.Main benchmark --device gpu --models ddpm-fluo-large --restorations 2048 2>&1 | tail -14
echo "== total $(( $(date +%s) - T0 )) s after the JNI build"
} > $OUT/log 2>&1
tail -40 $OUT/log
