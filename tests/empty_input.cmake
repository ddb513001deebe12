# EMPTY_INPUT: an empty file to give amber as its stdin. Not /dev/null: in
# some sandboxes (CI's among them) /dev/null is a plain file that any process
# may be writing into, and amber would type what it holds into the guest's
# serial port. In script mode CMAKE_CURRENT_BINARY_DIR is the test's
# working directory.
set(EMPTY_INPUT "${CMAKE_CURRENT_BINARY_DIR}/empty-input")
file(WRITE "${EMPTY_INPUT}" "")
