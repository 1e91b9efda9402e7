#!/bin/bash
# The GPU kit's pack (../shared/gpu/pack.sh), then the volume readers' jars (zstd-jni, blosc-java: 11 MB
# of natives for every platform; jhdf with lz4-java and compress-lzf) taken out of .gpu/app/cli-lib:
# GPU runs do not read Zarr or HDF5, and the tree that travels to the GPU machine is limited to 64 MiB. Run from the project root after
# `mvn -B -q clean package test-compile -DskipTests -Dai.djl.offline=true`.
set -eu
../shared/gpu/pack.sh | grep -v '^working tree'
rm -f .gpu/app/cli-lib/zstd-jni-*.jar .gpu/app/cli-lib/blosc-java-*.jar .gpu/app/cli-lib/jhdf-*.jar \
  .gpu/app/cli-lib/lz4-java-*.jar .gpu/app/cli-lib/compress-lzf-*.jar
t=$(( $(git ls-files -z | xargs -0 du -cb 2>/dev/null | tail -1 | cut -f1) + $(du -sb .gpu | cut -f1) ))
echo "working tree that travels (tracked + .gpu): $(( t / 1048576 )).$(( t % 1048576 * 10 / 1048576 )) MiB of 64"
