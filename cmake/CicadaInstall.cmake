# Install the libraries and public headers and export them as the CMake
# package `cicada` (find_package(cicada) -> cicada::cicada).
include(CMakePackageConfigHelpers)

set(CICADA_CMAKE_INSTALL_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/cicada")

get_property(cicada_libraries GLOBAL PROPERTY CICADA_LIBRARIES)
get_property(cicada_include_dirs GLOBAL PROPERTY CICADA_INCLUDE_DIRS)

install(TARGETS cicada cicada_plugin_api ${cicada_libraries}
  EXPORT cicadaTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

foreach(include_dir ${cicada_include_dirs})
  install(DIRECTORY "${include_dir}/" DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
endforeach()

install(EXPORT cicadaTargets NAMESPACE cicada:: DESTINATION ${CICADA_CMAKE_INSTALL_DIR})

configure_package_config_file("${PROJECT_SOURCE_DIR}/cmake/cicadaConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/cicadaConfig.cmake"
  INSTALL_DESTINATION ${CICADA_CMAKE_INSTALL_DIR})
write_basic_package_version_file("${PROJECT_BINARY_DIR}/cicadaConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/cicadaConfig.cmake" "${PROJECT_BINARY_DIR}/cicadaConfigVersion.cmake"
  "${PROJECT_SOURCE_DIR}/cmake/CicadaPlugin.cmake"
  DESTINATION ${CICADA_CMAKE_INSTALL_DIR})
