// The SystemVerilog package of the constants the RTL shares with the C++ models (regmap_gen sv-package).
// Kept apart from regmap_gen.cpp and free of fmt and model libraries: CMake also compiles it on its own
// at configure time, because verilate() runs Verilator then and needs the package to exist.
#pragma once

#include <string>

namespace vmsim::regmap {
std::string sv_package();
// The package's interrupt part (MSI blocks, controller, MSI message): regmap_gen sv-interrupts, in the docs.
std::string sv_interrupt_constants();
}
