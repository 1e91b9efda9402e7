#!/bin/bash
# Session 11, run 30: a training chunk of the three new-generation models at a lower learning rate
# (1e-4, annealing after 3e-4), beside the measurements of the super-resolution first guess
# (bicubic made consistent with the blocks, against the blocks spread: -Ddiffusion.blockGuess=true),
# start levels and steps for x2 and x4, K samples for inpainting, and the NCSN with the new guesses.
set -o pipefail
cd "$(dirname "$0")/.."
source .gpu/jni.sh > /tmp/jni.log 2>&1 || { tail -30 /tmp/jni.log | tee $OUT/log; exit 1; }
J=".gpu/app/classes:.gpu/app/test-classes:.gpu/app/cli-lib/*:.gpu/app/junit.jar"
mkdir -p /tmp/r
NOTE="NVIDIA H200 (lent machine), session 11 run 30, three trainings sharing the GPU with hard-case probes; lr 1e-4 after 3e-4"
for m in ddpm-fluo-large ddpm-fluo ncsn-fluo-wide; do
  java -cp "$J" sc.fiji.diffusion.cli.Main train --init models/$m --output /tmp/r/$m --data synthetic-wide \
    --batch 64 --steps 1000000 --time 370 --lr 1e-4 --device gpu --note "$NOTE" > /tmp/r/$m.log 2>&1 &
done
T0=$(date +%s)
holes() { local left=$(( 520 - ($(date +%s) - T0) )); [ $left -lt 20 ] && { echo "SKIPPED (time) $*"; return; }
  timeout $(( left < 200 ? left : 200 )) java -Dmeasure=true -Ddevice=gpu "$@" -cp "$J" \
    org.junit.platform.console.ConsoleLauncher execute --disable-banner --details=summary \
    --select-class sc.fiji.diffusion.benchmark.HardHolesProbeTest 2>&1 | grep -E "PROBE" ; }
X2="50:1:1:0,20:4:1:0.5,20:2:1:0.5,10:2:1:0.5,20:4:1:0.3,10:2:1:0.3,10:2:1:0.2,15:2:1:0.3,10:4:1:0.3,5:2:1:0.2"
X4="50:1:1:0,50:4:1:0.5,50:4:1:0.3,50:4:1:1,20:4:1:0.3,20:4:1:0.5"
s1() {
  for m in ddpm-fluo ddpm-fluo-large; do
    echo "== x2 $m bench"; holes -Dmodel=models/$m -Dbench=true -Dfactor=2 -Dcount=8 -Dconfigs=$X2
    echo "== x2 $m bench blocks"; holes -Dmodel=models/$m -Dbench=true -Dfactor=2 -Dcount=8 -Ddiffusion.blockGuess=true -Dconfigs=20:4:1:0.5,10:2:1:0.3
    echo "== x2 $m hard"; holes -Dmodel=models/$m -Dfactor=2 -Dcount=32 -Dconfigs=$X2
    echo "== x2 $m hard blocks"; holes -Dmodel=models/$m -Dfactor=2 -Dcount=32 -Ddiffusion.blockGuess=true -Dconfigs=20:4:1:0.5,10:2:1:0.3
  done
}
s2() {
  for m in ddpm-fluo ddpm-fluo-large; do
    echo "== x4 $m bench"; holes -Dmodel=models/$m -Dbench=true -Dfactor=4 -Dcount=8 -Dconfigs=$X4
    echo "== x4 $m bench blocks"; holes -Dmodel=models/$m -Dbench=true -Dfactor=4 -Dcount=8 -Ddiffusion.blockGuess=true -Dconfigs=50:4:1:0.5,50:4:1:1
    echo "== x4 $m hard"; holes -Dmodel=models/$m -Dfactor=4 -Dcount=32 -Dconfigs=$X4
    echo "== x4 $m hard blocks"; holes -Dmodel=models/$m -Dfactor=4 -Dcount=32 -Ddiffusion.blockGuess=true -Dconfigs=50:4:1:0.5,50:4:1:1
  done
}
s3() {
  for m in ddpm-fluo-large ddpm-fluo; do
    echo "== inpaint $m hard K"; holes -Dmodel=models/$m -Dcount=32 -Dconfigs=50:4:1:0.5,50:8:1:0.5,50:16:1:0.5,100:8:1:0.5
    echo "== inpaint $m bench K"; holes -Dmodel=models/$m -Dbench=true -Dcount=8 -Dconfigs=50:4:1:0.5,50:8:1:0.5,50:16:1:0.5
  done
  m=ncsn-fluo-wide
  echo "== inpaint $m hard"; holes -Dmodel=models/$m -Dcount=32 -Dconfigs=50:4:1:0.5,50:8:1:0.5
  echo "== inpaint $m bench"; holes -Dmodel=models/$m -Dbench=true -Dcount=8 -Dconfigs=50:4:1:0.5,50:8:1:0.5
  echo "== x2 $m bench"; holes -Dmodel=models/$m -Dbench=true -Dfactor=2 -Dcount=8 -Dconfigs=50:1:1:0,20:4:1:0.5,10:2:1:0.3
  echo "== x4 $m bench"; holes -Dmodel=models/$m -Dbench=true -Dfactor=4 -Dcount=8 -Dconfigs=50:1:1:0,50:4:1:0.5,50:4:1:1
}
s1 > /tmp/s1.log 2>&1 & s2 > /tmp/s2.log 2>&1 & s3 > /tmp/s3.log 2>&1 &
wait
{
echo "== wall $(( $(date +%s) - T0 )) s after the JNI build"
cat /tmp/s1.log /tmp/s2.log /tmp/s3.log
for m in ddpm-fluo-large ddpm-fluo ncsn-fluo-wide; do echo "== /tmp/r/$m.log"; grep -v "^Training" /tmp/r/$m.log | cut -c1-400; done
nvidia-smi --query-gpu=name,memory.used --format=csv
} > $OUT/log 2>&1
for m in ddpm-fluo-large ddpm-fluo ncsn-fluo-wide; do [ -f /tmp/r/$m/weights.bin ] && tar -C /tmp/r -cf $OUT/$m.tar $m; done
tail -5 $OUT/log
