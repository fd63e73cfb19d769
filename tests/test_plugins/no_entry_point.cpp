// A shared library that exports something, but not callagent_plugin_v1.
extern "C" __attribute__((visibility("default"))) int not_a_callagent_entry() { return 42; }
