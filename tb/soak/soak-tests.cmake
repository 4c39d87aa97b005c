# The short soak: 2*10^5 operations for each scheme that has interrupt modes to switch between, on both MSI
# frames, and the wired schemes once; plus the self-test that the checks catch a lost and a duplicated MSI.
set(soak_runs "msi-v2 x86" "msi-v2 arm" "pci-msix-reference x86" "pci-msix-reference arm" "msi-v1 x86"
              "msi-v2-pair arm" "legacy-wired x86" "multi-irq x86")
foreach(run IN LISTS soak_runs)
  separate_arguments(run)
  list(GET run 0 scheme)
  list(GET run 1 frame)
  add_test(NAME soak.short_${scheme}_${frame}
           COMMAND vmsim_soak --ops 200000 --seed 11 --scheme ${scheme} --msi-frame ${frame} --checkpoint-every 10000)
  set_tests_properties(soak.short_${scheme}_${frame} PROPERTIES LABELS soak TIMEOUT 120
                       ENVIRONMENT SC_COPYRIGHT_MESSAGE=DISABLE)
endforeach()
add_test(NAME soak.detects_a_lost_msi COMMAND vmsim_soak --ops 20000 --inject lost-msi --inject-every 500)
add_test(NAME soak.detects_a_duplicated_msi COMMAND vmsim_soak --ops 20000 --inject duplicate-msi --inject-every 500)
add_test(NAME soak.rejects_a_bad_option COMMAND vmsim_soak --scheme msi-v9)
set_tests_properties(soak.detects_a_lost_msi PROPERTIES PASS_REGULAR_EXPRESSION "SOAK FAILED \\(seed 1\\): .*(lost interrupt|reached the controller)")
set_tests_properties(soak.detects_a_duplicated_msi PROPERTIES PASS_REGULAR_EXPRESSION "SOAK FAILED \\(seed 1\\): .*no MSI message raised")
set_tests_properties(soak.rejects_a_bad_option PROPERTIES PASS_REGULAR_EXPRESSION "--scheme: msi-v9 not in")
# The MSI v2 variants of issue 13 and a device that reports sharing mode (the driver's MAP commands).
foreach(run IN ITEMS "msi-v2-linux;x86;" "msi-v2-as-posted;arm;" "msi-v2;x86;--msi-sharing" "msi-v2-linux;arm;--msi-sharing")
  list(GET run 0 scheme)
  list(GET run 1 frame)
  list(GET run 2 sharing)
  set(name soak.short_${scheme}_${frame}${sharing})
  string(REPLACE "--msi-" "_" name "${name}")
  add_test(NAME ${name} COMMAND vmsim_soak --ops 200000 --seed 11 --scheme ${scheme} --msi-frame ${frame} ${sharing}
                                  --checkpoint-every 10000)
  set_tests_properties(${name} PROPERTIES LABELS soak TIMEOUT 120 ENVIRONMENT SC_COPYRIGHT_MESSAGE=DISABLE)
endforeach()
set_tests_properties(soak.detects_a_lost_msi soak.detects_a_duplicated_msi soak.rejects_a_bad_option PROPERTIES
                     LABELS soak TIMEOUT 60 ENVIRONMENT SC_COPYRIGHT_MESSAGE=DISABLE)
