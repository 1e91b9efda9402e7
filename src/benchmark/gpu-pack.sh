#!/bin/bash
# The GPU kit's pack (../shared/gpu/pack.sh), then the volume readers' jars (zstd-jni, blosc-java: 11 MB
# of natives for every platform; jhdf with lz4-java and compress-lzf) taken out of .gpu/app/cli-lib:
# the tree that travels to the GPU machine is limited to 64 MiB. Run from the project root after
# `mvn -B -q clean package test-compile -DskipTests -Dai.djl.offline=true`.
#   gpu-pack.sh            for GPU tests and benchmarks: no Zarr or HDF5 on the GPU machine
#   gpu-pack.sh --volumes  for volume runs (VolumeMemoryProbe, restore-volume on Zarr): zstd-jni and
#                          blosc-java kept with their Linux x86-64 natives only, JUnit's launcher left out
set -eu
../shared/gpu/pack.sh | grep -v '^working tree'
L=.gpu/app/cli-lib
rm -f $L/jhdf-*.jar $L/lz4-java-*.jar $L/compress-lzf-*.jar
if [ "${1:-}" = "--volumes" ]; then
  rm -f .gpu/app/junit.jar
  for j in $L/zstd-jni-*.jar; do
    zip -q -d "$j" 'darwin/*' 'win/*' 'freebsd/*' 'aix/*' 'linux/aarch64/*' 'linux/arm/*' 'linux/mips64/*' \
      'linux/s390x/*' 'linux/ppc64le/*' 'linux/ppc64/*' 'linux/riscv64/*' 'linux/i386/*' 'linux/loongarch64/*'
  done
  for j in $L/blosc-java-*.jar; do zip -q -d "$j" 'libbloscjni.dll' 'libbloscjni.dylib'; done
else
  rm -f $L/zstd-jni-*.jar $L/blosc-java-*.jar
fi
t=$(( $(git ls-files -z | xargs -0 du -cb 2>/dev/null | tail -1 | cut -f1) + $(du -sb .gpu | cut -f1) ))
echo "working tree that travels (tracked + .gpu): $(( t / 1048576 )).$(( t % 1048576 * 10 / 1048576 )) MiB of 64"
