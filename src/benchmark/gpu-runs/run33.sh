#!/bin/bash
# Session 11, run 33: the six GPU test classes at the session's last restore code (the review's fixes:
# super-resolution's guess from the clipped measurements, bicubic rows on all cores).
set -o pipefail
cd "$(dirname "$0")/.."
source .gpu/jni.sh > /tmp/jni.log 2>&1 || { tail -30 /tmp/jni.log | tee $OUT/log; exit 1; }
J=".gpu/app/classes:.gpu/app/test-classes:.gpu/app/cli-lib/*:.gpu/app/junit.jar"
{
echo "== tests"
timeout 150 java -cp "$J" org.junit.platform.console.ConsoleLauncher execute --disable-banner --details=summary \
  --select-class sc.fiji.diffusion.restore.GpuTest --select-class sc.fiji.diffusion.engine.UNetScriptTest \
  --select-class sc.fiji.diffusion.engine.GroupNormTest \
  --select-class sc.fiji.diffusion.restore.TiledDenoiserTest --select-class sc.fiji.diffusion.restore.ChainsTest \
  --select-class sc.fiji.diffusion.engine.PercentilesTest 2>&1 | grep -E "tests (successful|failed)|=>|Exception|MethodSource" | head -20
echo "== x2 default, 8 benchmark images"
timeout 60 java -Dmeasure=true -Ddevice=gpu -Dmodel=models/ddpm-fluo -Dbench=true -Dfactor=2 -Dcount=8 -Dconfigs=15:3:1:0.5 -cp "$J" \
    org.junit.platform.console.ConsoleLauncher execute --disable-banner --details=summary \
    --select-class sc.fiji.diffusion.benchmark.HardHolesProbeTest 2>&1 | grep -E "PROBE .*median"
} > $OUT/log 2>&1
cat $OUT/log
