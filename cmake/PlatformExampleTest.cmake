# cmake -DBUILD=<vmsim build dir> -DSOURCE=<tb/examples/platform> -DWORK=<scratch dir> -DARGS="a;b" -DEXPECT="re;re"
#       -P PlatformExampleTest.cmake
# Installs the build tree into WORK/prefix, builds the copyable sc_main against the installed package only
# (a copy of its folder, outside the source tree), runs it and checks each line regex in EXPECT.
file(REMOVE_RECURSE ${WORK})
include(${CMAKE_CURRENT_LIST_DIR}/RunChecked.cmake)
run(${CMAKE_COMMAND} --install ${BUILD} --prefix ${WORK}/prefix)
file(COPY ${SOURCE}/ DESTINATION ${WORK}/example)
run(${CMAKE_COMMAND} -S ${WORK}/example -B ${WORK}/build -DCMAKE_PREFIX_PATH=${WORK}/prefix)
run(${CMAKE_COMMAND} --build ${WORK}/build)
run(${WORK}/build/platform_example ${ARGS})
message(STATUS "platform_example ${ARGS}:\n${out}")
foreach(re IN LISTS EXPECT)
  if(NOT out MATCHES "${re}")
    message(FATAL_ERROR "the output has no line matching '${re}'")
  endif()
endforeach()
