# cmake -DSOURCE=<source dir> -DIN=<version_git.cpp.in> -DOUT=<version_git.cpp> -P version_git.cmake
# Runs at every build: the source's `git describe`, written to OUT only when it changed (no needless rebuild).
set(VMSIM_GIT_DESCRIBE "")
find_package(Git QUIET)
if(GIT_FOUND)
  execute_process(COMMAND ${GIT_EXECUTABLE} describe --always --dirty WORKING_DIRECTORY ${SOURCE}
                  OUTPUT_VARIABLE VMSIM_GIT_DESCRIBE OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    set(VMSIM_GIT_DESCRIBE "")
  endif()
endif()
configure_file(${IN} ${OUT} @ONLY)
