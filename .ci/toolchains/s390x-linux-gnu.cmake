# Cross build for IBM Z Linux: 64-bit big-endian (and unsigned char), the host
# that catches byte-order bugs. Debian's g++-s390x-linux-gnu. See
# debian-cross.cmake.
#   cmake -S . -B build-s390x -G Ninja \
#     -DCMAKE_TOOLCHAIN_FILE=.ci/toolchains/s390x-linux-gnu.cmake [-DAMBER_SYSROOT=<dir>]
set(CMAKE_SYSTEM_PROCESSOR s390x)
set(AMBER_CROSS_TRIPLE s390x-linux-gnu)
set(AMBER_QEMU_ARCH s390x)
include(${CMAKE_CURRENT_LIST_DIR}/debian-cross.cmake)
