# Warnings for the project's own targets (third-party headers come in as SYSTEM includes).
function(vmsim_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wshadow=local $<$<COMPILE_LANGUAGE:CXX>:-Wnon-virtual-dtor>)
  if(VMSIM_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
