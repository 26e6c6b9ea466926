# The house keeps its arrows: scripts/check-arrows.py on this checkout (the rules are the ```arrows block of
# docs/HACKING.md), and its own test, which feeds it forbidden includes in a temporary tree.
find_program(LC_PYTHON3 NAMES python3 REQUIRED)
add_test(NAME house_arrows COMMAND ${LC_PYTHON3} ${PROJECT_SOURCE_DIR}/scripts/check-arrows.py --root ${PROJECT_SOURCE_DIR})
add_test(NAME scripts_check_arrows COMMAND ${LC_PYTHON3} ${PROJECT_SOURCE_DIR}/tests/scripts/test_check_arrows.py)
set_tests_properties(house_arrows scripts_check_arrows PROPERTIES TIMEOUT 120
  ENVIRONMENT "LC_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
