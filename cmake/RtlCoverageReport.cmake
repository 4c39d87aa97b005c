# cmake -DDIR=<coverage dir> -P RtlCoverageReport.cmake
# Merges the regression's Verilator coverage files, writes an annotated copy of the RTL and checks the total.
file(GLOB dats ${DIR}/*.dat)
list(FILTER dats EXCLUDE REGEX "merged\\.dat$")
if(NOT dats)
  message(FATAL_ERROR "no coverage files in ${DIR}: run the rtl regression first (ctest -L rtl)")
endif()
execute_process(COMMAND verilator_coverage --write ${DIR}/merged.dat ${dats} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "verilator_coverage --write failed")
endif()
execute_process(COMMAND verilator_coverage --annotate ${DIR}/annotated --annotate-min 1 ${DIR}/merged.dat
                OUTPUT_VARIABLE out ERROR_VARIABLE out RESULT_VARIABLE rc)
message(STATUS "${out}")
string(REGEX MATCH "Total coverage \\(([0-9]+)/([0-9]+)\\)" m "${out}")
if(NOT m OR NOT CMAKE_MATCH_1 EQUAL CMAKE_MATCH_2)
  message(FATAL_ERROR "RTL line/toggle coverage is not 100%: ${m}; see ${DIR}/annotated/")
endif()
message(STATUS "merged: ${DIR}/merged.dat, annotated RTL: ${DIR}/annotated/doorbell_decoder.sv")
