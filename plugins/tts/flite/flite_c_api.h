// Flite's C API, included in this one place: its headers are not clean under the project's
// warnings (old-style casts, implicit conversions), and the voices' register functions are
// declared in none of them.
//
// Only the .cpp files that talk to Flite include this; every other file of the plugin sees
// plain C++ types, so the C API never leaks into the session or the provider.
#pragma once

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wold-style-cast"
#pragma GCC diagnostic ignored "-Wpedantic"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wcast-align"
#include <flite/flite.h>
#pragma GCC diagnostic pop

// Each returns the voice, registering it in Flite's global voice list on the first call and
// returning the same voice after that. `voxdir` is unused by these compiled-in voices.
extern "C" {
cst_voice* register_cmu_us_slt(const char* voxdir);
cst_voice* register_cmu_us_rms(const char* voxdir);
cst_voice* register_cmu_us_awb(const char* voxdir);
cst_voice* register_cmu_us_kal(const char* voxdir);
cst_voice* register_cmu_us_kal16(const char* voxdir);
}
