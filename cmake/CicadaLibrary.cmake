# cicada_add_library(<module> SOURCES <files...>)
# Defines the static library cicada_<module> (alias and export name
# cicada::<module>), with public headers in ./include, our warnings, and
# registers it for installation (see CicadaInstall.cmake).
function(cicada_add_library module)
  cmake_parse_arguments(LIB "" "" "SOURCES" ${ARGN})
  set(target cicada_${module})
  add_library(${target} ${LIB_SOURCES})
  add_library(cicada::${module} ALIAS ${target})
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${module} OUTPUT_NAME ${target})
  target_include_directories(${target} PUBLIC
    $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  cicada_target_options(${target})
  set_property(GLOBAL APPEND PROPERTY CICADA_LIBRARIES ${target})
  set_property(GLOBAL APPEND PROPERTY CICADA_INCLUDE_DIRS ${CMAKE_CURRENT_SOURCE_DIR}/include)
endfunction()
