# The sweep engine and its report (included by tb/tests/CMakeLists.txt; label model). Each case runs a few
# short design points in a scratch directory of its own (tb/vmsim/tests/sweep_checks.py says what each asserts).
foreach(case
    shards_cover_every_point_once_and_merge_to_the_direct_report
    resume_skips_done_points_and_reruns_a_failed_one
    a_failing_point_is_reported_with_its_error
    dry_run_point_files_run_anywhere_and_report_as_a_direct_run
    merge_of_different_sweeps_is_refused
    edited_point_file_or_manifest_is_refused
    exclusions_skip_points_and_name_bad_combinations
    user_sweep_has_a_column_per_key_unique_names_and_the_right_baseline
    csv_with_a_comma_and_a_quote_in_a_name_parses_back
    replications_give_a_confidence_interval
    quiet_silences_a_sweep_and_a_pipe_gets_no_progress_line)
  add_test(NAME model.sweep_${case}
           COMMAND ${VMSIM_PYTHON} ${PROJECT_SOURCE_DIR}/tb/vmsim/tests/sweep_checks.py ${case} ${VMSIM_EXE}
                   ${CMAKE_CURRENT_BINARY_DIR}/sweep-${case})
  set_tests_properties(model.sweep_${case} PROPERTIES LABELS model TIMEOUT 300)
endforeach()
# Bad shard specs and output directories: exit 2, the message naming them.
foreach(spec "3_of_3|3/3|--shard: '3/3': i must be 0..N-1" "0_of_0|0/0|--shard: '0/0': i must be 0..N-1"
             "not_a_number|x/2|--shard: 'x/2' is not i/N")
  string(REPLACE "|" ";" parts "${spec}")
  list(GET parts 0 case)
  list(GET parts 1 shard)
  list(GET parts 2 regex)
  vmsim_expect_rejection(model.sweep_bad_shard_${case} 2 "${regex}" --sweep ${PROJECT_SOURCE_DIR}/tb/vmsim/tests/one-point-sweep.json
                         --out-dir ${CMAKE_CURRENT_BINARY_DIR}/sweep-bad-shard --shard ${shard})
endforeach()
vmsim_expect_rejection(model.sweep_unwritable_out_dir_is_refused 2 "--out-dir: cannot create '.*one-point-sweep.json/out'"
                       --sweep ${PROJECT_SOURCE_DIR}/tb/vmsim/tests/one-point-sweep.json
                       --out-dir ${PROJECT_SOURCE_DIR}/tb/vmsim/tests/one-point-sweep.json/out)
vmsim_expect_rejection(model.sweep_shard_needs_a_sweep 2 "--shard, --dry-run and --replications need --sweep" --shard 0/2)
foreach(spec "zero|0" "too_many|1001" "negative|-1" "not_a_number|three")
  string(REPLACE "|" ";" parts "${spec}")
  list(GET parts 0 case)
  list(GET parts 1 r)
  vmsim_expect_rejection(model.sweep_bad_replications_${case} 2 "--replications: '${r}' is not a whole number 1..1000"
                         --sweep ${PROJECT_SOURCE_DIR}/tb/vmsim/tests/one-point-sweep.json
                         --out-dir ${CMAKE_CURRENT_BINARY_DIR}/sweep-bad-replications --replications ${r})
endforeach()
