# Sweeps on a cluster (tb/cluster, README "Sweeps on a cluster"): a real one-node Slurm cluster on this machine
# (label `slurm`; needs root and Debian's slurm-wlm + munge, which tb/scripts/setup-deps.sh installs) and
# GNU parallel (label `parallel`). Each splits a small sweep into shards, merges, and must equal the same
# sweep run locally in one go, byte for byte. Included from tb/tests (testing is enabled after tb/ is read).
set(cluster_dir ${PROJECT_SOURCE_DIR}/tb/cluster)
set(cluster_work ${CMAKE_BINARY_DIR}/cluster-tests)
set(cluster_state ${cluster_work}/slurm-state)
set(cluster_grid ${cluster_dir}/tests/small.json)

# The cluster: `restart` so a daemon or state dir left by an earlier (killed) run does not matter; the
# cleanup test stops exactly the daemons the start wrote pid files for, even when a test in between failed.
add_test(NAME cluster.slurm_start COMMAND ${cluster_dir}/one-node-slurm.sh restart --install --state-dir ${cluster_state})
add_test(NAME cluster.slurm_stop COMMAND ${cluster_dir}/one-node-slurm.sh stop --state-dir ${cluster_state})
set_tests_properties(cluster.slurm_start PROPERTIES FIXTURES_SETUP slurm_cluster TIMEOUT 300)
set_tests_properties(cluster.slurm_stop PROPERTIES FIXTURES_CLEANUP slurm_cluster TIMEOUT 120)

# 6 design points in 3 shards (2 on the one node at a time, the third waits), then the merge job.
add_test(NAME cluster.slurm_sweep_equals_local
         COMMAND ${cluster_dir}/tests/sweep-equals-local.sh slurm $<TARGET_FILE:vmsim> ${cluster_grid}
                 ${cluster_work}/slurm-sweep 3)
# A shard that fails: --wait returns the merge job's status 1 (points missing); the same command again runs
# only the missing points (the others are skipped by their content hash) and completes the sweep.
add_test(NAME cluster.slurm_sweep_resumes_after_a_failed_shard
         COMMAND ${cluster_dir}/tests/sweep-equals-local.sh slurm $<TARGET_FILE:vmsim> ${cluster_grid}
                 ${cluster_work}/slurm-resume 3 --after-a-failed-shard)
set_tests_properties(cluster.slurm_sweep_equals_local cluster.slurm_sweep_resumes_after_a_failed_shard PROPERTIES
  LABELS slurm FIXTURES_REQUIRED slurm_cluster RESOURCE_LOCK slurm_cluster TIMEOUT 600
  ENVIRONMENT "SLURM_CONF=${cluster_state}/slurm.conf;SC_COPYRIGHT_MESSAGE=DISABLE")
set_tests_properties(cluster.slurm_start cluster.slurm_stop PROPERTIES LABELS slurm RESOURCE_LOCK slurm_cluster)

add_test(NAME cluster.parallel_sweep_equals_local
         COMMAND ${cluster_dir}/tests/sweep-equals-local.sh parallel $<TARGET_FILE:vmsim> ${cluster_grid}
                 ${cluster_work}/parallel-sweep 3)
add_test(NAME cluster.parallel_sweep_resumes_after_a_failed_shard
         COMMAND ${cluster_dir}/tests/sweep-equals-local.sh parallel $<TARGET_FILE:vmsim> ${cluster_grid}
                 ${cluster_work}/parallel-resume 3 --after-a-failed-shard)
set_tests_properties(cluster.parallel_sweep_equals_local cluster.parallel_sweep_resumes_after_a_failed_shard PROPERTIES
  LABELS parallel TIMEOUT 600
  ENVIRONMENT SC_COPYRIGHT_MESSAGE=DISABLE)

# Bad arguments are refused with a message and exit 2, before anything is submitted or run.
# "name|message regex|arguments, comma-separated"
set(bad_cluster_args
  "shards_zero|--shards needs a whole number >= 1|${cluster_grid},${cluster_work}/bad,--shards,0"
  "shards_missing|--shards needs a whole number >= 1|${cluster_grid},${cluster_work}/bad"
  "missing_grid|grid file '[^']*no-such-grid.json' not found|${cluster_work}/no-such-grid.json,${cluster_work}/bad,--shards,2"
  "unwritable_out_dir|out dir '[^']*' cannot be created or written|${cluster_grid},${cluster_grid}/out,--shards,2"
  "unknown_option|unknown option '--shard'|${cluster_grid},${cluster_work}/bad,--shard,2")
foreach(script slurm parallel)
  foreach(case IN LISTS bad_cluster_args)
    string(REPLACE "|" ";" case "${case}")
    list(POP_FRONT case name regex)
    string(REPLACE "," ";" case "${case}")
    add_test(NAME cluster.${script}_sweep_refuses_${name}
             COMMAND ${cluster_dir}/tests/expect-status.sh 2 "${regex}" ${cluster_dir}/${script}-sweep.sh ${case}
                     --vmsim $<TARGET_FILE:vmsim>)
    set_tests_properties(cluster.${script}_sweep_refuses_${name} PROPERTIES LABELS ${script} TIMEOUT 30)
  endforeach()
endforeach()
# sbatch missing: a PATH with only the shell and the tools the script needs before it looks for sbatch.
add_test(NAME cluster.slurm_sweep_refuses_no_sbatch
         COMMAND ${CMAKE_COMMAND} -E env PATH=/nonexistent ${cluster_dir}/tests/expect-status.sh 2 "sbatch not found on PATH"
                 /bin/bash ${cluster_dir}/slurm-sweep.sh ${cluster_grid} ${cluster_work}/bad --shards 2 --vmsim $<TARGET_FILE:vmsim>)
set_tests_properties(cluster.slurm_sweep_refuses_no_sbatch PROPERTIES LABELS slurm TIMEOUT 30)
# `stop` kills only what its pid files name *and* /proc says is that daemon (a pid may have been reused).
add_test(NAME cluster.slurm_stop_spares_other_processes
         COMMAND ${cluster_dir}/tests/stop-spares-other-processes.sh ${cluster_dir}/one-node-slurm.sh
                 ${cluster_work}/stale-state)
set_tests_properties(cluster.slurm_stop_spares_other_processes PROPERTIES LABELS slurm TIMEOUT 60)
