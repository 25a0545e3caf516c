# SPDX-License-Identifier: BSD-3-Clause
# Install rules: headers, the static and shared libraries, the CMake package (smmuv3::core, smmuv3::sc),
# pkg-config files, the tools, and configs/ + docs/ under share/smmuv3.
include(CMakePackageConfigHelpers)
set(SMMU_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/smmuv3)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/models/smmu/include/smmu DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

install(TARGETS smmu_core smmu_core_shared EXPORT smmuv3-core-targets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT smmuv3-core-targets NAMESPACE smmuv3:: DESTINATION ${SMMU_CMAKE_DIR})
if(TARGET smmu_sc)
  install(TARGETS smmu_sc smmu_sc_shared EXPORT smmuv3-sc-targets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
    INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  install(EXPORT smmuv3-sc-targets NAMESPACE smmuv3:: DESTINATION ${SMMU_CMAKE_DIR})
endif()

configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/smmuv3Config.cmake.in
  ${PROJECT_BINARY_DIR}/cmake/smmuv3Config.cmake INSTALL_DESTINATION ${SMMU_CMAKE_DIR})
# Before 1.0 a new minor version may break the ABI: only the same major.minor is compatible.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/cmake/smmuv3ConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/cmake/smmuv3Config.cmake ${PROJECT_BINARY_DIR}/cmake/smmuv3ConfigVersion.cmake
  DESTINATION ${SMMU_CMAKE_DIR})

# pkg-config: paths relative to ${prefix} so that `cmake --install --prefix P` yields a working P.
file(RELATIVE_PATH SMMU_PC_PREFIX ${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig ${CMAKE_INSTALL_PREFIX})
string(REGEX REPLACE "/$" "" SMMU_PC_PREFIX "${SMMU_PC_PREFIX}")
file(RELATIVE_PATH SMMU_PC_LIBDIR ${CMAKE_INSTALL_PREFIX} ${CMAKE_INSTALL_FULL_LIBDIR})
file(RELATIVE_PATH SMMU_PC_INCLUDEDIR ${CMAKE_INSTALL_PREFIX} ${CMAKE_INSTALL_FULL_INCLUDEDIR})
foreach(pc smmuv3-core smmuv3-sc)
  if(pc STREQUAL smmuv3-sc AND NOT TARGET smmu_sc)
    continue()
  endif()
  configure_file(${CMAKE_CURRENT_LIST_DIR}/${pc}.pc.in ${PROJECT_BINARY_DIR}/cmake/${pc}.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/cmake/${pc}.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endforeach()

# smmu-sim is defined at the end of the top-level directory (platforms/sim), so its install rule is too.
function(smmu_install_tools)
  foreach(tool smmu-sim smmu-sweep smmu-sim-check smmu-trace-convert)
    if(TARGET ${tool})
      install(TARGETS ${tool} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
    endif()
  endforeach()
endfunction()
cmake_language(DEFER DIRECTORY ${PROJECT_SOURCE_DIR} CALL smmu_install_tools)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/configs ${PROJECT_SOURCE_DIR}/docs DESTINATION ${SMMU_DATA_SUBDIR})
install(FILES ${PROJECT_SOURCE_DIR}/LICENSE ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/smmuv3)

# The Python package, Debian layout: P/lib/python3/dist-packages/smmuv3 (on sys.path for P=/usr; otherwise
# PYTHONPATH=P/lib/python3/dist-packages). _installed.py tells it where P's libsmmuv3-core is, relative to itself.
set(SMMU_PYTHON_INSTALL_DIR lib/python3/dist-packages CACHE STRING "Python package directory, relative to the prefix")
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(SMMU_PY_LIBDIR ${CMAKE_INSTALL_LIBDIR})
else()
  file(RELATIVE_PATH SMMU_PY_LIBDIR /prefix/${SMMU_PYTHON_INSTALL_DIR}/smmuv3 /prefix/${CMAKE_INSTALL_LIBDIR})
endif()
file(WRITE ${PROJECT_BINARY_DIR}/python/_installed.py
  "\"\"\"Written by cmake --install: the directory of libsmmuv3-core, relative to this package.\"\"\"\nLIBDIR = \"${SMMU_PY_LIBDIR}\"\n")
install(DIRECTORY ${PROJECT_SOURCE_DIR}/platforms/python/smmuv3 DESTINATION ${SMMU_PYTHON_INSTALL_DIR}
  FILES_MATCHING PATTERN "*.py" PATTERN "__pycache__" EXCLUDE)
install(FILES ${PROJECT_BINARY_DIR}/python/_installed.py DESTINATION ${SMMU_PYTHON_INSTALL_DIR}/smmuv3)
