// The PocketSphinx and sphinxbase C headers, in one place.
//
// Only this plugin's .cpp files include it, never a header another file includes, so the
// C library's types and macros stay out of the plugin's interfaces. The include folders
// come from an imported pkg-config target and are therefore -isystem; the pragmas keep the
// build warning-free even where they are not (the headers predate -Wold-style-cast).
#pragma once

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
#pragma GCC diagnostic ignored "-Wpedantic"
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wshadow"
#include <pocketsphinx.h>
#include <sphinxbase/cmd_ln.h>
#include <sphinxbase/cmn.h>
#include <sphinxbase/err.h>
#include <sphinxbase/feat.h>
#include <sphinxbase/logmath.h>
#pragma GCC diagnostic pop
