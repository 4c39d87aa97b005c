# An installable CMake package: find_package(vmsim) gives vmsim::models, vmsim::platform (the platform builder),
# vmsim::regmap, vmsim::vdrv and vmsim::rtl_doorbell (the Verilated decoder; its objects include Verilator's
# runtime).
include(CMakePackageConfigHelpers)
install(TARGETS vmsim_regmap vdrv vmsim_models vmsim_platform vmsim_rtl_doorbell EXPORT vmsimTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
foreach(folder regmap common resources memory virtqueue transport devices irq cpu hyp platform rtl_doorbell)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/models/${folder}/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
endforeach()
install(DIRECTORY ${PROJECT_SOURCE_DIR}/sw/driver/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT vmsimTargets NAMESPACE vmsim:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/vmsim)
set(VMSIM_PACKAGE_DATADIR ${CMAKE_INSTALL_DATADIR}/vmsim)  # the cost profiles (VMSIM_DATA_DIR for consumers)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/vmsimConfig.cmake.in
  ${PROJECT_BINARY_DIR}/vmsimConfig.cmake INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/vmsim
  PATH_VARS VMSIM_PACKAGE_DATADIR)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/vmsimConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/vmsimConfig.cmake ${PROJECT_BINARY_DIR}/vmsimConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/vmsim)
# The vmsim tool, its data and the docs: tb/vmsim/CMakeLists.txt (beside the build tree's data links).
