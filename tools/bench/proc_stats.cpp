#include "tools/bench/proc_stats.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>
#include <vector>

namespace callagent::bench {
namespace {

std::string read_text(const std::string& path) {
  std::ifstream file(path);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

std::string proc_dir(pid_t pid) {
  return pid == 0 ? std::string("/proc/self") : "/proc/" + std::to_string(pid);
}

double ticks_per_second() {
  static const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  return ticks;
}

// /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces and parentheses, so
// the fields are counted from the last ')'. utime and stime are fields 14 and 15.
struct StatLine {
  std::string comm;
  double cpu_seconds = 0;
  int threads = 0;
};

std::optional<StatLine> parse_stat(const std::string& text) {
  const auto open = text.find('(');
  const auto close = text.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close < open) return std::nullopt;
  StatLine line;
  line.comm = text.substr(open + 1, close - open - 1);
  std::istringstream fields(text.substr(close + 2));
  std::vector<std::string> values;
  std::string value;
  while (fields >> value) values.push_back(value);
  // values[0] is field 3 (state); field N is values[N - 3].
  if (values.size() < 18) return std::nullopt;
  const double utime = std::stod(values[14 - 3]);
  const double stime = std::stod(values[15 - 3]);
  line.cpu_seconds = (utime + stime) / ticks_per_second();
  line.threads = std::stoi(values[20 - 3]);
  return line;
}

std::int64_t status_kb(const std::string& status_text, std::string_view key) {
  std::istringstream lines(status_text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(key, 0) == 0) return std::stoll(line.substr(key.size()));
  }
  return 0;
}

}  // namespace

std::optional<ProcessUsage> read_process_usage(pid_t pid) {
  const std::string dir = proc_dir(pid);
  const auto stat = parse_stat(read_text(dir + "/stat"));
  if (!stat) return std::nullopt;
  ProcessUsage usage;
  usage.cpu_seconds = stat->cpu_seconds;
  usage.threads = stat->threads;
  usage.rss_kb = status_kb(read_text(dir + "/status"), "VmRSS:");
  return usage;
}

std::map<std::string, double> read_thread_cpu_by_name(pid_t pid) {
  std::map<std::string, double> by_name;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(proc_dir(pid) + "/task", error)) {
    if (const auto stat = parse_stat(read_text(entry.path().string() + "/stat"))) {
      by_name[stat->comm] += stat->cpu_seconds;
    }
  }
  return by_name;
}

double read_machine_busy_cpu_seconds() {
  std::istringstream text(read_text("/proc/stat"));
  std::string label;
  text >> label;  // "cpu": the sum over all CPUs
  double user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
  text >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal;
  return (user + nice + system + irq + softirq + steal) / ticks_per_second();
}

double read_load_average_1m() {
  std::istringstream text(read_text("/proc/loadavg"));
  double load = 0;
  text >> load;
  return load;
}

MachineInfo read_machine_info() {
  MachineInfo info;
  info.cpus = static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN));
  std::istringstream cpuinfo(read_text("/proc/cpuinfo"));
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) info.cpu_model = line.substr(colon + 2);
      break;
    }
  }
  info.memory_total_kb = status_kb(read_text("/proc/meminfo"), "MemTotal:");
  struct utsname name {};
  if (::uname(&name) == 0) {
    info.kernel = std::string(name.sysname) + " " + name.release + " " + name.machine;
  }
  info.load_average_1m = read_load_average_1m();
  return info;
}

}  // namespace callagent::bench
