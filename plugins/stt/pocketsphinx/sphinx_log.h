// Where PocketSphinx's own log goes.
//
// sphinxbase keeps ONE log destination for the whole process (err_set_callback), which
// every decoder on every thread writes to. The library's own switch, the decoder option
// -logfn, reopens that destination inside ps_init() and fcloses the previous FILE while
// decoders on other threads may be writing to it; this plugin creates decoders on session
// threads while others decode, so it never passes -logfn. Instead it installs one callback
// that writes each line, under a mutex, to the file of the most recently opened route.
// PocketSphinx therefore never writes to stdout or stderr while a route is open.
#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include "callagent/plugin_api/status.h"

namespace callagent::plugins::pocketsphinx {

// One provider's log destination. Open it before the provider's first decoder and close
// it (destroy it) after its last one: routes are the reason the callback stays installed.
// With several providers in a process the newest open route receives every decoder's
// lines (the library cannot tell decoders apart); when it closes the next newest takes over.
//
// Threading: open and the destructor may run on any thread; the log callback runs on
// every decoder's thread. Ownership: the route owns its FILE.
class SphinxLogRoute {
 public:
  // "/dev/null" discards the log without opening anything. Any other path is opened for
  // appending; failure is invalid_config naming log_file.
  static Result<std::unique_ptr<SphinxLogRoute>> open(const std::string& path);
  ~SphinxLogRoute();
  SphinxLogRoute(const SphinxLogRoute&) = delete;
  SphinxLogRoute& operator=(const SphinxLogRoute&) = delete;

 private:
  explicit SphinxLogRoute(std::FILE* file) : file_(file) {}
  friend struct SphinxLogState;

  std::FILE* const file_;  // null: discard
};

// Keeps the last ERROR line PocketSphinx logs on THIS thread while the capture lives, so a
// decoder that fails to load can say why even when the log itself is discarded.
// Threading: create and read it on one thread; captures nest.
class SphinxErrorCapture {
 public:
  SphinxErrorCapture() noexcept;
  ~SphinxErrorCapture();
  SphinxErrorCapture(const SphinxErrorCapture&) = delete;
  SphinxErrorCapture& operator=(const SphinxErrorCapture&) = delete;

  // The message of the last error line without the library's file and line prefix;
  // empty when none was logged.
  const std::string& last_error() const noexcept { return last_error_; }
  void record(std::string message) noexcept;

 private:
  std::string last_error_;
  SphinxErrorCapture* const previous_;
};

}  // namespace callagent::plugins::pocketsphinx
