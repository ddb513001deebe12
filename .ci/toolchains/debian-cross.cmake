# Shared part of the Debian cross toolchain files (aarch64-linux-gnu.cmake,
# s390x-linux-gnu.cmake); those set AMBER_CROSS_TRIPLE and include this.
#
# Compiler: Debian's cross g++ (g++-<triple>). Target libraries come from one
# of two places:
#   -DAMBER_SYSROOT=<dir>  a directory into which the target's Debian -dev
#                          packages were unpacked (what .ci/cross-test.sh
#                          does; the host's dpkg database is left alone);
#   otherwise              the multiarch packages installed on the host
#                          (apt-get install libfmt-dev:arm64 ...; Debian's
#                          usual way, but not what CI runs, so untested).
# Host tools (nasm, cmake -P scripts) stay native. Target programs (the unit
# tests, and catch_discover_tests at build time) run through qemu-user, given
# the cross libc with -L, so no binfmt_misc registration is needed.

set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_CXX_COMPILER ${AMBER_CROSS_TRIPLE}-g++)
set(CMAKE_C_COMPILER ${AMBER_CROSS_TRIPLE}-gcc)
set(CMAKE_LIBRARY_ARCHITECTURE ${AMBER_CROSS_TRIPLE})

# try_compile projects see only the variables listed here.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES AMBER_SYSROOT)

if(AMBER_SYSROOT)
  set(CMAKE_FIND_ROOT_PATH ${AMBER_SYSROOT})
  set(_amber_pc_root ${AMBER_SYSROOT})
else()
  set(CMAKE_FIND_ROOT_PATH /)
  set(_amber_pc_root "")
endif()
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)  # nasm and friends are host tools
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# pkg-config must see the target's .pc files only, with paths inside the sysroot.
set(ENV{PKG_CONFIG_LIBDIR}
    "${_amber_pc_root}/usr/lib/${AMBER_CROSS_TRIPLE}/pkgconfig:${_amber_pc_root}/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_SYSROOT_DIR} "${_amber_pc_root}")
unset(ENV{PKG_CONFIG_PATH})

find_program(AMBER_QEMU qemu-${AMBER_QEMU_ARCH}-static)
if(NOT AMBER_QEMU)
  find_program(AMBER_QEMU qemu-${AMBER_QEMU_ARCH})
endif()
if(AMBER_QEMU)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${AMBER_QEMU} -L /usr/${AMBER_CROSS_TRIPLE})
endif()
