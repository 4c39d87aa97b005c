# cmake -DBUILD=<vmsim build dir> -DSOURCE=<consumer source> -DWORK=<scratch dir> -P PackageConsumerTest.cmake
# Installs the build tree into WORK/prefix, then configures, builds and runs a consumer of the package.
file(REMOVE_RECURSE ${WORK})
include(${CMAKE_CURRENT_LIST_DIR}/RunChecked.cmake)
run(${CMAKE_COMMAND} --install ${BUILD} --prefix ${WORK}/prefix)
run(${CMAKE_COMMAND} -S ${SOURCE} -B ${WORK}/build -DCMAKE_PREFIX_PATH=${WORK}/prefix)
run(${CMAKE_COMMAND} --build ${WORK}/build)
run(${WORK}/build/c)
message(STATUS "find_package(vmsim) consumer built and ran")
