# callagent_add_plugin(<name> SOURCES <files...> [LIBRARIES <targets...>] [NO_INSTALL])
#
# The one way to build a provider plugin, so no plugin can forget a flag:
#  - a MODULE library named lib<name>.so in the shared plugin folder;
#  - hidden visibility for everything but the versioned entry point, so a plugin's
#    copies of header-only libraries (nlohmann, fmt) never bind to the host's;
#  - -Wl,--no-undefined, so a missing symbol fails the build, not a call.
# NO_INSTALL is for the broken fixtures under tests/test_plugins.
function(callagent_add_plugin name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "NO_INSTALL" "OUTPUT_DIRECTORY" "SOURCES;LIBRARIES")
  add_library(${name} MODULE ${arg_SOURCES})
  target_link_libraries(${name} PRIVATE callagent::plugin_api ${arg_LIBRARIES})
  set(output_dir "${CALLAGENT_BUILD_PLUGIN_DIR}")
  if(arg_OUTPUT_DIRECTORY)
    set(output_dir "${arg_OUTPUT_DIRECTORY}")
  endif()
  set_target_properties(${name} PROPERTIES
    PREFIX "lib"
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LIBRARY_OUTPUT_DIRECTORY "${output_dir}")
  target_link_options(${name} PRIVATE "LINKER:--no-undefined")
  if(NOT arg_NO_INSTALL)
    install(TARGETS ${name} LIBRARY DESTINATION "${CALLAGENT_INSTALL_PLUGIN_DIR}")
    add_dependencies(callagent_plugins ${name})
  endif()
endfunction()

# Every product plugin, so `cmake --build build --target callagent_plugins` builds them all.
if(NOT TARGET callagent_plugins)
  add_custom_target(callagent_plugins)
endif()
