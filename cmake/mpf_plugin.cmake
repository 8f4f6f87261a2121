# GCC marks function-local statics of inline functions STB_GNU_UNIQUE, which turns dlclose() into a
# no-op: a plugin could then never be unloaded. Shared-object plugins are built without it.
set(MPF_PLUGIN_MODULE_FLAGS $<$<CXX_COMPILER_ID:GNU>:-fno-gnu-unique>)

# mpf_add_plugin(NAME <id> SOURCES <files...> [LIBRARIES <libs...>] [MODULE])
#
# Builds an in-tree plugin as a static library registered in the default binary (the generated
# registration list calls mpf_builtin_plugin_<id>()). With MODULE it is also built as a shared
# object under build/plugins/ that `--plugin-dir` can load, which the conformance tests use.
function(mpf_add_plugin)
  cmake_parse_arguments(P "MODULE" "NAME" "SOURCES;LIBRARIES" ${ARGN})
  if(NOT P_NAME OR NOT P_SOURCES)
    message(FATAL_ERROR "mpf_add_plugin needs NAME and SOURCES")
  endif()
  set(target mpf_plugin_${P_NAME})
  add_library(${target} STATIC ${P_SOURCES})
  target_compile_definitions(${target} PRIVATE MPF_PLUGIN_STATIC)
  target_include_directories(${target} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
  target_link_libraries(${target} PUBLIC mpf::sdk ${P_LIBRARIES})
  set_property(GLOBAL APPEND PROPERTY MPF_BUILTIN_PLUGINS ${P_NAME})
  if(P_MODULE)
    add_library(${target}_module MODULE ${P_SOURCES})
    target_link_libraries(${target}_module PRIVATE mpf::sdk ${P_LIBRARIES})
    target_compile_options(${target}_module PRIVATE ${MPF_PLUGIN_MODULE_FLAGS})
    set_target_properties(${target}_module PROPERTIES
      OUTPUT_NAME mpf_${P_NAME} PREFIX "lib"
      CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON
      LIBRARY_OUTPUT_DIRECTORY ${MPF_PLUGIN_OUTPUT_DIRECTORY})
    set_property(GLOBAL APPEND PROPERTY MPF_PLUGIN_MODULES ${target}_module)
  endif()
endfunction()
