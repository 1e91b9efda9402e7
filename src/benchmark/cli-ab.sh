#!/bin/bash
# Whole CLI calls on this machine against commit 5102e42 (issue 12, point 5; issue 11, point 6): a jar's
# folder (diffusion-ij-cli.jar with its cli-lib/ and djl-cache/, copied out of target/ so that rebuilds
# do not touch it) against a 5102e42 worktree in /tmp/old, each with its own defaults and models,
# alternating, three rounds: denoise and inpainting of 512^2, super-resolution x2 of 256^2 to 512^2; with
# x4 also one round of x4 of 128^2 to 512^2. Inputs from BenchmarkImages (512, 256, 128) in /tmp.
#   git worktree add /tmp/old 5102e42 && (cd /tmp/old && mvn -B -q package -DskipTests -Dai.djl.offline=true)
#   src/benchmark/cli-ab.sh /tmp/newcli [x4]
# Sessions 12 (the jar of commit 61151b2, with x4) and 14 (the code of b4e95e1) ran it; session 16 with
# TASKS="denoise x2"; session 24 with TASKS=denoise and MODEL=PATH (the new CLI's --model; 5102e42 keeps its
# default).
new=${1:?the new jar\'s folder}
t() { local tag=$1; shift; local s=$(date +%s.%N); "$@" > /tmp/ab.log 2>&1; local rc=$?; echo "$tag $(python3 -c "print(round($(date +%s.%N)-$s,1))") rc $rc"; }
both() {
  local tag=$1; shift
  (cd /tmp/old && t "old $tag" java -jar target/diffusion-ij-cli.jar "$@" --output /tmp/o-$tag.tif --device cpu)
  (cd "$(dirname "$0")/../.." && t "new $tag" java -jar "$new/diffusion-ij-cli.jar" "$@" ${MODEL:+--model "$MODEL"} --output /tmp/n-$tag.tif --device cpu)
}
# TASKS="denoise x2" limits the rounds to those tasks (default all three).
tasks=" ${TASKS:-denoise x2 inpaint} "
for r in 1 2 3; do
  [[ $tasks == *" denoise "* ]] && both denoise denoise --input /tmp/s512.tif --noise gaussian:50
  [[ $tasks == *" x2 "* ]] && both x2 super-resolve --factor 2 --input /tmp/s256.tif
  [[ $tasks == *" inpaint "* ]] && both inpaint inpaint --input /tmp/s512.tif --mask /tmp/m512.tif
done
[ "${2:-}" = "x4" ] && both x4 super-resolve --factor 4 --input /tmp/s128.tif
exit 0
