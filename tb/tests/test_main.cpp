// The Boost.Test main for every suite. libsystemc.so references sc_main, which the tests do not use:
// they build their platforms inside test cases and call sc_start themselves.
#define BOOST_TEST_MODULE vmsim
#include <boost/test/unit_test.hpp>

#include <systemc>  // declares sc_main extern "C"

int sc_main(int, char*[]) { return 0; }
