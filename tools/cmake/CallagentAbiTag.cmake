# Generates the ABI tag every plugin embeds and the loader compares with its own.
# Plain C++ interfaces cross the plugin boundary, so host and plugin must agree on
# compiler, its major version, the C++ standard and libstdc++'s string ABI
# (_GLIBCXX_USE_CXX11_ABI is a preprocessor setting, so the header appends it).
string(REGEX MATCH "^[0-9]+" _callagent_compiler_major "${CMAKE_CXX_COMPILER_VERSION}")
set(CALLAGENT_ABI_TAG_BASE
    "${CMAKE_CXX_COMPILER_ID}-${_callagent_compiler_major};c++${CMAKE_CXX_STANDARD}")
configure_file("${CMAKE_SOURCE_DIR}/plugin-api/abi_tag.h.in"
               "${CMAKE_BINARY_DIR}/generated/callagent/plugin_api/abi_tag.h" @ONLY)
