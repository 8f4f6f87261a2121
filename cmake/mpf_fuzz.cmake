# mpf_add_fuzzer(NAME <name> SOURCES <files...> [LIBRARIES <libs...>] CORPUS <dir>)
#
# A fuzz target is a file defining LLVMFuzzerTestOneInput. It is built two ways:
#  - in the normal build (any compiler) as <name>_replay, which runs every file of CORPUS through the
#    target once; ctest runs it (label unit), so crash inputs kept in the corpus stay regression tests;
#  - with -DMPF_FUZZING=ON and clang as a libFuzzer binary <name> (ASan + UBSan), run by ctest (label
#    fuzz) for MPF_FUZZ_SECONDS on a scratch copy of the corpus. Only the `fuzzers` target is built.
# List the parser's own .cpp files in SOURCES (not a library) so that they get coverage instrumentation.
option(MPF_FUZZING "Build libFuzzer targets (clang only)" OFF)
set(MPF_FUZZ_SECONDS 20 CACHE STRING "How long each fuzzer runs under ctest -L fuzz")
if(MPF_FUZZING AND NOT TARGET fuzzers)
  add_custom_target(fuzzers)
endif()

function(mpf_add_fuzzer)
  cmake_parse_arguments(F "" "NAME;CORPUS" "SOURCES;LIBRARIES" ${ARGN})
  if(NOT F_NAME OR NOT F_SOURCES OR NOT F_CORPUS)
    message(FATAL_ERROR "mpf_add_fuzzer needs NAME, SOURCES and CORPUS")
  endif()
  if(MPF_FUZZING)
    set(flags -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
    add_executable(${F_NAME} ${F_SOURCES})
    target_compile_options(${F_NAME} PRIVATE ${flags})
    target_link_options(${F_NAME} PRIVATE ${flags})
    target_include_directories(${F_NAME} PRIVATE ${PROJECT_SOURCE_DIR})
    target_link_libraries(${F_NAME} PRIVATE mpf::sdk ${F_LIBRARIES})
    add_dependencies(fuzzers ${F_NAME})
    set(scratch ${CMAKE_BINARY_DIR}/fuzz-corpus/${F_NAME})
    add_test(NAME ${F_NAME}
      COMMAND ${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=1
        bash -c "mkdir -p '${scratch}' '${scratch}-crashes' && exec \"$0\" -max_total_time=${MPF_FUZZ_SECONDS} -rss_limit_mb=2048 -max_len=262144 -timeout=10 -artifact_prefix='${scratch}-crashes/' '${scratch}' '${F_CORPUS}'"
        $<TARGET_FILE:${F_NAME}>)
    set_tests_properties(${F_NAME} PROPERTIES LABELS fuzz TIMEOUT 600)
  else()
    add_executable(${F_NAME}_replay ${F_SOURCES} ${PROJECT_SOURCE_DIR}/tests/fuzz/replay_main.cpp)
    target_include_directories(${F_NAME}_replay PRIVATE ${PROJECT_SOURCE_DIR})
    target_link_libraries(${F_NAME}_replay PRIVATE mpf::sdk ${F_LIBRARIES})
    add_test(NAME ${F_NAME}_replay COMMAND ${F_NAME}_replay ${F_CORPUS})
    set_tests_properties(${F_NAME}_replay PROPERTIES LABELS unit)
  endif()
endfunction()
