// Runs a program (the real callagent binary, a tool) as a child process for integration
// tests, collecting its stdout and stderr so tests can wait for a log line.
//
// Threading: one reader thread per child drains both pipes (so the child never blocks
// on a full pipe); every public method is safe from the test thread. The destructor
// kills (SIGKILL) and reaps a child that is still running.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

namespace callagent::testing {

class ChildProcess {
 public:
  // Starts `program` with `arguments` in `working_directory` (empty: the current one),
  // with the environment of the test plus `extra_environment` ("NAME=value").
  ChildProcess(const std::string& program, const std::vector<std::string>& arguments,
               const std::string& working_directory = {},
               const std::vector<std::string>& extra_environment = {});
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const noexcept { return pid_; }
  // Waits until the combined output matches `pattern`; returns the first match's
  // groups (index 0: the whole match), or nullopt on timeout or exit.
  std::optional<std::vector<std::string>> wait_for_output(const std::regex& pattern,
                                             std::chrono::milliseconds timeout);
  // Waits until the child's stdout and stderr are at end-of-file and fully read.
  bool wait_for_output_closed(std::chrono::milliseconds timeout);
  // Everything printed so far (stdout and stderr interleaved as read).
  std::string output() const;
  void send_signal(int signal_number) const;
  // Waits for exit; returns the exit code (128+signal when killed), nullopt on timeout.
  std::optional<int> wait_for_exit(std::chrono::milliseconds timeout);

 private:
  void read_output(int stdout_fd, int stderr_fd);

  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  mutable std::mutex mutex_;
  std::condition_variable output_changed_;
  std::string output_;
  bool output_closed_ = false;
  std::thread reader_;
};

// Runs a program to completion; returns {exit code, combined output}.
struct CompletedProcess {
  int exit_code = -1;
  std::string output;
};
CompletedProcess run_to_completion(const std::string& program,
                                   const std::vector<std::string>& arguments,
                                   std::chrono::milliseconds timeout = std::chrono::seconds(30));

// A fresh, empty temporary directory, removed with its contents on destruction.
class TemporaryDirectory {
 public:
  TemporaryDirectory();
  ~TemporaryDirectory();
  TemporaryDirectory(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
  const std::string& path() const noexcept { return path_; }
  // Writes `content` to path()/relative_name and returns the full path.
  std::string write_file(const std::string& relative_name, const std::string& content) const;

 private:
  std::string path_;
};

}  // namespace callagent::testing
