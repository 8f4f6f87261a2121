#pragma once

/// @file
/// Versioning of the plugin boundary.
///
/// A plugin and the host must agree on two things before any C++ object crosses between them:
///  - the SDK ABI version: bumped whenever a type or virtual table in this directory changes layout;
///  - the toolchain tag: compiler family and major version, standard library and its ABI flavour, and
///    the C++ standard. C++ types such as std::string and std::vector are passed across the boundary,
///    so two different standard libraries must never meet.
/// The host refuses (never just warns about) a plugin whose ABI version or toolchain tag differs.

#define MPF_SDK_STRINGIFY_INNER(x) #x
#define MPF_SDK_STRINGIFY(x) MPF_SDK_STRINGIFY_INNER(x)

/// The SDK ABI version. An out-of-tree build may define it on the command line only to prove that the
/// host refuses a mismatch (the SDK example's test does this); real plugins never override it.
#ifndef MPF_SDK_ABI_VERSION
#define MPF_SDK_ABI_VERSION 3
#endif

/// Human-readable SDK release; informational only, compatibility is decided by the ABI version.
#define MPF_SDK_VERSION_STRING "0.1.0"

#if defined(__clang__)
#define MPF_SDK_COMPILER_TAG "clang-" MPF_SDK_STRINGIFY(__clang_major__)
#elif defined(__GNUC__)
#define MPF_SDK_COMPILER_TAG "gcc-" MPF_SDK_STRINGIFY(__GNUC__)
#else
#define MPF_SDK_COMPILER_TAG "unknown-compiler"
#endif

// <version> defines the standard-library identification macros without pulling in anything else.
#include <version>
#if defined(_LIBCPP_VERSION)
#define MPF_SDK_STDLIB_TAG "libc++-" MPF_SDK_STRINGIFY(_LIBCPP_ABI_VERSION)
#elif defined(__GLIBCXX__)
#if defined(_GLIBCXX_USE_CXX11_ABI) && _GLIBCXX_USE_CXX11_ABI
#define MPF_SDK_STDLIB_TAG "libstdc++-cxx11abi"
#else
#define MPF_SDK_STDLIB_TAG "libstdc++-oldabi"
#endif
#else
#define MPF_SDK_STDLIB_TAG "unknown-stdlib"
#endif

#if __cplusplus >= 202002L
#define MPF_SDK_STD_TAG "c++20"
#else
#error "the mpf SDK needs C++20"
#endif

/// The toolchain tag compiled into every plugin and into the host, e.g. "gcc-12/libstdc++-cxx11abi/c++20".
/// Like the ABI version it may be overridden only by tests proving that a mismatch is refused.
#ifndef MPF_SDK_TOOLCHAIN_TAG
#define MPF_SDK_TOOLCHAIN_TAG MPF_SDK_COMPILER_TAG "/" MPF_SDK_STDLIB_TAG "/" MPF_SDK_STD_TAG
#endif
