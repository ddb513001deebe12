# Cross build for 64-bit ARM Linux (little-endian, unsigned char, weak memory
# ordering) with Debian's g++-aarch64-linux-gnu. See debian-cross.cmake.
#   cmake -S . -B build-aarch64 -G Ninja \
#     -DCMAKE_TOOLCHAIN_FILE=.ci/toolchains/aarch64-linux-gnu.cmake [-DAMBER_SYSROOT=<dir>]
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(AMBER_CROSS_TRIPLE aarch64-linux-gnu)
set(AMBER_QEMU_ARCH aarch64)
include(${CMAKE_CURRENT_LIST_DIR}/debian-cross.cmake)
