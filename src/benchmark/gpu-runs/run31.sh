#!/bin/bash
# Session 11, run 31: the models of run 30's chunk (installed); x4 start levels, steps and samples;
# x2 samples and steps near 40 evaluations; inpainting K and steps; NCSN super-resolution; then the
# six GPU test classes and the throughput benchmark at this code (commit 16354e3: the bicubic guess).
set -o pipefail
cd "$(dirname "$0")/.."
source .gpu/jni.sh > /tmp/jni.log 2>&1 || { tail -30 /tmp/jni.log | tee $OUT/log; exit 1; }
J=".gpu/app/classes:.gpu/app/test-classes:.gpu/app/cli-lib/*:.gpu/app/junit.jar"
T0=$(date +%s)
holes() { local left=$(( 380 - ($(date +%s) - T0) )); [ $left -lt 20 ] && { echo "SKIPPED (time) $*"; return; }
  timeout $(( left < 200 ? left : 200 )) java -Dmeasure=true -Ddevice=gpu "$@" -cp "$J" \
    org.junit.platform.console.ConsoleLauncher execute --disable-banner --details=summary \
    --select-class sc.fiji.diffusion.benchmark.HardHolesProbeTest 2>&1 | grep -E "PROBE" ; }
X4="50:1:1:0,50:4:1:1,50:4:1:2,50:4:1:5,50:4:1:0,100:4:1:1,50:8:1:1,30:4:1:1"
X2="50:1:1:0,20:4:1:0.5,15:3:1:0.5,12:3:1:0.5,10:4:1:0.5,20:3:1:0.5,20:2:1:0.5"
IN="50:4:1:0.5,50:8:1:0.5,25:8:1:0.5,35:6:1:0.5"
x4() { echo "== x4 $1 bench"; holes -Dmodel=models/$1 -Dbench=true -Dfactor=4 -Dcount=8 -Dconfigs=$X4
       echo "== x4 $1 hard"; holes -Dmodel=models/$1 -Dfactor=4 -Dcount=32 -Dconfigs=$X4; }
x2() { echo "== x2 $1 bench"; holes -Dmodel=models/$1 -Dbench=true -Dfactor=2 -Dcount=8 -Dconfigs=$X2
       echo "== x2 $1 hard"; holes -Dmodel=models/$1 -Dfactor=2 -Dcount=32 -Dconfigs=$X2; }
s1() { x4 ddpm-fluo-large; m=ncsn-fluo-wide
  echo "== x2 $m bench"; holes -Dmodel=models/$m -Dbench=true -Dfactor=2 -Dcount=8 -Dconfigs=50:1:1:0,20:4:1:0.5
  echo "== x4 $m bench"; holes -Dmodel=models/$m -Dbench=true -Dfactor=4 -Dcount=8 -Dconfigs=50:1:1:0,50:4:1:1,50:4:1:2; }
s2() { x4 ddpm-fluo; x2 ddpm-fluo-large; }
s3() { x2 ddpm-fluo
  echo "== inpaint ddpm-fluo hard"; holes -Dmodel=models/ddpm-fluo -Dcount=32 -Dconfigs=$IN
  echo "== inpaint ddpm-fluo bench"; holes -Dmodel=models/ddpm-fluo -Dbench=true -Dcount=8 -Dconfigs=$IN
  echo "== inpaint ddpm-fluo-large hard"; holes -Dmodel=models/ddpm-fluo-large -Dcount=32 -Dconfigs=50:4:1:0.5,50:8:1:0.5,25:8:1:0.5
  echo "== inpaint ddpm-fluo-large bench"; holes -Dmodel=models/ddpm-fluo-large -Dbench=true -Dcount=8 -Dconfigs=50:4:1:0.5,50:8:1:0.5,25:8:1:0.5; }
s1 > /tmp/s1.log 2>&1 & s2 > /tmp/s2.log 2>&1 & s3 > /tmp/s3.log 2>&1 &
wait
{
echo "== probes done $(( $(date +%s) - T0 )) s after the JNI build"
cat /tmp/s1.log /tmp/s2.log /tmp/s3.log
echo "== tests"
timeout 150 java -cp "$J" org.junit.platform.console.ConsoleLauncher execute --disable-banner --details=summary \
  --select-class sc.fiji.diffusion.restore.GpuTest --select-class sc.fiji.diffusion.engine.UNetScriptTest \
  --select-class sc.fiji.diffusion.engine.GroupNormTest \
  --select-class sc.fiji.diffusion.restore.TiledDenoiserTest --select-class sc.fiji.diffusion.restore.ChainsTest \
  --select-class sc.fiji.diffusion.engine.PercentilesTest 2>&1 | grep -E "tests (successful|failed)|=>|Exception|MethodSource" | head -20
echo "== benchmark"
timeout 100 java -cp "$J" sc.fiji.diffusion.cli.Main benchmark --device gpu --models ddpm-fluo,ddpm-fluo-large --throughput 2048 --batches 1024 --repeats 5 2>&1 | tail -12
echo "== total $(( $(date +%s) - T0 )) s after the JNI build"
} > $OUT/log 2>&1
tail -30 $OUT/log
