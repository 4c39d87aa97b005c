# cmake -DVMSIM=<exe> -DSWEEP=<file> -DOUT=<dir> -P params-sweep.cmake
# A sweep whose grid varies a model parameter (grid key params.NAME): one point per value, each run with it
# (the result's scenario carries it), and the figure moves with it: msi-v2's micro round trip makes one device
# register access (the QueueNotify), so a 1 us register latency adds exactly 1000 ns.
file(REMOVE_RECURSE ${OUT})
execute_process(COMMAND ${VMSIM} --sweep ${SWEEP} --out-dir ${OUT} --quiet RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the sweep failed (${rc}): ${err}")
endif()
file(READ ${OUT}/results.json doc)
string(JSON n LENGTH "${doc}" points)
if(NOT n EQUAL 2)
  message(FATAL_ERROR "expected 2 points, got ${n}")
endif()
foreach(i_latency_mean "0;0.0;4440.0" "1;1000.0;5440.0")
  list(GET i_latency_mean 0 i)
  list(GET i_latency_mean 1 latency)
  list(GET i_latency_mean 2 mean)
  string(JSON got_latency GET "${doc}" points ${i} runs 0 scenario params vm.transport.register_latency)
  string(JSON got_reset GET "${doc}" points ${i} runs 0 scenario params vm.transport.offer_ring_reset)
  string(JSON got_mean GET "${doc}" points ${i} runs 0 results round_trip mean_ns)
  if(NOT got_latency STREQUAL latency OR NOT got_reset STREQUAL "OFF" OR NOT got_mean STREQUAL mean)
    message(FATAL_ERROR "point ${i}: register_latency ${got_latency} (${latency} expected), offer_ring_reset ${got_reset} "
                        "(the base's false expected), round trip ${got_mean} ns (${mean} expected)")
  endif()
  message(STATUS "point ${i}: register_latency ${got_latency} ns -> round trip ${got_mean} ns")
endforeach()
