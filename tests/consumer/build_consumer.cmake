# Script mode (cmake -P): install, configure the consumer, build it, run it.
file(REMOVE_RECURSE "${SCRATCH_DIR}")
set(prefix "${SCRATCH_DIR}/prefix")

function(run_step description)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "${description} failed (${result}):\n${out}\n${err}")
  endif()
  message(STATUS "${description}: ok\n${out}")
endfunction()

run_step("install cicada" ${CMAKE_COMMAND} --install "${CICADA_BUILD_DIR}" --prefix "${prefix}")
run_step("configure consumer" ${CMAKE_COMMAND} -S "${CONSUMER_SOURCE_DIR}" -B "${SCRATCH_DIR}/build"
  -G Ninja "-DCMAKE_PREFIX_PATH=${prefix}" "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}"
  "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}" "-DCMAKE_EXE_LINKER_FLAGS=${CXX_FLAGS}"
  "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}")
run_step("build consumer" ${CMAKE_COMMAND} --build "${SCRATCH_DIR}/build")
run_step("run consumer" "${SCRATCH_DIR}/build/consumer")
run_step("run the plugin under the installed executables" sh
  "${CMAKE_CURRENT_LIST_DIR}/run_plugin.sh" "${prefix}" "${SCRATCH_DIR}/build/ping_plugin.so"
  "${SCRATCH_DIR}/plugin_runs")
