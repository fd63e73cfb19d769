// The callagent host as a child process of the benchmark: started with a config file, its
// stdout and stderr going to a log file, stopped with SIGTERM (SIGKILL if it hangs).
//
// Threading: use from one thread (the bench's main thread).
// Lifetime: the destructor stops a host still running.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace callagent::bench {

class HostProcess {
 public:
  HostProcess() = default;
  ~HostProcess();
  HostProcess(const HostProcess&) = delete;
  HostProcess& operator=(const HostProcess&) = delete;

  // Starts `binary arguments…` in `working_directory`, output appended to `log_path`, with
  // the bench's environment plus `extra_environment` (NAME=VALUE; replaces a NAME already set).
  // Empty on success, else why it could not start.
  std::string start(const std::string& binary, const std::vector<std::string>& arguments,
                    const std::string& working_directory, const std::string& log_path,
                    const std::vector<std::string>& extra_environment = {});
  // Waits until the log contains `needle`; false on timeout or if the host exited.
  bool wait_for_log(const std::string& needle, std::chrono::milliseconds timeout);
  // SIGTERM, then waits up to `grace` and SIGKILLs. Returns the exit status if it exited.
  std::optional<int> stop(std::chrono::milliseconds grace);
  bool running();

  pid_t pid() const noexcept { return pid_; }
  std::string log_text() const;

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_status_;
  std::string log_path_;
};

}  // namespace callagent::bench
