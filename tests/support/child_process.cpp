#include "tests/support/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

extern char** environ;

namespace callagent::testing {
namespace {

int exit_code_from_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

ChildProcess::ChildProcess(const std::string& program, const std::vector<std::string>& arguments,
                           const std::string& working_directory,
                           const std::vector<std::string>& extra_environment) {
  std::array<int, 2> out_pipe{};
  std::array<int, 2> err_pipe{};
  if (pipe2(out_pipe.data(), O_CLOEXEC) != 0 || pipe2(err_pipe.data(), O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe2 failed");
  }
  // Build argv and envp before fork: only async-signal-safe calls after it.
  std::vector<std::string> argument_storage{program};
  argument_storage.insert(argument_storage.end(), arguments.begin(), arguments.end());
  std::vector<char*> argv;
  for (auto& argument : argument_storage) argv.push_back(argument.data());
  argv.push_back(nullptr);
  std::vector<std::string> environment_storage;
  for (char** variable = environ; *variable != nullptr; ++variable) {
    environment_storage.emplace_back(*variable);
  }
  environment_storage.insert(environment_storage.end(), extra_environment.begin(),
                             extra_environment.end());
  std::vector<char*> envp;
  for (auto& variable : environment_storage) envp.push_back(variable.data());
  envp.push_back(nullptr);

  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(out_pipe[1], STDOUT_FILENO);
    dup2(err_pipe[1], STDERR_FILENO);
    // The test process blocks signals in some suites; the child starts clean.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    if (!working_directory.empty() && chdir(working_directory.c_str()) != 0) _exit(126);
    execve(program.c_str(), argv.data(), envp.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  reader_ = std::thread([this, out = out_pipe[0], err = err_pipe[0]] { read_output(out, err); });
}

ChildProcess::~ChildProcess() {
  if (!exit_code_) {
    kill(pid_, SIGKILL);
    wait_for_exit(std::chrono::seconds(10));
  }
  if (reader_.joinable()) reader_.join();
}

void ChildProcess::read_output(int stdout_fd, int stderr_fd) {
  std::array<pollfd, 2> fds{{{stdout_fd, POLLIN, 0}, {stderr_fd, POLLIN, 0}}};
  int open_count = 2;
  std::array<char, 4096> buffer{};
  while (open_count > 0) {
    if (poll(fds.data(), fds.size(), -1) < 0) continue;
    for (auto& entry : fds) {
      if (entry.fd < 0 || entry.revents == 0) continue;
      const ssize_t count = read(entry.fd, buffer.data(), buffer.size());
      if (count > 0) {
        std::lock_guard lock(mutex_);
        output_.append(buffer.data(), static_cast<std::size_t>(count));
        output_changed_.notify_all();
      } else {
        close(entry.fd);
        entry.fd = -1;
        --open_count;
      }
    }
  }
  std::lock_guard lock(mutex_);
  output_closed_ = true;
  output_changed_.notify_all();
}

std::optional<std::vector<std::string>> ChildProcess::wait_for_output(
    const std::regex& pattern, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  std::optional<std::vector<std::string>> found;
  output_changed_.wait_for(lock, timeout, [&] {
    std::smatch match;
    if (std::regex_search(output_, match, pattern)) {
      found.emplace(match.begin(), match.end());
      return true;
    }
    return output_closed_;
  });
  return found;
}

bool ChildProcess::wait_for_output_closed(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return output_changed_.wait_for(lock, timeout, [&] { return output_closed_; });
}

std::string ChildProcess::output() const {
  std::lock_guard lock(mutex_);
  return output_;
}

void ChildProcess::send_signal(int signal_number) const { kill(pid_, signal_number); }

std::optional<int> ChildProcess::wait_for_exit(std::chrono::milliseconds timeout) {
  if (exit_code_) return exit_code_;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    int status = 0;
    const pid_t result = waitpid(pid_, &status, WNOHANG);
    if (result == pid_) {
      exit_code_ = exit_code_from_status(status);
      return exit_code_;
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

CompletedProcess run_to_completion(const std::string& program,
                                   const std::vector<std::string>& arguments,
                                   std::chrono::milliseconds timeout) {
  ChildProcess child(program, arguments);
  const auto code = child.wait_for_exit(timeout);
  // The child has exited; its pipes reach end-of-file once the reader has drained them.
  child.wait_for_output_closed(std::chrono::seconds(5));
  return {code.value_or(-1), child.output()};
}

TemporaryDirectory::TemporaryDirectory() {
  std::string pattern = (std::filesystem::temp_directory_path() / "callagent-test-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TemporaryDirectory::~TemporaryDirectory() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string TemporaryDirectory::write_file(const std::string& relative_name,
                                           const std::string& content) const {
  const auto full = std::filesystem::path(path_) / relative_name;
  std::filesystem::create_directories(full.parent_path());
  std::ofstream(full, std::ios::binary) << content;
  return full.string();
}

}  // namespace callagent::testing
