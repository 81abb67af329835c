# cicada_add_test_plugin(<name> <sources...>)
#
# Builds <name>.so, a compiled test plugin (CICADA_TEST_PLUGIN in
# <cicada/runner/test_plugin.hpp>) for `cicada -f <name>.so` (and
# cicada-master, cicada-worker). The plugin is compiled against cicada's
# headers but not linked with its libraries: it runs on the copy inside the
# executable that loads it, which exports every cicada symbol for that reason.
function(cicada_add_test_plugin name)
  if(NOT ARGN)
    message(FATAL_ERROR "cicada_add_test_plugin(${name}): give the plugin's source files")
  endif()
  add_library(${name} MODULE ${ARGN})
  target_link_libraries(${name} PRIVATE cicada::plugin_api)
  set_target_properties(${name} PROPERTIES PREFIX "" CXX_STANDARD 20 CXX_STANDARD_REQUIRED ON)
endfunction()
